; Integers wider than 128 bits (csmith's packed bit-fields give i136 and friends).
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@w = global i136 -1, align 8
@v = global i256 115792089237316195423570985008687907853269984665640564039457584007913129639935, align 8
@u = global { i200, i8 } { i200 1606938044258990275541962092341162602522202993782792835301375, i8 3 }, align 8

define i64 @f(i136 %a, ptr %p) {
top:
  %b = add i136 %a, 87112285931760246646623899502532662132735
  %c = mul i136 %b, -2
  %d = lshr i136 %c, 100
  %e = load i136, ptr %p, align 1
  %f = xor i136 %e, %d
  store i136 %f, ptr %p, align 1
  %g = trunc i136 %f to i64
  %h = zext i64 %g to i256
  %i = icmp ugt i256 %h, 340282366920938463463374607431768211456
  %j = select i1 %i, i64 %g, i64 7
  %k = sext i136 %a to i256
  %l = ashr i256 %k, 255
  %m = icmp eq i256 %l, -1
  br i1 %m, label %neg, label %out
neg:
  br label %out
out:
  %r = phi i64 [ %j, %top ], [ 0, %neg ]
  ret i64 %r
}
