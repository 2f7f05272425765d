package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// hubBreakingSpec gives values the Hub rejects: validate fails its card.
const hubBreakingSpec = "model_id: org/m\nlicense: not-a-licence\npipeline_tag: not-a-task\nlanguage: [english, \"??\"]\n"

// hubCleanSpec gives only values the Hub accepts.
const hubCleanSpec = "model_id: org/m\nlicense: mit\npipeline_tag: text-classification\nlanguage: [en]\n"

// TestGenerateChecksHubRules checks that generate runs validate's rules on
// each Hub card it writes: each problem is a warning on stderr naming the
// spec, the field and the fix, and the card is written; with --strict the
// spec fails, with exit 1, and none of its files is written (nor anything
// on stdout for --out -).
func TestGenerateChecksHubRules(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	clean := filepath.Join(dir, "clean.yaml")
	for path, text := range map[string]string{bad: hubBreakingSpec, clean: hubCleanSpec} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		flags   []string
		spec    string
		code    int
		written []string // files expected in the output folder
		stderr  []string // each in stderr
		quiet   bool     // no Hub-rule message at all
	}{
		{"warns and writes", nil, bad, exitOK, []string{"bad.md"}, []string{
			bad + `: warning: license: "not-a-licence" is not a Hub licence id (fix: `,
			bad + `: warning: pipeline_tag: "not-a-task" is not a Hub task (fix: `,
			bad + `: warning: language: "english" is not an ISO 639 language code (fix: write "en"`,
			bad + `: warning: language: "??" is not an ISO 639 language code`,
			"warning: 1 card breaks the Hub's rules", "--strict",
		}, false},
		{"strict refuses", []string{"--strict"}, bad, exitFailed, nil, []string{
			bad + `: error: license: "not-a-licence"`,
			bad + `: error: language: "english" is not an ISO 639 language code (fix: write "en"`,
			bad + ": error: no card written",
		}, false},
		{"strict refuses every format", []string{"--strict", "--format", "mct,hf,html"}, bad, exitFailed, nil, []string{
			bad + ": error: no card written",
		}, false},
		{"no hf format, no check", []string{"--format", "mct"}, bad, exitOK, []string{"bad.mct.json"}, nil, true},
		{"clean spec", []string{"--strict"}, clean, exitOK, []string{"clean.md"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := append(append([]string{"generate", "--out", out}, tt.flags...), tt.spec)
			code, _, stderr := runCLI(t, "", args...)
			checkExit(t, code, stderr, tt.code, tt.stderr...)
			if tt.quiet && (strings.Contains(stderr, "warning:") || strings.Contains(stderr, "error:")) {
				t.Errorf("stderr has a Hub-rule message for a card that breaks none:\n%s", stderr)
			}
			var got []string
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				got = append(got, e.Name())
			}
			if strings.Join(got, ",") != strings.Join(tt.written, ",") {
				t.Errorf("files written %v, want %v", got, tt.written)
			}
		})
	}
}

