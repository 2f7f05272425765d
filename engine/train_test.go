package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// quietLogger drops the training progress.
var quietLogger = slog.New(slog.DiscardHandler)

// syntheticTasks are the task names of the synthetic problems.
var syntheticTasks = []string{"text-generation", "image-classification", "object-detection", "translation", "fill-mask"}

// syntheticSet builds a linearly separable problem like featurized cards:
// each of the first k tasks owns 5 signal buckets; each row holds 3 of
// its task's signal buckets and 30 noise buckets shared by all tasks, with
// signed log-like values, L2-normalised, plus a few rubric features that
// carry no signal. Task k-1 is rare (one example in 10). The signal
// buckets depend on signalSeed only, the rest on noiseSeed.
func syntheticSet(space FeatureSpace, k, n int, signalSeed, noiseSeed uint64) []Example {
	rng := rand.New(rand.NewPCG(signalSeed, 7))
	off := int32(space.HashOffset())
	buckets := int32(1) << space.HashBits
	signal := make([][]int32, k)
	used := map[int32]bool{}
	for t := range signal {
		for len(signal[t]) < 5 {
			b := off + rng.Int32N(buckets)
			if !used[b] {
				used[b] = true
				signal[t] = append(signal[t], b)
			}
		}
	}
	rng = rand.New(rand.NewPCG(noiseSeed, 11))
	set := make([]Example, n)
	for i := range set {
		task := i % (k - 1)
		if i%10 == 9 {
			task = k - 1
		}
		vals := map[int32]float32{}
		for _, j := range rng.Perm(5)[:3] {
			vals[signal[task][j]] = 1 + rng.Float32()
		}
		for len(vals) < 33 {
			b := off + rng.Int32N(buckets)
			if used[b] {
				continue
			}
			v := 1 + rng.Float32()
			if rng.IntN(2) == 0 {
				v = -v
			}
			vals[b] = v
		}
		var norm float64
		for _, v := range vals {
			norm += float64(v) * float64(v)
		}
		var row Row
		for r := range 4 {
			if rng.IntN(2) == 0 {
				row.Cols = append(row.Cols, int32(r))
				row.Vals = append(row.Vals, 1)
			}
		}
		cols := make([]int32, 0, len(vals))
		for c := range vals {
			cols = append(cols, c)
		}
		slices.Sort(cols)
		for _, c := range cols {
			row.Cols = append(row.Cols, c)
			row.Vals = append(row.Vals, vals[c]/float32(math.Sqrt(norm)))
		}
		set[i] = Example{Row: row, Task: task, Group: "g"}
	}
	return set
}

func syntheticOptions(space FeatureSpace) TrainOptions {
	opts := DefaultTrainOptions(space)
	opts.Tasks = syntheticTasks
	opts.TaskNamePrior = 0
	// The synthetic examples have no groups: keep every feature.
	opts.MinFeatureGroups = 0
	opts.Epochs = 10
	opts.Logger = quietLogger
	return opts
}

func accuracy(m *TaskModel, set []Example, tasks []string) float64 {
	right := 0
	for _, ex := range set {
		if m.Predict(ex.Row, 1)[0].Task == tasks[ex.Task] {
			right++
		}
	}
	return float64(right) / float64(len(set))
}

