package engine

import (
	"fmt"
	"math"
	mathbits "math/bits"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
)

// DefaultHashBits is the default size of the hashed text feature space:
// 2^16 buckets.
const DefaultHashBits = 16

// maxTextBytes bounds how much of a card's body is hashed into text
// features. The median card is about 3 KB; the longest are hundreds of KB
// of tables and logs that add cost, not signal.
const maxTextBytes = 32 << 10

// FeatureSpace is the layout of a feature row: the rubric features first,
// then 2^HashBits hashed text buckets.
type FeatureSpace struct {
	// HashBits is the log2 of the number of hashed text buckets.
	HashBits int
}

// DefaultFeatureSpace returns the default layout.
func DefaultFeatureSpace() FeatureSpace { return FeatureSpace{HashBits: DefaultHashBits} }

// Dim returns the number of features.
func (s FeatureSpace) Dim() int { return NumRubric() + 1<<s.HashBits }

// HashOffset returns the index of the first hashed feature.
func (s FeatureSpace) HashOffset() int { return NumRubric() }

// Check verifies the layout.
func (s FeatureSpace) Check() error {
	if s.HashBits < 8 || s.HashBits > 24 {
		return fmt.Errorf("feature space: hash bits %d outside 8..24", s.HashBits)
	}
	return nil
}

// Featurizer turns cards into feature rows. It keeps scratch buffers, so
// it makes no allocation per token; it is not safe for concurrent use:
// give each goroutine its own.
type Featurizer struct {
	space   FeatureSpace
	mask    uint32
	offset  int32
	acc     []float32 // per bucket signed counts; zero outside touched
	touched []int32
	cols    []int32
	vals    []float32
}

// NewFeaturizer returns a featurizer for a layout.
func NewFeaturizer(space FeatureSpace) (*Featurizer, error) {
	if err := space.Check(); err != nil {
		return nil, err
	}
	n := 1 << space.HashBits
	return &Featurizer{
		space:   space,
		mask:    uint32(n - 1),
		offset:  int32(space.HashOffset()),
		acc:     make([]float32, n),
		touched: make([]int32, 0, 1024),
		cols:    make([]int32, 0, 1024),
		vals:    make([]float32, 0, 1024),
	}, nil
}

// Space returns the featurizer's layout.
func (f *Featurizer) Space() FeatureSpace { return f.space }

// Featurize computes a card's rubric bits and its feature row: one 1.0 per
// rubric feature the card has, then the hashed text features, signed
// hashing, log term frequency, L2-normalised:
//
//   - word unigrams and bigrams of the body, and the first five bytes of
//     each longer body word (a crude stem: "detector", "detection" and
//     "detecting" share "detec");
//   - word unigrams and bigrams of the card's title (its first level-1
//     heading, else its first heading), and the character 3- to 5-grams of
//     the title's words, so that a model's name counts apart from the body
//     and its variants share features ("yolov8" and "yolov5" share "yolo");
//   - word unigrams and bigrams of the descriptive metadata.
//
// Words of ASCII digits only ("2", "0", "8932" of "0.8932") give no word
// unigram, bigram or stem, and no bigram spans them (the title's
// character n-grams still hold them): the tables of losses, scores and
// hyperparameters that many cards hold would otherwise weigh more than
// their words. Words that mix letters and digits ("7b", "patch16",
// "yolov8") count.
//
// The row's columns are distinct but not sorted. The row's slices are
// reused by the next call: copy them (CSR.AppendRow does) before
// featurizing another card.
//
// The fields that declare a task are left out of the text features —
// pipeline_tag, tags, the task of model-index results, and HTML comments
// (TF Hub writes its task as <!-- task: ... -->) — so that the predicted
// task does not repeat the declared one.
func (f *Featurizer) Featurize(c *card.Card, bits *RubricBits) Row {
	rubricOf(c, bits)
	f.cols, f.vals = f.cols[:0], f.vals[:0]
	for w, word := range bits {
		for ; word != 0; word &= word - 1 {
			f.cols = append(f.cols, int32(w*64+mathbits.TrailingZeros64(word)))
			f.vals = append(f.vals, 1)
		}
	}
	f.hashMetadata(c.Meta)
	if c.Body != nil {
		text := c.Body.Text
		if len(text) > maxTextBytes {
			text = text[:maxTextBytes]
		}
		f.hashText(text, seedBody, true)
		if title := cardTitle(c.Body); title != "" {
			f.hashText(title, seedTitle, false)
			f.hashCharGrams(title, seedTitleGrams)
		}
	}
	f.flush()
	return Row{Cols: f.cols, Vals: f.vals}
}

