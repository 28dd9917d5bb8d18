//! Which LLVM intrinsics there are and what each does, classified once for the backends that
//! lower calls of them themselves (Cranelift and GCC; LLVM keeps the calls as they are).
//!
//! [`classify`] reads the callee's full name (`llvm.smax.v4i32`) into an [`Intrinsic`]; the
//! type suffixes are dropped ([`opm_ir::intrinsic::base_name`]), as the call's operands and
//! result carry the types. A backend matches on the class, and its match covers every class,
//! so that a class added here is a compile error in each backend until it lowers the class or
//! refuses it, naming it. What no backend lowers is [`Intrinsic::Other`], which every backend
//! refuses with the intrinsic's name.
//!
//! Pure: names in, classes out.

use opm_ir::intrinsic::{base_name, is_hint};

/// What a call of an LLVM intrinsic does, by family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Intrinsic<'a> {
    /// Only informs the optimizer (lifetimes, assumptions, debug information, …; see
    /// [`opm_ir::intrinsic::is_hint`]): dropped, without looking at its operands.
    Hint,
    /// `memcpy`, `memcpy.inline`, `memmove`, `memset`, `memset.inline`: (destination, source
    /// or byte, length, volatile).
    Memory(MemOp),
    /// `expect`, `expect.with.probability`, `launder.invariant.group`,
    /// `strip.invariant.group`, `threadlocal.address` (a thread-local's address, which its
    /// name already gives in the current thread): the first operand, unchanged.
    PassThrough,
    /// `fptosi.sat`, `fptoui.sat`: the float truncated toward zero, clamped to the result's
    /// range, NaN to 0 (lane by lane).
    FpToIntSat { signed: bool },
    /// `trap`, `debugtrap`, `ubsantrap`: the program stops there.
    Trap,
    /// `is.constant`: whether the operand is a constant, which is `false` this late.
    IsConstant,
    /// `objectsize`: the size of the object a pointer points into, unknown this late (0 when
    /// the second operand asks for the minimum, all ones for the maximum).
    ObjectSize,
    /// `va_start`: starts the variadic arguments of the function in the list it points to.
    VaStart,
    /// `va_end`.
    VaEnd,
    /// `va_copy`: (destination list, source list).
    VaCopy,
    /// `stacksave`: the stack pointer, before dynamic allocations.
    StackSave,
    /// `stackrestore`: frees the dynamic allocations made since the matching `stacksave`.
    StackRestore,
    /// `load.relative`: `base + *(i32 *)(base + offset)`, for relative lookup tables.
    LoadRelative,
    /// `masked.load` (pointer, mask, lanes where the mask is false) and `masked.store` (value,
    /// pointer, mask), with an alignment before the mask in IR older than LLVM 22: only the
    /// lanes whose mask is true are read or written, at the pointer plus the lane's number
    /// times the element's size (the loop vectorizer's tail-folded and conditional accesses
    /// for AVX).
    Masked { store: bool },
    /// x86's `pmovmskb` and `movmsk.ps`/`movmsk.pd` (SSE2 and AVX: C's `_mm_movemask_epi8`,
    /// `_mm_movemask_ps` …): an `i32` whose bit i is the sign bit of lane i.
    SignMask,
    /// `experimental.cttz.elts`: the number of a vector of `i1`'s lanes before its first true
    /// one (the vector's length when none is; the loop vectorizer's early exits).
    CttzElts,
    /// `thread.pointer`: the thread pointer, on x86-64 the address of the thread's control
    /// block that `%fs:0` holds (C's `__builtin_thread_pointer`; mimalloc's thread id).
    ThreadPointer,
    /// `ptrmask`: the pointer with the bits of its address that the mask (an integer as wide
    /// as an address) clears cleared: clang's `va_arg` of an over-aligned type, Rust's
    /// `pointer::mask`.
    PtrMask,
    /// `{s,u}{add,sub,mul}.with.overflow`: `{ wrapped result, whether it overflowed }`.
    Overflow { signed: bool, op: Arith },
    /// `modf`: `{ fractional part, integral part }`, both with the operand's sign.
    Modf,
    /// `is.fpclass`: whether the float is in one of the classes its second operand (a
    /// constant) names, lane by lane; see [`FpClass`].
    IsFpClass,
    /// `vector.reduce.*`: a fold over the lanes of a vector.
    Reduce(ReduceOp),
    /// An operation applied to its operands' lanes one at a time (to the operands themselves
    /// when they are scalars); an operand that is a scalar while the first is a vector (the
    /// exponent of `powi`) is the same for every lane.
    Elementwise(Elementwise),
    /// Any other intrinsic, by its base name (`llvm.frexp.f64` → `frexp`): no backend lowers
    /// it, each refuses it naming it.
    Other(&'a str),
}

