package card

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CanonicalFor maps a heading's title onto a canonical section, in the
// context of parent, the canonical section of the nearest enclosing heading
// that maps to one ("" at the top). It returns "" when the title matches no
// canonical section.
//
// The title is normalised first: markdown emphasis, inline code, links
// ([text](url) keeps text), images, HTML tags, emoji and other symbols are
// dropped; leading numbering ("1.", "2.1", "IV.") and a trailing
// "[optional]" or colon are cut; "&" reads "and"; hyphens and commas read as
// spaces; case is folded. The result is looked up in a table of the ways
// cards in the wild name each section ("Intended uses & limitations",
// "How to use", "BibTeX", Mitchell et al.'s "Quantitative Analyses", some
// Chinese and Japanese titles, ...). When that fails, the lookup is tried
// again without a trailing parenthesis ("Usage (Sentence-Transformers)"),
// with what the parenthesis holds ("概要 (Overview)"), with the part before
// a colon, with each side of a slash ("模型介绍/Introduction"), without a
// leading "model"; last, some leading words decide ("How to use ...",
// "Citation ...").
//
// A few titles depend on their context: "Summary" under Evaluation or
// Results is the results' summary; "Data" or "Datasets" under Evaluation is
// the testing data, elsewhere the training data.
//
// Every heading that RenderHFWith writes, in every supported language (see
// SupportedLanguages), maps onto the section that its English original
// maps onto: the translations are taken into the table from the tables
// the renderer writes them from (HeadingsFor, FamilyHeadingsFor).
func CanonicalFor(title string, parent SectionID) SectionID {
	return synonymTable.canonical(title, parent)
}

// canonical is CanonicalFor in table t.
func (t synonymMap) canonical(title string, parent SectionID) SectionID {
	var buf [160]byte
	key := normalizeTitle(buf[:0], title)
	if len(key) == 0 {
		return ""
	}
	if id, ok := t.lookup(key, parent); ok {
		return id
	}
	return t.fallback(key, parent)
}

// NormalizeTitle returns the normalised form of a heading title that
// CanonicalFor looks up: see CanonicalFor for the rules.
func NormalizeTitle(title string) string {
	var buf [160]byte
	return string(normalizeTitle(buf[:0], title))
}

// synonym is what a normalised title maps to: a section, and sections that
// replace it under given parents.
type synonym struct {
	id      SectionID
	context []contextRule
}

// contextRule maps a title to id when its parent is under (or below it).
type contextRule struct {
	under SectionID
	id    SectionID
}

// synonymMap maps normalised titles onto their synonyms.
type synonymMap map[string]synonym

// lookup looks key up in the table, applying context rules.
func (t synonymMap) lookup(key []byte, parent SectionID) (SectionID, bool) {
	syn, ok := t[string(key)]
	if !ok {
		return "", false
	}
	for _, r := range syn.context {
		if parent == r.under || strings.HasPrefix(string(parent), string(r.under)) &&
			len(parent) > len(r.under) && parent[len(r.under)] == '.' {
			return r.id, true
		}
	}
	return syn.id, true
}

