// Package evalimport reads evaluation results and training facts from the
// files ML tools write, into the card's types: []card.EvalResult for the
// results, []card.KeyValue for hyperparameters, and named facts (training
// regime, hardware, run id, ...) for card.Content.
//
// Import detects the format by file name and content:
//
//   - Hub model-index: a README.md (or any .md) whose YAML block holds
//     `model-index`, or a YAML or JSON file holding a `model-index` key or
//     a bare model-index list (hub.go);
//   - Hub eval results: a `.eval_results/*.yaml` file, or the
//     `.eval_results` folder itself, whose files are all read (hub.go);
//   - lm-evaluation-harness `results*.json`, or a folder of them (lmeval.go);
//   - CSV with the header task,dataset,split,metric,value and the optional
//     columns lower, upper, config, revision and metric_config (csv.go);
//   - an MLflow run folder, or its meta.yaml (mlflow.go);
//   - W&B run files: wandb-summary.json, config.yaml, wandb-metadata.json,
//     or a run folder (or its files/ folder) holding them (wandb.go).
//
// Every failure is an *Error with the file, line and column where it
// applies, wrapping one of ErrUnknownFormat, ErrEmpty, ErrBinary,
// ErrTooLarge, ErrSyntax or ErrInvalid. Values that are left out on
// purpose (a histogram in a W&B summary, a training metric) are reported
// as warnings, never silently turned into results.
//
// A metric whose value is NaN or infinite is left out of the results with
// a warning naming the file and line, in every format that can hold one
// (lm-evaluation-harness JSON, CSV, MLflow and W&B runs), and listed in
// Imported.NotFinite so that a comparison can tell a metric that failed
// from one that was not evaluated.
//
// Merge folds several lists of results together by the Hub's identity of a
// result (ResultKey); Resolve matches results that leave their dataset
// config, revision or metric config out with a card's results; ApplyTo
// writes an import into a card.Content with both.
package evalimport

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
	"go.yaml.in/yaml/v3"
)

// Kind is a format Import reads.
type Kind string

// The formats.
const (
	// KindModelIndex is the Hub's `model-index` metadata.
	KindModelIndex Kind = "model-index"
	// KindHubEvalResults is the Hub's `.eval_results/*.yaml` format.
	KindHubEvalResults Kind = "hub-eval-results"
	// KindLMEval is lm-evaluation-harness's results JSON.
	KindLMEval Kind = "lm-evaluation-harness"
	// KindCSV is a CSV table of results.
	KindCSV Kind = "csv"
	// KindMLflow is an MLflow run folder.
	KindMLflow Kind = "mlflow"
	// KindWandb is a W&B run's files.
	KindWandb Kind = "wandb"
)

// Kinds returns every format, in the order the package doc lists them.
func Kinds() []Kind {
	return []Kind{KindModelIndex, KindHubEvalResults, KindLMEval, KindCSV, KindMLflow, KindWandb}
}

// The keys of Imported.Facts that several formats share. Facts proper to
// one tool carry its prefix ("lm_eval.", "mlflow.", "wandb."), and metrics
// that are not evaluation results are kept as "metric.<name>".
const (
	// FactModelName is the name of the model evaluated.
	FactModelName = "model_name"
	// FactRunID is the tracking run's id.
	FactRunID = "run_id"
	// FactRunName is the tracking run's display name.
	FactRunName = "run_name"
	// FactExperimentID is the MLflow experiment's id.
	FactExperimentID = "experiment_id"
	// FactStatus is the run's final status, such as "FINISHED".
	FactStatus = "status"
	// FactStartTime is when the run started, RFC 3339 in UTC.
	FactStartTime = "start_time"
	// FactEndTime is when the run ended, RFC 3339 in UTC.
	FactEndTime = "end_time"
	// FactGitCommit is the source commit the run was started from.
	FactGitCommit = "git_commit"
	// FactRepository is the source repository's URL, without credentials.
	FactRepository = "repository"
	// FactTrainingRegime is the precision regime, such as "bf16 mixed
	// precision", read from the run's precision flags.
	FactTrainingRegime = "training_regime"
	// FactHardware is the accelerators used, such as "8 x NVIDIA A100".
	FactHardware = "hardware"
	// FactFramework is the training framework and its version.
	FactFramework = "framework"
	// FactPythonVersion is the Python version of the run.
	FactPythonVersion = "python_version"
)

