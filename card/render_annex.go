package card

import (
	"errors"
	"fmt"
	"strings"
)

// AnnexIVItem is one item of the technical documentation that Annex IV of
// Regulation (EU) 2024/1689 (the AI Act) asks providers of high-risk AI
// systems to draw up: a point, a lettered sub-point, or one fact asked for
// inside one.
type AnnexIVItem struct {
	// ID is the item's needs-information id, such as "annex_iv.1.a.purpose".
	ID string
	// Point is the point it belongs to, as the Annex numbers it: "1(a)",
	// "3", "9".
	Point string
	// Heading is the item's heading (for points and sub-points) or label
	// (for facts) in the rendered document.
	Heading string
	// Guidance says, in this project's words, what the Annex asks for and
	// where it refers to an Article; it is the marker's text when the card
	// does not say it.
	Guidance string
}

// annexPoint is one numbered point of Annex IV with its sub-points.
type annexPoint struct {
	num     string // "1"
	heading string
	subs    []annexSub
	facts   []annexFact // for points without sub-points
}

// annexSub is a lettered sub-point.
type annexSub struct {
	letter  string
	heading string
	facts   []annexFact
}

// annexFact is one fact of a (sub-)point: filled from the card, or marked.
type annexFact struct {
	key      string // last part of the marker id; "" for the sub-point itself
	label    string
	guidance string
	fill     func(a *annexWriter) string // Markdown from the card, or ""
}

