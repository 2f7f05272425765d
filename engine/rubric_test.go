package engine

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// rubricCorpusCard is one parsed corpus card.
type rubricCorpusCard struct {
	path string
	size int
	card *card.Card
}

// rubricCorpus parses every corpus card that is text; cards whose YAML
// block is broken are kept (their body still parses).
func rubricCorpus(tb testing.TB) []rubricCorpusCard {
	tb.Helper()
	var out []rubricCorpusCard
	for _, e := range corpusEntries(tb) {
		src, err := os.ReadFile(e.Path)
		if err != nil {
			tb.Fatalf("read %s: %v", e.Path, err)
		}
		c, err := card.Parse(src)
		var ye *card.YAMLError
		if err != nil && !errors.As(err, &ye) {
			continue
		}
		out = append(out, rubricCorpusCard{e.Path, len(src), c})
	}
	if len(out) == 0 {
		tb.Fatal("no corpus card parsed")
	}
	return out
}

// rubricCard parses a card written in a test.
func rubricCard(t *testing.T, src string) *card.Card {
	t.Helper()
	c, err := card.Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse test card: %v\n%s", err, src)
	}
	return c
}

// rubricBitsOf returns the rubric bits of a card written in a test.
func rubricBitsOf(t *testing.T, src string) RubricBits {
	t.Helper()
	var bits RubricBits
	rubricOf(rubricCard(t, src), &bits)
	return bits
}

// TestRubricTableLayout checks the feature table: unique ids with docs,
// within the bit set's capacity, and the features that existed before the
// standards were added still at their indexes (trained weights and stored
// rows refer to them by index).
func TestRubricTableLayout(t *testing.T) {
	feats := RubricFeatures()
	if len(feats) != NumRubric() || len(feats) > maxRubric {
		t.Fatalf("%d features, NumRubric %d, capacity %d", len(feats), NumRubric(), maxRubric)
	}
	seen := map[string]bool{}
	for i, f := range feats {
		if seen[f.ID] {
			t.Errorf("feature %s listed twice", f.ID)
		}
		seen[f.ID] = true
		if strings.TrimSpace(f.Doc) == "" {
			t.Errorf("feature %s has no doc", f.ID)
		}
		if j, ok := RubricIndex(f.ID); !ok || j != i {
			t.Errorf("RubricIndex(%s) = %d, %v; want %d", f.ID, j, ok, i)
		}
	}
	var first []string
	for _, s := range card.CanonicalSections() {
		for _, k := range []string{"present", "filled", "long"} {
			first = append(first, "section."+string(s.ID)+"."+k)
		}
	}
	for _, k := range []string{"license", "language", "library_name", "tags", "datasets", "metrics", "base_model", "pipeline_tag", "model-index", "co2_eq_emissions"} {
		first = append(first, "meta."+k+".present")
	}
	for _, k := range []string{"license", "language", "pipeline_tag", "model-index"} {
		first = append(first, "meta."+k+".valid")
	}
	first = append(first, "content.code_example", "content.bibtex", "content.results_table", "content.eval_results",
		"content.links", "content.contact", "content.no_placeholders")
	if len(feats) < len(first) {
		t.Fatalf("%d features, fewer than the %d that existed before", len(feats), len(first))
	}
	for i, id := range first {
		if feats[i].ID != id {
			t.Errorf("feature %d is %s, was %s", i, feats[i].ID, id)
		}
	}
	if _, ok := RubricIndex("content.no_such_thing"); ok {
		t.Error("RubricIndex found an unknown feature")
	}
}

