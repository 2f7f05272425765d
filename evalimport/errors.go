package evalimport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/terragonlabs/modelcard-generator/card"
)

// The kinds of import failure. Every error Import returns wraps one of
// them (test with errors.Is); most are an *Error that also says where.
var (
	// ErrUnknownFormat: the file or folder is none of the formats this
	// package reads.
	ErrUnknownFormat = errors.New("unknown evaluation-results format")
	// ErrEmpty: the file is empty, or holds no result, hyperparameter or
	// fact at all.
	ErrEmpty = errors.New("nothing to import")
	// ErrBinary: the file is not UTF-8 text.
	ErrBinary = errors.New("binary data")
	// ErrTooLarge: the file is larger than MaxFileSize.
	ErrTooLarge = errors.New("file too large")
	// ErrSyntax: the file is malformed JSON, YAML or CSV.
	ErrSyntax = errors.New("malformed file")
	// ErrInvalid: the file parses but a value has the wrong type, a
	// required value or column is missing, or a value is out of range.
	ErrInvalid = errors.New("invalid evaluation data")
	// ErrAmbiguous: a result that leaves its dataset config, dataset
	// revision or metric config empty could stand for several known
	// results (see Resolve); Import never returns it.
	ErrAmbiguous = errors.New("ambiguous evaluation result")
)

// MaxFileSize is the largest file Import reads whole (64 MiB). MLflow
// metric files are read line by line and are not limited.
const MaxFileSize = 64 << 20

// Error is an import failure at a place in a file.
type Error struct {
	// File is the path of the file.
	File string
	// Line is the 1-based line, or 0 when the problem has no single line.
	Line int
	// Column is the 1-based column in characters, or 0.
	Column int
	// Field names the value concerned when there is one, such as
	// "results.hellaswag" or "model-index[0].results[1].dataset.type".
	Field string
	// Msg says what is wrong and how to fix it.
	Msg string
	// Err is the kind of failure, one of the Err* values of this package.
	Err error
	// Cause is the underlying error, when there is one.
	Cause error
}

// Error formats the failure as "file:line:column: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the kind of failure and, when there is one, the cause.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

// Problem returns the failure as an error-level card.Problem, for tools
// that list problems of several files together.
func (e *Error) Problem() card.Problem {
	return card.Problem{
		File: e.File, Line: e.Line, Column: e.Column, Field: e.Field,
		Severity: card.SeverityError, Code: errorCode(e.Err), Message: e.Msg,
	}
}

// errorCode is the stable Problem code of a kind of failure.
func errorCode(kind error) string {
	switch kind {
	case ErrUnknownFormat:
		return "evalimport.unknown-format"
	case ErrEmpty:
		return "evalimport.empty"
	case ErrBinary:
		return "evalimport.binary"
	case ErrTooLarge:
		return "evalimport.too-large"
	case ErrSyntax:
		return "evalimport.syntax"
	case ErrAmbiguous:
		return "evalimport.ambiguous"
	}
	return "evalimport.invalid"
}

// The codes of the warnings Import reports in Imported.Warnings.
const (
	// WarnSkipped: a value was left out (not a number, a media object, a
	// metric that is not an evaluation result, ...).
	WarnSkipped = "evalimport.skipped"
	// WarnUnknownKey: a key the format does not define; it was ignored.
	WarnUnknownKey = "evalimport.unknown-key"
	// WarnDuplicate: two results of one import share a ResultKey; the
	// later one wins when they are merged.
	WarnDuplicate = "evalimport.duplicate"
	// WarnPartial: the run or evaluation may be partial (a failed run, an
	// evaluation on a subset of the data).
	WarnPartial = "evalimport.partial"
	// WarnUnknownTask: a task is not one of the Hub's task ids.
	WarnUnknownTask = "evalimport.unknown-task"
	// WarnOutOfInterval: a value lies outside its own confidence interval.
	WarnOutOfInterval = "evalimport.out-of-interval"
	// WarnModelIndex: a warning-level model-index issue (see
	// card.CheckModelIndex).
	WarnModelIndex = "evalimport.model-index"
)

// source is one file being read: its name for messages, its bytes, and the
// offsets of its lines for positions.
type source struct {
	name  string
	data  []byte
	lines []int // byte offset of the start of each line; built on demand
}

