package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/daemon"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// serveCommand is `modelcard serve`: the engine as an HTTP daemon.
func serveCommand(io stdio) *cli.Command {
	def := daemon.DefaultConfig()
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

A request holds at most --max-cards-per-request specs or cards (past it
413). Prometheus metrics are served on --metrics-addr at /metrics. Settings
come from the flags, then the MODELCARD_* environment, then --config (YAML;
see docs/daemon-config.md), then the defaults.

The first SIGTERM or SIGINT drains: /ready turns 503 at once (/health stays
200), the API keeps serving for --drain-delay so that load balancers move
away, then the listeners close and in-flight requests get up to
shutdown_timeout to finish. A second signal stops at once.

serve logs at info unless --log-level (or MODELCARD_LOG_LEVEL) says
otherwise: one line when it listens, one per stage of a shutdown, and a
warning per request that fails with a 5xx.`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Usage: "YAML settings file", EnvVars: []string{"MODELCARD_CONFIG"}},
			&cli.StringFlag{Name: "http-addr", Usage: "API listen address", DefaultText: def.HTTPAddr, EnvVars: []string{"MODELCARD_HTTP_ADDR"}},
			&cli.StringFlag{Name: "metrics-addr", Usage: "metrics listen address; \"\" disables", DefaultText: def.MetricsAddr, EnvVars: []string{"MODELCARD_METRICS_ADDR"}},
			&cli.IntFlag{Name: "batch-size", Usage: "cards per engine batch", DefaultText: strconv.Itoa(def.BatchSize), EnvVars: []string{"MODELCARD_BATCH_SIZE"}},
			&cli.DurationFlag{Name: "max-batch-delay", Usage: "longest wait to fill a batch", DefaultText: def.MaxBatchDelay.String(), EnvVars: []string{"MODELCARD_MAX_BATCH_DELAY"}},
			&cli.IntFlag{Name: "queue-size", Usage: "cards that may wait for a batch; past it 429", DefaultText: strconv.Itoa(def.QueueSize), EnvVars: []string{"MODELCARD_QUEUE_SIZE"}},
			&cli.IntFlag{Name: "max-cards-per-request", Usage: "specs (generate) or cards (audit) one request may hold; past it 413", DefaultText: strconv.Itoa(def.MaxCardsPerRequest), EnvVars: []string{"MODELCARD_MAX_CARDS_PER_REQUEST"}},
			&cli.DurationFlag{Name: "drain-delay", Usage: "how long the API keeps serving after SIGTERM with /ready at 503", DefaultText: def.DrainDelay.String(), EnvVars: []string{"MODELCARD_DRAIN_DELAY"}},
			&cli.BoolFlag{Name: "rate-limit", Usage: "limit each client IP with a token bucket", EnvVars: []string{"MODELCARD_RATE_LIMIT"}},
			&cli.StringFlag{Name: "backend", Usage: "scoring backend: auto, cpu or cuda", DefaultText: def.Backend, EnvVars: []string{"MODELCARD_BACKEND"}},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usagef("serve takes no arguments, got %q; give settings as flags or in --config", daemon.ClipValue(c.Args().First()))
			}
			cfg, err := serveConfig(c, io)
			if err != nil {
				return err
			}
			eng, err := engine.New(engine.Config{Registry: newRegistry(), Backend: cfg.Backend, BatchSize: cfg.BatchSize, Workers: cfg.Workers})
			if err != nil {
				return fmt.Errorf("load the engine: %w", err)
			}
			defer eng.Close()
			sigs := make(chan os.Signal, 2)
			signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
			defer signal.Stop(sigs)
			return runServer(c.Context, cfg, eng, serveLogger(c, io), sigs)
		},
	}
}

// serveLogger is the daemon's logger: the program's, or the program's
// handler at info when --log-level is not given (a daemon's default: it
// says where it listens and warns of failed requests).
func serveLogger(c *cli.Context, io stdio) *slog.Logger {
	if c.IsSet("log-level") {
		return slog.Default()
	}
	return slog.New(slog.NewTextHandler(io.err, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// runServer serves eng with cfg until ctx ends or a signal arrives on
// sigs: the first drains the server, the second stops it at once.
func runServer(ctx context.Context, cfg daemon.Config, eng daemon.Engine, log *slog.Logger, sigs <-chan os.Signal) error {
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
	// The watcher outlives ctx, which the program ends on the first
	// signal: it must still catch the second.
	watch, unwatch := context.WithCancel(context.WithoutCancel(ctx))
	defer unwatch()
	ctx, drain := context.WithCancel(ctx)
	defer drain()
	go watchSignals(watch, sigs, log, drain, srv.Stop)
	return srv.Run(ctx)
}

// watchSignals calls drain on the first signal from sigs and stop on the
// second, until ctx ends.
func watchSignals(ctx context.Context, sigs <-chan os.Signal, log *slog.Logger, drain, stop func()) {
	for _, act := range []func(os.Signal){
		func(sig os.Signal) {
			log.Info("signal received: draining", "signal", sig.String())
			drain()
		},
		func(sig os.Signal) {
			log.Warn("second signal: stopping at once", "signal", sig.String())
			stop()
		},
	} {
		select {
		case sig := <-sigs:
			act(sig)
		case <-ctx.Done():
			return
		}
	}
}

// deviceName is the device label of a backend.
func deviceName(backend string) string {
	if backend == "cuda" {
		return "gpu"
	}
	return "cpu"
}

// serveFlag is a flag of serve that sets a daemon setting.
type serveFlag struct {
	// name and env are the flag and its environment variable; key is the
	// setting's native key.
	name, env, key string
	// set sets the setting from the flag's value.
	set func(c *cli.Context, cfg *daemon.Config)
}

// serveFlags are serve's flags that set daemon settings.
var serveFlags = []serveFlag{
	{"http-addr", "MODELCARD_HTTP_ADDR", "http_addr", func(c *cli.Context, cfg *daemon.Config) { cfg.HTTPAddr = c.String("http-addr") }},
	{"metrics-addr", "MODELCARD_METRICS_ADDR", "metrics_addr", func(c *cli.Context, cfg *daemon.Config) { cfg.MetricsAddr = c.String("metrics-addr") }},
	{"batch-size", "MODELCARD_BATCH_SIZE", "batch_size", func(c *cli.Context, cfg *daemon.Config) { cfg.BatchSize = c.Int("batch-size") }},
	{"max-batch-delay", "MODELCARD_MAX_BATCH_DELAY", "max_batch_delay", func(c *cli.Context, cfg *daemon.Config) { cfg.MaxBatchDelay = c.Duration("max-batch-delay") }},
	{"queue-size", "MODELCARD_QUEUE_SIZE", "queue_size", func(c *cli.Context, cfg *daemon.Config) { cfg.QueueSize = c.Int("queue-size") }},
	{"max-cards-per-request", "MODELCARD_MAX_CARDS_PER_REQUEST", "max_cards_per_request", func(c *cli.Context, cfg *daemon.Config) {
		cfg.MaxCardsPerRequest = c.Int("max-cards-per-request")
	}},
	{"drain-delay", "MODELCARD_DRAIN_DELAY", "drain_delay", func(c *cli.Context, cfg *daemon.Config) { cfg.DrainDelay = c.Duration("drain-delay") }},
	{"rate-limit", "MODELCARD_RATE_LIMIT", "rate_limit.enabled", func(c *cli.Context, cfg *daemon.Config) { cfg.RateLimit.Enabled = c.Bool("rate-limit") }},
	{"backend", "MODELCARD_BACKEND", "backend", func(c *cli.Context, cfg *daemon.Config) { cfg.Backend = c.String("backend") }},
}

// serveConfig resolves the settings: defaults, then --config, then the
// flags and their environment variables, then validates them, naming a
// wrong setting as it was given.
func serveConfig(c *cli.Context, io stdio) (daemon.Config, error) {
	cfg := daemon.DefaultConfig()
	origins := daemon.Origins{}
	if path := c.String("config"); path != "" {
		var ignored []string
		var err error
		if cfg, ignored, err = daemon.LoadConfigFile(path, cfg, origins); err != nil {
			return cfg, usagef("--config: %v", err)
		}
		if len(ignored) > 0 {
			fmt.Fprintf(io.err, "modelcard serve: %s: ignoring keys with no meaning here: %s\n", path, strings.Join(ignored, ", "))
		}
	}
	for _, f := range serveFlags {
		if c.IsSet(f.name) {
			f.set(c, &cfg)
			origins[f.key] = flagOrigin(c, f.name, f.env)
		}
	}
	err := cfg.Check(origins)
	if berr := checkServeBackend(cfg.Backend, origins); berr != nil {
		if err != nil {
			return cfg, usagef("invalid serve settings: %v\n%v", err, berr)
		}
		return cfg, usagef("invalid serve settings: %v", berr)
	}
	if err != nil {
		return cfg, usagef("invalid serve settings: %v", err)
	}
	return cfg, nil
}

// flagOrigin says whether a set flag's value came from the command line or
// from its environment variable: from the variable when it holds the
// value (a flag on the command line wins over it).
func flagOrigin(c *cli.Context, name, env string) daemon.Origin {
	v, ok := os.LookupEnv(env)
	if !ok {
		return daemon.Origin{Key: "--" + name}
	}
	t := strings.TrimSpace(v)
	same := false
	switch got := c.Value(name).(type) {
	case string:
		same = got == v
	case int:
		n, err := strconv.ParseInt(t, 0, 64)
		same = err == nil && n == int64(got)
	case time.Duration:
		d, err := time.ParseDuration(t)
		same = err == nil && d == got
	case bool:
		b, err := strconv.ParseBool(t)
		same = err == nil && b == got
	}
	if same {
		return daemon.Origin{Key: env, Value: v}
	}
	return daemon.Origin{Key: "--" + name}
}

// checkServeBackend checks the backend setting, naming it as it was given
// (in the config file, by --backend or by MODELCARD_BACKEND).
func checkServeBackend(name string, origins daemon.Origins) error {
	if name == "" || name == "auto" {
		return nil
	}
	names := newRegistry().Names()
	if slices.Contains(names, name) {
		return nil
	}
	where := origins.Describe("backend", name)
	if name == cudaBackend && !hasCUDA {
		return fmt.Errorf("%s: this modelcard was built without CUDA (a CPU-only build); use the CUDA build of modelcard to score on the GPU, or the backend cpu", where)
	}
	return fmt.Errorf("%s: unknown backend; this build has auto, %s", where, strings.Join(names, ", "))
}
