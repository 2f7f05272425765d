package evalimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
)

// A CSV of results has the header task,dataset,split,metric,value and,
// optionally, lower, upper, config, revision and metric_config: names are
// case-insensitive and may come in any order; any other column is an
// error. Each row is one card.EvalResult:
//
//	task     -> TaskType (a Hub task id such as text-classification; another
//	            value is kept, with a warning naming the closest id)
//	dataset  -> DatasetType and DatasetName
//	config   -> DatasetConfig (the column may also be named dataset_config)
//	split    -> DatasetSplit
//	revision -> DatasetRevision (also named dataset_revision)
//	metric   -> MetricType (any name)
//	metric_config -> MetricConfig (a variant of the metric, such as "macro")
//	value    -> MetricValue: a number when the cell is a decimal number
//	            (int64 when whole, float64 otherwise), else the text as it is
//	            ("95.1 ± 0.3"); a number too large for a float64 is an error
//	lower, upper -> MetricArgs "ci_lower", "ci_upper": the bounds of a
//	            confidence interval, numbers
//
// A value that is NaN or infinite ("NaN", "inf", "-Infinity", any case)
// leaves its row out with a warning at its line and column, as for
// lm-evaluation-harness results, and the row goes to Imported.NotFinite; a
// non-finite bound is left out the same way, the row kept.
//
// The task, dataset, split, config, revision and metric_config cells may be
// empty (unknown); metric and value may not. A result without a config,
// revision or metric config matches the card result that has one when no
// other card result could be meant (see Resolve). Cells are trimmed; rows
// whose cells are all empty are skipped; a UTF-8 byte order mark is
// allowed.

// The columns of a results CSV, as csvColumns names them.
const (
	colTask = iota
	colDataset
	colSplit
	colMetric
	colValue
	colLower
	colUpper
	colConfig
	colRevision
	colMetricConfig
	numCSVColumns
)

// csvRequired is the number of required columns, the first of csvColumns.
const csvRequired = colValue + 1

// csvColumns are the names of the columns. Read-only.
var csvColumns = [numCSVColumns]string{"task", "dataset", "split", "metric", "value", "lower", "upper", "config", "revision", "metric_config"}

// csvAliases are other names of columns: the names the card's fields have.
// Read-only.
var csvAliases = map[string]int{"dataset_config": colConfig, "dataset_revision": colRevision}

// csvColumnOf returns the column a (lower-case, trimmed) header name names.
func csvColumnOf(name string) (int, bool) {
	if i := slices.Index(csvColumns[:], name); i >= 0 {
		return i, true
	}
	i, ok := csvAliases[name]
	return i, ok
}

// csvColumnNames lists every name a header may use, for suggestions.
func csvColumnNames() []string {
	names := slices.Clone(csvColumns[:])
	for a := range csvAliases {
		names = append(names, a)
	}
	slices.Sort(names[numCSVColumns:])
	return names
}

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

// csvImport is the state of one CSV being read.
type csvImport struct {
	s  *source
	r  *csv.Reader
	im *Imported
	// at is each column's position in a row, -1 when the header lacks it.
	at [numCSVColumns]int
	// unknownTasks maps a task that is not a Hub task id to its warning in
	// im.Warnings and the number of rows that have it: one warning per
	// task, not one per row.
	unknownTasks map[string]*[2]int
}

// pos returns the line and character column of a field of the record last
// read.
func (c *csvImport) pos(field int) (int, int) {
	line, col := c.r.FieldPos(field)
	return line, c.s.byteColumn(line, col)
}

// importCSV reads a results CSV. It keeps nothing per row but the result:
// memory is that of the results, and the time linear in the file.
func importCSV(s *source) (*Imported, error) {
	c := &csvImport{s: s, r: csv.NewReader(bytes.NewReader(s.data))}
	c.r.FieldsPerRecord = -1
	c.r.ReuseRecord = true
	header, err := c.r.Read()
	if err != nil {
		return nil, csvError(s, err)
	}
	if err := c.readHeader(header); err != nil {
		return nil, err
	}
	width := len(header)

	// One result per line that holds something at most: allocating them at
	// once spares the copies of a growing slice, which for a large file
	// cost more than the results themselves. Blank lines reserve nothing.
	rows := countFilledLines(s.data)
	c.im = &Imported{Source: s.name, Kind: KindCSV,
		Results: make([]card.EvalResult, 0, rows), lines: make([]int32, 0, rows)}
	for {
		rec, err := c.r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(s, err)
		}
		line, _ := c.r.FieldPos(0)
		if len(rec) != width {
			return nil, s.errLine(line, 0, ErrSyntax, "", "the row has %s but the header has %d (quote a value that holds a comma: \"95,1\")", countNoun(len(rec), "field", "fields"), width)
		}
		if allEmpty(rec) {
			continue
		}
		if err := c.row(rec, line); err != nil {
			return nil, err
		}
	}
	im := c.im
	for _, w := range c.unknownTasks {
		if more := w[1] - 1; more > 0 {
			im.Warnings[w[0]].Message += fmt.Sprintf("; %s %s it", countNoun(more, "more row", "more rows"), verb(more, "has", "have"))
		}
	}
	if len(im.Results) == 0 && len(im.NotFinite) == 0 {
		return nil, s.errLine(1, 0, ErrEmpty, "", "the CSV has a header but no rows (add one row per result: task,dataset,split,metric,value)")
	}
	if cap(im.Results) > 2*len(im.Results)+64 {
		// Mostly blank lines or multi-line cells: give back the room.
		im.Results, im.lines = slices.Clone(im.Results), slices.Clone(im.lines)
	}
	return im, nil
}

