package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/internal/jsonenc"
)

// AuditInput is one card to audit.
type AuditInput struct {
	// Path names where the card came from: a file, or "FILE:LINE" for a
	// line of an NDJSON stream.
	Path string
	// Data is the card's text. The audit reads it in place: it must not
	// change once the input is sent (or returned by Load).
	Data []byte
	// Err is set when the card could not be read; Data is then empty.
	Err error
	// Load, when set, is called by the audit worker that audits the card,
	// and the input it returns replaces this one (its own Load is
	// ignored). It moves the reading and decoding of cards off the
	// goroutine that feeds the inputs channel, into the parallel workers,
	// and keeps cards that wait in the pipeline small.
	Load func() AuditInput
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
// that error; the inputs channel is then no longer drained. It returns only
// once its goroutines have stopped: no input, and no input's Data, is read
// after it returns.
func (e *Engine) Audit(ctx context.Context, inputs <-chan AuditInput, emit func(*AuditResult) error) error {
	ctx, cancel := context.WithCancel(ctx)
	var running sync.WaitGroup
	defer func() {
		cancel()
		running.Wait()
	}()

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
	running.Go(func() {
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
	})

	// Workers: parse, validate, featurize, score and decide chunks. Each
	// keeps one featurizer and one batch for the whole audit: the pools
	// are emptied by every garbage collection, which comes often here.
	for range e.workers {
		running.Go(func() {
			f := e.featurizers.Get().(*Featurizer)
			defer e.featurizers.Put(f)
			batch := e.batches.Get().(*CSR)
			defer e.batches.Put(batch)
			var parser card.Parser
			for c := range work {
				c.results, c.err = e.auditChunk(ctx, f, batch, &parser, c.inputs)
				// The collector needs only the results: let the cards'
				// texts go while the chunk waits for its turn.
				c.inputs = nil
				close(c.done)
			}
		})
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

// auditChunk audits one chunk of inputs with the featurizer f and the
// parser p, scoring them in batch.
func (e *Engine) auditChunk(ctx context.Context, f *Featurizer, batch *CSR, p *card.Parser, inputs []AuditInput) ([]*AuditResult, error) {
	results := make([]*AuditResult, len(inputs))
	// Each card is featurized as soon as it is parsed and then let go:
	// what the decision needs of it is its row, its rubric bits and its
	// declared task, so a chunk never holds its parsed cards.
	batch.Reset()
	bits := make([]RubricBits, 0, len(inputs))
	declared := make([]string, 0, len(inputs))
	index := make([]int, 0, len(inputs))
	for i, in := range inputs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if in.Load != nil {
			in = in.Load()
		}
		r := &AuditResult{Path: in.Path, Bytes: len(in.Data)}
		results[i] = r
		if in.Err != nil {
			msg := in.Err.Error()
			r.Error = &msg
			r.Problems = []card.Problem{{File: in.Path, Severity: card.SeverityError, Code: "input.read", Message: msg}}
			continue
		}
		// The card lives in p's memory until the next parse: nothing of it
		// but strings outlives this iteration.
		c, err := e.parseCard(p, in.Path, in.Data)
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
		bits = append(bits, RubricBits{})
		batch.AppendRow(f.Featurize(c, &bits[len(bits)-1]))
		declared = append(declared, DeclaredTask(c))
		index = append(index, i)
	}
	if len(index) == 0 {
		return results, nil
	}
	decisions, err := e.scoreAndDecide(ctx, batch, bits, declared)
	if err != nil {
		return nil, err
	}
	sections := card.CanonicalSections()
	for k, d := range decisions {
		r := results[index[k]]
		if d.DeclaredTask != "" {
			// A copy, so that the result does not hold the card's text.
			task := strings.Clone(d.DeclaredTask)
			r.DeclaredTask = &task
		}
		r.PredictedTasks = d.Predicted
		r.Family = d.Family
		r.Mismatch = d.Mismatch
		r.Scores = d.Scores
		r.Missing = d.Missing
		r.Sections = filledSections(sections, &bits[k])
	}
	return results, nil
}

// scoreAndDecide scores a batch of featurized cards and decides each from
// its scores, rubric bits and declared task ("" when none).
func (e *Engine) scoreAndDecide(ctx context.Context, batch *CSR, bits []RubricBits, declared []string) ([]Decision, error) {
	var scores Scores
	if err := e.backend.Score(ctx, batch, &scores); err != nil {
		return nil, fmt.Errorf("score %d cards on %s: %w", len(bits), e.backend.Name(), err)
	}
	if scores.Rows != len(bits) || scores.Families != len(e.families) || len(scores.FamilyProb) < scores.Rows*scores.Families ||
		len(scores.TopTask) < scores.Rows*TopK || len(scores.TopProb) < scores.Rows*TopK ||
		len(scores.Completeness) < scores.Rows*scores.Standards || scores.Standards != len(e.standards) {
		return nil, fmt.Errorf("backend %s scored %d cards into %d rows, %d families (want %d), %d standards (want %d): the backend does not fill engine.Scores",
			e.backend.Name(), len(bits), scores.Rows, scores.Families, len(e.families), scores.Standards, len(e.standards))
	}
	out := make([]Decision, len(bits))
	for i := range bits {
		out[i] = e.decide(declared[i], &bits[i], &scores, i)
	}
	return out, nil
}

// filledSections lists the sections, of the canonical ones given, whose
// "filled" feature is set.
func filledSections(canonical []card.CanonicalSection, bits *RubricBits) []string {
	out := make([]string, 0, 16)
	for _, s := range canonical {
		if f, ok := sectionFeatures[s.ID]; ok && bits.Has(f.filled) {
			out = append(out, string(s.ID))
		}
	}
	return out
}

// AppendJSON appends the JSON form of r to dst, byte for byte what
// encoding/json writes for it with HTML escaping off (json.Encoder with
// SetEscapeHTML(false)), without the newline. It avoids reflection and the
// sorting allocations of encoding/json, which matter to audits that write
// one result per card. Like encoding/json, it fails on a NaN or infinite
// score or probability.
func (r *AuditResult) AppendJSON(dst []byte) ([]byte, error) {
	b := append(dst, `{"path":`...)
	b = jsonenc.AppendString(b, r.Path)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, int64(r.Bytes), 10)
	b = append(b, `,"declared_task":`...)
	if r.DeclaredTask == nil {
		b = append(b, "null"...)
	} else {
		b = jsonenc.AppendString(b, *r.DeclaredTask)
	}
	b = append(b, `,"predicted_tasks":`...)
	if r.PredictedTasks == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, p := range r.PredictedTasks {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"task":`...)
			b = jsonenc.AppendString(b, p.Task)
			b = append(b, `,"family":`...)
			b = jsonenc.AppendString(b, string(p.Family))
			b = append(b, `,"probability":`...)
			var err error
			if b, err = appendJSONFloat(b, p.Probability); err != nil {
				return dst, err
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"family":`...)
	b = jsonenc.AppendString(b, string(r.Family))
	b = append(b, `,"mismatch":`...)
	b = strconv.AppendBool(b, r.Mismatch)
	b = append(b, `,"scores":`...)
	var err error
	if b, err = appendObject(b, r.Scores, appendJSONFloat); err != nil {
		return dst, err
	}
	b = append(b, `,"missing":`...)
	if b, err = appendObject(b, r.Missing, appendStringsValue); err != nil {
		return dst, err
	}
	b = append(b, `,"sections":`...)
	b = appendJSONStrings(b, r.Sections)
	b = append(b, `,"problems":`...)
	if r.Problems == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Problems {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendProblem(b, &r.Problems[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"error":`...)
	if r.Error == nil {
		b = append(b, "null"...)
	} else {
		b = jsonenc.AppendString(b, *r.Error)
	}
	return append(b, '}'), nil
}

// appendProblem appends p as encoding/json writes a card.Problem.
func appendProblem(b []byte, p *card.Problem) []byte {
	b = append(b, '{')
	if p.File != "" {
		b = append(b, `"file":`...)
		b = jsonenc.AppendString(b, p.File)
		b = append(b, ',')
	}
	if p.Line != 0 {
		b = append(b, `"line":`...)
		b = strconv.AppendInt(b, int64(p.Line), 10)
		b = append(b, ',')
	}
	if p.Column != 0 {
		b = append(b, `"column":`...)
		b = strconv.AppendInt(b, int64(p.Column), 10)
		b = append(b, ',')
	}
	if p.Field != "" {
		b = append(b, `"field":`...)
		b = jsonenc.AppendString(b, p.Field)
		b = append(b, ',')
	}
	b = append(b, `"severity":`...)
	b = jsonenc.AppendString(b, string(p.Severity))
	b = append(b, `,"code":`...)
	b = jsonenc.AppendString(b, p.Code)
	b = append(b, `,"message":`...)
	b = jsonenc.AppendString(b, p.Message)
	if p.Fix != "" {
		b = append(b, `,"fix":`...)
		b = jsonenc.AppendString(b, p.Fix)
	}
	return append(b, '}')
}

// sortedKeys returns the keys of m in order, as encoding/json writes them.
func sortedKeys[V any](m map[string]V, buf []string) []string {
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendObject appends m as a JSON object with its keys sorted, each value
// written by appendValue; a nil map is null.
func appendObject[V any](b []byte, m map[string]V, appendValue func([]byte, V) ([]byte, error)) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	var buf [8]string
	b = append(b, '{')
	for i, k := range sortedKeys(m, buf[:]) {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendValue(b, m[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// appendStringsValue is appendJSONStrings as an appendObject value writer.
func appendStringsValue(b []byte, v []string) ([]byte, error) {
	return appendJSONStrings(b, v), nil
}

// appendJSONStrings appends a []string: null when nil, else an array.
func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonenc.AppendString(b, s)
	}
	return append(b, ']')
}

// appendJSONFloat appends f as encoding/json writes a float64: the
// shortest decimal that reads back as f, in exponent form below 1e-6 and
// from 1e21 on.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		// The error encoding/json gives, so that callers can match it.
		return b, &json.UnsupportedValueError{Value: reflect.ValueOf(f), Str: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Write e-09 as e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}
