; Every `atomicrmw` operation of LLVM 22 on i8, i16, i32 and i64 (with every ordering and
; the single-thread scope), on float and double (fadd, fsub, fmax, fmin, fmaximum,
; fminimum, xchg) and on pointers (xchg); strong and weak `cmpxchg` (volatile too); atomic
; loads and stores (unordered to seq_cst); fences of every ordering and scope. `main` runs
; each on a grid of operands and prints the value returned and the value left in memory.
; The operations C cannot spell (uinc_wrap, udec_wrap, usub_cond, usub_sat, fmaximum,
; fminimum) are a compare-and-swap loop in the Cranelift backend.

@.int = private constant [14 x i8] c"%s %llx %llx\0A\00"
@.flt = private constant [10 x i8] c"%s %a %a\0A\00"
@.cas = private constant [18 x i8] c"cas %llx %d %llx\0A\00"
@vals = private constant [10 x i64] [i64 0, i64 1, i64 2, i64 127, i64 128, i64 255, i64 32768, i64 4294967295, i64 -9223372036854775808, i64 -1]
@fvals = private constant [8 x double] [double 0.0, double -0.0, double 1.5, double -2.25, double 0x7FF8000000000000, double 0x7FF0000000000000, double 1.0e-310, double 0xFFF0000000000000]

@.n.xchg = private constant [5 x i8] c"xchg\00"
@.n.add = private constant [4 x i8] c"add\00"
@.n.sub = private constant [4 x i8] c"sub\00"
@.n.and = private constant [4 x i8] c"and\00"
@.n.nand = private constant [5 x i8] c"nand\00"
@.n.or = private constant [3 x i8] c"or\00"
@.n.xor = private constant [4 x i8] c"xor\00"
@.n.max = private constant [4 x i8] c"max\00"
@.n.min = private constant [4 x i8] c"min\00"
@.n.umax = private constant [5 x i8] c"umax\00"
@.n.umin = private constant [5 x i8] c"umin\00"
@.n.uinc_wrap = private constant [10 x i8] c"uinc_wrap\00"
@.n.udec_wrap = private constant [10 x i8] c"udec_wrap\00"
@.n.usub_cond = private constant [10 x i8] c"usub_cond\00"
@.n.usub_sat = private constant [9 x i8] c"usub_sat\00"
@.n.fadd = private constant [5 x i8] c"fadd\00"
@.n.fsub = private constant [5 x i8] c"fsub\00"
@.n.fmax = private constant [5 x i8] c"fmax\00"
@.n.fmin = private constant [5 x i8] c"fmin\00"
@.n.fmaximum = private constant [9 x i8] c"fmaximum\00"
@.n.fminimum = private constant [9 x i8] c"fminimum\00"
@.n.fxchg = private constant [6 x i8] c"fxchg\00"

declare i32 @printf(ptr, ...)

define void @show(ptr %name, i64 %old, i64 %new) {
  %r = call i32 (ptr, ...) @printf(ptr @.int, ptr %name, i64 %old, i64 %new)
  ret void
}

define void @fshow(ptr %name, double %old, double %new) {
  %r = call i32 (ptr, ...) @printf(ptr @.flt, ptr %name, double %old, double %new)
  ret void
}

