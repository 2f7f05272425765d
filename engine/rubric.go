package engine

import (
	"fmt"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
)

// This file computes the rubric features of a card: the yes/no facts that
// the standards (standards.go) score. It runs on every card of audits over
// millions of cards, so the body is read in one pass per section with byte
// tests only: no regular expressions, no allocation per line.

// RubricFeature is one yes/no fact about a card that the standards score:
// a canonical section is present, is filled (holds real text, not a
// placeholder), is long; a metadata field is present or valid; the card
// holds a code example, a BibTeX entry, a results table, a statement of who
// built the model, and so on.
type RubricFeature struct {
	// ID names the feature: "section.<id>.present|filled|long",
	// "meta.<key>.present|valid", "content.<what>".
	ID string
	// Doc says what the feature means.
	Doc string
}

// rubricMeta lists the metadata keys whose presence is a rubric feature.
var rubricMeta = [...]string{
	"license", "language", "library_name", "tags", "datasets", "metrics",
	"base_model", "pipeline_tag", "model-index", "co2_eq_emissions",
}

// rubricValid lists the metadata keys whose validity is a rubric feature.
var rubricValid = []string{"license", "language", "pipeline_tag", "model-index"}

// rubricContent lists the content features. New features go at the end so
// that the index of every existing feature stays where it was.
var rubricContent = []RubricFeature{
	{"content.code_example", "the body holds a fenced code block"},
	{"content.bibtex", "the body holds a BibTeX entry (@article{, @inproceedings{, @misc{, ...)"},
	{"content.results_table", "the body holds a table with numbers in an evaluation section"},
	{"content.eval_results", "structured evaluation results: a valid model-index, or a results table"},
	{"content.links", "the body links to other resources (http links)"},
	{"content.contact", "the card says how to reach its authors (a filled contact section, a contact line, an e-mail link or an issue tracker)"},
	{"content.no_placeholders", "the card holds no placeholder or needs-information markers"},
	{"content.title", "the card names the model: a level-1 heading that is not the template's placeholder, or a model name in the metadata"},
	{"content.summary", "the card opens with a summary (text before the first heading or under the title) or has a filled model description"},
	{"content.developed_by", "the card names who developed or provides the model (a \"Developed by\" line, \"created by ...\", model_creator in the metadata)"},
	{"content.version", "the card states the model's version (a version line, or version in the metadata)"},
	{"content.release_date", "the card states when the model was released or last updated"},
	{"content.changelog", "the card records changes between versions (changelog, release notes, updates, version history)"},
	{"content.architecture", "the card describes the model's type or architecture"},
	{"content.input_output", "the card specifies the model's inputs or outputs (formats, shapes, resolution, context length)"},
	{"content.intended_users", "the card says who the model is meant for (intended users, target audience)"},
	{"content.tradeoffs", "the card discusses trade-offs"},
	{"content.figures", "the body holds images or plots"},
	{"content.uncertainty", "the card reports uncertainty or decision thresholds (confidence intervals, standard deviations or errors, error bars, ±, thresholds)"},
	{"content.fairness", "the card discusses fairness or performance across groups (demographics, subgroups, disaggregated results)"},
	{"content.privacy", "the card discusses personal or sensitive data and privacy"},
	{"content.risk_mitigation", "the card describes how risks are assessed or mitigated (mitigations, red-teaming, safeguards, risk management)"},
	{"content.human_oversight", "the card describes human oversight of the model's use (human review, human in the loop)"},
	{"content.monitoring", "the card describes monitoring after release (monitoring, post-market, incident reporting, drift)"},
	{"content.security", "the card addresses robustness and security (adversarial inputs, jailbreaks, prompt injection, poisoning)"},
	{"content.standards", "the card names technical standards or frameworks it follows (ISO/IEC, harmonised standards, NIST AI RMF, IEEE)"},
	{"content.license", "the card states a license: in the metadata, a filled license section or a license line"},
}

// rubricTable is the ordered list of rubric features; built once from the
// canonical sections, then read-only.
var rubricTable, rubricIndex = buildRubricTable()

