package engine

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
	"slices"

	"github.com/terragonlabs/modelcard-generator/card"
)

// TaskModel is the template-selection model: a multinomial logistic
// regression from a card's feature row to the Hub pipeline tags it was
// trained on. A card's task probabilities are the softmax of
// row·W + Bias over the task columns.
type TaskModel struct {
	// Space is the feature layout the model was trained for.
	Space FeatureSpace
	// Tasks names the columns: Hub pipeline tags.
	Tasks []string
	// W holds Space.Dim() × len(Tasks) weights, row-major: the weight of
	// feature f for task t is W[f*len(Tasks)+t].
	W []float32
	// Bias has one value per task.
	Bias []float32
}

// TaskScore is one predicted task with its probability.
type TaskScore struct {
	// Task is the Hub pipeline tag.
	Task string
	// Prob is its softmax probability.
	Prob float64
}

// maxModelTasks bounds the number of task columns a model file may hold;
// the Hub has about sixty tasks.
const maxModelTasks = 1024

// maxModelWeights bounds features × tasks of a loaded model (1 GiB of
// float32), so that a damaged header cannot ask for unbounded memory.
const maxModelWeights = 1 << 28

// Check verifies that the model's parts agree and hold finite numbers.
func (m *TaskModel) Check() error {
	if err := m.checkLayout(); err != nil {
		return err
	}
	for i, v := range m.W {
		if !finite32(v) {
			return fmt.Errorf("task model: weight %d (feature %d, task %s) is %v", i, i/len(m.Tasks), m.Tasks[i%len(m.Tasks)], v)
		}
	}
	return nil
}

// checkLayout is Check without the scan of the weights: the space, the
// task names, the sizes of W and Bias, and finite biases.
func (m *TaskModel) checkLayout() error {
	if err := m.checkHeader(); err != nil {
		return err
	}
	if want := m.Space.Dim() * len(m.Tasks); len(m.W) != want {
		return fmt.Errorf("task model: %d weights, %d features × %d tasks need %d", len(m.W), m.Space.Dim(), len(m.Tasks), want)
	}
	return nil
}

// checkHeader is checkLayout without W: the space, the task names, and
// the size and values of Bias.
func (m *TaskModel) checkHeader() error {
	if err := m.Space.Check(); err != nil {
		return fmt.Errorf("task model: %w", err)
	}
	if len(m.Tasks) == 0 {
		return fmt.Errorf("task model has no tasks")
	}
	if len(m.Tasks) > maxModelTasks {
		return fmt.Errorf("task model has %d tasks, at most %d are supported", len(m.Tasks), maxModelTasks)
	}
	seen := make(map[string]bool, len(m.Tasks))
	for i, t := range m.Tasks {
		if t == "" || len(t) > 255 {
			return fmt.Errorf("task model: task %d has an empty or overlong name", i)
		}
		if seen[t] {
			return fmt.Errorf("task model: task %q appears twice", t)
		}
		seen[t] = true
	}
	if len(m.Bias) != len(m.Tasks) {
		return fmt.Errorf("task model: %d biases for %d tasks", len(m.Bias), len(m.Tasks))
	}
	for i, v := range m.Bias {
		if !finite32(v) {
			return fmt.Errorf("task model: bias of task %s is %v", m.Tasks[i], v)
		}
	}
	return nil
}

// finite32 reports whether v is neither an infinity nor a NaN: whether its
// exponent bits are not all ones.
func finite32(v float32) bool { return math.Float32bits(v)&0x7f800000 != 0x7f800000 }

// TaskIndex returns the column of a task, or -1.
func (m *TaskModel) TaskIndex(task string) int { return slices.Index(m.Tasks, task) }

// Logits computes row·W + Bias in float64 into out (len(Tasks) values) and
// returns it. Columns outside the model's feature space are ignored.
func (m *TaskModel) Logits(row Row, out []float64) []float64 {
	k := len(m.Tasks)
	out = resize(out, k)
	for t := range k {
		out[t] = float64(m.Bias[t])
	}
	dim := int32(m.Space.Dim())
	for i, c := range row.Cols {
		if c < 0 || c >= dim {
			continue
		}
		x := float64(row.Vals[i])
		w := m.W[int(c)*k : int(c)*k+k]
		for t, wt := range w {
			out[t] += x * float64(wt)
		}
	}
	return out
}

