package card

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// aliasBombTime bounds how long one alias bomb may take to be refused. The
// work is linear in the text, a few milliseconds; an expansion would take
// minutes to hours, so the bound is loose enough for a busy machine.
const aliasBombTime = 5 * time.Second

// aliasChain returns YAML lines that anchor a flow list of width copies of
// leaf as &l1, then, for each further level up to levels, a list of width
// aliases of the level before as &l2, &l3 and so on: *lN stands for
// width^N leaves.
func aliasChain(levels, width int, leaf string) string {
	var b strings.Builder
	for k := 1; k <= levels; k++ {
		item := leaf
		if k > 1 {
			item = fmt.Sprintf("*l%d", k-1)
		}
		fmt.Fprintf(&b, "l%d: &l%d [%s]\n", k, k, strings.Repeat(item+", ", width-1)+item)
	}
	return b.String()
}

// writtenOut returns the flow YAML that *l<levels> of aliasChain stands
// for, with no aliases.
func writtenOut(levels, width int, leaf string) string {
	if levels == 0 {
		return leaf
	}
	item := writtenOut(levels-1, width, leaf)
	return "[" + strings.Repeat(item+", ", width-1) + item + "]"
}

// TestMetadataAliasBombs checks that a YAML block whose aliases expand too
// far is refused at once, with a Problem that says what, where and how to
// fix it, the way a block that does not parse is: the body is still read,
// the metadata is empty, and every renderer works on what is left.
func TestMetadataAliasBombs(t *testing.T) {
	var keyBomb strings.Builder
	keyBomb.WriteString("? &k1 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n: 1\n")
	for k := 2; k <= 9; k++ {
		fmt.Fprintf(&keyBomb, "? &k%d [%s*k%d]\n: %d\n", k, strings.Repeat(fmt.Sprintf("*k%d, ", k-1), 8), k-1, k)
	}
	var mapBomb strings.Builder
	mapBomb.WriteString("m1: &m1 {a: lol, b: lol, c: lol, d: lol, e: lol, f: lol, g: lol, h: lol, i: lol}\n")
	for k := 2; k <= 9; k++ {
		fmt.Fprintf(&mapBomb, "m%d: &m%d {a: *m%[3]d, b: *m%[3]d, c: *m%[3]d, d: *m%[3]d, e: *m%[3]d, f: *m%[3]d, g: *m%[3]d, h: *m%[3]d, i: *m%[3]d}\n", k, k, k-1)
	}
	mapBomb.WriteString("top: {<<: *m9, extra: 1}\n")
	var deep strings.Builder
	deep.WriteString("d0: &d0 [x]\n")
	for k := 1; k <= 210; k++ {
		fmt.Fprintf(&deep, "d%d: &d%d [*d%d]\n", k, k, k-1)
	}
	// Each card's YAML starts on line 2 of the file.
	tests := []struct {
		name string
		yaml string
		// line and col are the place of the problem in the file; col 0
		// asks only for some column.
		line, col int
		// msgHas are parts of the message.
		msgHas []string
	}{
		{name: "billion laughs, 9 levels of 9 (357 bytes)", yaml: aliasChain(9, 9, `"lol"`),
			// l1..l5 and 6 aliases of l6 fit; the 7th *l5 of line 7 passes the limit.
			line: 7, msgHas: []string{"more than 524288 values through its aliases", "*l5 here repeats 66430 values", "&l5 on line 6"}},
		{name: "model-index is the bomb", yaml: "license: mit\n" + aliasChain(10, 9, `"lol"`) + "model-index: *l10\n",
			line: 8, msgHas: []string{"*l5 here repeats 66430 values", "&l5 on line 7"}},
		{name: "the use of a big anchor passes the limit",
			yaml: aliasChain(3, 64, "x") + "model-index: *l3\n",
			line: 5, col: 14, msgHas: []string{"*l3 here repeats 266305 values anchored as &l3 on line 4"}},
		{name: "tags bomb", yaml: "license: mit\n" + aliasChain(8, 9, "t") + "tags: *l8\n",
			line: 8, msgHas: []string{"*l5 here repeats"}},
		{name: "mappings and a merge key", yaml: mapBomb.String(),
			// m1..m5 and two pairs of m6 fit; the third *m5 passes the limit.
			line: 7, col: 29, msgHas: []string{"*m5 here repeats 132859 values", "&m5 on line 6"}},
		{name: "bomb in keys", yaml: keyBomb.String(),
			line: 12, msgHas: []string{"*k5 here repeats", "&k5 on line 10"}},
		{name: "list inside its own anchor", yaml: "license: mit\na: &a [*a, *a]\n",
			line: 3, col: 8, msgHas: []string{"*a is inside the value it refers to", "&a on line 3", "without end"}},
		{name: "mapping inside its own anchor", yaml: "a: &a {b: *a, c: *a}\n",
			line: 2, col: 11, msgHas: []string{"*a is inside the value it refers to"}},
		{name: "a long text repeated (100 KB, 1000 times)", yaml: "a: &a \"" + strings.Repeat("x", 100_000) + "\"\n" +
			"l1: &l1 [" + strings.Repeat("*a, ", 9) + "*a]\nl2: &l2 [" + strings.Repeat("*l1, ", 9) + "*l1]\nl3: &l3 [" + strings.Repeat("*l2, ", 9) + "*l2]\n",
			// l1 and l2 fit (156,311 values, 1,563 for each copy of the
			// text); the fourth *l2 of line 5 passes the limit.
			line: 5, msgHas: []string{"a text counting one more for each 64 bytes", "*l2 here repeats 156311 values", "&l2 on line 4"}},
		{name: "deeper than 200 levels through aliases", yaml: deep.String(),
			// d199 holds a list 200 levels deep, at depth 1.
			line: 201, col: 14, msgHas: []string{"deeper than 200 levels through its aliases", "*d198 here", "&d198 on line 200", "199 levels deep"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte("---\n" + tt.yaml + "---\n# Bomb\n\nThe model.\n")
			start := time.Now()
			c, err := Parse(src)
			var ye *YAMLError
			if !errors.As(err, &ye) {
				t.Fatalf("Parse: error %v, want a *YAMLError", err)
			}
			if ye.Code != codeYAMLAliases || ye.Line != tt.line || (tt.col > 0 && ye.Column != tt.col) || ye.Column == 0 {
				t.Errorf("error %s at %d:%d, want %s at %d:%d", ye.Code, ye.Line, ye.Column, codeYAMLAliases, tt.line, tt.col)
			}
			for _, part := range tt.msgHas {
				if !strings.Contains(ye.Msg, part) {
					t.Errorf("message %q lacks %q", ye.Msg, part)
				}
			}
			if c == nil || c.Body == nil || !strings.Contains(c.Body.Text, "The model.") {
				t.Fatalf("the body is not read: %+v", c)
			}
			if c.Meta.Len() != 0 {
				t.Errorf("metadata kept %d keys of a refused block", c.Meta.Len())
			}

			var p Parser
			if _, perr := p.Parse(src); fmt.Sprint(perr) != fmt.Sprint(err) {
				t.Errorf("Parser.Parse: error %v, want %v", perr, err)
			}
			if _, merr := ParseMetadata(tt.yaml, 2); fmt.Sprint(merr) != fmt.Sprint(err) {
				t.Errorf("ParseMetadata: error %v, want %v", merr, err)
			}

			_, problems := Validate("bomb.md", src)
			if len(problems) != 1 {
				t.Fatalf("want one problem, got %v", problems)
			}
			pr := problems[0]
			if pr.Code != codeYAMLAliases || pr.Severity != SeverityError || pr.File != "bomb.md" ||
				pr.Line != ye.Line || pr.Column != ye.Column || pr.Message != ye.Msg || !strings.Contains(pr.Fix, "aliases") {
				t.Errorf("problem %+v does not carry the error %+v", pr, ye)
			}

			renders := []struct {
				name   string
				render func(*Card) ([]byte, error)
			}{
				{"JSON", RenderJSON}, {"MCT", RenderMCT}, {"HF", RenderHF}, {"HTML", RenderHTML}, {"Annex IV", RenderAnnexIV},
			}
			for _, r := range renders {
				out, err := r.render(c)
				if err != nil {
					t.Errorf("%s: %v", r.name, err)
				}
				if len(out) > max(64<<10, 2*len(src)) {
					t.Errorf("%s: %d bytes: the aliases were expanded", r.name, len(out))
				}
			}
			if hf, _ := RenderHF(c); !bytes.Equal(hf, src) {
				t.Errorf("HF rendering of the unchanged card is not the input:\n%s", hf)
			}
			if d := time.Since(start); d > aliasBombTime {
				t.Errorf("took %v", d)
			}
		})
	}
}

