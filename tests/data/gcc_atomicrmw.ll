; Every atomicrmw operation: the integer ones on i8, i16, i32 and i64, the float ones on float
; and double, at every ordering, some volatile or singlethread, on pairs of values from a
; table; what each returns and leaves in memory is printed.

@fmt.int = private unnamed_addr constant [36 x i8] c"%-10s i%-2d %llx %llx -> %llx %llx\0A\00"
@fmt.float = private unnamed_addr constant [27 x i8] c"%-10s %-6s %a %a -> %a %a\0A\00"
@name.add = private unnamed_addr constant [4 x i8] c"add\00"
@name.and = private unnamed_addr constant [4 x i8] c"and\00"
@name.fadd = private unnamed_addr constant [5 x i8] c"fadd\00"
@name.fmax = private unnamed_addr constant [5 x i8] c"fmax\00"
@name.fmaximum = private unnamed_addr constant [9 x i8] c"fmaximum\00"
@name.fmin = private unnamed_addr constant [5 x i8] c"fmin\00"
@name.fminimum = private unnamed_addr constant [9 x i8] c"fminimum\00"
@name.fsub = private unnamed_addr constant [5 x i8] c"fsub\00"
@name.max = private unnamed_addr constant [4 x i8] c"max\00"
@name.min = private unnamed_addr constant [4 x i8] c"min\00"
@name.nand = private unnamed_addr constant [5 x i8] c"nand\00"
@name.or = private unnamed_addr constant [3 x i8] c"or\00"
@name.sub = private unnamed_addr constant [4 x i8] c"sub\00"
@name.udec_wrap = private unnamed_addr constant [10 x i8] c"udec_wrap\00"
@name.uinc_wrap = private unnamed_addr constant [10 x i8] c"uinc_wrap\00"
@name.umax = private unnamed_addr constant [5 x i8] c"umax\00"
@name.umin = private unnamed_addr constant [5 x i8] c"umin\00"
@name.usub_cond = private unnamed_addr constant [10 x i8] c"usub_cond\00"
@name.usub_sat = private unnamed_addr constant [9 x i8] c"usub_sat\00"
@name.xchg = private unnamed_addr constant [5 x i8] c"xchg\00"
@name.xor = private unnamed_addr constant [4 x i8] c"xor\00"
@name.float = private unnamed_addr constant [6 x i8] c"float\00"
@name.double = private unnamed_addr constant [7 x i8] c"double\00"
@vals.i8 = private constant [7 x i8] [i8 0, i8 1, i8 2, i8 127, i8 -128, i8 -1, i8 53]
@vals.i16 = private constant [6 x i16] [i16 0, i16 1, i16 32767, i16 -32768, i16 -1, i16 4660]
@vals.i32 = private constant [6 x i32] [i32 0, i32 1, i32 5, i32 2147483647, i32 -2147483648, i32 -1]
@vals.i64 = private constant [6 x i64] [i64 0, i64 1, i64 9223372036854775807, i64 -9223372036854775808, i64 -1, i64 4886718345]
@vals.double = private constant [8 x double] [double 0.0, double -0.0, double 1.5, double -2.25, double 0x7FF0000000000000, double 0xFFF0000000000000, double 0x7FF8000000000000, double 0x4770000000000000]
@vals.float = private constant [8 x float] [float 0.0, float -0.0, float 1.5, float -2.25, float 0x7FF0000000000000, float 0xFFF0000000000000, float 0x7FF8000000000000, float 0x4770000000000000]

declare i32 @printf(ptr, ...)

define i8 @xchg.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw xchg ptr %p, i8 %v monotonic, align 1
  ret i8 %old
}

define i8 @add.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw add ptr %p, i8 %v acquire, align 1
  ret i8 %old
}

define i8 @sub.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw volatile sub ptr %p, i8 %v release, align 1
  ret i8 %old
}

define i8 @and.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw and ptr %p, i8 %v syncscope("singlethread") acq_rel, align 1
  ret i8 %old
}

define i8 @nand.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw nand ptr %p, i8 %v seq_cst, align 1
  ret i8 %old
}

define i8 @or.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw volatile or ptr %p, i8 %v monotonic, align 1
  ret i8 %old
}

define i8 @xor.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw xor ptr %p, i8 %v acquire, align 1
  ret i8 %old
}

define i8 @max.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw max ptr %p, i8 %v syncscope("singlethread") release, align 1
  ret i8 %old
}

