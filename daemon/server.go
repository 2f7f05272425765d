package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// Engine is what the daemon needs of an engine; *engine.Engine has it.
type Engine interface {
	// Decide scores parsed cards, in order.
	Decide(ctx context.Context, cards []*card.Card) ([]engine.Decision, error)
	// Audit audits cards as they arrive and emits results in order.
	Audit(ctx context.Context, inputs <-chan engine.AuditInput, emit func(*engine.AuditResult) error) error
	// BackendName names the scoring backend.
	BackendName() string
}

// Options are what New needs.
type Options struct {
	// Config are the settings; see Config.Validate.
	Config Config
	// Engine scores and audits cards.
	Engine Engine
	// Version is the program's version; it is part of the cache key.
	Version string
	// Device names the device the backend runs on (backend_info's label).
	Device string
	// GPU is the source of GPU statistics (nil: none).
	GPU GPUStats
	// Pool is the backend's device memory pool, if it has one.
	Pool MemoryPoolStats
	// Health reports whether the backend is degraded (nil: never).
	Health BackendHealth
	// Logger logs requests' failures and the lifecycle (nil: discard).
	Logger *slog.Logger
	// Now is the clock of the rate limiter (nil: time.Now).
	Now func() time.Time
	// After is the clock of the drain delay: a channel that receives
	// once d has passed (nil: time.After). Tests end the delay at will.
	After func(d time.Duration) <-chan time.Time
}

// Server is the daemon: the API and metrics handlers over one engine,
// behind one Batcher.
type Server struct {
	cfg     Config
	eng     Engine
	version string
	log     *slog.Logger
	batcher *Batcher
	cache   *Cache
	limiter *RateLimiter
	metrics *Metrics
	handler http.Handler
	health  BackendHealth
	// standards score generated cards on the host after their family is
	// chosen, when the engine tells them (nil: the engine scores again).
	standards []engine.Standard
	draining  atomic.Bool
	// inflight counts the API requests being served.
	inflight atomic.Int64
	// after is the drain delay's clock (see Options.After).
	after func(time.Duration) <-chan time.Time
	// stop is closed by Stop.
	stop     chan struct{}
	stopOnce sync.Once
}

// BackendHealth reports whether the scoring backend is degraded, such as a
// GPU backend that lost its device and scores on the CPU; a degraded
// daemon still answers, but /ready turns 503 so that traffic moves to
// healthy replicas.
type BackendHealth interface {
	// Degraded returns true and the reason when the backend is degraded.
	Degraded() (bool, string)
}

// degraded asks the backend's health source, if there is one.
func (s *Server) degraded() (bool, string) {
	if s.health == nil {
		return false, ""
	}
	return s.health.Degraded()
}

// New builds a server and starts its batcher; Serve runs it, and Close
// (or the end of Serve) stops the batcher.
func New(opts Options) (*Server, error) {
	if opts.Engine == nil {
		return nil, errors.New("daemon: no engine")
	}
	if err := opts.Config.Validate(); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: opts.Config, eng: opts.Engine, version: opts.Version, log: log, health: opts.Health, after: opts.After, stop: make(chan struct{})}
	if s.after == nil {
		s.after = time.After
	}
	if se, ok := opts.Engine.(interface{ Standards() []engine.Standard }); ok {
		s.standards = se.Standards()
	}
	if s.cfg.CacheBytes > 0 {
		s.cache = NewCache(s.cfg.CacheBytes, s.cfg.CacheEntries)
	}
	if s.cfg.RateLimit.Enabled {
		s.limiter = NewRateLimiter(s.cfg.RateLimit.RPS, s.cfg.RateLimit.Burst, opts.Now)
	}
	var batcher *Batcher
	m, err := NewMetrics(MetricsConfig{
		Backend:       opts.Engine.BackendName(),
		Device:        opts.Device,
		QueueDepth:    func() float64 { return float64(batcher.QueuedCards()) },
		QueueCapacity: s.cfg.QueueSize,
		GPU:           opts.GPU,
		Pool:          opts.Pool,
		Degraded: func() float64 {
			if d, _ := s.degraded(); d {
				return 1
			}
			return 0
		},
	})
	if err != nil {
		return nil, fmt.Errorf("register metrics: %w", err)
	}
	s.metrics = m
	batcher = NewBatcher(opts.Engine.Decide, BatcherConfig{
		MaxBatch:   s.cfg.BatchSize,
		MaxDelay:   s.cfg.MaxBatchDelay,
		QueueCards: s.cfg.QueueSize,
		OnBatch: func(cards, _ int, took time.Duration) {
			m.observeBatch(cards, took.Seconds())
		},
	})
	s.batcher = batcher
	s.handler = s.routes()
	return s, nil
}

// Handler returns the API handler.
func (s *Server) Handler() http.Handler { return s.handler }

// MetricsHandler returns the /metrics handler.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.Handler())
	return mux
}

// Metrics returns the server's metrics.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Batcher returns the server's batcher.
func (s *Server) Batcher() *Batcher { return s.batcher }

// Drain marks the server as draining: /ready answers 503 from now on.
func (s *Server) Drain() { s.draining.Store(true) }

// Stop makes Serve stop at once, whether it is serving or draining: it
// closes the listeners and the connections without waiting for the drain
// delay or for the requests in flight, which are cut. Call it on a second
// SIGTERM or SIGINT. It may be called more than once.
func (s *Server) Stop() { s.stopOnce.Do(func() { close(s.stop) }) }

