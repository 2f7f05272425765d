package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/terragonlabs/modelcard-generator/card"
	"go.yaml.in/yaml/v3"
)

// outputFormat is one format a card can be written in, by generate
// (--format) and by convert (--to).
type outputFormat struct {
	// name is the value of --format and --to.
	name string
	// ext ends the names of the files written: NAME + ext.
	ext string
	// desc says what the format is, for --help.
	desc string
	// render writes a card in the format.
	render func(*card.Card) ([]byte, error)
	// parse reads the format back, for formats that can be read; convert
	// uses it to list the facts a conversion leaves behind.
	parse func(data []byte, name string) (*card.Card, error)
}

// outputFormats are the formats cards can be written in, in the order
// --help lists them. Read-only.
var outputFormats = []outputFormat{
	{name: "hf", ext: ".md", render: card.RenderHF, parse: parseHubInput,
		desc: "Hugging Face README.md: YAML metadata (with model-index) and the Hub template's sections"},
	{name: "mct", ext: ".mct.json", render: card.RenderMCT, parse: card.ParseMCT,
		desc: "Google Model Card Toolkit JSON, schema " + card.MCTSchemaVersion},
	{name: "html", ext: ".html", render: card.RenderHTML,
		desc: "a standalone HTML page of the card"},
	{name: "annex-iv", ext: ".annex-iv.md", render: card.RenderAnnexIV,
		desc: "draft technical documentation after Annex IV of the EU AI Act, Markdown"},
	{name: "json", ext: ".card.json", render: card.RenderJSON, parse: card.ParseCardJSON,
		desc: "the engine's own JSON card: content, metadata, needs-information ids"},
}

// formatNames lists the output formats' names.
func formatNames() []string {
	names := make([]string, len(outputFormats))
	for i, f := range outputFormats {
		names[i] = f.name
	}
	return names
}

// lookupFormat finds an output format by name.
func lookupFormat(name string) (outputFormat, bool) {
	for _, f := range outputFormats {
		if f.name == name {
			return f, true
		}
	}
	return outputFormat{}, false
}

// parseFormatList reads the values of a repeatable flag whose values may
// also be comma-separated lists ("hf,mct" and "--format hf --format mct"
// alike), in order and without duplicates. flag names the flag in
// messages.
func parseFormatList(flag string, values []string) ([]outputFormat, error) {
	var out []outputFormat
	for _, v := range values {
		for _, n := range strings.Split(v, ",") {
			n = strings.ToLower(strings.TrimSpace(n))
			if n == "" {
				continue
			}
			f, ok := lookupFormat(n)
			if !ok {
				return nil, usagef("%s %q: unknown format; the formats are %s", flag, n, strings.Join(formatNames(), ", "))
			}
			if !slices.ContainsFunc(out, func(g outputFormat) bool { return g.name == f.name }) {
				out = append(out, f)
			}
		}
	}
	if len(out) == 0 {
		return nil, usagef("%s is empty; give one or more of %s", flag, strings.Join(formatNames(), ", "))
	}
	return out, nil
}

// formatHelp is the list of output formats for --help texts, one per line.
func formatHelp() string {
	var b strings.Builder
	for _, f := range outputFormats {
		fmt.Fprintf(&b, "   %-9s NAME%-13s %s\n", f.name, f.ext, f.desc)
	}
	return strings.TrimRight(b.String(), "\n")
}

// inputFormat is one format a card can be read from.
type inputFormat struct {
	// name is the value of --from.
	name string
	// desc says what the format is, for --help.
	desc string
	// parse reads a card; name is the input's name in messages.
	parse func(data []byte, name string) (*card.Card, error)
}

// inputFormats are the formats cards can be read from. Read-only.
var inputFormats = []inputFormat{
	{name: "hf", parse: parseHubInput, desc: "a Hugging Face README.md (YAML block optional)"},
	{name: "mct", parse: card.ParseMCT, desc: "a Model Card Toolkit JSON card (has model_details or schema_version)"},
	{name: "json", parse: card.ParseCardJSON, desc: "a card in the engine's JSON format (has format_version and content)"},
	{name: "spec", parse: card.ParseSpec, desc: "a model spec, YAML or JSON (see `modelcard init`)"},
}

// inputNames lists the input formats' names.
func inputNames() []string {
	names := make([]string, len(inputFormats))
	for i, f := range inputFormats {
		names[i] = f.name
	}
	return names
}

// lookupInput finds an input format by name.
func lookupInput(name string) (inputFormat, bool) {
	for _, f := range inputFormats {
		if f.name == name {
			return f, true
		}
	}
	return inputFormat{}, false
}