// annexOutline is Annex IV, point by point, in this project's words.
// Read-only.
var annexOutline = []annexPoint{
	{num: "1", heading: "General description of the AI system", subs: []annexSub{
		{"a", "Intended purpose, provider and version", []annexFact{
			{"purpose", "Intended purpose", "Annex IV, point 1(a): state what the AI system is intended to be used for, by whom and in which setting.", func(a *annexWriter) string {
				return a.join(a.labelled("Direct use", a.ct.DirectUse), a.labelled("Summary", a.ct.Summary))
			}},
			{"provider", "Provider", "Annex IV, point 1(a): name the provider: the natural or legal person that develops the system, or has it developed, and places it on the market under its own name.", func(a *annexWriter) string {
				return a.join(a.inline(a.ct.DevelopedBy), a.labelled("Published by", a.ct.SharedBy), a.labelled("Funded by", a.ct.FundedBy))
			}},
			{"version", "Version", "Annex IV, point 1(a): give the version of the system and how it relates to earlier versions.", func(a *annexWriter) string {
				return a.inline(a.ct.Version)
			}},
		}},
		{"b", "Interaction with hardware, software and other AI systems", []annexFact{
			{"", "", "Annex IV, point 1(b): describe how the system interacts, or can be used to interact, with hardware, software and other AI systems that are not part of it.", func(a *annexWriter) string {
				return a.labelled("Downstream use", a.ct.DownstreamUse)
			}},
		}},
		{"c", "Versions of relevant software and update requirements", []annexFact{
			{"", "", "Annex IV, point 1(c): list the versions of the software or firmware the system depends on, and any requirement on version updates.", func(a *annexWriter) string {
				return a.join(a.labelled("Software", a.ct.ComputeSoftware), a.labelled("Library", strings.Join(a.meta.Strings("library_name"), ", ")))
			}},
		}},
		{"d", "Forms in which the system is placed on the market or put into service", []annexFact{
			{"", "", "Annex IV, point 1(d): describe every form in which the system is placed on the market or put into service: software package, download, API, embedded in hardware.", nil},
		}},
		{"e", "Hardware the system is intended to run on", []annexFact{
			{"", "", "Annex IV, point 1(e): describe the hardware on which the system is intended to run.", func(a *annexWriter) string {
				return a.labelled("Compute hardware", a.ct.ComputeHardware)
			}},
		}},
		{"f", "Photographs or illustrations of products the system is part of", []annexFact{
			{"", "", "Annex IV, point 1(f): where the system is a component of a product, add photographs or illustrations of the product's external features, marking and internal layout; say so if it is not a component of a product.", nil},
		}},
		{"g", "User interface provided to the deployer", []annexFact{
			{"", "", "Annex IV, point 1(g): give a basic description of the user interface provided to the deployer.", func(a *annexWriter) string {
				return a.labelled("Demo", a.ct.Demo)
			}},
		}},
		{"h", "Instructions for use for the deployer", []annexFact{
			{"", "", "Annex IV, point 1(h): provide the instructions for use for the deployer (see Article 13), and a basic description of the user interface where applicable.", func(a *annexWriter) string {
				return a.labelled("How to get started", a.ct.GetStarted)
			}},
		}},
	}},
	{num: "2", heading: "Detailed description of the elements of the AI system and of its development", subs: []annexSub{
		{"a", "Development methods and steps, including pre-trained systems and third-party tools", []annexFact{
			{"", "", "Annex IV, point 2(a): describe the methods and steps used to develop the system, including any pre-trained system or third-party tool used and how it was integrated or modified.", func(a *annexWriter) string {
				return a.join(
					a.labelled("Built on", strings.Join(a.meta.Strings("base_model"), ", ")),
					a.labelled("Training regime", a.ct.TrainingRegime),
					a.hyperparameters(),
					a.specific("alignment", "Alignment and fine-tuning"),
					a.specific("algorithm", "Algorithm"))
			}},
		}},
		{"b", "Design specifications", []annexFact{
			{"", "", "Annex IV, point 2(b): describe the general logic of the system and its algorithms, the key design choices with their rationale and assumptions (including about the persons the system is meant to be used on), the main classification choices, what the system optimises for, the expected output and its quality, and the trade-offs made to meet the requirements of Chapter III, Section 2.", func(a *annexWriter) string {
				return a.join(a.labelled("Description", a.ct.Description), a.labelled("Model type", a.ct.ModelType))
			}},
		}},
		{"c", "System architecture and computational resources", []annexFact{
			{"", "", "Annex IV, point 2(c): describe the system architecture, how its software components build on and feed into each other, and the computational resources used to develop, train, test and validate it.", func(a *annexWriter) string {
				e := a.ct.Environment
				return a.join(a.labelled("Architecture and objective", a.ct.Architecture),
					a.labelled("Training hardware", e.HardwareType), a.labelled("Training time (hours)", e.HoursUsed),
					a.labelled("Speeds, sizes, times", a.ct.SpeedsSizesTimes))
			}},
		}},
		{"d", "Data requirements and training data", []annexFact{
			{"", "", "Annex IV, point 2(d): where relevant, describe the training data sets in datasheets: their provenance, scope and main characteristics, how the data were obtained and selected, the labelling procedures and the data cleaning methods.", func(a *annexWriter) string {
				return a.join(a.labelled("Training data", a.ct.TrainingData),
					a.labelled("Datasets", strings.Join(a.meta.Strings("datasets"), ", ")),
					a.labelled("Preprocessing", a.ct.Preprocessing))
			}},
		}},
		{"e", "Human oversight measures and interpretation of outputs", []annexFact{
			{"", "", "Annex IV, point 2(e): assess the human oversight measures needed under Article 14, including the technical measures that help deployers interpret the system's outputs (Article 13(3), point (d)).", func(a *annexWriter) string {
				return a.join(a.labelled("Recommendations", a.ct.Recommendations), a.labelled("Model examination", a.ct.ModelExamination))
			}},
		}},
		{"f", "Pre-determined changes", []annexFact{
			{"", "", "Annex IV, point 2(f): where applicable, describe the changes to the system and its performance that were determined in advance, and the technical solutions that keep the system compliant with Chapter III, Section 2 as it changes.", nil},
		}},
		{"g", "Validation and testing procedures", []annexFact{
			{"", "", "Annex IV, point 2(g): describe the validation and testing procedures, the validation and testing data and their main characteristics, and the metrics used for accuracy, robustness, other requirements of Chapter III, Section 2 and potentially discriminatory impacts.", func(a *annexWriter) string {
				return a.join(a.labelled("Testing data", a.ct.TestingData), a.labelled("Factors", a.ct.Factors),
					a.labelled("Metrics", a.ct.MetricsDescription), a.results(), a.labelled("Summary of the results", a.ct.ResultsSummary))
			}},
			{"test_logs", "Test logs and reports", "Annex IV, point 2(g): attach the test logs and all test reports, dated and signed by the responsible persons, including those for the pre-determined changes of point 2(f).", nil},
		}},
		{"h", "Cybersecurity measures", []annexFact{
			{"", "", "Annex IV, point 2(h): describe the cybersecurity measures put in place (see Article 15).", nil},
		}},
	}},
	{num: "3", heading: "Monitoring, functioning and control of the AI system", facts: []annexFact{
		{"capabilities", "Capabilities and limitations in performance", "Annex IV, point 3: describe the system's capabilities and the limits of its performance.", func(a *annexWriter) string {
			return a.labelled("Bias, risks and limitations", a.ct.BiasRisksLimitations)
		}},
		{"accuracy", "Expected level of accuracy, overall and for groups of persons", "Annex IV, point 3: give the degrees of accuracy for the specific persons or groups of persons the system is intended to be used on, and the overall level of accuracy expected for its intended purpose.", func(a *annexWriter) string {
			text := a.labelled("Summary of the results", a.ct.ResultsSummary)
			if len(a.ct.EvalResults) > 0 {
				text = a.join(text, fmt.Sprintf("The card reports %d measured results; see point 2(g).\n", len(a.ct.EvalResults)))
			}
			return a.join(text, a.labelled("Factors the results are broken down by", a.ct.Factors))
		}},
		{"risks", "Foreseeable unintended outcomes and sources of risk", "Annex IV, point 3: describe the foreseeable unintended outcomes and sources of risk to health and safety, fundamental rights and discrimination, given the intended purpose.", func(a *annexWriter) string {
			return a.labelled("Out-of-scope use", a.ct.OutOfScopeUse)
		}},
		{"oversight", "Human oversight measures", "Annex IV, point 3: describe the human oversight measures needed under Article 14, including the technical measures that help deployers interpret the outputs.", func(a *annexWriter) string {
			return a.labelled("Recommendations", a.ct.Recommendations)
		}},
		{"input_data", "Specifications on input data", "Annex IV, point 3: specify the input data the system expects, as appropriate: format, range, quality and conditions.", func(a *annexWriter) string {
			return a.inputSpecs()
		}},
	}},
	{num: "4", heading: "Appropriateness of the performance metrics", facts: []annexFact{
		{"", "", "Annex IV, point 4: explain why the chosen performance metrics are appropriate for this system.", func(a *annexWriter) string {
			return a.labelled("Metrics", a.ct.MetricsDescription)
		}},
	}},
	{num: "5", heading: "Risk management system", facts: []annexFact{
		{"", "", "Annex IV, point 5: describe in detail the risk management system established under Article 9: how risks are identified, estimated, evaluated and mitigated throughout the lifecycle, and how the residual risks are judged acceptable.", nil},
	}},
	{num: "6", heading: "Relevant changes made through the lifecycle", facts: []annexFact{
		{"", "", "Annex IV, point 6: describe the relevant changes the provider has made to the system through its lifecycle.", nil},
	}},
	{num: "7", heading: "Harmonised standards and other specifications applied", facts: []annexFact{
		{"", "", "Annex IV, point 7: list the harmonised standards published in the Official Journal of the European Union that were applied in full or in part; where none were applied, describe the solutions adopted to meet Chapter III, Section 2, and list the other standards and technical specifications applied.", nil},
	}},
	{num: "8", heading: "EU declaration of conformity", facts: []annexFact{
		{"", "", "Annex IV, point 8: include a copy of the EU declaration of conformity drawn up under Article 47.", nil},
	}},
	{num: "9", heading: "Post-market monitoring", facts: []annexFact{
		{"", "", "Annex IV, point 9: describe in detail the system for evaluating the system's performance once it is on the market, as required by Article 72, including the post-market monitoring plan of Article 72(3).", func(a *annexWriter) string {
			return a.specific("drift_monitoring", "Drift monitoring")
		}},
	}},
}

