package card

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"go.yaml.in/yaml/v3"
)

// RenderHF renders a card as a Hugging Face model card: a README.md with a
// YAML metadata block followed by the Markdown body.
//
// A card read from a file is written back byte for byte while nothing in it
// changed: its original head (or a fresh encoding of its metadata once that
// changed), then its body text.
//
// A card built from a spec is rendered from its Content and Meta: the YAML
// block holds Meta's keys in their order, with `model-index` set from the
// complete eval results; the body follows the Hub's model card template,
// section by section, with the card's template family section after "How to
// Get Started with the Model". Every unknown fact gets a needs-information
// marker (see NeedsInfo) with guidance, never an invented value.
func RenderHF(c *Card) ([]byte, error) {
	return AppendHF(nil, c)
}

// AppendHF is RenderHF appending to dst, so that callers rendering many
// cards can reuse one buffer. On error it returns dst unchanged.
func AppendHF(dst []byte, c *Card) ([]byte, error) {
	return AppendHFWith(dst, c, RenderOptions{})
}

// RenderHFWith is RenderHF with options: opts.Lang writes the headings and
// the card title in another language (the card's own text, metadata and
// guidance stay as they are). A card read from a file is written back as
// it was, whatever the options.
func RenderHFWith(c *Card, opts RenderOptions) ([]byte, error) {
	return AppendHFWith(nil, c, opts)
}

// AppendHFWith is RenderHFWith appending to dst.
func AppendHFWith(dst []byte, c *Card, opts RenderOptions) ([]byte, error) {
	if c == nil {
		return dst, errors.New("render Hugging Face card: the card is nil; build one from a spec or parse a README first")
	}
	if c.source != nil {
		return appendSourceHF(dst, c)
	}
	famID := c.Family
	if famID == "" {
		famID = FamilyGeneric
	}
	fam, ok := LookupFamily(famID)
	if !ok {
		return dst, fmt.Errorf("render Hugging Face card for %q: unknown template family %q; use one of %v, or leave it empty for the generic family",
			hfCardName(&c.Content), c.Family, FamilyIDs())
	}
	start := len(dst)
	dst = slices.Grow(dst, hfEstimateHFSize(c))
	dst, err := appendHFFrontMatter(dst, c)
	if err != nil {
		return dst[:start], err
	}
	w := hfWriter{buf: dst, fam: &fam, markers: hfMarkerSets[fam.ID]}
	if opts.Lang != "" && opts.Lang != "en" {
		lang, err := newHFLang(opts.Lang, fam.ID)
		if err != nil {
			return dst[:start], fmt.Errorf("render Hugging Face card: %w", err)
		}
		w.lang = lang
	}
	w.body(c)
	return w.buf, nil
}

// hfLang holds the headings of one language for one family.
type hfLang struct {
	code     string
	lines    map[SectionID]string // heading lines with their blank line
	headings map[SectionID]string
	family   FamilyHeadings
}

func newHFLang(lang string, fam FamilyID) (*hfLang, error) {
	headings, err := HeadingsFor(lang)
	if err != nil {
		return nil, err
	}
	family, err := FamilyHeadingsFor(lang, fam)
	if err != nil {
		return nil, err
	}
	l := &hfLang{code: lang, headings: headings, family: family, lines: make(map[SectionID]string, len(hfOutline))}
	for _, s := range hfOutline {
		if s.line == "" {
			continue
		}
		level := strings.IndexByte(s.line, ' ')
		if title, ok := headings[s.id]; ok {
			l.lines[s.id] = s.line[:level] + " " + title + "\n\n"
		}
	}
	return l, nil
}

// sectionLine returns the heading line of an outline section.
func (w *hfWriter) sectionLine(s *hfSection) string {
	if w.lang != nil {
		if line, ok := w.lang.lines[s.id]; ok {
			return line
		}
	}
	return s.line
}

// appendSourceHF writes a card that was read from a file: the original head
// while the metadata is unchanged, else a fresh block; then the body.
func appendSourceHF(dst []byte, c *Card) ([]byte, error) {
	src := c.source
	switch {
	case !c.Meta.Changed():
		dst = append(dst, src.head...)
	case c.Meta.Len() == 0 && src.head == "":
		// No metadata, and the file had no block: none is added.
	default:
		text, err := c.Meta.Encode()
		if err != nil {
			return dst, fmt.Errorf("render Hugging Face card: %w", err)
		}
		if err := hfCheckNoFence(text); err != nil {
			return dst, err
		}
		dst = append(dst, "---\n"...)
		dst = append(dst, text...)
		dst = append(dst, "\n---\n"...)
	}
	if c.Body != nil {
		return append(dst, c.Body.Text...), nil
	}
	return append(dst, src.body...), nil
}

// hfCheckNoFence fails when YAML text holds a line that the Hub would take as
// the closing fence of the block.
func hfCheckNoFence(text string) error {
	for i := 0; i < len(text); {
		if strings.HasPrefix(text[i:], "---") {
			return errors.New("render Hugging Face card: the encoded metadata holds a line starting with \"---\", which would end the YAML block early; quote or indent that value")
		}
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return nil
}

// hfCardName is the model's name for titles and messages.
func hfCardName(ct *Content) string {
	if !hfIsBlank(ct.PrettyName) {
		return ct.PrettyName
	}
	return ct.ModelID
}

// hfEstimateHFSize guesses the rendered size, to grow the buffer once.
func hfEstimateHFSize(c *Card) int {
	ct := &c.Content
	n := 8192 + len(ct.Summary) + len(ct.Description) + len(ct.DirectUse) +
		len(ct.DownstreamUse) + len(ct.OutOfScopeUse) + len(ct.BiasRisksLimitations) +
		len(ct.Recommendations) + len(ct.GetStarted) + len(ct.TrainingData) +
		len(ct.Preprocessing) + len(ct.SpeedsSizesTimes) + len(ct.TestingData) +
		len(ct.Factors) + len(ct.MetricsDescription) + len(ct.ResultsSummary) +
		len(ct.ModelExamination) + len(ct.Architecture) + len(ct.ComputeHardware) +
		len(ct.ComputeSoftware) + len(ct.CitationBibTeX) + len(ct.CitationAPA) +
		len(ct.Glossary) + len(ct.MoreInformation) + len(ct.CardAuthors) + len(ct.Contact)
	n += 400 * len(ct.EvalResults)
	for _, kv := range ct.Hyperparameters {
		n += 16 + len(kv.Key) + len(kv.Value)
	}
	for _, v := range ct.Specifics {
		n += 64 + len(v)
	}
	return n
}

// hfModelIndexName is the name given to EvalResultsToModelIndex.
func hfModelIndexName(ct *Content) string {
	if ct.ModelID != "" {
		return ct.ModelID
	}
	return ct.PrettyName
}

// hfModelIndexFor converts the complete eval results into a model-index; nil
// when there are none, or when the card names no model.
func hfModelIndexFor(ct *Content) ([]ModelIndexEntry, error) {
	complete := 0
	for i := range ct.EvalResults {
		if ct.EvalResults[i].Complete() {
			complete++
		}
	}
	if complete == 0 {
		return nil, nil
	}
	results := ct.EvalResults
	if complete < len(results) {
		results = make([]EvalResult, 0, complete)
		for _, r := range ct.EvalResults {
			if r.Complete() {
				results = append(results, r)
			}
		}
	}
	name := hfModelIndexName(ct)
	if name == "" {
		// A model-index must name its model; the body asks for the name.
		return nil, nil
	}
	entries, err := EvalResultsToModelIndex(name, results)
	if err != nil {
		return nil, fmt.Errorf("render Hugging Face card for %q: build model-index from %d complete eval results: %w", name, complete, err)
	}
	return entries, nil
}

// appendHFFrontMatter writes the YAML block of a card built from a spec, or
// nothing when it has neither metadata nor complete results.
func appendHFFrontMatter(dst []byte, c *Card) ([]byte, error) {
	entries, err := hfModelIndexFor(&c.Content)
	if err != nil {
		return dst, err
	}
	if c.Meta.Len() == 0 && entries == nil {
		return dst, nil
	}
	start := len(dst)
	dst = append(dst, "---\n"...)
	dst, ok := hfAppendMetaYAML(dst, c.Meta, entries)
	if !ok {
		// Comments, anchors or unusual tags: let the YAML library write it.
		dst = dst[:start]
		text, err := hfEncodeMetaSlow(c.Meta, entries)
		if err != nil {
			return dst, fmt.Errorf("render Hugging Face card for %q: %w", hfCardName(&c.Content), err)
		}
		if err := hfCheckNoFence(text); err != nil {
			return dst, err
		}
		dst = append(dst, "---\n"...)
		dst = append(dst, text...)
		dst = append(dst, '\n')
	}
	return append(dst, "---\n"...), nil
}

// hfEncodeMetaSlow encodes a copy of the metadata with the model-index set,
// through the YAML library.
func hfEncodeMetaSlow(m *Metadata, entries []ModelIndexEntry) (string, error) {
	cp := &Metadata{firstLine: 1, dirty: true}
	if m != nil && m.root != nil {
		root := *m.root
		root.Content = slices.Clone(m.root.Content)
		cp.root = &root
	}
	if entries != nil {
		if err := cp.Set("model-index", entries); err != nil {
			return "", err
		}
	}
	return cp.Encode()
}

// ---- YAML writing -------------------------------------------------------

// hfAppendMetaYAML writes the metadata keys in order as block YAML, with
// model-index replaced (or added last) when entries is not nil. It reports
// false when the tree holds something it does not write (comments, anchors,
// aliases, custom tags), for the caller to fall back to the YAML library.
func hfAppendMetaYAML(dst []byte, m *Metadata, entries []ModelIndexEntry) ([]byte, bool) {
	placed := false
	if m != nil && m.root != nil {
		root := m.root
		if root.Kind != yaml.MappingNode || hfHasNodeExtras(root) {
			return dst, false
		}
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Value == "model-index" && entries != nil {
				if placed {
					continue
				}
				dst = hfAppendModelIndexYAML(dst, entries)
				placed = true
				continue
			}
			var ok bool
			if dst, ok = hfAppendYAMLKey(dst, k); !ok {
				return dst, false
			}
			if dst, ok = hfAppendYAMLNodeValue(dst, v, 0); !ok {
				return dst, false
			}
		}
	}
	if entries != nil && !placed {
		dst = hfAppendModelIndexYAML(dst, entries)
	}
	return dst, true
}

