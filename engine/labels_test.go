package engine

import (
	"os"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

func TestNormalizeTaskLabel(t *testing.T) {
	tests := []struct {
		label, source string
		want          string
		ok            bool
	}{
		// Hub tags map to themselves, in any case and spelling.
		{"text-generation", "fdac24/MP3", "text-generation", true},
		{"Image Classification", sourceQualcomm, "image-classification", true},
		{"  Text Generation ", sourceQualcomm, "text-generation", true},
		{"question_answering", sourceOpenVINO, "question-answering", true},
		{"Object Detection", sourceQualcomm, "object-detection", true},
		// Synonyms from any source.
		{"chat-completion", sourceAzureML, "text-generation", true},
		{"conversational", "", "text-generation", true},
		{"text-embedding", sourceTFHub, "feature-extraction", true},
		{"image-feature-vector", sourceTFHub, "image-feature-extraction", true},
		{"image-pose-detection", sourceTFHub, "keypoint-detection", true},
		{"audio-stt", sourceTFHub, "automatic-speech-recognition", true},
		{"Semantic Segmentation", sourceQualcomm, "image-segmentation", true},
		{"semantic_segmentation", sourceOpenVINO, "image-segmentation", true},
		{"Super Resolution", sourceQualcomm, "image-to-image", true},
		{"machine_translation", sourceOpenVINO, "translation", true},
		// The source disambiguates.
		{"detection", sourceOpenVINO, "object-detection", true},
		{"detection", "OPENVINOTOOLKIT/open_model_zoo", "object-detection", true},
		{"classification", sourceTFHub, "image-classification", true},
		{"classification", "someone/else", "", false},
		{"detection", "", "", false},
		{"embeddings", sourceAzureML, "", false},
		{"embeddings", "fdac24/MP3", "", false},
		{"Image Generation", sourceQualcomm, "text-to-image", true},
		{"Image Generation", "other/repo", "", false},
		// Left out.
		{"text-preprocessing", sourceTFHub, "", false},
		{"vision", sourcePyTorch, "", false},
		{"vision,generative", sourcePyTorch, "", false},
		{"other", "", "", false},
		{"", "", "", false},
		{"   ", "", "", false},
		{"no such task", "", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizeTaskLabel(tt.label, tt.source)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeTaskLabel(%q, %q) = %q, %v; want %q, %v", tt.label, tt.source, got, ok, tt.want, tt.ok)
		}
	}
}

// TestLabelMappingTargetsAreHubTasks checks the rule table itself: every
// target is a Hub task, no rule is shadowed, and every label is already in
// normalised form.
func TestLabelMappingTargetsAreHubTasks(t *testing.T) {
	rules := LabelMapping()
	if len(rules) != len(labelRules) {
		t.Fatalf("LabelMapping returned %d rules, the table has %d", len(rules), len(labelRules))
	}
	seen := map[[2]string]bool{}
	anySource := map[string]bool{}
	for _, r := range rules {
		if r.Tag != "" && !card.IsHubTask(r.Tag) {
			t.Errorf("rule %q maps to %q, not a Hub task", r.Label, r.Tag)
		}
		if NormalizeLabelText(r.Label) != r.Label {
			t.Errorf("rule label %q is not normalised (%q)", r.Label, NormalizeLabelText(r.Label))
		}
		key := [2]string{r.Label, strings.ToLower(r.Source)}
		if seen[key] {
			t.Errorf("rule %q for source %q appears twice", r.Label, r.Source)
		}
		seen[key] = true
		if anySource[r.Label] {
			t.Errorf("rule %q for source %q comes after the rule for any source and can never match", r.Label, r.Source)
		}
		if r.Source == "" {
			anySource[r.Label] = true
		}
		if r.Tag == "" && r.Note == "" {
			t.Errorf("rule %q leaves cards out without saying why", r.Label)
		}
	}
	// LabelMapping returns a copy.
	rules[0].Tag = "changed"
	if LabelMapping()[0].Tag == "changed" {
		t.Error("LabelMapping exposes the package's table")
	}
}

// TestLabelMappingCoversCorpus checks that every label of the corpus is
// either mapped or left out by a rule that says why: a new label must be
// decided on, not dropped silently.
func TestLabelMappingCoversCorpus(t *testing.T) {
	entries := readTestCorpusIndex(t)
	labels := map[string]bool{}
	mapped := 0
	for _, e := range entries {
		if strings.TrimSpace(e.Task) == "" {
			continue
		}
		if _, ok := NormalizeTaskLabel(e.Task, e.SourceRepo); ok {
			mapped++
			continue
		}
		labels[NormalizeLabelText(e.Task)+" @ "+e.SourceRepo] = true
	}
	for l := range labels {
		label, source, _ := strings.Cut(l, " @ ")
		decided := false
		for _, r := range labelRules {
			if r.Label == label && (r.Source == "" || strings.EqualFold(r.Source, source)) {
				decided = true
			}
		}
		if !decided {
			t.Errorf("corpus label %q (source %s) maps to nothing and no rule says why; add a rule to labelRules", label, source)
		}
	}
	if mapped < 2000 {
		t.Errorf("only %d corpus cards have a mapped label", mapped)
	}
}

func TestLabelMappingMarkdown(t *testing.T) {
	md := LabelMappingMarkdown()
	lines := strings.Split(strings.TrimSpace(md), "\n")
	// Header, separator, the identity row, one row per rule, the catch-all.
	if want := 2 + 1 + len(labelRules) + 1; len(lines) != want {
		t.Fatalf("%d lines, want %d", len(lines), want)
	}
	for _, want := range []string{"| detection | openvinotoolkit/open_model_zoo | object-detection |", "| text-preprocessing | any | (left out) |"} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestReadCorpusIndex(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []CorpusEntry
		wantErr string
	}{
		{
			name: "columns in any order, extra columns ignored",
			in:   "task\tfile\textra\tsource_repo\ttask_source\tsource_path\ndetection\tcards/a.md\tx\to/r\tmodel.yml\tp/a\n\n\tcards/b.md\t\to/r\t\tp/b\n",
			want: []CorpusEntry{
				{File: "cards/a.md", Task: "detection", TaskSource: "model.yml", SourceRepo: "o/r", SourcePath: "p/a"},
				{File: "cards/b.md", SourceRepo: "o/r", SourcePath: "p/b"},
			},
		},
		{name: "empty", in: "", wantErr: "empty"},
		{name: "missing column", in: "file\ttask\n", wantErr: `lacks the column "task_source"`},
		{name: "short line", in: "file\ttask\ttask_source\tsource_repo\tsource_path\ncards/a.md\tx\n", wantErr: "line 2"},
		{name: "empty file", in: "file\ttask\ttask_source\tsource_repo\tsource_path\n\tx\ty\tz\tw\n", wantErr: "empty file column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCorpusIndex(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d entries, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("entry %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestLabelMappingDocumented checks that the table in labels.go's comment
// names every rule, so that the comment and the code do not drift apart.
func TestLabelMappingDocumented(t *testing.T) {
	src, err := os.ReadFile("labels.go")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	start := strings.Index(text, "// The rules (")
	end := strings.Index(text, "func NormalizeTaskLabel")
	if start < 0 || end < start {
		t.Fatal("labels.go lacks its rule table comment")
	}
	var lines []string
	for _, l := range strings.Split(text[start:end], "\n") {
		lines = append(lines, strings.Join(strings.Fields(strings.TrimPrefix(l, "//")), " "))
	}
	for _, r := range labelRules {
		found := false
		for _, l := range lines {
			if !strings.Contains(l, r.Label) {
				continue
			}
			if r.Tag == "" && strings.Contains(l, "(left out") ||
				r.Tag != "" && strings.HasPrefix(l, r.Label+" ") && strings.HasSuffix(l, " "+r.Tag) &&
					(r.Source == "" || strings.Contains(l, r.Source)) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("the comment table of labels.go does not document the rule %q (source %q) → %q", r.Label, r.Source, r.Tag)
		}
	}
}
