package evalimport

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestMessagesAgreeInNumber checks the singular and plural forms of
// messages that count or list things.
func TestMessagesAgreeInNumber(t *testing.T) {
	// message runs an import and returns its error, or its warnings.
	message := func(t *testing.T, path string) string {
		t.Helper()
		im, err := Import(path)
		if err != nil {
			return err.Error()
		}
		var ws []string
		for _, w := range im.Warnings {
			ws = append(ws, w.Message)
		}
		return strings.Join(ws, "\n")
	}
	mlflowRun := func(t *testing.T, dir string, metrics ...string) {
		t.Helper()
		writeFile(t, dir, "meta.yaml", "run_id: r\nexperiment_id: 0\nstatus: 3\n")
		for _, m := range metrics {
			name, line, _ := strings.Cut(m, "=")
			writeFile(t, dir, "metrics/"+name, line+"\n")
		}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string
		want  string
		not   string
	}{
		{"an experiment folder with one run", func(t *testing.T, dir string) string {
			mlflowRun(t, filepath.Join(dir, "abc"), "eval_f1=1700000000000 0.9 1")
			return dir
		}, "holding 1 run (abc)", "1 runs"},
		{"an experiment folder with two runs", func(t *testing.T, dir string) string {
			mlflowRun(t, filepath.Join(dir, "abc"), "eval_f1=1700000000000 0.9 1")
			mlflowRun(t, filepath.Join(dir, "def"), "eval_f1=1700000000000 0.9 1")
			return dir
		}, "holding 2 runs (abc, def)", ""},
		{"one metric without a split", func(t *testing.T, dir string) string {
			mlflowRun(t, dir, "eval_f1=1700000000000 0.9 1", "accuracy=1700000000000 0.95 1")
			return dir
		}, "accuracy carries no split while other metrics of the run do: it is taken as a training metric and kept as a fact", "carry"},
		{"two metrics without a split", func(t *testing.T, dir string) string {
			mlflowRun(t, dir, "eval_f1=1700000000000 0.9 1", "accuracy=1700000000000 0.95 1", "f1=1700000000000 0.9 1")
			return dir
		}, "accuracy, f1 carry no split while other metrics of the run do: they are taken as training metrics and kept as facts", "carries"},
		{"an MLflow metric line of one field", func(t *testing.T, dir string) string {
			mlflowRun(t, dir, "eval_f1=1700000000000")
			return dir
		}, "malformed MLflow metric line: 1 field,", "1 fields"},
		{"a CSV row of one field", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "r.csv", "task,dataset,split,metric,value\nx\n")
		}, "the row has 1 field but the header has 5", "1 fields"},
		{"a CSV header lacking one column", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "r.csv", "task,dataset,split,metric\nx,y,z,w\n")
		}, "the header lacks the column value;", "column(s)"},
		{"a CSV header lacking two columns", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "r.csv", "task,dataset,split\nx,y,z\n")
		}, "the header lacks the columns metric, value;", ""},
		{"an unknown task on several rows", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "r.csv", "task,dataset,split,metric,value\nner,d,s,a,1\nner,d,s,b,1\n")
		}, `"ner" is not one of the Hub's task ids; the model-index will not be accepted with it; 1 more row has it`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := message(t, tt.setup(t, t.TempDir()))
			if !strings.Contains(got, tt.want) {
				t.Errorf("message %q lacks %q", got, tt.want)
			}
			if tt.not != "" && strings.Contains(got, tt.not) {
				t.Errorf("message %q holds %q", got, tt.not)
			}
		})
	}
}

// TestCountNoun checks the helper the messages use.
func TestCountNoun(t *testing.T) {
	for n, want := range map[int]string{0: "0 runs", 1: "1 run", 2: "2 runs"} {
		if got := countNoun(n, "run", "runs"); got != want {
			t.Errorf("countNoun(%d) = %q, want %q", n, got, want)
		}
	}
}
