package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/internal/atomicfile"
)

// convertCommand is `modelcard convert`.
func convertCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:      "convert",
		Usage:     "convert a card between formats: Hugging Face README, Model Card Toolkit JSON, HTML, EU AI Act Annex IV, JSON",
		ArgsUsage: "CARD (a file, or - for standard input)",
		Description: strings.TrimSpace(`
Reads one card in any supported format and writes it in another.

The input format is detected (--from overrides it):
` + inputHelp() + `
A .md file is a README, a .yaml file a spec; a JSON object is our JSON card
when it has "format_version" and "content", a toolkit card when it has
"model_details" or "schema_version", and a spec otherwise.

The output formats (--to):
` + formatHelp() + `

Every output carries what its format can hold: a README converted to a
toolkit card and back keeps the model's name, licence, evaluation results,
links, citations and the texts of the sections both formats have. Facts
the output format has no place for are listed on stderr as a note.
A spec is rendered with its own template family (or the generic one);
` + "`modelcard generate`" + ` also predicts a family for specs that name no task.

The result goes to standard output, or to --out FILE, written atomically;
an existing FILE is left alone unless --force is given.

Examples:
   modelcard convert README.md --to mct > card.mct.json
   modelcard convert card.mct.json --to hf --out README.md
   modelcard convert README.md --to annex-iv --out annex-iv.md
   modelcard convert spec.yaml --to html --out card.html
   cat card.json | modelcard convert - --from json --to hf

Exit codes: 0 converted; 1 the input cannot be read (or standard input is
empty) or the card cannot be written; 2 wrong command line (no input,
unknown format, missing file, --out naming a folder).`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "to", Aliases: []string{"t"}, Usage: "output `FORMAT`: " + strings.Join(formatNames(), ", ") + " (required)"},
			&cli.StringFlag{Name: "from", Value: "auto", Usage: "input `FORMAT`: auto, " + strings.Join(inputNames(), ", ")},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "-", Usage: "write the card to `FILE` (- for standard output)"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite an existing --out file"},
			&cli.Int64Flag{Name: "max-bytes", Value: card.DefaultMaxCardBytes, Usage: "largest input read, in bytes"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print no notes on stderr"},
		},
		Action: func(c *cli.Context) error { return runConvert(c, io) },
	}
}

// inputHelp is the list of input formats for --help texts.
func inputHelp() string {
	var b strings.Builder
	for _, f := range inputFormats {
		fmt.Fprintf(&b, "   %-9s %s\n", f.name, f.desc)
	}
	return b.String()
}

func runConvert(c *cli.Context, io stdio) error {
	if c.NArg() != 1 {
		return usagef("convert reads one card: give its file (or - for standard input), got %d arguments", c.NArg())
	}
	if c.String("to") == "" {
		return usagef("convert needs --to FORMAT: one of %s", strings.Join(formatNames(), ", "))
	}
	to, ok := lookupFormat(strings.ToLower(c.String("to")))
	if !ok {
		return usagef("--to %q: unknown format; the formats are %s", c.String("to"), strings.Join(formatNames(), ", "))
	}
	in := c.Args().First()
	var from inputFormat
	if name := strings.ToLower(c.String("from")); name != "auto" {
		if from, ok = lookupInput(name); !ok {
			return usagef("--from %q: unknown format; use auto or one of %s", c.String("from"), strings.Join(inputNames(), ", "))
		}
	}
	dest := c.String("out")
	if err := checkConvertOut(dest, in, to); err != nil {
		return err
	}
	data, err := readInput(io, in, c.Int64("max-bytes"))
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return err
		}
		return failedError{summary: err.Error()}
	}
	source := in
	if in == "-" {
		source = "<stdin>"
		if len(bytes.TrimSpace(data)) == 0 {
			return failedError{summary: "stdin was empty: pipe a card (README, toolkit JSON or JSON card) or a spec (YAML or JSON) into convert, or give the file's name instead of -"}
		}
	}
	given := from.name != ""
	if what := ownRendering(data); what != "" && (!given || from.name == "hf") {
		return failedError{summary: fmt.Sprintf("%s is %s, which convert writes but cannot read back: convert from the card it was made from (its README, JSON card, toolkit JSON or spec)", source, what)}
	}
	if !given {
		from = detectInput(in, data)
	}
	cd, err := from.parse(data, source)
	if err != nil {
		printParseError(io, source, err)
		return failedError{summary: fromHint(in, from, given, err)}
	}
	out, err := to.render(cd)
	if err != nil {
		return failedError{summary: fmt.Sprintf("%s: write as %s: %v", source, to.name, err)}
	}
	if !c.Bool("quiet") {
		noteDropped(io, source, from, to, cd, out)
	}
	if dest == "-" {
		if _, err := io.out.Write(out); err != nil {
			return fmt.Errorf("write standard output: %w", err)
		}
		return nil
	}
	if err := atomicfile.Write(dest, out, 0o644, c.Bool("force")); err != nil {
		if errors.Is(err, atomicfile.ErrExists) {
			return failedError{summary: fmt.Sprintf("%s exists; use --force to overwrite it", dest)}
		}
		return failedError{summary: err.Error()}
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(io.err, "converted %s (%s) to %s (%s)\n", source, from.name, dest, to.name)
	}
	return nil
}

