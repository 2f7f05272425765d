//go:build amd64 && !purego

package cpu

import "golang.org/x/sys/cpu"

// hasAVX2FMA is whether this processor runs accumulateAVX2.
func hasAVX2FMA() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }

// accumulateAVX2 adds vals[k] times row idx[k] of w (cols wide) to acc for
// every k, with AVX2 fused multiply-adds; acc's lanes from cols up to the
// next multiple of 8 gain zero. It does no bounds checks: see accumulate
// for what the caller guarantees.
//
//go:noescape
func accumulateAVX2(acc []float32, w []float32, cols int, idx []int32, vals []float32)

// accumulate adds vals[k] times row idx[k] of w (cols wide) to acc[:cols]
// for every k. Every index must be a row of w (the batch was validated
// against the model), and len(vals) must equal len(idx). The vector
// version runs when acc has room for cols rounded up to whole vectors
// (accWidth).
func accumulate(acc, w []float32, cols int, idx []int32, vals []float32, simd bool) {
	if simd && len(acc) >= accWidth(cols) && len(vals) >= len(idx) {
		accumulateAVX2(acc, w, cols, idx, vals)
		return
	}
	accumulateGo(acc, w, cols, idx, vals)
}
