; ModuleID = 'header.c'
source_filename = "src/header \22quoted\22.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

%struct.Line = type { %struct.Point, %struct.Point }
%struct.Point = type { i32, i32 }
%struct.Opaque = type opaque
%struct.Packed = type <{ i8, i32 }>
%"struct.with space" = type {}
%union.OnlyConst = type { i64 }
%struct.OnlyByval = type { float }
%struct.OnlyAlloca = type { double }
%struct.OnlyGep = type { i8, [3 x i64] }
%struct.OnlyCall = type { ptr }

@line = global %struct.Line zeroinitializer
@handle = external global %struct.Opaque
@p = global %struct.Packed <{ i8 1, i32 2 }>
@q = global %"struct.with space" {}
@offset = global ptr getelementptr inbounds (%union.OnlyConst, ptr @line, i64 0, i32 0)

declare void @use_byval(ptr byval(%struct.OnlyByval) align 4)

define i32 @walk(ptr %0) {
entry:
  %1 = alloca %struct.OnlyAlloca, align 8
  %2 = getelementptr inbounds %struct.OnlyGep, ptr %1, i64 0, i32 1, i64 2
  %3 = call %struct.OnlyCall %0(ptr %2)
  %4 = load i32, ptr %0, align 4
  ret i32 %4
}
