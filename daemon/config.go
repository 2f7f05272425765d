package daemon

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
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
//	http_addr             HTTPAddr           API listener (":8080")
//	metrics_addr          MetricsAddr        metrics listener (":9090"; "" disables)
//	backend               Backend            auto, cpu or cuda ("auto")
//	batch_size            BatchSize          cards per engine batch (64)
//	max_batch_delay       MaxBatchDelay      longest wait to fill a batch (2ms)
//	queue_size            QueueSize          cards that may wait; past it 429 (4096)
//	workers               Workers            engine featurize workers (0: all CPUs)
//	cache_bytes           CacheBytes         generated-card cache size (64 MiB; 0 off)
//	cache_entries         CacheEntries       generated-card cache entries (0: no cap)
//	max_body_bytes        MaxBodyBytes       request body limit; past it 413 (10 MiB)
//	max_cards_per_request MaxCardsPerRequest specs or cards per request; past it 413 (1024)
//	max_response_bytes    MaxResponseBytes   generated cards per response, in bytes; past it 413 (32 MiB)
//	request_timeout       RequestTimeout     per-request deadline (30s)
//	read_timeout          ReadTimeout        whole-request read limit (30s)
//	write_timeout         WriteTimeout       response write limit (60s)
//	idle_timeout          IdleTimeout        keep-alive idle limit (120s)
//	drain_delay           DrainDelay         serving on after SIGTERM with /ready 503 (5s)
//	shutdown_timeout      ShutdownTimeout    drain limit on SIGTERM (30s)
//	rate_limit.enabled    RateLimit.Enabled  per-client token bucket (false)
//	rate_limit.rps        RateLimit.RPS      requests per second per client (50)
//	rate_limit.burst      RateLimit.Burst    burst per client (100)
//
// Keys of the deployment guide's config.yaml are read where they mean
// something here (see GuideKeys); the rest are accepted and reported as
// ignored. Any other key is an error.
type Config struct {
	HTTPAddr           string          `yaml:"http_addr"`
	MetricsAddr        string          `yaml:"metrics_addr"`
	Backend            string          `yaml:"backend"`
	BatchSize          int             `yaml:"batch_size"`
	MaxBatchDelay      time.Duration   `yaml:"max_batch_delay"`
	QueueSize          int             `yaml:"queue_size"`
	Workers            int             `yaml:"workers"`
	CacheBytes         int64           `yaml:"cache_bytes"`
	CacheEntries       int             `yaml:"cache_entries"`
	MaxBodyBytes       int64           `yaml:"max_body_bytes"`
	MaxCardsPerRequest int             `yaml:"max_cards_per_request"`
	MaxResponseBytes   int64           `yaml:"max_response_bytes"`
	RequestTimeout     time.Duration   `yaml:"request_timeout"`
	ReadTimeout        time.Duration   `yaml:"read_timeout"`
	WriteTimeout       time.Duration   `yaml:"write_timeout"`
	IdleTimeout        time.Duration   `yaml:"idle_timeout"`
	DrainDelay         time.Duration   `yaml:"drain_delay"`
	ShutdownTimeout    time.Duration   `yaml:"shutdown_timeout"`
	RateLimit          RateLimitConfig `yaml:"rate_limit"`
}