func buildRubricTable() ([]RubricFeature, map[string]int) {
	var t []RubricFeature
	for _, s := range card.CanonicalSections() {
		id := string(s.ID)
		t = append(t,
			RubricFeature{"section." + id + ".present", fmt.Sprintf("a %q section is present", s.Title)},
			RubricFeature{"section." + id + ".filled", fmt.Sprintf("the %q section holds real text, not a placeholder", s.Title)},
			RubricFeature{"section." + id + ".long", fmt.Sprintf("the %q section holds at least %d letters and digits", s.Title, longSection)},
		)
	}
	for _, k := range rubricMeta {
		t = append(t, RubricFeature{"meta." + k + ".present", fmt.Sprintf("the metadata has %s", k)})
	}
	for _, k := range rubricValid {
		t = append(t, RubricFeature{"meta." + k + ".valid", fmt.Sprintf("the metadata's %s is valid for the Hub", k)})
	}
	t = append(t, rubricContent...)
	idx := make(map[string]int, len(t))
	for i, f := range t {
		if _, dup := idx[f.ID]; dup {
			panic("engine: rubric feature " + f.ID + " listed twice")
		}
		idx[f.ID] = i
	}
	if len(t) > maxRubric {
		panic(fmt.Sprintf("engine: %d rubric features, RubricBits holds %d", len(t), maxRubric))
	}
	return t, idx
}

// Thresholds of section text, in letters and digits.
const (
	filledSection = 20
	longSection   = 400
)

// maxRubric is the capacity of RubricBits.
const maxRubric = 256

// RubricFeatures returns the rubric features in feature order.
func RubricFeatures() []RubricFeature {
	out := make([]RubricFeature, len(rubricTable))
	copy(out, rubricTable)
	return out
}

// NumRubric returns the number of rubric features.
func NumRubric() int { return len(rubricTable) }

// RubricIndex returns the feature index of a rubric feature id.
func RubricIndex(id string) (int, bool) {
	i, ok := rubricIndex[id]
	return i, ok
}

// RubricBits is the set of rubric features a card has, one bit each.
type RubricBits [maxRubric / 64]uint64

// Has reports whether feature i is set.
func (b *RubricBits) Has(i int) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }

// Set sets feature i.
func (b *RubricBits) Set(i int) { b[i>>6] |= 1 << (uint(i) & 63) }

// mustRubric returns the index of a feature of the table; a miss is a bug.
func mustRubric(id string) int {
	i, ok := rubricIndex[id]
	if !ok {
		panic("engine: unknown rubric feature " + id)
	}
	return i
}

// The indexes of the features rubricOf sets by name.
var (
	fMetaPresent = func() (out [len(rubricMeta)]int) {
		for i, k := range rubricMeta {
			out[i] = mustRubric("meta." + k + ".present")
		}
		return out
	}()
	fLicensePresent    = mustRubric("meta.license.present")
	fModelIndexPresent = mustRubric("meta.model-index.present")
	fLicenseValid      = mustRubric("meta.license.valid")
	fLanguageValid     = mustRubric("meta.language.valid")
	fPipelineValid     = mustRubric("meta.pipeline_tag.valid")
	fModelIndexValid   = mustRubric("meta.model-index.valid")
	fCodeExample       = mustRubric("content.code_example")
	fBibTeX            = mustRubric("content.bibtex")
	fResultsTable      = mustRubric("content.results_table")
	fEvalResults       = mustRubric("content.eval_results")
	fLinks             = mustRubric("content.links")
	fContact           = mustRubric("content.contact")
	fNoPlaceholders    = mustRubric("content.no_placeholders")
	fTitle             = mustRubric("content.title")
	fSummary           = mustRubric("content.summary")
	fDevelopedBy       = mustRubric("content.developed_by")
	fVersion           = mustRubric("content.version")
	fArchitecture      = mustRubric("content.architecture")
	fFigures           = mustRubric("content.figures")
	fUncertainty       = mustRubric("content.uncertainty")
	fLicense           = mustRubric("content.license")
)

// sectionFeature indexes the three features of each canonical section.
type sectionFeature struct{ present, filled, long int }

// sectionFeatures maps a canonical section id to its feature indexes.
var sectionFeatures = func() map[card.SectionID]sectionFeature {
	out := map[card.SectionID]sectionFeature{}
	for _, s := range card.CanonicalSections() {
		id := "section." + string(s.ID)
		out[s.ID] = sectionFeature{rubricIndex[id+".present"], rubricIndex[id+".filled"], rubricIndex[id+".long"]}
	}
	return out
}()

// rubricOf computes the rubric bits of a card.
func rubricOf(c *card.Card, bits *RubricBits) {
	*bits = RubricBits{}
	if c.Body != nil {
		w := rubricWalk{b: c.Body, bits: bits, firstH1: true}
		w.walk()
		contentRubric(c, bits)
	}
	m := c.Meta
	for i, k := range rubricMeta {
		if !m.IsNull(k) {
			bits.Set(fMetaPresent[i])
		}
	}
	if lic := m.String("license"); lic != "" && card.IsHubLicense(lic) && (lic != "other" || m.String("license_name") != "") {
		bits.Set(fLicenseValid)
	}
	if langs := m.Strings("language"); len(langs) > 0 {
		ok := true
		for _, l := range langs {
			if !card.IsISO639(l) && l != "multilingual" {
				ok = false
				break
			}
		}
		if ok {
			bits.Set(fLanguageValid)
		}
	}
	if tag := m.String("pipeline_tag"); tag != "" && card.IsHubTask(tag) {
		bits.Set(fPipelineValid)
	}
	if bits.Has(fModelIndexPresent) && modelIndexValid(m) {
		bits.Set(fModelIndexValid)
		bits.Set(fEvalResults)
	}
	metaContent(c, bits)
}

