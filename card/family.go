package card

// FamilyID names a template family: a group of Hub tasks whose cards share
// sections and evaluation metrics.
type FamilyID string

// The template families.
const (
	FamilyLLM             FamilyID = "llm"
	FamilyNLP             FamilyID = "nlp"
	FamilySeq2Seq         FamilyID = "seq2seq"
	FamilyVision          FamilyID = "vision"
	FamilyImageGeneration FamilyID = "image-generation"
	FamilyAudio           FamilyID = "audio"
	FamilyMultimodal      FamilyID = "multimodal"
	FamilyRL              FamilyID = "rl"
	FamilyTabular         FamilyID = "tabular"
	FamilyGeneric         FamilyID = "generic"
)

// FamilyField is one fact that a template family asks for beyond the Hub
// template: an LLM's prompt format, a vision model's input resolution.
type FamilyField struct {
	// Key is the field's key in a spec's `specifics` object.
	Key string
	// Title is the heading the field is rendered under.
	Title string
	// Guidance tells the author what to write when the fact is unknown.
	Guidance string
}

// Family describes one template family.
type Family struct {
	// ID is the family's identifier.
	ID FamilyID
	// Title is the family's human name.
	Title string
	// Tasks are the Hub pipeline tags that belong to the family.
	Tasks []string
	// Metrics are the metric ids its users expect to see evaluated.
	Metrics []string
	// Fields are the family's own facts, rendered in their own section.
	Fields []FamilyField
	// SectionTitle is the heading of the section holding Fields.
	SectionTitle string
}
