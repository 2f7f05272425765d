package evalimport

import (
	"path/filepath"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// lmResult builds an expected lm-evaluation-harness result.
func lmResult(dsType, dsName, config, split, rev string, shots int, metric, filter string, value any, stderr any) card.EvalResult {
	r := card.EvalResult{
		TaskType: "text-generation", DatasetType: dsType, DatasetName: dsName,
		DatasetConfig: config, DatasetSplit: split, DatasetRevision: rev,
		MetricType: metric, MetricValue: value,
		SourceName: "lm-evaluation-harness", SourceURL: "https://github.com/EleutherAI/lm-evaluation-harness",
	}
	if shots >= 0 {
		r.DatasetArgs = map[string]any{"num_few_shot": shots}
	}
	if filter != "" {
		r.MetricConfig = filter
		r.MetricName = metric + " (" + filter + ")"
	}
	if stderr != nil {
		r.MetricArgs = map[string]any{"stderr": stderr}
	}
	return r
}

func TestLMEvalFiles(t *testing.T) {
	tests := []struct {
		file     string
		want     []card.EvalResult
		facts    map[string]string
		absent   []string
		warnings []struct{ code, word string }
	}{
		{
			file: "results_v04.json",
			want: []card.EvalResult{
				lmResult("allenai/ai2_arc", "arc_challenge", "ARC-Challenge", "test", "", 25, "acc", "", 0.4121, 0.0144),
				lmResult("allenai/ai2_arc", "arc_challenge", "ARC-Challenge", "test", "", 25, "acc_norm", "", 0.4437, 0.0145),
				lmResult("gsm8k", "gsm8k", "main", "test", "", 5, "exact_match", "strict-match", 0.3351, 0.013),
				lmResult("gsm8k", "gsm8k", "main", "test", "", 5, "exact_match", "flexible-extract", 0.3412, 0.0131),
				// A group has no config: its name stands for the dataset.
				lmResult("mmlu", "mmlu", "", "", "", -1, "acc", "", 0.5623, 0.0039),
				// "N/A" stderr: no stderr; the revision comes from dataset_kwargs.
				lmResult("hails/mmlu_no_train", "mmlu_abstract_algebra", "abstract_algebra", "test", "8fcd9d7c9e2a", 5, "acc", "", 0.31, nil),
				// test_split is null: the validation split is evaluated.
				lmResult("EleutherAI/wikitext_document_level", "wikitext", "wikitext-2-raw-v1", "validation", "", 0, "word_perplexity", "", 11.72, nil),
				lmResult("EleutherAI/wikitext_document_level", "wikitext", "wikitext-2-raw-v1", "validation", "", 0, "bits_per_byte", "", 0.6102, nil),
			},
			facts: map[string]string{
				FactModelName:                  "acme-labs/falcon-mini-1b",
				"lm_eval.model":                "hf",
				"lm_eval.model_args":           "pretrained=acme-labs/falcon-mini-1b,dtype=bfloat16,trust_remote_code=True",
				"lm_eval.batch_size":           "auto",
				"lm_eval.git_hash":             "5a7ed3ee",
				"lm_eval.transformers_version": "4.41.2",
				"lm_eval.date":                 "2024-06-01T10:00:00Z",
			},
			absent: []string{"lm_eval.limit"},
		},
		{
			file: "results_v03.json",
			want: []card.EvalResult{
				lmResult("hellaswag", "hellaswag", "", "", "", 0, "acc", "", 0.2891, 0.004524),
				lmResult("hellaswag", "hellaswag", "", "", "", 0, "acc_norm", "", 0.3114, 0.004621),
				lmResult("lambada_openai", "lambada_openai", "", "", "", 0, "ppl", "", 40.06, 1.49),
				lmResult("lambada_openai", "lambada_openai", "", "", "", 0, "acc", "", 0.3256, 0.006528),
			},
			facts: map[string]string{
				FactModelName:        "gpt2",
				"lm_eval.model":      "hf-causal",
				"lm_eval.batch_size": "16",
				"lm_eval.limit":      "500",
			},
			warnings: []struct{ code, word string }{
				{WarnPartial, "limit 500"},
				{WarnSkipped, "results.piqa"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			im, err := Import(filepath.Join("testdata", "lmeval", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if im.Kind != KindLMEval {
				t.Errorf("kind %q, want %q", im.Kind, KindLMEval)
			}
			checkResults(t, im.Results, tc.want)
			checkFacts(t, im.Facts, tc.facts, tc.absent...)
			for _, w := range tc.warnings {
				if !hasWarning(im, w.code, w.word) {
					t.Errorf("no %s warning about %q in %s", w.code, w.word, dump(im.Warnings))
				}
			}
			if len(im.Warnings) != len(tc.warnings) {
				t.Errorf("%d warnings, want %d: %s", len(im.Warnings), len(tc.warnings), dump(im.Warnings))
			}
			// Every result is complete enough for a model-index.
			if _, err := card.EvalResultsToModelIndex("m", im.Results); err != nil {
				t.Errorf("the results do not make a model-index: %v", err)
			}
		})
	}
}

func TestLMEvalFolder(t *testing.T) {
	// The harness writes results_<timestamp>.json under a folder per
	// model; a folder imports them all in name (time) order.
	dir := t.TempDir()
	writeFile(t, dir, "acme__m/results_2024-06-01T10-00-00.json", `{"results": {"boolq": {"acc,none": 0.61}}, "versions": {"boolq": 2}}`)
	writeFile(t, dir, "acme__m/results_2024-06-02T10-00-00.json", `{"results": {"boolq": {"acc,none": 0.64}}, "versions": {"boolq": 2}}`)
	writeFile(t, dir, "acme__m/samples_boolq_2024-06-02T10-00-00.jsonl", "{\"doc_id\": 0}\n")
	im, err := Import(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Results) != 2 || im.Results[0].MetricValue != 0.61 || im.Results[1].MetricValue != 0.64 {
		t.Fatalf("results %s, want boolq 0.61 then 0.64", dump(im.Results))
	}
	if !hasWarning(im, WarnDuplicate, "metric acc") {
		t.Errorf("no duplicate warning for the rerun task: %s", dump(im.Warnings))
	}
	merged, err := Merge(nil, im.Results)
	if err != nil {
		t.Fatal(err)
	}
	if len(merged) != 1 || merged[0].MetricValue != 0.64 {
		t.Errorf("merged %s, want the later run's 0.64 only", dump(merged))
	}
}

func TestLMEvalErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		kind    error
		pos     string
		words   []string
	}{
		{"empty", "", ErrEmpty, "r.json", []string{"empty"}},
		{"spaces only", " \n\t\n", ErrEmpty, "r.json", []string{"empty"}},
		{"binary", "{\"results\": \x00}", ErrBinary, "r.json:1:13", []string{"binary"}},
		{"invalid utf-8", "{\"results\": {\"a\xff\": {}}}", ErrBinary, "r.json:1:16", []string{"0xff"}},
		{"utf-16", "\xff\xfe{\x00", ErrBinary, "r.json:1:1", []string{"UTF-16"}},
		{"truncated", "{\n  \"results\": {\n    \"boolq\": {\"acc,none\": 0.5", ErrSyntax, "r.json:3:30", []string{"end of file", "line 3, column 14"}},
		{"missing comma", "{\"results\": {\"boolq\": {\"acc,none\": 0.5 \"acc_norm,none\": 0.6}}, \"versions\": {}}", ErrSyntax, "r.json:1:40", []string{"comma"}},
		{"trailing comma", "{\"results\": {\"boolq\": {\"acc,none\": 0.5,}}}", ErrSyntax, "r.json:1:40", []string{"trailing comma"}},
		{"single quotes", "{'results': {}}", ErrSyntax, "r.json:1:2", []string{"double quotes"}},
		{"duplicate key", "{\"results\": {},\n \"results\": {}}", ErrSyntax, "r.json:2:2", []string{"twice", "line 1"}},
		{"two documents", "{\"results\": {}}\n{\"results\": {}}", ErrSyntax, "r.json:2:1", []string{"JSON Lines"}},
		{"results not object", "{\"results\": [1, 2], \"versions\": {}}", ErrUnknownFormat, "r.json", []string{"lm-evaluation-harness"}},
		{"task not object", "{\"results\": {\"boolq\": 0.5}, \"versions\": {}}", ErrInvalid, "r.json:1:23", []string{"results.boolq", "not a number"}},
		{"metric is a list", "{\"results\": {\"boolq\": {\"acc,none\": [0.5]}}, \"versions\": {}}", ErrInvalid, "r.json:1:36", []string{"must be a number, not a list"}},
		{"bad shots", "{\"results\": {\"boolq\": {\"acc,none\": 0.5}}, \"n-shot\": {\"boolq\": -1}}", ErrInvalid, "r.json:1:63", []string{"n-shot.boolq", "few-shot", "-1"}},
		{"bad dataset_path", "{\"results\": {\"boolq\": {\"acc,none\": 0.5}}, \"configs\": {\"boolq\": {\"dataset_path\": 7}}}", ErrInvalid, "r.json:1:81", []string{"configs.boolq.dataset_path", "must be a string"}},
		{"configs not object", "{\"results\": {\"boolq\": {\"acc,none\": 0.5}}, \"configs\": []}", ErrInvalid, "r.json:1:54", []string{"configs", "keyed by task"}},
		{"no metrics", "{\"results\": {\"boolq\": {\"alias\": \"boolq\"}}, \"versions\": {}}", ErrEmpty, "r.json:1:13", []string{"no metric values"}},
		{"no metric name", "{\"results\": {\"boolq\": {\",none\": 0.5}}, \"versions\": {}}", ErrInvalid, "r.json:1:33", []string{"no metric name"}},
		{"number with leading zero", "{\"results\": {\"boolq\": {\"acc,none\": 00.5}}, \"versions\": {}}", ErrSyntax, "r.json:1:36", []string{"must not start with 0"}},
		{"bad escape", "{\"results\": {\"bo\\qlq\": {}}, \"versions\": {}}", ErrSyntax, "r.json:1:17", []string{"unknown escape"}},
		{"control char", "{\"results\": {\"bo\nolq\": {}}}", ErrSyntax, "r.json:1:17", []string{"control character"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ImportBytes("r.json", []byte(tc.content))
			wantError(t, err, tc.kind, tc.pos, tc.words...)
		})
	}
}

func TestLMEvalTolerates(t *testing.T) {
	// Python's json writes NaN and Infinity; the harness writes "N/A" for a
	// stderr it did not compute; escapes and surrogate pairs decode.
	content := `{"results": {"t\u00e9st \ud83d\ude00": {"acc,none": 0.5, "acc_stderr,none": NaN, "f1,none": "N/A", "mcc,none": -Infinity}}, "versions": {}}`
	im, err := ImportBytes("r.json", []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	want := []card.EvalResult{lmResult("tést 😀", "tést 😀", "", "", "", -1, "acc", "", 0.5, nil)}
	checkResults(t, im.Results, want)
	if !hasWarning(im, WarnSkipped, `"N/A"`) || !hasWarning(im, WarnSkipped, "-Infinity") {
		t.Errorf("want warnings for the N/A and -Infinity values, got %s", dump(im.Warnings))
	}
}
