; pipeline: function(loop(loop-bound-split))
; LLVM 22.1.8: `opt -passes='function(loop(loop-bound-split))' -disable-output` dies with
; SIGSEGV in LoopBoundSplitPass::run.
; The second loop has no induction variable of its own: its exit condition compares against
; the first loop's counter (an add recurrence of another loop). Reduced from lz_compress.c
; after default<O2>; random pipelines hit it on about 1% of O2-optimised corpus programs.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define void @f(i64 %n) {
entry:
  br label %first

first:
  %i = phi i64 [ 0, %entry ], [ %i.next, %first ]
  %i.next = add i64 %i, 1
  %more = icmp ult i64 %i.next, %n
  br i1 %more, label %first, label %second

second:
  %stop = icmp ugt i64 %n, %i
  br i1 %stop, label %exit, label %second

exit:
  ret void
}
