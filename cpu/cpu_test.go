package cpu

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/engine/enginetest"
)

func TestConformance(t *testing.T) {
	enginetest.Run(t, Factory)
}

func TestConformanceOneWorker(t *testing.T) {
	enginetest.Run(t, func(m *engine.Model) (engine.Backend, error) { return New(m, WithWorkers(1)) })
}

func TestEpilogueTopKAndClamp(t *testing.T) {
	out := &engine.Scores{}
	out.Resize(1, 2, 3)
	// Tasks 0..3 with task 2 best, then 0, then 3; standards -0.5 and 1.7.
	// Tasks 0 and 3 are of family 1, task 1 of family 0, task 2 of family 2.
	Epilogue([]float32{1, -2, 3, 0.5, -0.5, 1.7}, []int32{1, 0, 2, 1}, out, 0)
	if got := out.TopTask[:3]; got[0] != 2 || got[1] != 0 || got[2] != 3 {
		t.Errorf("top tasks = %v, want [2 0 3]", got)
	}
	if out.Completeness[0] != 0 || out.Completeness[1] != 1 {
		t.Errorf("completeness = %v, want clamped [0 1]", out.Completeness)
	}
	if p := out.TopProb; !(p[0] > p[1] && p[1] > p[2] && p[0] < 1) {
		t.Errorf("probabilities %v not descending in (0,1)", p)
	}
	// Family sums: e^v / Σe^v summed per family.
	var sum float64
	for _, v := range []float64{1, -2, 3, 0.5} {
		sum += math.Exp(v)
	}
	want := []float64{math.Exp(-2) / sum, (math.Exp(1) + math.Exp(0.5)) / sum, math.Exp(3) / sum}
	for f, w := range want {
		if got := float64(out.FamilyProb[f]); math.Abs(got-w) > 1e-6 {
			t.Errorf("family %d probability %v, want %v", f, got, w)
		}
	}
}

func TestEpilogueFewerTasksThanK(t *testing.T) {
	out := &engine.Scores{}
	out.Resize(1, 0, 1)
	Epilogue([]float32{0.3, 0.1}, []int32{0, 0}, out, 0)
	if out.TopTask[2] != -1 || out.TopProb[2] != 0 {
		t.Errorf("third slot = %d/%v, want -1/0 padding", out.TopTask[2], out.TopProb[2])
	}
	if sum := out.TopProb[0] + out.TopProb[1]; sum < 0.9999 || sum > 1.0001 {
		t.Errorf("probabilities sum to %v", sum)
	}
	if p := out.FamilyProb[0]; p < 0.9999 || p > 1.0001 {
		t.Errorf("the one family's probability is %v, want 1", p)
	}
}

// scalarScore is the straightforward baseline the backend must beat: for
// each row and each column, a dot product over the row's features reading
// W column-wise, then the same epilogue, on one goroutine.
func scalarScore(m *engine.Model, batch *engine.CSR, out *engine.Scores) {
	w := m.Weights()
	cols := m.Columns()
	out.Resize(batch.Rows(), len(m.Standards), len(engine.Families()))
	taskFamily := m.TaskFamilies()
	acc := make([]float32, cols)
	for r := range batch.Rows() {
		row := batch.Row(r)
		for c := range cols {
			s := m.Bias[c]
			for k, f := range row.Cols {
				s += row.Vals[k] * w[int(f)*cols+c]
			}
			acc[c] = s
		}
		Epilogue(acc, taskFamily, out, r)
	}
}

func benchBatch() (*engine.Model, *engine.CSR) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := enginetest.RandomModel(rng, 1<<16, 48, 4)
	// About 300 features per typical card.
	return m, enginetest.RandomBatch(rng, 8192, 1<<16, 600)
}

func BenchmarkScoreCPU(b *testing.B) { benchmarkScore(b) }

// BenchmarkScoreCPUNoSIMD is the backend accumulating in portable Go: the
// baseline of the assembly version.
func BenchmarkScoreCPUNoSIMD(b *testing.B) { benchmarkScore(b, WithoutSIMD()) }

func benchmarkScore(b *testing.B, opts ...Option) {
	m, batch := benchBatch()
	be, err := New(m, opts...)
	if err != nil {
		b.Fatal(err)
	}
	var out engine.Scores
	b.ResetTimer()
	for b.Loop() {
		if err := be.Score(context.Background(), batch, &out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch.Rows())*float64(b.N)/b.Elapsed().Seconds(), "cards/s")
}

func BenchmarkScoreScalarBaseline(b *testing.B) {
	m, batch := benchBatch()
	var out engine.Scores
	b.ResetTimer()
	for b.Loop() {
		scalarScore(m, batch, &out)
	}
	b.ReportMetric(float64(batch.Rows())*float64(b.N)/b.Elapsed().Seconds(), "cards/s")
}

func TestScalarBaselineAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := enginetest.RandomModel(rng, 512, 10, 3)
	batch := enginetest.RandomBatch(rng, 50, 512, 40)
	var out engine.Scores
	scalarScore(m, batch, &out)
	enginetest.Check(t, m, batch, &out)
}

