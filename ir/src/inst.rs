//! Instructions. Terminators are instructions too, so that a malformed block (no terminator,
//! or one in the middle) can be represented and reported by the verifier.

use crate::attr::Attrs;
use crate::types::{FunctionType, Type};
use crate::value::{BlockId, Constant, Operand, ValueId};
use serde::{Deserialize, Serialize};

/// Instruction flags, as a set: the wrap/exact flags of integer operations, the flags of
/// casts, comparisons and getelementptr, and the fast-math flags of float operations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Flags(pub u32);

impl Flags {
    pub const NONE: Flags = Flags(0);
    /// `nuw`: add, sub, mul, shl, trunc; getelementptr.
    pub const NUW: Flags = Flags(1 << 0);
    /// `nsw`: add, sub, mul, shl, trunc.
    pub const NSW: Flags = Flags(1 << 1);
    /// `exact`: udiv, sdiv, lshr, ashr.
    pub const EXACT: Flags = Flags(1 << 2);
    /// `disjoint`: or.
    pub const DISJOINT: Flags = Flags(1 << 3);
    /// `nneg`: zext, uitofp.
    pub const NNEG: Flags = Flags(1 << 4);
    /// `samesign`: icmp.
    pub const SAMESIGN: Flags = Flags(1 << 5);
    /// `inbounds`: getelementptr.
    pub const INBOUNDS: Flags = Flags(1 << 6);
    /// `nusw`: getelementptr (implied by `inbounds`).
    pub const NUSW: Flags = Flags(1 << 7);
    /// Fast-math `nnan`.
    pub const NNAN: Flags = Flags(1 << 8);
    /// Fast-math `ninf`.
    pub const NINF: Flags = Flags(1 << 9);
    /// Fast-math `nsz`.
    pub const NSZ: Flags = Flags(1 << 10);
    /// Fast-math `arcp`.
    pub const ARCP: Flags = Flags(1 << 11);
    /// Fast-math `contract`.
    pub const CONTRACT: Flags = Flags(1 << 12);
    /// Fast-math `afn`.
    pub const AFN: Flags = Flags(1 << 13);
    /// Fast-math `reassoc`.
    pub const REASSOC: Flags = Flags(1 << 14);
    /// All fast-math flags (`fast`).
    pub const FAST: Flags = Flags(0x7f << 8);

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no flag is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fast-math part.
    pub fn fast_math(self) -> Flags {
        Flags(self.0 & Flags::FAST.0)
    }

    /// The flags outside `allowed`.
    pub fn outside(self, allowed: Flags) -> Flags {
        Flags(self.0 & !allowed.0)
    }

    /// The LLVM spelling of each set flag, in LLVM's printing order.
    pub fn names(self) -> Vec<&'static str> {
        const ORDER: [(Flags, &str); 15] = [
            (Flags::INBOUNDS, "inbounds"),
            (Flags::NUSW, "nusw"),
            (Flags::NUW, "nuw"),
            (Flags::NSW, "nsw"),
            (Flags::EXACT, "exact"),
            (Flags::DISJOINT, "disjoint"),
            (Flags::NNEG, "nneg"),
            (Flags::SAMESIGN, "samesign"),
            (Flags::REASSOC, "reassoc"),
            (Flags::NNAN, "nnan"),
            (Flags::NINF, "ninf"),
            (Flags::NSZ, "nsz"),
            (Flags::ARCP, "arcp"),
            (Flags::CONTRACT, "contract"),
            (Flags::AFN, "afn"),
        ];
        ORDER.iter().filter(|(f, _)| self.contains(*f)).map(|(_, n)| *n).collect()
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for Flags {
    fn bitor_assign(&mut self, rhs: Flags) {
        self.0 |= rhs.0
    }
}

/// Binary operators, integer and floating-point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    UDiv,
    SDiv,
    URem,
    SRem,
    Shl,
    LShr,
    AShr,
    And,
    Or,
    Xor,
    FAdd,
    FSub,
    FMul,
    FDiv,
    FRem,
}

