package engine

import (
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// referenceScanText is scanText as a byte-at-a-time loop that tracks
// whether the byte before was a word byte: the reference the word-at-a-time
// loop of scanText is held to.
func referenceScanText(text string, bits *RubricBits) int {
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
		atStart, prevWord := true, false
		for i := 0; i < len(line); i++ {
			c := line[i]
			cl := byteClass[c]
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
					prevWord = false
					continue
				}
				if c == '[' && strings.HasPrefix(line[i:], placeholderText) {
					placeholder = true
					i += len(placeholderText) - 1
					prevWord = false
					continue
				}
			}
			if cl&bcCount != 0 {
				lineN++
			}
			if cl&bcWord != 0 {
				if !prevWord && cl&bcLetter != 0 && fence == 0 && i+1 < len(line) &&
					len(phraseTable[phraseKey(c, line[i+1])]) > 0 {
					matchPhrases(line, i, atStart, text, false, bits)
				}
				prevWord = true
			} else {
				prevWord = false
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

// TestScanTextMatchesReference holds scanText to referenceScanText, count
// and features, on the text of every section of every corpus card and on
// texts made to hit the edges of the word loop.
func TestScanTextMatchesReference(t *testing.T) {
	texts := []string{
		"", "a", "_", "__init__ x", "Citation: see below", "## License\napache", "1. Intended uses: chat",
		"word<!-- c -->License: mit", "text <!-- runs on\nand on --> after: x", "[More Information Needed] here",
		"**Developed by:** [More Information Needed]", "```\nLicense: none\n```\nLicense: mit", "caf\xc3\xa9 BibTeX",
		"Limitations_and_bias: x", "> **Needs information** x\nreal text", "Training data:\nsquad",
	}
	for _, b := range corpusBodies(t) {
		texts = append(texts, b.Text[:min(b.Preamble, len(b.Text))])
		var walk func(ss []*card.Section)
		walk = func(ss []*card.Section) {
			for _, s := range ss {
				texts = append(texts, b.OwnText(s))
				walk(s.Children)
			}
		}
		walk(b.Sections)
	}
	for i, text := range texts {
		var got, want RubricBits
		n, wantN := scanText(text, &got), referenceScanText(text, &want)
		if n != wantN || got != want {
			t.Fatalf("text %d (%d bytes, %.40q): count %d, features %v; the reference: %d, %v", i, len(text), text, n, got, wantN, want)
		}
	}
}
