package evalimport

import (
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
)

// resultIndex finds results by their ResultKey. It keeps a 64-bit hash of
// each key rather than the key's seven strings, so that indexing a million
// results takes tens of megabytes, not hundreds; the rare key whose hash an
// other key already has is kept whole. Positions refer to a list the
// caller keeps, read back through keyAt to tell colliding keys apart.
type resultIndex struct {
	seed  maphash.Seed
	first map[uint64]int
	more  map[ResultKey]int
	keyAt func(i int) ResultKey
}

// newResultIndex returns an empty index sized for n keys of the list that
// keyAt reads.
func newResultIndex(n int, keyAt func(i int) ResultKey) *resultIndex {
	return &resultIndex{seed: maphash.MakeSeed(), first: make(map[uint64]int, n), keyAt: keyAt}
}

// find returns the position recorded for k.
func (x *resultIndex) find(k ResultKey) (int, bool) {
	return x.lookup(k, maphash.Comparable(x.seed, k))
}

// lookup is find with the key's hash already computed.
func (x *resultIndex) lookup(k ResultKey, h uint64) (int, bool) {
	i, ok := x.first[h]
	if !ok {
		return 0, false
	}
	if x.keyAt(i) == k {
		return i, true
	}
	i, ok = x.more[k]
	return i, ok
}

// findOrAdd returns the position recorded for k, or records next for it
// and returns false.
func (x *resultIndex) findOrAdd(k ResultKey, next int) (int, bool) {
	h := maphash.Comparable(x.seed, k)
	if i, ok := x.lookup(k, h); ok {
		return i, true
	}
	if _, taken := x.first[h]; !taken {
		x.first[h] = next
		return next, false
	}
	if x.more == nil {
		x.more = map[ResultKey]int{}
	}
	x.more[k] = next
	return next, false
}

// The qualifiers of a result are the parts of its ResultKey that refine a
// result of one task, dataset, split and metric: the dataset config, the
// dataset revision and the metric config. Many sources cannot give them (a
// CSV without a config column, an MLflow or W&B run), so Resolve lets a
// result that leaves them empty stand for the one known result that agrees
// with it on everything else.
const (
	qualConfig = 1 << iota
	qualRevision
	qualMetricConfig
)

// emptyQualifiers returns the qualifiers a key leaves empty, as a mask.
func emptyQualifiers(k ResultKey) int {
	m := 0
	if k.DatasetConfig == "" {
		m |= qualConfig
	}
	if k.DatasetRevision == "" {
		m |= qualRevision
	}
	if k.MetricConfig == "" {
		m |= qualMetricConfig
	}
	return m
}

// withoutQualifiers returns the key with the qualifiers of a mask emptied.
func withoutQualifiers(k ResultKey, mask int) ResultKey {
	if mask&qualConfig != 0 {
		k.DatasetConfig = ""
	}
	if mask&qualRevision != 0 {
		k.DatasetRevision = ""
	}
	if mask&qualMetricConfig != 0 {
		k.MetricConfig = ""
	}
	return k
}

// qualifiers are the optional parts of a result's key, with their names
// in messages and their CSV columns.
var qualifiers = [...]struct {
	bit          int
	name, column string
}{
	{qualConfig, "dataset config", "config"},
	{qualRevision, "dataset revision", "revision"},
	{qualMetricConfig, "metric config", "metric_config"},
}

// qualifierList lists, for the qualifiers of a mask, what pick says of each.
func qualifierList(mask int, pick func(name, column string) string) []string {
	var out []string
	for _, q := range qualifiers {
		if mask&q.bit != 0 {
			out = append(out, pick(q.name, q.column))
		}
	}
	return out
}