// metaContent sets the content features that the metadata or the
// structured content can also show.
func metaContent(c *card.Card, bits *RubricBits) {
	m := c.Meta
	if c.Content.ModelID != "" || c.Content.PrettyName != "" || m.String("model_name") != "" {
		bits.Set(fTitle)
	}
	if c.Content.DevelopedBy != "" || m.String("model_creator") != "" {
		bits.Set(fDevelopedBy)
	}
	if c.Content.Version != "" || m.String("version") != "" || m.String("model_version") != "" {
		bits.Set(fVersion)
	}
	if bits.Has(fLicensePresent) {
		bits.Set(fLicense)
	}
	if f := sectionFeatures[card.SecArchitecture]; bits.Has(f.filled) {
		bits.Set(fArchitecture)
	}
	if f := sectionFeatures[card.SecModelDescription]; bits.Has(f.filled) {
		bits.Set(fSummary)
	}
	if f := sectionFeatures[card.SecContact]; bits.Has(f.filled) {
		bits.Set(fContact)
	}
	if f := sectionFeatures[card.SecLicense]; bits.Has(f.filled) {
		bits.Set(fLicense)
	}
}

// modelIndexValid reports whether the model-index has no error by the
// Hub's rules and holds at least one result. The check is the one the
// validator makes, computed once per card.
func modelIndexValid(m *card.Metadata) bool {
	for _, issue := range m.ModelIndexIssues() {
		if !issue.Warning {
			return false
		}
	}
	return m.ScalarAt([]any{"model-index", 0, "results", 0, "metrics", 0, "type"}) != ""
}

// rubricWalk walks a body's sections once: it measures each section's text,
// sets the section features, and looks for the phrases of the content
// features in the text and in the titles of sections that hold text.
type rubricWalk struct {
	b       *card.Body
	bits    *RubricBits
	firstH1 bool
}

// walk visits the preamble and every section.
func (w *rubricWalk) walk() {
	if scanText(w.b.Text[:min(w.b.Preamble, len(w.b.Text))], w.bits) >= filledSection {
		w.bits.Set(fSummary)
	}
	for _, s := range w.b.Sections {
		w.visit(s)
	}
}

// visit measures a section, children included, and sets its features: a
// section counts for its canonical id and for the canonical ids above it (a
// lone "Direct Use" heading also means the card has a "Uses" section).
func (w *rubricWalk) visit(s *card.Section) int {
	n := scanText(w.b.OwnText(s), w.bits)
	cardTitle := false
	if s.Level == 1 && w.firstH1 {
		// The first level-1 heading is the card's title: it names the
		// model, its text is the summary, its words are no section's.
		w.firstH1, cardTitle = false, true
		if n >= filledSection {
			w.bits.Set(fSummary)
		}
		if titleNamesModel(s.Title) {
			w.bits.Set(fTitle)
		}
	}
	for _, ch := range s.Children {
		n += w.visit(ch)
	}
	if s.Canonical != "" {
		markSection(s.Canonical, n, w.bits)
	}
	if n >= filledSection && !cardTitle {
		scanTitle(s.Title, w.bits)
	}
	return n
}

// titleNamesModel reports whether a level-1 title names a model: it has a
// few letters or digits and is not the Hub template's unfilled title.
func titleNamesModel(title string) bool {
	if countAlnum(title) < 2 || strings.Contains(title, "{{") {
		return false
	}
	const tmplHead, tmplName = "model card for ", "model id"
	if !hasPrefixFold(title, tmplHead) {
		return true
	}
	name := strings.TrimSpace(title[len(tmplHead):])
	return len(name) != len(tmplName) || !hasPrefixFold(name, tmplName)
}

// markSection sets the features of a section and of its canonical parents.
func markSection(id card.SectionID, n int, bits *RubricBits) {
	for {
		f, ok := sectionFeatures[id]
		if ok {
			bits.Set(f.present)
			if n >= filledSection {
				bits.Set(f.filled)
			}
			if n >= longSection {
				bits.Set(f.long)
			}
		}
		i := strings.LastIndexByte(string(id), '.')
		if i < 0 {
			return
		}
		id = id[:i]
	}
}

