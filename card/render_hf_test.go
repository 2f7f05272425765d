package card

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"go.yaml.in/yaml/v3"
)

// ---- helpers ------------------------------------------------------------

// renderedCard is a rendered card split the way the Hub splits it.
type renderedCard struct {
	out  string
	fm   FrontMatter
	meta *Metadata // nil when there is no YAML block
	body string
	html string // the body as HTML, by an independent CommonMark+GFM parser
}

func renderSplit(t *testing.T, c *Card) renderedCard {
	t.Helper()
	out, err := RenderHF(c)
	if err != nil {
		t.Fatalf("RenderHF: %v", err)
	}
	r := renderedCard{out: string(out)}
	r.fm = SplitFrontMatter(r.out)
	r.body = r.fm.Body
	if r.fm.Found {
		m, err := ParseMetadata(r.fm.YAML, r.fm.YAMLLine)
		if err != nil {
			t.Fatalf("the rendered YAML block does not parse: %v\n%s", err, r.fm.YAML)
		}
		r.meta = m
	}
	r.html = markdownHTML(t, r.body)
	return r
}

// markdownHTML renders Markdown with goldmark (CommonMark plus GFM tables),
// raw HTML kept.
func markdownHTML(t testing.TB, md string) string {
	t.Helper()
	var buf bytes.Buffer
	gm := goldmark.New(goldmark.WithExtensions(extension.Table),
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	if err := gm.Convert([]byte(md), &buf); err != nil {
		t.Fatalf("goldmark: %v", err)
	}
	return buf.String()
}

var (
	headingRE = regexp.MustCompile(`(?s)<h([1-6])[^>]*>(.*?)</h[1-6]>`)
	tableRE   = regexp.MustCompile(`(?s)<table>(.*?)</table>`)
	rowRE     = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE    = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	tagRE     = regexp.MustCompile(`<[^>]*>`)
	brRE      = regexp.MustCompile(`<br ?/?>`)
)

// htmlText strips tags (a <br> becomes a line break) and decodes entities.
func htmlText(s string) string {
	s = brRE.ReplaceAllString(s, "\n")
	return strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(s, "")))
}

// headingsOf lists every heading of the HTML as "hN Title".
func headingsOf(h string) []string {
	var out []string
	for _, m := range headingRE.FindAllStringSubmatch(h, -1) {
		out = append(out, "h"+m[1]+" "+htmlText(m[2]))
	}
	return out
}

// tablesOf lists every table as rows of cell texts, header row first.
func tablesOf(h string) [][][]string {
	var out [][][]string
	for _, tm := range tableRE.FindAllStringSubmatch(h, -1) {
		var rows [][]string
		for _, rm := range rowRE.FindAllStringSubmatch(tm[1], -1) {
			var cells []string
			for _, cm := range cellRE.FindAllStringSubmatch(rm[1], -1) {
				cells = append(cells, htmlText(cm[1]))
			}
			rows = append(rows, cells)
		}
		out = append(out, rows)
	}
	return out
}

// tableWithHeader returns the table whose first header cell is first.
func tableWithHeader(t *testing.T, h, first string) [][]string {
	t.Helper()
	for _, tb := range tablesOf(h) {
		if len(tb) > 0 && len(tb[0]) > 0 && tb[0][0] == first {
			return tb
		}
	}
	t.Fatalf("no table with header %q in:\n%s", first, h)
	return nil
}

// hubOutline reads the Hub template's headings from the shared reference,
// "[optional]" dropped, title first: "h2 Model Details", ...
func hubOutline(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedDir(t), "reference", "hf_modelcard_template_sections.txt"))
	if err != nil {
		t.Fatalf("read the Hub template section list: %v", err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		n := 0
		for n < len(line) && line[n] == '#' {
			n++
		}
		if n == 0 || n >= len(line) || line[n] != ' ' {
			continue
		}
		title := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line[n:]), "[optional]"))
		if n == 1 && !strings.HasPrefix(title, "Model Card for") {
			continue // the file's own comment lines
		}
		out = append(out, "h"+strconv.Itoa(n)+" "+title)
	}
	if len(out) < 30 || !strings.HasPrefix(out[0], "h1 Model Card for") {
		t.Fatalf("unexpected Hub template outline: %q", out)
	}
	return out
}

// expectedOutline is the heading list a rendered card must have exactly.
func expectedOutline(t *testing.T, fam Family, title string, license bool) []string {
	t.Helper()
	hub := hubOutline(t)
	out := []string{"h1 " + title}
	for _, h := range hub[1:] {
		out = append(out, h)
		if h == "h2 How to Get Started with the Model" {
			out = append(out, "h2 "+fam.SectionTitle)
			for _, f := range fam.Fields {
				out = append(out, "h3 "+f.Title)
			}
		}
	}
	if license {
		out = append(out, "h2 License")
	}
	return out
}

// fullCard is the realistic card of the benchmarks, in the given family,
// with every family field filled.
func fullCard(t testing.TB, id FamilyID) *Card {
	c := benchLLMCard(t)
	c.Family = id
	fam, ok := LookupFamily(id)
	if !ok {
		fam, _ = LookupFamily(FamilyGeneric)
	}
	c.Content.Specifics = map[string]string{}
	for _, f := range fam.Fields {
		c.Content.Specifics[f.Key] = "Known fact about " + f.Title + "."
	}
	return c
}

// familyOf resolves a card's family as the renderer must.
func familyOf(t *testing.T, id FamilyID) Family {
	t.Helper()
	if id == "" {
		id = FamilyGeneric
	}
	f, ok := LookupFamily(id)
	if !ok {
		t.Fatalf("unknown family %q", id)
	}
	return f
}

// canonValue makes decoded values comparable: every integer becomes int64.
func canonValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = canonValue(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = canonValue(x)
		}
		return out
	case int:
		return int64(t)
	case int32:
		return int64(t)
	case uint64:
		return int64(t)
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	}
	return v
}

