package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/cpu"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// fakeEngine records its calls; gate, when set, holds each Decide until it
// is closed or receives.
type fakeEngine struct {
	mu      sync.Mutex
	calls   []int // cards per Decide call
	gate    chan struct{}
	started chan struct{}
	family  card.FamilyID
	audits  atomic.Int64
}

func (f *fakeEngine) Decide(ctx context.Context, cards []*card.Card) ([]engine.Decision, error) {
	f.mu.Lock()
	f.calls = append(f.calls, len(cards))
	f.mu.Unlock()
	if f.started != nil {
		select {
		case f.started <- struct{}{}:
		default:
		}
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	out := make([]engine.Decision, len(cards))
	for i := range out {
		out[i] = engine.Decision{Family: card.FamilyGeneric, Scores: map[string]float64{"hub": 0.5}, Missing: map[string][]string{"hub": {}}}
		if f.family != "" {
			out[i].Family = f.family
			out[i].Predicted = []engine.TaskPrediction{{Task: "text-generation", Family: f.family, Probability: 0.9}}
		}
	}
	return out, nil
}

func (f *fakeEngine) Audit(ctx context.Context, in <-chan engine.AuditInput, emit func(*engine.AuditResult) error) error {
	for x := range in {
		f.audits.Add(1)
		if err := emit(&engine.AuditResult{Path: x.Path, Bytes: len(x.Data)}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (f *fakeEngine) BackendName() string { return "fake" }

func (f *fakeEngine) callCounts() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.calls...)
}

// testConfig is a config for tests: loopback listeners, metrics off, no
// drain delay (the drain tests give theirs a clock of their own).
func testConfig() Config {
	c := DefaultConfig()
	c.HTTPAddr = "127.0.0.1:0"
	c.MetricsAddr = ""
	c.DrainDelay = 0
	return c
}

func newTestServer(t *testing.T, cfg Config, eng Engine) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(Options{Config: cfg, Engine: eng, Version: "test", Device: "cpu", GPU: NoGPU{}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.Close() })
	return s, ts
}

// realEngine opens the engine with the CPU backend.
func realEngine(t *testing.T) *engine.Engine {
	t.Helper()
	reg := engine.NewRegistry()
	reg.Add(cpu.Name, cpu.Factory)
	e, err := engine.New(engine.Config{Registry: reg, Backend: "cpu", Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url, ctype, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, data}
}

// errorCode returns the code of a JSON error body, failing when the body
// is not one.
func errorCode(t *testing.T, r response) string {
	t.Helper()
	var b ErrorBody
	if err := json.Unmarshal(r.body, &b); err != nil || b.Error.Code == "" || b.Error.Message == "" {
		t.Fatalf("status %d: body %q is not a JSON error (%v)", r.status, r.body, err)
	}
	return b.Error.Code
}

func TestGuideGenerateRealEngine(t *testing.T) {
	_, ts := newTestServer(t, testConfig(), realEngine(t))
	r := do(t, "POST", ts.URL+"/generate", "application/json", `{"model_name": "test", "metrics": {"accuracy": 0.95}}`)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var g GeneratedCard
	if err := json.Unmarshal(r.body, &g); err != nil {
		t.Fatal(err)
	}
	if g.ModelID != "test" || g.Format != "hf" || g.Family == "" || len(g.Scores) == 0 {
		t.Errorf("card %+v lacks model id, format, family or scores", g)
	}
	if !strings.Contains(g.Card, "# Model Card for test") || !strings.Contains(g.Card, "| accuracy | 0.95 |") {
		t.Errorf("card text lacks the title or the metric:\n%.2000s", g.Card)
	}
	if _, err := card.Parse([]byte(g.Card)); err != nil {
		t.Errorf("the card does not parse back: %v", err)
	}
}

func TestAuditRealEngine(t *testing.T) {
	_, ts := newTestServer(t, testConfig(), realEngine(t))
	md := "---\nlicense: mit\npipeline_tag: text-classification\n---\n# My model\n\n## Intended uses\n\nSentiment of reviews.\n"
	r := do(t, "POST", ts.URL+"/v1/cards:audit", "text/markdown", md)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var res engine.AuditResult
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Bytes != len(md) || res.DeclaredTask == nil || *res.DeclaredTask != "text-classification" || len(res.Scores) == 0 {
		t.Errorf("audit result %+v", res)
	}
}

func TestEndpoints(t *testing.T) {
	eng := &fakeEngine{}
	cfg := testConfig()
	cfg.MaxBodyBytes = 4096
	_, ts := newTestServer(t, cfg, eng)
	big := `{"model_id": "a/b", "summary": "` + strings.Repeat("x", 5000) + `"}`
	tests := []struct {
		name, method, path, ctype, body string
		status                          int
		code                            string // error code, or "" for success
		contains                        string
	}{
		{"health", "GET", "/health", "", "", 200, "", `"ok"`},
		{"ready", "GET", "/ready", "", "", 200, "", `"ready"`},
		{"version", "GET", "/version", "", "", 200, "", `"test"`},
		{"generate one", "POST", "/v1/cards:generate", "application/json", `{"model_id": "a/b"}`, 200, "", `"model_id":"a/b"`},
		{"generate array", "POST", "/v1/cards:generate", "application/json", `[{"model_id": "a/b"}, {"model_id": "c/d"}]`, 200, "", `"model_id":"c/d"`},
		{"generate ndjson", "POST", "/v1/cards:generate", "application/x-ndjson", "{\"model_id\": \"a/b\"}\n{\"model_id\": \"c/d\"}\n", 200, "", `"index":1`},
		{"generate mct", "POST", "/v1/cards:generate?format=mct", "application/json", `{"model_id": "a/b"}`, 200, "", `"format":"mct"`},
		{"generate html", "POST", "/v1/cards:generate?format=html", "", `{"model_id": "a/b"}`, 200, "", `DOCTYPE html`},
		{"array with invalid spec", "POST", "/v1/cards:generate", "application/json", `[{"model_id": "a/b"}, {"model_id": 5, "licence": "x"}]`, 200, "", `"invalid_spec"`},
		{"malformed json", "POST", "/v1/cards:generate", "application/json", `{"model_id": `, 400, CodeInvalidJSON, ""},
		{"malformed ndjson", "POST", "/v1/cards:generate", "application/x-ndjson", "{\"model_id\": \"a/b\"}\n{oops\n", 400, CodeInvalidJSON, ""},
		{"wrong type body", "POST", "/v1/cards:generate", "application/json", `"a/b"`, 400, CodeBadRequest, ""},
		{"wrong field type", "POST", "/v1/cards:generate", "application/json", `{"model_id": "a/b", "tags": 5}`, 400, CodeInvalidSpec, ""},
		{"empty body", "POST", "/v1/cards:generate", "application/json", ``, 400, CodeBadRequest, ""},
		{"unknown format", "POST", "/v1/cards:generate?format=pdf", "application/json", `{"model_id": "a/b"}`, 400, CodeUnknownFormat, ""},
		{"wrong content type", "POST", "/v1/cards:generate", "text/csv", `a,b`, 415, CodeUnsupportedType, ""},
		{"oversized", "POST", "/v1/cards:generate", "application/json", big, 413, CodeTooLarge, ""},
		{"simple generate array", "POST", "/generate", "application/json", `[{"model_id": "a/b"}]`, 400, CodeBadRequest, ""},
		{"audit markdown", "POST", "/v1/cards:audit", "text/markdown", "# A card\n", 200, "", `"bytes":9`},
		{"audit json", "POST", "/v1/cards:audit", "application/json", `{"text": "# A card\n"}`, 200, "", `"path":"card[0]"`},
		{"audit array", "POST", "/v1/cards:audit", "application/json", `[{"text": "a"}, {"text": "bb", "path": "x.md"}]`, 200, "", `"path":"x.md"`},
		{"audit without text", "POST", "/v1/cards:audit", "application/json", `{"txt": "a"}`, 400, CodeBadRequest, ""},
		{"audit wrong type", "POST", "/v1/cards:audit", "application/json", `{"text": 5}`, 400, CodeBadRequest, ""},
		{"audit malformed", "POST", "/v1/cards:audit", "application/json", `[{"text": `, 400, CodeInvalidJSON, ""},
		{"audit oversized", "POST", "/v1/cards:audit", "text/markdown", strings.Repeat("y", 5000), 413, CodeTooLarge, ""},
		{"unknown path", "GET", "/nope", "", "", 404, CodeNotFound, ""},
		{"wrong method", "GET", "/generate", "", "", 405, CodeMethod, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, tt.method, ts.URL+tt.path, tt.ctype, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			if tt.code != "" {
				if got := errorCode(t, r); got != tt.code {
					t.Errorf("code %q, want %q", got, tt.code)
				}
			}
			if !bytes.Contains(r.body, []byte(tt.contains)) {
				t.Errorf("body lacks %q: %.300s", tt.contains, r.body)
			}
		})
	}
}

func TestPredictedFamilyIsApplied(t *testing.T) {
	eng := &fakeEngine{family: card.FamilyLLM}
	_, ts := newTestServer(t, testConfig(), eng)
	r := do(t, "POST", ts.URL+"/generate", "application/json", `{"model_id": "a/b"}`)
	var g GeneratedCard
	if err := json.Unmarshal(r.body, &g); err != nil {
		t.Fatal(err)
	}
	if g.Family != card.FamilyLLM || g.FamilySource != "predicted" {
		t.Errorf("family %q from %q, want %q predicted", g.Family, g.FamilySource, card.FamilyLLM)
	}
	// One call to choose, one to re-score with the family's sections.
	if got := eng.callCounts(); len(got) != 2 {
		t.Errorf("engine calls %v, want 2", got)
	}
}

func TestCacheHit(t *testing.T) {
	eng := &fakeEngine{}
	_, ts := newTestServer(t, testConfig(), eng)
	first := do(t, "POST", ts.URL+"/v1/cards:generate", "application/json", `{"model_id": "a/b", "license": "mit"}`)
	calls := len(eng.callCounts())
	// Same spec, other key order and spacing.
	second := do(t, "POST", ts.URL+"/v1/cards:generate", "application/json", `{ "license":"mit","model_id":"a/b" }`)
	if len(eng.callCounts()) != calls {
		t.Errorf("the engine was called again for a cached spec: %v", eng.callCounts())
	}
	var a, b GeneratedCard
	if err := json.Unmarshal(first.body, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(second.body, &b); err != nil {
		t.Fatal(err)
	}
	if a.Cached || !b.Cached || a.Card != b.Card || a.Card == "" {
		t.Errorf("first cached %v, second cached %v, same card %v", a.Cached, b.Cached, a.Card == b.Card)
	}
	// The cached answer is the first one, field for field, but "cached".
	var am, bm map[string]any
	if err := json.Unmarshal(first.body, &am); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(second.body, &bm); err != nil {
		t.Fatal(err)
	}
	if am["cached"] != false || bm["cached"] != true {
		t.Errorf("cached flags %v then %v, want false then true", am["cached"], bm["cached"])
	}
	delete(am, "cached")
	delete(bm, "cached")
	if !reflect.DeepEqual(am, bm) {
		t.Errorf("cached answer differs from the first:\n%v\n%v", am, bm)
	}
	// In an array, a cached card keeps its own index.
	arr := do(t, "POST", ts.URL+"/v1/cards:generate", "application/json", `[{"model_id": "c/d"}, {"model_id": "a/b", "license": "mit"}]`)
	var got struct {
		Cards []map[string]any `json:"cards"`
	}
	if err := json.Unmarshal(arr.body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Cards) != 2 || got.Cards[1]["index"] != 1.0 || got.Cards[1]["cached"] != true || got.Cards[0]["cached"] != false || got.Cards[1]["card"] != am["card"] {
		t.Errorf("array with a cached card: %v", got.Cards)
	}
	// Another format is another entry.
	do(t, "POST", ts.URL+"/v1/cards:generate?format=json", "application/json", `{"model_id": "a/b", "license": "mit"}`)
	if len(eng.callCounts()) == calls {
		t.Error("another format was served from the cache")
	}
}

func TestBatchingMerges(t *testing.T) {
	eng := &fakeEngine{gate: make(chan struct{}), started: make(chan struct{}, 1)}
	cfg := testConfig()
	cfg.BatchSize = 1000
	cfg.MaxBatchDelay = 50 * time.Millisecond
	cfg.CacheBytes = 0
	s, ts := newTestServer(t, cfg, eng)
	const n = 24
	var wg sync.WaitGroup
	statuses := make([]int, n)
	// The first request holds the engine; the rest queue behind it and
	// must be merged into the next batch.
	wg.Add(1)
	go func() {
		defer wg.Done()
		statuses[0] = do(t, "POST", ts.URL+"/v1/cards:generate", "application/json", `{"model_id": "a/0"}`).status
	}()
	<-eng.started
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = do(t, "POST", ts.URL+"/v1/cards:generate", "application/json", fmt.Sprintf(`{"model_id": "a/%d"}`, i)).status
		}()
	}
	waitFor(t, func() bool { return s.Batcher().QueuedCards() == n-1 })
	close(eng.gate)
	wg.Wait()
	for i, st := range statuses {
		if st != 200 {
			t.Errorf("request %d: status %d", i, st)
		}
	}
	calls := eng.callCounts()
	total := 0
	for _, c := range calls {
		total += c
	}
	if total != n || len(calls) >= n {
		t.Errorf("%d cards in %d engine calls %v; want %d cards in fewer than %d calls", total, len(calls), calls, n, n)
	}
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met in 10s")
}