// Imported is what one import yields.
type Imported struct {
	// Results are the evaluation results, in the order the file gives them.
	Results []card.EvalResult
	// Hyperparameters are the training hyperparameters, in the file's order
	// (sorted by name where the format has no order).
	Hyperparameters []card.KeyValue
	// Facts are named facts about the run: the Fact* keys and tool-prefixed
	// ones. Nil when there are none.
	Facts map[string]string
	// Source is the file or folder read.
	Source string
	// Kind is the format read; empty for a Combine of several formats.
	Kind Kind
	// Warnings list what was left out or looks wrong but did not stop the
	// import.
	Warnings []card.Problem
	// NotFinite are the metrics left out of Results because their value is
	// NaN or infinite (a warning says where), with the value as the file
	// writes it ("NaN", "-inf") as MetricValue: a comparison reports them
	// as failed rather than as not evaluated. Nil when there are none.
	NotFinite []card.EvalResult

	// lines are the file lines of Results, for duplicate warnings.
	lines []int32
}

// addResult appends a result read at a line of the file.
func (im *Imported) addResult(r card.EvalResult, line int) {
	im.Results = append(im.Results, r)
	im.lines = append(im.lines, int32(min(line, math.MaxInt32)))
}

// setFact records a non-empty fact.
func (im *Imported) setFact(key, value string) {
	if value == "" {
		return
	}
	if im.Facts == nil {
		im.Facts = map[string]string{}
	}
	im.Facts[key] = value
}

// Import reads the evaluation results, hyperparameters and facts of a file
// or folder, detecting its format (see the package doc).
func Import(path string) (*Imported, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	var im *Imported
	if st.IsDir() {
		im, err = importDir(path)
	} else {
		im, err = importFile(path)
	}
	if err != nil {
		return nil, err
	}
	return finish(im)
}

// ImportBytes reads one file's content, detecting its format from name
// (its extension and base name) and content; it is Import for data that
// does not come from a file, such as standard input. Formats that are
// folders (MLflow runs, .eval_results) need Import.
func ImportBytes(name string, data []byte) (*Imported, error) {
	s, err := newSource(name, data)
	if err != nil {
		return nil, err
	}
	im, err := importSource(s, false)
	if err != nil {
		return nil, err
	}
	return finish(im)
}

// ImportAll imports several files or folders and combines them with
// Combine, in the order given: later results, hyperparameters and facts
// replace earlier ones with the same key. It is what a repeatable
// `--eval FILE` flag needs.
func ImportAll(paths ...string) (*Imported, error) {
	ims := make([]*Imported, 0, len(paths))
	for _, p := range paths {
		im, err := Import(p)
		if err != nil {
			return nil, err
		}
		ims = append(ims, im)
	}
	return combine(ims, true)
}

// Combine merges several imports in order: results with Merge,
// hyperparameters by key (a later value replaces an earlier one in place,
// new keys append), facts by key (later wins), warnings concatenated.
// NotFinite keeps the metrics whose last word, over the imports in order,
// is a non-finite value; Results drops those. Source lists the sources
// joined by ", "; Kind is set when all agree. The imports are not
// modified.
func Combine(ims ...*Imported) (*Imported, error) {
	return combine(ims, false)
}

// combine is Combine; owned says that the imports are the caller's alone
// and may be reused, so that one import's results are folded in place
// instead of copied.
func combine(ims []*Imported, owned bool) (*Imported, error) {
	out := &Imported{}
	var sources []string
	lists := make([][]card.EvalResult, 0, len(ims))
	var notFinite [][]card.EvalResult
	first := true
	for _, im := range ims {
		if im == nil {
			continue
		}
		if first {
			out.Kind, first = im.Kind, false
		} else if out.Kind != im.Kind {
			out.Kind = ""
		}
		sources = append(sources, im.Source)
		lists = append(lists, im.Results)
		notFinite = append(notFinite, im.NotFinite)
		out.Hyperparameters = MergeHyperparameters(out.Hyperparameters, im.Hyperparameters)
		for k, v := range im.Facts {
			out.setFact(k, v)
		}
		out.Warnings = append(out.Warnings, im.Warnings...)
	}
	var results []card.EvalResult
	var err error
	if owned && len(lists) == 1 {
		results, err = foldInPlace(lists[0])
	} else {
		results, err = Merge(nil, lists...)
	}
	if err != nil {
		return nil, err
	}
	out.Results, out.NotFinite = lastWord(results, lists, notFinite)
	out.Source = strings.Join(sources, ", ")
	return out, nil
}

