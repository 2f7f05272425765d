package card

import (
	"bytes"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// rbCanonicalOutline lists the canonical section of every heading of a
// body, in order, with the heading's level: what the audit's rubric sees of
// the card's structure.
func rbCanonicalOutline(b *Body) []string {
	var out []string
	b.Walk(func(s *Section) bool {
		out = append(out, fmt.Sprintf("%d %s", s.Level, s.Canonical))
		return true
	})
	return out
}

// rbRead renders c in a language and reads it back.
func rbRead(t *testing.T, c *Card, lang string) (*Card, Content, []byte) {
	t.Helper()
	out, err := RenderHFWith(c, RenderOptions{Lang: lang})
	if err != nil {
		t.Fatalf("render in %q: %v", lang, err)
	}
	p, err := Parse(out)
	if err != nil {
		t.Fatalf("parse the %q card: %v", lang, err)
	}
	return p, ContentFromBody(p), out
}

// TestReadBackLanguages renders every example spec in every supported
// language and checks that reading the card back gives what reading the
// English card gives: the same family, the same Content, the same JSON
// card, and headings that map onto the same canonical sections in the same
// outline. Every field round-trips: the renderer translates only headings
// and the title, and the reader knows every translation.
func TestReadBackLanguages(t *testing.T) {
	for name, spec := range ftExampleCards(t) {
		t.Run(name, func(t *testing.T) {
			en, enCt, _ := rbRead(t, spec, "en")
			enJSON, err := RenderJSON(en)
			if err != nil {
				t.Fatal(err)
			}
			if en.Family != spec.Family && spec.Family != "" {
				t.Errorf("English card: family %q, want the spec's %q", en.Family, spec.Family)
			}
			for _, lang := range SupportedLanguages()[1:] {
				t.Run(lang, func(t *testing.T) {
					p, ct, _ := rbRead(t, spec, lang)
					if p.Family != en.Family {
						t.Errorf("family = %q, want %q as in English", p.Family, en.Family)
					}
					if !reflect.DeepEqual(ct, enCt) {
						gf, wf := ftContentFields(&ct), ftContentFields(&enCt)
						for _, k := range slices.Sorted(maps.Keys(wf)) {
							if gf[k] != wf[k] {
								t.Errorf("%s:\n got %q\nwant %q", k, gf[k], wf[k])
							}
						}
						if !reflect.DeepEqual(ct.Specifics, enCt.Specifics) {
							t.Errorf("specifics = %v, want %v", ct.Specifics, enCt.Specifics)
						}
						if !reflect.DeepEqual(ct.Hyperparameters, enCt.Hyperparameters) {
							t.Errorf("hyperparameters = %v, want %v", ct.Hyperparameters, enCt.Hyperparameters)
						}
						if !reflect.DeepEqual(ct.EvalResults, enCt.EvalResults) {
							t.Errorf("eval results = %+v, want %+v", ct.EvalResults, enCt.EvalResults)
						}
						if ct.Environment != enCt.Environment {
							t.Errorf("environment = %+v, want %+v", ct.Environment, enCt.Environment)
						}
					}
					got, err := RenderJSON(p)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, enJSON) {
						t.Errorf("JSON card differs from the English card's:\n%s", rbFirstDiff(string(got), string(enJSON)))
					}
					if g, w := rbCanonicalOutline(p.Body), rbCanonicalOutline(en.Body); !slices.Equal(g, w) {
						t.Errorf("canonical outline differs:\n got %v\nwant %v", g, w)
					}
				})
			}
		})
	}
}

// rbFirstDiff shows the first line where two texts differ.
func rbFirstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got %q\nwant %q", i+1, gl, wl)
		}
	}
	return "(same lines)"
}