impl BinOp {
    /// Every binary operator.
    pub const ALL: [BinOp; 18] = [
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::UDiv,
        BinOp::SDiv,
        BinOp::URem,
        BinOp::SRem,
        BinOp::Shl,
        BinOp::LShr,
        BinOp::AShr,
        BinOp::And,
        BinOp::Or,
        BinOp::Xor,
        BinOp::FAdd,
        BinOp::FSub,
        BinOp::FMul,
        BinOp::FDiv,
        BinOp::FRem,
    ];

    /// LLVM's opcode name.
    pub fn name(self) -> &'static str {
        match self {
            BinOp::Add => "add",
            BinOp::Sub => "sub",
            BinOp::Mul => "mul",
            BinOp::UDiv => "udiv",
            BinOp::SDiv => "sdiv",
            BinOp::URem => "urem",
            BinOp::SRem => "srem",
            BinOp::Shl => "shl",
            BinOp::LShr => "lshr",
            BinOp::AShr => "ashr",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Xor => "xor",
            BinOp::FAdd => "fadd",
            BinOp::FSub => "fsub",
            BinOp::FMul => "fmul",
            BinOp::FDiv => "fdiv",
            BinOp::FRem => "frem",
        }
    }

    /// Operates on floats.
    pub fn is_float(self) -> bool {
        matches!(self, BinOp::FAdd | BinOp::FSub | BinOp::FMul | BinOp::FDiv | BinOp::FRem)
    }

    /// The flags LLVM allows on this operator.
    pub fn allowed_flags(self) -> Flags {
        match self {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Shl => Flags::NUW | Flags::NSW,
            BinOp::UDiv | BinOp::SDiv | BinOp::LShr | BinOp::AShr => Flags::EXACT,
            BinOp::Or => Flags::DISJOINT,
            BinOp::URem | BinOp::SRem | BinOp::And | BinOp::Xor => Flags::NONE,
            _ => Flags::FAST,
        }
    }
}

/// Conversions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CastOp {
    Trunc,
    ZExt,
    SExt,
    FPTrunc,
    FPExt,
    FPToUI,
    FPToSI,
    UIToFP,
    SIToFP,
    PtrToInt,
    IntToPtr,
    BitCast,
}

impl CastOp {
    /// Every cast.
    pub const ALL: [CastOp; 12] = [
        CastOp::Trunc,
        CastOp::ZExt,
        CastOp::SExt,
        CastOp::FPTrunc,
        CastOp::FPExt,
        CastOp::FPToUI,
        CastOp::FPToSI,
        CastOp::UIToFP,
        CastOp::SIToFP,
        CastOp::PtrToInt,
        CastOp::IntToPtr,
        CastOp::BitCast,
    ];

    /// LLVM's opcode name.
    pub fn name(self) -> &'static str {
        match self {
            CastOp::Trunc => "trunc",
            CastOp::ZExt => "zext",
            CastOp::SExt => "sext",
            CastOp::FPTrunc => "fptrunc",
            CastOp::FPExt => "fpext",
            CastOp::FPToUI => "fptoui",
            CastOp::FPToSI => "fptosi",
            CastOp::UIToFP => "uitofp",
            CastOp::SIToFP => "sitofp",
            CastOp::PtrToInt => "ptrtoint",
            CastOp::IntToPtr => "inttoptr",
            CastOp::BitCast => "bitcast",
        }
    }

    /// The flags LLVM allows on this cast (fast-math ones only where the result is a float).
    pub fn allowed_flags(self) -> Flags {
        match self {
            CastOp::Trunc => Flags::NUW | Flags::NSW,
            CastOp::ZExt => Flags::NNEG,
            CastOp::UIToFP => Flags::NNEG,
            // LLVM's FPMathOperator covers fptrunc and fpext only among the casts.
            CastOp::FPTrunc | CastOp::FPExt => Flags::FAST,
            _ => Flags::NONE,
        }
    }
}

/// Integer comparison predicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IntPredicate {
    Eq,
    Ne,
    Ugt,
    Uge,
    Ult,
    Ule,
    Sgt,
    Sge,
    Slt,
    Sle,
}

