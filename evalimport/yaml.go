package evalimport

import (
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlErrorLine finds the line number in the decoder's messages.
var yamlErrorLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// parseYAML reads the first YAML document of a file and returns its root
// node with aliases resolved, or nil for an empty document.
func parseYAML(s *source) (*yaml.Node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(strings.NewReader(string(s.data)))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		if m := yamlErrorLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		return nil, &Error{File: s.name, Line: line, Err: ErrSyntax, Cause: err,
			Msg: "malformed YAML: " + msg + " (check the indentation and quoting near this line)"}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := resolve(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	return root, nil
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// yamlPair is one key and value of a mapping.
type yamlPair struct {
	key   string
	kNode *yaml.Node
	value *yaml.Node
}

// yamlPairs lists a mapping's pairs in order, failing on a key that is not
// a scalar or that appears twice.
func yamlPairs(s *source, n *yaml.Node, field string) ([]yamlPair, error) {
	out := make([]yamlPair, 0, len(n.Content)/2)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return nil, s.errLine(k.Line, k.Column, ErrInvalid, field, "a key must be plain text, not a %s", yamlShape(k))
		}
		if k.Tag == "!!merge" {
			return nil, s.errLine(k.Line, k.Column, ErrInvalid, field, "merge keys (<<) are not read here; write the keys out")
		}
		if first, dup := seen[k.Value]; dup {
			return nil, s.errLine(k.Line, k.Column, ErrSyntax, field, "malformed YAML: the key %q appears twice in one mapping (first on line %d); keep one", k.Value, first)
		}
		seen[k.Value] = k.Line
		out = append(out, yamlPair{key: k.Value, kNode: k, value: v})
	}
	return out, nil
}

// yamlGet returns the value of a mapping's key, or nil.
func yamlGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := resolve(n.Content[i]); k.Kind == yaml.ScalarNode && k.Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

// yamlShape names a node's shape for messages.
func yamlShape(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!bool":
			return "boolean"
		case "!!int", "!!float":
			return "number"
		case "!!timestamp":
			return "date"
		}
		return "string"
	}
	return "value"
}

// isNullNode reports a missing value or a YAML null.
func isNullNode(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// yamlText reads a scalar as text: strings as they are, numbers and dates
// as written (a revision of digits, a date left unquoted). ok is false for
// null, booleans, lists and mappings.
func yamlText(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	switch n.Tag {
	case "!!str", "!!int", "!!float", "!!timestamp":
		return n.Value, true
	}
	return "", false
}

// yamlScalar decodes a scalar into string, int, float64, bool or nil; dates
// stay the text written.
func yamlScalar(n *yaml.Node) (any, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil, false
	}
	switch n.Tag {
	case "!!str", "!!timestamp":
		return n.Value, true
	case "!!null":
		return nil, true
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return n.Value, true
	}
	return v, true
}

// yamlInline renders a value compactly on one line, for hyperparameter
// values: scalars as written, lists as [a, b], mappings as {k: v}.
func yamlInline(n *yaml.Node) string {
	return yamlInlineDepth(n, 0)
}

func yamlInlineDepth(n *yaml.Node, depth int) string {
	n = resolve(n)
	if n == nil {
		return ""
	}
	if depth > 50 {
		return "…"
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return n.Value
	case yaml.SequenceNode:
		parts := make([]string, len(n.Content))
		for i, c := range n.Content {
			parts[i] = yamlInlineDepth(c, depth+1)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case yaml.MappingNode:
		var parts []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, resolve(n.Content[i]).Value+": "+yamlInlineDepth(n.Content[i+1], depth+1))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return ""
}
