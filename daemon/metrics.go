package daemon

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the daemon's Prometheus metrics, in a registry of their own.
type Metrics struct {
	// Registry holds every metric below and the Go and process collectors.
	Registry *prometheus.Registry

	cardsGenerated *prometheus.CounterVec
	cardsAudited   *prometheus.CounterVec
	batchSize      prometheus.Histogram
	batchDuration  *prometheus.HistogramVec
	cacheHits      prometheus.Counter
	cacheMisses    prometheus.Counter
	// requestsRejected counts the requests turned away by reason.
	requestsRejected *prometheus.CounterVec
	httpRequests     *prometheus.CounterVec
	httpDuration     *prometheus.HistogramVec
}

// MetricsConfig says what the metrics describe.
type MetricsConfig struct {
	// Backend and Device label modelcard_backend_info.
	Backend, Device string
	// QueueDepth reports the cards waiting for a batch.
	QueueDepth func() float64
	// QueueCapacity is the number of cards the queue holds before the
	// daemon answers 429: the queue_size setting.
	QueueCapacity int
	// GPU is the source of device statistics; nil reports nvml_up 0.
	GPU GPUStats
	// Pool is the device memory pool, if the backend has one.
	Pool MemoryPoolStats
	// Degraded reports 1 while the backend is degraded, else 0 (nil: 0).
	Degraded func() float64
}

// NewMetrics builds the metrics and registers them in a new registry.
func NewMetrics(cfg MetricsConfig) (*Metrics, error) {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		cardsGenerated: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "modelcard_cards_generated_total",
			Help: "Cards asked for, by output format, template family and outcome: ok (generated, from the cache or not), invalid (the spec was refused), error (the engine or the renderer failed, or the request ran out of time), rejected (the request was turned away: queue full or shutting down).",
		}, []string{"format", "family", "outcome"}),
		cardsAudited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "modelcard_cards_audited_total",
			Help: "Cards audited, by outcome (ok, unreadable, error).",
		}, []string{"outcome"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "modelcard_batch_size",
			Help:    "Cards per engine batch.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 12),
		}),
		batchDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "modelcard_batch_duration_seconds",
			Help:    "Time spent per batch, by stage (decide: the engine call; audit: one audit request).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"stage"}),
		cacheHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "modelcard_cache_hits_total",
			Help: "Generated-card cache hits.",
		}),
		cacheMisses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "modelcard_cache_misses_total",
			Help: "Generated-card cache misses (not counted for requests turned away).",
		}),
		requestsRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "modelcard_requests_rejected_total",
			Help: "API requests turned away before any work, by reason: queue_full (429), rate_limited (429), shutting_down (503).",
		}, []string{"reason"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests served, by status code, handler and method.",
		}, []string{"code", "handler", "method"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "HTTP request latency, by handler.",
			Buckets: prometheus.DefBuckets,
		}, []string{"handler"}),
	}
	queue := cfg.QueueDepth
	if queue == nil {
		queue = func() float64 { return 0 }
	}
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "modelcard_backend_info",
		Help:        "The scoring backend in use (always 1).",
		ConstLabels: prometheus.Labels{"backend": cfg.Backend, "device": cfg.Device},
	})
	info.Set(1)
	degraded := cfg.Degraded
	if degraded == nil {
		degraded = func() float64 { return 0 }
	}
	cs := []prometheus.Collector{
		m.cardsGenerated, m.cardsAudited, m.batchSize, m.batchDuration,
		m.cacheHits, m.cacheMisses, m.requestsRejected, m.httpRequests, m.httpDuration, info,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "modelcard_queue_depth",
			Help: "Cards waiting for an engine batch.",
		}, queue),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "modelcard_queue_capacity",
			Help: "Cards the queue holds before requests are refused with 429 (the queue_size setting).",
		}, func() float64 { return float64(cfg.QueueCapacity) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "modelcard_backend_degraded",
			Help: "1 while the scoring backend is degraded (for example a GPU backend scoring on the CPU after a device failure), else 0.",
		}, degraded),
		NewGPUCollector(cfg.GPU),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}
	if cfg.Pool != nil {
		cs = append(cs, NewPoolCollector(cfg.Pool))
	}
	for _, c := range cs {
		if err := m.Registry.Register(c); err != nil {
			return nil, err
		}
	}
	// Every reason is exported from the start, at 0, so that rates and
	// alerts on it see the first rejection.
	for _, r := range []string{reasonQueueFull, reasonRateLimited, reasonShuttingDown} {
		m.requestsRejected.WithLabelValues(r)
	}
	return m, nil
}