// qualifierNames names the qualifiers of a mask for messages.
func qualifierNames(mask int) string {
	names := qualifierList(mask, func(name, _ string) string { return name })
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// maxAmbiguities is the most ambiguous results a Resolve error describes;
// it counts the others.
const maxAmbiguities = 5

// matcher matches results against known ones (a card's reported results)
// by the rule Resolve documents. Build it once with newMatcher for a list
// of known results, then match any number of results.
type matcher struct {
	known []card.EvalResult
	exact map[ResultKey]int
	// loose holds, for each mask of emptied qualifiers that a match has
	// needed, the known results by their key with those qualifiers emptied.
	loose map[int]map[ResultKey][]int
}

// newMatcher returns a matcher for the known results. It keeps the slice,
// which must not change while the matcher is used. Of known results that
// share a key, the first is matched.
func newMatcher(known []card.EvalResult) *matcher {
	m := &matcher{known: known, exact: make(map[ResultKey]int, len(known))}
	for i, r := range known {
		k := KeyOf(r)
		if _, dup := m.exact[k]; !dup {
			m.exact[k] = i
		}
	}
	return m
}

// match returns the position in the known results of the one that r
// stands for, or -1 when none does. When r leaves qualifiers empty and
// several known results could be meant, it returns -1 and their positions
// (two or more), which the caller must not change.
func (m *matcher) match(r card.EvalResult) (int, []int) {
	k := KeyOf(r)
	if i, ok := m.exact[k]; ok {
		return i, nil
	}
	mask := emptyQualifiers(k)
	if mask == 0 || len(m.known) == 0 {
		return -1, nil
	}
	idx, ok := m.loose[mask]
	if !ok {
		idx = map[ResultKey][]int{}
		for i, kr := range m.known {
			lk := withoutQualifiers(KeyOf(kr), mask)
			if prev := idx[lk]; len(prev) > 0 && KeyOf(m.known[prev[len(prev)-1]]) == KeyOf(kr) {
				continue // a repeated known key counts once
			}
			idx[lk] = append(idx[lk], i)
		}
		if m.loose == nil {
			m.loose = map[int]map[ResultKey][]int{}
		}
		m.loose[mask] = idx
	}
	switch c := idx[k]; len(c) {
	case 0:
		return -1, nil
	case 1:
		return c[0], nil
	default:
		return -1, c
	}
}

// Resolve prepares results to be compared with, or merged into, known ones
// (a card's reported results), matching each result by the rule a reader
// of the card expects:
//
//  1. a result matches the known result with the same ResultKey;
//  2. else, a result that leaves qualifiers empty (its dataset config,
//     dataset revision or metric config: a CSV without a config column, a
//     tracked run) matches the known result that agrees with it on every
//     other part of the key, when exactly one does; the result's empty
//     qualifiers are then filled from that result, so that its key becomes
//     the known result's key and Merge replaces it;
//  3. else the result is new.
//
// A result that gives a qualifier never matches a known result with another
// one, or with none; and rule 2 does not fill a result whose filled key
// another result gives as it is (ErrAmbiguous: two values for one result). Resolve returns results itself when nothing was
// filled, a filled copy otherwise. It fails with ErrAmbiguous, naming each
// result (the first few) that could stand for several known results, when
// rule 2 finds more than one: the result must then give its qualifiers.
func Resolve(known, results []card.EvalResult) ([]card.EvalResult, error) {
	if len(known) == 0 || len(results) == 0 {
		return results, nil
	}
	m := newMatcher(known)
	out, copied := results, false
	var ambiguous []string
	described := map[ResultKey]bool{}
	nAmbiguous := 0
	// The keys the results give as they are: a result filled by rule 2
	// must not become one of them, or two values would stand for one
	// result and the later would win unseen.
	given := make(map[ResultKey]bool, len(results))
	for _, r := range results {
		given[KeyOf(r)] = true
	}
	for i, r := range results {
		j, several := m.match(r)
		if len(several) > 0 {
			if k := KeyOf(r); !described[k] {
				nAmbiguous++
				described[k] = true
				if len(ambiguous) < maxAmbiguities {
					ambiguous = append(ambiguous, m.ambiguity(r, several))
				}
			}
			continue
		}
		if j < 0 {
			continue
		}
		k := m.known[j]
		if r.DatasetConfig == k.DatasetConfig && r.DatasetRevision == k.DatasetRevision && r.MetricConfig == k.MetricConfig {
			continue
		}
		if kk := KeyOf(k); given[kk] {
			if rk := KeyOf(r); !described[rk] {
				nAmbiguous++
				described[rk] = true
				if len(ambiguous) < maxAmbiguities {
					mask := emptyQualifiers(rk)
					ambiguous = append(ambiguous, fmt.Sprintf("the result (%s) gives no %s, and the result it would stand for (%s) is given as well: keep one of the two values, or give the first its %s (in a CSV, %s)",
						rk, qualifierNames(mask), kk, qualifierNames(mask), qualifierColumns(mask)))
				}
			}
			continue
		}
		if !copied {
			out, copied = make([]card.EvalResult, len(results)), true
			copy(out, results)
		}
		out[i].DatasetConfig, out[i].DatasetRevision, out[i].MetricConfig = k.DatasetConfig, k.DatasetRevision, k.MetricConfig
	}
	if nAmbiguous > 0 {
		msg := strings.Join(ambiguous, "; ")
		if more := nAmbiguous - len(ambiguous); more > 0 {
			msg += "; and " + countNoun(more, "more result", "more results")
		}
		return nil, fmt.Errorf("%w: %s", ErrAmbiguous, msg)
	}
	return out, nil
}

// ambiguity describes a result that several known results could stand
// for.
func (m *matcher) ambiguity(r card.EvalResult, candidates []int) string {
	k := KeyOf(r)
	mask := emptyQualifiers(k)
	// The qualifiers the candidates differ in: those the result must give.
	differ := 0
	first := KeyOf(m.known[candidates[0]])
	for _, c := range candidates[1:] {
		ck := KeyOf(m.known[c])
		if ck.DatasetConfig != first.DatasetConfig {
			differ |= qualConfig
		}
		if ck.DatasetRevision != first.DatasetRevision {
			differ |= qualRevision
		}
		if ck.MetricConfig != first.MetricConfig {
			differ |= qualMetricConfig
		}
	}
	differ &= mask
	alts := make([]string, len(candidates))
	for i, c := range candidates {
		alts[i] = qualifierText(KeyOf(m.known[c]), differ)
	}
	names := qualifierNames(differ)
	return fmt.Sprintf("the result (%s) gives no %s and could stand for any of %d results that differ in it (%s); give its %s (in a CSV, %s)",
		k, names, len(candidates), strings.Join(alts, ", "), names, qualifierColumns(differ))
}

// qualifierText writes the qualifiers of a mask that a key gives, such as
// "config conll2003"; "no config" for an empty one.
func qualifierText(k ResultKey, mask int) string {
	var parts []string
	add := func(name, v string) {
		if v == "" {
			parts = append(parts, "no "+name)
		} else {
			parts = append(parts, name+" "+v)
		}
	}
	if mask&qualConfig != 0 {
		add("config", k.DatasetConfig)
	}
	if mask&qualRevision != 0 {
		add("revision", k.DatasetRevision)
	}
	if mask&qualMetricConfig != 0 {
		add("metric config", k.MetricConfig)
	}
	return strings.Join(parts, " and ")
}

// qualifierColumns names the CSV columns of the qualifiers of a mask:
// "the config column", "the config and revision columns".
func qualifierColumns(mask int) string {
	cols := qualifierList(mask, func(_, column string) string { return column })
	if len(cols) == 1 {
		return "the " + cols[0] + " column"
	}
	return "the " + strings.Join(cols, " and ") + " columns"
}

// countNoun writes a count with the noun's singular or plural form.
func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
