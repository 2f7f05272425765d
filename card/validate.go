package card

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// yamlFix is the advice given for a YAML block that does not parse.
const yamlFix = "the metadata block is YAML between two --- lines: check indentation (spaces, not tabs) and quote values that hold ': ', '#' or start with a special character"

// Validate parses a card and checks its structure: the YAML block parses,
// metadata keys have the types the Hub expects, the licence is a Hub licence
// id (or "other" with license_name), languages are ISO 639 codes,
// pipeline_tag is a Hub task, and model-index is well formed. It returns the
// card (nil when the input is not text) and every problem found, in file
// order. The card is valid when no problem has SeverityError.
func Validate(file string, src []byte) (*Card, []Problem) {
	c, err := Parse(src)
	return c, ValidateParsed(file, c, err)
}

// ValidateParsed checks a card already parsed by Parse, given Parse's
// results, so that callers that need the card too parse it once.
func ValidateParsed(file string, c *Card, err error) []Problem {
	var problems []Problem
	add := func(p Problem) {
		p.File = file
		problems = append(problems, p)
	}
	var inErr *InputError
	var yErr *YAMLError
	switch {
	case errors.As(err, &inErr):
		add(Problem{Line: inErr.Line, Severity: SeverityError, Code: inErr.Code, Message: inErr.Msg})
		return problems
	case errors.As(err, &yErr) && yErr.Code != "":
		// The block parses but cannot be read (aliases that expand too
		// far): the error says what and how to fix it.
		add(Problem{Line: yErr.Line, Column: yErr.Column, Severity: SeverityError, Code: yErr.Code,
			Message: yErr.Msg, Fix: yErr.Fix})
	case errors.As(err, &yErr):
		add(Problem{Line: yErr.Line, Column: yErr.Column, Severity: SeverityError, Code: "yaml.syntax",
			Message: "metadata block does not parse: " + yErr.Msg, Fix: yamlFix})
	case err != nil:
		add(Problem{Severity: SeverityError, Code: "card.unreadable", Message: err.Error()})
		return problems
	default:
		switch {
		case c.HasFrontMatter():
			checkMetadataKeys(c.Meta, add)
		case startsWithBOMBlock(c):
			add(Problem{Line: 1, Severity: SeverityWarning, Code: "metadata.bom",
				Message: "the card starts with a byte order mark (U+FEFF) before its --- line, so the Hub does not see its YAML metadata block",
				Fix:     "save the file as UTF-8 without a byte order mark"})
		default:
			add(Problem{Line: 1, Severity: SeverityWarning, Code: "metadata.missing",
				Message: "the card has no YAML metadata block",
				Fix:     "add a block at the top: a line ---, then license, language, pipeline_tag, tags, then a line ---"})
		}
	}
	checkBody(c, add)
	slices.SortStableFunc(problems, func(a, b Problem) int { return a.Line - b.Line })
	return problems
}

// startsWithBOMBlock reports whether a card without a metadata block
// would have one but for a byte order mark before its first --- line.
func startsWithBOMBlock(c *Card) bool {
	const bom = "\ufeff"
	if c.Body == nil || !strings.HasPrefix(c.Body.Text, bom) {
		return false
	}
	return SplitFrontMatter(c.Body.Text[len(bom):]).Found
}

// CheckMetadata returns what Validate reports of a card's metadata (its
// keys' types, licence, languages, task and model-index), for metadata
// built in memory rather than parsed, such as a card built from a spec.
func CheckMetadata(m *Metadata) []Problem {
	var problems []Problem
	checkMetadataKeys(m, func(p Problem) { problems = append(problems, p) })
	return problems
}

