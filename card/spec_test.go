package card

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// exampleSpecs returns the paths of examples/*.yaml, failing when there are
// none.
func exampleSpecs(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	if err != nil {
		t.Fatalf("list examples: %v", err)
	}
	if len(paths) == 0 {
		t.Fatalf("no example specs found in ../examples")
	}
	return paths
}

// parseOK parses a spec that must be valid.
func parseOK(t testing.TB, src, name string) *Card {
	t.Helper()
	c, err := ParseSpec([]byte(src), name)
	if err != nil {
		t.Fatalf("ParseSpec(%s): unexpected error:\n%v", name, err)
	}
	if c == nil || c.Meta == nil {
		t.Fatalf("ParseSpec(%s): nil card or metadata", name)
	}
	return c
}

// specErrorOf asserts that err is a *SpecError with problems.
func specErrorOf(t testing.TB, err error) *SpecError {
	t.Helper()
	var se *SpecError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *SpecError", err, err)
	}
	if len(se.Problems) == 0 {
		t.Fatalf("SpecError without problems")
	}
	return se
}

func TestParseSpecExamples(t *testing.T) {
	seen := map[FamilyID]bool{}
	for _, path := range exampleSpecs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			c := parseOK(t, string(data), path)
			want := FamilyID(strings.TrimSuffix(filepath.Base(path), ".yaml"))
			if c.Family != want {
				t.Errorf("family = %q, want %q (the file's name)", c.Family, want)
			}
			seen[c.Family] = true
			if c.Content.ModelID == "" || c.Content.Summary == "" {
				t.Errorf("model_id %q or summary %q empty", c.Content.ModelID, c.Content.Summary)
			}
			if len(c.Content.EvalResults) < 2 {
				t.Errorf("%d eval results, want several", len(c.Content.EvalResults))
			}
			for i, r := range c.Content.EvalResults {
				if r.MetricType == "" || r.MetricValue == nil {
					t.Errorf("eval result %d has no metric: %+v", i, r)
				}
			}
			if len(c.Content.Hyperparameters) < 3 {
				t.Errorf("%d hyperparameters, want several", len(c.Content.Hyperparameters))
			}
			if len(c.Content.Specifics) == 0 {
				t.Errorf("no specifics")
			}
			for k := range c.Content.Specifics {
				if !specFamilyHasField(c.Family, k) {
					t.Errorf("specifics key %q is not a %s field", k, c.Family)
				}
			}
			if c.Meta.String("license") == "" {
				t.Errorf("no license in metadata")
			}
		})
	}
	for _, id := range FamilyIDs() {
		if !seen[id] {
			t.Errorf("no example spec for family %s", id)
		}
	}
}

// TestParseSpecExamplesLeaveFactsOut checks that the examples, taken
// together, leave out facts on purpose, so that rendering them shows
// needs-information markers.
func TestParseSpecExamplesLeaveFactsOut(t *testing.T) {
	incomplete := 0
	for _, path := range exampleSpecs(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c := parseOK(t, string(data), path)
		fam, _ := LookupFamily(c.Family)
		missing := len(fam.Fields) - len(c.Content.Specifics)
		if c.Content.Environment.CarbonEmitted == "" || c.Content.CitationBibTeX == "" || missing > 0 {
			incomplete++
		}
	}
	if incomplete < 3 {
		t.Errorf("only %d examples leave facts out; want at least 3", incomplete)
	}
}

func TestParseSpecMinimalGuideBody(t *testing.T) {
	c := parseOK(t, `{"model_name": "test", "metrics": {"accuracy": 0.95}}`, "body.json")
	if c.Content.ModelID != "test" {
		t.Errorf("ModelID = %q, want test", c.Content.ModelID)
	}
	want := []EvalResult{{MetricType: "accuracy", MetricValue: 0.95}}
	if !reflect.DeepEqual(c.Content.EvalResults, want) {
		t.Errorf("EvalResults = %#v, want %#v", c.Content.EvalResults, want)
	}
	if c.Family != "" {
		t.Errorf("Family = %q, want empty (chosen later)", c.Family)
	}
	if c.Meta.Len() != 0 {
		t.Errorf("metadata keys %v, want none (a metrics mapping is not Hub metadata)", c.Meta.Keys())
	}
}

func TestParseSpecMetricsMapping(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		want   []EvalResult
		family FamilyID
	}{
		{
			name: "task from pipeline tag, order kept",
			src:  "model_id: a/b\npipeline_tag: text-classification\nmetrics:\n  f1: 0.8\n  accuracy: 91\n  precision: \"0.77 ± 0.02\"\n",
			want: []EvalResult{
				{TaskType: "text-classification", MetricType: "f1", MetricValue: 0.8},
				{TaskType: "text-classification", MetricType: "accuracy", MetricValue: 91},
				{TaskType: "text-classification", MetricType: "precision", MetricValue: "0.77 ± 0.02"},
			},
			family: FamilyNLP,
		},
		{
			name: "after eval_results",
			src:  "eval_results:\n  - metric_type: wer\n    metric_value: 3.5\n    dataset_type: x\nmetrics: {cer: 1.5}\n",
			want: []EvalResult{
				{DatasetType: "x", MetricType: "wer", MetricValue: 3.5},
				{MetricType: "cer", MetricValue: 1.5},
			},
		},
		{
			name: "unknown task gives no family",
			src:  "pipeline_tag: something-new\nmetrics: {score: 2}\n",
			want: []EvalResult{{TaskType: "something-new", MetricType: "score", MetricValue: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parseOK(t, tt.src, "spec.yaml")
			if !reflect.DeepEqual(c.Content.EvalResults, tt.want) {
				t.Errorf("EvalResults =\n%#v\nwant\n%#v", c.Content.EvalResults, tt.want)
			}
			if c.Family != tt.family {
				t.Errorf("Family = %q, want %q", c.Family, tt.family)
			}
		})
	}
}

