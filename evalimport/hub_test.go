package evalimport

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

func TestHubModelIndexFiles(t *testing.T) {
	tests := []struct {
		file  string
		model string
		want  []card.EvalResult
	}{
		{
			file:  "README.md",
			model: "acme-labs/sentiment-small",
			want: []card.EvalResult{
				{TaskType: "text-classification", TaskName: "Text Classification", DatasetType: "glue", DatasetName: "GLUE SST-2",
					DatasetConfig: "sst2", DatasetSplit: "validation", MetricType: "accuracy", MetricValue: 0.9243, MetricName: "Accuracy"},
				{TaskType: "text-classification", TaskName: "Text Classification", DatasetType: "glue", DatasetName: "GLUE SST-2",
					DatasetConfig: "sst2", DatasetSplit: "validation", MetricType: "f1", MetricValue: 0.9251},
				{TaskType: "text-classification", DatasetType: "imdb", DatasetName: "IMDb", DatasetSplit: "test",
					MetricType: "accuracy", MetricValue: 0.8874, SourceURL: "https://example.org/eval-logs", SourceName: "Eval logs"},
			},
		},
		{
			file:  "model-index.json",
			model: "acme-labs/asr-base",
			want: []card.EvalResult{
				{TaskType: "automatic-speech-recognition", TaskName: "Speech Recognition", DatasetType: "librispeech_asr",
					DatasetName: "LibriSpeech (clean)", DatasetConfig: "clean", DatasetSplit: "test",
					DatasetArgs: map[string]any{"language": "en"}, MetricType: "wer", MetricValue: 4.3, MetricName: "Test WER"},
				{TaskType: "automatic-speech-recognition", TaskName: "Speech Recognition", DatasetType: "librispeech_asr",
					DatasetName: "LibriSpeech (clean)", DatasetConfig: "clean", DatasetSplit: "test",
					DatasetArgs: map[string]any{"language": "en"}, MetricType: "cer", MetricValue: 1.2},
			},
		},
		{
			file:  "model-index-list.yaml",
			model: "acme-labs/detector",
			want: []card.EvalResult{
				{TaskType: "object-detection", DatasetType: "detection-datasets/coco", DatasetName: "COCO 2017",
					DatasetSplit: "validation", MetricType: "mAP", MetricValue: 42.7},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			im, err := Import(filepath.Join("testdata", "hub", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if im.Kind != KindModelIndex {
				t.Errorf("kind %q, want %q", im.Kind, KindModelIndex)
			}
			checkResults(t, im.Results, tc.want)
			checkFacts(t, im.Facts, map[string]string{FactModelName: tc.model})
			if len(im.Warnings) != 0 {
				t.Errorf("unexpected warnings: %s", dump(im.Warnings))
			}
		})
	}
}

// hubEval builds an expected .eval_results result.
func hubEval(dataset, task string, value any) card.EvalResult {
	return card.EvalResult{DatasetType: dataset, DatasetName: dataset, TaskName: task, MetricType: task, MetricName: task, MetricValue: value}
}

func TestHubEvalResults(t *testing.T) {
	gpqaDiamond := hubEval("Idavidrein/gpqa", "gpqa_diamond", 0.412)
	gpqaDiamond.DatasetRevision = "90b8e5be2b1d3d2dbfe016cdab47981150600c4a"
	gpqaDiamond.MetricConfig = "chain-of-thought"
	gpqaDiamond.MetricArgs = map[string]any{"date": "2025-03-02", "source_org": "acme-labs"}
	gpqaDiamond.SourceURL = "https://huggingface.co/spaces/acme-labs/gpqa-logs"
	gpqaDiamond.SourceName = "Eval logs"
	gpqaMain := hubEval("Idavidrein/gpqa", "gpqa_main", 0.377)
	hle := hubEval("cais/hle", "default", 20.9)
	hle.VerifyToken = "eyJhbGciOiJFZERTQSJ9.payload.signature"
	hle.MetricConfig = "no-tools"
	// An unquoted date is kept as written, not turned into a time.
	hle.MetricArgs = map[string]any{"date": "2025-01-15T10:30:00Z"}

	tests := []struct {
		path string
		want []card.EvalResult
	}{
		{".eval_results", []card.EvalResult{gpqaDiamond, gpqaMain, hle}},
		{".eval_results/gpqa.yaml", []card.EvalResult{gpqaDiamond, gpqaMain}},
		{".eval_results/hle.yaml", []card.EvalResult{hle}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			im, err := Import(filepath.Join("testdata", "hub", filepath.FromSlash(tc.path)))
			if err != nil {
				t.Fatal(err)
			}
			if im.Kind != KindHubEvalResults {
				t.Errorf("kind %q, want %q", im.Kind, KindHubEvalResults)
			}
			checkResults(t, im.Results, tc.want)
			if len(im.Warnings) != 0 {
				t.Errorf("unexpected warnings: %s", dump(im.Warnings))
			}
		})
	}
}

func TestHubEvalResultsErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		kind    error
		pos     string
		words   []string
	}{
		{"not a list", "dataset: {id: a/b, task_id: t}\nvalue: 1\n", ErrInvalid, "x.yaml:1:1", []string{"must be a list", "not a mapping"}},
		{"empty list", "[]\n", ErrEmpty, "x.yaml:1:1", []string{"empty"}},
		{"empty document", "# nothing yet\n", ErrEmpty, "x.yaml", []string{"empty"}},
		{"item not a mapping", "- 0.5\n", ErrInvalid, "x.yaml:1:3", []string{"[0]", "mapping"}},
		{"no dataset", "- value: 0.5\n", ErrInvalid, "x.yaml:1:3", []string{"no dataset"}},
		{"dataset a string", "- dataset: a/b\n  value: 0.5\n", ErrInvalid, "x.yaml:1:12", []string{"[0].dataset", "not a string"}},
		{"no task id", "- dataset:\n    id: a/b\n  value: 0.5\n", ErrInvalid, "x.yaml:2:5", []string{"[0].dataset.task_id", "missing"}},
		{"empty id", "- dataset:\n    id: ''\n    task_id: t\n  value: 0.5\n", ErrInvalid, "x.yaml:2:9", []string{"[0].dataset.id", "missing or empty"}},
		{"no value", "- dataset: {id: a/b, task_id: t}\n", ErrInvalid, "x.yaml:1:3", []string{"[0].value", "no value"}},
		{"null value", "- dataset: {id: a/b, task_id: t}\n  value: null\n", ErrInvalid, "x.yaml:2:10", []string{"no value"}},
		{"value a list", "- dataset: {id: a/b, task_id: t}\n  value: [0.5]\n", ErrInvalid, "x.yaml:2:10", []string{"[0].value", "a list"}},
		{"value a boolean", "- dataset: {id: a/b, task_id: t}\n  value: true\n", ErrInvalid, "x.yaml:2:10", []string{"the boolean true"}},
		{"value NaN", "- dataset: {id: a/b, task_id: t}\n  value: .nan\n", ErrInvalid, "x.yaml:2:10", []string{"the number .nan"}},
		{"notes a list", "- dataset: {id: a/b, task_id: t}\n  value: 1\n  notes: [a]\n", ErrInvalid, "x.yaml:3:10", []string{"[0].notes", "must be text"}},
		{"source without url", "- dataset: {id: a/b, task_id: t}\n  value: 1\n  source:\n    name: logs\n", ErrInvalid, "x.yaml:4:5", []string{"without its url"}},
		{"source a string", "- dataset: {id: a/b, task_id: t}\n  value: 1\n  source: https://x.org\n", ErrInvalid, "x.yaml:3:11", []string{"[0].source", "mapping"}},
		{"duplicate key", "- dataset: {id: a/b, task_id: t}\n  value: 1\n  value: 2\n", ErrSyntax, "x.yaml:3:3", []string{"twice", "line 2"}},
		{"malformed", "- dataset: {id: a/b, task_id: t\n  value: 1\n", ErrSyntax, "x.yaml:1", []string{"malformed YAML"}},
		{"tab indent", "- dataset:\n\tid: a/b\n", ErrSyntax, "x.yaml:2", []string{"malformed YAML"}},
		{"second entry bad", "- dataset: {id: a/b, task_id: t}\n  value: 1\n- dataset: {id: a/b}\n  value: 2\n", ErrInvalid, "x.yaml:3:12", []string{"[1].dataset.task_id"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), ".eval_results")
			path := writeFile(t, dir, "x.yaml", tc.content)
			_, err := Import(path)
			wantError(t, err, tc.kind, path+strings.TrimPrefix(tc.pos, "x.yaml"), tc.words...)
		})
	}
}

