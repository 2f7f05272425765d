package evalimport

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
	"go.yaml.in/yaml/v3"
)

// The Hub's two ways of storing results.
//
// The model-index (README.md's YAML block, or a YAML or JSON file holding
// `model-index:` or a bare model-index list) is read with the card
// package's reader, card.ModelIndexToEvalResults, so that it accepts and
// rejects exactly what the card validator does; its errors and warnings
// get the line and column of the offending value. The model's name becomes
// the model_name fact.
//
// The newer `.eval_results/*.yaml` files hold a list of entries:
//
//	- dataset: {id: <Hub dataset id>, task_id: <task>, revision: <sha>}
//	  value: <number or string>
//	  verifyToken: <signature>
//	  date: <ISO-8601>
//	  source: {url: <link>, name: <text>, user: <Hub user>, org: <Hub org>}
//	  notes: <setup, such as "chain-of-thought">
//
// Each entry becomes one card.EvalResult:
//
//	dataset.id        -> DatasetType, and DatasetName (the format has no pretty name)
//	dataset.task_id   -> MetricType, TaskName and MetricName: the value is the
//	                     task's score as the benchmark defines it, and the
//	                     task id keeps two leaderboards of one dataset apart
//	dataset.revision  -> DatasetRevision
//	value             -> MetricValue
//	verifyToken       -> VerifyToken (Verified stays unset: the signature is
//	                     not checked here)
//	notes             -> MetricConfig (a setup such as "tools" or "no-tools"
//	                     is a configuration, and keeps two setups apart)
//	source.url, name  -> SourceURL, SourceName
//	date, source.user, source.org -> MetricArgs "date", "source_user",
//	                     "source_org" (EvalResult has no fields for them)
//
// TaskType stays empty: the format does not say which Hub task the
// benchmark belongs to, and it is not guessed. Such results are kept and
// rendered as needing their task. The whole `.eval_results` folder is read
// in name order.

// hubEvalKeys are the keys of an .eval_results entry and of its parts.
var (
	hubEvalKeys    = []string{"dataset", "value", "verifyToken", "date", "source", "notes"}
	hubDatasetKeys = []string{"id", "task_id", "revision"}
	hubSourceKeys  = []string{"url", "name", "user", "org"}
)

// modelIndexResults turns a decoded model-index into an import; pos gives
// the file position of a path inside the model-index.
func modelIndexResults(s *source, value any, pos func(path []any) (int, int)) (*Imported, error) {
	name, results, err := card.ModelIndexToEvalResults(value)
	if err != nil {
		var mie *card.ModelIndexError
		if errors.As(err, &mie) {
			line, col := pos(mie.Issue.Path)
			msg := mie.Issue.Message
			if mie.Issue.Fix != "" {
				msg += " (fix: " + mie.Issue.Fix + ")"
			}
			return nil, &Error{File: s.name, Line: line, Column: col, Field: mie.Issue.Field,
				Err: ErrInvalid, Cause: err, Msg: msg}
		}
		return nil, &Error{File: s.name, Err: ErrInvalid, Cause: err, Msg: err.Error()}
	}
	im := &Imported{Source: s.name, Kind: KindModelIndex}
	im.setFact(FactModelName, name)
	for _, is := range card.CheckModelIndex(value) {
		if !is.Warning {
			continue
		}
		line, col := pos(is.Path)
		im.Warnings = append(im.Warnings, s.warning(line, col, is.Field, WarnModelIndex, is.Message, is.Fix))
	}
	// The reader gives one result per metric, entry by entry, result by
	// result; walk the same way for their lines.
	var lines []int
	entries, _ := value.([]any)
	for e, entry := range entries {
		em, _ := entry.(map[string]any)
		rs, _ := em["results"].([]any)
		for r, res := range rs {
			rm, _ := res.(map[string]any)
			ms, _ := rm["metrics"].([]any)
			for m := range ms {
				line, _ := pos([]any{e, "results", r, "metrics", m})
				lines = append(lines, line)
			}
		}
	}
	for i, r := range results {
		line := 0
		if len(lines) == len(results) {
			line = lines[i]
		}
		im.addResult(r, line)
	}
	return im, nil
}

