package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/evalimport"
	"github.com/terragonlabs/modelcard-generator/internal/atomicfile"
)

// The default thresholds of drift (see thresholdFor).
const (
	// defaultRelative is the relative threshold, in percent, of
	// lower-is-better metrics and of values outside [0, 100].
	defaultRelative = 5.0
	// defaultAbsFraction is the absolute threshold of values in [0, 1].
	defaultAbsFraction = 0.01
	// defaultAbsPercent is the absolute threshold of values in [0, 100]
	// when one of them is above 1 (a percentage scale).
	defaultAbsPercent = 1.0
)

// The statuses of a compared metric.
const (
	statusOK      = "ok"
	statusDrift   = "drift"
	statusNew     = "new"
	statusMissing = "missing"
)

func driftCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:      "drift",
		Usage:     "compare a card's reported results with new evaluation results; exit 1 when a metric moved past its threshold",
		ArgsUsage: "CARD --against EVAL... (CARD: a README.md, a spec, or a toolkit or JSON card)",
		Description: strings.TrimSpace(`
Compares the evaluation results a card reports (a README's model-index, a
spec's eval_results, or those of a Model Card Toolkit or JSON card) with
new results: an lm-evaluation-harness results JSON, a CSV with the header
task,dataset,split,metric,value (and the optional columns config, revision,
metric_config, lower, upper), a Hub model-index, an MLflow run or W&B run
files (see generate --help). Repeat --against to combine several files;
later files win.

Results are matched on task, dataset, config, split, revision, metric and
metric config, exactly as written. A new result that gives no dataset
config, revision or metric config (a CSV without those columns, an MLflow
or W&B run) matches the card's result that agrees with it on everything
else when exactly one does; when several do (two configs of one dataset),
drift stops with exit 1 and names them: give the config (a config column in
the CSV). Each matched metric is compared with its threshold; a change
larger than the threshold, up or down, is a drift:

   lower-is-better metrics (loss, error, perplexity, wer, cer, mae, mse,
   rmse, fid, bits per byte, ...): 5% of the old value (relative)
   values in [0, 1] (accuracy, f1, ...): 0.01 absolute (one point)
   values in [0, 100] with one above 1 (a percentage scale): 1.0 absolute
   anything else (negative or above 100): 5% relative

A value written as text ("20.5 ± 0.3") is compared by its leading number;
text without one is compared as text. A % sign gives the scale: a value
written as a percentage ("86.1%") compared with a fraction (a plain number
from 0 to 1, such as the card's 0.861) counts as its hundredth (0.861), and
a fraction compared with a card's percentage as its hundredfold; the change
and the threshold are then on the card's scale. Otherwise values are
compared as written (86.1% and 86.1 are equal).

A metric whose new value is NaN or infinite (the import warns where) is a
drift, shown as "not finite", not a missing metric; --update keeps the
card's value for it.

--threshold METRIC=VALUE sets a metric's threshold: a plain number is
absolute, a number with % is relative to the old value; METRIC is the
metric type as the results write it (case does not matter), or * for every
metric without its own threshold. Repeat it for several metrics.

The table lists every metric: ok, DRIFT, new (in the new results only) or
missing (in the card only). New and missing metrics do not fail the run.

--update writes the new results into the card's model-index (results with
the same key replaced, new ones added, missing ones kept) and leaves the
rest of the file as it is: only the YAML block is rewritten (with the line
breaks and the comments at its top and end that it had), the Markdown body
stays byte for byte. It works on README cards; the run then exits 0
once the card is written, whatever drifted. It refuses a card whose
model-index cannot be read or holds several models, whose results would be
lost or folded together: --force replaces it.

Examples:
   modelcard drift README.md --against results.json
   modelcard drift README.md --against results.json --threshold acc=0.005 --threshold loss=3%
   modelcard drift spec.yaml --against eval.csv --json | jq '.results[] | select(.status == "drift")'
   modelcard drift README.md --against results.json --update

Exit codes: 0 no metric drifted (or --update wrote the card); 1 a metric
drifted past its threshold or became NaN, a new result could stand for
several of the card's, or an input could not be read; 2 wrong command line
(no card, no --against, bad --threshold).`),
		Flags: []cli.Flag{
			pathListFlag("against", []string{"a"}, "new evaluation results: `EVAL` file or folder (repeatable; a comma is part of the path)"),
			&cli.StringSliceFlag{Name: "threshold", Usage: "a metric's threshold, `METRIC=VALUE`: absolute (accuracy=0.005) or relative (loss=3%); * for every metric; repeatable"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON document instead of the table"},
			&cli.BoolFlag{Name: "update", Usage: "write the new results into the card's model-index"},
			&cli.BoolFlag{Name: "force", Usage: "with --update, replace a model-index that cannot be read or holds several models"},
			&cli.Int64Flag{Name: "max-bytes", Value: card.DefaultMaxCardBytes, Usage: "largest card read, in bytes"},
		},
		Action: func(c *cli.Context) error { return runDrift(c, io) },
	}
}

