define i32 @int_ops(i32 %0, i32 %1, i64 %2, ptr %3) {
4:
  %5 = add nuw nsw i32 %0, %1
  %6 = sub nsw i32 %0, 1
  %7 = mul nuw i32 %0, %1
  %8 = udiv exact i32 %0, %1
  %9 = sdiv i32 %0, -7
  %10 = urem i32 %0, %1
  %11 = srem i32 %0, %1
  %12 = shl nuw nsw i32 %0, 3
  %13 = lshr exact i32 %0, 1
  %14 = ashr i32 %0, %1
  %15 = and i32 %0, 255
  %16 = or disjoint i32 %0, 256
  %17 = xor i32 %0, -1
  %18 = icmp eq i32 %0, %1
  %19 = icmp ne i32 %0, %1
  %20 = icmp ugt i32 %0, %1
  %21 = icmp uge i32 %0, %1
  %22 = icmp ult i32 %0, %1
  %23 = icmp ule i32 %0, %1
  %24 = icmp sgt i32 %0, %1
  %25 = icmp sge i32 %0, %1
  %26 = icmp slt i32 %0, %1
  %27 = icmp sle i32 %0, %1
  %28 = icmp samesign ult i32 %0, 10
  %29 = icmp eq ptr %3, null
  %30 = trunc nuw nsw i64 %2 to i32
  %31 = trunc i32 %0 to i1
  %32 = zext nneg i32 %0 to i64
  %33 = sext i32 %0 to i64
  %34 = ptrtoint ptr %3 to i64
  %35 = inttoptr i64 %2 to ptr
  %36 = bitcast i32 %0 to float
  %37 = uitofp nneg i32 %0 to double
  %38 = sitofp i64 %2 to float
  %39 = zext i64 %2 to i128
  %40 = mul i128 %39, -170141183460469231731687303715884105727
  %41 = add nsw <4 x i32> zeroinitializer, <i32 1, i32 2, i32 3, i32 4>
  ret i32 %0
}
