package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/engine"
)

// mergeResultLine is one synthetic audit result with every standard at
// score.
func mergeResultLine(t *testing.T, path string, score float64) string {
	t.Helper()
	scores := map[string]float64{}
	for _, id := range engine.StandardIDs() {
		scores[id] = score
	}
	data, err := json.Marshal(engine.AuditResult{Path: path, Bytes: 10, Scores: scores, Missing: map[string][]string{}})
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// mergeLines is the JSONL of results for paths, each scored 0.5.
func mergeLines(t *testing.T, paths ...string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range paths {
		b.WriteString(mergeResultLine(t, p, 0.5) + "\n")
	}
	return b.String()
}

// writeFiles writes name → content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// inDir replaces {dir} in args.
func inDir(dir string, args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, "{dir}", dir)
	}
	return out
}

// resultPaths lists the paths of JSONL results.
func resultPaths(t *testing.T, data []byte) []string {
	t.Helper()
	var out []string
	for _, m := range readJSONL(t, data) {
		out = append(out, pathOf(t, m))
	}
	return out
}

func TestMergeShardsEqualUnshardedAudit(t *testing.T) {
	dir, want := auditFixture(t, 20)
	tmp := t.TempDir()
	full := filepath.Join(tmp, "full.jsonl")
	code, fullSummary, stderr := runCLI(t, "", "audit", "--json", full, "--max-bytes", "1048576", dir)
	if code != 0 {
		t.Fatalf("unsharded audit: exit %d: %s", code, stderr)
	}
	fullData, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	const n = 3
	if len(want)%n == 0 {
		t.Fatalf("%d cards split evenly over %d shards; the test wants uneven shards", len(want), n)
	}
	shardDir := filepath.Join(tmp, "results")
	shard := func(i int) string { return filepath.Join(shardDir, fmt.Sprintf("shard-%d.jsonl", i)) }
	for i := range n {
		code, _, stderr := runCLI(t, "", "audit", "--quiet", "--shard", fmt.Sprintf("%d/%d", i, n), "--json", shard(i), "--max-bytes", "1048576", dir)
		if code != 0 {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
	}
	glob := filepath.Join(shardDir, "shard-*.jsonl")
	tests := []struct {
		name string
		args []string
	}{
		{"glob", []string{glob}},
		{"files out of order", []string{shard(2), shard(0), shard(1)}},
		{"a file named twice", []string{shard(1), glob}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "merged.jsonl")
			report := filepath.Join(t.TempDir(), "merged.html")
			args := append([]string{"merge", "--expect", fmt.Sprint(n), "--json", out, "--report", report}, tt.args...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if stderr != "" {
				t.Errorf("warnings for the shards of one run: %s", stderr)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, fullData) {
				t.Errorf("the merged file (%d bytes, %d results) differs from the unsharded audit's (%d bytes, %d results)",
					len(got), len(resultPaths(t, got)), len(fullData), len(want))
			}
			if stdout != fullSummary {
				t.Errorf("the merged summary differs from the unsharded audit's:\n%s\nwant:\n%s", stdout, fullSummary)
			}
			checkReport(t, report, readJSONL(t, got))
		})
	}
}