// threshold is how far a metric may move before it drifts.
type threshold struct {
	// Relative is true when Value is a percentage of the old value.
	Relative bool `json:"relative"`
	// Value is the absolute change, or the percentage, allowed.
	Value float64 `json:"value"`
	// Source says where it comes from: "flag", "flag *" or "default".
	Source string `json:"source"`
}

// String writes the threshold as the table shows it: ±0.01 or ±5%.
func (t threshold) String() string {
	v := strconv.FormatFloat(t.Value, 'f', -1, 64)
	if t.Relative {
		return "±" + v + "%"
	}
	return "±" + v
}

// parseThresholds reads the --threshold flags: metric (lower-cased) to
// threshold, "*" for the default.
func parseThresholds(values []string) (map[string]threshold, error) {
	out := map[string]threshold{}
	for _, v := range values {
		name, val, ok := strings.Cut(v, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		val = strings.TrimSpace(val)
		if !ok || name == "" || val == "" {
			return nil, usagef("--threshold %q: write METRIC=VALUE, such as accuracy=0.005 (absolute) or loss=3%% (relative)", v)
		}
		t := threshold{Source: "flag"}
		if name == "*" {
			t.Source = "flag *"
		}
		if num, isRel := strings.CutSuffix(val, "%"); isRel {
			t.Relative = true
			val = strings.TrimSpace(num)
		}
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
			return nil, usagef("--threshold %q: %q is not a number of 0 or more; write accuracy=0.005 (absolute) or loss=3%% (relative)", v, val)
		}
		t.Value = f
		if prev, dup := out[name]; dup {
			return nil, usagef("--threshold %s is given twice (%s and %s); give it once", name, prev, t)
		}
		out[name] = t
	}
	return out, nil
}

// lowerIsBetter are words that mark a metric whose lower values are better.
// Read-only.
var lowerIsBetter = map[string]bool{
	"loss": true, "error": true, "err": true, "errors": true, "perplexity": true, "ppl": true,
	"wer": true, "cer": true, "mer": true, "wil": true, "ter": true, "mae": true, "mse": true,
	"rmse": true, "mape": true, "smape": true, "fid": true, "kid": true, "bpb": true, "bpc": true,
	"bits": true, "nll": true, "latency": true, "eer": true, "far": true, "frr": true,
}

// isLowerBetter reports a metric whose lower values are better, from the
// words of its type and name ("eval_loss", "word_perplexity", "WER",
// "valLoss"): the runs of the letters a to z in the lower-cased names.
func isLowerBetter(r card.EvalResult) bool {
	for _, s := range []string{r.MetricType, r.MetricName} {
		s = strings.ToLower(s)
		start := -1
		for i := 0; i <= len(s); i++ {
			if i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 && lowerIsBetter[s[start:i]] {
				return true
			}
			start = -1
		}
		// Run-together names: "evalloss", "valperplexity".
		for _, part := range []string{"loss", "perplexity", "error"} {
			if strings.Contains(s, part) {
				return true
			}
		}
	}
	return false
}

