package card

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"go.yaml.in/yaml/v3"
)

// MaxSpecSize is the largest spec, in bytes, that ParseSpec accepts; it is
// also the longest line ParseSpecStream accepts.
const MaxSpecSize = 8 << 20

// maxSpecDepth bounds how deeply values may nest in a spec.
const maxSpecDepth = 64

// maxSpecValues bounds how many values a spec may hold once YAML aliases are
// expanded, so that a small file cannot expand into a huge tree.
const maxSpecValues = 1 << 19

// Sentinel causes of a SpecError about the input as a whole; match them with
// errors.Is.
var (
	// ErrSpecTooLarge: the input is over MaxSpecSize.
	ErrSpecTooLarge = errors.New("spec too large")
	// ErrSpecBinary: the input holds NUL bytes.
	ErrSpecBinary = errors.New("spec is binary")
	// ErrSpecEncoding: the input is not valid UTF-8.
	ErrSpecEncoding = errors.New("spec is not UTF-8")
)

// SpecError is a spec that cannot be used. It lists every problem found,
// each with its place in the file and a way to fix it.
type SpecError struct {
	// Problems are the problems, in file order; there is at least one.
	Problems []Problem
	// Err is the cause when the input as a whole was refused (ErrSpecTooLarge,
	// ErrSpecBinary, ErrSpecEncoding), else nil.
	Err error
}

