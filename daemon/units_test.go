package daemon

import (
	"strings"
	"testing"
	"time"
)

func TestCacheKeyNormalises(t *testing.T) {
	a, err := CacheKey([]byte(`{"b": 1, "a": {"y": 2.50, "x": "s"}}`), "hf", "v1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, spec, format, version string
		same                        bool
	}{
		{"reordered and spaced", "{\n\"a\":{\"x\":\"s\",\"y\":2.50},\"b\":1}", "hf", "v1", true},
		{"other number text", `{"b": 1, "a": {"y": 2.5, "x": "s"}}`, "hf", "v1", false},
		{"other format", `{"b": 1, "a": {"y": 2.50, "x": "s"}}`, "mct", "v1", false},
		{"other version", `{"b": 1, "a": {"y": 2.50, "x": "s"}}`, "hf", "v2", false},
		{"other value", `{"b": 2, "a": {"y": 2.50, "x": "s"}}`, "hf", "v1", false},
	}
	for _, tt := range tests {
		b, err := CacheKey([]byte(tt.spec), tt.format, tt.version)
		if err != nil {
			t.Fatal(err)
		}
		if (a == b) != tt.same {
			t.Errorf("%s: same key %v, want %v", tt.name, a == b, tt.same)
		}
	}
	if _, err := CacheKey([]byte(`{"a":`), "hf", "v1"); err == nil {
		t.Error("no error for malformed JSON")
	}
}

func TestCacheEvictsByBytesAndEntries(t *testing.T) {
	c := NewCache(10, 0)
	c.Put("a", []byte("1234"))
	c.Put("b", []byte("1234"))
	c.Get("a") // a is now the most recent
	c.Put("c", []byte("1234"))
	if _, ok := c.Get("b"); ok {
		t.Error("b, the least recently used, was kept past the byte cap")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("%s was evicted", k)
		}
	}
	if n, b := c.Len(); n != 2 || b != 8 {
		t.Errorf("len %d, bytes %d; want 2, 8", n, b)
	}
	c.Put("huge", make([]byte, 11))
	if _, ok := c.Get("huge"); ok {
		t.Error("a value over the cap was stored")
	}
	e := NewCache(1<<20, 2)
	for _, k := range []string{"x", "y", "z"} {
		e.Put(k, []byte(k))
	}
	if _, ok := e.Get("x"); ok {
		t.Error("entry cap not applied")
	}
	var none *Cache
	none.Put("a", []byte("1"))
	if _, ok := none.Get("a"); ok {
		t.Error("nil cache stored a value")
	}
}

func TestRateLimiter(t *testing.T) {
	now := time.Unix(1000, 0)
	l := NewRateLimiter(2, 3, func() time.Time { return now })
	var got []bool
	for range 4 {
		ok, _ := l.Allow("a")
		got = append(got, ok)
	}
	if want := []bool{true, true, true, false}; !equalBools(got, want) {
		t.Errorf("burst: %v, want %v", got, want)
	}
	if ok, wait := l.Allow("a"); ok || wait != 500*time.Millisecond {
		t.Errorf("empty bucket: ok %v wait %v; want false, 500ms", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Error("another client was limited")
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Error("no token after the refill time")
	}
	now = now.Add(time.Hour)
	l.Allow("c")
	if n := l.Clients(); n != 1 {
		t.Errorf("%d clients kept after they refilled, want 1", n)
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseConfig(t *testing.T) {
	guide := `
neural_acceleration:
  batch_size: 128
  gpu_acceleration: false
  neural_cache_size: 50000
  max_concurrent_workers: 64
breakthrough_optimization:
  target_throughput: 40000
monitoring:
  metrics_enabled: false
  health_checks_enabled: true
security:
  scan_content: true
  max_file_size: 10485760
  rate_limiting: true
gpu_settings:
  batch_timeout_ms: 100
`
	cfg, ignored, err := ParseConfig([]byte(guide), "config.yaml", DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.BatchSize, want.Backend, want.CacheEntries, want.Workers = 128, "cpu", 50000, 64
	want.MetricsAddr, want.MaxBodyBytes, want.RateLimit.Enabled = "", 10485760, true
	want.MaxBatchDelay = 100 * time.Millisecond
	if cfg != want {
		t.Errorf("guide config:\n%+v\nwant\n%+v", cfg, want)
	}
	if strings.Join(ignored, ",") != "breakthrough_optimization.target_throughput,monitoring.health_checks_enabled,security.scan_content" {
		t.Errorf("ignored %v", ignored)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("the guide's config does not validate: %v", err)
	}

	errs := []struct{ name, yaml, want string }{
		{"unknown", "colour: red\n", "config.yaml:1: colour: unknown key"},
		{"bad duration", "max_batch_delay: soon\n", "max_batch_delay"},
		{"not a mapping", "- a\n", "must be a mapping"},
		{"syntax", "a: [\n", "config.yaml"},
		{"unknown rate key", "rate_limit:\n  rate: 3\n", "rate_limit.rate"},
		{"unknown guide key", "neural_acceleration:\n  turbo: true\n", "neural_acceleration.turbo"},
	}
	for _, tt := range errs {
		_, _, err := ParseConfig([]byte(tt.yaml), "config.yaml", DefaultConfig(), nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
	if cfg, _, err := ParseConfig(nil, "empty.yaml", DefaultConfig(), nil); err != nil || cfg != DefaultConfig() {
		t.Errorf("empty file: %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"defaults", func(*Config) {}, ""},
		{"bad addr", func(c *Config) { c.HTTPAddr = "8080" }, "http_addr"},
		{"batch", func(c *Config) { c.BatchSize = 0 }, "batch_size"},
		{"queue", func(c *Config) { c.QueueSize = 0 }, "queue_size"},
		{"timeout", func(c *Config) { c.RequestTimeout = 0 }, "request_timeout"},
		{"body", func(c *Config) { c.MaxBodyBytes = 0 }, "max_body_bytes"},
		{"rate", func(c *Config) { c.RateLimit = RateLimitConfig{Enabled: true} }, "rate_limit"},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		tt.edit(&c)
		err := c.Validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
