package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// GeneratedCard is one card in a generate response.
type GeneratedCard struct {
	// Index is the spec's place in the request (0 for a single spec).
	Index int `json:"index"`
	// CardOutcome is the card and the engine's decision on it.
	CardOutcome
	// Cached is true when the card came from the cache.
	Cached bool `json:"cached"`
	// Error is set instead of the above when the spec is invalid.
	Error *APIError `json:"error,omitempty"`

	// encoded, when set, is the JSON of CardOutcome without its braces,
	// written out as it is; cacheValue, when set, is what the cache keeps
	// of the card (see fromCacheValue), encoded's backing bytes.
	encoded    []byte
	cacheValue []byte
}

// CardOutcome is what a generated card holds apart from its place in the
// request: the part the cache keeps.
type CardOutcome struct {
	// ModelID is the card's model id.
	ModelID string `json:"model_id,omitempty"`
	// Format is the output format of Card.
	Format string `json:"format,omitempty"`
	// Family is the template family; FamilySource says whether the spec
	// gave it ("spec") or the engine chose it ("predicted").
	Family       card.FamilyID `json:"family,omitempty"`
	FamilySource string        `json:"family_source,omitempty"`
	// PredictedTasks are the engine's most probable tasks.
	PredictedTasks []engine.TaskPrediction `json:"predicted_tasks,omitempty"`
	// Scores and Missing are the card's completeness per standard and the
	// rubric items it lacks.
	Scores  map[string]float64  `json:"scores,omitempty"`
	Missing map[string][]string `json:"missing,omitempty"`
	// Card is the card in Format.
	Card string `json:"card,omitempty"`
}

// encodeFields encodes g's CardOutcome once, into the cache value (see
// fromCacheValue), allocated at its exact size so that the cache's byte
// count is the memory it holds, and sets g.encoded to the fields inside its
// braces, which share the cache value's bytes.
func (g *GeneratedCard) encodeFields() error {
	data, err := json.Marshal(g.CardOutcome)
	if err != nil {
		return fmt.Errorf("encode the generated card: %w", err)
	}
	v := make([]byte, 0, len(g.Family)+1+len(data))
	v = append(v, g.Family...)
	v = append(v, 0)
	v = append(v, data...)
	// data is a JSON object: its members lie between the braces.
	g.encoded, g.cacheValue = v[len(v)-len(data)+1:len(v)-1], v
	return nil
}

// MarshalJSON writes the card, from its cached encoding when it has one.
func (g GeneratedCard) MarshalJSON() ([]byte, error) {
	if g.encoded == nil || g.Error != nil {
		type plain GeneratedCard
		return json.Marshal(plain(g))
	}
	var head [32]byte
	h, t := g.frame(head[:0])
	out := make([]byte, 0, len(h)+len(g.encoded)+len(t))
	out = append(out, h...)
	out = append(out, g.encoded...)
	return append(out, t...), nil
}

// frame returns what comes before and after g.encoded in g's JSON object,
// the first appended to dst.
func (g *GeneratedCard) frame(dst []byte) (head []byte, tail string) {
	dst = append(dst, `{"index":`...)
	dst = strconv.AppendInt(dst, int64(g.Index), 10)
	if len(g.encoded) > 0 {
		dst = append(dst, ',')
	}
	if g.Cached {
		return dst, `,"cached":true}`
	}
	return dst, `,"cached":false}`
}