// softmaxInPlace turns logits into probabilities, in float64.
func softmaxInPlace(z []float64) {
	hi := math.Inf(-1)
	for _, v := range z {
		hi = max(hi, v)
	}
	var sum float64
	for i, v := range z {
		e := math.Exp(v - hi)
		z[i] = e
		sum += e
	}
	for i := range z {
		z[i] /= sum
	}
}

// Predict returns the k most probable tasks of a feature row, most
// probable first (ties in column order), with their softmax probabilities
// computed in float64. k is clamped to 1..len(Tasks).
func (m *TaskModel) Predict(row Row, k int) []TaskScore {
	p := m.Logits(row, nil)
	softmaxInPlace(p)
	order := topK(p, k)
	out := make([]TaskScore, len(order))
	for i, t := range order {
		out[i] = TaskScore{Task: m.Tasks[t], Prob: p[t]}
	}
	return out
}

// FamilyScore is one template family with its probability.
type FamilyScore struct {
	// Family is the template family.
	Family card.FamilyID
	// Prob is the summed probability of the family's tasks.
	Prob float64
}

// PredictFamilies returns the template families of a feature row, most
// probable first (ties in the order of card.FamilyIDs): each family's
// probability is the sum of its tasks' softmax probabilities (tasks of no
// family count for the generic one). On validation cards it chooses the
// family more often right than the family of the single most probable task.
func (m *TaskModel) PredictFamilies(row Row) []FamilyScore {
	p := m.Logits(row, nil)
	softmaxInPlace(p)
	ids := Families()
	out := make([]FamilyScore, len(ids))
	for i, id := range ids {
		out[i].Family = id
	}
	for t, f := range taskFamilyIndex(m.Tasks) {
		out[f].Prob += p[t]
	}
	slices.SortStableFunc(out, func(a, b FamilyScore) int {
		switch {
		case a.Prob > b.Prob:
			return -1
		case a.Prob < b.Prob:
			return 1
		}
		return 0
	})
	return out
}

// topK returns the indexes of the k largest values, largest first, ties
// by index; k is clamped to 1..len(v).
func topK(v []float64, k int) []int {
	k = min(max(k, 1), len(v))
	idx := make([]int, 0, k)
	for i, x := range v {
		pos := len(idx)
		for pos > 0 && x > v[idx[pos-1]] {
			pos--
		}
		if pos >= k {
			continue
		}
		if len(idx) < k {
			idx = append(idx, 0)
		}
		copy(idx[pos+1:], idx[pos:len(idx)-1])
		idx[pos] = i
	}
	return idx
}

// Prune sets to zero every weight whose magnitude is below threshold and
// returns how many weights remain nonzero.
func (m *TaskModel) Prune(threshold float32) int {
	kept := 0
	for i, v := range m.W {
		if v > -threshold && v < threshold {
			m.W[i] = 0
		} else if v != 0 {
			kept++
		}
	}
	return kept
}

// Clone returns a deep copy of the model.
func (m *TaskModel) Clone() *TaskModel {
	return &TaskModel{Space: m.Space, Tasks: slices.Clone(m.Tasks), W: slices.Clone(m.W), Bias: slices.Clone(m.Bias)}
}

// The task model file format, version 1. All integers are little-endian.
//
//	offset  size  field
//	0       4     magic "MCTM"
//	4       2     version (1)
//	6       1     hash bits of the feature space
//	7       1     reserved, 0
//	8       4     number of rubric features the model was trained with
//	12      2     number of tasks K
//	14      4     number of stored feature rows R
//	18      4     length of the body in bytes
//	22      ...   body:
//	                K task names, each a uvarint length and the bytes
//	                K biases, float32
//	                R rows, each: uvarint feature index gap (index minus
//	                previous index minus 1; the first row's index itself),
//	                a bitmap of ceil(K/8) bytes (bit t of byte t/8 set when
//	                task t's weight is stored), then the stored weights as
//	                IEEE 754 half precision
//	end-4   4     CRC-32C (Castagnoli) of everything before it
//
// Feature rows whose weights are all zero in half precision are not
// stored; their weights load as zero.
const (
	modelMagic      = "MCTM"
	modelVersion    = 1
	modelHeaderSize = 22
	modelMaxBytes   = 1 << 30
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrModelLayout is wrapped by LoadTaskModel's error when the model was
// trained for a different rubric feature layout.
var ErrModelLayout = errors.New("model was trained for a different feature layout; retrain with `modelcard train`")

// Save writes the model in the compact binary format: half-precision
// weights, only the feature rows that hold a nonzero weight. Weights that
// round to zero in half precision are dropped.
func (m *TaskModel) Save(w io.Writer) error {
	data, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write task model: %w", err)
	}
	return nil
}

