; Intrinsics rustc emits that have an exact C form: the saturating float-to-integer
; conversions (`as` casts; NaN to 0, out-of-range values to the nearest bound), on scalars of
; several widths and on vectors; funnel shifts, saturating arithmetic and byte swaps wider than
; 64 bits; and `x86.sse2.pause` (`spin_loop`). Each result is printed in hexadecimal.

@fmt.v = private unnamed_addr constant [11 x i8] c" %llx:%llx\00"
@fmt.nl = private unnamed_addr constant [2 x i8] c"\0A\00"
@fmt.d = private unnamed_addr constant [4 x i8] c"%a:\00"
@doubles = constant [34 x double] [double 0x7FF8000000000000, double 0x7FF0000000000000, double 0xFFF0000000000000, double 0x0000000000000000, double 0x8000000000000000, double 0x3FECCCCCCCCCCCCD, double 0xBFECCCCCCCCCCCCD, double 0x3FF0000000000000, double 0xBFF0000000000000, double 0x405FE00000000000, double 0x4060000000000000, double 0xC060000000000000, double 0xC0601CCCCCCCCCCD, double 0xC060200000000000, double 0x406FFCCCCCCCCCCD, double 0x4070000000000000, double 0x41DFFFFFFFE00000, double 0x41E0000000000000, double 0xC1E00000001CCCCD, double 0xC1E0000000200000, double 0x41EFFFFFFFF00000, double 0x41F0000000000000, double 0x43DFEB3DD0676600, double 0x43E02207973F6440, double 0xC3E02207973F6440, double 0x43EF399B1438A100, double 0x43F07AD8F556C6C0, double 0x47DFF933C78CDFAD, double 0x47F074F8C4D3CD7B, double 0xC7DFF933C78CDFAD, double 0xC7F074F8C4D3CD7B, double 0x7E37E43C8800759C, double 0xFE37E43C8800759C, double 0x0000000000000001]
@vec.in = constant [8 x float] [float 0x7FF8000000000000, float 0x7FF0000000000000, float -3.0e+09, float 2.5e+09, float -1.5, float 1.5, float 0x41DFFFFFE0000000, float -0.0]
@wide.in = global [4 x i128] [i128 170141183460469231731687303715884105727, i128 -170141183460469231731687303715884105728, i128 1234567890123456789012345678901234567, i128 -98765432109876543210987654321]

declare i32 @printf(ptr, ...)

; Prints the low 128 bits of `v` as two 64-bit halves.
define void @p(i128 %v) {
  %hi.w = lshr i128 %v, 64
  %hi = trunc i128 %hi.w to i64
  %lo = trunc i128 %v to i64
  call i32 (ptr, ...) @printf(ptr @fmt.v, i64 %hi, i64 %lo)
  ret void
}

