; Vector operations that the Cranelift backend keeps whole in SIMD registers (see
; backends/cranelift/src/lower/vector.rs), each function on its own so that one the target
; cannot do natively does not take the others back to lanes. Every result is stored to @buf
; and printed by @dump, which has no vectors. @dynamic_lanes indexes lanes with a variable,
; which Cranelift does on lanes.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@buf = global [4 x i32] zeroinitializer, align 16
@in = global [4 x i32] [i32 7, i32 -3, i32 100000, i32 -2147483648], align 16
@bytes = global [16 x i8] c"\00\01\7F\80\FF\10 0@P`p\90\A0\C0\E0", align 16
@fmt = private constant [26 x i8] c"%2d: %08x %08x %08x %08x\0A\00"

declare i32 @printf(ptr, ...)
declare <4 x i32> @llvm.smin.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.umax.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.abs.v4i32(<4 x i32>, i1)
declare <8 x i16> @llvm.sadd.sat.v8i16(<8 x i16>, <8 x i16>)
declare <16 x i8> @llvm.usub.sat.v16i8(<16 x i8>, <16 x i8>)
declare <2 x double> @llvm.fmuladd.v2f64(<2 x double>, <2 x double>, <2 x double>)
declare <2 x double> @llvm.sqrt.v2f64(<2 x double>)
declare <2 x double> @llvm.fabs.v2f64(<2 x double>)
declare i32 @llvm.vector.reduce.add.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.xor.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.smax.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.umin.v4i32(<4 x i32>)
declare i64 @llvm.vector.reduce.add.v2i64(<2 x i64>)
declare i1 @llvm.vector.reduce.or.v4i1(<4 x i1>)
declare i1 @llvm.vector.reduce.and.v4i1(<4 x i1>)
declare i16 @llvm.vector.reduce.add.v8i16(<8 x i16>)
declare double @llvm.vector.reduce.fadd.v2f64(double, <2 x double>)

define void @dump(i32 %tag) {
  %a = load i32, ptr @buf
  %p1 = getelementptr i32, ptr @buf, i64 1
  %b = load i32, ptr %p1
  %p2 = getelementptr i32, ptr @buf, i64 2
  %c = load i32, ptr %p2
  %p3 = getelementptr i32, ptr @buf, i64 3
  %d = load i32, ptr %p3
  %r = call i32 (ptr, ...) @printf(ptr @fmt, i32 %tag, i32 %a, i32 %b, i32 %c, i32 %d)
  ret void
}

define void @put(i32 %tag, <4 x i32> %v) {
  store <4 x i32> %v, ptr @buf, align 16
  call void @dump(i32 %tag)
  ret void
}

define void @int_arith(i32 %k) {
  %x = load <4 x i32>, ptr @in, align 16
  %s0 = insertelement <4 x i32> poison, i32 %k, i64 0
  %s = shufflevector <4 x i32> %s0, <4 x i32> poison, <4 x i32> zeroinitializer
  %add = add <4 x i32> %x, %s
  store <4 x i32> %add, ptr @buf
  call void @dump(i32 1)
  %sub = sub <4 x i32> %x, <i32 1, i32 2, i32 3, i32 4>
  %mul = mul <4 x i32> %sub, %s
  store <4 x i32> %mul, ptr @buf
  call void @dump(i32 2)
  %and = and <4 x i32> %mul, <i32 255, i32 -1, i32 65535, i32 0>
  %or = or <4 x i32> %and, <i32 4096, i32 0, i32 0, i32 1>
  %xor = xor <4 x i32> %or, splat (i32 -1)
  store <4 x i32> %xor, ptr @buf
  call void @dump(i32 3)
  %shl = shl <4 x i32> %x, splat (i32 3)
  %lshr = lshr <4 x i32> %x, splat (i32 28)
  %ashr = ashr <4 x i32> %x, splat (i32 28)
  %t = add <4 x i32> %shl, %lshr
  store <4 x i32> %t, ptr @buf
  call void @dump(i32 4)
  store <4 x i32> %ashr, ptr @buf
  call void @dump(i32 5)
  %min = call <4 x i32> @llvm.smin.v4i32(<4 x i32> %x, <4 x i32> %s)
  %max = call <4 x i32> @llvm.umax.v4i32(<4 x i32> %x, <4 x i32> %s)
  %abs = call <4 x i32> @llvm.abs.v4i32(<4 x i32> %x, i1 false)
  %mm = xor <4 x i32> %min, %max
  %fr = freeze <4 x i32> %mm
  store <4 x i32> %fr, ptr @buf
  call void @dump(i32 6)
  store <4 x i32> %abs, ptr @buf
  call void @dump(i32 7)
  ret void
}

