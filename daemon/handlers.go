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
	"slices"
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
				writeError(w, http.StatusInternalServerError, APIError{Code: CodeInternal, Message: fmt.Sprintf("encode card %d: %v", g.Index, err)})
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
			writeError(w, http.StatusMethodNotAllowed, APIError{Code: CodeMethod, Message: fmt.Sprintf("%s is not allowed on %s; use %s", clip(r.Method, maxEcho), r.URL.Path, m)})
			return
		}
		writeError(w, http.StatusNotFound, APIError{Code: CodeNotFound, Message: fmt.Sprintf("no endpoint %s; the endpoints are POST /v1/cards:generate, POST /generate, POST /v1/cards:audit, GET /health, GET /ready, GET /version", clip(r.URL.Path, maxEcho))})
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
				s.log.Error("handler panic", "method", r.Method, "path", clip(r.URL.Path, maxEcho), "panic", v, "stack", string(debug.Stack()))
				writeError(w, http.StatusInternalServerError, APIError{Code: CodeInternal, Message: "internal error; see the server log"})
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// limit applies the rate limit, the body limit and the request deadline,
// and counts the request as in flight. The deadline (request_timeout)
// bounds the whole request: the body is read by then too when
// request_timeout is shorter than read_timeout.
func (s *Server) limit(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.limiter != nil {
			if ok, wait := s.limiter.Allow(clientIP(r)); !ok {
				s.metrics.rejected(reasonRateLimited)
				writeRetry(w, http.StatusTooManyRequests, int(math.Ceil(wait.Seconds())), APIError{Code: CodeRateLimited, Message: "too many requests from this client; retry after the Retry-After seconds"})
				return
			}
		}
		s.inflight.Add(1)
		defer s.inflight.Add(-1)
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		if s.cfg.RequestTimeout < s.cfg.ReadTimeout {
			setReadDeadline(w, time.Now().Add(s.cfg.RequestTimeout))
		}
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// setReadDeadline sets the read deadline of w's connection, as
// http.ResponseController does, when w or a ResponseWriter it wraps can
// (a test's recorder cannot; the server's read_timeout holds then). It
// does without the controller's error, made anew on every call where the
// deadline is not supported.
func setReadDeadline(w http.ResponseWriter, deadline time.Time) {
	for {
		switch t := w.(type) {
		case interface{ SetReadDeadline(time.Time) error }:
			_ = t.SetReadDeadline(deadline)
			return
		case interface{ Unwrap() http.ResponseWriter }:
			w = t.Unwrap()
		default:
			return
		}
	}
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
// when it did. items names what the body holds ("specs", "cards"), for the
// advice to send fewer.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, items string) ([]byte, bool) {
	data, err := io.ReadAll(r.Body)
	if err == nil {
		// With the body read, the connection's read deadline (read_timeout,
		// or request_timeout when shorter) has done its work; past it,
		// net/http would cancel the request's context, so that a slow
		// request would look like a client that went away (499) rather
		// than one past request_timeout (504).
		setReadDeadline(w, time.Time{})
		return data, true
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, APIError{Code: CodeTooLarge, Message: fmt.Sprintf("the body is over %d bytes (max_body_bytes); send fewer %s per request", tooBig.Limit, items)})
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeError(w, http.StatusRequestTimeout, APIError{Code: CodeDeadline, Message: "the body was not received in time"})
	case errors.Is(err, io.ErrUnexpectedEOF) || r.Context().Err() != nil:
		// The client closed the connection before the body was whole:
		// nobody reads the answer, and the request is not a bad one.
		writeError(w, 499, APIError{Code: CodeCanceled, Message: "the client went away before sending the whole body"})
	default:
		writeError(w, http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: fmt.Sprintf("read the body: %v", err)})
	}
	return nil, false
}

// Reasons of modelcard_requests_rejected_total: the load the daemon sheds.
const (
	reasonQueueFull    = "queue_full"
	reasonRateLimited  = "rate_limited"
	reasonShuttingDown = "shutting_down"
)

