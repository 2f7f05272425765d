package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/internal/atomicfile"
	"github.com/terragonlabs/modelcard-generator/internal/auditreport"
)

// resultKeys returns the keys every line of `modelcard audit --json` holds.
func resultKeys() []string {
	return []string{"path", "bytes", "declared_task", "predicted_tasks", "family", "mismatch",
		"scores", "missing", "sections", "problems", "error"}
}

// mergeLineLimit is the longest result line merge reads.
const mergeLineLimit = 64 << 20

// mergeWarnings is how many duplicate paths are reported one by one.
const mergeWarnings = 10

// mergeCommand is `modelcard merge`: the results of a sharded audit joined
// into one results file, summary and report.
func mergeCommand(io stdio) *cli.Command {
	return &cli.Command{
		Name:      "merge",
		Usage:     "merge the results of sharded audits into one file, summary and report",
		ArgsUsage: "FILE|GLOB... (the --json files of `modelcard audit --shard i/n`)",
		Description: strings.TrimSpace(`
Reads the JSON Lines files that sharded audits wrote
(modelcard audit --shard i/n --json shard-i.jsonl ...), checks that every
line is an audit result, and writes their union as one audit would have:
one JSON Lines file (--json), the summary table and the HTML report
(--report).

FILE|GLOB is a result file or a glob such as 'results/shard-*.jsonl'. Quote
a glob so that merge expands it rather than the shell: that also works
where no shell runs, such as a Kubernetes Job (deploy/kubernetes/audit-job).
Blank lines are skipped.

Order: when the files are all named shard-<i>.jsonl, with i from 0 to n-1
and none missing, the results are interleaved as --shard split them (card k
went to shard k mod n): the merged file is then the file one unsharded
audit of the same inputs writes, line for line. Otherwise the files are
concatenated in the order given, the matches of a glob in name order.

Checks:
   a line that is not an audit result   stops the merge, naming FILE:LINE
   --expect N                           the inputs must be shard-0.jsonl to
                                        shard-<N-1>.jsonl; missing shards
                                        stop the merge, naming their indexes
   a card path found in two files       (a shard given twice, shards of two
                                        runs) is reported on stderr; the
                                        first result is kept

Outputs:
   --json FILE     the merged results (- for stdout), written to a temporary
                   file and renamed, so FILE is never seen half written
   --report FILE   the self-contained HTML report, as audit writes it
   stdout          the summary table (on stderr with --json -; none with
                   --quiet)

--fail-under SCORE exits 1 when the MEAN score over the merged cards is
below SCORE, for each standard named by --standard (all by default), as
audit does.

Exit codes: 0 merged, 1 a shard missing, a line that is not a result or a
mean below --fail-under, 2 wrong command line.

Examples:
   modelcard merge --expect 8 --json audit.jsonl --report audit.html 'results/shard-*.jsonl'
   modelcard merge --fail-under 0.6 --standard hf-hub shard-0.jsonl shard-1.jsonl
   modelcard merge --quiet --json - 'results/shard-*.jsonl' | jq -r 'select(.mismatch) | .path'`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "json", Usage: "write the merged results to `FILE` (- for stdout)"},
			&cli.StringFlag{Name: "report", Usage: "write the HTML report to `FILE`"},
			&cli.IntFlag{Name: "expect", Usage: "require shard-0.jsonl to shard-<N-1>.jsonl among the inputs (`N` shards)"},
			&cli.Float64Flag{Name: "fail-under", Usage: "exit 1 when a mean score is below `SCORE` (0 to 1)"},
			&cli.StringSliceFlag{Name: "standard", Usage: "standard `ID` --fail-under checks (default: all)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no summary table"},
		},
		Action: func(c *cli.Context) error { return runMerge(c, io) },
	}
}

// mergeOptions are the checked command line of merge.
type mergeOptions struct {
	args     []string
	jsonPath string
	report   string
	expect   int
	quiet    bool
	// gate holds --fail-under and --standard, checked as audit checks them.
	gate auditOptions
}

