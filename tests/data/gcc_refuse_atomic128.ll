; A 16-byte atomic: gcc 12 calls libatomic for it, which programs are not linked with;
; the GCC backend refuses it.
@cell = global i128 0, align 16

define i32 @main() {
  %old = atomicrmw add ptr @cell, i128 1 seq_cst, align 16
  %t = trunc i128 %old to i32
  ret i32 %t
}
