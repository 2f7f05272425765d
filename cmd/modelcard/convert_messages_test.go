package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// TestConvertEmptyStdin checks that convert fails, exit 1, on standard
// input that holds no card, instead of converting nothing.
func TestConvertEmptyStdin(t *testing.T) {
	for _, stdin := range []string{"", "\n \r\n\t\n"} {
		for _, to := range []string{"hf", "mct", "json"} {
			code, stdout, stderr := runCLI(t, stdin, "convert", "--to", to, "-")
			if code != exitFailed || stdout != "" {
				t.Errorf("stdin %q --to %s: exit %d, %d bytes out; want 1 and none", stdin, to, code, len(stdout))
			}
			if !strings.Contains(stderr, "stdin was empty: pipe a card") {
				t.Errorf("stdin %q --to %s: stderr does not say stdin was empty: %q", stdin, to, stderr)
			}
		}
	}
}

// TestConvertOutFolder checks that --out naming a folder is a usage error
// that says so and names a file to give instead, with or without --force
// (which once led to a raw rename error), and leaves the folder alone.
func TestConvertOutFolder(t *testing.T) {
	fixtures := convertFixtures(t)
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"hf", []string{"convert", fixtures["mct"], "--to", "hf", "--out", dir}, "", filepath.Join(dir, "fixture.md")},
		{"hf with --force", []string{"convert", fixtures["mct"], "--to", "hf", "--force", "--out", dir}, "", filepath.Join(dir, "fixture.md")},
		{"mct", []string{"convert", fixtures["hf"], "--to", "mct", "--force", "--out", dir}, "", filepath.Join(dir, "README.mct.json")},
		{"json to annex-iv", []string{"convert", fixtures["json"], "--to", "annex-iv", "--out", dir}, "", filepath.Join(dir, "fixture.annex-iv.md")},
		{"from stdin", []string{"convert", "-", "--to", "html", "--out", dir}, convertFixtureSpec, filepath.Join(dir, "card.html")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d: %s", code, exitUsage, stderr)
			}
			if want := "--out " + dir + " is a folder"; !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q: %s", want, stderr)
			}
			if want := "such as --out " + tt.want; !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q: %s", want, stderr)
			}
			if strings.Contains(stderr, "rename") || strings.Contains(stderr, "use --force") {
				t.Errorf("stderr has a raw error or the --force hint: %s", stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("the folder was written to: %v", entries)
			}
		})
	}
}

// TestConvertParseErrorWording checks that a card convert cannot read is
// reported once per problem, naming the file once (with the line), and
// that --from is suggested only where another format could help: not for
// a file that is not UTF-8 text or whose YAML block does not parse.
func TestConvertParseErrorWording(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data string) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	badUTF8 := write("badutf8.md", "---\nlicense: mit\n---\n# T\xff\n")
	binary := write("binary.md", "# T\x00\n")
	brokenYAML := write("broken.md", "---\nlicense: [mit\n---\n# T\n")
	badSpec := write("bad.yaml", "model_id: \xfe\n")
	jsonish := write("card.txt", `{"x": 1`)
	tests := []struct {
		name     string
		args     []string
		stdin    string
		source   string // the name each problem line starts with
		want     []string
		fromHint bool
	}{
		{"not UTF-8", []string{"convert", badUTF8, "--to", "hf"}, "", badUTF8,
			[]string{badUTF8 + ":4: error: byte 0xff at offset 24 is not UTF-8; re-save the file as UTF-8"}, false},
		{"binary", []string{"convert", binary, "--to", "mct"}, "", binary,
			[]string{binary + ":1: error: file holds binary data"}, false},
		{"YAML block", []string{"convert", brokenYAML, "--to", "mct"}, "", brokenYAML,
			[]string{brokenYAML + ":2: error: the YAML metadata block does not parse: ", "(fix: correct the block; `modelcard validate " + brokenYAML + "`"}, false},
		{"spec not UTF-8", []string{"convert", badSpec, "--to", "hf"}, "", badSpec,
			[]string{badSpec + ":1:11: error: the spec is not valid UTF-8"}, false},
		{"detected from content", []string{"convert", jsonish, "--to", "hf"}, "", jsonish,
			[]string{jsonish + ":1:8: error: the spec is not valid JSON", "taken for a model spec", "from its content", "--from (hf, mct, json, spec)"}, true},
		{"stdin", []string{"convert", "-", "--to", "hf"}, "---\nlicense: [mit\n---\n", "<stdin>",
			[]string{"<stdin>:2: error: the YAML metadata block does not parse: ", "save the card and run `modelcard validate FILE`"}, false},
		{"given --from", []string{"convert", brokenYAML, "--from", "mct", "--to", "hf"}, "", brokenYAML,
			[]string{brokenYAML + ":1:2: error: not valid JSON", "as --from mct asks", "leave --from out"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != exitFailed || stdout != "" {
				t.Errorf("exit %d, %d bytes out; want 1 and none: %s", code, len(stdout), stderr)
			}
			for _, want := range tt.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
				if n := strings.Count(line, tt.source+":"); n > 1 {
					t.Errorf("line names %s %d times: %s", tt.source, n, line)
				}
			}
			if hint := strings.Contains(stderr, "--from"); hint != tt.fromHint {
				t.Errorf("--from hint %v, want %v:\n%s", hint, tt.fromHint, stderr)
			}
		})
	}
}

// TestConvertRefusesOwnRenderings checks that convert will not read an
// HTML page or an Annex IV document it wrote as if it were a README, with
// or without --from hf, and says what to convert from instead.
func TestConvertRefusesOwnRenderings(t *testing.T) {
	spec, err := card.ParseSpec([]byte(convertFixtureSpec), "fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]func(*card.Card) ([]byte, error){"page.html": card.RenderHTML, "annex.md": card.RenderAnnexIV}
	for name, render := range files {
		data, err := render(spec)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, extra := range [][]string{nil, {"--from", "hf"}} {
			args := append([]string{"convert", path, "--to", "mct"}, extra...)
			code, stdout, stderr := runCLI(t, "", args...)
			checkExit(t, code, stderr, exitFailed, "cannot read back", "convert from the card it was made from")
			if stdout != "" {
				t.Errorf("%s %v: wrote %d bytes", name, extra, len(stdout))
			}
		}
	}
}

// TestConvertAliasBombMessage checks that convert reports a card whose
// YAML aliases expand too far with the parser's own code, column and fix,
// not as a block that does not parse.
func TestConvertAliasBombMessage(t *testing.T) {
	var b strings.Builder
	b.WriteString("---\nl1: &l1 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for k := 2; k <= 9; k++ {
		b.WriteString("l" + string(rune('0'+k)) + ": &l" + string(rune('0'+k)) + " [" + strings.Repeat("*l"+string(rune('0'+k-1))+", ", 8) + "*l" + string(rune('0'+k-1)) + "]\n")
	}
	b.WriteString("---\n# Bomb\n")
	path := filepath.Join(t.TempDir(), "bomb.md")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "", "convert", path, "--to", "json")
	checkExit(t, code, stderr, exitFailed, "bomb.md:7:", "through its aliases", "fix: write the values out")
	if strings.Contains(stderr, "does not parse") || stdout != "" {
		t.Errorf("stderr %q, %d bytes out; want the alias problem and no output", stderr, len(stdout))
	}
}