define void @ops8(i64 %a64, i64 %b64) {
  %m = alloca i64, align 8
  %a = trunc i64 %a64 to i8
  %b = trunc i64 %b64 to i8
  store i8 %a, ptr %m, align 8
  %o.xchg = atomicrmw xchg ptr %m, i8 %b seq_cst, align 1
  %n.xchg = load i8, ptr %m, align 8
  %oz.xchg = zext i8 %o.xchg to i64
  %nz.xchg = zext i8 %n.xchg to i64
  call void @show(ptr @.n.xchg, i64 %oz.xchg, i64 %nz.xchg)
  store i8 %a, ptr %m, align 8
  %o.add = atomicrmw add ptr %m, i8 %b acq_rel, align 1
  %n.add = load i8, ptr %m, align 8
  %oz.add = zext i8 %o.add to i64
  %nz.add = zext i8 %n.add to i64
  call void @show(ptr @.n.add, i64 %oz.add, i64 %nz.add)
  store i8 %a, ptr %m, align 8
  %o.sub = atomicrmw volatile sub ptr %m, i8 %b acquire, align 1
  %n.sub = load i8, ptr %m, align 8
  %oz.sub = zext i8 %o.sub to i64
  %nz.sub = zext i8 %n.sub to i64
  call void @show(ptr @.n.sub, i64 %oz.sub, i64 %nz.sub)
  store i8 %a, ptr %m, align 8
  %o.and = atomicrmw and ptr %m, i8 %b syncscope("singlethread") release, align 1
  %n.and = load i8, ptr %m, align 8
  %oz.and = zext i8 %o.and to i64
  %nz.and = zext i8 %n.and to i64
  call void @show(ptr @.n.and, i64 %oz.and, i64 %nz.and)
  store i8 %a, ptr %m, align 8
  %o.nand = atomicrmw nand ptr %m, i8 %b monotonic, align 1
  %n.nand = load i8, ptr %m, align 8
  %oz.nand = zext i8 %o.nand to i64
  %nz.nand = zext i8 %n.nand to i64
  call void @show(ptr @.n.nand, i64 %oz.nand, i64 %nz.nand)
  store i8 %a, ptr %m, align 8
  %o.or = atomicrmw or ptr %m, i8 %b seq_cst, align 1
  %n.or = load i8, ptr %m, align 8
  %oz.or = zext i8 %o.or to i64
  %nz.or = zext i8 %n.or to i64
  call void @show(ptr @.n.or, i64 %oz.or, i64 %nz.or)
  store i8 %a, ptr %m, align 8
  %o.xor = atomicrmw xor ptr %m, i8 %b acq_rel, align 1
  %n.xor = load i8, ptr %m, align 8
  %oz.xor = zext i8 %o.xor to i64
  %nz.xor = zext i8 %n.xor to i64
  call void @show(ptr @.n.xor, i64 %oz.xor, i64 %nz.xor)
  store i8 %a, ptr %m, align 8
  %o.max = atomicrmw volatile max ptr %m, i8 %b syncscope("singlethread") acquire, align 1
  %n.max = load i8, ptr %m, align 8
  %oz.max = zext i8 %o.max to i64
  %nz.max = zext i8 %n.max to i64
  call void @show(ptr @.n.max, i64 %oz.max, i64 %nz.max)
  store i8 %a, ptr %m, align 8
  %o.min = atomicrmw min ptr %m, i8 %b release, align 1
  %n.min = load i8, ptr %m, align 8
  %oz.min = zext i8 %o.min to i64
  %nz.min = zext i8 %n.min to i64
  call void @show(ptr @.n.min, i64 %oz.min, i64 %nz.min)
  store i8 %a, ptr %m, align 8
  %o.umax = atomicrmw umax ptr %m, i8 %b monotonic, align 1
  %n.umax = load i8, ptr %m, align 8
  %oz.umax = zext i8 %o.umax to i64
  %nz.umax = zext i8 %n.umax to i64
  call void @show(ptr @.n.umax, i64 %oz.umax, i64 %nz.umax)
  store i8 %a, ptr %m, align 8
  %o.umin = atomicrmw umin ptr %m, i8 %b seq_cst, align 1
  %n.umin = load i8, ptr %m, align 8
  %oz.umin = zext i8 %o.umin to i64
  %nz.umin = zext i8 %n.umin to i64
  call void @show(ptr @.n.umin, i64 %oz.umin, i64 %nz.umin)
  store i8 %a, ptr %m, align 8
  %o.uinc_wrap = atomicrmw uinc_wrap ptr %m, i8 %b syncscope("singlethread") acq_rel, align 1
  %n.uinc_wrap = load i8, ptr %m, align 8
  %oz.uinc_wrap = zext i8 %o.uinc_wrap to i64
  %nz.uinc_wrap = zext i8 %n.uinc_wrap to i64
  call void @show(ptr @.n.uinc_wrap, i64 %oz.uinc_wrap, i64 %nz.uinc_wrap)
  store i8 %a, ptr %m, align 8
  %o.udec_wrap = atomicrmw volatile udec_wrap ptr %m, i8 %b acquire, align 1
  %n.udec_wrap = load i8, ptr %m, align 8
  %oz.udec_wrap = zext i8 %o.udec_wrap to i64
  %nz.udec_wrap = zext i8 %n.udec_wrap to i64
  call void @show(ptr @.n.udec_wrap, i64 %oz.udec_wrap, i64 %nz.udec_wrap)
  store i8 %a, ptr %m, align 8
  %o.usub_cond = atomicrmw usub_cond ptr %m, i8 %b release, align 1
  %n.usub_cond = load i8, ptr %m, align 8
  %oz.usub_cond = zext i8 %o.usub_cond to i64
  %nz.usub_cond = zext i8 %n.usub_cond to i64
  call void @show(ptr @.n.usub_cond, i64 %oz.usub_cond, i64 %nz.usub_cond)
  store i8 %a, ptr %m, align 8
  %o.usub_sat = atomicrmw usub_sat ptr %m, i8 %b monotonic, align 1
  %n.usub_sat = load i8, ptr %m, align 8
  %oz.usub_sat = zext i8 %o.usub_sat to i64
  %nz.usub_sat = zext i8 %n.usub_sat to i64
  call void @show(ptr @.n.usub_sat, i64 %oz.usub_sat, i64 %nz.usub_sat)
  store i8 %a, ptr %m, align 8
  %c1 = cmpxchg ptr %m, i8 %b, i8 7 seq_cst seq_cst, align 1
  %c1v = extractvalue { i8, i1 } %c1, 0
  %c1o = extractvalue { i8, i1 } %c1, 1
  %c1n = load i8, ptr %m, align 8
  %c1z = zext i8 %c1v to i64
  %c1oz = zext i1 %c1o to i32
  %c1nz = zext i8 %c1n to i64
  %p1 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %c1z, i32 %c1oz, i64 %c1nz)
  br label %weak
weak:
  store i8 %a, ptr %m, align 8
  %c2 = cmpxchg weak volatile ptr %m, i8 %a, i8 %b syncscope("singlethread") acq_rel monotonic, align 1
  %c2o = extractvalue { i8, i1 } %c2, 1
  br i1 %c2o, label %weakdone, label %weak
