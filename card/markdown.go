package card

import "strings"

// This file turns the markdown body of a card into a tree of sections. It is
// on the hot path of audits over hundreds of thousands of cards, so it is a
// single pass over the lines with byte tests only: no regular expressions, no
// per-line allocation. It follows the CommonMark block rules that decide
// which lines are headings:
//
//   - ATX headings: up to three spaces of indentation, one to six '#', then a
//     space, a tab or the end of the line; an optional closing run of '#'
//     preceded by a space is dropped.
//   - Setext headings: a paragraph followed by a line of '=' (level 1) or '-'
//     (level 2). A "---" that follows a blank line, a list item, a fenced code
//     block or a table is a thematic break, not an underline.
//   - Fenced code blocks (``` or ~~~, closed by a fence of the same character
//     at least as long; an unclosed fence runs to the end), indented code
//     blocks and raw HTML blocks (comments, <script>/<pre>/<style>, block-level
//     tags up to the next blank line, ...) hide what they contain.
//   - List items are followed so that a heading indented under an item is
//     still a heading, and a fence opened in an item ends with the item.
//   - Blockquotes are opaque: a "#" line inside "> " is quoted text, not a
//     section of the card.
//
// GitHub-flavoured tables are recognised so that a "---" under a table is a
// thematic break, as the Hub renders it.

// ParseBody parses the markdown body of a card. firstLine is the 1-based line
// of the file on which text starts (FrontMatter.BodyLine), so that every
// Section.Line is a line of the file: the heading's line for an ATX heading,
// the first line of its text for a setext one. Titles keep their inline
// markdown ("**Uses**"); a setext title of several lines is joined with
// spaces. Headings are mapped onto canonical sections with CanonicalFor,
// each in the context of its nearest ancestor that maps to one.
//
// Headings nested in list items count; headings in blockquotes do not.
// ParseBody never fails: any text gives a tree.
func ParseBody(text string, firstLine int) *Body {
	var headBuf [64]mdHeading // the Hub template has about 40 headings
	b, _ := parseBodyWith(text, firstLine, headBuf[:0])
	return b
}

// parseBodyWith is ParseBody with the headings scanned into buf. It returns
// buf's memory, emptied and cleared (the titles point into text), for the
// next body.
func parseBodyWith(text string, firstLine int, buf []mdHeading) (*Body, []mdHeading) {
	hs := scanHeadings(text, buf)
	b := buildBody(text, max(firstLine, 1), hs)
	clear(hs)
	return b, hs[:0]
}

// scanHeadings returns the headings of a body's text, appended to buf.
func scanHeadings(text string, buf []mdHeading) []mdHeading {
	var sc bodyScanner
	var itemBuf [8]int
	sc.text = text
	sc.hasCR = strings.IndexByte(text, '\r') >= 0
	sc.headings = buf
	sc.items = itemBuf[:0]
	sc.scan()
	return sc.headings
}

// OwnText returns the text of s after its heading line and before its first
// subsection: the section's own content, children excluded.
func (b *Body) OwnText(s *Section) string {
	if s == nil {
		return ""
	}
	end := s.End
	if len(s.Children) > 0 {
		end = s.Children[0].Start
	}
	if s.ContentStart > end || end > len(b.Text) {
		return ""
	}
	return b.Text[s.ContentStart:end]
}

// Find returns the first section, depth first in document order, whose
// canonical id is id, or nil when there is none.
func (b *Body) Find(id SectionID) *Section {
	if id == "" {
		return nil
	}
	return findSection(b.Sections, id)
}

func findSection(list []*Section, id SectionID) *Section {
	for _, s := range list {
		if s.Canonical == id {
			return s
		}
		if f := findSection(s.Children, id); f != nil {
			return f
		}
	}
	return nil
}

// Walk calls fn for every section in document order (a section before its
// subsections). When fn returns false, the subsections of that section are
// skipped and the walk goes on with the next section.
func (b *Body) Walk(fn func(*Section) bool) {
	walkSections(b.Sections, fn)
}

func walkSections(list []*Section, fn func(*Section) bool) {
	for _, s := range list {
		if fn(s) {
			walkSections(s.Children, fn)
		}
	}
}

