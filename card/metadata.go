package card

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Metadata is a card's Hub metadata: the YAML block, kept as a document tree
// so that key order and unknown keys survive, with the original text kept
// for a byte-exact round trip while nothing is changed.
//
// Scalars follow YAML 1.2: `language: no` is the string "no" (Norwegian), not
// false.
type Metadata struct {
	// root is the mapping node of the block; nil for an empty block.
	root *yaml.Node
	// raw is the YAML text as read; valid while dirty is false.
	raw string
	// firstLine is the file line on which raw starts.
	firstLine int
	// dirty is set once the tree has been changed.
	dirty bool
	// docHead and docFoot are the block's own comments, apart from any
	// key's: one at the top that a blank line parts from the first key,
	// one at the end. Encode writes them back.
	docHead, docFoot string
	// modelIndexIssues memoises CheckModelIndex of the model-index while
	// the tree is unchanged; modelIndexChecked says it is set.
	modelIndexIssues  []ModelIndexIssue
	modelIndexChecked bool
}

// NewMetadata returns empty metadata.
func NewMetadata() *Metadata {
	return &Metadata{firstLine: 1, dirty: true}
}

// YAMLError is a YAML block that does not parse, is not a mapping, or
// cannot be read for another reason, such as aliases that expand too far.
type YAMLError struct {
	// Line is the 1-based line of the file where the problem is, or 0.
	Line int
	// Column is the 1-based column of that line, or 0 when not known.
	Column int
	// Msg says what is wrong.
	Msg string
	// Code is the Problem code of a block that parses but cannot be read
	// (such as "yaml.alias-expansion"), and "" for a syntax error.
	Code string
	// Fix says how to fix it, when Code is set.
	Fix string
}

// Error implements error.
func (e *YAMLError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// ParseMetadata parses a YAML block. firstLine is the file line on which
// text starts, so that errors and Line give file lines. A block that does
// not parse, or whose aliases expand too far, gives a *YAMLError.
func ParseMetadata(text string, firstLine int) (*Metadata, error) {
	return parseMetadata(text, firstLine, nil)
}

// parseMetadata is ParseMetadata with the memory of an arena (nil for
// none) for the fast parser's tree.
func parseMetadata(text string, firstLine int, arena *fastYAMLArena) (*Metadata, error) {
	m := &Metadata{raw: text, firstLine: firstLine}
	var doc yaml.Node
	// The fast parser gives the decoder's tree for the plain YAML most
	// blocks use and declines the rest, errors included.
	if fast, ok := fastParseYAML(text, arena); ok {
		doc = *fast
	} else if err := yaml.NewDecoder(strings.NewReader(text)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		return m, yamlErrorFrom(err, firstLine)
	}
	if len(doc.Content) == 0 {
		return m, nil
	}
	root := doc.Content[0]
	m.docHead, m.docFoot = doc.HeadComment, doc.FootComment
	switch {
	case root.Kind == yaml.ScalarNode && root.Tag == "!!null":
		return m, nil
	case root.Kind != yaml.MappingNode:
		return m, &YAMLError{Line: firstLine + root.Line - 1,
			Msg: "the metadata block must be a mapping of keys to values (key: value), not a " + kindName(root)}
	}
	aliased := false
	if err := checkDuplicateKeys(root, firstLine, 0, &aliased); err != nil {
		return m, err
	}
	// A tree without aliases is as big as its text; one with aliases may
	// stand for far more than any walker of it can go through.
	if aliased {
		if err := checkAliasExpansion(root, firstLine); err != nil {
			return m, err
		}
	}
	m.root = root
	return m, nil
}

// smallMappingKeys is the most keys of a mapping whose duplicates are
// found by looking back through its keys rather than through a map: most
// mappings (a model-index result's metric, say) have a handful.
const smallMappingKeys = 8

// firstDuplicateKey returns the first key of a mapping's content (keys and
// values in turn) that an earlier key has already defined, and that
// earlier key; nil when none. Keys that are not scalars, and merge keys,
// are not compared.
func firstDuplicateKey(content []*yaml.Node) (dup, prev *yaml.Node) {
	keyComparable := func(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode && k.Tag != "!!merge" }
	if len(content)/2 <= smallMappingKeys {
		for i := 2; i+1 < len(content); i += 2 {
			k := content[i]
			if !keyComparable(k) {
				continue
			}
			for j := 0; j < i; j += 2 {
				if p := content[j]; keyComparable(p) && p.Value == k.Value {
					return k, p
				}
			}
		}
		return nil, nil
	}
	seen := make(map[string]*yaml.Node, len(content)/2)
	for i := 0; i+1 < len(content); i += 2 {
		k := content[i]
		if !keyComparable(k) {
			continue
		}
		if p, ok := seen[k.Value]; ok {
			return k, p
		}
		seen[k.Value] = k
	}
	return nil, nil
}

// maxYAMLDepth bounds the nesting checked for duplicate keys, and so the
// recursion.
const maxYAMLDepth = 200

// checkDuplicateKeys reports the first mapping that defines a key twice, as
// the YAML decoder would when decoding it, without decoding the tree. It
// sets *aliased when the tree may hold an alias: it meets one, or a key
// that is a list or mapping (keys are not walked). It does not follow
// aliases.
func checkDuplicateKeys(n *yaml.Node, firstLine, depth int, aliased *bool) error {
	if depth > maxYAMLDepth {
		return &YAMLError{Line: firstLine + n.Line - 1, Msg: fmt.Sprintf("nesting deeper than %d levels", maxYAMLDepth)}
	}
	switch n.Kind {
	case yaml.MappingNode:
		if k, prev := firstDuplicateKey(n.Content); k != nil {
			return &YAMLError{Line: firstLine + k.Line - 1,
				Msg: fmt.Sprintf("key %q is already defined on line %d; keep one of the two", k.Value, firstLine+prev.Line-1)}
		}
		for i := 1; i < len(n.Content); i += 2 {
			if n.Content[i-1].Kind != yaml.ScalarNode {
				// An alias, or a list or mapping as a key, which may
				// hold aliases: keys are not walked here.
				*aliased = true
			}
			if err := checkDuplicateKeys(n.Content[i], firstLine, depth+1, aliased); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if err := checkDuplicateKeys(c, firstLine, depth+1, aliased); err != nil {
				return err
			}
		}
	case yaml.AliasNode:
		*aliased = true
	}
	return nil
}

// yamlErrorFrom turns a YAML library error into a YAMLError with file lines.
func yamlErrorFrom(err error, firstLine int) *YAMLError {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = strings.Join(te.Errors, "; ")
	}
	// Messages read "line N: ..." with N relative to the block.
	var n int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &n); scanErr == nil {
		line = firstLine + n - 1
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	msg = relineMessage(msg, firstLine)
	return &YAMLError{Line: line, Msg: msg}
}

