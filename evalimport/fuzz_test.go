package evalimport

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkFuzzOutcome checks what every import must hold: a failure is an
// *Error of one of the package's kinds with a sane position; a success
// holds results that Merge accepts.
func checkFuzzOutcome(t *testing.T, im *Imported, err error) {
	t.Helper()
	if err != nil {
		var ie *Error
		if !errors.As(err, &ie) {
			t.Fatalf("error %v is a %T, not an *Error", err, err)
		}
		known := false
		for _, kind := range []error{ErrUnknownFormat, ErrEmpty, ErrBinary, ErrTooLarge, ErrSyntax, ErrInvalid} {
			known = known || errors.Is(err, kind)
		}
		if !known || ie.Line < 0 || ie.Column < 0 || ie.Column > 0 && ie.Line == 0 || ie.Msg == "" {
			t.Fatalf("malformed error %#v", ie)
		}
		return
	}
	if len(im.Results) == 0 && len(im.NotFinite) == 0 && len(im.Facts) == 0 && len(im.Hyperparameters) == 0 {
		t.Fatalf("success without results: %s", dump(im))
	}
	if _, err := Merge(nil, im.Results); err != nil {
		t.Fatalf("the imported results do not merge: %v", err)
	}
}

func FuzzCSV(f *testing.F) {
	for _, seed := range []string{
		"task,dataset,split,metric,value\ntext-classification,glue,validation,accuracy,0.92\n",
		"Value,Metric,Task,Dataset,Split,Lower,Upper\n0.91,f1,,imdb,test,0.9,0.93\n",
		"task,dataset,split,metric,value\n,,,bleu,\"34.1 ± 0.6\"\n\n,,,,\n",
		"task,dataset,split,metric,value,lower\nt,d,s,m,NaN,\n",
		"task,dataset,split,metric,value\nt,d,s,\"unclosed,1\n",
		"\xEF\xBB\xBFtask;dataset;split;metric;value\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, content string) {
		im, err := parseCSV("f.csv", []byte(content))
		checkFuzzOutcome(t, im, err)
		if err == nil {
			if n := strings.Count(content, "\n") + 1; len(im.Results) > n {
				t.Fatalf("%d results from %d lines", len(im.Results), n)
			}
		}
	})
}

func FuzzLMEval(f *testing.F) {
	for _, name := range []string{"results_v04.json", "results_v03.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "lmeval", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	for _, seed := range []string{
		`{"results": {"t": {"acc,none": 0.5, "acc_stderr,none": "N/A"}}, "versions": {}}`,
		`{"results": {"t": {"acc": NaN}}, "n-shot": {"t": 5}, "configs": {"t": {"dataset_path": "p", "test_split": null}}}`,
		`{"results": {"t": {"a,b": -Infinity, "a,c": 1e308}}, "config": {"limit": 0.1, "model_args": "pretrained=x"}}`,
		`{"results": {"t\u00e9": {"x": [1]}}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, content string) {
		im, err := parseLMEval("r.json", []byte(content))
		checkFuzzOutcome(t, im, err)
		if err != nil {
			return
		}
		for _, r := range im.Results {
			if r.TaskType != "text-generation" || r.SourceURL == "" || r.DatasetType == "" || r.DatasetName == "" {
				t.Fatalf("incomplete result %s", dump(r))
			}
		}
	})
}
