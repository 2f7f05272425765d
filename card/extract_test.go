package card

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// ftExampleCards reads every spec of the examples folder, by file name.
func ftExampleCards(t testing.TB) map[string]*Card {
	t.Helper()
	paths := exampleSpecs(t)
	out := make(map[string]*Card, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ParseSpec(data, p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		out[filepath.Base(p)] = c
	}
	return out
}

// ftNormBlock is a Markdown field as the renderer writes it, for comparing a
// field with what was read back.
func ftNormBlock(s string) string {
	if hfIsBlank(s) {
		return ""
	}
	return strings.TrimRight(string(hfAppendMarkdownBlock(nil, s)), "\n")
}

// ftNormInline is a one-line fact as the renderer writes it.
func ftNormInline(s string) string {
	return string(hfAppendInlineMarkdown(nil, s))
}

// ftDisplayName is the name a card shows.
func ftDisplayName(ct *Content) string {
	if ct.PrettyName != "" {
		return ct.PrettyName
	}
	return ct.ModelID
}

// ftContentFields returns the string fields of a Content by json name.
func ftContentFields(ct *Content) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(ct).Elem()
	for _, i := range contentStringFields {
		tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		out[tag] = v.Field(i).String()
	}
	return out
}

// ftInlineFields are the Content fields the renderer writes as one-line facts.
var ftInlineFields = []string{"developed_by", "funded_by", "shared_by", "model_type", "version",
	"repository", "paper", "demo", "training_regime"}

// TestExtractRoundTripExamples renders every example spec as a Hub card,
// parses it, and checks that ContentFromBody gives back every fact of the
// spec.
func TestExtractRoundTripExamples(t *testing.T) {
	for name, c := range ftExampleCards(t) {
		t.Run(name, func(t *testing.T) {
			out, err := RenderHF(c)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(out)
			if err != nil {
				t.Fatal(err)
			}
			p.Family = c.Family
			got := ContentFromBody(p)
			want := c.Content
			wf, gf := ftContentFields(&want), ftContentFields(&got)
			for field, w := range wf {
				g := gf[field]
				switch field {
				case "model_id", "pretty_name":
					continue
				case "citation_bibtex":
					w, g = strings.TrimSpace(w), strings.TrimSpace(g)
				default:
					if slices.Contains(ftInlineFields, field) {
						w = ftNormInline(w)
					} else {
						w, g = ftNormBlock(w), ftNormBlock(g)
					}
				}
				if w != g {
					t.Errorf("%s:\n got %q\nwant %q", field, g, w)
				}
			}
			if ftDisplayName(&got) != ftDisplayName(&want) {
				t.Errorf("name = %q, want %q", ftDisplayName(&got), ftDisplayName(&want))
			}
			if got.Environment != want.Environment {
				t.Errorf("environment = %+v, want %+v", got.Environment, want.Environment)
			}
			if !reflect.DeepEqual(got.Hyperparameters, want.Hyperparameters) && len(got.Hyperparameters)+len(want.Hyperparameters) > 0 {
				t.Errorf("hyperparameters = %v, want %v", got.Hyperparameters, want.Hyperparameters)
			}
			for k, w := range want.Specifics {
				if ftNormBlock(got.Specifics[k]) != ftNormBlock(w) {
					t.Errorf("specifics %s = %q, want %q", k, got.Specifics[k], w)
				}
			}
			if len(got.Specifics) != len(want.Specifics) {
				t.Errorf("specifics keys = %v, want %v", slices.Sorted(ftKeys(got.Specifics)), slices.Sorted(ftKeys(want.Specifics)))
			}
			ftSameResults(t, got.EvalResults, want.EvalResults)
		})
	}
}

func ftKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// ftSameResults compares eval results field by field, values by their
// text.
func ftSameResults(t *testing.T, got, want []EvalResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d eval results, want %d", len(got), len(want))
		return
	}
	for i := range want {
		g, w := got[i], want[i]
		if metricValueText(g.MetricValue) != metricValueText(w.MetricValue) {
			t.Errorf("result %d value = %v, want %v", i, g.MetricValue, w.MetricValue)
		}
		g.MetricValue, w.MetricValue = nil, nil
		if !jsonEqual(t, g, w) {
			t.Errorf("result %d = %+v\nwant %+v", i, g, w)
		}
	}
}

