package card

import (
	"strings"
	"testing"
)

// TestMetadataKeepsBlockComments checks that a change to the metadata
// keeps the block's own comments, not only those of its keys: one at the
// top parted from the first key by a blank line, and one at the end.
func TestMetadataKeepsBlockComments(t *testing.T) {
	tests := []struct {
		name, yaml string
		keep       []string
	}{
		{"top comment, blank line", "# top of the block\n\nlicense: mit\ntags:\n- a\n", []string{"# top of the block"}},
		{"comment at the end", "license: mit\ntags:\n- a\n\n# the end\n", []string{"# the end"}},
		{"both, and a key's", "# top\n\n# about the licence\nlicense: mit\n\n# end\n", []string{"# top", "# about the licence", "# end"}},
		{"CRLF", "# top\r\n\r\nlicense: mit\r\n\r\n# end\r\n", []string{"# top", "# end"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMetadata(tt.yaml, 2)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Set("pipeline_tag", "text-classification"); err != nil {
				t.Fatal(err)
			}
			out, err := m.Encode()
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tt.keep {
				if !strings.Contains(out, c) {
					t.Errorf("the rewritten block lost %q:\n%s", c, out)
				}
			}
			back, err := ParseMetadata(out, 2)
			if err != nil {
				t.Fatalf("the rewritten block does not parse: %v\n%s", err, out)
			}
			if back.String("license") != "mit" || back.String("pipeline_tag") != "text-classification" {
				t.Errorf("values after the rewrite: licence %q, task %q", back.String("license"), back.String("pipeline_tag"))
			}
		})
	}
}
