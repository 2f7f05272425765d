// Package auditreport aggregates the results of a model card audit and
// writes them out: a plain-text summary table for the terminal and one
// self-contained HTML page (inline CSS and SVG, no scripts, no remote
// assets) for people who read audits.
//
// The aggregation streams: a Summary holds counters and fixed-bin
// histograms, never the results themselves, so its memory does not grow
// with the number of cards audited.
package auditreport

import (
	"cmp"
	"maps"
	"slices"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/internal/jsonenc"
)

// Standard describes one scored standard: its id (the key of
// engine.AuditResult.Scores and .Missing), its title and its rubric items.
type Standard struct {
	// ID is the standard's id, such as "hf-hub".
	ID string
	// Title is its human name.
	Title string
	// Items are its rubric items.
	Items []Item
}

// Item is one rubric item of a standard.
type Item struct {
	// ID is the item's id, as listed in engine.AuditResult.Missing.
	ID string
	// Title is its human name.
	Title string
	// Why says why the item matters.
	Why string
	// Fix says how to add it to a card.
	Fix string
}

// MaxErrors is how many cards with errors a Summary keeps, with their
// messages; later ones are only counted.
const MaxErrors = 100

// Score resolution: scores are counted in bins of 1/scoreBins, so medians
// are exact to within half a bin.
const scoreBins = 1000

// HistogramBins is the number of bins of the score distributions in Stats.
const HistogramBins = 20

// NoFamily labels the rows and columns of the confusion matrix for cards
// that declare no task, or have no prediction.
const NoFamily = "none"

// Summary aggregates audit results in constant memory. It is not safe for
// concurrent use; feed it from the goroutine that receives the results.
type Summary struct {
	standards []Standard
	items     []map[string]int // per standard: item id → index in Items
	byID      map[string]int   // standard id → index
	stats     []standardAcc

	cards, scored, unreadable, metaErrors int
	declared, mismatches                  int

	families  map[card.FamilyID]int
	sections  []card.CanonicalSection
	filled    []int // per canonical section, in sections order
	confusion map[[2]string]int

	errors        []CardError
	errorsOmitted int
}

// standardAcc accumulates one standard's scores.
type standardAcc struct {
	n       int
	sum     float64
	below   int
	bins    [scoreBins + 1]int
	missing []int          // per item, in Items order
	other   map[string]int // missing ids that are not among Items
}

// CardError is a card whose audit reported an error.
type CardError struct {
	// Path is the card's path.
	Path string
	// Error is the error message.
	Error string
	// Scored is true when the card was still scored (its body was read but
	// its metadata did not parse).
	Scored bool
}

// NewSummary returns an empty summary of the given standards. Scores of
// standards not listed are ignored.
func NewSummary(standards []Standard) *Summary {
	s := &Summary{
		standards: slices.Clone(standards),
		items:     make([]map[string]int, len(standards)),
		byID:      make(map[string]int, len(standards)),
		stats:     make([]standardAcc, len(standards)),
		families:  map[card.FamilyID]int{},
		sections:  card.CanonicalSections(),
		confusion: map[[2]string]int{},
	}
	s.filled = make([]int, len(s.sections))
	for i, st := range standards {
		s.byID[st.ID] = i
		s.items[i] = make(map[string]int, len(st.Items))
		for j, it := range st.Items {
			s.items[i][it.ID] = j
		}
		s.stats[i].missing = make([]int, len(st.Items))
		s.stats[i].other = map[string]int{}
	}
	return s
}

