package card

import (
	"errors"
	"os"
	"testing"
)

// FuzzParseSpec checks that ParseSpec never panics and that every failure is
// a *SpecError with at least one problem, placed inside the input.
func FuzzParseSpec(f *testing.F) {
	for _, path := range exampleSpecs(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	added := 0
	for _, e := range corpusEntries(f) {
		if added >= 100 {
			break
		}
		if !e.HasFrontMatter {
			continue
		}
		data, err := os.ReadFile(e.Path)
		if err != nil {
			f.Fatalf("read corpus card: %v", err)
		}
		fm := SplitFrontMatter(string(data))
		if !fm.Found || len(fm.YAML) > 1<<16 {
			continue
		}
		f.Add([]byte(fm.YAML))
		added++
	}
	if added == 0 {
		f.Fatal("no corpus YAML blocks found")
	}
	for _, s := range []string{
		`{"model_name": "test", "metrics": {"accuracy": 0.95}}`,
		`{"model_id": "a", "eval_results": [{"metric_type": "f1", "metric_value": 1e400}]}`,
		"a: &a [*a]\n",
		"eval_results:\n  - <<: [*x]\n",
		"metadata: {<<: {a: 1}, b: 2}\n",
		"? !!binary aGk=\n: 1\n",
		"\ufeff{\"family\": \"rl\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseSpec(data, "fuzz.yaml")
		if err == nil {
			if c == nil || c.Meta == nil {
				t.Fatalf("no error but card %v", c)
			}
			if _, encErr := c.Meta.Encode(); encErr != nil {
				t.Fatalf("metadata of a valid spec does not encode: %v", encErr)
			}
			return
		}
		if c != nil {
			t.Fatalf("card returned with error %v", err)
		}
		var se *SpecError
		if !errors.As(err, &se) || len(se.Problems) == 0 {
			t.Fatalf("error %T %v is not a SpecError with problems", err, err)
		}
		// YAML ends lines at "\n", "\r\n" or a lone "\r".
		lines := countLines(string(data)) + 1
		for _, p := range se.Problems {
			if p.Message == "" || p.Code == "" || p.Severity != SeverityError || p.File != "fuzz.yaml" {
				t.Fatalf("malformed problem %+v", p)
			}
			if p.Line < 0 || p.Line > lines+1 || p.Column < 0 {
				t.Fatalf("problem %v placed outside the %d-line input", p, lines)
			}
		}
	})
}
