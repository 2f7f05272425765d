package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/internal/sharedtest"
)

// auditShared returns the project's shared material, failing loudly when
// it is missing.
func auditShared(t testing.TB) string {
	t.Helper()
	return sharedtest.Dir(t)
}

// corpusSample returns n corpus card paths spread over the index.
func corpusSample(t testing.TB, n int) []string {
	t.Helper()
	dir := filepath.Join(auditShared(t), "corpus")
	data, err := os.ReadFile(filepath.Join(dir, "index.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")[1:]
	if len(lines) < n {
		t.Fatalf("corpus index lists %d cards, want at least %d", len(lines), n)
	}
	var out []string
	for i := range n {
		file, _, _ := strings.Cut(lines[i*len(lines)/n], "\t")
		out = append(out, filepath.Join(dir, file))
	}
	return out
}

// hostileCards are the hostile inputs of the audit fixture; nil content
// means the test builds the file itself.
var hostileCards = []struct {
	name     string
	content  []byte
	readable bool // scored (possibly with a metadata error)
	errSet   bool // "error" is not null
}{
	{"binary.md", []byte("\x00\x01\x02PNG\x00\x00binary\x00"), false, true},
	{"latin1.md", []byte("---\nlicense: mit\n---\n# Mod\xe8le\n\nCaf\xe9 \xff\xfe\n"), false, true},
	{"broken-yaml.md", []byte("---\nlicense: <script>alert(3)</script>\ntags: [a, b\n---\n# Model\n\nSome text.\n"), true, true},
	{"big.md", nil, false, true},
	// With the folder "<script>alert(1)<" this is "<script>alert(1)</script>.md".
	// Its metadata does not parse, so the report lists it with its error.
	{"<script>alert(1)</script>.md", []byte("---\nlicense: mit\ntags: [<script>alert(2)</script>\n---\n# <script>alert(4)</script>\n\n<script>alert(5)</script>\n"), true, true},
	{"empty.md", []byte{}, true, false},
}

// auditFixture writes ~50 corpus cards and the hostile cards into a
// folder and returns it with the paths the audit should report, in order.
func auditFixture(t *testing.T, corpus int) (dir string, want []string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "cards")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, src := range corpusSample(t, corpus) {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("card-%03d.md", i)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	for _, h := range hostileCards {
		data := h.content
		if h.name == "big.md" {
			data = bytes.Repeat([]byte("# Big\n\nlorem ipsum dolor sit amet\n"), 2<<20/32)
		}
		path := filepath.Join(dir, h.name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		top, _, _ := strings.Cut(h.name, "/")
		names = append(names, top)
	}
	// Not cards: skipped by the folder walk.
	for _, p := range []string{"notes.txt", ".hidden/x.md", "image.png"} {
		path := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte("# not audited\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Entries of a folder are walked in name order; the script folder
	// holds one file.
	slices.Sort(names)
	for _, n := range names {
		if strings.HasPrefix(n, "<script>") {
			n = "<script>alert(1)</script>.md"
		}
		want = append(want, filepath.Join(dir, n))
	}
	return dir, want
}

// readJSONL parses JSON Lines into generic objects.
func readJSONL(t *testing.T, data []byte) []map[string]json.RawMessage {
	t.Helper()
	var out []map[string]json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", len(out)+1, err, sc.Bytes())
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func pathOf(t *testing.T, m map[string]json.RawMessage) string {
	t.Helper()
	var p string
	if err := json.Unmarshal(m["path"], &p); err != nil {
		t.Fatalf("path %s: %v", m["path"], err)
	}
	return p
}

var requiredKeys = []string{"path", "bytes", "declared_task", "predicted_tasks", "family", "mismatch",
	"scores", "missing", "sections", "problems", "error"}

func TestAuditFolderWithHostileCards(t *testing.T) {
	dir, want := auditFixture(t, 50)
	missing := filepath.Join(filepath.Dir(dir), "no-such-card.md")
	want = append(want, missing)
	out := filepath.Join(t.TempDir(), "out", "results.jsonl")
	report := filepath.Join(t.TempDir(), "audit.html")

	code, stdout, stderr := runCLI(t, "", "audit", "--json", out, "--report", report, "--max-bytes", "1048576", dir, missing)
	if code != 0 {
		t.Fatalf("exit %d, want 0 (unreadable cards do not fail the audit): %s", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out + ".partial"); err == nil {
		t.Error("the .partial file is left after a complete run")
	}
	lines := readJSONL(t, data)
	if len(lines) != len(want) {
		t.Fatalf("%d results for %d inputs", len(lines), len(want))
	}
	hostile := map[string]int{}
	for i, h := range hostileCards {
		hostile[filepath.Join(dir, h.name)] = i
	}
	for i, m := range lines {
		for _, k := range requiredKeys {
			if _, ok := m[k]; !ok {
				t.Errorf("result %d lacks key %q", i, k)
			}
		}
		path := pathOf(t, m)
		if path != want[i] {
			t.Errorf("result %d is for %s, want %s (input order)", i, path, want[i])
		}
		errSet := string(m["error"]) != "null"
		scored := string(m["scores"]) != "null"
		if h, ok := hostile[path]; ok {
			tc := hostileCards[h]
			if errSet != tc.errSet || scored != tc.readable {
				t.Errorf("%s: error set %v, scored %v; want %v, %v (error %s)", tc.name, errSet, scored, tc.errSet, tc.readable, m["error"])
			}
		}
		if path == missing && (!errSet || scored) {
			t.Errorf("missing file: error %s, scores %s; want an error and no scores", m["error"], m["scores"])
		}
	}
	// The summary table.
	for _, want := range []string{"Cards audited", fmt.Sprint(len(want)), "Standard", "Most often missing", "Families chosen"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	for i, l := range strings.Split(stdout, "\n") {
		if n := len([]rune(l)); n > 100 {
			t.Errorf("summary line %d is %d columns wide: %q", i+1, n, l)
		}
	}
	checkReport(t, report, lines)
}

// checkReport checks the HTML report: well-formed, no script from card
// content, one histogram per standard, the hostile path escaped.
func checkReport(t *testing.T, path string, lines []map[string]json.RawMessage) {
	t.Helper()
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var standards map[string]float64
	for _, m := range lines {
		if string(m["scores"]) != "null" {
			if err := json.Unmarshal(m["scores"], &standards); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if len(standards) == 0 {
		t.Fatal("no card was scored")
	}
	void := map[string]bool{"meta": true, "br": true, "link": true, "img": true, "hr": true, "input": true, "col": true, "wbr": true}
	var stack []string
	histograms := 0
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatalf("report does not tokenize: %v", z.Err())
			}
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken:
			switch tok.Data {
			case "script", "iframe", "object", "embed", "link", "img":
				t.Errorf("report holds a <%s> element", tok.Data)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") || a.Key == "src" || (a.Key == "href" && !strings.HasPrefix(a.Val, "#")) {
					t.Errorf("report has attribute %s=%q", a.Key, a.Val)
				}
				if tok.Data == "figure" && a.Key == "class" && a.Val == "histogram" {
					histograms++
				}
			}
			if !void[tok.Data] {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				t.Fatalf("report: </%s> closes %v", tok.Data, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 {
		t.Errorf("report leaves elements open: %v", stack)
	}
	if histograms != len(standards) {
		t.Errorf("%d histograms, want one per standard (%d)", histograms, len(standards))
	}
	text := string(page)
	if strings.Contains(strings.ToLower(text), "<script") {
		t.Error("the report holds a <script from card content")
	}
	if !strings.Contains(text, "&lt;script&gt;alert(1)&lt;/script&gt;.md") {
		t.Error("the hostile path is not listed, escaped")
	}
	for _, remote := range []string{"@import", "url(", "<link"} {
		if strings.Contains(text, remote) {
			t.Errorf("report refers to a remote asset: %q", remote)
		}
	}
}

func TestAuditShardsPartitionTheRun(t *testing.T) {
	dir, want := auditFixture(t, 20)
	tmp := t.TempDir()
	full := filepath.Join(tmp, "full.jsonl")
	if code, _, stderr := runCLI(t, "", "audit", "--quiet", "--json", full, "--max-bytes", "1048576", dir); code != 0 {
		t.Fatalf("full run: exit %d: %s", code, stderr)
	}
	fullData, _ := os.ReadFile(full)
	fullLines := strings.SplitAfter(string(fullData), "\n")
	fullLines = fullLines[:len(fullLines)-1]
	if len(fullLines) != len(want) {
		t.Fatalf("full run: %d lines for %d inputs", len(fullLines), len(want))
	}
	seen := map[string]int{}
	for i := range 3 {
		out := filepath.Join(tmp, fmt.Sprintf("shard-%d.jsonl", i))
		code, _, stderr := runCLI(t, "", "audit", "--quiet", "--shard", fmt.Sprintf("%d/3", i), "--json", out, "--max-bytes", "1048576", dir)
		if code != 0 {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
		data, _ := os.ReadFile(out)
		lines := strings.SplitAfter(string(data), "\n")
		lines = lines[:len(lines)-1]
		var expect []string
		for k, l := range fullLines {
			if k%3 == i {
				expect = append(expect, l)
			}
		}
		if !slices.Equal(lines, expect) {
			t.Errorf("shard %d/3: %d lines, want the %d lines k of the full run with k mod 3 = %d", i, len(lines), len(expect), i)
		}
		for _, l := range lines {
			seen[l]++
		}
	}
	for _, l := range fullLines {
		if seen[l] != 1 {
			t.Errorf("a full-run line appears %d times over the shards: %.80s", seen[l], l)
		}
	}
	if len(seen) != len(fullLines) {
		t.Errorf("the shards hold %d distinct lines, the full run %d", len(seen), len(fullLines))
	}
}

func TestAuditResumeAfterCrash(t *testing.T) {
	dir, want := auditFixture(t, 30)
	tmp := t.TempDir()
	ref := filepath.Join(tmp, "ref.jsonl")
	code, refSummary, stderr := runCLI(t, "", "audit", "--json", ref, "--max-bytes", "1048576", dir)
	if code != 0 {
		t.Fatalf("reference run: exit %d: %s", code, stderr)
	}
	refData, _ := os.ReadFile(ref)

	tests := []struct {
		name string
		keep int // complete lines left by the crash
		cut  bool
	}{
		{"half and half a line", len(want) / 2, true},
		{"nothing written", 0, false},
		{"empty file with half a line", 0, true},
		{"everything but the newline", len(want) - 1, true},
		{"complete", len(want), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "res.jsonl")
			off := 0
			for range tt.keep {
				off += bytes.IndexByte(refData[off:], '\n') + 1
			}
			partial := slices.Clone(refData[:off])
			if tt.cut {
				next := bytes.IndexByte(refData[off:], '\n')
				cut := max(next/2, 1)
				if tt.name == "everything but the newline" {
					cut = next
				}
				partial = append(partial, refData[off:off+cut]...)
			}
			if err := os.WriteFile(out+".partial", partial, 0o644); err != nil {
				t.Fatal(err)
			}
			// Without --resume the partial file is refused.
			code, _, stderr := runCLI(t, "", "audit", "--json", out, dir)
			if code != exitUsage || !strings.Contains(stderr, "--resume") {
				t.Fatalf("without --resume: exit %d, stderr %q; want 2 and a hint about --resume", code, stderr)
			}
			code, stdout, stderr := runCLI(t, "", "audit", "--resume", "--json", out, "--max-bytes", "1048576", dir)
			if code != 0 {
				t.Fatalf("resume: exit %d: %s", code, stderr)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, refData) {
				t.Errorf("resumed output (%d bytes) differs from an uninterrupted run (%d bytes)", len(got), len(refData))
			}
			if _, err := os.Stat(out + ".partial"); err == nil {
				t.Error(".partial left after the resumed run completed")
			}
			// The summary covers the cards of both runs.
			if stdout != refSummary {
				t.Errorf("summary after resume differs from the uninterrupted run's:\n%s\nwant:\n%s", stdout, refSummary)
			}
		})
	}

	t.Run("changed inputs are refused", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "res.jsonl")
		off := 0
		for range 5 {
			off += bytes.IndexByte(refData[off:], '\n') + 1
		}
		if err := os.WriteFile(out+".partial", refData[:off], 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCLI(t, "", "audit", "--resume", "--shard", "1/2", "--json", out, dir)
		if code != exitFailed || !strings.Contains(stderr, "inputs changed") {
			t.Errorf("exit %d, stderr %q; want 1 and a message that the inputs changed", code, stderr)
		}
		if data, _ := os.ReadFile(out + ".partial"); !bytes.Equal(data, refData[:off]) {
			t.Error("a refused resume changed the .partial file")
		}
		if _, err := os.Stat(out); err == nil {
			t.Error("a refused resume wrote the final file")
		}
	})
}

func TestAuditFailUnder(t *testing.T) {
	dir, _ := auditFixture(t, 20)
	out := filepath.Join(t.TempDir(), "r.jsonl")
	if code, _, stderr := runCLI(t, "", "audit", "--quiet", "--json", out, "--max-bytes", "1048576", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(out)
	sums := map[string]float64{}
	n := 0
	for _, m := range readJSONL(t, data) {
		var scores map[string]float64
		if err := json.Unmarshal(m["scores"], &scores); err != nil {
			t.Fatal(err)
		}
		if scores == nil {
			continue
		}
		n++
		for s, v := range scores {
			sums[s] += v
		}
	}
	if n == 0 {
		t.Fatal("no card scored")
	}
	mean := sums["hf-hub"] / float64(n)
	lowest := 1.0
	for _, s := range sums {
		lowest = min(lowest, s/float64(n))
	}
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"just above the mean", []string{"--fail-under", fmt.Sprintf("%.6f", mean+0.001), "--standard", "hf-hub"}, exitFailed},
		{"just below the mean", []string{"--fail-under", fmt.Sprintf("%.6f", mean-0.001), "--standard", "hf-hub"}, exitOK},
		{"all standards, above the lowest mean", []string{"--fail-under", fmt.Sprintf("%.6f", lowest+0.001)}, exitFailed},
		{"all standards, below the lowest mean", []string{"--fail-under", fmt.Sprintf("%.6f", lowest-0.001)}, exitOK},
		{"comma list", []string{"--fail-under", fmt.Sprintf("%.6f", lowest+0.001), "--standard", "hf-hub,mct,mitchell-2019,eu-ai-act-annex-iv"}, exitFailed},
		{"unknown standard", []string{"--fail-under", "0.5", "--standard", "iso-42001"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"audit", "--quiet", "--max-bytes", "1048576"}, tt.args...)
			code, _, stderr := runCLI(t, "", append(args, dir)...)
			if code != tt.want {
				t.Errorf("exit %d, want %d (mean hf-hub %.4f): %s", code, tt.want, mean, stderr)
			}
			if tt.want == exitFailed && !strings.Contains(stderr, "below --fail-under") {
				t.Errorf("stderr does not say which mean is below: %q", stderr)
			}
		})
	}
}

func TestAuditNDJSONStdin(t *testing.T) {
	input := strings.Join([]string{
		`{"path": "org/model-a", "text": "---\nlicense: mit\npipeline_tag: text-classification\n---\n# A\n\n## Uses\n\nClassify reviews.\n"}`,
		`{"id": "org/model-b", "card": "# B\n\nA translation model.\n"}`,
		``,
		`{"text": "# C\n"}`,
		`this is not JSON`,
		`{"path": "no-text"}`,
		`{"id": 42, "text": "# D\n"}`,
	}, "\n")
	code, stdout, stderr := runCLI(t, input, "audit", "--json", "-", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := readJSONL(t, []byte(stdout))
	want := []struct {
		path   string
		errSet bool
	}{
		{"org/model-a", false}, {"org/model-b", false}, {"stdin:4", false},
		{"stdin:5", true}, {"no-text", true}, {"42", false},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d results, want %d:\n%s", len(lines), len(want), stdout)
	}
	for i, w := range want {
		if got := pathOf(t, lines[i]); got != w.path {
			t.Errorf("result %d: path %q, want %q", i, got, w.path)
		}
		if errSet := string(lines[i]["error"]) != "null"; errSet != w.errSet {
			t.Errorf("result %d (%s): error %s, want set %v", i, w.path, lines[i]["error"], w.errSet)
		}
	}
	if !strings.Contains(stderr, "Cards audited") {
		t.Errorf("with --json - the summary goes to stderr: %q", stderr)
	}
}

func TestAuditUsageErrors(t *testing.T) {
	dir := t.TempDir()
	card := filepath.Join(dir, "a.md")
	if err := os.WriteFile(card, []byte("# A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no input", []string{"audit"}, "at least one"},
		{"shard i = n", []string{"audit", "--shard", "3/3", card}, "0 <= i < n"},
		{"shard negative", []string{"audit", "--shard", "-1/3", card}, "0 <= i < n"},
		{"shard zero n", []string{"audit", "--shard", "0/0", card}, "0 <= i < n"},
		{"shard not i/n", []string{"audit", "--shard", "two", card}, "i/n"},
		{"fail-under over 1", []string{"audit", "--fail-under", "60", card}, "0 to 1"},
		{"standard without fail-under", []string{"audit", "--standard", "hf-hub", card}, "--fail-under"},
		{"resume without json", []string{"audit", "--resume", card}, "--json FILE"},
		{"resume with json stdout", []string{"audit", "--resume", "--json", "-", card}, "--json FILE"},
		{"stdin twice", []string{"audit", "-", "-"}, "only once"},
		{"max-bytes zero", []string{"audit", "--max-bytes", "0", card}, "--max-bytes"},
		{"json is a folder", []string{"audit", "--json", dir, card}, "folder"},
		{"report is the json", []string{"audit", "--json", "x.jsonl", "--report", "x.jsonl", card}, "same file"},
		{"report is a folder", []string{"audit", "--report", dir, card}, "folder"},
		{"fail-under NaN", []string{"audit", "--fail-under", "NaN", card}, "0 to 1"},
		{"fail-under infinite", []string{"audit", "--fail-under", "-Inf", card}, "0 to 1"},
		{"batch-size zero", []string{"audit", "--batch-size", "0", card}, "--batch-size"},
		{"batch-size past the largest", []string{"audit", "--batch-size", "65537", card}, "1 to 65536"},
		{"batch-size past int64", []string{"audit", "--batch-size", "9223372036854775807", card}, "1 to 65536"},
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

func TestReadLineLimit(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct {
		name    string
		in      string
		lines   []string
		tooLong []bool
	}{
		{"plain", "a\nb\n", []string{"a", "b", ""}, []bool{false, false, false}},
		{"no final newline", "a\nb", []string{"a", "b"}, []bool{false, false}},
		{"crlf", "a\r\nb\r\n", []string{"a", "b", ""}, []bool{false, false, false}},
		{"over the limit", "a\n" + long + "\nc\n", []string{"a", "", "c", ""}, []bool{false, true, false, false}},
		{"at the limit", strings.Repeat("y", 100) + "\n", []string{strings.Repeat("y", 100), ""}, []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A small buffer exercises lines longer than it.
			br := bufio.NewReaderSize(strings.NewReader(tt.in), 16)
			var lines []string
			var tooLong []bool
			for {
				line, tl, err := readLine(br, 101)
				lines = append(lines, string(line))
				tooLong = append(tooLong, tl)
				if err != nil {
					break
				}
			}
			if !slices.Equal(lines, tt.lines) || !slices.Equal(tooLong, tt.tooLong) {
				t.Errorf("got %q %v, want %q %v", lines, tooLong, tt.lines, tt.tooLong)
			}
		})
	}
}

func TestAuditNoCards(t *testing.T) {
	dir := t.TempDir()
	one := filepath.Join(dir, "one")
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(one, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(one, "README.md"), []byte("---\nlicense: mit\n---\n# Model card for x\n\nA model.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantStderr string
	}{
		{"an empty folder fails", []string{"-q", filepath.Join(dir, "empty")}, "", exitFailed, "no cards found in " + filepath.Join(dir, "empty")},
		{"empty standard input fails", []string{"-q", "-"}, "", exitFailed, "no cards found in the standard input"},
		{"a shard without cards of its own succeeds", []string{"-q", "--shard", "1/2", one}, "", 0, "shard 1/2 holds none of the 1 cards"},
		{"the shard with the card succeeds", []string{"-q", "--shard", "0/2", one}, "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			jsonPath, reportPath := filepath.Join(out, "r.jsonl"), filepath.Join(out, "r.html")
			args := append([]string{"audit", "--json", jsonPath, "--report", reportPath}, tt.args...)
			code, stdout, stderr := runCLI(t, tt.stdin, args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.wantCode, stderr)
			}
			if tt.wantStderr != "" && !strings.Contains(stderr, tt.wantStderr) {
				t.Errorf("stderr %q lacks %q", stderr, tt.wantStderr)
			}
			// A failed audit leaves nothing behind; a shard's audit writes
			// its (maybe empty) results, which merge expects.
			entries, _ := os.ReadDir(out)
			if tt.wantCode != 0 && (len(entries) > 0 || stdout != "") {
				t.Errorf("a failed audit left %d files in the output folder and printed %q", len(entries), stdout)
			}
			if tt.wantCode == 0 && len(entries) != 2 {
				t.Errorf("the audit wrote %d files, want the results and the report", len(entries))
			}
		})
	}
}

// TestAuditReportCheckedFirst checks that a --report that cannot be
// written fails the audit before any card is audited or any result
// written.
func TestAuditReportCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	cardPath := filepath.Join(dir, "a.md")
	if err := os.WriteFile(cardPath, []byte("---\nlicense: mit\n---\n# A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	jsonPath := filepath.Join(dir, "out", "r.jsonl")
	// The report's folder would be a file's child: it cannot be created.
	code, _, stderr := runCLI(t, "", "audit", "-q", "--json", jsonPath, "--report", filepath.Join(cardPath, "r.html"), cardPath)
	if code != exitFailed || !strings.Contains(stderr, "--report") {
		t.Errorf("exit %d, stderr %q; want %d naming --report", code, stderr, exitFailed)
	}
	for _, p := range []string{jsonPath, jsonPath + ".partial"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written though the report could not be", filepath.Base(p))
		}
	}
}

// TestAuditResumeNamesNotUTF8 interrupts an audit after a card whose file
// name is not UTF-8 (the JSONL holds it with U+FFFD) and resumes it.
func TestAuditResumeNamesNotUTF8(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a\xffbad.md", "b\xfe\xfd.md", "c.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("---\nlicense: mit\n---\n# Model\n\nText.\n"), 0o644); err != nil {
			t.Skipf("this file system refuses a name that is not UTF-8: %v", err)
		}
	}
	out := filepath.Join(t.TempDir(), "r.jsonl")
	if code, _, stderr := runCLI(t, "", "audit", "-q", "--json", out, dir); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ref, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ref), `a\ufffdbad.md`) {
		t.Fatalf("the results do not hold the name with U+FFFD:\n%s", ref)
	}
	for keep := 1; keep <= 2; keep++ {
		lines := bytes.SplitAfterN(ref, []byte("\n"), keep+1)
		if err := os.WriteFile(out+".partial", bytes.Join(lines[:keep], nil), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(out)
		if code, _, stderr := runCLI(t, "", "audit", "-q", "--resume", "--json", out, dir); code != 0 {
			t.Fatalf("resume after %d results: exit %d: %s", keep, code, stderr)
		}
		if got, _ := os.ReadFile(out); !bytes.Equal(got, ref) {
			t.Errorf("resume after %d results: output differs from the uninterrupted run", keep)
		}
	}
}

// recordLines are NDJSON records that exercise the fast record decoder and
// its hand-over to encoding/json.
var recordLines = []string{
	`{"path":"org/a","text":"---\nlicense: mit\n---\n# A\n\n\"quoted\" \\ back\tslash \/ \b\f\r \u00e9\u4e2d \ud83d\ude00 caf` + "\u00e9" + `"}`,
	` { "id" : "org/b" , "card" : "# B" } `,
	"{\"text\":\"# tabs\",\t\"path\":\"p\"}\r",
	`{"text":"x","card":"y"}`,
	`{"card":"y","text":null}`,
	`{"text":"x","text":null}`,
	`{"text":null,"text":"second"}`,
	`{"path":"first","path":null,"text":"t"}`,
	`{"path":"first","path":"second","text":"t"}`,
	`{"path":"","id":"named","text":"t"}`,
	`{"id":42,"text":"t"}`,
	`{"id":-1.5e+3,"text":"t"}`,
	`{"id":0.25E-2,"text":"t"}`,
	`{"id":true,"text":"t"}`,
	`{"id":false,"text":"t"}`,
	`{"id":null,"text":"t"}`,
	`{"id":"a","id":null,"text":"t"}`,
	`{"id":"\u0041\n","text":"t"}`,
	`{"id":{"nested":1},"text":"t"}`,
	`{"id":[1,2],"text":"t"}`,
	`{"text":"t","downloads":123,"likes":-0,"private":false,"sha":"abc","gated":null}`,
	`{"text":"t","tags":["a","b"],"meta":{"k":"v"}}`,
	`{"Text":"case"}`,
	`{"TEXT":"case","path":"P"}`,
	`{"te\u0078t":"escaped key"}`,
	`{"pa` + "\u00e9" + `":"non-ASCII key","text":"t"}`,
	`{"text":"` + "\xff" + `invalid UTF-8"}`,
	`{"text":"a` + "\x01" + `control"}`,
	`{"text":"lone \ud800 high","path":"p"}`,
	`{"text":"lone \udc00 low"}`,
	`{"text":"high then other \ud800\u0041"}`,
	`{"text":"bad \x escape"}`,
	`{"text":"short \u12"}`,
	`{"text":"upper \u00E9\u00c9"}`,
	`{"text":1}`,
	`{"path":2,"text":"t"}`,
	`{"text":true}`,
	`{"path":"no text"}`,
	`{}`,
	` {}`,
	`{"text":"t"} trailing`,
	`{"text":"t"}}`,
	`{"text":"t",}`,
	`{"text":"t"`,
	`{"text" "t"}`,
	`{"text":"unterminated}`,
	`{text:"t"}`,
	`[1,2]`,
	`"just a string"`,
	`null`,
	`42`,
	`{"id":01,"text":"t"}`,
	`{"id":1.,"text":"t"}`,
	`{"id":-,"text":"t"}`,
	`{"id":1e,"text":"t"}`,
	`{"id":nul,"text":"t"}`,
	`{"id":truex,"text":"t"}`,
	`not JSON`,
}

// checkRecordDecoders compares decodeCardRecord with encoding/json on line
// and reports whether the fast decoder took it.
func checkRecordDecoders(t *testing.T, line string) (fast bool) {
	t.Helper()
	want, wantErr := unmarshalCardRecord([]byte(line))
	b := []byte(line)
	_, fast = scanCardRecord(b)
	if !fast && string(b) != line {
		t.Fatalf("%q: the fast decoder gave up but changed the line to %q", line, b)
	}
	got, err := decodeCardRecord([]byte(line))
	if (err != nil) != (wantErr != nil) || (err != nil && err.Error() != wantErr.Error()) {
		t.Fatalf("%q: error %v, encoding/json says %v", line, err, wantErr)
	}
	if got.path != want.path || got.id != want.id || got.hasID != want.hasID ||
		got.hasText != want.hasText || !bytes.Equal(got.text, want.text) {
		t.Fatalf("%q (fast %v):\n got %+v %q\nwant %+v %q", line, fast, got, got.text, want, want.text)
	}
	return fast
}

func TestDecodeCardRecordMatchesEncodingJSON(t *testing.T) {
	fast := 0
	for _, line := range recordLines {
		if checkRecordDecoders(t, line) {
			fast++
		}
	}
	// Records made the way the tools that feed the audit make them, from
	// the corpus, must all take the fast path.
	for i, path := range corpusSample(t, 200) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rec := map[string]any{"path": path, "text": string(data), "downloads": i, "private": i%2 == 0}
		line, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		if !checkRecordDecoders(t, string(line)) {
			t.Errorf("%s: the record of a corpus card took the slow path", path)
		}
		fast++
	}
	if fast < 200+len(recordLines)/3 {
		t.Errorf("only %d records took the fast path", fast)
	}
}

func FuzzDecodeCardRecord(f *testing.F) {
	for _, line := range recordLines {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkRecordDecoders(t, line)
	})
}

