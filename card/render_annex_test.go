package card

import (
	"slices"
	"sort"
	"strings"
	"testing"
)

// ftAnnexHeadings returns the heading lines the outline must produce.
func ftAnnexHeadings() []string {
	var out []string
	for _, it := range AnnexIVItems() {
		switch strings.Count(it.ID, ".") {
		case 1:
			out = append(out, "## "+it.Point+". "+it.Heading)
		case 2:
			if strings.Contains(it.Point, "(") {
				out = append(out, "### "+it.Point+" "+it.Heading)
			}
		}
	}
	return out
}

// ftAnnexMarkable lists the ids that carry guidance, so can be marked.
func ftAnnexMarkable() []string {
	var out []string
	for _, it := range AnnexIVItems() {
		if it.Guidance != "" {
			out = append(out, it.ID)
		}
	}
	return out
}

// ftAnnexMarked renders a card and returns its Annex IV marker ids, sorted.
func ftAnnexMarked(t *testing.T, c *Card) (string, []string) {
	t.Helper()
	out, err := RenderAnnexIV(c)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, id := range FindNeedsInfo(string(out)) {
		if strings.HasPrefix(id, "annex_iv.") {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return string(out), ids
}

func TestAnnexOutline(t *testing.T) {
	items := AnnexIVItems()
	var points []string
	for _, it := range items {
		if !strings.Contains(it.Point, "(") && !slices.Contains(points, it.Point) {
			points = append(points, it.Point)
		}
	}
	if !slices.Equal(points, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}) {
		t.Errorf("points = %v, want 1 to 9", points)
	}
	subs := map[string]int{}
	for _, it := range items {
		if strings.Contains(it.Point, "(") && strings.Count(it.ID, ".") == 2 {
			subs[it.Point[:1]]++
		}
	}
	if subs["1"] != 8 || subs["2"] != 8 {
		t.Errorf("sub-points = %v, want (a) to (h) under points 1 and 2", subs)
	}
	for name, c := range map[string]*Card{"empty": {}, "llm": ftExampleCards(t)["llm.yaml"]} {
		out, err := RenderAnnexIV(c)
		if err != nil {
			t.Fatal(err)
		}
		b := ParseBody(string(out), 1)
		var got []string
		b.Walk(func(s *Section) bool {
			if s.Level > 1 {
				got = append(got, strings.Repeat("#", s.Level)+" "+s.Title)
			}
			return true
		})
		if want := ftAnnexHeadings(); !slices.Equal(got, want) {
			t.Errorf("%s: headings\n got %q\nwant %q", name, got, want)
		}
	}
}

func TestAnnexEmptyCardIsAllMarked(t *testing.T) {
	_, ids := ftAnnexMarked(t, &Card{})
	want := ftAnnexMarkable()
	sort.Strings(want)
	if !slices.Equal(ids, want) {
		t.Errorf("marked %q\nwant %q", ids, want)
	}
	for _, it := range AnnexIVItems() {
		if it.Guidance != "" && !strings.Contains(it.Guidance, "Annex IV, point "+it.Point) {
			t.Errorf("%s: guidance does not name its point: %q", it.ID, it.Guidance)
		}
	}
}

// TestAnnexFilledVersusMarked sets one fact at a time and checks exactly
// which items stop being marked.
func TestAnnexFilledVersusMarked(t *testing.T) {
	meta := func(k string, v any) func(*Card) {
		return func(c *Card) {
			if c.Meta == nil {
				c.Meta = NewMetadata()
			}
			_ = c.Meta.Set(k, v)
		}
	}
	content := func(f func(*Content)) func(*Card) { return func(c *Card) { f(&c.Content) } }
	tests := []struct {
		name   string
		set    func(*Card)
		filled []string
	}{
		{"direct use", content(func(c *Content) { c.DirectUse = "Sorting mail." }), []string{"annex_iv.1.a.purpose"}},
		{"summary", content(func(c *Content) { c.Summary = "A sorter." }), []string{"annex_iv.1.a.purpose"}},
		{"developer", content(func(c *Content) { c.DevelopedBy = "Org" }), []string{"annex_iv.1.a.provider"}},
		{"version", content(func(c *Content) { c.Version = "3" }), []string{"annex_iv.1.a.version"}},
		{"downstream use", content(func(c *Content) { c.DownstreamUse = "In a pipeline." }), []string{"annex_iv.1.b"}},
		{"software", content(func(c *Content) { c.ComputeSoftware = "PyTorch 2.4" }), []string{"annex_iv.1.c"}},
		{"library", meta("library_name", "transformers"), []string{"annex_iv.1.c"}},
		{"hardware", content(func(c *Content) { c.ComputeHardware = "1 GPU" }), []string{"annex_iv.1.e"}},
		{"demo", content(func(c *Content) { c.Demo = "https://x.example/demo" }), []string{"annex_iv.1.g"}},
		{"get started", content(func(c *Content) { c.GetStarted = "pip install x" }), []string{"annex_iv.1.h"}},
		{"base model", meta("base_model", "org/base"), []string{"annex_iv.2.a"}},
		{"hyperparameters", content(func(c *Content) { c.Hyperparameters = []KeyValue{{"lr", "1e-4"}} }), []string{"annex_iv.2.a"}},
		{"description", content(func(c *Content) { c.Description = "Long." }), []string{"annex_iv.2.b"}},
		{"architecture", content(func(c *Content) { c.Architecture = "MLP" }), []string{"annex_iv.2.c"}},
		{"training data", content(func(c *Content) { c.TrainingData = "Mail." }), []string{"annex_iv.2.d"}},
		{"datasets", meta("datasets", []string{"org/mail"}), []string{"annex_iv.2.d"}},
		{"recommendations", content(func(c *Content) { c.Recommendations = "Review." }), []string{"annex_iv.2.e", "annex_iv.3.oversight"}},
		{"testing data", content(func(c *Content) { c.TestingData = "Held out." }), []string{"annex_iv.2.g"}},
		{"results", content(func(c *Content) { c.EvalResults = []EvalResult{{MetricType: "accuracy", MetricValue: 0.9}} }), []string{"annex_iv.2.g", "annex_iv.3.accuracy"}},
		{"limitations", content(func(c *Content) { c.BiasRisksLimitations = "Fails on X." }), []string{"annex_iv.3.capabilities"}},
		{"out of scope", content(func(c *Content) { c.OutOfScopeUse = "Not for Y." }), []string{"annex_iv.3.risks"}},
		{"inputs", content(func(c *Content) { c.Specifics = map[string]string{"inputs": "A row."} }), []string{"annex_iv.3.input_data"}},
		{"metrics", content(func(c *Content) { c.MetricsDescription = "Accuracy, because." }), []string{"annex_iv.2.g", "annex_iv.4"}},
		{"drift monitoring", func(c *Card) {
			c.Family = FamilyTabular
			c.Content.Specifics = map[string]string{"drift_monitoring": "Weekly PSI."}
		}, []string{"annex_iv.9"}},
		{"input features", func(c *Card) {
			c.Family = FamilyTabular
			c.Content.Specifics = map[string]string{"features": "age"}
		}, []string{"annex_iv.3.input_data"}},
	}
	all := ftAnnexMarkable()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Card{}
			tt.set(c)
			_, ids := ftAnnexMarked(t, c)
			var want []string
			for _, id := range all {
				if !slices.Contains(tt.filled, id) {
					want = append(want, id)
				}
			}
			sort.Strings(want)
			if !slices.Equal(ids, want) {
				var gone, extra []string
				for _, id := range want {
					if !slices.Contains(ids, id) {
						gone = append(gone, id)
					}
				}
				for _, id := range ids {
					if !slices.Contains(want, id) {
						extra = append(extra, id)
					}
				}
				t.Errorf("unexpectedly filled %v; unexpectedly marked %v", gone, extra)
			}
		})
	}
}