// lastWord settles the metrics that some imports give a finite value and
// others a non-finite one: the later import wins. results are the merged
// results of lists; notFinite the non-finite metrics of the same imports.
// It returns the results without the metrics a later import found
// non-finite, and the non-finite metrics no later import gave a value,
// each key once (the last).
func lastWord(results []card.EvalResult, lists, notFinite [][]card.EvalResult) ([]card.EvalResult, []card.EvalResult) {
	n := 0
	for _, l := range notFinite {
		n += len(l)
	}
	if n == 0 {
		return results, nil
	}
	// Which import last gave each key a value, and which a non-finite one.
	lastValue := map[ResultKey]int{}
	lastNaN := map[ResultKey]int{}
	var nan []card.EvalResult
	nanAt := map[ResultKey]int{}
	for i, l := range notFinite {
		for _, r := range l {
			k := KeyOf(r)
			if j, seen := nanAt[k]; seen {
				nan[j] = r
			} else {
				nanAt[k] = len(nan)
				nan = append(nan, r)
			}
			lastNaN[k] = i
		}
	}
	for i, l := range lists {
		for _, r := range l {
			if _, ok := lastNaN[KeyOf(r)]; ok {
				lastValue[KeyOf(r)] = i
			}
		}
	}
	if len(lastValue) == 0 {
		return results, nan
	}
	keptResults := make([]card.EvalResult, 0, len(results))
	for _, r := range results {
		k := KeyOf(r)
		if v, ok := lastValue[k]; ok && lastNaN[k] > v {
			continue
		}
		keptResults = append(keptResults, r)
	}
	keptNaN := nan[:0]
	for _, r := range nan {
		k := KeyOf(r)
		if v, ok := lastValue[k]; ok && v >= lastNaN[k] {
			continue
		}
		keptNaN = append(keptNaN, r)
	}
	if len(keptNaN) == 0 {
		keptNaN = nil
	}
	return keptResults, keptNaN
}

// finish adds the checks common to every format: something was imported,
// and results that share a key are pointed out.
func finish(im *Imported) (*Imported, error) {
	if len(im.Results) == 0 && len(im.Hyperparameters) == 0 && len(im.Facts) == 0 && len(im.NotFinite) == 0 {
		return nil, &Error{File: im.Source, Err: ErrEmpty,
			Msg: fmt.Sprintf("the %s input holds no evaluation result, hyperparameter or fact", im.Kind)}
	}
	idx := newResultIndex(len(im.Results), func(i int) ResultKey { return KeyOf(im.Results[i]) })
	for i, r := range im.Results {
		k := KeyOf(r)
		j, seen := idx.findOrAdd(k, i)
		if !seen {
			continue
		}
		line, firstLine := 0, 0
		if i < len(im.lines) {
			line, firstLine = int(im.lines[i]), int(im.lines[j])
		}
		where := fmt.Sprintf("result %d", j+1)
		if firstLine > 0 {
			where = fmt.Sprintf("the result on line %d", firstLine)
		}
		im.Warnings = append(im.Warnings, card.Problem{File: im.Source, Line: line,
			Severity: card.SeverityWarning, Code: WarnDuplicate,
			Message: fmt.Sprintf("this result has the same task, dataset, split, revision, metric and metric config as %s (%s); merged, the later one replaces the earlier", where, k),
			Fix:     "give each result its own split, config or metric, or keep one of them"})
	}
	im.lines = nil
	return im, nil
}

// importFile reads one file, treating the files that stand for a folder
// (an MLflow meta.yaml) as that folder.
func importFile(path string) (*Imported, error) {
	dir := filepath.Dir(path)
	if filepath.Base(path) == "meta.yaml" && isMLflowRun(dir) {
		return importMLflow(dir)
	}
	s, err := readSource(path)
	if err != nil {
		return nil, err
	}
	return importSource(s, filepath.Base(dir) == ".eval_results")
}