// checkConvertOut returns a usage error when --out names a folder: the
// card is written to a file, so the error suggests one in that folder,
// named after the input.
func checkConvertOut(dest, in string, to outputFormat) error {
	if dest == "-" {
		return nil
	}
	st, err := os.Stat(dest)
	if err != nil || !st.IsDir() {
		return nil
	}
	stem := "card"
	if in != "-" {
		// The input's name without its format's extension (the longest
		// known one, such as .mct.json), else without its last one.
		base := filepath.Base(in)
		ext := filepath.Ext(base)
		for _, f := range outputFormats {
			if len(f.ext) > len(ext) && strings.HasSuffix(strings.ToLower(base), f.ext) {
				ext = f.ext
			}
		}
		if s := base[:len(base)-len(ext)]; s != "" && s != "." {
			stem = s
		}
	}
	return usagef("--out %s is a folder: --out names the file to write the card to, such as --out %s",
		dest, filepath.Join(dest, stem+to.ext))
}

// fromHint is the line that follows the problems of an input that could
// not be read as the format from: where --from can help, it says which
// format the input was taken for and how to name another; "" where it
// cannot (the input is not text, or its YAML block does not parse: the
// problems say what to fix) or where the file's extension chose the format.
func fromHint(in string, from inputFormat, given bool, err error) string {
	var ie *card.InputError
	var ye *card.YAMLError
	switch {
	case errors.As(err, &ie), errors.As(err, &ye),
		errors.Is(err, card.ErrSpecBinary), errors.Is(err, card.ErrSpecEncoding):
		return ""
	case given:
		return fmt.Sprintf("the input was read as %s, as --from %s asks; if it is in another format, give that one to --from (%s), or leave --from out to detect it",
			from.desc, from.name, strings.Join(inputNames(), ", "))
	}
	switch strings.ToLower(filepath.Ext(in)) {
	case ".md", ".markdown", ".yaml", ".yml":
		return ""
	}
	return fmt.Sprintf("the input was taken for %s from its content; if it is in another format, name it with --from (%s)",
		from.desc, strings.Join(inputNames(), ", "))
}

// noteDropped prints, for an output format that can be read back, the
// facts of the input that the output does not hold.
func noteDropped(io stdio, source string, from inputFormat, to outputFormat, in *card.Card, out []byte) {
	if to.parse == nil || (from.name == to.name && from.name != "spec") {
		return
	}
	back, err := to.parse(out, source)
	if err != nil {
		return
	}
	before := card.ContentFromBody(in)
	after := card.ContentFromBody(back)
	dropped := droppedFields(&before, &after)
	// The Hub metadata keys too: the toolkit's format has no place for a
	// pipeline_tag or tags, and without the task the model-index cannot
	// be rebuilt from its results.
	for _, key := range in.Meta.Keys() {
		if !in.Meta.IsNull(key) && !back.Meta.Has(key) {
			dropped = append(dropped, "metadata "+key)
		}
	}
	if len(dropped) > 0 {
		fmt.Fprintf(io.err, "%s: note: the %s format has no place for: %s\n", source, to.name, strings.Join(dropped, ", "))
	}
}
