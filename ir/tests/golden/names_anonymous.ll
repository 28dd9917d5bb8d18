define i32 @names(i32 %0, i32 %1, i32 %2) {
3:
  %4 = add i32 %0, 1
  %5 = add i32 %4, 1
  %6 = add i32 %5, 1
  %7 = add i32 %6, 1
  %8 = add i32 %7, 1
  %9 = add i32 %8, 1
  %10 = add i32 %9, 1
  br label %11

11:
  %12 = add i32 %10, 1
  br label %13

13:
  %14 = add i32 %12, 1
  br label %15

15:
  ret i32 %14
}
