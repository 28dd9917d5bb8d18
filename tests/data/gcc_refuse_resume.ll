; A `resume` that can run (here with no `invoke` in its function) is refused, naming it.
declare i32 @__gxx_personality_v0(...)

define void @f(i1 %c) personality ptr @__gxx_personality_v0 {
entry:
  br i1 %c, label %unwind, label %ok
unwind:
  resume { ptr, i32 } zeroinitializer
ok:
  ret void
}

define i32 @main() {
  call void @f(i1 false)
  ret i32 0
}