// writeGenerated writes generated cards as JSON: prefix, the cards with sep
// between them (and after the last when sep ends in a newline, as NDJSON
// wants), then suffix. Each card's own encoding goes to the client as it
// is: it is neither encoded again nor copied into one response buffer.
func writeGenerated(w http.ResponseWriter, contentType string, prefix []byte, results []GeneratedCard, sep []byte, suffix ...byte) {
	ndjson := len(sep) > 0 && sep[len(sep)-1] == '\n'
	if ndjson {
		suffix = nil
	}
	// Cards without a kept encoding (errors) are encoded first, so that a
	// failure can still be answered with an error status.
	plain := make([][]byte, len(results))
	size := len(prefix) + len(suffix)
	var scratch [32]byte
	for i := range results {
		g := &results[i]
		if g.encoded == nil || g.Error != nil {
			data, err := g.MarshalJSON()
			if err != nil {
				writeEngineError(w, err)
				return
			}
			plain[i] = data
			size += len(data)
		} else {
			head, tail := g.frame(scratch[:0])
			size += len(head) + len(g.encoded) + len(tail)
		}
		if ndjson || i > 0 {
			size += len(sep)
		}
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Length", strconv.Itoa(size))
	w.WriteHeader(http.StatusOK)
	// A write error means the client went away; there is no one to tell.
	_, _ = w.Write(prefix)
	for i := range results {
		if i > 0 && !ndjson {
			_, _ = w.Write(sep)
		}
		if plain[i] != nil {
			_, _ = w.Write(plain[i])
		} else {
			g := &results[i]
			head, tail := g.frame(scratch[:0])
			_, _ = w.Write(head)
			_, _ = w.Write(g.encoded)
			_, _ = io.WriteString(w, tail)
		}
		if ndjson {
			_, _ = w.Write(sep)
		}
	}
	_, _ = w.Write(suffix)
}

// fromCacheValue restores a generated card's family and encoded fields
// (the object's members, without braces) from a cache value: what the
// cache keeps of a generated card is its family (for the metrics of a
// hit), a NUL byte, then the JSON object of its CardOutcome, the bytes
// encodeFields wrote and the responses share.
func fromCacheValue(v []byte) (family card.FamilyID, encoded []byte, ok bool) {
	i := bytes.IndexByte(v, 0)
	if i < 0 {
		return "", nil, false
	}
	obj := v[i+1:]
	if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' {
		return "", nil, false
	}
	return card.FamilyID(v[:i]), obj[1 : len(obj)-1], true
}

// renderers are the output formats by name. Read-only.
var renderers = map[string]func(*card.Card) ([]byte, error){
	"hf":       card.RenderHF,
	"mct":      card.RenderMCT,
	"html":     card.RenderHTML,
	"annex-iv": card.RenderAnnexIV,
	"json":     card.RenderJSON,
}

const formatList = "hf, mct, html, annex-iv, json"

// knownPaths maps the API's paths to their method. Read-only.
var knownPaths = map[string]string{
	"/v1/cards:generate": "POST", "/generate": "POST", "/v1/cards:audit": "POST",
	"/health": "GET", "/ready": "GET", "/version": "GET",
}

// routes builds the API handler.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern, name string, h http.HandlerFunc, limited bool) {
		var hh http.Handler = h
		if limited {
			hh = s.limit(hh)
		}
		mux.Handle(pattern, s.metrics.instrument(name, hh))
	}
	handle("POST /v1/cards:generate", "generate", s.handleGenerate, true)
	handle("POST /generate", "generate_simple", s.handleSimpleGenerate, true)
	handle("POST /v1/cards:audit", "audit", s.handleAudit, true)
	handle("GET /health", "health", s.handleHealth, false)
	handle("GET /ready", "ready", s.handleReady, false)
	handle("GET /version", "version", s.handleVersion, false)
	mux.Handle("/", s.metrics.instrument("other", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m, ok := knownPaths[r.URL.Path]; ok {
			w.Header().Set("Allow", m)
			writeError(w, http.StatusMethodNotAllowed, APIError{Code: CodeMethod, Message: fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path)})
			return
		}
		writeError(w, http.StatusNotFound, APIError{Code: CodeNotFound, Message: fmt.Sprintf("no endpoint %s; the endpoints are POST /v1/cards:generate, POST /generate, POST /v1/cards:audit, GET /health, GET /ready, GET /version", r.URL.Path)})
	})))
	return s.recoverPanics(mux)
}

// recoverPanics turns a handler's panic into a 500 JSON error.
func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panic", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writeError(w, http.StatusInternalServerError, APIError{Code: CodeInternal, Message: "internal error; see the server log"})
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// limit applies the rate limit, the body limit and the request deadline.
func (s *Server) limit(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.limiter != nil {
			if ok, wait := s.limiter.Allow(clientIP(r)); !ok {
				writeRetry(w, http.StatusTooManyRequests, int(math.Ceil(wait.Seconds())), APIError{Code: CodeRateLimited, Message: "too many requests from this client; retry after the Retry-After seconds"})
				return
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// clientIP is the request's remote IP.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// readBody reads the whole body, answering 413 or 408 itself; ok is false
// when it did.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	data, err := io.ReadAll(r.Body)
	if err == nil {
		return data, true
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, APIError{Code: CodeTooLarge, Message: fmt.Sprintf("the body is over %d bytes; send fewer specs per request", tooBig.Limit)})
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeError(w, http.StatusRequestTimeout, APIError{Code: CodeDeadline, Message: "the body was not received in time"})
	default:
		writeError(w, http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: fmt.Sprintf("read the body: %v", err)})
	}
	return nil, false
}

