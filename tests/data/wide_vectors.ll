; Vectors of integers wider than 128 bits, as the SLP vectorizer pairs the updates of packed
; bit-fields at clang -O2 (`<2 x i136>` built lane by lane, shifted, truncated): lane-wise
; arithmetic, shifts, comparisons, selects and conversions on values of the arguments' count.
@fmt = private constant [23 x i8] c"%016llx %016llx %d %d\0A\00"

declare i32 @printf(ptr, ...)

define i32 @main(i32 %argc, ptr %argv) {
  %a = zext i32 %argc to i136
  %b = shl i136 %a, 100
  %c = or i136 %b, 12345678901234567890
  %v0 = insertelement <2 x i136> poison, i136 %c, i64 0
  %v1 = insertelement <2 x i136> %v0, i136 %b, i64 1
  %s = shl <2 x i136> %v1, <i136 20, i136 35>
  %m = mul <2 x i136> %s, <i136 7, i136 -3>
  %d = sub <2 x i136> %m, %v1
  %r = ashr <2 x i136> %d, <i136 3, i136 70>
  %lt = icmp slt <2 x i136> %r, %v1
  %sel = select <2 x i1> %lt, <2 x i136> %r, <2 x i136> %s
  %t = trunc <2 x i136> %sel to <2 x i128>
  %w = sext <2 x i128> %t to <2 x i136>
  %eq = icmp eq <2 x i136> %w, %sel
  %sh = shufflevector <2 x i136> %sel, <2 x i136> %d, <2 x i32> <i32 3, i32 0>
  %x0 = extractelement <2 x i136> %sh, i64 0
  %x1 = extractelement <2 x i136> %sh, i64 1
  %h0 = lshr i136 %x0, 72
  %hi = trunc i136 %h0 to i64
  %lo = trunc i136 %x1 to i64
  %e0 = extractelement <2 x i1> %lt, i64 0
  %e1 = extractelement <2 x i1> %eq, i64 1
  %z0 = zext i1 %e0 to i32
  %z1 = zext i1 %e1 to i32
  %p = call i32 (ptr, ...) @printf(ptr @fmt, i64 %hi, i64 %lo, i32 %z0, i32 %z1)
  ret i32 0
}
