package card

import (
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file reads the structured facts of a card back out of its Markdown
// body: the inverse of the Hugging Face renderer for the cards it writes,
// and a best effort for cards written by hand or by other tools.

// ContentFromBody returns the Content of a card read from a Hugging Face
// README: c.Content, with every empty field filled from what the card says.
//
//   - The card's name is the title of its first level-1 heading that is not a
//     canonical section ("Model Card for " dropped, and its translations:
//     see CardTitleFor), and the summary is the
//     text under that title, or the text before the first heading.
//   - Each canonical section fills the Content field it corresponds to
//     (model_details.description fills Description, uses.direct DirectUse,
//     and so on); a parent section without a field of its own fills the
//     field of its main subsection (uses fills DirectUse, training
//     TrainingData). A section's text is its own text plus the subsections
//     that map to no canonical section, headings included.
//   - Fact lists ("- **Developed by:** ...", "- **Repository:** ...",
//     "- **Hardware Type:** ...", "- **Training regime:** ...") fill the
//     matching fields; facts that repeat the metadata (license, language,
//     base model) are dropped from the text when the metadata has them.
//   - Hyperparameters are read from "- name: value" lists and from the
//     renderer's "| Hyperparameter | Value |" table; the BibTeX entry from a
//     fenced block in the citation section, the APA citation from the text
//     after "**APA:**" (or the citation text when there is no BibTeX).
//   - Eval results come from the `model-index` metadata and from the
//     renderer's results table; a table row that matches a model-index
//     result is replaced by that result, which carries more detail.
//   - The family's own section ("Language Model Specifics", ...) and its
//     field headings fill Specifics, keyed by the family's field keys. The
//     family is c.Family, else the one whose section heading the body
//     holds; the headings are read in every language RenderHFWith writes,
//     as are the canonical sections' (see CanonicalFor).
//
// Needs-information markers, the Hub template's "[More Information Needed]"
// placeholders, "More information needed" paragraphs and HTML comments
// that are notes (a template's guidance, a tool's notice or block markers,
// TF Hub's "<!-- task: ... -->" metadata: see isNoteComment) are not facts
// and are dropped; other HTML comments are part of the text and kept as
// written, as are code blocks, read up to their closing fence as CommonMark
// closes them. Text that maps to no field (a training procedure's prose, a
// license section) is left out. ContentFromBody does not change c.
func ContentFromBody(c *Card) Content {
	if c == nil {
		return Content{}
	}
	ct := cloneContent(c.Content)
	var got Content
	x := extractor{meta: c.Meta, got: &got}
	famID := c.Family
	if famID == "" {
		famID = familyFromBody(c.Body)
	}
	if fam, ok := LookupFamily(famID); ok {
		x.fam = &fam
	} else {
		fam, _ := LookupFamily(FamilyGeneric)
		x.fam = &fam
	}
	var miResults []EvalResult
	if c.Meta.Len() > 0 {
		if v, ok := c.Meta.Value("model-index"); ok {
			if name, rs, err := ModelIndexToEvalResults(v); err == nil {
				if len(rs) > 0 {
					miResults = rs
				}
				got.ModelID = name
			}
		}
	}
	if c.Body != nil {
		x.body(c.Body)
	}
	got.EvalResults = mergeResults(x.table, miResults)
	mergeContent(&ct, &got)
	if c.Content.PrettyName == "" && ct.PrettyName == ct.ModelID {
		// A title that only repeats the id is no display name.
		ct.PrettyName = ""
	}
	return ct
}

// cloneContent copies a Content so that its slices and map are not shared.
func cloneContent(ct Content) Content {
	ct.Hyperparameters = slices.Clone(ct.Hyperparameters)
	ct.EvalResults = slices.Clone(ct.EvalResults)
	ct.Specifics = maps.Clone(ct.Specifics)
	return ct
}

// contentStringFields lists the indexes of Content's string fields.
// Read-only after initialisation.
var contentStringFields = func() []int {
	var out []int
	t := reflect.TypeOf(Content{})
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Type.Kind() == reflect.String {
			out = append(out, i)
		}
	}
	return out
}()

// mergeContent fills the empty fields of dst from src.
func mergeContent(dst, src *Content) {
	dv, sv := reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem()
	for _, i := range contentStringFields {
		if hfIsBlank(dv.Field(i).String()) && !hfIsBlank(sv.Field(i).String()) {
			dv.Field(i).SetString(sv.Field(i).String())
		}
	}
	de, se := &dst.Environment, &src.Environment
	for _, p := range [...]struct{ d, s *string }{
		{&de.HardwareType, &se.HardwareType}, {&de.HoursUsed, &se.HoursUsed},
		{&de.CloudProvider, &se.CloudProvider}, {&de.ComputeRegion, &se.ComputeRegion},
		{&de.CarbonEmitted, &se.CarbonEmitted},
	} {
		if hfIsBlank(*p.d) {
			*p.d = *p.s
		}
	}
	if len(dst.Hyperparameters) == 0 {
		dst.Hyperparameters = src.Hyperparameters
	}
	if len(dst.EvalResults) == 0 {
		dst.EvalResults = src.EvalResults
	}
	for k, v := range src.Specifics {
		if hfIsBlank(dst.Specifics[k]) {
			if dst.Specifics == nil {
				dst.Specifics = map[string]string{}
			}
			dst.Specifics[k] = v
		}
	}
}

// extractor gathers the facts of one body.
type extractor struct {
	meta  *Metadata
	fam   *Family
	got   *Content
	b     *Body
	table []EvalResult // rows of the renderer's results table
	title bool         // the title has been read
}

// extractField says where a canonical section's text goes.
type extractField int

