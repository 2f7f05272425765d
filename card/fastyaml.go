package card

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// This file holds a fast parser for the plain subset of YAML that model card
// metadata blocks use. It builds the very tree the YAML library builds (the
// same kinds, tags, styles, values, lines and columns) and declines anything
// it is not sure about, so that the caller falls back to the library: a
// decline is never an error, and an answer is never a different tree. It
// builds that tree through a fyTree: as yaml.Nodes (yamlTree), or as a
// spec's own nodes (specTree, which gives what the spec reader makes of
// the library's tree).
//
// Accepted: block mappings and sequences (including "- key: value" compact
// mappings and "- - x" nested sequences, and sequences at the parent key's
// indentation); plain, single-quoted and double-quoted scalars, on one line
// or, as values, folded over more indented lines; literal and folded block
// scalars (| and >, with chomping and indentation indicators); one-line flow
// sequences and flow mappings of one-line scalars; empty values; blank
// lines; CRLF line ends.
//
// Declined: comments (but whole-line comments between entries are read as
// blank lines for readers that drop comments, such as the spec reader),
// anchors, aliases, tags, explicit keys ("? "), keys that are not one-line
// scalars, flow collections that span lines, trailing commas in flow
// collections, document markers and directives, tabs, a byte order mark,
// characters the library rejects or treats as line breaks, indentation the
// library would read differently or reject, and whatever else the library
// would report as an error. Where the library's rules are loose (a quoted
// scalar's continuation lines may sit at any indentation) the fast parser
// asks for more (deeper than the enclosing collection) and declines the
// rest.

const (
	// fastYAMLMaxDepth bounds the nesting the fast parser follows.
	fastYAMLMaxDepth = 100
	// fastYAMLMaxKey bounds the bytes from a key's start to its ':'; the
	// library allows 1024 characters, and a character is at least a byte.
	fastYAMLMaxKey = 1000
	// fastYAMLBytesPerNode sizes the slabs nodes are cut from: a slab holds
	// one node for every so many bytes of the text left to parse (metadata
	// averages about 12), plus fastYAMLSlabExtra.
	fastYAMLBytesPerNode = 14
	fastYAMLSlabExtra    = 16
	// fastYAMLFirstSlab caps the first slab of a text.
	fastYAMLFirstSlab = 64
)

// Node tags, as the YAML library writes them.
const (
	fyNullTag      = "!!null"
	fyBoolTag      = "!!bool"
	fyStrTag       = "!!str"
	fyIntTag       = "!!int"
	fyFloatTag     = "!!float"
	fyTimestampTag = "!!timestamp"
	fySeqTag       = "!!seq"
	fyMapTag       = "!!map"
	fyMergeTag     = "!!merge"
)

// fyTree builds the tree of a fast parse; N is its node. The YAML tree
// (yamlTree) gives the library's yaml.Nodes; the spec tree (specTree) gives
// a spec's nodes straight away, without a yaml.Node between.
type fyTree[N any] interface {
	// scalar returns a new scalar node.
	scalar(tag, value string, style yaml.Style, line, column int) N
	// collection returns a new mapping or sequence node, without content.
	collection(kind yaml.Kind, style yaml.Style, line, column int) N
	// setContent gives a collection its children: a mapping's keys and
	// values in turn. The slice is the parser's: copy it. false declines
	// the text.
	setContent(n N, children []N) bool
	// place returns a node's 1-based line and column.
	place(n N) (line, column int)
	// isMapping reports whether the node is a mapping.
	isMapping(n N) bool
}

// fastYAML is the state of one fast parse that builds a tree of N.
type fastYAML[N any] struct {
	src string
	// pos is the current byte offset in src.
	pos int
	// line is the 0-based line of pos; lineStart the offset where it starts.
	line      int
	lineStart int
	// colLine, colPos and colVal cache the character column of colPos on
	// the line starting at colLine.
	colLine, colPos, colVal int
	depth                   int
	// maxDepth bounds depth (fastYAMLMaxDepth unless lower).
	maxDepth int
	tree     fyTree[N]
	// stack holds the children of the collections being built; stackHigh
	// is the most it held.
	stack     []N
	stackHigh int
	// buf is scratch space for scalar values that are not slices of src:
	// quoted scalars with escapes or line breaks, folded plain scalars and
	// block scalars.
	buf []byte
	// skipComments makes whole-line comments between entries blank lines
	// instead of a reason to decline: for readers that drop comments.
	skipComments bool
}

// fastYAMLArenaMaxNodes bounds the nodes, and separately the content
// pointers, that a fastYAMLArena keeps between parses (about 2.5 MB of
// nodes): a block that needs more gets its extra slabs from the heap, and
// they go with its tree.
const fastYAMLArenaMaxNodes = 1 << 14

// fastYAMLArenaMaxBuf bounds the stack and the scratch buffer an arena
// keeps.
const fastYAMLArenaMaxBuf = 64 << 10

// fyScratch keeps a fast parse's stack and scratch buffer for the next
// parse. The zero fyScratch is ready.
type fyScratch[N any] struct {
	stack []N
	buf   []byte
}

// lend gives a parse the kept stack and buffer.
func (s *fyScratch[N]) lend(p *fastYAML[N]) {
	p.stack, p.buf = s.stack, s.buf
}

// keep takes back the parse's stack, cleared, and buffer while they are
// under their bound.
func (s *fyScratch[N]) keep(p *fastYAML[N]) {
	clear(p.stack[:max(p.stackHigh, len(p.stack))])
	if cap(p.stack) <= fastYAMLArenaMaxBuf/8 {
		s.stack = p.stack[:0]
	}
	if cap(p.buf) <= fastYAMLArenaMaxBuf {
		s.buf = p.buf[:0]
	}
}