// relineMessage rewrites "line N" mentions inside a message to file lines.
func relineMessage(msg string, firstLine int) string {
	const word = "line "
	var b strings.Builder
	for {
		i := strings.Index(msg, word)
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		b.WriteString(msg[:i+len(word)])
		msg = msg[i+len(word):]
		j := 0
		for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
			j++
		}
		if j == 0 {
			continue
		}
		var n int
		fmt.Sscanf(msg[:j], "%d", &n)
		fmt.Fprintf(&b, "%d", firstLine+n-1)
		msg = msg[j:]
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "single value"
	case yaml.AliasNode:
		return "alias"
	default:
		return "document"
	}
}

// Len returns the number of top-level keys.
func (m *Metadata) Len() int {
	if m == nil || m.root == nil {
		return 0
	}
	return len(m.root.Content) / 2
}

// Keys returns the top-level keys in their order.
func (m *Metadata) Keys() []string {
	if m == nil || m.root == nil {
		return nil
	}
	keys := make([]string, 0, len(m.root.Content)/2)
	for i := 0; i+1 < len(m.root.Content); i += 2 {
		keys = append(keys, m.root.Content[i].Value)
	}
	return keys
}

// node returns the value node of a top-level key.
func (m *Metadata) node(key string) (keyNode, valueNode *yaml.Node) {
	if m == nil || m.root == nil {
		return nil, nil
	}
	for i := 0; i+1 < len(m.root.Content); i += 2 {
		if m.root.Content[i].Value == key {
			return m.root.Content[i], resolveAlias(m.root.Content[i+1])
		}
	}
	return nil, nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// Has reports whether the key is present (even with a null value).
func (m *Metadata) Has(key string) bool {
	_, v := m.node(key)
	return v != nil
}

// IsNull reports whether the key is absent or its value is null.
func (m *Metadata) IsNull(key string) bool {
	_, v := m.node(key)
	return v == nil || (v.Kind == yaml.ScalarNode && v.Tag == "!!null")
}

// Line returns the file line of a top-level key, or 0 when it is absent.
func (m *Metadata) Line(key string) int {
	k, _ := m.node(key)
	if k == nil {
		return 0
	}
	return m.fileLine(k)
}

func (m *Metadata) fileLine(n *yaml.Node) int {
	if n.Line == 0 {
		return 0
	}
	return m.firstLine + n.Line - 1
}

// Value decodes the value of a key into plain Go values (string, int,
// float64, bool, nil, []any, map[string]any).
func (m *Metadata) Value(key string) (any, bool) {
	_, v := m.node(key)
	if v == nil {
		return nil, false
	}
	out, err := nodeValue(v)
	if err != nil {
		return nil, false
	}
	return out, true
}

// nodeValue decodes a metadata value as Value does, saying why when the
// YAML decoder cannot.
func nodeValue(v *yaml.Node) (any, error) {
	if fast, ok := nodeToAny(v, 0); ok {
		return fast, nil
	}
	return decodeNode(v)
}

// nodeToAny converts a tree of plain mappings, lists and simple scalars
// to Go values without the decoder's reflection, giving the values the
// decoder gives. Aliases are followed: each gives a fresh copy of the value
// it refers to, as with the decoder. It returns false for anything else
// (merge keys, non-string keys, tags it does not handle, numbers in other
// bases), and the caller falls back to the decoder. The tree must be one
// parseMetadata accepted, whose aliases expand to a bounded tree.
func nodeToAny(n *yaml.Node, depth int) (any, bool) {
	if depth > maxYAMLDepth {
		return nil, false
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil || n.Alias.Kind == yaml.AliasNode {
			return nil, false
		}
		return nodeToAny(n.Alias, depth)
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return n.Value, true
		case "!!null":
			return nil, true
		case "!!bool":
			switch n.Value {
			case "true", "True", "TRUE":
				return true, true
			case "false", "False", "FALSE":
				return false, true
			}
		case "!!int":
			digits := strings.TrimPrefix(n.Value, "-")
			if i, err := strconv.ParseInt(n.Value, 10, 64); err == nil && digits != "" && digits[0] != '+' && (len(digits) == 1 || digits[0] != '0') {
				if i == int64(int(i)) {
					return int(i), true
				}
				return i, true
			}
		case "!!float":
			if strings.IndexFunc(n.Value, func(r rune) bool {
				return (r < '0' || r > '9') && r != '.' && r != '-' && r != 'e' && r != 'E' && r != '+'
			}) < 0 {
				if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
					return f, true
				}
			}
		}
		return nil, false
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, ok := nodeToAny(c, depth+1)
			if !ok {
				return nil, false
			}
			out[i] = v
		}
		return out, true
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Tag != "!!str" {
				return nil, false
			}
			v, ok := nodeToAny(n.Content[i+1], depth+1)
			if !ok {
				return nil, false
			}
			out[k.Value] = v
		}
		return out, true
	}
	return nil, false
}

