package card

import "strings"

// Ids of the facts inside sections that get their own needs-information
// marker, besides the section ids and "specifics.<key>". Each is the id of
// its section followed by the name of the fact.
const (
	// GuidanceSummary is the id of the card's opening summary.
	GuidanceSummary = "summary"
	// GuidanceModelName is the id of the model's name (the card title).
	GuidanceModelName = "model_details.model_id"
	// GuidanceDevelopedBy is the id of the "Developed by" fact.
	GuidanceDevelopedBy = "model_details.description.developed_by"
	// GuidanceModelType is the id of the "Model type" fact.
	GuidanceModelType = "model_details.description.model_type"
	// GuidanceRepository is the id of the code repository link.
	GuidanceRepository = "model_details.sources.repository"
	// GuidanceHardwareType is the id of the training hardware fact.
	GuidanceHardwareType = "environmental_impact.hardware_type"
	// GuidanceHoursUsed is the id of the training time fact.
	GuidanceHoursUsed = "environmental_impact.hours_used"
	// GuidanceCloudProvider is the id of the cloud provider fact.
	GuidanceCloudProvider = "environmental_impact.cloud_provider"
	// GuidanceComputeRegion is the id of the compute region fact.
	GuidanceComputeRegion = "environmental_impact.compute_region"
	// GuidanceCarbonEmitted is the id of the carbon emission fact.
	GuidanceCarbonEmitted = "environmental_impact.carbon_emitted"
)

// specificsPrefix starts the id of a family field: "specifics.<key>".
const specificsPrefix = "specifics."

// genericGuidance tells the author what to write for each canonical section
// and for each fact with its own marker, and why readers need it. Read-only.
var genericGuidance = map[string]string{
	GuidanceSummary:   "Write one or two sentences on what the model is and what it does, so that someone scanning a list of models can tell at once whether this one is relevant.",
	GuidanceModelName: "Set the model's repository id (model_id) or a display name (pretty_name), so the card says which model it documents.",

	string(SecModelDetails):     "Say who built the model, what kind of model it is and where its code and paper can be found.",
	string(SecModelDescription): "Describe the model in a paragraph: what it takes as input, what it produces, how it was built and what it is for. Readers decide from this whether the model fits their need.",
	GuidanceDevelopedBy:         "Name the people or organisation that built the model, so readers know who is accountable for it and whom to ask.",
	GuidanceModelType:           "Say what kind of model this is (architecture family, number of parameters, modality), so readers can compare it with alternatives.",
	string(SecModelSources):     "Link the code repository, and the paper and demo when there are any, so readers can check how the model was built.",
	GuidanceRepository:          "Link the repository holding the training or inference code, so that others can inspect the work and reproduce it.",

	string(SecUses):                  "Say whom the model is for, how it is meant to be used, and who may be affected by its outputs.",
	string(SecDirectUse):             "Describe what the model can be used for as it is, without fine-tuning or a larger system around it. Users rely on this to decide whether it fits their task.",
	string(SecDownstreamUse):         "Describe how the model can be fine-tuned or built into a larger application, and what that takes (data, compute, adapters).",
	string(SecOutOfScopeUse):         "List the uses the model was not designed or evaluated for, and the uses that would cause harm, so that nobody deploys it there by mistake.",
	string(SecBiasRisksLimitations):  "Describe where the model fails, whom it may serve worse than others, and what harm misuse could cause. Being candid here protects users and the people affected by the model's outputs.",
	string(SecRecommendations):       "Tell users what to do about those risks: checks to add, people to keep in the loop, inputs or settings to avoid.",
	string(SecEthicalConsiderations): "Describe the ethical questions raised by the data or by the use of the model (sensitive data, consent, dual use) and how they were handled.",

	string(SecGetStarted):      "Show the shortest working code that loads the model and runs it on one input, in a code block, so users start from an example known to work.",
	string(SecFamilySpecifics): "Give the facts particular to this kind of model, listed below; users need them to run the model correctly.",

	string(SecTraining):          "Describe the data and the procedure used to train the model.",
	string(SecTrainingData):      "Describe the training data (sources, size, languages, time span, filtering), ideally linking its dataset card. The data decides what the model can and cannot do.",
	string(SecTrainingProcedure): "Describe how the model was trained, in enough detail for others to judge and reproduce it.",
	string(SecPreprocessing):     "Describe how the raw data was cleaned, deduplicated, tokenised or otherwise transformed before training.",
	string(SecHyperparameters):   "List the training hyperparameters (learning rate, batch size, epochs, optimiser, schedule) and the precision regime (fp32, bf16 mixed, ...), so the run can be reproduced.",
	string(SecSpeedsSizesTimes):  "Give measured figures such as throughput, training time and checkpoint size.",

	string(SecEvaluation):            "Describe how the model was evaluated and what it scored.",
	string(SecTestingFactorsMetrics): "Describe the evaluation data, the factors results were broken down by, and the metrics used.",
	string(SecTestingData):           "Describe the evaluation data, ideally linking its dataset card, and say how it differs from the training data; results mean little without it.",
	string(SecFactors):               "List the factors the results were broken down by (subgroups of people, domains, input conditions), so readers can see where the model does worse.",
	string(SecMetrics):               "Name the metrics used, say why they suit the task and what trade-offs they hide.",
	string(SecResults):               "Give the measured results as structured eval results (task, dataset, split, metric, value for each number), so they also appear in the model-index metadata that the Hub displays.",
	string(SecResultsSummary):        "Summarise in prose what the results show, including where the model falls short.",
	string(SecModelExamination):      "Describe any interpretability or explainability work done on the model and what it found.",

	string(SecEnvironmentalImpact): "Give the facts needed to estimate the carbon footprint of training: hardware, hours, cloud provider, region and emissions (the ML CO2 Impact calculator can estimate the last from the others).",
	GuidanceHardwareType:           "Name the hardware the model was trained on, such as the accelerator model and how many were used.",
	GuidanceHoursUsed:              "Give the total training time in hours.",
	GuidanceCloudProvider:          "Name the cloud provider, or say that the training ran on your own hardware.",
	GuidanceComputeRegion:          "Give the region or country of the data centre; the carbon intensity of its electricity depends on it.",
	GuidanceCarbonEmitted:          "Give the estimated emissions in kg CO2eq and say how they were estimated.",

	string(SecTechnicalSpecs): "Describe the architecture, the objective and the compute infrastructure.",
	string(SecArchitecture):   "Describe the architecture (layers, parameters, attention or convolution type) and the training objective.",
	string(SecCompute):        "Describe the compute infrastructure used to train the model.",
	string(SecHardware):       "Describe the hardware used for training and the hardware needed for inference (accelerators, memory).",
	string(SecSoftware):       "List the frameworks and libraries, with their versions, used to train and run the model.",

	string(SecCitation):        "Give a BibTeX entry (and an APA citation if you wish) for the paper or the model, so others can credit the work.",
	string(SecGlossary):        "Define the terms and abbreviations used in this card that readers may not know.",
	string(SecMoreInformation): "Add anything else readers should know, or links to further documentation.",
	string(SecCardAuthors):     "Name the people who wrote this card.",
	string(SecContact):         "Say how to reach the card's authors with questions or reports of problems.",
	string(SecLicense):         "Set the license in the metadata as a Hub license id; when it is \"other\", also set license_name and license_link, so users know the terms of use.",
}