func TestMergeOrderAndDuplicates(t *testing.T) {
	eleven := map[string]string{}
	var elevenPaths []string
	for i := range 11 {
		p := fmt.Sprintf("p%d", i)
		eleven[fmt.Sprintf("shard-%d.jsonl", i)] = mergeLines(t, p)
		elevenPaths = append(elevenPaths, p)
	}
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		want  []string
		warns []string // in stderr; none when empty
	}{
		{
			name:  "shards interleave into the input order",
			files: map[string]string{"shard-0.jsonl": mergeLines(t, "a0", "a3"), "shard-1.jsonl": mergeLines(t, "a1", "a4"), "shard-2.jsonl": mergeLines(t, "a2")},
			args:  []string{"{dir}/shard-*.jsonl"},
			want:  []string{"a0", "a1", "a2", "a3", "a4"},
		},
		{
			name:  "eleven shards sort by number",
			files: eleven,
			args:  []string{"{dir}/shard-*.jsonl"},
			want:  elevenPaths,
		},
		{
			name:  "other names are concatenated in argument order",
			files: map[string]string{"a.jsonl": mergeLines(t, "z"), "b.jsonl": mergeLines(t, "x", "y")},
			args:  []string{"{dir}/b.jsonl", "{dir}/a.jsonl"},
			want:  []string{"x", "y", "z"},
		},
		{
			name:  "shards with a gap are concatenated",
			files: map[string]string{"shard-0.jsonl": mergeLines(t, "a", "b"), "shard-2.jsonl": mergeLines(t, "c")},
			args:  []string{"{dir}/shard-*.jsonl"},
			want:  []string{"a", "b", "c"},
		},
		{
			// One run's shards partition its inputs: a path in two of
			// them was given twice, and the unsharded audit lists it twice.
			name:  "a path in two shards of one run is kept twice",
			files: map[string]string{"shard-0.jsonl": mergeLines(t, "a", "b"), "shard-1.jsonl": mergeLines(t, "b", "c")},
			args:  []string{"{dir}/shard-*.jsonl"},
			want:  []string{"a", "b", "b", "c"},
		},
		{
			// Merge cannot tell a repeated input from overlapping runs:
			// it keeps both and says so.
			name:  "a path in two other files is kept twice, with a warning",
			files: map[string]string{"first.jsonl": mergeLines(t, "a", "b"), "again.jsonl": mergeLines(t, "b", "c")},
			args:  []string{"{dir}/first.jsonl", "{dir}/again.jsonl"},
			want:  []string{"a", "b", "b", "c"},
			warns: []string{"an earlier file also has: 1 of 4", `"b" at `, "again.jsonl:1", "first.jsonl:2", "all are kept", "--dedupe"},
		},
		{
			name:  "--dedupe keeps the first result of a path in two files",
			files: map[string]string{"first.jsonl": mergeLines(t, "a", "b"), "again.jsonl": mergeLines(t, "b", "c", "b")},
			args:  []string{"--dedupe", "{dir}/first.jsonl", "{dir}/again.jsonl"},
			want:  []string{"a", "b", "c"},
			warns: []string{"again.jsonl:1", `card "b" already has a result at`, "first.jsonl:2", "again.jsonl:3", "2 dropped; results kept: 3"},
		},
		{
			name:  "--dedupe applies to the shards of one run too",
			files: map[string]string{"shard-0.jsonl": mergeLines(t, "a", "b"), "shard-1.jsonl": mergeLines(t, "b", "c")},
			args:  []string{"--dedupe", "{dir}/shard-*.jsonl"},
			want:  []string{"a", "b", "c"},
			warns: []string{"shard-0.jsonl:2", `card "b" already has a result at`, "shard-1.jsonl:1", "1 dropped; results kept: 3"},
		},
		{
			name:  "--dedupe keeps a path repeated in one file",
			files: map[string]string{"x.jsonl": mergeLines(t, "a", "a"), "y.jsonl": mergeLines(t, "b")},
			args:  []string{"--dedupe", "{dir}/x.jsonl", "{dir}/y.jsonl"},
			want:  []string{"a", "a", "b"},
		},
		{
			// An input that repeats one card makes equal shards.
			name:  "two shards of one run with the same results",
			files: map[string]string{"shard-0.jsonl": mergeLines(t, "a"), "shard-1.jsonl": mergeLines(t, "a")},
			args:  []string{"{dir}/shard-*.jsonl"},
			want:  []string{"a", "a"},
		},
		{
			name:  "empty files are not a file given twice",
			files: map[string]string{"x.jsonl": mergeLines(t, "a"), "e1.jsonl": "\n", "e2.jsonl": "\n"},
			args:  []string{"{dir}/e1.jsonl", "{dir}/x.jsonl", "{dir}/e2.jsonl"},
			want:  []string{"a"},
		},
		{
			name:  "a file named and matched by a glob is read once",
			files: map[string]string{"x.jsonl": mergeLines(t, "a"), "y.jsonl": mergeLines(t, "b")},
			args:  []string{"{dir}/y.jsonl", "{dir}/*.jsonl"},
			want:  []string{"b", "a"},
		},
		{
			name:  "a path twice in one file is kept twice",
			files: map[string]string{"x.jsonl": mergeLines(t, "a", "a")},
			args:  []string{"{dir}/x.jsonl"},
			want:  []string{"a", "a"},
		},
		{
			name:  "uneven shards are reported",
			files: map[string]string{"shard-0.jsonl": mergeLines(t, "a"), "shard-1.jsonl": mergeLines(t, "b", "c", "d")},
			args:  []string{"{dir}/shard-*.jsonl"},
			want:  []string{"a", "b", "c", "d"},
			warns: []string{"[1 3]", "not how one run splits"},
		},
		{
			name:  "blank lines, CRLF and no final newline",
			files: map[string]string{"r.jsonl": "\n" + mergeResultLine(t, "a", 0.5) + "\r\n\n  \n" + mergeResultLine(t, "b", 0.5)},
			args:  []string{"{dir}/r.jsonl"},
			want:  []string{"a", "b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			code, stdout, stderr := runCLI(t, "", append([]string{"merge", "--quiet", "--json", "-"}, inDir(dir, tt.args)...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := resultPaths(t, []byte(stdout)); !slices.Equal(got, tt.want) {
				t.Errorf("merged paths %q, want %q", got, tt.want)
			}
			if strings.Contains(stdout, "\r") || !strings.HasSuffix(stdout, "}\n") {
				t.Errorf("the output's lines do not all end in a bare newline: %q", stdout)
			}
			for _, w := range tt.warns {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, stderr)
				}
			}
			if len(tt.warns) == 0 && stderr != "" {
				t.Errorf("unexpected stderr: %s", stderr)
			}
		})
	}
}

