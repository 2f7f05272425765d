package card

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/terragonlabs/modelcard-generator/internal/jsonenc"
)

// cardSchemaJSON is the JSON Schema of the engine's own card format.
//
//go:embed schema/card.schema.json
var cardSchemaJSON []byte

// CardSchemaURL is the $id of the card format's JSON Schema, and the value
// RenderJSON writes in "$schema".
const CardSchemaURL = "https://github.com/terragonlabs/modelcard-generator/card/schema/card.schema.json"

// CardFormatVersion is the version of the card format RenderJSON writes.
const CardFormatVersion = 1

// CardSchema returns the JSON Schema (draft 2020-12) of the card format
// written by RenderJSON and read by ParseCardJSON. Every property has a
// description, so the schema is also the format's reference. The caller owns
// the returned slice.
func CardSchema() []byte { return bytes.Clone(cardSchemaJSON) }

// loadCardSchema compiles the embedded schema once.
var loadCardSchema = sync.OnceValues(func() (*inputSchema, error) {
	return compileInputSchema(CardSchemaURL, cardSchemaJSON, jsonschema.Draft2020)
})

// RenderJSON renders a card in the engine's own JSON format: one object with
//
//   - "$schema": CardSchemaURL, and "format_version": CardFormatVersion;
//   - "family": the template family, when set;
//   - "content": the structured content (Content's fields under their json
//     names, eval results included); metric values keep their type, floats
//     written the way Python prints them (95.0 stays 95.0);
//   - "metadata": the Hub metadata as an object whose keys keep their order
//     in the card, nested mappings included;
//   - "needs_information": the ids of the facts the card's Hugging Face
//     rendering marks as needing information, in order. It is derived, and
//     ignored when read back.
//
// A card read from a Hugging Face README is first read with
// ContentFromBody. The format's JSON Schema is CardSchema; ParseCardJSON
// reads the format back. Values JSON cannot hold (NaN and infinite floats)
// are written as the strings "NaN", "inf" and "-inf".
func RenderJSON(c *Card) ([]byte, error) {
	if c == nil {
		return nil, errors.New("render JSON card: the card is nil; build one from a spec or parse a README first")
	}
	if c.Family != "" {
		if _, ok := LookupFamily(c.Family); !ok {
			return nil, fmt.Errorf("render JSON card for %q: unknown template family %q; use one of %v, or leave it empty for the generic family",
				hfCardName(&c.Content), c.Family, FamilyIDs())
		}
	}
	ct := renderContent(c)
	content, err := marshalContentJSON(&ct)
	if err != nil {
		return nil, fmt.Errorf("render JSON card for %q: %w", hfCardName(&ct), err)
	}
	var b bytes.Buffer
	b.WriteString("{\n  \"$schema\": ")
	writeJSONString(&b, CardSchemaURL)
	b.WriteString(",\n  \"format_version\": " + strconv.Itoa(CardFormatVersion))
	if c.Family != "" {
		b.WriteString(",\n  \"family\": ")
		writeJSONString(&b, string(c.Family))
	}
	b.WriteString(",\n  \"content\": ")
	if err := indentInto(&b, content, "  "); err != nil {
		return nil, fmt.Errorf("render JSON card for %q: %w", hfCardName(&ct), err)
	}
	if c.Meta.Len() > 0 {
		var meta bytes.Buffer
		if err := appendMetaJSON(&meta, c.Meta); err != nil {
			return nil, fmt.Errorf("render JSON card for %q: metadata: %w", hfCardName(&ct), err)
		}
		b.WriteString(",\n  \"metadata\": ")
		if err := indentInto(&b, meta.Bytes(), "  "); err != nil {
			return nil, fmt.Errorf("render JSON card for %q: metadata: %w", hfCardName(&ct), err)
		}
	}
	ids, err := needsInformation(c)
	if err != nil {
		return nil, fmt.Errorf("render JSON card for %q: %w", hfCardName(&ct), err)
	}
	if len(ids) > 0 {
		b.WriteString(",\n  \"needs_information\": [")
		for i, id := range ids {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONString(&b, id)
		}
		b.WriteString("]")
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// needsInformation lists the marker ids of the card's Hugging Face
// rendering.
func needsInformation(c *Card) ([]string, error) {
	if c.source != nil {
		if c.Body != nil {
			return FindNeedsInfo(c.Body.Text), nil
		}
		return FindNeedsInfo(c.source.body), nil
	}
	md, err := RenderHF(c)
	if err != nil {
		return nil, err
	}
	return FindNeedsInfo(string(md)), nil
}

// isNeedsInfoIDByte reports whether c may appear in a marker's id.
func isNeedsInfoIDByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-'
}

// indentInto writes compact JSON indented, its lines after the first
// prefixed.
func indentInto(b *bytes.Buffer, compact []byte, prefix string) error {
	return json.Indent(b, compact, prefix, "  ")
}

// writeJSONString writes s as a JSON string without HTML escaping.
func writeJSONString(b *bytes.Buffer, s string) {
	b.Write(jsonenc.AppendString(b.AvailableBuffer(), s))
}

// contentJSON is Content as written: the environmental impact left out
// when empty, eval results with their values written exactly.
type contentJSON struct {
	Content
	Environment *EnvironmentalImpact `json:"environmental_impact,omitempty"`
	EvalResults []evalResultJSON     `json:"eval_results,omitempty"`
}

// evalResultJSON is an EvalResult with its free-form values pre-encoded.
type evalResultJSON struct {
	EvalResult
	MetricValue json.RawMessage `json:"metric_value,omitempty"`
	DatasetArgs json.RawMessage `json:"dataset_args,omitempty"`
	MetricArgs  json.RawMessage `json:"metric_args,omitempty"`
}

// marshalContentJSON writes a Content as compact JSON.
func marshalContentJSON(ct *Content) ([]byte, error) {
	w := contentJSON{Content: *ct}
	if !ct.Environment.IsZero() {
		env := ct.Environment
		w.Environment = &env
	}
	for i := range ct.EvalResults {
		r := evalResultJSON{EvalResult: ct.EvalResults[i]}
		if v := ct.EvalResults[i].MetricValue; v != nil {
			r.MetricValue = appendAnyJSON(nil, v, 0)
		}
		if len(r.EvalResult.DatasetArgs) > 0 {
			r.DatasetArgs = appendAnyJSON(nil, r.EvalResult.DatasetArgs, 0)
		}
		if len(r.EvalResult.MetricArgs) > 0 {
			r.MetricArgs = appendAnyJSON(nil, r.EvalResult.MetricArgs, 0)
		}
		w.EvalResults = append(w.EvalResults, r)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// maxJSONDepth bounds the nesting written and read.
const maxJSONDepth = 200

// appendAnyJSON writes a plain Go value (as decoded from YAML or JSON) as
// JSON: maps with sorted keys, floats in their shortest form with a decimal
// point or exponent, NaN and infinities as strings.
func appendAnyJSON(dst []byte, v any, depth int) []byte {
	if depth > maxJSONDepth {
		return append(dst, "null"...)
	}
	switch t := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, t)
	case string:
		return appendJSONString(dst, t)
	case float64:
		return appendJSONFloat(dst, t, 64)
	case float32:
		return appendJSONFloat(dst, float64(t), 32)
	case json.Number:
		if _, err := strconv.ParseFloat(string(t), 64); err == nil {
			return append(dst, t...)
		}
		return appendJSONString(dst, string(t))
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			dst = appendAnyJSON(dst, t[k], depth+1)
		}
		return append(dst, '}')
	case []any:
		dst = append(dst, '[')
		for i, e := range t {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendAnyJSON(dst, e, depth+1)
		}
		return append(dst, ']')
	}
	if out, ok := hfAppendInt(dst, v); ok {
		return out
	}
	if p := hfPlainValue(v); !sameKind(p, v) {
		return appendAnyJSON(dst, p, depth+1)
	}
	return appendJSONString(dst, fmt.Sprint(v))
}

