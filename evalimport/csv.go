package evalimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
)

// A CSV of results has the header task,dataset,split,metric,value and,
// optionally, lower,upper: names are case-insensitive and may come in any
// order; any other column is an error. Each row is one card.EvalResult:
//
//	task     -> TaskType (a Hub task id such as text-classification; another
//	            value is kept, with a warning naming the closest id)
//	dataset  -> DatasetType and DatasetName
//	split    -> DatasetSplit
//	metric   -> MetricType (any name)
//	value    -> MetricValue: a number when the cell is a decimal number
//	            (int64 when whole, float64 otherwise), else the text as it is
//	            ("95.1 ± 0.3"); NaN and infinities are errors
//	lower, upper -> MetricArgs "ci_lower", "ci_upper": the bounds of a
//	            confidence interval, numbers
//
// The task, dataset and split cells may be empty (unknown); metric and
// value may not. Cells are trimmed; rows whose cells are all empty are
// skipped; a UTF-8 byte order mark is allowed.

// csvColumns are the columns a results CSV may have; the first five are
// required.
var csvColumns = []string{"task", "dataset", "split", "metric", "value", "lower", "upper"}

// csvNumber is a decimal number as people and spreadsheets write it.
var csvNumber = regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)

// looksLikeCSVHeader reports text whose first line names a metric and a
// value column among commas.
func looksLikeCSVHeader(text string) bool {
	line, _, _ := strings.Cut(text, "\n")
	cols := strings.Split(strings.ToLower(line), ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return len(cols) > 1 && slices.Contains(cols, "metric") && slices.Contains(cols, "value")
}

// parseCSV reads a results CSV's content.
func parseCSV(name string, data []byte) (*Imported, error) {
	s, err := newSource(name, data)
	if err != nil {
		return nil, err
	}
	return importCSV(s)
}

// importCSV reads a results CSV.
func importCSV(s *source) (*Imported, error) {
	r := csv.NewReader(bytes.NewReader(s.data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, csvError(s, err)
	}
	col := map[string]int{}
	pos := func(i int) (int, int) {
		line, c := r.FieldPos(i)
		return line, s.byteColumn(line, c)
	}
	if len(header) == 1 && strings.ContainsAny(header[0], ";\t|") {
		line, c := pos(0)
		return nil, s.errLine(line, c, ErrSyntax, "", "the header is one column %q: the values must be separated by commas, not semicolons, tabs or bars (export the sheet as comma-separated CSV)", header[0])
	}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		line, c := pos(i)
		switch {
		case name == "":
			return nil, s.errLine(line, c, ErrInvalid, "", "column %d of the header has no name; the columns are %s", i+1, csvColumnList())
		case !slices.Contains(csvColumns, name):
			hint := ""
			if sug := card.Suggest(name, csvColumns); sug != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", sug)
			}
			return nil, s.errLine(line, c, ErrInvalid, "", "unknown column %q%s; the columns are %s", strings.TrimSpace(h), hint, csvColumnList())
		}
		if j, dup := col[name]; dup {
			return nil, s.errLine(line, c, ErrInvalid, "", "the column %q appears twice (columns %d and %d); keep one", name, j+1, i+1)
		}
		col[name] = i
	}
	var missing []string
	for _, c := range csvColumns[:5] {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		line, _ := pos(0)
		return nil, s.errLine(line, 0, ErrInvalid, "", "the header lacks the column(s) %s; it must name task, dataset, split, metric and value (lower and upper are optional; cells may be empty where unknown)", strings.Join(missing, ", "))
	}

	im := &Imported{Source: s.name, Kind: KindCSV}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(s, err)
		}
		line, _ := pos(0)
		if len(rec) != len(header) {
			return nil, s.errLine(line, 0, ErrSyntax, "", "the row has %d fields but the header has %d (quote a value that holds a comma: \"95,1\")", len(rec), len(header))
		}
		if slices.IndexFunc(rec, func(c string) bool { return strings.TrimSpace(c) != "" }) < 0 {
			continue
		}
		res, err := csvRow(s, im, rec, col, pos)
		if err != nil {
			return nil, err
		}
		im.addResult(res, line)
	}
	if len(im.Results) == 0 {
		return nil, s.errLine(1, 0, ErrEmpty, "", "the CSV has a header but no rows (add one row per result: task,dataset,split,metric,value)")
	}
	return im, nil
}

