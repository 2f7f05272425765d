package card

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// mctSchemaJSON is the JSON Schema of the Model Card Toolkit's card, v0.0.2,
// that ParseMCT validates its input against.
//
//go:embed schema/mct.schema.json
var mctSchemaJSON []byte

// mctSchemaURL is the embedded schema's $id.
const mctSchemaURL = "https://github.com/terragonlabs/modelcard-generator/card/schema/mct.schema.json"

// MCTSchema returns the JSON Schema (draft-07) of the Model Card Toolkit
// card, v0.0.2, that ParseMCT validates its input against. The caller owns
// the returned slice.
func MCTSchema() []byte { return bytes.Clone(mctSchemaJSON) }

// loadMCTSchema compiles the embedded schema once.
var loadMCTSchema = sync.OnceValues(func() (*inputSchema, error) {
	return compileInputSchema(mctSchemaURL, mctSchemaJSON, jsonschema.Draft7)
})

// InputFormatError is a JSON input (a Model Card Toolkit card, a card in
// the engine's JSON format) that cannot be read. It lists every problem
// found, each with its JSON path, its line and column, and a way to fix it.
type InputFormatError struct {
	// Format names the input format, such as "Model Card Toolkit card".
	Format string
	// Problems are the problems, in the order found; there is at least one.
	Problems []Problem
}

// Error lists the problems, one per line.
func (e *InputFormatError) Error() string {
	if len(e.Problems) == 0 {
		return "invalid " + e.Format
	}
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "invalid " + e.Format + ":\n" + strings.Join(lines, "\n")
}

// ParseMCT reads a Google Model Card Toolkit card (JSON, schema v0.0.2)
// into a Card. name names the input in messages (a file path, or "" for
// "<input>").
//
// The input is first validated against the toolkit's schema; every fault is
// reported in an *InputFormatError, with its JSON path ("$.model_details.
// licenses[0]"), line and column. Each field goes where RenderMCT takes it
// from (see RenderMCT), so that a card rendered by RenderMCT reads back
// into the same facts. Fields of cards written by other tools go to the
// nearest Content field:
//
//   - a name that is the model's Hub id, or a path that is one (or a
//     huggingface.co link to one), gives ModelID;
//   - owners give DevelopedBy (names joined) and Contact;
//   - references are sorted into Repository, Paper and Demo by their site
//     (code hosts, paper archives, demo hosts) and their order; the others
//     are listed under MoreInformation;
//   - datasets go to TrainingData, or to TestingData when their description
//     speaks of evaluation, validation or testing;
//   - a metric's slice that names no dataset of the card becomes the
//     result's dataset config; a confidence interval goes to the metric's
//     args as confidence_interval {lower_bound, upper_bound};
//   - users and use cases go to DirectUse, limitations and trade-offs to
//     BiasRisksLimitations, risks to BiasRisksLimitations and their
//     mitigation strategies to Recommendations;
//   - the version's date and diff, and extra references, go to
//     MoreInformation; graphics (base64 images) are not carried over;
//   - model_architecture gives Architecture; a first line labelled
//     "Model type:", as RenderMCT writes it, gives ModelType.
//
// The returned card has the generic family: the toolkit's format does not
// say the model's task.
func ParseMCT(data []byte, name string) (*Card, error) {
	const format = "Model Card Toolkit card"
	if name == "" {
		name = "<input>"
	}
	if err := checkJSONInput(data, name, format, "mct", loadMCTSchema); err != nil {
		return nil, err
	}
	var m mctCard
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, &InputFormatError{Format: format, Problems: []Problem{{File: name, Severity: SeverityError,
			Code: "mct.decode", Message: err.Error(), Fix: "make the values match the toolkit's schema (MCTSchema)"}}}
	}
	return mctToCard(&m), nil
}

// mctReader gathers the facts of a toolkit card.
type mctReader struct {
	ct      Content
	extras  []string         // paragraphs for MoreInformation
	slices  map[string]mctDS // evaluation datasets by slice
	slicer  mctSlicer        // names the slices as RenderMCT does
	license []string         // license ids
	lname   string           // license_name
	llink   string           // license_link
	hubDS   []string         // datasets by Hub id
	trainDS []string         // other training dataset items
	testDS  []string         // other evaluation dataset items
}

