package card

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// This file bounds what YAML aliases may do to a card's metadata. An alias
// (*name) stands for the whole value anchored as &name, so a few hundred
// bytes of aliases that repeat aliases ("billion laughs") stand for
// billions of values, and an alias inside its own anchor for endless ones.
// Every walker of the metadata tree (Value, WalkScalars, the model-index
// check, the renderers) sees through aliases, so parseMetadata measures the
// tree once, with its aliases expanded, and refuses a block that expands
// past the bounds; nothing after it can then be driven into more work than
// the bounds allow.

// maxMetadataValues bounds the values (mappings, lists, scalars and keys,
// each counting one, and a scalar one more for each aliasTextUnit bytes of
// its text) a card's YAML block may hold once its aliases are expanded. It
// is the bound a spec has.
const maxMetadataValues = maxSpecValues

// aliasTextUnit is how many bytes of a scalar's text count as one more
// value: without it one long text repeated through aliases would stay
// under the bound on values and still expand to gigabytes. The bound
// then allows at most 32 MiB of text.
const aliasTextUnit = 64

// valueWeight is what a value with no children counts towards the bound.
func valueWeight(n *yaml.Node) int { return 1 + len(n.Value)/aliasTextUnit }

// codeYAMLAliases is the Problem code of a YAML block whose aliases expand
// too far: to more than maxMetadataValues values, deeper than maxYAMLDepth
// levels, or without end.
const codeYAMLAliases = "yaml.alias-expansion"

// yamlAliasFix is the advice given for a block whose aliases expand too far.
const yamlAliasFix = "write the values out instead of repeating them through YAML aliases (*name), or remove the aliases"

// aliasMeasure is the size of a value with its aliases expanded.
type aliasMeasure struct {
	// values counts the value and everything below it, saturating just
	// above the expander's limit.
	values int
	// height is how many levels of nesting lie below the value: 0 for a
	// scalar, 1 for a list of scalars.
	height int
}

// aliasExpander measures a YAML tree with its aliases expanded. It keeps
// the measure of every anchored value, the only values an alias can refer
// to, so that measuring takes time linear in the size of the tree, however
// far the aliases expand.
type aliasExpander struct {
	// limit is the most values allowed.
	limit int
	// memo holds the measure of each anchored value measured; with
	// memoAll, of every value measured.
	memo    map[*yaml.Node]aliasMeasure
	memoAll bool
	// busy holds the anchored values being measured: an alias to one of
	// them is inside the value it refers to.
	busy map[*yaml.Node]bool
	// cycle is the first alias found inside the value it refers to.
	cycle *yaml.Node
}

// measure returns the size of n with its aliases expanded. The values
// count stops growing once it passes the limit.
func (x *aliasExpander) measure(n *yaml.Node) aliasMeasure {
	if n == nil {
		return aliasMeasure{}
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return aliasMeasure{values: 1}
		}
		if x.busy[n.Alias] {
			if x.cycle == nil {
				x.cycle = n
			}
			return aliasMeasure{values: x.limit + 1, height: maxYAMLDepth + 1}
		}
		return x.measure(n.Alias)
	}
	if len(n.Content) == 0 {
		return aliasMeasure{values: min(valueWeight(n), x.limit+1)}
	}
	keep := n.Anchor != "" || x.memoAll
	if keep {
		if s, ok := x.memo[n]; ok {
			return s
		}
		if x.memo == nil {
			x.memo = make(map[*yaml.Node]aliasMeasure)
			x.busy = make(map[*yaml.Node]bool)
		}
		x.busy[n] = true
	}
	s := aliasMeasure{values: 1}
	for _, c := range n.Content {
		cs := x.measure(c)
		s.values += cs.values
		s.height = max(s.height, cs.height+1)
		if s.values > x.limit {
			s.values = x.limit + 1
			break
		}
	}
	if keep {
		delete(x.busy, n)
		x.memo[n] = s
	}
	return s
}

// overflow returns where a walk of n in document order, with before
// values counted ahead of n, passes the limit: the first alias whose
// expansion passes it, or else the value that does.
func (x *aliasExpander) overflow(n *yaml.Node, before int) *yaml.Node {
	total := before + 1
	for _, c := range n.Content {
		s := x.measure(c).values
		if total+s > x.limit {
			if c.Kind == yaml.AliasNode || len(c.Content) == 0 {
				return c
			}
			return x.overflow(c, total)
		}
		total += s
	}
	return n
}

// tooDeep returns the first alias on a path from n, itself depth levels
// down, to a value nested deeper than maxYAMLDepth levels, or the deepest
// value reached when no alias is on that path.
func (x *aliasExpander) tooDeep(n *yaml.Node, depth int) *yaml.Node {
	for _, c := range n.Content {
		if depth+1+x.measure(c).height > maxYAMLDepth {
			if c.Kind == yaml.AliasNode {
				return c
			}
			return x.tooDeep(c, depth+1)
		}
	}
	return n
}

