// Package bench measures the throughput and latency of the tool's main
// workloads — generating cards from specs, auditing cards, and scoring
// featurized batches on a backend — and reports them as tables, JSON
// objects and a throughput chart.
package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// Options configures one benchmark run.
type Options struct {
	// Workload is what to measure.
	Workload Workload
	// Registry holds the scoring backends; Backend names the one to use
	// ("auto", "cpu", "cuda"). Generate uses neither.
	Registry *engine.Registry
	// Backend is the backend name; "" means "auto".
	Backend string
	// BatchSize is the number of cards per timed batch (at least 1).
	BatchSize int
	// Cards stops the run after at least this many cards; 0 means run
	// for Duration.
	Cards int
	// Duration stops the run after the first batch that ends past it,
	// when Cards is 0.
	Duration time.Duration
	// Workers is the number of parallel workers (generate and audit);
	// 0 means GOMAXPROCS.
	Workers int
	// Inputs are the items the run cycles over: spec documents for
	// generate, card texts for audit and score. It must not be empty.
	Inputs [][]byte
}

// Result is the measurement of one run. Its JSON keys are part of the
// tool's interface.
type Result struct {
	// Workload is the workload measured.
	Workload Workload `json:"workload"`
	// Backend is the backend that scored, or "-" for generate.
	Backend string `json:"backend"`
	// BatchSize is the batch size.
	BatchSize int `json:"batch_size"`
	// Cards is the number of cards processed.
	Cards int `json:"cards"`
	// Batches is the number of timed batches.
	Batches int `json:"batches"`
	// Seconds is the total time of the timed batches.
	Seconds float64 `json:"seconds"`
	// CardsPerSec is Cards / Seconds.
	CardsPerSec float64 `json:"cards_per_sec"`
	// MBPerSec is the input megabytes (10^6 bytes) processed per second.
	MBPerSec float64 `json:"mb_per_sec"`
	// P50ms, P95ms and P99ms are batch latency percentiles in
	// milliseconds.
	P50ms float64 `json:"p50_ms"`
	// P95ms is the 95th percentile batch latency.
	P95ms float64 `json:"p95_ms"`
	// P99ms is the 99th percentile batch latency.
	P99ms float64 `json:"p99_ms"`
	// PeakRSSBytes is the process's peak resident set size so far, or 0
	// where the system does not report it.
	PeakRSSBytes int64 `json:"peak_rss_bytes"`
}

// maxPrebuilt bounds the number of distinct CSR batches the score
// workload builds before timing.
const maxPrebuilt = 16

// batchFunc processes cards n items starting at input index first and
// returns the input bytes it processed.
type batchFunc func(ctx context.Context, first, n int) (int64, error)

// Run performs one benchmark run.
func Run(ctx context.Context, o Options) (Result, error) {
	if len(o.Inputs) == 0 {
		return Result{}, errors.New("bench: no inputs; give spec or card files, or use synthetic ones")
	}
	if o.BatchSize < 1 {
		return Result{}, fmt.Errorf("bench: batch size %d: use 1 or more", o.BatchSize)
	}
	if o.Cards <= 0 && o.Duration <= 0 {
		return Result{}, errors.New("bench: set a number of cards or a duration")
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	var (
		batch   batchFunc
		backend = "-"
		closeFn = func() error { return nil }
	)
	var err error
	switch o.Workload {
	case Generate:
		batch = generateBatch(o)
	case Audit:
		batch, backend, closeFn, err = auditBatch(o)
	case Score:
		batch, backend, closeFn, err = scoreBatch(o)
	default:
		err = fmt.Errorf("bench: unknown workload %q; use generate, audit or score", o.Workload)
	}
	if err != nil {
		return Result{}, err
	}
	defer closeFn()

	res := Result{Workload: o.Workload, Backend: backend, BatchSize: o.BatchSize}
	var (
		lat   []time.Duration
		bytes int64
		total time.Duration
		next  int
	)
	for {
		n := o.BatchSize
		if o.Cards > 0 {
			if res.Cards >= o.Cards {
				break
			}
			n = min(n, o.Cards-res.Cards)
		} else if total >= o.Duration {
			break
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		start := time.Now()
		b, err := batch(ctx, next, n)
		d := time.Since(start)
		if err != nil {
			return res, fmt.Errorf("bench %s on %s, batch %d: %w", o.Workload, backend, len(lat)+1, err)
		}
		lat = append(lat, d)
		total += d
		bytes += b
		res.Cards += n
		next = (next + n) % len(o.Inputs)
	}
	res.Batches = len(lat)
	res.Seconds = total.Seconds()
	if res.Seconds > 0 {
		res.CardsPerSec = float64(res.Cards) / res.Seconds
		res.MBPerSec = float64(bytes) / 1e6 / res.Seconds
	}
	slices.Sort(lat)
	res.P50ms = percentile(lat, 50)
	res.P95ms = percentile(lat, 95)
	res.P99ms = percentile(lat, 99)
	res.PeakRSSBytes = PeakRSS()
	return res, nil
}

// percentile returns the nearest-rank p-th percentile of sorted
// durations, in milliseconds; 0 for none.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.999999) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return float64(sorted[rank]) / float64(time.Millisecond)
}

// PeakRSS returns the process's peak resident set size in bytes from
// /proc/self/status (VmHWM) on Linux, or 0 elsewhere or when it cannot be
// read.
func PeakRSS() int64 {
	if runtime.GOOS != "linux" {
		return 0
	}
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return parseVMHWM(string(data))
}

// parseVMHWM reads the VmHWM line ("VmHWM:  1234 kB") of a status file.
func parseVMHWM(status string) int64 {
	for line := range strings.Lines(status) {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0
		}
		return kb * 1024
	}
	return 0
}

