package engine

import (
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

func mustParse(t testing.TB, src string) *card.Card {
	t.Helper()
	c, err := card.Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return c
}

func newTestFeaturizer(t testing.TB) *Featurizer {
	t.Helper()
	f, err := NewFeaturizer(DefaultFeatureSpace())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// rowMap copies a row into a map from column to value.
func rowMap(r Row) map[int32]float32 {
	m := make(map[int32]float32, len(r.Cols))
	for i, c := range r.Cols {
		m[c] = r.Vals[i]
	}
	return m
}

func TestFeaturizeRowShape(t *testing.T) {
	f := newTestFeaturizer(t)
	c := mustParse(t, "---\nlicense: mit\nlanguage: en\nlibrary_name: transformers\n---\n# Model\n\n## Uses\n\nClassify the sentiment of product reviews in English, positive or negative, with a score.\n\n```python\nprint(1)\n```\n")
	var bits RubricBits
	row := f.Featurize(c, &bits)
	seen := map[int32]bool{}
	var norm float64
	hashed := 0
	for i, col := range row.Cols {
		if seen[col] {
			t.Fatalf("column %d appears twice", col)
		}
		seen[col] = true
		if col < 0 || int(col) >= f.Space().Dim() {
			t.Fatalf("column %d outside the space", col)
		}
		if int(col) < NumRubric() {
			if row.Vals[i] != 1 || !bits.Has(int(col)) {
				t.Errorf("rubric column %d = %v, bit %v", col, row.Vals[i], bits.Has(int(col)))
			}
			continue
		}
		hashed++
		norm += float64(row.Vals[i]) * float64(row.Vals[i])
	}
	if hashed < 10 {
		t.Errorf("only %d hashed features", hashed)
	}
	if math.Abs(norm-1) > 1e-5 {
		t.Errorf("hashed part has norm² %v, want 1", norm)
	}
	for _, id := range []string{"meta.license.present", "meta.license.valid", "meta.language.valid", "section.uses.present", "section.uses.filled", "content.code_example"} {
		i, ok := RubricIndex(id)
		if !ok {
			t.Fatalf("no rubric feature %s", id)
		}
		if !bits.Has(i) {
			t.Errorf("%s not set", id)
		}
	}
	for _, id := range []string{"section.uses.long", "meta.pipeline_tag.present", "content.bibtex", "section.training.present"} {
		i, _ := RubricIndex(id)
		if bits.Has(i) {
			t.Errorf("%s set for a card without it", id)
		}
	}
}

// TestFeaturizeIgnoresDeclaredTask checks that the fields declaring a task
// do not move the text features: cards that differ only in them have the
// same hashed features.
func TestFeaturizeIgnoresDeclaredTask(t *testing.T) {
	body := "# Model\n\nA model that reads reviews.\n"
	variants := []string{
		"---\nlicense: mit\n---\n" + body,
		"---\nlicense: mit\npipeline_tag: text-classification\ntags:\n- sentiment\n- text-classification\n---\n" + body,
		"---\nlicense: mit\npipeline_tag: image-classification\n---\n<!-- task: image-classification -->\n" + body,
		// A comment in the title: neither its words nor its character
		// n-grams count.
		"---\nlicense: mit\n---\n# Model <!-- task: image-classification -->\n\nA model that reads reviews.\n",
		"---\nlicense: mit\nmodel-index:\n- name: m\n  results:\n  - task:\n      type: summarization\n      name: Summarization\n    dataset: {name: D, type: d}\n    metrics:\n    - {type: acc, value: 1}\n---\n" + body,
	}
	f := newTestFeaturizer(t)
	hashedOf := func(src string) map[int32]float32 {
		var bits RubricBits
		m := rowMap(f.Featurize(mustParse(t, src), &bits))
		for c := range m {
			if int(c) < NumRubric() {
				delete(m, c)
			}
		}
		return m
	}
	base := hashedOf(variants[0])
	for i, v := range variants[1:4] {
		got := hashedOf(v)
		if len(got) != len(base) {
			t.Errorf("variant %d: %d hashed features, base %d", i+1, len(got), len(base))
			continue
		}
		for c, val := range base {
			if got[c] != val {
				t.Errorf("variant %d: feature %d = %v, base %v", i+1, c, got[c], val)
			}
		}
	}
	// The model-index variant adds its dataset and metric, but not its
	// task: the words "summarization" must not appear as features.
	withTask := hashedOf(variants[4])
	onlyTask := hashedOf("---\nlicense: mit\n---\n" + body + "\nsummarization\n")
	for c := range onlyTask {
		if _, inBase := base[c]; inBase {
			continue
		}
		if _, leaked := withTask[c]; leaked {
			t.Errorf("feature %d of the word summarization appears through model-index's task", c)
		}
	}
}

// bucketCounts hashes text with fn into a fresh featurizer and returns
// the signed count of each touched bucket.
func bucketCounts(t *testing.T, fn func(f *Featurizer)) map[int32]float32 {
	t.Helper()
	f := newTestFeaturizer(t)
	fn(f)
	out := map[int32]float32{}
	for _, b := range f.touched {
		if c := f.acc[b]; c != 0 {
			out[b] = c
		}
	}
	return out
}

// checkHashedAsParts checks that text hashes to the bucket counts of its
// parts hashed one by one: what it leaves out counts nothing, and no bigram
// spans a gap between parts.
func checkHashedAsParts(t *testing.T, text string, parts []string) {
	t.Helper()
	got := bucketCounts(t, func(f *Featurizer) { f.hashText(text, seedBody, true) })
	want := bucketCounts(t, func(f *Featurizer) {
		for _, p := range parts {
			f.hashText(p, seedBody, true)
		}
	})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hashText(%q) = %v, want the counts of %q: %v", text, got, parts, want)
	}
}

func countSum(m map[int32]float32) float32 {
	var n float32
	for _, c := range m {
		n += float32(math.Abs(float64(c)))
	}
	return n
}

func TestHashTextStems(t *testing.T) {
	tests := []struct {
		text        string
		stems       bool
		wantBuckets int // unigrams + bigrams + stems, no collisions
	}{
		{"detector", false, 1},
		{"detector", true, 2},
		{"detect", true, 2},    // six bytes: a stem
		{"model", true, 1},     // five bytes: the stem would be the word
		{"big model", true, 3}, // two words, one bigram, no stems
		{"DETECTOR", true, 2},
	}
	for _, tt := range tests {
		got := bucketCounts(t, func(f *Featurizer) { f.hashText(tt.text, seedBody, tt.stems) })
		if len(got) != tt.wantBuckets {
			t.Errorf("hashText(%q, stems %v): %d buckets, want %d", tt.text, tt.stems, len(got), tt.wantBuckets)
		}
	}
	// Words that share their first five bytes share their stem feature,
	// and only it.
	shared := func(a, b string) int {
		ma := bucketCounts(t, func(f *Featurizer) { f.hashText(a, seedBody, true) })
		mb := bucketCounts(t, func(f *Featurizer) { f.hashText(b, seedBody, true) })
		n := 0
		for k := range ma {
			if _, ok := mb[k]; ok {
				n++
			}
		}
		return n
	}
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"detector", "detection", 1},
		{"segmentation", "segmenter", 1},
		{"detector", "translation", 0},
		{"detector", "detector", 2},
	} {
		if got := shared(tt.a, tt.b); got != tt.want {
			t.Errorf("%q and %q share %d features, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	// The stem of a long word is not the feature of the five-byte word.
	if shared("detec", "detector") != 0 {
		t.Error(`the word "detec" and the stem of "detector" share a feature`)
	}
}

func TestHashCharGrams(t *testing.T) {
	tests := []struct {
		text string
		want float32 // n-grams counted
	}{
		// "^bert^": ^be ^ber ^bert ber bert bert^ ert ert^ rt^.
		{"bert", 9},
		// "^t5^": ^t5 ^t5^ t5^.
		{"t5", 3},
		// "^a^": ^a^.
		{"a", 1},
		// Two words, each framed; punctuation separates.
		{"bert-t5", 12},
		{"", 0},
		{"<!-- task: image-classification -->", 0},
		{"bert <!-- task: x --> t5", 12},
		{"bert <!-- unterminated", 9},
	}
	for _, tt := range tests {
		got := countSum(bucketCounts(t, func(f *Featurizer) { f.hashCharGrams(tt.text, seedTitleGrams) }))
		if got != tt.want {
			t.Errorf("hashCharGrams(%q) counted %v n-grams, want %v", tt.text, got, tt.want)
		}
	}
	// Versions of a name share most of their n-grams.
	a := bucketCounts(t, func(f *Featurizer) { f.hashCharGrams("yolov8", seedTitleGrams) })
	b := bucketCounts(t, func(f *Featurizer) { f.hashCharGrams("yolov5", seedTitleGrams) })
	common := 0
	for k := range a {
		if _, ok := b[k]; ok {
			common++
		}
	}
	// ^yo ^yol ^yolo yol yolo yolov olo olov lov: 9 of 15.
	if common != 9 {
		t.Errorf("yolov8 and yolov5 share %d n-grams, want 9", common)
	}
}

func TestCardTitle(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"# Whisper Large\n\ntext\n", "Whisper Large"},
		{"intro\n\n## Usage\n\n# Real Title\n", "Real Title"},
		{"intro\n\n## Usage\n\ntext\n", "Usage"},
		{"no heading at all\n", ""},
		{"# " + strings.Repeat("x", 300) + "\n", strings.Repeat("x", maxTitleBytes)},
	}
	for _, tt := range tests {
		c := mustParse(t, tt.src)
		if got := cardTitle(c.Body); got != tt.want {
			t.Errorf("cardTitle(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

// TestFeaturizeTitle checks that a title's words count apart from the
// body's: the same words as a heading and as a paragraph give different
// rows.
func TestFeaturizeTitle(t *testing.T) {
	f := newTestFeaturizer(t)
	var bits RubricBits
	hashed := func(src string) map[int32]float32 {
		m := rowMap(f.Featurize(mustParse(t, src), &bits))
		for c := range m {
			if int(c) < NumRubric() {
				delete(m, c)
			}
		}
		return m
	}
	asTitle := hashed("# Whisper\n\nSpeech recognition.\n")
	asText := hashed("Whisper\n\nSpeech recognition.\n")
	// The title adds its word and its n-grams (^wh ^whi ^whis whi whis
	// whisp his hisp hispe isp ispe isper spe sper sper^ per per^ er^).
	if got, want := len(asTitle)-len(asText), 1+18; got != want {
		t.Errorf("the title adds %d features, want %d", got, want)
	}
	for c := range asText {
		if _, ok := asTitle[c]; !ok {
			t.Errorf("feature %d of the text is missing when the word is a title", c)
		}
	}
}

func TestFeaturizeDeterministicAndReusable(t *testing.T) {
	f := newTestFeaturizer(t)
	a := mustParse(t, "# A\n\nAlpha beta gamma delta.\n")
	b := mustParse(t, "# B\n\nCompletely different words here, many of them, repeated repeated repeated.\n")
	var bits RubricBits
	first := rowMap(f.Featurize(a, &bits))
	f.Featurize(b, &bits)
	again := rowMap(f.Featurize(a, &bits))
	if len(first) != len(again) {
		t.Fatalf("%d features, then %d", len(first), len(again))
	}
	for c, v := range first {
		if again[c] != v {
			t.Errorf("feature %d: %v then %v (state leaked between cards)", c, v, again[c])
		}
	}
}

// TestFeaturizeAllocationsDoNotGrowWithText checks that no allocation is
// made per token: a card a hundred times longer allocates no more.
func TestFeaturizeAllocationsDoNotGrowWithText(t *testing.T) {
	f := newTestFeaturizer(t)
	short := mustParse(t, "# M\n\n"+strings.Repeat("word ", 50))
	long := mustParse(t, "# M\n\n"+strings.Repeat("other words that differ ", 1200))
	var bits RubricBits
	f.Featurize(long, &bits) // grow the buffers once
	aShort := testing.AllocsPerRun(20, func() { f.Featurize(short, &bits) })
	aLong := testing.AllocsPerRun(20, func() { f.Featurize(long, &bits) })
	if aLong > aShort+2 {
		t.Errorf("long card: %v allocations, short card: %v", aLong, aShort)
	}
}

func BenchmarkFeaturizeCorpus(b *testing.B) {
	var cards []*card.Card
	var total int64
	for _, e := range corpusEntries(b) {
		src, err := os.ReadFile(e.Path)
		if err != nil {
			b.Fatal(err)
		}
		c, err := card.Parse(src)
		if c == nil {
			continue
		}
		_ = err
		cards = append(cards, c)
		total += int64(len(src))
	}
	f := newTestFeaturizer(b)
	var bits RubricBits
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, c := range cards {
			f.Featurize(c, &bits)
		}
	}
	b.ReportMetric(float64(len(cards))*float64(b.N)/b.Elapsed().Seconds(), "cards/s")
}

func TestLogTF(t *testing.T) {
	for _, n := range []float32{1, 2, 3, 100, 255, 256, 1000, 123456} {
		want := float32(1 + math.Log(float64(n)))
		if got := logTF(n); math.Abs(float64(got-want)) > 1e-6 {
			t.Errorf("logTF(%v) = %v, want %v", n, got, want)
		}
	}
}

func TestHashTextSkipsNeedsInfoMarkers(t *testing.T) {
	marker := "> **Needs information** `uses.direct`: Describe what the model can be used for as it is.\n"
	tests := []struct {
		name  string
		with  string
		parts []string // the text without the marker, as separately hashed runs: no bigram spans a marker
	}{
		{"a marker between lines", "big model\n" + marker + "small data\n", []string{"big model\n", "small data\n"}},
		{"a marker first", marker + "speech recognition", []string{"speech recognition"}},
		{"a marker last, no newline", "speech recognition\n" + strings.TrimSuffix(marker, "\n"), []string{"speech recognition\n"}},
		{"only markers", marker + marker, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkHashedAsParts(t, tt.with, tt.parts)
		})
	}
	// A quoted line that is not a marker still counts.
	if quote := bucketCounts(t, func(f *Featurizer) { f.hashText("> **Note** speech\n", seedBody, true) }); len(quote) == 0 {
		t.Error("an ordinary quoted line gave no features")
	}
}

func TestHashTextSkipsNumbers(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		parts []string // the same features: the text's words apart from the numbers, as separately hashed runs
	}{
		{"a number alone", "2024", nil},
		{"a table of scores", "| 0.2949 | 1.0 | 376 |", nil},
		{"a number between words", "epoch 12 loss", []string{"epoch", "loss"}},
		{"a decimal between words", "accuracy 0.9048 on", []string{"accuracy", "on"}},
		{"a number last", "trained for 50", []string{"trained for"}},
		{"a number before an HTML comment", "big 7<!-- c --> model", []string{"big", "model"}},
		{"words with digits count", "llama 7b patch16 v2", []string{"llama 7b patch16 v2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkHashedAsParts(t, tt.text, tt.parts)
		})
	}
	// A word of letters and digits is not a number: "7b" counts apart
	// from "b".
	if a, b := bucketCounts(t, func(f *Featurizer) { f.hashText("7b", seedBody, false) }),
		bucketCounts(t, func(f *Featurizer) { f.hashText("b", seedBody, false) }); reflect.DeepEqual(a, b) {
		t.Error(`"7b" has the features of "b"`)
	}
}
