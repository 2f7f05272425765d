package daemon

import (
	"strings"
	"testing"
	"time"
)

func TestValidateBounds(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string // "" for valid
	}{
		{"queue at its bound", func(c *Config) { c.QueueSize = MaxQueueSize }, ""},
		{"queue past makechan", func(c *Config) { c.QueueSize = 70368744177664 }, "queue_size 70368744177664: want 1 to 1048576"},
		{"queue of a billion", func(c *Config) { c.QueueSize = 1e9 }, "want 1 to 1048576"},
		{"workers at the bound", func(c *Config) { c.Workers = MaxWorkers }, ""},
		{"workers 50000", func(c *Config) { c.Workers = 50000 }, "workers 50000: want 0 (one per CPU) to 1024"},
		{"workers negative", func(c *Config) { c.Workers = -1 }, "workers -1"},
		{"cards per request 0", func(c *Config) { c.MaxCardsPerRequest = 0 }, "max_cards_per_request 0: want 1 to"},
		{"cards per request huge", func(c *Config) { c.MaxCardsPerRequest = MaxCardsLimit + 1 }, "max_cards_per_request"},
		{"response bytes small", func(c *Config) { c.MaxResponseBytes = 10 }, "max_response_bytes 10: want 65536"},
		{"body too large", func(c *Config) { c.MaxBodyBytes = 1 << 40 }, "max_body_bytes"},
		{"drain delay negative", func(c *Config) { c.DrainDelay = -time.Second }, "drain_delay -1s: want 0 to 5m0s"},
		{"drain delay 0", func(c *Config) { c.DrainDelay = 0 }, ""},
		{"port past 65535", func(c *Config) { c.HTTPAddr = ":99999" }, `http_addr ":99999": want HOST:PORT with a port from 0 to 65535`},
		{"metrics port past 65535", func(c *Config) { c.MetricsAddr = "127.0.0.1:70000" }, "metrics_addr"},
		{"cache entries", func(c *Config) { c.CacheEntries = -1 }, "cache_entries -1"},
		{"rate limit rps", func(c *Config) { c.RateLimit = RateLimitConfig{Enabled: true, RPS: 0, Burst: 1} }, "rate_limit.rps 0"},
		{"rate limit burst", func(c *Config) { c.RateLimit = RateLimitConfig{Enabled: true, RPS: 1, Burst: 0} }, "rate_limit.burst 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate: %v, want %q", err, tt.want)
			}
			if tt.want == "" {
				return
			}
			// New refuses it too, rather than panicking in makechan.
			if _, err := New(Options{Config: c, Engine: &fakeEngine{}}); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

func TestCheckNamesSettingsAsGiven(t *testing.T) {
	tests := []struct {
		name, yaml string
		// later are origins set after the file, as serve does for flags and
		// environment variables.
		later Origins
		edit  func(*Config)
		want  []string
	}{
		{"guide key in the file", "network_tuning:\n  timeout_ms: 0\nsecurity:\n  max_file_size: -1\n", nil, nil, []string{
			"c.yaml:4: security.max_file_size -1: want 1 to 1073741824 (1 GiB); security.max_file_size is the deployment guide's key for max_body_bytes",
			"c.yaml:2: network_tuning.timeout_ms 0: want a positive number of milliseconds, such as 30000; network_tuning.timeout_ms is the deployment guide's key for request_timeout",
		}},
		{"native key in the file", "batch_size: 0\n", nil, nil, []string{"c.yaml:1: batch_size 0: want 1 to 65536"}},
		{"string value", "http_addr: \":99999\"\n", nil, nil, []string{`c.yaml:1: http_addr ":99999": want HOST:PORT`}},
		{"rate limit in the file", "rate_limit:\n  enabled: true\n  rps: 0\n", nil, nil, []string{"c.yaml:3: rate_limit.rps 0: want a number above 0"}},
		{"queue through the guide", "network_tuning:\n  max_concurrent_requests: 70368744177664\n", nil, nil, []string{
			"c.yaml:2: network_tuning.max_concurrent_requests 70368744177664: want 1 to 1048576",
		}},
		{"workers through the guide", "neural_acceleration:\n  worker_threads: 100000000\n", nil, nil, []string{
			"c.yaml:2: neural_acceleration.worker_threads 100000000: want 0 (one per CPU) to 1024",
		}},
		{"environment", "", Origins{"batch_size": {Key: "MODELCARD_BATCH_SIZE", Value: "0"}}, func(c *Config) { c.BatchSize = 0 }, []string{"MODELCARD_BATCH_SIZE=0: want 1 to 65536"}},
		{"flag over the file", "queue_size: 5\n", Origins{"queue_size": {Key: "--queue-size"}}, func(c *Config) { c.QueueSize = 0 }, []string{"--queue-size 0: want 1 to 1048576"}},
		{"default", "", nil, func(c *Config) { c.IdleTimeout = 0 }, []string{"idle_timeout 0s: want a positive duration"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			origins := Origins{}
			cfg, _, err := ParseConfig([]byte(tt.yaml), "c.yaml", DefaultConfig(), origins)
			if err != nil {
				t.Fatal(err)
			}
			for k, o := range tt.later {
				origins[k] = o
			}
			if tt.edit != nil {
				tt.edit(&cfg)
			}
			err = cfg.Check(origins)
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("errors:\n%v\nwant %d of them", err, len(tt.want))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("errors:\n%v\nlack %q", err, w)
				}
			}
		})
	}
}

func TestParseConfigRefusesDuplicates(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string
	}{
		{"top level", "batch_size: 1\nqueue_size: 9\nbatch_size: 99999999\n", "c.yaml:3: batch_size is given twice (first on line 1)"},
		{"in a guide section", "security:\n  max_file_size: 1\n  max_file_size: 2\n", "c.yaml:3: security.max_file_size is given twice (first on line 2)"},
		{"in rate_limit", "rate_limit:\n  rps: 1\n  rps: 2\n", "c.yaml:3: rate_limit.rps is given twice (first on line 2)"},
		{"guide section as a scalar", "neural_acceleration: 5\n", `c.yaml:1: neural_acceleration: want a mapping of the deployment guide's neural_acceleration keys`},
		{"rate_limit as a scalar", "rate_limit: true\n", `c.yaml:1: rate_limit: want a mapping with keys enabled, rps, burst, not the value "true"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseConfig([]byte(tt.yaml), "c.yaml", DefaultConfig(), nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one with %q", err, tt.want)
			}
		})
	}
	// The two guide keys for workers, or a setting's own key and the
	// guide's, may both be given with one value, not with two.
	if _, _, err := ParseConfig([]byte("neural_acceleration:\n  worker_threads: 8\n  max_concurrent_workers: 8\n"), "c.yaml", DefaultConfig(), nil); err != nil {
		t.Errorf("both guide keys for workers, one value: %v", err)
	}
	for _, tt := range []struct{ name, yaml, want string }{
		{"two guide keys, two values", "neural_acceleration:\n  worker_threads: 8\n  max_concurrent_workers: 4\n",
			"c.yaml:3: neural_acceleration.max_concurrent_workers sets workers, which neural_acceleration.worker_threads on line 2 sets already"},
		{"own key and the guide's", "max_body_bytes: 1000\nsecurity:\n  max_file_size: 2000\n",
			"c.yaml:3: security.max_file_size sets max_body_bytes, which max_body_bytes on line 1 sets already"},
	} {
		if _, _, err := ParseConfig([]byte(tt.yaml), "c.yaml", DefaultConfig(), nil); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one with %q", tt.name, err, tt.want)
		}
	}
}
