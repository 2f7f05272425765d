package evalimport

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
	"go.yaml.in/yaml/v3"
)

// A W&B run folder (wandb/run-<date>_<time>-<id>/) keeps its files in
// files/:
//
//	wandb-summary.json   the run's final metrics, nested objects for
//	                     grouped names; keys starting with "_" (_runtime,
//	                     _timestamp, _step, _wandb) are W&B's own, and
//	                     objects with "_type" are histograms, images,
//	                     tables and other media
//	config.yaml          the run's config, each key written as
//	                     key: {desc: ..., value: ...}, with W&B's own
//	                     wandb_version and _wandb keys
//	wandb-metadata.json  the machine: gpu and gpu_count (or a gpu_nvidia
//	                     list), python, git {remote, commit}, startedAt, ...
//
// The summary's nested objects are flattened with "/" ("eval": {"f1": x}
// is "eval/f1"), W&B's own keys and media objects are skipped, and the
// numbers are classified by name like MLflow's metrics (see tracked.go):
// "eval/accuracy" is a result with split "eval" and metric "accuracy";
// training and bookkeeping metrics become "metric.<name>" facts. Strings,
// booleans and lists are skipped with a warning.
//
// The config's values become hyperparameters in the file's order; nested
// mappings are flattened with "." ("optimizer.lr"), lists written inline
// ([0.9, 0.999]). _wandb gives python_version and framework; the precision
// flags give training_regime.
//
// The metadata gives hardware ("8 x NVIDIA A100-SXM4-80GB"),
// python_version, git_commit, repository (without credentials),
// start_time, and wandb.cuda. Host, user, e-mail, program path and
// arguments are not read: they describe a person or a machine, not the
// model. The run id comes from the run folder's name.
//
// Import of a folder reads whichever of the three files it (or its files/
// folder) holds.

// wandbRunDir matches a W&B run folder's name and captures the run id.
var wandbRunDir = regexp.MustCompile(`^(?:offline-)?run-[0-9]{8}_[0-9]{6}-([A-Za-z0-9]+)$`)

// wandbFiles are the W&B files found in a folder.
type wandbFiles struct {
	summary, config, metadata string
}

func (f wandbFiles) any() bool { return f.summary != "" || f.config != "" || f.metadata != "" }

// wandbFilesIn finds a run's files in a folder or in its files/ folder.
func wandbFilesIn(dir string) wandbFiles {
	var f wandbFiles
	for _, d := range []string{dir, filepath.Join(dir, "files")} {
		exists := func(name string) string {
			p := filepath.Join(d, name)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p
			}
			return ""
		}
		if f.summary == "" {
			f.summary = exists("wandb-summary.json")
		}
		if f.metadata == "" {
			f.metadata = exists("wandb-metadata.json")
		}
		if f.config == "" {
			if p := exists("config.yaml"); p != "" {
				// config.yaml is a common name: take it only when it is W&B's.
				if data, err := os.ReadFile(p); err == nil && (bytes.Contains(data, []byte("wandb_version")) || bytes.Contains(data, []byte("_wandb:"))) {
					f.config = p
				}
			}
		}
	}
	return f
}

// wandbRunID reads the run id from the run folder's name, looking at the
// folder of path and its parent (path may be a file in files/).
func wandbRunID(path string) string {
	for i, p := 0, filepath.Clean(path); i < 3; i, p = i+1, filepath.Dir(p) {
		if m := wandbRunDir.FindStringSubmatch(filepath.Base(p)); m != nil {
			return m[1]
		}
	}
	return ""
}

// importWandbDir reads the W&B files of a folder.
func importWandbDir(dir string, files wandbFiles) (*Imported, error) {
	im := &Imported{Source: dir, Kind: KindWandb}
	parts := []struct {
		path string
		read func(*source) (*Imported, error)
	}{
		{files.config, func(s *source) (*Imported, error) {
			root, err := parseYAML(s)
			if err != nil {
				return nil, err
			}
			if root == nil {
				return nil, &Error{File: s.name, Err: ErrEmpty, Msg: "the W&B config is empty"}
			}
			return wandbConfig(s, root)
		}},
		{files.summary, func(s *source) (*Imported, error) {
			root, err := parseJSON(s)
			if err != nil {
				return nil, err
			}
			return wandbSummary(s, root)
		}},
		{files.metadata, func(s *source) (*Imported, error) {
			root, err := parseJSON(s)
			if err != nil {
				return nil, err
			}
			return wandbMetadata(s, root)
		}},
	}
	for _, p := range parts {
		if p.path == "" {
			continue
		}
		s, err := readSource(p.path)
		if err != nil {
			return nil, err
		}
		one, err := p.read(s)
		if err != nil {
			return nil, err
		}
		im.Results = append(im.Results, one.Results...)
		im.Hyperparameters = append(im.Hyperparameters, one.Hyperparameters...)
		im.Warnings = append(im.Warnings, one.Warnings...)
		for k, v := range one.Facts {
			if _, set := im.Facts[k]; !set {
				im.setFact(k, v)
			}
		}
	}
	im.setFact(FactRunID, wandbRunID(dir))
	return im, nil
}

