package card

import (
	"strings"
	"testing"
)

// TestLangCoversEverything checks that every language has a heading for
// every canonical section, every family section and every family field,
// that none is blank, and that they are translations rather than copies.
func TestLangCoversEverything(t *testing.T) {
	en, err := HeadingsFor("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range SupportedLanguages() {
		t.Run(lang, func(t *testing.T) {
			hs, err := HeadingsFor(lang)
			if err != nil {
				t.Fatal(err)
			}
			same, seen := 0, map[string]SectionID{}
			for _, s := range CanonicalSections() {
				h := hs[s.ID]
				if strings.TrimSpace(h) == "" {
					t.Errorf("no heading for %s", s.ID)
					continue
				}
				if h == en[s.ID] {
					same++
				}
				if other, dup := seen[h]; dup && en[other] != en[s.ID] {
					t.Errorf("%s and %s share the heading %q", other, s.ID, h)
				}
				seen[h] = s.ID
			}
			if len(hs) != len(CanonicalSections()) {
				t.Errorf("%d headings for %d canonical sections", len(hs), len(CanonicalSections()))
			}
			if lang != "en" && same > 3 {
				t.Errorf("%d headings are the English ones; translate them", same)
			}
			for _, f := range Families() {
				fh, err := FamilyHeadingsFor(lang, f.ID)
				if err != nil {
					t.Fatal(err)
				}
				if strings.TrimSpace(fh.Section) == "" {
					t.Errorf("%s: no section heading", f.ID)
				}
				if lang != "en" && fh.Section == f.SectionTitle {
					t.Errorf("%s: section heading %q is the English one", f.ID, fh.Section)
				}
				for _, fld := range f.Fields {
					if strings.TrimSpace(fh.Fields[fld.Key]) == "" {
						t.Errorf("%s: no heading for field %s (%q)", f.ID, fld.Key, fld.Title)
					}
				}
				if len(fh.Fields) != len(f.Fields) {
					t.Errorf("%s: %d field headings for %d fields", f.ID, len(fh.Fields), len(f.Fields))
				}
			}
			title, err := CardTitleFor(lang, "org/x")
			if err != nil || !strings.Contains(title, "org/x") || title == "org/x" {
				t.Errorf("card title = %q, %v", title, err)
			}
		})
	}
}

func TestLangEnglishIsTheTemplate(t *testing.T) {
	hs, _ := HeadingsFor("")
	for _, s := range CanonicalSections() {
		if hs[s.ID] != s.Title {
			t.Errorf("%s = %q, want the template's %q", s.ID, hs[s.ID], s.Title)
		}
	}
	fh, _ := FamilyHeadingsFor("en", FamilyLLM)
	if fh.Section != "Language Model Specifics" || fh.Fields["prompt_format"] != "Prompt Format" {
		t.Errorf("English LLM headings = %+v", fh)
	}
	if title, _ := CardTitleFor("", "X"); title != "Model Card for X" {
		t.Errorf("English title = %q", title)
	}
}

func TestLangTags(t *testing.T) {
	tests := []struct {
		tag     string
		heading string
		ok      bool
	}{
		{"es", "Usos", true},
		{"es-MX", "Usos", true},
		{"FR_ca", "Utilisations", true},
		{" de ", "Verwendung", true},
		{"zh-Hans", "用途", true},
		{"ja-JP", "用途", true},
		{"", "Uses", true},
		{"pt", "", false},
		{"klingon", "", false},
	}
	for _, tt := range tests {
		hs, err := HeadingsFor(tt.tag)
		if (err == nil) != tt.ok {
			t.Errorf("%q: err = %v", tt.tag, err)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), "es, fr") {
				t.Errorf("%q: error does not list the languages: %v", tt.tag, err)
			}
			continue
		}
		if hs[SecUses] != tt.heading {
			t.Errorf("%q: uses = %q, want %q", tt.tag, hs[SecUses], tt.heading)
		}
	}
	if _, err := FamilyHeadingsFor("es", "nope"); err == nil {
		t.Error("unknown family accepted")
	}
	// The tables are not shared with callers.
	hs, _ := HeadingsFor("fr")
	hs[SecUses] = "changed"
	if again, _ := HeadingsFor("fr"); again[SecUses] != "Utilisations" {
		t.Error("HeadingsFor returned its own table")
	}
}
