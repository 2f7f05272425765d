package engine

import (
	"bufio"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/terragonlabs/modelcard-generator/card"
)

// loadedStandards loads the built-in standards or fails the test.
func loadedStandards(t testing.TB) []Standard {
	t.Helper()
	all, err := LoadStandards()
	if err != nil {
		t.Fatalf("LoadStandards: %v", err)
	}
	return all
}

// TestLoadStandards checks the built-in standards: all load, in the order
// of StandardIDs, each item is well formed and its feature is a rubric
// feature whose index the item resolved.
func TestLoadStandards(t *testing.T) {
	all := loadedStandards(t)
	ids := StandardIDs()
	if len(all) != len(ids) || len(ids) != 4 {
		t.Fatalf("%d standards for %d ids %v", len(all), len(ids), ids)
	}
	for i, s := range all {
		t.Run(s.ID, func(t *testing.T) {
			if s.ID != ids[i] {
				t.Errorf("standard %d is %s, StandardIDs says %s", i, s.ID, ids[i])
			}
			if s.Title == "" || s.Reference == "" {
				t.Errorf("title %q, reference %q", s.Title, s.Reference)
			}
			seen := map[string]bool{}
			scored := 0
			for _, it := range s.Items {
				if seen[it.ID] {
					t.Errorf("item id %s twice", it.ID)
				}
				seen[it.ID] = true
				if it.Title == "" || it.Why == "" || it.Fix == "" {
					t.Errorf("item %s: empty title, why or fix", it.ID)
				}
				if !it.Scored {
					if it.Feature != "" || it.feature != -1 {
						t.Errorf("unscored item %s has feature %q (%d)", it.ID, it.Feature, it.feature)
					}
					continue
				}
				scored++
				idx, ok := RubricIndex(it.Feature)
				if !ok {
					t.Errorf("item %s: feature %q is not a rubric feature", it.ID, it.Feature)
					continue
				}
				if idx != it.feature {
					t.Errorf("item %s: resolved index %d, RubricIndex says %d", it.ID, it.feature, idx)
				}
				if !(it.Weight > 0) {
					t.Errorf("item %s: weight %v", it.ID, it.Weight)
				}
			}
			if scored < 10 {
				t.Errorf("only %d scored items", scored)
			}
			if got := s.TotalWeight(); !(got > 0) {
				t.Errorf("total weight %v", got)
			}
		})
	}
	// Every call parses afresh: changing one result leaves the next alone.
	all[0].Items[0].Weight = -1
	if again := loadedStandards(t); again[0].Items[0].Weight <= 0 {
		t.Error("LoadStandards returned shared items")
	}
}

