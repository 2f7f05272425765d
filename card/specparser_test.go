package card

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// specParserInputs returns the example specs and variants of them that
// take the other paths of the reader: the library's YAML (anchors, merge
// keys), JSON, and specs with problems.
func specParserInputs(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range exampleSpecs(t) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	var big strings.Builder
	big.WriteString("model_name: big\ntags:\n")
	for i := range 3000 {
		fmt.Fprintf(&big, "  - tag-%d\n", i)
	}
	out = append(out,
		[]byte(big.String()),
		[]byte("model_name: anchors\nenvironmental_impact: &b\n  hours_used: 3\n  cloud_provider: x\n  compute_region: y\nhyperparameters:\n  <<: *b\n"),
		[]byte(`{"model_name": "json", "metrics": {"accuracy": 0.95}}`),
		[]byte("model_name: dup\nmodel_name: again\n"),
		[]byte("model_name: [1, 2]\nlicense: 7\n"),
		[]byte("model_name: x\nfamily: vision\nspecifics:\n  max_new_tokens: 3\n"),
	)
	return out
}

// TestSpecParserMatchesParseSpec parses every input, in order and in
// reverse, with one SpecParser and checks each card and error against
// ParseSpec's: the memory the parser lends from one spec to the next must
// leave nothing of the spec before in the next card.
func TestSpecParserMatchesParseSpec(t *testing.T) {
	inputs := specParserInputs(t)
	var p SpecParser
	kept := make([]*Card, len(inputs))
	for round := range 2 {
		for k := range inputs {
			i := k
			if round == 1 {
				i = len(inputs) - 1 - k
			}
			got, gotErr := p.Parse(inputs[i], "spec.yaml")
			want, wantErr := ParseSpec(inputs[i], "spec.yaml")
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("input %d: error %v, want %v", i, gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("input %d: the card differs from ParseSpec's", i)
			}
			if round == 0 {
				kept[i] = got
			}
		}
	}
	// The cards of the first round are the caller's: parsing the rest
	// again did not change them.
	for i, c := range kept {
		want, _ := ParseSpec(inputs[i], "spec.yaml")
		if !reflect.DeepEqual(c, want) {
			t.Fatalf("input %d: a card kept from the first round changed", i)
		}
	}
}

// TestSpecParserReusesMemory checks that a SpecParser allocates less per
// spec than ParseSpec once it has parsed one.
func TestSpecParserReusesMemory(t *testing.T) {
	data, err := os.ReadFile(exampleSpecs(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	var p SpecParser
	if _, err := p.Parse(data, "spec.yaml"); err != nil {
		t.Fatal(err)
	}
	reused := testing.AllocsPerRun(20, func() { _, _ = p.Parse(data, "spec.yaml") })
	fresh := testing.AllocsPerRun(20, func() { _, _ = ParseSpec(data, "spec.yaml") })
	if reused >= fresh {
		t.Errorf("SpecParser.Parse makes %.0f allocations per spec, ParseSpec %.0f: its memory is not reused", reused, fresh)
	}
	if p.nodes.kept > specArenaMaxNodes || p.ptrs.kept > specArenaMaxNodes {
		t.Errorf("the parser keeps %d nodes and %d pointers, the bound is %d", p.nodes.kept, p.ptrs.kept, specArenaMaxNodes)
	}
}

// TestSpecParserParseOwned checks that ParseOwned gives Parse's card or
// error on every input and on the same inputs behind a byte order mark,
// through the fast parser, the decoder and the JSON reader.
func TestSpecParserParseOwned(t *testing.T) {
	var p SpecParser
	for i, in := range specParserInputs(t) {
		for _, data := range [][]byte{in, append([]byte("\xef\xbb\xbf"), in...)} {
			want, wantErr := ParseSpec(data, "spec.yaml")
			got, gotErr := p.ParseOwned(slices.Clone(data), "spec.yaml")
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("input %d: error %v, want %v", i, gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("input %d: the card differs from ParseSpec's", i)
			}
		}
	}
}

// TestSpecParserDropsHugeKeyMap checks that the parser keeps no
// duplicate-key map for a mapping too large to keep one that size for, so
// that later specs do not pay for clearing a huge one.
func TestSpecParserDropsHugeKeyMap(t *testing.T) {
	var big strings.Builder
	big.WriteString("model_name: m\nmetadata:\n  big:\n")
	for i := range specArenaMaxNodes + 10 {
		fmt.Fprintf(&big, "    k%d: %d\n", i, i)
	}
	var p SpecParser
	// Only the tree matters here, not whether the spec is valid.
	_, _ = p.Parse([]byte(big.String()), "big.yaml")
	if p.keyLines != nil {
		t.Errorf("the parser kept a duplicate-key map of %d keys", len(p.keyLines))
	}
}