// hfHasNodeExtras reports what hfAppendMetaYAML leaves to the YAML library.
func hfHasNodeExtras(n *yaml.Node) bool {
	return n.Anchor != "" || n.HeadComment != "" || n.LineComment != "" || n.FootComment != ""
}

// hfAppendYAMLKey writes a mapping key and its colon.
func hfAppendYAMLKey(dst []byte, k *yaml.Node) ([]byte, bool) {
	if k.Kind != yaml.ScalarNode || hfHasNodeExtras(k) || len(k.Value) > 1000 {
		return dst, false
	}
	var ok bool
	if dst, ok = hfAppendYAMLScalarNode(dst, k); !ok {
		return dst, false
	}
	return append(dst, ':'), true
}

// hfAppendYAMLNodeValue writes the value after "key:", ending the line.
func hfAppendYAMLNodeValue(dst []byte, v *yaml.Node, indent int) ([]byte, bool) {
	if hfHasNodeExtras(v) {
		return dst, false
	}
	switch v.Kind {
	case yaml.ScalarNode:
		dst = append(dst, ' ')
		dst, ok := hfAppendYAMLScalarNode(dst, v)
		return append(dst, '\n'), ok
	case yaml.MappingNode:
		if len(v.Content) == 0 {
			return append(dst, " {}\n"...), v.ShortTag() == "!!map"
		}
		dst = append(dst, '\n')
		return hfAppendYAMLMappingNode(dst, v, indent+2, false)
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			return append(dst, " []\n"...), v.ShortTag() == "!!seq"
		}
		dst = append(dst, '\n')
		return hfAppendYAMLSequenceNode(dst, v, indent, false)
	}
	return dst, false
}

// hfAppendYAMLMappingNode writes a non-empty mapping at indent; with inline,
// the first key goes where the cursor already is (after "- ").
func hfAppendYAMLMappingNode(dst []byte, n *yaml.Node, indent int, inline bool) ([]byte, bool) {
	if n.ShortTag() != "!!map" {
		return dst, false
	}
	var ok bool
	for i := 0; i+1 < len(n.Content); i += 2 {
		if i > 0 || !inline {
			dst = hfAppendIndent(dst, indent)
		}
		if dst, ok = hfAppendYAMLKey(dst, n.Content[i]); !ok {
			return dst, false
		}
		if dst, ok = hfAppendYAMLNodeValue(dst, n.Content[i+1], indent); !ok {
			return dst, false
		}
	}
	return dst, true
}

// hfAppendYAMLSequenceNode writes a non-empty sequence at indent.
func hfAppendYAMLSequenceNode(dst []byte, n *yaml.Node, indent int, inline bool) ([]byte, bool) {
	if n.ShortTag() != "!!seq" {
		return dst, false
	}
	var ok bool
	for i, item := range n.Content {
		if i > 0 || !inline {
			dst = hfAppendIndent(dst, indent)
		}
		dst = append(dst, "- "...)
		if hfHasNodeExtras(item) {
			return dst, false
		}
		switch {
		case item.Kind == yaml.ScalarNode:
			dst, ok = hfAppendYAMLScalarNode(dst, item)
			dst = append(dst, '\n')
		case item.Kind == yaml.MappingNode && len(item.Content) > 0:
			dst, ok = hfAppendYAMLMappingNode(dst, item, indent+2, true)
		case item.Kind == yaml.SequenceNode && len(item.Content) > 0:
			dst, ok = hfAppendYAMLSequenceNode(dst, item, indent+2, true)
		case item.Kind == yaml.MappingNode:
			dst, ok = append(dst, "{}\n"...), item.ShortTag() == "!!map"
		case item.Kind == yaml.SequenceNode:
			dst, ok = append(dst, "[]\n"...), item.ShortTag() == "!!seq"
		default:
			ok = false
		}
		if !ok {
			return dst, false
		}
	}
	return dst, true
}

// hfAppendYAMLScalarNode writes a scalar so that it reads back with the same
// tag and value.
func hfAppendYAMLScalarNode(dst []byte, n *yaml.Node) ([]byte, bool) {
	switch n.ShortTag() {
	case "!!str":
		return hfAppendYAMLString(dst, n.Value), true
	case "!!int", "!!float", "!!bool", "!!null", "!!timestamp":
		// Resolved from a plain scalar: written back as it was.
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) != 0 ||
			strings.ContainsAny(n.Value, "\n\r#:\"'") {
			return dst, false
		}
		if n.Value == "" {
			return append(dst, "null"...), true
		}
		return append(dst, n.Value...), true
	}
	return dst, false
}

func hfAppendIndent(dst []byte, n int) []byte {
	const spaces = "                                "
	for n > len(spaces) {
		dst = append(dst, spaces...)
		n -= len(spaces)
	}
	return append(dst, spaces[:n]...)
}

// hfAppendYAMLString writes s plain when that is unambiguous for both YAML 1.1
// and 1.2 readers, double-quoted otherwise.
func hfAppendYAMLString(dst []byte, s string) []byte {
	if hfYamlPlainSafe(s) {
		return append(dst, s...)
	}
	return hfAppendYAMLQuoted(dst, s)
}

// hfYamlPlainSafe reports whether s can be written as a plain scalar and
// read back as the same string by YAML 1.1 and 1.2 readers alike: it starts
// with a letter, holds only letters, digits, single spaces and harmless
// punctuation (':' and '#' only inside words), does not end with a space, and
// is not a word that a YAML 1.1 reader takes as a boolean or null.
func hfYamlPlainSafe(s string) bool {
	if s == "" || s[len(s)-1] == ' ' || s[0] >= utf8.RuneSelf && !hfPlainFirstRune(s) ||
		s[0] < utf8.RuneSelf && hfPlainByte[s[0]] != plainLetter {
		return false
	}
	i := 1
	if s[0] >= utf8.RuneSelf {
		_, i = utf8.DecodeRuneInString(s)
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch hfPlainByte[c] {
			case plainLetter, plainInner:
			case plainSpace:
				if s[i-1] == ' ' {
					return false
				}
			case plainColon:
				// "a:b" is plain; ": " and a final ':' would start a value.
				if i+1 == len(s) || s[i+1] == ' ' {
					return false
				}
			case plainHash:
				// "a#b" is plain; " #" would start a comment.
				if s[i-1] == ' ' {
					return false
				}
			default:
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) {
			return false
		}
		i += size
	}
	if len(s) <= 5 {
		for _, w := range [...]string{"y", "n", "yes", "no", "on", "off", "true", "false", "null"} {
			if strings.EqualFold(s, w) {
				return false
			}
		}
	}
	return true
}

// hfPlainFirstRune reports whether s starts with a non-ASCII letter.
func hfPlainFirstRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r != utf8.RuneError && unicode.IsLetter(r)
}

// Classes of ASCII bytes in a plain YAML scalar.
const (
	plainNever  = iota // needs quoting
	plainLetter        // allowed anywhere
	plainInner         // allowed after the first byte
	plainSpace         // allowed after the first byte, not twice in a row
	plainColon         // allowed inside, not before a space or at the end
	plainHash          // allowed inside, not after a space
)

// hfPlainByte classifies ASCII bytes for hfYamlPlainSafe. Read-only.
var hfPlainByte = func() (t [128]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = plainLetter, plainLetter
	}
	for _, c := range []byte("0123456789_-./+(),@=;?&%~!*") {
		t[c] = plainInner
	}
	t[' '], t[':'], t['#'] = plainSpace, plainColon, plainHash
	return t
}()

