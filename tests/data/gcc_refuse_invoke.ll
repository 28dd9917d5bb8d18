; Exception handling (invoke, landingpad, resume) has no C equivalent: the GCC backend
; refuses it, naming the invoke.
declare void @may_throw()
declare i32 @__gxx_personality_v0(...)

define void @f() personality ptr @__gxx_personality_v0 {
entry:
  invoke void @may_throw()
          to label %ok unwind label %pad
ok:
  ret void
pad:
  %lp = landingpad { ptr, i32 }
          cleanup
  resume { ptr, i32 } %lp
}

define i32 @main() {
  call void @f()
  ret i32 0
}
