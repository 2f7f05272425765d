//go:build !cpu

package main

import (
	"log/slog"
	"strconv"

	"github.com/terragonlabs/modelcard-generator/daemon"
	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/gpu"
	"github.com/terragonlabs/modelcard-generator/internal/nvmlstats"
)

// hasCUDA is true: this build has the CUDA backend, named cudaBackend.
const hasCUDA = true

// registerGPU adds the CUDA backend ahead of the CPU one, so that
// --backend auto prefers it and falls back to the CPU when it cannot open.
func registerGPU(reg *engine.Registry) { reg.Add(gpu.Name, gpu.Factory) }

// deviceOptions returns what the daemon reports of devices: NVML's
// statistics (nvml_up 0 where the driver's library is missing) and, when
// the engine scores on the CUDA backend, its memory pool and health.
func deviceOptions(eng daemon.Engine) serveDevice {
	stats := nvmlstats.Open()
	dev := serveDevice{gpu: stats, close: func() {
		if err := stats.Close(); err != nil {
			slog.Warn("closing NVML", "err", err)
		}
	}}
	withBackend, ok := eng.(interface{ Backend() engine.Backend })
	if !ok {
		return dev
	}
	if b, ok := withBackend.Backend().(*gpu.Backend); ok {
		dev.pool = gpuPool{b}
		dev.health = gpuHealth{b}
	}
	return dev
}

// gpuPool reports the CUDA backend's memory pool to the daemon.
type gpuPool struct{ b *gpu.Backend }

// PoolStats implements daemon.MemoryPoolStats; the backend sums its
// devices' pools, reported as device "all".
func (p gpuPool) PoolStats() ([]daemon.PoolStats, error) {
	s := p.b.PoolStats()
	return []daemon.PoolStats{{
		Device:      "all",
		InUseBytes:  nonNegative(s.BytesInUse),
		FreeBytes:   nonNegative(s.BytesFree),
		Allocations: nonNegative(s.Allocations),
		Hits:        nonNegative(s.Hits),
		Misses:      nonNegative(s.Misses),
	}}, nil
}

// nonNegative converts a counter that is never negative.
func nonNegative(v int64) uint64 {
	if v < 0 {
		return 0
	}
	return uint64(v)
}

// gpuHealth reports the CUDA backend's health to the daemon.
type gpuHealth struct{ b *gpu.Backend }

// Degraded implements daemon.BackendHealth.
func (h gpuHealth) Degraded() (bool, string) {
	st := h.b.Health()
	if !st.Degraded {
		return false, ""
	}
	return true, st.LastError + " (" + strconv.FormatInt(st.Failures, 10) + " batches rescored on the CPU)"
}
