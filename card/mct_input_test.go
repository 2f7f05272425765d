package card

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ftMCTShared projects a card onto the facts that both the Hub format and
// the toolkit's format hold, each as comparable text.
func ftMCTShared(ct *Content, m *Metadata, fam FamilyID) map[string]string {
	norm := func(s string) string { return strings.TrimSpace(hfNormaliseLineBreaks(s)) }
	out := map[string]string{
		"name":                   norm(ftDisplayName(ct)),
		"summary":                norm(ct.Summary),
		"description":            norm(ct.Description),
		"developed_by":           norm(ct.DevelopedBy),
		"contact":                norm(ct.Contact),
		"version":                norm(ct.Version),
		"citation_bibtex":        norm(ct.CitationBibTeX),
		"citation_apa":           norm(ct.CitationAPA),
		"training_data":          norm(ct.TrainingData),
		"testing_data":           norm(ct.TestingData),
		"direct_use":             norm(ct.DirectUse),
		"downstream_use":         norm(ct.DownstreamUse),
		"out_of_scope_use":       norm(ct.OutOfScopeUse),
		"bias_risks_limitations": norm(ct.BiasRisksLimitations),
		"recommendations":        norm(ct.Recommendations),
		"datasets":               strings.Join(m.Strings("datasets"), ", "),
	}
	out["architecture"] = norm(ct.Architecture)
	out["model_type"] = ftNormInline(ct.ModelType)
	var links []string
	for _, l := range []string{ct.Repository, ct.Paper, ct.Demo} {
		if l = strings.TrimSpace(l); isAbsoluteURI(l) {
			links = append(links, l)
		}
	}
	slices.Sort(links)
	out["links"] = strings.Join(links, " ")
	var lic []string
	for _, id := range m.Strings("license") {
		if id = strings.ToLower(strings.TrimSpace(id)); id != "" && id != "unknown" {
			lic = append(lic, id)
		}
	}
	out["license"] = strings.Join(lic, ", ")
	if slices.Contains(lic, "other") {
		out["license_name"] = strings.TrimSpace(m.String("license_name"))
		out["license_link"] = strings.TrimSpace(m.String("license_link"))
	}
	if f, ok := mctFormatFields[fam]; ok && fam == FamilyGeneric {
		out["inputs"] = norm(ct.Specifics[f[0]])
		out["outputs"] = norm(ct.Specifics[f[1]])
	}
	return out
}

// ftResultFacts describes each eval result by what the toolkit's format
// holds of it; withArgs adds the dataset revision and the confidence
// interval, which a README's results table does not show.
func ftResultFacts(rs []EvalResult, withArgs bool) []string {
	var out []string
	for i := range rs {
		r := &rs[i]
		typ := r.MetricType
		if typ == "" {
			typ = r.MetricName
		}
		s := fmt.Sprintf("%s=%s on %q", typ, metricValueText(r.MetricValue), mctSlice(r))
		if r.DatasetType != "" || r.DatasetName != "" {
			s += fmt.Sprintf(" [%s|%s|%s|%s]", r.DatasetType, r.DatasetName, r.DatasetConfig, r.DatasetSplit)
			if withArgs {
				s += " rev " + r.DatasetRevision
			}
		}
		if withArgs {
			if lo, hi, ok := confidenceInterval(r.MetricArgs); ok {
				s += " ci " + lo + ".." + hi
			}
		}
		if mctMetric(r, mctSlice(r)) != (mctPerformanceMetric{}) {
			out = append(out, s)
		}
	}
	return out
}

// ftFirstDiff describes the first difference between two lists.
func ftFirstDiff(got, want []string) string {
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			return fmt.Sprintf("item %d of %d:\n got %q\nwant %q", i, len(want), got[i], want[i])
		}
	}
	return fmt.Sprintf("%d items, want %d", len(got), len(want))
}

// ftCompareShared reports the shared facts that differ.
func ftCompareShared(t *testing.T, where string, got, want map[string]string) int {
	t.Helper()
	bad := 0
	for k, w := range want {
		if got[k] != w {
			bad++
			t.Errorf("%s: %s changed:\n got %q\nwant %q", where, k, got[k], w)
		}
	}
	return bad
}

