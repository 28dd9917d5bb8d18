; A personality function on a definition without exception-handling instructions, as rustc
; emits with panic=abort: imported and rebuilt exactly.
@msg = private unnamed_addr constant [12 x i8] c"personality\00"

declare i32 @puts(ptr)

define i32 @my_personality() {
  ret i32 0
}

define i32 @main() personality ptr @my_personality {
  %1 = call i32 @puts(ptr @msg)
  ret i32 0
}
