package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// driftCardText is a README whose model-index reports an accuracy (a
// fraction), a loss (lower is better), an F1 on a percentage scale and a
// BLEU written as text.
const driftCardText = `---
license: mit
tags:
- sentiment
model-index:
- name: acme/tiny-sentiment
  results:
  - task:
      type: text-classification
      name: Sentiment
    dataset:
      name: ACME Reviews
      type: acme/reviews
      split: test
    metrics:
    - type: accuracy
      value: 0.917
    - type: loss
      value: 0.3
    - type: f1
      value: 88.5
    - type: bleu
      value: 31.2 ± 0.4
---
# Tiny Sentiment

A small classifier.   Trailing spaces and odd  spacing stay as they are.

## Evaluation

| metric | value |
|---|---|
| accuracy | 0.917 |
`

// driftCSV writes the new results as a CSV, one "metric,value" per item.
func driftCSV(t *testing.T, dir string, rows ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("task,dataset,split,metric,value\n")
	for _, r := range rows {
		b.WriteString("text-classification,acme/reviews,test," + r + "\n")
	}
	path := filepath.Join(dir, "new.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeDriftCard writes the fixture card and returns its path.
func writeDriftCard(t *testing.T, dir, text string) string {
	t.Helper()
	path := filepath.Join(dir, "README.md")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tableStatus reads the drift table: metric -> [threshold, status].
func tableStatus(t *testing.T, table string) map[string][2]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(table, "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "METRIC") || !strings.HasSuffix(lines[0], "STATUS") {
		t.Fatalf("no table header:\n%s", table)
	}
	out := map[string][2]string{}
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 8 {
			t.Fatalf("short table row %q", l)
		}
		out[f[0]] = [2]string{f[len(f)-2], f[len(f)-1]}
	}
	return out
}

func TestDrift(t *testing.T) {
	same := []string{"accuracy,0.917", "loss,0.3", "f1,88.5", "bleu,31.2"}
	tests := []struct {
		name  string
		rows  []string
		flags []string
		code  int
		// want maps a metric to its status; threshold, when set, to the
		// threshold shown.
		want      map[string]string
		threshold map[string]string
	}{
		{"no change", same, nil, 0,
			map[string]string{"accuracy": "ok", "loss": "ok", "f1": "ok", "bleu": "ok"},
			map[string]string{"accuracy": "±0.01", "loss": "±5%", "f1": "±1", "bleu": "±1"}},
		{"absolute drift of a fraction", []string{"accuracy,0.900", "loss,0.3", "f1,88.5", "bleu,31.2"}, nil, exitFailed,
			map[string]string{"accuracy": "DRIFT", "loss": "ok"}, nil},
		{"absolute change within the threshold", []string{"accuracy,0.910", "loss,0.3", "f1,88.5", "bleu,31.2"}, nil, 0,
			map[string]string{"accuracy": "ok"}, nil},
		{"change equal to the threshold", []string{"accuracy,0.927", "loss,0.3", "f1,88.5", "bleu,31.2"}, nil, 0,
			map[string]string{"accuracy": "ok"}, nil},
		{"relative drift of a loss", []string{"accuracy,0.917", "loss,0.33", "f1,88.5", "bleu,31.2"}, nil, exitFailed,
			map[string]string{"loss": "DRIFT", "accuracy": "ok"}, nil},
		{"relative change within the threshold", []string{"accuracy,0.917", "loss,0.31", "f1,88.5", "bleu,31.2"}, nil, 0,
			map[string]string{"loss": "ok"}, nil},
		{"percentage scale drift", []string{"accuracy,0.917", "loss,0.3", "f1,87.0", "bleu,31.2"}, nil, exitFailed,
			map[string]string{"f1": "DRIFT"}, map[string]string{"f1": "±1"}},
		{"text value compared by its number", []string{"accuracy,0.917", "loss,0.3", "f1,88.5", "bleu,29.0 ± 0.5"}, nil, exitFailed,
			map[string]string{"bleu": "DRIFT"}, nil},
		{"new and missing metrics", []string{"accuracy,0.917", "precision,0.8"}, nil, 0,
			map[string]string{"accuracy": "ok", "precision": "new", "loss": "missing", "f1": "missing", "bleu": "missing"}, nil},
		{"custom absolute threshold", []string{"accuracy,0.900", "loss,0.3", "f1,88.5", "bleu,31.2"}, []string{"--threshold", "accuracy=0.02"}, 0,
			map[string]string{"accuracy": "ok"}, map[string]string{"accuracy": "±0.02"}},
		{"custom relative threshold", []string{"accuracy,0.917", "loss,0.31", "f1,88.5", "bleu,31.2"}, []string{"--threshold", "LOSS=2%"}, exitFailed,
			map[string]string{"loss": "DRIFT"}, map[string]string{"loss": "±2%"}},
		{"custom threshold for every metric", []string{"accuracy,0.918", "loss,0.3", "f1,88.5", "bleu,31.2"}, []string{"--threshold", "*=0"}, exitFailed,
			map[string]string{"accuracy": "DRIFT", "loss": "ok"}, map[string]string{"loss": "±0"}},
		{"a metric's threshold wins over *", []string{"accuracy,0.918", "loss,0.3", "f1,88.5", "bleu,31.2"}, []string{"--threshold", "*=0", "--threshold", "accuracy=0.01"}, 0,
			map[string]string{"accuracy": "ok"}, map[string]string{"accuracy": "±0.01", "f1": "±0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cardPath := writeDriftCard(t, dir, driftCardText)
			args := append([]string{"drift", cardPath, "--against", driftCSV(t, dir, tt.rows...)}, tt.flags...)
			code, stdout, stderr := runCLI(t, "", args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			rows := tableStatus(t, stdout)
			for metric, want := range tt.want {
				if got := rows[metric][1]; got != want {
					t.Errorf("%s: status %q, want %q\n%s", metric, got, want, stdout)
				}
			}
			for metric, want := range tt.threshold {
				if got := rows[metric][0]; got != want {
					t.Errorf("%s: threshold %q, want %q\n%s", metric, got, want, stdout)
				}
			}
			if got := mustRead(t, cardPath); string(got) != driftCardText {
				t.Error("the card was changed without --update")
			}
		})
	}
}

func TestDriftJSON(t *testing.T) {
	dir := t.TempDir()
	cardPath := writeDriftCard(t, dir, driftCardText)
	csv := driftCSV(t, dir, "accuracy,0.900", "loss,0.3", "precision,0.8")
	code, stdout, stderr := runCLI(t, "", "drift", cardPath, "--against", csv, "--json")
	if code != exitFailed {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	var report driftReport
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
	}
	if !report.Drifted || report.Updated {
		t.Errorf("drifted=%v updated=%v, want true and false", report.Drifted, report.Updated)
	}
	wantCounts := map[string]int{"drift": 1, "ok": 1, "missing": 2, "new": 1}
	for k, v := range wantCounts {
		if report.Counts[k] != v {
			t.Errorf("counts[%s] = %d, want %d (%v)", k, report.Counts[k], v, report.Counts)
		}
	}
	byMetric := map[string]driftRow{}
	for _, r := range report.Results {
		byMetric[r.Metric] = r
	}
	acc := byMetric["accuracy"]
	if acc.Status != "drift" || acc.Change == nil || *acc.Change != -0.017 || acc.Threshold == nil || acc.Threshold.Relative || acc.Threshold.Value != 0.01 {
		t.Errorf("accuracy row: %+v", acc)
	}
	if acc.Dataset != "acme/reviews" || acc.Split != "test" || acc.Task != "text-classification" {
		t.Errorf("accuracy row lacks its dataset, split or task: %+v", acc)
	}
	if loss := byMetric["loss"]; loss.Status != "ok" || !loss.LowerIsBetter || loss.Change == nil || *loss.Change != 0 {
		t.Errorf("loss row: %+v", loss)
	}
	if p := byMetric["precision"]; p.Status != "new" || p.Old != nil || p.Threshold != nil {
		t.Errorf("precision row: %+v", p)
	}
}

func TestDriftUpdate(t *testing.T) {
	dir := t.TempDir()
	cardPath := writeDriftCard(t, dir, driftCardText)
	csv := driftCSV(t, dir, "accuracy,0.900", "loss,0.31", "precision,0.8")
	code, stdout, stderr := runCLI(t, "", "drift", cardPath, "--against", csv, "--update")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if rows := tableStatus(t, stdout); rows["accuracy"][1] != "DRIFT" {
		t.Errorf("the table should still show the drift:\n%s", stdout)
	}
	if !strings.Contains(stderr, "updated") {
		t.Errorf("stderr does not say the card was updated: %q", stderr)
	}
	got := mustRead(t, cardPath)
	before, after := card.SplitFrontMatter(driftCardText), card.SplitFrontMatter(string(got))
	if !after.Found || after.Body != before.Body {
		t.Errorf("the body changed:\n got %q\nwant %q", after.Body, before.Body)
	}
	c, err := card.Parse(got)
	if err != nil {
		t.Fatalf("the updated card does not parse: %v", err)
	}
	if c.Meta.String("license") != "mit" || strings.Join(c.Meta.Strings("tags"), ",") != "sentiment" {
		t.Errorf("other metadata changed: %v", c.Meta.Map())
	}
	v, _ := c.Meta.Value("model-index")
	name, results, err := card.ModelIndexToEvalResults(v)
	if err != nil {
		t.Fatalf("the updated model-index is invalid: %v", err)
	}
	if name != "acme/tiny-sentiment" {
		t.Errorf("model-index name %q", name)
	}
	want := map[string]string{"accuracy": "0.9", "loss": "0.31", "f1": "88.5", "bleu": "31.2 ± 0.4", "precision": "0.8"}
	if len(results) != len(want) {
		t.Errorf("%d results, want %d: %+v", len(results), len(want), results)
	}
	for _, r := range results {
		if valueText(r.MetricValue) != want[r.MetricType] {
			t.Errorf("%s = %v, want %s", r.MetricType, r.MetricValue, want[r.MetricType])
		}
		if r.DatasetName != "ACME Reviews" || r.TaskName != "Sentiment" {
			t.Errorf("%s: the card's names were not kept: dataset %q, task %q", r.MetricType, r.DatasetName, r.TaskName)
		}
	}
	// Compared again, the updated card has drifted no more.
	code, stdout, stderr = runCLI(t, "", "drift", cardPath, "--against", csv)
	if code != 0 {
		t.Errorf("after --update: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestDriftUpdateRefusals(t *testing.T) {
	badIndex := strings.Replace(driftCardText, "      type: acme/reviews\n", "", 1)
	twoModels := strings.Replace(driftCardText, "---\n# Tiny", `- name: acme/other
  results:
  - task:
      type: text-classification
    dataset:
      name: Other
      type: acme/other
    metrics:
    - type: accuracy
      value: 0.5
---
# Tiny`, 1)
	tests := []struct {
		name, text string
		want       string
	}{
		{"unreadable model-index", badIndex, "model-index cannot be read"},
		{"several models", twoModels, "holds 2 models"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cardPath := writeDriftCard(t, dir, tt.text)
			csv := driftCSV(t, dir, "accuracy,0.917")
			code, _, stderr := runCLI(t, "", "drift", cardPath, "--against", csv, "--update")
			if code != exitFailed || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "--force") {
				t.Errorf("exit %d, stderr %q; want 1, %q and a hint about --force", code, stderr, tt.want)
			}
			if string(mustRead(t, cardPath)) != tt.text {
				t.Fatal("the card was written although --update refused")
			}
			code, _, stderr = runCLI(t, "", "drift", cardPath, "--against", csv, "--update", "--force")
			if code != 0 {
				t.Fatalf("--force: exit %d: %s", code, stderr)
			}
			c, err := card.Parse(mustRead(t, cardPath))
			if err != nil {
				t.Fatal(err)
			}
			v, _ := c.Meta.Value("model-index")
			if _, rs, err := card.ModelIndexToEvalResults(v); err != nil || len(rs) == 0 {
				t.Errorf("--force wrote an invalid or empty model-index: %v %v", err, rs)
			}
		})
	}
}

func TestDriftSpecAndLMEval(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(convertFixtureSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "", "drift", spec, "--against", driftCSV(t, dir, "accuracy,0.95"))
	if code != exitFailed || tableStatus(t, stdout)["accuracy"][1] != "DRIFT" {
		t.Errorf("spec: exit %d, want 1 and a drift\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "", "drift", spec, "--against", driftCSV(t, dir, "accuracy,0.95"), "--update")
	if code != exitUsage || !strings.Contains(stderr, "README") {
		t.Errorf("--update of a spec: exit %d, stderr %q; want 2", code, stderr)
	}

	// A card generated with lm-evaluation-harness results has not drifted
	// from them.
	lmeval := "../../evalimport/testdata/lmeval/results_v04.json"
	out := filepath.Join(dir, "out")
	code, _, stderr = runCLI(t, "", "generate", "--out", out, "--eval", lmeval, spec)
	if code != 0 {
		t.Fatalf("generate --eval: exit %d: %s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "drift", filepath.Join(out, "spec.md"), "--against", lmeval, "--json")
	if code != 0 {
		t.Fatalf("drift against the same results: exit %d\n%s%s", code, stdout, stderr)
	}
	var report driftReport
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatal(err)
	}
	if report.Counts["ok"] < 5 || report.Counts["drift"] != 0 || report.Counts["new"] != 0 {
		t.Errorf("counts %v; want every lm-eval metric ok", report.Counts)
	}
}

func TestDriftUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cardPath := writeDriftCard(t, dir, driftCardText)
	csv := driftCSV(t, dir, "accuracy,0.917")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no card", []string{"drift", "--against", csv}, "one card"},
		{"no --against", []string{"drift", cardPath}, "--against"},
		{"missing --against file", []string{"drift", cardPath, "--against", filepath.Join(dir, "nope.json")}, "nope.json"},
		{"missing card", []string{"drift", filepath.Join(dir, "nope.md"), "--against", csv}, "nope.md"},
		{"threshold without =", []string{"drift", cardPath, "--against", csv, "--threshold", "accuracy"}, "METRIC=VALUE"},
		{"threshold without value", []string{"drift", cardPath, "--against", csv, "--threshold", "accuracy="}, "METRIC=VALUE"},
		{"threshold without metric", []string{"drift", cardPath, "--against", csv, "--threshold", "=0.1"}, "METRIC=VALUE"},
		{"threshold not a number", []string{"drift", cardPath, "--against", csv, "--threshold", "accuracy=low"}, "not a number"},
		{"negative threshold", []string{"drift", cardPath, "--against", csv, "--threshold", "loss=-3%"}, "not a number"},
		{"double percent", []string{"drift", cardPath, "--against", csv, "--threshold", "loss=3%%"}, "not a number"},
		{"threshold given twice", []string{"drift", cardPath, "--against", csv, "--threshold", "loss=3%", "--threshold", "Loss=4%"}, "twice"},
		{"card on stdin", []string{"drift", "-", "--against", csv}, "file"},
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

func TestThresholdDefaults(t *testing.T) {
	tests := []struct {
		metric   string
		old, new float64
		want     string
	}{
		{"accuracy", 0.9, 0.91, "±0.01"},
		{"f1", 91.2, 90.1, "±1"},
		{"f1", 0.95, 1.2, "±1"},
		{"eval_loss", 0.4, 0.5, "±5%"},
		{"word_perplexity", 11.7, 12.0, "±5%"},
		{"WER", 0.12, 0.13, "±5%"},
		{"valLoss", 0.12, 0.13, "±5%"},
		{"top1_err", 0.12, 0.13, "±5%"},
		{"bits_per_byte", 0.61, 0.62, "±5%"},
		{"mean_reward", 250, 240, "±5%"},
		{"score", -0.5, -0.4, "±5%"},
	}
	for _, tt := range tests {
		got := thresholdFor(card.EvalResult{MetricType: tt.metric}, tt.old, tt.new, nil)
		if got.String() != tt.want || got.Source != "default" {
			t.Errorf("%s %v -> %v: threshold %s (%s), want %s", tt.metric, tt.old, tt.new, got, got.Source, tt.want)
		}
	}
}

func TestExceeds(t *testing.T) {
	abs := threshold{Value: 0.01}
	rel := threshold{Relative: true, Value: 5}
	tests := []struct {
		old, new float64
		t        threshold
		want     bool
	}{
		{0.85, 0.86, abs, false}, // equal to the threshold, after decimal rounding
		{0.85, 0.8601, abs, true},
		{0.85, 0.84, abs, false},
		{0.85, 0.8399, abs, true},
		{2.0, 2.1, rel, false},
		{2.0, 2.11, rel, true},
		{-2.0, -2.11, rel, true},
		{0, 0, rel, false},
		{0, 0.001, rel, true},
	}
	for _, tt := range tests {
		if got := exceeds(tt.new-tt.old, tt.old, tt.t); got != tt.want {
			t.Errorf("%v -> %v with %s: exceeds = %v, want %v", tt.old, tt.new, tt.t, got, tt.want)
		}
	}
}

func TestNumericValue(t *testing.T) {
	tests := []struct {
		in   any
		want float64
		ok   bool
	}{
		{0.5, 0.5, true},
		{int64(3), 3, true},
		{"20.5 ± 0.3", 20.5, true},
		{"85%", 85, true},
		{"-1e-3", -0.001, true},
		{"n/a", 0, false},
		{nil, 0, false},
		{json.Number("0.25"), 0.25, true},
	}
	for _, tt := range tests {
		got, ok := numericValue(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("numericValue(%#v) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
