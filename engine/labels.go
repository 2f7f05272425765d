package engine

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
)

// The source repositories whose labels need their source to be read.
const (
	sourceOpenVINO  = "openvinotoolkit/open_model_zoo"
	sourceTFHub     = "tensorflow/tfhub.dev"
	sourceQualcomm  = "quic/ai-hub-models"
	sourceAzureML   = "Azure/azureml-assets"
	sourcePyTorch   = "pytorch/hub"
	reasonAmbiguous = "ambiguous without a source that says which modality"
)

// LabelRule is one rule of the corpus label mapping.
type LabelRule struct {
	// Label is the normalised label: lower case, hyphens for spaces and
	// underscores.
	Label string
	// Source is the source repository ("owner/name") the rule is limited
	// to; "" matches every source.
	Source string
	// Tag is the Hub pipeline tag; "" means the card is left out.
	Tag string
	// Note says why, for rules that are not plain synonyms.
	Note string
}

// labelRules is the mapping table; see the package comment above. Rules
// with a source come before the rule without one for the same label.
var labelRules = []LabelRule{
	{"conversational", "", "text-generation", "the Hub folded conversational into text-generation"},
	{"chat-completion", "", "text-generation", ""},
	{"text-prediction", "", "text-generation", ""},
	{"text-embedding", "", "feature-extraction", "sentence and word embedding models"},
	{"text-question-answering", "", "question-answering", ""},
	{"text-translation", "", "translation", ""},
	{"machine-translation", "", "translation", ""},
	{"text-summarization", "", "summarization", ""},
	{"named-entity-recognition", "", "token-classification", ""},
	{"classification", sourceOpenVINO, "image-classification", "OpenVINO's classification models are image classifiers"},
	{"classification", sourceTFHub, "image-classification", "TF Hub's classification models are image classifiers"},
	{"classification", "", "", reasonAmbiguous},
	{"detection", sourceOpenVINO, "object-detection", "OpenVINO's detection models detect objects in images"},
	{"detection", sourceTFHub, "object-detection", "TF Hub's detection models detect objects in images"},
	{"detection", "", "", reasonAmbiguous},
	{"image-classifier", "", "image-classification", ""},
	{"image-classification-logits", "", "image-classification", ""},
	{"image-object-detection", "", "object-detection", ""},
	{"image-feature-vector", "", "image-feature-extraction", ""},
	{"face-recognition", "", "image-feature-extraction", "face embedding models"},
	{"place-recognition", "", "image-feature-extraction", "image descriptor models"},
	{"embeddings", sourceAzureML, "", "Azure ML's embedding models embed images, molecules, proteins or single cells (3 of its 13 are not image models): the label does not say which"},
	{"embeddings", "", "", reasonAmbiguous},
	{"image-pose-detection", "", "keypoint-detection", ""},
	{"pose-estimation", "", "keypoint-detection", ""},
	{"human-pose-estimation", "", "keypoint-detection", ""},
	{"image-depth-estimation", "", "depth-estimation", ""},
	{"monocular-depth-estimation", "", "depth-estimation", ""},
	{"semantic-segmentation", "", "image-segmentation", ""},
	{"instance-segmentation", "", "image-segmentation", ""},
	{"background-matting", "", "image-segmentation", "a matte is a soft segmentation mask"},
	{"salient-object-detection", "", "image-segmentation", "outputs a saliency mask"},
	{"action-recognition", "", "video-classification", ""},
	{"optical-character-recognition", "", "image-to-text", ""},
	{"super-resolution", "", "image-to-image", ""},
	{"image-processing", "", "image-to-image", "super-resolution, deblurring, denoising"},
	{"image-inpainting", "", "image-to-image", ""},
	{"image-editing", "", "image-to-image", "inpainting"},
	{"colorization", "", "image-to-image", ""},
	{"style-transfer", "", "image-to-image", ""},
	{"image-translation", "", "image-to-image", ""},
	{"image-generator", "", "unconditional-image-generation", "GAN generators"},
	{"image-generation", sourceQualcomm, "text-to-image", "Qualcomm's image generators are text-to-image diffusion models"},
	{"image-generation", "", "", reasonAmbiguous},
	{"video-generation", sourceQualcomm, "image-to-video", "animates a still image"},
	{"video-generation", "", "", reasonAmbiguous},
	{"audio-stt", "", "automatic-speech-recognition", ""},
	{"speech-recognition", "", "automatic-speech-recognition", ""},
	{"audio-command-detection", "", "audio-classification", "spoken command classification"},
	{"sound-classification", "", "audio-classification", ""},
	{"noise-suppression", "", "audio-to-audio", ""},
	{"audio-enhancement", "", "audio-to-audio", ""},
	{"audio-generation", "", "text-to-audio", ""},
	{"time-series", "", "time-series-forecasting", ""},
	{"text-preprocessing", "", "", "tokenizers and preprocessors: no Hub task"},
	{"text-language-model", "", "", "multimodal and genomics encoders: no single Hub task"},
	{"image-rnn-agent", "", "", "image-painting agents: between reinforcement learning and image generation"},
	{"video-feature-extraction", "", "", "no Hub task"},
	{"video-text", "", "", "no Hub task"},
	{"video-audio-text", "", "", "no Hub task"},
	{"object-attributes", "", "", "attributes, landmarks and re-identification mixed: no single task"},
	{"head-pose-estimation", "", "", "no Hub task"},
	{"gaze-estimation", "", "", "no Hub task"},
	{"multi-object-tracking", "", "", "no Hub task"},
	{"video-object-tracking", "", "", "no Hub task"},
	{"driver-assistance", "", "", "an application, not a task"},
	{"simulation", "", "", "no Hub task"},
	{"multimodal-classification", "", "", "no Hub task"},
	{"materials-design", "", "", "no Hub task"},
	{"protein-design", "", "", "no Hub task"},
	{"environmental-forecasting", "", "", "no Hub task"},
	{"vision", sourcePyTorch, "", "a domain, not a task"},
	{"audio", sourcePyTorch, "", "a domain, not a task"},
	{"nlp", sourcePyTorch, "", "a domain, not a task"},
	{"vision,generative", sourcePyTorch, "", "a domain, not a task"},
	{"forecasting", sourcePyTorch, "", "a domain, not a task"},
	{"other", "", "", "names no task"},
}

