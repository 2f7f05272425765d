package main

import (
	"runtime/debug"
)

// generateGCPercent is the collector's growth target (GOGC) while cards are
// generated. Turning a spec into a card allocates about 11 KB that it
// drops at once, over a live heap of a few megabytes: at the runtime's
// default of 100 the collector runs every few milliseconds and costs about
// a quarter of the time. At 400 the heap may grow to five times what is
// live before a cycle, not twice: generation runs about 1.3 times faster
// for some tens of megabytes more, since generate holds at most a chunk of
// cards (generateChunk) at a time.
const generateGCPercent = 400

// withGenerateGC sets the collector's target to generateGCPercent unless
// the environment sets GOGC, which then wins, and returns the function that
// restores the previous target.
func withGenerateGC(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(generateGCPercent)
	return func() { debug.SetGCPercent(prev) }
}
