package evalimport

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func BenchmarkLMEval(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "lmeval", "results_v04.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := parseLMEval("r.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("task,dataset,split,metric,value,lower,upper\n")
	for i := range 1000 {
		fmt.Fprintf(&sb, "text-classification,dataset-%d,test,accuracy,0.%03d,0.%03d,0.%03d\n", i, i, max(i-1, 0), i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := parseCSV("r.csv", data); err != nil {
			b.Fatal(err)
		}
	}
}