// ftParseFile parses a card from testdata.
func ftParseFile(t *testing.T, name string) *Card {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "extract", name))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestExtractHubTemplatePlaceholders reads a card left as the Hub's
// template: placeholders, comments and facts that repeat the metadata are
// not facts.
func TestExtractHubTemplatePlaceholders(t *testing.T) {
	ct := ContentFromBody(ftParseFile(t, "hub_template.md"))
	for field, v := range ftContentFields(&ct) {
		want := ""
		if field == "pretty_name" {
			want = "org/empty-model"
		}
		if v != want {
			t.Errorf("%s = %q, want %q", field, v, want)
		}
	}
	if !ct.Environment.IsZero() || len(ct.Hyperparameters) > 0 || len(ct.EvalResults) > 0 || len(ct.Specifics) > 0 {
		t.Errorf("structured facts invented: %+v", ct)
	}
}

// TestExtractTrainerCard reads a card in the layout the transformers
// Trainer writes.
func TestExtractTrainerCard(t *testing.T) {
	c := ftParseFile(t, "trainer.md")
	ct := ContentFromBody(c)
	tests := []struct{ field, got, want string }{
		{"model id", ct.ModelID, "reviews-classifier"},
		{"pretty name", ct.PrettyName, ""},
		{"summary", ct.Summary, "This model is a fine-tuned version of org/base-model on the org/reviews dataset."},
		{"description", ct.Description, ""},
		{"direct use", ct.DirectUse, "Sorting product reviews by sentiment."},
		{"training data", ct.TrainingData, "Reviews collected from a public shop."},
		{"software", ct.ComputeSoftware, "- Transformers 4.40.0\n- Pytorch 2.2.0"},
		{"results summary", ct.ResultsSummary, "| Training Loss | Epoch | Validation Loss |\n|:---:|:---:|:---:|\n| 0.21 | 1.0 | 0.19 |"},
		{"bibtex", ct.CitationBibTeX, "@misc{org2024reviews,\n  title = {Reviews classifier}\n}"},
		{"apa", ct.CitationAPA, ""},
		{"unmatched family section", ct.MoreInformation, "Not used by classifiers."},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.field, tt.got, tt.want)
		}
	}
	wantHP := []KeyValue{{"learning_rate", "2e-05"}, {"train_batch_size", "16"}, {"num_epochs", "3"}}
	if !reflect.DeepEqual(ct.Hyperparameters, wantHP) {
		t.Errorf("hyperparameters = %v", ct.Hyperparameters)
	}
	if len(ct.EvalResults) != 1 || ct.EvalResults[0].MetricValue != 0.9312 || ct.EvalResults[0].DatasetSplit != "validation" {
		t.Errorf("eval results = %+v", ct.EvalResults)
	}
	// Content already set wins over the body.
	c.Content.DirectUse = "Given."
	if got := ContentFromBody(c).DirectUse; got != "Given." {
		t.Errorf("a set field was overwritten: %q", got)
	}
	// The card itself is left alone.
	if c.Content.TrainingData != "" {
		t.Error("ContentFromBody changed the card")
	}
}

func TestExtractFactLine(t *testing.T) {
	tests := []struct {
		in, label, value string
		ok               bool
	}{
		{"- **Developed by:** Org", "developed by", "Org", true},
		{"- **Developed by**: Org", "developed by", "Org", true},
		{"* **Funded by [optional]:** X", "funded by", "X", true},
		{"- Model type: CNN", "model type", "CNN", true},
		{"- **Bold** text", "", "", false},
		{"plain: text", "", "", false},
		{"- a very long label that is not a label at all really: x", "", "", false},
	}
	for _, tt := range tests {
		label, value, ok := factLine(tt.in)
		if ok != tt.ok || ok && (label != tt.label || value != tt.value) {
			t.Errorf("factLine(%q) = %q, %q, %v; want %q, %q, %v", tt.in, label, value, ok, tt.label, tt.value, tt.ok)
		}
	}
}