// ftMCTRoundTrip sends a card through the toolkit's format and back, then
// through a Hub README and back, checking the shared facts at each step.
// It returns the number of links that came back in the field they left.
func ftMCTRoundTrip(t *testing.T, where string, c *Card) (sameSlots bool) {
	t.Helper()
	ct := renderContent(c)
	fam := c.Family
	if fam == "" {
		fam = FamilyGeneric
	}
	want := ftMCTShared(&ct, c.Meta, fam)
	wantResults := ftResultFacts(ct.EvalResults, true)
	out, err := RenderMCT(c)
	if err != nil {
		t.Errorf("%s: render: %v", where, err)
		return false
	}
	back, err := ParseMCT(out, where)
	if err != nil {
		t.Errorf("%s: read back: %v\n%s", where, err, out)
		return false
	}
	if fam != FamilyGeneric {
		// The toolkit's format does not say the task: the family's input
		// and output fields come back as the generic ones.
		delete(want, "inputs")
		delete(want, "outputs")
	}
	got := ftMCTShared(&back.Content, back.Meta, FamilyGeneric)
	for k := range got {
		if _, ok := want[k]; !ok {
			delete(got, k)
		}
	}
	if ftCompareShared(t, where+" (toolkit card)", got, want) > 0 {
		return false
	}
	if g := ftResultFacts(back.Content.EvalResults, true); !slices.Equal(g, wantResults) {
		t.Errorf("%s (toolkit card): eval results changed: %s", where, ftFirstDiff(g, wantResults))
	}
	sameSlots = back.Content.Repository == strings.TrimSpace(ct.Repository) || !isAbsoluteURI(strings.TrimSpace(ct.Repository))
	sameSlots = sameSlots && (back.Content.Paper == strings.TrimSpace(ct.Paper) || !isAbsoluteURI(strings.TrimSpace(ct.Paper)))
	sameSlots = sameSlots && (back.Content.Demo == strings.TrimSpace(ct.Demo) || !isAbsoluteURI(strings.TrimSpace(ct.Demo)))

	// On to a Hub README, and read it again.
	md, err := RenderHF(back)
	if err != nil {
		t.Errorf("%s: render the Hub card: %v", where, err)
		return sameSlots
	}
	hub, err := Parse(md)
	if err != nil {
		t.Errorf("%s: parse the Hub card: %v", where, err)
		return sameSlots
	}
	hubCT := ContentFromBody(hub)
	gotHub := ftMCTShared(&hubCT, hub.Meta, FamilyGeneric)
	for k := range gotHub {
		if _, ok := want[k]; !ok {
			delete(gotHub, k)
		}
	}
	// The README writes Markdown fields as blocks: compare them so.
	for k, v := range want {
		switch k {
		case "name", "developed_by", "version", "links", "license", "license_name", "license_link", "datasets", "citation_bibtex",
			"model_type":
			continue
		}
		want[k] = ftNormBlock(v)
		gotHub[k] = ftNormBlock(gotHub[k])
	}
	want["developed_by"] = ftNormInline(want["developed_by"])
	ftCompareShared(t, where+" (Hub card from the toolkit card)", gotHub, want)
	// The README's results table shows no metric args.
	if g, w := ftResultFacts(hubCT.EvalResults, false), ftResultFacts(ct.EvalResults, false); !slices.Equal(g, w) {
		t.Errorf("%s (Hub card from the toolkit card): eval results changed: %s", where, ftFirstDiff(g, w))
	}
	return sameSlots
}

// TestMCTRoundTripExamples sends every example through the toolkit's
// format and back to a Hub card.
func TestMCTRoundTripExamples(t *testing.T) {
	for name, c := range ftExampleCards(t) {
		if !ftMCTRoundTrip(t, name, c) {
			t.Errorf("%s: links did not come back in their own fields", name)
		}
	}
}

