// Package engine is the scoring engine of modelcard-generator: it turns
// cards into sparse feature rows (rubric facts and hashed text), packs them
// into CSR batches, scores them on a Backend (one sparse-dense product with
// a fused softmax/top-k/completeness epilogue), and decides each card's
// template family, predicted tasks and per-standard gaps. It also trains
// the template-selection model and runs the streaming audit pipeline.
package engine

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/terragonlabs/modelcard-generator/card"
)

// Config configures an Engine.
type Config struct {
	// TaskModel is the template-selection model; nil means the embedded
	// default.
	TaskModel *TaskModel
	// Standards are the standards to score; nil means all built-in ones.
	Standards []Standard
	// Registry holds the backends; Backend names the one to open
	// ("auto", "cpu", "cuda").
	Registry *Registry
	// Backend is the backend name; "" means "auto".
	Backend string
	// BatchSize is the number of cards per scoring batch (default 512,
	// at most MaxBatchSize).
	BatchSize int
	// Workers is the number of parallel parse/featurize workers (default
	// GOMAXPROCS).
	Workers int
	// ParseCard reads one audit input into a card; nil means parser.Parse
	// (Hugging Face READMEs). Each audit worker passes its own parser, so
	// the card may live in the parser's memory: the worker lets it go
	// before it parses the next. It must be safe for concurrent use with
	// distinct parsers and, like card.Parse, may return a usable card
	// together with an error.
	ParseCard func(parser *card.Parser, path string, data []byte) (*card.Card, error)
}

// Engine scores cards. It is safe for concurrent use.
type Engine struct {
	space     FeatureSpace
	model     *Model
	standards []Standard
	// families is Families(); taskFamily maps each task column to its
	// index there.
	families    []card.FamilyID
	taskFamily  []int32
	backend     Backend
	batchSize   int
	workers     int
	parseCard   func(parser *card.Parser, path string, data []byte) (*card.Card, error)
	featurizers sync.Pool
	// batches are CSR batches kept for reuse, so that a batch's arrays are
	// not grown afresh for every chunk of cards.
	batches sync.Pool
}

// MaxBatchSize is the largest BatchSize: a batch's slots are allocated
// up front, and larger batches score no faster.
const MaxBatchSize = 1 << 16

// New builds an engine: loads the models, builds the scoring matrix and
// opens the backend.
func New(cfg Config) (*Engine, error) {
	if cfg.BatchSize > MaxBatchSize {
		return nil, fmt.Errorf("engine: batch size %d: at most %d", cfg.BatchSize, MaxBatchSize)
	}
	standards := cfg.Standards
	if standards == nil {
		var err error
		if standards, err = LoadStandards(); err != nil {
			return nil, fmt.Errorf("load standards: %w", err)
		}
	}
	var (
		model *Model
		space FeatureSpace
		err   error
	)
	if tm := cfg.TaskModel; tm != nil {
		model, err = BuildModel(tm, standards)
		space = tm.Space
	} else {
		model, space, err = defaultModel(standards)
	}
	if err != nil {
		return nil, err
	}
	if cfg.Registry == nil {
		return nil, fmt.Errorf("engine: no backend registry")
	}
	be, err := cfg.Registry.Open(cfg.Backend, model)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		space:      space,
		model:      model,
		standards:  standards,
		families:   Families(),
		taskFamily: model.TaskFamilies(),
		backend:    be,
		batchSize:  cfg.BatchSize,
		workers:    cfg.Workers,
		parseCard:  cfg.ParseCard,
	}
	if e.parseCard == nil {
		e.parseCard = func(parser *card.Parser, _ string, data []byte) (*card.Card, error) { return parser.Parse(data) }
	}
	if e.batchSize <= 0 {
		e.batchSize = 512
	}
	if e.workers <= 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	e.batches.New = func() any { return NewCSR(0, 0) }
	e.featurizers.New = func() any {
		f, err := NewFeaturizer(space)
		if err != nil {
			panic(err) // the space was checked when the model was loaded
		}
		return f
	}
	return e, nil
}

