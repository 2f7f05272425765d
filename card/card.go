// Package card is the model-card domain of modelcard-generator: the one
// in-memory Card, the parsers that read Hugging Face cards and model specs into
// it, the renderers that write it back out, the canonical sections with their
// synonyms, the template families, and the structural validator.
package card

// Card is one model card in memory.
//
// A Card read from a Hugging Face README keeps the exact bytes of its YAML
// block and of its body, so that rendering it unchanged reproduces the input
// byte for byte. A Card built from a spec has no source bytes and is rendered
// from its Content and Meta.
type Card struct {
	// Meta is the Hub metadata (the YAML block), in its original key order,
	// unknown keys included.
	Meta *Metadata
	// Content holds the structured facts of the card: details, uses,
	// limitations, training, evaluation, environmental impact and so on.
	Content Content
	// Body is the markdown body as a tree of sections. It is nil for a card
	// that was built from a spec and not rendered yet.
	Body *Body
	// Family is the template family of the card, when known. Parse takes
	// it from the pipeline_tag metadata, else from the heading of a
	// family's own section ("Language Model Specifics", or its
	// translation).
	Family FamilyID
	// source keeps the parse result needed for a byte-exact round trip.
	source *sourceLayout
}

// sourceLayout remembers how a parsed card was laid out in its file.
type sourceLayout struct {
	// head is everything before the body: leading whitespace, both fences and
	// the YAML text, exactly as read. Empty when the card had no YAML block.
	head string
	// yamlText is the YAML text between the fences, exactly as read.
	yamlText string
	// yamlLine is the 1-based line of the file on which yamlText starts.
	yamlLine int
	// body is the markdown after the closing fence, exactly as read.
	body string
}

// Content is the structured, human-readable content of a card. Every text
// field holds Markdown. An empty field is an unknown fact: renderers mark it
// as needing information and never invent it.
type Content struct {
	// ModelID is the model's repository id, such as "org/name".
	ModelID string `json:"model_id,omitempty"`
	// PrettyName is the model's display name; ModelID is used when empty.
	PrettyName string `json:"pretty_name,omitempty"`
	// Summary is a one- or two-sentence summary of what the model is.
	Summary string `json:"summary,omitempty"`
	// Description is the longer model description.
	Description string `json:"description,omitempty"`
	// DevelopedBy names the people or organisation that built the model.
	DevelopedBy string `json:"developed_by,omitempty"`
	// FundedBy names who paid for the work.
	FundedBy string `json:"funded_by,omitempty"`
	// SharedBy names who published the model.
	SharedBy string `json:"shared_by,omitempty"`
	// ModelType describes the kind of model (architecture family, size).
	ModelType string `json:"model_type,omitempty"`
	// Version is the model's version string.
	Version string `json:"version,omitempty"`
	// Repository is a link to the source code.
	Repository string `json:"repository,omitempty"`
	// Paper is a link to the paper or blog post.
	Paper string `json:"paper,omitempty"`
	// Demo is a link to a demo.
	Demo string `json:"demo,omitempty"`

	// DirectUse says how the model is used as it is.
	DirectUse string `json:"direct_use,omitempty"`
	// DownstreamUse says how the model is used when fine-tuned or built into
	// a larger system.
	DownstreamUse string `json:"downstream_use,omitempty"`
	// OutOfScopeUse lists uses the model is not meant or fit for.
	OutOfScopeUse string `json:"out_of_scope_use,omitempty"`
	// BiasRisksLimitations describes known biases, risks and limitations.
	BiasRisksLimitations string `json:"bias_risks_limitations,omitempty"`
	// Recommendations tells users how to handle those risks.
	Recommendations string `json:"recommendations,omitempty"`
	// GetStarted shows how to load and run the model.
	GetStarted string `json:"get_started,omitempty"`

	// TrainingData describes the data the model was trained on.
	TrainingData string `json:"training_data,omitempty"`
	// Preprocessing describes how the training data was prepared.
	Preprocessing string `json:"preprocessing,omitempty"`
	// TrainingRegime is the precision regime (fp32, bf16 mixed, ...).
	TrainingRegime string `json:"training_regime,omitempty"`
	// Hyperparameters lists training hyperparameters in their given order.
	Hyperparameters []KeyValue `json:"hyperparameters,omitempty"`
	// SpeedsSizesTimes gives throughput, checkpoint sizes, training time.
	SpeedsSizesTimes string `json:"speeds_sizes_times,omitempty"`

	// TestingData describes the evaluation data.
	TestingData string `json:"testing_data,omitempty"`
	// Factors lists the factors evaluation was disaggregated by.
	Factors string `json:"factors,omitempty"`
	// MetricsDescription explains which metrics were used and why.
	MetricsDescription string `json:"metrics_description,omitempty"`
	// EvalResults are the structured evaluation results.
	EvalResults []EvalResult `json:"eval_results,omitempty"`
	// ResultsSummary summarises the results in prose.
	ResultsSummary string `json:"results_summary,omitempty"`
	// ModelExamination describes interpretability work.
	ModelExamination string `json:"model_examination,omitempty"`

	// Environment is the environmental impact of training.
	Environment EnvironmentalImpact `json:"environmental_impact,omitempty"`

	// Architecture describes the model architecture and objective.
	Architecture string `json:"architecture,omitempty"`
	// ComputeHardware describes the hardware used.
	ComputeHardware string `json:"compute_hardware,omitempty"`
	// ComputeSoftware describes the software used.
	ComputeSoftware string `json:"compute_software,omitempty"`

	// CitationBibTeX is the BibTeX entry to cite the model.
	CitationBibTeX string `json:"citation_bibtex,omitempty"`
	// CitationAPA is the APA-style citation.
	CitationAPA string `json:"citation_apa,omitempty"`
	// Glossary defines terms used in the card.
	Glossary string `json:"glossary,omitempty"`
	// MoreInformation holds anything else worth saying.
	MoreInformation string `json:"more_information,omitempty"`
	// CardAuthors names the authors of the card.
	CardAuthors string `json:"card_authors,omitempty"`
	// Contact says how to reach the card's authors.
	Contact string `json:"contact,omitempty"`

	// Specifics holds the template family's own fields (an LLM's prompt
	// format and context length, a vision model's input resolution, an RL
	// agent's environment and reward, ...), keyed by FamilyField.Key.
	Specifics map[string]string `json:"specifics,omitempty"`
}

// KeyValue is one named value, kept in the order it was given.
type KeyValue struct {
	// Key is the name.
	Key string `json:"key"`
	// Value is the value as text.
	Value string `json:"value"`
}

// EnvironmentalImpact holds the facts of the ML CO2 impact calculator.
type EnvironmentalImpact struct {
	// HardwareType is the accelerator used, such as "8x A100 80GB".
	HardwareType string `json:"hardware_type,omitempty"`
	// HoursUsed is the training time in hours.
	HoursUsed string `json:"hours_used,omitempty"`
	// CloudProvider is the cloud the training ran on.
	CloudProvider string `json:"cloud_provider,omitempty"`
	// ComputeRegion is the region of that cloud.
	ComputeRegion string `json:"compute_region,omitempty"`
	// CarbonEmitted is the estimated emission, with its unit.
	CarbonEmitted string `json:"carbon_emitted,omitempty"`
}

// IsZero reports whether no environmental fact is known.
func (e EnvironmentalImpact) IsZero() bool {
	return e == EnvironmentalImpact{}
}
