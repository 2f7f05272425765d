package card

import "go.yaml.in/yaml/v3"

// modelIndexClean reports, without decoding or allocating, that a
// model-index node is certainly free of every issue CheckModelIndex could
// raise: one entry with a name and results, each result with a task type,
// a dataset type and name, at least one metric with a type and a number or
// string value, a source with a url if any, every string field a string and
// no key the spec does not know. When it returns false the full check runs;
// it never returns true for a model-index with an issue (tested on the
// corpus and by fuzzing against CheckModelIndex).
func modelIndexClean(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) != 1 {
		return false
	}
	entry := n.Content[0]
	if !cleanMapping(entry, func(key string, v *yaml.Node) bool {
		switch key {
		case "name":
			return cleanString(v)
		case "results":
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				return false
			}
			for _, r := range v.Content {
				if !cleanResult(r) {
					return false
				}
			}
			return true
		}
		return false
	}) {
		return false
	}
	return hasKeys(entry, "name", "results")
}

func cleanResult(r *yaml.Node) bool {
	ok := cleanMapping(r, func(key string, v *yaml.Node) bool {
		switch key {
		case "task":
			return hasKeys(v, "type") && cleanMapping(v, func(k string, x *yaml.Node) bool {
				return (k == "type" || k == "name") && cleanString(x)
			})
		case "dataset":
			return hasKeys(v, "type", "name") && cleanMapping(v, func(k string, x *yaml.Node) bool {
				switch k {
				case "type", "name", "config", "split", "revision":
					return cleanString(x)
				case "args":
					return x.Kind == yaml.MappingNode && len(x.Content) > 0 && plainTree(x, 0)
				}
				return false
			})
		case "metrics":
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				return false
			}
			for _, m := range v.Content {
				if !hasKeys(m, "type", "value") || !cleanMapping(m, func(k string, x *yaml.Node) bool {
					switch k {
					case "type", "name", "config", "verifyToken":
						return cleanString(x)
					case "value":
						return x.Kind == yaml.ScalarNode && (x.Tag == "!!int" || x.Tag == "!!float" || (x.Tag == "!!str" && x.Value != ""))
					case "verified":
						return x.Kind == yaml.ScalarNode && x.Tag == "!!bool"
					case "args":
						return x.Kind == yaml.MappingNode && len(x.Content) > 0 && plainTree(x, 0)
					}
					return false
				}) {
					return false
				}
			}
			return true
		case "source":
			return hasKeys(v, "url") && cleanMapping(v, func(k string, x *yaml.Node) bool {
				return (k == "url" || k == "name") && cleanString(x)
			})
		}
		return false
	})
	return ok && hasKeys(r, "task", "dataset", "metrics")
}

// cleanMapping reports whether n is a mapping of distinct plain string
// keys whose every pair passes ok.
func cleanMapping(n *yaml.Node, ok func(key string, v *yaml.Node) bool) bool {
	if n == nil || n.Kind != yaml.MappingNode || len(n.Content) == 0 {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!str" || v.Kind == yaml.AliasNode || !ok(k.Value, v) {
			return false
		}
	}
	return true
}

// hasKeys reports whether mapping n has every key.
func hasKeys(n *yaml.Node, keys ...string) bool {
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for _, want := range keys {
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == want {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// cleanString reports whether n is a non-empty string scalar.
func cleanString(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Value != ""
}

// plainTree reports whether n holds only mappings with string keys, lists
// and plain scalars (no aliases, no null), to a bounded depth.
func plainTree(n *yaml.Node, depth int) bool {
	if depth > 16 {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str", "!!int", "!!float", "!!bool":
			return true
		}
		return false
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if !plainTree(c, depth+1) {
				return false
			}
		}
		return true
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind != yaml.ScalarNode || k.Tag != "!!str" || !plainTree(n.Content[i+1], depth+1) {
				return false
			}
		}
		return true
	}
	return false
}
