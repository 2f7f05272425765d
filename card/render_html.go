package card

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// RenderHTML renders a card as one self-contained HTML page, readable on
// screen and printable.
//
// The page is the card's Hugging Face rendering (its body as read for a
// card read from a file) turned into HTML, under a header that names the
// model and sums up its family, license, task and how many facts need
// information, with a table of contents and the card's metadata at the end.
//
// The page is safe to open whatever the card holds: it has no script and
// loads nothing. Its style sheet is inline; a Content-Security-Policy that
// allows nothing else is set as well. Markdown is rendered without raw HTML
// (raw HTML is left out); links keep only http, https, mailto and relative
// destinations (others become plain text); images are shown as links to
// them, never loaded. Every value outside the Markdown (names, metadata
// keys and values) is escaped by html/template. Needs-information markers,
// and the Hub template's "[More Information Needed]" placeholders, are
// shown as visible callouts.
func RenderHTML(c *Card) ([]byte, error) {
	if c == nil {
		return nil, errors.New("render HTML card: the card is nil; build one from a spec or parse a README first")
	}
	md, err := htmlMarkdownOf(c)
	if err != nil {
		return nil, err
	}
	ct := renderContent(c)
	page, err := buildHTMLPage(c, &ct, md)
	if err != nil {
		return nil, fmt.Errorf("render HTML card for %q: %w", hfCardName(&ct), err)
	}
	var buf bytes.Buffer
	if err := htmlPageTemplate.Execute(&buf, page); err != nil {
		return nil, fmt.Errorf("render HTML card for %q: %w", hfCardName(&ct), err)
	}
	return buf.Bytes(), nil
}

// htmlMarkdownOf returns the Markdown body the page shows.
func htmlMarkdownOf(c *Card) (string, error) {
	if c.source != nil {
		if c.Body != nil {
			return c.Body.Text, nil
		}
		return c.source.body, nil
	}
	out, err := RenderHF(c)
	if err != nil {
		return "", fmt.Errorf("render HTML card: %w", err)
	}
	return SplitFrontMatter(string(out)).Body, nil
}

// htmlPage is what the page template shows.
type htmlPage struct {
	Title     string
	Chips     []htmlChip
	NeedsInfo int
	TOC       []htmlTOCEntry
	Body      template.HTML
	Meta      []htmlMetaRow
}

// htmlChip is one fact in the page header.
type htmlChip struct{ Label, Value string }

// htmlTOCEntry is one entry of the table of contents.
type htmlTOCEntry struct{ ID, Text string }

// htmlMetaRow is one metadata key with its value, as text or as a block.
type htmlMetaRow struct {
	Key   string
	Value string
	Block bool
}

// buildHTMLPage renders the Markdown and gathers the page's parts.
func buildHTMLPage(c *Card, ct *Content, md string) (*htmlPage, error) {
	src := []byte(md)
	md2 := newHTMLMarkdown()
	doc := md2.Parser().Parse(text.NewReader(src))
	tr := htmlTransform(doc, src)
	var body bytes.Buffer
	if err := md2.Renderer().Render(&body, src, doc); err != nil {
		return nil, err
	}
	p := &htmlPage{Body: template.HTML(body.String()), TOC: tr.toc, NeedsInfo: tr.callouts}
	p.Title = tr.title
	if p.Title == "" {
		if name := hfCardName(ct); !hfIsBlank(name) {
			p.Title = "Model card: " + name
		} else {
			p.Title = "Model card"
		}
	}
	if c.Family != "" {
		if fam, ok := LookupFamily(c.Family); ok {
			p.Chips = append(p.Chips, htmlChip{"Family", fam.Title})
		}
	}
	for _, k := range [...]struct{ key, label string }{
		{"pipeline_tag", "Task"}, {"license", "License"}, {"language", "Languages"}, {"library_name", "Library"},
	} {
		if v := c.Meta.Strings(k.key); len(v) > 0 {
			p.Chips = append(p.Chips, htmlChip{k.label, strings.Join(v, ", ")})
		}
	}
	if ct.Version != "" {
		p.Chips = append(p.Chips, htmlChip{"Version", ct.Version})
	}
	for _, key := range c.Meta.Keys() {
		v, _ := c.Meta.Value(key)
		p.Meta = append(p.Meta, htmlMetaValue(key, v))
	}
	return p, nil
}