// fastYAMLArena keeps the memory of one fast parse for the next: its node
// and content-pointer slabs, and its stack and scratch buffer. A tree
// built from an arena is valid until the arena's next use.
type fastYAMLArena struct {
	nodes   slabArena[yaml.Node]
	ptrs    slabArena[*yaml.Node]
	scratch fyScratch[*yaml.Node]
	// parse and tree are the state of the parse under way, cleared when
	// it ends.
	parse fastYAML[*yaml.Node]
	tree  yamlTree
}

// yamlTree builds yaml.Nodes, cut from slabs that an arena (if any) lends.
type yamlTree struct {
	// p is the parse, whose bytes left size the slabs.
	p     *fastYAML[*yaml.Node]
	nodes slabCursor[yaml.Node]
	ptrs  slabCursor[*yaml.Node]
	arena *fastYAMLArena
}

// node returns a new node cut from the current slab.
func (t *yamlTree) node(kind yaml.Kind, tag, value string, style yaml.Style, line, column int) *yaml.Node {
	if len(t.nodes.free) == 0 {
		var a *slabArena[yaml.Node]
		if t.arena != nil {
			a = &t.arena.nodes
		}
		t.nodes.refill(a, 1, t.slabSize(t.nodes.size), fastYAMLArenaMaxNodes)
	}
	n := &t.nodes.free[0]
	t.nodes.free = t.nodes.free[1:]
	// Every field is set: a slab lent by an arena holds an earlier tree.
	// Fields are written one by one, and those the parser leaves empty only
	// when they are not: a write of a pointer into reused memory costs a
	// write barrier while the collector runs.
	n.Kind, n.Style, n.Line, n.Column = kind, style, line, column
	n.Tag, n.Value = tag, value
	if n.Content != nil || n.Alias != nil || n.Anchor != "" || n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" {
		n.Content, n.Alias, n.Anchor, n.HeadComment, n.LineComment, n.FootComment = nil, nil, "", "", "", ""
	}
	return n
}

func (t *yamlTree) scalar(tag, value string, style yaml.Style, line, column int) *yaml.Node {
	return t.node(yaml.ScalarNode, tag, value, style, line, column)
}

func (t *yamlTree) collection(kind yaml.Kind, style yaml.Style, line, column int) *yaml.Node {
	tag := fySeqTag
	if kind == yaml.MappingNode {
		tag = fyMapTag
	}
	return t.node(kind, tag, "", style, line, column)
}

// setContent gives the node an exactly sized copy of children (appending
// to it never overwrites a neighbour).
func (t *yamlTree) setContent(n *yaml.Node, children []*yaml.Node) bool {
	k := len(children)
	if k == 0 {
		return true
	}
	if len(t.ptrs.free) < k {
		var a *slabArena[*yaml.Node]
		if t.arena != nil {
			a = &t.arena.ptrs
		}
		t.ptrs.refill(a, k, t.slabSize(t.ptrs.size), fastYAMLArenaMaxNodes)
	}
	out := t.ptrs.free[:k:k]
	t.ptrs.free = t.ptrs.free[k:]
	copy(out, children)
	n.Content = out
	return true
}

func (t *yamlTree) place(n *yaml.Node) (line, column int) { return n.Line, n.Column }

func (t *yamlTree) isMapping(n *yaml.Node) bool { return n.Kind == yaml.MappingNode }

// slabSize returns the number of nodes, or of content pointers, to
// allocate at once, given the size of the last slab (0 for none): enough
// for the rest of a typical text, but at first at most fastYAMLFirstSlab
// and then at most twice the last slab, so that text with fewer nodes than
// typical (long strings, block scalars) does not zero and hold far more
// nodes than it uses.
func (t *yamlTree) slabSize(last int) int {
	estimate := (len(t.p.src)-t.p.pos)/fastYAMLBytesPerNode + fastYAMLSlabExtra
	return min(estimate, max(fastYAMLFirstSlab, 2*last))
}

// reset makes every kept slab free for the next parse.
func (a *fastYAMLArena) reset() {
	a.nodes.reset()
	a.ptrs.reset()
}

// keep ends a parse that used the arena: it clears what earlier parses
// left in the slabs past this parse's tree, and the stack's pointers, and
// takes back the stack and the scratch buffer while they are under their
// bound. The arena then holds nothing of any tree but this parse's.
func (a *fastYAMLArena) keep(p *fastYAML[*yaml.Node], t *yamlTree) {
	t.nodes.done(&a.nodes)
	t.ptrs.done(&a.ptrs)
	a.nodes.release()
	a.ptrs.release()
	a.scratch.keep(p)
	*p, *t = fastYAML[*yaml.Node]{}, yamlTree{}
}

// fastParseYAML parses a metadata block into the document node the YAML
// library's decoder would give for it, for the subset of YAML described
// above. It returns false, and no node, for anything outside that subset,
// including every text on which the library reports an error and every text
// whose root is not a block mapping; the caller then uses the library.
//
// It builds the tree in the memory of arena (nil: the heap), which it
// resets first: the tree is valid until the arena's next use.
func fastParseYAML(text string, arena *fastYAMLArena) (*yaml.Node, bool) {
	if !fastYAMLTextOK(text) {
		return nil, false
	}
	var (
		p *fastYAML[*yaml.Node]
		t *yamlTree
	)
	if arena != nil {
		// The parse's state lives in the arena too: no allocation.
		p, t = &arena.parse, &arena.tree
	} else {
		p, t = new(fastYAML[*yaml.Node]), new(yamlTree)
	}
	*p = fastYAML[*yaml.Node]{src: text, colLine: -1, maxDepth: fastYAMLMaxDepth, tree: t}
	*t = yamlTree{p: p, arena: arena}
	if arena != nil {
		arena.reset()
		arena.scratch.lend(p)
		defer arena.keep(p, t)
	}
	root, ok := p.document()
	if !ok {
		return nil, false
	}
	line, column := t.place(root)
	doc := t.node(yaml.DocumentNode, "", "", 0, line, column)
	doc.Content = []*yaml.Node{root}
	return doc, true
}

// fyPlainASCII marks the ASCII bytes fastYAMLTextOK takes as they are:
// printable characters and the line feed. Read-only.
var fyPlainASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	t['\n'] = true
	return t
}()