// Add counts one result.
func (s *Summary) Add(r *engine.AuditResult) {
	if r == nil {
		return
	}
	s.cards++
	if r.Error != nil {
		if r.Scores == nil {
			s.unreadable++
		} else {
			s.metaErrors++
		}
		if len(s.errors) < MaxErrors {
			// As the JSONL holds them: a name that is not UTF-8 must not
			// make the HTML page invalid.
			s.errors = append(s.errors, CardError{Path: jsonenc.ValidText(r.Path), Error: jsonenc.ValidText(*r.Error), Scored: r.Scores != nil})
		} else {
			s.errorsOmitted++
		}
	}
	if r.Scores == nil {
		return
	}
	s.scored++
	if r.Mismatch {
		s.mismatches++
	}
	declared := NoFamily
	if r.DeclaredTask != nil {
		s.declared++
		f, _ := card.FamilyForTask(*r.DeclaredTask)
		declared = string(f)
	}
	predicted := NoFamily
	if len(r.PredictedTasks) > 0 && r.PredictedTasks[0].Family != "" {
		predicted = string(r.PredictedTasks[0].Family)
	}
	s.confusion[[2]string{declared, predicted}]++
	if r.Family != "" {
		s.families[r.Family]++
	}
	// Results list their sections, and their missing items, in the order
	// of the template and the standard: look there first, which is much
	// cheaper than a map.
	next := 0
	for _, sec := range r.Sections {
		if j := s.sectionIndex(sec, next); j >= 0 {
			s.filled[j]++
			next = j + 1
		}
	}
	for id, score := range r.Scores {
		i, ok := s.byID[id]
		if !ok {
			continue
		}
		acc := &s.stats[i]
		score = min(max(score, 0), 1)
		acc.n++
		acc.sum += score
		if score < 0.5 {
			acc.below++
		}
		acc.bins[int(score*scoreBins+0.5)]++
		next := 0
		for _, item := range r.Missing[id] {
			if j := s.itemIndex(i, item, next); j >= 0 {
				acc.missing[j]++
				next = j + 1
			} else {
				acc.other[item]++
			}
		}
	}
}

// sectionIndex returns the index of the canonical section id, looking
// from index from on first, or -1 when it is not canonical.
func (s *Summary) sectionIndex(id string, from int) int {
	for j := from; j < len(s.sections); j++ {
		if string(s.sections[j].ID) == id {
			return j
		}
	}
	for j := range from {
		if string(s.sections[j].ID) == id {
			return j
		}
	}
	return -1
}

// itemIndex returns the index of item among the items of standard i,
// looking from index from on first, or -1 when it is not among them.
func (s *Summary) itemIndex(i int, item string, from int) int {
	items := s.standards[i].Items
	for j := from; j < len(items); j++ {
		if items[j].ID == item {
			return j
		}
	}
	if j, ok := s.items[i][item]; ok {
		return j
	}
	return -1
}

// Stats are the figures of a Summary at one moment.
type Stats struct {
	// Cards is the number of results added.
	Cards int
	// Scored is the number of cards that were scored.
	Scored int
	// Unreadable is the number of cards that could not be read or parsed
	// at all (not scored).
	Unreadable int
	// MetadataErrors is the number of cards scored although their metadata
	// block did not parse.
	MetadataErrors int
	// Declared is the number of scored cards that declare a Hub task.
	Declared int
	// Mismatches is the number of scored cards whose declared and
	// predicted task families differ.
	Mismatches int
	// Standards holds each standard's figures, in the order given.
	Standards []StandardStats
	// Families counts the template family chosen per card, in
	// card.Families() order; families never chosen are left out.
	Families []FamilyCount
	// Sections is the fill rate of each canonical section over the scored
	// cards, in template order.
	Sections []SectionFill
	// Confusion counts declared family × predicted family.
	Confusion Confusion
	// Errors lists the first MaxErrors cards with errors.
	Errors []CardError
	// ErrorsOmitted is the number of cards with errors left out of Errors.
	ErrorsOmitted int
}

// StandardStats are one standard's figures.
type StandardStats struct {
	Standard
	// Scored is the number of cards with a score for the standard.
	Scored int
	// Mean is the mean score (0 when nothing was scored).
	Mean float64
	// Median is the median score, exact to within 0.0005.
	Median float64
	// BelowHalf is the share of scored cards with a score under 0.5.
	BelowHalf float64
	// Histogram counts the scores in HistogramBins equal bins over [0,1];
	// the last bin holds 1.
	Histogram []int
	// Missing lists the items cards lack, most often missing first; items
	// no card lacks are left out.
	Missing []MissingCount
}

// MissingCount is how many cards lack an item.
type MissingCount struct {
	Item
	// Count is the number of cards lacking it.
	Count int
	// Share is Count over the standard's scored cards.
	Share float64
}

// FamilyCount is how many cards got a template family.
type FamilyCount struct {
	// ID is the family.
	ID card.FamilyID
	// Title is its human name.
	Title string
	// Count is the number of cards.
	Count int
}

// SectionFill is how many scored cards fill a canonical section.
type SectionFill struct {
	// ID is the section id.
	ID string
	// Title is its heading in the Hub template.
	Title string
	// Count is the number of cards that fill it.
	Count int
	// Share is Count over the scored cards.
	Share float64
}

