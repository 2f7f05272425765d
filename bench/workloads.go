package bench

import (
	"fmt"
	"strings"
)

// Workload names what one benchmark run measures.
type Workload string

// The workloads.
const (
	// Generate parses specs and renders Hugging Face cards from them:
	// each operation is the parse of a spec (card.SpecParser, one per
	// worker) then card.AppendHF into the worker's buffer.
	Generate Workload = "generate"
	// Audit runs the engine's streaming audit over cards: parse,
	// validate, featurize, score and decide.
	Audit Workload = "audit"
	// Score measures the scoring backend alone on CSR batches featurized
	// before the timer starts.
	Score Workload = "score"
)

// Workloads returns every workload in a stable order.
func Workloads() []Workload { return []Workload{Generate, Audit, Score} }

// ParseWorkload returns the workload named s.
func ParseWorkload(s string) (Workload, error) {
	for _, w := range Workloads() {
		if string(w) == s {
			return w, nil
		}
	}
	return "", fmt.Errorf("unknown workload %q; use generate, audit or score", s)
}

// syntheticWords is the vocabulary of synthetic card prose; it is a fixed
// read-only table.
var syntheticWords = []string{
	"model", "training", "evaluation", "dataset", "accuracy", "latency",
	"tokens", "images", "labels", "bias", "risk", "license", "weights",
	"inference", "benchmark", "validation", "split", "language", "audio",
	"classification", "summary", "limits", "users", "deployment",
}

// SyntheticCard returns a Hugging Face README of about size bytes (at
// least the fixed header): YAML front matter, the usual sections, and
// prose padded with a deterministic word stream that depends on seed.
func SyntheticCard(seed, size int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "---\nlicense: apache-2.0\nlibrary_name: transformers\npipeline_tag: text-classification\nlanguage:\n- en\ndatasets:\n- synthetic/set-%d\n---\n", seed%97)
	fmt.Fprintf(&b, "# Synthetic model %d\n\n", seed)
	sections := []string{"Model Details", "Uses", "Bias, Risks, and Limitations", "Training Details", "Evaluation"}
	header := b.Len()
	per := (size - header) / len(sections)
	x := uint32(seed)*2654435761 + 1
	for _, s := range sections {
		fmt.Fprintf(&b, "## %s\n\n", s)
		start := b.Len()
		for b.Len()-start < per {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b.WriteString(syntheticWords[x%uint32(len(syntheticWords))])
			if x%11 == 0 {
				b.WriteString(".\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString("\n\n")
	}
	return []byte(b.String())
}

// SyntheticSpec returns a small valid model spec (YAML) whose names
// depend on seed, for the generate workload when no example specs are
// given.
func SyntheticSpec(seed int) []byte {
	return fmt.Appendf(nil, `family: generic
model_id: bench-org/model-%d
pretty_name: Benchmark model %d
summary: A synthetic model used to measure how fast cards are generated.
description: |
  This model exists only for benchmarks. It has a summary, a description
  and a few facts, so that rendering fills several sections.
developed_by: Benchmark team
model_type: linear classifier
direct_use: Measuring card generation throughput.
out_of_scope_use: Anything else.
`, seed, seed)
}