func TestAccumulateSIMDMatchesGo(t *testing.T) {
	if !hasAVX2FMA() {
		t.Skip("this processor has no AVX2 with FMA: only the Go version runs here")
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	cases := []struct {
		name               string
		cols, stride, rows int
		nnz                int
	}{
		{"one column", 1, 1, 50, 30},
		{"below a vector", 7, 7, 50, 30},
		{"one vector", 8, 8, 50, 30},
		{"vector and one", 9, 9, 50, 30},
		{"the model's width", 45, 45, 4096, 600},
		{"the model's width, rows padded", 45, 48, 4096, 600},
		{"eight vectors and a tail, the most held in registers", 70, 70, 300, 200},
		{"nine vectors, summed in memory", 72, 72, 300, 200},
		{"wide with a tail", 100, 100, 300, 200},
		{"no features", 45, 45, 10, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := make([]float32, tc.rows*tc.stride)
			for i := range w {
				if i%tc.stride < tc.cols {
					w[i] = float32(rng.NormFloat64())
				}
			}
			idx := make([]int32, tc.nnz)
			vals := make([]float32, tc.nnz)
			for k := range idx {
				idx[k] = int32(rng.IntN(tc.rows))
				vals[k] = float32(rng.Float64()*2 - 1)
			}
			width := accWidth(tc.cols)
			start := make([]float32, width)
			for j := range tc.cols {
				start[j] = float32(rng.NormFloat64())
			}
			want := append([]float32(nil), start...)
			accumulateGo(want, w, tc.stride, tc.cols, idx, vals)
			// One extra slot past the accumulator's width must stay
			// untouched, and the lanes past cols zero.
			got := append(append([]float32(nil), start...), 12345)
			accumulate(got, w, tc.stride, tc.cols, idx, vals, true)
			if got[width] != 12345 {
				t.Fatalf("the assembly wrote past lane %d", width)
			}
			for j := range width {
				scale := math.Max(1, math.Abs(float64(want[j])))
				if d := math.Abs(float64(got[j]-want[j])) / scale; d > 1e-4 {
					t.Fatalf("lane %d: assembly %v, Go %v", j, got[j], want[j])
				}
			}
			if tc.nnz > 0 && slices.Equal(got[:tc.cols], start[:tc.cols]) {
				t.Fatal("the assembly added nothing")
			}
			if tc.nnz == 0 && !slices.Equal(got[:width], start) {
				t.Fatal("the assembly changed the accumulator without features")
			}
		})
	}
}

func TestSIMDBackendAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	m := enginetest.RandomModel(rng, 4096, 41, 4)
	batch := enginetest.RandomBatch(rng, 500, 4096, 300)
	results := make([]engine.Scores, 2)
	for i, opts := range [][]Option{nil, {WithoutSIMD()}} {
		be, err := New(m, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if err := be.Score(context.Background(), batch, &results[i]); err != nil {
			t.Fatal(err)
		}
		enginetest.Check(t, m, batch, &results[i])
	}
	for r := range batch.Rows() {
		if results[0].TopTask[r*engine.TopK] != results[1].TopTask[r*engine.TopK] {
			t.Fatalf("row %d: top task %d with SIMD, %d without", r, results[0].TopTask[r*engine.TopK], results[1].TopTask[r*engine.TopK])
		}
	}
}