define i8 @min.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw volatile min ptr %p, i8 %v acq_rel, align 1
  ret i8 %old
}

define i8 @umax.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw umax ptr %p, i8 %v seq_cst, align 1
  ret i8 %old
}

define i8 @umin.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw umin ptr %p, i8 %v monotonic, align 1
  ret i8 %old
}

define i8 @uinc_wrap.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw volatile uinc_wrap ptr %p, i8 %v syncscope("singlethread") acquire, align 1
  ret i8 %old
}

define i8 @udec_wrap.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw udec_wrap ptr %p, i8 %v release, align 1
  ret i8 %old
}

define i8 @usub_cond.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw usub_cond ptr %p, i8 %v acq_rel, align 1
  ret i8 %old
}

define i8 @usub_sat.i8(ptr %p, i8 %v) noinline {
  %old = atomicrmw volatile usub_sat ptr %p, i8 %v seq_cst, align 1
  ret i8 %old
}

define i16 @xchg.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw xchg ptr %p, i16 %v syncscope("singlethread") monotonic, align 2
  ret i16 %old
}

define i16 @add.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw add ptr %p, i16 %v acquire, align 2
  ret i16 %old
}

define i16 @sub.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw volatile sub ptr %p, i16 %v release, align 2
  ret i16 %old
}

define i16 @and.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw and ptr %p, i16 %v acq_rel, align 2
  ret i16 %old
}

define i16 @nand.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw nand ptr %p, i16 %v syncscope("singlethread") seq_cst, align 2
  ret i16 %old
}

define i16 @or.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw volatile or ptr %p, i16 %v monotonic, align 2
  ret i16 %old
}

define i16 @xor.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw xor ptr %p, i16 %v acquire, align 2
  ret i16 %old
}

define i16 @max.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw max ptr %p, i16 %v release, align 2
  ret i16 %old
}

define i16 @min.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw volatile min ptr %p, i16 %v syncscope("singlethread") acq_rel, align 2
  ret i16 %old
}

define i16 @umax.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw umax ptr %p, i16 %v seq_cst, align 2
  ret i16 %old
}

define i16 @umin.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw umin ptr %p, i16 %v monotonic, align 2
  ret i16 %old
}

define i16 @uinc_wrap.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw volatile uinc_wrap ptr %p, i16 %v acquire, align 2
  ret i16 %old
}

define i16 @udec_wrap.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw udec_wrap ptr %p, i16 %v syncscope("singlethread") release, align 2
  ret i16 %old
}

define i16 @usub_cond.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw usub_cond ptr %p, i16 %v acq_rel, align 2
  ret i16 %old
}

define i16 @usub_sat.i16(ptr %p, i16 %v) noinline {
  %old = atomicrmw volatile usub_sat ptr %p, i16 %v seq_cst, align 2
  ret i16 %old
}

define i32 @xchg.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw xchg ptr %p, i32 %v monotonic, align 4
  ret i32 %old
}

define i32 @add.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw add ptr %p, i32 %v syncscope("singlethread") acquire, align 4
  ret i32 %old
}

define i32 @sub.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw volatile sub ptr %p, i32 %v release, align 4
  ret i32 %old
}

define i32 @and.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw and ptr %p, i32 %v acq_rel, align 4
  ret i32 %old
}

define i32 @nand.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw nand ptr %p, i32 %v seq_cst, align 4
  ret i32 %old
}

define i32 @or.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw volatile or ptr %p, i32 %v syncscope("singlethread") monotonic, align 4
  ret i32 %old
}

define i32 @xor.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw xor ptr %p, i32 %v acquire, align 4
  ret i32 %old
}

define i32 @max.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw max ptr %p, i32 %v release, align 4
  ret i32 %old
}

define i32 @min.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw volatile min ptr %p, i32 %v acq_rel, align 4
  ret i32 %old
}

define i32 @umax.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw umax ptr %p, i32 %v syncscope("singlethread") seq_cst, align 4
  ret i32 %old
}

define i32 @umin.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw umin ptr %p, i32 %v monotonic, align 4
  ret i32 %old
}

define i32 @uinc_wrap.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw volatile uinc_wrap ptr %p, i32 %v acquire, align 4
  ret i32 %old
}

define i32 @udec_wrap.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw udec_wrap ptr %p, i32 %v release, align 4
  ret i32 %old
}