// yamlToOrderedJSON writes a YAML document as JSON with its key order kept.
func yamlToOrderedJSON(t testing.TB, n *yaml.Node, b *bytes.Buffer) {
	t.Helper()
	switch n.Kind {
	case yaml.DocumentNode:
		yamlToOrderedJSON(t, n.Content[0], b)
	case yaml.MappingNode:
		b.WriteString("{")
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(n.Content[i].Value)
			b.Write(k)
			b.WriteString(": ")
			yamlToOrderedJSON(t, n.Content[i+1], b)
		}
		b.WriteString("}")
	case yaml.SequenceNode:
		b.WriteString("[")
		for i, item := range n.Content {
			if i > 0 {
				b.WriteString(", ")
			}
			yamlToOrderedJSON(t, item, b)
		}
		b.WriteString("]")
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int", "!!float", "!!bool", "!!null":
			if !json.Valid([]byte(n.Value)) {
				t.Fatalf("scalar %q is not a JSON literal", n.Value)
			}
			b.WriteString(n.Value)
		default:
			s, _ := json.Marshal(n.Value)
			b.Write(s)
		}
	default:
		t.Fatalf("unexpected YAML node kind %v", n.Kind)
	}
}

func TestParseSpecJSONAndYAMLGiveEqualCards(t *testing.T) {
	srcs := map[string]string{}
	for _, path := range exampleSpecs(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		srcs[filepath.Base(path)] = string(data)
	}
	srcs["hand-written"] = "model_id: a/b\nversion: 1.10\nhyperparameters: {lr: 2.0e-5, fp16: true}\nlanguage: no\nmetrics: {accuracy: 0.9}\n"
	for name, src := range srcs {
		t.Run(name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
				t.Fatal(err)
			}
			var js bytes.Buffer
			yamlToOrderedJSON(t, &doc, &js)
			fromYAML := parseOK(t, src, name+".yaml")
			fromJSON := parseOK(t, js.String(), name+".json")
			if !reflect.DeepEqual(fromYAML.Content, fromJSON.Content) {
				t.Errorf("contents differ:\nYAML %+v\nJSON %+v", fromYAML.Content, fromJSON.Content)
			}
			if fromYAML.Family != fromJSON.Family {
				t.Errorf("families differ: %q and %q", fromYAML.Family, fromJSON.Family)
			}
			ya, err := fromYAML.Meta.Encode()
			if err != nil {
				t.Fatal(err)
			}
			ja, err := fromJSON.Meta.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if ya != ja {
				t.Errorf("metadata differ:\nYAML:\n%s\nJSON:\n%s", ya, ja)
			}
		})
	}
	// The hand-written spec keeps what was written.
	c := parseOK(t, srcs["hand-written"], "h.yaml")
	if c.Content.Version != "1.10" {
		t.Errorf("version = %q, want 1.10 as written", c.Content.Version)
	}
}

// wantProblem is the expected place and kind of one problem.
type wantProblem struct {
	line, col int
	field     string
	code      string
	// in are substrings expected in the message or the fix.
	in []string
}

func TestParseSpecProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []wantProblem
	}{
		{"number for a list", "model_id: a/b\ntags: 5\n",
			[]wantProblem{{2, 7, "tags", "spec.type", []string{"must be a list", "number 5"}}}},
		{"mapping for eval_results", "model_id: a/b\neval_results: {}\n",
			[]wantProblem{{2, 15, "eval_results", "spec.type", []string{"a list", "a mapping"}}}},
		{"misspelt key", "model_id: a/b\nlicence: mit\n",
			[]wantProblem{{2, 1, "licence", "spec.unknown-key", []string{`did you mean "license"`}}}},
		{"unknown key without a close match", "zzz_custom: 1\n",
			[]wantProblem{{1, 1, "zzz_custom", "spec.unknown-key", []string{"metadata:"}}}},
		{"family field at top level", "family: llm\nprompt_format: x\n",
			[]wantProblem{{2, 1, "prompt_format", "spec.unknown-key", []string{"specifics:"}}}},
		{"model-index at top level", "model-index: []\n",
			[]wantProblem{{1, 1, "model-index", "spec.unknown-key", []string{"eval_results"}}}},
		{"misspelt key in an eval result",
			"eval_results:\n  - metric_type: accuracy\n    metric_value: 0.5\n  - metric_type: f1\n    metric_vaule: 0.4\n",
			[]wantProblem{
				{4, 5, "eval_results[1].metric_value", "spec.required", []string{"metric_value"}},
				{5, 5, "eval_results[1].metric_vaule", "spec.unknown-key", []string{`did you mean "metric_value"`}},
			}},
		{"wrong metric value type",
			"eval_results:\n  - metric_type: accuracy\n    metric_value: [1]\n  - metric_type: f1\n    metric_value: 0.4\n  - metric_type: f1\n    metric_value: true\n",
			[]wantProblem{
				{3, 19, "eval_results[0].metric_value", "spec.type", []string{"a number or text", "a list"}},
				{7, 19, "eval_results[2].metric_value", "spec.type", []string{"boolean true"}},
			}},
		{"bad family", "model_id: a/b\nfamily: visoin\n",
			[]wantProblem{{2, 9, "family", "spec.family", []string{`did you mean "vision"`, "llm, nlp"}}}},
		{"specifics key not in the given family", "family: llm\nspecifics:\n  context_length: 4096\n  input_resolution: 224\n",
			[]wantProblem{{4, 3, "specifics.input_resolution", "spec.specifics-key", []string{"llm family", "prompt_format, context_length", "vision"}}}},
		{"specifics key not in the family of the pipeline tag", "pipeline_tag: image-classification\nspecifics:\n  prompt_format: x\n",
			[]wantProblem{{3, 3, "specifics.prompt_format", "spec.specifics-key", []string{"vision family", "pipeline_tag", "input_resolution"}}}},
		{"specifics key of no family", "specifics:\n  colour: blue\n",
			[]wantProblem{{2, 3, "specifics.colour", "spec.specifics-key", []string{"any template family"}}}},
		{"misspelt specifics key", "family: audio\nspecifics:\n  sample_rate: 16 kHz\n",
			[]wantProblem{{3, 3, "specifics.sample_rate", "spec.specifics-key", []string{`did you mean "sampling_rate"`}}}},
		{"duplicate key", "model_id: a/b\nsummary: x\nmodel_id: c/d\n",
			[]wantProblem{{3, 1, "", "spec.duplicate-key", []string{"first on line 1"}}}},
		{"duplicate key in a large mapping", "metadata:\n" + manyKeys(20) + "  k3: again\n",
			[]wantProblem{{22, 3, "", "spec.duplicate-key", []string{"first on line 5"}}}},
		{"both model names", "model_id: a/b\nmodel_name: c\n",
			[]wantProblem{{2, 1, "model_name", "spec.conflict", []string{"model_id"}}}},
		{"hub key under metadata", "license: mit\nmetadata:\n  thumbnail: x.png\n  license: mit\n",
			[]wantProblem{{4, 3, "metadata.license", "spec.conflict", []string{"top level"}}}},
		{"hyperparameter entry without value", "hyperparameters:\n  - key: lr\n    value: 0.1\n  - key: seed\n",
			[]wantProblem{{4, 5, "hyperparameters[1].value", "spec.required", []string{"add `value:`"}}}},
		{"nested hyperparameter value", "hyperparameters:\n  lr: 0.1\n  schedule: {name: cosine}\n",
			[]wantProblem{{3, 13, "hyperparameters.schedule", "spec.type", []string{"single value", "a mapping"}}}},
		{"unknown environmental key", "environmental_impact:\n  hardware: 8 GPUs\n",
			[]wantProblem{{2, 3, "environmental_impact.hardware", "spec.unknown-key", []string{"hardware_type"}}}},
		{"language number", "language: [en, 7]\n",
			[]wantProblem{{1, 16, "language[1]", "spec.type", []string{"text", "number 7"}}}},
		{"language mapping", "language: {en: 1}\n",
			[]wantProblem{{1, 11, "language", "spec.type", []string{"text or a list of text"}}}},
		{"metrics mapping value", "metrics:\n  accuracy: [0.9]\n",
			[]wantProblem{{2, 13, "metrics.accuracy", "spec.type", []string{"a number or text"}}}},
		{"metrics list of numbers", "metrics: [0.9]\n",
			[]wantProblem{{1, 11, "metrics[0]", "spec.type", []string{"text"}}}},
		{"not a number", "eval_results:\n  - metric_type: acc\n    metric_value: .nan\n",
			[]wantProblem{{3, 19, "eval_results[0].metric_value", "spec.value", []string{"finite"}}}},
		{"overflowing JSON number", "{\"eval_results\": [{\"metric_type\": \"f1\", \"metric_value\": 1e400}]}",
			[]wantProblem{{1, 57, "eval_results[0].metric_value", "spec.value", []string{"finite"}}}},
		{"infinite value in the metrics mapping", "metrics: {m: -.inf}\n",
			[]wantProblem{{1, 14, "metrics.m", "spec.value", []string{"-.inf"}}}},
		{"merge of a number", "metadata:\n  a: {<<: 5}\n",
			[]wantProblem{{2, 11, "", "spec.merge", nil}}},
		{"merge of a list holding a number", "metadata:\n  x: &x {k: 1}\n  a: {<<: [*x, 3]}\n",
			[]wantProblem{{3, 11, "", "spec.merge", nil}}},
		{"text field as list", "summary:\n  - a\n",
			[]wantProblem{{2, 3, "summary", "spec.type", []string{"must be text"}}}},
		{"odd key in metadata path", "metadata: {x: 1}\nspecifics: {\"a b\": 1}\n",
			[]wantProblem{{2, 13, `specifics["a b"]`, "spec.specifics-key", nil}}},
		{"yaml syntax", "model_id: a/b\nsummary: [unclosed\n",
			[]wantProblem{{0, 0, "", "spec.syntax", []string{"not valid YAML"}}}},
		{"two documents", "model_id: a/b\n---\nmodel_id: c/d\n",
			[]wantProblem{{2, 0, "", "spec.multi-document", []string{"NDJSON"}}}},
		{"a list", "- a\n- b\n", []wantProblem{{1, 1, "", "spec.type", []string{"mapping"}}}},
		{"empty", "  \n# just a comment\n", []wantProblem{{1, 0, "", "spec.empty", nil}}},
		{"null document", "~\n", []wantProblem{{1, 0, "", "spec.empty", nil}}},
		{"complex key", "? [a, b]\n: 1\n", []wantProblem{{1, 3, "", "spec.key", nil}}},
		{"json trailing comma", "{\"model_id\": \"a/b\",\n \"tags\": [\"x\",]\n}\n",
			[]wantProblem{{2, 15, "", "spec.syntax", []string{"not valid JSON"}}}},
		{"json unknown key", "{\n  \"model_id\": \"a/b\",\n  \"licence\": \"mit\"\n}\n",
			[]wantProblem{{3, 3, "licence", "spec.unknown-key", []string{`"license"`}}}},
		{"json wrong type", "{\"model_id\": \"a/b\", \"tags\": 5}",
			[]wantProblem{{1, 29, "tags", "spec.type", nil}}},
		{"json duplicate key", "{\"model_id\": \"a\",\n\"model_id\": \"b\"}",
			[]wantProblem{{2, 1, "", "spec.duplicate-key", nil}}},
		{"json trailing text", "{\"model_id\": \"a\"} {}",
			[]wantProblem{{1, 19, "", "spec.syntax", []string{"more text"}}}},
		{"json truncated", "{\"model_id\": \"a\",",
			[]wantProblem{{1, 18, "", "spec.syntax", []string{"not valid JSON"}}}},
		{"too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100),
			[]wantProblem{{1, 0, "", "spec.too-deep", nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseSpec([]byte(tt.src), "spec.yaml")
			if err == nil {
				t.Fatalf("no error; card %+v", c.Content)
			}
			if c != nil {
				t.Errorf("a card was returned along with the error")
			}
			se := specErrorOf(t, err)
			if len(se.Problems) != len(tt.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(se.Problems), len(tt.want), err)
			}
			for i, w := range tt.want {
				p := se.Problems[i]
				if p.File != "spec.yaml" || p.Severity != SeverityError || p.Message == "" {
					t.Errorf("problem %d: file %q severity %q message %q", i, p.File, p.Severity, p.Message)
				}
				if w.line > 0 && p.Line != w.line {
					t.Errorf("problem %d: line %d, want %d (%v)", i, p.Line, w.line, p)
				}
				if w.col > 0 && p.Column != w.col {
					t.Errorf("problem %d: column %d, want %d (%v)", i, p.Column, w.col, p)
				}
				if w.field != "" && p.Field != w.field {
					t.Errorf("problem %d: field %q, want %q (%v)", i, p.Field, w.field, p)
				}
				if p.Code != w.code {
					t.Errorf("problem %d: code %q, want %q (%v)", i, p.Code, w.code, p)
				}
				for _, s := range w.in {
					if !strings.Contains(p.Message+" | "+p.Fix, s) {
						t.Errorf("problem %d: %q not in message or fix: %v", i, s, p)
					}
				}
			}
		})
	}
}

