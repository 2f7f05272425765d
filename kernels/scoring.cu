// Scoring kernel of the CUDA backend: one sparse-dense product X·W + b per
// batch with the epilogue fused (softmax and top-3 over the task columns,
// the tasks' probabilities summed per template family, completeness
// clamped to [0,1] over the standard columns).
//
// Layout (see engine/csr.go and engine/model.go):
//   rowptr  rows+1 int32, absolute offsets; rowptr[0] may be non-zero when
//           the batch is a chunk of a larger one, so entries are taken
//           relative to rowptr[0];
//   colidx  int32 feature index per stored value (distinct per row, any order);
//   vals    float32 per stored value;
//   w       features x cols float32, row-major; bias cols float32;
//   task_family tasks int32: the family index (0..families-1) of each task;
//   top_task rows*3 int32 (-1 pads), top_prob rows*3 float32,
//   family_prob rows*families float32,
//   completeness rows*(cols-tasks) float32.
//
// Design: one warp per CSR row. Lanes own output columns (lane, lane+32, ...),
// so every weight row W[f, :] is read by the warp in 128-byte coalesced
// segments; the row's (column, value) pairs are loaded 32 at a time, one per
// lane, and broadcast with shuffles. The arithmetic is 2 flops per 4 bytes of
// W read, far below any GPU's flop:byte ratio, so the kernel is bound by the
// W gathers (from L2 when W fits there) and the CSR stream; see README.md.
// Accumulators live in registers for a tile of COLS_PER_LANE*32 columns and
// are spilled to this warp's slice of dynamic shared memory, from which the
// epilogue reads all columns.
//
// Every scalar parameter is 64-bit (long long): the Go launcher copies 8
// bytes from every argument pointer.

#include <math_constants.h>

#define WARP 32
#define WARPS_PER_BLOCK 8
#define COLS_PER_LANE 4
#define TILE (WARP * COLS_PER_LANE)
#define TOPK 3
#define FULL_MASK 0xffffffffu

// better reports whether candidate (v, j) ranks above (bv, bj): a larger
// logit, or an equal logit at a lower index.
__device__ __forceinline__ bool better(float v, int j, float bv, int bj) {
    return v > bv || (v == bv && j < bj);
}

