; Inline assembly as a callee: barriers, outputs, inputs, tied operands, clobbers and every
; flag (sideeffect, alignstack, inteldialect).
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define i32 @f(i32 %a, ptr %p) {
  call void asm sideeffect "", "~{memory}"()
  call void asm sideeffect "", "r,~{memory}"(ptr %p)
  %r = call i32 asm "bswap $0", "=r,0"(i32 %a)
  %s = call i32 asm alignstack "lea ($1,$1), $0", "=r,r,~{dirflag},~{fpsr},~{flags}"(i32 %r)
  %t = tail call i32 asm sideeffect inteldialect "mov $0, $1", "=r,r"(i32 %s)
  %u = call { i32, i32 } asm "xchg $0, $1", "=r,=r,0,1"(i32 %t, i32 %a)
  %v = extractvalue { i32, i32 } %u, 0
  call void asm sideeffect "movl $$1, $0", "=*m"(ptr elementtype(i32) %p)
  ret i32 %v
}
