package evalimport

import (
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

func TestSplitMetricName(t *testing.T) {
	tests := []struct{ name, split, metric string }{
		{"eval/accuracy", "eval", "accuracy"},
		{"Eval/accuracy", "eval", "accuracy"},
		{"evaluation.f1", "eval", "f1"},
		{"eval_exact_match", "eval", "exact_match"},
		{"test/rouge/rouge1", "test", "rouge/rouge1"},
		{"test_f1", "test", "f1"},
		{"val_loss", "validation", "loss"},
		{"valid/acc", "validation", "acc"},
		{"validation.auc", "validation", "auc"},
		{"dev/em", "validation", "em"},
		{"train/loss", "train", "loss"},
		{"training_loss", "train", "loss"},
		{"system/gpu_0_memory_usage_megabytes", "system", "gpu_0_memory_usage_megabytes"},
		{"accuracy", "", "accuracy"},
		{"testing_accuracy", "", "testing_accuracy"},
		{"evalaccuracy", "", "evalaccuracy"},
		{"eval/", "", "eval/"},
		{"eval_", "", "eval_"},
		{"mean/eval/acc", "", "mean/eval/acc"},
	}
	for _, tc := range tests {
		split, metric := splitMetricName(tc.name)
		if split != tc.split || metric != tc.metric {
			t.Errorf("splitMetricName(%q) = %q, %q; want %q, %q", tc.name, split, metric, tc.split, tc.metric)
		}
	}
}

func TestTrackedMetricRoles(t *testing.T) {
	// Each name is classified alone, then beside an evaluation metric.
	type roleCase struct {
		name           string
		result         bool // alone
		resultBesideEv bool // beside eval/accuracy
	}
	tests := []roleCase{
		{"eval/f1", true, true},
		{"test_accuracy", true, true},
		{"accuracy", true, false},
		{"loss", false, false},
		{"eval/loss", true, true},
		{"train/accuracy", false, false},
		{"system/cpu_utilization_percentage", false, false},
	}
	for _, name := range []string{"runtime", "samples_per_second", "steps_per_second", "samples", "model_preparation_time", "epoch", "step", "global_step", "learning_rate", "lr", "grad_norm", "total_flos"} {
		tests = append(tests, roleCase{name, false, false}, roleCase{"eval/" + name, false, false})
	}
	for _, tc := range tests {
		for _, beside := range []bool{false, true} {
			metrics := []trackedMetric{{name: tc.name, value: 1}}
			if beside {
				metrics = append(metrics, trackedMetric{name: "eval/accuracy", value: 0.5})
			}
			im := &Imported{}
			addTrackedMetrics(&source{name: "run"}, im, metrics)
			isResult := len(im.Results) > 0 && im.Results[0].MetricValue == 1.0
			_, isFact := im.Facts["metric."+tc.name]
			want := tc.result
			if beside {
				want = tc.resultBesideEv
			}
			if isResult != want || isFact == want {
				t.Errorf("%s (beside an eval metric: %v): result %v, fact %v; want a result: %v", tc.name, beside, isResult, isFact, want)
			}
		}
	}
}

func TestLastMetricValue(t *testing.T) {
	tests := []struct {
		name  string
		lines string
		value float64
		line  int
		ok    bool
	}{
		{"highest step wins over line order", "10 0.1 5\n20 0.2 9\n30 0.3 7\n", 0.2, 2, true},
		{"equal steps: latest timestamp", "30 0.3 4\n20 0.2 4\n", 0.3, 1, true},
		{"equal steps and timestamps: later line", "20 0.2 4\n20 0.25 4\n", 0.25, 2, true},
		{"no steps: latest timestamp", "5 1.5\n9 2.5\n7 3.5\n", 2.5, 2, true},
		{"blank lines and CRLF", "\n5 1.5 0\r\n\n", 1.5, 2, true},
		{"negative and exponent", "1 -2.5e-3 0\n", -0.0025, 1, true},
		{"no values", "\n\n", 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, ok, err := lastMetricValue("m", strings.NewReader(tc.lines))
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.ok || m.value != tc.value || m.line != tc.line {
				t.Errorf("got %v at line %d (ok %v), want %v at line %d (ok %v)", m.value, m.line, ok, tc.value, tc.line, tc.ok)
			}
		})
	}
}

func TestPrecisionRegime(t *testing.T) {
	tests := []struct {
		hps  []card.KeyValue
		want string
	}{
		{[]card.KeyValue{{Key: "bf16", Value: "True"}}, "bf16 mixed precision"},
		{[]card.KeyValue{{Key: "fp16", Value: "false"}, {Key: "trainer.fp16", Value: "true"}}, "fp16 mixed precision"},
		{[]card.KeyValue{{Key: "accelerate/mixed_precision", Value: "FP8"}}, "fp8 mixed precision"},
		{[]card.KeyValue{{Key: "mixed_precision", Value: "no"}}, ""},
		{[]card.KeyValue{{Key: "bf16", Value: "False"}, {Key: "fp16", Value: "False"}}, ""},
		{[]card.KeyValue{{Key: "bf16_full_eval", Value: "True"}}, ""},
		{nil, ""},
	}
	for _, tc := range tests {
		if got := precisionRegime(tc.hps); got != tc.want {
			t.Errorf("precisionRegime(%v) = %q, want %q", tc.hps, got, tc.want)
		}
	}
}

func TestCleanRepoURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://user:token@github.com/org/repo.git", "https://github.com/org/repo.git"},
		{"https://github.com/org/repo", "https://github.com/org/repo"},
		{"ssh://git@github.com/org/repo.git", "ssh://github.com/org/repo.git"},
		{"git@github.com:org/repo.git", "github.com:org/repo.git"},
		{"  ", ""},
	}
	for _, tc := range tests {
		if got := cleanRepoURL(tc.in); got != tc.want {
			t.Errorf("cleanRepoURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
