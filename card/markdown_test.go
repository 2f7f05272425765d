package card

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// mdHead is a heading as the differential tests compare it: level, title
// (trimmed lines joined by single spaces) and 0-based line in the body.
type mdHead struct {
	Level int
	Title string
	Line  int
}

func (h mdHead) String() string { return fmt.Sprintf("h%d %q @%d", h.Level, h.Title, h.Line) }

// parsedHeads lists the headings of ParseBody in document order.
func parsedHeads(body string) []mdHead {
	var out []mdHead
	ParseBody(body, 1).Walk(func(s *Section) bool {
		out = append(out, mdHead{s.Level, s.Title, s.Line - 1})
		return true
	})
	return out
}

// newGoldmark returns the reference parser: CommonMark plus GitHub tables,
// as the Hub renders cards.
func newGoldmark() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.Table))
}

// goldmarkHeads lists the headings goldmark finds, except those inside
// blockquotes, which ParseBody treats as quoted text on purpose.
func goldmarkHeads(md goldmark.Markdown, body string) []mdHead {
	src := []byte(body)
	doc := md.Parser().Parse(text.NewReader(src))
	// Line starts, for turning offsets into lines.
	starts := []int{0}
	for i := 0; i < len(body); i++ {
		if body[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	lineOf := func(off int) int { return sort.SearchInts(starts, off+1) - 1 }
	var out []mdHead
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Kind() == ast.KindBlockquote || n.Type() == ast.TypeInline {
			return ast.WalkSkipChildren, nil
		}
		h, ok := n.(*ast.Heading)
		if !ok {
			return ast.WalkContinue, nil
		}
		var parts []string
		for i := 0; i < h.Lines().Len(); i++ {
			seg := h.Lines().At(i)
			if p := mdTrim(strings.TrimRight(string(seg.Value(src)), "\r\n")); p != "" {
				parts = append(parts, p)
			}
		}
		out = append(out, mdHead{h.Level, strings.Join(parts, " "), lineOf(h.Pos())})
		return ast.WalkSkipChildren, nil
	})
	return out
}

// firstDifference describes where two heading lists part.
func firstDifference(mine, ref []mdHead) string {
	i := 0
	for i < len(mine) && i < len(ref) && mine[i] == ref[i] {
		i++
	}
	at := func(l []mdHead) string {
		if i < len(l) {
			return l[i].String()
		}
		return "(none)"
	}
	return fmt.Sprintf("heading %d: ParseBody %s, goldmark %s (%d vs %d headings)", i, at(mine), at(ref), len(mine), len(ref))
}

