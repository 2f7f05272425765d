package card

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// libraryYAML parses text the way ParseMetadata does without the fast
// path: the first document, through the YAML library's decoder.
func libraryYAML(text string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(strings.NewReader(text)).Decode(&doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

// diffYAMLNodes returns a description of the first difference between two
// trees, with the path to it, or "" when they are the same node for node.
func diffYAMLNodes(path string, got, want *yaml.Node) string {
	switch {
	case got == nil && want == nil:
		return ""
	case got == nil || want == nil:
		return fmt.Sprintf("%s: node %v, want %v", path, got, want)
	}
	type field struct {
		name      string
		got, want any
	}
	if got.Value != want.Value {
		return fmt.Sprintf("%s (line %d, column %d): Value differs %s", path, want.Line, want.Column, valueDiff(got.Value, want.Value))
	}
	for _, f := range []field{
		{"Kind", got.Kind, want.Kind},
		{"Tag", got.Tag, want.Tag},
		{"Style", got.Style, want.Style},
		{"Line", got.Line, want.Line},
		{"Column", got.Column, want.Column},
		{"Anchor", got.Anchor, want.Anchor},
		{"HeadComment", got.HeadComment, want.HeadComment},
		{"LineComment", got.LineComment, want.LineComment},
		{"FootComment", got.FootComment, want.FootComment},
		{"has Alias", got.Alias != nil, want.Alias != nil},
		{"len(Content)", len(got.Content), len(want.Content)},
	} {
		if f.got != f.want {
			return fmt.Sprintf("%s (line %d, column %d): %s = %#v, want %#v", path, want.Line, want.Column, f.name, f.got, f.want)
		}
	}
	for i := range got.Content {
		step := fmt.Sprintf("%s[%d]", path, i)
		if want.Kind == yaml.MappingNode && i%2 == 1 {
			step = fmt.Sprintf("%s.%s", path, want.Content[i-1].Value)
		}
		if d := diffYAMLNodes(step, got.Content[i], want.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

// valueDiff describes where two different strings part, with a short
// excerpt of each from there.
func valueDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	excerpt := func(s string) string {
		s = s[min(i, len(s)):]
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("at byte %d of %d (want %d): got %s, want %s", i, len(got), len(want), excerpt(got), excerpt(want))
}

// checkFastYAML compares the fast parser with the library on one text. It
// returns whether the fast parser answered, and a description of what is
// wrong, or "".
func checkFastYAML(text string) (answered bool, problem string) {
	got, ok := fastParseYAML(text, nil)
	if !ok {
		if got != nil {
			return false, "declined but returned a node"
		}
		return false, ""
	}
	want, err := libraryYAML(text)
	if err != nil {
		return true, fmt.Sprintf("fast parser answered but the library fails: %v", err)
	}
	return true, diffYAMLNodes("$", got, want)
}

// corpusYAMLBlocks returns the YAML block of every corpus card that has one.
func corpusYAMLBlocks(t testing.TB) (names, blocks []string) {
	t.Helper()
	for _, e := range corpusEntries(t) {
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatalf("read corpus card: %v", err)
		}
		fm := SplitFrontMatter(string(src))
		if !fm.Found {
			continue
		}
		names = append(names, e.Path)
		blocks = append(blocks, fm.YAML)
	}
	if len(blocks) == 0 {
		t.Fatal("the corpus has no card with a YAML block")
	}
	return names, blocks
}

// TestFastYAMLCorpus checks the fast parser against the library on every
// corpus YAML block, and that it answers for the large majority of them.
func TestFastYAMLCorpus(t *testing.T) {
	names, blocks := corpusYAMLBlocks(t)
	var answered, answeredBytes, totalBytes, libraryOK int
	for i, text := range blocks {
		totalBytes += len(text)
		if _, err := libraryYAML(text); err == nil {
			libraryOK++
		}
		ok, problem := checkFastYAML(text)
		if problem != "" {
			t.Fatalf("%s: %s", names[i], problem)
		}
		if ok {
			answered++
			answeredBytes += len(text)
		}
	}
	blockShare := float64(answered) / float64(len(blocks))
	t.Logf("fast path: %d of %d blocks (%.1f%%; the library parses %d), %d of %d bytes (%.1f%%)",
		answered, len(blocks), 100*blockShare, libraryOK, answeredBytes, totalBytes,
		100*float64(answeredBytes)/float64(totalBytes))
	if blockShare < 0.9 {
		t.Errorf("the fast path answers for %.1f%% of the corpus blocks, want at least 90%%", 100*blockShare)
	}
}

// What a case expects of the fast parser.
const (
	// fyFast: it answers, with the library's tree.
	fyFast = "fast"
	// fyFallback: it declines.
	fyFallback = "fallback"
	// fyEither: it declines, or answers with the library's tree.
	fyEither = "either"
)

// fastYAMLCase is a tricky text and what the fast parser must do with it.
type fastYAMLCase struct {
	name, text, want string
}

// fastYAMLCases returns the tricky texts, for the table test and as fuzz
// seeds.
func fastYAMLCases() []fastYAMLCase {
	const (
		fast     = fyFast
		fallback = fyFallback
		either   = fyEither
	)
	return []fastYAMLCase{
		{"simple", "a: 1\nb: two\n", fast},
		{"no final newline", "a: 1\nb: two", fast},
		{"single quote escape", "key: 'it''s'\n", fast},
		{"single quote only escapes", "key: ''''\n", fast},
		{"double quote escape", `a: "x\"y"` + "\n", fast},
		{"double quote escapes", `a: "tab\tnl\nbs\\ sl\u00e9\x41\U0001F600 \e\0\_\N\L\P"` + "\n", fast},
		{"double quote slash escape is an error", `a: "x\/y"` + "\n", fallback},
		{"double quote bad escape", `a: "x\qy"` + "\n", fallback},
		{"double quote surrogate escape", `a: "\ud800"` + "\n", fallback},
		{"double quote short hex", `a: "\x4"` + "\n", fallback},
		{"empty quotes", "a: ''\nb: \"\"\n", fast},
		{"nested sequence", "a:\n- - nested\n  - more\n- x\n", fast},
		{"deep compact", "- - - a\n", fallback},
		{"null value", "key:\nnext: 1\n", fast},
		{"null at end", "key:", fast},
		{"null at end with spaces", "key:   \n\n", fast},
		{"tilde null", "key: ~\n", fast},
		{"null words", "a: null\nb: Null\nc: NULL\nd: nULL\n", fast},
		{"numbers", "a: 0x1F\nb: 1_000\nc: .inf\nd: 1e3\ne: 007\nf: +1\ng: -0\nh: 08\ni: 0o17\nj: 0b101\nk: -0b11\nl: 1.5e-3\nm: -.INF\nn: .NaN\no: 99999999999999999999\np: 18446744073709551615\nq: 1e999\nr: +.5\ns: 3.\nt: .5.\nu: 1__0\nv: -0x1F\nw: 1e\nx: 0.\ny: +\n", fast},
		{"bool words", "a: on\nb: off\nc: yes\nd: no\ne: y\nf: n\ng: true\nh: False\ni: TRUE\nj: tRUE\nk: Yes\n", fast},
		{"timestamps", "a: 2023-01-02\nb: 2023-1-2\nc: 2001-12-14t21:59:43.10-05:00\nd: 2001-12-14 21:59:43.10\ne: 2023-13-01\nf: 20230-01-01\n", fast},
		{"merge key", "<<: x\n", fast},
		{"colon in value", "url: http://x.org/a:b\n", fast},
		{"nested colon is an error", "a: b: c\n", fallback},
		{"colon at end of value", "a: b:\n", fallback},
		{"hash inside quotes", "a: '# not a comment'\nb: \"x # y\"\n", fast},
		{"hash inside plain", "a: C#\nb: x#y\n", fast},
		{"comment after value", "a: b # comment\n", fallback},
		{"comment line", "# comment\na: b\n", fallback},
		{"comment after quoted", "a: 'b' # c\n", fallback},
		{"trailing spaces", "a: b   \nc:   d  \n", fast},
		{"crlf", "a: 1\r\nb:\r\n- x\r\n- 'y'\r\n", fast},
		{"lone cr", "a: 1\rb: 2\n", fallback},
		{"unicode", "名前: モデル\nlanguage: [日本語, 한국어]\nx: {é: ü, ñ: \"ß\"}\n", fast},
		{"unicode columns", "ключ:\n  - значение\n  - {ä: [ö, ü]}\n", fast},
		{"bom", "\ufeffa: 1\n", fallback},
		{"tab", "a:\tb\n", fallback},
		{"indented root", "  a: 1\n  b: 2\n", fast},
		{"indented root then less", "  a: 1\nb: 2\n", fallback},
		{"sequence root", "- a\n- b\n", fallback},
		{"scalar root", "hello\n", fallback},
		{"empty", "", fallback},
		{"blank", "\n\n  \n", fallback},
		{"flow sequence", "a: [x, 'y', \"z\", 1, true, null, ~, [], {}]\n", fast},
		{"flow mapping", "a: {b: 1, 'c': [d], \"e\":f}\n", fast},
		{"flow nested", "a: [[1, 2], {x: [y, {z: w}]}]\n", fast},
		{"flow spaces", "a: [ x , y ]\nb: {  k :  v  }\n", fast},
		{"flow url", "a: [http://x.org, https://y.org/a?b]\n", either},
		{"flow trailing comma", "a: [x, y,]\n", fallback},
		{"flow pair in sequence", "a: [x: y]\n", fallback},
		{"flow multi-line", "a: [x,\n  y]\n", fallback},
		{"flow then text", "a: [x] y\n", fallback},
		{"flow unclosed", "a: [x, y\n", fallback},
		{"flow empty value", "a: {b: , c: d}\n", fallback},
		{"flow plain colon", "a: [a:b, c]\n", fast},
		{"literal", "a: |\n  text\n  more\n\n  last\nb: 1\n", fast},
		{"literal keep", "a: |+\n  text\n\n\nb: 1\n", fast},
		{"literal strip", "a: |-\n  text\n\n\nb: 1\n", fast},
		{"literal at end", "a: |\n  text", fast},
		{"literal empty", "a: |\nb: 1\n", fast},
		{"literal empty at end", "a: >", fast},
		{"literal indicator", "a: |2\n    text\n   x\n", fast},
		{"literal indicator and chomp", "a:\n  - |2-\n     text\n  - >+1\n     y\n\n", fast},
		{"literal zero indicator", "a: |0\n  text\n", fallback},
		{"literal comment", "a: | # c\n  text\n", fallback},
		{"literal header junk", "a: |x\n  text\n", fallback},
		{"literal spaces-only lines", "a: |\n  x\n     \n  \n y\n", either},
		{"literal leading blank lines", "a: |\n\n \n  x\n", fast},
		{"literal blank line deeper than text", "a: |\n\n   \n  x\n", fallback},
		{"literal more spaces first", "a: |\n      \n  x\n", fallback},
		{"literal hash lines", "a: |\n  # not a comment\n  x\n", fast},
		{"literal less indented", "a:\n  b: |\n    x\n   y\n", fallback},
		{"literal in sequence", "- |\n  x\n- >\n  y\n", fallback},
		{"literal sequence items", "a:\n- |\n  x\n- >-\n  y\n   z\n  w\n\n  v\n", fast},
		{"literal on next line", "a:\n  |\n    x\n", fast},
		{"literal crlf", "a: |\r\n  x\r\n\r\n  y\r\nb: >\r\n  p\r\n  q\r\n", fast},
		{"folded", "a: >\n  one\n  two\n\n  three\n    indented\n  four\n", fast},
		{"folded keep", "a: >+\n  one\n  two\n\n", fast},
		{"folded strip", "a: >-\n  one\n   two\n  three\n", fast},
		{"folded unicode", "a: >\n  ünï\n  cødé\n", fast},
		{"multi-line plain", "a: one\n  two\nb: 1\n", fast},
		{"multi-line plain blank lines", "a: one\n\n  two\n\n\n  three   \n  four\nb: 1\n", fast},
		{"multi-line plain in sequence", "a:\n- one\n  two\n- three\n  - four\n", fast},
		{"multi-line plain compact", "- a: one\n    two\n  b: 1\n", fallback},
		{"multi-line plain compact value", "x:\n- a: one\n    two\n  b: 1\n", fast},
		{"multi-line plain with colon", "a: one\n  two: three\n", fallback},
		{"multi-line plain with comment", "a: one\n  # two\n", fallback},
		{"multi-line plain with hash", "a: one\n  t#wo\n", fast},
		{"multi-line plain number", "a: 1\n  2\n", fast},
		{"multi-line plain then end", "a: one\n  two\n\n", fast},
		{"multi-line plain crlf", "a: one\r\n  two\r\n\r\n  three\r\n", fast},
		{"multi-line plain key", "a\n  b: 1\n", fallback},
		{"multi-line quoted", "a: 'one\n  two'\n", fast},
		{"multi-line quoted blank lines", "a: 'one  \n\n   two\n\n\n  three '\n", fast},
		{"multi-line quoted escapes", "a: \"one\\\n  two\\\n\n  three\\n \\\n  \\ four\n  \"\n", fast},
		{"multi-line quoted escaped break at end", "a: \"one\\\n\"\n", either},
		{"multi-line quoted break at close", "a: 'one\n  '\n", fast},
		{"multi-line quoted crlf", "a: \"x\r\n  y\"\r\nb: 'p\r\n\r\n  q'\r\n", fast},
		{"multi-line quoted at column 0", "a: 'one\ntwo'\n", either},
		{"multi-line quoted document marker", "a: 'one\n--- two'\n", fallback},
		{"multi-line quoted key", "'a\n  b': 1\n", fallback},
		{"multi-line quoted in flow", "a: ['x\n  y']\n", fallback},
		{"multi-line quoted unclosed", "a: 'one\n  two\n", fallback},
		{"multi-line quoted then text", "a: 'one\n  two' x\n", fallback},
		{"quoted spaces", "a: '  x  y  '\nb: \"  \"\n", fast},
		{"anchor", "a: &x 1\nb: *x\n", fallback},
		{"tag", "a: !!str 1\n", fallback},
		{"explicit key", "? a\n: b\n", fallback},
		{"document start", "---\na: 1\n", fallback},
		{"document end", "a: 1\n...\n", fallback},
		{"second document", "a: 1\n---\nb: 2\n", fallback},
		{"directive", "%YAML 1.2\n---\na: 1\n", fallback},
		{"compact mappings", "items:\n- name: x\n  value: 1\n- name: y\n  value:\n- name: z\n", fast},
		{"indented sequence", "items:\n  - a\n  - b\nafter: 1\n", fast},
		{"wide compact", "items:\n  -   name: x\n      value: 1\n", fast},
		{"empty entries", "a:\n-\n- \n- x\n-\n", fast},
		{"empty entry then nested", "a:\n-\n  b: 1\n", fast},
		{"value on next line", "a:\n  text\nb: 1\n", fast},
		{"quoted on next line", "a:\n  'text'\n", fast},
		{"flow on next line", "a:\n  [x]\n", fast},
		{"quoted keys", "'a b': 1\n\"c\": 2\n'': 3\n", fast},
		{"number and bool keys", "1: a\ntrue: b\nnull: c\n1.5: d\n", fast},
		{"duplicate keys", "a: 1\na: 2\n", fast},
		{"space before colon", "a : 1\n'b' : 2\n", fast},
		{"dash and colon words", "-x: -y\n:z: ?w\n", fast},
		{"key without value", "a: 1\nb\n", fallback},
		{"entry after mapping", "a: 1\n- b\n", fallback},
		{"sequence then key", "a:\n  - x\n  b: 1\n", fallback},
		{"bad dedent", "a:\n    b: 1\n  c: 2\n", fallback},
		{"block entry as value", "a: - b\n", fallback},
		{"indicator start", "a: @x\nb: `y`\n", fallback},
		{"percent value", "a: %x\n", fallback},
		{"pipe inside plain", "a: x | y > z\n", fast},
		{"brackets inside plain", "a: x [y] {z}, w\n", fast},
		{"long key", strings.Repeat("k", 1100) + ": v\n", fallback},
		{"control character", "a: b\x01\n", fallback},
		{"del character", "a: b\x7f\n", fallback},
		{"nel character", "a: b\u0085c\n", fallback},
		{"line separator", "a: b\u2028c\n", fallback},
		{"invalid utf-8", "a: \xff\n", fallback},
		{"nul escape", `a: "x\0y"` + "\n", fast},
	}
}

// TestFastYAMLCases checks tricky texts: each must take the fast path and
// give the library's tree, fall back, or (either) do whichever it does
// correctly. A text the library rejects must always fall back.
func TestFastYAMLCases(t *testing.T) {
	for _, c := range fastYAMLCases() {
		t.Run(c.name, func(t *testing.T) {
			answered, problem := checkFastYAML(c.text)
			if problem != "" {
				t.Fatalf("%q: %s", c.text, problem)
			}
			_, libErr := libraryYAML(c.text)
			switch {
			case answered && libErr != nil:
				t.Fatalf("%q: answered, but the library fails: %v", c.text, libErr)
			case c.want == fyFast && !answered:
				t.Errorf("%q: fell back, want the fast path (library error: %v)", c.text, libErr)
			case c.want == fyFallback && answered:
				t.Errorf("%q: answered, want a fall back", c.text)
			}
		})
	}
}

// TestFastYAMLRandom compares the fast parser with the library on texts
// stitched together from lines of YAML fragments at random indentations,
// which reach combinations of indentation, folding and chomping that the
// corpus does not hold. The generator is seeded, so failures repeat.
func TestFastYAMLRandom(t *testing.T) {
	fragments := []string{
		"key: value", "key:", "k2: 1", "k3: -1.5e3", "k4: 0x1F", "k5: 2023-01-02", "k6: ~", "k7: yes",
		"-", "- ", "- item", "- key: v", "- - x", "- |", "- >-", "- 'q'", "- [a, b]",
		"key: 'single ''q'''", `key: "d\"q\n"`, `key: "esc \`, `"quoted key": v`, "'k' : v",
		"key: |", "key: |-", "key: |+", "key: >", "key: >+", "key: |2", "key: >1-", "key: |0",
		"plain text", "more text here", "t#x", "a: b: c", "x:y", "key: a:b",
		"'open", "close'", `"open`, `close"`, "mid 'q' text", "  ",
		"key: [a, 'b', {c: d}]", "key: {a: 1, b: [x]}", "key: [a,", "b]", "key: []", "key: {}",
		"# comment", "key: v # c", "? k", ": v", "key: &a x", "key: *a", "key: !!str x",
		"---", "...", "k : v", "-1: z", "<<: m", "key:  ", "ключ: знач", "é",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const texts = 20000
	answered := 0
	var b strings.Builder
	for range texts {
		b.Reset()
		lines := 1 + rng.IntN(7)
		eol := "\n"
		if rng.IntN(10) == 0 {
			eol = "\r\n"
		}
		for i := range lines {
			if i > 0 || rng.IntN(4) == 0 {
				b.WriteString(strings.Repeat(" ", rng.IntN(7)))
			}
			b.WriteString(fragments[rng.IntN(len(fragments))])
			if i < lines-1 || rng.IntN(2) == 0 {
				b.WriteString(eol)
			}
		}
		text := b.String()
		ok, problem := checkFastYAML(text)
		if problem != "" {
			t.Fatalf("%q: %s", text, problem)
		}
		if ok {
			answered++
		}
	}
	t.Logf("the fast path answered for %d of %d random texts", answered, texts)
	if answered < texts/20 {
		t.Errorf("the fast path answered for only %d of %d random texts; the generator no longer tests it", answered, texts)
	}
}

// TestFastYAMLFloatShape checks the hand-written float pattern against the
// regular expression the library uses.
func TestFastYAMLFloatShape(t *testing.T) {
	re := regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
	inputs := []string{"", "1", "-1", "+", "-", ".", ".5", "5.", "5.5", "1e3", "1e", "1e+", "1e+3", "1E-3",
		".e3", "+.5e3", "1.2.3", "1..2", "e3", "1e3.5", "0x1", "1_0", " 1", "1 ", "++1", "-.5", "5.e1", "inf"}
	for _, in := range inputs {
		if got, want := fastYAMLFloatShape(in), re.MatchString(in); got != want {
			t.Errorf("fastYAMLFloatShape(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestFastYAMLResolve checks the tag given to plain scalars against the
// library, one scalar at a time.
func TestFastYAMLResolve(t *testing.T) {
	values := []string{"0", "00", "01", "08", "0x", "0x1g", "0b2", "-0b2", "0o8", "-0o7", "0o", "+0x1",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"18446744073709551616", "1_2_3", "_1", "1_", "0b1_0", "2023-02-30", "2023-1-1T1:2:3Z", "1e400",
		".1e400", "-.1e400", ".", "..", ".a", "+.", "-.inf", "~", "<<", "<", "y", "O", "Off", "nan", "Inf",
		"+inf", "-Infinity", "+nan", "0.0.0", "1,000", "1/2", "12:30", "1:30:00", "+-1", "-x",
		// Decimals near the length fastResolveNumber takes without parsing.
		strings.Repeat("9", fyShortFloat-2) + ".5", "-" + strings.Repeat("9", fyShortFloat-3) + ".5",
		strings.Repeat("9", fyShortFloat+10) + ".5", "0." + strings.Repeat("0", 400) + "1", "1_0.5", "0.8932",
		// Text that starts as a number, and numbers in every notation
		// the parsers take.
		"4096 tokens", "2.4T tokens", "1 000", "7b", "3x", "1e3", "0x1p-2", "0X1F", "1E3", "0xdead_beef",
		"-0x1F", "+12", "1%", "1e3,", "12h", "0o17", "-0b101", "2001-12-14 21:59:43.10 -5",
		// Decimals with letters (commit hashes), and the prefixed forms
		// and exponents that look like them.
		"9080400076fbadbb4c4dcb136ff4eddc40b42553", "12a", "-12a", "+1f", "1e5", "1E5", "-1e5x", "0xff",
		"-0xff", "+0XFF", "0b11", "0B11", "0o7", "0O7", "0a", "00x1", "1x", "1b", "1o", "0e", "0e1", "-e1"}
	for _, v := range values {
		text := "k: " + v + "\n"
		want, err := libraryYAML(text)
		if err != nil {
			t.Fatalf("library fails on %q: %v", text, err)
		}
		if got := fastResolvePlain(v); got != want.Content[0].Content[1].Tag {
			t.Errorf("fastResolvePlain(%q) = %s, want %s", v, got, want.Content[0].Content[1].Tag)
		}
	}
}

// TestParseMetadataFastPath checks ParseMetadata on blocks the fast parser
// answers for: the tree is the library's, and the checks made on it (a
// duplicate key, a block that is not a mapping) report the same file lines.
func TestParseMetadataFastPath(t *testing.T) {
	cases := []struct {
		name, text string
		// wantErrLine is the file line of the expected error, 0 for none.
		wantErrLine int
		wantErr     string
	}{
		{"plain", "a: 1\nb: [x, y]\nc:\n  d: |\n    text\n", 0, ""},
		{"duplicate top-level key", "a: 1\nb: 2\na: 3\n", 12, `key "a" is already defined on line 10`},
		{"duplicate nested key", "a:\n  b: 1\n  b: 2\n", 12, `key "b" is already defined on line 11`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, ok := fastParseYAML(c.text, nil); !ok {
				t.Fatalf("%q does not take the fast path, so this case tests nothing", c.text)
			}
			m, err := ParseMetadata(c.text, 10)
			want, libErr := libraryYAML(c.text)
			if libErr != nil {
				t.Fatalf("library fails on %q: %v", c.text, libErr)
			}
			if d := diffYAMLNodes("$", m.root, want.Content[0]); c.wantErr == "" && d != "" {
				t.Errorf("tree: %s", d)
			}
			var ye *YAMLError
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case c.wantErr != "" && !errors.As(err, &ye):
				t.Errorf("error %v, want a YAMLError", err)
			case c.wantErr != "" && (ye.Line != c.wantErrLine || !strings.Contains(ye.Msg, c.wantErr)):
				t.Errorf("error at line %d %q, want line %d %q", ye.Line, ye.Msg, c.wantErrLine, c.wantErr)
			}
			if raw, ok := m.Raw(); !ok || raw != c.text {
				t.Errorf("Raw() = %q, %v; want the text as read", raw, ok)
			}
		})
	}
}

// BenchmarkParseMetadataCorpus parses every corpus YAML block per
// iteration: with the library's decoder alone, with the fast parser
// (declined blocks going to the decoder), and through ParseMetadata.
func BenchmarkParseMetadataCorpus(b *testing.B) {
	_, blocks := corpusYAMLBlocks(b)
	var total int64
	for _, text := range blocks {
		total += int64(len(text))
	}
	run := func(name string, parse func(string)) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				for _, text := range blocks {
					parse(text)
				}
			}
			b.ReportMetric(float64(len(blocks))*float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
		})
	}
	run("yamlv3", func(text string) { _, _ = libraryYAML(text) })
	run("fast", func(text string) {
		if _, ok := fastParseYAML(text, nil); !ok {
			_, _ = libraryYAML(text)
		}
	})
	run("ParseMetadata", func(text string) { _, _ = ParseMetadata(text, 1) })
}

// TestPlainASCII8 holds the eight-byte test to the byte table: every byte
// value at every position among plain bytes, and random strings.
func TestPlainASCII8(t *testing.T) {
	check := func(s string) {
		t.Helper()
		want := true
		for i := range 8 {
			want = want && fyPlainASCII[s[i]]
		}
		if got := fyPlainASCII8(s); got != want {
			t.Fatalf("fyPlainASCII8(%q) = %v, want %v", s, got, want)
		}
	}
	for c := range 256 {
		for pos := range 8 {
			b := []byte("abcdefgh")
			b[pos] = byte(c)
			check(string(b))
		}
	}
	rng := rand.New(rand.NewPCG(3, 5))
	alphabet := []byte{'\n', '\r', '\t', 0, 0x1f, 0x20, 'a', 0x7e, 0x7f, 0x80, 0xc3, 0xff}
	for range 20000 {
		b := make([]byte, 8)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		check(string(b))
	}
}

// TestFirstDuplicateKey holds firstDuplicateKey, which looks back through
// a small mapping's keys and through a map for a large one, to a plain map
// reference on random mappings of 0 to 20 keys drawn from a few names,
// with merge keys and a non-scalar key among them.
func TestFirstDuplicateKey(t *testing.T) {
	reference := func(content []*yaml.Node) (dup, prev *yaml.Node) {
		seen := map[string]*yaml.Node{}
		for i := 0; i+1 < len(content); i += 2 {
			k := content[i]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				continue
			}
			if p, ok := seen[k.Value]; ok {
				return k, p
			}
			seen[k.Value] = k
		}
		return nil, nil
	}
	rng := rand.New(rand.NewPCG(11, 13))
	for range 20000 {
		n := rng.IntN(21)
		names := 2 + rng.IntN(2*n+1)
		var content []*yaml.Node
		for i := range n {
			k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: fmt.Sprintf("k%d", rng.IntN(names)), Line: i + 1}
			switch rng.IntN(12) {
			case 0:
				k.Tag, k.Value = "!!merge", "<<"
			case 1:
				k = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: i + 1}
			}
			content = append(content, k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"})
		}
		dup, prev := firstDuplicateKey(content)
		wantDup, wantPrev := reference(content)
		if dup != wantDup || prev != wantPrev {
			t.Fatalf("%d keys: got %v after %v, want %v after %v", n, dup, prev, wantDup, wantPrev)
		}
	}
}
