package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestTrainRefusesEarly checks the train command's errors that come
// before any training: a wrong command line or an output that cannot be
// written is a usage error found before the corpus is read, and a corpus
// without a labelled card says so.
func TestTrainRefusesEarly(t *testing.T) {
	dir := t.TempDir()
	unlabelled := filepath.Join(dir, "unlabelled")
	if err := os.MkdirAll(filepath.Join(unlabelled, "cards"), 0o755); err != nil {
		t.Fatal(err)
	}
	index := "file\ttask\ttask_source\tsource_repo\tsource_path\ncards/a.md\t\t\torg/a\ta.md\n"
	if err := os.WriteFile(filepath.Join(unlabelled, "index.tsv"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(unlabelled, "cards", "a.md"), []byte("# A\n\nA model.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outFolder := filepath.Join(dir, "model.bin")
	if err := os.Mkdir(outFolder, 0o755); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "out", "model.bin")
	tests := []struct {
		name  string
		args  []string
		code  int
		wants []string
	}{
		{"no corpus", []string{"--out", model}, exitUsage, []string{"--corpus DIR"}},
		{"corpus missing", []string{"--corpus", filepath.Join(dir, "none"), "--out", model}, exitUsage, []string{"is not a folder"}},
		{"out is a folder", []string{"--corpus", unlabelled, "--out", outFolder}, exitUsage, []string{"--out", "is a folder"}},
		{"out under a file", []string{"--corpus", unlabelled, "--out", filepath.Join(unlabelled, "index.tsv", "m.bin")}, exitFailed, []string{"--out"}},
		{"no labelled card", []string{"--corpus", unlabelled, "--out", model}, exitFailed, []string{"holds no labelled card"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", append([]string{"train"}, tt.args...)...)
			checkExit(t, code, stderr, tt.code, tt.wants...)
			if _, err := os.Stat(model); err == nil {
				t.Error("a model file was written")
			}
		})
	}
}
