package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// specArray is a JSON array of n distinct specs.
func specArray(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"model_name": "m%d"}`, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// specLines is NDJSON of n distinct specs, with blank lines between.
func specLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "{\"model_name\": \"m%d\"}\n\n", i)
	}
	return b.String()
}

// cardArray is a JSON audit body of n cards.
func cardArray(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"text": "# card %d\n"}`, i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestCardsPerRequestLimit(t *testing.T) {
	const limit = 5
	tests := []struct {
		name, path, ctype, body string
		status                  int
		code                    string
		says                    []string // in the message
	}{
		{"array at the limit", "/v1/cards:generate", "application/json", specArray(limit), 200, "", nil},
		{"array past the limit", "/v1/cards:generate", "application/json", specArray(limit + 1), 413, CodeTooManyCards, []string{"more than 5 specs", "max_cards_per_request", "at most 5 specs"}},
		{"huge array", "/v1/cards:generate", "application/json", specArray(20000), 413, CodeTooManyCards, []string{"more than 5 specs"}},
		{"ndjson at the limit", "/v1/cards:generate", "application/x-ndjson", specLines(limit), 200, "", nil},
		{"ndjson past the limit", "/v1/cards:generate", "application/x-ndjson", specLines(limit + 1), 413, CodeTooManyCards, []string{"more than 5 specs"}},
		{"audit at the limit", "/v1/cards:audit", "application/json", cardArray(limit), 200, "", nil},
		{"audit past the limit", "/v1/cards:audit", "application/json", cardArray(limit + 1), 413, CodeTooManyCards, []string{"more than 5 cards", "at most 5 cards"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &fakeEngine{}
			cfg := testConfig()
			cfg.MaxCardsPerRequest = limit
			_, ts := newTestServer(t, cfg, eng)
			r := do(t, "POST", ts.URL+tt.path, tt.ctype, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			if tt.code == "" {
				return
			}
			if code := errorCode(t, r); code != tt.code {
				t.Errorf("code %q, want %q", code, tt.code)
			}
			for _, s := range tt.says {
				if !bytes.Contains(r.body, []byte(s)) {
					t.Errorf("message lacks %q: %s", s, r.body)
				}
			}
			// Refused before any work: the engine saw nothing.
			if n := len(eng.callCounts()) + int(eng.audits.Load()); n != 0 {
				t.Errorf("the engine worked on a refused request (%d calls)", n)
			}
		})
	}
}

func TestResponseSizeLimit(t *testing.T) {
	tests := []struct {
		name   string
		limit  int64
		specs  int
		status int
	}{
		{"fits", 1 << 20, 8, 200},
		{"too large", MinResponseBytes, 64, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &fakeEngine{}
			cfg := testConfig()
			cfg.MaxResponseBytes = tt.limit
			_, ts := newTestServer(t, cfg, eng)
			r := do(t, "POST", ts.URL+"/v1/cards:generate", "application/json", specArray(tt.specs))
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			if tt.status == 200 {
				return
			}
			if code := errorCode(t, r); code != CodeResponseSize || !bytes.Contains(r.body, []byte("max_response_bytes")) || !bytes.Contains(r.body, []byte("split")) {
				t.Errorf("body %s; want %s naming max_response_bytes and how to split", r.body, CodeResponseSize)
			}
		})
	}
}

