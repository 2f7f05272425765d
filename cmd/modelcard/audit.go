package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/internal/auditreport"
	"github.com/terragonlabs/modelcard-generator/internal/jsonenc"
)

// cardExts are the file name extensions searched for in folders.
var cardExts = []string{".md", ".markdown"}

// ndjsonExts mark files of NDJSON card records.
var ndjsonExts = []string{".jsonl", ".ndjson"}

func auditCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:      "audit",
		Usage:     "score many model cards against the standards and report what they miss",
		ArgsUsage: "INPUT... (cards, folders, .jsonl/.ndjson files, - for stdin)",
		Description: strings.TrimSpace(`
Scores every card against each standard (hf-hub, mct, mitchell-2019,
eu-ai-act-annex-iv), lists the rubric items it lacks, predicts its task from
its text and flags cards whose declared task belongs to another family.

INPUT is one of:
   a card file          any name, read as markdown with an optional YAML block
   a folder             searched recursively for *.md and *.markdown files, in
                        name order (hidden folders are skipped)
   FILE.jsonl, .ndjson  one JSON object per line: the card's markdown in "text"
                        (or "card"), and optionally "path" or "id" naming it;
                        otherwise the card is named FILE:LINE
   -                    the same NDJSON records on standard input

Cards are audited in input order: the arguments in the order given, the
files of a folder in name order, the lines of an NDJSON file in order. A card
that cannot be read (missing, too big, binary, not UTF-8) still gets a result,
with "error" set; it never stops the audit.

Outputs:
   --json FILE     one JSON object per card (JSON Lines), in input order, with
                   the keys path, bytes, declared_task, predicted_tasks, family,
                   mismatch, scores, missing, sections, problems, error.
                   Written to FILE.partial while the audit runs, renamed to FILE
                   when it completes. After an interruption, run the same
                   command with --resume to continue where it stopped.
   --report FILE   one self-contained HTML page: summary, score histograms,
                   section fill rates, declared × predicted families, the most
                   often missing items with how to fix them, unreadable cards.
   stdout          a summary table (on stderr with --json -; none with --quiet).

--fail-under SCORE exits 1 when the MEAN score over the scored cards is below
SCORE, for each standard named by --standard (all standards by default).

--shard i/n audits only cards k of the input sequence with k mod n = i
(i from 0), so n processes (a Kubernetes Indexed Job) split one corpus.

Exit codes: 0 audit done (even with unreadable cards), 1 below --fail-under or
the audit failed, 2 wrong command line.

Examples:
   modelcard audit --report audit.html cards/
   modelcard audit --json results.jsonl --report audit.html cards/
   modelcard audit --json results.jsonl --resume cards/       # after an interruption
   modelcard audit --fail-under 0.6 --standard hf-hub README.md
   modelcard audit --shard 2/8 --json shard-2.jsonl corpus/
   jq -c '{path: .id, text: .readme}' dump.jsonl | modelcard audit --json - -`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "json", Usage: "write one JSON result per card to `FILE` (- for stdout)"},
			&cli.StringFlag{Name: "report", Usage: "write the HTML report to `FILE`"},
			backendFlag(),
			modelFlag(),
			&cli.IntFlag{Name: "batch-size", Value: 512, Usage: "cards per scoring batch"},
			&cli.IntFlag{Name: "workers", Usage: "parse and featurize workers (0: one per CPU)"},
			&cli.Float64Flag{Name: "fail-under", Usage: "exit 1 when a mean score is below `SCORE` (0 to 1)"},
			&cli.StringSliceFlag{Name: "standard", Usage: "standard `ID` --fail-under checks (default: all)"},
			&cli.StringFlag{Name: "shard", Usage: "audit only shard `i/n`: cards k with k mod n = i"},
			&cli.BoolFlag{Name: "resume", Usage: "continue an interrupted run from FILE.partial"},
			&cli.Int64Flag{Name: "max-bytes", Value: card.DefaultMaxCardBytes, Usage: "largest card read, in bytes"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress and no summary table"},
		},
		Action: func(c *cli.Context) error { return runAudit(c, io) },
	}
}

