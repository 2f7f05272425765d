package main

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/evalimport"
	"github.com/terragonlabs/modelcard-generator/internal/atomicfile"
)

func generateCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:      "generate",
		Usage:     "write model cards from spec files",
		ArgsUsage: "SPEC... (files, folders of .yaml/.yml/.json specs, or - for NDJSON on stdin)",
		Description: strings.TrimSpace(`
Reads model specs (YAML or JSON: the model's facts, uses, training and
evaluation results) and writes one complete card per spec. Facts a spec does
not give are marked "> **Needs information**" with guidance on what to write;
nothing is invented.

A spec that names no task (no family, no pipeline_tag) gets the template of
the task the engine predicts from its text. --report writes, for every
card, the chosen family and why, the predicted tasks, and its completeness
against each standard (hf-hub, mct, mitchell-2019, eu-ai-act-annex-iv) with
the items it lacks.

Each card goes to OUT/NAME.md, NAME being the spec's file name without its
extension (for NDJSON input: the model id, or line-N). Files are written
atomically; an existing file is left alone unless --force is given.

--eval FILE adds evaluation results to every card before it is written:
results with the same task, dataset, config, split, revision and metric as
one of the spec's replace it, others are added, and the card's model-index
holds them all. FILE is an lm-evaluation-harness results JSON (or a folder
of them), a CSV with the header task,dataset,split,metric,value[,lower,upper],
a Hub README or model-index YAML/JSON, a .eval_results folder, an MLflow run
folder or W&B run files; repeat --eval to combine several (later files win).
Hyperparameters and training facts they hold (precision regime, hardware,
framework) fill the spec's empty fields. What an import leaves out is
printed as a warning.

--format writes each card in several formats at once (--format hf,mct,html
or --format hf --format mct); each format has its own file name:
` + formatHelp() + `

Examples:
   modelcard generate --out cards/ spec.yaml
   modelcard generate --out cards/ specs/            # every spec in a folder
   modelcard generate --out - spec.yaml              # the card on stdout
   modelcard generate --format hf,mct,annex-iv --out cards/ spec.yaml
   modelcard generate --eval results.json --eval extra.csv --out cards/ spec.yaml
   echo '{"model_name": "test", "metrics": {"accuracy": 0.95}}' | modelcard generate --out - -

The garbage collector runs at GOGC=400 while cards are generated (about
1.3 times faster; peak memory up to five times the cards held): set GOGC
in the environment, for example GOGC=100, to choose another target.

Exit codes: 0 every card written; 1 a spec, an --eval file or a card failed
(the others are still written); 2 wrong command line.

The spec format: run ` + "`modelcard init --family llm`" + ` for a commented example.`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "out", Usage: "folder to write the cards into, or - for stdout (one card)"},
			&cli.StringSliceFlag{Name: "format", Aliases: []string{"f"}, Value: cli.NewStringSlice("hf"), Usage: "output formats, comma-separated or repeated: " + strings.Join(formatNames(), ", ")},
			&cli.StringSliceFlag{Name: "eval", Usage: "add the evaluation results of `FILE` (lm-evaluation-harness JSON, CSV, model-index, MLflow or W&B run) to every card; repeatable"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite existing files"},
			&cli.Int64Flag{Name: "max-bytes", Value: 8 << 20, Usage: "largest spec file accepted, in bytes"},
			&cli.StringFlag{Name: "report", Usage: "write each card's template choice and per-standard scores and gaps to `FILE` (JSON Lines, - for stdout)"},
			&cli.StringFlag{Name: "lang", Usage: "language of the hf format's headings: " + strings.Join(card.SupportedLanguages(), ", ") + " (the card's own text stays as written)"},
			backendFlag(),
		},
		Action: func(c *cli.Context) error { return runGenerate(c, io) },
	}
}

// generated is one card ready to be written.
type generated struct {
	source string // where the spec came from, for messages
	stem   string // output file name without extension
	card   *card.Card
}