func TestParseSpecReportsEveryProblem(t *testing.T) {
	src := strings.Join([]string{
		"model_id: a/b",             // 1
		"licence: mit",              // 2
		"tags: 5",                   // 3
		"family: visoin",            // 4
		"eval_results:",             // 5
		"  - metric_type: f1",       // 6
		"    metric_value: x",       // 7
		"    dataset_nmae: squad",   // 8
		"environmental_impact: 3",   // 9
		"metadata:",                 // 10
		"  language: [en]",          // 11
		"  model-index: []",         // 12
		"model_name: b",             // 13
		"hyperparameters: [1, 2]",   // 14
		"specifics: {unknown: 1}",   // 15
		"version: [1]",              // 16
		"summary: fine",             // 17
		"description: fine as well", // 18
	}, "\n") + "\n"
	_, err := ParseSpec([]byte(src), "multi.yaml")
	se := specErrorOf(t, err)
	var lines []int
	for _, p := range se.Problems {
		lines = append(lines, p.Line)
	}
	want := []int{2, 3, 4, 8, 9, 11, 12, 13, 14, 14, 15, 16}
	if !slices.Equal(lines, want) {
		t.Errorf("problem lines %v, want %v:\n%v", lines, want, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "multi.yaml:2:1: error: licence:") {
		t.Errorf("Error() does not name file, line and column:\n%s", msg)
	}
}

func TestParseSpecNorwegianStaysText(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"language: no\n", []string{"no"}},
		{"language: [no, nn, en]\n", []string{"no", "nn", "en"}},
		{"{\"language\": \"no\"}", []string{"no"}},
	}
	for _, tt := range tests {
		c := parseOK(t, tt.src, "spec.yaml")
		if got := c.Meta.Strings("language"); !slices.Equal(got, tt.want) {
			t.Errorf("%q: language = %v, want %v", tt.src, got, tt.want)
		}
		enc, err := c.Meta.Encode()
		if err != nil {
			t.Fatal(err)
		}
		// Written out, "no" must be quoted so that YAML 1.1 readers (the
		// Hub's) do not read it as false.
		if strings.Contains(enc, " no\n") || strings.HasSuffix(enc, " no") {
			t.Errorf("%q: encoded metadata leaves no unquoted:\n%s", tt.src, enc)
		}
	}
	// Also in free text and dataset configs.
	c := parseOK(t, "summary: no\neval_results:\n  - metric_type: f1\n    metric_value: 1\n    dataset_config: no\n", "s.yaml")
	if c.Content.Summary != "no" || c.Content.EvalResults[0].DatasetConfig != "no" {
		t.Errorf("summary %q, dataset_config %q: want \"no\"", c.Content.Summary, c.Content.EvalResults[0].DatasetConfig)
	}
}

func TestParseSpecMetadataOrder(t *testing.T) {
	src := `base_model: [org/a, org/b]
metadata:
  thumbnail: t.png
  widget:
    - text: hello
      example_title: zeta
  co2_eq_emissions: {emissions: 12, source: estimate}
tags: [x, y]
license: other
pipeline_tag: text-classification
license_link: LICENSE.md
datasets: [d1]
metrics: [f1, accuracy]
library_name: transformers
license_name: acme-1.0
language: [en]
summary: hello
`
	c := parseOK(t, src, "spec.yaml")
	wantKeys := []string{"language", "license", "license_name", "license_link", "library_name", "pipeline_tag",
		"tags", "datasets", "metrics", "base_model", "thumbnail", "widget", "co2_eq_emissions"}
	if got := c.Meta.Keys(); !slices.Equal(got, wantKeys) {
		t.Errorf("metadata keys %v, want %v", got, wantKeys)
	}
	if got := c.Meta.Strings("metrics"); !slices.Equal(got, []string{"f1", "accuracy"}) {
		t.Errorf("metrics = %v", got)
	}
	if got := c.Meta.Strings("base_model"); !slices.Equal(got, []string{"org/a", "org/b"}) {
		t.Errorf("base_model = %v", got)
	}
	if len(c.Content.EvalResults) != 0 {
		t.Errorf("a metrics list made eval results: %+v", c.Content.EvalResults)
	}
	enc, err := c.Meta.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// Nested passthrough keeps its order (text before example_title,
	// emissions before source) and uses block style.
	for _, want := range []string{"widget:\n  - text: hello\n    example_title: zeta", "co2_eq_emissions:\n  emissions: 12\n  source: estimate"} {
		if !strings.Contains(enc, want) {
			t.Errorf("encoded metadata lacks %q:\n%s", want, enc)
		}
	}
	if c.Family != FamilyNLP {
		t.Errorf("family %q, want nlp from the pipeline tag", c.Family)
	}
}

func TestParseSpecEmptyHubValuesLeftOut(t *testing.T) {
	c := parseOK(t, "license:\nlanguage: \"\"\ntags: []\ndatasets:\nmetadata: {}\nmodel_id: a/b\n", "spec.yaml")
	if n := c.Meta.Len(); n != 0 {
		t.Errorf("metadata keys %v, want none", c.Meta.Keys())
	}
}

