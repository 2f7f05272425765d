package daemon

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestGeneratedEncoding checks, over the example specs run through the real
// engine, that a generated card written from its kept encoding is
// byte for byte what encoding/json writes for the same card, in every
// response shape, that Content-Length is right, and that the encoding's
// size hint left no regrowth.
func TestGeneratedEncoding(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example specs: %v", err)
	}
	var specs []json.RawMessage
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		specs = append(specs, js)
	}
	// Specs with characters that JSON and HTML escaping change, one of
	// them mostly HTML (each of < > & grows to six bytes).
	specs = append(specs, json.RawMessage(`{"model_id": "o/<b>&\"q\"", "description": "line\u2028sep <script>x</script>\ttab"}`))
	html := strings.Repeat(`<div align=\"center\"><img src=\"a.png\" width=\"40\"/></div> &amp; `, 200)
	specs = append(specs, json.RawMessage(`{"model_id": "o/html", "description": "`+html+`"}`))
	s, err := New(Options{Config: testConfig(), Engine: realEngine(t), Version: "test", Device: "cpu", GPU: NoGPU{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	results, err := s.generateCards(t.Context(), specs, "hf", renderers["hf"])
	if err != nil {
		t.Fatal(err)
	}
	// A cached card, too.
	hit, err := s.generateCards(t.Context(), specs[:1], "hf", renderers["hf"])
	if err != nil || !hit[0].Cached {
		t.Fatalf("second generate of the first spec: cached %v, err %v", len(hit) > 0 && hit[0].Cached, err)
	}
	results = append(results, hit[0])
	for i := range results {
		g := &results[i]
		if g.Error != nil {
			t.Fatalf("card %d: %v", i, g.Error)
		}
		if g.Cached {
			continue
		}
		// The cache counts len: the value must hold no more than that.
		if cap(g.cacheValue) != len(g.cacheValue) {
			t.Errorf("card %d: cache value of %d bytes holds %d", i, len(g.cacheValue), cap(g.cacheValue))
		}
	}
	// The plain encoding: encoding/json over the same fields.
	plainOf := func(g GeneratedCard) []byte {
		if g.Cached {
			// Restore the fields the cache kept.
			var kept CardOutcome
			if err := json.Unmarshal(append(append([]byte{'{'}, g.encoded...), '}'), &kept); err != nil {
				t.Fatal(err)
			}
			g.CardOutcome = kept
		}
		type plain GeneratedCard
		data, err := json.Marshal(plain(g))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	var wantArray, wantNDJSON bytes.Buffer
	wantArray.WriteString(`{"cards":[`)
	for i, g := range results {
		if i > 0 {
			wantArray.WriteByte(',')
		}
		wantArray.Write(plainOf(g))
		wantNDJSON.Write(plainOf(g))
		wantNDJSON.WriteByte('\n')
	}
	wantArray.WriteString("]}\n")
	tests := []struct {
		name  string
		write func(*httptest.ResponseRecorder)
		want  []byte
	}{
		{"single", func(r *httptest.ResponseRecorder) { writeGenerated(r, "application/json", nil, results[:1], nil, '\n') }, append(plainOf(results[0]), '\n')},
		{"single cached", func(r *httptest.ResponseRecorder) {
			writeGenerated(r, "application/json", nil, results[len(results)-1:], nil, '\n')
		}, append(plainOf(results[len(results)-1]), '\n')},
		{"array", func(r *httptest.ResponseRecorder) {
			writeGenerated(r, "application/json", []byte(`{"cards":[`), results, []byte(","), ']', '}', '\n')
		}, wantArray.Bytes()},
		{"ndjson", func(r *httptest.ResponseRecorder) {
			writeGenerated(r, "application/x-ndjson", nil, results, []byte("\n"), '\n')
		}, wantNDJSON.Bytes()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.write(rec)
			got := rec.Body.Bytes()
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("answer differs from encoding/json's:\n got %.300s\nwant %.300s", got, tt.want)
			}
			if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(got)) {
				t.Errorf("Content-Length %q for %d bytes", cl, len(got))
			}
		})
	}
}