// String returns the value of a key when it is a scalar, as written.
func (m *Metadata) String(key string) string {
	_, v := m.node(key)
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return ""
	}
	return v.Value
}

// Strings returns the value of a key as a list of strings: a scalar gives a
// list of one, a sequence of scalars gives its items, anything else nil.
func (m *Metadata) Strings(key string) []string {
	_, v := m.node(key)
	if v == nil {
		return nil
	}
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return nil
		}
		return []string{v.Value}
	case yaml.SequenceNode:
		out := make([]string, 0, len(v.Content))
		for _, item := range v.Content {
			item = resolveAlias(item)
			if item.Kind == yaml.ScalarNode && item.Tag != "!!null" {
				out = append(out, item.Value)
			}
		}
		return out
	}
	return nil
}

// Kind describes the YAML shape of a key's value: "string", "int", "float",
// "bool", "null", "list", "mapping", or "" when absent.
func (m *Metadata) Kind(key string) string {
	_, v := m.node(key)
	return nodeShape(v)
}

func nodeShape(v *yaml.Node) string {
	if v == nil {
		return ""
	}
	switch v.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	case yaml.ScalarNode:
		switch v.Tag {
		case "!!null":
			return "null"
		case "!!bool":
			return "bool"
		case "!!int":
			return "int"
		case "!!float":
			return "float"
		default:
			return "string"
		}
	}
	return "unknown"
}