// parallel runs fn(w, i) for i in [0,n) on up to workers goroutines, w
// being the goroutine's number in [0,workers), and returns the first
// error.
func parallel(n, workers int, fn func(w, i int) error) error {
	workers = max(1, min(workers, n))
	var (
		idx     atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(idx.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(w, i); err != nil {
					errOnce.Do(func() { first = err })
					idx.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// generateBatch times the parse of specs, the check of their metadata
// against the Hub's rules and the rendering of their Hub cards, as the
// generate command does. Each worker keeps a spec parser and a rendering
// buffer, as a program that generates many cards in turn does.
func generateBatch(o Options) batchFunc {
	type worker struct {
		parser card.SpecParser
		buf    []byte
	}
	workers := make([]worker, max(1, o.Workers))
	return func(_ context.Context, first, n int) (int64, error) {
		var bytes atomic.Int64
		err := parallel(n, len(workers), func(w, i int) error {
			k := (first + i) % len(o.Inputs)
			spec := o.Inputs[k]
			// As the generate command hands each file's bytes over; the
			// inputs are never changed.
			c, err := workers[w].parser.ParseOwned(spec, fmt.Sprintf("spec-%d", k))
			if err != nil {
				return fmt.Errorf("parse spec %d: %w", k, err)
			}
			// generate warns of what this finds; here only its time counts.
			card.CheckMetadata(c.Meta)
			if workers[w].buf, err = card.AppendHF(workers[w].buf[:0], c); err != nil {
				return fmt.Errorf("render spec %d: %w", k, err)
			}
			bytes.Add(int64(len(spec)))
			return nil
		})
		return bytes.Load(), err
	}
}

// auditBatch times engine.Audit over a batch of cards.
func auditBatch(o Options) (batchFunc, string, func() error, error) {
	e, err := engine.New(engine.Config{
		Registry:  o.Registry,
		Backend:   o.Backend,
		BatchSize: min(o.BatchSize, 4096),
		Workers:   o.Workers,
	})
	if err != nil {
		return nil, "", nil, fmt.Errorf("start the scoring engine: %w", err)
	}
	fn := func(ctx context.Context, first, n int) (int64, error) {
		inputs := make(chan engine.AuditInput, 64)
		var bytes int64
		go func() {
			defer close(inputs)
			for i := range n {
				k := (first + i) % len(o.Inputs)
				select {
				case inputs <- engine.AuditInput{Path: "card-" + strconv.Itoa(k), Data: o.Inputs[k]}:
				case <-ctx.Done():
					return
				}
			}
		}()
		got := 0
		err := e.Audit(ctx, inputs, func(r *engine.AuditResult) error {
			got++
			bytes += int64(r.Bytes)
			return nil
		})
		if err == nil && got != n {
			err = fmt.Errorf("audit returned %d results for %d cards", got, n)
		}
		return bytes, err
	}
	return fn, e.BackendName(), e.Close, nil
}

// scoreBatch featurizes the inputs once and times Backend.Score of
// prebuilt CSR batches.
func scoreBatch(o Options) (batchFunc, string, func() error, error) {
	if o.Registry == nil {
		return nil, "", nil, errors.New("bench: no backend registry")
	}
	tm, err := engine.DefaultTaskModel()
	if err != nil {
		return nil, "", nil, fmt.Errorf("load the default task model: %w", err)
	}
	stds, err := engine.LoadStandards()
	if err != nil {
		return nil, "", nil, fmt.Errorf("load standards: %w", err)
	}
	model, err := engine.BuildModel(tm, stds)
	if err != nil {
		return nil, "", nil, fmt.Errorf("build the scoring model: %w", err)
	}
	f, err := engine.NewFeaturizer(tm.Space)
	if err != nil {
		return nil, "", nil, fmt.Errorf("featurizer: %w", err)
	}
	// One row per input, kept in one CSR; batches copy rows from it.
	rows := engine.NewCSR(len(o.Inputs), 0)
	var bits engine.RubricBits
	for i, data := range o.Inputs {
		c, err := card.Parse(data)
		if c == nil {
			return nil, "", nil, fmt.Errorf("parse card %d for scoring: %w", i, err)
		}
		rows.AppendRow(f.Featurize(c, &bits))
	}
	// Prebuild full batches over the inputs in order (at most
	// maxPrebuilt); timed batch k scores prebuilt batch k mod their count,
	// a shorter last batch a prefix of it.
	count := min((len(o.Inputs)+o.BatchSize-1)/o.BatchSize, maxPrebuilt)
	batches := make([]*engine.CSR, count)
	batchBytes := make([][]int64, count) // prefix sums of input bytes
	for k := range batches {
		b := engine.NewCSR(o.BatchSize, 0)
		sums := make([]int64, o.BatchSize+1)
		for i := range o.BatchSize {
			j := (k*o.BatchSize + i) % len(o.Inputs)
			b.AppendRow(rows.Row(j))
			sums[i+1] = sums[i] + int64(len(o.Inputs[j]))
		}
		batches[k], batchBytes[k] = b, sums
	}
	be, err := o.Registry.Open(o.Backend, model)
	if err != nil {
		return nil, "", nil, fmt.Errorf("open backend: %w", err)
	}
	var (
		out  engine.Scores
		seq  int
		view engine.CSR
	)
	fn := func(ctx context.Context, _, n int) (int64, error) {
		k := seq % len(batches)
		seq++
		b := batches[k]
		if n < b.Rows() {
			view = engine.CSR{RowPtr: b.RowPtr[:n+1], ColIdx: b.ColIdx[:b.RowPtr[n]], Vals: b.Vals[:b.RowPtr[n]]}
			b = &view
		}
		return batchBytes[k][n], be.Score(ctx, b, &out)
	}
	return fn, be.Name(), be.Close, nil
}
