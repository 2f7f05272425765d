package engine

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/terragonlabs/modelcard-generator/card"
)

// LabelledCard is one card of a labelled corpus, featurized.
type LabelledCard struct {
	// File is the card's path relative to the corpus folder.
	File string
	// Owner is the card's owner or organisation (see CardOwner): the unit
	// of the train/validation split.
	Owner string
	// Label and Source are the corpus index's task label and source
	// repository, as found.
	Label, Source string
	// Task is the Hub pipeline tag the label maps to.
	Task string
	// Row is the card's feature row; the card owns its slices.
	Row Row
	// Text is the lower-cased body text (at most the part the featurizer
	// reads, HTML comments removed) that the keyword baseline reads.
	Text string
}

// CorpusStats counts what LoadCorpus did with the cards of an index.
type CorpusStats struct {
	// Listed is the number of cards in the index.
	Listed int
	// Unlabelled cards have no task label.
	Unlabelled int
	// Unmapped cards have a label that maps to no Hub task; UnmappedLabels
	// counts them per normalised label.
	Unmapped       int
	UnmappedLabels map[string]int
	// Unreadable cards could not be read, or parsed into any card.
	Unreadable int
	// Labelled cards were featurized.
	Labelled int
}

// Corpus is a labelled, featurized card corpus.
type Corpus struct {
	// Space is the feature layout of the rows.
	Space FeatureSpace
	// Cards are the labelled cards, in index order.
	Cards []LabelledCard
	// Stats counts the cards left out and why.
	Stats CorpusStats
}

// maxCorpusCardBytes bounds the size of one corpus card.
const maxCorpusCardBytes = 8 << 20

// LoadCorpus reads a corpus folder (DIR/index.tsv and the cards it lists),
// maps each card's task label onto a Hub pipeline tag (NormalizeTaskLabel)
// and featurizes the labelled cards with workers goroutines (≤ 0 means
// GOMAXPROCS). A card whose metadata does not parse is kept (its body
// still counts); a card that cannot be read or parsed at all is counted in
// Stats.Unreadable and skipped. The result does not depend on workers.
func LoadCorpus(ctx context.Context, dir string, space FeatureSpace, workers int) (*Corpus, error) {
	if _, err := NewFeaturizer(space); err != nil {
		return nil, err
	}
	indexPath := filepath.Join(dir, "index.tsv")
	f, err := os.Open(indexPath)
	if err != nil {
		return nil, fmt.Errorf("open the corpus index: %w (a corpus folder holds index.tsv and the cards it lists)", err)
	}
	entries, err := ReadCorpusIndex(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", indexPath, err)
	}
	c := &Corpus{Space: space, Stats: CorpusStats{Listed: len(entries), UnmappedLabels: map[string]int{}}}
	var todo []LabelledCard
	for _, e := range entries {
		if strings.TrimSpace(e.Task) == "" {
			c.Stats.Unlabelled++
			continue
		}
		tag, ok := NormalizeTaskLabel(e.Task, e.SourceRepo)
		if !ok {
			c.Stats.Unmapped++
			c.Stats.UnmappedLabels[NormalizeLabelText(e.Task)]++
			continue
		}
		todo = append(todo, LabelledCard{File: e.File, Owner: CardOwner(e.File), Label: e.Task, Source: e.SourceRepo, Task: tag})
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ok := make([]bool, len(todo))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fz, _ := NewFeaturizer(space) // the space was checked above
			var bits RubricBits
			for i := range next {
				ok[i] = featurizeCorpusCard(fz, &bits, dir, &todo[i])
			}
		}()
	}
	for i := range todo {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", dir, err)
	}
	for i := range todo {
		if !ok[i] {
			c.Stats.Unreadable++
			continue
		}
		c.Cards = append(c.Cards, todo[i])
	}
	c.Stats.Labelled = len(c.Cards)
	return c, nil
}