// mdHeading is a heading found by the scanner, before the tree is built.
type mdHeading struct {
	level        int
	line         int // 0-based line index in the body
	start        int // offset of the heading's first line
	contentStart int // offset of the line after the heading
	title        string
}

// The leaf block the scanner is inside, when it hides headings.
const (
	blkNone = iota
	blkFence
	blkHTML
	blkIndented
)

// The paragraph-like block open on the previous line.
const (
	paraNone  = iota
	paraPlain // a paragraph: a setext underline may follow
	paraTable // a table: rows go on, "---" is a thematic break
	paraQuote // a blockquote: plain text lines continue it lazily
)

// bodyScanner holds the state of the line scan.
type bodyScanner struct {
	text  string
	hasCR bool

	// items holds the content column of every open list item, outermost
	// first; the columns increase with depth.
	items []int
	// itemEmpty is set when the innermost list item has no content yet.
	itemEmpty bool

	block      int // blk*
	blockDepth int // number of list items the block is inside
	fenceChar  byte
	fenceLen   int
	htmlType   int

	para      int // para*
	paraLine  int // line index of the paragraph's first line
	paraStart int // offset of the start of that line
	paraText  int // offset of the paragraph's first character
	paraEnd   int // offset of the end of the paragraph's last line
	lastLine  string
	// paraNoTable is set when a delimiter row did not match the row above
	// it: the paragraph can no longer become a table.
	paraNoTable bool
	// paraDefs tells whether the paragraph so far is only link reference
	// definitions: defNone (it is not), defDone (all complete) or
	// defLabel (the last line is a label waiting for its destination).
	paraDefs int
	// paraDefEnd and paraDefLines are the offset where the complete
	// definitions at the start of the paragraph end, and their line count.
	paraDefEnd, paraDefLines int

	// quoteFenceChar and quoteFenceLen describe a fence open inside a
	// blockquote (quoteFenceLen is 0 when there is none).
	quoteFenceChar byte
	quoteFenceLen  int

	headings []mdHeading
}

// scan walks the lines of the text. Lines end at "\n", "\r\n" or a lone
// "\r", as the front matter splitter counts them.
func (s *bodyScanner) scan() {
	text := s.text
	pos, idx := 0, 0
	for pos < len(text) {
		eol, next := len(text), len(text)
		if i := strings.IndexByte(text[pos:], '\n'); i >= 0 {
			eol, next = pos+i, pos+i+1
		}
		if s.hasCR {
			if j := strings.IndexByte(text[pos:eol], '\r'); j >= 0 {
				if pos+j == eol-1 && next > eol {
					eol--
				} else {
					eol = pos + j
					next = eol + 1
				}
			}
		}
		s.line(text[pos:eol], pos, next, idx)
		pos = next
		idx++
	}
}

// base returns the content column of the depth-th open list item, 0 for the
// document itself.
func (s *bodyScanner) base(depth int) int {
	if depth == 0 {
		return 0
	}
	return s.items[depth-1]
}

// matched returns how many open list items a non-blank line indented to col
// continues.
func (s *bodyScanner) matched(col int) int {
	n := 0
	for n < len(s.items) && s.items[n] <= col {
		n++
	}
	return n
}

// line handles one line; start is its offset, next the offset of the next
// line, idx its 0-based index.
func (s *bodyScanner) line(line string, start, next, idx int) {
	p, col := indentOf(line, 0)
	blank := p == len(line)

	switch s.block {
	case blkFence:
		if blank {
			return
		}
		if s.matched(col) >= s.blockDepth {
			if col-s.base(s.blockDepth) <= 3 && isClosingFence(line[p:], s.fenceChar, s.fenceLen) {
				s.block = blkNone
			}
			return
		}
		// The list item holding the fence ended; so did the fence.
		s.block = blkNone
	case blkHTML:
		if blank {
			if s.htmlType >= 6 {
				s.block = blkNone
			}
			return
		}
		if s.matched(col) >= s.blockDepth {
			if s.htmlType <= 5 && htmlBlockEnds(line, s.htmlType) {
				s.block = blkNone
			}
			return
		}
		s.block = blkNone
	case blkIndented:
		if blank {
			return
		}
		if s.matched(col) >= s.blockDepth && col-s.base(s.blockDepth) >= 4 {
			return
		}
		s.block = blkNone
	}

	if blank {
		s.para = paraNone
		s.quoteFenceLen = 0
		if s.itemEmpty {
			// A list item can start with at most one blank line.
			s.items = s.items[:len(s.items)-1]
			s.itemEmpty = false
		}
		return
	}
	s.itemEmpty = false

	m := s.matched(col)
	if m < len(s.items) {
		// The line does not continue every open list item: it is either a
		// lazy continuation of an open paragraph or the items end here.
		if s.para != paraNone {
			bs := classify(line, p, col, col-s.base(m), fLazy)
			if bs.kind == kText {
				s.paragraphLine(line, p, start, idx)
				return
			}
		}
		s.items = s.items[:m]
		s.para = paraNone
	}
	s.open(line, p, col, m, start, next, idx)
}