// thresholdFor picks a result's threshold: its metric's flag, the *
// flag, or the default for the metric and its values.
func thresholdFor(r card.EvalResult, old, current float64, flags map[string]threshold) threshold {
	if t, ok := flags[strings.ToLower(r.MetricType)]; ok {
		return t
	}
	if t, ok := flags["*"]; ok {
		return t
	}
	rel := threshold{Relative: true, Value: defaultRelative, Source: "default"}
	switch {
	case isLowerBetter(r):
		return rel
	case old >= 0 && current >= 0 && old <= 1 && current <= 1:
		return threshold{Value: defaultAbsFraction, Source: "default"}
	case old >= 0 && current >= 0 && old <= 100 && current <= 100:
		return threshold{Value: defaultAbsPercent, Source: "default"}
	}
	return rel
}

// leadingNumber matches the number a text value starts with.
var leadingNumber = regexp.MustCompile(`^\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?`)

// metricNumber is numericValue that also reports a percentage: text whose
// leading number a % sign follows ("86.1%", "86.1 %").
func metricNumber(v any) (f float64, ok, percent bool) {
	f, ok = numericValue(v)
	if s, isText := v.(string); ok && isText {
		m := leadingNumber.FindStringIndex(s)
		percent = strings.HasPrefix(strings.TrimLeft(s[m[1]:], " \t"), "%")
	}
	return f, ok, percent
}

// comparableValues reads an old (card) and a new value as numbers on the
// card's scale: a percentage against a fraction (a plain number from 0 to
// 1) is divided by 100, a fraction against a percentage multiplied by 100.
// ok is false unless both are numbers.
func comparableValues(old, current any) (ov, nv float64, ok bool) {
	ov, ok1, oldPct := metricNumber(old)
	nv, ok2, newPct := metricNumber(current)
	if !ok1 || !ok2 {
		return ov, nv, false
	}
	switch {
	case newPct && !oldPct && ov >= 0 && ov <= 1:
		nv = roundTo(nv/100, decimals(nv)+2)
	case oldPct && !newPct && nv >= 0 && nv <= 1:
		nv = roundTo(nv*100, max(decimals(nv)-2, 0))
	}
	return ov, nv, true
}

// numericValue reads a metric value as a number: a number, or text that
// starts with one ("20.5 ± 0.3", "85%").
func numericValue(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case float32:
		return float64(x), !math.IsNaN(float64(x))
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		m := leadingNumber.FindString(x)
		if m == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(m), 64)
		return f, err == nil
	}
	return 0, false
}

// valueText writes a metric value as the card would.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// decimals is the number of decimals a value is written with, at most 8.
func decimals(f float64) int {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	_, frac, ok := strings.Cut(s, ".")
	if !ok {
		return 0
	}
	return min(len(frac), 8)
}

// driftRow is one compared metric.
type driftRow struct {
	Status        string `json:"status"`
	Task          string `json:"task,omitempty"`
	Dataset       string `json:"dataset,omitempty"`
	DatasetConfig string `json:"dataset_config,omitempty"`
	Split         string `json:"split,omitempty"`
	Revision      string `json:"revision,omitempty"`
	Metric        string `json:"metric"`
	MetricConfig  string `json:"metric_config,omitempty"`
	Old           any    `json:"old,omitempty"`
	New           any    `json:"new,omitempty"`
	// Change is new minus old; absent unless both are numbers.
	Change *float64 `json:"change,omitempty"`
	// RelativeChange is the change in percent of the old value; absent
	// when the old value is 0.
	RelativeChange *float64 `json:"relative_change,omitempty"`
	// Threshold is absent for new and missing metrics.
	Threshold *threshold `json:"threshold,omitempty"`
	// LowerIsBetter tells which way is better, so that a drift can be read
	// as an improvement or a regression.
	LowerIsBetter bool `json:"lower_is_better"`
	// Comparable is false when a value has no number to compare; the
	// values are then compared as text.
	Comparable bool `json:"comparable"`

	changeText string
}