// featurizeCorpusCard reads, parses and featurizes one card into lc and
// reports whether it could.
func featurizeCorpusCard(fz *Featurizer, bits *RubricBits, dir string, lc *LabelledCard) bool {
	p := filepath.Join(dir, filepath.FromSlash(lc.File))
	data, err := card.ReadFileLimited(p, maxCorpusCardBytes)
	if err != nil {
		slog.Warn("corpus card skipped: cannot be read", "file", lc.File, "err", err)
		return false
	}
	cd, err := card.Parse(data)
	if cd == nil {
		slog.Warn("corpus card skipped: not a card", "file", lc.File, "err", err)
		return false
	}
	if err != nil {
		slog.Debug("corpus card metadata does not parse; its body is used", "file", lc.File, "err", err)
	}
	*bits = RubricBits{}
	row := fz.Featurize(cd, bits)
	lc.Row = Row{Cols: slices.Clone(row.Cols), Vals: slices.Clone(row.Vals)}
	if cd.Body != nil {
		lc.Text = keywordText(cd.Body.Text)
	}
	return true
}

// keywordText returns the lower-cased text the keyword baseline reads: the
// part of the body the featurizer reads, without HTML comments (TF Hub
// writes its task label in one).
func keywordText(body string) string {
	if len(body) > maxTextBytes {
		body = body[:maxTextBytes]
	}
	var b strings.Builder
	for {
		i := strings.Index(body, "<!--")
		if i < 0 {
			b.WriteString(body)
			break
		}
		b.WriteString(body[:i])
		j := strings.Index(body[i+4:], "-->")
		if j < 0 {
			break
		}
		b.WriteByte(' ')
		body = body[i+4+j+3:]
	}
	return strings.ToLower(b.String())
}

// Collections of the corpus whose cards share one owner's template: all of
// a collection's cards are one group, so near-duplicates (Qualcomm's
// quantized variants, Azure ML's copies of Hub cards) stay on one side of
// the split.
var collectionOwners = map[string]string{
	"quic__ai-hub-models":   "qualcomm",
	"azure__azureml-assets": "azure",
	"pytorch__hub":          "pytorch-hub",
}

// Collections whose card file names start with the model's owner:
// "owner__model.md" (Hub cards copied by dataset repositories, TF Hub
// publishers, lab repositories).
var ownerPrefixedCollections = map[string]bool{
	"fdac24__mp3":                 true,
	"hn5318__model_card_analysis": true,
	"weixin-liang__ai-model-card-analysis-huggingface": true,
	"kangzhonghua__transformers":                       true,
	"linesn__model_cards":                              true,
	"tensorflow__tfhub.dev":                            true,
	"lab-repos-model-card-files":                       true,
	"github-project-model-cards":                       true,
}

// CardOwner derives the owner or organisation of a corpus card from its
// path in the corpus ("cards/COLLECTION/NAME.md"), lower-cased:
//
//   - Hub cards collected by dataset repositories are named OWNER__MODEL
//     (or OWNER@MODEL): the owner is OWNER, so the copies of one card in
//     several collections fall together;
//   - TF Hub cards are PUBLISHER__MODEL__VERSION: the publisher;
//   - OpenVINO's cards are intel__MODEL or public__MODEL: "openvino/intel"
//     or "openvino/public";
//   - Qualcomm AI Hub, Azure ML and PyTorch Hub cards are written from one
//     template per collection: the collection is the owner;
//   - any other collection: the collection's owner.
func CardOwner(file string) string {
	p := strings.ToLower(path.Clean(strings.ReplaceAll(filepath.ToSlash(file), "\\", "/")))
	parts := strings.Split(p, "/")
	if len(parts) > 1 && parts[0] == "cards" {
		parts = parts[1:]
	}
	name := strings.TrimSuffix(parts[len(parts)-1], ".md")
	if len(parts) < 2 {
		return name
	}
	collection := parts[0]
	if owner, ok := collectionOwners[collection]; ok {
		return owner
	}
	switch {
	case collection == "openvinotoolkit__open_model_zoo":
		if prefix, _, ok := strings.Cut(name, "__"); ok {
			return "openvino/" + prefix
		}
		return "openvino"
	case collection == "asgaardlab__model-card-reorganization":
		if owner, _, ok := strings.Cut(name, "@"); ok {
			return owner
		}
	case ownerPrefixedCollections[collection]:
		if owner, _, ok := strings.Cut(name, "__"); ok {
			return owner
		}
	}
	owner, _, _ := strings.Cut(collection, "__")
	return owner
}

