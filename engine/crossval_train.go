package engine

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/terragonlabs/modelcard-generator/card"
)

// CVFold returns the fold, in 0..folds-1, of an owner's cards in
// CrossValidate: FNV-1a of the owner with a salt of its own, so that the
// folds do not follow the train/validation split (IsValidationOwner).
func CVFold(owner string, folds int) int {
	h := fnv.New64a()
	h.Write([]byte("cross-validation fold:"))
	h.Write([]byte(owner))
	return int(h.Sum64() % uint64(folds))
}

// CVResult is the pooled result of a cross-validation: every card is
// predicted once, by the model trained on the other folds.
type CVResult struct {
	// Cards is the number of cards predicted.
	Cards int
	// Top1 is the share whose pipeline tag is predicted first.
	Top1 float64
	// Family is the share whose first predicted tag is in the right
	// template family.
	Family float64
	// FamilyBySum is the share whose most probable family
	// (TaskModel.PredictFamilies) is right.
	FamilyBySum float64
}

// CrossValidate measures training options by owner-grouped k-fold
// cross-validation on cards (the training side of the split: the
// validation side is not for choosing settings): the owners are dealt
// into folds by CVFold, each fold is predicted by a model trained on the
// others, and the predictions are pooled. opts.Tasks names the tasks.
// It is deterministic given the cards and opts.
func CrossValidate(ctx context.Context, cards []LabelledCard, opts TrainOptions, folds int) (CVResult, error) {
	if folds < 2 {
		return CVResult{}, fmt.Errorf("cross-validation: %d folds; give at least 2", folds)
	}
	var r CVResult
	var top1, fam, famSum int
	for f := range folds {
		var train, held []LabelledCard
		for _, c := range cards {
			if CVFold(c.Owner, folds) == f {
				held = append(held, c)
			} else {
				train = append(train, c)
			}
		}
		if len(held) == 0 {
			continue
		}
		if len(train) == 0 {
			return CVResult{}, fmt.Errorf("cross-validation: fold %d holds every card", f+1)
		}
		examples, err := Examples(train, opts.Tasks)
		if err != nil {
			return CVResult{}, fmt.Errorf("cross-validation fold %d: %w", f+1, err)
		}
		m, err := Train(ctx, examples, opts)
		if err != nil {
			return CVResult{}, fmt.Errorf("cross-validation fold %d: %w", f+1, err)
		}
		for i := range held {
			c := &held[i]
			want, _ := card.FamilyForTask(c.Task)
			got := m.Predict(c.Row, 1)[0].Task
			if got == c.Task {
				top1++
			}
			if f, _ := card.FamilyForTask(got); f == want {
				fam++
			}
			if m.PredictFamilies(c.Row)[0].Family == want {
				famSum++
			}
			r.Cards++
		}
	}
	r.Top1 = share(top1, r.Cards)
	r.Family = share(fam, r.Cards)
	r.FamilyBySum = share(famSum, r.Cards)
	return r, nil
}