// fallback tries the looser readings of a title that is not in the table
// as it is.
func (t synonymMap) fallback(key []byte, parent SectionID) SectionID {
	try := func(k []byte) (SectionID, bool) {
		k = trimKey(k)
		if len(k) == 0 {
			return "", false
		}
		return t.lookup(k, parent)
	}
	// A trailing parenthesis: "usage (sentence-transformers)", or a
	// translation in it: "概要 (overview)".
	if n := len(key); n > 0 && key[n-1] == ')' {
		if open := lastOpenParen(key); open > 0 {
			if id, ok := try(key[:open]); ok {
				return id
			}
			if id, ok := try(key[open+1 : n-1]); ok {
				return id
			}
		}
	}
	// A leading parenthesis is a note: "(optional) training data".
	if key[0] == '(' {
		if e := bytes.IndexByte(key, ')'); e > 0 {
			if id, ok := try(key[e+1:]); ok {
				return id
			}
		}
	}
	// The part before a colon: "prompt template: chatml".
	if c := bytes.IndexByte(key, ':'); c > 0 {
		if id, ok := try(key[:c]); ok {
			return id
		}
	}
	// Either side of a slash: "model details / 模型细节".
	if s := bytes.IndexByte(key, '/'); s > 0 {
		if id, ok := try(key[:s]); ok {
			return id
		}
		if id, ok := try(key[s+1:]); ok {
			return id
		}
	}
	// A leading "model", "the" or "our": "model training".
	for _, p := range [...]string{"model ", "the ", "our ", "the model ", "about the "} {
		if len(key) > len(p) && string(key[:len(p)]) == p {
			if id, ok := try(key[len(p):]); ok {
				return id
			}
		}
	}
	// A family's own section: "vision specifics".
	if k := string(key); strings.HasSuffix(k, " specifics") {
		return SecFamilySpecifics
	}
	// Leading words that decide on their own.
	for _, p := range synonymPrefixes {
		if len(key) >= len(p.prefix) && string(key[:len(p.prefix)]) == p.prefix {
			return p.id
		}
	}
	return ""
}

// lastOpenParen returns the index of the '(' matching the ')' that ends key.
func lastOpenParen(key []byte) int {
	depth := 0
	for i := len(key) - 1; i >= 0; i-- {
		switch key[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// trimKey trims spaces and the punctuation that may dangle at either end of
// a normalised title or a part of it.
func trimKey(k []byte) []byte {
	for len(k) > 0 && strings.IndexByte(" :.;-!", k[0]) >= 0 {
		k = k[1:]
	}
	for len(k) > 0 && strings.IndexByte(" :.;-", k[len(k)-1]) >= 0 {
		k = k[:len(k)-1]
	}
	return k
}

// normalizeTitle appends the normalised form of title to buf.
func normalizeTitle(buf []byte, title string) []byte {
	start := len(buf)
	space := true // the last byte written is a space, or nothing was written
	emitSpace := func() {
		if !space {
			buf = append(buf, ' ')
			space = true
		}
	}
	emit := func(c byte) {
		buf = append(buf, c)
		space = false
	}
	for i := 0; i < len(title); {
		c := title[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(title[i:])
			i += size
			switch {
			case r == '（':
				emitSpace()
				emit('(')
			case r == '）':
				emit(')')
			case r == '：':
				emit(':')
			case r == '／':
				emit('/')
			case r == '＆':
				emitSpace()
				buf = append(buf, "and"...)
				space = false
				emitSpace()
			case r == '’' || r == 'ʼ':
				emit('\'')
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				buf = utf8.AppendRune(buf, unicode.ToLower(r))
				space = false
			case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
				// Combining marks of scripts (Thai, Devanagari, ...) stay;
				// variation selectors that turn a symbol into an emoji go.
				if !(r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF) && !space {
					buf = utf8.AppendRune(buf, r)
				}
			case unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '、' || r == '，':
				emitSpace()
			}
			// Anything else (emoji, symbols, format characters,
			// other punctuation) is dropped.
			continue
		}
		switch {
		case c >= 'A' && c <= 'Z':
			emit(c + 'a' - 'A')
			i++
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			emit(c)
			i++
		case c == '<':
			// An HTML tag goes, with its attributes.
			if e := htmlTagLen(title[i:]); e > 0 {
				i += e
				emitSpace()
			} else {
				i++
			}
		case c == '!' && i+1 < len(title) && title[i+1] == '[':
			// An image goes, alt text included.
			i = skipLink(title, i+1)
			emitSpace()
		case c == ']':
			// The text of a link stays, its destination goes.
			i++
			if i < len(title) && title[i] == '(' {
				i = skipParens(title, i)
			}
		case c == '&':
			i++
			if e := entityLen(title[i:]); e > 0 {
				if title[i:i+e] == "amp;" {
					emitSpace()
					buf = append(buf, "and"...)
					space = false
				}
				i += e
				emitSpace()
				continue
			}
			emitSpace()
			buf = append(buf, "and"...)
			space = false
			emitSpace()
		case c == '_':
			// Emphasis, or a word separator.
			i++
			emitSpace()
		case c == '(' || c == ')' || c == ':' || c == '/' || c == '.' || c == '\'' || c == '?' ||
			c == '+' || c == '%' || c == '@':
			if c == '(' {
				emitSpace()
			}
			emit(c)
			i++
		case c == '-' || c == ',' || c == ';' || c == '|' || c == '"' || c == '=' || c == ' ' ||
			c == '\t' || c == '\n' || c == '\r':
			emitSpace()
			i++
		default:
			// '*', '`', '~', '\\', '#', '[', '{', '}', '$', '^', '>', ...
			i++
		}
	}
	out := buf[start:]
	out = trimKey(out)
	out = stripNumbering(out)
	out = stripOptional(out)
	out = trimKey(out)
	if len(out) == 0 {
		return buf[:start]
	}
	return out
}

// htmlTagLen returns the length of the HTML tag (or comment) at the start of
// s, or 0 when s does not start with one.
func htmlTagLen(s string) int {
	if len(s) < 3 || !(mdIsLetter(s[1]) || s[1] == '/' || s[1] == '!') {
		return 0
	}
	if e := strings.IndexByte(s, '>'); e > 0 {
		return e + 1
	}
	return 0
}

// skipLink skips the link or image whose '[' is at i, returning the index
// after it.
func skipLink(s string, i int) int {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				i++
				if i < len(s) && s[i] == '(' {
					return skipParens(s, i)
				}
				return i
			}
		}
	}
	return len(s)
}

