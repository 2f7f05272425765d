package engine

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/terragonlabs/modelcard-generator/card"
)

// Example is one training example: a card's feature row and its task.
type Example struct {
	// Row is the card's feature row: a copy, not a Featurizer's reused
	// buffer. Train only reads it.
	Row Row
	// Task indexes TrainOptions.Tasks.
	Task int
	// Group is the card's owner or organisation, the unit of the
	// train/validation split.
	Group string
}

// TrainOptions configures Train. Start from DefaultTrainOptions; Train
// uses every field as given.
type TrainOptions struct {
	// Space is the feature layout of the examples' rows.
	Space FeatureSpace
	// Tasks names the task ids Example.Task indexes. Only the tasks that
	// occur in the examples become columns of the model.
	Tasks []string
	// Seed drives the shuffling of examples; the same seed and the same
	// examples give bit-identical weights.
	Seed uint64
	// Epochs is the number of passes over the examples.
	Epochs int
	// BatchSize is the number of examples per minibatch.
	BatchSize int
	// LearningRate is AdaGrad's base step size.
	LearningRate float64
	// L2 is the weight of the L2 penalty λ/2·‖w‖² on the weights (not on
	// the biases). It is applied lazily: to the feature rows a minibatch
	// touches, so that a frequent feature is regularised as often as it
	// is seen.
	L2 float64
	// ClassWeightPower weighs each example by (n / (K·n_c))^power, n_c
	// being its task's count and K the number of tasks: 0 gives no
	// weighting, 1 fully balanced classes, 0.5 the square root between.
	ClassWeightPower float64
	// UseRubric makes the rubric features inputs of the model. Off by
	// default: a card's structure (which sections, which metadata keys)
	// identifies the collection it came from more than its task, and on
	// the owner-split validation side the rubric features cost accuracy
	// (see the evaluation report of `modelcard train`). When off, the
	// rubric rows of W stay zero.
	UseRubric bool
	// TaskNamePrior is the initial weight, for each task, of the words
	// and word pairs of its names: its tag and the corpus labels that the
	// label mapping maps onto it from any source ("automatic", "speech",
	// "speech recognition", "stt", ... for automatic-speech-recognition).
	// 0 starts every weight from zero. Adaptive steps shrink as a weight
	// is updated, so the rare words that name a task would otherwise
	// stay too light against the many common ones. The default, 16, was
	// chosen by owner-split cross-validation within the corpus's training
	// side (see CrossValidate and docs/label-mapping.md).
	TaskNamePrior float64
	// FamilyLoss is the weight of an auxiliary loss on the template
	// family: -log of the summed probability of the true task's family
	// (card.FamilyForTask; tasks of no family count for the generic one),
	// added to each example's task cross-entropy. The engine chooses a
	// family by summed probabilities, and this loss trains that decision
	// directly. 0 leaves it out.
	FamilyLoss float64
	// FamilyWeights gives each template family a weight vector shared by
	// its tasks: task t's logit is x·(U[family(t)] + V[t]) while training,
	// so the words that mark a family are learned from all of its
	// examples, and the task weights learn what sets a task apart within
	// its family. U is folded into W when training ends (W = U + V per
	// task column), so the model is the same linear model.
	FamilyWeights bool
	// MinFeatureGroups leaves out of training the features seen in the
	// examples of fewer than this many groups (Example.Group, the card's
	// owner): a word found in one owner's cards only (a template's
	// boilerplate, a project's name) says more about the owner than the
	// task, and cards of new owners never have it. Its weights stay at
	// the task-name prior. 0 or 1 keeps every feature. The default, 8,
	// was chosen by owner-split cross-validation within the corpus's
	// training side (see docs/label-mapping.md).
	MinFeatureGroups int
	// Logger receives progress at level Info, one record per epoch with
	// the loss and accuracy measured on each minibatch before its step;
	// nil means slog.Default().
	Logger *slog.Logger
}

