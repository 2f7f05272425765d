package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
)

// Exit codes shared by every command.
const (
	exitOK      = 0
	exitFailed  = 1 // the work ran and found invalid input or failed
	exitUsage   = 2 // the command line itself is wrong
	versionText = "0.1.0"
)

// stdio is the standard streams a command reads and writes.
type stdio struct {
	in  io.Reader
	out io.Writer
	err io.Writer
}

// usageError marks a wrong command line; it exits with exitUsage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return usageError{msg: fmt.Sprintf(format, args...)}
}

// failedError marks work that ran and failed; its message was already
// printed, so only the exit code matters.
type failedError struct{ summary string }

func (e failedError) Error() string { return e.summary }

// signalError is the cause of a run cancelled by a signal.
type signalError struct{ sig os.Signal }

func (e signalError) Error() string { return "interrupted by " + e.sig.String() }

// run runs the CLI with the given arguments and streams and returns the
// process exit code.
func run(ctx context.Context, args []string, io stdio) int {
	app := newApp(io)
	if len(args) > 1 {
		args = append([]string{args[0]}, intersperse(app, args[1:])...)
	}
	err := app.RunContext(ctx, args)
	if err == nil {
		return exitOK
	}
	var ue usageError
	var fe failedError
	var ec cli.ExitCoder
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(io.err, "modelcard: %s\n", ue.msg)
		fmt.Fprintln(io.err, "run `modelcard --help` or `modelcard COMMAND --help` for usage")
		return exitUsage
	case errors.As(err, &fe):
		if fe.summary != "" {
			fmt.Fprintf(io.err, "modelcard: %s\n", fe.summary)
		}
		return exitFailed
	case errors.As(err, &ec):
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(io.err, "modelcard: %s\n", msg)
		}
		return ec.ExitCode()
	case errors.Is(err, context.Canceled):
		// The shell's convention: 128 plus the signal's number (130 for
		// an interrupt, 143 for SIGTERM).
		code := 130
		var se signalError
		if errors.As(context.Cause(ctx), &se) {
			if n, ok := se.sig.(syscall.Signal); ok {
				code = 128 + int(n)
			}
			fmt.Fprintf(io.err, "modelcard: interrupted (%v)\n", se.sig)
		} else {
			fmt.Fprintln(io.err, "modelcard: interrupted")
		}
		return code
	default:
		fmt.Fprintf(io.err, "modelcard: %v\n", err)
		return exitFailed
	}
}

// newApp builds the command tree.
func newApp(io stdio) *cli.App {
	var profiles profiler
	app := &cli.App{
		Name:      "modelcard",
		Usage:     "write, score and audit machine-learning model cards",
		Version:   versionText,
		Reader:    io.in,
		Writer:    io.out,
		ErrWriter: io.err,
		Description: strings.TrimSpace(`
modelcard turns a model's facts and evaluation results into a complete model
card (Hugging Face README.md with a valid model-index), checks existing cards
against the Hub's rules, and says what each card is missing.

Start with:
   modelcard init --family llm > spec.yaml     # a commented spec to fill in
   modelcard generate --out cards/ spec.yaml   # the card, in cards/spec.md
   modelcard validate cards/spec.md            # structural checks, exit 1 if invalid

Exit codes: 0 success, 1 invalid input or failed work, 2 wrong command line.`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "log-level", Value: "warn", Usage: "log detail on stderr: debug, info, warn or error", EnvVars: []string{"MODELCARD_LOG_LEVEL"}},
			&cli.StringFlag{Name: "cpuprofile", Usage: "write a CPU profile of the command to `FILE` (read it with go tool pprof)"},
			&cli.StringFlag{Name: "memprofile", Usage: "write a profile of the command's allocations to `FILE` when it ends (go tool pprof -sample_index=alloc_space)"},
		},
		Before: func(c *cli.Context) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(c.String("log-level"))); err != nil {
				return usagef("--log-level %q: use debug, info, warn or error", c.String("log-level"))
			}
			slog.SetDefault(slog.New(slog.NewTextHandler(io.err, &slog.HandlerOptions{Level: level})))
			return profiles.start(c.String("cpuprofile"), c.String("memprofile"))
		},
		After: func(*cli.Context) error {
			return profiles.stop()
		},
		Commands: []*cli.Command{
			generateCommand(io),
			validateCommand(io),
			auditCommand(io),
			mergeCommand(io),
			initCommand(io),
			convertCommand(io),
			driftCommand(io),
			serveCommand(io),
			benchCommand(io),
			trainCommand(io),
			healthcheckCommand(io),
		},
		HideHelpCommand: true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usagef("%v", err)
		},
		CommandNotFound: func(*cli.Context, string) {
			// Reported through the returned error below.
		},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return usagef("%v", err)
		}
	}
	app.Action = func(c *cli.Context) error {
		if c.NArg() > 0 {
			return usagef("unknown command %q; the commands are: %s", c.Args().First(), commandNames(app))
		}
		return cli.ShowAppHelp(c)
	}
	return app
}

