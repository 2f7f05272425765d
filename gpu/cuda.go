//go:build !cpu

package gpu

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"gorgonia.org/cu"

	"github.com/terragonlabs/modelcard-generator/cpu"
	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/kernels"
)

// threadsPerBlock is the block size of a ScoreRows launch.
const threadsPerBlock = kernels.WarpsPerBlock * 32

// Available reports why no CUDA device can be used, or nil when one can.
func Available() error {
	n, err := cu.NumDevices()
	if err != nil {
		return fmt.Errorf("cuda: count devices: %w", err)
	}
	if n == 0 {
		return errors.New("cuda: no CUDA device found; use --backend cpu")
	}
	return nil
}

// Factory adapts New to engine.BackendFactory.
func Factory(m *engine.Model) (engine.Backend, error) {
	b, err := New(m)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Backend scores on NVIDIA GPUs.
type Backend struct {
	cols, tasks, feats int
	families           int
	cfg                config
	fallback           *cpu.Backend
	jobs               chan *job
	quit               chan struct{}
	wg                 sync.WaitGroup
	closeOnce          sync.Once
	closeErrs          chan error
	pools              []*pool

	mu     sync.Mutex
	health Health
}

// job is one Score call handed to a device worker.
type job struct {
	ctx   context.Context
	batch *engine.CSR
	out   *engine.Scores
	done  chan error
}

// New uploads the model to every device (or the first n of WithDevices)
// and starts one worker per device.
func New(m *engine.Model, opts ...Option) (*Backend, error) {
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("cuda backend: %w", err)
	}
	cfg := newConfig(opts)
	if err := Available(); err != nil {
		return nil, err
	}
	n, err := cu.NumDevices()
	if err != nil {
		return nil, fmt.Errorf("cuda: count devices: %w", err)
	}
	if cfg.devices > 0 {
		n = min(n, cfg.devices)
	}
	fallback, err := cpu.New(m)
	if err != nil {
		return nil, fmt.Errorf("cuda backend: CPU fallback: %w", err)
	}
	b := &Backend{
		cols:      m.Columns(),
		tasks:     len(m.Tasks),
		feats:     m.Features(),
		families:  len(engine.Families()),
		cfg:       cfg,
		fallback:  fallback,
		jobs:      make(chan *job),
		quit:      make(chan struct{}),
		closeErrs: make(chan error, n),
	}
	ready := make(chan error, n)
	for ord := range n {
		p := newPool(driver{}, cfg.poolCap)
		b.pools = append(b.pools, p)
		b.wg.Add(1)
		go b.worker(ord, m, p, ready)
	}
	var errs []error
	for range n {
		if err := <-ready; err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		_ = b.Close()
		return nil, fmt.Errorf("cuda backend: %w", errors.Join(errs...))
	}
	return b, nil
}

// Name implements engine.Backend.
func (b *Backend) Name() string { return Name }

// PoolStats returns the device memory pools' statistics, summed over
// devices.
func (b *Backend) PoolStats() PoolStats {
	var s PoolStats
	for _, p := range b.pools {
		s = s.add(p.snapshot())
	}
	return s
}

// Health reports whether the backend is degraded and how many batches
// failed on the GPU.
func (b *Backend) Health() Health {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.health
}

// Close stops the workers and releases every device's memory, module,
// streams and context.
func (b *Backend) Close() error {
	var errs []error
	b.closeOnce.Do(func() {
		close(b.quit)
		b.wg.Wait()
		close(b.closeErrs)
		for err := range b.closeErrs {
			errs = append(errs, err)
		}
	})
	return errors.Join(errs...)
}

