# modelcard-generator build. `make help` lists the targets.

GO        ?= go
BIN       ?= bin
FUZZTIME  ?= 30s
# Each fuzz target as package:FuzzName.
FUZZ_TARGETS := \
	./card:FuzzSplitFrontMatter \
	./card:FuzzParseCard \
	./card:FuzzParserReuse \
	./card:FuzzParseBody \
	./card:FuzzParseSpec \
	./card:FuzzSpecQuickSchema \
	./card:FuzzModelIndex \
	./card:FuzzHFMarkdownBlock \
	./card:FuzzFastYAML \
	./card:FuzzFastSpecTree \
	./card:FuzzModelIndexClean \
	./card:FuzzParseMCT \
	./card:FuzzParseCardJSON \
	./card:FuzzHTMLSafe \
	./engine:FuzzLoadTaskModel \
	./internal/jsonenc:FuzzAppendString \
	./cmd/modelcard:FuzzDecodeCardRecord \
	./evalimport:FuzzCSV \
	./evalimport:FuzzLMEval

# staticcheck, at a fixed version, fetched through the module proxy.
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

NVCC      ?= nvcc
PTXAS     ?= ptxas

# The CUDA build needs cuda.h; vet it only where the toolkit is installed.
HAVE_CUDA := $(shell test -f /usr/include/cuda.h -o -f /usr/local/cuda/include/cuda.h && echo yes)

.PHONY: help build build-cpu test test-deploy vet lint fmt-check fuzz run bench model clean kernels gpu-check

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## the default (CUDA) build: bin/modelcard
	$(GO) build -o $(BIN)/modelcard ./cmd/modelcard

build-cpu: ## the CPU build, static, no cgo: bin/modelcard-cpu
	CGO_ENABLED=0 $(GO) build -tags cpu -trimpath -o $(BIN)/modelcard-cpu ./cmd/modelcard

fmt-check: ## fail when a Go file is not gofmt-formatted
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi

vet: ## go vet of the CPU build, and of the CUDA build where the toolkit is installed
	$(GO) vet -tags cpu ./...
ifeq ($(HAVE_CUDA),yes)
	$(GO) vet ./...
else
	@echo "vet: CUDA toolkit not installed, CUDA build not vetted (scripts/install-cuda-toolkit.sh installs it)"
	@if [ -n "$$CI" ]; then echo "vet: CI must vet the CUDA build"; exit 1; fi
endif

lint: ## staticcheck of the CPU build, and of the CUDA build where the toolkit is installed
	$(STATICCHECK) -tags cpu ./...
ifeq ($(HAVE_CUDA),yes)
	$(STATICCHECK) ./...
else
	@echo "lint: CUDA toolkit not installed, CUDA build not checked"
	@if [ -n "$$CI" ]; then echo "lint: CI must check the CUDA build"; exit 1; fi
endif

test: fmt-check vet lint test-deploy ## the CPU build's tests with -race, vet and staticcheck of both builds, the deploy checks, a short fuzz pass
	$(GO) test -race -tags cpu -count=1 ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=5s

test-deploy: ## the deploy module: Dockerfile lint and host build, kustomize renders decoded strictly into Kubernetes types
	cd deploy && $(GO) vet ./... && $(GO) test -count=1 ./...

fuzz: ## run every fuzz target for FUZZTIME each (default 30s)
	@bash scripts/fuzz.sh $(FUZZTIME) $(FUZZ_TARGETS)

run: build-cpu ## generate the example cards in every format into out/, then audit them (no GPU, no network, nothing of yours needed)
	$(BIN)/modelcard-cpu generate --out out --force --format hf,mct,html,annex-iv,json --report out/report.jsonl examples/
	$(BIN)/modelcard-cpu audit --json out/audit.jsonl --report out/audit.html $$(ls out/*.md | grep -v '\.annex-iv\.md$$')

model: ## retrain the embedded template-selection model (engine/default_model.bin) on the shared corpus
	$(GO) run -tags cpu ./cmd/modelcard train --corpus ../shared/corpus --out engine/default_model.bin --seed 1

bench: ## parse and render benchmarks on the corpus
	$(GO) test -tags cpu -run '^$$' -bench . -benchmem ./card

kernels: ## regenerate kernels/scoring.ptx (commit it) and the ptxas register report in kernels/README.md
	cd kernels && $(NVCC) -ptx -arch=compute_80 -O3 -o scoring.ptx scoring.cu
	PTXAS=$(PTXAS) scripts/ptxas-report.sh kernels/scoring.ptx kernels/README.md

gpu-check: ## build the CUDA test binary and CLI into build/, and build/gpu-check.sh to run them on a GPU machine
	mkdir -p build
	$(GO) test -c -ldflags="-s -w" -o build/gpu.test ./gpu
	$(GO) build -ldflags="-s -w" -o build/modelcard ./cmd/modelcard
	cp scripts/gpu-check.sh build/gpu-check.sh
	chmod +x build/gpu-check.sh

.PHONY: docker-cpu docker-cuda
# The images are tagged with the version the binary reports, unless VERSION is set.
docker-cpu docker-cuda: VERSION ?= $(shell sed -n 's/^[[:space:]]*versionText *= *"\(.*\)".*/\1/p' cmd/modelcard/app.go)
docker-cpu: ## the CPU image from Dockerfile.cpu: modelcard:cpu-VERSION (distroless, no GPU needed)
	@command -v docker >/dev/null 2>&1 || { echo "docker-cpu: the docker command is not installed; install Docker with BuildKit, or lint the Dockerfiles without it: cd deploy && go test ./docker/"; exit 1; }
	@test -n "$(VERSION)" || { echo "docker-cpu: no version found in cmd/modelcard/app.go; give one: make docker-cpu VERSION=x.y.z"; exit 1; }
	docker build -f Dockerfile.cpu -t modelcard:cpu-$(VERSION) --build-arg VERSION=$(VERSION) --build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) .

docker-cuda: ## the CUDA image from Dockerfile.cuda: modelcard:cuda-VERSION (runs with --gpus on an NVIDIA host)
	@command -v docker >/dev/null 2>&1 || { echo "docker-cuda: the docker command is not installed; install Docker with BuildKit, or lint the Dockerfiles without it: cd deploy && go test ./docker/"; exit 1; }
	@test -n "$(VERSION)" || { echo "docker-cuda: no version found in cmd/modelcard/app.go; give one: make docker-cuda VERSION=x.y.z"; exit 1; }
	docker build -f Dockerfile.cuda -t modelcard:cuda-$(VERSION) --build-arg VERSION=$(VERSION) --build-arg REVISION=$$(git rev-parse HEAD 2>/dev/null || echo unknown) .

clean: ## remove build outputs
	rm -rf $(BIN) out build
