package card

import (
	"slices"
	"strings"
	"testing"
)

func TestIsHubLicense(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"apache-2.0", true}, {"mit", true}, {"other", true}, {"unknown", true},
		{"openrail", true}, {"openrail++", true}, {"creativeml-openrail-m", true},
		{"bigscience-openrail-m", true}, {"bigcode-openrail-m", true}, {"bigscience-bloom-rail-1.0", true},
		{"llama2", true}, {"llama3", true}, {"llama3.1", true}, {"llama3.2", true}, {"llama3.3", true},
		{"llama4", true}, {"gemma", true}, {"cc-by-4.0", true}, {"cc-by-nc-sa-4.0", true},
		{"cc-by-nc-nd-4.0", true}, {"cc0-1.0", true}, {"cc", true}, {"agpl-3.0", true},
		{"deepfloyd-if-license", true}, {"etalab-2.0", true}, {"afl-3.0", true},
		{"Apache-2.0", false}, {"apache 2.0", false}, {"apache", false}, {"MIT", false},
		{"gpl-3", false}, {"llama-2", false}, {"cc-by-4", false}, {"", false},
		{"https://creativecommons.org/licenses/by-nc-sa/4.0/", false},
	}
	for _, tt := range tests {
		if got := IsHubLicense(tt.id); got != tt.want {
			t.Errorf("IsHubLicense(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestHubLicensesList(t *testing.T) {
	list := HubLicenses()
	seen := map[string]bool{}
	for _, id := range list {
		if seen[id] {
			t.Errorf("licence %q listed twice", id)
		}
		seen[id] = true
		if id != strings.ToLower(strings.TrimSpace(id)) || id == "" {
			t.Errorf("licence id %q is not a lower-case id", id)
		}
		if !IsHubLicense(id) {
			t.Errorf("listed licence %q is not accepted", id)
		}
	}
	list[0] = "changed"
	if HubLicenses()[0] == "changed" {
		t.Errorf("HubLicenses returns the table itself, not a copy")
	}
}

func TestIsHubTask(t *testing.T) {
	tests := []struct {
		tag  string
		want bool
	}{
		{"text-generation", true}, {"text-classification", true}, {"image-text-to-text", true},
		{"automatic-speech-recognition", true}, {"reinforcement-learning", true},
		{"time-series-forecasting", true}, {"any-to-any", true}, {"other", true},
		{"text_classification", false}, {"Text-Generation", false}, {"chat-completion", false},
		{"embeddings", false}, {"", false}, {"llm", false},
	}
	for _, tt := range tests {
		if got := IsHubTask(tt.tag); got != tt.want {
			t.Errorf("IsHubTask(%q) = %v, want %v", tt.tag, got, tt.want)
		}
	}
	tasks := HubTasks()
	seen := map[string]bool{}
	for _, task := range tasks {
		if seen[task] {
			t.Errorf("task %q listed twice", task)
		}
		seen[task] = true
	}
	// Every task of the template families must be a Hub task.
	for _, f := range Families() {
		for _, task := range f.Tasks {
			if !IsHubTask(task) || !slices.Contains(tasks, task) {
				t.Errorf("family %s lists task %q, which is not in the Hub's task list", f.ID, task)
			}
		}
	}
}

func TestIsISO639(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"en", true}, {"fr", true}, {"zh", true}, {"th", true}, {"ja", true},
		{"eng", true}, {"fra", true}, {"fre", true}, {"ger", true}, {"deu", true},
		{"yue", true}, {"swh", true}, {"ckb", true}, {"mul", true}, {"fil", true},
		{"EN", false}, {"En", false}, {"en-US", false}, {"zh-Hans", false}, {"english", false},
		{"xx", false}, {"zz", false}, {"xxx", false}, {"", false}, {"e", false}, {"en1", false},
		{"multilingual", false}, {"code", false},
	}
	for _, tt := range tests {
		if got := IsISO639(tt.code); got != tt.want {
			t.Errorf("IsISO639(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestIsLanguageTag(t *testing.T) {
	tests := []struct {
		tag  string
		want bool
	}{
		{"en", true}, {"en-US", true}, {"en-us", true}, {"zh-Hans", true}, {"zh-Hans-CN", true},
		{"sr-Latn-RS", true}, {"es-419", true}, {"pt-BR", true}, {"yue", true},
		{"en_US", false}, {"english", false}, {"x-klingon", false}, {"xx-US", false},
		{"en-", false}, {"", false}, {"en US", false},
	}
	for _, tt := range tests {
		if got := IsLanguageTag(tt.tag); got != tt.want {
			t.Errorf("IsLanguageTag(%q) = %v, want %v", tt.tag, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	licenses := HubLicenses()
	tasks := HubTasks()
	tests := []struct {
		value      string
		candidates []string
		want       string
	}{
		{"Apache 2.0", licenses, "apache-2.0"},
		{"apache_2.0", licenses, "apache-2.0"},
		{"Apache-2", licenses, "apache-2.0"},
		{"apache2", licenses, "apache-2.0"},
		{"MIT", licenses, "mit"},
		{" mit ", licenses, "mit"},
		{"llama-3.1", licenses, "llama3.1"},
		{"cc-by-4", licenses, "cc-by-4.0"},
		{"gpl3", licenses, "gpl-3.0"},
		{"creativeml-openrail", licenses, "creativeml-openrail-m"},
		{"deepfloyd", licenses, "deepfloyd-if-license"},
		{"text_classification", tasks, "text-classification"},
		{"Text Generation", tasks, "text-generation"},
		{"text-generaton", tasks, "text-generation"},
		{"automatic_speech_recognition", tasks, "automatic-speech-recognition"},
		{"image-to-txt", tasks, "image-to-text"},
		{"bert", licenses, ""},
		{"proprietary", licenses, ""},
		{"chat", tasks, ""},
		{"", licenses, ""},
		{"mit", nil, ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.value, tt.candidates); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.value, got, tt.want)
		}
	}
}

func TestHubMetadataKeys(t *testing.T) {
	keys := HubMetadataKeys()
	byKey := map[string]MetadataKeySpec{}
	shapes := map[string]bool{ShapeString: true, ShapeStringList: true, ShapeStringOrList: true,
		ShapeMapping: true, ShapeMappingList: true, ShapeBool: true, ShapeBoolOrMapping: true, ShapeNumberOrMapping: true}
	for _, k := range keys {
		if _, dup := byKey[k.Key]; dup {
			t.Errorf("metadata key %q listed twice", k.Key)
		}
		byKey[k.Key] = k
		if !shapes[k.Shape] {
			t.Errorf("metadata key %q has unknown shape %q", k.Key, k.Shape)
		}
		if len(k.Doc) < 10 {
			t.Errorf("metadata key %q has no documentation", k.Key)
		}
		if got, ok := LookupMetadataKey(k.Key); !ok || got != k {
			t.Errorf("LookupMetadataKey(%q) = %v, %v", k.Key, got, ok)
		}
	}
	// The keys of the Hub's metadata spec, and the others it documents.
	want := map[string]string{
		"language": ShapeStringOrList, "license": ShapeString, "license_name": ShapeString,
		"license_link": ShapeString, "library_name": ShapeString, "tags": ShapeStringList,
		"datasets": ShapeStringList, "metrics": ShapeStringList, "base_model": ShapeStringOrList,
		"model-index": ShapeMappingList, "pipeline_tag": ShapeString, "inference": ShapeBoolOrMapping,
		"widget": ShapeMappingList, "thumbnail": ShapeString, "pretty_name": ShapeString,
		"new_version": ShapeString, "co2_eq_emissions": ShapeNumberOrMapping, "model_name": ShapeString,
		"extra_gated_prompt": ShapeString, "extra_gated_fields": ShapeMapping,
	}
	for key, shape := range want {
		if got, ok := byKey[key]; !ok || got.Shape != shape {
			t.Errorf("metadata key %q: got %+v, want shape %q", key, got, shape)
		}
	}
	if _, ok := LookupMetadataKey("licence"); ok {
		t.Errorf("LookupMetadataKey accepted a misspelt key")
	}
}

func TestMetadataKeySpecAccepts(t *testing.T) {
	tests := []struct {
		shape, kind string
		want        bool
	}{
		{ShapeString, "string", true}, {ShapeString, "list", false}, {ShapeString, "int", false},
		{ShapeStringList, "list", true}, {ShapeStringList, "string", false},
		{ShapeStringOrList, "string", true}, {ShapeStringOrList, "list", true}, {ShapeStringOrList, "mapping", false},
		{ShapeMapping, "mapping", true}, {ShapeMapping, "list", false},
		{ShapeMappingList, "list", true}, {ShapeBool, "bool", true}, {ShapeBool, "string", false},
		{ShapeBoolOrMapping, "bool", true}, {ShapeBoolOrMapping, "mapping", true}, {ShapeBoolOrMapping, "string", false},
		{ShapeNumberOrMapping, "int", true}, {ShapeNumberOrMapping, "float", true}, {ShapeNumberOrMapping, "mapping", true},
		{ShapeNumberOrMapping, "string", false}, {ShapeString, "null", false}, {"nonsense", "string", false},
	}
	for _, tt := range tests {
		if got := (MetadataKeySpec{Key: "k", Shape: tt.shape}).Accepts(tt.kind); got != tt.want {
			t.Errorf("shape %q accepts %q = %v, want %v", tt.shape, tt.kind, got, tt.want)
		}
	}
}