// fyPlainASCII8 reports whether the eight bytes of s are all bytes that
// fyPlainASCII marks, testing them together: each test below is exact
// byte by byte because no byte has its top bit set once the first holds.
func fyPlainASCII8(s string) bool {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
		low7 = 0x7f7f7f7f7f7f7f7f
	)
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	if x&high != 0 {
		return false // a byte of a non-ASCII character
	}
	// nonzero has the top bit of each byte of y that is not zero.
	nonzero := func(y uint64) uint64 { return ((y & low7) + low7 | y) & high }
	printable := (x + 0x60*ones) & high      // byte >= 0x20
	lineFeed := high &^ nonzero(x^'\n'*ones) // byte == '\n'
	notDEL := nonzero(x ^ 0x7f*ones)         // byte != 0x7f
	return (printable|lineFeed)&notDEL == high
}

// fastYAMLTextOK reports whether text holds only characters the fast parser
// handles: printable characters the library accepts, line feeds, and
// carriage returns that are followed by a line feed. Tabs, the byte order
// mark, and the characters the library treats as line breaks (U+0085,
// U+2028, U+2029) are left to the library.
func fastYAMLTextOK(text string) bool {
	for i := 0; i < len(text); {
		if i+8 <= len(text) && fyPlainASCII8(text[i:i+8]) {
			i += 8
			continue
		}
		c := text[i]
		if fyPlainASCII[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			if c == '\r' && i+1 < len(text) && text[i+1] == '\n' {
				i += 2
				continue
			}
			return false
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return false
		case r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return false
		}
		i += size
	}
	return true
}

// document parses the whole text, which must be one block mapping, and
// returns the mapping.
func (p *fastYAML[N]) document() (N, bool) {
	indent, eof, ok := p.nextContent()
	if !ok || eof {
		return p.decline()
	}
	root, ok := p.blockNode(indent, -1)
	if !ok || !p.tree.isMapping(root) {
		return p.decline()
	}
	if _, eof, ok := p.nextContent(); !ok || !eof {
		return p.decline()
	}
	return root, true
}

// collect gives n the children pushed since base and pops them.
func (p *fastYAML[N]) collect(n N, base int) bool {
	p.stackHigh = max(p.stackHigh, len(p.stack))
	ok := p.tree.setContent(n, p.stack[base:])
	p.stack = p.stack[:base]
	return ok
}

// column returns the 0-based character column of offset at, which lies on
// the current line.
func (p *fastYAML[N]) column(at int) int {
	if p.colLine != p.lineStart || at < p.colPos {
		p.colLine, p.colPos, p.colVal = p.lineStart, p.lineStart, 0
	}
	p.colVal += utf8.RuneCountInString(p.src[p.colPos:at])
	p.colPos = at
	return p.colVal
}

// newLine moves to the start of the line that begins at offset at.
func (p *fastYAML[N]) newLine(at int) {
	p.pos = at
	p.lineStart = at
	p.line++
}

// nextContent moves past blank lines to the first character of the next
// line with content and returns that line's indentation, or eof at the end
// of the text. It is a no-op when already there. It fails on comments and
// on document markers.
func (p *fastYAML[N]) nextContent() (indent int, eof, ok bool) {
	s := p.src
	for {
		i := p.pos
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) {
			p.pos = i
			return 0, true, true
		}
		switch s[i] {
		case '\n':
			p.newLine(i + 1)
			continue
		case '\r':
			p.newLine(i + 2)
			continue
		case '#':
			if !p.skipComments {
				return 0, false, false
			}
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				p.pos = len(s)
				return 0, true, true
			}
			p.newLine(i + end + 1)
			continue
		}
		p.pos = i
		indent = i - p.lineStart
		if indent == 0 && (strings.HasPrefix(s[i:], "---") || strings.HasPrefix(s[i:], "...")) {
			return 0, false, false
		}
		return indent, false, true
	}
}

// finishLine expects only spaces up to the end of the line and moves to
// the start of the next line.
func (p *fastYAML[N]) finishLine() bool {
	s := p.src
	i := p.pos
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i == len(s) {
		p.pos = i
		return true
	}
	switch s[i] {
	case '\n':
		p.newLine(i + 1)
		return true
	case '\r':
		p.newLine(i + 2)
		return true
	}
	return false
}

// blankzAt reports whether offset i is a space, a line break or the end of
// the text.
func (p *fastYAML[N]) blankzAt(i int) bool {
	return i >= len(p.src) || p.src[i] == ' ' || p.src[i] == '\n' || p.src[i] == '\r'
}

// atLineEnd reports whether offset i is a line break or the end of the text.
func (p *fastYAML[N]) atLineEnd(i int) bool {
	return i >= len(p.src) || p.src[i] == '\n' || p.src[i] == '\r'
}

// skipSpaces moves pos past spaces.
func (p *fastYAML[N]) skipSpaces() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++
	}
}

// plainStart reports whether a plain scalar may start at offset i, by the
// library's rule, in block or flow context.
func (p *fastYAML[N]) plainStart(i int, flow bool) bool {
	switch p.src[i] {
	case ' ', '\n', '\r', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '-':
		return !p.blankzAt(i + 1)
	case '?', ':':
		return !flow && !p.blankzAt(i+1)
	}
	return true
}

// decline returns no node and false.
func (p *fastYAML[N]) decline() (N, bool) {
	var none N
	return none, false
}

// blockNode parses the node that starts at pos, at column col: the first
// content of a line or the content after "- ". The columns of such
// positions are byte counts, as only spaces and "- " precede them. parent
// is the column of the enclosing block collection (the library's current
// indentation), -1 at the top. pos is then on a later line: at its start,
// or past its indentation after a block scalar.
func (p *fastYAML[N]) blockNode(col, parent int) (N, bool) {
	if p.depth >= p.maxDepth {
		return p.decline()
	}
	p.depth++
	n, ok := p.blockNodeAt(col, parent)
	p.depth--
	return n, ok
}

