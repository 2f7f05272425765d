package docker

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// The CUDA toolkit directories of the nvidia/cuda devel image, replaced by
// the host's when Dockerfile.cuda's build runs here.
const (
	imageCUDAInclude = "/usr/local/cuda/include"
	imageCUDAStubs   = "/usr/local/cuda/lib64/stubs"
)

// layoutVar reports whether key says where an image keeps its tools and
// caches. The host keeps its own values of those; every other ENV and ARG
// of the build stage is passed to the host build as the Dockerfile sets it.
func layoutVar(key string) bool {
	switch key {
	case "PATH", "HOME", "GOPATH", "GOROOT", "GOCACHE", "GOMODCACHE":
		return true
	}
	return false
}

// hostBuildVar reports whether key is a host variable that changes what go
// build makes; those are cleared so that only the Dockerfile's values apply.
func hostBuildVar(key string) bool {
	switch key {
	case "GOFLAGS", "GOOS", "GOARCH", "GOARM", "GOARM64", "GOAMD64", "GO386", "GOEXPERIMENT", "GOTOOLCHAIN", "GOWORK", "CC", "CXX":
		return true
	}
	return strings.HasPrefix(key, "CGO_")
}

// hostBuild runs, on the host, the `go build` of the Dockerfile at file
// whose output the final stage copies, in the build context ctxDir, with
// the ENV and ARG values in effect at that RUN. Only the output path and
// the image paths in replace change. It returns the binary's path.
func hostBuild(t *testing.T, ctxDir, file string, replace map[string]string) (string, *dockerfile) {
	t.Helper()
	d, err := readDockerfile(file)
	if err != nil {
		t.Fatal(err)
	}
	stages, err := d.resolveStages(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := buildStage(d, stages)
	if b == nil {
		t.Fatalf("%s: no go build to run", d.name)
	}
	checkContextIsWorkdir(t, d, stages, b)

	out := filepath.Join(t.TempDir(), path.Base(b.output))
	subst := func(s string) string {
		for from, to := range replace {
			s = strings.ReplaceAll(s, from, to)
		}
		return s
	}
	// The output: the -o word, whatever the form.
	outRe := regexp.MustCompile(`(^|\s)(-o(?:\s+|=))` + regexp.QuoteMeta(b.output) + `(\s|$)`)
	var argv []string
	if b.argv == nil {
		script := outRe.ReplaceAllString(b.script, "${1}${2}"+out+"${3}")
		if script == b.script {
			t.Fatalf("%s: cannot find -o %s in %q", d.at(b.line), b.output, b.script)
		}
		argv = []string{"/bin/sh", "-c", subst(script)}
	} else {
		for i, a := range b.argv {
			if a == b.output && i > 0 && b.argv[i-1] == "-o" {
				a = out
			}
			argv = append(argv, subst(a))
		}
	}

	environ := []string{"GOTOOLCHAIN=local", "GOWORK=off"} // as in the image: its Go only, no workspace
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		if !hostBuildVar(key) {
			environ = append(environ, kv)
		}
	}
	var set []string
	for k, v := range b.vars {
		if layoutVar(k) {
			continue
		}
		environ = append(environ, k+"="+subst(v))
		set = append(set, k+"="+subst(v))
	}
	sort.Strings(set)
	t.Logf("%s: running in the build context, with %s:\n%s", d.at(b.line), strings.Join(set, " "), strings.Join(argv, " "))

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = ctxDir
	cmd.Env = environ
	output, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: the Dockerfile's go build fails: %v\n%s", d.at(b.line), err, output)
	}
	return out, d
}

