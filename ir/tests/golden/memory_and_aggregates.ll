%struct.Pair = type { i32, double }

@fmt = private unnamed_addr constant [7 x i8] c"%d %f\0A\00"

declare i32 @printf(ptr, ...)

declare void @llvm.va_start.p0(ptr)

declare void @llvm.va_end.p0(ptr)

declare void @sink(i32)

define i32 @mem(ptr %0, i64 %1, <4 x i32> %2, ptr %callback, ...) {
3:
  %4 = alloca i32, align 4
  %5 = alloca %struct.Pair, i64 %1, align 8
  %6 = alloca i8, i64 1
  %7 = alloca i8, i32 16, align 16
  %8 = alloca ptr, align 8
  store i32 5, ptr %4, align 4
  store volatile i32 6, ptr %4
  %9 = load volatile i32, ptr %4, align 4
  %10 = load i64, ptr %0
  %11 = getelementptr inbounds nuw %struct.Pair, ptr %0, i64 %1, i32 1
  %12 = getelementptr nusw i8, ptr %0, i64 -8
  %13 = getelementptr i32, ptr %0
  %14 = getelementptr inbounds i32, ptr %0, <4 x i32> %2
  %15 = load %struct.Pair, ptr %0, align 8
  %16 = extractvalue %struct.Pair %15, 0
  %17 = insertvalue %struct.Pair undef, i32 %16, 0
  %18 = insertvalue { [2 x i32], i8 } poison, i32 %9, 0, 1
  %19 = extractelement <4 x i32> %2, i64 2
  %20 = insertelement <4 x i32> %2, i32 %19, i32 0
  %21 = shufflevector <4 x i32> %2, <4 x i32> poison, <4 x i32> <i32 3, i32 2, i32 poison, i32 0>
  %22 = shufflevector <4 x i32> %2, <4 x i32> %2, <4 x i32> zeroinitializer
  %23 = shufflevector <4 x i32> %2, <4 x i32> %2, <2 x i32> poison
  %24 = shufflevector <4 x i32> %2, <4 x i32> %2, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
  %25 = freeze i32 %9
  call void @llvm.va_start.p0(ptr %8)
  %26 = va_arg ptr %8, i32
  %27 = va_arg ptr %8, double
  call void @llvm.va_end.p0(ptr %8)
  %28 = notail call i32 (ptr, ...) @printf(ptr @fmt, i32 %26, double 2.500000e+00)
  call fastcc void %callback(i32 %9)
  call cc 64 void @sink(i32 noundef %16)
  ret i32 %9
}

define i32 @forward(i32 %0) {
1:
  %2 = musttail call i32 @sink_ret(i32 %0)
  ret i32 %2
}

declare i32 @sink_ret(i32)
