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
@wbuf = global [8 x i32] zeroinitializer, align 32
@win = global [8 x i32] [i32 7, i32 -3, i32 100000, i32 -2147483648, i32 65535, i32 -65536, i32 1, i32 255], align 32
@wbytes = global [32 x i8] c"\00\01\7F\80\FF\10 0@P`p\90\A0\C0\E0\F0\E1\D2\C3\B4\A5\96\87xiZK<-\1E\0F", align 32

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
declare i32 @llvm.vector.reduce.add.v2i32(<2 x i32>)
declare <4 x double> @llvm.fabs.v4f64(<4 x double>)
declare i16 @llvm.vector.reduce.add.v4i16(<4 x i16>)
declare i32 @llvm.vector.reduce.add.v8i32(<8 x i32>)
declare i32 @llvm.vector.reduce.umax.v8i32(<8 x i32>)
declare i1 @llvm.vector.reduce.or.v8i1(<8 x i1>)
declare i1 @llvm.vector.reduce.and.v8i1(<8 x i1>)

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

define void @wdump(i32 %tag) {
  %lo = load <4 x i32>, ptr @wbuf
  store <4 x i32> %lo, ptr @buf
  call void @dump(i32 %tag)
  %p = getelementptr i32, ptr @wbuf, i64 4
  %hi = load <4 x i32>, ptr %p
  store <4 x i32> %hi, ptr @buf
  call void @dump(i32 %tag)
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

; Vectors narrower than 128 bits, in the low lanes of one register.
define void @narrow(i32 %k) {
  %b4 = load <4 x i8>, ptr @bytes, align 1
  %p5 = getelementptr i8, ptr @bytes, i64 5
  %c4 = load <4 x i8>, ptr %p5, align 1
  %z = zext <4 x i8> %b4 to <4 x i32>
  %s = sext <4 x i8> %c4 to <4 x i32>
  %zs = add <4 x i32> %z, %s
  store <4 x i32> %zs, ptr @buf
  call void @dump(i32 70)
  %gt = icmp ugt <4 x i8> %b4, %c4
  %sel = select <4 x i1> %gt, <4 x i32> %z, <4 x i32> %s
  %gt16 = sext <4 x i1> %gt to <4 x i16>
  %g64 = bitcast <4 x i16> %gt16 to i64
  store <4 x i32> %sel, ptr @buf
  %p2 = getelementptr i32, ptr @buf, i64 2
  store i64 %g64, ptr %p2
  call void @dump(i32 71)
  %b8 = load <8 x i8>, ptr @bytes, align 1
  %k8 = trunc i32 %k to i8
  %k80 = insertelement <8 x i8> poison, i8 %k8, i64 0
  %k8s = shufflevector <8 x i8> %k80, <8 x i8> poison, <8 x i32> zeroinitializer
  %a8 = add <8 x i8> %b8, %k8s
  %x8 = xor <8 x i8> %a8, <i8 1, i8 2, i8 3, i8 4, i8 5, i8 6, i8 7, i8 8>
  store <4 x i32> zeroinitializer, ptr @buf
  store <8 x i8> %x8, ptr @buf, align 1
  %q = getelementptr i8, ptr @buf, i64 9
  %b2 = load <2 x i8>, ptr @bytes, align 1
  %a2 = add <2 x i8> %b2, <i8 100, i8 200>
  store <2 x i8> %a2, ptr %q, align 1
  call void @dump(i32 72)
  %h4 = load <4 x i16>, ptr @in, align 4
  %m4 = mul <4 x i16> %h4, <i16 3, i16 -5, i16 7, i16 1000>
  %w4 = load <4 x i32>, ptr @in
  %t4 = trunc <4 x i32> %w4 to <4 x i16>
  %mt = add <4 x i16> %m4, %t4
  %t8 = trunc <4 x i32> %w4 to <4 x i8>
  %t8i = bitcast <4 x i8> %t8 to i32
  %lo = shufflevector <8 x i16> <i16 1, i16 2, i16 3, i16 4, i16 5, i16 6, i16 7, i16 8>, <8 x i16> poison, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %cat = shufflevector <4 x i16> %mt, <4 x i16> %lo, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
  %ci = bitcast <8 x i16> %cat to <4 x i32>
  %ci3 = insertelement <4 x i32> %ci, i32 %t8i, i64 3
  store <4 x i32> %ci3, ptr @buf
  call void @dump(i32 73)
  %d2 = load <2 x i32>, ptr @in, align 4
  %sh = shl <2 x i32> %d2, splat (i32 4)
  %i64 = bitcast <2 x i32> %sh to i64
  %back = bitcast i64 %i64 to <2 x i32>
  %sw = shufflevector <2 x i32> %back, <2 x i32> poison, <2 x i32> <i32 1, i32 0>
  %f2 = sitofp <2 x i32> %sw to <2 x float>
  %f2b = fadd <2 x float> %f2, <float 0.5, float -0.25>
  %dd = fpext <2 x float> %f2b to <2 x double>
  %red = call i32 @llvm.vector.reduce.add.v2i32(<2 x i32> %sh)
  %hred = call i16 @llvm.vector.reduce.add.v4i16(<4 x i16> %mt)
  %hr32 = sext i16 %hred to i32
  store <2 x double> %dd, ptr @buf
  call void @dump(i32 74)
  %r0 = insertelement <4 x i32> poison, i32 %red, i64 0
  %r1 = insertelement <4 x i32> %r0, i32 %hr32, i64 1
  %fbits = bitcast <2 x float> %f2b to i64
  %r1w = bitcast <4 x i32> %r1 to <2 x i64>
  %r2 = insertelement <2 x i64> %r1w, i64 %fbits, i64 1
  store <2 x i64> %r2, ptr @buf
  call void @dump(i32 75)
  %h4m = and <4 x i16> %h4, splat (i16 127)
  %u4 = uitofp <4 x i16> %h4m to <4 x float>
  %fi4 = fptosi <4 x float> %u4 to <4 x i16>
  %fu8 = fptoui <4 x float> %u4 to <4 x i8>
  %fi4i = bitcast <4 x i16> %fi4 to i64
  %fu8i = bitcast <4 x i8> %fu8 to i32
  store i64 %fi4i, ptr @buf
  store i32 %fu8i, ptr %p2
  call void @dump(i32 76)
  ret void
}

; Vectors wider than 128 bits, in two registers; masks and conversions across widths.
define void @wide(i32 %k) {
entry:
  %b = load <16 x i8>, ptr @bytes, align 16
  %c = load <16 x i8>, ptr getelementptr (i8, ptr @wbytes, i64 16), align 16
  %bz = zext <16 x i8> %b to <16 x i16>
  %cz = zext <16 x i8> %c to <16 x i16>
  %s1 = add <16 x i16> %bz, splat (i16 1)
  %s2 = add <16 x i16> %s1, %cz
  %avg = lshr <16 x i16> %s2, splat (i16 1)
  %avg8 = trunc <16 x i16> %avg to <16 x i8>
  store <16 x i8> %avg8, ptr @buf
  call void @dump(i32 80)
  %x = load <8 x i32>, ptr @win, align 32
  %ks0 = insertelement <8 x i32> poison, i32 %k, i64 0
  %ks = shufflevector <8 x i32> %ks0, <8 x i32> poison, <8 x i32> zeroinitializer
  br label %loop

loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi <8 x i32> [ %x, %entry ], [ %acc1, %loop ]
  %m = mul <8 x i32> %acc, %ks
  %acc1 = sub <8 x i32> %m, <i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8>
  %i1 = add i32 %i, 1
  %done = icmp eq i32 %i1, 3
  br i1 %done, label %out, label %loop

out:
  store <8 x i32> %acc1, ptr @wbuf
  call void @wdump(i32 81)
  %lt = icmp slt <8 x i32> %acc1, %x
  %sel = select <8 x i1> %lt, <8 x i32> %acc1, <8 x i32> %x
  %ltbits = bitcast <8 x i1> %lt to i8
  %lt16 = sext <8 x i1> %lt to <8 x i16>
  store <8 x i32> %sel, ptr @wbuf
  call void @wdump(i32 82)
  %rev = shufflevector <8 x i32> %sel, <8 x i32> %x, <8 x i32> <i32 7, i32 6, i32 5, i32 4, i32 3, i32 2, i32 1, i32 0>
  %mix = shufflevector <8 x i32> %rev, <8 x i32> %x, <8 x i32> <i32 0, i32 13, i32 6, i32 9, i32 12, i32 3, i32 15, i32 poison>
  %ins = insertelement <8 x i32> %mix, i32 %k, i64 7
  %e6 = extractelement <8 x i32> %rev, i64 6
  %ins2 = insertelement <8 x i32> %ins, i32 %e6, i64 5
  store <8 x i32> %ins2, ptr @wbuf
  call void @wdump(i32 83)
  %sum = call i32 @llvm.vector.reduce.add.v8i32(<8 x i32> %acc1)
  %umx = call i32 @llvm.vector.reduce.umax.v8i32(<8 x i32> %acc1)
  %any = call i1 @llvm.vector.reduce.or.v8i1(<8 x i1> %lt)
  %all = call i1 @llvm.vector.reduce.and.v8i1(<8 x i1> %lt)
  %any32 = zext i1 %any to i32
  %all32 = zext i1 %all to i32
  %lt32 = zext i8 %ltbits to i32
  %both = shl i32 %all32, 8
  %flags = or i32 %both, %any32
  %flags2 = shl i32 %lt32, 16
  %flags3 = or i32 %flags, %flags2
  %wb = load <32 x i8>, ptr @wbytes, align 32
  %neg = icmp slt <32 x i8> %wb, zeroinitializer
  %negbits = bitcast <32 x i1> %neg to i32
  %r0 = insertelement <4 x i32> poison, i32 %sum, i64 0
  %r1 = insertelement <4 x i32> %r0, i32 %umx, i64 1
  %r2 = insertelement <4 x i32> %r1, i32 %flags3, i64 2
  %r3 = insertelement <4 x i32> %r2, i32 %negbits, i64 3
  store <4 x i32> %r3, ptr @buf
  call void @dump(i32 84)
  %lo4 = shufflevector <8 x i32> %acc1, <8 x i32> poison, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %d4 = sitofp <4 x i32> %lo4 to <4 x double>
  %ud4 = uitofp <4 x i32> %lo4 to <4 x double>
  %dsum = fadd <4 x double> %d4, %ud4
  %f4 = fptrunc <4 x double> %dsum to <4 x float>
  %e4 = fpext <4 x float> %f4 to <4 x double>
  %dlt = fcmp olt <4 x double> %e4, <double 0.0, double 1.0e10, double -1.0, double 5.0e9>
  %pick = select <4 x i1> %dlt, <4 x i32> %lo4, <4 x i32> <i32 11, i32 22, i32 33, i32 44>
  store <4 x double> %e4, ptr @wbuf
  call void @wdump(i32 85)
  store <4 x i32> %pick, ptr @buf
  call void @dump(i32 86)
  %dsafe = fmul <4 x double> %d4, splat (double 1.0e-3)
  %di = fptosi <4 x double> %dsafe to <4 x i32>
  %dpos = call <4 x double> @llvm.fabs.v4f64(<4 x double> %dsafe)
  %dsmall = fmul <4 x double> %dpos, splat (double 1.0e-2)
  %du = fptoui <4 x double> %dsmall to <4 x i16>
  %d2 = shufflevector <4 x double> %dsafe, <4 x double> poison, <2 x i32> <i32 3, i32 0>
  %d2i = fptosi <2 x double> %d2 to <2 x i32>
  %dui = bitcast <4 x i16> %du to i64
  %d2ii = bitcast <2 x i32> %d2i to i64
  store <4 x i32> %di, ptr @wbuf
  %w2 = getelementptr i32, ptr @wbuf, i64 4
  store i64 %dui, ptr %w2
  %w3 = getelementptr i32, ptr @wbuf, i64 6
  store i64 %d2ii, ptr %w3
  call void @wdump(i32 88)
  %bm = mul <16 x i8> %b, %c
  %b8 = shufflevector <16 x i8> %b, <16 x i8> poison, <8 x i32> <i32 15, i32 1, i32 13, i32 3, i32 11, i32 5, i32 9, i32 7>
  %bm8 = mul <8 x i8> %b8, splat (i8 -3)
  %bw = load <32 x i8>, ptr @wbytes, align 32
  %bwm = mul <32 x i8> %bw, %bw
  %bm8i = bitcast <8 x i8> %bm8 to i64
  store <16 x i8> %bm, ptr @wbuf
  store i64 %bm8i, ptr %w2
  call void @wdump(i32 89)
  store <32 x i8> %bwm, ptr @wbuf
  call void @wdump(i32 90)
  %w64 = sext <4 x i32> %lo4 to <4 x i64>
  %z64 = zext <4 x i32> %lo4 to <4 x i64>
  %p64 = add <4 x i64> %w64, %z64
  %sh64 = lshr <4 x i64> %p64, splat (i64 8)
  %t32 = trunc <4 x i64> %sh64 to <4 x i32>
  %mask16 = trunc <8 x i16> %lt16 to <8 x i8>
  %m16i = bitcast <8 x i8> %mask16 to i64
  %t32w = bitcast <4 x i32> %t32 to <2 x i64>
  %t32x = insertelement <2 x i64> %t32w, i64 %m16i, i64 1
  store <2 x i64> %t32x, ptr @buf
  call void @dump(i32 87)
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
  call void @narrow(i32 5)
  call void @wide(i32 5)
  call void @dynamic_lanes(i32 6)
  call void @put(i32 50, <4 x i32> <i32 1, i32 2, i32 3, i32 4>)
  ret i32 0
}
