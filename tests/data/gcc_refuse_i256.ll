; An integer wider than 128 bits passed to and returned from a function other code may call:
; C would pass the GCC backend's structure of limbs otherwise than LLVM passes the integer.
define i256 @square(i256 %x) {
  %r = mul i256 %x, %x
  ret i256 %r
}

define i32 @main() {
  %r = call i256 @square(i256 340282366920938463463374607431768211457)
  %t = trunc i256 %r to i32
  ret i32 %t
}