func TestMergeErrors(t *testing.T) {
	good := mergeLines(t, "a")
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		code  int
		want  []string // in stderr
	}{
		{"malformed JSON", map[string]string{"shard-0.jsonl": mergeLines(t, "a", "b") + `{"path": "c", `},
			[]string{"--json", "{dir}/out/merged.jsonl", "{dir}/shard-0.jsonl"}, exitFailed, []string{"shard-0.jsonl:3:", "not valid JSON"}},
		{"an array", map[string]string{"r.jsonl": "[1, 2]\n"},
			[]string{"{dir}/r.jsonl"}, exitFailed, []string{"r.jsonl:1:", "not a JSON object"}},
		{"blank lines count", map[string]string{"r.jsonl": "\n\n" + good + "\n\"text\"\n"},
			[]string{"{dir}/r.jsonl"}, exitFailed, []string{"r.jsonl:5:", "not a JSON object"}},
		{"a key missing", map[string]string{"r.jsonl": `{"path": "a", "bytes": 1}` + "\n"},
			[]string{"{dir}/r.jsonl"}, exitFailed, []string{"r.jsonl:1:", `lacks the key "declared_task"`, "modelcard audit --json"}},
		{"a value of the wrong type", map[string]string{"r.jsonl": strings.Replace(good, `"bytes":10`, `"bytes":"ten"`, 1)},
			[]string{"{dir}/r.jsonl"}, exitFailed, []string{"r.jsonl:1:", `the "bytes" field is a string; it must be a whole number`}},
		{"only empty files", map[string]string{"shard-0.jsonl": "", "shard-1.jsonl": "\n"},
			[]string{"--json", "{dir}/out/merged.jsonl", "{dir}/shard-*.jsonl"}, exitFailed, []string{"hold no results", "2 files"}},
		{"an empty path", map[string]string{"r.jsonl": mergeLines(t, "")},
			[]string{"{dir}/r.jsonl"}, exitFailed, []string{"r.jsonl:1:", `"path" is empty`}},
		{"shards missing", map[string]string{"shard-0.jsonl": good, "shard-2.jsonl": mergeLines(t, "b")},
			[]string{"--expect", "4", "{dir}/shard-*.jsonl"}, exitFailed, []string{"2 of the 4 shards are missing: 1, 3", "shard-1.jsonl, shard-3.jsonl", "--shard i/4"}},
		{"a shard interrupted", map[string]string{"shard-0.jsonl": good, "shard-1.jsonl.partial": mergeLines(t, "b")},
			[]string{"--expect", "2", "{dir}/shard-*.jsonl"}, exitFailed, []string{"missing: 1", "shard-1.jsonl.partial exists", "--resume"}},
		{"a newer run of a shard under way", map[string]string{"shard-0.jsonl": good, "shard-1.jsonl": mergeLines(t, "b"), "shard-1.jsonl.partial": mergeLines(t, "c")},
			[]string{"--expect", "2", "{dir}/shard-*.jsonl"}, exitFailed, []string{"shard-1.jsonl.partial exists beside", "older run", "--resume"}},
		{"a .partial beside a plain input", map[string]string{"all.jsonl": good, "all.jsonl.partial": good},
			[]string{"{dir}/all.jsonl"}, exitFailed, []string{"all.jsonl.partial exists beside"}},
		{"a shard left out by the glob", map[string]string{"shard-0.jsonl": good, "shard-1.jsonl": mergeLines(t, "b")},
			[]string{"--expect", "2", "{dir}/shard-0*"}, exitFailed, []string{"missing: 1", "not among the inputs; check the glob"}},
		{"a shard beyond --expect", map[string]string{"shard-0.jsonl": good, "shard-5.jsonl": mergeLines(t, "b")},
			[]string{"--expect", "2", "{dir}/shard-*.jsonl"}, exitUsage, []string{"shard-5.jsonl is shard 5", "0 to 1"}},
		{"a shard twice", map[string]string{"shard-0.jsonl": good, "old/shard-0.jsonl": good},
			[]string{"--expect", "1", "{dir}/shard-0.jsonl", "{dir}/old/shard-0.jsonl"}, exitUsage, []string{"shard 0 is given twice"}},
		{"another name with --expect", map[string]string{"shard-0.jsonl": good, "all.jsonl": good},
			[]string{"--expect", "1", "{dir}/shard-0.jsonl", "{dir}/all.jsonl"}, exitUsage, []string{"all.jsonl is not one"}},
		{"a glob that matches nothing", nil,
			[]string{"{dir}/shard-*.jsonl"}, exitFailed, []string{"no file matches", "shard-*.jsonl"}},
		{"a bad glob", nil,
			[]string{"{dir}/shard-[.jsonl"}, exitUsage, []string{"not a valid glob"}},
		{"a missing file", nil,
			[]string{"{dir}/gone.jsonl"}, exitFailed, []string{"gone.jsonl", "check the path"}},
		{"a folder", nil,
			[]string{"{dir}"}, exitUsage, []string{"is a folder", "shard-*.jsonl"}},
		{"no inputs", nil,
			[]string{}, exitUsage, []string{"needs the result files"}},
		{"standard input", nil,
			[]string{"-"}, exitUsage, []string{"not standard input"}},
		{"--json is an input", map[string]string{"shard-0.jsonl": good},
			[]string{"--json", "{dir}/shard-0.jsonl", "{dir}/shard-*.jsonl"}, exitUsage, []string{"both an input and an output"}},
		{"--report is --json", map[string]string{"shard-0.jsonl": good},
			[]string{"--json", "{dir}/x", "--report", "{dir}/x", "{dir}/shard-0.jsonl"}, exitUsage, []string{"same file"}},
		{"--json is a folder", map[string]string{"shard-0.jsonl": good, "out/keep": ""},
			[]string{"--json", "{dir}/out", "{dir}/shard-0.jsonl"}, exitUsage, []string{"is a folder"}},
		{"--expect 0", map[string]string{"shard-0.jsonl": good},
			[]string{"--expect", "0", "{dir}/shard-0.jsonl"}, exitUsage, []string{"--expect 0"}},
		{"--standard without --fail-under", map[string]string{"shard-0.jsonl": good},
			[]string{"--standard", "hf-hub", "{dir}/shard-0.jsonl"}, exitUsage, []string{"add --fail-under"}},
		{"--fail-under above 1", map[string]string{"shard-0.jsonl": good},
			[]string{"--fail-under", "60", "{dir}/shard-0.jsonl"}, exitUsage, []string{"0 to 1"}},
		{"--fail-under NaN", map[string]string{"shard-0.jsonl": good},
			[]string{"--fail-under", "NaN", "{dir}/shard-0.jsonl"}, exitUsage, []string{"--fail-under NaN: scores run from 0 to 1"}},
		{"--fail-under Inf", map[string]string{"shard-0.jsonl": good},
			[]string{"--fail-under", "Inf", "{dir}/shard-0.jsonl"}, exitUsage, []string{"--fail-under +Inf: scores run from 0 to 1"}},
		{"--fail-under -Inf", map[string]string{"shard-0.jsonl": good},
			[]string{"--fail-under=-Inf", "{dir}/shard-0.jsonl"}, exitUsage, []string{"--fail-under -Inf: scores run from 0 to 1"}},
		{"a score above 1", map[string]string{"r.jsonl": good + strings.Replace(good, `"hf-hub":0.5`, `"hf-hub":7.5`, 1)},
			[]string{"--json", "{dir}/out/merged.jsonl", "{dir}/r.jsonl"}, exitFailed,
			[]string{"r.jsonl:2:", `standard "hf-hub" is 7.5`, "scores run from 0 to 1", "audit that card again"}},
		{"a negative score", map[string]string{"r.jsonl": strings.Replace(good, `"hf-hub":0.5`, `"hf-hub":-0.25`, 1)},
			[]string{"{dir}/r.jsonl"}, exitFailed, []string{"r.jsonl:1:", `standard "hf-hub" is -0.25`}},
		{"a NaN score", map[string]string{"r.jsonl": strings.Replace(good, `"hf-hub":0.5`, `"hf-hub":NaN`, 1)},
			[]string{"{dir}/r.jsonl"}, exitFailed, []string{"r.jsonl:1:", "not valid JSON"}},
		{"a byte order mark", map[string]string{"r.jsonl": "\ufeff" + good},
			[]string{"{dir}/r.jsonl"}, exitFailed, []string{"r.jsonl:1:", "byte order mark"}},
		{"--report is a folder", map[string]string{"shard-0.jsonl": good, "out/keep": ""},
			[]string{"--report", "{dir}/out", "{dir}/shard-0.jsonl"}, exitUsage, []string{"--report", "is a folder"}},
		{"a shard twice without --expect", map[string]string{"shard-0.jsonl": good, "shard-1.jsonl": mergeLines(t, "b"), "old/shard-1.jsonl": mergeLines(t, "c")},
			[]string{"--json", "{dir}/out/merged.jsonl", "{dir}/shard-*.jsonl", "{dir}/old/shard-1.jsonl"}, exitUsage,
			[]string{"shard 1 is given twice", "/shard-1.jsonl and ", "old/shard-1.jsonl", "merge each one's shards"}},
		{"a copy of a file", map[string]string{"a.jsonl": good, "b.jsonl": mergeLines(t, "b"), "c.jsonl": good},
			[]string{"--json", "{dir}/out/merged.jsonl", "{dir}/a.jsonl", "{dir}/b.jsonl", "{dir}/c.jsonl"}, exitUsage,
			[]string{"a.jsonl and ", "c.jsonl hold the same results byte for byte", "give each file once"}},
		{"a copy of a shard under another name", map[string]string{"shard-0.jsonl": good, "part0.jsonl": good},
			[]string{"--json", "{dir}/out/merged.jsonl", "{dir}/shard-0.jsonl", "{dir}/part0.jsonl"}, exitUsage,
			[]string{"shard-0.jsonl and ", "part0.jsonl hold the same results"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			code, _, stderr := runCLI(t, "", append([]string{"merge"}, inDir(dir, tt.args)...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, stderr)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "out", "merged.jsonl")); err == nil {
				t.Error("a failed merge wrote its --json file")
			}
		})
	}
}