// meaningfulLen counts the letters and digits of a section's text that say
// something: see scanText for what it leaves out.
func meaningfulLen(text string) int {
	var scratch RubricBits
	return scanText(text, &scratch)
}

// Placeholders and template text that do not count as content.
const (
	// placeholderText is the Hub template's text for an unfilled section.
	placeholderText = "[More Information Needed]"
	// trainerPlaceholder is what the transformers Trainer writes into the
	// sections of the cards it generates.
	trainerPlaceholder = "More information needed"
	// needsInfoPrefix starts the needs-information marker lines.
	needsInfoPrefix = "> **Needs information**"
)

// templateBoilerplate are the starts of the fixed sentences of the Hub
// template, which say nothing about the model.
var templateBoilerplate = [...]string{
	"This is the model card of a ",
	"Users (both direct and downstream) should be made aware",
	"Carbon emissions can be estimated using the",
	"Use the code below to get started with the model",
}

// scanText reads a run of section text once. It returns the number of its
// letters and digits (bytes of non-ASCII characters count too) that say
// something, leaving out HTML comments, needs-information marker lines,
// lines that hold the Hub template's "[More Information Needed]"
// placeholder (a "**Developed by:** [More Information Needed]" line says
// nothing), the Trainer's "More information needed" lines and the Hub
// template's fixed sentences. On the way it sets the content features whose
// phrases it finds outside code blocks and comments.
func scanText(text string, bits *RubricBits) int {
	n := 0
	var fence byte // '`' or '~' inside a fenced code block
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		t := trimSpaceLeft(line)
		closing := false
		if len(t) >= 3 && (t[0] == '`' || t[0] == '~') && t[1] == t[0] && t[2] == t[0] {
			switch {
			case fence == 0:
				fence = t[0]
			case fence == t[0]:
				closing = true
			}
		}
		if fence == 0 && skipLine(t) {
			continue
		}
		lineN, placeholder := 0, false
		atStart := true // only markers so far on the line
		for i := 0; i < len(line); i++ {
			c := line[i]
			cl := byteClass[c]
			if cl&bcWord != 0 {
				// A word starts here (the loop below reads words whole):
				// look for phrases, then count the word in one go.
				if cl&bcLetter != 0 && fence == 0 && i+2 < len(line) && phraseStarts.has(line[i], line[i+1], line[i+2]) {
					matchPhrases(line, i, atStart, text, false, bits)
				}
				for {
					lineN += int(cl>>bcCountShift) & 1
					atStart = atStart && cl&bcMarker != 0
					if i+1 == len(line) {
						break
					}
					if cl = byteClass[line[i+1]]; cl&bcWord == 0 {
						break
					}
					i++
				}
				continue
			}
			if cl&bcSpecial != 0 {
				if c == '<' && strings.HasPrefix(line[i:], "<!--") {
					end := strings.Index(line[i+4:], "-->")
					if end < 0 {
						// The comment runs on: skip to its end in the text.
						if j := strings.Index(text, "-->"); j >= 0 {
							text = text[j+3:]
						} else {
							text = ""
						}
						break
					}
					i += 4 + end + 2
					continue
				}
				if c == '[' && strings.HasPrefix(line[i:], placeholderText) {
					placeholder = true
					i += len(placeholderText) - 1
					continue
				}
			}
			if cl&bcCount != 0 {
				lineN++
			}
			if cl&bcMarker == 0 {
				atStart = false
			}
		}
		if !placeholder {
			n += lineN
		}
		if closing {
			fence = 0
		}
	}
	return n
}

// skipLine reports whether a line, its indentation trimmed, is a marker,
// a placeholder or template text.
func skipLine(t string) bool {
	if len(t) == 0 {
		return false
	}
	switch t[0] {
	case '>':
		return strings.HasPrefix(t, needsInfoPrefix)
	case 'M':
		if strings.HasPrefix(t, trainerPlaceholder) {
			return strings.Trim(t[len(trainerPlaceholder):], " \t.\r") == ""
		}
	case 'T', 'U', 'C':
		for _, p := range templateBoilerplate {
			if strings.HasPrefix(t, p) {
				return true
			}
		}
	}
	return false
}

// scanTitle sets the content features whose phrases a section title holds;
// it is called for sections that hold text, so no value check is needed.
func scanTitle(title string, bits *RubricBits) {
	atStart, prevWord := true, false
	for i := 0; i < len(title); i++ {
		c := title[i]
		word := isWordByte(c)
		if word && !prevWord {
			if lc := c | 0x20; lc >= 'a' && lc <= 'z' {
				matchPhrases(title, i, atStart, "", true, bits)
			}
		}
		if atStart && !isLineMarker(c) {
			atStart = false
		}
		prevWord = word
	}
}

