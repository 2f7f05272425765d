//go:build !amd64 || purego

package cpu

// hasAVX2FMA is false where there is no assembly version.
func hasAVX2FMA() bool { return false }

// accumulate adds vals[k] times the cols values of row idx[k] of w (rows
// stride apart) to acc[:cols] for every k, in Go.
func accumulate(acc, w []float32, stride, cols int, idx []int32, vals []float32, _ bool) {
	accumulateGo(acc, w, stride, cols, idx, vals)
}
