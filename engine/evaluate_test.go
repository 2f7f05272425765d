package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// readTestCorpusIndex reads the shared corpus's index.
func readTestCorpusIndex(t testing.TB) []CorpusEntry {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedDir(t), "corpus", "index.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, err := ReadCorpusIndex(f)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}
