package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestCVFold(t *testing.T) {
	tests := []struct {
		folds int
	}{{2}, {5}, {10}}
	for _, tt := range tests {
		used := map[int]int{}
		validation, validationFold0 := 0, 0
		for i := range 500 {
			owner := fmt.Sprintf("owner-%d", i)
			f := CVFold(owner, tt.folds)
			if f < 0 || f >= tt.folds {
				t.Fatalf("CVFold(%q, %d) = %d, outside 0..%d", owner, tt.folds, f, tt.folds-1)
			}
			if f != CVFold(owner, tt.folds) {
				t.Fatalf("CVFold(%q, %d) changes between calls", owner, tt.folds)
			}
			used[f]++
			if IsValidationOwner(owner) {
				validation++
				if f == 0 {
					validationFold0++
				}
			}
		}
		for f := range tt.folds {
			if n := used[f]; n < 500/tt.folds/2 {
				t.Errorf("%d folds: fold %d holds %d of 500 owners", tt.folds, f, n)
			}
		}
		// The folds are not the train/validation split in disguise: the
		// validation owners spread over the folds about evenly too.
		if share := float64(validationFold0) / float64(max(validation, 1)); validation == 0 ||
			share < 0.4/float64(tt.folds) || share > 1.6/float64(tt.folds) {
			t.Errorf("%d folds: %d of %d validation owners fall in fold 0", tt.folds, validationFold0, validation)
		}
	}
}

func TestCrossValidate(t *testing.T) {
	space := FeatureSpace{HashBits: 10}
	set := syntheticSet(space, 4, 300, 1, 1)
	cards := make([]LabelledCard, len(set))
	for i, ex := range set {
		cards[i] = LabelledCard{File: fmt.Sprint(i), Owner: fmt.Sprintf("o%d", i%30), Task: syntheticTasks[ex.Task], Row: ex.Row}
	}
	opts := syntheticOptions(space)
	r, err := CrossValidate(context.Background(), cards, opts, 5)
	if err != nil {
		t.Fatal(err)
	}
	if r.Cards != len(cards) {
		t.Errorf("%d cards predicted, want each of the %d once", r.Cards, len(cards))
	}
	// The same signal in every fold: held-out owners are predicted well.
	if r.Top1 < 0.95 || r.Family < r.Top1 || r.FamilyBySum < 0.9 {
		t.Errorf("result %+v; want top-1 ≥ 0.95, family ≥ top-1 and family by summed probabilities ≥ 0.9 on a separable problem", r)
	}
	again, err := CrossValidate(context.Background(), cards, opts, 5)
	if err != nil {
		t.Fatal(err)
	}
	if again != r {
		t.Errorf("two runs gave %+v and %+v", r, again)
	}

	// Errors.
	for _, tt := range []struct {
		name   string
		cards  []LabelledCard
		folds  int
		errHas string
	}{
		{"one fold", cards, 1, "give at least 2"},
		{"one owner", []LabelledCard{{Owner: "x", Task: "fill-mask"}, {Owner: "x", Task: "fill-mask"}}, 3, "holds every card"},
		{"unknown task", []LabelledCard{{Owner: "a", Task: "no-such-task"}, {Owner: "b", Task: "no-such-task"}, {Owner: "c", Task: "no-such-task"}}, 2, "no-such-task"},
	} {
		_, err := CrossValidate(context.Background(), tt.cards, opts, tt.folds)
		if err == nil || !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.errHas)
		}
	}
}
