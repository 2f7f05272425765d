package evalimport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// TestNotFiniteCSV checks that a NaN or infinite value leaves its row out
// with a warning at its place, as in lm-evaluation-harness results, rather
// than failing the whole import.
func TestNotFiniteCSV(t *testing.T) {
	const header = "task,dataset,split,metric,value,lower,upper\n"
	tests := []struct {
		name    string
		rows    string
		results []string // metric types kept
		nan     []string // metric types in NotFinite
		warn    []string // line:column of the warnings
	}{
		{"NaN", "text-classification,glue,test,f1,NaN,,\ntext-classification,glue,test,accuracy,0.9,,\n",
			[]string{"accuracy"}, []string{"f1"}, []string{"2:34"}},
		{"infinities, any case", "text-generation,d,s,a,-inf,,\n,d,s,b,Infinity,,\n,d,s,c,+INF,,\n,d,s,e,nan,,\n,d,s,ok,1,,\n",
			[]string{"ok"}, []string{"a", "b", "c", "e"}, []string{"2:23", "3:8", "4:8", "5:8"}},
		{"only NaN", ",d,s,f1,NaN,,\n", nil, []string{"f1"}, []string{"2:9"}},
		{"NaN bound", ",d,s,f1,0.9,NaN,0.95\n", []string{"f1"}, nil, []string{"2:13"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := ImportBytes("r.csv", []byte(header+tt.rows))
			if err != nil {
				t.Fatal(err)
			}
			if got := metricTypes(im.Results); got != strings.Join(tt.results, ",") {
				t.Errorf("results %s, want %v", got, tt.results)
			}
			if got := metricTypes(im.NotFinite); got != strings.Join(tt.nan, ",") {
				t.Errorf("not finite %s, want %v", got, tt.nan)
			}
			var at []string
			for _, w := range im.Warnings {
				if w.Code != WarnSkipped || w.File != "r.csv" || !strings.Contains(w.Message, "not a finite number") {
					t.Errorf("warning %s", w)
				}
				at = append(at, fmt.Sprintf("%d:%d", w.Line, w.Column))
			}
			if strings.Join(at, " ") != strings.Join(tt.warn, " ") {
				t.Errorf("warnings at %v, want %v", at, tt.warn)
			}
		})
	}
	im, err := ImportBytes("r.csv", []byte(header+",d,s,f1,0.9,NaN,0.95\n"))
	if err != nil {
		t.Fatal(err)
	}
	if args := im.Results[0].MetricArgs; len(args) != 1 || args["ci_upper"] != 0.95 {
		t.Errorf("a NaN bound must be left out and the other kept: %v", args)
	}
}

// TestNotFiniteSameInEveryImporter checks that a NaN value is treated
// alike in lm-evaluation-harness JSON, CSV and MLflow runs: the import
// succeeds, the metric is left out with a warning naming the file and
// line, and it is listed in NotFinite.
func TestNotFiniteSameInEveryImporter(t *testing.T) {
	dir := t.TempDir()
	mlflow := t.TempDir()
	writeFile(t, mlflow, "meta.yaml", "run_id: r1\nexperiment_id: 0\nstatus: 3\n")
	writeFile(t, mlflow, "metrics/eval_f1", "1700000000000 NaN 1\n")
	writeFile(t, mlflow, "metrics/eval_accuracy", "1700000000000 0.9 1\n")
	inputs := map[string]string{
		"csv": writeFile(t, dir, "r.csv", "task,dataset,split,metric,value\ntext-classification,glue,test,f1,NaN\ntext-classification,glue,test,accuracy,0.9\n"),
		"lm-eval": writeFile(t, dir, "results.json", `{"results": {"glue": {"f1,none": NaN, "accuracy,none": 0.9}},
"configs": {"glue": {"dataset_path": "glue", "test_split": "test"}}, "versions": {"glue": 1}}`),
		"mlflow": mlflow,
	}
	for name, path := range inputs {
		t.Run(name, func(t *testing.T) {
			im, err := Import(path)
			if err != nil {
				t.Fatalf("a NaN failed the import: %v", err)
			}
			if got := metricTypes(im.Results); got != "accuracy" {
				t.Errorf("results %s, want accuracy", got)
			}
			if len(im.NotFinite) != 1 || im.NotFinite[0].MetricType != "f1" || !strings.EqualFold(fmt.Sprint(im.NotFinite[0].MetricValue), "NaN") {
				t.Errorf("not finite %s, want f1 = NaN", dump(im.NotFinite))
			}
			if len(im.Warnings) != 1 || im.Warnings[0].Code != WarnSkipped || im.Warnings[0].Line == 0 || im.Warnings[0].File == "" {
				t.Errorf("want one warning with its file and line, got %s", dump(im.Warnings))
			}
		})
	}
}

// TestCombineNotFinite checks that the later of several imports decides
// whether a metric is a value or NaN.
func TestCombineNotFinite(t *testing.T) {
	value := func(metric string, v any) *Imported {
		return &Imported{Source: metric, Results: []card.EvalResult{{MetricType: metric, MetricValue: v}}}
	}
	nan := func(metric string) *Imported {
		return &Imported{Source: metric, NotFinite: []card.EvalResult{{MetricType: metric, MetricValue: "NaN"}}}
	}
	tests := []struct {
		name         string
		ims          []*Imported
		results, nan string
	}{
		{"NaN after a value", []*Imported{value("f1", 0.9), nan("f1")}, "", "f1"},
		{"value after NaN", []*Imported{nan("f1"), value("f1", 0.9)}, "f1", ""},
		{"NaN twice", []*Imported{nan("f1"), nan("f1")}, "", "f1"},
		{"value, NaN, value", []*Imported{value("f1", 0.9), nan("f1"), value("f1", 0.8)}, "f1", ""},
		{"different metrics", []*Imported{value("acc", 0.9), nan("f1")}, "acc", "f1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Combine(tt.ims...)
			if err != nil {
				t.Fatal(err)
			}
			if r, n := metricTypes(got.Results), metricTypes(got.NotFinite); r != tt.results || n != tt.nan {
				t.Errorf("results %q, not finite %q; want %q, %q", r, n, tt.results, tt.nan)
			}
		})
	}
}

// metricTypes lists the metric types of results, joined by commas.
func metricTypes(rs []card.EvalResult) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.MetricType)
	}
	return strings.Join(out, ",")
}