// mctDS is an evaluation dataset read from its description.
type mctDS struct {
	name, id, config, split, revision string
}

// mctToCard builds the card.
func mctToCard(m *mctCard) *Card {
	r := &mctReader{slices: map[string]mctDS{}}
	if d := m.ModelDetails; d != nil {
		r.details(d)
	}
	if p := m.ModelParameters; p != nil {
		r.parameters(p)
	}
	if q := m.QuantitativeAnalysis; q != nil {
		for _, pm := range q.PerformanceMetrics {
			r.metric(pm)
		}
	}
	if c := m.Considerations; c != nil {
		r.considerations(c)
	}
	ct := &r.ct
	if len(r.trainDS) > 0 {
		appendPara(&ct.TrainingData, strings.Join(r.trainDS, "\n"))
	}
	if len(r.testDS) > 0 {
		appendPara(&ct.TestingData, strings.Join(r.testDS, "\n"))
	}
	for _, e := range r.extras {
		appendPara(&ct.MoreInformation, e)
	}
	meta := NewMetadata()
	switch len(r.license) {
	case 0:
	case 1:
		_ = meta.Set("license", r.license[0])
	default:
		_ = meta.Set("license", r.license)
	}
	if r.lname != "" {
		_ = meta.Set("license_name", r.lname)
	}
	if r.llink != "" {
		_ = meta.Set("license_link", r.llink)
	}
	if len(r.hubDS) > 0 {
		_ = meta.Set("datasets", r.hubDS)
	}
	return &Card{Meta: meta, Content: r.ct}
}

// appendPara adds a paragraph to a field.
func appendPara(p *string, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	if strings.TrimSpace(*p) == "" {
		*p = text
		return
	}
	*p += "\n\n" + text
}

