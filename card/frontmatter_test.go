package card

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// parseCardVector is one case of the Hub's README parsing vectors.
type parseCardVector struct {
	Name     string `json:"name"`
	Input    string `json:"input"`
	Expected struct {
		Data  map[string]any `json:"data"`
		Text  *string        `json:"text"`
		Error string         `json:"error"`
	} `json:"expected"`
	Deviation string `json:"deviation"`
}

// deviatingParseCardData gives, for the vectors we deliberately differ on,
// the data we produce instead and why.
var deviatingParseCardData = map[string]struct {
	data   map[string]any
	reason string
}{
	"parse_card/12": {
		data:   map[string]any{"language": "no", "license": "mit"},
		reason: "YAML 1.2: `language: no` is the string \"no\" (Norwegian), not false",
	},
}

func TestParseCardVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(sharedDir(t), "testvectors", "huggingface_hub", "parse_card.json"))
	if err != nil {
		t.Fatalf("read vectors: %v", err)
	}
	var vectors []parseCardVector
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatalf("decode vectors: %v", err)
	}
	if len(vectors) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			fm := SplitFrontMatter(v.Input)
			if fm.Head+fm.Body != v.Input {
				t.Fatalf("head+body does not rebuild the input: %q + %q", fm.Head, fm.Body)
			}
			var data map[string]any
			var parseErr error
			if fm.Found {
				var m *Metadata
				m, parseErr = ParseMetadata(fm.YAML, fm.YAMLLine)
				if parseErr == nil {
					data = m.Map()
				}
			}
			if v.Expected.Error != "" {
				if parseErr == nil {
					t.Fatalf("want an error like %q, got data %v", v.Expected.Error, data)
				}
				if !strings.Contains(parseErr.Error(), "mapping") {
					t.Errorf("error %q should say the block must be a mapping", parseErr)
				}
				return
			}
			if parseErr != nil {
				t.Fatalf("unexpected error: %v", parseErr)
			}
			// The Hub's card data drops top-level null values.
			for k, val := range data {
				if val == nil {
					delete(data, k)
				}
			}
			if data == nil {
				data = map[string]any{}
			}
			want := v.Expected.Data
			if dev, ok := deviatingParseCardData[v.Name]; ok {
				if v.Deviation == "" {
					t.Fatalf("we deviate (%s) but the vector has no deviation note", dev.reason)
				}
				want = dev.data
			}
			if !jsonEqual(t, data, want) {
				t.Errorf("data = %#v, want %#v", data, want)
			}
			if v.Expected.Text != nil && fm.Body != *v.Expected.Text {
				t.Errorf("text = %q, want %q", fm.Body, *v.Expected.Text)
			}
		})
	}
}

// sameData compares decoded YAML data, taking NaN as equal to NaN.
func sameData(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameData(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameData(x[i], y[i]) {
				return false
			}
		}
		return true
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || (math.IsNaN(x) && math.IsNaN(y)))
	}
	return reflect.DeepEqual(a, b)
}

// jsonEqual compares two values as JSON values.
func jsonEqual(t testing.TB, a, b any) bool {
	t.Helper()
	norm := func(v any) any {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("marshal %#v: %v", v, err)
		}
		var out any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("unmarshal: %v", err)
		}
		return out
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func TestSplitFrontMatterLines(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		found    bool
		yaml     string
		yamlLine int
		bodyLine int
	}{
		{"simple", "---\na: 1\n---\nbody\n", true, "a: 1", 2, 4},
		{"leading blank lines", "\n\n---\na: 1\nb: 2\n---\n# T\n", true, "a: 1\nb: 2", 4, 7},
		{"crlf", "---\r\na: 1\r\n---\r\nbody", true, "a: 1", 2, 4},
		{"blank lines after the opening fence", "---\n\n\na: 1\n---\n", true, "a: 1", 4, 6},
		{"empty block needs a line between fences", "---\n\n---\nx", true, "", 2, 4},
		{"no closing fence", "---\na: 1\n", false, "", 0, 1},
		{"four dashes do not open", "----\na: 1\n---\n", false, "", 0, 1},
		{"closing fence with trailing text", "---\na: 1\n---x\nb: 2\n---\nbody", true, "a: 1\n---x\nb: 2", 2, 6},
		{"end of file right after closing fence", "---\na: 1\n---", true, "a: 1", 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm := SplitFrontMatter(tt.in)
			if fm.Found != tt.found {
				t.Fatalf("found = %v, want %v", fm.Found, tt.found)
			}
			if fm.Head+fm.Body != tt.in {
				t.Fatalf("head+body %q+%q != input", fm.Head, fm.Body)
			}
			if !tt.found {
				return
			}
			if fm.YAML != tt.yaml || fm.YAMLLine != tt.yamlLine || fm.BodyLine != tt.bodyLine {
				t.Errorf("got yaml %q line %d body line %d, want %q %d %d",
					fm.YAML, fm.YAMLLine, fm.BodyLine, tt.yaml, tt.yamlLine, tt.bodyLine)
			}
		})
	}
}

