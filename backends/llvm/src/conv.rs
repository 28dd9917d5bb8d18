//! One table per enum between the canonical IR and LLVM's C API, used in both directions.

use llvm_sys::LLVMOpcode::{self, *};
use llvm_sys::comdat::LLVMComdatSelectionKind;
use llvm_sys::{
    LLVMAtomicOrdering, LLVMAtomicRMWBinOp, LLVMIntPredicate, LLVMLinkage, LLVMRealPredicate,
    LLVMThreadLocalMode, LLVMVisibility,
};
use opm_ir::{
    AtomicOrdering, BinOp, CastOp, ComdatSelection, Flags, FloatPredicate, IntPredicate, Linkage,
    RmwOp, SyncScope, TlsModel, Visibility,
};

/// LLVM's opcode of a binary operator.
pub fn bin_opcode(op: BinOp) -> LLVMOpcode {
    match op {
        BinOp::Add => LLVMAdd,
        BinOp::Sub => LLVMSub,
        BinOp::Mul => LLVMMul,
        BinOp::UDiv => LLVMUDiv,
        BinOp::SDiv => LLVMSDiv,
        BinOp::URem => LLVMURem,
        BinOp::SRem => LLVMSRem,
        BinOp::Shl => LLVMShl,
        BinOp::LShr => LLVMLShr,
        BinOp::AShr => LLVMAShr,
        BinOp::And => LLVMAnd,
        BinOp::Or => LLVMOr,
        BinOp::Xor => LLVMXor,
        BinOp::FAdd => LLVMFAdd,
        BinOp::FSub => LLVMFSub,
        BinOp::FMul => LLVMFMul,
        BinOp::FDiv => LLVMFDiv,
        BinOp::FRem => LLVMFRem,
    }
}

/// The binary operator of an LLVM opcode.
pub fn bin_op(op: LLVMOpcode) -> Option<BinOp> {
    BinOp::ALL.into_iter().find(|b| bin_opcode(*b) == op)
}

/// LLVM's opcode of a cast.
pub fn cast_opcode(op: CastOp) -> LLVMOpcode {
    match op {
        CastOp::Trunc => LLVMTrunc,
        CastOp::ZExt => LLVMZExt,
        CastOp::SExt => LLVMSExt,
        CastOp::FPTrunc => LLVMFPTrunc,
        CastOp::FPExt => LLVMFPExt,
        CastOp::FPToUI => LLVMFPToUI,
        CastOp::FPToSI => LLVMFPToSI,
        CastOp::UIToFP => LLVMUIToFP,
        CastOp::SIToFP => LLVMSIToFP,
        CastOp::PtrToInt => LLVMPtrToInt,
        CastOp::IntToPtr => LLVMIntToPtr,
        CastOp::BitCast => LLVMBitCast,
    }
}

/// The cast of an LLVM opcode.
pub fn cast_op(op: LLVMOpcode) -> Option<CastOp> {
    CastOp::ALL.into_iter().find(|c| cast_opcode(*c) == op)
}

/// LLVM's integer predicate.
pub fn int_predicate_to_llvm(p: IntPredicate) -> LLVMIntPredicate {
    match p {
        IntPredicate::Eq => LLVMIntPredicate::LLVMIntEQ,
        IntPredicate::Ne => LLVMIntPredicate::LLVMIntNE,
        IntPredicate::Ugt => LLVMIntPredicate::LLVMIntUGT,
        IntPredicate::Uge => LLVMIntPredicate::LLVMIntUGE,
        IntPredicate::Ult => LLVMIntPredicate::LLVMIntULT,
        IntPredicate::Ule => LLVMIntPredicate::LLVMIntULE,
        IntPredicate::Sgt => LLVMIntPredicate::LLVMIntSGT,
        IntPredicate::Sge => LLVMIntPredicate::LLVMIntSGE,
        IntPredicate::Slt => LLVMIntPredicate::LLVMIntSLT,
        IntPredicate::Sle => LLVMIntPredicate::LLVMIntSLE,
    }
}

