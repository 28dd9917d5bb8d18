; getelementptr on vectors of pointers, as LLVM's SLP vectorizer leaves it (SQLite's VDBE at
; clang -O2): a scalar base with a vector of indices, a vector of bases with a scalar index,
; a struct field chosen by a splat of constants, a constant index that differs by lane, and
; `zeroinitializer`. Every address is loaded through and printed.

%pair = type { i32, i64 }

@ints = private constant [8 x i32] [i32 10, i32 11, i32 12, i32 13, i32 14, i32 15, i32 16, i32 17]
@pairs = private constant [3 x %pair] [%pair { i32 1, i64 100 }, %pair { i32 2, i64 200 }, %pair { i32 3, i64 300 }]
@fmt = private unnamed_addr constant [15 x i8] c"%d %d %ld %ld\0A\00"
@fmt2 = private unnamed_addr constant [10 x i8] c"%d %d %d\0A\00"

declare i32 @printf(ptr, ...)

define i32 @main() {
entry:
  ; Indices not known at compile time.
  %two = add i64 0, 2
  %five = add i64 0, 5
  %i0 = insertelement <2 x i64> poison, i64 %two, i32 0
  %idx = insertelement <2 x i64> %i0, i64 %five, i32 1
  ; A scalar base, a vector of indices.
  %p = getelementptr inbounds i32, ptr @ints, <2 x i64> %idx
  %p0 = extractelement <2 x ptr> %p, i32 0
  %p1 = extractelement <2 x ptr> %p, i32 1
  %v0 = load i32, ptr %p0
  %v1 = load i32, ptr %p1
  ; A vector of bases, a scalar index, then a struct field by a splat.
  %b0 = insertelement <2 x ptr> poison, ptr @pairs, i32 0
  %bases = insertelement <2 x ptr> %b0, ptr getelementptr (%pair, ptr @pairs, i64 1), i32 1
  %q = getelementptr %pair, <2 x ptr> %bases, i64 1, <2 x i32> <i32 1, i32 1>
  %q0 = extractelement <2 x ptr> %q, i32 0
  %q1 = extractelement <2 x ptr> %q, i32 1
  %w0 = load i64, ptr %q0
  %w1 = load i64, ptr %q1
  call i32 (ptr, ...) @printf(ptr @fmt, i32 %v0, i32 %v1, i64 %w0, i64 %w1)
  ; A constant index that differs by lane, and zeroinitializer.
  %r = getelementptr i32, ptr @ints, <3 x i64> <i64 7, i64 0, i64 3>
  %z = getelementptr i32, <3 x ptr> %r, <3 x i64> zeroinitializer
  %r0 = extractelement <3 x ptr> %z, i32 0
  %r1 = extractelement <3 x ptr> %z, i32 1
  %r2 = extractelement <3 x ptr> %z, i32 2
  %x0 = load i32, ptr %r0
  %x1 = load i32, ptr %r1
  %x2 = load i32, ptr %r2
  call i32 (ptr, ...) @printf(ptr @fmt2, i32 %x0, i32 %x1, i32 %x2)
  ret i32 0
}
