package card

import (
	"strings"
	"testing"
)

// TestMCTModelType checks the toolkit's one field for the model type and
// the architecture both ways: hf -> mct -> hf keeps each in its own field,
// and a toolkit card from another tool reads as before.
func TestMCTModelType(t *testing.T) {
	tests := []struct {
		name      string
		modelType string
		arch      string
		field     string // model_architecture as written
		wantType  string // read back (the Hub card's one-line fact)
	}{
		{"both", "Transformer encoder (12 layers)", "A BERT encoder with a CRF head.",
			"Model type: Transformer encoder (12 layers)\n\nA BERT encoder with a CRF head.", "Transformer encoder (12 layers)"},
		{"type only", "GBDT", "", "Model type: GBDT", "GBDT"},
		{"architecture only", "", "Gradient-boosted trees.", "Gradient-boosted trees.", ""},
		{"architecture of several paragraphs", "CNN", "ResNet-50.\n\n- 50 layers\n- 25M parameters",
			"Model type: CNN\n\nResNet-50.\n\n- 50 layers\n- 25M parameters", "CNN"},
		{"type over lines reads as one line", "Decoder-only\ntransformer", "", "Model type: Decoder-only transformer", "Decoder-only transformer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := NewMetadata()
			_ = m.Set("license", "mit")
			spec := &Card{Meta: m, Family: FamilyGeneric, Content: Content{
				ModelID: "org/m", Summary: "A model.", ModelType: tt.modelType, Architecture: tt.arch,
			}}
			md, err := RenderHF(spec)
			if err != nil {
				t.Fatal(err)
			}
			hub, err := Parse(md)
			if err != nil {
				t.Fatal(err)
			}
			out, err := RenderMCT(hub)
			if err != nil {
				t.Fatal(err)
			}
			if got := ftAt(ftDecode(t, out), "model_parameters", "model_architecture"); got != tt.field {
				t.Errorf("model_architecture = %q, want %q", got, tt.field)
			}
			back, err := ParseMCT(out, "card.mct.json")
			if err != nil {
				t.Fatal(err)
			}
			if back.Content.ModelType != tt.wantType || back.Content.Architecture != tt.arch {
				t.Errorf("read back type %q, architecture %q; want %q, %q",
					back.Content.ModelType, back.Content.Architecture, tt.wantType, tt.arch)
			}
			// On to a Hub card again: the type is a fact, not a gap.
			md2, err := RenderHF(back)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantType != "" {
				if !strings.Contains(string(md2), "- **Model type:** "+tt.wantType+"\n") {
					t.Errorf("the Hub card does not give the model type:\n%s", md2)
				}
				if strings.Contains(string(md2), "`model_details.description.model_type`") {
					t.Error("the Hub card asks for the model type")
				}
			}
			again, err := Parse(md2)
			if err != nil {
				t.Fatal(err)
			}
			if ct := ContentFromBody(again); ct.ModelType != tt.wantType || ct.Architecture != ftNormBlock(tt.arch) {
				t.Errorf("hf -> mct -> hf: type %q, architecture %q; want %q, %q", ct.ModelType, ct.Architecture, tt.wantType, ftNormBlock(tt.arch))
			}
		})
	}

	// Toolkit cards of other tools: model_architecture is the architecture,
	// unless it starts with the label.
	others := []struct{ field, wantType, wantArch string }{
		{"ResNet-50", "", "ResNet-50"},
		{"Model type: CNN\nResNet-50", "CNN", "ResNet-50"},
		{"Model type:CNN", "CNN", ""},
		{"The model type: CNN", "", "The model type: CNN"},
		{"  Model type: CNN  \r\n\r\nResNet  ", "CNN", "ResNet"},
	}
	for _, tt := range others {
		typ, arch := mctSplitArchitecture(tt.field)
		if typ != tt.wantType || arch != tt.wantArch {
			t.Errorf("mctSplitArchitecture(%q) = %q, %q; want %q, %q", tt.field, typ, arch, tt.wantType, tt.wantArch)
		}
	}
}
