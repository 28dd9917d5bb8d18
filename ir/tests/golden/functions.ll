$group = comdat largest

declare void @plain()

declare i32 @printf(ptr, ...)

declare void @only_varargs(...)

declare extern_weak i64 @weak_fn(i64, double)

define internal fastcc noundef signext i32 @internal_fast(i32 noundef %x, ptr noalias writeonly align 8 %out) unnamed_addr nounwind "frame-pointer"="all" section ".text.hot" comdat($group) align 16 {
0:
  ret i32 %x
}

define hidden coldcc void @cold_cc() local_unnamed_addr {
0:
  ret void
}

define hidden cc 64 void @numbered_cc() local_unnamed_addr {
0:
  ret void
}

define linkonce_odr dso_local void @linkonce_odr_fn() {
0:
  ret void
}

define void @"variadic def"(i32 %0, ...) {
1:
  ret void
}