// skipParens skips the parenthesis opened at i, returning the index after
// its closing one.
func skipParens(s string, i int) int {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}

// entityLen returns the length of an HTML entity's name and ';' at the start
// of s ("amp;", "#x2f;"), or 0.
func entityLen(s string) int {
	for i := 0; i < len(s) && i < 10; i++ {
		c := s[i]
		switch {
		case c == ';':
			if i == 0 {
				return 0
			}
			return i + 1
		case mdIsLetter(c) || c >= '0' && c <= '9' || c == '#' && i == 0:
		default:
			return 0
		}
	}
	return 0
}

// stripNumbering cuts the leading numbering of a title: "1 ", "1. ",
// "2.1 ", "3) ", "iv. ", "a) ", "step 2: ".
func stripNumbering(k []byte) []byte {
	for {
		i := 0
		switch {
		case len(k) > 0 && k[0] >= '0' && k[0] <= '9':
			for i < len(k) && (k[i] >= '0' && k[i] <= '9' || k[i] == '.') {
				i++
			}
			if i < len(k) && (k[i] == ')' || k[i] == ':') {
				i++
			}
		case len(k) > 2 && k[0] >= 'a' && k[0] <= 'z' && (k[1] == '.' || k[1] == ')') && k[2] == ' ':
			i = 2
		default:
			for i < len(k) && (k[i] == 'i' || k[i] == 'v' || k[i] == 'x') {
				i++
			}
			if i == 0 || i >= len(k) || k[i] != '.' && k[i] != ')' {
				return k
			}
			i++
		}
		if i >= len(k) || k[i] != ' ' {
			return k
		}
		k = k[i+1:]
	}
}

// stripOptional cuts a trailing "optional" or "(optional)".
func stripOptional(k []byte) []byte {
	for _, suf := range [...]string{" (optional)", " optional"} {
		if len(k) > len(suf) && string(k[len(k)-len(suf):]) == suf {
			return k[:len(k)-len(suf)]
		}
	}
	return k
}

// synonymPrefix maps titles starting with prefix onto id.
type synonymPrefix struct {
	prefix string
	id     SectionID
}

