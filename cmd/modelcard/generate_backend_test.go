package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackendUsageErrors checks that a --backend this build has no backend
// for is a usage error (exit 2) from every command that scores (generate,
// audit, bench and serve), given as a flag or through MODELCARD_BACKEND,
// and that cuda in a build without CUDA says so and how to go on.
func TestBackendUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cardPath := filepath.Join(dir, "README.md")
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(cardPath, []byte(validGoodCard), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec, []byte(hubCleanSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	commands := map[string][]string{
		"generate": {"generate", "--out", filepath.Join(dir, "out"), spec},
		"audit":    {"audit", "-q", cardPath},
		"bench":    {"bench", "--workload", "score", "--cards", "1", "--batch-size", "1"},
		"serve":    {"serve", "--http-addr", "127.0.0.1:0", "--metrics-addr", "localhost:0"},
	}
	type testCase struct {
		name    string
		backend string
		env     bool // through MODELCARD_BACKEND instead of the flag
		want    []string
	}
	tests := []testCase{
		{"unknown", "nope", false, []string{`--backend "nope": unknown backend; this build has auto, cpu`}},
		{"unknown from the environment", "nope", true, []string{`"nope": unknown backend`}},
	}
	if !hasCUDA {
		tests = append(tests, testCase{"cuda without CUDA", "cuda", false, []string{"built without CUDA", "CUDA build", "cpu"}})
	}
	for _, tt := range tests {
		for name, args := range commands {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				if tt.env && name == "bench" {
					t.Skip("bench takes a list of backends, from its flag only")
				}
				if tt.env {
					t.Setenv("MODELCARD_BACKEND", tt.backend)
				} else {
					args = append([]string{args[0], "--backend", tt.backend}, args[1:]...)
				}
				code, _, stderr := runCLI(t, "", args...)
				if code != exitUsage {
					t.Errorf("exit %d, want %d: %s", code, exitUsage, stderr)
				}
				for _, want := range tt.want {
					if !strings.Contains(stderr, want) {
						t.Errorf("stderr lacks %q:\n%s", want, stderr)
					}
				}
				if strings.Contains(stderr, "start the scoring engine") {
					t.Errorf("the engine was started before the flag was checked:\n%s", stderr)
				}
			})
		}
	}
}

// TestCheckBackend checks the names checkBackend accepts.
func TestCheckBackend(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"", true},
		{"auto", true},
		{"cpu", true},
		{"cuda", hasCUDA},
		{"CPU", false},
		{"tpu", false},
	}
	for _, tt := range tests {
		err := checkBackend(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("checkBackend(%q) = %v, want ok %v", tt.name, err, tt.ok)
		}
		var ue usageError
		if err != nil && !errors.As(err, &ue) {
			t.Errorf("checkBackend(%q) = %T, want a usage error", tt.name, err)
		}
	}
}
