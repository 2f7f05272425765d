package evalimport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/terragonlabs/modelcard-generator/card"
	"go.yaml.in/yaml/v3"
)

// An MLflow run folder (mlruns/<experiment id>/<run id>/ of MLflow's file
// store) holds
//
//	meta.yaml        run_id (run_uuid in older versions), experiment_id,
//	                 run_name, start_time and end_time (milliseconds since
//	                 1970), status (1 running, 2 scheduled, 3 finished,
//	                 4 failed, 5 killed), lifecycle_stage, ...
//	metrics/<name>   one line per logged value: "<timestamp> <value> <step>"
//	                 (older versions: "<timestamp> <value>", step 0)
//	params/<name>    the parameter's value
//	tags/<name>      the tag's value
//
// Names may hold "/", which the store writes as sub-folders.
//
// Each metric's final value (the highest step; among equal steps the latest
// timestamp, then the later line) is read and classified by its name (see
// tracked.go): evaluation metrics become results with MetricType and
// DatasetSplit from the name ("eval/accuracy" -> split "eval", metric
// "accuracy"); task and dataset stay empty, since the run does not say
// them. Params become hyperparameters, sorted by name. Tags become facts
// under their own names, except mlflow.user and mlflow.source.name (a
// person and a local path) and mlflow.log-model.history (a large log).
// meta.yaml and the system tags give run_id, experiment_id, run_name,
// status, start_time, end_time, git_commit (mlflow.source.git.commit) and
// repository (mlflow.source.git.repoURL without credentials), and the
// precision params (bf16, fp16, mixed_precision) give training_regime
// unless a tag names it. A run that did not finish, or was deleted, is
// reported as a warning.

// mlflowStatuses names MLflow's run status codes.
var mlflowStatuses = map[int]string{1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}

// mlflowSkippedTags are tags that are not kept as facts.
var mlflowSkippedTags = map[string]bool{
	"mlflow.user": true, "mlflow.source.name": true, "mlflow.log-model.history": true,
	"mlflow.source.git.repoURL": true,
}

// isMLflowRun reports a folder with an MLflow run's meta.yaml.
func isMLflowRun(dir string) bool {
	meta, err := os.ReadFile(filepath.Join(dir, "meta.yaml"))
	if err != nil {
		return false
	}
	for _, sub := range []string{"metrics", "params", "tags"} {
		if st, err := os.Stat(filepath.Join(dir, sub)); err == nil && st.IsDir() {
			return true
		}
	}
	return bytes.Contains(meta, []byte("run_id:")) || bytes.Contains(meta, []byte("run_uuid:"))
}

// mlflowRunsIn lists the run folders directly inside a folder.
func mlflowRunsIn(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var runs []string
	for _, e := range entries {
		if e.IsDir() && isMLflowRun(filepath.Join(dir, e.Name())) {
			runs = append(runs, e.Name())
		}
	}
	return runs
}

