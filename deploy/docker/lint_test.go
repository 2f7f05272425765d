package docker

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// lintCheck is one rule of the lint; it returns the problems it finds, each
// naming the file and line, what is wrong and how to fix it.
type lintCheck struct {
	name string
	run  func(d *dockerfile, stages []stage, kind imageKind) []string
}

// lintChecks are every rule, in the order they are reported.
func lintChecks() []lintCheck {
	return []lintCheck{
		{"buildkit", checkBuildKitWarnings},
		{"pinned", checkPinnedImages},
		{"cuda12", checkCUDAVersion},
		{"stages", checkStages},
		{"user", checkNonRootUser},
		{"secrets", checkNoSecrets},
		{"argdoc", checkArgsDocumented},
		{"healthcheck", checkHealthcheck},
		{"expose", checkExpose},
		{"entrypoint", checkEntrypoint},
		{"labels", checkLabels},
		{"nvidia", checkNvidiaEnv},
		{"build", checkGoBuild},
	}
}

// lint returns every problem of the Dockerfile src for an image of kind.
func lint(name string, src []byte, kind imageKind) []string {
	d, err := parseDockerfile(name, src)
	if err != nil {
		return []string{err.Error()}
	}
	stages, err := d.resolveStages(nil)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	for _, c := range lintChecks() {
		for _, p := range c.run(d, stages, kind) {
			problems = append(problems, "["+c.name+"] "+p)
		}
	}
	return problems
}

// finalStage is the stage `docker build` builds without --target.
func finalStage(stages []stage) stage { return stages[len(stages)-1] }

// finalState is the variables at the end of the final stage.
func finalState(d *dockerfile, stages []stage) (stageState, error) {
	return d.walk(stages, len(stages)-1, nil, nil)
}

// imageRef splits an image reference into its name, tag and digest.
func imageRef(ref string) (name, tag, digest string) {
	name, digest, _ = strings.Cut(ref, "@")
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, tag = name[:i], name[i+1:]
	}
	return name, tag, digest
}

// isCUDAImage reports whether an image name is NVIDIA's CUDA image.
func isCUDAImage(name string) bool {
	return strings.HasSuffix(name, "nvidia/cuda")
}

// baseImages is every image a Dockerfile pulls: the FROMs that are not
// earlier stages and the COPY --from that name an image, each with the
// line that pulls it and the variables it uses that have no value.
func baseImages(d *dockerfile, stages []stage) (images []string, lines []int, unset [][]string) {
	meta, err := d.metaArgs(nil)
	if err != nil {
		return nil, nil, nil
	}
	for _, s := range stages {
		if s.parent < 0 && s.base != "scratch" {
			images = append(images, s.base)
			lines = append(lines, line(s.Location))
			unset = append(unset, s.unset)
		}
		for _, cmd := range s.Commands {
			c, ok := cmd.(*instructions.CopyCommand)
			if !ok || c.From == "" {
				continue
			}
			from, missing, err := d.expandAll(c.From, meta)
			if err != nil || stageIndex(stages, from) >= 0 {
				continue
			}
			images = append(images, from)
			lines = append(lines, line(c.Location()))
			unset = append(unset, missing)
		}
	}
	return images, lines, unset
}

// checkBuildKitWarnings reports what BuildKit's own parse-time rules say.
func checkBuildKitWarnings(d *dockerfile, _ []stage, _ imageKind) []string {
	return d.warnings
}

// checkPinnedImages wants every pulled image pinned by an explicit tag.
func checkPinnedImages(d *dockerfile, stages []stage, _ imageKind) []string {
	var problems []string
	images, lines, unset := baseImages(d, stages)
	for i, ref := range images {
		_, tag, _ := imageRef(ref)
		switch {
		case len(unset[i]) > 0:
			problems = append(problems, fmt.Sprintf("%s: image %q is incomplete: ${%s} has no value; give the ARG a default", d.at(lines[i]), ref, strings.Join(unset[i], "}, ${")))
		case tag == "":
			problems = append(problems, fmt.Sprintf("%s: image %q has no tag: pin it with an explicit version tag (name:1.2.3)", d.at(lines[i]), ref))
		case tag == "latest":
			problems = append(problems, fmt.Sprintf("%s: image %q uses the moving tag latest: pin an explicit version tag", d.at(lines[i]), ref))
		}
	}
	return problems
}

