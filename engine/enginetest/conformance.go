// Package enginetest holds the conformance suite that every scoring backend
// must pass: the same random and structured batches scored by the backend
// and by a float64 reference, compared within tolerance, with identical
// top-1 tasks.
package enginetest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// Tolerance is the largest relative error allowed between a backend and
// the float64 reference. Errors are measured relative to the magnitude of
// the sums involved: for a column, |b| + Σ|x·w| over the row's features
// (a value that cancels to near zero cannot be computed to 1e-5 of itself
// in float32 by any summation order); a probability p may move by
// p · 2 · the largest logit tolerance, as softmax turns logit errors into
// relative probability errors.
const Tolerance = 1e-5

// RandomModel returns a model with random weights, never all zero.
func RandomModel(rng *rand.Rand, features, tasks, standards int) *engine.Model {
	// Task names are the Hub's tasks, so that the tasks fall in several
	// families and the family sums are checked; past the Hub's list, made
	// up names (of no family: generic).
	hub := card.HubTasks()
	tn := make([]string, tasks)
	for i := range tn {
		if i < len(hub) {
			tn[i] = hub[i]
		} else {
			tn[i] = "task-" + string(rune('a'+i%26)) + string(rune('a'+i/26%26))
		}
	}
	sn := make([]string, standards)
	for i := range sn {
		sn[i] = "std-" + string(rune('a'+i))
	}
	m := engine.NewModel(features, tn, sn)
	w := m.Weights()
	for i := range w {
		w[i] = float32(rng.NormFloat64() * 0.5)
	}
	for i := range m.Bias {
		m.Bias[i] = float32(rng.NormFloat64() * 0.1)
	}
	return m
}

// RandomBatch returns rows random sparse rows with up to maxNNZ distinct
// features each, L2-normalised like the featurizer's rows.
func RandomBatch(rng *rand.Rand, rows, features, maxNNZ int) *engine.CSR {
	b := engine.NewCSR(rows, rows*maxNNZ/2)
	seen := make(map[int32]bool)
	var cols []int32
	var vals []float32
	for range rows {
		n := rng.IntN(maxNNZ + 1)
		n = min(n, features)
		clear(seen)
		cols, vals = cols[:0], vals[:0]
		for len(cols) < n {
			c := int32(rng.IntN(features))
			if seen[c] {
				continue
			}
			seen[c] = true
			cols = append(cols, c)
			vals = append(vals, float32(1-rng.Float64()))
		}
		var norm float64
		for _, v := range vals {
			norm += float64(v) * float64(v)
		}
		for i := range vals {
			vals[i] = float32(float64(vals[i]) / math.Sqrt(norm))
		}
		b.AppendRow(engine.Row{Cols: cols, Vals: vals})
	}
	return b
}

// Reference scores a batch in float64 with straightforward loops.
func Reference(m *engine.Model, batch *engine.CSR) (probs, completeness, magnitude [][]float64) {
	w := m.Weights()
	cols := m.Columns()
	tasks := len(m.Tasks)
	for r := range batch.Rows() {
		acc := make([]float64, cols)
		mag := make([]float64, cols)
		for c := range cols {
			acc[c] = float64(m.Bias[c])
			mag[c] = math.Abs(acc[c])
		}
		row := batch.Row(r)
		for k, f := range row.Cols {
			for c := range cols {
				term := float64(row.Vals[k]) * float64(w[int(f)*cols+c])
				acc[c] += term
				mag[c] += math.Abs(term)
			}
		}
		maxv := math.Inf(-1)
		for _, v := range acc[:tasks] {
			maxv = math.Max(maxv, v)
		}
		var sum float64
		p := make([]float64, tasks)
		for j, v := range acc[:tasks] {
			p[j] = math.Exp(v - maxv)
			sum += p[j]
		}
		for j := range p {
			p[j] /= sum
		}
		cs := make([]float64, len(m.Standards))
		for j, v := range acc[tasks:] {
			cs[j] = math.Min(math.Max(v, 0), 1)
		}
		probs = append(probs, p)
		completeness = append(completeness, cs)
		magnitude = append(magnitude, mag)
	}
	return probs, completeness, magnitude
}

// within reports whether got is within tol of want.
func within(got float32, want, tol float64) bool {
	return math.Abs(float64(got)-want) <= tol
}