func TestParseSpecContentFields(t *testing.T) {
	src := `model_id: org/m
pretty_name: M
developed_by: team
version: 2.50
hyperparameters:
  learning_rate: 2.0e-5
  fp16: true
  scheduler: cosine
  seed: 0x10
environmental_impact:
  hardware_type: 8x A100
  hours_used: 12
specifics:
  prompt_format: "<s>"
  context_length:
family: llm
eval_results:
  - task_type: text-generation
    dataset_type: d
    dataset_name: D
    dataset_config: c
    dataset_split: test
    dataset_args: {subset: a}
    metric_type: accuracy
    metric_value: 71
    metric_args: {k: 5}
    verified: false
    source_url: https://example.org
`
	c := parseOK(t, src, "spec.yaml")
	want := Content{
		ModelID:     "org/m",
		PrettyName:  "M",
		DevelopedBy: "team",
		Version:     "2.50",
		Hyperparameters: []KeyValue{
			{"learning_rate", "2.0e-5"}, {"fp16", "true"}, {"scheduler", "cosine"}, {"seed", "0x10"},
		},
		Environment: EnvironmentalImpact{HardwareType: "8x A100", HoursUsed: "12"},
		Specifics:   map[string]string{"prompt_format": "<s>"},
		EvalResults: []EvalResult{{
			TaskType: "text-generation", DatasetType: "d", DatasetName: "D", DatasetConfig: "c", DatasetSplit: "test",
			DatasetArgs: map[string]any{"subset": "a"}, MetricType: "accuracy", MetricValue: 71,
			MetricArgs: map[string]any{"k": 5}, Verified: new(bool), SourceURL: "https://example.org",
		}},
	}
	if !reflect.DeepEqual(c.Content, want) {
		t.Errorf("content =\n%+v\nwant\n%+v", c.Content, want)
	}
	if c.Family != FamilyLLM {
		t.Errorf("family %q", c.Family)
	}
	// List form of hyperparameters gives the same pairs.
	c2 := parseOK(t, "hyperparameters:\n  - {key: learning_rate, value: 2.0e-5}\n  - {key: fp16, value: true}\n  - {key: scheduler, value: cosine}\n  - {key: seed, value: 0x10}\n", "l.yaml")
	if !reflect.DeepEqual(c2.Content.Hyperparameters, want.Hyperparameters) {
		t.Errorf("list form: %+v", c2.Content.Hyperparameters)
	}
}

// TestParseSpecEveryContentTextField sets every string field of Content by
// its json name and checks that it lands in the right field.
func TestParseSpecEveryContentTextField(t *testing.T) {
	var b strings.Builder
	ct := reflect.TypeOf(Content{})
	var names []string
	for i := 0; i < ct.NumField(); i++ {
		f := ct.Field(i)
		if f.Type.Kind() != reflect.String {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		names = append(names, name)
		fmt.Fprintf(&b, "%s: value of %s\n", name, name)
	}
	c := parseOK(t, b.String(), "all.yaml")
	cv := reflect.ValueOf(c.Content)
	for i, j := 0, 0; i < ct.NumField(); i++ {
		if ct.Field(i).Type.Kind() != reflect.String {
			continue
		}
		if got, want := cv.Field(i).String(), "value of "+names[j]; got != want {
			t.Errorf("%s = %q, want %q", ct.Field(i).Name, got, want)
		}
		j++
	}
}

// manyKeys returns n mapping entries "  kI: vI", one per line.
func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  k%d: v%d\n", i, i)
	}
	return b.String()
}

func TestParseSpecAliasesAndMerges(t *testing.T) {
	src := `eval_results:
  - &base
    task_type: translation
    dataset_type: wmt/wmt14
    dataset_name: WMT14
    metric_type: sacrebleu
    metric_value: 30.1
  - <<: *base
    metric_type: chrf
    metric_value: 55.0
metadata:
  a: &shared {x: 1, y: [1, 2]}
  b: *shared
`
	c := parseOK(t, src, "spec.yaml")
	if len(c.Content.EvalResults) != 2 {
		t.Fatalf("%d results", len(c.Content.EvalResults))
	}
	r := c.Content.EvalResults[1]
	if r.TaskType != "translation" || r.DatasetType != "wmt/wmt14" || r.MetricType != "chrf" || r.MetricValue != 55.0 {
		t.Errorf("merged result %+v", r)
	}
	a, _ := c.Meta.Value("a")
	b, _ := c.Meta.Value("b")
	if !reflect.DeepEqual(a, b) || a == nil {
		t.Errorf("alias value %v differs from anchor %v", b, a)
	}
	// A large mapping (its own keys found with a map) merged into, and
	// setting some of the merged keys itself.
	big := parseOK(t, "metadata:\n  base: &b\n"+strings.ReplaceAll(manyKeys(20), "  k", "    k")+
		"  big:\n    <<: *b\n"+strings.ReplaceAll(manyKeys(18), "  k", "    j")+"    k5: mine\n    extra: yes\n", "spec.yaml")
	got, _ := big.Meta.Value("big")
	m, ok := got.(map[string]any)
	if !ok || len(m) != 39 || m["k5"] != "mine" || m["k19"] != "v19" || m["j3"] != "v3" {
		t.Errorf("merged large mapping = %v", got)
	}
}

func TestParseSpecAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("metadata:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "  l%d: &l%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	_, err := ParseSpec([]byte(b.String()), "bomb.yaml")
	se := specErrorOf(t, err)
	if se.Problems[0].Code != "spec.too-large" {
		t.Errorf("problem %v, want spec.too-large", se.Problems[0])
	}
}

// TestParseSpecLongTextAliases checks that a long text repeated through
// aliases counts for its length: 600 copies of 100 KB are refused, while
// a few copies are read.
func TestParseSpecLongTextAliases(t *testing.T) {
	text := strings.Repeat("z", 100_000)
	many := "model_id: org/m\npretty_name: &a \"" + text + "\"\ntags: [" + strings.Repeat("*a, ", 299) + "*a]\ndatasets: [" + strings.Repeat("*a, ", 299) + "*a]\n"
	_, err := ParseSpec([]byte(many), "long.yaml")
	se := specErrorOf(t, err)
	if p := se.Problems[0]; p.Code != "spec.too-large" || !strings.Contains(p.Message, "one more for each 64 bytes") {
		t.Errorf("problem %v, want spec.too-large saying how text counts", p)
	}
	few := "model_id: org/m\npretty_name: &a \"" + text + "\"\nsummary: *a\n"
	c, err := ParseSpec([]byte(few), "few.yaml")
	if err != nil {
		t.Fatalf("a text used twice: %v", err)
	}
	if len(c.Content.Summary) != len(text) {
		t.Errorf("summary of %d bytes, want %d", len(c.Content.Summary), len(text))
	}
}

