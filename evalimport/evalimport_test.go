package evalimport

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

func TestMerge(t *testing.T) {
	acc := card.EvalResult{TaskType: "text-classification", TaskName: "Text Classification", DatasetType: "glue", DatasetName: "GLUE",
		DatasetConfig: "sst2", DatasetSplit: "validation", MetricType: "accuracy", MetricName: "Accuracy", MetricValue: 0.91,
		Verified: ptr(true), VerifyToken: "signed", MetricArgs: map[string]any{"stderr": 0.01}}
	f1 := acc
	f1.MetricType, f1.MetricName, f1.MetricValue, f1.Verified, f1.VerifyToken, f1.MetricArgs = "f1", "", 0.9, nil, "", nil
	// A re-measured accuracy without pretty names, verification or args.
	acc2 := card.EvalResult{TaskType: "text-classification", DatasetType: "glue", DatasetConfig: "sst2", DatasetSplit: "validation",
		MetricType: "accuracy", MetricValue: 0.93}
	acc2Merged := acc2
	acc2Merged.TaskName, acc2Merged.DatasetName, acc2Merged.MetricName = "Text Classification", "GLUE", "Accuracy"
	test := acc2
	test.DatasetSplit = "test"
	macro := card.EvalResult{DatasetType: "d", MetricType: "f1", MetricConfig: "macro", MetricValue: 0.7}
	micro := macro
	micro.MetricConfig, micro.MetricValue = "micro", 0.8
	micro2 := micro
	micro2.MetricValue = "0.81 ± 0.01"

	tests := []struct {
		name string
		dst  []card.EvalResult
		src  [][]card.EvalResult
		want []card.EvalResult
	}{
		{"nothing", nil, nil, []card.EvalResult{}},
		{"replace in place, keep pretty names, drop the old verification", []card.EvalResult{acc, f1}, [][]card.EvalResult{{acc2}}, []card.EvalResult{acc2Merged, f1}},
		{"another split appends", []card.EvalResult{acc, f1}, [][]card.EvalResult{{test}}, []card.EvalResult{acc, f1, test}},
		{"later lists win, order kept", nil, [][]card.EvalResult{{macro, micro}, {micro2}, {test}}, []card.EvalResult{macro, micro2, test}},
		{"repeats within dst collapse", []card.EvalResult{micro, macro, micro2}, nil, []card.EvalResult{micro2, macro}},
		{"metric config keeps results apart", []card.EvalResult{macro}, [][]card.EvalResult{{micro}}, []card.EvalResult{macro, micro}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Merge(tc.dst, tc.src...)
			if err != nil {
				t.Fatal(err)
			}
			checkResults(t, got, tc.want)
		})
	}
}

func TestMergeDoesNotTouchItsInputs(t *testing.T) {
	a := card.EvalResult{MetricType: "acc", MetricValue: 0.5, MetricArgs: map[string]any{"stderr": 0.1}}
	b := card.EvalResult{MetricType: "acc", MetricValue: 0.6}
	dst := []card.EvalResult{a}
	got, err := Merge(dst, []card.EvalResult{{MetricType: "f1", MetricValue: 1}})
	if err != nil {
		t.Fatal(err)
	}
	got[0].MetricArgs["stderr"] = 99.0
	if dst[0].MetricArgs["stderr"] != 0.1 {
		t.Errorf("the output shares its args map with dst")
	}
	if _, err := Merge(dst, []card.EvalResult{b}); err != nil {
		t.Fatal(err)
	}
	if dst[0].MetricValue != 0.5 {
		t.Errorf("Merge changed dst: %s", dump(dst))
	}
}