func TestTrainSeparable(t *testing.T) {
	space := FeatureSpace{HashBits: 10}
	const k = 4
	train := syntheticSet(space, k, 400, 1, 1)
	opts := syntheticOptions(space)
	m, err := Train(context.Background(), train, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Only the tasks that occur become columns, in the order of the names.
	if want := syntheticTasks[:k]; !slices.Equal(m.Tasks, want) {
		t.Errorf("tasks %v, want %v", m.Tasks, want)
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	if acc := accuracy(m, train, syntheticTasks); acc < 0.99 {
		t.Errorf("training accuracy %.3f on a separable problem, want ≥ 0.99", acc)
	}
	// The same signal, fresh noise: the model learned the signal.
	held := syntheticSet(space, k, 200, 1, 2)
	if acc := accuracy(m, held, syntheticTasks); acc < 0.97 {
		t.Errorf("held-out accuracy %.3f, want ≥ 0.97", acc)
	}
	// The rubric features carry nothing and are not inputs by default.
	kk := len(m.Tasks)
	for f := range NumRubric() {
		for c := range kk {
			if w := m.W[f*kk+c]; w != 0 {
				t.Fatalf("rubric feature %d has weight %v for %s without UseRubric", f, w, m.Tasks[c])
			}
		}
	}
	// With UseRubric they are.
	opts.UseRubric = true
	mr, err := Train(context.Background(), train, opts)
	if err != nil {
		t.Fatal(err)
	}
	nonzero := 0
	for _, w := range mr.W[:NumRubric()*kk] {
		if w != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Error("UseRubric trained no rubric weight")
	}
}

func TestTrainDeterministic(t *testing.T) {
	space := FeatureSpace{HashBits: 10}
	set := syntheticSet(space, 4, 200, 3, 3)
	opts := syntheticOptions(space)
	opts.Epochs = 3
	opts.TaskNamePrior = 2
	a, err := Train(context.Background(), set, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(context.Background(), set, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !bitsEqual(a.W, b.W) || !bitsEqual(a.Bias, b.Bias) {
		t.Fatal("two runs with the same seed gave different weights")
	}
	opts.Seed++
	c, err := Train(context.Background(), set, opts)
	if err != nil {
		t.Fatal(err)
	}
	if bitsEqual(a.W, c.W) {
		t.Error("a different seed gave the same weights: the seed does not drive the shuffling")
	}
}

func bitsEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// cancelOnEpoch is a slog handler that cancels a context when it sees the
// first epoch record.
type cancelOnEpoch struct {
	cancel context.CancelFunc
	epochs int
}

func (h *cancelOnEpoch) Enabled(context.Context, slog.Level) bool { return true }
func (h *cancelOnEpoch) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "train epoch" {
		h.epochs++
		h.cancel()
	}
	return nil
}
func (h *cancelOnEpoch) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *cancelOnEpoch) WithGroup(string) slog.Handler      { return h }

func TestTrainCancel(t *testing.T) {
	space := FeatureSpace{HashBits: 10}
	set := syntheticSet(space, 4, 200, 5, 5)
	opts := syntheticOptions(space)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, set, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before the start: error %v, want context.Canceled", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	h := &cancelOnEpoch{cancel: cancel}
	opts.Logger = slog.New(h)
	m, err := Train(ctx, set, opts)
	if !errors.Is(err, context.Canceled) || m != nil {
		t.Fatalf("cancelled after epoch 1: model %v, error %v; want no model and context.Canceled", m, err)
	}
	if h.epochs != 1 || !strings.Contains(err.Error(), "epoch 2") {
		t.Errorf("ran %d epochs, error %q; want it stopped in epoch 2", h.epochs, err)
	}
}

func TestTrainRejects(t *testing.T) {
	space := FeatureSpace{HashBits: 10}
	good := syntheticSet(space, 4, 40, 1, 1)
	tests := []struct {
		name   string
		edit   func(*TrainOptions, *[]Example)
		errHas string
	}{
		{"no examples", func(_ *TrainOptions, s *[]Example) { *s = nil }, "no examples"},
		{"no tasks", func(o *TrainOptions, _ *[]Example) { o.Tasks = nil }, "no task names"},
		{"bad space", func(o *TrainOptions, _ *[]Example) { o.Space.HashBits = 30 }, "hash bits"},
		{"zero epochs", func(o *TrainOptions, _ *[]Example) { o.Epochs = 0 }, "epochs"},
		{"zero batch", func(o *TrainOptions, _ *[]Example) { o.BatchSize = 0 }, "batch size"},
		{"NaN learning rate", func(o *TrainOptions, _ *[]Example) { o.LearningRate = math.NaN() }, "learning rate"},
		{"negative L2", func(o *TrainOptions, _ *[]Example) { o.L2 = -1 }, "L2"},
		{"class power", func(o *TrainOptions, _ *[]Example) { o.ClassWeightPower = 2 }, "class weight"},
		{"prior", func(o *TrainOptions, _ *[]Example) { o.TaskNamePrior = -1 }, "prior"},
		{"family loss", func(o *TrainOptions, _ *[]Example) { o.FamilyLoss = math.Inf(1) }, "family loss"},
		{"min groups", func(o *TrainOptions, _ *[]Example) { o.MinFeatureGroups = -1 }, "minimum feature groups"},
		{"task out of range", func(_ *TrainOptions, s *[]Example) { (*s)[3].Task = 99 }, "example 3 has task 99"},
		{"feature out of range", func(_ *TrainOptions, s *[]Example) { (*s)[2].Row.Cols[0] = 1 << 20 }, "example 2 has feature"},
		{"ragged row", func(_ *TrainOptions, s *[]Example) { (*s)[1].Row.Vals = (*s)[1].Row.Vals[:1] }, "example 1 has"},
		{"NaN value", func(_ *TrainOptions, s *[]Example) { (*s)[0].Row.Vals[0] = float32(math.NaN()) }, "NaN"},
		{"duplicate task", func(o *TrainOptions, _ *[]Example) {
			o.Tasks = []string{"text-generation", "text-generation", "object-detection", "translation", "fill-mask"}
		}, "named twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := syntheticOptions(space)
			set := make([]Example, len(good))
			for i, ex := range good {
				set[i] = Example{Row: Row{Cols: slices.Clone(ex.Row.Cols), Vals: slices.Clone(ex.Row.Vals)}, Task: ex.Task}
			}
			tt.edit(&opts, &set)
			_, err := Train(context.Background(), set, opts)
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("error %v, want one containing %q", err, tt.errHas)
			}
		})
	}
}

