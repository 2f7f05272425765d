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

// Stats is a daemon.GPUStats over a Library. It initialises the library
// once, on the first read; when that fails, every read reports the error
// (the daemon then exports modelcard_gpu_nvml_up 0 and keeps serving).
type Stats struct {
	lib     Library
	once    sync.Once
	initErr error
}

// New returns statistics read from lib.
func New(lib Library) *Stats { return &Stats{lib: lib} }

// Devices implements daemon.GPUStats.
func (s *Stats) Devices() ([]daemon.DeviceStats, error) {
	s.once.Do(func() {
		if s.lib == nil {
			s.initErr = errors.New("nvml: no library")
			return
		}
		if err := s.lib.Init(); err != nil {
			s.initErr = fmt.Errorf("nvml: initialise (is the NVIDIA driver installed and the container started with NVIDIA_DRIVER_CAPABILITIES including utility?): %w", err)
		}
	})
	if s.initErr != nil {
		return nil, s.initErr
	}
	n, err := s.lib.DeviceCount()
	if err != nil {
		return nil, fmt.Errorf("nvml: count devices: %w", err)
	}
	out := make([]daemon.DeviceStats, 0, n)
	for i := range n {
		d, err := s.lib.Device(i)
		if err != nil {
			return nil, fmt.Errorf("nvml: device %d: %w", i, err)
		}
		out = append(out, read(i, d))
	}
	return out, nil
}

// Close shuts the library down if it was initialised.
func (s *Stats) Close() error {
	s.once.Do(func() { s.initErr = errors.New("nvml: closed before the first read") })
	if s.initErr != nil {
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
	st := daemon.DeviceStats{Index: index, Utilization: math.NaN(), TemperatureC: math.NaN(), PowerW: math.NaN()}
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
		st.MemoryUsed, st.MemoryTotal = used, total
	}
	if t, err := d.TemperatureC(); err == nil {
		st.TemperatureC = float64(t)
	}
	if p, err := d.PowerMilliwatts(); err == nil {
		st.PowerW = float64(p) / 1000
	}
	return st
}
