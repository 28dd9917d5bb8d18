//! Atomics: `load atomic`, `store atomic`, `atomicrmw`, `cmpxchg` and `fence` with
//! Cranelift's atomic instructions.
//!
//! Cranelift's atomic instructions are all sequentially consistent, which is at least as
//! strong as any LLVM ordering, so every ordering maps to them. They work on integers of 8,
//! 16, 32 and 64 bits (128 needs `cmpxchg16b`, which the x86-64 baseline lacks, and LLVM
//! itself calls libatomic for it then); that is every integer LLVM allows in an atomic
//! operation up to 64 bits (a power of two of at least 8 bits), so no container has bits
//! above its value and the zero-extension invariant holds by construction. A `float`,
//! `double` or `ptr` travels as the integer of its size. An access whose alignment is
//! smaller than its size is refused: LLVM turns it into a call of libatomic's lock-based
//! functions, which a plain instruction is not atomic with.
//!
//! The `atomicrmw` operations Cranelift lacks (on floats, `uinc_wrap`, `udec_wrap`,
//! `usub_cond`, `usub_sat`) become a compare-and-swap loop, as LLVM's own expansion does:
//! the new value is computed from the value last seen and stored only if memory still holds
//! exactly those bits (compared as integers, so that a NaN does not loop forever).
//!
//! A `fence syncscope("singlethread")` (C's `atomic_signal_fence`) orders the thread with
//! its own signal handlers only: a compiler barrier, Cranelift's `sequence_point`, which its
//! alias analysis treats as a fence and which emits no instruction. So is an acquire,
//! release or acq_rel fence on x86-64, whose memory model (TSO) already orders everything
//! but a store followed by a load: LLVM emits no instruction for them either. A
//! sequentially consistent fence, and any fence on another target, is Cranelift's `fence`.

use super::{FnLower, Lowered};
use crate::types::scalar;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{AtomicRmwOp, InstBuilder, MemFlagsData, Value, types as ct};
use opm_ir::{Atomic, AtomicOrdering, Operand, RmwOp, SyncScope, Type};

impl FnLower<'_, '_> {
    /// The Cranelift integer type an atomic access to a `ty` at alignment `align` (0: the
    /// ABI alignment) works on, or why there is none; `what` names the operation.
    fn atomic_type(&self, ty: &Type, align: u64, what: &str) -> Lowered<ct::Type> {
        let ity = match ty {
            Type::Int(n @ (8 | 16 | 32 | 64)) => crate::types::container(*n),
            Type::Ptr | Type::Double => ct::I64,
            Type::Float => ct::I32,
            Type::Int(n) => {
                return Err(format!(
                    "{what} on `i{n}` (atomics on integers of 8, 16, 32 or 64 bits only)"
                ));
            }
            other => return Err(format!("{what} on `{other}`")),
        };
        let layout = &self.cx.layout;
        let align = if align == 0 { layout.align_of(ty)? } else { align };
        let size = layout.size_of(ty)?;
        if align < size {
            return Err(format!(
                "{what} on `{ty}` aligned to {align} bytes (an under-aligned atomic, which \
                 LLVM implements with libatomic's locks)"
            ));
        }
        Ok(ity)
    }

    /// The integer bits of a leaf of type `ty` (a float is reinterpreted).
    fn bits_of(&mut self, ty: &Type, v: Value, ity: ct::Type) -> Value {
        if ty.is_float() { self.b.ins().bitcast(ity, MemFlagsData::new(), v) } else { v }
    }

    /// A leaf of type `ty` from integer bits.
    fn leaf_of(&mut self, ty: &Type, v: Value) -> Lowered<Value> {
        if ty.is_float() {
            let fty = scalar(ty)?;
            Ok(self.b.ins().bitcast(fty, MemFlagsData::new(), v))
        } else {
            Ok(v)
        }
    }

    /// `load atomic`.
    pub(crate) fn atomic_load(&mut self, ty: &Type, ptr: &Operand, align: u64) -> Lowered<Value> {
        let ity = self.atomic_type(ty, align, "an atomic load")?;
        let addr = self.scalar_operand(ptr)?;
        let v = self.b.ins().atomic_load(ity, MemFlagsData::new(), addr);
        self.leaf_of(ty, v)
    }