// blockNodeAt is blockNode within the depth bound.
func (p *fastYAML[N]) blockNodeAt(col, parent int) (N, bool) {
	switch p.src[p.pos] {
	case '-':
		if p.blankzAt(p.pos + 1) {
			return p.blockSequence(col, false)
		}
	case '[', '{':
		n, ok := p.flowNode()
		if !ok || !p.finishLine() {
			return p.decline()
		}
		return n, true
	case '|', '>':
		return p.blockText(parent)
	}
	n, isKey, ok := p.blockScalar(parent)
	if !ok {
		return p.decline()
	}
	if isKey {
		return p.blockMapping(col, n)
	}
	if !p.finishLine() {
		return p.decline()
	}
	return n, true
}

// blockScalar scans a plain or quoted scalar in block context, and tells
// whether a ':' value indicator follows it on its line, making it a key.
// A scalar that is not a key may go on over lines indented deeper than
// parent. pos is then just after the ':', or just after the scalar.
func (p *fastYAML[N]) blockScalar(parent int) (n N, isKey, ok bool) {
	s := p.src
	start := p.pos
	line, column := p.line+1, p.column(start)+1
	var value, tag string
	var style yaml.Style
	switch c := s[start]; {
	case c == '\'' || c == '"':
		v, end, ok := p.quoted(start, parent+1)
		if !ok {
			return n, false, false
		}
		value, tag, style = v, fyStrTag, yaml.DoubleQuotedStyle
		if c == '\'' {
			style = yaml.SingleQuotedStyle
		}
		i := end
		for i < len(s) && s[i] == ' ' {
			i++
		}
		p.pos = end
		if i < len(s) && s[i] == ':' && p.blankzAt(i+1) {
			if p.line+1 != line || i-start > fastYAMLMaxKey {
				return n, false, false
			}
			isKey = true
			p.pos = i + 1
		}
	case p.plainStart(start, false):
		end, colon, ok := p.scanPlainBlock(start)
		if !ok {
			return n, false, false
		}
		if colon >= 0 {
			if colon-start > fastYAMLMaxKey {
				return n, false, false
			}
			isKey = true
			value = s[start:end]
			p.pos = colon + 1
		} else if value, ok = p.plainLines(start, end, parent+1); !ok {
			return n, false, false
		}
		tag = fastResolvePlain(value)
	default:
		return n, false, false
	}
	return p.tree.scalar(tag, value, style, line, column), isKey, true
}

// plainLines finishes a plain scalar in block context whose first line
// holds s[start:end]: following lines indented at least minIndent go on
// with it, joined as the library joins them (one line break becomes a
// space, n+1 line breaks become n). pos is then just after the scalar's
// text, on its last line.
func (p *fastYAML[N]) plainLines(start, end, minIndent int) (string, bool) {
	s := p.src
	value := s[start:end]
	var b []byte
	for {
		i := end
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i == len(s) {
			break
		}
		// At a line break: look past blank lines for the next content.
		breaks, j, lineStart := 0, i, 0
		for {
			if s[j] == '\r' {
				j++
			}
			j++
			breaks++
			lineStart = j
			for j < len(s) && s[j] == ' ' {
				j++
			}
			if j < len(s) && (s[j] == '\n' || s[j] == '\r') {
				continue
			}
			break
		}
		if j == len(s) || j-lineStart < minIndent {
			break
		}
		if s[j] == '#' || (j == lineStart && (strings.HasPrefix(s[j:], "---") || strings.HasPrefix(s[j:], "..."))) {
			return "", false
		}
		e, colon, ok := p.scanPlainBlock(j)
		if !ok || colon >= 0 {
			return "", false
		}
		if b == nil {
			b = append(p.buf[:0], value...)
		}
		if breaks == 1 {
			b = append(b, ' ')
		}
		for k := 1; k < breaks; k++ {
			b = append(b, '\n')
		}
		b = append(b, s[j:e]...)
		p.line += breaks
		p.lineStart = lineStart
		end = e
	}
	p.pos = end
	if b == nil {
		return value, true
	}
	p.buf = b
	return string(b), true
}

// blockText parses a literal (|) or folded (>) block scalar whose
// indicator is at pos, by the library's rules for indentation, folding and
// chomping. parent is the column of the enclosing block collection. pos is
// then at the first line after the scalar, past its indentation.
func (p *fastYAML[N]) blockText(parent int) (N, bool) {
	s := p.src
	start := p.pos
	line, column := p.line+1, p.column(start)+1
	literal := s[start] == '|'
	i := start + 1
	chomping, increment := 0, 0
	chomp := func() {
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			chomping = 1
			if s[i] == '-' {
				chomping = -1
			}
			i++
		}
	}
	digit := func() bool {
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if s[i] == '0' {
				return false
			}
			increment = int(s[i] - '0')
			i++
		}
		return true
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		chomp()
		if !digit() {
			return p.decline()
		}
	} else {
		if !digit() {
			return p.decline()
		}
		if increment > 0 {
			chomp()
		}
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if !p.atLineEnd(i) {
		return p.decline()
	}
	if i < len(s) {
		if s[i] == '\r' {
			i++
		}
		p.newLine(i + 1)
		i++
	}
	indent := 0
	if increment > 0 {
		indent = increment
		if parent >= 0 {
			indent = parent + increment
		}
	}
	b := p.buf[:0]
	i, trailing := p.blockTextBreaks(i, &indent, 0, parent)
	leadingBreak, leadingBlank := false, false
	for i < len(s) && i-p.lineStart == indent {
		trailingBlank := s[i] == ' '
		if !literal && !leadingBlank && !trailingBlank && leadingBreak {
			if trailing == 0 {
				b = append(b, ' ')
			}
		} else if leadingBreak {
			b = append(b, '\n')
		}
		for ; trailing > 0; trailing-- {
			b = append(b, '\n')
		}
		leadingBlank = trailingBlank
		e := i
		for e < len(s) && s[e] != '\n' && s[e] != '\r' {
			e++
		}
		b = append(b, s[i:e]...)
		leadingBreak = e < len(s)
		i = e
		if leadingBreak {
			if s[i] == '\r' {
				i++
			}
			i++
			p.newLine(i)
		}
		i, trailing = p.blockTextBreaks(i, &indent, 0, parent)
	}
	if chomping != -1 && leadingBreak {
		b = append(b, '\n')
	}
	if chomping == 1 {
		for ; trailing > 0; trailing-- {
			b = append(b, '\n')
		}
	}
	p.pos = i
	p.buf = b
	style := yaml.LiteralStyle
	if !literal {
		style = yaml.FoldedStyle
	}
	return p.tree.scalar(fyStrTag, string(b), style, line, column), true
}

