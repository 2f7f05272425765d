package engine

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/terragonlabs/modelcard-generator/card"
)

// Standard is one documentation standard that cards are scored against: a
// list of weighted rubric items, each tied to one rubric feature. A card's
// completeness against a standard is the weight of the scored items it has
// divided by the weight of all scored items.
type Standard struct {
	// ID is the standard's short id, such as "hf-hub"; it names its column
	// in the scoring matrix.
	ID string
	// Title is the standard's display name.
	Title string
	// Reference says where the standard comes from.
	Reference string
	// Items are the rubric items in the order of the standard's file.
	Items []RubricItem
}

// RubricItem is one requirement of a standard.
type RubricItem struct {
	// ID is the item's id, unique within its standard, such as
	// "intended-use".
	ID string
	// Title is the item's display name.
	Title string
	// Feature is the rubric feature (see RubricFeatures) whose presence
	// satisfies the item; empty for an item that a card cannot show.
	Feature string
	// Why says why the item matters.
	Why string
	// Fix says how to satisfy it.
	Fix string
	// Ref points into the standard's own text, such as "Annex IV(2)(d)";
	// empty where the standard has no numbering.
	Ref string
	// Weight is the item's weight; only scored items count.
	Weight float64
	// Scored is false for items that need documents outside the card (an
	// EU declaration of conformity, signed test reports): reports list them
	// but completeness leaves them out.
	Scored bool
	// feature is the index of Feature, or -1 for an unscored item.
	feature int
}

// standardFiles holds the built-in standards, one YAML file each.
//
//go:embed standards/*.yaml
var standardFiles embed.FS

// standardOrder is the order of the built-in standards, which is the order
// of their columns in the scoring matrix.
var standardOrder = [...]string{"hf-hub", "mct", "mitchell-2019", "eu-ai-act-annex-iv"}

// StandardIDs returns the ids of the built-in standards in the order
// LoadStandards returns them.
func StandardIDs() []string { return slices.Clone(standardOrder[:]) }

// LoadStandards parses and checks the built-in standards and returns them
// in StandardIDs order. It parses the embedded files on every call: call it
// once and keep the result.
func LoadStandards() ([]Standard, error) {
	return loadStandards(standardFiles, "standards", standardOrder[:])
}

// builtinStandards is the parsed built-in set for the lookup functions; it
// is built on first use and read-only afterwards.
var builtinStandards = sync.OnceValues(LoadStandards)

// LookupStandard returns the built-in standard with the given id. The
// returned Standard is the caller's to change.
func LookupStandard(id string) (Standard, bool) {
	all, err := builtinStandards()
	if err != nil {
		return Standard{}, false
	}
	for _, s := range all {
		if s.ID == id {
			s.Items = slices.Clone(s.Items)
			return s, true
		}
	}
	return Standard{}, false
}

// LookupItem returns the item with id item of the built-in standard with id
// standard, for reports that hold only the ids (as Decision.Missing does).
func LookupItem(standard, item string) (RubricItem, bool) {
	all, err := builtinStandards()
	if err != nil {
		return RubricItem{}, false
	}
	for i := range all {
		if all[i].ID == standard {
			return all[i].Item(item)
		}
	}
	return RubricItem{}, false
}

// Item returns the standard's item with the given id.
func (s *Standard) Item(id string) (RubricItem, bool) {
	for _, it := range s.Items {
		if it.ID == id {
			return it, true
		}
	}
	return RubricItem{}, false
}

// TotalWeight returns the sum of the weights of the scored items.
func (s *Standard) TotalWeight() float64 {
	total := 0.0
	for _, it := range s.Items {
		if it.Scored {
			total += it.Weight
		}
	}
	return total
}

// Column returns the standard's column of the scoring matrix for a feature
// space of numFeatures rows whose first rows are the rubric features: each
// scored item's weight divided by the total scored weight, at the row of its
// feature (items that share a feature add up). For a row of 0/1 rubric
// features, row·Column is the card's completeness in [0,1].
//
// It panics when numFeatures is smaller than NumRubric or when the standard
// was not built by LoadStandards (its items' features unresolved): both are
// programming errors.
func (s *Standard) Column(numFeatures int) []float32 {
	if numFeatures < NumRubric() {
		panic(fmt.Sprintf("engine: standard %s: feature space of %d rows cannot hold the %d rubric features", s.ID, numFeatures, NumRubric()))
	}
	col := make([]float32, numFeatures)
	total := s.TotalWeight()
	if total <= 0 {
		return col
	}
	for _, it := range s.Items {
		if it.Scored {
			col[s.mustFeature(&it)] += float32(it.Weight / total)
		}
	}
	return col
}