impl IntPredicate {
    /// LLVM's spelling.
    pub fn name(self) -> &'static str {
        match self {
            IntPredicate::Eq => "eq",
            IntPredicate::Ne => "ne",
            IntPredicate::Ugt => "ugt",
            IntPredicate::Uge => "uge",
            IntPredicate::Ult => "ult",
            IntPredicate::Ule => "ule",
            IntPredicate::Sgt => "sgt",
            IntPredicate::Sge => "sge",
            IntPredicate::Slt => "slt",
            IntPredicate::Sle => "sle",
        }
    }
}

/// Floating-point comparison predicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FloatPredicate {
    False,
    Oeq,
    Ogt,
    Oge,
    Olt,
    Ole,
    One,
    Ord,
    Uno,
    Ueq,
    Ugt,
    Uge,
    Ult,
    Ule,
    Une,
    True,
}

impl FloatPredicate {
    /// LLVM's spelling.
    pub fn name(self) -> &'static str {
        match self {
            FloatPredicate::False => "false",
            FloatPredicate::Oeq => "oeq",
            FloatPredicate::Ogt => "ogt",
            FloatPredicate::Oge => "oge",
            FloatPredicate::Olt => "olt",
            FloatPredicate::Ole => "ole",
            FloatPredicate::One => "one",
            FloatPredicate::Ord => "ord",
            FloatPredicate::Uno => "uno",
            FloatPredicate::Ueq => "ueq",
            FloatPredicate::Ugt => "ugt",
            FloatPredicate::Uge => "uge",
            FloatPredicate::Ult => "ult",
            FloatPredicate::Ule => "ule",
            FloatPredicate::Une => "une",
            FloatPredicate::True => "true",
        }
    }
}

/// The tail-call marker of a call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TailKind {
    #[default]
    None,
    Tail,
    MustTail,
    NoTail,
}

/// A calling convention, by LLVM's number (`ccc` = 0, `fastcc` = 8, `coldcc` = 9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallConv(pub u32);

impl CallConv {
    pub const C: CallConv = CallConv(0);
    pub const FAST: CallConv = CallConv(8);
    pub const COLD: CallConv = CallConv(9);
}

/// A call: direct when `callee` is a [`Constant::Global`], indirect otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Call {
    pub callee: Operand,
    /// The signature the call uses (for variadic callees, the fixed part).
    pub fn_ty: FunctionType,
    pub args: Vec<Operand>,
    /// Function, return and per-argument attributes of the call site.
    pub attrs: Attrs,
    pub tail: TailKind,
    pub cconv: CallConv,
    /// Fast-math flags (calls returning floats).
    pub flags: Flags,
}

impl Call {
    /// A plain call of `callee` (no attributes, tail marker or fast-math flags, C calling
    /// convention).
    pub fn new(callee: Operand, fn_ty: FunctionType, args: Vec<Operand>) -> Call {
        Call {
            callee,
            fn_ty,
            args,
            attrs: Attrs::default(),
            tail: TailKind::None,
            cconv: CallConv::C,
            flags: Flags::NONE,
        }
    }

    /// The name of the called function, for a direct call.
    pub fn callee_name(&self) -> Option<&str> {
        match &self.callee {
            Operand::Const(Constant::Global(name)) => Some(name),
            _ => None,
        }
    }

    /// The inline assembly called, if the callee is inline assembly.
    pub fn asm(&self) -> Option<&crate::value::InlineAsm> {
        match &self.callee {
            Operand::Const(Constant::Asm(asm)) => Some(asm),
            _ => None,
        }
    }
}

/// The ordering of an atomic operation. (No `Ord`: acquire and release are incomparable.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AtomicOrdering {
    Unordered,
    Monotonic,
    Acquire,
    Release,
    AcqRel,
    SeqCst,
}

impl AtomicOrdering {
    /// LLVM's spelling.
    pub fn name(self) -> &'static str {
        match self {
            AtomicOrdering::Unordered => "unordered",
            AtomicOrdering::Monotonic => "monotonic",
            AtomicOrdering::Acquire => "acquire",
            AtomicOrdering::Release => "release",
            AtomicOrdering::AcqRel => "acq_rel",
            AtomicOrdering::SeqCst => "seq_cst",
        }
    }
}

