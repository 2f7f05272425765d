package card

import "fmt"

// Severity grades a Problem.
type Severity string

// The severities.
const (
	// SeverityError makes a card invalid.
	SeverityError Severity = "error"
	// SeverityWarning is worth fixing but does not make a card invalid.
	SeverityWarning Severity = "warning"
)

// Problem is one finding about a card or a spec: where it is, what is wrong,
// and how to fix it.
type Problem struct {
	// File is the path of the file, when known.
	File string `json:"file,omitempty"`
	// Line is the 1-based line, or 0 when the problem has no single place.
	Line int `json:"line,omitempty"`
	// Column is the 1-based column, or 0.
	Column int `json:"column,omitempty"`
	// Field is the metadata key or spec path concerned, such as
	// "license" or "model-index[0].results[1].dataset.type".
	Field string `json:"field,omitempty"`
	// Severity is error or warning.
	Severity Severity `json:"severity"`
	// Code is a stable identifier of the kind of problem, such as
	// "license.unknown", for tools to match on.
	Code string `json:"code"`
	// Message says what is wrong.
	Message string `json:"message"`
	// Fix says how to fix it.
	Fix string `json:"fix,omitempty"`
}

// String formats the problem as "file:line:col: severity: message (fix)".
func (p Problem) String() string {
	loc := p.File
	if loc == "" {
		loc = "<input>"
	}
	if p.Line > 0 {
		loc += fmt.Sprintf(":%d", p.Line)
		if p.Column > 0 {
			loc += fmt.Sprintf(":%d", p.Column)
		}
	}
	s := fmt.Sprintf("%s: %s: %s", loc, p.Severity, p.Message)
	if p.Field != "" {
		s = fmt.Sprintf("%s: %s: %s: %s", loc, p.Severity, p.Field, p.Message)
	}
	if p.Fix != "" {
		s += " (fix: " + p.Fix + ")"
	}
	return s
}
