// Package kernels holds the CUDA kernels of the GPU scoring backend as PTX,
// generated from scoring.cu by `make kernels` and committed, so that neither
// the build nor the GPU machine needs nvcc: the driver compiles the PTX for
// the GPU it finds when the module is loaded.
package kernels

import _ "embed"

// ScoringPTX is the PTX of scoring.cu (compute_80, so it loads on Ampere
// and newer GPUs).
//
//go:embed scoring.ptx
var ScoringPTX string

// ScoreRows is the name of the scoring kernel's entry point.
const ScoreRows = "score_rows"

// ScoreRowsParams is the number of parameters of ScoreRows: rowptr, colidx,
// vals, w, bias, task_family, rows, cols, tasks, families, top_task,
// top_prob, family_prob, completeness.
const ScoreRowsParams = 14

// WarpsPerBlock is the number of rows one block of ScoreRows scores (one
// warp per row); a launch uses WarpsPerBlock*32 threads per block.
const WarpsPerBlock = 8

// SharedBytesPerRow returns the dynamic shared memory ScoreRows needs per
// row (per warp) for a model with cols columns.
func SharedBytesPerRow(cols int) int { return 4 * cols }