const (
	fieldNone extractField = iota
	fieldDescription
	fieldSources
	fieldDirectUse
	fieldDownstreamUse
	fieldOutOfScopeUse
	fieldBiasRisks
	fieldRecommendations
	fieldGetStarted
	fieldTrainingData
	fieldProcedure
	fieldPreprocessing
	fieldHyperparameters
	fieldSpeeds
	fieldTestingData
	fieldFactors
	fieldMetrics
	fieldResults
	fieldResultsSummary
	fieldExamination
	fieldEnvironment
	fieldArchitecture
	fieldHardware
	fieldSoftware
	fieldCitation
	fieldGlossary
	fieldMoreInformation
	fieldCardAuthors
	fieldContact
	fieldDropped
)

// extractTargets maps each canonical section onto the field its text
// fills. Read-only.
var extractTargets = map[SectionID]extractField{
	SecModelDetails:          fieldDescription,
	SecModelDescription:      fieldDescription,
	SecModelSources:          fieldSources,
	SecUses:                  fieldDirectUse,
	SecDirectUse:             fieldDirectUse,
	SecDownstreamUse:         fieldDownstreamUse,
	SecOutOfScopeUse:         fieldOutOfScopeUse,
	SecBiasRisksLimitations:  fieldBiasRisks,
	SecRecommendations:       fieldRecommendations,
	SecEthicalConsiderations: fieldBiasRisks,
	SecGetStarted:            fieldGetStarted,
	SecFamilySpecifics:       fieldMoreInformation,
	SecTraining:              fieldTrainingData,
	SecTrainingData:          fieldTrainingData,
	SecTrainingProcedure:     fieldProcedure,
	SecPreprocessing:         fieldPreprocessing,
	SecHyperparameters:       fieldHyperparameters,
	SecSpeedsSizesTimes:      fieldSpeeds,
	SecEvaluation:            fieldResultsSummary,
	SecTestingFactorsMetrics: fieldTestingData,
	SecTestingData:           fieldTestingData,
	SecFactors:               fieldFactors,
	SecMetrics:               fieldMetrics,
	SecResults:               fieldResults,
	SecResultsSummary:        fieldResultsSummary,
	SecModelExamination:      fieldExamination,
	SecEnvironmentalImpact:   fieldEnvironment,
	SecTechnicalSpecs:        fieldArchitecture,
	SecArchitecture:          fieldArchitecture,
	SecCompute:               fieldHardware,
	SecHardware:              fieldHardware,
	SecSoftware:              fieldSoftware,
	SecCitation:              fieldCitation,
	SecGlossary:              fieldGlossary,
	SecMoreInformation:       fieldMoreInformation,
	SecCardAuthors:           fieldCardAuthors,
	SecContact:               fieldContact,
	SecLicense:               fieldDropped,
}

// textField returns the Content field a plain-text target appends to.
func (x *extractor) textField(f extractField) *string {
	g := x.got
	switch f {
	case fieldDescription:
		return &g.Description
	case fieldDirectUse:
		return &g.DirectUse
	case fieldDownstreamUse:
		return &g.DownstreamUse
	case fieldOutOfScopeUse:
		return &g.OutOfScopeUse
	case fieldBiasRisks:
		return &g.BiasRisksLimitations
	case fieldRecommendations:
		return &g.Recommendations
	case fieldGetStarted:
		return &g.GetStarted
	case fieldTrainingData:
		return &g.TrainingData
	case fieldPreprocessing:
		return &g.Preprocessing
	case fieldSpeeds:
		return &g.SpeedsSizesTimes
	case fieldTestingData:
		return &g.TestingData
	case fieldFactors:
		return &g.Factors
	case fieldMetrics:
		return &g.MetricsDescription
	case fieldResults, fieldResultsSummary:
		return &g.ResultsSummary
	case fieldExamination:
		return &g.ModelExamination
	case fieldArchitecture:
		return &g.Architecture
	case fieldHardware:
		return &g.ComputeHardware
	case fieldSoftware:
		return &g.ComputeSoftware
	case fieldGlossary:
		return &g.Glossary
	case fieldMoreInformation, fieldSources:
		return &g.MoreInformation
	case fieldCardAuthors:
		return &g.CardAuthors
	case fieldContact:
		return &g.Contact
	}
	return nil
}

// claim says what a section is to the extractor.
type claim struct {
	field    extractField
	specific string // the family field key, for a family field heading
	family   bool   // the family's own section heading
}

// claimOf returns what a section is, and false for a section that maps to
// nothing (its text then belongs to its parent).
func (x *extractor) claimOf(s *Section, underFamily bool) (claim, bool) {
	if fam, ok := familyForHeading(s.Title); ok && fam == x.fam.ID {
		return claim{family: true}, true
	}
	if s.Canonical == "" || s.Canonical == SecFamilySpecifics || underFamily {
		if key, ok := familyFieldForHeading(x.fam.ID, s.Title); ok {
			return claim{specific: key}, true
		}
	}
	if underFamily {
		return claim{}, false
	}
	if f, ok := extractTargets[s.Canonical]; ok {
		return claim{field: f}, true
	}
	return claim{}, false
}

// body reads every section of b.
func (x *extractor) body(b *Body) {
	x.b = b
	if b.Preamble > 0 && b.Preamble <= len(b.Text) {
		x.appendText(&x.got.Summary, extractSummaryText(b.Text[:b.Preamble]))
	}
	x.sections(b.Sections, false)
}

// sections reads a list of sibling sections.
func (x *extractor) sections(list []*Section, underFamily bool) {
	for _, s := range list {
		if !x.title && s.Level == 1 && !underFamily && (s.Canonical == "" || isCardTitle(s.Title)) {
			if _, claimed := x.claimOf(s, false); !claimed || isCardTitle(s.Title) {
				x.title = true
				x.readTitle(s)
				continue
			}
		}
		cl, ok := x.claimOf(s, underFamily)
		if !ok {
			// A section that maps to nothing: its claimed subsections are
			// still read.
			x.sections(s.Children, underFamily)
			continue
		}
		x.read(s, cl)
	}
}

