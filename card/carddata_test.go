package card

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// miObjectKeys returns the top-level keys of a JSON object in their order.
func miObjectKeys(t testing.TB, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("read key: %v", err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatalf("read value: %v", err)
		}
	}
	return keys
}

// miMetadataJSON returns the metadata's keys in order and its values as
// plain JSON values.
func miMetadataJSON(t testing.TB, md *Metadata) ([]string, map[string]any) {
	t.Helper()
	values := map[string]any{}
	for _, k := range md.Keys() {
		v, ok := md.Value(k)
		if !ok {
			t.Fatalf("key %q has no value", k)
		}
		values[k] = miJSONValue(t, v)
	}
	return md.Keys(), values
}

func TestCardDataToMetadataVectors(t *testing.T) {
	for _, v := range miLoadHubVectors(t, "card_data_to_dict.json") {
		t.Run(v.Name, func(t *testing.T) {
			in, ok := miDecodeNumbers(t, v.Input).(map[string]any)
			if !ok {
				t.Fatalf("input is not an object: %s", v.Input)
			}
			md, err := CardDataToMetadataOrdered(miObjectKeys(t, v.Input), in)
			if want := miVectorError(t, v.Expected); want != "" {
				if err == nil {
					enc, _ := md.Encode()
					t.Fatalf("want an error like %q, got\n%s", want, enc)
				}
				if !errors.Is(err, ErrInvalidCardData) {
					t.Errorf("error %v does not wrap ErrInvalidCardData", err)
				}
				// The library's message names both keys; so must ours.
				for _, k := range []string{"eval_results", "model_name"} {
					if strings.Contains(want, k) && !strings.Contains(err.Error(), k) {
						t.Errorf("error %q does not name %s", err, k)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("CardDataToMetadataOrdered: %v", err)
			}
			keys, values := miMetadataJSON(t, md)
			if want := miObjectKeys(t, v.Expected); !reflect.DeepEqual(keys, want) {
				t.Errorf("keys %v, want %v", keys, want)
			}
			miAssertSameJSON(t, values, v.Expected)

			// Without an order, the values are the same.
			md2, err := CardDataToMetadata(in)
			if err != nil {
				t.Fatalf("CardDataToMetadata: %v", err)
			}
			_, values2 := miMetadataJSON(t, md2)
			miAssertSameJSON(t, values2, v.Expected)
		})
	}
}

func TestCardDataToMetadataOrder(t *testing.T) {
	data := map[string]any{
		"zeta": 1, "tags": []any{"x"}, "alpha": 2, "license": "mit", "model_name": "m",
		"eval_results": []any{map[string]any{"task_type": "t", "dataset_type": "d", "dataset_name": "D",
			"metric_type": "a", "metric_value": 1}},
		"base_model": "b", "mid": nil, "beta": 3,
	}
	tests := []struct {
		name string
		keys []string
		want []string
	}{
		{"no order: others sorted", nil,
			[]string{"base_model", "license", "tags", "alpha", "beta", "zeta", "model-index"}},
		{"given order", []string{"zeta", "tags", "alpha", "mid", "license", "beta"},
			[]string{"base_model", "license", "tags", "zeta", "alpha", "beta", "model-index"}},
		{"partial order: the rest sorted", []string{"zeta", "unknown"},
			[]string{"base_model", "license", "tags", "zeta", "alpha", "beta", "model-index"}},
	}
	for _, tt := range tests {
		md, err := CardDataToMetadataOrdered(tt.keys, data)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := md.Keys(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: keys %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCardDataToMetadataCases(t *testing.T) {
	result := func(kv ...any) map[string]any {
		m := map[string]any{"task_type": "t", "dataset_type": "d", "dataset_name": "D", "metric_type": "a", "metric_value": 1}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name string
		data map[string]any
		want string // JSON of the metadata, or "" for an error
		err  []string
	}{
		{"tags deduplicated", map[string]any{"tags": []string{"b", "a", "b", "c", "a"}},
			`{"tags":["b","a","c"]}`, nil},
		{"mixed tags deduplicated", map[string]any{"tags": []any{1, "1", 1, []any{"x"}, []any{"x"}}},
			`{"tags":[1,"1",["x"]]}`, nil},
		{"string tags kept", map[string]any{"tags": "solo"}, `{"tags":"solo"}`, nil},
		{"nulls dropped at top level only", map[string]any{"license": nil, "co2": map[string]any{"source": nil}},
			`{"co2":{"source":null}}`, nil},
		{"model_name alone stays", map[string]any{"model_name": "m"}, `{"model_name":"m"}`, nil},
		{"null eval_results keeps model_name", map[string]any{"model_name": "m", "eval_results": nil},
			`{"model_name":"m"}`, nil},
		{"empty eval_results with name", map[string]any{"model_name": "m", "eval_results": []any{}},
			`{"model-index":[{"name":"m","results":[]}]}`, nil},
		{"empty eval_results without name", map[string]any{"eval_results": []any{}}, `{}`, nil},
		{"single eval result mapping", map[string]any{"model_name": "m", "eval_results": result()},
			`{"model-index":[{"name":"m","results":[{"task":{"type":"t"},"dataset":{"name":"D","type":"d"},"metrics":[{"type":"a","value":1}]}]}]}`, nil},
		{"typed eval results", map[string]any{"model_name": "m", "eval_results": []EvalResult{
			{TaskType: "t", DatasetType: "d", DatasetName: "D", MetricType: "a", MetricValue: 2}}},
			`{"model-index":[{"name":"m","results":[{"task":{"type":"t"},"dataset":{"name":"D","type":"d"},"metrics":[{"type":"a","value":2}]}]}]}`, nil},
		{"model-index replaces eval results", map[string]any{
			"model_name": "ignored", "eval_results": []any{result()},
			"model-index": []any{map[string]any{"name": "mi", "results": []any{
				map[string]any{"task": map[string]any{"type": "t"}, "dataset": map[string]any{"type": "d", "name": "D"},
					"metrics": []any{map[string]any{"type": "x", "value": 5}}},
				map[string]any{"task": map[string]any{"type": "t"}, "dataset": map[string]any{"type": "d", "name": "D"},
					"metrics": []any{map[string]any{"type": "y", "value": 6}}},
			}}}},
			`{"model-index":[{"name":"mi","results":[{"task":{"type":"t"},"dataset":{"name":"D","type":"d"},"metrics":[{"type":"x","value":5},{"type":"y","value":6}]}]}]}`, nil},
		{"empty model-index dropped", map[string]any{"license": "mit", "model-index": []any{}}, `{"license":"mit"}`, nil},
		{"eval results without model name", map[string]any{"eval_results": []any{result()}}, "",
			[]string{"eval_results", "model_name"}},
		{"eval results with empty model name", map[string]any{"model_name": "", "eval_results": []any{result()}}, "",
			[]string{"model_name"}},
		{"model name not a string", map[string]any{"model_name": 3, "eval_results": []any{result()}}, "",
			[]string{"model_name", "string"}},
		{"eval results not a list", map[string]any{"model_name": "m", "eval_results": "x"}, "",
			[]string{"eval_results", "list", "string"}},
		{"eval result not a mapping", map[string]any{"model_name": "m", "eval_results": []any{result(), 3}}, "",
			[]string{"eval_results[1]", "mapping"}},
		{"eval result incomplete", map[string]any{"model_name": "m", "eval_results": []any{result("dataset_name", nil)}}, "",
			[]string{"eval_results", "dataset_name"}},
		{"eval result bad key", map[string]any{"model_name": "m", "eval_results": []any{result(), result("metric", "x")}}, "",
			[]string{"eval_results[1]", `"metric"`}},
		{"broken model-index", map[string]any{"model-index": []any{map[string]any{"name": "m"}}}, "",
			[]string{"model-index", "results"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md, err := CardDataToMetadata(tt.data)
			if tt.want == "" {
				if err == nil {
					enc, _ := md.Encode()
					t.Fatalf("want an error, got\n%s", enc)
				}
				if !errors.Is(err, ErrInvalidCardData) {
					t.Errorf("error %v does not wrap ErrInvalidCardData", err)
				}
				for _, s := range tt.err {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %s", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, values := miMetadataJSON(t, md)
			miAssertSameJSON(t, values, json.RawMessage(tt.want))
		})
	}
}

func TestEvalResultFromMap(t *testing.T) {
	yes := true
	tests := []struct {
		name string
		in   map[string]any
		want EvalResult
		err  []string
	}{
		{"full", map[string]any{
			"task_type": "t", "task_name": "T", "dataset_type": "d", "dataset_name": "D", "dataset_config": "c",
			"dataset_split": "s", "dataset_revision": "r", "dataset_args": map[string]any{"n": json.Number("5")},
			"metric_type": "m", "metric_value": json.Number("0.5"), "metric_name": "M", "metric_config": "mc",
			"metric_args": map[any]any{"k": "v"}, "verified": true, "verify_token": "tok",
			"source_name": "S", "source_url": "https://s.example",
		}, EvalResult{TaskType: "t", TaskName: "T", DatasetType: "d", DatasetName: "D", DatasetConfig: "c",
			DatasetSplit: "s", DatasetRevision: "r", DatasetArgs: map[string]any{"n": int64(5)},
			MetricType: "m", MetricValue: 0.5, MetricName: "M", MetricConfig: "mc",
			MetricArgs: map[string]any{"k": "v"}, Verified: &yes, VerifyToken: "tok",
			SourceName: "S", SourceURL: "https://s.example"}, nil},
		{"partial result is read", map[string]any{"metric_type": "accuracy", "metric_value": 0.9},
			EvalResult{MetricType: "accuracy", MetricValue: 0.9}, nil},
		{"nulls are absent", map[string]any{"metric_type": "a", "task_name": nil, "verified": nil},
			EvalResult{MetricType: "a"}, nil},
		{"number as text", map[string]any{"dataset_config": 2017, "dataset_revision": json.Number("12")},
			EvalResult{DatasetConfig: "2017", DatasetRevision: "12"}, nil},
		{"unknown key with suggestion", map[string]any{"metric_typ": "a"}, EvalResult{},
			[]string{`"metric_type"`, "metric_typ"}},
		{"wrong types", map[string]any{"task_type": []any{"a"}, "metric_value": []any{1}, "verified": "yes",
			"dataset_args": "sst2", "source_url": true},
			EvalResult{}, []string{"task_type", "metric_value", "verified", "dataset_args", "source_url"}},
		{"source name without url", map[string]any{"source_name": "S"}, EvalResult{},
			[]string{"source_name", "source_url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EvalResultFromMap(tt.in)
			if tt.err != nil {
				if err == nil {
					t.Fatalf("want an error, got %s", miMustJSON(t, got))
				}
				if !errors.Is(err, ErrInvalidEvalResult) {
					t.Errorf("error %v does not wrap ErrInvalidEvalResult", err)
				}
				for _, s := range tt.err {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %s", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}