// Seeds keep tokens of different origins apart in the hash space.
const (
	seedBody       uint32 = 0x811c9dc5 // FNV-1a offset basis
	seedMetadata   uint32 = 0x2c1b3c6d
	seedTitle      uint32 = 0x7a3d19c5
	seedTitleGrams uint32 = 0x3b9f5e21
)

// Text feature shapes.
const (
	// stemBytes is the length of the word prefix hashed as a stem; words
	// of at most this many bytes have no stem feature.
	stemBytes = 5
	// minGram and maxGram bound the character n-grams of title words.
	minGram, maxGram = 3, 5
	// gramBoundary marks the start and the end of a word in its
	// character n-grams; it is not a word byte, so no word holds it.
	gramBoundary = '^'
	// maxTitleBytes bounds the title text hashed as title features.
	maxTitleBytes = 256
)

// cardTitle returns the text of a card's title: its first level-1
// top-level heading, else its first heading, at most maxTitleBytes bytes
// of it; "" when the body has no heading.
func cardTitle(b *card.Body) string {
	if len(b.Sections) == 0 {
		return ""
	}
	title := b.Sections[0].Title
	for _, s := range b.Sections {
		if s.Level == 1 {
			title = s.Title
			break
		}
	}
	if len(title) > maxTitleBytes {
		title = title[:maxTitleBytes]
	}
	return title
}

// hashMetadata hashes the metadata that describes the model without
// declaring its task: library, datasets, base model, licence, languages,
// and the datasets and metrics of model-index results. Each key hashes with
// its own seed, so "datasets: squad" and the word "squad" in the body are
// different features.
func (f *Featurizer) hashMetadata(m *card.Metadata) {
	for _, key := range [...]string{"library_name", "datasets", "base_model", "license", "language", "metrics"} {
		if !m.Has(key) {
			continue
		}
		seed := seedOf(key)
		for _, v := range m.Strings(key) {
			f.hashText(v, seed, false)
		}
	}
	if m.Has("model-index") {
		datasetSeed, metricSeed := seedOf("model-index dataset"), seedOf("model-index metric")
		m.WalkScalars("model-index", func(keys []string, value string) {
			if len(keys) < 2 {
				return
			}
			switch parent, leaf := keys[len(keys)-2], keys[len(keys)-1]; {
			case parent == "dataset" && (leaf == "type" || leaf == "name"):
				f.hashText(value, datasetSeed, false)
			case parent == "metrics" && leaf == "type":
				f.hashText(value, metricSeed, false)
			}
		})
	}
}

// seedOf derives a hash seed from a name.
func seedOf(name string) uint32 {
	h := seedMetadata
	for i := 0; i < len(name); i++ {
		h = (h ^ uint32(name[i])) * 16777619
	}
	return h
}

// hashText adds the unigrams and bigrams of text to the bucket counts,
// and with stems the stem of each word longer than stemBytes. Words are
// runs of ASCII letters and digits (lower-cased) and of non-ASCII bytes;
// a word of ASCII digits only counts nothing and ends the run of words
// that bigrams join (see endWord); HTML comments are skipped.
//
// Each word is hashed in an inner loop that keeps its state in
// registers; the outer loop sees only the bytes between words.
func (f *Featurizer) hashText(text string, seed uint32, stems bool) {
	var prev uint32
	havePrev := false
	for i := 0; i < len(text); {
		c := text[i]
		if lc := wordByte[c]; lc != 0 {
			start := i
			h := seed
			var stem uint32
			digits := true // the word is ASCII digits so far
			for {
				digits = digits && lc-'0' < 10
				h = (h ^ uint32(lc)) * 16777619
				i++
				if i-start == stemBytes {
					stem = h
				}
				if i == len(text) {
					break
				}
				if lc = wordByte[text[i]]; lc == 0 {
					break
				}
			}
			prev, havePrev = f.endWord(h, prev, havePrev, stem, stems && i-start > stemBytes, digits)
			continue
		}
		switch {
		case c == '<' && i+3 < len(text) && text[i+1] == '!' && text[i+2] == '-' && text[i+3] == '-':
			end := strings.Index(text[i+4:], "-->")
			if end < 0 {
				return
			}
			i += 4 + end + 3
			continue
		case c == '>' && (i == 0 || text[i-1] == '\n') && strings.HasPrefix(text[i:], needsInfoPrefix):
			// A needs-information marker is the generator's guidance, not
			// something the card says: skip the line, and let no bigram
			// span it.
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				return
			}
			i += end + 1
			havePrev = false
			continue
		}
		i++
	}
}

