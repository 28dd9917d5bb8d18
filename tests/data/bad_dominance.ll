; Parses, but %y is used before it is defined: LLVM's verifier rejects it.
define i32 @main() {
entry:
  %x = add i32 %y, 1
  %y = add i32 2, 3
  ret i32 %x
}