// Error lists the problems, one per line.
func (e *SpecError) Error() string {
	if len(e.Problems) == 0 {
		return "invalid spec"
	}
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the cause of an input-level refusal, or nil.
func (e *SpecError) Unwrap() error { return e.Err }

// specKind is the shape of a specNode.
type specKind int

const (
	specScalar specKind = iota
	specSeq
	specMap
)

// specNode is one value of a spec, read from YAML or JSON, with its place in
// the file. Aliases and merge keys are already expanded.
type specNode struct {
	kind specKind
	// tag is the YAML short tag of a scalar: "!!str", "!!int", "!!float",
	// "!!bool", "!!null", or another tag, read as text.
	tag string
	// value is the scalar as written (JSON strings decoded).
	value string
	// line and col are the 1-based place of the value.
	line, col int
	// keys holds a mapping's key nodes, parallel to items.
	keys []*specNode
	// items holds a mapping's values or a sequence's items.
	items []*specNode
}

// isNull reports whether the node is absent or an explicit null.
func (n *specNode) isNull() bool {
	return n == nil || (n.kind == specScalar && n.tag == "!!null")
}

// get returns the key and value nodes of a mapping's key.
func (n *specNode) get(key string) (k, v *specNode) {
	if n == nil || n.kind != specMap {
		return nil, nil
	}
	for i, kn := range n.keys {
		if kn.value == key {
			return kn, n.items[i]
		}
	}
	return nil, nil
}

// val returns the value node of a key, or nil.
func (n *specNode) val(key string) *specNode {
	_, v := n.get(key)
	return v
}

// text returns a scalar as written, or "" for null and non-scalars.
func (n *specNode) text() string {
	if n.isNull() || n.kind != specScalar {
		return ""
	}
	return n.value
}

// number returns a numeric scalar's value as int or float64, and false for
// anything else.
func (n *specNode) number() (any, bool) {
	if n == nil || n.kind != specScalar {
		return nil, false
	}
	switch n.tag {
	case "!!int":
		if i, err := strconv.ParseInt(n.value, 0, 64); err == nil {
			if int64(int(i)) == i {
				return int(i), true
			}
			return float64(i), true
		}
		if u, err := strconv.ParseUint(n.value, 0, 64); err == nil {
			return float64(u), true
		}
		if f, ok := parseYAMLFloat(n.value); ok {
			return f, true
		}
	case "!!float":
		if f, ok := parseYAMLFloat(n.value); ok {
			return f, true
		}
	}
	return nil, false
}

// parseYAMLFloat parses a YAML 1.2 or JSON float, including .inf and .nan.
func parseYAMLFloat(s string) (float64, bool) {
	switch strings.ToLower(strings.TrimLeft(s, "+-")) {
	case ".inf":
		if strings.HasPrefix(s, "-") {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case ".nan":
		return math.NaN(), true
	}
	for _, t := range []string{s, strings.ReplaceAll(s, "_", "")} {
		f, err := strconv.ParseFloat(t, 64)
		if err == nil || errors.Is(err, strconv.ErrRange) {
			// Out of range gives ±Inf or 0, which the spec rules report.
			return f, true
		}
	}
	return 0, false
}

// instance converts the tree into plain Go values (map[string]any, []any,
// string, int, float64, bool, nil), for schema validation and free-form
// fields.
func (n *specNode) instance() any {
	if n == nil {
		return nil
	}
	switch n.kind {
	case specMap:
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			m[k.value] = n.items[i].instance()
		}
		return m
	case specSeq:
		s := make([]any, len(n.items))
		for i, item := range n.items {
			s[i] = item.instance()
		}
		return s
	}
	switch n.tag {
	case "!!null":
		return nil
	case "!!bool":
		return strings.EqualFold(n.value, "true")
	case "!!int", "!!float":
		if v, ok := n.number(); ok {
			if f, isFloat := v.(float64); isFloat && (math.IsNaN(f) || math.IsInf(f, 0)) {
				// The schema only checks that this is a number; the
				// spec rules report that it is not a finite one.
				return 0.0
			}
			return v
		}
	}
	return n.value
}

// ParseSpec reads a model spec, YAML or JSON (JSON when the first byte that
// is not white space is '{'), and returns the Card it describes. The Card has
// Content, Meta (the Hub metadata, in the Hub's usual key order, then the
// keys under `metadata`) and Family (from `family`, else from
// `pipeline_tag`, else empty: to be chosen later); it has no Body.
//
// name is the file name used in problems. On invalid input the error is a
// *SpecError listing every problem found.
func ParseSpec(data []byte, name string) (*Card, error) {
	var p SpecParser
	return p.Parse(data, name)
}

// A SpecParser parses specs one after another, and reads each spec into
// trees built in the memory of the trees of the spec before: where many
// specs are parsed in turn (a worker of `generate`, the bench's workers),
// that saves most of what parsing allocates. The cards it returns hold
// nothing of that memory: they are the caller's to keep.
//
// A SpecParser is not safe for concurrent use; the zero SpecParser is
// ready.
type SpecParser struct {
	// keyLines finds the duplicate keys of a large mapping.
	keyLines map[string]int
	// fastParse, fastTree and fastScratch are the state and the memory
	// of the fast YAML parser (see fastSpecTree).
	fastParse   fastYAML[*specNode]
	fastTree    specTree
	fastScratch fyScratch[*specNode]
	nodes       slabArena[specNode]
	ptrs        slabArena[*specNode]
}

// keyLineMap returns an empty map to find the duplicate keys of a mapping
// of n pairs in (see specTree): the parser's own, kept from one mapping to
// the next, or a new one for a mapping too large to keep a map that size
// for.
func (p *SpecParser) keyLineMap(n int) map[string]int {
	if n > specArenaMaxNodes {
		return make(map[string]int, n)
	}
	if p.keyLines == nil {
		p.keyLines = make(map[string]int, n)
	}
	clear(p.keyLines)
	return p.keyLines
}

// specArenaMaxNodes bounds the spec nodes, and separately the pointers,
// that a SpecParser keeps between specs (about 1 MB of nodes).
const specArenaMaxNodes = 1 << 13

// Parse is ParseSpec in the parser's memory.
func (p *SpecParser) Parse(data []byte, name string) (*Card, error) {
	return p.parse(data, "", false, name)
}

// ParseOwned is Parse for a spec that the caller hands over: the Card it
// returns may share data's memory, which saves a copy of the spec, so data
// must not be changed afterwards (a file read for this alone, say).
func (p *SpecParser) ParseOwned(data []byte, name string) (*Card, error) {
	return p.parse(data, unsafe.String(unsafe.SliceData(data), len(data)), true, name)
}

// parse parses data; when owned, text is data as a string that the tree
// may share, and otherwise the YAML parser copies data into one.
func (p *SpecParser) parse(data []byte, text string, owned bool, name string) (*Card, error) {
	p.nodes.reset()
	p.ptrs.reset()
	root, err := parseSpecTree(data, text, owned, name, p)
	// The slabs now hold this spec's tree (if read from YAML) and nothing
	// of earlier ones.
	p.nodes.release()
	p.ptrs.release()
	if err != nil {
		return nil, err
	}
	probs := validateSpecTree(root, name)
	probs = append(probs, checkSpecRules(root, name)...)
	if len(probs) > 0 {
		return nil, newSpecError(probs, nil)
	}
	return buildSpecCard(root), nil
}

// newSpecError sorts and deduplicates problems into a SpecError.
func newSpecError(probs []Problem, cause error) *SpecError {
	sort.SliceStable(probs, func(i, j int) bool {
		a, b := probs[i], probs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Field < b.Field
	})
	out := probs[:0]
	for i, p := range probs {
		if i > 0 && p == probs[i-1] {
			continue
		}
		out = append(out, p)
	}
	return &SpecError{Problems: out, Err: cause}
}

// specProblem builds an error-severity problem.
func specProblem(name string, n *specNode, field, code, msg, fix string) Problem {
	p := Problem{File: name, Field: field, Severity: SeverityError, Code: code, Message: msg, Fix: fix}
	if n != nil {
		p.Line, p.Column = n.line, n.col
	}
	return p
}

// parseSpecTree checks the input and parses it into a tree.
func parseSpecTree(data []byte, text string, owned bool, name string, parser *SpecParser) (*specNode, error) {
	if err := checkSpecInput(data, name); err != nil {
		return nil, err
	}
	if bom := "\xef\xbb\xbf"; bytes.HasPrefix(data, []byte(bom)) {
		data = data[len(bom):]
		if owned {
			text = text[len(bom):]
		}
	}
	var (
		root  *specNode
		probs []Problem
	)
	if specLooksLikeJSON(data) {
		root, probs = parseSpecJSON(data, name)
	} else {
		if !owned {
			text = string(data)
		}
		root, probs = parseSpecYAML(data, text, name, parser)
	}
	if len(probs) > 0 {
		return nil, newSpecError(probs, nil)
	}
	return root, nil
}

// checkSpecInput refuses input that is too large or not UTF-8 text.
func checkSpecInput(data []byte, name string) error {
	if len(data) > MaxSpecSize {
		return newSpecError([]Problem{{File: name, Severity: SeverityError, Code: "spec.too-large",
			Message: fmt.Sprintf("the spec is %d bytes, over the limit of %d bytes (8 MiB)", len(data), MaxSpecSize),
			Fix:     "keep long texts such as training logs out of the spec and link to them instead"}}, ErrSpecTooLarge)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line, col := specOffsetPos(data, i)
		return newSpecError([]Problem{{File: name, Line: line, Column: col, Severity: SeverityError, Code: "spec.binary",
			Message: "the spec holds a NUL byte, so it is binary data, not YAML or JSON text",
			Fix:     "give the path of the YAML or JSON spec file, saved as UTF-8 text"}}, ErrSpecBinary)
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		line, col := specOffsetPos(data, i)
		return newSpecError([]Problem{{File: name, Line: line, Column: col, Severity: SeverityError, Code: "spec.encoding",
			Message: fmt.Sprintf("the spec is not valid UTF-8 (byte 0x%02x)", data[i]),
			Fix:     "save the file as UTF-8 (for example with `iconv -f latin1 -t utf-8`)"}}, ErrSpecEncoding)
	}
	return nil
}

// offsetPos turns increasing byte offsets into lines and columns without
// rescanning the text from its start each time.
type offsetPos struct {
	data      []byte
	off       int
	line, col int
}

// at returns the 1-based line and column (in characters) of a byte offset.
// Offsets asked in increasing order cost the bytes between them.
func (p *offsetPos) at(off int) (line, col int) {
	off = min(off, len(p.data))
	if p.line == 0 || off < p.off {
		p.off, p.line, p.col = 0, 1, 1
	}
	for p.off < off {
		c := p.data[p.off]
		switch {
		case c == '\n':
			p.line, p.col = p.line+1, 1
		case c < 0x80 || c >= 0xc0:
			p.col++
		}
		p.off++
	}
	return p.line, p.col
}

// specOffsetPos returns the 1-based line and column (in characters) of a byte
// offset.
func specOffsetPos(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCount(before[start:])
}

// specLooksLikeJSON reports whether the first byte that is not white space is
// '{'.
func specLooksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// parseSpecYAML parses a YAML spec into a tree; text is data as a
// string, which the tree's scalars may share.
func parseSpecYAML(data []byte, text string, name string, parser *SpecParser) (*specNode, []Problem) {
	// The fast parser answers only for one plain block-mapping document
	// that decodeSpecYAML would take as it is, with the tree it would
	// give; anything else goes to the decoder.
	if root, ok := parser.fastSpecTree(text); ok {
		return root, nil
	}
	return decodeSpecYAML(data, name, parser)
}

// decodeSpecYAML parses a YAML spec with the library's decoder, and
// converts its tree into a spec tree, expanding aliases and merge keys.
func decodeSpecYAML(data []byte, name string, parser *SpecParser) (*specNode, []Problem) {
	var doc yaml.Node
	if probs := decodeOneYAMLDocument(data, name, &doc); probs != nil {
		return nil, probs
	}
	if len(doc.Content) == 0 {
		return nil, []Problem{specEmptyProblem(name)}
	}
	c := &specYAMLConv{specSlabs: specSlabs{parser: parser}, name: name, budget: maxSpecValues}
	root := c.node(doc.Content[0], 0)
	c.done()
	if len(c.probs) > 0 {
		return nil, c.probs
	}
	if p, ok := specRootShapeProblem(root, name); !ok {
		return nil, []Problem{p}
	}
	return root, nil
}

func specEmptyProblem(name string) Problem {
	return Problem{File: name, Line: 1, Severity: SeverityError, Code: "spec.empty",
		Message: "the spec is empty",
		Fix:     "write at least `model_id: your-org/your-model`; `modelcard init` writes a commented skeleton to start from"}
}

// specRootShapeProblem checks that the spec is a mapping.
func specRootShapeProblem(root *specNode, name string) (Problem, bool) {
	if root.isNull() {
		return specEmptyProblem(name), false
	}
	if root.kind != specMap {
		return specProblem(name, root, "", "spec.type",
			"a spec must be a mapping of keys to values, not "+specShapeName(root),
			"write one `key: value` per line, starting with `model_id: your-org/your-model`"), false
	}
	return Problem{}, true
}

// specShapeName describes a node's shape for messages.
func specShapeName(n *specNode) string {
	switch {
	case n == nil || n.isNull():
		return "an empty value"
	case n.kind == specMap:
		return "a mapping"
	case n.kind == specSeq:
		return "a list"
	case n.tag == "!!int" || n.tag == "!!float":
		return "the number " + specShorten(n.value)
	case n.tag == "!!bool":
		return "the boolean " + n.value
	}
	return "the text " + strconv.Quote(specShorten(n.value))
}

// specShorten cuts a value for display.
func specShorten(s string) string {
	const maxRunes = 40
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxRunes]) + "..."
}

