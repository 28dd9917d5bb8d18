; An atomic read-modify-write: the old value (41) plus one is the exit status.
@counter = global i32 41

define i32 @main() {
entry:
  %old = atomicrmw add ptr @counter, i32 1 seq_cst, align 4
  %new = load atomic i32, ptr @counter acquire, align 4
  %same = sub i32 %new, %old
  %r = add i32 %old, %same
  ret i32 %r
}
