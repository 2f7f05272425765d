package engine

import (
	"slices"
	"strings"
	"testing"
)

// referenceHashText is hashText written as a plain byte-at-a-time state
// machine, the way its doc comment reads: the reference the word-at-a-time
// loop of hashText is held to.
func referenceHashText(f *Featurizer, text string, seed uint32, stems bool) {
	var prev, h, stem uint32
	havePrev, inWord, digits := false, false, false
	n := 0
	finish := func() {
		if inWord {
			prev, havePrev = f.endWord(h, prev, havePrev, stem, stems && n > stemBytes, digits)
			inWord = false
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if strings.HasPrefix(text[i:], "<!--") {
			finish()
			end := strings.Index(text[i+4:], "-->")
			if end < 0 {
				return
			}
			i += 4 + end + 2
			continue
		}
		if (i == 0 || text[i-1] == '\n') && strings.HasPrefix(text[i:], needsInfoPrefix) {
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				return
			}
			i += end
			havePrev = false
			continue
		}
		lc := wordByte[c]
		if lc == 0 {
			finish()
			continue
		}
		if !inWord {
			h, inWord, n, digits = seed, true, 0, true
		}
		digits = digits && lc >= '0' && lc <= '9'
		h = (h ^ uint32(lc)) * 16777619
		n++
		if n == stemBytes {
			stem = h
		}
	}
	finish()
}

// hashedRow runs one way of hashing text and returns the row it gives,
// sorted by column.
func hashedRow(f *Featurizer, hash func()) Row {
	f.cols, f.vals = f.cols[:0], f.vals[:0]
	hash()
	f.flush()
	type cell struct {
		col int32
		val float32
	}
	cells := make([]cell, len(f.cols))
	for i := range f.cols {
		cells[i] = cell{f.cols[i], f.vals[i]}
	}
	slices.SortFunc(cells, func(a, b cell) int { return int(a.col - b.col) })
	row := Row{Cols: make([]int32, len(cells)), Vals: make([]float32, len(cells))}
	for i, c := range cells {
		row.Cols[i], row.Vals[i] = c.col, c.val
	}
	return row
}

// TestHashTextMatchesReference holds hashText to referenceHashText on
// every corpus card's body and on texts made to hit the edges: comments
// that run on, needs-information lines, digit-only words, words at the
// very end, stems of exactly stemBytes bytes.
func TestHashTextMatchesReference(t *testing.T) {
	texts := []string{
		"", "a", "abcde", "abcdef", "12345 678901 abc123", "word<!-- comment -->word", "word <!-- runs on",
		"> **Needs information** about this\nnext words", "x\n> **Needs information**", "<!--", "<!---->tail",
		"caf\xc3\xa9 na\xc3\xafve MIXED Case 7b yolov8", "end with digits 2024", "a-b_c.d/e",
	}
	for _, b := range corpusBodies(t) {
		texts = append(texts, b.Text)
	}
	f := newTestFeaturizer(t)
	for i, text := range texts {
		for _, stems := range []bool{true, false} {
			got := hashedRow(f, func() { f.hashText(text, seedBody, stems) })
			want := hashedRow(f, func() { referenceHashText(f, text, seedBody, stems) })
			if !slices.Equal(got.Cols, want.Cols) || !slices.Equal(got.Vals, want.Vals) {
				t.Fatalf("text %d (stems %v, %d bytes): hashText gives %d features, the reference %d, or other values",
					i, stems, len(text), len(got.Cols), len(want.Cols))
			}
		}
	}
}