// open handles a line whose containers are all matched: it starts a block or
// continues the open paragraph. depth is the number of open list items.
func (s *bodyScanner) open(line string, p, col, depth, start, next, idx int) {
	var flags int
	switch s.para {
	case paraPlain:
		flags = fLazy | fSame | fSetext
	case paraTable:
		flags = fLazy | fSame
		if c := line[p]; (c == '-' || c == '=') && col-s.base(depth) < 4 && isUnderline(line[p:], c) {
			// A line that would underline a paragraph ends the table
			// instead, and is then read on its own.
			s.para, flags = paraNone, 0
		}
	case paraQuote:
		flags = fLazy
	}
	for {
		bs := classify(line, p, col, col-s.base(depth), flags)
		if bs.kind != kQuote {
			s.quoteFenceLen = 0 // the quote, and any fence in it, ended
		}
		switch bs.kind {
		case kText:
			s.paragraphLine(line, p, start, idx)
		case kATX:
			s.headings = append(s.headings, mdHeading{
				level: bs.level, line: idx, start: start, contentStart: next,
				title: line[bs.ts:bs.te],
			})
			s.para = paraNone
		case kSetext:
			if !s.setext(bs.level, next) {
				// The paragraph held only link reference definitions: the
				// underline is read again as an ordinary line.
				s.para, flags = paraNone, 0
				continue
			}
			s.para = paraNone
		case kFence:
			s.block, s.blockDepth = blkFence, depth
			s.fenceChar, s.fenceLen = bs.fenceChar, bs.fenceLen
			s.para = paraNone
		case kHTML:
			if bs.htmlType > 5 || !htmlBlockEnds(line[p:], bs.htmlType) {
				s.block, s.blockDepth, s.htmlType = blkHTML, depth, bs.htmlType
			}
			s.para = paraNone
		case kIndent:
			s.block, s.blockDepth = blkIndented, depth
			s.para = paraNone
		case kQuote:
			s.quote(line, p)
		case kBreak:
			s.para = paraNone
		case kList:
			s.items = append(s.items[:depth], bs.contentCol)
			depth++
			s.para = paraNone
			if bs.rest == len(line) {
				s.itemEmpty = true
				return
			}
			// The rest of the line is the item's first block.
			p, col = bs.rest, bs.restCol
			flags = 0
			continue
		}
		return
	}
}

// paragraphLine handles a line of paragraph text.
func (s *bodyScanner) paragraphLine(line string, p, start, idx int) {
	content := line[p:]
	switch s.para {
	case paraNone:
		s.para = paraPlain
		s.paraLine, s.paraStart, s.paraText = idx, start, start+p
		s.paraNoTable = false
		s.paraDefs, s.paraDefEnd, s.paraDefLines = defDone, 0, 0
		s.linkRefDefLine(content, start+len(line))
	case paraPlain:
		// Link reference definitions are taken off the paragraph before a
		// table is looked for, so one cannot be a table's header.
		defs := s.paraDefs
		s.linkRefDefLine(content, start+len(line))
		if c := content[0]; !s.paraNoTable && defs == defNone && (c == '|' || c == '-' || c == ':') {
			if n := delimiterCells(content); n > 0 {
				// A delimiter row makes a table of the paragraph when the
				// row above it has no more cells; otherwise the paragraph
				// never becomes one.
				if headerCells(s.lastLine) <= n {
					s.para = paraTable
				} else {
					s.paraNoTable = true
				}
			}
		}
	}
	s.paraEnd = start + len(line)
	s.lastLine = content
}