// isCardTitle reports whether a heading is a card's title: "Model Card",
// or "Model Card for" a name, or that title in another supported language
// ("Modellkarte für" a name, ...: see CardTitleFor).
func isCardTitle(title string) bool {
	t := plainInline(title)
	if strings.EqualFold(t, "Model Card") {
		return true
	}
	_, ok := cardTitleName(t)
	return ok
}

// readTitle reads the card's title and summary.
func (x *extractor) readTitle(s *Section) {
	name := plainInline(s.Title)
	if n, ok := cardTitleName(name); ok {
		name = n
	}
	if name != "" && !strings.EqualFold(name, "Model Card") {
		x.got.PrettyName = name
	}
	if text := extractSummaryText(x.b.OwnText(s)); text != "" {
		// The text under the title is the summary; badges before the
		// title are not.
		x.got.Summary = text
	}
	x.sections(s.Children, false)
}

// read reads a claimed section: its text without its claimed subsections,
// then those subsections.
func (x *extractor) read(s *Section, cl claim) {
	underFamily := cl.family
	text := x.sectionText(s, underFamily)
	switch {
	case cl.family:
		// The family section's own text is its introduction: dropped.
	case cl.specific != "":
		if t := cleanField(text); t != "" {
			if x.got.Specifics == nil {
				x.got.Specifics = map[string]string{}
			}
			if x.got.Specifics[cl.specific] == "" {
				x.got.Specifics[cl.specific] = t
			}
		}
	default:
		x.readField(cl.field, text)
	}
	for _, child := range s.Children {
		if ccl, ok := x.claimOf(child, underFamily); ok {
			x.read(child, ccl)
		} else {
			x.claimedBelow(child, underFamily)
		}
	}
}

// claimedBelow reads the claimed sections below an unclaimed one, whose
// own text went to its parent.
func (x *extractor) claimedBelow(s *Section, underFamily bool) {
	for _, child := range s.Children {
		if cl, ok := x.claimOf(child, underFamily); ok {
			x.read(child, cl)
		} else {
			x.claimedBelow(child, underFamily)
		}
	}
}

// sectionText returns the text of s after its heading, without the claimed
// sections below it.
func (x *extractor) sectionText(s *Section, underFamily bool) string {
	text := x.b.Text
	if s.ContentStart > s.End || s.End > len(text) {
		return ""
	}
	var b strings.Builder
	pos := s.ContentStart
	var cut func(list []*Section)
	cut = func(list []*Section) {
		for _, c := range list {
			if _, ok := x.claimOf(c, underFamily); ok {
				if c.Start > pos {
					b.WriteString(text[pos:c.Start])
				}
				pos = max(pos, c.End)
				continue
			}
			cut(c.Children)
		}
	}
	cut(s.Children)
	if pos < s.End {
		b.WriteString(text[pos:s.End])
	}
	return b.String()
}

// readField puts a section's text into its field.
func (x *extractor) readField(f extractField, text string) {
	g := x.got
	switch f {
	case fieldDropped, fieldNone:
		return
	case fieldDescription, fieldSources, fieldEnvironment, fieldProcedure, fieldHyperparameters:
		text = x.facts(text, f == fieldHyperparameters || f == fieldProcedure)
		switch f {
		case fieldEnvironment, fieldProcedure, fieldHyperparameters:
			// What is left is boilerplate or prose without a field.
			return
		}
	case fieldResults:
		var rows []EvalResult
		rows, text = extractResultsTable(text)
		x.table = append(x.table, rows...)
	case fieldCitation:
		bib, apa := extractCitation(text)
		if g.CitationBibTeX == "" {
			g.CitationBibTeX = bib
		}
		x.appendText(&g.CitationAPA, apa)
		return
	}
	if p := x.textField(f); p != nil {
		x.appendText(p, cleanField(text))
	}
}

// appendText adds a paragraph to a field.
func (x *extractor) appendText(p *string, text string) {
	if text == "" {
		return
	}
	if *p == "" {
		*p = text
		return
	}
	*p += "\n\n" + text
}

// ---- facts --------------------------------------------------------------

// factTarget is where a labelled fact goes.
type factTarget struct {
	field func(*Content) *string
	meta  string // the metadata key the fact repeats, for facts from metadata
}

// extractFactLabels maps normalised fact labels onto fields. Read-only.
var extractFactLabels = map[string]factTarget{
	"developed by":            {field: func(c *Content) *string { return &c.DevelopedBy }},
	"funded by":               {field: func(c *Content) *string { return &c.FundedBy }},
	"shared by":               {field: func(c *Content) *string { return &c.SharedBy }},
	"model type":              {field: func(c *Content) *string { return &c.ModelType }},
	"version":                 {field: func(c *Content) *string { return &c.Version }},
	"model version":           {field: func(c *Content) *string { return &c.Version }},
	"repository":              {field: func(c *Content) *string { return &c.Repository }},
	"paper":                   {field: func(c *Content) *string { return &c.Paper }},
	"demo":                    {field: func(c *Content) *string { return &c.Demo }},
	"hardware type":           {field: func(c *Content) *string { return &c.Environment.HardwareType }},
	"hours used":              {field: func(c *Content) *string { return &c.Environment.HoursUsed }},
	"cloud provider":          {field: func(c *Content) *string { return &c.Environment.CloudProvider }},
	"compute region":          {field: func(c *Content) *string { return &c.Environment.ComputeRegion }},
	"carbon emitted":          {field: func(c *Content) *string { return &c.Environment.CarbonEmitted }},
	"training regime":         {field: func(c *Content) *string { return &c.TrainingRegime }},
	"language(s) (nlp)":       {meta: "language"},
	"language(s)":             {meta: "language"},
	"language":                {meta: "language"},
	"license":                 {meta: "license"},
	"finetuned from model":    {meta: "base_model"},
	"fine-tuned from model":   {meta: "base_model"},
	"finetuned from":          {meta: "base_model"},
	"finetuned from model(s)": {meta: "base_model"},
}

