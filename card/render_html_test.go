package card

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// ftHostileStrings are values that would run code if a page copied them
// into its HTML.
var ftHostileStrings = struct {
	name, summary, img, meta, tag string
}{
	name:    `"><svg onload=alert(1)>`,
	summary: `<script>alert(1)</script>`,
	img:     `<img src=x onerror=alert(2)>`,
	meta:    `<img src=x onerror=alert(11)>`,
	tag:     `"><svg/onload=alert(12)>`,
}

// ftHostileCard is a card whose every field tries to get code into the
// page.
func ftHostileCard(t testing.TB) *Card {
	t.Helper()
	m := NewMetadata()
	for _, kv := range []struct {
		k string
		v any
	}{
		{"license", "mit"},
		{"<script>k</script>", ftHostileStrings.meta},
		{"tags", []string{ftHostileStrings.tag, "ok"}},
		{"nested", map[string]any{"x": "</pre><script>alert(13)</script>", "y": []any{"javascript:alert(14)"}}},
		{"on-attr\" onclick=\"alert(15)", "v"},
	} {
		if err := m.Set(kv.k, kv.v); err != nil {
			t.Fatal(err)
		}
	}
	return &Card{Meta: m, Family: FamilyGeneric, Content: Content{
		PrettyName: ftHostileStrings.name,
		Summary:    ftHostileStrings.summary,
		Description: ftHostileStrings.img + "\n\n" +
			"[click](javascript:alert(3)) [x](JaVaScRiPt:alert(4)) [y](java\tscript:alert(5)) " +
			"[z](&#106;avascript:alert(6)) <javascript:alert(7)> [d](data:text/html;base64,PHNjcmlwdD4=) " +
			"[v](vbscript:msgbox) [ws]( \x01javascript:alert(17)) [ok](https://ok.example/page) [rel](docs/usage.md)\n\n" +
			"![pic](https://evil.example/x.png) ![p2](javascript:alert(8)) ![p3](data:image/png;base64,iVBORw0KGgo=)\n\n" +
			"[ref]\n\n[ref]: javascript:alert(14)\n\n" +
			"[t](https://ok.example \"\\\" onmouseover=alert(15) x=\\\"\")",
		DirectUse:       "<iframe src=\"https://evil.example\"></iframe>\n\n<a href=\"javascript:alert(9)\">raw</a> inline <b onclick=alert(1)>b</b>",
		GetStarted:      "```html\n<script>alert(10)</script>\n```",
		DevelopedBy:     "<object data=x></object>",
		Repository:      "javascript:alert(18)",
		Recommendations: "<style>body{background:url(https://evil.example/x)}</style>\n\n<link rel=stylesheet href=https://evil.example/s.css>",
		EvalResults: []EvalResult{{TaskType: "text-classification", DatasetType: "d", DatasetName: "<b>D</b>",
			MetricType: "accuracy", MetricValue: "<script>alert(19)</script>", SourceName: "src", SourceURL: "javascript:alert(16)"}},
		Specifics: map[string]string{"inputs": "<form action=https://evil.example><input name=x></form>"},
	}}
}

