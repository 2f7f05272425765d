//go:build !linux

package card

import "os"

// readRegularFile opens the file for os.File to read, off Linux.
func readRegularFile(path string, maxBytes int64) (data []byte, other *os.File, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, openFailed(err)
	}
	return nil, f, nil
}