func TestParseSpecInputLimits(t *testing.T) {
	big := bytes.Repeat([]byte("#"), MaxSpecSize+1)
	tests := []struct {
		name      string
		data      []byte
		cause     error
		line, col int
	}{
		{"too large", big, ErrSpecTooLarge, 0, 0},
		{"NUL byte", []byte("model_id: a\nsummary: b\x00c\n"), ErrSpecBinary, 2, 11},
		{"invalid UTF-8", []byte("model_id: a\nsummary: caf\xe9\n"), ErrSpecEncoding, 2, 13},
		{"invalid UTF-8 in JSON", []byte("{\"model_id\": \"\xff\"}"), ErrSpecEncoding, 1, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSpec(tt.data, "in.yaml")
			if !errors.Is(err, tt.cause) {
				t.Fatalf("error %v, want %v", err, tt.cause)
			}
			se := specErrorOf(t, err)
			p := se.Problems[0]
			if p.Line != tt.line || p.Column != tt.col {
				t.Errorf("place %d:%d, want %d:%d", p.Line, p.Column, tt.line, tt.col)
			}
			if p.Fix == "" {
				t.Errorf("no fix given: %v", p)
			}
		})
	}
	// Exactly at the limit is accepted (a comment-only file is then empty,
	// which is a different problem).
	atLimit := append([]byte("model_id: a\n"), bytes.Repeat([]byte("#"), MaxSpecSize-12)...)
	if _, err := ParseSpec(atLimit, "limit.yaml"); err != nil {
		t.Errorf("spec of exactly MaxSpecSize bytes refused: %v", err)
	}
	// A byte order mark is skipped, for YAML and JSON.
	for _, src := range []string{"\xef\xbb\xbfmodel_id: a\n", "\xef\xbb\xbf{\"model_id\": \"a\"}"} {
		c := parseOK(t, src, "bom")
		if c.Content.ModelID != "a" {
			t.Errorf("%q: model_id %q", src, c.Content.ModelID)
		}
	}
}

func TestParseSpecJSONEscapes(t *testing.T) {
	c := parseOK(t, `{"model_id": "org\/m", "summary": "caf\u00e9 \ud83d\ude00 \"q\"\n"}`, "e.json")
	if c.Content.ModelID != "org/m" || c.Content.Summary != "café 😀 \"q\"\n" {
		t.Errorf("model_id %q summary %q", c.Content.ModelID, c.Content.Summary)
	}
}

// streamResult is what one ParseSpecStream callback saw.
type streamResult struct {
	line  int
	model string
	err   error
}

func collectStream(t *testing.T, input string) []streamResult {
	t.Helper()
	var got []streamResult
	err := ParseSpecStream(strings.NewReader(input), "specs.ndjson", func(line int, c *Card, err error) error {
		r := streamResult{line: line, err: err}
		if c != nil {
			r.model = c.Content.ModelID
		}
		got = append(got, r)
		return nil
	})
	if err != nil {
		t.Fatalf("ParseSpecStream: %v", err)
	}
	return got
}

func TestParseSpecStream(t *testing.T) {
	input := `{"model_name": "m1", "metrics": {"accuracy": 0.9}}
{"model_id": "m2"}

{"model_id": "m3", "tags": 5}
not json: at all
{"model_id": "m6"}`
	got := collectStream(t, input)
	wantLines := []int{1, 2, 4, 5, 6}
	if len(got) != len(wantLines) {
		t.Fatalf("%d callbacks, want %d: %+v", len(got), len(wantLines), got)
	}
	for i, r := range got {
		if r.line != wantLines[i] {
			t.Errorf("callback %d: line %d, want %d", i, r.line, wantLines[i])
		}
	}
	for _, i := range []int{0, 1, 4} {
		if got[i].err != nil || got[i].model == "" {
			t.Errorf("line %d: %+v, want a card", got[i].line, got[i])
		}
	}
	for _, i := range []int{2, 3} {
		se := specErrorOf(t, got[i].err)
		for _, p := range se.Problems {
			if p.Line != got[i].line || p.File != "specs.ndjson" {
				t.Errorf("line %d: problem at %s:%d", got[i].line, p.File, p.Line)
			}
		}
	}
	// The type problem keeps its column on the line.
	if p := specErrorOf(t, got[2].err).Problems[0]; p.Column != 28 || p.Field != "tags" {
		t.Errorf("problem %v, want column 28 of field tags", p)
	}
	// CRLF line ends.
	crlf := collectStream(t, "{\"model_id\": \"a\"}\r\n{\"model_id\": \"b\"}\r\n")
	if len(crlf) != 2 || crlf[0].model != "a" || crlf[1].model != "b" {
		t.Errorf("CRLF stream: %+v", crlf)
	}
}

func TestParseSpecStreamLongLine(t *testing.T) {
	long := "{\"summary\": \"" + strings.Repeat("x", MaxSpecSize) + "\"}"
	got := collectStream(t, "{\"model_id\": \"a\"}\n"+long+"\n{\"model_id\": \"c\"}\n")
	if len(got) != 3 {
		t.Fatalf("%d callbacks: want 3", len(got))
	}
	if !errors.Is(got[1].err, ErrSpecTooLarge) || got[1].line != 2 {
		t.Errorf("long line: %+v", got[1])
	}
	if got[2].model != "c" || got[2].line != 3 {
		t.Errorf("line after the long one: %+v", got[2])
	}
}

func TestParseSpecStreamStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := ParseSpecStream(strings.NewReader("{\"model_id\": \"a\"}\n{\"model_id\": \"b\"}\n"), "s", func(int, *Card, error) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("err %v after %d calls; want stop after 1", err, calls)
	}
}

