package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/cpu"
	"github.com/terragonlabs/modelcard-generator/engine"
)

func cpuRegistry() *engine.Registry {
	reg := engine.NewRegistry()
	reg.Add(cpu.Name, cpu.Factory)
	return reg
}

func TestRunWorkloads(t *testing.T) {
	cards := make([][]byte, 12)
	for i := range cards {
		cards[i] = SyntheticCard(i, 2048)
	}
	specs := [][]byte{SyntheticSpec(1), SyntheticSpec(2), SyntheticSpec(3)}
	tests := []struct {
		workload    Workload
		inputs      [][]byte
		batch       int
		cards       int
		wantBatches int
		wantBackend string
	}{
		{Generate, specs, 2, 5, 3, "-"},
		{Audit, cards, 4, 10, 3, cpu.Name},
		{Score, cards, 8, 20, 3, cpu.Name},
		{Score, cards, 64, 64, 1, cpu.Name},
	}
	for _, tt := range tests {
		t.Run(string(tt.workload), func(t *testing.T) {
			r, err := Run(context.Background(), Options{
				Workload: tt.workload, Registry: cpuRegistry(), Backend: "auto",
				BatchSize: tt.batch, Cards: tt.cards, Workers: 2, Inputs: tt.inputs,
			})
			if err != nil {
				t.Fatal(err)
			}
			if r.Workload != tt.workload || r.Backend != tt.wantBackend || r.BatchSize != tt.batch {
				t.Errorf("run labelled %s/%s/%d, want %s/%s/%d", r.Workload, r.Backend, r.BatchSize, tt.workload, tt.wantBackend, tt.batch)
			}
			if r.Cards != tt.cards || r.Batches != tt.wantBatches {
				t.Errorf("cards %d in %d batches, want %d in %d", r.Cards, r.Batches, tt.cards, tt.wantBatches)
			}
			if r.Seconds <= 0 || r.CardsPerSec <= 0 || r.MBPerSec <= 0 {
				t.Errorf("seconds %g, cards/s %g, MB/s %g: want all positive", r.Seconds, r.CardsPerSec, r.MBPerSec)
			}
			if got := float64(r.Cards) / r.Seconds; got/r.CardsPerSec < 0.999 || got/r.CardsPerSec > 1.001 {
				t.Errorf("cards/s %g, want cards/seconds = %g", r.CardsPerSec, got)
			}
			if !(r.P50ms > 0 && r.P50ms <= r.P95ms && r.P95ms <= r.P99ms && r.P99ms <= r.Seconds*1000*(1+1e-9)) {
				t.Errorf("percentiles p50 %g p95 %g p99 %g out of order or above the total %g ms", r.P50ms, r.P95ms, r.P99ms, r.Seconds*1000)
			}
			if PeakRSS() > 0 && r.PeakRSSBytes <= 0 {
				t.Errorf("peak RSS %d with a readable status file", r.PeakRSSBytes)
			}
		})
	}
}