// htmlMetaValue writes a metadata value: scalars and lists of scalars as
// text, the rest as indented JSON.
func htmlMetaValue(key string, v any) htmlMetaRow {
	row := htmlMetaRow{Key: key}
	switch t := v.(type) {
	case nil:
		row.Value = "null"
		return row
	case []any:
		if allScalars(t) {
			parts := make([]string, len(t))
			for i, e := range t {
				parts[i] = htmlScalar(e)
			}
			row.Value = strings.Join(parts, ", ")
			return row
		}
	case map[string]any:
	default:
		row.Value = htmlScalar(v)
		return row
	}
	b := appendAnyJSON(nil, v, 0)
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		row.Value = string(b)
	} else {
		row.Value = out.String()
	}
	row.Block = true
	return row
}

// allScalars reports whether a list holds no mapping or list.
func allScalars(l []any) bool {
	for _, e := range l {
		switch e.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// htmlScalar writes a scalar value as text.
func htmlScalar(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "null"
	}
	return metricValueText(v)
}

// newHTMLMarkdown is the Markdown converter of the page: CommonMark with
// tables, strikethrough and bare links, heading ids, and no raw HTML.
func newHTMLMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:", "mailto:"})),
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// No html.WithUnsafe: raw HTML is left out of the page.
	)
}

// htmlTransformResult is what the tree rewrite found.
type htmlTransformResult struct {
	title    string
	toc      []htmlTOCEntry
	callouts int
}

// htmlTransform makes the parsed Markdown safe and finds the page's parts:
// the title (the first level-1 heading, taken out of the body), the level-2
// headings for the contents, and the needs-information callouts.
func htmlTransform(doc ast.Node, src []byte) htmlTransformResult {
	var res htmlTransformResult
	var links, autos, images []ast.Node
	var titleNode ast.Node
	sawH1 := false
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.Link:
			if !isSafeLinkDest(t.Destination) {
				links = append(links, n)
			} else {
				t.SetAttributeString("rel", []byte("nofollow noopener noreferrer"))
			}
		case *ast.AutoLink:
			url := t.URL(src)
			if t.AutoLinkType == ast.AutoLinkEmail && !bytes.HasPrefix(bytes.ToLower(url), []byte("mailto:")) {
				url = append([]byte("mailto:"), url...)
			}
			if !isSafeLinkDest(url) {
				autos = append(autos, n)
			} else {
				t.SetAttributeString("rel", []byte("nofollow noopener noreferrer"))
			}
		case *ast.Image:
			images = append(images, n)
			return ast.WalkSkipChildren, nil
		case *ast.Heading:
			if t.Level == 1 && !sawH1 && t.Parent() == doc {
				// The first level-1 heading is the page's title, unless it
				// is a section of the card ("# Model description").
				sawH1 = true
				title := htmlPlainText(n, src)
				if title != "" && (isCardTitle(title) || CanonicalFor(title, "") == "") {
					titleNode, res.title = n, title
					return ast.WalkSkipChildren, nil
				}
			}
			if t.Level == 2 && t.Parent() == doc {
				if id, ok := t.AttributeString("id"); ok {
					if b, ok := id.([]byte); ok {
						res.toc = append(res.toc, htmlTOCEntry{ID: string(b), Text: htmlPlainText(n, src)})
					}
				}
			}
		case *ast.Blockquote:
			if isNeedsInfoQuote(t, src) {
				t.SetAttributeString("class", []byte("needs-info"))
				t.SetAttributeString("role", []byte("note"))
				res.callouts++
			}
		case *ast.Paragraph:
			if _, inQuote := t.Parent().(*ast.Blockquote); !inQuote && isPlaceholderParagraph(t, src) {
				t.SetAttributeString("class", []byte("needs-info placeholder"))
				t.SetAttributeString("role", []byte("note"))
				res.callouts++
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range links {
		unwrapNode(n)
	}
	for _, n := range autos {
		a := n.(*ast.AutoLink)
		n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(bytes.Clone(a.Label(src))))
	}
	for _, n := range images {
		img := n.(*ast.Image)
		alt := htmlPlainText(n, src)
		label := "Image"
		if alt != "" {
			label += ": " + alt
		}
		if dest := string(img.Destination); isSafeLinkDest(img.Destination) && dest != "" {
			link := ast.NewLink()
			link.Destination = bytes.Clone(img.Destination)
			link.SetAttributeString("rel", []byte("nofollow noopener noreferrer"))
			link.SetAttributeString("class", []byte("image-link"))
			link.AppendChild(link, ast.NewString([]byte("["+label+"]")))
			n.Parent().ReplaceChild(n.Parent(), n, link)
		} else {
			n.Parent().ReplaceChild(n.Parent(), n, ast.NewString([]byte("["+label+"]")))
		}
	}
	if titleNode != nil {
		titleNode.Parent().RemoveChild(titleNode.Parent(), titleNode)
	}
	return res
}