// HasErrors reports whether any problem is an error.
func HasErrors(problems []Problem) bool {
	for _, p := range problems {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// checkMetadataKeys checks the metadata keys.
func checkMetadataKeys(m *Metadata, add func(Problem)) {
	at := func(key string) (int, int) { return m.Position([]any{key}) }
	for _, spec := range hubMetadataKeys { // read-only: no copy
		if !m.Has(spec.Key) || m.IsNull(spec.Key) {
			continue
		}
		if !shapeAccepts(spec, m) {
			line, col := at(spec.Key)
			got := m.Kind(spec.Key)
			if got == "list" && spec.Accepts(got) {
				got = "list holding more than plain values"
			}
			add(Problem{Line: line, Column: col, Field: spec.Key, Severity: SeverityError, Code: "metadata.type",
				Message: fmt.Sprintf("%s is a %s; the Hub expects a %s", spec.Key, got, spec.Shape),
				Fix:     fmt.Sprintf("write %s as a %s. %s", spec.Key, spec.Shape, spec.Doc)})
		}
	}
	checkLicense(m, add)
	checkLanguages(m, add)
	checkPipelineTag(m, add)
	checkModelIndex(m, add)
}

// shapeAccepts reports whether a key's value fits the spec: its kind is
// accepted, and every item of a list of strings is a single value.
func shapeAccepts(spec MetadataKeySpec, m *Metadata) bool {
	kind := m.Kind(spec.Key)
	if !spec.Accepts(kind) {
		return false
	}
	if kind == "list" && (spec.Shape == ShapeStringList || spec.Shape == ShapeStringOrList) {
		return len(m.Strings(spec.Key)) == len(m.ItemLines(spec.Key))
	}
	return true
}

func checkLicense(m *Metadata, add func(Problem)) {
	if !m.Has("license") || m.IsNull("license") {
		add(Problem{Line: 1, Field: "license", Severity: SeverityWarning, Code: "license.missing",
			Message: "no license given: users cannot tell whether they may use the model",
			Fix:     "add `license: <id>` with a Hub licence id such as apache-2.0 or mit, or `license: other` with license_name and license_link"})
		return
	}
	for i, id := range m.Strings("license") {
		line, col := m.Position([]any{"license"})
		if m.Kind("license") == "list" {
			line, col = m.Position([]any{"license", i})
		}
		if IsHubLicense(id) {
			continue
		}
		fix := "use an id from the Hub's licence list, or `license: other` with license_name and license_link"
		if s := Suggest(id, HubLicenses()); s != "" {
			fix = fmt.Sprintf("did you mean %q? Otherwise %s", s, fix)
		}
		add(Problem{Line: line, Column: col, Field: "license", Severity: SeverityError, Code: "license.unknown",
			Message: fmt.Sprintf("%q is not a Hub licence id", id), Fix: fix})
	}
	if m.String("license") == "other" {
		line, col := m.Position([]any{"license"})
		if m.String("license_name") == "" {
			add(Problem{Line: line, Column: col, Field: "license_name", Severity: SeverityError, Code: "license.other-needs-name",
				Message: "license is `other` but license_name is missing",
				Fix:     "add `license_name: <short-id>` (lower case, dashes, e.g. my-license-1.0) naming the licence"})
		}
		if m.String("license_link") == "" {
			add(Problem{Line: line, Column: col, Field: "license_link", Severity: SeverityWarning, Code: "license.other-needs-link",
				Message: "license is `other` but license_link is missing",
				Fix:     "add `license_link: LICENSE` (a file in the repository) or a URL to the licence text"})
		}
	}
}

func checkLanguages(m *Metadata, add func(Problem)) {
	if !m.Has("language") || m.IsNull("language") {
		return
	}
	list := m.Kind("language") == "list"
	for i, code := range m.Strings("language") {
		path := []any{"language"}
		if list {
			path = append(path, i)
		}
		line, col := m.Position(path)
		switch {
		case IsISO639(code) || code == "multilingual":
		case IsLanguageTag(code):
			base, _, _ := strings.Cut(code, "-")
			add(Problem{Line: line, Column: col, Field: "language", Severity: SeverityWarning, Code: "language.not-iso639",
				Message: fmt.Sprintf("%q is a language tag, the Hub expects a plain ISO 639 code", code),
				Fix:     fmt.Sprintf("use %q and put regional detail in the card's text", strings.ToLower(base))})
		default:
			fix := "use ISO 639-1 codes such as en, fr, zh (or 639-3 such as yue), one list item per language"
			if iso := LanguageCodeForName(code); iso != "" {
				fix = fmt.Sprintf("write %q, the ISO 639-1 code of %s", iso, code)
			}
			add(Problem{Line: line, Column: col, Field: "language", Severity: SeverityError, Code: "language.invalid",
				Message: fmt.Sprintf("%q is not an ISO 639 language code", code), Fix: fix})
		}
	}
}

func checkPipelineTag(m *Metadata, add func(Problem)) {
	tag := m.String("pipeline_tag")
	if tag == "" || IsHubTask(tag) {
		return
	}
	line, col := m.Position([]any{"pipeline_tag"})
	fix := "use one of the Hub's task ids (see `modelcard init --help` for the families and their tasks)"
	if s := Suggest(tag, HubTasks()); s != "" {
		fix = fmt.Sprintf("did you mean %q? Otherwise %s", s, fix)
	}
	add(Problem{Line: line, Column: col, Field: "pipeline_tag", Severity: SeverityError, Code: "pipeline_tag.unknown",
		Message: fmt.Sprintf("%q is not a Hub task", tag), Fix: fix})
}

func checkModelIndex(m *Metadata, add func(Problem)) {
	for _, issue := range m.ModelIndexIssues() {
		line, col := m.Position(append([]any{"model-index"}, issue.Path...))
		sev := SeverityError
		if issue.Warning {
			sev = SeverityWarning
		}
		add(Problem{Line: line, Column: col, Field: issue.Field, Severity: sev, Code: issue.Code,
			Message: issue.Message, Fix: issue.Fix})
	}
}

// hubPlaceholder is the Hub template's text for an unfilled section.
const hubPlaceholder = "[More Information Needed]"

func checkBody(c *Card, add func(Problem)) {
	if c.Body == nil || strings.TrimSpace(c.Body.Text) == "" {
		add(Problem{Line: 1, Severity: SeverityWarning, Code: "body.empty",
			Message: "the card has no text below its metadata",
			Fix:     "describe the model, its uses, limitations, training and evaluation; `modelcard generate` writes a complete skeleton"})
		return
	}
	if ids := FindNeedsInfo(c.Body.Text); len(ids) > 0 {
		add(Problem{Line: c.Body.FirstLine, Severity: SeverityWarning, Code: "body.needs-information",
			Message: fmt.Sprintf("%d needs-information markers remain: %s", len(ids), strings.Join(ids, ", ")),
			Fix:     "replace each `> **Needs information**` line with the facts it asks for"})
	}
	if n := strings.Count(c.Body.Text, hubPlaceholder); n > 0 {
		add(Problem{Line: c.Body.FirstLine, Severity: SeverityWarning, Code: "body.placeholder",
			Message: fmt.Sprintf("%d sections still read %q", n, hubPlaceholder),
			Fix:     "fill those sections or remove them"})
	}
}
