package card

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ftMCTReferenceSchema compiles the Model Card Toolkit's own schema from the
// shared reference material.
func ftMCTReferenceSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(sharedDir(t), "reference", "mct_model_card.schema.v0.0.2.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile the reference MCT schema: %v", err)
	}
	return sch
}

// ftValidateJSON validates a JSON document against a schema.
func ftValidateJSON(sch *jsonschema.Schema, doc []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// ftDecode decodes JSON into plain values.
func ftDecode(t testing.TB, doc []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("output is not a JSON object: %v\n%s", err, doc)
	}
	return v
}

// ftAt follows a path of keys and indexes through decoded JSON.
func ftAt(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// TestMCTExamplesValidate renders every example spec as a toolkit card and
// validates it against the toolkit's own schema.
func TestMCTExamplesValidate(t *testing.T) {
	sch := ftMCTReferenceSchema(t)
	for name, c := range ftExampleCards(t) {
		out, err := RenderMCT(c)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := ftValidateJSON(sch, out); err != nil {
			t.Errorf("%s: output does not validate: %v", name, err)
		}
		doc := ftDecode(t, out)
		for _, path := range [][]any{
			{"model_details", "name"}, {"model_details", "overview"}, {"model_details", "licenses", 0},
			{"model_parameters", "data", 0}, {"considerations", "use_cases", 0},
		} {
			if ftAt(doc, path...) == nil {
				t.Errorf("%s: %v is missing though the example gives it", name, path)
			}
		}
	}
}

// TestMCTCorpusValidates renders every corpus card that has a YAML block as
// a toolkit card and validates it against the toolkit's own schema.
func TestMCTCorpusValidates(t *testing.T) {
	sch := ftMCTReferenceSchema(t)
	n, withMetrics := 0, 0
	for _, e := range corpusEntries(t) {
		if !e.HasFrontMatter {
			continue
		}
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Parse(src)
		var ye *YAMLError
		if err != nil && !errors.As(err, &ye) {
			t.Errorf("%s: %v", e.Path, err)
			continue
		}
		out, err := RenderMCT(c)
		if err != nil {
			t.Errorf("%s: %v", e.Path, err)
			continue
		}
		if err := ftValidateJSON(sch, out); err != nil {
			t.Errorf("%s: output does not validate: %v", e.Path, err)
			continue
		}
		n++
		if bytes.Contains(out, []byte(`"performance_metrics"`)) {
			withMetrics++
		}
	}
	t.Logf("%d corpus cards rendered and validated, %d with performance metrics", n, withMetrics)
	if n < 1000 || withMetrics == 0 {
		t.Fatalf("only %d cards (%d with metrics) checked; the corpus has more", n, withMetrics)
	}
}

// TestMCTFieldMapping checks where each fact of a card goes.
func TestMCTFieldMapping(t *testing.T) {
	verified := true
	base := func() *Card {
		m := NewMetadata()
		_ = m.Set("license", "apache-2.0")
		_ = m.Set("datasets", []string{"org/train-set"})
		return &Card{Meta: m, Family: FamilyTabular, Content: Content{
			ModelID: "org/model", PrettyName: "My Model", Summary: "  One line.  ", Description: "Long text.",
			DevelopedBy: "Org Lab", Contact: "lab@example.org", Version: "2.1",
			Repository: "https://github.com/org/model", Paper: "not a link", Demo: "https://org.example/demo",
			CitationBibTeX: "@misc{x,\n  title={X}\n}", CitationAPA: "Org. (2024). X.",
			Architecture: "Gradient-boosted trees.", ModelType: "GBDT",
			TrainingData: "Census rows.", TestingData: "Held-out rows.",
			DirectUse: "Scoring.", DownstreamUse: "- as a feature\n- in a pipeline",
			BiasRisksLimitations: "Under-represents group A.", OutOfScopeUse: "Credit decisions.",
			Recommendations: "Review every decision.",
			Specifics:       map[string]string{"features": "age, income", "target": "label"},
			EvalResults: []EvalResult{
				{TaskType: "tabular-classification", DatasetType: "org/census", DatasetName: "Census", DatasetSplit: "test",
					MetricType: "accuracy", MetricValue: 0.91, Verified: &verified,
					MetricArgs: map[string]any{"confidence_interval": []any{0.89, 0.93}}},
				{DatasetName: "Internal set", MetricName: "Recall at 5", MetricValue: "12 ± 1"},
			},
		}}
	}
	tests := []struct {
		name   string
		edit   func(c *Card)
		path   []any
		want   any
		absent bool
	}{
		{"name is the pretty name", nil, []any{"model_details", "name"}, "My Model", false},
		{"name falls back to the id", func(c *Card) { c.Content.PrettyName = "" }, []any{"model_details", "name"}, "org/model", false},
		{"path is the id", nil, []any{"model_details", "path"}, "org/model", false},
		{"overview is the trimmed summary", nil, []any{"model_details", "overview"}, "One line.", false},
		{"documentation", nil, []any{"model_details", "documentation"}, "Long text.", false},
		{"owner", nil, []any{"model_details", "owners", 0}, map[string]any{"name": "Org Lab", "contact": "lab@example.org"}, false},
		{"version", nil, []any{"model_details", "version"}, map[string]any{"name": "2.1"}, false},
		{"hub license id", nil, []any{"model_details", "licenses"}, []any{map[string]any{"identifier": "apache-2.0"}}, false},
		{"custom license", func(c *Card) {
			_ = c.Meta.Set("license", "other")
			_ = c.Meta.Set("license_name", "org-license")
			_ = c.Meta.Set("license_link", "LICENSE.md")
		}, []any{"model_details", "licenses"}, []any{map[string]any{"custom_text": "org-license (see LICENSE.md)"}}, false},
		{"unknown license left out", func(c *Card) { _ = c.Meta.Set("license", "unknown") }, []any{"model_details", "licenses"}, nil, true},
		{"references are the absolute links", nil, []any{"model_details", "references"},
			[]any{map[string]any{"reference": "https://github.com/org/model"}, map[string]any{"reference": "https://org.example/demo"}}, false},
		{"bibtex citation", nil, []any{"model_details", "citations", 0}, map[string]any{"style": "BibTeX", "citation": "@misc{x,\n  title={X}\n}"}, false},
		{"apa citation", nil, []any{"model_details", "citations", 1}, map[string]any{"style": "APA", "citation": "Org. (2024). X."}, false},
		{"model type labelled before the architecture", nil, []any{"model_parameters", "model_architecture"}, "Model type: GBDT\n\nGradient-boosted trees.", false},
		{"architecture alone", func(c *Card) { c.Content.ModelType = "" }, []any{"model_parameters", "model_architecture"}, "Gradient-boosted trees.", false},
		{"model type alone, labelled", func(c *Card) { c.Content.Architecture = "" }, []any{"model_parameters", "model_architecture"}, "Model type: GBDT", false},
		{"hub dataset", nil, []any{"model_parameters", "data", 0}, map[string]any{"name": "org/train-set", "description": mctHubTraining}, false},
		{"training data", nil, []any{"model_parameters", "data", 1}, map[string]any{"name": mctTrainingName, "description": "Census rows."}, false},
		{"eval dataset", nil, []any{"model_parameters", "data", 2}, map[string]any{"name": "Census", "description": "Evaluation dataset. Hub id: `org/census`. Split: `test`."}, false},
		{"eval dataset without id", nil, []any{"model_parameters", "data", 3, "name"}, "Internal set", false},
		{"testing data", nil, []any{"model_parameters", "data", 4}, map[string]any{"name": mctEvaluationName, "description": "Held-out rows."}, false},
		{"input format from the family", nil, []any{"model_parameters", "input_format"}, "age, income", false},
		{"output format from the family", nil, []any{"model_parameters", "output_format"}, "label", false},
		{"metric", nil, []any{"quantitative_analysis", "performance_metrics", 0},
			map[string]any{"type": "accuracy", "value": "0.91", "slice": "org/census/test",
				"confidence_interval": map[string]any{"lower_bound": "0.89", "upper_bound": "0.93"}}, false},
		{"metric without id", nil, []any{"quantitative_analysis", "performance_metrics", 1},
			map[string]any{"type": "Recall at 5", "value": "12 ± 1", "slice": "Internal set"}, false},
		{"direct use", nil, []any{"considerations", "use_cases", 0, "description"}, "Scoring.", false},
		{"downstream use, labelled", nil, []any{"considerations", "use_cases", 1, "description"}, "Downstream use:\n\n- as a feature\n- in a pipeline", false},
		{"limitations", nil, []any{"considerations", "limitations", 0, "description"}, "Under-represents group A.", false},
		{"out of scope, labelled", nil, []any{"considerations", "limitations", 1, "description"}, "Out-of-scope use: Credit decisions.", false},
		{"recommendations as mitigation", nil, []any{"considerations", "ethical_considerations"},
			[]any{map[string]any{"name": mctRisksName, "mitigation_strategy": "Review every decision."}}, false},
		{"no users invented", nil, []any{"considerations", "users"}, nil, true},
		{"empty card has no sections", func(c *Card) { *c = Card{} }, []any{"model_details"}, nil, true},
	}
	sch := ftMCTReferenceSchema(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base()
			if tt.edit != nil {
				tt.edit(c)
			}
			out, err := RenderMCT(c)
			if err != nil {
				t.Fatal(err)
			}
			if err := ftValidateJSON(sch, out); err != nil {
				t.Fatalf("does not validate: %v\n%s", err, out)
			}
			got := ftAt(ftDecode(t, out), tt.path...)
			if tt.absent {
				if got != nil {
					t.Errorf("%v = %v, want it left out", tt.path, got)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%v = %#v\nwant %#v", tt.path, got, tt.want)
			}
		})
	}
}