func TestQueueOverflow(t *testing.T) {
	eng := &fakeEngine{gate: make(chan struct{}), started: make(chan struct{}, 1)}
	cfg := testConfig()
	cfg.QueueSize = 2
	cfg.BatchSize = 1
	cfg.CacheBytes = 0
	s, ts := newTestServer(t, cfg, eng)
	results := make(chan int, 3)
	post := func(i int) {
		results <- do(t, "POST", ts.URL+"/v1/cards:generate", "application/json", fmt.Sprintf(`{"model_id": "a/%d"}`, i)).status
	}
	go post(0) // held in the engine
	<-eng.started
	go post(1)
	go post(2) // these two fill the queue
	waitFor(t, func() bool { return s.Batcher().QueuedCards() == 2 })
	r := do(t, "POST", ts.URL+"/v1/cards:generate", "application/json", `{"model_id": "a/over"}`)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q; want 429 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
	if code := errorCode(t, r); code != CodeQueueFull {
		t.Errorf("code %q", code)
	}
	// Health checks are not queued.
	if h := do(t, "GET", ts.URL+"/health", "", ""); h.status != 200 {
		t.Errorf("health %d while the queue is full", h.status)
	}
	close(eng.gate)
	for range 3 {
		if st := <-results; st != 200 {
			t.Errorf("queued request: status %d", st)
		}
	}
}