type failingReader struct{ data string }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestParseSpecStreamReadError(t *testing.T) {
	var lines []int
	err := ParseSpecStream(&failingReader{data: "{\"model_id\": \"a\"}\n{\"mod"}, "s", func(line int, _ *Card, _ error) error {
		lines = append(lines, line)
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v, want the read error at line 2", err)
	}
	if !slices.Equal(lines, []int{1}) {
		t.Errorf("lines delivered %v, want [1]", lines)
	}
}

func TestParseSpecs(t *testing.T) {
	cards, err := ParseSpecs(strings.NewReader("{\"model_id\": \"a\"}\n{\"family\": \"x\"}\n{\"model_id\": \"c\"}\n"), "s.ndjson")
	if len(cards) != 2 || cards[0].Content.ModelID != "a" || cards[1].Content.ModelID != "c" {
		t.Errorf("cards %v", cards)
	}
	se := specErrorOf(t, err)
	if se.Problems[0].Line != 2 || se.Problems[0].Code != "spec.family" {
		t.Errorf("problem %v", se.Problems[0])
	}
	if cards, err := ParseSpecs(strings.NewReader(""), "empty"); err != nil || len(cards) != 0 {
		t.Errorf("empty stream: %v %v", cards, err)
	}
}

// schemaDoc decodes the embedded schema.
func schemaDoc(t testing.TB) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(SpecSchema(), &doc); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	return doc
}

func TestSpecSchemaCompiles(t *testing.T) {
	if _, err := loadSpecSchema(); err != nil {
		t.Fatal(err)
	}
	doc := schemaDoc(t)
	if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", doc["$schema"])
	}
	if doc["additionalProperties"] != false {
		t.Errorf("top level allows unknown keys")
	}
	// SpecSchema hands out a copy.
	s := SpecSchema()
	s[0] = 'X'
	if SpecSchema()[0] != '{' {
		t.Errorf("SpecSchema returns the embedded bytes themselves")
	}
}

// TestSpecSchemaMatchesContent keeps the schema and the Content type in step.
func TestSpecSchemaMatchesContent(t *testing.T) {
	doc := schemaDoc(t)
	props := doc["properties"].(map[string]any)
	want := map[string]bool{}
	ct := reflect.TypeOf(Content{})
	for i := 0; i < ct.NumField(); i++ {
		name, _, _ := strings.Cut(ct.Field(i).Tag.Get("json"), ",")
		want[name] = true
	}
	for _, k := range append([]string{"family", "model_name", "metadata"}, specHubMetaKeys...) {
		want[k] = true
	}
	for k := range want {
		if _, ok := props[k]; !ok {
			t.Errorf("schema has no property %q", k)
		}
	}
	for k := range props {
		if !want[k] {
			t.Errorf("schema property %q is neither a Content field nor a spec key", k)
		}
	}
	env := doc["$defs"].(map[string]any)["environmental_impact"].(map[string]any)["properties"].(map[string]any)
	et := reflect.TypeOf(EnvironmentalImpact{})
	if len(env) != et.NumField() {
		t.Errorf("environmental_impact has %d properties, the type %d fields", len(env), et.NumField())
	}
	for i := 0; i < et.NumField(); i++ {
		name, _, _ := strings.Cut(et.Field(i).Tag.Get("json"), ",")
		if _, ok := env[name]; !ok {
			t.Errorf("environmental_impact lacks %q", name)
		}
	}
	ev := doc["$defs"].(map[string]any)["eval_result"].(map[string]any)["properties"].(map[string]any)
	rt := reflect.TypeOf(EvalResult{})
	if len(ev) != rt.NumField() {
		t.Errorf("eval_result has %d properties, EvalResult %d fields", len(ev), rt.NumField())
	}
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if _, ok := ev[name]; !ok {
			t.Errorf("eval_result lacks %q", name)
		}
	}
}

// TestSpecSchemaMatchesFamilies keeps the schema and the family table in
// step.
func TestSpecSchemaMatchesFamilies(t *testing.T) {
	doc := schemaDoc(t)
	enum := doc["properties"].(map[string]any)["family"].(map[string]any)["enum"].([]any)
	var got []string
	for _, e := range enum {
		got = append(got, e.(string))
	}
	var want []string
	for _, id := range FamilyIDs() {
		want = append(want, string(id))
	}
	if !slices.Equal(got, want) {
		t.Errorf("family enum %v, want %v", got, want)
	}
	defs := doc["$defs"].(map[string]any)
	// The family rules sit behind one guard, so that a spec without both
	// family and specifics (to which no rule can apply) skips them.
	guard, _ := json.Marshal(doc["if"])
	if string(guard) != `{"required":["family","specifics"]}` {
		t.Errorf("schema guard of the family rules is %s", guard)
	}
	allOf, _ := doc["then"].(map[string]any)["allOf"].([]any)
	if len(allOf) != len(want) {
		t.Errorf("%d conditional specifics rules, want %d", len(allOf), len(want))
	}
	for i, f := range Families() {
		def, ok := defs["specifics_"+string(f.ID)].(map[string]any)
		if !ok {
			t.Errorf("no $defs/specifics_%s", f.ID)
			continue
		}
		props := def["properties"].(map[string]any)
		if len(props) != len(f.Fields) {
			t.Errorf("%s: %d specifics properties, family has %d fields", f.ID, len(props), len(f.Fields))
		}
		for _, fld := range f.Fields {
			p, ok := props[fld.Key].(map[string]any)
			if !ok {
				t.Errorf("%s: schema lacks specifics key %q", f.ID, fld.Key)
				continue
			}
			if p["description"] != fld.Guidance {
				t.Errorf("%s.%s: description %q differs from the family's guidance %q", f.ID, fld.Key, p["description"], fld.Guidance)
			}
		}
		if i < len(allOf) {
			rule, _ := json.Marshal(allOf[i])
			if !strings.Contains(string(rule), strconv.Quote(string(f.ID))) || !strings.Contains(string(rule), "specifics_"+string(f.ID)) {
				t.Errorf("allOf[%d] = %s, want the rule for %s", i, rule, f.ID)
			}
		}
	}
}

