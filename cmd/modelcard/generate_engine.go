package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
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
	cs := make([]*card.Card, len(cards))
	for i, g := range cards {
		cs[i] = g.card
	}
	choices, err := engine.ChooseFamilies(ctx, eng.Decide, eng.Standards(), cs)
	if err != nil {
		return nil, err
	}
	reports := make([]generateReport, len(cards))
	for i, ch := range choices {
		reports[i] = generateReport{
			Spec:           cards[i].source,
			Family:         ch.Family,
			FamilySource:   ch.Source,
			PredictedTasks: ch.Decision.Predicted,
			Scores:         ch.Decision.Scores,
			Missing:        ch.Decision.Missing,
		}
	}
	return reports, nil
}

// printMeanScores prints the mean completeness per standard, given the sum
// of each standard's scores over n cards.
func printMeanScores(io stdio, eng *engine.Engine, sums map[string]float64, n int) {
	if n == 0 {
		return
	}
	var parts []string
	for _, st := range eng.Standards() {
		parts = append(parts, fmt.Sprintf("%s %.2f", st.ID, sums[st.ID]/float64(n)))
	}
	fmt.Fprintf(io.err, "mean completeness: %s (details: --report FILE)\n", strings.Join(parts, ", "))
}

// encodeGenerateReport writes report lines as JSON Lines.
func encodeGenerateReport(w io.Writer, reports []generateReport) error {
	enc := json.NewEncoder(w)
	for _, r := range reports {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("encode report: %w", err)
		}
	}
	return nil
}
