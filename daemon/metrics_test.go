package daemon

import (
	"bytes"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads a handler's metrics and parses them.
func scrape(t *testing.T, h http.Handler) ([]byte, map[string]*dto.MetricFamily) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("parse the metrics: %v", err)
	}
	return rec.Body.Bytes(), fams
}

func TestMetricsExposition(t *testing.T) {
	s, ts := newTestServer(t, testConfig(), &fakeEngine{})
	do(t, "POST", ts.URL+"/generate", "application/json", `{"model_id": "a/b"}`)
	do(t, "POST", ts.URL+"/generate", "application/json", `{"model_id": "a/b"}`)
	do(t, "POST", ts.URL+"/generate", "application/json", `{"model_id": "a/b", "tags": 5}`)
	do(t, "POST", ts.URL+"/v1/cards:audit", "text/markdown", "# x\n")
	raw, fams := scrape(t, s.MetricsHandler())
	for _, name := range []string{
		"modelcard_cards_generated_total", "modelcard_cards_audited_total", "modelcard_batch_size",
		"modelcard_batch_duration_seconds", "modelcard_queue_depth", "modelcard_cache_hits_total",
		"modelcard_cache_misses_total", "modelcard_backend_info", "http_requests_total",
		"http_request_duration_seconds", "modelcard_gpu_nvml_up", "go_goroutines", "process_start_time_seconds",
	} {
		if fams[name] == nil {
			t.Errorf("no metric family %s", name)
		}
	}
	value := func(name string, labels map[string]string) float64 {
		f := fams[name]
		if f == nil {
			return -1
		}
	next:
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
		return -1
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"modelcard_cards_generated_total", map[string]string{"format": "hf", "family": "generic", "outcome": "ok"}, 2},
		{"modelcard_cards_generated_total", map[string]string{"outcome": "invalid"}, 1},
		{"modelcard_cards_audited_total", map[string]string{"outcome": "ok"}, 1},
		{"modelcard_cache_hits_total", nil, 1},
		{"modelcard_cache_misses_total", nil, 2},
		{"modelcard_batch_size", nil, 1},
		{"modelcard_backend_info", map[string]string{"backend": "fake", "device": "cpu"}, 1},
		{"modelcard_gpu_nvml_up", nil, 0},
		{"http_requests_total", map[string]string{"handler": "generate_simple", "code": "200", "method": "post"}, 2},
		{"http_requests_total", map[string]string{"handler": "generate_simple", "code": "400"}, 1},
	}
	for _, c := range checks {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	promtool(t, raw)
}

// promtool runs `promtool check metrics` on an exposition when promtool is
// installed; under CI it must be.
func promtool(t *testing.T, exposition []byte) {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool is not installed; CI must install it (Debian package prometheus)")
		}
		t.Log("promtool not installed; skipping `promtool check metrics`")
		return
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = bytes.NewReader(exposition)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

type fakeGPU struct {
	devs []DeviceStats
	err  error
}

func (f fakeGPU) Devices() ([]DeviceStats, error) { return f.devs, f.err }

type fakePool struct {
	stats []PoolStats
	err   error
}

func (f fakePool) PoolStats() ([]PoolStats, error) { return f.stats, f.err }

// collect gathers one collector's metrics.
func collect(t *testing.T, c prometheus.Collector) map[string]*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

func TestGPUCollector(t *testing.T) {
	dev := DeviceStats{Index: 0, UUID: "GPU-1", Name: "Test GPU", Utilization: 0.25, MemoryUsed: 1 << 30, MemoryTotal: 8 << 30, TemperatureC: 55, PowerW: 120.5}
	noPower := dev
	noPower.PowerW = math.NaN()
	tests := []struct {
		name   string
		src    GPUStats
		up     float64
		want   map[string]float64
		absent []string
	}{
		{"nil source", nil, 0, nil, nil},
		{"no NVML", NoGPU{}, 0, nil, nil},
		{"failing", fakeGPU{err: errors.New("driver gone")}, 0, nil, nil},
		{"one device", fakeGPU{devs: []DeviceStats{dev}}, 1, map[string]float64{
			"modelcard_gpu_utilization_ratio": 0.25, "modelcard_gpu_memory_used_bytes": 1 << 30,
			"modelcard_gpu_memory_total_bytes": 8 << 30, "modelcard_gpu_temperature_celsius": 55,
			"modelcard_gpu_power_watts": 120.5,
		}, nil},
		{"unsupported readings", fakeGPU{devs: []DeviceStats{noPower}}, 1, map[string]float64{
			"modelcard_gpu_utilization_ratio": 0.25, "modelcard_gpu_temperature_celsius": 55,
		}, []string{"modelcard_gpu_power_watts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fams := collect(t, NewGPUCollector(tt.src))
			if got := fams["modelcard_gpu_nvml_up"].GetMetric()[0].GetGauge().GetValue(); got != tt.up {
				t.Errorf("nvml_up %v, want %v", got, tt.up)
			}
			if tt.want == nil && len(fams) != 1 {
				t.Errorf("device metrics without a source: %v", fams)
			}
			for _, name := range tt.absent {
				if fams[name] != nil {
					t.Errorf("%s exported for a reading the device does not support", name)
				}
			}
			for name, want := range tt.want {
				f := fams[name]
				if f == nil {
					t.Errorf("no %s", name)
					continue
				}
				m := f.GetMetric()[0]
				if got := m.GetGauge().GetValue(); got != want {
					t.Errorf("%s = %v, want %v", name, got, want)
				}
				if labels := m.GetLabel(); len(labels) != 3 || labels[1].GetValue() != "Test GPU" {
					t.Errorf("%s labels %v", name, labels)
				}
			}
		})
	}
}

func TestPoolCollector(t *testing.T) {
	ok := fakePool{stats: []PoolStats{{Device: "0", InUseBytes: 100, FreeBytes: 50, Allocations: 7, Hits: 5, Misses: 2}}}
	fams := collect(t, NewPoolCollector(ok))
	want := map[string]float64{
		"modelcard_device_pool_up": 1, "modelcard_device_pool_in_use_bytes": 100, "modelcard_device_pool_free_bytes": 50,
		"modelcard_device_pool_allocations_total": 7, "modelcard_device_pool_hits_total": 5, "modelcard_device_pool_misses_total": 2,
	}
	for name, w := range want {
		f := fams[name]
		if f == nil {
			t.Errorf("no %s", name)
			continue
		}
		m := f.GetMetric()[0]
		got := m.GetGauge().GetValue()
		if strings.HasSuffix(name, "_total") {
			got = m.GetCounter().GetValue()
		}
		if got != w {
			t.Errorf("%s = %v, want %v", name, got, w)
		}
	}
	fams = collect(t, NewPoolCollector(fakePool{err: errors.New("no device")}))
	if len(fams) != 1 || fams["modelcard_device_pool_up"].GetMetric()[0].GetGauge().GetValue() != 0 {
		t.Errorf("failing pool: %v", fams)
	}
}
