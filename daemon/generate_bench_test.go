package daemon

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/terragonlabs/modelcard-generator/cpu"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// BenchmarkSimpleGenerate measures POST /generate through the API handler
// with the CPU engine, from parallel clients: "unique" gives every request
// a new model name (every card misses the cache and is decided by the
// engine), "cached" repeats the user guide's body (every card but the
// first comes from the cache). Profile it with
//
//	go test -tags cpu -run '^$' -bench SimpleGenerate -cpuprofile cpu.prof ./daemon
func BenchmarkSimpleGenerate(b *testing.B) {
	reg := engine.NewRegistry()
	reg.Add(cpu.Name, cpu.Factory)
	eng, err := engine.New(engine.Config{Registry: reg, Backend: "cpu"})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	for _, mode := range []string{"unique", "cached"} {
		b.Run(mode, func(b *testing.B) {
			s, err := New(Options{Config: testConfig(), Engine: eng, Version: "bench", Device: "cpu", GPU: NoGPU{}})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			h := s.Handler()
			var seq atomic.Int64
			var failed atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(32) // as many clients as the load test's connections
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					name := "test"
					if mode == "unique" {
						name = fmt.Sprintf("bench-%d", seq.Add(1))
					}
					body := `{"model_name": "` + name + `", "metrics": {"accuracy": 0.95}}`
					req := httptest.NewRequest("POST", "/generate", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						failed.Add(1)
					}
				}
			})
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d requests did not answer 200", n)
			}
		})
	}
}
