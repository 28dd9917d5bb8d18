; pipeline: function(unify-loop-exits)
; LLVM 22.1.8: `opt -passes='function(unify-loop-exits)' -disable-output` dies with SIGSEGV
; (Value::getName from SplitCallBrEdge, called by UnifyLoopExitsPass::run).
; A linear search whose loop has two exits, one through a switch, as clang emits for
;   int find(const int *a, int n, int key) {
;     for (int i = 0; i < n; i++) { int v = a[i]; if (v == key) return i; }
;     return -1;
;   }
; at -O1 -Xclang -disable-llvm-passes (plus mem2reg): the early return leaves the loop through
; clang's cleanup-destination switch. 16 of the 30 corpus programs, as clang emits them, crash
; this pass.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define i32 @find(ptr %a, i32 %n, i32 %key) {
entry:
  br label %header

header:
  %i = phi i32 [ 0, %entry ], [ %i.next, %latch ]
  %in = icmp slt i32 %i, %n
  br i1 %in, label %body, label %exit

body:
  %idx = sext i32 %i to i64
  %p = getelementptr inbounds i32, ptr %a, i64 %idx
  %v = load i32, ptr %p, align 4
  %found = icmp eq i32 %v, %key
  %dest = zext i1 %found to i32
  switch i32 %dest, label %exit [
    i32 0, label %latch
  ]

latch:
  %i.next = add nsw i32 %i, 1
  br label %header

exit:
  %r = phi i32 [ -1, %header ], [ %i, %body ]
  ret i32 %r
}