// Close stops the batcher after deciding what is queued. Call it once the
// HTTP servers have stopped.
func (s *Server) Close() { s.batcher.Close() }

// Run listens on the configured addresses and serves until ctx ends, then
// shuts down gracefully (see Serve).
func (s *Server) Run(ctx context.Context) error {
	api, err := net.Listen("tcp", s.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on http_addr %s: %w", s.cfg.HTTPAddr, err)
	}
	var metrics net.Listener
	if s.cfg.MetricsAddr != "" {
		if metrics, err = net.Listen("tcp", s.cfg.MetricsAddr); err != nil {
			api.Close()
			return fmt.Errorf("listen on metrics_addr %s: %w", s.cfg.MetricsAddr, err)
		}
	}
	return s.Serve(ctx, api, metrics)
}

// Serve serves the API on api and the metrics on metrics (nil: none) until
// ctx ends, then drains: /ready answers 503 at once while both listeners
// keep serving for DrainDelay, so that load balancers see the 503 and
// move new traffic elsewhere; then it stops accepting connections, waits
// up to ShutdownTimeout for the requests in flight, stops the batcher and
// returns. Stop ends either wait at once.
func (s *Server) Serve(ctx context.Context, api, metrics net.Listener) error {
	apiSrv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: min(s.cfg.ReadTimeout, 10*time.Second),
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 2)
	go func() { errc <- serveErr("api", apiSrv.Serve(api)) }()
	var metricsSrv *http.Server
	metricsAddr := "off"
	if metrics != nil {
		metricsSrv = &http.Server{
			Handler:           s.MetricsHandler(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       s.cfg.IdleTimeout,
		}
		go func() { errc <- serveErr("metrics", metricsSrv.Serve(metrics)) }()
		metricsAddr = metrics.Addr().String()
	}
	workers := s.cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s.log.Info("listening", "api", api.Addr().String(), "metrics", metricsAddr, "backend", s.eng.BackendName(), "workers", workers, "batch_size", s.cfg.BatchSize, "queue_size", s.cfg.QueueSize)
	var serveFailed error
	stopped := false
	select {
	case <-ctx.Done():
	case serveFailed = <-errc:
	case <-s.stop:
		stopped = true
	}
	s.Drain()
	// Responses from now on close their connections, so that clients
	// reconnect, through the load balancer, to another instance.
	apiSrv.SetKeepAlivesEnabled(false)
	if serveFailed == nil && !stopped && s.cfg.DrainDelay > 0 {
		s.log.Info("draining: /ready answers 503; still serving for drain_delay, then shutting down (send the signal again to stop at once)", "drain_delay", s.cfg.DrainDelay, "shutdown_timeout", s.cfg.ShutdownTimeout)
		select {
		case <-s.after(s.cfg.DrainDelay):
		case serveFailed = <-errc:
		case <-s.stop:
			stopped = true
		}
	}
	var err error
	if stopped {
		n := s.inflight.Load()
		s.log.Warn("stopping at once: requests in flight are cut", "in_flight", n)
		apiSrv.Close()
		if n > 0 {
			err = fmt.Errorf("stopped at once (a second signal) with %d requests in flight; they were cut", n)
		}
	} else {
		s.log.Info("shutting down: no new connections; waiting for the requests in flight", "in_flight", s.inflight.Load(), "shutdown_timeout", s.cfg.ShutdownTimeout)
		sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		// Stop cuts the wait short.
		go func() {
			select {
			case <-s.stop:
				cancel()
			case <-sctx.Done():
			}
		}()
		if serr := apiSrv.Shutdown(sctx); serr != nil {
			n := s.inflight.Load()
			apiSrv.Close()
			select {
			case <-s.stop:
				err = fmt.Errorf("stopped at once (a second signal) with %d requests in flight; they were cut: %w", n, serr)
			default:
				err = fmt.Errorf("shutdown_timeout (%v) passed with %d requests still in flight; they were cut (raise shutdown_timeout to let them finish): %w", s.cfg.ShutdownTimeout, n, serr)
			}
		}
		cancel()
	}
	// Requests cut above may still be running in their handlers, on the
	// engine: their contexts are cancelled, so they end soon. Wait for
	// them, for a bound, before the caller closes the engine under them.
	if n := s.waitIdle(handlerExitWait); n > 0 {
		s.log.Warn("requests cut at shutdown are still running; the engine is closed under them", "in_flight", n)
	}
	s.Close()
	if metricsSrv != nil {
		mctx, cancel := context.WithTimeout(context.Background(), time.Second)
		if merr := metricsSrv.Shutdown(mctx); merr != nil {
			metricsSrv.Close()
		}
		cancel()
	}
	if err != nil {
		s.log.Warn("stopped", "error", err)
	} else {
		s.log.Info("stopped")
	}
	return errors.Join(serveFailed, err)
}

// serveErr drops the error http.Server.Serve returns after Shutdown.
func serveErr(name string, err error) error {
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("%s server: %w", name, err)
}

// handlerExitWait bounds how long Serve waits, after cutting requests, for
// their handlers to return.
const handlerExitWait = 5 * time.Second

// waitIdle waits until no request is in a handler, or for at most d, and
// returns how many still are.
func (s *Server) waitIdle(d time.Duration) int64 {
	deadline := time.Now().Add(d)
	for {
		n := s.inflight.Load()
		if n == 0 || !time.Now().Before(deadline) {
			return n
		}
		time.Sleep(5 * time.Millisecond)
	}
}
