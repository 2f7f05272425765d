package card

// slabArena hands out slabs, slices that a parser cuts its nodes from, and
// keeps them to hand out again after reset: a parser that reads one input
// after another, and lets each tree go before it reads the next, then
// builds each tree in the memory of the one before instead of allocating.
// The zero slabArena is ready.
type slabArena[T any] struct {
	slabs [][]T
	// next is the index in slabs of the next slab to hand out.
	next int
	// kept counts the elements of the kept slabs.
	kept int
}

// reset makes every kept slab free to hand out again. What they hold
// stays until it is overwritten: a user sets every field of what it takes.
func (a *slabArena[T]) reset() { a.next = 0 }

// take returns a slab of at least minLen elements: the next kept slab
// that is large enough (smaller ones are passed over until the next
// reset), else a new one of max(minLen, n) elements, which it keeps while
// the kept slabs then hold no more than limit elements in all.
func (a *slabArena[T]) take(minLen, n, limit int) []T {
	for a.next < len(a.slabs) {
		a.next++
		if slab := a.slabs[a.next-1]; len(slab) >= minLen {
			return slab
		}
	}
	slab := make([]T, max(minLen, n))
	if a.kept+len(slab) <= limit {
		a.slabs = append(a.slabs, slab)
		a.next++
		a.kept += len(slab)
	}
	return slab
}
