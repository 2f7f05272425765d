package card

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// skeletonKeyLine matches a key line of the skeleton: optional indent, a
// key, a colon.
var skeletonKeyLine = regexp.MustCompile(`^(\s*)([a-z_]+):`)

func TestSpecSkeletonParsesForEveryFamily(t *testing.T) {
	for _, f := range Families() {
		t.Run(string(f.ID), func(t *testing.T) {
			s, err := SpecSkeleton(f.ID)
			if err != nil {
				t.Fatal(err)
			}
			c := parseOK(t, s, "skeleton.yaml")
			if c.Family != f.ID {
				t.Errorf("family %q, want %q", c.Family, f.ID)
			}
			// Every field is left empty: nothing is invented.
			if !reflect.DeepEqual(c.Content, Content{}) {
				t.Errorf("skeleton content is not empty: %+v", c.Content)
			}
			if c.Meta.Len() != 0 {
				t.Errorf("skeleton metadata is not empty: %v", c.Meta.Keys())
			}
		})
	}
}

// skeletonKeys returns the keys of the skeleton by indentation: top level
// and nested.
func skeletonKeys(t *testing.T, s string) (top, nested map[string]bool) {
	t.Helper()
	top, nested = map[string]bool{}, map[string]bool{}
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		m := skeletonKeyLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if m[1] == "" {
			top[m[2]] = true
		} else {
			nested[m[2]] = true
		}
		// Every key has a comment right above it, except the mapping
		// keys whose first child carries the comment.
		if i == 0 || !strings.HasPrefix(strings.TrimSpace(lines[i-1]), "#") {
			t.Errorf("line %d %q has no comment above it", i+1, line)
		}
	}
	return top, nested
}

func TestSpecSkeletonHasEveryField(t *testing.T) {
	doc := schemaDoc(t)
	props := doc["properties"].(map[string]any)
	env := doc["$defs"].(map[string]any)["environmental_impact"].(map[string]any)["properties"].(map[string]any)
	for _, f := range Families() {
		t.Run(string(f.ID), func(t *testing.T) {
			s, err := SpecSkeleton(f.ID)
			if err != nil {
				t.Fatal(err)
			}
			top, nested := skeletonKeys(t, s)
			for k := range props {
				if k == "model_name" {
					continue // an alias of model_id
				}
				if !top[k] {
					t.Errorf("skeleton lacks top-level key %q", k)
				}
			}
			for k := range env {
				if !nested[k] {
					t.Errorf("skeleton lacks environmental_impact key %q", k)
				}
			}
			for _, fld := range f.Fields {
				if !nested[fld.Key] {
					t.Errorf("skeleton lacks specifics key %q", fld.Key)
				}
				if !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(s, "#", "")), " "), fld.Guidance) {
					t.Errorf("skeleton lacks the guidance of %q", fld.Key)
				}
			}
			for _, line := range strings.Split(s, "\n") {
				if len(line) > 80 {
					t.Errorf("line longer than 80 characters: %q", line)
				}
			}
		})
	}
}

// TestSpecSkeletonExampleEntry uncomments the example evaluation result and
// checks that it becomes a well-formed entry with the family's usual task
// and metric.
func TestSpecSkeletonExampleEntry(t *testing.T) {
	for _, f := range Families() {
		t.Run(string(f.ID), func(t *testing.T) {
			s, err := SpecSkeleton(f.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			inExample := false
			for _, line := range strings.Split(s, "\n") {
				switch {
				case line == "eval_results: []":
					line, inExample = "eval_results:", true
				case inExample && strings.HasPrefix(line, "#   "):
					line = strings.TrimPrefix(line, "# ")
				default:
					inExample = false
				}
				out = append(out, line)
			}
			c := parseOK(t, strings.Join(out, "\n"), "filled.yaml")
			if len(c.Content.EvalResults) != 1 {
				t.Fatalf("%d eval results after uncommenting the example, want 1", len(c.Content.EvalResults))
			}
			r := c.Content.EvalResults[0]
			if len(f.Tasks) > 0 && r.TaskType != f.Tasks[0] {
				t.Errorf("example task %q, want %q", r.TaskType, f.Tasks[0])
			}
			if len(f.Metrics) > 0 && r.MetricType != f.Metrics[0] {
				t.Errorf("example metric %q, want %q", r.MetricType, f.Metrics[0])
			}
			if r.DatasetType == "" || r.DatasetSplit == "" || r.MetricValue == nil {
				t.Errorf("example entry incomplete: %+v", r)
			}
		})
	}
}

func TestSpecSkeletonUnknownFamily(t *testing.T) {
	for _, id := range []FamilyID{"", "LLM", "images"} {
		s, err := SpecSkeleton(id)
		if err == nil || s != "" {
			t.Errorf("SpecSkeleton(%q) = %d bytes, %v; want an error", id, len(s), err)
			continue
		}
		if !strings.Contains(err.Error(), "llm, nlp") {
			t.Errorf("error %q does not list the families", err)
		}
	}
}

func TestSkeletonWrap(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"a b c", 3, []string{"a b", "c"}},
		{"write `key: |` then", 8, []string{"write", "`key: |`", "then"}},
		{"  spaced   out  ", 20, []string{"spaced out"}},
		{"", 10, nil},
	}
	for _, tt := range tests {
		if got := skeletonWrap(tt.text, tt.width); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("skeletonWrap(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}