// hfAppendYAMLQuoted writes s as a one-line double-quoted YAML scalar.
// Invalid UTF-8 bytes, which YAML cannot hold, become U+FFFD.
func hfAppendYAMLQuoted(dst []byte, s string) []byte {
	const hexDigits = "0123456789ABCDEF"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\uFFFD`...)
		case r == 0x85:
			dst = append(dst, '\\', 'N')
		case r == 0x2028:
			dst = append(dst, '\\', 'L')
		case r == 0x2029:
			dst = append(dst, '\\', 'P')
		case r == 0xFEFF || !unicode.IsPrint(r) && r != 0xA0:
			if r > 0xFFFF {
				dst = append(dst, '\\', 'U')
				for shift := 28; shift >= 0; shift -= 4 {
					dst = append(dst, hexDigits[(r>>shift)&15])
				}
			} else {
				dst = append(dst, '\\', 'u')
				for shift := 12; shift >= 0; shift -= 4 {
					dst = append(dst, hexDigits[(r>>shift)&15])
				}
			}
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// hfAppendModelIndexYAML writes "model-index:" and the entries, in the field
// order of the ModelIndex types.
func hfAppendModelIndexYAML(dst []byte, entries []ModelIndexEntry) []byte {
	dst = append(dst, "model-index:"...)
	if len(entries) == 0 {
		return append(dst, " []\n"...)
	}
	dst = append(dst, '\n')
	for _, e := range entries {
		dst = append(dst, "- name: "...)
		dst = hfAppendYAMLString(dst, e.Name)
		dst = append(dst, "\n  results:"...)
		if len(e.Results) == 0 {
			dst = append(dst, " []\n"...)
			continue
		}
		dst = append(dst, '\n')
		for _, r := range e.Results {
			dst = append(dst, "  - task:\n      type: "...)
			dst = hfAppendYAMLString(dst, r.Task.Type)
			dst = append(dst, '\n')
			dst = hfAppendYAMLField(dst, 6, "name", r.Task.Name)
			dst = append(dst, "    dataset:\n      name: "...)
			dst = hfAppendYAMLString(dst, r.Dataset.Name)
			dst = append(dst, "\n      type: "...)
			dst = hfAppendYAMLString(dst, r.Dataset.Type)
			dst = append(dst, '\n')
			dst = hfAppendYAMLField(dst, 6, "config", r.Dataset.Config)
			dst = hfAppendYAMLField(dst, 6, "split", r.Dataset.Split)
			dst = hfAppendYAMLField(dst, 6, "revision", r.Dataset.Revision)
			dst = hfAppendYAMLArgs(dst, 6, r.Dataset.Args)
			dst = append(dst, "    metrics:"...)
			if len(r.Metrics) == 0 {
				dst = append(dst, " []\n"...)
			} else {
				dst = append(dst, '\n')
			}
			for _, m := range r.Metrics {
				dst = append(dst, "    - type: "...)
				dst = hfAppendYAMLString(dst, m.Type)
				dst = append(dst, "\n      value:"...)
				dst = hfAppendYAMLAny(dst, m.Value, 6)
				dst = hfAppendYAMLField(dst, 6, "name", m.Name)
				dst = hfAppendYAMLField(dst, 6, "config", m.Config)
				dst = hfAppendYAMLArgs(dst, 6, m.Args)
				if m.Verified != nil {
					dst = append(dst, "      verified: "...)
					dst = strconv.AppendBool(dst, *m.Verified)
					dst = append(dst, '\n')
				}
				dst = hfAppendYAMLField(dst, 6, "verifyToken", m.VerifyToken)
			}
			if r.Source != nil {
				dst = append(dst, "    source:\n      url: "...)
				dst = hfAppendYAMLString(dst, r.Source.URL)
				dst = append(dst, '\n')
				dst = hfAppendYAMLField(dst, 6, "name", r.Source.Name)
			}
		}
	}
	return dst
}

// hfAppendYAMLField writes "key: value" at indent when value is not empty.
func hfAppendYAMLField(dst []byte, indent int, key, value string) []byte {
	if value == "" {
		return dst
	}
	dst = hfAppendIndent(dst, indent)
	dst = append(dst, key...)
	dst = append(dst, ": "...)
	dst = hfAppendYAMLString(dst, value)
	return append(dst, '\n')
}

// hfAppendYAMLArgs writes "args:" and a mapping at indent when args is not
// empty.
func hfAppendYAMLArgs(dst []byte, indent int, args map[string]any) []byte {
	if len(args) == 0 {
		return dst
	}
	dst = hfAppendIndent(dst, indent)
	dst = append(dst, "args:"...)
	return hfAppendYAMLAny(dst, args, indent)
}

// hfAppendYAMLAny writes a plain Go value (as decoded from JSON or YAML)
// after a "key:" written at indent, ending the line. Maps are written with
// sorted keys. Values of other types are first turned into plain values
// through their YAML encoding.
func hfAppendYAMLAny(dst []byte, v any, indent int) []byte {
	switch t := hfPlainValue(v).(type) {
	case map[string]any:
		if len(t) == 0 {
			return append(dst, " {}\n"...)
		}
		dst = append(dst, '\n')
		return hfAppendYAMLMap(dst, t, indent+2, false)
	case []any:
		if len(t) == 0 {
			return append(dst, " []\n"...)
		}
		dst = append(dst, '\n')
		return hfAppendYAMLList(dst, t, indent, false)
	default:
		dst = append(dst, ' ')
		dst = hfAppendYAMLScalar(dst, t)
		return append(dst, '\n')
	}
}

func hfAppendYAMLMap(dst []byte, m map[string]any, indent int, inline bool) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 || !inline {
			dst = hfAppendIndent(dst, indent)
		}
		dst = hfAppendYAMLString(dst, k)
		dst = append(dst, ':')
		dst = hfAppendYAMLAny(dst, m[k], indent)
	}
	return dst
}

func hfAppendYAMLList(dst []byte, l []any, indent int, inline bool) []byte {
	for i, item := range l {
		if i > 0 || !inline {
			dst = hfAppendIndent(dst, indent)
		}
		dst = append(dst, "- "...)
		switch t := hfPlainValue(item).(type) {
		case map[string]any:
			if len(t) > 0 {
				dst = hfAppendYAMLMap(dst, t, indent+2, true)
				continue
			}
			dst = append(dst, "{}\n"...)
		case []any:
			if len(t) > 0 {
				dst = hfAppendYAMLList(dst, t, indent+2, true)
				continue
			}
			dst = append(dst, "[]\n"...)
		default:
			dst = hfAppendYAMLScalar(dst, t)
			dst = append(dst, '\n')
		}
	}
	return dst
}

// hfPlainValue returns v when it is a plain value (nil, string, bool, a
// number, map[string]any, []any), else the plain value its YAML encoding
// decodes to.
func hfPlainValue(v any) any {
	switch v.(type) {
	case nil, string, bool, float64, float32, json.Number, map[string]any, []any,
		int, int64, int32, int16, int8, uint, uint64, uint32, uint16, uint8:
		return v
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var out any
	if err := yaml.Unmarshal(b, &out); err != nil {
		return fmt.Sprint(v)
	}
	return normalise(out)
}

// hfAppendYAMLScalar writes a scalar Go value on one line; a value of any
// other type is written as a quoted string of its default format.
func hfAppendYAMLScalar(dst []byte, v any) []byte {
	switch t := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return hfAppendYAMLString(dst, t)
	case bool:
		return strconv.AppendBool(dst, t)
	case float64:
		return hfAppendFloat(dst, t, 64, true)
	case float32:
		return hfAppendFloat(dst, float64(t), 32, true)
	case json.Number:
		if _, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return append(dst, t...)
		}
		if f, err := strconv.ParseFloat(string(t), 64); err == nil {
			return hfAppendFloat(dst, f, 64, true)
		}
		return hfAppendYAMLString(dst, string(t))
	}
	if out, ok := hfAppendInt(dst, v); ok {
		return out
	}
	return hfAppendYAMLQuoted(dst, fmt.Sprint(v))
}

// hfAppendInt writes the integer types.
func hfAppendInt(dst []byte, v any) ([]byte, bool) {
	switch t := v.(type) {
	case int:
		return strconv.AppendInt(dst, int64(t), 10), true
	case int64:
		return strconv.AppendInt(dst, t, 10), true
	case int32:
		return strconv.AppendInt(dst, int64(t), 10), true
	case int16:
		return strconv.AppendInt(dst, int64(t), 10), true
	case int8:
		return strconv.AppendInt(dst, int64(t), 10), true
	case uint:
		return strconv.AppendUint(dst, uint64(t), 10), true
	case uint64:
		return strconv.AppendUint(dst, t, 10), true
	case uint32:
		return strconv.AppendUint(dst, uint64(t), 10), true
	case uint16:
		return strconv.AppendUint(dst, uint64(t), 10), true
	case uint8:
		return strconv.AppendUint(dst, uint64(t), 10), true
	}
	return dst, false
}

// hfAppendFloat writes a float the way Python's repr does (the form the
// Hub's own tools print), so that a value reads the same in the card as in
// the spec it came from: 0.95 stays 0.95, 95.0 stays 95.0, tiny and huge
// values use an exponent (1e-05). With yamlForm the mantissa always has a
// decimal point (1.0e-05) so that YAML 1.1 readers see a float too, and
// non-finite values are written as YAML's .nan and .inf; otherwise as NaN
// and inf.
func hfAppendFloat(dst []byte, f float64, bits int, yamlForm bool) []byte {
	switch {
	case math.IsNaN(f):
		if yamlForm {
			return append(dst, ".nan"...)
		}
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		if yamlForm {
			return append(dst, ".inf"...)
		}
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		if yamlForm {
			return append(dst, "-.inf"...)
		}
		return append(dst, "-inf"...)
	}
	var buf [40]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, bits)
	mark := slices.Index(e, 'e')
	exp := 0
	for _, d := range e[mark+2:] {
		exp = exp*10 + int(d-'0')
	}
	if e[mark+1] == '-' {
		exp = -exp
	}
	mant := e[:mark]
	if mant[0] == '-' {
		dst = append(dst, '-')
		mant = mant[1:]
	}
	if f != 0 && (exp < -4 || exp >= 16) {
		dst = append(dst, mant...)
		if len(mant) == 1 && yamlForm {
			dst = append(dst, '.', '0')
		}
		return append(dst, e[mark:]...)
	}
	// Positional form from the shortest digits: d.ddd times 10^exp.
	var digs [24]byte
	nd := copy(digs[:], mant[:1])
	if len(mant) > 2 {
		nd += copy(digs[nd:], mant[2:])
	}
	if f == 0 {
		exp = 0
	}
	if exp < 0 {
		dst = append(dst, '0', '.')
		for k := exp + 1; k < 0; k++ {
			dst = append(dst, '0')
		}
		return append(dst, digs[:nd]...)
	}
	if nd <= exp+1 {
		dst = append(dst, digs[:nd]...)
		for k := nd; k <= exp; k++ {
			dst = append(dst, '0')
		}
		return append(dst, '.', '0')
	}
	dst = append(dst, digs[:exp+1]...)
	dst = append(dst, '.')
	return append(dst, digs[exp+1:nd]...)
}

// ---- Markdown body ------------------------------------------------------

// hfWriter writes the Markdown body of a card built from a spec.
type hfWriter struct {
	buf     []byte
	fam     *Family
	markers *hfMarkerSet
	lang    *hfLang // nil for English
}

// heading writes a heading line followed by a blank line.
func (w *hfWriter) heading(level int, title string) {
	w.buf = append(w.buf, "######"[:level]...)
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, title...)
	w.buf = append(w.buf, '\n', '\n')
}

// hfSection is one section of the rendered body, in the Hub template's
// order: its heading, then a Markdown field (text) or a writer of its own
// (write), or nothing for a heading that only groups subsections.
type hfSection struct {
	id    SectionID
	text  func(*Content) string
	write func(*hfWriter, *Card)
	line  string // the heading line and a blank line, set by hfBuildOutline
}

// hfOutline is the body's outline. The family section (written by
// specifics, with its own headings) follows "How to Get Started with the
// Model". Read-only.
var hfOutline = hfBuildOutline([]hfSection{
	{id: SecModelDetails},
	{id: SecModelDescription, write: (*hfWriter).description},
	{id: SecModelSources, write: (*hfWriter).sources},
	{id: SecUses},
	{id: SecDirectUse, text: func(c *Content) string { return c.DirectUse }},
	{id: SecDownstreamUse, text: func(c *Content) string { return c.DownstreamUse }},
	{id: SecOutOfScopeUse, text: func(c *Content) string { return c.OutOfScopeUse }},
	{id: SecBiasRisksLimitations, text: func(c *Content) string { return c.BiasRisksLimitations }},
	{id: SecRecommendations, text: func(c *Content) string { return c.Recommendations }},
	{id: SecGetStarted, text: func(c *Content) string { return c.GetStarted }},
	{id: SecFamilySpecifics, write: (*hfWriter).specifics},
	{id: SecTraining},
	{id: SecTrainingData, text: func(c *Content) string { return c.TrainingData }},
	{id: SecTrainingProcedure},
	{id: SecPreprocessing, text: func(c *Content) string { return c.Preprocessing }},
	{id: SecHyperparameters, write: (*hfWriter).hyperparameters},
	{id: SecSpeedsSizesTimes, text: func(c *Content) string { return c.SpeedsSizesTimes }},
	{id: SecEvaluation},
	{id: SecTestingFactorsMetrics},
	{id: SecTestingData, text: func(c *Content) string { return c.TestingData }},
	{id: SecFactors, text: func(c *Content) string { return c.Factors }},
	{id: SecMetrics, text: func(c *Content) string { return c.MetricsDescription }},
	{id: SecResults, write: (*hfWriter).results},
	{id: SecResultsSummary, text: func(c *Content) string { return c.ResultsSummary }},
	{id: SecModelExamination, text: func(c *Content) string { return c.ModelExamination }},
	{id: SecEnvironmentalImpact, write: (*hfWriter).environment},
	{id: SecTechnicalSpecs},
	{id: SecArchitecture, text: func(c *Content) string { return c.Architecture }},
	{id: SecCompute},
	{id: SecHardware, text: func(c *Content) string { return c.ComputeHardware }},
	{id: SecSoftware, text: func(c *Content) string { return c.ComputeSoftware }},
	{id: SecCitation, write: (*hfWriter).citation},
	{id: SecGlossary, text: func(c *Content) string { return c.Glossary }},
	{id: SecMoreInformation, text: func(c *Content) string { return c.MoreInformation }},
	{id: SecCardAuthors, text: func(c *Content) string { return c.CardAuthors }},
	{id: SecContact, text: func(c *Content) string { return c.Contact }},
	{id: SecLicense, write: (*hfWriter).license},
})

// hfLicenseTitle is the License section's heading.
var hfLicenseTitle = func() string {
	if cs, ok := LookupSection(SecLicense); ok {
		return cs.Title
	}
	return "License"
}()

// hfMetaStrings appends to dst the value of a metadata key read as a list
// of strings, as Metadata.Strings does, without allocating when dst has
// room.
func hfMetaStrings(m *Metadata, key string, dst []string) []string {
	_, v := m.node(key)
	if v == nil {
		return dst
	}
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag != "!!null" {
			dst = append(dst, v.Value)
		}
	case yaml.SequenceNode:
		for _, item := range v.Content {
			item = resolveAlias(item)
			if item.Kind == yaml.ScalarNode && item.Tag != "!!null" {
				dst = append(dst, item.Value)
			}
		}
	}
	return dst
}

// hfBuildOutline fills in the heading lines from the canonical sections'
// titles and levels. The family and license sections write their own.
func hfBuildOutline(outline []hfSection) []hfSection {
	for i := range outline {
		s := &outline[i]
		if s.id == SecFamilySpecifics || s.id == SecLicense {
			continue
		}
		cs, ok := LookupSection(s.id)
		if !ok {
			cs = CanonicalSection{Title: string(s.id), Level: 2}
		}
		s.line = "######"[:cs.Level] + " " + cs.Title + "\n\n"
	}
	return outline
}

// marker writes a needs-information marker and a blank line.
func (w *hfWriter) marker(id string) {
	line, ok := w.markers.byID[id]
	if !ok {
		line = NeedsInfo(id, Guidance(w.fam.ID, id))
	}
	w.buf = append(w.buf, line...)
	w.buf = append(w.buf, '\n')
}

// hfMarkerSet holds a family's marker lines, made once with NeedsInfo and
// the family's guidance.
type hfMarkerSet struct {
	byID   map[string]string // by marker id
	fields []string          // for the family's fields, in order
}

// hfMarkerSets holds the marker lines of every family. Read-only.
var hfMarkerSets = func() map[FamilyID]*hfMarkerSet {
	out := make(map[FamilyID]*hfMarkerSet, len(families))
	for _, f := range families {
		set := &hfMarkerSet{byID: make(map[string]string, len(guidanceTables[f.ID]))}
		for id, g := range guidanceTables[f.ID] {
			set.byID[id] = NeedsInfo(id, g)
		}
		for _, fld := range f.Fields {
			set.fields = append(set.fields, set.byID[specificsPrefix+fld.Key])
		}
		out[f.ID] = set
	}
	return out
}()

// markerText writes a marker with guidance made for this one case.
func (w *hfWriter) markerText(id, guidance string) {
	w.buf = append(w.buf, NeedsInfo(id, guidance)...)
	w.buf = append(w.buf, '\n')
}

// text writes a Markdown field as a block, or the marker id when it is
// empty.
func (w *hfWriter) text(id SectionID, s string) {
	if hfIsBlank(s) {
		w.marker(string(id))
		return
	}
	w.buf = hfAppendMarkdownBlock(w.buf, s)
	w.buf = append(w.buf, '\n')
}

// fact writes one "- **Label:** value" list item; value is Markdown.
func (w *hfWriter) fact(label, value string) {
	w.buf = append(w.buf, "- **"...)
	w.buf = append(w.buf, label...)
	w.buf = append(w.buf, ":** "...)
	w.buf = hfAppendInlineMarkdown(w.buf, value)
	w.buf = append(w.buf, '\n')
}

// metaFact writes a list item whose value comes from the metadata (plain
// text, escaped).
func (w *hfWriter) metaFact(label string, values []string) {
	w.buf = append(w.buf, "- **"...)
	w.buf = append(w.buf, label...)
	w.buf = append(w.buf, ":** "...)
	for i, v := range values {
		if i > 0 {
			w.buf = append(w.buf, ", "...)
		}
		w.buf = hfAppendEscapedText(w.buf, v, false)
	}
	w.buf = append(w.buf, '\n')
}

func (w *hfWriter) body(c *Card) {
	ct := &c.Content
	if name := hfCardName(ct); hfIsBlank(name) {
		w.buf = append(w.buf, "# Model Card\n\n"...)
		w.marker(GuidanceModelName)
	} else if w.lang != nil {
		escaped := string(hfAppendEscapedText(nil, name, false))
		title, _ := CardTitleFor(w.lang.code, escaped)
		w.buf = append(w.buf, "# "...)
		w.buf = append(w.buf, title...)
		w.buf = append(w.buf, '\n', '\n')
	} else {
		w.buf = append(w.buf, "# Model Card for "...)
		w.buf = hfAppendEscapedText(w.buf, name, false)
		w.buf = append(w.buf, '\n', '\n')
	}
	w.text(GuidanceSummary, ct.Summary)
	for i := range hfOutline {
		s := &hfOutline[i]
		w.buf = append(w.buf, w.sectionLine(s)...)
		switch {
		case s.write != nil:
			s.write(w, c)
		case s.text != nil:
			w.text(s.id, s.text(ct))
		}
	}
	// Every block ends with a blank line; the file ends with one line break.
	for len(w.buf) >= 2 && w.buf[len(w.buf)-1] == '\n' && w.buf[len(w.buf)-2] == '\n' {
		w.buf = w.buf[:len(w.buf)-1]
	}
}

// description writes the Model Description: the text, then the facts list.
func (w *hfWriter) description(c *Card) {
	w.text(SecModelDescription, c.Content.Description)
	w.details(c)
}

// details writes the facts list of the Model Description.
func (w *hfWriter) details(c *Card) {
	ct := &c.Content
	n := len(w.buf)
	if !hfIsBlank(ct.DevelopedBy) {
		w.fact("Developed by", ct.DevelopedBy)
	}
	if !hfIsBlank(ct.FundedBy) {
		w.fact("Funded by", ct.FundedBy)
	}
	if !hfIsBlank(ct.SharedBy) {
		w.fact("Shared by", ct.SharedBy)
	}
	if !hfIsBlank(ct.ModelType) {
		w.fact("Model type", ct.ModelType)
	}
	if !hfIsBlank(ct.Version) {
		w.fact("Version", ct.Version)
	}
	if m := c.Meta; m.Len() > 0 {
		var arr [16]string
		if v := hfMetaStrings(m, "language", arr[:0]); len(v) > 0 {
			w.metaFact("Language(s) (NLP)", v)
		}
		if v := hfMetaStrings(m, "license", arr[:0]); len(v) > 0 {
			w.metaFact("License", v)
		}
		if v := hfMetaStrings(m, "base_model", arr[:0]); len(v) > 0 {
			w.metaFact("Finetuned from model", v)
		}
	}
	if len(w.buf) > n {
		w.buf = append(w.buf, '\n')
	}
	if hfIsBlank(ct.DevelopedBy) {
		w.marker(GuidanceDevelopedBy)
	}
	if hfIsBlank(ct.ModelType) {
		w.marker(GuidanceModelType)
	}
}

// sources writes the Model Sources list.
func (w *hfWriter) sources(c *Card) {
	ct := &c.Content
	if hfIsBlank(ct.Repository) && hfIsBlank(ct.Paper) && hfIsBlank(ct.Demo) {
		w.marker(string(SecModelSources))
		return
	}
	if !hfIsBlank(ct.Repository) {
		w.fact("Repository", ct.Repository)
	}
	if !hfIsBlank(ct.Paper) {
		w.fact("Paper", ct.Paper)
	}
	if !hfIsBlank(ct.Demo) {
		w.fact("Demo", ct.Demo)
	}
	w.buf = append(w.buf, '\n')
	if hfIsBlank(ct.Repository) {
		w.marker(GuidanceRepository)
	}
}

// specifics writes the family's own section, one subsection per field.
func (w *hfWriter) specifics(c *Card) {
	ct := &c.Content
	title := w.fam.SectionTitle
	if w.lang != nil && w.lang.family.Section != "" {
		title = w.lang.family.Section
	}
	w.heading(2, title)
	for i := range w.fam.Fields {
		f := &w.fam.Fields[i]
		fieldTitle := f.Title
		if w.lang != nil && w.lang.family.Fields[f.Key] != "" {
			fieldTitle = w.lang.family.Fields[f.Key]
		}
		w.heading(3, fieldTitle)
		v := ct.Specifics[f.Key]
		if hfIsBlank(v) {
			w.buf = append(w.buf, w.markers.fields[i]...)
			w.buf = append(w.buf, '\n')
			continue
		}
		w.buf = hfAppendMarkdownBlock(w.buf, v)
		w.buf = append(w.buf, '\n')
	}
}

// hyperparameters writes the training regime and the hyperparameter table.
func (w *hfWriter) hyperparameters(c *Card) {
	ct := &c.Content
	if hfIsBlank(ct.TrainingRegime) && len(ct.Hyperparameters) == 0 {
		w.marker(string(SecHyperparameters))
		return
	}
	if !hfIsBlank(ct.TrainingRegime) {
		w.fact("Training regime", ct.TrainingRegime)
		w.buf = append(w.buf, '\n')
	}
	if len(ct.Hyperparameters) == 0 {
		return
	}
	w.buf = append(w.buf, "| Hyperparameter | Value |\n| --- | --- |\n"...)
	for _, kv := range ct.Hyperparameters {
		w.buf = append(w.buf, "| "...)
		w.buf = hfAppendCell(w.buf, kv.Key)
		w.buf = append(w.buf, " | "...)
		w.buf = hfAppendCell(w.buf, kv.Value)
		w.buf = append(w.buf, " |\n"...)
	}
	w.buf = append(w.buf, '\n')
}

// hfEmDash marks an empty table cell.
const hfEmDash = "—"

// results writes the eval results table, then a marker for each result
// that lacks what a model-index entry needs.
func (w *hfWriter) results(c *Card) {
	ct := &c.Content
	if len(ct.EvalResults) == 0 {
		w.marker(string(SecResults))
		return
	}
	w.buf = append(w.buf, "| Task | Dataset | Config / Split | Metric | Value | Source |\n| --- | --- | --- | --- | --- | --- |\n"...)
	for i := range ct.EvalResults {
		r := &ct.EvalResults[i]
		w.buf = append(w.buf, "| "...)
		w.buf = hfAppendNamePair(w.buf, r.TaskName, r.TaskType)
		w.buf = append(w.buf, " | "...)
		w.buf = hfAppendNamePair(w.buf, r.DatasetName, r.DatasetType)
		w.buf = append(w.buf, " | "...)
		switch {
		case r.DatasetConfig != "" && r.DatasetSplit != "":
			w.buf = hfAppendCell(w.buf, r.DatasetConfig)
			w.buf = append(w.buf, " / "...)
			w.buf = hfAppendCell(w.buf, r.DatasetSplit)
		case r.DatasetConfig != "":
			w.buf = hfAppendCell(w.buf, r.DatasetConfig)
		case r.DatasetSplit != "":
			w.buf = hfAppendCell(w.buf, r.DatasetSplit)
		default:
			w.buf = append(w.buf, hfEmDash...)
		}
		w.buf = append(w.buf, " | "...)
		w.buf = hfAppendNamePair(w.buf, r.MetricName, r.MetricType)
		w.buf = append(w.buf, " | "...)
		w.buf = hfAppendMetricValue(w.buf, r.MetricValue)
		w.buf = append(w.buf, " | "...)
		switch {
		case r.SourceURL != "":
			w.buf = append(w.buf, '[')
			if r.SourceName != "" {
				w.buf = hfAppendCell(w.buf, r.SourceName)
			} else {
				w.buf = hfAppendCell(w.buf, r.SourceURL)
			}
			w.buf = append(w.buf, "]("...)
			w.buf = hfAppendLinkDest(w.buf, r.SourceURL)
			w.buf = append(w.buf, ')')
		case r.SourceName != "":
			w.buf = hfAppendCell(w.buf, r.SourceName)
		default:
			w.buf = append(w.buf, hfEmDash...)
		}
		w.buf = append(w.buf, " |\n"...)
	}
	w.buf = append(w.buf, '\n')
	if hfModelIndexName(ct) == "" {
		for i := range ct.EvalResults {
			if ct.EvalResults[i].Complete() {
				w.markerText(string(SecResults), "These results are left out of the model-index metadata because the card does not name its model: set model_id (the repository id, such as org/name) so that the Hub can show them.")
				break
			}
		}
	}
	for i := range ct.EvalResults {
		if r := &ct.EvalResults[i]; !r.Complete() {
			w.markerText(string(SecResults), w.incompleteGuidance(i, r))
		}
	}
}

// incompleteGuidance says which keys an eval result lacks and how to add
// them.
func (w *hfWriter) incompleteGuidance(i int, r *EvalResult) string {
	missing := r.MissingKeys()
	n := len(missing)
	b := make([]byte, 0, 512)
	b = append(b, "Result "...)
	b = strconv.AppendInt(b, int64(i+1), 10)
	b = append(b, " of the table ("...)
	if r.MetricType != "" {
		b = append(b, r.MetricType...)
	} else {
		b = append(b, "unnamed metric"...)
	}
	if r.MetricValue != nil {
		b = append(b, " = "...)
		b = hfAppendMetricValue(b, r.MetricValue)
	}
	b = append(b, ") lacks "...)
	for j := 0; j < n; j++ {
		switch {
		case j == 0:
		case j == n-1:
			b = append(b, " and "...)
		default:
			b = append(b, ", "...)
		}
		b = append(b, missing[j]...)
	}
	b = append(b, ", so it is left out of the model-index metadata that the Hub reads. "...)
	b = append(b, "Give these keys in this result's entry of the spec's eval_results (a value given only under metrics has to move there to carry them): "...)
	b = append(b, "task_type is a Hub task id"...)
	if len(w.fam.Tasks) > 0 {
		b = append(b, " such as "...)
		b = append(b, w.fam.Tasks[0]...)
	}
	b = append(b, ", dataset_type the dataset's Hub id and dataset_name its display name."...)
	return string(b)
}

// hfAppendNamePair writes "Name (id)", or whichever of the two is set, or a
// dash, escaped for a table cell.
func hfAppendNamePair(dst []byte, name, id string) []byte {
	switch {
	case name != "" && id != "" && name != id:
		dst = hfAppendCell(dst, name)
		dst = append(dst, " ("...)
		dst = hfAppendCell(dst, id)
		return append(dst, ')')
	case name != "":
		return hfAppendCell(dst, name)
	case id != "":
		return hfAppendCell(dst, id)
	}
	return append(dst, hfEmDash...)
}

// hfAppendMetricValue writes a metric value as given: numbers in their
// shortest exact form (floats as Python prints them), strings as they are.
func hfAppendMetricValue(dst []byte, v any) []byte {
	switch t := v.(type) {
	case nil:
		return append(dst, hfEmDash...)
	case string:
		if t == "" {
			return append(dst, hfEmDash...)
		}
		return hfAppendCell(dst, t)
	case json.Number:
		return hfAppendCell(dst, string(t))
	case float64:
		return hfAppendFloat(dst, t, 64, false)
	case float32:
		return hfAppendFloat(dst, float64(t), 32, false)
	case bool:
		return strconv.AppendBool(dst, t)
	}
	if out, ok := hfAppendInt(dst, v); ok {
		return out
	}
	return hfAppendCell(dst, fmt.Sprint(v))
}

// environment writes the environmental impact list, then a marker for each
// fact missing.
func (w *hfWriter) environment(c *Card) {
	e := &c.Content.Environment
	facts := [...]struct{ label, value, id string }{
		{"Hardware Type", e.HardwareType, GuidanceHardwareType},
		{"Hours used", e.HoursUsed, GuidanceHoursUsed},
		{"Cloud Provider", e.CloudProvider, GuidanceCloudProvider},
		{"Compute Region", e.ComputeRegion, GuidanceComputeRegion},
		{"Carbon Emitted", e.CarbonEmitted, GuidanceCarbonEmitted},
	}
	listed := false
	for _, f := range facts {
		if !hfIsBlank(f.value) {
			w.fact(f.label, f.value)
			listed = true
		}
	}
	if listed {
		w.buf = append(w.buf, '\n')
	}
	for _, f := range facts {
		if hfIsBlank(f.value) {
			w.marker(f.id)
		}
	}
}

// citation writes the BibTeX entry in a fenced block and the APA citation.
func (w *hfWriter) citation(c *Card) {
	ct := &c.Content
	bib, apa := !hfIsBlank(ct.CitationBibTeX), !hfIsBlank(ct.CitationAPA)
	if !bib && !apa {
		w.marker(string(SecCitation))
		return
	}
	if bib {
		text := hfTrimBlock(ct.CitationBibTeX)
		fence := max(3, hfLongestRun(text, '`')+1)
		w.buf = append(w.buf, "**BibTeX:**\n\n"...)
		w.buf = hfAppendRepeat(w.buf, '`', fence)
		w.buf = append(w.buf, "bibtex\n"...)
		w.buf = hfAppendNormalisedLines(w.buf, text)
		w.buf = append(w.buf, '\n')
		w.buf = hfAppendRepeat(w.buf, '`', fence)
		w.buf = append(w.buf, '\n', '\n')
	}
	if apa {
		w.buf = append(w.buf, "**APA:**\n\n"...)
		w.buf = hfAppendMarkdownBlock(w.buf, ct.CitationAPA)
		w.buf = append(w.buf, '\n')
	}
}