// ValidationPercent is the share of owners, in percent, that the split
// puts on the validation side.
const ValidationPercent = 20

// IsValidationOwner reports whether an owner's cards belong to the
// validation side of the split: FNV-1a of the owner, modulo 100, below
// ValidationPercent. The split is the same on every run and machine.
func IsValidationOwner(owner string) bool {
	h := fnv.New64a()
	h.Write([]byte(owner))
	return h.Sum64()%100 < ValidationPercent
}

// SplitCorpus splits cards by owner into a training side and a validation
// side (IsValidationOwner), keeping their order.
func SplitCorpus(cards []LabelledCard) (train, validation []LabelledCard) {
	for _, c := range cards {
		if IsValidationOwner(c.Owner) {
			validation = append(validation, c)
		} else {
			train = append(train, c)
		}
	}
	return train, validation
}

// Examples turns labelled cards into training examples whose Task indexes
// tasks. The rows are shared with the cards, not copied.
func Examples(cards []LabelledCard, tasks []string) ([]Example, error) {
	index := TaskIndexes(tasks)
	out := make([]Example, len(cards))
	for i, c := range cards {
		t, ok := index[c.Task]
		if !ok {
			return nil, fmt.Errorf("card %s: task %q is not among the %d task names", c.File, c.Task, len(tasks))
		}
		out[i] = Example{Row: c.Row, Task: t, Group: c.Owner}
	}
	return out, nil
}

// NamedModel is a model to evaluate, with the name it has in the report.
type NamedModel struct {
	// Name is the model's row label in the report.
	Name string
	// Model is the model.
	Model *TaskModel
}

// EvalRow is one predictor's results on the validation side.
type EvalRow struct {
	// Predictor names the model or baseline.
	Predictor string
	// Top1 is the share of cards whose pipeline tag is predicted first.
	Top1 float64
	// Top3 is the share whose pipeline tag is among the first three.
	Top3 float64
	// Family is the share whose first prediction is in the right template
	// family (card.FamilyForTask).
	Family float64
	// FamilyBySum is the share whose most probable family, tasks'
	// probabilities summed per family (TaskModel.PredictFamilies), is
	// right: the engine's own rule (Decision.Family of a card that
	// declares no task); only for models (HasFamilyBySum).
	FamilyBySum    float64
	HasFamilyBySum bool
}

// FamilyEval is the first model's results on the validation cards of one
// template family.
type FamilyEval struct {
	// Family is the true template family.
	Family card.FamilyID
	// Cards is the number of its validation cards.
	Cards int
	// Top1 is the share whose pipeline tag is predicted first.
	Top1 float64
	// FamilyTop1 is the share whose first prediction is in the family.
	FamilyTop1 float64
}

// SourceEval is the first model's results on the validation cards of one
// source repository (LabelledCard.Source).
type SourceEval struct {
	// Source is the source repository, "owner/name".
	Source string
	// Cards is the number of its validation cards.
	Cards int
	// Top1 is the share whose pipeline tag is predicted first.
	Top1 float64
	// FamilyBySum is the share whose most probable family is right.
	FamilyBySum float64
}

// ShortCardFeatures is the number of distinct hashed text features below
// which the evaluation counts a card as almost empty (about 40 distinct
// words: an unfilled template, a title and a licence).
const ShortCardFeatures = 100

// EvalReport is the evaluation of models and baselines on the validation
// side of a split.
type EvalReport struct {
	// TrainCards and TrainOwners describe the training side.
	TrainCards, TrainOwners int
	// ValidationCards and ValidationOwners describe the validation side.
	ValidationCards, ValidationOwners int
	// LargestValidationOwners names the owners with the most validation
	// cards, with their counts ("azure 207"), largest first, at most 3.
	LargestValidationOwners []string
	// TrainTasks is the number of tasks in training.
	TrainTasks int
	// UnseenTasks counts validation cards whose task is not in training:
	// no predictor can get them right.
	UnseenTasks int
	// Rows holds the models, then the baselines.
	Rows []EvalRow
	// ByFamily breaks the first model's results down by true family.
	ByFamily []FamilyEval
	// BySource breaks the first model's results down by source
	// repository, largest first (ties by name).
	BySource []SourceEval
	// ShortCards counts the validation cards with fewer than
	// ShortCardFeatures distinct hashed text features; ShortFamilyBySum
	// and OtherFamilyBySum are the first model's family accuracy (by
	// summed probabilities) on them and on the other cards.
	ShortCards                         int
	ShortFamilyBySum, OtherFamilyBySum float64
}

