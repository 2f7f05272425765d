package card

import (
	"strings"
	"testing"
)

func TestValidateFindings(t *testing.T) {
	tests := []struct {
		name     string
		card     string
		code     string
		severity Severity
		line     int
		fixHas   string
	}{
		{"unknown licence with suggestion", "---\nlicense: Apache-2\n---\n# M\n", "license.unknown", SeverityError, 2, `"apache-2.0"`},
		{"other without name", "---\nlicense: other\n---\n# M\n", "license.other-needs-name", SeverityError, 2, "license_name"},
		{"other without link", "---\nlicense: other\nlicense_name: x-1\n---\n# M\n", "license.other-needs-link", SeverityWarning, 2, "license_link"},
		{"no licence", "---\nlanguage: en\n---\n# M\n", "license.missing", SeverityWarning, 1, "license"},
		{"language name", "---\nlicense: mit\nlanguage:\n- en\n- German\n---\n# M\n", "language.invalid", SeverityError, 5, `"de"`},
		{"language tag", "---\nlicense: mit\nlanguage: en-US\n---\n# M\n", "language.not-iso639", SeverityWarning, 3, `"en"`},
		{"unknown task", "---\nlicense: mit\npipeline_tag: text-generaton\n---\n# M\n", "pipeline_tag.unknown", SeverityError, 3, `"text-generation"`},
		{"wrong type", "---\nlicense: mit\ntags:\n  a: b\n---\n# M\n", "metadata.type", SeverityError, 4, "list of strings"},
		{"model-index missing dataset type", "---\nlicense: mit\nmodel-index:\n- name: m\n  results:\n  - task:\n      type: text-classification\n    dataset:\n      name: D\n    metrics:\n    - type: acc\n      value: 1\n---\n# M\n", "model-index.missing-key", SeverityError, 9, "type"},
		{"broken YAML", "---\nlicense: mit\ntags: [a\n---\n# M\n", "yaml.syntax", SeverityError, 0, "indentation"},
		{"no metadata", "# M\n\ntext\n", "metadata.missing", SeverityWarning, 1, "license"},
		{"byte order mark before the block", "\ufeff---\nlicense: mit\n---\n# M\n", "metadata.bom", SeverityWarning, 1, "without a byte order mark"},
		{"byte order mark, no block", "\ufeff# M\n\ntext\n", "metadata.missing", SeverityWarning, 1, "license"},
		{"empty body", "---\nlicense: mit\n---\n", "body.empty", SeverityWarning, 1, "generate"},
		{"needs-information left", "---\nlicense: mit\n---\n# M\n\n" + NeedsInfo("uses.direct", "say it"), "body.needs-information", SeverityWarning, 4, "Needs information"},
		{"hub placeholder left", "---\nlicense: mit\n---\n# M\n\n[More Information Needed]\n", "body.placeholder", SeverityWarning, 4, "fill"},
		{"binary", "---\nlicense: mit\n---\n\x00\x01", "input.binary", SeverityError, 4, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := Validate("card.md", []byte(tt.card))
			var found *Problem
			for i := range problems {
				if problems[i].Code == tt.code {
					found = &problems[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s problem in %v", tt.code, problems)
			}
			if found.Severity != tt.severity {
				t.Errorf("severity %s, want %s", found.Severity, tt.severity)
			}
			if tt.line > 0 && found.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", found.Line, tt.line, found)
			}
			if tt.line == 0 && found.Line == 0 {
				t.Errorf("no line given: %v", found)
			}
			if !strings.Contains(found.Fix+found.Message, tt.fixHas) {
				t.Errorf("%q lacks %q", found.String(), tt.fixHas)
			}
			if found.File != "card.md" {
				t.Errorf("file %q", found.File)
			}
			if (tt.severity == SeverityError) != HasErrors(problems) && tt.severity == SeverityError {
				t.Error("HasErrors disagrees")
			}
		})
	}
}

func TestValidateCleanCard(t *testing.T) {
	src := "---\nlicense: apache-2.0\nlanguage:\n- en\n- yue\npipeline_tag: translation\ntags:\n- t\n---\n# Model\n\nA model.\n"
	_, problems := Validate("ok.md", []byte(src))
	if len(problems) != 0 {
		t.Errorf("clean card has problems: %v", problems)
	}
}

func TestValidateGeneratedExamplesAreValid(t *testing.T) {
	c, err := ParseSpec([]byte(`{"model_name": "org/m", "license": "mit", "pipeline_tag": "fill-mask",
		"eval_results": [{"task_type": "fill-mask", "dataset_type": "wikitext", "dataset_name": "WikiText", "metric_type": "perplexity", "metric_value": 12.5}]}`), "s.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := RenderHF(c)
	if err != nil {
		t.Fatal(err)
	}
	_, problems := Validate("m.md", out)
	if HasErrors(problems) {
		t.Errorf("generated card is invalid: %v", problems)
	}
	if len(problems) != 1 || problems[0].Code != "body.needs-information" {
		t.Errorf("want only the needs-information warning, got %v", problems)
	}
}