// MarshalBinary encodes the model as Save writes it.
func (m *TaskModel) MarshalBinary() ([]byte, error) {
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("save task model: %w", err)
	}
	k := len(m.Tasks)
	dim := m.Space.Dim()
	var body bytes.Buffer
	var tmp [binary.MaxVarintLen64]byte
	for _, t := range m.Tasks {
		body.Write(tmp[:binary.PutUvarint(tmp[:], uint64(len(t)))])
		body.WriteString(t)
	}
	for _, b := range m.Bias {
		binary.LittleEndian.PutUint32(tmp[:4], math.Float32bits(b))
		body.Write(tmp[:4])
	}
	bitmap := make([]byte, (k+7)/8)
	halves := make([]uint16, 0, k)
	rows, prev := 0, -1
	for f := range dim {
		clear(bitmap)
		halves = halves[:0]
		for t, v := range m.W[f*k : f*k+k] {
			h := Float32ToHalf(v)
			if h&0x7fff == 0 {
				continue
			}
			bitmap[t/8] |= 1 << (t % 8)
			halves = append(halves, h)
		}
		if len(halves) == 0 {
			continue
		}
		body.Write(tmp[:binary.PutUvarint(tmp[:], uint64(f-prev-1))])
		body.Write(bitmap)
		for _, h := range halves {
			binary.LittleEndian.PutUint16(tmp[:2], h)
			body.Write(tmp[:2])
		}
		prev = f
		rows++
	}
	if modelHeaderSize+body.Len()+4 > modelMaxBytes {
		return nil, fmt.Errorf("save task model: %d bytes exceeds the format's limit of %d", body.Len(), modelMaxBytes)
	}
	out := make([]byte, modelHeaderSize, modelHeaderSize+body.Len()+4)
	copy(out, modelMagic)
	binary.LittleEndian.PutUint16(out[4:], modelVersion)
	out[6] = byte(m.Space.HashBits)
	out[7] = 0
	binary.LittleEndian.PutUint32(out[8:], uint32(NumRubric()))
	binary.LittleEndian.PutUint16(out[12:], uint16(k))
	binary.LittleEndian.PutUint32(out[14:], uint32(rows))
	binary.LittleEndian.PutUint32(out[18:], uint32(body.Len()))
	out = append(out, body.Bytes()...)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, crcTable))
	return out, nil
}

