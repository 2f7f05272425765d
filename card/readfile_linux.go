package card

import (
	"errors"
	"math"
	"os"
	"slices"
	"syscall"
)

// readRegularFile reads a whole regular file with plain system calls: open,
// fstat, read until the end, close. os.Open also registers each file with
// the network poller, which a regular file refuses, and sets and restores
// its blocking mode: six more calls per file, a tenth of an audit's time
// over a folder of small cards.
//
// When the path is not a regular file (a pipe, a device, a socket, a
// folder), it returns the file it opened, for the caller to read through
// os.File and close: opening a named pipe a second time would lose what a writer
// already wrote, or wait for a writer that has gone.
func readRegularFile(path string, maxBytes int64) (data []byte, other *os.File, err error) {
	var fd int
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		return nil, nil, openFailed(&os.PathError{Op: "open", Path: path, Err: err})
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		// os.File reads it, or says why not (a directory, say).
		return nil, os.NewFile(uintptr(fd), path), nil
	}
	defer syscall.Close(fd)
	if st.Size > maxBytes {
		return nil, nil, tooLarge(st.Size, maxBytes, true)
	}
	// One byte of room past the size sees a file that grew (or that, as
	// files under /proc do, reports no size); it then reads on, never more
	// than one byte past the limit.
	limit := int(min(maxBytes, math.MaxInt32)) + 1
	buf := make([]byte, 0, st.Size+1)
	for {
		if len(buf) == limit {
			return nil, nil, tooLarge(int64(len(buf)), maxBytes, false)
		}
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(max(len(buf), 512), limit-len(buf)))
		}
		n, err := syscall.Read(fd, buf[len(buf):min(cap(buf), limit)])
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			return nil, nil, readFailed(&os.PathError{Op: "read", Path: path, Err: err})
		case n == 0:
			return buf, nil, nil
		}
		buf = buf[:len(buf)+n]
	}
}