func TestRenderMCTErrors(t *testing.T) {
	if _, err := RenderMCT(nil); err == nil {
		t.Error("a nil card rendered")
	}
	if _, err := RenderMCT(&Card{Family: "nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown family: err = %v", err)
	}
}

// TestMCTSchemaMatchesReference checks that the schema ParseMCT validates
// with has the toolkit schema's structure: the same properties, types,
// formats and constraints everywhere, only the prose differs.
func TestMCTSchemaMatchesReference(t *testing.T) {
	ref, err := os.ReadFile(filepath.Join(sharedDir(t), "reference", "mct_model_card.schema.v0.0.2.json"))
	if err != nil {
		t.Fatal(err)
	}
	var strip func(v any) any
	strip = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, e := range x {
				switch k {
				case "description", "title", "$id":
					// Prose and identity: ours differ on purpose; a property
					// named "description" is kept.
					if _, isProp := e.(map[string]any); isProp && k == "description" {
						out[k] = strip(e)
					}
					continue
				}
				out[k] = strip(e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = strip(e)
			}
			return out
		}
		return v
	}
	var a, b any
	if err := json.Unmarshal(ref, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(MCTSchema(), &b); err != nil {
		t.Fatal(err)
	}
	sa, sb := strip(a), strip(b)
	if !reflect.DeepEqual(sa, sb) {
		ja, _ := json.MarshalIndent(sa, "", " ")
		jb, _ := json.MarshalIndent(sb, "", " ")
		t.Errorf("embedded MCT schema differs in structure from the reference:\nreference %s\nembedded %s", ja, jb)
	}
}