/// Where the operands of an [`Intrinsic::Masked`] call are, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaskedOperands {
    pub ptr: usize,
    pub mask: usize,
    /// The value a store writes, or the lanes a load gives where the mask is false.
    pub lanes: usize,
}

/// The positions of a `masked.load` (`store` false) or `masked.store` call's operands, for a
/// call with `count` of them: LLVM 22's, or older IR's with an alignment before the mask;
/// `None` for fewer than three.
pub fn masked_operands(store: bool, count: usize) -> Option<MaskedOperands> {
    let last = count.checked_sub(1).filter(|&l| l >= 2)?;
    Some(match store {
        true => MaskedOperands { lanes: 0, ptr: 1, mask: last },
        false => MaskedOperands { ptr: 0, mask: last - 1, lanes: last },
    })
}

/// The x86-64 processors (LLVM 22's names) with a fused multiply-add instruction (FMA, or
/// AMD's FMA4 on `bdver1`): read off `llc -mcpu=X`, which emits `vfmadd` for `llvm.fmuladd`
/// on exactly these.
const FMA_CPUS: &[&str] = &[
    "alderlake",
    "arrowlake",
    "arrowlake-s",
    "bdver1",
    "bdver2",
    "bdver3",
    "bdver4",
    "broadwell",
    "cannonlake",
    "cascadelake",
    "clearwaterforest",
    "cooperlake",
    "core-avx2",
    "diamondrapids",
    "emeraldrapids",
    "gracemont",
    "grandridge",
    "graniterapids",
    "graniterapids-d",
    "haswell",
    "icelake-client",
    "icelake-server",
    "knl",
    "knm",
    "lunarlake",
    "meteorlake",
    "novalake",
    "pantherlake",
    "raptorlake",
    "rocketlake",
    "sapphirerapids",
    "sierraforest",
    "skx",
    "skylake",
    "skylake-avx512",
    "tigerlake",
    "wildcatlake",
    "x86-64-v3",
    "x86-64-v4",
    "znver1",
    "znver2",
    "znver3",
    "znver4",
    "znver5",
];

/// Whether LLVM's x86-64 code generator fuses `llvm.fmuladd` in `f` into one rounding (an FMA
/// instruction): when the function's processor has FMA, from its `target-cpu` and its
/// `target-features` (`+fma`, `+fma4`, `+avx512f`, which implies FMA, or `-fma` taking it
/// away). `clang -march=native` or `-march=x86-64-v3` builds do; the x86-64 baseline does
/// not. A backend that computes `fmuladd` otherwise than clang's build rounds otherwise.
pub fn fuses_fmuladd(f: &opm_ir::Function) -> bool {
    let string = |key: &str| {
        f.attrs.func.iter().find_map(|a| match a {
            opm_ir::Attribute::Str { key: k, value } if k == key => Some(value.as_str()),
            _ => None,
        })
    };
    let mut fused = string("target-cpu").is_some_and(|cpu| FMA_CPUS.contains(&cpu));
    for feature in string("target-features").unwrap_or("").split(',') {
        match feature {
            "+fma" | "+fma4" | "+avx512f" => fused = true,
            "-fma" | "-fma4" => fused = false,
            _ => {}
        }
    }
    fused
}