// writeEngineError answers a failed engine call.
func writeEngineError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrQueueFull):
		writeRetry(w, http.StatusTooManyRequests, 1, APIError{Code: CodeQueueFull, Message: "the server is at capacity; retry after the Retry-After seconds"})
	case errors.Is(err, ErrBatcherClosed):
		writeRetry(w, http.StatusServiceUnavailable, 1, APIError{Code: CodeUnavailable, Message: "the server is shutting down; retry on another instance"})
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusGatewayTimeout, APIError{Code: CodeDeadline, Message: "the request took longer than the server's request_timeout; send fewer specs per request"})
	case errors.Is(err, context.Canceled):
		writeError(w, 499, APIError{Code: CodeCanceled, Message: "the client went away"})
	default:
		writeError(w, http.StatusInternalServerError, APIError{Code: CodeInternal, Message: err.Error()})
	}
}

// mediaType returns the request's media type, "" when absent.
func mediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "invalid"
	}
	return strings.ToLower(mt)
}

// isNDJSON reports whether a media type is newline-delimited JSON.
func isNDJSON(mt string) bool {
	return mt == "application/x-ndjson" || mt == "application/ndjson" || mt == "application/jsonl" || mt == "application/x-jsonlines"
}

// handleGenerate serves POST /v1/cards:generate.
func (s *Server) handleGenerate(w http.ResponseWriter, r *http.Request) {
	s.generate(w, r, false)
}

// handleSimpleGenerate serves POST /generate: one spec object, one card.
func (s *Server) handleSimpleGenerate(w http.ResponseWriter, r *http.Request) {
	s.generate(w, r, true)
}

// generate parses the specs of a request, generates their cards and
// answers in the request's shape: an object for an object, {"cards": [...]}
// for an array, NDJSON for NDJSON.
func (s *Server) generate(w http.ResponseWriter, r *http.Request, singleOnly bool) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "hf"
	}
	render, ok := renderers[format]
	if !ok {
		writeError(w, http.StatusBadRequest, APIError{Code: CodeUnknownFormat, Message: fmt.Sprintf("unknown format %q; use one of %s", format, formatList)})
		return
	}
	mt := mediaType(r)
	ndjson := isNDJSON(mt)
	if !ndjson && mt != "" && mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, APIError{Code: CodeUnsupportedType, Message: fmt.Sprintf("Content-Type %q: send application/json (one spec or an array) or application/x-ndjson (one spec per line)", r.Header.Get("Content-Type"))})
		return
	}
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	specs, single, apiErr := splitSpecs(body, ndjson)
	if apiErr == nil && singleOnly && !single {
		apiErr = &APIError{Code: CodeBadRequest, Message: "POST /generate takes one spec object, such as {\"model_name\": \"test\", \"metrics\": {\"accuracy\": 0.95}}; send arrays to /v1/cards:generate"}
	}
	if apiErr != nil {
		writeError(w, http.StatusBadRequest, *apiErr)
		return
	}
	results, err := s.generateCards(r.Context(), specs, format, render)
	if err != nil {
		writeEngineError(w, err)
		return
	}
	switch {
	case single:
		if results[0].Error != nil {
			writeError(w, http.StatusBadRequest, *results[0].Error)
			return
		}
		writeGenerated(w, "application/json", nil, results, nil, '\n')
	case ndjson:
		writeGenerated(w, "application/x-ndjson", nil, results, []byte("\n"), '\n')
	default:
		writeGenerated(w, "application/json", []byte(`{"cards":[`), results, []byte(","), ']', '}', '\n')
	}
}

