package gpu

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// errFakeOOM is the fake device's out-of-memory error.
var errFakeOOM = errors.New("fake device out of memory")

// fakeDevice hands out addresses up to a byte budget and records frees.
type fakeDevice struct {
	mu     sync.Mutex
	budget int64
	used   int64
	next   uintptr
	live   map[uintptr]int64
}

func newFakeDevice(budget int64) *fakeDevice {
	return &fakeDevice{budget: budget, next: 0x1000, live: map[uintptr]int64{}}
}

func (f *fakeDevice) alloc(size int64) (uintptr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.used+size > f.budget {
		return 0, errFakeOOM
	}
	p := f.next
	f.next += uintptr(size)
	f.used += size
	f.live[p] = size
	return p, nil
}

func (f *fakeDevice) free(p uintptr) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	size, ok := f.live[p]
	if !ok {
		return fmt.Errorf("free of unknown address %#x", p)
	}
	delete(f.live, p)
	f.used -= size
	return nil
}

func (f *fakeDevice) isOOM(err error) bool { return errors.Is(err, errFakeOOM) }

func TestSizeClass(t *testing.T) {
	tests := []struct{ n, want int64 }{
		{1, minClass},
		{minClass, minClass},
		{minClass + 1, 2 * minClass},
		{1 << 20, 1 << 20},
		{1<<20 + 1, 1 << 21},
		{3 << 30, 4 << 30},
	}
	for _, tc := range tests {
		if got := sizeClass(tc.n); got != tc.want {
			t.Errorf("sizeClass(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

func TestPoolReuseAndStats(t *testing.T) {
	dev := newFakeDevice(1 << 30)
	p := newPool(dev, 1<<20)
	a, err := p.get(1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.put(a); err != nil {
		t.Fatal(err)
	}
	b, err := p.get(2000) // same class as a: reused
	if err != nil {
		t.Fatal(err)
	}
	if b.ptr != a.ptr {
		t.Errorf("second block at %#x, want the freed %#x", b.ptr, a.ptr)
	}
	c, err := p.get(minClass + 1) // next class: a new allocation
	if err != nil {
		t.Fatal(err)
	}
	want := PoolStats{BytesInUse: minClass + 2*minClass, Hits: 1, Misses: 2, Allocations: 2}
	if got := p.snapshot(); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
	for _, blk := range []block{b, c} {
		if err := p.put(blk); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.snapshot(); got.BytesInUse != 0 || got.BytesFree != 3*minClass {
		t.Errorf("after put: %+v, want 0 in use and %d free", got, 3*minClass)
	}
	if err := p.release(); err != nil {
		t.Fatal(err)
	}
	if got := p.snapshot(); got.BytesFree != 0 || got.Frees != 2 || len(dev.live) != 0 {
		t.Errorf("after release: %+v with %d live device blocks", got, len(dev.live))
	}
}

func TestPoolCapReleasesBeyondIt(t *testing.T) {
	dev := newFakeDevice(1 << 30)
	p := newPool(dev, minClass) // keeps one smallest block at most
	var blks []block
	for range 3 {
		b, err := p.get(10)
		if err != nil {
			t.Fatal(err)
		}
		blks = append(blks, b)
	}
	for _, b := range blks {
		if err := p.put(b); err != nil {
			t.Fatal(err)
		}
	}
	got := p.snapshot()
	if got.BytesFree != minClass || got.Frees != 2 || len(dev.live) != 1 {
		t.Errorf("stats %+v with %d live blocks; want one block kept, two freed", got, len(dev.live))
	}
}

func TestPoolOutOfMemory(t *testing.T) {
	dev := newFakeDevice(4 * minClass)
	p := newPool(dev, 1<<30)
	// Keep two small blocks free, then ask for more than the rest: the
	// pool must release its kept blocks and succeed.
	a, _ := p.get(1)
	b, _ := p.get(1)
	for _, blk := range []block{a, b} {
		if err := p.put(blk); err != nil {
			t.Fatal(err)
		}
	}
	big, err := p.get(3 * minClass)
	if err != nil {
		t.Fatalf("get after releasing kept blocks: %v", err)
	}
	if s := p.snapshot(); s.OutOfMemory != 1 || s.BytesFree != 0 || big.size != 4*minClass {
		t.Errorf("stats %+v, block %d bytes; want one OOM, nothing kept, a %d-byte block", s, big.size, 4*minClass)
	}
	// Now the device is full: the error must be recognisable as OOM.
	if _, err := p.get(1); !dev.isOOM(err) {
		t.Errorf("get on a full device: %v, want an out-of-memory error", err)
	}
	if _, err := p.get(0); err == nil {
		t.Error("get(0) should fail")
	}
}

func TestPlanChunks(t *testing.T) {
	// Row lengths 3, 0, 5, 1, 10, 2.
	rowptr := []int32{0, 3, 3, 8, 9, 19, 21}
	tests := []struct {
		name             string
		start, rows, nnz int
		want             []chunk
	}{
		{"all in one", 0, 100, 100, []chunk{{0, 6}}},
		{"by rows", 0, 4, 100, []chunk{{0, 4}, {4, 6}}},
		{"by values", 0, 100, 8, []chunk{{0, 3}, {3, 4}, {4, 5}, {5, 6}}},
		{"long row alone", 3, 100, 4, []chunk{{3, 4}, {4, 5}, {5, 6}}},
		{"from the middle", 2, 2, 100, []chunk{{2, 4}, {4, 6}}},
		{"one row each", 0, 1, 100, []chunk{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}}},
		{"nothing left", 6, 10, 10, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := planChunks(rowptr, tc.start, tc.rows, tc.nnz)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("planChunks = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPoolStatsAdd(t *testing.T) {
	a := PoolStats{BytesInUse: 1, BytesFree: 2, Hits: 3, Misses: 4, Allocations: 5, Frees: 6, OutOfMemory: 7}
	if got, want := a.add(a), (PoolStats{2, 4, 6, 8, 10, 12, 14}); got != want {
		t.Errorf("add = %+v, want %+v", got, want)
	}
}