// facts takes the labelled facts out of a section's text and returns the
// rest. With params, "- name: value" items and the hyperparameter table
// are read as hyperparameters.
func (x *extractor) facts(text string, params bool) string {
	var out strings.Builder
	inTable := false
	forEachLine(text, func(line string, inFence bool) {
		if inFence {
			out.WriteString(line)
			out.WriteByte('\n')
			return
		}
		trimmed := strings.TrimSpace(line)
		if params {
			if row, ok := tableRow(trimmed); ok {
				switch {
				case len(row) == 2 && strings.EqualFold(row[0], "Hyperparameter") && strings.EqualFold(row[1], "Value"):
					inTable = true
					return
				case inTable && isDelimiterRow(row):
					return
				case inTable && len(row) == 2:
					x.got.Hyperparameters = append(x.got.Hyperparameters, KeyValue{Key: row[0], Value: row[1]})
					return
				}
			}
			inTable = false
		}
		label, value, ok := factLine(trimmed)
		if ok {
			if t, known := extractFactLabels[label]; known {
				if t.meta != "" {
					if x.meta.Has(t.meta) || isPlaceholder(value) {
						return
					}
				} else {
					if p := t.field(x.got); *p == "" && !isPlaceholder(value) {
						*p = value
					}
					return
				}
			}
		}
		if params {
			if k, v, ok := paramLine(trimmed); ok {
				x.got.Hyperparameters = append(x.got.Hyperparameters, KeyValue{Key: k, Value: v})
				return
			}
		}
		out.WriteString(line)
		out.WriteByte('\n')
	})
	return out.String()
}

// factLine reads "- **Label:** value", "- **Label**: value" or
// "- Label: value", returning the normalised label and the value without
// the note comments in it (see isNoteComment).
func factLine(s string) (label, value string, ok bool) {
	if len(s) < 3 || (s[0] != '-' && s[0] != '*' && s[0] != '+') || s[1] != ' ' {
		return "", "", false
	}
	s = strings.TrimSpace(s[2:])
	var raw string
	switch {
	case strings.HasPrefix(s, "**"):
		end := strings.Index(s[2:], "**")
		if end < 0 {
			return "", "", false
		}
		raw, value = s[2:2+end], s[4+end:]
		if !strings.HasSuffix(raw, ":") {
			if !strings.HasPrefix(value, ":") {
				return "", "", false
			}
			value = value[1:]
		}
	default:
		i := strings.Index(s, ": ")
		if i <= 0 || i > 40 {
			return "", "", false
		}
		raw, value = s[:i], s[i+1:]
	}
	label = strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(raw), ":")))
	label = strings.TrimSpace(strings.TrimSuffix(label, "[optional]"))
	return label, dropNoteInline(value), label != ""
}

// paramLine reads a hyperparameter list item, "- name: value".
func paramLine(s string) (key, value string, ok bool) {
	if len(s) < 3 || (s[0] != '-' && s[0] != '*' && s[0] != '+') || s[1] != ' ' {
		return "", "", false
	}
	s = strings.TrimSpace(s[2:])
	i := strings.Index(s, ": ")
	if i <= 0 || i > 60 || strings.ContainsAny(s[:i], "*`[") {
		return "", "", false
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:]), true
}

// isPlaceholder reports whether a value only says that it is missing.
func isPlaceholder(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimSuffix(s, ".")
	s = strings.Trim(s, "[]_* ")
	switch s {
	case "", "more information needed", "needs more information", "information needed",
		"more info needed", "tbd", "todo", "n/a", "to be added", "coming soon":
		return true
	}
	return false
}

// ---- text cleaning -------------------------------------------------------

// lineKind says what a line of a section's text is to the block scanner.
type lineKind uint8

const (
	// lineText is a line outside fenced code and HTML comment blocks.
	lineText lineKind = iota
	// lineFenceOpen opens a fenced code block.
	lineFenceOpen
	// lineCode is a line inside a fenced code block.
	lineCode
	// lineFenceClose closes the open fenced code block.
	lineFenceClose
	// lineCommentOpen starts an HTML comment block that goes on past it.
	lineCommentOpen
	// lineCommentBody is a line inside an HTML comment block.
	lineCommentBody
	// lineCommentClose ends an HTML comment block started on a line before.
	lineCommentClose
	// lineCommentWhole is an HTML comment block of one line.
	lineCommentWhole
)

// raw reports whether a line of kind k is kept as it is: a line of fenced
// code (the fences included) or of an HTML comment block.
func (k lineKind) raw() bool { return k != lineText }

