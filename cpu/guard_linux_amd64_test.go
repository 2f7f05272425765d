//go:build linux && amd64 && !purego

package cpu

import (
	"syscall"
	"testing"
	"unsafe"
)

// guardedFloats returns n float32s that end exactly where an unreadable
// page starts, so that a read past the last one faults.
func guardedFloats(t *testing.T, n int) []float32 {
	t.Helper()
	page := syscall.Getpagesize()
	size := (4*n + page - 1) / page * page
	mem, err := syscall.Mmap(-1, 0, size+page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("map test memory: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[size:], syscall.PROT_NONE); err != nil {
		t.Fatalf("protect the guard page: %v", err)
	}
	end := mem[size-4*n : size]
	return unsafe.Slice((*float32)(unsafe.Pointer(&end[0])), n)
}