// importMLflow reads an MLflow run folder.
func importMLflow(dir string) (*Imported, error) {
	im := &Imported{Source: dir, Kind: KindMLflow}
	metaPath := filepath.Join(dir, "meta.yaml")
	s, err := readSource(metaPath)
	if err != nil {
		return nil, err
	}
	root, err := parseYAML(s)
	if err != nil {
		return nil, err
	}
	if root == nil || root.Kind != yaml.MappingNode {
		line := 1
		if root != nil {
			line = root.Line
		}
		return nil, s.errLine(line, 0, ErrInvalid, "", "an MLflow meta.yaml is a mapping with run_id, experiment_id, start_time, ...; this one is not")
	}
	if _, err := yamlPairs(s, root, ""); err != nil {
		return nil, err
	}
	text := func(key string) (string, error) {
		v := yamlGet(root, key)
		if isNullNode(v) {
			return "", nil
		}
		t, ok := yamlText(v)
		if !ok {
			return "", s.errLine(v.Line, v.Column, ErrInvalid, key, "must be text, not a %s", yamlShape(v))
		}
		return t, nil
	}
	millis := func(key string) (string, error) {
		v := yamlGet(root, key)
		if isNullNode(v) {
			return "", nil
		}
		x, _ := yamlScalar(v)
		ms, ok := x.(int)
		if !ok || ms < 0 {
			return "", s.errLine(v.Line, v.Column, ErrInvalid, key, "must be milliseconds since 1970 (a whole number), not %s", describeYAMLValue(v))
		}
		if ms == 0 {
			return "", nil
		}
		return time.UnixMilli(int64(ms)).UTC().Format(time.RFC3339), nil
	}

	// Tags first: the facts read from meta.yaml and the system tags win.
	tags, err := readNamedFiles(filepath.Join(dir, "tags"))
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		if !mlflowSkippedTags[t.name] {
			im.setFact(t.name, t.value)
		}
	}
	tag := func(name string) string {
		for _, t := range tags {
			if t.name == name {
				return t.value
			}
		}
		return ""
	}

	runID, err := text("run_id")
	if err != nil {
		return nil, err
	}
	if runID == "" {
		if runID, err = text("run_uuid"); err != nil {
			return nil, err
		}
	}
	if runID == "" {
		return nil, s.errLine(1, 0, ErrInvalid, "run_id", "meta.yaml names no run_id (is this the experiment's meta.yaml? import a run folder inside it)")
	}
	im.setFact(FactRunID, runID)
	for _, f := range []struct{ fact, key string }{{FactExperimentID, "experiment_id"}, {FactRunName, "run_name"}} {
		v, err := text(f.key)
		if err != nil {
			return nil, err
		}
		im.setFact(f.fact, v)
	}
	if _, ok := im.Facts[FactRunName]; !ok {
		im.setFact(FactRunName, tag("mlflow.runName"))
	}
	for _, f := range []struct{ fact, key string }{{FactStartTime, "start_time"}, {FactEndTime, "end_time"}} {
		v, err := millis(f.key)
		if err != nil {
			return nil, err
		}
		im.setFact(f.fact, v)
	}
	if st := yamlGet(root, "status"); !isNullNode(st) {
		x, _ := yamlScalar(st)
		status := ""
		switch v := x.(type) {
		case int:
			status = mlflowStatuses[v]
		case string:
			status = strings.ToUpper(v)
		}
		if status == "" {
			return nil, s.errLine(st.Line, st.Column, ErrInvalid, "status", "is not an MLflow run status (1 to 5, or RUNNING, SCHEDULED, FINISHED, FAILED, KILLED): %s", describeYAMLValue(st))
		}
		im.setFact(FactStatus, status)
		if status != "FINISHED" {
			im.Warnings = append(im.Warnings, s.warning(st.Line, st.Column, "status", WarnPartial,
				fmt.Sprintf("the run's status is %s: its metrics may be partial", status), "import a run that finished"))
		}
	}
	if stage, _ := text("lifecycle_stage"); stage == "deleted" {
		im.Warnings = append(im.Warnings, s.warning(1, 0, "lifecycle_stage", WarnPartial,
			"the run was deleted in MLflow", "import a run that is still active"))
	}
	im.setFact(FactGitCommit, tag("mlflow.source.git.commit"))
	im.setFact(FactRepository, cleanRepoURL(tag("mlflow.source.git.repoURL")))

	params, err := readNamedFiles(filepath.Join(dir, "params"))
	if err != nil {
		return nil, err
	}
	for _, p := range params {
		im.Hyperparameters = append(im.Hyperparameters, card.KeyValue{Key: p.name, Value: p.value})
	}
	if _, ok := im.Facts[FactTrainingRegime]; !ok {
		im.setFact(FactTrainingRegime, precisionRegime(im.Hyperparameters))
	}

	metrics, err := readMLflowMetrics(filepath.Join(dir, "metrics"))
	if err != nil {
		return nil, err
	}
	addTrackedMetrics(&source{name: filepath.Join(dir, "metrics")}, im, metrics)
	// The results' lines are lines of different files.
	im.lines = nil
	return im, nil
}

// namedFile is one param or tag.
type namedFile struct {
	name, value string
}

// readNamedFiles reads every file under a folder as name (its path below
// the folder, with "/") and value, in name order. A missing folder is
// empty.
func readNamedFiles(dir string) ([]namedFile, error) {
	var out []namedFile
	err := walkFiles(dir, func(path, name string) error {
		data, err := readLimited(path)
		if err != nil {
			return err
		}
		if i := firstBinaryByte(data); i >= 0 {
			s := &source{name: path, data: data}
			line, col := s.position(i)
			return &Error{File: path, Line: line, Column: col, Err: ErrBinary,
				Msg: fmt.Sprintf("the file holds binary data (byte 0x%02x at offset %d); MLflow writes params and tags as text", data[i], i)}
		}
		out = append(out, namedFile{name: name, value: strings.TrimSuffix(string(data), "\n")})
		return nil
	})
	return out, err
}