/// The synchronization scope of an atomic operation: every thread (LLVM's default) or only
/// the current thread (`syncscope("singlethread")`, a signal fence).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SyncScope {
    #[default]
    System,
    SingleThread,
}

/// What makes a load, a store, an `atomicrmw` or a fence atomic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Atomic {
    pub ordering: AtomicOrdering,
    pub scope: SyncScope,
}

impl Atomic {
    /// A sequentially consistent operation across threads.
    pub const SEQ_CST: Atomic =
        Atomic { ordering: AtomicOrdering::SeqCst, scope: SyncScope::System };
}

/// The operation of an `atomicrmw`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RmwOp {
    Xchg,
    Add,
    Sub,
    And,
    Nand,
    Or,
    Xor,
    Max,
    Min,
    UMax,
    UMin,
    FAdd,
    FSub,
    FMax,
    FMin,
    FMaximum,
    FMinimum,
    UIncWrap,
    UDecWrap,
    USubCond,
    USubSat,
}

impl RmwOp {
    /// Every operation.
    pub const ALL: [RmwOp; 21] = [
        RmwOp::Xchg,
        RmwOp::Add,
        RmwOp::Sub,
        RmwOp::And,
        RmwOp::Nand,
        RmwOp::Or,
        RmwOp::Xor,
        RmwOp::Max,
        RmwOp::Min,
        RmwOp::UMax,
        RmwOp::UMin,
        RmwOp::FAdd,
        RmwOp::FSub,
        RmwOp::FMax,
        RmwOp::FMin,
        RmwOp::FMaximum,
        RmwOp::FMinimum,
        RmwOp::UIncWrap,
        RmwOp::UDecWrap,
        RmwOp::USubCond,
        RmwOp::USubSat,
    ];

    /// LLVM's spelling.
    pub fn name(self) -> &'static str {
        match self {
            RmwOp::Xchg => "xchg",
            RmwOp::Add => "add",
            RmwOp::Sub => "sub",
            RmwOp::And => "and",
            RmwOp::Nand => "nand",
            RmwOp::Or => "or",
            RmwOp::Xor => "xor",
            RmwOp::Max => "max",
            RmwOp::Min => "min",
            RmwOp::UMax => "umax",
            RmwOp::UMin => "umin",
            RmwOp::FAdd => "fadd",
            RmwOp::FSub => "fsub",
            RmwOp::FMax => "fmax",
            RmwOp::FMin => "fmin",
            RmwOp::FMaximum => "fmaximum",
            RmwOp::FMinimum => "fminimum",
            RmwOp::UIncWrap => "uinc_wrap",
            RmwOp::UDecWrap => "udec_wrap",
            RmwOp::USubCond => "usub_cond",
            RmwOp::USubSat => "usub_sat",
        }
    }

    /// Operates on floats (the others on integers; `xchg` on any integer, float or pointer).
    pub fn is_float(self) -> bool {
        matches!(
            self,
            RmwOp::FAdd
                | RmwOp::FSub
                | RmwOp::FMax
                | RmwOp::FMin
                | RmwOp::FMaximum
                | RmwOp::FMinimum
        )
    }
}

/// One clause of a `landingpad`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Clause {
    /// `catch ptr @typeinfo` (`ptr null` catches everything).
    Catch(Constant),
    /// `filter [N x ptr] [...]`: the exception types allowed through (an empty array: none,
    /// C++'s `noexcept` and rustc's "cannot unwind" landing pads).
    Filter(Constant),
}

/// One case of a switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SwitchCase {
    /// The case value, in the low bits (the width is the condition's).
    pub value: u128,
    pub dest: BlockId,
}

