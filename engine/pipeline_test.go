package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/terragonlabs/modelcard-generator/card"
)

// loopBackend is a plain-loop backend for the engine's own tests (the cpu
// package imports engine, so it cannot be used here).
type loopBackend struct{ m *Model }

func (b loopBackend) Name() string { return "loop" }
func (b loopBackend) Close() error { return nil }
func (b loopBackend) Score(ctx context.Context, batch *CSR, out *Scores) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cols, tasks := b.m.Columns(), len(b.m.Tasks)
	w := b.m.Weights()
	taskFamily := b.m.TaskFamilies()
	nfam := len(Families())
	out.Resize(batch.Rows(), cols-tasks, nfam)
	for r := range batch.Rows() {
		acc := make([]float64, cols)
		for c := range acc {
			acc[c] = float64(b.m.Bias[c])
		}
		row := batch.Row(r)
		for k, f := range row.Cols {
			for c := range cols {
				acc[c] += float64(row.Vals[k]) * float64(w[int(f)*cols+c])
			}
		}
		maxv, sum := math.Inf(-1), 0.0
		for _, v := range acc[:tasks] {
			maxv = math.Max(maxv, v)
		}
		for _, v := range acc[:tasks] {
			sum += math.Exp(v - maxv)
		}
		fp := out.FamilyProb[r*nfam : (r+1)*nfam]
		clear(fp)
		for j, v := range acc[:tasks] {
			fp[taskFamily[j]] += float32(math.Exp(v-maxv) / sum)
		}
		used := make([]bool, tasks)
		for k := range TopK {
			best := -1
			for j := range tasks {
				if !used[j] && (best < 0 || acc[j] > acc[best]) {
					best = j
				}
			}
			out.TopTask[r*TopK+k], out.TopProb[r*TopK+k] = int32(best), 0
			if best >= 0 {
				used[best] = true
				out.TopProb[r*TopK+k] = float32(math.Exp(acc[best]-maxv) / sum)
			}
		}
		for j := tasks; j < cols; j++ {
			out.Completeness[r*(cols-tasks)+j-tasks] = float32(math.Min(math.Max(acc[j], 0), 1))
		}
	}
	return nil
}

// biasedTaskModel returns a task model that ignores the features and
// always predicts its tasks in the order given, most probable first.
func biasedTaskModel(tasks ...string) *TaskModel {
	space := FeatureSpace{HashBits: 10}
	tm := &TaskModel{
		Space: space,
		Tasks: tasks,
		W:     make([]float32, space.Dim()*len(tasks)),
		Bias:  make([]float32, len(tasks)),
	}
	for i := range tasks {
		tm.Bias[i] = float32(len(tasks) - i)
	}
	return tm
}