// modelIndexGeneric writes model-index entries as the plain values a YAML
// reader gives, following the yaml tags of the ModelIndex types.
func modelIndexGeneric(entries []ModelIndexEntry) any {
	put := func(m map[string]any, k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	list := []any{}
	for _, e := range entries {
		results := []any{}
		for _, r := range e.Results {
			task := map[string]any{"type": r.Task.Type}
			put(task, "name", r.Task.Name)
			ds := map[string]any{"name": r.Dataset.Name, "type": r.Dataset.Type}
			put(ds, "config", r.Dataset.Config)
			put(ds, "split", r.Dataset.Split)
			put(ds, "revision", r.Dataset.Revision)
			if len(r.Dataset.Args) > 0 {
				ds["args"] = canonValue(map[string]any(r.Dataset.Args))
			}
			metrics := []any{}
			for _, m := range r.Metrics {
				mm := map[string]any{"type": m.Type, "value": canonValue(m.Value)}
				put(mm, "name", m.Name)
				put(mm, "config", m.Config)
				if len(m.Args) > 0 {
					mm["args"] = canonValue(map[string]any(m.Args))
				}
				if m.Verified != nil {
					mm["verified"] = *m.Verified
				}
				put(mm, "verifyToken", m.VerifyToken)
				metrics = append(metrics, mm)
			}
			res := map[string]any{"task": task, "dataset": ds, "metrics": metrics}
			if r.Source != nil {
				src := map[string]any{"url": r.Source.URL}
				put(src, "name", r.Source.Name)
				res["source"] = src
			}
			results = append(results, res)
		}
		list = append(list, map[string]any{"name": e.Name, "results": results})
	}
	return list
}

// completeResults returns the results a model-index may hold.
func completeResults(rs []EvalResult) []EvalResult {
	var out []EvalResult
	for _, r := range rs {
		if r.TaskType != "" && r.DatasetType != "" && r.DatasetName != "" && r.MetricType != "" && r.MetricValue != nil {
			out = append(out, r)
		}
	}
	return out
}

// checkMetadata checks that the rendered YAML block holds exactly the
// card's metadata keys, in order, with equal values, plus the model-index
// built from the complete results.
func checkMetadata(t *testing.T, c *Card, r renderedCard) {
	t.Helper()
	complete := completeResults(c.Content.EvalResults)
	name := c.Content.ModelID
	if name == "" {
		name = c.Content.PrettyName
	}
	if name == "" {
		complete = nil // a model-index must name its model
	}
	wantKeys := c.Meta.Keys()
	if len(complete) > 0 && !slices.Contains(wantKeys, "model-index") {
		wantKeys = append(wantKeys, "model-index")
	}
	if len(wantKeys) == 0 {
		if r.fm.Found {
			t.Errorf("a card without metadata got a YAML block:\n%s", r.fm.YAML)
		}
		return
	}
	if !r.fm.Found {
		t.Fatalf("no YAML block found in:\n%s", r.out)
	}
	if got := r.meta.Keys(); !slices.Equal(got, wantKeys) {
		t.Errorf("metadata keys = %q, want %q", got, wantKeys)
	}
	for _, k := range c.Meta.Keys() {
		if k == "model-index" && len(complete) > 0 {
			continue
		}
		want, _ := c.Meta.Value(k)
		got, _ := r.meta.Value(k)
		if !reflect.DeepEqual(canonValue(got), canonValue(want)) {
			t.Errorf("metadata %q = %#v, want %#v", k, got, want)
		}
	}
	if len(complete) == 0 {
		return
	}
	entries, err := EvalResultsToModelIndex(name, complete)
	if err != nil {
		t.Fatalf("EvalResultsToModelIndex: %v", err)
	}
	got, _ := r.meta.Value("model-index")
	if want := modelIndexGeneric(entries); !reflect.DeepEqual(canonValue(got), want) {
		gj, _ := json.MarshalIndent(got, "", " ")
		wj, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("model-index read back differs from EvalResultsToModelIndex:\ngot  %s\nwant %s", gj, wj)
	}
}

// markerSections maps each marker id to the heading it must sit under.
func markerSections(fam Family) map[string]string {
	m := map[string]string{
		"summary":                                         "h1",
		"model_details.model_id":                          "h1",
		"model_details.description":                       "h3 Model Description",
		"model_details.description.developed_by":          "h3 Model Description",
		"model_details.description.model_type":            "h3 Model Description",
		"model_details.sources":                           "h3 Model Sources",
		"model_details.sources.repository":                "h3 Model Sources",
		"uses.direct":                                     "h3 Direct Use",
		"uses.downstream":                                 "h3 Downstream Use",
		"uses.out_of_scope":                               "h3 Out-of-Scope Use",
		"bias_risks_limitations":                          "h2 Bias, Risks, and Limitations",
		"bias_risks_limitations.recommendations":          "h3 Recommendations",
		"get_started":                                     "h2 How to Get Started with the Model",
		"training.data":                                   "h3 Training Data",
		"training.procedure.preprocessing":                "h4 Preprocessing",
		"training.procedure.hyperparameters":              "h4 Training Hyperparameters",
		"training.procedure.speeds_sizes_times":           "h4 Speeds, Sizes, Times",
		"evaluation.testing_factors_metrics.testing_data": "h4 Testing Data",
		"evaluation.testing_factors_metrics.factors":      "h4 Factors",
		"evaluation.testing_factors_metrics.metrics":      "h4 Metrics",
		"evaluation.results":                              "h3 Results",
		"evaluation.results.summary":                      "h4 Summary",
		"model_examination":                               "h2 Model Examination",
		"environmental_impact.hardware_type":              "h2 Environmental Impact",
		"environmental_impact.hours_used":                 "h2 Environmental Impact",
		"environmental_impact.cloud_provider":             "h2 Environmental Impact",
		"environmental_impact.compute_region":             "h2 Environmental Impact",
		"environmental_impact.carbon_emitted":             "h2 Environmental Impact",
		"technical_specifications.architecture":           "h3 Model Architecture and Objective",
		"technical_specifications.compute.hardware":       "h4 Hardware",
		"technical_specifications.compute.software":       "h4 Software",
		"citation":         "h2 Citation",
		"glossary":         "h2 Glossary",
		"more_information": "h2 More Information",
		"card_authors":     "h2 Model Card Authors",
		"contact":          "h2 Model Card Contact",
		"license":          "h2 License",
	}
	for _, f := range fam.Fields {
		m["specifics."+f.Key] = "h3 " + f.Title
	}
	return m
}

// checkMarkerPlacement checks that each marker of the body sits under the
// heading its id belongs to, and returns the ids in order.
func checkMarkerPlacement(t *testing.T, fam Family, body string) []string {
	t.Helper()
	want := markerSections(fam)
	var ids []string
	heading := ""
	for _, line := range strings.Split(body, "\n") {
		if n := strings.IndexByte(line, ' '); n > 0 && n <= 6 && strings.Count(line[:n], "#") == n {
			heading = "h" + strconv.Itoa(n) + " " + line[n+1:]
			if n == 1 {
				heading = "h1"
			}
			continue
		}
		got := FindNeedsInfo(line)
		if len(got) == 0 {
			continue
		}
		id := got[0]
		ids = append(ids, id)
		if w, ok := want[id]; !ok {
			t.Errorf("marker with unexpected id %q", id)
		} else if heading != w {
			t.Errorf("marker %q sits under %q, want %q", id, heading, w)
		}
		if strings.TrimSpace(line[strings.Index(line, "`: ")+3:]) == "" {
			t.Errorf("marker %q has no guidance", id)
		}
	}
	return ids
}

// ---- tests --------------------------------------------------------------

// allMarkerIDs lists, in card order, the markers of a card that knows only
// its model id.
func allMarkerIDs(fam Family) []string {
	ids := []string{
		"summary",
		"model_details.description",
		"model_details.description.developed_by",
		"model_details.description.model_type",
		"model_details.sources",
		"uses.direct", "uses.downstream", "uses.out_of_scope",
		"bias_risks_limitations", "bias_risks_limitations.recommendations",
		"get_started",
	}
	for _, f := range fam.Fields {
		ids = append(ids, "specifics."+f.Key)
	}
	return append(ids,
		"training.data",
		"training.procedure.preprocessing",
		"training.procedure.hyperparameters",
		"training.procedure.speeds_sizes_times",
		"evaluation.testing_factors_metrics.testing_data",
		"evaluation.testing_factors_metrics.factors",
		"evaluation.testing_factors_metrics.metrics",
		"evaluation.results",
		"evaluation.results.summary",
		"model_examination",
		"environmental_impact.hardware_type", "environmental_impact.hours_used",
		"environmental_impact.cloud_provider", "environmental_impact.compute_region",
		"environmental_impact.carbon_emitted",
		"technical_specifications.architecture",
		"technical_specifications.compute.hardware",
		"technical_specifications.compute.software",
		"citation", "glossary", "more_information", "card_authors", "contact",
	)
}

func TestRenderHFFamilies(t *testing.T) {
	ids := append(FamilyIDs(), "")
	if len(ids) < 10 {
		t.Fatalf("expected every template family, got %v", ids)
	}
	for _, id := range ids {
		fam := familyOf(t, id)
		t.Run("full/"+string(id), func(t *testing.T) {
			c := fullCard(t, id)
			r := renderSplit(t, c)
			want := expectedOutline(t, fam, "Model Card for Chat 7B", true)
			if got := headingsOf(r.html); !slices.Equal(got, want) {
				t.Errorf("headings:\n got %q\nwant %q", got, want)
			}
			if got := FindNeedsInfo(r.body); len(got) != 0 {
				t.Errorf("a full card has needs-information markers: %q", got)
			}
			checkMetadata(t, c, r)
			for key, v := range c.Content.Specifics {
				if !strings.Contains(r.body, v) {
					t.Errorf("family field %q (%q) missing from the body", key, v)
				}
			}
			// Filled facts appear as given.
			for _, v := range []string{c.Content.Summary, c.Content.DevelopedBy, c.Content.Environment.CarbonEmitted, c.Content.Contact} {
				if !strings.Contains(r.body, v) {
					t.Errorf("body lacks %q", v)
				}
			}
		})
		t.Run("empty/"+string(id), func(t *testing.T) {
			c := &Card{Family: id, Content: Content{ModelID: "org/empty-model"}}
			r := renderSplit(t, c)
			want := expectedOutline(t, fam, "Model Card for org/empty-model", false)
			if got := headingsOf(r.html); !slices.Equal(got, want) {
				t.Errorf("headings:\n got %q\nwant %q", got, want)
			}
			if r.fm.Found {
				t.Errorf("a card without metadata or results got a YAML block")
			}
			got := checkMarkerPlacement(t, fam, r.body)
			if wantIDs := allMarkerIDs(fam); !slices.Equal(got, wantIDs) {
				t.Errorf("markers:\n got %q\nwant %q", got, wantIDs)
			}
			// Each marker carries the family's guidance for its id.
			for _, id := range got {
				line := NeedsInfo(id, Guidance(fam.ID, id))
				if !strings.Contains(r.body, line) {
					t.Errorf("marker %q lacks the family's guidance %q", id, Guidance(fam.ID, id))
				}
			}
		})
	}
}

// TestRenderHFFieldMarkers empties one fact at a time of a full card: the
// fact's marker, and only it, must appear.
func TestRenderHFFieldMarkers(t *testing.T) {
	type tc struct {
		name  string
		clear func(c *Card)
		want  []string
	}
	cases := []tc{
		{"summary", func(c *Card) { c.Content.Summary = " \n" }, []string{"summary"}},
		{"description", func(c *Card) { c.Content.Description = "" }, []string{"model_details.description"}},
		{"developed_by", func(c *Card) { c.Content.DevelopedBy = "" }, []string{"model_details.description.developed_by"}},
		{"model_type", func(c *Card) { c.Content.ModelType = "" }, []string{"model_details.description.model_type"}},
		{"funded_by is optional", func(c *Card) { c.Content.FundedBy, c.Content.SharedBy, c.Content.Version = "", "", "" }, nil},
		{"sources", func(c *Card) { c.Content.Repository, c.Content.Paper, c.Content.Demo = "", "", "" }, []string{"model_details.sources"}},
		{"repository", func(c *Card) { c.Content.Repository = "" }, []string{"model_details.sources.repository"}},
		{"paper and demo are optional", func(c *Card) { c.Content.Paper, c.Content.Demo = "", "" }, nil},
		{"direct use", func(c *Card) { c.Content.DirectUse = "" }, []string{"uses.direct"}},
		{"downstream use", func(c *Card) { c.Content.DownstreamUse = "" }, []string{"uses.downstream"}},
		{"out of scope", func(c *Card) { c.Content.OutOfScopeUse = "" }, []string{"uses.out_of_scope"}},
		{"bias", func(c *Card) { c.Content.BiasRisksLimitations = "" }, []string{"bias_risks_limitations"}},
		{"recommendations", func(c *Card) { c.Content.Recommendations = "" }, []string{"bias_risks_limitations.recommendations"}},
		{"get started", func(c *Card) { c.Content.GetStarted = "" }, []string{"get_started"}},
		{"training data", func(c *Card) { c.Content.TrainingData = "" }, []string{"training.data"}},
		{"preprocessing", func(c *Card) { c.Content.Preprocessing = "" }, []string{"training.procedure.preprocessing"}},
		{"hyperparameters", func(c *Card) { c.Content.Hyperparameters, c.Content.TrainingRegime = nil, "" }, []string{"training.procedure.hyperparameters"}},
		{"regime alone", func(c *Card) { c.Content.Hyperparameters = nil }, nil},
		{"table alone", func(c *Card) { c.Content.TrainingRegime = "" }, nil},
		{"speeds", func(c *Card) { c.Content.SpeedsSizesTimes = "" }, []string{"training.procedure.speeds_sizes_times"}},
		{"testing data", func(c *Card) { c.Content.TestingData = "" }, []string{"evaluation.testing_factors_metrics.testing_data"}},
		{"factors", func(c *Card) { c.Content.Factors = "" }, []string{"evaluation.testing_factors_metrics.factors"}},
		{"metrics", func(c *Card) { c.Content.MetricsDescription = "" }, []string{"evaluation.testing_factors_metrics.metrics"}},
		{"results", func(c *Card) { c.Content.EvalResults = nil }, []string{"evaluation.results"}},
		{"one incomplete result", func(c *Card) { c.Content.EvalResults[2].DatasetName = "" }, []string{"evaluation.results"}},
		{"results summary", func(c *Card) { c.Content.ResultsSummary = "" }, []string{"evaluation.results.summary"}},
		{"examination", func(c *Card) { c.Content.ModelExamination = "" }, []string{"model_examination"}},
		{"hardware type", func(c *Card) { c.Content.Environment.HardwareType = "" }, []string{"environmental_impact.hardware_type"}},
		{"hours", func(c *Card) { c.Content.Environment.HoursUsed = "" }, []string{"environmental_impact.hours_used"}},
		{"cloud", func(c *Card) { c.Content.Environment.CloudProvider = "" }, []string{"environmental_impact.cloud_provider"}},
		{"region", func(c *Card) { c.Content.Environment.ComputeRegion = "" }, []string{"environmental_impact.compute_region"}},
		{"carbon", func(c *Card) { c.Content.Environment.CarbonEmitted = "" }, []string{"environmental_impact.carbon_emitted"}},
		{"environment", func(c *Card) { c.Content.Environment = EnvironmentalImpact{} }, []string{
			"environmental_impact.hardware_type", "environmental_impact.hours_used", "environmental_impact.cloud_provider",
			"environmental_impact.compute_region", "environmental_impact.carbon_emitted"}},
		{"architecture", func(c *Card) { c.Content.Architecture = "" }, []string{"technical_specifications.architecture"}},
		{"hardware", func(c *Card) { c.Content.ComputeHardware = "" }, []string{"technical_specifications.compute.hardware"}},
		{"software", func(c *Card) { c.Content.ComputeSoftware = "" }, []string{"technical_specifications.compute.software"}},
		{"citation", func(c *Card) { c.Content.CitationBibTeX, c.Content.CitationAPA = "", "" }, []string{"citation"}},
		{"apa alone is enough", func(c *Card) { c.Content.CitationBibTeX = "" }, nil},
		{"glossary", func(c *Card) { c.Content.Glossary = "" }, []string{"glossary"}},
		{"more information", func(c *Card) { c.Content.MoreInformation = "" }, []string{"more_information"}},
		{"authors", func(c *Card) { c.Content.CardAuthors = "" }, []string{"card_authors"}},
		{"contact", func(c *Card) { c.Content.Contact = "" }, []string{"contact"}},
		{"name", func(c *Card) { c.Content.ModelID, c.Content.PrettyName = "", "" }, []string{"model_details.model_id", "evaluation.results"}},
		{"other license without link", func(c *Card) { _ = c.Meta.Set("license", "other") }, []string{"license"}},
		{"other license with link", func(c *Card) {
			_ = c.Meta.Set("license", "other")
			_ = c.Meta.Set("license_name", "example-license")
			_ = c.Meta.Set("license_link", "LICENSE.md")
		}, nil},
	}
	for _, id := range FamilyIDs() {
		fam := familyOf(t, id)
		for _, f := range fam.Fields {
			key := f.Key
			cases = append(cases, tc{"specifics/" + string(id) + "/" + key, func(c *Card) {
				c.Family = id
				delete(c.Content.Specifics, key)
			}, []string{"specifics." + key}})
		}
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			c := fullCard(t, FamilyLLM)
			for _, f := range familyOf(t, FamilyGeneric).Fields {
				c.Content.Specifics[f.Key] = "Known."
			}
			for _, fam := range Families() {
				for _, f := range fam.Fields {
					c.Content.Specifics[f.Key] = "Known " + f.Key + "."
				}
			}
			tt.clear(c)
			r := renderSplit(t, c)
			got := checkMarkerPlacement(t, familyOf(t, c.Family), r.body)
			if !slices.Equal(got, tt.want) {
				t.Errorf("markers = %q, want %q", got, tt.want)
			}
			checkMetadata(t, c, r)
		})
	}
}

