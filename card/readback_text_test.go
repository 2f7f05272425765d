package card

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScanLines(t *testing.T) {
	const (
		T = lineText
		O = lineFenceOpen
		C = lineCode
		E = lineFenceClose
		A = lineCommentOpen
		B = lineCommentBody
		Z = lineCommentClose
		W = lineCommentWhole
	)
	tests := []struct {
		name string
		text string
		want []lineKind
	}{
		{"plain", "a\nb", []lineKind{T, T}},
		{"fence", "```\nx\n```\ny", []lineKind{O, C, E, T}},
		{"shorter run does not close", "````\n```\nx\n````\ny", []lineKind{O, C, C, E, T}},
		{"longer run closes", "```\nx\n`````\ny", []lineKind{O, C, E, T}},
		{"other character does not close", "~~~\n```\n~~~", []lineKind{O, C, E}},
		{"closing fence with text does not close", "```\n``` x\n```", []lineKind{O, C, E}},
		{"indented four does not close", "```\n    ```\n```", []lineKind{O, C, E}},
		{"unclosed runs to the end", "```\nx\ny", []lineKind{O, C, C}},
		{"backtick info with a backtick is no fence", "``` a`b\nx", []lineKind{T, T}},
		{"comment on one line", "<!-- a -->\nx", []lineKind{W, T}},
		{"comment block", "<!-- a\n```\nb -->\nx", []lineKind{A, B, Z, T}},
		{"fence in a comment block opens nothing", "<!--\n```\n-->\ntext", []lineKind{A, B, Z, T}},
		{"comment in code is code", "```\n<!-- a\n```\nx", []lineKind{O, C, E, T}},
		{"inline comment is text", "text <!-- a --> more", []lineKind{T}},
		{"CRLF", "```\r\nx\r\n```\r\n", []lineKind{O, C, E}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []lineKind
			scanLines(tt.text, func(_ string, k lineKind) { got = append(got, k) })
			if !slices.Equal(got, tt.want) {
				t.Errorf("kinds = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestExtractCitationFences(t *testing.T) {
	tests := []struct{ name, in, bib, apa string }{
		{"inner triple backticks in a four-backtick fence",
			"**BibTeX:**\n\n````bibtex\n@misc{a,\n  note = {see ``` here}\n}\n```\ntrailing\n````\n",
			"@misc{a,\n  note = {see ``` here}\n}\n```\ntrailing", ""},
		{"closed by a longer run",
			"````bibtex\n@misc{a,\n```\n}\n``````\n\n**APA:**\n\nA. (2024).",
			"@misc{a,\n```\n}", "A. (2024)."},
		{"tilde fence holding a backtick line",
			"~~~\n@misc{a,\n```\n}\n~~~",
			"@misc{a,\n```\n}", ""},
		{"unclosed fence runs to the end",
			"```bibtex\n@misc{a,\n}",
			"@misc{a,\n}", ""},
		{"another language's block is kept whole, its fences too",
			"Run:\n\n````markdown\n```python\nx\n```\n````\n",
			"", "Run:\n\n````markdown\n```python\nx\n```\n````"},
		{"APA label after a block with an inner fence",
			"````bibtex\n@misc{a,\n```\n}\n````\n\n**APA:**\n\nB. (2025).",
			"@misc{a,\n```\n}", "B. (2025)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bib, apa := extractCitation(tt.in)
			if bib != tt.bib || apa != tt.apa {
				t.Errorf("got %q, %q; want %q, %q", bib, apa, tt.bib, tt.apa)
			}
		})
	}
}

func TestCleanFieldComments(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"inline comment kept", "after rule <!-- hidden comment --> end", "after rule <!-- hidden comment --> end"},
		{"comment line kept", "Text.\n<!-- TODO: add the benchmark -->\nMore.", "Text.\n<!-- TODO: add the benchmark -->\nMore."},
		{"comment block kept as it is", "Text.\n\n<!--\n[More Information Needed]\n\n\n```\n-->\n\nMore.",
			"Text.\n\n<!--\n[More Information Needed]\n\n\n```\n-->\n\nMore."},
		{"a key that is not TF Hub's", "<!-- note: keep this -->\nText", "<!-- note: keep this -->\nText"},
		{"Hub template guidance dropped", "<!-- Provide a longer summary of what this model is. -->\n\nText", "Text"},
		{"guidance in other spacing and case", "<!--   provide the basic LINKS\n for the model -->\nText", "Text"},
		{"TF Hub task comment dropped", "<!-- task: image-classification -->\n<!-- fine-tunable: true -->\nText", "Text"},
		{"tool notice dropped", "<!-- This model card has been generated automatically according to the information Keras had access to. You should\nprobably proofread and complete it, then remove this comment. -->\nText", "Text"},
		{"block markers dropped", "<!-- header start -->\nText\n<!-- README_GGUF.md-about-gguf end -->", "Text"},
		{"guidance with text after it is text", "<!-- Provide the basic links for the model. --> see below", "<!-- Provide the basic links for the model. --> see below"},
		{"nothing but a comment is empty", "<!-- TODO -->\n\n<!-- later -->", ""},
		{"needs-information marker dropped", NeedsInfo("uses.direct", "Say it.") + "\n<!-- x -->\nKept", "<!-- x -->\nKept"},
		{"comment in code kept", "```\n<!-- task: x -->\n```", "```\n<!-- task: x -->\n```"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanField(tt.in); got != tt.want {
				t.Errorf("cleanField(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExtractFactLineNoteComment(t *testing.T) {
	tests := []struct{ in, value string }{
		{"- **Training regime:** fp16 <!--fp32, fp16 mixed precision, bf16 mixed precision, bf16 non-mixed precision, fp16 non-mixed precision, fp8 mixed precision -->", "fp16"},
		{"- **Training regime:** <!--fp32, fp16 mixed precision, bf16 mixed precision, bf16 non-mixed precision, fp16 non-mixed precision, fp8 mixed precision -->", ""},
		{"- **Model type:** CNN <!-- a user's note -->", "CNN <!-- a user's note -->"},
	}
	for _, tt := range tests {
		if _, value, _ := factLine(tt.in); value != tt.value {
			t.Errorf("factLine(%q) value = %q, want %q", tt.in, value, tt.value)
		}
	}
}

// TestReadBackTextFields renders specs whose text fields hold fences and
// HTML comments, reads the cards back, and checks that every field comes
// back as written and that hf -> json -> hf gives the same card.
func TestReadBackTextFields(t *testing.T) {
	tests := []struct {
		name  string
		field string
		value string
	}{
		{"bibtex holding a fence line", "citation_bibtex", "@misc{a,\n  note = {see ``` here}\n}\n```\ntrailing"},
		{"bibtex holding a longer fence", "citation_bibtex", "@misc{a,\n  note = {x}\n}\n````\nafter"},
		{"text holding a nested fence", "get_started", "Use this:\n\n````markdown\n```python\nprint(1)\n```\n````\n\nThen run it."},
		{"text holding a tilde fence with backticks", "get_started", "~~~\n```\n~~~\n\nDone."},
		{"inline comment", "summary", "after rule <!-- hidden comment --> end"},
		{"comment line", "description", "Text.\n<!-- TODO: add the benchmark -->\nMore."},
		{"comment block", "direct_use", "Text.\n\n<!--\nhidden\n\nlines\n-->\n\nMore."},
		{"comment holding a fence line", "training_data", "Text.\n\n<!-- old:\n```\n-->\n\nMore."},
		{"comment in a family field", "specifics", "Use <|user|> turns. <!-- v2 -->"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			b.WriteString("family: llm\nmodel_id: acme/m\nlicense: mit\n")
			key := tt.field
			if key == "specifics" {
				b.WriteString("specifics:\n  prompt_format: |\n")
				writeIndented(&b, tt.value, "    ")
			} else {
				b.WriteString(key + ": |\n")
				writeIndented(&b, tt.value, "  ")
			}
			spec, err := ParseSpec(b.Bytes(), "spec.yaml")
			if err != nil {
				t.Fatalf("%v\n%s", err, b.String())
			}
			out, err := RenderHF(spec)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Parse(out)
			if err != nil {
				t.Fatal(err)
			}
			ct := ContentFromBody(p)
			var got string
			if key == "specifics" {
				got = ct.Specifics["prompt_format"]
			} else {
				got = ftContentFields(&ct)[key]
			}
			want := tt.value
			if key != "citation_bibtex" {
				want = ftNormBlock(want)
			}
			if got != want {
				t.Errorf("%s read back as\n%q\nwant\n%q", key, got, want)
			}
			j, err := RenderJSON(p)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseCardJSON(j, "card.json")
			if err != nil {
				t.Fatal(err)
			}
			again, err := RenderHF(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, out) {
				t.Errorf("hf -> json -> hf differs:\n%s", rbFirstDiff(string(again), string(out)))
			}
		})
	}
}

// writeIndented writes s as the lines of a YAML block scalar.
func writeIndented(b *bytes.Buffer, s, indent string) {
	for _, line := range bytes.Split([]byte(s), []byte("\n")) {
		if len(line) > 0 {
			b.WriteString(indent)
			b.Write(line)
		}
		b.WriteByte('\n')
	}
}

// FuzzReadBackBibTeX checks that a BibTeX entry of any text, fenced by the
// renderer with a fence longer than any run of backticks in it, reads back
// whole from the Hub card.
func FuzzReadBackBibTeX(f *testing.F) {
	f.Add("  note = {see ``` here}\n}\n```\ntrailing")
	f.Add("}\n~~~\n````\n```")
	f.Add("x\n<!-- c -->\n}")
	f.Fuzz(func(t *testing.T, rest string) {
		bib := "@misc{a,\n" + rest
		if !utf8.ValidString(bib) || strings.ContainsAny(bib, "\x00\r\v\f") {
			return
		}
		m := NewMetadata()
		c := &Card{Meta: m, Content: Content{ModelID: "org/m", CitationBibTeX: bib}}
		out, err := RenderHF(c)
		if err != nil {
			return
		}
		p, err := Parse(out)
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		want := hfTrimBlock(bib)
		if got := ContentFromBody(p).CitationBibTeX; got != want {
			t.Fatalf("bibtex read back as\n%q\nwant\n%q\ncard:\n%s", got, want, out)
		}
	})
}