// BuildModel combines a task model and the standards into one scoring
// matrix: the task columns as trained, then one column per standard whose
// rubric rows hold the items' normalised weights.
func BuildModel(tm *TaskModel, standards []Standard) (*Model, error) {
	if err := tm.Space.Check(); err != nil {
		return nil, err
	}
	features := tm.Space.Dim()
	if len(tm.W) != features*len(tm.Tasks) || len(tm.Bias) != len(tm.Tasks) {
		return nil, fmt.Errorf("task model: %d weights and %d biases for %d features × %d tasks",
			len(tm.W), len(tm.Bias), features, len(tm.Tasks))
	}
	m := newModelWithStandards(features, tm.Tasks, standards)
	w := m.Weights()
	cols := m.Columns()
	tasks := len(tm.Tasks)
	for f := range features {
		copy(w[f*cols:f*cols+tasks], tm.W[f*tasks:(f+1)*tasks])
	}
	return finishModel(m, tm.Bias, standards)
}

// defaultModel builds the scoring model of the embedded default task model
// and the standards, decoding the task weights straight into W: what
// every run of the engine pays before its first card.
func defaultModel(standards []Standard) (*Model, FeatureSpace, error) {
	var m *Model
	tm, err := decodeTaskModel(defaultModelBytes, func(dim, k int) ([]float32, int) {
		m = newModelWithStandards(dim, make([]string, k), standards)
		return m.Weights(), m.Columns()
	})
	if err != nil {
		return nil, FeatureSpace{}, fmt.Errorf("load the default task model: embedded default task model: %w", err)
	}
	copy(m.Tasks, tm.Tasks)
	m, err = finishModel(m, tm.Bias, standards)
	return m, tm.Space, err
}

// newModelWithStandards returns a zero model with the task columns and
// one column per standard.
func newModelWithStandards(features int, tasks []string, standards []Standard) *Model {
	names := make([]string, len(standards))
	for i, s := range standards {
		names[i] = s.ID
	}
	return NewModel(features, tasks, names)
}

// finishModel sets the task biases and the standards' columns of a model
// whose task weights are in place, and checks it.
func finishModel(m *Model, taskBias []float32, standards []Standard) (*Model, error) {
	w := m.Weights()
	cols := m.Columns()
	tasks := len(m.Tasks)
	features := m.Features()
	copy(m.Bias, taskBias)
	for j := range standards {
		col := standards[j].Column(features)
		for f, v := range col {
			if v != 0 {
				w[f*cols+tasks+j] = v
			}
		}
	}
	return m, m.Check()
}

// Close releases the backend.
func (e *Engine) Close() error { return e.backend.Close() }

// BackendName returns the name of the backend in use.
func (e *Engine) BackendName() string { return e.backend.Name() }

// Backend returns the backend in use, for callers that look for what a
// particular backend adds (a device memory pool, a health report).
func (e *Engine) Backend() Backend { return e.backend }

// Standards returns the standards the engine scores.
func (e *Engine) Standards() []Standard { return e.standards }

// Tasks returns the tasks the engine predicts.
func (e *Engine) Tasks() []string { return e.model.Tasks }

// Decide featurizes, scores and decides a slice of parsed cards, in order,
// on the calling goroutine (the backend may use more).
func (e *Engine) Decide(ctx context.Context, cards []*card.Card) ([]Decision, error) {
	f := e.featurizers.Get().(*Featurizer)
	defer e.featurizers.Put(f)
	batch := e.batches.Get().(*CSR)
	defer e.batches.Put(batch)
	batch.Reset()
	bits := make([]RubricBits, len(cards))
	declared := make([]string, len(cards))
	for i, c := range cards {
		batch.AppendRow(f.Featurize(c, &bits[i]))
		declared[i] = DeclaredTask(c)
	}
	return e.scoreAndDecide(ctx, batch, bits, declared)
}