// checkContextIsWorkdir fails unless the build stage copies the whole
// context into the directory the go build runs in, which is how the host
// build maps it.
func checkContextIsWorkdir(t *testing.T, d *dockerfile, stages []stage, b *goBuild) {
	t.Helper()
	workdir, contextAt := "/", ""
	_, err := d.walk(stages, b.stage, nil, func(cmd instructions.Command, st stageState) error {
		switch c := cmd.(type) {
		case *instructions.WorkdirCommand:
			p, err := d.expand(c.Path, st.vars())
			if err != nil {
				return err
			}
			if !path.IsAbs(p) {
				p = path.Join(workdir, p)
			}
			workdir = path.Clean(p)
		case *instructions.CopyCommand:
			if c.From == "" && len(c.SourcePaths) == 1 && path.Clean(c.SourcePaths[0]) == "." {
				dest := c.DestPath
				if !path.IsAbs(dest) {
					dest = path.Join(workdir, dest)
				}
				contextAt = path.Clean(dest)
			}
		case *instructions.RunCommand:
			if line(c.Location()) == b.line && contextAt != workdir {
				return fmt.Errorf("%s: go build runs in %s but the context is copied to %q: COPY . . into the WORKDIR", d.at(b.line), workdir, contextAt)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// hostCUDA returns the host's directories of cuda.h and of a libcuda.so to
// link against, or skips the test when cuda.h is not installed.
func hostCUDA(t *testing.T) (include, stubs string) {
	t.Helper()
	for _, dir := range []string{imageCUDAInclude, "/usr/include"} {
		if _, err := os.Stat(filepath.Join(dir, "cuda.h")); err == nil {
			include = dir
			break
		}
	}
	if include == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("cuda.h is not installed: CI must build the CUDA image's binary (scripts/install-cuda-toolkit.sh installs the toolkit)")
		}
		t.Skip("cuda.h is not installed: the CUDA image's go build is not run (scripts/install-cuda-toolkit.sh installs the toolkit)")
	}
	multiarch := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "ppc64le": "powerpc64le-linux-gnu"}[runtime.GOARCH]
	candidates := []string{imageCUDAStubs, filepath.Join("/usr/lib", multiarch, "stubs"), filepath.Join("/usr/lib", multiarch)}
	for _, dir := range candidates {
		if _, err := os.Stat(filepath.Join(dir, "libcuda.so")); err == nil {
			return include, dir
		}
	}
	t.Fatalf("cuda.h is in %s but no libcuda.so to link against in %s: install the toolkit's stub (scripts/install-cuda-toolkit.sh)", include, strings.Join(candidates, ", "))
	return "", ""
}

func TestDockerfileBuildsOnHost(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the Dockerfiles' go builds (about a minute each) are not run")
	}
	root := repoRoot(t)
	ctxDir := t.TempDir()
	copyContext(t, root, ctxDir)

	// One after the other: each build takes the machine's cores.
	tests := []struct {
		file  string
		check func(t *testing.T, ctxDir, file string)
	}{
		{"Dockerfile.cpu", checkCPUImageBuild},
		{"Dockerfile.cuda", checkCUDAImageBuild},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			tc.check(t, ctxDir, filepath.Join(root, tc.file))
		})
	}
}

// checkCPUImageBuild builds the CPU image's binary and runs it as the image
// would: `--version`, then ENTRYPOINT + CMD, probed by the HEALTHCHECK
// command, then stopped with SIGTERM.
func checkCPUImageBuild(t *testing.T, ctxDir, file string) {
	bin, d := hostBuild(t, ctxDir, file, nil)
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "modelcard version") {
		t.Fatalf("%s --version: %v\n%s", bin, err, out)
	}
	t.Logf("built %s", strings.TrimSpace(string(out)))
	runImageCommand(t, d, bin)
}