// newSource checks that data is importable text: not empty, not larger
// than MaxFileSize, valid UTF-8 without NUL bytes. A UTF-8 byte order mark
// is removed (spreadsheets write one).
func newSource(name string, data []byte) (*source, error) {
	s := &source{name: name, data: data}
	if len(data) > MaxFileSize {
		return nil, &Error{File: name, Err: ErrTooLarge,
			Msg: fmt.Sprintf("the file holds %d bytes, more than the %d this importer reads (give the results file itself, not a log or a dump)", len(data), MaxFileSize)}
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, &Error{File: name, Line: 1, Column: 1, Err: ErrBinary,
			Msg: "the file is UTF-16 text; save it as UTF-8"}
	}
	s.data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if len(bytes.TrimSpace(s.data)) == 0 {
		return nil, &Error{File: name, Err: ErrEmpty,
			Msg: "the file is empty (write the results into it, or leave it out)"}
	}
	if i := firstBinaryByte(s.data); i >= 0 {
		line, col := s.position(i)
		return nil, &Error{File: name, Line: line, Column: col, Err: ErrBinary,
			Msg: fmt.Sprintf("the file holds binary data (byte 0x%02x at offset %d); evaluation results are read from UTF-8 text files (JSON, YAML, CSV or Markdown)", s.data[i], i)}
	}
	return s, nil
}

// firstBinaryByte returns the offset of the first NUL byte or invalid
// UTF-8 sequence, or -1.
func firstBinaryByte(data []byte) int {
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// readSource reads a file into a checked source.
func readSource(path string) (*source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	// Read into a buffer of the file's size: io.ReadAll's doubling would
	// hold up to twice a large file.
	var buf bytes.Buffer
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() <= MaxFileSize {
		buf.Grow(int(st.Size()) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFileSize+1)); err != nil {
		return nil, fileError(path, err)
	}
	return newSource(path, buf.Bytes())
}

// fileError wraps an error of the file system.
func fileError(path string, err error) error {
	return &Error{File: path, Err: ErrInvalid, Cause: err,
		Msg: fmt.Sprintf("cannot read: %v", unwrapPathError(err))}
}

// unwrapPathError drops the path an *os.PathError repeats.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// position returns the 1-based line and character column of a byte offset.
func (s *source) position(off int) (line, col int) {
	if s.lines == nil {
		s.lines = []int{0}
		for i, c := range s.data {
			if c == '\n' {
				s.lines = append(s.lines, i+1)
			}
		}
	}
	if off > len(s.data) {
		off = len(s.data)
	}
	// The last line start at or before off.
	lo, hi := 0, len(s.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	start := s.lines[lo]
	return lo + 1, utf8.RuneCount(s.data[start:off]) + 1
}

// byteColumn converts a 1-based byte column of a 1-based line into a
// character column.
func (s *source) byteColumn(line, byteCol int) int {
	if line < 1 || byteCol < 1 {
		return byteCol
	}
	s.position(0) // builds the line index
	if line > len(s.lines) {
		return byteCol
	}
	start := s.lines[line-1]
	end := start + byteCol - 1
	if end > len(s.data) {
		end = len(s.data)
	}
	return utf8.RuneCount(s.data[start:end]) + 1
}

// errAt returns an *Error at a byte offset of the file.
func (s *source) errAt(off int, kind error, field, format string, args ...any) *Error {
	line, col := s.position(off)
	return &Error{File: s.name, Line: line, Column: col, Field: field, Err: kind, Msg: fmt.Sprintf(format, args...)}
}

// errLine returns an *Error at a line and character column (0 for none).
func (s *source) errLine(line, col int, kind error, field, format string, args ...any) *Error {
	return &Error{File: s.name, Line: line, Column: col, Field: field, Err: kind, Msg: fmt.Sprintf(format, args...)}
}

// warning builds a warning about this file.
func (s *source) warning(line, col int, field, code, msg, fix string) card.Problem {
	return card.Problem{File: s.name, Line: line, Column: col, Field: field,
		Severity: card.SeverityWarning, Code: code, Message: msg, Fix: fix}
}
