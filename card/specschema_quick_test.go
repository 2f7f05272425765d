package card

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// specTreeOf parses a spec into its tree, failing the test when it does not
// parse.
func specTreeOf(t testing.TB, src string) *specNode {
	t.Helper()
	root, err := parseSpecTree([]byte(src), "", false, "t.yaml", new(SpecParser))
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return root
}

// specSchemaForms returns every form of the compiled spec schema: the
// base form and each family's.
func specSchemaForms(t testing.TB) []*specSchema {
	t.Helper()
	all, err := loadSpecSchema()
	if err != nil {
		t.Fatal(err)
	}
	forms := []*specSchema{all.base}
	for _, f := range Families() {
		forms = append(forms, all.byFamily[f.ID])
	}
	return forms
}

// TestQuickSchemaKeywords checks each keyword of the quick check on small
// schemas, and that it never accepts where a keyword is not known to it.
func TestQuickSchemaKeywords(t *testing.T) {
	tests := []struct {
		name   string
		schema string // the schema of the spec's key v
		value  string // v's YAML
		want   bool
	}{
		{"string is a string", `{"type": "string"}`, `abc`, true},
		{"quoted number is a string", `{"type": "string"}`, `"12"`, true},
		{"number is not a string", `{"type": "string"}`, `12`, false},
		{"number", `{"type": "number"}`, `1.5`, true},
		{"int is a number", `{"type": "number"}`, `7`, true},
		{"infinity is a number", `{"type": "number"}`, `.inf`, true},
		{"text is not a number", `{"type": "number"}`, `seven`, false},
		{"number or string", `{"type": ["number", "string"]}`, `1e3`, true},
		{"null", `{"type": ["string", "null"]}`, `~`, true},
		{"null is not a string", `{"type": "string"}`, `null`, false},
		{"bool", `{"type": "boolean"}`, `true`, true},
		{"bool is not a string", `{"type": "string"}`, `false`, false},
		{"list", `{"type": "array"}`, `[1, 2]`, true},
		{"map is not a list", `{"type": "array"}`, `{a: 1}`, false},
		{"map", `{"type": "object"}`, `{a: 1}`, true},
		{"integer is not known here", `{"type": "integer"}`, `1`, false},
		{"items", `{"items": {"type": "string"}}`, `[a, b]`, true},
		{"bad item", `{"items": {"type": "string"}}`, `[a, [b]]`, false},
		{"properties", `{"properties": {"a": {"type": "string"}}}`, `{a: x, b: [1]}`, true},
		{"bad property", `{"properties": {"a": {"type": "string"}}}`, `{a: [x]}`, false},
		{"closed", `{"additionalProperties": false, "properties": {"a": {}}}`, `{a: 1, b: 2}`, false},
		{"closed, only known keys", `{"additionalProperties": false, "properties": {"a": {}}}`, `{a: 1}`, true},
		{"additional schema", `{"additionalProperties": {"type": "number"}}`, `{a: 1, b: 2}`, true},
		{"bad additional", `{"additionalProperties": {"type": "number"}}`, `{a: 1, b: x}`, false},
		{"required present", `{"required": ["a"]}`, `{a: 1}`, true},
		{"required null is present", `{"required": ["a"]}`, `{a: null}`, true},
		{"required missing", `{"required": ["a"]}`, `{b: 1}`, false},
		{"anyOf first", `{"anyOf": [{"type": "string"}, {"type": "array"}]}`, `x`, true},
		{"anyOf second", `{"anyOf": [{"type": "string"}, {"type": "array"}]}`, `[x]`, true},
		{"anyOf none", `{"anyOf": [{"type": "string"}, {"type": "array"}]}`, `{a: 1}`, false},
		{"allOf", `{"allOf": [{"type": ["string", "number"]}, {"type": ["number", "null"]}]}`, `3`, true},
		{"allOf one fails", `{"allOf": [{"type": ["string", "number"]}, {"type": ["number", "null"]}]}`, `x`, false},
		{"ref", `{"$ref": "#/$defs/word"}`, `x`, true},
		{"bad ref value", `{"$ref": "#/$defs/word"}`, `[x]`, false},
		{"const", `{"const": "llm"}`, `llm`, true},
		{"other const", `{"const": "llm"}`, `nlp`, false},
		{"const, not a string", `{"const": "7"}`, `7`, false},
		{"enum", `{"enum": ["a", "b"]}`, `b`, true},
		{"not in enum", `{"enum": ["a", "b"]}`, `c`, false},
		{"number const not known here", `{"const": 7}`, `7`, false},
		{"if not known here", `{"if": {"type": "string"}, "then": {"type": "string"}}`, `x`, false},
		{"pattern not known here", `{"type": "string", "pattern": "^x$"}`, `x`, false},
		{"false schema", `false`, `x`, false},
		{"true schema", `true`, `{a: [1]}`, true},
		{"annotations only", `{"description": "d", "$comment": "c", "title": "t"}`, `x`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fmt.Sprintf(`{"$defs": {"word": {"type": "string"}}, "type": "object", "properties": {"v": %s}}`, tt.schema)
			var doc map[string]any
			if err := json.Unmarshal([]byte(src), &doc); err != nil {
				t.Fatal(err)
			}
			q, err := compileQuickSchema(doc)
			if err != nil {
				t.Fatal(err)
			}
			root := specTreeOf(t, "v: "+tt.value+"\n")
			if got := q.accepts(root); got != tt.want {
				t.Errorf("accepts(v: %s) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

// TestQuickSchemaBadReference checks that a reference to a missing
// definition is an error, not a check that accepts.
func TestQuickSchemaBadReference(t *testing.T) {
	doc := map[string]any{"properties": map[string]any{"v": map[string]any{"$ref": "#/$defs/none"}}}
	if _, err := compileQuickSchema(doc); err == nil || !strings.Contains(err.Error(), "#/$defs/none") {
		t.Errorf("error = %v, want one naming the reference", err)
	}
}

// TestQuickSchemaAgreesWithLibrary holds the quick check to the schema
// library on every form of the spec schema. The trees are the examples,
// the examples with each top-level value replaced by values of every
// type, and the metadata of corpus cards read as specs. The quick check
// must never accept a tree that the library refuses, and, since it knows
// every keyword of the spec schema, must accept every tree that the
// library accepts: else valid specs would lose the quick path.
func TestQuickSchemaAgreesWithLibrary(t *testing.T) {
	forms := specSchemaForms(t)
	var specs []string
	for _, p := range exampleSpecs(t) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, string(data))
	}
	replacements := []string{"null", "7", "2.5", "true", "text", "[a, b]", "[1, [2]]", "{a: 1}",
		"[{metric_type: f1, metric_value: 0.9}]", "{hours_used: 3, cloud_provider: x}", "[{key: lr, value: 0.1}]"}
	type tree struct {
		root *specNode
		desc string
	}
	var trees []tree
	for i, spec := range specs {
		root := specTreeOf(t, spec)
		trees = append(trees, tree{root, fmt.Sprintf("example %d", i)})
		for j, k := range root.keys {
			for _, r := range replacements {
				// The example with the key's value replaced.
				edited := *root
				edited.items = slices.Clone(root.items)
				edited.items[j] = specTreeOf(t, "v: "+r+"\n").items[0]
				trees = append(trees, tree{&edited, fmt.Sprintf("example %d with %s: %s", i, k.value, r)})
			}
		}
	}
	corpus := 0
	for _, e := range corpusEntries(t) {
		if corpus == 300 {
			break
		}
		if !e.HasFrontMatter {
			continue
		}
		data, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		fm := SplitFrontMatter(string(data))
		if !fm.Found {
			continue
		}
		if root, err := parseSpecTree([]byte(fm.YAML), "", false, "t.yaml", new(SpecParser)); err == nil {
			trees = append(trees, tree{root, e.Path})
			corpus++
		}
	}
	if corpus == 0 {
		t.Fatal("no corpus metadata parses as a spec tree")
	}
	accepted, refused := 0, 0
	for _, tr := range trees {
		for _, form := range forms {
			quick := form.quick.accepts(tr.root)
			library := form.schema.Validate(tr.root.instance()) == nil
			if quick != library {
				t.Fatalf("%s: quick check %v, library %v", tr.desc, quick, library)
			}
			if library {
				accepted++
			} else {
				refused++
			}
		}
	}
	t.Logf("%d trees; %d accepted, %d refused (trees by forms)", len(trees), accepted, refused)
	if accepted < len(specs) || refused < len(specs) {
		t.Errorf("%d accepted and %d refused (trees by forms): the cases do not reach both answers", accepted, refused)
	}
}

// FuzzSpecQuickSchema checks, on any spec that parses, that the quick check
// accepts only what the schema library accepts, on every form of the spec
// schema.
func FuzzSpecQuickSchema(f *testing.F) {
	for _, p := range exampleSpecs(f) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"family: llm\nspecifics: {context_length: 4096}\n",
		"eval_results: [{metric_type: f1, metric_value: .nan}]\n",
		"hyperparameters: [{key: lr, value: 0x1F}]\n",
		"summary: 1e400\nlicense: [mit]\n",
	} {
		f.Add([]byte(s))
	}
	forms := specSchemaForms(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := parseSpecTree(data, "", false, "fuzz.yaml", new(SpecParser))
		if err != nil {
			return
		}
		for _, form := range forms {
			if form.quick.accepts(root) {
				if err := form.schema.Validate(root.instance()); err != nil {
					t.Fatalf("quick check accepts what the library refuses: %v", err)
				}
			}
		}
	})
}
