package card

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// specSchemaJSON is the JSON Schema of the spec file; it doubles as the
// spec's reference documentation.
//
//go:embed schema/spec.schema.json
var specSchemaJSON []byte

// specSchemaURL is the schema's $id.
const specSchemaURL = "https://github.com/terragonlabs/modelcard-generator/card/schema/spec.schema.json"

// SpecSchema returns the JSON Schema (draft 2020-12) that specs are
// validated against. Every property has a description, so the schema is
// also the reference of the spec format. The caller owns the returned
// slice.
func SpecSchema() []byte { return bytes.Clone(specSchemaJSON) }

// specSchema is the compiled schema with its decoded document, used to find
// the allowed keys and descriptions behind a validation error.
type specSchema struct {
	schema *jsonschema.Schema
	doc    map[string]any
	// quick accepts most valid specs without the library (see
	// quickSchema).
	quick *quickSchema
}

// specSchemas is the spec schema compiled in the forms a spec is checked
// against. The schema's family rules check the specifics of a spec that
// names a family, behind a guard; a validator runs every rule's condition
// for such a spec. So that a spec meets only the rule that applies to it,
// the schema is also compiled without the rules (base, for a spec that
// does not give both a known family and specifics) and with the one rule of
// each family (byFamily). They check a spec as the whole schema does,
// which a test holds.
type specSchemas struct {
	base     *specSchema
	byFamily map[FamilyID]*specSchema
}

// forSpec returns the compiled schema that checks root.
func (s *specSchemas) forSpec(root *specNode) *specSchema {
	fv := root.val("family")
	if fv == nil || root.val("specifics") == nil || !specKnownFamily(fv) {
		return s.base
	}
	// Every known family has its form.
	return s.byFamily[FamilyID(fv.value)]
}