// DefaultTrainOptions returns the options the default model was trained
// with, for a feature layout.
func DefaultTrainOptions(space FeatureSpace) TrainOptions {
	return TrainOptions{
		Space:            space,
		Tasks:            card.HubTasks(),
		Seed:             1,
		Epochs:           15,
		BatchSize:        16,
		LearningRate:     0.2,
		L2:               1e-5,
		ClassWeightPower: 0.5,
		TaskNamePrior:    16,
		FamilyLoss:       1,
		FamilyWeights:    true,
		MinFeatureGroups: 8,
	}
}

// check validates the options.
func (o *TrainOptions) check() error {
	if err := o.Space.Check(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	switch {
	case len(o.Tasks) == 0:
		return fmt.Errorf("train: no task names given (TrainOptions.Tasks)")
	case o.Epochs < 1:
		return fmt.Errorf("train: %d epochs; give at least 1", o.Epochs)
	case o.BatchSize < 1:
		return fmt.Errorf("train: batch size %d; give at least 1", o.BatchSize)
	case !(o.LearningRate > 0) || math.IsInf(o.LearningRate, 0):
		return fmt.Errorf("train: learning rate %v; give a positive number", o.LearningRate)
	case !(o.L2 >= 0) || math.IsInf(o.L2, 0):
		return fmt.Errorf("train: L2 weight %v; give zero or a positive number", o.L2)
	case !(o.ClassWeightPower >= 0 && o.ClassWeightPower <= 1):
		return fmt.Errorf("train: class weight power %v; give a number from 0 to 1", o.ClassWeightPower)
	case !(o.TaskNamePrior >= 0 && o.TaskNamePrior <= 1000):
		return fmt.Errorf("train: task name prior %v; give a number from 0 to 1000", o.TaskNamePrior)
	case !(o.FamilyLoss >= 0 && o.FamilyLoss <= 100):
		return fmt.Errorf("train: family loss weight %v; give a number from 0 to 100", o.FamilyLoss)
	case o.MinFeatureGroups < 0:
		return fmt.Errorf("train: minimum feature groups %d; give zero or a positive number", o.MinFeatureGroups)
	}
	return nil
}

// adagradEpsilon keeps AdaGrad's first steps finite.
const adagradEpsilon = 1e-8

// Train fits a multinomial logistic regression on the examples: softmax
// cross-entropy over the tasks that occur (plus opts.FamilyLoss times the
// family cross-entropy), class-weighted, L2-regularised, over the hashed
// text features (and the rubric features with opts.UseRubric), by
// minibatch SGD with per-weight AdaGrad steps from class-prior biases and
// the task-name prior, with per-family shared weights when
// opts.FamilyWeights. It runs on the calling
// goroutine, is deterministic given opts.Seed (the same examples and
// options give bit-identical weights), and stops with ctx's error when ctx
// is cancelled (checked between minibatches).
func Train(ctx context.Context, set []Example, opts TrainOptions) (*TaskModel, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	if len(set) == 0 {
		return nil, fmt.Errorf("train: no examples")
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	dim := opts.Space.Dim()

	// The columns: the tasks that occur, in the order of opts.Tasks.
	counts := make([]int, len(opts.Tasks))
	for i, ex := range set {
		if ex.Task < 0 || ex.Task >= len(opts.Tasks) {
			return nil, fmt.Errorf("train: example %d has task %d, outside the %d task names", i, ex.Task, len(opts.Tasks))
		}
		if len(ex.Row.Cols) != len(ex.Row.Vals) {
			return nil, fmt.Errorf("train: example %d has %d columns and %d values", i, len(ex.Row.Cols), len(ex.Row.Vals))
		}
		for j, c := range ex.Row.Cols {
			if c < 0 || int(c) >= dim {
				return nil, fmt.Errorf("train: example %d has feature %d, outside the space's %d features (hash bits %d)", i, c, dim, opts.Space.HashBits)
			}
			if v := ex.Row.Vals[j]; !finite32(v) {
				return nil, fmt.Errorf("train: example %d has feature %d = %v", i, c, v)
			}
		}
		counts[ex.Task]++
	}
	column := make([]int, len(opts.Tasks))
	var tasks []string
	for t, n := range counts {
		column[t] = -1
		if n > 0 {
			column[t] = len(tasks)
			tasks = append(tasks, opts.Tasks[t])
		}
	}
	k := len(tasks)
	seen := make(map[string]bool, k)
	for _, t := range tasks {
		if seen[t] {
			return nil, fmt.Errorf("train: task %q is named twice in TrainOptions.Tasks", t)
		}
		seen[t] = true
	}

	weight := exampleWeights(set, counts, k, opts.ClassWeightPower)
	m := &TaskModel{Space: opts.Space, Tasks: tasks, W: make([]float32, dim*k), Bias: make([]float32, k)}
	// Class-prior biases: the model starts from the weighted class
	// frequencies, so the weights only learn what the features add.
	mass := make([]float64, k)
	var total float64
	for i, ex := range set {
		mass[column[ex.Task]] += weight[i]
		total += weight[i]
	}
	for c := range k {
		m.Bias[c] = float32(math.Log(mass[c] / total))
	}
	if opts.TaskNamePrior != 0 {
		if err := setTaskNamePrior(m, float32(opts.TaskNamePrior)); err != nil {
			return nil, err
		}
	}

	tr := trainer{
		m:          m,
		k:          k,
		lr:         opts.LearningRate,
		l2:         opts.L2,
		gsqW:       make([]float32, dim*k),
		gsqB:       make([]float64, k),
		slot:       make([]int32, dim),
		logits:     make([]float64, k),
		gradB:      make([]float64, k),
		familyLoss: opts.FamilyLoss,
		familyOf:   taskFamilyIndex(tasks),
		nf:         len(Families()),
	}
	for i := range tr.slot {
		tr.slot[i] = -1
	}
	tr.familyProb = make([]float64, tr.nf)
	tr.familyGrad = make([]float64, k)
	if opts.FamilyWeights {
		tr.u = make([]float32, dim*tr.nf)
		tr.gsqU = make([]float32, dim*tr.nf)
		tr.gradU = make([]float64, tr.nf)
	}
	if !opts.UseRubric {
		tr.firstFeature = int32(opts.Space.HashOffset())
	}
	if opts.MinFeatureGroups > 1 {
		tr.skip = rareFeatures(set, dim, opts.MinFeatureGroups)
	}

	rng := rand.New(rand.NewPCG(opts.Seed, 0x6d6f64656c636172)) // "modelcar"
	order := make([]int, len(set))
	for i := range order {
		order[i] = i
	}
	start := time.Now()
	for epoch := range opts.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var loss, weightSum float64
		correct := 0
		for lo := 0; lo < len(order); lo += opts.BatchSize {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("train: stopped in epoch %d: %w", epoch+1, err)
			}
			batch := order[lo:min(lo+opts.BatchSize, len(order))]
			for _, i := range batch {
				ex := &set[i]
				c := column[ex.Task]
				l, ok := tr.accumulate(ex.Row, c, weight[i])
				loss += l
				weightSum += weight[i]
				if ok {
					correct++
				}
			}
			tr.step(len(batch))
		}
		log.Info("train epoch", "epoch", epoch+1, "of", opts.Epochs,
			"loss", math.Round(loss/weightSum*1e4)/1e4,
			"train_accuracy", math.Round(float64(correct)/float64(len(set))*1e4)/1e4,
			"elapsed", time.Since(start).Round(time.Millisecond))
	}
	if tr.u != nil {
		for f := range dim {
			u := tr.u[f*tr.nf : f*tr.nf+tr.nf]
			w := m.W[f*k : f*k+k]
			for c := range w {
				w[c] += u[tr.familyOf[c]]
			}
		}
	}
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("train: the optimisation diverged (lower the learning rate): %w", err)
	}
	return m, nil
}

