// Package docker holds the tests of the project's container images,
// Dockerfile.cpu and Dockerfile.cuda at the repository root, and of their
// build context (.dockerignore). No Docker engine is needed to run them.
//
// The lint parses each Dockerfile with BuildKit's own parser and checks
// what a release image must have: base images pinned by tag (CUDA 12.x,
// never 13), a non-root numeric USER in the final stage, no secrets in
// ENV, ARG, LABEL, RUN or COPY, a comment above every ARG, a HEALTHCHECK
// that works without a shell, the API and metrics ports exposed, the NVIDIA
// runtime variables in the CUDA image, and the right build (CGO_ENABLED=0
// and -tags cpu for the CPU image, cgo without the cpu tag for the CUDA
// one). Small bad Dockerfiles show that each check can fail.
//
// The build test runs the `go build` command of each Dockerfile's build
// stage, with the ENV and ARG values in effect there, on a copy of the
// build context that .dockerignore lets through; only the output path and,
// for the CUDA image, the toolkit's include and stub directories are
// replaced by the host's. The CPU binary is then started with the image's
// ENTRYPOINT and CMD and probed with its HEALTHCHECK command. The CUDA build
// is skipped where cuda.h is not installed (and fails then under CI).
//
//	go test ./docker/ -count=1          # from the deploy module
//	go test ./docker/ -count=1 -short   # the lint only, without the builds
package docker
