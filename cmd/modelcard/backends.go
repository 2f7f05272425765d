package main

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/terragonlabs/modelcard-generator/card"
	"github.com/terragonlabs/modelcard-generator/cpu"
	"github.com/terragonlabs/modelcard-generator/daemon"
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

// backendFlag is the --backend flag shared by the commands that score. A
// name this build has no backend for is a usage error, raised as the
// command line is read, before any work starts.
func backendFlag() cli.Flag {
	return &cli.StringFlag{
		Name:    "backend",
		Value:   "auto",
		Usage:   "scoring backend: auto (the GPU when one is usable, else the CPU), cpu, or cuda",
		EnvVars: []string{"MODELCARD_BACKEND"},
		Action:  func(_ *cli.Context, name string) error { return checkBackend(name) },
	}
}

// modelFlag is the --model flag shared by the commands that predict a
// card's task: a model file `modelcard train` wrote, in place of the
// embedded one.
func modelFlag() cli.Flag {
	return &cli.StringFlag{
		Name:    "model",
		Usage:   "predict tasks with the template-selection model in `FILE` (written by modelcard train) instead of the built-in one",
		EnvVars: []string{"MODELCARD_MODEL"},
	}
}

// loadModelFlag reads the model --model names; nil when it names none.
// A file that cannot be read or is not such a model is a usage error.
func loadModelFlag(c *cli.Context) (*engine.TaskModel, error) {
	path := c.String("model")
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("--model %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	m, err := engine.LoadTaskModel(f)
	if err != nil {
		return nil, usagef("--model %s is not a model that modelcard train writes (%v); give the --out file of a train run, or leave --model out to use the built-in model", path, err)
	}
	return m, nil
}

// cudaBackend is the name of the CUDA backend, which only the CUDA build
// has (hasCUDA).
const cudaBackend = "cuda"

// checkBackend returns a usage error when this build has no backend of
// the given name: "" and auto are always accepted; cuda in a build
// without CUDA is told apart from a name that is no backend at all.
func checkBackend(name string) error {
	if name == "" || name == "auto" {
		return nil
	}
	names := newRegistry().Names()
	if slices.Contains(names, name) {
		return nil
	}
	if name == cudaBackend && !hasCUDA {
		return usagef("--backend cuda: this modelcard was built without CUDA (a CPU-only build); use the CUDA build of modelcard to score on the GPU, or --backend cpu")
	}
	return usagef("--backend %q: unknown backend; this build has auto, %s", name, strings.Join(names, ", "))
}

// openEngine builds the engine with the default models and the backend
// named by --backend.
func openEngine(c *cli.Context) (*engine.Engine, error) {
	if err := checkBackend(c.String("backend")); err != nil {
		return nil, err
	}
	model, err := loadModelFlag(c)
	if err != nil {
		return nil, err
	}
	return engine.New(engine.Config{Registry: newRegistry(), Backend: c.String("backend"), TaskModel: model, ParseCard: parseAuditCard})
}

// serveDevice is what the daemon is told of the devices the engine runs on.
type serveDevice struct {
	gpu    daemon.GPUStats
	pool   daemon.MemoryPoolStats
	health daemon.BackendHealth
	// close releases what reading the statistics holds.
	close func()
}

// parseAuditCard reads a card to audit: a Hugging Face README as it is; a
// Model Card Toolkit JSON or the engine's JSON card through the Hub
// rendering of its content, so that the engine sees its sections. An HTML
// page or Annex IV document that modelcard wrote is refused: it is not a
// card, and would be scored as a poor one.
func parseAuditCard(parser *card.Parser, path string, data []byte) (*card.Card, error) {
	if what := ownRendering(data); what != "" {
		return nil, &card.InputError{Code: "input.not-a-card",
			Msg: "the file is " + what + ", which modelcard writes from a card, not a model card: audit the card it was made from"}
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return parser.Parse(data)
	}
	var (
		c   *card.Card
		err error
	)
	switch keys := topLevelJSONKeys(data); {
	case keys["format_version"] && keys["content"]:
		c, err = card.ParseCardJSON(data, path)
	case keys["model_details"] || keys["schema_version"]:
		c, err = card.ParseMCT(data, path)
	default:
		return parser.Parse(data)
	}
	if err != nil {
		return nil, &card.InputError{Code: "input.format", Msg: err.Error(), Err: err}
	}
	md, err := card.RenderHF(c)
	if err != nil {
		return nil, &card.InputError{Code: "input.format", Msg: err.Error(), Err: err}
	}
	return parser.Parse(md)
}