// scanLines calls fn for each line of text (without its line break, a
// trailing carriage return dropped), saying what the line is. As in
// CommonMark, a fenced code block opens on a run of at least three
// backticks or tildes indented by at most three spaces, and closes only on
// a run of the same character at least as long, with nothing after it but
// blanks; an unclosed block runs to the end. An HTML comment block starts
// on a line whose text (indented by at most three spaces) starts with
// "<!--", and ends on the first line holding "-->". Container blocks (list
// items, quotes) are not looked into.
func scanLines(text string, fn func(line string, kind lineKind)) {
	var fenceChar byte
	fenceLen := 0
	inComment := false
	for text != "" {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		line = strings.TrimSuffix(line, "\r")
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		switch {
		case fenceLen > 0:
			if indent <= 3 && hfClosesFence(trimmed, fenceChar, fenceLen, false, 0) && !strings.HasPrefix(trimmed, ">") {
				fenceLen = 0
				fn(line, lineFenceClose)
				continue
			}
			fn(line, lineCode)
		case inComment:
			if strings.Contains(line, "-->") {
				inComment = false
				fn(line, lineCommentClose)
				continue
			}
			fn(line, lineCommentBody)
		case indent <= 3 && strings.HasPrefix(trimmed, "<!--"):
			if strings.Contains(trimmed, "-->") {
				fn(line, lineCommentWhole)
				continue
			}
			inComment = true
			fn(line, lineCommentOpen)
		default:
			if c, n, ok := hfOpensFence(trimmed); ok && indent <= 3 {
				fenceChar, fenceLen = c, n
				fn(line, lineFenceOpen)
				continue
			}
			fn(line, lineText)
		}
	}
}

// forEachLine calls fn for each line of text (without its line break),
// saying whether the line is raw: inside a fenced code block (the fence
// lines themselves count as inside) or an HTML comment block. See
// scanLines.
func forEachLine(text string, fn func(line string, raw bool)) {
	scanLines(text, func(line string, kind lineKind) { fn(line, kind.raw()) })
}

// cleanField turns a section's text into a field value: needs-information
// markers, placeholders and note comments (see isNoteComment) dropped,
// blank runs collapsed, the ends trimmed. Code blocks and the other HTML
// comments, those of the card's own text, are kept as they are; but a text
// left with nothing but comments shows a reader nothing, and is empty.
func cleanField(text string) string {
	text = dropNoteComments(text)
	var out strings.Builder
	blank := 0
	forEachLine(text, func(line string, raw bool) {
		if !raw {
			if strings.HasPrefix(line, needsInfoLead) || isPlaceholder(line) && strings.TrimSpace(line) != "" {
				return
			}
			if hfIsBlank(line) {
				blank++
				return
			}
		}
		if out.Len() > 0 && blank > 0 {
			out.WriteString("\n\n")
		} else if out.Len() > 0 {
			out.WriteByte('\n')
		}
		blank = 0
		out.WriteString(strings.TrimRight(line, " \t"))
	})
	v := hfTrimBlock(out.String())
	if onlyComments(v) {
		return ""
	}
	return v
}

// onlyComments reports whether s holds nothing but HTML comments and white
// space (an unclosed comment runs to the end).
func onlyComments(s string) bool {
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		if !strings.HasPrefix(s, "<!--") {
			return s == ""
		}
		end := strings.Index(s[len("<!--"):], "-->")
		if end < 0 {
			return true
		}
		s = s[len("<!--")+end+len("-->"):]
	}
}

// ---- HTML comments ------------------------------------------------------

// An HTML comment in a card is either part of the card's text (a comment
// the author means readers of the source to see, or text hidden on
// purpose, as a text field of a spec may hold: RenderHF writes it as it
// is, so the reader keeps it as it is) or a note: the guidance of a
// card template ("<!-- Provide a quick summary of what the model
// is/does. -->"), the notice a tool puts at the top of the cards it
// writes ("This model card has been generated automatically ..."), the
// start and end markers of a tool's blocks ("<!-- header start -->"), and
// TF Hub's metadata comments ("<!-- task: image-classification -->").
// Notes are not facts and are dropped. RenderHF writes no comment of its
// own: its needs-information markers are quotes, dropped as such.

// noteCommentKeys are the keys of TF Hub's metadata comments
// ("<!-- asset-path: legacy -->"). Read-only.
var noteCommentKeys = map[string]bool{
	"asset-path": true, "task": true, "module-type": true, "language": true, "fine-tunable": true,
	"format": true, "network-architecture": true, "dataset": true, "parent-model": true,
	"colab": true, "interactive-visualizer": true, "license": true, "demo": true,
}

// noteTexts are the guidance comments of the card templates most used on
// the Hub, normalised by noteText: the Hub's own template in its current
// and older wording, sentence-transformers', TF Hub's and Azure ML's.
// Read-only.
var noteTexts = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []string{
		"Provide a quick summary of what the model is/does.",
		"Provide a longer summary of what this model is.",
		"Provide a longer summary of what this model is/does.",
		"Provide the basic links for the model.",
		"Address questions around how the model is intended to be used, including the foreseeable users of the model and those affected by the model.",
		"This section is for the model use without fine-tuning or plugging into a larger ecosystem/app.",
		"This section is for the model use when fine-tuned for a task, or when plugged into a larger ecosystem/app",
		"This section addresses misuse, malicious use, and uses that the model will not work well for.",
		"This section is meant to convey both technical and sociotechnical limitations.",
		"This section is meant to convey recommendations with respect to the bias, risk, and technical limitations.",
		"This should link to a Dataset Card, perhaps with a short stub of information on what the training data is all about as well as documentation related to data pre-processing or additional filtering.",
		"This should link to a Data Card, perhaps with a short stub of information on what the training data is all about as well as documentation related to data pre-processing or additional filtering.",
		"This relates heavily to the Technical Specifications. Content here should link to that section when it is relevant to the training procedure.",
		"This section provides information about throughput, start/end time, checkpoint size if relevant, etc.",
		"This section describes the evaluation protocols and provides the results.",
		"This should link to a Dataset Card if possible.",
		"This should link to a Data Card if possible.",
		"These are the things the evaluation is disaggregating by, e.g., subpopulations or domains.",
		"These are the evaluation metrics being used, ideally with a description of why.",
		"Relevant interpretability work for the model goes here",
		"Total emissions (in grams of CO2eq) and additional considerations, such as electricity usage, go here. Edit the suggested text below accordingly",
		"If there is a paper or blog post introducing the model, the APA and Bibtex information for that should go in this section.",
		"If relevant, include terms and calculations in this section that can help readers understand the model or model card.",
		"fp32, fp16 mixed precision, bf16 mixed precision, bf16 non-mixed precision, fp16 non-mixed precision, fp8 mixed precision",
		"Describe your model here",
		"Describe how your model was evaluated",
		"Describe where people can find more information",
		"TODO(b/171934083): Link to an example Colab.",
		"`description.md` is required.",
	} {
		m[noteText(s)] = true
	}
	return m
}()