func TestMergeErrors(t *testing.T) {
	ok := card.EvalResult{MetricType: "acc", MetricValue: 0.5}
	tests := []struct {
		name  string
		dst   []card.EvalResult
		src   [][]card.EvalResult
		words []string
	}{
		{"no metric type", []card.EvalResult{ok, {MetricValue: 1}}, nil, []string{"dst[1]", "no metric_type"}},
		{"no value", nil, [][]card.EvalResult{{ok}, {ok, {MetricType: "f1"}}}, []string{"src[1][1]", "f1", "no metric_value"}},
		{"value a map", nil, [][]card.EvalResult{{{MetricType: "f1", MetricValue: map[string]any{"a": 1}}}}, []string{"src[0][0]", "number or a string"}},
		{"every problem named", []card.EvalResult{{}}, [][]card.EvalResult{{{MetricType: "x"}}}, []string{"dst[0]", "src[0][0]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge(tc.dst, tc.src...)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v, want ErrInvalid", err)
			}
			for _, w := range tc.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestMergeHyperparameters(t *testing.T) {
	dst := []card.KeyValue{{Key: "lr", Value: "1e-4"}, {Key: "epochs", Value: "3"}}
	got := MergeHyperparameters(dst, []card.KeyValue{{Key: "batch", Value: "32"}, {Key: "lr", Value: "2e-5"}})
	want := []card.KeyValue{{Key: "lr", Value: "2e-5"}, {Key: "epochs", Value: "3"}, {Key: "batch", Value: "32"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s, want %s", dump(got), dump(want))
	}
	if dst[0].Value != "1e-4" {
		t.Errorf("dst was changed: %s", dump(dst))
	}
}

func TestApplyTo(t *testing.T) {
	im, err := Import(filepath.FromSlash(wandbRun))
	if err != nil {
		t.Fatal(err)
	}
	old := card.EvalResult{DatasetSplit: "eval", MetricType: "accuracy", MetricValue: 0.5, MetricName: "Eval accuracy"}
	keep := card.EvalResult{TaskType: "text-classification", DatasetType: "imdb", DatasetName: "IMDb", MetricType: "accuracy", MetricValue: 0.88}
	c := card.Content{
		TrainingRegime:  "fp32 (stated by the author)",
		EvalResults:     []card.EvalResult{old, keep},
		Hyperparameters: []card.KeyValue{{Key: "seed", Value: "42"}, {Key: "learning_rate", Value: "1e-3"}},
	}
	if err := im.ApplyTo(&c); err != nil {
		t.Fatal(err)
	}
	if c.TrainingRegime != "fp32 (stated by the author)" {
		t.Errorf("a stated training regime was replaced by %q", c.TrainingRegime)
	}
	if c.ComputeHardware != "8 x NVIDIA A100-SXM4-80GB" || c.Environment.HardwareType != "8 x NVIDIA A100-SXM4-80GB" {
		t.Errorf("hardware %q / %q", c.ComputeHardware, c.Environment.HardwareType)
	}
	if c.ComputeSoftware != "transformers 4.40.1, Python 3.10.12" {
		t.Errorf("software %q", c.ComputeSoftware)
	}
	updated := wandbResults[0]
	updated.MetricName = "Eval accuracy"
	want := append([]card.EvalResult{updated, keep}, wandbResults[1:]...)
	checkResults(t, c.EvalResults, want)
	wantHP := append([]card.KeyValue{{Key: "seed", Value: "42"}, {Key: "learning_rate", Value: "2.0e-05"}}, wandbHyperparameters[1:]...)
	if !reflect.DeepEqual(c.Hyperparameters, wantHP) {
		t.Errorf("hyperparameters %s, want %s", dump(c.Hyperparameters), dump(wantHP))
	}

	// An import with a result that cannot be merged fails and leaves the
	// content alone.
	bad := &Imported{Source: "x", Results: []card.EvalResult{{MetricType: "f1"}}}
	before := len(c.EvalResults)
	if err := bad.ApplyTo(&c); !errors.Is(err, ErrInvalid) || len(c.EvalResults) != before {
		t.Errorf("ApplyTo of a bad result: err %v, %d results (had %d)", err, len(c.EvalResults), before)
	}
}

func TestImportAll(t *testing.T) {
	dir := t.TempDir()
	first := writeFile(t, dir, "first.csv", "task,dataset,split,metric,value\ntext-classification,glue,validation,accuracy,0.5\ntext-classification,imdb,test,accuracy,0.8\n")
	readme := filepath.Join("testdata", "hub", "README.md")
	im, err := ImportAll(first, readme)
	if err != nil {
		t.Fatal(err)
	}
	if im.Kind != "" || im.Source != first+", "+readme {
		t.Errorf("kind %q source %q, want no kind and both sources", im.Kind, im.Source)
	}
	// glue/validation/accuracy is not the README's (its config is sst2), so
	// nothing is replaced; imdb/test/accuracy is, in place.
	if len(im.Results) != 4 {
		t.Fatalf("%d results, want 4: %s", len(im.Results), dump(im.Results))
	}
	if im.Results[1].DatasetType != "imdb" || im.Results[1].MetricValue != 0.8874 || im.Results[1].DatasetName != "IMDb" {
		t.Errorf("the README's imdb accuracy did not replace the CSV's in place: %s", dump(im.Results[1]))
	}
	if im.Facts[FactModelName] != "acme-labs/sentiment-small" {
		t.Errorf("facts %s", dump(im.Facts))
	}
	if _, err := ImportAll(first, filepath.Join(dir, "missing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want a not-exist error", err)
	}
}

func TestImportFailures(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		kind    error
		words   []string
	}{
		{"unknown json", "x.json", `{"accuracy": 0.9}`, ErrUnknownFormat, []string{"lm-evaluation-harness", "formats read"}},
		{"json scalar", "x.json", `42`, ErrUnknownFormat, []string{"formats read"}},
		{"unknown yaml", "x.yaml", "accuracy: 0.9\n", ErrUnknownFormat, []string{"model-index"}},
		{"plain text", "notes.txt", "The model scored well.\n", ErrUnknownFormat, []string{"formats read"}},
		{"binary blob", "weights.bin", "\x89PNG\r\n\x1a\n\x00\x00", ErrBinary, []string{"binary", "0x89"}},
		{"mlflow meta alone", "meta.yaml", "run_id: abc\nexperiment_id: '1'\n", ErrInvalid, []string{"run folder"}},
		{"empty yaml", "x.yaml", "---\n...\n", ErrEmpty, []string{"empty"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ImportBytes(tc.file, []byte(tc.content))
			pos := tc.file
			if tc.kind == ErrBinary {
				pos += ":1:1"
			}
			wantError(t, err, tc.kind, pos, tc.words...)
		})
	}
	t.Run("too large", func(t *testing.T) {
		_, err := ImportBytes("big.json", make([]byte, MaxFileSize+1))
		wantError(t, err, ErrTooLarge, "big.json", "more than")
	})
	t.Run("unknown folder", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "notes.txt", "x")
		_, err := Import(dir)
		wantError(t, err, ErrUnknownFormat, dir, "not an MLflow run")
	})
	t.Run("missing path", func(t *testing.T) {
		_, err := Import(filepath.Join(t.TempDir(), "nope.csv"))
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nope.csv: cannot read") {
			t.Errorf("error %v", err)
		}
	})
}

