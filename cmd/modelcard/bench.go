package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/bench"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// Defaults of the bench command.
const (
	benchDefaultCorpus  = "../shared/corpus/cards"
	benchDefaultSpecs   = "examples"
	benchSyntheticCards = 256
	benchSyntheticSpecs = 64
	benchMaxInputBytes  = 4 << 20
)

// benchCommand is `modelcard bench`: throughput and latency of the
// generate, audit and score workloads per backend and batch size.
func benchCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:  "bench",
		Usage: "measure cards per second and batch latency of generate, audit and score",
		Description: strings.TrimSpace(`
Runs each workload on each backend at each batch size and reports cards per
second, input MB per second, batch latency percentiles and peak memory.

   generate  parse specs and render Hub cards (no backend), with the
             collector's target of the generate command (GOGC=400 unless
             GOGC is set)
   audit     the full audit pipeline over cards
   score     the scoring backend alone on batches featurized beforehand

Cards come from --corpus (by default ` + benchDefaultCorpus + ` when it
exists) or are synthetic cards of --card-size bytes; specs come from --specs
(by default ./` + benchDefaultSpecs + ` when it exists) or are synthetic.

Exit 1 when --target is set and a run is below it.`),
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "workload", Value: cli.NewStringSlice("generate", "audit", "score"), Usage: "workload to run: generate, audit or score (repeat or comma-separate)"},
			&cli.StringSliceFlag{Name: "backend", Value: cli.NewStringSlice("auto"), Usage: "scoring backend: auto, cpu or cuda (repeat or comma-separate)"},
			&cli.StringSliceFlag{Name: "batch-size", Value: cli.NewStringSlice("1", "64", "1024"), Usage: "cards per timed batch (repeat or comma-separate, e.g. 1,64,1024,65536)"},
			&cli.DurationFlag{Name: "duration", Value: 2 * time.Second, Usage: "time each run for about this long (ignored with --cards)"},
			&cli.IntFlag{Name: "cards", Usage: "process this many cards per run instead of running for --duration"},
			&cli.IntFlag{Name: "workers", Usage: "parallel workers for generate and audit (0: one per CPU)"},
			&cli.StringFlag{Name: "corpus", Usage: "folder of cards (.md) to audit and score"},
			&cli.IntFlag{Name: "card-size", Value: 4096, Usage: "size in bytes of synthetic cards, used when there is no corpus"},
			&cli.StringFlag{Name: "specs", Usage: "folder of specs (.yaml, .yml, .json) to generate from"},
			&cli.BoolFlag{Name: "json", Usage: "write one JSON object per run instead of a table"},
			&cli.StringFlag{Name: "plot", Usage: "also draw throughput against batch size to this `FILE` (.png, .svg or .pdf)"},
			&cli.Float64Flag{Name: "target", Usage: "exit 1 when a run processes fewer cards per second than this"},
		},
		Action: func(c *cli.Context) error { return runBench(c, io) },
	}
}

// benchPlan is the checked command line of bench.
type benchPlan struct {
	workloads []bench.Workload
	backends  []string
	sizes     []int
}

// checkBenchFlags validates the command line.
func checkBenchFlags(c *cli.Context) (benchPlan, error) {
	var p benchPlan
	if c.NArg() > 0 {
		return p, usagef("bench takes no arguments, got %q; use --corpus or --specs for inputs", c.Args().First())
	}
	for _, s := range splitList(c.StringSlice("workload")) {
		w, err := bench.ParseWorkload(s)
		if err != nil {
			return p, usagef("--workload: %v", err)
		}
		if !slices.Contains(p.workloads, w) {
			p.workloads = append(p.workloads, w)
		}
	}
	for _, b := range splitList(c.StringSlice("backend")) {
		if err := checkBackend(b); err != nil {
			return p, err
		}
		if !slices.Contains(p.backends, b) {
			p.backends = append(p.backends, b)
		}
	}
	for _, s := range splitList(c.StringSlice("batch-size")) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > engine.MaxBatchSize {
			return p, usagef("--batch-size %q: use whole numbers from 1 to %d, such as 1,64,1024", s, engine.MaxBatchSize)
		}
		if !slices.Contains(p.sizes, n) {
			p.sizes = append(p.sizes, n)
		}
	}
	if len(p.workloads) == 0 || len(p.backends) == 0 || len(p.sizes) == 0 {
		return p, usagef("--workload, --backend and --batch-size each need at least one value")
	}
	if c.Int("cards") < 0 {
		return p, usagef("--cards %d: use 1 or more", c.Int("cards"))
	}
	if c.IsSet("cards") && c.IsSet("duration") {
		return p, usagef("--cards and --duration exclude each other; give one")
	}
	if c.Int("cards") == 0 && c.Duration("duration") <= 0 {
		return p, usagef("--duration %s: use a positive duration such as 2s, or set --cards", c.Duration("duration"))
	}
	if c.Int("workers") < 0 {
		return p, usagef("--workers %d: use 0 (one per CPU) or more", c.Int("workers"))
	}
	if c.Int("card-size") < 256 {
		return p, usagef("--card-size %d: use 256 bytes or more", c.Int("card-size"))
	}
	if c.IsSet("corpus") && c.IsSet("card-size") {
		return p, usagef("--corpus and --card-size exclude each other: cards come from the folder or are synthetic")
	}
	if t := c.Float64("target"); t < 0 {
		return p, usagef("--target %g: use a positive number of cards per second", t)
	}
	if f := c.String("plot"); f != "" && !slices.Contains([]string{".png", ".svg", ".pdf"}, strings.ToLower(filepath.Ext(f))) {
		return p, usagef("--plot %q: give a file name ending in .png, .svg or .pdf", f)
	}
	return p, nil
}

