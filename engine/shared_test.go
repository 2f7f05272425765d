package engine

import (
	"os"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/internal/sharedtest"
)

// corpusEntry is one row of the corpus index.
type corpusEntry = sharedtest.Entry

// sharedDir returns the shared material's folder, failing the test when it
// is missing.
func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

// corpusEntries reads the corpus index.
func corpusEntries(t testing.TB) []corpusEntry { return sharedtest.Entries(t) }

// corpusBodies parses every corpus card and returns the bodies of those
// that have one.
func corpusBodies(t testing.TB) []*card.Body {
	t.Helper()
	var out []*card.Body
	for _, e := range corpusEntries(t) {
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := card.Parse(src); c != nil && c.Body != nil {
			out = append(out, c.Body)
		}
	}
	return out
}