// hubRepoID matches a Hub repository id, "owner/name".
var hubRepoID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$`)

// modelIDFromPath returns the Hub id a toolkit path names, or "".
func modelIDFromPath(path string) string {
	path = strings.TrimSpace(path)
	if hubRepoID.MatchString(path) {
		return path
	}
	for _, prefix := range [...]string{"https://huggingface.co/", "http://huggingface.co/", "https://hf.co/"} {
		if id, ok := strings.CutPrefix(path, prefix); ok {
			id = strings.TrimSuffix(id, "/")
			if hubRepoID.MatchString(id) && !strings.HasPrefix(id, "datasets/") && !strings.HasPrefix(id, "spaces/") {
				return id
			}
		}
	}
	return ""
}

func (r *mctReader) details(d *mctModelDetails) {
	ct := &r.ct
	ct.ModelID = modelIDFromPath(d.Path)
	if ct.ModelID == "" && strings.TrimSpace(d.Path) != "" {
		r.extras = append(r.extras, "**Stored at:** `"+strings.TrimSpace(d.Path)+"`")
	}
	if name := strings.TrimSpace(d.Name); name != "" && name != ct.ModelID {
		ct.PrettyName = name
	}
	ct.Summary = strings.TrimSpace(d.Overview)
	ct.Description = strings.TrimSpace(d.Documentation)
	var names, contacts []string
	for _, o := range d.Owners {
		if n := strings.TrimSpace(o.Name); n != "" {
			names = append(names, n)
		}
		if c := strings.TrimSpace(o.Contact); c != "" {
			if len(d.Owners) > 1 && strings.TrimSpace(o.Name) != "" {
				c = strings.TrimSpace(o.Name) + ": " + c
			}
			contacts = append(contacts, c)
		}
	}
	ct.DevelopedBy = strings.Join(names, ", ")
	ct.Contact = strings.Join(contacts, "; ")
	if v := d.Version; v != nil {
		ct.Version = strings.TrimSpace(v.Name)
		if date := strings.TrimSpace(v.Date); date != "" {
			r.extras = append(r.extras, "**Version date:** "+date)
		}
		if diff := strings.TrimSpace(v.Diff); diff != "" {
			r.extras = append(r.extras, "**Changes in this version:** "+diff)
		}
	}
	for _, l := range d.Licenses {
		r.licenseOf(l)
	}
	r.references(d.References)
	for _, c := range d.Citations {
		text := strings.TrimSpace(c.Citation)
		if text == "" {
			continue
		}
		style := strings.ToLower(strings.TrimSpace(c.Style))
		switch {
		case (style == "bibtex" || style == "bib" || style == "" && strings.HasPrefix(text, "@")) && ct.CitationBibTeX == "":
			ct.CitationBibTeX = text
		case (style == "apa" || style == "") && ct.CitationAPA == "":
			ct.CitationAPA = text
		default:
			label := "Citation"
			if c.Style != "" {
				label += " (" + strings.TrimSpace(c.Style) + ")"
			}
			r.extras = append(r.extras, "**"+label+":**\n\n"+text)
		}
	}
}

// licenseOf reads one license: a Hub license id stays one; any other
// identifier, and custom text, give license `other`.
func (r *mctReader) licenseOf(l mctLicense) {
	if id := strings.TrimSpace(l.Identifier); id != "" {
		lower := strings.ToLower(id)
		if IsHubLicense(lower) && lower != "other" {
			if !slices.Contains(r.license, lower) {
				r.license = append(r.license, lower)
			}
			return
		}
		r.custom(id, "")
		return
	}
	text := strings.TrimSpace(l.CustomText)
	switch {
	case strings.EqualFold(text, "other"):
		r.custom("", "")
	case strings.HasPrefix(text, "see ") && !strings.ContainsAny(text[4:], " \n"):
		r.custom("", text[4:])
	case strings.HasSuffix(text, ")") && strings.Contains(text, mctSeeLink) && !strings.Contains(text, "\n"):
		i := strings.LastIndex(text, mctSeeLink)
		link := text[i+len(mctSeeLink) : len(text)-1]
		if !strings.ContainsAny(link, " ") {
			r.custom(text[:i], link)
			return
		}
		r.custom(text, "")
	case len(text) <= 100 && !strings.Contains(text, "\n"):
		r.custom(text, "")
	default:
		r.custom("", "")
		r.extras = append(r.extras, "**License text:**\n\n"+text)
	}
}

// custom records a license of its own; only the first name and link are
// kept in the metadata.
func (r *mctReader) custom(name, link string) {
	if !slices.Contains(r.license, "other") {
		r.license = append(r.license, "other")
	}
	if r.lname == "" {
		r.lname = strings.TrimSpace(name)
	}
	if r.llink == "" {
		r.llink = strings.TrimSpace(link)
	}
}

// Link kinds, in the order RenderMCT writes them.
const (
	linkRepository = iota
	linkPaper
	linkDemo
	linkUnknown
)

// linkKind sorts a link by its site.
func linkKind(u string) int {
	p, err := url.Parse(u)
	if err != nil {
		return linkUnknown
	}
	host := strings.TrimPrefix(strings.ToLower(p.Hostname()), "www.")
	path := strings.ToLower(p.Path)
	switch {
	case host == "huggingface.co" && strings.HasPrefix(path, "/spaces/"),
		host == "hf.space" || strings.HasSuffix(host, ".hf.space"),
		host == "gradio.live" || strings.HasSuffix(host, ".gradio.live") || strings.HasSuffix(host, ".gradio.app"),
		strings.HasSuffix(host, ".streamlit.app"), host == "colab.research.google.com",
		host == "replicate.com":
		return linkDemo
	case host == "huggingface.co" && strings.HasPrefix(path, "/papers/"),
		host == "arxiv.org", host == "doi.org", host == "dx.doi.org", host == "openreview.net",
		host == "aclanthology.org", host == "papers.nips.cc", host == "proceedings.neurips.cc",
		host == "proceedings.mlr.press", host == "dl.acm.org", host == "ieeexplore.ieee.org",
		host == "www.semanticscholar.org", host == "semanticscholar.org", host == "biorxiv.org",
		host == "medrxiv.org", host == "ssrn.com", host == "papers.ssrn.com",
		host == "openaccess.thecvf.com", host == "link.springer.com",
		strings.HasSuffix(path, ".pdf"), strings.Contains(path, "/abs/"):
		return linkPaper
	case host == "github.com", host == "gitlab.com", host == "bitbucket.org", host == "codeberg.org",
		host == "sourceforge.net", host == "huggingface.co", host == "hf.co",
		strings.HasPrefix(host, "git."), strings.HasPrefix(host, "gitlab."):
		return linkRepository
	}
	return linkUnknown
}

// references sorts the links into Repository, Paper and Demo: by their site
// first; a link of an unknown site takes the first free kind that keeps the
// order RenderMCT writes them in (repository, then demo, then paper, being
// the more likely for an unknown site). The rest are listed as extras.
func (r *mctReader) references(refs []mctReference) {
	ct := &r.ct
	slots := [3]*string{&ct.Repository, &ct.Paper, &ct.Demo}
	var links []string
	for _, ref := range refs {
		if u := strings.TrimSpace(ref.Reference); u != "" {
			links = append(links, u)
		}
	}
	kinds := make([]int, len(links))
	for i, u := range links {
		kinds[i] = linkKind(u)
	}
	var rest []string
	for i, u := range links {
		k := kinds[i]
		if k == linkUnknown {
			lo, hi := 0, linkDemo
			for j := i - 1; j >= 0; j-- {
				if kinds[j] != linkUnknown {
					lo = kinds[j] + 1
					break
				}
			}
			for j := i + 1; j < len(links); j++ {
				if kinds[j] != linkUnknown {
					hi = kinds[j] - 1
					break
				}
			}
			for _, want := range [...]int{linkRepository, linkDemo, linkPaper} {
				if want >= lo && want <= hi && *slots[want] == "" {
					k = want
					break
				}
			}
			kinds[i] = k
		}
		if k != linkUnknown && *slots[k] == "" {
			*slots[k] = u
			continue
		}
		rest = append(rest, "- <"+u+">")
	}
	if len(rest) > 0 {
		r.extras = append(r.extras, "**References:**\n\n"+strings.Join(rest, "\n"))
	}
}

// mctEvalField reads "Label: `value`." parts of an evaluation dataset's
// description.
var mctEvalField = regexp.MustCompile("(Hub id|Config|Split|Revision): `([^`]*)`\\.")

func (r *mctReader) parameters(p *mctModelParameters) {
	ct := &r.ct
	ct.ModelType, ct.Architecture = mctSplitArchitecture(p.ModelArchitecture)
	for _, ds := range p.Data {
		r.dataset(ds)
	}
	in := strings.TrimSpace(p.InputFormat)
	if kv := keyValList(p.InputFormatMap); kv != "" {
		appendPara(&in, kv)
	}
	out := strings.TrimSpace(p.OutputFormat)
	if kv := keyValList(p.OutputFormatMap); kv != "" {
		appendPara(&out, kv)
	}
	formats := mctFormatFields[FamilyGeneric]
	for i, v := range [...]string{in, out} {
		if v != "" {
			if ct.Specifics == nil {
				ct.Specifics = map[string]string{}
			}
			ct.Specifics[formats[i]] = v
		}
	}
}

// mctSplitArchitecture reads model_architecture as RenderMCT writes it
// (see mctArchitecture): a first line labelled "Model type:" is the model
// type, the rest the architecture. Without the label, it is all the
// architecture.
func mctSplitArchitecture(text string) (modelType, arch string) {
	text = strings.TrimSpace(hfNormaliseLineBreaks(text))
	rest, ok := unlabel(text, mctModelTypeLabel)
	if !ok {
		return "", text
	}
	modelType, arch, _ = strings.Cut(rest, "\n")
	return strings.TrimSpace(modelType), strings.TrimSpace(arch)
}

// keyValList writes key-value pairs as a Markdown list.
func keyValList(kvs []mctKeyVal) string {
	var lines []string
	for _, kv := range kvs {
		if kv.Key == "" && kv.Value == "" {
			continue
		}
		lines = append(lines, "- **"+strings.TrimSpace(kv.Key)+":** "+strings.TrimSpace(kv.Value))
	}
	return strings.Join(lines, "\n")
}

// dataset reads one dataset entry.
func (r *mctReader) dataset(ds mctDataset) {
	ct := &r.ct
	name, desc := strings.TrimSpace(ds.Name), strings.TrimSpace(ds.Description)
	switch {
	case desc == mctHubTraining && name != "":
		r.hubDS = append(r.hubDS, name)
		return
	case name == mctTrainingName && desc != "" && ds.Link == "" && ds.Sensitive == nil:
		appendPara(&ct.TrainingData, desc)
		return
	case name == mctEvaluationName && desc != "" && ds.Link == "" && ds.Sensitive == nil:
		appendPara(&ct.TestingData, desc)
		return
	case strings.HasPrefix(desc, mctEvalPrefix):
		e := mctDS{name: name}
		for _, m := range mctEvalField.FindAllStringSubmatch(desc, -1) {
			switch m[1] {
			case "Hub id":
				e.id = m[2]
			case "Config":
				e.config = m[2]
			case "Split":
				e.split = m[2]
			case "Revision":
				e.revision = m[2]
			}
		}
		res := EvalResult{DatasetType: e.id, DatasetName: e.name, DatasetConfig: e.config, DatasetSplit: e.split}
		if slice, added := r.slicer.add(ds, mctSlice(&res)); added {
			r.slices[slice] = e
		}
		return
	}
	// A dataset described by another tool.
	item := "- "
	if name != "" {
		item += "**" + name + "**"
	} else {
		item += "Dataset"
	}
	if ds.Link != "" {
		item += " (<" + strings.TrimSpace(ds.Link) + ">)"
	}
	if desc != "" {
		item += ": " + strings.Join(strings.Fields(desc), " ")
	}
	if ds.Sensitive != nil && len(ds.Sensitive.SensitiveData) > 0 {
		item += " Sensitive data: " + strings.Join(ds.Sensitive.SensitiveData, ", ") + "."
	}
	low := strings.ToLower(desc + " " + name)
	if strings.Contains(low, "evaluat") || strings.Contains(low, "test") || strings.Contains(low, "validat") {
		r.testDS = append(r.testDS, item)
	} else {
		r.trainDS = append(r.trainDS, item)
	}
}

// metric reads one performance metric as an eval result.
func (r *mctReader) metric(pm mctPerformanceMetric) {
	res := EvalResult{MetricType: strings.TrimSpace(pm.Type)}
	if v := strings.TrimSpace(pm.Value); v != "" {
		res.MetricValue = parseMetricText(v)
	}
	if slice := strings.TrimSpace(pm.Slice); slice != "" {
		if e, ok := r.slices[slice]; ok {
			res.DatasetType, res.DatasetName = e.id, e.name
			res.DatasetConfig, res.DatasetSplit, res.DatasetRevision = e.config, e.split, e.revision
		} else {
			res.DatasetConfig = slice
		}
	}
	if ci := pm.ConfidenceInterval; ci != nil && (ci.LowerBound != "" || ci.UpperBound != "") {
		bounds := map[string]any{}
		if ci.LowerBound != "" {
			bounds["lower_bound"] = parseMetricText(strings.TrimSpace(ci.LowerBound))
		}
		if ci.UpperBound != "" {
			bounds["upper_bound"] = parseMetricText(strings.TrimSpace(ci.UpperBound))
		}
		res.MetricArgs = map[string]any{"confidence_interval": bounds}
	}
	r.ct.EvalResults = append(r.ct.EvalResults, res)
}

// unlabel strips a label RenderMCT put before a text.
func unlabel(text, label string) (string, bool) {
	rest, ok := strings.CutPrefix(text, label)
	if !ok {
		return text, false
	}
	return strings.TrimSpace(rest), true
}

func (r *mctReader) considerations(c *mctConsiderations) {
	ct := &r.ct
	for _, u := range c.UseCases {
		text := strings.TrimSpace(u.Description)
		if rest, ok := unlabel(text, mctDownstreamLabel); ok {
			appendPara(&ct.DownstreamUse, rest)
			continue
		}
		appendPara(&ct.DirectUse, text)
	}
	if list := descriptionList(c.Users); list != "" {
		appendPara(&ct.DirectUse, "Intended users:\n\n"+list)
	}
	for _, l := range c.Limitations {
		text := strings.TrimSpace(l.Description)
		if rest, ok := unlabel(text, mctOutOfScopeLabel); ok {
			appendPara(&ct.OutOfScopeUse, rest)
			continue
		}
		appendPara(&ct.BiasRisksLimitations, text)
	}
	if list := descriptionList(c.Tradeoffs); list != "" {
		appendPara(&ct.BiasRisksLimitations, "Trade-offs:\n\n"+list)
	}
	var risks, mitigations []string
	for _, risk := range c.EthicalConsiderations {
		name, how := strings.TrimSpace(risk.Name), strings.TrimSpace(risk.MitigationStrategy)
		if name == mctRisksName {
			appendPara(&ct.Recommendations, how)
			continue
		}
		if name != "" {
			risks = append(risks, "- "+oneLine(name))
		}
		if how != "" {
			if name != "" {
				mitigations = append(mitigations, "- "+oneLine(name)+": "+oneLine(how))
			} else {
				mitigations = append(mitigations, "- "+oneLine(how))
			}
		}
	}
	if len(risks) > 0 {
		appendPara(&ct.BiasRisksLimitations, "Ethical considerations:\n\n"+strings.Join(risks, "\n"))
	}
	if len(mitigations) > 0 {
		appendPara(&ct.Recommendations, strings.Join(mitigations, "\n"))
	}
}

// descriptionList writes descriptions as a Markdown list.
func descriptionList(ds []mctDescription) string {
	var lines []string
	for _, d := range ds {
		if t := strings.TrimSpace(d.Description); t != "" {
			lines = append(lines, "- "+oneLine(t))
		}
	}
	return strings.Join(lines, "\n")
}

// oneLine joins the lines of a text with spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ---- JSON input checking shared by the JSON readers ------------------------

// checkJSONInput checks that data is text, parses as JSON and validates
// against a schema, returning every problem in an *InputFormatError. name
// names the input, format the format in messages, code prefixes problem
// codes.
func checkJSONInput(data []byte, name, format, code string, schema func() (*inputSchema, error)) error {
	if err := CheckText(data); err != nil {
		return fmt.Errorf("read %s %s: %w", format, name, err)
	}
	inst, probs := decodeJSONInput(data, name, code)
	if len(probs) > 0 {
		return &InputFormatError{Format: format, Problems: probs}
	}
	s, err := schema()
	if err != nil {
		return fmt.Errorf("read %s %s: %w", format, name, err)
	}
	if probs := s.problems(inst, data, name, code); len(probs) > 0 {
		return &InputFormatError{Format: format, Problems: probs}
	}
	return nil
}

// inputSchema is a compiled schema and its decoded document.
type inputSchema struct {
	schema *jsonschema.Schema
	doc    map[string]any
}

// compileInputSchema compiles an embedded schema.
func compileInputSchema(id string, data []byte, draft *jsonschema.Draft) (*inputSchema, error) {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("embedded schema %s: %w", id, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(draft)
	c.AssertFormat()
	if err := c.AddResource(id, inst); err != nil {
		return nil, fmt.Errorf("embedded schema %s: %w", id, err)
	}
	sch, err := c.Compile(id)
	if err != nil {
		return nil, fmt.Errorf("embedded schema %s: %w", id, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("embedded schema %s: %w", id, err)
	}
	return &inputSchema{schema: sch, doc: doc}, nil
}

// decodeJSONInput decodes one JSON document with numbers kept as
// json.Number, reporting a syntax error or trailing data with its line and
// column.
func decodeJSONInput(data []byte, name, code string) (any, []Problem) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		off := int(dec.InputOffset())
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			// The offset is just past the offending byte.
			off = int(se.Offset) - 1
		case errors.As(err, &te):
			off = int(te.Offset)
		case errors.Is(err, io.EOF):
			return nil, []Problem{{File: name, Severity: SeverityError, Code: code + ".empty",
				Message: "the input is empty", Fix: "give a JSON object"}}
		case errors.Is(err, io.ErrUnexpectedEOF):
			off = len(data)
		}
		line, col := offsetLineCol(data, off)
		return nil, []Problem{{File: name, Line: line, Column: col, Severity: SeverityError, Code: code + ".syntax",
			Message: "not valid JSON: " + err.Error(), Fix: "fix the JSON syntax at this place (a missing comma, quote or bracket is the usual cause)"}}
	}
	end := skipJSONSpace(data, int(dec.InputOffset()))
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := offsetLineCol(data, end)
		return nil, []Problem{{File: name, Line: line, Column: col, Severity: SeverityError, Code: code + ".syntax",
			Message: "more data after the JSON document", Fix: "give one JSON object per input; remove what follows it"}}
	}
	return v, nil
}