// verb returns the singular or plural form of a verb for a count.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// allEmpty reports a record whose cells are all blank.
func allEmpty(rec []string) bool {
	for _, cell := range rec {
		if strings.TrimSpace(cell) != "" {
			return false
		}
	}
	return true
}

// readHeader reads the header row into c.at.
func (c *csvImport) readHeader(header []string) error {
	s := c.s
	for i := range c.at {
		c.at[i] = -1
	}
	if len(header) == 1 && strings.ContainsAny(header[0], ";\t|") {
		line, col := c.pos(0)
		return s.errLine(line, col, ErrSyntax, "", "the header is one column %q: the values must be separated by commas, not semicolons, tabs or bars (export the sheet as comma-separated CSV)", header[0])
	}
	for i, h := range header {
		h = strings.TrimSpace(h)
		name := strings.ToLower(h)
		line, col := c.pos(i)
		if name == "" {
			return s.errLine(line, col, ErrInvalid, "", "column %d of the header has no name; the columns are %s", i+1, csvColumnList())
		}
		k, ok := csvColumnOf(name)
		if !ok {
			hint := ""
			if sug := card.Suggest(name, csvColumnNames()); sug != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", sug)
			}
			return s.errLine(line, col, ErrInvalid, "", "unknown column %q%s; the columns are %s", h, hint, csvColumnList())
		}
		if j := c.at[k]; j >= 0 {
			if prev := strings.ToLower(strings.TrimSpace(header[j])); prev != name {
				return s.errLine(line, col, ErrInvalid, "", "the columns %q and %q (columns %d and %d) both give the %s; keep one", prev, name, j+1, i+1, csvColumns[k])
			}
			return s.errLine(line, col, ErrInvalid, "", "the column %q appears twice (columns %d and %d); keep one", name, j+1, i+1)
		}
		c.at[k] = i
	}
	var missing []string
	for k := range csvRequired {
		if c.at[k] < 0 {
			missing = append(missing, csvColumns[k])
		}
	}
	if len(missing) > 0 {
		line, _ := c.pos(0)
		return s.errLine(line, 0, ErrInvalid, "", "the header lacks the %s %s; it must name task, dataset, split, metric and value (%s are optional; cells may be empty where unknown)",
			verb(len(missing), "column", "columns"), strings.Join(missing, ", "), strings.Join(csvColumns[csvRequired:], ", "))
	}
	return nil
}

// cell returns a column's trimmed text in a record; "" when the header
// lacks the column.
func (c *csvImport) cell(rec []string, col int) string {
	if c.at[col] < 0 {
		return ""
	}
	return strings.TrimSpace(rec[c.at[col]])
}