// TestAccumulateTails holds the vector accumulate to the portable one for
// every width from 1 to 80 columns, summed in registers (up to 8 whole
// vectors and a tail) and in memory, with rows up to the last of w, which
// ends where an unreadable page starts (on linux/amd64: a read past the
// row faults), and checks that the accumulator's lanes past the columns
// stay zero.
func TestAccumulateTails(t *testing.T) {
	if !hasAVX2FMA() {
		t.Skip("this processor has no vector accumulate")
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for cols := 1; cols <= 80; cols++ {
		const rows = 9
		w := guardedFloats(t, rows*cols)
		for i := range w {
			w[i] = float32(rng.NormFloat64())
		}
		idx := []int32{rows - 1, 0, 4, rows - 1, 2}
		vals := make([]float32, len(idx))
		for i := range vals {
			vals[i] = float32(rng.NormFloat64())
		}
		got := make([]float32, accWidth(cols))
		want := make([]float32, cols)
		accumulate(got, w, cols, cols, idx, vals, true)
		accumulateGo(want, w, cols, cols, idx, vals)
		for c := range cols {
			if d := math.Abs(float64(got[c] - want[c])); d > 1e-5*(1+math.Abs(float64(want[c]))) {
				t.Fatalf("cols %d: column %d is %v, the portable sum %v", cols, c, got[c], want[c])
			}
		}
		for c := cols; c < len(got); c++ {
			if got[c] != 0 {
				t.Fatalf("cols %d: padding lane %d is %v, want 0", cols, c, got[c])
			}
		}
	}
}

func TestLiveRows(t *testing.T) {
	// Four rows of three columns; rows 1 and 3 are zero (row 3 with a
	// negative zero, which is zero too).
	negZero := float32(math.Copysign(0, -1))
	w := []float32{
		1, 0, 2,
		0, 0, 0,
		0, 0, -3,
		0, negZero, 0,
	}
	packed, liveRow := liveRows(w, 3, 8)
	if want := []int32{0, -1, 1, -1}; !slices.Equal(liveRow, want) {
		t.Fatalf("live rows %v, want %v", liveRow, want)
	}
	want := []float32{
		1, 0, 2, 0, 0, 0, 0, 0,
		0, 0, -3, 0, 0, 0, 0, 0,
	}
	if !slices.Equal(packed, want) {
		t.Fatalf("packed rows %v, want %v", packed, want)
	}
	// With fewer zero rows than live ones, nothing is packed.
	if rows, m := liveRows(w[:9], 3, 8); rows != nil || m != nil {
		t.Fatalf("mostly live: rows %v, map %v; want nothing packed", rows, m)
	}

	var s rowScratch
	idx, vals := s.live(liveRow, []int32{3, 2, 1, 0, 2}, []float32{0.5, 0.25, 4, 8, 16})
	if !slices.Equal(idx, []int32{1, 0, 1}) || !slices.Equal(vals, []float32{0.25, 8, 16}) {
		t.Errorf("live features %v %v, want [1 0 1] [0.25 8 16]", idx, vals)
	}
	idx, vals = s.live(liveRow, []int32{1, 3}, []float32{1, 1})
	if len(idx) != 0 || len(vals) != 0 {
		t.Errorf("a row of dead features kept %v %v", idx, vals)
	}
}

// TestSparseModelScores scores a model whose weights are mostly zero, as a
// trained one's are (and a row of it with only zero-weight features), and
// holds the backend to the reference with and without the vector
// accumulate. Batches smaller than packMinRows are scored with the model's
// W as it is, larger ones with the live rows packed: both give the same
// scores, bit for bit.
func TestSparseModelScores(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := enginetest.RandomModel(rng, 2048, 41, 4)
	w := m.Weights()
	cols := m.Columns()
	zero := 0
	for f := range m.Features() {
		if rng.IntN(4) != 0 {
			clear(w[f*cols : (f+1)*cols])
			zero++
		}
	}
	batch := enginetest.RandomBatch(rng, 300, 2048, 200)
	for f := range m.Features() {
		if w[f*cols] == 0 && w[f*cols+1] == 0 {
			// A row of one feature, whose weights are all zero: the
			// scores are the bias's.
			batch.AppendRow(engine.Row{Cols: []int32{int32(f)}, Vals: []float32{1}})
			break
		}
	}
	for _, opts := range [][]Option{nil, {WithoutSIMD()}, {WithWorkers(1)}} {
		be, err := New(m, opts...)
		if err != nil {
			t.Fatal(err)
		}
		// Row by row first: batches of one, which do not pack.
		byRow := make([]engine.Scores, batch.Rows())
		for r := range byRow {
			lo, hi := batch.RowPtr[r], batch.RowPtr[r+1]
			single := &engine.CSR{RowPtr: []int32{0, hi - lo}, ColIdx: batch.ColIdx[lo:hi], Vals: batch.Vals[lo:hi]}
			if err := be.Score(context.Background(), single, &byRow[r]); err != nil {
				t.Fatal(err)
			}
		}
		// A batch one row short of packMinRows does not pack either; one
		// of packMinRows rows does.
		for _, n := range []int{packMinRows - 1, packMinRows} {
			prefix := &engine.CSR{RowPtr: batch.RowPtr[:n+1], ColIdx: batch.ColIdx[:batch.RowPtr[n]], Vals: batch.Vals[:batch.RowPtr[n]]}
			var scores engine.Scores
			if err := be.Score(context.Background(), prefix, &scores); err != nil {
				t.Fatal(err)
			}
			if packed := be.packed.Load() != nil; packed != (n >= packMinRows) {
				t.Fatalf("after a batch of %d rows, packed is %v", n, packed)
			}
		}
		var out engine.Scores
		if err := be.Score(context.Background(), batch, &out); err != nil {
			t.Fatal(err)
		}
		p := be.packed.Load()
		if p.liveRow == nil {
			t.Fatal("the live rows of W were not packed")
		}
		if got := len(p.w) / p.stride; got != m.Features()-zero {
			t.Fatalf("%d live rows, want %d", got, m.Features()-zero)
		}
		enginetest.Check(t, m, batch, &out)
		for r, s := range byRow {
			if !sameScores(s, out, r) {
				t.Fatalf("row %d: scored alone with W as it is %+v, in a batch with the packed rows differently", r, s)
			}
		}
	}
}

// sameScores reports whether one's only row equals row r of batch, bit
// for bit.
func sameScores(one, batch engine.Scores, r int) bool {
	k, f, c := len(one.TopTask), len(one.FamilyProb), len(one.Completeness)
	return slices.Equal(one.TopTask, batch.TopTask[r*k:(r+1)*k]) &&
		slices.Equal(one.TopProb, batch.TopProb[r*k:(r+1)*k]) &&
		slices.Equal(one.FamilyProb, batch.FamilyProb[r*f:(r+1)*f]) &&
		slices.Equal(one.Completeness, batch.Completeness[r*c:(r+1)*c])
}