// offsetLineCol turns a byte offset into a 1-based line and column (in
// characters).
func offsetLineCol(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	line = 1 + bytes.Count(data[:off], []byte{'\n'})
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, utf8.RuneCount(data[start:off]) + 1
}

// problems validates inst and returns one problem per fault.
func (s *inputSchema) problems(inst any, data []byte, name, code string) []Problem {
	err := s.schema.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Problem{{File: name, Severity: SeverityError, Code: code + ".schema", Message: err.Error()}}
	}
	var out []Problem
	for _, leaf := range schemaLeaves(ve) {
		out = append(out, s.problem(leaf, inst, data, name, code))
	}
	return out
}

// schemaLeaves flattens the grouping kinds of a validation error.
func schemaLeaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	switch e.ErrorKind.(type) {
	case *kind.Schema, *kind.Reference, *kind.Group, *kind.AllOf:
		var out []*jsonschema.ValidationError
		for _, c := range e.Causes {
			out = append(out, schemaLeaves(c)...)
		}
		return out
	}
	return []*jsonschema.ValidationError{e}
}

// schemaPrinter prints the validator's own messages in English.
var schemaPrinter = message.NewPrinter(language.English)

// problem describes one fault.
func (s *inputSchema) problem(e *jsonschema.ValidationError, inst any, data []byte, name, code string) Problem {
	path := jsonPath(inst, e.InstanceLocation)
	line, col := 0, 0
	if off, ok := jsonValueOffset(data, e.InstanceLocation); ok {
		line, col = offsetLineCol(data, off)
	}
	p := Problem{File: name, Line: line, Column: col, Field: path, Severity: SeverityError, Code: code + ".schema"}
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		p.Code = code + ".type"
		p.Message = fmt.Sprintf("must be %s, not %s", jsonTypeWords(k.Want), jsonTypeName(k.Got))
		p.Fix = "write the value as " + jsonTypeWords(k.Want)
		if slices.Contains(k.Want, "string") && (k.Got == "number" || k.Got == "integer") {
			p.Fix = "put the value in quotes: this format keeps numbers as text"
		}
	case *kind.AdditionalProperties:
		allowed := s.propertiesAt(e.SchemaURL)
		p.Code = code + ".unknown-key"
		p.Message = fmt.Sprintf("unknown key %s", joinQuotedKeys(k.Properties))
		if len(k.Properties) == 1 {
			if sug := Suggest(k.Properties[0], allowed); sug != "" {
				p.Fix = fmt.Sprintf("did you mean %q? ", sug)
			}
		}
		p.Fix += "the keys allowed here are: " + strings.Join(allowed, ", ")
	case *kind.Format:
		p.Code = code + ".format"
		switch k.Want {
		case "uri":
			p.Message = fmt.Sprintf("%q is not an absolute URI", fmt.Sprint(k.Got))
			p.Fix = "give a full link with its scheme, such as https://example.org/page"
		case "date":
			p.Message = fmt.Sprintf("%q is not a date", fmt.Sprint(k.Got))
			p.Fix = "write the date as YYYY-MM-DD, such as 2024-05-31"
		default:
			p.Message = k.LocalizedString(schemaPrinter)
		}
	case *kind.OneOf:
		p.Code = code + ".one-of"
		if strings.HasSuffix(e.SchemaURL, "/license") || strings.Contains(e.SchemaURL, "/definitions/license") {
			if k.Subschemas == nil {
				p.Message = "a license needs an identifier or a custom_text"
			} else {
				p.Message = "a license has both an identifier and a custom_text"
			}
			p.Fix = "give exactly one: identifier for an SPDX id (such as Apache-2.0), custom_text for other terms"
		} else {
			p.Message = k.LocalizedString(schemaPrinter)
		}
	case *kind.Required:
		p.Code = code + ".required"
		p.Message = "missing " + joinQuotedKeys(k.Missing)
		p.Fix = "add " + joinQuotedKeys(k.Missing)
	case *kind.Enum:
		p.Code = code + ".enum"
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		p.Message = fmt.Sprintf("%v is not one of the allowed values", k.Got)
		if g, ok := k.Got.(string); ok {
			p.Message = fmt.Sprintf("%q is not one of the allowed values", g)
			if sug := Suggest(g, want); sug != "" {
				p.Fix = fmt.Sprintf("did you mean %q? ", sug)
			}
		}
		p.Fix += "use one of: " + strings.Join(want, ", ")
	case *kind.Const:
		p.Code = code + ".const"
		p.Message = fmt.Sprintf("must be %v, not %v", k.Want, k.Got)
		p.Fix = fmt.Sprintf("write %v", k.Want)
	default:
		p.Message = e.ErrorKind.LocalizedString(schemaPrinter)
	}
	return p
}