func TestParseBodyHeadings(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []mdHead
	}{
		{"atx levels", "# One\n## Two\n###### Six\n####### Seven\n", []mdHead{{1, "One", 0}, {2, "Two", 1}, {6, "Six", 2}}},
		{"atx needs a space", "#5 bolt\n#hashtag\n#\tTab\n", []mdHead{{1, "Tab", 2}}},
		{"atx closing sequence", "## Uses ##\n### Out # of #\n# C#\n## x \\##\n", []mdHead{{2, "Uses", 0}, {3, "Out # of", 1}, {1, "C#", 2}, {2, `x \##`, 3}}},
		{"atx empty", "#\n## ##\n### \n", []mdHead{{1, "", 0}, {2, "", 1}, {3, "", 2}}},
		{"atx indentation", "   ### Three spaces\n    # four spaces is code\n", []mdHead{{3, "Three spaces", 0}}},
		{"atx interrupts paragraph", "some text\n## Heading\n", []mdHead{{2, "Heading", 1}}},
		{"setext", "Title\n=====\n\nSub\n---\n", []mdHead{{1, "Title", 0}, {2, "Sub", 3}}},
		{"setext multi-line", "first line\n  second line\n===\n", []mdHead{{1, "first line second line", 0}}},
		{"setext one char and trailing spaces", "A\n-  \nB\n= \n", []mdHead{{2, "A", 0}, {1, "B", 2}}},
		{"thematic break after blank", "text\n\n---\n", nil},
		{"thematic break after list item", "- item\n---\n", nil},
		{"dashes under indented list text", "- item\n  ---\n", []mdHead{{2, "item", 0}}},
		{"thematic break after fence", "```\ncode\n```\n---\n", nil},
		{"thematic break after heading", "# H\n---\n", []mdHead{{1, "H", 0}}},
		{"thematic break after table", "| a | b |\n|---|---|\n| 1 | 2 |\n---\n", nil},
		{"spaced dashes are a break", "text\n- - -\n", nil},
		{"equals under list item is text", "- item\n===\n", nil},
		{"fence hides headings", "```python\n# comment\n```\n# Real\n", []mdHead{{1, "Real", 3}}},
		{"tilde fence", "~~~\n# no\n~~~\n## yes\n", []mdHead{{2, "yes", 3}}},
		{"short closing fence does not close", "````\n```\n# no\n````\n# yes\n", []mdHead{{1, "yes", 4}}},
		{"other character does not close", "```\n~~~\n# no\n", nil},
		{"closing fence with info is not closing", "```\n``` py\n# no\n```\n# yes\n", []mdHead{{1, "yes", 4}}},
		{"backtick in info string is no fence", "``` a`b\n# yes\n", []mdHead{{1, "yes", 1}}},
		{"unclosed fence runs to the end", "# a\n```\n# b\n\n# c\n", []mdHead{{1, "a", 0}}},
		{"indented fence", "   ```\n# no\n   ```\n# yes\n", []mdHead{{1, "yes", 3}}},
		{"html comment", "<!--\n# hidden\n-->\n# shown\n", []mdHead{{1, "shown", 3}}},
		{"html comment on one line", "<!-- x -->\n# shown\n", []mdHead{{1, "shown", 1}}},
		{"html comment after text", "text <!--\n# h\n-->\n", []mdHead{{1, "h", 1}}},
		{"html block to blank line", "<div align=\"center\">\n# inside\n</div>\n\n# after\n", []mdHead{{1, "after", 4}}},
		{"pre block to its end tag", "<pre>\n# in\n\n# still in\n</pre>\n# out\n", []mdHead{{1, "out", 5}}},
		{"bare tag cannot interrupt paragraph", "text\n<span>\n# h\n", []mdHead{{1, "h", 2}}},
		{"bare tag starts a block", "<span>\n# h\n", nil},
		{"indented code", "    # code\n\n\t# code\n# heading\n", []mdHead{{1, "heading", 3}}},
		{"indented line continues paragraph", "para\n    # not code, not heading\n", nil},
		{"heading in list item", "- item\n\n  ## Sub\n", []mdHead{{2, "Sub", 2}}},
		{"heading after list", "- item\n\n## Next\n", []mdHead{{2, "Next", 2}}},
		{"fence in list item ends with it", "- item\n  ```\n# out\n", []mdHead{{1, "out", 2}}},
		{"fence in list item", "1. step\n   ```\n   # comment\n   ```\n", nil},
		{"blockquote is opaque", "> # quoted\n> text\n# real\n", []mdHead{{1, "real", 2}}},
		{"lazy quote line", "> quoted\ntext\n---\n", nil},
		{"paragraph after quoted heading", "> # quoted\ntext\n---\n", []mdHead{{2, "text", 1}}},
		{"link reference definition", "[1]: https://example.org\n---\n", nil},
		{"link reference definition then text", "[1]: https://example.org\nTitle\n---\n", []mdHead{{2, "Title", 1}}},
		{"ordered list 2 cannot interrupt", "text\n2. two\n---\n", []mdHead{{2, "text 2. two", 0}}},
		{"crlf", "# One\r\ntext\r\n---\r\n", []mdHead{{1, "One", 0}, {2, "text", 1}}},
		{"no trailing newline", "intro\n## Last", []mdHead{{2, "Last", 1}}},
		{"emphasis kept in title", "## **Model** _Details_\n", []mdHead{{2, "**Model** _Details_", 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parsedHeads(tt.body)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("ParseBody(%q) headings\n got %v\nwant %v", tt.body, got, tt.want)
			}
		})
	}
}

