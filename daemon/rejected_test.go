package daemon

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// metricValue is the value of the first sample of a family whose labels
// include labels, or -1 when there is none.
func metricValue(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
next:
	for _, m := range f.Metric {
		for k, want := range labels {
			found := false
			for _, l := range m.Label {
				if l.GetName() == k {
					found = l.GetValue() == want
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		}
	}
	return -1
}

func TestRejectedRequestsAreNotGeneratedCards(t *testing.T) {
	type want struct {
		name   string
		labels map[string]string
		value  float64
	}
	tests := []struct {
		name string
		// refuse sets the server up and sends a request it refuses, with
		// the status it must get.
		refuse func(t *testing.T, s *Server, url string) int
		status int
		wants  []want
	}{
		{"queue full", func(t *testing.T, s *Server, url string) int {
			// The only queue slot is taken by a request held in the engine
			// and one waiting behind it.
			eng := s.eng.(*fakeEngine)
			done := make(chan int, 2)
			go func() { done <- do(t, "POST", url+"/generate", "application/json", `{"model_id": "a/0"}`).status }()
			<-eng.started
			go func() { done <- do(t, "POST", url+"/generate", "application/json", `{"model_id": "a/1"}`).status }()
			waitFor(t, func() bool { return s.Batcher().QueuedCards() == 1 })
			st := do(t, "POST", url+"/generate", "application/json", `{"model_id": "a/2"}`).status
			close(eng.gate)
			for range 2 {
				if st := <-done; st != 200 {
					t.Errorf("a queued request got %d", st)
				}
			}
			return st
		}, http.StatusTooManyRequests, []want{
			{"modelcard_cards_generated_total", map[string]string{"outcome": "rejected"}, 1},
			{"modelcard_cards_generated_total", map[string]string{"outcome": "error"}, -1},
			{"modelcard_cards_generated_total", map[string]string{"outcome": "ok"}, 2},
			{"modelcard_cache_misses_total", nil, 2},
			{"modelcard_requests_rejected_total", map[string]string{"reason": "queue_full"}, 1},
			{"modelcard_requests_rejected_total", map[string]string{"reason": "rate_limited"}, 0},
		}},
		{"rate limited", func(t *testing.T, s *Server, url string) int {
			do(t, "POST", url+"/generate", "application/json", `{"model_id": "a/0"}`)
			return do(t, "POST", url+"/generate", "application/json", `{"model_id": "a/1"}`).status
		}, http.StatusTooManyRequests, []want{
			{"modelcard_cards_generated_total", map[string]string{"outcome": "ok"}, 1},
			{"modelcard_cards_generated_total", map[string]string{"outcome": "error"}, -1},
			{"modelcard_cache_misses_total", nil, 1},
			{"modelcard_requests_rejected_total", map[string]string{"reason": "rate_limited"}, 1},
			{"modelcard_requests_rejected_total", map[string]string{"reason": "queue_full"}, 0},
		}},
		{"shutting down", func(t *testing.T, s *Server, url string) int {
			s.Close()
			return do(t, "POST", url+"/generate", "application/json", `{"model_id": "a/0"}`).status
		}, http.StatusServiceUnavailable, []want{
			{"modelcard_cards_generated_total", map[string]string{"outcome": "rejected"}, 1},
			{"modelcard_cache_misses_total", nil, 0},
			{"modelcard_requests_rejected_total", map[string]string{"reason": "shutting_down"}, 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &fakeEngine{gate: make(chan struct{}), started: make(chan struct{}, 1)}
			cfg := testConfig()
			cfg.QueueSize, cfg.BatchSize = 1, 1
			if tt.name == "rate limited" {
				close(eng.gate)
				cfg.RateLimit = RateLimitConfig{Enabled: true, RPS: 0.001, Burst: 1}
			}
			if tt.name == "shutting down" {
				close(eng.gate)
			}
			s, ts := newTestServer(t, cfg, eng)
			if st := tt.refuse(t, s, ts.URL); st != tt.status {
				t.Fatalf("status %d, want %d", st, tt.status)
			}
			_, fams := scrape(t, s.MetricsHandler())
			for _, w := range tt.wants {
				if got := metricValue(fams, w.name, w.labels); got != w.value {
					t.Errorf("%s%v = %v, want %v", w.name, w.labels, got, w.value)
				}
			}
		})
	}
}

func TestDocsListEveryMetric(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "daemon-config.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for name := range exportedMetricNames(t) {
		if strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") {
			continue // the standard collectors, documented as such
		}
		if !regexp.MustCompile(fmt.Sprintf("`%s[`{]", regexp.QuoteMeta(name))).MatchString(doc) {
			t.Errorf("docs/daemon-config.md does not document the metric %s", name)
		}
	}
	for _, label := range []string{"rejected", "queue_full", "rate_limited", "shutting_down"} {
		if !strings.Contains(doc, "`"+label+"`") {
			t.Errorf("docs/daemon-config.md does not explain the label value %s", label)
		}
	}
	for _, field := range []string{"cached", "index", "family_source", "predicted_tasks"} {
		if !strings.Contains(doc, "`"+field+"`") {
			t.Errorf("docs/daemon-config.md does not document the response field %s", field)
		}
	}
}
