package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

func TestServeNamesTheEnvironmentVariable(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"from the environment", map[string]string{"MODELCARD_BATCH_SIZE": "0"}, nil, "MODELCARD_BATCH_SIZE=0: want 1 to 65536"},
		{"flag over the environment", map[string]string{"MODELCARD_BATCH_SIZE": "5"}, []string{"--batch-size", "0"}, "--batch-size 0: want 1 to 65536"},
		{"duration from the environment", map[string]string{"MODELCARD_DRAIN_DELAY": "-2s"}, nil, "MODELCARD_DRAIN_DELAY=-2s: want 0 to 5m0s"},
		{"backend from the environment", map[string]string{"MODELCARD_BACKEND": "tpu"}, nil, `MODELCARD_BACKEND="tpu": unknown backend`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, _, err := resolveServe(t, tt.args...)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want a usage error with %q", err, tt.want)
			}
		})
	}
}

func TestServeNewSettings(t *testing.T) {
	cfg, _, err := resolveServe(t, "--max-cards-per-request", "7", "--drain-delay", "0s")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MaxCardsPerRequest != 7 || cfg.DrainDelay != 0 {
		t.Errorf("max cards %d, drain delay %v; want 7, 0s", cfg.MaxCardsPerRequest, cfg.DrainDelay)
	}
}

func TestServeHelpShowsOneDefault(t *testing.T) {
	var out bytes.Buffer
	io := stdio{in: strings.NewReader(""), out: &out, err: &out}
	app := &cli.App{Name: "modelcard", Commands: []*cli.Command{serveCommand(io)}, Writer: &out, ErrWriter: &out}
	if err := app.Run([]string{"modelcard", "serve", "--help"}); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	for _, line := range strings.Split(help, "\n") {
		if strings.Count(line, "default") > 1 {
			t.Errorf("two defaults: %s", line)
		}
	}
	for _, want := range []string{"(default: 64)", "(default: 2ms)", "(default: 4096)", "(default: 1024)", "(default: 5s)", "(default: :8080)"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func TestServeRefusesArguments(t *testing.T) {
	var out bytes.Buffer
	io := stdio{in: strings.NewReader(""), out: &out, err: &out}
	app := &cli.App{Name: "modelcard", Commands: []*cli.Command{serveCommand(io)}, Writer: &out, ErrWriter: &out}
	err := app.Run([]string{"modelcard", "serve", "extra-arg"})
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `"extra-arg"`) {
		t.Errorf("error %v; want a usage error naming the argument", err)
	}
}

func TestServeWatchSignals(t *testing.T) {
	tests := []struct {
		name      string
		signals   int
		wantDrain int32
		wantStop  int32
	}{
		{"none", 0, 0, 0},
		{"first drains", 1, 1, 0},
		{"second stops at once", 2, 1, 1},
		{"a third does nothing more", 3, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sigs := make(chan os.Signal, 3)
			ctx, done := context.WithCancel(t.Context())
			var drains, stops atomic.Int32
			finished := make(chan struct{})
			go func() {
				watchSignals(ctx, sigs, slog.New(slog.DiscardHandler), func() { drains.Add(1) }, func() { stops.Add(1) })
				close(finished)
			}()
			for i := range tt.signals {
				sigs <- []os.Signal{syscall.SIGTERM, os.Interrupt, syscall.SIGTERM}[i]
			}
			// Wait until the signals it acts on are taken.
			for deadline := time.Now().Add(10 * time.Second); drains.Load()+stops.Load() < int32(min(tt.signals, 2)); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("the signals were not handled")
				}
			}
			done()
			<-finished
			if got := drains.Load(); got != tt.wantDrain {
				t.Errorf("drained %d times, want %d", got, tt.wantDrain)
			}
			if got := stops.Load(); got != tt.wantStop {
				t.Errorf("stopped %d times, want %d", got, tt.wantStop)
			}
		})
	}
}

func TestServeLoggerDefaultsToInfo(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantInfo bool
	}{
		{"no --log-level", nil, true},
		{"--log-level warn", []string{"--log-level", "warn"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errBuf bytes.Buffer
			io := stdio{in: strings.NewReader(""), out: &bytes.Buffer{}, err: &errBuf}
			prev := slog.Default()
			defer slog.SetDefault(prev)
			slog.SetDefault(slog.New(slog.NewTextHandler(&errBuf, &slog.HandlerOptions{Level: slog.LevelWarn})))
			cmd := serveCommand(io)
			var log *slog.Logger
			cmd.Action = func(c *cli.Context) error {
				log = serveLogger(c, io)
				return nil
			}
			app := &cli.App{Name: "modelcard", Commands: []*cli.Command{cmd},
				Flags: []cli.Flag{&cli.StringFlag{Name: "log-level", Value: "warn"}}, Writer: io.out, ErrWriter: io.err}
			if err := app.Run(append(append([]string{"modelcard"}, tt.args...), "serve")); err != nil {
				t.Fatal(err)
			}
			log.Info("listening")
			if got := strings.Contains(errBuf.String(), "msg=listening"); got != tt.wantInfo {
				t.Errorf("info logged %v, want %v: %q", got, tt.wantInfo, errBuf.String())
			}
		})
	}
}
