package auditreport

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
)

const hostile = `<script>alert("x")</script>&amp;<img src=x onerror=alert(1)>`

var testStandards = []Standard{
	{ID: "std-a", Title: "Standard A " + hostile, Items: []Item{
		{ID: "a1", Title: "Item one", Why: "why " + hostile, Fix: "fix " + hostile},
		{ID: "a2", Title: "Item two", Why: "matters", Fix: "add it"},
		{ID: "a3", Title: "Item three", Why: "matters", Fix: "add it"},
	}},
	{ID: "std-b", Title: "Standard B", Items: []Item{{ID: "b1", Title: "Only item"}}},
}

func ptr(s string) *string { return &s }

// scored returns a scored result.
func scored(path string, a, b float64, missingA []string, declared string, predicted card.FamilyID, mismatch bool, sections ...string) *engine.AuditResult {
	r := &engine.AuditResult{
		Path:     path,
		Scores:   map[string]float64{"std-a": a, "std-b": b},
		Missing:  map[string][]string{"std-a": missingA},
		Family:   predicted,
		Mismatch: mismatch,
		Sections: sections,
	}
	if declared != "" {
		r.DeclaredTask = ptr(declared)
		if f, _ := card.FamilyForTask(declared); !mismatch {
			r.Family = f
		}
	}
	if predicted != "" {
		r.PredictedTasks = []engine.TaskPrediction{{Task: "t", Family: predicted, Probability: 0.9}}
	}
	return r
}

func testResults() []*engine.AuditResult {
	sec := card.CanonicalSections()
	s0, s1 := string(sec[0].ID), string(sec[3].ID)
	return []*engine.AuditResult{
		scored("a.md", 0.1, 1, []string{"a1", "a2"}, "text-generation", card.FamilyLLM, false, s0),
		scored("b.md", 0.2, 1, []string{"a1", "a3", "a3-unknown"}, "text-generation", card.FamilyVision, true, s0, s1),
		scored("c.md", 0.6, 0.05, []string{"a1"}, "", card.FamilyVision, false, s0),
		scored("d.md", 0.9, 0.5, nil, "image-classification", card.FamilyVision, false),
		{Path: hostile + ".md", Error: ptr("cannot open: " + hostile)},
		func() *engine.AuditResult {
			r := scored("e.md", 0.2, 0, []string{"a2"}, "", card.FamilyLLM, false)
			r.Error = ptr("metadata block does not parse")
			return r
		}(),
	}
}

