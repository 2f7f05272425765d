package cpu_test

import (
	"context"
	"slices"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/cpu"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// TestDecisionsFollowEvaluatedFamily runs the engine on this backend over
// corpus cards and checks each decision's predicted family against the
// rule the evaluation report scores (TaskModel.PredictFamilies over the
// card's features): the family sums of the epilogue are what decide.
func TestDecisionsFollowEvaluatedFamily(t *testing.T) {
	inputs := corpusCards(t)
	tm, err := engine.DefaultTaskModel()
	if err != nil {
		t.Fatal(err)
	}
	reg := engine.NewRegistry()
	reg.Add(cpu.Name, cpu.Factory)
	e, err := engine.New(engine.Config{TaskModel: tm, Registry: reg, Backend: cpu.Name})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	fz, err := engine.NewFeaturizer(tm.Space)
	if err != nil {
		t.Fatal(err)
	}
	var cards []*card.Card
	for _, in := range inputs[:min(len(inputs), 600)] {
		if c, err := card.Parse(in.Data); c != nil && err == nil {
			cards = append(cards, c)
		}
	}
	ds, err := e.Decide(context.Background(), cards)
	if err != nil {
		t.Fatal(err)
	}
	differ := 0
	for i, c := range cards {
		var bits engine.RubricBits
		row := fz.Featurize(c, &bits)
		want := tm.PredictFamilies(engine.Row{Cols: slices.Clone(row.Cols), Vals: slices.Clone(row.Vals)})[0].Family
		d := ds[i]
		ok := d.Family == want
		if d.DeclaredTask != "" {
			// The declared task's family is the decision; the predicted
			// one shows in the mismatch flag.
			ok = d.Mismatch == (d.Family != want)
		}
		if !ok {
			differ++
			if differ <= 5 {
				t.Errorf("card %d (declared %q): family %s, mismatch %v; evaluated family %s", i, d.DeclaredTask, d.Family, d.Mismatch, want)
			}
		}
	}
	if len(cards) < 300 {
		t.Fatalf("only %d corpus cards parsed", len(cards))
	}
}
