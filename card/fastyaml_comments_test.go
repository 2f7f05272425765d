package card

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// dropComments clears every comment field of a tree, in place.
func dropComments(n *yaml.Node) {
	if n == nil {
		return
	}
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		dropComments(c)
	}
}

// checkFastYAMLNoComments compares the comment-skipping fast parser with
// the library, comments dropped, on one text.
func checkFastYAMLNoComments(text string) (answered bool, problem string) {
	got, ok := fastParseYAMLNoComments(text, nil)
	if !ok {
		if got != nil {
			return false, "declined but returned a node"
		}
		return false, ""
	}
	want, err := libraryYAML(text)
	if err != nil {
		return true, "fast parser answered but the library fails: " + err.Error()
	}
	dropComments(want)
	return true, diffYAMLNodes("$", got, want)
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

// FuzzFastYAMLNoComments checks the comment-skipping fast parser against the
// library on any text, seeded with the example specs and commented blocks.
func FuzzFastYAMLNoComments(f *testing.F) {
	for _, path := range exampleSpecs(f) {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(string(data))
		}
	}
	f.Add("# c\na: 1\n  # d\nb:\n  - x\n  # e\n  - y\n")
	f.Add("a: |\n  # text\n# comment\nb: 2\n")
	f.Fuzz(func(t *testing.T, text string) {
		if _, problem := checkFastYAMLNoComments(text); problem != "" {
			t.Fatalf("%q: %s", text, problem)
		}
	})
}
