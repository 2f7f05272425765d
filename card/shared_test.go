package card

import (
	"os"
	"testing"

	"github.com/terragonlabs/modelcard-generator/internal/sharedtest"
)

// corpusEntry is one row of the corpus index.
type corpusEntry = sharedtest.Entry

// sharedDir returns the shared material's folder, failing the test when it
// is missing.
func sharedDir(t testing.TB) string { return sharedtest.Dir(t) }

// corpusEntries reads the corpus index.
func corpusEntries(t testing.TB) []corpusEntry { return sharedtest.Entries(t) }

// corpusModelIndex is the decoded model-index of one corpus card.
type corpusModelIndex struct {
	path  string
	value any
}

// corpusModelIndexes returns the decoded model-index of every corpus card
// whose metadata parses and holds one, in index order.
func corpusModelIndexes(t testing.TB) []corpusModelIndex {
	t.Helper()
	var out []corpusModelIndex
	for _, e := range corpusEntries(t) {
		if !e.HasModelIndex {
			continue
		}
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatalf("read %s: %v", e.Path, err)
		}
		fm := SplitFrontMatter(string(src))
		md, err := ParseMetadata(fm.YAML, fm.YAMLLine)
		if err != nil {
			continue
		}
		if v, ok := md.Value("model-index"); ok {
			out = append(out, corpusModelIndex{path: e.Path, value: v})
		}
	}
	return out
}