// Score implements engine.Backend. A batch that fails on the GPU is scored
// on the CPU instead, and the failure is counted in Health.
func (b *Backend) Score(ctx context.Context, batch *engine.CSR, out *engine.Scores) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	rows := batch.Rows()
	out.Resize(rows, b.cols-b.tasks, b.families)
	if rows == 0 {
		return nil
	}
	if err := batch.Validate(b.feats); err != nil {
		return fmt.Errorf("cuda backend: %w", err)
	}
	if b.Health().Degraded {
		return b.fallback.Score(ctx, batch, out)
	}
	j := &job{ctx: ctx, batch: batch, out: out, done: make(chan error, 1)}
	select {
	case b.jobs <- j:
	case <-b.quit:
		return errors.New("cuda backend: scoring after Close")
	case <-ctx.Done():
		return ctx.Err()
	}
	err := <-j.done
	if err == nil {
		return nil
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return err
	}
	b.recordFailure(err)
	if cerr := b.fallback.Score(ctx, batch, out); cerr != nil {
		return fmt.Errorf("cuda backend: batch failed on the GPU (%v) and on the CPU fallback: %w", err, cerr)
	}
	return nil
}

// recordFailure counts a GPU failure; anything but running out of memory
// leaves the backend degraded.
func (b *Backend) recordFailure(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.health.Failures++
	b.health.LastError = err.Error()
	if !errors.Is(err, cu.OutOfMemory) {
		b.health.Degraded = true
	}
}

// countSplit counts a chunk size halved after running out of memory.
func (b *Backend) countSplit() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.health.Splits++
}

// worker owns one device: it locks its goroutine to an OS thread, makes
// the device's context current there, and scores jobs until Close.
func (b *Backend) worker(ord int, m *engine.Model, p *pool, ready chan<- error) {
	defer b.wg.Done()
	// The context is current on this thread only; the thread ends with the
	// goroutine, as it stays locked.
	runtime.LockOSThread()
	d, err := openDevice(ord, m, p)
	ready <- err
	if err != nil {
		return
	}
	d.chunkRows, d.chunkNNZ = b.cfg.chunkRows, b.cfg.chunkNNZ
	for {
		select {
		case j := <-b.jobs:
			j.done <- b.scoreJob(d, j)
		case <-b.quit:
			if err := d.close(); err != nil {
				b.closeErrs <- err
			}
			return
		}
	}
}

// device is one GPU's state, used only on its worker's thread.
type device struct {
	ord      int
	ctx      cu.CUContext
	mod      cu.Module
	fn       cu.Function
	compute  cu.Stream
	copy     cu.Stream
	uploaded [2]cu.Event
	w, bias  cu.DevicePtr
	// taskFamily is the family index of each task column (int32).
	taskFamily cu.DevicePtr
	pool       *pool
	cols       int
	tasks      int
	families   int
	chunkRows  int
	chunkNNZ   int
}

// openDevice creates the context on the calling thread, loads the module,
// makes the streams and events, and uploads W and the bias.
func openDevice(ord int, m *engine.Model, p *pool) (d *device, err error) {
	d = &device{ord: ord, pool: p, cols: m.Columns(), tasks: len(m.Tasks), families: len(engine.Families())}
	defer func() {
		if err != nil {
			err = fmt.Errorf("device %d: %w", ord, err)
			if cerr := d.close(); cerr != nil {
				err = errors.Join(err, cerr)
			}
			d = nil
		}
	}()
	dev, err := cu.GetDevice(ord)
	if err != nil {
		return nil, fmt.Errorf("get device: %w", err)
	}
	if d.ctx, err = dev.MakeContext(cu.SchedBlockingSync); err != nil {
		return nil, fmt.Errorf("create context: %w", err)
	}
	smem, err := dev.Attribute(cu.MaxSharedMemoryPerBlock)
	if err != nil {
		return nil, fmt.Errorf("read shared memory per block: %w", err)
	}
	if need := kernels.WarpsPerBlock * kernels.SharedBytesPerRow(d.cols); need > smem {
		return nil, fmt.Errorf("model has %d columns, the kernel needs %d bytes of shared memory per block and the device has %d: use --backend cpu", d.cols, need, smem)
	}
	if d.mod, err = cu.LoadData(kernels.ScoringPTX); err != nil {
		return nil, fmt.Errorf("load kernel module: %w", err)
	}
	if d.fn, err = d.mod.Function(kernels.ScoreRows); err != nil {
		return nil, fmt.Errorf("find kernel %s: %w", kernels.ScoreRows, err)
	}
	if d.compute, err = cu.MakeStream(cu.NonBlocking); err != nil {
		return nil, fmt.Errorf("create compute stream: %w", err)
	}
	if d.copy, err = cu.MakeStream(cu.NonBlocking); err != nil {
		return nil, fmt.Errorf("create copy stream: %w", err)
	}
	for i := range d.uploaded {
		if d.uploaded[i], err = cu.MakeEvent(cu.DisableTiming); err != nil {
			return nil, fmt.Errorf("create event: %w", err)
		}
	}
	w := m.Weights()
	if d.w, err = upload(unsafe.Pointer(&w[0]), int64(len(w))*4); err != nil {
		return nil, fmt.Errorf("upload weights: %w", err)
	}
	if d.bias, err = upload(unsafe.Pointer(&m.Bias[0]), int64(len(m.Bias))*4); err != nil {
		return nil, fmt.Errorf("upload bias: %w", err)
	}
	if tf := m.TaskFamilies(); len(tf) > 0 {
		if d.taskFamily, err = upload(unsafe.Pointer(&tf[0]), int64(len(tf))*4); err != nil {
			return nil, fmt.Errorf("upload task families: %w", err)
		}
	}
	return d, nil
}

