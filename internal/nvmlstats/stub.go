//go:build cpu

package nvmlstats

import "errors"

// Open returns statistics that always report that this build has no NVML:
// the CPU build links no C library.
func Open() *Stats { return New(noLibrary{}) }

// noLibrary is the CPU build's Library: it cannot initialise.
type noLibrary struct{}

var errCPUBuild = errors.New("built without NVML (the cpu build)")

func (noLibrary) Init() error               { return errCPUBuild }
func (noLibrary) Shutdown() error           { return nil }
func (noLibrary) DeviceCount() (int, error) { return 0, errCPUBuild }
func (noLibrary) Device(int) (Device, error) {
	return nil, errCPUBuild
}
