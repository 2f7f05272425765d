package card

import (
	"os"
	"strings"
	"testing"
)

// TestRenderHFLanguages renders an example in every language: each
// canonical heading of the language appears, the English ones do not
// (except in English), the card's own text is unchanged, and the card
// still parses with the same metadata.
func TestRenderHFLanguages(t *testing.T) {
	data, err := os.ReadFile("../examples/vision.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range SupportedLanguages() {
		t.Run(lang, func(t *testing.T) {
			c, err := ParseSpec(data, "vision.yaml")
			if err != nil {
				t.Fatal(err)
			}
			out, err := RenderHFWith(c, RenderOptions{Lang: lang})
			if err != nil {
				t.Fatal(err)
			}
			text := string(out)
			headings, err := HeadingsFor(lang)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []SectionID{SecUses, SecTrainingData, SecEvaluation, SecContact} {
				if !strings.Contains(text, " "+headings[id]+"\n") {
					t.Errorf("heading %q for %s missing", headings[id], id)
				}
			}
			fam, _ := FamilyHeadingsFor(lang, FamilyVision)
			if !strings.Contains(text, "## "+fam.Section+"\n") {
				t.Errorf("family section %q missing", fam.Section)
			}
			if lang != "en" && strings.Contains(text, "## Training Details\n") {
				t.Error("an English heading is left")
			}
			if !strings.Contains(text, c.Content.Summary) {
				t.Error("the card's own text changed")
			}
			back, err := Parse(out)
			if err != nil {
				t.Fatal(err)
			}
			if back.Meta.String("license") != c.Meta.String("license") {
				t.Error("metadata changed")
			}
		})
	}
	c, _ := ParseSpec(data, "vision.yaml")
	if _, err := RenderHFWith(c, RenderOptions{Lang: "tlh"}); err == nil {
		t.Error("an unsupported language should be an error")
	}
}
