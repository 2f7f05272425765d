// Package atomicfile writes files so that readers see either the old content
// or the whole new content, never a half-written file.
package atomicfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
)

// File is a file being written atomically: what is written goes to a
// temporary file in the target's folder, and Commit renames it over the
// target. Until Commit succeeds the target is untouched; Abort (or a failed
// Commit) removes the temporary file. It is for outputs too large to hold
// in memory.
type File struct {
	tmp    *os.File
	path   string
	perm   fs.FileMode
	closed bool
}

// Create starts writing path atomically, creating its folder when missing.
// The target is replaced only by Commit.
func Create(path string, perm fs.FileMode) (*File, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create folder %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary file in %s: %w", dir, err)
	}
	return &File{tmp: tmp, path: path, perm: perm}, nil
}

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	if f.closed {
		return 0, fmt.Errorf("write %s: %w", f.path, fs.ErrClosed)
	}
	n, err := f.tmp.Write(p)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", f.tmp.Name(), err)
	}
	return n, nil
}

// Commit syncs the temporary file and renames it over the target.
func (f *File) Commit() error { return f.finish(true) }

// finish puts the file in place (see place) and syncs its folder.
func (f *File) finish(replace bool) error {
	if err := f.place(replace); err != nil {
		return err
	}
	return syncDir(filepath.Dir(f.path))
}

// place syncs and closes the temporary file and puts it in place: renamed
// over the target when replace is true; otherwise hard-linked to the target,
// which fails when the target exists (a racing writer's file is never
// replaced), with a rename only where the file system has no hard links.
// The temporary file is gone afterwards, whatever the outcome. The folder
// is not synced.
func (f *File) place(replace bool) error {
	if f.closed {
		return fmt.Errorf("commit %s: %w", f.path, fs.ErrClosed)
	}
	f.closed = true
	name := f.tmp.Name()
	defer os.Remove(name) // a no-op once renamed
	if err := f.tmp.Chmod(f.perm); err != nil {
		f.tmp.Close()
		return fmt.Errorf("set mode of %s: %w", name, err)
	}
	if err := f.tmp.Sync(); err != nil {
		f.tmp.Close()
		return fmt.Errorf("sync %s: %w", name, err)
	}
	if err := f.tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, err)
	}
	if !replace {
		err := os.Link(name, f.path)
		switch {
		case errors.Is(err, fs.ErrExist):
			return fmt.Errorf("%s: %w (use --force to overwrite)", f.path, ErrExists)
		case err != nil && !linkUnsupported(err):
			return fmt.Errorf("link %s to %s: %w", name, f.path, err)
		case err == nil:
			return nil
		}
		// No hard links here: fall back to rename, which cannot refuse a
		// target that appeared meanwhile.
	}
	if err := os.Rename(name, f.path); err != nil {
		return fmt.Errorf("rename %s to %s: %w", name, f.path, err)
	}
	return nil
}

// syncDir flushes a folder's entries, so that a rename into it survives a
// crash. File systems that cannot sync a folder (they answer EINVAL or
// ENOTSUP) are left as they are.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder %s to sync it: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// linkUnsupported reports whether a hard link failed because the file
// system has none, rather than for a reason the caller must hear of.
func linkUnsupported(err error) bool {
	return errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOTSUP) ||
		errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.EXDEV) || errors.Is(err, syscall.EMLINK)
}

// Abort drops what was written and leaves the target as it was. It does
// nothing after Commit.
func (f *File) Abort() {
	if f.closed {
		return
	}
	f.closed = true
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}

// ErrExists is returned when the target exists and overwriting was not
// allowed.
var ErrExists = errors.New("file exists")

// Write writes data to path through a temporary file in the same folder,
// synced and then renamed over the target. When overwrite is false and the
// target exists, it returns an error wrapping ErrExists and writes nothing.
// The folder is created when missing.
func Write(path string, data []byte, perm fs.FileMode, overwrite bool) error {
	if err := write(path, data, perm, overwrite); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// write is Write without the sync of the folder.
func write(path string, data []byte, perm fs.FileMode, overwrite bool) error {
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s: %w (use --force to overwrite)", path, ErrExists)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("check %s: %w", path, err)
		}
	}
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.place(overwrite)
}

// Pending is one file for WriteAll.
type Pending struct {
	Path string
	Data []byte
	Perm fs.FileMode
	// Overwrite lets the file replace one that exists.
	Overwrite bool
}

// WriteAll writes files as Write does, up to workers at a time (at least
// one), and syncs each folder they went into once, when all are in place,
// rather than once per file. Writing many small files is bound by the
// syncs, which a file system can commit together when they come at once.
// It returns one error per file, nil where it was written, in order; it
// stops starting files once ctx is done. The paths must be distinct: two
// writes of one path race.
func WriteAll(ctx context.Context, files []Pending, workers int) []error {
	errs := make([]error, len(files))
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range max(1, min(workers, len(files))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[i] = fmt.Errorf("write %s: %w", files[i].Path, err)
					continue
				}
				f := files[i]
				errs[i] = write(f.Path, f.Data, f.Perm, f.Overwrite)
			}
		}()
	}
	wg.Wait()
	synced := map[string]error{}
	for i, f := range files {
		if errs[i] != nil {
			continue
		}
		dir := filepath.Dir(f.Path)
		err, done := synced[dir]
		if !done {
			err = syncDir(dir)
			synced[dir] = err
		}
		errs[i] = err
	}
	return errs
}