// TestStandardsCoverTheirSources checks each standard against the source it
// comes from: the Hub template's sections and metadata keys, the Model Card
// Toolkit schema's fields, the nine sections of Mitchell et al., the points
// of Annex IV.
func TestStandardsCoverTheirSources(t *testing.T) {
	byID := map[string]Standard{}
	for _, s := range loadedStandards(t) {
		byID[s.ID] = s
	}
	ref := filepath.Join(sharedDir(t), "reference")

	t.Run("hf-hub sections", func(t *testing.T) {
		hub := byID["hf-hub"]
		f, err := os.Open(filepath.Join(ref, "hf_modelcard_template_sections.txt"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		var stack []card.SectionID
		checked := 0
		for sc.Scan() {
			line := sc.Text()
			level := len(line) - len(strings.TrimLeft(line, "#"))
			if level < 2 || level > 4 {
				continue
			}
			stack = stack[:min(len(stack), level-2)]
			var parent card.SectionID
			for i := len(stack) - 1; i >= 0 && parent == ""; i-- {
				parent = stack[i]
			}
			id := card.CanonicalFor(strings.TrimSpace(line[level:]), parent)
			for len(stack) < level-1 {
				stack = append(stack, id)
			}
			if id == "" {
				t.Errorf("template heading %q maps to no canonical section", line)
				continue
			}
			checked++
			// A section is covered by an item on it or on a subsection.
			covered := false
			for _, it := range hub.Items {
				if strings.HasPrefix(it.Feature, "section."+string(id)+".") {
					covered = true
				}
				if id == card.SecContact && it.Feature == "content.contact" {
					covered = true
				}
			}
			if !covered {
				t.Errorf("template section %q (%s) has no hf-hub item", strings.TrimSpace(line), id)
			}
		}
		if checked < 30 {
			t.Errorf("only %d template sections checked", checked)
		}
	})

	t.Run("hf-hub metadata", func(t *testing.T) {
		hub := byID["hf-hub"]
		for _, key := range []string{"language", "license", "library_name", "tags", "datasets", "metrics", "base_model", "model-index", "pipeline_tag"} {
			found := false
			for _, it := range hub.Items {
				found = found || strings.HasPrefix(it.Feature, "meta."+key+".")
			}
			if !found {
				t.Errorf("metadata key %s has no hf-hub item", key)
			}
		}
	})

	t.Run("mct fields", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(ref, "mct_model_card.schema.v0.0.2.json"))
		if err != nil {
			t.Fatal(err)
		}
		var schema struct {
			Properties map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(data, &schema); err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, it := range byID["mct"].Items {
			titles = append(titles, it.Title)
		}
		checked := 0
		for _, group := range []string{"model_details", "model_parameters", "quantitative_analysis", "considerations"} {
			fields := schema.Properties[group].Properties
			if len(fields) == 0 {
				t.Fatalf("schema has no fields under %s", group)
			}
			for field := range fields {
				base := strings.TrimSuffix(field, "_map") // input_format_map goes with input_format
				checked++
				found := false
				for _, title := range titles {
					if !strings.HasPrefix(title, group+".") {
						continue
					}
					for _, w := range strings.FieldsFunc(title[len(group)+1:], func(r rune) bool { return r == ' ' || r == '.' || r == '[' || r == ']' }) {
						found = found || w == base
					}
				}
				if !found {
					t.Errorf("schema field %s.%s has no mct item", group, field)
				}
			}
		}
		if checked < 20 {
			t.Errorf("only %d schema fields checked", checked)
		}
	})

	t.Run("mitchell sections", func(t *testing.T) {
		nine := []string{"Model Details", "Intended Use", "Factors", "Metrics", "Evaluation Data", "Training Data",
			"Quantitative Analyses", "Ethical Considerations", "Caveats and Recommendations"}
		count := map[string]int{}
		for _, it := range byID["mitchell-2019"].Items {
			if !slices.Contains(nine, it.Ref) {
				t.Errorf("item %s: ref %q is none of the nine sections", it.ID, it.Ref)
			}
			count[it.Ref]++
		}
		for _, s := range nine {
			if count[s] == 0 {
				t.Errorf("section %q has no item", s)
			}
		}
	})

	t.Run("annex iv points", func(t *testing.T) {
		want := []string{"(1)(a)", "(1)(b)", "(1)(c)", "(1)(d)", "(1)(e)", "(1)(f)", "(1)(g)", "(1)(h)",
			"(2)(a)", "(2)(b)", "(2)(c)", "(2)(d)", "(2)(e)", "(2)(f)", "(2)(g)", "(2)(h)",
			"(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"}
		items := byID["eu-ai-act-annex-iv"].Items
		for _, p := range want {
			found := false
			for _, it := range items {
				ref, _, _ := strings.Cut(it.Ref, ";")
				found = found || ref == "Annex IV"+p
			}
			if !found {
				t.Errorf("Annex IV%s has no item", p)
			}
		}
		unscored := 0
		for _, it := range items {
			if !strings.HasPrefix(it.Ref, "Annex IV(") {
				t.Errorf("item %s: ref %q does not point into Annex IV", it.ID, it.Ref)
			}
			if !it.Scored {
				unscored++
			}
		}
		if it, ok := LookupItem("eu-ai-act-annex-iv", "declaration-of-conformity"); !ok || it.Scored {
			t.Errorf("declaration of conformity: %+v, %v; want an unscored item", it, ok)
		}
		if unscored < 3 {
			t.Errorf("%d unscored items; the points a card cannot show must be listed", unscored)
		}
	})
}

// allRubricBits returns bits with every rubric feature set.
func allRubricBits() RubricBits {
	var b RubricBits
	for i := range NumRubric() {
		b.Set(i)
	}
	return b
}

// TestCompletenessExtremes checks that a card with every feature is
// complete and one with none is not, and what each misses.
func TestCompletenessExtremes(t *testing.T) {
	full, none := allRubricBits(), RubricBits{}
	for _, s := range loadedStandards(t) {
		t.Run(s.ID, func(t *testing.T) {
			if got := s.Completeness(&full); math.Abs(got-1) > 1e-12 {
				t.Errorf("all features: completeness %v, want 1", got)
			}
			if got := s.Completeness(&none); got != 0 {
				t.Errorf("no features: completeness %v, want 0", got)
			}
			if m := s.Missing(&full); len(m) != 0 {
				t.Errorf("all features: missing %v", m)
			}
			var scored []string
			for _, it := range s.Items {
				if it.Scored {
					scored = append(scored, it.ID)
				}
			}
			if m := s.Missing(&none); !slices.Equal(m, scored) {
				t.Errorf("no features: missing %v, want every scored item %v", m, scored)
			}
		})
	}
}

// TestColumnMatchesCompleteness checks, on random bit sets, that the
// scoring column gives the reference completeness, that it sums to one,
// and that Missing lists exactly the scored items whose feature is unset.
func TestColumnMatchesCompleteness(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const extra = 64 // hashed features after the rubric rows
	for _, s := range loadedStandards(t) {
		t.Run(s.ID, func(t *testing.T) {
			col := s.Column(NumRubric() + extra)
			if len(col) != NumRubric()+extra {
				t.Fatalf("column has %d rows, want %d", len(col), NumRubric()+extra)
			}
			sum := 0.0
			for f, v := range col {
				if v < 0 {
					t.Errorf("row %d: negative weight %v", f, v)
				}
				if f >= NumRubric() && v != 0 {
					t.Errorf("hashed row %d has weight %v", f, v)
				}
				sum += float64(v)
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Errorf("column sums to %v, want 1", sum)
			}
			for trial := range 200 {
				var bits RubricBits
				density := rng.Float64()
				for i := range NumRubric() {
					if rng.Float64() < density {
						bits.Set(i)
					}
				}
				dot := 0.0
				for f := range NumRubric() {
					if bits.Has(f) {
						dot += float64(col[f])
					}
				}
				want := s.Completeness(&bits)
				if math.Abs(dot-want) > 1e-5 {
					t.Fatalf("trial %d: column·bits = %v, Completeness = %v", trial, dot, want)
				}
				if want < 0 || want > 1 {
					t.Fatalf("trial %d: completeness %v out of [0,1]", trial, want)
				}
				var expect []string
				for _, it := range s.Items {
					if !it.Scored {
						continue
					}
					if f, _ := RubricIndex(it.Feature); !bits.Has(f) {
						expect = append(expect, it.ID)
					}
				}
				if got := s.Missing(&bits); !slices.Equal(got, expect) {
					t.Fatalf("trial %d: missing %v, want %v", trial, got, expect)
				}
			}
		})
	}
}

// TestColumnSharedFeature checks that items on the same feature add up in
// the column and in completeness.
func TestColumnSharedFeature(t *testing.T) {
	const doc = `id: shared
title: Shared
reference: a test
items:
  - {id: a, title: A, feature: content.title, weight: 1, why: w, fix: f}
  - {id: b, title: B, feature: content.title, weight: 2, why: w, fix: f}
  - {id: c, title: C, feature: content.links, weight: 1, why: w, fix: f}
  - {id: d, title: D, scored: false, why: w, fix: f}
`
	s, err := parseStandard("shared.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	title, _ := RubricIndex("content.title")
	links, _ := RubricIndex("content.links")
	col := s.Column(NumRubric())
	if math.Abs(float64(col[title])-0.75) > 1e-6 || math.Abs(float64(col[links])-0.25) > 1e-6 {
		t.Errorf("column: title %v, links %v; want 0.75, 0.25", col[title], col[links])
	}
	var bits RubricBits
	bits.Set(title)
	if got := s.Completeness(&bits); math.Abs(got-0.75) > 1e-12 {
		t.Errorf("completeness %v, want 0.75", got)
	}
	if got := s.Missing(&bits); !slices.Equal(got, []string{"c"}) {
		t.Errorf("missing %v, want [c]", got)
	}
	if got := s.Unscored(); len(got) != 1 || got[0].ID != "d" {
		t.Errorf("unscored %v, want [d]", got)
	}
}

// TestColumnPanicsOnSmallSpace checks that a feature space too small for
// the rubric is refused.
func TestColumnPanicsOnSmallSpace(t *testing.T) {
	s := loadedStandards(t)[0]
	defer func() {
		if recover() == nil {
			t.Error("Column accepted a space smaller than the rubric")
		}
	}()
	s.Column(NumRubric() - 1)
}

// TestParseStandardErrors checks that broken standard files are refused
// with errors that name the file, the item and the problem.
func TestParseStandardErrors(t *testing.T) {
	const head = "id: demo\ntitle: Demo\nreference: a test\nitems:\n"
	const good = "  - {id: ok, title: OK, feature: content.title, weight: 1, why: w, fix: f}\n"
	cases := []struct {
		name string
		doc  string
		want []string
	}{
		{"empty file", "", []string{"demo.yaml", "empty"}},
		{"not yaml", "id: [unclosed\n", []string{"demo.yaml", "not a valid standard file"}},
		{"unknown field", head + "  - {id: x, title: X, feature: content.title, weight: 1, why: w, fix: f, weigth: 2}\n", []string{"demo.yaml", "weigth"}},
		{"no title", "id: demo\nreference: r\nitems:\n" + good, []string{"demo.yaml", "title missing"}},
		{"bad id", "id: Demo Std\ntitle: T\nreference: r\nitems:\n" + good, []string{"demo.yaml", `"Demo Std"`, "lower-case"}},
		{"no items", "id: demo\ntitle: T\nreference: r\n", []string{"demo.yaml", "no items"}},
		{"unknown feature", head + good + "  - {id: typo, title: T, feature: content.titel, weight: 1, why: w, fix: f}\n",
			[]string{"demo.yaml", "item 2", `"typo"`, `"content.titel"`, `did you mean "content.title"`}},
		{"duplicate id", head + good + good, []string{"demo.yaml", "item 2", `"ok"`, "item 1"}},
		{"zero weight", head + "  - {id: w0, title: T, feature: content.title, weight: 0, why: w, fix: f}\n", []string{"item 1", `"w0"`, "weight 0", "positive"}},
		{"negative weight", head + "  - {id: wn, title: T, feature: content.title, weight: -2, why: w, fix: f}\n", []string{`"wn"`, "weight -2"}},
		{"no why", head + "  - {id: nw, title: T, feature: content.title, weight: 1, fix: f}\n", []string{`"nw"`, "why missing"}},
		{"scored without feature", head + "  - {id: nf, title: T, weight: 1, why: w, fix: f}\n", []string{`"nf"`, "no feature", "scored: false"}},
		{"unscored with feature", head + good + "  - {id: uf, title: T, feature: content.title, scored: false, why: w, fix: f}\n", []string{`"uf"`, "unscored item has no feature"}},
		{"only unscored", head + "  - {id: u, title: T, scored: false, why: w, fix: f}\n", []string{"demo.yaml", "no item is scored"}},
		{"refs on some items", head + good + "  - {id: r, title: T, feature: content.links, weight: 1, why: w, fix: f, ref: \"(1)\"}\n", []string{"item 1", `"ok"`, "no ref"}},
		{"bad item id", head + "  - {id: Bad_Id, title: T, feature: content.title, weight: 1, why: w, fix: f}\n", []string{"item 1", `"Bad_Id"`, "lower-case"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseStandard("standards/demo.yaml", []byte(c.doc))
			if err == nil {
				t.Fatalf("accepted:\n%s", c.doc)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestLoadStandardsFolder checks the folder rules: one file per known id,
// the file's id matching its name, no stray files.
func TestLoadStandardsFolder(t *testing.T) {
	doc := func(id string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("id: " + id + "\ntitle: T\nreference: r\nitems:\n  - {id: a, title: A, feature: content.title, weight: 1, why: w, fix: f}\n")}
	}
	cases := []struct {
		name string
		fs   fstest.MapFS
		want []string // empty: success
	}{
		{"good", fstest.MapFS{"std/one.yaml": doc("one"), "std/two.yaml": doc("two")}, nil},
		{"missing file", fstest.MapFS{"std/one.yaml": doc("one")}, []string{"std/two.yaml"}},
		{"stray file", fstest.MapFS{"std/one.yaml": doc("one"), "std/two.yaml": doc("two"), "std/three.yaml": doc("three")},
			[]string{"three.yaml", "not a known standard"}},
		{"id differs from name", fstest.MapFS{"std/one.yaml": doc("one"), "std/two.yaml": doc("deux")}, []string{"std/two.yaml", `"deux"`, `"two"`}},
		{"no folder", fstest.MapFS{}, []string{"std"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := loadStandards(c.fs, "std", []string{"one", "two"})
			if len(c.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 2 || got[0].ID != "one" || got[1].ID != "two" {
					t.Errorf("got %d standards", len(got))
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestLookup checks the lookups by id.
func TestLookup(t *testing.T) {
	cases := []struct {
		standard, item string
		ok             bool
		feature        string
	}{
		{"hf-hub", "direct-use", true, "section.uses.direct.filled"},
		{"mitchell-2019", "primary-users", true, "content.intended_users"},
		{"eu-ai-act-annex-iv", "human-oversight", true, "content.human_oversight"},
		{"hf-hub", "no-such-item", false, ""},
		{"no-such-standard", "direct-use", false, ""},
	}
	for _, c := range cases {
		it, ok := LookupItem(c.standard, c.item)
		if ok != c.ok || it.Feature != c.feature {
			t.Errorf("LookupItem(%s, %s) = %q, %v; want %q, %v", c.standard, c.item, it.Feature, ok, c.feature, c.ok)
		}
	}
	s, ok := LookupStandard("mct")
	if !ok || s.ID != "mct" || len(s.Items) == 0 {
		t.Fatalf("LookupStandard(mct) = %v, %v", s.ID, ok)
	}
	s.Items[0].Weight = 1e9 // the caller's copy
	if again, _ := LookupStandard("mct"); again.Items[0].Weight == 1e9 {
		t.Error("LookupStandard shares its items with callers")
	}
	if _, ok := LookupStandard("nope"); ok {
		t.Error("LookupStandard found an unknown id")
	}
}

// corpusCardBits reads and parses a corpus card by its path under cards/
// and returns its rubric bits.
func corpusCardBits(t *testing.T, rel string) RubricBits {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(sharedDir(t), "corpus", "cards", rel))
	if err != nil {
		t.Fatalf("read corpus card: %v", err)
	}
	c, err := card.Parse(src)
	if err != nil {
		t.Fatalf("parse %s: %v", rel, err)
	}
	var bits RubricBits
	rubricOf(c, &bits)
	return bits
}

// TestStandardsOnCorpusCards scores real cards: a card that fills the Hub
// template scores higher than a two-line card and than the unfilled
// template, on every standard; the unfilled template misses the template's
// core items.
func TestStandardsOnCorpusCards(t *testing.T) {
	const (
		full     = "fdac24__MP3/restor__tcd-segformer-mit-b4.md"                                                  // the Hub template, filled in
		twoLines = "fdac24__MP3/skimaza__test_hf.md"                                                              // a few words
		template = "hn5318__model_card_analysis/pkr7098__vit-base-patch16-224-in21k-finetuned-adalora-food101.md" // the template, unfilled
	)
	fullBits, shortBits, tmplBits := corpusCardBits(t, full), corpusCardBits(t, twoLines), corpusCardBits(t, template)
	for _, s := range loadedStandards(t) {
		f, sh, tm := s.Completeness(&fullBits), s.Completeness(&shortBits), s.Completeness(&tmplBits)
		t.Logf("%-20s full %.3f  two-line %.3f  unfilled template %.3f", s.ID, f, sh, tm)
		if f <= sh || f <= tm {
			t.Errorf("%s: the filled card scores %.3f, the two-line card %.3f, the unfilled template %.3f", s.ID, f, sh, tm)
		}
	}
	hub, _ := LookupStandard("hf-hub")
	if got := hub.Completeness(&fullBits); got < 0.6 {
		t.Errorf("hf-hub: the filled template card scores only %.3f; missing %v", got, hub.Missing(&fullBits))
	}
	if got := hub.Completeness(&tmplBits); got > 0.25 {
		t.Errorf("hf-hub: the unfilled template scores %.3f; it should miss nearly everything (missing %v)", got, hub.Missing(&tmplBits))
	}
	missing := hub.Missing(&tmplBits)
	for _, id := range []string{"model-description", "direct-use", "bias-risks-limitations", "training-data", "results", "no-placeholders", "meta-license"} {
		if !slices.Contains(missing, id) {
			t.Errorf("hf-hub: the unfilled template is not missing %s (missing %v)", id, missing)
		}
	}
	for _, id := range []string{"model-description", "direct-use", "out-of-scope-use", "bias-risks-limitations", "training-data", "meta-license"} {
		if slices.Contains(hub.Missing(&fullBits), id) {
			t.Errorf("hf-hub: the filled card is said to miss %s", id)
		}
	}
}

// TestStandardsOnCorpus scores every corpus card on every standard: scores
// stay in [0,1], agree with the column, and spread (a standard that gives
// every card the same score measures nothing).
func TestStandardsOnCorpus(t *testing.T) {
	cards := rubricCorpus(t)
	standards := loadedStandards(t)
	cols := make([][]float32, len(standards))
	for j := range standards {
		cols[j] = standards[j].Column(NumRubric())
	}
	lo := make([]float64, len(standards))
	hi := make([]float64, len(standards))
	sum := make([]float64, len(standards))
	for j := range lo {
		lo[j], hi[j] = 1, 0
	}
	var bits RubricBits
	for _, c := range cards {
		rubricOf(c.card, &bits)
		for j := range standards {
			got := standards[j].Completeness(&bits)
			var dot float32
			for f := range NumRubric() {
				if bits.Has(f) {
					dot += cols[j][f]
				}
			}
			if got < 0 || got > 1 || math.Abs(float64(dot)-got) > 1e-5 {
				t.Fatalf("%s on %s: completeness %v, column %v", standards[j].ID, c.path, got, dot)
			}
			lo[j], hi[j] = min(lo[j], got), max(hi[j], got)
			sum[j] += got
		}
	}
	for j, s := range standards {
		t.Logf("%-20s min %.3f  mean %.3f  max %.3f", s.ID, lo[j], sum[j]/float64(len(cards)), hi[j])
		if hi[j]-lo[j] < 0.5 {
			t.Errorf("%s: scores only range from %.3f to %.3f over %d cards", s.ID, lo[j], hi[j], len(cards))
		}
	}
}
