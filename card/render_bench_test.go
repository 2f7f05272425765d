package card

import (
	"bytes"
	"strings"
	"testing"
	"text/template"
)

// benchLLMCard returns a realistic, fully filled chat-model card built from
// a spec: metadata, every section, the family fields, hyperparameters and
// eight complete eval results (so the YAML block carries a model-index).
func benchLLMCard(tb testing.TB) *Card {
	tb.Helper()
	meta := NewMetadata()
	for _, kv := range []struct {
		k string
		v any
	}{
		{"language", []any{"en", "de", "fr"}},
		{"license", "apache-2.0"},
		{"library_name", "transformers"},
		{"pipeline_tag", "text-generation"},
		{"base_model", "example-org/base-7b"},
		{"datasets", []any{"example-org/chat-mix", "example-org/preference-pairs"}},
		{"tags", []any{"chat", "instruction-tuned", "dpo"}},
	} {
		if err := meta.Set(kv.k, kv.v); err != nil {
			tb.Fatalf("set %s: %v", kv.k, err)
		}
	}
	var results []EvalResult
	for _, r := range []struct {
		task, dtype, dname, cfg, split, metric string
		value                                  any
	}{
		{"text-generation", "cais/mmlu", "MMLU", "all", "test", "accuracy", 0.6412},
		{"text-generation", "Rowan/hellaswag", "HellaSwag", "", "validation", "acc_norm", 0.8125},
		{"text-generation", "allenai/ai2_arc", "ARC Challenge", "ARC-Challenge", "test", "acc_norm", 0.5981},
		{"text-generation", "truthfulqa/truthful_qa", "TruthfulQA", "multiple_choice", "validation", "mc2", 0.5233},
		{"text-generation", "openai/gsm8k", "GSM8K", "main", "test", "exact_match", 0.4731},
		{"text-generation", "openai/openai_humaneval", "HumanEval", "", "test", "pass@1", 0.3415},
		{"text-generation", "winogrande", "WinoGrande", "winogrande_xl", "validation", "accuracy", 0.7719},
		{"text-generation", "allenai/real-toxicity-prompts", "RealToxicityPrompts", "", "train", "toxicity", 0.071},
	} {
		results = append(results, EvalResult{
			TaskType: r.task, TaskName: "Text Generation", DatasetType: r.dtype, DatasetName: r.dname,
			DatasetConfig: r.cfg, DatasetSplit: r.split, MetricType: r.metric, MetricValue: r.value,
			SourceName: "Internal evaluation harness", SourceURL: "https://example.org/eval/run-42",
		})
	}
	return &Card{
		Meta:   meta,
		Family: FamilyLLM,
		Content: Content{
			ModelID:     "example-org/chat-7b",
			PrettyName:  "Chat 7B",
			Summary:     "A 7-billion-parameter decoder-only language model tuned to follow instructions and hold multi-turn conversations in English, German and French.",
			Description: "The model continues a pretrained base checkpoint with supervised instruction tuning and then direct preference optimisation. It is meant as a general assistant for drafting, summarising and answering questions, and as a starting point for domain fine-tuning. It is not connected to any retrieval system, so its knowledge stops at the end of its training data.",
			DevelopedBy: "Example Org research team",
			FundedBy:    "Example Org",
			SharedBy:    "Example Org",
			ModelType:   "Decoder-only transformer, 7B parameters",
			Version:     "1.2.0",
			Repository:  "https://github.com/example-org/chat-7b",
			Paper:       "https://arxiv.org/abs/0000.00000",
			Demo:        "https://huggingface.co/spaces/example-org/chat-7b-demo",

			DirectUse:            "Chat assistance, drafting and rewriting text, summarising documents supplied in the prompt, and answering general questions in the three supported languages.",
			DownstreamUse:        "Fine-tune with LoRA adapters on domain data (support tickets, internal documentation) or place behind a retrieval layer to answer questions over a private corpus.",
			OutOfScopeUse:        "Medical, legal or financial advice acted on without expert review; impersonating real people; generating targeted disinformation; automated decisions about individuals.",
			BiasRisksLimitations: "The model can state false information confidently, reflects biases of web text, performs worse in German and French than in English, and can be steered into unsafe output by adversarial prompts.",
			Recommendations:      "Keep a human in the loop for consequential output, add a moderation layer in front of public deployments, and evaluate on your own data before use.",
			GetStarted:           "```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n\ntok = AutoTokenizer.from_pretrained(\"example-org/chat-7b\")\nmodel = AutoModelForCausalLM.from_pretrained(\"example-org/chat-7b\", device_map=\"auto\")\n# Build the prompt with the chat template.\nmessages = [{\"role\": \"user\", \"content\": \"Summarise the causes of inflation in two sentences.\"}]\ninputs = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors=\"pt\").to(model.device)\nprint(tok.decode(model.generate(inputs, max_new_tokens=128)[0]))\n```",

			TrainingData:     "About 600k instruction and dialogue examples, of which 40% are in German or French, plus 120k preference pairs for DPO. Sources are listed in the dataset cards linked in the metadata.",
			Preprocessing:    "Examples were deduplicated by MinHash, filtered for personal data with a named-entity filter, and truncated to 4,096 tokens.",
			TrainingRegime:   "bf16 mixed precision",
			Hyperparameters:  []KeyValue{{"learning_rate", "2e-5"}, {"per_device_batch_size", "8"}, {"gradient_accumulation_steps", "4"}, {"epochs", "3"}, {"warmup_ratio", "0.03"}, {"lr_scheduler", "cosine"}, {"optimizer", "AdamW (beta1=0.9, beta2=0.95)"}, {"dpo_beta", "0.1"}, {"max_seq_length", "4096"}, {"seed", "42"}},
			SpeedsSizesTimes: "Supervised tuning took 14 hours and DPO 5 hours on 8 accelerators; the checkpoint is 13.5 GB in bf16.",

			TestingData:        "Public benchmarks (MMLU, HellaSwag, ARC, TruthfulQA, GSM8K, HumanEval, WinoGrande) and RealToxicityPrompts for toxicity.",
			Factors:            "Results are reported per benchmark; German and French were evaluated on translated subsets of MMLU.",
			MetricsDescription: "Accuracy and normalised accuracy for multiple-choice tasks, exact match for GSM8K, pass@1 for HumanEval, mean toxicity probability for RealToxicityPrompts.",
			EvalResults:        results,
			ResultsSummary:     "The model improves on its base on every benchmark except WinoGrande, with the largest gain on GSM8K; toxicity is lower than the base model's.",
			ModelExamination:   "Attention attribution was used to check that refusals are triggered by the harmful part of prompts rather than by keywords alone.",

			Environment: EnvironmentalImpact{HardwareType: "8x A100 80GB", HoursUsed: "19", CloudProvider: "Example Cloud", ComputeRegion: "eu-west", CarbonEmitted: "41 kg CO2eq"},

			Architecture:    "Decoder-only transformer with grouped-query attention, rotary position embeddings and SwiGLU activations; trained with next-token prediction, then DPO.",
			ComputeHardware: "Training: one node with 8 A100 80GB. Inference: one GPU with 16 GB of memory in bf16.",
			ComputeSoftware: "PyTorch 2.3, transformers 4.44, TRL 0.9, DeepSpeed ZeRO-3.",

			CitationBibTeX:  "@misc{example2024chat7b,\n  title  = {Chat 7B: an instruction-tuned assistant},\n  author = {Example Org},\n  year   = {2024}\n}",
			CitationAPA:     "Example Org. (2024). Chat 7B: an instruction-tuned assistant.",
			Glossary:        "DPO: direct preference optimisation. SFT: supervised fine-tuning.",
			MoreInformation: "See the repository for the evaluation scripts.",
			CardAuthors:     "Example Org research team",
			Contact:         "models@example.org",

			Specifics: map[string]string{
				"prompt_format":     "```\n<|user|>\n{prompt}<|end|>\n<|assistant|>\n```",
				"context_length":    "4,096 tokens; longer inputs are truncated from the left.",
				"tokenizer":         "SentencePiece BPE with a 32,000-token vocabulary.",
				"safety_evaluation": "Red-teamed by 12 internal testers over two weeks; refusal rate on a 500-prompt harmful set is 94%.",
				"alignment":         "SFT on the instruction mix, then DPO with beta 0.1 on the preference pairs.",
			},
		},
	}
}

