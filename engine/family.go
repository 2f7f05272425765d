package engine

import (
	"context"
	"fmt"

	"github.com/terragonlabs/modelcard-generator/card"
)

// DecideFunc scores parsed cards, in order: (*Engine).Decide, or a
// batcher in front of it.
type DecideFunc func(ctx context.Context, cards []*card.Card) ([]Decision, error)

// FamilyChoice is what ChooseFamilies concluded about one card.
type FamilyChoice struct {
	// Family is the card's template family, as it will be written.
	Family card.FamilyID
	// Source is "spec" when the spec gave the family (or a task), else
	// "predicted" when the engine chose it.
	Source string
	// Decision is the engine's decision for the card as it will be
	// written (with its family's sections).
	Decision Decision
}

// ChooseFamilies gives every card without a family (a spec without family
// or task) the family the engine predicts from its rendered text, sets it on
// the card, and scores every card as it will be written. A card the engine
// cannot place keeps the generic family.
func ChooseFamilies(ctx context.Context, decide DecideFunc, cards []*card.Card) ([]FamilyChoice, error) {
	choices := make([]FamilyChoice, len(cards))
	parsed := make([]*card.Card, len(cards))
	var undecided []int
	for i, c := range cards {
		choices[i] = FamilyChoice{Family: c.Family, Source: "spec"}
		if c.Family == "" {
			c.Family = card.FamilyGeneric
			choices[i].Family = card.FamilyGeneric
			undecided = append(undecided, i)
		}
		pc, err := RenderAndParse(c)
		if err != nil {
			return nil, fmt.Errorf("card %d: %w", i, err)
		}
		parsed[i] = pc
	}
	decisions, err := decide(ctx, parsed)
	if err != nil {
		return nil, err
	}
	if len(decisions) != len(cards) {
		return nil, fmt.Errorf("the engine returned %d decisions for %d cards", len(decisions), len(cards))
	}
	// Re-score, in one more call, the cards whose family changed, with
	// their family's sections.
	var again []*card.Card
	var againIdx []int
	for _, i := range undecided {
		d := decisions[i]
		if len(d.Predicted) == 0 {
			continue
		}
		cards[i].Family = d.Family
		choices[i].Family = d.Family
		choices[i].Source = "predicted"
		pc, err := RenderAndParse(cards[i])
		if err != nil {
			return nil, fmt.Errorf("card %d: %w", i, err)
		}
		again = append(again, pc)
		againIdx = append(againIdx, i)
	}
	if len(again) > 0 {
		ds, err := decide(ctx, again)
		if err != nil {
			return nil, err
		}
		if len(ds) != len(again) {
			return nil, fmt.Errorf("the engine returned %d decisions for %d cards", len(ds), len(again))
		}
		for k, i := range againIdx {
			decisions[i].Scores, decisions[i].Missing = ds[k].Scores, ds[k].Missing
		}
	}
	for i := range choices {
		choices[i].Decision = decisions[i]
	}
	return choices, nil
}

// RenderAndParse renders a card as a Hub card and parses it back, so that
// the engine sees the card as it will be written.
func RenderAndParse(c *card.Card) (*card.Card, error) {
	out, err := card.RenderHF(c)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	pc, err := card.Parse(out)
	if pc == nil {
		return nil, fmt.Errorf("parse the rendered card: %w", err)
	}
	return pc, nil
}
