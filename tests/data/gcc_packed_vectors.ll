; Vectors whose lanes are not whole bytes (<16 x i1>, <4 x i3>, <2 x i24>, <5 x i30>,
; <3 x i100>) in memory, and <1 x i128>: LLVM lays a vector out as the integer of its bits,
; lane 0 lowest, and its code generator writes the bits past the last lane as 0. Each store
; goes over 0xff bytes and the bytes are printed; each load reads a pattern (whose bits past
; the last lane are 0, as LLVM's loads assume) and its lanes are printed; bitcasts between such vectors, integers and
; other vectors go through the same bits. (hashbrown's SSE2 group matching stores
; `<16 x i1>` at rustc's opt-level 3.)

@n.store_16_x_i1 = private unnamed_addr constant [16 x i8] c"store <16 x i1>\00"
@n.load_16_x_i1 = private unnamed_addr constant [15 x i8] c"load <16 x i1>\00"
@n.store_3_x_i1 = private unnamed_addr constant [15 x i8] c"store <3 x i1>\00"
@n.load_3_x_i1 = private unnamed_addr constant [14 x i8] c"load <3 x i1>\00"
@n.store_volatile_3_x_i1 = private unnamed_addr constant [24 x i8] c"store volatile <3 x i1>\00"
@n.load_volatile_3_x_i1 = private unnamed_addr constant [23 x i8] c"load volatile <3 x i1>\00"
@n.store_4_x_i3 = private unnamed_addr constant [15 x i8] c"store <4 x i3>\00"
@n.load_4_x_i3 = private unnamed_addr constant [14 x i8] c"load <4 x i3>\00"
@n.store_10_x_i1 = private unnamed_addr constant [16 x i8] c"store <10 x i1>\00"
@n.load_10_x_i1 = private unnamed_addr constant [15 x i8] c"load <10 x i1>\00"
@n.store_2_x_i24 = private unnamed_addr constant [16 x i8] c"store <2 x i24>\00"
@n.load_2_x_i24 = private unnamed_addr constant [15 x i8] c"load <2 x i24>\00"
@n.store_5_x_i30 = private unnamed_addr constant [16 x i8] c"store <5 x i30>\00"
@n.load_5_x_i30 = private unnamed_addr constant [15 x i8] c"load <5 x i30>\00"
@n.store_volatile_5_x_i30 = private unnamed_addr constant [25 x i8] c"store volatile <5 x i30>\00"
@n.load_volatile_5_x_i30 = private unnamed_addr constant [24 x i8] c"load volatile <5 x i30>\00"
@n.store_3_x_i100 = private unnamed_addr constant [17 x i8] c"store <3 x i100>\00"
@n.load_3_x_i100 = private unnamed_addr constant [16 x i8] c"load <3 x i100>\00"
@n.store_1_x_i128 = private unnamed_addr constant [17 x i8] c"store <1 x i128>\00"
@n.bitcast_16_x_i1_to_2_x_i8 = private unnamed_addr constant [30 x i8] c"bitcast <16 x i1> to <2 x i8>\00"
@n.bitcast_4_x_i3_to_i12 = private unnamed_addr constant [24 x i8] c"bitcast <4 x i3> to i12\00"
@n.bitcast_i12_to_3_x_i4 = private unnamed_addr constant [24 x i8] c"bitcast i12 to <3 x i4>\00"
@n.bitcast_double_to_64_x_i1 = private unnamed_addr constant [28 x i8] c"bitcast double to <64 x i1>\00"
@n.bitcast_64_x_i1_to_8_x_i8 = private unnamed_addr constant [30 x i8] c"bitcast <64 x i1> to <8 x i8>\00"
@n.bitcast_2_x_i8_to_16_x_i1 = private unnamed_addr constant [30 x i8] c"bitcast <2 x i8> to <16 x i1>\00"
@n.bitcast_16_x_i1_to_i16 = private unnamed_addr constant [25 x i8] c"bitcast <16 x i1> to i16\00"
@n.bitcast_2_x_i24_to_3_x_i16 = private unnamed_addr constant [31 x i8] c"bitcast <2 x i24> to <3 x i16>\00"
@fmt.name = private unnamed_addr constant [6 x i8] c"%-30s\00"
@fmt.byte = private unnamed_addr constant [6 x i8] c" %02x\00"
@fmt.nl = private unnamed_addr constant [2 x i8] c"\0A\00"
@in16 = global <16 x i8> <i8 1, i8 9, i8 200, i8 3, i8 8, i8 9, i8 0, i8 255, i8 17, i8 2, i8 5, i8 100, i8 7, i8 8, i8 12, i8 90>, align 16
@pat3 = global [1 x i8] [i8 6], align 16
@pat4x3 = global [2 x i8] [i8 129, i8 14], align 16
@pat10 = global [2 x i8] [i8 129, i8 2], align 16
@pat5x30 = global [19 x i8] [i8 60, i8 250, i8 129, i8 126, i8 255, i8 19, i8 196, i8 85, i8 170, i8 15, i8 240, i8 153, i8 102, i8 222, i8 173, i8 190, i8 239, i8 1, i8 55], align 16
@pat3x100 = global [38 x i8] [i8 23, i8 114, i8 205, i8 40, i8 131, i8 222, i8 57, i8 148, i8 239, i8 74, i8 165, i8 0, i8 91, i8 182, i8 17, i8 108, i8 199, i8 34, i8 125, i8 216, i8 51, i8 142, i8 233, i8 68, i8 159, i8 250, i8 85, i8 176, i8 11, i8 102, i8 193, i8 28, i8 119, i8 210, i8 45, i8 136, i8 227, i8 9], align 16
@pat = global [24 x i8] [i8 165, i8 60, i8 250, i8 129, i8 126, i8 255, i8 19, i8 196, i8 85, i8 170, i8 15, i8 240, i8 153, i8 102, i8 222, i8 173, i8 190, i8 239, i8 1, i8 254, i8 55, i8 115, i8 181, i8 233], align 16
@in3 = global <3 x i8> <i8 1, i8 0, i8 1>, align 16
@in4 = global <4 x i32> <i32 7, i32 1, i32 4, i32 2>, align 16
@in10 = global <10 x i8> <i8 0, i8 1, i8 1, i8 0, i8 1, i8 0, i8 0, i8 1, i8 1, i8 1>, align 16
@in2x24 = global <2 x i32> <i32 11259375, i32 1193046>, align 16
@in5x30 = global <5 x i32> <i32 1073741823, i32 305419896, i32 717020913, i32 1, i32 536870912>, align 16
@in3x100 = global <3 x i128> <i128 1267650600228229401496703205375, i128 90144042682896311822508713865, i128 1262016597560548382007796410759>, align 16
@in1x128 = global <1 x i128> <i128 1512366075204170947332355369683137040>, align 16
@in12 = global i16 2748, align 16
@ind = global double -1.5e300, align 16

declare i32 @printf(ptr, ...)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)

; Prints `name`, then the `n` bytes at `p` in hexadecimal.
define void @dump(ptr %name, ptr %p, i64 %n) {
entry:
  call i32 (ptr, ...) @printf(ptr @fmt.name, ptr %name)
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %q = getelementptr i8, ptr %p, i64 %i
  %b = load i8, ptr %q
  %bz = zext i8 %b to i32
  call i32 (ptr, ...) @printf(ptr @fmt.byte, i32 %bz)
  %i1 = add i64 %i, 1
  %more = icmp ult i64 %i1, %n
  br i1 %more, label %loop, label %done
done:
  call i32 (ptr, ...) @printf(ptr @fmt.nl)
  ret void
}

define i32 @main() {
entry:
  %buf = alloca [128 x i8], align 16
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  %x16 = load <16 x i8>, ptr @in16
  %m16 = icmp ugt <16 x i8> %x16, splat (i8 8)
  store <16 x i1> %m16, ptr %buf
  call void @dump(ptr @n.store_16_x_i1, ptr %buf, i64 4)
  %l16 = load <16 x i1>, ptr @pat
  %z16 = zext <16 x i1> %l16 to <16 x i8>
  store <16 x i8> %z16, ptr %buf
  call void @dump(ptr @n.load_16_x_i1, ptr %buf, i64 16)
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  %x3 = load <3 x i8>, ptr @in3
  %m3 = trunc <3 x i8> %x3 to <3 x i1>
  store <3 x i1> %m3, ptr %buf
  call void @dump(ptr @n.store_3_x_i1, ptr %buf, i64 2)
  %p2 = getelementptr i8, ptr @pat3, i64 0
  %l3 = load <3 x i1>, ptr %p2
  %z3 = zext <3 x i1> %l3 to <3 x i8>
  store <3 x i8> %z3, ptr %buf
  call void @dump(ptr @n.load_3_x_i1, ptr %buf, i64 3)
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  store volatile <3 x i1> %m3, ptr %buf
  call void @dump(ptr @n.store_volatile_3_x_i1, ptr %buf, i64 2)
  %lv3 = load volatile <3 x i1>, ptr %p2
  %zv3 = zext <3 x i1> %lv3 to <3 x i8>
  store <3 x i8> %zv3, ptr %buf
  call void @dump(ptr @n.load_volatile_3_x_i1, ptr %buf, i64 3)
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  %x4 = load <4 x i32>, ptr @in4
  %m4 = trunc <4 x i32> %x4 to <4 x i3>
  store <4 x i3> %m4, ptr %buf
  call void @dump(ptr @n.store_4_x_i3, ptr %buf, i64 3)
  %l4 = load <4 x i3>, ptr @pat4x3
  %z4 = zext <4 x i3> %l4 to <4 x i8>
  store <4 x i8> %z4, ptr %buf
  call void @dump(ptr @n.load_4_x_i3, ptr %buf, i64 4)
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  %x10 = load <10 x i8>, ptr @in10
  %m10 = trunc <10 x i8> %x10 to <10 x i1>
  store <10 x i1> %m10, ptr %buf
  call void @dump(ptr @n.store_10_x_i1, ptr %buf, i64 3)
  %l10 = load <10 x i1>, ptr @pat10
  %z10 = zext <10 x i1> %l10 to <10 x i8>
  store <10 x i8> %z10, ptr %buf
  call void @dump(ptr @n.load_10_x_i1, ptr %buf, i64 10)
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  %x24 = load <2 x i32>, ptr @in2x24
  %m24 = trunc <2 x i32> %x24 to <2 x i24>
  store <2 x i24> %m24, ptr %buf
  call void @dump(ptr @n.store_2_x_i24, ptr %buf, i64 7)
  %l24 = load <2 x i24>, ptr @pat
  %z24 = zext <2 x i24> %l24 to <2 x i32>
  store <2 x i32> %z24, ptr %buf
  call void @dump(ptr @n.load_2_x_i24, ptr %buf, i64 8)
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  %x30 = load <5 x i32>, ptr @in5x30
  %m30 = trunc <5 x i32> %x30 to <5 x i30>
  store <5 x i30> %m30, ptr %buf
  call void @dump(ptr @n.store_5_x_i30, ptr %buf, i64 20)
  %p1 = getelementptr i8, ptr @pat5x30, i64 0
  %l30 = load <5 x i30>, ptr %p1
  %z30 = zext <5 x i30> %l30 to <5 x i32>
  store <5 x i32> %z30, ptr %buf
  call void @dump(ptr @n.load_5_x_i30, ptr %buf, i64 20)
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  store volatile <5 x i30> %m30, ptr %buf
  call void @dump(ptr @n.store_volatile_5_x_i30, ptr %buf, i64 20)
  %lv30 = load volatile <5 x i30>, ptr %p1
  %zv30 = zext <5 x i30> %lv30 to <5 x i32>
  store <5 x i32> %zv30, ptr %buf
  call void @dump(ptr @n.load_volatile_5_x_i30, ptr %buf, i64 20)
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  %x100 = load <3 x i128>, ptr @in3x100
  %m100 = trunc <3 x i128> %x100 to <3 x i100>
  store <3 x i100> %m100, ptr %buf
  call void @dump(ptr @n.store_3_x_i100, ptr %buf, i64 40)
  %l100 = load <3 x i100>, ptr @pat3x100
  %z100 = zext <3 x i100> %l100 to <3 x i128>
  store <3 x i128> %z100, ptr %buf
  call void @dump(ptr @n.load_3_x_i100, ptr %buf, i64 48)
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  %x128 = load <1 x i128>, ptr @in1x128
  %a128 = add <1 x i128> %x128, splat (i128 18446744073709551617)
  store <1 x i128> %a128, ptr %buf
  call void @dump(ptr @n.store_1_x_i128, ptr %buf, i64 17)
  call void @llvm.memset.p0.i64(ptr %buf, i8 -1, i64 128, i1 false)
  %b1 = bitcast <16 x i1> %m16 to <2 x i8>
  store <2 x i8> %b1, ptr %buf
  call void @dump(ptr @n.bitcast_16_x_i1_to_2_x_i8, ptr %buf, i64 2)
  %b2 = bitcast <4 x i3> %m4 to i12
  %b2z = zext i12 %b2 to i16
  store i16 %b2z, ptr %buf
  call void @dump(ptr @n.bitcast_4_x_i3_to_i12, ptr %buf, i64 2)
  %x12w = load i16, ptr @in12
  %x12 = trunc i16 %x12w to i12
  %b3 = bitcast i12 %x12 to <3 x i4>
  %b3z = zext <3 x i4> %b3 to <3 x i8>
  store <3 x i8> %b3z, ptr %buf
  call void @dump(ptr @n.bitcast_i12_to_3_x_i4, ptr %buf, i64 3)
  %d = load double, ptr @ind
  %b4 = bitcast double %d to <64 x i1>
  %b4z = zext <64 x i1> %b4 to <64 x i8>
  store <64 x i8> %b4z, ptr %buf
  call void @dump(ptr @n.bitcast_double_to_64_x_i1, ptr %buf, i64 64)
  %b5 = bitcast <64 x i1> %b4 to <8 x i8>
  store <8 x i8> %b5, ptr %buf
  call void @dump(ptr @n.bitcast_64_x_i1_to_8_x_i8, ptr %buf, i64 8)
  %x2 = load <2 x i8>, ptr @pat
  %b6 = bitcast <2 x i8> %x2 to <16 x i1>
  %b6z = zext <16 x i1> %b6 to <16 x i8>
  store <16 x i8> %b6z, ptr %buf
  call void @dump(ptr @n.bitcast_2_x_i8_to_16_x_i1, ptr %buf, i64 16)
  %b7 = bitcast <16 x i1> %b6 to i16
  store i16 %b7, ptr %buf
  call void @dump(ptr @n.bitcast_16_x_i1_to_i16, ptr %buf, i64 2)
  %b8 = bitcast <2 x i24> %m24 to <3 x i16>
  store <3 x i16> %b8, ptr %buf
  call void @dump(ptr @n.bitcast_2_x_i24_to_3_x_i16, ptr %buf, i64 6)
  ret i32 0
}