// LoadTaskModel reads a model written by Save. It checks the magic, the
// version, the checksum and the feature layout: a model whose rubric
// feature count differs from NumRubric() gives an error wrapping
// ErrModelLayout.
func LoadTaskModel(r io.Reader) (*TaskModel, error) {
	data, err := io.ReadAll(io.LimitReader(r, modelMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read task model: %w", err)
	}
	if len(data) > modelMaxBytes {
		return nil, fmt.Errorf("task model: larger than %d bytes; this is not a task model file", modelMaxBytes)
	}
	return UnmarshalTaskModel(data)
}

// UnmarshalTaskModel decodes a model from the bytes Save wrote.
func UnmarshalTaskModel(data []byte) (*TaskModel, error) {
	var w []float32
	m, err := decodeTaskModel(data, func(dim, k int) ([]float32, int) {
		w = make([]float32, dim*k)
		return w, k
	})
	if err != nil {
		return nil, err
	}
	m.W = w
	return m, nil
}

// decodeTaskModel decodes a model file with its weights written into the
// matrix that alloc returns for dim features and k tasks: the weight of
// feature f for task t at w[f*stride+t], stride at least k, w zero where
// the file stores no weight. The TaskModel it returns has everything but
// W, checked.
func decodeTaskModel(data []byte, alloc func(dim, k int) (w []float32, stride int)) (*TaskModel, error) {
	if len(data) < len(modelMagic) || string(data[:len(modelMagic)]) != modelMagic {
		return nil, fmt.Errorf("task model: bad magic number: not a task model file (written by `modelcard train`)")
	}
	if len(data) < modelHeaderSize {
		return nil, fmt.Errorf("task model: truncated: %d bytes, the header alone needs %d", len(data), modelHeaderSize)
	}
	if v := binary.LittleEndian.Uint16(data[4:]); v != modelVersion {
		return nil, fmt.Errorf("task model: format version %d, this program reads version %d; retrain with `modelcard train`", v, modelVersion)
	}
	hashBits := int(data[6])
	rubric := binary.LittleEndian.Uint32(data[8:])
	k := int(binary.LittleEndian.Uint16(data[12:]))
	rows := int(binary.LittleEndian.Uint32(data[14:]))
	bodyLen := int64(binary.LittleEndian.Uint32(data[18:]))
	total := int64(modelHeaderSize) + bodyLen + 4
	if int64(len(data)) < total {
		return nil, fmt.Errorf("task model: truncated: %d bytes of %d", len(data), total)
	}
	if int64(len(data)) > total {
		return nil, fmt.Errorf("task model: corrupt: %d bytes after the end of the model", int64(len(data))-total)
	}
	if got, want := crc32.Checksum(data[:total-4], crcTable), binary.LittleEndian.Uint32(data[total-4:]); got != want {
		return nil, fmt.Errorf("task model: corrupt: checksum %08x, the file says %08x", got, want)
	}
	if data[7] != 0 {
		return nil, fmt.Errorf("task model: corrupt header: reserved byte is %d", data[7])
	}
	space := FeatureSpace{HashBits: hashBits}
	if err := space.Check(); err != nil {
		return nil, fmt.Errorf("task model: corrupt header: %w", err)
	}
	if int(rubric) != NumRubric() {
		return nil, fmt.Errorf("task model has %d rubric features, this program has %d: %w", rubric, NumRubric(), ErrModelLayout)
	}
	if k == 0 || k > maxModelTasks {
		return nil, fmt.Errorf("task model: corrupt header: %d tasks (1..%d allowed)", k, maxModelTasks)
	}
	dim := space.Dim()
	if dim*k > maxModelWeights {
		return nil, fmt.Errorf("task model: %d features × %d tasks is more than %d weights", dim, k, maxModelWeights)
	}
	if rows > dim {
		return nil, fmt.Errorf("task model: corrupt header: %d rows for %d features", rows, dim)
	}
	d := modelDecoder{buf: data[modelHeaderSize : total-4], base: modelHeaderSize}
	m := &TaskModel{Space: space, Tasks: make([]string, k), Bias: make([]float32, k)}
	for t := range k {
		n, err := d.uvarint("task name length")
		if err != nil {
			return nil, err
		}
		if n == 0 || n > 255 {
			return nil, d.corrupt("task %d has a name of %d bytes", t, n)
		}
		name, err := d.bytes(int(n), "task name")
		if err != nil {
			return nil, err
		}
		m.Tasks[t] = string(name)
	}
	for t := range k {
		b, err := d.bytes(4, "bias")
		if err != nil {
			return nil, err
		}
		m.Bias[t] = math.Float32frombits(binary.LittleEndian.Uint32(b))
		if v := float64(m.Bias[t]); math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, d.corrupt("the bias of task %d is not a finite number", t)
		}
	}
	if err := m.checkHeader(); err != nil {
		return nil, fmt.Errorf("task model: corrupt: %w", err)
	}
	w, stride := alloc(dim, k)
	prev := -1
	nb := (k + 7) / 8
	for range rows {
		gap, err := d.uvarint("feature index")
		if err != nil {
			return nil, err
		}
		if gap >= uint64(dim-prev-1) {
			return nil, d.corrupt("feature index %d+%d outside 0..%d", prev+1, gap, dim-1)
		}
		f := prev + 1 + int(gap)
		bitmap, err := d.bytes(nb, "weight bitmap")
		if err != nil {
			return nil, err
		}
		if k%8 != 0 && bitmap[nb-1]>>(k%8) != 0 {
			return nil, d.corrupt("weight bitmap of feature %d names tasks beyond %d", f, k)
		}
		// The row's weights are read in one slice; a problem is reported
		// at the byte after the weight it is about, as a weight-by-weight
		// read would, the weights before it checked first.
		n := 0
		for _, b := range bitmap {
			n += bits.OnesCount8(b)
		}
		halves := d.buf[:2*min(n, len(d.buf)/2)]
		base := d.base
		row := w[f*stride : f*stride+k]
		// The set bits are visited in order, one after another, rather
		// than every task tested: which tasks a row has is not a pattern
		// the branch predictor learns.
		for i, set := range bitmap {
			for ; set != 0; set &= set - 1 {
				t := i*8 + bits.TrailingZeros8(set)
				if len(halves) == 0 {
					d.base = base
					return nil, d.corrupt("weight runs past the end of the body")
				}
				h := binary.LittleEndian.Uint16(halves)
				halves, base = halves[2:], base+2
				switch {
				case h&0x7fff == 0:
					// Save stores only nonzero weights.
					d.base = base
					return nil, d.corrupt("feature %d stores a zero weight for task %d", f, t)
				case h&0x7c00 == 0x7c00:
					d.base = base
					return nil, d.corrupt("feature %d has a weight that is not a finite number", f)
				}
				row[t] = HalfToFloat32(h)
			}
		}
		d.buf, d.base = d.buf[2*n:], base
		prev = f
	}
	if len(d.buf) != 0 {
		return nil, d.corrupt("%d bytes left after the last row", len(d.buf))
	}
	// Each weight was checked finite as it was decoded.
	return m, nil
}

