; x86's sign masks as C's SSE intrinsics leave them in IR that instcombine has not rewritten
; (`_mm_movemask_epi8`, `_mm_movemask_ps`, `_mm_movemask_pd`; zstd's match finders at -O0):
; bit i of the result is the sign bit of lane i. Lanes from values known only at run time:
; negative and positive bytes, floats with -0.0, NaNs of either sign (made from their bits:
; the sign of a NaN that arithmetic makes is unspecified) and infinities.

@fmt = private unnamed_addr constant [17 x i8] c"%d: %x %x %x %x\0A\00"

declare i32 @printf(ptr, ...)
declare i32 @llvm.x86.sse2.pmovmskb.128(<16 x i8>)
declare i32 @llvm.x86.sse.movmsk.ps(<4 x float>)
declare i32 @llvm.x86.sse2.movmsk.pd(<2 x double>)

define void @probe(i32 %seed) {
entry:
  %s8 = trunc i32 %seed to i8
  %v0 = insertelement <16 x i8> poison, i8 %s8, i32 0
  %splat = shufflevector <16 x i8> %v0, <16 x i8> poison, <16 x i32> zeroinitializer
  %bytes = mul <16 x i8> %splat, <i8 1, i8 3, i8 5, i8 7, i8 11, i8 13, i8 17, i8 19, i8 23, i8 29, i8 31, i8 37, i8 41, i8 43, i8 47, i8 53>
  %m8 = call i32 @llvm.x86.sse2.pmovmskb.128(<16 x i8> %bytes)
  %f = sitofp i32 %seed to float
  %nf = fneg float %f
  %low = and i32 %seed, 255
  %nanbits = or i32 %low, 2143289344
  %nan = bitcast i32 %nanbits to float
  %nnan = fneg float %nan
  %f0 = insertelement <4 x float> poison, float %f, i32 0
  %f1 = insertelement <4 x float> %f0, float %nf, i32 1
  %f2 = insertelement <4 x float> %f1, float %nan, i32 2
  %f3 = insertelement <4 x float> %f2, float %nnan, i32 3
  %mf = call i32 @llvm.x86.sse.movmsk.ps(<4 x float> %f3)
  %d = sitofp i32 %seed to double
  %inf = fdiv double -1.0, 0.0
  %dz = fmul double %d, -0.0
  %d0 = insertelement <2 x double> poison, double %dz, i32 0
  %d1 = insertelement <2 x double> %d0, double %inf, i32 1
  %md = call i32 @llvm.x86.sse2.movmsk.pd(<2 x double> %d1)
  %dd0 = insertelement <2 x double> poison, double %d, i32 0
  %dd1 = insertelement <2 x double> %dd0, double %d, i32 1
  %md2 = call i32 @llvm.x86.sse2.movmsk.pd(<2 x double> %dd1)
  call i32 (ptr, ...) @printf(ptr @fmt, i32 %seed, i32 %m8, i32 %mf, i32 %md, i32 %md2)
  ret void
}

define i32 @main() {
entry:
  call void @probe(i32 0)
  call void @probe(i32 1)
  call void @probe(i32 -1)
  call void @probe(i32 77)
  call void @probe(i32 -128)
  ret i32 0
}
