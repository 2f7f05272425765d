package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/internal/sharedtest"
)

// convertFixtureSpec is a small spec with one fact of each kind the
// formats share.
const convertFixtureSpec = `model_id: acme/tiny-sentiment
pretty_name: Tiny Sentiment
summary: A small sentiment classifier for product reviews.
license: apache-2.0
pipeline_tag: text-classification
repository: https://github.com/acme/tiny-sentiment
direct_use: Sorting product reviews by sentiment.
bias_risks_limitations: Trained on English reviews only.
hyperparameters:
  learning_rate: 2.0e-5
eval_results:
  - task_type: text-classification
    dataset_type: acme/reviews
    dataset_name: ACME Reviews
    dataset_split: test
    metric_type: accuracy
    metric_value: 0.917
`

// convertFixtures writes the fixture in every input format, each rendered
// by the card package (not by convert), and returns format -> path.
func convertFixtures(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	spec, err := card.ParseSpec([]byte(convertFixtureSpec), "fixture.yaml")
	if err != nil {
		t.Fatalf("fixture spec: %v", err)
	}
	out := map[string]string{}
	write := func(format, name string, data []byte) {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out[format] = path
	}
	write("spec", "fixture.yaml", []byte(convertFixtureSpec))
	for _, r := range []struct {
		format, name string
		render       func(*card.Card) ([]byte, error)
	}{
		{"hf", "README.md", card.RenderHF},
		{"mct", "fixture.mct.json", card.RenderMCT},
		{"json", "fixture.card.json", card.RenderJSON},
	} {
		data, err := r.render(spec)
		if err != nil {
			t.Fatalf("render the fixture as %s: %v", r.format, err)
		}
		write(r.format, r.name, data)
	}
	return out
}

// checkOutput checks that a converted card is well formed in its format
// and holds the fixture's name and accuracy.
func checkOutput(t *testing.T, format string, data []byte, name, value string) {
	t.Helper()
	if !bytes.Contains(data, []byte(name)) {
		t.Errorf("%s output lacks the model's name %q:\n%s", format, name, data)
	}
	if value != "" && !bytes.Contains(data, []byte(value)) {
		t.Errorf("%s output lacks the value %s:\n%s", format, value, data)
	}
	switch format {
	case "hf":
		if _, err := card.Parse(data); err != nil {
			t.Errorf("hf output does not parse: %v", err)
		}
		if _, problems := card.Validate("out.md", data); card.HasErrors(problems) {
			t.Errorf("hf output is not valid: %v", problems)
		}
	case "mct":
		if _, err := card.ParseMCT(data, "out.mct.json"); err != nil {
			t.Errorf("mct output does not validate: %v", err)
		}
	case "json":
		if _, err := card.ParseCardJSON(data, "out.card.json"); err != nil {
			t.Errorf("json output does not validate: %v", err)
		}
	case "html":
		if !bytes.Contains(data, []byte("<html")) || !bytes.Contains(data, []byte("</html>")) {
			t.Errorf("html output is not an HTML page:\n%s", data)
		}
	case "annex-iv":
		if !bytes.Contains(data, []byte("Annex IV")) {
			t.Errorf("annex-iv output does not name Annex IV:\n%s", data)
		}
	default:
		t.Fatalf("no check for format %s", format)
	}
}

func TestConvertEveryDirection(t *testing.T) {
	fixtures := convertFixtures(t)
	for _, from := range inputNames() {
		for _, to := range formatNames() {
			t.Run(from+"-to-"+to, func(t *testing.T) {
				code, stdout, stderr := runCLI(t, "", "convert", fixtures[from], "--to", to)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				checkOutput(t, to, []byte(stdout), "Tiny Sentiment", "0.917")

				// The same through standard input, with the format named.
				data, err := os.ReadFile(fixtures[from])
				if err != nil {
					t.Fatal(err)
				}
				code, again, stderr := runCLI(t, string(data), "convert", "-", "--from", from, "--to", to)
				if code != 0 {
					t.Fatalf("stdin: exit %d: %s", code, stderr)
				}
				if to != "html" && again != stdout {
					t.Errorf("stdin with --from %s gives another card than the file", from)
				}
			})
		}
	}
}