// TestSpecSchemaDescribesEveryProperty checks that the schema documents
// every property it defines.
func TestSpecSchemaDescribesEveryProperty(t *testing.T) {
	var walk func(path string, v any)
	count := 0
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok {
				for name, p := range props {
					pm, _ := p.(map[string]any)
					if d, _ := pm["description"].(string); len(strings.TrimSpace(d)) < 10 {
						t.Errorf("%s/properties/%s has no real description", path, name)
					}
					count++
				}
			}
			for k, c := range x {
				if k == "allOf" || k == "if" || k == "then" {
					// Conditions, not documentation.
					continue
				}
				walk(path+"/"+k, c)
			}
		case []any:
			for i, c := range x {
				walk(fmt.Sprintf("%s/%d", path, i), c)
			}
		}
	}
	walk("#", schemaDoc(t))
	if count < 80 {
		t.Errorf("only %d properties found; the walk is broken", count)
	}
}

func TestSpecSuggest(t *testing.T) {
	allowed := []string{"license", "license_name", "model_id", "model_name", "eval_results", "pipeline_tag", "hyperparameters"}
	tests := []struct{ word, want string }{
		{"licence", "license"},
		{"License", "license"},
		{"modelid", "model_id"},
		{"eval-results", "eval_results"},
		{"eval_result", "eval_results"},
		{"pipline_tag", "pipeline_tag"},
		{"hyperparamters", "hyperparameters"},
		{"colour", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		if got := specSuggest(tt.word, allowed); got != tt.want {
			t.Errorf("specSuggest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestParseSpecNumbers(t *testing.T) {
	tests := []struct {
		src  string
		want any
	}{
		{"1e-5", 1e-5},
		{"42", 42},
		{"-3.5", -3.5},
		{"0x1F", 31},
		{"1_000", 1000},
		{".5", 0.5},
		{"\"12\"", "12"},
		{"99999999999999999999", 1e20},
	}
	for _, tt := range tests {
		c := parseOK(t, "metrics: {m: "+tt.src+"}\n", "n.yaml")
		got := c.Content.EvalResults[0].MetricValue
		if f, ok := tt.want.(float64); ok {
			g, isF := got.(float64)
			if !isF || math.Abs(g-f) > 1e-9*math.Abs(f) {
				t.Errorf("%s: value %#v, want %v", tt.src, got, f)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("%s: value %#v, want %#v", tt.src, got, tt.want)
		}
	}
}

// TestSpecFamilySpecificsRules checks the schema's family rules behind
// their guard: a key of another family's specifics is refused only when
// the spec names the family.
func TestSpecFamilySpecificsRules(t *testing.T) {
	tests := []struct {
		name string
		spec string
		ok   bool
	}{
		{"llm key under llm", `{"model_id": "a/b", "family": "llm", "specifics": {"context_length": "4096"}}`, true},
		{"vision key under llm", `{"model_id": "a/b", "family": "llm", "specifics": {"input_resolution": "224"}}`, false},
		{"unknown key under tabular", `{"model_id": "a/b", "family": "tabular", "specifics": {"no_such_key": "x"}}`, false},
		{"family without specifics", `{"model_id": "a/b", "family": "audio"}`, true},
		{"llm key, no family", `{"model_id": "a/b", "specifics": {"context_length": "4096"}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSpec([]byte(tt.spec), "spec.json")
			if (err == nil) != tt.ok {
				t.Fatalf("ParseSpec error = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// TestSpecYAML11Special checks the words and numbers a YAML 1.1 reader
// would not read as text, and holds the quick refusal in front of the
// sexagesimal expression to the expression alone on random strings of the
// bytes that matter.
func TestSpecYAML11Special(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"1:20", true}, {"-1:20", true}, {"+1:30:00.5", true}, {"190:20:30", true}, {"1_0:20", true},
		{"yes", true}, {"Off", true}, {"N", true},
		{"", false}, {"a:1", false}, {"1.20", false}, {"12", false}, {"1:60", false}, {":20", false},
		{"text: with colon", false}, {"nope", false},
	}
	for _, tt := range tests {
		if got := specYAML11Special(tt.in); got != tt.want {
			t.Errorf("specYAML11Special(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789:+-._ a"
	for range 20000 {
		b := make([]byte, rng.IntN(8))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(b)
		// The alphabet spells none of the words.
		if specYAML11Special(s) != specYAML11Base60.MatchString(s) {
			t.Fatalf("specYAML11Special(%q) = %v, the expression says %v", s, specYAML11Special(s), specYAML11Base60.MatchString(s))
		}
	}
}

// TestSpecEvalResultFields checks that every key of a spec's eval result
// reaches its own field: each text field holds its key's name.
func TestSpecEvalResultFields(t *testing.T) {
	var src strings.Builder
	src.WriteString("model_id: org/m\neval_results:\n  - metric_value: 0.5\n    verified: true\n    dataset_args: {a: 1}\n    metric_args: {b: 2}\n")
	rt := reflect.TypeOf(EvalResult{})
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Type.Kind() != reflect.String {
			continue
		}
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		fmt.Fprintf(&src, "    %s: %s-v\n", key, key)
	}
	c := parseOK(t, src.String(), "eval.yaml")
	if len(c.Content.EvalResults) != 1 {
		t.Fatalf("eval results = %+v, want one", c.Content.EvalResults)
	}
	r := c.Content.EvalResults[0]
	rv := reflect.ValueOf(r)
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Type.Kind() != reflect.String {
			continue
		}
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if got := rv.Field(i).String(); got != key+"-v" {
			t.Errorf("%s = %q, want %q", f.Name, got, key+"-v")
		}
	}
	if r.MetricValue != 0.5 || r.Verified == nil || !*r.Verified ||
		!reflect.DeepEqual(r.DatasetArgs, map[string]any{"a": 1}) || !reflect.DeepEqual(r.MetricArgs, map[string]any{"b": 2}) {
		t.Errorf("value, verified and args = %v, %v, %v, %v", r.MetricValue, r.Verified, r.DatasetArgs, r.MetricArgs)
	}
}
