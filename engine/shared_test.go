package engine

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedDir returns the path of the project's shared material, failing the
// test with a clear message when it is missing.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared")
	if env := os.Getenv("MODELCARD_SHARED"); env != "" {
		dir = env
	}
	if _, err := os.Stat(filepath.Join(dir, "corpus", "index.tsv")); err != nil {
		t.Fatalf("shared material not found at %s (set MODELCARD_SHARED to the folder holding corpus/ and testvectors/): %v", dir, err)
	}
	return dir
}

// corpusEntry is one row of the corpus index.
type corpusEntry struct {
	Path           string
	Task           string
	HasFrontMatter bool
	HasModelIndex  bool
}

// corpusEntries reads the corpus index.
func corpusEntries(t testing.TB) []corpusEntry {
	t.Helper()
	dir := filepath.Join(sharedDir(t), "corpus")
	f, err := os.Open(filepath.Join(dir, "index.tsv"))
	if err != nil {
		t.Fatalf("open corpus index: %v", err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 5 {
			continue
		}
		out = append(out, corpusEntry{
			Path:           filepath.Join(dir, cols[0]),
			Task:           cols[1],
			HasFrontMatter: cols[3] == "yes",
			HasModelIndex:  cols[4] == "yes",
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read corpus index: %v", err)
	}
	if len(out) == 0 {
		t.Fatalf("corpus index %s lists no cards", dir)
	}
	return out
}

// corpusTaskLabel returns the corpus index's task label for a card path.
func corpusTaskLabels(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range corpusEntries(t) {
		out[e.Path] = e.Task
	}
	return out
}
