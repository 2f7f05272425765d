package docker

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// This file reads Dockerfiles: parsing, ARG and ENV resolution, and the
// `go build` commands of a build stage. lint_test.go holds the checks.

// imageKind says which of the project's two images a Dockerfile builds.
type imageKind string

const (
	cpuImage  imageKind = "cpu"
	cudaImage imageKind = "cuda"
)

// dockerfile is one parsed Dockerfile.
type dockerfile struct {
	name     string
	lines    []string       // the source, to find the comments above an instruction
	nodes    []*parser.Node // the top-level instructions
	escape   rune
	stages   []instructions.Stage
	meta     []instructions.ArgCommand // the ARGs before the first FROM
	warnings []string                  // BuildKit's own parse-time lint
}

// parseDockerfile parses src, named name in messages, with BuildKit's
// parser and instruction reader.
func parseDockerfile(name string, src []byte) (*dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, fmt.Errorf("%s: parse: %w", name, err)
	}
	d := &dockerfile{
		name:   name,
		lines:  strings.Split(string(src), "\n"),
		nodes:  res.AST.Children,
		escape: res.EscapeToken,
	}
	for _, w := range res.Warnings {
		d.warnings = append(d.warnings, fmt.Sprintf("%s: %s", d.at(w.Location.Start.Line), w.Short))
	}
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		d.warnings = append(d.warnings, fmt.Sprintf("%s: BuildKit rule %s: %s", d.at(line), rule, msg))
	}})
	d.stages, d.meta, err = instructions.Parse(res.AST, lint)
	if err != nil {
		return nil, fmt.Errorf("%s: read the instructions: %w", name, err)
	}
	if len(d.stages) == 0 {
		return nil, fmt.Errorf("%s: no FROM: a Dockerfile needs at least one stage", name)
	}
	return d, nil
}

// readDockerfile parses the Dockerfile at path.
func readDockerfile(path string) (*dockerfile, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the Dockerfile: %w", err)
	}
	return parseDockerfile(filepath.Base(path), src)
}

// at is "name:line" for messages.
func (d *dockerfile) at(line int) string {
	return fmt.Sprintf("%s:%d", d.name, line)
}

// line is the first line of an instruction.
func line(loc []parser.Range) int {
	if len(loc) == 0 {
		return 0
	}
	return loc[0].Start.Line
}

// env is a set of variables as BuildKit's shell lexer reads them.
type env map[string]string

// Get returns the value of key.
func (e env) Get(key string) (string, bool) {
	v, ok := e[key]
	return v, ok
}

// Keys returns the names, sorted.
func (e env) Keys() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// clone returns a copy of e.
func (e env) clone() env {
	c := make(env, len(e))
	for k, v := range e {
		c[k] = v
	}
	return c
}

// expand expands the variables of word as BuildKit does.
func (d *dockerfile) expand(word string, vars env) (string, error) {
	out, _, err := shell.NewLex(d.escape).ProcessWord(word, vars)
	if err != nil {
		return "", fmt.Errorf("expand %q: %w", word, err)
	}
	return out, nil
}

// expandAll expands word and also returns the variables it uses that are
// not set.
func (d *dockerfile) expandAll(word string, vars env) (string, []string, error) {
	res, err := shell.NewLex(d.escape).ProcessWordWithMatches(word, vars)
	if err != nil {
		return "", nil, fmt.Errorf("expand %q: %w", word, err)
	}
	var unset []string
	for k := range res.Unmatched {
		unset = append(unset, k)
	}
	sort.Strings(unset)
	return res.Result, unset, nil
}

// platformArgs are the ARGs BuildKit defines itself, with the values it
// gives them when it builds for this host's platform.
func platformArgs() env {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	return env{
		"BUILDPLATFORM": platform, "BUILDOS": runtime.GOOS, "BUILDARCH": runtime.GOARCH, "BUILDVARIANT": "",
		"TARGETPLATFORM": platform, "TARGETOS": runtime.GOOS, "TARGETARCH": runtime.GOARCH, "TARGETVARIANT": "",
	}
}

// metaArgs resolves the ARGs before the first FROM: buildArgs (as given
// with --build-arg) first, then the defaults.
func (d *dockerfile) metaArgs(buildArgs map[string]string) (env, error) {
	vars := platformArgs()
	for _, a := range d.meta {
		for _, kv := range a.Args {
			if v, ok := buildArgs[kv.Key]; ok {
				vars[kv.Key] = v
				continue
			}
			if kv.Value == nil {
				continue // no value: references to it stay unset
			}
			v, err := d.expand(*kv.Value, vars)
			if err != nil {
				return nil, fmt.Errorf("%s: ARG %s: %w", d.at(line(a.Location())), kv.Key, err)
			}
			vars[kv.Key] = v
		}
	}
	return vars, nil
}