// auditOptions are the checked command line of audit.
type auditOptions struct {
	args      []string
	jsonPath  string
	report    string
	shard     shardSpec
	resume    bool
	maxBytes  int64
	quiet     bool
	failUnder float64
	hasFail   bool
	standards []string
}

// shardSpec selects cards k with k mod n == i; n == 0 means all cards.
type shardSpec struct{ i, n int }

func (s shardSpec) keep(k int) bool { return s.n == 0 || k%s.n == s.i }

// parseShard parses "i/n".
func parseShard(s string) (shardSpec, error) {
	if s == "" {
		return shardSpec{}, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(is))
	n, err2 := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || err1 != nil || err2 != nil {
		return shardSpec{}, usagef("--shard %q: write i/n, such as 0/4 (shard i of n, i counted from 0)", s)
	}
	if n < 1 || i < 0 || i >= n {
		return shardSpec{}, usagef("--shard %q: need 0 <= i < n, such as 0/%d to %d/%d", s, max(n, 1), max(n, 1)-1, max(n, 1))
	}
	return shardSpec{i: i, n: n}, nil
}

func checkAuditFlags(c *cli.Context) (auditOptions, error) {
	o := auditOptions{
		args:     c.Args().Slice(),
		jsonPath: c.String("json"),
		report:   c.String("report"),
		resume:   c.Bool("resume"),
		maxBytes: c.Int64("max-bytes"),
		quiet:    c.Bool("quiet"),
		hasFail:  c.IsSet("fail-under"),
	}
	if len(o.args) == 0 {
		return o, usagef("audit needs at least one card file, folder, NDJSON file, or - for NDJSON on stdin")
	}
	if n := slices.Index(o.args, "-"); n >= 0 && slices.Index(o.args[n+1:], "-") >= 0 {
		return o, usagef("standard input (-) can be given only once")
	}
	var err error
	if o.shard, err = parseShard(c.String("shard")); err != nil {
		return o, err
	}
	if o.maxBytes <= 0 {
		return o, usagef("--max-bytes %d: give a positive number of bytes", o.maxBytes)
	}
	if n := c.Int("batch-size"); n < 1 || n > engine.MaxBatchSize {
		return o, usagef("--batch-size %d: give 1 to %d cards", n, engine.MaxBatchSize)
	}
	if c.Int("workers") < 0 {
		return o, usagef("--workers %d: give 0 (one per CPU) or more", c.Int("workers"))
	}
	if o.hasFail {
		o.failUnder = c.Float64("fail-under")
		if !(o.failUnder >= 0 && o.failUnder <= 1) { // NaN too
			return o, usagef("--fail-under %g: scores run from 0 to 1", o.failUnder)
		}
	}
	for _, s := range c.StringSlice("standard") {
		if s = strings.TrimSpace(s); s != "" {
			o.standards = append(o.standards, s)
		}
	}
	if len(o.standards) > 0 && !o.hasFail {
		return o, usagef("--standard chooses what --fail-under checks; add --fail-under SCORE")
	}
	if o.resume && (o.jsonPath == "" || o.jsonPath == "-") {
		return o, usagef("--resume continues a --json FILE run; give the same --json FILE as the interrupted run")
	}
	if o.report != "" && o.report == o.jsonPath {
		return o, usagef("--report and --json name the same file %s", o.report)
	}
	return o, nil
}

