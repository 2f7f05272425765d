package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name      string
		existing  string // "" means no file before
		overwrite bool
		wantErr   error
		want      string
	}{
		{"new file", "", false, nil, "new"},
		{"refuses to overwrite", "old", false, ErrExists, "old"},
		{"overwrites when asked", "old", true, nil, "new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "sub", "card.md")
			if tt.existing != "" {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tt.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := Write(path, []byte("new"), 0o644, tt.overwrite)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("content = %q, want %q", got, tt.want)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("folder holds %d entries, want only the card (temporary files left behind?)", len(entries))
			}
			if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
				t.Errorf("mode = %v", st.Mode().Perm())
			}
		})
	}
}

func TestCreateCommitAbort(t *testing.T) {
	tests := []struct {
		name     string
		existing string
		commit   bool
		want     string
	}{
		{"commit replaces", "old", true, "part one, part two"},
		{"commit creates", "", true, "part one, part two"},
		{"abort keeps the old file", "old", false, "old"},
		{"abort leaves no file", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out", "results.jsonl")
			if tt.existing != "" {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(tt.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			f, err := Create(path, 0o640)
			if err != nil {
				t.Fatal(err)
			}
			for _, part := range []string{"part one, ", "part two"} {
				if _, err := f.Write([]byte(part)); err != nil {
					t.Fatal(err)
				}
				// The target is untouched while writing.
				got, _ := os.ReadFile(path)
				if string(got) != tt.existing {
					t.Fatalf("target changed before Commit: %q", got)
				}
			}
			if tt.commit {
				if err := f.Commit(); err != nil {
					t.Fatal(err)
				}
			} else {
				f.Abort()
			}
			got, err := os.ReadFile(path)
			if tt.want == "" {
				if !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("file exists after abort: %q, %v", got, err)
				}
			} else if string(got) != tt.want {
				t.Fatalf("content %q, want %q", got, tt.want)
			}
			if tt.commit {
				if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o640 {
					t.Errorf("mode %v, %v; want 0640", st.Mode().Perm(), err)
				}
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			for _, e := range entries {
				if e.Name() != "results.jsonl" {
					t.Errorf("left behind %s", e.Name())
				}
			}
			if _, err := f.Write([]byte("late")); err == nil {
				t.Error("Write after Commit or Abort succeeded")
			}
			if err := f.Commit(); err == nil {
				t.Error("a second Commit succeeded")
			}
		})
	}
}
