package engine

import (
	"fmt"
	"slices"

	"github.com/terragonlabs/modelcard-generator/card"
	"gorgonia.org/tensor"
)

// Model is the scoring model shared by every backend: one dense float32
// matrix W of shape features × columns and a bias per column. Columns
// 0..len(Tasks)-1 are task logits (the Hub's pipeline tags), the next
// len(Standards) columns are per-standard completeness.
type Model struct {
	// W is the weight matrix, features × columns, row-major float32.
	W *tensor.Dense
	// Bias has one value per column.
	Bias []float32
	// Tasks names the task columns.
	Tasks []string
	// Standards names the standard columns.
	Standards []string
}

// NewModel returns a zero model for the given shape.
func NewModel(features int, tasks, standards []string) *Model {
	cols := len(tasks) + len(standards)
	return &Model{
		W:         tensor.New(tensor.WithShape(features, cols), tensor.Of(tensor.Float32)),
		Bias:      make([]float32, cols),
		Tasks:     tasks,
		Standards: standards,
	}
}

// Families returns the template families in the order of the family
// columns of Scores: card.FamilyIDs().
func Families() []card.FamilyID { return card.FamilyIDs() }

// TaskFamilies returns, for each task column, the index in Families() of
// the task's family (a task of no family counts as generic): what a
// backend needs to sum task probabilities into family probabilities.
func (m *Model) TaskFamilies() []int32 { return taskFamilyIndex(m.Tasks) }

// taskFamilyIndex returns, for each task, the index in Families() of its
// family; card.FamilyForTask counts a task of no family as generic.
func taskFamilyIndex(tasks []string) []int32 {
	fams := Families()
	out := make([]int32, len(tasks))
	for j, task := range tasks {
		f, _ := card.FamilyForTask(task)
		out[j] = int32(slices.Index(fams, f))
	}
	return out
}

// Features returns the number of feature rows of W.
func (m *Model) Features() int { return m.W.Shape()[0] }

// Columns returns the number of columns of W.
func (m *Model) Columns() int { return m.W.Shape()[1] }

// Weights returns W's backing slice, row-major: W[f*Columns()+c].
func (m *Model) Weights() []float32 { return m.W.Data().([]float32) }

// Check verifies that the model's parts agree.
func (m *Model) Check() error {
	if m.W == nil {
		return fmt.Errorf("model has no weight matrix")
	}
	if m.W.Dtype() != tensor.Float32 || len(m.W.Shape()) != 2 {
		return fmt.Errorf("weight matrix must be 2-D float32, is %v %v", m.W.Dtype(), m.W.Shape())
	}
	if len(m.Tasks) == 0 {
		return fmt.Errorf("model has no task columns")
	}
	if got, want := m.Columns(), len(m.Tasks)+len(m.Standards); got != want {
		return fmt.Errorf("weight matrix has %d columns, tasks and standards need %d", got, want)
	}
	if len(m.Bias) != m.Columns() {
		return fmt.Errorf("bias has %d values for %d columns", len(m.Bias), m.Columns())
	}
	return nil
}