// license writes the License section when the metadata names a license.
func (w *hfWriter) license(c *Card) {
	m := c.Meta
	var arr [4]string
	ids := hfMetaStrings(m, "license", arr[:0])
	if len(ids) == 0 {
		return
	}
	licenseTitle := hfLicenseTitle
	if w.lang != nil && w.lang.headings[SecLicense] != "" {
		licenseTitle = w.lang.headings[SecLicense]
	}
	w.heading(2, licenseTitle)
	name, link := m.String("license_name"), m.String("license_link")
	if len(ids) == 1 && ids[0] == "other" {
		w.buf = append(w.buf, "The model is released under a license of its own (license id `other`"...)
		if name != "" {
			w.buf = append(w.buf, ", named "...)
			w.buf = hfAppendEscapedText(w.buf, name, false)
		}
		w.buf = append(w.buf, ")."...)
	} else {
		w.buf = append(w.buf, "The model is released under the "...)
		for i, id := range ids {
			if i > 0 {
				w.buf = append(w.buf, ", "...)
			}
			w.buf = hfAppendEscapedText(w.buf, id, false)
		}
		w.buf = append(w.buf, " license."...)
	}
	if link != "" {
		w.buf = append(w.buf, " Read the terms in [the license text]("...)
		w.buf = hfAppendLinkDest(w.buf, link)
		w.buf = append(w.buf, ")."...)
	}
	w.buf = append(w.buf, '\n', '\n')
	if link == "" && len(ids) == 1 && ids[0] == "other" {
		w.marker(string(SecLicense))
	}
}

