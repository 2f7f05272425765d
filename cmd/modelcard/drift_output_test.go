package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/terragonlabs/modelcard-generator/card"
)

// driftOutputFixture compares results of every status, with names of
// characters wider than a byte.
func driftOutputFixture() *driftComparison {
	old := []card.EvalResult{
		{TaskType: "t", DatasetType: "acme/ré", DatasetConfig: "ñ", DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.9},
		{DatasetType: "d", MetricType: "loss", MetricValue: 0.3},
		{DatasetType: "d", MetricType: "bleu", MetricValue: "31.2 ± 0.4"},
		{DatasetType: "d", MetricType: "f1", MetricValue: 0.5},
		{DatasetType: "d", MetricType: "gone", MetricValue: int64(3)},
	}
	current := []card.EvalResult{
		{TaskType: "t", DatasetType: "acme/ré", DatasetConfig: "ñ", DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.85},
		{DatasetType: "d", MetricType: "loss", MetricValue: 0.303},
		{DatasetType: "d", MetricType: "bleu", MetricValue: "n/a"},
		{DatasetType: "d", MetricType: "précision", MetricConfig: "macro", MetricValue: 0.7},
	}
	notFinite := []card.EvalResult{{DatasetType: "d", MetricType: "f1", MetricValue: "NaN"}}
	return compareResults(old, current, notFinite, map[string]threshold{"loss": {Relative: true, Value: 2, Source: "flag"}})
}

// TestDriftTableLayout checks that the table, written in two passes over
// the rows, is laid out as text/tabwriter laid out the whole table.
func TestDriftTableLayout(t *testing.T) {
	d := driftOutputFixture()
	var want bytes.Buffer
	tw := tabwriter.NewWriter(&want, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(driftColumns[:], "\t"))
	for i := range d.pairs {
		c := d.row(i).cells()
		fmt.Fprintln(tw, strings.Join(c[:], "\t"))
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := writeDriftTable(&got, d); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("table:\n%s\nwant:\n%s", got.String(), want.String())
	}
	for _, w := range []string{"DRIFT", "ok", "new", "missing", "not finite", "changed"} {
		if !strings.Contains(got.String(), w) {
			t.Errorf("the fixture's table lacks %q:\n%s", w, got.String())
		}
	}
}

// TestDriftJSONLayout checks that the JSON report, written one row at a
// time, is what json.Encoder writes for the whole report.
func TestDriftJSONLayout(t *testing.T) {
	for _, d := range []*driftComparison{driftOutputFixture(), compareResults(nil, nil, nil, nil)} {
		report := driftReport{Card: "c.md", Against: []string{"a.json", "<b>.csv"}, Drifted: true, Counts: map[string]int{"ok": 1, "drift": 2}, Updated: true}
		var got bytes.Buffer
		if err := writeDriftJSON(&got, report, d); err != nil {
			t.Fatal(err)
		}
		report.Results = []driftRow{}
		for i := range d.pairs {
			report.Results = append(report.Results, d.row(i))
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("JSON:\n%s\nwant:\n%s", got.String(), want.String())
		}
	}
}

// TestDriftSummaryGrammar checks the count of the summary line.
func TestDriftSummaryGrammar(t *testing.T) {
	tests := []struct {
		card, dataset string
		want          string
	}{
		{strings.Replace(driftOneMetric, "VALUE", "0.917", 1), "org/d", "1 metric: 1 ok, 0 drifted, 0 new, 0 missing"},
		{driftCardText, "acme/reviews", "4 metrics: 1 ok, 0 drifted, 0 new, 3 missing"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		csvPath := filepath.Join(dir, "new.csv")
		if err := os.WriteFile(csvPath, []byte("task,dataset,split,metric,value\ntext-classification,"+tt.dataset+",test,accuracy,0.917\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, stderr := runCLI(t, "", "drift", writeDriftCard(t, dir, tt.card), "--against", csvPath)
		if !strings.Contains(stderr, tt.want) {
			t.Errorf("summary %q, want %q", stderr, tt.want)
		}
	}
}

// BenchmarkDriftLargeCSV runs drift against a 50,000-row CSV, as a table
// and as JSON, and reports the bytes allocated per byte of the CSV: the
// old drift allocated 107 and 129 times the file, where the table writer
// held every cell and the comparison every row and two maps of every key.
//
//	go test -tags cpu ./cmd/modelcard -run '^$' -bench DriftLargeCSV -benchtime 3x
func BenchmarkDriftLargeCSV(b *testing.B) {
	const rows = 50_000
	dir := b.TempDir()
	var csv strings.Builder
	csv.WriteString("task,dataset,split,metric,value\n")
	for i := range rows {
		fmt.Fprintf(&csv, "text-classification,org/ds%d,test,accuracy,0.5\n", i)
	}
	csvPath := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(csvPath, []byte(csv.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	cardPath := filepath.Join(dir, "card.md")
	if err := os.WriteFile(cardPath, []byte(strings.Replace(driftOneMetric, "VALUE", "0.5", 1)), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"table", []string{"modelcard", "drift", cardPath, "--against", csvPath}},
		{"json", []string{"modelcard", "drift", cardPath, "--against", csvPath, "--json"}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(csv.Len()))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				if code := run(context.Background(), tt.args, stdio{in: strings.NewReader(""), out: io.Discard, err: io.Discard}); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/float64(csv.Len()), "alloc-bytes/csv-byte")
		})
	}
}