// sameKind reports whether hfPlainValue left a value as it was.
func sameKind(a, b any) bool {
	return fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b)
}

// appendJSONFloat writes a float so that it reads back as a float.
func appendJSONFloat(dst []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return appendJSONString(dst, string(hfAppendFloat(nil, f, bits, false)))
	}
	return hfAppendFloat(dst, f, bits, false)
}

// appendJSONString writes a JSON string without HTML escaping.
func appendJSONString(dst []byte, s string) []byte { return jsonenc.AppendString(dst, s) }

// appendMetaJSON writes the metadata as one JSON object, keys in order.
func appendMetaJSON(b *bytes.Buffer, m *Metadata) error {
	out, err := appendNodeJSON(nil, m.root, 0)
	if err != nil {
		return err
	}
	b.Write(out)
	return nil
}

// appendNodeJSON writes a YAML node as JSON, mapping keys in their order.
func appendNodeJSON(dst []byte, n *yaml.Node, depth int) ([]byte, error) {
	n = resolveAlias(n)
	if n == nil {
		return append(dst, "null"...), nil
	}
	if depth > maxJSONDepth {
		return dst, fmt.Errorf("nested deeper than %d levels", maxJSONDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return append(dst, "null"...), nil
		}
		return appendNodeJSON(dst, n.Content[0], depth)
	case yaml.MappingNode:
		if hasMergeKey(n) {
			// Merge keys: let the decoder resolve them.
			v, err := decodeNode(n)
			if err != nil {
				return dst, err
			}
			return appendAnyJSON(dst, v, depth), nil
		}
		dst = append(dst, '{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				dst = append(dst, ',')
			}
			k := resolveAlias(n.Content[i])
			key := k.Value
			if k.Kind != yaml.ScalarNode {
				kv, err := decodeNode(k)
				if err != nil {
					return dst, err
				}
				key = fmt.Sprint(kv)
			}
			dst = appendJSONString(dst, key)
			dst = append(dst, ':')
			var err error
			if dst, err = appendNodeJSON(dst, n.Content[i+1], depth+1); err != nil {
				return dst, err
			}
		}
		return append(dst, '}'), nil
	case yaml.SequenceNode:
		dst = append(dst, '[')
		for i, c := range n.Content {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendNodeJSON(dst, c, depth+1); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	case yaml.ScalarNode:
		if n.ShortTag() == "!!timestamp" || n.ShortTag() == "!!binary" {
			return appendJSONString(dst, n.Value), nil
		}
		if v, ok := nodeToAny(n, depth); ok {
			return appendAnyJSON(dst, v, depth), nil
		}
		v, err := decodeNode(n)
		if err != nil {
			return dst, err
		}
		return appendAnyJSON(dst, v, depth), nil
	}
	return dst, fmt.Errorf("unexpected YAML node kind %d", n.Kind)
}

