//go:build !linux || !amd64 || purego

package cpu

import "testing"

// guardedFloats returns n float32s; where no guard page can be set up, an
// ordinary slice.
func guardedFloats(_ *testing.T, n int) []float32 { return make([]float32, n) }