// modelDecoder reads the body of a model file.
type modelDecoder struct {
	buf  []byte
	base int // offset of buf[0] in the file
}

func (d *modelDecoder) corrupt(format string, args ...any) error {
	return fmt.Errorf("task model: corrupt at byte %d: %s", d.base, fmt.Sprintf(format, args...))
}

func (d *modelDecoder) uvarint(what string) (uint64, error) {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		return 0, d.corrupt("bad %s", what)
	}
	d.buf, d.base = d.buf[n:], d.base+n
	return v, nil
}

func (d *modelDecoder) bytes(n int, what string) ([]byte, error) {
	if n > len(d.buf) {
		return nil, d.corrupt("%s runs past the end of the body", what)
	}
	b := d.buf[:n]
	d.buf, d.base = d.buf[n:], d.base+n
	return b, nil
}

//go:embed default_model.bin
var defaultModelBytes []byte

// DefaultTaskModel loads the model embedded in the program, trained on the
// training split of the project's card corpus (`make model`). Each call
// returns a new copy.
func DefaultTaskModel() (*TaskModel, error) {
	m, err := UnmarshalTaskModel(defaultModelBytes)
	if err != nil {
		return nil, fmt.Errorf("embedded default task model: %w", err)
	}
	return m, nil
}

// Float32ToHalf converts a float32 to IEEE 754 half precision (binary16),
// rounding to nearest, ties to even. Values too large become infinities,
// values too small become subnormals or signed zeros, NaNs stay NaNs.
func Float32ToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant == 0 {
			return sign | 0x7c00
		}
		// Keep the payload's top bits and set the quiet bit, so that a
		// NaN never turns into an infinity.
		return sign | 0x7e00 | uint16(mant>>13)
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		// A half subnormal (or zero): value = m × 2^-24.
		if e < -10 {
			return sign
		}
		m := mant | 0x800000
		shift := uint32(14 - e)
		h := m >> shift
		rem := m & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && h&1 == 1) {
			h++ // may carry into the smallest normal: still the right bits
		}
		return sign | uint16(h)
	}
	h := uint32(e)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
		h++ // may carry into the exponent, up to infinity: still right
	}
	return sign | uint16(h)
}

// HalfToFloat32 converts an IEEE 754 half-precision value to float32,
// exactly.
func HalfToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0:
		e := uint32(127 - 15 + 1)
		for mant&0x400 == 0 {
			mant <<= 1
			e--
		}
		return math.Float32frombits(sign | e<<23 | (mant&0x3ff)<<13)
	default:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	}
}