// notePrefixes start the notes too long or too varied to list whole,
// normalised by noteText. Read-only.
var notePrefixes = []string{
	"this model card has been generated automatically", // transformers' Trainer, Keras, training scripts
	"if your model is not uploaded with any data",      // scvi-tools' template
	"do not change markdown headers",                   // Azure ML's template
}

// noteText normalises the text of a comment for matching: white space runs
// read as one space, case folded, a trailing full stop cut.
func noteText(s string) string {
	return strings.TrimSuffix(strings.ToLower(strings.Join(strings.Fields(s), " ")), ".")
}

// commentInner returns the text of s when s is exactly one HTML comment
// ("<!-- text -->", surrounding white space allowed), with the extra
// dashes of "<!--- text --->" cut.
func commentInner(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "<!--") || !strings.HasSuffix(s, "-->") || len(s) < len("<!---->") {
		return "", false
	}
	inner := s[len("<!--") : len(s)-len("-->")]
	if strings.Contains(inner, "-->") {
		return "", false
	}
	return strings.TrimSpace(strings.Trim(inner, "-")), true
}

// isNoteComment reports whether s, an HTML comment block or a comment in a
// line, is a note rather than the card's text: one comment and nothing
// else, holding a template's guidance (noteTexts, notePrefixes), a TF Hub
// metadata comment ("task: image-classification"), or a block marker (one
// word and "start" or "end": "header start", "original-model-card end").
func isNoteComment(s string) bool {
	inner, ok := commentInner(s)
	if !ok {
		return false
	}
	if key, value, ok := strings.Cut(inner, ":"); ok && noteCommentKeys[key] && strings.TrimSpace(value) != "" &&
		!strings.Contains(value, "\n") {
		return true
	}
	if word, mark, ok := strings.Cut(inner, " "); ok && (mark == "start" || mark == "end") &&
		!strings.ContainsAny(word, " \t\n<>") {
		return true
	}
	text := noteText(inner)
	if noteTexts[text] {
		return true
	}
	for _, p := range notePrefixes {
		if strings.HasPrefix(text, p) {
			return true
		}
	}
	return false
}

// dropNoteComments removes the HTML comment blocks of text that are notes
// (see isNoteComment), keeping every other line as it is.
func dropNoteComments(text string) string {
	if !strings.Contains(text, "<!--") {
		return text
	}
	var out, block strings.Builder
	scanLines(text, func(line string, kind lineKind) {
		switch kind {
		case lineCommentWhole:
			if isNoteComment(line) {
				return
			}
		case lineCommentOpen, lineCommentBody:
			block.WriteString(line)
			block.WriteByte('\n')
			return
		case lineCommentClose:
			block.WriteString(line)
			if !isNoteComment(block.String()) {
				out.WriteString(block.String())
				out.WriteByte('\n')
			}
			block.Reset()
			return
		}
		out.WriteString(line)
		out.WriteByte('\n')
	})
	// An unclosed comment runs to the end of the text: it is kept.
	out.WriteString(block.String())
	return out.String()
}

// dropNoteInline removes from a one-line value the comments that are notes
// (the Hub template's "<!--fp32, fp16 mixed precision, ...-->" after the
// training regime) and trims it.
func dropNoteInline(s string) string {
	for from := 0; ; {
		i := strings.Index(s[from:], "<!--")
		if i < 0 {
			return strings.TrimSpace(s)
		}
		i += from
		j := strings.Index(s[i+len("<!--"):], "-->")
		if j < 0 {
			return strings.TrimSpace(s)
		}
		end := i + len("<!--") + j + len("-->")
		if isNoteComment(s[i:end]) {
			s = s[:i] + s[end:]
			from = i
			continue
		}
		from = end
	}
}

// extractSummaryText cleans the text under the title: also drops lines
// that are only HTML or images (badges, logos).
func extractSummaryText(text string) string {
	var keep strings.Builder
	forEachLine(text, func(line string, inFence bool) {
		t := strings.TrimSpace(line)
		if !inFence && (strings.HasPrefix(t, "<") && strings.HasSuffix(t, ">") || strings.HasPrefix(t, "![") || strings.HasPrefix(t, "[![")) {
			return
		}
		keep.WriteString(line)
		keep.WriteByte('\n')
	})
	return cleanField(keep.String())
}