func TestHubEvalResultsWarnings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".eval_results")
	writeFile(t, dir, "a.yaml", "- dataset: {id: a/b, task_id: t, split: test}\n  value: 1\n  verify_token: abc\n")
	writeFile(t, dir, "notes.txt", "not read")
	im, err := Import(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Results) != 1 || im.Results[0].VerifyToken != "" {
		t.Fatalf("results %s, want one result without a verify token", dump(im.Results))
	}
	for _, w := range []struct{ field, fix string }{
		{"[0].dataset.split", "the keys here are id, task_id, revision"},
		{"[0].verify_token", `did you mean "verifyToken"?`},
	} {
		found := false
		for _, p := range im.Warnings {
			if p.Code == WarnUnknownKey && p.Field == w.field && strings.Contains(p.Fix, w.fix) && p.Line > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("no unknown-key warning on %s with fix %q: %s", w.field, w.fix, dump(im.Warnings))
		}
	}

	empty := filepath.Join(t.TempDir(), ".eval_results")
	writeFile(t, empty, "README.md", "# results\n")
	_, err = Import(empty)
	wantError(t, err, ErrEmpty, empty, "no .yaml file")
}

func TestHubModelIndexErrors(t *testing.T) {
	const readmeHead = "---\nlicense: mit\nmodel-index:\n- name: m\n  results:\n  - task:\n      type: text-classification\n"
	tests := []struct {
		name    string
		file    string
		content string
		kind    error
		pos     string
		words   []string
	}{
		{"no yaml block", "README.md", "# A model\n\nNo metadata.\n", ErrInvalid, "README.md:1", []string{"no YAML block"}},
		{"no model-index", "README.md", "---\nlicense: mit\n---\n# A model\n", ErrInvalid, "README.md:2", []string{"no model-index"}},
		{"malformed yaml", "README.md", "---\nlicense: mit\nmodel-index: [\n---\n", ErrSyntax, "README.md:3", []string{"malformed YAML"}},
		{"missing dataset type", "README.md", readmeHead + "    dataset:\n      name: GLUE\n    metrics:\n    - type: accuracy\n      value: 0.9\n---\n",
			ErrInvalid, "README.md:9:7", []string{"model-index[0].results[0].dataset", "type"}},
		{"metric value a list", "README.md", readmeHead + "    dataset:\n      name: GLUE\n      type: glue\n    metrics:\n    - type: accuracy\n      value: [0.9]\n---\n",
			ErrInvalid, "README.md:13:14", []string{"model-index[0].results[0].metrics[0].value"}},
		{"json model-index not a list", "mi.json", "{\"model-index\": {\"name\": \"m\"}}", ErrInvalid, "mi.json:1:17", []string{"must be a list"}},
		{"json metric without value", "mi.json", "{\"model-index\": [{\"name\": \"m\", \"results\": [{\"task\": {\"type\": \"translation\"}, \"dataset\": {\"name\": \"W\", \"type\": \"wmt\"},\n \"metrics\": [{\"type\": \"bleu\"}]}]}]}",
			ErrInvalid, "mi.json:2:14", []string{"metrics[0]", "value"}},
		{"yaml list without name", "mi.yaml", "- results:\n  - task: {type: translation}\n    dataset: {name: W, type: wmt}\n    metrics: [{type: bleu, value: 30.1}]\n  name:\n",
			ErrInvalid, "mi.yaml:5:8", []string{"model-index[0].name"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), tc.file, tc.content)
			_, err := Import(path)
			wantError(t, err, tc.kind, filepath.Join(filepath.Dir(path), tc.pos), tc.words...)
		})
	}
}

func TestHubModelIndexWarnings(t *testing.T) {
	// An unknown key is a warning of the model-index checker, placed on its
	// line.
	content := "---\nmodel-index:\n- name: m\n  results:\n  - task: {type: translation}\n    dataset: {name: W, type: wmt}\n    metrics:\n    - type: bleu\n      value: 30.1\n      higher_is_better: true\n---\n"
	im, err := ImportBytes("README.md", []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Results) != 1 || im.Results[0].MetricValue != 30.1 {
		t.Fatalf("results %s", dump(im.Results))
	}
	if len(im.Warnings) != 1 || im.Warnings[0].Code != WarnModelIndex || im.Warnings[0].Line != 10 ||
		!strings.Contains(im.Warnings[0].Field, "higher_is_better") {
		t.Errorf("want one model-index warning on line 10 about higher_is_better, got %s", dump(im.Warnings))
	}
}