// The states of bodyScanner.paraDefs.
const (
	defNone = iota
	defDone
	defLabel
)

// linkRefDefLine follows the link reference definitions at the start of a
// paragraph, content being its next line, ending at offset end.
func (s *bodyScanner) linkRefDefLine(content string, end int) {
	switch s.paraDefs {
	case defDone:
		if content[0] != '[' {
			s.paraDefs = defNone
			return
		}
		rest, ok := linkLabel(content)
		switch {
		case !ok:
			s.paraDefs = defNone
		case mdIsBlank(rest):
			s.paraDefs = defLabel
		case isDestination(rest):
			s.paraDefEnd = end
			s.paraDefLines++
		default:
			s.paraDefs = defNone
		}
	case defLabel:
		if isDestination(content) {
			s.paraDefs = defDone
			s.paraDefEnd = end
			s.paraDefLines += 2
		} else {
			s.paraDefs = defNone
		}
	}
}

// setext records the open paragraph as a setext heading of the given level
// whose underline ends where the line at next starts. Link reference
// definitions at the start of the paragraph are not part of the heading; it
// returns false when nothing else is left.
func (s *bodyScanner) setext(level, next int) bool {
	line, start, from := s.paraLine, s.paraStart, s.paraText
	if s.paraDefLines > 0 {
		line += s.paraDefLines
		from = s.paraDefEnd
		for from < s.paraEnd && (s.text[from] == '\n' || s.text[from] == '\r') {
			from++
		}
		start = from
		if from >= s.paraEnd {
			return false
		}
	}
	s.headings = append(s.headings, mdHeading{
		level: level, line: line, start: start, contentStart: next,
		title: setextTitle(s.text[from:s.paraEnd]),
	})
	return true
}

// The kinds of line classify tells apart.
const (
	kText = iota
	kATX
	kSetext
	kFence
	kHTML
	kIndent
	kQuote
	kBreak
	kList
)

// blockStart is what a line starts, as classify sees it.
type blockStart struct {
	kind      int
	level     int // kATX, kSetext
	ts, te    int // kATX: the title's bounds in the line
	fenceChar byte
	fenceLen  int
	htmlType  int
	// kList: the item's content column, and where and at which column the
	// rest of the line starts (rest == len(line) for an empty item).
	contentCol, rest, restCol int
}

// The flags of classify, telling what the open paragraph allows.
const (
	// fLazy: a paragraph is open somewhere, so an indented line continues
	// it and a bare HTML tag (type 7) cannot start a block.
	fLazy = 1 << iota
	// fSame: the paragraph is in the line's innermost container, so an
	// ordered list not starting at 1 or an empty item cannot interrupt it.
	fSame
	// fSetext: an underline turns the paragraph into a heading.
	fSetext
)

// classify tells what the line starts, its first non-blank byte being at p,
// column col, indented rel columns relative to its container. flags are
// fLazy, fSame and fSetext.
func classify(line string, p, col, rel, flags int) blockStart {
	if rel >= 4 {
		if flags&fLazy != 0 {
			return blockStart{kind: kText}
		}
		return blockStart{kind: kIndent}
	}
	restrict := flags&fSame != 0
	s := line[p:]
	switch c := s[0]; c {
	case '#':
		if level, ts, te, ok := atxHeading(s); ok {
			return blockStart{kind: kATX, level: level, ts: p + ts, te: p + te}
		}
	case '`', '~':
		if n, ok := fenceOpen(s); ok {
			return blockStart{kind: kFence, fenceChar: c, fenceLen: n}
		}
	case '<':
		if t := htmlBlockStart(s, flags&fLazy != 0); t > 0 {
			return blockStart{kind: kHTML, htmlType: t}
		}
	case '>':
		return blockStart{kind: kQuote}
	case '=':
		if flags&fSetext != 0 && isUnderline(s, '=') {
			return blockStart{kind: kSetext, level: 1}
		}
	case '-', '*', '_', '+':
		if c == '-' && flags&fSetext != 0 && isUnderline(s, '-') {
			return blockStart{kind: kSetext, level: 2}
		}
		if c != '+' && isThematicBreak(s, c) {
			return blockStart{kind: kBreak}
		}
		if c != '_' && (len(s) == 1 || s[1] == ' ' || s[1] == '\t') {
			return listItem(line, p+1, col+1, restrict)
		}
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		i := 0
		for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i <= 9 && i < len(s) && (s[i] == '.' || s[i] == ')') &&
			(i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t') {
			if restrict && strings.TrimLeft(s[:i], "0") != "1" {
				return blockStart{kind: kText}
			}
			return listItem(line, p+i+1, col+i+1, restrict)
		}
	}
	return blockStart{kind: kText}
}