// looksLikeWandbSummary reports a JSON object with W&B's own summary keys.
func looksLikeWandbSummary(root *jnode) bool {
	if root.kind != jObject {
		return false
	}
	for _, k := range []string{"_wandb", "_runtime", "_timestamp", "_step"} {
		if root.get(k) != nil {
			return true
		}
	}
	return false
}

// wandbSummary reads a wandb-summary.json.
func wandbSummary(s *source, root *jnode) (*Imported, error) {
	if root.kind != jObject {
		return nil, s.errAt(root.off, ErrInvalid, "", "a wandb-summary.json is an object of metric names to values, not a %s", root.kind)
	}
	im := &Imported{Source: s.name, Kind: KindWandb}
	var metrics []trackedMetric
	var walk func(prefix string, n *jnode, depth int)
	walk = func(prefix string, n *jnode, depth int) {
		for i, k := range n.keys {
			v := n.items[i]
			if prefix == "" && strings.HasPrefix(k, "_") {
				continue
			}
			name := prefix + k
			line, col := s.position(v.off)
			switch v.kind {
			case jNull:
			case jNumber:
				metrics = append(metrics, trackedMetric{name: name, value: v.num, line: line})
			case jObject:
				if v.get("_type") != nil {
					continue // a histogram, an image, a table, ...
				}
				if depth < 32 {
					walk(name+"/", v, depth+1)
				}
			default:
				im.Warnings = append(im.Warnings, s.warning(line, col, name, WarnSkipped,
					fmt.Sprintf("the summary value of %s is a %s, not a number; it is left out", name, v.kind), ""))
			}
		}
	}
	walk("", root, 0)
	addTrackedMetrics(s, im, metrics)
	im.setFact(FactRunID, wandbRunID(s.name))
	return im, nil
}

// looksLikeWandbConfig reports a YAML mapping in W&B's config form.
func looksLikeWandbConfig(root *yaml.Node) bool {
	if root.Kind != yaml.MappingNode || len(root.Content) == 0 {
		return false
	}
	if yamlGet(root, "wandb_version") != nil || yamlGet(root, "_wandb") != nil {
		return true
	}
	for i := 1; i < len(root.Content); i += 2 {
		v := resolve(root.Content[i])
		if v.Kind != yaml.MappingNode || yamlGet(v, "value") == nil {
			return false
		}
		for j := 0; j < len(v.Content); j += 2 {
			if k := v.Content[j].Value; k != "value" && k != "desc" {
				return false
			}
		}
	}
	return true
}

// wandbConfig reads a W&B config.yaml.
func wandbConfig(s *source, root *yaml.Node) (*Imported, error) {
	if root.Kind != yaml.MappingNode {
		return nil, s.errLine(root.Line, root.Column, ErrInvalid, "", "a W&B config.yaml is a mapping of keys to {desc, value}, not a %s", yamlShape(root))
	}
	pairs, err := yamlPairs(s, root, "")
	if err != nil {
		return nil, err
	}
	im := &Imported{Source: s.name, Kind: KindWandb}
	for _, p := range pairs {
		if p.key == "wandb_version" {
			continue
		}
		v := p.value
		value := yamlGet(v, "value")
		if v.Kind != yaml.MappingNode || value == nil {
			return nil, s.errLine(p.kNode.Line, p.kNode.Column, ErrInvalid, p.key,
				"W&B writes each config key as %s: {desc: ..., value: ...}; this one is a %s without value: (is this W&B's config.yaml?)", p.key, yamlShape(v))
		}
		if p.key == "_wandb" {
			wandbInternal(im, value)
			continue
		}
		flattenConfig(im, p.key, value, 0)
	}
	im.setFact(FactTrainingRegime, precisionRegime(im.Hyperparameters))
	im.setFact(FactRunID, wandbRunID(s.name))
	return im, nil
}

