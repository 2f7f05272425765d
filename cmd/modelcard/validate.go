package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/card"
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

Exit code 1 when a card has an error (or a warning, with --strict).

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
	files, err := expandInputs(c.Args().Slice(), []string{".md", ".markdown"})
	if err != nil {
		return usagef("%v", err)
	}
	strict := c.Bool("strict")
	report := validateReport{Valid: true, Cards: make([]cardReport, 0, len(files))}
	for _, file := range files {
		if err := c.Context.Err(); err != nil {
			return err
		}
		var problems []card.Problem
		data, err := card.ReadFileLimited(file, c.Int64("max-bytes"))
		if err != nil {
			problems = []card.Problem{{File: file, Severity: card.SeverityError, Code: "input", Message: err.Error()}}
		} else {
			_, problems = card.Validate(file, data)
		}
		cr := cardReport{File: file, Problems: problems}
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
	report.Files = len(files)
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