// BenchmarkAuditCommandNDJSON runs `modelcard audit` over corpus cards as
// NDJSON records, writing JSONL results: against the engine's in-memory
// benchmark (BenchmarkAuditCorpus in package cpu) it shows what reading,
// decoding, writing and summing up cost.
func BenchmarkAuditCommandNDJSON(b *testing.B) {
	var input bytes.Buffer
	paths := corpusSample(b, 2000)
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		line, err := json.Marshal(map[string]string{"path": path, "text": string(data)})
		if err != nil {
			b.Fatal(err)
		}
		input.Write(line)
		input.WriteByte('\n')
	}
	in := filepath.Join(b.TempDir(), "cards.ndjson")
	if err := os.WriteFile(in, input.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(input.Len()))
	for b.Loop() {
		var stderr bytes.Buffer
		args := []string{"modelcard", "audit", "-q", "--json", os.DevNull, in}
		if code := run(b.Context(), args, stdio{in: strings.NewReader(""), out: io.Discard, err: &stderr}); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	b.ReportMetric(float64(len(paths))*float64(b.N)/b.Elapsed().Seconds(), "cards/s")
}

// BenchmarkAuditCommandFolder runs `modelcard audit` over the corpus
// folder, writing JSONL results: the end-to-end measure (walk,
// read, parse, featurize, score, write), less the process start.
func BenchmarkAuditCommandFolder(b *testing.B) {
	dir := filepath.Join(auditShared(b), "corpus", "cards")
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			n++
		}
		return err
	})
	if err != nil || n == 0 {
		b.Fatalf("corpus folder %s: %d cards, %v", dir, n, err)
	}
	out := filepath.Join(b.TempDir(), "results.jsonl")
	for b.Loop() {
		var stderr bytes.Buffer
		args := []string{"modelcard", "audit", "-q", "--backend", "cpu", "--json", out, dir}
		if code := run(b.Context(), args, stdio{in: strings.NewReader(""), out: io.Discard, err: &stderr}); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "cards/s")
}

