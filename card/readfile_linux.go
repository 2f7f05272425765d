package card

import (
	"errors"
	"os"
	"syscall"
)

// readRegularFile reads a whole regular file with plain system calls: open,
// fstat, read until the end, close. os.Open also registers each file with
// the network poller, which a regular file refuses, and sets and restores
// its blocking mode: six more calls per file, a tenth of an audit's time
// over a folder of small cards. handled is false, with the file closed,
// when the path is not a regular file (a pipe, a device, a socket): the
// caller then reads it through os.File.
func readRegularFile(path string, maxBytes int64) (data []byte, handled bool, err error) {
	var fd int
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		perr := &os.PathError{Op: "open", Path: path, Err: err}
		return nil, true, &InputError{Code: "input.read", Msg: "cannot open: " + perr.Error(), Err: perr}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, false, nil
	}
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFREG:
	case syscall.S_IFDIR:
		return nil, true, &InputError{Code: "input.read", Msg: "is a directory, not a file"}
	default:
		return nil, false, nil
	}
	if st.Size > maxBytes {
		return nil, true, tooLarge(st.Size, maxBytes)
	}
	// One byte of room past the size sees a file that grew; it then reads
	// on, up to the limit.
	buf := make([]byte, 0, st.Size+1)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > maxBytes {
				return nil, true, tooLarge(int64(len(buf)), maxBytes)
			}
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		switch {
		case errors.Is(err, syscall.EINTR):
			continue
		case err != nil:
			perr := &os.PathError{Op: "read", Path: path, Err: err}
			return nil, true, &InputError{Code: "input.read", Msg: "cannot read: " + perr.Error(), Err: perr}
		case n == 0:
			if int64(len(buf)) > maxBytes {
				return nil, true, tooLarge(int64(len(buf)), maxBytes)
			}
			return buf, true, nil
		}
		buf = buf[:len(buf)+n]
	}
}
