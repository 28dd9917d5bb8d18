; Inline assembly: LLVM builds it, and Cranelift, the asm outlined into a function LLVM compiles.
define i32 @f(i32 %a) {
  %r = call i32 asm "bswap $0", "=r,0"(i32 %a)
  ret i32 %r
}

define i32 @main() {
  %r = call i32 @f(i32 16777216)
  ret i32 %r
}
