package card

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestSpecSchemaFormsAgree checks that the form of the schema a spec is
// checked against (without the family rules, or with its family's one)
// finds exactly the problems the whole schema finds. The specs are the
// examples, each turned into every family, with its specifics broken in
// several ways, and without family or specifics.
func TestSpecSchemaFormsAgree(t *testing.T) {
	all, err := loadSpecSchema()
	if err != nil {
		t.Fatal(err)
	}
	if len(all.byFamily) != len(Families()) {
		t.Fatalf("schema forms not built: %d family forms", len(all.byFamily))
	}
	full, err := compileSpecSchema(newSpecSchemaCompiler(), specSchemaURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	var specs []map[string]any
	for _, p := range exampleSpecs(t) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		specs = append(specs, doc)
	}
	// clone copies a spec and applies an edit to the copy.
	clone := func(doc map[string]any, edit func(map[string]any)) map[string]any {
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatal(err)
		}
		edit(out)
		return out
	}
	var cases []map[string]any
	for _, doc := range specs {
		cases = append(cases, doc)
		for _, f := range Families() {
			cases = append(cases, clone(doc, func(d map[string]any) { d["family"] = string(f.ID) }))
		}
		cases = append(cases,
			clone(doc, func(d map[string]any) { delete(d, "family") }),
			clone(doc, func(d map[string]any) { delete(d, "specifics") }),
			clone(doc, func(d map[string]any) { d["specifics"] = nil }),
			clone(doc, func(d map[string]any) { d["specifics"] = []any{"a list"} }),
			clone(doc, func(d map[string]any) { d["specifics"] = map[string]any{"no_such_key": "x", "context_length": 4096} }),
			clone(doc, func(d map[string]any) { d["family"] = "no-such-family" }),
			clone(doc, func(d map[string]any) { d["family"] = 7 }),
			clone(doc, func(d map[string]any) { d["license"] = []any{1, 2} }),
			// Text fields of the wrong type, at the top and in specifics.
			clone(doc, func(d map[string]any) { d["summary"] = []any{"a list"} }),
			clone(doc, func(d map[string]any) { d["description"] = map[string]any{"a": 1} }),
			clone(doc, func(d map[string]any) {
				if sp, ok := d["specifics"].(map[string]any); ok {
					for k := range sp {
						sp[k] = []any{true}
					}
				}
			}),
			// The parts of the schema that its forms carry inline (eval
			// results, metric values, hyperparameters, environmental
			// impact, text or a list), each broken.
			clone(doc, func(d map[string]any) {
				d["eval_results"] = []any{
					map[string]any{"metric_type": "f1", "metric_value": []any{1}, "task_type": []any{"x"}, "no_such_key": 1},
					map[string]any{"metric_value": map[string]any{"a": 1}, "dataset_name": 3},
					"not a result",
				}
			}),
			clone(doc, func(d map[string]any) {
				d["hyperparameters"] = []any{map[string]any{"key": "lr"}, map[string]any{"key": 1, "value": []any{}, "extra": true}}
			}),
			clone(doc, func(d map[string]any) { d["hyperparameters"] = "lr=0.1" }),
			clone(doc, func(d map[string]any) {
				d["environmental_impact"] = map[string]any{"hours_used": []any{1}, "no_such_key": "x"}
			}),
			clone(doc, func(d map[string]any) { d["environmental_impact"] = "a lot" }),
			clone(doc, func(d map[string]any) { d["language"] = map[string]any{"en": true} }),
			clone(doc, func(d map[string]any) { d["base_model"] = []any{map[string]any{"a": 1}, 2} }),
		)
	}
	differ, withProblems := 0, 0
	for i, doc := range cases {
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		root, probs := parseSpecJSON(data, "spec.json")
		if len(probs) > 0 {
			t.Fatalf("case %d does not parse: %v", i, probs)
		}
		// Problems reach users sorted by place (newSpecError); the
		// validator's own order follows map iteration.
		sorted := func(probs []Problem) []Problem {
			if len(probs) == 0 {
				return nil
			}
			return newSpecError(probs, nil).Problems
		}
		want := sorted(validateSpecWith(full, root, "spec.json"))
		got := sorted(validateSpecTree(root, "spec.json"))
		if len(want) > 0 {
			withProblems++
		}
		if !reflect.DeepEqual(got, want) {
			differ++
			if differ <= 3 {
				t.Errorf("case %d (%s): problems differ from the whole schema's:\n got %v\nwant %v", i, data, got, want)
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d cases differ", differ, len(cases))
	}
	// The cases must exercise the rules: most families refuse another
	// family's specifics.
	if withProblems < len(cases)/2 {
		t.Errorf("only %d of %d cases have problems; the variations do not reach the rules", withProblems, len(cases))
	}
}