// phraseMode says where a phrase counts.
type phraseMode uint8

const (
	// anywhere: at the start of any word.
	anywhere phraseMode = iota
	// valued: at the start of any word, followed on its line (or on the
	// next line) by a value that is not a placeholder.
	valued
	// label: the first word of a line (after list, quote, table, emphasis
	// and numbering markers), followed by a value as for valued.
	label
	// tag: a label that a colon or a table bar follows, then a value
	// ("Version: 2.1", "**Authors**: ...", "| Date | 2024-01 |"); for
	// single words that start prose lines too ("Update your ...").
	tag
)

// phrase is one phrase of a content feature.
type phrase struct {
	// text is lower-case ASCII.
	text string
	// open is true when the phrase may end inside a word ("mitigat"
	// matches "mitigation").
	open bool
	// digit is true when the value must hold a digit (a version, a date).
	digit   bool
	mode    phraseMode
	feature int
}

// phraseSpecs lists the phrases of each content feature that is found in
// the text. A trailing '*' makes a phrase open.
var phraseSpecs = []struct {
	feature string
	mode    phraseMode
	digit   bool
	texts   []string
}{
	{"content.developed_by", valued, false, []string{
		"developed by", "created by", "built by", "maintained by", "released by", "published by",
		"provided by", "shared by", "authored by", "model developer*", "model creator*", "model provider*",
	}},
	{"content.developed_by", tag, false, []string{
		"author", "authors", "developer", "developers", "creator", "creators", "organization",
		"organisation", "maintainer*", "publisher", "provider", "owner", "owners",
	}},
	{"content.version", tag, true, []string{"version"}},
	{"content.version", label, true, []string{
		"model version", "current version", "release version", "checkpoint version",
	}},
	{"content.release_date", valued, true, []string{
		"release date", "model date*", "released on", "released in", "date of release", "last updated",
		"trained between", "publication date",
	}},
	{"content.release_date", tag, true, []string{"date", "released", "updated", "last update", "release"}},
	{"content.changelog", anywhere, false, []string{
		"changelog*", "version history", "release notes", "revision history",
	}},
	{"content.changelog", tag, false, []string{
		"change log", "changes", "updates", "update", "news", "what's new", "history",
	}},
	{"content.architecture", anywhere, false, []string{
		"architecture*", "decoder-only", "encoder-decoder", "encoder-only", "backbone*",
	}},
	{"content.architecture", valued, false, []string{"model type", "model architecture", "base architecture"}},
	{"content.input_output", anywhere, false, []string{
		"input format*", "output format*", "input shape*", "output shape*", "input size*",
		"input resolution*", "input length", "context length", "context window", "as input", "as output",
		"sampling rate", "input image*", "input text*", "output image*", "input data",
	}},
	{"content.input_output", tag, false, []string{"input*", "output*"}},
	{"content.intended_users", anywhere, false, []string{
		"intended users", "intended user", "primary users", "target users", "target audience",
		"intended audience", "intended for researchers", "intended for research", "intended for use by",
		"designed for researchers", "aimed at researchers", "researchers and developers", "users of this model",
	}},
	{"content.tradeoffs", anywhere, false, []string{"trade-off*", "tradeoff*", "trade off*"}},
	{"content.uncertainty", anywhere, false, []string{
		"confidence interval*", "standard deviation*", "standard error*", "std", "stderr", "std dev",
		"error bar*", "variance", "uncertaint*", "decision threshold*", "classification threshold*",
		"operating point*",
	}},
	{"content.fairness", anywhere, false, []string{
		"fairness", "unfair*", "disaggregat*", "demographic*", "subgroup*", "sub-group*",
		"protected attribute*", "protected group*", "protected characteristic*", "gender*",
		"ethnicit*", "racial", "race", "skin tone*", "age group*", "underrepresented",
		"under-represented", "discrimination", "discriminatory", "stereotyp*",
	}},
	{"content.privacy", anywhere, false, []string{
		"privacy", "private data", "personal data", "personal information", "personally identifiable",
		"pii", "sensitive data", "sensitive information", "sensitive attribute*", "gdpr", "anonymi*",
		"de-identif*", "deidentif*", "data protection", "consent",
	}},
	{"content.risk_mitigation", anywhere, false, []string{
		"mitigat*", "risk management", "risk assessment*", "red team*", "red-team*", "redteam*",
		"safeguard*", "guardrail*", "safety filter*", "content filter*", "safety checker*",
		"moderation", "safety tuning", "safety evaluation*", "safety alignment",
	}},
	{"content.human_oversight", anywhere, false, []string{
		"human oversight", "oversight", "human-in-the-loop", "human in the loop", "human review*",
		"human supervision", "human judgment", "human judgement",
		"human verification", "human validation", "manual review*", "manually review*",
		"reviewed by a human", "reviewed by humans", "human-reviewed",
	}},
	{"content.monitoring", anywhere, false, []string{
		"post-market", "post market", "incident report*", "report incidents", "model drift", "data drift",
		"concept drift", "drift detection", "monitor the model*", "monitor model*", "monitoring the model*",
		"model monitoring", "performance monitoring", "monitor its performance", "monitor performance",
		"monitor the outputs", "monitor outputs", "production monitoring", "continuous monitoring",
		"ongoing monitoring", "monitoring plan*",
	}},
	{"content.security", anywhere, false, []string{
		"security", "cybersecurity", "cyber security", "cyber-security", "adversarial*",
		"jailbreak*", "prompt injection*", "poisoning", "backdoor*", "vulnerabilit*",
		"malicious input*", "evasion attack*",
	}},
	{"content.standards", anywhere, false, []string{
		"iso/iec", "iso 42001", "iso 23894", "iso 27001", "harmonised standard*",
		"harmonized standard*", "nist ai rmf", "ai risk management framework", "ieee 7000",
		"ieee 7001", "ieee p7*", "cen-cenelec", "cenelec",
	}},
	{"content.license", valued, false, []string{
		"licensed under", "licenced under", "released under", "distributed under", "available under the",
	}},
	{"content.license", tag, false, []string{"license", "licence", "licensing", "model license"}},
	{"content.contact", tag, false, []string{"contact*"}},
}

