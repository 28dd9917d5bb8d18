; pipeline: always-inline
; LLVM 22.1.8: `opt -passes=always-inline -disable-output` runs for about 80 s and grows to
; 1.1 GB (measured on a busy 2-core machine; with three levels fewer, 2.7 s). Every @fK is
; alwaysinline and calls @fK+1 four times, so inlining is mandatory and @entry grows to 4^11
; (4 million) calls of @sink. `cgscc(inline)` takes about 60 s and 2.3 GB, `default<O2>` about
; 175 s. A small input whose optimisation never ends in practice: a candidate needs a compile
; timeout and a memory limit.
declare void @sink(i32)
define internal void @f0(i32 %x) alwaysinline {
  call void @f1(i32 %x)
  call void @f1(i32 %x)
  call void @f1(i32 %x)
  call void @f1(i32 %x)
  ret void
}
define internal void @f1(i32 %x) alwaysinline {
  call void @f2(i32 %x)
  call void @f2(i32 %x)
  call void @f2(i32 %x)
  call void @f2(i32 %x)
  ret void
}
define internal void @f2(i32 %x) alwaysinline {
  call void @f3(i32 %x)
  call void @f3(i32 %x)
  call void @f3(i32 %x)
  call void @f3(i32 %x)
  ret void
}
define internal void @f3(i32 %x) alwaysinline {
  call void @f4(i32 %x)
  call void @f4(i32 %x)
  call void @f4(i32 %x)
  call void @f4(i32 %x)
  ret void
}
define internal void @f4(i32 %x) alwaysinline {
  call void @f5(i32 %x)
  call void @f5(i32 %x)
  call void @f5(i32 %x)
  call void @f5(i32 %x)
  ret void
}
define internal void @f5(i32 %x) alwaysinline {
  call void @f6(i32 %x)
  call void @f6(i32 %x)
  call void @f6(i32 %x)
  call void @f6(i32 %x)
  ret void
}
define internal void @f6(i32 %x) alwaysinline {
  call void @f7(i32 %x)
  call void @f7(i32 %x)
  call void @f7(i32 %x)
  call void @f7(i32 %x)
  ret void
}
define internal void @f7(i32 %x) alwaysinline {
  call void @f8(i32 %x)
  call void @f8(i32 %x)
  call void @f8(i32 %x)
  call void @f8(i32 %x)
  ret void
}
define internal void @f8(i32 %x) alwaysinline {
  call void @f9(i32 %x)
  call void @f9(i32 %x)
  call void @f9(i32 %x)
  call void @f9(i32 %x)
  ret void
}
define internal void @f9(i32 %x) alwaysinline {
  call void @f10(i32 %x)
  call void @f10(i32 %x)
  call void @f10(i32 %x)
  call void @f10(i32 %x)
  ret void
}
define internal void @f10(i32 %x) alwaysinline {
  call void @f11(i32 %x)
  call void @f11(i32 %x)
  call void @f11(i32 %x)
  call void @f11(i32 %x)
  ret void
}
define internal void @f11(i32 %x) alwaysinline {
  call void @sink(i32 %x)
  ret void
}
define void @entry(i32 %x) {
  call void @f0(i32 %x)
  ret void
}