// cudaTagRe reads the tag of an nvidia/cuda image: version, flavour and OS.
var cudaTagRe = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?-(?:cudnn\d*-)?(base|runtime|devel)-(.+)$`)

// checkCUDAVersion wants nvidia/cuda images of CUDA 12.x and, for the CUDA
// image, a devel build stage and a base or runtime final stage of the same
// release and OS.
func checkCUDAVersion(d *dockerfile, stages []stage, kind imageKind) []string {
	var problems []string
	images, lines, _ := baseImages(d, stages)
	for i, ref := range images {
		name, tag, _ := imageRef(ref)
		if !isCUDAImage(name) {
			continue
		}
		m := cudaTagRe.FindStringSubmatch(tag)
		switch {
		case m == nil:
			problems = append(problems, fmt.Sprintf("%s: image %q: the tag is not VERSION-FLAVOUR-OS (12.4.1-devel-ubuntu22.04)", d.at(lines[i]), ref))
		case m[1] != "12":
			problems = append(problems, fmt.Sprintf("%s: image %q is CUDA %s: use a 12.x release (gorgonia.org/cu does not compile against CUDA 13 headers)", d.at(lines[i]), ref, m[1]))
		}
	}
	if kind != cudaImage {
		return problems
	}
	build, final := -1, len(stages)-1
	if b := buildStage(d, stages); b != nil {
		build = b.stage
	}
	var buildTag, finalTag string
	for i := build; i >= 0; i = stages[i].parent {
		if name, tag, _ := imageRef(stages[i].base); stages[i].parent < 0 && isCUDAImage(name) {
			buildTag = tag
		}
	}
	for i := final; i >= 0; i = stages[i].parent {
		if name, tag, _ := imageRef(stages[i].base); stages[i].parent < 0 && isCUDAImage(name) {
			finalTag = tag
		}
	}
	bm, fm := cudaTagRe.FindStringSubmatch(buildTag), cudaTagRe.FindStringSubmatch(finalTag)
	switch {
	case bm == nil || bm[4] != "devel":
		problems = append(problems, fmt.Sprintf("%s: the go build stage is not on an nvidia/cuda devel image: cgo needs its cuda.h and libcuda stub", d.name))
	case fm == nil:
		problems = append(problems, fmt.Sprintf("%s: the final stage is not on an nvidia/cuda image: use the base image of the build stage's CUDA release", d.name))
	case fm[4] == "devel":
		problems = append(problems, fmt.Sprintf("%s: the final stage is on a devel image (%s): ship on the base or runtime image", d.name, finalTag))
	case bm[1] != fm[1] || bm[2] != fm[2] || bm[3] != fm[3] || bm[5] != fm[5]:
		problems = append(problems, fmt.Sprintf("%s: the build stage is on CUDA %s and the final stage on %s: use one release and OS for both", d.name, buildTag, finalTag))
	}
	return problems
}

// checkStages wants the binary built in one stage and shipped in another.
func checkStages(d *dockerfile, stages []stage, _ imageKind) []string {
	if len(stages) < 2 {
		return []string{fmt.Sprintf("%s: one stage: build in one stage and copy the binary into a small runtime stage", d.name)}
	}
	final := finalStage(stages)
	if b := buildStage(d, stages); b != nil && b.stage == final.index {
		return []string{fmt.Sprintf("%s: the final stage runs go build: the image would ship the toolchain; build in an earlier stage", d.at(b.line))}
	}
	name, _, _ := imageRef(final.base)
	if strings.HasSuffix(name, "golang") {
		return []string{fmt.Sprintf("%s: the final stage is on %s: ship on a runtime image without the toolchain", d.at(line(final.Location)), final.base)}
	}
	return nil
}

// checkNonRootUser wants the final stage to run as a numeric non-root user.
func checkNonRootUser(d *dockerfile, stages []stage, _ imageKind) []string {
	final := finalStage(stages)
	st, err := finalState(d, stages)
	if err != nil {
		return []string{err.Error()}
	}
	var user *instructions.UserCommand
	for _, cmd := range final.Commands {
		if u, ok := cmd.(*instructions.UserCommand); ok {
			user = u
		}
	}
	if user == nil {
		return []string{fmt.Sprintf("%s: the final stage sets no USER: add USER 65532:65532 so the container does not run as root", d.name)}
	}
	value, err := d.expand(user.User, st.vars())
	if err != nil {
		return []string{err.Error()}
	}
	uid, _, _ := strings.Cut(value, ":")
	switch {
	case uid == "" || uid == "root" || strings.Trim(uid, "0") == "":
		return []string{fmt.Sprintf("%s: USER %s runs as root: use a non-root numeric user such as 65532", d.at(line(user.Location())), value)}
	case strings.Trim(uid, "0123456789") != "":
		return []string{fmt.Sprintf("%s: USER %s is a name: give the numeric uid (65532) so Kubernetes' runAsNonRoot can check it", d.at(line(user.Location())), value)}
	}
	return nil
}

// looksSecretKey reports whether a variable or label name names a secret.
func looksSecretKey(key string) bool {
	lower := strings.ToLower(key)
	// Parts of a name that say its value is a secret.
	for _, w := range []string{"password", "passwd", "secret", "token", "credential", "apikey", "api_key", "api-key", "privatekey", "private_key", "accesskey", "access_key"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	for _, part := range strings.FieldsFunc(lower, func(r rune) bool { return r == '_' || r == '.' || r == '-' }) {
		if part == "key" || part == "pwd" || part == "pass" {
			return true
		}
	}
	return false
}

// secretValueRe matches values that are secrets whatever their name: PEM
// keys, AWS access key ids, GitHub tokens.
var secretValueRe = regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}`)

