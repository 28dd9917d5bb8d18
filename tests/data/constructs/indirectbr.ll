; Computed goto: block addresses in a global table and in the function, indirectbr.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@table = private unnamed_addr constant [3 x ptr] [ptr blockaddress(@interp, %inc), ptr blockaddress(@interp, %dec), ptr blockaddress(@interp, %halt)], align 16

define i32 @interp(ptr %code) {
entry:
  %op0 = load i8, ptr %code, align 1
  %i0 = zext i8 %op0 to i64
  %slot0 = getelementptr inbounds [3 x ptr], ptr @table, i64 0, i64 %i0
  %t0 = load ptr, ptr %slot0, align 8
  br label %dispatch

dispatch:
  %pc = phi ptr [ %code, %entry ], [ %next, %inc ], [ %next2, %dec ]
  %acc = phi i32 [ 0, %entry ], [ %acc1, %inc ], [ %acc2, %dec ]
  %target = phi ptr [ %t0, %entry ], [ %tn, %inc ], [ %tn2, %dec ]
  indirectbr ptr %target, [label %inc, label %dec, label %halt]

inc:
  %acc1 = add i32 %acc, 1
  %next = getelementptr inbounds i8, ptr %pc, i64 1
  %op1 = load i8, ptr %next, align 1
  %i1 = zext i8 %op1 to i64
  %slot1 = getelementptr inbounds [3 x ptr], ptr @table, i64 0, i64 %i1
  %tn = load ptr, ptr %slot1, align 8
  br label %dispatch

dec:
  %acc2 = sub i32 %acc, 1
  %next2 = getelementptr inbounds i8, ptr %pc, i64 1
  %same = icmp eq ptr %target, blockaddress(@interp, %dec)
  %tn2 = select i1 %same, ptr blockaddress(@interp, %halt), ptr blockaddress(@interp, %inc)
  br label %dispatch

halt:
  ret i32 %acc
}