func TestRenderHFMinimalSpec(t *testing.T) {
	for _, withMeta := range []bool{false, true} {
		t.Run(fmt.Sprintf("meta=%v", withMeta), func(t *testing.T) {
			c := &Card{Content: Content{ModelID: "test",
				EvalResults: []EvalResult{{MetricType: "accuracy", MetricValue: 0.95}}}}
			if withMeta {
				c.Meta = NewMetadata()
				if err := c.Meta.Set("license", "mit"); err != nil {
					t.Fatal(err)
				}
			}
			r := renderSplit(t, c)
			if !strings.HasPrefix(r.body, "# Model Card for test\n") {
				t.Errorf("body does not start with the title naming the model:\n%.200s", r.body)
			}
			checkMetadata(t, c, r)
			if r.meta.Has("model-index") {
				t.Errorf("an incomplete result went into model-index:\n%s", r.fm.YAML)
			}
			if withMeta != r.fm.Found {
				t.Errorf("YAML block found = %v, want %v", r.fm.Found, withMeta)
			}
			tb := tableWithHeader(t, r.html, "Task")
			if len(tb) != 2 || len(tb[1]) != 6 {
				t.Fatalf("results table = %q, want one row of 6 cells", tb)
			}
			if tb[1][3] != "accuracy" || tb[1][4] != "0.95" {
				t.Errorf("results row = %q, want metric accuracy with value 0.95", tb[1])
			}
			if tb[1][0] == "text-classification" || strings.Contains(r.out, "task_type:") {
				t.Errorf("a task was invented for the result")
			}
			var marker string
			for _, line := range strings.Split(r.body, "\n") {
				if ids := FindNeedsInfo(line); len(ids) == 1 && ids[0] == "evaluation.results" {
					marker = line
				}
			}
			for _, key := range []string{"task_type", "dataset_type", "dataset_name", "eval_results"} {
				if !strings.Contains(marker, key) {
					t.Errorf("the results marker does not mention %s: %q", key, marker)
				}
			}
			if strings.Contains(marker, "metric_type") || strings.Contains(marker, "metric_value") {
				t.Errorf("the results marker names keys that are present: %q", marker)
			}
		})
	}
}