// driftReport is the --json output.
type driftReport struct {
	Card    string         `json:"card"`
	Against []string       `json:"against"`
	Drifted bool           `json:"drifted"`
	Counts  map[string]int `json:"counts"`
	Results []driftRow     `json:"results"`
	Updated bool           `json:"updated"`
}

// driftPair is one compared metric: its positions in the card's results
// and in the new results, or in the new non-finite metrics; -1 where
// absent.
type driftPair struct {
	old, new  int32
	notFinite bool
}

// driftComparison is a card's results compared with new ones. It keeps
// positions, not rows, so that comparing a million results costs a few
// bytes each; row builds each row when it is written.
type driftComparison struct {
	old, current, notFinite []card.EvalResult
	flags                   map[string]threshold
	pairs                   []driftPair
	// lowerBetter caches isLowerBetter by metric type and name.
	lowerBetter map[[2]string]bool
}

// compareResults compares a card's results with new ones, in the card's
// order, then the new results the card lacks in their order. The new
// results have one result per key, as evalimport.ImportAll gives them, and
// have been matched with evalimport.Resolve; notFinite are the new metrics
// whose value is NaN or infinite: those the card has are drifts.
func compareResults(old, current, notFinite []card.EvalResult, flags map[string]threshold) *driftComparison {
	d := &driftComparison{old: old, current: current, notFinite: notFinite, flags: flags, lowerBetter: map[[2]string]bool{}}
	oldAt := make(map[evalimport.ResultKey]int, len(old))
	firstOld := make([]int, 0, len(old))
	for i, o := range old {
		k := evalimport.KeyOf(o)
		if _, seen := oldAt[k]; !seen {
			oldAt[k] = len(firstOld)
			firstOld = append(firstOld, i)
		}
	}
	d.pairs = make([]driftPair, len(firstOld), len(firstOld)+len(current))
	for j, i := range firstOld {
		d.pairs[j] = driftPair{old: int32(i), new: -1}
	}
	for i, n := range current {
		if j, ok := oldAt[evalimport.KeyOf(n)]; ok {
			d.pairs[j].new = int32(i)
			continue
		}
		d.pairs = append(d.pairs, driftPair{old: -1, new: int32(i)})
	}
	for i, n := range notFinite {
		if j, ok := oldAt[evalimport.KeyOf(n)]; ok && d.pairs[j].new < 0 {
			d.pairs[j].new, d.pairs[j].notFinite = int32(i), true
		}
	}
	return d
}

// row builds the i-th compared metric.
func (d *driftComparison) row(i int) driftRow {
	p := d.pairs[i]
	if p.old < 0 {
		n := d.current[p.new]
		row := d.rowFor(n)
		row.New = n.MetricValue
		row.Status = statusNew
		return row
	}
	o := d.old[p.old]
	row := d.rowFor(o)
	row.Old = o.MetricValue
	switch {
	case p.new < 0:
		row.Status = statusMissing
		return row
	case p.notFinite:
		row.New = d.notFinite[p.new].MetricValue
		row.Status = statusDrift
		row.changeText = "not finite"
		return row
	}
	n := d.current[p.new]
	row.New = n.MetricValue
	ov, nv, ok := comparableValues(o.MetricValue, n.MetricValue)
	row.Comparable = ok
	if !row.Comparable {
		row.Status = statusOK
		if valueText(o.MetricValue) != valueText(n.MetricValue) {
			row.Status = statusDrift
			row.changeText = "changed"
		}
		return row
	}
	t := thresholdFor(o, ov, nv, d.flags)
	row.Threshold = &t
	diff := nv - ov
	change := roundTo(diff, max(decimals(ov), decimals(nv)))
	row.Change = &change
	if ov != 0 {
		r := roundTo(diff/math.Abs(ov)*100, 2)
		row.RelativeChange = &r
	}
	row.Status = statusOK
	if exceeds(diff, ov, t) {
		row.Status = statusDrift
	}
	return row
}