// secretAssignRe matches a literal secret assigned in a RUN command.
var secretAssignRe = regexp.MustCompile(`(?i)\b\w*(password|passwd|secret|token|api_?key)\w*=[^\s$"']`)

// secretFiles are the names of files that must never be copied in.
func secretFiles() []string {
	return []string{".env", ".env.*", "*.env", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.pem", "*.key", "*.p12", "*.pfx", ".netrc", ".npmrc", ".pypirc", ".git-credentials", ".dockercfg", "credentials.json"}
}

// checkNoSecrets wants no secret in ARG, ENV, LABEL or RUN and no secret
// file copied in.
func checkNoSecrets(d *dockerfile, stages []stage, _ imageKind) []string {
	var problems []string
	kv := func(at int, kind, key, value string) {
		switch {
		case value != "" && looksSecretKey(key):
			problems = append(problems, fmt.Sprintf("%s: %s %s has a value: secrets in the image are readable by anyone who pulls it; use RUN --mount=type=secret or the runtime environment", d.at(at), kind, key))
		case secretValueRe.MatchString(value):
			problems = append(problems, fmt.Sprintf("%s: %s %s holds what looks like a key or token: remove it and pass it at run time", d.at(at), kind, key))
		}
	}
	for _, a := range d.meta {
		for _, x := range a.Args {
			kv(line(a.Location()), "ARG", x.Key, x.ValueString())
		}
	}
	for _, s := range stages {
		for _, cmd := range s.Commands {
			at := line(cmd.Location())
			switch c := cmd.(type) {
			case *instructions.ArgCommand:
				for _, x := range c.Args {
					kv(at, "ARG", x.Key, x.ValueString())
				}
			case *instructions.EnvCommand:
				for _, x := range c.Env {
					kv(at, "ENV", x.Key, x.Value)
				}
			case *instructions.LabelCommand:
				for _, x := range c.Labels {
					kv(at, "LABEL", x.Key, x.Value)
				}
			case *instructions.RunCommand:
				text := strings.Join(c.CmdLine, " ")
				if secretAssignRe.MatchString(text) || secretValueRe.MatchString(text) {
					problems = append(problems, fmt.Sprintf("%s: RUN sets a secret on its command line: it stays in the image history; use RUN --mount=type=secret", d.at(at)))
				}
			case *instructions.CopyCommand:
				problems = append(problems, secretSources(d, at, "COPY", c.SourcePaths)...)
			case *instructions.AddCommand:
				problems = append(problems, secretSources(d, at, "ADD", c.SourcePaths)...)
			}
		}
	}
	return problems
}

// secretSources reports the sources of a COPY or ADD that are secret files.
func secretSources(d *dockerfile, at int, kind string, sources []string) []string {
	var problems []string
	for _, src := range sources {
		base := path.Base(filepath.ToSlash(src))
		for _, pattern := range secretFiles() {
			if ok, _ := path.Match(pattern, base); ok {
				problems = append(problems, fmt.Sprintf("%s: %s %s copies a secret file into the image: mount it with RUN --mount=type=secret or give it at run time", d.at(at), kind, src))
				break
			}
		}
	}
	return problems
}

// checkArgsDocumented wants a comment naming each ARG right above it.
func checkArgsDocumented(d *dockerfile, _ []stage, _ imageKind) []string {
	var problems []string
	for _, n := range d.nodes {
		if !strings.EqualFold(n.Value, "arg") {
			continue
		}
		var keys []string
		for a := n.Next; a != nil; a = a.Next {
			key, _, _ := strings.Cut(a.Value, "=")
			keys = append(keys, key)
		}
		// The comment block ends on the line right above the ARG.
		var block []string
		for i := n.StartLine - 2; i >= 0 && i < len(d.lines); i-- {
			text := strings.TrimSpace(d.lines[i])
			if !strings.HasPrefix(text, "#") {
				break
			}
			block = append(block, strings.TrimSpace(strings.TrimPrefix(text, "#")))
		}
		if len(block) == 0 {
			problems = append(problems, fmt.Sprintf("%s: ARG %s has no comment right above it: say what it sets and which values it takes", d.at(n.StartLine), strings.Join(keys, " ")))
			continue
		}
		doc := strings.Join(block, " ")
		for _, k := range keys {
			if !regexp.MustCompile(`\b` + regexp.QuoteMeta(k) + `\b`).MatchString(doc) {
				problems = append(problems, fmt.Sprintf("%s: the comment above ARG %s does not name %s: begin it with the name and what it sets", d.at(n.StartLine), strings.Join(keys, " "), k))
			}
		}
	}
	return problems
}

// checkHealthcheck wants a HEALTHCHECK that runs the image's own binary,
// in exec form where the image has no shell.
func checkHealthcheck(d *dockerfile, stages []stage, _ imageKind) []string {
	final := finalStage(stages)
	var hc *instructions.HealthCheckCommand
	var entry *instructions.EntrypointCommand
	for _, cmd := range final.Commands {
		switch c := cmd.(type) {
		case *instructions.HealthCheckCommand:
			hc = c
		case *instructions.EntrypointCommand:
			entry = c
		}
	}
	if hc == nil || len(hc.Health.Test) == 0 || strings.EqualFold(hc.Health.Test[0], "NONE") {
		return []string{fmt.Sprintf("%s: the final stage has no HEALTHCHECK: add HEALTHCHECK CMD [\"/modelcard\", \"healthcheck\"]", d.name)}
	}
	at := line(hc.Location())
	test := hc.Health.Test
	if test[0] != "CMD" {
		name, _, _ := imageRef(baseImageOf(stages, final.index))
		if strings.Contains(name, "distroless") || name == "scratch" {
			return []string{fmt.Sprintf("%s: HEALTHCHECK is in shell form but %s has no shell: use the exec form CMD [\"/modelcard\", \"healthcheck\"]", d.at(at), name)}
		}
		return nil
	}
	if len(test) < 3 || test[2] != "healthcheck" || entry == nil || len(entry.CmdLine) == 0 || test[1] != entry.CmdLine[0] {
		return []string{fmt.Sprintf("%s: HEALTHCHECK %q does not run the image's own binary: use CMD [\"<ENTRYPOINT binary>\", \"healthcheck\"] (no curl in the image)", d.at(at), test[1:])}
	}
	return nil
}

// baseImageOf is the image stage i is ultimately built on.
func baseImageOf(stages []stage, i int) string {
	for stages[i].parent >= 0 {
		i = stages[i].parent
	}
	return stages[i].base
}

// checkExpose wants the API and metrics ports exposed.
func checkExpose(d *dockerfile, stages []stage, _ imageKind) []string {
	exposed := map[string]bool{}
	for _, cmd := range finalStage(stages).Commands {
		if e, ok := cmd.(*instructions.ExposeCommand); ok {
			for _, p := range e.Ports {
				port, _, _ := strings.Cut(p, "/")
				exposed[port] = true
			}
		}
	}
	var problems []string
	for _, port := range []string{"8080", "9090"} {
		if !exposed[port] {
			problems = append(problems, fmt.Sprintf("%s: the final stage does not EXPOSE %s (8080 is the API, 9090 the metrics): add EXPOSE 8080 9090", d.name, port))
		}
	}
	return problems
}

// checkEntrypoint wants ENTRYPOINT the copied binary and CMD serve, both in
// exec form.
func checkEntrypoint(d *dockerfile, stages []stage, _ imageKind) []string {
	final := finalStage(stages)
	var entry *instructions.EntrypointCommand
	var cmdLine *instructions.CmdCommand
	copied := map[string]bool{}
	for _, cmd := range final.Commands {
		switch c := cmd.(type) {
		case *instructions.EntrypointCommand:
			entry = c
		case *instructions.CmdCommand:
			cmdLine = c
		case *instructions.CopyCommand:
			copied[c.DestPath] = true
			for _, src := range c.SourcePaths {
				copied[path.Join(c.DestPath, path.Base(src))] = true
			}
		}
	}
	var problems []string
	switch {
	case entry == nil || entry.PrependShell || len(entry.CmdLine) != 1:
		problems = append(problems, fmt.Sprintf("%s: the final stage needs ENTRYPOINT [\"/modelcard\"] in exec form (signals reach the daemon only without a shell)", d.name))
	case !copied[entry.CmdLine[0]]:
		problems = append(problems, fmt.Sprintf("%s: ENTRYPOINT %s is not a file the final stage copies in: COPY --from=build the binary there", d.at(line(entry.Location())), entry.CmdLine[0]))
	}
	if cmdLine == nil || cmdLine.PrependShell || strings.Join(cmdLine.CmdLine, " ") != "serve" {
		problems = append(problems, fmt.Sprintf("%s: the final stage needs CMD [\"serve\"] in exec form", d.name))
	}
	return problems
}

// requiredLabels are the OCI annotations every image carries.
func requiredLabels() []string {
	return []string{"org.opencontainers.image.title", "org.opencontainers.image.version", "org.opencontainers.image.revision", "org.opencontainers.image.source"}
}

// checkLabels wants the OCI labels on the final stage.
func checkLabels(d *dockerfile, stages []stage, _ imageKind) []string {
	labels := map[string]string{}
	for _, cmd := range finalStage(stages).Commands {
		if l, ok := cmd.(*instructions.LabelCommand); ok {
			for _, kv := range l.Labels {
				labels[kv.Key] = kv.Value
			}
		}
	}
	var problems []string
	for _, key := range requiredLabels() {
		if labels[key] == "" {
			problems = append(problems, fmt.Sprintf("%s: the final stage has no LABEL %s: add the OCI labels (title, version, revision, source)", d.name, key))
		}
	}
	return problems
}

// checkNvidiaEnv wants the CUDA image to ask the container toolkit for the
// GPUs and the compute and utility driver libraries.
func checkNvidiaEnv(d *dockerfile, stages []stage, kind imageKind) []string {
	if kind != cudaImage {
		return nil
	}
	st, err := finalState(d, stages)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	caps := map[string]bool{}
	for _, c := range strings.Split(st.envs["NVIDIA_DRIVER_CAPABILITIES"], ",") {
		caps[strings.TrimSpace(c)] = true
	}
	if !caps["all"] && (!caps["compute"] || !caps["utility"]) {
		problems = append(problems, fmt.Sprintf("%s: the final stage's NVIDIA_DRIVER_CAPABILITIES is %q: set ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility so the container toolkit mounts libcuda and NVML", d.name, st.envs["NVIDIA_DRIVER_CAPABILITIES"]))
	}
	if st.envs["NVIDIA_VISIBLE_DEVICES"] == "" {
		problems = append(problems, fmt.Sprintf("%s: the final stage does not set NVIDIA_VISIBLE_DEVICES: set ENV NVIDIA_VISIBLE_DEVICES=all", d.name))
	}
	return problems
}

// buildStage returns the `go build` whose output the final stage copies, or
// the last `go build` when none is copied, or nil.
func buildStage(d *dockerfile, stages []stage) *goBuild {
	builds, err := d.goBuilds(nil)
	if err != nil || len(builds) == 0 {
		return nil
	}
	for _, cmd := range finalStage(stages).Commands {
		c, ok := cmd.(*instructions.CopyCommand)
		if !ok || c.From == "" {
			continue
		}
		from := stageIndex(stages, c.From)
		for i := range builds {
			for _, src := range c.SourcePaths {
				if builds[i].stage == from && builds[i].output == src {
					return &builds[i]
				}
			}
		}
	}
	return &builds[len(builds)-1]
}

// checkGoBuild wants the copied binary built with -trimpath and, for the CPU
// image, static with the cpu tag, for the CUDA image with cgo and no cpu tag.
func checkGoBuild(d *dockerfile, stages []stage, kind imageKind) []string {
	builds, err := d.goBuilds(nil)
	if err != nil {
		return []string{err.Error()}
	}
	if len(builds) == 0 {
		return []string{fmt.Sprintf("%s: no RUN runs go build: build the binary in a build stage", d.name)}
	}
	b := buildStage(d, stages)
	at := d.at(b.line)
	var problems []string
	copied := false
	for _, cmd := range finalStage(stages).Commands {
		if c, ok := cmd.(*instructions.CopyCommand); ok && stageIndex(stages, c.From) == b.stage {
			for _, src := range c.SourcePaths {
				copied = copied || src == b.output
			}
		}
	}
	if b.output == "" || !copied {
		problems = append(problems, fmt.Sprintf("%s: the final stage does not COPY --from the go build's output %q: build with -o PATH and copy that PATH", at, b.output))
	}
	if !b.flags["trimpath"] {
		problems = append(problems, fmt.Sprintf("%s: go build without -trimpath: the binary would carry the build machine's paths", at))
	}
	cgo := b.vars["CGO_ENABLED"]
	switch kind {
	case cpuImage:
		if cgo != "0" {
			problems = append(problems, fmt.Sprintf("%s: the CPU build runs with CGO_ENABLED=%q: set ENV CGO_ENABLED=0 for a static binary that runs on distroless/static", at, cgo))
		}
		if !b.hasTag("cpu") {
			problems = append(problems, fmt.Sprintf("%s: the CPU build lacks -tags cpu: without it go build compiles the CUDA backend", at))
		}
	case cudaImage:
		if cgo != "1" {
			problems = append(problems, fmt.Sprintf("%s: the CUDA build runs with CGO_ENABLED=%q: set ENV CGO_ENABLED=1 (gorgonia.org/cu is cgo)", at, cgo))
		}
		if b.hasTag("cpu") {
			problems = append(problems, fmt.Sprintf("%s: the CUDA build has -tags cpu, which replaces the CUDA backend with a stub: drop the tag", at))
		}
	}
	return problems
}

// Real Dockerfiles.

func TestLintProjectDockerfiles(t *testing.T) {
	root := repoRoot(t)
	tests := []struct {
		file string
		kind imageKind
	}{
		{"Dockerfile.cpu", cpuImage},
		{"Dockerfile.cuda", cudaImage},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			src := readFile(t, filepath.Join(root, tc.file))
			for _, p := range lint(tc.file, src, tc.kind) {
				t.Error(p)
			}
		})
	}
}

