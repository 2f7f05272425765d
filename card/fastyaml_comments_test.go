package card

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// checkFastYAMLNoComments compares the comment-skipping fast parser, as
// the spec reader runs it, with the library's decoder on one text.
func checkFastYAMLNoComments(text string) (answered bool, problem string) {
	return fastSpecTreeProblem(new(SpecParser), text)
}

func TestFastYAMLNoCommentsCases(t *testing.T) {
	cases := []struct {
		name string
		text string
		fast bool
	}{
		{"leading comments", "# a spec\n# more\nkey: v\n", true},
		{"comment between keys", "a: 1\n# note\nb: 2\n", true},
		{"indented comment in a mapping", "a:\n  # inner\n  b: 1\n  # again\n  c: 2\nd: 3\n", true},
		{"comment after a block scalar", "a: |\n  text\n  more\n# after\nb: 2\n", true},
		{"hash inside a block scalar is text", "a: |\n  # not a comment\n  x\nb: 1\n", true},
		{"comment in a sequence", "list:\n  - a\n  # skip\n  - b\n", true},
		{"comment at the end without newline", "a: 1\n# end", true},
		{"comment with CRLF", "# c\r\na: 1\r\n", true},
		{"only comments", "# nothing\n# here\n", false},
		{"trailing comment declines", "a: 1 # why\n", false},
		{"comment after a multi-line plain scalar", "a: one\n  two\n# c\nb: 1\n", true},
		{"comment inside a multi-line plain scalar declines", "a: one\n  # c\n  two\n", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			answered, problem := checkFastYAMLNoComments(tc.text)
			if problem != "" {
				t.Fatalf("%q: %s", tc.text, problem)
			}
			if answered != tc.fast {
				t.Errorf("%q: answered %v, want %v", tc.text, answered, tc.fast)
			}
		})
	}
}

// TestFastYAMLNoCommentsExamples checks that every example spec, which all
// open with comment lines, takes the fast path and gives the library's tree.
func TestFastYAMLNoCommentsExamples(t *testing.T) {
	for _, path := range exampleSpecs(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		answered, problem := checkFastYAMLNoComments(string(data))
		if problem != "" {
			t.Fatalf("%s: %s", path, problem)
		}
		if !answered {
			t.Errorf("%s: the fast path declined", path)
		}
	}
}

// TestFastYAMLNoCommentsRandom inserts comment lines at random places into
// corpus blocks and compares with the library.
func TestFastYAMLNoCommentsRandom(t *testing.T) {
	_, blocks := corpusYAMLBlocks(t)
	rng := rand.New(rand.NewPCG(5, 6))
	answered := 0
	tries := 0
	for i := 0; i < len(blocks); i += 3 {
		lines := strings.SplitAfter(blocks[i], "\n")
		for range 3 {
			out := make([]string, 0, len(lines)+3)
			for _, l := range lines {
				if rng.IntN(6) == 0 {
					out = append(out, strings.Repeat(" ", rng.IntN(5))+"# inserted "+l[:min(len(l), 5)]+"\n")
				}
				out = append(out, l)
			}
			text := strings.Join(out, "")
			tries++
			ok, problem := checkFastYAMLNoComments(text)
			if problem != "" {
				t.Fatalf("block %d with comments %q: %s", i, text, problem)
			}
			if ok {
				answered++
			}
		}
	}
	t.Logf("the fast path answered for %d of %d commented blocks", answered, tries)
	if answered < tries/4 {
		t.Errorf("the fast path answered for only %d of %d commented blocks", answered, tries)
	}
}
