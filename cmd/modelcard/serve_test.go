package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/daemon"
)

// resolveServe runs serve's flag parsing with args and returns the
// resolved settings.
func resolveServe(t *testing.T, args ...string) (daemon.Config, string, error) {
	t.Helper()
	var errBuf bytes.Buffer
	io := stdio{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &errBuf}
	cmd := serveCommand(io)
	var cfg daemon.Config
	var cfgErr error
	cmd.Action = func(c *cli.Context) error {
		cfg, cfgErr = serveConfig(c, io)
		return nil
	}
	app := &cli.App{Name: "modelcard", Commands: []*cli.Command{cmd}, Writer: io.out, ErrWriter: io.err}
	if err := app.Run(append([]string{"modelcard", "serve"}, args...)); err != nil {
		t.Fatal(err)
	}
	return cfg, errBuf.String(), cfgErr
}

func TestServeConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	yaml := "http_addr: 127.0.0.1:1111\nmetrics_addr: 127.0.0.1:1112\nbatch_size: 10\nmax_batch_delay: 7ms\n" +
		"neural_acceleration:\n  max_concurrent_workers: 3\nbreakthrough_optimization:\n  target_throughput: 40000\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MODELCARD_HTTP_ADDR", "127.0.0.1:2222")
	t.Setenv("MODELCARD_BATCH_SIZE", "15")
	cfg, stderr, err := resolveServe(t, "--config", file, "--batch-size", "20")
	if err != nil {
		t.Fatal(err)
	}
	want := daemon.DefaultConfig()
	want.HTTPAddr = "127.0.0.1:2222"    // env over file
	want.MetricsAddr = "127.0.0.1:1112" // file over default
	want.BatchSize = 20                 // flag over env and file
	want.MaxBatchDelay = 7 * time.Millisecond
	want.Workers = 3 // the guide's key
	if cfg != want {
		t.Errorf("config\n%+v\nwant\n%+v", cfg, want)
	}
	if !strings.Contains(stderr, "breakthrough_optimization") {
		t.Errorf("ignored guide keys not reported: %q", stderr)
	}
}

func TestServeConfigErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml string
		args       []string
		want       string
	}{
		{"unknown key", "batch_sise: 3\n", nil, "batch_sise"},
		{"wrong type", "batch_size: many\n", nil, "batch_size"},
		{"bad value", "batch_size: 0\n", nil, "bad_value.yaml:1: batch_size 0: want 1 to 65536"},
		{"same ports", "", []string{"--http-addr", ":9000", "--metrics-addr", ":9000"}, "own port"},
		{"missing file", "-", nil, "read the config file"},
		{"guide key out of range", "network_tuning:\n  timeout_ms: 0\nsecurity:\n  max_file_size: -1\n", nil,
			"guide_key_out_of_range.yaml:4: security.max_file_size -1: want 1 to 1073741824"},
		{"guide key in milliseconds", "network_tuning:\n  timeout_ms: 0\n", nil,
			"guide_key_in_milliseconds.yaml:2: network_tuning.timeout_ms 0: want a positive number of milliseconds"},
		{"backend in the file", "backend: tpu\n", nil, `backend_in_the_file.yaml:1: backend "tpu": unknown backend`},
		{"backend by flag", "", []string{"--backend", "tpu"}, `--backend "tpu": unknown backend`},
		{"port out of range", "http_addr: \":99999\"\n", nil, `port_out_of_range.yaml:1: http_addr ":99999": want HOST:PORT with a port from 0 to 65535`},
		{"port out of range by flag", "", []string{"--metrics-addr", ":70000"}, `--metrics-addr ":70000"`},
		{"duplicate key", "batch_size: 1\nbatch_size: 99999999\n", nil, "duplicate_key.yaml:2: batch_size is given twice (first on line 1)"},
		{"queue past makechan", "queue_size: 70368744177664\n", nil, "queue_past_makechan.yaml:1: queue_size 70368744177664: want 1 to 1048576"},
		{"queue past makechan by flag", "", []string{"--queue-size", "70368744177664"}, "--queue-size 70368744177664: want 1 to 1048576"},
		{"workers", "workers: 100000000\n", nil, "workers.yaml:1: workers 100000000: want 0 (one per CPU) to 1024"},
		{"cards per request", "", []string{"--max-cards-per-request", "0"}, "--max-cards-per-request 0: want 1 to 1048576"},
		{"drain delay", "drain_delay: -1s\n", nil, "drain_delay.yaml:1: drain_delay -1s: want 0 to 5m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.yaml != "" {
				file := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".yaml")
				if tt.yaml != "-" {
					if err := os.WriteFile(file, []byte(tt.yaml), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				args = append([]string{"--config", file}, args...)
			}
			_, _, err := resolveServe(t, args...)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want a usage error mentioning %q", err, tt.want)
			}
		})
	}
}
