package card

import (
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Parse reads a Hugging Face model card (a README.md with an optional YAML
// block). It returns an *InputError for input that is not UTF-8 text.
// The card's Family is the one its pipeline_tag belongs to; without one
// (or with a task of no family), the family whose own section heading the
// body holds, in any language RenderHFWith writes; else the generic family
// for a task of no family, and none without a task.
//
// A YAML block that does not parse gives a *YAMLError together with a
// usable Card: its body is parsed, its metadata is empty, and rendering it
// unchanged still reproduces the input byte for byte. So does a block
// whose aliases expand too far (to more than 524288 values, deeper than
// 200 levels, or without end); that error has the Code
// "yaml.alias-expansion".
func Parse(src []byte) (*Card, error) {
	if err := CheckText(src); err != nil {
		return nil, err
	}
	return parseText(string(src), nil, nil)
}

// A Parser parses cards one after another, and builds each card's
// metadata tree in the memory that held the tree of the card before:
// where cards are parsed, used and let go in turn, as an audit's workers
// do, that saves most of what parsing allocates. A Card that Parse returns
// is valid only until the next call of Parse: keep what is needed of it
// (strings, numbers), not the card or its Metadata.
//
// A Parser is not safe for concurrent use; the zero Parser is ready.
type Parser struct {
	yaml fastYAMLArena
	// headings is the section scanner's buffer, kept between cards.
	headings []mdHeading
}

// parserMaxHeadings bounds the heading buffer a Parser keeps.
const parserMaxHeadings = 1 << 12

// Parse is card.Parse in the parser's memory; the card it returns is
// valid until the next call. It reads src in place, without the copy
// card.Parse makes: the card's strings point into src, so src must not
// change while the card, or any string taken from it, is in use.
func (p *Parser) Parse(src []byte) (*Card, error) {
	if err := CheckText(src); err != nil {
		return nil, err
	}
	return parseText(unsafe.String(unsafe.SliceData(src), len(src)), &p.yaml, &p.headings)
}

// ParseString is Parse of a card held in a string; it saves the copy that
// Parse makes of its input.
func ParseString(text string) (*Card, error) {
	if strings.IndexByte(text, 0) >= 0 || !utf8.ValidString(text) {
		// Rare: let CheckText say what and where.
		if err := CheckText([]byte(text)); err != nil {
			return nil, err
		}
	}
	return parseText(text, nil, nil)
}

// parseText parses a card whose text has passed CheckText, its metadata
// tree in the memory of arena and its headings scanned into the buffer
// headings points to (each nil for none).
func parseText(text string, arena *fastYAMLArena, headings *[]mdHeading) (*Card, error) {
	fm := SplitFrontMatter(text)
	c := &Card{source: &sourceLayout{
		head:     fm.Head,
		yamlText: fm.YAML,
		yamlLine: fm.YAMLLine,
		body:     fm.Body,
	}}
	var metaErr error
	if fm.Found {
		c.Meta, metaErr = parseMetadata(fm.YAML, fm.YAMLLine, arena)
	} else {
		c.Meta = &Metadata{firstLine: 1}
	}
	if headings == nil {
		c.Body = ParseBody(fm.Body, fm.BodyLine)
	} else {
		c.Body, *headings = parseBodyWith(fm.Body, fm.BodyLine, (*headings)[:0])
		if cap(*headings) > parserMaxHeadings {
			*headings = nil
		}
	}
	known := false
	if tag := c.Meta.String("pipeline_tag"); tag != "" {
		c.Family, known = FamilyForTask(tag)
	}
	if !known {
		// No task names a family: the heading of a family's own section,
		// as RenderHFWith writes it in any language, does.
		if fam := familyFromBody(c.Body); fam != "" {
			c.Family = fam
		}
	}
	if metaErr == nil {
		c.Content.ModelID = modelIDFromMeta(c.Meta)
	}
	return c, metaErr
}

// modelIDFromMeta takes the model's id from the metadata: the model-index
// name, else model_name.
func modelIDFromMeta(m *Metadata) string {
	if name := m.ScalarAt([]any{"model-index", 0, "name"}); name != "" {
		return name
	}
	return m.String("model_name")
}

// HasFrontMatter reports whether the card was read from a file that had a
// YAML block.
func (c *Card) HasFrontMatter() bool {
	return c.source != nil && c.source.head != ""
}
