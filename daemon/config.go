package daemon

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/terragonlabs/modelcard-generator/engine"
)

// Config configures the daemon. Its YAML form is the --config file; the
// settings are applied in the order defaults < file < environment < flags.
//
// Native keys (YAML name → field):
//
//	http_addr          HTTPAddr          API listener (":8080")
//	metrics_addr       MetricsAddr       metrics listener (":9090"; "" disables)
//	backend            Backend           auto, cpu or cuda ("auto")
//	batch_size         BatchSize         cards per engine batch (64)
//	max_batch_delay    MaxBatchDelay     longest wait to fill a batch (2ms)
//	queue_size         QueueSize         cards that may wait; past it 429 (4096)
//	workers            Workers           engine featurize workers (0: all CPUs)
//	cache_bytes        CacheBytes        generated-card cache size (64 MiB; 0 off)
//	cache_entries      CacheEntries      generated-card cache entries (0: no cap)
//	max_body_bytes     MaxBodyBytes      request body limit; past it 413 (10 MiB)
//	request_timeout    RequestTimeout    per-request deadline (30s)
//	read_timeout       ReadTimeout       whole-request read limit (30s)
//	write_timeout      WriteTimeout      response write limit (60s)
//	idle_timeout       IdleTimeout       keep-alive idle limit (120s)
//	shutdown_timeout   ShutdownTimeout   drain limit on SIGTERM (30s)
//	rate_limit.enabled RateLimit.Enabled per-client token bucket (false)
//	rate_limit.rps     RateLimit.RPS     requests per second per client (50)
//	rate_limit.burst   RateLimit.Burst   burst per client (100)
//
// Keys of the deployment guide's config.yaml are read where they mean
// something here (see GuideKeys); the rest are accepted and reported as
// ignored. Any other key is an error.
type Config struct {
	HTTPAddr        string          `yaml:"http_addr"`
	MetricsAddr     string          `yaml:"metrics_addr"`
	Backend         string          `yaml:"backend"`
	BatchSize       int             `yaml:"batch_size"`
	MaxBatchDelay   time.Duration   `yaml:"max_batch_delay"`
	QueueSize       int             `yaml:"queue_size"`
	Workers         int             `yaml:"workers"`
	CacheBytes      int64           `yaml:"cache_bytes"`
	CacheEntries    int             `yaml:"cache_entries"`
	MaxBodyBytes    int64           `yaml:"max_body_bytes"`
	RequestTimeout  time.Duration   `yaml:"request_timeout"`
	ReadTimeout     time.Duration   `yaml:"read_timeout"`
	WriteTimeout    time.Duration   `yaml:"write_timeout"`
	IdleTimeout     time.Duration   `yaml:"idle_timeout"`
	ShutdownTimeout time.Duration   `yaml:"shutdown_timeout"`
	RateLimit       RateLimitConfig `yaml:"rate_limit"`
}

// RateLimitConfig configures per-client rate limiting.
type RateLimitConfig struct {
	// Enabled turns the limiter on.
	Enabled bool `yaml:"enabled"`
	// RPS is the requests per second each client may make on average.
	RPS float64 `yaml:"rps"`
	// Burst is the requests a client may make at once.
	Burst int `yaml:"burst"`
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		HTTPAddr:        ":8080",
		MetricsAddr:     ":9090",
		Backend:         "auto",
		BatchSize:       64,
		MaxBatchDelay:   2 * time.Millisecond,
		QueueSize:       4096,
		CacheBytes:      64 << 20,
		MaxBodyBytes:    10 << 20,
		RequestTimeout:  30 * time.Second,
		ReadTimeout:     30 * time.Second,
		WriteTimeout:    60 * time.Second,
		IdleTimeout:     120 * time.Second,
		ShutdownTimeout: 30 * time.Second,
		RateLimit:       RateLimitConfig{RPS: 50, Burst: 100},
	}
}

// GuideKeys maps the deployment guide's config.yaml keys onto settings: a
// key with a setting sets it (numbers in the guide's units are converted),
// one without is accepted and ignored. Read-only.
var GuideKeys = map[string]string{
	"neural_acceleration.batch_size":             "batch_size",
	"neural_acceleration.max_concurrent_workers": "workers",
	"neural_acceleration.worker_threads":         "workers",
	"neural_acceleration.gpu_acceleration":       "backend (true: auto, false: cpu)",
	"neural_acceleration.neural_cache_size":      "cache_entries",
	"neural_acceleration.cache_size":             "cache_entries",
	"gpu_settings.batch_timeout_ms":              "max_batch_delay (milliseconds)",
	"security.max_file_size":                     "max_body_bytes",
	"security.rate_limiting":                     "rate_limit.enabled",
	"monitoring.metrics_enabled":                 "metrics_addr (false: no metrics listener)",
	"network_tuning.timeout_ms":                  "request_timeout (milliseconds)",
	"network_tuning.max_concurrent_requests":     "queue_size",
}