extern "C" __global__ void __launch_bounds__(WARPS_PER_BLOCK * WARP)
score_rows(const int* __restrict__ rowptr,
           const int* __restrict__ colidx,
           const float* __restrict__ vals,
           const float* __restrict__ w,
           const float* __restrict__ bias,
           const int* __restrict__ task_family,
           long long rows,
           long long cols,
           long long tasks,
           long long families,
           int* __restrict__ top_task,
           float* __restrict__ top_prob,
           float* __restrict__ family_prob,
           float* __restrict__ completeness)
{
    extern __shared__ float logits_smem[];
    const int lane = threadIdx.x & (WARP - 1);
    const int warp = threadIdx.x / WARP;
    const long long row = (long long)blockIdx.x * WARPS_PER_BLOCK + warp;
    if (row >= rows) {
        return;  // whole warp leaves together: row is uniform per warp
    }
    float* logits = logits_smem + (long long)warp * cols;

    const int base = rowptr[0];
    const int lo = rowptr[row] - base;
    const int hi = rowptr[row + 1] - base;

    // X·W + b, one tile of TILE columns at a time.
    for (long long tile = 0; tile < cols; tile += TILE) {
        float acc[COLS_PER_LANE];
#pragma unroll
        for (int u = 0; u < COLS_PER_LANE; u++) {
            const long long c = tile + lane + u * WARP;
            acc[u] = c < cols ? bias[c] : 0.0f;
        }
        for (int k0 = lo; k0 < hi; k0 += WARP) {
            const int n = min(WARP, hi - k0);
            int myf = 0;
            float myv = 0.0f;
            if (lane < n) {
                myf = colidx[k0 + lane];
                myv = vals[k0 + lane];
            }
#pragma unroll 4
            for (int i = 0; i < n; i++) {
                const long long f = __shfl_sync(FULL_MASK, myf, i);
                const float v = __shfl_sync(FULL_MASK, myv, i);
                const float* wr = w + f * cols + tile + lane;
#pragma unroll
                for (int u = 0; u < COLS_PER_LANE; u++) {
                    if (tile + lane + u * WARP < cols) {
                        acc[u] = fmaf(v, __ldg(wr + u * WARP), acc[u]);
                    }
                }
            }
        }
#pragma unroll
        for (int u = 0; u < COLS_PER_LANE; u++) {
            const long long c = tile + lane + u * WARP;
            if (c < cols) {
                logits[c] = acc[u];
            }
        }
    }
    __syncwarp();

    // Epilogue, task columns: max, local top-3 (ascending scan with strict
    // comparison keeps the lowest index among equals), then sum of exp.
    float maxv = -CUDART_INF_F;
    float tv[TOPK];
    int ti[TOPK];
#pragma unroll
    for (int k = 0; k < TOPK; k++) {
        tv[k] = -CUDART_INF_F;
        ti[k] = INT_MAX;
    }
    for (int j = lane; j < tasks; j += WARP) {
        const float v = logits[j];
        maxv = fmaxf(maxv, v);
        if (v > tv[TOPK - 1]) {
            // Insert, shifting smaller entries down; unrolled so that the
            // arrays stay in registers.
            if (v > tv[0]) {
                tv[2] = tv[1]; ti[2] = ti[1];
                tv[1] = tv[0]; ti[1] = ti[0];
                tv[0] = v; ti[0] = j;
            } else if (v > tv[1]) {
                tv[2] = tv[1]; ti[2] = ti[1];
                tv[1] = v; ti[1] = j;
            } else {
                tv[2] = v; ti[2] = j;
            }
        }
    }
#pragma unroll
    for (int off = WARP / 2; off > 0; off >>= 1) {
        maxv = fmaxf(maxv, __shfl_xor_sync(FULL_MASK, maxv, off));
    }
    float sum = 0.0f;
    for (int j = lane; j < tasks; j += WARP) {
        sum += expf(logits[j] - maxv);
    }
#pragma unroll
    for (int off = WARP / 2; off > 0; off >>= 1) {
        sum += __shfl_xor_sync(FULL_MASK, sum, off);
    }

    // Warp-wide top-3: each round every lane offers its best remaining
    // candidate; the winner's lane drops it.
    int head = 0;
#pragma unroll
    for (int k = 0; k < TOPK; k++) {
        float cv = -CUDART_INF_F;
        int cj = INT_MAX;
#pragma unroll
        for (int h = 0; h < TOPK; h++) {
            if (h == head) {
                cv = tv[h];
                cj = ti[h];
            }
        }
        float bv = cv;
        int bj = cj;
#pragma unroll
        for (int off = WARP / 2; off > 0; off >>= 1) {
            const float ov = __shfl_xor_sync(FULL_MASK, bv, off);
            const int oj = __shfl_xor_sync(FULL_MASK, bj, off);
            if (better(ov, oj, bv, bj)) {
                bv = ov;
                bj = oj;
            }
        }
        if (cj == bj && bj != INT_MAX) {
            head++;
        }
        if (lane == 0) {
            const long long o = row * TOPK + k;
            if (bj == INT_MAX) {
                top_task[o] = -1;
                top_prob[o] = 0.0f;
            } else {
                top_task[o] = bj;
                top_prob[o] = expf(bv - maxv) / sum;
            }
        }
    }

    // Family probabilities. The task logits are not read past this point,
    // so each lane turns its tasks' logits into probabilities in place;
    // then lane f adds up the probabilities of family f's tasks, in task
    // order, as the CPU backend does.
    for (int j = lane; j < tasks; j += WARP) {
        logits[j] = expf(logits[j] - maxv) / sum;
    }
    __syncwarp();
    for (long long f = lane; f < families; f += WARP) {
        float p = 0.0f;
        for (int j = 0; j < tasks; j++) {
            if (task_family[j] == f) {
                p += logits[j];
            }
        }
        family_prob[row * families + f] = p;
    }

    // Standard columns: completeness clamped to [0,1].
    const long long standards = cols - tasks;
    for (long long j = lane; j < standards; j += WARP) {
        completeness[row * standards + j] = fminf(fmaxf(logits[tasks + j], 0.0f), 1.0f);
    }
}