// Completeness returns the share of the standard's scored weight that a
// card with the given rubric bits has, in [0,1]. It is the reference for
// what the backends compute with Column.
func (s *Standard) Completeness(bits *RubricBits) float64 {
	total, have := 0.0, 0.0
	for i := range s.Items {
		it := &s.Items[i]
		if !it.Scored {
			continue
		}
		total += it.Weight
		if bits.Has(s.mustFeature(it)) {
			have += it.Weight
		}
	}
	if total <= 0 {
		return 0
	}
	return have / total
}

// Missing returns the ids of the scored items whose feature the card lacks,
// in the standard's order; nil when it lacks none.
func (s *Standard) Missing(bits *RubricBits) []string {
	if n := s.countMissing(bits); n > 0 {
		return s.appendMissing(make([]string, 0, n), bits)
	}
	return nil
}

// countMissing counts the scored items whose feature the card lacks.
func (s *Standard) countMissing(bits *RubricBits) int {
	n := 0
	for i := range s.Items {
		if it := &s.Items[i]; it.Scored && !bits.Has(s.mustFeature(it)) {
			n++
		}
	}
	return n
}

// appendMissing appends the ids that Missing returns to dst.
func (s *Standard) appendMissing(dst []string, bits *RubricBits) []string {
	for i := range s.Items {
		if it := &s.Items[i]; it.Scored && !bits.Has(s.mustFeature(it)) {
			dst = append(dst, it.ID)
		}
	}
	return dst
}

// Unscored returns the items that need documents outside the card.
func (s *Standard) Unscored() []RubricItem {
	var out []RubricItem
	for _, it := range s.Items {
		if !it.Scored {
			out = append(out, it)
		}
	}
	return out
}

// mustFeature returns the feature index of a scored item.
func (s *Standard) mustFeature(it *RubricItem) int {
	if it.feature < 0 || it.feature >= NumRubric() || rubricTable[it.feature].ID != it.Feature {
		panic(fmt.Sprintf("engine: standard %s item %s: feature %q not resolved; build standards with LoadStandards", s.ID, it.ID, it.Feature))
	}
	return it.feature
}

// standardFile is the YAML layout of a standard's file.
type standardFile struct {
	ID        string     `yaml:"id"`
	Title     string     `yaml:"title"`
	Reference string     `yaml:"reference"`
	Items     []itemFile `yaml:"items"`
}

// itemFile is the YAML layout of a rubric item.
type itemFile struct {
	ID      string  `yaml:"id"`
	Title   string  `yaml:"title"`
	Feature string  `yaml:"feature"`
	Weight  float64 `yaml:"weight"`
	Scored  *bool   `yaml:"scored"`
	Ref     string  `yaml:"ref"`
	Why     string  `yaml:"why"`
	Fix     string  `yaml:"fix"`
}

// loadStandards reads the standards named ids from dir in fsys, one
// "<id>.yaml" file each, and checks that dir holds no other file.
func loadStandards(fsys fs.FS, dir string, ids []string) ([]Standard, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read standards folder %s: %w", dir, err)
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id+".yaml"] = true
	}
	var stray []string
	for _, e := range entries {
		if !want[e.Name()] {
			stray = append(stray, e.Name())
		}
	}
	if len(stray) > 0 {
		sort.Strings(stray)
		return nil, fmt.Errorf("standards folder %s holds %s, which is not a known standard (known: %s): add its id to the standard list or remove the file",
			dir, strings.Join(stray, ", "), strings.Join(ids, ", "))
	}
	out := make([]Standard, 0, len(ids))
	for _, id := range ids {
		name := path.Join(dir, id+".yaml")
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read standard %s: %w", name, err)
		}
		s, err := parseStandard(name, data)
		if err != nil {
			return nil, err
		}
		if s.ID != id {
			return nil, fmt.Errorf("%s: id is %q, the file name says %q: make them agree", name, s.ID, id)
		}
		out = append(out, s)
	}
	return out, nil
}

