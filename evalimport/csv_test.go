package evalimport

import (
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

func TestCSV(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		want     []card.EvalResult
		warnings []struct{ code, word string }
	}{
		{
			name: "plain",
			content: "task,dataset,split,metric,value\n" +
				"text-classification,glue,validation,accuracy,0.9243\n" +
				"text-classification,imdb,test,f1,88\n",
			want: []card.EvalResult{
				{TaskType: "text-classification", DatasetType: "glue", DatasetName: "glue", DatasetSplit: "validation", MetricType: "accuracy", MetricValue: 0.9243},
				{TaskType: "text-classification", DatasetType: "imdb", DatasetName: "imdb", DatasetSplit: "test", MetricType: "f1", MetricValue: int64(88)},
			},
		},
		{
			name: "any order, any case, interval, BOM, CRLF, spaces",
			content: "\xEF\xBB\xBFValue, METRIC ,Upper,lower,Split,Dataset,Task\r\n" +
				"0.91,accuracy,0.93,0.89,test,acme/reviews,text-classification\r\n" +
				" 1.5e-2 , wer ,,, test ,librispeech_asr, automatic-speech-recognition\r\n",
			want: []card.EvalResult{
				{TaskType: "text-classification", DatasetType: "acme/reviews", DatasetName: "acme/reviews", DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.91,
					MetricArgs: map[string]any{"ci_lower": 0.89, "ci_upper": 0.93}},
				{TaskType: "automatic-speech-recognition", DatasetType: "librispeech_asr", DatasetName: "librispeech_asr", DatasetSplit: "test", MetricType: "wer", MetricValue: 0.015},
			},
		},
		{
			name: "strings, quotes, empty cells, blank rows",
			content: "task,dataset,split,metric,value,lower,upper\n" +
				",,,bleu,\"34.1 ± 0.6\",,\n" +
				",,,,,,\n" +
				"\n" +
				"translation,wmt16,test,\"chrF, corpus\",61,60,\n",
			want: []card.EvalResult{
				{MetricType: "bleu", MetricValue: "34.1 ± 0.6"},
				{TaskType: "translation", DatasetType: "wmt16", DatasetName: "wmt16", DatasetSplit: "test", MetricType: "chrF, corpus", MetricValue: int64(61),
					MetricArgs: map[string]any{"ci_lower": int64(60)}},
			},
		},
		{
			name: "warnings",
			content: "task,dataset,split,metric,value,lower,upper\n" +
				"text_classification,glue,test,accuracy,0.95,0.8,0.9\n" +
				"text-classification,glue,test,accuracy,0.85,0.8,0.9\n",
			want: []card.EvalResult{
				{TaskType: "text_classification", DatasetType: "glue", DatasetName: "glue", DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.95,
					MetricArgs: map[string]any{"ci_lower": 0.8, "ci_upper": 0.9}},
				{TaskType: "text-classification", DatasetType: "glue", DatasetName: "glue", DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.85,
					MetricArgs: map[string]any{"ci_lower": 0.8, "ci_upper": 0.9}},
			},
			warnings: []struct{ code, word string }{
				{WarnUnknownTask, "text_classification"},
				{WarnOutOfInterval, "0.95 lies outside"},
			},
		},
		{
			name: "repeated result",
			content: "task,dataset,split,metric,value\n" +
				"text-classification,glue,test,accuracy,0.80\n" +
				"text-classification,glue,test,f1,0.81\n" +
				"text-classification,glue,test,accuracy,0.82\n",
			want: []card.EvalResult{
				{TaskType: "text-classification", DatasetType: "glue", DatasetName: "glue", DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.80},
				{TaskType: "text-classification", DatasetType: "glue", DatasetName: "glue", DatasetSplit: "test", MetricType: "f1", MetricValue: 0.81},
				{TaskType: "text-classification", DatasetType: "glue", DatasetName: "glue", DatasetSplit: "test", MetricType: "accuracy", MetricValue: 0.82},
			},
			warnings: []struct{ code, word string }{{WarnDuplicate, "line 2"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			im, err := ImportBytes("r.csv", []byte(tc.content))
			if err != nil {
				t.Fatal(err)
			}
			if im.Kind != KindCSV {
				t.Errorf("kind %q, want %q", im.Kind, KindCSV)
			}
			checkResults(t, im.Results, tc.want)
			for _, w := range tc.warnings {
				if !hasWarning(im, w.code, w.word) {
					t.Errorf("no %s warning about %q in %s", w.code, w.word, dump(im.Warnings))
				}
			}
			if len(im.Warnings) != len(tc.warnings) {
				t.Errorf("%d warnings, want %d: %s", len(im.Warnings), len(tc.warnings), dump(im.Warnings))
			}
		})
	}
}

func TestCSVWarningPositions(t *testing.T) {
	im, err := ImportBytes("r.csv", []byte("task,dataset,split,metric,value\nsentiment,imdb,test,accuracy,0.9\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Warnings) != 1 {
		t.Fatalf("want one warning, got %s", dump(im.Warnings))
	}
	w := im.Warnings[0]
	if w.Code != WarnUnknownTask || w.Line != 2 || w.Column != 1 || w.File != "r.csv" {
		t.Errorf("warning %s, want an unknown-task warning at r.csv:2:1", dump(w))
	}
}

func TestCSVErrors(t *testing.T) {
	const header = "task,dataset,split,metric,value\n"
	tests := []struct {
		name    string
		content string
		kind    error
		pos     string
		words   []string
	}{
		{"empty", "", ErrEmpty, "r.csv", []string{"empty"}},
		{"header only", header, ErrEmpty, "r.csv:1", []string{"no rows"}},
		{"header and blank rows", header + ",,,,\n\n", ErrEmpty, "r.csv:1", []string{"no rows"}},
		{"binary", header + "a,b,c,d,\x00\n", ErrBinary, "r.csv:2:9", []string{"binary"}},
		{"extra column", "task,dataset,split,metric,value,notes\n", ErrInvalid, "r.csv:1:33", []string{`unknown column "notes"`, "task, dataset, split, metric, value (required) and lower, upper, config, revision, metric_config (optional"}},
		{"misspelt column", "task,dataset,split,metrics,value\n", ErrInvalid, "r.csv:1:20", []string{`did you mean "metric"?`}},
		{"unnamed column", "task,dataset,,split,metric,value\n", ErrInvalid, "r.csv:1:14", []string{"column 3", "no name"}},
		{"duplicate column", "task,dataset,split,metric,value,Metric\n", ErrInvalid, "r.csv:1:33", []string{`"metric" appears twice`}},
		{"missing columns", "metric,value\naccuracy,0.9\n", ErrInvalid, "r.csv:1", []string{"task, dataset, split"}},
		{"semicolons", "task;dataset;split;metric;value\n", ErrSyntax, "r.csv:1:1", []string{"separated by commas"}},
		{"short row", header + "text-classification,glue,test,0.9\n", ErrSyntax, "r.csv:2", []string{"4 fields", "header has 5"}},
		{"long row", header + "text-classification,glue,test,f1,0,9\n", ErrSyntax, "r.csv:2", []string{"6 fields", "quote a value"}},
		{"bare quote", header + "text-classification,glue,test,acc\"uracy,0.9\n", ErrSyntax, "r.csv:2:34", []string{"malformed CSV", "quote"}},
		{"unclosed quote", header + "text-classification,glue,test,\"accuracy,0.9\n", ErrSyntax, "r.csv:2:45", []string{"malformed CSV", "not closed"}},
		{"empty metric", header + "text-classification,glue,test,,0.9\n", ErrInvalid, "r.csv:2:31", []string{"metric", "empty"}},
		{"empty value", header + "text-classification,glue,test,f1,  \n", ErrInvalid, "r.csv:2:34", []string{"value of f1 is empty"}},
		{"huge value", header + "text-classification,glue,test,f1,1e999\n", ErrInvalid, "r.csv:2:34", []string{"too large"}},
		{"text bound", "task,dataset,split,metric,value,lower\ntext-classification,glue,test,f1,0.9,low\n", ErrInvalid, "r.csv:2:38", []string{"lower bound", "not a number"}},
		{"swapped bounds", "task,dataset,split,metric,value,lower,upper\ntext-classification,glue,test,f1,0.9,0.95,0.85\n", ErrInvalid, "r.csv:2:38", []string{"above the upper bound", "swapped"}},
		{"column counts characters", "task,dataset,split,metric,value\ntext-classification,ñandú,test,,0.9\n", ErrInvalid, "r.csv:2:32", []string{"metric"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ImportBytes("r.csv", []byte(tc.content))
			wantError(t, err, tc.kind, tc.pos, tc.words...)
		})
	}
}

func TestCSVDetectedByContent(t *testing.T) {
	// Without a .csv extension, a header naming metric and value is enough.
	im, err := ImportBytes("results.txt", []byte("metric,value,task,dataset,split\nrouge1,41.2,summarization,cnn_dailymail,test\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []card.EvalResult{{TaskType: "summarization", DatasetType: "cnn_dailymail", DatasetName: "cnn_dailymail", DatasetSplit: "test", MetricType: "rouge1", MetricValue: 41.2}}
	checkResults(t, im.Results, want)
}
