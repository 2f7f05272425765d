// Package nvmlstats reads GPU statistics for the daemon's metrics from
// NVML, the NVIDIA Management Library. The conversion to the daemon's
// statistics works over a small Library interface, so it is tested with a
// fake; the binding to the real library exists in the CUDA build only.
package nvmlstats

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/terragonlabs/modelcard-generator/daemon"
)

// Library is what the statistics need of NVML.
type Library interface {
	// Init loads and initialises the library.
	Init() error
	// Shutdown releases it.
	Shutdown() error
	// DeviceCount returns the number of devices.
	DeviceCount() (int, error)
	// Device returns the device with that index.
	Device(index int) (Device, error)
}

// Device is what the statistics read of one GPU. A reading that the device
// does not support returns an error and is left out of the metrics.
type Device interface {
	// Name and UUID identify the device.
	Name() (string, error)
	UUID() (string, error)
	// UtilizationPercent is the share of the last sample period in which
	// a kernel ran, 0 to 100.
	UtilizationPercent() (uint32, error)
	// Memory returns the bytes in use and in all.
	Memory() (used, total uint64, err error)
	// TemperatureC is the core temperature in degrees Celsius.
	TemperatureC() (uint32, error)
	// PowerMilliwatts is the power draw in milliwatts.
	PowerMilliwatts() (uint32, error)
}

// Stats is a daemon.GPUStats over a Library. It initialises the library on
// the first read; when that fails, reads report the error (the daemon then
// exports modelcard_gpu_nvml_up 0 and keeps serving) and initialisation is
// tried again on a later read, at most once per retry interval, so that a
// driver that comes up after the daemon is picked up.
type Stats struct {
	lib   Library
	retry time.Duration
	now   func() time.Time

	mu          sync.Mutex
	initialised bool
	closed      bool
	initErr     error
	lastTry     time.Time
}

// DefaultRetry is how long Stats waits before trying to initialise NVML
// again after a failure.
const DefaultRetry = time.Minute

// New returns statistics read from lib, retrying a failed initialisation
// after DefaultRetry.
func New(lib Library) *Stats {
	return &Stats{lib: lib, retry: DefaultRetry, now: time.Now}
}

// init initialises the library if it is not yet, unless the last attempt
// failed less than the retry interval ago. It holds s.mu.
func (s *Stats) init() error {
	switch {
	case s.closed:
		return errors.New("nvml: closed")
	case s.initialised:
		return nil
	case s.lib == nil:
		return errors.New("nvml: no library")
	case s.initErr != nil && s.now().Sub(s.lastTry) < s.retry:
		return s.initErr
	}
	s.lastTry = s.now()
	if err := s.lib.Init(); err != nil {
		s.initErr = fmt.Errorf("nvml: initialise (is the NVIDIA driver installed and the container started with NVIDIA_DRIVER_CAPABILITIES including utility?): %w", err)
		return s.initErr
	}
	s.initialised, s.initErr = true, nil
	return nil
}

// Devices implements daemon.GPUStats. A device that cannot be opened is
// left out; the others are still read.
func (s *Stats) Devices() ([]daemon.DeviceStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.init(); err != nil {
		return nil, err
	}
	n, err := s.lib.DeviceCount()
	if err != nil {
		return nil, fmt.Errorf("nvml: count devices: %w", err)
	}
	out := make([]daemon.DeviceStats, 0, n)
	var firstErr error
	for i := range n {
		d, err := s.lib.Device(i)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("nvml: device %d: %w", i, err)
			}
			continue
		}
		out = append(out, read(i, d))
	}
	if len(out) == 0 && firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// Close shuts the library down if it was initialised; later reads fail.
func (s *Stats) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if !s.initialised {
		return nil
	}
	if err := s.lib.Shutdown(); err != nil {
		return fmt.Errorf("nvml: shut down: %w", err)
	}
	return nil
}

// read converts one device's readings; one that fails is NaN (a gauge the
// collector leaves out) rather than a made-up zero.
func read(index int, d Device) daemon.DeviceStats {
	nan := math.NaN()
	st := daemon.DeviceStats{Index: index, Utilization: nan, MemoryUsed: nan, MemoryTotal: nan, TemperatureC: nan, PowerW: nan}
	if name, err := d.Name(); err == nil {
		st.Name = name
	}
	if uuid, err := d.UUID(); err == nil {
		st.UUID = uuid
	}
	if u, err := d.UtilizationPercent(); err == nil {
		st.Utilization = float64(u) / 100
	}
	if used, total, err := d.Memory(); err == nil {
		st.MemoryUsed, st.MemoryTotal = float64(used), float64(total)
	}
	if t, err := d.TemperatureC(); err == nil {
		st.TemperatureC = float64(t)
	}
	if p, err := d.PowerMilliwatts(); err == nil {
		st.PowerW = float64(p) / 1000
	}
	return st
}
