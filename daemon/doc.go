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
package daemon