func TestGolangImageMatchesGoMod(t *testing.T) {
	root := repoRoot(t)
	want := goModVersion(t, root)
	for _, file := range []string{"Dockerfile.cpu", "Dockerfile.cuda"} {
		t.Run(file, func(t *testing.T) {
			d, err := readDockerfile(filepath.Join(root, file))
			if err != nil {
				t.Fatal(err)
			}
			stages, err := d.resolveStages(nil)
			if err != nil {
				t.Fatal(err)
			}
			images, _, _ := baseImages(d, stages)
			found := false
			for _, ref := range images {
				name, tag, _ := imageRef(ref)
				if !strings.HasSuffix(name, "golang") {
					continue
				}
				found = true
				if tag != want && !strings.HasPrefix(tag, want+"-") {
					t.Errorf("%s uses %s but go.mod says go %s: set ARG GO_VERSION=%s", file, ref, want, want)
				}
			}
			if !found {
				t.Errorf("%s pulls no golang image: the Go toolchain must come from the official image", file)
			}
		})
	}
}

// The lint must reject bad Dockerfiles. Each case breaks one rule of a small
// Dockerfile that passes.

// goodCPU is a small CPU Dockerfile that passes the lint.
const goodCPU = `# GO_VERSION is the Go release.
ARG GO_VERSION=1.26.8
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY . .
ENV CGO_ENABLED=0
RUN go build -tags cpu -trimpath -o /out/modelcard ./cmd/modelcard

FROM gcr.io/distroless/static-debian12:nonroot
# VERSION is the release.
ARG VERSION=dev
LABEL org.opencontainers.image.title="modelcard" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="unknown" \
      org.opencontainers.image.source="https://example.org/modelcard"
COPY --from=build /out/modelcard /modelcard
USER 65532:65532
EXPOSE 8080 9090
HEALTHCHECK CMD ["/modelcard", "healthcheck"]
ENTRYPOINT ["/modelcard"]
CMD ["serve"]
`

