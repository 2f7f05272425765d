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
