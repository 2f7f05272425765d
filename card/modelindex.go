package card

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// ModelIndexEntry is one entry of the Hub's `model-index` metadata: a model
// name and its grouped results. Field order is the Hub's.
type ModelIndexEntry struct {
	// Name is the model's name.
	Name string `json:"name" yaml:"name"`
	// Results groups metrics by task, dataset and source.
	Results []ModelIndexResult `json:"results" yaml:"results"`
}

// ModelIndexResult is one group of metrics sharing a task, a dataset and a
// source.
type ModelIndexResult struct {
	// Task is the task evaluated.
	Task ModelIndexTask `json:"task" yaml:"task"`
	// Dataset is the dataset evaluated on.
	Dataset ModelIndexDataset `json:"dataset" yaml:"dataset"`
	// Metrics are the values measured.
	Metrics []ModelIndexMetric `json:"metrics" yaml:"metrics"`
	// Source is where the results come from, if given.
	Source *ModelIndexSource `json:"source,omitempty" yaml:"source,omitempty"`
}

// ModelIndexTask is the task of a model-index result.
type ModelIndexTask struct {
	// Type is the Hub task id (required).
	Type string `json:"type" yaml:"type"`
	// Name is a pretty name.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
}

// ModelIndexDataset is the dataset of a model-index result.
type ModelIndexDataset struct {
	// Name is a pretty name (required).
	Name string `json:"name" yaml:"name"`
	// Type is the dataset id (required).
	Type string `json:"type" yaml:"type"`
	// Config is the subset.
	Config string `json:"config,omitempty" yaml:"config,omitempty"`
	// Split is the split.
	Split string `json:"split,omitempty" yaml:"split,omitempty"`
	// Revision is the dataset revision.
	Revision string `json:"revision,omitempty" yaml:"revision,omitempty"`
	// Args are extra load arguments.
	Args map[string]any `json:"args,omitempty" yaml:"args,omitempty"`
}

// ModelIndexMetric is one metric of a model-index result.
type ModelIndexMetric struct {
	// Type is the metric id (required).
	Type string `json:"type" yaml:"type"`
	// Value is the value (required): a number or a string.
	Value any `json:"value" yaml:"value"`
	// Name is a pretty name.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	// Config is the metric configuration.
	Config string `json:"config,omitempty" yaml:"config,omitempty"`
	// Args are the metric's arguments.
	Args map[string]any `json:"args,omitempty" yaml:"args,omitempty"`
	// Verified is true for results verified by the Hub.
	Verified *bool `json:"verified,omitempty" yaml:"verified,omitempty"`
	// VerifyToken is the Hub's signature.
	VerifyToken string `json:"verifyToken,omitempty" yaml:"verifyToken,omitempty"`
}

// ModelIndexSource is the source of a model-index result.
type ModelIndexSource struct {
	// URL links to the source (required when a source is given).
	URL string `json:"url" yaml:"url"`
	// Name names the source.
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
}

// ErrInvalidModelIndex is wrapped by every error ModelIndexToEvalResults
// returns: the value is not a model-index the Hub can read.
var ErrInvalidModelIndex = errors.New("invalid model-index")

// ErrInvalidEvalResult is wrapped by the errors about flat eval results:
// a required key is missing, a value has the wrong type, or a source has a
// name but no URL.
var ErrInvalidEvalResult = errors.New("invalid eval result")