define void @sat(double %x) {
  call i32 (ptr, ...) @printf(ptr @fmt.d, double %x)
  %f = fptrunc double %x to float
  %s1d = call i1 @llvm.fptosi.sat.i1.f64(double %x)
  %s1d.z = zext i1 %s1d to i128
  call void @p(i128 %s1d.z)
  %s8d = call i8 @llvm.fptosi.sat.i8.f64(double %x)
  %s8d.z = sext i8 %s8d to i128
  call void @p(i128 %s8d.z)
  %s13d = call i13 @llvm.fptosi.sat.i13.f64(double %x)
  %s13d.z = sext i13 %s13d to i128
  call void @p(i128 %s13d.z)
  %s32d = call i32 @llvm.fptosi.sat.i32.f64(double %x)
  %s32d.z = sext i32 %s32d to i128
  call void @p(i128 %s32d.z)
  %s64d = call i64 @llvm.fptosi.sat.i64.f64(double %x)
  %s64d.z = sext i64 %s64d to i128
  call void @p(i128 %s64d.z)
  %s100d = call i100 @llvm.fptosi.sat.i100.f64(double %x)
  %s100d.z = sext i100 %s100d to i128
  call void @p(i128 %s100d.z)
  %s128d = call i128 @llvm.fptosi.sat.i128.f64(double %x)
  %s128d.z = add i128 %s128d, 0
  call void @p(i128 %s128d.z)
  %u1d = call i1 @llvm.fptoui.sat.i1.f64(double %x)
  %u1d.z = zext i1 %u1d to i128
  call void @p(i128 %u1d.z)
  %u8d = call i8 @llvm.fptoui.sat.i8.f64(double %x)
  %u8d.z = zext i8 %u8d to i128
  call void @p(i128 %u8d.z)
  %u13d = call i13 @llvm.fptoui.sat.i13.f64(double %x)
  %u13d.z = zext i13 %u13d to i128
  call void @p(i128 %u13d.z)
  %u32d = call i32 @llvm.fptoui.sat.i32.f64(double %x)
  %u32d.z = zext i32 %u32d to i128
  call void @p(i128 %u32d.z)
  %u64d = call i64 @llvm.fptoui.sat.i64.f64(double %x)
  %u64d.z = zext i64 %u64d to i128
  call void @p(i128 %u64d.z)
  %u100d = call i100 @llvm.fptoui.sat.i100.f64(double %x)
  %u100d.z = zext i100 %u100d to i128
  call void @p(i128 %u100d.z)
  %u128d = call i128 @llvm.fptoui.sat.i128.f64(double %x)
  %u128d.z = add i128 %u128d, 0
  call void @p(i128 %u128d.z)
  %s1f = call i1 @llvm.fptosi.sat.i1.f32(float %f)
  %s1f.z = zext i1 %s1f to i128
  call void @p(i128 %s1f.z)
  %s8f = call i8 @llvm.fptosi.sat.i8.f32(float %f)
  %s8f.z = sext i8 %s8f to i128
  call void @p(i128 %s8f.z)
  %s13f = call i13 @llvm.fptosi.sat.i13.f32(float %f)
  %s13f.z = sext i13 %s13f to i128
  call void @p(i128 %s13f.z)
  %s32f = call i32 @llvm.fptosi.sat.i32.f32(float %f)
  %s32f.z = sext i32 %s32f to i128
  call void @p(i128 %s32f.z)
  %s64f = call i64 @llvm.fptosi.sat.i64.f32(float %f)
  %s64f.z = sext i64 %s64f to i128
  call void @p(i128 %s64f.z)
  %s100f = call i100 @llvm.fptosi.sat.i100.f32(float %f)
  %s100f.z = sext i100 %s100f to i128
  call void @p(i128 %s100f.z)
  %s128f = call i128 @llvm.fptosi.sat.i128.f32(float %f)
  %s128f.z = add i128 %s128f, 0
  call void @p(i128 %s128f.z)
  %u1f = call i1 @llvm.fptoui.sat.i1.f32(float %f)
  %u1f.z = zext i1 %u1f to i128
  call void @p(i128 %u1f.z)
  %u8f = call i8 @llvm.fptoui.sat.i8.f32(float %f)
  %u8f.z = zext i8 %u8f to i128
  call void @p(i128 %u8f.z)
  %u13f = call i13 @llvm.fptoui.sat.i13.f32(float %f)
  %u13f.z = zext i13 %u13f to i128
  call void @p(i128 %u13f.z)
  %u32f = call i32 @llvm.fptoui.sat.i32.f32(float %f)
  %u32f.z = zext i32 %u32f to i128
  call void @p(i128 %u32f.z)
  %u64f = call i64 @llvm.fptoui.sat.i64.f32(float %f)
  %u64f.z = zext i64 %u64f to i128
  call void @p(i128 %u64f.z)
  %u100f = call i100 @llvm.fptoui.sat.i100.f32(float %f)
  %u100f.z = zext i100 %u100f to i128
  call void @p(i128 %u100f.z)
  %u128f = call i128 @llvm.fptoui.sat.i128.f32(float %f)
  %u128f.z = add i128 %u128f, 0
  call void @p(i128 %u128f.z)
  call i32 (ptr, ...) @printf(ptr @fmt.nl)
  ret void
}

