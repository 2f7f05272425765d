package evalimport

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A small JSON reader that keeps what encoding/json drops and these files
// need: the order of object keys (tasks are listed in the order the tool
// ran them), the position of every value (for file:line:column errors), and
// Python's NaN, Infinity and -Infinity, which Python's json module writes
// by default and W&B and lm-evaluation-harness files therefore contain.

// jkind is the type of a JSON value.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// String names the kind for messages.
func (k jkind) String() string {
	switch k {
	case jNull:
		return "null"
	case jBool:
		return "boolean"
	case jNumber:
		return "number"
	case jString:
		return "string"
	case jArray:
		return "list"
	}
	return "object"
}

// jnode is one JSON value.
type jnode struct {
	kind jkind
	// off is the byte offset where the value starts.
	off int
	// text is a string's value, or a number as written.
	text string
	// num is a number's value; NaN and infinities are allowed.
	num float64
	// b is a boolean's value.
	b bool
	// keys are an object's keys in order.
	keys []string
	// items are an array's items, or an object's values parallel to keys.
	items []*jnode
	// index maps keys to positions for larger objects.
	index map[string]int
}

// maxJSONDepth bounds nesting, and so the recursion.
const maxJSONDepth = 512

// get returns the value of an object's key, or nil.
func (n *jnode) get(key string) *jnode {
	if n == nil || n.kind != jObject {
		return nil
	}
	if n.index != nil {
		if i, ok := n.index[key]; ok {
			return n.items[i]
		}
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.items[i]
		}
	}
	return nil
}

// isNull reports a missing value or a JSON null.
func (n *jnode) isNull() bool { return n == nil || n.kind == jNull }

// isInteger reports whether a number is written as an integer.
func (n *jnode) isInteger() bool {
	return n.kind == jNumber && !strings.ContainsAny(n.text, ".eEIN")
}

// value returns a number as int64 when written as an integer that fits,
// float64 otherwise.
func (n *jnode) numberValue() any {
	if n.isInteger() {
		if i, err := strconv.ParseInt(n.text, 10, 64); err == nil {
			return i
		}
	}
	return n.num
}

// toAny converts a value to plain Go values: nil, bool, string, int64 or
// float64, []any, map[string]any.
func (n *jnode) toAny() any {
	switch n.kind {
	case jBool:
		return n.b
	case jNumber:
		return n.numberValue()
	case jString:
		return n.text
	case jArray:
		out := make([]any, len(n.items))
		for i, c := range n.items {
			out[i] = c.toAny()
		}
		return out
	case jObject:
		out := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			out[k] = n.items[i].toAny()
		}
		return out
	}
	return nil
}

// at follows a path of object keys (string) and array indexes (int); it
// returns the deepest value reached.
func (n *jnode) at(path []any) *jnode {
	for _, step := range path {
		var next *jnode
		switch s := step.(type) {
		case string:
			next = n.get(s)
		case int:
			if n.kind == jArray && s >= 0 && s < len(n.items) {
				next = n.items[s]
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

// parseJSON reads one JSON document.
func parseJSON(s *source) (*jnode, error) {
	p := &jparser{s: s, data: s.data}
	p.space()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.data) {
		return nil, p.errorf(p.pos, "unexpected %s after the end of the JSON value (a file holds one value; JSON Lines files are not read)", p.describe(p.pos))
	}
	return n, nil
}

// jparser is the state of parseJSON.
type jparser struct {
	s    *source
	data []byte
	pos  int
}

func (p *jparser) errorf(off int, format string, args ...any) error {
	return p.s.errAt(off, ErrSyntax, "", "malformed JSON: "+format, args...)
}

// describe names what is at an offset, for messages.
func (p *jparser) describe(off int) string {
	if off >= len(p.data) {
		return "end of file"
	}
	r, _ := utf8.DecodeRune(p.data[off:])
	return strconv.QuoteRune(r)
}

func (p *jparser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jparser) value(depth int) (*jnode, error) {
	if depth > maxJSONDepth {
		return nil, p.errorf(p.pos, "values are nested more than %d deep", maxJSONDepth)
	}
	if p.pos >= len(p.data) {
		return nil, p.errorf(p.pos, "unexpected end of file where a value was expected")
	}
	start := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		str, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jnode{kind: jString, off: start, text: str}, nil
	case c == '-' || c >= '0' && c <= '9' || c == 'N' || c == 'I':
		return p.number()
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]struct {
			word string
			n    jnode
		}{{"true", jnode{kind: jBool, b: true}}, {"false", jnode{kind: jBool}}, {"null", jnode{kind: jNull}}} {
			if p.hasWord(lit.word) {
				n := lit.n
				n.off = start
				p.pos += len(lit.word)
				return &n, nil
			}
		}
	}
	return nil, p.errorf(start, "unexpected %s where a value was expected (a string in double quotes, a number, true, false, null, an object or a list)", p.describe(start))
}

// hasWord reports whether a literal starts here and ends at a delimiter.
func (p *jparser) hasWord(w string) bool {
	end := p.pos + len(w)
	if end > len(p.data) || string(p.data[p.pos:end]) != w {
		return false
	}
	if end < len(p.data) {
		c := p.data[end]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			return false
		}
	}
	return true
}