// importReadme reads the model-index of a card's YAML block.
func importReadme(s *source) (*Imported, error) {
	fm := card.SplitFrontMatter(string(s.data))
	if !fm.Found {
		return nil, &Error{File: s.name, Line: 1, Err: ErrInvalid,
			Msg: "the Markdown file has no YAML block, so no model-index (a card starts with a line ---, its metadata with model-index:, and a closing ---)"}
	}
	return modelIndexFromMetadata(s, fm.YAML, fm.YAMLLine)
}

// modelIndexFromYAMLFile reads a YAML file whose top level holds
// model-index, as card metadata.
func modelIndexFromYAMLFile(s *source) (*Imported, error) {
	return modelIndexFromMetadata(s, string(s.data), 1)
}

// modelIndexFromMetadata reads model-index from YAML metadata text that
// starts on a line of the file.
func modelIndexFromMetadata(s *source, text string, firstLine int) (*Imported, error) {
	md, err := card.ParseMetadata(text, firstLine)
	if err != nil {
		line := 0
		var ye *card.YAMLError
		msg := err.Error()
		if errors.As(err, &ye) {
			line, msg = ye.Line, ye.Msg
		}
		return nil, &Error{File: s.name, Line: line, Err: ErrSyntax, Cause: err,
			Msg: "malformed YAML metadata: " + msg}
	}
	v, ok := md.Value("model-index")
	if !ok {
		return nil, &Error{File: s.name, Line: firstLine, Err: ErrInvalid,
			Msg: "the YAML block has no model-index, so no evaluation results (add model-index: with the results, or import the results file itself)"}
	}
	pos := func(path []any) (int, int) {
		return md.Position(append([]any{"model-index"}, path...))
	}
	return modelIndexResults(s, v, pos)
}

// modelIndexFromYAMLList reads a YAML file that is a bare model-index list.
func modelIndexFromYAMLList(s *source, root *yaml.Node) (*Imported, error) {
	var v any
	if err := root.Decode(&v); err != nil {
		return nil, &Error{File: s.name, Line: root.Line, Err: ErrInvalid, Cause: err, Msg: err.Error()}
	}
	pos := func(path []any) (int, int) {
		n := yamlAt(root, path)
		return n.Line, n.Column
	}
	return modelIndexResults(s, v, pos)
}

// modelIndexFromJSON reads a JSON file holding model-index, or a bare
// model-index list.
func modelIndexFromJSON(s *source, root *jnode) (*Imported, error) {
	mi := root
	var prefix []any
	if root.kind == jObject {
		mi = root.get("model-index")
		prefix = []any{"model-index"}
	}
	pos := func(path []any) (int, int) {
		return s.position(root.at(append(slices.Clone(prefix), path...)).off)
	}
	return modelIndexResults(s, mi.toAny(), pos)
}

