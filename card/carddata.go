package card

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// ErrInvalidCardData is wrapped by the errors of CardDataToMetadata.
var ErrInvalidCardData = errors.New("invalid card data")

// cardDataFields are the keys the Hub's ModelCardData names, in the order
// its to_dict writes them; every other key follows them in input order, and
// model-index comes last.
func cardDataFields() []string {
	return []string{
		"base_model", "datasets", "eval_results", "language", "library_name",
		"license", "license_name", "license_link", "metrics", "model_name",
		"pipeline_tag", "tags",
	}
}

// evalResultKeys are the keys of a flat Hub eval result, in the Hub's order.
func evalResultKeys() []string {
	return []string{
		"task_type", "dataset_type", "dataset_name", "metric_type", "metric_value",
		"task_name", "dataset_config", "dataset_split", "dataset_revision", "dataset_args",
		"metric_name", "metric_config", "metric_args", "verified", "verify_token",
		"source_name", "source_url",
	}
}

// CardDataToMetadata builds a card's metadata from card data the way the
// Hub's ModelCardData(**data).to_dict() does. Go maps have no order, so the
// keys the Hub's ModelCardData does not name come in sorted order; use
// CardDataToMetadataOrdered to keep the order they were given in.
func CardDataToMetadata(data map[string]any) (*Metadata, error) {
	return CardDataToMetadataOrdered(nil, data)
}

// CardDataToMetadataOrdered builds a card's metadata from card data the way
// the Hub's ModelCardData(**data).to_dict() does, with keys giving the order
// in which the data was written (keys of data missing from keys follow in
// sorted order; keys missing from data are skipped):
//
//   - model_name and eval_results (a list of flat eval-result mappings as
//     read by EvalResultFromMap, or EvalResult values) become `model-index`,
//     grouped by EvalResultsToModelIndex; eval_results without model_name is
//     an error. A `model-index` in data replaces both, as on the Hub: it is
//     read with ModelIndexToEvalResults and written back regrouped;
//   - tags are de-duplicated, keeping the first occurrence;
//   - top-level null values are dropped;
//   - the keys the Hub's ModelCardData names come first in its order
//     (base_model, datasets, language, library_name, license, license_name,
//     license_link, metrics, model_name, pipeline_tag, tags), then the other
//     keys in the given order, then model-index.
//
// Where the Hub writes something it cannot read back we differ: empty
// eval_results without model_name give no model-index (the Hub writes one
// without a name), and a tags value that is a single string is kept as it is
// (the Hub splits it into characters).
func CardDataToMetadataOrdered(keys []string, data map[string]any) (*Metadata, error) {
	order := cardDataOrder(keys, data)

	// The Hub's constructor: model-index, when truthy, replaces model_name
	// and eval_results; a falsy one is dropped.
	modelName, hasModelName := data["model_name"], data["model_name"] != nil
	evalValue, hasEval := data["eval_results"], data["eval_results"] != nil
	var results []EvalResult
	if mi, ok := data["model-index"]; ok && truthy(mi) {
		name, res, err := ModelIndexToEvalResults(mi)
		if err != nil {
			return nil, fmt.Errorf("%w: the model-index cannot be read: %w (fix it, or remove model-index and give model_name and eval_results)", ErrInvalidCardData, err)
		}
		modelName, hasModelName = name, true
		results, hasEval = res, true
	} else if hasEval {
		var err error
		if results, err = evalResultsFromValue(evalValue); err != nil {
			return nil, err
		}
	}
	name := ""
	if hasModelName {
		s, ok := modelName.(string)
		if !ok {
			return nil, fmt.Errorf("%w: model_name must be a string, not a %s (give the model's name, such as \"org/model\")", ErrInvalidCardData, miShape(modelName))
		}
		name = s
	}
	if hasEval && len(results) > 0 && name == "" {
		return nil, fmt.Errorf("%w: failed to validate eval_results: passing eval_results requires model_name to be set (the model-index names the model its results belong to; add model_name, such as \"org/model\")", ErrInvalidCardData)
	}

	md := NewMetadata()
	for _, k := range order {
		v := data[k]
		switch k {
		case "model-index":
			continue
		case "eval_results":
			continue
		case "model_name":
			if hasEval {
				continue
			}
			v = modelName
		case "tags":
			v = uniqueTags(v)
		}
		if v == nil {
			continue
		}
		// YAML would write a json.Number as a string: make it a number.
		if err := md.Set(k, miCopyValue(v)); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidCardData, err)
		}
	}
	if hasEval && name != "" {
		mi, err := EvalResultsToModelIndex(name, results)
		if err != nil {
			return nil, fmt.Errorf("%w: eval_results: %w", ErrInvalidCardData, err)
		}
		if err := md.Set("model-index", mi); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidCardData, err)
		}
	}
	return md, nil
}

