//go:build cpu

package gpu

import (
	"context"
	"errors"

	"github.com/terragonlabs/modelcard-generator/engine"
)

// errNoCUDA is what every entry point of the CPU build's stub returns.
var errNoCUDA = errors.New("built without CUDA: use the default build on a machine with an NVIDIA GPU")

// Available reports why no CUDA device can be used: this build has none.
func Available() error { return errNoCUDA }

// Factory is the backend's engine.BackendFactory; in this build it always
// fails, so that --backend auto falls back to the CPU.
func Factory(*engine.Model) (engine.Backend, error) { return nil, errNoCUDA }

// Backend is the CUDA backend; this build cannot make one.
type Backend struct{}

// New fails: this build has no CUDA backend.
func New(*engine.Model, ...Option) (*Backend, error) { return nil, errNoCUDA }

// Name implements engine.Backend.
func (*Backend) Name() string { return Name }

// Score implements engine.Backend; it always fails in this build.
func (*Backend) Score(context.Context, *engine.CSR, *engine.Scores) error { return errNoCUDA }

// Close implements engine.Backend.
func (*Backend) Close() error { return nil }

// PoolStats returns zero statistics: this build has no device pools.
func (*Backend) PoolStats() PoolStats { return PoolStats{} }

// Health reports the stub as degraded, with the reason.
func (*Backend) Health() Health { return Health{Degraded: true, LastError: errNoCUDA.Error()} }