// specYAMLSyntaxProblem turns a YAML library error into a problem.
func specYAMLSyntaxProblem(err error, name string) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Problem{File: name, Severity: SeverityError, Code: "spec.syntax"}
	var n int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &n); scanErr == nil {
		p.Line = n
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	p.Message = "the spec is not valid YAML: " + msg
	p.Fix = "check the indentation and quoting on that line and the one before; values holding `: ` or starting with a special character must be quoted"
	return p
}

// decodeOneYAMLDocument decodes data with the YAML decoder into doc and
// reports an empty input, a syntax error or a second document.
func decodeOneYAMLDocument(data []byte, name string, doc *yaml.Node) []Problem {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(doc); err != nil {
		if errors.Is(err, io.EOF) {
			return []Problem{specEmptyProblem(name)}
		}
		return []Problem{specYAMLSyntaxProblem(err, name)}
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		p := Problem{File: name, Severity: SeverityError, Code: "spec.multi-document",
			Message: "the spec holds more than one YAML document (a second `---` line)",
			Fix:     "keep one spec per file; to give many specs at once, write them as JSON, one per line (NDJSON)"}
		if err == nil && next.Line > 0 {
			p.Line = next.Line
		} else if err != nil {
			p.Line = specYAMLSyntaxProblem(err, name).Line
		}
		return []Problem{p}
	}
	return nil
}

// specSmallMapping is the most keys of a mapping whose duplicate keys the
// fast spec tree finds by looking through its keys rather than through a
// map.
const specSmallMapping = 16

// specYAMLPair is one entry of a YAML mapping being converted: a key (key
// as written, k with its alias resolved) and its value, or a merge key's
// value.
type specYAMLPair struct {
	key, k, v *yaml.Node
	merge     bool
}

// specSlabs cuts spec nodes, a few dozen at a time, and the keys and
// items slices of nodes, from slabs a SpecParser lends.
type specSlabs struct {
	parser *SpecParser
	slab   slabCursor[specNode]
	ptrs   slabCursor[*specNode]
}

// newNode returns a new node holding v, cut from the slab.
func (c *specSlabs) newNode(v specNode) *specNode {
	if len(c.slab.free) == 0 {
		c.slab.refill(&c.parser.nodes, 1, 64, specArenaMaxNodes)
	}
	n := &c.slab.free[0]
	c.slab.free = c.slab.free[1:]
	*n = v
	return n
}

