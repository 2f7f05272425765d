package card

import (
	"fmt"
	"strings"
)

// skeletonField is one key of the skeleton with the comment above it.
type skeletonField struct {
	key     string
	comment string
	// empty is what follows "key:"; "" specLeaves the value empty (null).
	empty string
}

// skeletonGroup is a titled run of fields.
type skeletonGroup struct {
	title  string
	fields []skeletonField
}

// skeletonGroups are the Content fields of the skeleton, in the order of the
// card's sections. Read-only.
var skeletonGroups = []skeletonGroup{
	{"Identity", []skeletonField{
		{"model_id", "The model's repository id, such as your-org/your-model.", ""},
		{"pretty_name", "The name to show as the card's title, if it differs from the id.", ""},
		{"summary", "One or two sentences: what the model is and what it does.", ""},
		{"description", "A few paragraphs on what the model was built for, how it works and what sets it apart.", ""},
		{"developed_by", "The team or organisation that built the model.", ""},
		{"funded_by", "Who paid for the work (a grant, a company), if you may say.", ""},
		{"shared_by", "Who publishes the model, if not the developers.", ""},
		{"model_type", "The kind of model: architecture family and size, such as \"encoder-only transformer, 110M parameters\".", ""},
		{"version", "The model's version; quote it (\"1.10\") so that it stays text.", ""},
		{"repository", "A link to the source code.", ""},
		{"paper", "A link to the paper, technical report or blog post.", ""},
		{"demo", "A link to a place where people can try the model.", ""},
	}},
	{"Uses", []skeletonField{
		{"direct_use", "Who should use the model as it is, and for what.", ""},
		{"downstream_use", "How the model can be fine-tuned or built into a larger system.", ""},
		{"out_of_scope_use", "Uses the model is not fit for or must not be put to, and why.", ""},
		{"get_started", "A short, runnable example of loading the model and getting a prediction.", ""},
	}},
	{"Risks", []skeletonField{
		{"bias_risks_limitations", "Known biases, risks and limitations, with the evidence you have for them.", ""},
		{"recommendations", "What users should do about those risks.", ""},
	}},
	{"Training", []skeletonField{
		{"training_data", "The training data: where it comes from, how big it is, its languages and licences, and how it was filtered.", ""},
		{"preprocessing", "How the data was cleaned, tokenised or otherwise prepared.", ""},
		{"training_regime", "The numeric precision of training, such as \"bf16 mixed precision\".", ""},
		{"speeds_sizes_times", "Throughput, checkpoint size, and how long training took.", ""},
	}},
	{"Evaluation", []skeletonField{
		{"testing_data", "The data the model was evaluated on, and how it differs from the training data.", ""},
		{"factors", "The groups or conditions the results are broken down by (language, age group, device, ...).", ""},
		{"metrics_description", "Which metrics you report and why they suit the task.", ""},
		{"results_summary", "In a few sentences, what the results show, including where the model is weak.", ""},
		{"model_examination", "Interpretability or explainability work done on the model, if any.", ""},
	}},
	{"Technical details", []skeletonField{
		{"architecture", "The architecture and the training objective.", ""},
		{"compute_hardware", "The hardware the model was trained on.", ""},
		{"compute_software", "The frameworks and library versions used for training.", ""},
	}},
	{"Citation and contact", []skeletonField{
		{"citation_bibtex", "A BibTeX entry for citing the model; write it as a block: `citation_bibtex: |` and the entry indented below.", ""},
		{"citation_apa", "The same citation in APA style.", ""},
		{"glossary", "Terms used in the card that readers may not know, with their meaning.", ""},
		{"more_information", "Anything else worth knowing that fits nowhere above.", ""},
		{"card_authors", "The people who wrote this card.", ""},
		{"contact", "How to reach the authors with questions or reports (an e-mail address or an issue tracker).", ""},
	}},
}

