define i32 @flow(i8 %0, i1 %1) {
entry:
  switch i8 %0, label %other [
    i8 1, label %one
    i8 -1, label %minus
    i8 -128, label %minus
  ]

one:
  br label %join

minus:
  br i1 %1, label %join, label %other

other:
  %2 = sext i8 %0 to i32
  %3 = zext i32 %2 to i128
  switch i128 %3, label %join [
    i128 -1, label %join
    i128 1267650600228229401496703205376, label %dead
  ]

join:
  %4 = phi i32 [ 1, %one ], [ -1, %minus ], [ %2, %other ], [ %2, %other ]
  ret i32 %4

dead:
  unreachable
}

define void @void_ret() {
0:
  ret void
}

declare void @unused(ptr)