// guideIgnored are the guide's sections and keys that have no meaning here.
var guideIgnored = []string{
	"breakthrough_optimization", "performance_tuning", "memory_optimization",
	"monitoring.health_checks_enabled", "monitoring.performance_tracking",
	"security.scan_content", "neural_acceleration.prefetch_factor",
	"gpu_settings.utilization_target", "gpu_settings.memory_pool_size",
	"network_tuning.keep_alive", "network_tuning.connection_pool_size",
}

// LoadConfigFile reads a YAML config file over base and returns the result
// and the keys it ignored. Errors name the file, the line and the key.
func LoadConfigFile(path string, base Config) (Config, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return base, nil, fmt.Errorf("read the config file: %w", err)
	}
	return ParseConfig(data, path, base)
}

// ParseConfig reads YAML config data over base; name is used in errors.
func ParseConfig(data []byte, name string, base Config) (Config, []string, error) {
	cfg := base
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return cfg, nil, nil
		}
		return base, nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(doc.Content) == 0 {
		return cfg, nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return base, nil, fmt.Errorf("%s:%d: the config must be a mapping of keys to values, such as `batch_size: 64`", name, root.Line)
	}
	var ignored []string
	var errs []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if err := applyKey(&cfg, k.Value, v, name, &ignored); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return base, nil, err
	}
	return cfg, ignored, nil
}