// rejected counts a request turned away for reason.
func (m *Metrics) rejected(reason string) {
	m.requestsRejected.WithLabelValues(reason).Inc()
}

// Handler serves the registry in the Prometheus exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// instrument wraps an API handler with the request counter and latency
// histogram, labelled with the handler's name.
func (m *Metrics) instrument(name string, h http.Handler) http.Handler {
	counter := m.httpRequests.MustCurryWith(prometheus.Labels{"handler": name})
	duration := m.httpDuration.MustCurryWith(prometheus.Labels{"handler": name})
	return promhttp.InstrumentHandlerDuration(duration, promhttp.InstrumentHandlerCounter(counter, h))
}

// observeBatch records one engine batch.
func (m *Metrics) observeBatch(cards int, seconds float64) {
	m.batchSize.Observe(float64(cards))
	m.batchDuration.WithLabelValues("decide").Observe(seconds)
}

// GPUStats is a source of GPU statistics, such as NVML.
type GPUStats interface {
	// Devices returns the statistics of every device, or an error when
	// the source cannot be read (no driver, no library).
	Devices() ([]DeviceStats, error)
}

// DeviceStats are one GPU's statistics.
type DeviceStats struct {
	// Index is the device's index; UUID and Name identify it.
	Index      int
	UUID, Name string
	// Utilization is the fraction of time the device was busy, in [0,1].
	Utilization float64
	// MemoryUsed and MemoryTotal are in bytes (NaN when unreadable).
	MemoryUsed, MemoryTotal float64
	// TemperatureC is the core temperature in degrees Celsius.
	TemperatureC float64
	// PowerW is the power draw in watts.
	PowerW float64
}

// ErrNoNVML is what NoGPU reports: this build reads no GPU statistics.
var ErrNoNVML = errors.New("no NVML in this build")

// NoGPU is the GPU statistics source of builds without NVML: it always
// reports ErrNoNVML, so modelcard_gpu_nvml_up is 0.
type NoGPU struct{}

// Devices returns ErrNoNVML.
func (NoGPU) Devices() ([]DeviceStats, error) { return nil, ErrNoNVML }

// gpuCollector exports a GPUStats source.
type gpuCollector struct {
	src                                      GPUStats
	up, util, memUsed, memTotal, temp, power *prometheus.Desc
}

// NewGPUCollector returns a collector of src's statistics. When src is nil
// or fails, it reports modelcard_gpu_nvml_up 0 and no device metrics.
func NewGPUCollector(src GPUStats) prometheus.Collector {
	labels := []string{"gpu", "uuid", "name"}
	return &gpuCollector{
		src:      src,
		up:       prometheus.NewDesc("modelcard_gpu_nvml_up", "1 when GPU statistics could be read, else 0.", nil, nil),
		util:     prometheus.NewDesc("modelcard_gpu_utilization_ratio", "Fraction of time the GPU was busy.", labels, nil),
		memUsed:  prometheus.NewDesc("modelcard_gpu_memory_used_bytes", "GPU memory in use.", labels, nil),
		memTotal: prometheus.NewDesc("modelcard_gpu_memory_total_bytes", "GPU memory in all.", labels, nil),
		temp:     prometheus.NewDesc("modelcard_gpu_temperature_celsius", "GPU core temperature.", labels, nil),
		power:    prometheus.NewDesc("modelcard_gpu_power_watts", "GPU power draw.", labels, nil),
	}
}