func TestExtractCleanField(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[More Information Needed]", ""},
		{"More information needed.", ""},
		{"<!-- Provide a quick summary of what the model is/does. -->\nText", "Text"},
		{"<!-- This model card has been generated automatically according to the information the Trainer had access to. You\nshould probably proofread and complete it, then remove this comment. -->\nText", "Text"},
		{"Text\n\n\n\nMore", "Text\n\nMore"},
		{NeedsInfo("uses.direct", "Say it.") + "\nKept", "Kept"},
		{"```\n[More Information Needed]\n<!-- kept in code -->\n```", "```\n[More Information Needed]\n<!-- kept in code -->\n```"},
		{"  indented first line", "  indented first line"},
	}
	for _, tt := range tests {
		if got := cleanField(tt.in); got != tt.want {
			t.Errorf("cleanField(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExtractPlainInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**Bold** `code` title", "Bold code title"},
		{"[Link text](https://x.example) end", "Link text end"},
		{"![logo](x.png) Name", "Name"},
		{`Model Card for a\_b \[x\] &lt;y&gt;`, "Model Card for a_b [x] <y>"},
		{"snake_case_name", "snake_case_name"},
		{"<span>Tagged</span>", "Tagged"},
		{"[unclosed", "[unclosed"},
	}
	for _, tt := range tests {
		if got := plainInline(tt.in); got != tt.want {
			t.Errorf("plainInline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExtractCitation(t *testing.T) {
	tests := []struct{ name, in, bib, apa string }{
		{"renderer layout", "**BibTeX:**\n\n```bibtex\n@misc{a,\n}\n```\n\n**APA:**\n\nA. (2024).", "@misc{a,\n}", "A. (2024)."},
		{"misspelt language", "```bibtext\n@article{b, x}\n```", "@article{b, x}", ""},
		{"plain text only", "Cite the paper by A.", "", "Cite the paper by A."},
		{"python block is not bibtex", "```python\n@decorator\n```", "", "```python\n@decorator\n```"},
	}
	for _, tt := range tests {
		bib, apa := extractCitation(tt.in)
		if bib != tt.bib || apa != tt.apa {
			t.Errorf("%s: got %q, %q; want %q, %q", tt.name, bib, apa, tt.bib, tt.apa)
		}
	}
}

func TestExtractResultsTable(t *testing.T) {
	text := "| Task | Dataset | Config / Split | Metric | Value | Source |\n| --- | --- | --- | --- | --- | --- |\n" +
		"| Knowledge (5-shot) (text-generation) | MMLU (cais/mmlu) | all / test | 5-shot accuracy (accuracy) | 0.624 | [run](https://x.example/a%20b) |\n" +
		"| text-classification | glue | validation | f1 | 91 | — |\n" +
		"| Ranking | Pump set \\| v2 | sst2 | ARC (25-shot) | 20.0 ± 1.2 | lab notes |\n\nAfter the table."
	rows, rest := extractResultsTable(text)
	want := []EvalResult{
		{TaskName: "Knowledge (5-shot)", TaskType: "text-generation", DatasetName: "MMLU", DatasetType: "cais/mmlu",
			DatasetConfig: "all", DatasetSplit: "test", MetricName: "5-shot accuracy", MetricType: "accuracy", MetricValue: 0.624,
			SourceName: "run", SourceURL: "https://x.example/a b"},
		{TaskType: "text-classification", DatasetName: "glue", DatasetType: "glue", DatasetSplit: "validation", MetricType: "f1", MetricValue: 91},
		{TaskName: "Ranking", DatasetName: "Pump set | v2", DatasetConfig: "sst2", MetricType: "ARC (25-shot)", MetricValue: "20.0 ± 1.2", SourceName: "lab notes"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n got %+v\nwant %+v", rows, want)
	}
	if strings.TrimSpace(rest) != "After the table." {
		t.Errorf("rest = %q", rest)
	}
}