// stage is a stage with its base resolved.
type stage struct {
	*instructions.Stage
	index  int
	base   string   // the image or earlier stage it starts from, variables expanded
	unset  []string // the variables of its FROM that have no value
	parent int      // the index of the earlier stage it starts from, or -1 for an image
}

// resolveStages expands each stage's FROM.
func (d *dockerfile) resolveStages(buildArgs map[string]string) ([]stage, error) {
	meta, err := d.metaArgs(buildArgs)
	if err != nil {
		return nil, err
	}
	out := make([]stage, len(d.stages))
	for i := range d.stages {
		s := &d.stages[i]
		base, unset, err := d.expandAll(s.BaseName, meta)
		if err != nil {
			return nil, fmt.Errorf("%s: FROM: %w", d.at(line(s.Location)), err)
		}
		out[i] = stage{Stage: s, index: i, base: base, unset: unset, parent: -1}
		for j := 0; j < i; j++ {
			if d.stages[j].Name != "" && strings.EqualFold(d.stages[j].Name, base) {
				out[i].parent = j
			}
		}
	}
	return out, nil
}

// stageIndex returns the index of the stage a --from names (by name or
// number), or -1 when it names an image.
func stageIndex(stages []stage, from string) int {
	for _, s := range stages {
		if s.Name != "" && strings.EqualFold(s.Name, from) || fmt.Sprint(s.index) == from {
			return s.index
		}
	}
	return -1
}

// stageState is the variables in effect at one instruction of a stage.
type stageState struct {
	args env // ARG values
	envs env // ENV values; they win over ARGs of the same name
}

// vars is what a RUN sees and what expansion uses.
func (s stageState) vars() env {
	v := s.args.clone()
	for k, x := range s.envs {
		v[k] = x
	}
	return v
}

// walk calls visit with every instruction of stage i and the variables in
// effect before it, following ENV through the stages it is built on.
// ARGs are resolved as docker build does: buildArgs, then a global ARG of
// the same name, then the default.
func (d *dockerfile) walk(stages []stage, i int, buildArgs map[string]string, visit func(cmd instructions.Command, st stageState) error) (stageState, error) {
	meta, err := d.metaArgs(buildArgs)
	if err != nil {
		return stageState{}, err
	}
	st := stageState{args: env{}, envs: env{}}
	if p := stages[i].parent; p >= 0 {
		parent, err := d.walk(stages, p, buildArgs, nil)
		if err != nil {
			return stageState{}, err
		}
		st.envs = parent.envs
	}
	for _, cmd := range stages[i].Commands {
		if visit != nil {
			if err := visit(cmd, stageState{args: st.args.clone(), envs: st.envs.clone()}); err != nil {
				return stageState{}, err
			}
		}
		switch c := cmd.(type) {
		case *instructions.ArgCommand:
			for _, kv := range c.Args {
				if v, ok := buildArgs[kv.Key]; ok {
					st.args[kv.Key] = v
					continue
				}
				if kv.Value == nil {
					if v, ok := meta[kv.Key]; ok {
						st.args[kv.Key] = v
					}
					continue
				}
				v, err := d.expand(*kv.Value, st.vars())
				if err != nil {
					return stageState{}, fmt.Errorf("%s: ARG %s: %w", d.at(line(c.Location())), kv.Key, err)
				}
				st.args[kv.Key] = v
			}
		case *instructions.EnvCommand:
			vars := st.vars()
			for _, kv := range c.Env {
				v, err := d.expand(kv.Value, vars)
				if err != nil {
					return stageState{}, fmt.Errorf("%s: ENV %s: %w", d.at(line(c.Location())), kv.Key, err)
				}
				st.envs[kv.Key] = v
			}
		}
	}
	return st, nil
}

// goBuild is one `go build` RUN of a Dockerfile.
type goBuild struct {
	line   int
	stage  int
	argv   []string // exec form; nil for the shell form
	script string   // shell form: what /bin/sh -c runs
	words  []string // the command line split into words, variables expanded
	vars   env      // the ARG and ENV values the RUN sees
	output string   // the -o path
	tags   []string // the -tags list
	flags  map[string]bool
}

// goBuildRe finds a `go build` in a RUN command line.
var goBuildRe = regexp.MustCompile(`(^|[\s;&|(])(\S*/)?go\s+build(\s|$)`)