// The codes of ModelIndexIssue.
const (
	// IssueWrongType: a value has the wrong YAML shape (a string where a
	// mapping belongs, a list as a metric value, ...). Error.
	IssueWrongType = "model-index.wrong-type"
	// IssueMissingKey: a required key is absent. Error.
	IssueMissingKey = "model-index.missing-key"
	// IssueEmptyValue: a required key is present but null or empty. Error.
	IssueEmptyValue = "model-index.empty-value"
	// IssueEmpty: the model-index is an empty list, which names no model.
	// Error.
	IssueEmpty = "model-index.empty"
	// IssueSourceWithoutURL: a source names itself but gives no url. Error.
	IssueSourceWithoutURL = "model-index.source-without-url"
	// IssueUnknownKey: a key the Hub's spec does not define. Warning.
	IssueUnknownKey = "model-index.unknown-key"
	// IssueNotAString: a number where the spec wants a string; it is read
	// as its decimal text. Warning.
	IssueNotAString = "model-index.not-a-string"
	// IssueNoMetrics: a result lists no metrics, so it carries nothing and
	// disappears when the results are regrouped. Warning.
	IssueNoMetrics = "model-index.no-metrics"
	// IssueSeveralEntries: the model-index has more than one entry; the
	// Hub's tools keep the last entry's name for all results. Warning.
	IssueSeveralEntries = "model-index.several-entries"
)

// ModelIndexIssue is one structural problem of a `model-index` value.
type ModelIndexIssue struct {
	// Path leads from the model-index value down to the problem: string
	// keys and int indexes, such as [0 "results" 1 "dataset" "type"].
	Path []any
	// Field is Path rendered, such as "model-index[0].results[1].dataset.type".
	Field string
	// Code is a stable identifier, one of the Issue* constants.
	Code string
	// Message says what is wrong.
	Message string
	// Fix says how to fix it.
	Fix string
	// Warning is true for problems that do not stop the Hub from reading
	// the model-index (unknown keys, a number where a string belongs, ...).
	Warning bool
}

// Problem returns the issue as a Problem, without file position.
func (i ModelIndexIssue) Problem() Problem {
	sev := SeverityError
	if i.Warning {
		sev = SeverityWarning
	}
	return Problem{Field: i.Field, Severity: sev, Code: i.Code, Message: i.Message, Fix: i.Fix}
}

// String formats the issue as "field: message (fix: ...)".
func (i ModelIndexIssue) String() string {
	s := i.Field + ": " + i.Message
	if i.Fix != "" {
		s += " (fix: " + i.Fix + ")"
	}
	return s
}

// ModelIndexError is the error of ModelIndexToEvalResults: the first
// error-level issue found, in the order the Hub's own reader meets them.
type ModelIndexError struct {
	// Issue is the problem.
	Issue ModelIndexIssue
}

// Error implements error.
func (e *ModelIndexError) Error() string {
	return ErrInvalidModelIndex.Error() + ": " + e.Issue.String()
}

// Unwrap returns ErrInvalidModelIndex.
func (e *ModelIndexError) Unwrap() error { return ErrInvalidModelIndex }

// evalGroupKey is what EvalResultsToModelIndex groups results by: the Hub's
// EvalResult.unique_identifier.
type evalGroupKey struct {
	taskType, datasetType, config, split, revision string
}