/// The integer predicate of LLVM's.
pub fn int_predicate(p: LLVMIntPredicate) -> IntPredicate {
    match p {
        LLVMIntPredicate::LLVMIntEQ => IntPredicate::Eq,
        LLVMIntPredicate::LLVMIntNE => IntPredicate::Ne,
        LLVMIntPredicate::LLVMIntUGT => IntPredicate::Ugt,
        LLVMIntPredicate::LLVMIntUGE => IntPredicate::Uge,
        LLVMIntPredicate::LLVMIntULT => IntPredicate::Ult,
        LLVMIntPredicate::LLVMIntULE => IntPredicate::Ule,
        LLVMIntPredicate::LLVMIntSGT => IntPredicate::Sgt,
        LLVMIntPredicate::LLVMIntSGE => IntPredicate::Sge,
        LLVMIntPredicate::LLVMIntSLT => IntPredicate::Slt,
        LLVMIntPredicate::LLVMIntSLE => IntPredicate::Sle,
    }
}

/// LLVM's float predicate.
pub fn float_predicate_to_llvm(p: FloatPredicate) -> LLVMRealPredicate {
    match p {
        FloatPredicate::False => LLVMRealPredicate::LLVMRealPredicateFalse,
        FloatPredicate::Oeq => LLVMRealPredicate::LLVMRealOEQ,
        FloatPredicate::Ogt => LLVMRealPredicate::LLVMRealOGT,
        FloatPredicate::Oge => LLVMRealPredicate::LLVMRealOGE,
        FloatPredicate::Olt => LLVMRealPredicate::LLVMRealOLT,
        FloatPredicate::Ole => LLVMRealPredicate::LLVMRealOLE,
        FloatPredicate::One => LLVMRealPredicate::LLVMRealONE,
        FloatPredicate::Ord => LLVMRealPredicate::LLVMRealORD,
        FloatPredicate::Uno => LLVMRealPredicate::LLVMRealUNO,
        FloatPredicate::Ueq => LLVMRealPredicate::LLVMRealUEQ,
        FloatPredicate::Ugt => LLVMRealPredicate::LLVMRealUGT,
        FloatPredicate::Uge => LLVMRealPredicate::LLVMRealUGE,
        FloatPredicate::Ult => LLVMRealPredicate::LLVMRealULT,
        FloatPredicate::Ule => LLVMRealPredicate::LLVMRealULE,
        FloatPredicate::Une => LLVMRealPredicate::LLVMRealUNE,
        FloatPredicate::True => LLVMRealPredicate::LLVMRealPredicateTrue,
    }
}

/// The float predicate of LLVM's.
pub fn float_predicate(p: LLVMRealPredicate) -> FloatPredicate {
    match p {
        LLVMRealPredicate::LLVMRealPredicateFalse => FloatPredicate::False,
        LLVMRealPredicate::LLVMRealOEQ => FloatPredicate::Oeq,
        LLVMRealPredicate::LLVMRealOGT => FloatPredicate::Ogt,
        LLVMRealPredicate::LLVMRealOGE => FloatPredicate::Oge,
        LLVMRealPredicate::LLVMRealOLT => FloatPredicate::Olt,
        LLVMRealPredicate::LLVMRealOLE => FloatPredicate::Ole,
        LLVMRealPredicate::LLVMRealONE => FloatPredicate::One,
        LLVMRealPredicate::LLVMRealORD => FloatPredicate::Ord,
        LLVMRealPredicate::LLVMRealUNO => FloatPredicate::Uno,
        LLVMRealPredicate::LLVMRealUEQ => FloatPredicate::Ueq,
        LLVMRealPredicate::LLVMRealUGT => FloatPredicate::Ugt,
        LLVMRealPredicate::LLVMRealUGE => FloatPredicate::Uge,
        LLVMRealPredicate::LLVMRealULT => FloatPredicate::Ult,
        LLVMRealPredicate::LLVMRealULE => FloatPredicate::Ule,
        LLVMRealPredicate::LLVMRealUNE => FloatPredicate::Une,
        LLVMRealPredicate::LLVMRealPredicateTrue => FloatPredicate::True,
    }
}