// ItemLines returns, for a list value, the file line of each item.
func (m *Metadata) ItemLines(key string) []int {
	_, v := m.node(key)
	if v == nil || v.Kind != yaml.SequenceNode {
		return nil
	}
	lines := make([]int, len(v.Content))
	for i, item := range v.Content {
		lines[i] = m.fileLine(item)
	}
	return lines
}

// Map decodes the whole block into a map.
func (m *Metadata) Map() map[string]any {
	out := map[string]any{}
	for _, k := range m.Keys() {
		v, _ := m.Value(k)
		out[k] = v
	}
	return out
}

// Set sets a key to a value, keeping its place when the key exists and
// appending it otherwise. A nil value removes the key.
func (m *Metadata) Set(key string, value any) error {
	if value == nil {
		m.Delete(key)
		return nil
	}
	var v yaml.Node
	if err := v.Encode(keepFloats(value)); err != nil {
		return fmt.Errorf("metadata key %q: %w", key, err)
	}
	clearStyle(&v)
	if m.root == nil {
		m.root = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	m.dirty = true
	m.modelIndexChecked = false
	for i := 0; i+1 < len(m.root.Content); i += 2 {
		if m.root.Content[i].Value == key {
			m.root.Content[i+1] = &v
			return nil
		}
	}
	m.root.Content = append(m.root.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, &v)
	return nil
}

// clearStyle makes encoded values use block style, the Hub's usual layout.
func clearStyle(n *yaml.Node) {
	n.Style &^= yaml.FlowStyle
	for _, c := range n.Content {
		clearStyle(c)
	}
}

// yamlFloat is a float that encodes with a decimal point even when whole:
// the YAML encoder writes float64(90) as "90", which reads back as an
// integer and so changes a metric's type.
type yamlFloat float64

// MarshalYAML implements yaml.Marshaler.
func (f yamlFloat) MarshalYAML() (any, error) {
	var text string
	switch v := float64(f); {
	case math.IsNaN(v):
		text = ".nan"
	case math.IsInf(v, 1):
		text = ".inf"
	case math.IsInf(v, -1):
		text = "-.inf"
	default:
		text = strconv.FormatFloat(v, 'g', -1, 64)
		if !strings.ContainsAny(text, ".eE") {
			text += ".0"
		}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: text}, nil
}

// keepFloats returns v with every float in maps and lists wrapped so that
// it encodes as a float. Other values are returned as they are.
func keepFloats(v any) any {
	switch t := v.(type) {
	case float64:
		return yamlFloat(t)
	case float32:
		return yamlFloat(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = keepFloats(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = keepFloats(x)
		}
		return out
	}
	return v
}

// Delete removes a key.
func (m *Metadata) Delete(key string) {
	if m == nil || m.root == nil {
		return
	}
	for i := 0; i+1 < len(m.root.Content); i += 2 {
		if m.root.Content[i].Value == key {
			m.root.Content = append(m.root.Content[:i], m.root.Content[i+2:]...)
			m.dirty = true
			m.modelIndexChecked = false
			return
		}
	}
}

// Changed reports whether the metadata differs from the text it was read
// from.
func (m *Metadata) Changed() bool { return m == nil || m.dirty }

// Raw returns the YAML text as read, and false once the metadata has been
// changed.
func (m *Metadata) Raw() (string, bool) {
	if m == nil || m.dirty {
		return "", false
	}
	return m.raw, true
}

// Encode returns the YAML text of the block: the original text when
// nothing changed, a fresh encoding in key order otherwise. It has no
// trailing line break.
func (m *Metadata) Encode() (string, error) {
	if raw, ok := m.Raw(); ok {
		return raw, nil
	}
	if m.Len() == 0 {
		return "", nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	var node any = m.root
	if m.docHead != "" || m.docFoot != "" {
		node = &yaml.Node{Kind: yaml.DocumentNode, HeadComment: m.docHead, FootComment: m.docFoot, Content: []*yaml.Node{m.root}}
	}
	if err := enc.Encode(node); err != nil {
		return "", fmt.Errorf("encode metadata: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("encode metadata: %w", err)
	}
	return strings.TrimRight(buf.String(), "\n"), nil
}

// normalise turns the YAML decoder's map[any]any, if any, into
// map[string]any so that values compare and encode as JSON.
func normalise(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = normalise(x)
		}
		return t
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[fmt.Sprint(k)] = normalise(x)
		}
		return out
	case []any:
		for i, x := range t {
			t[i] = normalise(x)
		}
		return t
	}
	return v
}

// ScalarAt returns the scalar at a path below the top level (string
// elements are keys, int elements list indexes), or "" when there is none.
func (m *Metadata) ScalarAt(path []any) string {
	n := m.nodeAt(path)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// nodeAt returns the node at a path, or nil when the path leaves the tree.
func (m *Metadata) nodeAt(path []any) *yaml.Node {
	n, found := m.walkPath(path)
	if !found {
		return nil
	}
	return n
}

// walkPath follows a path from the top level (string elements are mapping
// keys, int elements list indexes) and returns the deepest node reached,
// and whether the whole path was found. It returns nil for empty metadata.
func (m *Metadata) walkPath(path []any) (*yaml.Node, bool) {
	if m == nil || m.root == nil {
		return nil, false
	}
	n := m.root
	for _, step := range path {
		n = resolveAlias(n)
		var next *yaml.Node
		switch s := step.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == s {
						next = n.Content[i+1]
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && s >= 0 && s < len(n.Content) {
				next = n.Content[s]
			}
		}
		if next == nil {
			return n, false
		}
		n = next
	}
	return resolveAlias(n), true
}

// Position returns the file line and column of the value at a path below
// the top level: string elements are mapping keys, int elements are list
// indexes. Where the path leaves the tree, the position of the deepest node
// reached is returned; 0, 0 when not even the first key exists.
func (m *Metadata) Position(path []any) (line, column int) {
	n, _ := m.walkPath(path)
	if n == nil || n == m.root || len(path) == 0 {
		return 0, 0
	}
	return m.fileLine(n), n.Column
}

// WalkScalars calls fn for every scalar below a top-level key, with the
// mapping keys on the way to it (list indexes are not part of the path).
// It does not decode the tree, so it is cheap on large values.
func (m *Metadata) WalkScalars(key string, fn func(keys []string, value string)) {
	_, v := m.node(key)
	if v == nil {
		return
	}
	var path [16]string
	walkScalars(v, path[:0], fn, 0)
}

func walkScalars(n *yaml.Node, path []string, fn func([]string, string), depth int) {
	if n == nil || depth > maxYAMLDepth {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag != "!!null" {
			fn(path, n.Value)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			walkScalars(c, path, fn, depth+1)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkScalars(n.Content[i+1], append(path, n.Content[i].Value), fn, depth+1)
		}
	case yaml.AliasNode:
		// An alias is not a level of its own: the value it refers to
		// stands in its place, as when the tree's depth was checked.
		// Its target is never an alias, nor a value holding it.
		walkScalars(n.Alias, path, fn, depth)
	}
}

// ModelIndexIssues returns CheckModelIndex of the metadata's model-index,
// or nil when there is none. It is computed once and kept while the
// metadata is unchanged, as both validation and scoring ask for it. The
// caller must not modify the result.
func (m *Metadata) ModelIndexIssues() []ModelIndexIssue {
	if m == nil {
		return nil
	}
	if !m.modelIndexChecked {
		m.modelIndexIssues = nil
		if _, node := m.node("model-index"); node != nil && !modelIndexClean(node) {
			v, err := nodeValue(node)
			switch {
			case err != nil:
				// Not to be passed over: the model-index would be
				// taken for valid. The decoder's words name Go types.
				m.modelIndexIssues = []ModelIndexIssue{{Field: renderModelIndexPath(nil), Code: IssueWrongType,
					Message: "the model-index cannot be read as lists, mappings and values: a key in it is a list or mapping, or a value has a tag (!!name) that does not fit it",
					Fix:     "write it with plain text keys and untagged values, as: - name: <model name> followed by results: [...]"}}
			case v != nil:
				m.modelIndexIssues = CheckModelIndex(v)
			}
		}
		m.modelIndexChecked = true
	}
	return m.modelIndexIssues
}