// TestMetadataAliasLimit checks the bound itself: a block that expands to
// exactly maxMetadataValues values is read, one more value is refused.
func TestMetadataAliasLimit(t *testing.T) {
	// x: &x [ 1023 scalars ] is 1024 values, and each *x in y adds 1024.
	// With the root, the keys x and y and y's list, that makes
	// 4 + 1024 + 1024*aliases values; scalars in y make up the rest.
	const aliases = 510
	extra := maxMetadataValues - (4 + 1024 + 1024*aliases)
	fits := "x: &x [" + strings.Repeat("0, ", 1022) + "0]\ny: [" + strings.Repeat("0, ", extra) + strings.Repeat("*x, ", aliases-1) + "*x]\n"
	if _, err := ParseMetadata(fits, 1); err != nil {
		t.Fatalf("a block of exactly %d values is refused: %v", maxMetadataValues, err)
	}
	over := strings.Replace(fits, "y: [", "y: [0, ", 1)
	_, err := ParseMetadata(over, 1)
	var ye *YAMLError
	if !errors.As(err, &ye) || ye.Code != codeYAMLAliases {
		t.Fatalf("a block of %d values: error %v, want %s", maxMetadataValues+1, err, codeYAMLAliases)
	}
	if ye.Line != 2 || !strings.Contains(ye.Msg, "*x here repeats 1024 values anchored as &x on line 1") {
		t.Errorf("error %v", ye)
	}
}

