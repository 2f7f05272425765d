package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/internal/atomicfile"
)

// runCLI runs the CLI in-process and returns its exit code and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"modelcard"}, args...),
		stdio{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return code, out.String(), errOut.String()
}

// checkExit fails the test at once when a command exited with another code
// than want, and reports each of wants that stderr lacks.
func checkExit(t *testing.T, code int, stderr string, want int, wants ...string) {
	t.Helper()
	if code != want {
		t.Fatalf("exit %d, want %d: %s", code, want, stderr)
	}
	for _, w := range wants {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
}

func TestGenerateExamples(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "", "generate", "--out", dir, "../../examples")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	entries, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(card.Families()) {
		t.Fatalf("%d cards written, want one per family (%d)", len(entries), len(card.Families()))
	}
	for _, path := range entries {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, problems := card.Validate(path, data)
		if card.HasErrors(problems) {
			t.Errorf("%s is not valid: %v", path, problems)
		}
		if !bytes.HasPrefix(data, []byte("---\n")) {
			t.Errorf("%s lacks a metadata block", path)
		}
		// The generic example's results name no Hub task or dataset on
		// purpose: they stay out of model-index and are flagged instead.
		if filepath.Base(path) == "generic.md" {
			if bytes.Contains(data, []byte("model-index:")) || !strings.Contains(string(data), "`evaluation.results`") {
				t.Errorf("%s: incomplete results should be flagged, not put in model-index", path)
			}
		} else if !bytes.Contains(data, []byte("model-index:")) {
			t.Errorf("%s lacks a model-index", path)
		}
	}
	// A second run must not overwrite.
	before, _ := os.ReadFile(entries[0])
	if err := os.WriteFile(entries[0], []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "", "generate", "--out", dir, "../../examples")
	if code != exitFailed || !strings.Contains(stderr, "--force") {
		t.Errorf("second run: exit %d, stderr %q; want 1 and a hint about --force", code, stderr)
	}
	if got, _ := os.ReadFile(entries[0]); string(got) != "edited by hand" {
		t.Error("an existing file was overwritten without --force")
	}
	code, _, stderr = runCLI(t, "", "generate", "--force", "--out", dir, "../../examples")
	if code != 0 {
		t.Fatalf("--force run: exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(entries[0]); !bytes.Equal(got, before) {
		t.Error("--force did not rewrite the card")
	}
}

func TestGenerateGuideMinimalBodyOnStdin(t *testing.T) {
	code, stdout, stderr := runCLI(t, `{"model_name": "test", "metrics": {"accuracy": 0.95}}`+"\n", "generate", "--out", "-", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "# Model Card for test") {
		t.Errorf("card does not name the model:\n%s", stdout)
	}
	if !strings.Contains(stdout, "| accuracy | 0.95 |") {
		t.Errorf("card does not report accuracy 0.95:\n%s", stdout)
	}
}

func TestGenerateBadSpecReportsLine(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(spec, []byte("model_id: org/m\ntags: 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "", "generate", "--out", filepath.Join(dir, "out"), spec)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d", code, exitFailed)
	}
	if !strings.Contains(stderr, "bad.yaml:2:") || !strings.Contains(stderr, "tags") {
		t.Errorf("stderr should point at bad.yaml line 2 and tags: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "bad.md")); err == nil {
		t.Error("a card was written for an invalid spec")
	}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.md")
	bad := filepath.Join(dir, "bad.md")
	broken := filepath.Join(dir, "broken.md")
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(good, "---\nlicense: mit\nlanguage:\n- en\npipeline_tag: text-classification\n---\n# Model\n\nText.\n")
	write(bad, "---\nlicense: Apache 2.0\nlanguage:\n- english\npipeline_tag: text-clasification\n---\n# Model\n")
	write(broken, "---\nlicense: mit\ntags: [a, b\n---\n# Model\n")

	code, stdout, _ := runCLI(t, "", "validate", good)
	if code != 0 {
		t.Errorf("good card: exit %d: %s", code, stdout)
	}
	code, stdout, _ = runCLI(t, "", "validate", bad)
	if code != exitFailed {
		t.Errorf("bad card: exit %d, want 1", code)
	}
	for _, want := range []string{
		"bad.md:2:10: error: license:", `did you mean "apache-2.0"`,
		"bad.md:4:3: error: language:",
		"bad.md:5:15: error: pipeline_tag:", `did you mean "text-classification"`,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	// Flags after the files, and JSON output.
	code, stdout, _ = runCLI(t, "", "validate", dir, "--json")
	if code != exitFailed {
		t.Errorf("folder: exit %d, want 1", code)
	}
	var report validateReport
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
	}
	if report.Files != 3 || report.Invalid != 2 || report.Valid {
		t.Errorf("report: %d files, %d invalid, valid=%v; want 3, 2, false", report.Files, report.Invalid, report.Valid)
	}
	codes := map[string]map[string]int{}
	for _, c := range report.Cards {
		codes[filepath.Base(c.File)] = map[string]int{}
		for _, p := range c.Problems {
			codes[filepath.Base(c.File)][p.Code] = p.Line
		}
	}
	if codes["broken.md"]["yaml.syntax"] < 2 {
		t.Errorf("broken YAML not reported with its line: %v", codes["broken.md"])
	}
	for _, want := range []string{"license.unknown", "language.invalid", "pipeline_tag.unknown"} {
		if _, ok := codes["bad.md"][want]; !ok {
			t.Errorf("bad.md lacks problem %s: %v", want, codes["bad.md"])
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command argument", []string{"generate"}, "at least one spec"},
		{"unknown flag", []string{"validate", "--nope", "x.md"}, "nope"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"unknown family", []string{"init", "--family", "llmz"}, "families"},
		{"missing family", []string{"init"}, "--family"},
		{"unknown format", []string{"generate", "--format", "pdf", "x.yaml"}, "formats"},
		// A missing input is an invalid result, exit 1: TestValidateUnreadableInputs.
		{"validate stdin", []string{"validate", "-"}, "stdin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d (stderr %q)", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", stderr, tt.want)
			}
		})
	}
}

func TestInitSkeletonParses(t *testing.T) {
	for _, f := range card.FamilyIDs() {
		t.Run(string(f), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", "init", "--family", string(f))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if _, err := card.ParseSpec([]byte(stdout), "skeleton.yaml"); err != nil {
				t.Errorf("skeleton does not parse: %v", err)
			}
		})
	}
	code, stdout, _ := runCLI(t, "", "init", "--list")
	if code != 0 || !strings.Contains(stdout, "text-generation") {
		t.Errorf("--list: exit %d, output %q", code, stdout)
	}
}

