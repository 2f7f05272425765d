//go:build amd64 && !purego

#include "textflag.h"

// prefetchAhead is how many features ahead the row of W is prefetched.
#define prefetchAhead 4

// PREFETCHROW prefetches the row of W of the feature prefetchAhead places
// after feature R11, or jumps to skip when there is none: rows are
// scattered over W, and a row's first load is where the time goes. It
// reads the first three lines of the row and its last.
#define PREFETCHROW(skip) \
	LEAQ prefetchAhead(R11), AX; \
	CMPQ AX, R9; \
	JGE skip; \
	MOVLQSX (R8)(AX*4), AX; \
	IMULQ R13, AX; \
	ADDQ SI, AX; \
	PREFETCHT0 (AX); \
	PREFETCHT0 64(AX); \
	PREFETCHT0 128(AX); \
	PREFETCHT0 -4(AX)(R13*1)

// func accumulateAVX2(acc []float32, w []float32, stride int, idx []int32, vals []float32)
//
// For each k: acc[0:stride] += vals[k] * w[idx[k]*stride : idx[k]*stride+stride],
// eight lanes at a time with fused multiply-adds, in the order of k. stride
// is a whole number of vectors (a multiple of 8). Rows of up to 8 vectors
// are summed in registers (Y4 to Y11), loaded from acc before the first
// feature and stored after the last, so that no feature waits for the
// store of the one before; wider rows are summed in acc. The caller checks
// every index against the rows of w, that stride is a positive multiple
// of 8 no longer than acc, and that len(vals) >= len(idx).
TEXT ·accumulateAVX2(SB), NOSPLIT, $0-104
	MOVQ acc_base+0(FP), DI
	MOVQ w_base+24(FP), SI
	MOVQ stride+48(FP), CX
	MOVQ idx_base+56(FP), R8
	MOVQ idx_len+64(FP), R9
	MOVQ vals_base+80(FP), R10

	// R13: bytes of a row; R12: vectors of a row.
	MOVQ CX, R13
	SHLQ $2, R13
	MOVQ CX, R12
	SHRQ $3, R12
	XORQ R11, R11
	CMPQ R12, $8
	JG   wide

	// The accumulators: vector v of acc in Y(4+v), for v < R12. Each
	// macro below stops after k vectors, or goes on with vector k (at
	// byte off of the row).
#define LOADACC(k, off, reg) CMPQ R12, $k; JEQ loaded; VMOVUPS off(DI), reg
#define ADDROW(k, off, reg) CMPQ R12, $k; JEQ loaded; VFMADD231PS off(BX), Y0, reg
#define STOREACC(k, off, reg) CMPQ R12, $k; JEQ done; VMOVUPS reg, off(DI)

	VMOVUPS (DI), Y4
	LOADACC(1, 32, Y5)
	LOADACC(2, 64, Y6)
	LOADACC(3, 96, Y7)
	LOADACC(4, 128, Y8)
	LOADACC(5, 160, Y9)
	LOADACC(6, 192, Y10)
	LOADACC(7, 224, Y11)

loaded:
	CMPQ R11, R9
	JGE  store

	PREFETCHROW(rowNoPrefetch)

rowNoPrefetch:
	MOVLQSX (R8)(R11*4), AX
	IMULQ   R13, AX
	LEAQ    (SI)(AX*1), BX
	VBROADCASTSS (R10)(R11*4), Y0
	INCQ    R11
	VFMADD231PS (BX), Y0, Y4
	ADDROW(1, 32, Y5)
	ADDROW(2, 64, Y6)
	ADDROW(3, 96, Y7)
	ADDROW(4, 128, Y8)
	ADDROW(5, 160, Y9)
	ADDROW(6, 192, Y10)
	ADDROW(7, 224, Y11)
	JMP     loaded

store:
	VMOVUPS Y4, (DI)
	STOREACC(1, 32, Y5)
	STOREACC(2, 64, Y6)
	STOREACC(3, 96, Y7)
	STOREACC(4, 128, Y8)
	STOREACC(5, 160, Y9)
	STOREACC(6, 192, Y10)
	STOREACC(7, 224, Y11)
	JMP     done

	// Rows of more than 8 vectors: each feature's vectors are added to acc
	// in memory.
wide:
	CMPQ R11, R9
	JGE  done

	PREFETCHROW(wideNoPrefetch)

wideNoPrefetch:
	MOVLQSX (R8)(R11*4), AX
	IMULQ   R13, AX
	LEAQ    (SI)(AX*1), BX
	VBROADCASTSS (R10)(R11*4), Y0
	XORQ DX, DX

vector:
	VMOVUPS     (DI)(DX*1), Y2
	VFMADD231PS (BX)(DX*1), Y0, Y2
	VMOVUPS     Y2, (DI)(DX*1)
	ADDQ        $32, DX
	CMPQ        DX, R13
	JL          vector

	INCQ R11
	JMP  wide

done:
	VZEROUPPER
	RET