// splitSpecs cuts a body into spec objects. single is true for a body that
// is one JSON object.
func splitSpecs(body []byte, ndjson bool) (specs []json.RawMessage, single bool, apiErr *APIError) {
	if ndjson {
		for i, line := range bytes.Split(body, []byte("\n")) {
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				continue
			}
			if !json.Valid(line) {
				return nil, false, &APIError{Code: CodeInvalidJSON, Message: fmt.Sprintf("line %d is not valid JSON; send one spec object per line", i+1)}
			}
			specs = append(specs, json.RawMessage(line))
		}
		if len(specs) == 0 {
			return nil, false, &APIError{Code: CodeBadRequest, Message: "the body holds no specs"}
		}
		return specs, false, nil
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, false, &APIError{Code: CodeBadRequest, Message: "the body is empty; send a spec object such as {\"model_id\": \"org/model\"}"}
	}
	if err := jsonSyntax(trimmed); err != nil {
		return nil, false, &APIError{Code: CodeInvalidJSON, Message: err.Error()}
	}
	switch trimmed[0] {
	case '{':
		return []json.RawMessage{trimmed}, true, nil
	case '[':
		if err := json.Unmarshal(trimmed, &specs); err != nil {
			return nil, false, &APIError{Code: CodeInvalidJSON, Message: err.Error()}
		}
		if len(specs) == 0 {
			return nil, false, &APIError{Code: CodeBadRequest, Message: "the array holds no specs"}
		}
		return specs, false, nil
	}
	return nil, false, &APIError{Code: CodeBadRequest, Message: "the body must be a spec object or an array of spec objects"}
}

// jsonSyntax checks that data is one JSON value and says where it is not.
func jsonSyntax(data []byte) error {
	var v json.RawMessage
	if err := json.Unmarshal(data, &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("malformed JSON at byte %d: %v", se.Offset, se)
		}
		return fmt.Errorf("malformed JSON: %v", err)
	}
	return nil
}

// generateCards generates each spec's card, from the cache when it can.
// Invalid specs get an Error; a failure of the engine fails all.
func (s *Server) generateCards(ctx context.Context, specs []json.RawMessage, format string, render func(*card.Card) ([]byte, error)) ([]GeneratedCard, error) {
	results := make([]GeneratedCard, len(specs))
	keys := make([]string, len(specs))
	var todo []int
	var cards []*card.Card
	for i, spec := range specs {
		results[i].Index = i
		if s.cache != nil {
			key, err := CacheKey(spec, format, s.version)
			if err == nil {
				keys[i] = key
				if data, ok := s.cache.Get(key); ok {
					if fam, enc, ok := fromCacheValue(data); ok {
						s.metrics.cacheHits.Inc()
						results[i] = GeneratedCard{Index: i, CardOutcome: CardOutcome{Family: fam}, Cached: true, encoded: enc}
						s.metrics.cardsGenerated.WithLabelValues(format, string(fam), "ok").Inc()
						continue
					}
				}
				s.metrics.cacheMisses.Inc()
			}
		}
		c, err := card.ParseSpec(spec, fmt.Sprintf("spec[%d]", i))
		if err != nil {
			e := &APIError{Code: CodeInvalidSpec, Message: fmt.Sprintf("spec %d is invalid: %v", i, err)}
			var se *card.SpecError
			if errors.As(err, &se) {
				e.Problems = se.Problems
			}
			results[i].Error = e
			s.metrics.cardsGenerated.WithLabelValues(format, "", "invalid").Inc()
			continue
		}
		todo = append(todo, i)
		cards = append(cards, c)
	}
	if len(cards) == 0 {
		return results, nil
	}
	choices, err := engine.ChooseFamilies(ctx, s.batcher.Decide, s.standards, cards)
	if err != nil {
		for range cards {
			s.metrics.cardsGenerated.WithLabelValues(format, "", "error").Inc()
		}
		return nil, err
	}
	for k, i := range todo {
		c, ch := cards[k], choices[k]
		var out string
		var err error
		if format == "hf" && ch.Rendered != "" {
			// The engine decided on this very rendering.
			out = ch.Rendered
		} else {
			var data []byte
			data, err = render(c)
			out = string(data)
		}
		if err != nil {
			results[i].Error = &APIError{Code: CodeInternal, Message: fmt.Sprintf("render spec %d as %s: %v", i, format, err)}
			s.metrics.cardsGenerated.WithLabelValues(format, string(ch.Family), "error").Inc()
			continue
		}
		results[i] = GeneratedCard{Index: i, CardOutcome: CardOutcome{
			ModelID: c.Content.ModelID, Format: format,
			Family: ch.Family, FamilySource: ch.Source,
			PredictedTasks: ch.Decision.Predicted,
			Scores:         ch.Decision.Scores, Missing: ch.Decision.Missing,
			Card: out,
		}}
		if err := results[i].encodeFields(); err != nil {
			results[i].Error = &APIError{Code: CodeInternal, Message: err.Error()}
			s.metrics.cardsGenerated.WithLabelValues(format, string(ch.Family), "error").Inc()
			continue
		}
		if keys[i] != "" {
			s.cache.Put(keys[i], results[i].cacheValue)
		}
		s.metrics.cardsGenerated.WithLabelValues(format, string(ch.Family), "ok").Inc()
	}
	return results, nil
}