// EvalResultsToModelIndex groups flat results into a model-index with the
// Hub's rules: results sharing task type, dataset type, config, split and
// revision form one group; groups come in the order of their first result;
// a group's task name, dataset name and args, and source are those of its
// first result; metrics keep their input order. The model-index has one
// entry, named modelName.
//
// It fails, naming every offending result and field, when modelName is
// empty, when a result lacks task_type, dataset_type, dataset_name,
// metric_type or metric_value, when a metric value is neither a number nor
// a string, or when a result names a source without its URL. Metric values
// keep their type; a json.Number becomes an int64 or a float64. Args maps
// are copied.
func EvalResultsToModelIndex(modelName string, results []EvalResult) ([]ModelIndexEntry, error) {
	var problems []string
	if modelName == "" {
		problems = append(problems, "the model name is empty (set model_name, such as \"org/model\"; the model-index names the model its results belong to)")
	}
	values := make([]any, len(results))
	for i, r := range results {
		if msg := evalResultProblems(r); msg != "" {
			problems = append(problems, fmt.Sprintf("eval result %d: %s", i, msg))
			continue
		}
		v, err := normaliseMetricValue(r.MetricValue)
		if err != nil {
			problems = append(problems, fmt.Sprintf("eval result %d: metric_value: %v", i, err))
			continue
		}
		values[i] = v
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalidEvalResult, strings.Join(problems, "; "))
	}

	var order []evalGroupKey
	groups := map[evalGroupKey][]int{}
	for i, r := range results {
		k := evalGroupKey{r.TaskType, r.DatasetType, r.DatasetConfig, r.DatasetSplit, r.DatasetRevision}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	out := make([]ModelIndexResult, 0, len(order))
	for _, k := range order {
		idx := groups[k]
		first := results[idx[0]]
		res := ModelIndexResult{
			Task: ModelIndexTask{Type: first.TaskType, Name: first.TaskName},
			Dataset: ModelIndexDataset{
				Name:     first.DatasetName,
				Type:     first.DatasetType,
				Config:   first.DatasetConfig,
				Split:    first.DatasetSplit,
				Revision: first.DatasetRevision,
				Args:     miCopyArgs(first.DatasetArgs),
			},
			Metrics: make([]ModelIndexMetric, 0, len(idx)),
		}
		for _, i := range idx {
			r := results[i]
			res.Metrics = append(res.Metrics, ModelIndexMetric{
				Type:        r.MetricType,
				Value:       values[i],
				Name:        r.MetricName,
				Config:      r.MetricConfig,
				Args:        miCopyArgs(r.MetricArgs),
				Verified:    miCopyBool(r.Verified),
				VerifyToken: r.VerifyToken,
			})
		}
		if first.SourceURL != "" {
			res.Source = &ModelIndexSource{URL: first.SourceURL, Name: first.SourceName}
		}
		out = append(out, res)
	}
	return []ModelIndexEntry{{Name: modelName, Results: out}}, nil
}

// evalResultProblems lists what keeps a result out of a model-index, or "".
func evalResultProblems(r EvalResult) string {
	missing := r.MissingKeys()
	var msgs []string
	if len(missing) > 0 {
		msgs = append(msgs, "missing "+strings.Join(missing, ", ")+
			" (every result needs task_type, dataset_type, dataset_name, metric_type and metric_value)")
	}
	if r.SourceName != "" && r.SourceURL == "" {
		msgs = append(msgs, fmt.Sprintf("source_name %q is given without source_url (add the URL the result comes from, or drop source_name)", r.SourceName))
	}
	return strings.Join(msgs, "; ")
}

// ModelIndexToEvalResults reads a decoded `model-index` value (as decoded
// from YAML or JSON: []any of map[string]any; []map[string]any and
// []ModelIndexEntry are accepted too) into the model name and flat results,
// with the Hub's rules: every metric of every result of every entry gives
// one EvalResult, in order; the name is the LAST entry's name.
//
// It fails, with a *ModelIndexError wrapping ErrInvalidModelIndex that
// names the path of the problem, where the Hub's reader fails (a missing
// required key, a source name without url, a wrong shape) and also where
// the Hub's reader would accept a value that it then cannot write back: a
// required value that is null or empty, a metric value that is neither a
// number nor a string, an empty model-index. CheckModelIndex reports an
// error-level issue exactly when this function fails, and the error is its
// first such issue.
func ModelIndexToEvalResults(modelIndex any) (modelName string, results []EvalResult, err error) {
	w := &miWalker{stopAtError: true}
	w.walk(modelIndex)
	for _, is := range w.issues {
		if !is.Warning {
			return "", nil, &ModelIndexError{Issue: is}
		}
	}
	if w.results == nil {
		w.results = []EvalResult{}
	}
	return w.name, w.results, nil
}

// CheckModelIndex lists every structural problem of a decoded `model-index`
// value, errors and warnings, in document order. It accepts what
// ModelIndexToEvalResults accepts, and has an error-level issue exactly
// when that function fails.
func CheckModelIndex(modelIndex any) []ModelIndexIssue {
	w := &miWalker{}
	w.walk(modelIndex)
	return w.issues
}

// miWalker walks a model-index value once, collecting issues and results.
type miWalker struct {
	// stopAtError ends the walk at the first error-level issue.
	stopAtError bool
	// failed is set by the first error-level issue.
	failed  bool
	issues  []ModelIndexIssue
	name    string
	results []EvalResult
}