// inexactSum is 0.1 + 0.2 computed in float64 (constants would be exact).
var inexactSum = func(a, b float64) float64 { return a + b }(0.1, 0.2)

func TestRenderHFMetricValues(t *testing.T) {
	cases := []struct {
		name  string
		value any
		cell  string // as shown in the body
		yaml  any    // as read back from the model-index
	}{
		{"float", 0.95, "0.95", 0.95},
		{"int", 95, "95", int64(95)},
		{"int64", int64(7), "7", int64(7)},
		{"integral float", 95.0, "95.0", 95.0},
		{"tiny", 1e-05, "1e-05", 1e-05},
		{"huge", 1e16, "1e+16", 1e16},
		{"tiny with digits", 1.5e-07, "1.5e-07", 1.5e-07},
		{"large", 1234567.0, "1234567.0", 1234567.0},
		{"inexact sum", inexactSum, "0.30000000000000004", inexactSum},
		{"negative", -0.5, "-0.5", -0.5},
		{"float32", float32(0.1), "0.1", nil},
		{"string", "20.0 ± 1.2", "20.0 ± 1.2", "20.0 ± 1.2"},
		{"numeric string", "0.95", "0.95", "0.95"},
		{"json number", json.Number("0.950"), "0.950", 0.95},
		{"json int", json.Number("12"), "12", int64(12)},
		{"pipe", "a|b", "a|b", "a|b"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			// Incomplete: shown in the body only.
			c := &Card{Content: Content{ModelID: "m", EvalResults: []EvalResult{{MetricType: "acc", MetricValue: tt.value}}}}
			r := renderSplit(t, c)
			tb := tableWithHeader(t, r.html, "Task")
			if got := tb[1][4]; got != tt.cell {
				t.Errorf("body value = %q, want %q", got, tt.cell)
			}
			if tt.yaml == nil {
				return
			}
			// Complete: also in the model-index, with its type.
			c.Content.EvalResults[0].TaskType = "text-classification"
			c.Content.EvalResults[0].DatasetType = "glue"
			c.Content.EvalResults[0].DatasetName = "GLUE"
			r = renderSplit(t, c)
			checkMetadata(t, c, r)
			mi, _ := r.meta.Value("model-index")
			got := canonValue(mi).([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)["metrics"].([]any)[0].(map[string]any)["value"]
			if !reflect.DeepEqual(got, tt.yaml) {
				t.Errorf("model-index value = %#v (%T), want %#v (%T)", got, got, tt.yaml, tt.yaml)
			}
		})
	}
}

