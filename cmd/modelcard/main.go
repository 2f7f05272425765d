// Command modelcard writes, scores and audits machine-learning model cards.
//
// Run `modelcard --help` for the commands, and `modelcard COMMAND --help`
// for each command's flags and examples.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		// A second signal ends the program at once, as if none were
		// caught.
		signal.Stop(signals)
		cancel(signalError{sig})
	}()
	code := run(ctx, os.Args, stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	signal.Stop(signals)
	cancel(nil)
	os.Exit(code)
}
