package card

import "go.yaml.in/yaml/v3"

// specFastMaxDepth bounds the fast parser's nesting for specs. A value's
// depth in the spec tree is at most twice the parser's (an indentless
// sequence nests without a parser level of its own), so a tree the fast
// parser builds never nests past maxSpecDepth.
const specFastMaxDepth = maxSpecDepth / 2

// specTree builds a spec's tree straight from the fast YAML parser, with
// no yaml.Node between, in the memory its SpecParser lends. It gives the
// very tree the conversion of the library's yaml.Nodes gives (see
// specYAMLConv), and declines what that conversion would report or
// expand: a duplicate key, a merge key (<<), and more than maxSpecValues
// nodes. The spec reader then reads the text with the library, which
// reports them.
type specTree struct {
	specSlabs
	// nodes counts the nodes built; over is set past maxSpecValues.
	nodes int
	over  bool
}

// node returns a new node holding v, and counts it.
func (t *specTree) node(v specNode) *specNode {
	t.nodes++
	if t.nodes > maxSpecValues {
		t.over = true
	}
	return t.newNode(v)
}

func (t *specTree) scalar(tag, value string, _ yaml.Style, line, column int) *specNode {
	return t.node(specNode{kind: specScalar, tag: tag, value: value, line: line, col: column})
}

func (t *specTree) collection(kind yaml.Kind, _ yaml.Style, line, column int) *specNode {
	k := specSeq
	if kind == yaml.MappingNode {
		k = specMap
	}
	return t.node(specNode{kind: k, line: line, col: column})
}

// setContent sets a sequence's items, or a mapping's keys (as text, the
// "!!str" the conversion gives them) and values. It declines a merge key
// and a key given twice.
func (t *specTree) setContent(n *specNode, children []*specNode) bool {
	if t.over {
		return false
	}
	if n.kind == specSeq {
		n.items = append(t.newPtrs(len(children)), children...)
		return true
	}
	pairs := len(children) / 2
	var lines map[string]int
	if pairs > specSmallMapping {
		lines = t.parser.keyLineMap(pairs)
	}
	for i := 0; i < len(children); i += 2 {
		k := children[i]
		if k.tag == fyMergeTag {
			return false
		}
		if lines != nil {
			if _, dup := lines[k.value]; dup {
				return false
			}
			lines[k.value] = k.line
		} else {
			for j := 0; j < i; j += 2 {
				if children[j].value == k.value {
					return false
				}
			}
		}
		k.tag = fyStrTag
	}
	keys, items := t.newPtrs(pairs)[:pairs], t.newPtrs(pairs)[:pairs]
	for i := range pairs {
		keys[i], items[i] = children[2*i], children[2*i+1]
	}
	n.keys, n.items = keys, items
	return true
}

func (t *specTree) place(n *specNode) (line, column int) { return n.line, n.col }

func (t *specTree) isMapping(n *specNode) bool { return n.kind == specMap }

// fastSpecTree reads a YAML spec with the fast parser into a spec tree, or
// declines (see specTree). The tree shares text's memory.
func (p *SpecParser) fastSpecTree(text string) (*specNode, bool) {
	if !fastYAMLTextOK(text) {
		return nil, false
	}
	t := &p.fastTree
	*t = specTree{specSlabs: specSlabs{parser: p}}
	fy := &p.fastParse
	*fy = fastYAML[*specNode]{src: text, colLine: -1, maxDepth: specFastMaxDepth, skipComments: true, tree: t}
	p.fastScratch.lend(fy)
	root, ok := fy.document()
	p.fastScratch.keep(fy)
	t.done()
	ok = ok && !t.over
	*fy, *t = fastYAML[*specNode]{}, specTree{}
	if !ok {
		return nil, false
	}
	return root, true
}