func (w *miWalker) stopped() bool { return w.stopAtError && w.failed }

func (w *miWalker) report(path []any, warning bool, code, msg, fix string) {
	p := append([]any{}, path...)
	w.issues = append(w.issues, ModelIndexIssue{
		Path: p, Field: renderModelIndexPath(p), Code: code, Message: msg, Fix: fix, Warning: warning,
	})
	if !warning {
		w.failed = true
	}
}

// miAt returns path extended by one step, never sharing storage with path.
func miAt(path []any, step any) []any {
	out := make([]any, len(path)+1)
	copy(out, path)
	out[len(path)] = step
	return out
}

// renderModelIndexPath renders a path as "model-index[0].results[1].task".
func renderModelIndexPath(path []any) string {
	var b strings.Builder
	b.WriteString("model-index")
	for _, p := range path {
		switch s := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		case string:
			if miPlainKey(s) {
				b.WriteString("." + s)
			} else {
				fmt.Fprintf(&b, "[%q]", s)
			}
		default:
			fmt.Fprintf(&b, "[%v]", s)
		}
	}
	return b.String()
}

func miPlainKey(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// walk checks the whole value in the order the Hub's reader visits it.
func (w *miWalker) walk(v any) {
	entries, ok := miList(v)
	if !ok {
		if e, isTyped := v.([]ModelIndexEntry); isTyped {
			entries, ok = modelIndexAsValues(e), true
		}
	}
	switch {
	case v == nil:
		w.report(nil, false, IssueEmpty, "the model-index is null: it names no model and lists no results",
			"give a list of entries, each with name: <model name> and results: [...], or remove model-index")
		return
	case !ok:
		w.report(nil, false, IssueWrongType, "the model-index must be a list of entries, not a "+miShape(v),
			"write model-index as a list: - name: <model name> followed by results: [...]")
		return
	case len(entries) == 0:
		w.report(nil, false, IssueEmpty, "the model-index is an empty list: it names no model",
			"add an entry with name: <model name> and results: [...], or remove model-index")
		return
	}
	for i, e := range entries {
		if i > 0 && i == len(entries)-1 {
			w.report([]any{i}, true, IssueSeveralEntries,
				fmt.Sprintf("the model-index has %d entries; the Hub's tools read all their results but keep only the last entry's name", len(entries)),
				"put all results under one entry")
		}
		w.entry(e, []any{i})
		if w.stopped() {
			return
		}
	}
}

func (w *miWalker) entry(v any, path []any) {
	m, ok := w.mapping(v, path, "an entry of the model-index", "- name: <model name>\n  results: [...]")
	if !ok {
		return
	}
	name, ok := w.requiredString(m, "name", path, `the model's name, such as "org/model"`)
	if w.stopped() {
		return
	}
	rv, present := m["results"]
	var results []any
	switch {
	case !present:
		w.report(miAt(path, "results"), false, IssueMissingKey,
			`missing required key "results" in `+renderModelIndexPath(path),
			"add results: a list of result groups, each with task, dataset and metrics")
	default:
		var isList bool
		results, isList = miList(rv)
		if !isList {
			w.report(miAt(path, "results"), false, IssueWrongType,
				"results must be a list of result groups, not a "+miShape(rv),
				"write results as a list: - task: {type: ...} dataset: {...} metrics: [...]")
		}
	}
	if w.stopped() {
		return
	}
	w.unknownKeys(m, path, "entry", "name", "results")
	for j, r := range results {
		w.result(r, miAt(miAt(path, "results"), j))
		if w.stopped() {
			return
		}
	}
	if ok {
		// The Hub's reader keeps the name of the last entry it reads.
		w.name = name
	}
}

func (w *miWalker) result(v any, path []any) {
	m, ok := w.mapping(v, path, "a result group", "task: {type: ...}\ndataset: {type: ..., name: ...}\nmetrics: [...]")
	if !ok {
		return
	}
	var base EvalResult
	valid := true

	// task
	if task, ok := w.section(m, "task", path, true, "task: {type: <Hub task id, such as text-classification>}"); ok && task != nil {
		tp := miAt(path, "task")
		t, okT := w.requiredString(task, "type", tp, `a Hub task id, such as "text-classification"`)
		base.TaskType = t
		valid = valid && okT
		if w.stopped() {
			return
		}
		base.TaskName = w.optionalString(task, "name", tp)
		w.unknownKeys(task, tp, "task", "type", "name")
	} else {
		valid = false
	}
	if w.stopped() {
		return
	}

	// dataset
	if ds, ok := w.section(m, "dataset", path, true, "dataset: {type: <dataset id, such as glue>, name: <pretty name>}"); ok && ds != nil {
		dp := miAt(path, "dataset")
		t, okT := w.requiredString(ds, "type", dp, `the dataset id, such as "glue"`)
		if w.stopped() {
			return
		}
		n, okN := w.requiredString(ds, "name", dp, `a pretty name for the dataset, such as "GLUE (SST-2)"`)
		if w.stopped() {
			return
		}
		base.DatasetType, base.DatasetName = t, n
		valid = valid && okT && okN
		base.DatasetConfig = w.optionalString(ds, "config", dp)
		base.DatasetSplit = w.optionalString(ds, "split", dp)
		base.DatasetRevision = w.optionalString(ds, "revision", dp)
		base.DatasetArgs = w.optionalMapping(ds, "args", dp)
		w.unknownKeys(ds, dp, "dataset", "name", "type", "config", "split", "revision", "args")
	} else {
		valid = false
	}
	if w.stopped() {
		return
	}

	// source
	if src, ok := w.section(m, "source", path, false, "source: {url: <link>, name: <name>}"); ok && src != nil {
		sp := miAt(path, "source")
		base.SourceName = w.optionalString(src, "name", sp)
		switch uv, present := src["url"]; {
		case !present || uv == nil:
			// The Hub refuses a source name without a url; a source with
			// neither is no source.
			if base.SourceName != "" {
				w.report(miAt(sp, "url"), false, IssueSourceWithoutURL,
					fmt.Sprintf("the source %q has a name but no url", base.SourceName),
					"add url: <link to the source> under source, or remove source")
			}
		case miEmpty(uv):
			w.report(miAt(sp, "url"), false, IssueEmptyValue, "the source url is empty",
				"give the URL the results come from, or remove source")
		default:
			base.SourceURL = w.optionalString(src, "url", sp)
		}
		w.unknownKeys(src, sp, "source", "url", "name")
	} else if !ok {
		valid = false
	}
	if w.stopped() {
		return
	}

	// metrics
	mv, present := m["metrics"]
	var metrics []any
	switch {
	case !present:
		w.report(miAt(path, "metrics"), false, IssueMissingKey,
			`missing required key "metrics" in `+renderModelIndexPath(path),
			"add metrics: a list of - type: <metric id> value: <number or string>")
		valid = false
	default:
		var isList bool
		metrics, isList = miList(mv)
		if !isList {
			w.report(miAt(path, "metrics"), false, IssueWrongType,
				"metrics must be a list of metrics, not a "+miShape(mv),
				"write metrics as a list: - type: <metric id> value: <number or string>")
			valid = false
		} else if len(metrics) == 0 {
			w.report(miAt(path, "metrics"), true, IssueNoMetrics,
				"the result lists no metrics, so it reports nothing",
				"add the metrics measured, or remove this result")
		}
	}
	if w.stopped() {
		return
	}
	w.unknownKeys(m, path, "result", "task", "dataset", "metrics", "source")
	for k, mv := range metrics {
		r, ok := w.metric(mv, miAt(miAt(path, "metrics"), k), base)
		if w.stopped() {
			return
		}
		if ok && valid {
			w.results = append(w.results, r)
		}
	}
}

func (w *miWalker) metric(v any, path []any, base EvalResult) (EvalResult, bool) {
	m, ok := w.mapping(v, path, "a metric", "type: <metric id>\nvalue: <number or string>")
	if !ok {
		return base, false
	}
	t, okT := w.requiredString(m, "type", path, `the metric id, such as "accuracy"`)
	if w.stopped() {
		return base, false
	}
	r := base
	r.MetricType = t
	val, okV := w.metricValue(m, path)
	if w.stopped() {
		return base, false
	}
	r.MetricValue = val
	r.MetricName = w.optionalString(m, "name", path)
	r.MetricConfig = w.optionalString(m, "config", path)
	r.MetricArgs = w.optionalMapping(m, "args", path)
	if bv, present := m["verified"]; present && bv != nil {
		if b, isBool := bv.(bool); isBool {
			r.Verified = &b
		} else {
			w.report(miAt(path, "verified"), false, IssueWrongType,
				"verified must be true or false, not a "+miShape(bv),
				"write verified: true or verified: false (the Hub sets it for results it checked), or remove it")
			okV = false
		}
	}
	r.VerifyToken = w.optionalString(m, "verifyToken", path)
	w.unknownKeys(m, path, "metric", "type", "value", "name", "config", "args", "verified", "verifyToken")
	return r, okT && okV && !w.stopped()
}

func (w *miWalker) metricValue(m map[string]any, path []any) (any, bool) {
	v, present := m["value"]
	p := miAt(path, "value")
	switch {
	case !present:
		w.report(p, false, IssueMissingKey, `missing required key "value" in `+renderModelIndexPath(path),
			`add value: the measured value, a number or a string such as "20.0 ± 1.2"`)
		return nil, false
	case v == nil:
		w.report(p, false, IssueEmptyValue, "the metric value is null",
			"give the measured value, a number or a string; remove the metric if it was not measured")
		return nil, false
	}
	out, err := normaliseMetricValue(v)
	if err != nil {
		w.report(p, false, IssueWrongType, err.Error(),
			`give one number, or a string such as "20.0 ± 1.2"; put each further value in its own metric`)
		return nil, false
	}
	return out, true
}

// mapping reads v as a mapping, reporting it otherwise.
func (w *miWalker) mapping(v any, path []any, what, example string) (map[string]any, bool) {
	m, ok := miMapping(v)
	if !ok {
		w.report(path, false, IssueWrongType,
			fmt.Sprintf("%s must be a mapping of keys to values, not a %s", what, miShape(v)),
			"write it as a mapping, such as: "+strings.ReplaceAll(example, "\n", "; "))
	}
	return m, ok
}

// section reads the mapping under key. A required section must be
// present and a mapping; an optional one may be absent or null, giving nil.
func (w *miWalker) section(m map[string]any, key string, path []any, required bool, example string) (map[string]any, bool) {
	v, present := m[key]
	p := miAt(path, key)
	if !present || v == nil {
		if !required {
			return nil, true
		}
		if !present {
			w.report(p, false, IssueMissingKey, fmt.Sprintf("missing required key %q in %s", key, renderModelIndexPath(path)),
				"add "+example)
		} else {
			w.report(p, false, IssueEmptyValue, key+" is null", "give "+example)
		}
		return nil, false
	}
	out, ok := miMapping(v)
	if !ok {
		w.report(p, false, IssueWrongType, fmt.Sprintf("%s must be a mapping, not a %s", key, miShape(v)),
			"write "+example)
		return nil, false
	}
	return out, true
}

// requiredString reads a required string key of m at path.
func (w *miWalker) requiredString(m map[string]any, key string, path []any, meaning string) (string, bool) {
	v, present := m[key]
	p := miAt(path, key)
	if !present {
		w.report(p, false, IssueMissingKey,
			fmt.Sprintf("missing required key %q in %s (%s)", key, renderModelIndexPath(path), meaning),
			fmt.Sprintf("add %s: <%s> under %s", key, meaning, renderModelIndexPath(path)))
		return "", false
	}
	if miEmpty(v) {
		w.report(p, false, IssueEmptyValue, fmt.Sprintf("%s is empty", key),
			fmt.Sprintf("give %s: %s", key, meaning))
		return "", false
	}
	return w.stringValue(v, p)
}

// optionalString reads an optional string key; absent or null gives "".
func (w *miWalker) optionalString(m map[string]any, key string, path []any) string {
	v, present := m[key]
	if !present || v == nil {
		return ""
	}
	s, _ := w.stringValue(v, miAt(path, key))
	return s
}

// stringValue reads a string, taking a number as its decimal text with a
// warning.
func (w *miWalker) stringValue(v any, p []any) (string, bool) {
	if s, ok := v.(string); ok {
		return s, true
	}
	if miIsNumber(v) {
		if _, err := normaliseMetricValue(v); err == nil {
			s := fmt.Sprint(v)
			w.report(p, true, IssueNotAString, fmt.Sprintf("%s is a number (%s) where the spec wants a string", miLastKey(p), s),
				fmt.Sprintf("quote it: %q", s))
			return s, true
		}
	}
	w.report(p, false, IssueWrongType, fmt.Sprintf("%s must be a string, not a %s", miLastKey(p), miShape(v)),
		"write a single string value")
	return "", false
}

// optionalMapping reads an optional mapping key (args); absent, null or
// empty gives nil. The mapping is copied.
func (w *miWalker) optionalMapping(m map[string]any, key string, path []any) map[string]any {
	v, present := m[key]
	if !present || v == nil {
		return nil
	}
	mm, ok := miMapping(v)
	if !ok {
		w.report(miAt(path, key), false, IssueWrongType,
			fmt.Sprintf("%s must be a mapping of argument names to values, not a %s", key, miShape(v)),
			fmt.Sprintf("write %s as a mapping, such as %s: {name: value}", key, key))
		return nil
	}
	return miCopyArgs(mm)
}

// unknownKeys warns about keys of m that the spec does not define.
func (w *miWalker) unknownKeys(m map[string]any, path []any, what string, known ...string) {
	var unknown []string
	for k := range m {
		if !miContains(known, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		fix := fmt.Sprintf("remove it; the keys of a %s are %s", what, strings.Join(known, ", "))
		if s := miClosestKey(k, known); s != "" {
			fix = fmt.Sprintf("did you mean %q? The keys of a %s are %s", s, what, strings.Join(known, ", "))
		}
		w.report(miAt(path, k), true, IssueUnknownKey,
			fmt.Sprintf("unknown key %q in a %s: the Hub ignores it", k, what), fix)
	}
}

func miContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// miClosestKey returns the known key within two edits of k, if any.
func miClosestKey(k string, known []string) string {
	best, bestD := "", 3
	for _, c := range known {
		if d := editDistance(strings.ToLower(k), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func miLastKey(p []any) string {
	if len(p) == 0 {
		return "model-index"
	}
	return fmt.Sprint(p[len(p)-1])
}

// miEmpty reports a null or an empty string.
func miEmpty(v any) bool {
	if v == nil {
		return true
	}
	s, ok := v.(string)
	return ok && s == ""
}

// miList reads v as a list of values.
func miList(v any) ([]any, bool) {
	switch t := v.(type) {
	case []any:
		return t, true
	case []map[string]any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = x
		}
		return out, true
	}
	return nil, false
}

// miMapping reads v as a mapping with string keys; YAML decoders may give
// map[any]any, whose keys are rendered as text.
func miMapping(v any) (map[string]any, bool) {
	switch t := v.(type) {
	case map[string]any:
		return t, true
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[fmt.Sprint(k)] = x
		}
		return out, true
	case map[string]string:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = x
		}
		return out, true
	}
	return nil, false
}

// miShape names the YAML shape of a decoded value for messages.
func miShape(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	}
	if miIsNumber(v) {
		return "number"
	}
	if _, ok := miList(v); ok {
		return "list"
	}
	if _, ok := miMapping(v); ok {
		return "mapping"
	}
	return fmt.Sprintf("%T", v)
}

// miIsNumber reports whether v is a Go number or a json.Number.
func miIsNumber(v any) bool {
	switch v.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, json.Number:
		return true
	}
	return false
}