define void @masks(i32 %k) {
  %x = load <4 x i32>, ptr @in, align 16
  %s0 = insertelement <4 x i32> poison, i32 %k, i64 0
  %s = shufflevector <4 x i32> %s0, <4 x i32> poison, <4 x i32> zeroinitializer
  %lt = icmp slt <4 x i32> %x, %s
  %ult = icmp ult <4 x i32> %x, %s
  %both = and <4 x i1> %lt, %ult
  %either = or <4 x i1> %lt, %ult
  %sel = select <4 x i1> %lt, <4 x i32> %x, <4 x i32> %s
  store <4 x i32> %sel, ptr @buf
  call void @dump(i32 10)
  %z = zext <4 x i1> %either to <4 x i32>
  %e = sext <4 x i1> %both to <4 x i32>
  %ze = add <4 x i32> %z, %e
  store <4 x i32> %ze, ptr @buf
  call void @dump(i32 11)
  %bits = bitcast <4 x i1> %lt to i4
  %bits32 = zext i4 %bits to i32
  %odd = trunc <4 x i32> %x to <4 x i1>
  %oddbits = bitcast <4 x i1> %odd to i4
  %odd32 = zext i4 %oddbits to i32
  %any = call i1 @llvm.vector.reduce.or.v4i1(<4 x i1> %both)
  %all = call i1 @llvm.vector.reduce.and.v4i1(<4 x i1> %either)
  %any32 = zext i1 %any to i32
  %all32 = zext i1 %all to i32
  %r0 = insertelement <4 x i32> zeroinitializer, i32 %bits32, i64 0
  %r1 = insertelement <4 x i32> %r0, i32 %odd32, i64 1
  %r2 = insertelement <4 x i32> %r1, i32 %any32, i64 2
  %r3 = insertelement <4 x i32> %r2, i32 %all32, i64 3
  store <4 x i32> %r3, ptr @buf
  call void @dump(i32 12)
  %b = load <16 x i8>, ptr @bytes, align 16
  %b0 = insertelement <16 x i8> poison, i8 64, i64 0
  %bs = shufflevector <16 x i8> %b0, <16 x i8> poison, <16 x i32> zeroinitializer
  %bgt = icmp ugt <16 x i8> %b, %bs
  %bm = bitcast <16 x i1> %bgt to i16
  %bm32 = zext i16 %bm to i32
  %lane1 = extractelement <4 x i1> %lt, i64 1
  %l1 = zext i1 %lane1 to i32
  %s1 = insertelement <4 x i32> %x, i32 %bm32, i64 2
  %s2 = insertelement <4 x i32> %s1, i32 %l1, i64 3
  store <4 x i32> %s2, ptr @buf
  call void @dump(i32 13)
  ret void
}