// synonymPrefixes are tried in order, after every other reading failed.
var synonymPrefixes = []synonymPrefix{
	{"how to use", SecGetStarted},
	{"download ", SecGetStarted},
	{"downloading ", SecGetStarted},
	{"install ", SecGetStarted},
	{"installing ", SecGetStarted},
	{"installation ", SecGetStarted},
	{"use this ", SecGetStarted},
	{"example ", SecGetStarted},
	{"examples ", SecGetStarted},
	{"suitable use", SecUses},
	{"how to run", SecGetStarted},
	{"how to get started", SecGetStarted},
	{"usage ", SecGetStarted},
	{"use with ", SecGetStarted},
	{"use it with ", SecGetStarted},
	{"using ", SecGetStarted},
	{"run with ", SecGetStarted},
	{"running ", SecGetStarted},
	{"inference with ", SecGetStarted},
	{"example usage", SecGetStarted},
	{"sample input", SecGetStarted},
	{"sample output", SecGetStarted},
	{"citation", SecCitation},
	{"citing ", SecCitation},
	{"how to cite", SecCitation},
	{"license", SecLicense},
	{"licence", SecLicense},
	{"intended use", SecUses},
	{"out of scope", SecOutOfScopeUse},
	{"limitations ", SecBiasRisksLimitations},
	{"bias ", SecBiasRisksLimitations},
	{"risks ", SecBiasRisksLimitations},
	{"ethical considerations", SecEthicalConsiderations},
	{"training data", SecTrainingData},
	{"training hyperparameters", SecHyperparameters},
	{"evaluation results", SecResults},
	{"evaluation on ", SecResults},
	{"results on ", SecResults},
	{"benchmark results", SecResults},
	{"environmental impact", SecEnvironmentalImpact},
	{"prompt format", SecFamilySpecifics},
	{"prompt template", SecFamilySpecifics},
}

// synonymGroup lists the normalised titles that mean one section.
type synonymGroup struct {
	id     SectionID
	titles []string
}