func TestExampleWeights(t *testing.T) {
	set := []Example{{Task: 0}, {Task: 0}, {Task: 0}, {Task: 1}}
	counts := []int{3, 1}
	tests := []struct {
		power float64
		want  []float64
	}{
		{0, []float64{1, 1, 1, 1}},
		// Balanced: each class's weights sum to the same, mean 1.
		{1, []float64{2.0 / 3, 2.0 / 3, 2.0 / 3, 2}},
	}
	for _, tt := range tests {
		got := exampleWeights(set, counts, 2, tt.power)
		for i := range got {
			if math.Abs(got[i]-tt.want[i]) > 1e-12 {
				t.Errorf("power %v: weights %v, want %v", tt.power, got, tt.want)
				break
			}
		}
	}
	// The square root lies between.
	half := exampleWeights(set, counts, 2, 0.5)
	if !(half[3] > 1 && half[3] < 2) || math.Abs(half[3]/half[0]-math.Sqrt(3)) > 1e-9 {
		t.Errorf("power 0.5: weights %v; want the rare example sqrt(3) times heavier", half)
	}
}

func TestTaskNamePrior(t *testing.T) {
	space := FeatureSpace{HashBits: 12}
	m := &TaskModel{Space: space, Tasks: []string{"text-generation", "automatic-speech-recognition", "object-detection"}}
	m.W = make([]float32, space.Dim()*len(m.Tasks))
	m.Bias = make([]float32, len(m.Tasks))
	if err := setTaskNamePrior(m, 4); err != nil {
		t.Fatal(err)
	}
	fz, err := NewFeaturizer(space)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ body, want string }{
		{"A model for speech recognition of meeting audio.", "automatic-speech-recognition"},
		{"Audio STT for Swahili.", "automatic-speech-recognition"}, // a synonym from the label mapping
		{"It finds every object in a photo: object detection with boxes.", "object-detection"},
		{"Text generation for stories.", "text-generation"},
	}
	for _, tt := range tests {
		c := mustParse(t, "# Model\n\n"+tt.body+"\n")
		var bits RubricBits
		row := fz.Featurize(c, &bits)
		if got := m.Predict(row, 1)[0].Task; got != tt.want {
			t.Errorf("%q: predicted %s, want %s", tt.body, got, tt.want)
		}
	}
}

