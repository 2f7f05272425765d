package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validGoodCard is a card validate accepts without a problem.
const validGoodCard = "---\nlicense: mit\nlanguage:\n- en\npipeline_tag: text-classification\n---\n# Model\n\nText.\n"

// TestValidateUnreadableInputs checks that an input validate cannot read
// (a missing file, a broken or looping link, a folder with no cards, a
// folder it may not enter) becomes an invalid result naming the path, the
// reason and the fix, that every other card is still validated, and that
// the exit code is 1, not the usage code 2, in text and in --json output.
func TestValidateUnreadableInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, text string) string {
		t.Helper()
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.md", validGoodCard)
	tree := filepath.Join(dir, "tree")
	write("tree/a.md", validGoodCard)
	write("tree/sub/b.md", validGoodCard)
	if err := os.Symlink("nowhere.md", filepath.Join(tree, "dangling.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop.md", filepath.Join(tree, "loop.md")); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nosuch.md")

	// result is what a test expects of one input's result.
	type result struct {
		valid bool
		code  string // the problem's code, for an invalid input
		want  string // in the message and fix of an invalid input
	}
	type testCase struct {
		name string
		args []string
		want map[string]result // by path relative to dir
	}
	tests := []testCase{
		{"a good file and a missing one", []string{good, missing}, map[string]result{
			"good.md":   {valid: true},
			"nosuch.md": {code: "input.read", want: "does not exist (fix: check the path"},
		}},
		{"a missing file first", []string{missing, good}, map[string]result{
			"nosuch.md": {code: "input.read", want: "does not exist"},
			"good.md":   {valid: true},
		}},
		{"a folder with broken entries", []string{tree}, map[string]result{
			"tree/a.md":        {valid: true},
			"tree/sub/b.md":    {valid: true},
			"tree/dangling.md": {code: "input.read", want: "symbolic link to a file that does not exist (fix: point the link"},
			"tree/loop.md":     {code: "input.read", want: "leads back to itself"},
		}},
		{"a folder with no cards", []string{empty, good}, map[string]result{
			"empty":   {code: "input.no-cards", want: "holds no .md or .markdown files (fix: check the path"},
			"good.md": {valid: true},
		}},
	}
	if os.Geteuid() != 0 {
		// Permissions do not stop root: only run as another user.
		write("guarded/a.md", validGoodCard)
		write("guarded/locked/b.md", validGoodCard)
		locked := filepath.Join(dir, "guarded", "locked")
		if err := os.Chmod(locked, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(locked, 0o755) })
		tests = append(tests, testCase{"a folder it may not enter", []string{filepath.Join(dir, "guarded")}, map[string]result{
			"guarded/a.md":   {valid: true},
			"guarded/locked": {code: "input.read", want: "cannot read the folder: permission denied (fix: let the user"},
		}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", append([]string{"validate"}, tt.args...)...)
			if code != exitFailed {
				t.Errorf("exit %d, want %d; stderr %q", code, exitFailed, stderr)
			}
			for rel, r := range tt.want {
				path := filepath.Join(dir, rel)
				if !r.valid && !strings.Contains(stdout, path+": error: ") {
					t.Errorf("text output has no error line for %s:\n%s", path, stdout)
				}
				if !r.valid && !strings.Contains(stdout, r.want) {
					t.Errorf("text output lacks %q:\n%s", r.want, stdout)
				}
			}
			if want := fmt.Sprintf("%d cards: ", len(tt.want)); !strings.Contains(stderr, want) {
				t.Errorf("summary %q lacks %q", stderr, want)
			}

			code, stdout, stderr = runCLI(t, "", append([]string{"validate", "--json"}, tt.args...)...)
			if code != exitFailed {
				t.Errorf("--json: exit %d, want %d; stderr %q", code, exitFailed, stderr)
			}
			var report validateReport
			if err := json.Unmarshal([]byte(stdout), &report); err != nil {
				t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
			}
			got := map[string]cardReport{}
			for _, c := range report.Cards {
				rel, err := filepath.Rel(dir, c.File)
				if err != nil {
					t.Fatal(err)
				}
				got[filepath.ToSlash(rel)] = c
			}
			if len(got) != len(tt.want) || report.Files != len(tt.want) || report.Valid {
				t.Errorf("--json: %d results (files %d, valid %v), want %d results and valid false: %+v",
					len(got), report.Files, report.Valid, len(tt.want), report.Cards)
			}
			for rel, r := range tt.want {
				c, ok := got[rel]
				switch {
				case !ok:
					t.Errorf("--json: no result for %s", rel)
				case c.Valid != r.valid:
					t.Errorf("--json: %s valid=%v, want %v: %+v", rel, c.Valid, r.valid, c.Problems)
				case !r.valid:
					if len(c.Problems) != 1 || c.Errors != 1 {
						t.Fatalf("--json: %s has %d problems (%d errors), want one error: %+v", rel, len(c.Problems), c.Errors, c.Problems)
					}
					p := c.Problems[0]
					if p.Code != r.code || p.File != c.File || p.Fix == "" {
						t.Errorf("--json: %s problem %+v, want code %s, its path and a fix", rel, p, r.code)
					}
					if text := p.Message + " (fix: " + p.Fix; !strings.Contains(text, r.want) {
						t.Errorf("--json: %s problem %q lacks %q", rel, text, r.want)
					}
				}
			}
		})
	}
}
