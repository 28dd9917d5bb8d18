; x86_fp80 and fp128: constants (with NaN payloads and -0), arithmetic, conversions, memory.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@ld = global x86_fp80 0xK3FFF8000000000000000, align 16
@lds = global [4 x x86_fp80] [x86_fp80 0xK7FFFC000000000000001, x86_fp80 0xK80000000000000000000, x86_fp80 0xK400A9C40000000000000, x86_fp80 0xK00000000000000000001], align 16
@q = global fp128 0xL00000000000000003FFF000000000000, align 16
@qs = global [2 x fp128] [fp128 0xL00000000000000017FFF800000000000, fp128 0xL0000000000000000C000000000000000], align 16

define double @f(x86_fp80 %a, fp128 %b) {
  %x = fadd x86_fp80 %a, 0xK3FFF8000000000000000
  %y = fmul fp128 %b, 0xL00000000000000004000000000000000
  %z = fptrunc x86_fp80 %x to double
  %w = fptrunc fp128 %y to double
  %e = fpext double %z to x86_fp80
  %c = fcmp olt x86_fp80 %e, %x
  %i = fptosi x86_fp80 %x to i64
  %j = sitofp i64 %i to fp128
  %k = bitcast fp128 %j to i128
  %l = load x86_fp80, ptr @ld, align 16
  store x86_fp80 %l, ptr @ld, align 16
  %s = select i1 %c, double %z, double %w
  ret double %s
}
