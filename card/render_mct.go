package card

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// MCTSchemaVersion is the version of the Model Card Toolkit schema that
// RenderMCT writes and ParseMCT reads.
const MCTSchemaVersion = "0.0.2"

// The Model Card Toolkit's card, field for field (schema v0.0.2). Every
// field is optional; empty ones are left out of the JSON.
type (
	mctCard struct {
		SchemaVersion        string                   `json:"schema_version,omitempty"`
		ModelDetails         *mctModelDetails         `json:"model_details,omitempty"`
		ModelParameters      *mctModelParameters      `json:"model_parameters,omitempty"`
		QuantitativeAnalysis *mctQuantitativeAnalysis `json:"quantitative_analysis,omitempty"`
		Considerations       *mctConsiderations       `json:"considerations,omitempty"`
	}
	mctModelDetails struct {
		Name          string         `json:"name,omitempty"`
		Overview      string         `json:"overview,omitempty"`
		Documentation string         `json:"documentation,omitempty"`
		Owners        []mctOwner     `json:"owners,omitempty"`
		Version       *mctVersion    `json:"version,omitempty"`
		Licenses      []mctLicense   `json:"licenses,omitempty"`
		References    []mctReference `json:"references,omitempty"`
		Citations     []mctCitation  `json:"citations,omitempty"`
		Path          string         `json:"path,omitempty"`
	}
	mctOwner struct {
		Name    string `json:"name,omitempty"`
		Contact string `json:"contact,omitempty"`
	}
	mctVersion struct {
		Name string `json:"name,omitempty"`
		Date string `json:"date,omitempty"`
		Diff string `json:"diff,omitempty"`
	}
	mctLicense struct {
		Identifier string `json:"identifier,omitempty"`
		CustomText string `json:"custom_text,omitempty"`
	}
	mctReference struct {
		Reference string `json:"reference,omitempty"`
	}
	mctCitation struct {
		Style    string `json:"style,omitempty"`
		Citation string `json:"citation,omitempty"`
	}
	mctModelParameters struct {
		ModelArchitecture string       `json:"model_architecture,omitempty"`
		Data              []mctDataset `json:"data,omitempty"`
		InputFormat       string       `json:"input_format,omitempty"`
		InputFormatMap    []mctKeyVal  `json:"input_format_map,omitempty"`
		OutputFormat      string       `json:"output_format,omitempty"`
		OutputFormatMap   []mctKeyVal  `json:"output_format_map,omitempty"`
	}
	mctKeyVal struct {
		Key   string `json:"key,omitempty"`
		Value string `json:"value,omitempty"`
	}
	mctDataset struct {
		Name        string            `json:"name,omitempty"`
		Link        string            `json:"link,omitempty"`
		Sensitive   *mctSensitiveData `json:"sensitive,omitempty"`
		Graphics    *mctGraphics      `json:"graphics,omitempty"`
		Description string            `json:"description,omitempty"`
	}
	mctSensitiveData struct {
		SensitiveData []string `json:"sensitive_data,omitempty"`
	}
	mctGraphics struct {
		Description string       `json:"description,omitempty"`
		Collection  []mctGraphic `json:"collection,omitempty"`
	}
	mctGraphic struct {
		Name  string `json:"name,omitempty"`
		Image string `json:"image,omitempty"`
	}
	mctQuantitativeAnalysis struct {
		PerformanceMetrics []mctPerformanceMetric `json:"performance_metrics,omitempty"`
		Graphics           *mctGraphics           `json:"graphics,omitempty"`
	}
	mctPerformanceMetric struct {
		Type               string                 `json:"type,omitempty"`
		Value              string                 `json:"value,omitempty"`
		Slice              string                 `json:"slice,omitempty"`
		ConfidenceInterval *mctConfidenceInterval `json:"confidence_interval,omitempty"`
	}
	mctConfidenceInterval struct {
		LowerBound string `json:"lower_bound,omitempty"`
		UpperBound string `json:"upper_bound,omitempty"`
	}
	mctConsiderations struct {
		Users                 []mctDescription `json:"users,omitempty"`
		UseCases              []mctDescription `json:"use_cases,omitempty"`
		Limitations           []mctDescription `json:"limitations,omitempty"`
		Tradeoffs             []mctDescription `json:"tradeoffs,omitempty"`
		EthicalConsiderations []mctRisk        `json:"ethical_considerations,omitempty"`
	}
	mctDescription struct {
		Description string `json:"description,omitempty"`
	}
	mctRisk struct {
		Name               string `json:"name,omitempty"`
		MitigationStrategy string `json:"mitigation_strategy,omitempty"`
	}
)