// ---- Markdown escaping --------------------------------------------------

// hfLineBlank reports whether a line is blank in CommonMark's sense: only
// spaces and tabs (a vertical tab or form feed makes it a text line).
func hfLineBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

// hfIsBlank reports whether a field holds nothing but white space.
func hfIsBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
		default:
			return false
		}
	}
	return true
}

func hfAppendRepeat(dst []byte, c byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, c)
	}
	return dst
}

// hfLongestRun returns the length of the longest run of c in s.
func hfLongestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// hfTrimBlock drops leading blank lines and trailing white space.
func hfTrimBlock(s string) string {
	for {
		i := hfLineEnd(s)
		if i < 0 || !hfIsBlank(s[:i]) {
			break
		}
		s = s[i+1:]
	}
	end := len(s)
	for end > 0 {
		switch s[end-1] {
		case ' ', '\t', '\r', '\n', '\v', '\f':
			end--
			continue
		}
		break
	}
	return s[:end]
}

// hfLineEnd returns the index of the first '\n' or '\r' in s, or -1.
func hfLineEnd(s string) int {
	i := strings.IndexByte(s, '\n')
	end := i
	if i < 0 {
		end = len(s)
	}
	if j := strings.IndexByte(s[:end], '\r'); j >= 0 {
		return j
	}
	return i
}

