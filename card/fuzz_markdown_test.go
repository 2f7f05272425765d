package card

import (
	"os"
	"strings"
	"testing"
)

// FuzzParseBody checks that ParseBody never panics and always returns a
// well-formed tree: sections properly nested and ordered, offsets and lines
// consistent with the text. It is seeded with about 300 corpus bodies and a
// few hand-made edge cases.
func FuzzParseBody(f *testing.F) {
	entries := corpusEntries(f)
	step := len(entries) / 300
	if step < 1 {
		step = 1
	}
	for i := 0; i < len(entries); i += step {
		data, err := os.ReadFile(entries[i].Path)
		if err != nil {
			f.Fatalf("read corpus card: %v", err)
		}
		f.Add(SplitFrontMatter(string(data)).Body)
	}
	for _, s := range []string{
		"", "#", "# a\r\n## b\r\r### c", "a\n===\n", "- a\n  ---\n", "> # q\n# h\n",
		"```\n# x", "<!--\n# x\n-->\n# y", "[x]:\n/url\n---\n", "| a |\n|---|\n---\n",
		"-\n\n\t# tab\n", "1. a\n   - b\n     # c\n", "\t\t#\t#\t\n", "a\r===\r",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		const first = 7
		b := ParseBody(text, first)
		if b.Text != text || b.FirstLine != first {
			t.Fatalf("Text or FirstLine not kept")
		}
		wantPreamble := len(text)
		if len(b.Sections) > 0 {
			wantPreamble = b.Sections[0].Start
		}
		if b.Preamble != wantPreamble {
			t.Fatalf("Preamble %d, want %d", b.Preamble, wantPreamble)
		}
		prevStart, prevLine := -1, 0
		var check func(list []*Section, parent *Section)
		check = func(list []*Section, parent *Section) {
			for i, s := range list {
				if s.Level < 1 || s.Level > 6 {
					t.Fatalf("section %q has level %d", s.Title, s.Level)
				}
				if !(0 <= s.Start && s.Start < s.ContentStart && s.ContentStart <= s.End && s.End <= len(text)) {
					t.Fatalf("section %q offsets start %d content %d end %d (text %d bytes)", s.Title, s.Start, s.ContentStart, s.End, len(text))
				}
				if s.Start > 0 && text[s.Start-1] != '\n' && text[s.Start-1] != '\r' {
					t.Fatalf("section %q starts at %d, inside a line", s.Title, s.Start)
				}
				if s.Start <= prevStart {
					t.Fatalf("section %q starts at %d, not after the previous one (%d)", s.Title, s.Start, prevStart)
				}
				prevStart = s.Start
				if want := first + countLines(text[:s.Start]); s.Line != want {
					t.Fatalf("section %q on line %d, want %d", s.Title, s.Line, want)
				}
				if s.Line <= prevLine {
					t.Fatalf("section %q line %d does not follow line %d", s.Title, s.Line, prevLine)
				}
				prevLine = s.Line
				if strings.ContainsAny(s.Title, "\r\n") || s.Title != mdTrim(s.Title) {
					t.Fatalf("title %q holds a line break or blanks at its ends", s.Title)
				}
				if parent != nil {
					if s.Level <= parent.Level || s.Start < parent.ContentStart || s.End > parent.End {
						t.Fatalf("section %q (h%d %d-%d) is not inside %q (h%d %d-%d)", s.Title, s.Level, s.Start, s.End,
							parent.Title, parent.Level, parent.ContentStart, parent.End)
					}
				}
				if i > 0 && list[i-1].End > s.Start {
					t.Fatalf("section %q overlaps its previous sibling", s.Title)
				}
				if i+1 < len(list) && s.End != list[i+1].Start {
					t.Fatalf("section %q ends at %d, its next sibling starts at %d", s.Title, s.End, list[i+1].Start)
				}
				own := b.OwnText(s)
				if len(own) > s.End-s.ContentStart || !strings.HasPrefix(text[s.ContentStart:], own) {
					t.Fatalf("OwnText of %q is not the start of its content", s.Title)
				}
				if s.Canonical != "" {
					if _, ok := LookupSection(s.Canonical); !ok {
						t.Fatalf("section %q maps to unknown %q", s.Title, s.Canonical)
					}
				}
				check(s.Children, s)
			}
		}
		check(b.Sections, nil)
		if n := len(b.Sections); n > 0 && b.Sections[n-1].End != len(text) {
			t.Fatalf("the last section ends at %d, not at the end of the text (%d)", b.Sections[n-1].End, len(text))
		}
	})
}