// blockTextBreaks moves from the start of a line past indentation (up to
// indent, when known) and blank lines, counting the line breaks on top of
// breaks, and settles indent when it is not known yet, as the library does.
func (p *fastYAML[N]) blockTextBreaks(i int, indent *int, breaks, parent int) (int, int) {
	s := p.src
	maxIndent := 0
	for {
		for (*indent == 0 || i-p.lineStart < *indent) && i < len(s) && s[i] == ' ' {
			i++
		}
		maxIndent = max(maxIndent, i-p.lineStart)
		if i >= len(s) || (s[i] != '\n' && s[i] != '\r') {
			break
		}
		if s[i] == '\r' {
			i++
		}
		i++
		p.newLine(i)
		breaks++
	}
	if *indent == 0 {
		*indent = max(maxIndent, parent+1, 1)
	}
	return i, breaks
}

// fyPlainStop marks the bytes where scanPlainBlock's inner loop stops to
// look: the ends of a run of text (space, line breaks) and ':'.
// Read-only.
var fyPlainStop = [256]bool{' ': true, '\n': true, '\r': true, ':': true}

// scanPlainBlock scans a plain scalar that starts at start, in block
// context, up to the end of its line. It returns the end of the scalar's
// text and the offset of the ':' that ends it, or -1 when the line ends
// first. It fails on a comment.
func (p *fastYAML[N]) scanPlainBlock(start int) (end, colon int, ok bool) {
	s := p.src
	i := start
	for {
		chunk := i
		for i < len(s) {
			c := s[i]
			if !fyPlainStop[c] {
				i++
				continue
			}
			if c != ':' {
				break
			}
			if p.blankzAt(i + 1) {
				if i > chunk {
					end = i
				}
				return end, i, true
			}
			i++
		}
		end = i
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if p.atLineEnd(i) {
			return end, -1, true
		}
		if s[i] == '#' {
			return 0, 0, false
		}
	}
}

// blockMapping parses a block mapping at column col whose first key has
// been scanned; pos is just after that key's ':'.
func (p *fastYAML[N]) blockMapping(col int, first N) (N, bool) {
	s := p.src
	line, column := p.tree.place(first)
	m := p.tree.collection(yaml.MappingNode, 0, line, column)
	base := len(p.stack)
	key := first
	for {
		p.stack = append(p.stack, key)
		var value N
		i := p.pos
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if p.atLineEnd(i) {
			// An empty value sits just after the ':'.
			line, column := p.line+1, p.column(p.pos)+1
			p.pos = i
			p.finishLine()
			indent, eof, ok := p.nextContent()
			if !ok {
				return p.decline()
			}
			switch {
			case !eof && indent > col:
				value, ok = p.blockNode(indent, col)
			case !eof && indent == col && s[p.pos] == '-' && p.blankzAt(p.pos+1):
				value, ok = p.blockSequence(col, true)
			default:
				value = p.tree.scalar(fyNullTag, "", 0, line, column)
			}
			if !ok {
				return p.decline()
			}
		} else {
			p.pos = i
			var ok bool
			if value, ok = p.inlineValue(col); !ok {
				return p.decline()
			}
		}
		p.stack = append(p.stack, value)
		indent, eof, ok := p.nextContent()
		if !ok || (!eof && indent > col) {
			return p.decline()
		}
		if eof || indent < col {
			break
		}
		var isKey bool
		key, isKey, ok = p.blockScalar(col)
		if !ok || !isKey {
			return p.decline()
		}
	}
	if !p.collect(m, base) {
		return p.decline()
	}
	return m, true
}

// inlineValue parses a value that starts after "key: ": a scalar or a
// flow collection; parent is the mapping's column. pos is then on a later
// line, as after blockNode.
func (p *fastYAML[N]) inlineValue(parent int) (N, bool) {
	switch p.src[p.pos] {
	case '[', '{':
		n, ok := p.flowNode()
		if !ok || !p.finishLine() {
			return p.decline()
		}
		return n, true
	case '|', '>':
		return p.blockText(parent)
	}
	n, isKey, ok := p.blockScalar(parent)
	if !ok || isKey || !p.finishLine() {
		return p.decline()
	}
	return n, true
}

// blockSequence parses a block sequence whose first "-" is at pos, at
// column col. An indentless sequence (at its parent key's indentation)
// ends at the next line at col that is not an entry.
func (p *fastYAML[N]) blockSequence(col int, indentless bool) (N, bool) {
	s := p.src
	seq := p.tree.collection(yaml.SequenceNode, 0, p.line+1, col+1)
	base := len(p.stack)
	for {
		dashLine := p.line + 1
		i := p.pos + 1
		for i < len(s) && s[i] == ' ' {
			i++
		}
		var item N
		var ok bool
		if p.atLineEnd(i) {
			p.pos = i
			p.finishLine()
			indent, eof, ok := p.nextContent()
			if !ok {
				return p.decline()
			}
			if !eof && indent > col {
				if item, ok = p.blockNode(indent, col); !ok {
					return p.decline()
				}
			} else {
				// An empty entry sits just after its "-".
				item = p.tree.scalar(fyNullTag, "", 0, dashLine, col+2)
			}
		} else {
			p.pos = i
			if item, ok = p.blockNode(i-p.lineStart, col); !ok {
				return p.decline()
			}
		}
		p.stack = append(p.stack, item)
		indent, eof, ok := p.nextContent()
		if !ok || (!eof && indent > col) {
			return p.decline()
		}
		if eof || indent < col {
			break
		}
		if s[p.pos] != '-' || !p.blankzAt(p.pos+1) {
			if indentless {
				break
			}
			return p.decline()
		}
	}
	if !p.collect(seq, base) {
		return p.decline()
	}
	return seq, true
}

