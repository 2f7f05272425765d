package card

import (
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// The Hugging Face Hub's controlled vocabularies: the licence ids it accepts
// in `license:`, the task ids of `pipeline_tag:`, language codes, and the
// metadata keys of a model card with the YAML shape each one takes. The
// tables are read-only after package initialisation.

// hubLicenses are the licence ids the Hub accepts in `license:`, as its
// licence documentation lists them.
var hubLicenses = []string{
	"apache-2.0", "mit", "openrail", "bigscience-openrail-m", "creativeml-openrail-m",
	"bigscience-bloom-rail-1.0", "bigcode-openrail-m", "afl-3.0", "artistic-2.0", "bsl-1.0",
	"bsd", "bsd-2-clause", "bsd-3-clause", "bsd-3-clause-clear", "c-uda", "cc",
	"cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0", "cc-by-sa-3.0",
	"cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0",
	"cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0", "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0",
	"cc-by-nc-sa-4.0", "cdla-sharing-1.0", "cdla-permissive-1.0", "cdla-permissive-2.0",
	"wtfpl", "ecl-2.0", "epl-1.0", "epl-2.0", "etalab-2.0", "eupl-1.1", "eupl-1.2",
	"agpl-3.0", "gfdl", "gpl", "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.1", "lgpl-3.0", "isc",
	"h-research", "intel-research", "lppl-1.3c", "ms-pl", "apple-ascl", "apple-amlr",
	"mpl-2.0", "odc-by", "odbl", "openrail++", "osl-3.0", "postgresql", "ofl-1.1", "ncsa",
	"unlicense", "zlib", "pddl", "lgpl-lr", "deepfloyd-if-license",
	"fair-noncommercial-research-license", "llama2", "llama3", "llama3.1", "llama3.2",
	"llama3.3", "llama4", "gemma", "unknown", "other",
}

// hubTasks are the Hub's task ids (`pipeline_tag` values), as its task
// list names them. "conversational" was folded into text-generation by the
// Hub but is still met in cards and kept by the template families.
var hubTasks = []string{
	// Natural language processing.
	"text-classification", "token-classification", "table-question-answering",
	"question-answering", "zero-shot-classification", "translation", "summarization",
	"feature-extraction", "text-generation", "text2text-generation", "fill-mask",
	"sentence-similarity", "text-ranking", "multiple-choice", "text-retrieval",
	"conversational", "table-to-text",
	// Audio.
	"text-to-speech", "text-to-audio", "automatic-speech-recognition", "audio-to-audio",
	"audio-classification", "voice-activity-detection", "audio-text-to-text",
	// Computer vision.
	"depth-estimation", "image-classification", "object-detection", "image-segmentation",
	"text-to-image", "image-to-text", "image-to-image", "image-to-video",
	"unconditional-image-generation", "video-classification", "text-to-video",
	"zero-shot-image-classification", "mask-generation", "zero-shot-object-detection",
	"text-to-3d", "image-to-3d", "image-feature-extraction", "keypoint-detection",
	"video-to-video", "unconditional-image-classification",
	// Multimodal.
	"image-text-to-text", "visual-question-answering", "document-question-answering",
	"video-text-to-text", "visual-document-retrieval", "any-to-any",
	// Tabular, time series, reinforcement learning, other.
	"tabular-classification", "tabular-regression", "tabular-to-text", "time-series-forecasting",
	"reinforcement-learning", "robotics", "graph-ml", "other",
}

// hubLicenseSet and hubTaskSet index the lists for IsHubLicense and IsHubTask.
var (
	hubLicenseSet = stringSet(hubLicenses)
	hubTaskSet    = stringSet(hubTasks)
)

func stringSet(list []string) map[string]struct{} {
	m := make(map[string]struct{}, len(list))
	for _, s := range list {
		m[s] = struct{}{}
	}
	return m
}

// IsHubLicense reports whether id is a licence id the Hub accepts in a
// card's `license:` field, exactly as written (ids are lower-case).
func IsHubLicense(id string) bool {
	_, ok := hubLicenseSet[id]
	return ok
}

// HubLicenses returns every licence id the Hub accepts, in the order of its
// documentation.
func HubLicenses() []string {
	return slices.Clone(hubLicenses)
}

// IsHubTask reports whether tag is one of the Hub's task ids, valid as a
// `pipeline_tag` or as a model-index task type.
func IsHubTask(tag string) bool {
	_, ok := hubTaskSet[tag]
	return ok
}

// HubTasks returns every task id of the Hub's task list.
func HubTasks() []string {
	return slices.Clone(hubTasks)
}

// IsISO639 reports whether code is a language code of ISO 639-1 ("en"),
// ISO 639-2 ("fre", "ger", "mul") or ISO 639-3 ("yue", "swh"), written in
// lower case, with no region or script: the form the Hub expects in
// `language:`.
func IsISO639(code string) bool {
	if len(code) != 2 && len(code) != 3 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < 'a' || code[i] > 'z' {
			return false
		}
	}
	_, err := language.ParseBase(code)
	return err == nil
}

