package card

import "testing"

// FuzzFastYAML checks the fast YAML parser's promise: whenever it answers,
// the YAML library parses the same text without error and builds the same
// tree, node for node. It is seeded with about 300 corpus YAML blocks and
// the tricky texts of the table test.
func FuzzFastYAML(f *testing.F) {
	_, blocks := corpusYAMLBlocks(f)
	const seeds = 300
	step := max(1, len(blocks)/seeds)
	for i := 0; i < len(blocks); i += step {
		// Very large blocks slow every fuzzing round down; the small ones
		// hold the same shapes.
		if len(blocks[i]) <= 16<<10 {
			f.Add(blocks[i])
		}
	}
	for _, c := range fastYAMLCases() {
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if _, problem := checkFastYAML(text); problem != "" {
			t.Fatalf("%q: %s", text, problem)
		}
	})
}