// setTaskNamePrior sets, for each task, the weight of each hashed unigram
// and bigram of the task's names (as the featurizer hashes body text) to
// ±prior, the sign of the bucket's hash. A task's names are its tag and
// the labels that the label mapping maps onto it from any source
// ("speech recognition", "audio stt" for automatic-speech-recognition).
func setTaskNamePrior(m *TaskModel, prior float32) error {
	fz, err := NewFeaturizer(m.Space)
	if err != nil {
		return err
	}
	k := len(m.Tasks)
	for t, task := range m.Tasks {
		names := []string{task}
		for _, r := range labelRules {
			if r.Tag == task && r.Source == "" {
				names = append(names, r.Label)
			}
		}
		for _, name := range names {
			fz.hashText(strings.ReplaceAll(name, "-", " "), seedBody, true)
		}
		for _, b := range fz.touched {
			c := fz.acc[b]
			fz.acc[b] = 0
			f := int(fz.offset) + int(b)
			switch {
			case c > 0:
				m.W[f*k+t] = prior
			case c < 0:
				m.W[f*k+t] = -prior
			}
		}
		fz.touched = fz.touched[:0]
	}
	return nil
}

// rareFeatures marks the features found in the rows of fewer than
// minGroups distinct example groups.
func rareFeatures(set []Example, dim, minGroups int) []bool {
	last := make([]int32, dim) // the last group (1-based) seen with each feature
	groups := make([]int32, dim)
	ids := make(map[string]int32)
	for _, ex := range set {
		g, ok := ids[ex.Group]
		if !ok {
			g = int32(len(ids)) + 1
			ids[ex.Group] = g
		}
		for _, c := range ex.Row.Cols {
			if last[c] != g {
				last[c] = g
				groups[c]++
			}
		}
	}
	rare := make([]bool, dim)
	for f, n := range groups {
		rare[f] = int(n) < minGroups
	}
	return rare
}