    /// `store atomic`.
    pub(crate) fn atomic_store(&mut self, val: &Operand, ptr: &Operand, align: u64) -> Lowered<()> {
        let ty = self.operand_type(val)?;
        let ity = self.atomic_type(&ty, align, "an atomic store")?;
        let v = self.scalar_operand(val)?;
        let v = self.bits_of(&ty, v, ity);
        let addr = self.scalar_operand(ptr)?;
        self.b.ins().atomic_store(MemFlagsData::new(), v, addr);
        Ok(())
    }

    /// `atomicrmw`: the value in memory before the operation.
    pub(crate) fn atomic_rmw(
        &mut self,
        op: RmwOp,
        ptr: &Operand,
        val: &Operand,
        align: u64,
    ) -> Lowered<Value> {
        let ty = self.operand_type(val)?;
        let what = format!("`atomicrmw {}`", op.name());
        let fits = match op {
            RmwOp::Xchg => true,
            _ if op.is_float() => ty.is_float(),
            _ => ty.is_int(),
        };
        if !fits {
            return Err(format!("{what} on `{ty}`"));
        }
        let ity = self.atomic_type(&ty, align, &what)?;
        let addr = self.scalar_operand(ptr)?;
        let x = self.scalar_operand(val)?;
        let native = match op {
            RmwOp::Xchg => Some(AtomicRmwOp::Xchg),
            RmwOp::Add => Some(AtomicRmwOp::Add),
            RmwOp::Sub => Some(AtomicRmwOp::Sub),
            RmwOp::And => Some(AtomicRmwOp::And),
            RmwOp::Nand => Some(AtomicRmwOp::Nand),
            RmwOp::Or => Some(AtomicRmwOp::Or),
            RmwOp::Xor => Some(AtomicRmwOp::Xor),
            RmwOp::Max => Some(AtomicRmwOp::Smax),
            RmwOp::Min => Some(AtomicRmwOp::Smin),
            RmwOp::UMax => Some(AtomicRmwOp::Umax),
            RmwOp::UMin => Some(AtomicRmwOp::Umin),
            RmwOp::FAdd
            | RmwOp::FSub
            | RmwOp::FMax
            | RmwOp::FMin
            | RmwOp::FMaximum
            | RmwOp::FMinimum
            | RmwOp::UIncWrap
            | RmwOp::UDecWrap
            | RmwOp::USubCond
            | RmwOp::USubSat => None,
        };
        let flags = MemFlagsData::new();
        if let Some(native) = native {
            let xi = self.bits_of(&ty, x, ity);
            let old = self.b.ins().atomic_rmw(ity, flags, native, addr, xi);
            return self.leaf_of(&ty, old);
        }
        // A compare-and-swap loop: `old` is the value last seen in memory.
        let first = self.b.ins().atomic_load(ity, flags, addr);
        let retry = self.b.create_block();
        let old = self.b.append_block_param(retry, ity);
        let done = self.b.create_block();
        let seen = self.b.append_block_param(done, ity);
        self.b.ins().jump(retry, &[first.into()]);
        self.b.switch_to_block(retry);
        let new = self.rmw_value(op, &ty, ity, old, x)?;
        let prev = self.b.ins().atomic_cas(flags, addr, old, new);
        let stored = self.b.ins().icmp(IntCC::Equal, prev, old);
        self.b.ins().brif(stored, done, &[prev.into()], retry, &[prev.into()]);
        self.b.switch_to_block(done);
        self.leaf_of(&ty, seen)
    }