weakdone:
  %c2v = extractvalue { i8, i1 } %c2, 0
  %c2n = load atomic i8, ptr %m unordered, align 1
  %c2z = zext i8 %c2v to i64
  %c2nz = zext i8 %c2n to i64
  %p2 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %c2z, i32 1, i64 %c2nz)
  store atomic volatile i8 %b, ptr %m release, align 1
  %l3 = load atomic i8, ptr %m acquire, align 1
  store atomic i8 %l3, ptr %m syncscope("singlethread") monotonic, align 1
  %l4 = load atomic volatile i8, ptr %m seq_cst, align 1
  %l4z = zext i8 %l4 to i64
  %p3 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %l4z, i32 2, i64 %l4z)
  ret void
}

define void @ops16(i64 %a64, i64 %b64) {
  %m = alloca i64, align 8
  %a = trunc i64 %a64 to i16
  %b = trunc i64 %b64 to i16
  store i16 %a, ptr %m, align 8
  %o.xchg = atomicrmw xchg ptr %m, i16 %b seq_cst, align 2
  %n.xchg = load i16, ptr %m, align 8
  %oz.xchg = zext i16 %o.xchg to i64
  %nz.xchg = zext i16 %n.xchg to i64
  call void @show(ptr @.n.xchg, i64 %oz.xchg, i64 %nz.xchg)
  store i16 %a, ptr %m, align 8
  %o.add = atomicrmw add ptr %m, i16 %b acq_rel, align 2
  %n.add = load i16, ptr %m, align 8
  %oz.add = zext i16 %o.add to i64
  %nz.add = zext i16 %n.add to i64
  call void @show(ptr @.n.add, i64 %oz.add, i64 %nz.add)
  store i16 %a, ptr %m, align 8
  %o.sub = atomicrmw volatile sub ptr %m, i16 %b acquire, align 2
  %n.sub = load i16, ptr %m, align 8
  %oz.sub = zext i16 %o.sub to i64
  %nz.sub = zext i16 %n.sub to i64
  call void @show(ptr @.n.sub, i64 %oz.sub, i64 %nz.sub)
  store i16 %a, ptr %m, align 8
  %o.and = atomicrmw and ptr %m, i16 %b syncscope("singlethread") release, align 2
  %n.and = load i16, ptr %m, align 8
  %oz.and = zext i16 %o.and to i64
  %nz.and = zext i16 %n.and to i64
  call void @show(ptr @.n.and, i64 %oz.and, i64 %nz.and)
  store i16 %a, ptr %m, align 8
  %o.nand = atomicrmw nand ptr %m, i16 %b monotonic, align 2
  %n.nand = load i16, ptr %m, align 8
  %oz.nand = zext i16 %o.nand to i64
  %nz.nand = zext i16 %n.nand to i64
  call void @show(ptr @.n.nand, i64 %oz.nand, i64 %nz.nand)
  store i16 %a, ptr %m, align 8
  %o.or = atomicrmw or ptr %m, i16 %b seq_cst, align 2
  %n.or = load i16, ptr %m, align 8
  %oz.or = zext i16 %o.or to i64
  %nz.or = zext i16 %n.or to i64
  call void @show(ptr @.n.or, i64 %oz.or, i64 %nz.or)
  store i16 %a, ptr %m, align 8
  %o.xor = atomicrmw xor ptr %m, i16 %b acq_rel, align 2
  %n.xor = load i16, ptr %m, align 8
  %oz.xor = zext i16 %o.xor to i64
  %nz.xor = zext i16 %n.xor to i64
  call void @show(ptr @.n.xor, i64 %oz.xor, i64 %nz.xor)
  store i16 %a, ptr %m, align 8
  %o.max = atomicrmw volatile max ptr %m, i16 %b syncscope("singlethread") acquire, align 2
  %n.max = load i16, ptr %m, align 8
  %oz.max = zext i16 %o.max to i64
  %nz.max = zext i16 %n.max to i64
  call void @show(ptr @.n.max, i64 %oz.max, i64 %nz.max)
  store i16 %a, ptr %m, align 8
  %o.min = atomicrmw min ptr %m, i16 %b release, align 2
  %n.min = load i16, ptr %m, align 8
  %oz.min = zext i16 %o.min to i64
  %nz.min = zext i16 %n.min to i64
  call void @show(ptr @.n.min, i64 %oz.min, i64 %nz.min)
  store i16 %a, ptr %m, align 8
  %o.umax = atomicrmw umax ptr %m, i16 %b monotonic, align 2
  %n.umax = load i16, ptr %m, align 8
  %oz.umax = zext i16 %o.umax to i64
  %nz.umax = zext i16 %n.umax to i64
  call void @show(ptr @.n.umax, i64 %oz.umax, i64 %nz.umax)
  store i16 %a, ptr %m, align 8
  %o.umin = atomicrmw umin ptr %m, i16 %b seq_cst, align 2
  %n.umin = load i16, ptr %m, align 8
  %oz.umin = zext i16 %o.umin to i64
  %nz.umin = zext i16 %n.umin to i64
  call void @show(ptr @.n.umin, i64 %oz.umin, i64 %nz.umin)
  store i16 %a, ptr %m, align 8
  %o.uinc_wrap = atomicrmw uinc_wrap ptr %m, i16 %b syncscope("singlethread") acq_rel, align 2
  %n.uinc_wrap = load i16, ptr %m, align 8
  %oz.uinc_wrap = zext i16 %o.uinc_wrap to i64
  %nz.uinc_wrap = zext i16 %n.uinc_wrap to i64
  call void @show(ptr @.n.uinc_wrap, i64 %oz.uinc_wrap, i64 %nz.uinc_wrap)
  store i16 %a, ptr %m, align 8
  %o.udec_wrap = atomicrmw volatile udec_wrap ptr %m, i16 %b acquire, align 2
  %n.udec_wrap = load i16, ptr %m, align 8
  %oz.udec_wrap = zext i16 %o.udec_wrap to i64
  %nz.udec_wrap = zext i16 %n.udec_wrap to i64
  call void @show(ptr @.n.udec_wrap, i64 %oz.udec_wrap, i64 %nz.udec_wrap)
  store i16 %a, ptr %m, align 8
  %o.usub_cond = atomicrmw usub_cond ptr %m, i16 %b release, align 2
  %n.usub_cond = load i16, ptr %m, align 8
  %oz.usub_cond = zext i16 %o.usub_cond to i64
  %nz.usub_cond = zext i16 %n.usub_cond to i64
  call void @show(ptr @.n.usub_cond, i64 %oz.usub_cond, i64 %nz.usub_cond)
  store i16 %a, ptr %m, align 8
  %o.usub_sat = atomicrmw usub_sat ptr %m, i16 %b monotonic, align 2
  %n.usub_sat = load i16, ptr %m, align 8
  %oz.usub_sat = zext i16 %o.usub_sat to i64
  %nz.usub_sat = zext i16 %n.usub_sat to i64
  call void @show(ptr @.n.usub_sat, i64 %oz.usub_sat, i64 %nz.usub_sat)
  store i16 %a, ptr %m, align 8
  %c1 = cmpxchg ptr %m, i16 %b, i16 7 seq_cst seq_cst, align 2
  %c1v = extractvalue { i16, i1 } %c1, 0
  %c1o = extractvalue { i16, i1 } %c1, 1
  %c1n = load i16, ptr %m, align 8
  %c1z = zext i16 %c1v to i64
  %c1oz = zext i1 %c1o to i32
  %c1nz = zext i16 %c1n to i64
  %p1 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %c1z, i32 %c1oz, i64 %c1nz)
  br label %weak