func (p *jparser) object(depth int) (*jnode, error) {
	n := &jnode{kind: jObject, off: p.pos}
	p.pos++
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	seen := map[string]int{}
	for {
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.unclosed(n.off, "object", "}")
		}
		if p.data[p.pos] != '"' {
			return nil, p.errorf(p.pos, "unexpected %s where an object key was expected (keys are strings in double quotes; remove a trailing comma)", p.describe(p.pos))
		}
		keyOff := p.pos
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if first, dup := seen[key]; dup {
			line, _ := p.s.position(first)
			return nil, p.s.errAt(keyOff, ErrSyntax, "", "malformed JSON: the key %q appears twice in one object (first on line %d); keep one", key, line)
		}
		seen[key] = keyOff
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errorf(p.pos, "unexpected %s after the key %q where ':' was expected", p.describe(p.pos), key)
		}
		p.pos++
		p.space()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, key)
		n.items = append(n.items, v)
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.unclosed(n.off, "object", "}")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
			continue
		case '}':
			p.pos++
			if len(n.keys) > 16 {
				n.index = make(map[string]int, len(n.keys))
				for i, k := range n.keys {
					n.index[k] = i
				}
			}
			return n, nil
		}
		return nil, p.errorf(p.pos, "unexpected %s after the value of %q where ',' or '}' was expected (is a comma missing?)", p.describe(p.pos), key)
	}
}

func (p *jparser) array(depth int) (*jnode, error) {
	n := &jnode{kind: jArray, off: p.pos}
	p.pos++
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.unclosed(n.off, "list", "]")
		}
		if p.data[p.pos] == ']' {
			return nil, p.errorf(p.pos, "unexpected ']' after a comma (remove the trailing comma)")
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, v)
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.unclosed(n.off, "list", "]")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
			continue
		case ']':
			p.pos++
			return n, nil
		}
		return nil, p.errorf(p.pos, "unexpected %s in a list where ',' or ']' was expected (is a comma missing?)", p.describe(p.pos))
	}
}

// unclosed is the error of a file that ends inside an object or a list.
func (p *jparser) unclosed(open int, what, closer string) error {
	line, col := p.s.position(open)
	return p.errorf(len(p.data), "unexpected end of file inside the %s opened on line %d, column %d (add the missing %q; was the file cut short?)", what, line, col, closer)
}

// str reads a string at p.pos, which holds '"'.
func (p *jparser) str() (string, error) {
	start := p.pos
	p.pos++
	// Fast path: no escapes.
	for i := p.pos; i < len(p.data); i++ {
		c := p.data[i]
		if c == '"' {
			s := string(p.data[p.pos:i])
			p.pos = i + 1
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	var b strings.Builder
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", p.errorf(p.pos, "a control character (0x%02x) inside a string; write it escaped, such as \\n for a line break", c)
		case c == '\\':
			if p.pos+1 >= len(p.data) {
				return "", p.errorf(p.pos, "unexpected end of file inside a string")
			}
			e := p.data[p.pos+1]
			p.pos += 2
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", p.errorf(p.pos-2, "\\u must be followed by four hexadecimal digits")
				}
				if utf16.IsSurrogate(r) {
					save := p.pos
					if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
						p.pos += 2
						if r2, ok := p.hex4(); ok {
							if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
								b.WriteRune(d)
								continue
							}
						}
					}
					p.pos = save
					r = utf8.RuneError
				}
				b.WriteRune(r)
			default:
				return "", p.errorf(p.pos-2, "unknown escape \\%c inside a string (write a backslash as \\\\)", e)
			}
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	line, col := p.s.position(start)
	return "", p.errorf(len(p.data), "unexpected end of file inside the string opened on line %d, column %d (add the closing '\"')", line, col)
}

// hex4 reads four hexadecimal digits.
func (p *jparser) hex4() (rune, bool) {
	if p.pos+4 > len(p.data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(v), true
}

// number reads a JSON number, or Python's NaN, Infinity, -Infinity.
func (p *jparser) number() (*jnode, error) {
	start := p.pos
	for _, lit := range [...]struct {
		word string
		v    float64
	}{{"NaN", math.NaN()}, {"Infinity", math.Inf(1)}, {"-Infinity", math.Inf(-1)}} {
		if p.hasWord(lit.word) {
			p.pos += len(lit.word)
			return &jnode{kind: jNumber, off: start, text: lit.word, num: lit.v}, nil
		}
	}
	i := p.pos
	if i < len(p.data) && p.data[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(p.data) && p.data[i] >= '0' && p.data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	intStart := i
	if digits() == 0 {
		return nil, p.errorf(start, "unexpected %s where a value was expected", p.describe(start))
	}
	if p.data[intStart] == '0' && i-intStart > 1 {
		return nil, p.errorf(start, "a number must not start with 0 (write %s)", strings.TrimLeft(string(p.data[intStart:i]), "0"))
	}
	if i < len(p.data) && p.data[i] == '.' {
		i++
		if digits() == 0 {
			return nil, p.errorf(i, "a digit must follow the decimal point")
		}
	}
	if i < len(p.data) && (p.data[i] == 'e' || p.data[i] == 'E') {
		i++
		if i < len(p.data) && (p.data[i] == '+' || p.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			return nil, p.errorf(i, "a digit must follow the exponent")
		}
	}
	text := string(p.data[start:i])
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return nil, p.errorf(start, "%q is not a number", text)
	}
	if math.IsInf(f, 0) {
		return nil, p.errorf(start, "the number %s is too large", text)
	}
	p.pos = i
	return &jnode{kind: jNumber, off: start, text: text, num: f}, nil
}

// path renders a path of keys for messages: results.hellaswag["acc,none"].
func jsonPath(parts ...string) string {
	var b strings.Builder
	for i, k := range parts {
		if plainKey(k) {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(k)
		} else {
			fmt.Fprintf(&b, "[%q]", k)
		}
	}
	return b.String()
}

// plainKey reports a key that needs no quoting in a path.
func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