// quote handles a blockquote line whose '>' is at p. Quoted text is
// opaque, but what it ends with matters to the lines below: a paragraph
// continues lazily on plain lines (para becomes paraQuote), anything else
// does not. A fence opened in the quote is followed so that its content is
// not taken for a paragraph.
func (s *bodyScanner) quote(line string, p int) {
	inPara := s.para == paraQuote
	s.para = paraNone
	for {
		// Skip the '>' and one optional following blank.
		p++
		if p < len(line) && (line[p] == ' ' || line[p] == '\t') {
			p++
		}
		q, col := indentOf(line[p:], 0)
		q += p
		if q == len(line) {
			return
		}
		if s.quoteFenceLen > 0 {
			if col <= 3 && isClosingFence(line[q:], s.quoteFenceChar, s.quoteFenceLen) {
				s.quoteFenceLen = 0
			}
			return
		}
		flags := 0
		if inPara {
			flags = fLazy | fSame | fSetext
		}
		bs := classify(line, q, col, col, flags)
		switch bs.kind {
		case kText:
			s.para = paraQuote
		case kQuote:
			p = q
			continue
		case kFence:
			s.quoteFenceChar, s.quoteFenceLen = bs.fenceChar, bs.fenceLen
		case kList:
			if bs.rest < len(line) && classify(line, bs.rest, bs.restCol, bs.restCol-bs.contentCol, 0).kind == kText {
				s.para = paraQuote
			}
		}
		return
	}
}

// listItem finishes the recognition of a list item whose marker ends at
// index me, column mc.
func listItem(line string, me, mc int, restrict bool) blockStart {
	q, qc := indentOf(line[me:], mc)
	q += me
	if q == len(line) {
		// An empty item cannot interrupt a paragraph.
		if restrict {
			return blockStart{kind: kText}
		}
		return blockStart{kind: kList, contentCol: mc + 1, rest: len(line), restCol: mc + 1}
	}
	if w := qc - mc; w > 4 {
		// The content is indented code: the item's content starts one
		// column after the marker.
		return blockStart{kind: kList, contentCol: mc + 1, rest: q, restCol: qc}
	}
	return blockStart{kind: kList, contentCol: qc, rest: q, restCol: qc}
}

// indentOf returns the index of the first byte of s that is not a space or
// a tab, and its column when s starts at column col (tab stops every 4).
func indentOf(s string, col int) (int, int) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			return i, col
		}
	}
	return len(s), col
}

// mdIsBlank reports whether s holds only spaces and tabs.
func mdIsBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

// mdTrim trims spaces and tabs from both ends of s.
func mdTrim(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	return s[i:j]
}

// atxHeading recognises an ATX heading in s, which starts at the first '#',
// and returns its level and the bounds of its title in s.
func atxHeading(s string) (level, ts, te int, ok bool) {
	n := 0
	for n < len(s) && s[n] == '#' {
		n++
	}
	if n > 6 || n < len(s) && s[n] != ' ' && s[n] != '\t' {
		return 0, 0, 0, false
	}
	ts, te = n, len(s)
	for ts < te && (s[ts] == ' ' || s[ts] == '\t') {
		ts++
	}
	for te > ts && (s[te-1] == ' ' || s[te-1] == '\t') {
		te--
	}
	// The optional closing sequence: a run of '#' alone or after a blank.
	k := te
	for k > ts && s[k-1] == '#' {
		k--
	}
	if k < te {
		switch {
		case k == ts:
			te = ts
		case s[k-1] == ' ' || s[k-1] == '\t':
			te = k
			for te > ts && (s[te-1] == ' ' || s[te-1] == '\t') {
				te--
			}
		}
	}
	return n, ts, te, true
}

