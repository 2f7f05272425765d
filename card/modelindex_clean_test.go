package card

import (
	"os"
	"testing"

	"go.yaml.in/yaml/v3"
)

// cleanAgrees checks the promise of modelIndexClean on one YAML text: when
// it says clean, the full check finds no issue at all.
func cleanAgrees(t *testing.T, text string) (clean bool) {
	t.Helper()
	m, err := ParseMetadata(text, 1)
	if err != nil {
		return false
	}
	_, node := m.node("model-index")
	if node == nil || !modelIndexClean(node) {
		return false
	}
	v, _ := m.Value("model-index")
	if issues := CheckModelIndex(v); len(issues) > 0 {
		t.Fatalf("modelIndexClean says clean, CheckModelIndex finds %v in:\n%s", issues, text)
	}
	return true
}

func TestModelIndexCleanNeverHidesAnIssue(t *testing.T) {
	clean, total := 0, 0
	for _, e := range corpusEntries(t) {
		if !e.HasModelIndex {
			continue
		}
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		total++
		if cleanAgrees(t, SplitFrontMatter(string(src)).YAML) {
			clean++
		}
	}
	t.Logf("%d of %d corpus model-indexes take the clean path", clean, total)
	if clean < total/2 {
		t.Errorf("only %d of %d model-indexes are recognised as clean", clean, total)
	}
	tests := []struct {
		yaml  string
		clean bool
	}{
		{"model-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: D}\n    metrics: [{type: acc, value: 1}]\n", true},
		{"model-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: D, config: 2017}\n    metrics: [{type: acc, value: 1}]\n", false},
		{"model-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: D}\n    metrics: [{type: acc, value: 1, verifed: true}]\n", false},
		{"model-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d}\n    metrics: [{type: acc, value: 1}]\n", false},
		{"model-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: D}\n    metrics: [{type: acc, value: null}]\n", false},
		{"model-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: D}\n    metrics: [{type: acc, value: 1}]\n    source: {name: x}\n", false},
		{"model-index:\n- name: a\n  results: []\n- name: b\n  results: []\n", false},
	}
	for _, tt := range tests {
		if got := cleanAgrees(t, tt.yaml); got != tt.clean {
			t.Errorf("clean = %v, want %v for\n%s", got, tt.clean, tt.yaml)
		}
	}
}

func FuzzModelIndexClean(f *testing.F) {
	f.Add("model-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: D}\n    metrics: [{type: acc, value: 1}]\n")
	f.Fuzz(func(t *testing.T, text string) {
		var probe yaml.Node
		if yaml.Unmarshal([]byte(text), &probe) != nil {
			return
		}
		cleanAgrees(t, text)
	})
}
