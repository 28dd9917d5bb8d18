; Exception handling that can run is refused naming the `invoke` that starts it, even where
; its landing pad comes first in the function (as rustc's optimised panic=unwind modules lay
; them out).
declare void @may_throw()
declare i32 @__gxx_personality_v0(...)

define void @f() personality ptr @__gxx_personality_v0 {
entry:
  br label %call
pad:
  %lp = landingpad { ptr, i32 }
          cleanup
  resume { ptr, i32 } %lp
call:
  invoke void @may_throw()
          to label %ok unwind label %pad
ok:
  ret void
}

define i32 @main() {
  call void @f()
  ret i32 0
}
