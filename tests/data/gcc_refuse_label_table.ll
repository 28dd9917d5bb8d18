; A table of block addresses read by a function other than theirs: GNU C takes a label's
; address only inside its function, so the GCC backend refuses it.
@labels = private constant [2 x ptr] [ptr blockaddress(@dispatch, %a), ptr blockaddress(@dispatch, %b)]

define i32 @dispatch(ptr %target) {
entry:
  indirectbr ptr %target, [label %a, label %b]
a:
  ret i32 1
b:
  ret i32 2
}

define i32 @main() {
  %p = load ptr, ptr getelementptr (i8, ptr @labels, i64 8)
  %r = call i32 @dispatch(ptr %p)
  ret i32 %r
}