/// Whether the call `call`, in `caller`, of the C library function declared as `decl` with
/// the signature `params` → `ret` may be treated as the library's own (folded, expanded or
/// inlined as LLVM's code generator does): `decl` is a declaration of that signature, and
/// neither it, nor the call, nor the caller says `nobuiltin` or clang's `no-builtins`.
pub fn libc_call_is_builtin(
    decl: &opm_ir::Function,
    call: &opm_ir::Call,
    caller: &opm_ir::Function,
    params: &[opm_ir::Type],
    ret: &opm_ir::Type,
) -> bool {
    let blocked = |a: &opm_ir::Attrs| a.func_has("nobuiltin") || a.func_has("no-builtins");
    decl.is_declaration()
        && !decl.ty.varargs
        && decl.ty.params == params
        && decl.ty.ret == *ret
        && !blocked(&decl.attrs)
        && !blocked(&call.attrs)
        && !blocked(&caller.attrs)
}

/// The classes of `llvm.is.fpclass`'s test mask (LLVM's `FPClassTest`), in bit order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FpClass {
    SignalingNan,
    QuietNan,
    NegativeInfinity,
    NegativeNormal,
    NegativeSubnormal,
    NegativeZero,
    PositiveZero,
    PositiveSubnormal,
    PositiveNormal,
    PositiveInfinity,
}

impl FpClass {
    /// Every class, bit 0 first.
    pub const ALL: [FpClass; 10] = [
        FpClass::SignalingNan,
        FpClass::QuietNan,
        FpClass::NegativeInfinity,
        FpClass::NegativeNormal,
        FpClass::NegativeSubnormal,
        FpClass::NegativeZero,
        FpClass::PositiveZero,
        FpClass::PositiveSubnormal,
        FpClass::PositiveNormal,
        FpClass::PositiveInfinity,
    ];

    /// The classes a test mask names.
    pub fn of_mask(mask: u64) -> Vec<FpClass> {
        FpClass::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| mask >> i & 1 == 1)
            .map(|(_, c)| *c)
            .collect()
    }

    /// The class's sign: `Some(true)` negative, `Some(false)` positive, `None` for NaNs.
    pub fn negative(self) -> Option<bool> {
        match self {
            FpClass::SignalingNan | FpClass::QuietNan => None,
            FpClass::NegativeInfinity
            | FpClass::NegativeNormal
            | FpClass::NegativeSubnormal
            | FpClass::NegativeZero => Some(true),
            _ => Some(false),
        }
    }
}

/// Which memory intrinsic (the `.inline` forms are the same operation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemOp {
    /// `memcpy`, `memcpy.inline`.
    Copy,
    /// `memmove`.
    Move,
    /// `memset`, `memset.inline`.
    Set,
}

/// The arithmetic of an overflow check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arith {
    Add,
    Sub,
    Mul,
}

/// The fold of a `vector.reduce.*` intrinsic. The integer folds' order does not matter; the
/// floating-point ones go through the lanes in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    /// `vector.reduce.add` (wrapping).
    Add,
    /// `vector.reduce.mul` (wrapping).
    Mul,
    /// `vector.reduce.and`.
    And,
    /// `vector.reduce.or`.
    Or,
    /// `vector.reduce.xor`.
    Xor,
    /// `vector.reduce.smax`, `.smin`, `.umax`, `.umin`.
    MinMax { signed: bool, max: bool },
    /// `vector.reduce.fadd`: (start value, vector), added in lane order.
    FAdd,
    /// `vector.reduce.fmul`: (start value, vector), multiplied in lane order.
    FMul,
    /// `vector.reduce.fmax`: as `maxnum` (a NaN lane is ignored).
    FMax,
    /// `vector.reduce.fmin`: as `minnum`.
    FMin,
}

impl ReduceOp {
    /// The fold named `op` in `llvm.vector.reduce.<op>` (`smax`, `fadd`, …), if it is one of
    /// these. (`fmaximum` and `fminimum` are not: no backend folds them yet.)
    pub fn from_name(op: &str) -> Option<ReduceOp> {
        Some(match op {
            "add" => ReduceOp::Add,
            "mul" => ReduceOp::Mul,
            "and" => ReduceOp::And,
            "or" => ReduceOp::Or,
            "xor" => ReduceOp::Xor,
            "smax" => ReduceOp::MinMax { signed: true, max: true },
            "smin" => ReduceOp::MinMax { signed: true, max: false },
            "umax" => ReduceOp::MinMax { signed: false, max: true },
            "umin" => ReduceOp::MinMax { signed: false, max: false },
            "fadd" => ReduceOp::FAdd,
            "fmul" => ReduceOp::FMul,
            "fmax" => ReduceOp::FMax,
            "fmin" => ReduceOp::FMin,
            _ => return None,
        })
    }
}