// TestMeaningfulLen checks what counts toward a section's length.
func TestMeaningfulLen(t *testing.T) {
	cases := []struct {
		name string
		text string
		want int
	}{
		{"empty", "", 0},
		{"letters and digits", "Abc, 123!", 6},
		{"non-ASCII bytes count", "é", 2},
		{"comment", "<!-- hidden words -->ab", 2},
		{"comment over lines", "a\n<!--\nhidden\nwords\n-->\nb", 2},
		{"unclosed comment", "ab <!-- runs to the end\nand more", 2},
		{"placeholder", "[More Information Needed]", 0},
		{"label with placeholder", "- **Developed by:** [More Information Needed]", 0},
		{"placeholder line among text", "abc\n- **Model type:** [More Information Needed]\nde", 5},
		{"trainer placeholder", "More information needed\n", 0},
		{"trainer placeholder with dot", "  More information needed.", 0},
		{"trainer words in a sentence", "More information needed about X", 27},
		{"needs-information marker", "> **Needs information** (uses.direct): say how", 0},
		{"template boilerplate", "Use the code below to get started with the model.\nok", 2},
		{"code counts", "```\nx = 1\n```", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := meaningfulLen(c.text); got != c.want {
				t.Errorf("meaningfulLen(%q) = %d, want %d", c.text, got, c.want)
			}
		})
	}
}