// hfAppendNormalisedLines copies s with "\r\n" and lone "\r" made "\n".
func hfAppendNormalisedLines(dst []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '\r')
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i]...)
		dst = append(dst, '\n')
		s = s[i+1:]
		if s != "" && s[0] == '\n' {
			s = s[1:]
		}
	}
}

// hfAppendEscapedText writes plain text (a name, a metadata value) so that
// Markdown shows it literally on one line: each run of line breaks and other
// control characters becomes one space, characters with a Markdown meaning
// are backslash-escaped, and '<', '>' and '&' become entities so that no HTML
// tag can appear. In table cells (cell set), line breaks become <br> and
// pipes are escaped too.
func hfAppendEscapedText(dst []byte, s string, cell bool) []byte {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && !hfTextSpecial[s[j]] {
			j++
		}
		dst = append(dst, s[i:j]...)
		if j == len(s) {
			break
		}
		c := s[j]
		i = j + 1
		switch {
		case c < 0x20 || c == 0x7f:
			for i < len(s) && (s[i] < 0x20 || s[i] == 0x7f) {
				i++
			}
			if cell && hfLineEnd(s[j:i]) >= 0 {
				dst = append(dst, "<br>"...)
			} else {
				dst = append(dst, ' ')
			}
		case c == '<':
			dst = append(dst, "&lt;"...)
		case c == '>':
			dst = append(dst, "&gt;"...)
		case c == '&':
			dst = append(dst, "&amp;"...)
		case c == '_' && j > 0 && i < len(s) && hfIsWordByte(s[j-1]) && hfIsWordByte(s[i]):
			// Underscores inside a word never start emphasis.
			dst = append(dst, c)
		default:
			dst = append(dst, '\\', c)
		}
	}
	return dst
}

