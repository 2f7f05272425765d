package auditreport

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"slices"
	"time"

	"github.com/terragonlabs/modelcard-generator/internal/atomicfile"
	"github.com/terragonlabs/modelcard-generator/internal/jsonenc"
)

// Options adjust the HTML report.
type Options struct {
	// Title is the page title; "" means "Model card audit".
	Title string
	// Generated is shown as the report's date when not zero.
	Generated time.Time
	// Details are extra lines shown under the title, such as the inputs and
	// the scoring backend.
	Details []string
	// TopMissing is how many of the most often missing items are listed per
	// standard; 0 means 15.
	TopMissing int
}

// WriteHTML writes the report to path atomically: readers see the old file
// or the whole new one.
func WriteHTML(path string, st *Stats, opts Options) error {
	var buf bytes.Buffer
	if err := RenderHTML(&buf, st, opts); err != nil {
		return err
	}
	if err := atomicfile.Write(path, buf.Bytes(), 0o644, true); err != nil {
		return fmt.Errorf("write the audit report: %w", err)
	}
	return nil
}

// RenderHTML writes the report as one self-contained HTML page: inline CSS
// and SVG charts, no scripts and nothing fetched from elsewhere. Every
// string from the cards (paths, error messages) is escaped.
func RenderHTML(w io.Writer, st *Stats, opts Options) error {
	if opts.Title == "" {
		opts.Title = "Model card audit"
	}
	if opts.TopMissing <= 0 {
		opts.TopMissing = 15
	}
	// The details may quote file names that are not UTF-8.
	opts.Details = slices.Clone(opts.Details)
	for i, d := range opts.Details {
		opts.Details[i] = jsonenc.ValidText(d)
	}
	v := view{Options: opts, Stats: st}
	if !opts.Generated.IsZero() {
		v.Date = opts.Generated.UTC().Format("2006-01-02 15:04 UTC")
	}
	for _, s := range st.Standards {
		sv := standardView{StandardStats: s, Chart: histogram(s)}
		sv.Top = s.Missing[:min(len(s.Missing), opts.TopMissing)]
		v.Standards = append(v.Standards, sv)
	}
	v.SectionChart = sectionChart(st.Sections)
	v.Confusion = confusionView(st.Confusion)
	if err := reportTemplate.Execute(w, v); err != nil {
		return fmt.Errorf("render the audit report: %w", err)
	}
	return nil
}

// view is the data the template renders.
type view struct {
	Options
	*Stats
	Date         string
	Standards    []standardView
	SectionChart chart
	Confusion    confusionTable
}

type standardView struct {
	StandardStats
	Chart chart
	Top   []MissingCount
}

// chart is an SVG chart laid out in Go; the template only places its parts.
type chart struct {
	Width, Height float64
	Bars          []bar
	Lines         []line
	Labels        []label
}

type bar struct {
	X, Y, W, H float64
	Tip        string
}

type line struct {
	X1, Y1, X2, Y2 float64
	Class          string
}

type label struct {
	X, Y   float64
	Anchor string // start, middle or end
	Text   string
	Class  string
}

// Histogram layout, in SVG user units.
const (
	histWidth  = 560.0
	histHeight = 230.0
	histLeft   = 52.0
	histRight  = 16.0
	histTop    = 26.0
	histBottom = 40.0
)