// TestRubricOfCards checks the features of small cards: what sets each
// feature and what must not.
func TestRubricOfCards(t *testing.T) {
	const unfilledTemplate = `---
{}
---
# Model Card for Model ID

<!-- Provide a quick summary of what the model is/does. -->

## Model Details

### Model Description

<!-- Provide a longer summary of what this model is. -->

- **Developed by:** [More Information Needed]
- **Model type:** [More Information Needed]
- **License:** [More Information Needed]

## Uses

### Direct Use

[More Information Needed]

## Bias, Risks, and Limitations

### Recommendations

Users (both direct and downstream) should be made aware of the risks, biases and limitations of the model. More information needed for further recommendations.

## How to Get Started with the Model

Use the code below to get started with the model.

[More Information Needed]

## Evaluation

#### Factors

<!-- These are the things the evaluation is disaggregating by, e.g., subpopulations or domains. -->

[More Information Needed]

## Environmental Impact

Carbon emissions can be estimated using the [Machine Learning Impact calculator](https://mlco2.github.io/impact#compute).

- **Hardware Type:** [More Information Needed]
- **Hours used:** [More Information Needed]

## Model Card Contact

[More Information Needed]
`
	cases := []struct {
		name  string
		src   string
		set   []string
		unset []string
	}{
		{
			name: "unfilled Hub template",
			src:  unfilledTemplate,
			set: []string{"section.model_details.present", "section.model_details.description.present",
				"section.uses.direct.present", "section.environmental_impact.present", "section.contact.present", "content.links"},
			unset: []string{"section.model_details.filled", "section.model_details.description.filled",
				"section.uses.filled", "section.uses.direct.filled", "section.bias_risks_limitations.recommendations.filled",
				"section.get_started.filled", "section.environmental_impact.filled", "section.contact.filled",
				"content.developed_by", "content.architecture", "content.license", "content.contact", "content.title",
				"content.summary", "content.fairness", "content.no_placeholders", "content.code_example"},
		},
		{
			name: "filled labels",
			src: "# Acme Vision\n\n## Model Details\n\n### Model Description\n\n" +
				"- **Developed by:** Acme Vision Lab\n- **Model type:** convolutional image classifier\n- **License:** apache-2.0\n",
			set: []string{"section.model_details.description.filled", "content.developed_by", "content.architecture",
				"content.license", "content.title", "content.summary", "content.no_placeholders"},
			unset: []string{"content.version", "content.contact", "meta.license.present"},
		},
		{
			name:  "developer named in prose",
			src:   "This model was developed by the Acme lab in Lisbon.\n",
			set:   []string{"content.developed_by", "content.summary"},
			unset: []string{"content.title"},
		},
		{
			name:  "developer phrase without a value",
			src:   "Developed by:\n\n## Uses\n\nSorting photographs of plants by species for herbaria.\n",
			unset: []string{"content.developed_by"},
		},
		{
			name:  "code is not prose",
			src:   "## How to use\n\n```python\noutputs = model(inputs)\nversion: 3\nrisk_management()\n```\n",
			set:   []string{"section.get_started.filled", "content.code_example"},
			unset: []string{"content.input_output", "content.version", "content.risk_mitigation"},
		},
		{
			name:  "an imperative is not a changelog",
			src:   "Update your installation before running the examples.\n",
			unset: []string{"content.changelog"},
		},
		{
			name: "changelog tag",
			src:  "Updates: the tokenizer was retrained in March 2024.\n",
			set:  []string{"content.changelog"},
		},
		{
			name: "changelog heading with text",
			src:  "## Changelog\n\n- 2.0: a larger vocabulary and a longer context\n",
			set:  []string{"content.changelog"},
		},
		{
			name:  "changelog heading without text",
			src:   "## Changelog\n\n## Uses\n\nSorting photographs of plants by species for herbaria.\n",
			unset: []string{"content.changelog"},
		},
		{
			name: "version line",
			src:  "- **Version:** 2.1.0\n",
			set:  []string{"content.version"},
		},
		{
			name:  "version without a number",
			src:   "Version: the latest one we trained\n",
			unset: []string{"content.version"},
		},
		{
			name:  "version in a table header",
			src:   "| Tasks | Version | Filter |\n|---|---|---|\n| arc | 1 | none |\n",
			unset: []string{"content.version"},
		},
		{
			name: "version in the metadata",
			src:  "---\nversion: \"1.3\"\n---\nA model.\n",
			set:  []string{"content.version"},
		},
		{
			name: "release date",
			src:  "The weights were released on 3 May 2024 together with the paper.\n",
			set:  []string{"content.release_date"},
		},
		{
			name:  "released in a place",
			src:   "It was first released in [this repository](https://example.org/repo) by its authors.\n",
			set:   []string{"content.links"},
			unset: []string{"content.release_date"},
		},
		{
			name: "heading phrase with text",
			src:  "## Human Oversight\n\nA clinician checks every prediction before anyone acts on it.\n",
			set:  []string{"content.human_oversight"},
		},
		{
			name:  "heading phrase with a placeholder",
			src:   "## Human Oversight\n\n[More Information Needed]\n",
			unset: []string{"content.human_oversight", "content.no_placeholders"},
		},
		{
			name: "Trainer placeholders",
			src:  "## Model description\n\nMore information needed\n\n## Intended uses & limitations\n\nMore information needed\n",
			set:  []string{"section.model_details.description.present", "section.uses.present"},
			unset: []string{"section.model_details.description.filled", "section.uses.filled", "content.no_placeholders",
				"content.summary"},
		},
		{
			name:  "template title",
			src:   "# Model Card for Model ID\n\nSome words about nothing in particular here.\n",
			set:   []string{"content.summary"},
			unset: []string{"content.title"},
		},
		{
			name:  "title and summary",
			src:   "# Acme-Vision 7B\n\nAcme-Vision sorts photographs of plants into 300 species.\n\n## Uses\n\nHerbarium digitisation and field guides.\n",
			set:   []string{"content.title", "content.summary", "section.uses.filled"},
			unset: []string{"content.intended_users"},
		},
		{
			name: "model name in the metadata",
			src:  "---\nmodel_name: acme-vision\n---\nA model.\n",
			set:  []string{"content.title"},
		},
		{
			name: "uncertainty sign",
			src:  "| metric | value |\n|---|---|\n| accuracy | 81.2 ± 0.4 |\n",
			set:  []string{"content.uncertainty"},
		},
		{
			name:  "empty contact section",
			src:   "## Model Card Contact\n\n[More Information Needed]\n",
			set:   []string{"section.contact.present"},
			unset: []string{"content.contact"},
		},
		{
			name: "contact section",
			src:  "## Contact\n\nQuestions go to the team through the discussion tab of this repository.\n",
			set:  []string{"section.contact.filled", "content.contact"},
		},
		{
			name: "contact line",
			src:  "Contact: jane@example.org\n",
			set:  []string{"content.contact"},
		},
		{
			name:  "phrases in comments",
			src:   "<!--\nWe evaluate fairness across demographic groups and monitor the model in production.\n-->\nPlain text about the model and its design.\n",
			unset: []string{"content.fairness", "content.monitoring"},
		},
		{
			name:  "a word inside another",
			src:   "The mainstream approach reaches a standstill quickly.\n",
			unset: []string{"content.uncertainty", "content.human_oversight"},
		},
		{
			name: "bibtex in any case",
			src:  "## Citation\n\n```\n@Article{acme2024,\n  title={Acme}\n}\n```\n",
			set:  []string{"content.bibtex", "section.citation.filled"},
		},
		{
			name:  "an e-mail is not bibtex",
			src:   "Write to team@misc.example.org with questions.\n",
			unset: []string{"content.bibtex"},
		},
		{
			name: "license and creator in the metadata",
			src:  "---\nlicense: mit\nmodel_creator: Acme\n---\nA model.\n",
			set:  []string{"content.license", "content.developed_by", "meta.license.present", "meta.license.valid"},
		},
		{
			name: "license section",
			src:  "## License\n\nThe weights are under the Apache License 2.0; see LICENSE.\n",
			set:  []string{"content.license", "section.license.filled"},
		},
		{
			name: "inputs tag",
			src:  "Inputs: a sentence of up to 512 tokens\n",
			set:  []string{"content.input_output"},
		},
		{
			name: "inputs and outputs",
			src:  "- **Input:** a 224x224 RGB photograph\n",
			set:  []string{"content.input_output"},
		},
		{
			name: "architecture section",
			src:  "## Model Architecture\n\nA 12-layer encoder with a classification head on top.\n",
			set:  []string{"content.architecture", "section.technical_specifications.architecture.filled"},
		},
		{
			name:  "figures",
			src:   "![loss curve](loss.png)\n",
			set:   []string{"content.figures"},
			unset: []string{"content.links"},
		},
	}
	phrases := []struct {
		feature  string
		sentence string
	}{
		{"content.intended_users", "The intended users are plant biologists and herbarium curators."},
		{"content.tradeoffs", "Quantisation is a trade-off between memory and accuracy."},
		{"content.fairness", "Accuracy was disaggregated by the photographer's region."},
		{"content.privacy", "The training photographs hold no personal data."},
		{"content.risk_mitigation", "We mitigate misuse with a filter on the outputs."},
		{"content.human_oversight", "Predictions must pass human review before publication."},
		{"content.monitoring", "Post-market performance is tracked on a sample of new photographs."},
		{"content.security", "We tested the model against adversarial patches."},
		{"content.standards", "Development followed ISO/IEC 42001 processes."},
		{"content.uncertainty", "Scores are the mean and standard deviation over five seeds."},
		{"content.architecture", "It uses a decoder-only transformer."},
		{"content.input_output", "The model takes a photograph as input and returns a species."},
		{"content.license", "The model is licensed under the MIT license."},
		{"content.release_date", "Release date: 2024-05-03"},
	}
	for _, p := range phrases {
		cases = append(cases, struct {
			name  string
			src   string
			set   []string
			unset []string
		}{name: "phrase " + p.feature, src: p.sentence + "\n", set: []string{p.feature}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bits := rubricBitsOf(t, c.src)
			for _, id := range c.set {
				if i, ok := RubricIndex(id); !ok {
					t.Errorf("unknown feature %s", id)
				} else if !bits.Has(i) {
					t.Errorf("%s not set", id)
				}
			}
			for _, id := range c.unset {
				if i, ok := RubricIndex(id); !ok {
					t.Errorf("unknown feature %s", id)
				} else if bits.Has(i) {
					t.Errorf("%s set", id)
				}
			}
		})
	}
}