// TestAuditRefusesOwnRenderings checks that an Annex IV document or HTML
// page generate wrote, found in a folder of cards, gets an error result
// (input.not-a-card) instead of being scored as a poor card, and that the
// card beside it is scored.
func TestAuditRefusesOwnRenderings(t *testing.T) {
	spec, err := card.ParseSpec([]byte(convertFixtureSpec), "fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, render := range map[string]func(*card.Card) ([]byte, error){
		"m.md": card.RenderHF, "m.annex-iv.md": card.RenderAnnexIV, "page.md": card.RenderHTML,
	} {
		data, err := render(spec)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "r.jsonl")
	code, _, stderr := runCLI(t, "", "audit", "-q", "--json", out, dir)
	checkExit(t, code, stderr, exitOK)
	for _, line := range strings.Split(strings.TrimSpace(string(readFile(t, out))), "\n") {
		var r struct {
			Path   string             `json:"path"`
			Scores map[string]float64 `json:"scores"`
			Error  *string            `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		own := filepath.Base(r.Path) != "m.md"
		switch {
		case own && (r.Error == nil || !strings.Contains(*r.Error, "not a model card") || r.Scores != nil):
			t.Errorf("%s: error %v, scores %v; want it refused as no card", r.Path, r.Error, r.Scores)
		case !own && (r.Error != nil || r.Scores == nil):
			t.Errorf("%s: error %v; want it scored", r.Path, r.Error)
		}
	}
}