/// LLVM's linkage.
pub fn linkage_to_llvm(l: Linkage) -> LLVMLinkage {
    match l {
        Linkage::External => LLVMLinkage::LLVMExternalLinkage,
        Linkage::Internal => LLVMLinkage::LLVMInternalLinkage,
        Linkage::Private => LLVMLinkage::LLVMPrivateLinkage,
        Linkage::Weak => LLVMLinkage::LLVMWeakAnyLinkage,
        Linkage::WeakOdr => LLVMLinkage::LLVMWeakODRLinkage,
        Linkage::LinkOnce => LLVMLinkage::LLVMLinkOnceAnyLinkage,
        Linkage::LinkOnceOdr => LLVMLinkage::LLVMLinkOnceODRLinkage,
        Linkage::Common => LLVMLinkage::LLVMCommonLinkage,
        Linkage::AvailableExternally => LLVMLinkage::LLVMAvailableExternallyLinkage,
        Linkage::ExternWeak => LLVMLinkage::LLVMExternalWeakLinkage,
        Linkage::Appending => LLVMLinkage::LLVMAppendingLinkage,
    }
}

/// The linkage of LLVM's (`None` for the obsolete and Windows-only kinds).
pub fn linkage(l: LLVMLinkage) -> Option<Linkage> {
    Some(match l {
        LLVMLinkage::LLVMExternalLinkage => Linkage::External,
        LLVMLinkage::LLVMInternalLinkage => Linkage::Internal,
        LLVMLinkage::LLVMPrivateLinkage => Linkage::Private,
        LLVMLinkage::LLVMWeakAnyLinkage => Linkage::Weak,
        LLVMLinkage::LLVMWeakODRLinkage => Linkage::WeakOdr,
        LLVMLinkage::LLVMLinkOnceAnyLinkage => Linkage::LinkOnce,
        LLVMLinkage::LLVMLinkOnceODRLinkage => Linkage::LinkOnceOdr,
        LLVMLinkage::LLVMCommonLinkage => Linkage::Common,
        LLVMLinkage::LLVMAvailableExternallyLinkage => Linkage::AvailableExternally,
        LLVMLinkage::LLVMExternalWeakLinkage => Linkage::ExternWeak,
        LLVMLinkage::LLVMAppendingLinkage => Linkage::Appending,
        _ => return None,
    })
}

/// LLVM's visibility.
pub fn visibility_to_llvm(v: Visibility) -> LLVMVisibility {
    match v {
        Visibility::Default => LLVMVisibility::LLVMDefaultVisibility,
        Visibility::Hidden => LLVMVisibility::LLVMHiddenVisibility,
        Visibility::Protected => LLVMVisibility::LLVMProtectedVisibility,
    }
}

/// The visibility of LLVM's.
pub fn visibility(v: LLVMVisibility) -> Visibility {
    match v {
        LLVMVisibility::LLVMDefaultVisibility => Visibility::Default,
        LLVMVisibility::LLVMHiddenVisibility => Visibility::Hidden,
        LLVMVisibility::LLVMProtectedVisibility => Visibility::Protected,
    }
}

const FAST_MATH: [(Flags, u32); 7] = [
    (Flags::REASSOC, llvm_sys::LLVMFastMathAllowReassoc),
    (Flags::NNAN, llvm_sys::LLVMFastMathNoNaNs),
    (Flags::NINF, llvm_sys::LLVMFastMathNoInfs),
    (Flags::NSZ, llvm_sys::LLVMFastMathNoSignedZeros),
    (Flags::ARCP, llvm_sys::LLVMFastMathAllowReciprocal),
    (Flags::CONTRACT, llvm_sys::LLVMFastMathAllowContract),
    (Flags::AFN, llvm_sys::LLVMFastMathApproxFunc),
];

/// LLVM's fast-math bits of our flags.
pub fn fast_math_to_llvm(f: Flags) -> u32 {
    FAST_MATH.iter().filter(|(o, _)| f.contains(*o)).map(|(_, l)| *l).fold(0, |a, b| a | b)
}