// profiler writes the profiles that --cpuprofile and --memprofile ask for.
type profiler struct {
	cpu     *os.File
	memPath string
}

// start opens the CPU profile and starts it, and remembers where the
// allocation profile goes.
func (p *profiler) start(cpuPath, memPath string) error {
	p.memPath = memPath
	if cpuPath == "" {
		return nil
	}
	f, err := os.Create(cpuPath)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	p.cpu = f
	return nil
}

// stop ends the CPU profile and writes the allocation profile.
func (p *profiler) stop() error {
	var errs []error
	if p.cpu != nil {
		pprof.StopCPUProfile()
		if err := p.cpu.Close(); err != nil {
			errs = append(errs, fmt.Errorf("--cpuprofile: %w", err))
		}
		p.cpu = nil
	}
	if p.memPath != "" {
		runtime.GC() // the profile counts what the last collection saw
		if err := writeHeapProfile(p.memPath); err != nil {
			errs = append(errs, fmt.Errorf("--memprofile: %w", err))
		}
		p.memPath = ""
	}
	return errors.Join(errs...)
}

// writeHeapProfile writes the heap profile to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// commandNames lists the commands' names, comma-separated.
func commandNames(app *cli.App) string {
	names := make([]string, 0, len(app.Commands))
	for _, c := range app.Commands {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// intersperse lets flags follow positional arguments (`modelcard validate
// README.md --json`), which urfave/cli stops parsing at: it moves the flags
// of the named command, with their values, before its positional arguments.
// Everything after a "--" stays positional.
func intersperse(app *cli.App, args []string) []string {
	// The program's own flags (--log-level debug, --cpuprofile FILE) come
	// before the command and stay there.
	globalTakesValue := map[string]bool{}
	for _, f := range app.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			globalTakesValue[n] = !isBool
		}
	}
	lead := 0
	for lead < len(args) && strings.HasPrefix(args[lead], "-") && args[lead] != "-" && args[lead] != "--" {
		name := strings.TrimLeft(args[lead], "-")
		if !strings.Contains(name, "=") && globalTakesValue[name] {
			lead++
		}
		lead++
	}
	if lead >= len(args) {
		return args
	}
	return append(args[:lead:lead], intersperseCommand(app, args[lead:])...)
}

// intersperseCommand is intersperse for arguments that start with the
// command's name.
func intersperseCommand(app *cli.App, args []string) []string {
	var cmd *cli.Command
	for _, c := range app.Commands {
		if c.HasName(args[0]) {
			cmd = c
		}
	}
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, positional []string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			positional = append(positional, rest[i+1:]...)
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if takesValue[name] && i+1 < len(rest) {
			i++
			flags = append(flags, rest[i])
		}
	}
	out := append([]string{args[0]}, flags...)
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}