// goodCUDA is a small CUDA Dockerfile that passes the lint.
const goodCUDA = `# CUDA_VERSION is the CUDA release of both stages.
ARG CUDA_VERSION=12.4.1
FROM golang:1.26.8-bookworm AS go
FROM nvidia/cuda:${CUDA_VERSION}-devel-ubuntu22.04 AS build
COPY --from=go /usr/local/go /usr/local/go
WORKDIR /src
COPY . .
ENV CGO_ENABLED=1 CGO_CFLAGS="-I/usr/local/cuda/include" CGO_LDFLAGS="-L/usr/local/cuda/lib64/stubs"
RUN /usr/local/go/bin/go build -trimpath -o /out/modelcard ./cmd/modelcard

FROM nvidia/cuda:${CUDA_VERSION}-base-ubuntu22.04
LABEL org.opencontainers.image.title="modelcard" \
      org.opencontainers.image.version="dev" \
      org.opencontainers.image.revision="unknown" \
      org.opencontainers.image.source="https://example.org/modelcard"
COPY --from=build /out/modelcard /modelcard
ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility
USER 65532
EXPOSE 8080/tcp 9090
HEALTHCHECK --interval=30s CMD ["/modelcard", "healthcheck"]
ENTRYPOINT ["/modelcard"]
CMD ["serve"]
`