// compileSpecSchema compiles the embedded schema with c under id, changed
// by edit first when edit is not nil.
func compileSpecSchema(c *jsonschema.Compiler, id string, edit func(doc map[string]any)) (*specSchema, error) {
	var doc map[string]any
	if err := json.Unmarshal(specSchemaJSON, &doc); err != nil {
		return nil, fmt.Errorf("embedded spec schema: %w", err)
	}
	data := specSchemaJSON
	if edit != nil {
		doc["$id"] = id
		edit(doc)
		var err error
		if data, err = json.Marshal(doc); err != nil {
			return nil, fmt.Errorf("embedded spec schema: %w", err)
		}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("embedded spec schema: %w", err)
	}
	if err := c.AddResource(id, inst); err != nil {
		return nil, fmt.Errorf("embedded spec schema %s: %w", id, err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		return nil, fmt.Errorf("embedded spec schema %s: %w", id, err)
	}
	quick, err := compileQuickSchema(doc)
	if err != nil {
		return nil, fmt.Errorf("embedded spec schema %s: %w", id, err)
	}
	return &specSchema{schema: sch, doc: doc, quick: quick}, nil
}

// newSpecSchemaCompiler returns a compiler for the spec schema's draft.
func newSpecSchemaCompiler() *jsonschema.Compiler {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	return c
}

// loadSpecSchema compiles the embedded schema, in each of its forms, once.
var loadSpecSchema = sync.OnceValues(func() (*specSchemas, error) {
	c := newSpecSchemaCompiler()
	compile := func(id string, edit func(doc map[string]any)) (*specSchema, error) {
		return compileSpecSchema(c, id, edit)
	}
	withoutRules := func(doc map[string]any) {
		delete(doc, "if")
		delete(doc, "then")
		inlineTextRefs(doc)
	}
	base, err := compile(specSchemaURL+"?rules=none", withoutRules)
	if err != nil {
		return nil, err
	}
	out := &specSchemas{base: base, byFamily: map[FamilyID]*specSchema{}}
	for _, f := range Families() {
		rule := map[string]any{"properties": map[string]any{
			"specifics": map[string]any{"$ref": "#/$defs/specifics_" + string(f.ID)},
		}}
		v, err := compile(specSchemaURL+"?rules="+url.QueryEscape(string(f.ID)), func(doc map[string]any) {
			withoutRules(doc)
			doc["allOf"] = []any{rule}
		})
		if err != nil {
			return nil, err
		}
		out.byFamily[f.ID] = v
	}
	return out, nil
})

// inlinedText marks (as a $comment, which validators ignore) a schema that
// inlineTextRefs put in place of a reference to $defs/text, so that its
// problems are worded as those of text.
const inlinedText = "inlined from #/$defs/text"

// inlineTextRefs replaces, in a schema document, every reference to
// $defs/text that sits beside nothing but a description by the definition's
// type: the same check without the reference, which a validator follows
// for each of the ninety-odd text fields of a spec.
func inlineTextRefs(doc map[string]any) {
	defs, _ := doc["$defs"].(map[string]any)
	text, _ := defs["text"].(map[string]any)
	typ, ok := text["type"]
	if !ok || len(text) != 2 || text["description"] == nil {
		// The definition is no longer a bare type: keep the references.
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["$ref"] == "#/$defs/text" {
				_, hasDesc := x["description"]
				if len(x) == 1 || len(x) == 2 && hasDesc {
					delete(x, "$ref")
					x["type"] = typ
					x["$comment"] = inlinedText
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
}

// validateSpecTree validates a spec tree against the schema and returns a
// problem, placed in the file, for every violation.
func validateSpecTree(root *specNode, name string) []Problem {
	all, err := loadSpecSchema()
	if err != nil {
		return []Problem{{File: name, Severity: SeverityError, Code: "spec.schema",
			Message: "cannot check the spec: " + err.Error(),
			Fix:     "this is a bug in modelcard-generator; please report it"}}
	}
	return validateSpecWith(all.forSpec(root), root, name)
}

// validateSpecWith validates a spec tree against one form of the schema.
func validateSpecWith(s *specSchema, root *specNode, name string) []Problem {
	if s.quick.accepts(root) {
		return nil
	}
	err := s.schema.Validate(root.instance())
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Problem{{File: name, Severity: SeverityError, Code: "spec.schema",
			Message: "cannot check the spec: " + err.Error()}}
	}
	r := &schemaReporter{s: s, root: root, name: name}
	r.collect(ve)
	return r.probs
}

// schemaReporter turns validation errors into problems.
type schemaReporter struct {
	s     *specSchema
	root  *specNode
	name  string
	probs []Problem
}

// specLocated is the place of an instance location in the spec.
type specLocated struct {
	field string
	key   *specNode
	value *specNode
	// tokens is the instance location.
	tokens []string
}

// locate walks the tree along an instance location.
func (r *schemaReporter) locate(tokens []string) specLocated {
	l := specLocated{value: r.root, tokens: tokens}
	cur := r.root
	for _, t := range tokens {
		switch {
		case cur != nil && cur.kind == specMap:
			k, v := cur.get(t)
			l.field += specFieldKey(t)
			l.key, l.value, cur = k, v, v
		case cur != nil && cur.kind == specSeq:
			i, err := strconv.Atoi(t)
			l.field += "[" + t + "]"
			if err != nil || i < 0 || i >= len(cur.items) {
				cur = nil
			} else {
				cur = cur.items[i]
			}
			l.key, l.value = nil, cur
		default:
			l.field += specFieldKey(t)
			l.key, l.value = nil, nil
		}
	}
	l.field = strings.TrimPrefix(l.field, ".")
	return l
}

func (r *schemaReporter) add(n *specNode, field, code, msg, fix string) {
	if n == nil {
		n = r.root
	}
	r.probs = append(r.probs, specProblem(r.name, n, field, code, msg, fix))
}

// collect reports one validation error and its causes.
func (r *schemaReporter) collect(e *jsonschema.ValidationError) {
	switch k := e.ErrorKind.(type) {
	case *kind.Schema, *kind.Reference, *kind.Group, *kind.AllOf:
		for _, c := range e.Causes {
			r.collect(c)
		}
	case *kind.AnyOf:
		r.alternatives(e)
	case *kind.OneOf:
		if k.Subschemas == nil {
			r.alternatives(e)
		} else {
			r.generic(e)
		}
	case *kind.AdditionalProperties:
		r.unknownKeys(e, k.Properties)
	case *kind.Type:
		r.typeProblem(e, k.Got, k.Want)
	case *kind.Enum:
		r.enumProblem(e, k)
	case *kind.Required:
		r.required(e, k.Missing)
	default:
		r.generic(e)
	}
}

// specLeaves flattens the grouping kinds of a validation error.
func specLeaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	switch e.ErrorKind.(type) {
	case *kind.Schema, *kind.Reference, *kind.Group, *kind.AllOf:
		var out []*jsonschema.ValidationError
		for _, c := range e.Causes {
			out = append(out, specLeaves(c)...)
		}
		return out
	}
	return []*jsonschema.ValidationError{e}
}

// alternatives reports a failed anyOf: when no alternative had the value's
// shape, one type problem naming them all; otherwise the problems of the
// alternative that came closest.
func (r *schemaReporter) alternatives(e *jsonschema.ValidationError) {
	var (
		want     []string
		got      string
		closest  *jsonschema.ValidationError
		closestN int
	)
	for _, branch := range e.Causes {
		ls := specLeaves(branch)
		shapeOnly := len(ls) > 0
		for _, l := range ls {
			t, ok := l.ErrorKind.(*kind.Type)
			if !ok || !slices.Equal(l.InstanceLocation, e.InstanceLocation) {
				shapeOnly = false
				break
			}
			got = t.Got
			for _, w := range t.Want {
				if !slices.Contains(want, w) {
					want = append(want, w)
				}
			}
		}
		if !shapeOnly && (closest == nil || len(ls) < closestN) {
			closest, closestN = branch, len(ls)
		}
	}
	if closest != nil {
		r.collect(closest)
		return
	}
	r.typeProblem(e, got, want)
}

// schemaAt returns the schema object at a schema location.
func (r *schemaReporter) schemaAt(loc string) map[string]any {
	_, frag, _ := strings.Cut(loc, "#")
	cur := any(r.s.doc)
	for _, tok := range strings.Split(frag, "/") {
		if tok == "" {
			continue
		}
		if u, err := url.PathUnescape(tok); err == nil {
			tok = u
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[tok]
	}
	m, _ := cur.(map[string]any)
	return m
}

// propertiesAt returns the property names, sorted, and the property
// schemas of the schema at loc.
func (r *schemaReporter) propertiesAt(loc string) (names []string, props map[string]any) {
	sch := r.schemaAt(loc)
	props, _ = sch["properties"].(map[string]any)
	for n := range props {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, props
}

// description returns the description of a property of the schema at loc.
func (r *schemaReporter) description(loc, prop string) string {
	_, props := r.propertiesAt(loc)
	p, _ := props[prop].(map[string]any)
	d, _ := p["description"].(string)
	return d
}

// unknownKeys reports keys that the schema at the error does not allow.
func (r *schemaReporter) unknownKeys(e *jsonschema.ValidationError, keys []string) {
	parent := r.locate(e.InstanceLocation)
	allowed, _ := r.propertiesAt(e.SchemaURL)
	_, frag, _ := strings.Cut(e.SchemaURL, "#")
	for _, key := range keys {
		l := r.locate(append(slices.Clone(e.InstanceLocation), key))
		if fam, ok := strings.CutPrefix(frag, "/$defs/specifics_"); ok && len(e.InstanceLocation) == 1 && e.InstanceLocation[0] == "specifics" {
			r.probs = append(r.probs, specificsProblem(r.name, l.key, FamilyID(fam), false))
			continue
		}
		fix := ""
		if len(e.InstanceLocation) == 0 {
			fix = specTopLevelHint(key)
		}
		if s := specSuggest(key, allowed); fix == "" && s != "" {
			fix = fmt.Sprintf("did you mean %q?", s)
		}
		where := ""
		switch {
		case len(e.InstanceLocation) == 0:
			if fix == "" {
				fix = "remove it, or, if it is a Hub metadata key, move it under `metadata:`"
			}
		case len(e.InstanceLocation) == 2 && e.InstanceLocation[0] == "eval_results":
			where = " in an eval result"
			if fix == "" {
				fix = "the keys of an eval result are: " + strings.Join(allowed, ", ")
			}
		default:
			where = " in " + parent.field
			if fix == "" {
				fix = "the keys allowed here are: " + strings.Join(allowed, ", ")
			}
		}
		r.add(l.key, l.field, "spec.unknown-key", fmt.Sprintf("unknown key %q%s", key, where), fix)
	}
}

// specTopLevelHint says where an unknown top-level key belongs, when it is
// one that people often put there by mistake; else "".
func specTopLevelHint(key string) string {
	switch {
	case key == "model-index" || key == "model_index":
		return "write results as a list under eval_results, one entry per metric (task_type, dataset_type, dataset_name, metric_type, metric_value, ...)"
	case len(specFamiliesWithField(key)) > 0:
		return fmt.Sprintf("%q is a family-specific fact: move it under `specifics:`", key)
	}
	return ""
}

// typeProblem reports a value of the wrong type.
func (r *schemaReporter) typeProblem(e *jsonschema.ValidationError, got string, want []string) {
	l := r.locate(e.InstanceLocation)
	_, frag, _ := strings.Cut(e.SchemaURL, "#")
	isText := frag == "/$defs/text" || r.schemaAt(e.SchemaURL)["$comment"] == inlinedText
	phrase, fix := specWantPhrase(want, isText)
	shape := specShapeName(l.value)
	if l.value == nil {
		shape = specJSONTypeName(got)
	}
	r.add(l.value, l.field, "spec.type", fmt.Sprintf("must be %s, not %s", phrase, shape), fix)
}

// specJSONTypeName names a JSON Schema type for messages.
func specJSONTypeName(t string) string {
	switch t {
	case "object":
		return "a mapping"
	case "array":
		return "a list"
	case "string":
		return "text"
	case "number":
		return "a number"
	case "integer":
		return "a whole number"
	case "boolean":
		return "true or false"
	case "null":
		return "an empty value"
	}
	return t
}

// specWantPhrase describes the wanted types and says how to write them.
func specWantPhrase(want []string, isText bool) (phrase, fix string) {
	has := func(t string) bool { return slices.Contains(want, t) }
	switch {
	case isText:
		return "text", "write the text after the key; for several lines write `key: |` and indent the lines below it"
	case has("array") && has("object"):
		return "a list or a mapping", "write a mapping of `name: value` lines indented under the key, or a list of `- ` items"
	case has("array") && has("string"):
		return "text or a list of text", "write one value after the key, or a list: `- item` lines, or [a, b] on one line"
	case has("array"):
		return "a list", "write a list: one `- item` line per entry under the key, or [a, b] on one line"
	case has("object"):
		return "a mapping", "write a mapping: `name: value` lines indented under the key"
	case has("number") && has("string") && has("boolean"):
		return "a single value (text, a number or true/false)", "write one value after the key, not a list or mapping"
	case has("number") && has("string"):
		return "a number or text", "write a number such as 0.95, or text such as \"20.0 ± 1.2\""
	case has("string"):
		return "text", "write the value after the key; quote it if it could be read as a number or true/false"
	case has("boolean"):
		return "true or false", "write true or false"
	case has("number") || has("integer"):
		return "a number", "write a number such as 0.95"
	}
	names := make([]string, 0, len(want))
	for _, w := range want {
		names = append(names, specJSONTypeName(w))
	}
	return strings.Join(names, " or "), ""
}

// enumProblem reports a value outside a fixed set.
func (r *schemaReporter) enumProblem(e *jsonschema.ValidationError, k *kind.Enum) {
	l := r.locate(e.InstanceLocation)
	var allowed []string
	for _, w := range k.Want {
		if s, ok := w.(string); ok {
			allowed = append(allowed, s)
		}
	}
	got := fmt.Sprint(k.Got)
	fix := ""
	if s, ok := k.Got.(string); ok {
		got = strconv.Quote(s)
		if sug := specSuggest(s, allowed); sug != "" {
			fix = fmt.Sprintf("did you mean %q? ", sug)
		}
	}
	if l.field == "family" {
		r.add(l.value, l.field, "spec.family", "unknown family "+got,
			fix+"the families are: "+strings.Join(allowed, ", "))
		return
	}
	r.add(l.value, l.field, "spec.value", fmt.Sprintf("%s is not an allowed value", got),
		fix+"allowed values: "+strings.Join(allowed, ", "))
}

// required reports missing keys.
func (r *schemaReporter) required(e *jsonschema.ValidationError, missing []string) {
	l := r.locate(e.InstanceLocation)
	for _, m := range missing {
		fix := fmt.Sprintf("add `%s:`", m)
		if d := r.description(e.SchemaURL, m); d != "" {
			fix += " (" + strings.ToLower(d[:1]) + strings.TrimSuffix(d[1:], ".") + ")"
		}
		field := strings.TrimPrefix(l.field+specFieldKey(m), ".")
		r.add(l.value, field, "spec.required", fmt.Sprintf("required key %q is missing", m), fix)
	}
}

// generic reports any other violation with the library's own wording.
func (r *schemaReporter) generic(e *jsonschema.ValidationError) {
	l := r.locate(e.InstanceLocation)
	p := message.NewPrinter(language.English)
	r.add(l.value, l.field, "spec.invalid", e.ErrorKind.LocalizedString(p), "")
}

// specSuggest returns the allowed word closest to a misspelt one, or "".
func specSuggest(word string, allowed []string) string {
	norm := func(s string) string {
		return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	}
	w := norm(word)
	best, bestD := "", -1
	for _, a := range allowed {
		d := editDistance(w, norm(a))
		if bestD < 0 || d < bestD {
			best, bestD = a, d
		}
	}
	n := len([]rune(w))
	limit := 1
	switch {
	case n >= 10:
		limit = 3
	case n >= 4:
		limit = 2
	}
	if bestD < 0 || bestD > limit || best == word {
		return ""
	}
	return best
}