// applyKey sets one top-level key.
func applyKey(cfg *Config, key string, v *yaml.Node, name string, ignored *[]string) error {
	at := fmt.Sprintf("%s:%d: %s", name, v.Line, key)
	decode := func(dst any) error {
		if err := v.Decode(dst); err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
		return nil
	}
	switch key {
	case "http_addr":
		return decode(&cfg.HTTPAddr)
	case "metrics_addr":
		return decode(&cfg.MetricsAddr)
	case "backend":
		return decode(&cfg.Backend)
	case "batch_size":
		return decode(&cfg.BatchSize)
	case "max_batch_delay":
		return decode(&cfg.MaxBatchDelay)
	case "queue_size":
		return decode(&cfg.QueueSize)
	case "workers":
		return decode(&cfg.Workers)
	case "cache_bytes":
		return decode(&cfg.CacheBytes)
	case "cache_entries":
		return decode(&cfg.CacheEntries)
	case "max_body_bytes":
		return decode(&cfg.MaxBodyBytes)
	case "request_timeout":
		return decode(&cfg.RequestTimeout)
	case "read_timeout":
		return decode(&cfg.ReadTimeout)
	case "write_timeout":
		return decode(&cfg.WriteTimeout)
	case "idle_timeout":
		return decode(&cfg.IdleTimeout)
	case "shutdown_timeout":
		return decode(&cfg.ShutdownTimeout)
	case "rate_limit":
		var rl struct {
			Enabled *bool    `yaml:"enabled"`
			RPS     *float64 `yaml:"rps"`
			Burst   *int     `yaml:"burst"`
		}
		if err := checkKeys(v, at, "enabled", "rps", "burst"); err != nil {
			return err
		}
		if err := decode(&rl); err != nil {
			return err
		}
		if rl.Enabled != nil {
			cfg.RateLimit.Enabled = *rl.Enabled
		}
		if rl.RPS != nil {
			cfg.RateLimit.RPS = *rl.RPS
		}
		if rl.Burst != nil {
			cfg.RateLimit.Burst = *rl.Burst
		}
		return nil
	}
	if v.Kind == yaml.MappingNode && guideSection(key) {
		var errs []error
		for i := 0; i+1 < len(v.Content); i += 2 {
			sub := key + "." + v.Content[i].Value
			if err := applyGuideKey(cfg, sub, v.Content[i+1], name, ignored); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
	return fmt.Errorf("%s: unknown key; the keys are http_addr, metrics_addr, backend, batch_size, max_batch_delay, queue_size, workers, cache_bytes, cache_entries, max_body_bytes, request_timeout, read_timeout, write_timeout, idle_timeout, shutdown_timeout, rate_limit (and the deployment guide's sections)", at)
}

// checkKeys reports keys of a mapping that are not among allowed.
func checkKeys(v *yaml.Node, at string, allowed ...string) error {
	if v.Kind != yaml.MappingNode {
		return fmt.Errorf("%s: want a mapping with keys %s", at, strings.Join(allowed, ", "))
	}
	for i := 0; i < len(v.Content); i += 2 {
		k := v.Content[i].Value
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if !ok {
			return fmt.Errorf("%s.%s (line %d): unknown key; the keys are %s", at, k, v.Content[i].Line, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// guideSection reports whether key is a top-level section of the guide.
func guideSection(key string) bool {
	for k := range GuideKeys {
		if strings.HasPrefix(k, key+".") {
			return true
		}
	}
	for _, k := range guideIgnored {
		if k == key || strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}

// guideIgnoredKey reports whether key, or a section holding it, is one of
// the guide's keys without meaning here.
func guideIgnoredKey(key string) bool {
	for _, k := range guideIgnored {
		if k == key || strings.HasPrefix(key, k+".") {
			return true
		}
	}
	return false
}

// applyGuideKey sets the setting a guide key maps onto, or records the key
// as ignored.
func applyGuideKey(cfg *Config, key string, v *yaml.Node, name string, ignored *[]string) error {
	at := fmt.Sprintf("%s:%d: %s", name, v.Line, key)
	var err error
	var n int64
	var b bool
	num := func() { err = v.Decode(&n) }
	flag := func() { err = v.Decode(&b) }
	switch key {
	case "neural_acceleration.batch_size":
		if num(); err == nil {
			cfg.BatchSize = int(n)
		}
	case "neural_acceleration.max_concurrent_workers", "neural_acceleration.worker_threads":
		if num(); err == nil {
			cfg.Workers = int(n)
		}
	case "neural_acceleration.gpu_acceleration":
		if flag(); err == nil {
			cfg.Backend = map[bool]string{true: "auto", false: "cpu"}[b]
		}
	case "neural_acceleration.neural_cache_size", "neural_acceleration.cache_size":
		if num(); err == nil {
			cfg.CacheEntries = int(n)
		}
	case "gpu_settings.batch_timeout_ms":
		if num(); err == nil {
			cfg.MaxBatchDelay = time.Duration(n) * time.Millisecond
		}
	case "security.max_file_size":
		if num(); err == nil {
			cfg.MaxBodyBytes = n
		}
	case "security.rate_limiting":
		if flag(); err == nil {
			cfg.RateLimit.Enabled = b
		}
	case "monitoring.metrics_enabled":
		if flag(); err == nil && !b {
			cfg.MetricsAddr = ""
		}
	case "network_tuning.timeout_ms":
		if num(); err == nil {
			cfg.RequestTimeout = time.Duration(n) * time.Millisecond
		}
	case "network_tuning.max_concurrent_requests":
		if num(); err == nil {
			cfg.QueueSize = int(n)
		}
	default:
		if !guideIgnoredKey(key) {
			return fmt.Errorf("%s: unknown key of the deployment guide's config", at)
		}
		*ignored = append(*ignored, key)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", at, err)
	}
	return nil
}

// Validate checks the settings and says how to fix the first wrong ones.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		bad("http_addr %q: want HOST:PORT, such as :8080 (%v)", c.HTTPAddr, err)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			bad("metrics_addr %q: want HOST:PORT, such as :9090, or empty to disable metrics (%v)", c.MetricsAddr, err)
		} else if c.MetricsAddr == c.HTTPAddr {
			bad("metrics_addr and http_addr are both %q; give the metrics their own port", c.HTTPAddr)
		}
	}
	if c.BatchSize < 1 || c.BatchSize > engine.MaxBatchSize {
		bad("batch_size %d: want 1 to %d", c.BatchSize, engine.MaxBatchSize)
	}
	if c.MaxBatchDelay < 0 || c.MaxBatchDelay > 10*time.Second {
		bad("max_batch_delay %v: want 0 to 10s (0 means the 2ms default)", c.MaxBatchDelay)
	}
	if c.QueueSize < 1 {
		bad("queue_size %d: want at least 1", c.QueueSize)
	}
	if c.Workers < 0 {
		bad("workers %d: want 0 (all CPUs) or more", c.Workers)
	}
	if c.CacheBytes < 0 || c.CacheEntries < 0 {
		bad("cache_bytes %d, cache_entries %d: want 0 (off / no cap) or more", c.CacheBytes, c.CacheEntries)
	}
	if c.MaxBodyBytes < 1 {
		bad("max_body_bytes %d: want at least 1", c.MaxBodyBytes)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"request_timeout", c.RequestTimeout}, {"read_timeout", c.ReadTimeout}, {"write_timeout", c.WriteTimeout}, {"idle_timeout", c.IdleTimeout}, {"shutdown_timeout", c.ShutdownTimeout}} {
		if d.v <= 0 {
			bad("%s %v: want a positive duration, such as 30s", d.name, d.v)
		}
	}
	if c.RateLimit.Enabled && (c.RateLimit.RPS <= 0 || c.RateLimit.Burst < 1) {
		bad("rate_limit: rps %v and burst %d: want rps > 0 and burst ≥ 1 when enabled", c.RateLimit.RPS, c.RateLimit.Burst)
	}
	return errors.Join(errs...)
}