// Upper bounds of the settings that size memory or goroutines at start or
// per request; Validate refuses values past them.
const (
	// MaxQueueSize bounds queue_size: the queue is a channel of that
	// many slots, made at start.
	MaxQueueSize = 1 << 20
	// MaxWorkers bounds workers: an audit request starts that many
	// goroutines.
	MaxWorkers = 1024
	// MaxBodyBytesLimit bounds max_body_bytes: a body is held in memory
	// whole.
	MaxBodyBytesLimit = 1 << 30
	// MaxCardsLimit bounds max_cards_per_request.
	MaxCardsLimit = 1 << 20
	// MinResponseBytes is the least max_response_bytes: room for one card.
	MinResponseBytes = 64 << 10
	// MaxDrainDelay bounds drain_delay.
	MaxDrainDelay = 5 * time.Minute
)

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
		HTTPAddr:      ":8080",
		MetricsAddr:   ":9090",
		Backend:       "auto",
		BatchSize:     64,
		MaxBatchDelay: 2 * time.Millisecond,
		QueueSize:     4096,
		CacheBytes:    64 << 20,
		MaxBodyBytes:  10 << 20,
		// About 10 KB of card per spec in the Hub format, 25 KB in HTML,
		// and some 40 KB of memory per spec while a request is worked on:
		// 1024 specs are 16 batches of the default batch_size (one of the
		// GPU overlay's) and about 40 MB, so that a few such requests at
		// once stay well inside the 1 GiB pod of deploy/.
		MaxCardsPerRequest: 1024,
		MaxResponseBytes:   32 << 20,
		RequestTimeout:     30 * time.Second,
		ReadTimeout:        30 * time.Second,
		WriteTimeout:       60 * time.Second,
		IdleTimeout:        120 * time.Second,
		DrainDelay:         5 * time.Second,
		ShutdownTimeout:    30 * time.Second,
		RateLimit:          RateLimitConfig{RPS: 50, Burst: 100},
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

// Origin says where a setting was given, so that an error can name it as
// the user wrote it.
type Origin struct {
	// Key is the setting as written: a key of the config file (such as
	// "queue_size", or the deployment guide's "security.max_file_size"),
	// a flag ("--queue-size") or an environment variable
	// ("MODELCARD_QUEUE_SIZE").
	Key string
	// File and Line place a key of the config file; they are empty for
	// flags and environment variables.
	File string
	Line int
	// Value is the value as written, when it was a scalar ("" otherwise).
	Value string
}

// Origins maps native keys (such as "max_body_bytes" or "rate_limit.rps")
// to where their values were given. A key that is not in it has its
// default.
type Origins map[string]Origin

// guideWants are the ranges of the guide's keys whose unit differs from
// their setting's, in the guide's unit. Read-only.
var guideWants = map[string]string{
	"network_tuning.timeout_ms":     "a positive number of milliseconds, such as 30000",
	"gpu_settings.batch_timeout_ms": "0 to 10000 milliseconds (0 means the 2 ms default)",
}

// Describe names the setting key, whose value is v, in an error: where and as
// it was given ("file:line: key value", "--flag value" or "ENV=value"),
// else by its native key.
func (o Origins) Describe(key string, v any) string {
	or, ok := o[key]
	if !ok {
		return key + " " + showValue(v, "")
	}
	val := showValue(v, or.Value)
	switch {
	case or.File != "":
		return fmt.Sprintf("%s:%d: %s %s", or.File, or.Line, or.Key, val)
	case strings.HasPrefix(or.Key, "-"):
		return or.Key + " " + val
	default:
		return or.Key + "=" + val
	}
}

// want words the range want of the setting key for the way it was given:
// in the guide's unit for a guide key that has one of its own, and naming
// the setting a guide key sets.
func (o Origins) want(key, want string) string {
	or, ok := o[key]
	if !ok || or.Key == key || or.File == "" {
		return want
	}
	if w, ok := guideWants[or.Key]; ok {
		want = w
	}
	return fmt.Sprintf("%s; %s is the deployment guide's key for %s", want, or.Key, key)
}

// showValue shows a value in an error: as written when it was, strings
// quoted.
func showValue(v any, written string) string {
	if written == "" {
		written = fmt.Sprint(v)
	}
	if _, ok := v.(string); ok {
		return fmt.Sprintf("%q", written)
	}
	return written
}

// LoadConfigFile reads a YAML config file over base and returns the result
// and the keys it ignored. Errors name the file, the line and the key.
// Where each setting the file sets was given is added to origins, when
// that is not nil.
func LoadConfigFile(path string, base Config, origins Origins) (Config, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return base, nil, fmt.Errorf("read the config file: %w", err)
	}
	return ParseConfig(data, path, base, origins)
}

// ParseConfig reads YAML config data over base; name is used in errors and
// origins (when not nil) learns where each setting given was given. A key
// given twice, at any level, is an error that names both lines.
func ParseConfig(data []byte, name string, base Config, origins Origins) (Config, []string, error) {
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
	errs := duplicateKeys(root, name, "")
	var ignored []string
	found := Origins{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if err := applyKey(&cfg, k.Value, v, name, &ignored, found); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return base, nil, err
	}
	if origins != nil {
		for k, o := range found {
			origins[k] = o
		}
	}
	return cfg, ignored, nil
}