weak:
  store i16 %a, ptr %m, align 8
  %c2 = cmpxchg weak volatile ptr %m, i16 %a, i16 %b syncscope("singlethread") acq_rel monotonic, align 2
  %c2o = extractvalue { i16, i1 } %c2, 1
  br i1 %c2o, label %weakdone, label %weak
weakdone:
  %c2v = extractvalue { i16, i1 } %c2, 0
  %c2n = load atomic i16, ptr %m unordered, align 2
  %c2z = zext i16 %c2v to i64
  %c2nz = zext i16 %c2n to i64
  %p2 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %c2z, i32 1, i64 %c2nz)
  store atomic volatile i16 %b, ptr %m release, align 2
  %l3 = load atomic i16, ptr %m acquire, align 2
  store atomic i16 %l3, ptr %m syncscope("singlethread") monotonic, align 2
  %l4 = load atomic volatile i16, ptr %m seq_cst, align 2
  %l4z = zext i16 %l4 to i64
  %p3 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %l4z, i32 2, i64 %l4z)
  ret void
}

define void @ops32(i64 %a64, i64 %b64) {
  %m = alloca i64, align 8
  %a = trunc i64 %a64 to i32
  %b = trunc i64 %b64 to i32
  store i32 %a, ptr %m, align 8
  %o.xchg = atomicrmw xchg ptr %m, i32 %b seq_cst, align 4
  %n.xchg = load i32, ptr %m, align 8
  %oz.xchg = zext i32 %o.xchg to i64
  %nz.xchg = zext i32 %n.xchg to i64
  call void @show(ptr @.n.xchg, i64 %oz.xchg, i64 %nz.xchg)
  store i32 %a, ptr %m, align 8
  %o.add = atomicrmw add ptr %m, i32 %b acq_rel, align 4
  %n.add = load i32, ptr %m, align 8
  %oz.add = zext i32 %o.add to i64
  %nz.add = zext i32 %n.add to i64
  call void @show(ptr @.n.add, i64 %oz.add, i64 %nz.add)
  store i32 %a, ptr %m, align 8
  %o.sub = atomicrmw volatile sub ptr %m, i32 %b acquire, align 4
  %n.sub = load i32, ptr %m, align 8
  %oz.sub = zext i32 %o.sub to i64
  %nz.sub = zext i32 %n.sub to i64
  call void @show(ptr @.n.sub, i64 %oz.sub, i64 %nz.sub)
  store i32 %a, ptr %m, align 8
  %o.and = atomicrmw and ptr %m, i32 %b syncscope("singlethread") release, align 4
  %n.and = load i32, ptr %m, align 8
  %oz.and = zext i32 %o.and to i64
  %nz.and = zext i32 %n.and to i64
  call void @show(ptr @.n.and, i64 %oz.and, i64 %nz.and)
  store i32 %a, ptr %m, align 8
  %o.nand = atomicrmw nand ptr %m, i32 %b monotonic, align 4
  %n.nand = load i32, ptr %m, align 8
  %oz.nand = zext i32 %o.nand to i64
  %nz.nand = zext i32 %n.nand to i64
  call void @show(ptr @.n.nand, i64 %oz.nand, i64 %nz.nand)
  store i32 %a, ptr %m, align 8
  %o.or = atomicrmw or ptr %m, i32 %b seq_cst, align 4
  %n.or = load i32, ptr %m, align 8
  %oz.or = zext i32 %o.or to i64
  %nz.or = zext i32 %n.or to i64
  call void @show(ptr @.n.or, i64 %oz.or, i64 %nz.or)
  store i32 %a, ptr %m, align 8
  %o.xor = atomicrmw xor ptr %m, i32 %b acq_rel, align 4
  %n.xor = load i32, ptr %m, align 8
  %oz.xor = zext i32 %o.xor to i64
  %nz.xor = zext i32 %n.xor to i64
  call void @show(ptr @.n.xor, i64 %oz.xor, i64 %nz.xor)
  store i32 %a, ptr %m, align 8
  %o.max = atomicrmw volatile max ptr %m, i32 %b syncscope("singlethread") acquire, align 4
  %n.max = load i32, ptr %m, align 8
  %oz.max = zext i32 %o.max to i64
  %nz.max = zext i32 %n.max to i64
  call void @show(ptr @.n.max, i64 %oz.max, i64 %nz.max)
  store i32 %a, ptr %m, align 8
  %o.min = atomicrmw min ptr %m, i32 %b release, align 4
  %n.min = load i32, ptr %m, align 8
  %oz.min = zext i32 %o.min to i64
  %nz.min = zext i32 %n.min to i64
  call void @show(ptr @.n.min, i64 %oz.min, i64 %nz.min)
  store i32 %a, ptr %m, align 8
  %o.umax = atomicrmw umax ptr %m, i32 %b monotonic, align 4
  %n.umax = load i32, ptr %m, align 8
  %oz.umax = zext i32 %o.umax to i64
  %nz.umax = zext i32 %n.umax to i64
  call void @show(ptr @.n.umax, i64 %oz.umax, i64 %nz.umax)
  store i32 %a, ptr %m, align 8
  %o.umin = atomicrmw umin ptr %m, i32 %b seq_cst, align 4
  %n.umin = load i32, ptr %m, align 8
  %oz.umin = zext i32 %o.umin to i64
  %nz.umin = zext i32 %n.umin to i64
  call void @show(ptr @.n.umin, i64 %oz.umin, i64 %nz.umin)
  store i32 %a, ptr %m, align 8
  %o.uinc_wrap = atomicrmw uinc_wrap ptr %m, i32 %b syncscope("singlethread") acq_rel, align 4
  %n.uinc_wrap = load i32, ptr %m, align 8
  %oz.uinc_wrap = zext i32 %o.uinc_wrap to i64
  %nz.uinc_wrap = zext i32 %n.uinc_wrap to i64
  call void @show(ptr @.n.uinc_wrap, i64 %oz.uinc_wrap, i64 %nz.uinc_wrap)
  store i32 %a, ptr %m, align 8
  %o.udec_wrap = atomicrmw volatile udec_wrap ptr %m, i32 %b acquire, align 4
  %n.udec_wrap = load i32, ptr %m, align 8
  %oz.udec_wrap = zext i32 %o.udec_wrap to i64
  %nz.udec_wrap = zext i32 %n.udec_wrap to i64
  call void @show(ptr @.n.udec_wrap, i64 %oz.udec_wrap, i64 %nz.udec_wrap)
  store i32 %a, ptr %m, align 8
  %o.usub_cond = atomicrmw usub_cond ptr %m, i32 %b release, align 4
  %n.usub_cond = load i32, ptr %m, align 8
  %oz.usub_cond = zext i32 %o.usub_cond to i64
  %nz.usub_cond = zext i32 %n.usub_cond to i64
  call void @show(ptr @.n.usub_cond, i64 %oz.usub_cond, i64 %nz.usub_cond)
  store i32 %a, ptr %m, align 8
  %o.usub_sat = atomicrmw usub_sat ptr %m, i32 %b monotonic, align 4
  %n.usub_sat = load i32, ptr %m, align 8
  %oz.usub_sat = zext i32 %o.usub_sat to i64
  %nz.usub_sat = zext i32 %n.usub_sat to i64
  call void @show(ptr @.n.usub_sat, i64 %oz.usub_sat, i64 %nz.usub_sat)
  store i32 %a, ptr %m, align 8
  %c1 = cmpxchg ptr %m, i32 %b, i32 7 seq_cst seq_cst, align 4
  %c1v = extractvalue { i32, i1 } %c1, 0
  %c1o = extractvalue { i32, i1 } %c1, 1
  %c1n = load i32, ptr %m, align 8
  %c1z = zext i32 %c1v to i64
  %c1oz = zext i1 %c1o to i32
  %c1nz = zext i32 %c1n to i64
  %p1 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %c1z, i32 %c1oz, i64 %c1nz)
  br label %weak
