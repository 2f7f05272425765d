package evalimport

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/terragonlabs/modelcard-generator/card"
)

// TestCSVImportMemory checks that importing a large CSV allocates in
// proportion to the file: the results themselves (a card.EvalResult is
// some 260 bytes) and a few copies of the text, not a growing slice's
// copies, a map of every key's strings or a string per row for messages.
func TestCSVImportMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a 100 000-row CSV")
	}
	const rows = 100_000
	var b strings.Builder
	b.WriteString("task,dataset,split,metric,value\n")
	for i := range rows {
		fmt.Fprintf(&b, "text-classification,org/ds%d,test,accuracy,0.5\n", i)
	}
	path := writeFile(t, t.TempDir(), "big.csv", b.String())
	size := uint64(b.Len())

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	im, err := ImportAll(path)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Results) != rows {
		t.Fatalf("%d results, want %d", len(im.Results), rows)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	results := uint64(rows) * uint64(unsafe.Sizeof(card.EvalResult{}))
	// The results, the file, the rows' text, their lines and a hash index:
	// 45 MB here, where the old import allocated 250 MB.
	if limit := results + 6*size; allocated > limit {
		t.Errorf("importing %d bytes (%d rows) allocated %d bytes, more than %d (%.1f times the file)",
			size, rows, allocated, limit, float64(allocated)/float64(size))
	}
	t.Logf("%d bytes, %d rows: %d bytes allocated (%.1f times the file), %d mallocs", size, rows, allocated,
		float64(allocated)/float64(size), after.Mallocs-before.Mallocs)
}