// cardDataOrder returns the keys of data in the Hub's output order, without
// model-index (which the caller appends).
func cardDataOrder(keys []string, data map[string]any) []string {
	fields := cardDataFields()
	seen := map[string]bool{}
	var out []string
	for _, k := range fields {
		seen[k] = true
		if _, ok := data[k]; ok {
			out = append(out, k)
		}
	}
	seen["model-index"] = true
	for _, k := range keys {
		if _, ok := data[k]; ok && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	var rest []string
	for k := range data {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// truthy is Python's truth value of a decoded value.
func truthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case string:
		return t != ""
	}
	if l, ok := miList(v); ok {
		return len(l) > 0
	}
	if m, ok := miMapping(v); ok {
		return len(m) > 0
	}
	if e, ok := v.([]ModelIndexEntry); ok {
		return len(e) > 0
	}
	if miIsNumber(v) {
		return fmt.Sprint(v) != "0"
	}
	return true
}

// uniqueTags removes repeated tags from a list, keeping first occurrences.
// A value that is not a list is returned as it is.
func uniqueTags(v any) any {
	var items []any
	switch t := v.(type) {
	case []string:
		items = make([]any, len(t))
		for i, s := range t {
			items[i] = s
		}
	case []any:
		items = t
	default:
		return v
	}
	out := make([]any, 0, len(items))
	seenStrings := map[string]bool{}
	for _, x := range items {
		if s, ok := x.(string); ok {
			if !seenStrings[s] {
				seenStrings[s] = true
				out = append(out, s)
			}
			continue
		}
		dup := false
		for _, y := range out {
			if reflect.DeepEqual(x, y) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}

// evalResultsFromValue reads the eval_results of card data: a list of flat
// eval-result mappings or EvalResult values, or a single one.
func evalResultsFromValue(v any) ([]EvalResult, error) {
	switch t := v.(type) {
	case []EvalResult:
		return t, nil
	case EvalResult:
		return []EvalResult{t}, nil
	case *EvalResult:
		return []EvalResult{*t}, nil
	}
	if m, ok := miMapping(v); ok {
		r, err := EvalResultFromMap(m)
		if err != nil {
			return nil, fmt.Errorf("%w: eval_results: %w", ErrInvalidCardData, err)
		}
		return []EvalResult{r}, nil
	}
	items, ok := miList(v)
	if !ok {
		return nil, fmt.Errorf("%w: eval_results must be a list of eval results (mappings with task_type, dataset_type, dataset_name, metric_type, metric_value), not a %s", ErrInvalidCardData, miShape(v))
	}
	out := make([]EvalResult, 0, len(items))
	for i, item := range items {
		var r EvalResult
		switch t := item.(type) {
		case EvalResult:
			r = t
		case *EvalResult:
			if t == nil {
				return nil, fmt.Errorf("%w: eval_results[%d] is null (remove it)", ErrInvalidCardData, i)
			}
			r = *t
		default:
			m, ok := miMapping(item)
			if !ok {
				return nil, fmt.Errorf("%w: eval_results[%d] must be a mapping of eval-result keys, not a %s", ErrInvalidCardData, i, miShape(item))
			}
			var err error
			if r, err = EvalResultFromMap(m); err != nil {
				return nil, fmt.Errorf("%w: eval_results[%d]: %w", ErrInvalidCardData, i, err)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// EvalResultFromMap reads one flat Hub eval result, such as
// {"task_type": "text-classification", "dataset_type": "glue",
// "dataset_name": "GLUE", "metric_type": "accuracy", "metric_value": 0.9}.
// Keys are those of the Hub's EvalResult (task_type, task_name,
// dataset_type, dataset_name, dataset_config, dataset_split,
// dataset_revision, dataset_args, metric_type, metric_value, metric_name,
// metric_config, metric_args, verified, verify_token, source_name,
// source_url); null values count as absent.
//
// It fails, naming every offending key, on an unknown key, a value of the
// wrong type (text fields take strings, and numbers as their decimal text;
// metric_value a number or a string; the args mappings; verified a
// boolean), or a source_name without source_url. It does not require the
// keys a model-index needs, so that partial results (a metric without its
// task) can be read: use EvalResult.Complete or EvalResultsToModelIndex for
// that.
func EvalResultFromMap(m map[string]any) (EvalResult, error) {
	var r EvalResult
	var problems []string
	bad := func(key, format string, args ...any) {
		problems = append(problems, key+": "+fmt.Sprintf(format, args...))
	}
	text := func(key string, dst *string) {
		v := m[key]
		switch t := v.(type) {
		case nil:
		case string:
			*dst = t
		default:
			if n, err := normaliseMetricValue(v); err == nil && miIsNumber(v) {
				*dst = fmt.Sprint(n)
				return
			}
			bad(key, "must be a string, not a %s", miShape(v))
		}
	}
	args := func(key string, dst *map[string]any) {
		v := m[key]
		if v == nil {
			return
		}
		mm, ok := miMapping(v)
		if !ok {
			bad(key, "must be a mapping of argument names to values, not a %s", miShape(v))
			return
		}
		*dst = miCopyArgs(mm)
	}
	text("task_type", &r.TaskType)
	text("task_name", &r.TaskName)
	text("dataset_type", &r.DatasetType)
	text("dataset_name", &r.DatasetName)
	text("dataset_config", &r.DatasetConfig)
	text("dataset_split", &r.DatasetSplit)
	text("dataset_revision", &r.DatasetRevision)
	args("dataset_args", &r.DatasetArgs)
	text("metric_type", &r.MetricType)
	if v := m["metric_value"]; v != nil {
		n, err := normaliseMetricValue(v)
		if err != nil {
			bad("metric_value", "%v", err)
		} else {
			r.MetricValue = n
		}
	}
	text("metric_name", &r.MetricName)
	text("metric_config", &r.MetricConfig)
	args("metric_args", &r.MetricArgs)
	if v := m["verified"]; v != nil {
		if b, ok := v.(bool); ok {
			r.Verified = &b
		} else {
			bad("verified", "must be true or false, not a %s", miShape(v))
		}
	}
	text("verify_token", &r.VerifyToken)
	text("source_name", &r.SourceName)
	text("source_url", &r.SourceURL)
	if r.SourceName != "" && r.SourceURL == "" {
		bad("source_name", "%q is given without source_url (add the URL the result comes from, or drop source_name)", r.SourceName)
	}
	known := evalResultKeys()
	var unknown []string
	for k := range m {
		if !miContains(known, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		hint := ""
		if s := miClosestKey(k, known); s != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", s)
		}
		problems = append(problems, fmt.Sprintf("unknown key %q%s; the keys of an eval result are %s",
			k, hint, strings.Join(known, ", ")))
	}
	if len(problems) > 0 {
		return EvalResult{}, fmt.Errorf("%w: %s", ErrInvalidEvalResult, strings.Join(problems, "; "))
	}
	return r, nil
}