func TestParseBodyTree(t *testing.T) {
	body := "intro text\n" + // 0
		"# Card\n" + // 1
		"lead\n" + // 2
		"## Uses\n" + // 3
		"own uses\n" + // 4
		"### Direct Use\n" + // 5
		"direct\n" + // 6
		"## Training Details\n" + // 7
		"#### Training Hyperparameters\n" + // 8
		"lr\n" + // 9
		"## Evaluation\n" + // 10
		"### Results\n" + // 11
		"#### Summary\n" + // 12
		"good\n" // 13
	b := ParseBody(body, 5)
	lineStart := func(n int) int {
		off := 0
		for i := 0; i < n; i++ {
			off += strings.IndexByte(body[off:], '\n') + 1
		}
		return off
	}
	if b.Text != body || b.FirstLine != 5 {
		t.Fatalf("Text/FirstLine not kept: %q %d", b.Text[:10], b.FirstLine)
	}
	if b.Preamble != lineStart(1) {
		t.Errorf("Preamble = %d, want %d", b.Preamble, lineStart(1))
	}
	if len(b.Sections) != 1 {
		t.Fatalf("want one top-level section, got %d", len(b.Sections))
	}
	card := b.Sections[0]
	type want struct {
		title      string
		level      int
		line       int // 0-based in body
		endLine    int // line at which the section ends
		canonical  SectionID
		children   int
		ownContent string
	}
	wants := []want{
		{"Card", 1, 1, 14, "", 3, "lead\n"},
		{"Uses", 2, 3, 7, SecUses, 1, "own uses\n"},
		{"Direct Use", 3, 5, 7, SecDirectUse, 0, "direct\n"},
		{"Training Details", 2, 7, 10, SecTraining, 1, ""},
		{"Training Hyperparameters", 4, 8, 10, SecHyperparameters, 0, "lr\n"},
		{"Evaluation", 2, 10, 14, SecEvaluation, 1, ""},
		{"Results", 3, 11, 14, SecResults, 1, ""},
		{"Summary", 4, 12, 14, SecResultsSummary, 0, "good\n"},
	}
	var got []*Section
	b.Walk(func(s *Section) bool { got = append(got, s); return true })
	if len(got) != len(wants) {
		t.Fatalf("Walk visited %d sections, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		s := got[i]
		if s.Title != w.title || s.Level != w.level || s.Line != 5+w.line || s.Canonical != w.canonical || len(s.Children) != w.children {
			t.Errorf("section %d = %q h%d line %d %q %d children; want %q h%d line %d %q %d children",
				i, s.Title, s.Level, s.Line, s.Canonical, len(s.Children), w.title, w.level, 5+w.line, w.canonical, w.children)
		}
		if s.Start != lineStart(w.line) || s.ContentStart != lineStart(w.line+1) || s.End != lineStart(w.endLine) {
			t.Errorf("section %q offsets %d/%d/%d, want %d/%d/%d", w.title, s.Start, s.ContentStart, s.End,
				lineStart(w.line), lineStart(w.line+1), lineStart(w.endLine))
		}
		if own := b.OwnText(s); own != w.ownContent {
			t.Errorf("OwnText(%q) = %q, want %q", w.title, own, w.ownContent)
		}
	}
	if card.Children[0].Title != "Uses" || card.Children[2].Title != "Evaluation" {
		t.Errorf("children of Card out of order")
	}
	if s := b.Find(SecResultsSummary); s == nil || s.Title != "Summary" {
		t.Errorf("Find(SecResultsSummary) = %v", s)
	}
	if s := b.Find(SecCitation); s != nil {
		t.Errorf("Find(SecCitation) = %q, want nil", s.Title)
	}
	if s := b.Find(""); s != nil {
		t.Errorf("Find(\"\") = %q, want nil", s.Title)
	}
	// Walk skips the subsections of a section for which fn returns false.
	var visited []string
	b.Walk(func(s *Section) bool {
		visited = append(visited, s.Title)
		return s.Title != "Evaluation" && s.Title != "Uses"
	})
	if strings.Join(visited, ",") != "Card,Uses,Training Details,Training Hyperparameters,Evaluation" {
		t.Errorf("Walk with pruning visited %v", visited)
	}
	// Appending to a child list must not overwrite a neighbour's.
	uses := card.Children[0]
	uses.Children = append(uses.Children, &Section{Title: "extra"})
	if card.Children[1].Title != "Training Details" || got[4].Title != "Training Hyperparameters" ||
		len(got[3].Children) != 1 || got[3].Children[0].Title != "Training Hyperparameters" {
		t.Errorf("appending to one child list changed another")
	}
}

func TestParseBodyEmptyAndPreamble(t *testing.T) {
	tests := []struct {
		body     string
		preamble int
		sections int
	}{
		{"", 0, 0},
		{"no headings\nat all\n", 19, 0},
		{"# top\n", 0, 1},
		{"```\n# x\n", 8, 0},
		{"a\n\n## b\n## c\n# d\n", 3, 3},
	}
	for _, tt := range tests {
		b := ParseBody(tt.body, 0)
		if b.Preamble != tt.preamble || len(b.Sections) != tt.sections || b.FirstLine != 1 {
			t.Errorf("ParseBody(%q): preamble %d, %d sections, first line %d; want %d, %d, 1",
				tt.body, b.Preamble, len(b.Sections), b.FirstLine, tt.preamble, tt.sections)
		}
	}
	var nilBody Body
	if nilBody.OwnText(nil) != "" || nilBody.Find(SecUses) != nil {
		t.Errorf("empty body answered OwnText or Find")
	}
}

// TestParseBodyMatchesGoldmark compares the headings ParseBody finds in
// every card of the corpus with those of goldmark, a CommonMark parser
// with GitHub tables.
//
// Deliberate differences: headings inside blockquotes are left out of the
// comparison (ParseBody treats quoted text as opaque), and so are line
// breaks that are a lone "\r" (ParseBody counts them as the front matter
// splitter does; goldmark does not; the corpus has none).
func TestParseBodyMatchesGoldmark(t *testing.T) {
	md := newGoldmark()
	entries := corpusEntries(t)
	same, headings := 0, 0
	var diffs []string
	for _, e := range entries {
		data, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatalf("read corpus card: %v", err)
		}
		body := SplitFrontMatter(string(data)).Body
		mine, ref := parsedHeads(body), goldmarkHeads(md, body)
		headings += len(ref)
		if fmt.Sprint(mine) == fmt.Sprint(ref) {
			same++
			continue
		}
		diffs = append(diffs, e.Path+": "+firstDifference(mine, ref))
	}
	for _, d := range diffs {
		t.Log(d)
	}
	share := float64(same) / float64(len(entries))
	t.Logf("%d of %d cards (%.2f%%) have the same %d headings as goldmark", same, len(entries), 100*share, headings)
	if headings < 10*len(entries)/2 {
		t.Errorf("goldmark found only %d headings in %d cards: the comparison is not looking at the bodies", headings, len(entries))
	}
	if share < 0.99 {
		t.Errorf("only %.2f%% of cards have the same headings as goldmark, want at least 99%%", 100*share)
	}
}