// Evaluate scores models and two baselines on the validation cards: the
// majority class of the training cards, and a keyword-rule baseline
// (KeywordPredict). Predictions are the softmax over the task columns in
// float64 (TaskModel.Predict).
func Evaluate(models []NamedModel, train, validation []LabelledCard) EvalReport {
	r := EvalReport{
		TrainCards:       len(train),
		TrainOwners:      countOwners(train),
		ValidationCards:  len(validation),
		ValidationOwners: countOwners(validation),
	}
	owners := map[string]int{}
	for _, c := range validation {
		owners[c.Owner]++
	}
	names := make([]string, 0, len(owners))
	for o := range owners {
		names = append(names, o)
	}
	slices.SortFunc(names, func(a, b string) int {
		if owners[a] != owners[b] {
			return owners[b] - owners[a]
		}
		return strings.Compare(a, b)
	})
	for _, o := range names[:min(3, len(names))] {
		r.LargestValidationOwners = append(r.LargestValidationOwners, fmt.Sprintf("%s %d", o, owners[o]))
	}
	prior := trainPrior(train)
	r.TrainTasks = len(prior)
	inTrain := make(map[string]bool, len(prior))
	for _, t := range prior {
		inTrain[t] = true
	}
	for _, c := range validation {
		if !inTrain[c.Task] {
			r.UnseenTasks++
		}
	}
	type predictor struct {
		name    string
		predict func(c *LabelledCard) []string
		family  func(c *LabelledCard) card.FamilyID // nil for baselines
	}
	var preds []predictor
	for _, nm := range models {
		m := nm.Model
		preds = append(preds, predictor{
			name: nm.Name,
			predict: func(c *LabelledCard) []string {
				scores := m.Predict(c.Row, 3)
				out := make([]string, len(scores))
				for i, s := range scores {
					out[i] = s.Task
				}
				return out
			},
			family: func(c *LabelledCard) card.FamilyID { return m.PredictFamilies(c.Row)[0].Family },
		})
	}
	preds = append(preds,
		predictor{name: "majority class", predict: func(*LabelledCard) []string { return prior[:min(3, len(prior))] }},
		predictor{name: "keyword rules", predict: func(c *LabelledCard) []string { return KeywordPredict(c.Text, prior, 3) }},
	)
	type familyCount struct{ n, top1, family int }
	byFamily := map[card.FamilyID]*familyCount{}
	type sourceCount struct{ n, top1, famSum int }
	bySource := map[string]*sourceCount{}
	var short, shortRight, otherRight int
	for pi, p := range preds {
		var top1, top3, fam, famSum int
		for i := range validation {
			c := &validation[i]
			got := p.predict(c)
			trueFamily, _ := card.FamilyForTask(c.Task)
			hit1, hitFam := false, false
			if len(got) > 0 {
				hit1 = got[0] == c.Task
				f, _ := card.FamilyForTask(got[0])
				hitFam = f == trueFamily
			}
			if hit1 {
				top1++
			}
			if hitFam {
				fam++
			}
			if slices.Contains(got[:min(3, len(got))], c.Task) {
				top3++
			}
			hitSum := p.family != nil && p.family(c) == trueFamily
			if hitSum {
				famSum++
			}
			if pi == 0 && len(models) > 0 {
				sc := bySource[c.Source]
				if sc == nil {
					sc = &sourceCount{}
					bySource[c.Source] = sc
				}
				sc.n++
				if hit1 {
					sc.top1++
				}
				if hitSum {
					sc.famSum++
				}
				switch {
				case textFeatures(c.Row) < ShortCardFeatures:
					short++
					if hitSum {
						shortRight++
					}
				case hitSum:
					otherRight++
				}
				fc := byFamily[trueFamily]
				if fc == nil {
					fc = &familyCount{}
					byFamily[trueFamily] = fc
				}
				fc.n++
				if hit1 {
					fc.top1++
				}
				if hitFam {
					fc.family++
				}
			}
		}
		r.Rows = append(r.Rows, EvalRow{
			Predictor:      p.name,
			Top1:           share(top1, len(validation)),
			Top3:           share(top3, len(validation)),
			Family:         share(fam, len(validation)),
			FamilyBySum:    share(famSum, len(validation)),
			HasFamilyBySum: p.family != nil,
		})
	}
	if len(models) > 0 {
		r.ShortCards = short
		r.ShortFamilyBySum = share(shortRight, short)
		r.OtherFamilyBySum = share(otherRight, len(validation)-short)
		for src, sc := range bySource {
			r.BySource = append(r.BySource, SourceEval{Source: src, Cards: sc.n, Top1: share(sc.top1, sc.n), FamilyBySum: share(sc.famSum, sc.n)})
		}
		slices.SortFunc(r.BySource, func(a, b SourceEval) int {
			if a.Cards != b.Cards {
				return b.Cards - a.Cards
			}
			return strings.Compare(a.Source, b.Source)
		})
	}
	for _, f := range card.FamilyIDs() {
		if fc := byFamily[f]; fc != nil {
			r.ByFamily = append(r.ByFamily, FamilyEval{Family: f, Cards: fc.n, Top1: share(fc.top1, fc.n), FamilyTop1: share(fc.family, fc.n)})
		}
	}
	return r
}