// splitList splits comma-separated values of a repeatable flag.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// runBench runs every workload, backend and batch size and reports.
func runBench(c *cli.Context, io stdio) error {
	p, err := checkBenchFlags(c)
	if err != nil {
		return err
	}
	if f := c.String("plot"); f != "" {
		// Found now, not after the runs.
		if err := checkOutputFile("--plot", f); err != nil {
			return err
		}
	}
	var cards, specs [][]byte
	needCards := slices.Contains(p.workloads, bench.Audit) || slices.Contains(p.workloads, bench.Score)
	if needCards {
		if cards, err = benchCards(c); err != nil {
			return err
		}
	}
	if slices.Contains(p.workloads, bench.Generate) {
		if specs, err = benchSpecs(c); err != nil {
			return err
		}
	}
	reg := newRegistry()
	var results []bench.Result
	for _, w := range p.workloads {
		inputs, backends := cards, p.backends
		restoreGC := func() {}
		if w == bench.Generate {
			inputs, backends = specs, []string{"-"}
			// As the generate command runs.
			restoreGC = withGenerateGC(os.Getenv)
		}
		for _, b := range backends {
			for _, size := range p.sizes {
				r, err := bench.Run(c.Context, bench.Options{
					Workload:  w,
					Registry:  reg,
					Backend:   b,
					BatchSize: size,
					Cards:     c.Int("cards"),
					Duration:  c.Duration("duration"),
					Workers:   c.Int("workers"),
					Inputs:    inputs,
				})
				if err != nil {
					return fmt.Errorf("bench %s, backend %s, batch size %d: %w", w, b, size, err)
				}
				results = append(results, r)
			}
		}
		restoreGC()
	}
	if c.Bool("json") {
		err = bench.WriteJSON(io.out, results)
	} else {
		err = bench.WriteTable(io.out, results)
	}
	if err != nil {
		return err
	}
	if f := c.String("plot"); f != "" {
		if err := bench.WritePlot(f, results); err != nil {
			return err
		}
	}
	if c.IsSet("target") {
		if below := bench.Below(results, c.Float64("target")); len(below) > 0 {
			for _, m := range below {
				fmt.Fprintf(io.err, "modelcard bench: %s\n", m)
			}
			return failedError{summary: fmt.Sprintf("%d of %d runs are below --target %g cards/s", len(below), len(results), c.Float64("target"))}
		}
	}
	return nil
}

// benchCards returns the cards to audit and score: the .md files of the
// corpus folder, or synthetic cards.
func benchCards(c *cli.Context) ([][]byte, error) {
	dir := c.String("corpus")
	if dir == "" && !c.IsSet("card-size") {
		if st, err := os.Stat(benchDefaultCorpus); err == nil && st.IsDir() {
			dir = benchDefaultCorpus
		}
	}
	if dir == "" {
		out := make([][]byte, benchSyntheticCards)
		for i := range out {
			out[i] = bench.SyntheticCard(i, c.Int("card-size"))
		}
		return out, nil
	}
	out, err := readBenchFolder(dir, ".md")
	if err != nil {
		return nil, fmt.Errorf("--corpus: %w", err)
	}
	return out, nil
}

// benchSpecs returns the specs to generate from: the spec files of the
// --specs folder (or ./examples), or synthetic specs.
func benchSpecs(c *cli.Context) ([][]byte, error) {
	dir := c.String("specs")
	if dir == "" {
		if st, err := os.Stat(benchDefaultSpecs); err == nil && st.IsDir() {
			dir = benchDefaultSpecs
		}
	}
	if dir == "" {
		out := make([][]byte, benchSyntheticSpecs)
		for i := range out {
			out[i] = bench.SyntheticSpec(i)
		}
		return out, nil
	}
	out, err := readBenchFolder(dir, ".yaml", ".yml", ".json")
	if err != nil {
		return nil, fmt.Errorf("--specs: %w", err)
	}
	return out, nil
}

// readBenchFolder reads the files under dir with one of the extensions,
// in path order, skipping files over benchMaxInputBytes.
func readBenchFolder(dir string, exts ...string) ([][]byte, error) {
	var out [][]byte
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !slices.Contains(exts, strings.ToLower(filepath.Ext(path))) {
			return nil
		}
		info, err := d.Info()
		if err != nil || info.Size() > benchMaxInputBytes {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out = append(out, data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no %s files; point the flag at a folder that does", dir, strings.Join(exts, ", "))
	}
	return out, nil
}