// Confusion is a matrix of declared family (rows) × predicted family
// (columns). Only families that occur are listed, in card.Families()
// order, with NoFamily last.
type Confusion struct {
	// Declared are the row labels.
	Declared []string
	// Predicted are the column labels.
	Predicted []string
	// Counts[i][j] is the number of cards declaring Declared[i] and
	// predicted as Predicted[j].
	Counts [][]int
	// Max is the largest count.
	Max int
}

// Stats returns the current figures.
func (s *Summary) Stats() *Stats {
	out := &Stats{
		Cards:          s.cards,
		Scored:         s.scored,
		Unreadable:     s.unreadable,
		MetadataErrors: s.metaErrors,
		Declared:       s.declared,
		Mismatches:     s.mismatches,
		Errors:         slices.Clone(s.errors),
		ErrorsOmitted:  s.errorsOmitted,
	}
	for i, st := range s.standards {
		out.Standards = append(out.Standards, s.standardStats(st, &s.stats[i]))
	}
	for _, f := range card.Families() {
		if n := s.families[f.ID]; n > 0 {
			out.Families = append(out.Families, FamilyCount{ID: f.ID, Title: f.Title, Count: n})
		}
	}
	for j, sec := range s.sections {
		n := s.filled[j]
		out.Sections = append(out.Sections, SectionFill{ID: string(sec.ID), Title: sec.Title, Count: n, Share: share(n, s.scored)})
	}
	out.Confusion = s.confusionMatrix()
	return out
}

func (s *Summary) standardStats(st Standard, acc *standardAcc) StandardStats {
	ss := StandardStats{
		Standard:  st,
		Scored:    acc.n,
		BelowHalf: share(acc.below, acc.n),
		Histogram: make([]int, HistogramBins),
	}
	if acc.n > 0 {
		ss.Mean = acc.sum / float64(acc.n)
		ss.Median = (binAtRank(&acc.bins, (acc.n-1)/2) + binAtRank(&acc.bins, acc.n/2)) / 2
	}
	for b, n := range acc.bins {
		ss.Histogram[min(b*HistogramBins/scoreBins, HistogramBins-1)] += n
	}
	for j, n := range acc.missing {
		if n > 0 {
			ss.Missing = append(ss.Missing, MissingCount{Item: st.Items[j], Count: n, Share: share(n, acc.n)})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(acc.other)) {
		n := acc.other[id]
		ss.Missing = append(ss.Missing, MissingCount{Item: Item{ID: id, Title: id}, Count: n, Share: share(n, acc.n)})
	}
	// Stable: equal counts keep the item order, then unknown ids by id.
	slices.SortStableFunc(ss.Missing, func(a, b MissingCount) int { return cmp.Compare(b.Count, a.Count) })
	return ss
}

// binAtRank returns the score of the rank-th smallest value (0-based).
func binAtRank(bins *[scoreBins + 1]int, rank int) float64 {
	seen := 0
	for b, n := range bins {
		seen += n
		if seen > rank {
			return float64(b) / scoreBins
		}
	}
	return 1
}

func (s *Summary) confusionMatrix() Confusion {
	order := make([]string, 0, len(card.Families())+1)
	for _, f := range card.FamilyIDs() {
		order = append(order, string(f))
	}
	known := map[string]bool{}
	for _, f := range order {
		known[f] = true
	}
	rowUsed, colUsed := map[string]bool{}, map[string]bool{}
	var extra []string
	for k := range s.confusion {
		rowUsed[k[0]] = true
		colUsed[k[1]] = true
		for _, f := range k {
			if !known[f] && f != NoFamily {
				known[f] = true
				extra = append(extra, f)
			}
		}
	}
	slices.Sort(extra)
	order = append(append(order, extra...), NoFamily)
	var m Confusion
	for _, f := range order {
		if rowUsed[f] {
			m.Declared = append(m.Declared, f)
		}
		if colUsed[f] {
			m.Predicted = append(m.Predicted, f)
		}
	}
	m.Counts = make([][]int, len(m.Declared))
	for i, d := range m.Declared {
		m.Counts[i] = make([]int, len(m.Predicted))
		for j, p := range m.Predicted {
			n := s.confusion[[2]string{d, p}]
			m.Counts[i][j] = n
			m.Max = max(m.Max, n)
		}
	}
	return m
}

// Standard returns the figures of the standard with the given id.
func (st *Stats) Standard(id string) (StandardStats, bool) {
	for _, s := range st.Standards {
		if s.ID == id {
			return s, true
		}
	}
	return StandardStats{}, false
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}