// yamlAt follows a path of keys and indexes; it returns the deepest node
// reached.
func yamlAt(n *yaml.Node, path []any) *yaml.Node {
	for _, step := range path {
		var next *yaml.Node
		switch st := step.(type) {
		case string:
			next = yamlGet(n, st)
		case int:
			if n.Kind == yaml.SequenceNode && st >= 0 && st < len(n.Content) {
				next = resolve(n.Content[st])
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

// importEvalResultsDir reads every YAML file of a .eval_results folder, in
// name order.
func importEvalResultsDir(dir string) (*Imported, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fileError(dir, err)
	}
	im := &Imported{Source: dir, Kind: KindHubEvalResults}
	files := 0
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || ext != ".yaml" && ext != ".yml" {
			continue
		}
		files++
		s, err := readSource(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		root, err := parseYAML(s)
		if err != nil {
			return nil, err
		}
		one, err := hubEvalResults(s, root)
		if err != nil {
			return nil, err
		}
		im.Results = append(im.Results, one.Results...)
		im.Warnings = append(im.Warnings, one.Warnings...)
	}
	if files == 0 {
		return nil, &Error{File: dir, Err: ErrEmpty,
			Msg: "the .eval_results folder holds no .yaml file (each file lists results: - dataset: {id, task_id}, value: ...)"}
	}
	return im, nil
}

// hubEvalResults reads one .eval_results file.
func hubEvalResults(s *source, root *yaml.Node) (*Imported, error) {
	if root == nil {
		return nil, &Error{File: s.name, Err: ErrEmpty, Msg: "the file is empty (list the results: - dataset: {id, task_id}, value: ...)"}
	}
	if root.Kind != yaml.SequenceNode {
		return nil, s.errLine(root.Line, root.Column, ErrInvalid, "",
			"an .eval_results file must be a list of results (- dataset: {id: <dataset>, task_id: <task>}, value: <score>), not a %s", yamlShape(root))
	}
	if len(root.Content) == 0 {
		return nil, s.errLine(root.Line, root.Column, ErrEmpty, "", "the list of results is empty (add - dataset: {id, task_id}, value: ..., or remove the file)")
	}
	im := &Imported{Source: s.name, Kind: KindHubEvalResults}
	for i, item := range root.Content {
		r, err := hubEvalEntry(s, im, resolve(item), fmt.Sprintf("[%d]", i))
		if err != nil {
			return nil, err
		}
		im.addResult(r, item.Line)
	}
	return im, nil
}

// hubEvalEntry reads one entry of an .eval_results list.
func hubEvalEntry(s *source, im *Imported, n *yaml.Node, field string) (card.EvalResult, error) {
	var r card.EvalResult
	if n.Kind != yaml.MappingNode {
		return r, s.errLine(n.Line, n.Column, ErrInvalid, field, "each result must be a mapping with dataset: and value:, not a %s", yamlShape(n))
	}
	pairs, err := yamlPairs(s, n, field)
	if err != nil {
		return r, err
	}
	unknownKeys(s, im, pairs, field, hubEvalKeys)
	text := func(v *yaml.Node, f string) (string, error) {
		if isNullNode(v) {
			return "", nil
		}
		t, ok := yamlText(v)
		if !ok {
			return "", s.errLine(v.Line, v.Column, ErrInvalid, f, "must be text, not a %s", yamlShape(v))
		}
		return t, nil
	}
	args := map[string]any{}

	ds := yamlGet(n, "dataset")
	if isNullNode(ds) {
		return r, s.errLine(n.Line, n.Column, ErrInvalid, field, "the result has no dataset (add dataset: {id: <Hub dataset id>, task_id: <task id>})")
	}
	dsField := field + ".dataset"
	if ds.Kind != yaml.MappingNode {
		return r, s.errLine(ds.Line, ds.Column, ErrInvalid, dsField, "must be a mapping with id and task_id, not a %s", yamlShape(ds))
	}
	dsPairs, err := yamlPairs(s, ds, dsField)
	if err != nil {
		return r, err
	}
	unknownKeys(s, im, dsPairs, dsField, hubDatasetKeys)
	for _, req := range []struct {
		key  string
		dst  *string
		hint string
	}{
		{"id", &r.DatasetType, "the benchmark's Hub dataset id, such as Idavidrein/gpqa"},
		{"task_id", &r.MetricType, "the task id the dataset's eval.yaml defines, such as gpqa_diamond"},
	} {
		v := yamlGet(ds, req.key)
		t, err := text(v, dsField+"."+req.key)
		if err != nil {
			return r, err
		}
		if t == "" {
			line, col := ds.Line, ds.Column
			if v != nil {
				line, col = v.Line, v.Column
			}
			return r, s.errLine(line, col, ErrInvalid, dsField+"."+req.key, "is missing or empty (give %s)", req.hint)
		}
		*req.dst = t
	}
	r.DatasetName = r.DatasetType
	r.TaskName, r.MetricName = r.MetricType, r.MetricType
	if r.DatasetRevision, err = text(yamlGet(ds, "revision"), dsField+".revision"); err != nil {
		return r, err
	}

	v := yamlGet(n, "value")
	if isNullNode(v) {
		line, col := n.Line, n.Column
		if v != nil {
			line, col = v.Line, v.Column
		}
		return r, s.errLine(line, col, ErrInvalid, field+".value", "the result has no value (give the score, such as value: 0.412)")
	}
	val, ok := yamlScalar(v)
	switch x := val.(type) {
	case int, string:
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			ok = false
		}
	default:
		ok = false
	}
	if !ok {
		return r, s.errLine(v.Line, v.Column, ErrInvalid, field+".value", "must be a number or a string, not %s (write the score, such as 0.412)", describeYAMLValue(v))
	}
	r.MetricValue = val

	if r.VerifyToken, err = text(yamlGet(n, "verifyToken"), field+".verifyToken"); err != nil {
		return r, err
	}
	if r.MetricConfig, err = text(yamlGet(n, "notes"), field+".notes"); err != nil {
		return r, err
	}
	date, err := text(yamlGet(n, "date"), field+".date")
	if err != nil {
		return r, err
	}
	if date != "" {
		args["date"] = date
	}

	if src := yamlGet(n, "source"); !isNullNode(src) {
		srcField := field + ".source"
		if src.Kind != yaml.MappingNode {
			return r, s.errLine(src.Line, src.Column, ErrInvalid, srcField, "must be a mapping with url (and name, user, org), not a %s", yamlShape(src))
		}
		srcPairs, err := yamlPairs(s, src, srcField)
		if err != nil {
			return r, err
		}
		unknownKeys(s, im, srcPairs, srcField, hubSourceKeys)
		vals := map[string]string{}
		for _, k := range hubSourceKeys {
			if vals[k], err = text(yamlGet(src, k), srcField+"."+k); err != nil {
				return r, err
			}
		}
		if vals["url"] == "" && (vals["name"] != "" || vals["user"] != "" || vals["org"] != "") {
			return r, s.errLine(src.Line, src.Column, ErrInvalid, srcField, "names a source without its url (add url: <link to the logs or paper>, or remove the source)")
		}
		r.SourceURL, r.SourceName = vals["url"], vals["name"]
		if vals["user"] != "" {
			args["source_user"] = vals["user"]
		}
		if vals["org"] != "" {
			args["source_org"] = vals["org"]
		}
	}
	if len(args) > 0 {
		r.MetricArgs = args
	}
	return r, nil
}

// describeYAMLValue names a bad value for messages.
func describeYAMLValue(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!str" {
		return fmt.Sprintf("the %s %s", yamlShape(n), n.Value)
	}
	return "a " + yamlShape(n)
}

// unknownKeys warns about keys a format does not define.
func unknownKeys(s *source, im *Imported, pairs []yamlPair, field string, known []string) {
	for _, p := range pairs {
		if slices.Contains(known, p.key) {
			continue
		}
		fix := "remove it; the keys here are " + strings.Join(known, ", ")
		if sug := card.Suggest(p.key, known); sug != "" {
			fix = fmt.Sprintf("did you mean %q? The keys here are %s", sug, strings.Join(known, ", "))
		}
		f := p.key
		if field != "" {
			f = field + "." + p.key
		}
		im.Warnings = append(im.Warnings, s.warning(p.kNode.Line, p.kNode.Column, f, WarnUnknownKey,
			fmt.Sprintf("unknown key %q is ignored", p.key), fix))
	}
}
