//go:build !cpu

package gpu

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"unsafe"

	"gorgonia.org/cu"

	"github.com/terragonlabs/modelcard-generator/cpu"
	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/engine/enginetest"
)

func TestConformance(t *testing.T) {
	enginetest.Run(t, Factory)
}

// TestConformanceSmallChunks forces many pipelined chunks per batch, so
// that the double buffering and the chunk offsets are exercised.
func TestConformanceSmallChunks(t *testing.T) {
	enginetest.Run(t, func(m *engine.Model) (engine.Backend, error) {
		return New(m, WithChunkRows(100), WithChunkNNZ(5000), WithPoolCap(0))
	})
}

func TestPoolAndHealthAfterScoring(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	m := enginetest.RandomModel(rng, 1024, 10, 3)
	b, err := New(m, WithChunkRows(64))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	batch := enginetest.RandomBatch(rng, 1000, 1024, 30)
	var out engine.Scores
	for range 3 {
		if err := b.Score(context.Background(), batch, &out); err != nil {
			t.Fatal(err)
		}
	}
	enginetest.Check(t, m, batch, &out)
	s := b.PoolStats()
	if s.BytesInUse != 0 || s.Hits == 0 || s.Allocations == 0 {
		t.Errorf("pool stats %+v: want nothing in use after scoring, and reuse", s)
	}
	if h := b.Health(); h.Degraded || h.Failures != 0 {
		t.Errorf("health %+v after clean batches", h)
	}
}

// benchShape is a model and batch the size of the default model and a
// large serving batch.
func benchShape(b *testing.B) (*engine.Model, *engine.CSR) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := enginetest.RandomModel(rng, 1<<16, 40, 4)
	batch := enginetest.RandomBatch(rng, 1<<16, 1<<16, 128)
	b.Logf("model %d features x %d columns; batch %d rows, %d values", m.Features(), m.Columns(), batch.Rows(), batch.NNZ())
	return m, batch
}

// batchBytes is the fewest bytes a score of the batch moves through device
// memory: the CSR once and the results once.
func batchBytes(m *engine.Model, batch *engine.CSR) float64 {
	rows := float64(batch.Rows())
	return 4*(rows+1) + 8*float64(batch.NNZ()) + rows*float64(engine.TopK*8+4*len(engine.Families())+4*len(m.Standards))
}

func benchScore(b *testing.B, be engine.Backend, m *engine.Model, batch *engine.CSR) {
	var out engine.Scores
	ctx := context.Background()
	if err := be.Score(ctx, batch, &out); err != nil { // warm-up
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := be.Score(ctx, batch, &out); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(batch.Rows())/sec, "cards/s")
	b.ReportMetric(batchBytes(m, batch)/sec/1e9, "GB/s")
	// The gathered weight rows, served mostly from L2 when W fits there.
	b.ReportMetric(float64(batch.NNZ())*float64(m.Columns())*4/sec/1e9, "W-GB/s")
}

func BenchmarkScoreGPU(b *testing.B) {
	m, batch := benchShape(b)
	be, err := New(m)
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	d2d, h2d, err := copyBandwidth(256 << 20)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(d2d, "d2d-GB/s")
	b.ReportMetric(h2d, "h2d-GB/s")
	benchScore(b, be, m, batch)
	b.Logf("pool %+v health %+v", be.PoolStats(), be.Health())
}

// BenchmarkScoreCPU scores the same batch on the CPU backend, for the ratio.
func BenchmarkScoreCPU(b *testing.B) {
	m, batch := benchShape(b)
	be, err := cpu.New(m)
	if err != nil {
		b.Fatal(err)
	}
	benchScore(b, be, m, batch)
}

// copyBandwidth measures a device-to-device copy (bytes read plus bytes
// written) and a host-to-device copy from ordinary (pageable) Go memory,
// in GB/s, on device 0 in a context of its own.
func copyBandwidth(size int64) (d2d, h2d float64, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	dev, err := cu.GetDevice(0)
	if err != nil {
		return 0, 0, err
	}
	ctx, err := dev.MakeContext(cu.SchedBlockingSync)
	if err != nil {
		return 0, 0, err
	}
	defer ctx.Destroy()
	src, err := cu.MemAlloc(size)
	if err != nil {
		return 0, 0, err
	}
	defer cu.MemFree(src)
	dst, err := cu.MemAlloc(size)
	if err != nil {
		return 0, 0, err
	}
	defer cu.MemFree(dst)
	host := make([]byte, size)
	for i := range host {
		host[i] = byte(i * 7)
	}
	start, err := cu.MakeEvent(cu.DefaultEvent)
	if err != nil {
		return 0, 0, err
	}
	defer cu.DestroyEvent(&start)
	stop, err := cu.MakeEvent(cu.DefaultEvent)
	if err != nil {
		return 0, 0, err
	}
	defer cu.DestroyEvent(&stop)
	var stream cu.Stream // the default stream
	timed := func(reps int, op func() error) (float64, error) {
		if err := op(); err != nil { // warm-up
			return 0, err
		}
		if err := start.Record(stream); err != nil {
			return 0, err
		}
		for range reps {
			if err := op(); err != nil {
				return 0, err
			}
		}
		if err := stop.Record(stream); err != nil {
			return 0, err
		}
		if err := stop.Synchronize(); err != nil {
			return 0, err
		}
		ms, err := start.Elapsed(stop)
		return ms / 1e3 / float64(reps), err
	}
	sec, err := timed(20, func() error { return cu.MemcpyDtoD(dst, src, size) })
	if err != nil {
		return 0, 0, err
	}
	d2d = 2 * float64(size) / sec / 1e9
	sec, err = timed(5, func() error { return cu.MemcpyHtoD(dst, unsafe.Pointer(&host[0]), size) })
	if err != nil {
		return 0, 0, err
	}
	h2d = float64(size) / sec / 1e9
	return d2d, h2d, nil
}
