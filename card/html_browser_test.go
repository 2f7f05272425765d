package card

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// ftChromium is the browser the page is checked in; CI installs Debian's
// chromium package.
const ftChromium = "/usr/bin/chromium"

// ftNeedChromium returns the browser's path, skipping the test when it is
// missing, or failing it when running in CI (env CI set), where it must be
// installed.
func ftNeedChromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(ftChromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing but CI is set: install Debian's chromium package (apt-get install -y chromium) so the HTML pages are checked in a browser", ftChromium)
		}
		t.Skipf("%s not found: install chromium to check the HTML pages in a browser (CI runs this test)", ftChromium)
	}
	return ftChromium
}

// ftBrowser runs headless chromium on a file with extra arguments and
// returns its standard output.
func ftBrowser(t *testing.T, bin, file string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+file)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// TestHTMLInBrowser opens the hostile card's page and a full example's in
// a real browser: the DOM it builds must hold no script and no event
// handler, show the hostile strings as text, and have the card's title and
// headings; a screenshot of each page is kept for people to look at.
func TestHTMLInBrowser(t *testing.T) {
	bin := ftNeedChromium(t)
	cases := []struct {
		name     string
		card     *Card
		title    string
		texts    []string
		minHeads int
	}{
		{"hostile", ftHostileCard(t), "Model Card for " + ftHostileStrings.name,
			[]string{ftHostileStrings.name, "<script>k</script>", ftHostileStrings.meta, ftHostileStrings.tag, "<script>alert(10)</script>"}, 20},
		{"llm-example", ftExampleCards(t)["llm.yaml"], "Model Card for Heron Chat 7B",
			[]string{"Heron Chat 7B", "Cobalt Heron Labs, language modelling team", "5-shot accuracy", "Needs information"}, 30},
	}
	artifacts := os.Getenv("MODELCARD_ARTIFACTS")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := RenderHTML(tc.card)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, tc.name+".html")
			if err := os.WriteFile(file, page, 0o644); err != nil {
				t.Fatal(err)
			}
			dom := ftBrowser(t, bin, file, "--dump-dom")
			doc, err := html.Parse(bytes.NewReader(dom))
			if err != nil {
				t.Fatalf("parse the browser's DOM: %v", err)
			}
			titles := ftElements(doc, "title")
			if len(titles) != 1 || ftText(titles[0]) != tc.title {
				t.Errorf("browser title = %q, want %q", ftText(titles[0]), tc.title)
			}
			if n := len(ftElements(doc, "script")); n != 0 {
				t.Errorf("the browser's DOM has %d script elements", n)
			}
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode {
					for _, a := range n.Attr {
						if strings.HasPrefix(strings.ToLower(a.Key), "on") {
							t.Errorf("<%s %s=%q> in the browser's DOM", n.Data, a.Key, a.Val)
						}
						if a.Key == "src" {
							t.Errorf("<%s src=%q> in the browser's DOM", n.Data, a.Val)
						}
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
			heads := ftHeadingNodes(doc)
			if len(heads) < tc.minHeads {
				t.Errorf("%d headings in the browser's DOM, want at least %d", len(heads), tc.minHeads)
			}
			if h1 := ftElements(doc, "h1"); len(h1) != 1 || ftText(h1[0]) != tc.title {
				t.Errorf("h1 = %d elements, want one holding %q", len(h1), tc.title)
			}
			body := ftElements(doc, "body")
			if len(body) != 1 {
				t.Fatalf("%d body elements", len(body))
			}
			text := ftText(body[0])
			for _, s := range tc.texts {
				if !strings.Contains(text, s) {
					t.Errorf("%q is not visible as text", s)
				}
			}

			shot := filepath.Join(dir, tc.name+".png")
			ftBrowser(t, bin, file, "--screenshot="+shot, "--window-size=1200,2000")
			data, err := os.ReadFile(shot)
			if err != nil {
				t.Fatalf("no screenshot: %v", err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("screenshot is not a PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 2000 {
				t.Errorf("screenshot is %dx%d, want 1200x2000", b.Dx(), b.Dy())
			}
			// The page drew something: not every pixel is the background.
			first := img.At(0, 0)
			drawn := false
			for y := 0; y < img.Bounds().Dy() && !drawn; y += 7 {
				for x := 0; x < img.Bounds().Dx(); x += 5 {
					if img.At(x, y) != first {
						drawn = true
						break
					}
				}
			}
			if !drawn {
				t.Error("the screenshot is blank")
			}
			if artifacts != "" {
				if err := os.MkdirAll(artifacts, 0o755); err != nil {
					t.Fatal(err)
				}
				for _, f := range []string{shot, file} {
					b, err := os.ReadFile(f)
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(artifacts, filepath.Base(f)), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}