func TestRenderHFModelIndexPlacement(t *testing.T) {
	c := fullCard(t, FamilyNLP)
	meta, err := ParseMetadata("license: mit\nmodel-index:\n- name: old\n  results: []\ntags:\n- x\n", 1)
	if err != nil {
		t.Fatal(err)
	}
	c.Meta = meta
	r := renderSplit(t, c)
	if got, want := r.meta.Keys(), []string{"license", "model-index", "tags"}; !slices.Equal(got, want) {
		t.Errorf("keys = %q, want %q (model-index replaced in place)", got, want)
	}
	checkMetadata(t, c, r)
	if strings.Contains(r.fm.YAML, "name: old") {
		t.Errorf("the old model-index was kept")
	}
}

// TestRenderHFYAMLFallback checks both ways of writing the block: the
// hand-written one, and the YAML library's for trees it leaves alone
// (comments here), which keeps the comments.
func TestRenderHFYAMLFallback(t *testing.T) {
	cases := []struct {
		name, yaml string
		fast       bool
	}{
		{"plain", "license: mit\ntags:\n- a\n- b\nwidget:\n- text: Hello\n  example_title: Greeting\n", true},
		{"nested", "a:\n  b:\n  - - 1\n    - 2\n  - {}\n  - []\n  c: {x: [1, 2.5, true, null]}\n", true},
		{"comment", "license: mit # the license\ntags:\n- a\n", false},
		{"anchor", "a: &x 1\nb: *x\n", false},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			meta, err := ParseMetadata(tt.yaml, 1)
			if err != nil {
				t.Fatal(err)
			}
			_, fast := hfAppendMetaYAML(nil, meta, nil)
			if fast != tt.fast {
				t.Errorf("hand-written path taken = %v, want %v", fast, tt.fast)
			}
			c := fullCard(t, FamilyGeneric)
			c.Meta = meta
			r := renderSplit(t, c)
			checkMetadata(t, c, r)
			if strings.Contains(tt.yaml, "# the license") && !strings.Contains(r.fm.YAML, "# the license") {
				t.Errorf("the comment was lost:\n%s", r.fm.YAML)
			}
		})
	}
}

// TestRenderHFCorpusMetadata writes the metadata of every corpus card that
// has some through the hand-written YAML writer and reads it back.
func TestRenderHFCorpusMetadata(t *testing.T) {
	entries := corpusEntries(t)
	checked, fast := 0, 0
	for _, e := range entries {
		if !e.HasFrontMatter {
			continue
		}
		data, err := os.ReadFile(e.Path)
		if err != nil {
			t.Fatalf("read %s: %v", e.Path, err)
		}
		fm := SplitFrontMatter(string(data))
		if !fm.Found {
			continue
		}
		meta, err := ParseMetadata(fm.YAML, fm.YAMLLine)
		if err != nil || meta.Len() == 0 {
			continue
		}
		checked++
		out, ok := hfAppendMetaYAML(nil, meta, nil)
		if !ok {
			continue
		}
		fast++
		text := string(out)
		if err := hfCheckNoFence(text); err != nil {
			t.Errorf("%s: %v", e.Path, err)
		}
		back, err := ParseMetadata(text, 1)
		if err != nil {
			t.Errorf("%s: written metadata does not parse: %v\n%s", e.Path, err, text)
			continue
		}
		if !slices.Equal(back.Keys(), meta.Keys()) {
			t.Errorf("%s: keys %q, want %q", e.Path, back.Keys(), meta.Keys())
		}
		if got, want := nanFree(back.Map()), nanFree(meta.Map()); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: metadata read back differs:\ngot  %.2000v\nwant %.2000v", e.Path, got, want)
		}
	}
	if checked < 100 {
		t.Fatalf("only %d corpus cards with metadata", checked)
	}
	t.Logf("%d corpus metadata blocks, %d written by hand, the rest left to the YAML library", checked, fast)
	if fast*2 < checked {
		t.Errorf("only %d of %d blocks took the hand-written path", fast, checked)
	}
}

