; An alias of an address inside a global (a constant expression) has no C form: refused.
@table = global [4 x i32] [i32 1, i32 2, i32 3, i32 4]
@third = alias i32, getelementptr (i8, ptr @table, i64 8)

define i32 @main() {
  %x = load i32, ptr @third
  ret i32 %x
}