// TestModelIndexThroughAliasLevels checks that a model-index reached
// through any number of alias levels is checked and read as the same
// model-index written out: before, a chain of four or more levels was
// taken for valid, as the YAML decoder refused it for "excessive aliasing"
// and the refusal was passed over.
func TestModelIndexThroughAliasLevels(t *testing.T) {
	const width = 3
	entry := "{name: org/m, results: [{task: {type: text-classification}, dataset: {type: imdb, name: IMDb}, metrics: [{type: accuracy, value: 0.9}]}]}"
	leaves := []struct {
		name string
		// base is YAML that the leaf may refer to, before the chain.
		base, leaf string
		// valid is whether a model-index of such leaves, one level
		// deep, has no error.
		valid bool
	}{
		{name: "text", leaf: `"lol"`},
		{name: "entry", leaf: entry, valid: true},
		// A merge key sends the value to the YAML decoder.
		{name: "entry with a merge key", base: "base: &base {name: org/m}\n",
			leaf: "{<<: *base, results: [{task: {type: fill-mask}, dataset: {type: wikitext, name: WikiText}, metrics: [{type: perplexity, value: 12}]}]}", valid: true},
		{name: "entry without results", leaf: "{name: org/m, results: 5}"},
	}
	for _, lf := range leaves {
		for levels := 1; levels <= 6; levels++ {
			t.Run(fmt.Sprintf("%s/%d levels", lf.name, levels), func(t *testing.T) {
				aliased := "---\nlicense: mit\n" + lf.base + aliasChain(levels, width, lf.leaf) + fmt.Sprintf("model-index: *l%d\n", levels) + "---\n# M\n\nText.\n"
				direct := "---\nlicense: mit\n" + lf.base + "model-index: " + writtenOut(levels, width, lf.leaf) + "\n---\n# M\n\nText.\n"
				ca, errA := Parse([]byte(aliased))
				cd, errD := Parse([]byte(direct))
				if errA != nil || errD != nil {
					t.Fatalf("parse: aliased %v, written out %v", errA, errD)
				}
				va, okA := ca.Meta.Value("model-index")
				vd, okD := cd.Meta.Value("model-index")
				if !okA || !okD || !reflect.DeepEqual(va, vd) {
					t.Fatalf("model-index read through aliases (%v) differs from written out (%v):\n%v\n%v", okA, okD, va, vd)
				}
				scalars := func(c *Card) (n int) {
					c.Meta.WalkScalars("model-index", func([]string, string) { n++ })
					return n
				}
				if a, d := scalars(ca), scalars(cd); a != d {
					t.Errorf("WalkScalars: %d scalars through aliases, %d written out", a, d)
				}
				_, pa := Validate("a.md", []byte(aliased))
				_, pd := Validate("d.md", []byte(direct))
				if got, want := problemKeys(pa), problemKeys(pd); !reflect.DeepEqual(got, want) {
					t.Errorf("problems through aliases:\n%v\nwritten out:\n%v", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				if wantErr := levels > 1 || !lf.valid; HasErrors(pa) != wantErr {
					t.Errorf("HasErrors = %v, want %v: %v", HasErrors(pa), wantErr, pa)
				}
				if levels > 1 {
					for _, p := range pa {
						if p.Code == IssueWrongType && !strings.Contains(p.Message, "an entry of the model-index must be a mapping") {
							t.Errorf("unexpected message %q", p.Message)
						}
					}
				}
			})
		}
	}
}

// problemKeys lists problems without their file and place, to compare the
// problems of two cards that differ only in layout.
func problemKeys(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = fmt.Sprintf("%s %s %s: %s (%s)", p.Severity, p.Code, p.Field, p.Message, p.Fix)
	}
	return out
}

// TestMetadataHarmlessAliases checks that a card with a few aliases, a
// dataset shared by four results, parses, validates and renders as the
// same card written out.
func TestMetadataHarmlessAliases(t *testing.T) {
	card := func(shared bool) string {
		ds := func(i int) string {
			switch {
			case !shared:
				return "{type: imdb, name: IMDb, split: test}"
			case i == 0:
				return "&imdb {type: imdb, name: IMDb, split: test}"
			}
			return "*imdb"
		}
		var b strings.Builder
		b.WriteString("---\nlicense: mit\nlanguage: [en]\npipeline_tag: text-classification\nmodel-index:\n- name: org/m\n  results:\n")
		for i, metric := range []string{"accuracy", "f1", "precision", "recall"} {
			fmt.Fprintf(&b, "  - task: {type: text-classification}\n    dataset: %s\n    metrics: [{type: %s, value: 0.%d}]\n", ds(i), metric, 9-i)
		}
		b.WriteString("---\n# M\n\nA sentiment classifier.\n\n## Evaluation\n\nIt was tested on IMDb.\n")
		return b.String()
	}
	aliased, direct := card(true), card(false)
	if strings.Count(aliased, "*imdb") != 3 {
		t.Fatalf("the card does not refer to the dataset three times:\n%s", aliased)
	}
	ca, err := Parse([]byte(aliased))
	if err != nil {
		t.Fatal(err)
	}
	cd, err := Parse([]byte(direct))
	if err != nil {
		t.Fatal(err)
	}
	_, pa := Validate("m.md", []byte(aliased))
	_, pd := Validate("m.md", []byte(direct))
	if HasErrors(pa) || !reflect.DeepEqual(problemKeys(pa), problemKeys(pd)) {
		t.Errorf("problems %v, want those of the card written out: %v", pa, pd)
	}
	if ca.Content.ModelID != "org/m" {
		t.Errorf("model id %q", ca.Content.ModelID)
	}
	for _, r := range []struct {
		name   string
		render func(*Card) ([]byte, error)
	}{{"JSON", RenderJSON}, {"MCT", RenderMCT}} {
		a, errA := r.render(ca)
		d, errD := r.render(cd)
		if errA != nil || errD != nil {
			t.Fatalf("%s: %v, %v", r.name, errA, errD)
		}
		if !bytes.Equal(a, d) {
			t.Errorf("%s of the card with aliases differs from the card written out:\n%s\n---\n%s", r.name, a, d)
		}
		if !bytes.Contains(a, []byte("IMDb")) {
			t.Errorf("%s lacks the dataset:\n%s", r.name, a)
		}
	}
	if hf, err := RenderHF(ca); err != nil || string(hf) != aliased {
		t.Errorf("HF rendering of the unchanged card (%v) is not the input:\n%s", err, hf)
	}
	// Changed, the block is written afresh; it must read back the same.
	if err := ca.Meta.Set("license", "apache-2.0"); err != nil {
		t.Fatal(err)
	}
	hf, err := RenderHF(ca)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(hf)
	if err != nil {
		t.Fatalf("the changed card does not parse back: %v\n%s", err, hf)
	}
	got, _ := back.Meta.Value("model-index")
	want, _ := cd.Meta.Value("model-index")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("model-index after a change:\n%v\nwant\n%v", got, want)
	}
}