/// Our flags of LLVM's fast-math bits.
pub fn fast_math(bits: u32) -> Flags {
    FAST_MATH.iter().filter(|(_, l)| bits & l != 0).fold(Flags::NONE, |a, (o, _)| a | *o)
}

const GEP_FLAGS: [(Flags, u32); 3] = [
    (Flags::INBOUNDS, llvm_sys::LLVMGEPFlagInBounds),
    (Flags::NUSW, llvm_sys::LLVMGEPFlagNUSW),
    (Flags::NUW, llvm_sys::LLVMGEPFlagNUW),
];

/// LLVM's getelementptr no-wrap bits of our flags.
pub fn gep_flags_to_llvm(f: Flags) -> u32 {
    GEP_FLAGS.iter().filter(|(o, _)| f.contains(*o)).map(|(_, l)| *l).fold(0, |a, b| a | b)
}

/// Our flags of LLVM's getelementptr no-wrap bits.
pub fn gep_flags(bits: u32) -> Flags {
    GEP_FLAGS.iter().filter(|(_, l)| bits & l != 0).fold(Flags::NONE, |a, (o, _)| a | *o)
}

/// LLVM's atomic ordering.
pub fn ordering_to_llvm(o: AtomicOrdering) -> LLVMAtomicOrdering {
    match o {
        AtomicOrdering::Unordered => LLVMAtomicOrdering::LLVMAtomicOrderingUnordered,
        AtomicOrdering::Monotonic => LLVMAtomicOrdering::LLVMAtomicOrderingMonotonic,
        AtomicOrdering::Acquire => LLVMAtomicOrdering::LLVMAtomicOrderingAcquire,
        AtomicOrdering::Release => LLVMAtomicOrdering::LLVMAtomicOrderingRelease,
        AtomicOrdering::AcqRel => LLVMAtomicOrdering::LLVMAtomicOrderingAcquireRelease,
        AtomicOrdering::SeqCst => LLVMAtomicOrdering::LLVMAtomicOrderingSequentiallyConsistent,
    }
}

/// The atomic ordering of LLVM's; `None` for "not atomic".
pub fn ordering(o: LLVMAtomicOrdering) -> Option<AtomicOrdering> {
    use LLVMAtomicOrdering::*;
    Some(match o {
        LLVMAtomicOrderingNotAtomic => return None,
        LLVMAtomicOrderingUnordered => AtomicOrdering::Unordered,
        LLVMAtomicOrderingMonotonic => AtomicOrdering::Monotonic,
        LLVMAtomicOrderingAcquire => AtomicOrdering::Acquire,
        LLVMAtomicOrderingRelease => AtomicOrdering::Release,
        LLVMAtomicOrderingAcquireRelease => AtomicOrdering::AcqRel,
        LLVMAtomicOrderingSequentiallyConsistent => AtomicOrdering::SeqCst,
    })
}

/// LLVM's number of a synchronization scope (`SyncScope::SingleThread` is 0, `System` 1).
pub fn sync_scope_id(s: SyncScope) -> u32 {
    match s {
        SyncScope::SingleThread => 0,
        SyncScope::System => 1,
    }
}

/// The synchronization scope of LLVM's number; `None` for a target-specific scope.
pub fn sync_scope(id: u32) -> Option<SyncScope> {
    match id {
        0 => Some(SyncScope::SingleThread),
        1 => Some(SyncScope::System),
        _ => None,
    }
}