func TestSummaryStats(t *testing.T) {
	s := NewSummary(testStandards)
	for _, r := range testResults() {
		s.Add(r)
	}
	s.Add(nil)
	st := s.Stats()

	counts := []struct {
		name      string
		got, want int
	}{
		{"cards", st.Cards, 6},
		{"scored", st.Scored, 5},
		{"unreadable", st.Unreadable, 1},
		{"metadata errors", st.MetadataErrors, 1},
		{"declared", st.Declared, 3},
		{"mismatches", st.Mismatches, 1},
		{"errors listed", len(st.Errors), 2},
	}
	for _, c := range counts {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
		}
	}

	a, ok := st.Standard("std-a")
	if !ok {
		t.Fatal("std-a missing from the stats")
	}
	// Scores 0.1, 0.2, 0.6, 0.9, 0.2.
	if a.Scored != 5 || math.Abs(a.Mean-0.4) > 1e-9 || math.Abs(a.Median-0.2) > 5e-4 || math.Abs(a.BelowHalf-0.6) > 1e-9 {
		t.Errorf("std-a: scored %d mean %v median %v below %v; want 5, 0.4, 0.2, 0.6", a.Scored, a.Mean, a.Median, a.BelowHalf)
	}
	wantHist := make([]int, HistogramBins)
	for _, v := range []float64{0.1, 0.2, 0.6, 0.9, 0.2} {
		wantHist[int(v*HistogramBins+1e-9)]++
	}
	if !slices.Equal(a.Histogram, wantHist) {
		t.Errorf("std-a histogram %v, want %v", a.Histogram, wantHist)
	}
	var missing []string
	for _, m := range a.Missing {
		missing = append(missing, fmt.Sprintf("%s=%d", m.ID, m.Count))
	}
	if want := []string{"a1=3", "a2=2", "a3=1", "a3-unknown=1"}; !slices.Equal(missing, want) {
		t.Errorf("std-a missing %v, want %v (most often first, item order on ties, unknown ids last)", missing, want)
	}
	if a.Missing[0].Why != testStandards[0].Items[0].Why || math.Abs(a.Missing[0].Share-0.6) > 1e-9 {
		t.Errorf("missing a1: %+v", a.Missing[0])
	}

	b, _ := st.Standard("std-b")
	// Scores 1, 1, 0.05, 0.5, 0: the top bin holds 1, 0.05 opens bin 1.
	if b.Histogram[HistogramBins-1] != 2 || b.Histogram[1] != 1 || b.Histogram[0] != 1 || b.Histogram[HistogramBins/2] != 1 {
		t.Errorf("std-b histogram %v", b.Histogram)
	}
	if math.Abs(b.Median-0.5) > 5e-4 || math.Abs(b.BelowHalf-0.4) > 1e-9 {
		t.Errorf("std-b median %v below %v, want 0.5 and 0.4", b.Median, b.BelowHalf)
	}

	if st.Sections[0].Count != 3 || st.Sections[3].Count != 1 || st.Sections[1].Count != 0 || math.Abs(st.Sections[0].Share-0.6) > 1e-9 {
		t.Errorf("sections: %+v", st.Sections[:4])
	}
	if len(st.Sections) != len(card.CanonicalSections()) {
		t.Errorf("%d sections, want every canonical one", len(st.Sections))
	}

	fam := map[card.FamilyID]int{}
	for _, f := range st.Families {
		fam[f.ID] = f.Count
	}
	if want := map[card.FamilyID]int{card.FamilyLLM: 2, card.FamilyVision: 3}; !mapsEqual(fam, want) {
		t.Errorf("families %v, want %v", fam, want)
	}

	// Declared × predicted.
	cm := map[string]int{}
	for i, d := range st.Confusion.Declared {
		for j, p := range st.Confusion.Predicted {
			if n := st.Confusion.Counts[i][j]; n > 0 {
				cm[d+">"+p] = n
			}
		}
	}
	wantCM := map[string]int{"llm>llm": 1, "llm>vision": 1, "none>vision": 1, "vision>vision": 1, "none>llm": 1}
	if !mapsEqual(cm, wantCM) {
		t.Errorf("confusion %v, want %v", cm, wantCM)
	}
	if !slices.Equal(st.Confusion.Declared, []string{"llm", "vision", NoFamily}) || st.Confusion.Max != 1 {
		t.Errorf("confusion rows %v max %d", st.Confusion.Declared, st.Confusion.Max)
	}
}

func mapsEqual[K comparable](a, b map[K]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestSummaryMedian(t *testing.T) {
	tests := []struct {
		scores []float64
		want   float64
	}{
		{[]float64{0.3}, 0.3},
		{[]float64{0.1, 0.5}, 0.3},
		{[]float64{0.9, 0.1, 0.5}, 0.5},
		{[]float64{0, 0, 1, 1}, 0.5},
		{[]float64{1, 1, 1}, 1},
		{[]float64{0.1234, 0.1236}, 0.1235},
		{[]float64{-0.5, 1.5}, 0.5}, // clamped into [0,1]
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.scores), func(t *testing.T) {
			s := NewSummary(testStandards[1:])
			for _, v := range tt.scores {
				s.Add(&engine.AuditResult{Scores: map[string]float64{"std-b": v}})
			}
			got, _ := s.Stats().Standard("std-b")
			if math.Abs(got.Median-tt.want) > 5e-4 {
				t.Errorf("median %v, want %v", got.Median, tt.want)
			}
		})
	}
}

func TestSummaryKeepsOnlyMaxErrors(t *testing.T) {
	s := NewSummary(testStandards)
	extra := 7
	for i := range MaxErrors + extra {
		s.Add(&engine.AuditResult{Path: fmt.Sprintf("card-%d.md", i), Error: ptr("unreadable")})
	}
	st := s.Stats()
	if len(st.Errors) != MaxErrors || st.ErrorsOmitted != extra || st.Unreadable != MaxErrors+extra {
		t.Errorf("%d errors kept, %d omitted, %d unreadable; want %d, %d, %d",
			len(st.Errors), st.ErrorsOmitted, st.Unreadable, MaxErrors, extra, MaxErrors+extra)
	}
	if st.Errors[0].Path != "card-0.md" || st.Errors[MaxErrors-1].Path != fmt.Sprintf("card-%d.md", MaxErrors-1) {
		t.Errorf("the first errors are not kept in order: %s … %s", st.Errors[0].Path, st.Errors[MaxErrors-1].Path)
	}
}