// endWord counts a finished word (see emit) and returns what the next
// word's bigram joins: the word, or nothing when the word is ASCII digits
// only. Such a word counts nothing: a number says little about a model's
// task, and the tables of losses, scores and hyperparameters that many
// cards hold would otherwise outweigh their words.
func (f *Featurizer) endWord(word, prev uint32, havePrev bool, stem uint32, hasStem, digits bool) (uint32, bool) {
	if digits {
		return 0, false
	}
	f.emit(word, prev, havePrev, stem, hasStem)
	return word, true
}

// hashCharGrams adds the character n-grams (minGram to maxGram bytes) of
// each word of text, the word framed by gramBoundary at both ends:
// "bert" gives "^be", "^ber", "^bert", "ber", "bert", "bert^", "ert",
// "ert^", "rt^". Words are as hashText reads them; HTML comments are
// skipped.
func (f *Featurizer) hashCharGrams(text string, seed uint32) {
	for i := 0; i < len(text); {
		c := text[i]
		if c == '<' && strings.HasPrefix(text[i:], "<!--") {
			end := strings.Index(text[i+4:], "-->")
			if end < 0 {
				return
			}
			i += 4 + end + 3
			continue
		}
		if wordByte[c] == 0 {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && wordByte[text[j]] != 0 {
			j++
		}
		f.hashWordGrams(text[i:j], seed)
		i = j
	}
}

// hashWordGrams adds the character n-grams of one word, framed.
func (f *Featurizer) hashWordGrams(word string, seed uint32) {
	framed := len(word) + 2
	for start := 0; start+minGram <= framed; start++ {
		h := seed
		for p := start; p < start+maxGram && p < framed; p++ {
			c := byte(gramBoundary)
			if p > 0 && p <= len(word) {
				c = wordByte[word[p-1]]
			}
			h = (h ^ uint32(c)) * 16777619
			if p-start+1 >= minGram {
				f.add(finalize(h))
			}
		}
	}
}

// wordByte maps a byte to its lower-case form when it belongs to a word,
// and to 0 otherwise.
var wordByte = func() (t [256]byte) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c >= 0x80:
			t[c] = byte(c)
		case c >= 'A' && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

// emit counts a unigram, the bigram when there is a previous word, and
// the word's stem (the hash of its first stemBytes bytes) when hasStem.
func (f *Featurizer) emit(word, prev uint32, havePrev bool, stem uint32, hasStem bool) {
	f.add(finalize(word))
	if havePrev {
		f.add(finalize(prev*0x9e3779b1 ^ word ^ 0x5bd1e995))
	}
	if hasStem {
		// Mixed apart from the hash of a whole word of stemBytes bytes,
		// which has the same FNV state.
		f.add(finalize(stem*0x27d4eb2f ^ 0x165667b1))
	}
}

// finalize mixes a hash's bits so that both the bucket (low bits) and the
// sign (top bit) depend on every input byte.
func finalize(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

// hashSign maps a hash's top bit to the sign of its count.
var hashSign = [2]float32{1, -1}

// add counts one token in its bucket with its sign (the top bit of h,
// looked up rather than branched on: it is a coin toss for the branch
// predictor).
func (f *Featurizer) add(h uint32) {
	b := int32(h & f.mask)
	if f.acc[b] == 0 {
		f.touched = append(f.touched, b)
	}
	f.acc[b] += hashSign[h>>31]
	// A count that cancels back to zero stays in touched (and may be
	// listed again); flush skips it.
}

// flush turns the bucket counts into log term frequencies, L2-normalises
// them into the row, and clears the buckets it used.
func (f *Featurizer) flush() {
	start := len(f.vals)
	var norm float64
	for _, b := range f.touched {
		c := f.acc[b]
		if c == 0 {
			continue
		}
		f.acc[b] = 0
		// The count's sign is a coin toss: it is carried over as a bit,
		// not branched on (logTF of the magnitude is positive).
		bits := math.Float32bits(c)
		magnitude := logTF(math.Float32frombits(bits &^ signBit))
		v := math.Float32frombits(math.Float32bits(magnitude) | bits&signBit)
		f.cols = append(f.cols, f.offset+b)
		f.vals = append(f.vals, v)
		norm += float64(v) * float64(v)
	}
	f.touched = f.touched[:0]
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := start; i < len(f.vals); i++ {
			f.vals[i] *= inv
		}
	}
}

// logTFTable holds 1 + ln(n) for the small counts most tokens have.
var logTFTable = func() (t [256]float32) {
	for n := 1; n < len(t); n++ {
		t[n] = float32(1 + math.Log(float64(n)))
	}
	return t
}()

// logTF returns 1 + ln(n) for a positive whole count n.
func logTF(n float32) float32 {
	if n < float32(len(logTFTable)) {
		return logTFTable[int(n)]
	}
	return float32(1 + math.Log(float64(n)))
}

// signBit is the sign bit of a float32.
const signBit = 1 << 31