define void @vec(ptr %in) {
  %v = load <4 x float>, ptr %in, align 4
  %s = call <4 x i32> @llvm.fptosi.sat.v4i32.v4f32(<4 x float> %v)
  %u = call <4 x i16> @llvm.fptoui.sat.v4i16.v4f32(<4 x float> %v)
  %sw = zext <4 x i32> %s to <4 x i64>
  %uw = zext <4 x i16> %u to <4 x i64>
  %s0 = extractelement <4 x i64> %sw, i32 0
  %s1 = extractelement <4 x i64> %sw, i32 1
  %s2 = extractelement <4 x i64> %sw, i32 2
  %s3 = extractelement <4 x i64> %sw, i32 3
  %u0 = extractelement <4 x i64> %uw, i32 0
  %u1 = extractelement <4 x i64> %uw, i32 1
  %u2 = extractelement <4 x i64> %uw, i32 2
  %u3 = extractelement <4 x i64> %uw, i32 3
  call i32 (ptr, ...) @printf(ptr @fmt.v, i64 %s0, i64 %u0)
  call i32 (ptr, ...) @printf(ptr @fmt.v, i64 %s1, i64 %u1)
  call i32 (ptr, ...) @printf(ptr @fmt.v, i64 %s2, i64 %u2)
  call i32 (ptr, ...) @printf(ptr @fmt.v, i64 %s3, i64 %u3)
  call i32 (ptr, ...) @printf(ptr @fmt.nl)
  ret void
}

; Funnel shifts, saturating arithmetic and byte swaps on `a` and `b`.
define void @wide(i128 %a, i128 %b) {
  %amt = and i128 %b, 255
  %fl = call i128 @llvm.fshl.i128(i128 %a, i128 %b, i128 %amt)
  call void @p(i128 %fl)
  %fr = call i128 @llvm.fshr.i128(i128 %a, i128 %b, i128 %amt)
  call void @p(i128 %fr)
  %rot = call i128 @llvm.fshl.i128(i128 %a, i128 %a, i128 %amt)
  call void @p(i128 %rot)
  %a100 = trunc i128 %a to i100
  %b100 = trunc i128 %b to i100
  %amt100 = trunc i128 %amt to i100
  %fl100 = call i100 @llvm.fshl.i100(i100 %a100, i100 %b100, i100 %amt100)
  %fl100.z = zext i100 %fl100 to i128
  call void @p(i128 %fl100.z)
  %sa = call i128 @llvm.sadd.sat.i128(i128 %a, i128 %b)
  call void @p(i128 %sa)
  %ss = call i128 @llvm.ssub.sat.i128(i128 %a, i128 %b)
  call void @p(i128 %ss)
  %ua = call i128 @llvm.uadd.sat.i128(i128 %a, i128 %b)
  call void @p(i128 %ua)
  %us = call i128 @llvm.usub.sat.i128(i128 %a, i128 %b)
  call void @p(i128 %us)
  %sa100 = call i100 @llvm.sadd.sat.i100(i100 %a100, i100 %b100)
  %sa100.z = zext i100 %sa100 to i128
  call void @p(i128 %sa100.z)
  %ss100 = call i100 @llvm.ssub.sat.i100(i100 %a100, i100 %b100)
  %ss100.z = zext i100 %ss100 to i128
  call void @p(i128 %ss100.z)
  %ua100 = call i100 @llvm.uadd.sat.i100(i100 %a100, i100 %b100)
  %ua100.z = zext i100 %ua100 to i128
  call void @p(i128 %ua100.z)
  %us100 = call i100 @llvm.usub.sat.i100(i100 %a100, i100 %b100)
  %us100.z = zext i100 %us100 to i128
  call void @p(i128 %us100.z)
  %a80 = trunc i128 %a to i80
  %bs80 = call i80 @llvm.bswap.i80(i80 %a80)
  %bs80.z = zext i80 %bs80 to i128
  call void @p(i128 %bs80.z)
  call i32 (ptr, ...) @printf(ptr @fmt.nl)
  ret void
}

