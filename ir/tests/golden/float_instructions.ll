define double @float_ops(double %0, float %1, half %2) {
3:
  %4 = fadd fast double %0, 5.000000e-01
  %5 = fsub nnan ninf double %0, 5.000000e-01
  %6 = fmul reassoc nsz arcp contract afn double %0, 5.000000e-01
  %7 = fdiv double %0, 5.000000e-01
  %8 = frem double %0, 5.000000e-01
  %9 = fneg nsz float %1
  %10 = fadd half %2, 0xH3C00
  %11 = fcmp false double %0, 1.000000e+00
  %12 = fcmp nnan oeq double %0, 1.000000e+00
  %13 = fcmp ogt double %0, 1.000000e+00
  %14 = fcmp oge double %0, 1.000000e+00
  %15 = fcmp olt double %0, 1.000000e+00
  %16 = fcmp ole double %0, 1.000000e+00
  %17 = fcmp one double %0, 1.000000e+00
  %18 = fcmp ord double %0, 1.000000e+00
  %19 = fcmp uno double %0, 1.000000e+00
  %20 = fcmp ueq double %0, 1.000000e+00
  %21 = fcmp ugt double %0, 1.000000e+00
  %22 = fcmp uge double %0, 1.000000e+00
  %23 = fcmp ult double %0, 1.000000e+00
  %24 = fcmp ule double %0, 1.000000e+00
  %25 = fcmp une double %0, 1.000000e+00
  %26 = fcmp true double %0, 1.000000e+00
  %27 = select nnan nsz i1 %26, double %0, double -0.000000e+00
  %28 = fptrunc fast double %0 to float
  %29 = fpext ninf float %1 to double
  %30 = fptoui double %0 to i32
  %31 = fptosi float %1 to i64
  %32 = fpext half %2 to float
  %33 = sitofp i32 3 to float
  %34 = tail call fast double @llvm.sqrt.f64(double %0)
  ret double %34
}

declare double @llvm.sqrt.f64(double)