func TestLintAcceptsGoodDockerfiles(t *testing.T) {
	tests := []struct {
		name string
		src  string
		kind imageKind
	}{
		{"cpu", goodCPU, cpuImage},
		{"cuda", goodCUDA, cudaImage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range lint("Dockerfile."+tc.name, []byte(tc.src), tc.kind) {
				t.Error(p)
			}
		})
	}
}

func TestLintRejectsBadDockerfiles(t *testing.T) {
	tests := []struct {
		name  string
		kind  imageKind
		old   string // replaced in the good Dockerfile of kind ...
		new   string // ... by this
		check string // the rule that must report it
		want  string // in its message
	}{
		{"latest tag", cpuImage, "gcr.io/distroless/static-debian12:nonroot", "gcr.io/distroless/static-debian12:latest", "pinned", "latest"},
		{"untagged image", cpuImage, "FROM gcr.io/distroless/static-debian12:nonroot", "FROM gcr.io/distroless/static-debian12", "pinned", "no tag"},
		{"untagged registry with port", cpuImage, "FROM gcr.io/distroless/static-debian12:nonroot", "FROM registry.local:5000/distroless/static", "pinned", "no tag"},
		{"ARG without default in FROM", cpuImage, "ARG GO_VERSION=1.26.8", "ARG GO_VERSION", "pinned", "incomplete"},
		{"untagged COPY --from image", cudaImage, "COPY --from=go /usr/local/go", "COPY --from=golang /usr/local/go", "pinned", "no tag"},
		{"CUDA 13", cudaImage, "ARG CUDA_VERSION=12.4.1", "ARG CUDA_VERSION=13.0.1", "cuda12", "CUDA 13"},
		{"CUDA 11", cudaImage, "ARG CUDA_VERSION=12.4.1", "ARG CUDA_VERSION=11.8.0", "cuda12", "CUDA 11"},
		{"CUDA releases differ", cudaImage, "${CUDA_VERSION}-base-ubuntu22.04", "12.2.2-base-ubuntu22.04", "cuda12", "one release"},
		{"CUDA OS differs", cudaImage, "${CUDA_VERSION}-base-ubuntu22.04", "${CUDA_VERSION}-base-ubuntu24.04", "cuda12", "one release"},
		{"CUDA devel runtime", cudaImage, "${CUDA_VERSION}-base-ubuntu22.04", "${CUDA_VERSION}-devel-ubuntu22.04", "cuda12", "devel image"},
		{"CUDA build not on devel", cudaImage, "${CUDA_VERSION}-devel-ubuntu22.04 AS build", "${CUDA_VERSION}-runtime-ubuntu22.04 AS build", "cuda12", "devel image"},
		{"single stage", cpuImage, "\nFROM gcr.io/distroless/static-debian12:nonroot\n", "\n", "stages", "one stage"},
		{"ships the toolchain", cpuImage, "FROM gcr.io/distroless/static-debian12:nonroot", "FROM golang:1.26.8-bookworm", "stages", "toolchain"},
		{"no USER", cpuImage, "USER 65532:65532\n", "", "user", "no USER"},
		{"USER root", cpuImage, "USER 65532:65532", "USER root", "user", "root"},
		{"USER 0", cudaImage, "USER 65532", "USER 0:0", "user", "root"},
		{"USER by name", cpuImage, "USER 65532:65532", "USER nonroot", "user", "numeric"},
		{"USER back to root later", cpuImage, "ENTRYPOINT", "USER 0\nENTRYPOINT", "user", "root"},
		{"ENV password", cpuImage, "ENV CGO_ENABLED=0", "ENV CGO_ENABLED=0 DB_PASSWORD=hunter2", "secrets", "DB_PASSWORD"},
		{"ARG token default", cpuImage, "# VERSION is the release.\nARG VERSION=dev", "# GITHUB_TOKEN is for the build.\nARG GITHUB_TOKEN=abc123", "secrets", "GITHUB_TOKEN"},
		{"LABEL api key", cpuImage, `org.opencontainers.image.title="modelcard"`, `org.opencontainers.image.title="modelcard" api_key="k-123"`, "secrets", "api_key"},
		{"ENV secret key", cpuImage, "ENV CGO_ENABLED=0", "ENV CGO_ENABLED=0 AWS_SECRET_ACCESS_KEY=xyz", "secrets", "AWS_SECRET_ACCESS_KEY"},
		{"ENV private key value", cpuImage, "ENV CGO_ENABLED=0", `ENV CGO_ENABLED=0 TLS="-----BEGIN RSA PRIVATE KEY-----"`, "secrets", "TLS"},
		{"RUN with a token", cpuImage, "RUN go build", "RUN NPM_TOKEN=abc npm ci && go build", "secrets", "RUN sets a secret"},
		{"COPY .env", cpuImage, "COPY . .", "COPY . .\nCOPY .env /src/.env", "secrets", ".env"},
		{"COPY id_rsa", cpuImage, "COPY . .", "COPY keys/id_rsa /root/.ssh/id_rsa", "secrets", "id_rsa"},
		{"ADD pem", cudaImage, "COPY . .", "COPY . .\nADD certs/server.pem /etc/ssl/", "secrets", "server.pem"},
		{"ARG undocumented", cpuImage, "# VERSION is the release.\nARG VERSION=dev", "ARG VERSION=dev", "argdoc", "no comment"},
		{"ARG comment not adjacent", cpuImage, "# VERSION is the release.\nARG VERSION=dev", "# VERSION is the release.\n\nARG VERSION=dev", "argdoc", "no comment"},
		{"ARG comment about another", cpuImage, "# VERSION is the release.\nARG VERSION=dev", "# The release.\nARG VERSION=dev", "argdoc", "does not name VERSION"},
		{"platform ARG undocumented", cpuImage, "WORKDIR /src", "ARG TARGETARCH\nWORKDIR /src", "argdoc", "TARGETARCH"},
		{"no HEALTHCHECK", cpuImage, "HEALTHCHECK CMD [\"/modelcard\", \"healthcheck\"]\n", "", "healthcheck", "no HEALTHCHECK"},
		{"HEALTHCHECK NONE", cudaImage, "HEALTHCHECK --interval=30s CMD [\"/modelcard\", \"healthcheck\"]", "HEALTHCHECK NONE", "healthcheck", "no HEALTHCHECK"},
		{"HEALTHCHECK shell form on distroless", cpuImage, "HEALTHCHECK CMD [\"/modelcard\", \"healthcheck\"]", "HEALTHCHECK CMD /modelcard healthcheck", "healthcheck", "no shell"},
		{"HEALTHCHECK with curl", cudaImage, "HEALTHCHECK --interval=30s CMD [\"/modelcard\", \"healthcheck\"]", "HEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost:8080/ready\"]", "healthcheck", "own binary"},
		{"no metrics port", cpuImage, "EXPOSE 8080 9090", "EXPOSE 8080", "expose", "9090"},
		{"no API port", cudaImage, "EXPOSE 8080/tcp 9090", "EXPOSE 9090", "expose", "8080"},
		{"ENTRYPOINT shell form", cpuImage, `ENTRYPOINT ["/modelcard"]`, "ENTRYPOINT /modelcard", "entrypoint", "exec form"},
		{"ENTRYPOINT not copied", cpuImage, `ENTRYPOINT ["/modelcard"]`, `ENTRYPOINT ["/usr/bin/modelcard"]`, "entrypoint", "not a file"},
		{"CMD not serve", cpuImage, `CMD ["serve"]`, `CMD ["audit"]`, "entrypoint", "serve"},
		{"no version label", cpuImage, `      org.opencontainers.image.version="${VERSION}" \` + "\n", "", "labels", "org.opencontainers.image.version"},
		{"no capabilities", cudaImage, " NVIDIA_DRIVER_CAPABILITIES=compute,utility", "", "nvidia", "NVIDIA_DRIVER_CAPABILITIES"},
		{"capabilities lack utility", cudaImage, "NVIDIA_DRIVER_CAPABILITIES=compute,utility", "NVIDIA_DRIVER_CAPABILITIES=compute", "nvidia", "compute,utility"},
		{"capabilities lack compute", cudaImage, "NVIDIA_DRIVER_CAPABILITIES=compute,utility", "NVIDIA_DRIVER_CAPABILITIES=utility,video", "nvidia", "compute,utility"},
		{"no visible devices", cudaImage, "NVIDIA_VISIBLE_DEVICES=all ", "", "nvidia", "NVIDIA_VISIBLE_DEVICES"},
		{"CPU build with cgo", cpuImage, "ENV CGO_ENABLED=0", "ENV CGO_ENABLED=1", "build", "CGO_ENABLED"},
		{"CPU build cgo unset", cpuImage, "ENV CGO_ENABLED=0\n", "", "build", "CGO_ENABLED"},
		{"CPU build without the tag", cpuImage, "-tags cpu ", "", "build", "-tags cpu"},
		{"CPU build other tag", cpuImage, "-tags cpu ", "-tags cpuonly ", "build", "-tags cpu"},
		{"no trimpath", cpuImage, "-trimpath ", "", "build", "-trimpath"},
		{"output not copied", cpuImage, "-o /out/modelcard", "-o /out/other", "build", "does not COPY"},
		{"no go build", cpuImage, "RUN go build -tags cpu -trimpath -o /out/modelcard ./cmd/modelcard", "RUN true", "build", "no RUN runs go build"},
		{"CUDA build without cgo", cudaImage, "CGO_ENABLED=1", "CGO_ENABLED=0", "build", "CGO_ENABLED"},
		{"CUDA build with the cpu tag", cudaImage, "build -trimpath", "build -tags cpu -trimpath", "build", "drop the tag"},
		{"BuildKit: stage name casing", cpuImage, "AS build", "AS Build", "buildkit", "StageNameCasing"},
		{"BuildKit: MAINTAINER", cpuImage, "WORKDIR /src", "MAINTAINER someone\nWORKDIR /src", "buildkit", "MaintainerDeprecated"},
	}
	good := map[imageKind]string{cpuImage: goodCPU, cudaImage: goodCUDA}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := good[tc.kind]
			if !strings.Contains(src, tc.old) {
				t.Fatalf("the good %s Dockerfile lacks %q: the case breaks nothing", tc.kind, tc.old)
			}
			bad := strings.Replace(src, tc.old, tc.new, 1)
			problems := lint("Dockerfile."+string(tc.kind), []byte(bad), tc.kind)
			found := false
			for _, p := range problems {
				if strings.HasPrefix(p, "["+tc.check+"] ") && strings.Contains(p, tc.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("want a [%s] problem mentioning %q, got %q\nDockerfile:\n%s", tc.check, tc.want, problems, bad)
			}
		})
	}
}

func TestLintRejectsUnparsable(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"empty", "", "no instructions"},
		{"unknown instruction", "FROM alpine:3.20\nFETCH x\n", "unknown instruction"},
		{"no FROM", "# X is x.\nARG X=1\n", "no FROM"},
		{"bad healthcheck", "FROM alpine:3.20\nHEALTHCHECK --retries=-1 CMD [\"x\"]\n", "retries"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			problems := lint("Dockerfile", []byte(tc.src), cpuImage)
			if len(problems) == 0 || !strings.Contains(strings.Join(problems, "\n"), tc.want) {
				t.Errorf("want a problem mentioning %q, got %q", tc.want, problems)
			}
		})
	}
}

func TestLooksSecretKey(t *testing.T) {
	tests := []struct {
		key  string
		want bool
	}{
		{"DB_PASSWORD", true}, {"GITHUB_TOKEN", true}, {"API_KEY", true}, {"apiKey", true},
		{"AWS_SECRET_ACCESS_KEY", true}, {"SIGNING_KEY", true}, {"MYSQL_PWD", true}, {"credentials", true},
		{"GOTOOLCHAIN", false}, {"NVIDIA_DRIVER_CAPABILITIES", false}, {"org.opencontainers.image.revision", false},
		{"CGO_LDFLAGS", false}, {"VERSION", false}, {"KEYBOARD_LAYOUT", false}, {"MONKEY", false},
	}
	for _, tc := range tests {
		if got := looksSecretKey(tc.key); got != tc.want {
			t.Errorf("looksSecretKey(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}
