package card

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestCorpusParseAndRoundTrip parses every corpus card: none may panic or
// fail as input; broken YAML blocks are reported with a line; every card
// rendered unchanged is byte-for-byte the file; and the YAML data of the
// rendered card equals the data of the file.
func TestCorpusParseAndRoundTrip(t *testing.T) {
	entries := corpusEntries(t)
	var withBlock, brokenYAML, roundTrips int
	for _, e := range entries {
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatalf("read %s: %v", e.Path, err)
		}
		c, err := Parse(src)
		var ye *YAMLError
		switch {
		case errors.As(err, &ye):
			brokenYAML++
			if ye.Line <= 0 {
				t.Errorf("%s: broken YAML reported without a line: %v", e.Path, err)
			}
			_, problems := Validate(e.Path, src)
			if len(problems) == 0 || problems[0].Code != "yaml.syntax" || problems[0].Line != ye.Line || !HasErrors(problems) {
				t.Errorf("%s: broken YAML not reported by Validate as yaml.syntax on line %d: %v", e.Path, ye.Line, problems)
			}
		case err != nil:
			t.Errorf("%s: %v", e.Path, err)
			continue
		}
		if c.HasFrontMatter() != e.HasFrontMatter {
			t.Errorf("%s: front matter found = %v, index says %v", e.Path, c.HasFrontMatter(), e.HasFrontMatter)
		}
		if c.HasFrontMatter() {
			withBlock++
		}
		out, rerr := RenderHF(c)
		if rerr != nil {
			t.Errorf("%s: render unchanged: %v", e.Path, rerr)
			continue
		}
		if !bytes.Equal(out, src) {
			t.Errorf("%s: round trip changed the card (%d bytes in, %d out)", e.Path, len(src), len(out))
			continue
		}
		if err == nil && c.HasFrontMatter() {
			back, berr := Parse(out)
			if berr != nil {
				t.Errorf("%s: re-parse: %v", e.Path, berr)
				continue
			}
			if !sameData(back.Meta.Map(), c.Meta.Map()) {
				t.Errorf("%s: YAML data changed in the round trip", e.Path)
			}
			roundTrips++
		}
	}
	t.Logf("%d cards, %d with a YAML block, %d with a broken one, %d round trips checked", len(entries), withBlock, brokenYAML, roundTrips)
	if withBlock == 0 || roundTrips == 0 {
		t.Fatal("no card with a YAML block was checked")
	}
}

// TestRoundTripAfterMetadataEdit checks that changing one key rewrites only
// the YAML block: the body stays byte-for-byte and other keys keep their
// values and order.
func TestRoundTripAfterMetadataEdit(t *testing.T) {
	src := "---\nlicense: mit\nlanguage:\n- en\nextra_key: {a: 1}\n---\n\n# Title\n\nBody with --- inside.\n"
	c, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Meta.Set("license", "apache-2.0"); err != nil {
		t.Fatal(err)
	}
	out, err := RenderHF(c)
	if err != nil {
		t.Fatal(err)
	}
	fm := SplitFrontMatter(string(out))
	if fm.Body != "\n# Title\n\nBody with --- inside.\n" {
		t.Errorf("body changed: %q", fm.Body)
	}
	back, err := ParseMetadata(fm.YAML, fm.YAMLLine)
	if err != nil {
		t.Fatalf("re-parse %q: %v", fm.YAML, err)
	}
	want := map[string]any{"license": "apache-2.0", "language": []any{"en"}, "extra_key": map[string]any{"a": 1}}
	if !jsonEqual(t, back.Map(), want) {
		t.Errorf("metadata = %v, want %v", back.Map(), want)
	}
	if got := back.Keys(); len(got) != 3 || got[0] != "license" || got[2] != "extra_key" {
		t.Errorf("key order = %v", got)
	}
}

func TestParseRejectsNonText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		code string
		line int
	}{
		{"nul byte", []byte("---\nlicense: mit\n---\nab\x00cd"), "input.binary", 4},
		{"latin-1", []byte("# Caf\xe9\n"), "input.encoding", 1},
		{"truncated utf-8 on line 3", []byte("a\nb\n\xe2\x82"), "input.encoding", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an *InputError", err)
			}
			if ie.Code != tt.code || ie.Line != tt.line {
				t.Errorf("code %s line %d, want %s line %d", ie.Code, ie.Line, tt.code, tt.line)
			}
		})
	}
}

