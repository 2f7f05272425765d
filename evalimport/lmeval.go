package evalimport

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/terragonlabs/modelcard-generator/card"
)

// lm-evaluation-harness writes one JSON file per run (results.json, or
// results_<timestamp>.json under a folder per model) holding
//
//	"results": {task: {"<metric>,<filter>": value, "<metric>_stderr,<filter>": stderr, "alias": ...}}
//	"groups":  the same for task groups (some versions)
//	"configs": {task: {dataset_path, dataset_name, test_split, validation_split, num_fewshot, dataset_kwargs, ...}}
//	"n-shot":  {task: shots} ("n_shot" in some versions)
//	"versions", "higher_is_better", "n-samples"
//	"config":  {model, model_args, batch_size, limit, num_fewshot (older versions), ...}
//	"model_name", "git_hash", "date", "transformers_version", ...
//
// Older versions write metric keys without a filter ("acc",
// "acc_stderr"); the filter is then "none".
//
// Each task × metric × filter gives one card.EvalResult:
//
//	TaskType        "text-generation": the harness evaluates language models
//	                 by generation or by scoring continuations, and the Hub
//	                 files such results under text-generation
//	DatasetType     configs[task].dataset_path; the task name when the file
//	                 has no config for the task (groups, older versions), so
//	                 that results of different tasks never share a key
//	DatasetName     the task name, which is how the harness names the benchmark
//	DatasetConfig   configs[task].dataset_name
//	DatasetSplit    configs[task].test_split, else validation_split: the split
//	                 the harness evaluates on
//	DatasetRevision configs[task].dataset_kwargs.revision
//	DatasetArgs     {"num_few_shot": n} from n-shot, configs[task].num_fewshot
//	                 or config.num_fewshot, in that order
//	MetricType      the metric ("acc", "acc_norm", "exact_match", ...)
//	MetricConfig    the filter, when it is not "none" ("strict-match", ...)
//	MetricName      "<metric> (<filter>)" when the filter is not "none"
//	MetricValue     the value; "N/A" and NaN values are skipped with a warning,
//	                 NaN and infinite ones listed in Imported.NotFinite
//	MetricArgs      {"stderr": x} when the file gives a finite stderr
//	SourceName      "lm-evaluation-harness", SourceURL its repository (the Hub
//	                 requires a URL with a source name)
//
// Facts: model_name (from model_name, or pretrained= in model_args), and
// lm_eval.model, lm_eval.model_args, lm_eval.batch_size, lm_eval.limit,
// lm_eval.git_hash, lm_eval.date, lm_eval.transformers_version. A limit
// (an evaluation on a subset) is also a warning. versions and
// higher_is_better are not kept: EvalResult has no place for them. The
// non-metric keys of a task's results ("alias", "name", "samples",
// "sample_len") are skipped.

// lmEvalSourceName and lmEvalSourceURL attribute lm-evaluation-harness
// results.
const (
	lmEvalSourceName = "lm-evaluation-harness"
	lmEvalSourceURL  = "https://github.com/EleutherAI/lm-evaluation-harness"
	lmEvalTaskType   = "text-generation"
)

// looksLikeLMEval reports a JSON document with lm-evaluation-harness's
// "results" object and one of its companion keys.
func looksLikeLMEval(root *jnode) bool {
	if root.kind != jObject {
		return false
	}
	if r := root.get("results"); r == nil || r.kind != jObject {
		return false
	}
	for _, k := range []string{"configs", "versions", "n-shot", "n_shot", "config", "higher_is_better", "groups"} {
		if root.get(k) != nil {
			return true
		}
	}
	return false
}

// parseLMEval reads an lm-evaluation-harness results file's content.
func parseLMEval(name string, data []byte) (*Imported, error) {
	s, err := newSource(name, data)
	if err != nil {
		return nil, err
	}
	root, err := parseJSON(s)
	if err != nil {
		return nil, err
	}
	return lmEvalFromJSON(s, root)
}