// flowNode parses a node in flow context that starts at pos and ends on
// the same line; pos is then just after it.
func (p *fastYAML[N]) flowNode() (N, bool) {
	if p.pos >= len(p.src) || p.depth >= p.maxDepth {
		return p.decline()
	}
	p.depth++
	n, ok := p.flowNodeAt()
	p.depth--
	return n, ok
}

// flowNodeAt is flowNode within the depth bound.
func (p *fastYAML[N]) flowNodeAt() (N, bool) {
	s := p.src
	start := p.pos
	switch c := s[start]; {
	case c == '[':
		return p.flowSequence()
	case c == '{':
		return p.flowMapping()
	case c == '\'' || c == '"':
		v, end, ok := p.quoted(start, -1)
		if !ok {
			return p.decline()
		}
		style := yaml.DoubleQuotedStyle
		if c == '\'' {
			style = yaml.SingleQuotedStyle
		}
		p.pos = end
		return p.tree.scalar(fyStrTag, v, style, p.line+1, p.column(start)+1), true
	case p.plainStart(start, true):
		end, ok := p.scanPlainFlow(start)
		if !ok {
			return p.decline()
		}
		v := s[start:end]
		p.pos = end
		return p.tree.scalar(fastResolvePlain(v), v, 0, p.line+1, p.column(start)+1), true
	}
	return p.decline()
}

// scanPlainFlow scans a plain scalar in flow context that starts at start
// and returns the end of its text. It stops before ',', '[', ']', '{', '}'
// and a ':' followed by a space or line end, and fails where the scalar
// would go on to the next line or meets a comment or a '?'.
func (p *fastYAML[N]) scanPlainFlow(start int) (end int, ok bool) {
	s := p.src
	i := start
	for {
		chunk := i
	scan:
		for i < len(s) {
			switch s[i] {
			case ' ', '\n', '\r', ',', '[', ']', '{', '}':
				break scan
			case '?':
				return 0, false
			case ':':
				if p.blankzAt(i + 1) {
					break scan
				}
				switch s[i+1] {
				case ',', '[', ']', '{', '}':
					return 0, false
				}
			}
			i++
		}
		if i > chunk {
			end = i
		}
		if i < len(s) && s[i] != ' ' {
			if s[i] == '\n' || s[i] == '\r' {
				return 0, false
			}
			return end, true
		}
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if p.atLineEnd(i) || s[i] == '#' {
			return 0, false
		}
	}
}

// flowSequence parses a flow sequence "[...]" on one line.
func (p *fastYAML[N]) flowSequence() (N, bool) {
	s := p.src
	seq := p.tree.collection(yaml.SequenceNode, yaml.FlowStyle, p.line+1, p.column(p.pos)+1)
	base := len(p.stack)
	p.pos++
	p.skipSpaces()
	if p.pos < len(s) && s[p.pos] == ']' {
		p.pos++
		return seq, true
	}
	for {
		item, ok := p.flowNode()
		if !ok {
			return p.decline()
		}
		p.stack = append(p.stack, item)
		more, ok := p.flowNext(s, ']')
		if !ok {
			return p.decline()
		}
		if more {
			continue
		}
		break
	}
	if !p.collect(seq, base) {
		return p.decline()
	}
	return seq, true
}

// flowNext reads what follows an item of a flow collection on line s: a
// comma before another item (more), or the closing bracket. ok is false
// for anything else, a trailing comma included.
func (p *fastYAML[N]) flowNext(s string, closing byte) (more, ok bool) {
	p.skipSpaces()
	if p.pos >= len(s) {
		return false, false
	}
	switch s[p.pos] {
	case ',':
		p.pos++
		p.skipSpaces()
		if p.pos < len(s) && s[p.pos] == closing {
			return false, false
		}
		return true, true
	case closing:
		p.pos++
		return false, true
	}
	return false, false
}

// flowMapping parses a flow mapping "{...}" of "key: value" pairs on one
// line.
func (p *fastYAML[N]) flowMapping() (N, bool) {
	s := p.src
	m := p.tree.collection(yaml.MappingNode, yaml.FlowStyle, p.line+1, p.column(p.pos)+1)
	base := len(p.stack)
	p.pos++
	p.skipSpaces()
	if p.pos < len(s) && s[p.pos] == '}' {
		p.pos++
		return m, true
	}
	for {
		start := p.pos
		if start >= len(s) {
			return p.decline()
		}
		var key N
		switch c := s[start]; {
		case c == '\'' || c == '"':
			k, ok := p.flowNode()
			if !ok {
				return p.decline()
			}
			key = k
			p.skipSpaces()
			if p.pos >= len(s) || s[p.pos] != ':' {
				return p.decline()
			}
		case p.plainStart(start, true):
			k, ok := p.flowNode()
			if !ok {
				return p.decline()
			}
			key = k
			p.skipSpaces()
			if p.pos >= len(s) || s[p.pos] != ':' || !p.blankzAt(p.pos+1) {
				return p.decline()
			}
		default:
			return p.decline()
		}
		if p.pos-start > fastYAMLMaxKey {
			return p.decline()
		}
		p.pos++
		p.skipSpaces()
		if p.pos >= len(s) || s[p.pos] == ',' || s[p.pos] == '}' {
			return p.decline()
		}
		value, ok := p.flowNode()
		if !ok {
			return p.decline()
		}
		p.stack = append(p.stack, key, value)
		more, ok := p.flowNext(s, '}')
		if !ok {
			return p.decline()
		}
		if more {
			continue
		}
		break
	}
	if !p.collect(m, base) {
		return p.decline()
	}
	return m, true
}

