package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Backend scores CSR batches against the model it was built with: one
// sparse-dense product X·W + b per batch with a fused epilogue (softmax and
// top-k over the task columns, completeness clamped to [0,1] per standard).
type Backend interface {
	// Name identifies the backend, such as "cpu" or "cuda".
	Name() string
	// Score fills out with one result row per batch row. It honours ctx's
	// cancellation between chunks of work.
	Score(ctx context.Context, batch *CSR, out *Scores) error
	// Close releases the backend's resources.
	Close() error
}

// BackendFactory builds a backend for a model.
type BackendFactory func(m *Model) (Backend, error)

// Registry maps backend names to factories. It is built by the program
// (there is no global registry) and chooses a backend for --backend.
type Registry struct {
	names     []string
	factories map[string]BackendFactory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{factories: map[string]BackendFactory{}}
}

// Add registers a factory under a name. Names added first are preferred by
// "auto".
func (r *Registry) Add(name string, f BackendFactory) {
	if _, ok := r.factories[name]; !ok {
		r.names = append(r.names, name)
	}
	r.factories[name] = f
}

// Names returns the registered names in order of preference.
func (r *Registry) Names() []string { return slices.Clone(r.names) }

// Open builds the named backend. "auto" tries each registered backend in
// order of preference and returns the first that opens, with the errors of
// those that did not.
func (r *Registry) Open(name string, m *Model) (Backend, error) {
	if name == "" || name == "auto" {
		var errs []string
		for _, n := range r.names {
			b, err := r.factories[n](m)
			if err == nil {
				return b, nil
			}
			errs = append(errs, fmt.Sprintf("%s: %v", n, err))
		}
		return nil, fmt.Errorf("no backend could be opened (%s)", strings.Join(errs, "; "))
	}
	f, ok := r.factories[name]
	if !ok {
		return nil, fmt.Errorf("unknown backend %q; the backends are auto, %s", name, strings.Join(r.names, ", "))
	}
	b, err := f(m)
	if err != nil {
		return nil, fmt.Errorf("open backend %s: %w", name, err)
	}
	return b, nil
}

// TopK is the number of predicted tasks kept per row.
const TopK = 3

// Scores is the result of scoring a batch: per row, the TopK task columns
// by probability, the probability of each template family (the sum over
// its tasks) and the completeness of each standard.
type Scores struct {
	// Rows is the number of rows.
	Rows int
	// Standards is the number of standard columns.
	Standards int
	// Families is the number of template families, len(Families()).
	Families int
	// TopTask holds Rows*TopK task column indexes, best first; -1 pads
	// when the model has fewer than TopK tasks.
	TopTask []int32
	// TopProb holds the matching probabilities.
	TopProb []float32
	// FamilyProb holds Rows*Families values: per row, the probability of
	// each family of Families(), the sum of its tasks' probabilities.
	FamilyProb []float32
	// Completeness holds Rows*Standards values in [0,1].
	Completeness []float32
}

// Resize makes room for rows rows, standards standards and families
// families, keeping memory.
func (s *Scores) Resize(rows, standards, families int) {
	s.Rows, s.Standards, s.Families = rows, standards, families
	s.TopTask = resize(s.TopTask, rows*TopK)
	s.TopProb = resize(s.TopProb, rows*TopK)
	s.FamilyProb = resize(s.FamilyProb, rows*families)
	s.Completeness = resize(s.Completeness, rows*standards)
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