// isRejection reports whether err turned a request away before its work
// started: the queue was full or the server is shutting down.
func isRejection(err error) bool {
	return errors.Is(err, ErrQueueFull) || errors.Is(err, ErrBatcherClosed)
}

// responseTooLargeError is a request whose cards come to more than
// max_response_bytes.
type responseTooLargeError struct {
	// limit is max_response_bytes; done of total specs were generated when
	// the limit was passed.
	limit       int64
	done, total int
}

// Error says how far the request got.
func (e *responseTooLargeError) Error() string {
	return fmt.Sprintf("the cards come to more than max_response_bytes (%d bytes) after %d of %d specs", e.limit, e.done, e.total)
}

// writeFailure answers a request whose work failed with err, and logs a
// warning when the status is a 5xx (a failure of the server or one of its
// limits, not of the request).
func (s *Server) writeFailure(w http.ResponseWriter, r *http.Request, err error) {
	status, e, retry := s.failure(err)
	if status >= 500 {
		s.log.Warn("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "code", e.Code, "error", err.Error())
	}
	if retry {
		writeRetry(w, status, 1, e)
		return
	}
	writeError(w, status, e)
}

// failure maps the error of a request's work to its status and JSON error;
// retry is true when the client should retry after a second.
func (s *Server) failure(err error) (status int, e APIError, retry bool) {
	var tooLarge *responseTooLargeError
	switch {
	case errors.Is(err, ErrQueueFull):
		s.metrics.rejected(reasonQueueFull)
		return http.StatusTooManyRequests, APIError{Code: CodeQueueFull, Message: "the server is at capacity; retry after the Retry-After seconds"}, true
	case errors.Is(err, ErrBatcherClosed):
		s.metrics.rejected(reasonShuttingDown)
		return http.StatusServiceUnavailable, APIError{Code: CodeUnavailable, Message: "the server is shutting down; retry on another instance"}, true
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, APIError{Code: CodeResponseSize, Message: fmt.Sprintf(
			"the cards would come to more than %d bytes (max_response_bytes) after %d of %d specs; split the request into requests of at most %d specs, or ask for a smaller format such as ?format=json",
			tooLarge.limit, tooLarge.done, tooLarge.total, max(1, tooLarge.done))}, false
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, APIError{Code: CodeDeadline, Message: fmt.Sprintf("the request was not done within request_timeout (%v); send fewer specs or cards per request, or retry", s.cfg.RequestTimeout)}, false
	case errors.Is(err, context.Canceled):
		return 499, APIError{Code: CodeCanceled, Message: "the client went away"}, false
	default:
		return http.StatusInternalServerError, APIError{Code: CodeInternal, Message: err.Error()}, false
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

// formType is the media type `curl -d` sends. POST /generate reads a body
// of this type as JSON when it is one JSON object, since the deployment's
// own example call is `curl -d '{...}'`.
const formType = "application/x-www-form-urlencoded"

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
		writeError(w, http.StatusBadRequest, APIError{Code: CodeUnknownFormat, Message: fmt.Sprintf("unknown format %q; use one of %s", clip(format, maxEcho), formatList)})
		return
	}
	mt := mediaType(r)
	ndjson := isNDJSON(mt)
	form := singleOnly && mt == formType
	if !ndjson && !form && mt != "" && mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, APIError{Code: CodeUnsupportedType, Message: fmt.Sprintf("Content-Type %q: send application/json (one spec or an array) or application/x-ndjson (one spec per line)", clip(r.Header.Get("Content-Type"), maxEcho))})
		return
	}
	body, ok := s.readBody(w, r, "specs")
	if !ok {
		return
	}
	if form {
		if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
			writeError(w, http.StatusUnsupportedMediaType, APIError{Code: CodeUnsupportedType, Message: "Content-Type " + formType + ": POST /generate reads such a body only when it is one JSON spec object, as `curl -d '{...}'` sends; send the spec with Content-Type application/json"})
			return
		}
	}
	specs, single, rerr := splitSpecs(body, ndjson, s.cfg.MaxCardsPerRequest)
	if rerr == nil && singleOnly && !single {
		rerr = &requestError{http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: "POST /generate takes one spec object, such as {\"model_name\": \"test\", \"metrics\": {\"accuracy\": 0.95}}; send arrays to /v1/cards:generate"}}
	}
	if rerr != nil {
		writeError(w, rerr.status, rerr.APIError)
		return
	}
	ctx := r.Context()
	results, err := s.generateCards(ctx, specs, format, render)
	if err == nil {
		// The deadline bounds the encoding, too: past it, nothing is sent
		// but the error.
		err = ctx.Err()
	}
	if err != nil {
		s.writeFailure(w, r, err)
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

// requestError refuses a request's body: the status and the error.
type requestError struct {
	status int
	APIError
}

// tooMany is the 413 of a request that holds more than max items
// ("specs", "cards").
func tooMany(max int, items string) *requestError {
	return &requestError{http.StatusRequestEntityTooLarge, APIError{Code: CodeTooManyCards, Message: fmt.Sprintf(
		"the request holds more than %d %s, the most one request may hold (max_cards_per_request); split it into requests of at most %d %s each", max, items, max, items)}}
}

// splitSpecs cuts a body into spec objects, at most max of them. single is
// true for a body that is one JSON object. Past max it stops and answers
// 413, before any spec is read.
func splitSpecs(body []byte, ndjson bool, max int) (specs []json.RawMessage, single bool, rerr *requestError) {
	if ndjson {
		rest := body
		for line := 1; len(rest) > 0; line++ {
			var l []byte
			l, rest, _ = bytes.Cut(rest, []byte("\n"))
			l = bytes.TrimSpace(l)
			if len(l) == 0 {
				continue
			}
			if len(specs) == max {
				return nil, false, tooMany(max, "specs")
			}
			if !json.Valid(l) {
				return nil, false, &requestError{http.StatusBadRequest, APIError{Code: CodeInvalidJSON, Message: fmt.Sprintf("line %d is not valid JSON; send one spec object per line", line)}}
			}
			specs = append(specs, json.RawMessage(l))
		}
		if len(specs) == 0 {
			return nil, false, &requestError{http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: "the body holds no specs"}}
		}
		return specs, false, nil
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, false, &requestError{http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: "the body is empty; send a spec object such as {\"model_id\": \"org/model\"}"}}
	}
	if err := jsonSyntax(trimmed); err != nil {
		return nil, false, &requestError{http.StatusBadRequest, APIError{Code: CodeInvalidJSON, Message: err.Error()}}
	}
	switch trimmed[0] {
	case '{':
		return []json.RawMessage{trimmed}, true, nil
	case '[':
		specs, over := splitArray(trimmed, max)
		if over {
			return nil, false, tooMany(max, "specs")
		}
		if len(specs) == 0 {
			return nil, false, &requestError{http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: "the array holds no specs"}}
		}
		return specs, false, nil
	}
	return nil, false, &requestError{http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: fmt.Sprintf("the body is %s; send a spec object or an array of spec objects", jsonKind(trimmed))}}
}