// annexID returns the marker id of a fact.
func annexID(num, letter, key string) string {
	id := "annex_iv." + num
	if letter != "" {
		id += "." + letter
	}
	if key != "" {
		id += "." + key
	}
	return id
}

// AnnexIVItems lists the items of Annex IV that RenderAnnexIV writes, in
// order: each point and sub-point, and each fact asked for inside one.
func AnnexIVItems() []AnnexIVItem {
	var out []AnnexIVItem
	for _, p := range annexOutline {
		out = append(out, AnnexIVItem{ID: annexID(p.num, "", ""), Point: p.num, Heading: p.heading})
		add := func(letter, point string, facts []annexFact) {
			for _, f := range facts {
				if f.key == "" {
					out[len(out)-1].Guidance = f.guidance
					continue
				}
				out = append(out, AnnexIVItem{ID: annexID(p.num, letter, f.key), Point: point, Heading: f.label, Guidance: f.guidance})
			}
		}
		add("", p.num, p.facts)
		for _, s := range p.subs {
			point := p.num + "(" + s.letter + ")"
			out = append(out, AnnexIVItem{ID: annexID(p.num, s.letter, ""), Point: point, Heading: s.heading})
			add(s.letter, point, s.facts)
		}
	}
	return out
}

// RenderAnnexIV renders a card as a draft of the technical documentation
// that Annex IV of Regulation (EU) 2024/1689 asks for: Markdown, one
// section per point (1 to 9) and per lettered sub-point, in the Annex's
// order. Each item holds what the card says about it, labelled; an item the
// card does not cover holds a needs-information marker (see NeedsInfo)
// whose id starts with "annex_iv." and whose guidance names the point of the
// Annex and the Article it refers to. Points the card can never cover (the
// risk management system, the declaration of conformity, ...) are always
// marked. A card read from a Hugging Face README is first read with
// ContentFromBody. AnnexIVItems lists the items.
func RenderAnnexIV(c *Card) ([]byte, error) {
	if c == nil {
		return nil, errors.New("render Annex IV documentation: the card is nil; build one from a spec or parse a README first")
	}
	famID := c.Family
	if famID == "" {
		famID = FamilyGeneric
	}
	fam, ok := LookupFamily(famID)
	if !ok {
		return nil, fmt.Errorf("render Annex IV documentation for %q: unknown template family %q; use one of %v, or leave it empty for the generic family",
			hfCardName(&c.Content), c.Family, FamilyIDs())
	}
	ct := renderContent(c)
	a := &annexWriter{ct: &ct, meta: c.Meta, fam: &fam}
	a.write()
	return a.buf, nil
}