func TestIntersperse(t *testing.T) {
	app := newApp(stdio{})
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"validate", "a.md", "--json"}, []string{"validate", "--json", "--", "a.md"}},
		{[]string{"generate", "a.yaml", "--out", "d", "b.yaml"}, []string{"generate", "--out", "d", "--", "a.yaml", "b.yaml"}},
		{[]string{"generate", "--out=d", "-"}, []string{"generate", "--out=d", "--", "-"}},
		{[]string{"validate", "--", "--weird.md"}, []string{"validate", "--", "--weird.md"}},
		{[]string{"nope", "x", "--y"}, []string{"nope", "x", "--y"}},
		{[]string{"--log-level", "debug", "validate", "a.md", "--json"}, []string{"--log-level", "debug", "validate", "--json", "--", "a.md"}},
		{[]string{"--cpuprofile=p", "validate", "a.md", "--json"}, []string{"--cpuprofile=p", "validate", "--json", "--", "a.md"}},
		{[]string{"--help", "validate", "a.md", "--json"}, []string{"--help", "validate", "--json", "--", "a.md"}},
		{[]string{"--log-level", "debug"}, []string{"--log-level", "debug"}},
		{[]string{}, []string{}},
	}
	for _, tt := range tests {
		got := intersperse(app, tt.in)
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("intersperse(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	tests := map[string]string{
		"org/My Model":  "org--my-model",
		"plain":         "plain",
		"a  b//c":       "a-b----c",
		"../escape":     "escape",
		"Ünïcode name!": "n-code-name",
	}
	for in, want := range tests {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGenerateLang(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "generate", "--lang", "fr", "--out", "-", "../../examples/nlp.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	headings, _ := card.HeadingsFor("fr")
	if !strings.Contains(stdout, "## "+headings[card.SecUses]+"\n") || strings.Contains(stdout, "## Uses\n") {
		t.Errorf("headings not in French:\n%s", stdout[:min(len(stdout), 2000)])
	}
	if code, _, _ := runCLI(t, "", "generate", "--lang", "xx", "--out", "-", "../../examples/nlp.yaml"); code != exitUsage {
		t.Errorf("unknown language: exit %d, want %d", code, exitUsage)
	}
}

// TestAuditReadsToolkitAndJSONCards audits cards written in the Model Card
// Toolkit and the engine's JSON formats, beside a README.
func TestAuditReadsToolkitAndJSONCards(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "", "generate", "--format", "hf,mct,json", "--out", dir, "../../examples/rl.yaml"); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "", "audit", "--json", "-",
		filepath.Join(dir, "rl.md"), filepath.Join(dir, "rl.mct.json"), filepath.Join(dir, "rl.card.json"))
	if code != 0 {
		t.Fatalf("audit: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d results, want 3:\n%s", len(lines), stdout)
	}
	for _, line := range lines {
		var r struct {
			Path   string             `json:"path"`
			Error  *string            `json:"error"`
			Scores map[string]float64 `json:"scores"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %v: %s", err, line)
		}
		if r.Error != nil || r.Scores["hf-hub"] <= 0 {
			t.Errorf("%s: error %v, hf-hub score %v", r.Path, r.Error, r.Scores["hf-hub"])
		}
	}
}

// TestGenerateStreamsInChunks generates more specs than one chunk holds,
// from NDJSON on stdin: every card is written once, a model id met again
// in a later chunk is still caught, the report holds a line per card in
// input order, and the summary counts them all.
func TestGenerateStreamsInChunks(t *testing.T) {
	n := 2*generateChunk + 7
	dupLine, badLine := 3, generateChunk+10
	var in strings.Builder
	for line := 1; line <= n; line++ {
		id := fmt.Sprintf("org/model-%d", line)
		switch line {
		case badLine:
			in.WriteString(`{"model_id": "org/bad", "tags": 5}` + "\n")
			continue
		case generateChunk + 20:
			id = fmt.Sprintf("org/model-%d", dupLine)
		}
		fmt.Fprintf(&in, `{"model_id": %q, "pipeline_tag": "text-classification", "summary": "A classifier."}`+"\n", id)
	}
	dir := t.TempDir()
	report := filepath.Join(dir, "report.jsonl")
	code, _, stderr := runCLI(t, in.String(), "generate", "--out", filepath.Join(dir, "out"), "--report", report, "-")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d (one bad spec, one clash): %s", code, exitFailed, stderr)
	}
	if !strings.Contains(stderr, fmt.Sprintf("as <stdin>:%d does", dupLine)) {
		t.Errorf("the clash across chunks is not reported:\n%s", stderr)
	}
	if !strings.Contains(stderr, fmt.Sprintf("generated %d card files", n-2)) || !strings.Contains(stderr, "mean completeness:") {
		t.Errorf("summary does not count every chunk:\n%s", stderr)
	}
	written, err := filepath.Glob(filepath.Join(dir, "out", "*.md"))
	if err != nil || len(written) != n-2 {
		t.Errorf("%d cards written (%v), want %d", len(written), err, n-2)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != n-1 {
		t.Fatalf("report has %d lines, want %d", len(lines), n-1)
	}
	prev := 0
	for _, l := range lines {
		var r struct{ Spec string }
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		var k int
		if _, err := fmt.Sscanf(r.Spec, "<stdin>:%d", &k); err != nil || k <= prev {
			t.Fatalf("report line for %q after line %d: not in input order", r.Spec, prev)
		}
		prev = k
	}
}

// TestGenerateStopsBeforeWriting checks that what would stop generate
// midway stops it before any card is written, with the error as it is:
// a --report path that cannot be written, and a backend that does not
// exist (also for NDJSON on stdin, whose read errors are labelled as such).
func TestGenerateStopsBeforeWriting(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	spec := `{"model_id": "org/m", "pipeline_tag": "text-classification"}` + "\n"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"report path", []string{"--report", filepath.Join(notDir, "r.jsonl")}, "write report:"},
		{"backend", []string{"--backend", "nosuch"}, "nosuch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.name)
			args := append([]string{"generate", "--out", out}, tt.args...)
			code, _, stderr := runCLI(t, spec, append(args, "-")...)
			if code == 0 || !strings.Contains(stderr, tt.want) || strings.Contains(stderr, "read specs from stdin") {
				t.Errorf("exit %d, stderr %q; want a failure that says %q as it is", code, stderr, tt.want)
			}
			if written, _ := filepath.Glob(filepath.Join(out, "*")); len(written) > 0 {
				t.Errorf("cards written before the failure: %v", written)
			}
		})
	}
}

// TestGenerateProblemsInOrder checks that the cards of a chunk that are not
// written are reported in input order, whether a card's path clashes with
// an earlier card's or its file exists.
func TestGenerateProblemsInOrder(t *testing.T) {
	dir := t.TempDir()
	spec, err := os.ReadFile("../../examples/nlp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"a/x.yaml", "b/x.yaml", "out/x.md"} {
		path := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, spec, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, b := filepath.Join(dir, "a", "x.yaml"), filepath.Join(dir, "b", "x.yaml")
	code, _, stderr := runCLI(t, "", "generate", "--out", filepath.Join(dir, "out"), a, b)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d: %s", code, exitFailed, stderr)
	}
	exists := strings.Index(stderr, a+": error: "+filepath.Join(dir, "out", "x.md")+" exists")
	clash := strings.Index(stderr, b+": error: writes ")
	if exists < 0 || clash < 0 || exists > clash {
		t.Errorf("want the first spec's problem (its file exists) before the second's (same path):\n%s", stderr)
	}
}

// TestGenerateWriteFilesCancelled checks that a chunk whose writes are
// cancelled stops the run with the context's error, reports no card as
// failed and writes nothing more.
func TestGenerateWriteFilesCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := cli.NewContext(cli.NewApp(), flag.NewFlagSet("generate", flag.ContinueOnError), nil)
	c.Context = ctx
	var errOut bytes.Buffer
	r := &generateRun{c: c, io: stdio{out: io.Discard, err: &errOut}}
	path := filepath.Join(t.TempDir(), "x.md")
	err := r.writeFiles([]cardOutput{{source: "x.yaml", file: atomicfile.Pending{Path: path, Data: []byte("x"), Perm: 0o644}}}, make([]bool, 1))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if r.failed != 0 || r.written != 0 || errOut.Len() > 0 {
		t.Errorf("failed %d, written %d, stderr %q: a cancelled chunk is neither", r.failed, r.written, errOut.String())
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written after the run was cancelled: %v", err)
	}
}

// TestProfileFlags checks that --cpuprofile and --memprofile write pprof
// files (gzip-compressed protocol buffers) around the command, that the
// command's flags may still follow its arguments, and that a profile that
// cannot be written fails the command with the flag's name.
func TestProfileFlags(t *testing.T) {
	dir := t.TempDir()
	cpuPath, memPath := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	code, stdout, stderr := runCLI(t, "", "--cpuprofile", cpuPath, "--memprofile="+memPath, "validate", "../../examples/llm.yaml", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(strings.TrimSpace(stdout), "[") && !strings.HasPrefix(strings.TrimSpace(stdout), "{") {
		t.Errorf("--json after the file was not read as the command's flag: stdout %q", stdout)
	}
	for _, p := range []string{cpuPath, memPath} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
			t.Errorf("%s: not a gzip-compressed profile (%d bytes)", filepath.Base(p), len(data))
		}
	}

	missing := filepath.Join(dir, "no-such-folder", "cpu.prof")
	code, _, stderr = runCLI(t, "", "--cpuprofile", missing, "validate", "../../examples/llm.yaml")
	if code != exitFailed || !strings.Contains(stderr, "--cpuprofile") || !strings.Contains(stderr, "no-such-folder") {
		t.Errorf("unwritable --cpuprofile: exit %d, stderr %q; want exit %d naming the flag and the path", code, stderr, exitFailed)
	}
}

// TestInterruptExitCodes checks the exit code of a command cancelled by a
// signal: 128 plus the signal's number, as shells report it.
func TestInterruptExitCodes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("---\nlicense: mit\n---\n# A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		cause error
		want  int
		says  string
	}{
		{"interrupt", signalError{os.Interrupt}, 130, "interrupted (interrupt)"},
		{"SIGTERM", signalError{syscall.SIGTERM}, 143, "interrupted (terminated)"},
		{"cancelled without a signal", nil, 130, "interrupted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(tt.cause)
			var out, errOut bytes.Buffer
			code := run(ctx, []string{"modelcard", "audit", "-q", "--json", filepath.Join(t.TempDir(), "r.jsonl"), dir},
				stdio{in: strings.NewReader(""), out: &out, err: &errOut})
			if code != tt.want || !strings.Contains(errOut.String(), tt.says) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut.String(), tt.want, tt.says)
			}
		})
	}
}