func TestConvertExamples(t *testing.T) {
	specs, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(specs) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	dir := t.TempDir()
	for _, spec := range specs {
		stem := strings.TrimSuffix(filepath.Base(spec), ".yaml")
		c, err := card.ParseSpec(mustRead(t, spec), spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		name := c.Content.PrettyName
		if name == "" {
			name = c.Content.ModelID
		}
		for _, to := range formatNames() {
			t.Run(stem+"-to-"+to, func(t *testing.T) {
				f, _ := lookupFormat(to)
				out := filepath.Join(dir, stem+f.ext)
				code, _, stderr := runCLI(t, "", "convert", spec, "--to", to, "--out", out)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				data := mustRead(t, out)
				checkOutput(t, to, data, name, "")
				if f.parse == nil {
					return
				}
				// Read the output back with convert, into every format.
				for _, next := range formatNames() {
					code, _, stderr := runCLI(t, "", "convert", out, "--to", next, "--quiet")
					if code != 0 {
						t.Errorf("%s to %s: exit %d: %s", out, next, code, stderr)
					}
				}
			})
		}
	}
}

func TestConvertOutputFile(t *testing.T) {
	fixtures := convertFixtures(t)
	out := filepath.Join(t.TempDir(), "card.mct.json")
	code, stdout, stderr := runCLI(t, "", "convert", fixtures["hf"], "--to", "mct", "--out", out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "converted") || !strings.Contains(stderr, "(mct)") {
		t.Errorf("stderr does not say what was converted: %q", stderr)
	}
	first := mustRead(t, out)
	if err := os.WriteFile(out, []byte("edited by hand"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "", "convert", fixtures["hf"], "--to", "mct", "--out", out)
	if code != exitFailed || !strings.Contains(stderr, "--force") {
		t.Errorf("existing file: exit %d, stderr %q; want 1 and a hint about --force", code, stderr)
	}
	if got := mustRead(t, out); string(got) != "edited by hand" {
		t.Error("an existing file was overwritten without --force")
	}
	code, _, stderr = runCLI(t, "", "convert", "--force", fixtures["hf"], "--to", "mct", "--out", out)
	if code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	if got := mustRead(t, out); !bytes.Equal(got, first) {
		t.Error("--force did not write the card")
	}
}

func TestConvertNotesDroppedFacts(t *testing.T) {
	fixtures := convertFixtures(t)
	// The toolkit's format has no place for hyperparameters.
	code, _, stderr := runCLI(t, "", "convert", fixtures["spec"], "--to", "mct")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "note: the mct format has no place for:") || !strings.Contains(stderr, "hyperparameters") {
		t.Errorf("stderr does not note the dropped hyperparameters: %q", stderr)
	}
	// Nor for the Hub's metadata keys of a README.
	code, _, stderr = runCLI(t, "", "convert", fixtures["hf"], "--to", "mct")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, key := range []string{"pipeline_tag", "model-index"} {
		if !strings.Contains(stderr, "metadata "+key) {
			t.Errorf("stderr does not note the dropped metadata %s: %q", key, stderr)
		}
	}
	if strings.Contains(stderr, "metadata license") {
		t.Errorf("the licence is noted as dropped, though the toolkit's format holds it: %q", stderr)
	}
	// Our JSON format holds everything.
	code, _, stderr = runCLI(t, "", "convert", fixtures["spec"], "--to", "json")
	if code != 0 || strings.Contains(stderr, "note:") {
		t.Errorf("to json: exit %d, stderr %q; want 0 and no note", code, stderr)
	}
	code, _, stderr = runCLI(t, "", "convert", fixtures["spec"], "--to", "mct", "--quiet")
	if code != 0 || stderr != "" {
		t.Errorf("--quiet: exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
}

func TestConvertErrors(t *testing.T) {
	fixtures := convertFixtures(t)
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.md")
	if err := os.WriteFile(broken, []byte("---\nlicense: [mit\n---\n# Model\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badMCT := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badMCT, []byte(`{"schema_version": "0.0.2", "model_details": {"name": 5}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no input", []string{"convert", "--to", "mct"}, exitUsage, "one card"},
		{"two inputs", []string{"convert", fixtures["hf"], fixtures["spec"], "--to", "mct"}, exitUsage, "one card"},
		{"no --to", []string{"convert", fixtures["hf"]}, exitUsage, "--to"},
		{"unknown --to", []string{"convert", fixtures["hf"], "--to", "pdf"}, exitUsage, "annex-iv"},
		{"unknown --from", []string{"convert", fixtures["hf"], "--from", "xml", "--to", "hf"}, exitUsage, "--from"},
		{"missing file", []string{"convert", filepath.Join(dir, "nope.md"), "--to", "mct"}, exitUsage, "nope.md"},
		{"broken YAML", []string{"convert", broken, "--to", "mct"}, exitFailed, "YAML"},
		{"invalid toolkit card", []string{"convert", badMCT, "--to", "hf"}, exitFailed, "model_details"},
		{"wrong --from", []string{"convert", fixtures["hf"], "--from", "mct", "--to", "hf"}, exitFailed, "--from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", stderr, tt.want)
			}
		})
	}
}