// unwrapNode replaces a node by its children.
func unwrapNode(n ast.Node) {
	parent := n.Parent()
	for child := n.FirstChild(); child != nil; {
		next := child.NextSibling()
		n.RemoveChild(n, child)
		parent.InsertBefore(parent, n, child)
		child = next
	}
	parent.RemoveChild(parent, n)
}

// htmlPlainText returns the text of a node's inline content.
func htmlPlainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			v := t.Segment.Value(src)
			if !t.IsRaw() {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.AutoLink:
			b.Write(t.Label(src))
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// isNeedsInfoQuote reports whether a block quote is a needs-information
// marker: it starts with strong "Needs information".
func isNeedsInfoQuote(q *ast.Blockquote, src []byte) bool {
	p, ok := q.FirstChild().(*ast.Paragraph)
	if !ok {
		return false
	}
	e, ok := p.FirstChild().(*ast.Emphasis)
	return ok && e.Level == 2 && htmlPlainText(e, src) == "Needs information"
}

// isPlaceholderParagraph reports whether a paragraph is only the Hub
// template's "[More Information Needed]".
func isPlaceholderParagraph(p *ast.Paragraph, src []byte) bool {
	t := htmlPlainText(p, src)
	return strings.EqualFold(t, "[More Information Needed]") || strings.EqualFold(t, "More information needed")
}

// isSafeLinkDest reports whether a Markdown link destination is safe both
// as written and as the renderer writes it into the page (character
// references resolved, percent-encoded).
func isSafeLinkDest(dest []byte) bool {
	return isSafeHTMLURL(string(dest)) && isSafeHTMLURL(string(util.URLEscape(dest, true)))
}

// isSafeHTMLURL reports whether a link destination may be used in the
// page: http, https, mailto, or relative. Tabs and line breaks, which
// browsers drop from URLs, and leading control characters and spaces are
// ignored before the scheme is read.
func isSafeHTMLURL(dest string) bool {
	s := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, dest)
	s = strings.TrimLeft(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	i := strings.IndexAny(s, ":/?#\\")
	if i < 0 || s[i] != ':' {
		return true
	}
	switch strings.ToLower(s[:i]) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

// htmlPageTemplate is the page. Read-only.
var htmlPageTemplate = template.Must(template.New("card").Parse(htmlPageSource))

// htmlPageSource is the page's template: inline style only, no script.
const htmlPageSource = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="modelcard-generator">
<title>{{.Title}}</title>
<style>
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0b5cad; --warn: #9a4b00; --warn-bg: #fff4e5; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; font: 16px/1.6 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.page { max-width: 54rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
header.card-head { border-bottom: 3px solid var(--accent); padding-bottom: 1rem; margin-bottom: 1.5rem; }
.kicker { margin: 0; color: var(--muted); font-size: .8rem; letter-spacing: .08em; text-transform: uppercase; }
header h1 { margin: .2rem 0 .8rem; font-size: 2rem; line-height: 1.25; overflow-wrap: anywhere; }
.chips { display: flex; flex-wrap: wrap; gap: .4rem; margin: 0; padding: 0; list-style: none; }
.chips li { border: 1px solid var(--line); border-radius: 999px; padding: .1rem .7rem; font-size: .85rem; background: var(--soft); }
.chips b { color: var(--muted); font-weight: 600; }
.chips .needs { border-color: #f0b56b; background: var(--warn-bg); color: var(--warn); }
nav.toc { border: 1px solid var(--line); border-radius: 8px; padding: .6rem 1rem; margin: 0 0 2rem; background: var(--soft); }
nav.toc h2 { margin: 0 0 .3rem; font-size: .9rem; border: 0; padding: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .06em; }
nav.toc ol { margin: 0; padding-left: 1.4rem; columns: 2; column-gap: 2rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
main h2 { margin-top: 2.2rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); font-size: 1.5rem; }
main h3 { margin-top: 1.6rem; font-size: 1.2rem; }
main h4, main h5, main h6 { margin-top: 1.3rem; font-size: 1rem; }
main a, footer a { color: var(--accent); overflow-wrap: anywhere; }
main img { display: none; }
code { font: .88em/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: .1em .3em; border-radius: 4px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; overflow-x: auto; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; margin: 1rem 0; display: block; overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid var(--line); padding: .35rem .7rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
tr:nth-child(even) td { background: #fbfcfd; }
blockquote { margin: 1rem 0; padding: .2rem 1rem; color: var(--muted); border-left: 4px solid var(--line); }
.needs-info { margin: 1rem 0; padding: .6rem 1rem; color: var(--warn); background: var(--warn-bg); border: 1px solid #f0b56b; border-left: 6px solid var(--warn); border-radius: 6px; }
.needs-info p { margin: .2rem 0; }
.needs-info code { background: #fde7c8; }
.image-link { font-style: italic; }
section.meta h2 { font-size: 1.2rem; border-bottom: 1px solid var(--line); }
section.meta th { width: 12rem; white-space: nowrap; }
section.meta pre { margin: 0; max-height: 24rem; overflow: auto; font-size: .8rem; }
footer { margin-top: 3rem; padding-top: .8rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) { nav.toc ol { columns: 1; } .page { padding: 1rem; } }
@media print {
  @page { margin: 18mm 16mm; }
  body { font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  nav.toc { display: none; }
  main a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .85em; color: var(--muted); overflow-wrap: anywhere; }
  pre, table, .needs-info, blockquote { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  section.meta pre { max-height: none; overflow: visible; white-space: pre-wrap; }
  table { display: table; }
}
</style>
</head>
<body>
<div class="page">
<header class="card-head">
<p class="kicker">Model card</p>
<h1>{{.Title}}</h1>
<ul class="chips">
{{- range .Chips}}
<li><b>{{.Label}}:</b> {{.Value}}</li>
{{- end}}
{{- if .NeedsInfo}}
<li class="needs"><b>Needs information:</b> {{.NeedsInfo}} {{if eq .NeedsInfo 1}}fact{{else}}facts{{end}}</li>
{{- end}}
</ul>
</header>
{{- if .TOC}}
<nav class="toc" aria-label="Contents">
<h2>Contents</h2>
<ol>
{{- range .TOC}}
<li><a href="#{{.ID}}">{{.Text}}</a></li>
{{- end}}
{{- if .Meta}}
<li><a href="#card-metadata">Metadata</a></li>
{{- end}}
</ol>
</nav>
{{- end}}
<main>
{{.Body}}
</main>
{{- if .Meta}}
<section class="meta" id="card-metadata">
<h2>Metadata</h2>
<table>
<tbody>
{{- range .Meta}}
<tr><th scope="row">{{.Key}}</th><td>{{if .Block}}<pre><code>{{.Value}}</code></pre>{{else}}{{.Value}}{{end}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
<footer>Rendered by modelcard-generator. Facts the card does not give are marked as needing information; nothing was invented.</footer>
</div>
</body>
</html>
`