func TestExamples(t *testing.T) {
	cards := []LabelledCard{
		{File: "a", Owner: "o1", Task: "translation", Row: Row{Cols: []int32{1}, Vals: []float32{1}}},
		{File: "b", Owner: "o2", Task: "fill-mask"},
	}
	ex, err := Examples(cards, syntheticTasks)
	if err != nil {
		t.Fatal(err)
	}
	if ex[0].Task != 3 || ex[1].Task != 4 || ex[0].Group != "o1" || ex[0].Row.Cols[0] != 1 {
		t.Errorf("examples %+v", ex)
	}
	cards[1].Task = "robotics"
	if _, err := Examples(cards, syntheticTasks); err == nil || !strings.Contains(err.Error(), `"robotics"`) {
		t.Errorf("unknown task: error %v", err)
	}
}

func TestRareFeatures(t *testing.T) {
	row := func(cols ...int32) Row { return Row{Cols: cols, Vals: make([]float32, len(cols))} }
	set := []Example{
		{Row: row(0, 1, 2), Group: "a"},
		{Row: row(0, 1), Group: "a"}, // a second card of a: feature 1 still has one group
		{Row: row(0, 2), Group: "b"},
		{Row: row(0, 3), Group: "c"},
	}
	tests := []struct {
		minGroups int
		want      []bool
	}{
		{1, []bool{false, false, false, false, true}},
		{2, []bool{false, true, false, true, true}},
		{3, []bool{false, true, true, true, true}},
		{4, []bool{true, true, true, true, true}},
	}
	for _, tt := range tests {
		if got := rareFeatures(set, 5, tt.minGroups); !slices.Equal(got, tt.want) {
			t.Errorf("rareFeatures(min %d) = %v, want %v", tt.minGroups, got, tt.want)
		}
	}
}

// TestTrainMinFeatureGroups checks that a feature only one group has is
// not learned, while the same signal spread over groups is.
func TestTrainMinFeatureGroups(t *testing.T) {
	space := FeatureSpace{HashBits: 8}
	off := int32(space.HashOffset())
	var set []Example
	for i := range 40 {
		task := i % 2
		// off+task marks the task in every group; off+10+task marks it
		// too, but only in group "solo".
		cols := []int32{off + int32(task)}
		group := fmt.Sprintf("g%d", i%8)
		if i < 8 {
			cols = append(cols, off+10+int32(task))
			group = "solo"
		}
		set = append(set, Example{Row: Row{Cols: cols, Vals: make([]float32, len(cols))}, Task: task, Group: group})
		for j := range set[len(set)-1].Row.Vals {
			set[len(set)-1].Row.Vals[j] = 1
		}
	}
	opts := syntheticOptions(space)
	opts.MinFeatureGroups = 2
	m, err := Train(context.Background(), set, opts)
	if err != nil {
		t.Fatal(err)
	}
	k := len(m.Tasks)
	for c := range k {
		if w := m.W[int(off+10)*k+c]; w != 0 {
			t.Errorf("the feature of one group has weight %v for %s", w, m.Tasks[c])
		}
	}
	if w0, w1 := m.W[int(off)*k+0], m.W[int(off)*k+1]; !(w0 > 0 && w1 < 0) {
		t.Errorf("the shared feature of %s has weights %v, %v; want it to favour its task", m.Tasks[0], w0, w1)
	}
	opts.MinFeatureGroups = 0
	m, err = Train(context.Background(), set, opts)
	if err != nil {
		t.Fatal(err)
	}
	if w := m.W[int(off+10)*k+0]; w == 0 {
		t.Error("without MinFeatureGroups the feature of one group was not learned")
	}
}

