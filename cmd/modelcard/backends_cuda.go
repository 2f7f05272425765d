//go:build !cpu

package main

import (
	"github.com/terragonlabs/modelcard-generator/engine"
	"github.com/terragonlabs/modelcard-generator/gpu"
)

// registerGPU adds the CUDA backend ahead of the CPU one, so that
// --backend auto prefers it and falls back to the CPU when it cannot open.
func registerGPU(reg *engine.Registry) { reg.Add(gpu.Name, gpu.Factory) }
