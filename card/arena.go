package card

// slabArena hands out slabs, slices that a parser cuts its nodes from, and
// keeps them to hand out again after reset: a parser that reads one input
// after another, and lets each tree go before it reads the next, then
// builds each tree in the memory of the one before instead of allocating.
//
// The user reports how much of each slab it wrote (used), and release
// clears what earlier parses wrote past that, so that the arena holds
// nothing of any tree but the last. The zero slabArena is ready.
type slabArena[T any] struct {
	slabs [][]T
	// written[i] is how many elements of slabs[i], from its start, may
	// hold values of an earlier parse; took[i] how many the current one
	// wrote.
	written, took []int
	// next is the index in slabs of the next slab to hand out.
	next int
	// kept counts the elements of the kept slabs.
	kept int
}

// reset makes every kept slab free to hand out again. What they hold
// stays until it is overwritten or released: a user sets every field of
// what it takes.
func (a *slabArena[T]) reset() {
	a.next = 0
	clear(a.took)
}

// take returns a slab of at least minLen elements and its index for used:
// the next kept slab that is large enough (smaller ones are passed over
// until the next reset), else a new one of max(minLen, n) elements, which
// it keeps while the kept slabs then hold no more than limit elements in
// all; the index of a slab it does not keep is -1.
func (a *slabArena[T]) take(minLen, n, limit int) ([]T, int) {
	for a.next < len(a.slabs) {
		a.next++
		if slab := a.slabs[a.next-1]; len(slab) >= minLen {
			return slab, a.next - 1
		}
	}
	slab := make([]T, max(minLen, n))
	if a.kept+len(slab) > limit {
		return slab, -1
	}
	a.slabs = append(a.slabs, slab)
	a.written = append(a.written, 0)
	a.took = append(a.took, 0)
	a.next++
	a.kept += len(slab)
	return slab, len(a.slabs) - 1
}

// used records that the current parse wrote the first n elements of the
// slab of index i (-1: a slab the arena does not keep).
func (a *slabArena[T]) used(i, n int) {
	if i >= 0 && n > 0 {
		a.took[i] = max(a.took[i], n)
	}
}

// release clears, in every kept slab, what earlier parses wrote past what
// the current one did: after it, the slabs hold the current tree only.
func (a *slabArena[T]) release() {
	for i, slab := range a.slabs {
		if a.took[i] < a.written[i] {
			clear(slab[a.took[i]:a.written[i]])
		}
		a.written[i] = a.took[i]
	}
}

// slabCursor cuts values from one slab at a time, taken from an arena
// (nil: from the heap), and tells the arena how much of each slab it
// wrote. The zero slabCursor is ready.
type slabCursor[T any] struct {
	// free is what is left of the current slab; size is that slab's
	// length, at its index in the arena (-1: a slab the arena does not
	// keep).
	free []T
	size int
	at   int
}

// refill replaces the current slab by one of at least minLen values, n
// wanted, from arena a (nil: a new one from the heap; limit is a's, see
// take).
func (c *slabCursor[T]) refill(a *slabArena[T], minLen, n, limit int) {
	if a == nil {
		c.free, c.at = make([]T, max(minLen, n)), -1
	} else {
		c.done(a)
		c.free, c.at = a.take(minLen, n, limit)
	}
	c.size = len(c.free)
}

// done tells arena a (nil: none) how much of the current slab was
// written.
func (c *slabCursor[T]) done(a *slabArena[T]) {
	if a != nil {
		a.used(c.at, c.size-len(c.free))
	}
}
