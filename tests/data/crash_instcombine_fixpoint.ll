; pipeline: function(instcombine)
; LLVM 22.1.8: `opt -passes='function(instcombine)' -disable-output` aborts the process
; (report_fatal_error, exit status 1, no signal) with
;   LLVM ERROR: Instruction Combining on wrap_signed did not reach a fixpoint after 1
;   iterations. Use 'instcombine<no-verify-fixpoint>' or function attribute
;   'instcombine-no-verify-fixpoint' to suppress this error.
; `instcombine<no-verify-fixpoint>` is fine. clang-22 -O1 -Xclang -disable-llvm-passes output
; (metadata and attributes dropped) of bench/corpus/bitfields_unions.c's
;   int32_t wrap_signed(int64_t v, int bits) {
;     uint64_t m = (1ull << bits) - 1;
;     uint64_t u = (uint64_t)v & m;
;     if (u & (1ull << (bits - 1)))
;       return (int32_t)((int64_t)u - (int64_t)(1ull << bits));
;     return (int32_t)u;
;   }
; 11 of the 30 corpus programs stop plain instcombine the same way.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define i32 @wrap_signed(i64 %0, i32 %1) {
  %3 = alloca i32, align 4
  %4 = alloca i64, align 8
  %5 = alloca i32, align 4
  %6 = alloca i64, align 8
  %7 = alloca i64, align 8
  %8 = alloca i32, align 4
  store i64 %0, ptr %4, align 8
  store i32 %1, ptr %5, align 4
  call void @llvm.lifetime.start.p0(ptr %6)
  %9 = load i32, ptr %5, align 4
  %10 = zext i32 %9 to i64
  %11 = shl i64 1, %10
  %12 = sub i64 %11, 1
  store i64 %12, ptr %6, align 8
  call void @llvm.lifetime.start.p0(ptr %7)
  %13 = load i64, ptr %4, align 8
  %14 = load i64, ptr %6, align 8
  %15 = and i64 %13, %14
  store i64 %15, ptr %7, align 8
  %16 = load i64, ptr %7, align 8
  %17 = load i32, ptr %5, align 4
  %18 = sub nsw i32 %17, 1
  %19 = zext i32 %18 to i64
  %20 = shl i64 1, %19
  %21 = and i64 %16, %20
  %22 = icmp ne i64 %21, 0
  br i1 %22, label %23, label %30

23:                                               ; preds = %2
  %24 = load i64, ptr %7, align 8
  %25 = load i32, ptr %5, align 4
  %26 = zext i32 %25 to i64
  %27 = shl i64 1, %26
  %28 = sub nsw i64 %24, %27
  %29 = trunc i64 %28 to i32
  store i32 %29, ptr %3, align 4
  store i32 1, ptr %8, align 4
  br label %33

30:                                               ; preds = %2
  %31 = load i64, ptr %7, align 8
  %32 = trunc i64 %31 to i32
  store i32 %32, ptr %3, align 4
  store i32 1, ptr %8, align 4
  br label %33

33:                                               ; preds = %30, %23
  call void @llvm.lifetime.end.p0(ptr %7)
  call void @llvm.lifetime.end.p0(ptr %6)
  %34 = load i32, ptr %3, align 4
  ret i32 %34
}
declare void @llvm.lifetime.start.p0(ptr captures(none))
declare void @llvm.lifetime.end.p0(ptr captures(none))