// ftUnsafe lists what in a page could run code or load something.
func ftUnsafe(page []byte) []string {
	var bad []string
	denied := []string{"script", "iframe", "frame", "frameset", "object", "embed", "img", "svg", "math",
		"link", "base", "form", "input", "button", "video", "audio", "source", "track", "picture", "applet", "portal"}
	z := html.NewTokenizer(bytes.NewReader(page))
	styles, metas := 0, 0
	inStyle := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if !errors.Is(z.Err(), io.EOF) {
				bad = append(bad, "tokenizer: "+z.Err().Error())
			}
			break
		}
		switch tt {
		case html.TextToken:
			if inStyle {
				css := strings.ToLower(string(z.Text()))
				for _, s := range []string{"url(", "@import", "expression(", "http:", "https:"} {
					if strings.Contains(css, s) {
						bad = append(bad, "style sheet holds "+s)
					}
				}
			}
		case html.EndTagToken:
			inStyle = false
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			name := tok.Data
			if slices.Contains(denied, name) {
				bad = append(bad, "element <"+name+">")
			}
			if name == "style" {
				styles++
				inStyle = tt == html.StartTagToken
			}
			if name == "meta" {
				for _, a := range tok.Attr {
					if a.Key == "http-equiv" {
						metas++
						if !strings.EqualFold(a.Val, "Content-Security-Policy") {
							bad = append(bad, "meta http-equiv="+a.Val)
						}
					}
				}
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"):
					bad = append(bad, fmt.Sprintf("<%s %s=%q>", name, a.Key, a.Val))
				case key == "src" || key == "srcset" || key == "poster" || key == "data" || key == "background":
					bad = append(bad, fmt.Sprintf("<%s %s=%q> loads something", name, a.Key, a.Val))
				case key == "style":
					bad = append(bad, fmt.Sprintf("<%s style=%q>", name, a.Val))
				case key == "href" || key == "action" || key == "formaction" || key == "xlink:href":
					if !isSafeHTMLURL(a.Val) {
						bad = append(bad, fmt.Sprintf("<%s %s=%q>", name, a.Key, a.Val))
					}
				}
			}
		}
	}
	if styles != 1 || metas != 1 {
		bad = append(bad, fmt.Sprintf("%d style elements and %d http-equiv metas, want our one of each", styles, metas))
	}
	return bad
}

// ftPageText returns the visible text of a page's body and its title, and
// the elements found, by parsing it as a browser would.
func ftPageText(t testing.TB, page []byte) (title, body string, doc *html.Node) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node, inBody bool)
	walk = func(n *html.Node, inBody bool) {
		if n.Type == html.ElementNode && n.Data == "title" && n.FirstChild != nil {
			title = n.FirstChild.Data
		}
		if n.Type == html.ElementNode && n.Data == "body" {
			inBody = true
		}
		if n.Type == html.TextNode && inBody {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inBody)
		}
	}
	walk(doc, false)
	return title, b.String(), doc
}