// IsLanguageTag reports whether tag is a well-formed BCP 47 language tag
// with a known language, such as "en", "en-US", "zh-Hans" or "es-419", in
// any case. Underscores ("en_US") and private-use tags ("x-klingon") are
// not accepted.
func IsLanguageTag(tag string) bool {
	if tag == "" || strings.ContainsAny(tag, "_ ") {
		return false
	}
	t, err := language.Parse(tag)
	if err != nil {
		return false
	}
	// A tag without a language (private use "x-...") is no language.
	if base, _ := t.Base(); base.String() == "und" {
		lower := strings.ToLower(tag)
		return lower == "und" || strings.HasPrefix(lower, "und-")
	}
	return true
}

// Suggest returns the candidate closest to value, for "did you mean" hints,
// or "" when none is close. Case, spaces, underscores and dots do not count
// ("Apache 2.0" finds "apache-2.0", "text_classification" finds
// "text-classification"); otherwise the candidate with the fewest edits
// wins, within about one edit in four characters; among equally close
// ones, a candidate that starts with the value wins, then the earlier one. A value that is the start of exactly one candidate
// ("cc-by-nc-nd" of a list holding one such licence) also finds it.
func Suggest(value string, candidates []string) string {
	v := suggestForm(value)
	if v == "" {
		return ""
	}
	vTight := strings.ReplaceAll(v, "-", "")
	best, bestDist := "", -1
	limit := 1 + len(vTight)/4
	if limit > 3 {
		limit = 3
	}
	for _, c := range candidates {
		cf := suggestForm(c)
		if cf == v {
			return c
		}
		cTight := strings.ReplaceAll(cf, "-", "")
		// The lengths' difference bounds the distance from below: a long
		// value (a cell of a malformed CSV) costs no full comparison.
		if diff := len(vTight) - len(cTight); diff > limit || -diff > limit {
			continue
		}
		d := editDistance(vTight, cTight)
		if d > limit {
			continue
		}
		// Among equally close candidates, one that extends the value
		// ("gpl3" in "gpl-3.0") beats one that does not ("gpl").
		score := 2 * d
		if !strings.HasPrefix(cTight, vTight) {
			score++
		}
		if bestDist < 0 || score < bestDist {
			best, bestDist = c, score
		}
	}
	if best != "" {
		return best
	}
	if len(vTight) < 3 {
		return ""
	}
	prefixed := ""
	for _, c := range candidates {
		if strings.HasPrefix(suggestForm(c), v) {
			if prefixed != "" {
				return ""
			}
			prefixed = c
		}
	}
	return prefixed
}

