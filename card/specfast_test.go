package card

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// diffSpecTrees describes the first difference between two spec trees, or
// returns "".
func diffSpecTrees(path string, got, want *specNode) string {
	switch {
	case got == nil || want == nil:
		if got != want {
			return fmt.Sprintf("%s: one tree has no node (got %v, want %v)", path, got, want)
		}
		return ""
	case got.kind != want.kind || got.tag != want.tag || got.value != want.value:
		return fmt.Sprintf("%s: got kind %d tag %q value %q, want kind %d tag %q value %q",
			path, got.kind, got.tag, got.value, want.kind, want.tag, want.value)
	case got.line != want.line || got.col != want.col:
		return fmt.Sprintf("%s: got place %d:%d, want %d:%d", path, got.line, got.col, want.line, want.col)
	case len(got.keys) != len(want.keys) || len(got.items) != len(want.items):
		return fmt.Sprintf("%s: got %d keys and %d items, want %d and %d", path, len(got.keys), len(got.items), len(want.keys), len(want.items))
	}
	for i := range got.keys {
		if d := diffSpecTrees(fmt.Sprintf("%s.key[%d]", path, i), got.keys[i], want.keys[i]); d != "" {
			return d
		}
	}
	for i := range got.items {
		if d := diffSpecTrees(fmt.Sprintf("%s[%d]", path, i), got.items[i], want.items[i]); d != "" {
			return d
		}
	}
	return ""
}

// fastSpecTreeProblem holds the fast spec tree of text to the decoder's:
// when the fast parser answers, the decoder must read the text without a
// problem into the same tree. It reports whether the fast parser answered,
// and what differs.
func fastSpecTreeProblem(p *SpecParser, text string) (answered bool, problem string) {
	got, ok := p.fastSpecTree(text)
	if !ok {
		if got != nil {
			return false, "declined but returned a node"
		}
		return false, ""
	}
	want, probs := decodeSpecYAML([]byte(text), "t.yaml", new(SpecParser))
	if len(probs) > 0 {
		return true, fmt.Sprintf("the fast parser answered, but the decoder reports %v", probs)
	}
	return true, diffSpecTrees("$", got, want)
}

// checkFastSpecTree fails the test where fastSpecTreeProblem finds a
// problem, and reports whether the fast parser answered.
func checkFastSpecTree(t *testing.T, p *SpecParser, text string) bool {
	t.Helper()
	answered, problem := fastSpecTreeProblem(p, text)
	if problem != "" {
		t.Fatalf("%s, for:\n%s", problem, text)
	}
	return answered
}

// TestFastSpecTreeMatchesDecoder reads the example specs, the corpus's
// YAML blocks and hand-made cases with one SpecParser, each through the
// fast parser and through the decoder, and checks that the trees are the
// same wherever the fast parser answers; it must answer for every example.
func TestFastSpecTreeMatchesDecoder(t *testing.T) {
	var p SpecParser
	for _, path := range exampleSpecs(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !checkFastSpecTree(t, &p, string(data)) {
			t.Errorf("%s: the fast parser declined an example spec", path)
		}
	}
	_, blocks := corpusYAMLBlocks(t)
	answered := 0
	for _, b := range blocks {
		if checkFastSpecTree(t, &p, b) {
			answered++
		}
	}
	if answered < len(blocks)/2 {
		t.Errorf("the fast parser answered for %d of %d corpus blocks", answered, len(blocks))
	}
	var wide strings.Builder
	for i := range specSmallMapping + 4 {
		fmt.Fprintf(&wide, "key_%d: %d\n", i, i)
	}
	for _, text := range []string{
		wide.String(),
		"a: 1\nb:\n- x\n- y: 2\n  z: [1, '2', \"3\"]\nc: {d: e, 7: null}\n",
		"model_name: m\n1: one\ntrue: yes\nnull: ~\n'<<': quoted\n",
		"a:\n  b:\n    c: |\n      text\n      more\n    d: >-\n      folded\n      lines\n",
		"a: plain text\n  over lines\nb: 2019-01-01\nc: 0x1F\nd: .inf\n",
		"# a comment\na: 1\n\n# another\nb: 2\n",
	} {
		if !checkFastSpecTree(t, &p, text) {
			t.Errorf("the fast parser declined:\n%s", text)
		}
	}
}

// TestFastSpecTreeDeclines checks that the fast parser leaves to the
// decoder what the decoder's path reports or expands.
func TestFastSpecTreeDeclines(t *testing.T) {
	var wideDup strings.Builder
	for i := range specSmallMapping + 4 {
		fmt.Fprintf(&wideDup, "key_%d: %d\n", i, i)
	}
	wideDup.WriteString("key_3: again\n")
	deep := ""
	for i := range specFastMaxDepth + 1 {
		deep += strings.Repeat(" ", i) + "a:\n"
	}
	deep += strings.Repeat(" ", specFastMaxDepth+1) + "b: 1\n"
	cases := []struct{ name, text string }{
		{"duplicate key", "a: 1\nb: 2\na: 3\n"},
		{"duplicate key in a large mapping", wideDup.String()},
		{"duplicate key in a flow mapping", "a: {x: 1, x: 2}\n"},
		{"merge key", "a:\n  <<: {b: 1}\n  c: 2\n"},
		{"too deep", deep},
		{"anchor", "a: &x 1\nb: *x\n"},
		{"not a mapping", "- a\n- b\n"},
	}
	var p SpecParser
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := p.fastSpecTree(tc.text); ok {
				t.Errorf("the fast parser answered for:\n%s", tc.text)
			}
			// The reader still gives the decoder's answer.
			_, err := p.Parse([]byte(tc.text), "t.yaml")
			_, want := ParseSpec([]byte(tc.text), "t.yaml")
			if fmt.Sprint(err) != fmt.Sprint(want) {
				t.Errorf("error %v, want %v", err, want)
			}
		})
	}
}

// FuzzFastSpecTree holds the fast spec tree, read with the parser that
// skips comment lines, to the decoder's on any text: where the fast parser
// answers, the decoder reads the same tree without a problem.
func FuzzFastSpecTree(f *testing.F) {
	for _, path := range exampleSpecs(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	_, blocks := corpusYAMLBlocks(f)
	for i := 0; i < len(blocks) && i < 200; i++ {
		f.Add(blocks[i])
	}
	for _, s := range []string{
		"a: 1\na: 2\n", "a:\n  <<: {b: 1}\n", "a: {x: 1, x: 2}\n", "a:\n- b\n- c: d\n  e: f\n",
		"# c\na: 1\n  # d\nb:\n  - x\n  # e\n  - y\n", "a: |\n  # text\n# comment\nb: 2\n",
	} {
		f.Add(s)
	}
	var p SpecParser
	f.Fuzz(func(t *testing.T, text string) {
		checkFastSpecTree(t, &p, text)
	})
}