// TestAnnexExample checks a full card: its facts are in the document, and
// only the items a model card cannot cover are marked.
func TestAnnexExample(t *testing.T) {
	c := ftExampleCards(t)["llm.yaml"]
	out, ids := ftAnnexMarked(t, c)
	want := []string{"annex_iv.1.d", "annex_iv.1.f", "annex_iv.1.g", "annex_iv.2.f", "annex_iv.2.g.test_logs",
		"annex_iv.2.h", "annex_iv.5", "annex_iv.6", "annex_iv.7", "annex_iv.8", "annex_iv.9"}
	if !slices.Equal(ids, want) {
		t.Errorf("marked %q\nwant %q", ids, want)
	}
	for _, fact := range []string{"Cobalt Heron Labs, language modelling team", "cobaltheron/heron-base-7b",
		"| learning_rate | 2.0e-5 |", "| MMLU (cais/mmlu) | all / test | 5-shot accuracy (accuracy) | 0.624 |",
		"*Context Length:* 8,192 tokens", "PyTorch 2.4", "*Library:* transformers"} {
		if !strings.Contains(out, fact) {
			t.Errorf("document lacks %q", fact)
		}
	}
}

func TestAnnexEscapesFields(t *testing.T) {
	c := &Card{Content: Content{PrettyName: "# Not a heading", DirectUse: "## Injected\n\n```\nopen fence"}}
	out, err := RenderAnnexIV(c)
	if err != nil {
		t.Fatal(err)
	}
	b := ParseBody(string(out), 1)
	n := 0
	b.Walk(func(s *Section) bool {
		n++
		if strings.Contains(s.Title, "Injected") || strings.Contains(s.Title, "Not a heading") && s.Level > 1 {
			t.Errorf("a field made the heading %q", s.Title)
		}
		return true
	})
	if want := len(ftAnnexHeadings()) + 1; n != want {
		t.Errorf("%d headings, want %d", n, want)
	}
	if _, err := RenderAnnexIV(nil); err == nil {
		t.Error("nil card rendered")
	}
	if _, err := RenderAnnexIV(&Card{Family: "x"}); err == nil {
		t.Error("unknown family rendered")
	}
}