// goBuilds returns the `go build` RUNs of every stage, in order.
func (d *dockerfile) goBuilds(buildArgs map[string]string) ([]goBuild, error) {
	stages, err := d.resolveStages(buildArgs)
	if err != nil {
		return nil, err
	}
	var out []goBuild
	for i := range stages {
		_, err := d.walk(stages, i, buildArgs, func(cmd instructions.Command, st stageState) error {
			run, ok := cmd.(*instructions.RunCommand)
			if !ok {
				return nil
			}
			text := strings.Join(run.CmdLine, " ")
			if !goBuildRe.MatchString(text) {
				return nil
			}
			b := goBuild{line: line(run.Location()), stage: i, vars: st.vars(), flags: map[string]bool{}}
			if run.PrependShell {
				b.script = text
			} else {
				b.argv = append([]string(nil), run.CmdLine...)
			}
			words, err := shell.NewLex(d.escape).ProcessWords(text, b.vars)
			if err != nil {
				return fmt.Errorf("%s: split the RUN command: %w", d.at(b.line), err)
			}
			b.words = words
			b.parseFlags()
			out = append(out, b)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseFlags reads the flags of the words after `go build`.
func (b *goBuild) parseFlags() {
	start := -1
	for i := 0; i+1 < len(b.words); i++ {
		if path.Base(b.words[i]) == "go" && b.words[i+1] == "build" {
			start = i + 2
			break
		}
	}
	if start < 0 {
		return
	}
	for i := start; i < len(b.words); i++ {
		w := b.words[i]
		if w == "&&" || w == ";" || w == "||" {
			break
		}
		if !strings.HasPrefix(w, "-") {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
		b.flags[name] = true
		takesValue := name == "o" || name == "tags" || name == "ldflags" || name == "gcflags" || name == "mod" || name == "p"
		if takesValue && !hasValue && i+1 < len(b.words) {
			i++
			value = b.words[i]
		}
		switch name {
		case "o":
			b.output = value
		case "tags":
			for _, t := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' }) {
				b.tags = append(b.tags, t)
			}
		}
	}
}

// hasTag reports whether the build has build tag tag.
func (b goBuild) hasTag(tag string) bool {
	for _, t := range b.tags {
		if t == tag {
			return true
		}
	}
	return false
}

// readFile returns the contents of the file name.
func readFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// repoRoot is the root of the main module, two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatalf("read the main module's go.mod two levels above deploy/docker: %v", err)
	}
	if !bytes.Contains(data, []byte("module github.com/terragonlabs/modelcard-generator\n")) {
		t.Fatalf("%s/go.mod is not the modelcard-generator module; run the tests from deploy/docker of the repository", root)
	}
	return root
}

// goModVersion is the go directive of the main module.
func goModVersion(t *testing.T, root string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go\s+(\S+)\s*$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	return string(m[1])
}

func TestGoBuildFlags(t *testing.T) {
	tests := []struct {
		name     string
		run      string
		wantOut  string
		wantTags []string
		wantFlag string
	}{
		{"separate values", `RUN go build -tags cpu -trimpath -ldflags "-s -w" -o /out/modelcard ./cmd/modelcard`, "/out/modelcard", []string{"cpu"}, "trimpath"},
		{"equals values", `RUN go build -tags=cpu,netgo -o=/bin/x .`, "/bin/x", []string{"cpu", "netgo"}, "tags"},
		{"after another command", `RUN go mod download && go build -o /x ./cmd/modelcard`, "/x", nil, "o"},
		{"go by its path", `RUN /usr/local/go/bin/go build -trimpath -o /x .`, "/x", nil, "trimpath"},
		{"exec form", `RUN ["go", "build", "-tags", "cpu", "-o", "/x", "."]`, "/x", []string{"cpu"}, "tags"},
		{"variables expanded", "ARG OUT=/y\nRUN go build -o $OUT .", "/y", nil, "o"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := parseDockerfile("test", []byte("FROM golang:1.26.8\n"+tc.run+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			builds, err := d.goBuilds(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(builds) != 1 {
				t.Fatalf("%d go builds found, want 1", len(builds))
			}
			b := builds[0]
			if b.output != tc.wantOut {
				t.Errorf("output %q, want %q", b.output, tc.wantOut)
			}
			if strings.Join(b.tags, ",") != strings.Join(tc.wantTags, ",") {
				t.Errorf("tags %q, want %q", b.tags, tc.wantTags)
			}
			if !b.flags[tc.wantFlag] {
				t.Errorf("flag -%s not seen in %q", tc.wantFlag, b.words)
			}
		})
	}
}

func TestWalkResolvesVariables(t *testing.T) {
	src := `# A is global.
ARG A=global
FROM alpine:3.20 AS one
# A is the global one.
ARG A
# B defaults to A's value.
ARG B=from-$A
ENV C=env-$B
ENV B=env-wins
RUN go build -o /$B/$C .
FROM one
RUN go build -o /$C .
`
	tests := []struct {
		name      string
		buildArgs map[string]string
		want      []string
	}{
		{"defaults", nil, []string{"/env-wins/env-from-global", "/env-from-global"}},
		{"build args", map[string]string{"A": "x"}, []string{"/env-wins/env-from-x", "/env-from-x"}},
		{"build arg for a stage ARG", map[string]string{"B": "y"}, []string{"/env-wins/env-y", "/env-y"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := parseDockerfile("test", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			builds, err := d.goBuilds(tc.buildArgs)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, b := range builds {
				got = append(got, b.output)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("outputs %q, want %q", got, tc.want)
			}
		})
	}
}
