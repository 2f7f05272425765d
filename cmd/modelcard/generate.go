package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
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
atomically, each synced to disk before it takes its name (8 at a time, the
folder synced once per chunk); an existing file is left alone unless
--force is given.

--eval FILE adds evaluation results to every card before it is written:
results with the same task, dataset, config, split, revision and metric as
one of the spec's replace it, others are added, and the card's model-index
holds them all. A result that gives no dataset config (or revision, or
metric config) replaces the one spec result that agrees on the rest, and
takes its config; when several do, the card fails with a message naming
them. FILE is an lm-evaluation-harness results JSON (or a folder of them), a
CSV with the header task,dataset,split,metric,value[,lower,upper] (and
optional config, revision and metric_config columns),
a Hub README or model-index YAML/JSON, a .eval_results folder, an MLflow run
folder or W&B run files; repeat --eval to combine several (later files win).
Hyperparameters and training facts they hold (precision regime, hardware,
framework) fill the spec's empty fields. What an import leaves out is
printed as a warning.

Each Hub card (the hf format) is checked with the rules of ` + "`modelcard validate`" + `
before it is written: licence ids, ISO 639 language codes, pipeline_tag,
the model-index. Each problem is printed as a warning naming the spec, the
field and the fix, and the card is written all the same; with --strict the
spec fails instead and none of its files is written.

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

Specs are read, scored, rendered and written 256 at a time, so memory
stays flat however many come in (20,000 NDJSON specs: about 210 MB at
peak). If the run stops early (an error that is not a spec's own, or
Ctrl-C), the cards already written stay, each whole (a chunk under way may
be written in part); the --report file appears only when the run ends.
The garbage collector runs at GOGC=400 meanwhile (about 1.3 times faster
than the default 100, for some tens of MB more): set GOGC in the
environment, for example GOGC=100, to choose another target.

Exit codes: 0 every card written; 1 a spec, an --eval file or a card failed,
standard input held no spec, or (with --strict) a card broke the Hub's
rules (the others are still written); 2 wrong command line.

