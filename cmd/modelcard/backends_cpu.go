//go:build cpu

package main

import (
	"github.com/terragonlabs/modelcard-generator/daemon"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// hasCUDA is false: this build has no CUDA backend.
const hasCUDA = false

// registerGPU adds the CUDA backend where the build has one; the CPU build
// has none, so every command scores on the CPU.
func registerGPU(*engine.Registry) {}

// deviceOptions returns what the daemon reports of devices: the CPU build
// has no GPU statistics, no device pool and a backend that never degrades.
func deviceOptions(daemon.Engine) serveDevice {
	return serveDevice{gpu: daemon.NoGPU{}, close: func() {}}
}