define void @shuffles(i32 %k) {
  %x = load <4 x i32>, ptr @in, align 16
  %y = add <4 x i32> %x, splat (i32 16)
  %rev = shufflevector <4 x i32> %x, <4 x i32> %y, <4 x i32> <i32 3, i32 2, i32 1, i32 0>
  store <4 x i32> %rev, ptr @buf
  call void @dump(i32 20)
  %ps = shufflevector <4 x i32> %x, <4 x i32> %y, <4 x i32> <i32 1, i32 0, i32 6, i32 7>
  store <4 x i32> %ps, ptr @buf
  call void @dump(i32 21)
  %lo = shufflevector <4 x i32> %x, <4 x i32> %y, <4 x i32> <i32 0, i32 4, i32 1, i32 5>
  store <4 x i32> %lo, ptr @buf
  call void @dump(i32 22)
  %odd = shufflevector <4 x i32> %x, <4 x i32> %y, <4 x i32> <i32 1, i32 5, i32 poison, i32 6>
  %oddf = freeze <4 x i32> %odd
  %oddm = and <4 x i32> %oddf, <i32 -1, i32 -1, i32 0, i32 -1>
  store <4 x i32> %oddm, ptr @buf
  call void @dump(i32 23)
  %b = load <16 x i8>, ptr @bytes, align 16
  %brev = shufflevector <16 x i8> %b, <16 x i8> poison, <16 x i32> <i32 15, i32 14, i32 13, i32 12, i32 11, i32 10, i32 9, i32 8, i32 7, i32 6, i32 5, i32 4, i32 3, i32 2, i32 1, i32 0>
  store <16 x i8> %brev, ptr @buf
  call void @dump(i32 24)
  %h = bitcast <4 x i32> %x to <8 x i16>
  %hs = shufflevector <8 x i16> %h, <8 x i16> poison, <8 x i32> <i32 1, i32 0, i32 3, i32 2, i32 7, i32 6, i32 5, i32 4>
  %hk = trunc i32 %k to i16
  %h0 = insertelement <8 x i16> poison, i16 %hk, i64 0
  %hsplat = shufflevector <8 x i16> %h0, <8 x i16> poison, <8 x i32> zeroinitializer
  %hsat = call <8 x i16> @llvm.sadd.sat.v8i16(<8 x i16> %hs, <8 x i16> %hsplat)
  store <8 x i16> %hsat, ptr @buf
  call void @dump(i32 25)
  %bsat = call <16 x i8> @llvm.usub.sat.v16i8(<16 x i8> %b, <16 x i8> splat (i8 100))
  store <16 x i8> %bsat, ptr @buf
  call void @dump(i32 26)
  %hsum = call i16 @llvm.vector.reduce.add.v8i16(<8 x i16> %hsat)
  %hsum32 = sext i16 %hsum to i32
  %e3 = extractelement <4 x i32> %x, i64 3
  %q = insertelement <4 x i32> %y, i32 %hsum32, i64 0
  %q2 = insertelement <4 x i32> %q, i32 %e3, i64 1
  store <4 x i32> %q2, ptr @buf
  call void @dump(i32 27)
  ret void
}

define void @reductions(i32 %k) {
entry:
  %x = load <4 x i32>, ptr @in, align 16
  br label %loop

loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi <4 x i32> [ zeroinitializer, %entry ], [ %acc1, %loop ]
  %wide = phi <2 x i64> [ <i64 1, i64 2>, %entry ], [ %wide1, %loop ]
  %i0 = insertelement <4 x i32> poison, i32 %i, i64 0
  %is = shufflevector <4 x i32> %i0, <4 x i32> poison, <4 x i32> zeroinitializer
  %m = mul <4 x i32> %x, %is
  %acc1 = add <4 x i32> %acc, %m
  %w = bitcast <4 x i32> %acc1 to <2 x i64>
  %wide1 = add <2 x i64> %wide, %w
  %i1 = add i32 %i, 1
  %done = icmp eq i32 %i1, %k
  br i1 %done, label %out, label %loop

out:
  %sum = call i32 @llvm.vector.reduce.add.v4i32(<4 x i32> %acc1)
  %x1 = call i32 @llvm.vector.reduce.xor.v4i32(<4 x i32> %acc1)
  %mx = call i32 @llvm.vector.reduce.smax.v4i32(<4 x i32> %acc1)
  %mn = call i32 @llvm.vector.reduce.umin.v4i32(<4 x i32> %acc1)
  %r0 = insertelement <4 x i32> poison, i32 %sum, i64 0
  %r1 = insertelement <4 x i32> %r0, i32 %x1, i64 1
  %r2 = insertelement <4 x i32> %r1, i32 %mx, i64 2
  %r3 = insertelement <4 x i32> %r2, i32 %mn, i64 3
  store <4 x i32> %r3, ptr @buf
  call void @dump(i32 30)
  %ws = call i64 @llvm.vector.reduce.add.v2i64(<2 x i64> %wide1)
  store i64 %ws, ptr @buf
  %p2 = getelementptr i32, ptr @buf, i64 2
  %wm = mul <2 x i64> %wide1, <i64 3, i64 -5>
  %wl = extractelement <2 x i64> %wm, i64 1
  store i64 %wl, ptr %p2
  call void @dump(i32 31)
  ret void
}