func TestRequestTimeoutBoundsTheWholeRequest(t *testing.T) {
	// Cards from the cache and invalid specs never reach the engine, the
	// only step the old deadline bounded.
	tests := []struct {
		name, path, ctype, body string
	}{
		{"cached card", "/generate", "application/json", `{"model_name": "warm"}`},
		{"invalid spec only", "/v1/cards:generate", "application/json", `[{"model_id": 5, "licence": "x"}]`},
		{"fresh spec", "/generate", "application/json", `{"model_name": "cold"}`},
		{"audit", "/v1/cards:audit", "text/markdown", "# card\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &fakeEngine{}
			cfg := testConfig()
			cfg.RequestTimeout = time.Nanosecond
			s, _ := newTestServer(t, cfg, eng)
			if _, err := s.generateCards(t.Context(), splitOne(`{"model_name": "warm"}`), "hf", renderers["hf"]); err != nil {
				t.Fatal(err)
			}
			calls := len(eng.callCounts())
			// A recorder, not a connection: the body is there at once, and
			// only the deadline of the work is tested.
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ctype)
			s.Handler().ServeHTTP(rec, req)
			r := response{rec.Code, rec.Header(), rec.Body.Bytes()}
			if r.status != http.StatusGatewayTimeout || errorCode(t, r) != CodeDeadline {
				t.Fatalf("status %d %s; want 504 %s", r.status, r.body, CodeDeadline)
			}
			if !bytes.Contains(r.body, []byte("request_timeout")) {
				t.Errorf("the message does not name request_timeout: %s", r.body)
			}
			if got := len(eng.callCounts()); got != calls {
				t.Errorf("the engine was called %d times past the deadline", got-calls)
			}
		})
	}
}

// splitOne is one spec as generateCards takes it.
func splitOne(spec string) []json.RawMessage { return []json.RawMessage{json.RawMessage(spec)} }

