package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
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

// mergeWarnings is how many results dropped by --dedupe are reported one
// by one.
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
Blank lines are skipped. A file named twice (by its name and by a glob) is
read once.

Every result of every file is kept: the file names decide only the order.
When the files are all named shard-<i>.jsonl, with i from 0 to n-1 and
none missing, the results are interleaved as --shard split them (card k
went to shard k mod n): the merged file is then the file one unsharded
audit of the same inputs writes, line for line. Otherwise the files are
concatenated in the order given, the matches of a glob in name order: the
same results, in another order.

A card path may have several results: an audit lists a card each time its
inputs give it (an NDJSON input that repeats a path, a card named twice),
and its shards then hold a result for each. When results for one path come
from different files that are not the complete shards of one run, merge
keeps them all and says how many there are on stderr. If the files are of
overlapping audits (a rerun of some cards) and each card should count once,
give --dedupe: the first result of each path is kept, the results of later
files for it are dropped, and their number is printed and shown in the
report.

Checks (each stops the merge before any output is written):
   a line that is not an audit result   exit 1, naming FILE:LINE: a missing
                                        key, a value of the wrong type, a
                                        score that is not between 0 and 1
   one file given twice                 exit 2, naming both paths: two files
                                        named for one shard (shard-1.jsonl
                                        of two folders), or two files with
                                        the same results byte for byte (a
                                        copy, a link); to join two sharded
                                        audits, merge each one's shards,
                                        then merge the merged files
   --expect N                           the inputs must be shard-0.jsonl to
                                        shard-<N-1>.jsonl; missing shards
                                        stop the merge, naming their indexes

Outputs, each written to a temporary file and renamed when the merge is
complete, so that neither is ever seen half written:
   --json FILE     the merged results (- for stdout)
   --report FILE   the self-contained HTML report, as audit writes it
   stdout          the summary table (on stderr with --json -; none with
                   --quiet)

--fail-under SCORE exits 1 when the MEAN score over the merged cards is
below SCORE, for each standard named by --standard (all by default), as
audit does.

Ctrl-C (SIGINT) or SIGTERM stops the merge at once: no output file is
written, the temporary files are removed, and merge exits 130 (143 for
SIGTERM).

Exit codes: 0 merged, 1 a shard missing, a line that is not a result or a
mean below --fail-under, 2 wrong command line (a file given twice
included), 130 interrupted (143 by SIGTERM).