func runAudit(c *cli.Context, io stdio) error {
	o, err := checkAuditFlags(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(c.Context)
	defer cancel()

	if o.report != "" {
		// Found now, not after a long audit.
		if err := checkOutputFile("--report", o.report); err != nil {
			return err
		}
	}
	sink, err := openResultSink(o, io.out)
	if err != nil {
		return err
	}
	defer sink.abandon()

	model, err := loadModelFlag(c)
	if err != nil {
		return err
	}
	e, err := engine.New(engine.Config{
		Registry:  newRegistry(),
		Backend:   c.String("backend"),
		TaskModel: model,
		ParseCard: parseAuditCard,
		BatchSize: c.Int("batch-size"),
		Workers:   c.Int("workers"),
	})
	if err != nil {
		return fmt.Errorf("start the scoring engine: %w", err)
	}
	defer e.Close()
	stds := reportStandards(e.Standards())
	failStds, err := failUnderStandards(o, stds)
	if err != nil {
		return err
	}

	var mu sync.Mutex // guards summary and bar: the producer adds resumed results
	summary := auditreport.NewSummary(stds)
	bar := newProgress(io.err, o.quiet)
	if bar != nil && !slices.ContainsFunc(o.args, isNDJSONArg) {
		go bar.count(ctx, o.args, o.shard)
	}

	inputs := make(chan engine.AuditInput, 64)
	var fatal error // set by the producer before it cancels ctx
	var found int   // cards in all the inputs, every shard's; set by the producer
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(inputs)
		w := inputWalker{maxBytes: o.maxBytes, stdin: io.in}
		k := -1
		defer func() { found = k + 1 }()
		w.walk(ctx, o.args, func(it inputItem) bool {
			k++
			if !o.shard.keep(k) {
				return true
			}
			if sink.resume != nil && sink.resume.left > 0 {
				path := it.path
				if path == "" {
					path = it.load().Path
				}
				r, err := sink.resume.next(path)
				if err != nil {
					fatal = err
					cancel()
					return false
				}
				mu.Lock()
				summary.Add(r)
				bar.add()
				mu.Unlock()
				return true
			}
			select {
			case inputs <- engine.AuditInput{Path: it.path, Load: it.load}:
				return true
			case <-ctx.Done():
				return false
			}
		})
		if fatal == nil && ctx.Err() == nil && sink.resume != nil && sink.resume.left > 0 {
			fatal = sink.resume.tooMany()
			cancel()
		}
	}()

	err = e.Audit(ctx, inputs, func(r *engine.AuditResult) error {
		if err := sink.write(r); err != nil {
			return err
		}
		mu.Lock()
		summary.Add(r)
		bar.add()
		mu.Unlock()
		return nil
	})
	cancel()
	wg.Wait()
	bar.finish()
	if fatal != nil {
		return fatal
	}
	if err != nil {
		if flushErr := sink.flush(); flushErr != nil {
			return errors.Join(err, flushErr)
		}
		if errors.Is(err, context.Canceled) && sink.partial != "" {
			fmt.Fprintf(io.err, "modelcard: the results so far are in %s; run the same command with --resume to continue\n", sink.partial)
		}
		return err
	}
	st := summary.Stats()
	if st.Cards == 0 && found == 0 {
		// An audit of nothing is almost always a wrong path or a folder
		// not filled yet: fail, so that CI and jobs notice, and leave no
		// output behind.
		where := strings.Join(o.args, ", ")
		if where == "" || where == "-" {
			where = "the standard input"
		}
		if err := sink.discard(); err != nil {
			return err
		}
		return fmt.Errorf("no cards found in %s (folders are searched for *.md and *.markdown; NDJSON lines and - are read as cards): check the paths; no results were written", where)
	}
	if err := sink.commit(); err != nil {
		return err
	}

	if o.report != "" {
		opts := auditreport.Options{Generated: time.Now(), Details: reportDetails(o, e.BackendName())}
		if err := auditreport.WriteHTML(o.report, st, opts); err != nil {
			return err
		}
	}
	if !o.quiet {
		out := io.out
		if o.jsonPath == "-" {
			out = io.err
		}
		if err := auditreport.WriteText(out, st, 10); err != nil {
			return err
		}
	}
	if st.Cards == 0 {
		fmt.Fprintf(io.err, "modelcard: shard %d/%d holds none of the %d cards of the inputs\n", o.shard.i, o.shard.n, found)
	}
	return checkFailUnder(o, st, failStds)
}