define i32 @main() {
entry:
  call void @llvm.x86.sse2.pause()
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %q = getelementptr double, ptr @doubles, i64 %i
  %x = load double, ptr %q
  call void @sat(double %x)
  %i1 = add i64 %i, 1
  %more = icmp ult i64 %i1, 34
  br i1 %more, label %loop, label %vectors
vectors:
  call void @vec(ptr @vec.in)
  %v2 = getelementptr float, ptr @vec.in, i64 4
  call void @vec(ptr %v2)
  br label %wide
wide:
  %j = phi i64 [ 0, %vectors ], [ %j1, %wide.next ]
  br label %wide.inner
wide.inner:
  %k = phi i64 [ 0, %wide ], [ %k1, %wide.inner ]
  %pa = getelementptr i128, ptr @wide.in, i64 %j
  %pb = getelementptr i128, ptr @wide.in, i64 %k
  %a = load i128, ptr %pa
  %b = load i128, ptr %pb
  call void @wide(i128 %a, i128 %b)
  %k1 = add i64 %k, 1
  %kmore = icmp ult i64 %k1, 4
  br i1 %kmore, label %wide.inner, label %wide.next
wide.next:
  %j1 = add i64 %j, 1
  %jmore = icmp ult i64 %j1, 4
  br i1 %jmore, label %wide, label %done
done:
  ret i32 0
}

declare <4 x i32> @llvm.fptosi.sat.v4i32.v4f32(<4 x float>)
declare <4 x i16> @llvm.fptoui.sat.v4i16.v4f32(<4 x float>)
declare i128 @llvm.fshl.i128(i128, i128, i128)
declare i128 @llvm.fshr.i128(i128, i128, i128)
declare i100 @llvm.fshl.i100(i100, i100, i100)
declare i128 @llvm.sadd.sat.i128(i128, i128)
declare i128 @llvm.ssub.sat.i128(i128, i128)
declare i128 @llvm.uadd.sat.i128(i128, i128)
declare i128 @llvm.usub.sat.i128(i128, i128)
declare i100 @llvm.sadd.sat.i100(i100, i100)
declare i100 @llvm.ssub.sat.i100(i100, i100)
declare i100 @llvm.uadd.sat.i100(i100, i100)
declare i100 @llvm.usub.sat.i100(i100, i100)
declare i80 @llvm.bswap.i80(i80)
declare void @llvm.x86.sse2.pause()
declare i1 @llvm.fptosi.sat.i1.f32(float)
declare i1 @llvm.fptosi.sat.i1.f64(double)
declare i1 @llvm.fptoui.sat.i1.f32(float)
declare i1 @llvm.fptoui.sat.i1.f64(double)
declare i100 @llvm.fptosi.sat.i100.f32(float)
declare i100 @llvm.fptosi.sat.i100.f64(double)
declare i100 @llvm.fptoui.sat.i100.f32(float)
declare i100 @llvm.fptoui.sat.i100.f64(double)
declare i128 @llvm.fptosi.sat.i128.f32(float)
declare i128 @llvm.fptosi.sat.i128.f64(double)
declare i128 @llvm.fptoui.sat.i128.f32(float)
declare i128 @llvm.fptoui.sat.i128.f64(double)
declare i13 @llvm.fptosi.sat.i13.f32(float)
declare i13 @llvm.fptosi.sat.i13.f64(double)
declare i13 @llvm.fptoui.sat.i13.f32(float)
declare i13 @llvm.fptoui.sat.i13.f64(double)
declare i32 @llvm.fptosi.sat.i32.f32(float)
declare i32 @llvm.fptosi.sat.i32.f64(double)
declare i32 @llvm.fptoui.sat.i32.f32(float)
declare i32 @llvm.fptoui.sat.i32.f64(double)
declare i64 @llvm.fptosi.sat.i64.f32(float)
declare i64 @llvm.fptosi.sat.i64.f64(double)
declare i64 @llvm.fptoui.sat.i64.f32(float)
declare i64 @llvm.fptoui.sat.i64.f64(double)
declare i8 @llvm.fptosi.sat.i8.f32(float)
declare i8 @llvm.fptosi.sat.i8.f64(double)
declare i8 @llvm.fptoui.sat.i8.f32(float)
declare i8 @llvm.fptoui.sat.i8.f64(double)