// The fixed words RenderMCT writes where the toolkit's format has no field
// of its own, and that ParseMCT reads back.
const (
	// mctDownstreamLabel starts the use case holding the downstream use.
	mctDownstreamLabel = "Downstream use:"
	// mctModelTypeLabel starts the model_architecture that holds the model
	// type: the type on the label's line, the architecture (when there is
	// one) in the paragraphs after it.
	mctModelTypeLabel = "Model type:"
	// mctOutOfScopeLabel starts the limitation holding the out-of-scope use.
	mctOutOfScopeLabel = "Out-of-scope use:"
	// mctRisksName names the risk whose mitigation is the card's
	// recommendations.
	mctRisksName = "Known biases, risks and limitations"
	// mctTrainingName names the dataset entry holding the training data's
	// description.
	mctTrainingName = "Training data"
	// mctEvaluationName names the dataset entry holding the evaluation
	// data's description.
	mctEvaluationName = "Evaluation data"
	// mctHubTraining is the description of a training dataset given by its
	// Hub id in the card's `datasets` metadata.
	mctHubTraining = "Training dataset, listed by its Hugging Face Hub id."
	// mctEvalPrefix starts the description of a dataset that eval results
	// were measured on.
	mctEvalPrefix = "Evaluation dataset."
	// mctSeeLink joins a custom license's name and the link to its terms.
	mctSeeLink = " (see "
)

// mctFormatFields names, per family, the family fields that hold the
// model's input and output formats. Read-only.
var mctFormatFields = map[FamilyID][2]string{
	FamilyGeneric:         {"inputs", "outputs"},
	FamilyTabular:         {"features", "target"},
	FamilyVision:          {"input_resolution", "classes"},
	FamilyAudio:           {"sampling_rate", ""},
	FamilyNLP:             {"max_sequence_length", "labels"},
	FamilyLLM:             {"prompt_format", ""},
	FamilyMultimodal:      {"modalities", ""},
	FamilySeq2Seq:         {"max_input_length", "max_output_length"},
	FamilyImageGeneration: {"prompting", "output_resolution"},
	FamilyRL:              {"environment", ""},
}

// RenderMCT renders a card as a Google Model Card Toolkit card: JSON
// following the toolkit's schema v0.0.2. A card read from a Hugging Face
// README is first read with ContentFromBody.
//
// The toolkit's format has no notion of a missing fact, so unknown facts are
// left out rather than marked. The fields are filled as follows:
//
//   - model_details: name (the display name, else the model id), overview
//     (summary), documentation (description), owners (developed by, with the
//     card's contact), version, licenses (the `license` metadata: a Hub
//     license id as identifier, which matches the SPDX id case-insensitively
//     where SPDX has one; `other` as custom_text naming license_name and
//     license_link), references (the repository, paper and demo links that
//     are absolute URIs), citations (BibTeX and APA, by style), path (the
//     model id);
//   - model_parameters: model_architecture (the architecture; the
//     toolkit has no field for the model type, so a model type is put
//     first, on a line of its own labelled "Model type:", with line breaks
//     read as spaces as in the Hub card's fact line), data (the `datasets`
//     metadata as training datasets, the
//     training data's description, one entry per dataset of the eval results
//     with its Hub id, config, split and revision, and the evaluation data's
//     description), input_format and output_format (the family fields that
//     describe them, such as inputs and outputs, or features and target);
//   - quantitative_analysis.performance_metrics: one metric per eval result:
//     type (the metric id, else its name), value as text, slice
//     ("dataset/config/split"), confidence_interval when the metric's args
//     give one (confidence_interval as [lower, upper] or {lower_bound,
//     upper_bound}, or ci_lower and ci_upper);
//   - considerations: use_cases (direct use; downstream use, labelled),
//     limitations (bias, risks and limitations; out-of-scope use, labelled),
//     ethical_considerations (one risk whose mitigation strategy is the
//     card's recommendations).
//
// ParseMCT reads every one of these back into the same fields.
func RenderMCT(c *Card) ([]byte, error) {
	if c == nil {
		return nil, errors.New("render Model Card Toolkit card: the card is nil; build one from a spec or parse a README first")
	}
	m, err := buildMCT(c)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("render Model Card Toolkit card for %q: %w", hfCardName(&c.Content), err)
	}
	return buf.Bytes(), nil
}