// splitArray cuts a JSON array, known to be valid JSON, into its elements
// without copying them, and stops with over set once it finds more than
// max.
func splitArray(data []byte, max int) (elems []json.RawMessage, over bool) {
	depth, start := 0, -1
	inString := false
	// elem ends the element that started at start before end.
	elem := func(end int) bool {
		if start >= 0 {
			elems = append(elems, bytes.TrimRight(data[start:end], " \t\r\n"))
		}
		start = -1
		return len(elems) > max
	}
	for i := 1; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return elems, elem(i)
			}
			depth--
		case ',':
			if depth == 0 {
				if elem(i) {
					return elems, true
				}
				continue
			}
		}
		if start < 0 {
			start = i
		}
	}
	return elems, false
}

// jsonSyntax checks that data is one JSON value and says where it is not.
func jsonSyntax(data []byte) error {
	if json.Valid(data) {
		return nil
	}
	var v json.RawMessage
	if err := json.Unmarshal(data, &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("malformed JSON at byte %d: %w", se.Offset, se)
		}
		return fmt.Errorf("malformed JSON: %w", err)
	}
	return errors.New("malformed JSON")
}

// jsonKind words the kind of a valid JSON value for messages.
func jsonKind(v []byte) string {
	if len(v) == 0 {
		return "empty"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// cardFrame is about the bytes a card's index and flags add to its
// encoding in a response, for max_response_bytes.
const cardFrame = 48

// generateCards generates each spec's card, from the cache when it can.
// Invalid specs get an Error; a failure of the engine fails all. It stops
// with ctx's error once ctx ends, and with a *responseTooLargeError once
// the cards come to more than max_response_bytes.
func (s *Server) generateCards(ctx context.Context, specs []json.RawMessage, format string, render func(*card.Card) ([]byte, error)) ([]GeneratedCard, error) {
	results := make([]GeneratedCard, len(specs))
	keys := make([]string, len(specs))
	var todo []int
	var cards []*card.Card
	var size int64
	// Cache misses are counted unless the request is turned away (429,
	// 503): a request that is not served looked nothing up, as far as
	// the cache's hit ratio goes.
	missed, rejected := 0, false
	defer func() {
		if missed > 0 && !rejected {
			s.metrics.cacheMisses.Add(float64(missed))
		}
	}()
	grow := func(n, done int) error {
		if size += int64(n) + cardFrame; size > s.cfg.MaxResponseBytes {
			return &responseTooLargeError{limit: s.cfg.MaxResponseBytes, done: done, total: len(specs)}
		}
		return nil
	}
	for i, spec := range specs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		results[i].Index = i
		if s.cache != nil {
			// The key of a spec the parser would refuse is never that of
			// one it accepts (see CacheKey): a hit is a valid spec.
			if key, err := CacheKey(spec, format, s.version); err == nil {
				keys[i] = key
				if data, ok := s.cache.Get(key); ok {
					if fam, enc, ok := fromCacheValue(data); ok {
						s.metrics.cacheHits.Inc()
						results[i] = GeneratedCard{Index: i, CardOutcome: CardOutcome{Family: fam}, Cached: true, encoded: enc}
						s.metrics.cardsGenerated.WithLabelValues(format, string(fam), "ok").Inc()
						if err := grow(len(enc), i); err != nil {
							return nil, err
						}
						continue
					}
				}
				missed++
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
			if err := grow(len(e.Message)+64*len(e.Problems), i); err != nil {
				return nil, err
			}
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
		outcome := "error"
		if rejected = isRejection(err); rejected {
			outcome = "rejected"
		}
		s.metrics.cardsGenerated.WithLabelValues(format, "", outcome).Add(float64(len(cards)))
		return nil, err
	}
	for k, i := range todo {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
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
		if err := grow(len(results[i].encoded), i); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// auditKeys are the keys of a card object of a JSON audit request.
const auditKeys = `"text" (the card's Markdown, required) and "path" (its name in the result)`

// handleAudit serves POST /v1/cards:audit.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	mt := mediaType(r)
	markdown := mt == "text/markdown" || mt == "text/plain" || mt == "text/x-markdown"
	if !markdown && mt != "application/json" && mt != "" {
		writeError(w, http.StatusUnsupportedMediaType, APIError{Code: CodeUnsupportedType, Message: fmt.Sprintf("Content-Type %q: send text/markdown (one card) or application/json ({\"text\": ...} or an array of them)", clip(r.Header.Get("Content-Type"), maxEcho))})
		return
	}
	body, ok := s.readBody(w, r, "cards")
	if !ok {
		return
	}
	var inputs []engine.AuditInput
	single := true
	if markdown {
		if len(bytes.TrimSpace(body)) == 0 {
			writeError(w, http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: "the body is empty; send the card's Markdown"})
			return
		}
		inputs = []engine.AuditInput{{Path: "card", Data: body}}
	} else {
		var rerr *requestError
		if inputs, single, rerr = auditInputs(body, s.cfg.MaxCardsPerRequest); rerr != nil {
			writeError(w, rerr.status, rerr.APIError)
			return
		}
	}
	ch := make(chan engine.AuditInput, len(inputs))
	for _, in := range inputs {
		ch <- in
	}
	close(ch)
	results := make([]*engine.AuditResult, 0, len(inputs))
	start := time.Now()
	ctx := r.Context()
	err := s.eng.Audit(ctx, ch, func(res *engine.AuditResult) error {
		results = append(results, res)
		return nil
	})
	s.metrics.batchDuration.WithLabelValues("audit").Observe(time.Since(start).Seconds())
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		s.metrics.cardsAudited.WithLabelValues("error").Add(float64(len(inputs)))
		s.writeFailure(w, r, err)
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

// auditInputs reads a JSON audit body: one card object, or an array of at
// most max of them. single is true for one object.
func auditInputs(body []byte, max int) (inputs []engine.AuditInput, single bool, rerr *requestError) {
	badRequest := func(format string, args ...any) (inputs []engine.AuditInput, single bool, rerr *requestError) {
		return nil, false, &requestError{http.StatusBadRequest, APIError{Code: CodeBadRequest, Message: fmt.Sprintf(format, args...)}}
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return badRequest("the body is empty; send {\"text\": \"...\"} with the card's Markdown, an array of such objects, or the Markdown itself as text/markdown")
	}
	if err := jsonSyntax(trimmed); err != nil {
		return nil, false, &requestError{http.StatusBadRequest, APIError{Code: CodeInvalidJSON, Message: err.Error()}}
	}
	switch trimmed[0] {
	case '{':
		in, msg := auditInput(trimmed, -1)
		if msg != "" {
			return badRequest("%s", msg)
		}
		return []engine.AuditInput{in}, true, nil
	case '[':
		elems, over := splitArray(trimmed, max)
		if over {
			return nil, false, tooMany(max, "cards")
		}
		if len(elems) == 0 {
			return badRequest("the array holds no cards; send at least one {\"text\": \"...\"}")
		}
		inputs = make([]engine.AuditInput, len(elems))
		for i, e := range elems {
			in, msg := auditInput(e, i)
			if msg != "" {
				return badRequest("%s", msg)
			}
			inputs[i] = in
		}
		return inputs, false, nil
	}
	return badRequest("the body is %s; send {\"text\": \"...\"} with the card's Markdown, or an array of such objects", jsonKind(trimmed))
}

// auditInput reads one card object of a JSON audit request, the index-th
// of an array (-1: the body itself). msg says what is wrong with it, by
// key and JSON kind.
func auditInput(raw []byte, index int) (in engine.AuditInput, msg string) {
	what := "the body"
	if index >= 0 {
		what = fmt.Sprintf("card %d", index)
	}
	if raw[0] != '{' {
		return in, fmt.Sprintf("%s is %s; want an object such as {\"text\": \"# My model ...\"}", what, jsonKind(raw))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return in, fmt.Sprintf("%s is not a JSON object: %v", what, err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var text *string
	for _, k := range keys {
		v := fields[k]
		if k != "text" && k != "path" {
			return in, fmt.Sprintf("%s: unknown key %q; the keys are %s", what, clip(k, maxEcho), auditKeys)
		}
		if v[0] != '"' {
			return in, fmt.Sprintf("%s: %q is %s; want a string", what, k, jsonKind(v))
		}
		var str string
		if err := json.Unmarshal(v, &str); err != nil {
			return in, fmt.Sprintf("%s: %q is not a readable string: %v", what, k, err)
		}
		if k == "text" {
			text = &str
		} else {
			in.Path = str
		}
	}
	if text == nil {
		return in, fmt.Sprintf("%s has no \"text\"; send the card's Markdown as {\"text\": \"...\"}", what)
	}
	if in.Path == "" {
		in.Path = fmt.Sprintf("card[%d]", max(index, 0))
	}
	in.Data = []byte(*text)
	return in, ""
}

// handleHealth serves GET /health: the process is alive.
func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReady serves GET /ready: 200 while the engine is loaded, the
// backend is healthy and the server is not draining, else 503.
func (s *Server) handleReady(w http.ResponseWriter, _ *http.Request) {
	if s.draining.Load() {
		writeError(w, http.StatusServiceUnavailable, APIError{Code: CodeUnavailable, Message: "the server is draining: it shuts down soon and takes no new traffic"})
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