/// An element-wise intrinsic: on integers or on floating-point numbers (by its operation; the
/// operands' types are the call's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Elementwise {
    Int(IntOp),
    Float(FloatOp),
}

/// Element-wise operations on integers of any width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntOp {
    /// `smax`, `smin`, `umax`, `umin`.
    MinMax { signed: bool, max: bool },
    /// `abs` (its second operand, whether the minimum is poison, changes nothing: it stays
    /// the minimum).
    Abs,
    /// `scmp`, `ucmp`: -1, 0 or 1 in the result's width, which may differ from the operands'.
    Compare { signed: bool },
    /// `ctpop`.
    CountOnes,
    /// `ctlz` (the width for 0, whatever the second operand says).
    LeadingZeros,
    /// `cttz` (the width for 0).
    TrailingZeros,
    /// `bswap`.
    ByteSwap,
    /// `bitreverse`.
    BitReverse,
    /// `fshl` (`left`), `fshr`: (high, low, shift amount modulo the width).
    Funnel { left: bool },
    /// `sadd.sat`, `uadd.sat`, `ssub.sat`, `usub.sat`.
    Saturating { signed: bool, sub: bool },
}

/// Element-wise operations on `float` and `double`, each as the C library's function of the
/// same name unless said otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatOp {
    Sqrt,
    Fabs,
    Floor,
    Ceil,
    Trunc,
    /// `round`: half away from zero.
    Round,
    /// `rint`: in the current rounding mode (to nearest, ties to even).
    Rint,
    /// `nearbyint`: as `rint`, without the inexact exception.
    NearbyInt,
    /// `roundeven`: to nearest, ties to even.
    RoundEven,
    CopySign,
    /// `minnum`: C's `fmin` (a NaN operand is ignored).
    MinNum,
    /// `maxnum`: C's `fmax`.
    MaxNum,
    /// `minimum`: NaN if either is NaN, and -0 below +0 (C23's `fminimum`).
    Minimum,
    /// `maximum`: NaN if either is NaN, and +0 above -0.
    Maximum,
    /// `fma`: fused, one rounding.
    Fma,
    /// `fmuladd`: `a * b + c`, here not fused (two roundings), as clang's own build for
    /// x86-64 without FMA.
    FMulAdd,
    Pow,
    /// `powi`: (base, `i32` exponent), as libgcc's `__powidf2`.
    Powi,
    /// `ldexp`: (value, `i32` exponent).
    Ldexp,
    Exp,
    Exp2,
    Log,
    Log2,
    Log10,
    Sin,
    Cos,
    Tan,
    /// `lround`, `llround`: rounded half away from zero to an integer of the result's type.
    LRound,
    /// `lrint`, `llrint`: rounded in the current rounding mode to an integer of the result's
    /// type.
    LRint,
}