// rowFor starts a row with a result's identity.
func (d *driftComparison) rowFor(r card.EvalResult) driftRow {
	key := [2]string{r.MetricType, r.MetricName}
	lower, ok := d.lowerBetter[key]
	if !ok {
		lower = isLowerBetter(r)
		d.lowerBetter[key] = lower
	}
	return driftRow{Task: r.TaskType, Dataset: r.DatasetType, DatasetConfig: r.DatasetConfig,
		Split: r.DatasetSplit, Revision: r.DatasetRevision, Metric: r.MetricType,
		MetricConfig: r.MetricConfig, LowerIsBetter: lower}
}

// exceeds reports a change past its threshold. A change equal to the
// threshold, up to rounding of the decimal values, is within it.
func exceeds(diff, old float64, t threshold) bool {
	d := math.Abs(diff)
	limit := t.Value
	if t.Relative {
		if old == 0 {
			return d != 0
		}
		limit = math.Abs(old) * t.Value / 100
	}
	return d > limit*(1+1e-9)+1e-12
}

// roundTo rounds to n decimals.
func roundTo(f float64, n int) float64 {
	p := math.Pow(10, float64(n))
	return math.Round(f*p) / p
}

// driftCard is the card drift reads.
type driftCard struct {
	format  inputFormat
	card    *card.Card
	results []card.EvalResult
	// miErr is why the model-index of a README cannot be read; entries is
	// its number of entries.
	miErr   error
	entries int
	name    string
	// crlf is true when the card's first line ends in CRLF: --update
	// writes the YAML block it rewrites with CRLF too.
	crlf bool
}

// readDriftCard reads a card and its reported results.
func readDriftCard(io stdio, path string, maxBytes int64) (*driftCard, error) {
	if path == "-" {
		return nil, usagef("drift reads the card from a file, not standard input (--update writes it back)")
	}
	data, err := readInput(io, path, maxBytes)
	if err != nil {
		return nil, err
	}
	dc := &driftCard{format: detectInput(path, data), crlf: firstLineCRLF(data)}
	if dc.format.name == "hf" {
		// The YAML reader keeps a comment at the top of a CRLF block apart
		// from the keys, and the metadata drops it when --update writes the
		// block back; with LF breaks the comment stays with the first key.
		// The block is read with LF breaks, and written back with CRLF.
		data = lfHead(data)
	}
	dc.card, err = dc.format.parse(data, path)
	if err != nil {
		printParseError(io, path, err)
		return nil, failedError{summary: fmt.Sprintf("%s could not be read as %s", path, dc.format.desc)}
	}
	if dc.format.name != "hf" {
		dc.results = dc.card.Content.EvalResults
		dc.name = dc.card.Content.ModelID
		return dc, nil
	}
	dc.name = dc.card.Content.ModelID
	v, ok := dc.card.Meta.Value("model-index")
	if !ok || v == nil {
		return dc, nil
	}
	if list, isList := v.([]any); isList {
		dc.entries = len(list)
	}
	name, results, err := card.ModelIndexToEvalResults(v)
	if err != nil {
		dc.miErr = err
		return dc, nil
	}
	dc.results = results
	if dc.name == "" {
		// The card's id is the first entry's name; the Hub reads the last.
		dc.name = name
	}
	return dc, nil
}