// phraseKey returns the slot of phraseTable for a word that starts with the
// bytes a and b (a a letter): the first letter, then the second one or 26
// for anything else.
func phraseKey(a, b byte) int {
	k := int(a|0x20-'a') * 27
	if byteClass[b]&bcLetter != 0 {
		return k + int(b|0x20-'a')
	}
	return k + 26
}

// phraseTable holds the phrases by the first two bytes of their text; built
// once, then read-only.
var phraseTable = func() (t [26 * 27][]phrase) {
	for _, spec := range phraseSpecs {
		f := mustRubric(spec.feature)
		for _, text := range spec.texts {
			p := phrase{text: text, mode: spec.mode, digit: spec.digit, feature: f}
			if strings.HasSuffix(text, "*") {
				p.text, p.open = text[:len(text)-1], true
			}
			if len(p.text) < 2 || p.text[0] < 'a' || p.text[0] > 'z' || strings.ToLower(p.text) != p.text {
				panic("engine: phrase " + text + " must start with a lower-case letter and be lower case")
			}
			k := phraseKey(p.text[0], p.text[1])
			t[k] = append(t[k], p)
		}
	}
	return t
}()

// phraseStartSet is the set of the first three bytes of the phrases,
// folded as phraseKey folds them and the third byte as a letter or
// anything else: a filter that lets scanText pass over most words without
// looking at the phrases. Every phrase is at least three bytes long.
type phraseStartSet [(26*27*27 + 63) / 64]uint64

// key returns the slot of three bytes, a a letter.
func (phraseStartSet) key(a, b, c byte) int {
	k := phraseKey(a, b) * 27
	if byteClass[c]&bcLetter != 0 {
		return k + int(c|0x20-'a')
	}
	return k + 26
}

// has reports whether some phrase may start with the bytes a, b, c (a a
// letter).
func (s *phraseStartSet) has(a, b, c byte) bool {
	k := s.key(a, b, c)
	return s[k>>6]&(1<<(uint(k)&63)) != 0
}

// phraseStarts holds the starts of every phrase of phraseTable; built
// once, then read-only.
var phraseStarts = func() (s phraseStartSet) {
	for _, list := range phraseTable {
		for _, p := range list {
			if len(p.text) < 3 {
				panic("engine: phrase " + p.text + " is shorter than three bytes")
			}
			k := s.key(p.text[0], p.text[1], p.text[2])
			s[k>>6] |= 1 << (uint(k) & 63)
		}
	}
	return s
}()

// matchPhrases looks for the phrases that start at s[i], a word start.
// atStart tells whether only markers come before it on its line; next is
// the text after the line, for the value of a phrase that ends its line.
// In a title (heading) no value is needed.
func matchPhrases(s string, i int, atStart bool, next string, heading bool, bits *RubricBits) {
	rest := s[i:]
	if len(rest) < 2 {
		return
	}
	list := phraseTable[phraseKey(rest[0], rest[1])]
	for k := range list {
		p := &list[k]
		if !bits.Has(p.feature) && p.matchAt(rest, atStart, next, heading) {
			bits.Set(p.feature)
		}
	}
}