// parseHubInput reads a Hugging Face README. Unlike card.Parse, it fails
// on a YAML block that does not parse (a *card.YAMLError): the metadata
// (licence, model-index) would otherwise be lost without a word. Its
// errors do not name the input; printParseError words them with the name
// and the fix.
func parseHubInput(data []byte, _ string) (*card.Card, error) {
	c, err := card.Parse(data)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// specKeys are keys of which a spec has at least one. Read-only.
var specKeys = []string{"model_id", "model_name", "pretty_name", "family", "pipeline_tag", "summary", "eval_results", "metrics"}

// looksLikeSpecYAML reports YAML text that is a mapping holding one of
// specKeys. Markdown rarely parses as a YAML mapping, and never holds those
// keys at its top level when it does.
func looksLikeSpecYAML(data []byte) bool {
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return false
	}
	for _, k := range specKeys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// detectInput says which format a card input is in, from its name's
// extension and its content:
//
//   - .md and .markdown files are Hugging Face READMEs; .yaml and .yml
//     files are specs;
//   - a JSON object (a .json file, or content starting with "{") is our
//     JSON card when it has "format_version" and "content", a Model Card
//     Toolkit card when it has "model_details" or "schema_version", and a
//     spec otherwise;
//   - other content is a spec when it is a YAML mapping holding one of
//     specKeys (model_id, model_name, ...), and a README otherwise.
func detectInput(name string, data []byte) inputFormat {
	pick := func(n string) inputFormat {
		f, _ := lookupInput(n)
		return f
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".md", ".markdown":
		return pick("hf")
	case ".yaml", ".yml":
		return pick("spec")
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if ext == ".json" || bytes.HasPrefix(trimmed, []byte("{")) {
		keys := topLevelJSONKeys(data)
		switch {
		case keys["format_version"] && keys["content"]:
			return pick("json")
		case keys["model_details"] || keys["schema_version"]:
			return pick("mct")
		}
		return pick("spec")
	}
	if card.SplitFrontMatter(string(data)).Found {
		return pick("hf")
	}
	if looksLikeSpecYAML(trimmed) {
		return pick("spec")
	}
	return pick("hf")
}

// ownRendering names the output formats that cannot be read back when data
// is one of them (an HTML page, an Annex IV document), and returns "" for
// anything else. Either would otherwise be read as a README: the page's
// styles taken for the model's overview, the Annex's items lost.
func ownRendering(data []byte) string {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\ufeff")), " \t\r\n")
	hasPrefixFold := func(p string) bool { return len(t) >= len(p) && bytes.EqualFold(t[:len(p)], []byte(p)) }
	switch {
	case len(t) == 0 || (t[0] != '<' && t[0] != '#'):
		return ""
	case hasPrefixFold("<!doctype html"), hasPrefixFold("<html"):
		return "an HTML page (the html format)"
	case bytes.HasPrefix(t, []byte(card.AnnexIVHeading)):
		return "EU AI Act Annex IV documentation (the annex-iv format)"
	}
	return ""
}

// topLevelJSONKeys returns the keys of a JSON object's top level; nil when
// the data is not a JSON object. It stops at the first syntax error.
func topLevelJSONKeys(data []byte) map[string]bool {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil
	}
	keys := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		k, ok := tok.(string)
		if !ok {
			return keys
		}
		keys[k] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}

// readInput reads a card input: a file (at most maxBytes), or standard
// input for "-". A file that does not exist is a usage error.
func readInput(io stdio, path string, maxBytes int64) ([]byte, error) {
	if path == "-" {
		data, err := readLimited(io.in, maxBytes)
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		return data, nil
	}
	data, err := card.ReadFileLimited(path, maxBytes)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("input %s: no such file", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// readLimited reads r to its end, failing when it holds more than
// maxBytes bytes.
func readLimited(r io.Reader, maxBytes int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("the input is larger than %d bytes (raise --max-bytes to read it)", maxBytes)
	}
	return data, nil
}

// printParseError prints a card input's problems, one per line, each
// naming source once (with the line where known), or the error itself.
func printParseError(io stdio, source string, err error) {
	var probs []card.Problem
	var ife *card.InputFormatError
	var se *card.SpecError
	var ie *card.InputError
	var ye *card.YAMLError
	switch {
	case errors.As(err, &ife):
		probs = ife.Problems
	case errors.As(err, &se):
		probs = se.Problems
	case errors.As(err, &ie):
		probs = []card.Problem{{Line: ie.Line, Severity: card.SeverityError, Code: ie.Code, Message: ie.Msg}}
	case errors.As(err, &ye) && ye.Code != "":
		// The block parses but cannot be read (its aliases expand too
		// far): the error says what and how to fix it.
		probs = []card.Problem{{Line: ye.Line, Column: ye.Column, Severity: card.SeverityError, Code: ye.Code, Message: ye.Msg, Fix: ye.Fix}}
	case errors.As(err, &ye):
		probs = []card.Problem{{Line: ye.Line, Column: ye.Column, Severity: card.SeverityError, Code: "yaml.syntax",
			Message: "the YAML metadata block does not parse: " + ye.Msg,
			Fix:     fmt.Sprintf("correct the block; `modelcard validate %s` lists every problem of the card", source)}}
		if source == "<stdin>" {
			probs[0].Fix = "correct the block; save the card and run `modelcard validate FILE` to list every problem of the card"
		}
	}
	if len(probs) == 0 {
		fmt.Fprintf(io.err, "%s: error: %v\n", source, err)
		return
	}
	for _, p := range probs {
		if p.File == "" {
			p.File = source
		}
		fmt.Fprintln(io.err, p.String())
	}
}

// droppedFields lists the Content fields, by their JSON names, that hold
// a fact in before and none in after: what a conversion left behind.
func droppedFields(before, after *card.Content) []string {
	var out []string
	bv, av := reflect.ValueOf(before).Elem(), reflect.ValueOf(after).Elem()
	t := bv.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if !bv.Field(i).IsZero() && isBlankValue(av.Field(i)) && !isBlankValue(bv.Field(i)) {
			out = append(out, name)
		}
	}
	return out
}

// isBlankValue reports a zero value, a string of white space only, or an
// empty list or map.
func isBlankValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return strings.TrimSpace(v.String()) == ""
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}
