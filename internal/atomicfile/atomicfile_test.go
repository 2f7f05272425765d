package atomicfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
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

func TestWriteAll(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "blocker")
	if err := os.WriteFile(blocker, []byte("a file where a folder is wanted"), 0o644); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "a", "old.md")
	if err := os.MkdirAll(filepath.Dir(existing), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := []Pending{
		{Path: filepath.Join(dir, "a", "one.md"), Data: []byte("one"), Perm: 0o644},
		{Path: existing, Data: []byte("kept?"), Perm: 0o644},
		{Path: filepath.Join(dir, "b", "two.md"), Data: []byte("two"), Perm: 0o600},
		{Path: filepath.Join(blocker, "three.md"), Data: []byte("three"), Perm: 0o644},
		{Path: existing, Data: []byte("new"), Perm: 0o644, Overwrite: true},
	}
	errs := WriteAll(context.Background(), files, 3)
	if len(errs) != len(files) {
		t.Fatalf("%d errors for %d files", len(errs), len(files))
	}
	for i, want := range []struct {
		err     error
		failed  bool
		content string
	}{
		{nil, false, "one"},
		{ErrExists, true, ""},
		{nil, false, "two"},
		{nil, true, ""},
		{nil, false, "new"},
	} {
		if want.failed != (errs[i] != nil) || (want.err != nil && !errors.Is(errs[i], want.err)) {
			t.Errorf("file %d: error %v, want failed=%v (%v)", i, errs[i], want.failed, want.err)
		}
		if want.content == "" {
			continue
		}
		got, err := os.ReadFile(files[i].Path)
		if err != nil || string(got) != want.content {
			t.Errorf("file %d holds %q (%v), want %q", i, got, err, want.content)
		}
		if st, _ := os.Stat(files[i].Path); st.Mode().Perm() != files[i].Perm {
			t.Errorf("file %d: mode %v, want %v", i, st.Mode().Perm(), files[i].Perm)
		}
	}
	for _, sub := range []string{"a", "b"} {
		entries, _ := os.ReadDir(filepath.Join(dir, sub))
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				t.Errorf("temporary file %s left in %s", e.Name(), sub)
			}
		}
	}
}

func TestWriteAllCancelled(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	files := []Pending{{Path: filepath.Join(dir, "x.md"), Data: []byte("x"), Perm: 0o644}}
	errs := WriteAll(ctx, files, 4)
	if !errors.Is(errs[0], context.Canceled) {
		t.Errorf("error %v, want one wrapping context.Canceled", errs[0])
	}
	if _, err := os.Stat(files[0].Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written after the context ended: %v", err)
	}
}