// histogram lays out the score distribution of one standard.
func histogram(s StandardStats) chart {
	c := chart{Width: histWidth, Height: histHeight}
	pw := histWidth - histLeft - histRight
	ph := histHeight - histTop - histBottom
	base := histTop + ph
	peak := 0
	for _, n := range s.Histogram {
		peak = max(peak, n)
	}
	bw := pw / float64(len(s.Histogram))
	for i, n := range s.Histogram {
		lo := float64(i) / float64(len(s.Histogram))
		hi := float64(i+1) / float64(len(s.Histogram))
		h := 0.0
		if peak > 0 {
			h = ph * float64(n) / float64(peak)
		}
		closing := ")"
		if i == len(s.Histogram)-1 {
			closing = "]"
		}
		c.Bars = append(c.Bars, bar{X: histLeft + float64(i)*bw + 1, Y: base - h, W: bw - 2, H: h,
			Tip: fmt.Sprintf("score in [%.2f, %.2f%s: %d of %d cards", lo, hi, closing, n, s.Scored)})
	}
	c.Lines = append(c.Lines, line{histLeft, base, histLeft + pw, base, "axis"}, line{histLeft, histTop, histLeft, base, "axis"})
	for _, t := range []float64{0, 0.25, 0.5, 0.75, 1} {
		x := histLeft + t*pw
		c.Lines = append(c.Lines, line{x, base, x, base + 4, "axis"})
		c.Labels = append(c.Labels, label{X: x, Y: base + 17, Anchor: "middle", Text: fmt.Sprintf("%.2f", t)})
	}
	c.Labels = append(c.Labels,
		label{X: histLeft + pw/2, Y: histHeight - 4, Anchor: "middle", Text: "score"},
		label{X: histLeft - 6, Y: base, Anchor: "end", Text: "0"},
		label{X: histLeft - 6, Y: histTop + 4, Anchor: "end", Text: fmt.Sprint(peak)},
		label{X: 4, Y: 14, Anchor: "start", Text: "cards"},
	)
	if s.Scored > 0 {
		xm := histLeft + s.Mean*pw
		xd := histLeft + s.Median*pw
		c.Lines = append(c.Lines, line{xm, histTop - 6, xm, base, "mean"}, line{xd, histTop - 6, xd, base, "median"})
		c.Labels = append(c.Labels,
			label{X: histLeft + pw, Y: 14, Anchor: "end", Class: "legend",
				Text: fmt.Sprintf("mean %.3f (dashed) · median %.3f (dotted)", s.Mean, s.Median)})
	}
	return c
}

// Section chart layout.
const (
	secLabelWidth = 250.0
	secBarWidth   = 300.0
	secRow        = 18.0
	secTop        = 8.0
)

// sectionChart lays out the fill rate of each canonical section as
// horizontal bars, in template order.
func sectionChart(secs []SectionFill) chart {
	c := chart{Width: secLabelWidth + secBarWidth + 70, Height: secTop*2 + secRow*float64(len(secs))}
	x0 := secLabelWidth + 8
	for i, s := range secs {
		y := secTop + secRow*float64(i)
		c.Bars = append(c.Bars, bar{X: x0, Y: y + 3, W: secBarWidth * s.Share, H: secRow - 6,
			Tip: fmt.Sprintf("%s: filled in %d cards (%s)", s.Title, s.Count, percent(s.Share))})
		c.Labels = append(c.Labels,
			label{X: secLabelWidth, Y: y + 13, Anchor: "end", Text: s.Title},
			label{X: x0 + secBarWidth*s.Share + 6, Y: y + 13, Anchor: "start", Text: percent(s.Share)})
	}
	c.Lines = append(c.Lines, line{x0, secTop, x0, secTop + secRow*float64(len(secs)), "axis"})
	return c
}

type confusionTable struct {
	Columns []string
	Rows    []confusionRow
}

type confusionRow struct {
	Label string
	Cells []confusionCell
}

type confusionCell struct {
	Count    int
	Shade    string // CSS class s0..s9
	Diagonal bool
}

func confusionView(m Confusion) confusionTable {
	t := confusionTable{Columns: m.Predicted}
	for i, d := range m.Declared {
		row := confusionRow{Label: d}
		for j, n := range m.Counts[i] {
			level := 0
			if m.Max > 0 && n > 0 {
				level = 1 + 8*n/m.Max
			}
			row.Cells = append(row.Cells, confusionCell{Count: n, Shade: fmt.Sprintf("s%d", level), Diagonal: d == m.Predicted[j] && d != NoFamily})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct": percent,
	"f1":  func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"f3":  func(f float64) string { return fmt.Sprintf("%.3f", f) },
	"share": func(n, of int) string {
		return percent(share(n, of))
	},
}).Parse(reportHTML))

const reportHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; margin: 2em auto; max-width: 70em; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #d5d9e0; padding-bottom: 0.2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
p.meta { color: #5b6475; margin: 0.1em 0; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #d5d9e0; padding: 0.25em 0.6em; vertical-align: top; text-align: left; }
th { background: #f1f3f7; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.path { font-family: ui-monospace, monospace; word-break: break-all; }
code { font-family: ui-monospace, monospace; font-size: 0.92em; color: #3c4660; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5em; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 0.3em; }
svg { font: 11px system-ui, sans-serif; }
svg .bar { fill: #4a78c2; }
svg .axis { stroke: #59606d; stroke-width: 1; }
svg .mean { stroke: #c2504a; stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .median { stroke: #2f8f5b; stroke-width: 1.5; stroke-dasharray: 2 2; }
svg .legend { fill: #5b6475; }
table.confusion td { text-align: right; min-width: 3.2em; }
table.confusion td.diag { outline: 2px solid #1d2330; outline-offset: -2px; }
.s0 { background: #ffffff; } .s1 { background: #eef3fb; } .s2 { background: #dce6f6; }
.s3 { background: #c8d8f0; } .s4 { background: #b2c8ea; } .s5 { background: #9bb8e3; }
.s6 { background: #83a6db; } .s7 { background: #6a93d2; color: #fff; } .s8 { background: #4f7fc8; color: #fff; }
.s9 { background: #3567b5; color: #fff; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{if .Date}}<p class="meta">Generated {{.Date}}</p>{{end}}
{{range .Details}}<p class="meta">{{.}}</p>
{{end}}
<h2 id="summary">Summary</h2>
<table>
<tr><th>Cards audited</th><td class="n">{{.Cards}}</td><td></td></tr>
<tr><th>Scored</th><td class="n">{{.Scored}}</td><td></td></tr>
<tr><th>Unreadable</th><td class="n">{{.Unreadable}}</td><td>could not be read or parsed at all; listed <a href="#errors">below</a></td></tr>
<tr><th>Metadata errors</th><td class="n">{{.MetadataErrors}}</td><td>scored on the body alone: the metadata block does not parse</td></tr>
<tr><th>Declare a Hub task</th><td class="n">{{.Declared}}</td><td>{{share .Declared .Scored}} of the scored cards</td></tr>
<tr><th>Family mismatches</th><td class="n">{{.Mismatches}}</td><td>{{share .Mismatches .Declared}} of the cards that declare a task: the declared task's family differs from the predicted one</td></tr>
</table>
{{if .Standards}}
<table>
<tr><th>Standard</th><th>Title</th><th>Scored</th><th>Mean</th><th>Median</th><th>Below 0.5</th></tr>
{{range .Standards}}<tr><td><code>{{.ID}}</code></td><td>{{.Title}}</td><td class="n">{{.Scored}}</td><td class="n">{{f3 .Mean}}</td><td class="n">{{f3 .Median}}</td><td class="n">{{pct .BelowHalf}}</td></tr>
{{end}}</table>
{{end}}
{{if .Families}}
<h3>Template families chosen</h3>
<table>
<tr><th>Family</th><th>Cards</th><th>Share</th></tr>
{{range .Families}}<tr><td>{{.Title}} <code>{{.ID}}</code></td><td class="n">{{.Count}}</td><td class="n">{{share .Count $.Scored}}</td></tr>
{{end}}</table>
{{end}}

<h2 id="scores">Score distribution per standard</h2>
<div class="charts">
{{range .Standards}}<figure class="histogram">
<figcaption>{{.Title}} <code>{{.ID}}</code></figcaption>
<svg xmlns="http://www.w3.org/2000/svg" width="{{f1 .Chart.Width}}" height="{{f1 .Chart.Height}}" viewBox="0 0 {{f1 .Chart.Width}} {{f1 .Chart.Height}}" role="img">
{{range .Chart.Bars}}<rect class="bar" x="{{f1 .X}}" y="{{f1 .Y}}" width="{{f1 .W}}" height="{{f1 .H}}"><title>{{.Tip}}</title></rect>
{{end}}{{range .Chart.Lines}}<line class="{{.Class}}" x1="{{f1 .X1}}" y1="{{f1 .Y1}}" x2="{{f1 .X2}}" y2="{{f1 .Y2}}"/>
{{end}}{{range .Chart.Labels}}<text{{if .Class}} class="{{.Class}}"{{end}} x="{{f1 .X}}" y="{{f1 .Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>
{{end}}</svg>
</figure>
{{end}}</div>

<h2 id="sections">Section fill rate</h2>
<p>Share of the scored cards that fill each section of the Hub template with real text (not a placeholder), in template order.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="{{f1 .SectionChart.Width}}" height="{{f1 .SectionChart.Height}}" viewBox="0 0 {{f1 .SectionChart.Width}} {{f1 .SectionChart.Height}}" role="img">
{{range .SectionChart.Bars}}<rect class="bar" x="{{f1 .X}}" y="{{f1 .Y}}" width="{{f1 .W}}" height="{{f1 .H}}"><title>{{.Tip}}</title></rect>
{{end}}{{range .SectionChart.Lines}}<line class="{{.Class}}" x1="{{f1 .X1}}" y1="{{f1 .Y1}}" x2="{{f1 .X2}}" y2="{{f1 .Y2}}"/>
{{end}}{{range .SectionChart.Labels}}<text x="{{f1 .X}}" y="{{f1 .Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>
{{end}}</svg>

<h2 id="confusion">Declared × predicted family</h2>
<p>Rows: the family of the task a card declares ({{.Declared}} cards declare one; <code>none</code> when it declares none). Columns: the family of the task predicted from the card's text. Outlined cells agree.</p>
{{if .Confusion.Rows}}
<table class="confusion">
<tr><th>declared \ predicted</th>{{range .Confusion.Columns}}<th>{{.}}</th>{{end}}</tr>
{{range .Confusion.Rows}}<tr><th>{{.Label}}</th>{{range .Cells}}<td class="{{.Shade}}{{if .Diagonal}} diag{{end}}">{{if .Count}}{{.Count}}{{end}}</td>{{end}}</tr>
{{end}}</table>
{{else}}<p>No card was scored.</p>{{end}}

<h2 id="missing">Most often missing</h2>
{{range .Standards}}
<h3>{{.Title}} <code>{{.ID}}</code></h3>
{{if .Top}}
<table>
<tr><th>Cards</th><th>Share</th><th>Item</th><th>Why it matters</th><th>How to fix</th></tr>
{{range .Top}}<tr><td class="n">{{.Count}}</td><td class="n">{{pct .Share}}</td><td>{{.Title}}<br><code>{{.ID}}</code></td><td>{{.Why}}</td><td>{{.Fix}}</td></tr>
{{end}}</table>
{{else}}<p>No scored card misses an item of this standard.</p>{{end}}
{{end}}

<h2 id="errors">Cards with errors</h2>
{{if .Errors}}
<table>
<tr><th>Card</th><th>Error</th><th>Scored</th></tr>
{{range .Errors}}<tr><td class="path">{{.Path}}</td><td>{{.Error}}</td><td>{{if .Scored}}yes, from the body{{else}}no{{end}}</td></tr>
{{end}}</table>
{{if .ErrorsOmitted}}<p>… and {{.ErrorsOmitted}} more, listed in the JSONL output.</p>{{end}}
{{else}}<p>None: every card was read and parsed.</p>{{end}}
</body>
</html>
`