// newPtrs returns an empty slice of capacity n for the keys or items of
// a node; appending past n moves it off the slab, never onto the slab's
// next slice.
func (c *specSlabs) newPtrs(n int) []*specNode {
	if n == 0 {
		return nil
	}
	if len(c.ptrs.free) < n {
		c.ptrs.refill(&c.parser.ptrs, n, 128, specArenaMaxNodes)
	}
	out := c.ptrs.free[:0:n]
	c.ptrs.free = c.ptrs.free[n:]
	return out
}

// done tells the parser's slabs how much of them the tree took.
func (c *specSlabs) done() {
	c.slab.done(&c.parser.nodes)
	c.ptrs.done(&c.parser.ptrs)
}

// specYAMLConv converts yaml.Node trees into specNode trees.
type specYAMLConv struct {
	specSlabs
	name      string
	budget    int
	exhausted bool
	probs     []Problem
}

func (c *specYAMLConv) add(p Problem) { c.probs = append(c.probs, p) }

// node converts one node, expanding aliases and merge keys.
func (c *specYAMLConv) node(n *yaml.Node, depth int) *specNode {
	if n == nil {
		return c.newNode(specNode{kind: specScalar, tag: "!!null"})
	}
	null := func() *specNode {
		return c.newNode(specNode{kind: specScalar, tag: "!!null", line: n.Line, col: n.Column})
	}
	if c.exhausted {
		return null()
	}
	// A long text repeated through aliases counts for its length too.
	c.budget -= valueWeight(n)
	if c.budget < 0 {
		c.exhausted = true
		c.add(Problem{File: c.name, Line: n.Line, Column: n.Column, Severity: SeverityError, Code: "spec.too-large",
			Message: fmt.Sprintf("the spec holds more than %d values once its aliases are expanded (a text counting one more for each %d bytes)", maxSpecValues, aliasTextUnit),
			Fix:     "write the values out instead of repeating them through YAML aliases (*name)"})
		return null()
	}
	if depth > maxSpecDepth {
		c.exhausted = true
		c.add(Problem{File: c.name, Line: n.Line, Column: n.Column, Severity: SeverityError, Code: "spec.too-deep",
			Message: fmt.Sprintf("values nest more than %d levels deep", maxSpecDepth),
			Fix:     "flatten the structure; no spec field nests that deeply"})
		return null()
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return null()
		}
		return c.node(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return null()
		}
		cp := *c.node(n.Alias, depth+1)
		cp.line, cp.col = n.Line, n.Column
		return c.newNode(cp)
	case yaml.ScalarNode:
		return c.newNode(specNode{kind: specScalar, tag: n.ShortTag(), value: n.Value, line: n.Line, col: n.Column})
	case yaml.SequenceNode:
		out := c.newNode(specNode{kind: specSeq, line: n.Line, col: n.Column})
		out.items = c.newPtrs(len(n.Content))
		for _, item := range n.Content {
			out.items = append(out.items, c.node(item, depth+1))
		}
		return out
	case yaml.MappingNode:
		return c.mapping(n, depth)
	}
	return null()
}

// mapping converts a mapping node, reporting duplicate and complex keys.
func (c *specYAMLConv) mapping(n *yaml.Node, depth int) *specNode {
	out := c.newNode(specNode{kind: specMap, line: n.Line, col: n.Column})
	// The conversion runs only where the fast parser declined (aliases,
	// merge keys, duplicates, comments after values): plain memory will do.
	pairs := make([]specYAMLPair, 0, len(n.Content)/2)
	own := make(map[string]int, len(n.Content)/2)
	merges := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i]
		k := resolveAlias(key)
		if k == nil {
			continue
		}
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			pairs = append(pairs, specYAMLPair{v: n.Content[i+1], merge: true})
			merges = true
			continue
		}
		if k.Kind != yaml.ScalarNode {
			c.add(Problem{File: c.name, Line: key.Line, Column: key.Column, Severity: SeverityError, Code: "spec.key",
				Message: "a key must be a plain name, not a list or mapping",
				Fix:     "write keys as plain words, such as `model_id:`"})
			continue
		}
		if first, dup := own[k.Value]; dup {
			c.add(Problem{File: c.name, Line: key.Line, Column: key.Column, Severity: SeverityError, Code: "spec.duplicate-key",
				Message: fmt.Sprintf("key %q is given twice (first on line %d)", k.Value, first),
				Fix:     "keep one of the two and delete the other"})
			continue
		}
		own[k.Value] = key.Line
		pairs = append(pairs, specYAMLPair{key: key, k: k, v: n.Content[i+1]})
	}
	// seen, the keys set so far, matters only to merge keys.
	var seen map[string]bool
	if merges {
		seen = make(map[string]bool, len(pairs))
	}
	out.keys = c.newPtrs(len(pairs))
	out.items = c.newPtrs(len(pairs))
	for _, p := range pairs {
		if p.merge {
			c.merge(out, p.v, own, seen, depth)
			continue
		}
		if seen != nil {
			seen[p.k.Value] = true
		}
		out.keys = append(out.keys, c.newNode(specNode{kind: specScalar, tag: "!!str", value: p.k.Value, line: p.key.Line, col: p.key.Column}))
		out.items = append(out.items, c.node(p.v, depth+1))
	}
	return out
}

// merge adds the pairs of a `<<` merge key's mappings that the mapping does
// not set itself.
func (c *specYAMLConv) merge(out *specNode, v *yaml.Node, own map[string]int, seen map[string]bool, depth int) {
	src := c.node(v, depth+1)
	var sources []*specNode
	switch src.kind {
	case specMap:
		sources = []*specNode{src}
	case specSeq:
		sources = src.items
	}
	if len(sources) == 0 || (src.kind == specSeq && specAnyNonMap(sources)) {
		c.add(Problem{File: c.name, Line: v.Line, Column: v.Column, Severity: SeverityError, Code: "spec.merge",
			Message: "a `<<` merge key must refer to a mapping or a list of mappings",
			Fix:     "point `<<` at an anchored mapping, such as `<<: *defaults`"})
		return
	}
	for _, s := range sources {
		for i, k := range s.keys {
			if _, mine := own[k.value]; mine || seen[k.value] {
				continue
			}
			seen[k.value] = true
			out.keys = append(out.keys, k)
			out.items = append(out.items, s.items[i])
		}
	}
}

