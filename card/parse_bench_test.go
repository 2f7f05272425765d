package card

import (
	"os"
	"testing"
)

// loadCorpus reads every corpus card once.
func loadCorpus(b *testing.B) (cards [][]byte, total int64) {
	b.Helper()
	for _, e := range corpusEntries(b) {
		src, err := os.ReadFile(e.Path)
		if err != nil {
			b.Fatal(err)
		}
		cards = append(cards, src)
		total += int64(len(src))
	}
	return cards, total
}

// BenchmarkParseCorpus parses every corpus card (YAML block and section
// tree) per iteration.
func BenchmarkParseCorpus(b *testing.B) {
	cards, total := loadCorpus(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, src := range cards {
			Parse(src)
		}
	}
	b.ReportMetric(float64(len(cards))*float64(b.N)/b.Elapsed().Seconds(), "cards/s")
}

// BenchmarkValidateCorpus parses and validates every corpus card.
func BenchmarkValidateCorpus(b *testing.B) {
	cards, total := loadCorpus(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, src := range cards {
			Validate("card.md", src)
		}
	}
	b.ReportMetric(float64(len(cards))*float64(b.N)/b.Elapsed().Seconds(), "cards/s")
}
