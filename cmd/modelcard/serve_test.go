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
		{"bad value", "batch_size: 0\n", nil, "batch_size 0"},
		{"same ports", "", []string{"--http-addr", ":9000", "--metrics-addr", ":9000"}, "own port"},
		{"missing file", "-", nil, "read the config file"},
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