func TestRateLimit(t *testing.T) {
	cfg := testConfig()
	cfg.RateLimit = RateLimitConfig{Enabled: true, RPS: 0.001, Burst: 2}
	_, ts := newTestServer(t, cfg, &fakeEngine{})
	var got []int
	for range 3 {
		got = append(got, do(t, "POST", ts.URL+"/v1/cards:audit", "text/markdown", "# x\n").status)
	}
	if got[0] != 200 || got[1] != 200 || got[2] != 429 {
		t.Errorf("statuses %v, want 200 200 429", got)
	}
}

func TestCancelledRequestDoesNotLeak(t *testing.T) {
	eng := &fakeEngine{gate: make(chan struct{}), started: make(chan struct{}, 1)}
	cfg := testConfig()
	cfg.CacheBytes = 0
	_, ts := newTestServer(t, cfg, eng)
	ts.Client().Get(ts.URL + "/health") // warm up the client's goroutines
	before := runtime.NumGoroutine()
	for i := range 5 {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/v1/cards:generate", strings.NewReader(fmt.Sprintf(`{"model_id": "a/%d"}`, i)))
		done := make(chan error, 1)
		go func() {
			res, err := http.DefaultClient.Do(req)
			if err == nil {
				res.Body.Close()
			}
			done <- err
		}()
		<-eng.started
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("request %d: %v, want cancelled", i, err)
		}
	}
	http.DefaultClient.CloseIdleConnections()
	var after int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if after = runtime.NumGoroutine(); after <= before+2 {
			return
		}
	}
	buf := make([]byte, 1<<16)
	t.Fatalf("goroutines %d before, %d after cancelled requests:\n%s", before, after, buf[:runtime.Stack(buf, true)])
}