// renderContent is the Content a renderer works from: a card read from a
// file is read with ContentFromBody first.
func renderContent(c *Card) Content {
	if c.source != nil || c.Body != nil {
		return ContentFromBody(c)
	}
	return c.Content
}

// buildMCT maps a card onto the toolkit's fields.
func buildMCT(c *Card) (*mctCard, error) {
	ct := renderContent(c)
	famID := c.Family
	if famID == "" {
		famID = FamilyGeneric
	}
	if _, ok := LookupFamily(famID); !ok {
		return nil, fmt.Errorf("render Model Card Toolkit card for %q: unknown template family %q; use one of %v, or leave it empty for the generic family",
			hfCardName(&ct), c.Family, FamilyIDs())
	}
	m := &mctCard{SchemaVersion: MCTSchemaVersion}

	d := &mctModelDetails{
		Name:          mctText(hfCardName(&ct)),
		Overview:      mctText(ct.Summary),
		Documentation: mctText(ct.Description),
		Path:          mctText(ct.ModelID),
	}
	if owner := (mctOwner{Name: mctText(ct.DevelopedBy), Contact: mctText(ct.Contact)}); owner != (mctOwner{}) {
		d.Owners = []mctOwner{owner}
	}
	if v := mctText(ct.Version); v != "" {
		d.Version = &mctVersion{Name: v}
	}
	d.Licenses = mctLicenses(c.Meta)
	for _, link := range []string{ct.Repository, ct.Paper, ct.Demo} {
		if u := strings.TrimSpace(link); isAbsoluteURI(u) {
			d.References = append(d.References, mctReference{Reference: u})
		}
	}
	if bib := mctText(ct.CitationBibTeX); bib != "" {
		d.Citations = append(d.Citations, mctCitation{Style: "BibTeX", Citation: bib})
	}
	if apa := mctText(ct.CitationAPA); apa != "" {
		d.Citations = append(d.Citations, mctCitation{Style: "APA", Citation: apa})
	}
	if !isZeroMCT(d) {
		m.ModelDetails = d
	}

	p := &mctModelParameters{ModelArchitecture: mctArchitecture(&ct)}
	var slices []string
	p.Data, slices = mctData(&ct, c.Meta)
	if f, ok := mctFormatFields[famID]; ok {
		p.InputFormat = mctText(ct.Specifics[f[0]])
		if f[1] != "" {
			p.OutputFormat = mctText(ct.Specifics[f[1]])
		}
	}
	if !isZeroMCT(p) {
		m.ModelParameters = p
	}

	var metrics []mctPerformanceMetric
	for i := range ct.EvalResults {
		if pm := mctMetric(&ct.EvalResults[i], slices[i]); pm != (mctPerformanceMetric{}) {
			metrics = append(metrics, pm)
		}
	}
	if len(metrics) > 0 {
		m.QuantitativeAnalysis = &mctQuantitativeAnalysis{PerformanceMetrics: metrics}
	}

	cons := &mctConsiderations{}
	if t := mctText(ct.DirectUse); t != "" {
		cons.UseCases = append(cons.UseCases, mctDescription{t})
	}
	if t := mctText(ct.DownstreamUse); t != "" {
		cons.UseCases = append(cons.UseCases, mctDescription{mctLabelled(mctDownstreamLabel, t)})
	}
	if t := mctText(ct.BiasRisksLimitations); t != "" {
		cons.Limitations = append(cons.Limitations, mctDescription{t})
	}
	if t := mctText(ct.OutOfScopeUse); t != "" {
		cons.Limitations = append(cons.Limitations, mctDescription{mctLabelled(mctOutOfScopeLabel, t)})
	}
	if t := mctText(ct.Recommendations); t != "" {
		cons.EthicalConsiderations = append(cons.EthicalConsiderations, mctRisk{Name: mctRisksName, MitigationStrategy: t})
	}
	if !isZeroMCT(cons) {
		m.Considerations = cons
	}
	return m, nil
}

