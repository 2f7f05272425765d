// Package sharedtest finds the project's shared material (the corpus of
// real model cards, the test vectors) for tests, failing them with a clear
// message when it is missing.
package sharedtest

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir returns the shared folder: $MODELCARD_SHARED when set, else the
// "shared" folder beside the repository root (the folder holding go.mod).
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("MODELCARD_SHARED")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			t.Fatalf("find the repository root: %v", err)
		}
		dir = filepath.Join(root, "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "corpus", "index.tsv")); err != nil {
		t.Fatalf("shared material not found at %s (set MODELCARD_SHARED to the folder holding corpus/ and testvectors/): %v", dir, err)
	}
	return dir
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// Entry is one row of the corpus index.
type Entry struct {
	// Path is the card's file path.
	Path string
	// Task is the task label, "" when unknown.
	Task string
	// HasFrontMatter says the card has a YAML block.
	HasFrontMatter bool
	// HasModelIndex says the card has a model-index.
	HasModelIndex bool
}

// Entries reads the corpus index.
func Entries(t testing.TB) []Entry {
	t.Helper()
	dir := filepath.Join(Dir(t), "corpus")
	f, err := os.Open(filepath.Join(dir, "index.tsv"))
	if err != nil {
		t.Fatalf("open corpus index: %v", err)
	}
	defer f.Close()
	var out []Entry
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
		out = append(out, Entry{
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