/// What an instruction does. The result type is [`Inst::ty`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// Integer and float binary operators (scalar or vector).
    Bin { op: BinOp, flags: Flags, lhs: Operand, rhs: Operand },
    /// `fneg`.
    FNeg { flags: Flags, val: Operand },
    /// `icmp`; result `i1` or a vector of `i1`.
    ICmp { pred: IntPredicate, flags: Flags, lhs: Operand, rhs: Operand },
    /// `fcmp`.
    FCmp { pred: FloatPredicate, flags: Flags, lhs: Operand, rhs: Operand },
    /// `select`.
    Select { flags: Flags, cond: Operand, then_val: Operand, else_val: Operand },
    /// A conversion to [`Inst::ty`].
    Cast { op: CastOp, flags: Flags, val: Operand },
    /// `load` of [`Inst::ty`]; `align` in bytes (0: unspecified); `load atomic` when `atomic`.
    Load { ptr: Operand, align: u64, volatile: bool, atomic: Option<Atomic> },
    /// `store`; `store atomic` when `atomic`.
    Store { val: Operand, ptr: Operand, align: u64, volatile: bool, atomic: Option<Atomic> },
    /// `atomicrmw`: returns the value in memory before the operation.
    AtomicRmw { op: RmwOp, ptr: Operand, val: Operand, align: u64, volatile: bool, atomic: Atomic },
    /// `cmpxchg`: returns `{ T, i1 }`, the value loaded and whether it was stored.
    CmpXchg {
        ptr: Operand,
        cmp: Operand,
        new: Operand,
        align: u64,
        volatile: bool,
        weak: bool,
        success: AtomicOrdering,
        failure: AtomicOrdering,
        scope: SyncScope,
    },
    /// `fence`.
    Fence { atomic: Atomic },
    /// `alloca`: `count` elements of `ty` on the stack frame.
    Alloca { ty: Type, count: Operand, align: u64 },
    /// `getelementptr`.
    Gep { source_ty: Type, flags: Flags, base: Operand, indices: Vec<Operand> },
    /// `call`.
    Call(Box<Call>),
    /// `invoke`: a call that continues at `normal` when it returns and at `unwind` (a block
    /// starting with a `landingpad`) when it unwinds. Its result is defined on the `normal`
    /// edge only.
    Invoke { call: Box<Call>, normal: BlockId, unwind: BlockId },
    /// `landingpad`: the first instruction of an invoke's unwind destination; [`Inst::ty`]
    /// is the personality's exception record (`{ ptr, i32 }` on Linux).
    LandingPad { cleanup: bool, clauses: Vec<Clause> },
    /// `phi`: one incoming value per predecessor edge.
    Phi { flags: Flags, incoming: Vec<(Operand, BlockId)> },
    /// `freeze`.
    Freeze { val: Operand },
    /// `va_arg` of [`Inst::ty`] from a `va_list` pointer.
    VaArg { list: Operand },
    /// `extractvalue`.
    ExtractValue { agg: Operand, indices: Vec<u32> },
    /// `insertvalue`.
    InsertValue { agg: Operand, val: Operand, indices: Vec<u32> },
    /// `extractelement`.
    ExtractElement { vec: Operand, index: Operand },
    /// `insertelement`.
    InsertElement { vec: Operand, val: Operand, index: Operand },
    /// `shufflevector`; a mask element of -1 is `poison`.
    ShuffleVector { a: Operand, b: Operand, mask: Vec<i32> },
    /// `ret` / `ret void`.
    Ret { val: Option<Operand> },
    /// Unconditional `br`.
    Br { dest: BlockId },
    /// Conditional `br`.
    CondBr { cond: Operand, then_dest: BlockId, else_dest: BlockId },
    /// `switch`.
    Switch { val: Operand, default: BlockId, cases: Vec<SwitchCase> },
    /// `indirectbr`: a jump to `addr`, a `blockaddress` of this function that is one of
    /// `dests`.
    IndirectBr { addr: Operand, dests: Vec<BlockId> },
    /// `resume`: goes on unwinding with a landing pad's exception record.
    Resume { val: Operand },
    /// `unreachable`.
    Unreachable,
}

/// An instruction: an operation and, if it produces one, its result value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Inst {
    /// The value defined, `None` for instructions of type `void`.
    pub result: Option<ValueId>,
    /// The source-level name of the result (`%sum`), if any; it carries no meaning.
    pub name: Option<String>,
    /// The result type (`void` when there is no result).
    pub ty: Type,
    pub op: Op,
}

impl Inst {
    /// An instruction without a result.
    pub fn void(op: Op) -> Inst {
        Inst { result: None, name: None, ty: Type::Void, op }
    }
}

