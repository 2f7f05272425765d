package main

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/engine"
)

// TestModelFlag checks that --model makes audit and generate predict with
// the model file given: one whose bias favours a single task predicts that
// task for every card, and a file that is no model is a usage error.
func TestModelFlag(t *testing.T) {
	f, err := os.Open("../../engine/default_model.bin")
	if err != nil {
		t.Fatal(err)
	}
	m, err := engine.LoadTaskModel(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	const favoured = "tabular-regression"
	k := slices.Index(m.Tasks, favoured)
	if k < 0 {
		t.Fatalf("the built-in model has no %s column", favoured)
	}
	m.Bias[k] += 1000
	dir := t.TempDir()
	modelPath := filepath.Join(dir, "biased.bin")
	out, err := os.Create(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(out)
	if err := m.Save(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	notModel := filepath.Join(dir, "README.md")
	cardText := "---\nlicense: mit\n---\n# Sentiment model\n\nA BERT model that classifies the sentiment of English movie reviews.\n"
	if err := os.WriteFile(notModel, []byte(cardText), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name  string
		model []string
		want  string // the first predicted task
	}{
		{"built in", nil, "text-classification"},
		{"biased file", []string{"--model", modelPath}, favoured},
	} {
		t.Run("audit/"+tt.name, func(t *testing.T) {
			res := filepath.Join(t.TempDir(), "r.jsonl")
			code, _, stderr := runCLI(t, "", append([]string{"audit", "-q", "--json", res, notModel}, tt.model...)...)
			checkExit(t, code, stderr, exitOK)
			data, err := os.ReadFile(res)
			if err != nil {
				t.Fatal(err)
			}
			if want := `"predicted_tasks":[{"task":"` + tt.want + `"`; !strings.Contains(string(data), want) {
				t.Errorf("the result does not predict %s first:\n%s", tt.want, data)
			}
		})
	}
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte("model_id: org/m\nlicense: mit\nsummary: A model that classifies the sentiment of movie reviews.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("generate/biased file", func(t *testing.T) {
		// The spec names no task: the model's prediction picks the family.
		code, stdout, stderr := runCLI(t, "", "generate", "--model", modelPath, "--out", t.TempDir(), "--report", "-", spec)
		checkExit(t, code, stderr, exitOK)
		if want := `"family":"tabular","family_source":"predicted"`; !strings.Contains(stdout, want) {
			t.Errorf("the report lacks %s, the favoured task's family:\n%.400s", want, stdout)
		}
	})
	for _, cmd := range []string{"audit", "generate"} {
		t.Run(cmd+"/not a model", func(t *testing.T) {
			args := []string{cmd, "--model", notModel, "--out", "-", spec}
			if cmd == "audit" {
				args = []string{cmd, "-q", "--model", notModel, notModel}
			}
			code, _, stderr := runCLI(t, "", args...)
			checkExit(t, code, stderr, exitUsage, "--model", "is not a model that modelcard train writes")
		})
	}
}