// annexWriter writes the document.
type annexWriter struct {
	buf  []byte
	ct   *Content
	meta *Metadata
	fam  *Family
}

// AnnexIVHeading starts every document RenderAnnexIV writes: the mark by
// which a reader tells such a document from a model card.
const AnnexIVHeading = "# Technical documentation (EU AI Act, Annex IV)"

func (a *annexWriter) write() {
	name := hfCardName(a.ct)
	a.buf = append(a.buf, AnnexIVHeading...)
	if !hfIsBlank(name) {
		a.buf = append(a.buf, ": "...)
		a.buf = hfAppendEscapedText(a.buf, name, false)
	}
	a.buf = append(a.buf, "\n\n"...)
	a.buf = append(a.buf, "This is a draft of the technical documentation that Article 11 and Annex IV of Regulation (EU) 2024/1689 ask the provider of a high-risk AI system to draw up. "+
		"It was generated from the system's model card and holds only what the card states. "+
		"Each item the card does not cover is marked as needing information, with what the Annex asks for. "+
		"The model is one component of an AI system: where an item asks about the system, describe the whole system. "+
		"This draft is not legal advice and does not by itself show conformity.\n\n"...)
	a.summaryTable(name)
	for i := range annexOutline {
		p := &annexOutline[i]
		a.buf = append(a.buf, "## "+p.num+". "+p.heading+"\n\n"...)
		a.facts(p.num, "", p.facts)
		for j := range p.subs {
			s := &p.subs[j]
			a.buf = append(a.buf, "### "+p.num+"("+s.letter+") "+s.heading+"\n\n"...)
			a.facts(p.num, s.letter, s.facts)
		}
	}
	for len(a.buf) >= 2 && a.buf[len(a.buf)-1] == '\n' && a.buf[len(a.buf)-2] == '\n' {
		a.buf = a.buf[:len(a.buf)-1]
	}
}

// summaryTable writes the facts that identify the system.
func (a *annexWriter) summaryTable(name string) {
	rows := [...]struct{ label, value string }{
		{"Model", name},
		{"Model id", a.ct.ModelID},
		{"Provider", a.ct.DevelopedBy},
		{"Version", a.ct.Version},
		{"License", strings.Join(a.meta.Strings("license"), ", ")},
		{"Contact", a.ct.Contact},
	}
	a.buf = append(a.buf, "| Item | From the model card |\n| --- | --- |\n"...)
	for _, r := range rows {
		a.buf = append(a.buf, "| "+r.label+" | "...)
		if hfIsBlank(r.value) {
			a.buf = append(a.buf, "*not stated*"...)
		} else {
			a.buf = hfAppendCell(a.buf, r.value)
		}
		a.buf = append(a.buf, " |\n"...)
	}
	a.buf = append(a.buf, '\n')
}

