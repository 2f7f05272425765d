package card

import (
	"os"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestNodeToAnyMatchesDecoder checks the fast converter against the YAML
// decoder on every corpus metadata block and on tricky scalars: where it
// answers, it must give exactly what the decoder gives.
func TestNodeToAnyMatchesDecoder(t *testing.T) {
	docs := []string{
		"a: 1\nb: -2\nb2: -012\nb3: -0\nc: 007\nd: +3\ne: 0x1F\nf: 1_000\ng: 1.5\nh: -2e3\ni: .inf\nj: .nan\nk: 9223372036854775807\nl: 18446744073709551615\n",
		"a: yes\nb: no\nc: True\nd: ~\ne: null\nf: 2024-01-02\ng: '1'\nh: !!str 5\n",
		"a: &x [1, 2]\nb: *x\nc: {<<: {d: 1}}\n1: int key\n",
	}
	for _, e := range corpusEntries(t) {
		if !e.HasFrontMatter {
			continue
		}
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, SplitFrontMatter(string(src)).YAML)
	}
	fast, slow := 0, 0
	for i, doc := range docs {
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &root); err != nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
			continue
		}
		m := root.Content[0]
		for j := 0; j+1 < len(m.Content); j += 2 {
			got, ok := nodeToAny(m.Content[j+1], 0)
			if !ok {
				slow++
				continue
			}
			fast++
			var want any
			if err := m.Content[j+1].Decode(&want); err != nil {
				t.Errorf("doc %d key %s: converter answered but the decoder fails: %v", i, m.Content[j].Value, err)
				continue
			}
			if !sameData(got, normalise(want)) || !reflect.DeepEqual(reflect.TypeOf(got), reflect.TypeOf(normalise(want))) {
				t.Errorf("doc %d key %s: fast %#v, decoder %#v", i, m.Content[j].Value, got, want)
			}
		}
	}
	t.Logf("%d values converted directly, %d left to the decoder", fast, slow)
	if fast == 0 {
		t.Fatal("nothing converted")
	}
}