// plainInline turns a heading's inline Markdown into plain text: emphasis
// and code marks dropped, links replaced by their text, images and HTML tags
// dropped, backslash escapes and the basic entities resolved.
func plainInline(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			b.WriteByte(s[i+1])
			i++
		case c == '!' && i+1 < len(s) && s[i+1] == '[':
			if end := skipLink(s, i+1); end > i+1 {
				i = end - 1
				continue
			}
			b.WriteByte(c)
		case c == '[':
			if closing := strings.IndexByte(s[i:], ']'); closing > 0 {
				end := skipLink(s, i)
				b.WriteString(plainInline(s[i+1 : i+closing]))
				i = max(end, i+closing+1) - 1
				continue
			}
			b.WriteByte(c)
		case c == '<':
			if n := htmlTagLen(s[i:]); n > 0 {
				i += n - 1
				continue
			}
			b.WriteByte(c)
		case c == '*' || c == '`' || c == '_' && (i == 0 || i+1 == len(s) || !hfIsWordByte(s[i-1]) || !hfIsWordByte(s[i+1])):
		case c == '&':
			switch {
			case strings.HasPrefix(s[i:], "&lt;"):
				b.WriteByte('<')
				i += 3
			case strings.HasPrefix(s[i:], "&gt;"):
				b.WriteByte('>')
				i += 3
			case strings.HasPrefix(s[i:], "&amp;"):
				b.WriteByte('&')
				i += 4
			case strings.HasPrefix(s[i:], "&quot;"):
				b.WriteByte('"')
				i += 5
			default:
				b.WriteByte(c)
			}
		default:
			b.WriteByte(c)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// ---- citation -----------------------------------------------------------

// extractCitation finds the BibTeX entry (a fenced block holding an entry)
// and the APA citation (the text after "**APA:**", or the citation's text
// when there is no BibTeX entry). A block is read up to its closing fence
// (see scanLines): a line of three backticks inside the block the renderer
// fences with four is part of the entry. Other code blocks stay in the
// text as they were written, fences included.
func extractCitation(text string) (bib, apa string) {
	var rest strings.Builder
	var block strings.Builder
	var opening string
	isBib := false
	// flush ends the open block, closed by the line closing ("" for a
	// block that runs to the end of the text).
	flush := func(closing string) {
		body := strings.TrimRight(block.String(), "\n")
		if isBib && bib == "" && isBibTeXEntry(body) {
			bib = body
			return
		}
		rest.WriteString(opening)
		rest.WriteByte('\n')
		rest.WriteString(block.String())
		if closing != "" {
			rest.WriteString(closing)
			rest.WriteByte('\n')
		}
	}
	inBlock := false
	scanLines(text, func(line string, kind lineKind) {
		t := strings.TrimSpace(line)
		switch kind {
		case lineFenceOpen:
			inBlock, opening = true, line
			info, _, _ := strings.Cut(strings.ToLower(strings.TrimLeft(t, "`~ ")), " ")
			// A block of any other language is not a BibTeX entry; one
			// without a language, or with a misspelt one, is when it reads
			// like one.
			isBib = !knownCodeLanguage(info)
			block.Reset()
		case lineFenceClose:
			inBlock = false
			flush(line)
		case lineCode:
			block.WriteString(line)
			block.WriteByte('\n')
		case lineText:
			if t == "**BibTeX:**" || t == "**BibTeX**:" || t == "**BibTeX**" {
				return
			}
			fallthrough
		default:
			rest.WriteString(line)
			rest.WriteByte('\n')
		}
	})
	if inBlock {
		flush("")
	}
	r := rest.String()
	for _, label := range [...]string{"**APA:**", "**APA**:"} {
		if i := strings.Index(r, label); i >= 0 {
			return bib, cleanField(r[i+len(label):])
		}
	}
	if bib != "" {
		return bib, ""
	}
	return bib, cleanField(r)
}

// bibTeXEntry matches the start of a BibTeX entry: "@type{" or "@type (".
var bibTeXEntry = regexp.MustCompile(`^@[A-Za-z]+\s*[{(]`)

// isBibTeXEntry reports whether a code block holds a BibTeX entry.
func isBibTeXEntry(body string) bool {
	return bibTeXEntry.MatchString(strings.TrimSpace(body))
}

// knownCodeLanguage reports whether a fence's info word names a language
// other than BibTeX.
func knownCodeLanguage(info string) bool {
	switch info {
	case "python", "py", "bash", "sh", "shell", "console", "json", "yaml", "yml", "javascript", "js",
		"typescript", "ts", "go", "rust", "c", "cpp", "c++", "java", "html", "xml", "markdown", "md",
		"text", "txt", "plaintext", "r", "julia", "sql", "toml", "ini", "diff":
		return true
	}
	return false
}

// ---- results table -----------------------------------------------------

// resultsHeader is the header row the renderer writes above eval results.
var resultsHeader = []string{"Task", "Dataset", "Config / Split", "Metric", "Value", "Source"}

// extractResultsTable reads the renderer's results table out of a Results
// section and returns its rows and the rest of the text.
func extractResultsTable(text string) ([]EvalResult, string) {
	var rows []EvalResult
	var rest strings.Builder
	state := 0 // 0 outside, 1 after the header, 2 in the rows
	forEachLine(text, func(line string, inFence bool) {
		t := strings.TrimSpace(line)
		if !inFence {
			if cells, ok := tableRow(t); ok {
				switch {
				case state == 0 && slices.Equal(cells, resultsHeader):
					state = 1
					return
				case state == 1 && isDelimiterRow(cells):
					state = 2
					return
				case state == 2 && len(cells) == len(resultsHeader):
					rows = append(rows, resultRow(cells))
					return
				}
			}
		}
		state = 0
		rest.WriteString(line)
		rest.WriteByte('\n')
	})
	return rows, rest.String()
}

// tableRow splits a Markdown table row into unescaped cells.
func tableRow(t string) ([]string, bool) {
	if len(t) < 2 || t[0] != '|' || t[len(t)-1] != '|' {
		return nil, false
	}
	var cells []string
	var cur strings.Builder
	for i := 1; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '\\' && i+1 < len(t):
			cur.WriteByte(c)
			cur.WriteByte(t[i+1])
			i++
		case c == '|':
			cells = append(cells, unescapeCell(strings.TrimSpace(cur.String())))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return cells, true
}

// isDelimiterRow reports whether cells are a table's delimiter row.
func isDelimiterRow(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(c, ":-") != "" || !strings.Contains(c, "-") {
			return false
		}
	}
	return len(cells) > 0
}