define i32 @usub_cond.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw usub_cond ptr %p, i32 %v syncscope("singlethread") acq_rel, align 4
  ret i32 %old
}

define i32 @usub_sat.i32(ptr %p, i32 %v) noinline {
  %old = atomicrmw volatile usub_sat ptr %p, i32 %v seq_cst, align 4
  ret i32 %old
}

define i64 @xchg.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw xchg ptr %p, i64 %v monotonic, align 8
  ret i64 %old
}

define i64 @add.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw add ptr %p, i64 %v acquire, align 8
  ret i64 %old
}

define i64 @sub.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw volatile sub ptr %p, i64 %v syncscope("singlethread") release, align 8
  ret i64 %old
}

define i64 @and.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw and ptr %p, i64 %v acq_rel, align 8
  ret i64 %old
}

define i64 @nand.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw nand ptr %p, i64 %v seq_cst, align 8
  ret i64 %old
}

define i64 @or.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw volatile or ptr %p, i64 %v monotonic, align 8
  ret i64 %old
}

define i64 @xor.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw xor ptr %p, i64 %v syncscope("singlethread") acquire, align 8
  ret i64 %old
}

define i64 @max.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw max ptr %p, i64 %v release, align 8
  ret i64 %old
}

define i64 @min.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw volatile min ptr %p, i64 %v acq_rel, align 8
  ret i64 %old
}

define i64 @umax.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw umax ptr %p, i64 %v seq_cst, align 8
  ret i64 %old
}

define i64 @umin.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw umin ptr %p, i64 %v syncscope("singlethread") monotonic, align 8
  ret i64 %old
}

define i64 @uinc_wrap.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw volatile uinc_wrap ptr %p, i64 %v acquire, align 8
  ret i64 %old
}

define i64 @udec_wrap.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw udec_wrap ptr %p, i64 %v release, align 8
  ret i64 %old
}

define i64 @usub_cond.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw usub_cond ptr %p, i64 %v acq_rel, align 8
  ret i64 %old
}

define i64 @usub_sat.i64(ptr %p, i64 %v) noinline {
  %old = atomicrmw volatile usub_sat ptr %p, i64 %v syncscope("singlethread") seq_cst, align 8
  ret i64 %old
}

define float @xchg.float(ptr %p, float %v) noinline {
  %old = atomicrmw xchg ptr %p, float %v monotonic
  ret float %old
}

define float @fadd.float(ptr %p, float %v) noinline {
  %old = atomicrmw fadd ptr %p, float %v acquire
  ret float %old
}

define float @fsub.float(ptr %p, float %v) noinline {
  %old = atomicrmw fsub ptr %p, float %v release
  ret float %old
}

define float @fmax.float(ptr %p, float %v) noinline {
  %old = atomicrmw fmax ptr %p, float %v acq_rel
  ret float %old
}

define float @fmin.float(ptr %p, float %v) noinline {
  %old = atomicrmw fmin ptr %p, float %v seq_cst
  ret float %old
}

define float @fmaximum.float(ptr %p, float %v) noinline {
  %old = atomicrmw fmaximum ptr %p, float %v monotonic
  ret float %old
}

define float @fminimum.float(ptr %p, float %v) noinline {
  %old = atomicrmw fminimum ptr %p, float %v acquire
  ret float %old
}

define double @xchg.double(ptr %p, double %v) noinline {
  %old = atomicrmw xchg ptr %p, double %v release
  ret double %old
}

define double @fadd.double(ptr %p, double %v) noinline {
  %old = atomicrmw fadd ptr %p, double %v acq_rel
  ret double %old
}

define double @fsub.double(ptr %p, double %v) noinline {
  %old = atomicrmw fsub ptr %p, double %v seq_cst
  ret double %old
}

define double @fmax.double(ptr %p, double %v) noinline {
  %old = atomicrmw fmax ptr %p, double %v monotonic
  ret double %old
}

define double @fmin.double(ptr %p, double %v) noinline {
  %old = atomicrmw fmin ptr %p, double %v acquire
  ret double %old
}

define double @fmaximum.double(ptr %p, double %v) noinline {
  %old = atomicrmw fmaximum ptr %p, double %v release
  ret double %old
}

define double @fminimum.double(ptr %p, double %v) noinline {
  %old = atomicrmw fminimum ptr %p, double %v acq_rel
  ret double %old
}

