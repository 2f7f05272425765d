package evalimport

import (
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

// conll returns a CoNLL-2003 test result of a metric, with a config.
func conll(config, metric string, value any) card.EvalResult {
	return card.EvalResult{TaskType: "token-classification", DatasetType: "eriktks/conll2003", DatasetName: "CoNLL-2003",
		DatasetConfig: config, DatasetSplit: "test", MetricType: metric, MetricValue: value}
}

// fromCSV is a result as a CSV row gives it: named by the dataset's id.
func fromCSV(r card.EvalResult) card.EvalResult {
	r.DatasetName = r.DatasetType
	return r
}

func TestResolve(t *testing.T) {
	withMetricConfig := func(r card.EvalResult, mc string) card.EvalResult { r.MetricConfig = mc; return r }
	withRevision := func(r card.EvalResult, rev string) card.EvalResult { r.DatasetRevision = rev; return r }
	tests := []struct {
		name    string
		known   []card.EvalResult
		results []card.EvalResult
		// want is the config, revision and metric config each result gets.
		want [][3]string
		// ambiguous, when set, are words the ErrAmbiguous error must hold.
		ambiguous []string
	}{
		{"no config matches the one card result with one",
			[]card.EvalResult{conll("conll2003", "f1", 0.917), conll("conll2003", "precision", 0.912)},
			[]card.EvalResult{conll("", "f1", 0.905)},
			[][3]string{{"conll2003", "", ""}}, nil},
		{"exact key first",
			[]card.EvalResult{conll("", "f1", 0.9), conll("conll2003", "f1", 0.917)},
			[]card.EvalResult{conll("", "f1", 0.905)},
			[][3]string{{"", "", ""}}, nil},
		{"a given config never matches another",
			[]card.EvalResult{conll("conll2003", "f1", 0.917)},
			[]card.EvalResult{conll("conll2003pp", "f1", 0.905)},
			[][3]string{{"conll2003pp", "", ""}}, nil},
		{"other keys must agree",
			[]card.EvalResult{conll("conll2003", "f1", 0.917)},
			[]card.EvalResult{conll("", "recall", 0.9)},
			[][3]string{{"", "", ""}}, nil},
		{"revision and metric config are filled too",
			[]card.EvalResult{withRevision(withMetricConfig(conll("conll2003", "f1", 0.917), "macro"), "abc123")},
			[]card.EvalResult{conll("", "f1", 0.905)},
			[][3]string{{"conll2003", "abc123", "macro"}}, nil},
		{"a given metric config picks among configs of the metric",
			[]card.EvalResult{withMetricConfig(conll("conll2003", "f1", 0.917), "macro"), withMetricConfig(conll("conll2003", "f1", 0.93), "micro")},
			[]card.EvalResult{withMetricConfig(conll("", "f1", 0.905), "micro")},
			[][3]string{{"conll2003", "", "micro"}}, nil},
		{"a repeated card result is one result",
			[]card.EvalResult{conll("conll2003", "f1", 0.917), conll("conll2003", "f1", 0.917)},
			[]card.EvalResult{conll("", "f1", 0.905)},
			[][3]string{{"conll2003", "", ""}}, nil},
		{"two configs: ambiguous",
			[]card.EvalResult{conll("clean", "wer", 2.9), conll("other", "wer", 6.4)},
			[]card.EvalResult{conll("", "wer", 3.0)},
			nil, []string{"gives no dataset config", "2 results", "config clean, config other", "the config column"}},
		{"two metric configs: ambiguous",
			[]card.EvalResult{withMetricConfig(conll("x", "f1", 0.9), "macro"), withMetricConfig(conll("x", "f1", 0.8), "micro")},
			[]card.EvalResult{conll("", "f1", 0.85)},
			nil, []string{"gives no metric config", "metric config macro, metric config micro", "the metric_config column"}},
		{"the unqualified value before the result it would stand for",
			[]card.EvalResult{conll("en", "acc", 0.9)},
			[]card.EvalResult{conll("", "acc", 0.5), conll("en", "acc", 0.9)},
			nil, []string{"gives no dataset config", "is given as well", "keep one of the two values"}},
		{"the unqualified value after it",
			[]card.EvalResult{conll("en", "acc", 0.9)},
			[]card.EvalResult{conll("en", "acc", 0.9), conll("", "acc", 0.5)},
			nil, []string{"is given as well"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := dump(tt.results)
			got, err := Resolve(tt.known, tt.results)
			if dump(tt.results) != before {
				t.Error("Resolve changed its input")
			}
			if tt.ambiguous != nil {
				if !errors.Is(err, ErrAmbiguous) {
					t.Fatalf("error %v, want ErrAmbiguous", err)
				}
				for _, w := range tt.ambiguous {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d results, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				if g := [3]string{got[i].DatasetConfig, got[i].DatasetRevision, got[i].MetricConfig}; g != w {
					t.Errorf("result %d: config, revision, metric config %q, want %q", i, g, w)
				}
				if got[i].MetricValue != tt.results[i].MetricValue {
					t.Errorf("result %d: value %v, want %v", i, got[i].MetricValue, tt.results[i].MetricValue)
				}
			}
		})
	}
}

func TestResolveCountsManyAmbiguities(t *testing.T) {
	known := []card.EvalResult{conll("a", "f1", 0.1), conll("b", "f1", 0.2)}
	var results []card.EvalResult
	for i := range 8 {
		// Each twice: a result is described once.
		results = append(results, conll("", fmt.Sprintf("f1-%d", i), 0.3), conll("", fmt.Sprintf("f1-%d", i), 0.3))
		known = append(known, conll("a", fmt.Sprintf("f1-%d", i), 0.1), conll("b", fmt.Sprintf("f1-%d", i), 0.2))
	}
	_, err := Resolve(known, results)
	if !errors.Is(err, ErrAmbiguous) || strings.Count(err.Error(), "gives no") != maxAmbiguities || !strings.Contains(err.Error(), "and 3 more results") {
		t.Errorf("error %v: want %d described and 3 counted", err, maxAmbiguities)
	}
}

// TestApplyToWithoutConfig checks the --eval merge of generate: a CSV row
// without a config replaces the card's result that has one, instead of
// being added beside it.
func TestApplyToWithoutConfig(t *testing.T) {
	cardResults := func() []card.EvalResult {
		return []card.EvalResult{conll("conll2003", "f1", 0.917), conll("conll2003", "precision", 0.912)}
	}
	tests := []struct {
		name string
		csv  string
		want []card.EvalResult
	}{
		{"no config column",
			"task,dataset,split,metric,value\ntoken-classification,eriktks/conll2003,test,f1,0.905\n",
			[]card.EvalResult{fromCSV(conll("conll2003", "f1", 0.905)), conll("conll2003", "precision", 0.912)}},
		{"empty config cell",
			"task,dataset,config,split,metric,value\ntoken-classification,eriktks/conll2003,,test,f1,0.905\n",
			[]card.EvalResult{fromCSV(conll("conll2003", "f1", 0.905)), conll("conll2003", "precision", 0.912)}},
		{"config column",
			"task,dataset,dataset_config,split,metric,value\ntoken-classification,eriktks/conll2003,conll2003,test,f1,0.905\n",
			[]card.EvalResult{fromCSV(conll("conll2003", "f1", 0.905)), conll("conll2003", "precision", 0.912)}},
		{"another config is another result",
			"task,dataset,config,split,metric,value\ntoken-classification,eriktks/conll2003,conll2003pp,test,f1,0.905\n",
			[]card.EvalResult{conll("conll2003", "f1", 0.917), conll("conll2003", "precision", 0.912), fromCSV(conll("conll2003pp", "f1", 0.905))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := ImportBytes("new.csv", []byte(tt.csv))
			if err != nil {
				t.Fatal(err)
			}
			c := card.Content{EvalResults: cardResults()}
			if err := im.ApplyTo(&c); err != nil {
				t.Fatal(err)
			}
			checkResults(t, c.EvalResults, tt.want)
		})
	}

	t.Run("ambiguous", func(t *testing.T) {
		im, err := ImportBytes("new.csv", []byte("task,dataset,split,metric,value\ntoken-classification,eriktks/conll2003,test,f1,0.905\n"))
		if err != nil {
			t.Fatal(err)
		}
		c := card.Content{EvalResults: []card.EvalResult{conll("conll2003", "f1", 0.917), conll("conll2003pp", "f1", 0.88)}}
		before := dump(c)
		err = im.ApplyTo(&c)
		if !errors.Is(err, ErrAmbiguous) || !strings.Contains(err.Error(), "new.csv") || !strings.Contains(err.Error(), "config conll2003, config conll2003pp") {
			t.Errorf("error %v, want an ErrAmbiguous naming the file and both configs", err)
		}
		if dump(c) != before {
			t.Error("a failed ApplyTo changed the card")
		}
	})
}

// TestResultIndexCollisions checks that keys whose hashes collide are told
// apart.
func TestResultIndexCollisions(t *testing.T) {
	keys := []ResultKey{{MetricType: "a"}, {MetricType: "b"}, {MetricType: "c"}}
	x := newResultIndex(0, func(i int) ResultKey { return keys[i] })
	if _, seen := x.findOrAdd(keys[0], 0); seen {
		t.Fatal("an empty index found a key")
	}
	// b and c hash like a.
	x.first[maphash.Comparable(x.seed, keys[1])] = 0
	x.first[maphash.Comparable(x.seed, keys[2])] = 0
	for i, k := range keys[1:] {
		if _, seen := x.findOrAdd(k, i+1); seen {
			t.Errorf("%v found before it was added", k)
		}
	}
	for i, k := range keys {
		if got, ok := x.find(k); !ok || got != i {
			t.Errorf("find(%v) = %d, %v; want %d", k, got, ok, i)
		}
	}
	if _, ok := x.find(ResultKey{MetricType: "d"}); ok {
		t.Error("found a key never added")
	}
}

func TestMergeCountsManyProblems(t *testing.T) {
	bad := make([]card.EvalResult, 25)
	_, err := Merge(nil, bad)
	if !errors.Is(err, ErrInvalid) || strings.Count(err.Error(), "no metric_type") != maxMergeProblems || !strings.Contains(err.Error(), "and 15 more results") {
		t.Errorf("error %v: want %d described and 15 counted", err, maxMergeProblems)
	}
}

func TestImportAllFoldsOneFile(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "r.csv", "task,dataset,split,metric,value,lower\n"+
		"text-classification,glue,test,accuracy,0.80,0.7\n"+
		"text-classification,glue,test,f1,0.81,\n"+
		"text-classification,glue,test,accuracy,0.82,\n")
	im, err := ImportAll(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []card.EvalResult{
		{TaskType: "text-classification", DatasetType: "glue", DatasetName: "glue", DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.82},
		{TaskType: "text-classification", DatasetType: "glue", DatasetName: "glue", DatasetSplit: "test", MetricType: "f1", MetricValue: 0.81},
	}
	checkResults(t, im.Results, want)
	if len(im.Results) != cap(im.Results) && im.Results[:cap(im.Results)][2].MetricType != "" {
		t.Error("the folded-away result is still referenced")
	}
}
