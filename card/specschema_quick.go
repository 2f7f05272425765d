package card

import "fmt"

// quickSchema is a spec schema form compiled for a quick check that a spec
// tree is valid, without building its JSON instance and without the
// schema library: for the specs that pass, nearly all of them, that is
// most of a spec's parse. The check is one-sided. accepts answers true
// only for a tree that the library also accepts; false means "not known
// here", and the library then validates the tree and words its problems.
//
// It knows the keywords the spec schema uses: type, properties,
// additionalProperties, required, items, anyOf, allOf, $ref to $defs,
// const and enum of strings. A subschema with any other keyword (if, not,
// pattern, minimum, ...) never accepts, so a schema edit that uses one
// cannot make the check wrong, only slower; a test holds the examples to
// the quick path.
type quickSchema struct {
	// unsupported: the subschema holds a keyword the check does not know,
	// or is the schema false.
	unsupported bool
	// types is the set of JSON types allowed; 0 allows every type.
	types quickTypes
	// props are the schemas of named properties.
	props map[string]*quickSchema
	// closed: no property outside props is allowed (additionalProperties
	// false). Else additional, when not nil, checks the others.
	closed     bool
	additional *quickSchema
	required   []string
	items      *quickSchema
	anyOf      []*quickSchema
	allOf      []*quickSchema
	// strs holds the allowed strings of const or enum when hasStrs.
	strs    []string
	hasStrs bool
}

// quickTypes is a set of JSON types.
type quickTypes uint8

const (
	quickNull quickTypes = 1 << iota
	quickBool
	quickNumber
	quickString
	quickArray
	quickObject
)

// quickTypeNames maps the schema's type names to quickTypes. "integer" is
// not there: the spec schema does not use it, and a type list that names
// it makes the subschema unsupported.
var quickTypeNames = map[string]quickTypes{
	"null": quickNull, "boolean": quickBool, "number": quickNumber,
	"string": quickString, "array": quickArray, "object": quickObject,
}

// quickIgnored are the keywords that do not constrain an instance.
var quickIgnored = map[string]bool{
	"$schema": true, "$id": true, "$comment": true, "$defs": true,
	"title": true, "description": true, "examples": true, "default": true,
}

// compileQuickSchema compiles a schema document (decoded JSON) for the
// quick check. Only a malformed reference is an error; keywords it does
// not know make their subschema unsupported.
func compileQuickSchema(doc map[string]any) (*quickSchema, error) {
	c := quickCompiler{doc: doc, defs: map[string]*quickSchema{}}
	return c.compile(doc)
}

// quickCompiler compiles one document; defs memoises its definitions so
// that references share one compiled schema (and may recurse).
type quickCompiler struct {
	doc  map[string]any
	defs map[string]*quickSchema
}

func (c *quickCompiler) compile(v any) (*quickSchema, error) {
	switch s := v.(type) {
	case bool:
		if s {
			return &quickSchema{}, nil
		}
		return &quickSchema{unsupported: true}, nil
	case map[string]any:
		q := &quickSchema{}
		return q, c.fill(q, s)
	}
	return nil, fmt.Errorf("quick schema: a schema is a %T, want an object or a boolean", v)
}

