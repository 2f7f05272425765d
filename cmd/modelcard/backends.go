package main

import (
	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/cpu"
	"github.com/terragonlabs/modelcard-generator/engine"
)

// newRegistry returns the scoring backends this build has, in order of
// preference for --backend auto.
func newRegistry() *engine.Registry {
	reg := engine.NewRegistry()
	registerGPU(reg)
	reg.Add(cpu.Name, cpu.Factory)
	return reg
}

// backendFlag is the --backend flag shared by the commands that score.
func backendFlag() cli.Flag {
	return &cli.StringFlag{
		Name:    "backend",
		Value:   "auto",
		Usage:   "scoring backend: auto (the GPU when one is usable, else the CPU), cpu, or cuda",
		EnvVars: []string{"MODELCARD_BACKEND"},
	}
}

// openEngine builds the engine with the default models and the backend
// named by --backend.
func openEngine(c *cli.Context) (*engine.Engine, error) {
	return engine.New(engine.Config{Registry: newRegistry(), Backend: c.String("backend")})
}