// csvRow reads one row.
func csvRow(s *source, im *Imported, rec []string, col map[string]int, pos func(int) (int, int)) (card.EvalResult, error) {
	cell := func(name string) (string, int, bool) {
		i, ok := col[name]
		if !ok {
			return "", -1, false
		}
		return strings.TrimSpace(rec[i]), i, true
	}
	var r card.EvalResult
	task, ti, _ := cell("task")
	r.TaskType = task
	if task != "" && !card.IsHubTask(task) {
		line, c := pos(ti)
		fix := "use one of the Hub's task ids, such as text-classification"
		if sug := card.Suggest(task, card.HubTasks()); sug != "" {
			fix = fmt.Sprintf("did you mean %q?", sug)
		}
		im.Warnings = append(im.Warnings, s.warning(line, c, "task", WarnUnknownTask,
			fmt.Sprintf("%q is not one of the Hub's task ids; the model-index will not be accepted with it", task), fix))
	}
	r.DatasetType, _, _ = cell("dataset")
	r.DatasetName = r.DatasetType
	r.DatasetSplit, _, _ = cell("split")
	metric, mi, _ := cell("metric")
	if metric == "" {
		line, c := pos(mi)
		return r, s.errLine(line, c, ErrInvalid, "metric", "the metric is empty (name it, such as accuracy or f1)")
	}
	r.MetricType = metric
	value, vi, _ := cell("value")
	line, c := pos(vi)
	if value == "" {
		return r, s.errLine(line, c, ErrInvalid, "value", "the value of %s is empty (write the value measured, or leave the row out)", metric)
	}
	v, isNum, err := csvValue(value)
	if err != nil {
		return r, s.errLine(line, c, ErrInvalid, "value", "%v", err)
	}
	r.MetricValue = v

	bounds := map[string]float64{}
	for _, name := range []string{"lower", "upper"} {
		text, i, ok := cell(name)
		if !ok || text == "" {
			continue
		}
		b, num, err := csvValue(text)
		bl, bc := pos(i)
		if err != nil {
			return r, s.errLine(bl, bc, ErrInvalid, name, "%v", err)
		}
		if !num {
			return r, s.errLine(bl, bc, ErrInvalid, name, "the %s bound %q is not a number (write a decimal number such as 0.91, or leave the cell empty)", name, text)
		}
		bounds[name] = toFloat(b)
		if r.MetricArgs == nil {
			r.MetricArgs = map[string]any{}
		}
		r.MetricArgs["ci_"+name] = b
	}
	lo, hasLo := bounds["lower"]
	hi, hasHi := bounds["upper"]
	if hasLo && hasHi && lo > hi {
		bl, bc := pos(col["lower"])
		return r, s.errLine(bl, bc, ErrInvalid, "lower", "the lower bound %v is above the upper bound %v (are the columns swapped?)", lo, hi)
	}
	if isNum {
		x := toFloat(v)
		if hasLo && x < lo || hasHi && x > hi {
			im.Warnings = append(im.Warnings, s.warning(line, c, "value", WarnOutOfInterval,
				fmt.Sprintf("the value %v lies outside its interval [%s, %s]", x, boundText(bounds, "lower"), boundText(bounds, "upper")),
				"check the value and its bounds"))
		}
	}
	return r, nil
}

// boundText renders a bound, or "" when absent.
func boundText(b map[string]float64, name string) string {
	if v, ok := b[name]; ok {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return ""
}

// csvValue reads a cell: an int64 or float64 when it is a decimal number,
// the text otherwise. Non-finite numbers are errors.
func csvValue(text string) (v any, isNumber bool, err error) {
	if csvNumber.MatchString(text) {
		if !strings.ContainsAny(text, ".eE") {
			if i, err := strconv.ParseInt(text, 10, 64); err == nil {
				return i, true, nil
			}
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsInf(f, 0) {
			return nil, false, fmt.Errorf("the number %s is too large", text)
		}
		return f, true, nil
	}
	switch strings.ToLower(strings.TrimLeft(text, "+-")) {
	case "nan", "inf", "infinity":
		return nil, false, fmt.Errorf("%s is not a finite number; leave the row out, or write the value measured", text)
	}
	return text, false, nil
}

// toFloat converts the numbers csvValue returns.
func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return math.NaN()
}

// csvColumnList lists the allowed columns for messages.
func csvColumnList() string {
	return strings.Join(csvColumns[:5], ", ") + " (required) and " + strings.Join(csvColumns[5:], ", ") + " (optional), in any order, case-insensitive"
}

// csvError converts the CSV reader's errors.
func csvError(s *source, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			msg = "a quote appears inside an unquoted value (double it, \"\", or quote the whole value)"
		case errors.Is(pe.Err, csv.ErrQuote):
			msg = "a quoted value is not closed, or text follows its closing quote (check the quotes of this row)"
		}
		return &Error{File: s.name, Line: pe.Line, Column: s.byteColumn(pe.Line, pe.Column), Err: ErrSyntax, Cause: err,
			Msg: "malformed CSV: " + msg}
	}
	if errors.Is(err, io.EOF) {
		return &Error{File: s.name, Err: ErrEmpty, Msg: "the CSV is empty (write the header task,dataset,split,metric,value and one row per result)"}
	}
	return &Error{File: s.name, Err: ErrSyntax, Cause: err, Msg: "malformed CSV: " + err.Error()}
}
