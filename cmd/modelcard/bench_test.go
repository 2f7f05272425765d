package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// benchCLI runs `modelcard bench ARGS` and returns the exit code and
// output. It adds the bench command to the app when the app does not list
// it yet, and maps errors to exit codes as run does.
func benchCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	io := stdio{in: strings.NewReader(""), out: &out, err: &errOut}
	app := newApp(io)
	has := false
	for _, c := range app.Commands {
		has = has || c.Name == "bench"
	}
	if !has {
		cmd := benchCommand(io)
		cmd.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return usagef("%v", err) }
		app.Commands = append(app.Commands, cmd)
	}
	full := append([]string{"modelcard"}, intersperse(app, append([]string{"bench"}, args...))...)
	err := app.RunContext(context.Background(), full)
	var ue usageError
	var fe failedError
	switch {
	case err == nil:
		code = exitOK
	case errors.As(err, &ue):
		code = exitUsage
		errOut.WriteString(ue.msg)
	case errors.As(err, &fe):
		code = exitFailed
		errOut.WriteString(fe.summary)
	default:
		code = exitFailed
		errOut.WriteString(err.Error())
	}
	return code, out.String(), errOut.String()
}

func TestBenchJSONEachWorkload(t *testing.T) {
	tests := []struct {
		workload string
		extra    []string
		backend  string
	}{
		{"generate", []string{"--specs", "../../examples"}, "-"},
		{"generate", nil, "-"}, // synthetic specs
		{"audit", []string{"--card-size", "1024"}, "cpu"},
		{"score", []string{"--card-size", "1024"}, "cpu"},
	}
	keys := []string{"workload", "backend", "batch_size", "cards", "seconds", "cards_per_sec", "mb_per_sec", "p50_ms", "p95_ms", "p99_ms", "peak_rss_bytes"}
	for _, tt := range tests {
		t.Run(tt.workload, func(t *testing.T) {
			args := append([]string{"--workload", tt.workload, "--backend", "cpu", "--batch-size", "1,4", "--cards", "6", "--json", "--workers", "2"}, tt.extra...)
			code, stdout, stderr := benchCLI(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) != 2 {
				t.Fatalf("%d JSON lines, want one per batch size:\n%s", len(lines), stdout)
			}
			for i, line := range lines {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("line %d: %v", i, err)
				}
				for _, k := range keys {
					if _, ok := m[k]; !ok {
						t.Errorf("line %d lacks %q", i, k)
					}
				}
				if m["workload"] != tt.workload || m["backend"] != tt.backend || m["cards"] != 6.0 {
					t.Errorf("line %d: %v", i, m)
				}
				if want := []float64{1, 4}[i]; m["batch_size"] != want {
					t.Errorf("line %d batch_size %v, want %v", i, m["batch_size"], want)
				}
				if v, _ := m["cards_per_sec"].(float64); v <= 0 {
					t.Errorf("line %d cards_per_sec %v", i, m["cards_per_sec"])
				}
			}
		})
	}
}

func TestBenchTableAndPlot(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tput.png")
	code, stdout, stderr := benchCLI(t, "--workload", "score", "--workload", "generate", "--batch-size", "1", "--batch-size", "8",
		"--cards", "8", "--card-size", "512", "--plot", file)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(rows) != 5 || !strings.Contains(rows[0], "cards/s") {
		t.Errorf("table wants a header and 4 rows:\n%s", stdout)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Errorf("--plot wrote no valid PNG: %v", err)
	}
}

func TestBenchTarget(t *testing.T) {
	tests := []struct {
		target string
		want   int
		stderr string
	}{
		{"0.001", exitOK, ""},
		{"1e15", exitFailed, "generate on -, batch size 2"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			code, _, stderr := benchCLI(t, "--workload", "generate", "--batch-size", "2", "--cards", "2", "--target", tt.target)
			if code != tt.want {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.want, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr, tt.stderr)
			}
		})
	}
}

func TestBenchUsageErrors(t *testing.T) {
	plotFolder := filepath.Join(t.TempDir(), "plot.png")
	if err := os.Mkdir(plotFolder, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown workload", []string{"--workload", "train"}, "workload"},
		{"unknown backend", []string{"--backend", "tpu"}, "tpu"},
		{"bad batch size", []string{"--batch-size", "0"}, "batch-size"},
		{"non-number batch size", []string{"--batch-size", "1,lots"}, "lots"},
		{"negative cards", []string{"--cards", "-1"}, "cards"},
		{"cards and duration", []string{"--cards", "1", "--duration", "1s"}, "exclude"},
		{"zero duration", []string{"--duration", "0s"}, "duration"},
		{"small card size", []string{"--card-size", "10"}, "card-size"},
		{"plot of another kind", []string{"--cards", "1", "--plot", "x.gif"}, ".png, .svg or .pdf"},
		{"plot is a folder", []string{"--cards", "1", "--plot", plotFolder}, "folder"},
		{"backend cuda or another", []string{"--backend", "nope"}, "unknown backend"},
		{"unknown flag", []string{"--fast"}, "fast"},
		{"argument", []string{"cards.md"}, "no arguments"},
		{"bad duration", []string{"--duration", "soon"}, "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := benchCLI(t, tt.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d (stderr %q)", code, exitUsage, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", stderr, tt.want)
			}
		})
	}
}

func TestBenchCorpusFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("---\nlicense: mit\n---\n# A\n\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := benchCLI(t, "--workload", "audit", "--corpus", dir, "--batch-size", "2", "--cards", "3", "--json")
	if code != exitOK || !strings.Contains(stdout, `"cards":3`) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	empty := t.TempDir()
	code, _, stderr = benchCLI(t, "--workload", "audit", "--corpus", empty, "--cards", "1")
	if code != exitFailed || !strings.Contains(stderr, "no .md files") {
		t.Errorf("empty corpus: exit %d, stderr %q", code, stderr)
	}
}
