package evalimport

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/terragonlabs/modelcard-generator/card"
)

// largeCSV returns a results CSV of rows rows and the same text with each
// row followed by blank lines, which reserve no result.
func largeCSV(rows, blanks int) (plain, blanky string) {
	var b, bl strings.Builder
	b.WriteString("task,dataset,split,metric,value\n")
	bl.WriteString("task,dataset,split,metric,value\n")
	for i := range rows {
		row := fmt.Sprintf("text-classification,org/ds%d,test,accuracy,0.5\n", i)
		b.WriteString(row)
		bl.WriteString(row)
		bl.WriteString(strings.Repeat("\n", blanks))
	}
	return b.String(), bl.String()
}

// BenchmarkCSVImportLarge imports a 100,000-row CSV, and the same rows
// among many blank lines, and reports the bytes allocated per byte of the
// file beside the results' own size: the old import allocated 50 times the
// file, with a growing slice's copies, a map of every key's strings and a
// string per row for messages.
//
//	go test -tags cpu ./evalimport -run '^$' -bench CSVImportLarge -benchtime 3x
func BenchmarkCSVImportLarge(b *testing.B) {
	const rows = 100_000
	plain, blanky := largeCSV(rows, 20)
	results := float64(rows) * float64(unsafe.Sizeof(card.EvalResult{}))
	for _, tt := range []struct{ name, text string }{{"rows", plain}, {"blank lines", blanky}} {
		b.Run(tt.name, func(b *testing.B) {
			path := writeFile(b, b.TempDir(), "big.csv", tt.text)
			b.SetBytes(int64(len(tt.text)))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				im, err := ImportAll(path)
				if err != nil {
					b.Fatal(err)
				}
				if len(im.Results) != rows {
					b.Fatalf("%d results, want %d", len(im.Results), rows)
				}
			}
			runtime.ReadMemStats(&after)
			perRun := float64(after.TotalAlloc-before.TotalAlloc) / float64(b.N)
			b.ReportMetric(perRun/float64(len(tt.text)), "alloc-bytes/file-byte")
			b.ReportMetric(perRun/results, "alloc/results-size")
		})
	}
}

func TestCountFilledLines(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"\n\n\n", 0},
		{"\r\n\r\n", 0},
		{"a", 1},
		{"a\n", 1},
		{"a\n\nb\r\n\r\nc", 3},
		{" \n", 1},
		{"\ra\n", 1},
	}
	for _, tt := range tests {
		if got := countFilledLines([]byte(tt.in)); got != tt.want {
			t.Errorf("countFilledLines(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}