func TestRunDuration(t *testing.T) {
	r, err := Run(context.Background(), Options{Workload: Generate, BatchSize: 1, Duration: time.Millisecond, Inputs: [][]byte{SyntheticSpec(0)}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Cards < 1 || r.Batches != r.Cards {
		t.Errorf("duration run did %d cards in %d batches of 1", r.Cards, r.Batches)
	}
}

func TestRunErrors(t *testing.T) {
	ok := [][]byte{SyntheticSpec(0)}
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no inputs", Options{Workload: Generate, BatchSize: 1, Cards: 1}, "no inputs"},
		{"zero batch", Options{Workload: Generate, Cards: 1, Inputs: ok}, "batch size"},
		{"no stop", Options{Workload: Generate, BatchSize: 1, Inputs: ok}, "duration"},
		{"unknown workload", Options{Workload: "fly", BatchSize: 1, Cards: 1, Inputs: ok}, "unknown workload"},
		{"bad spec", Options{Workload: Generate, BatchSize: 1, Cards: 1, Inputs: [][]byte{[]byte("family: [")}}, "parse spec 0"},
		{"unknown backend", Options{Workload: Score, Registry: cpuRegistry(), Backend: "tpu", BatchSize: 1, Cards: 1, Inputs: [][]byte{SyntheticCard(0, 512)}}, "tpu"},
		{"no registry", Options{Workload: Score, BatchSize: 1, Cards: 1, Inputs: [][]byte{SyntheticCard(0, 512)}}, "registry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(context.Background(), tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		in   []time.Duration
		p    float64
		want float64
	}{
		{nil, 50, 0},
		{ms(7), 99, 7},
		{ms(1, 2, 3, 4), 50, 2},
		{ms(1, 2, 3, 4), 95, 4},
		{ms(hundred...), 95, 95},
		{ms(hundred...), 99, 99},
		{ms(hundred...), 50, 50},
	}
	for _, tt := range tests {
		if got := percentile(tt.in, tt.p); got != tt.want {
			t.Errorf("percentile(%v, %g) = %g, want %g", tt.in, tt.p, got, tt.want)
		}
	}
}

func TestParseVmHWM(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"Name:\tx\nVmPeak:\t  999 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 10 kB\n", 2048 * 1024},
		{"VmHWM: 1 kB", 1024},
		{"VmRSS: 10 kB\n", 0},
		{"VmHWM:\n", 0},
		{"VmHWM: lots kB\n", 0},
	}
	for _, tt := range tests {
		if got := parseVMHWM(tt.in); got != tt.want {
			t.Errorf("parseVMHWM(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestSyntheticInputs(t *testing.T) {
	for _, size := range []int{512, 4096, 65536} {
		data := SyntheticCard(3, size)
		if len(data) < size*9/10 || len(data) > size+512 {
			t.Errorf("SyntheticCard(3, %d) has %d bytes", size, len(data))
		}
		c, err := card.Parse(data)
		if err != nil || c == nil || c.Meta == nil {
			t.Fatalf("SyntheticCard(3, %d) does not parse: %v", size, err)
		}
	}
	if bytes.Equal(SyntheticCard(1, 1024), SyntheticCard(2, 1024)) {
		t.Error("synthetic cards of different seeds are equal")
	}
	for i := range 3 {
		c, err := card.ParseSpec(SyntheticSpec(i), "synthetic")
		if err != nil {
			t.Fatalf("SyntheticSpec(%d): %v", i, err)
		}
		if _, err := card.RenderHF(c); err != nil {
			t.Fatalf("render SyntheticSpec(%d): %v", i, err)
		}
	}
}

func TestParseWorkload(t *testing.T) {
	for _, w := range Workloads() {
		if got, err := ParseWorkload(string(w)); err != nil || got != w {
			t.Errorf("ParseWorkload(%q) = %q, %v", w, got, err)
		}
	}
	if _, err := ParseWorkload("Audit"); err == nil {
		t.Error("ParseWorkload accepts a wrongly cased name")
	}
}

func sampleResults() []Result {
	return []Result{
		{Workload: Score, Backend: "cpu", BatchSize: 1, Cards: 10, Seconds: 1, CardsPerSec: 10},
		{Workload: Score, Backend: "cpu", BatchSize: 64, Cards: 640, Seconds: 1, CardsPerSec: 640},
		{Workload: Audit, Backend: "cpu", BatchSize: 64, Cards: 64, Seconds: 2, CardsPerSec: 32},
	}
}

func TestBelow(t *testing.T) {
	got := Below(sampleResults(), 50)
	if len(got) != 2 || !strings.Contains(got[0], "score on cpu, batch size 1") || !strings.Contains(got[1], "audit on cpu, batch size 64") {
		t.Errorf("Below(50) = %q", got)
	}
	if got := Below(sampleResults(), 10); len(got) != 0 {
		t.Errorf("Below(10) = %q, want none", got)
	}
}

func TestWriteJSONAndTable(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleResults()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d JSON lines, want 3", len(lines))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &m); err != nil {
		t.Fatal(err)
	}
	if m["batch_size"] != 64.0 || m["cards_per_sec"] != 640.0 || m["workload"] != "score" {
		t.Errorf("second object %v", m)
	}
	buf.Reset()
	if err := WriteTable(&buf, sampleResults()); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(rows) != 4 || !strings.Contains(rows[0], "cards/s") || !strings.Contains(rows[2], "640.0") {
		t.Errorf("table:\n%s", buf.String())
	}
}

func TestWritePlot(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tput.png")
	if err := WritePlot(file, sampleResults()); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("plot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 200 || b.Dy() < 100 {
		t.Errorf("plot is %v", b)
	}
	if err := WritePlot(filepath.Join(t.TempDir(), "empty.png"), nil); err == nil {
		t.Error("WritePlot with no results succeeded")
	}
}