func runGenerate(c *cli.Context, io stdio) error {
	if c.NArg() == 0 {
		return usagef("generate needs at least one spec file, folder, or - for stdin")
	}
	formats, err := parseFormatList("--format", c.StringSlice("format"))
	if err != nil {
		return err
	}
	evals, err := importEvals(io, c.StringSlice("eval"))
	if err != nil {
		return err
	}
	if lang := c.String("lang"); lang != "" {
		if _, err := card.HeadingsFor(lang); err != nil {
			return usagef("--lang: %v", err)
		}
	}
	inputs, err := expandInputs(c.Args().Slice(), []string{".yaml", ".yml", ".json"})
	if err != nil {
		return usagef("%v", err)
	}
	outDir := c.String("out")
	toStdout := outDir == "-"
	defer withGenerateGC(os.Getenv)()

	var cards []generated
	var parser card.SpecParser
	failed := 0
	report := func(p card.Problem) { fmt.Fprintln(io.err, p.String()) }
	for _, in := range inputs {
		if err := c.Context.Err(); err != nil {
			return err
		}
		if in == "-" {
			n, bad, err := readSpecStream(io, &cards)
			if err != nil {
				return err
			}
			slog.Info("read specs from stdin", "cards", n, "failed", bad)
			failed += bad
			continue
		}
		data, err := card.ReadFileLimited(in, c.Int64("max-bytes"))
		if err != nil {
			report(card.Problem{File: in, Severity: card.SeverityError, Code: "input", Message: err.Error()})
			failed++
			continue
		}
		cd, err := parser.Parse(data, in)
		if err != nil {
			reportSpecError(io, in, err)
			failed++
			continue
		}
		stem := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
		cards = append(cards, generated{source: in, stem: stem, card: cd})
	}
	if evals != nil {
		kept := cards[:0]
		for _, g := range cards {
			if err := evals.ApplyTo(&g.card.Content); err != nil {
				fmt.Fprintf(io.err, "%s: error: add the --eval results: %v\n", g.source, err)
				failed++
				continue
			}
			kept = append(kept, g)
		}
		cards = kept
	}
	if toStdout && len(cards)*len(formats) > 1 {
		return usagef("--out - writes one card, but %d cards in %d formats were asked for; give a folder", len(cards), len(formats))
	}

	eng, err := openEngine(c)
	if err != nil {
		return err
	}
	defer eng.Close()
	reports, err := chooseFamilies(c.Context, eng, cards)
	if err != nil {
		return err
	}

	seen := map[string]string{}
	written, markers := 0, 0
	for i, g := range cards {
		if path := c.String("report"); path != "" {
			reports[i].Output = filepath.Join(outDir, g.stem+formats[0].ext)
		}
		for _, f := range formats {
			render := f.render
			if lang := c.String("lang"); lang != "" && f.name == "hf" {
				render = func(cd *card.Card) ([]byte, error) {
					return card.RenderHFWith(cd, card.RenderOptions{Lang: lang})
				}
			}
			data, err := render(g.card)
			if err != nil {
				fmt.Fprintf(io.err, "%s: error: render %s: %v\n", g.source, f.name, err)
				failed++
				continue
			}
			markers += len(card.FindNeedsInfo(string(data)))
			if toStdout {
				if _, err := io.out.Write(data); err != nil {
					return fmt.Errorf("write stdout: %w", err)
				}
				written++
				continue
			}
			path := filepath.Join(outDir, g.stem+f.ext)
			if prev, dup := seen[path]; dup {
				fmt.Fprintf(io.err, "%s: error: writes %s, as %s does; rename one of them\n", g.source, path, prev)
				failed++
				continue
			}
			seen[path] = g.source
			if err := atomicfile.Write(path, data, 0o644, c.Bool("force")); err != nil {
				if errors.Is(err, atomicfile.ErrExists) {
					fmt.Fprintf(io.err, "%s: error: %s exists; use --force to overwrite it\n", g.source, path)
				} else {
					fmt.Fprintf(io.err, "%s: error: %v\n", g.source, err)
				}
				failed++
				continue
			}
			written++
		}
	}
	if !toStdout {
		fmt.Fprintf(io.err, "generated %d card files in %s (%d facts marked as needing information)\n", written, outDir, markers)
		printMeanScores(io, eng, reports)
	}
	if path := c.String("report"); path != "" {
		if err := writeGenerateReport(io, path, reports); err != nil {
			return err
		}
	}
	if failed > 0 {
		return failedError{summary: fmt.Sprintf("%d specs or cards failed; see the messages above", failed)}
	}
	return nil
}

// importEvals imports the --eval files, printing their warnings; nil when
// there are none. A file that does not exist is a usage error.
func importEvals(io stdio, paths []string) (*evalimport.Imported, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return nil, usagef("--eval %s: %v", p, err)
		}
	}
	im, err := evalimport.ImportAll(paths...)
	if err != nil {
		var ie *evalimport.Error
		if errors.As(err, &ie) {
			fmt.Fprintln(io.err, ie.Problem().String())
			return nil, failedError{summary: "the --eval results could not be read; see the message above"}
		}
		return nil, failedError{summary: fmt.Sprintf("--eval: %v", err)}
	}
	for _, w := range im.Warnings {
		fmt.Fprintln(io.err, w.String())
	}
	return im, nil
}

// readSpecStream reads NDJSON specs from stdin, one per line.
func readSpecStream(io stdio, cards *[]generated) (n, failed int, err error) {
	r := bufio.NewReader(io.in)
	err = card.ParseSpecStream(r, "<stdin>", func(line int, cd *card.Card, err error) error {
		if err != nil {
			reportSpecError(io, fmt.Sprintf("<stdin>:%d", line), err)
			failed++
			return nil
		}
		stem := slugify(cd.Content.ModelID)
		if stem == "" {
			stem = fmt.Sprintf("line-%d", line)
		}
		*cards = append(*cards, generated{source: fmt.Sprintf("<stdin>:%d", line), stem: stem, card: cd})
		n++
		return nil
	})
	if err != nil {
		return n, failed, fmt.Errorf("read specs from stdin: %w", err)
	}
	return n, failed, nil
}

// reportSpecError prints a spec's problems, one per line.
func reportSpecError(io stdio, source string, err error) {
	var se *card.SpecError
	if errors.As(err, &se) && len(se.Problems) > 0 {
		for _, p := range se.Problems {
			if p.File == "" {
				p.File = source
			}
			fmt.Fprintln(io.err, p.String())
		}
		return
	}
	fmt.Fprintf(io.err, "%s: error: %v\n", source, err)
}

// slugify turns a model id into a file name: "org/My Model" -> "org--my-model".
func slugify(id string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.ReplaceAll(id, "/", "--")) {
		switch {
		case (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.' || r == '_' || r == '-':
			b.WriteRune(r)
		case !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-.")
}