// facts writes the facts of a (sub-)point.
func (a *annexWriter) facts(num, letter string, facts []annexFact) {
	for _, f := range facts {
		id := annexID(num, letter, f.key)
		text := ""
		if f.fill != nil {
			text = f.fill(a)
		}
		if f.label != "" {
			a.buf = append(a.buf, "**"+f.label+".**\n\n"...)
		}
		if strings.TrimSpace(text) == "" {
			a.buf = append(a.buf, NeedsInfo(id, f.guidance)...)
			a.buf = append(a.buf, '\n')
			continue
		}
		a.buf = append(a.buf, text...)
		a.buf = append(a.buf, '\n')
	}
}

// inline writes a one-line fact; "" when blank.
func (a *annexWriter) inline(s string) string {
	if hfIsBlank(s) {
		return ""
	}
	return string(hfAppendInlineMarkdown(nil, s)) + "\n"
}

// labelled writes "*Label:*" and a Markdown field; "" when blank.
func (a *annexWriter) labelled(label, s string) string {
	if hfIsBlank(s) {
		return ""
	}
	if !strings.Contains(strings.TrimSpace(s), "\n") && !hfStartsBlock(strings.TrimSpace(s)) {
		return "*" + label + ":* " + string(hfAppendInlineMarkdown(nil, s)) + "\n"
	}
	return "*" + label + ":*\n\n" + string(hfAppendMarkdownBlock(nil, s))
}

// join joins the non-empty blocks with blank lines.
func (a *annexWriter) join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, strings.TrimRight(p, "\n")+"\n")
		}
	}
	return strings.Join(out, "\n")
}

// specific writes a family field, labelled.
func (a *annexWriter) specific(key, label string) string {
	return a.labelled(label, a.ct.Specifics[key])
}

// hyperparameters writes the hyperparameters as a table.
func (a *annexWriter) hyperparameters() string {
	if len(a.ct.Hyperparameters) == 0 {
		return ""
	}
	b := []byte("*Hyperparameters:*\n\n| Hyperparameter | Value |\n| --- | --- |\n")
	for _, kv := range a.ct.Hyperparameters {
		b = append(b, "| "...)
		b = hfAppendCell(b, kv.Key)
		b = append(b, " | "...)
		b = hfAppendCell(b, kv.Value)
		b = append(b, " |\n"...)
	}
	return string(b)
}

// results writes the eval results as a table.
func (a *annexWriter) results() string {
	if len(a.ct.EvalResults) == 0 {
		return ""
	}
	b := []byte("*Measured results:*\n\n| Dataset | Split | Metric | Value |\n| --- | --- | --- | --- |\n")
	for i := range a.ct.EvalResults {
		r := &a.ct.EvalResults[i]
		b = append(b, "| "...)
		b = hfAppendNamePair(b, r.DatasetName, r.DatasetType)
		b = append(b, " | "...)
		var parts []string
		for _, p := range [...]string{r.DatasetConfig, r.DatasetSplit} {
			if !hfIsBlank(p) {
				parts = append(parts, p)
			}
		}
		b = hfAppendCell(b, strings.Join(parts, " / "))
		b = append(b, " | "...)
		b = hfAppendNamePair(b, r.MetricName, r.MetricType)
		b = append(b, " | "...)
		b = hfAppendMetricValue(b, r.MetricValue)
		b = append(b, " |\n"...)
	}
	return string(b)
}

// annexInputFields are, per family, the fields that specify the input
// data. Read-only.
var annexInputFields = map[FamilyID][]string{
	FamilyLLM:             {"prompt_format", "context_length", "tokenizer"},
	FamilyNLP:             {"max_sequence_length", "tokenizer", "labels"},
	FamilySeq2Seq:         {"language_pairs", "max_input_length"},
	FamilyVision:          {"input_resolution", "preprocessing"},
	FamilyImageGeneration: {"prompting", "output_resolution"},
	FamilyAudio:           {"sampling_rate", "audio_length"},
	FamilyMultimodal:      {"modalities", "image_resolution", "prompt_format", "context_length"},
	FamilyRL:              {"environment"},
	FamilyTabular:         {"features", "target", "horizon"},
	FamilyGeneric:         {"inputs", "outputs"},
}

// inputSpecs writes the family fields that specify the input data.
func (a *annexWriter) inputSpecs() string {
	var parts []string
	for _, key := range annexInputFields[a.fam.ID] {
		for _, f := range a.fam.Fields {
			if f.Key == key {
				parts = append(parts, a.specific(key, f.Title))
			}
		}
	}
	return a.join(parts...)
}
