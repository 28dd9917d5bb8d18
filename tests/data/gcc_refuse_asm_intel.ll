; Inline assembly in Intel syntax with a memory operand, which gcc would print in AT&T syntax
; (`8(%rsp)`): refused. (Register and immediate operands work, see inline_asm_intel.c.)
define i32 @main() {
  %p = alloca i32
  store i32 3, ptr %p
  %r = call i32 asm inteldialect "mov $0, $1", "=r,*m,~{dirflag},~{fpsr},~{flags}"(ptr elementtype(i32) %p)
  ret i32 %r
}
