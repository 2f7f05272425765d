package evalimport

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

const mlflowRun = "testdata/mlflow/1/3f2a9c0d7b8e4e6fa1c2d3e4f5a6b7c8"

func TestMLflowRun(t *testing.T) {
	for _, path := range []string{mlflowRun, mlflowRun + "/meta.yaml"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			im, err := Import(filepath.FromSlash(path))
			if err != nil {
				t.Fatal(err)
			}
			if im.Kind != KindMLflow {
				t.Errorf("kind %q, want %q", im.Kind, KindMLflow)
			}
			// The highest step wins, whatever the line order; among equal
			// steps the latest timestamp.
			want := []card.EvalResult{
				{DatasetSplit: "eval", MetricType: "accuracy", MetricValue: 0.874},
				{DatasetSplit: "eval", MetricType: "loss", MetricValue: 0.41},
				{DatasetSplit: "eval", MetricType: "f1", MetricValue: 0.869},
				{DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.868},
			}
			checkResults(t, im.Results, want)
			wantHP := []card.KeyValue{
				{Key: "bf16", Value: "True"}, {Key: "fp16", Value: "False"}, {Key: "learning_rate", Value: "2e-05"},
				{Key: "num_train_epochs", Value: "3"}, {Key: "optim", Value: "adamw_torch"}, {Key: "per_device_train_batch_size", Value: "32"},
			}
			if !reflect.DeepEqual(im.Hyperparameters, wantHP) {
				t.Errorf("hyperparameters %s, want %s", dump(im.Hyperparameters), dump(wantHP))
			}
			checkFacts(t, im.Facts, map[string]string{
				FactRunID:            "3f2a9c0d7b8e4e6fa1c2d3e4f5a6b7c8",
				FactExperimentID:     "1",
				FactRunName:          "bright-fox-42",
				FactStatus:           "FINISHED",
				FactStartTime:        "2024-05-01T09:50:00Z",
				FactEndTime:          "2024-05-01T10:10:00Z",
				FactGitCommit:        "0c5d2a8f9e1b7c3d4a6f8e0b2d4c6a8e1f3b5d7c",
				FactRepository:       "https://github.com/acme-labs/sentiment.git",
				FactTrainingRegime:   "bf16 mixed precision",
				FactHardware:         "8 x NVIDIA A100 80GB",
				"team":               "nlp",
				"mlflow.source.type": "LOCAL",
				// Metrics that are not results are kept as facts.
				"metric.accuracy":                            "0.95",
				"metric.loss":                                "0.12",
				"metric.eval_runtime":                        "12.5",
				"metric.learning_rate":                       "0",
				"metric.train/epoch":                         "3",
				"metric.system/gpu_0_utilization_percentage": "87.5",
			}, "mlflow.user", "mlflow.source.name", "mlflow.source.git.repoURL")
			for k, v := range im.Facts {
				if strings.Contains(v, "s3cret") || strings.Contains(v, "alice") {
					t.Errorf("fact %s = %q leaks a credential or a user", k, v)
				}
			}
			// "accuracy" beside eval/accuracy is a training metric.
			if len(im.Warnings) != 1 || !hasWarning(im, WarnSkipped, "accuracy carries no split") {
				t.Errorf("want one warning about the unprefixed accuracy, got %s", dump(im.Warnings))
			}
		})
	}
}

func TestMLflowExperimentFolder(t *testing.T) {
	_, err := Import(filepath.FromSlash("testdata/mlflow/1"))
	wantError(t, err, ErrInvalid, filepath.FromSlash("testdata/mlflow/1"), "experiment folder", "3f2a9c0d7b8e4e6fa1c2d3e4f5a6b7c8")
}