// duplicateKeys reports the keys given twice in a mapping and in the
// mappings under it; prefix is the mapping's own dotted key and a dot.
func duplicateKeys(m *yaml.Node, name, prefix string) []error {
	var errs []error
	first := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if line, dup := first[k.Value]; dup {
			errs = append(errs, fmt.Errorf("%s:%d: %s%s is given twice (first on line %d); keep one of them", name, k.Line, prefix, k.Value, line))
		} else {
			first[k.Value] = k.Line
		}
		if v.Kind == yaml.MappingNode {
			errs = append(errs, duplicateKeys(v, name, prefix+k.Value+".")...)
		}
	}
	return errs
}

// scalarText is a node's text when it is a scalar, else "".
func scalarText(v *yaml.Node) string {
	if v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// nativeKeys are the top-level keys of Config, in the order of its fields.
const nativeKeys = "http_addr, metrics_addr, backend, batch_size, max_batch_delay, queue_size, workers, cache_bytes, cache_entries, max_body_bytes, max_cards_per_request, max_response_bytes, request_timeout, read_timeout, write_timeout, idle_timeout, drain_delay, shutdown_timeout, rate_limit"

// applyKey sets one top-level key and records in found where the settings
// it sets were given.
func applyKey(cfg *Config, key string, v *yaml.Node, name string, ignored *[]string, found Origins) error {
	at := fmt.Sprintf("%s:%d: %s", name, v.Line, key)
	decode := func(dst any) error {
		if err := v.Decode(dst); err != nil {
			return fmt.Errorf("%s: %w", at, err)
		}
		if err := settingGivenTwice(found, key, key, name, v); err != nil {
			return err
		}
		found[key] = Origin{Key: key, File: name, Line: v.Line, Value: scalarText(v)}
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
	case "max_cards_per_request":
		return decode(&cfg.MaxCardsPerRequest)
	case "max_response_bytes":
		return decode(&cfg.MaxResponseBytes)
	case "request_timeout":
		return decode(&cfg.RequestTimeout)
	case "read_timeout":
		return decode(&cfg.ReadTimeout)
	case "write_timeout":
		return decode(&cfg.WriteTimeout)
	case "idle_timeout":
		return decode(&cfg.IdleTimeout)
	case "drain_delay":
		return decode(&cfg.DrainDelay)
	case "shutdown_timeout":
		return decode(&cfg.ShutdownTimeout)
	case "rate_limit":
		return applyRateLimit(cfg, v, at, name, found)
	}
	if guideSection(key) {
		if v.Kind != yaml.MappingNode {
			return fmt.Errorf("%s: want a mapping of the deployment guide's %s keys, such as `%s:` with indented `key: value` lines under it, not %s", at, key, key, yamlKind(v))
		}
		var errs []error
		for i := 0; i+1 < len(v.Content); i += 2 {
			sub := key + "." + v.Content[i].Value
			if err := applyGuideKey(cfg, sub, v.Content[i+1], name, ignored, found); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
	return fmt.Errorf("%s: unknown key; the keys are %s (and the deployment guide's sections)", at, nativeKeys)
}

// applyRateLimit sets the rate_limit mapping's keys.
func applyRateLimit(cfg *Config, v *yaml.Node, at, name string, found Origins) error {
	if err := checkKeys(v, at, "enabled", "rps", "burst"); err != nil {
		return err
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i].Value, v.Content[i+1]
		var err error
		switch k {
		case "enabled":
			err = val.Decode(&cfg.RateLimit.Enabled)
		case "rps":
			err = val.Decode(&cfg.RateLimit.RPS)
		case "burst":
			err = val.Decode(&cfg.RateLimit.Burst)
		}
		if err != nil {
			return fmt.Errorf("%s:%d: rate_limit.%s: %w", name, val.Line, k, err)
		}
		found["rate_limit."+k] = Origin{Key: "rate_limit." + k, File: name, Line: val.Line, Value: scalarText(val)}
	}
	return nil
}

// yamlKind words the kind of a YAML node for errors.
func yamlKind(v *yaml.Node) string {
	switch v.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return "an empty value"
		}
		return fmt.Sprintf("the value %q", clip(v.Value, maxEcho))
	}
	return "an alias"
}