/// The class of a call of `name`, the callee's full name (`llvm.smax.v4i32`,
/// `llvm.lifetime.start.p0`).
pub fn classify(name: &str) -> Intrinsic<'_> {
    if is_hint(name) {
        return Intrinsic::Hint;
    }
    let base = base_name(name);
    match base {
        // `spin_loop` / `_mm_pause`: a hint to the processor, which nothing a program can
        // observe depends on.
        "x86.sse2.pause" => Intrinsic::Hint,
        "fptosi.sat" => Intrinsic::FpToIntSat { signed: true },
        "fptoui.sat" => Intrinsic::FpToIntSat { signed: false },
        "memcpy" | "memcpy.inline" => Intrinsic::Memory(MemOp::Copy),
        "memmove" => Intrinsic::Memory(MemOp::Move),
        "memset" | "memset.inline" => Intrinsic::Memory(MemOp::Set),
        "expect"
        | "expect.with.probability"
        | "launder.invariant.group"
        | "strip.invariant.group"
        | "threadlocal.address" => Intrinsic::PassThrough,
        "trap" | "debugtrap" | "ubsantrap" => Intrinsic::Trap,
        "is.constant" => Intrinsic::IsConstant,
        "objectsize" => Intrinsic::ObjectSize,
        "va_start" => Intrinsic::VaStart,
        "va_end" => Intrinsic::VaEnd,
        "va_copy" => Intrinsic::VaCopy,
        "stacksave" => Intrinsic::StackSave,
        "stackrestore" => Intrinsic::StackRestore,
        "load.relative" => Intrinsic::LoadRelative,
        "ptrmask" => Intrinsic::PtrMask,
        "thread.pointer" => Intrinsic::ThreadPointer,
        "experimental.cttz.elts" => Intrinsic::CttzElts,
        "masked.load" => Intrinsic::Masked { store: false },
        "masked.store" => Intrinsic::Masked { store: true },
        "x86.sse2.pmovmskb.128"
        | "x86.avx2.pmovmskb"
        | "x86.sse.movmsk.ps"
        | "x86.sse2.movmsk.pd"
        | "x86.avx.movmsk.ps.256"
        | "x86.avx.movmsk.pd.256" => Intrinsic::SignMask,
        "modf" => Intrinsic::Modf,
        "is.fpclass" => Intrinsic::IsFpClass,
        _ => overflow(base)
            .or_else(|| {
                base.strip_prefix("vector.reduce.")
                    .and_then(ReduceOp::from_name)
                    .map(Intrinsic::Reduce)
            })
            .or_else(|| int_op(base).map(|op| Intrinsic::Elementwise(Elementwise::Int(op))))
            .or_else(|| float_op(base).map(|op| Intrinsic::Elementwise(Elementwise::Float(op))))
            .unwrap_or(Intrinsic::Other(base)),
    }
}

/// `sadd.with.overflow` and the five others.
fn overflow(base: &str) -> Option<Intrinsic<'static>> {
    let (signed, op) = match base.strip_suffix(".with.overflow")? {
        "sadd" => (true, Arith::Add),
        "uadd" => (false, Arith::Add),
        "ssub" => (true, Arith::Sub),
        "usub" => (false, Arith::Sub),
        "smul" => (true, Arith::Mul),
        "umul" => (false, Arith::Mul),
        _ => return None,
    };
    Some(Intrinsic::Overflow { signed, op })
}

fn int_op(base: &str) -> Option<IntOp> {
    Some(match base {
        "smax" => IntOp::MinMax { signed: true, max: true },
        "smin" => IntOp::MinMax { signed: true, max: false },
        "umax" => IntOp::MinMax { signed: false, max: true },
        "umin" => IntOp::MinMax { signed: false, max: false },
        "abs" => IntOp::Abs,
        "scmp" => IntOp::Compare { signed: true },
        "ucmp" => IntOp::Compare { signed: false },
        "ctpop" => IntOp::CountOnes,
        "ctlz" => IntOp::LeadingZeros,
        "cttz" => IntOp::TrailingZeros,
        "bswap" => IntOp::ByteSwap,
        "bitreverse" => IntOp::BitReverse,
        "fshl" => IntOp::Funnel { left: true },
        "fshr" => IntOp::Funnel { left: false },
        "sadd.sat" => IntOp::Saturating { signed: true, sub: false },
        "uadd.sat" => IntOp::Saturating { signed: false, sub: false },
        "ssub.sat" => IntOp::Saturating { signed: true, sub: true },
        "usub.sat" => IntOp::Saturating { signed: false, sub: true },
        _ => return None,
    })
}

