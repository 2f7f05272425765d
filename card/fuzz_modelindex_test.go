package card

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// maxFuzzSeed keeps the seeds small: the fuzzer mutates and minimises
// small inputs much faster.
const maxFuzzSeed = 8 << 10

// FuzzModelIndex feeds JSON values to the model-index reader, checker and
// writer. Properties, for every input that is JSON (decoded both with plain
// float64 numbers and with json.Number):
//   - nothing panics;
//   - CheckModelIndex reports an error-level issue exactly when
//     ModelIndexToEvalResults fails, and the error carries the first such
//     issue;
//   - a successful read regroups with EvalResultsToModelIndex without
//     error, keeps every metric, and regrouping again changes nothing.
func FuzzModelIndex(f *testing.F) {
	seeds := 0
	for _, mi := range corpusModelIndexes(f) {
		if seeds >= 200 {
			break
		}
		v := mi.value
		b, err := json.Marshal(v)
		if err != nil || len(b) > maxFuzzSeed {
			continue // NaN values, or a leaderboard too big to mutate fast
		}
		f.Add(b)
		seeds++
	}
	for _, v := range miLoadHubVectors(f, "model_index_to_eval_results.json") {
		f.Add([]byte(v.Input))
	}
	for _, s := range []string{`null`, `[]`, `{}`, `"x"`, `[{"name":"x"}]`, `[{"name":"x","results":[{}]}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, useNumber := range []bool{false, true} {
			dec := json.NewDecoder(bytes.NewReader(data))
			if useNumber {
				dec.UseNumber()
			}
			var v any
			if err := dec.Decode(&v); err != nil {
				return
			}
			checkModelIndexProperties(t, v)
		}
	})
}

func checkModelIndexProperties(t *testing.T, v any) {
	t.Helper()
	issues := CheckModelIndex(v)
	name, results, err := ModelIndexToEvalResults(v)
	var firstError *ModelIndexIssue
	for i := range issues {
		if !issues[i].Warning {
			firstError = &issues[i]
			break
		}
	}
	if (firstError != nil) != (err != nil) {
		t.Fatalf("CheckModelIndex issues %v disagree with conversion error %v", issues, err)
	}
	if err != nil {
		var mie *ModelIndexError
		if !errors.As(err, &mie) || !errors.Is(err, ErrInvalidModelIndex) {
			t.Fatalf("error %v is not a *ModelIndexError wrapping ErrInvalidModelIndex", err)
		}
		if !reflect.DeepEqual(mie.Issue, *firstError) {
			t.Fatalf("conversion error %+v is not the first error issue %+v", mie.Issue, *firstError)
		}
		return
	}
	if name == "" {
		t.Fatalf("successful read with an empty name")
	}
	miRoundTrip(t, name, results)
}

func TestModelIndexProperties(t *testing.T) {
	// The fuzz properties on hand-made edge cases, run with the unit tests.
	inputs := []string{
		`[{"name":"a","results":[{"task":{"type":"t"},"dataset":{"type":"d","name":"D"},"metrics":[{"type":"m","value":1},{"type":"m","value":1}]},{"task":{"type":"t","name":"other"},"dataset":{"type":"d","name":"E","args":{}},"metrics":[{"type":"n","value":"x"}],"source":{"url":"u"}}]},{"name":"b","results":[{"task":{"type":"t"},"dataset":{"type":"d","name":"D"},"metrics":[]}]}]`,
		`[{"name":1.5,"results":[{"task":{"type":2},"dataset":{"type":"d","name":"D","config":3},"metrics":[{"type":"m","value":1e300,"verified":false}]}]}]`,
		`[{"name":"a","results":[{"task":{"type":"t"},"dataset":{"type":"d","name":"D"},"metrics":[{"type":"m","value":12345678901234567890}]}]}]`,
		`[{"name":"a","results":[{"task":"t","dataset":{},"metrics":[{"value":null}],"source":{"name":"s"}}]}]`,
		`[{"name":"a","results":[]},"b",{"name":"c","results":{}}]`,
	}
	for _, in := range inputs {
		for _, useNumber := range []bool{false, true} {
			dec := json.NewDecoder(bytes.NewReader([]byte(in)))
			if useNumber {
				dec.UseNumber()
			}
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("decode %s: %v", in, err)
			}
			checkModelIndexProperties(t, v)
		}
	}
}
