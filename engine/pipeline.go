package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/terragonlabs/modelcard-generator/card"
)

// AuditInput is one card to audit.
type AuditInput struct {
	// Path names where the card came from: a file, or "FILE:LINE" for a
	// line of an NDJSON stream.
	Path string
	// Data is the card's text.
	Data []byte
	// Err is set when the card could not be read; Data is then empty.
	Err error
}

// AuditResult is the audit of one card. Its JSON form is one line of the
// audit's JSONL output; the keys are part of the tool's interface.
type AuditResult struct {
	// Path is AuditInput.Path.
	Path string `json:"path"`
	// Bytes is the size of the card.
	Bytes int `json:"bytes"`
	// DeclaredTask is the task the card declares, or null.
	DeclaredTask *string `json:"declared_task"`
	// PredictedTasks are the three most probable tasks.
	PredictedTasks []TaskPrediction `json:"predicted_tasks"`
	// Family is the template family chosen for the card.
	Family card.FamilyID `json:"family"`
	// Mismatch is true when declared and predicted families differ.
	Mismatch bool `json:"mismatch"`
	// Scores maps standard ids to completeness in [0,1].
	Scores map[string]float64 `json:"scores"`
	// Missing maps standard ids to the rubric items the card lacks.
	Missing map[string][]string `json:"missing"`
	// Sections lists the canonical sections the card fills.
	Sections []string `json:"sections"`
	// Problems are the validation findings.
	Problems []card.Problem `json:"problems"`
	// Error says why the card could not be read (or its metadata not
	// parsed), or is null.
	Error *string `json:"error"`
}

// Audit reads cards from inputs, audits them in parallel batches and calls
// emit with each result in input order. It holds only a bounded number of
// batches in memory, so it streams inputs of any length. It stops at the
// first error from emit or the backend, or when ctx is done, and returns
// that error; the inputs channel is then no longer drained.
func (e *Engine) Audit(ctx context.Context, inputs <-chan AuditInput, emit func(*AuditResult) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type chunk struct {
		inputs  []AuditInput
		results []*AuditResult
		err     error
		done    chan struct{}
	}
	// order carries the chunks in input order to the collector; its
	// capacity bounds how many chunks are in memory at once.
	order := make(chan *chunk, 2*e.workers)
	work := make(chan *chunk, e.workers)

	// Dispatcher: cut the inputs into chunks.
	go func() {
		defer close(order)
		defer close(work)
		for {
			c := &chunk{inputs: make([]AuditInput, 0, e.batchSize), done: make(chan struct{})}
			more := true
			for more && len(c.inputs) < e.batchSize {
				select {
				case in, ok := <-inputs:
					if ok {
						c.inputs = append(c.inputs, in)
					} else {
						more = false
					}
				case <-ctx.Done():
					return
				}
			}
			if len(c.inputs) > 0 {
				select {
				case order <- c:
				case <-ctx.Done():
					return
				}
				select {
				case work <- c:
				case <-ctx.Done():
					return
				}
			}
			if !more {
				return
			}
		}
	}()

	// Workers: parse, validate, featurize, score and decide chunks.
	for range e.workers {
		go func() {
			for c := range work {
				c.results, c.err = e.auditChunk(ctx, c.inputs)
				close(c.done)
			}
		}()
	}

	// Collector: emit in input order.
	for c := range order {
		select {
		case <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if c.err != nil {
			return c.err
		}
		for _, r := range c.results {
			if err := emit(r); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// auditChunk audits one chunk of inputs.
func (e *Engine) auditChunk(ctx context.Context, inputs []AuditInput) ([]*AuditResult, error) {
	results := make([]*AuditResult, len(inputs))
	cards := make([]*card.Card, 0, len(inputs))
	index := make([]int, 0, len(inputs))
	for i, in := range inputs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r := &AuditResult{Path: in.Path, Bytes: len(in.Data)}
		results[i] = r
		if in.Err != nil {
			msg := in.Err.Error()
			r.Error = &msg
			r.Problems = []card.Problem{{File: in.Path, Severity: card.SeverityError, Code: "input.read", Message: msg}}
			continue
		}
		c, err := e.parseCard(in.Path, in.Data)
		r.Problems = card.ValidateParsed(in.Path, c, err)
		if err != nil {
			msg := err.Error()
			var ye *card.YAMLError
			if errors.As(err, &ye) {
				msg = "metadata block does not parse: " + msg
			}
			r.Error = &msg
		}
		if c == nil {
			continue
		}
		cards = append(cards, c)
		index = append(index, i)
	}
	if len(cards) == 0 {
		return results, nil
	}
	decisions, bits, err := e.decideWithBits(ctx, cards)
	if err != nil {
		return nil, err
	}
	for k, d := range decisions {
		r := results[index[k]]
		if d.DeclaredTask != "" {
			task := d.DeclaredTask
			r.DeclaredTask = &task
		}
		r.PredictedTasks = d.Predicted
		r.Family = d.Family
		r.Mismatch = d.Mismatch
		r.Scores = d.Scores
		r.Missing = d.Missing
		r.Sections = filledSections(&bits[k])
	}
	return results, nil
}

// decideWithBits is Decide that also returns the rubric bits.
func (e *Engine) decideWithBits(ctx context.Context, cards []*card.Card) ([]Decision, []RubricBits, error) {
	f := e.featurizers.Get().(*Featurizer)
	defer e.featurizers.Put(f)
	batch := e.batches.Get().(*CSR)
	defer e.batches.Put(batch)
	batch.Reset()
	bits := make([]RubricBits, len(cards))
	for i, c := range cards {
		batch.AppendRow(f.Featurize(c, &bits[i]))
	}
	var scores Scores
	if err := e.backend.Score(ctx, batch, &scores); err != nil {
		return nil, nil, fmt.Errorf("score %d cards on %s: %w", len(cards), e.backend.Name(), err)
	}
	out := make([]Decision, len(cards))
	for i, c := range cards {
		out[i] = e.decide(c, &bits[i], &scores, i)
	}
	return out, bits, nil
}

// filledSections lists the canonical sections whose "filled" feature is set.
func filledSections(bits *RubricBits) []string {
	out := make([]string, 0, 16)
	for _, s := range card.CanonicalSections() {
		if f, ok := sectionFeatures[s.ID]; ok && bits.Has(f.filled) {
			out = append(out, string(s.ID))
		}
	}
	return out
}
