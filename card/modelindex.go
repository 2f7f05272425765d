package card

import "errors"

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

// errNotImplemented marks conversions still being written.
var errNotImplemented = errors.New("not implemented")

// EvalResultsToModelIndex groups flat results into a model-index with the
// Hub's rules.
func EvalResultsToModelIndex(modelName string, results []EvalResult) ([]ModelIndexEntry, error) {
	return nil, errNotImplemented
}

// ModelIndexToEvalResults reads a decoded `model-index` value (as decoded
// from YAML or JSON: []any of map[string]any) into the model name and flat
// results, with the Hub's rules and errors.
func ModelIndexToEvalResults(modelIndex any) (modelName string, results []EvalResult, err error) {
	return "", nil, errNotImplemented
}
