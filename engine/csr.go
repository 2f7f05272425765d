package engine

import (
	"fmt"
	"math"
	"slices"
)

// CSR is a batch of sparse feature rows in compressed sparse row form: row
// r's features are ColIdx[RowPtr[r]:RowPtr[r+1]] with values
// Vals[RowPtr[r]:RowPtr[r+1]]. It is what every Backend scores.
type CSR struct {
	// RowPtr has Rows()+1 entries; RowPtr[0] is 0.
	RowPtr []int32
	// ColIdx holds the feature index of each stored value.
	ColIdx []int32
	// Vals holds the stored values.
	Vals []float32
}

// NewCSR returns an empty batch with room for rows rows and nnz values.
func NewCSR(rows, nnz int) *CSR {
	b := &CSR{
		RowPtr: make([]int32, 1, rows+1),
		ColIdx: make([]int32, 0, nnz),
		Vals:   make([]float32, 0, nnz),
	}
	return b
}

// Rows returns the number of rows.
func (b *CSR) Rows() int {
	if len(b.RowPtr) == 0 {
		return 0
	}
	return len(b.RowPtr) - 1
}

// NNZ returns the number of stored values.
func (b *CSR) NNZ() int { return len(b.Vals) }

// Reset empties the batch, keeping its memory.
func (b *CSR) Reset() {
	b.RowPtr = append(b.RowPtr[:0], 0)
	b.ColIdx = b.ColIdx[:0]
	b.Vals = b.Vals[:0]
}

// AppendRow adds one row. The value arrays at least double when they
// grow (append grows large slices by a quarter), so that filling a batch
// from empty copies it a few times, not dozens.
func (b *CSR) AppendRow(r Row) {
	if len(b.RowPtr) == 0 {
		b.RowPtr = append(b.RowPtr, 0)
	}
	if n := len(b.Vals) + len(r.Vals); n > cap(b.Vals) || n > cap(b.ColIdx) {
		room := max(n, 2*cap(b.Vals)) - len(b.Vals)
		b.ColIdx = slices.Grow(b.ColIdx, room)
		b.Vals = slices.Grow(b.Vals, room)
	}
	b.ColIdx = append(b.ColIdx, r.Cols...)
	b.Vals = append(b.Vals, r.Vals...)
	b.RowPtr = append(b.RowPtr, int32(len(b.Vals)))
}

// Row returns row i as a view into the batch.
func (b *CSR) Row(i int) Row {
	lo, hi := b.RowPtr[i], b.RowPtr[i+1]
	return Row{Cols: b.ColIdx[lo:hi], Vals: b.Vals[lo:hi]}
}

// Validate checks the batch against a feature count: row pointers start
// at 0 and never decrease, every column is in range, and every value is a
// finite number (an infinite value times a zero weight is not a number, so
// no backend could score it the same way whether or not it skips the
// model's zero rows; the featurizer writes only finite ones).
func (b *CSR) Validate(features int) error {
	if len(b.RowPtr) == 0 || b.RowPtr[0] != 0 {
		return fmt.Errorf("csr: row pointers must start with 0")
	}
	if len(b.ColIdx) != len(b.Vals) {
		return fmt.Errorf("csr: %d column indexes but %d values", len(b.ColIdx), len(b.Vals))
	}
	for i := 1; i < len(b.RowPtr); i++ {
		if b.RowPtr[i] < b.RowPtr[i-1] {
			return fmt.Errorf("csr: row pointer %d decreases", i)
		}
	}
	if int(b.RowPtr[len(b.RowPtr)-1]) != len(b.Vals) {
		return fmt.Errorf("csr: last row pointer %d, but %d values", b.RowPtr[len(b.RowPtr)-1], len(b.Vals))
	}
	for i, c := range b.ColIdx {
		if c < 0 || int(c) >= features {
			return fmt.Errorf("csr: value %d has column %d, outside 0..%d", i, c, features-1)
		}
		// An exponent of all ones: infinite or not a number.
		if v := b.Vals[i]; math.Float32bits(v)&0x7f800000 == 0x7f800000 {
			return fmt.Errorf("csr: value %d is %v, not a finite number", i, v)
		}
	}
	return nil
}

// Row is one sparse feature row.
type Row struct {
	// Cols are feature indexes, each at most once.
	Cols []int32
	// Vals are the values, one per column.
	Vals []float32
}
