package nvmlstats

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// fakeLibrary is a Library with scripted devices and failures.
type fakeLibrary struct {
	initErr, countErr error
	devices           []fakeDevice
	inits, shutdowns  int
	deviceErrAt       int
	deviceErr         error
}

func (f *fakeLibrary) Init() error     { f.inits++; return f.initErr }
func (f *fakeLibrary) Shutdown() error { f.shutdowns++; return nil }
func (f *fakeLibrary) DeviceCount() (int, error) {
	return len(f.devices), f.countErr
}
func (f *fakeLibrary) Device(i int) (Device, error) {
	if f.deviceErr != nil && i == f.deviceErrAt {
		return nil, f.deviceErr
	}
	return f.devices[i], nil
}

// fakeDevice answers every reading, or fails the ones named in fail.
type fakeDevice struct {
	name, uuid          string
	util, temp, powerMW uint32
	used, total         uint64
	fail                map[string]bool
}

var errNotSupported = errors.New("not supported")

func (d fakeDevice) err(what string) error {
	if d.fail[what] {
		return errNotSupported
	}
	return nil
}
func (d fakeDevice) Name() (string, error)               { return d.name, d.err("name") }
func (d fakeDevice) UUID() (string, error)               { return d.uuid, d.err("uuid") }
func (d fakeDevice) UtilizationPercent() (uint32, error) { return d.util, d.err("util") }
func (d fakeDevice) Memory() (uint64, uint64, error)     { return d.used, d.total, d.err("memory") }
func (d fakeDevice) TemperatureC() (uint32, error)       { return d.temp, d.err("temp") }
func (d fakeDevice) PowerMilliwatts() (uint32, error)    { return d.powerMW, d.err("power") }

func TestDevicesConvertsReadings(t *testing.T) {
	h200 := fakeDevice{name: "GPU A", uuid: "GPU-a", util: 37, temp: 51, powerMW: 412_500, used: 3 << 30, total: 141 << 30}
	noPower := h200
	noPower.name, noPower.uuid, noPower.fail = "GPU B", "GPU-b", map[string]bool{"power": true, "util": true, "memory": true}
	lib := &fakeLibrary{devices: []fakeDevice{h200, noPower}}
	s := New(lib)
	devs, err := s.Devices()
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 2 {
		t.Fatalf("got %d devices, want 2", len(devs))
	}
	a := devs[0]
	if a.Index != 0 || a.Name != "GPU A" || a.UUID != "GPU-a" || a.Utilization != 0.37 || a.TemperatureC != 51 || a.PowerW != 412.5 || a.MemoryUsed != 3<<30 || a.MemoryTotal != 141<<30 {
		t.Errorf("device 0 = %+v", a)
	}
	b := devs[1]
	if b.Index != 1 || !math.IsNaN(b.PowerW) || !math.IsNaN(b.Utilization) || !math.IsNaN(b.MemoryUsed) || !math.IsNaN(b.MemoryTotal) || b.TemperatureC != 51 {
		t.Errorf("device 1 = %+v: unsupported readings must be NaN, the others kept", b)
	}
	if _, err := s.Devices(); err != nil {
		t.Fatal(err)
	}
	if lib.inits != 1 {
		t.Errorf("Init called %d times over two reads, want 1", lib.inits)
	}
	if err := s.Close(); err != nil || lib.shutdowns != 1 {
		t.Errorf("Close = %v, shutdowns %d, want nil and 1", err, lib.shutdowns)
	}
}

func TestDevicesFailures(t *testing.T) {
	cases := []struct {
		name string
		lib  Library
		want string
	}{
		{"no library", nil, "no library"},
		{"init fails", &fakeLibrary{initErr: errors.New("library not found")}, "library not found"},
		{"count fails", &fakeLibrary{countErr: errors.New("driver gone")}, "count devices"},
		{"the only device fails", &fakeLibrary{devices: []fakeDevice{{}}, deviceErrAt: 0, deviceErr: errors.New("lost")}, "device 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := New(tc.lib)
			devs, err := s.Devices()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Devices = %v, %v; want an error containing %q", devs, err, tc.want)
			}
			if _, again := s.Devices(); again == nil {
				t.Error("second read succeeded after a failure that persists")
			}
		})
	}
}

func TestCloseWithoutRead(t *testing.T) {
	lib := &fakeLibrary{}
	s := New(lib)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if lib.inits != 0 || lib.shutdowns != 0 {
		t.Errorf("Close before any read called Init %d and Shutdown %d times, want 0", lib.inits, lib.shutdowns)
	}
	if _, err := s.Devices(); err == nil {
		t.Error("a read after Close succeeded")
	}
}

func TestOpenInThisBuild(t *testing.T) {
	// The test machines have no NVIDIA driver: Open must still work and
	// report the absence as an error, never panic.
	s := Open()
	defer s.Close()
	_, err := s.Devices()
	if err == nil {
		t.Skip("an NVIDIA driver is present: nothing to check")
	}
	if !strings.Contains(err.Error(), "nvml: initialise") || !strings.Contains(err.Error(), "NVIDIA_DRIVER_CAPABILITIES") {
		t.Errorf("error %q does not say that NVML could not start and what to check", err)
	}
}

func TestOneDeviceFailingKeepsTheOthers(t *testing.T) {
	lib := &fakeLibrary{devices: []fakeDevice{{name: "A"}, {name: "B"}, {name: "C"}}, deviceErrAt: 1, deviceErr: errors.New("fallen off the bus")}
	devs, err := New(lib).Devices()
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 2 || devs[0].Name != "A" || devs[0].Index != 0 || devs[1].Name != "C" || devs[1].Index != 2 {
		t.Errorf("devices %+v, want A (0) and C (2)", devs)
	}
}

func TestInitRetriedAfterInterval(t *testing.T) {
	lib := &fakeLibrary{initErr: errors.New("driver not loaded"), devices: []fakeDevice{{name: "A"}}}
	now := time.Unix(1000, 0)
	s := New(lib)
	s.now = func() time.Time { return now }
	steps := []struct {
		advance   time.Duration
		fixDriver bool
		wantErr   bool
		wantInits int
	}{
		{0, false, true, 1},
		{DefaultRetry / 2, true, true, 1}, // too soon: the last error, no new attempt
		{DefaultRetry, false, false, 2},   // retried, and the driver is there now
		{DefaultRetry * 3, false, false, 2},
	}
	for i, st := range steps {
		now = now.Add(st.advance)
		if st.fixDriver {
			lib.initErr = nil
		}
		_, err := s.Devices()
		if (err != nil) != st.wantErr || lib.inits != st.wantInits {
			t.Fatalf("step %d: err %v, %d inits; want error %v, %d inits", i, err, lib.inits, st.wantErr, st.wantInits)
		}
	}
}
