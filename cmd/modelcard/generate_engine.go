package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/internal/atomicfile"
)

// generateReport is one line of generate's --report output.
type generateReport struct {
	Spec           string                  `json:"spec"`
	Output         string                  `json:"output,omitempty"`
	Family         card.FamilyID           `json:"family"`
	FamilySource   string                  `json:"family_source"`
	PredictedTasks []engine.TaskPrediction `json:"predicted_tasks"`
	Scores         map[string]float64      `json:"scores"`
	Missing        map[string][]string     `json:"missing"`
}

// chooseFamilies gives every spec without a task the family the engine
// predicts from its rendered text, and scores every card as it will be
// written.
func chooseFamilies(ctx context.Context, eng *engine.Engine, cards []generated) ([]generateReport, error) {
	reports := make([]generateReport, len(cards))
	parsed := make([]*card.Card, len(cards))
	var undecided []int
	for i, g := range cards {
		reports[i] = generateReport{Spec: g.source, Family: g.card.Family, FamilySource: "spec"}
		if g.card.Family == "" {
			g.card.Family = card.FamilyGeneric
			undecided = append(undecided, i)
		}
		pc, err := renderAndParse(g.card)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.source, err)
		}
		parsed[i] = pc
	}
	decisions, err := eng.Decide(ctx, parsed)
	if err != nil {
		return nil, err
	}
	for _, i := range undecided {
		d := decisions[i]
		if len(d.Predicted) == 0 {
			continue
		}
		cards[i].card.Family = d.Family
		reports[i].Family = d.Family
		reports[i].FamilySource = "predicted"
		// Re-score the card as it will be written, with its family's
		// sections.
		pc, err := renderAndParse(cards[i].card)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cards[i].source, err)
		}
		again, err := eng.Decide(ctx, []*card.Card{pc})
		if err != nil {
			return nil, err
		}
		decisions[i].Scores, decisions[i].Missing = again[0].Scores, again[0].Missing
	}
	for i, d := range decisions {
		reports[i].PredictedTasks = d.Predicted
		reports[i].Scores = d.Scores
		reports[i].Missing = d.Missing
	}
	return reports, nil
}

// renderAndParse renders a card as a Hub card and parses it back, so that
// the engine sees the card as it will be written.
func renderAndParse(c *card.Card) (*card.Card, error) {
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

// printMeanScores prints the mean completeness per standard.
func printMeanScores(io stdio, eng *engine.Engine, reports []generateReport) {
	if len(reports) == 0 {
		return
	}
	var parts []string
	for _, st := range eng.Standards() {
		sum := 0.0
		for _, r := range reports {
			sum += r.Scores[st.ID]
		}
		parts = append(parts, fmt.Sprintf("%s %.2f", st.ID, sum/float64(len(reports))))
	}
	fmt.Fprintf(io.err, "mean completeness: %s (details: --report FILE)\n", strings.Join(parts, ", "))
}

// writeGenerateReport writes the report as JSON Lines.
func writeGenerateReport(io stdio, path string, reports []generateReport) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range reports {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("encode report: %w", err)
		}
	}
	if path == "-" {
		_, err := io.out.Write(buf.Bytes())
		return err
	}
	if err := atomicfile.Write(path, buf.Bytes(), 0o644, true); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