impl Op {
    /// Ends a block.
    pub fn is_terminator(&self) -> bool {
        matches!(
            self,
            Op::Ret { .. }
                | Op::Br { .. }
                | Op::CondBr { .. }
                | Op::Switch { .. }
                | Op::IndirectBr { .. }
                | Op::Invoke { .. }
                | Op::Resume { .. }
                | Op::Unreachable
        )
    }

    /// LLVM's opcode name.
    pub fn opcode_name(&self) -> &'static str {
        match self {
            Op::Bin { op, .. } => op.name(),
            Op::FNeg { .. } => "fneg",
            Op::ICmp { .. } => "icmp",
            Op::FCmp { .. } => "fcmp",
            Op::Select { .. } => "select",
            Op::Cast { op, .. } => op.name(),
            Op::Load { .. } => "load",
            Op::Store { .. } => "store",
            Op::Alloca { .. } => "alloca",
            Op::Gep { .. } => "getelementptr",
            Op::Call(_) => "call",
            Op::AtomicRmw { .. } => "atomicrmw",
            Op::CmpXchg { .. } => "cmpxchg",
            Op::Fence { .. } => "fence",
            Op::Invoke { .. } => "invoke",
            Op::LandingPad { .. } => "landingpad",
            Op::IndirectBr { .. } => "indirectbr",
            Op::Resume { .. } => "resume",
            Op::Phi { .. } => "phi",
            Op::Freeze { .. } => "freeze",
            Op::VaArg { .. } => "va_arg",
            Op::ExtractValue { .. } => "extractvalue",
            Op::InsertValue { .. } => "insertvalue",
            Op::ExtractElement { .. } => "extractelement",
            Op::InsertElement { .. } => "insertelement",
            Op::ShuffleVector { .. } => "shufflevector",
            Op::Ret { .. } => "ret",
            Op::Br { .. } | Op::CondBr { .. } => "br",
            Op::Switch { .. } => "switch",
            Op::Unreachable => "unreachable",
        }
    }

    /// The blocks control may go to after this instruction (empty unless a terminator).
    /// A block may appear more than once (a switch with two cases to the same block).
    pub fn successors(&self) -> Vec<BlockId> {
        match self {
            Op::Br { dest } => vec![*dest],
            Op::CondBr { then_dest, else_dest, .. } => vec![*then_dest, *else_dest],
            Op::Switch { default, cases, .. } => {
                std::iter::once(*default).chain(cases.iter().map(|c| c.dest)).collect()
            }
            Op::IndirectBr { dests, .. } => dests.clone(),
            Op::Invoke { normal, unwind, .. } => vec![*normal, *unwind],
            _ => Vec::new(),
        }
    }

    /// Every operand, in LLVM's order (for a call: arguments, then the callee).
    pub fn operands(&self) -> Vec<&Operand> {
        match self {
            Op::Bin { lhs, rhs, .. } | Op::ICmp { lhs, rhs, .. } | Op::FCmp { lhs, rhs, .. } => {
                vec![lhs, rhs]
            }
            Op::FNeg { val, .. } | Op::Cast { val, .. } | Op::Freeze { val } => vec![val],
            Op::Select { cond, then_val, else_val, .. } => vec![cond, then_val, else_val],
            Op::Load { ptr, .. } => vec![ptr],
            Op::Store { val, ptr, .. } => vec![val, ptr],
            Op::AtomicRmw { ptr, val, .. } => vec![ptr, val],
            Op::CmpXchg { ptr, cmp, new, .. } => vec![ptr, cmp, new],
            Op::Alloca { count, .. } => vec![count],
            Op::Gep { base, indices, .. } => std::iter::once(base).chain(indices).collect(),
            Op::Call(c) | Op::Invoke { call: c, .. } => {
                c.args.iter().chain(std::iter::once(&c.callee)).collect()
            }
            Op::IndirectBr { addr, .. } => vec![addr],
            Op::Resume { val } => vec![val],
            Op::Phi { incoming, .. } => incoming.iter().map(|(v, _)| v).collect(),
            Op::VaArg { list } => vec![list],
            Op::ExtractValue { agg, .. } => vec![agg],
            Op::InsertValue { agg, val, .. } => vec![agg, val],
            Op::ExtractElement { vec, index } => vec![vec, index],
            Op::InsertElement { vec, val, index } => vec![vec, val, index],
            Op::ShuffleVector { a, b, .. } => vec![a, b],
            Op::Ret { val } => val.iter().collect(),
            Op::CondBr { cond, .. } => vec![cond],
            Op::Switch { val, .. } => vec![val],
            Op::Br { .. } | Op::Unreachable | Op::Fence { .. } | Op::LandingPad { .. } => {
                Vec::new()
            }
        }
    }

    /// Every operand, mutably, in the order of [`Op::operands`].
    pub fn operands_mut(&mut self) -> Vec<&mut Operand> {
        match self {
            Op::Bin { lhs, rhs, .. } | Op::ICmp { lhs, rhs, .. } | Op::FCmp { lhs, rhs, .. } => {
                vec![lhs, rhs]
            }
            Op::FNeg { val, .. } | Op::Cast { val, .. } | Op::Freeze { val } => vec![val],
            Op::Select { cond, then_val, else_val, .. } => vec![cond, then_val, else_val],
            Op::Load { ptr, .. } => vec![ptr],
            Op::Store { val, ptr, .. } => vec![val, ptr],
            Op::AtomicRmw { ptr, val, .. } => vec![ptr, val],
            Op::CmpXchg { ptr, cmp, new, .. } => vec![ptr, cmp, new],
            Op::Alloca { count, .. } => vec![count],
            Op::Gep { base, indices, .. } => std::iter::once(base).chain(indices).collect(),
            Op::IndirectBr { addr, .. } => vec![addr],
            Op::Resume { val } => vec![val],
            Op::Call(c) | Op::Invoke { call: c, .. } => {
                let c = &mut **c;
                c.args.iter_mut().chain(std::iter::once(&mut c.callee)).collect()
            }
            Op::Phi { incoming, .. } => incoming.iter_mut().map(|(v, _)| v).collect(),
            Op::VaArg { list } => vec![list],
            Op::ExtractValue { agg, .. } => vec![agg],
            Op::InsertValue { agg, val, .. } => vec![agg, val],
            Op::ExtractElement { vec, index } => vec![vec, index],
            Op::InsertElement { vec, val, index } => vec![vec, val, index],
            Op::ShuffleVector { a, b, .. } => vec![a, b],
            Op::Ret { val } => val.iter_mut().collect(),
            Op::CondBr { cond, .. } => vec![cond],
            Op::Switch { val, .. } => vec![val],
            Op::Br { .. } | Op::Unreachable | Op::Fence { .. } | Op::LandingPad { .. } => {
                Vec::new()
            }
        }
    }

    /// Every block referenced (successors and phi incoming blocks).
    pub fn block_refs(&self) -> Vec<BlockId> {
        match self {
            Op::Phi { incoming, .. } => incoming.iter().map(|(_, b)| *b).collect(),
            _ => self.successors(),
        }
    }

    /// Every block reference, mutably.
    pub fn block_refs_mut(&mut self) -> Vec<&mut BlockId> {
        match self {
            Op::Phi { incoming, .. } => incoming.iter_mut().map(|(_, b)| b).collect(),
            Op::Br { dest } => vec![dest],
            Op::CondBr { then_dest, else_dest, .. } => vec![then_dest, else_dest],
            Op::Switch { default, cases, .. } => {
                std::iter::once(default).chain(cases.iter_mut().map(|c| &mut c.dest)).collect()
            }
            Op::IndirectBr { dests, .. } => dests.iter_mut().collect(),
            Op::Invoke { normal, unwind, .. } => vec![normal, unwind],
            _ => Vec::new(),
        }
    }

    /// Whether it reads or writes memory or has other effects beyond its result.
    pub fn has_side_effects(&self) -> bool {
        match self {
            Op::Store { .. }
            | Op::Call(_)
            | Op::VaArg { .. }
            | Op::AtomicRmw { .. }
            | Op::CmpXchg { .. }
            | Op::Fence { .. }
            | Op::LandingPad { .. } => true,
            Op::Load { volatile, atomic, .. } => *volatile || atomic.is_some(),
            o => o.is_terminator(),
        }
    }
}