// mctArchitecture writes the model type and the architecture into the
// toolkit's one field for them, model_architecture: the architecture as
// it is, after a first line "Model type: TYPE" when there is a type.
// ParseMCT splits them again (mctSplitArchitecture).
func mctArchitecture(ct *Content) string {
	arch := mctText(ct.Architecture)
	if hfIsBlank(ct.ModelType) {
		return arch
	}
	typ := mctModelTypeLabel + " " + string(hfAppendInlineMarkdown(nil, ct.ModelType))
	if arch == "" {
		return typ
	}
	return typ + "\n\n" + arch
}

// isZeroMCT reports whether a section of the card would be written as {}.
func isZeroMCT(v any) bool {
	b, err := json.Marshal(v)
	return err == nil && string(b) == "{}"
}

// mctText trims a value, with its line breaks made "\n"; blank gives "".
func mctText(s string) string {
	return strings.TrimSpace(hfNormaliseLineBreaks(s))
}

// hfNormaliseLineBreaks makes every line break "\n".
func hfNormaliseLineBreaks(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return string(hfAppendNormalisedLines(nil, s))
}

// mctLabelled puts a label before a Markdown text: on the same line for
// prose, in a paragraph of its own when the text starts with a block that
// must start a line (a list, a heading, a quote, code, a table, HTML).
func mctLabelled(label, text string) string {
	if strings.HasPrefix(text, "    ") || hfStartsBlock(text) || strings.HasPrefix(text, "|") {
		return label + "\n\n" + text
	}
	return label + " " + text
}

// isAbsoluteURI reports whether s is an absolute URI, as the schema's "uri"
// format asks.
func isAbsoluteURI(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\n\r<>\"{}|\\^`") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && (u.Opaque != "" || u.Host != "" || u.Path != "")
}

// mctLicenses writes the `license` metadata as toolkit licenses.
func mctLicenses(m *Metadata) []mctLicense {
	var out []mctLicense
	for _, id := range m.Strings("license") {
		id = strings.TrimSpace(id)
		switch strings.ToLower(id) {
		case "", "unknown":
			continue
		case "other":
			out = append(out, mctLicense{CustomText: mctCustomLicense(m.String("license_name"), m.String("license_link"))})
		default:
			out = append(out, mctLicense{Identifier: id})
		}
	}
	return out
}

// mctCustomLicense writes a custom license's name and link as one text:
// "name (see link)", "name", "see link", or "other" when neither is known.
func mctCustomLicense(name, link string) string {
	name, link = strings.TrimSpace(name), strings.TrimSpace(link)
	switch {
	case name != "" && link != "":
		return name + mctSeeLink + link + ")"
	case name != "":
		return name
	case link != "":
		return "see " + link
	}
	return "other"
}

// mctData lists the datasets: training ones first, then the evaluation
// ones. It also returns the slice name of each eval result.
func mctData(ct *Content, m *Metadata) ([]mctDataset, []string) {
	var out []mctDataset
	for _, id := range m.Strings("datasets") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		ds := mctDataset{Name: id, Description: mctHubTraining}
		if isAbsoluteURI(id) {
			ds.Link = id
		}
		out = append(out, ds)
	}
	if t := mctText(ct.TrainingData); t != "" {
		out = append(out, mctDataset{Name: mctTrainingName, Description: t})
	}
	resultSlices := make([]string, len(ct.EvalResults))
	var sl mctSlicer
	for i := range ct.EvalResults {
		r := &ct.EvalResults[i]
		if r.DatasetType == "" && r.DatasetName == "" {
			resultSlices[i] = mctSlice(r)
			continue
		}
		name := r.DatasetName
		if name == "" {
			name = r.DatasetType
		}
		ds := mctDataset{Name: name, Description: mctEvalDescription(r)}
		slice, added := sl.add(ds, mctSlice(r))
		resultSlices[i] = slice
		if added {
			out = append(out, ds)
		}
	}
	if t := mctText(ct.TestingData); t != "" {
		out = append(out, mctDataset{Name: mctEvaluationName, Description: t})
	}
	return out, resultSlices
}

