package card

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"
)

// DefaultMaxCardBytes is the largest card file read by default. The largest
// real cards are about half a megabyte.
const DefaultMaxCardBytes = 16 << 20

// InputError is a file that cannot be read as text at all: too big, binary,
// not UTF-8.
type InputError struct {
	// Code is a stable identifier: "input.too-large", "input.binary",
	// "input.encoding" or "input.read".
	Code string
	// Line is the 1-based line of the offending byte, or 0.
	Line int
	// Msg says what is wrong and how to fix it.
	Msg string
	// Err is the underlying error, if any.
	Err error
}

// Error implements error.
func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Unwrap returns the underlying error.
func (e *InputError) Unwrap() error { return e.Err }

// ReadFileLimited reads a whole file, refusing files over maxBytes (0 means
// DefaultMaxCardBytes) without reading them whole.
func ReadFileLimited(path string, maxBytes int64) ([]byte, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxCardBytes
	}
	data, opened, err := readRegularFile(path, maxBytes)
	if opened == nil {
		return data, err
	}
	defer opened.Close()
	return readOpenFile(opened, maxBytes)
}

// openFailed is the error for a file that cannot be opened.
func openFailed(err error) *InputError {
	return &InputError{Code: "input.read", Msg: "cannot open: " + err.Error(), Err: err}
}

// readFailed is the error for a file that cannot be read.
func readFailed(err error) *InputError {
	return &InputError{Code: "input.read", Msg: "cannot read: " + err.Error(), Err: err}
}

// readOpenFile reads an open file whole, up to maxBytes.
func readOpenFile(f *os.File, maxBytes int64) ([]byte, error) {
	size := int64(0)
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			return nil, &InputError{Code: "input.read", Msg: "is a directory, not a file"}
		}
		if st.Size() > maxBytes {
			return nil, tooLarge(st.Size(), maxBytes, true)
		}
		size = st.Size()
	}
	// Read into a buffer of the file's size, with the room ReadFrom keeps
	// free to see the end without growing it; a file that grows, or
	// reports no size, still reads whole up to the limit.
	var buf bytes.Buffer
	buf.Grow(int(size) + bytes.MinRead)
	_, err := buf.ReadFrom(io.LimitReader(f, maxBytes+1))
	data := buf.Bytes()
	if err != nil {
		return nil, readFailed(err)
	}
	if int64(len(data)) > maxBytes {
		return nil, tooLarge(int64(len(data)), maxBytes, false)
	}
	return data, nil
}

// tooLarge is the error for a file over the limit: its size is exact when
// the file system gave it, else what was read when reading stopped.
func tooLarge(size, limit int64, exact bool) *InputError {
	what := fmt.Sprintf("file is %d bytes", size)
	if !exact {
		what = fmt.Sprintf("file holds more than %d bytes", size-1)
	}
	return &InputError{Code: "input.too-large",
		Msg: fmt.Sprintf("%s, over the limit of %d bytes; split it, or raise the limit with --max-bytes", what, limit)}
}

// errBinary is wrapped by binary-input errors.
var errBinary = errors.New("binary data")

// CheckText returns an *InputError when src is not UTF-8 text: it contains
// a NUL byte, or a byte sequence that is not UTF-8.
func CheckText(src []byte) error {
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return &InputError{Code: "input.binary", Line: 1 + bytes.Count(src[:i], []byte{'\n'}),
			Msg: "file holds binary data (a NUL byte), not a text model card; check that the right file was given", Err: errBinary}
	}
	if utf8.Valid(src) {
		return nil
	}
	i := 0
	for i < len(src) {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		i += size
	}
	return &InputError{Code: "input.encoding", Line: 1 + bytes.Count(src[:i], []byte{'\n'}),
		Msg: fmt.Sprintf("byte 0x%02x at offset %d is not UTF-8; re-save the file as UTF-8", src[i], i)}
}