// exampleWeights returns each example's class weight, (n / (K·n_c))^
// ClassWeightPower, scaled so that the weights average 1.
func exampleWeights(set []Example, counts []int, k int, power float64) []float64 {
	w := make([]float64, len(set))
	var sum float64
	for i, ex := range set {
		w[i] = math.Pow(float64(len(set))/(float64(k)*float64(counts[ex.Task])), power)
		sum += w[i]
	}
	scale := float64(len(set)) / sum
	for i := range w {
		w[i] *= scale
	}
	return w
}

// trainer holds the optimiser state of Train.
type trainer struct {
	m      *TaskModel
	k      int
	lr, l2 float64
	// firstFeature is the first feature the model learns: 0, or the
	// first hashed feature when the rubric is left out.
	firstFeature int32
	// skip marks the features left out of training (MinFeatureGroups);
	// nil when none is.
	skip []bool
	// familyLoss is TrainOptions.FamilyLoss; familyOf maps each column to
	// its family's index, of nf families; familyProb and familyGrad are
	// scratch space for the family loss.
	familyLoss float64
	familyOf   []int32
	nf         int
	familyProb []float64
	familyGrad []float64
	// u holds the per-family shared weights (TrainOptions.FamilyWeights),
	// features × nf, with AdaGrad's sums gsqU and the minibatch gradient
	// of one feature row, gradU; nil without family weights.
	u     []float32
	gsqU  []float32
	gradU []float64
	gsqW  []float32 // AdaGrad's sums of squared gradients, per weight
	gsqB  []float64 // and per bias
	// The minibatch gradient, sparse over feature rows: slot[f] is the
	// row of gradW holding feature f's gradient, -1 when untouched.
	slot    []int32
	touched []int32
	gradW   []float64
	gradB   []float64
	logits  []float64
}