// labelIndex maps a normalised label to the indexes of its rules, in
// table order. Built once, then read-only.
var labelIndex = func() map[string][]int {
	m := make(map[string][]int, len(labelRules))
	for i, r := range labelRules {
		m[r.Label] = append(m[r.Label], i)
	}
	return m
}()

// NormalizeLabelText lower-cases and trims a label and turns spaces and
// underscores into hyphens: "Image Classification" and
// "image_classification" both become "image-classification".
func NormalizeLabelText(label string) string {
	s := strings.ToLower(strings.TrimSpace(label))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' {
			return '-'
		}
		return r
	}, s)
}

// NormalizeTaskLabel maps a corpus task label onto a Hub pipeline tag.
// source is the repository the card came from ("owner/name", the corpus
// index's source_repo column), compared without regard to case; it
// disambiguates labels such as "detection". ok is false when the label maps
// to no Hub task: the card is then left out of training.
//
// The corpus's task labels come from many places (front-matter pipeline
// tags, TF Hub metadata comments, OpenVINO model.yml task types, Qualcomm
// AI Hub use cases, Azure ML spec files) and are not normalised. Before a
// label is used for training it is normalised (lower-cased, trimmed, spaces
// and underscores turned into hyphens) and then mapped onto a Hub pipeline
// tag:
//
//  1. a rule for the label and the card's source repository, if any;
//  2. else a rule for the label from any source;
//  3. else the label itself when it is a Hub pipeline tag;
//  4. else nothing: the card is left out of training and evaluation.
//
// The rules (source "" matches every source; tag "" leaves the card out):
//
//	label                          source                          tag
//	conversational                                                 text-generation
//	chat-completion                                                text-generation
//	text-prediction                                                text-generation
//	text-embedding                                                 feature-extraction
//	text-question-answering                                        question-answering
//	text-translation                                               translation
//	machine-translation                                            translation
//	text-summarization                                             summarization
//	named-entity-recognition                                       token-classification
//	classification                 openvinotoolkit/open_model_zoo  image-classification
//	classification                 tensorflow/tfhub.dev            image-classification
//	detection                      openvinotoolkit/open_model_zoo  object-detection
//	detection                      tensorflow/tfhub.dev            object-detection
//	image-classifier                                               image-classification
//	image-classification-logits                                    image-classification
//	image-object-detection                                         object-detection
//	image-feature-vector                                           image-feature-extraction
//	face-recognition                                               image-feature-extraction
//	place-recognition                                              image-feature-extraction
//	image-pose-detection                                           keypoint-detection
//	pose-estimation                                                keypoint-detection
//	human-pose-estimation                                          keypoint-detection
//	image-depth-estimation                                         depth-estimation
//	monocular-depth-estimation                                     depth-estimation
//	semantic-segmentation                                          image-segmentation
//	instance-segmentation                                          image-segmentation
//	background-matting                                             image-segmentation
//	salient-object-detection                                       image-segmentation
//	action-recognition                                             video-classification
//	optical-character-recognition                                  image-to-text
//	super-resolution                                               image-to-image
//	image-processing                                               image-to-image
//	image-inpainting                                               image-to-image
//	image-editing                                                  image-to-image
//	colorization                                                   image-to-image
//	style-transfer                                                 image-to-image
//	image-translation                                              image-to-image
//	image-generator                                                unconditional-image-generation
//	image-generation               quic/ai-hub-models              text-to-image
//	video-generation               quic/ai-hub-models              image-to-video
//	audio-stt                                                      automatic-speech-recognition
//	speech-recognition                                             automatic-speech-recognition
//	audio-command-detection                                        audio-classification
//	sound-classification                                           audio-classification
//	noise-suppression                                              audio-to-audio
//	audio-enhancement                                              audio-to-audio
//	audio-generation                                               text-to-audio
//	time-series                                                    time-series-forecasting
//	classification, detection (other sources)                      (left out: ambiguous)
//	embeddings (any source, Azure ML's too)                        (left out: ambiguous)
//	image-generation, video-generation (other sources)             (left out: ambiguous)
//	text-preprocessing                                             (left out: tokenizers)
//	text-language-model                                            (left out: no single task)
//	image-rnn-agent                                                (left out: no single task)
//	video-feature-extraction, video-text, video-audio-text         (left out: no Hub task)
//	object-attributes, head-pose-estimation, gaze-estimation       (left out: no single task)
//	multi-object-tracking, video-object-tracking                   (left out: no Hub task)
//	driver-assistance, simulation                                  (left out: no single task)
//	multimodal-classification, materials-design                    (left out: no Hub task)
//	protein-design, environmental-forecasting                      (left out: no Hub task)
//	vision, audio, nlp, vision,generative, forecasting             (left out: domains)
//	other                                                          (left out: no task)
//
// LabelMapping returns the rules of this table; LabelMappingMarkdown
// renders them for the README.
func NormalizeTaskLabel(label, source string) (tag string, ok bool) {
	key := NormalizeLabelText(label)
	if key == "" {
		return "", false
	}
	for _, i := range labelIndex[key] {
		r := labelRules[i]
		if r.Source == "" || strings.EqualFold(r.Source, strings.TrimSpace(source)) {
			return r.Tag, r.Tag != ""
		}
	}
	if card.IsHubTask(key) {
		return key, true
	}
	return "", false
}

