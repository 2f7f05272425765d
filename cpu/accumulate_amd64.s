//go:build amd64 && !purego

#include "textflag.h"

// func accumulateAVX2(acc []float32, w []float32, cols int, idx []int32, vals []float32)
//
// For each k: acc[0:cols] += vals[k] * w[idx[k]*cols : idx[k]*cols+cols],
// eight lanes at a time with fused multiply-adds, then one lane at a time
// for the last cols mod 8 columns. The caller checks every index against
// the rows of w and that len(acc) >= cols and len(vals) >= len(idx).
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

	XORQ R11, R11

feature:
	CMPQ R11, R9
	JGE  done
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
	VMOVSS      (DI)(DX*1), X2
	VFMADD231SS (BX)(DX*1), X0, X2
	VMOVSS      X2, (DI)(DX*1)
	ADDQ        $4, DX
	JMP         tail

next:
	INCQ R11
	JMP  feature

done:
	VZEROUPPER
	RET