// accumulate adds one example's weighted cross-entropy gradient (task,
// and family when familyLoss > 0) to the minibatch gradient and returns
// its weighted loss and whether the model ranked its task first.
func (tr *trainer) accumulate(row Row, class int, weight float64) (loss float64, correct bool) {
	k := tr.k
	p := tr.m.Logits(row, tr.logits)
	if tr.u != nil {
		nf := tr.nf
		for i, f := range row.Cols {
			if f < tr.firstFeature {
				continue
			}
			x := float64(row.Vals[i])
			u := tr.u[int(f)*nf : int(f)*nf+nf]
			for c := range p {
				p[c] += x * float64(u[tr.familyOf[c]])
			}
		}
	}
	best := topK(p, 1)[0]
	softmaxInPlace(p)
	loss = -weight * math.Log(max(p[class], 1e-300))
	if tr.familyLoss > 0 {
		// d(-log P_F)/dz_c = p_c - [c in F]·p_c/P_F, P_F the summed
		// probability of the true family F.
		clear(tr.familyProb)
		for c, v := range p {
			tr.familyProb[tr.familyOf[c]] += v
		}
		fy := tr.familyOf[class]
		pf := max(tr.familyProb[fy], 1e-300)
		loss -= weight * tr.familyLoss * math.Log(pf)
		for c, v := range p {
			g := v
			if tr.familyOf[c] == fy {
				g -= v / pf
			}
			tr.familyGrad[c] = tr.familyLoss * g
		}
		p[class]--
		for c := range p {
			p[c] += tr.familyGrad[c]
		}
	} else {
		p[class]--
	}
	for c := range p {
		p[c] *= weight
		tr.gradB[c] += p[c]
	}
	for i, f := range row.Cols {
		if f < tr.firstFeature || (tr.skip != nil && tr.skip[f]) {
			continue
		}
		s := tr.slot[f]
		if s < 0 {
			s = int32(len(tr.touched))
			tr.slot[f] = s
			tr.touched = append(tr.touched, f)
			n := len(tr.gradW)
			tr.gradW = slices.Grow(tr.gradW, k)[:n+k]
			clear(tr.gradW[n:])
		}
		x := float64(row.Vals[i])
		g := tr.gradW[int(s)*k : int(s)*k+k]
		for c, d := range p {
			g[c] += x * d
		}
	}
	return loss, best == class
}

// step applies the averaged minibatch gradient with AdaGrad and clears it.
// A family's shared weight of a feature gets the sum of the gradients of
// the family's task weights.
func (tr *trainer) step(n int) {
	k := tr.k
	inv := 1 / float64(n)
	for s, f := range tr.touched {
		w := tr.m.W[int(f)*k : int(f)*k+k]
		gsq := tr.gsqW[int(f)*k : int(f)*k+k]
		g := tr.gradW[s*k : s*k+k]
		if tr.u != nil {
			tr.stepFamily(f, g, inv)
		}
		for c := range k {
			gc := g[c]*inv + tr.l2*float64(w[c])
			sq := float64(gsq[c]) + gc*gc
			gsq[c] = float32(sq)
			w[c] = float32(float64(w[c]) - tr.lr*gc/(math.Sqrt(sq)+adagradEpsilon))
		}
		tr.slot[f] = -1
	}
	for c := range k {
		gc := tr.gradB[c] * inv
		tr.gsqB[c] += gc * gc
		tr.m.Bias[c] = float32(float64(tr.m.Bias[c]) - tr.lr*gc/(math.Sqrt(tr.gsqB[c])+adagradEpsilon))
		tr.gradB[c] = 0
	}
	tr.touched = tr.touched[:0]
	tr.gradW = tr.gradW[:0]
}

// stepFamily applies the AdaGrad step of feature f's shared family
// weights, given the minibatch gradient g of its task weights.
func (tr *trainer) stepFamily(f int32, g []float64, inv float64) {
	nf := tr.nf
	u := tr.u[int(f)*nf : int(f)*nf+nf]
	gsq := tr.gsqU[int(f)*nf : int(f)*nf+nf]
	clear(tr.gradU)
	for c, gc := range g {
		tr.gradU[tr.familyOf[c]] += gc
	}
	for j := range nf {
		gj := tr.gradU[j]*inv + tr.l2*float64(u[j])
		if gj == 0 {
			continue
		}
		sq := float64(gsq[j]) + gj*gj
		gsq[j] = float32(sq)
		u[j] = float32(float64(u[j]) - tr.lr*gj/(math.Sqrt(sq)+adagradEpsilon))
	}
}

// TaskIndexes maps task names to their indexes in tasks, for building
// Examples; names not in tasks map to -1.
func TaskIndexes(tasks []string) map[string]int {
	m := make(map[string]int, len(tasks))
	for i, t := range tasks {
		if _, dup := m[t]; !dup {
			m[t] = i
		}
	}
	return m
}