// mctSlicer gives each evaluation dataset a slice name of its own: its
// "dataset/config/split", followed by its name in parentheses when an
// earlier dataset has the same, and by a number when that is taken too.
// RenderMCT and ParseMCT meet the datasets in the same order, so both give
// the same names.
type mctSlicer struct {
	byKey map[string]string // slice by dataset entry
	used  map[string]bool
}

// add returns the slice name of a dataset, and whether it is new.
func (s *mctSlicer) add(ds mctDataset, base string) (string, bool) {
	if s.byKey == nil {
		s.byKey, s.used = map[string]string{}, map[string]bool{}
	}
	key := ds.Name + "\x00" + ds.Description
	if slice, ok := s.byKey[key]; ok {
		return slice, false
	}
	slice := base
	if s.used[slice] {
		slice = base + " (" + ds.Name + ")"
		for n := 2; s.used[slice]; n++ {
			slice = base + " (" + ds.Name + ", " + strconv.Itoa(n) + ")"
		}
	}
	s.used[slice] = true
	s.byKey[key] = slice
	return slice, true
}

// mctEvalDescription describes a dataset of the eval results:
// "Evaluation dataset. Hub id: x. Config: y. Split: z. Revision: r."
// with the parts it lacks left out.
func mctEvalDescription(r *EvalResult) string {
	var b strings.Builder
	b.WriteString(mctEvalPrefix)
	for _, p := range [...]struct{ label, value string }{
		{"Hub id", r.DatasetType}, {"Config", r.DatasetConfig},
		{"Split", r.DatasetSplit}, {"Revision", r.DatasetRevision},
	} {
		if v := strings.TrimSpace(p.value); v != "" {
			b.WriteString(" " + p.label + ": `" + v + "`.")
		}
	}
	return b.String()
}

// mctSlice names the data a result was measured on: the dataset (its id,
// else its name), config and split, joined by "/".
func mctSlice(r *EvalResult) string {
	var parts []string
	ds := r.DatasetType
	if ds == "" {
		ds = r.DatasetName
	}
	for _, p := range [...]string{ds, r.DatasetConfig, r.DatasetSplit} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "/")
}

// mctMetric writes one eval result, measured on slice, as a performance
// metric.
func mctMetric(r *EvalResult, slice string) mctPerformanceMetric {
	pm := mctPerformanceMetric{
		Type:  strings.TrimSpace(r.MetricType),
		Value: metricValueText(r.MetricValue),
		Slice: slice,
	}
	if pm.Type == "" {
		pm.Type = strings.TrimSpace(r.MetricName)
	}
	if lo, hi, ok := confidenceInterval(r.MetricArgs); ok {
		pm.ConfidenceInterval = &mctConfidenceInterval{LowerBound: lo, UpperBound: hi}
	}
	return pm
}

// confidenceInterval reads a confidence interval from a metric's args:
// confidence_interval as a [lower, upper] list or a mapping with
// lower_bound and upper_bound (or lower and upper), or ci_lower and
// ci_upper.
func confidenceInterval(args map[string]any) (lo, hi string, ok bool) {
	if len(args) == 0 {
		return "", "", false
	}
	switch ci := args["confidence_interval"].(type) {
	case []any:
		if len(ci) == 2 {
			lo, hi = metricValueText(ci[0]), metricValueText(ci[1])
		}
	case map[string]any:
		lo, hi = metricValueText(ci["lower_bound"]), metricValueText(ci["upper_bound"])
		if lo == "" && hi == "" {
			lo, hi = metricValueText(ci["lower"]), metricValueText(ci["upper"])
		}
	}
	if lo == "" && hi == "" {
		lo, hi = metricValueText(args["ci_lower"]), metricValueText(args["ci_upper"])
	}
	return lo, hi, lo != "" || hi != ""
}