func TestErrorProblem(t *testing.T) {
	_, err := ImportBytes("r.csv", []byte("task,dataset,split,metric,value\ntext-classification,glue,test,,0.9\n"))
	var ie *Error
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *Error", err)
	}
	p := ie.Problem()
	if p.File != "r.csv" || p.Line != 2 || p.Column != 31 || p.Severity != card.SeverityError || p.Code != "evalimport.invalid" || p.Field != "metric" {
		t.Errorf("problem %s", dump(p))
	}
	if !strings.HasPrefix(p.String(), "r.csv:2:31: error: metric: ") {
		t.Errorf("problem text %q", p.String())
	}
}

func TestResultKeyString(t *testing.T) {
	k := KeyOf(card.EvalResult{TaskType: "t", DatasetType: "d", DatasetSplit: "test", MetricType: "f1", MetricConfig: "macro"})
	if got, want := k.String(), "task t, dataset d, split test, metric f1, metric config macro"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestKinds(t *testing.T) {
	// Every kind an importer reports is listed.
	seen := map[Kind]bool{}
	for _, k := range Kinds() {
		seen[k] = true
	}
	for _, p := range []string{"testdata/hub/README.md", "testdata/hub/.eval_results", "testdata/lmeval/results_v03.json", mlflowRun, wandbRun} {
		im, err := Import(filepath.FromSlash(p))
		if err != nil {
			t.Fatal(err)
		}
		if !seen[im.Kind] {
			t.Errorf("%s: kind %q is not in Kinds()", p, im.Kind)
		}
	}
	if !seen[KindCSV] || len(seen) != 6 {
		t.Errorf("Kinds() = %v", Kinds())
	}
}
