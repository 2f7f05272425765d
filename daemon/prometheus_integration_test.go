package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// promDeadline bounds each wait on the Prometheus server: its start and
// every query that must read back a value.
const promDeadline = 30 * time.Second

// TestPrometheusScrapesDaemon runs the daemon (CPU engine) and a real
// Prometheus server on loopback, lets Prometheus scrape the daemon every
// second, sends API requests, and reads the counters back through
// Prometheus's query API. It skips when the prometheus binary is absent,
// except under CI, where it must be installed.
func TestPrometheusScrapesDaemon(t *testing.T) {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the prometheus binary is not installed; CI must install it (Debian package prometheus)")
		}
		t.Skip("the prometheus binary is not installed (Debian package prometheus); skipping the scrape test")
	}
	dir := t.TempDir()

	api, metricsAddr := startDaemon(t)
	promURL := startPrometheus(t, bin, dir, metricsAddr)

	const guideBody = `{"model_name": "test", "metrics": {"accuracy": 0.95}}`
	const generates = 3 // the first is generated, the others come from the cache
	for range generates {
		if r := do(t, "POST", api+"/generate", "application/json", guideBody); r.status != http.StatusOK {
			t.Fatalf("POST /generate: status %d: %s", r.status, r.body)
		}
	}
	md := "---\nlicense: mit\npipeline_tag: text-classification\n---\n# My model\n\n## Intended uses\n\nSentiment of reviews.\n"
	if r := do(t, "POST", api+"/v1/cards:audit", "text/markdown", md); r.status != http.StatusOK {
		t.Fatalf("POST /v1/cards:audit: status %d: %s", r.status, r.body)
	}
	if r := do(t, "GET", api+"/no-such-endpoint", "", ""); r.status != http.StatusNotFound {
		t.Fatalf("GET /no-such-endpoint: status %d, want 404", r.status)
	}

	tests := []struct {
		query string
		want  float64
	}{
		{`up{job="modelcard"}`, 1},
		{`sum(modelcard_cards_generated_total{format="hf",outcome="ok"})`, generates},
		{`sum(modelcard_cache_hits_total)`, generates - 1},
		{`sum(modelcard_cards_audited_total{outcome="ok"})`, 1},
		{`sum(http_requests_total{handler="generate_simple",code="200"})`, generates},
		{`sum(http_requests_total{handler="audit",code="200"})`, 1},
		{`sum(http_requests_total{handler="other",code="404"})`, 1},
		{`modelcard_backend_info{backend="cpu",device="cpu"}`, 1},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			if err := waitForQuery(promURL, tc.query, tc.want); err != nil {
				t.Errorf("%v\n%s", err, promDiagnostics(promURL, dir))
			}
		})
	}
}

// startDaemon serves a daemon with the CPU engine on two loopback
// listeners until the test ends; it returns the API's base URL and the
// metrics listener's address.
func startDaemon(t *testing.T) (apiURL, metricsAddr string) {
	t.Helper()
	api, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen for the API on loopback: %v", err)
	}
	ml, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		api.Close()
		t.Fatalf("listen for the metrics on loopback: %v", err)
	}
	cfg := testConfig()
	cfg.HTTPAddr, cfg.MetricsAddr = api.Addr().String(), ml.Addr().String()
	cfg.ShutdownTimeout = 5 * time.Second
	srv, err := New(Options{Config: cfg, Engine: realEngine(t), Version: "test", Device: "cpu", GPU: NoGPU{}})
	if err != nil {
		api.Close()
		ml.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, api, ml) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("daemon shutdown: %v", err)
			}
		case <-time.After(2 * cfg.ShutdownTimeout):
			t.Error("the daemon did not stop within twice its shutdown timeout")
		}
	})
	return "http://" + api.Addr().String(), ml.Addr().String()
}