// propertiesAt lists, sorted, the properties of the schema object at a
// schema location.
func (s *inputSchema) propertiesAt(loc string) []string {
	_, frag, _ := strings.Cut(loc, "#")
	cur := any(s.doc)
	for _, tok := range strings.Split(frag, "/") {
		if tok == "" {
			continue
		}
		if u, err := url.PathUnescape(tok); err == nil {
			tok = u
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[tok]
	}
	m, _ := cur.(map[string]any)
	props, _ := m["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// joinQuotedKeys writes keys as "a", "b".
func joinQuotedKeys(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = strconv.Quote(k)
	}
	return strings.Join(q, ", ")
}

// jsonTypeName names a JSON type for messages.
func jsonTypeName(t string) string {
	switch t {
	case "object":
		return "an object"
	case "array":
		return "a list"
	case "string":
		return "text"
	case "number":
		return "a number"
	case "integer":
		return "a whole number"
	case "boolean":
		return "true or false"
	case "null":
		return "null"
	}
	return t
}

// jsonTypeWords names the wanted types.
func jsonTypeWords(want []string) string {
	words := make([]string, len(want))
	for i, w := range want {
		words[i] = jsonTypeName(w)
	}
	return strings.Join(words, " or ")
}

// jsonPath writes an instance location as a JSON path: $.a.b[0]["odd key"].
func jsonPath(inst any, tokens []string) string {
	var b strings.Builder
	b.WriteByte('$')
	cur := inst
	for _, t := range tokens {
		switch c := cur.(type) {
		case []any:
			b.WriteString("[" + t + "]")
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				cur = nil
				continue
			}
			cur = c[i]
		default:
			if m, ok := cur.(map[string]any); ok {
				cur = m[t]
			} else {
				cur = nil
			}
			if specFieldKey(t)[0] == '.' {
				b.WriteString("." + t)
			} else {
				b.WriteString("[" + strconv.Quote(t) + "]")
			}
		}
	}
	return b.String()
}

// jsonValueOffset finds the byte offset where the value at an instance
// location starts in data.
func jsonValueOffset(data []byte, tokens []string) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	off, ok := seekJSON(dec, data, tokens)
	if !ok {
		return 0, false
	}
	return off, true
}