// TestAccumulateGradient checks the gradient accumulate computes, task
// and family loss together, against finite differences of its loss.
func TestAccumulateGradient(t *testing.T) {
	space := FeatureSpace{HashBits: 8}
	off := int32(space.HashOffset())
	// Two vision tasks, one LLM task, one seq2seq task.
	tasks := []string{"image-classification", "object-detection", "text-generation", "translation"}
	k := len(tasks)
	row := Row{Cols: []int32{off + 1, off + 7, off + 30}, Vals: []float32{0.6, -0.3, 0.74}}
	for _, familyLoss := range []float64{0, 1, 2.5} {
		m := &TaskModel{Space: space, Tasks: tasks, W: make([]float32, space.Dim()*k), Bias: []float32{0.1, -0.2, 0.3, 0}}
		rng := rand.New(rand.NewPCG(5, 6))
		for _, f := range row.Cols {
			for c := range k {
				m.W[int(f)*k+c] = float32(rng.NormFloat64())
			}
		}
		newTrainer := func() *trainer {
			tr := &trainer{
				m: m, k: k, slot: make([]int32, space.Dim()), logits: make([]float64, k), gradB: make([]float64, k),
				familyLoss: familyLoss, familyOf: taskFamilyIndex(tasks), nf: len(Families()),
			}
			tr.familyProb = make([]float64, tr.nf)
			tr.familyGrad = make([]float64, k)
			for i := range tr.slot {
				tr.slot[i] = -1
			}
			return tr
		}
		const class, weight = 1, 1.5
		tr := newTrainer()
		tr.accumulate(row, class, weight)
		for i, f := range row.Cols {
			for c := range k {
				idx := int(f)*k + c
				const eps = 1e-3
				orig := m.W[idx]
				m.W[idx] = orig + eps
				up, _ := newTrainer().accumulate(row, class, weight)
				m.W[idx] = orig - eps
				down, _ := newTrainer().accumulate(row, class, weight)
				m.W[idx] = orig
				numeric := (up - down) / (2 * eps)
				analytic := tr.gradW[int(tr.slot[f])*k+c]
				if math.Abs(numeric-analytic) > 1e-3*(1+math.Abs(numeric)) {
					t.Errorf("family loss %v: d loss / d w[%d (feature %d), %s] = %v, finite differences give %v", familyLoss, idx, i, tasks[c], analytic, numeric)
				}
			}
		}
	}
}

// TestTrainFamilyWeights checks that the shared family weights end up in
// W: a feature found only in examples of one family's tasks favours that
// family's tasks over the others even for a task it never saw.
func TestTrainFamilyWeights(t *testing.T) {
	space := FeatureSpace{HashBits: 8}
	off := int32(space.HashOffset())
	tasks := []string{"image-classification", "object-detection", "image-segmentation", "text-generation"}
	// Feature off+0 is in every image-classification and
	// object-detection example, never in image-segmentation ones (which
	// have their own off+2), nor text-generation ones (off+3).
	var set []Example
	for i := range 60 {
		task := []int{0, 1, 3}[i%3]
		cols := []int32{off + int32(task)}
		if task != 3 {
			cols = append(cols, off)
		}
		if i%10 == 0 {
			task = 2
			cols = []int32{off + 2}
		}
		vals := make([]float32, len(cols))
		for j := range vals {
			vals[j] = 1
		}
		set = append(set, Example{Row: Row{Cols: cols, Vals: vals}, Task: task, Group: fmt.Sprint(i)})
	}
	opts := syntheticOptions(space)
	opts.Tasks = tasks
	opts.FamilyLoss = 0
	for _, shared := range []bool{false, true} {
		opts.FamilyWeights = shared
		m, err := Train(context.Background(), set, opts)
		if err != nil {
			t.Fatal(err)
		}
		k := len(m.Tasks)
		w := m.W[int(off)*k : int(off)*k+k]
		// The vision task it never saw: with shared weights it gets
		// the family's weight; without, it is pushed down like the
		// LLM task.
		seg, llm := w[2], w[3]
		if shared && !(seg > llm+0.5) {
			t.Errorf("with family weights: the feature's weight for image-segmentation %v, for text-generation %v; want the vision task well above", seg, llm)
		}
		if !shared && seg > llm+0.5 {
			t.Errorf("without family weights: image-segmentation %v, text-generation %v; the test does not tell the two apart", seg, llm)
		}
	}
}