define void @test.i8(ptr %f, ptr %name) {
entry:
  %cell = alloca i8, align 8
  br label %outer
outer:
  %i = phi i64 [0, %entry], [%i1, %outer.next]
  br label %inner
inner:
  %j = phi i64 [0, %outer], [%j1, %inner]
  %pa = getelementptr [7 x i8], ptr @vals.i8, i64 0, i64 %i
  %a = load i8, ptr %pa
  %pb = getelementptr [7 x i8], ptr @vals.i8, i64 0, i64 %j
  %b = load i8, ptr %pb
  store i8 %a, ptr %cell
  %old = call i8 %f(ptr %cell, i8 %b)
  %new = load i8, ptr %cell
  %az = zext i8 %a to i64
  %bz = zext i8 %b to i64
  %oldz = zext i8 %old to i64
  %newz = zext i8 %new to i64
  call i32 (ptr, ...) @printf(ptr @fmt.int, ptr %name, i32 8, i64 %az, i64 %bz, i64 %oldz, i64 %newz)
  %j1 = add i64 %j, 1
  %jd = icmp eq i64 %j1, 7
  br i1 %jd, label %outer.next, label %inner
outer.next:
  %i1 = add i64 %i, 1
  %id = icmp eq i64 %i1, 7
  br i1 %id, label %done, label %outer
done:
  ret void
}

define void @test.i16(ptr %f, ptr %name) {
entry:
  %cell = alloca i16, align 8
  br label %outer
outer:
  %i = phi i64 [0, %entry], [%i1, %outer.next]
  br label %inner
inner:
  %j = phi i64 [0, %outer], [%j1, %inner]
  %pa = getelementptr [6 x i16], ptr @vals.i16, i64 0, i64 %i
  %a = load i16, ptr %pa
  %pb = getelementptr [6 x i16], ptr @vals.i16, i64 0, i64 %j
  %b = load i16, ptr %pb
  store i16 %a, ptr %cell
  %old = call i16 %f(ptr %cell, i16 %b)
  %new = load i16, ptr %cell
  %az = zext i16 %a to i64
  %bz = zext i16 %b to i64
  %oldz = zext i16 %old to i64
  %newz = zext i16 %new to i64
  call i32 (ptr, ...) @printf(ptr @fmt.int, ptr %name, i32 16, i64 %az, i64 %bz, i64 %oldz, i64 %newz)
  %j1 = add i64 %j, 1
  %jd = icmp eq i64 %j1, 6
  br i1 %jd, label %outer.next, label %inner
outer.next:
  %i1 = add i64 %i, 1
  %id = icmp eq i64 %i1, 6
  br i1 %id, label %done, label %outer
done:
  ret void
}

define void @test.i32(ptr %f, ptr %name) {
entry:
  %cell = alloca i32, align 8
  br label %outer
outer:
  %i = phi i64 [0, %entry], [%i1, %outer.next]
  br label %inner
inner:
  %j = phi i64 [0, %outer], [%j1, %inner]
  %pa = getelementptr [6 x i32], ptr @vals.i32, i64 0, i64 %i
  %a = load i32, ptr %pa
  %pb = getelementptr [6 x i32], ptr @vals.i32, i64 0, i64 %j
  %b = load i32, ptr %pb
  store i32 %a, ptr %cell
  %old = call i32 %f(ptr %cell, i32 %b)
  %new = load i32, ptr %cell
  %az = zext i32 %a to i64
  %bz = zext i32 %b to i64
  %oldz = zext i32 %old to i64
  %newz = zext i32 %new to i64
  call i32 (ptr, ...) @printf(ptr @fmt.int, ptr %name, i32 32, i64 %az, i64 %bz, i64 %oldz, i64 %newz)
  %j1 = add i64 %j, 1
  %jd = icmp eq i64 %j1, 6
  br i1 %jd, label %outer.next, label %inner
outer.next:
  %i1 = add i64 %i, 1
  %id = icmp eq i64 %i1, 6
  br i1 %id, label %done, label %outer
done:
  ret void
}