// importSource reads one file's content by its extension, then by content.
func importSource(s *source, inEvalResults bool) (*Imported, error) {
	base := strings.ToLower(filepath.Base(s.name))
	ext := filepath.Ext(base)
	switch ext {
	case ".csv":
		return importCSV(s)
	case ".md", ".markdown":
		return importReadme(s)
	case ".json":
		return importJSON(s, base)
	case ".yaml", ".yml":
		return importYAML(s, base, inEvalResults)
	}
	// No telling extension: look at the content.
	trimmed := strings.TrimLeft(string(s.data[:min(len(s.data), 4096)]), " \t\r\n")
	switch {
	case strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "["):
		return importJSON(s, base)
	case card.SplitFrontMatter(string(s.data)).Found:
		return importReadme(s)
	case looksLikeCSVHeader(trimmed):
		return importCSV(s)
	}
	im, err := importYAML(s, base, inEvalResults)
	if err != nil && errors.Is(err, ErrSyntax) {
		return nil, unknownFormat(s.name, "its content is not JSON, YAML, CSV or Markdown with a YAML block")
	}
	return im, err
}

// importJSON dispatches a JSON file by its name and shape.
func importJSON(s *source, base string) (*Imported, error) {
	root, err := parseJSON(s)
	if err != nil {
		return nil, err
	}
	switch {
	case base == "wandb-summary.json":
		return wandbSummary(s, root)
	case base == "wandb-metadata.json":
		return wandbMetadata(s, root)
	case root.kind == jObject && root.get("model-index") != nil:
		return modelIndexFromJSON(s, root)
	case looksLikeLMEval(root):
		return lmEvalFromJSON(s, root)
	case looksLikeWandbSummary(root):
		return wandbSummary(s, root)
	case root.kind == jArray && len(root.items) > 0 && root.items[0].get("results") != nil && root.items[0].get("name") != nil:
		return modelIndexFromJSON(s, root)
	}
	return nil, unknownFormat(s.name, "the JSON holds neither model-index, an lm-evaluation-harness \"results\" object with its \"configs\" or \"versions\", nor W&B summary keys")
}

// importYAML dispatches a YAML file by its shape.
func importYAML(s *source, base string, inEvalResults bool) (*Imported, error) {
	root, err := parseYAML(s)
	if err != nil {
		return nil, err
	}
	if root == nil {
		return nil, &Error{File: s.name, Err: ErrEmpty, Msg: "the YAML document is empty (write the results into it, or leave it out)"}
	}
	switch {
	case yamlGet(root, "model-index") != nil:
		return modelIndexFromYAMLFile(s)
	case looksLikeWandbConfig(root):
		return wandbConfig(s, root)
	case base == "meta.yaml" && yamlGet(root, "experiment_id") != nil:
		return nil, &Error{File: s.name, Err: ErrInvalid,
			Msg: "this is an MLflow meta.yaml read without its run folder: import the run folder (the one with metrics/, params/ and tags/)"}
	case root.Kind == yaml.SequenceNode && len(root.Content) > 0:
		first := resolve(root.Content[0])
		if yamlGet(first, "results") != nil && yamlGet(first, "name") != nil {
			return modelIndexFromYAMLList(s, root)
		}
		if yamlGet(first, "dataset") != nil || inEvalResults {
			return hubEvalResults(s, root)
		}
	case inEvalResults:
		return hubEvalResults(s, root)
	}
	return nil, unknownFormat(s.name, "the YAML holds neither model-index, a list of Hub eval results (- dataset: {id, task_id}, value: ...), nor a W&B config (key: {value: ...})")
}

// unknownFormat is the error of an input no importer reads.
func unknownFormat(path, why string) error {
	return &Error{File: path, Err: ErrUnknownFormat,
		Msg: why + "; the formats read are: a Hub model-index (README.md with a YAML block, or a YAML/JSON file with model-index), " +
			"Hub .eval_results/*.yaml, lm-evaluation-harness results JSON, CSV with the header task,dataset,split,metric,value (and optional columns), " +
			"an MLflow run folder, and W&B run files (wandb-summary.json, config.yaml, wandb-metadata.json)"}
}

// importDir reads a folder: .eval_results, an MLflow run, W&B run files,
// or a folder of lm-evaluation-harness results.
func importDir(dir string) (*Imported, error) {
	if filepath.Base(filepath.Clean(dir)) == ".eval_results" {
		return importEvalResultsDir(dir)
	}
	if isMLflowRun(dir) {
		return importMLflow(dir)
	}
	if runs := mlflowRunsIn(dir); len(runs) > 0 {
		return nil, &Error{File: dir, Err: ErrInvalid,
			Msg: fmt.Sprintf("this is an MLflow experiment folder holding %s (%s); import one run folder", countNoun(len(runs), "run", "runs"), strings.Join(runs, ", "))}
	}
	if files := wandbFilesIn(dir); files.any() {
		return importWandbDir(dir, files)
	}
	if files := lmEvalFilesIn(dir); len(files) > 0 {
		return importLMEvalDir(dir, files)
	}
	if st, err := os.Stat(filepath.Join(dir, ".eval_results")); err == nil && st.IsDir() {
		return importEvalResultsDir(filepath.Join(dir, ".eval_results"))
	}
	return nil, unknownFormat(dir, "the folder is not an MLflow run (no meta.yaml), holds no W&B run files, no lm-evaluation-harness results*.json and no .eval_results folder")
}

