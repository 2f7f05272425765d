package card

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FrontMatter is the result of splitting a card into its YAML block and its
// body by the Hub's rule.
type FrontMatter struct {
	// Found is true when the card starts with a YAML block.
	Found bool
	// Head is everything up to and including the closing fence line:
	// leading whitespace, the opening fence, the YAML text, the closing fence.
	Head string
	// YAML is the text between the fences, without the line breaks that
	// separate it from them.
	YAML string
	// YAMLLine is the 1-based line on which YAML starts.
	YAMLLine int
	// Body is the text after the closing fence line.
	Body string
	// BodyLine is the 1-based line on which Body starts.
	BodyLine int
}

// SplitFrontMatter splits a card into its YAML block and its body with the
// rule the Hub itself applies: optional leading whitespace, a line "---",
// the YAML text, then the first later line that starts with "---" followed
// only by spaces or tabs up to the end of the line or of the file. A file
// that does not start that way has no YAML block and is all body.
//
// Line breaks may be "\n" or "\r\n"; a lone "\r" does not end a fence line,
// and a byte order mark before the fence means no block, as on the Hub.
func SplitFrontMatter(src string) FrontMatter {
	noBlock := FrontMatter{Body: src, BodyLine: 1}
	// Leading whitespace, as Python's \s* (Unicode white space).
	i := 0
	for i < len(src) {
		r, size := rune(src[i]), 1
		if r >= 0x80 {
			r, size = utf8.DecodeRuneInString(src[i:])
		}
		if !isPythonSpace(r) {
			break
		}
		i += size
	}
	// The whitespace run is greedy but may give back line breaks so that
	// "---" can follow; "---" itself is not white space, so the fence must
	// start where the run ends.
	if !strings.HasPrefix(src[i:], "---") {
		return noBlock
	}
	j := i + 3
	// [\r\n]+ after the opening fence.
	k := j
	for k < len(src) && (src[k] == '\n' || src[k] == '\r') {
		k++
	}
	if k == j {
		return noBlock
	}
	// The regex's [\r\n]+ after the opening fence is greedy and gives back
	// line breaks only when no closing fence can be found otherwise, so the
	// YAML text starts after all of them first, then after one fewer, and so
	// on down to one.
	for start := k; start > j; start-- {
		if fm, ok := findClosingFence(src, start); ok {
			return fm
		}
	}
	return noBlock
}

// findClosingFence looks for the earliest closing fence at or after the
// YAML text's start, with at least one line break before it.
func findClosingFence(src string, yamlStart int) (FrontMatter, bool) {
	// Candidates: positions p >= yamlStart where src[p] is a line break,
	// followed by more breaks, then "---", then [ \t]*, then \r\n, \n or
	// the end of the text. Without carriage returns (most cards) the line
	// breaks are found with IndexByte.
	noCR := strings.IndexByte(src[yamlStart:], '\r') < 0
	for p := yamlStart; p < len(src); p++ {
		if noCR {
			next := strings.IndexByte(src[p:], '\n')
			if next < 0 {
				break
			}
			p += next
		} else if c := src[p]; c != '\n' && c != '\r' {
			continue
		}
		q := p
		for q < len(src) && (src[q] == '\n' || src[q] == '\r') {
			q++
		}
		if !strings.HasPrefix(src[q:], "---") {
			p = q - 1
			continue
		}
		e := q + 3
		for e < len(src) && (src[e] == ' ' || src[e] == '\t') {
			e++
		}
		switch {
		case e == len(src):
		case src[e] == '\n':
			e++
		case src[e] == '\r' && e+1 < len(src) && src[e+1] == '\n':
			e += 2
		default:
			p = q - 1
			continue
		}
		yaml := src[yamlStart:p]
		return FrontMatter{
			Found:    true,
			Head:     src[:e],
			YAML:     yaml,
			YAMLLine: 1 + countLines(src[:yamlStart]),
			Body:     src[e:],
			BodyLine: 1 + countLines(src[:e]),
		}, true
	}
	return FrontMatter{}, false
}

// countLines counts line breaks ("\n", "\r\n" or a lone "\r") in s.
func countLines(s string) int {
	if strings.IndexByte(s, '\r') < 0 {
		return strings.Count(s, "\n")
	}
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			n++
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			n++
		}
	}
	return n
}

// isPythonSpace reports whether r is matched by Python's \s in a str
// pattern: ASCII white space, the separators 0x1c-0x1f, and Unicode white
// space. A byte order mark is not white space.
func isPythonSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x1f, 0x85:
		return true
	}
	return r > 0x7f && unicode.IsSpace(r)
}