func TestParseKeepsBrokenYAMLCard(t *testing.T) {
	src := "---\nlicense: mit\ntags: [a, b\n---\n# Title\n"
	c, err := Parse([]byte(src))
	var ye *YAMLError
	if !errors.As(err, &ye) {
		t.Fatalf("err = %v, want a *YAMLError", err)
	}
	if ye.Line < 2 || ye.Line > 4 {
		t.Errorf("error line %d, want within the block (2-4)", ye.Line)
	}
	if c == nil || c.Body == nil || len(c.Body.Sections) != 1 || c.Body.Sections[0].Title != "Title" {
		t.Fatalf("body not parsed: %+v", c)
	}
	out, err := RenderHF(c)
	if err != nil || string(out) != src {
		t.Errorf("round trip of a broken card = %q, %v", out, err)
	}
}

func TestReadFileLimited(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/big.md"
	if err := os.WriteFile(path, bytes.Repeat([]byte("a"), 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFileLimited(path, 1024); err == nil {
		t.Error("a 2 KiB file should be refused with a 1 KiB limit")
	} else if ie := new(InputError); !errors.As(err, &ie) || ie.Code != "input.too-large" {
		t.Errorf("err = %v, want input.too-large", err)
	}
	data, err := ReadFileLimited(path, 4096)
	if err != nil || len(data) != 2048 {
		t.Errorf("read = %d bytes, %v", len(data), err)
	}
	if _, err := ReadFileLimited(dir, 0); err == nil {
		t.Error("a folder should be refused")
	}
	for _, content := range [][]byte{nil, []byte("x"), []byte("---\nlicense: mit\n---\n# T\n"), bytes.Repeat([]byte("0123456789"), 100_000)} {
		p := filepath.Join(dir, "card.md")
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFileLimited(p, 0)
		if err != nil || !bytes.Equal(got, content) {
			t.Errorf("%d-byte file: read %d bytes that differ, %v", len(content), len(got), err)
		}
	}
}

// TestReadFileLimitedPaths holds ReadFileLimited (which reads regular files
// with plain system calls on Linux) to reading through os.File, on
// files at and around the limit, missing files, folders, a pipe and a file
// that reports no size.
func TestReadFileLimitedPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, bytes.Repeat([]byte("m"), size), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := w.Write([]byte("from a pipe")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	tests := []struct {
		name     string
		path     string
		max      int64
		wantCode string // "" when the read succeeds
		wantLen  int
	}{
		{"under the limit", write("under.md", 999), 1000, "", 999},
		{"at the limit", write("at.md", 1000), 1000, "", 1000},
		{"over the limit", write("over.md", 1001), 1000, "input.too-large", 0},
		{"empty", write("empty.md", 0), 10, "", 0},
		{"missing", filepath.Join(dir, "none.md"), 0, "input.read", 0},
		{"folder", dir, 0, "input.read", 0},
		{"pipe", fmt.Sprintf("/proc/self/fd/%d", r.Fd()), 0, "", len("from a pipe")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "pipe" {
				if _, err := os.Stat(tt.path); err != nil {
					t.Skip("no /proc/self/fd here")
				}
			}
			got, err := ReadFileLimited(tt.path, tt.max)
			var ie *InputError
			switch {
			case tt.wantCode == "" && (err != nil || len(got) != tt.wantLen):
				t.Fatalf("read %d bytes, %v; want %d bytes", len(got), err, tt.wantLen)
			case tt.wantCode != "" && (!errors.As(err, &ie) || ie.Code != tt.wantCode):
				t.Fatalf("err = %v, want %s", err, tt.wantCode)
			}
			if tt.name == "pipe" {
				return // read once: os.File would find it empty now
			}
			limit := tt.max
			if limit == 0 {
				limit = DefaultMaxCardBytes
			}
			// The reference: the file read through os.File.
			var want []byte
			var wantErr error
			if f, openErr := os.Open(tt.path); openErr != nil {
				wantErr = openFailed(openErr)
			} else {
				want, wantErr = readOpenFile(f, limit)
				f.Close()
			}
			if !bytes.Equal(got, want) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("got %d bytes, %v; os.File gives %d bytes, %v", len(got), err, len(want), wantErr)
			}
			if tt.name == "missing" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("err = %v, want one that is fs.ErrNotExist", err)
			}
		})
	}
	// /proc files are regular files of size 0 that still hold text.
	if want, err := os.ReadFile("/proc/self/cmdline"); err == nil && len(want) > 0 {
		got, err := ReadFileLimited("/proc/self/cmdline", 0)
		if err != nil || len(got) == 0 {
			t.Errorf("/proc/self/cmdline: read %d bytes, %v; want its text", len(got), err)
		}
	}
}
