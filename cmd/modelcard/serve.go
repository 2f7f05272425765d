package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/daemon"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// serveCommand is `modelcard serve`: the engine as an HTTP daemon.
func serveCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:      "serve",
		Usage:     "serve card generation and audits over HTTP, with Prometheus metrics",
		UsageText: "modelcard serve [--config FILE] [--http-addr :8080] [--metrics-addr :9090]",
		Description: strings.TrimSpace(`
serve runs the engine as a daemon. The API (JSON) listens on --http-addr:

   POST /v1/cards:generate   specs (an object, an array, or NDJSON) → cards; ?format=hf|mct|html|annex-iv|json
   POST /generate            one spec object → one card
   POST /v1/cards:audit      card Markdown (text/markdown, {"text": ...}, or an array) → audit results
   GET  /health, /ready, /version

Prometheus metrics are served on --metrics-addr at /metrics. Settings come
from the flags, then the MODELCARD_* environment, then --config (YAML; see
docs/daemon-config.md), then the defaults. SIGTERM or SIGINT drains: /ready
turns 503, in-flight requests finish, and the process exits.`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Usage: "YAML settings file", EnvVars: []string{"MODELCARD_CONFIG"}},
			&cli.StringFlag{Name: "http-addr", Usage: "API listen address (default :8080)", EnvVars: []string{"MODELCARD_HTTP_ADDR"}},
			&cli.StringFlag{Name: "metrics-addr", Usage: "metrics listen address; \"\" disables (default :9090)", EnvVars: []string{"MODELCARD_METRICS_ADDR"}},
			&cli.IntFlag{Name: "batch-size", Usage: "cards per engine batch (default 64)", EnvVars: []string{"MODELCARD_BATCH_SIZE"}},
			&cli.DurationFlag{Name: "max-batch-delay", Usage: "longest wait to fill a batch (default 2ms)", EnvVars: []string{"MODELCARD_MAX_BATCH_DELAY"}},
			&cli.IntFlag{Name: "queue-size", Usage: "cards that may wait for a batch; past it 429 (default 4096)", EnvVars: []string{"MODELCARD_QUEUE_SIZE"}},
			&cli.BoolFlag{Name: "rate-limit", Usage: "limit each client IP with a token bucket", EnvVars: []string{"MODELCARD_RATE_LIMIT"}},
			&cli.StringFlag{Name: "backend", Usage: "scoring backend: auto, cpu or cuda (default auto)", EnvVars: []string{"MODELCARD_BACKEND"}},
		},
		Action: func(c *cli.Context) error {
			cfg, err := serveConfig(c, io)
			if err != nil {
				return err
			}
			eng, err := engine.New(engine.Config{Registry: newRegistry(), Backend: cfg.Backend, BatchSize: cfg.BatchSize, Workers: cfg.Workers})
			if err != nil {
				return fmt.Errorf("load the engine: %w", err)
			}
			defer eng.Close()
			ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServer(ctx, cfg, eng, slog.Default())
		},
	}
}

// runServer serves eng with cfg until ctx ends.
func runServer(ctx context.Context, cfg daemon.Config, eng daemon.Engine, log *slog.Logger) error {
	dev := deviceOptions(eng)
	defer dev.close()
	srv, err := daemon.New(daemon.Options{
		Config:  cfg,
		Engine:  eng,
		Version: versionText,
		Device:  deviceName(eng.BackendName()),
		GPU:     dev.gpu,
		Pool:    dev.pool,
		Health:  dev.health,
		Logger:  log,
	})
	if err != nil {
		return usagef("%v", err)
	}
	return srv.Run(ctx)
}

// deviceName is the device label of a backend.
func deviceName(backend string) string {
	if backend == "cuda" {
		return "gpu"
	}
	return "cpu"
}

// serveConfig resolves the settings: defaults, then --config, then the
// flags and their environment variables, then validates them.
func serveConfig(c *cli.Context, io stdio) (daemon.Config, error) {
	cfg := daemon.DefaultConfig()
	if path := c.String("config"); path != "" {
		var ignored []string
		var err error
		if cfg, ignored, err = daemon.LoadConfigFile(path, cfg); err != nil {
			return cfg, usagef("--config: %v", err)
		}
		if len(ignored) > 0 {
			fmt.Fprintf(io.err, "modelcard serve: %s: ignoring keys with no meaning here: %s\n", path, strings.Join(ignored, ", "))
		}
	}
	if c.IsSet("http-addr") {
		cfg.HTTPAddr = c.String("http-addr")
	}
	if c.IsSet("metrics-addr") {
		cfg.MetricsAddr = c.String("metrics-addr")
	}
	if c.IsSet("batch-size") {
		cfg.BatchSize = c.Int("batch-size")
	}
	if c.IsSet("max-batch-delay") {
		cfg.MaxBatchDelay = c.Duration("max-batch-delay")
	}
	if c.IsSet("queue-size") {
		cfg.QueueSize = c.Int("queue-size")
	}
	if c.IsSet("rate-limit") {
		cfg.RateLimit.Enabled = c.Bool("rate-limit")
	}
	if c.IsSet("backend") {
		cfg.Backend = c.String("backend")
	}
	if err := cfg.Validate(); err != nil {
		return cfg, usagef("invalid serve settings: %v", err)
	}
	// From the flag, the environment or the --config file alike.
	if err := checkBackend(cfg.Backend); err != nil {
		return cfg, err
	}
	return cfg, nil
}
