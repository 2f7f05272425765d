package docker

import (
	"bufio"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// dockerignore reads the .dockerignore at root.
func dockerignore(t *testing.T, root string) *patternmatcher.PatternMatcher {
	t.Helper()
	f, err := os.Open(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatalf("the build context needs a .dockerignore: %v", err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		t.Fatalf("read .dockerignore: %v", err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatalf(".dockerignore: %v", err)
	}
	return pm
}

// ignored reports whether .dockerignore keeps rel (slash-separated,
// relative to the context root) out of the build context.
func ignored(t *testing.T, pm *patternmatcher.PatternMatcher, rel string) bool {
	t.Helper()
	out, err := pm.MatchesOrParentMatches(rel)
	if err != nil {
		t.Fatalf(".dockerignore on %s: %v", rel, err)
	}
	return out
}

// copyContext copies what `docker build` would send of root, the files
// .dockerignore lets through, to dst.
func copyContext(t *testing.T, root, dst string) {
	t.Helper()
	pm := dockerignore(t, root)
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if ignored(t, pm, rel) {
			if e.IsDir() && !pm.Exclusions() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, filepath.FromSlash(rel))
		switch {
		case e.IsDir():
			return os.MkdirAll(target, 0o755)
		case e.Type().IsRegular():
			return copyFile(p, target)
		}
		return nil // links and devices: the project has none that matter
	})
	if err != nil {
		t.Fatalf("copy the build context: %v", err)
	}
}

// copyFile copies the regular file src to dst with its mode.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// buildInputs is every file of the main module the binary is built from:
// go.mod, go.sum, the non-test Go files and the files they embed. Other
// modules (deploy/) and testdata are not part of it.
func buildInputs(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			base := e.Name()
			if rel != "." && (strings.HasPrefix(base, ".") || base == "testdata" || base == "bin" || base == "build" || base == "out") {
				return filepath.SkipDir
			}
			if rel != "." {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if rel == "go.mod" || rel == "go.sum" {
			files = append(files, rel)
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		files = append(files, rel)
		embeds, err := embedded(root, rel)
		files = append(files, embeds...)
		return err
	})
	if err != nil {
		t.Fatalf("list the build's inputs: %v", err)
	}
	return files
}

// embedded returns the files the //go:embed lines of the Go file rel embed.
func embedded(root, rel string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	dir := path.Dir(rel)
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		patterns, ok := strings.CutPrefix(text, "//go:embed ")
		if !ok {
			continue
		}
		for _, pattern := range strings.Fields(patterns) {
			pattern = strings.TrimPrefix(strings.Trim(pattern, "\"`"), "all:")
			matches, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(dir), filepath.FromSlash(pattern)))
			if err != nil {
				return nil, err
			}
			for _, m := range matches {
				err := filepath.WalkDir(m, func(p string, e fs.DirEntry, err error) error {
					if err == nil && !e.IsDir() {
						r, _ := filepath.Rel(root, p)
						out = append(out, filepath.ToSlash(r))
					}
					return err
				})
				if err != nil {
					return nil, err
				}
			}
		}
	}
	return out, sc.Err()
}

func TestDockerignoreKeepsBuildInputs(t *testing.T) {
	root := repoRoot(t)
	pm := dockerignore(t, root)
	inputs := buildInputs(t, root)
	want := []string{"go.mod", "go.sum", "cmd/modelcard/main.go", "engine/default_model.bin", "kernels/scoring.ptx"}
	seen := map[string]bool{}
	for _, f := range inputs {
		seen[f] = true
		if ignored(t, pm, f) {
			t.Errorf(".dockerignore drops %s, which the build needs: remove the pattern that matches it", f)
		}
	}
	for _, f := range want {
		if !seen[f] {
			t.Errorf("%s is not among the build's inputs: the walk of the module is broken", f)
		}
	}
}

func TestDockerignore(t *testing.T) {
	root := repoRoot(t)
	pm := dockerignore(t, root)
	tests := []struct {
		path string
		drop bool
	}{
		{".git/HEAD", true},
		{".ci/run", true},
		{"bin/modelcard-cpu", true},
		{"out/audit.html", true},
		{"build/gpu.test", true},
		{"card.test", true},
		{"card/card.test", true},
		{"cpu.prof", true},
		{"modelcard", true},
		{"modelcard-cpu", true},
		{"card/parse_test.go", true},
		{"engine/testdata/cards/a.md", true},
		{"deploy/go.mod", true},
		{"docs/daemon-config.md", true},
		{".env", true},
		{"daemon/.env.production", true},
		{"id_rsa", true},
		{"keys/server.pem", true},
		{"keys/server.key", true},
		{"go.mod", false},
		{"go.sum", false},
		{"cmd/modelcard/main.go", false},
		{"cmd/modelcard/healthcheck.go", false},
		{"engine/default_model.bin", false},
		{"engine/standards/hf-hub.yaml", false},
		{"card/schema/spec.schema.json", false},
		{"kernels/scoring.ptx", false},
		{"gpu/cuda.go", false},
	}
	for _, tc := range tests {
		if got := ignored(t, pm, tc.path); got != tc.drop {
			verb := "keeps"
			if got {
				verb = "drops"
			}
			t.Errorf(".dockerignore %s %s; want it %s", verb, tc.path, map[bool]string{true: "dropped", false: "kept"}[tc.drop])
		}
	}
}

func TestCopyContext(t *testing.T) {
	root := repoRoot(t)
	dst := t.TempDir()
	copyContext(t, root, dst)
	tests := []struct {
		path string
		want bool
	}{
		{"go.mod", true},
		{"engine/default_model.bin", true},
		{"kernels/scoring.ptx", true},
		{"cmd/modelcard/main.go", true},
		{".git", false},
		{"deploy", false},
		{"bin", false},
	}
	for _, tc := range tests {
		_, err := os.Stat(filepath.Join(dst, filepath.FromSlash(tc.path)))
		if got := err == nil; got != tc.want {
			t.Errorf("%s in the copied context: %v, want %v", tc.path, got, tc.want)
		}
	}
}