// familyGuidance replaces the generic guidance where a family needs its own
// words. Read-only; the Metrics entries are completed from each family's
// metric list by buildGuidance.
var familyGuidance = map[FamilyID]map[string]string{
	FamilyLLM: {
		string(SecOutOfScopeUse):        "List the uses the model was not designed or evaluated for. Say in particular whether it must not give high-stakes advice (medical, legal, financial), impersonate real people, produce disinformation or spam, or take decisions about individuals without human review.",
		string(SecBiasRisksLimitations): "Describe how the model fails: made-up facts stated with confidence, biased or toxic output, leaking training data, sensitivity to prompt wording, weaker results in some languages. Say whom these failures hurt.",
		string(SecGetStarted):           "Show the shortest working code that loads the model and generates a reply using its chat template or prompt format, in a code block.",
		string(SecFactors):              "List the factors results were broken down by: languages, domains, prompt styles, and the groups of people mentioned in prompts.",
	},
	FamilyNLP: {
		string(SecOutOfScopeUse):        "List the uses the model was not designed or evaluated for, such as automated decisions about people (hiring, moderation, credit) without human review, or languages and domains absent from its training data.",
		string(SecBiasRisksLimitations): "Describe where the model fails: domains, dialects and text lengths it handles poorly, labels it confuses, and groups of people for whom its errors are more frequent.",
		string(SecFactors):              "List the factors results were broken down by: domain, language or dialect, text length, and label.",
	},
	FamilySeq2Seq: {
		string(SecOutOfScopeUse):        "List the uses the model was not designed or evaluated for, such as unreviewed translation or summarisation of legal, medical or safety-critical documents, or language pairs it was not trained on.",
		string(SecBiasRisksLimitations): "Describe where the model fails: omitted or invented content, gendered or otherwise biased translations, low-resource languages and long documents.",
		string(SecFactors):              "List the factors results were broken down by: language pair or direction, domain, and input length.",
	},
	FamilyVision: {
		string(SecOutOfScopeUse):        "List the uses the model was not designed or evaluated for. Say in particular whether it must not be used for surveillance, for identifying or tracking people, or in safety-critical settings (driving, medical diagnosis) without validation there.",
		string(SecBiasRisksLimitations): "Describe where the model fails: lighting, image quality, camera types and regions it handles poorly, and performance gaps across skin tones, ages or genders when people appear in images.",
		string(SecFactors):              "List the factors results were broken down by: image conditions (lighting, resolution, occlusion, camera) and, where people appear, demographic groups.",
	},
	FamilyImageGeneration: {
		string(SecOutOfScopeUse):        "List the uses the model was not designed for, such as deceptive or non-consensual images of real people, impersonation, and content that breaks the license or platform rules.",
		string(SecBiasRisksLimitations): "Describe the model's failures and risks: stereotypes in generated people, memorised training images, imitation of living artists' styles, and prompts it renders poorly (text, hands, counts).",
		string(SecGetStarted):           "Show the shortest working code that loads the pipeline and generates one image from a prompt, in a code block, with the recommended settings.",
	},
	FamilyAudio: {
		string(SecOutOfScopeUse):        "List the uses the model was not designed or evaluated for, such as cloning a person's voice without consent, covert recording or surveillance, and transcription where errors have legal or medical consequences.",
		string(SecBiasRisksLimitations): "Describe where the model fails: accents, dialects, ages, background noise and recording conditions it handles poorly, and the harm its errors could cause.",
		string(SecFactors):              "List the factors results were broken down by: accent or dialect, speaker age and gender, noise level and recording device.",
	},
	FamilyMultimodal: {
		string(SecOutOfScopeUse):        "List the uses the model was not designed or evaluated for, such as identifying people in images, surveillance, and relying on its answers about images for medical or safety decisions.",
		string(SecBiasRisksLimitations): "Describe where the model fails: describing things absent from the image, reading small text, counting, and biased descriptions of people.",
	},
	FamilyRL: {
		string(SecOutOfScopeUse):        "List the uses the agent was not designed or evaluated for, such as running the policy on physical systems or in environments outside the conditions it was trained and tested in.",
		string(SecBiasRisksLimitations): "Describe where the agent fails: environment variations, unexpected states, reward hacking, and what could go wrong on real hardware.",
		string(SecFactors):              "List the factors results were broken down by: environment seeds, variations and perturbations.",
	},
	FamilyTabular: {
		string(SecOutOfScopeUse):        "List the uses the model was not designed or evaluated for, such as decisions about individuals (credit, hiring, insurance) beyond what the training population supports, or data from another population or period.",
		string(SecBiasRisksLimitations): "Describe where the model fails: subgroups with fewer rows, proxies for protected attributes among the features, and drift since the training period.",
		string(SecFactors):              "List the factors results were broken down by: subgroups of the population, time periods and segments of the data.",
	},
}