func TestHFYAMLString(t *testing.T) {
	cases := []string{
		"", "plain", "two words", "yes", "No", "ON", "off", "y", "n", "true", "False", "null", "Null", "~",
		"123", "1e3", "0x1F", "0o17", "1_000", "1:20", "+1", ".5", "-1", ".inf", ".NaN", "2023-01-01",
		"-", "- a", "a: b", "a:", "a:b", "a #b", "a#b", "#x", "'q'", `"dq"`, "it's", "multi\nline", "tab\there",
		"trailing ", " leading", "double  space", "ünïcödé", "日本語", "line\u2028sep", "\ufeffbom", "nul\x00",
		"del\x7f", "emoji 😀", `a\b`, "---", "...", "key: value\n---\nx", "@at", "`tick", "%pct", "!bang",
		"&amp", "*star", "|pipe", ">gt", "[x]", "{x}", "a,b", "https://x.org/a?b=c#d", "=", "<<", "?", "a?",
		"\xff\xfe", "nbsp\u00a0x", "zero\u200bwidth", "e\u0301", "org/model-name_v2.1",
	}
	for _, s := range cases {
		out := hfAppendYAMLString([]byte("k: "), s)
		if bytes.ContainsAny(out, "\n\r") {
			t.Errorf("%q written on more than one line: %q", s, out)
		}
		var back map[string]any
		if err := yaml.Unmarshal(out, &back); err != nil {
			t.Errorf("%q written as %q does not parse: %v", s, out, err)
			continue
		}
		want := validUTF8PerByte(s)
		if got, ok := back["k"].(string); !ok || got != want {
			t.Errorf("%q written as %q reads back as %#v", s, out, back["k"])
		}
	}
	// Common values stay readable: no quotes.
	for _, s := range []string{"apache-2.0", "text-generation", "org/model-name_v2.1", "日本語", "ünïcödé",
		"Open LLM Leaderboard", "https://example.org/a?b=c&d=e#f", "e\u0301", "transformers"} {
		if out := string(hfAppendYAMLString(nil, s)); out != s {
			t.Errorf("%q written as %q, want it plain", s, out)
		}
	}
}

// validUTF8PerByte replaces each invalid byte of s by U+FFFD.
func validUTF8PerByte(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

func TestHFFloatFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.95, 95, 1e-4, 1e-5, 1e15, 1e16, 123456789012345678, 5e-324, math.MaxFloat64, inexactSum}
	for range 2000 {
		vals = append(vals, math.Float64frombits(rng.Uint64()))
	}
	yamlFloat := regexp.MustCompile(`^-?[0-9]+\.[0-9]+(e[-+][0-9]+)?$`)
	for _, f := range vals {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		s := string(hfAppendFloat(nil, f, 64, true))
		if !yamlFloat.MatchString(s) {
			t.Errorf("%v written as %q, which YAML 1.1 readers do not take as a float", f, s)
		}
		var back map[string]any
		if err := yaml.Unmarshal([]byte("v: "+s), &back); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if g, ok := back["v"].(float64); !ok || math.Float64bits(g) != math.Float64bits(f) {
			t.Errorf("%v written as %q reads back as %#v", f, s, back["v"])
		}
	}
	for _, tt := range []struct {
		f    float64
		want string
	}{{math.NaN(), ".nan"}, {math.Inf(1), ".inf"}, {math.Inf(-1), "-.inf"}} {
		if got := string(hfAppendFloat(nil, tt.f, 64, true)); got != tt.want {
			t.Errorf("%v = %q, want %q", tt.f, got, tt.want)
		}
	}
}

// TestHFMarkdownBlock checks that a field cannot add headings to the card
// or swallow the headings after it, while code and text stay as written.
func TestHFMarkdownBlock(t *testing.T) {
	cases := []struct {
		name, in string
		keep     []string // text the HTML must still show
	}{
		{"atx", "# h1\n## h2 ##\n   ### indented three", []string{"# h1", "## h2 ##", "### indented three"}},
		{"quoted heading", "> # quoted\n> > ## deeper", []string{"# quoted"}},
		{"list heading", "- # in a list\n1. ## ordered\n* > # quote in list", []string{"# in a list"}},
		{"list continuation", "- item\n  # continued\n\n    # deeper", []string{"# continued", "# deeper"}},
		{"setext", "title\n===\nsub\n---\nshort\n-", []string{"title", "==="}},
		{"setext in containers", "> quoted\n> ---\n- item\n  ===", []string{"quoted", "item"}},
		{"front matter like", "---\ntitle: x\n---\n# after", []string{"title: x"}},
		{"unclosed backticks", "```\n# code\ncode", []string{"# code"}},
		{"unclosed tildes", "~~~~python\n# code", []string{"# code"}},
		{"long fence", "````\n```\n# still code", []string{"# still code"}},
		{"fence in list then heading", "- ```\n  # code\n# real", []string{"# code", "# real"}},
		{"fence in quote then heading", "> ```\n> # code\n# real", []string{"# code", "# real"}},
		{"closed fence", "```python\n# comment\nprint(1)\n```\nafter", []string{"# comment", "after"}},
		{"list with code", "1. step\n\n   ```python\n   # comment\n   ```\n2. next", []string{"# comment", "next"}},
		{"indented code", "text\n\n    # indented code", []string{"# indented code"}},
		{"comment", "<!-- open\n# hidden", nil},
		{"closed comment", "<!-- note -->\n# x", []string{"# x"}},
		{"script", "<script>\nalert(1)\n# x", nil},
		{"pre", "<PRE>\n# x", nil},
		{"doctype", "<!DOCTYPE\n# x", nil},
		{"processing", "<?php\n# x", nil},
		{"cdata", "<![CDATA[\n# x", nil},
		{"div", "<div>\n# x", nil},
		{"carriage return", "line\r# cr\r\n## crlf", []string{"# cr", "## crlf"}},
		{"hash in text", "see issue #12 and C# code", []string{"see issue #12 and C# code"}},
		{"tabs", "\t# tab code\n -\t# tab list", nil},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			block := string(hfAppendMarkdownBlock(nil, tt.in))
			md := "## Before\n\n" + block + "\n## After\n"
			h := markdownHTML(t, md)
			if got := headingsOf(h); !slices.Equal(got, []string{"h2 Before", "h2 After"}) {
				t.Errorf("headings = %q\nfield written as:\n%s", got, block)
			}
			text := htmlText(h)
			for _, k := range tt.keep {
				if !strings.Contains(text, k) {
					t.Errorf("the rendered field lost %q:\n%s", k, h)
				}
			}
			if !strings.HasSuffix(block, "\n") || strings.HasSuffix(block, "\n\n") {
				t.Errorf("block does not end with exactly one line break: %q", block)
			}
		})
	}
}

// FuzzHFMarkdownBlock checks with an independent CommonMark parser that no
// field text adds a heading to the card or hides the heading after it.
func FuzzHFMarkdownBlock(f *testing.F) {
	for _, s := range []string{"# x", "a\n---", "```\n# x", "- ```\n# x", "<!--\n# x", "> a\n> ===", "1. a\n\n   # b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isBlankTest(s) || len(s) > 4096 {
			return // long inputs only slow the reference parser down
		}
		block := string(hfAppendMarkdownBlock(nil, s))
		h := markdownHTML(t, "## Before\n\n"+block+"\n## After\n")
		if got := headingsOf(h); !slices.Equal(got, []string{"h2 Before", "h2 After"}) {
			t.Errorf("headings = %q for field %q written as %q", got, s, block)
		}
	})
}

