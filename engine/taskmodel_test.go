package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/terragonlabs/modelcard-generator/card"
)

func TestFloat32ToHalf(t *testing.T) {
	tests := []struct {
		in   float32
		want uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.5, 0x3800},
		{65504, 0x7bff},                            // largest half
		{65519.996, 0x7bff},                        // just under the midpoint to infinity
		{65520, 0x7c00},                            // the midpoint rounds to even: infinity
		{1e10, 0x7c00},                             // overflow
		{-1e10, 0xfc00},                            // negative overflow
		{float32(math.Inf(1)), 0x7c00},             // infinity
		{float32(math.Inf(-1)), 0xfc00},            // negative infinity
		{1 + 1.0/2048, 0x3c00},                     // tie between 1 and 1+2^-10: even (down)
		{1 + 3.0/2048, 0x3c02},                     // tie between 1+2^-10 and 1+2^-9: even (up)
		{1 + 1.0/2048 + 1.0/65536, 0x3c01},         // just above the tie: up
		{float32(math.Ldexp(1, -14)), 0x0400},      // smallest normal
		{float32(math.Ldexp(1, -24)), 0x0001},      // smallest subnormal
		{float32(math.Ldexp(1, -25)), 0x0000},      // half of it: tie, even is zero
		{float32(math.Ldexp(1.5, -25)), 0x0001},    // above the tie
		{float32(math.Ldexp(3, -25)), 0x0002},      // tie between 1 and 2 subnormal units: even
		{float32(math.Ldexp(5, -25)), 0x0002},      // tie between 2 and 3: even
		{float32(math.Ldexp(1, -30)), 0x0000},      // underflow
		{float32(-math.Ldexp(1, -30)), 0x8000},     // underflow keeps the sign
		{float32(math.Ldexp(1023, -24)), 0x03ff},   // largest subnormal
		{float32(math.Ldexp(2047, -25)), 0x0400},   // rounds up into the smallest normal
		{math.Float32frombits(0x00000001), 0x0000}, // float32 subnormal
		{float32(2 - math.Ldexp(1, -12)), 0x4000},  // rounds up across the exponent
	}
	for _, tt := range tests {
		if got := Float32ToHalf(tt.in); got != tt.want {
			t.Errorf("Float32ToHalf(%g) = %#04x, want %#04x", tt.in, got, tt.want)
		}
	}
	for _, nan := range []float32{float32(math.NaN()), math.Float32frombits(0x7f800001), math.Float32frombits(0xffc00000)} {
		h := Float32ToHalf(nan)
		if h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
			t.Errorf("Float32ToHalf(NaN %#08x) = %#04x, not a NaN", math.Float32bits(nan), h)
		}
		if !math.IsNaN(float64(HalfToFloat32(h))) {
			t.Errorf("NaN %#04x does not convert back to NaN", h)
		}
	}
}

func TestHalfToFloat32(t *testing.T) {
	tests := []struct {
		in   uint16
		want float64
	}{
		{0x0000, 0},
		{0x3c00, 1},
		{0xc000, -2},
		{0x7bff, 65504},
		{0x0400, math.Ldexp(1, -14)},
		{0x0001, math.Ldexp(1, -24)},
		{0x03ff, math.Ldexp(1023, -24)},
		{0x8001, -math.Ldexp(1, -24)},
		{0x3555, 0.333251953125},
		{0x7c00, math.Inf(1)},
		{0xfc00, math.Inf(-1)},
	}
	for _, tt := range tests {
		if got := HalfToFloat32(tt.in); float64(got) != tt.want {
			t.Errorf("HalfToFloat32(%#04x) = %g, want %g", tt.in, got, tt.want)
		}
	}
	if got := HalfToFloat32(0x8000); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("HalfToFloat32(0x8000) = %g, want -0", got)
	}
	// Every half value converts to float32 and back unchanged (NaNs stay
	// NaNs).
	for h := range 1 << 16 {
		f := HalfToFloat32(uint16(h))
		back := Float32ToHalf(f)
		if math.IsNaN(float64(f)) {
			if back&0x7c00 != 0x7c00 || back&0x3ff == 0 {
				t.Fatalf("NaN %#04x came back as %#04x", h, back)
			}
			continue
		}
		if back != uint16(h) {
			t.Fatalf("%#04x -> %g -> %#04x", h, f, back)
		}
	}
}