// auditRequest is one card of a JSON audit request.
type auditRequest struct {
	// Text is the card's Markdown.
	Text *string `json:"text"`
	// Path names the card in the result (default "card[INDEX]").
	Path string `json:"path"`
}

// handleAudit serves POST /v1/cards:audit.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	mt := mediaType(r)
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	var inputs []engine.AuditInput
	single := true
	switch mt {
	case "text/markdown", "text/plain", "text/x-markdown":
		inputs = []engine.AuditInput{{Path: "card", Data: body}}
	case "application/json", "":
		trimmed := bytes.TrimSpace(body)
		if err := jsonSyntax(trimmed); err != nil {
			writeError(w, http.StatusBadRequest, APIError{Code: CodeInvalidJSON, Message: err.Error()})
			return
		}
		var reqs []auditRequest
		if len(trimmed) > 0 && trimmed[0] == '[' {
			single = false
			if err := json.Unmarshal(trimmed, &reqs); err != nil {
				writeError(w, http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: fmt.Sprintf("want an array of {\"text\": \"...\"} objects: %v", err)})
				return
			}
		} else {
			var one auditRequest
			if err := json.Unmarshal(trimmed, &one); err != nil {
				writeError(w, http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: fmt.Sprintf("want {\"text\": \"...\"}: %v", err)})
				return
			}
			reqs = []auditRequest{one}
		}
		if len(reqs) == 0 {
			writeError(w, http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: "the array holds no cards"})
			return
		}
		for i, q := range reqs {
			if q.Text == nil {
				writeError(w, http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: fmt.Sprintf("card %d has no \"text\"; send the card's Markdown as {\"text\": \"...\"}", i)})
				return
			}
			path := q.Path
			if path == "" {
				path = fmt.Sprintf("card[%d]", i)
			}
			inputs = append(inputs, engine.AuditInput{Path: path, Data: []byte(*q.Text)})
		}
	default:
		writeError(w, http.StatusUnsupportedMediaType, APIError{Code: CodeUnsupportedType, Message: fmt.Sprintf("Content-Type %q: send text/markdown (one card) or application/json ({\"text\": ...} or an array of them)", r.Header.Get("Content-Type"))})
		return
	}
	ch := make(chan engine.AuditInput, len(inputs))
	for _, in := range inputs {
		ch <- in
	}
	close(ch)
	results := make([]*engine.AuditResult, 0, len(inputs))
	start := time.Now()
	err := s.eng.Audit(r.Context(), ch, func(res *engine.AuditResult) error {
		results = append(results, res)
		return nil
	})
	s.metrics.batchDuration.WithLabelValues("audit").Observe(time.Since(start).Seconds())
	if err != nil {
		s.metrics.cardsAudited.WithLabelValues("error").Add(float64(len(inputs)))
		writeEngineError(w, err)
		return
	}
	for _, res := range results {
		outcome := "ok"
		if res.Error != nil {
			outcome = "unreadable"
		}
		s.metrics.cardsAudited.WithLabelValues(outcome).Inc()
	}
	if single && len(results) == 1 {
		writeJSON(w, http.StatusOK, results[0])
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Results []*engine.AuditResult `json:"results"`
	}{results})
}

// handleHealth serves GET /health: the process is alive.
func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady serves GET /ready: 200 while the engine is loaded, the
// backend is healthy and the server is not draining, else 503.
func (s *Server) handleReady(w http.ResponseWriter, _ *http.Request) {
	if s.draining.Load() {
		writeError(w, http.StatusServiceUnavailable, APIError{Code: CodeUnavailable, Message: "the server is draining"})
		return
	}
	if d, why := s.degraded(); d {
		writeError(w, http.StatusServiceUnavailable, APIError{Code: CodeUnavailable, Message: "the scoring backend is degraded: " + why})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "backend": s.eng.BackendName()})
}

// handleVersion serves GET /version.
func (s *Server) handleVersion(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"version": s.version, "backend": s.eng.BackendName()})
}