// lmEvalFromJSON converts a parsed results file.
func lmEvalFromJSON(s *source, root *jnode) (*Imported, error) {
	if root.kind != jObject {
		return nil, s.errAt(root.off, ErrInvalid, "", "an lm-evaluation-harness results file is a JSON object with \"results\", not a %s", root.kind)
	}
	results := root.get("results")
	if results == nil {
		return nil, s.errAt(root.off, ErrInvalid, "results", "the file has no \"results\" object (is this the samples file? import results*.json)")
	}
	if results.kind != jObject {
		return nil, s.errAt(results.off, ErrInvalid, "results", "must be an object of tasks, not a %s", results.kind)
	}
	optObject := func(key string) (*jnode, error) {
		n := root.get(key)
		if n.isNull() {
			return nil, nil
		}
		if n.kind != jObject {
			return nil, s.errAt(n.off, ErrInvalid, key, "must be an object keyed by task, not a %s", n.kind)
		}
		return n, nil
	}
	configs, err := optObject("configs")
	if err != nil {
		return nil, err
	}
	nshot, err := optObject("n-shot")
	if err != nil {
		return nil, err
	}
	if nshot == nil {
		if nshot, err = optObject("n_shot"); err != nil {
			return nil, err
		}
	}
	config, err := optObject("config")
	if err != nil {
		return nil, err
	}
	groups, err := optObject("groups")
	if err != nil {
		return nil, err
	}

	im := &Imported{Source: s.name, Kind: KindLMEval}
	lmEvalFacts(s, im, root, config)
	defaultShots := -1
	if config != nil {
		if n := config.get("num_fewshot"); !n.isNull() {
			if defaultShots, err = shots(s, n, "config.num_fewshot"); err != nil {
				return nil, err
			}
		}
	}
	done := map[string]bool{}
	for _, part := range []struct {
		key  string
		node *jnode
	}{{"results", results}, {"groups", groups}} {
		if part.node == nil {
			continue
		}
		for i, task := range part.node.keys {
			if done[task] {
				continue
			}
			done[task] = true
			if err := lmEvalTask(s, im, part.key, task, part.node.items[i], configs, nshot, defaultShots); err != nil {
				return nil, err
			}
		}
	}
	if len(im.Results) == 0 {
		return nil, s.errAt(results.off, ErrEmpty, "results", "the file holds no metric values (did the evaluation run? the results object lists no task with a numeric metric)")
	}
	return im, nil
}