// Check compares a backend's scores of a batch with the reference and
// reports every mismatch (up to a few) as test errors.
func Check(t *testing.T, m *engine.Model, batch *engine.CSR, got *engine.Scores) {
	t.Helper()
	probs, comp, mag := Reference(m, batch)
	tasks := len(m.Tasks)
	taskFamily := m.TaskFamilies()
	if got.Rows != batch.Rows() {
		t.Fatalf("scored %d rows, batch has %d", got.Rows, batch.Rows())
	}
	bad := 0
	fail := func(format string, args ...any) {
		bad++
		if bad <= 5 {
			t.Errorf(format, args...)
		}
	}
	for r := range batch.Rows() {
		p := probs[r]
		logitTol := 0.0
		for _, v := range mag[r][:tasks] {
			logitTol = math.Max(logitTol, Tolerance*math.Max(v, 1))
		}
		probTol := func(want float64) float64 { return want*2*logitTol + 1e-7 }
		// The reference's best task; ties are broken by the lowest index.
		best := 0
		for j := range p {
			if p[j] > p[best] {
				best = j
			}
		}
		top := got.TopTask[r*engine.TopK]
		if top < 0 || int(top) >= len(p) {
			fail("row %d: top-1 task index %d out of range", r, top)
			continue
		}
		if int(top) != best && !within(float32(p[best]), p[top], probTol(p[best])) {
			fail("row %d: top-1 task %d (p=%.6g), reference %d (p=%.6g)", r, top, p[top], best, p[best])
		}
		for k := range min(engine.TopK, len(p)) {
			j := got.TopTask[r*engine.TopK+k]
			if j < 0 || int(j) >= len(p) {
				fail("row %d: top-%d task index %d out of range", r, k+1, j)
				continue
			}
			if !within(got.TopProb[r*engine.TopK+k], p[j], probTol(p[j])) {
				fail("row %d: p(task %d) = %.8g, reference %.8g", r, j, got.TopProb[r*engine.TopK+k], p[j])
			}
			if k > 0 && got.TopProb[r*engine.TopK+k] > got.TopProb[r*engine.TopK+k-1] {
				fail("row %d: top-k not in descending order", r)
			}
		}
		if got.Families != len(engine.Families()) {
			fail("row %d: %d family columns, want %d", r, got.Families, len(engine.Families()))
			continue
		}
		famWant := make([]float64, got.Families)
		for j, f := range taskFamily {
			famWant[f] += p[j]
		}
		for f, want := range famWant {
			if v := got.FamilyProb[r*got.Families+f]; !within(v, want, probTol(want)) {
				fail("row %d: p(family %s) = %.8g, reference %.8g", r, engine.Families()[f], v, want)
			}
		}
		for j, want := range comp[r] {
			if v := got.Completeness[r*len(comp[r])+j]; !within(v, want, Tolerance*math.Max(mag[r][tasks+j], 1e-3)) {
				fail("row %d: completeness %d = %.8g, reference %.8g", r, j, v, want)
			}
		}
	}
	if bad > 5 {
		t.Errorf("... %d mismatches in all", bad)
	}
}

// Run runs the conformance suite against a backend factory. Inputs are
// fresh random values each run; the seed is logged so that a failure can
// be replayed.
func Run(t *testing.T, factory engine.BackendFactory) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("conformance seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	const features = 4096
	m := RandomModel(rng, features, 40, 4)
	be, err := factory(m)
	if err != nil {
		t.Fatalf("open backend: %v", err)
	}
	defer be.Close()
	cases := []struct {
		name   string
		batch  *engine.CSR
		repeat int
	}{
		{"one row", RandomBatch(rng, 1, features, 50), 1},
		{"empty rows", emptyRows(5), 1},
		{"mixed empty and full", mixed(rng, features), 1},
		{"thousands of features per row", RandomBatch(rng, 16, features, 3000), 1},
		{"typical batch", RandomBatch(rng, 1000, features, 200), 1},
		{"large batch", RandomBatch(rng, 20000, features, 40), 1},
		{"reused output", RandomBatch(rng, 300, features, 100), 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out engine.Scores
			for range tc.repeat {
				if err := be.Score(context.Background(), tc.batch, &out); err != nil {
					t.Fatalf("score: %v", err)
				}
			}
			Check(t, m, tc.batch, &out)
		})
	}
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out engine.Scores
		if err := be.Score(ctx, RandomBatch(rng, 5000, features, 20), &out); err == nil {
			t.Error("scoring with a cancelled context should fail")
		}
	})
	t.Run("column out of range", func(t *testing.T) {
		b := engine.NewCSR(1, 1)
		b.AppendRow(engine.Row{Cols: []int32{features}, Vals: []float32{1}})
		var out engine.Scores
		if err := be.Score(context.Background(), b, &out); err == nil {
			t.Error("a column past the model's features should be an error")
		}
	})
	for _, v := range []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())} {
		t.Run(fmt.Sprintf("value %v", v), func(t *testing.T) {
			// In a batch large enough for a backend to take its fastest
			// path: the value must be refused, not scored.
			b := RandomBatch(rng, 100, features, 20)
			b.AppendRow(engine.Row{Cols: []int32{0, 1}, Vals: []float32{0.5, v}})
			var out engine.Scores
			if err := be.Score(context.Background(), b, &out); err == nil {
				t.Errorf("a value of %v should be an error", v)
			}
		})
	}
}

func emptyRows(n int) *engine.CSR {
	b := engine.NewCSR(n, 0)
	for range n {
		b.AppendRow(engine.Row{})
	}
	return b
}

func mixed(rng *rand.Rand, features int) *engine.CSR {
	b := engine.NewCSR(64, 64*50)
	full := RandomBatch(rng, 32, features, 100)
	for i := range 32 {
		b.AppendRow(engine.Row{})
		b.AppendRow(full.Row(i))
	}
	return b
}
