//go:build !cpu

package nvmlstats

import (
	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// Open returns statistics read from the NVIDIA driver's NVML library,
// which is loaded on the first read; a machine without the driver gets an
// error from every read.
func Open() *Stats { return New(binding{lib: nvml.New()}) }

// binding adapts go-nvml to Library.
type binding struct{ lib nvml.Interface }

// check turns an NVML return code into an error.
func check(r nvml.Return) error {
	if r == nvml.SUCCESS {
		return nil
	}
	return r
}

func (b binding) Init() error     { return check(b.lib.Init()) }
func (b binding) Shutdown() error { return check(b.lib.Shutdown()) }

func (b binding) DeviceCount() (int, error) {
	n, r := b.lib.DeviceGetCount()
	return n, check(r)
}

func (b binding) Device(index int) (Device, error) {
	d, r := b.lib.DeviceGetHandleByIndex(index)
	if err := check(r); err != nil {
		return nil, err
	}
	return device{d}, nil
}

// device adapts one go-nvml device to Device.
type device struct{ d nvml.Device }

func (d device) Name() (string, error) {
	s, r := d.d.GetName()
	return s, check(r)
}

func (d device) UUID() (string, error) {
	s, r := d.d.GetUUID()
	return s, check(r)
}

func (d device) UtilizationPercent() (uint32, error) {
	u, r := d.d.GetUtilizationRates()
	return u.Gpu, check(r)
}

func (d device) Memory() (used, total uint64, err error) {
	m, r := d.d.GetMemoryInfo()
	return m.Used, m.Total, check(r)
}

func (d device) TemperatureC() (uint32, error) {
	t, r := d.d.GetTemperature(nvml.TEMPERATURE_GPU)
	return t, check(r)
}

func (d device) PowerMilliwatts() (uint32, error) {
	p, r := d.d.GetPowerUsage()
	return p, check(r)
}
