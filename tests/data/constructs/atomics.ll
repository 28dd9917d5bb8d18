; Every atomic instruction form: atomicrmw with each operation, cmpxchg strong and weak,
; volatile and single-thread, fences, atomic loads and stores with every ordering.
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@i = global i32 0, align 4
@l = global i64 0, align 8
@d = global double 0.0, align 8
@p = global ptr null, align 8

define i32 @rmw(i32 %v, double %f, ptr %q) {
  %a = atomicrmw xchg ptr @i, i32 %v seq_cst, align 4
  %b = atomicrmw add ptr @i, i32 1 monotonic, align 4
  %c = atomicrmw sub ptr @i, i32 1 acquire, align 4
  %e = atomicrmw and ptr @i, i32 7 release, align 4
  %g = atomicrmw nand ptr @i, i32 7 acq_rel, align 4
  %h = atomicrmw or ptr @i, i32 8 seq_cst, align 4
  %j = atomicrmw xor ptr @i, i32 8 seq_cst, align 4
  %k = atomicrmw max ptr @i, i32 %v seq_cst, align 4
  %m = atomicrmw min ptr @i, i32 %v seq_cst, align 4
  %n = atomicrmw umax ptr @i, i32 %v seq_cst, align 4
  %o = atomicrmw umin ptr @i, i32 %v seq_cst, align 4
  %r = atomicrmw uinc_wrap ptr @i, i32 %v seq_cst, align 4
  %s = atomicrmw udec_wrap ptr @i, i32 %v seq_cst, align 4
  %t = atomicrmw usub_cond ptr @i, i32 %v seq_cst, align 4
  %u = atomicrmw usub_sat ptr @i, i32 %v seq_cst, align 4
  %fa = atomicrmw fadd ptr @d, double %f seq_cst, align 8
  %fs = atomicrmw fsub ptr @d, double %f seq_cst, align 8
  %fx = atomicrmw fmax ptr @d, double %f seq_cst, align 8
  %fn = atomicrmw fmin ptr @d, double %f seq_cst, align 8
  %fy = atomicrmw fmaximum ptr @d, double %f seq_cst, align 8
  %fz = atomicrmw fminimum ptr @d, double %f seq_cst, align 8
  %px = atomicrmw xchg ptr @p, ptr %q seq_cst, align 8
  %vo = atomicrmw volatile add ptr @l, i64 1 syncscope("singlethread") monotonic, align 8
  %x1 = add i32 %a, %b
  ret i32 %x1
}

define i1 @cas(ptr %q, i64 %old, i64 %new, ptr %pold, ptr %pnew) {
  %s1 = cmpxchg ptr %q, i64 %old, i64 %new seq_cst seq_cst, align 8
  %s2 = cmpxchg weak ptr %q, i64 %old, i64 %new acq_rel acquire, align 8
  %s3 = cmpxchg volatile ptr %q, i64 %old, i64 %new syncscope("singlethread") release monotonic, align 8
  %s4 = cmpxchg weak volatile ptr @p, ptr %pold, ptr %pnew monotonic monotonic, align 8
  %ok = extractvalue { i64, i1 } %s2, 1
  ret i1 %ok
}

define i64 @loads_stores(ptr %q) {
  %a = load atomic i64, ptr %q unordered, align 8
  %b = load atomic i64, ptr %q monotonic, align 8
  %c = load atomic i64, ptr %q acquire, align 8
  %d = load atomic volatile i64, ptr %q seq_cst, align 8
  %e = load atomic i8, ptr %q syncscope("singlethread") acquire, align 1
  %f = load atomic ptr, ptr @p seq_cst, align 8
  %g = load atomic double, ptr @d monotonic, align 8
  store atomic i64 %a, ptr %q unordered, align 8
  store atomic i64 %b, ptr %q monotonic, align 8
  store atomic i64 %c, ptr %q release, align 8
  store atomic volatile i64 %d, ptr %q seq_cst, align 8
  store atomic i8 %e, ptr %q syncscope("singlethread") release, align 1
  store atomic ptr %f, ptr @p seq_cst, align 8
  store atomic double %g, ptr @d monotonic, align 8
  fence acquire
  fence release
  fence acq_rel
  fence seq_cst
  fence syncscope("singlethread") seq_cst
  ret i64 %a
}
