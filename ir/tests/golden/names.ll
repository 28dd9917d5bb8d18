define i32 @names(i32 %x, i32 %0, i32 %x2) {
entry:
  %sum = add i32 %x, 1
  %1 = add i32 %sum, 1
  %sum3 = add i32 %1, 1
  %2 = add i32 %sum3, 1
  %x1 = add i32 %2, 1
  %"has space" = add i32 %x1, 1
  %3 = add i32 %"has space", 1
  br label %loop

loop:
  %loop4 = add i32 %3, 1
  br label %4

4:
  %5 = add i32 %loop4, 1
  br label %sum5

sum5:
  ret i32 %5
}