// suggestForm lower-cases s, trims it, and turns spaces, underscores and
// dots into single hyphens.
func suggestForm(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	dash := true // at the start, or after a hyphen
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch r {
		case ' ', '_', '.', '-', '\t':
			if !dash {
				b.WriteByte('-')
				dash = true
			}
		default:
			b.WriteRune(r)
			dash = false
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// The YAML shapes of metadata values, as MetadataKeySpec.Shape names them.
const (
	// ShapeString is a single string.
	ShapeString = "string"
	// ShapeStringList is a list of strings.
	ShapeStringList = "list of strings"
	// ShapeStringOrList is a string or a list of strings.
	ShapeStringOrList = "string or list of strings"
	// ShapeMapping is a mapping.
	ShapeMapping = "mapping"
	// ShapeMappingList is a list of mappings.
	ShapeMappingList = "list of mappings"
	// ShapeBool is true or false.
	ShapeBool = "bool"
	// ShapeBoolOrMapping is true, false, or a mapping of settings.
	ShapeBoolOrMapping = "bool or mapping"
	// ShapeNumberOrMapping is a number or a mapping.
	ShapeNumberOrMapping = "number or mapping"
)

// MetadataKeySpec describes one key of a model card's YAML metadata.
type MetadataKeySpec struct {
	// Key is the key as written in the YAML block.
	Key string
	// Shape is the YAML shape of its value, one of the Shape* constants.
	Shape string
	// Doc says what the value holds.
	Doc string
}

// Accepts reports whether a value of the given kind, as Metadata.Kind
// names kinds ("string", "int", "float", "bool", "null", "list",
// "mapping"), has the key's shape. The items of a list are not checked.
func (s MetadataKeySpec) Accepts(kind string) bool {
	switch s.Shape {
	case ShapeString:
		return kind == "string"
	case ShapeStringList, ShapeMappingList:
		return kind == "list"
	case ShapeStringOrList:
		return kind == "string" || kind == "list"
	case ShapeMapping:
		return kind == "mapping"
	case ShapeBool:
		return kind == "bool"
	case ShapeBoolOrMapping:
		return kind == "bool" || kind == "mapping"
	case ShapeNumberOrMapping:
		return kind == "int" || kind == "float" || kind == "mapping"
	}
	return false
}

// hubMetadataKeys lists the metadata keys of the Hub's model card spec, then
// the other keys the Hub documents for model repositories.
var hubMetadataKeys = []MetadataKeySpec{
	{"language", ShapeStringOrList, "Languages of the model's data, as ISO 639 codes (or BCP 47 tags)."},
	{"license", ShapeString, "The model's licence: one of the Hub's licence ids, or other with license_name and license_link."},
	{"license_name", ShapeString, "With license: other, an id for the licence, like my-license-1.0."},
	{"license_link", ShapeString, "With license: other, a link to the licence text: a file of the repository (LICENSE) or a URL."},
	{"library_name", ShapeString, "The library the model runs with, such as transformers, diffusers or keras."},
	{"tags", ShapeStringList, "Free tags that help find the model."},
	{"datasets", ShapeStringList, "Ids of the Hub datasets the model was trained or evaluated on."},
	{"buckets", ShapeStringList, "Ids of Hub storage buckets linked to the model, like my-org/my-bucket."},
	{"metrics", ShapeStringList, "Ids of the metrics the model was evaluated with."},
	{"base_model", ShapeStringOrList, "The model this one was derived from (fine-tuned, quantised, adapted), or several for a merge."},
	{"base_model_relation", ShapeString, "How the model derives from base_model: adapter, merge, quantized or finetune."},
	{"model-index", ShapeMappingList, "Structured evaluation results: name, then results with task, dataset, metrics and source."},
	{"pipeline_tag", ShapeString, "The model's task: one of the Hub's task ids; it picks the inference widget."},
	{"inference", ShapeBoolOrMapping, "false turns the inference widget off; a mapping holds its parameters."},
	{"widget", ShapeMappingList, "Example inputs shown in the inference widget."},
	{"thumbnail", ShapeString, "URL of an image shown when the model is shared."},
	{"pretty_name", ShapeString, "A human-friendly name for the model."},
	{"model_name", ShapeString, "The model's name, used to name its model-index entry."},
	{"new_version", ShapeString, "Id of a newer model that supersedes this one."},
	{"co2_eq_emissions", ShapeNumberOrMapping, "CO2 emitted in training, in grams, or a mapping with emissions, source, training_type, geographical_location and hardware_used."},
	{"extra_gated_prompt", ShapeString, "For gated models, the text shown to users who request access."},
	{"extra_gated_heading", ShapeString, "For gated models, the heading of the access request form."},
	{"extra_gated_description", ShapeString, "For gated models, the description of the access request form."},
	{"extra_gated_button_content", ShapeString, "For gated models, the label of the access request button."},
	{"extra_gated_fields", ShapeMapping, "For gated models, the extra fields of the access request form and their types."},
	{"extra_gated_eu_disallowed", ShapeBool, "For gated models, true refuses access requests from the European Union."},
}

// HubMetadataKeys returns the metadata keys of a Hub model card with the
// shape of their values, for validation.
func HubMetadataKeys() []MetadataKeySpec {
	return slices.Clone(hubMetadataKeys)
}

// LookupMetadataKey returns the spec of a Hub metadata key.
func LookupMetadataKey(key string) (MetadataKeySpec, bool) {
	for _, s := range hubMetadataKeys {
		if s.Key == key {
			return s, true
		}
	}
	return MetadataKeySpec{}, false
}