// TestGenerateHubRulesMatchValidate checks that generate warns of exactly
// the errors validate finds in the card it wrote, field by field.
func TestGenerateHubRulesMatchValidate(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(spec, []byte(hubBreakingSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "", "generate", "--out", "-", spec)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, problems := card.Validate("bad.md", []byte(stdout))
	n := 0
	for _, p := range problems {
		if p.Severity != card.SeverityError {
			continue
		}
		n++
		want := spec + ": warning: " + p.Field + ": " + p.Message + " (fix: " + p.Fix + ")"
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if n == 0 {
		t.Fatal("validate finds no error in the card: the test spec no longer breaks the Hub's rules")
	}
	if got := strings.Count(stderr, ": warning: "); got != n {
		t.Errorf("%d warnings for %d validate errors:\n%s", got, n, stderr)
	}

	code, stdout, stderr = runCLI(t, "", "generate", "--strict", "--out", "-", spec)
	if code != exitFailed || stdout != "" {
		t.Errorf("--strict --out -: exit %d, %d bytes on stdout; want 1 and none (stderr %q)", code, len(stdout), stderr)
	}
}

// TestGenerateEmptyStdin checks that standard input with no spec is an
// error, exit 1, not a run that writes nothing and succeeds.
func TestGenerateEmptyStdin(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		out   string
	}{
		{"empty, to a folder", "", "folder"},
		{"blank lines, to a folder", "\n  \n\n", "folder"},
		{"empty, to stdout", "", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.out
			if out == "folder" {
				out = filepath.Join(t.TempDir(), "out")
			}
			code, stdout, stderr := runCLI(t, tt.stdin, "generate", "--out", out, "-")
			if code != exitFailed {
				t.Errorf("exit %d, want %d", code, exitFailed)
			}
			if !strings.Contains(stderr, "stdin was empty: pipe specs as NDJSON") {
				t.Errorf("stderr does not say stdin was empty:\n%s", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
}

// TestGenerateGoesOnPastUnreadableInputs checks that a spec path that
// cannot be read fails the run (exit 1, naming it) without keeping the
// other specs from being generated.
func TestGenerateGoesOnPastUnreadableInputs(t *testing.T) {
	dir, spec := writeCleanSpec(t, "good.yaml")
	missing := filepath.Join(dir, "missing.yaml")
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI(t, "", "generate", "--out", out, missing, spec)
	checkExit(t, code, stderr, exitFailed, missing+": error: cannot read it: no such file or directory")
	if _, err := os.Stat(filepath.Join(out, "good.md")); err != nil {
		t.Errorf("the readable spec was not generated: %v", err)
	}
}

// TestGenerateStrictMeanOfWrittenCards checks that the mean completeness
// generate prints counts only the cards it wrote: a spec --strict refuses
// leaves it as it is without that spec.
func TestGenerateStrictMeanOfWrittenCards(t *testing.T) {
	dir := t.TempDir()
	bad, clean := filepath.Join(dir, "bad.yaml"), filepath.Join(dir, "clean.yaml")
	for path, text := range map[string]string{bad: hubBreakingSpec, clean: hubCleanSpec} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	meanLine := func(stderr string) string {
		for line := range strings.Lines(stderr) {
			if strings.HasPrefix(line, "mean completeness:") {
				return line
			}
		}
		return ""
	}
	code, _, alone := runCLI(t, "", "generate", "--out", filepath.Join(dir, "a"), clean)
	checkExit(t, code, alone, exitOK)
	code, _, both := runCLI(t, "", "generate", "--strict", "--out", filepath.Join(dir, "b"), clean, bad)
	checkExit(t, code, both, exitFailed)
	if want, got := meanLine(alone), meanLine(both); want == "" || got != want {
		t.Errorf("with a refused spec the mean is %q, want the clean spec's alone, %q", got, want)
	}
	code, _, refused := runCLI(t, "", "generate", "--strict", "--out", filepath.Join(dir, "c"), bad)
	checkExit(t, code, refused, exitFailed)
	if line := meanLine(refused); line != "" {
		t.Errorf("no card was written, yet a mean was printed: %q", line)
	}
}

// TestGenerateSkipsItsOwnOutput runs generate twice over a folder that
// holds its output folder: the second run must read the spec only, not the
// JSON and toolkit cards the first one wrote.
func TestGenerateSkipsItsOwnOutput(t *testing.T) {
	for _, outName := range []string{"out", "."} {
		t.Run("out="+outName, func(t *testing.T) {
			dir, _ := writeCleanSpec(t, "m.yaml")
			out := filepath.Join(dir, outName)
			for run := 1; run <= 2; run++ {
				code, _, stderr := runCLI(t, "", "generate", "--force", "--format", "hf,json,mct", "--out", out, dir)
				checkExit(t, code, stderr, exitOK, "generated 3 card files")
			}
		})
	}
}

// TestGenerateSummaryCountsWrittenCards checks the closing summary: the
// facts needing information and the mean completeness are of the card
// files written, not of specs whose file was not (it existed, or another
// spec wrote the same path).
func TestGenerateSummaryCountsWrittenCards(t *testing.T) {
	dir, spec := writeCleanSpec(t, "m.yaml")
	out := filepath.Join(dir, "out")
	code, _, once := runCLI(t, "", "generate", "--out", out, spec)
	checkExit(t, code, once, exitOK, "generated 1 card files")
	summary := func(stderr string) (facts, mean string) {
		for line := range strings.Lines(stderr) {
			switch {
			case strings.HasPrefix(line, "generated "):
				facts = line[strings.Index(line, "("):]
			case strings.HasPrefix(line, "mean completeness:"):
				mean = line
			}
		}
		return facts, mean
	}
	wantFacts, wantMean := summary(once)

	// The same spec twice into a fresh folder: one file, counted once.
	code, _, twice := runCLI(t, "", "generate", "--out", filepath.Join(dir, "out2"), spec, spec)
	checkExit(t, code, twice, exitFailed, "generated 1 card files")
	if facts, mean := summary(twice); facts != wantFacts || mean != wantMean {
		t.Errorf("the same spec twice: %q and %q, want %q and %q", facts, mean, wantFacts, wantMean)
	}
	// Again into the first folder, without --force: nothing written.
	code, _, blocked := runCLI(t, "", "generate", "--out", out, spec)
	checkExit(t, code, blocked, exitFailed, "generated 0 card files", "(0 facts")
	if _, mean := summary(blocked); mean != "" {
		t.Errorf("no card was written, yet a mean was printed: %q", mean)
	}
}

// writeCleanSpec writes hubCleanSpec as name in a new folder and returns
// the folder and the spec's path.
func writeCleanSpec(t *testing.T, name string) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(hubCleanSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, path
}