func TestParseMetadataErrorsCarryFileLines(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		first    int
		wantLine int
		wantText string
	}{
		{"bad indentation", "a: 1\nb:\n  - x\n - y\n", 2, 0, ""},
		{"unclosed quote", "a: \"open\nb: 2\n", 10, 0, ""},
		{"duplicate key", "license: mit\nlicense: apache-2.0\n", 2, 3, "license"},
		{"list at top level", "- a\n- b\n", 2, 2, "mapping"},
		{"tab indentation", "a:\n\t- x\n", 2, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMetadata(tt.yaml, tt.first)
			if err == nil {
				t.Fatal("want an error")
			}
			ye, ok := err.(*YAMLError)
			if !ok {
				t.Fatalf("error %T is not a *YAMLError", err)
			}
			if tt.wantLine > 0 && ye.Line != tt.wantLine {
				t.Errorf("line = %d, want %d (%v)", ye.Line, tt.wantLine, ye)
			}
			if tt.wantLine == 0 && ye.Line < tt.first {
				t.Errorf("line = %d, want a file line >= %d (%v)", ye.Line, tt.first, ye)
			}
			if tt.wantText != "" && !strings.Contains(ye.Msg, tt.wantText) {
				t.Errorf("message %q lacks %q", ye.Msg, tt.wantText)
			}
		})
	}
}

func TestMetadataYAML12AndOrder(t *testing.T) {
	src := "zeta: 1\nlanguage: no\nalpha: [a, b]\nflag: true\nnothing: null\nname: x\n"
	m, err := ParseMetadata(src, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Keys(), ","); got != "zeta,language,alpha,flag,nothing,name" {
		t.Errorf("key order = %s", got)
	}
	if v, _ := m.Value("language"); v != "no" {
		t.Errorf("language = %#v, want the string \"no\"", v)
	}
	if v, _ := m.Value("flag"); v != true {
		t.Errorf("flag = %#v, want true", v)
	}
	if got := m.Strings("alpha"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("alpha = %v", got)
	}
	if m.Line("alpha") != 4 {
		t.Errorf("line of alpha = %d, want 4", m.Line("alpha"))
	}
	if !m.IsNull("nothing") || m.IsNull("name") {
		t.Error("IsNull is wrong")
	}
	if out, _ := m.Encode(); out != src {
		t.Errorf("unchanged metadata should encode to its source, got %q", out)
	}
	if err := m.Set("license", "mit"); err != nil {
		t.Fatal(err)
	}
	if err := m.Set("zeta", []string{"p", "q"}); err != nil {
		t.Fatal(err)
	}
	m.Delete("nothing")
	out, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseMetadata(out, 1)
	if err != nil {
		t.Fatalf("re-parse %q: %v", out, err)
	}
	if got := strings.Join(back.Keys(), ","); got != "zeta,language,alpha,flag,name,license" {
		t.Errorf("key order after edit = %s\n%s", got, out)
	}
	if v, _ := back.Value("language"); v != "no" {
		t.Errorf("re-encoded language = %#v, want \"no\"\n%s", v, out)
	}
}

// fenceLine is a closing fence line, as the Hub's pattern has it.
var fenceLine = regexp.MustCompile(`^---[ \t]*(\r\n|\n|$)`)

// closingFenceByRuns is findClosingFence written the plain way, a reference
// for it: the first run of line breaks at or after yamlStart (counted from
// yamlStart) followed by "---", spaces or tabs, then "\n", "\r\n" or the
// end; it returns the run's start and the end of the fence line.
func closingFenceByRuns(src string, yamlStart int) (p, end int, ok bool) {
	isBreak := func(c byte) bool { return c == '\n' || c == '\r' }
	for p = yamlStart; p < len(src); p++ {
		if !isBreak(src[p]) || (p > yamlStart && isBreak(src[p-1])) {
			continue
		}
		q := p
		for q < len(src) && isBreak(src[q]) {
			q++
		}
		if m := fenceLine.FindStringIndex(src[q:]); m != nil {
			return p, q + m[1], true
		}
	}
	return 0, 0, false
}

// TestFindClosingFenceByRuns holds findClosingFence to closingFenceByRuns
// on random texts of line breaks, dashes, blanks and letters, with and
// without carriage returns, from every start.
func TestFindClosingFenceByRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for _, alphabet := range []string{"\n---- \ta", "\n\r--- a"} {
		for range 20000 {
			b := make([]byte, rng.IntN(24))
			for i := range b {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
			src := string(b)
			for start := 0; start <= len(src); start++ {
				fm, ok := findClosingFence(src, start)
				p, e, wantOK := closingFenceByRuns(src, start)
				if ok != wantOK || ok && (fm.YAML != src[start:p] || fm.Head != src[:e] || fm.Body != src[e:]) {
					t.Fatalf("findClosingFence(%q, %d) = %v, %q, head %q; want %v, %q, head %q", src, start, ok, fm.YAML, fm.Head, wantOK, src[start:min(p, len(src))], src[:e])
				}
			}
		}
	}
}
