package main

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

func TestParseFormatList(t *testing.T) {
	tests := []struct {
		in   []string
		want []string // nil: a usage error
	}{
		{[]string{"hf"}, []string{"hf"}},
		{[]string{"hf,mct", "html"}, []string{"hf", "mct", "html"}},
		{[]string{"annex-iv, json"}, []string{"annex-iv", "json"}},
		{[]string{"hf,hf", "hf"}, []string{"hf"}},
		{[]string{" MCT "}, []string{"mct"}},
		{[]string{"hf,pdf"}, nil},
		{[]string{""}, nil},
		{[]string{","}, nil},
	}
	for _, tt := range tests {
		got, err := parseFormatList("--format", tt.in)
		if tt.want == nil {
			var ue usageError
			if !errors.As(err, &ue) {
				t.Errorf("%q: err %v, want a usage error", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		var names []string
		for _, f := range got {
			names = append(names, f.name)
		}
		if !slices.Equal(names, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.in, names, tt.want)
		}
	}
}

func TestFormatTable(t *testing.T) {
	exts := map[string]bool{}
	help := formatHelp()
	for _, f := range outputFormats {
		if f.render == nil || f.ext == "" || f.desc == "" {
			t.Errorf("format %s lacks a renderer, an extension or a description", f.name)
		}
		if exts[f.ext] {
			t.Errorf("format %s: extension %s is used twice; its files would overwrite each other", f.name, f.ext)
		}
		exts[f.ext] = true
		if !strings.Contains(help, f.name) || !strings.Contains(help, "NAME"+f.ext) {
			t.Errorf("--help does not list %s and its file name", f.name)
		}
	}
	for _, want := range []string{"hf", "mct", "html", "annex-iv", "json"} {
		if _, ok := lookupFormat(want); !ok {
			t.Errorf("format %s is missing", want)
		}
	}
}

func TestDetectInput(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"README.md", "# Model\n\nmodel_id: in prose\n", "hf"},
		{"card.markdown", "---\nlicense: mit\n---\n", "hf"},
		{"spec.yaml", "model_id: org/m\n", "spec"},
		{"spec.yml", "# A spec\nmodel_id: org/m\n", "spec"},
		{"card.json", `{"schema_version": "0.0.2", "model_details": {"name": "m"}}`, "mct"},
		{"card.json", `{"model_details": {"name": "m"}}`, "mct"},
		{"card.json", `{"$schema": "x", "format_version": 1, "content": {}}`, "json"},
		{"spec.json", `{"model_id": "org/m", "metrics": {"accuracy": 0.9}}`, "spec"},
		{"-", "---\nlicense: mit\n---\n# Model\n", "hf"},
		{"-", "\n  {\"schema_version\": \"0.0.2\"}", "mct"},
		{"-", "model_name: test\nmetrics:\n  accuracy: 0.9\n", "spec"},
		{"-", "# comment\nmodel_id: org/m\n", "spec"},
		{"-", "# Model\n\nNote: this is prose.\n", "hf"},
		{"-", "Summary: prose that looks like YAML\n\nMore prose.\n", "hf"},
		{"card.txt", "", "hf"},
	}
	for _, tt := range tests {
		if got := detectInput(tt.name, []byte(tt.data)); got.name != tt.want {
			t.Errorf("detectInput(%q, %q) = %s, want %s", tt.name, tt.data, got.name, tt.want)
		}
	}
}

func TestDroppedFields(t *testing.T) {
	before := card.Content{
		Summary:         "A model.",
		Glossary:        "  \n",
		Hyperparameters: []card.KeyValue{{Key: "lr", Value: "1e-3"}},
		Environment:     card.EnvironmentalImpact{HoursUsed: "3"},
		Specifics:       map[string]string{"context_length": "8k"},
	}
	after := card.Content{Summary: "A model.", Specifics: map[string]string{}}
	got := droppedFields(&before, &after)
	want := []string{"hyperparameters", "environmental_impact", "specifics"}
	if !slices.Equal(got, want) {
		t.Errorf("droppedFields = %v, want %v", got, want)
	}
	if got := droppedFields(&before, &before); len(got) != 0 {
		t.Errorf("nothing was dropped, got %v", got)
	}
}

func TestGenerateEveryFormat(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCLI(t, "", "generate", "--out", dir, "--format", "hf,mct", "--format", "html,annex-iv,json", "../../examples/nlp.yaml", "../../examples/llm.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, stem := range []string{"nlp", "llm"} {
		for _, f := range outputFormats {
			path := filepath.Join(dir, stem+f.ext)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("%s was not written: %v", path, err)
				continue
			}
			checkOutput(t, f.name, data, map[string]string{"nlp": "Kestrel NER Base", "llm": "Heron Chat 7B"}[stem], "")
		}
	}
	if !strings.Contains(stderr, "generated 10 card files") {
		t.Errorf("stderr does not count 10 files: %s", stderr)
	}
	// One card in several formats cannot go to standard output.
	code, _, stderr = runCLI(t, "", "generate", "--out", "-", "--format", "hf,mct", "../../examples/nlp.yaml")
	if code != exitUsage || !strings.Contains(stderr, "folder") {
		t.Errorf("--out - with two formats: exit %d, stderr %q; want 2", code, stderr)
	}
}

func TestGenerateEval(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "extra.csv")
	if err := os.WriteFile(csv, []byte("task,dataset,split,metric,value\n"+
		"text-classification,acme/reviews,test,accuracy,0.93\n"+
		"text-classification,acme/reviews,test,f1,0.90\n"+
		"text-classification,acme/reviews,test,f1,0.91\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := filepath.Join(dir, "tiny.yaml")
	if err := os.WriteFile(spec, []byte(convertFixtureSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	lmeval := "../../evalimport/testdata/lmeval/results_v04.json"
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI(t, "", "generate", spec, "--out", out, "--eval", lmeval, "--eval", csv)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The CSV's second f1 replaces the first, with a warning.
	if !strings.Contains(stderr, "extra.csv:4") || !strings.Contains(stderr, "warning") {
		t.Errorf("the import's warnings were not printed: %s", stderr)
	}
	c, err := card.Parse(mustRead(t, filepath.Join(out, "tiny.md")))
	if err != nil {
		t.Fatal(err)
	}
	v, ok := c.Meta.Value("model-index")
	if !ok {
		t.Fatal("the card has no model-index")
	}
	_, results, err := card.ModelIndexToEvalResults(v)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, r := range results {
		values[r.DatasetType+" "+r.MetricType+" "+r.MetricConfig] = valueText(r.MetricValue)
	}
	want := map[string]string{
		// The CSV replaces the spec's accuracy and adds an F1 (its last).
		"acme/reviews accuracy ": "0.93",
		"acme/reviews f1 ":       "0.91",
		// lm-evaluation-harness results, with their filters.
		"allenai/ai2_arc acc ":               "0.4121",
		"allenai/ai2_arc acc_norm ":          "0.4437",
		"gsm8k exact_match strict-match":     "0.3351",
		"gsm8k exact_match flexible-extract": "0.3412",
	}
	for k, w := range want {
		if values[k] != w {
			t.Errorf("model-index %s = %q, want %q (all: %v)", k, values[k], w, values)
		}
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing file", []string{"generate", spec, "--out", out, "--force", "--eval", filepath.Join(dir, "nope.json")}, exitUsage, "nope.json"},
		{"unknown format", []string{"generate", spec, "--out", out, "--force", "--eval", spec}, exitFailed, "--eval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}
