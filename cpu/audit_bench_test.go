package cpu_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/cpu"
	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/internal/sharedtest"
)

// corpusCards reads every card of the shared corpus.
func corpusCards(b testing.TB) []engine.AuditInput {
	b.Helper()
	dir := filepath.Join(sharedtest.Dir(b), "corpus", "cards")
	var out []engine.AuditInput
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, engine.AuditInput{Path: p, Data: data})
		}
		return nil
	})
	if err != nil || len(out) == 0 {
		b.Fatalf("corpus not found at %s (set MODELCARD_SHARED): %v", dir, err)
	}
	return out
}

// BenchmarkAuditCorpus runs the audit pipeline (parse, validate,
// featurize, score on the CPU backend, decide) over the corpus held in
// memory; reading files and writing JSONL are left out.
func BenchmarkAuditCorpus(b *testing.B) {
	inputs := corpusCards(b)
	reg := engine.NewRegistry()
	reg.Add(cpu.Name, cpu.Factory)
	e, err := engine.New(engine.Config{Registry: reg, Backend: cpu.Name})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	var total int64
	for _, in := range inputs {
		total += int64(len(in.Data))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ch := make(chan engine.AuditInput, 256)
		go func() {
			defer close(ch)
			for _, in := range inputs {
				ch <- in
			}
		}()
		n := 0
		if err := e.Audit(context.Background(), ch, func(*engine.AuditResult) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != len(inputs) {
			b.Fatalf("%d results for %d cards", n, len(inputs))
		}
	}
	b.ReportMetric(float64(len(inputs))*float64(b.N)/b.Elapsed().Seconds(), "cards/s")
}

// BenchmarkEngineNew measures what every `modelcard audit` pays before its
// first card: loading the embedded model and the standards and starting
// the CPU backend.
func BenchmarkEngineNew(b *testing.B) {
	reg := engine.NewRegistry()
	reg.Add(cpu.Name, cpu.Factory)
	b.ReportAllocs()
	for b.Loop() {
		e, err := engine.New(engine.Config{Registry: reg, Backend: cpu.Name})
		if err != nil {
			b.Fatal(err)
		}
		e.Close()
	}
}