// checkOutputFile checks, before any work, that an output file written
// atomically (a temporary file in its folder, then renamed) can be
// written at path: that path is not a folder and its folder, created when
// missing, takes new files. flag names the option in the messages.
func checkOutputFile(flag, path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usagef("%s %s is a folder; give a file name", flag, path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create the folder of %s %s: %w", flag, path, err)
	}
	probe, err := os.CreateTemp(dir, ".modelcard-probe-*")
	if err != nil {
		return fmt.Errorf("%s %s: cannot write in its folder: %w", flag, path, err)
	}
	name := probe.Name()
	probe.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("%s %s: remove the probe file %s: %w", flag, path, name, err)
	}
	return nil
}

// reportStandards describes the engine's standards for the report.
func reportStandards(stds []engine.Standard) []auditreport.Standard {
	out := make([]auditreport.Standard, len(stds))
	for i, s := range stds {
		out[i] = auditreport.Standard{ID: s.ID, Title: s.Title}
		for _, it := range s.Items {
			out[i].Items = append(out[i].Items, auditreport.Item{ID: it.ID, Title: it.Title, Why: it.Why, Fix: it.Fix})
		}
	}
	return out
}

// failUnderStandards returns the standards --fail-under checks.
func failUnderStandards(o auditOptions, stds []auditreport.Standard) ([]string, error) {
	if !o.hasFail {
		return nil, nil
	}
	ids := make([]string, len(stds))
	for i, s := range stds {
		ids[i] = s.ID
	}
	if len(o.standards) == 0 {
		return ids, nil
	}
	for _, s := range o.standards {
		if !slices.Contains(ids, s) {
			return nil, usagef("--standard %q: the standards are %s", s, strings.Join(ids, ", "))
		}
	}
	return o.standards, nil
}

// checkFailUnder fails when a checked standard's mean is below the bar.
func checkFailUnder(o auditOptions, st *auditreport.Stats, ids []string) error {
	var below []string
	for _, id := range ids {
		s, _ := st.Standard(id)
		switch {
		case s.Scored == 0:
			below = append(below, fmt.Sprintf("%s: no card was scored", id))
		case s.Mean < o.failUnder:
			below = append(below, fmt.Sprintf("%s: mean score %.4f over %d cards is below --fail-under %g", id, s.Mean, s.Scored, o.failUnder))
		}
	}
	if len(below) > 0 {
		return failedError{summary: strings.Join(below, "; ")}
	}
	return nil
}

// reportDetails are the lines under the report's title.
func reportDetails(o auditOptions, backend string) []string {
	in := o.args
	more := ""
	if len(in) > 5 {
		more = fmt.Sprintf(" and %d more", len(in)-5)
		in = in[:5]
	}
	d := []string{"Inputs: " + strings.Join(in, ", ") + more, "Scoring backend: " + backend}
	if o.shard.n > 0 {
		d = append(d, fmt.Sprintf("Shard %d/%d: cards k of the input sequence with k mod %d = %d", o.shard.i, o.shard.n, o.shard.n, o.shard.i))
	}
	return d
}

func isNDJSONArg(a string) bool {
	return a == "-" || slices.Contains(ndjsonExts, strings.ToLower(filepath.Ext(a)))
}

// inputItem is one input of the sequence; it is read only when load is
// called, so shards skip the cards of others without reading them, and the
// audit's workers read and decode cards in parallel.
type inputItem struct {
	// path is the card's name, or "" when known only once loaded (NDJSON
	// records may name themselves).
	path string
	load func() engine.AuditInput
}