// normaliseMetricValue checks that a metric value is a number or a string
// and returns it with its type kept, except that a json.Number becomes an
// int64 when it is a whole number that fits, a float64 otherwise.
func normaliseMetricValue(v any) (any, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return i, nil
		}
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, fmt.Errorf("the value %q is not a number a float64 can hold", string(t))
		}
		return f, nil
	}
	if miIsNumber(v) {
		return v, nil
	}
	if v == nil {
		return nil, errors.New("the metric value is null")
	}
	return nil, fmt.Errorf("a metric value must be a number or a string, not a %s", miShape(v))
}

// miCopyArgs deep-copies an args mapping, turning map[any]any into
// map[string]any and json.Number into int64 or float64. Empty gives nil.
func miCopyArgs(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = miCopyValue(v)
	}
	return out
}

func miCopyValue(v any) any {
	switch t := v.(type) {
	case json.Number:
		if n, err := normaliseMetricValue(t); err == nil {
			return n
		}
		return string(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = miCopyValue(x)
		}
		return out
	}
	if m, ok := miMapping(v); ok {
		out := make(map[string]any, len(m))
		for k, x := range m {
			out[k] = miCopyValue(x)
		}
		return out
	}
	return v
}

func miCopyBool(b *bool) *bool {
	if b == nil {
		return nil
	}
	v := *b
	return &v
}

