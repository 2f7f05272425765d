package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// driftConfigCard reports results whose datasets have configs: one config
// of CoNLL-2003, and two of WikiNER.
const driftConfigCard = `---
license: mit
model-index:
- name: acme/ner
  results:
  - task:
      type: token-classification
    dataset:
      name: CoNLL-2003
      type: eriktks/conll2003
      config: conll2003
      split: test
    metrics:
    - type: f1
      value: 0.917
    - type: precision
      value: 0.912
  - task:
      type: token-classification
    dataset:
      name: WikiNER (en)
      type: acme/wikiner
      config: en
      split: test
    metrics:
    - type: f1
      value: 0.8
  - task:
      type: token-classification
    dataset:
      name: WikiNER (de)
      type: acme/wikiner
      config: de
      split: test
    metrics:
    - type: f1
      value: 0.7
---
# NER
`

// driftJSON runs drift --json and returns its exit code, its report and
// its standard error.
func driftJSON(t *testing.T, args ...string) (int, driftReport, string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, "", append(append([]string{"drift"}, args...), "--json")...)
	var report driftReport
	if stdout != "" {
		if err := json.Unmarshal([]byte(stdout), &report); err != nil {
			t.Fatalf("--json output is not JSON: %v\n%s", err, stdout)
		}
	}
	return code, report, stderr
}

// rowStatus finds the status of a dataset (with its config) and metric in
// a report: "dataset (config) metric" -> status.
func rowStatus(report driftReport) map[string]string {
	out := map[string]string{}
	for _, r := range report.Results {
		out[r.Dataset+" ("+r.DatasetConfig+") "+r.Metric] = r.Status
	}
	return out
}

// TestDriftMatchesWithoutConfig checks that new results that give no
// dataset config (a CSV without a config column) are compared with the
// card's result that has one, and that an ambiguous match stops the run.
func TestDriftMatchesWithoutConfig(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		code int
		want map[string]string
		// stderr holds these words.
		stderr []string
	}{
		{"no config column: drift",
			"task,dataset,split,metric,value\ntoken-classification,eriktks/conll2003,test,f1,0.905\ntoken-classification,eriktks/conll2003,test,precision,0.915\n",
			exitFailed, map[string]string{"eriktks/conll2003 (conll2003) f1": "drift", "eriktks/conll2003 (conll2003) precision": "ok", "acme/wikiner (en) f1": "missing"}, nil},
		{"no config column: within the threshold",
			"task,dataset,split,metric,value\ntoken-classification,eriktks/conll2003,test,f1,0.915\n",
			0, map[string]string{"eriktks/conll2003 (conll2003) f1": "ok"}, nil},
		{"config column",
			"task,dataset,config,split,metric,value\ntoken-classification,eriktks/conll2003,conll2003,test,f1,0.905\ntoken-classification,acme/wikiner,de,test,f1,0.75\n",
			exitFailed, map[string]string{"eriktks/conll2003 (conll2003) f1": "drift", "acme/wikiner (de) f1": "drift", "acme/wikiner (en) f1": "missing"}, nil},
		{"another config is new",
			"task,dataset,config,split,metric,value\ntoken-classification,eriktks/conll2003,conll2003pp,test,f1,0.905\n",
			0, map[string]string{"eriktks/conll2003 (conll2003) f1": "missing", "eriktks/conll2003 (conll2003pp) f1": "new"}, nil},
		{"two configs: ambiguous",
			"task,dataset,split,metric,value\ntoken-classification,acme/wikiner,test,f1,0.75\n",
			exitFailed, nil, []string{"cannot be matched", "acme/wikiner", "config en, config de", "config column"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cardPath := writeDriftCard(t, dir, driftConfigCard)
			csvPath := filepath.Join(dir, "new.csv")
			if err := os.WriteFile(csvPath, []byte(tt.csv), 0o644); err != nil {
				t.Fatal(err)
			}
			code, report, stderr := driftJSON(t, cardPath, "--against", csvPath)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%+v\n%s", code, tt.code, report, stderr)
			}
			got := rowStatus(report)
			for k, want := range tt.want {
				if got[k] != want {
					t.Errorf("%s: status %q, want %q (all: %v)", k, got[k], want, got)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}

// TestDriftUpdateWithoutConfig checks that --update replaces the card's
// result in place, keeping its config, instead of adding a second one.
func TestDriftUpdateWithoutConfig(t *testing.T) {
	dir := t.TempDir()
	cardPath := writeDriftCard(t, dir, driftConfigCard)
	csvPath := filepath.Join(dir, "new.csv")
	if err := os.WriteFile(csvPath, []byte("task,dataset,split,metric,value\ntoken-classification,eriktks/conll2003,test,f1,0.905\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "", "drift", cardPath, "--against", csvPath, "--update"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	c, err := card.Parse(mustRead(t, cardPath))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := c.Meta.Value("model-index")
	_, results, err := card.ModelIndexToEvalResults(v)
	if err != nil {
		t.Fatal(err)
	}
	var f1 []card.EvalResult
	for _, r := range results {
		if r.DatasetType == "eriktks/conll2003" && r.MetricType == "f1" {
			f1 = append(f1, r)
		}
	}
	if len(f1) != 1 || f1[0].DatasetConfig != "conll2003" || valueText(f1[0].MetricValue) != "0.905" || f1[0].DatasetName != "CoNLL-2003" {
		t.Errorf("CoNLL-2003 f1 results after --update: %+v; want one, config conll2003, 0.905, named CoNLL-2003", f1)
	}
	if len(results) != 4 {
		t.Errorf("%d results after --update, want 4: %+v", len(results), results)
	}
}

// TestDriftGenerateEvalWithoutConfig checks generate --eval, which merges
// by the same rule: the example card's CoNLL-2003 f1 (with a config) is
// replaced by the CSV's (without), not written twice.
func TestDriftGenerateEvalWithoutConfig(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "new.csv")
	if err := os.WriteFile(csvPath, []byte("task,dataset,split,metric,value\ntoken-classification,eriktks/conll2003,test,f1,0.905\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCLI(t, "", "generate", "--out", out, "--eval", csvPath, "../../examples/nlp.yaml"); code != 0 {
		t.Fatalf("generate --eval: exit %d: %s", code, stderr)
	}
	c, err := card.Parse(mustRead(t, filepath.Join(out, "nlp.md")))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := c.Meta.Value("model-index")
	_, results, err := card.ModelIndexToEvalResults(v)
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	for _, r := range results {
		if r.DatasetType == "eriktks/conll2003" && r.DatasetSplit == "test" && r.MetricType == "f1" {
			values = append(values, r.DatasetConfig+"="+valueText(r.MetricValue))
		}
	}
	if strings.Join(values, " ") != "conll2003=0.905" {
		t.Errorf("CoNLL-2003 test f1 in the card: %v; want only conll2003=0.905", values)
	}
}