// row reads one row read at a line: a result, a non-finite metric, or an
// error.
func (c *csvImport) row(rec []string, line int) error {
	s, im := c.s, c.im
	var r card.EvalResult
	r.TaskType = c.cell(rec, colTask)
	if r.TaskType != "" && !card.IsHubTask(r.TaskType) {
		c.unknownTask(r.TaskType)
	}
	r.DatasetType = c.cell(rec, colDataset)
	r.DatasetName = r.DatasetType
	r.DatasetConfig = c.cell(rec, colConfig)
	r.DatasetSplit = c.cell(rec, colSplit)
	r.DatasetRevision = c.cell(rec, colRevision)
	r.MetricType = c.cell(rec, colMetric)
	r.MetricConfig = c.cell(rec, colMetricConfig)
	if r.MetricType == "" {
		ml, mc := c.pos(c.at[colMetric])
		return s.errLine(ml, mc, ErrInvalid, "metric", "the metric is empty (name it, such as accuracy or f1)")
	}
	value := c.cell(rec, colValue)
	if value == "" {
		vl, vc := c.pos(c.at[colValue])
		return s.errLine(vl, vc, ErrInvalid, "value", "the value of %s is empty (write the value measured, or leave the row out)", r.MetricType)
	}
	v, kind := csvValue(value)
	switch kind {
	case csvTooLarge:
		vl, vc := c.pos(c.at[colValue])
		return s.errLine(vl, vc, ErrInvalid, "value", "the number %s is too large", value)
	case csvNotFinite:
		vl, vc := c.pos(c.at[colValue])
		im.Warnings = append(im.Warnings, s.warning(vl, vc, "value", WarnSkipped,
			fmt.Sprintf("the value %s of %s is not a finite number; the row is left out", value, r.MetricType),
			"check the evaluation; a NaN usually means no sample was scored"))
		r.MetricValue = value
		im.NotFinite = append(im.NotFinite, r)
		return nil
	}
	r.MetricValue = v

	var lo, hi float64
	hasLo, hasHi := false, false
	for _, col := range [...]int{colLower, colUpper} {
		text := c.cell(rec, col)
		if text == "" {
			continue
		}
		name := csvColumns[col]
		b, bkind := csvValue(text)
		switch bkind {
		case csvText:
			bl, bc := c.pos(c.at[col])
			return s.errLine(bl, bc, ErrInvalid, name, "the %s bound %q is not a number (write a decimal number such as 0.91, or leave the cell empty)", name, text)
		case csvTooLarge:
			bl, bc := c.pos(c.at[col])
			return s.errLine(bl, bc, ErrInvalid, name, "the number %s is too large", text)
		case csvNotFinite:
			bl, bc := c.pos(c.at[col])
			im.Warnings = append(im.Warnings, s.warning(bl, bc, name, WarnSkipped,
				fmt.Sprintf("the %s bound %s is not a finite number; the bound is left out", name, text), "write the bound, or leave the cell empty"))
			continue
		}
		if col == colLower {
			lo, hasLo = toFloat(b), true
		} else {
			hi, hasHi = toFloat(b), true
		}
		if r.MetricArgs == nil {
			r.MetricArgs = make(map[string]any, 2)
		}
		r.MetricArgs["ci_"+name] = b
	}
	if hasLo && hasHi && lo > hi {
		bl, bc := c.pos(c.at[colLower])
		return s.errLine(bl, bc, ErrInvalid, "lower", "the lower bound %v is above the upper bound %v (are the columns swapped?)", lo, hi)
	}
	if kind == csvNumber {
		x := toFloat(v)
		if hasLo && x < lo || hasHi && x > hi {
			vl, vc := c.pos(c.at[colValue])
			im.Warnings = append(im.Warnings, s.warning(vl, vc, "value", WarnOutOfInterval,
				fmt.Sprintf("the value %v lies outside its interval [%s, %s]", x, boundText(lo, hasLo), boundText(hi, hasHi)),
				"check the value and its bounds"))
		}
	}
	im.addResult(r, line)
	return nil
}

// unknownTask warns, once per task, of a task that is not a Hub task id.
func (c *csvImport) unknownTask(task string) {
	if w, ok := c.unknownTasks[task]; ok {
		w[1]++
		return
	}
	line, col := c.pos(c.at[colTask])
	fix := "use one of the Hub's task ids, such as text-classification"
	if sug := card.Suggest(task, card.HubTasks()); sug != "" {
		fix = fmt.Sprintf("did you mean %q?", sug)
	}
	if c.unknownTasks == nil {
		c.unknownTasks = map[string]*[2]int{}
	}
	c.unknownTasks[task] = &[2]int{len(c.im.Warnings), 1}
	c.im.Warnings = append(c.im.Warnings, c.s.warning(line, col, "task", WarnUnknownTask,
		fmt.Sprintf("%q is not one of the Hub's task ids; the model-index will not be accepted with it", task), fix))
}

// boundText renders a bound, or "" when absent.
func boundText(v float64, ok bool) string {
	if ok {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return ""
}

// The kinds of cell csvValue tells apart.
const (
	// csvText is a cell that is not a number: kept as text.
	csvText = iota
	// csvNumber is a decimal number.
	csvNumber
	// csvNotFinite is NaN or an infinity, written as a word.
	csvNotFinite
	// csvTooLarge is a decimal number beyond the range of a float64.
	csvTooLarge
)

// csvValue reads a cell: an int64 or float64 when it is a decimal number,
// the text otherwise, and which kind of cell it is.
func csvValue(text string) (any, int) {
	if isDecimal(text) {
		if !strings.ContainsAny(text, ".eE") {
			if i, err := strconv.ParseInt(text, 10, 64); err == nil {
				return i, csvNumber
			}
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsInf(f, 0) {
			return nil, csvTooLarge
		}
		return f, csvNumber
	}
	switch strings.ToLower(strings.TrimLeft(text, "+-")) {
	case "nan", "inf", "infinity":
		return nil, csvNotFinite
	}
	return text, csvText
}

// isDecimal reports a decimal number as people and spreadsheets write it:
// an optional sign, digits with an optional decimal point (at least one
// digit in all), and an optional exponent.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	n := digits()
	if i < len(s) && s[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
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
	return strings.Join(csvColumns[:csvRequired], ", ") + " (required) and " + strings.Join(csvColumns[csvRequired:], ", ") +
		" (optional; config may be named dataset_config, revision dataset_revision), in any order, case-insensitive"
}

// csvError converts the CSV reader's errors.
// countFilledLines counts the lines of data that hold a byte other than a
// carriage return.
func countFilledLines(data []byte) int {
	n := 0
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) > 1 || (len(line) == 1 && line[0] != '\r') {
			n++
		}
	}
	return n
}

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