func TestRenderHTML(t *testing.T) {
	tests := []struct {
		name    string
		results []*engine.AuditResult
	}{
		{"cards", testResults()},
		{"no cards", nil},
		{"only unreadable", []*engine.AuditResult{{Path: hostile, Error: ptr(hostile)}}},
		{"names not UTF-8", append(testResults(), &engine.AuditResult{Path: "bad\xffname.md", Error: ptr("cannot read bad\xffname.md: binary")})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSummary(testStandards)
			for _, r := range tt.results {
				s.Add(r)
			}
			var buf bytes.Buffer
			opts := Options{Title: "Audit " + hostile, Details: []string{"Inputs: " + hostile, "Inputs: dir\xfe/"}}
			if err := RenderHTML(&buf, s.Stats(), opts); err != nil {
				t.Fatal(err)
			}
			page := buf.String()
			if !utf8.ValidString(page) {
				t.Error("the page is not valid UTF-8")
			}
			if opts.Details[1] != "Inputs: dir\xfe/" {
				t.Error("RenderHTML changed the caller's details")
			}
			if strings.HasPrefix(tt.name, "names") && !strings.Contains(page, "bad\ufffdname.md") {
				t.Error("the name that is not UTF-8 is not shown with U+FFFD, as the JSONL holds it")
			}
			if strings.Contains(strings.ToLower(page), "<script") || strings.Contains(page, "<img") {
				t.Error("hostile markup reached the page unescaped")
			}
			figures, bars := checkHTML(t, page)
			if figures != len(testStandards) {
				t.Errorf("%d histograms, want one per standard (%d)", figures, len(testStandards))
			}
			// Each histogram has HistogramBins bars, the section chart one per section.
			if want := len(testStandards)*HistogramBins + len(card.CanonicalSections()); bars != want {
				t.Errorf("%d bars, want %d", bars, want)
			}
			if len(tt.results) > 0 && !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
				t.Error("the hostile path is not shown escaped")
			}
		})
	}
}

// checkHTML tokenizes page, checks that every element is closed in order
// and that nothing is fetched or run, and counts the histograms and bars.
func checkHTML(t *testing.T, page string) (histograms, bars int) {
	t.Helper()
	void := map[string]bool{"meta": true, "br": true, "link": true, "img": true, "hr": true, "input": true}
	var stack []string
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatalf("tokenize: %v", z.Err())
			}
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			if tok.Data == "script" || tok.Data == "img" || tok.Data == "link" || tok.Data == "iframe" {
				t.Errorf("page holds <%s>", tok.Data)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") || a.Key == "src" || (a.Key == "href" && !strings.HasPrefix(a.Val, "#")) {
					t.Errorf("page has attribute %s=%q", a.Key, a.Val)
				}
				if a.Key == "class" && a.Val == "histogram" {
					histograms++
				}
				if a.Key == "class" && a.Val == "bar" {
					bars++
				}
			}
			if tt == html.StartTagToken && !void[tok.Data] {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				t.Fatalf("</%s> closes %v", tok.Data, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		t.Errorf("elements left open: %v", stack)
	}
	return histograms, bars
}

func TestWriteHTMLAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "report.html")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewSummary(testStandards)
	for _, r := range testResults() {
		s.Add(r)
	}
	if err := WriteHTML(path, s.Stats(), Options{}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("<!DOCTYPE html>")) || !bytes.Contains(data, []byte("<title>Model card audit</title>")) {
		t.Errorf("report not written over the old file: %.60q", data)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestWriteText(t *testing.T) {
	long := Standard{ID: "a-standard-with-a-long-id", Title: strings.Repeat("Very long title ", 10) + "\x1b[31mred",
		Items: []Item{{ID: "item", Title: strings.Repeat("long item title ", 10)}}}
	s := NewSummary([]Standard{long})
	for i := range 12 {
		s.Add(&engine.AuditResult{Path: fmt.Sprint(i), Family: card.FamilyNLP,
			Scores: map[string]float64{long.ID: float64(i) / 12}, Missing: map[string][]string{long.ID: {"item"}}})
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, s.Stats(), 10); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for i, line := range strings.Split(out, "\n") {
		if n := len([]rune(line)); n > TextWidth {
			t.Errorf("line %d is %d columns: %q", i+1, n, line)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("a control character reached the terminal")
	}
	for _, want := range []string{"Cards audited", " 12\n", "0.458", "50.0%", "Most often missing, a-standard-with-a-long-id", "nlp"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func BenchmarkSummaryAdd(b *testing.B) {
	results := testResults()
	s := NewSummary(testStandards)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Add(results[i%len(results)])
	}
}