// BenchmarkRenderHF renders a full LLM card, allocating the output each
// time; ns/op is the time per card and MB/s the output rate.
func BenchmarkRenderHF(b *testing.B) {
	c := benchLLMCard(b)
	out, err := RenderHF(c)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := RenderHF(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderHFMinimal renders the minimal spec's card: a name and
// one incomplete result, so nearly every section carries a marker.
func BenchmarkRenderHFMinimal(b *testing.B) {
	c := &Card{Content: Content{ModelID: "test", EvalResults: []EvalResult{{MetricType: "accuracy", MetricValue: 0.95}}}}
	out, err := RenderHF(c)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := RenderHF(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendHF renders the same card into a reused buffer, as a bulk
// caller does.
func BenchmarkAppendHF(b *testing.B) {
	c := benchLLMCard(b)
	buf, err := AppendHF(nil, c)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if buf, err = AppendHF(buf[:0], c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderHFTextTemplate is the baseline: the same card through a
// straightforward text/template rendering (template parsed once, metadata
// encoded by the YAML library), to show what the hand-written renderer
// saves.
func BenchmarkRenderHFTextTemplate(b *testing.B) {
	c := benchLLMCard(b)
	tmpl := template.Must(template.New("card").Funcs(template.FuncMap{
		"needs": func(id string) string { return NeedsInfo(id, Guidance(FamilyLLM, id)) },
		"cell":  func(s string) string { return strings.NewReplacer("|", `\|`, "\n", "<br>").Replace(s) },
		"spec":  func(key string) string { return c.Content.Specifics[key] },
	}).Parse(baselineTemplate))
	fam, _ := LookupFamily(FamilyLLM)
	render := func(buf *bytes.Buffer) error {
		entries, err := EvalResultsToModelIndex(c.Content.ModelID, c.Content.EvalResults)
		if err != nil {
			return err
		}
		yml, err := hfEncodeMetaSlow(c.Meta, entries)
		if err != nil {
			return err
		}
		return tmpl.Execute(buf, map[string]any{"YAML": yml, "C": &c.Content, "Fam": fam})
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := render(&buf); err != nil {
			b.Fatal(err)
		}
	}
}

// baselineTemplate is the Hub template's structure as a text/template, the
// way a first version of a renderer would write it.
const baselineTemplate = `---
{{.YAML}}
---

# Model Card for {{or .C.PrettyName .C.ModelID}}

{{or .C.Summary (needs "summary")}}

## Model Details

### Model Description

{{or .C.Description (needs "model_details.description")}}

- **Developed by:** {{.C.DevelopedBy}}
- **Funded by:** {{.C.FundedBy}}
- **Shared by:** {{.C.SharedBy}}
- **Model type:** {{.C.ModelType}}

### Model Sources

- **Repository:** {{.C.Repository}}
- **Paper:** {{.C.Paper}}
- **Demo:** {{.C.Demo}}

## Uses

### Direct Use

{{or .C.DirectUse (needs "uses.direct")}}

### Downstream Use

{{or .C.DownstreamUse (needs "uses.downstream")}}

### Out-of-Scope Use

{{or .C.OutOfScopeUse (needs "uses.out_of_scope")}}

## Bias, Risks, and Limitations

{{or .C.BiasRisksLimitations (needs "bias_risks_limitations")}}

### Recommendations

{{or .C.Recommendations (needs "bias_risks_limitations.recommendations")}}

## How to Get Started with the Model

{{or .C.GetStarted (needs "get_started")}}

## {{.Fam.SectionTitle}}
{{range .Fam.Fields}}
### {{.Title}}

{{or (spec .Key) (needs (printf "specifics.%s" .Key))}}
{{end}}
## Training Details

### Training Data

{{or .C.TrainingData (needs "training.data")}}

### Training Procedure

#### Preprocessing

{{or .C.Preprocessing (needs "training.procedure.preprocessing")}}

#### Training Hyperparameters

- **Training regime:** {{.C.TrainingRegime}}

| Hyperparameter | Value |
| --- | --- |
{{range .C.Hyperparameters}}| {{cell .Key}} | {{cell .Value}} |
{{end}}
#### Speeds, Sizes, Times

{{or .C.SpeedsSizesTimes (needs "training.procedure.speeds_sizes_times")}}

## Evaluation

### Testing Data, Factors & Metrics

#### Testing Data

{{or .C.TestingData (needs "evaluation.testing_factors_metrics.testing_data")}}

#### Factors

{{or .C.Factors (needs "evaluation.testing_factors_metrics.factors")}}

#### Metrics

{{or .C.MetricsDescription (needs "evaluation.testing_factors_metrics.metrics")}}

### Results

| Task | Dataset | Config / Split | Metric | Value | Source |
| --- | --- | --- | --- | --- | --- |
{{range .C.EvalResults}}| {{cell .TaskName}} ({{cell .TaskType}}) | {{cell .DatasetName}} ({{cell .DatasetType}}) | {{cell .DatasetConfig}} / {{cell .DatasetSplit}} | {{cell .MetricType}} | {{.MetricValue}} | [{{cell .SourceName}}]({{.SourceURL}}) |
{{end}}
#### Summary

{{or .C.ResultsSummary (needs "evaluation.results.summary")}}

## Model Examination

{{or .C.ModelExamination (needs "model_examination")}}

## Environmental Impact

- **Hardware Type:** {{.C.Environment.HardwareType}}
- **Hours used:** {{.C.Environment.HoursUsed}}
- **Cloud Provider:** {{.C.Environment.CloudProvider}}
- **Compute Region:** {{.C.Environment.ComputeRegion}}
- **Carbon Emitted:** {{.C.Environment.CarbonEmitted}}

## Technical Specifications

### Model Architecture and Objective

{{or .C.Architecture (needs "technical_specifications.architecture")}}

### Compute Infrastructure

#### Hardware

{{or .C.ComputeHardware (needs "technical_specifications.compute.hardware")}}

#### Software

{{or .C.ComputeSoftware (needs "technical_specifications.compute.software")}}

## Citation

**BibTeX:**

` + "```bibtex" + `
{{.C.CitationBibTeX}}
` + "```" + `

**APA:**

{{.C.CitationAPA}}

## Glossary

{{or .C.Glossary (needs "glossary")}}

## More Information

{{or .C.MoreInformation (needs "more_information")}}

## Model Card Authors

{{or .C.CardAuthors (needs "card_authors")}}

## Model Card Contact

{{or .C.Contact (needs "contact")}}
`