// parseStandard parses and checks one standard's file; name is used in the
// errors.
func parseStandard(name string, data []byte) (Standard, error) {
	var f standardFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return Standard{}, fmt.Errorf("%s: the file is empty: it needs id, title, reference and items", name)
		}
		return Standard{}, fmt.Errorf("%s: not a valid standard file (fields: id, title, reference, items with id, title, feature, weight, scored, ref, why, fix): %w", name, err)
	}
	var missing []string
	for _, kv := range [...][2]string{{"id", f.ID}, {"title", f.Title}, {"reference", f.Reference}} {
		if strings.TrimSpace(kv[1]) == "" {
			missing = append(missing, kv[0])
		}
	}
	if len(missing) > 0 {
		return Standard{}, fmt.Errorf("%s: %s missing: every standard needs an id, a title and a reference", name, strings.Join(missing, ", "))
	}
	if !isStandardID(f.ID) {
		return Standard{}, fmt.Errorf("%s: id %q must be lower-case letters, digits and dashes", name, f.ID)
	}
	if len(f.Items) == 0 {
		return Standard{}, fmt.Errorf("%s: the standard has no items", name)
	}
	s := Standard{ID: f.ID, Title: f.Title, Reference: strings.TrimSpace(f.Reference), Items: make([]RubricItem, 0, len(f.Items))}
	seen := make(map[string]int, len(f.Items))
	withRef, scored := 0, 0
	for i, it := range f.Items {
		where := fmt.Sprintf("%s: item %d (%q)", name, i+1, it.ID)
		item, err := checkItem(where, it)
		if err != nil {
			return Standard{}, err
		}
		if prev, dup := seen[item.ID]; dup {
			return Standard{}, fmt.Errorf("%s: id already used by item %d: give each item its own id", where, prev)
		}
		seen[item.ID] = i + 1
		if item.Ref != "" {
			withRef++
		}
		if item.Scored {
			scored++
		}
		s.Items = append(s.Items, item)
	}
	if withRef > 0 && withRef < len(s.Items) {
		for i, it := range s.Items {
			if it.Ref == "" {
				return Standard{}, fmt.Errorf("%s: item %d (%q) has no ref while other items have one: give every item a ref or none", name, i+1, it.ID)
			}
		}
	}
	if scored == 0 {
		return Standard{}, fmt.Errorf("%s: no item is scored: a standard needs at least one item with a feature and a weight", name)
	}
	return s, nil
}

// checkItem checks one item's fields and resolves its feature.
func checkItem(where string, it itemFile) (RubricItem, error) {
	if !isStandardID(it.ID) {
		return RubricItem{}, fmt.Errorf("%s: id must be a non-empty run of lower-case letters, digits and dashes", where)
	}
	var missing []string
	for _, kv := range [...][2]string{{"title", it.Title}, {"why", it.Why}, {"fix", it.Fix}} {
		if strings.TrimSpace(kv[1]) == "" {
			missing = append(missing, kv[0])
		}
	}
	if len(missing) > 0 {
		return RubricItem{}, fmt.Errorf("%s: %s missing: every item says what it is, why it matters and how to fix it", where, strings.Join(missing, ", "))
	}
	scored := it.Scored == nil || *it.Scored
	item := RubricItem{
		ID: it.ID, Title: strings.TrimSpace(it.Title), Feature: it.Feature, Ref: strings.TrimSpace(it.Ref),
		Why: strings.TrimSpace(it.Why), Fix: strings.TrimSpace(it.Fix), Weight: it.Weight, Scored: scored, feature: -1,
	}
	if !scored {
		if it.Feature != "" {
			return RubricItem{}, fmt.Errorf("%s: an unscored item has no feature (it is %q): remove the feature or the \"scored: false\"", where, it.Feature)
		}
		if it.Weight < 0 {
			return RubricItem{}, fmt.Errorf("%s: weight %v is negative", where, it.Weight)
		}
		return item, nil
	}
	if it.Feature == "" {
		return RubricItem{}, fmt.Errorf("%s: no feature: name the rubric feature that satisfies it, or mark it \"scored: false\" when a card cannot show it", where)
	}
	idx, ok := RubricIndex(it.Feature)
	if !ok {
		hint := ""
		if near := nearestRubric(it.Feature); near != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", near)
		}
		return RubricItem{}, fmt.Errorf("%s: feature %q is not a rubric feature%s: use an id from RubricFeatures", where, it.Feature, hint)
	}
	if !(it.Weight > 0) || it.Weight > 1e6 {
		return RubricItem{}, fmt.Errorf("%s: weight %v must be a positive number", where, it.Weight)
	}
	item.feature = idx
	// The table's own string: mustFeature's check of every use then
	// compares a string with itself, which is immediate.
	item.Feature = rubricTable[idx].ID
	return item, nil
}

// isStandardID reports whether id is a non-empty run of lower-case letters,
// digits and dashes.
func isStandardID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// nearestRubric returns the rubric feature id closest to id when it is
// close enough to be a typo, else "".
func nearestRubric(id string) string {
	ids := make([]string, len(rubricTable))
	for i, f := range rubricTable {
		ids[i] = f.ID
	}
	return card.Suggest(id, ids)
}