weak:
  store i32 %a, ptr %m, align 8
  %c2 = cmpxchg weak volatile ptr %m, i32 %a, i32 %b syncscope("singlethread") acq_rel monotonic, align 4
  %c2o = extractvalue { i32, i1 } %c2, 1
  br i1 %c2o, label %weakdone, label %weak
weakdone:
  %c2v = extractvalue { i32, i1 } %c2, 0
  %c2n = load atomic i32, ptr %m unordered, align 4
  %c2z = zext i32 %c2v to i64
  %c2nz = zext i32 %c2n to i64
  %p2 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %c2z, i32 1, i64 %c2nz)
  store atomic volatile i32 %b, ptr %m release, align 4
  %l3 = load atomic i32, ptr %m acquire, align 4
  store atomic i32 %l3, ptr %m syncscope("singlethread") monotonic, align 4
  %l4 = load atomic volatile i32, ptr %m seq_cst, align 4
  %l4z = zext i32 %l4 to i64
  %p3 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %l4z, i32 2, i64 %l4z)
  ret void
}

define void @ops64(i64 %a64, i64 %b64) {
  %m = alloca i64, align 8
  %a = add i64 %a64, 0
  %b = add i64 %b64, 0
  store i64 %a, ptr %m, align 8
  %o.xchg = atomicrmw xchg ptr %m, i64 %b seq_cst, align 8
  %n.xchg = load i64, ptr %m, align 8
  call void @show(ptr @.n.xchg, i64 %o.xchg, i64 %n.xchg)
  store i64 %a, ptr %m, align 8
  %o.add = atomicrmw add ptr %m, i64 %b acq_rel, align 8
  %n.add = load i64, ptr %m, align 8
  call void @show(ptr @.n.add, i64 %o.add, i64 %n.add)
  store i64 %a, ptr %m, align 8
  %o.sub = atomicrmw volatile sub ptr %m, i64 %b acquire, align 8
  %n.sub = load i64, ptr %m, align 8
  call void @show(ptr @.n.sub, i64 %o.sub, i64 %n.sub)
  store i64 %a, ptr %m, align 8
  %o.and = atomicrmw and ptr %m, i64 %b syncscope("singlethread") release, align 8
  %n.and = load i64, ptr %m, align 8
  call void @show(ptr @.n.and, i64 %o.and, i64 %n.and)
  store i64 %a, ptr %m, align 8
  %o.nand = atomicrmw nand ptr %m, i64 %b monotonic, align 8
  %n.nand = load i64, ptr %m, align 8
  call void @show(ptr @.n.nand, i64 %o.nand, i64 %n.nand)
  store i64 %a, ptr %m, align 8
  %o.or = atomicrmw or ptr %m, i64 %b seq_cst, align 8
  %n.or = load i64, ptr %m, align 8
  call void @show(ptr @.n.or, i64 %o.or, i64 %n.or)
  store i64 %a, ptr %m, align 8
  %o.xor = atomicrmw xor ptr %m, i64 %b acq_rel, align 8
  %n.xor = load i64, ptr %m, align 8
  call void @show(ptr @.n.xor, i64 %o.xor, i64 %n.xor)
  store i64 %a, ptr %m, align 8
  %o.max = atomicrmw volatile max ptr %m, i64 %b syncscope("singlethread") acquire, align 8
  %n.max = load i64, ptr %m, align 8
  call void @show(ptr @.n.max, i64 %o.max, i64 %n.max)
  store i64 %a, ptr %m, align 8
  %o.min = atomicrmw min ptr %m, i64 %b release, align 8
  %n.min = load i64, ptr %m, align 8
  call void @show(ptr @.n.min, i64 %o.min, i64 %n.min)
  store i64 %a, ptr %m, align 8
  %o.umax = atomicrmw umax ptr %m, i64 %b monotonic, align 8
  %n.umax = load i64, ptr %m, align 8
  call void @show(ptr @.n.umax, i64 %o.umax, i64 %n.umax)
  store i64 %a, ptr %m, align 8
  %o.umin = atomicrmw umin ptr %m, i64 %b seq_cst, align 8
  %n.umin = load i64, ptr %m, align 8
  call void @show(ptr @.n.umin, i64 %o.umin, i64 %n.umin)
  store i64 %a, ptr %m, align 8
  %o.uinc_wrap = atomicrmw uinc_wrap ptr %m, i64 %b syncscope("singlethread") acq_rel, align 8
  %n.uinc_wrap = load i64, ptr %m, align 8
  call void @show(ptr @.n.uinc_wrap, i64 %o.uinc_wrap, i64 %n.uinc_wrap)
  store i64 %a, ptr %m, align 8
  %o.udec_wrap = atomicrmw volatile udec_wrap ptr %m, i64 %b acquire, align 8
  %n.udec_wrap = load i64, ptr %m, align 8
  call void @show(ptr @.n.udec_wrap, i64 %o.udec_wrap, i64 %n.udec_wrap)
  store i64 %a, ptr %m, align 8
  %o.usub_cond = atomicrmw usub_cond ptr %m, i64 %b release, align 8
  %n.usub_cond = load i64, ptr %m, align 8
  call void @show(ptr @.n.usub_cond, i64 %o.usub_cond, i64 %n.usub_cond)
  store i64 %a, ptr %m, align 8
  %o.usub_sat = atomicrmw usub_sat ptr %m, i64 %b monotonic, align 8
  %n.usub_sat = load i64, ptr %m, align 8
  call void @show(ptr @.n.usub_sat, i64 %o.usub_sat, i64 %n.usub_sat)
  store i64 %a, ptr %m, align 8
  %c1 = cmpxchg ptr %m, i64 %b, i64 7 seq_cst seq_cst, align 8
  %c1v = extractvalue { i64, i1 } %c1, 0
  %c1o = extractvalue { i64, i1 } %c1, 1
  %c1n = load i64, ptr %m, align 8
  %c1z = add i64 %c1v, 0
  %c1oz = zext i1 %c1o to i32
  %c1nz = add i64 %c1n, 0
  %p1 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %c1z, i32 %c1oz, i64 %c1nz)
  br label %weak