define void @test.i64(ptr %f, ptr %name) {
entry:
  %cell = alloca i64, align 8
  br label %outer
outer:
  %i = phi i64 [0, %entry], [%i1, %outer.next]
  br label %inner
inner:
  %j = phi i64 [0, %outer], [%j1, %inner]
  %pa = getelementptr [6 x i64], ptr @vals.i64, i64 0, i64 %i
  %a = load i64, ptr %pa
  %pb = getelementptr [6 x i64], ptr @vals.i64, i64 0, i64 %j
  %b = load i64, ptr %pb
  store i64 %a, ptr %cell
  %old = call i64 %f(ptr %cell, i64 %b)
  %new = load i64, ptr %cell
  call i32 (ptr, ...) @printf(ptr @fmt.int, ptr %name, i32 64, i64 %a, i64 %b, i64 %old, i64 %new)
  %j1 = add i64 %j, 1
  %jd = icmp eq i64 %j1, 6
  br i1 %jd, label %outer.next, label %inner
outer.next:
  %i1 = add i64 %i, 1
  %id = icmp eq i64 %i1, 6
  br i1 %id, label %done, label %outer
done:
  ret void
}

define void @test.double(ptr %f, ptr %name) {
entry:
  %cell = alloca double, align 8
  br label %outer
outer:
  %i = phi i64 [0, %entry], [%i1, %outer.next]
  br label %inner
inner:
  %j = phi i64 [0, %outer], [%j1, %inner]
  %pa = getelementptr [8 x double], ptr @vals.double, i64 0, i64 %i
  %a = load double, ptr %pa
  %pb = getelementptr [8 x double], ptr @vals.double, i64 0, i64 %j
  %b = load double, ptr %pb
  store double %a, ptr %cell
  %old = call double %f(ptr %cell, double %b)
  %new = load double, ptr %cell
  call i32 (ptr, ...) @printf(ptr @fmt.float, ptr %name, ptr @name.double, double %a, double %b, double %old, double %new)
  %j1 = add i64 %j, 1
  %jd = icmp eq i64 %j1, 8
  br i1 %jd, label %outer.next, label %inner
outer.next:
  %i1 = add i64 %i, 1
  %id = icmp eq i64 %i1, 8
  br i1 %id, label %done, label %outer
done:
  ret void
}

define void @test.float(ptr %f, ptr %name) {
entry:
  %cell = alloca float, align 8
  br label %outer
outer:
  %i = phi i64 [0, %entry], [%i1, %outer.next]
  br label %inner
inner:
  %j = phi i64 [0, %outer], [%j1, %inner]
  %pa = getelementptr [8 x float], ptr @vals.float, i64 0, i64 %i
  %a = load float, ptr %pa
  %pb = getelementptr [8 x float], ptr @vals.float, i64 0, i64 %j
  %b = load float, ptr %pb
  store float %a, ptr %cell
  %old = call float %f(ptr %cell, float %b)
  %new = load float, ptr %cell
  %ad = fpext float %a to double
  %bd = fpext float %b to double
  %oldd = fpext float %old to double
  %newd = fpext float %new to double
  call i32 (ptr, ...) @printf(ptr @fmt.float, ptr %name, ptr @name.float, double %ad, double %bd, double %oldd, double %newd)
  %j1 = add i64 %j, 1
  %jd = icmp eq i64 %j1, 8
  br i1 %jd, label %outer.next, label %inner
outer.next:
  %i1 = add i64 %i, 1
  %id = icmp eq i64 %i1, 8
  br i1 %id, label %done, label %outer
done:
  ret void
}

