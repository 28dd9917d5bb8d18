; llvm.masked.load and llvm.masked.store, as the loop vectorizer leaves them for AVX
; (tail-folded loops, conditional stores): lanes whose mask is false are neither read nor
; written (their bytes keep their sentinel; a load gives the pass-through lane there). The
; masks come from compares with a value known only at run time.

@ints = private global [8 x i32] [i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8]
@doubles = private global [4 x double] [double 1.5, double -2.5, double 3.5, double -4.5]
@fmt8 = private unnamed_addr constant [29 x i8] c"%d: %d %d %d %d %d %d %d %d\0A\00"
@fmt4 = private unnamed_addr constant [22 x i8] c"%d: %g %g %g %g | %g\0A\00"

declare i32 @printf(ptr, ...)
declare <8 x i32> @llvm.masked.load.v8i32.p0(ptr, <8 x i1>, <8 x i32>)
declare void @llvm.masked.store.v8i32.p0(<8 x i32>, ptr, <8 x i1>)
declare <4 x double> @llvm.masked.load.v4f64.p0(ptr, <4 x i1>, <4 x double>)
declare void @llvm.masked.store.v4f64.p0(<4 x double>, ptr, <4 x i1>)

define void @probe(i32 %limit) {
entry:
  %l0 = insertelement <8 x i32> poison, i32 %limit, i32 0
  %ls = shufflevector <8 x i32> %l0, <8 x i32> poison, <8 x i32> zeroinitializer
  %idx = add <8 x i32> zeroinitializer, <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
  %below = icmp slt <8 x i32> %idx, %ls
  %v = call <8 x i32> @llvm.masked.load.v8i32.p0(ptr align 4 @ints, <8 x i1> %below, <8 x i32> splat (i32 -1))
  %w = mul <8 x i32> %v, splat (i32 10)
  %odd = and <8 x i32> %idx, splat (i32 1)
  %isodd = icmp ne <8 x i32> %odd, zeroinitializer
  %both = and <8 x i1> %below, %isodd
  call void @llvm.masked.store.v8i32.p0(<8 x i32> %w, ptr align 4 @ints, <8 x i1> %both)
  %e0 = extractelement <8 x i32> %v, i32 0
  %e3 = extractelement <8 x i32> %v, i32 3
  %e7 = extractelement <8 x i32> %v, i32 7
  %m0 = load i32, ptr @ints
  %p1 = getelementptr i32, ptr @ints, i64 1
  %m1 = load i32, ptr %p1
  %p2 = getelementptr i32, ptr @ints, i64 2
  %m2 = load i32, ptr %p2
  %p3 = getelementptr i32, ptr @ints, i64 3
  %m3 = load i32, ptr %p3
  %p7 = getelementptr i32, ptr @ints, i64 7
  %m7 = load i32, ptr %p7
  call i32 (ptr, ...) @printf(ptr @fmt8, i32 %limit, i32 %e0, i32 %e3, i32 %e7, i32 %m0, i32 %m1, i32 %m2, i32 %m3, i32 %m7)
  %d4 = sitofp i32 %limit to double
  %dl0 = insertelement <4 x double> poison, double %d4, i32 0
  %dls = shufflevector <4 x double> %dl0, <4 x double> poison, <4 x i32> zeroinitializer
  %dv = call <4 x double> @llvm.masked.load.v4f64.p0(ptr align 8 @doubles, <4 x i1> <i1 true, i1 false, i1 true, i1 false>, <4 x double> %dls)
  %neg = fcmp olt <4 x double> %dv, zeroinitializer
  %dx = fmul <4 x double> %dv, splat (double 2.0)
  call void @llvm.masked.store.v4f64.p0(<4 x double> %dx, ptr align 8 @doubles, <4 x i1> %neg)
  %a0 = extractelement <4 x double> %dv, i32 0
  %a1 = extractelement <4 x double> %dv, i32 1
  %a2 = extractelement <4 x double> %dv, i32 2
  %a3 = extractelement <4 x double> %dv, i32 3
  %q3 = getelementptr double, ptr @doubles, i64 3
  %s3 = load double, ptr %q3
  call i32 (ptr, ...) @printf(ptr @fmt4, i32 %limit, double %a0, double %a1, double %a2, double %a3, double %s3)
  ret void
}

define i32 @main() {
entry:
  call void @probe(i32 0)
  call void @probe(i32 3)
  call void @probe(i32 8)
  call void @probe(i32 -4)
  ret i32 0
}
