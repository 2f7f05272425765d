package main

import "github.com/terragonlabs/modelcard-generator/engine"

// registerGPU adds the CUDA backend where the build has one. The CUDA
// backend is not written yet, so every build scores on the CPU.
func registerGPU(*engine.Registry) {}