// TestMCTRoundTripCorpus does the same for every corpus card with a YAML
// block.
func TestMCTRoundTripCorpus(t *testing.T) {
	n, slotsKept, withLinks := 0, 0, 0
	for _, e := range corpusEntries(t) {
		if !e.HasFrontMatter {
			continue
		}
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Parse(src)
		if err != nil {
			continue // broken YAML: covered by TestMCTCorpusValidates
		}
		n++
		ct := renderContent(c)
		if ct.Repository != "" || ct.Paper != "" || ct.Demo != "" {
			withLinks++
			if ftMCTRoundTrip(t, e.Path, c) {
				slotsKept++
			}
			continue
		}
		ftMCTRoundTrip(t, e.Path, c)
	}
	t.Logf("%d corpus cards sent round; %d of the %d with links got each link back in its own field", n, slotsKept, withLinks)
	if n < 1000 {
		t.Fatalf("only %d cards checked", n)
	}
}

// TestParseMCTForeign reads a toolkit card written by another tool.
func TestParseMCTForeign(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "mct", "census.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseMCT(data, "census.json")
	if err != nil {
		t.Fatal(err)
	}
	ct := &c.Content
	tests := []struct{ field, got, want string }{
		{"pretty name", ct.PrettyName, "Census income classifier"},
		{"model id from the path", ct.ModelID, "acme/census-income"},
		{"summary", ct.Summary, "Predicts whether income exceeds 50k a year."},
		{"developed by", ct.DevelopedBy, "Acme ML, Jane Roe"},
		{"contact", ct.Contact, "Acme ML: ml@acme.example; Jane Roe: jane@acme.example"},
		{"version", ct.Version, "0.3"},
		{"repository", ct.Repository, "https://github.com/acme/census"},
		{"paper", ct.Paper, "https://arxiv.org/abs/1234.56789"},
		{"demo", ct.Demo, "https://huggingface.co/spaces/acme/census"},
		{"bibtex", ct.CitationBibTeX, "@article{roe2024census, title={Census}}"},
		{"apa", ct.CitationAPA, "Roe, J. (2024). Census."},
		{"architecture", ct.Architecture, "Logistic regression"},
		{"inputs", ct.Specifics["inputs"], "A row of 14 census features.\n\n- **age:** integer"},
		{"outputs", ct.Specifics["outputs"], "Probability of the positive class."},
		{"license", c.Meta.String("license"), "other"},
		{"license name", c.Meta.String("license_name"), "Proprietary"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.field, tt.got, tt.want)
		}
	}
	contains := []struct{ field, text, want string }{
		{"training data", ct.TrainingData, "**UCI Census** (<https://archive.ics.uci.edu/dataset/2/adult>): Rows from the 1994 census."},
		{"testing data", ct.TestingData, "**Census test split**: Evaluation rows held out from training."},
		{"direct use", ct.DirectUse, "Ranking outreach lists."},
		{"users", ct.DirectUse, "Intended users:\n\n- Analysts"},
		{"limitations", ct.BiasRisksLimitations, "Weaker on rare occupations."},
		{"tradeoffs", ct.BiasRisksLimitations, "Trade-offs:\n\n- Simpler model, lower accuracy."},
		{"risks", ct.BiasRisksLimitations, "Ethical considerations:\n\n- Disparate error rates by sex"},
		{"mitigation", ct.Recommendations, "- Disparate error rates by sex: Report per-group metrics."},
		{"version date", ct.MoreInformation, "**Version date:** 2024-03-01"},
		{"version diff", ct.MoreInformation, "**Changes in this version:** Retrained on 2023 data."},
		{"extra reference", ct.MoreInformation, "- <https://acme.example/blog/census>"},
		{"sensitive data", ct.TrainingData, "Sensitive data: sex, race."},
	}
	for _, tt := range contains {
		if !strings.Contains(tt.text, tt.want) {
			t.Errorf("%s: %q does not hold %q", tt.field, tt.text, tt.want)
		}
	}
	if len(ct.EvalResults) != 2 {
		t.Fatalf("%d eval results, want 2", len(ct.EvalResults))
	}
	r := ct.EvalResults[0]
	if r.MetricType != "accuracy" || r.MetricValue != 0.85 || r.DatasetConfig != "overall" {
		t.Errorf("result 0 = %+v", r)
	}
	if lo, hi, ok := confidenceInterval(r.MetricArgs); !ok || lo != "0.84" || hi != "0.86" {
		t.Errorf("confidence interval = %q..%q (%v)", lo, hi, ok)
	}
	if ct.EvalResults[1].MetricValue != "n/a" {
		t.Errorf("result 1 value = %#v, want the text kept", ct.EvalResults[1].MetricValue)
	}
	if _, err := RenderHF(c); err != nil {
		t.Errorf("the card read from the toolkit's format does not render: %v", err)
	}
}