// lmEvalTask reads one task's metrics.
func lmEvalTask(s *source, im *Imported, part, task string, metrics, configs, nshot *jnode, defaultShots int) error {
	field := jsonPath(part, task)
	if strings.TrimSpace(task) == "" {
		return s.errAt(metrics.off, ErrInvalid, field, "a task has an empty name (name it as the harness does, such as hellaswag)")
	}
	if metrics.kind != jObject {
		return s.errAt(metrics.off, ErrInvalid, field, "must be an object of \"metric,filter\": value pairs, not a %s", metrics.kind)
	}
	base := card.EvalResult{
		TaskType:    lmEvalTaskType,
		DatasetType: task,
		DatasetName: task,
		SourceName:  lmEvalSourceName,
		SourceURL:   lmEvalSourceURL,
	}
	if cfg := configs.get(task); !cfg.isNull() {
		if err := lmEvalDataset(s, &base, cfg, jsonPath("configs", task)); err != nil {
			return err
		}
	}
	n := defaultShots
	if v := nshot.get(task); !v.isNull() {
		var err error
		if n, err = shots(s, v, jsonPath("n-shot", task)); err != nil {
			return err
		}
	} else if v := configs.get(task).get("num_fewshot"); !v.isNull() {
		var err error
		if n, err = shots(s, v, jsonPath("configs", task, "num_fewshot")); err != nil {
			return err
		}
	}
	if n >= 0 {
		base.DatasetArgs = map[string]any{"num_few_shot": n}
	}

	// Stderrs first, so that each metric finds its own.
	type mf struct{ metric, filter string }
	stderr := map[mf]float64{}
	for i, k := range metrics.keys {
		metric, filter := splitMetricFilter(k)
		if !strings.HasSuffix(metric, "_stderr") {
			continue
		}
		v := metrics.items[i]
		if v.kind == jNumber && !math.IsNaN(v.num) && !math.IsInf(v.num, 0) {
			stderr[mf{strings.TrimSuffix(metric, "_stderr"), filter}] = v.num
		} else if v.kind != jString && !v.isNull() && v.kind != jNumber {
			return s.errAt(v.off, ErrInvalid, jsonPath(part, task, k), "a stderr must be a number (or \"N/A\"), not a %s", v.kind)
		}
	}
	for i, k := range metrics.keys {
		v := metrics.items[i]
		metric, filter := splitMetricFilter(k)
		if strings.HasSuffix(metric, "_stderr") || k == "alias" || k == "name" || k == "sample_len" || k == "samples" {
			continue
		}
		f := jsonPath(part, task, k)
		line, col := s.position(v.off)
		result := func() card.EvalResult {
			r := base
			r.DatasetArgs = cloneArgs(base.DatasetArgs)
			r.MetricType = metric
			if filter != "none" {
				r.MetricConfig = filter
				r.MetricName = metric + " (" + filter + ")"
			}
			return r
		}
		switch {
		case v.isNull():
			continue
		case v.kind == jString:
			im.Warnings = append(im.Warnings, s.warning(line, col, f, WarnSkipped,
				fmt.Sprintf("the value %q is not a number; the metric is left out", v.text), "rerun the task, or leave it out"))
			continue
		case v.kind != jNumber:
			return s.errAt(v.off, ErrInvalid, f, "a metric value must be a number, not a %s", v.kind)
		case math.IsNaN(v.num) || math.IsInf(v.num, 0):
			im.Warnings = append(im.Warnings, s.warning(line, col, f, WarnSkipped,
				fmt.Sprintf("the value %s is not a finite number; the metric is left out", v.text), "check the task's output; a NaN usually means no sample was scored"))
			if metric != "" {
				r := result()
				r.MetricValue = v.text
				im.NotFinite = append(im.NotFinite, r)
			}
			continue
		}
		if metric == "" {
			return s.errAt(v.off, ErrInvalid, f, "the key has no metric name before the comma (keys are \"metric,filter\")")
		}
		r := result()
		r.MetricValue = v.numberValue()
		if se, ok := stderr[mf{metric, filter}]; ok {
			r.MetricArgs = map[string]any{"stderr": se}
		}
		im.addResult(r, line)
	}
	return nil
}

// splitMetricFilter splits "acc,none" into "acc" and "none"; a key without
// a comma (older versions) has the filter "none".
func splitMetricFilter(key string) (metric, filter string) {
	if m, f, ok := strings.Cut(key, ","); ok {
		return m, f
	}
	return key, "none"
}

// lmEvalDataset reads a task's dataset from its config.
func lmEvalDataset(s *source, r *card.EvalResult, cfg *jnode, field string) error {
	if cfg.kind != jObject {
		return s.errAt(cfg.off, ErrInvalid, field, "must be the task's config object, not a %s", cfg.kind)
	}
	str := func(key string) (string, error) {
		v := cfg.get(key)
		if v.isNull() {
			return "", nil
		}
		if v.kind != jString {
			return "", s.errAt(v.off, ErrInvalid, field+"."+key, "must be a string, not a %s", v.kind)
		}
		return v.text, nil
	}
	path, err := str("dataset_path")
	if err != nil {
		return err
	}
	if path != "" {
		r.DatasetType = path
	}
	if r.DatasetConfig, err = str("dataset_name"); err != nil {
		return err
	}
	test, err := str("test_split")
	if err != nil {
		return err
	}
	validation, err := str("validation_split")
	if err != nil {
		return err
	}
	r.DatasetSplit = test
	if r.DatasetSplit == "" {
		r.DatasetSplit = validation
	}
	if kw := cfg.get("dataset_kwargs"); kw != nil && kw.kind == jObject {
		if rev := kw.get("revision"); rev != nil && rev.kind == jString {
			r.DatasetRevision = rev.text
		}
	}
	return nil
}

