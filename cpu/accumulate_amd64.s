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

// The macros of the register sums: each stops after k whole vectors (and
// goes on with the tail), or goes on with vector k, at byte off of the row
// or of acc.
#define LOADACC(k, off, reg) CMPQ R12, $k; JEQ loadTail; VMOVUPS off(DI), reg
#define ADDROW(k, off, reg) CMPQ R12, $k; JEQ rowTail; VFMADD231PS off(BX), Y0, reg
#define STOREACC(k, off, reg) CMPQ R12, $k; JEQ storeTail; VMOVUPS reg, off(DI)

// tailMask holds eight all-ones lanes then eight zero lanes: the eight
// lanes from (8-r)*4 bytes in are a mask of the first r lanes.
DATA tailMask<>+0(SB)/8, $0xffffffffffffffff
DATA tailMask<>+8(SB)/8, $0xffffffffffffffff
DATA tailMask<>+16(SB)/8, $0xffffffffffffffff
DATA tailMask<>+24(SB)/8, $0xffffffffffffffff
DATA tailMask<>+32(SB)/8, $0
DATA tailMask<>+40(SB)/8, $0
DATA tailMask<>+48(SB)/8, $0
DATA tailMask<>+56(SB)/8, $0
GLOBL tailMask<>(SB), RODATA|NOPTR, $64

// func accumulateAVX2(acc []float32, w []float32, stride, cols int, idx []int32, vals []float32)
//
// For each k, in the order of k: acc[0:cols] += vals[k] * the cols values
// at w[idx[k]*stride:], eight lanes at a time with fused multiply-adds.
// The last cols mod 8 lanes of a row are read with a masked load (lanes
// past them read as zero and fault nowhere), so acc is read and written up
// to cols rounded up to whole vectors, and its lanes past cols gain zero.
// Rows of up to 8 whole vectors (and a tail) are summed in registers (Y4
// to Y11, the tail in Y12), loaded from acc before the first feature and
// stored after the last, so that no feature waits for the store of the one
// before; wider rows are summed in acc. The caller checks every index
// against the rows of w, that 0 < cols <= stride, that acc holds cols
// rounded up to whole vectors, and that len(vals) >= len(idx).
TEXT ·accumulateAVX2(SB), NOSPLIT, $0-112
	MOVQ acc_base+0(FP), DI
	MOVQ w_base+24(FP), SI
	MOVQ stride+48(FP), R13
	MOVQ cols+56(FP), CX
	MOVQ idx_base+64(FP), R8
	MOVQ idx_len+72(FP), R9
	MOVQ vals_base+88(FP), R10

	// R13: bytes from a row to the next; R12: whole vectors of a row; R15:
	// their bytes, the offset of the tail; R14: lanes of the tail.
	SHLQ $2, R13
	MOVQ CX, R12
	SHRQ $3, R12
	MOVQ R12, R15
	SHLQ $5, R15
	MOVQ CX, R14
	ANDQ $7, R14

	// Y3: the mask of the tail's lanes.
	MOVQ $8, AX
	SUBQ R14, AX
	LEAQ tailMask<>(SB), DX
	VMOVDQU (DX)(AX*4), Y3

	XORQ R11, R11
	CMPQ R12, $8
	JG   wide

	// The sums: whole vector v of acc in Y(4+v), for v < R12; the tail in
	// Y12.
	LOADACC(0, 0, Y4)
	LOADACC(1, 32, Y5)
	LOADACC(2, 64, Y6)
	LOADACC(3, 96, Y7)
	LOADACC(4, 128, Y8)
	LOADACC(5, 160, Y9)
	LOADACC(6, 192, Y10)
	LOADACC(7, 224, Y11)

loadTail:
	TESTQ   R14, R14
	JEQ     loaded
	VMOVUPS (DI)(R15*1), Y12

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
	ADDROW(0, 0, Y4)
	ADDROW(1, 32, Y5)
	ADDROW(2, 64, Y6)
	ADDROW(3, 96, Y7)
	ADDROW(4, 128, Y8)
	ADDROW(5, 160, Y9)
	ADDROW(6, 192, Y10)
	ADDROW(7, 224, Y11)

rowTail:
	TESTQ       R14, R14
	JEQ         loaded
	VMASKMOVPS  (BX)(R15*1), Y3, Y1
	VFMADD231PS Y1, Y0, Y12
	JMP         loaded

store:
	STOREACC(0, 0, Y4)
	STOREACC(1, 32, Y5)
	STOREACC(2, 64, Y6)
	STOREACC(3, 96, Y7)
	STOREACC(4, 128, Y8)
	STOREACC(5, 160, Y9)
	STOREACC(6, 192, Y10)
	STOREACC(7, 224, Y11)

storeTail:
	TESTQ   R14, R14
	JEQ     done
	VMOVUPS Y12, (DI)(R15*1)
	JMP     done

	// Rows of more than 8 whole vectors: each feature's vectors are added
	// to acc in memory.
wide:
	CMPQ R11, R9
	JGE  done
	PREFETCHROW(wideNoPrefetch)

wideNoPrefetch:
	MOVLQSX (R8)(R11*4), AX
	IMULQ   R13, AX
	LEAQ    (SI)(AX*1), BX
	VBROADCASTSS (R10)(R11*4), Y0
	INCQ    R11
	XORQ    DX, DX

vector:
	VMOVUPS     (DI)(DX*1), Y2
	VFMADD231PS (BX)(DX*1), Y0, Y2
	VMOVUPS     Y2, (DI)(DX*1)
	ADDQ        $32, DX
	CMPQ        DX, R15
	JL          vector

	TESTQ       R14, R14
	JEQ         wide
	VMASKMOVPS  (BX)(R15*1), Y3, Y1
	VMOVUPS     (DI)(R15*1), Y2
	VFMADD231PS Y1, Y0, Y2
	VMOVUPS     Y2, (DI)(R15*1)
	JMP         wide

done:
	VZEROUPPER
	RET
