package gpu

import (
	"fmt"
	"math/bits"
	"sync"
)

// minClass is the smallest size class of the pool, in bytes.
const minClass = 64 << 10

// allocator is the device memory the pool draws from.
type allocator interface {
	// alloc returns a device address of size bytes.
	alloc(size int64) (uintptr, error)
	// free releases an address alloc returned.
	free(ptr uintptr) error
	// isOOM reports whether err means the device is out of memory.
	isOOM(err error) bool
}

// block is a pooled device allocation.
type block struct {
	ptr  uintptr
	size int64
}

// pool keeps freed device blocks by power-of-two size class for reuse, up
// to capBytes of free blocks. It is safe for concurrent use.
type pool struct {
	a        allocator
	capBytes int64

	mu    sync.Mutex
	free  map[int64][]uintptr
	stats PoolStats
}

// newPool returns a pool over a that keeps at most capBytes free.
func newPool(a allocator, capBytes int64) *pool {
	return &pool{a: a, capBytes: capBytes, free: map[int64][]uintptr{}}
}

// sizeClass returns the class a request of n bytes is served from: the
// next power of two, at least minClass.
func sizeClass(n int64) int64 {
	if n <= minClass {
		return minClass
	}
	return 1 << bits.Len64(uint64(n-1))
}

// get returns a block of at least n bytes. When the device is out of
// memory it releases the kept blocks and tries once more; the error then
// satisfies the allocator's isOOM.
func (p *pool) get(n int64) (block, error) {
	if n <= 0 {
		return block{}, fmt.Errorf("device pool: request of %d bytes", n)
	}
	class := sizeClass(n)
	p.mu.Lock()
	defer p.mu.Unlock()
	if l := p.free[class]; len(l) > 0 {
		ptr := l[len(l)-1]
		p.free[class] = l[:len(l)-1]
		p.stats.Hits++
		p.stats.BytesFree -= class
		p.stats.BytesInUse += class
		return block{ptr: ptr, size: class}, nil
	}
	p.stats.Misses++
	ptr, err := p.a.alloc(class)
	if err != nil && p.a.isOOM(err) {
		p.stats.OutOfMemory++
		if rerr := p.releaseLocked(); rerr != nil {
			return block{}, fmt.Errorf("device pool: release kept blocks after running out of memory: %w", rerr)
		}
		ptr, err = p.a.alloc(class)
		if err != nil && p.a.isOOM(err) {
			p.stats.OutOfMemory++
		}
	}
	if err != nil {
		return block{}, fmt.Errorf("device pool: allocate %d bytes (%d in use): %w", class, p.stats.BytesInUse, err)
	}
	p.stats.Allocations++
	p.stats.BytesInUse += class
	return block{ptr: ptr, size: class}, nil
}

// put returns a block to the pool, releasing it when the pool already
// keeps capBytes free.
func (p *pool) put(b block) error {
	if b.size == 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.BytesInUse -= b.size
	if p.stats.BytesFree+b.size > p.capBytes {
		p.stats.Frees++
		if err := p.a.free(b.ptr); err != nil {
			return fmt.Errorf("device pool: free %d bytes: %w", b.size, err)
		}
		return nil
	}
	p.free[b.size] = append(p.free[b.size], b.ptr)
	p.stats.BytesFree += b.size
	return nil
}

// release frees every kept block.
func (p *pool) release() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.releaseLocked()
}

func (p *pool) releaseLocked() error {
	var first error
	for class, l := range p.free {
		for _, ptr := range l {
			p.stats.Frees++
			p.stats.BytesFree -= class
			if err := p.a.free(ptr); err != nil && first == nil {
				first = fmt.Errorf("device pool: free %d bytes: %w", class, err)
			}
		}
		delete(p.free, class)
	}
	return first
}

// snapshot returns the pool's statistics.
func (p *pool) snapshot() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}
