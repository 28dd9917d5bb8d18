; pipeline: function(fix-irreducible)
; LLVM 22.1.8: `opt -passes='function(fix-irreducible)' -verify-each -disable-output` aborts
; (report_fatal_error, SIGABRT) with
;   PHINode should have one entry for each predecessor of its parent basic block!
;   LLVM ERROR: Broken function found after pass "FixIrreduciblePass", compilation aborted!
; (without -verify-each: "LLVM ERROR: Broken module found"). The pass leaves an invalid phi in
; this irreducible cycle {a, b}: two entries from %entry, each block looping on itself. Reduced
; from a C function that jumps into a loop with goto, after function(sroa<modify-cfg>,simplifycfg).
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define i32 @irr(i1 %enter.b, i1 %stay.a, i1 %stay.b, i32 %v) {
entry:
  br i1 %enter.b, label %b, label %a

a:
  br i1 %stay.a, label %a, label %b

b:
  %x = phi i32 [ 1, %a ], [ %v, %entry ], [ %x.next, %b ]
  %x.next = add i32 %x, 1
  br i1 %stay.b, label %b, label %latch

latch:
  %done = icmp sgt i32 %x.next, 100
  br i1 %done, label %exit, label %a

exit:
  ret i32 %x.next
}