func TestRequestDeadline(t *testing.T) {
	eng := &fakeEngine{gate: make(chan struct{})}
	defer close(eng.gate)
	cfg := testConfig()
	cfg.RequestTimeout = 20 * time.Millisecond
	_, ts := newTestServer(t, cfg, eng)
	r := do(t, "POST", ts.URL+"/generate", "application/json", `{"model_id": "a/b"}`)
	if r.status != http.StatusGatewayTimeout || errorCode(t, r) != CodeDeadline {
		t.Errorf("status %d %s; want 504 deadline_exceeded", r.status, r.body)
	}
}

func TestSlowClientReadTimeout(t *testing.T) {
	cfg := testConfig()
	cfg.ReadTimeout = 100 * time.Millisecond
	_, addr, cancel, done := serveLoopback(t, Options{Config: cfg, Engine: &fakeEngine{}, Version: "test"})
	defer func() { cancel(); <-done }()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Promise 100 bytes, send 10, then stall past the read timeout.
	fmt.Fprintf(conn, "POST /v1/cards:generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model_i")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	reply, _ := io.ReadAll(conn)
	if bytes.HasPrefix(reply, []byte("HTTP/1.1 200")) {
		t.Fatalf("a stalled body was answered 200: %q", reply)
	}
	if len(reply) > 0 && !bytes.HasPrefix(reply, []byte("HTTP/1.1 408")) {
		t.Errorf("reply %q; want 408 or a closed connection", reply)
	}
}

