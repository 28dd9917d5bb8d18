; Itanium exception handling: invoke, landingpad with cleanup, catch and filter clauses,
; resume, personality functions; an invoke whose result is used past its normal edge, one
; into a phi, and an invoke of inline assembly that may unwind.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@_ZTIi = external constant ptr
@_ZTIc = external constant ptr

declare i32 @__gxx_personality_v0(...)
declare i32 @may_throw(i32)
declare void @cleanup_fn()
declare ptr @__cxa_begin_catch(ptr)
declare void @__cxa_end_catch()
declare void @_Unwind_Resume(ptr)
declare void @__cxa_call_terminate(ptr)

define i32 @f(i32 %x) personality ptr @__gxx_personality_v0 {
entry:
  %r = invoke i32 @may_throw(i32 %x)
          to label %ok unwind label %lpad

ok:
  %r2 = invoke i32 @may_throw(i32 %r)
          to label %join unwind label %lpad2

join:
  %v = phi i32 [ %r2, %ok ], [ 0, %caught ]
  %s = add i32 %v, %r
  ret i32 %v

lpad:
  %lp = landingpad { ptr, i32 }
          cleanup
          catch ptr @_ZTIi
          catch ptr null
          filter [2 x ptr] [ptr @_ZTIi, ptr @_ZTIc]
  call void @cleanup_fn()
  resume { ptr, i32 } %lp

lpad2:
  %lp2 = landingpad { ptr, i32 }
          catch ptr @_ZTIi
  %e = extractvalue { ptr, i32 } %lp2, 0
  %c = call ptr @__cxa_begin_catch(ptr %e)
  call void @__cxa_end_catch()
  br label %caught

caught:
  br label %join
}

define void @g() personality ptr @__gxx_personality_v0 {
entry:
  invoke void asm sideeffect unwind "call cleanup_fn", "~{dirflag},~{fpsr},~{flags}"()
          to label %done unwind label %term

done:
  ret void

term:
  %lp = landingpad { ptr, i32 }
          filter [0 x ptr] zeroinitializer
  %e = extractvalue { ptr, i32 } %lp, 0
  call void @__cxa_call_terminate(ptr %e)
  unreachable
}