// matchAt reports whether the phrase matches at the start of rest, a word
// start; the other arguments are those of matchPhrases.
func (p *phrase) matchAt(rest string, atStart bool, next string, heading bool) bool {
	if len(rest) < len(p.text) || (p.mode >= label && !atStart) || !hasPrefixFold(rest, p.text) {
		return false
	}
	end := len(p.text)
	if p.open {
		// The value starts after the whole word ("Inputs: ...").
		for end < len(rest) && isWordByte(rest[end]) {
			end++
		}
	} else if end < len(rest) && isWordByte(rest[end]) {
		return false
	}
	if heading || p.mode == anywhere {
		return true
	}
	after := rest[end:]
	if p.mode == tag {
		after = strings.TrimLeft(after, " \t*_`")
		if after == "" || (after[0] != ':' && after[0] != '|') {
			return false
		}
		if after[0] == '|' {
			// A table row: the value is the next cell.
			after = after[1:]
			if j := strings.IndexByte(after, '|'); j >= 0 {
				after = after[:j]
			}
			return hasValue(after, "", p.digit)
		}
		after = after[1:]
	}
	return hasValue(after, next, p.digit)
}

// hasValue reports whether after, the rest of a line after a label, holds a
// value: at least two letters or digits (one of them a digit when digit is
// set) and no placeholder. When the line holds nothing after the label, the
// first non-blank line of next counts instead, unless it is a heading.
func hasValue(after, next string, digit bool) bool {
	if n, ph, d := valueOf(after); ph || n >= 2 {
		return !ph && n >= 2 && (d || !digit)
	}
	for range 2 {
		if next == "" {
			return false
		}
		line := next
		if j := strings.IndexByte(next, '\n'); j >= 0 {
			line, next = next[:j], next[j+1:]
		} else {
			next = ""
		}
		t := trimSpaceLeft(line)
		if t == "" || t == "\r" {
			continue
		}
		if t[0] == '#' {
			return false
		}
		n, ph, d := valueOf(t)
		return !ph && n >= 2 && (d || !digit)
	}
	return false
}

// valueOf counts the letters and digits of a value and reports whether it
// holds a placeholder and whether it holds a digit.
func valueOf(s string) (n int, placeholder, digit bool) {
	if strings.Contains(s, placeholderText) || strings.Contains(s, trainerPlaceholder) || strings.Contains(s, "{{") {
		return 0, true, false
	}
	return countAlnum(s), false, strings.ContainsAny(s, "0123456789")
}

// countAlnum counts ASCII letters and digits and the bytes of non-ASCII
// characters.
func countAlnum(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || isWordByte(c) && c != '_' {
			n++
		}
	}
	return n
}

// Byte classes for the scanning loops.
const (
	// bcWord: an ASCII letter, digit or underscore.
	bcWord = 1 << iota
	// bcLetter: an ASCII letter.
	bcLetter
	// bcCount: counts toward a section's length (ASCII letters and digits,
	// bytes of non-ASCII characters).
	bcCount
	// bcMarker: may come before the first word of a line (isLineMarker).
	bcMarker
	// bcSpecial: may start a comment or a placeholder.
	bcSpecial
)

// bcCountShift is the bit of bcCount, which scanText adds without a
// branch. The two constants below compile only while they agree.
const bcCountShift = 2

const (
	_ = uint(bcCount - 1<<bcCountShift)
	_ = uint(1<<bcCountShift - bcCount)
)

// byteClass holds the classes of every byte; built once, then read-only.
var byteClass = func() (t [256]uint8) {
	for c := range 256 {
		b := byte(c)
		var cl uint8
		if isWordByte(b) {
			cl |= bcWord
			if b != '_' {
				cl |= bcCount
			}
		}
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' {
			cl |= bcLetter
		}
		if b >= 0x80 {
			cl |= bcCount
		}
		if isLineMarker(b) {
			cl |= bcMarker
		}
		if b == '<' || b == '[' {
			cl |= bcSpecial
		}
		t[c] = cl
	}
	return t
}()

// isWordByte reports whether c is an ASCII letter, digit or underscore.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// isLineMarker reports whether c may come before the first word of a line
// without making it prose: indentation, list, quote, table, emphasis,
// heading, numbering and link markers.
func isLineMarker(c byte) bool {
	switch c {
	case ' ', '\t', '>', '*', '_', '-', '+', '|', '#', '.', ')', '(', '`', '[', ':':
		return true
	}
	return c >= '0' && c <= '9'
}

// hasPrefixFold reports whether s starts with prefix, ASCII letters
// compared without case; prefix is lower case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for j := 0; j < len(prefix); j++ {
		c := s[j]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[j] {
			return false
		}
	}
	return true
}