func TestGracefulShutdown(t *testing.T) {
	eng := &fakeEngine{gate: make(chan struct{}), started: make(chan struct{}, 1)}
	cfg := testConfig()
	s, err := New(Options{Config: cfg, Engine: eng, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln, nil) }()
	inflight := make(chan response, 1)
	go func() { inflight <- do(t, "POST", url+"/generate", "application/json", `{"model_id": "a/b"}`) }()
	<-eng.started
	cancel()
	// /ready turns 503 while the in-flight request is still held.
	waitFor(t, func() bool { return s.draining.Load() })
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/ready", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("/ready %d while draining, want 503", rec.Code)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) before the in-flight request finished", err)
	case <-time.After(20 * time.Millisecond):
	}
	close(eng.gate)
	if r := <-inflight; r.status != 200 {
		t.Errorf("in-flight request: status %d %s", r.status, r.body)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("the listener still accepts after shutdown")
	}
}

// switchHealth is a BackendHealth whose state a test flips.
type switchHealth struct {
	degraded atomic.Bool
}

func (h *switchHealth) Degraded() (bool, string) {
	if h.degraded.Load() {
		return true, "device lost"
	}
	return false, ""
}

func TestReadyFollowsBackendHealth(t *testing.T) {
	health := &switchHealth{}
	s, err := New(Options{Config: testConfig(), Engine: &fakeEngine{}, Version: "test", Device: "gpu", GPU: NoGPU{}, Health: health})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cases := []struct {
		name      string
		degraded  bool
		wantCode  int
		wantGauge float64
		wantBody  string
	}{
		{"healthy", false, http.StatusOK, 0, `"ready"`},
		{"degraded", true, http.StatusServiceUnavailable, 1, "device lost"},
		{"recovered", false, http.StatusOK, 0, `"ready"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			health.degraded.Store(tc.degraded)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/ready", nil))
			if rec.Code != tc.wantCode || !strings.Contains(rec.Body.String(), tc.wantBody) {
				t.Errorf("/ready = %d %s, want %d containing %s", rec.Code, rec.Body.String(), tc.wantCode, tc.wantBody)
			}
			rec = httptest.NewRecorder()
			s.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
			if want := fmt.Sprintf("modelcard_queue_capacity %d\n", testConfig().QueueSize); !strings.Contains(rec.Body.String(), want) {
				t.Errorf("metrics lack %q", want)
			}
			want := fmt.Sprintf("modelcard_backend_degraded %g\n", tc.wantGauge)
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("metrics lack %q", want)
			}
			rec = httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/health", nil))
			if rec.Code != http.StatusOK {
				t.Errorf("/health = %d while degraded=%v; liveness must not follow the backend", rec.Code, tc.degraded)
			}
		})
	}
}

// serveLoopback starts a server with opts on a loopback port and returns
// it, its address, the cancel function that drains it and the channel
// Serve's result arrives on.
func serveLoopback(t *testing.T, opts Options) (*Server, string, context.CancelFunc, chan error) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln, nil) }()
	return s, ln.Addr().String(), cancel, done
}
