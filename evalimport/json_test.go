package evalimport

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestParseJSONValues(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{`null`, nil},
		{` true `, true},
		{`false`, false},
		{`0`, int64(0)},
		{`-12`, int64(-12)},
		{`12.50`, 12.5},
		{`1E3`, 1000.0},
		{`-0.5e-2`, -0.005},
		{`1e-400`, 0.0},
		{`92233720368547758070`, 9.223372036854776e19},
		{`"a\"b\\c\/d\b\f\n\r\t\u0041\u00e9"`, "a\"b\\c/d\b\f\n\r\tAé"},
		{`"\ud83d\ude00 \ud83d x"`, "😀 \uFFFD x"},
		{`[]`, []any{}},
		{`{}`, map[string]any{}},
		{`[1, "two", [3], {"four": 4.0}]`, []any{int64(1), "two", []any{int64(3)}, map[string]any{"four": 4.0}}},
		{"{\r\n\t\"k\" :\n[ ]\n}", map[string]any{"k": []any{}}},
	}
	for _, tc := range tests {
		s, err := newSource("x.json", []byte(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		n, err := parseJSON(s)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got := n.toAny(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %#v, want %#v", tc.in, got, tc.want)
		}
	}
}

func TestParseJSONPythonNumbers(t *testing.T) {
	s, _ := newSource("x.json", []byte(`[NaN, Infinity, -Infinity]`))
	n, err := parseJSON(s)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(n.items[0].num) || !math.IsInf(n.items[1].num, 1) || !math.IsInf(n.items[2].num, -1) {
		t.Errorf("got %v %v %v", n.items[0].num, n.items[1].num, n.items[2].num)
	}
}

func TestParseJSONErrors(t *testing.T) {
	deep := strings.Repeat("[", maxJSONDepth+2) + strings.Repeat("]", maxJSONDepth+2)
	tests := []struct {
		in, pos, word string
	}{
		{`[1 2]`, "x.json:1:4", "comma"},
		{`[1,]`, "x.json:1:4", "trailing comma"},
		{`{"a" 1}`, "x.json:1:6", "':'"},
		{`{"a": }`, "x.json:1:7", "value was expected"},
		{`[tru]`, "x.json:1:2", "value was expected"},
		{`[truex]`, "x.json:1:2", "value was expected"},
		{`[Nan]`, "x.json:1:2", "value was expected"},
		{`[-]`, "x.json:1:2", "value was expected"},
		{`[1.]`, "x.json:1:4", "decimal point"},
		{`[1e]`, "x.json:1:4", "exponent"},
		{`[1e400]`, "x.json:1:2", "too large"},
		{`["\u12"]`, "x.json:1:3", "four hexadecimal digits"},
		{`["abc`, "x.json:1:6", "string opened on line 1, column 2"},
		{"[\"a\",\n  \"é\" \"b\"]", "x.json:2:7", "comma"},
		{deep, "x.json:1:514", "nested more than 512"},
	}
	for _, tc := range tests {
		s, err := newSource("x.json", []byte(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		_, err = parseJSON(s)
		wantError(t, err, ErrSyntax, tc.pos, tc.word)
	}
}

func TestJSONPath(t *testing.T) {
	if got, want := jsonPath("results", "gsm8k", "exact_match,strict-match"), `results.gsm8k["exact_match,strict-match"]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