// TestConvertCorpusRoundTrip sends every corpus card that has a YAML block
// through convert to a Model Card Toolkit card and back to a README. The
// toolkit card must validate, and the README must keep what both formats
// hold: the model's name, licence, evaluation results (values and
// datasets), links and the texts of the sections both formats have.
func TestConvertCorpusRoundTrip(t *testing.T) {
	entries := corpusCards(t)
	n, withResults, withLinks := 0, 0, 0
	for _, path := range entries {
		src := mustRead(t, path)
		orig, err := card.Parse(src)
		var ye *card.YAMLError
		if errors.As(err, &ye) {
			// Broken YAML: convert must refuse, not drop the metadata.
			if code, _, _ := runCLI(t, "", "convert", path, "--to", "mct", "--quiet"); code != exitFailed {
				t.Errorf("%s: broken YAML: exit %d, want %d", path, code, exitFailed)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		code, mct, stderr := runCLI(t, "", "convert", path, "--to", "mct", "--quiet")
		if code != 0 {
			t.Errorf("%s: to mct: exit %d: %s", path, code, stderr)
			continue
		}
		if _, err := card.ParseMCT([]byte(mct), path); err != nil {
			t.Errorf("%s: the toolkit card does not validate: %v", path, err)
			continue
		}
		code, hf, stderr := runCLI(t, mct, "convert", "-", "--from", "mct", "--to", "hf", "--quiet")
		if code != 0 {
			t.Errorf("%s: back to hf: exit %d: %s", path, code, stderr)
			continue
		}
		back, err := card.Parse([]byte(hf))
		if err != nil {
			t.Errorf("%s: the README written does not parse: %v", path, err)
			continue
		}
		n++
		want, got := sharedFacts(orig), sharedFacts(back)
		for _, k := range slices.Sorted(maps.Keys(want)) {
			if got[k] != want[k] {
				t.Errorf("%s: %s changed:\n got %q\nwant %q", path, k, got[k], want[k])
			}
		}
		if want["results"] != "" {
			withResults++
		}
		if want["links"] != "" {
			withLinks++
		}
	}
	t.Logf("%d corpus cards converted to toolkit cards and back; %d with results, %d with links", n, withResults, withLinks)
	if n < 1000 || withResults < 100 || withLinks < 20 {
		t.Fatalf("only %d cards (%d with results, %d with links) went round; the corpus has more", n, withResults, withLinks)
	}
}

// markdownEscape is a backslash escape of ASCII punctuation.
var markdownEscape = regexp.MustCompile(`\\([!-/:-@\[-` + "`" + `{-~])`)

// comparableText reduces a Markdown text to what a README written from
// another format must keep of it: its words, in order. Line layout, the
// backslash escapes the README writer adds (a heading inside a section's
// text is escaped so that it does not start a section) and the fence it
// adds to close an unclosed code block are not compared.
func comparableText(s string) string {
	words := strings.Fields(markdownEscape.ReplaceAllString(s, "$1"))
	for len(words) > 0 && (strings.Trim(words[len(words)-1], "`") == "" || strings.Trim(words[len(words)-1], "~") == "") {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

// isLink reports an absolute http(s) URL with nothing after it.
func isLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t\n")
}

// sharedFacts projects a parsed README onto the facts both the Hub format
// and the toolkit's format hold, each as comparable text. The licence
// "unknown" says that there is none, and is not compared.
func sharedFacts(c *card.Card) map[string]string {
	ct := card.ContentFromBody(c)
	words := comparableText
	name := ct.PrettyName
	if strings.TrimSpace(name) == "" {
		name = ct.ModelID
	}
	out := map[string]string{
		"name":                   words(name),
		"summary":                words(ct.Summary),
		"description":            words(ct.Description),
		"direct_use":             words(ct.DirectUse),
		"downstream_use":         words(ct.DownstreamUse),
		"out_of_scope_use":       words(ct.OutOfScopeUse),
		"bias_risks_limitations": words(ct.BiasRisksLimitations),
		"recommendations":        words(ct.Recommendations),
		"training_data":          words(ct.TrainingData),
		"testing_data":           words(ct.TestingData),
		"citation_bibtex":        words(ct.CitationBibTeX),
		"citation_apa":           words(ct.CitationAPA),
		"version":                words(ct.Version),
		"developed_by":           words(ct.DevelopedBy),
		"contact":                words(ct.Contact),
		"architecture":           words(cmp.Or(ct.Architecture, ct.ModelType)),
	}
	var lic []string
	for _, id := range c.Meta.Strings("license") {
		if id = strings.ToLower(strings.TrimSpace(id)); id != "" && id != "unknown" {
			lic = append(lic, id)
		}
	}
	out["license"] = strings.Join(lic, ", ")
	if slices.Contains(lic, "other") {
		out["license_name"] = strings.TrimSpace(c.Meta.String("license_name"))
		out["license_link"] = strings.TrimSpace(c.Meta.String("license_link"))
	}
	var links []string
	for _, l := range []string{ct.Repository, ct.Paper, ct.Demo} {
		if l = strings.TrimSpace(l); isLink(l) {
			links = append(links, l)
		}
	}
	slices.Sort(links)
	out["links"] = strings.Join(links, " ")
	var results []string
	for _, r := range ct.EvalResults {
		metric := r.MetricType
		if metric == "" {
			metric = r.MetricName
		}
		if metric == "" || r.MetricValue == nil {
			continue
		}
		ds := r.DatasetType
		if ds == "" {
			ds = r.DatasetName
		}
		results = append(results, fmt.Sprintf("%s=%s on %s/%s/%s", metric, resultValueText(r.MetricValue), ds, r.DatasetConfig, r.DatasetSplit))
	}
	out["results"] = strings.Join(results, "; ")
	return out
}

// resultValueText writes a metric value for comparison: numbers by value,
// so that 0.9 and "0.9" compare equal.
func resultValueText(v any) string {
	if s, ok := v.(string); ok {
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
		return strings.TrimSpace(s)
	}
	if f, ok := numericValue(v); ok {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// corpusCards returns the paths of the corpus cards that have a YAML
// block, failing the test when the shared corpus is missing.
func corpusCards(t *testing.T) []string {
	t.Helper()
	dir := sharedtest.Dir(t)
	index := filepath.Join(dir, "corpus", "index.tsv")
	data, err := os.ReadFile(index)
	if err != nil {
		t.Fatalf("shared corpus not found at %s (set MODELCARD_SHARED to the folder holding corpus/): %v", dir, err)
	}
	var out []string
	for i, line := range strings.Split(string(data), "\n") {
		cols := strings.Split(line, "\t")
		if i == 0 || len(cols) < 5 {
			continue
		}
		if cols[3] == "yes" {
			out = append(out, filepath.Join(dir, "corpus", cols[0]))
		}
	}
	if len(out) == 0 {
		t.Fatalf("the corpus index %s lists no card with a YAML block", index)
	}
	return out
}

// mustRead reads a file or fails the test.
func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