// hfTextSpecial marks the bytes hfAppendEscapedText does not copy as they
// are. Read-only.
var hfTextSpecial = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	for _, c := range []byte("\x7f<>&\\`*[]#|~$_") {
		t[c] = true
	}
	return t
}()

func hfIsWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= 0x80
}

// hfAppendCell writes plain text for a table cell.
func hfAppendCell(dst []byte, s string) []byte {
	if hfIsBlank(s) {
		return append(dst, hfEmDash...)
	}
	return hfAppendEscapedText(dst, s, true)
}

// hfAppendInlineMarkdown writes a Markdown value on one line (a list item's
// value): line breaks become spaces; the Markdown itself is kept.
func hfAppendInlineMarkdown(dst []byte, s string) []byte {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' || c == '\r' {
			for i+1 < len(s) && (s[i+1] == '\n' || s[i+1] == '\r' || s[i+1] == ' ') {
				i++
			}
			dst = append(dst, ' ')
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// hfAppendLinkDest writes a link destination with the characters that would
// end or break the link percent-encoded.
func hfAppendLinkDest(dst []byte, u string) []byte {
	const hexDigits = "0123456789ABCDEF"
	u = strings.TrimSpace(u)
	for i := 0; i < len(u); {
		j := i
		for j < len(u) && !hfLinkSpecial[u[j]] {
			j++
		}
		dst = append(dst, u[i:j]...)
		if j == len(u) {
			break
		}
		c := u[j]
		dst = append(dst, '%', hexDigits[c>>4], hexDigits[c&15])
		i = j + 1
	}
	return dst
}

// hfLinkSpecial marks the bytes percent-encoded in link destinations.
// Read-only.
var hfLinkSpecial = func() (t [256]bool) {
	for c := 0; c <= ' '; c++ {
		t[c] = true
	}
	for _, c := range []byte("\x7f<>()|\\`") {
		t[c] = true
	}
	return t
}()

// hfAppendMarkdownBlock writes a Markdown field as a block ending with a line
// break, so that it cannot change the structure of the card around it:
//
//   - ATX headings ("# ...", also inside block quotes and list items) are
//     escaped so that they show as text; code is left alone;
//   - a line that would turn the line before it into a setext heading
//     ("===" or "---" under text) gets a blank line before it;
//   - a fenced code block or an HTML block (script, pre, style, textarea,
//     comment, ...) left open at the end of the field is closed;
//   - line breaks are normalised to "\n", leading blank lines and trailing
//     white space dropped.
//
// Everything else is written as given.
func hfAppendMarkdownBlock(dst []byte, s string) []byte {
	start := len(dst)
	dst = hfAppendMarkdownBlockLines(dst, s)
	// Fences and HTML blocks follow CommonMark's container rules, which
	// the line state above follows only in part: check with the section
	// scanner (which finds the same headings as goldmark) that a heading
	// written after the block is still seen, and otherwise write the field
	// as a code block, shown as it is.
	if hfMayOpenBlock(s) {
		// The probe goes in the buffer's room, which the buffer keeps.
		dst = slices.Grow(dst, len(hfProbe))
		if !hfBlockIsClosed(dst, start) {
			dst = hfAppendCodeBlock(dst[:start], hfTrimBlock(s))
		}
	}
	return dst
}

// hfMayOpenBlock reports whether a field holds a byte that can open a
// fence or an HTML block: a backtick, a tilde or '<'. Three vector scans
// beat one scan for any of the three on the long fields most cards hold.
func hfMayOpenBlock(s string) bool {
	return strings.IndexByte(s, '`') >= 0 || strings.IndexByte(s, '~') >= 0 || strings.IndexByte(s, '<') >= 0
}

// hfSentinel is a heading that no field can hold as a top-level heading:
// every heading of a field is escaped.
const hfSentinel = "modelcard-end-of-field"

// hfProbe is the sentinel heading as written after a block to check it.
const hfProbe = "\n# " + hfSentinel + "\n"

// hfBlockIsClosed reports whether a heading written right after the block
// dst[start:] is read as a top-level heading: whether the last heading
// the section scanner finds in the block followed by that heading is it,
// at level 1. The heading is written in dst's room past its length, which
// the caller does not see.
func hfBlockIsClosed(dst []byte, start int) bool {
	probe := append(dst, hfProbe...)[start:]
	// The scanner reads the bytes in place; nothing it returns outlives
	// this call. A buffer for the headings would move to the heap whole:
	// most blocks have none but the probe's.
	headings := scanHeadings(unsafe.String(unsafe.SliceData(probe), len(probe)), nil)
	if len(headings) == 0 {
		return false
	}
	last := headings[len(headings)-1]
	return last.level == 1 && last.title == hfSentinel
}

// hfAppendCodeBlock writes text as a fenced code block whose fence is
// longer than any backtick run in it, so that nothing in it is Markdown.
func hfAppendCodeBlock(dst []byte, text string) []byte {
	fence := max(3, hfLongestRun(text, '`')+1)
	dst = hfAppendRepeat(dst, '`', fence)
	dst = append(dst, "text\n"...)
	dst = hfAppendNormalisedLines(dst, text)
	if len(dst) > 0 && dst[len(dst)-1] != '\n' {
		dst = append(dst, '\n')
	}
	dst = hfAppendRepeat(dst, '`', fence)
	return append(dst, '\n')
}

// hfAppendMarkdownBlockLines writes the field line by line through the
// block state.
func hfAppendMarkdownBlockLines(dst []byte, s string) []byte {
	s = hfTrimBlock(s)
	var st hfMdState
	st.prevBlank = true
	for s != "" {
		var line string
		if i := hfLineEnd(s); i < 0 {
			line, s = s, ""
		} else {
			line = s[:i]
			if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				s = s[i+2:]
			} else {
				s = s[i+1:]
			}
		}
		dst = st.line(dst, line)
		dst = append(dst, '\n')
	}
	if st.fenceLen > 0 && st.fenceTop {
		dst = hfAppendRepeat(dst, st.fenceChar, st.fenceLen)
		dst = append(dst, '\n')
	}
	if st.htmlEnd != "" {
		dst = append(dst, st.htmlEnd...)
		dst = append(dst, '\n')
	}
	return dst
}

// hfMdState follows the block structure of a Markdown field line by line,
// as far as needed to keep its headings and open blocks from leaking out.
type hfMdState struct {
	fenceChar   byte   // '`' or '~' while in a fenced code block
	fenceLen    int    // length of the opening fence; 0 outside fences
	fenceTop    bool   // the open fence is at the top level of the field
	fenceQuoted bool   // the open fence is inside a block quote
	fenceCol    int    // content column of the list item holding the fence
	htmlEnd     string // end marker of an open HTML block
	lists       [8]int // content columns of the open list items
	depth       int    // number of open list items
	prevBlank   bool
	prevCode    bool
}

// line writes one line of a field.
func (st *hfMdState) line(dst []byte, line string) []byte {
	blank := hfLineBlank(line)
	dst = st.write(dst, line, blank)
	st.prevBlank = blank
	return dst
}

