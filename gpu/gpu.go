// Package gpu is the CUDA scoring backend: the sparse-dense product and its
// fused epilogue (kernels/scoring.cu) run on NVIDIA GPUs through the CUDA
// driver API, with one worker goroutine per device locked to its OS thread.
// Batches that fail on the GPU are rescored on the CPU backend, and the
// backend reports itself degraded.
//
// The default build holds the real backend; the build with the cpu tag
// holds a stub with the same API whose Factory and Available return an
// error, so that the program builds without cgo and the CUDA toolkit.
package gpu

// Name is the backend's name in the registry.
const Name = "cuda"

// PoolStats describes a device memory pool (summed over devices).
type PoolStats struct {
	// BytesInUse is the size of the blocks handed out and not yet returned.
	BytesInUse int64
	// BytesFree is the size of the blocks kept for reuse.
	BytesFree int64
	// Hits counts requests served from kept blocks.
	Hits int64
	// Misses counts requests that needed a new allocation.
	Misses int64
	// Allocations counts device allocations made.
	Allocations int64
	// Frees counts device allocations released.
	Frees int64
	// OutOfMemory counts allocations the device refused.
	OutOfMemory int64
}

// add returns the sum of two pools' statistics.
func (s PoolStats) add(o PoolStats) PoolStats {
	return PoolStats{
		BytesInUse:  s.BytesInUse + o.BytesInUse,
		BytesFree:   s.BytesFree + o.BytesFree,
		Hits:        s.Hits + o.Hits,
		Misses:      s.Misses + o.Misses,
		Allocations: s.Allocations + o.Allocations,
		Frees:       s.Frees + o.Frees,
		OutOfMemory: s.OutOfMemory + o.OutOfMemory,
	}
}

// Health says whether the backend still scores on the GPU.
type Health struct {
	// Degraded is true once a batch failed on a device for another reason
	// than running out of memory: from then on batches are scored on the
	// CPU, since a CUDA context that saw such an error is unusable.
	Degraded bool
	// Failures counts batches that failed on the GPU and were rescored on
	// the CPU.
	Failures int64
	// Splits counts the times a device ran out of memory and the batch was
	// cut into smaller chunks.
	Splits int64
	// LastError is the last GPU failure's message, empty when none.
	LastError string
}

// Option configures the backend.
type Option func(*config)

// config holds the options.
type config struct {
	chunkRows int
	chunkNNZ  int
	poolCap   int64
	devices   int
}

// defaultConfig returns the defaults: chunks of up to 32768 rows and 4M
// stored values, 1 GiB of device memory kept free for reuse per device,
// every device.
func defaultConfig() config {
	return config{chunkRows: 1 << 15, chunkNNZ: 1 << 22, poolCap: 1 << 30}
}

// newConfig returns the defaults with the options applied in order.
func newConfig(opts []Option) config {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// WithChunkRows sets the most rows copied and scored in one kernel launch;
// larger batches are pipelined in chunks.
func WithChunkRows(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.chunkRows = n
		}
	}
}

// WithChunkNNZ sets the most stored values of one chunk (a longer single
// row still makes a chunk of its own).
func WithChunkNNZ(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.chunkNNZ = n
		}
	}
}

// WithPoolCap sets how many bytes of freed device memory each device's
// pool keeps for reuse; blocks beyond it are released.
func WithPoolCap(bytes int64) Option {
	return func(c *config) {
		if bytes >= 0 {
			c.poolCap = bytes
		}
	}
}

// WithDevices limits the backend to the first n devices (default: all).
func WithDevices(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.devices = n
		}
	}
}
