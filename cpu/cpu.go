// Package cpu is the pure-Go scoring backend: a sparse-dense product of CSR
// feature rows with the model's weight matrix, with the softmax, top-k and
// completeness epilogue fused into the same pass, parallel over rows. It
// builds everywhere and is the reference the CUDA backend is checked
// against.
package cpu

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/terragonlabs/modelcard-generator/engine"
)

// Name is the backend's name in the registry.
const Name = "cpu"

// rowsPerChunk is how many rows one worker scores between checks of the
// context; large enough to amortise scheduling, small enough to balance.
const rowsPerChunk = 256

// maxFamilies bounds the template families the epilogue sums on the
// stack; New refuses more.
const maxFamilies = 32

// packMinRows is the size of the first batch for which the backend packs
// the live rows of W (see liveRows): packing takes about 1.5 ms, the time
// to score several hundred cards, too much for a run that scores a handful.
const packMinRows = 64

// Backend scores on the host's cores.
type Backend struct {
	// model is the model's W as it is, rows cols wide; packed holds its
	// live rows once a batch of packMinRows rows has asked for them
	// (packOnce builds them; until then it is nil and model is used).
	// Both give the same scores: packing only leaves out rows that would
	// add zero. bias is the model's bias padded with zeros to width,
	// cols rounded up to whole vectors, the width of the accumulator.
	model    weightRows
	packed   atomic.Pointer[weightRows]
	packOnce sync.Once
	bias     []float32
	cols     int
	width    int
	tasks    int
	feats    int
	// family maps each task column to its family's column of the scores;
	// nfam is the number of families.
	family  []int32
	nfam    int
	workers int
	// simd is whether rows are accumulated with the processor's vector
	// instructions (AVX2 with FMA on amd64).
	simd    bool
	scratch sync.Pool
}

// weightRows are rows of W, stride apart, each holding a feature's
// weights in its first cols values (the model's columns, or whole vectors
// of them padded with zeros). liveRow maps each feature to its row, or -1
// when all its weights are zero; nil maps every feature to its own row.
type weightRows struct {
	w       []float32
	stride  int
	cols    int
	liveRow []int32
}

// Option configures the backend.
type Option func(*Backend)

// WithWorkers sets the number of goroutines scoring in parallel (default:
// GOMAXPROCS).
func WithWorkers(n int) Option {
	return func(b *Backend) {
		if n > 0 {
			b.workers = n
		}
	}
}

// WithoutSIMD makes the backend accumulate in portable Go even where the
// processor has the vector instructions of the assembly version: the
// baseline of benchmarks and the reference of tests.
func WithoutSIMD() Option {
	return func(b *Backend) { b.simd = false }
}

// New returns a CPU backend for the model.
func New(m *engine.Model, opts ...Option) (*Backend, error) {
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("cpu backend: %w", err)
	}
	b := &Backend{
		bias:    m.Bias,
		cols:    m.Columns(),
		tasks:   len(m.Tasks),
		feats:   m.Features(),
		family:  m.TaskFamilies(),
		nfam:    len(engine.Families()),
		workers: runtime.GOMAXPROCS(0),
		simd:    hasAVX2FMA(),
	}
	if b.nfam > maxFamilies {
		return nil, fmt.Errorf("cpu backend: %d template families, the backend sums at most %d", b.nfam, maxFamilies)
	}
	for _, o := range opts {
		o(b)
	}
	b.width = accWidth(b.cols)
	b.model = weightRows{w: m.Weights(), stride: b.cols, cols: b.cols}
	bias := make([]float32, b.width)
	copy(bias, b.bias)
	b.bias = bias
	width := b.width
	b.scratch.New = func() any { return &rowScratch{acc: make([]float32, width)} }
	return b, nil
}

// weights returns the rows of W to score a batch of n rows with: the live
// rows packed (built by the first batch of packMinRows rows or more), or
// the model's W as it is before that.
func (b *Backend) weights(n int) *weightRows {
	if p := b.packed.Load(); p != nil {
		return p
	}
	if n < packMinRows {
		return &b.model
	}
	b.packOnce.Do(func() {
		p := &b.model
		if w, liveRow := liveRows(b.model.w, b.cols, b.width); w != nil {
			p = &weightRows{w: w, stride: b.width, cols: b.width, liveRow: liveRow}
		}
		b.packed.Store(p)
	})
	return b.packed.Load()
}