// refHalf rounds x to half precision the slow way: find the two
// neighbouring half values by binary search over the ordered positive
// halves and take the nearer one, the even one on a tie.
func refHalf(x float32) uint16 {
	sign := uint16(0)
	v := float64(x)
	if math.Signbit(v) {
		sign, v = 0x8000, -v
	}
	// Positive finite halves are ordered like their bit patterns.
	lo, hi := 0, 0x7bff
	if v >= 65504 {
		if v >= 65520 {
			return sign | 0x7c00
		}
		return sign | 0x7bff
	}
	for lo < hi { // largest h with value(h) <= v
		mid := (lo + hi + 1) / 2
		if float64(HalfToFloat32(uint16(mid))) <= v {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	below := float64(HalfToFloat32(uint16(lo)))
	above := float64(HalfToFloat32(uint16(lo + 1)))
	switch db, da := v-below, above-v; {
	case db < da:
		return sign | uint16(lo)
	case da < db:
		return sign | uint16(lo+1)
	case lo%2 == 0:
		return sign | uint16(lo)
	default:
		return sign | uint16(lo+1)
	}
}

func TestFloat32ToHalfMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(f float32) {
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return
		}
		if got, want := Float32ToHalf(f), refHalf(f); got != want {
			t.Fatalf("Float32ToHalf(%g [%#08x]) = %#04x, want %#04x", f, math.Float32bits(f), got, want)
		}
	}
	// Random bit patterns cover every exponent; values near the half
	// range, ties and subnormals get extra draws.
	for range 200000 {
		check(math.Float32frombits(rng.Uint32()))
	}
	for range 200000 {
		check(float32(math.Ldexp(rng.Float64()*2-1, rng.IntN(46)-28)))
	}
	for h := range 0x7c00 {
		a, b := HalfToFloat32(uint16(h)), HalfToFloat32(uint16(h+1))
		mid := float32((float64(a) + float64(b)) / 2) // exact: a tie
		check(mid)
		check(math.Nextafter32(mid, 0))
		check(math.Nextafter32(mid, float32(math.Inf(1))))
		check(-mid)
	}
}

// testModel returns a small random model with some all-zero rows.
func testModel(t testing.TB, hashBits int, tasks []string, seed uint64) *TaskModel {
	t.Helper()
	space := FeatureSpace{HashBits: hashBits}
	m := &TaskModel{Space: space, Tasks: slices.Clone(tasks), W: make([]float32, space.Dim()*len(tasks)), Bias: make([]float32, len(tasks))}
	rng := rand.New(rand.NewPCG(seed, 3))
	k := len(tasks)
	for f := range space.Dim() {
		if rng.IntN(3) == 0 {
			continue // an all-zero row
		}
		for c := range k {
			switch rng.IntN(4) {
			case 0: // zero
			case 1:
				m.W[f*k+c] = float32(rng.NormFloat64() * 1e-6) // tiny: subnormal in half
			default:
				m.W[f*k+c] = float32(rng.NormFloat64() * 3)
			}
		}
	}
	for c := range k {
		m.Bias[c] = float32(rng.NormFloat64())
	}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, tasks := range [][]string{{"text-generation"}, syntheticTasks, card.HubTasks()[:9], card.HubTasks()[:16]} {
		m := testModel(t, 8, tasks, uint64(len(tasks)))
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			t.Fatal(err)
		}
		got, err := LoadTaskModel(&buf)
		if err != nil {
			t.Fatalf("%d tasks: %v", len(tasks), err)
		}
		if got.Space != m.Space || !slices.Equal(got.Tasks, m.Tasks) || !slices.Equal(got.Bias, m.Bias) {
			t.Fatalf("%d tasks: header or biases differ", len(tasks))
		}
		for i, w := range m.W {
			g := got.W[i]
			// Half precision: relative error 2^-11 for normal values,
			// absolute 2^-25 below the smallest normal.
			bound := math.Max(math.Abs(float64(w))*math.Ldexp(1, -11), math.Ldexp(1, -25))
			if d := math.Abs(float64(g) - float64(w)); d > bound {
				t.Fatalf("%d tasks: weight %d = %g after the round trip, was %g (error %g > %g)", len(tasks), i, g, w, d, bound)
			}
			if w == 0 && g != 0 {
				t.Fatalf("weight %d was zero, loads as %g", i, g)
			}
		}
		// Saving the loaded model gives the same bytes.
		again, err := got.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		first, _ := m.MarshalBinary()
		if !bytes.Equal(again, first) {
			t.Errorf("%d tasks: the loaded model saves to different bytes", len(tasks))
		}
	}
}

