//go:build amd64 && !purego

package cpu

import "golang.org/x/sys/cpu"

// hasAVX2FMA is whether this processor runs accumulateAVX2.
func hasAVX2FMA() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }

// accumulateAVX2 adds vals[k] times the cols values of row idx[k] of w
// (rows stride apart) to acc[:cols] for every k, with AVX2 fused
// multiply-adds. It does no bounds checks: see accumulate for what the
// caller guarantees.
//
//go:noescape
func accumulateAVX2(acc []float32, w []float32, stride, cols int, idx []int32, vals []float32)

// accumulate adds vals[k] times the cols values of row idx[k] of w (rows
// stride apart) to acc[:cols] for every k. Every index must be a row of w
// (the batch was validated against the model), and len(vals) must be at
// least len(idx). The vector version runs when acc has room for cols
// rounded up to whole vectors (accWidth); its lanes past cols gain zero.
func accumulate(acc, w []float32, stride, cols int, idx []int32, vals []float32, simd bool) {
	if simd && cols > 0 && stride >= cols && len(acc) >= accWidth(cols) && len(vals) >= len(idx) {
		accumulateAVX2(acc, w, stride, cols, idx, vals)
		return
	}
	accumulateGo(acc, w, stride, cols, idx, vals)
}