// inputWalker turns the command line into the sequence of inputs.
type inputWalker struct {
	maxBytes int64
	stdin    io.Reader
}

// walk calls yield with each input in order until the inputs end, yield
// returns false or ctx is done. Folders are walked lazily. Problems with an
// input become inputs with Err set.
func (w inputWalker) walk(ctx context.Context, args []string, yield func(inputItem) bool) {
	for _, a := range args {
		if ctx.Err() != nil {
			return
		}
		if a == "-" {
			if !w.ndjson(ctx, "stdin", w.stdin, yield) {
				return
			}
			continue
		}
		st, err := os.Stat(a)
		switch {
		case err != nil:
			if !yield(failedItem(a, &card.InputError{Code: "input.read", Msg: fmt.Sprintf("cannot open: %v; check the path", err), Err: err})) {
				return
			}
		case st.IsDir():
			if !w.folder(ctx, a, yield) {
				return
			}
		case isNDJSONArg(a):
			f, err := os.Open(a)
			if err != nil {
				if !yield(failedItem(a, &card.InputError{Code: "input.read", Msg: fmt.Sprintf("cannot open: %v", err), Err: err})) {
					return
				}
				continue
			}
			ok := w.ndjson(ctx, a, f, yield)
			f.Close()
			if !ok {
				return
			}
		default:
			if !yield(w.fileItem(a)) {
				return
			}
		}
	}
}

func failedItem(path string, err error) inputItem {
	return inputItem{path: path, load: func() engine.AuditInput { return engine.AuditInput{Path: path, Err: err} }}
}

func (w inputWalker) fileItem(path string) inputItem {
	return inputItem{path: path, load: func() engine.AuditInput {
		data, err := card.ReadFileLimited(path, w.maxBytes)
		return engine.AuditInput{Path: path, Data: data, Err: err}
	}}
}

// folder yields the card files under root in name order.
func (w inputWalker) folder(ctx context.Context, root string, yield func(inputItem) bool) bool {
	if st, err := os.Lstat(root); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		// A trailing separator makes the walk follow a linked root folder.
		root += string(filepath.Separator)
	}
	stopped := false
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			stopped = true
			return fs.SkipAll
		}
		if err != nil {
			// An unreadable folder (or entry) is reported and skipped.
			if !yield(failedItem(path, &card.InputError{Code: "input.read", Msg: fmt.Sprintf("cannot read: %v", err), Err: err})) {
				stopped = true
				return fs.SkipAll
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if !slices.Contains(cardExts, strings.ToLower(filepath.Ext(path))) {
			return nil
		}
		if !yield(w.fileItem(path)) {
			stopped = true
			return fs.SkipAll
		}
		return nil
	})
	return !stopped
}

// ndjson yields one input per non-blank line of r.
func (w inputWalker) ndjson(ctx context.Context, name string, r io.Reader, yield func(inputItem) bool) bool {
	br := bufio.NewReaderSize(r, 256<<10)
	// JSON escapes make a record longer than its card; leave room for that.
	limit := 2*w.maxBytes + 64<<10
	for lineNo := 1; ; lineNo++ {
		if ctx.Err() != nil {
			return false
		}
		line, tooLong, err := readLine(br, limit)
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			var it inputItem
			if tooLong {
				it = failedItem(lineName(name, lineNo), &card.InputError{Code: "input.too-large",
					Msg: fmt.Sprintf("NDJSON line is over %d bytes; split the card, or raise the limit with --max-bytes", limit)})
			} else {
				it = w.recordItem(name, lineNo, line)
			}
			if !yield(it) {
				return false
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				yield(failedItem(fmt.Sprintf("%s:%d", name, lineNo+1), &card.InputError{Code: "input.read", Msg: fmt.Sprintf("cannot read: %v", err), Err: err}))
			}
			return true
		}
	}
}

// lineName names the card of an NDJSON line that does not name itself.
func lineName(name string, lineNo int) string {
	return name + ":" + strconv.Itoa(lineNo)
}