func TestMLflowMinimalRun(t *testing.T) {
	// An older run: run_uuid only, lines without a step, a running status,
	// metrics without a split prefix, no tags.
	dir := t.TempDir()
	writeFile(t, dir, "meta.yaml", "run_uuid: 0a1b\nexperiment_id: 0\nstatus: 1\nstart_time: 1700000000000\nend_time: null\n")
	writeFile(t, dir, "metrics/rmse", "1700000000500 4.5\n1700000000900 3.25\n")
	writeFile(t, dir, "metrics/r2", "1700000000900 0.81\n")
	writeFile(t, dir, "params/model/max_depth", "8\n")
	im, err := Import(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []card.EvalResult{
		{MetricType: "r2", MetricValue: 0.81},
		{MetricType: "rmse", MetricValue: 3.25},
	}
	checkResults(t, im.Results, want)
	if len(im.Hyperparameters) != 1 || im.Hyperparameters[0] != (card.KeyValue{Key: "model/max_depth", Value: "8"}) {
		t.Errorf("hyperparameters %s", dump(im.Hyperparameters))
	}
	checkFacts(t, im.Facts, map[string]string{FactRunID: "0a1b", FactExperimentID: "0", FactStatus: "RUNNING", FactStartTime: "2023-11-14T22:13:20Z"},
		FactEndTime, FactTrainingRegime)
	if !hasWarning(im, WarnPartial, "RUNNING") {
		t.Errorf("no warning about the running status: %s", dump(im.Warnings))
	}
}

func TestMLflowErrors(t *testing.T) {
	const meta = "run_id: abc\nexperiment_id: '2'\nstatus: 3\n"
	tests := []struct {
		name  string
		files map[string]string
		kind  error
		pos   string // relative to the run folder
		words []string
	}{
		{"no run id", map[string]string{"meta.yaml": "experiment_id: '2'\nrun_name: x\n", "metrics/acc": "1 0.5 0\n"}, ErrInvalid, "meta.yaml:1", []string{"no run_id"}},
		{"meta not a mapping", map[string]string{"meta.yaml": "- run_id\n", "metrics/acc": "1 0.5 0\n"}, ErrInvalid, "meta.yaml:1", []string{"mapping"}},
		{"meta malformed", map[string]string{"meta.yaml": "run_id: [abc\n", "params/x": "1"}, ErrSyntax, "meta.yaml:1", []string{"malformed YAML"}},
		{"bad start time", map[string]string{"meta.yaml": meta + "start_time: yesterday\n", "params/x": "1"}, ErrInvalid, "meta.yaml:4:13", []string{"start_time", "milliseconds"}},
		{"bad status", map[string]string{"meta.yaml": meta[:len(meta)-10] + "status: 9\n", "params/x": "1"}, ErrInvalid, "meta.yaml:3:9", []string{"not an MLflow run status"}},
		{"metric line fields", map[string]string{"meta.yaml": meta, "metrics/eval/acc": "1700000000000 0.5 1\n1700000000001 0.6\t2 7\n"}, ErrSyntax, "metrics/eval/acc:2:1", []string{"4 fields"}},
		{"metric value", map[string]string{"meta.yaml": meta, "metrics/acc": "1700000000000 0.5 1\n1700000000001 high 2\n"}, ErrSyntax, "metrics/acc:2:15", []string{`value "high" is not a number`}},
		{"metric step", map[string]string{"meta.yaml": meta, "metrics/acc": "1700000000000 0.5 1.5\n"}, ErrSyntax, "metrics/acc:1:19", []string{`step "1.5"`}},
		{"metric timestamp", map[string]string{"meta.yaml": meta, "metrics/acc": "  2024-05-01 0.5 1\n"}, ErrSyntax, "metrics/acc:1:3", []string{"timestamp"}},
		{"metric binary", map[string]string{"meta.yaml": meta, "metrics/acc": "1700000000000 0.5 1\n\x00\x01\n"}, ErrBinary, "metrics/acc:2:1", []string{"binary"}},
		{"param binary", map[string]string{"meta.yaml": meta, "params/blob": "ok\xff"}, ErrBinary, "params/blob:1:3", []string{"binary"}},
		{"duplicate meta key", map[string]string{"meta.yaml": meta + "run_id: def\n", "params/x": "1"}, ErrSyntax, "meta.yaml:4:1", []string{"twice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				writeFile(t, dir, name, content)
			}
			_, err := Import(dir)
			wantError(t, err, tc.kind, filepath.Join(dir, filepath.FromSlash(tc.pos)), tc.words...)
		})
	}
}

func TestMLflowSkipsNonFinite(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "meta.yaml", "run_id: abc\nexperiment_id: '2'\n")
	writeFile(t, dir, "metrics/eval_loss", "1 0.7 1\n2 nan 2\n")
	writeFile(t, dir, "metrics/eval_accuracy", "1 0.5 1\n2 0.6 2\n")
	im, err := Import(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, im.Results, []card.EvalResult{{DatasetSplit: "eval", MetricType: "accuracy", MetricValue: 0.6}})
	if !hasWarning(im, WarnSkipped, "eval_loss is NaN") || im.Warnings[0].File != filepath.Join(dir, "metrics", "eval_loss") || im.Warnings[0].Line != 2 {
		t.Errorf("no warning about the NaN loss at eval_loss:2: %s", dump(im.Warnings))
	}
}
