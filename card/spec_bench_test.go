package card

import (
	"os"
	"testing"
)

// exampleSpecData reads the example specs of the repository.
func exampleSpecData(b *testing.B) [][]byte {
	b.Helper()
	var specs [][]byte
	for _, p := range exampleSpecs(b) {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		specs = append(specs, data)
	}
	return specs
}

// BenchmarkGenerateExamples parses each example spec and renders its Hub
// card: the work of one `generate` per card. "fresh" calls ParseSpec and
// RenderHF for each; "reused" is a worker that generates many cards in
// turn, with one SpecParser and one rendering buffer; "owned" is that
// worker handing each spec over (SpecParser.ParseOwned).
func BenchmarkGenerateExamples(b *testing.B) {
	specs := exampleSpecData(b)
	var size int64
	for _, s := range specs {
		size += int64(len(s))
	}
	b.Run("fresh", func(b *testing.B) {
		b.SetBytes(size / int64(len(specs)))
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c, err := ParseSpec(specs[i%len(specs)], "spec.yaml")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := RenderHF(c); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, mode := range []struct {
		name  string
		owned bool
	}{{"reused", false}, {"owned", true}} {
		b.Run(mode.name, func(b *testing.B) {
			b.SetBytes(size / int64(len(specs)))
			b.ReportAllocs()
			var (
				p   SpecParser
				buf []byte
			)
			parse := p.Parse
			if mode.owned {
				// The specs are never changed, so they may be handed over.
				parse = p.ParseOwned
			}
			for i := 0; b.Loop(); i++ {
				c, err := parse(specs[i%len(specs)], "spec.yaml")
				if err != nil {
					b.Fatal(err)
				}
				if buf, err = AppendHF(buf[:0], c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseSpecExamples parses the example specs only.
func BenchmarkParseSpecExamples(b *testing.B) {
	specs := exampleSpecData(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ParseSpec(specs[i%len(specs)], "spec.yaml"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseSpecGuide parses the deployment guide's one-line spec: the
// daemon's most common request.
func BenchmarkParseSpecGuide(b *testing.B) {
	spec := []byte(`{"model_name": "test", "metrics": {"accuracy": 0.95}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseSpec(spec, "spec.json"); err != nil {
			b.Fatal(err)
		}
	}
}