// recordItem decodes the NDJSON record on line lineNo of input name when
// loaded. Decoding rewrites line in place, so it runs once; later loads
// return the same input.
func (w inputWalker) recordItem(name string, lineNo int, line []byte) inputItem {
	return inputItem{load: sync.OnceValue(func() engine.AuditInput {
		rec, err := decodeCardRecord(line)
		if err != nil {
			return engine.AuditInput{Path: lineName(name, lineNo), Err: &card.InputError{Code: "input.record",
				Msg: fmt.Sprintf("line is not a JSON card record (%s); each line must be one JSON object with the card's markdown in \"text\" or \"card\"", describeJSONError(err)), Err: err}}
		}
		path := rec.path
		if path == "" {
			if rec.hasID {
				path = rec.id
			} else {
				path = lineName(name, lineNo)
			}
		}
		if !rec.hasText {
			return engine.AuditInput{Path: path, Err: &card.InputError{Code: "input.record",
				Msg: fmt.Sprintf("%s: the record has no \"text\" or \"card\" field holding the card's markdown", lineName(name, lineNo))}}
		}
		if int64(len(rec.text)) > w.maxBytes {
			return engine.AuditInput{Path: path, Err: &card.InputError{Code: "input.too-large",
				Msg: fmt.Sprintf("card is %d bytes, over the limit of %d bytes; raise the limit with --max-bytes", len(rec.text), w.maxBytes)}}
		}
		return engine.AuditInput{Path: path, Data: rec.text}
	})}
}

// readLine reads one line (without its newline) of at most limit bytes;
// longer lines are consumed and reported with tooLong, their content
// dropped. err is io.EOF after the last line.
func readLine(br *bufio.Reader, limit int64) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if int64(len(line)+len(chunk)) > limit {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		return line, tooLong, err
	}
}

// resultSink writes the JSONL results: to stdout, straight to a special
// file, or to FILE.partial renamed to FILE at the end.
type resultSink struct {
	buf       *bufio.Writer // nil for no output
	file      *os.File      // nil for stdout or no output
	final     string
	partial   string
	lastFlush time.Time
	resume    *resumeState
	committed bool
}

// openResultSink opens the --json output, checking --resume.
func openResultSink(o auditOptions, stdout io.Writer) (*resultSink, error) {
	s := &resultSink{lastFlush: time.Now()}
	switch {
	case o.jsonPath == "":
		return s, nil
	case o.jsonPath == "-":
		s.buf = bufio.NewWriterSize(stdout, 64<<10)
	default:
		if st, err := os.Stat(o.jsonPath); err == nil && !st.Mode().IsRegular() {
			if st.IsDir() {
				return nil, usagef("--json %s is a folder; give a file name", o.jsonPath)
			}
			// A device or pipe, such as /dev/null: written directly.
			if o.resume {
				return nil, usagef("--resume needs --json to name a regular file, not %s", o.jsonPath)
			}
			f, err := os.OpenFile(o.jsonPath, os.O_WRONLY, 0)
			if err != nil {
				return nil, fmt.Errorf("open --json %s: %w", o.jsonPath, err)
			}
			s.file = f
			break
		}
		s.final, s.partial = o.jsonPath, o.jsonPath+".partial"
		if err := os.MkdirAll(filepath.Dir(s.partial), 0o755); err != nil {
			return nil, fmt.Errorf("create the folder of --json %s: %w", o.jsonPath, err)
		}
		f, err := os.OpenFile(s.partial, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		switch {
		case err == nil:
		case errors.Is(err, fs.ErrExist) && o.resume:
			if s.resume, err = openResume(s.partial); err != nil {
				return nil, err
			}
			if f, err = os.OpenFile(s.partial, os.O_WRONLY|os.O_APPEND, 0); err != nil {
				s.resume.close()
				return nil, fmt.Errorf("reopen %s to continue it: %w", s.partial, err)
			}
		case errors.Is(err, fs.ErrExist):
			return nil, usagef("%s exists: an earlier audit writing %s was interrupted; add --resume to continue it, or delete %s to start over",
				s.partial, o.jsonPath, s.partial)
		default:
			return nil, fmt.Errorf("create %s: %w", s.partial, err)
		}
		s.file = f
	}
	if s.file != nil {
		s.buf = bufio.NewWriterSize(s.file, 256<<10)
	}
	return s, nil
}

// write writes one result, flushing at least once a second so that an
// interrupted run leaves most of its work in FILE.partial.
func (s *resultSink) write(r *engine.AuditResult) error {
	if s.buf == nil {
		return nil
	}
	line, err := r.AppendJSON(s.buf.AvailableBuffer())
	if err != nil {
		return fmt.Errorf("write the result of %s to %s: %w", r.Path, s.name(), err)
	}
	if _, err := s.buf.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("write the result of %s to %s: %w", r.Path, s.name(), err)
	}
	if time.Since(s.lastFlush) >= time.Second {
		s.lastFlush = time.Now()
		return s.flush()
	}
	return nil
}