// TestRubricPhrasesOneByOne checks each phrase of the content features on
// its own: found as the first words of a line with a value after it, found
// by scanText, and, unless the phrase is open, not found inside a longer
// word.
func TestRubricPhrasesOneByOne(t *testing.T) {
	for _, spec := range phraseSpecs {
		f, ok := RubricIndex(spec.feature)
		if !ok {
			t.Fatalf("phrase feature %s is not a rubric feature", spec.feature)
		}
		for _, text := range spec.texts {
			open := strings.HasSuffix(text, "*")
			words := strings.TrimSuffix(text, "*")
			line := strings.ToUpper(words[:1]) + words[1:] + ": Acme 2024 release of the model\n"
			var bits RubricBits
			scanText(line, &bits)
			if !bits.Has(f) {
				t.Errorf("%s: phrase %q not found in %q", spec.feature, text, line)
			}
			p := phrase{text: words, open: open, digit: spec.digit, mode: spec.mode, feature: f}
			if !p.matchAt(line, true, "", false) {
				t.Errorf("%s: phrase %q does not match %q", spec.feature, text, line)
			}
			glued := words + "zz: Acme 2024 release"
			if got := p.matchAt(glued, true, "", false); got != open {
				t.Errorf("%s: phrase %q matches %q: %v, want %v", spec.feature, text, glued, got, open)
			}
		}
	}
}