func specAnyNonMap(ns []*specNode) bool {
	for _, n := range ns {
		if n.kind != specMap {
			return true
		}
	}
	return false
}

// parseSpecJSON parses a JSON spec into a tree, with the place of every
// value.
func parseSpecJSON(data []byte, name string) (*specNode, []Problem) {
	p := &specJSONConv{data: data, pos: offsetPos{data: data}, name: name, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	root, err := p.value(0)
	if err == nil {
		off := p.next()
		if _, terr := p.dec.Token(); !errors.Is(terr, io.EOF) {
			line, col := specOffsetPos(data, off)
			return nil, []Problem{{File: name, Line: line, Column: col, Severity: SeverityError, Code: "spec.syntax",
				Message: "the spec holds more text after its JSON object",
				Fix:     "keep one JSON object per file; to give many specs at once, write them one per line (NDJSON)"}}
		}
	}
	if err != nil {
		if p.prob != nil {
			return nil, []Problem{*p.prob}
		}
		return nil, []Problem{p.syntaxProblem(err)}
	}
	if prob, ok := specRootShapeProblem(root, name); !ok {
		return nil, []Problem{prob}
	}
	if len(p.probs) > 0 {
		return nil, p.probs
	}
	return root, nil
}

// specJSONConv reads JSON tokens into a tree.
type specJSONConv struct {
	data  []byte
	pos   offsetPos
	name  string
	dec   *json.Decoder
	prob  *Problem
	probs []Problem
}

// errSpecJSONStop ends parsing after a problem that is not a syntax error.
var errSpecJSONStop = errors.New("json parse stopped")

// next returns the offset where the next token starts.
func (p *specJSONConv) next() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (p *specJSONConv) syntaxProblem(err error) Problem {
	off := len(p.data)
	var se *json.SyntaxError
	msg := "the JSON ends before the spec's object is closed"
	if errors.As(err, &se) {
		off = int(se.Offset)
		msg = se.Error()
	} else if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		msg = err.Error()
	}
	line, col := specOffsetPos(p.data, off)
	return Problem{File: p.name, Line: line, Column: col, Severity: SeverityError, Code: "spec.syntax",
		Message: "the spec is not valid JSON: " + msg,
		Fix: "check for a missing or extra comma, quote or bracket at or just before this place " +
			"(a spec that starts with { is read as JSON, so keys and texts need double quotes)"}
}

// value reads one JSON value.
func (p *specJSONConv) value(depth int) (*specNode, error) {
	off := p.next()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	line, col := p.pos.at(off)
	if depth > maxSpecDepth {
		p.prob = &Problem{File: p.name, Line: line, Column: col, Severity: SeverityError, Code: "spec.too-deep",
			Message: fmt.Sprintf("values nest more than %d levels deep", maxSpecDepth),
			Fix:     "flatten the structure; no spec field nests that deeply"}
		return nil, errSpecJSONStop
	}
	n := &specNode{kind: specScalar, line: line, col: col}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n.kind = specMap
			first := map[string]int{}
			for p.dec.More() {
				koff := p.next()
				ktok, err := p.dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := ktok.(string)
				if !ok {
					return nil, &json.SyntaxError{Offset: int64(koff + 1)}
				}
				kl, kc := p.pos.at(koff)
				kn := &specNode{kind: specScalar, tag: "!!str", value: key, line: kl, col: kc}
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				if fl, dup := first[key]; dup {
					p.probs = append(p.probs, Problem{File: p.name, Line: kl, Column: kc, Severity: SeverityError,
						Code: "spec.duplicate-key", Message: fmt.Sprintf("key %q is given twice (first on line %d)", key, fl),
						Fix: "keep one of the two and delete the other"})
					continue
				}
				first[key] = kl
				n.keys = append(n.keys, kn)
				n.items = append(n.items, v)
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, err
			}
		case '[':
			n.kind = specSeq
			for p.dec.More() {
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			if _, err := p.dec.Token(); err != nil {
				return nil, err
			}
		default:
			return nil, &json.SyntaxError{Offset: int64(off + 1)}
		}
	case string:
		n.tag, n.value = "!!str", t
	case json.Number:
		n.tag, n.value = "!!int", string(t)
		if strings.ContainsAny(n.value, ".eE") {
			n.tag = "!!float"
		}
	case bool:
		n.tag, n.value = "!!bool", strconv.FormatBool(t)
	case nil:
		n.tag, n.value = "!!null", "null"
	}
	return n, nil
}

// specHubMetaKeys are the Hub metadata keys a spec sets at its top level, in
// the order they are written into the card's metadata.
var specHubMetaKeys = []string{"language", "license", "license_name", "license_link", "library_name",
	"pipeline_tag", "tags", "datasets", "metrics", "base_model"}