func (st *hfMdState) write(dst []byte, line string, blank bool) []byte {
	if st.fenceLen > 0 {
		// The fence ends with its closing line, or with the block quote or
		// list item that holds it.
		left := !blank && ((st.fenceQuoted && !hfStartsQuote(line)) ||
			(st.fenceCol > 0 && hfIndentWidth(line) < st.fenceCol))
		if !left {
			if hfClosesFence(line, st.fenceChar, st.fenceLen, st.fenceQuoted, st.fenceCol) {
				st.fenceLen = 0
			}
			return append(dst, line...)
		}
		st.fenceLen = 0
		for st.depth > 0 && hfIndentWidth(line) < st.lists[st.depth-1] {
			st.depth--
		}
	}
	if st.htmlEnd != "" {
		end := st.htmlEnd
		if hfHTMLBlockEnds(line, end) {
			st.htmlEnd = ""
		}
		if end == ">" && !blank {
			// Readers disagree on whether "<!" and a lower-case letter
			// opens a block: keep headings inside it text either way.
			// Neither change shows inside a declaration.
			p := hfSkipSpaces(line, 0)
			if !st.prevBlank && hfIsSetextUnderline(line[p:]) {
				dst = append(dst, '\n')
			}
			if hfIsATXHeading(line[p:]) {
				dst = append(dst, line[:p]...)
				dst = append(dst, '\\')
				return append(dst, line[p:]...)
			}
		}
		return append(dst, line...)
	}
	if blank {
		return append(dst, line...)
	}
	ind := hfIndentWidth(line)
	// Close the list items this line is not indented into.
	for st.depth > 0 && ind < st.lists[st.depth-1] &&
		(st.prevBlank || hfStartsBlock(line[hfSkipSpaces(line, 0):])) {
		st.depth--
	}
	base := 0
	if st.depth > 0 {
		base = st.lists[st.depth-1]
	}
	if ind-base >= 4 && (st.prevBlank || st.prevCode) {
		// An indented code block: written as it is.
		st.prevCode = true
		return append(dst, line...)
	}
	st.prevCode = false
	// Block quote markers first: a setext underline may sit inside a quote.
	pos, quoted := hfSkipSpaces(line, 0), false
	for pos < len(line) && line[pos] == '>' {
		quoted = true
		pos = hfSkipSpaces(line, pos+1)
	}
	if !st.prevBlank && hfIsSetextUnderline(line[pos:]) {
		dst = append(dst, '\n')
	}
	// Then list markers.
	col := -1
	for {
		w := hfListMarkerWidth(line[pos:])
		if w == 0 {
			break
		}
		if col < 0 && !quoted {
			col = pos + w
			if hfLineBlank(line[pos+w:]) {
				// An item that starts with a blank line has its content
				// one column after the marker itself.
				marker := w
				if line[pos+w-1] == ' ' || line[pos+w-1] == '\t' {
					marker--
				}
				col = pos + marker + 1
			}
		}
		pos = hfSkipSpaces(line, pos+w)
		for pos < len(line) && line[pos] == '>' {
			quoted = true
			pos = hfSkipSpaces(line, pos+1)
		}
	}
	if col >= 0 && st.depth < len(st.lists) {
		st.lists[st.depth] = col
		st.depth++
	}
	rest := line[pos:]
	if c, n, ok := hfOpensFence(rest); ok {
		st.fenceChar, st.fenceLen = c, n
		st.fenceQuoted = quoted
		st.fenceCol = 0
		if st.depth > 0 {
			st.fenceCol = st.lists[st.depth-1]
		}
		st.fenceTop = !quoted && st.depth == 0 && ind <= 3
		return append(dst, line...)
	}
	if hfIsATXHeading(rest) {
		dst = append(dst, line[:pos]...)
		dst = append(dst, '\\')
		return append(dst, rest...)
	}
	if !quoted && st.depth == 0 && ind <= 3 {
		if end, after := hfHTMLBlockStart(rest); end != "" && !hfHTMLBlockEnds(rest[after:], end) {
			st.htmlEnd = end
		}
	}
	return append(dst, line...)
}

// hfStartsQuote reports whether line starts with a block quote marker.
func hfStartsQuote(line string) bool {
	i := hfSkipSpaces(line, 0)
	return i < len(line) && line[i] == '>'
}

// hfIndentWidth returns the column of the first non-blank character, with
// tabs to the next multiple of four.
func hfIndentWidth(line string) int {
	col := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			return col
		}
	}
	return col
}

func hfSkipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// hfListMarkerWidth returns the width of a list marker at the start of s
// ("- ", "* ", "+ ", "1. ", "1) ") including the space after it, or 0.
func hfListMarkerWidth(s string) int {
	if s == "" {
		return 0
	}
	i := 0
	switch s[0] {
	case '-', '*', '+':
		i = 1
	default:
		for i < len(s) && i < 9 && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == 0 || i >= len(s) || (s[i] != '.' && s[i] != ')') {
			return 0
		}
		i++
	}
	if i == len(s) {
		return i
	}
	if s[i] != ' ' && s[i] != '\t' {
		return 0
	}
	return i + 1
}

// hfStartsBlock reports whether a line's content starts a block that
// interrupts a paragraph, so that it also ends a list item it is not
// indented into.
func hfStartsBlock(s string) bool {
	if s == "" {
		return false
	}
	if _, _, ok := hfOpensFence(s); ok {
		return true
	}
	return hfIsATXHeading(s) || s[0] == '>' || s[0] == '<' || hfListMarkerWidth(s) > 0 || hfIsThematicBreak(s)
}

func hfIsThematicBreak(s string) bool {
	var c byte
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t':
		case '-', '*', '_':
			if c != 0 && s[i] != c {
				return false
			}
			c = s[i]
			n++
		default:
			return false
		}
	}
	return n >= 3
}

// hfIsATXHeading reports whether s (indentation removed) is an ATX heading.
func hfIsATXHeading(s string) bool {
	n := 0
	for n < len(s) && s[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(s) || s[n] == ' ' || s[n] == '\t')
}

// hfIsSetextUnderline reports whether s is a run of '=' or of '-' followed
// by nothing but spaces.
func hfIsSetextUnderline(s string) bool {
	if s == "" || (s[0] != '=' && s[0] != '-') {
		return false
	}
	i := 0
	for i < len(s) && s[i] == s[0] {
		i++
	}
	return hfIsBlank(s[i:])
}

// hfOpensFence reports whether s opens a fenced code block.
func hfOpensFence(s string) (byte, int, bool) {
	if s == "" || (s[0] != '`' && s[0] != '~') {
		return 0, 0, false
	}
	c := s[0]
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	if n < 3 || (c == '`' && strings.IndexByte(s[n:], '`') >= 0) {
		return 0, 0, false
	}
	return c, n, true
}

// hfClosesFence reports whether line closes a fence of c repeated n times.
// Block quote markers are skipped only for a fence opened inside a quote:
// at the top level, ">```" is a line of code, not a closing fence.
//
// A closing fence may be indented by at most three columns past base (the
// content column of the list item holding the fence, 0 at the top level);
// tabs count to the next multiple of four.
func hfClosesFence(line string, c byte, n int, quoted bool, base int) bool {
	if !quoted && hfIndentWidth(line)-base > 3 {
		return false
	}
	i := hfSkipSpaces(line, 0)
	for quoted && i < len(line) && line[i] == '>' {
		i = hfSkipSpaces(line, i+1)
	}
	m := 0
	for i+m < len(line) && line[i+m] == c {
		m++
	}
	return m >= n && hfLineBlank(line[i+m:])
}

// hfHTMLBlockStart recognises the HTML blocks that run until an end marker
// rather than until a blank line. It returns the marker to close them and
// where the text after the opening tag starts.
func hfHTMLBlockStart(s string) (end string, after int) {
	if len(s) < 2 || s[0] != '<' {
		return "", 0
	}
	switch {
	case strings.HasPrefix(s, "<!--"):
		return "-->", 4
	case strings.HasPrefix(s, "<![CDATA["):
		return "]]>", 9
	case strings.HasPrefix(s, "<?"):
		return "?>", 2
	case s[1] == '!' && len(s) > 2 && ('A' <= s[2] && s[2] <= 'Z' || 'a' <= s[2] && s[2] <= 'z'):
		return ">", 2
	}
	for _, tag := range [...]string{"script", "pre", "style", "textarea"} {
		if len(s) >= 1+len(tag) && strings.EqualFold(s[1:1+len(tag)], tag) {
			rest := s[1+len(tag):]
			if rest == "" || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '>' {
				return "</" + tag + ">", 1 + len(tag)
			}
		}
	}
	return "", 0
}

// hfHTMLBlockEnds reports whether line holds the end marker of an HTML block.
// For the script-like blocks any of their closing tags ends the block.
func hfHTMLBlockEnds(line, end string) bool {
	if end[0] != '<' {
		return strings.Contains(line, end)
	}
	for _, tag := range [...]string{"</script>", "</pre>", "</style>", "</textarea>"} {
		if hfContainsFold(line, tag) {
			return true
		}
	}
	return false
}

// hfContainsFold reports whether s contains the ASCII string sub, ignoring
// case.
func hfContainsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