weak:
  store i64 %a, ptr %m, align 8
  %c2 = cmpxchg weak volatile ptr %m, i64 %a, i64 %b syncscope("singlethread") acq_rel monotonic, align 8
  %c2o = extractvalue { i64, i1 } %c2, 1
  br i1 %c2o, label %weakdone, label %weak
weakdone:
  %c2v = extractvalue { i64, i1 } %c2, 0
  %c2n = load atomic i64, ptr %m unordered, align 8
  %c2z = add i64 %c2v, 0
  %c2nz = add i64 %c2n, 0
  %p2 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %c2z, i32 1, i64 %c2nz)
  store atomic volatile i64 %b, ptr %m release, align 8
  %l3 = load atomic i64, ptr %m acquire, align 8
  store atomic i64 %l3, ptr %m syncscope("singlethread") monotonic, align 8
  %l4 = load atomic volatile i64, ptr %m seq_cst, align 8
  %l4z = add i64 %l4, 0
  %p3 = call i32 (ptr, ...) @printf(ptr @.cas, i64 %l4z, i32 2, i64 %l4z)
  ret void
}

define void @fops_float(double %a64, double %b64) {
  %m = alloca double, align 8
  %a = fptrunc double %a64 to float
  %b = fptrunc double %b64 to float
  store float %a, ptr %m, align 8
  %o.fadd = atomicrmw fadd ptr %m, float %b seq_cst, align 4
  %n.fadd = load float, ptr %m, align 8
  %od.fadd = fpext float %o.fadd to double
  %nd.fadd = fpext float %n.fadd to double
  call void @fshow(ptr @.n.fadd, double %od.fadd, double %nd.fadd)
  store float %a, ptr %m, align 8
  %o.fsub = atomicrmw fsub ptr %m, float %b acq_rel, align 4
  %n.fsub = load float, ptr %m, align 8
  %od.fsub = fpext float %o.fsub to double
  %nd.fsub = fpext float %n.fsub to double
  call void @fshow(ptr @.n.fsub, double %od.fsub, double %nd.fsub)
  store float %a, ptr %m, align 8
  %o.fmax = atomicrmw fmax ptr %m, float %b acquire, align 4
  %n.fmax = load float, ptr %m, align 8
  %od.fmax = fpext float %o.fmax to double
  %nd.fmax = fpext float %n.fmax to double
  call void @fshow(ptr @.n.fmax, double %od.fmax, double %nd.fmax)
  store float %a, ptr %m, align 8
  %o.fmin = atomicrmw fmin ptr %m, float %b release, align 4
  %n.fmin = load float, ptr %m, align 8
  %od.fmin = fpext float %o.fmin to double
  %nd.fmin = fpext float %n.fmin to double
  call void @fshow(ptr @.n.fmin, double %od.fmin, double %nd.fmin)
  store float %a, ptr %m, align 8
  %o.fmaximum = atomicrmw fmaximum ptr %m, float %b monotonic, align 4
  %n.fmaximum = load float, ptr %m, align 8
  %od.fmaximum = fpext float %o.fmaximum to double
  %nd.fmaximum = fpext float %n.fmaximum to double
  call void @fshow(ptr @.n.fmaximum, double %od.fmaximum, double %nd.fmaximum)
  store float %a, ptr %m, align 8
  %o.fminimum = atomicrmw fminimum ptr %m, float %b seq_cst, align 4
  %n.fminimum = load float, ptr %m, align 8
  %od.fminimum = fpext float %o.fminimum to double
  %nd.fminimum = fpext float %n.fminimum to double
  call void @fshow(ptr @.n.fminimum, double %od.fminimum, double %nd.fminimum)
  store float %a, ptr %m, align 8
  %o.fxchg = atomicrmw xchg ptr %m, float %b acq_rel, align 4
  %n.fxchg = load float, ptr %m, align 8
  %od.fxchg = fpext float %o.fxchg to double
  %nd.fxchg = fpext float %n.fxchg to double
  call void @fshow(ptr @.n.fxchg, double %od.fxchg, double %nd.fxchg)
  store atomic float %b, ptr %m seq_cst, align 4
  %l = load atomic float, ptr %m acquire, align 4
  %ld = fpext float %l to double
  call void @fshow(ptr @.n.fxchg, double %ld, double %ld)
  ret void
}