Examples:
   modelcard merge --expect 8 --json audit.jsonl --report audit.html 'results/shard-*.jsonl'
   modelcard merge --fail-under 0.6 --standard hf-hub shard-0.jsonl shard-1.jsonl
   modelcard merge --dedupe --json all.jsonl monday.jsonl rerun.jsonl
   modelcard merge --quiet --json - 'results/shard-*.jsonl' | jq -r 'select(.mismatch) | .path'`),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "json", Usage: "write the merged results to `FILE` (- for stdout)"},
			&cli.StringFlag{Name: "report", Usage: "write the HTML report to `FILE`"},
			&cli.IntFlag{Name: "expect", Usage: "require shard-0.jsonl to shard-<N-1>.jsonl among the inputs (`N` shards)"},
			&cli.BoolFlag{Name: "dedupe", Usage: "keep only the first result of each card path: drop later files' results for it (overlapping audits)"},
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
	// dedupe is --dedupe: drop the results for a card path that an
	// earlier file already gave a result for.
	dedupe bool
	quiet  bool
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
		dedupe:   c.Bool("dedupe"),
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
		// Written so that NaN, which every comparison rejects, fails too.
		if !(o.gate.failUnder >= 0 && o.gate.failUnder <= 1) {
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
	shard int         // the i of shard-<i>.jsonl, or -1
	info  os.FileInfo // the file's, when it was found
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
			out = append(out, &mergeSource{name: p, shard: i, info: st})
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

// checkShardNames refuses two files named for one shard, such as the
// shard-1.jsonl of two folders: one shard given twice, or the shards of two
// runs, which merge cannot tell from the records (a result names its card,
// not its shard or its place in the input).
func checkShardNames(srcs []*mergeSource) error {
	byIndex := map[int]string{}
	for _, s := range srcs {
		if s.shard < 0 {
			continue
		}
		if prev, ok := byIndex[s.shard]; ok {
			return usagef("shard %d is given twice, as %s and %s; merge the shards of one run, each once "+
				"(to join two sharded audits, merge each one's shards into a file, then merge those files)", s.shard, prev, s.name)
		}
		byIndex[s.shard] = s.name
	}
	return nil
}

// checkShards checks --expect: the inputs are exactly shard-0.jsonl to
// shard-<n-1>.jsonl. checkShardNames has refused a shard given twice.
func checkShards(srcs []*mergeSource, n int) error {
	byIndex := map[int]string{}
	for _, s := range srcs {
		if s.shard < 0 {
			return usagef("--expect %d counts files named shard-<i>.jsonl, and %s is not one; leave it out, or drop --expect", n, s.name)
		}
		if s.shard >= n {
			return usagef("--expect %d: %s is shard %d, but shards run from 0 to %d; is --expect the n of --shard i/n?", n, s.name, s.shard, n-1)
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

// checkSameContent refuses two input files with the same results byte for
// byte: one file given twice, through a copy, a link or another path. Only
// files of equal size are read. Files without a result (an empty shard) may
// be equal, and so may two files named for different shards, which one run
// writes when its input repeats the same cards.
func checkSameContent(ctx context.Context, srcs []*mergeSource) error {
	sizes := map[int64]int{}
	for _, s := range srcs {
		if s.info.Mode().IsRegular() && s.info.Size() > 0 {
			sizes[s.info.Size()]++
		}
	}
	sums := map[[sha256.Size]byte]*mergeSource{}
	for _, s := range srcs {
		if !s.info.Mode().IsRegular() || sizes[s.info.Size()] < 2 {
			continue
		}
		sum, results, err := contentSum(ctx, s.name)
		if err != nil {
			return err
		}
		if !results {
			continue
		}
		prev, ok := sums[sum]
		if !ok {
			sums[sum] = s
			continue
		}
		if prev.shard >= 0 && s.shard >= 0 {
			continue // distinct shards, as checkShardNames made sure
		}
		if os.SameFile(prev.info, s.info) {
			return usagef("%s and %s are the same file (a link, or another path to it); give it once", prev.name, s.name)
		}
		return usagef("%s and %s hold the same results byte for byte: one file given twice, such as a copy of a shard; "+
			"give each file once (if they are two shards of one run, equal because its inputs repeat the same cards, "+
			"give them under their names shard-<i>.jsonl)", prev.name, s.name)
	}
	return nil
}

// contentSum returns the SHA-256 of the file and whether it holds anything
// but white space. It stops when ctx is done.
func contentSum(ctx context.Context, name string) (sum [sha256.Size]byte, results bool, err error) {
	f, err := os.Open(name)
	if err != nil {
		return sum, false, fmt.Errorf("open the result file %s: %w", name, err)
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	for {
		if err := ctx.Err(); err != nil {
			return sum, false, err
		}
		n, err := f.Read(buf)
		h.Write(buf[:n])
		results = results || len(bytes.TrimSpace(buf[:n])) > 0
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, false, fmt.Errorf("read the result file %s: %w", name, err)
		}
	}
	h.Sum(sum[:0])
	return sum, results, nil
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

// utf8BOM is the byte order mark some editors put at the start of a file.
var utf8BOM = []byte("\xef\xbb\xbf")

// checkResult checks that line is one audit result and decodes it.
func checkResult(line []byte) (*engine.AuditResult, error) {
	t := bytes.TrimSpace(line)
	if bytes.HasPrefix(t, utf8BOM) {
		return nil, errors.New("the line starts with a byte order mark (U+FEFF), which audit never writes; save the file as UTF-8 without one")
	}
	if len(t) == 0 || t[0] != '{' {
		return nil, errors.New("the line is not a JSON object")
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(line, &keys); err != nil {
		return nil, &describedError{msg: "the line is not valid JSON: " + describeJSONError(err), err: err}
	}
	for _, k := range resultKeys() {
		if _, ok := keys[k]; !ok {
			return nil, fmt.Errorf("the object lacks the key %q that every result has", k)
		}
	}
	var r engine.AuditResult
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, &describedError{msg: describeJSONError(err), err: err}
	}
	if r.Path == "" {
		return nil, errors.New(`"path" is empty; every result names its card`)
	}
	return &r, nil
}

// checkScores refuses a score that no audit writes: one below 0, above 1
// or not a number. Such a score would count in the means and the
// --fail-under gate.
func checkScores(scores map[string]float64) error {
	for _, id := range slices.Sorted(maps.Keys(scores)) {
		if v := scores[id]; !(v >= 0 && v <= 1) {
			return fmt.Errorf("the score for standard %q is %v, but scores run from 0 to 1 and audit writes no other: the line was changed or damaged; "+
				"audit that card again (or rerun its shard) and merge again, or leave the file out", id, v)
		}
	}
	return nil
}

// merger accumulates the merged results.
type merger struct {
	out     io.Writer // nil: no --json
	summary *auditreport.Summary
	warn    io.Writer
	// track remembers which file gave each card path its first result,
	// to count (or with dedupe, drop) the results of later files for it.
	// It is off for the complete shard set of one run without dedupe: the
	// shards partition the inputs, and a path in two of them was given
	// twice, as the unsharded audit lists it.
	track bool
	// dedupe drops a card's result when an earlier file gave one: --dedupe.
	dedupe bool
	seen   map[string]seenAt // card path → where its first result is
	// repeats counts the results kept for a path an earlier file gave,
	// and firstRepeat is the first of them; dropped counts those dropped.
	repeats     int
	firstRepeat repeatAt
	dropped     int
	// kept counts the results written.
	kept int
	// afterResult, when set, is called after each result kept; tests use
	// it to cancel a merge part way.
	afterResult func(kept int)
}

// seenAt is the file and line of a result.
type seenAt struct {
	src  *mergeSource
	line int
}

// repeatAt is a result for a card path that an earlier file gave a result
// for, and where that one is.
type repeatAt struct {
	path        string
	at, earlier seenAt
}

// earlier returns where another file gave a result for path, and false
// when none did; the first time it meets a path it remembers where.
func (m *merger) earlier(src *mergeSource, path string, lineNo int) (seenAt, bool) {
	at, ok := m.seen[path]
	if !ok {
		m.seen[path] = seenAt{src: src, line: lineNo}
		return seenAt{}, false
	}
	return at, at.src != src
}

// add checks one line and keeps its result, unless dedupe is on and
// another file already gave a result for the same card.
func (m *merger) add(src *mergeSource, line []byte, lineNo int) error {
	r, err := checkResult(line)
	if err != nil {
		return fmt.Errorf("%s:%d: not an audit result: %w; merge reads the files `modelcard audit --json FILE` writes, one result object per line",
			src.name, lineNo, err)
	}
	if err := checkScores(r.Scores); err != nil {
		return fmt.Errorf("%s:%d: %w", src.name, lineNo, err)
	}
	if m.track {
		if at, ok := m.earlier(src, r.Path, lineNo); ok {
			if m.dedupe {
				m.dropped++
				if m.dropped <= mergeWarnings {
					fmt.Fprintf(m.warn, "modelcard merge: warning: %s:%d: card %q already has a result at %s:%d; keeping that one (--dedupe)\n",
						src.name, lineNo, r.Path, at.src.name, at.line)
				}
				return nil
			}
			if m.repeats == 0 {
				m.firstRepeat = repeatAt{path: r.Path, at: seenAt{src: src, line: lineNo}, earlier: at}
			}
			m.repeats++
		}
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
	if m.afterResult != nil {
		m.afterResult(m.kept)
	}
	return nil
}

// readAll feeds every result of srcs to m: interleaved (one line of each
// shard in turn) or file after file. It stops with ctx's error when ctx is
// done.
func (m *merger) readAll(ctx context.Context, srcs []*mergeSource, interleave bool) error {
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
				if err := ctx.Err(); err != nil {
					return err
				}
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
			if err := ctx.Err(); err != nil {
				return err
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
// that replaces the target at the end; or, for the standard output or a
// special file (a pipe, /dev/stdout), a spool file copied there at the
// end, so that a merge that fails or is interrupted writes none of its
// results, as with a file. commit finishes the output; abort drops the
// temporary file after a failure (nothing after commit).
func openMergeOutput(o mergeOptions, stdout io.Writer) (w io.Writer, commit func() error, abort func(), err error) {
	switch {
	case o.jsonPath == "":
		return nil, func() error { return nil }, func() {}, nil
	case o.jsonPath == "-":
		return spoolOutput(stdout, "the standard output", nil)
	}
	if st, err := os.Stat(o.jsonPath); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return nil, nil, nil, usagef("--json %s is a folder; give a file name", o.jsonPath)
		}
		// A device or pipe, such as /dev/null: written directly, once
		// the merge is complete.
		f, err := os.OpenFile(o.jsonPath, os.O_WRONLY, 0)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("open --json %s: %w", o.jsonPath, err)
		}
		return spoolOutput(f, "--json "+o.jsonPath, f)
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

// spoolOutput returns a writer to a temporary spool file whose content
// commit copies to dst (and then closes closer, when not nil); abort
// drops it. The spool lives in the system's temporary folder.
func spoolOutput(dst io.Writer, what string, closer io.Closer) (io.Writer, func() error, func(), error) {
	spool, err := os.CreateTemp("", "modelcard-merge-*.jsonl")
	if err != nil {
		if closer != nil {
			closer.Close()
		}
		return nil, nil, nil, fmt.Errorf("create a spool file for %s: %w", what, err)
	}
	bw := bufio.NewWriterSize(spool, 256<<10)
	done := false
	finish := func() {
		done = true
		spool.Close()
		os.Remove(spool.Name())
		if closer != nil {
			closer.Close()
		}
	}
	commit := func() error {
		defer finish()
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write the spool file %s: %w", spool.Name(), err)
		}
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("rewind the spool file %s: %w", spool.Name(), err)
		}
		if _, err := io.Copy(dst, spool); err != nil {
			return fmt.Errorf("write %s: %w", what, err)
		}
		if closer != nil {
			if err := closer.Close(); err != nil {
				return fmt.Errorf("close %s: %w", what, err)
			}
			closer = nil
		}
		return nil
	}
	abort := func() {
		if !done {
			finish()
		}
	}
	return bw, commit, abort, nil
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
// --fail-under gate. A signal (Ctrl-C, SIGTERM) cancels c.Context and
// stops it without output.
func runMerge(c *cli.Context, io stdio) error {
	o, err := checkMergeFlags(c)
	if err != nil {
		return err
	}
	if o.report != "" {
		// Found now, not after reading every result, as audit does.
		if err := checkOutputFile("--report", o.report); err != nil {
			return err
		}
	}
	ctx := c.Context
	if ctx == nil {
		ctx = context.Background()
	}
	return mergeFiles(ctx, o, io, nil)
}

// mergeFiles is merge once its command line is checked. Until both outputs
// are complete it writes only temporary files; when ctx is done first, it
// removes them and returns ctx's error. afterResult, when set, is called
// after each result kept.
func mergeFiles(ctx context.Context, o mergeOptions, io stdio, afterResult func(kept int)) error {
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
	if err := checkShardNames(srcs); err != nil {
		return err
	}
	if o.expect > 0 {
		if err := checkShards(srcs, o.expect); err != nil {
			return err
		}
	}
	if err := checkSameContent(ctx, srcs); err != nil {
		return err
	}
	interleave := interleaved(srcs)

	out, commit, abort, err := openMergeOutput(o, io.out)
	if err != nil {
		return err
	}
	defer abort() // a no-op once committed
	m := &merger{
		out:         out,
		summary:     auditreport.NewSummary(rstds),
		warn:        io.err,
		track:       o.dedupe || !interleave,
		dedupe:      o.dedupe,
		seen:        map[string]seenAt{},
		afterResult: afterResult,
	}
	if err := m.readAll(ctx, srcs, interleave); err != nil {
		return err
	}
	if m.kept == 0 {
		// Empty shards mean the audit saw no cards: nothing to report, and
		// an empty report would pass for a clean one.
		return fmt.Errorf("the inputs hold no results (%d files, all empty): check that the audit ran over the cards and wrote these files", len(srcs))
	}
	st := m.summary.Stats()
	var report *atomicfile.File
	if o.report != "" {
		var page bytes.Buffer
		opts := auditreport.Options{Generated: time.Now(), Details: mergeDetails(srcs, interleave, m)}
		if err := auditreport.RenderHTML(&page, st, opts); err != nil {
			return fmt.Errorf("write the audit report: %w", err)
		}
		if report, err = atomicfile.Create(o.report, 0o644); err != nil {
			return fmt.Errorf("write the audit report: %w", err)
		}
		defer report.Abort() // a no-op once committed
		if _, err := report.Write(page.Bytes()); err != nil {
			return fmt.Errorf("write the audit report: %w", err)
		}
	}
	// The last moment to stop without output: past it, both files are
	// put in place.
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := commit(); err != nil {
		return err
	}
	if report != nil {
		if err := report.Commit(); err != nil {
			return fmt.Errorf("write the audit report: %w", err)
		}
	}
	m.reportRepeats(srcs, interleave)

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

// reportRepeats says on stderr what merge did with results for the same
// card from different files, and warns about shards that do not look
// like one run's.
func (m *merger) reportRepeats(srcs []*mergeSource, interleave bool) {
	if m.dropped > mergeWarnings {
		fmt.Fprintf(m.warn, "modelcard merge: warning: and %d more dropped (--dedupe)\n", m.dropped-mergeWarnings)
	}
	if m.dropped > 0 {
		fmt.Fprintf(m.warn, "modelcard merge: --dedupe: results for cards that an earlier file already gave a result for: %d dropped; results kept: %d\n",
			m.dropped, m.kept)
	}
	if m.repeats > 0 {
		r := m.firstRepeat
		fmt.Fprintf(m.warn, "modelcard merge: warning: results for a card path that an earlier file also has: %d of %d "+
			"(the first: %q at %s:%d, and at %s:%d); all are kept, as an audit keeps each card its inputs give, however often. "+
			"If the files are of overlapping audits, merge them with --dedupe to count each card once\n",
			m.repeats, m.kept, r.path, r.at.src.name, r.at.line, r.earlier.src.name, r.earlier.line)
	}
	if interleave && len(srcs) > 1 {
		counts := make([]int, len(srcs))
		for i, s := range srcs {
			counts[i] = s.n
		}
		if !splitOfOneRun(counts) {
			fmt.Fprintf(m.warn, "modelcard merge: warning: the shards hold %v results, which is not how one run splits cards over %d shards "+
				"(card k to shard k mod %d): were they audited with the same inputs and the same n? The merged order is not the input order\n",
				counts, len(srcs), len(srcs))
		}
	}
}

// mergeDetails are the lines under the report's title.
func mergeDetails(srcs []*mergeSource, interleave bool, m *merger) []string {
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
	if m.dropped > 0 {
		d = append(d, fmt.Sprintf("Results dropped by --dedupe, for cards that already had a result in an earlier file: %d", m.dropped))
	}
	if m.repeats > 0 {
		d = append(d, fmt.Sprintf("Results for a card path that an earlier file also has, all counted: %d", m.repeats))
	}
	return d
}
