package evalimport

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

const wandbRun = "testdata/wandb/run-20240501_120000-k3x9p2qz"

// The summary's results, in the file's order.
var wandbResults = []card.EvalResult{
	{DatasetSplit: "eval", MetricType: "accuracy", MetricValue: 0.9123},
	{DatasetSplit: "eval", MetricType: "loss", MetricValue: 0.2456},
	{DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.9071},
	{DatasetSplit: "test", MetricType: "f1", MetricValue: 0.9068},
}

// The config's hyperparameters, in the file's order.
var wandbHyperparameters = []card.KeyValue{
	{Key: "learning_rate", Value: "2.0e-05"},
	{Key: "per_device_train_batch_size", Value: "32"},
	{Key: "num_train_epochs", Value: "3"},
	{Key: "bf16", Value: "true"},
	{Key: "adam_betas", Value: "[0.9, 0.999]"},
	{Key: "lr_scheduler.type", Value: "linear"},
	{Key: "lr_scheduler.warmup_ratio", Value: "0.06"},
}

func TestWandbFiles(t *testing.T) {
	summaryFacts := map[string]string{
		FactRunID:                        "k3x9p2qz",
		"metric.eval/runtime":            "12.3",
		"metric.eval/samples_per_second": "70.9",
		"metric.train/loss":              "0.1534",
		"metric.train/global_step":       "1200",
		"metric.train/epoch":             "3",
		"metric.train/learning_rate":     "0",
		"metric.total_flos":              "1.23e+15",
		"metric.train_runtime":           "3590.1",
	}
	configFacts := map[string]string{
		FactRunID:           "k3x9p2qz",
		FactPythonVersion:   "3.10.12",
		FactFramework:       "transformers 4.40.1",
		FactTrainingRegime:  "bf16 mixed precision",
		"wandb.cli_version": "0.16.6",
	}
	metadataFacts := map[string]string{
		FactRunID:         "k3x9p2qz",
		FactHardware:      "8 x NVIDIA A100-SXM4-80GB",
		FactPythonVersion: "3.10.12",
		FactStartTime:     "2024-05-01T12:00:00.123456",
		FactGitCommit:     "9c1e5b7a3d2f4e6c8b0a1d3f5e7c9b2a4d6f8e0c",
		FactRepository:    "https://github.com/acme-labs/sentiment.git",
		"wandb.cuda":      "12.1",
	}
	all := map[string]string{}
	for _, m := range []map[string]string{summaryFacts, configFacts, metadataFacts} {
		for k, v := range m {
			all[k] = v
		}
	}
	tests := []struct {
		path    string
		results []card.EvalResult
		hps     []card.KeyValue
		facts   map[string]string
		skipped int // warnings about skipped summary values
	}{
		{wandbRun + "/files/wandb-summary.json", wandbResults, nil, summaryFacts, 1},
		{wandbRun + "/files/config.yaml", nil, wandbHyperparameters, configFacts, 0},
		{wandbRun + "/files/wandb-metadata.json", nil, nil, metadataFacts, 0},
		{wandbRun + "/files", wandbResults, wandbHyperparameters, all, 1},
		{wandbRun, wandbResults, wandbHyperparameters, all, 1},
	}
	for _, tc := range tests {
		t.Run(strings.TrimPrefix(tc.path, wandbRun), func(t *testing.T) {
			im, err := Import(filepath.FromSlash(tc.path))
			if err != nil {
				t.Fatal(err)
			}
			if im.Kind != KindWandb {
				t.Errorf("kind %q, want %q", im.Kind, KindWandb)
			}
			checkResults(t, im.Results, tc.results)
			if !reflect.DeepEqual(im.Hyperparameters, tc.hps) {
				t.Errorf("hyperparameters %s, want %s", dump(im.Hyperparameters), dump(tc.hps))
			}
			checkFacts(t, im.Facts, tc.facts, "metric._runtime", "metric.confusion_matrix/path", "metric.gradients/encoder.layer.0.weight/values")
			if len(im.Facts) != len(tc.facts) {
				t.Errorf("%d facts, want %d: %s", len(im.Facts), len(tc.facts), dump(im.Facts))
			}
			if len(im.Warnings) != tc.skipped || tc.skipped > 0 && !hasWarning(im, WarnSkipped, "best_checkpoint") {
				t.Errorf("want %d warning(s) about best_checkpoint, got %s", tc.skipped, dump(im.Warnings))
			}
			for k, v := range im.Facts {
				if strings.Contains(v, "ghp_") || strings.Contains(v, "alice") || strings.Contains(v, "/srv/") {
					t.Errorf("fact %s = %q leaks a credential, a user or a local path", k, v)
				}
			}
		})
	}
}