// textFeatures counts a row's hashed text features (the columns past the
// rubric features).
func textFeatures(row Row) int {
	n := 0
	for _, c := range row.Cols {
		if int(c) >= NumRubric() {
			n++
		}
	}
	return n
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func countOwners(cards []LabelledCard) int {
	seen := map[string]bool{}
	for _, c := range cards {
		seen[c.Owner] = true
	}
	return len(seen)
}

// trainPrior returns the training tasks, most frequent first (ties by
// name).
func trainPrior(train []LabelledCard) []string {
	counts := map[string]int{}
	for _, c := range train {
		counts[c.Task]++
	}
	tasks := make([]string, 0, len(counts))
	for t := range counts {
		tasks = append(tasks, t)
	}
	slices.SortFunc(tasks, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	return tasks
}

// keywordRules are the keyword baseline's rules: a card whose text holds
// the keyword gets a vote for the task. Written by hand, short on purpose:
// it is the bar the learned model must clear.
var keywordRules = []struct{ keyword, task string }{
	{"text-to-image", "text-to-image"},
	{"diffusion", "text-to-image"},
	{"prompt", "text-generation"},
	{"chat", "text-generation"},
	{"instruct", "text-generation"},
	{"gguf", "text-generation"},
	{"language model", "text-generation"},
	{"speech", "automatic-speech-recognition"},
	{"transcri", "automatic-speech-recognition"},
	{"text-to-speech", "text-to-speech"},
	{"voice", "text-to-speech"},
	{"audio classification", "audio-classification"},
	{"detect", "object-detection"},
	{"bounding box", "object-detection"},
	{"segment", "image-segmentation"},
	{"mask", "image-segmentation"},
	{"pose", "keypoint-detection"},
	{"keypoint", "keypoint-detection"},
	{"depth", "depth-estimation"},
	{"imagenet", "image-classification"},
	{"image classification", "image-classification"},
	{"feature vector", "image-feature-extraction"},
	{"embedding", "feature-extraction"},
	{"sentence-transformers", "sentence-similarity"},
	{"sentence similarity", "sentence-similarity"},
	{"translat", "translation"},
	{"summar", "summarization"},
	{"question answering", "question-answering"},
	{"squad", "question-answering"},
	{"named entity", "token-classification"},
	{"sentiment", "text-classification"},
	{"text classification", "text-classification"},
	{"fill-mask", "fill-mask"},
	{"masked language", "fill-mask"},
	{"reinforcement", "reinforcement-learning"},
	{"reward", "reinforcement-learning"},
	{"video", "video-classification"},
	{"super-resolution", "image-to-image"},
	{"super resolution", "image-to-image"},
	{"caption", "image-to-text"},
	{"visual question", "image-text-to-text"},
	{"vision-language", "image-text-to-text"},
	{"tabular", "tabular-classification"},
	{"forecast", "time-series-forecasting"},
}

// KeywordPredict is the keyword-rule baseline: it counts, per task, the
// rule keywords found in text (lower-cased) and returns the k tasks with
// the most votes, ties and cards without votes ordered by prior (the
// training tasks, most frequent first). Only tasks in prior are returned.
func KeywordPredict(text string, prior []string, k int) []string {
	votes := map[string]int{}
	for _, r := range keywordRules {
		if strings.Contains(text, r.keyword) {
			votes[r.task]++
		}
	}
	out := slices.Clone(prior)
	slices.SortStableFunc(out, func(a, b string) int { return votes[b] - votes[a] })
	return out[:min(k, len(out))]
}

// Markdown renders the report as Markdown tables, for the README.
func (r EvalReport) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Validation: %d cards from %d owners, never seen in training (split by owner", r.ValidationCards, r.ValidationOwners)
	if len(r.LargestValidationOwners) > 0 {
		fmt.Fprintf(&b, "; the largest: %s", strings.Join(r.LargestValidationOwners, ", "))
	}
	fmt.Fprintf(&b, "); training: %d cards from %d owners, %d pipeline tags.", r.TrainCards, r.TrainOwners, r.TrainTasks)
	switch r.UnseenTasks {
	case 0:
	case 1:
		b.WriteString(" 1 validation card has a tag that no training card has.")
	default:
		fmt.Fprintf(&b, " %d validation cards have a tag that no training card has.", r.UnseenTasks)
	}
	b.WriteString("\n\n| predictor | pipeline tag top-1 | pipeline tag top-3 | family of top-1 tag | family, probabilities summed (the engine's rule) |\n|---|---:|---:|---:|---:|\n")
	for _, row := range r.Rows {
		bySum := "n/a"
		if row.HasFamilyBySum {
			bySum = percent(row.FamilyBySum)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", row.Predictor, percent(row.Top1), percent(row.Top3), percent(row.Family), bySum)
	}
	if len(r.ByFamily) > 0 && len(r.Rows) > 0 {
		fmt.Fprintf(&b, "\n%s, by true template family:\n\n| family | validation cards | pipeline tag top-1 | family top-1 |\n|---|---:|---:|---:|\n", r.Rows[0].Predictor)
		for _, f := range r.ByFamily {
			fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", f.Family, f.Cards, percent(f.Top1), percent(f.FamilyTop1))
		}
	}
	if len(r.BySource) > 0 && len(r.Rows) > 0 {
		fmt.Fprintf(&b, "\n%s, by source repository:\n\n| source | validation cards | pipeline tag top-1 | family, probabilities summed |\n|---|---:|---:|---:|\n", r.Rows[0].Predictor)
		for i, s := range r.BySource {
			if i == maxReportSources && len(r.BySource) > maxReportSources+1 {
				var n, top1, fam float64
				for _, o := range r.BySource[i:] {
					n += float64(o.Cards)
					top1 += o.Top1 * float64(o.Cards)
					fam += o.FamilyBySum * float64(o.Cards)
				}
				fmt.Fprintf(&b, "| %d other sources | %d | %s | %s |\n", len(r.BySource)-i, int(n), percent(top1/n), percent(fam/n))
				break
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", s.Source, s.Cards, percent(s.Top1), percent(s.FamilyBySum))
		}
		fmt.Fprintf(&b, "\n%d validation cards are almost empty (fewer than %d distinct text features, about 40 distinct words: an unfilled template, a title, a licence); family by summed probabilities is %s on them and %s on the other %d.\n",
			r.ShortCards, ShortCardFeatures, percent(r.ShortFamilyBySum), percent(r.OtherFamilyBySum), r.ValidationCards-r.ShortCards)
	}
	return b.String()
}

// maxReportSources is the number of source repositories the report lists
// one by one; the smaller ones are summed in one row.
const maxReportSources = 6

func percent(x float64) string { return fmt.Sprintf("%.1f %%", 100*x) }