// TestParseMCTErrors checks that faults are reported with their JSON path
// and place.
func TestParseMCTErrors(t *testing.T) {
	tests := []struct {
		name, in   string
		code, path string
		line, col  int
		fix        string
	}{
		{"syntax", "{\n  \"model_details\": {\n    \"name\": \"x\",\n  }\n}", "mct.syntax", "", 4, 3, "syntax"},
		{"trailing data", `{"model_details": {}} {}`, "mct.syntax", "", 1, 23, "one JSON object"},
		{"not an object", `[1, 2]`, "mct.type", "$", 1, 1, "an object"},
		{"unknown top-level key", "{\n  \"model_detail\": {}\n}", "mct.unknown-key", "$", 1, 1, `did you mean "model_details"`},
		{"number for text", "{\"model_details\": {\"version\": {\"name\": 2}}}", "mct.type", "$.model_details.version.name", 1, 40, "quotes"},
		{"license with neither", "{\"model_details\": {\"licenses\": [{}]}}", "mct.one-of", "$.model_details.licenses[0]", 1, 33, "exactly one"},
		{"license with both", "{\"model_details\": {\"licenses\": [{\"identifier\": \"MIT\", \"custom_text\": \"x\"}]}}", "mct.one-of", "$.model_details.licenses[0]", 1, 33, "exactly one"},
		{"relative reference", "{\"model_details\": {\"references\": [{\"reference\": \"docs/x.md\"}]}}", "mct.format", "$.model_details.references[0].reference", 1, 49, "full link"},
		{"bad date", "{\"model_details\": {\"version\": {\"date\": \"March 2024\"}}}", "mct.format", "$.model_details.version.date", 1, 40, "YYYY-MM-DD"},
		{"list for object", "{\"considerations\": []}", "mct.type", "$.considerations", 1, 20, "an object"},
		{"empty", "  ", "mct.empty", "", 0, 0, "JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMCT([]byte(tt.in), "in.json")
			var fe *InputFormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want an *InputFormatError", err)
			}
			p := fe.Problems[0]
			if p.Code != tt.code || p.Field != tt.path || p.Line != tt.line || p.Column != tt.col || p.File != "in.json" {
				t.Errorf("problem = %+v\nwant code %s path %q at %d:%d", p, tt.code, tt.path, tt.line, tt.col)
			}
			if !strings.Contains(p.Fix+p.Message, tt.fix) {
				t.Errorf("problem %q does not say %q", p.String(), tt.fix)
			}
			if !strings.Contains(err.Error(), "in.json") {
				t.Errorf("message does not name the file: %v", err)
			}
		})
	}
	if _, err := ParseMCT([]byte("{\"model_details\": {\"name\": \"caf\xe9\"}}"), "x"); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

// FuzzParseMCT checks that any input gives a card or an error, never a
// panic, and that a card read renders back to a valid toolkit card.
func FuzzParseMCT(f *testing.F) {
	f.Add([]byte(`{"model_details": {"name": "x", "licenses": [{"identifier": "MIT"}]}}`))
	f.Add([]byte(`{"quantitative_analysis": {"performance_metrics": [{"type": "acc", "value": "0.5", "slice": "a/b"}]}}`))
	if data, err := os.ReadFile(filepath.Join("testdata", "mct", "census.json")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseMCT(data, "fuzz.json")
		if err != nil {
			var fe *InputFormatError
			if errors.As(err, &fe) && len(fe.Problems) == 0 {
				t.Fatal("an input error without problems")
			}
			return
		}
		out, err := RenderMCT(c)
		if err != nil {
			t.Fatalf("a card read from the toolkit's format does not render back: %v", err)
		}
		if _, err := ParseMCT(out, "again.json"); err != nil {
			t.Fatalf("the rendered card does not read back: %v\n%s", err, out)
		}
	})
}
