// Package daemon is the HTTP service behind `modelcard serve`: it generates
// and audits model cards over a JSON API, merges the cards of concurrent
// requests into large engine batches (see Batcher), caches generated cards
// by content, limits what clients may send, and exports Prometheus metrics
// on a listener of their own.
//
// The API listener serves:
//
//	POST /v1/cards:generate  specs (one object, an array, or NDJSON) → cards
//	POST /generate           one spec object → one card (the deployment
//	                         guide's call)
//	POST /v1/cards:audit     card text (text/markdown, {"text": ...} or an
//	                         array of them) → audit results
//	GET  /health             the process is alive
//	GET  /ready              the engine is loaded and the server not draining
//	GET  /version            version and backend
//
// Every error is JSON: {"error": {"code": "...", "message": "..."}}.
//
// The work of one request is bounded: it holds at most
// max_cards_per_request specs or cards (413 before any work past it), its
// cards come to at most max_response_bytes, and request_timeout bounds it
// whole (504). On the first signal Serve drains: /ready turns 503 while the
// API serves on for drain_delay, then the listeners close and the requests
// in flight get shutdown_timeout to finish; Stop ends it at once.
package daemon