func TestMergeFailUnder(t *testing.T) {
	// Two cards at 0.4 and 0.6 on every standard: every mean is 0.5.
	files := map[string]string{"shard-0.jsonl": mergeResultLine(t, "a", 0.4) + "\n", "shard-1.jsonl": mergeResultLine(t, "b", 0.6) + "\n"}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"one standard above the mean", []string{"--fail-under", "0.55", "--standard", "hf-hub"}, exitFailed, "hf-hub: mean score 0.5000 over 2 cards is below --fail-under 0.55"},
		{"one standard below the mean", []string{"--fail-under", "0.45", "--standard", "hf-hub"}, exitOK, ""},
		{"all standards above the mean", []string{"--fail-under", "0.55"}, exitFailed, "eu-ai-act-annex-iv: mean score"},
		{"all standards below the mean", []string{"--fail-under", "0.45"}, exitOK, ""},
		{"an unknown standard", []string{"--fail-under", "0.5", "--standard", "iso-42001"}, exitUsage, "the standards are hf-hub"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, files)
			args := append(append([]string{"merge", "--quiet", "--expect", "2"}, tt.args...), filepath.Join(dir, "shard-*.jsonl"))
			code, _, stderr := runCLI(t, "", args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			if tt.want != "" && !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q: %s", tt.want, stderr)
			}
		})
	}
}