func runDrift(c *cli.Context, io stdio) error {
	if c.NArg() != 1 {
		return usagef("drift compares one card: give its file, got %d arguments", c.NArg())
	}
	against := paths(c, "against")
	if len(against) == 0 {
		return usagef("drift needs --against EVAL: the new evaluation results (lm-evaluation-harness JSON, CSV, model-index, MLflow or W&B run)")
	}
	flags, err := parseThresholds(c.StringSlice("threshold"))
	if err != nil {
		return err
	}
	for _, p := range against {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return usagef("--against %s: no such file or folder", p)
		}
	}
	path := c.Args().First()
	dc, err := readDriftCard(io, path, c.Int64("max-bytes"))
	if err != nil {
		return err
	}
	update := c.Bool("update")
	if update && dc.format.name != "hf" {
		return usagef("--update rewrites Hugging Face README cards; %s is %s: put the new results in it by hand, or run generate --eval", path, dc.format.desc)
	}
	if dc.miErr != nil && !(update && c.Bool("force")) {
		hint := "fix it (`modelcard validate " + path + "` shows where)"
		if update {
			hint += ", or give --force to replace it with the new results"
		}
		return failedError{summary: fmt.Sprintf("%s: the model-index cannot be read: %v; %s", path, dc.miErr, hint)}
	}
	if update && dc.entries > 1 && !c.Bool("force") {
		return failedError{summary: fmt.Sprintf("%s: the model-index holds %d models; --update writes one entry with all results under the name %q: give --force to do so", path, dc.entries, dc.name)}
	}

	im, err := evalimport.ImportAll(against...)
	if err != nil {
		var ie *evalimport.Error
		if errors.As(err, &ie) {
			fmt.Fprintln(io.err, ie.Problem().String())
			return failedError{summary: "the --against results could not be read; see the message above"}
		}
		return failedError{summary: fmt.Sprintf("--against: %v", err)}
	}
	for _, w := range im.Warnings {
		fmt.Fprintln(io.err, w.String())
	}
	if len(im.Results) == 0 && len(im.NotFinite) == 0 {
		return failedError{summary: fmt.Sprintf("--against %s holds no evaluation results to compare", strings.Join(against, ", "))}
	}
	// New results that leave out the config, revision or metric config
	// stand for the card's result that has them, when there is one.
	results, err := evalimport.Resolve(dc.results, im.Results)
	if err == nil {
		im.NotFinite, err = evalimport.Resolve(dc.results, im.NotFinite)
	}
	if err != nil {
		return failedError{summary: fmt.Sprintf("%s: the new results cannot be matched with the card's: %v", path, err)}
	}
	for name := range flags {
		if name != "*" && !usesMetric(name, dc.results, results) {
			fmt.Fprintf(io.err, "warning: --threshold %s: no result has the metric %q (check its spelling against the table)\n", name, name)
		}
	}

	if len(dc.results) == 0 {
		fmt.Fprintf(io.err, "note: %s reports no evaluation results; every new result is listed as new\n", path)
	}
	cmp := compareResults(dc.results, results, im.NotFinite, flags)
	report := driftReport{Card: path, Against: against, Counts: map[string]int{}}
	for i := range cmp.pairs {
		r := cmp.row(i)
		report.Counts[r.Status]++
		if r.Status == statusDrift {
			report.Drifted = true
		}
	}
	if update {
		if err := updateCard(path, dc, results); err != nil {
			return err
		}
		report.Updated = true
		for _, p := range cmp.pairs {
			if p.notFinite {
				o := dc.results[p.old]
				fmt.Fprintf(io.err, "note: --update kept the card's %s of %s: the new value is %s\n",
					o.MetricType, cmp.rowFor(o).where(), valueText(im.NotFinite[p.new].MetricValue))
			}
		}
	}
	if c.Bool("json") {
		if err := writeDriftJSON(io.out, report, cmp); err != nil {
			return fmt.Errorf("write JSON: %w", err)
		}
	} else {
		if err := writeDriftTable(io.out, cmp); err != nil {
			return err
		}
		fmt.Fprintf(io.err, "%s: %d ok, %d drifted, %d new, %d missing\n", plural(len(cmp.pairs), "metric"),
			report.Counts[statusOK], report.Counts[statusDrift], report.Counts[statusNew], report.Counts[statusMissing])
		if update {
			fmt.Fprintf(io.err, "updated the model-index of %s\n", path)
		}
	}
	if report.Drifted && !update {
		summary := plural(report.Counts[statusDrift], "metric") + " drifted past the threshold"
		if n := cmp.notFiniteCount(); n > 0 {
			summary = fmt.Sprintf("%s drifted (%d now NaN or infinite)", plural(report.Counts[statusDrift], "metric"), n)
		}
		return failedError{summary: summary}
	}
	return nil
}

