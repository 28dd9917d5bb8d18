define i64 @numbered(i64 %0, i64 %1) {
2:
  %3 = add i64 %0, %1
  ret i64 %3
}