// skeletonEnvironment are the keys of environmental_impact.
var skeletonEnvironment = []skeletonField{
	{"hardware_type", "The accelerators used, with their count, such as \"8x A100 80GB\".", ""},
	{"hours_used", "Wall-clock training time in hours.", ""},
	{"cloud_provider", "The cloud provider, or \"on premises\".", ""},
	{"compute_region", "The region or data centre, which sets the carbon intensity of the power.", ""},
	{"carbon_emitted", "The estimated emission with its unit, such as \"120 kg CO2eq\".", ""},
}

// SpecSkeleton returns a commented YAML spec for a template family, ready to
// be filled in: every field the spec format knows, each under a comment
// saying what to write, with the family's own facts under `specifics` and a
// commented example of an evaluation result that uses the family's usual
// task and metrics. As returned, every field is empty; the skeleton parses
// with ParseSpec as it is.
func SpecSkeleton(f FamilyID) (string, error) {
	fam, ok := LookupFamily(f)
	if !ok {
		ids := make([]string, 0, len(FamilyIDs()))
		for _, id := range FamilyIDs() {
			ids = append(ids, string(id))
		}
		return "", fmt.Errorf("spec skeleton: unknown family %q; choose one of %s", f, strings.Join(ids, ", "))
	}
	var b strings.Builder
	comment := func(indent, text string) {
		for _, line := range skeletonWrap(text, 76-len(indent)) {
			b.WriteString(indent + "# " + line + "\n")
		}
	}
	field := func(indent string, sf skeletonField) {
		comment(indent, sf.comment)
		b.WriteString(indent + sf.key + ":")
		if sf.empty != "" {
			b.WriteString(" " + sf.empty)
		}
		b.WriteString("\n")
	}
	heading := func(title string) {
		b.WriteString("\n# " + strings.Repeat("-", 4) + " " + title + " " + strings.Repeat("-", max(4, 68-len(title))) + "\n\n")
	}

	comment("", fmt.Sprintf("Model spec for the %s family (%s).", fam.ID, fam.Title))
	b.WriteString("#\n")
	comment("", "`modelcard generate` turns this file into a model card. Fill in what you know and leave the rest empty: "+
		"every empty field becomes a visible \"needs information\" marker in the card, so never write a guess. "+
		"Text fields take Markdown; for several lines, write `key: |` and indent the lines below it. "+
		"Delete this file's comments once you are done, if you like.")
	b.WriteString("\n")
	ids := make([]string, 0, len(FamilyIDs()))
	for _, id := range FamilyIDs() {
		ids = append(ids, string(id))
	}
	field("", skeletonField{"family", "The template family: one of " + strings.Join(ids, ", ") +
		". It decides which facts the card asks for under `specifics`.", string(fam.ID)})

	for i, g := range skeletonGroups {
		heading(g.title)
		for j, sf := range g.fields {
			if j > 0 {
				b.WriteString("\n")
			}
			field("", sf)
		}
		switch g.title {
		case "Training":
			b.WriteString("\n")
			field("", skeletonField{"hyperparameters",
				"Training hyperparameters as `name: value` lines indented below, in the order they should be shown " +
					"(replace {} with them), for example `learning_rate: 2.0e-5` and `num_train_epochs: 3`.", "{}"})
		case "Evaluation":
			b.WriteString("\n")
			writeSkeletonEvalResults(&b, fam, comment)
		case "Technical details":
			b.WriteString("\n")
			comment("", "What training cost in energy; the card estimates the footprint from these.")
			b.WriteString("environmental_impact:\n")
			for j, sf := range skeletonEnvironment {
				if j > 0 {
					b.WriteString("\n")
				}
				field("  ", sf)
			}
		}
		if i == 1 {
			// The family's own facts follow the uses, where readers look
			// for how to run the model.
			heading(fam.SectionTitle)
			if len(fam.Fields) == 0 {
				comment("", "This family has no facts of its own.")
				b.WriteString("specifics: {}\n")
			} else {
				comment("", "Facts that cards of this family are expected to give.")
				b.WriteString("specifics:\n")
				for j, ff := range fam.Fields {
					if j > 0 {
						b.WriteString("\n")
					}
					field("  ", skeletonField{key: ff.Key, comment: ff.Guidance})
				}
			}
		}
	}

	heading("Hub metadata")
	writeSkeletonMetadata(&b, fam, field)
	return b.String(), nil
}

