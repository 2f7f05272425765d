//go:build amd64 && !purego

package cpu

import "golang.org/x/sys/cpu"

// hasAVX2FMA is whether this processor runs accumulateAVX2.
func hasAVX2FMA() bool { return cpu.X86.HasAVX2 && cpu.X86.HasFMA }

// accumulateAVX2 adds vals[k] times row idx[k] of w (stride wide, a whole
// number of vectors) to acc[:stride] for every k, with AVX2 fused
// multiply-adds. It does no bounds checks: see accumulate for what the
// caller guarantees.
//
//go:noescape
func accumulateAVX2(acc []float32, w []float32, stride int, idx []int32, vals []float32)

// accumulate adds vals[k] times row idx[k] of w (stride wide, its first
// cols values the weights, the rest zero) to acc for every k: to
// acc[:stride] with the vector version, which runs when stride is a whole
// number of vectors that acc has room for, else to acc[:cols]. Every index
// must be a row of w (the batch was validated against the model), and
// len(vals) must be at least len(idx).
func accumulate(acc, w []float32, stride, cols int, idx []int32, vals []float32, simd bool) {
	if simd && stride > 0 && stride%vectorLanes == 0 && len(acc) >= stride && len(vals) >= len(idx) {
		accumulateAVX2(acc, w, stride, idx, vals)
		return
	}
	accumulateGo(acc, w, stride, cols, idx, vals)
}