The spec format: run ` + "`modelcard init --family llm`" + ` for a commented example.`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "out", Usage: "folder to write the cards into, or - for stdout (one card)"},
			&cli.StringSliceFlag{Name: "format", Aliases: []string{"f"}, Value: cli.NewStringSlice("hf"), Usage: "output formats, comma-separated or repeated: " + strings.Join(formatNames(), ", ")},
			pathListFlag("eval", nil, "add the evaluation results of `FILE` (lm-evaluation-harness JSON, CSV, model-index, MLflow or W&B run) to every card; repeatable"),
			&cli.BoolFlag{Name: "force", Usage: "overwrite existing files"},
			&cli.BoolFlag{Name: "strict", Usage: "write no card for a spec whose Hub card modelcard validate would reject (a licence, language or pipeline_tag the Hub does not know, ...), and exit 1"},
			&cli.Int64Flag{Name: "max-bytes", Value: 8 << 20, Usage: "largest spec file accepted, in bytes"},
			&cli.StringFlag{Name: "report", Usage: "write each card's template choice and per-standard scores and gaps to `FILE` (JSON Lines, - for stdout)"},
			&cli.StringFlag{Name: "lang", Usage: "language of the hf format's headings: " + strings.Join(card.SupportedLanguages(), ", ") + " (the card's own text stays as written)"},
			backendFlag(),
			modelFlag(),
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
	evals, err := importEvals(io, paths(c, "eval"))
	if err != nil {
		return err
	}
	if lang := c.String("lang"); lang != "" {
		if _, err := card.HeadingsFor(lang); err != nil {
			return usagef("--lang: %v", err)
		}
	}
	inputs, unreadable, err := expandInputs(c.Args().Slice(), []string{".yaml", ".yml", ".json"}, generatedFiles(c.String("out")))
	if err != nil {
		return usagef("%v", err)
	}
	defer withGenerateGC(os.Getenv)()

	run := &generateRun{c: c, io: io, formats: formats, evals: evals, outDir: c.String("out"),
		strict: c.Bool("strict"), seen: map[string]string{}, scoreSums: map[string]float64{}}
	run.toStdout = run.outDir == "-"
	defer run.abandon()
	if run.eng, err = openEngine(c); err != nil {
		return err
	}
	if path := c.String("report"); path != "" && path != "-" {
		// Created now, so that a path that cannot be written stops the run
		// before any card is; it is put in place when the run ends.
		if run.report, err = atomicfile.Create(path, 0o644); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}

	// Cards are parsed, scored, rendered and written a chunk at a time, so
	// that memory stays flat however many specs come in. A card for
	// stdout is written only once every spec is read: there must be one.
	var cards []generated
	add := func(g generated) error {
		cards = append(cards, g)
		if run.toStdout || len(cards) < generateChunk {
			return nil
		}
		err := run.flush(cards)
		clear(cards)
		cards = cards[:0]
		return err
	}
	// What could not be read fails the run in the end; the rest is
	// generated.
	for _, u := range unreadable {
		reason := u.err
		var pe *fs.PathError
		if errors.As(reason, &pe) {
			reason = pe.Err // the path is said already
		}
		fmt.Fprintf(io.err, "%s: error: cannot read it: %v; check the path and its permissions\n", u.path, reason)
		run.failed++
	}
	var parser card.SpecParser
	for _, in := range inputs {
		if err := c.Context.Err(); err != nil {
			return err
		}
		if in == "-" {
			n, bad, err := readSpecStream(io, add)
			if err != nil {
				return err
			}
			slog.Info("read specs from stdin", "cards", n, "failed", bad)
			run.failed += bad
			if n == 0 && bad == 0 {
				fmt.Fprintln(io.err, "<stdin>: error: stdin was empty: pipe specs as NDJSON (one JSON object per line), or give spec files (YAML or JSON) instead of -")
				run.failed++
			}
			continue
		}
		data, err := card.ReadFileLimited(in, c.Int64("max-bytes"))
		if err != nil {
			fmt.Fprintln(io.err, card.Problem{File: in, Severity: card.SeverityError, Code: "input", Message: err.Error()}.String())
			run.failed++
			continue
		}
		// The file's bytes are read for this spec alone: hand them over.
		cd, err := parser.ParseOwned(data, in)
		if err != nil {
			reportSpecError(io, in, err)
			run.failed++
			continue
		}
		stem := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
		if err := add(generated{source: in, stem: stem, card: cd}); err != nil {
			return err
		}
	}
	if err := run.flush(cards); err != nil {
		return err
	}
	return run.finish()
}

// generateChunk is the number of specs generate holds at a time: they are
// scored in one batch, then rendered and written, before the next are
// read.
const generateChunk = 256

// generateRun is the state of one generate command across its chunks of
// cards.
type generateRun struct {
	c        *cli.Context
	io       stdio
	formats  []outputFormat
	evals    *evalimport.Imported
	outDir   string
	toStdout bool
	// strict refuses the cards whose Hub card breaks the Hub's rules;
	// otherwise they are written, and counted in hubRuleCards.
	strict       bool
	hubRuleCards int

	eng *engine.Engine
	// report receives the --report lines when it names a file.
	report *atomicfile.File
	// seen maps each output path written to the spec that wrote it.
	seen                     map[string]string
	written, markers, failed int
	scoreSums                map[string]float64
	scored                   int
}

// flush adds the --eval results to a chunk of cards, chooses their
// families, and renders and writes them.
func (r *generateRun) flush(cards []generated) error {
	if r.evals != nil {
		kept := cards[:0]
		for _, g := range cards {
			if err := r.evals.ApplyTo(&g.card.Content); err != nil {
				fmt.Fprintf(r.io.err, "%s: error: add the --eval results: %v\n", g.source, err)
				r.failed++
				continue
			}
			kept = append(kept, g)
		}
		cards = kept
	}
	if len(cards) == 0 {
		return nil
	}
	if r.toStdout && len(cards)*len(r.formats) > 1 {
		return usagef("--out - writes one card, but %d cards in %d formats were asked for; give a folder", len(cards), len(r.formats))
	}
	reports, err := chooseFamilies(r.c.Context, r.eng, cards)
	if err != nil {
		return err
	}
	reportPath := r.c.String("report")
	var outs []cardOutput
	wrote := make([]bool, len(cards)) // some file, or stdout, of the card was written
	for i, g := range cards {
		if reportPath != "" {
			reports[i].Output = filepath.Join(r.outDir, g.stem+r.formats[0].ext)
		}
		before := r.written
		var refused bool
		if outs, refused, err = r.renderCard(i, g, outs); err != nil {
			return err
		}
		if refused {
			reports[i].Output = ""
		}
		wrote[i] = r.written > before // stdout
	}
	if err := r.writeFiles(outs, wrote); err != nil {
		return err
	}
	// The mean completeness printed at the end is of the cards written.
	for i, rep := range reports {
		if !wrote[i] {
			continue
		}
		for id, v := range rep.Scores {
			r.scoreSums[id] += v
		}
		r.scored++
	}
	if reportPath != "" {
		return r.writeReport(reportPath, reports)
	}
	return nil
}

// cardOutput is a card in one format on its way to its file: the file to
// write, or the problem that keeps it from being written.
type cardOutput struct {
	card    int // the card's index in its chunk
	source  string
	problem string
	file    atomicfile.Pending
	markers int // needs-information markers in the file
}

// generateWriters is how many card files generate writes at once: the
// writes wait on the disk's syncs, which the file system commits together
// when they come at once.
const generateWriters = 8

// renderCard renders one card in every format and appends to outs what is
// to be written to files (see render). The Hub card is checked against the
// Hub's rules first: with --strict a card that breaks them is written in
// no format (refused), and the spec counts as failed.
func (r *generateRun) renderCard(index int, g generated, outs []cardOutput) (_ []cardOutput, refused bool, _ error) {
	if slices.ContainsFunc(r.formats, func(f outputFormat) bool { return f.name == "hf" }) && !r.checkHubRules(g) {
		fmt.Fprintf(r.io.err, "%s: error: no card written: its metadata breaks the Hub's rules (see above); fix the spec, or leave out --strict to write the card with warnings\n", g.source)
		r.failed++
		return outs, true, nil
	}
	datas := make([][]byte, len(r.formats))
	errs := make([]error, len(r.formats))
	for k, f := range r.formats {
		datas[k], errs[k] = r.renderData(g, f)
	}
	for k, f := range r.formats {
		out, toFile, err := r.render(g, f, datas[k], errs[k])
		out.card = index
		if err != nil {
			return outs, false, err
		}
		if toFile {
			outs = append(outs, out)
		}
	}
	return outs, false, nil
}

// renderData renders one card in one format.
func (r *generateRun) renderData(g generated, f outputFormat) ([]byte, error) {
	if lang := r.c.String("lang"); lang != "" && f.name == "hf" {
		return card.RenderHFWith(g.card, card.RenderOptions{Lang: lang})
	}
	return f.render(g.card)
}

// checkHubRules checks the metadata of a card to be written as a Hub card
// with the rules of `modelcard validate` and prints each error found,
// naming the spec, the field and the fix: as a warning, or as an error
// with --strict. It reports whether the card may be written: false only
// with --strict and a problem found.
//
// Only the metadata is checked, in memory (under a microsecond a card;
// parsing the rendered block again took 20): the body holds no metadata,
// and the needs-information markers the validator warns of are there on
// purpose.
func (r *generateRun) checkHubRules(g generated) bool {
	problems := hubMetadataProblems(g.card)
	if len(problems) == 0 {
		return true
	}
	sev := card.SeverityWarning
	if r.strict {
		sev = card.SeverityError
	}
	for _, p := range problems {
		// The line and column are the card's, not the spec's: left out.
		p.File, p.Line, p.Column, p.Severity = g.source, 0, 0, sev
		fmt.Fprintln(r.io.err, p.String())
	}
	if r.strict {
		return false
	}
	r.hubRuleCards++
	return true
}

// render writes one card rendered in one format (data, or the error of its
// rendering) to stdout, or returns it (toFile) to be written to its file,
// or the problem that keeps it from being written. Only a failure to
// write stdout stops the run.
func (r *generateRun) render(g generated, f outputFormat, data []byte, err error) (out cardOutput, toFile bool, _ error) {
	out.source = g.source
	if err != nil {
		out.problem = fmt.Sprintf("render %s: %v", f.name, err)
		if r.toStdout {
			fmt.Fprintf(r.io.err, "%s: error: %s\n", out.source, out.problem)
			r.failed++
			return out, false, nil
		}
		// Reported in order with the chunk's other files (writeFiles).
		return out, true, nil
	}
	out.markers = len(card.FindNeedsInfo(string(data)))
	if r.toStdout {
		if _, err := r.io.out.Write(data); err != nil {
			return out, false, fmt.Errorf("write stdout: %w", err)
		}
		r.written++
		r.markers += out.markers
		return out, false, nil
	}
	path := filepath.Join(r.outDir, g.stem+f.ext)
	if prev, dup := r.seen[path]; dup {
		out.problem = fmt.Sprintf("writes %s, as %s does; rename one of them", path, prev)
		return out, true, nil
	}
	r.seen[path] = g.source
	out.file = atomicfile.Pending{Path: path, Data: data, Perm: 0o644, Overwrite: r.c.Bool("force")}
	return out, true, nil
}

// writeFiles writes a chunk's cards to their files, several at once, and
// then reports, in the chunk's order, each card that was not written and
// why. When the run is cancelled meanwhile it returns the context's error:
// the files already in place stay, and the run ends there. It sets
// wrote[i] for each card i of the chunk of which a file was written.
func (r *generateRun) writeFiles(outs []cardOutput, wrote []bool) error {
	var files []atomicfile.Pending
	for _, o := range outs {
		if o.problem == "" {
			files = append(files, o.file)
		}
	}
	errs := atomicfile.WriteAll(r.c.Context, files, generateWriters)
	if err := r.c.Context.Err(); err != nil {
		for _, e := range errs {
			if e == nil {
				r.written++
			}
		}
		return err
	}
	done := func(o cardOutput) {
		r.written++
		r.markers += o.markers
		wrote[o.card] = true
	}
	k := 0
	for _, o := range outs {
		problem := o.problem
		if problem == "" {
			switch err := errs[k]; {
			case err == nil:
				done(o)
			case errors.Is(err, atomicfile.ErrExists):
				problem = fmt.Sprintf("%s exists; use --force to overwrite it", o.file.Path)
			default:
				problem = err.Error()
			}
			k++
		}
		if problem != "" {
			fmt.Fprintf(r.io.err, "%s: error: %s\n", o.source, problem)
			r.failed++
		}
	}
	return nil
}

// writeReport appends a chunk's lines to the --report output: stdout for
// "-", else a file that appears, whole, when the run finishes.
func (r *generateRun) writeReport(path string, reports []generateReport) error {
	var buf bytes.Buffer
	if err := encodeGenerateReport(&buf, reports); err != nil {
		return err
	}
	if path == "-" {
		_, err := r.io.out.Write(buf.Bytes())
		return err
	}
	if _, err := r.report.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// finish prints the summary, puts the report file in place and returns the
// command's outcome.
func (r *generateRun) finish() error {
	if !r.toStdout {
		fmt.Fprintf(r.io.err, "generated %d card files in %s (%d facts marked as needing information)\n", r.written, r.outDir, r.markers)
		printMeanScores(r.io, r.eng, r.scoreSums, r.scored)
	}
	if r.hubRuleCards > 0 {
		what := fmt.Sprintf("%d cards break", r.hubRuleCards)
		if r.hubRuleCards == 1 {
			what = "1 card breaks"
		}
		fmt.Fprintf(r.io.err, "warning: %s the Hub's rules and will fail `modelcard validate` (see the warnings above); fix the specs, or give --strict to write no such card\n", what)
	}
	if r.report != nil {
		f := r.report
		r.report = nil
		if err := f.Commit(); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if r.failed > 0 {
		what := fmt.Sprintf("%d specs or cards failed", r.failed)
		if r.failed == 1 {
			what = "1 spec or card failed"
		}
		return failedError{summary: what + "; see the messages above"}
	}
	return nil
}

// abandon closes what a run that stopped early leaves open: the engine,
// and the report file, which is not put in place.
func (r *generateRun) abandon() {
	if r.report != nil {
		r.report.Abort()
	}
	if r.eng != nil {
		r.eng.Close()
	}
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

// readSpecStream reads NDJSON specs from stdin, one per line, and hands
// each card to add; an error from add stops the stream.
func readSpecStream(io stdio, add func(generated) error) (n, failed int, err error) {
	r := bufio.NewReader(io.in)
	var addErr error // what add said, returned as it is
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
		n++
		addErr = add(generated{source: fmt.Sprintf("<stdin>:%d", line), stem: stem, card: cd})
		return addErr
	})
	if addErr != nil {
		return n, failed, addErr
	}
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

// generatedFiles returns the test by which a walk of spec folders leaves
// out what generate writes: the --out folder, and the JSON cards and
// toolkit cards (.card.json, .mct.json), which are not specs. Without it a
// second run over a folder that holds its own output reads that output as
// specs.
func generatedFiles(outDir string) func(path string, dir bool) bool {
	absOut := ""
	if outDir != "" && outDir != "-" {
		absOut, _ = filepath.Abs(outDir)
	}
	return func(path string, dir bool) bool {
		if dir {
			abs, err := filepath.Abs(path)
			return err == nil && abs == absOut
		}
		name := strings.ToLower(filepath.Base(path))
		for _, f := range outputFormats {
			if strings.HasSuffix(f.ext, ".json") && strings.HasSuffix(name, f.ext) {
				return true
			}
		}
		return false
	}
}

// hubMetadataProblems returns the errors `modelcard validate` reports for
// a card's metadata, checked in memory, before rendering: the Hub card
// writes the same metadata.
func hubMetadataProblems(c *card.Card) []card.Problem {
	var problems []card.Problem
	for _, p := range card.CheckMetadata(c.Meta) {
		if p.Severity == card.SeverityError {
			problems = append(problems, p)
		}
	}
	return problems
}
