package daemon

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// drainClock is a drain delay clock that a test ends: asked tells that the
// delay began and with what duration, and fire ends it.
type drainClock struct {
	asked chan time.Duration
	fire  chan time.Time
}

func newDrainClock() *drainClock {
	return &drainClock{asked: make(chan time.Duration, 1), fire: make(chan time.Time)}
}

func (c *drainClock) after(d time.Duration) <-chan time.Time {
	c.asked <- d
	return c.fire
}

// drainServer starts Serve on a loopback listener with a drain delay on
// clock, and returns the server, its URL, the context whose end drains it
// and the channel Serve's result arrives on.
func drainServer(t *testing.T, eng Engine, clock *drainClock) (*Server, string, context.CancelFunc, chan error) {
	t.Helper()
	cfg := testConfig()
	cfg.DrainDelay = 7 * time.Second // never waited: the clock is the test's
	s, addr, cancel, served := serveLoopback(t, Options{Config: cfg, Engine: eng, Version: "test", After: clock.after})
	t.Cleanup(func() {
		cancel()
		s.Stop()
	})
	return s, "http://" + addr, cancel, served
}

// get is do's GET on a client that opens a new connection each time.
func get(t *testing.T, url string) int {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestDrainKeepsServingWithReadyDown(t *testing.T) {
	eng := &fakeEngine{gate: make(chan struct{}), started: make(chan struct{}, 1)}
	clock := newDrainClock()
	s, url, drain, served := drainServer(t, eng, clock)
	inflight := make(chan response, 1)
	go func() { inflight <- do(t, "POST", url+"/generate", "application/json", `{"model_id": "a/b"}`) }()
	<-eng.started

	if st := get(t, url+"/ready"); st != http.StatusOK {
		t.Fatalf("/ready %d before the signal", st)
	}
	drain() // the first SIGTERM
	if d := <-clock.asked; d != 7*time.Second {
		t.Errorf("drain delay %v, want the configured 7s", d)
	}
	// During the delay: readiness down, liveness up, the API still served.
	checks := []struct {
		name, method, path, ctype, body string
		status                          int
	}{
		{"ready", "GET", "/ready", "", "", http.StatusServiceUnavailable},
		{"health", "GET", "/health", "", "", http.StatusOK},
		{"audit", "POST", "/v1/cards:audit", "text/markdown", "# x\n", http.StatusOK},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if r := do(t, c.method, url+c.path, c.ctype, c.body); r.status != c.status {
				t.Errorf("%s %s while draining: %d, want %d: %s", c.method, c.path, r.status, c.status, r.body)
			}
		})
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) during the drain delay", err)
	default:
	}

	clock.fire <- time.Time{} // the delay ends: shutdown
	waitFor(t, func() bool {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "http://"), time.Second)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) before the in-flight request finished", err)
	default:
	}
	close(eng.gate)
	if r := <-inflight; r.status != http.StatusOK {
		t.Errorf("in-flight request: %d %s", r.status, r.body)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if !s.draining.Load() {
		t.Error("not marked draining")
	}
}

func TestStopEndsTheDrainAtOnce(t *testing.T) {
	tests := []struct {
		name string
		// when stops during the drain delay, or after it (while waiting
		// for the request in flight).
		afterDelay bool
	}{
		{"during the drain delay", false},
		{"while waiting for requests", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &fakeEngine{gate: make(chan struct{}), started: make(chan struct{}, 1)}
			defer close(eng.gate)
			clock := newDrainClock()
			s, url, drain, served := drainServer(t, eng, clock)
			inflight := make(chan error, 1)
			go func() {
				res, err := http.Post(url+"/generate", "application/json", strings.NewReader(`{"model_id": "a/b"}`))
				if err == nil {
					res.Body.Close()
				}
				inflight <- err
			}()
			<-eng.started
			drain()
			<-clock.asked
			if tt.afterDelay {
				clock.fire <- time.Time{}
				waitFor(t, func() bool { return get2(url+"/health") != nil })
			}
			s.Stop() // the second signal
			select {
			case err := <-served:
				if err == nil || !strings.Contains(err.Error(), "1 requests in flight") {
					t.Errorf("Serve: %v; want an error saying a request was cut", err)
				}
				// The cut request's handler has returned: the caller may
				// close the engine.
				if n := s.inflight.Load(); n != 0 {
					t.Errorf("Serve returned with %d requests still in their handlers", n)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Serve did not return after Stop")
			}
			if err := <-inflight; err == nil {
				t.Error("the request in flight was answered, not cut")
			}
		})
	}
}

// get2 is a GET on a new connection that returns its error.
func get2(url string) error {
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	res, err := c.Get(url)
	if err == nil {
		res.Body.Close()
	}
	return err
}

func TestServeLogsWhereItListens(t *testing.T) {
	var logs syncBuffer
	cfg := testConfig()
	cfg.Workers = 3
	s, err := New(Options{Config: cfg, Engine: &fakeEngine{}, Version: "test", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	api, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, api, nil) }()
	waitFor(t, func() bool { return strings.Contains(logs.String(), "msg=listening") })
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "msg=listening") {
			line = l
		}
	}
	for _, want := range []string{"level=INFO", "api=" + api.Addr().String(), "metrics=off", "backend=fake", "workers=3"} {
		if !strings.Contains(line, want) {
			t.Errorf("the listening line lacks %q: %s", want, line)
		}
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 0 {
		t.Errorf("%d warnings in a clean start and stop:\n%s", n, logs.String())
	}
}
