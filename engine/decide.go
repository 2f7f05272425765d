package engine

import (
	"github.com/terragonlabs/modelcard-generator/card"
)

// TaskPrediction is one predicted task of a card.
type TaskPrediction struct {
	// Task is the Hub pipeline tag.
	Task string `json:"task"`
	// Family is the template family of the task.
	Family card.FamilyID `json:"family"`
	// Probability is the model's probability for the task.
	Probability float64 `json:"probability"`
}

// Decision is what the engine concludes about one card.
type Decision struct {
	// DeclaredTask is the task the card declares (pipeline_tag, else the
	// first model-index task) when it is a Hub task, or "".
	DeclaredTask string
	// Predicted are the best predicted tasks, most probable first.
	Predicted []TaskPrediction
	// Family is the template family chosen: the declared task's family
	// when the card declares a valid task, else the predicted one's.
	Family card.FamilyID
	// Mismatch is true when the declared and predicted tasks belong to
	// different families.
	Mismatch bool
	// Scores maps each standard's id to the card's completeness in [0,1].
	Scores map[string]float64
	// Missing maps each standard's id to the ids of the rubric items the
	// card lacks.
	Missing map[string][]string
}

// DeclaredTask returns the task a card declares: its pipeline_tag when that
// is a Hub task, else the type of its first model-index result when that
// is one, else "".
func DeclaredTask(c *card.Card) string {
	if c == nil || c.Meta == nil {
		return ""
	}
	if tag := c.Meta.String("pipeline_tag"); tag != "" && card.IsHubTask(tag) {
		return tag
	}
	if t := c.Meta.ScalarAt([]any{"model-index", 0, "results", 0, "task", "type"}); t != "" && card.IsHubTask(t) {
		return t
	}
	return ""
}

// decide turns a card's scores into a decision.
func (e *Engine) decide(declared string, bits *RubricBits, s *Scores, row int) Decision {
	d := Decision{
		DeclaredTask: declared,
		Scores:       make(map[string]float64, len(e.standards)),
		Missing:      make(map[string][]string, len(e.standards)),
	}
	for k := range TopK {
		j := s.TopTask[row*TopK+k]
		if j < 0 {
			break
		}
		fam := e.families[e.taskFamily[j]]
		if d.Predicted == nil {
			// Sized for all TopK at once; nil (JSON null) when there are
			// none.
			d.Predicted = make([]TaskPrediction, 0, TopK)
		}
		d.Predicted = append(d.Predicted, TaskPrediction{Task: e.model.Tasks[j], Family: fam, Probability: float64(s.TopProb[row*TopK+k])})
	}
	predicted := mostProbableFamily(e.families, s.FamilyProb[row*s.Families:(row+1)*s.Families])
	d.Family = predicted
	if d.DeclaredTask != "" {
		d.Family, _ = card.FamilyForTask(d.DeclaredTask)
		d.Mismatch = len(d.Predicted) > 0 && d.Family != predicted
	}
	// Every standard's missing items in one allocation: each list is a
	// full slice of it, so that appending to one cannot reach the next.
	total := 0
	for i := range e.standards {
		total += e.standards[i].countMissing(bits)
	}
	all := make([]string, 0, total)
	for i := range e.standards {
		st := &e.standards[i]
		d.Scores[st.ID] = float64(s.Completeness[row*s.Standards+i])
		start := len(all)
		all = st.appendMissing(all, bits)
		d.Missing[st.ID] = all[start:len(all):len(all)]
	}
	return d
}

// mostProbableFamily is the family with the most probability, the sum of
// the probabilities of all its tasks (probs, in the order of families): a
// family whose probability is spread over several tasks (fill-mask,
// text-classification, ...) can outweigh a single task of another. Ties go
// to the family listed first, as in TaskModel.PredictFamilies, whose rule
// the evaluation scores. With no probability at all (a model without
// tasks) the family is generic.
func mostProbableFamily(families []card.FamilyID, probs []float32) card.FamilyID {
	best := -1
	for i, p := range probs {
		if p > 0 && (best < 0 || p > probs[best]) {
			best = i
		}
	}
	if best < 0 {
		return card.FamilyGeneric
	}
	return families[best]
}