func TestSaveStoresOnlyNonzeroRows(t *testing.T) {
	space := FeatureSpace{HashBits: 8}
	tasks := []string{"a-task", "b-task"}
	m := &TaskModel{Space: space, Tasks: tasks, W: make([]float32, space.Dim()*2), Bias: []float32{0.5, -0.5}}
	empty, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	m.W[2*100+1] = 1.5
	m.W[2*200+0] = 1e-9 // rounds to zero in half precision: not stored
	one, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// One row: a one-byte gap, a one-byte bitmap, one half.
	if d := len(one) - len(empty); d != 4 {
		t.Errorf("one nonzero weight added %d bytes, want 4", d)
	}
	if rows := binary.LittleEndian.Uint32(one[14:]); rows != 1 {
		t.Errorf("header says %d rows, want 1", rows)
	}
	got, err := UnmarshalTaskModel(one)
	if err != nil {
		t.Fatal(err)
	}
	if got.W[2*100+1] != 1.5 || got.W[2*200] != 0 {
		t.Errorf("weights %v %v after load", got.W[2*100+1], got.W[2*200])
	}
}

func TestSaveRejectsBadModels(t *testing.T) {
	good := func() *TaskModel { return testModel(t, 8, syntheticTasks, 1) }
	tests := []struct {
		name   string
		edit   func(*TaskModel)
		errHas string
	}{
		{"NaN weight", func(m *TaskModel) { m.W[7] = float32(math.NaN()) }, "weight 7"},
		{"infinite bias", func(m *TaskModel) { m.Bias[1] = float32(math.Inf(1)) }, "bias"},
		{"short W", func(m *TaskModel) { m.W = m.W[:10] }, "weights"},
		{"no tasks", func(m *TaskModel) { m.Tasks = nil }, "no tasks"},
		{"duplicate task", func(m *TaskModel) { m.Tasks[1] = m.Tasks[0] }, "twice"},
		{"empty task", func(m *TaskModel) { m.Tasks[2] = "" }, "empty"},
		{"bad space", func(m *TaskModel) { m.Space.HashBits = 3 }, "hash bits"},
	}
	for _, tt := range tests {
		m := good()
		tt.edit(m)
		if err := m.Save(&bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.errHas)
		}
	}
}

// resum recomputes a model file's checksum after an edit.
func resum(data []byte) []byte {
	out := slices.Clone(data)
	if len(out) < 4 {
		return out
	}
	binary.LittleEndian.PutUint32(out[len(out)-4:], crc32.Checksum(out[:len(out)-4], crcTable))
	return out
}

func TestLoadCorrupt(t *testing.T) {
	m := testModel(t, 8, syntheticTasks, 9)
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func([]byte)) []byte {
		out := slices.Clone(data)
		f(out)
		return out
	}
	tests := []struct {
		name   string
		data   []byte
		errHas string
		layout bool
	}{
		{"empty", nil, "not a task model file", false},
		{"wrong magic", edit(func(b []byte) { b[0] = 'X' }), "bad magic", false},
		{"header only", data[:10], "truncated", false},
		{"truncated body", data[:len(data)/2], "truncated", false},
		{"no checksum", data[:len(data)-4], "truncated", false},
		{"trailing bytes", append(slices.Clone(data), 0), "after the end", false},
		{"flipped weight bit", edit(func(b []byte) { b[len(b)-10] ^= 0x10 }), "checksum", false},
		{"flipped checksum", edit(func(b []byte) { b[len(b)-1] ^= 1 }), "checksum", false},
		{"version", resum(edit(func(b []byte) { b[4] = 2 })), "format version 2", false},
		{"rubric count", resum(edit(func(b []byte) { binary.LittleEndian.PutUint32(b[8:], uint32(NumRubric()+1)) })), "retrain with `modelcard train`", true},
		{"hash bits", resum(edit(func(b []byte) { b[6] = 40 })), "hash bits", false},
		{"zero tasks", resum(edit(func(b []byte) { binary.LittleEndian.PutUint16(b[12:], 0) })), "0 tasks", false},
		{"more rows than stored", resum(edit(func(b []byte) { binary.LittleEndian.PutUint32(b[14:], binary.LittleEndian.Uint32(b[14:])+1) })), "corrupt", false},
		{"reserved byte", resum(edit(func(b []byte) { b[7] = 1 })), "reserved", false},
		{"empty task name", resum(edit(func(b []byte) { b[modelHeaderSize] = 0 })), "task 0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := LoadTaskModel(bytes.NewReader(tt.data))
			if err == nil || m != nil {
				t.Fatalf("loaded a %s file", tt.name)
			}
			if !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("error %q, want one containing %q", err, tt.errHas)
			}
			if got := errors.Is(err, ErrModelLayout); got != tt.layout {
				t.Errorf("errors.Is(err, ErrModelLayout) = %v, want %v", got, tt.layout)
			}
		})
	}
	// Every prefix of a valid file is rejected, and so is every one-bit
	// change.
	for n := range len(data) {
		if _, err := UnmarshalTaskModel(data[:n]); err == nil {
			t.Fatalf("a %d-byte prefix of a %d-byte model loaded", n, len(data))
		}
	}
	for i := range data {
		if _, err := UnmarshalTaskModel(edit(func(b []byte) { b[i] ^= 0x04 })); err == nil {
			t.Fatalf("a model with byte %d changed loaded", i)
		}
	}
}

