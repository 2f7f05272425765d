package card

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ftCardSchema compiles the shipped card schema from its file.
func ftCardSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("schema", "card.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	return sch
}

// ftJSONRoundTrip renders a card as JSON, validates it, reads it back and
// checks that nothing changed; it returns the card read back.
func ftJSONRoundTrip(t *testing.T, where string, sch *jsonschema.Schema, c *Card) *Card {
	t.Helper()
	out, err := RenderJSON(c)
	if err != nil {
		t.Errorf("%s: render: %v", where, err)
		return nil
	}
	if err := ftValidateJSON(sch, out); err != nil {
		t.Errorf("%s: does not validate against card.schema.json: %v", where, err)
		return nil
	}
	back, err := ParseCardJSON(out, where)
	if err != nil {
		t.Errorf("%s: read back: %v", where, err)
		return nil
	}
	want := renderContent(c)
	// JSON has no NaN or infinity: the format writes them as text.
	want.EvalResults = slices.Clone(want.EvalResults)
	for i := range want.EvalResults {
		if f, ok := want.EvalResults[i].MetricValue.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			want.EvalResults[i].MetricValue = string(hfAppendFloat(nil, f, 64, false))
		}
	}
	if !ftSameContent(back.Content, want) {
		t.Errorf("%s: content changed: %s", where, ftContentDiff(back.Content, want))
	}
	if !sameData(ftFiniteData(back.Meta.Map()), ftFiniteData(ftMetaData(c.Meta))) {
		t.Errorf("%s: metadata changed:\n got %v\nwant %v", where, back.Meta.Map(), c.Meta.Map())
	}
	if !slices.Equal(back.Meta.Keys(), c.Meta.Keys()) {
		t.Errorf("%s: metadata key order changed: %v, want %v", where, back.Meta.Keys(), c.Meta.Keys())
	}
	if back.Family != c.Family {
		t.Errorf("%s: family = %q, want %q", where, back.Family, c.Family)
	}
	again, err := RenderJSON(back)
	if err != nil {
		t.Errorf("%s: render again: %v", where, err)
	} else if c.source == nil && !bytes.Equal(again, out) {
		t.Errorf("%s: the JSON is not stable:\nfirst  %s\nsecond %s", where, out, again)
	}
	return back
}

// ftMetaData is the metadata as data, with YAML timestamps as the text
// they were written as (the JSON format keeps them as text).
func ftMetaData(m *Metadata) map[string]any {
	out := m.Map()
	if m.Len() == 0 {
		return out
	}
	for i := 0; i+1 < len(m.root.Content); i += 2 {
		if v := m.root.Content[i+1]; v.ShortTag() == "!!timestamp" {
			out[m.root.Content[i].Value] = v.Value
		}
	}
	return out
}

// ftFiniteData replaces NaN and infinite floats by the text the JSON
// format writes for them.
func ftFiniteData(v any) any {
	switch t := v.(type) {
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return string(hfAppendFloat(nil, t, 64, false))
		}
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = ftFiniteData(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = ftFiniteData(e)
		}
		return out
	}
	return v
}

// ftSameContent compares contents, metric values with their types.
func ftSameContent(a, b Content) bool {
	if len(a.EvalResults) != len(b.EvalResults) {
		return false
	}
	for i := range a.EvalResults {
		x, y := a.EvalResults[i], b.EvalResults[i]
		if !ftSameValue(x.MetricValue, y.MetricValue) || !sameData(normalise(ftPlain(x.MetricArgs)), normalise(ftPlain(y.MetricArgs))) ||
			!sameData(normalise(ftPlain(x.DatasetArgs)), normalise(ftPlain(y.DatasetArgs))) {
			return false
		}
	}
	a.EvalResults, b.EvalResults = ftStripValues(a.EvalResults), ftStripValues(b.EvalResults)
	if len(a.Specifics) == 0 && len(b.Specifics) == 0 {
		a.Specifics, b.Specifics = nil, nil
	}
	if len(a.Hyperparameters) == 0 && len(b.Hyperparameters) == 0 {
		a.Hyperparameters, b.Hyperparameters = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// ftContentDiff names the first field that differs, with both values.
func ftContentDiff(a, b Content) string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := 0; i < va.NumField(); i++ {
		x, y := va.Field(i).Interface(), vb.Field(i).Interface()
		if reflect.DeepEqual(x, y) {
			continue
		}
		if ra, ok := x.([]EvalResult); ok {
			rb := y.([]EvalResult)
			for j := 0; j < len(ra) && j < len(rb); j++ {
				if !reflect.DeepEqual(ra[j], rb[j]) {
					return fmt.Sprintf("eval result %d:\n got %#v\nwant %#v", j, ra[j], rb[j])
				}
			}
		}
		gx, _ := json.Marshal(x)
		gy, _ := json.Marshal(y)
		return fmt.Sprintf("%s:\n got %.300s\nwant %.300s", va.Type().Field(i).Name, gx, gy)
	}
	return "no field differs"
}

// ftPlain turns nil and empty args into one form.
func ftPlain(m map[string]any) any {
	if len(m) == 0 {
		return map[string]any{}
	}
	return m
}

// ftSameValue compares metric values: same Go kind (integer, float,
// string) and value.
func ftSameValue(a, b any) bool {
	kind := func(v any) string {
		switch v.(type) {
		case float64, float32:
			return "float"
		case string:
			return "string"
		case nil:
			return "nil"
		}
		return "int"
	}
	if kind(a) != kind(b) {
		return false
	}
	if f, ok := a.(float64); ok {
		g := b.(float64)
		return f == g || math.IsNaN(f) && math.IsNaN(g)
	}
	return metricValueText(a) == metricValueText(b)
}

func ftStripValues(rs []EvalResult) []EvalResult {
	out := slices.Clone(rs)
	for i := range out {
		out[i].MetricValue, out[i].MetricArgs, out[i].DatasetArgs = nil, nil, nil
	}
	return out
}

// TestJSONRoundTripExamples renders every example as JSON, validates it
// against the shipped schema and reads it back unchanged.
func TestJSONRoundTripExamples(t *testing.T) {
	sch := ftCardSchema(t)
	for name, c := range ftExampleCards(t) {
		back := ftJSONRoundTrip(t, name, sch, c)
		if back == nil {
			continue
		}
		// The card read back renders the same Hub card.
		a, err1 := RenderHF(c)
		b, err2 := RenderHF(back)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: the Hub card of the card read back differs (%v, %v)", name, err1, err2)
		}
	}
}