// checkCUDAImageBuild builds the CUDA image's binary with the host's
// toolkit paths and checks that it needs the driver's libcuda.so.1 and no
// CUDA runtime library.
func checkCUDAImageBuild(t *testing.T, ctxDir, file string) {
	include, stubs := hostCUDA(t)
	bin, _ := hostBuild(t, ctxDir, file, map[string]string{imageCUDAInclude: include, imageCUDAStubs: stubs})
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the CUDA binary needs %s", strings.Join(libs, ", "))
	needsCUDA := false
	for _, lib := range libs {
		switch {
		case lib == "libcuda.so.1":
			needsCUDA = true
		case strings.HasPrefix(lib, "libcudart") || strings.HasPrefix(lib, "libcublas") || strings.HasPrefix(lib, "libnvrtc"):
			t.Errorf("the CUDA binary needs %s, which the base image does not have: link the driver API (libcuda) only", lib)
		}
	}
	if !needsCUDA {
		t.Errorf("the CUDA binary does not need libcuda.so.1 (it needs %q): the build did not compile the CUDA backend", libs)
	}
	// It starts only where a GPU is: cuInit runs when the program loads.
	if exec.Command("nvidia-smi", "-L").Run() != nil {
		t.Log("no GPU here: the CUDA binary is not started")
		return
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "modelcard version") {
		t.Errorf("%s --version on this GPU machine: %v\n%s", bin, err, out)
	}
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// lockedBuffer is an output buffer safe for the process's writes and the
// test's reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written.
func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// imageArgv returns an exec-form command of the final stage with the
// image's binary path replaced by bin.
func imageArgv(image, bin string, argv []string) []string {
	out := append([]string(nil), argv...)
	for i, a := range out {
		if a == image {
			out[i] = bin
		}
	}
	return out
}

// runImageCommand starts bin as the image's ENTRYPOINT and CMD start it,
// waits until the image's HEALTHCHECK command passes, scrapes the metrics
// port, and stops it with SIGTERM as `docker stop` does.
func runImageCommand(t *testing.T, d *dockerfile, bin string) {
	t.Helper()
	stages, err := d.resolveStages(nil)
	if err != nil {
		t.Fatal(err)
	}
	final := finalStage(stages)
	var entry, cmdArgs, health []string
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.EntrypointCommand:
			entry = c.CmdLine
		case *instructions.CmdCommand:
			cmdArgs = c.CmdLine
		case *instructions.HealthCheckCommand:
			health = c.Health.Test[1:]
		}
	}
	if len(entry) == 0 || len(health) == 0 {
		t.Fatalf("%s: the final stage needs ENTRYPOINT and HEALTHCHECK (the lint says more)", d.name)
	}
	st, err := finalState(d, stages)
	if err != nil {
		t.Fatal(err)
	}
	image := entry[0]
	serveArgv := imageArgv(image, bin, append(append([]string(nil), entry...), cmdArgs...))
	healthArgv := imageArgv(image, bin, health)

	httpPort, metricsPort := freePort(t), freePort(t)
	environ := []string{"MODELCARD_HTTP_ADDR=127.0.0.1:" + httpPort, "MODELCARD_METRICS_ADDR=127.0.0.1:" + metricsPort}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MODELCARD_") {
			environ = append(environ, kv)
		}
	}
	for k, v := range st.envs {
		if !layoutVar(k) {
			environ = append(environ, k+"="+v)
		}
	}
	// The HEALTHCHECK runs in the container's environment, as here: it
	// finds the daemon through MODELCARD_HTTP_ADDR.
	healthEnv := environ

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs lockedBuffer
	server := exec.CommandContext(ctx, serveArgv[0], serveArgv[1:]...)
	server.Env = environ
	server.Stdout, server.Stderr = &logs, &logs
	if err := server.Start(); err != nil {
		t.Fatalf("start %q: %v", serveArgv, err)
	}
	t.Logf("started the image's command %q on 127.0.0.1:%s, metrics on :%s", serveArgv, httpPort, metricsPort)
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()

	// The HEALTHCHECK turns healthy once the engine is loaded. The deadline
	// only bounds a hang; nothing here measures time.
	healthy := false
	var last []byte
	for deadline := time.Now().Add(2 * time.Minute); !healthy && time.Now().Before(deadline); {
		select {
		case err := <-exited:
			t.Fatalf("the image's command %q exited before it was healthy: %v\n%s", serveArgv, err, logs.String())
		default:
		}
		probe := exec.Command(healthArgv[0], healthArgv[1:]...)
		probe.Env = healthEnv
		last, err = probe.CombinedOutput()
		healthy = err == nil
		if !healthy {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if !healthy {
		t.Fatalf("the HEALTHCHECK %q never passed: %s\nserver output:\n%s", healthArgv, last, logs.String())
	}
	t.Logf("HEALTHCHECK %q: %s", healthArgv, strings.TrimSpace(string(last)))

	resp, err := http.Get("http://127.0.0.1:" + metricsPort + "/metrics")
	if err != nil {
		t.Errorf("scrape the metrics port: %v", err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /metrics on the metrics port: %s", resp.Status)
		}
	}

	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Errorf("after SIGTERM the image's command exited with %v, want 0 (graceful drain)\n%s", err, logs.String())
		} else {
			t.Error(err)
		}
	}
	probe := exec.Command(healthArgv[0], healthArgv[1:]...)
	probe.Env = healthEnv
	if out, err := probe.CombinedOutput(); err == nil {
		t.Errorf("the HEALTHCHECK passes with the daemon stopped: %s", out)
	}
}