// TestModelIndexUnreadable checks that a model-index the YAML decoder
// cannot read is an error, not passed over as valid.
func TestModelIndexUnreadable(t *testing.T) {
	tests := []struct{ name, yaml string }{
		{"list as a key", "model-index:\n- ? [a]\n  : 1\n  name: x\n"},
		{"bad binary", "model-index:\n- name: !!binary \"%%\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := Validate("m.md", []byte("---\nlicense: mit\n"+tt.yaml+"---\n# M\n\nText.\n"))
			if len(problems) != 1 || problems[0].Code != IssueWrongType || problems[0].Line != 4 ||
				!strings.Contains(problems[0].Message, "cannot be read") || problems[0].Fix == "" {
				t.Errorf("problems %v, want one %s on line 4", problems, IssueWrongType)
			}
		})
	}
}

// TestAliasMeasureMatchesExpansion checks the memoised measure against a
// plain expansion of small trees: the same number of values and the same
// depth, with anchors nested, shared, used as keys and merged.
func TestAliasMeasureMatchesExpansion(t *testing.T) {
	docs := []string{
		"a: 1\n",
		"a: &a [1, 2]\nb: *a\nc: [*a, *a]\n",
		"a: &a {x: &b [1, [2, 3]], y: *b}\nb: [*a, *b, {z: *a}]\n",
		"base: &base {name: m, n: 1}\nm: {<<: *base, extra: [*base]}\n",
		"? &k [a, b]\n: 1\nc: {*k : 2}\n",
		aliasChain(4, 3, "x") + "top: [*l4, [*l3, [*l2]]]\n",
	}
	var expand func(n *yaml.Node) (values, height int)
	expand = func(n *yaml.Node) (values, height int) {
		n = resolveAlias(n)
		values = 1
		for _, c := range n.Content {
			v, h := expand(c)
			values += v
			height = max(height, h+1)
		}
		return values, height
	}
	for i, doc := range docs {
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
			t.Fatalf("doc %d: %v", i, err)
		}
		x := &aliasExpander{limit: maxMetadataValues}
		got := x.measure(root.Content[0])
		values, height := expand(root.Content[0])
		if got.values != values || got.height != height {
			t.Errorf("doc %d: measured %d values %d deep, expanded %d values %d deep", i, got.values, got.height, values, height)
		}
		if err := checkAliasExpansion(root.Content[0], 1); err != nil {
			t.Errorf("doc %d: %v", i, err)
		}
		// Small trees are within the decoder's own bound on aliases: the
		// rewrite without aliases must decode to what they decode to.
		var want any
		wantErr := root.Content[0].Decode(&want)
		got2, err := decodeNode(root.Content[0])
		if (err != nil) != (wantErr != nil) || (err == nil && !reflect.DeepEqual(got2, normalise(want))) {
			t.Errorf("doc %d: decodeNode gives %v, %v; the decoder %v, %v", i, got2, err, want, wantErr)
		}
	}
}

// TestMetadataLongTextAliasedFewTimes checks that a long text used a few
// times through an alias stays well inside the bound.
func TestMetadataLongTextAliasedFewTimes(t *testing.T) {
	src := "---\nsummary: &s \"" + strings.Repeat("y", 200_000) + "\"\ndescription: *s\nabstract: *s\n---\n# M\n"
	c, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got := c.Meta.String("abstract"); len(got) != 200_000 {
		t.Errorf("the alias gave %d bytes, want 200000", len(got))
	}
}