// walkFiles calls fn for every regular file under dir, in lexical order,
// with its name relative to dir using "/". A missing dir is no error.
func walkFiles(dir string, fn func(path, name string) error) error {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fileError(path, err)
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return fileError(path, err)
		}
		return fn(path, filepath.ToSlash(rel))
	})
}

// readLimited reads a small file, failing past MaxFileSize.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fileError(path, err)
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: path, Err: ErrTooLarge, Msg: fmt.Sprintf("the file is larger than %d bytes", MaxFileSize)}
	}
	return data, nil
}

// readMLflowMetrics reads the final value of every metric file.
func readMLflowMetrics(dir string) ([]trackedMetric, error) {
	var out []trackedMetric
	err := walkFiles(dir, func(path, name string) error {
		f, err := os.Open(path)
		if err != nil {
			return fileError(path, err)
		}
		defer f.Close()
		m, ok, err := lastMetricValue(path, f)
		if err != nil {
			return err
		}
		if ok {
			m.name, m.file = name, path
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// lastMetricValue reads a metric file line by line and returns the value
// of the highest step; ok is false for a file with no values.
func lastMetricValue(path string, r io.Reader) (m trackedMetric, ok bool, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	var bestStep, bestTS int64
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := sc.Bytes()
		if i := firstBinaryByte(line); i >= 0 {
			return m, false, &Error{File: path, Line: lineNo, Column: utf8.RuneCount(line[:i]) + 1, Err: ErrBinary,
				Msg: "the metric file holds binary data; MLflow writes lines of \"<timestamp> <value> <step>\""}
		}
		text := strings.TrimRight(string(line), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fields, cols := fieldsWithColumns(text)
		if len(fields) != 2 && len(fields) != 3 {
			return m, false, &Error{File: path, Line: lineNo, Column: 1, Err: ErrSyntax,
				Msg: fmt.Sprintf("malformed MLflow metric line: %s, expected \"<timestamp> <value> <step>\"", countNoun(len(fields), "field", "fields"))}
		}
		bad := func(i int, what string) error {
			return &Error{File: path, Line: lineNo, Column: cols[i], Err: ErrSyntax,
				Msg: fmt.Sprintf("malformed MLflow metric line: the %s %q is not a %s (lines are \"<timestamp> <value> <step>\")", []string{"timestamp", "value", "step"}[i], fields[i], what)}
		}
		ts, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return m, false, bad(0, "whole number")
		}
		v, err := strconv.ParseFloat(fields[1], 64)
		if err != nil && !isRangeError(err) {
			return m, false, bad(1, "number")
		}
		var step int64
		if len(fields) == 3 {
			if step, err = strconv.ParseInt(fields[2], 10, 64); err != nil {
				return m, false, bad(2, "whole number")
			}
		}
		if !ok || step > bestStep || step == bestStep && ts >= bestTS {
			m = trackedMetric{value: v, line: lineNo}
			bestStep, bestTS, ok = step, ts, true
		}
	}
	if err := sc.Err(); err != nil {
		return m, false, &Error{File: path, Line: lineNo + 1, Err: ErrSyntax, Cause: err,
			Msg: fmt.Sprintf("cannot read the metric file: %v", err)}
	}
	return m, ok, nil
}

// fieldsWithColumns splits a line at spaces and tabs, with the character
// column of each field.
func fieldsWithColumns(line string) (fields []string, cols []int) {
	col, start, startCol := 0, -1, 0
	for i, r := range line {
		col++
		if r == ' ' || r == '\t' {
			if start >= 0 {
				fields, cols = append(fields, line[start:i]), append(cols, startCol)
				start = -1
			}
			continue
		}
		if start < 0 {
			start, startCol = i, col
		}
	}
	if start >= 0 {
		fields, cols = append(fields, line[start:]), append(cols, startCol)
	}
	return fields, cols
}

// isRangeError reports strconv's out-of-range error, whose value is still
// usable (±Inf or 0).
func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
