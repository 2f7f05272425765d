package card

// EvalResult is one evaluation result: one metric value measured for one task
// on one dataset. Its fields follow the Hub's flat EvalResult, which maps one
// to one onto the nested `model-index` metadata.
//
// TaskType, DatasetType, DatasetName and MetricType are required for a result
// to appear in a model-index. A result that lacks them is still kept (the
// minimal spec `{"metrics": {"accuracy": 0.95}}` gives one) and rendered in
// the body, marked as needing its task and dataset.
type EvalResult struct {
	// TaskType is a Hub task id, such as "text-classification".
	TaskType string `json:"task_type,omitempty" yaml:"task_type,omitempty"`
	// TaskName is a pretty name for the task.
	TaskName string `json:"task_name,omitempty" yaml:"task_name,omitempty"`
	// DatasetType is the dataset id, such as "glue".
	DatasetType string `json:"dataset_type,omitempty" yaml:"dataset_type,omitempty"`
	// DatasetName is a pretty name for the dataset.
	DatasetName string `json:"dataset_name,omitempty" yaml:"dataset_name,omitempty"`
	// DatasetConfig is the dataset subset, such as "sst2".
	DatasetConfig string `json:"dataset_config,omitempty" yaml:"dataset_config,omitempty"`
	// DatasetSplit is the split evaluated, such as "test".
	DatasetSplit string `json:"dataset_split,omitempty" yaml:"dataset_split,omitempty"`
	// DatasetRevision is the dataset's git revision.
	DatasetRevision string `json:"dataset_revision,omitempty" yaml:"dataset_revision,omitempty"`
	// DatasetArgs are extra arguments given when loading the dataset.
	DatasetArgs map[string]any `json:"dataset_args,omitempty" yaml:"dataset_args,omitempty"`
	// MetricType is the metric id, such as "accuracy" or "wer".
	MetricType string `json:"metric_type,omitempty" yaml:"metric_type,omitempty"`
	// MetricValue is the value: a number, or a string such as "20.0 ± 1.2".
	MetricValue any `json:"metric_value,omitempty" yaml:"metric_value,omitempty"`
	// MetricName is a pretty name for the metric.
	MetricName string `json:"metric_name,omitempty" yaml:"metric_name,omitempty"`
	// MetricConfig is the metric's configuration name.
	MetricConfig string `json:"metric_config,omitempty" yaml:"metric_config,omitempty"`
	// MetricArgs are the arguments given when computing the metric.
	MetricArgs map[string]any `json:"metric_args,omitempty" yaml:"metric_args,omitempty"`
	// Verified is true when the Hub verified the result.
	Verified *bool `json:"verified,omitempty" yaml:"verified,omitempty"`
	// VerifyToken is the Hub's signature of a verified result.
	VerifyToken string `json:"verify_token,omitempty" yaml:"verify_token,omitempty"`
	// SourceName names where the result comes from.
	SourceName string `json:"source_name,omitempty" yaml:"source_name,omitempty"`
	// SourceURL links to where the result comes from.
	SourceURL string `json:"source_url,omitempty" yaml:"source_url,omitempty"`
}

// Complete reports whether the result has every key a model-index entry
// requires: task type, dataset type and name, metric type and value.
func (r EvalResult) Complete() bool {
	return r.TaskType != "" && r.DatasetType != "" && r.DatasetName != "" &&
		r.MetricType != "" && r.MetricValue != nil
}

// MissingKeys returns the spec keys of the required values the result
// lacks, in the Hub's order; nil when it is complete.
func (r EvalResult) MissingKeys() []string {
	var missing []string
	for _, f := range [...]struct {
		key string
		ok  bool
	}{
		{"task_type", r.TaskType != ""},
		{"dataset_type", r.DatasetType != ""},
		{"dataset_name", r.DatasetName != ""},
		{"metric_type", r.MetricType != ""},
		{"metric_value", r.MetricValue != nil},
	} {
		if !f.ok {
			missing = append(missing, f.key)
		}
	}
	return missing
}