// shots reads a number of few-shot examples: a whole, non-negative number.
func shots(s *source, n *jnode, field string) (int, error) {
	if n.kind == jNumber && n.num >= 0 && n.num == math.Trunc(n.num) && n.num < 1e6 {
		return int(n.num), nil
	}
	if n.kind == jString {
		if v, err := strconv.Atoi(strings.TrimSpace(n.text)); err == nil && v >= 0 {
			return v, nil
		}
	}
	return 0, s.errAt(n.off, ErrInvalid, field, "the number of few-shot examples must be a whole number of 0 or more, not %s", describeJSON(n))
}

// describeJSON names a value for messages.
func describeJSON(n *jnode) string {
	switch n.kind {
	case jNumber:
		return n.text
	case jString:
		return strconv.Quote(n.text)
	}
	return "a " + n.kind.String()
}

// lmEvalFacts records what the file says about the run.
func lmEvalFacts(s *source, im *Imported, root, config *jnode) {
	text := func(n *jnode) string {
		switch {
		case n.isNull():
			return ""
		case n.kind == jString:
			return n.text
		case n.kind == jNumber:
			return n.text
		case n.kind == jBool:
			return strconv.FormatBool(n.b)
		}
		return ""
	}
	if name := root.get("model_name"); name != nil && name.kind == jString {
		im.setFact(FactModelName, name.text)
	}
	if config != nil {
		args := text(config.get("model_args"))
		if _, ok := im.Facts[FactModelName]; !ok {
			for _, part := range strings.Split(args, ",") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(part), "pretrained="); ok {
					im.setFact(FactModelName, v)
				}
			}
		}
		im.setFact("lm_eval.model", text(config.get("model")))
		im.setFact("lm_eval.model_args", args)
		im.setFact("lm_eval.batch_size", text(config.get("batch_size")))
		if limit := config.get("limit"); !limit.isNull() {
			l := text(limit)
			im.setFact("lm_eval.limit", l)
			line, col := s.position(limit.off)
			im.Warnings = append(im.Warnings, s.warning(line, col, "config.limit", WarnPartial,
				fmt.Sprintf("the evaluation ran on a subset of each task (limit %s): the values are not comparable with full evaluations", l),
				"rerun without --limit before publishing these results"))
		}
	}
	im.setFact("lm_eval.git_hash", text(root.get("git_hash")))
	im.setFact("lm_eval.transformers_version", text(root.get("transformers_version")))
	if d := root.get("date"); d != nil && d.kind == jNumber && d.num > 0 && !math.IsInf(d.num, 0) && d.num < 1e11 {
		sec, frac := math.Modf(d.num)
		im.setFact("lm_eval.date", time.Unix(int64(sec), int64(frac*1e9)).UTC().Format(time.RFC3339))
	}
}

// lmEvalFilesIn lists the lm-evaluation-harness results files of a folder
// and of its sub-folders one level down (the harness writes one folder per
// model), in name order, which is time order for its timestamped names.
func lmEvalFilesIn(dir string) []string {
	var out []string
	for _, pattern := range []string{"results*.json", filepath.Join("*", "results*.json")} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		out = append(out, m...)
	}
	slices.Sort(out)
	return out
}

// importLMEvalDir reads every results file of a folder, in name order.
func importLMEvalDir(dir string, files []string) (*Imported, error) {
	im := &Imported{Source: dir, Kind: KindLMEval}
	for _, f := range files {
		src, err := readSource(f)
		if err != nil {
			return nil, err
		}
		root, err := parseJSON(src)
		if err != nil {
			return nil, err
		}
		one, err := lmEvalFromJSON(src, root)
		if err != nil {
			return nil, err
		}
		im.Results = append(im.Results, one.Results...)
		im.Warnings = append(im.Warnings, one.Warnings...)
		for k, v := range one.Facts {
			im.setFact(k, v)
		}
	}
	return im, nil
}

// cloneArgs copies an args map; nil stays nil.
func cloneArgs(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
