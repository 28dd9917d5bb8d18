; Thread-local globals of every model, comdats of every kind, aliases (of a global, of a
; function, into a global, of an alias, thread-local).
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

$inl = comdat any
$big = comdat largest
$nd = comdat nodeduplicate
$ex = comdat exactmatch
$ss = comdat samesize
$group = comdat any

@tls_gd = thread_local global i32 1, align 4
@tls_ld = internal thread_local(localdynamic) global i32 2, align 4
@tls_ie = thread_local(initialexec) global i64 3, align 8
@tls_le = thread_local(localexec) global i8 4, align 1
@tls_ext = external thread_local global i32, align 4
@big = linkonce_odr global [4 x i32] zeroinitializer, comdat, align 16
@nd = global i32 5, comdat, align 4
@ex = weak_odr global i32 6, comdat, align 4
@ss = weak global i32 7, comdat, align 4
@member = linkonce_odr global i32 8, comdat($group), align 4
@arr = global [4 x i32] [i32 1, i32 2, i32 3, i32 4], align 16

@a_global = alias i32, ptr @nd
@a_fn = alias i32 (), ptr @inl
@a_gep = internal alias i32, getelementptr inbounds ([4 x i32], ptr @arr, i64 0, i64 2)
@a_alias = weak alias i32, ptr @a_global
@a_tls = thread_local alias i32, ptr @tls_gd
@a_hidden = hidden alias i32, ptr @nd

define linkonce_odr i32 @inl() comdat {
  %p = call ptr @llvm.threadlocal.address.p0(ptr @tls_gd)
  %x = load i32, ptr %p, align 4
  %q = call ptr @llvm.threadlocal.address.p0(ptr @tls_ext)
  %y = load i32, ptr %q, align 4
  %z = add i32 %x, %y
  ret i32 %z
}

define linkonce_odr void @member_fn() comdat($group) {
  ret void
}

define i32 @use() {
  %a = load i32, ptr @a_gep, align 4
  %b = call i32 @a_fn()
  %c = load i32, ptr @a_alias, align 4
  %d = add i32 %a, %b
  %e = add i32 %d, %c
  ret i32 %e
}

declare ptr @llvm.threadlocal.address.p0(ptr)
