package evalimport

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
)

// What MLflow and W&B runs share: metric names that carry their split, and
// metrics that are not evaluation results.
//
// A tracked metric's name may start with a split, followed by "/", "." or
// "_": "eval/accuracy", "test.f1", "eval_loss", "val_accuracy". The
// prefix gives the split and the rest the metric type:
//
//	eval, evaluation            -> split "eval"
//	test                        -> split "test"
//	val, valid, validation, dev -> split "validation"
//	train, training             -> a training metric, not a result
//	system                      -> resource usage, not a result
//
// Metrics that are not evaluation results are kept as facts named
// "metric.<name>" rather than as results: training metrics, resource
// usage, and bookkeeping (runtime, samples_per_second, steps_per_second,
// samples, model_preparation_time, epoch, step, global_step,
// learning_rate, lr, grad_norm, total_flos). A
// metric without a split prefix is a result with no split, unless other
// metrics of the run carry an evaluation split: then, as Keras and the
// Transformers Trainer log them ("accuracy" beside "val_accuracy", "loss"
// beside "eval_loss"), it is a training metric, and a warning says so. An
// unprefixed "loss" is always a training metric.

// splitPrefixes maps a name's first part to a split.
var splitPrefixes = map[string]string{
	"eval": "eval", "evaluation": "eval",
	"test": "test",
	"val":  "validation", "valid": "validation", "validation": "validation", "dev": "validation",
	"train": "train", "training": "train",
	"system": "system",
}

// bookkeepingMetrics are logged beside results but measure the run.
var bookkeepingMetrics = map[string]bool{
	"runtime": true, "samples_per_second": true, "steps_per_second": true,
	"samples": true, "model_preparation_time": true,
	"epoch": true, "step": true, "global_step": true, "learning_rate": true,
	"lr": true, "grad_norm": true, "total_flos": true,
}

// trackedMetric is one metric of a run, classified.
type trackedMetric struct {
	name   string  // as logged
	file   string  // the file it was read from, when not the source's
	value  float64 // the final value
	line   int     // where it was read, or 0
	split  string  // from the prefix, or ""
	metric string  // the name without the prefix
}

// splitMetricName splits a logged name into its split and metric.
func splitMetricName(name string) (split, metric string) {
	if i := strings.IndexAny(name, "/."); i > 0 {
		if sp, ok := splitPrefixes[strings.ToLower(name[:i])]; ok && i+1 < len(name) {
			return sp, name[i+1:]
		}
	}
	if i := strings.IndexByte(name, '_'); i > 0 {
		if sp, ok := splitPrefixes[strings.ToLower(name[:i])]; ok && i+1 < len(name) {
			return sp, name[i+1:]
		}
	}
	return "", name
}

// addTrackedMetrics turns a run's final metric values into results and
// facts, in the order given.
func addTrackedMetrics(s *source, im *Imported, metrics []trackedMetric) {
	hasEvalSplit := false
	for i := range metrics {
		m := &metrics[i]
		m.split, m.metric = splitMetricName(m.name)
		switch m.split {
		case "eval", "test", "validation":
			if !bookkeepingMetrics[strings.ToLower(m.metric)] {
				hasEvalSplit = true
			}
		}
	}
	var asTraining []string
	for _, m := range metrics {
		result := true
		switch {
		case m.split == "train" || m.split == "system":
			result = false
		case bookkeepingMetrics[strings.ToLower(m.metric)]:
			result = false
		case m.split == "" && strings.EqualFold(m.metric, "loss"):
			result = false
		case m.split == "" && hasEvalSplit:
			result = false
			asTraining = append(asTraining, m.name)
		}
		if math.IsNaN(m.value) || math.IsInf(m.value, 0) {
			w := s.warning(m.line, 0, m.name, WarnSkipped,
				fmt.Sprintf("the final value of %s is %v; it is left out", m.name, m.value), "check the run; the metric diverged or was never computed")
			if m.file != "" {
				w.File = m.file
			}
			im.Warnings = append(im.Warnings, w)
			if result {
				im.NotFinite = append(im.NotFinite, card.EvalResult{DatasetSplit: m.split, MetricType: m.metric, MetricValue: formatFloat(m.value)})
			}
			continue
		}
		if !result {
			im.setFact("metric."+m.name, formatFloat(m.value))
			continue
		}
		im.addResult(card.EvalResult{DatasetSplit: m.split, MetricType: m.metric, MetricValue: m.value}, m.line)
	}
	if len(asTraining) > 0 {
		im.Warnings = append(im.Warnings, card.Problem{File: s.name, Severity: card.SeverityWarning, Code: WarnSkipped,
			Message: trainingMessage(asTraining),
			Fix:     "log evaluation metrics with their split, such as eval/accuracy or test_f1"})
	}
}

// trainingMessage says that metrics without a split were taken as training
// metrics, in the grammar their number needs.
func trainingMessage(names []string) string {
	if len(names) == 1 {
		return fmt.Sprintf("%s carries no split while other metrics of the run do: it is taken as a training metric and kept as a fact, not as a result", names[0])
	}
	return fmt.Sprintf("%s carry no split while other metrics of the run do: they are taken as training metrics and kept as facts, not as results", strings.Join(names, ", "))
}

// formatFloat renders a number in its shortest exact form.
func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// precisionRegime derives the training regime from the precision flags of
// the Transformers Trainer (bf16, fp16) and Accelerate (mixed_precision),
// matched on the last part of the name; "" when none says so.
func precisionRegime(hps []card.KeyValue) string {
	for _, kv := range hps {
		key := strings.ToLower(kv.Key)
		if i := strings.LastIndexAny(key, "./"); i >= 0 {
			key = key[i+1:]
		}
		val := strings.ToLower(strings.TrimSpace(kv.Value))
		switch key {
		case "bf16", "fp16":
			if val == "true" {
				return key + " mixed precision"
			}
		case "mixed_precision":
			switch val {
			case "bf16", "fp16", "fp8":
				return val + " mixed precision"
			}
		}
	}
	return ""
}

// cleanRepoURL drops credentials from a repository URL; "" when it does
// not parse.
func cleanRepoURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		// scp-like "git@host:org/repo.git" carries no secret beyond the user.
		if at := strings.Index(raw, "@"); at >= 0 && !strings.Contains(raw[:at], "/") {
			return raw[at+1:]
		}
		return raw
	}
	u.User = nil
	return u.String()
}
