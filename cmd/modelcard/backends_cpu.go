//go:build cpu

package main

import "github.com/terragonlabs/modelcard-generator/engine"

// registerGPU adds the CUDA backend where the build has one; the CPU build
// has none, so every command scores on the CPU.
func registerGPU(*engine.Registry) {}
