package card

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"weak"
)

// TestParserMatchesParse parses the corpus with one Parser, small cards
// after large ones and the other way round, and checks each card's
// metadata tree, error and body against card.Parse of the same text: the
// memory a Parser lends from one card to the next must hold nothing of the
// card before.
func TestParserMatchesParse(t *testing.T) {
	entries := corpusEntries(t)
	var srcs [][]byte
	for _, e := range entries {
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	var p Parser
	order := make([]int, 0, 2*len(srcs))
	for i := range srcs {
		order = append(order, i)
	}
	for i := range srcs {
		order = append(order, len(srcs)-1-i)
	}
	for _, i := range order {
		got, gotErr := p.Parse(srcs[i])
		want, wantErr := Parse(srcs[i])
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%s: error %v, want %v", entries[i].Path, gotErr, wantErr)
		}
		if (got == nil) != (want == nil) {
			t.Fatalf("%s: card %v, want %v", entries[i].Path, got, want)
		}
		if got == nil {
			continue
		}
		if d := diffYAMLNodes("$", got.Meta.root, want.Meta.root); d != "" {
			t.Fatalf("%s: metadata tree differs from Parse's: %s", entries[i].Path, d)
		}
		if got.Body.Text != want.Body.Text || len(got.Body.Sections) != len(want.Body.Sections) {
			t.Fatalf("%s: body differs from Parse's", entries[i].Path)
		}
	}
}

// TestParserReusesMemory checks that a Parser builds a card's metadata
// tree in the memory of the card before (it allocates less than Parse),
// and that what it keeps between cards stays bounded after a block far
// larger than the bound.
func TestParserReusesMemory(t *testing.T) {
	src := []byte("---\nlicense: mit\nlibrary_name: transformers\ntags:\n- a\n- b\n- c\ndatasets:\n- squad\n" +
		"model-index:\n- name: m\n  results:\n  - task:\n      type: text-classification\n    metrics:\n    - type: accuracy\n      value: 0.9\n---\n# m\n\nText.\n")
	var p Parser
	if _, err := p.Parse(src); err != nil {
		t.Fatal(err)
	}
	reused := testing.AllocsPerRun(50, func() { _, _ = p.Parse(src) })
	fresh := testing.AllocsPerRun(50, func() { _, _ = Parse(src) })
	if reused >= fresh {
		t.Errorf("Parser.Parse makes %.0f allocations per card, Parse %.0f: the parser's memory is not reused", reused, fresh)
	}

	var big strings.Builder
	big.WriteString("---\ntags:\n")
	for i := range 50_000 {
		fmt.Fprintf(&big, "- tag-%d\n", i)
	}
	big.WriteString("---\n# big\n")
	c, err := p.Parse([]byte(big.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Meta.Strings("tags")); n != 50_000 {
		t.Fatalf("the big block has %d tags, want 50000", n)
	}
	if p.yaml.nodes.kept > fastYAMLArenaMaxNodes || p.yaml.ptrs.kept > fastYAMLArenaMaxNodes {
		t.Errorf("the parser keeps %d nodes and %d pointers, the bound is %d", p.yaml.nodes.kept, p.yaml.ptrs.kept, fastYAMLArenaMaxNodes)
	}
	if cap(p.yaml.scratch.stack) > fastYAMLArenaMaxBuf/8 || cap(p.yaml.scratch.buf) > fastYAMLArenaMaxBuf {
		t.Errorf("the parser keeps a stack of %d and a buffer of %d", cap(p.yaml.scratch.stack), cap(p.yaml.scratch.buf))
	}
	// The small card after the big one is still right.
	c, err = p.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Meta.Strings("tags"); strings.Join(got, ",") != "a,b,c" {
		t.Errorf("tags after the big block: %q", got)
	}
}

// TestParserHoldsOnlyTheLastTree checks that a Parser's memory keeps
// nothing of a card once later cards are parsed: its bytes (read in
// place, so every string of its tree points into them) become garbage.
// One card fits in the memory the parser keeps, the other does not.
func TestParserHoldsOnlyTheLastTree(t *testing.T) {
	small := []byte("---\nlicense: mit\ntags:\n- a\n---\n# m\n")
	for _, tags := range []int{3000, 50_000} {
		var p Parser
		gone := func() weak.Pointer[byte] {
			var b strings.Builder
			b.WriteString("---\nmodel-index:\n- name: big\n  results:\n")
			for i := range tags / 3 {
				fmt.Fprintf(&b, "  - task:\n      type: t%d\n    metrics:\n    - type: acc\n      value: 0.%d\n", i, i)
			}
			b.WriteString("tags:\n")
			for i := range tags {
				fmt.Fprintf(&b, "- tag-%d\n", i)
			}
			b.WriteString("---\n# big\n")
			big := []byte(b.String())
			if c, err := p.Parse(big); err != nil || len(c.Meta.Strings("tags")) != tags {
				t.Fatalf("%d tags: parse the big card: %v", tags, err)
			}
			return weak.Make(&big[0])
		}()
		for range 3 {
			if _, err := p.Parse(small); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC()
		runtime.GC()
		if gone.Value() != nil {
			t.Errorf("%d tags: the parser still holds the big card's bytes after three more cards", tags)
		}
		runtime.KeepAlive(&p)
	}
}

// FuzzParserReuse parses two inputs in turn with one Parser, then the
// first again, and checks each card against card.Parse of the same bytes:
// what the parser's memory held from one input must never show in the
// next.
func FuzzParserReuse(f *testing.F) {
	var seeds [][]byte
	for i, e := range corpusEntries(f) {
		if i%97 != 0 {
			continue
		}
		src, err := os.ReadFile(e.Path)
		if err != nil || len(src) > 32<<10 {
			continue
		}
		seeds = append(seeds, src)
	}
	seeds = append(seeds, []byte("---\na: [1, 2]\nb: {c: 'x''y'}\n---\n# T\n"), []byte("---\n- a\n---\n"))
	for i := range seeds {
		f.Add(seeds[i], seeds[(i+1)%len(seeds)])
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		var p Parser
		for _, src := range [][]byte{a, b, a} {
			got, gotErr := p.Parse(src)
			want, wantErr := Parse(src)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || (got == nil) != (want == nil) {
				t.Fatalf("error %v, want %v", gotErr, wantErr)
			}
			if got == nil {
				continue
			}
			if d := diffYAMLNodes("$", got.Meta.root, want.Meta.root); d != "" {
				t.Fatalf("metadata tree differs from Parse's: %s", d)
			}
			if got.Body.Text != want.Body.Text || len(got.Body.Sections) != len(want.Body.Sections) {
				t.Fatalf("body differs from Parse's")
			}
		}
	})
}
