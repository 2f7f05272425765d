package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(`{"status":"ready"}`))
	})
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/draining", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"status":"draining"}`, http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/broken", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	})
	mux.HandleFunc("/hang", func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srvAddr := srv.Listener.Addr().String()
	_, srvPort, err := net.SplitHostPort(srvAddr)
	if err != nil {
		t.Fatal(err)
	}

	// A port that was just listened on and is now closed refuses connections.
	closed := httptest.NewServer(http.NotFoundHandler())
	refusedURL := closed.URL + "/ready"
	closed.Close()

	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		wantCode   int
		wantStdout string
		wantStderr []string
	}{
		{"200 is healthy", []string{"--url", srv.URL + "/ready"}, nil, exitOK, "200 OK", nil},
		{"204 is healthy", []string{"--url", srv.URL + "/nocontent"}, nil, exitOK, "204 No Content", nil},
		{"url from the environment", nil, map[string]string{"MODELCARD_HEALTHCHECK_URL": srv.URL + "/ready"}, exitOK, "200 OK", nil},
		{"port of the daemon's address", nil, map[string]string{"MODELCARD_HTTP_ADDR": srvAddr}, exitOK, "200 OK", nil},
		{"daemon on all interfaces", nil, map[string]string{"MODELCARD_HTTP_ADDR": ":" + srvPort}, exitOK, "/ready: 200 OK", nil},
		{"--url wins over the daemon's address", []string{"--url", srv.URL + "/draining"}, map[string]string{"MODELCARD_HTTP_ADDR": srvAddr}, exitFailed, "", []string{"503"}},
		{"bad daemon address", nil, map[string]string{"MODELCARD_HTTP_ADDR": "8080"}, exitUsage, "", []string{"MODELCARD_HTTP_ADDR", "HOST:PORT"}},
		{"port out of range", []string{"--url", "http://127.0.0.1:99999/ready"}, nil, exitUsage, "", []string{"port 99999", "65535"}},
		{"port not a number", []string{"--url", "http://127.0.0.1:0/ready"}, nil, exitUsage, "", []string{"port 0"}},
		{"503 is unhealthy", []string{"--url", srv.URL + "/draining"}, nil, exitFailed, "", []string{"unhealthy", "503", "draining"}},
		{"500 is unhealthy", []string{"--url", srv.URL + "/broken"}, nil, exitFailed, "", []string{"500", "boom"}},
		{"404 is unhealthy", []string{"--url", srv.URL + "/missing"}, nil, exitFailed, "", []string{"404"}},
		{"connection refused", []string{"--url", refusedURL}, nil, exitFailed, "", []string{"unhealthy", "nothing listens there", "--url"}},
		{"no answer in time", []string{"--url", srv.URL + "/hang", "--timeout", "50ms"}, nil, exitFailed, "", []string{"--timeout 50ms"}},
		{"not a URL", []string{"--url", "http://[::1"}, nil, exitUsage, "", []string{"--url", "not a URL"}},
		{"wrong scheme", []string{"--url", "ftp://127.0.0.1/ready"}, nil, exitUsage, "", []string{"http or https"}},
		{"no host", []string{"--url", "http:///ready"}, nil, exitUsage, "", []string{"no host"}},
		{"relative URL", []string{"--url", "/ready"}, nil, exitUsage, "", []string{"http or https"}},
		{"zero timeout", []string{"--url", srv.URL + "/ready", "--timeout", "0s"}, nil, exitUsage, "", []string{"--timeout", "positive"}},
		{"bad timeout", []string{"--url", srv.URL + "/ready", "--timeout", "soon"}, nil, exitUsage, "", []string{"timeout"}},
		{"positional argument", []string{srv.URL + "/ready"}, nil, exitUsage, "", []string{"no arguments", "--url"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"MODELCARD_HEALTHCHECK_URL", "MODELCARD_HEALTHCHECK_TIMEOUT", "MODELCARD_HTTP_ADDR"} {
				t.Setenv(k, "") // restores the variable after the test
				os.Unsetenv(k)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, stdout, stderr := runCLI(t, "", append([]string{"healthcheck"}, tc.args...)...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stdout %q, stderr %q", code, tc.wantCode, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.wantStdout) {
				t.Errorf("stdout %q lacks %q", stdout, tc.wantStdout)
			}
			for _, want := range tc.wantStderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr %q lacks %q", stderr, want)
				}
			}
		})
	}
}
