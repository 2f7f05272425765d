package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// WriteTable writes the results as an aligned text table with a header.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tbackend\tbatch\tcards\tseconds\tcards/s\tMB/s\tp50 ms\tp95 ms\tp99 ms\tpeak RSS MiB\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.3f\t%.1f\t%.2f\t%.3f\t%.3f\t%.3f\t%.1f\t\n",
			r.Workload, r.Backend, r.BatchSize, r.Cards, r.Seconds, r.CardsPerSec, r.MBPerSec,
			r.P50ms, r.P95ms, r.P99ms, float64(r.PeakRSSBytes)/(1<<20))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write the benchmark table: %w", err)
	}
	return nil
}

// WriteJSON writes one JSON object per result, one per line.
func WriteJSON(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write benchmark JSON: %w", err)
		}
	}
	return nil
}

// Below returns a message for each result whose throughput is under
// target cards per second, naming the run.
func Below(results []Result, target float64) []string {
	var out []string
	for _, r := range results {
		if r.CardsPerSec < target {
			out = append(out, fmt.Sprintf("%s on %s, batch size %d: %.1f cards/s is below the target of %.1f",
				r.Workload, r.Backend, r.BatchSize, r.CardsPerSec, target))
		}
	}
	return out
}

// WritePlot draws throughput (cards per second) against batch size, one
// line per workload and backend, with a logarithmic batch-size axis, and
// saves it to file; the file's extension chooses the format (.png, .svg,
// .pdf).
func WritePlot(file string, results []Result) error {
	p := plot.New()
	p.Title.Text = "modelcard bench: throughput by batch size"
	p.X.Label.Text = "batch size (cards)"
	p.Y.Label.Text = "cards per second"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(10)

	type key struct {
		w Workload
		b string
	}
	lines := map[key]plotter.XYs{}
	var order []key
	top := 0.0
	for _, r := range results {
		top = max(top, r.CardsPerSec)
		k := key{r.Workload, r.Backend}
		if _, ok := lines[k]; !ok {
			order = append(order, k)
		}
		lines[k] = append(lines[k], plotter.XY{X: float64(r.BatchSize), Y: r.CardsPerSec})
	}
	if len(order) == 0 {
		return fmt.Errorf("plot %s: no results to draw", file)
	}
	for i, k := range order {
		xy := lines[k]
		slices.SortFunc(xy, func(a, b plotter.XY) int {
			switch {
			case a.X < b.X:
				return -1
			case a.X > b.X:
				return 1
			}
			return 0
		})
		l, pts, err := plotter.NewLinePoints(xy)
		if err != nil {
			return fmt.Errorf("plot %s: %w", file, err)
		}
		l.Color = plotutil.Color(i)
		pts.Color = plotutil.Color(i)
		pts.Shape = plotutil.Shape(i)
		p.Add(l, pts)
		label := string(k.w)
		if k.b != "-" {
			label += " / " + k.b
		}
		p.Legend.Add(label, l, pts)
	}
	// Start at zero and leave room above the lines for the legend.
	p.Y.Min, p.Y.Max = 0, max(top*(1.2+0.08*float64(len(order))), 1)
	if err := p.Save(8*vg.Inch, 5*vg.Inch, file); err != nil {
		return fmt.Errorf("save the plot to %s (use a .png, .svg or .pdf name in a writable folder): %w", file, err)
	}
	return nil
}