define void @fops_double(double %a64, double %b64) {
  %m = alloca double, align 8
  %a = select i1 true, double %a64, double 0.0
  %b = select i1 true, double %b64, double 0.0
  store double %a, ptr %m, align 8
  %o.fadd = atomicrmw fadd ptr %m, double %b seq_cst, align 8
  %n.fadd = load double, ptr %m, align 8
  call void @fshow(ptr @.n.fadd, double %o.fadd, double %n.fadd)
  store double %a, ptr %m, align 8
  %o.fsub = atomicrmw fsub ptr %m, double %b acq_rel, align 8
  %n.fsub = load double, ptr %m, align 8
  call void @fshow(ptr @.n.fsub, double %o.fsub, double %n.fsub)
  store double %a, ptr %m, align 8
  %o.fmax = atomicrmw fmax ptr %m, double %b acquire, align 8
  %n.fmax = load double, ptr %m, align 8
  call void @fshow(ptr @.n.fmax, double %o.fmax, double %n.fmax)
  store double %a, ptr %m, align 8
  %o.fmin = atomicrmw fmin ptr %m, double %b release, align 8
  %n.fmin = load double, ptr %m, align 8
  call void @fshow(ptr @.n.fmin, double %o.fmin, double %n.fmin)
  store double %a, ptr %m, align 8
  %o.fmaximum = atomicrmw fmaximum ptr %m, double %b monotonic, align 8
  %n.fmaximum = load double, ptr %m, align 8
  call void @fshow(ptr @.n.fmaximum, double %o.fmaximum, double %n.fmaximum)
  store double %a, ptr %m, align 8
  %o.fminimum = atomicrmw fminimum ptr %m, double %b seq_cst, align 8
  %n.fminimum = load double, ptr %m, align 8
  call void @fshow(ptr @.n.fminimum, double %o.fminimum, double %n.fminimum)
  store double %a, ptr %m, align 8
  %o.fxchg = atomicrmw xchg ptr %m, double %b acq_rel, align 8
  %n.fxchg = load double, ptr %m, align 8
  call void @fshow(ptr @.n.fxchg, double %o.fxchg, double %n.fxchg)
  store atomic double %b, ptr %m seq_cst, align 8
  %l = load atomic double, ptr %m acquire, align 8
  call void @fshow(ptr @.n.fxchg, double %l, double %l)
  ret void
}