// checkAliasExpansion measures a metadata tree with its aliases expanded
// and returns a *YAMLError, with its place, when it holds more than
// maxMetadataValues values, nests deeper than maxYAMLDepth levels, or
// holds an alias inside the value it refers to; nil when it fits. It is
// for trees that hold an alias: one without stays as big as its text.
func checkAliasExpansion(root *yaml.Node, firstLine int) error {
	x := &aliasExpander{limit: maxMetadataValues}
	total := x.measure(root)
	fileLine := func(n *yaml.Node) int { return firstLine + n.Line - 1 }
	fail := func(at *yaml.Node, msg string) error {
		return &YAMLError{Line: fileLine(at), Column: at.Column, Code: codeYAMLAliases, Msg: msg, Fix: yamlAliasFix}
	}
	switch {
	case x.cycle != nil:
		a := x.cycle
		return fail(a, fmt.Sprintf("the alias *%s is inside the value it refers to (anchored as &%s on line %d), so it expands without end",
			a.Value, a.Alias.Anchor, fileLine(a.Alias)))
	case total.values > x.limit:
		// Finding the place measures the values along one path again:
		// keep every measure, so that this stays linear too.
		x.memoAll = true
		at := x.overflow(root, 0)
		if at.Kind != yaml.AliasNode || at.Alias == nil {
			return fail(at, fmt.Sprintf("the YAML block holds more than %d values once its aliases are expanded", x.limit))
		}
		return fail(at, fmt.Sprintf("the YAML block expands to more than %d values through its aliases (a text counting one more for each %d bytes): the alias *%s here repeats %s anchored as &%s on line %d",
			x.limit, aliasTextUnit, at.Value, x.countValues(at.Alias), at.Alias.Anchor, fileLine(at.Alias)))
	case total.height > maxYAMLDepth:
		x.memoAll = true
		at := x.tooDeep(root, 0)
		if at.Kind != yaml.AliasNode || at.Alias == nil {
			return fail(at, fmt.Sprintf("nesting deeper than %d levels once aliases are expanded", maxYAMLDepth))
		}
		return fail(at, fmt.Sprintf("the YAML block nests deeper than %d levels through its aliases: the alias *%s here repeats the value anchored as &%s on line %d, itself %d levels deep",
			maxYAMLDepth, at.Value, at.Alias.Anchor, fileLine(at.Alias), x.measure(at.Alias).height))
	}
	return nil
}

// countValues says how many values n holds with its aliases expanded, as
// "1 value", "12 values" or "more than 524288 values", or for a scalar
// the length of its text.
func (x *aliasExpander) countValues(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return fmt.Sprintf("a text of %d bytes", len(n.Value))
	}
	switch v := x.measure(n).values; {
	case v > x.limit:
		return fmt.Sprintf("more than %d values", x.limit)
	case v == 1:
		return "1 value"
	default:
		return fmt.Sprintf("%d values", v)
	}
}

// unaliaser rewrites a YAML tree without aliases, for the YAML decoder,
// which refuses a tree with "excessive aliasing" long before the bounds
// checkAliasExpansion sets and so would fail on some trees the rest of
// the package reads.
type unaliaser struct {
	// done maps each anchored value rewritten to its rewrite, so that each
	// is rewritten once however often it is referred to.
	done map[*yaml.Node]*yaml.Node
}

// rewrite returns n with every alias below it replaced by the rewrite of
// the value it refers to. Values with no alias below them are returned as
// they are; the others are shallow copies, sharing what they can, so that
// the result takes memory linear in the size of the tree. n must hold no
// alias inside the value it refers to (checkAliasExpansion refuses those).
func (u *unaliaser) rewrite(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || len(n.Content) == 0 {
		return n
	}
	if n.Anchor != "" {
		if out, ok := u.done[n]; ok {
			return out
		}
	}
	var content []*yaml.Node
	for i, c := range n.Content {
		r := u.rewrite(c)
		if r != c && content == nil {
			content = make([]*yaml.Node, len(n.Content))
			copy(content, n.Content[:i])
		}
		if content != nil {
			content[i] = r
		}
	}
	out := n
	if content != nil {
		cp := *n
		cp.Content = content
		cp.Anchor = ""
		out = &cp
	}
	if n.Anchor != "" {
		if u.done == nil {
			u.done = make(map[*yaml.Node]*yaml.Node)
		}
		u.done[n] = out
	}
	return out
}

// decodeNode decodes a metadata value into plain Go values (string, int,
// float64, bool, nil, []any, map[string]any) with the YAML decoder, its
// aliases expanded first.
func decodeNode(n *yaml.Node) (any, error) {
	var u unaliaser
	var out any
	if err := u.rewrite(n).Decode(&out); err != nil {
		return nil, fmt.Errorf("decode YAML value: %w", err)
	}
	return normalise(out), nil
}
