; Phis whose incoming values are each other (a swap) and a rotation of three: the copies
; on the back edge happen all at once, so the values must rotate, not collapse.
@fmt = private constant [13 x i8] c"%d %d %d %d\0A\00"

declare i32 @printf(ptr, ...)

define i32 @main() {
entry:
  br label %loop

loop:
  %a = phi i32 [ 1, %entry ], [ %b, %loop ]
  %b = phi i32 [ 2, %entry ], [ %a, %loop ]
  %x = phi i32 [ 10, %entry ], [ %y, %loop ]
  %y = phi i32 [ 20, %entry ], [ %z, %loop ]
  %z = phi i32 [ 30, %entry ], [ %x, %loop ]
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %p = call i32 (ptr, ...) @printf(ptr @fmt, i32 %a, i32 %b, i32 %x, i32 %z)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, 4
  br i1 %done, label %exit, label %loop

exit:
  ret i32 %a
}