define void @pointers() {
  %m = alloca ptr, align 8
  store ptr @vals, ptr %m, align 8
  %o = atomicrmw xchg ptr %m, ptr @fvals seq_cst, align 8
  %c = cmpxchg ptr %m, ptr @fvals, ptr null acq_rel acquire, align 8
  %l = load atomic ptr, ptr %m seq_cst, align 8
  %ok1 = icmp eq ptr %o, @vals
  %ok2 = extractvalue { ptr, i1 } %c, 1
  %ok3 = icmp eq ptr %l, null
  %a = and i1 %ok1, %ok2
  %b = and i1 %a, %ok3
  %bz = zext i1 %b to i64
  call void @show(ptr @.n.xchg, i64 %bz, i64 %bz)
  ret void
}

define void @fences() {
  fence acquire
  fence release
  fence acq_rel
  fence seq_cst
  fence syncscope("singlethread") acquire
  fence syncscope("singlethread") release
  fence syncscope("singlethread") acq_rel
  fence syncscope("singlethread") seq_cst
  ret void
}

define i32 @main() {
entry:
  call void @fences()
  call void @pointers()
  br label %outer

outer:
  %i = phi i64 [ 0, %entry ], [ %i1, %outer.next ]
  %pa = getelementptr [10 x i64], ptr @vals, i64 0, i64 %i
  %a = load i64, ptr %pa, align 8
  br label %inner

inner:
  %j = phi i64 [ 0, %outer ], [ %j1, %inner ]
  %pb = getelementptr [10 x i64], ptr @vals, i64 0, i64 %j
  %b = load i64, ptr %pb, align 8
  call void @ops8(i64 %a, i64 %b)
  call void @ops16(i64 %a, i64 %b)
  call void @ops32(i64 %a, i64 %b)
  call void @ops64(i64 %a, i64 %b)
  %j1 = add i64 %j, 1
  %jd = icmp eq i64 %j1, 10
  br i1 %jd, label %outer.next, label %inner

outer.next:
  %i1 = add i64 %i, 1
  %id = icmp eq i64 %i1, 10
  br i1 %id, label %floats, label %outer

floats:
  %x = phi i64 [ 0, %outer.next ], [ %x1, %floats ]
  %px = getelementptr [8 x double], ptr @fvals, i64 0, i64 %x
  %fa = load double, ptr %px, align 8
  %y = urem i64 %x, 3
  %y2 = add i64 %x, %y
  %y3 = urem i64 %y2, 8
  %py = getelementptr [8 x double], ptr @fvals, i64 0, i64 %y3
  %fb = load double, ptr %py, align 8
  call void @fops_float(double %fa, double %fb)
  call void @fops_double(double %fa, double %fb)
  call void @fops_float(double %fb, double %fa)
  call void @fops_double(double %fb, double %fa)
  %x1 = add i64 %x, 1
  %xd = icmp eq i64 %x1, 8
  br i1 %xd, label %done, label %floats

done:
  ret i32 0
}