// upload allocates device memory outside the pool and copies host bytes.
func upload(src unsafe.Pointer, size int64) (cu.DevicePtr, error) {
	ptr, err := cu.MemAlloc(size)
	if err != nil {
		return 0, fmt.Errorf("allocate %d bytes: %w", size, err)
	}
	if err := cu.MemcpyHtoD(ptr, src, size); err != nil {
		return 0, errors.Join(fmt.Errorf("copy %d bytes to the device: %w", size, err), cu.MemFree(ptr))
	}
	return ptr, nil
}

// close releases what openDevice made; it tolerates a partly opened device.
func (d *device) close() error {
	var errs []error
	check := func(what string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("device %d: %s: %w", d.ord, what, err))
		}
	}
	if d.ctx == (cu.CUContext{}) {
		return nil
	}
	check("synchronize", cu.Synchronize())
	for _, ptr := range []cu.DevicePtr{d.w, d.bias, d.taskFamily} {
		if ptr != 0 {
			check("free model", cu.MemFree(ptr))
		}
	}
	check("release pool", d.pool.release())
	for i := range d.uploaded {
		if d.uploaded[i] != (cu.Event{}) {
			check("destroy event", cu.DestroyEvent(&d.uploaded[i]))
		}
	}
	for _, s := range []*cu.Stream{&d.compute, &d.copy} {
		if *s != (cu.Stream{}) {
			check("destroy stream", s.Destroy())
		}
	}
	if d.mod != (cu.Module{}) {
		check("unload module", d.mod.Unload())
	}
	check("destroy context", d.ctx.Destroy())
	return errors.Join(errs...)
}

// scoreJob scores a job's batch in pipelined chunks. When the device runs
// out of memory it halves the chunk size (kept for later jobs) and goes on
// from the first row not yet scored.
func (b *Backend) scoreJob(d *device, j *job) error {
	start := 0
	rows := j.batch.Rows()
	for start < rows {
		done, err := d.scoreFrom(j, start)
		start += done
		if err == nil {
			continue
		}
		if errors.Is(err, cu.OutOfMemory) && d.chunkRows > 1 {
			d.chunkRows = max(d.chunkRows/2, 1)
			d.chunkNNZ = max(d.chunkNNZ/2, 1)
			b.countSplit()
			continue
		}
		return err
	}
	return nil
}

// slot is one set of input buffers of the double-buffered pipeline.
type slot struct{ rowptr, colidx, vals block }

// buffers is what one scoreFrom call takes from the pool.
type buffers struct {
	slots                                  [2]slot
	topTask, topProb, familyProb, complete block
}

// blocks lists every block, for returning them to the pool.
func (bf *buffers) blocks() []block {
	return []block{
		bf.slots[0].rowptr, bf.slots[0].colidx, bf.slots[0].vals,
		bf.slots[1].rowptr, bf.slots[1].colidx, bf.slots[1].vals,
		bf.topTask, bf.topProb, bf.familyProb, bf.complete,
	}
}

// getOpt takes a block of size bytes from the pool, or none for 0 bytes.
func (d *device) getOpt(size int64) (block, error) {
	if size == 0 {
		return block{}, nil
	}
	return d.pool.get(size)
}