// checkMergeFlags checks the command line of merge.
func checkMergeFlags(c *cli.Context) (mergeOptions, error) {
	o := mergeOptions{
		args:     c.Args().Slice(),
		jsonPath: c.String("json"),
		report:   c.String("report"),
		expect:   c.Int("expect"),
		quiet:    c.Bool("quiet"),
		gate:     auditOptions{hasFail: c.IsSet("fail-under")},
	}
	if len(o.args) == 0 {
		return o, usagef("merge needs the result files of the shards: files, or a glob such as 'results/shard-*.jsonl'")
	}
	if slices.Contains(o.args, "-") {
		return o, usagef("merge reads files, not standard input; give the shards' result files")
	}
	if c.IsSet("expect") && o.expect < 1 {
		return o, usagef("--expect %d: give the number of shards, the n of --shard i/n", o.expect)
	}
	if o.gate.hasFail {
		o.gate.failUnder = c.Float64("fail-under")
		if o.gate.failUnder < 0 || o.gate.failUnder > 1 {
			return o, usagef("--fail-under %g: scores run from 0 to 1", o.gate.failUnder)
		}
	}
	for _, s := range c.StringSlice("standard") {
		if s = strings.TrimSpace(s); s != "" {
			o.gate.standards = append(o.gate.standards, s)
		}
	}
	if len(o.gate.standards) > 0 && !o.gate.hasFail {
		return o, usagef("--standard chooses what --fail-under checks; add --fail-under SCORE")
	}
	if o.report != "" && o.report == o.jsonPath {
		return o, usagef("--report and --json name the same file %s", o.report)
	}
	return o, nil
}

// mergeSource is one result file being read.
type mergeSource struct {
	name  string
	shard int // the i of shard-<i>.jsonl, or -1
	f     *os.File
	br    *bufio.Reader
	line  int // lines read
	n     int // results read
	done  bool
}

// open opens the file for reading.
func (s *mergeSource) open() error {
	f, err := os.Open(s.name)
	if err != nil {
		return fmt.Errorf("open the result file %s: %w", s.name, err)
	}
	s.f, s.br = f, bufio.NewReaderSize(f, 256<<10)
	return nil
}

// close closes the file; it may be called more than once.
func (s *mergeSource) close() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

// next returns the next non-blank line and its number, or io.EOF.
func (s *mergeSource) next() ([]byte, int, error) {
	for !s.done {
		line, tooLong, err := readLine(s.br, mergeLineLimit)
		if len(line) > 0 || tooLong || !errors.Is(err, io.EOF) {
			s.line++
		}
		if tooLong {
			return nil, s.line, fmt.Errorf("%s:%d: the line is over %d bytes: not an audit result", s.name, s.line, mergeLineLimit)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, s.line, fmt.Errorf("read the result file %s at line %d: %w", s.name, s.line, err)
		}
		if errors.Is(err, io.EOF) {
			s.done = true
		}
		if len(bytes.TrimSpace(line)) > 0 {
			s.n++
			return line, s.line, nil
		}
	}
	return nil, s.line, io.EOF
}

// shardIndex returns i for a file named shard-<i>.jsonl.
func shardIndex(path string) (int, bool) {
	s, ok := strings.CutPrefix(filepath.Base(path), "shard-")
	if !ok {
		return 0, false
	}
	if s, ok = strings.CutSuffix(s, ".jsonl"); !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || strconv.Itoa(i) != s {
		return 0, false
	}
	return i, true
}

// mergeInputs expands the arguments into result files: globs into their
// matches in name order, each file once.
func mergeInputs(args []string) ([]*mergeSource, error) {
	var out []*mergeSource
	seen := map[string]bool{}
	add := func(p string) error {
		st, err := os.Stat(p)
		switch {
		case err != nil:
			return fmt.Errorf("result file %s: %w; check the path", p, err)
		case st.IsDir():
			return usagef("%s is a folder; give its result files, such as '%s'", p, filepath.Join(p, "shard-*.jsonl"))
		}
		if c := filepath.Clean(p); !seen[c] {
			seen[c] = true
			i, ok := shardIndex(p)
			if !ok {
				i = -1
			}
			out = append(out, &mergeSource{name: p, shard: i})
		}
		return nil
	}
	for _, a := range args {
		if !strings.ContainsAny(a, "*?[") {
			if err := add(a); err != nil {
				return nil, err
			}
			continue
		}
		matches, err := filepath.Glob(a)
		if err != nil {
			return nil, usagef("%q is not a valid glob (%v); quote * ? [ as \\* \\? \\[ to match them literally", a, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("no file matches %q; check the folder and the pattern, such as 'results/shard-*.jsonl'", a)
		}
		files := 0
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && st.IsDir() {
				continue
			}
			if err := add(m); err != nil {
				return nil, err
			}
			files++
		}
		if files == 0 {
			return nil, fmt.Errorf("%q matches only folders; match the result files in them, such as '%s'", a, filepath.Join(matches[0], "shard-*.jsonl"))
		}
	}
	return out, nil
}

