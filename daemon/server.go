package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
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
	s := &Server{cfg: opts.Config, eng: opts.Engine, version: opts.Version, log: log, health: opts.Health}
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
// ctx ends. It then turns /ready to 503, stops accepting connections, waits
// up to ShutdownTimeout for the requests in flight, stops the batcher and
// returns.
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
	if metrics != nil {
		metricsSrv = &http.Server{
			Handler:           s.MetricsHandler(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       s.cfg.IdleTimeout,
		}
		go func() { errc <- serveErr("metrics", metricsSrv.Serve(metrics)) }()
	}
	s.log.Info("serving", "api", api.Addr().String(), "backend", s.eng.BackendName())
	var serveFailed error
	select {
	case <-ctx.Done():
	case serveFailed = <-errc:
	}
	s.Drain()
	s.log.Info("draining", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := apiSrv.Shutdown(sctx)
	if err != nil {
		err = fmt.Errorf("drain the API server: %w", err)
		apiSrv.Close()
	}
	s.Close()
	if metricsSrv != nil {
		if merr := metricsSrv.Shutdown(sctx); merr != nil {
			metricsSrv.Close()
		}
	}
	s.log.Info("stopped")
	return errors.Join(serveFailed, err)
}

// serveErr drops the error http.Server.Serve returns after Shutdown.
func serveErr(name string, err error) error {
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("%s server: %w", name, err)
}