// scoreFrom scores rows start.. of the job's batch chunk by chunk: the
// copy of chunk k+1 to the device (copy stream) overlaps the kernel of
// chunk k (compute stream). It returns how many rows it finished.
func (d *device) scoreFrom(j *job, start int) (done int, err error) {
	batch, out := j.batch, j.out
	chunks := planChunks(batch.RowPtr, start, d.chunkRows, d.chunkNNZ)
	maxRows, maxNNZ := 0, 0
	for _, c := range chunks {
		maxRows = max(maxRows, c.hi-c.lo)
		maxNNZ = max(maxNNZ, int(batch.RowPtr[c.hi]-batch.RowPtr[c.lo]))
	}
	standards := d.cols - d.tasks
	var bf buffers
	defer func() {
		// Both streams must be idle before the blocks can be reused.
		if serr := errors.Join(d.copy.Synchronize(), d.compute.Synchronize()); serr != nil {
			err = errors.Join(err, fmt.Errorf("synchronize streams: %w", serr))
		}
		for _, blk := range bf.blocks() {
			if perr := d.pool.put(blk); perr != nil {
				err = errors.Join(err, perr)
			}
		}
	}()
	for i := range bf.slots {
		s := &bf.slots[i]
		if s.rowptr, err = d.getOpt(int64(maxRows+1) * 4); err != nil {
			return 0, err
		}
		if s.colidx, err = d.getOpt(int64(maxNNZ) * 4); err != nil {
			return 0, err
		}
		if s.vals, err = d.getOpt(int64(maxNNZ) * 4); err != nil {
			return 0, err
		}
	}
	if bf.topTask, err = d.getOpt(int64(maxRows) * engine.TopK * 4); err != nil {
		return 0, err
	}
	if bf.topProb, err = d.getOpt(int64(maxRows) * engine.TopK * 4); err != nil {
		return 0, err
	}
	if bf.familyProb, err = d.getOpt(int64(maxRows) * int64(d.families) * 4); err != nil {
		return 0, err
	}
	if bf.complete, err = d.getOpt(int64(maxRows) * int64(standards) * 4); err != nil {
		return 0, err
	}

	send := func(k int) error {
		c, s := chunks[k], &bf.slots[k%2]
		rp := batch.RowPtr[c.lo : c.hi+1]
		if err := cu.MemcpyHtoDAsync(cu.DevicePtr(s.rowptr.ptr), unsafe.Pointer(&rp[0]), int64(len(rp))*4, d.copy); err != nil {
			return fmt.Errorf("copy row pointers to device %d: %w", d.ord, err)
		}
		lo, hi := rp[0], rp[len(rp)-1]
		if n := int64(hi - lo); n > 0 {
			if err := cu.MemcpyHtoDAsync(cu.DevicePtr(s.colidx.ptr), unsafe.Pointer(&batch.ColIdx[lo]), n*4, d.copy); err != nil {
				return fmt.Errorf("copy column indexes to device %d: %w", d.ord, err)
			}
			if err := cu.MemcpyHtoDAsync(cu.DevicePtr(s.vals.ptr), unsafe.Pointer(&batch.Vals[lo]), n*4, d.copy); err != nil {
				return fmt.Errorf("copy values to device %d: %w", d.ord, err)
			}
		}
		if err := d.uploaded[k%2].Record(d.copy); err != nil {
			return fmt.Errorf("record upload event on device %d: %w", d.ord, err)
		}
		return nil
	}

	if err := send(0); err != nil {
		return 0, err
	}
	for k, c := range chunks {
		if k > 0 {
			if err := j.ctx.Err(); err != nil {
				return done, err
			}
		}
		s := &bf.slots[k%2]
		if err := d.compute.Wait(d.uploaded[k%2], 0); err != nil {
			return done, fmt.Errorf("wait for upload on device %d: %w", d.ord, err)
		}
		rows := c.hi - c.lo
		var (
			rowptr, colidx, vals          = s.rowptr.ptr, s.colidx.ptr, s.vals.ptr
			w, bias, taskFamily           = d.w, d.bias, d.taskFamily
			nrows, ncols, ntasks, nfamily = int64(rows), int64(d.cols), int64(d.tasks), int64(d.families)
			tt, tp, fp, cp                = bf.topTask.ptr, bf.topProb.ptr, bf.familyProb.ptr, bf.complete.ptr
		)
		// In the kernel's parameter order (kernels.ScoreRowsParams).
		args := []unsafe.Pointer{
			unsafe.Pointer(&rowptr), unsafe.Pointer(&colidx), unsafe.Pointer(&vals),
			unsafe.Pointer(&w), unsafe.Pointer(&bias), unsafe.Pointer(&taskFamily),
			unsafe.Pointer(&nrows), unsafe.Pointer(&ncols), unsafe.Pointer(&ntasks), unsafe.Pointer(&nfamily),
			unsafe.Pointer(&tt), unsafe.Pointer(&tp), unsafe.Pointer(&fp), unsafe.Pointer(&cp),
		}
		if len(args) != kernels.ScoreRowsParams {
			return done, fmt.Errorf("launch %s: %d arguments for %d parameters", kernels.ScoreRows, len(args), kernels.ScoreRowsParams)
		}
		grid := (rows + kernels.WarpsPerBlock - 1) / kernels.WarpsPerBlock
		smem := kernels.WarpsPerBlock * kernels.SharedBytesPerRow(d.cols)
		if err := d.fn.Launch(grid, 1, 1, threadsPerBlock, 1, 1, smem, d.compute, args); err != nil {
			return done, fmt.Errorf("launch %s on device %d (%d rows): %w", kernels.ScoreRows, d.ord, rows, err)
		}
		if k+1 < len(chunks) {
			if err := send(k + 1); err != nil {
				return done, err
			}
		}
		if err := d.receive(out, c, bf); err != nil {
			return done, err
		}
		done += rows
	}
	return done, nil
}