// TestSynonymsCoverRenderedHeadings checks that every heading the
// renderer writes in a language maps, under the heading the renderer
// writes it under, onto the canonical section its English original maps
// onto, and that a family's section heading names its family.
func TestSynonymsCoverRenderedHeadings(t *testing.T) {
	for _, lang := range SupportedLanguages() {
		hs, err := HeadingsFor(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range CanonicalSections() {
			parent := sectionParent(s.ID)
			if got, want := CanonicalFor(hs[s.ID], parent), CanonicalFor(s.Title, parent); got != want || got == "" {
				t.Errorf("%s: %q under %q maps to %q, want %q (as %q does)", lang, hs[s.ID], parent, got, want, s.Title)
			}
		}
		for _, f := range Families() {
			fh, err := FamilyHeadingsFor(lang, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := CanonicalFor(fh.Section, ""); got != SecFamilySpecifics {
				t.Errorf("%s: family section %q maps to %q, want %q", lang, fh.Section, got, SecFamilySpecifics)
			}
			if got, ok := familyForHeading(fh.Section); !ok || got != f.ID {
				t.Errorf("%s: family section %q names family %q, want %q", lang, fh.Section, got, f.ID)
			}
			for _, fld := range f.Fields {
				title := fh.Fields[fld.Key]
				if got, want := CanonicalFor(title, SecFamilySpecifics), CanonicalFor(fld.Title, SecFamilySpecifics); got != want {
					t.Errorf("%s: %s field %q maps to %q, want %q (as %q does)", lang, f.ID, title, got, want, fld.Title)
				}
				if got, ok := familyFieldForHeading(f.ID, title); !ok || got != fld.Key {
					t.Errorf("%s: %s field heading %q reads as %q, want %q", lang, f.ID, title, got, fld.Key)
				}
			}
		}
	}
}

// TestFamilyHeadingsDistinct checks that no two families share a section
// heading, and no two fields of a family share a heading, in any of the
// languages together: the reader could not tell them apart.
func TestFamilyHeadingsDistinct(t *testing.T) {
	sections := map[string]FamilyID{}
	for _, f := range Families() {
		fields := map[string]string{}
		for _, lang := range SupportedLanguages() {
			fh, err := FamilyHeadingsFor(lang, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			k := NormalizeTitle(fh.Section)
			if other, ok := sections[k]; ok && other != f.ID {
				t.Errorf("%s: families %s and %s share the section heading %q", lang, other, f.ID, fh.Section)
			}
			sections[k] = f.ID
			for key, title := range fh.Fields {
				k := NormalizeTitle(title)
				if other, ok := fields[k]; ok && other != key {
					t.Errorf("%s: %s fields %s and %s share the heading %q", lang, f.ID, other, key, title)
				}
				fields[k] = key
			}
		}
	}
}

func TestCardTitleName(t *testing.T) {
	tests := []struct {
		title, name string
		ok          bool
	}{
		{"Model Card for Kestrel NER Base", "Kestrel NER Base", true},
		{"model card for org/x", "org/x", true},
		{"Ficha del modelo Kestrel", "Kestrel", true},
		{"Fiche du modèle Kestrel", "Kestrel", true},
		{"Modellkarte für Kestrel NER Base", "Kestrel NER Base", true},
		{"MODELLKARTE FÜR x", "x", true},
		{"Kestrel のモデルカード", "Kestrel", true},
		{"Kestrel 的模型卡", "Kestrel", true},
		{"Model Card", "", false},
		{"Model Card for ", "", false},
		{"Modellkarte für", "", false},
		{"Model Card format", "", false},
		{"Kestrel", "", false},
	}
	for _, tt := range tests {
		name, ok := cardTitleName(tt.title)
		if name != tt.name || ok != tt.ok {
			t.Errorf("cardTitleName(%q) = %q, %v; want %q, %v", tt.title, name, ok, tt.name, tt.ok)
		}
	}
	// The title of every language reads back as the name, through the
	// escaping the renderer applies.
	for _, lang := range SupportedLanguages() {
		for _, name := range []string{"Kestrel NER Base", `a*b_c [x]`} {
			escaped := string(hfAppendEscapedText(nil, name, false))
			title, err := CardTitleFor(lang, escaped)
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := cardTitleName(plainInline(title)); !ok || got != name {
				t.Errorf("%s: title %q reads as %q, %v; want %q", lang, title, got, ok, name)
			}
		}
	}
}

// rbFamilySpec is a spec of a family with every field of the family set
// and no pipeline_tag, as `modelcard init` writes one.
func rbFamilySpec(t *testing.T, f Family) *Card {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "family: %s\nmodel_id: acme/%s-model\nlicense: mit\nspecifics:\n", f.ID, f.ID)
	for _, fld := range f.Fields {
		fmt.Fprintf(&b, "  %s: \"The %s of the model.\"\n", fld.Key, fld.Key)
	}
	c, err := ParseSpec([]byte(b.String()), "fam.yaml")
	if err != nil {
		t.Fatalf("spec:\n%s\n%v", b.String(), err)
	}
	return c
}

// TestReadBackFamilyFromHeading checks that a card whose metadata names no
// task reads its family from the heading of the family's own section, in
// every language, and keeps its specifics through hf -> json -> hf; and
// that a pipeline_tag, when it gives a family, still decides.
func TestReadBackFamilyFromHeading(t *testing.T) {
	for _, f := range Families() {
		spec := rbFamilySpec(t, f)
		enOut, err := RenderHF(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range SupportedLanguages() {
			t.Run(string(f.ID)+"/"+lang, func(t *testing.T) {
				if spec.Meta.Has("pipeline_tag") {
					t.Fatal("the spec should have no pipeline_tag")
				}
				p, ct, _ := rbRead(t, spec, lang)
				if p.Family != f.ID {
					t.Errorf("family = %q, want %q", p.Family, f.ID)
				}
				if !reflect.DeepEqual(ct.Specifics, spec.Content.Specifics) {
					t.Errorf("specifics = %v, want %v", ct.Specifics, spec.Content.Specifics)
				}
				if ct.MoreInformation != "" {
					t.Errorf("the family section went to more_information: %q", ct.MoreInformation)
				}
				// hf -> json -> hf gives the English card back.
				j, err := RenderJSON(p)
				if err != nil {
					t.Fatal(err)
				}
				back, err := ParseCardJSON(j, "card.json")
				if err != nil {
					t.Fatal(err)
				}
				if back.Family != f.ID {
					t.Errorf("JSON card family = %q, want %q", back.Family, f.ID)
				}
				hf, err := RenderHF(back)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(hf, enOut) {
					t.Errorf("hf -> json -> hf differs:\n%s", rbFirstDiff(string(hf), string(enOut)))
				}
			})
		}
	}

	tests := []struct {
		name string
		card string
		want FamilyID
	}{
		{"no family section", "---\nlicense: mit\n---\n# Model Card for x\n\n## Uses\n\nText.\n", ""},
		{"section heading names the family", "---\nlicense: mit\n---\n# Model Card for x\n\n## Vision Specifics\n\n### Classes\n\ncat, dog\n", FamilyVision},
		{"translated heading", "# Modellkarte für x\n\n## Besonderheiten der Audioverarbeitung\n\n### Abtastrate\n\n16 kHz\n", FamilyAudio},
		{"pipeline_tag decides", "---\npipeline_tag: text-generation\n---\n# x\n\n## Vision Specifics\n\n### Classes\n\ncat\n", FamilyLLM},
		{"task of no family: the heading decides", "---\npipeline_tag: some-new-task\n---\n# x\n\n## Agent Specifics\n\n### Reward\n\n+1\n", FamilyRL},
		{"task of no family, no heading: generic", "---\npipeline_tag: some-new-task\n---\n# x\n\nText.\n", FamilyGeneric},
		{"first heading wins", "# x\n\n## Tabular Specifics\n\n## Vision Specifics\n", FamilyTabular},
		{"generic section", "# x\n\n## Model Specifics\n\n### Inputs\n\nText.\n", FamilyGeneric},
		{"a specifics heading of no family", "# x\n\n## Hardware Specifics\n\nText.\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.card))
			if err != nil {
				t.Fatal(err)
			}
			if c.Family != tt.want {
				t.Errorf("family = %q, want %q", c.Family, tt.want)
			}
		})
	}

	// ContentFromBody finds the family of a card built without Parse.
	c := &Card{Meta: NewMetadata(), Body: ParseBody("# x\n\n## Agent Specifics\n\n### Reward\n\n+1 per step\n", 1)}
	if got := ContentFromBody(c).Specifics["reward"]; got != "+1 per step" {
		t.Errorf("reward = %q, want %q", got, "+1 per step")
	}
}