// TestRubricCorpus runs the rubric on every corpus card: the bits stay
// within the table, a second run gives the same bits, no feature is set on
// every card, and each content feature that real cards show is found on
// some card.
func TestRubricCorpus(t *testing.T) {
	cards := rubricCorpus(t)
	counts := make([]int, NumRubric())
	for _, c := range cards {
		var bits, again RubricBits
		rubricOf(c.card, &bits)
		rubricOf(c.card, &again)
		if bits != again {
			t.Errorf("%s: two runs gave different bits", c.path)
		}
		for i := NumRubric(); i < maxRubric; i++ {
			if bits.Has(i) {
				t.Fatalf("%s: bit %d set beyond the %d features", c.path, i, NumRubric())
			}
		}
		for i := range counts {
			if bits.Has(i) {
				counts[i]++
			}
		}
	}
	// Real cards rarely name technical standards; the other content
	// features must each show up somewhere in four thousand cards.
	rare := map[string]bool{"content.standards": true}
	for i, f := range RubricFeatures() {
		if counts[i] == len(cards) {
			t.Errorf("%s is set on all %d cards", f.ID, len(cards))
		}
		if strings.HasPrefix(f.ID, "content.") && !rare[f.ID] && counts[i] == 0 {
			t.Errorf("%s is set on no corpus card", f.ID)
		}
		if testing.Verbose() && strings.HasPrefix(f.ID, "content.") {
			t.Logf("%-28s %5d cards (%.1f%%)", f.ID, counts[i], 100*float64(counts[i])/float64(len(cards)))
		}
	}
}

// BenchmarkRubricCorpus computes the rubric bits of the corpus cards, which
// are parsed before the timer starts; one op is one card.
func BenchmarkRubricCorpus(b *testing.B) {
	cards := rubricCorpus(b)
	total := 0
	for _, c := range cards {
		total += c.size
	}
	b.SetBytes(int64(total / len(cards)))
	b.ReportAllocs()
	b.ResetTimer()
	var bits RubricBits
	for i := 0; i < b.N; i++ {
		rubricOf(cards[i%len(cards)].card, &bits)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cards/s")
}

// TestAnchoredSearches holds colonLinks and containsAt to strings.Contains
// over hand-made texts and the corpus cards' bodies.
func TestAnchoredSearches(t *testing.T) {
	texts := []string{
		"", ":", "http:", "http://", "see https://x.org", "xhttps:// y", "mailto:", "a mailto:b@c", "MAILTO:x",
		"http:/ no", "ftp://x", "[More Information Needed]", "[More Information Needed", "More Information Needed]",
		"x[More Information Needed]y", "Information Needed]", "**Needs information**", "> **Needs information** x",
		"*Needs information**", "::::mailto:::http://", "é:mailto:", "[[More Information Needed]]",
	}
	for _, c := range rubricCorpus(t) {
		if c.card.Body != nil {
			texts = append(texts, c.card.Body.Text)
		}
	}
	checks := []struct{ pattern, anchor string }{
		{placeholderText, "Information Needed]"},
		{"**Needs information**", "Needs information**"},
	}
	for i, text := range texts {
		links, mailto := colonLinks(text)
		wantLinks := strings.Contains(text, "http://") || strings.Contains(text, "https://")
		if links != wantLinks || mailto != strings.Contains(text, "mailto:") {
			t.Errorf("text %d: colonLinks = %v, %v; want %v, %v", i, links, mailto, wantLinks, strings.Contains(text, "mailto:"))
		}
		for _, c := range checks {
			if got, want := containsAt(text, c.pattern, c.anchor), strings.Contains(text, c.pattern); got != want {
				t.Errorf("text %d: containsAt(%q) = %v, want %v", i, c.pattern, got, want)
			}
		}
	}
}