// seekJSON reads the value at the decoder's position and returns where the
// value at tokens below it starts.
func seekJSON(dec *json.Decoder, data []byte, tokens []string) (int, bool) {
	start := skipJSONSpace(data, int(dec.InputOffset()))
	if len(tokens) == 0 {
		return start, true
	}
	tok, err := dec.Token()
	if err != nil {
		return 0, false
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return 0, false
	}
	switch delim {
	case '{':
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return 0, false
			}
			if k, _ := kt.(string); k == tokens[0] {
				return seekJSON(dec, data, tokens[1:])
			}
			if !skipJSONValue(dec) {
				return 0, false
			}
		}
	case '[':
		want, err := strconv.Atoi(tokens[0])
		if err != nil {
			return 0, false
		}
		for i := 0; dec.More(); i++ {
			if i == want {
				return seekJSON(dec, data, tokens[1:])
			}
			if !skipJSONValue(dec) {
				return 0, false
			}
		}
	}
	return 0, false
}

// skipJSONValue reads one whole value.
func skipJSONValue(dec *json.Decoder) bool {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return true
		}
	}
}

// skipJSONSpace skips white space and the separators a decoder leaves
// before a value.
func skipJSONSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r', ':', ',':
			i++
		default:
			return i
		}
	}
	return i
}