// receive copies one chunk's results into out and waits for them.
func (d *device) receive(out *engine.Scores, c chunk, bf buffers) error {
	rows := c.hi - c.lo
	tt := out.TopTask[c.lo*engine.TopK : c.hi*engine.TopK]
	tp := out.TopProb[c.lo*engine.TopK : c.hi*engine.TopK]
	if err := cu.MemcpyDtoHAsync(unsafe.Pointer(&tt[0]), cu.DevicePtr(bf.topTask.ptr), int64(rows)*engine.TopK*4, d.compute); err != nil {
		return fmt.Errorf("copy top tasks from device %d: %w", d.ord, err)
	}
	if err := cu.MemcpyDtoHAsync(unsafe.Pointer(&tp[0]), cu.DevicePtr(bf.topProb.ptr), int64(rows)*engine.TopK*4, d.compute); err != nil {
		return fmt.Errorf("copy top probabilities from device %d: %w", d.ord, err)
	}
	if f := out.Families; f > 0 {
		fp := out.FamilyProb[c.lo*f : c.hi*f]
		if err := cu.MemcpyDtoHAsync(unsafe.Pointer(&fp[0]), cu.DevicePtr(bf.familyProb.ptr), int64(rows*f)*4, d.compute); err != nil {
			return fmt.Errorf("copy family probabilities from device %d: %w", d.ord, err)
		}
	}
	if s := out.Standards; s > 0 {
		cp := out.Completeness[c.lo*s : c.hi*s]
		if err := cu.MemcpyDtoHAsync(unsafe.Pointer(&cp[0]), cu.DevicePtr(bf.complete.ptr), int64(rows*s)*4, d.compute); err != nil {
			return fmt.Errorf("copy completeness from device %d: %w", d.ord, err)
		}
	}
	if err := d.compute.Synchronize(); err != nil {
		return fmt.Errorf("score %d rows on device %d: %w", rows, d.ord, err)
	}
	return nil
}

// driver is the pool's allocator: plain device allocations of the
// current context.
type driver struct{}

func (driver) alloc(size int64) (uintptr, error) {
	p, err := cu.MemAlloc(size)
	return uintptr(p), err
}

func (driver) free(ptr uintptr) error { return cu.MemFree(cu.DevicePtr(ptr)) }

func (driver) isOOM(err error) bool { return errors.Is(err, cu.OutOfMemory) }
