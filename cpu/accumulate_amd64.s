//go:build amd64 && !purego

#include "textflag.h"

// prefetchAhead is how many features ahead the row of W is prefetched.
#define prefetchAhead 4

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

// func accumulateAVX2(acc []float32, w []float32, cols int, idx []int32, vals []float32)
//
// For each k: acc[0:cols] += vals[k] * w[idx[k]*cols : idx[k]*cols+cols],
// eight lanes at a time with fused multiply-adds. The last cols mod 8
// columns of a row are read with a masked load (lanes past the row read
// as zero and fault nowhere), so acc is read and written eight lanes past
// its last whole vector: its lanes from cols to the next multiple of 8
// gain zero. The caller checks every index against the rows of w, that
// len(acc) is at least cols rounded up to a multiple of 8, and that
// len(vals) >= len(idx).
TEXT ·accumulateAVX2(SB), NOSPLIT, $0-104
	MOVQ acc_base+0(FP), DI
	MOVQ w_base+24(FP), SI
	MOVQ cols+48(FP), CX
	MOVQ idx_base+56(FP), R8
	MOVQ idx_len+64(FP), R9
	MOVQ vals_base+80(FP), R10

	// R12: bytes covered by whole vectors; R13: bytes of a row.
	MOVQ CX, R12
	ANDQ $-8, R12
	SHLQ $2, R12
	MOVQ CX, R13
	SHLQ $2, R13

	// Y3: the mask of the row's last cols mod 8 lanes.
	MOVQ CX, AX
	ANDQ $7, AX
	MOVQ $8, R14
	SUBQ AX, R14
	LEAQ tailMask<>(SB), R15
	VMOVDQU (R15)(R14*4), Y3

	XORQ R11, R11

feature:
	CMPQ R11, R9
	JGE  done

	// Prefetch the row of the feature prefetchAhead places on: rows are
	// scattered over W, and a row's first load is where the time goes.
	LEAQ    prefetchAhead(R11), AX
	CMPQ    AX, R9
	JGE     noprefetch
	MOVLQSX (R8)(AX*4), AX
	IMULQ   R13, AX
	ADDQ    SI, AX
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	PREFETCHT0 128(AX)
	PREFETCHT0 -4(AX)(R13*1)

noprefetch:
	MOVLQSX (R8)(R11*4), AX
	IMULQ   CX, AX
	LEAQ    (SI)(AX*4), BX
	VBROADCASTSS (R10)(R11*4), Y0
	XORQ DX, DX
	CMPQ DX, R12
	JGE  tail

vector:
	VMOVUPS     (DI)(DX*1), Y2
	VFMADD231PS (BX)(DX*1), Y0, Y2
	VMOVUPS     Y2, (DI)(DX*1)
	ADDQ        $32, DX
	CMPQ        DX, R12
	JL          vector

tail:
	CMPQ DX, R13
	JGE  next
	VMASKMOVPS  (BX)(DX*1), Y3, Y1
	VMOVUPS     (DI)(DX*1), Y2
	VFMADD231PS Y1, Y0, Y2
	VMOVUPS     Y2, (DI)(DX*1)

next:
	INCQ R11
	JMP  feature

done:
	VZEROUPPER
	RET