// fill compiles the keywords of s into q.
func (c *quickCompiler) fill(q *quickSchema, s map[string]any) error {
	for key, v := range s {
		var err error
		switch key {
		case "type":
			var typeErr error
			if q.types, typeErr = quickTypeSet(v); typeErr != nil {
				q.unsupported = true
			}
		case "properties":
			props, ok := v.(map[string]any)
			if !ok {
				return fmt.Errorf("quick schema: properties is a %T", v)
			}
			q.props = make(map[string]*quickSchema, len(props))
			for name, ps := range props {
				if q.props[name], err = c.compile(ps); err != nil {
					return err
				}
			}
		case "additionalProperties":
			if b, ok := v.(bool); ok && !b {
				q.closed = true
				break
			}
			q.additional, err = c.compile(v)
		case "required":
			list, ok := v.([]any)
			if !ok {
				return fmt.Errorf("quick schema: required is a %T", v)
			}
			for _, r := range list {
				name, ok := r.(string)
				if !ok {
					return fmt.Errorf("quick schema: a required name is a %T", r)
				}
				q.required = append(q.required, name)
			}
		case "items":
			q.items, err = c.compile(v)
		case "anyOf", "allOf":
			list, ok := v.([]any)
			if !ok {
				return fmt.Errorf("quick schema: %s is a %T", key, v)
			}
			subs := make([]*quickSchema, len(list))
			for i, sub := range list {
				if subs[i], err = c.compile(sub); err != nil {
					return err
				}
			}
			if key == "anyOf" {
				q.anyOf = subs
			} else {
				q.allOf = append(q.allOf, subs...)
			}
		case "$ref":
			var ref *quickSchema
			if ref, err = c.ref(v); err == nil {
				q.allOf = append(q.allOf, ref)
			}
		case "const":
			str, ok := v.(string)
			if !ok || q.hasStrs {
				q.unsupported = true
				break
			}
			q.strs, q.hasStrs = append(q.strs, str), true
		case "enum":
			list, _ := v.([]any)
			if q.hasStrs {
				// Both const and enum: each must hold.
				q.unsupported = true
			}
			for _, e := range list {
				str, ok := e.(string)
				if !ok {
					q.unsupported = true
					break
				}
				q.strs = append(q.strs, str)
			}
			q.hasStrs = true
		default:
			if !quickIgnored[key] {
				q.unsupported = true
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// quickTypeSet reads a type keyword.
func quickTypeSet(v any) (quickTypes, error) {
	names, isList := v.([]any)
	if !isList {
		names = []any{v}
	}
	var set quickTypes
	for _, n := range names {
		name, _ := n.(string)
		t, ok := quickTypeNames[name]
		if !ok {
			return 0, fmt.Errorf("quick schema: type %v not known here", n)
		}
		set |= t
	}
	return set, nil
}

// ref compiles the target of a reference to one of the document's $defs.
func (c *quickCompiler) ref(v any) (*quickSchema, error) {
	ref, _ := v.(string)
	const prefix = "#/$defs/"
	if len(ref) <= len(prefix) || ref[:len(prefix)] != prefix {
		return &quickSchema{unsupported: true}, nil
	}
	name := ref[len(prefix):]
	if q, ok := c.defs[name]; ok {
		return q, nil
	}
	defs, _ := c.doc["$defs"].(map[string]any)
	def, ok := defs[name]
	if !ok {
		return nil, fmt.Errorf("quick schema: reference %q has no definition", ref)
	}
	body, ok := def.(map[string]any)
	if !ok {
		return c.compile(def)
	}
	// Registered before its body compiles, so a recursive reference finds it.
	q := &quickSchema{}
	c.defs[name] = q
	return q, c.fill(q, body)
}

// accepts reports whether the schema certainly accepts the tree; see
// quickSchema. The tree holds at most maxSpecDepth levels, which bounds
// the recursion.
func (q *quickSchema) accepts(n *specNode) bool {
	if q.unsupported || n == nil {
		return false
	}
	if q.types != 0 && !q.types.has(n) {
		return false
	}
	if q.hasStrs && !q.matchesString(n) {
		return false
	}
	switch n.kind {
	case specMap:
		for _, r := range q.required {
			if _, v := n.get(r); v == nil {
				return false
			}
		}
		for i, k := range n.keys {
			sub, named := q.props[k.value]
			switch {
			case named:
			case q.closed:
				return false
			case q.additional != nil:
				sub = q.additional
			default:
				continue
			}
			if !sub.accepts(n.items[i]) {
				return false
			}
		}
	case specSeq:
		if q.items != nil {
			for _, item := range n.items {
				if !q.items.accepts(item) {
					return false
				}
			}
		}
	}
	for _, sub := range q.allOf {
		if !sub.accepts(n) {
			return false
		}
	}
	if len(q.anyOf) > 0 {
		for _, sub := range q.anyOf {
			if sub.accepts(n) {
				return true
			}
		}
		return false
	}
	return true
}

// has reports whether the JSON type of the node's instance (see
// specNode.instance) is in the set.
func (t quickTypes) has(n *specNode) bool {
	switch n.kind {
	case specMap:
		return t&quickObject != 0
	case specSeq:
		return t&quickArray != 0
	}
	switch n.tag {
	case "!!null":
		return t&quickNull != 0
	case "!!bool":
		return t&quickBool != 0
	case "!!int", "!!float":
		if t&(quickNumber|quickString) == quickNumber|quickString {
			// A number, or the text of one that does not parse: either way.
			return true
		}
		_, isNumber := n.number()
		if isNumber {
			return t&quickNumber != 0
		}
	}
	return t&quickString != 0
}

// matchesString reports whether the node's instance is a string among the
// allowed ones.
func (q *quickSchema) matchesString(n *specNode) bool {
	if n.kind != specScalar || !quickString.has(n) {
		return false
	}
	for _, s := range q.strs {
		if n.value == s {
			return true
		}
	}
	return false
}