// checkKeys reports keys of a mapping that are not among allowed.
func checkKeys(v *yaml.Node, at string, allowed ...string) error {
	if v.Kind != yaml.MappingNode {
		return fmt.Errorf("%s: want a mapping with keys %s, not %s", at, strings.Join(allowed, ", "), yamlKind(v))
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

// applyGuideKey sets the setting a guide key maps onto and records where
// it was given in found, or records the key as ignored.
func applyGuideKey(cfg *Config, key string, v *yaml.Node, name string, ignored *[]string, found Origins) error {
	at := fmt.Sprintf("%s:%d: %s", name, v.Line, key)
	var err error
	var n int64
	var b bool
	num := func() { err = v.Decode(&n) }
	flag := func() { err = v.Decode(&b) }
	var native string
	switch key {
	case "neural_acceleration.batch_size":
		native = "batch_size"
		if num(); err == nil {
			cfg.BatchSize = clampInt(n)
		}
	case "neural_acceleration.max_concurrent_workers", "neural_acceleration.worker_threads":
		native = "workers"
		if num(); err == nil {
			cfg.Workers = clampInt(n)
		}
	case "neural_acceleration.gpu_acceleration":
		native = "backend"
		if flag(); err == nil {
			cfg.Backend = map[bool]string{true: "auto", false: "cpu"}[b]
		}
	case "neural_acceleration.neural_cache_size", "neural_acceleration.cache_size":
		native = "cache_entries"
		if num(); err == nil {
			cfg.CacheEntries = clampInt(n)
		}
	case "gpu_settings.batch_timeout_ms":
		native = "max_batch_delay"
		if num(); err == nil {
			cfg.MaxBatchDelay = millis(n)
		}
	case "security.max_file_size":
		native = "max_body_bytes"
		if num(); err == nil {
			cfg.MaxBodyBytes = n
		}
	case "security.rate_limiting":
		native = "rate_limit.enabled"
		if flag(); err == nil {
			cfg.RateLimit.Enabled = b
		}
	case "monitoring.metrics_enabled":
		if flag(); err == nil && !b {
			native = "metrics_addr"
			cfg.MetricsAddr = ""
		}
	case "network_tuning.timeout_ms":
		native = "request_timeout"
		if num(); err == nil {
			cfg.RequestTimeout = millis(n)
		}
	case "network_tuning.max_concurrent_requests":
		native = "queue_size"
		if num(); err == nil {
			cfg.QueueSize = clampInt(n)
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
	if native != "" {
		if err := settingGivenTwice(found, native, key, name, v); err != nil {
			return err
		}
		found[native] = Origin{Key: key, File: name, Line: v.Line, Value: scalarText(v)}
	}
	return nil
}

// settingGivenTwice returns an error when the file already set the
// setting native to another value, under another name (its own key and
// the deployment guide's, or two of the guide's): the later one would win
// unseen. The same value twice is no conflict.
func settingGivenTwice(found Origins, native, key, name string, v *yaml.Node) error {
	prev, ok := found[native]
	if !ok || prev.File != name || prev.Value == scalarText(v) {
		return nil
	}
	line := v.Line
	return fmt.Errorf("%s:%d: %s sets %s, which %s on line %d sets already; keep one of the two", name, line, key, native, prev.Key, prev.Line)
}

// clampInt converts n to an int, keeping values past an int's range past
// every bound (on 32-bit systems) rather than wrapping them into it.
func clampInt(n int64) int {
	return int(max(min(n, math.MaxInt), math.MinInt))
}

// millis converts a number of milliseconds to a duration, keeping values
// past a duration's range out of every bound rather than wrapping them.
func millis(n int64) time.Duration {
	const most = math.MaxInt64 / int64(time.Millisecond)
	return time.Duration(max(min(n, most), -most)) * time.Millisecond
}

// Validate checks the settings and says how to fix every wrong one, naming
// each by its native key.
func (c Config) Validate() error { return c.Check(nil) }

// Check is Validate naming each wrong setting as origins says it was given:
// with the file, line and key as written for a setting of the config file,
// by its flag or environment variable otherwise.
func (c Config) Check(origins Origins) error {
	var errs []error
	bad := func(key string, v any, want string) {
		errs = append(errs, fmt.Errorf("%s: want %s", origins.Describe(key, v), origins.want(key, want)))
	}
	if err := checkAddr(c.HTTPAddr); err != nil {
		bad("http_addr", c.HTTPAddr, fmt.Sprintf("HOST:PORT with a port from 0 to 65535, such as :8080 (%v)", err))
	}
	if c.MetricsAddr != "" {
		if err := checkAddr(c.MetricsAddr); err != nil {
			bad("metrics_addr", c.MetricsAddr, fmt.Sprintf("HOST:PORT with a port from 0 to 65535, such as :9090, or empty to disable metrics (%v)", err))
		} else if c.MetricsAddr == c.HTTPAddr {
			errs = append(errs, fmt.Errorf("%s and %s: the same address; give the metrics their own port", origins.Describe("metrics_addr", c.MetricsAddr), origins.Describe("http_addr", c.HTTPAddr)))
		}
	}
	if c.BatchSize < 1 || c.BatchSize > engine.MaxBatchSize {
		bad("batch_size", c.BatchSize, fmt.Sprintf("1 to %d", engine.MaxBatchSize))
	}
	if c.MaxBatchDelay < 0 || c.MaxBatchDelay > 10*time.Second {
		bad("max_batch_delay", c.MaxBatchDelay, "0 to 10s (0 means the 2ms default)")
	}
	if c.QueueSize < 1 || c.QueueSize > MaxQueueSize {
		bad("queue_size", c.QueueSize, fmt.Sprintf("1 to %d", MaxQueueSize))
	}
	if c.Workers < 0 || c.Workers > MaxWorkers {
		bad("workers", c.Workers, fmt.Sprintf("0 (one per CPU) to %d", MaxWorkers))
	}
	if c.CacheBytes < 0 {
		bad("cache_bytes", c.CacheBytes, "0 (no cache) or more")
	}
	if c.CacheEntries < 0 {
		bad("cache_entries", c.CacheEntries, "0 (no cap) or more")
	}
	if c.MaxBodyBytes < 1 || c.MaxBodyBytes > MaxBodyBytesLimit {
		bad("max_body_bytes", c.MaxBodyBytes, fmt.Sprintf("1 to %d (1 GiB)", MaxBodyBytesLimit))
	}
	if c.MaxCardsPerRequest < 1 || c.MaxCardsPerRequest > MaxCardsLimit {
		bad("max_cards_per_request", c.MaxCardsPerRequest, fmt.Sprintf("1 to %d", MaxCardsLimit))
	}
	if c.MaxResponseBytes < MinResponseBytes {
		bad("max_response_bytes", c.MaxResponseBytes, fmt.Sprintf("%d (64 KiB) or more", MinResponseBytes))
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"request_timeout", c.RequestTimeout}, {"read_timeout", c.ReadTimeout}, {"write_timeout", c.WriteTimeout}, {"idle_timeout", c.IdleTimeout}, {"shutdown_timeout", c.ShutdownTimeout}} {
		if d.v <= 0 {
			bad(d.key, d.v, "a positive duration, such as 30s")
		}
	}
	if c.DrainDelay < 0 || c.DrainDelay > MaxDrainDelay {
		bad("drain_delay", c.DrainDelay, fmt.Sprintf("0 to %v", MaxDrainDelay))
	}
	if c.RateLimit.Enabled {
		if !(c.RateLimit.RPS > 0) || math.IsInf(c.RateLimit.RPS, 0) {
			bad("rate_limit.rps", c.RateLimit.RPS, "a number above 0 while the rate limit is enabled")
		}
		if c.RateLimit.Burst < 1 {
			bad("rate_limit.burst", c.RateLimit.Burst, "1 or more while the rate limit is enabled")
		}
	}
	return errors.Join(errs...)
}

// checkAddr checks a listen address: HOST:PORT, the port a number from 0
// to 65535 or a service name.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return err
	}
	return nil
}
