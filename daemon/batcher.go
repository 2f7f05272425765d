package daemon

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// ErrQueueFull is returned by Batcher.Decide when the queue holds as many
// cards as it may; the client should retry later (HTTP 429).
var ErrQueueFull = errors.New("the batch queue is full")

// ErrBatcherClosed is returned by Batcher.Decide after Close.
var ErrBatcherClosed = errors.New("the batcher is closed")

// BatcherConfig configures a Batcher.
type BatcherConfig struct {
	// MaxBatch is the number of cards at which a batch is sent to the
	// engine without waiting further (default 64).
	MaxBatch int
	// MaxDelay is how long the first request of a batch may wait for
	// others before the batch is sent (default 2ms).
	MaxDelay time.Duration
	// QueueCards bounds the number of cards waiting; past it Decide
	// returns ErrQueueFull (default 4096).
	QueueCards int
	// OnBatch, when set, is called after each engine call with the number
	// of cards, the requests merged and the time the call took (metrics).
	OnBatch func(cards, requests int, took time.Duration)
}

// Batcher merges the cards of concurrent Decide calls into few large calls
// of an engine: one goroutine takes queued requests until MaxBatch cards
// are gathered or MaxDelay has passed since the first, decides them in one
// call, and hands each request its decisions. While the engine works, new
// requests queue up and form the next batch, so batches grow with load and
// a lone request waits at most MaxDelay.
type Batcher struct {
	decide engine.DecideFunc
	cfg    BatcherConfig

	mu     sync.RWMutex // guards closed against sends on queue
	closed bool
	queue  chan *batchJob
	queued atomic.Int64 // cards waiting
	done   chan struct{}
}

// batchJob is one Decide call waiting for its decisions.
type batchJob struct {
	ctx   context.Context
	cards []*card.Card
	reply chan batchReply
}

type batchReply struct {
	decisions []engine.Decision
	err       error
}

// NewBatcher starts a batcher over decide; stop it with Close.
func NewBatcher(decide engine.DecideFunc, cfg BatcherConfig) *Batcher {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 64
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 2 * time.Millisecond
	}
	if cfg.QueueCards <= 0 {
		cfg.QueueCards = 4096
	}
	b := &Batcher{
		decide: decide,
		cfg:    cfg,
		queue:  make(chan *batchJob, cfg.QueueCards),
		done:   make(chan struct{}),
	}
	go b.loop()
	return b
}

// QueuedCards returns the number of cards waiting for a batch.
func (b *Batcher) QueuedCards() int { return int(b.queued.Load()) }

// Decide queues cards for the next batch and waits for their decisions, or
// for ctx to end. It returns ErrQueueFull at once when the queue is full.
func (b *Batcher) Decide(ctx context.Context, cards []*card.Card) ([]engine.Decision, error) {
	if len(cards) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	j := &batchJob{ctx: ctx, cards: cards, reply: make(chan batchReply, 1)}
	n := int64(len(cards))
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return nil, ErrBatcherClosed
	}
	// A request larger than the whole queue is still let in when the
	// queue is empty, so that it can ever run.
	if q := b.queued.Add(n); q > int64(b.cfg.QueueCards) && q != n {
		b.queued.Add(-n)
		b.mu.RUnlock()
		return nil, ErrQueueFull
	}
	select {
	case b.queue <- j:
	default:
		b.queued.Add(-n)
		b.mu.RUnlock()
		return nil, ErrQueueFull
	}
	b.mu.RUnlock()
	select {
	case r := <-j.reply:
		return r.decisions, r.err
	case <-ctx.Done():
		// The batch loop drops the job or decides it for nobody; the
		// reply channel is buffered, so it never blocks.
		return nil, ctx.Err()
	}
}

// Close stops taking requests, decides those already queued, and returns
// when the batcher's goroutine has ended.
func (b *Batcher) Close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.mu.Unlock()
	<-b.done
}

// loop gathers and decides batches until the queue is closed and empty.
func (b *Batcher) loop() {
	defer close(b.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		first, ok := <-b.queue
		if !ok {
			return
		}
		jobs := []*batchJob{first}
		n := len(first.cards)
		timer.Reset(b.cfg.MaxDelay)
		open := true
	gather:
		for n < b.cfg.MaxBatch {
			select {
			case j, ok := <-b.queue:
				if !ok {
					open = false
					break gather
				}
				jobs = append(jobs, j)
				n += len(j.cards)
			case <-timer.C:
				break gather
			}
		}
		timer.Stop()
		b.run(jobs)
		if !open {
			return
		}
	}
}

// run decides one batch of jobs in one engine call. Jobs whose context has
// ended are answered without being decided; the engine call's context ends
// when every remaining job's has.
func (b *Batcher) run(jobs []*batchJob) {
	live := jobs[:0:0]
	var cards []*card.Card
	for _, j := range jobs {
		b.queued.Add(-int64(len(j.cards)))
		if err := j.ctx.Err(); err != nil {
			j.reply <- batchReply{err: err}
			continue
		}
		live = append(live, j)
		cards = append(cards, j.cards...)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var remaining atomic.Int64
	remaining.Store(int64(len(live)))
	stops := make([]func() bool, len(live))
	for i, j := range live {
		stops[i] = context.AfterFunc(j.ctx, func() {
			if remaining.Add(-1) == 0 {
				cancel()
			}
		})
	}
	start := time.Now()
	decisions, err := b.decide(ctx, cards)
	took := time.Since(start)
	for _, stop := range stops {
		stop()
	}
	if err == nil && len(decisions) != len(cards) {
		err = fmt.Errorf("the engine returned %d decisions for %d cards", len(decisions), len(cards))
	}
	if b.cfg.OnBatch != nil {
		b.cfg.OnBatch(len(cards), len(live), took)
	}
	off := 0
	for _, j := range live {
		if err != nil {
			if jerr := j.ctx.Err(); jerr != nil {
				j.reply <- batchReply{err: jerr}
			} else {
				j.reply <- batchReply{err: err}
			}
			continue
		}
		j.reply <- batchReply{decisions: decisions[off : off+len(j.cards) : off+len(j.cards)]}
		off += len(j.cards)
	}
}
