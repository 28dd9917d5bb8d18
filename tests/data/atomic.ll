; Atomics are outside the supported subset.
@counter = global i32 0

define i32 @main() {
entry:
  %old = atomicrmw add ptr @counter, i32 1 seq_cst
  ret i32 %old
}