// ResultKey is the identity of a result when results are merged: the Hub's
// (task type, dataset type, config, split, revision) with the metric type,
// and the metric config so that one metric measured two ways (f1 macro and
// micro, exact_match with two answer filters) stays two results. Strings
// are compared exactly, as the Hub does.
type ResultKey struct {
	// TaskType is the result's task_type.
	TaskType string
	// DatasetType is the result's dataset_type.
	DatasetType string
	// DatasetConfig is the result's dataset_config.
	DatasetConfig string
	// DatasetSplit is the result's dataset_split.
	DatasetSplit string
	// DatasetRevision is the result's dataset_revision.
	DatasetRevision string
	// MetricType is the result's metric_type.
	MetricType string
	// MetricConfig is the result's metric_config.
	MetricConfig string
}

// KeyOf returns a result's key.
func KeyOf(r card.EvalResult) ResultKey {
	return ResultKey{r.TaskType, r.DatasetType, r.DatasetConfig, r.DatasetSplit, r.DatasetRevision, r.MetricType, r.MetricConfig}
}

// String renders the key for messages, leaving out empty parts.
func (k ResultKey) String() string {
	var parts []string
	for _, f := range [...]struct{ name, v string }{
		{"task", k.TaskType}, {"dataset", k.DatasetType}, {"config", k.DatasetConfig},
		{"split", k.DatasetSplit}, {"revision", k.DatasetRevision},
		{"metric", k.MetricType}, {"metric config", k.MetricConfig},
	} {
		if f.v != "" {
			parts = append(parts, f.name+" "+f.v)
		}
	}
	return strings.Join(parts, ", ")
}

// Merge returns dst followed by the results of src, in order, where a
// result whose ResultKey an earlier one already has replaces it in place
// instead of being appended. The replacing result wins field by field,
// except that the pretty names (task_name, dataset_name, metric_name) it
// leaves empty keep the earlier values: a measured value, its args, its
// verification and its source are never mixed from two results. dst is not
// modified; the args maps of the output are copies.
//
// It fails, naming the offending results (the first few, counting the
// others), when a result has no metric type, or a metric value that is
// missing or neither a number nor a string.
func Merge(dst []card.EvalResult, src ...[]card.EvalResult) ([]card.EvalResult, error) {
	n := len(dst)
	for _, s := range src {
		n += len(s)
	}
	m := newMerger(make([]card.EvalResult, 0, n), n, true)
	for i, r := range dst {
		m.add(r, "dst", -1, i)
	}
	for j, s := range src {
		for i, r := range s {
			m.add(r, "src", j, i)
		}
	}
	return m.result()
}

// foldInPlace is Merge(nil, results) for results the caller owns: it
// reuses their memory and does not copy their args maps.
func foldInPlace(results []card.EvalResult) ([]card.EvalResult, error) {
	m := newMerger(results[:0], len(results), false)
	for i, r := range results {
		m.add(r, "src", 0, i)
	}
	out, err := m.result()
	if err != nil {
		return nil, err
	}
	clear(results[len(out):]) // drop the references of folded results
	return out, nil
}

// maxMergeProblems is the most problems a Merge error describes; it counts
// the others.
const maxMergeProblems = 10

// merger folds results by key into out, which may share the memory of the
// results being folded as long as it never gets ahead of them.
type merger struct {
	out       []card.EvalResult
	idx       *resultIndex
	cloneArgs bool
	problems  []string
	nProblems int
}

// newMerger returns a merger appending to out, for about n results.
func newMerger(out []card.EvalResult, n int, cloneArgs bool) *merger {
	m := &merger{out: out, cloneArgs: cloneArgs}
	m.idx = newResultIndex(n, func(i int) ResultKey { return KeyOf(m.out[i]) })
	return m
}

