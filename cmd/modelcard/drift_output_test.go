package main

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// TestDriftLargeInputMemory checks that drift against a large CSV
// allocates in proportion to it: the old table writer held every cell, the
// comparison every row and two maps of every key, besides the import's
// growing slices.
func TestDriftLargeInputMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("compares 50 000 results")
	}
	const rows = 50_000
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("task,dataset,split,metric,value\n")
	for i := range rows {
		fmt.Fprintf(&b, "text-classification,org/ds%d,test,accuracy,0.5\n", i)
	}
	csvPath := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(csvPath, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cardPath := writeDriftCard(t, dir, strings.Replace(driftOneMetric, "VALUE", "0.5", 1))
	// The import allocates 9 times the file (the results); the table
	// formats each row twice, the JSON encoder more. The old drift
	// allocated 107 and 129 times the file.
	for _, tt := range []struct {
		args  []string
		times int
	}{{[]string{"drift", cardPath, "--against", csvPath}, 20}, {[]string{"drift", cardPath, "--against", csvPath, "--json"}, 40}} {
		args := tt.args
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		code, stdout, stderr := runCLI(t, "", args...)
		runtime.ReadMemStats(&after)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		// Less the output, which the test keeps.
		allocated := after.TotalAlloc - before.TotalAlloc - uint64(len(stdout)+len(stderr))
		if limit := uint64(tt.times * b.Len()); allocated > limit {
			t.Errorf("%v: %d bytes allocated for a %d-byte CSV, more than %d", args[len(args)-1], allocated, b.Len(), limit)
		}
		t.Logf("%v: %d bytes allocated for a %d-byte CSV (%.1f times)", args[len(args)-1], allocated, b.Len(), float64(allocated)/float64(b.Len()))
	}
}