// LabelMapping returns the label mapping rules in the order they are
// applied. Labels that no rule names map to themselves when they are Hub
// pipeline tags (after normalisation) and to nothing otherwise.
func LabelMapping() []LabelRule {
	out := make([]LabelRule, len(labelRules))
	copy(out, labelRules)
	return out
}

// LabelMappingMarkdown renders the label mapping as a Markdown table, for
// the README.
func LabelMappingMarkdown() string {
	var b strings.Builder
	b.WriteString("| corpus label (normalised) | source | Hub pipeline tag | note |\n")
	b.WriteString("|---|---|---|---|\n")
	b.WriteString("| any Hub pipeline tag | any | itself | unless a rule below says otherwise |\n")
	for _, r := range labelRules {
		source, tag := r.Source, r.Tag
		if source == "" {
			source = "any"
		}
		if tag == "" {
			tag = "(left out)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.Label, source, tag, r.Note)
	}
	b.WriteString("| anything else | any | (left out) | |\n")
	return b.String()
}

// CorpusEntry is one row of a corpus index (index.tsv).
type CorpusEntry struct {
	// File is the card's path relative to the corpus folder.
	File string
	// Task is the task label as found, not normalised; "" when unknown.
	Task string
	// TaskSource says where the label was read.
	TaskSource string
	// SourceRepo is the repository the card came from, "owner/name".
	SourceRepo string
	// SourcePath is the card's path in that repository.
	SourcePath string
}

// corpusColumns are the index columns ReadCorpusIndex needs.
var corpusColumns = []string{"file", "task", "task_source", "source_repo", "source_path"}

// ReadCorpusIndex reads a corpus index: tab-separated, one header line
// naming the columns (file, task, task_source, source_repo and source_path
// are needed, in any order, among others), then one card per line.
func ReadCorpusIndex(r io.Reader) ([]CorpusEntry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("corpus index: read header: %w", err)
		}
		return nil, fmt.Errorf("corpus index is empty; it needs a header line with the columns %s", strings.Join(corpusColumns, ", "))
	}
	header := strings.Split(sc.Text(), "\t")
	col := make(map[string]int, len(header))
	for i, name := range header {
		col[strings.TrimSpace(name)] = i
	}
	idx := make([]int, len(corpusColumns))
	for i, name := range corpusColumns {
		j, ok := col[name]
		if !ok {
			return nil, fmt.Errorf("corpus index: header lacks the column %q (it has %s)", name, strings.Join(header, ", "))
		}
		idx[i] = j
	}
	var out []CorpusEntry
	line := 1
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := strings.Split(text, "\t")
		get := func(i int) (string, error) {
			if idx[i] >= len(f) {
				return "", fmt.Errorf("corpus index line %d: %d columns, the header has %d", line, len(f), len(header))
			}
			return f[idx[i]], nil
		}
		var vals [5]string
		for i := range vals {
			v, err := get(i)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		if vals[0] == "" {
			return nil, fmt.Errorf("corpus index line %d: empty file column", line)
		}
		out = append(out, CorpusEntry{File: vals[0], Task: vals[1], TaskSource: vals[2], SourceRepo: vals[3], SourcePath: vals[4]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("corpus index line %d: %w", line+1, err)
	}
	return out, nil
}
