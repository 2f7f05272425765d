package evalimport

import (
	"regexp"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

func TestCSVQualifierColumns(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []card.EvalResult
	}{
		{"config",
			"task,dataset,config,split,metric,value\ntoken-classification,eriktks/conll2003,conll2003,test,f1,0.905\n",
			[]card.EvalResult{{TaskType: "token-classification", DatasetType: "eriktks/conll2003", DatasetName: "eriktks/conll2003", DatasetConfig: "conll2003", DatasetSplit: "test", MetricType: "f1", MetricValue: 0.905}}},
		{"the card's names, any case",
			"Task,Dataset,Dataset_Config,Split,Dataset_Revision,Metric,Metric_Config,Value\nsummarization,cnn,3.0.0,test,abc123,rouge,rougeL,41\n",
			[]card.EvalResult{{TaskType: "summarization", DatasetType: "cnn", DatasetName: "cnn", DatasetConfig: "3.0.0", DatasetSplit: "test", DatasetRevision: "abc123", MetricType: "rouge", MetricConfig: "rougeL", MetricValue: int64(41)}}},
		{"empty cells are unknown",
			"task,dataset,config,revision,metric_config,split,metric,value\n,d,, ,,s,m,1\n",
			[]card.EvalResult{{DatasetType: "d", DatasetName: "d", DatasetSplit: "s", MetricType: "m", MetricValue: int64(1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := ImportBytes("r.csv", []byte(tt.content))
			if err != nil {
				t.Fatal(err)
			}
			checkResults(t, im.Results, tt.want)
		})
	}
}

func TestCSVQualifierColumnErrors(t *testing.T) {
	tests := []struct {
		name, content, pos string
		words              []string
	}{
		{"config twice by two names", "task,dataset,config,split,metric,value,dataset_config\n", "r.csv:1:40",
			[]string{`"config" and "dataset_config"`, "both give the config"}},
		{"misspelt config", "task,dataset,datset_config,split,metric,value\n", "r.csv:1:14",
			[]string{`did you mean "dataset_config"?`}},
		{"the message lists the optional columns", "task,dataset,split,metric,value,cfg\n", "r.csv:1:33",
			[]string{"config, revision, metric_config", "dataset_config"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ImportBytes("r.csv", []byte(tt.content))
			wantError(t, err, ErrInvalid, tt.pos, tt.words...)
		})
	}
}

// TestIsDecimal checks the hand-written matcher against the pattern it
// replaces.
func TestIsDecimal(t *testing.T) {
	pattern := regexp.MustCompile(`^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)
	for _, s := range []string{
		"", "0", "12", "+1", "-1", "1.", ".5", ".", "+.", "-.5", "1.5", "1e5", "1E-5", "1e", "1e+", ".e5", ".5e5",
		"5.e3", "1.2.3", "1e5.5", "--1", "+-1", "1 ", " 1", "0x10", "NaN", "inf", "1,5", "١", "9e999", "1_000",
	} {
		if got, want := isDecimal(s), pattern.MatchString(s); got != want {
			t.Errorf("isDecimal(%q) = %v, want %v", s, got, want)
		}
	}
}
