package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// driftOneMetric is a card reporting one accuracy, whose value replaces
// VALUE.
const driftOneMetric = `---
license: mit
model-index:
- name: org/m
  results:
  - task:
      type: text-classification
    dataset:
      name: D
      type: org/d
      split: test
    metrics:
    - type: accuracy
      value: VALUE
---
body
`

// TestDriftPercentScale checks that a % sign gives the scale of a value:
// 86.1% against a fraction is 0.861.
func TestDriftPercentScale(t *testing.T) {
	tests := []struct {
		name, old, new string
		status         string
		change         float64
		threshold      string
	}{
		{"percentage against a fraction", "0.861", "86.1%", "ok", 0, "±0.01"},
		{"a space before the sign", "0.861", "86.1 %", "ok", 0, "±0.01"},
		{"percentage that fell", "0.861", "84%", "drift", -0.021, "±0.01"},
		{"percentage within the threshold", "0.861", "85.5%", "ok", -0.006, "±0.01"},
		{"fraction against a card percentage", "86.1%", "0.861", "ok", 0, "±1"},
		{"fraction that fell against a card percentage", "86.1%", "0.84", "drift", -2.1, "±1"},
		{"both percentages", "86.1%", "80%", "drift", -6.1, "±1"},
		{"percentage against a percentage scale", "86.1", "86.1%", "ok", 0, "±1"},
		{"a small percentage is small", "0.9", "0.9%", "drift", -0.891, "±0.01"},
		{"no sign: as written", "0.861", "86.1", "drift", 85.239, "±1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cardPath := writeDriftCard(t, dir, strings.Replace(driftOneMetric, "VALUE", tt.old, 1))
			csvPath := filepath.Join(dir, "new.csv")
			if err := os.WriteFile(csvPath, []byte("task,dataset,split,metric,value\ntext-classification,org/d,test,accuracy,"+tt.new+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, report, stderr := driftJSON(t, cardPath, "--against", csvPath)
			if len(report.Results) != 1 {
				t.Fatalf("want one row, got %+v\n%s", report.Results, stderr)
			}
			r := report.Results[0]
			if r.Status != tt.status || r.Change == nil || *r.Change != tt.change || r.Threshold == nil || r.Threshold.String() != tt.threshold {
				t.Errorf("status %s, change %v, threshold %v; want %s, %v, %s", r.Status, deref(r.Change), r.Threshold, tt.status, tt.change, tt.threshold)
			}
		})
	}
}

// deref reads a change for messages.
func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// TestDriftNotFinite checks that a metric whose new value is NaN or
// infinite is a drift that names the metric, not a missing metric.
func TestDriftNotFinite(t *testing.T) {
	lmeval, err := os.ReadFile("../../evalimport/testdata/lmeval/results_v04.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		file   string // the --against file's name
		data   string
		metric string
		update bool
		code   int
	}{
		{"CSV NaN", "new.csv", "task,dataset,split,metric,value\ntext-classification,acme/reviews,test,accuracy,NaN\ntext-classification,acme/reviews,test,loss,0.3\n",
			"accuracy", false, exitFailed},
		{"CSV infinity", "new.csv", "task,dataset,split,metric,value\ntext-classification,acme/reviews,test,loss,inf\n",
			"loss", false, exitFailed},
		{"lm-evaluation-harness NaN", "results.json", strings.Replace(string(lmeval), `"acc,none": 0.4121`, `"acc,none": NaN`, 1),
			"acc", false, exitFailed},
		{"--update keeps the card's value", "new.csv", "task,dataset,split,metric,value\ntext-classification,acme/reviews,test,accuracy,NaN\n",
			"accuracy", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cardPath := writeDriftCard(t, dir, driftCardText)
			if strings.HasSuffix(tt.file, ".json") {
				// A card generated from the same lm-eval results.
				spec := filepath.Join(dir, "spec.yaml")
				if err := os.WriteFile(spec, []byte(convertFixtureSpec), 0o644); err != nil {
					t.Fatal(err)
				}
				out := filepath.Join(dir, "out")
				if code, _, stderr := runCLI(t, "", "generate", "--out", out, "--eval", "../../evalimport/testdata/lmeval/results_v04.json", spec); code != 0 {
					t.Fatalf("generate: exit %d: %s", code, stderr)
				}
				cardPath = filepath.Join(out, "spec.md")
			}
			against := filepath.Join(dir, tt.file)
			if err := os.WriteFile(against, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			before := string(mustRead(t, cardPath))
			args := []string{"drift", cardPath, "--against", against}
			if tt.update {
				args = append(args, "--update")
			}
			code, stdout, stderr := runCLI(t, "", args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			var row string
			for _, l := range strings.Split(stdout, "\n") {
				if strings.HasPrefix(l, tt.metric+" ") && strings.Contains(l, "DRIFT") {
					row = l
				}
			}
			if row == "" || !strings.Contains(row, "not finite") {
				t.Errorf("no DRIFT row for %s saying \"not finite\":\n%s", tt.metric, stdout)
			}
			if !strings.Contains(stderr, tt.metric) || !strings.Contains(stderr, "not a finite number") {
				t.Errorf("stderr does not name %s and its value:\n%s", tt.metric, stderr)
			}
			if !tt.update && !strings.Contains(stderr, "NaN or infinite") {
				t.Errorf("the summary does not say why the run failed:\n%s", stderr)
			}
			if tt.update {
				if !strings.Contains(stderr, "kept the card's accuracy") {
					t.Errorf("--update does not say it kept the value:\n%s", stderr)
				}
				if after := string(mustRead(t, cardPath)); !strings.Contains(after, "value: 0.917") {
					t.Errorf("--update lost the card's accuracy:\n%s", after)
				}
			} else if string(mustRead(t, cardPath)) != before {
				t.Error("the card changed without --update")
			}
		})
	}
}