// TestParseBodyMatchesGoldmarkGenerated compares ParseBody with goldmark on
// short documents built at random from lines that exercise the block rules
// (fences, HTML blocks, lists, tables, setext underlines, link reference
// definitions, blockquotes).
//
// Known deliberate differences, which make up the small share allowed:
//   - goldmark turns a paragraph into a table only when the paragraph closes;
//     when an underline closes it, the lines above the table's header become
//     a setext heading ("a\n| b |\n|---|\n---" gives "a" as h2). ParseBody
//     follows GFM: the table ends the paragraph, and "---" is a thematic break.
//   - goldmark closes an ordered list whose first item is empty when a bullet
//     item is indented under it; ParseBody nests the bullet list in the item.
func TestParseBodyMatchesGoldmarkGenerated(t *testing.T) {
	pieces := []string{"", "# H1", "## H2 ##", "   ### H3", "    # code", "foo", "bar baz", "===", "---", "- item",
		"  - nested", "1. one", "2. two", "  ## in item", "```", "```py", "~~~", "  ```", "<!-- c", "-->", "<!-- x -->",
		"<div>", "</div>", "<span>", "<br/>", "> quote", "> # qh", "| a | b |", "|---|---|", "| 1 | 2 |", "***",
		"* star", "\t# tab", "#no", "#", "####### seven", "<pre>", "</pre>", "  foo", "      deep", "-", "+ plus",
		"<?php", "?>", "[ref]: http://x", "\t- tabitem", "1) paren", "10) ten", "  ---", "  ===", "> ```",
		"<details>", "<script>", "</script>", "   ```", "````", "~~~~", "``` `x`", "## H ##x", "#\tfoo",
		"<!DOCTYPE html>", "<![CDATA[", "]]>", "* * *", "_ _ _", "1.", "  > quote", "- - -", "-\tfoo",
		"<a href=\"x\">", "<img src=x />", "</a>", "   - deep item", "     five", "- ## H2 item", "- ```",
		"1. # one", "\t\tfoo", "  \tbar", "[x]:\n/url"}
	md := newGoldmark()
	seed := uint64(0x9E3779B97F4A7C15)
	next := func() uint64 { // xorshift64: deterministic, no global state
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return seed
	}
	const docs = 20000
	bad := 0
	for i := 0; i < docs; i++ {
		var b strings.Builder
		for n := 1 + int(next()%8); n > 0; n-- {
			b.WriteString(pieces[next()%uint64(len(pieces))])
			b.WriteByte('\n')
		}
		body := b.String()
		mine, ref := parsedHeads(body), goldmarkHeads(md, body)
		if fmt.Sprint(mine) != fmt.Sprint(ref) {
			bad++
			if bad <= 20 {
				t.Logf("%q: %s", body, firstDifference(mine, ref))
			}
		}
	}
	t.Logf("%d of %d generated documents differ from goldmark", bad, docs)
	if bad > docs/500 {
		t.Errorf("%d of %d generated documents differ from goldmark, want at most 0.2%%", bad, docs)
	}
}