func TestWandbVariants(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		results []card.EvalResult
		hps     []card.KeyValue
		facts   map[string]string
	}{
		{
			name:    "summary with only unprefixed metrics",
			file:    "wandb-summary.json",
			content: `{"accuracy": 0.8, "loss": 0.5, "epoch": 2, "_step": 10, "nested": {"deeper": {"auc": 0.7}}}`,
			results: []card.EvalResult{{MetricType: "accuracy", MetricValue: 0.8}, {MetricType: "nested/deeper/auc", MetricValue: 0.7}},
			facts:   map[string]string{"metric.loss": "0.5", "metric.epoch": "2"},
		},
		{
			name:    "summary detected by its keys",
			file:    "summary.json",
			content: `{"_wandb": {"runtime": 5}, "validation/mae": 1.25}`,
			results: []card.EvalResult{{DatasetSplit: "validation", MetricType: "mae", MetricValue: 1.25}},
		},
		{
			name:    "config without desc, detected by its form",
			file:    "run-config.yaml",
			content: "batch_size:\n  value: 64\nmodel:\n  value:\n    hidden: 768\n    act: gelu\nfp16:\n  value: true\n",
			hps:     []card.KeyValue{{Key: "batch_size", Value: "64"}, {Key: "model.hidden", Value: "768"}, {Key: "model.act", Value: "gelu"}, {Key: "fp16", Value: "true"}},
			facts:   map[string]string{FactTrainingRegime: "fp16 mixed precision"},
		},
		{
			name:    "metadata with a GPU list",
			file:    "wandb-metadata.json",
			content: `{"gpu_nvidia": [{"name": "NVIDIA H100 80GB HBM3"}, {"name": "NVIDIA H100 80GB HBM3"}, {"name": "NVIDIA L4"}], "git": {"remote": "git@github.com:acme/m.git"}}`,
			facts:   map[string]string{FactHardware: "2 x NVIDIA H100 80GB HBM3, 1 x NVIDIA L4", FactRepository: "github.com:acme/m.git"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			im, err := ImportBytes(tc.file, []byte(tc.content))
			if err != nil {
				t.Fatal(err)
			}
			checkResults(t, im.Results, tc.results)
			if !reflect.DeepEqual(im.Hyperparameters, tc.hps) {
				t.Errorf("hyperparameters %s, want %s", dump(im.Hyperparameters), dump(tc.hps))
			}
			checkFacts(t, im.Facts, tc.facts)
		})
	}
}

func TestWandbErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		kind    error
		pos     string
		words   []string
	}{
		{"summary a list", "wandb-summary.json", `[1, 2]`, ErrInvalid, "wandb-summary.json:1:1", []string{"object of metric names"}},
		{"summary malformed", "wandb-summary.json", "{\"eval/acc\": 0.9,\n \"eval/f1\": }", ErrSyntax, "wandb-summary.json:2:13", []string{"malformed JSON"}},
		{"summary empty", "wandb-summary.json", "{}", ErrEmpty, "wandb-summary.json", []string{"no evaluation result"}},
		{"summary only media", "wandb-summary.json", `{"img": {"_type": "image-file", "path": "x.png"}, "_step": 3}`, ErrEmpty, "wandb-summary.json", []string{"no evaluation result"}},
		{"config value missing", "config.yaml", "wandb_version: 1\nlr:\n  desc: null\n", ErrInvalid, "config.yaml:2:1", []string{"{desc: ..., value: ...}", "lr"}},
		{"config plain value", "config.yaml", "wandb_version: 1\nlr: 0.1\n", ErrInvalid, "config.yaml:2:1", []string{"a number without value", "is this W&B's config.yaml"}},
		{"config malformed", "config.yaml", "wandb_version: 1\nlr:\n  value: [0.1\n", ErrSyntax, "config.yaml:2", []string{"malformed YAML"}},
		{"config not wandb", "config.yaml", "lr: 0.1\nepochs: 3\n", ErrUnknownFormat, "config.yaml", []string{"W&B config", "formats read"}},
		{"metadata gpu_count", "wandb-metadata.json", `{"gpu": "NVIDIA T4", "gpu_count": "two"}`, ErrInvalid, "wandb-metadata.json:1:35", []string{"gpu_count", `"two"`}},
		{"metadata gpu a number", "wandb-metadata.json", `{"gpu": 4}`, ErrInvalid, "wandb-metadata.json:1:9", []string{"gpu", "must be a string"}},
		{"metadata git a string", "wandb-metadata.json", `{"git": "abc"}`, ErrInvalid, "wandb-metadata.json:1:9", []string{"git", "remote and commit"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ImportBytes(tc.file, []byte(tc.content))
			wantError(t, err, tc.kind, tc.pos, tc.words...)
		})
	}
}