// trimSpaceLeft trims leading spaces and tabs.
func trimSpaceLeft(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	return s
}

// contentRubric sets the content features found by searching the whole
// body.
func contentRubric(c *card.Card, bits *RubricBits) {
	text := c.Body.Text
	if strings.Contains(text, "```") || strings.Contains(text, "~~~") {
		bits.Set(fCodeExample)
	}
	if hasBibTeX(text) {
		bits.Set(fBibTeX)
	}
	links, mailto := colonLinks(text)
	if links {
		bits.Set(fLinks)
	}
	if mailto || strings.Contains(text, "/issues") {
		bits.Set(fContact)
	}
	if strings.Contains(text, "![") || strings.Contains(text, "<img") {
		bits.Set(fFigures)
	}
	if strings.Contains(text, "±") || strings.Contains(text, "+/-") {
		bits.Set(fUncertainty)
	}
	if results := resultsSection(c.Body); results != "" && hasNumericTable(results) {
		bits.Set(fResultsTable)
		bits.Set(fEvalResults)
	}
	if !containsAt(text, placeholderText, "Information Needed]") && !containsAt(text, "**Needs information**", "Needs information**") && !hasTrainerPlaceholder(text) {
		bits.Set(fNoPlaceholders)
	}
}

// colonLinks reports whether text holds "http://" or "https://" (links),
// and "mailto:" (mailto). It looks at each colon, a rarer byte than the
// patterns' first letters, in one pass for the three.
func colonLinks(text string) (links, mailto bool) {
	for off := 0; !(links && mailto); {
		i := strings.IndexByte(text[off:], ':')
		if i < 0 {
			break
		}
		i += off
		before := text[:i]
		switch {
		case strings.HasPrefix(text[i:], "://") && (strings.HasSuffix(before, "http") || strings.HasSuffix(before, "https")):
			links = true
		case strings.HasSuffix(before, "mailto"):
			mailto = true
		}
		off = i + 1
	}
	return links, mailto
}

// containsAt reports whether text contains pattern, searching first for
// anchor, a part of pattern that starts with a rarer byte than pattern
// does, and checking the whole pattern around each hit.
func containsAt(text, pattern, anchor string) bool {
	lead := strings.Index(pattern, anchor)
	for off := 0; ; {
		i := strings.Index(text[off:], anchor)
		if i < 0 {
			return false
		}
		if start := off + i - lead; start >= 0 && strings.HasPrefix(text[start:], pattern) {
			return true
		}
		off += i + 1
	}
}

// bibtexKinds are the BibTeX entry types that mark a citation, lower case.
var bibtexKinds = [...]string{
	"article{", "inproceedings{", "misc{", "software{", "techreport{", "book{", "online{",
	"incollection{", "phdthesis{", "unpublished{", "conference{", "inbook{", "mastersthesis{",
}

// hasBibTeX reports whether text holds a BibTeX entry: an "@" followed by
// an entry type (any case) and a brace.
func hasBibTeX(text string) bool {
	for {
		i := strings.IndexByte(text, '@')
		if i < 0 {
			return false
		}
		text = text[i+1:]
		for _, kind := range bibtexKinds {
			if hasPrefixFold(text, kind) {
				return true
			}
		}
	}
}

// hasTrainerPlaceholder reports whether a line of text is the Trainer's
// placeholder.
func hasTrainerPlaceholder(text string) bool {
	for {
		i := strings.Index(text, trainerPlaceholder)
		if i < 0 {
			return false
		}
		if skipLine(trimSpaceLeft(lineAround(text, i))) {
			return true
		}
		text = text[i+len(trainerPlaceholder):]
	}
}

// lineAround returns the line of text that holds byte i.
func lineAround(text string, i int) string {
	start := strings.LastIndexByte(text[:i], '\n') + 1
	end := strings.IndexByte(text[i:], '\n')
	if end < 0 {
		return text[start:]
	}
	return text[start : i+end]
}

// resultsSection returns the text of the card's evaluation or results
// section, children included.
func resultsSection(b *card.Body) string {
	for _, id := range [...]card.SectionID{card.SecResults, card.SecEvaluation} {
		if s := b.Find(id); s != nil && s.End <= len(b.Text) {
			return b.Text[s.ContentStart:s.End]
		}
	}
	return ""
}

// hasNumericTable reports whether text holds a Markdown table row with a
// digit in it.
func hasNumericTable(text string) bool {
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		t := strings.TrimSpace(line)
		if len(t) > 2 && t[0] == '|' && strings.Count(t, "|") >= 3 && strings.ContainsAny(t, "0123456789") && !strings.Contains(t, "---") {
			return true
		}
	}
	return false
}