// guidanceTables holds, per family, the guidance for every id, built once.
var guidanceTables = buildGuidance()

func buildGuidance() map[FamilyID]map[string]string {
	out := make(map[FamilyID]map[string]string, len(families))
	for _, f := range families {
		t := make(map[string]string, len(genericGuidance)+len(f.Fields)+4)
		for id, g := range genericGuidance {
			t[id] = g
		}
		for id, g := range familyGuidance[f.ID] {
			t[id] = g
		}
		if len(f.Metrics) > 0 {
			t[string(SecMetrics)] = genericGuidance[string(SecMetrics)] +
				" For " + strings.ToLower(f.Title) + ", readers expect to see " +
				strings.Join(f.Metrics, ", ") + "."
		}
		for _, fld := range f.Fields {
			t[specificsPrefix+fld.Key] = fld.Guidance
		}
		out[f.ID] = t
	}
	return out
}

// Guidance returns what the author should write for a missing fact, in the
// words of the given template family ("" means generic): id is a canonical
// section id, one of the Guidance* ids, or "specifics.<key>" for a field of
// the family. It returns "" for an id it does not know.
func Guidance(family FamilyID, id string) string {
	if family == "" {
		family = FamilyGeneric
	}
	t, ok := guidanceTables[family]
	if !ok {
		t = guidanceTables[FamilyGeneric]
	}
	return t[id]
}