// checkSpecRules checks what the schema cannot: rules that span fields.
func checkSpecRules(root *specNode, name string) []Problem {
	var probs []Problem
	if k, v := root.get("model_name"); k != nil && !v.isNull() {
		if !root.val("model_id").isNull() {
			probs = append(probs, specProblem(name, k, "model_name", "spec.conflict",
				"both model_id and model_name are given; they are two names for the same field",
				"keep model_id and delete model_name"))
		}
	}
	// Specifics keys, when the family is not given or not known (the
	// schema checks them against a known family).
	if fv := root.val("family"); fv == nil || !specKnownFamily(fv) {
		if spec := root.val("specifics"); spec != nil && spec.kind == specMap {
			fam, derived := FamilyID(""), false
			if pt := root.val("pipeline_tag"); fv == nil && pt != nil && pt.kind == specScalar && pt.tag == "!!str" {
				fam, derived = FamilyForTask(pt.value)
			}
			for _, k := range spec.keys {
				if derived {
					if !specFamilyHasField(fam, k.value) {
						probs = append(probs, specificsProblem(name, k, fam, true))
					}
				} else if len(specFamiliesWithField(k.value)) == 0 {
					probs = append(probs, specificsProblem(name, k, "", false))
				}
			}
		}
	}
	if meta := root.val("metadata"); meta != nil && meta.kind == specMap {
		for _, k := range meta.keys {
			field := "metadata." + k.value
			switch {
			case k.value == "model-index":
				probs = append(probs, specProblem(name, k, field, "spec.conflict",
					"model-index is written by the generator from eval_results",
					"give each result as an entry of eval_results (task_type, dataset_type, dataset_name, metric_type, metric_value, ...)"))
			case specContains(specHubMetaKeys, k.value):
				probs = append(probs, specProblem(name, k, field, "spec.conflict",
					fmt.Sprintf("%s has its own top-level field", k.value),
					fmt.Sprintf("move `%s:` out of metadata to the top level of the spec", k.value)))
			}
		}
	}
	checkFinite := func(n *specNode, field string) {
		if v, ok := n.number(); ok {
			if f, isFloat := v.(float64); isFloat && (math.IsNaN(f) || math.IsInf(f, 0)) {
				probs = append(probs, specProblem(name, n, field, "spec.value",
					fmt.Sprintf("metric value %s is not a finite number", n.value),
					"give the measured value, or leave the result out until it is known"))
			}
		}
	}
	if ev := root.val("eval_results"); ev != nil && ev.kind == specSeq {
		for i, item := range ev.items {
			if mv := item.val("metric_value"); mv != nil {
				checkFinite(mv, fmt.Sprintf("eval_results[%d].metric_value", i))
			}
		}
	}
	if m := root.val("metrics"); m != nil && m.kind == specMap {
		for i, k := range m.keys {
			checkFinite(m.items[i], "metrics"+specFieldKey(k.value))
		}
	}
	return probs
}

// specKnownFamily reports whether a node names a known family.
func specKnownFamily(n *specNode) bool {
	if n.kind != specScalar || n.tag != "!!str" {
		return false
	}
	_, ok := LookupFamily(FamilyID(n.value))
	return ok
}

func specContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// specFamilyHasField reports whether a family has a specifics key.
func specFamilyHasField(id FamilyID, key string) bool {
	f, ok := LookupFamily(id)
	if !ok {
		return false
	}
	for _, fld := range f.Fields {
		if fld.Key == key {
			return true
		}
	}
	return false
}

// specFamiliesWithField returns the families that have a specifics key.
func specFamiliesWithField(key string) []FamilyID {
	var out []FamilyID
	for _, f := range Families() {
		if specFamilyHasField(f.ID, key) {
			out = append(out, f.ID)
		}
	}
	return out
}

// specFamilyFieldKeys returns a family's specifics keys, or every family's when
// id is empty.
func specFamilyFieldKeys(id FamilyID) []string {
	var keys []string
	for _, f := range Families() {
		if id != "" && f.ID != id {
			continue
		}
		for _, fld := range f.Fields {
			if !specContains(keys, fld.Key) {
				keys = append(keys, fld.Key)
			}
		}
	}
	return keys
}

// specificsProblem reports a specifics key that the family does not have.
func specificsProblem(name string, k *specNode, fam FamilyID, fromTask bool) Problem {
	field := "specifics" + specFieldKey(k.value)
	allowed := specFamilyFieldKeys(fam)
	fix := ""
	if s := specSuggest(k.value, allowed); s != "" {
		fix = fmt.Sprintf("did you mean %q? ", s)
	}
	if fam == "" {
		fix += "specifics keys are those of the template families: " + strings.Join(allowed, ", ")
		return specProblem(name, k, field, "spec.specifics-key",
			fmt.Sprintf("%q is not a specifics key of any template family", k.value), fix)
	}
	if others := specFamiliesWithField(k.value); len(others) > 0 {
		fix += fmt.Sprintf("%q belongs to the %s family; set `family:` if that is the right one. ", k.value, specJoinFamilies(others))
	}
	fix += fmt.Sprintf("the %s family's keys are: %s", fam, strings.Join(allowed, ", "))
	how := ""
	if fromTask {
		how = " (the family follows from pipeline_tag)"
	}
	return specProblem(name, k, field, "spec.specifics-key",
		fmt.Sprintf("%q is not a specifics key of the %s family%s", k.value, fam, how), fix)
}

func specJoinFamilies(ids []FamilyID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, " or ")
}

// specFieldKey formats a key as a path step: ".name", or `["odd key"]`.
func specFieldKey(k string) string {
	plain := k != ""
	for _, r := range k {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return "." + k
	}
	return "[" + strconv.Quote(k) + "]"
}

// specContentTextFields maps the json names of Content's string fields to their
// field index; read-only after initialisation.
var specContentTextFields = func() map[string]int {
	out := map[string]int{}
	t := reflect.TypeOf(Content{})
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type.Kind() != reflect.String {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag != "" && tag != "-" {
			out[tag] = i
		}
	}
	return out
}()