// flattenConfig adds a config value, flattening nested mappings with ".".
func flattenConfig(im *Imported, key string, v *yaml.Node, depth int) {
	v = resolve(v)
	if v.Kind == yaml.MappingNode && len(v.Content) > 0 && depth < 32 {
		for i := 0; i+1 < len(v.Content); i += 2 {
			flattenConfig(im, key+"."+resolve(v.Content[i]).Value, v.Content[i+1], depth+1)
		}
		return
	}
	im.Hyperparameters = append(im.Hyperparameters, card.KeyValue{Key: key, Value: yamlInline(v)})
}

// wandbInternal reads the facts of W&B's own _wandb config value.
func wandbInternal(im *Imported, v *yaml.Node) {
	get := func(k string) string {
		t, _ := yamlText(yamlGet(v, k))
		return t
	}
	im.setFact(FactPythonVersion, get("python_version"))
	framework := get("framework")
	if framework == "huggingface" {
		framework = "transformers"
		if ver := get("huggingface_version"); ver != "" {
			framework += " " + ver
		}
	}
	im.setFact(FactFramework, framework)
	im.setFact("wandb.cli_version", get("cli_version"))
}

// wandbMetadata reads a wandb-metadata.json.
func wandbMetadata(s *source, root *jnode) (*Imported, error) {
	if root.kind != jObject {
		return nil, s.errAt(root.off, ErrInvalid, "", "a wandb-metadata.json is an object, not a %s", root.kind)
	}
	im := &Imported{Source: s.name, Kind: KindWandb}
	str := func(n *jnode, field string) (string, error) {
		if n.isNull() {
			return "", nil
		}
		if n.kind != jString {
			return "", s.errAt(n.off, ErrInvalid, field, "must be a string, not a %s", n.kind)
		}
		return n.text, nil
	}
	gpu, err := str(root.get("gpu"), "gpu")
	if err != nil {
		return nil, err
	}
	if gpu != "" {
		count := 1
		if n := root.get("gpu_count"); !n.isNull() {
			if n.kind != jNumber || !n.isInteger() || n.num < 1 {
				return nil, s.errAt(n.off, ErrInvalid, "gpu_count", "must be a whole number of 1 or more, not %s", describeJSON(n))
			}
			count = int(n.num)
		}
		im.setFact(FactHardware, fmt.Sprintf("%d x %s", count, gpu))
	} else if list := root.get("gpu_nvidia"); !list.isNull() {
		if list.kind != jArray {
			return nil, s.errAt(list.off, ErrInvalid, "gpu_nvidia", "must be a list of GPUs, not a %s", list.kind)
		}
		var names []string
		counts := map[string]int{}
		for i, g := range list.items {
			name, err := str(g.get("name"), fmt.Sprintf("gpu_nvidia[%d].name", i))
			if err != nil {
				return nil, err
			}
			if name == "" {
				continue
			}
			if counts[name] == 0 {
				names = append(names, name)
			}
			counts[name]++
		}
		var parts []string
		for _, n := range names {
			parts = append(parts, fmt.Sprintf("%d x %s", counts[n], n))
		}
		im.setFact(FactHardware, strings.Join(parts, ", "))
	}
	for _, f := range []struct{ fact, key string }{
		{FactPythonVersion, "python"}, {FactStartTime, "startedAt"}, {"wandb.cuda", "cuda"},
	} {
		v, err := str(root.get(f.key), f.key)
		if err != nil {
			return nil, err
		}
		im.setFact(f.fact, v)
	}
	if git := root.get("git"); !git.isNull() {
		if git.kind != jObject {
			return nil, s.errAt(git.off, ErrInvalid, "git", "must be an object with remote and commit, not a %s", git.kind)
		}
		remote, err := str(git.get("remote"), "git.remote")
		if err != nil {
			return nil, err
		}
		commit, err := str(git.get("commit"), "git.commit")
		if err != nil {
			return nil, err
		}
		im.setFact(FactRepository, cleanRepoURL(remote))
		im.setFact(FactGitCommit, commit)
	}
	im.setFact(FactRunID, wandbRunID(s.name))
	return im, nil
}