// synonymGroups is the table the lookups are built from. Titles are given
// normalised (see normalizeTitle).
var synonymGroups = []synonymGroup{
	{SecModelDetails, []string{
		"model details", "model detail", "details", "model information", "model informations",
		"model info", "model card", "model properties", "model overview and details",
		"base model information", "model type", "model date", "model version", "model versions",
		"release date", "model specs", "model facts", "about the model", "model", "key details",
		"developed by", "model developers", "model developer", "basic information",
		"supported languages", "languages", "language",
		"モデルの詳細", "模型细节", "模型信息", "基本信息",

		"characteristics", "uploaded model", "model name", "model overview and specs",
	}},
	{SecModelDescription, []string{
		"model description", "description", "overview", "model overview", "model summary",
		"summary", "introduction", "intro", "tl dr", "tldr", "about", "about this model",
		"model introduction", "original model description", "original description",
		"use case and high level description", "module description", "abstract",
		"what is this?", "what is it?", "highlights", "key features", "features",
		"model capabilities", "capabilities", "overview of this model",
		"モデルの概要", "本モデルの概要", "概要", "概述", "模型介绍", "模型简介", "介绍", "简介",
		"模型概述",
	}},
	{SecModelSources, []string{
		"model sources", "model source", "sources", "links", "model links", "resources and links",
		"repository", "paper", "paper and code", "demo", "demos", "project page", "code",
		"useful links", "related links",

		"source", "origin", "original model", "base model", "base models", "model repository",
	}},
	{SecUses, []string{
		"uses", "use", "intended uses", "intended use", "intended uses and limitations",
		"intended use and limitations", "intended usage", "intended uses and limitation",
		"usage and limitations", "use and limitations", "uses and limitations",
		"use cases", "use case", "intended use cases", "primary intended uses",
		"primary intended use", "intended users", "primary intended users", "applications",
		"application", "suitable use cases", "model use", "intended purpose",
		"intended uses and potential bias", "intented usage and model info",
		"intended usage and model info", "evaluated use", "use cases and limitations",
		"用途", "使用场景",
	}},
	{SecDirectUse, []string{
		"direct use", "direct usage", "direct uses", "direct users", "direct use for inference",
	}},
	{SecDownstreamUse, []string{
		"downstream use", "downstream uses", "downstream usage", "indirect users",
		"direct use and downstream use", "downstream use cases",
	}},
	{SecOutOfScopeUse, []string{
		"out of scope use", "out of scope uses", "out of scope use cases", "out of scope usage",
		"out of scope", "misuse and malicious use", "misuse malicious use and out of scope use",
		"misuse and out of scope use", "misuse", "unsuitable use cases", "sensitive use",
		"prohibited uses", "prohibited use", "not intended uses", "unintended uses",
		"out of scope uses and limitations",
	}},
	{SecBiasRisksLimitations, []string{
		"bias risks and limitations", "bias risks limitations", "limitations", "limitation",
		"known limitations", "limitations and bias", "limitations and biases", "bias and limitations",
		"biases and limitations", "bias", "biases", "risks", "risks and limitations",
		"limitations and risks", "risks limitations and biases", "risk and limitations",
		"bias risks limitations and recommendations", "bias and fairness",
		"ethical considerations and limitations", "ethical considerations and risks",
		"limitations and ethical considerations", "critical risks", "critical and other risks",
		"known issues", "disclaimer", "disclaimers", "legal warning", "warning", "caveats",
		"limitations and caveats", "performance and limitations", "risks and biases",
		"bias risk and limitations", "bias and risks", "safety", "model limitations",
		"limitations and intended use", "caveats and limitations",
		"局限性", "局限性与免责申明", "免責事項", "免责声明", "限制",
	}},
	{SecRecommendations, []string{
		"recommendations", "recommendation", "caveats and recommendations",
		"recommendations and limitations", "responsible deployment",
	}},
	{SecEthicalConsiderations, []string{
		"ethical considerations", "ethical consideration", "ethics", "ethics and safety",
		"responsibility and safety", "responsible ai considerations", "responsible ai",
		"ethical statement", "ethics statement", "broader impact", "broader impacts",
		"broader implications", "social impact", "responsible release", "fairness evaluation",
		"safety and ethics",
	}},
	{SecGetStarted, []string{
		"how to get started with the model", "how to get started", "get started", "getting started",
		"usage", "how to use", "how to use it?", "how to use the model", "how to use this model",
		"how to use the models?", "example use", "example usage", "examples", "example",
		"usage example", "usage examples", "quick start", "quickstart", "quick tour",
		"demo usage", "basic usage", "general usage", "inference", "model usage", "use the model",
		"using the model", "using this model", "inference samples", "inference example",
		"inference code", "sample code", "code example", "example code", "sample usage",
		"sample inputs and outputs", "sample input and output", "sample inputs and outputs for real time inference",
		"sample input and output for real time inference", "sample input", "sample output",
		"installation", "install", "setup", "requirements", "prerequisites", "pre requisites",
		"run inference", "running the model", "how to run", "deployment", "use with transformers",
		"use in transformers", "usage in transformers", "transformers usage", "with transformers",
		"inference api", "hosted inference api", "download", "download model", "download instructions",
		"how to download", "load the model", "loading the model", "serving", "run cli demo",
		"export for on device deployment", "usage tips", "tips",
		"如何使用", "快速开始", "快速使用", "使用方法", "使い方", "推理", "начало работы",

		"example and usage", "example python code", "example output", "evaluation samples", "model evaluation samples", "model evaluation sample", "finetuning samples", "fine tuning samples", "inference samples and examples",
	}},
	{SecTraining, []string{
		"training details", "training", "training information", "training process",
		"training and evaluation", "training specs", "training setup", "training settings",
		"training configuration", "model training", "train", "training details and data",
		"pre training", "pretraining", "pre training details", "fine tuning details",
		"训练细节", "训练", "学習",
	}},
	{SecTrainingData, []string{
		"training data", "training dataset", "training datasets", "training and evaluation data",
		"training corpus", "training data and procedure", "dataset", "datasets", "data",
		"dataset details", "dataset description", "dataset specs", "datasets used",
		"datasets used in this model", "data sources", "pre training data", "pretraining data",
		"pre training corpora", "training set", "fine tuning data", "finetuning data",
		"instruction data", "data mix", "sft data sources", "dataset creation",
		"数据集", "训练数据", "データセット", "学習データ",
	}},
	{SecTrainingProcedure, []string{
		"training procedure", "training method", "training methodology", "training pipeline",
		"training recipe", "training code", "training strategy", "training objective",
		"fine tuning procedure", "finetuning procedure", "the procedure", "method", "methodology",
		"training logs", "training infrastructure and procedure",
		"训练方法", "学習の設定",

		"merge details", "merge method", "models merged", "merge", "configuration", "configurations", "merge configuration", "yaml config", "merging details",
	}},
	{SecPreprocessing, []string{
		"preprocessing", "pre processing", "data preprocessing", "preprocessing and postprocessing",
		"tokenization", "data processing", "data preparation", "preparation",
	}},
	{SecHyperparameters, []string{
		"training hyperparameters", "hyperparameters", "hyper parameters", "training parameters",
		"training hyperparameter", "all hyperparameters", "non default hyperparameters",
		"training arguments", "learning rates", "hyperparameter", "training params",
		"超参数", "训练参数",
	}},
	{SecSpeedsSizesTimes, []string{
		"speeds sizes times", "speeds sizes and times", "training time", "model size",
		"speed", "throughput",
	}},
	{SecEvaluation, []string{
		"evaluation", "evaluations", "evals", "eval", "model evaluation", "evaluation details",
		"evaluation procedure", "evaluation methodology", "evaluation protocol",
		"評価", "评测", "测评", "评估", "模型评估",
	}},
	{SecTestingFactorsMetrics, []string{
		"testing data factors and metrics", "testing data factors metrics", "testing data and metrics",
		"evaluation setup", "evaluation settings", "validation settings",
	}},
	{SecTestingData, []string{
		"testing data", "test data", "evaluation data", "evaluation dataset", "evaluation datasets",
		"test dataset", "test set", "validation dataset", "validation data", "eval data",
		"benchmark datasets", "evaluation benchmarks",
	}},
	{SecFactors, []string{
		"factors", "relevant factors", "evaluation factors",
	}},
	{SecMetrics, []string{
		"metrics", "metric", "evaluation metrics", "performance metrics", "model performance measures",
		"metrics used",
	}},
	{SecResults, []string{
		"results", "result", "evaluation results", "training results", "eval results",
		"evaluation result", "performance", "model performance", "benchmarks", "benchmark",
		"benchmark performance", "benchmark results", "accuracy", "validation metrics",
		"quantitative analyses", "quantitative analysis", "open llm leaderboard evaluation results",
		"open llm leaderboard", "openllm leaderboard", "leaderboard", "scores", "evaluation scores",
		"model benchmark", "performance evaluation", "benchmark evaluation", "experiments",
		"experimental results", "main results", "initial results", "preliminary evaluations",
		"model evaluation results", "specification and performance", "training set metrics",
		"mteb benchmark evaluation", "pretrain performance", "quick eval", "test results",
		"评测结果", "评测表现", "结果", "模型效果", "测试效果", "性能", "성능",
	}},
	{SecResultsSummary, []string{
		"results summary", "summary of results",
	}},
	{SecModelExamination, []string{
		"model examination", "interpretability", "explainability", "model interpretability",
		"interpretability and explainability",
	}},
	{SecEnvironmentalImpact, []string{
		"environmental impact", "carbon emissions", "carbon footprint", "co2 emissions",
		"co2 emission", "emissions", "estimated emissions", "environmental impacts",
		"carbon emission",
	}},
	{SecTechnicalSpecs, []string{
		"technical specifications", "technical specification", "technical details", "specification",
		"specifications", "model specification", "model specifications", "technical specs",
		"technical report", "model configuration", "configuration details", "model config",
	}},
	{SecArchitecture, []string{
		"model architecture and objective", "model architecture", "architecture",
		"full model architecture", "network architecture", "model structure", "objective",
		"architecture and objective", "overview and model architecture", "model architecture updates",
		"模型结构", "模型架构",
	}},
	{SecCompute, []string{
		"compute infrastructure", "infrastructure", "training infrastructure", "hardware and software",
		"compute", "environmental specs", "compute resources", "training hardware",
		"hardware and software requirements",
	}},
	{SecHardware, []string{
		"hardware", "hardware requirements", "hardware type", "gpu requirements", "测试机器",
	}},
	{SecSoftware, []string{
		"software", "framework versions", "framework", "frameworks", "software requirements",
		"libraries", "dependencies", "framework version", "训练工具",
	}},
	{SecCitation, []string{
		"citation", "citations", "cite", "bibtex", "bibtex entry and citation info", "citation bibtex",
		"bibtex citation", "how to cite", "citing", "citing and authors", "citation and tech report",
		"citation information", "citation info", "citation instructions", "citiation", "references",
		"reference", "paper citation", "cite us", "cite this model", "reference and citation",
		"引用", "参考资料", "参考文献", "引用と参考文献",
	}},
	{SecGlossary, []string{
		"glossary", "glossary and calculations", "terminology", "definitions",
	}},
	{SecMoreInformation, []string{
		"more information", "additional information", "other information", "more info",
		"further information", "resources", "notes", "note", "faq", "frequently asked questions",
		"comments", "misc", "miscellaneous", "acknowledgements", "acknowledgments", "acknowledgement",
		"acknowledgment", "credits", "thanks", "special thanks", "updates", "news", "changelog",
		"change log", "release notes", "version history", "see also", "remarks", "additional notes",
		"感谢", "致谢", "更新信息", "新闻",

		"documentation", "funding", "about us",
	}},
	{SecCardAuthors, []string{
		"model card authors", "model card author", "authors", "author", "contributors",
		"model card authors and contact", "team", "creators", "the creator of this model",
		"製作者", "作者",
	}},
	{SecContact, []string{
		"model card contact", "contact", "contacts", "contact us", "contact information",
		"feedback", "community", "questions", "support", "where to send questions or comments about the model",
		"reporting issues", "issues", "联系我们", "联系方式", "お問い合わせ",
	}},
	{SecFamilySpecifics, []string{
		"prompt format", "prompt template", "prompt formatting", "prompt", "prompting",
		"chat template", "chat format", "instruction format", "prompt templates",
		"conversation templates", "system prompt", "recommended prompt format", "template",
		"inputs", "outputs", "input", "output", "inputs and outputs", "input and output",
		"model inputs", "model outputs", "model input", "model output", "output details",
		"input details", "context length", "tokenizer", "trigger words", "trigger word",
		"labels", "label scheme", "model labels", "classes", "environment", "reward",
		"environment arguments", "input resolution", "sampling rate", "recommended settings",
		"recommended sampling parameters", "提示格式", "推奨設定",
	}},
	{SecLicense, []string{
		"license", "licence", "licenses", "licensing", "model license", "legal information",
		"credits and license", "license agreement", "terms of use", "license and terms of use",
		"licence and other remarks", "license and usage restrictions", "licence and usage restrictions",
		"open source license", "licensing information", "license disclaimer", "legal",
		"terms and conditions", "copyright", "usage license", "协议", "许可证", "模型开源协议",
		"モデルライセンス", "ライセンス", "license agreement and declaration",
	}},
}