// ftElements returns the elements with a tag name, in order.
func ftElements(doc *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// ftAttr returns an element's attribute.
func ftAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// ftText returns the text inside a node.
func ftText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func TestHTMLHostileCard(t *testing.T) {
	page, err := RenderHTML(ftHostileCard(t))
	if err != nil {
		t.Fatal(err)
	}
	if bad := ftUnsafe(page); len(bad) > 0 {
		t.Fatalf("the page is not safe:\n%s", strings.Join(bad, "\n"))
	}
	title, text, doc := ftPageText(t, page)
	if !strings.Contains(title, ftHostileStrings.name) {
		t.Errorf("title %q does not show the name as text", title)
	}
	for _, s := range []string{ftHostileStrings.name, "<script>k</script>",
		ftHostileStrings.meta, ftHostileStrings.tag, "</pre><script>alert(13)</script>", "<script>alert(10)</script>",
		"<script>alert(19)</script>"} {
		if !strings.Contains(text, s) {
			t.Errorf("%q is not shown as text", s)
		}
	}
	// Raw HTML in Markdown fields is left out, not shown.
	if strings.Contains(text, ftHostileStrings.summary) {
		t.Error("raw HTML of the summary is on the page")
	}
	// Unsafe links keep their text, without the link.
	for _, s := range []string{"click", "[Image: pic]", "[Image: p2]"} {
		if !strings.Contains(text, s) {
			t.Errorf("%q is missing from the text", s)
		}
	}
	var hrefs []string
	for _, a := range ftElements(doc, "a") {
		if ftAttr(a, "href") == "" {
			t.Errorf("link %q kept without a destination", ftText(a))
		}
		hrefs = append(hrefs, ftAttr(a, "href"))
		if strings.HasPrefix(ftAttr(a, "href"), "http") && ftAttr(a, "rel") != "nofollow noopener noreferrer" {
			t.Errorf("external link %q without rel", ftAttr(a, "href"))
		}
	}
	for _, want := range []string{"https://ok.example/page", "docs/usage.md", "https://evil.example/x.png"} {
		if !slices.Contains(hrefs, want) {
			t.Errorf("safe link %q was dropped; links: %q", want, hrefs)
		}
	}
	for _, a := range ftElements(doc, "a") {
		if ftAttr(a, "href") == "https://ok.example" && ftAttr(a, "onmouseover") != "" {
			t.Error("link title broke out of its attribute")
		}
	}
}

func TestHTMLExampleCard(t *testing.T) {
	c := ftExampleCards(t)["llm.yaml"]
	page, err := RenderHTML(c)
	if err != nil {
		t.Fatal(err)
	}
	if bad := ftUnsafe(page); len(bad) > 0 {
		t.Fatalf("the page is not safe:\n%s", strings.Join(bad, "\n"))
	}
	title, text, doc := ftPageText(t, page)
	if title != "Model Card for Heron Chat 7B" {
		t.Errorf("title = %q", title)
	}
	h1 := ftElements(doc, "h1")
	if len(h1) != 1 || ftText(h1[0]) != title {
		t.Errorf("want one h1 holding the title, got %d", len(h1))
	}
	// Every heading of the Hub rendering is on the page, in order.
	md, _ := RenderHF(c)
	var wantHeads []string
	ParseBody(SplitFrontMatter(string(md)).Body, 1).Walk(func(s *Section) bool {
		if s.Level > 1 {
			wantHeads = append(wantHeads, s.Title)
		}
		return true
	})
	var gotHeads []string
	ids := map[string]bool{}
	for _, n := range ftHeadingNodes(doc) {
		if ftAttr(n, "id") != "" {
			ids[ftAttr(n, "id")] = true
		}
		if n.Data != "h1" && !ftInside(n, "nav") && !ftInside(n, "section") {
			gotHeads = append(gotHeads, ftText(n))
		}
	}
	if !slices.Equal(gotHeads, wantHeads) {
		t.Errorf("headings\n got %q\nwant %q", gotHeads, wantHeads)
	}
	// The contents link to the sections.
	navs := ftElements(doc, "nav")
	if len(navs) != 1 {
		t.Fatalf("%d nav elements", len(navs))
	}
	links := ftElements(navs[0], "a")
	if len(links) < 10 {
		t.Errorf("contents has %d entries", len(links))
	}
	for _, a := range links {
		if id := strings.TrimPrefix(ftAttr(a, "href"), "#"); !ids[id] && id != "card-metadata" {
			t.Errorf("contents link %q points nowhere", ftAttr(a, "href"))
		}
	}
	// Tables, code and callouts.
	var heads []string
	for _, table := range ftElements(doc, "table") {
		if th := ftElements(table, "th"); len(th) > 0 {
			heads = append(heads, ftText(th[0]))
		}
	}
	if !slices.Equal(heads, []string{"Hyperparameter", "Task", "language"}) {
		t.Errorf("tables start with %q, want the hyperparameters, the results and the metadata", heads)
	}
	if !strings.Contains(text, "tok = AutoTokenizer.from_pretrained") {
		t.Error("code block missing")
	}
	callouts := 0
	for _, q := range ftElements(doc, "blockquote") {
		if strings.Contains(ftAttr(q, "class"), "needs-info") {
			callouts++
		}
	}
	if want := len(FindNeedsInfo(string(md))); callouts != want || want == 0 {
		t.Errorf("%d callouts, want one per marker (%d)", callouts, want)
	}
	if !strings.Contains(text, fmt.Sprintf("Needs information: %d facts", callouts)) {
		t.Error("header does not count the facts that need information")
	}
	// Metadata, in its order.
	var keys []string
	for _, th := range ftElements(doc, "th") {
		if ftAttr(th, "scope") == "row" {
			keys = append(keys, ftText(th))
		}
	}
	if !slices.Equal(keys, c.Meta.Keys()) {
		t.Errorf("metadata keys %q, want %q", keys, c.Meta.Keys())
	}
}

// ftHeadingNodes returns the h1 to h6 elements in document order.
func ftHeadingNodes(doc *html.Node) []*html.Node {
	var out []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6' {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// ftInside reports whether n is inside an element with a tag name.
func ftInside(n *html.Node, tag string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == tag {
			return true
		}
	}
	return false
}

func TestHTMLSafeURL(t *testing.T) {
	tests := []struct {
		url  string
		safe bool
	}{
		{"https://x.example", true}, {"HTTP://x.example", true}, {"mailto:a@b.example", true},
		{"docs/a.md", true}, {"#frag", true}, {"?q=1", true}, {"//x.example/a", true}, {"a/b:c", true},
		{"javascript:alert(1)", false}, {"JavaScript:alert(1)", false}, {"java\tscript:alert(1)", false},
		{"java\nscript:x", false}, {" javascript:x", false}, {"\x01javascript:x", false},
		{"data:text/html,x", false}, {"vbscript:x", false}, {"file:///etc/passwd", false}, {"ftp://x", false},
	}
	for _, tt := range tests {
		if got := isSafeHTMLURL(tt.url); got != tt.safe {
			t.Errorf("isSafeHTMLURL(%q) = %v, want %v", tt.url, got, tt.safe)
		}
	}
}

// TestHTMLCorpusSafe renders every corpus card with a YAML block and checks
// each page for anything that could run or load.
func TestHTMLCorpusSafe(t *testing.T) {
	n := 0
	for _, e := range corpusEntries(t) {
		if !e.HasFrontMatter {
			continue
		}
		src, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := Parse(src)
		if c == nil {
			continue
		}
		page, err := RenderHTML(c)
		if err != nil {
			t.Errorf("%s: %v", e.Path, err)
			continue
		}
		if bad := ftUnsafe(page); len(bad) > 0 {
			t.Errorf("%s: not safe: %s", e.Path, strings.Join(bad, "; "))
		}
		n++
	}
	if n < 1000 {
		t.Fatalf("only %d cards rendered", n)
	}
}

func TestHTMLErrors(t *testing.T) {
	if _, err := RenderHTML(nil); err == nil {
		t.Error("nil card rendered")
	}
	if _, err := RenderHTML(&Card{Family: "nope"}); err == nil {
		t.Error("unknown family rendered")
	}
	page, err := RenderHTML(&Card{})
	if err != nil {
		t.Fatalf("empty card: %v", err)
	}
	if bad := ftUnsafe(page); len(bad) > 0 {
		t.Errorf("empty card: %v", bad)
	}
	if title, _, _ := ftPageText(t, page); title != "Model Card" {
		t.Errorf("empty card title = %q", title)
	}
}

// FuzzHTMLSafe renders any Markdown as a card's description and checks
// that the page stays safe.
func FuzzHTMLSafe(f *testing.F) {
	for _, s := range []string{"[a](javascript:x)", "<script>x</script>", "![i](x.png)", "<javascript:x>",
		"[r]\n\n[r]: &#106;avascript:x", "| a |\n| - |\n| <img src=x> |", "www.example.com", "a@b.example"} {
		f.Add(s, "name")
	}
	f.Fuzz(func(t *testing.T, md, name string) {
		page, err := RenderHTML(&Card{Content: Content{PrettyName: name, Description: md, Summary: md}})
		if err != nil {
			return
		}
		if bad := ftUnsafe(page); len(bad) > 0 {
			t.Fatalf("not safe: %s", strings.Join(bad, "; "))
		}
	})
}

// BenchmarkRenderFormats measures each renderer on the LLM example spec
// and on a Hub card read from a file (which is first read with
// ContentFromBody).
func BenchmarkRenderFormats(b *testing.B) {
	spec := ftExampleCards(b)["llm.yaml"]
	md, err := RenderHF(spec)
	if err != nil {
		b.Fatal(err)
	}
	parsed, err := Parse(md)
	if err != nil {
		b.Fatal(err)
	}
	parsed.Family = spec.Family
	renderers := []struct {
		name   string
		render func(*Card) ([]byte, error)
	}{{"mct", RenderMCT}, {"html", RenderHTML}, {"annex-iv", RenderAnnexIV}, {"json", RenderJSON}}
	for _, in := range []struct {
		name string
		c    *Card
	}{{"spec", spec}, {"readme", parsed}} {
		for _, r := range renderers {
			b.Run(in.name+"/"+r.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := r.render(in.c); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	b.Run("readme/content-from-body", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = ContentFromBody(parsed)
		}
	})
}