// notFiniteCount counts the card's metrics whose new value is NaN or
// infinite.
func (d *driftComparison) notFiniteCount() int {
	n := 0
	for _, p := range d.pairs {
		if p.notFinite {
			n++
		}
	}
	return n
}

// where names a row's dataset, config and split for messages, such as
// "acme/reviews (main), split test".
func (r driftRow) where() string {
	w := cmp.Or(r.Dataset, "no dataset")
	if r.DatasetConfig != "" {
		w += " (" + r.DatasetConfig + ")"
	}
	if r.Split != "" {
		w += ", split " + r.Split
	}
	return w
}

// plural writes a count and a noun, with an s unless the count is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// usesMetric reports whether a result has the metric type (case-insensitive).
func usesMetric(name string, lists ...[]card.EvalResult) bool {
	for _, l := range lists {
		for _, r := range l {
			if strings.EqualFold(r.MetricType, name) {
				return true
			}
		}
	}
	return false
}

// driftColumns are the columns of the drift table.
var driftColumns = [...]string{"METRIC", "DATASET", "SPLIT", "OLD", "NEW", "CHANGE", "THRESHOLD", "STATUS"}

// cells writes a row as the table's cells.
func (r driftRow) cells() [len(driftColumns)]string {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	metric := r.Metric
	if r.MetricConfig != "" {
		metric += " (" + r.MetricConfig + ")"
	}
	dataset := r.Dataset
	if r.DatasetConfig != "" {
		dataset += " (" + r.DatasetConfig + ")"
	}
	change := r.changeText
	if r.Change != nil {
		change = strconv.FormatFloat(*r.Change, 'f', -1, 64)
		if *r.Change >= 0 {
			change = "+" + change
		}
		if r.RelativeChange != nil {
			change += fmt.Sprintf(" (%+.2f%%)", *r.RelativeChange)
		}
	}
	th := ""
	if r.Threshold != nil {
		th = r.Threshold.String()
	}
	status := r.Status
	if status == statusDrift {
		status = "DRIFT"
	}
	return [...]string{dash(metric), dash(dataset), dash(r.Split), dash(valueText(r.Old)), dash(valueText(r.New)), dash(change), dash(th), status}
}

// driftTablePadding is the space between the table's columns.
const driftTablePadding = 2

// writeDriftTable prints the compared metrics as an aligned table: each
// column as wide as its widest cell (in characters) and two spaces, the
// last column unpadded. It goes through the rows twice, once for the
// widths and once to write them, rather than holding the table: the
// memory does not grow with the number of rows.
func writeDriftTable(w io.Writer, d *driftComparison) error {
	var width [len(driftColumns)]int
	measure := func(cells [len(driftColumns)]string) {
		for i, c := range cells {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	measure(driftColumns)
	for i := range d.pairs {
		measure(d.row(i).cells())
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	line := func(cells [len(driftColumns)]string) {
		for i, c := range cells {
			bw.WriteString(c)
			if i < len(cells)-1 {
				bw.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)+driftTablePadding))
			}
		}
		bw.WriteByte('\n')
	}
	line(driftColumns)
	for i := range d.pairs {
		line(d.row(i).cells())
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write the table: %w", err)
	}
	return nil
}

// writeDriftJSON writes the report with its results as one JSON document,
// as json.Encoder with a two-space indent writes a driftReport, one result
// at a time.
func writeDriftJSON(w io.Writer, report driftReport, d *driftComparison) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	field := func(name string, v any, last bool) error {
		b, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, "  %q: %s", name, b)
		if !last {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
		return nil
	}
	bw.WriteString("{\n")
	for _, f := range []struct {
		name string
		v    any
	}{{"card", report.Card}, {"against", report.Against}, {"drifted", report.Drifted}, {"counts", report.Counts}} {
		if err := field(f.name, f.v, false); err != nil {
			return err
		}
	}
	if len(d.pairs) == 0 {
		bw.WriteString("  \"results\": [],\n")
	} else {
		bw.WriteString("  \"results\": [\n")
		// One encoder for every row: it reuses its buffers.
		var one bytes.Buffer
		enc := json.NewEncoder(&one)
		enc.SetIndent("    ", "  ")
		for i := range d.pairs {
			one.Reset()
			if err := enc.Encode(d.row(i)); err != nil {
				return err
			}
			bw.WriteString("    ")
			bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
			if i < len(d.pairs)-1 {
				bw.WriteByte(',')
			}
			bw.WriteByte('\n')
		}
		bw.WriteString("  ],\n")
	}
	if err := field("updated", report.Updated, true); err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// updateCard merges the new results into a README's model-index and