// nanFree replaces NaN, which never equals itself, by a marker string.
func nanFree(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = nanFree(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = nanFree(x)
		}
		return out
	case float64:
		if math.IsNaN(t) {
			return "<NaN>"
		}
	}
	return v
}

func isBlankTest(s string) bool { return strings.TrimSpace(s) == "" }

func TestRenderHFHostile(t *testing.T) {
	cases := []struct {
		name string
		edit func(c *Card) error
	}{
		{"front matter in summary", func(c *Card) error {
			c.Content.Summary = "---\nlicense: evil\n---\n# Injected"
			return nil
		}},
		{"headings in fields", func(c *Card) error {
			c.Content.Description = "intro\n# Injected H1\n## Injected H2\nfoo\n===\nbar\n---"
			c.Content.Recommendations = "> # quoted\n- # listed\n  ## continued"
			return nil
		}},
		{"open blocks", func(c *Card) error {
			c.Content.DirectUse = "```\nunclosed fence\n# in code"
			c.Content.DownstreamUse = "~~~~\ncode"
			c.Content.OutOfScopeUse = "<!-- unclosed comment\n# hidden"
			c.Content.BiasRisksLimitations = "<script>\nalert(1)"
			c.Content.Specifics["prompt_format"] = "- ```\n  <|user|>\n# out of the list"
			return nil
		}},
		{"model id", func(c *Card) error {
			c.Content.PrettyName = ""
			c.Content.ModelID = "org/x\n# Heading</script><b>|"
			return nil
		}},
		{"pretty name", func(c *Card) error {
			c.Content.PrettyName = "Name ## with `ticks` *stars* [link](x) & <i>tag</i>\r\n---"
			return nil
		}},
		{"metadata values", func(c *Card) error {
			for _, kv := range []struct {
				k string
				v any
			}{
				{"pretty_name", "---\nlicense: evil"},
				{"evil\n---\nkey", "value"},
				{"---", "x"},
				{"description", "line one\n---\nline two\n..."},
				{"tags", []any{"---", "- x", "a: b", "# c", "yes"}},
			} {
				if err := c.Meta.Set(kv.k, kv.v); err != nil {
					return err
				}
			}
			return nil
		}},
		{"table cells", func(c *Card) error {
			c.Content.EvalResults[0].DatasetName = "a|b\nc"
			c.Content.EvalResults[1].MetricName = "m|x\r\n# y"
			c.Content.EvalResults[2].SourceURL = "https://x.org/a b|c)"
			c.Content.EvalResults[3].MetricValue = "1 | 2\n---"
			c.Content.Hyperparameters = append(c.Content.Hyperparameters, KeyValue{"lr|x", "1\n|2"}, KeyValue{"\\|", "`|`"})
			return nil
		}},
		{"bibtex fence", func(c *Card) error {
			c.Content.CitationBibTeX = "@misc{x,\n```\n# not a heading\n}"
			return nil
		}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			c := fullCard(t, FamilyLLM)
			if err := tt.edit(c); err != nil {
				t.Fatal(err)
			}
			r := renderSplit(t, c)
			checkMetadata(t, c, r)
			if !strings.HasPrefix(r.body, "# Model Card") {
				t.Errorf("the body does not start with the title:\n%.300s", r.body)
			}
			name := c.Content.PrettyName
			if strings.TrimSpace(name) == "" {
				name = c.Content.ModelID
			}
			title := "Model Card for " + strings.Join(strings.Fields(name), " ")
			want := expectedOutline(t, familyOf(t, c.Family), title, true)
			if got := headingsOf(r.html); !slices.Equal(got, want) {
				t.Errorf("headings:\n got %q\nwant %q", got, want)
			}
			titleLine, _, _ := strings.Cut(r.body, "\n")
			if strings.Contains(titleLine, "<") {
				t.Errorf("the title line holds a tag: %q", titleLine)
			}
			if got := FindNeedsInfo(r.body); len(got) != 0 {
				t.Errorf("markers in a full card: %q", got)
			}
			// Tables keep their shape and show each value whole.
			res := tableWithHeader(t, r.html, "Task")
			if len(res) != 1+len(c.Content.EvalResults) {
				t.Errorf("results table has %d rows, want %d", len(res)-1, len(c.Content.EvalResults))
			}
			for i, row := range res[1:] {
				er := c.Content.EvalResults[i]
				if len(row) != 6 {
					t.Errorf("row %d has %d cells", i, len(row))
					continue
				}
				if !strings.HasPrefix(row[1], er.DatasetName) {
					t.Errorf("row %d dataset %q, want it to start with %q", i, row[1], er.DatasetName)
				}
				if s, ok := er.MetricValue.(string); ok && row[4] != s {
					t.Errorf("row %d value %q, want %q", i, row[4], s)
				}
				if !strings.HasPrefix(row[3], strings.ReplaceAll(er.MetricName, "\r\n", "\n")) {
					t.Errorf("row %d metric %q, want it to start with %q", i, row[3], er.MetricName)
				}
			}
			hp := tableWithHeader(t, r.html, "Hyperparameter")
			if len(hp) != 1+len(c.Content.Hyperparameters) {
				t.Fatalf("hyperparameter table has %d rows, want %d", len(hp)-1, len(c.Content.Hyperparameters))
			}
			for i, kv := range c.Content.Hyperparameters {
				if len(hp[i+1]) != 2 || hp[i+1][0] != kv.Key || hp[i+1][1] != kv.Value {
					t.Errorf("hyperparameter row %d = %q, want [%q %q]", i, hp[i+1], kv.Key, kv.Value)
				}
			}
			if c.Content.CitationBibTeX != "" && !strings.Contains(r.html, html.EscapeString(c.Content.CitationBibTeX)) {
				t.Errorf("the BibTeX entry is not shown whole in its code block")
			}
		})
	}
}