define i32 @main() {
  call void @test.i8(ptr @xchg.i8, ptr @name.xchg)
  call void @test.i8(ptr @add.i8, ptr @name.add)
  call void @test.i8(ptr @sub.i8, ptr @name.sub)
  call void @test.i8(ptr @and.i8, ptr @name.and)
  call void @test.i8(ptr @nand.i8, ptr @name.nand)
  call void @test.i8(ptr @or.i8, ptr @name.or)
  call void @test.i8(ptr @xor.i8, ptr @name.xor)
  call void @test.i8(ptr @max.i8, ptr @name.max)
  call void @test.i8(ptr @min.i8, ptr @name.min)
  call void @test.i8(ptr @umax.i8, ptr @name.umax)
  call void @test.i8(ptr @umin.i8, ptr @name.umin)
  call void @test.i8(ptr @uinc_wrap.i8, ptr @name.uinc_wrap)
  call void @test.i8(ptr @udec_wrap.i8, ptr @name.udec_wrap)
  call void @test.i8(ptr @usub_cond.i8, ptr @name.usub_cond)
  call void @test.i8(ptr @usub_sat.i8, ptr @name.usub_sat)
  call void @test.i16(ptr @xchg.i16, ptr @name.xchg)
  call void @test.i16(ptr @add.i16, ptr @name.add)
  call void @test.i16(ptr @sub.i16, ptr @name.sub)
  call void @test.i16(ptr @and.i16, ptr @name.and)
  call void @test.i16(ptr @nand.i16, ptr @name.nand)
  call void @test.i16(ptr @or.i16, ptr @name.or)
  call void @test.i16(ptr @xor.i16, ptr @name.xor)
  call void @test.i16(ptr @max.i16, ptr @name.max)
  call void @test.i16(ptr @min.i16, ptr @name.min)
  call void @test.i16(ptr @umax.i16, ptr @name.umax)
  call void @test.i16(ptr @umin.i16, ptr @name.umin)
  call void @test.i16(ptr @uinc_wrap.i16, ptr @name.uinc_wrap)
  call void @test.i16(ptr @udec_wrap.i16, ptr @name.udec_wrap)
  call void @test.i16(ptr @usub_cond.i16, ptr @name.usub_cond)
  call void @test.i16(ptr @usub_sat.i16, ptr @name.usub_sat)
  call void @test.i32(ptr @xchg.i32, ptr @name.xchg)
  call void @test.i32(ptr @add.i32, ptr @name.add)
  call void @test.i32(ptr @sub.i32, ptr @name.sub)
  call void @test.i32(ptr @and.i32, ptr @name.and)
  call void @test.i32(ptr @nand.i32, ptr @name.nand)
  call void @test.i32(ptr @or.i32, ptr @name.or)
  call void @test.i32(ptr @xor.i32, ptr @name.xor)
  call void @test.i32(ptr @max.i32, ptr @name.max)
  call void @test.i32(ptr @min.i32, ptr @name.min)
  call void @test.i32(ptr @umax.i32, ptr @name.umax)
  call void @test.i32(ptr @umin.i32, ptr @name.umin)
  call void @test.i32(ptr @uinc_wrap.i32, ptr @name.uinc_wrap)
  call void @test.i32(ptr @udec_wrap.i32, ptr @name.udec_wrap)
  call void @test.i32(ptr @usub_cond.i32, ptr @name.usub_cond)
  call void @test.i32(ptr @usub_sat.i32, ptr @name.usub_sat)
  call void @test.i64(ptr @xchg.i64, ptr @name.xchg)
  call void @test.i64(ptr @add.i64, ptr @name.add)
  call void @test.i64(ptr @sub.i64, ptr @name.sub)
  call void @test.i64(ptr @and.i64, ptr @name.and)
  call void @test.i64(ptr @nand.i64, ptr @name.nand)
  call void @test.i64(ptr @or.i64, ptr @name.or)
  call void @test.i64(ptr @xor.i64, ptr @name.xor)
  call void @test.i64(ptr @max.i64, ptr @name.max)
  call void @test.i64(ptr @min.i64, ptr @name.min)
  call void @test.i64(ptr @umax.i64, ptr @name.umax)
  call void @test.i64(ptr @umin.i64, ptr @name.umin)
  call void @test.i64(ptr @uinc_wrap.i64, ptr @name.uinc_wrap)
  call void @test.i64(ptr @udec_wrap.i64, ptr @name.udec_wrap)
  call void @test.i64(ptr @usub_cond.i64, ptr @name.usub_cond)
  call void @test.i64(ptr @usub_sat.i64, ptr @name.usub_sat)
  call void @test.float(ptr @xchg.float, ptr @name.xchg)
  call void @test.float(ptr @fadd.float, ptr @name.fadd)
  call void @test.float(ptr @fsub.float, ptr @name.fsub)
  call void @test.float(ptr @fmax.float, ptr @name.fmax)
  call void @test.float(ptr @fmin.float, ptr @name.fmin)
  call void @test.float(ptr @fmaximum.float, ptr @name.fmaximum)
  call void @test.float(ptr @fminimum.float, ptr @name.fminimum)
  call void @test.double(ptr @xchg.double, ptr @name.xchg)
  call void @test.double(ptr @fadd.double, ptr @name.fadd)
  call void @test.double(ptr @fsub.double, ptr @name.fsub)
  call void @test.double(ptr @fmax.double, ptr @name.fmax)
  call void @test.double(ptr @fmin.double, ptr @name.fmin)
  call void @test.double(ptr @fmaximum.double, ptr @name.fmaximum)
  call void @test.double(ptr @fminimum.double, ptr @name.fminimum)
  ret i32 0
}