func TestMergeOutputs(t *testing.T) {
	files := map[string]string{"shard-0.jsonl": mergeLines(t, "a", "c"), "shard-1.jsonl": mergeLines(t, "b")}
	tests := []struct {
		name       string
		args       []string
		wantStdout []string
		wantStderr []string
		wantFile   bool // {dir}/out/merged.jsonl
	}{
		{"file and summary", []string{"--json", "{dir}/out/merged.jsonl"}, []string{"Cards audited", "hf-hub"}, nil, true},
		{"stdout: the summary moves to stderr", []string{"--json", "-"}, []string{`"path":"a"`}, []string{"Cards audited"}, false},
		{"quiet", []string{"--quiet", "--json", "{dir}/out/merged.jsonl"}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, files)
			args := append(append([]string{"merge"}, inDir(dir, tt.args)...), filepath.Join(dir, "shard-*.jsonl"))
			code, stdout, stderr := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q: %s", w, stdout)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, stderr)
				}
			}
			if len(tt.wantStdout) == 0 && stdout != "" {
				t.Errorf("unexpected stdout: %s", stdout)
			}
			data, err := os.ReadFile(filepath.Join(dir, "out", "merged.jsonl"))
			if tt.wantFile != (err == nil) {
				t.Fatalf("--json file written: %v, want %v", err == nil, tt.wantFile)
			}
			if tt.wantFile {
				if got := resultPaths(t, data); !slices.Equal(got, []string{"a", "b", "c"}) {
					t.Errorf("merged paths %q, want a, b, c", got)
				}
				left, _ := filepath.Glob(filepath.Join(dir, "out", ".*"))
				if len(left) > 0 {
					t.Errorf("temporary files left: %q", left)
				}
			}
		})
	}
}

func TestMergeHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"merge", "--help"}, []string{"Examples:", "modelcard merge --expect 8", "shard-*.jsonl", "--fail-under", "FILE:LINE",
			"Every result of every file is kept", "--dedupe", "one file given twice", "not between 0 and 1", "exits 130"}},
		{[]string{"--help"}, []string{"merge"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("help lacks %q:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestMergeShardIndex(t *testing.T) {
	tests := []struct {
		name string
		want int
		ok   bool
	}{
		{"shard-0.jsonl", 0, true},
		{"results/shard-12.jsonl", 12, true},
		{"shard-01.jsonl", 0, false},
		{"shard--1.jsonl", 0, false},
		{"shard-+1.jsonl", 0, false},
		{"shard-1.jsonl.partial", 0, false},
		{"shard-1.ndjson", 0, false},
		{"myshard-1.jsonl", 0, false},
		{"shard-.jsonl", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := shardIndex(tt.name)
			if got != tt.want || ok != tt.ok {
				t.Errorf("shardIndex(%q) = %d, %v; want %d, %v", tt.name, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestMergeSplitOfOneRun(t *testing.T) {
	tests := []struct {
		counts []int
		want   bool
	}{
		{[]int{3, 3, 3}, true},
		{[]int{3, 3, 2}, true},
		{[]int{3, 2, 2}, true},
		{[]int{1, 0, 0}, true},
		{[]int{2, 3}, false},
		{[]int{3, 1}, false},
		{[]int{3, 2, 3}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.counts), func(t *testing.T) {
			if got := splitOfOneRun(tt.counts); got != tt.want {
				t.Errorf("splitOfOneRun(%v) = %v, want %v", tt.counts, got, tt.want)
			}
		})
	}
}

// TestMergeFailureKeepsOutput checks that a merge that fails part way leaves
// an earlier --json file as it was and no temporary file beside it.
func TestMergeFailureKeepsOutput(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"shard-0.jsonl":    mergeLines(t, "a", "b"),
		"shard-1.jsonl":    mergeLines(t, "c") + "{broken\n",
		"out/merged.jsonl": "earlier results\n",
	})
	code, _, stderr := runCLI(t, "", "merge", "--json", filepath.Join(dir, "out", "merged.jsonl"), filepath.Join(dir, "shard-*.jsonl"))
	if code != exitFailed || !strings.Contains(stderr, "shard-1.jsonl:2:") {
		t.Fatalf("exit %d, stderr %s; want %d naming shard-1.jsonl:2", code, stderr, exitFailed)
	}
	got, err := os.ReadFile(filepath.Join(dir, "out", "merged.jsonl"))
	if err != nil || string(got) != "earlier results\n" {
		t.Errorf("the earlier output became %q (%v)", got, err)
	}
	if names := dirNames(t, filepath.Join(dir, "out")); len(names) != 1 {
		t.Errorf("out/ holds %v, want only merged.jsonl", names)
	}
}

// dirNames lists the names in a folder.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// repeatedPathsAudit audits an NDJSON input whose records repeat card
// paths: unsharded into full.jsonl, and in n shards into sh/shard-<i>.jsonl.
// It returns the folder.
func repeatedPathsAudit(t *testing.T, name string, paths []string, records, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	var in strings.Builder
	for k := range records {
		text := fmt.Sprintf("---\nlicense: mit\npipeline_tag: text-classification\n---\n# Model %d\n", k)
		if k%2 == 1 {
			text += "\n## Training Data\n\nA corpus of reviews.\n\n## Evaluation\n\nAccuracy 0.9 on the test split.\n"
		}
		line, err := json.Marshal(map[string]string{"path": paths[k%len(paths)], "text": text})
		if err != nil {
			t.Fatal(err)
		}
		in.Write(line)
		in.WriteByte('\n')
	}
	input := filepath.Join(dir, "cards.ndjson")
	writeFiles(t, dir, map[string]string{"cards.ndjson": in.String()})
	if code, _, stderr := runCLI(t, "", "audit", "--quiet", "--json", filepath.Join(dir, "full.jsonl"), input); code != 0 {
		t.Fatalf("unsharded audit: exit %d: %s", code, stderr)
	}
	for i := range n {
		out := filepath.Join(dir, "sh", fmt.Sprintf("shard-%d.jsonl", i))
		if code, _, stderr := runCLI(t, "", "audit", "--quiet", "--shard", fmt.Sprintf("%d/%d", i, n), "--json", out, input); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
	}
	return dir
}

// sortedLines returns the lines of data, sorted.
func sortedLines(data []byte) []string {
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	slices.Sort(lines)
	return lines
}

// readFile returns the content of path.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestMergeNamesDecideOnlyTheOrder merges the shards of an audit whose
// input repeats card paths under their names and renamed, given twice, and
// with the results of another audit: a result is never dropped unless
// --dedupe asks for it, and a file given twice is refused.
func TestMergeNamesDecideOnlyTheOrder(t *testing.T) {
	// Ten records over four paths in three shards: every shard holds
	// results for paths that other shards hold too.
	a := repeatedPathsAudit(t, "a", []string{"p0.md", "p1.md", "p2.md", "p3.md"}, 10, 3)
	b := repeatedPathsAudit(t, "b", []string{"p0.md", "q.md"}, 4, 2)
	full, fullB := readFile(t, filepath.Join(a, "full.jsonl")), readFile(t, filepath.Join(b, "full.jsonl"))
	for i := range 3 {
		data := readFile(t, filepath.Join(a, "sh", fmt.Sprintf("shard-%d.jsonl", i)))
		writeFiles(t, a, map[string]string{
			fmt.Sprintf("renamed/part%d.jsonl", i): string(data),
			fmt.Sprintf("copy/shard-%d.jsonl", i):  string(data),
			fmt.Sprintf("copy/part%d.jsonl", i):    string(data),
		})
	}
	if err := os.Symlink(filepath.Join(a, "renamed", "part1.jsonl"), filepath.Join(a, "link.jsonl")); err != nil {
		t.Fatal(err)
	}
	renamed := []string{"{a}/renamed/part0.jsonl", "{a}/renamed/part1.jsonl", "{a}/renamed/part2.jsonl"}
	union := append(sortedLines(full), sortedLines(fullB)...)
	slices.Sort(union)
	tests := []struct {
		name string
		args []string
		code int
		// exact is the merged file byte for byte; else sorted is its
		// lines, sorted; else count is its number of lines.
		exact  []byte
		sorted []string
		count  int
		warns  []string // in stderr; none when empty
	}{
		{name: "shard names: the unsharded audit's file", args: []string{"{a}/sh/shard-*.jsonl"}, exact: full},
		{name: "shard names with --expect", args: []string{"--expect", "3", "{a}/sh/shard-*.jsonl"}, exact: full},
		{name: "renamed: the same results, concatenated", args: renamed, sorted: sortedLines(full),
			warns: []string{"an earlier file also has: 6 of 10", "all are kept", "--dedupe"}},
		{name: "renamed, by a glob", args: []string{"{a}/renamed/part*.jsonl"}, sorted: sortedLines(full),
			warns: []string{"6 of 10"}},
		{name: "renamed with --dedupe: the first file's results only", args: append([]string{"--dedupe"}, renamed...), count: 4,
			warns: []string{"part1.jsonl:1", "already has a result at", "6 dropped; results kept: 4"}},
		{name: "a file named twice is read once", args: append([]string{"{a}/renamed/part1.jsonl"}, renamed...), sorted: sortedLines(full),
			warns: []string{"all are kept"}},
		{name: "a shard given twice from another folder", args: []string{"{a}/sh/shard-*.jsonl", "{a}/copy/shard-1.jsonl"}, code: exitUsage,
			warns: []string{"shard 1 is given twice", "sh/shard-1.jsonl and ", "copy/shard-1.jsonl"}},
		{name: "a renamed shard given twice", args: append(slices.Clone(renamed), "{a}/copy/part1.jsonl"), code: exitUsage,
			warns: []string{"renamed/part1.jsonl and ", "copy/part1.jsonl hold the same results"}},
		{name: "a shard given twice under two names", args: []string{"{a}/sh/shard-*.jsonl", "{a}/renamed/part2.jsonl"}, code: exitUsage,
			warns: []string{"sh/shard-2.jsonl and ", "renamed/part2.jsonl hold the same results"}},
		{name: "a link to an input", args: append(slices.Clone(renamed), "{a}/link.jsonl"), code: exitUsage,
			warns: []string{"renamed/part1.jsonl and ", "link.jsonl are the same file"}},
		{name: "files of different audits: all kept", args: []string{"{a}/full.jsonl", "{b}/full.jsonl"}, sorted: union,
			warns: []string{`"p0.md" at `, "b/full.jsonl:1", "a/full.jsonl:1", "all are kept"}},
		{name: "shards of different audits", args: []string{"{a}/sh/shard-*.jsonl", "{b}/sh/shard-*.jsonl"}, code: exitUsage,
			warns: []string{"shard 0 is given twice", "merge each one's shards"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "merged.jsonl")
			args := []string{"merge", "--quiet", "--json", out}
			for _, arg := range tt.args {
				args = append(args, strings.NewReplacer("{a}", a, "{b}", b).Replace(arg))
			}
			code, _, stderr := runCLI(t, "", args...)
			checkExit(t, code, stderr, tt.code, tt.warns...)
			if len(tt.warns) == 0 && stderr != "" {
				t.Errorf("unexpected stderr: %s", stderr)
			}
			got, err := os.ReadFile(out)
			if tt.code != exitOK {
				if err == nil {
					t.Error("a refused merge wrote its --json file")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.exact != nil:
				if !bytes.Equal(got, tt.exact) {
					t.Errorf("the merged file differs from the unsharded audit's:\n%s\nwant:\n%s", got, tt.exact)
				}
			case tt.sorted != nil:
				if lines := sortedLines(got); !slices.Equal(lines, tt.sorted) {
					t.Errorf("merged %d results, want the %d of the audits:\n%s", len(lines), len(tt.sorted), got)
				}
			default:
				if n := len(sortedLines(got)); n != tt.count {
					t.Errorf("merged %d results, want %d", n, tt.count)
				}
			}
		})
	}
}

// TestMergeCancelled cancels merges before they start and after some or
// all of their results (as Ctrl-C or SIGTERM does): the merge stops with
// the context's error, exit 130, leaves an earlier --json file as it was,
// writes no report and removes its temporary files.
func TestMergeCancelled(t *testing.T) {
	shards := map[string]string{"in/shard-0.jsonl": mergeLines(t, "a", "c"), "in/shard-1.jsonl": mergeLines(t, "b")}
	parts := map[string]string{"in/x.jsonl": mergeLines(t, "a", "c"), "in/y.jsonl": mergeLines(t, "b")}
	tests := []struct {
		name  string
		files map[string]string
		// cancelAt is the number of results after which the merge is
		// cancelled; 0 cancels it before it starts, through the CLI.
		cancelAt int
	}{
		{"before the merge", shards, 0},
		{"before the merge of files of equal size", map[string]string{"in/x.jsonl": mergeLines(t, "a"), "in/y.jsonl": mergeLines(t, "b")}, 0},
		{"after the first result of shards", shards, 1},
		{"after the first result of other files", parts, 1},
		{"after the last result", parts, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			writeFiles(t, dir, map[string]string{"out/merged.jsonl": "earlier results\n"})
			jsonPath, report := filepath.Join(dir, "out", "merged.jsonl"), filepath.Join(dir, "out", "merged.html")
			glob := filepath.Join(dir, "in", "*.jsonl")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancelAt == 0 {
				cancel()
				var errOut bytes.Buffer
				args := []string{"modelcard", "merge", "--quiet", "--json", jsonPath, "--report", report, glob}
				code := run(ctx, args, stdio{in: strings.NewReader(""), out: io.Discard, err: &errOut})
				if code != 130 || !strings.Contains(errOut.String(), "interrupted") {
					t.Errorf("exit %d, stderr %q; want 130, interrupted", code, errOut.String())
				}
			} else {
				var errOut bytes.Buffer
				o := mergeOptions{args: []string{glob}, jsonPath: jsonPath, report: report, quiet: true}
				err := mergeFiles(ctx, o, stdio{out: io.Discard, err: &errOut}, func(kept int) {
					if kept == tt.cancelAt {
						cancel()
					}
				})
				if !errors.Is(err, context.Canceled) {
					t.Errorf("error %v, want context.Canceled", err)
				}
			}
			if got := readFile(t, jsonPath); string(got) != "earlier results\n" {
				t.Errorf("the earlier --json file became %q", got)
			}
			if names := dirNames(t, filepath.Join(dir, "out")); len(names) != 1 {
				t.Errorf("out/ holds %q, want only merged.jsonl: no report, no temporary file", names)
			}
		})
	}
}

// TestMergeStdoutNothingOnFailure checks that merge --json - writes no
// result when a line far past the first buffer's worth is bad: the results
// are spooled and copied to stdout only once the merge is complete.
func TestMergeStdoutNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	paths := make([]string, 3000)
	for i := range paths {
		paths[i] = fmt.Sprintf("org/card-%04d-%s", i, strings.Repeat("x", 100))
	}
	lines := mergeLines(t, paths...)
	writeFiles(t, dir, map[string]string{"good.jsonl": lines, "bad.jsonl": lines + "not json\n"})
	code, stdout, stderr := runCLI(t, "", "merge", "--quiet", "--json", "-", filepath.Join(dir, "bad.jsonl"))
	checkExit(t, code, stderr, exitFailed, "bad.jsonl:3001:")
	if stdout != "" {
		t.Errorf("a failed merge wrote %d bytes to stdout", len(stdout))
	}
	code, stdout, stderr = runCLI(t, "", "merge", "--quiet", "--json", "-", filepath.Join(dir, "good.jsonl"))
	checkExit(t, code, stderr, exitOK)
	if stdout != lines {
		t.Errorf("merged %d bytes to stdout, want the %d of the input", len(stdout), len(lines))
	}
}
