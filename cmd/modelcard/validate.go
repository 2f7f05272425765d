package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
)

func validateCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check model cards against the Hub's rules",
		ArgsUsage: "CARD... (README.md files, or folders searched for .md files)",
		Description: strings.TrimSpace(`
Checks each card's structure: the YAML block parses; metadata keys have the
types the Hub expects; license is a Hub licence id (or other with
license_name); language holds ISO 639 codes; pipeline_tag is a Hub task;
model-index is well formed. Each problem is printed as
FILE:LINE:COLUMN: SEVERITY: FIELD: WHAT (fix: HOW).

A file, folder or folder entry that cannot be read (missing, no
permission, too big, binary) is reported as an invalid card with the reason
and the fix, and the other cards are still checked.

Exit codes: 0 every card valid; 1 a card has an error (or a warning, with
--strict) or an input cannot be read; 2 wrong command line.

Examples:
   modelcard validate README.md
   modelcard validate --json cards/ | jq '.cards[] | select(.valid | not)'`),
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON document with every card's problems instead of text"},
			&cli.BoolFlag{Name: "strict", Usage: "treat warnings as errors"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print errors only, no warnings and no summary"},
			&cli.Int64Flag{Name: "max-bytes", Value: card.DefaultMaxCardBytes, Usage: "largest card file read, in bytes"},
		},
		Action: func(c *cli.Context) error { return runValidate(c, io) },
	}
}

// cardReport is one card's validation result in --json output.
type cardReport struct {
	File     string         `json:"file"`
	Valid    bool           `json:"valid"`
	Errors   int            `json:"errors"`
	Warnings int            `json:"warnings"`
	Problems []card.Problem `json:"problems"`
}

// validateReport is the --json output.
type validateReport struct {
	Valid    bool         `json:"valid"`
	Cards    []cardReport `json:"cards"`
	Files    int          `json:"files"`
	Invalid  int          `json:"invalid"`
	Errors   int          `json:"errors"`
	Warnings int          `json:"warnings"`
}

func runValidate(c *cli.Context, io stdio) error {
	if c.NArg() == 0 {
		return usagef("validate needs at least one card file or folder")
	}
	for _, a := range c.Args().Slice() {
		if a == "-" {
			return usagef("validate reads files; save the card first (stdin is not supported)")
		}
	}
	strict := c.Bool("strict")
	report := validateReport{Valid: true, Cards: []cardReport{}}
	check := func(in engine.AuditInput) {
		var problems []card.Problem
		if in.Err != nil {
			problems = []card.Problem{inputProblem(in.Path, in.Err)}
		} else {
			_, problems = card.Validate(in.Path, in.Data)
		}
		cr := cardReport{File: in.Path, Problems: problems}
		if cr.Problems == nil {
			cr.Problems = []card.Problem{}
		}
		for _, p := range problems {
			if p.Severity == card.SeverityError {
				cr.Errors++
			} else {
				cr.Warnings++
			}
		}
		cr.Valid = cr.Errors == 0 && (!strict || cr.Warnings == 0)
		if !cr.Valid {
			report.Invalid++
			report.Valid = false
		}
		report.Errors += cr.Errors
		report.Warnings += cr.Warnings
		report.Cards = append(report.Cards, cr)
		if !c.Bool("json") {
			for _, p := range problems {
				if c.Bool("quiet") && p.Severity != card.SeverityError {
					continue
				}
				fmt.Fprintln(io.out, p.String())
			}
		}
	}
	if err := walkValidateInputs(c.Context, c.Args().Slice(), c.Int64("max-bytes"), check); err != nil {
		return err
	}
	report.Files = len(report.Cards)
	if c.Bool("json") {
		enc := json.NewEncoder(io.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return fmt.Errorf("write JSON: %w", err)
		}
	} else if !c.Bool("quiet") {
		fmt.Fprintf(io.err, "%d cards: %d valid, %d invalid (%d errors, %d warnings)\n",
			report.Files, report.Files-report.Invalid, report.Invalid, report.Errors, report.Warnings)
	}
	if !report.Valid {
		return failedError{}
	}
	return nil
}

// walkValidateInputs hands check each card named by args, in order: a
// file as given, the card files of a folder in name order (through the
// audit's folder walker). An argument or folder entry that cannot be read
// is handed over with Err set, so that it becomes an invalid result and
// the other inputs are still checked. It returns ctx's error when ctx ends
// first.
func walkValidateInputs(ctx context.Context, args []string, maxBytes int64, check func(engine.AuditInput)) error {
	w := inputWalker{maxBytes: maxBytes}
	for _, a := range args {
		if err := ctx.Err(); err != nil {
			return err
		}
		st, err := os.Stat(a)
		switch {
		case err != nil:
			check(engine.AuditInput{Path: a, Err: err})
		case st.IsDir():
			found := 0
			done := w.folder(ctx, a, func(it inputItem) bool {
				found++
				check(it.load())
				return true
			})
			if !done {
				return ctx.Err()
			}
			if found == 0 {
				check(engine.AuditInput{Path: a, Err: errNoCards})
			}
		default:
			check(w.fileItem(a).load())
		}
	}
	return ctx.Err()
}

// errNoCards is the error of a folder that holds no card file.
var errNoCards = errors.New("the folder holds no .md or .markdown files")

// inputProblem turns the error of an input that could not be read into
// the problem validate reports for it: what went wrong, without the path
// twice, and how to fix it.
func inputProblem(path string, err error) card.Problem {
	p := card.Problem{File: path, Severity: card.SeverityError, Code: "input.read", Message: err.Error()}
	var ie *card.InputError
	if errors.As(err, &ie) {
		p.Code, p.Line, p.Message = ie.Code, ie.Line, ie.Msg
	}
	isDir := false
	if st, serr := os.Lstat(path); serr == nil {
		isDir = st.IsDir()
	}
	what := "the file"
	if isDir {
		what = "the folder"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		p.Message = fmt.Sprintf("cannot read %s: %v", what, pe.Err)
	}
	switch {
	case errors.Is(err, errNoCards):
		p.Code, p.Message = "input.no-cards", err.Error()
		p.Fix = "check the path: folders are searched for .md and .markdown files (hidden folders are skipped)"
	case errors.Is(err, fs.ErrPermission) && isDir:
		p.Fix = "let the user running modelcard list and enter the folder (chmod a+rx), or leave it out"
	case errors.Is(err, fs.ErrPermission):
		p.Fix = "let the user running modelcard read the file (chmod a+r), or leave it out"
	case errors.Is(err, syscall.ELOOP):
		p.Fix = "a symbolic link leads back to itself: point it at the card, or remove it"
	case errors.Is(err, fs.ErrNotExist):
		p.Message = fmt.Sprintf("cannot read %s: it does not exist", what)
		p.Fix = "check the path"
		if st, serr := os.Lstat(path); serr == nil && st.Mode()&fs.ModeSymlink != 0 {
			p.Message = "cannot read the file: it is a symbolic link to a file that does not exist"
			p.Fix = "point the link at the card, or remove it"
		}
	}
	return p
}