// buildSpecCard builds the Card of a valid spec tree.
func buildSpecCard(root *specNode) *Card {
	c := &Card{}
	cv := reflect.ValueOf(&c.Content).Elem()
	for i, k := range root.keys {
		if idx, ok := specContentTextFields[k.value]; ok {
			cv.Field(idx).SetString(root.items[i].text())
		}
	}
	if c.Content.ModelID == "" {
		c.Content.ModelID = root.val("model_name").text()
	}
	c.Content.Hyperparameters = specHyperparameters(root.val("hyperparameters"))
	if env := root.val("environmental_impact"); env != nil && env.kind == specMap {
		c.Content.Environment = EnvironmentalImpact{
			HardwareType:  env.val("hardware_type").text(),
			HoursUsed:     env.val("hours_used").text(),
			CloudProvider: env.val("cloud_provider").text(),
			ComputeRegion: env.val("compute_region").text(),
			CarbonEmitted: env.val("carbon_emitted").text(),
		}
	}
	if spec := root.val("specifics"); spec != nil && spec.kind == specMap {
		for i, k := range spec.keys {
			if t := spec.items[i].text(); t != "" {
				if c.Content.Specifics == nil {
					c.Content.Specifics = map[string]string{}
				}
				c.Content.Specifics[k.value] = t
			}
		}
	}
	if ev := root.val("eval_results"); ev != nil && ev.kind == specSeq {
		n := len(ev.items)
		if m := root.val("metrics"); m != nil && m.kind == specMap {
			n += len(m.keys)
		}
		if n > 0 {
			c.Content.EvalResults = make([]EvalResult, 0, n)
		}
		for _, item := range ev.items {
			c.Content.EvalResults = append(c.Content.EvalResults, specEvalResult(item))
		}
	}
	pipelineTag := root.val("pipeline_tag").text()
	if m := root.val("metrics"); m != nil && m.kind == specMap {
		for i, k := range m.keys {
			c.Content.EvalResults = append(c.Content.EvalResults, EvalResult{
				TaskType:    pipelineTag,
				MetricType:  k.value,
				MetricValue: specMetricValue(m.items[i]),
			})
		}
	}
	switch {
	case root.val("family").text() != "":
		c.Family = FamilyID(root.val("family").text())
	case pipelineTag != "":
		if fam, ok := FamilyForTask(pipelineTag); ok {
			c.Family = fam
		}
	}
	c.Meta = specMetadata(root)
	return c
}

// specHyperparameters reads the mapping or list form of hyperparameters.
func specHyperparameters(n *specNode) []KeyValue {
	if n == nil {
		return nil
	}
	var out []KeyValue
	switch n.kind {
	case specMap:
		for i, k := range n.keys {
			out = append(out, KeyValue{Key: k.value, Value: n.items[i].text()})
		}
	case specSeq:
		for _, item := range n.items {
			out = append(out, KeyValue{Key: item.val("key").text(), Value: item.val("value").text()})
		}
	}
	return out
}

// specMetricValue returns a metric value as int, float64 or string.
func specMetricValue(n *specNode) any {
	if v, ok := n.number(); ok {
		return v
	}
	return n.text()
}

// specEvalResult reads one eval_results entry.
func specEvalResult(n *specNode) EvalResult {
	// One pass over the result's keys (a spec's keys are distinct), not a
	// search of them for each field.
	r := EvalResult{MetricValue: specMetricValue(nil)}
	if n == nil || n.kind != specMap {
		return r
	}
	for i, k := range n.keys {
		v := n.items[i]
		switch k.value {
		case "task_type":
			r.TaskType = v.text()
		case "task_name":
			r.TaskName = v.text()
		case "dataset_type":
			r.DatasetType = v.text()
		case "dataset_name":
			r.DatasetName = v.text()
		case "dataset_config":
			r.DatasetConfig = v.text()
		case "dataset_split":
			r.DatasetSplit = v.text()
		case "dataset_revision":
			r.DatasetRevision = v.text()
		case "metric_type":
			r.MetricType = v.text()
		case "metric_value":
			r.MetricValue = specMetricValue(v)
		case "metric_name":
			r.MetricName = v.text()
		case "metric_config":
			r.MetricConfig = v.text()
		case "verify_token":
			r.VerifyToken = v.text()
		case "source_name":
			r.SourceName = v.text()
		case "source_url":
			r.SourceURL = v.text()
		case "dataset_args":
			if a, ok := v.instance().(map[string]any); ok {
				r.DatasetArgs = a
			}
		case "metric_args":
			if a, ok := v.instance().(map[string]any); ok {
				r.MetricArgs = a
			}
		case "verified":
			if v != nil && v.tag == "!!bool" {
				b := strings.EqualFold(v.value, "true")
				r.Verified = &b
			}
		}
	}
	return r
}

// specMetadata builds the card's Hub metadata: the top-level Hub keys in the
// Hub's usual order, then the `metadata` keys in the order given. Empty
// values are left out, and `metrics` only enters as a list of ids.
func specMetadata(root *specNode) *Metadata {
	m := NewMetadata()
	type pair struct {
		key string
		v   *specNode
	}
	var chosen [32]pair
	pairs := chosen[:0]
	for _, key := range specHubMetaKeys {
		v := root.val(key)
		if v == nil || (key == "metrics" && v.kind != specSeq) {
			continue
		}
		if v.isNull() || (v.kind == specScalar && v.value == "") || (v.kind != specScalar && len(v.items) == 0) {
			continue
		}
		pairs = append(pairs, pair{key, v})
	}
	if meta := root.val("metadata"); meta != nil && meta.kind == specMap {
		for i, k := range meta.keys {
			pairs = append(pairs, pair{k.value, meta.items[i]})
		}
	}
	if len(pairs) == 0 {
		return m
	}
	// The nodes are cut from two blocks sized by a first walk: a handful
	// of allocations per card, not one per value.
	nodes, ptrs := 1+len(pairs), 2*len(pairs)
	for _, p := range pairs {
		n, q := specYAMLSize(p.v)
		nodes, ptrs = nodes+1+n, ptrs+q
	}
	b := yamlBlock{nodes: make([]yaml.Node, nodes), ptrs: make([]*yaml.Node, ptrs)}
	m.root = b.node(yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
	m.root.Content = b.content(2 * len(pairs))
	for _, p := range pairs {
		m.root.Content = append(m.root.Content, b.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: p.key}), b.fromSpec(p.v))
	}
	return m
}

// specYAMLSize returns how many yaml.Nodes, and how many pointers to
// them in Content slices, the conversion of n takes.
func specYAMLSize(n *specNode) (nodes, ptrs int) {
	nodes = 1
	switch n.kind {
	case specMap:
		nodes += len(n.keys)
		ptrs += 2 * len(n.keys)
	case specSeq:
		ptrs += len(n.items)
	default:
		return nodes, ptrs
	}
	for _, item := range n.items {
		a, b := specYAMLSize(item)
		nodes, ptrs = nodes+a, ptrs+b
	}
	return nodes, ptrs
}