func testEngine(t testing.TB, tm *TaskModel, batch, workers int) *Engine {
	t.Helper()
	reg := NewRegistry()
	reg.Add("loop", func(m *Model) (Backend, error) { return loopBackend{m}, nil })
	e, err := New(Config{TaskModel: tm, Registry: reg, Backend: "loop", BatchSize: batch, Workers: workers})
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// TestDecidePredictionsNilWhenNone checks that a row without any
// predicted task (a backend pads the top tasks with -1) gives nil
// predictions, which the JSON results write as null, and that a row with
// some gives exactly those.
func TestDecidePredictionsNilWhenNone(t *testing.T) {
	e := testEngine(t, biasedTaskModel("image-classification", "text-generation", "translation"), 8, 1)
	var s Scores
	s.Resize(2, len(e.standards), len(e.families))
	for k := range TopK {
		s.TopTask[k] = -1
		s.TopTask[TopK+k] = -1
	}
	s.TopTask[TopK], s.TopProb[TopK] = 1, 0.75
	var bits RubricBits
	if d := e.decide("", &bits, &s, 0); d.Predicted != nil {
		t.Errorf("no task predicted: predictions %#v, want nil", d.Predicted)
	}
	d := e.decide("", &bits, &s, 1)
	if len(d.Predicted) != 1 || d.Predicted[0].Task != "text-generation" || d.Predicted[0].Probability != 0.75 {
		t.Errorf("one task predicted: predictions %+v, want text-generation at 0.75", d.Predicted)
	}
}

func TestDecideDeclaredAndPredicted(t *testing.T) {
	e := testEngine(t, biasedTaskModel("image-classification", "text-generation", "translation"), 8, 1)
	tests := []struct {
		name     string
		src      string
		declared string
		family   card.FamilyID
		mismatch bool
	}{
		{"declared llm, predicted vision", "---\npipeline_tag: text-generation\n---\n# M\n", "text-generation", card.FamilyLLM, true},
		{"declared agrees", "---\npipeline_tag: image-classification\n---\n# M\n", "image-classification", card.FamilyVision, false},
		{"nothing declared", "# M\n\ntext\n", "", card.FamilyVision, false},
		{"unknown tag is not a declaration", "---\npipeline_tag: not-a-task\n---\n# M\n", "", card.FamilyVision, false},
		{"model-index task declares", "---\nmodel-index:\n- name: m\n  results:\n  - task: {type: translation}\n    dataset: {name: D, type: d}\n    metrics: [{type: bleu, value: 30}]\n---\n# M\n", "translation", card.FamilySeq2Seq, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := card.Parse([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			ds, err := e.Decide(context.Background(), []*card.Card{c})
			if err != nil {
				t.Fatal(err)
			}
			d := ds[0]
			if d.DeclaredTask != tt.declared || d.Family != tt.family || d.Mismatch != tt.mismatch {
				t.Errorf("declared %q family %s mismatch %v; want %q %s %v", d.DeclaredTask, d.Family, d.Mismatch, tt.declared, tt.family, tt.mismatch)
			}
			if len(d.Predicted) != 3 || d.Predicted[0].Task != "image-classification" || d.Predicted[0].Family != card.FamilyVision {
				t.Errorf("predicted %+v", d.Predicted)
			}
			sum := 0.0
			for _, p := range d.Predicted {
				sum += p.Probability
			}
			if math.Abs(sum-1) > 1e-5 {
				t.Errorf("probabilities sum to %v over all three tasks", sum)
			}
		})
	}
}

// TestScoresMatchStandards checks the backend's completeness column against
// the standards' own computation from the rubric bits, on corpus cards.
func TestScoresMatchStandards(t *testing.T) {
	e := testEngine(t, biasedTaskModel("text-generation", "image-classification"), 64, 2)
	f, err := NewFeaturizer(e.space)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for i, entry := range corpusEntries(t) {
		if i%40 != 0 {
			continue
		}
		src, err := os.ReadFile(entry.Path)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := card.Parse(src)
		if c == nil {
			continue
		}
		ds, err := e.Decide(context.Background(), []*card.Card{c})
		if err != nil {
			t.Fatal(err)
		}
		var bits RubricBits
		f.Featurize(c, &bits)
		for _, st := range e.Standards() {
			want := st.Completeness(&bits)
			if got := ds[0].Scores[st.ID]; math.Abs(got-want) > 1e-5 {
				t.Errorf("%s: %s score %v, standard says %v", entry.Path, st.ID, got, want)
			}
			// The same items; an empty list, never nil (JSON [], not
			// null); and no room past its end, which an append would
			// share with the next standard's list.
			got := ds[0].Missing[st.ID]
			if !slices.Equal(got, st.Missing(&bits)) || got == nil || cap(got) != len(got) {
				t.Errorf("%s: %s missing %v (cap %d), standard says %v", entry.Path, st.ID, got, cap(got), st.Missing(&bits))
			}
		}
		checked++
	}
	if checked < 50 {
		t.Fatalf("only %d cards checked", checked)
	}
}

// auditInputs makes n inputs: every seventh unreadable, every eleventh
// binary, the rest small cards naming their index.
func auditInputs(n int) []AuditInput {
	out := make([]AuditInput, n)
	for i := range out {
		path := fmt.Sprintf("card-%05d.md", i)
		switch {
		case i%7 == 3:
			out[i] = AuditInput{Path: path, Err: errors.New("permission denied")}
		case i%11 == 5:
			out[i] = AuditInput{Path: path, Data: []byte("\x00\x01binary")}
		default:
			out[i] = AuditInput{Path: path, Data: []byte(fmt.Sprintf("---\nlicense: mit\n---\n# Model %d\n\n## Uses\n\nUse it for task number %d, nothing else.\n", i, i))}
		}
	}
	return out
}

func feed(inputs []AuditInput) <-chan AuditInput {
	ch := make(chan AuditInput)
	go func() {
		defer close(ch)
		for _, in := range inputs {
			ch <- in
		}
	}()
	return ch
}

func TestAuditOrderAndErrors(t *testing.T) {
	for _, tc := range []struct{ batch, workers int }{{1, 1}, {7, 3}, {64, 2}, {1000, 4}} {
		t.Run(fmt.Sprintf("batch%d-workers%d", tc.batch, tc.workers), func(t *testing.T) {
			e := testEngine(t, biasedTaskModel("text-generation", "image-classification"), tc.batch, tc.workers)
			inputs := auditInputs(523)
			var got []*AuditResult
			err := e.Audit(context.Background(), feed(inputs), func(r *AuditResult) error {
				got = append(got, r)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(inputs) {
				t.Fatalf("%d results for %d inputs", len(got), len(inputs))
			}
			for i, r := range got {
				if r.Path != inputs[i].Path {
					t.Fatalf("result %d is for %s, want %s (order lost)", i, r.Path, inputs[i].Path)
				}
				unreadable := inputs[i].Err != nil || (len(inputs[i].Data) > 0 && inputs[i].Data[0] == 0)
				if unreadable != (r.Error != nil) {
					t.Errorf("%s: error %v, want unreadable=%v", r.Path, r.Error, unreadable)
				}
				if unreadable {
					if len(r.Problems) == 0 || r.Scores != nil {
						t.Errorf("%s: unreadable card should have a problem and no scores", r.Path)
					}
					continue
				}
				if r.Family == "" || len(r.PredictedTasks) == 0 || len(r.Scores) != len(e.Standards()) {
					t.Errorf("%s: incomplete result %+v", r.Path, r)
				}
			}
		})
	}
}

func TestAuditStopsOnEmitErrorAndCancel(t *testing.T) {
	e := testEngine(t, biasedTaskModel("text-generation", "image-classification"), 16, 2)
	before := runtime.NumGoroutine()
	stop := errors.New("disk full")
	n := 0
	err := e.Audit(context.Background(), feed(auditInputs(5000)), func(*AuditResult) error {
		n++
		if n == 100 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 100 {
		t.Errorf("err %v after %d results, want the emit error after 100", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	endless := make(chan AuditInput)
	go func() {
		for i := 0; ; i++ {
			select {
			case endless <- AuditInput{Path: fmt.Sprint(i), Data: []byte("# x\n")}:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if err := e.Audit(ctx, endless, func(*AuditResult) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("endless input: err %v, want context.Canceled", err)
	}
	// Every goroutine the audits started ends.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before+1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before+1 {
		t.Errorf("%d goroutines left, %d before", g, before)
	}
}

// TestAuditWaitsForItsWorkers stops an audit (emit fails) while another
// worker is inside an input's Load, and checks that Audit returns only
// after that Load has returned: the audit reads inputs in place, so none
// may be read once Audit has returned.
func TestAuditWaitsForItsWorkers(t *testing.T) {
	e := testEngine(t, biasedTaskModel("text-generation", "image-classification"), 1, 2)
	entered, release := make(chan struct{}), make(chan struct{})
	inputs := []AuditInput{
		{Path: "first.md", Data: []byte("# first\n")},
		{Path: "second.md", Load: func() AuditInput {
			close(entered)
			<-release
			return AuditInput{Path: "second.md", Data: []byte("# second\n")}
		}},
	}
	stop := errors.New("emit failed")
	returned := make(chan error, 1)
	go func() {
		returned <- e.Audit(context.Background(), feed(inputs), func(*AuditResult) error {
			<-entered // the other worker is inside Load
			return stop
		})
	}()
	select {
	case err := <-returned:
		t.Fatalf("Audit returned (%v) while a worker was still loading an input", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if err := <-returned; !errors.Is(err, stop) {
		t.Errorf("err %v, want the emit error", err)
	}
}

func TestMostProbableFamily(t *testing.T) {
	fams := Families()
	// probs gives the named families their probabilities, the rest 0.
	probs := func(kv map[card.FamilyID]float32) []float32 {
		out := make([]float32, len(fams))
		for f, p := range kv {
			out[slices.Index(fams, f)] = p
		}
		return out
	}
	firstOf := func(a, b card.FamilyID) card.FamilyID {
		if slices.Index(fams, a) < slices.Index(fams, b) {
			return a
		}
		return b
	}
	tests := []struct {
		name  string
		probs []float32
		want  card.FamilyID
	}{
		{"no probability (no tasks)", probs(nil), card.FamilyGeneric},
		{"one family", probs(map[card.FamilyID]float32{card.FamilyAudio: 1}), card.FamilyAudio},
		{"the most probable family wins", probs(map[card.FamilyID]float32{card.FamilyLLM: 0.6, card.FamilyNLP: 0.4}), card.FamilyLLM},
		{"a family listed later wins with more", probs(map[card.FamilyID]float32{card.FamilyLLM: 0.4, card.FamilyTabular: 0.6}), card.FamilyTabular},
		{"tie goes to the family listed first", probs(map[card.FamilyID]float32{card.FamilyVision: 0.5, card.FamilyLLM: 0.5}), firstOf(card.FamilyVision, card.FamilyLLM)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mostProbableFamily(fams, tt.probs); got != tt.want {
				t.Errorf("%s, want %s", got, tt.want)
			}
		})
	}
}

// TestTaskFamilies checks the task-to-family index that backends sum
// family probabilities with.
func TestTaskFamilies(t *testing.T) {
	m := NewModel(4, []string{"text-generation", "image-classification", "no-such-task", "fill-mask", "object-detection", "translation"}, nil)
	fams := Families()
	want := []card.FamilyID{card.FamilyLLM, card.FamilyVision, card.FamilyGeneric, card.FamilyNLP, card.FamilyVision, card.FamilySeq2Seq}
	for j, idx := range m.TaskFamilies() {
		if idx < 0 || int(idx) >= len(fams) || fams[idx] != want[j] {
			t.Errorf("task %s: family index %d, want %s", m.Tasks[j], idx, want[j])
		}
	}
}

// encodingJSON is what encoding/json writes for v with HTML escaping off,
// as the audit's results were written before AppendJSON.
func encodingJSON(t testing.TB, v any) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkAppendJSON compares AppendJSON with encoding/json on r.
func checkAppendJSON(t *testing.T, r *AuditResult) {
	t.Helper()
	want, wantErr := encodingJSON(t, r)
	prefix := []byte("kept:")
	got, err := r.AppendJSON(prefix)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%s: AppendJSON error %v, encoding/json error %v", r.Path, err, wantErr)
	}
	if err != nil {
		if !bytes.Equal(got, prefix) {
			t.Errorf("%s: AppendJSON failed but appended %q", r.Path, got[len(prefix):])
		}
		var uv *json.UnsupportedValueError
		if errors.As(wantErr, &uv) && (!errors.As(err, &uv) || err.Error() != wantErr.Error()) {
			t.Errorf("%s: AppendJSON error %v (%T), encoding/json's %v", r.Path, err, err, wantErr)
		}
		return
	}
	if !bytes.HasPrefix(got, prefix) {
		t.Fatalf("%s: AppendJSON dropped what dst held", r.Path)
	}
	if got = got[len(prefix):]; !bytes.Equal(got, want) {
		t.Errorf("%s: AppendJSON wrote\n%s\nencoding/json writes\n%s", r.Path, got, want)
	}
}

// TestAppendJSONMatchesEncodingJSON checks the hand-written encoder of the
// audit's JSONL results against encoding/json, on the results of corpus
// cards and on results made to reach every branch.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	e := testEngine(t, biasedTaskModel("text-generation", "image-classification", "translation"), 64, 2)
	var inputs []AuditInput
	for i, entry := range corpusEntries(t) {
		if i%4 != 0 {
			continue
		}
		data, err := os.ReadFile(entry.Path)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, AuditInput{Path: entry.Path, Data: data})
	}
	inputs = append(inputs, auditInputs(40)...)
	n, problems := 0, 0
	err := e.Audit(context.Background(), feed(inputs), func(r *AuditResult) error {
		checkAppendJSON(t, r)
		n++
		problems += len(r.Problems)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 1000 || problems == 0 {
		t.Fatalf("checked %d results with %d problems; want the corpus", n, problems)
	}

	odd := "quote \" backslash \\ controls \x00\x01\x08\x0c\n\r\t\x1f\x7f html <>& " +
		"invalid \xff\xc3 line sep \u2028 para sep \u2029 wide 中 \U0001F600 end"
	task := "text-generation"
	msg := "metadata block does not parse: " + odd
	for _, r := range []*AuditResult{
		{},
		{Path: odd, DeclaredTask: &task, Error: &msg, Mismatch: true, Bytes: -3},
		{
			Path:           "floats",
			PredictedTasks: []TaskPrediction{{Task: odd, Family: card.FamilyID(odd), Probability: 1e-7}, {Probability: 1e21}, {Probability: 9.99e-7}, {Probability: -0.5}, {Probability: 123456789.125}, {Probability: math.SmallestNonzeroFloat64}, {Probability: math.MaxFloat64}, {Probability: math.Copysign(0, -1)}},
			Scores:         map[string]float64{"b": 0.1, "a": 1, odd: 0, "c": 1.0000000000000002, "d": float64(float32(0.3))},
			Missing:        map[string][]string{"b": {}, "a": nil, odd: {odd, ""}},
			Sections:       []string{},
			Problems:       []card.Problem{},
		},
		{
			Path:     "problems",
			Sections: []string{"uses", odd},
			Scores:   map[string]float64{},
			Missing:  map[string][]string{},
			Problems: []card.Problem{
				{File: odd, Line: 3, Column: -1, Field: odd, Severity: card.SeverityError, Code: odd, Message: odd, Fix: odd},
				{Severity: card.SeverityWarning},
				{Line: 7, Message: "only a line"},
			},
		},
		{Path: "nan score", Scores: map[string]float64{"a": math.NaN()}},
		{Path: "infinite probability", PredictedTasks: []TaskPrediction{{Probability: math.Inf(-1)}}},
	} {
		checkAppendJSON(t, r)
	}
}

// TestAppendJSONKnowsEveryField fails when a field is added to a type of
// the audit's results, whose encoder AppendJSON would then leave it out.
func TestAppendJSONKnowsEveryField(t *testing.T) {
	for _, tc := range []struct {
		v    any
		tags []string
	}{
		{AuditResult{}, []string{"path", "bytes", "declared_task", "predicted_tasks", "family", "mismatch", "scores", "missing", "sections", "problems", "error"}},
		{TaskPrediction{}, []string{"task", "family", "probability"}},
		{card.Problem{}, []string{"file,omitempty", "line,omitempty", "column,omitempty", "field,omitempty", "severity", "code", "message", "fix,omitempty"}},
	} {
		typ := reflect.TypeOf(tc.v)
		var tags []string
		for f := range typ.Fields() {
			tags = append(tags, f.Tag.Get("json"))
		}
		if !slices.Equal(tags, tc.tags) {
			t.Errorf("%s has the JSON fields %q; AppendJSON writes %q: update AppendJSON and this test", typ, tags, tc.tags)
		}
	}
}

// TestAuditLoadsInputs checks that inputs with Load are loaded by the
// workers and audited as if they had been given loaded.
func TestAuditLoadsInputs(t *testing.T) {
	e := testEngine(t, biasedTaskModel("text-generation", "image-classification"), 16, 3)
	eager := auditInputs(200)
	lazy := make([]AuditInput, len(eager))
	for i, in := range eager {
		lazy[i] = AuditInput{Path: "not yet " + in.Path, Load: func() AuditInput {
			in.Load = func() AuditInput { panic("the loaded input's Load was called") }
			return in
		}}
	}
	collect := func(inputs []AuditInput) [][]byte {
		var out [][]byte
		err := e.Audit(context.Background(), feed(inputs), func(r *AuditResult) error {
			b, err := r.AppendJSON(nil)
			out = append(out, b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want, got := collect(eager), collect(lazy)
	if len(got) != len(want) {
		t.Fatalf("%d results from loaded inputs, %d from given ones", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("result %d:\n%s\nwant\n%s", i, got[i], want[i])
		}
	}
}

// partialBackend scores like loopBackend, then drops the family columns,
// as a backend written before them would.
type partialBackend struct{ loopBackend }

func (b partialBackend) Score(ctx context.Context, batch *CSR, out *Scores) error {
	if err := b.loopBackend.Score(ctx, batch, out); err != nil {
		return err
	}
	out.Families, out.FamilyProb = 0, nil
	return nil
}

// TestDecideRefusesIncompleteScores checks that a backend that leaves the
// family columns out gets an error, not every card decided generic.
func TestDecideRefusesIncompleteScores(t *testing.T) {
	reg := NewRegistry()
	reg.Add("partial", func(m *Model) (Backend, error) { return partialBackend{loopBackend{m}}, nil })
	e, err := New(Config{TaskModel: biasedTaskModel("image-classification", "text-generation"), Registry: reg, Backend: "partial", Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	c, err := card.Parse([]byte("# M\n\ntext\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Decide(context.Background(), []*card.Card{c})
	if err == nil || !strings.Contains(err.Error(), "does not fill engine.Scores") {
		t.Fatalf("Decide error = %v, want the backend named as not filling the scores", err)
	}
}