// add folds in one result; list, j and i say where it comes from
// ("src", list j, result i; j < 0 for a list without a number).
func (m *merger) add(r card.EvalResult, list string, j, i int) {
	if msg := mergeProblem(r); msg != "" {
		m.nProblems++
		if len(m.problems) < maxMergeProblems {
			where := fmt.Sprintf("%s[%d][%d]", list, j, i)
			if j < 0 {
				where = fmt.Sprintf("%s[%d]", list, i)
			}
			m.problems = append(m.problems, where+": "+msg)
		}
		return
	}
	if m.cloneArgs {
		r.DatasetArgs = maps.Clone(r.DatasetArgs)
		r.MetricArgs = maps.Clone(r.MetricArgs)
	}
	at, seen := m.idx.findOrAdd(KeyOf(r), len(m.out))
	if !seen {
		m.out = append(m.out, r)
		return
	}
	old := &m.out[at]
	if r.TaskName == "" {
		r.TaskName = old.TaskName
	}
	if r.DatasetName == "" {
		r.DatasetName = old.DatasetName
	}
	if r.MetricName == "" {
		r.MetricName = old.MetricName
	}
	*old = r
}

// result returns the folded results, or the problems found.
func (m *merger) result() ([]card.EvalResult, error) {
	if m.nProblems > 0 {
		msg := strings.Join(m.problems, "; ")
		if more := m.nProblems - len(m.problems); more > 0 {
			msg += "; and " + countNoun(more, "more result", "more results")
		}
		return nil, fmt.Errorf("%w: cannot merge eval results: %s", ErrInvalid, msg)
	}
	return m.out, nil
}

// mergeProblem says why a result cannot be merged, or "".
func mergeProblem(r card.EvalResult) string {
	if r.MetricType == "" {
		return "the result has no metric_type, so it cannot be matched with others (set metric_type, such as \"accuracy\")"
	}
	switch v := r.MetricValue.(type) {
	case nil:
		return fmt.Sprintf("the %s result has no metric_value (set the value measured)", r.MetricType)
	case string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return ""
	default:
		return fmt.Sprintf("the %s result's metric_value is a %T; it must be a number or a string", r.MetricType, v)
	}
}

// MergeHyperparameters returns dst with src's values added in order: a key
// dst already has gets src's value in place, new keys append. dst is not
// modified.
func MergeHyperparameters(dst, src []card.KeyValue) []card.KeyValue {
	out := slices.Clone(dst)
	at := make(map[string]int, len(out)+len(src))
	for i, kv := range out {
		at[kv.Key] = i
	}
	for _, kv := range src {
		if i, ok := at[kv.Key]; ok {
			out[i].Value = kv.Value
			continue
		}
		at[kv.Key] = len(out)
		out = append(out, kv)
	}
	return out
}

// ApplyTo writes the import into a card's content: the results are matched
// with c.EvalResults by Resolve (an imported result that leaves its
// dataset config, revision or metric config out stands for the one card
// result that agrees with it on the rest, and takes those from it) and
// merged into them (imported ones replace those with the same key), the
// hyperparameters into c.Hyperparameters (by key), and facts fill the
// fields that are still empty: TrainingRegime from training_regime,
// ComputeHardware and Environment.HardwareType from hardware,
// ComputeSoftware from framework and python_version. Other facts are left
// for the caller. It fails, changing nothing, when an imported result
// could stand for several card results (ErrAmbiguous) or cannot be merged.
func (im *Imported) ApplyTo(c *card.Content) error {
	resolved, err := Resolve(c.EvalResults, im.Results)
	if err != nil {
		return fmt.Errorf("apply %s: %w", im.Source, err)
	}
	results, err := Merge(c.EvalResults, resolved)
	if err != nil {
		return fmt.Errorf("apply %s: %w", im.Source, err)
	}
	c.EvalResults = results
	c.Hyperparameters = MergeHyperparameters(c.Hyperparameters, im.Hyperparameters)
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&c.TrainingRegime, im.Facts[FactTrainingRegime])
	fill(&c.ComputeHardware, im.Facts[FactHardware])
	fill(&c.Environment.HardwareType, im.Facts[FactHardware])
	var sw []string
	if f := im.Facts[FactFramework]; f != "" {
		sw = append(sw, f)
	}
	if p := im.Facts[FactPythonVersion]; p != "" {
		sw = append(sw, "Python "+p)
	}
	fill(&c.ComputeSoftware, strings.Join(sw, ", "))
	return nil
}