// liveRows returns the rows of w (cols columns, row-major) that hold a
// nonzero weight, in order, each padded with zeros to width (whole
// vectors, read without a masked tail; a row of the embedded model is 192
// bytes rather than 180, three cache lines), and for each row of w
// its index among them or -1. A trained model leaves most hashed buckets
// unlearned, and skipping their rows skips most of the memory a row's
// product would read. When fewer than half of the rows are zero it
// returns nil, nil: looking each feature up would cost more than the few
// rows it skipped.
func liveRows(w []float32, cols, width int) ([]float32, []int32) {
	rows := 0
	if cols > 0 {
		rows = len(w) / cols
	}
	liveRow := make([]int32, rows)
	live := 0
	for f := range rows {
		liveRow[f] = -1
		if !allZero(w[f*cols : (f+1)*cols]) {
			liveRow[f] = int32(live)
			live++
		}
	}
	if 2*live > rows {
		return nil, nil
	}
	packed := make([]float32, live*width)
	for f, r := range liveRow {
		if r >= 0 {
			copy(packed[int(r)*width:], w[f*cols:(f+1)*cols])
		}
	}
	return packed, liveRow
}

// allZero reports whether every value of row is zero (of either sign).
func allZero(row []float32) bool {
	var bits uint32
	for _, v := range row {
		bits |= math.Float32bits(v)
	}
	return bits&^(1<<31) == 0
}

// rowScratch is one worker's scratch: the row's accumulator, and its
// features that have live rows with their values.
type rowScratch struct {
	acc  []float32
	idx  []int32
	vals []float32
}

// live keeps the features of a row whose weights are not all zero,
// mapped to their rows of the packed W, in order. A feature whose row is
// zero would add zero to every column, so the logits are the same bit for
// bit (but for the sign of a zero, which neither the softmax nor the
// clamp of the epilogue sees).
func (s *rowScratch) live(liveRow []int32, idx []int32, vals []float32) ([]int32, []float32) {
	if cap(s.idx) < len(idx) {
		s.idx = make([]int32, len(idx), 2*len(idx))
		s.vals = make([]float32, len(idx), 2*len(idx))
	}
	outIdx, outVals := s.idx[:len(idx)], s.vals[:len(idx)]
	n := 0
	for k, f := range idx {
		r := liveRow[f]
		// Written always, kept when r >= 0: no branch on the row.
		outIdx[n] = r
		outVals[n] = vals[k]
		n += int(uint32(^r) >> 31)
	}
	return outIdx[:n], outVals[:n]
}

// vectorLanes is the float32 lanes of the widest vector accumulate uses.
const vectorLanes = 8

// accWidth is the width of the accumulator and of packed rows of W, for
// cols columns: cols rounded up to whole vectors, so that the vector loop
// reads and writes whole vectors (the lanes past cols gain zero).
func accWidth(cols int) int { return (cols + vectorLanes - 1) / vectorLanes * vectorLanes }

// Factory adapts New to engine.BackendFactory.
func Factory(m *engine.Model) (engine.Backend, error) { return New(m) }

// Name implements engine.Backend.
func (b *Backend) Name() string { return Name }

// Close implements engine.Backend.
func (b *Backend) Close() error { return nil }

