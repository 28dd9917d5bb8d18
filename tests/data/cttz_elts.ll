; llvm.experimental.cttz.elts, as the loop vectorizer emits it for loops with an early exit:
; the number of lanes of a mask before its first true one, the mask's length when none is.
; Masks from compares against values only known at run time: a true lane first, in the
; middle, last, none, and every lane true.

@data = private constant [16 x i32] [i32 5, i32 9, i32 2, i32 7, i32 7, i32 1, i32 3, i32 8, i32 4, i32 6, i32 0, i32 11, i32 12, i32 13, i32 14, i32 15]
@fmt = private unnamed_addr constant [13 x i8] c"%d: %ld %ld\0A\00"

declare i32 @printf(ptr, ...)
declare i64 @llvm.experimental.cttz.elts.i64.v16i1(<16 x i1>, i1)
declare i32 @llvm.experimental.cttz.elts.i32.v8i1(<8 x i1>, i1)

define void @probe(i32 %key) {
entry:
  %wide = load <16 x i32>, ptr @data
  %k0 = insertelement <16 x i32> poison, i32 %key, i32 0
  %ks = shufflevector <16 x i32> %k0, <16 x i32> poison, <16 x i32> zeroinitializer
  %eq = icmp eq <16 x i32> %wide, %ks
  %first = call i64 @llvm.experimental.cttz.elts.i64.v16i1(<16 x i1> %eq, i1 false)
  %narrow = load <8 x i32>, ptr @data
  %k8 = shufflevector <16 x i32> %k0, <16 x i32> poison, <8 x i32> zeroinitializer
  %ge = icmp sge <8 x i32> %narrow, %k8
  %n32 = call i32 @llvm.experimental.cttz.elts.i32.v8i1(<8 x i1> %ge, i1 false)
  %n64 = sext i32 %n32 to i64
  call i32 (ptr, ...) @printf(ptr @fmt, i32 %key, i64 %first, i64 %n64)
  ret void
}

define i32 @main() {
entry:
  call void @probe(i32 5)
  call void @probe(i32 7)
  call void @probe(i32 15)
  call void @probe(i32 99)
  call void @probe(i32 0)
  call void @probe(i32 -1)
  ret i32 0
}