// TestJSONRoundTripCorpus does the same for every corpus card with a YAML
// block.
func TestJSONRoundTripCorpus(t *testing.T) {
	sch := ftCardSchema(t)
	n := 0
	for _, e := range corpusEntries(t) {
		if !e.HasFrontMatter {
			continue
		}
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Parse(src)
		if err != nil {
			continue
		}
		if ftJSONRoundTrip(t, e.Path, sch, c) != nil {
			n++
		}
	}
	t.Logf("%d corpus cards sent round through JSON", n)
	if n < 1000 {
		t.Fatalf("only %d cards checked", n)
	}
}

// TestJSONValueTypes checks that metric values, args and metadata keep
// their types and order.
func TestJSONValueTypes(t *testing.T) {
	m := NewMetadata()
	for _, kv := range []struct {
		k string
		v any
	}{{"zeta", 1}, {"alpha", 2.5}, {"tiny", 1e-5}, {"nested", map[string]any{"b": true, "a": nil}}, {"list", []any{"x", 3}}} {
		if err := m.Set(kv.k, kv.v); err != nil {
			t.Fatal(err)
		}
	}
	verified := false
	c := &Card{Meta: m, Family: FamilyNLP, Content: Content{EvalResults: []EvalResult{
		{MetricType: "a", MetricValue: 95.0},
		{MetricType: "b", MetricValue: 41},
		{MetricType: "c", MetricValue: "20.0 ± 1.2"},
		{MetricType: "d", MetricValue: int64(1) << 40, Verified: &verified, MetricArgs: map[string]any{"k": 4, "f": 0.5}},
	}}}
	out, err := RenderJSON(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"metric_value": 95.0`, `"metric_value": 41`, `"metric_value": "20.0 ± 1.2"`, `"verified": false`, `"tiny": 1e-05`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if i, j := bytes.Index(out, []byte(`"zeta"`)), bytes.Index(out, []byte(`"alpha"`)); i < 0 || j < i {
		t.Errorf("metadata keys not in their order:\n%s", out)
	}
	back, err := ParseCardJSON(out, "x")
	if err != nil {
		t.Fatal(err)
	}
	wantTypes := []string{"float64", "int", "string", "int"}
	for i, r := range back.Content.EvalResults {
		if got := reflect.TypeOf(r.MetricValue).String(); got != wantTypes[i] {
			t.Errorf("result %d value type %s, want %s", i, got, wantTypes[i])
		}
	}
	if v := back.Content.EvalResults[3].MetricArgs["k"]; v != 4 {
		t.Errorf("args k = %#v, want 4", v)
	}
	if !slices.Equal(back.Meta.Keys(), []string{"zeta", "alpha", "tiny", "nested", "list"}) {
		t.Errorf("keys = %v", back.Meta.Keys())
	}
	if v, _ := back.Meta.Value("tiny"); v != 1e-5 {
		t.Errorf("tiny = %#v", v)
	}
}

// TestScanNeedsInfo checks the scanner against FindNeedsInfo.
func TestScanNeedsInfo(t *testing.T) {
	texts := []string{
		NeedsInfo("a.b", "x") + "text\n" + NeedsInfo("c:d-e_f", "y"),
		"not at line start " + NeedsInfo("a", "x"),
		"> **Needs information** `bad id`: x\n> **Needs information** ``: y\n> **Needs information** `ok",
		"",
	}
	for _, c := range ftExampleCards(t) {
		md, _ := RenderHF(c)
		texts = append(texts, string(md))
		an, _ := RenderAnnexIV(c)
		texts = append(texts, string(an))
	}
	for i, text := range texts {
		if got, want := FindNeedsInfo(text), needsInfoOracle(text); !slices.Equal(got, want) {
			t.Errorf("text %d: FindNeedsInfo = %q, the regexp oracle = %q", i, got, want)
		}
	}
}

