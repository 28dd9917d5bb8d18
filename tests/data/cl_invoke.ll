; Exception handling as clang++ emits it for `try { may_throw(); } catch (...) {}`: an
; invoke, a landing pad and a resume. The Cranelift backend refuses it (build with
; panic=abort / -fno-exceptions); LLVM builds it.

@.fmt = private constant [4 x i8] c"%d\0A\00"

declare i32 @printf(ptr, ...)
declare i32 @__gxx_personality_v0(...)
declare ptr @__cxa_begin_catch(ptr)
declare void @__cxa_end_catch()

define i32 @may_throw(i32 %x) {
  %r = mul i32 %x, 3
  ret i32 %r
}

define i32 @main() personality ptr @__gxx_personality_v0 {
entry:
  %r = invoke i32 @may_throw(i32 14) to label %ok unwind label %lpad

ok:
  %p = call i32 (ptr, ...) @printf(ptr @.fmt, i32 %r)
  ret i32 0

lpad:
  %lp = landingpad { ptr, i32 } cleanup catch ptr null
  %e = extractvalue { ptr, i32 } %lp, 0
  %c = call ptr @__cxa_begin_catch(ptr %e)
  call void @__cxa_end_catch()
  resume { ptr, i32 } %lp
}