// synonymContexts are the titles whose meaning depends on their parent.
var synonymContexts = []struct {
	title string
	rules []contextRule
}{
	{"summary", []contextRule{{SecEvaluation, SecResultsSummary}}},
	{"data", []contextRule{{SecEvaluation, SecTestingData}}},
	{"dataset", []contextRule{{SecEvaluation, SecTestingData}}},
	{"datasets", []contextRule{{SecEvaluation, SecTestingData}}},
	{"preprocessing", []contextRule{{SecEvaluation, SecTestingData}}},
	{"training", []contextRule{{SecGetStarted, ""}}},
	{"hardware", []contextRule{{SecSpeedsSizesTimes, SecHardware}}},
	{"results", []contextRule{{SecTraining, SecResults}}},
	{"limitations", []contextRule{{SecUses, SecBiasRisksLimitations}}},
	{"recommendations", []contextRule{{SecUses, SecRecommendations}}},
	{"model", []contextRule{{SecGetStarted, ""}}},
	{"original model", []contextRule{{SecFamilySpecifics, ""}}},
	{"environment", []contextRule{{SecTechnicalSpecs, SecSoftware}}},
}

// synonymTable maps every normalised title onto its synonym; it is built
// once and read-only afterwards.
var synonymTable = buildSynonymTable()