func (s *resultSink) name() string {
	switch {
	case s.partial != "":
		return s.partial
	case s.file != nil:
		return s.file.Name()
	}
	return "stdout"
}

// flush writes the buffered results out.
func (s *resultSink) flush() error {
	if s.buf == nil {
		return nil
	}
	if err := s.buf.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", s.name(), err)
	}
	return nil
}

// commit completes the output: flushes, syncs and renames FILE.partial to
// FILE.
func (s *resultSink) commit() error {
	if err := s.flush(); err != nil {
		return err
	}
	s.resume.close()
	if s.file == nil {
		s.committed = true
		return nil
	}
	if s.partial != "" {
		if err := s.file.Sync(); err != nil {
			return fmt.Errorf("sync %s: %w", s.partial, err)
		}
	}
	if err := s.file.Close(); err != nil {
		return fmt.Errorf("close %s: %w", s.name(), err)
	}
	s.committed = true
	if s.partial != "" {
		if err := os.Rename(s.partial, s.final); err != nil {
			return fmt.Errorf("rename %s to %s: %w", s.partial, s.final, err)
		}
	}
	return nil
}

// discard closes the results of a run that has nothing to give and
// removes the FILE.partial it started; a continued run's file is kept.
func (s *resultSink) discard() error {
	if s.committed || s.resume != nil || s.partial == "" {
		return nil
	}
	s.file.Close()
	s.committed = true
	if err := os.Remove(s.partial); err != nil {
		return fmt.Errorf("remove %s: %w", s.partial, err)
	}
	return nil
}

// abandon closes the results of a run that stopped early, keeping
// FILE.partial for --resume.
func (s *resultSink) abandon() {
	if s.committed {
		return
	}
	s.resume.close()
	if s.file != nil {
		s.flush()
		s.file.Close()
	}
}

// resumeState replays the results an interrupted run left in FILE.partial:
// they must be the first results of the input sequence, in order.
type resumeState struct {
	file  string
	f     *os.File
	r     *bufio.Reader
	left  int // results not yet matched
	total int
}

// openResume checks FILE.partial, cuts off a last line left half-written,
// and returns a reader over its complete results.
func openResume(partial string) (*resumeState, error) {
	f, err := os.Open(partial)
	if err != nil {
		return nil, fmt.Errorf("open %s to resume: %w", partial, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	var good int64
	n := 0
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			var probe struct {
				Path *string `json:"path"`
			}
			if jerr := json.Unmarshal(line, &probe); jerr != nil || probe.Path == nil {
				return nil, fmt.Errorf("%s: line %d is not an audit result; it was not written by modelcard audit, or is damaged: delete it to start over", partial, n+1)
			}
			good += int64(len(line))
			n++
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("read %s: %w", partial, err)
			}
			break
		}
	}
	// A last line without its newline was cut by the interruption.
	if err := os.Truncate(partial, good); err != nil {
		return nil, fmt.Errorf("cut the unfinished last line of %s: %w", partial, err)
	}
	rf, err := os.Open(partial)
	if err != nil {
		return nil, fmt.Errorf("open %s to resume: %w", partial, err)
	}
	return &resumeState{file: partial, f: rf, r: bufio.NewReaderSize(io.LimitReader(rf, good), 256<<10), left: n, total: n}, nil
}