// writeSkeletonEvalResults writes eval_results as an empty list followed by
// a commented example entry.
func writeSkeletonEvalResults(b *strings.Builder, fam Family, comment func(indent, text string)) {
	task, metric := "<Hub task id, such as text-classification>", "<metric id, such as accuracy>"
	if len(fam.Tasks) > 0 {
		task = fam.Tasks[0]
	}
	if len(fam.Metrics) > 0 {
		metric = fam.Metrics[0]
	}
	comment("", "Evaluation results, one entry per metric measured on one dataset. "+
		"Copy the example below once per result, remove the leading \"# \", replace [] and every <...> value, "+
		"and delete the keys you have no value for. A result needs task_type, dataset_type and dataset_name "+
		"to enter the card's model-index.")
	if len(fam.Metrics) > 0 {
		comment("", "Metrics usually reported for this family: "+strings.Join(fam.Metrics, ", ")+".")
	}
	b.WriteString("eval_results: []\n")
	for _, line := range []string{
		"- task_type: " + task,
		"  task_name: <readable task name>",
		"  dataset_type: <dataset id on the Hub>",
		"  dataset_name: <readable dataset name>",
		"  dataset_config: <subset, if the dataset has several>",
		"  dataset_split: test",
		"  metric_type: " + metric,
		"  metric_value: <the value measured>",
		"  metric_name: <readable metric name>",
		"  source_name: <where the result comes from>",
		"  source_url: <a link to it>",
	} {
		b.WriteString("#   " + line + "\n")
	}
}

// writeSkeletonMetadata writes the top-level Hub metadata keys.
func writeSkeletonMetadata(b *strings.Builder, fam Family, field func(indent string, sf skeletonField)) {
	task := "The Hub task id, such as text-classification, if the model has one."
	if len(fam.Tasks) > 0 {
		task = "The Hub task id; this family's are: " + strings.Join(fam.Tasks, ", ") + "."
	}
	fields := []skeletonField{
		{"language", "The languages the model handles, as ISO 639 codes: one code, or a list such as [en, fr].", ""},
		{"license", "The licence id, such as apache-2.0 or mit; write `other` for a custom licence and fill in the two keys below.", ""},
		{"license_name", "For a custom licence: a short id for it, such as acme-research-1.0.", ""},
		{"license_link", "For a custom licence: a link to its text, or the name of a file in the repository such as LICENSE.md.", ""},
		{"library_name", "The library that loads the model, such as transformers, diffusers, timm or sklearn.", ""},
		{"pipeline_tag", task, ""},
		{"tags", "Tags that help people find the model, as a list (replace []).", "[]"},
		{"datasets", "Hub ids of the training datasets, as a list (replace []).", "[]"},
		{"metrics", "Hub ids of the metrics reported, as a list (replace []). Alternatively, a mapping such as " +
			"`{accuracy: 0.91}` gives quick results without a dataset, to be completed later.", "[]"},
		{"base_model", "The id of the model this one was fine-tuned, quantised or merged from; a list for a merge.", ""},
		{"metadata", "Any further Hub metadata keys (thumbnail, widget, co2_eq_emissions, ...) as `key: value` " +
			"lines indented below (replace {}); they are copied into the card as they are.", "{}"},
	}
	for i, sf := range fields {
		if i > 0 {
			b.WriteString("\n")
		}
		field("", sf)
	}
}

// skeletonWrap breaks text into lines of at most width characters, at spaces
// outside `code` spans.
func skeletonWrap(text string, width int) []string {
	var words []string
	for _, w := range strings.Fields(text) {
		if n := len(words); n > 0 && strings.Count(words[n-1], "`")%2 == 1 {
			words[n-1] += " " + w
			continue
		}
		words = append(words, w)
	}
	var (
		lines []string
		cur   string
	)
	for _, w := range words {
		switch {
		case cur == "":
			cur = w
		case len(cur)+1+len(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