// quoted scans a single- or double-quoted scalar that starts at start. It
// returns the value and the offset just after the closing quote. With
// minIndent < 0 the scalar must close on its line; otherwise it may go on
// over lines whose content is indented at least minIndent (and at least 1),
// and pos, line and lineStart then follow it to its last line.
func (p *fastYAML[N]) quoted(start, minIndent int) (value string, end int, ok bool) {
	s := p.src
	if s[start] == '\'' {
		for i := start + 1; i < len(s); i++ {
			switch s[i] {
			case '\'':
				if i+1 < len(s) && s[i+1] == '\'' {
					return p.quotedSlow(start, i, minIndent)
				}
				return s[start+1 : i], i + 1, true
			case '\n', '\r':
				return p.quotedSlow(start, p.spacesBefore(start+1, i), minIndent)
			}
		}
		return "", 0, false
	}
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			return s[start+1 : i], i + 1, true
		case '\\':
			return p.quotedSlow(start, i, minIndent)
		case '\n', '\r':
			return p.quotedSlow(start, p.spacesBefore(start+1, i), minIndent)
		}
	}
	return "", 0, false
}

// spacesBefore returns the start of the run of spaces that ends at offset
// i, not going back before from.
func (p *fastYAML[N]) spacesBefore(from, i int) int {
	for i > from && p.src[i-1] == ' ' {
		i--
	}
	return i
}

// quotedSlow finishes a quoted scalar that starts at start, from offset
// from, decoding escapes and folding line breaks as the library does:
// spaces before a line break and indentation after it are dropped, one
// line break becomes a space and n+1 become n, and in double quotes an
// escaped line break joins the lines.
func (p *fastYAML[N]) quotedSlow(start, from, minIndent int) (value string, end int, ok bool) {
	s := p.src
	q := s[start]
	if minIndent >= 0 {
		minIndent = max(minIndent, 1)
	}
	b := append(p.buf[:0], s[start+1:from]...)
	i := from
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r':
			j := i
			for j < len(s) && s[j] == ' ' {
				j++
			}
			if j < len(s) && s[j] != '\n' && s[j] != '\r' {
				// Spaces within a line are kept.
				b = append(b, s[i:j]...)
				i = j
				continue
			}
			breaks, k, ok := p.quotedBreaks(j, minIndent)
			if !ok {
				return "", 0, false
			}
			if breaks == 1 {
				b = append(b, ' ')
			}
			for ; breaks > 1; breaks-- {
				b = append(b, '\n')
			}
			i = k
		case c == q && q == '\'':
			if i+1 < len(s) && s[i+1] == '\'' {
				b = append(b, '\'')
				i += 2
				continue
			}
			p.buf = b
			return string(b), i + 1, true
		case c == q:
			p.buf = b
			return string(b), i + 1, true
		case c == '\\' && q == '"':
			if i+1 >= len(s) {
				return "", 0, false
			}
			var codeLen int
			switch s[i+1] {
			case '\n', '\r':
				// An escaped line break: the lines join without a space,
				// and further line breaks are kept.
				breaks, k, ok := p.quotedBreaks(i+1, minIndent)
				if !ok {
					return "", 0, false
				}
				for ; breaks > 1; breaks-- {
					b = append(b, '\n')
				}
				i = k
				continue
			case '0':
				b = append(b, 0)
			case 'a':
				b = append(b, '\a')
			case 'b':
				b = append(b, '\b')
			case 't':
				b = append(b, '\t')
			case 'n':
				b = append(b, '\n')
			case 'v':
				b = append(b, '\v')
			case 'f':
				b = append(b, '\f')
			case 'r':
				b = append(b, '\r')
			case 'e':
				b = append(b, 0x1b)
			case ' ':
				b = append(b, ' ')
			case '"':
				b = append(b, '"')
			case '\'':
				b = append(b, '\'')
			case '\\':
				b = append(b, '\\')
			case 'N':
				b = append(b, "\u0085"...)
			case '_':
				b = append(b, "\u00a0"...)
			case 'L':
				b = append(b, "\u2028"...)
			case 'P':
				b = append(b, "\u2029"...)
			case 'x':
				codeLen = 2
			case 'u':
				codeLen = 4
			case 'U':
				codeLen = 8
			default:
				return "", 0, false
			}
			i += 2
			if codeLen > 0 {
				if i+codeLen > len(s) {
					return "", 0, false
				}
				v, err := strconv.ParseUint(s[i:i+codeLen], 16, 32)
				if err != nil || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff {
					return "", 0, false
				}
				b = utf8.AppendRune(b, rune(v))
				i += codeLen
			}
		default:
			// A run of bytes that stand for themselves.
			j := i + 1
			for j < len(s) && !fyQuotedStop[s[j]] {
				j++
			}
			b = append(b, s[i:j]...)
			i = j
		}
	}
	return "", 0, false
}

// fyQuotedStop marks the bytes at which quotedSlow stops copying a run:
// the ones it may read otherwise than as themselves. Read-only.
var fyQuotedStop = [256]bool{' ': true, '\n': true, '\r': true, '\'': true, '"': true, '\\': true}