// startPrometheus writes a configuration scraping target every second,
// starts Prometheus on a free loopback port with its storage in dir, waits
// until it is ready and returns its base URL. The process is killed and
// reaped when the test ends.
func startPrometheus(t *testing.T, bin, dir, target string) string {
	t.Helper()
	conf := fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: modelcard
    static_configs:
      - targets: [%q]
`, target)
	confPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatalf("write the Prometheus configuration: %v", err)
	}
	addr := freeLoopbackAddr(t)
	logFile, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatalf("create the Prometheus log: %v", err)
	}
	cmd := exec.Command(bin,
		"--config.file="+confPath,
		"--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--storage.tsdb.retention.time=1h",
		"--web.listen-address="+addr,
		"--log.level=warn",
	)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		defer logFile.Close()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(promDeadline)
	for {
		select {
		case err := <-exited:
			exited <- err // let the cleanup see the process is gone
			t.Fatalf("prometheus exited before it was ready (%v); its log:\n%s", err, readTail(filepath.Join(dir, "prometheus.log")))
		default:
		}
		if res, err := http.Get(base + "/-/ready"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus was not ready at %s within %v; its log:\n%s", base, promDeadline, readTail(filepath.Join(dir, "prometheus.log")))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freeLoopbackAddr returns a loopback address whose port was free a moment
// ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free loopback port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}

// promResponse is the part of a /api/v1/query answer the test reads.
type promResponse struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Data   struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	} `json:"data"`
}

// queryScalar runs an instant query that must return one sample and
// returns its value; ok is false while the query returns no sample.
func queryScalar(base, query string) (v float64, ok bool, err error) {
	res, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(query))
	if err != nil {
		return 0, false, fmt.Errorf("query %s: %w", query, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, false, fmt.Errorf("read the answer to %s: %w", query, err)
	}
	var pr promResponse
	if err := json.Unmarshal(body, &pr); err != nil {
		return 0, false, fmt.Errorf("decode the answer to %s (status %d): %w: %s", query, res.StatusCode, err, body)
	}
	if pr.Status != "success" {
		return 0, false, fmt.Errorf("query %s failed (status %d): %s", query, res.StatusCode, pr.Error)
	}
	switch n := len(pr.Data.Result); {
	case n == 0:
		return 0, false, nil
	case n > 1:
		return 0, false, fmt.Errorf("query %s returned %d series, want one: %s", query, n, body)
	}
	s, isString := pr.Data.Result[0].Value[1].(string)
	if !isString {
		return 0, false, fmt.Errorf("query %s: sample value %v is not a string", query, pr.Data.Result[0].Value[1])
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, fmt.Errorf("query %s: sample value %q: %w", query, s, err)
	}
	return v, true, nil
}

// errNoValue says a query never returned the wanted value in time.
var errNoValue = errors.New("no wanted value before the deadline")

// waitForQuery polls query until it returns want; past promDeadline it
// returns an error with the last value read.
func waitForQuery(base, query string, want float64) error {
	deadline := time.Now().Add(promDeadline)
	var last float64
	seen := false
	for {
		v, ok, err := queryScalar(base, query)
		if err != nil {
			return err
		}
		if ok {
			last, seen = v, true
			if v == want {
				return nil
			}
		}
		if time.Now().After(deadline) {
			if !seen {
				return fmt.Errorf("%s: %w: no sample within %v (want %v)", query, errNoValue, promDeadline, want)
			}
			return fmt.Errorf("%s: %w: last value %v within %v, want %v", query, errNoValue, last, promDeadline, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// promDiagnostics describes the scrape targets' health and the tail of
// Prometheus's log, for failure messages.
func promDiagnostics(base, dir string) string {
	targets := "(targets unavailable)"
	if res, err := http.Get(base + "/api/v1/targets"); err == nil {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
		res.Body.Close()
		targets = string(b)
	}
	return "targets: " + targets + "\nprometheus log:\n" + readTail(filepath.Join(dir, "prometheus.log"))
}

// readTail returns the last 4 KiB of a file, or why it could not.
func readTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(read %s: %v)", filepath.Base(path), err)
	}
	if len(b) > 4<<10 {
		b = b[len(b)-4<<10:]
	}
	return string(b)
}