func TestGenerateStopsWhenTheContextEnds(t *testing.T) {
	eng := &fakeEngine{}
	s, _ := newTestServer(t, testConfig(), eng)
	specs, _ := splitArray([]byte(specArray(100)), 1000)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.generateCards(ctx, specs, "html", renderers["html"]); err != context.Canceled {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if n := len(eng.callCounts()); n != 0 {
		t.Errorf("%d engine calls after the context ended", n)
	}
}

func TestCacheDoesNotBypassValidation(t *testing.T) {
	// The report's sequences: each body gets the same answer whatever the
	// cache holds.
	type step struct {
		body   string
		status int
		model  string // the card's model id on 200
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"duplicate key", []step{
			{`{"model_name":"dupA","model_name":"dupA"}`, 400, ""},
			{`{"model_name":"dupA"}`, 200, "dupA"},
			{`{"model_name":"dupA","model_name":"dupA"}`, 400, ""},
			{`{"model_name":"zzz","model_name":"dupA"}`, 400, ""},
			{`{"model_name":"dupA"}`, 200, "dupA"},
		}},
		{"duplicate key by escape", []step{
			{`{"model_name":"e1"}`, 200, "e1"},
			{`{"model_name":"e1","model\u005fname":"e1"}`, 400, ""},
		}},
		{"nested duplicate", []step{
			{`{"model_name":"n1","metrics":{"accuracy":0.9}}`, 200, "n1"},
			{`{"model_name":"n1","metrics":{"accuracy":0.5,"accuracy":0.9}}`, 400, ""},
		}},
		{"invalid UTF-8", []step{
			{"{\"model_name\":\"utf\xff\"}", 400, ""},
			{`{"model_name":"utf\ufffd"}`, 200, "utf\ufffd"},
			{"{\"model_name\":\"utf\xff\"}", 400, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ts := newTestServer(t, testConfig(), &fakeEngine{})
			for i, st := range tt.steps {
				r := do(t, "POST", ts.URL+"/generate", "application/json", st.body)
				if r.status != st.status {
					t.Fatalf("step %d (%q): status %d, want %d: %.300s", i, st.body, r.status, st.status, r.body)
				}
				if st.status != 200 {
					if code := errorCode(t, r); code != CodeInvalidSpec {
						t.Errorf("step %d: code %q, want %q", i, code, CodeInvalidSpec)
					}
					continue
				}
				var g GeneratedCard
				if err := json.Unmarshal(r.body, &g); err != nil || g.ModelID != st.model {
					t.Errorf("step %d: model id %q (%v), want %q", i, g.ModelID, err, st.model)
				}
			}
		})
	}
}

func TestCacheKeyRefusesWhatItCannotKeySafely(t *testing.T) {
	tests := []struct {
		name, spec string
		ok         bool
	}{
		{"plain", `{"a": 1, "b": {"c": [1, {"d": ":"}]}}`, true},
		{"colon and quote in strings", `{"a": "x:\"y:z\"", "b\":": 2, "c\\": ":"}`, true},
		{"duplicate", `{"a": 1, "a": 2}`, false},
		{"duplicate in an array's object", `{"a": [{"b": 1, "b": 1}]}`, false},
		{"duplicate by escape", `{"a": 1, "\u0061": 1}`, false},
		{"not UTF-8", "{\"a\": \"\xc3\"}", false},
		{"too large", `{"a": ""}` + strings.Repeat(" ", 8<<20), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CacheKey([]byte(tt.spec), "hf", "v")
			if (err == nil) != tt.ok {
				t.Errorf("CacheKey error %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestGenerateContentTypes(t *testing.T) {
	const guide = `{"model_name": "test", "metrics": {"accuracy": 0.95}}`
	tests := []struct {
		name, path, ctype, body string
		status                  int
	}{
		// What `curl -d '{...}'` sends, as the README's example does.
		{"curl -d on /generate", "/generate", "application/x-www-form-urlencoded", guide, 200},
		{"form with charset", "/generate", "application/x-www-form-urlencoded; charset=utf-8", " " + guide, 200},
		{"real form data", "/generate", "application/x-www-form-urlencoded", "model_name=test", 415},
		{"form array", "/generate", "application/x-www-form-urlencoded", "[" + guide + "]", 415},
		{"form on the v1 endpoint", "/v1/cards:generate", "application/x-www-form-urlencoded", guide, 415},
		{"text/plain", "/generate", "text/plain", guide, 415},
		{"json", "/generate", "application/json", guide, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ts := newTestServer(t, testConfig(), &fakeEngine{})
			r := do(t, "POST", ts.URL+tt.path, tt.ctype, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			if tt.status != 200 && errorCode(t, r) != CodeUnsupportedType {
				t.Errorf("body %s", r.body)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	long := strings.Repeat("a", 60000)
	tests := []struct {
		name, path, ctype, body string
		status                  int
		says                    []string
		never                   []string
	}{
		{"audit text of the wrong kind", "/v1/cards:audit", "application/json", `{"text": 5}`, 400,
			[]string{`"text" is a number`, "want a string"}, []string{"Go ", "auditRequest", "unmarshal"}},
		{"audit array of strings", "/v1/cards:audit", "application/json", `["# a"]`, 400,
			[]string{"card 0 is a string", "want an object"}, []string{"Go ", "daemon.", "unmarshal"}},
		{"audit scalar body", "/v1/cards:audit", "application/json", `5`, 400,
			[]string{"the body is a number"}, []string{"Go ", "unmarshal"}},
		{"audit path of the wrong kind", "/v1/cards:audit", "application/json", `[{"text": "a"}, {"text": "b", "path": ["x"]}]`, 400,
			[]string{`card 1: "path" is an array`}, []string{"Go "}},
		{"audit unknown key", "/v1/cards:audit", "application/json", `{"text": "# a", "foo": 1}`, 400,
			[]string{`unknown key "foo"`, `"text"`, `"path"`}, nil},
		{"audit empty JSON body", "/v1/cards:audit", "application/json", ``, 400, []string{"empty"}, nil},
		{"audit blank markdown", "/v1/cards:audit", "text/markdown", " \n", 400, []string{"empty"}, nil},
		{"audit without content type, empty", "/v1/cards:audit", "", ``, 400, []string{"empty"}, nil},
		{"long format", "/v1/cards:generate?format=" + long, "application/json", `{}`, 400,
			[]string{"unknown format", "…"}, []string{strings.Repeat("a", 65)}},
		{"long content type", "/v1/cards:generate", "text/" + strings.Repeat("b", 500), `{}`, 415,
			[]string{"…"}, []string{strings.Repeat("b", 65)}},
		{"audit body too large says cards", "/v1/cards:audit", "text/markdown", strings.Repeat("y", 5000), 413,
			[]string{"fewer cards"}, []string{"specs"}},
		{"generate body too large says specs", "/v1/cards:generate", "application/json", `{"a": "` + strings.Repeat("y", 5000) + `"}`, 413,
			[]string{"fewer specs"}, nil},
		{"generate scalar body", "/v1/cards:generate", "application/json", `"a/b"`, 400,
			[]string{"the body is a string"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &fakeEngine{}
			cfg := testConfig()
			cfg.MaxBodyBytes = 4096
			_, ts := newTestServer(t, cfg, eng)
			r := do(t, "POST", ts.URL+tt.path, tt.ctype, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			errorCode(t, r)
			if len(r.body) > 1000 {
				t.Errorf("the error is %d bytes long", len(r.body))
			}
			var e ErrorBody
			if err := json.Unmarshal(r.body, &e); err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.says {
				if !strings.Contains(e.Error.Message, s) {
					t.Errorf("message lacks %q: %s", s, e.Error.Message)
				}
			}
			for _, s := range tt.never {
				if strings.Contains(e.Error.Message, s) {
					t.Errorf("message has %q: %s", s, e.Error.Message)
				}
			}
			if n := eng.audits.Load(); n != 0 {
				t.Errorf("%d cards audited of a refused request", n)
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 64, "short"},
		{"abcdef", 3, "abc…"},
		{"aé", 2, "a…"}, // é is two bytes: never cut inside it
		{"", 3, ""},
	}
	for _, tt := range tests {
		if got := clip(tt.in, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestFailedRequestsAreLogged(t *testing.T) {
	tests := []struct {
		name, body string
		timeout    time.Duration
		warned     bool
	}{
		{"ok", `{"model_name": "a"}`, time.Minute, false},
		{"client error", `{"model_name": 5}`, time.Minute, false},
		{"deadline (504)", `{"model_name": "a"}`, time.Nanosecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs syncBuffer
			cfg := testConfig()
			cfg.RequestTimeout = tt.timeout
			s, err := New(Options{Config: cfg, Engine: &fakeEngine{}, Version: "test", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", "/generate", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			s.Handler().ServeHTTP(rec, req)
			got := strings.Count(logs.String(), "level=WARN")
			if want := map[bool]int{true: 1, false: 0}[tt.warned]; got != want {
				t.Errorf("status %d: %d warnings, want %d:\n%s", rec.Code, got, want, logs.String())
			}
			if tt.warned && !strings.Contains(logs.String(), "status=504") {
				t.Errorf("the warning lacks the status:\n%s", logs.String())
			}
		})
	}
}

func TestRequestTimeoutBoundsTheBody(t *testing.T) {
	// request_timeout shorter than read_timeout: a stalled body is cut at
	// request_timeout.
	cfg := testConfig()
	cfg.RequestTimeout = 200 * time.Millisecond
	cfg.ReadTimeout = time.Minute
	s, addr, cancel, done := serveLoopback(t, Options{Config: cfg, Engine: &fakeEngine{}, Version: "test"})
	defer func() { cancel(); s.Stop(); <-done }()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	fmt.Fprintf(conn, "POST /v1/cards:generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model_i")
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	reply, _ := io.ReadAll(conn)
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the stalled body was cut after %v, not at request_timeout", took)
	}
	if !bytes.HasPrefix(reply, []byte("HTTP/1.1 408")) {
		t.Errorf("reply %q; want 408", reply)
	}
}

// TestAbortedUploadIsNotABadRequest checks that a client that closes its
// connection in the middle of the body is counted as gone (499), not as
// a bad request (400).
func TestAbortedUploadIsNotABadRequest(t *testing.T) {
	s, addr, cancel, done := serveLoopback(t, Options{Config: testConfig(), Engine: &fakeEngine{}, Version: "test"})
	defer func() { cancel(); s.Stop(); <-done }()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /v1/cards:generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"model_id\":")
	conn.Close()
	count := func(code string) float64 {
		_, fams := scrape(t, s.MetricsHandler())
		return metricValue(fams, "http_requests_total", map[string]string{"code": code})
	}
	deadline := time.Now().Add(10 * time.Second)
	for count("499") < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("no request counted as 499; 400s: %v", count("400"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := count("400"); n > 0 {
		t.Errorf("%v requests counted as 400", n)
	}
}