/// LLVM's `atomicrmw` operation.
pub fn rmw_op_to_llvm(op: RmwOp) -> LLVMAtomicRMWBinOp {
    use LLVMAtomicRMWBinOp::*;
    match op {
        RmwOp::Xchg => LLVMAtomicRMWBinOpXchg,
        RmwOp::Add => LLVMAtomicRMWBinOpAdd,
        RmwOp::Sub => LLVMAtomicRMWBinOpSub,
        RmwOp::And => LLVMAtomicRMWBinOpAnd,
        RmwOp::Nand => LLVMAtomicRMWBinOpNand,
        RmwOp::Or => LLVMAtomicRMWBinOpOr,
        RmwOp::Xor => LLVMAtomicRMWBinOpXor,
        RmwOp::Max => LLVMAtomicRMWBinOpMax,
        RmwOp::Min => LLVMAtomicRMWBinOpMin,
        RmwOp::UMax => LLVMAtomicRMWBinOpUMax,
        RmwOp::UMin => LLVMAtomicRMWBinOpUMin,
        RmwOp::FAdd => LLVMAtomicRMWBinOpFAdd,
        RmwOp::FSub => LLVMAtomicRMWBinOpFSub,
        RmwOp::FMax => LLVMAtomicRMWBinOpFMax,
        RmwOp::FMin => LLVMAtomicRMWBinOpFMin,
        RmwOp::FMaximum => LLVMAtomicRMWBinOpFMaximum,
        RmwOp::FMinimum => LLVMAtomicRMWBinOpFMinimum,
        RmwOp::UIncWrap => LLVMAtomicRMWBinOpUIncWrap,
        RmwOp::UDecWrap => LLVMAtomicRMWBinOpUDecWrap,
        RmwOp::USubCond => LLVMAtomicRMWBinOpUSubCond,
        RmwOp::USubSat => LLVMAtomicRMWBinOpUSubSat,
    }
}

/// The `atomicrmw` operation of LLVM's.
pub fn rmw_op(op: LLVMAtomicRMWBinOp) -> Option<RmwOp> {
    RmwOp::ALL.into_iter().find(|r| rmw_op_to_llvm(*r) == op)
}

/// LLVM's comdat selection kind.
pub fn comdat_to_llvm(s: ComdatSelection) -> LLVMComdatSelectionKind {
    use LLVMComdatSelectionKind::*;
    match s {
        ComdatSelection::Any => LLVMAnyComdatSelectionKind,
        ComdatSelection::ExactMatch => LLVMExactMatchComdatSelectionKind,
        ComdatSelection::Largest => LLVMLargestComdatSelectionKind,
        ComdatSelection::NoDeduplicate => LLVMNoDuplicatesComdatSelectionKind,
        ComdatSelection::SameSize => LLVMSameSizeComdatSelectionKind,
    }
}

/// The comdat selection kind of LLVM's.
pub fn comdat(s: LLVMComdatSelectionKind) -> ComdatSelection {
    use LLVMComdatSelectionKind::*;
    match s {
        LLVMAnyComdatSelectionKind => ComdatSelection::Any,
        LLVMExactMatchComdatSelectionKind => ComdatSelection::ExactMatch,
        LLVMLargestComdatSelectionKind => ComdatSelection::Largest,
        LLVMNoDuplicatesComdatSelectionKind => ComdatSelection::NoDeduplicate,
        LLVMSameSizeComdatSelectionKind => ComdatSelection::SameSize,
    }
}

/// LLVM's thread-local mode (the same numbering as `GlobalValue::ThreadLocalMode`).
pub fn tls_mode_to_llvm(m: Option<TlsModel>) -> LLVMThreadLocalMode {
    use LLVMThreadLocalMode::*;
    match m {
        None => LLVMNotThreadLocal,
        Some(TlsModel::GeneralDynamic) => LLVMGeneralDynamicTLSModel,
        Some(TlsModel::LocalDynamic) => LLVMLocalDynamicTLSModel,
        Some(TlsModel::InitialExec) => LLVMInitialExecTLSModel,
        Some(TlsModel::LocalExec) => LLVMLocalExecTLSModel,
    }
}

/// The thread-local model of LLVM's mode.
pub fn tls_mode(m: LLVMThreadLocalMode) -> Option<TlsModel> {
    use LLVMThreadLocalMode::*;
    match m {
        LLVMNotThreadLocal => None,
        LLVMGeneralDynamicTLSModel => Some(TlsModel::GeneralDynamic),
        LLVMLocalDynamicTLSModel => Some(TlsModel::LocalDynamic),
        LLVMInitialExecTLSModel => Some(TlsModel::InitialExec),
        LLVMLocalExecTLSModel => Some(TlsModel::LocalExec),
    }
}