// fenceOpen recognises an opening code fence at the start of s.
func fenceOpen(s string) (int, bool) {
	c := s[0]
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	if n < 3 {
		return 0, false
	}
	if c == '`' && strings.IndexByte(s[n:], '`') >= 0 {
		return 0, false
	}
	return n, true
}

// isClosingFence reports whether s, from its first non-blank byte, closes a
// fence of n characters c.
func isClosingFence(s string, c byte, n int) bool {
	i := 0
	for i < len(s) && s[i] == c {
		i++
	}
	return i >= n && mdIsBlank(s[i:])
}

// isUnderline reports whether s is a setext underline of character c.
func isUnderline(s string, c byte) bool {
	i := 0
	for i < len(s) && s[i] == c {
		i++
	}
	return i > 0 && mdIsBlank(s[i:])
}

// isThematicBreak reports whether s is three or more c, with blanks between.
func isThematicBreak(s string, c byte) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// setextTitle joins the lines of a setext heading's paragraph, each trimmed,
// with single spaces.
func setextTitle(s string) string {
	if strings.IndexByte(s, '\n') < 0 && strings.IndexByte(s, '\r') < 0 {
		return mdTrim(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for s != "" {
		i := strings.IndexAny(s, "\r\n")
		part := s
		if i >= 0 {
			part, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if part = mdTrim(part); part == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(part)
	}
	return b.String()
}

// delimiterCells returns the number of cells of s when it is the delimiter
// row of a table (cells of dashes with optional colons at either end,
// separated by pipes, the outer pipes optional), and 0 otherwise.
func delimiterCells(s string) int {
	dashes := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '-':
			dashes = true
		case '|', ':', ' ', '\t':
		default:
			return 0
		}
	}
	if !dashes {
		return 0
	}
	s = mdTrim(s)
	if s != "" && s[0] == '|' {
		s = s[1:]
	}
	if n := len(s); n > 0 && s[n-1] == '|' {
		s = s[:n-1]
	}
	n := 0
	for {
		cell := s
		i := strings.IndexByte(s, '|')
		if i >= 0 {
			cell, s = s[:i], s[i+1:]
		}
		cell = mdTrim(cell)
		if cell != "" && cell[0] == ':' {
			cell = cell[1:]
		}
		if cell != "" && cell[len(cell)-1] == ':' {
			cell = cell[:len(cell)-1]
		}
		if cell == "" || strings.Trim(cell, "-") != "" {
			return 0
		}
		n++
		if i < 0 {
			return n
		}
	}
}

// headerCells counts the cells of the row above a delimiter row: pipes not
// preceded by a backslash separate cells, a leading and a trailing pipe are
// dropped, and an empty last cell does not count.
func headerCells(s string) int {
	s = mdTrim(s)
	pos, limit := 0, len(s)
	if limit > 0 && s[0] == '|' {
		pos++
	}
	if limit > 0 && s[limit-1] == '|' {
		limit--
	}
	n := 0
	for pos < limit {
		e := pos
		for e < limit && (s[e] != '|' || e > 0 && s[e-1] == '\\') {
			e++
		}
		n++
		pos = e + 1
	}
	return n
}

// linkLabel parses the "[label]:" that starts a link reference
// definition and returns what follows it.
func linkLabel(line string) (string, bool) {
	if len(line) < 3 || line[0] != '[' {
		return "", false
	}
	i := 1
	for i < len(line) && line[i] != ']' {
		switch line[i] {
		case '\\':
			i++
		case '[':
			return "", false
		}
		i++
	}
	if i >= len(line)-1 || mdIsBlank(line[1:i]) || line[i+1] != ':' {
		return "", false
	}
	return line[i+2:], true
}

// isDestination reports whether s is the rest of a link reference
// definition: a destination (<...> or a run without blanks), optionally
// followed by a quoted or parenthesised title, and nothing else.
func isDestination(s string) bool {
	s = mdTrimLeft(s)
	if s == "" {
		return false
	}
	var rest string
	if s[0] == '<' {
		e := strings.IndexByte(s, '>')
		if e < 0 {
			return false
		}
		rest = s[e+1:]
	} else {
		e := 0
		for e < len(s) && s[e] != ' ' && s[e] != '\t' {
			e++
		}
		rest = s[e:]
	}
	t := mdTrimLeft(rest)
	if t == "" {
		return true
	}
	if len(t) == len(rest) {
		return false // the title must be separated from the destination
	}
	var closer byte
	switch t[0] {
	case '"', '\'':
		closer = t[0]
	case '(':
		closer = ')'
	default:
		return false
	}
	e := strings.IndexByte(t[1:], closer)
	return e >= 0 && mdIsBlank(t[e+2:])
}

// htmlBlockStart returns the CommonMark type (1 to 7) of the HTML block that
// s starts, or 0. s starts with '<'. A type 7 block (any other complete tag
// alone on its line) cannot interrupt a paragraph.
func htmlBlockStart(s string, restrict bool) int {
	if len(s) < 2 {
		return 0
	}
	switch s[1] {
	case '!':
		switch {
		case strings.HasPrefix(s, "<!--"):
			return 2
		case strings.HasPrefix(s, "<![CDATA["):
			return 5
		case len(s) > 2 && mdIsLetter(s[2]):
			return 4
		}
		return 0
	case '?':
		return 3
	}
	i := 1
	closing := s[1] == '/'
	if closing {
		i++
	}
	if i >= len(s) || !mdIsLetter(s[i]) {
		return 0
	}
	j := i + 1
	for j < len(s) && (mdIsLetter(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '-') {
		j++
	}
	var buf [16]byte
	name := lowerName(buf[:0], s[i:j])
	after := s[j:]
	tagEnd := after == "" || after[0] == ' ' || after[0] == '\t' || after[0] == '>' ||
		strings.HasPrefix(after, "/>")
	if !closing && tagEnd && isRawTextTag(name) {
		return 1
	}
	if tagEnd && blockTags[string(name)] {
		return 6
	}
	if restrict || isRawTextTag(name) {
		return 0
	}
	if rest, ok := completeTag(after, closing); ok && mdIsBlank(rest) {
		return 7
	}
	return 0
}

// lowerName writes the lower-cased tag name into buf; names longer than buf
// are cut, which no block tag is.
func lowerName(buf []byte, name string) []byte {
	for i := 0; i < len(name) && i < cap(buf); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

func mdIsLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isRawTextTag(name []byte) bool {
	switch string(name) {
	case "script", "pre", "style", "textarea":
		return true
	}
	return false
}

// blockTags are the tag names that start a type 6 HTML block.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "base": true, "basefont": true,
	"blockquote": true, "body": true, "caption": true, "center": true, "col": true,
	"colgroup": true, "dd": true, "details": true, "dialog": true, "dir": true,
	"div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true,
	"figure": true, "footer": true, "form": true, "frame": true, "frameset": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"head": true, "header": true, "hr": true, "html": true, "iframe": true,
	"legend": true, "li": true, "link": true, "main": true, "menu": true,
	"menuitem": true, "meta": true, "nav": true, "noframes": true, "ol": true,
	"optgroup": true, "option": true, "p": true, "param": true, "search": true,
	"section": true, "summary": true, "table": true, "tbody": true, "td": true,
	"tfoot": true, "th": true, "thead": true, "title": true, "tr": true,
	"track": true, "ul": true,
}

// completeTag parses the rest of an open tag (attributes, optional '/',
// '>') or of a closing tag (blanks, '>') after its name, and returns what
// follows it.
func completeTag(s string, closing bool) (string, bool) {
	if closing {
		s = mdTrimLeft(s)
		if s == "" || s[0] != '>' {
			return "", false
		}
		return s[1:], true
	}
	for {
		t := mdTrimLeft(s)
		if len(t) == len(s) || t == "" || !isAttrNameStart(t[0]) {
			s = t
			break
		}
		// An attribute: name, then optionally = and a value.
		i := 1
		for i < len(t) && isAttrNameByte(t[i]) {
			i++
		}
		s = t[i:]
		v := mdTrimLeft(s)
		if v == "" || v[0] != '=' {
			continue
		}
		v = mdTrimLeft(v[1:])
		if v == "" {
			return "", false
		}
		switch q := v[0]; q {
		case '"', '\'':
			e := strings.IndexByte(v[1:], q)
			if e < 0 {
				return "", false
			}
			s = v[e+2:]
		default:
			e := 0
			for e < len(v) && !strings.ContainsRune(" \t\"'=<>`", rune(v[e])) {
				e++
			}
			if e == 0 {
				return "", false
			}
			s = v[e:]
		}
	}
	if strings.HasPrefix(s, "/>") {
		return s[2:], true
	}
	if s != "" && s[0] == '>' {
		return s[1:], true
	}
	return "", false
}

func mdTrimLeft(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
}

func isAttrNameStart(c byte) bool {
	return mdIsLetter(c) || c == '_' || c == ':'
}

func isAttrNameByte(c byte) bool {
	return isAttrNameStart(c) || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// htmlBlockEnds reports whether line meets the end condition of an HTML
// block of type 1 to 5.
func htmlBlockEnds(line string, typ int) bool {
	switch typ {
	case 1:
		return hasRawTextClose(line)
	case 2:
		return strings.Contains(line, "-->")
	case 3:
		return strings.Contains(line, "?>")
	case 4:
		return strings.IndexByte(line, '>') >= 0
	case 5:
		return strings.Contains(line, "]]>")
	}
	return false
}

// hasRawTextClose reports whether line holds </script>, </pre>, </style> or
// </textarea>, in any case.
func hasRawTextClose(line string) bool {
	for {
		i := strings.Index(line, "</")
		if i < 0 {
			return false
		}
		line = line[i+2:]
		for _, name := range [...]string{"script>", "pre>", "style>", "textarea>"} {
			if len(line) >= len(name) && strings.EqualFold(line[:len(name)], name) {
				return true
			}
		}
	}
}

// buildBody turns the headings, in document order, into the section tree.
func buildBody(text string, firstLine int, hs []mdHeading) *Body {
	b := &Body{Text: text, FirstLine: firstLine, Preamble: len(text)}
	n := len(hs)
	if n == 0 {
		return b
	}
	b.Preamble = hs[0].start
	secs := make([]Section, n)
	ptrs := make([]*Section, n)

	// Pass 1: fill the sections, their ends, and count the children of each
	// (kept in ContentStart until the child slices are carved).
	var stack [7]int // indices of the open sections; levels strictly increase
	top, roots := 0, 0
	for i, h := range hs {
		for top > 0 && secs[stack[top-1]].Level >= h.level {
			top--
			secs[stack[top]].End = h.start
		}
		secs[i] = Section{Level: h.level, Title: h.title, Line: firstLine + h.line, Start: h.start}
		if top > 0 {
			secs[stack[top-1]].ContentStart++
		} else {
			roots++
		}
		stack[top] = i
		top++
	}
	for top > 0 {
		top--
		secs[stack[top]].End = len(text)
	}

	// Carve the child slices out of ptrs, capacity-capped so that an append
	// by a caller cannot overwrite a neighbour.
	b.Sections = ptrs[0:0:roots]
	off := roots
	for i := range secs {
		if c := secs[i].ContentStart; c > 0 {
			secs[i].Children = ptrs[off : off : off+c]
			off += c
		}
		secs[i].ContentStart = hs[i].contentStart
	}

	// Pass 2: link children to parents and map the titles.
	top = 0
	for i := range secs {
		s := &secs[i]
		for top > 0 && secs[stack[top-1]].Level >= s.Level {
			top--
		}
		var parent SectionID
		for k := top - 1; k >= 0 && parent == ""; k-- {
			parent = secs[stack[k]].Canonical
		}
		s.Canonical = CanonicalFor(s.Title, parent)
		if top > 0 {
			p := &secs[stack[top-1]]
			p.Children = append(p.Children, s)
		} else {
			b.Sections = append(b.Sections, s)
		}
		stack[top] = i
		top++
	}
	return b
}