// writes the file back atomically. Only the YAML block changes.
func updateCard(path string, dc *driftCard, results []card.EvalResult) error {
	base := dc.results
	if dc.miErr != nil {
		base = nil // --force: the unreadable model-index is replaced
	}
	// The values are new; the names the card gives its task, dataset and
	// metric stay.
	at := map[evalimport.ResultKey]card.EvalResult{}
	for _, r := range base {
		at[evalimport.KeyOf(r)] = r
	}
	named := make([]card.EvalResult, len(results))
	for i, r := range results {
		if old, ok := at[evalimport.KeyOf(r)]; ok {
			r.TaskName = cmp.Or(old.TaskName, r.TaskName)
			r.DatasetName = cmp.Or(old.DatasetName, r.DatasetName)
			r.MetricName = cmp.Or(old.MetricName, r.MetricName)
		}
		named[i] = r
	}
	merged, err := evalimport.Merge(base, named)
	if err != nil {
		return failedError{summary: fmt.Sprintf("%s: --update: %v", path, err)}
	}
	name := dc.name
	if name == "" {
		return failedError{summary: fmt.Sprintf("%s: --update: the card names no model (no model-index name and no model_name in its metadata); add model_name: ORG/NAME to its YAML block", path)}
	}
	entries, err := card.EvalResultsToModelIndex(name, merged)
	if err != nil {
		return failedError{summary: fmt.Sprintf("%s: --update: the results cannot form a model-index: %v (complete the results in the --against files)", path, err)}
	}
	if err := dc.card.Meta.Set("model-index", entries); err != nil {
		return failedError{summary: fmt.Sprintf("%s: --update: %v", path, err)}
	}
	out, err := card.RenderHF(dc.card)
	if err != nil {
		return failedError{summary: fmt.Sprintf("%s: --update: %v", path, err)}
	}
	if dc.crlf {
		out = crlfHead(out)
	}
	perm := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		perm = st.Mode().Perm()
	}
	if err := atomicfile.Write(path, out, perm, true); err != nil {
		return failedError{summary: fmt.Sprintf("%s: --update: %v", path, err)}
	}
	return nil
}

// firstLineCRLF reports whether the first line break of data is CRLF.
func firstLineCRLF(data []byte) bool {
	i := bytes.IndexByte(data, '\n')
	return i > 0 && data[i-1] == '\r'
}

// lfHead turns the CRLF line breaks of a card's YAML block, fences
// included, into LF; the body is left as it is.
func lfHead(data []byte) []byte {
	fm := card.SplitFrontMatter(string(data))
	if !fm.Found {
		return data
	}
	head := data[:len(fm.Head)]
	if !bytes.Contains(head, []byte("\r\n")) {
		return data
	}
	out := bytes.ReplaceAll(head, []byte("\r\n"), []byte("\n"))
	return append(out, data[len(fm.Head):]...)
}

// crlfHead turns the LF line breaks of a rendered card's YAML block,
// fences included, into CRLF; the body, which keeps the breaks the card
// had, is left as it is.
func crlfHead(out []byte) []byte {
	fm := card.SplitFrontMatter(string(out))
	if !fm.Found {
		return out
	}
	head := out[:len(fm.Head)]
	res := make([]byte, 0, len(out)+bytes.Count(head, []byte{'\n'}))
	for i, b := range head {
		if b == '\n' && (i == 0 || head[i-1] != '\r') {
			res = append(res, '\r')
		}
		res = append(res, b)
	}
	return append(res, out[len(fm.Head):]...)
}