// modelIndexAsValues turns typed entries into the plain values a YAML or
// JSON decoder would give, leaving out empty optional fields as encoding
// does; nil lists become empty lists.
func modelIndexAsValues(entries []ModelIndexEntry) []any {
	out := make([]any, len(entries))
	for i, e := range entries {
		results := make([]any, len(e.Results))
		for j, r := range e.Results {
			task := map[string]any{"type": r.Task.Type}
			miPutString(task, "name", r.Task.Name)
			ds := map[string]any{"name": r.Dataset.Name, "type": r.Dataset.Type}
			miPutString(ds, "config", r.Dataset.Config)
			miPutString(ds, "split", r.Dataset.Split)
			miPutString(ds, "revision", r.Dataset.Revision)
			if len(r.Dataset.Args) > 0 {
				ds["args"] = miCopyArgs(r.Dataset.Args)
			}
			metrics := make([]any, len(r.Metrics))
			for k, m := range r.Metrics {
				mm := map[string]any{"type": m.Type, "value": m.Value}
				miPutString(mm, "name", m.Name)
				miPutString(mm, "config", m.Config)
				if len(m.Args) > 0 {
					mm["args"] = miCopyArgs(m.Args)
				}
				if m.Verified != nil {
					mm["verified"] = *m.Verified
				}
				miPutString(mm, "verifyToken", m.VerifyToken)
				metrics[k] = mm
			}
			res := map[string]any{"task": task, "dataset": ds, "metrics": metrics}
			if r.Source != nil {
				src := map[string]any{"url": r.Source.URL}
				miPutString(src, "name", r.Source.Name)
				res["source"] = src
			}
			results[j] = res
		}
		out[i] = map[string]any{"name": e.Name, "results": results}
	}
	return out
}

func miPutString(m map[string]any, key, value string) {
	if value != "" {
		m[key] = value
	}
}

// MarshalYAML implements yaml.Marshaler: it writes a whole float value as
// a float ("90.0"), so that it reads back with its type.
func (m ModelIndexMetric) MarshalYAML() (any, error) {
	type plain ModelIndexMetric
	p := plain(m)
	p.Value = keepFloats(m.Value)
	p.Args = keepFloatsMap(m.Args)
	return p, nil
}

// MarshalYAML implements yaml.Marshaler, keeping whole floats in args
// floats.
func (d ModelIndexDataset) MarshalYAML() (any, error) {
	type plain ModelIndexDataset
	p := plain(d)
	p.Args = keepFloatsMap(d.Args)
	return p, nil
}

func keepFloatsMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return keepFloats(m).(map[string]any)
}
