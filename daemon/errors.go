package daemon

import (
	"encoding/json"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/terragonlabs/modelcard-generator/card"
)

// Error codes of the API's JSON errors.
const (
	CodeBadRequest      = "bad_request"
	CodeInvalidJSON     = "invalid_json"
	CodeInvalidSpec     = "invalid_spec"
	CodeUnknownFormat   = "unknown_format"
	CodeUnsupportedType = "unsupported_media_type"
	CodeTooLarge        = "body_too_large"
	CodeTooManyCards    = "too_many_cards"
	CodeResponseSize    = "response_too_large"
	CodeQueueFull       = "queue_full"
	CodeRateLimited     = "rate_limited"
	CodeDeadline        = "deadline_exceeded"
	CodeCanceled        = "canceled"
	CodeUnavailable     = "unavailable"
	CodeNotFound        = "not_found"
	CodeMethod          = "method_not_allowed"
	CodeInternal        = "internal"
)

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	// Error is the error.
	Error APIError `json:"error"`
}

// APIError is one error: a stable code, a message for people and, for
// invalid specs, the problems found.
type APIError struct {
	// Code is a stable, machine-readable code (the Code* constants).
	Code string `json:"code"`
	// Message says what went wrong and how to fix it.
	Message string `json:"message"`
	// Problems lists the problems of an invalid spec, if any.
	Problems []card.Problem `json:"problems,omitempty"`
}

// Error returns the message.
func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// writeError writes an error response with the given status.
func writeError(w http.ResponseWriter, status int, e APIError) {
	writeJSON(w, status, ErrorBody{Error: e})
}

// writeRetry writes an error response that asks the client to retry after
// the given number of seconds.
func writeRetry(w http.ResponseWriter, status int, seconds int, e APIError) {
	if seconds < 1 {
		seconds = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(seconds))
	writeError(w, status, e)
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"error":{"code":"internal","message":"encode the response failed"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}

// maxEcho is the most bytes of a value from the client (or the config)
// that a message repeats.
const maxEcho = 64

// ClipValue shortens a value repeated in a message (a command-line
// argument, a setting) to maxEcho bytes, as the daemon's own messages do.
func ClipValue(s string) string { return clip(s, maxEcho) }

// clip shortens s to at most n bytes, cut at a character boundary, with an
// ellipsis after the cut, so that a message never repeats a long value
// whole.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
