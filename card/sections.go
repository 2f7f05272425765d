package card

// The canonical sections. Their ids are dotted paths: "uses.direct" is the
// "Direct Use" subsection of "Uses". The set follows the Hub's model card
// template, plus the sections of Mitchell et al. (2019) that the template
// folds elsewhere, plus the family-specific section.
const (
	SecModelDetails          SectionID = "model_details"
	SecModelDescription      SectionID = "model_details.description"
	SecModelSources          SectionID = "model_details.sources"
	SecUses                  SectionID = "uses"
	SecDirectUse             SectionID = "uses.direct"
	SecDownstreamUse         SectionID = "uses.downstream"
	SecOutOfScopeUse         SectionID = "uses.out_of_scope"
	SecBiasRisksLimitations  SectionID = "bias_risks_limitations"
	SecRecommendations       SectionID = "bias_risks_limitations.recommendations"
	SecEthicalConsiderations SectionID = "ethical_considerations"
	SecGetStarted            SectionID = "get_started"
	SecTraining              SectionID = "training"
	SecTrainingData          SectionID = "training.data"
	SecTrainingProcedure     SectionID = "training.procedure"
	SecPreprocessing         SectionID = "training.procedure.preprocessing"
	SecHyperparameters       SectionID = "training.procedure.hyperparameters"
	SecSpeedsSizesTimes      SectionID = "training.procedure.speeds_sizes_times"
	SecEvaluation            SectionID = "evaluation"
	SecTestingFactorsMetrics SectionID = "evaluation.testing_factors_metrics"
	SecTestingData           SectionID = "evaluation.testing_factors_metrics.testing_data"
	SecFactors               SectionID = "evaluation.testing_factors_metrics.factors"
	SecMetrics               SectionID = "evaluation.testing_factors_metrics.metrics"
	SecResults               SectionID = "evaluation.results"
	SecResultsSummary        SectionID = "evaluation.results.summary"
	SecModelExamination      SectionID = "model_examination"
	SecEnvironmentalImpact   SectionID = "environmental_impact"
	SecTechnicalSpecs        SectionID = "technical_specifications"
	SecArchitecture          SectionID = "technical_specifications.architecture"
	SecCompute               SectionID = "technical_specifications.compute"
	SecHardware              SectionID = "technical_specifications.compute.hardware"
	SecSoftware              SectionID = "technical_specifications.compute.software"
	SecCitation              SectionID = "citation"
	SecGlossary              SectionID = "glossary"
	SecMoreInformation       SectionID = "more_information"
	SecCardAuthors           SectionID = "card_authors"
	SecContact               SectionID = "contact"
	SecFamilySpecifics       SectionID = "family_specifics"
	SecLicense               SectionID = "license"
)

// CanonicalSection describes one canonical section.
type CanonicalSection struct {
	// ID is the section's id.
	ID SectionID
	// Title is the heading the Hub template gives it.
	Title string
	// Level is its heading level in a rendered card (1 is the card title).
	Level int
	// Optional is true for sections the Hub template marks [optional].
	Optional bool
}

// canonicalSections lists the canonical sections in template order.
var canonicalSections = []CanonicalSection{
	{SecModelDetails, "Model Details", 2, false},
	{SecModelDescription, "Model Description", 3, false},
	{SecModelSources, "Model Sources", 3, true},
	{SecUses, "Uses", 2, false},
	{SecDirectUse, "Direct Use", 3, false},
	{SecDownstreamUse, "Downstream Use", 3, true},
	{SecOutOfScopeUse, "Out-of-Scope Use", 3, false},
	{SecBiasRisksLimitations, "Bias, Risks, and Limitations", 2, false},
	{SecRecommendations, "Recommendations", 3, false},
	{SecEthicalConsiderations, "Ethical Considerations", 2, true},
	{SecGetStarted, "How to Get Started with the Model", 2, false},
	{SecTraining, "Training Details", 2, false},
	{SecTrainingData, "Training Data", 3, false},
	{SecTrainingProcedure, "Training Procedure", 3, false},
	{SecPreprocessing, "Preprocessing", 4, true},
	{SecHyperparameters, "Training Hyperparameters", 4, false},
	{SecSpeedsSizesTimes, "Speeds, Sizes, Times", 4, true},
	{SecEvaluation, "Evaluation", 2, false},
	{SecTestingFactorsMetrics, "Testing Data, Factors & Metrics", 3, false},
	{SecTestingData, "Testing Data", 4, false},
	{SecFactors, "Factors", 4, false},
	{SecMetrics, "Metrics", 4, false},
	{SecResults, "Results", 3, false},
	{SecResultsSummary, "Summary", 4, false},
	{SecModelExamination, "Model Examination", 2, true},
	{SecEnvironmentalImpact, "Environmental Impact", 2, false},
	{SecTechnicalSpecs, "Technical Specifications", 2, true},
	{SecArchitecture, "Model Architecture and Objective", 3, false},
	{SecCompute, "Compute Infrastructure", 3, false},
	{SecHardware, "Hardware", 4, false},
	{SecSoftware, "Software", 4, false},
	{SecCitation, "Citation", 2, true},
	{SecGlossary, "Glossary", 2, true},
	{SecMoreInformation, "More Information", 2, true},
	{SecCardAuthors, "Model Card Authors", 2, true},
	{SecContact, "Model Card Contact", 2, false},
	{SecFamilySpecifics, "Family Specifics", 2, false},
	{SecLicense, "License", 2, true},
}

// CanonicalSections returns the canonical sections in template order.
func CanonicalSections() []CanonicalSection {
	out := make([]CanonicalSection, len(canonicalSections))
	copy(out, canonicalSections)
	return out
}

// LookupSection returns the canonical section with the given id.
func LookupSection(id SectionID) (CanonicalSection, bool) {
	for _, s := range canonicalSections {
		if s.ID == id {
			return s, true
		}
	}
	return CanonicalSection{}, false
}