// yamlBlock cuts yaml.Nodes and Content slices from blocks allocated
// once; it falls back to the heap when a block runs out.
type yamlBlock struct {
	nodes []yaml.Node
	ptrs  []*yaml.Node
}

// node returns a new node holding v.
func (b *yamlBlock) node(v yaml.Node) *yaml.Node {
	var n *yaml.Node
	if len(b.nodes) == 0 {
		n = new(yaml.Node)
	} else {
		n = &b.nodes[0]
		b.nodes = b.nodes[1:]
	}
	*n = v
	return n
}

// content returns an empty Content slice of capacity n; appending past n
// moves it off the block.
func (b *yamlBlock) content(n int) []*yaml.Node {
	if n == 0 {
		return nil
	}
	if n > len(b.ptrs) {
		return make([]*yaml.Node, 0, n)
	}
	out := b.ptrs[:0:n]
	b.ptrs = b.ptrs[n:]
	return out
}

// fromSpec converts a tree back to a yaml.Node in block style, without
// places or comments.
func (b *yamlBlock) fromSpec(n *specNode) *yaml.Node {
	switch n.kind {
	case specMap:
		out := b.node(yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
		out.Content = b.content(2 * len(n.keys))
		for i, k := range n.keys {
			out.Content = append(out.Content, b.node(yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k.value}),
				b.fromSpec(n.items[i]))
		}
		return out
	case specSeq:
		out := b.node(yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"})
		out.Content = b.content(len(n.items))
		for _, item := range n.items {
			out.Content = append(out.Content, b.fromSpec(item))
		}
		return out
	}
	tag := n.tag
	switch tag {
	case "!!str", "!!int", "!!float", "!!bool", "!!null":
	default:
		tag = "!!str"
	}
	out := b.node(yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: n.value})
	if tag == "!!str" && specYAML11Special(n.value) {
		out.Style = yaml.DoubleQuotedStyle
	}
	return out
}

// specYAML11Base60 matches YAML 1.1 sexagesimal numbers such as 1:20.
var specYAML11Base60 = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

// specYAML11Special reports whether a YAML 1.1 reader, such as the Hub's,
// would read a plain scalar as something other than text: `no` as false,
// `1:20` as a number. Such strings are written quoted.
func specYAML11Special(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"on", "On", "ON", "off", "Off", "OFF":
		return true
	}
	// A sexagesimal number starts with a sign or a digit and holds a
	// colon: most text is told apart without the expression.
	if s == "" || (s[0] != '-' && s[0] != '+' && (s[0] < '0' || s[0] > '9')) || strings.IndexByte(s, ':') < 0 {
		return false
	}
	return specYAML11Base60.MatchString(s)
}

// ParseSpecStream reads specs written as JSON, one per line (NDJSON), and
// calls fn for each non-blank line with its 1-based line number and either
// the Card or the error (a *SpecError whose problems carry that line). A
// bad line does not stop the stream; an error returned by fn does, and is
// returned. Lines over MaxSpecSize bytes are reported and skipped.
func ParseSpecStream(r io.Reader, name string, fn func(line int, c *Card, err error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for line := 1; ; line++ {
		text, tooLong, err := readSpecLine(br)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read specs from %s at line %d: %w", name, line, err)
		}
		eof := err != nil
		switch {
		case tooLong:
			perr := newSpecError([]Problem{{File: name, Line: line, Severity: SeverityError, Code: "spec.too-large",
				Message: fmt.Sprintf("line %d is over the limit of %d bytes (8 MiB)", line, MaxSpecSize),
				Fix:     "keep long texts out of the spec and link to them instead"}}, ErrSpecTooLarge)
			if ferr := fn(line, nil, perr); ferr != nil {
				return ferr
			}
		case len(bytes.TrimSpace(text)) > 0:
			c, perr := parseStreamLine(text, name, line)
			if ferr := fn(line, c, perr); ferr != nil {
				return ferr
			}
		}
		if eof {
			return nil
		}
	}
}

// readSpecLine reads one line without its line break. A line over
// MaxSpecSize is read to its end, dropped, and reported as too long.
func readSpecLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > MaxSpecSize+2 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		buf = bytes.TrimSuffix(buf, []byte("\n"))
		buf = bytes.TrimSuffix(buf, []byte("\r"))
		if !tooLong && len(buf) > MaxSpecSize {
			tooLong, buf = true, nil
		}
		return buf, tooLong, err
	}
}

// parseStreamLine parses one NDJSON line, moving its problems onto the
// stream's line.
func parseStreamLine(text []byte, name string, line int) (*Card, error) {
	if !specLooksLikeJSON(text) {
		return nil, newSpecError([]Problem{{File: name, Line: line, Column: 1, Severity: SeverityError, Code: "spec.syntax",
			Message: fmt.Sprintf("line %d is not a JSON object", line),
			Fix:     "write each spec as one JSON object on one line, starting with {"}}, nil)
	}
	c, err := ParseSpec(text, name)
	if err != nil {
		var se *SpecError
		if errors.As(err, &se) {
			for i := range se.Problems {
				se.Problems[i].Line = line
			}
		}
		return nil, err
	}
	return c, nil
}

// ParseSpecs reads every spec of an NDJSON stream. It returns the Cards of
// the good lines, in order, and, when any line was bad, a *SpecError
// listing the problems of all bad lines.
func ParseSpecs(r io.Reader, name string) ([]*Card, error) {
	var (
		cards []*Card
		probs []Problem
		cause error
	)
	err := ParseSpecStream(r, name, func(_ int, c *Card, err error) error {
		if err == nil {
			cards = append(cards, c)
			return nil
		}
		var se *SpecError
		if !errors.As(err, &se) {
			return err
		}
		probs = append(probs, se.Problems...)
		if cause == nil {
			cause = se.Err
		}
		return nil
	})
	if err != nil {
		return cards, err
	}
	if len(probs) > 0 {
		return cards, newSpecError(probs, cause)
	}
	return cards, nil
}