    /// The value an `atomicrmw` without a Cranelift instruction stores, as integer bits of
    /// type `ity`, from the bits `old` in memory and the operand `x` (of type `ty`).
    fn rmw_value(
        &mut self,
        op: RmwOp,
        ty: &Type,
        ity: ct::Type,
        old: Value,
        x: Value,
    ) -> Lowered<Value> {
        if op.is_float() {
            let fty = scalar(ty)?;
            let a = self.b.ins().bitcast(fty, MemFlagsData::new(), old);
            let r = match op {
                RmwOp::FAdd => self.b.ins().fadd(a, x),
                RmwOp::FSub => self.b.ins().fsub(a, x),
                // maxnum / minnum as LLVM's x86-64 code generator builds them (x86's
                // `maxsd`/`minsd` and a NaN check), so that the choice between equal
                // operands (+0 and -0), which LLVM leaves open, is the one clang's build
                // makes: `isnan(old) ? x : (x > old ? x : old)` (`<` for fmin).
                RmwOp::FMax | RmwOp::FMin => {
                    let cc =
                        if op == RmwOp::FMax { FloatCC::GreaterThan } else { FloatCC::LessThan };
                    let better = self.b.ins().fcmp(cc, x, a);
                    let pick = self.b.ins().select(better, x, a);
                    let nan = self.b.ins().fcmp(FloatCC::Unordered, a, a);
                    self.b.ins().select(nan, x, pick)
                }
                // IEEE maximum / minimum: Cranelift's fmax / fmin.
                RmwOp::FMaximum => self.b.ins().fmax(a, x),
                _ => self.b.ins().fmin(a, x),
            };
            return Ok(self.b.ins().bitcast(ity, MemFlagsData::new(), r));
        }
        let i = self.b.ins();
        Ok(match op {
            // old >= x ? 0 : old + 1
            RmwOp::UIncWrap => {
                let wrap = i.icmp(IntCC::UnsignedGreaterThanOrEqual, old, x);
                let inc = self.b.ins().iadd_imm_s(old, 1);
                let zero = self.iconst(ity, 0);
                self.b.ins().select(wrap, zero, inc)
            }
            // old == 0 || old > x ? x : old - 1
            RmwOp::UDecWrap => {
                let zero = i.icmp_imm_s(IntCC::Equal, old, 0);
                let above = self.b.ins().icmp(IntCC::UnsignedGreaterThan, old, x);
                let wrap = self.b.ins().bor(zero, above);
                let dec = self.b.ins().iadd_imm_s(old, -1);
                self.b.ins().select(wrap, x, dec)
            }
            // old >= x ? old - x : old
            RmwOp::USubCond => {
                let ge = i.icmp(IntCC::UnsignedGreaterThanOrEqual, old, x);
                let sub = self.b.ins().isub(old, x);
                self.b.ins().select(ge, sub, old)
            }
            // old > x ? old - x : 0
            RmwOp::USubSat => {
                let gt = i.icmp(IntCC::UnsignedGreaterThan, old, x);
                let sub = self.b.ins().isub(old, x);
                let zero = self.iconst(ity, 0);
                self.b.ins().select(gt, sub, zero)
            }
            other => {
                return Err(format!("`atomicrmw {}` in a compare-and-swap loop", other.name()));
            }
        })
    }

    /// `cmpxchg`: `{ loaded, loaded == cmp }`. A weak one may fail spuriously; never failing
    /// spuriously is one of the behaviours it allows.
    pub(crate) fn cmpxchg(
        &mut self,
        ptr: &Operand,
        cmp: &Operand,
        new: &Operand,
        align: u64,
    ) -> Lowered<Vec<Value>> {
        let ty = self.operand_type(cmp)?;
        if !(ty.is_int() || ty.is_ptr()) {
            return Err(format!("`cmpxchg` on `{ty}`"));
        }
        self.atomic_type(&ty, align, "`cmpxchg`")?;
        let addr = self.scalar_operand(ptr)?;
        let (e, x) = (self.scalar_operand(cmp)?, self.scalar_operand(new)?);
        let loaded = self.b.ins().atomic_cas(MemFlagsData::new(), addr, e, x);
        let stored = self.b.ins().icmp(IntCC::Equal, loaded, e);
        Ok(vec![loaded, stored])
    }

    /// `fence` (see the module's documentation).
    pub(crate) fn fence(&mut self, atomic: Atomic) {
        let x86 =
            matches!(self.cx.obj_isa_triple().architecture, target_lexicon::Architecture::X86_64);
        let barrier_only = atomic.scope == SyncScope::SingleThread
            || (x86 && atomic.ordering != AtomicOrdering::SeqCst);
        if barrier_only {
            self.b.ins().sequence_point();
        } else {
            self.b.ins().fence();
        }
    }
}
