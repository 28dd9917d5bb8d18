; rustc's panic=abort modules keep cleanup code that nothing reaches: blocks with `landingpad`
; and `resume` in functions without an `invoke` (`Take::try_fold` at opt-level 0). A block
; that is not reachable from the entry never runs: the GCC backend leaves it out and builds
; the rest, whatever the block holds (here also an `i256` and a `va_arg`, which it refuses
; where they can run), even when it branches into a reachable block with phis. Exception
; handling that can run is refused (tests/data/gcc_refuse_*.ll).

@fmt = private unnamed_addr constant [14 x i8] c"sum %d of %d\0A\00"
@data = global [5 x i32] [i32 3, i32 1, i32 4, i32 1, i32 5]

declare i32 @printf(ptr, ...)
declare i32 @__gcc_personality_v0(...)
declare void @drop(ptr)

define i32 @sum(ptr %p, i64 %n) personality ptr @__gcc_personality_v0 {
start:
  br label %loop

loop:
  %i = phi i64 [ 0, %start ], [ %i1, %loop ], [ %k, %dead.loop ]
  %s = phi i32 [ 0, %start ], [ %s1, %loop ], [ %w, %dead.loop ]
  %q = getelementptr i32, ptr %p, i64 %i
  %x = load i32, ptr %q
  %s1 = add i32 %s, %x
  %i1 = add i64 %i, 1
  %more = icmp ult i64 %i1, %n
  br i1 %more, label %loop, label %exit

cleanup:
  %lp = landingpad { ptr, i32 }
          cleanup
  call void @drop(ptr %p)
  br label %resume

dead.loop:
  %k = phi i64 [ 7, %dead.wide ]
  %w = phi i32 [ %w0, %dead.wide ]
  br label %loop

dead.wide:
  %big = zext i64 %n to i256
  %big2 = mul i256 %big, %big
  %w0 = trunc i256 %big2 to i32
  %va = va_arg ptr %p, i32
  br label %dead.loop

resume:
  resume { ptr, i32 } %lp

exit:
  ret i32 %s1
}

define i32 @main() {
  %r = call i32 @sum(ptr @data, i64 5)
  call i32 (ptr, ...) @printf(ptr @fmt, i32 %r, i32 5)
  ret i32 0
}