// corpusBodies loads the bodies of every corpus card for the benchmarks.
func corpusBodies(b *testing.B) ([]string, int64) {
	b.Helper()
	var bodies []string
	var total int64
	for _, e := range corpusEntries(b) {
		data, err := os.ReadFile(e.Path)
		if err != nil {
			b.Fatalf("read corpus card: %v", err)
		}
		body := SplitFrontMatter(string(data)).Body
		bodies = append(bodies, body)
		total += int64(len(body))
	}
	return bodies, total
}

// BenchmarkParseBody parses every corpus body once per iteration; compare
// its MB/s with BenchmarkParseBodyGoldmark.
func BenchmarkParseBody(b *testing.B) {
	bodies, total := corpusBodies(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, body := range bodies {
			ParseBody(body, 1)
		}
	}
	b.ReportMetric(float64(b.N*len(bodies))/b.Elapsed().Seconds(), "cards/s")
}

// BenchmarkParseBodyGoldmark extracts the same headings with goldmark, for
// comparison with BenchmarkParseBody.
func BenchmarkParseBodyGoldmark(b *testing.B) {
	bodies, total := corpusBodies(b)
	md := newGoldmark()
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, body := range bodies {
			goldmarkHeads(md, body)
		}
	}
	b.ReportMetric(float64(b.N*len(bodies))/b.Elapsed().Seconds(), "cards/s")
}