// checkShards checks --expect: the inputs are exactly shard-0.jsonl to
// shard-<n-1>.jsonl.
func checkShards(srcs []*mergeSource, n int) error {
	byIndex := map[int]string{}
	for _, s := range srcs {
		if s.shard < 0 {
			return usagef("--expect %d counts files named shard-<i>.jsonl, and %s is not one; leave it out, or drop --expect", n, s.name)
		}
		if s.shard >= n {
			return usagef("--expect %d: %s is shard %d, but shards run from 0 to %d; is --expect the n of --shard i/n?", n, s.name, s.shard, n-1)
		}
		if prev, ok := byIndex[s.shard]; ok {
			return usagef("shard %d is given twice, as %s and %s; merge the shards of one run", s.shard, prev, s.name)
		}
		byIndex[s.shard] = s.name
	}
	var missing []string
	var hints []string
	dir := filepath.Dir(srcs[0].name) // srcs is never empty here
	for i := range n {
		if _, ok := byIndex[i]; ok {
			continue
		}
		missing = append(missing, strconv.Itoa(i))
		want := filepath.Join(dir, fmt.Sprintf("shard-%d.jsonl", i))
		if _, err := os.Stat(want + ".partial"); err == nil {
			hints = append(hints, fmt.Sprintf("%s.partial exists: shard %d's audit was interrupted; finish it by running it again with --resume", want, i))
		} else if _, err := os.Stat(want); err == nil {
			hints = append(hints, fmt.Sprintf("%s exists but is not among the inputs; check the glob", want))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	msg := fmt.Sprintf("%d of the %d shards are missing: %s (no shard-%s.jsonl among the inputs); "+
		"run them with `modelcard audit --shard i/%d --json %s ...` over the same inputs, then merge again",
		len(missing), n, strings.Join(missing, ", "), strings.Join(missing, ".jsonl, shard-"), n, filepath.Join(dir, "shard-i.jsonl"))
	if len(hints) > 0 {
		msg += "; " + strings.Join(hints, "; ")
	}
	return errors.New(msg)
}

// interleaved reports whether srcs are the shards 0 to n-1 of one run,
// and if so sorts them by index.
func interleaved(srcs []*mergeSource) bool {
	idx := make([]int, 0, len(srcs))
	for _, s := range srcs {
		if s.shard < 0 {
			return false
		}
		idx = append(idx, s.shard)
	}
	slices.Sort(idx)
	for i, v := range idx {
		if v != i {
			return false
		}
	}
	slices.SortFunc(srcs, func(a, b *mergeSource) int { return a.shard - b.shard })
	return true
}

// checkResult checks that line is one audit result and decodes it.
func checkResult(line []byte) (*engine.AuditResult, error) {
	if t := bytes.TrimSpace(line); len(t) == 0 || t[0] != '{' {
		return nil, errors.New("the line is not a JSON object")
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(line, &keys); err != nil {
		return nil, fmt.Errorf("the line is not valid JSON: %w", err)
	}
	for _, k := range resultKeys() {
		if _, ok := keys[k]; !ok {
			return nil, fmt.Errorf("the object lacks the key %q that every result has", k)
		}
	}
	var r engine.AuditResult
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("a value has the wrong type: %w", err)
	}
	if r.Path == "" {
		return nil, errors.New(`"path" is empty; every result names its card`)
	}
	return &r, nil
}

// merger accumulates the merged results.
type merger struct {
	out     io.Writer // nil: no --json
	summary *auditreport.Summary
	warn    io.Writer
	seen    map[string]seenAt // card path → where its kept result is
	dups    int
	// dedupe drops a card's result when another file already gave one. It
	// is off for the complete shard set of one run: there the shards
	// partition the inputs, and a path met twice was given twice (an
	// NDJSON input with a repeated id), as the unsharded audit would list
	// it.
	dedupe bool
	// kept counts the results written.
	kept int
}

// seenAt is the file and line of a kept result.
type seenAt struct {
	src  *mergeSource
	line int
}

// duplicate reports whether another file already gave a result for path,
// warning about it; otherwise it remembers where path's result is.
func (m *merger) duplicate(src *mergeSource, path string, lineNo int) bool {
	at, ok := m.seen[path]
	if !ok {
		m.seen[path] = seenAt{src: src, line: lineNo}
		return false
	}
	if at.src == src {
		return false
	}
	m.dups++
	if m.dups <= mergeWarnings {
		fmt.Fprintf(m.warn, "modelcard merge: warning: %s:%d: card %q already has a result at %s:%d; keeping that one\n",
			src.name, lineNo, path, at.src.name, at.line)
	}
	return true
}

// add checks one line and keeps its result unless another file already
// gave a result for the same card.
func (m *merger) add(src *mergeSource, line []byte, lineNo int) error {
	r, err := checkResult(line)
	if err != nil {
		return fmt.Errorf("%s:%d: not an audit result: %w; merge reads the files `modelcard audit --json FILE` writes, one result object per line",
			src.name, lineNo, err)
	}
	if m.dedupe && m.duplicate(src, r.Path, lineNo) {
		return nil
	}
	if m.out != nil {
		if _, err := m.out.Write(line); err != nil {
			return fmt.Errorf("write the merged results: %w", err)
		}
		if _, err := m.out.Write([]byte{'\n'}); err != nil {
			return fmt.Errorf("write the merged results: %w", err)
		}
	}
	m.kept++
	m.summary.Add(r)
	return nil
}

// readAll feeds every result of srcs to m: interleaved (one line of each
// shard in turn) or file after file.
func (m *merger) readAll(srcs []*mergeSource, interleave bool) error {
	defer func() {
		for _, s := range srcs {
			s.close()
		}
	}()
	if !interleave {
		for _, s := range srcs {
			if err := s.open(); err != nil {
				return err
			}
			for {
				line, n, err := s.next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return err
				}
				if err := m.add(s, line, n); err != nil {
					return err
				}
			}
			s.close()
		}
		return nil
	}
	for _, s := range srcs {
		if err := s.open(); err != nil {
			return err
		}
	}
	for active := len(srcs); active > 0; {
		active = 0
		for _, s := range srcs {
			if s.done && s.f == nil {
				continue
			}
			line, n, err := s.next()
			if errors.Is(err, io.EOF) {
				s.close()
				continue
			}
			if err != nil {
				return err
			}
			active++
			if err := m.add(s, line, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// splitOfOneRun reports whether shard sizes are those of one run split
// into len(counts) shards: card k in shard k mod n, so sizes fall by at
// most one, from the first shard to the last.
func splitOfOneRun(counts []int) bool {
	for i := 1; i < len(counts); i++ {
		if counts[i] > counts[i-1] || counts[i] < counts[0]-1 {
			return false
		}
	}
	return true
}

// openMergeOutput returns where the merged results go: a temporary file
// that replaces the target at the end, the standard output, or a special
// file written directly. commit finishes the output; abort drops a
// temporary file after a failure (it does nothing for the others).
func openMergeOutput(o mergeOptions, stdout io.Writer) (w io.Writer, commit func() error, abort func(), err error) {
	noAbort := func() {}
	switch {
	case o.jsonPath == "":
		return nil, func() error { return nil }, noAbort, nil
	case o.jsonPath == "-":
		bw := bufio.NewWriterSize(stdout, 256<<10)
		return bw, bw.Flush, noAbort, nil
	}
	if st, err := os.Stat(o.jsonPath); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return nil, nil, nil, usagef("--json %s is a folder; give a file name", o.jsonPath)
		}
		// A device or pipe, such as /dev/null: written directly.
		f, err := os.OpenFile(o.jsonPath, os.O_WRONLY, 0)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("open --json %s: %w", o.jsonPath, err)
		}
		bw := bufio.NewWriterSize(f, 256<<10)
		return bw, func() error {
			if err := bw.Flush(); err != nil {
				f.Close()
				return fmt.Errorf("write --json %s: %w", o.jsonPath, err)
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("close --json %s: %w", o.jsonPath, err)
			}
			return nil
		}, func() { f.Close() }, nil
	}
	// A regular file is streamed into a temporary file that replaces it at
	// the end, so a merge of millions of results holds none of them.
	f, err := atomicfile.Create(o.jsonPath, 0o644)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("write the merged results: %w", err)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	return bw, func() error {
		if err := bw.Flush(); err != nil {
			f.Abort()
			return fmt.Errorf("write the merged results: %w", err)
		}
		if err := f.Commit(); err != nil {
			return fmt.Errorf("write the merged results: %w", err)
		}
		return nil
	}, f.Abort, nil
}

// sameFile reports whether a and b name one existing file.
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// runMerge merges the result files, writes the outputs and applies the
// --fail-under gate.
func runMerge(c *cli.Context, io stdio) error {
	o, err := checkMergeFlags(c)
	if err != nil {
		return err
	}
	stds, err := engine.LoadStandards()
	if err != nil {
		return fmt.Errorf("load the standards: %w", err)
	}
	rstds := reportStandards(stds)
	failStds, err := failUnderStandards(o.gate, rstds)
	if err != nil {
		return err
	}
	srcs, err := mergeInputs(o.args)
	if err != nil {
		return err
	}
	for _, s := range srcs {
		for _, out := range []string{o.jsonPath, o.report} {
			if out != "" && out != "-" && sameFile(out, s.name) {
				return usagef("%s is both an input and an output; write the merged files elsewhere, or narrow the glob", s.name)
			}
		}
	}
	for _, s := range srcs {
		// audit writes FILE.partial and renames it over FILE when done: a
		// .partial beside an input means a newer run of that file is going
		// on or was cut short, and the input may be from an older run.
		if _, err := os.Stat(s.name + ".partial"); err == nil {
			return fmt.Errorf("%s.partial exists beside %s: an audit writing it is still running or was interrupted, so %s may hold an older run's results; "+
				"wait for it, or finish it with `modelcard audit --resume` and the same arguments, or remove the .partial file, then merge again",
				s.name, s.name, s.name)
		}
	}
	if o.expect > 0 {
		if err := checkShards(srcs, o.expect); err != nil {
			return err
		}
	}
	interleave := interleaved(srcs)

	out, commit, abort, err := openMergeOutput(o, io.out)
	if err != nil {
		return err
	}
	m := &merger{out: out, summary: auditreport.NewSummary(rstds), warn: io.err, seen: map[string]seenAt{}, dedupe: !interleave}
	if err := m.readAll(srcs, interleave); err != nil {
		abort()
		return err
	}
	if m.kept == 0 {
		// Empty shards mean the audit saw no cards: nothing to report, and
		// an empty report would pass for a clean one.
		abort()
		return fmt.Errorf("the inputs hold no results (%d files, all empty): check that the audit ran over the cards and wrote these files", len(srcs))
	}
	if err := commit(); err != nil {
		return err
	}
	if m.dups > mergeWarnings {
		fmt.Fprintf(io.err, "modelcard merge: warning: %d more results dropped for cards that already had one\n", m.dups-mergeWarnings)
	}
	if interleave && len(srcs) > 1 {
		counts := make([]int, len(srcs))
		for i, s := range srcs {
			counts[i] = s.n
		}
		if !splitOfOneRun(counts) {
			fmt.Fprintf(io.err, "modelcard merge: warning: the shards hold %v results, which is not how one run splits cards over %d shards "+
				"(card k to shard k mod %d): were they audited with the same inputs and the same n? The merged order is not the input order\n",
				counts, len(srcs), len(srcs))
		}
	}

	st := m.summary.Stats()
	if o.report != "" {
		opts := auditreport.Options{Generated: time.Now(), Details: mergeDetails(srcs, interleave, m.dups)}
		if err := auditreport.WriteHTML(o.report, st, opts); err != nil {
			return err
		}
	}
	if !o.quiet {
		w := io.out
		if o.jsonPath == "-" {
			w = io.err
		}
		if err := auditreport.WriteText(w, st, 10); err != nil {
			return err
		}
	}
	return checkFailUnder(o.gate, st, failStds)
}

// mergeDetails are the lines under the report's title.
func mergeDetails(srcs []*mergeSource, interleave bool, dups int) []string {
	names := make([]string, 0, 5)
	for _, s := range srcs[:min(len(srcs), 5)] {
		names = append(names, s.name)
	}
	more := ""
	if len(srcs) > 5 {
		more = fmt.Sprintf(" and %d more", len(srcs)-5)
	}
	d := []string{fmt.Sprintf("Merged from %d result files: %s%s", len(srcs), strings.Join(names, ", "), more)}
	if interleave && len(srcs) > 1 {
		d = append(d, fmt.Sprintf("Shards 0 to %d interleaved: the order of the unsharded audit", len(srcs)-1))
	}
	if dups > 0 {
		d = append(d, fmt.Sprintf("%d results dropped: their cards already had a result in another file", dups))
	}
	return d
}