define void @floats(i32 %k) {
  %x = load <4 x i32>, ptr @in, align 16
  %f = sitofp <4 x i32> %x to <4 x float>
  %fk = sitofp i32 %k to float
  %f0 = insertelement <4 x float> poison, float %fk, i64 0
  %fs = shufflevector <4 x float> %f0, <4 x float> poison, <4 x i32> zeroinitializer
  %fd = fdiv <4 x float> %f, %fs
  %fi = fptosi <4 x float> %fd to <4 x i32>
  store <4 x i32> %fi, ptr @buf
  call void @dump(i32 40)
  store <4 x float> %fd, ptr @buf
  call void @dump(i32 41)
  %d = bitcast <4 x i32> %x to <2 x double>
  %dd = load <2 x double>, ptr @in, align 16
  %two = fadd <2 x double> <double 2.5, double -0.0>, <double 0.25, double 0x7FF8000000000000>
  %p = fmul <2 x double> %two, <double 3.0, double 1.0>
  %fma = call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %p, <2 x double> <double 1.5, double 2.0>, <2 x double> <double 0.125, double 7.0>)
  %sq = call <2 x double> @llvm.sqrt.v2f64(<2 x double> <double 2.0, double -1.0>)
  %ab = call <2 x double> @llvm.fabs.v2f64(<2 x double> %sq)
  %neg = fneg <2 x double> %fma
  %sw = shufflevector <2 x double> %neg, <2 x double> %ab, <2 x i32> <i32 1, i32 2>
  store <2 x double> %sw, ptr @buf
  call void @dump(i32 42)
  %lt = fcmp olt <2 x double> %fma, <double 10.0, double 10.0>
  %uno = fcmp uno <2 x double> %fma, %sq
  %une = fcmp une <2 x double> %d, %dd
  %m1 = or <2 x i1> %lt, %uno
  %m2 = xor <2 x i1> %m1, %une
  %sel = select <2 x i1> %m2, <2 x double> %fma, <2 x double> %ab
  store <2 x double> %sel, ptr @buf
  call void @dump(i32 43)
  %fin = shufflevector <2 x double> %fma, <2 x double> <double 4.0, double 4.0>, <2 x i32> <i32 0, i32 2>
  %tot = call double @llvm.vector.reduce.fadd.v2f64(double 0.5, <2 x double> %fin)
  %ti = fptosi double %tot to i32
  %v = insertelement <4 x i32> zeroinitializer, i32 %ti, i64 0
  store <4 x i32> %v, ptr @buf
  call void @dump(i32 44)
  ret void
}

define void @dynamic_lanes(i32 %k) {
  %x = load <4 x i32>, ptr @in, align 16
  %i = and i32 %k, 3
  %e = extractelement <4 x i32> %x, i32 %i
  %j = xor i32 %i, 1
  %y = insertelement <4 x i32> %x, i32 %e, i32 %j
  store <4 x i32> %y, ptr @buf
  call void @dump(i32 60)
  ret void
}

define i32 @main() {
  call void @int_arith(i32 5)
  call void @masks(i32 5)
  call void @shuffles(i32 5)
  call void @reductions(i32 5)
  call void @floats(i32 5)
  call void @dynamic_lanes(i32 6)
  call void @put(i32 50, <4 x i32> <i32 1, i32 2, i32 3, i32 4>)
  ret i32 0
}