// Describe sends the descriptors.
func (c *gpuCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.up, c.util, c.memUsed, c.memTotal, c.temp, c.power} {
		ch <- d
	}
}

// Collect reads the source once.
func (c *gpuCollector) Collect(ch chan<- prometheus.Metric) {
	if c.src == nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	devs, err := c.src.Devices()
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, d := range devs {
		l := []string{strconv.Itoa(d.Index), d.UUID, d.Name}
		// A reading the device does not support is NaN and left out.
		for _, g := range []struct {
			desc *prometheus.Desc
			v    float64
		}{
			{c.util, d.Utilization},
			{c.memUsed, d.MemoryUsed},
			{c.memTotal, d.MemoryTotal},
			{c.temp, d.TemperatureC},
			{c.power, d.PowerW},
		} {
			if !math.IsNaN(g.v) {
				ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, g.v, l...)
			}
		}
	}
}

// MemoryPoolStats is a device memory pool that reports its use; the CUDA
// backend's pool implements it.
type MemoryPoolStats interface {
	// PoolStats returns the pool's statistics per device.
	PoolStats() ([]PoolStats, error)
}

// PoolStats are one device memory pool's statistics.
type PoolStats struct {
	// Device names the device, such as "0".
	Device string
	// InUseBytes and FreeBytes are the bytes handed out and held free.
	InUseBytes, FreeBytes uint64
	// Allocations counts allocation requests; Hits those served from the
	// pool, Misses those that went to the driver.
	Allocations, Hits, Misses uint64
}

// poolCollector exports a MemoryPoolStats source.
type poolCollector struct {
	src                                 MemoryPoolStats
	up, inUse, free, allocs, hits, miss *prometheus.Desc
}

// NewPoolCollector returns a collector of a device memory pool's
// statistics; modelcard_device_pool_up is 0 when the pool cannot be read.
func NewPoolCollector(src MemoryPoolStats) prometheus.Collector {
	l := []string{"device"}
	return &poolCollector{
		src:    src,
		up:     prometheus.NewDesc("modelcard_device_pool_up", "1 when the device memory pool could be read, else 0.", nil, nil),
		inUse:  prometheus.NewDesc("modelcard_device_pool_in_use_bytes", "Device pool bytes handed out.", l, nil),
		free:   prometheus.NewDesc("modelcard_device_pool_free_bytes", "Device pool bytes held free.", l, nil),
		allocs: prometheus.NewDesc("modelcard_device_pool_allocations_total", "Device pool allocation requests.", l, nil),
		hits:   prometheus.NewDesc("modelcard_device_pool_hits_total", "Allocations served from the pool.", l, nil),
		miss:   prometheus.NewDesc("modelcard_device_pool_misses_total", "Allocations that went to the driver.", l, nil),
	}
}

// Describe sends the descriptors.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.up, c.inUse, c.free, c.allocs, c.hits, c.miss} {
		ch <- d
	}
}

// Collect reads the pool once.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	stats, err := c.src.PoolStats()
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, s := range stats {
		ch <- prometheus.MustNewConstMetric(c.inUse, prometheus.GaugeValue, float64(s.InUseBytes), s.Device)
		ch <- prometheus.MustNewConstMetric(c.free, prometheus.GaugeValue, float64(s.FreeBytes), s.Device)
		ch <- prometheus.MustNewConstMetric(c.allocs, prometheus.CounterValue, float64(s.Allocations), s.Device)
		ch <- prometheus.MustNewConstMetric(c.hits, prometheus.CounterValue, float64(s.Hits), s.Device)
		ch <- prometheus.MustNewConstMetric(c.miss, prometheus.CounterValue, float64(s.Misses), s.Device)
	}
}