func TestRenderHFSourceRoundTrip(t *testing.T) {
	cases := []struct {
		name, file string
		change     func(c *Card) error
		body       *Body
	}{
		{name: "unchanged", file: "---\nlicense: mit\ntags:\n- a\n---\n# Title\n\ntext\n"},
		{name: "unchanged crlf, spaces, comments", file: "\n \n---\r\nlicense: mit   # keep\r\n\r\ntags: [a,  b]\r\n---  \r\n\r\n# Title\r\nno final break"},
		{name: "no block", file: "# Only a body\n\n---\n\ntext\n"},
		{name: "empty block", file: "---\n---\nbody"},
		{name: "changed", file: "---\nlicense: mit\ntags:\n- a\n---\n# Title\n", change: func(c *Card) error {
			return c.Meta.Set("license", "apache-2.0")
		}},
		{name: "changed hostile", file: "---\nlicense: mit\n---\nbody\n", change: func(c *Card) error {
			return c.Meta.Set("pretty_name", "---\nx: y\n---")
		}},
		{name: "added block", file: "# Body only\n", change: func(c *Card) error {
			return c.Meta.Set("license", "mit")
		}},
		{name: "new body", file: "---\nlicense: mit\n---\nold body\n", body: &Body{Text: "# New body\n"}},
		{name: "no metadata at all", file: "# Body only\n", change: func(c *Card) error {
			c.Meta = nil
			return nil
		}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			fm := SplitFrontMatter(tt.file)
			meta, err := ParseMetadata(fm.YAML, fm.YAMLLine)
			if err != nil {
				t.Fatal(err)
			}
			c := &Card{Meta: meta, Family: FamilyLLM, Content: Content{ModelID: "ignored", Summary: "not rendered"},
				source: &sourceLayout{head: fm.Head, yamlText: fm.YAML, yamlLine: fm.YAMLLine, body: fm.Body}}
			c.Body = tt.body
			if tt.change != nil {
				if err := tt.change(c); err != nil {
					t.Fatal(err)
				}
			}
			out, err := RenderHF(c)
			if err != nil {
				t.Fatalf("RenderHF: %v", err)
			}
			body := fm.Body
			if tt.body != nil {
				body = tt.body.Text
			}
			if tt.change == nil || c.Meta == nil {
				if want := fm.Head + body; string(out) != want {
					t.Errorf("not byte-exact:\n got %q\nwant %q", out, want)
				}
				return
			}
			if !strings.HasSuffix(string(out), body) || !strings.HasPrefix(string(out), "---\n") {
				t.Fatalf("changed card = %q, want a fresh block then the body %q", out, body)
			}
			back := SplitFrontMatter(string(out))
			if !back.Found || back.Body != body {
				t.Fatalf("re-split: found=%v body=%q, want body %q", back.Found, back.Body, body)
			}
			m2, err := ParseMetadata(back.YAML, back.YAMLLine)
			if err != nil {
				t.Fatalf("the written block does not parse: %v", err)
			}
			if !reflect.DeepEqual(m2.Map(), c.Meta.Map()) || !slices.Equal(m2.Keys(), c.Meta.Keys()) {
				t.Errorf("metadata read back = %v, want %v", m2.Map(), c.Meta.Map())
			}
			if string(out) == tt.file {
				t.Errorf("the change did not reach the output")
			}
		})
	}
}

func TestRenderHFErrors(t *testing.T) {
	if _, err := RenderHF(nil); err == nil {
		t.Errorf("RenderHF(nil) did not fail")
	}
	prefix := []byte("keep")
	out, err := AppendHF(prefix, &Card{Family: "no-such-family", Content: Content{ModelID: "m"}})
	if err == nil || !strings.Contains(err.Error(), "no-such-family") || !strings.Contains(err.Error(), string(FamilyLLM)) {
		t.Errorf("unknown family error = %v, want it to name the family and the valid ones", err)
	}
	if string(out) != "keep" {
		t.Errorf("AppendHF changed dst on error: %q", out)
	}
	// A result the model-index conversion rejects (a source without a URL).
	c := fullCard(t, FamilyLLM)
	c.Content.EvalResults[0].SourceURL = ""
	if _, err := RenderHF(c); err == nil || !strings.Contains(err.Error(), "model-index") {
		t.Errorf("invalid eval result error = %v, want a model-index error", err)
	}
}

func TestAppendHFMatchesRenderHF(t *testing.T) {
	c := fullCard(t, FamilyAudio)
	want, err := RenderHF(c)
	if err != nil {
		t.Fatal(err)
	}
	buf := []byte("prefix|")
	for i := range 3 {
		out, err := AppendHF(buf[:7], c)
		if err != nil {
			t.Fatal(err)
		}
		if string(out[:7]) != "prefix|" || !bytes.Equal(out[7:], want) {
			t.Fatalf("round %d: AppendHF output differs from RenderHF", i)
		}
		buf = out
	}
}

func TestGuidance(t *testing.T) {
	for _, fam := range Families() {
		for _, s := range CanonicalSections() {
			if g := Guidance(fam.ID, string(s.ID)); len(g) < 30 {
				t.Errorf("%s: guidance for %s is missing or too short: %q", fam.ID, s.ID, g)
			}
		}
		for _, f := range fam.Fields {
			if g := Guidance(fam.ID, "specifics."+f.Key); g != f.Guidance {
				t.Errorf("%s: guidance for field %s = %q, want the family's %q", fam.ID, f.Key, g, f.Guidance)
			}
		}
		metrics := Guidance(fam.ID, string(SecMetrics))
		for _, m := range fam.Metrics {
			if !strings.Contains(metrics, m) {
				t.Errorf("%s: Metrics guidance does not name %s: %q", fam.ID, m, metrics)
			}
		}
	}
	for _, tt := range []struct {
		fam   FamilyID
		id    string
		words []string
	}{
		{FamilyLLM, string(SecOutOfScopeUse), []string{"high-stakes", "impersonat"}},
		{FamilyVision, string(SecOutOfScopeUse), []string{"surveillance"}},
		{FamilyAudio, string(SecOutOfScopeUse), []string{"consent"}},
		{FamilyImageGeneration, string(SecOutOfScopeUse), []string{"non-consensual"}},
		{FamilyTabular, string(SecOutOfScopeUse), []string{"credit"}},
		{FamilyRL, string(SecOutOfScopeUse), []string{"physical"}},
		{FamilyLLM, string(SecGetStarted), []string{"chat template"}},
	} {
		g := Guidance(tt.fam, tt.id)
		for _, w := range tt.words {
			if !strings.Contains(g, w) {
				t.Errorf("%s %s guidance lacks %q: %q", tt.fam, tt.id, w, g)
			}
		}
		if g == Guidance(FamilyGeneric, tt.id) {
			t.Errorf("%s %s guidance is the generic one", tt.fam, tt.id)
		}
	}
	if Guidance("", string(SecUses)) != Guidance(FamilyGeneric, string(SecUses)) {
		t.Errorf("the empty family is not the generic one")
	}
	if g := Guidance(FamilyGeneric, "no.such.id"); g != "" {
		t.Errorf("unknown id got guidance %q", g)
	}
	if strings.Contains(Guidance(FamilyGeneric, string(SecMetrics)), "expect to see") {
		t.Errorf("the generic family has no metric list to name")
	}
}
