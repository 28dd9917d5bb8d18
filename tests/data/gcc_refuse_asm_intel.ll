; Inline assembly in Intel syntax: gcc would need -masm=intel for the whole file, refused.
define i32 @main() {
  %r = call i32 asm inteldialect "mov $0, 7", "=r,~{dirflag},~{fpsr},~{flags}"()
  ret i32 %r
}