// buildSynonymTable builds the table from the groups and context rules,
// then adds the renderer's headings in every language (addTranslations).
func buildSynonymTable() synonymMap {
	m := make(synonymMap, 1536)
	for _, g := range synonymGroups {
		for _, t := range g.titles {
			if _, dup := m[t]; !dup { // the first listing wins; a test forbids duplicates
				m[t] = synonym{id: g.id}
			}
		}
	}
	for _, c := range synonymContexts {
		s := m[c.title] // a test checks that every title here is in the groups
		s.context = c.rules
		m[c.title] = s
	}
	m.addTranslations()
	return m
}

// addTranslations adds to t every heading that the Hugging Face renderer
// writes in a language other than English (the canonical sections'
// headings, the families' section and field headings, from HeadingsFor and
// FamilyHeadingsFor, as RenderHFWith takes them), each mapped as its
// English original is: a
// translation takes the English title's entry, context rules included, or,
// for an English title that only a looser reading maps, the section that
// reading gives under the parent the renderer writes it under. A
// translation already in the table (an English word such as "Hardware",
// or a heading two languages share) keeps its entry; a test checks that
// every rendered heading then maps as its English original does.
func (t synonymMap) addTranslations() {
	for _, lang := range SupportedLanguages() {
		if lang == "en" {
			continue
		}
		headings, err := HeadingsFor(lang)
		if err != nil {
			continue // cannot happen: the language is a supported one
		}
		for _, s := range canonicalSections {
			t.addTranslation(headings[s.ID], s.Title, sectionParent(s.ID))
		}
		for i := range families {
			f := &families[i]
			fh, err := FamilyHeadingsFor(lang, f.ID)
			if err != nil {
				continue // cannot happen: the family is a listed one
			}
			t.addTranslation(fh.Section, f.SectionTitle, "")
			for _, fld := range f.Fields {
				t.addTranslation(fh.Fields[fld.Key], fld.Title, SecFamilySpecifics)
			}
		}
	}
}

// addTranslation maps title, a translation of the heading english that the
// renderer writes under a heading of section parent, as english maps.
func (t synonymMap) addTranslation(title, english string, parent SectionID) {
	key := NormalizeTitle(title)
	if key == "" {
		return
	}
	if _, ok := t[key]; ok {
		return
	}
	if s, ok := t[NormalizeTitle(english)]; ok {
		t[key] = s
		return
	}
	if id := t.canonical(english, parent); id != "" {
		t[key] = synonym{id: id}
	}
}

// sectionParent returns the canonical section that holds id ("" for a
// top-level one): "training.procedure" for
// "training.procedure.hyperparameters".
func sectionParent(id SectionID) SectionID {
	if i := strings.LastIndexByte(string(id), '.'); i > 0 {
		return id[:i]
	}
	return ""
}