func FuzzLoadTaskModel(f *testing.F) {
	for i, tasks := range [][]string{{"text-generation"}, syntheticTasks} {
		m := testModel(f, 8, tasks, uint64(i))
		data, err := m.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(modelMagic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		// As is, and with a valid checksum so that the decoder behind it
		// is reached too. Large models are skipped: allocating them is
		// slow, not wrong.
		for _, d := range [][]byte{data, resum(data)} {
			if len(d) >= modelHeaderSize && (d[6] > 10 || binary.LittleEndian.Uint16(d[12:]) > 16) {
				continue
			}
			m, err := UnmarshalTaskModel(d)
			if err != nil {
				if m != nil {
					t.Fatal("a model and an error")
				}
				continue
			}
			if err := m.Check(); err != nil {
				t.Fatalf("loaded a model that fails Check: %v", err)
			}
			again, err := m.MarshalBinary()
			if err != nil {
				t.Fatalf("a loaded model does not save: %v", err)
			}
			m2, err := UnmarshalTaskModel(again)
			if err != nil {
				t.Fatalf("a saved model does not load: %v", err)
			}
			if !bitsEqual(m.W, m2.W) || !bitsEqual(m.Bias, m2.Bias) {
				t.Fatal("save and load changed the weights")
			}
		}
	})
}

func TestPredict(t *testing.T) {
	space := FeatureSpace{HashBits: 8}
	tasks := []string{"text-generation", "object-detection", "translation"}
	m := &TaskModel{Space: space, Tasks: tasks, W: make([]float32, space.Dim()*3), Bias: []float32{0, 0.5, 0}}
	f := int32(space.HashOffset())
	// Feature f votes for detection, f+1 for translation.
	m.W[int(f)*3+1] = 2
	m.W[int(f+1)*3+2] = 4
	row := Row{Cols: []int32{f, f + 1, int32(space.Dim()) + 5}, Vals: []float32{0.5, 0.5}}
	row.Vals = append(row.Vals, 9) // the out-of-range column is ignored
	got := m.Predict(row, 5)
	// Logits: 0, 0.5+1, 2.
	z := []float64{0, 1.5, 2}
	sum := math.Exp(0) + math.Exp(1.5) + math.Exp(2)
	want := []TaskScore{{"translation", math.Exp(2) / sum}, {"object-detection", math.Exp(1.5) / sum}, {"text-generation", math.Exp(z[0]) / sum}}
	if len(got) != 3 {
		t.Fatalf("k=5 of 3 tasks gave %d scores", len(got))
	}
	var total float64
	for i := range got {
		if got[i].Task != want[i].Task || math.Abs(got[i].Prob-want[i].Prob) > 1e-12 {
			t.Errorf("score %d = %+v, want %+v", i, got[i], want[i])
		}
		total += got[i].Prob
	}
	if math.Abs(total-1) > 1e-12 {
		t.Errorf("probabilities sum to %v", total)
	}
	if got := m.Predict(row, 0); len(got) != 1 || got[0].Task != "translation" {
		t.Errorf("k=0: %+v, want the top task only", got)
	}
	// Ties keep column order.
	tie := &TaskModel{Space: space, Tasks: tasks, W: make([]float32, space.Dim()*3), Bias: make([]float32, 3)}
	if got := tie.Predict(Row{}, 3); got[0].Task != tasks[0] || got[2].Task != tasks[2] {
		t.Errorf("ties: %+v", got)
	}
	// Large logits do not overflow.
	m.Bias[0] = 1e6
	if got := m.Predict(row, 1); got[0].Task != "text-generation" || got[0].Prob != 1 {
		t.Errorf("large logit: %+v", got)
	}
}