// hasMergeKey reports whether a mapping uses YAML merge keys.
func hasMergeKey(n *yaml.Node) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			return true
		}
	}
	return false
}

// ParseCardJSON reads a card in the engine's JSON format (see RenderJSON).
// name names the input in messages (a file path, or "" for "<input>").
// The input is validated against CardSchema first; every fault is reported
// in an *InputFormatError with its JSON path, line and column.
// "needs_information" is ignored: it is derived from the rest.
func ParseCardJSON(data []byte, name string) (*Card, error) {
	const format = "JSON card"
	if name == "" {
		name = "<input>"
	}
	if err := checkJSONInput(data, name, format, "card", loadCardSchema); err != nil {
		return nil, err
	}
	var doc struct {
		Family   FamilyID        `json:"family"`
		Content  json.RawMessage `json:"content"`
		Metadata json.RawMessage `json:"metadata"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("read %s %s: %w", format, name, err)
	}
	c := &Card{Family: doc.Family, Meta: NewMetadata()}
	if len(doc.Content) > 0 {
		if err := decodeContentJSON(doc.Content, &c.Content); err != nil {
			return nil, fmt.Errorf("read %s %s: content: %w", format, name, err)
		}
	}
	if len(doc.Metadata) > 0 && !bytes.Equal(bytes.TrimSpace(doc.Metadata), []byte("null")) {
		root, err := jsonToYAMLNode(doc.Metadata)
		if err != nil {
			return nil, fmt.Errorf("read %s %s: metadata: %w", format, name, err)
		}
		if len(root.Content) > 0 {
			c.Meta.root = root
		}
	}
	return c, nil
}

// decodeContentJSON reads the "content" object.
func decodeContentJSON(data []byte, ct *Content) error {
	var w contentJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*ct = w.Content
	if w.Environment != nil {
		ct.Environment = *w.Environment
	}
	ct.EvalResults = nil
	for _, r := range w.EvalResults {
		er := r.EvalResult
		var err error
		if er.MetricValue, err = decodeJSONValue(r.MetricValue); err != nil {
			return fmt.Errorf("metric_value: %w", err)
		}
		if er.DatasetArgs, err = decodeJSONArgs(r.DatasetArgs); err != nil {
			return fmt.Errorf("dataset_args: %w", err)
		}
		if er.MetricArgs, err = decodeJSONArgs(r.MetricArgs); err != nil {
			return fmt.Errorf("metric_args: %w", err)
		}
		ct.EvalResults = append(ct.EvalResults, er)
	}
	return nil
}

// decodeJSONArgs reads an args object; empty gives nil.
func decodeJSONArgs(raw json.RawMessage) (map[string]any, error) {
	v, err := decodeJSONValue(raw)
	if err != nil || v == nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("must be an object, not %s", miShape(v))
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// decodeJSONValue reads a free-form value: whole numbers as int (int64
// when they do not fit), other numbers as float64.
func decodeJSONValue(raw json.RawMessage) (any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return fromJSONNumbers(v), nil
}

// fromJSONNumbers turns json.Number values into int, int64 or float64.
func fromJSONNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		s := string(t)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				if int64(int(i)) == i {
					return int(i)
				}
				return i
			}
		}
		f, _ := strconv.ParseFloat(s, 64)
		return f
	case map[string]any:
		for k, e := range t {
			t[k] = fromJSONNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = fromJSONNumbers(e)
		}
	}
	return v
}

// jsonToYAMLNode reads a JSON object into a YAML mapping node, keys in
// their order.
func jsonToYAMLNode(data []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := jsonNode(dec, 0)
	if err != nil {
		return nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, errors.New("metadata must be an object")
	}
	return n, nil
}

// jsonNode reads one JSON value as a YAML node.
func jsonNode(dec *json.Decoder, depth int) (*yaml.Node, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := jsonNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
			}
			_, err := dec.Token()
			return n, err
		case '[':
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for dec.More() {
				v, err := jsonNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, v)
			}
			_, err := dec.Token()
			return n, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	case json.Number:
		s := string(t)
		if !strings.ContainsAny(s, ".eE") {
			if _, err := strconv.ParseInt(s, 10, 64); err == nil {
				return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: s}, nil
			}
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("number %s: %w", s, err)
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: string(hfAppendFloat(nil, f, 64, true))}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}