fn float_op(base: &str) -> Option<FloatOp> {
    use FloatOp::*;
    Some(match base {
        "sqrt" => Sqrt,
        "fabs" => Fabs,
        "floor" => Floor,
        "ceil" => Ceil,
        "trunc" => Trunc,
        "round" => Round,
        "rint" => Rint,
        "nearbyint" => NearbyInt,
        "roundeven" => RoundEven,
        "copysign" => CopySign,
        "minnum" => MinNum,
        "maxnum" => MaxNum,
        "minimum" => Minimum,
        "maximum" => Maximum,
        "fma" => Fma,
        "fmuladd" => FMulAdd,
        "pow" => Pow,
        "powi" => Powi,
        "ldexp" => Ldexp,
        "exp" => Exp,
        "exp2" => Exp2,
        "log" => Log,
        "log2" => Log2,
        "log10" => Log10,
        "sin" => Sin,
        "cos" => Cos,
        "tan" => Tan,
        "lround" | "llround" => LRound,
        "lrint" | "llrint" => LRint,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(op: IntOp) -> Intrinsic<'static> {
        Intrinsic::Elementwise(Elementwise::Int(op))
    }

    fn float(op: FloatOp) -> Intrinsic<'static> {
        Intrinsic::Elementwise(Elementwise::Float(op))
    }

    #[test]
    fn every_family_the_backends_lower_has_its_class() {
        let cases: &[(&str, Intrinsic)] = &[
            ("llvm.lifetime.start.p0", Intrinsic::Hint),
            ("llvm.lifetime.end.p0", Intrinsic::Hint),
            ("llvm.assume", Intrinsic::Hint),
            ("llvm.dbg.value", Intrinsic::Hint),
            ("llvm.experimental.noalias.scope.decl", Intrinsic::Hint),
            ("llvm.prefetch.p0", Intrinsic::Hint),
            ("llvm.sideeffect", Intrinsic::Hint),
            ("llvm.donothing", Intrinsic::Hint),
            ("llvm.var.annotation.p0.p0", Intrinsic::Hint),
            ("llvm.codeview.annotation", Intrinsic::Hint),
            ("llvm.memcpy.p0.p0.i64", Intrinsic::Memory(MemOp::Copy)),
            ("llvm.memcpy.inline.p0.p0.i64", Intrinsic::Memory(MemOp::Copy)),
            ("llvm.memmove.p0.p0.i32", Intrinsic::Memory(MemOp::Move)),
            ("llvm.memset.p0.i64", Intrinsic::Memory(MemOp::Set)),
            ("llvm.memset.inline.p0.i64", Intrinsic::Memory(MemOp::Set)),
            ("llvm.expect.i1", Intrinsic::PassThrough),
            ("llvm.expect.with.probability.i64", Intrinsic::PassThrough),
            ("llvm.launder.invariant.group.p0", Intrinsic::PassThrough),
            ("llvm.strip.invariant.group.p0", Intrinsic::PassThrough),
            ("llvm.trap", Intrinsic::Trap),
            ("llvm.debugtrap", Intrinsic::Trap),
            ("llvm.ubsantrap", Intrinsic::Trap),
            ("llvm.is.constant.i32", Intrinsic::IsConstant),
            ("llvm.objectsize.i64.p0", Intrinsic::ObjectSize),
            ("llvm.va_start.p0", Intrinsic::VaStart),
            ("llvm.va_end.p0", Intrinsic::VaEnd),
            ("llvm.va_copy.p0", Intrinsic::VaCopy),
            ("llvm.stacksave.p0", Intrinsic::StackSave),
            ("llvm.stackrestore.p0", Intrinsic::StackRestore),
            ("llvm.load.relative.i32", Intrinsic::LoadRelative),
            ("llvm.ptrmask.p0.i64", Intrinsic::PtrMask),
            ("llvm.thread.pointer.p0", Intrinsic::ThreadPointer),
            ("llvm.experimental.cttz.elts.i64.v16i1", Intrinsic::CttzElts),
            ("llvm.x86.sse2.pmovmskb.128", Intrinsic::SignMask),
            ("llvm.masked.load.v8i32.p0", Intrinsic::Masked { store: false }),
            ("llvm.masked.store.v4f64.p0", Intrinsic::Masked { store: true }),
            ("llvm.x86.avx.movmsk.pd.256", Intrinsic::SignMask),
            ("llvm.modf.f64", Intrinsic::Modf),
            ("llvm.modf.v2f64", Intrinsic::Modf),
            ("llvm.is.fpclass.f32", Intrinsic::IsFpClass),
        ];
        for (name, class) in cases {
            assert_eq!(classify(name), *class, "{name}");
        }
    }

    #[test]
    fn masked_operands_are_found_with_and_without_an_alignment() {
        let load = |n| masked_operands(false, n).map(|o| (o.ptr, o.mask, o.lanes));
        let store = |n| masked_operands(true, n).map(|o| (o.lanes, o.ptr, o.mask));
        assert_eq!(load(3), Some((0, 1, 2)));
        assert_eq!(load(4), Some((0, 2, 3)));
        assert_eq!(store(3), Some((0, 1, 2)));
        assert_eq!(store(4), Some((0, 1, 3)));
        assert_eq!(load(2), None);
        assert_eq!(store(0), None);
    }

    #[test]
    fn fmuladd_is_fused_where_the_processor_has_fma() {
        let with = |attrs: &[(&str, &str)]| {
            let ty =
                opm_ir::FunctionType { ret: opm_ir::Type::Void, params: vec![], varargs: false };
            let mut f = opm_ir::Function::declaration("f", ty);
            for (key, value) in attrs {
                f.attrs.func.push(opm_ir::Attribute::Str {
                    key: key.to_string(),
                    value: value.to_string(),
                });
            }
            fuses_fmuladd(&f)
        };
        assert!(!with(&[]));
        assert!(!with(&[("target-cpu", "x86-64"), ("target-features", "+cx8,+sse2,+x87")]));
        assert!(with(&[("target-cpu", "x86-64-v3")]));
        assert!(with(&[("target-cpu", "x86-64"), ("target-features", "+avx,+fma,+sse2")]));
        assert!(with(&[("target-cpu", "znver3")]));
        assert!(!with(&[("target-cpu", "znver3"), ("target-features", "-fma")]));
        assert!(with(&[("target-cpu", "x86-64"), ("target-features", "+avx512f")]));
    }

    #[test]
    fn overflow_checks_and_reductions() {
        for (sign, signed) in [("s", true), ("u", false)] {
            for (what, op) in [("add", Arith::Add), ("sub", Arith::Sub), ("mul", Arith::Mul)] {
                let name = format!("llvm.{sign}{what}.with.overflow.i32");
                assert_eq!(classify(&name), Intrinsic::Overflow { signed, op }, "{name}");
            }
        }
        assert_eq!(classify("llvm.sdiv.with.overflow.i32"), Intrinsic::Other("sdiv.with.overflow"));
        let reductions = [
            ("add", ReduceOp::Add),
            ("mul", ReduceOp::Mul),
            ("and", ReduceOp::And),
            ("or", ReduceOp::Or),
            ("xor", ReduceOp::Xor),
            ("smax", ReduceOp::MinMax { signed: true, max: true }),
            ("smin", ReduceOp::MinMax { signed: true, max: false }),
            ("umax", ReduceOp::MinMax { signed: false, max: true }),
            ("umin", ReduceOp::MinMax { signed: false, max: false }),
            ("fadd", ReduceOp::FAdd),
            ("fmul", ReduceOp::FMul),
            ("fmax", ReduceOp::FMax),
            ("fmin", ReduceOp::FMin),
        ];
        for (op, class) in reductions {
            assert_eq!(ReduceOp::from_name(op), Some(class));
            assert_eq!(
                classify(&format!("llvm.vector.reduce.{op}.v4i32")),
                Intrinsic::Reduce(class)
            );
        }
        assert_eq!(classify("llvm.vector.reduce.fadd.v2f64"), Intrinsic::Reduce(ReduceOp::FAdd));
        assert_eq!(ReduceOp::from_name("fmaximum"), None);
        let name = "llvm.vector.reduce.fmaximum.v4f32";
        assert_eq!(classify(name), Intrinsic::Other("vector.reduce.fmaximum"));
        let name = "llvm.vector.reduce.fminimum.v2f64";
        assert_eq!(classify(name), Intrinsic::Other("vector.reduce.fminimum"));
    }

    #[test]
    fn element_wise_operations() {
        let ints = [
            ("smax", IntOp::MinMax { signed: true, max: true }),
            ("smin", IntOp::MinMax { signed: true, max: false }),
            ("umax", IntOp::MinMax { signed: false, max: true }),
            ("umin", IntOp::MinMax { signed: false, max: false }),
            ("abs", IntOp::Abs),
            ("scmp", IntOp::Compare { signed: true }),
            ("ucmp", IntOp::Compare { signed: false }),
            ("ctpop", IntOp::CountOnes),
            ("ctlz", IntOp::LeadingZeros),
            ("cttz", IntOp::TrailingZeros),
            ("bswap", IntOp::ByteSwap),
            ("bitreverse", IntOp::BitReverse),
            ("fshl", IntOp::Funnel { left: true }),
            ("fshr", IntOp::Funnel { left: false }),
            ("sadd.sat", IntOp::Saturating { signed: true, sub: false }),
            ("uadd.sat", IntOp::Saturating { signed: false, sub: false }),
            ("ssub.sat", IntOp::Saturating { signed: true, sub: true }),
            ("usub.sat", IntOp::Saturating { signed: false, sub: true }),
        ];
        for (base, op) in ints {
            for suffix in ["i7", "i32", "i128", "v4i32", "v16i8"] {
                assert_eq!(classify(&format!("llvm.{base}.{suffix}")), int(op), "{base}.{suffix}");
            }
        }
        // Two type suffixes: the result's and the operands'.
        assert_eq!(classify("llvm.scmp.i8.i128"), int(IntOp::Compare { signed: true }));
        let floats = [
            ("sqrt", FloatOp::Sqrt),
            ("fabs", FloatOp::Fabs),
            ("floor", FloatOp::Floor),
            ("ceil", FloatOp::Ceil),
            ("trunc", FloatOp::Trunc),
            ("round", FloatOp::Round),
            ("rint", FloatOp::Rint),
            ("nearbyint", FloatOp::NearbyInt),
            ("roundeven", FloatOp::RoundEven),
            ("copysign", FloatOp::CopySign),
            ("minnum", FloatOp::MinNum),
            ("maxnum", FloatOp::MaxNum),
            ("minimum", FloatOp::Minimum),
            ("maximum", FloatOp::Maximum),
            ("fma", FloatOp::Fma),
            ("fmuladd", FloatOp::FMulAdd),
            ("pow", FloatOp::Pow),
            ("exp", FloatOp::Exp),
            ("exp2", FloatOp::Exp2),
            ("log", FloatOp::Log),
            ("log2", FloatOp::Log2),
            ("log10", FloatOp::Log10),
            ("sin", FloatOp::Sin),
            ("cos", FloatOp::Cos),
            ("tan", FloatOp::Tan),
        ];
        for (base, op) in floats {
            for suffix in ["f32", "f64", "v2f64", "v4f32"] {
                let name = format!("llvm.{base}.{suffix}");
                assert_eq!(classify(&name), float(op), "{name}");
            }
        }
        assert_eq!(classify("llvm.powi.f64.i32"), float(FloatOp::Powi));
        assert_eq!(classify("llvm.powi.v4f32.i32"), float(FloatOp::Powi));
        assert_eq!(classify("llvm.ldexp.f32.i32"), float(FloatOp::Ldexp));
        assert_eq!(classify("llvm.lround.i32.f64"), float(FloatOp::LRound));
        assert_eq!(classify("llvm.llround.i64.f32"), float(FloatOp::LRound));
        assert_eq!(classify("llvm.lrint.i64.f64"), float(FloatOp::LRint));
        assert_eq!(classify("llvm.llrint.i64.f64"), float(FloatOp::LRint));
    }

    #[test]
    fn anything_else_is_other_by_its_base_name() {
        assert_eq!(classify("llvm.frexp.f64.i32"), Intrinsic::Other("frexp"));
        assert_eq!(classify("llvm.asin.f64"), Intrinsic::Other("asin"));
        assert_eq!(classify("llvm.canonicalize.f32"), Intrinsic::Other("canonicalize"));
        assert_eq!(classify("llvm.smul.fix.sat.i32"), Intrinsic::Other("smul.fix.sat"));
        assert_eq!(
            classify("llvm.vector.reduce.frob.v4i32"),
            Intrinsic::Other("vector.reduce.frob")
        );
        assert_eq!(classify("llvm.frobnicate"), Intrinsic::Other("frobnicate"));
        // Names are exact: a known name's prefix or extension is not that intrinsic.
        assert_eq!(classify("llvm.smaxx.i32"), Intrinsic::Other("smaxx"));
        assert_eq!(
            classify("llvm.memcpy.element.unordered.atomic.p0.p0.i64"),
            Intrinsic::Other("memcpy.element.unordered.atomic")
        );
        assert_eq!(
            classify("llvm.sqrt.f80"),
            float(FloatOp::Sqrt),
            "a type only the backends judge"
        );
    }
}