func TestTopK(t *testing.T) {
	tests := []struct {
		v    []float64
		k    int
		want []int
	}{
		{[]float64{1, 3, 2}, 2, []int{1, 2}},
		{[]float64{1, 3, 2}, 9, []int{1, 2, 0}},
		{[]float64{5, 5, 5, 6}, 3, []int{3, 0, 1}},
		{[]float64{0.1, 0.2, 0.3, 0.4, 0.5}, 1, []int{4}},
		{[]float64{0.5, 0.4, 0.3}, 3, []int{0, 1, 2}},
	}
	for _, tt := range tests {
		if got := topK(tt.v, tt.k); !slices.Equal(got, tt.want) {
			t.Errorf("topK(%v, %d) = %v, want %v", tt.v, tt.k, got, tt.want)
		}
	}
}

func TestPredictFamilies(t *testing.T) {
	space := FeatureSpace{HashBits: 8}
	// Three NLP tasks at 0.25 each beat one LLM task at 0.25: the family
	// with the most probability wins even when its best task does not.
	tasks := []string{"text-generation", "text-classification", "fill-mask", "token-classification"}
	m := &TaskModel{Space: space, Tasks: tasks, W: make([]float32, space.Dim()*4), Bias: []float32{0.01, 0, 0, 0}}
	got := m.PredictFamilies(Row{})
	if got[0].Family != card.FamilyNLP || got[1].Family != card.FamilyLLM {
		t.Fatalf("families %+v, want nlp then llm", got[:2])
	}
	var total float64
	for _, f := range got {
		total += f.Prob
	}
	if len(got) != len(card.FamilyIDs()) || math.Abs(total-1) > 1e-12 {
		t.Errorf("%d families summing to %v", len(got), total)
	}
	if math.Abs(got[0].Prob-0.75) > 0.01 {
		t.Errorf("nlp probability %v, want about 0.75", got[0].Prob)
	}
}

func TestPrune(t *testing.T) {
	m := &TaskModel{W: []float32{0.05, -0.05, 0.1, -0.2, 0, 3}}
	if kept := m.Prune(0.1); kept != 3 {
		t.Errorf("kept %d, want 3", kept)
	}
	if want := []float32{0, 0, 0.1, -0.2, 0, 3}; !slices.Equal(m.W, want) {
		t.Errorf("weights %v, want %v", m.W, want)
	}
}

func TestDefaultTaskModel(t *testing.T) {
	if n := len(defaultModelBytes); n == 0 || n > 8<<20 {
		t.Fatalf("embedded model is %d bytes; want 1..8 MiB (regenerate it with `make model`)", n)
	}
	m, err := DefaultTaskModel()
	if err != nil {
		t.Fatal(err)
	}
	if m.Space != DefaultFeatureSpace() {
		t.Errorf("default model space %+v, want %+v", m.Space, DefaultFeatureSpace())
	}
	if len(m.Tasks) < 20 {
		t.Errorf("default model has %d tasks", len(m.Tasks))
	}
	for _, task := range m.Tasks {
		if !card.IsHubTask(task) {
			t.Errorf("default model task %q is not a Hub task", task)
		}
	}
	// Each call returns its own copy.
	m.W[0] = 42
	m2, err := DefaultTaskModel()
	if err != nil {
		t.Fatal(err)
	}
	if m2.W[0] == 42 {
		t.Error("DefaultTaskModel returns a shared model")
	}
}

// TestDefaultModelMatchesBuildModel checks that the engine's direct
// decoding of the default model into W gives the model BuildModel makes
// of the decoded task model.
func TestDefaultModelMatchesBuildModel(t *testing.T) {
	standards, err := LoadStandards()
	if err != nil {
		t.Fatal(err)
	}
	got, space, err := defaultModel(standards)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := DefaultTaskModel()
	if err != nil {
		t.Fatal(err)
	}
	want, err := BuildModel(tm, standards)
	if err != nil {
		t.Fatal(err)
	}
	if space != tm.Space {
		t.Errorf("space %+v, want %+v", space, tm.Space)
	}
	if !slices.Equal(got.Tasks, want.Tasks) || !slices.Equal(got.Standards, want.Standards) {
		t.Fatalf("columns %v %v, want %v %v", got.Tasks, got.Standards, want.Tasks, want.Standards)
	}
	if !slices.Equal(got.Bias, want.Bias) {
		t.Errorf("bias differs")
	}
	if !slices.Equal(got.Weights(), want.Weights()) {
		t.Errorf("weights differ")
	}
}