// unescapeCell undoes the renderer's escaping of plain text in a cell.
func unescapeCell(s string) string {
	if s == hfEmDash {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			b.WriteByte(s[i+1])
			i++
		case c == '<' && strings.HasPrefix(s[i:], "<br>"):
			b.WriteByte('\n')
			i += 3
		case c == '&' && strings.HasPrefix(s[i:], "&lt;"):
			b.WriteByte('<')
			i += 3
		case c == '&' && strings.HasPrefix(s[i:], "&gt;"):
			b.WriteByte('>')
			i += 3
		case c == '&' && strings.HasPrefix(s[i:], "&amp;"):
			b.WriteByte('&')
			i += 4
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// resultRow reads one row of the results table.
func resultRow(cells []string) EvalResult {
	var r EvalResult
	if name, id, ok := splitNamePair(cells[0], IsHubTask); ok {
		r.TaskName, r.TaskType = name, id
	} else if IsHubTask(cells[0]) {
		r.TaskType = cells[0]
	} else {
		r.TaskName = cells[0]
	}
	if name, id, ok := splitNamePair(cells[1], isIDLike); ok {
		r.DatasetName, r.DatasetType = name, id
	} else {
		// One value is the name and the id when they are the same; a value
		// that cannot be an id is only the name.
		r.DatasetName = cells[1]
		if isIDLike(cells[1]) {
			r.DatasetType = cells[1]
		}
	}
	if cfg, split, ok := strings.Cut(cells[2], " / "); ok {
		r.DatasetConfig, r.DatasetSplit = cfg, split
	} else if isSplitName(cells[2]) {
		r.DatasetSplit = cells[2]
	} else {
		r.DatasetConfig = cells[2]
	}
	if name, id, ok := splitNamePair(cells[3], isMetricIDLike); ok {
		r.MetricName, r.MetricType = name, id
	} else {
		r.MetricType = cells[3]
	}
	if cells[4] != "" {
		r.MetricValue = parseMetricText(cells[4])
	}
	src := cells[5]
	if strings.HasPrefix(src, "[") && strings.HasSuffix(src, ")") {
		if i := strings.LastIndex(src, "]("); i > 0 {
			r.SourceName, r.SourceURL = src[1:i], decodeLinkDest(src[i+2:len(src)-1])
			if r.SourceName == r.SourceURL {
				r.SourceName = ""
			}
			return r
		}
	}
	r.SourceName = src
	return r
}

// splitNamePair splits "Name (id)" when id passes isID.
func splitNamePair(s string, isID func(string) bool) (name, id string, ok bool) {
	if !strings.HasSuffix(s, ")") {
		return "", "", false
	}
	i := strings.LastIndex(s, " (")
	if i <= 0 {
		return "", "", false
	}
	id = s[i+2 : len(s)-1]
	if !isID(id) {
		return "", "", false
	}
	return s[:i], id, true
}

// isIDLike reports whether s looks like a Hub id: no spaces, not empty.
func isIDLike(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t\n()")
}

// isMetricIDLike reports whether s looks like a metric id rather than the
// parenthesised end of a metric's name, such as "(5-shot)" or
// "(thresh=0.5)".
func isMetricIDLike(s string) bool {
	l := strings.ToLower(s)
	return isIDLike(s) && !strings.Contains(s, "=") && !strings.HasSuffix(l, "-shot") && !strings.HasSuffix(l, "shots")
}

// isSplitName reports whether s is a usual dataset split name.
func isSplitName(s string) bool {
	switch strings.ToLower(s) {
	case "train", "test", "validation", "valid", "val", "dev", "eval", "evaluation",
		"test-clean", "test-other", "validation-clean", "validation-other", "dev-clean", "dev-other",
		"train[:10%]", "testing", "holdout", "heldout":
		return true
	}
	return strings.HasPrefix(strings.ToLower(s), "test") || strings.HasPrefix(strings.ToLower(s), "validation")
}

// parseMetricText reads a metric value written as text: an integer, a
// float, or else the text itself.
func parseMetricText(s string) any {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		if int64(int(i)) == i {
			return int(i)
		}
		return i
	}
	if strings.ContainsAny(s, ".eE") && !strings.ContainsAny(s, " _") {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	switch s {
	case "NaN":
		f, _ := strconv.ParseFloat("NaN", 64)
		return f
	case "inf":
		f, _ := strconv.ParseFloat("+Inf", 64)
		return f
	case "-inf":
		f, _ := strconv.ParseFloat("-Inf", 64)
		return f
	}
	return s
}

// decodeLinkDest undoes the renderer's percent-encoding of the bytes that
// would break a link destination.
func decodeLinkDest(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil && int(v) < len(hfLinkSpecial) && hfLinkSpecial[v] {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mergeResults combines the rows of the results table with the model-index
// results: the table's order and rows, each row that matches a model-index
// result replaced by that result; model-index results matched by no row
// come last.
func mergeResults(table, mi []EvalResult) []EvalResult {
	if len(table) == 0 {
		return mi
	}
	if len(mi) == 0 {
		return table
	}
	used := make([]bool, len(mi))
	out := make([]EvalResult, 0, len(table)+len(mi))
	for _, row := range table {
		found := -1
		for j, r := range mi {
			if !used[j] && r.MetricType == row.MetricType && r.DatasetType == row.DatasetType &&
				metricValueText(r.MetricValue) == metricValueText(row.MetricValue) {
				found = j
				break
			}
		}
		if found >= 0 {
			used[found] = true
			// The model-index gives a task name to every result of a
			// task; the table shows each result's own.
			r := mi[found]
			r.TaskName = row.TaskName
			out = append(out, r)
			continue
		}
		out = append(out, row)
	}
	for j, r := range mi {
		if !used[j] {
			out = append(out, r)
		}
	}
	return out
}

// metricValueText writes a metric value as the renderer's table does; ""
// for none.
func metricValueText(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return string(hfAppendMetricValue(nil, v))
}
