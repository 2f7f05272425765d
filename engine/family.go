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
	// Rendered is the card's Hub rendering in its final family, the text
	// the decision was made on: a caller writing the Hub format can use
	// it instead of rendering the card again.
	Rendered string
}

// ChooseFamilies gives every card without a family (a spec without family
// or task) the family the engine predicts from its rendered text, sets it on
// the card, and scores every card as it will be written. A card the engine
// cannot place keeps the generic family. With the engine's standards, the
// cards re-rendered in their predicted family are scored on the host from
// their rubric; with nil, they go through decide a second time.
func ChooseFamilies(ctx context.Context, decide DecideFunc, standards []Standard, cards []*card.Card) ([]FamilyChoice, error) {
	choices := make([]FamilyChoice, len(cards))
	parsed := make([]*card.Card, len(cards))
	var undecided []int
	// One render buffer serves every card; each rendering is then copied
	// once into the string that is parsed and returned.
	buf := make([]byte, 0, 16<<10)
	for i, c := range cards {
		choices[i] = FamilyChoice{Family: c.Family, Source: "spec"}
		if c.Family == "" {
			c.Family = card.FamilyGeneric
			choices[i].Family = card.FamilyGeneric
			undecided = append(undecided, i)
		}
		md, pc, err := renderAndParse(&buf, c)
		if err != nil {
			return nil, fmt.Errorf("card %d: %w", i, err)
		}
		parsed[i] = pc
		choices[i].Rendered = md
	}
	decisions, err := decide(ctx, parsed)
	if err != nil {
		return nil, err
	}
	if len(decisions) != len(cards) {
		return nil, fmt.Errorf("the engine returned %d decisions for %d cards", len(decisions), len(cards))
	}
	// A card whose family was predicted is rendered again in that family,
	// and its completeness is that of the card as it will be written. The
	// completeness depends on the rubric alone, so with the standards at
	// hand it is computed here rather than by scoring the card again.
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
		if d.Family == card.FamilyGeneric {
			// Already rendered and scored in this family.
			continue
		}
		md, pc, err := renderAndParse(&buf, cards[i])
		if err != nil {
			return nil, fmt.Errorf("card %d: %w", i, err)
		}
		choices[i].Rendered = md
		if standards != nil {
			decisions[i].Scores, decisions[i].Missing = StandardScores(pc, standards)
			continue
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

// StandardScores computes a card's completeness and missing items for
// each standard on the host, from its rubric alone: what a backend's
// scoring gives in its standard columns, without the text features.
func StandardScores(c *card.Card, standards []Standard) (map[string]float64, map[string][]string) {
	var bits RubricBits
	rubricOf(c, &bits)
	scores := make(map[string]float64, len(standards))
	missing := make(map[string][]string, len(standards))
	for i := range standards {
		st := &standards[i]
		scores[st.ID] = st.Completeness(&bits)
		m := st.Missing(&bits)
		if m == nil {
			m = []string{}
		}
		missing[st.ID] = m
	}
	return scores, missing
}

// RenderAndParse renders a card as a Hub card and parses it back, so that
// the engine sees the card as it will be written.
func RenderAndParse(c *card.Card) (*card.Card, error) {
	var buf []byte
	_, pc, err := renderAndParse(&buf, c)
	return pc, err
}

// renderAndParse is RenderAndParse that also returns the rendering; it
// renders into *buf, which it grows as needed for the next card.
func renderAndParse(buf *[]byte, c *card.Card) (string, *card.Card, error) {
	out, err := card.AppendHF((*buf)[:0], c)
	if err != nil {
		return "", nil, fmt.Errorf("render: %w", err)
	}
	*buf = out
	text := string(out)
	pc, err := card.ParseString(text)
	if pc == nil {
		return "", nil, fmt.Errorf("parse the rendered card: %w", err)
	}
	return text, pc, nil
}
