; Prints its argument count and arguments, writes a line to stderr, exits with status 3.
target triple = "x86_64-pc-linux-gnu"

@fmt = private unnamed_addr constant [9 x i8] c"argc=%d\0A\00"
@err = private unnamed_addr constant [11 x i8] c"to stderr\0A\00"
@stderr = external global ptr

declare i32 @printf(ptr, ...)
declare i32 @puts(ptr)
declare i32 @fputs(ptr, ptr)

define i32 @main(i32 %argc, ptr %argv) {
entry:
  %0 = call i32 (ptr, ...) @printf(ptr @fmt, i32 %argc)
  br label %loop

loop:
  %i = phi i32 [ 1, %entry ], [ %next, %body ]
  %more = icmp slt i32 %i, %argc
  br i1 %more, label %body, label %done

body:
  %idx = sext i32 %i to i64
  %slot = getelementptr inbounds ptr, ptr %argv, i64 %idx
  %arg = load ptr, ptr %slot, align 8
  %1 = call i32 @puts(ptr %arg)
  %next = add nsw i32 %i, 1
  br label %loop

done:
  %stream = load ptr, ptr @stderr, align 8
  %2 = call i32 @fputs(ptr @err, ptr %stream)
  ret i32 3
}
