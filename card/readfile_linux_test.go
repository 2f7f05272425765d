package card

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadFileLimitedNamedPipe reads a named pipe whose writer writes and
// goes away, many times over: the file opened once must be the one read,
// since a second open would find the pipe without its writer, and wait.
func TestReadFileLimitedNamedPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "spec.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	const text = "model_id: org/x\n"
	for i := range 30 {
		go func() {
			fd, err := syscall.Open(fifo, syscall.O_WRONLY, 0)
			if err != nil {
				return
			}
			syscall.Write(fd, []byte(text))
			syscall.Close(fd)
		}()
		type result struct {
			data []byte
			err  error
		}
		done := make(chan result, 1)
		go func() {
			data, err := ReadFileLimited(fifo, 0)
			done <- result{data, err}
		}()
		select {
		case r := <-done:
			if r.err != nil || string(r.data) != text {
				t.Fatalf("read %d: %q, %v; want %q", i, r.data, r.err, text)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("read %d of the named pipe hangs", i)
		}
	}
}

// TestReadFileLimitedNoSizeOverLimit reads a /proc file, which reports no
// size, with a limit below its length: refused, having read one byte past
// the limit and no more.
func TestReadFileLimitedNoSizeOverLimit(t *testing.T) {
	const limit = 20
	_, err := ReadFileLimited("/proc/self/status", limit)
	if errors.Is(err, syscall.ENOENT) {
		t.Skip("no /proc here")
	}
	var ie *InputError
	if !errors.As(err, &ie) || ie.Code != "input.too-large" {
		t.Fatalf("err = %v, want input.too-large", err)
	}
	if want := "file holds more than 20 bytes, over the limit of 20 bytes"; len(ie.Msg) < len(want) || ie.Msg[:len(want)] != want {
		t.Errorf("message %q, want it to start %q", ie.Msg, want)
	}
}

// TestReadFileLimitedExactSize checks that a regular file over the limit
// is refused with its exact size, from the file system.
func TestReadFileLimitedExactSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.md")
	if err := os.WriteFile(path, make([]byte, 1001), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFileLimited(path, 1000)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Code != "input.too-large" {
		t.Fatalf("err = %v, want input.too-large", err)
	}
	if want := "file is 1001 bytes, over the limit of 1000 bytes"; !strings.HasPrefix(ie.Msg, want) {
		t.Errorf("message %q, want it to start %q", ie.Msg, want)
	}
}
