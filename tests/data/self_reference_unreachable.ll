; An unreachable block whose instruction uses its own result, as jump threading leaves it.
@.fmt = private unnamed_addr constant [4 x i8] c"%d\0A\00"

declare i32 @printf(ptr, ...)

define i32 @count(i32 %n) {
entry:
  br label %loop

loop:
  %i = phi i32 [ 0, %entry ], [ %next, %loop ]
  %next = add nsw i32 %i, 1
  %done = icmp sge i32 %next, %n
  br i1 %done, label %exit, label %loop

dead:
  %x = sub nsw i32 %x, 1
  %c = icmp eq i32 %x, 0
  br i1 %c, label %exit, label %dead

exit:
  %r = phi i32 [ %next, %loop ], [ %x, %dead ]
  ret i32 %r
}

define i32 @main() {
entry:
  %r = call i32 @count(i32 42)
  %p = call i32 (ptr, ...) @printf(ptr @.fmt, i32 %r)
  ret i32 0
}