// Score implements engine.Backend.
func (b *Backend) Score(ctx context.Context, batch *engine.CSR, out *engine.Scores) error {
	rows := batch.Rows()
	out.Resize(rows, b.cols-b.tasks, b.nfam)
	if rows == 0 {
		return nil
	}
	if err := batch.Validate(b.feats); err != nil {
		return fmt.Errorf("cpu backend: %w", err)
	}
	wr := b.weights(rows)
	chunks := (rows + rowsPerChunk - 1) / rowsPerChunk
	workers := min(b.workers, chunks)
	if workers <= 1 {
		return b.scoreChunks(ctx, wr, batch, out, 0, chunks, 1)
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = b.scoreChunks(ctx, wr, batch, out, w, chunks, workers)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// scoreChunks scores chunks first, first+stride, ... of the batch with
// the rows wr.
func (b *Backend) scoreChunks(ctx context.Context, wr *weightRows, batch *engine.CSR, out *engine.Scores, first, chunks, stride int) error {
	s := b.scratch.Get().(*rowScratch)
	defer b.scratch.Put(s)
	rows := batch.Rows()
	for c := first; c < chunks; c += stride {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min((c+1)*rowsPerChunk, rows)
		for r := c * rowsPerChunk; r < hi; r++ {
			b.scoreRow(wr, batch, r, s, out)
		}
	}
	return nil
}

// scoreRow computes one row's logits as a sum of scaled weight rows of
// wr, then the epilogue.
func (b *Backend) scoreRow(wr *weightRows, batch *engine.CSR, r int, s *rowScratch, out *engine.Scores) {
	acc := s.acc[:b.width]
	copy(acc, b.bias)
	lo, hi := batch.RowPtr[r], batch.RowPtr[r+1]
	idx, vals := batch.ColIdx[lo:hi], batch.Vals[lo:hi]
	if wr.liveRow != nil {
		idx, vals = s.live(wr.liveRow, idx, vals)
	}
	accumulate(acc, wr.w, wr.stride, wr.cols, idx, vals, b.simd)
	Epilogue(acc[:b.cols], b.family, out, r)
}

// accumulateGo adds vals[k] times the cols values of row idx[k] of w (rows
// stride apart) to acc[:cols] for every k: the portable version of
// accumulate.
func accumulateGo(acc, w []float32, stride, cols int, idx []int32, vals []float32) {
	acc = acc[:cols]
	for k, f := range idx {
		off := int(f) * stride
		axpy(acc, w[off:off+cols], vals[k])
	}
}

// axpy adds a*x to y, eight lanes at a time; len(x) must equal len(y).
func axpy(y, x []float32, a float32) {
	x = x[:len(y)]
	i := 0
	for ; i+8 <= len(y); i += 8 {
		yy := y[i : i+8 : i+8]
		xx := x[i : i+8 : i+8]
		yy[0] += a * xx[0]
		yy[1] += a * xx[1]
		yy[2] += a * xx[2]
		yy[3] += a * xx[3]
		yy[4] += a * xx[4]
		yy[5] += a * xx[5]
		yy[6] += a * xx[6]
		yy[7] += a * xx[7]
	}
	for ; i < len(y); i++ {
		y[i] += a * x[i]
	}
}

// Epilogue turns one row of logits into scores: softmax over the task
// columns (the first len(taskFamily)) with the TopK best kept and each
// task's probability added to its family's (taskFamily[j] is the index of
// task j's family in out's family columns), and the remaining columns
// clamped to [0,1] as completeness. It is exported so that other backends'
// tests can check against the same arithmetic.
func Epilogue(logits []float32, taskFamily []int32, out *engine.Scores, r int) {
	tasks := len(taskFamily)
	taskLogits := logits[:tasks]
	// Top-k by logit: the softmax is monotonic, so the order is the same.
	var top [engine.TopK]int32
	var topv [engine.TopK]float32
	for k := range top {
		top[k] = -1
		topv[k] = float32(math.Inf(-1))
	}
	maxv := float32(math.Inf(-1))
	for j, v := range taskLogits {
		if v > maxv {
			maxv = v
		}
		if v > topv[engine.TopK-1] {
			k := engine.TopK - 1
			for k > 0 && v > topv[k-1] {
				topv[k], top[k] = topv[k-1], top[k-1]
				k--
			}
			topv[k], top[k] = v, int32(j)
		}
	}
	// Family sums are gathered unnormalised, in float64, then divided.
	var famSum [maxFamilies]float64
	nfam := out.Families
	var sum float64
	for j, v := range taskLogits {
		e := math.Exp(float64(v - maxv))
		sum += e
		famSum[taskFamily[j]] += e
	}
	base := r * engine.TopK
	for k := range engine.TopK {
		out.TopTask[base+k] = top[k]
		if top[k] < 0 {
			out.TopProb[base+k] = 0
			continue
		}
		out.TopProb[base+k] = float32(math.Exp(float64(topv[k]-maxv)) / sum)
	}
	fam := out.FamilyProb[r*nfam : (r+1)*nfam]
	for f := range fam {
		if sum > 0 {
			fam[f] = float32(famSum[f] / sum)
		} else {
			fam[f] = 0
		}
	}
	std := logits[tasks:]
	dst := out.Completeness[r*len(std) : (r+1)*len(std)]
	for j, v := range std {
		dst[j] = min(max(v, 0), 1)
	}
}