// next reads the next stored result and checks that it belongs to the
// input at path.
func (rs *resumeState) next(path string) (*engine.AuditResult, error) {
	k := rs.total - rs.left + 1
	line, err := rs.r.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("read %s at line %d: %w", rs.file, k, err)
	}
	var r engine.AuditResult
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("%s: line %d: %w; delete the file to start over", rs.file, k, err)
	}
	// The JSONL holds the path as JSON does: with U+FFFD for each byte of
	// a name that is not UTF-8.
	if r.Path != jsonenc.ValidText(path) {
		return nil, fmt.Errorf("%s: result %d is for %q but input %d is now %q: the inputs changed since the interrupted run; "+
			"resume with the same INPUT arguments, --shard and --max-bytes, or delete %s to start over", rs.file, k, r.Path, k, path, rs.file)
	}
	rs.left--
	if rs.left == 0 {
		rs.close()
	}
	return &r, nil
}

// tooMany is the error when the inputs ended before the stored results.
func (rs *resumeState) tooMany() error {
	return fmt.Errorf("%s holds %d results but the inputs have only %d cards: the inputs changed since the interrupted run; "+
		"resume with the same INPUT arguments and --shard, or delete %s to start over", rs.file, rs.total, rs.total-rs.left, rs.file)
}

func (rs *resumeState) close() {
	if rs != nil && rs.f != nil {
		rs.f.Close()
		rs.f = nil
	}
}

// progress draws a one-line progress report on a terminal.
type progress struct {
	w     io.Writer
	start time.Time
	last  time.Time
	done  int
	total atomic.Int64 // -1 while unknown
}

// newProgress returns a progress line on w when w is a terminal and quiet
// is false, else nil (whose methods do nothing).
func newProgress(w io.Writer, quiet bool) *progress {
	f, ok := w.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	now := time.Now()
	p := &progress{w: w, start: now, last: now}
	p.total.Store(-1)
	return p
}

// count counts the inputs of the shard in the background, so the line can
// show an ETA. Only used when every input is a file or folder.
func (p *progress) count(ctx context.Context, args []string, shard shardSpec) {
	n := 0
	inputWalker{}.walk(ctx, args, func(inputItem) bool { n++; return true })
	if ctx.Err() != nil {
		return
	}
	if shard.n > 0 {
		n = (n - shard.i + shard.n - 1) / shard.n
	}
	p.total.Store(int64(n))
}

// add counts one card done and redraws at most ten times a second.
func (p *progress) add() {
	if p == nil {
		return
	}
	p.done++
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		p.draw(now)
	}
}

func (p *progress) draw(now time.Time) {
	el := now.Sub(p.start).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(p.done) / el
	}
	line := fmt.Sprintf("%d cards  %.0f cards/s", p.done, rate)
	if total := p.total.Load(); total > 0 {
		line = fmt.Sprintf("%d/%d cards (%.0f%%)  %.0f cards/s", p.done, total, 100*float64(p.done)/float64(total), rate)
		if rate > 0 && int64(p.done) < total {
			eta := time.Duration(float64(total-int64(p.done)) / rate * float64(time.Second)).Round(time.Second)
			line += "  ETA " + eta.String()
		}
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
}

// finish draws the final count and ends the line.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.draw(time.Now())
	fmt.Fprintln(p.w)
}