// quotedBreaks moves inside a quoted scalar from the line break at offset
// i past blank lines and the next line's indentation, counting the line
// breaks. It fails when minIndent < 0 (one line only), at the end of the
// text, and when the next line with content is indented less than
// minIndent.
func (p *fastYAML[N]) quotedBreaks(i, minIndent int) (breaks, next int, ok bool) {
	if minIndent < 0 {
		return 0, 0, false
	}
	s := p.src
	for i < len(s) && (s[i] == '\n' || s[i] == '\r') {
		if s[i] == '\r' {
			i++
		}
		i++
		p.newLine(i)
		breaks++
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	if i == len(s) || i-p.lineStart < minIndent {
		return 0, 0, false
	}
	return breaks, i, true
}

// fastResolvePlain returns the tag the YAML library gives a plain scalar
// with this text: null, bool, int, float, timestamp, merge or str. It
// follows the library's rules step by step, YAML 1.1 words such as "yes"
// and "on" staying strings.
func fastResolvePlain(v string) string {
	if v == "" {
		return fyNullTag
	}
	switch c := v[0]; {
	case c == '+' || c == '-' || (c >= '0' && c <= '9'):
		if tag := fastSpecialPlain(v); tag != "" {
			return tag
		}
		return fastResolveNumber(v)
	case c == '.':
		if tag := fastSpecialPlain(v); tag != "" {
			return tag
		}
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return fyFloatTag
		}
		return fyStrTag
	case strings.IndexByte("yYnNtTfFoO~<", c) >= 0:
		if tag := fastSpecialPlain(v); tag != "" {
			return tag
		}
	}
	return fyStrTag
}

// fastSpecialPlain returns the tag of the plain words the library looks
// up by name, or "".
func fastSpecialPlain(v string) string {
	switch v {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return fyBoolTag
	case "~", "null", "Null", "NULL":
		return fyNullTag
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
		"+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return fyFloatTag
	case "<<":
		return fyMergeTag
	}
	return ""
}

// fyShortFloat is the longest number without an exponent that
// fastResolveNumber takes as a float without parsing it: 10^300 is far
// below the largest float64.
const fyShortFloat = 300

// fastResolveNumber resolves a plain scalar that starts with a digit or a
// sign: timestamp, int, float or str, in the library's order.
func fastResolveNumber(in string) string {
	if fastIsTimestamp(in) {
		return fyTimestampTag
	}
	if !fyNumberBytes(in) {
		// "4096 tokens", "2.4T tokens, filtered": text that starts with a
		// digit. No parser below takes a byte outside the set, and trying
		// them costs an error allocation each.
		return fyStrTag
	}
	plain := in
	if strings.IndexByte(in, '_') >= 0 {
		plain = strings.ReplaceAll(in, "_", "")
	}
	// Common shapes first, where the answer is known without trying the
	// parsers that fail (and allocate) on them.
	if fastIsSmallDecimal(plain) {
		return fyIntTag
	}
	if dot, exp := fyFloatMarks(plain); (dot || exp) && fastYAMLFloatShape(plain) {
		// Neither integer parser takes a '.' or an exponent here: the
		// shape leaves no room for a base prefix. Without an exponent, a
		// number of at most fyShortFloat bytes is far below the largest
		// float64, so ParseFloat would take it (it fails only past that
		// range; a tiny number rounds to zero without an error).
		if len(plain) <= fyShortFloat && !exp {
			return fyFloatTag
		}
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return fyFloatTag
		}
	}
	if fyDecimalWithLetters(plain) {
		// "9080400076fbadbb...", a commit hash: every parser below fails
		// on it (and the integer ones allocate their errors).
		return fyStrTag
	}
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return fyIntTag
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return fyIntTag
	}
	if fastYAMLFloatShape(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return fyFloatTag
		}
	}
	switch {
	case strings.HasPrefix(plain, "0b"):
		if _, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
			return fyIntTag
		}
		if _, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
			return fyIntTag
		}
	case strings.HasPrefix(plain, "-0b"):
		if _, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
			return fyIntTag
		}
	}
	switch {
	case strings.HasPrefix(plain, "0o"):
		if _, err := strconv.ParseInt(plain[2:], 8, 64); err == nil {
			return fyIntTag
		}
		if _, err := strconv.ParseUint(plain[2:], 8, 64); err == nil {
			return fyIntTag
		}
	case strings.HasPrefix(plain, "-0o"):
		if _, err := strconv.ParseInt("-"+plain[3:], 8, 64); err == nil {
			return fyIntTag
		}
	}
	return fyStrTag
}

// fyNumberByte marks the bytes that the library's number parsers take in
// some reading: digits, the letters of hexadecimal digits, base prefixes,
// exponents, "inf" and "nan", signs, the point and the digit separator.
var fyNumberByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
			c == '+' || c == '-' || c == '.' || c == '_'
	}
	return t
}()

// fyNumberBytes reports whether every byte of s is a fyNumberByte.
func fyNumberBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		if !fyNumberByte[s[i]] {
			return false
		}
	}
	return true
}

// fyFloatMarks reports whether s holds a '.' and whether it holds an 'e'
// or 'E', in one pass.
func fyFloatMarks(s string) (dot, exp bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			dot = true
		case 'e', 'E':
			exp = true
		}
	}
	return dot, exp
}

// fyDecimalWithLetters reports whether s, an optional sign then no base
// prefix (0x, 0o, 0b), holds a letter other than an exponent's e: no
// integer parser takes it (without a prefix they read base 10), and
// neither does a float's shape, nor any of the prefixed forms.
func fyDecimalWithLetters(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if len(s) >= 2 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X', 'o', 'O', 'b', 'B':
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c >= 'a' && c <= 'z' && c != 'e' {
			return true
		}
	}
	return false
}

// fastIsSmallDecimal reports whether s is an optional sign and 1 to 18
// decimal digits without a leading zero (or a lone 0): an int64 in every
// reading of the library's integer parser.
func fastIsSmallDecimal(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" || len(s) > 18 || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fastYAMLFloatShape matches the library's float pattern
// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$.
func fastYAMLFloatShape(s string) bool {
	i := 0
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	} else {
		if digits() == 0 {
			return false
		}
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// fastIsTimestamp reports whether the library reads a plain scalar as a
// timestamp: four digits, a '-', then one of the layouts it accepts.
func fastIsTimestamp(s string) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, layout := range [...]string{
		"2006-1-2T15:4:5.999999999Z07:00",
		"2006-1-2t15:4:5.999999999Z07:00",
		"2006-1-2 15:4:5.999999999",
		"2006-1-2",
	} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
