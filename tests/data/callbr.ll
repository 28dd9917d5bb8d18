; `callbr` (asm goto) is outside the supported subset.
define i32 @f(i32 %a) {
entry:
  callbr void asm "testl $0, $0; jne ${1:l}", "r,!i"(i32 %a)
          to label %fall [label %jumped]

fall:
  ret i32 0

jumped:
  ret i32 1
}

define i32 @main() {
  %r = call i32 @f(i32 1)
  ret i32 %r
}