// TestJSONNeedsInformation checks the derived list of missing facts.
func TestJSONNeedsInformation(t *testing.T) {
	out, err := RenderJSON(&Card{Content: Content{ModelID: "org/x", Summary: "A model."}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Needs []string `json:"needs_information"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(doc.Needs, string(SecDirectUse)) || slices.Contains(doc.Needs, GuidanceSummary) {
		t.Errorf("needs_information = %v: want uses.direct and not summary", doc.Needs)
	}
}

// TestCardSchemaCoversContent checks that the schema describes every
// field of Content and EvalResult, and only those, each with a description.
func TestCardSchemaCoversContent(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(CardSchema(), &doc); err != nil {
		t.Fatal(err)
	}
	defs := doc["$defs"].(map[string]any)
	for _, tc := range []struct {
		def string
		typ reflect.Type
	}{{"content", reflect.TypeOf(Content{})}, {"eval_result", reflect.TypeOf(EvalResult{})}} {
		props := defs[tc.def].(map[string]any)["properties"].(map[string]any)
		var tags []string
		for i := 0; i < tc.typ.NumField(); i++ {
			tag, _, _ := strings.Cut(tc.typ.Field(i).Tag.Get("json"), ",")
			tags = append(tags, tag)
			p, ok := props[tag].(map[string]any)
			if !ok {
				t.Errorf("%s: field %s (%s) is not in the schema", tc.def, tag, tc.typ.Field(i).Name)
				continue
			}
			if d, _ := p["description"].(string); d == "" {
				t.Errorf("%s.%s has no description", tc.def, tag)
			}
		}
		for name := range props {
			if !slices.Contains(tags, name) {
				t.Errorf("%s: schema property %s is no field", tc.def, name)
			}
		}
	}
}

// TestParseCardJSONErrors checks the reported faults.
func TestParseCardJSONErrors(t *testing.T) {
	tests := []struct {
		name, in, code, path, say string
	}{
		{"unknown content key", `{"content": {"sumary": "x"}}`, "card.unknown-key", "$.content", `did you mean "summary"`},
		{"wrong type", `{"content": {"summary": 3}}`, "card.type", "$.content.summary", "text"},
		{"future version", `{"format_version": 2}`, "card.const", "$.format_version", "must be 1"},
		{"unknown family", `{"family": "robots"}`, "card.enum", "$.family", "robots"},
		{"bad metric value", `{"content": {"eval_results": [{"metric_value": [1]}]}}`, "card.type", "$.content.eval_results[0].metric_value", "a number or text"},
		{"metadata not an object", `{"metadata": []}`, "card.type", "$.metadata", "an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCardJSON([]byte(tt.in), "c.json")
			var fe *InputFormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want an *InputFormatError", err)
			}
			p := fe.Problems[0]
			if p.Code != tt.code || p.Field != tt.path || p.Line != 1 {
				t.Errorf("problem = %+v, want %s at %s", p, tt.code, tt.path)
			}
			if !strings.Contains(p.Message+p.Fix, tt.say) {
				t.Errorf("problem %q does not say %q", p.String(), tt.say)
			}
		})
	}
}

// FuzzParseCardJSON checks that any input gives a card or an error, never
// a panic, and that a card read renders back to the same JSON.
func FuzzParseCardJSON(f *testing.F) {
	f.Add([]byte(`{"format_version": 1, "family": "nlp", "content": {"summary": "x", "eval_results": [{"metric_value": 1.5}]}, "metadata": {"b": 1, "a": [true, null]}}`))
	f.Add([]byte(`{"metadata": {"x": {"y": 1e300}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCardJSON(data, "fuzz.json")
		if err != nil {
			return
		}
		out, err := RenderJSON(c)
		if err != nil {
			t.Fatalf("a card read does not render: %v", err)
		}
		back, err := ParseCardJSON(out, "again.json")
		if err != nil {
			t.Fatalf("the rendered card does not read back: %v\n%s", err, out)
		}
		again, err := RenderJSON(back)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("the JSON changed on a second round trip (%v):\n%s\n%s", err, out, again)
		}
	})
}

// needsInfoOracle finds markers with a regular expression, the plain
// statement of what FindNeedsInfo's scanner does.
func needsInfoOracle(text string) []string {
	var ids []string
	for _, m := range regexp.MustCompile("(?m)^> \\*\\*Needs information\\*\\* `([A-Za-z0-9_.:-]+)`").FindAllStringSubmatch(text, -1) {
		ids = append(ids, m[1])
	}
	return ids
}
