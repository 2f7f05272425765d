package card

import "slices"

// families is the table of template families, in the order they are listed
// to users. It is read-only after package initialisation.
var families = []Family{
	{
		ID:    FamilyLLM,
		Title: "Text generation and chat LLMs",
		Tasks: []string{"text-generation", "conversational"},
		Metrics: []string{"accuracy", "acc_norm", "exact_match", "pass@1", "perplexity",
			"win_rate", "toxicity"},
		SectionTitle: "Language Model Specifics",
		Fields: []FamilyField{
			{"prompt_format", "Prompt Format", "Show the chat template or prompt layout the model was tuned on, with the special tokens, as a code block."},
			{"context_length", "Context Length", "Give the maximum number of tokens the model attends to, and whether longer inputs are truncated or rejected."},
			{"tokenizer", "Tokenizer", "Name the tokenizer and its vocabulary size."},
			{"safety_evaluation", "Safety Evaluation", "Describe red-teaming, refusal and toxicity evaluations, with the benchmarks and the results."},
			{"alignment", "Alignment and Fine-tuning", "Describe instruction tuning and preference optimisation (SFT, RLHF, DPO, ...) and the data used for them."},
		},
	},
	{
		ID:    FamilyNLP,
		Title: "Text classification and encoder NLP",
		Tasks: []string{"text-classification", "token-classification", "question-answering",
			"fill-mask", "sentence-similarity", "feature-extraction", "zero-shot-classification",
			"table-question-answering", "text-ranking", "multiple-choice"},
		Metrics:      []string{"accuracy", "f1", "precision", "recall", "exact_match", "spearmanr", "ndcg@10"},
		SectionTitle: "Text Processing Specifics",
		Fields: []FamilyField{
			{"labels", "Labels", "List the output labels or entity types and what each one means."},
			{"max_sequence_length", "Maximum Sequence Length", "Give the longest input, in tokens, the model accepts, and what happens to longer ones."},
			{"tokenizer", "Tokenizer", "Name the tokenizer, whether it is cased, and its vocabulary size."},
			{"embedding_dimension", "Embedding Dimension", "For embedding models, give the size of the output vector and the pooling used."},
		},
	},
	{
		ID:           FamilySeq2Seq,
		Title:        "Sequence-to-sequence (translation, summarization)",
		Tasks:        []string{"translation", "summarization", "text2text-generation"},
		Metrics:      []string{"bleu", "sacrebleu", "chrf", "comet", "rouge1", "rouge2", "rougeL", "meteor"},
		SectionTitle: "Sequence-to-Sequence Specifics",
		Fields: []FamilyField{
			{"language_pairs", "Language Pairs", "List the source and target languages (or input and output styles) the model supports."},
			{"max_input_length", "Maximum Input Length", "Give the longest input, in tokens, and how longer documents are handled."},
			{"max_output_length", "Maximum Output Length", "Give the longest output the model produces and the decoding settings used."},
			{"decoding", "Decoding", "Describe the recommended decoding strategy: beam size, length penalty, sampling."},
		},
	},
	{
		ID:    FamilyVision,
		Title: "Computer vision",
		Tasks: []string{"image-classification", "object-detection", "image-segmentation",
			"depth-estimation", "image-feature-extraction", "keypoint-detection", "mask-generation",
			"video-classification", "zero-shot-object-detection", "image-to-3d"},
		Metrics:      []string{"accuracy", "top5_accuracy", "mAP", "mAP@0.5", "mean_iou", "abs_rel", "f1"},
		SectionTitle: "Vision Specifics",
		Fields: []FamilyField{
			{"input_resolution", "Input Resolution", "Give the image size the model expects (for example 224x224) and the colour channels."},
			{"preprocessing", "Image Preprocessing", "Describe resizing, cropping, normalisation (mean and standard deviation) and any augmentation at inference."},
			{"classes", "Classes", "List the classes or label set, or link to it, and say how many there are."},
			{"backbone", "Backbone", "Name the backbone network and its pretraining."},
		},
	},
	{
		ID:    FamilyImageGeneration,
		Title: "Image generation",
		Tasks: []string{"text-to-image", "image-to-image", "unconditional-image-generation",
			"text-to-video", "image-to-video", "text-to-3d"},
		Metrics:      []string{"fid", "clip_score", "inception_score", "human_preference"},
		SectionTitle: "Image Generation Specifics",
		Fields: []FamilyField{
			{"output_resolution", "Output Resolution", "Give the resolutions the model generates well and the aspect ratios it supports."},
			{"sampler", "Sampler and Steps", "Give the recommended scheduler, number of steps and guidance scale."},
			{"prompting", "Prompting", "Explain how to write prompts and negative prompts for this model, with an example."},
			{"content_safety", "Content Safety", "Describe the safety checker or filters, what they block, and how they were evaluated."},
			{"watermarking", "Watermarking", "Say whether outputs are watermarked or labelled as generated, and how."},
		},
	},
	{
		ID:    FamilyAudio,
		Title: "Audio and speech",
		Tasks: []string{"automatic-speech-recognition", "text-to-speech", "audio-classification",
			"audio-to-audio", "voice-activity-detection", "text-to-audio", "audio-text-to-text"},
		Metrics:      []string{"wer", "cer", "mos", "accuracy", "f1"},
		SectionTitle: "Audio Specifics",
		Fields: []FamilyField{
			{"sampling_rate", "Sampling Rate", "Give the sampling rate the model expects (for example 16 kHz) and whether audio is resampled."},
			{"audio_length", "Audio Length", "Give the longest audio segment processed at once and how longer recordings are chunked."},
			{"speakers", "Speakers and Accents", "Describe the speakers, accents and recording conditions covered by the training data."},
			{"consent", "Voice Consent", "For voice synthesis, say how consent was obtained from the voices in the data."},
		},
	},
	{
		ID:    FamilyMultimodal,
		Title: "Multimodal",
		Tasks: []string{"image-text-to-text", "visual-question-answering", "document-question-answering",
			"zero-shot-image-classification", "image-to-text", "video-text-to-text", "any-to-any",
			"visual-document-retrieval"},
		Metrics:      []string{"accuracy", "vqa_accuracy", "anls", "cider", "recall@1"},
		SectionTitle: "Multimodal Specifics",
		Fields: []FamilyField{
			{"modalities", "Modalities", "List the input and output modalities (text, images, video, audio) and how they are combined."},
			{"image_resolution", "Image Resolution", "Give the image sizes the vision encoder accepts and how larger images are tiled or resized."},
			{"prompt_format", "Prompt Format", "Show how images and text are placed in the prompt, with the special tokens."},
			{"context_length", "Context Length", "Give the maximum context in tokens, counting image tokens."},
		},
	},
	{
		ID:           FamilyRL,
		Title:        "Reinforcement learning and robotics",
		Tasks:        []string{"reinforcement-learning", "robotics"},
		Metrics:      []string{"mean_reward", "success_rate", "episode_length"},
		SectionTitle: "Agent Specifics",
		Fields: []FamilyField{
			{"environment", "Environment", "Name the environment or robot, its version, and the observation and action spaces."},
			{"reward", "Reward", "Describe the reward function and any shaping."},
			{"algorithm", "Algorithm", "Name the learning algorithm and the library that implements it."},
			{"safety_constraints", "Safety Constraints", "For physical systems, describe limits, fail-safes and the conditions tested."},
		},
	},
	{
		ID:           FamilyTabular,
		Title:        "Tabular and time series",
		Tasks:        []string{"tabular-classification", "tabular-regression", "time-series-forecasting"},
		Metrics:      []string{"accuracy", "roc_auc", "f1", "rmse", "mae", "mape", "mase"},
		SectionTitle: "Tabular Specifics",
		Fields: []FamilyField{
			{"features", "Input Features", "List the input columns with their types and units, and how missing values are handled."},
			{"target", "Target", "Name the predicted column, its type and its distribution in the training data."},
			{"horizon", "Forecast Horizon", "For time series, give the forecast horizon, the frequency and the context window."},
			{"drift_monitoring", "Drift Monitoring", "Say how input and prediction drift are monitored once deployed."},
		},
	},
	{
		ID:           FamilyGeneric,
		Title:        "Generic",
		Tasks:        nil,
		Metrics:      nil,
		SectionTitle: "Model Specifics",
		Fields: []FamilyField{
			{"inputs", "Inputs", "Describe the model's inputs: format, shape, units."},
			{"outputs", "Outputs", "Describe the model's outputs and how to read them."},
		},
	},
}

// Families returns every template family, generic last.
func Families() []Family {
	return slices.Clone(families)
}

// LookupFamily returns the family with the given id.
func LookupFamily(id FamilyID) (Family, bool) {
	for _, f := range families {
		if f.ID == id {
			return f, true
		}
	}
	return Family{}, false
}

// FamilyIDs returns the ids of every family.
func FamilyIDs() []FamilyID {
	ids := make([]FamilyID, len(families))
	for i, f := range families {
		ids[i] = f.ID
	}
	return ids
}

// FamilyForTask returns the family a Hub pipeline tag belongs to, and false
// when the tag belongs to no family (the generic family is then the answer).
func FamilyForTask(task string) (FamilyID, bool) {
	for _, f := range families {
		if slices.Contains(f.Tasks, task) {
			return f.ID, true
		}
	}
	return FamilyGeneric, false
}
