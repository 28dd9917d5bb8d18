//! Atomic loads and stores, `atomicrmw`, `cmpxchg` and `fence` through gcc's `__atomic_*`
//! built-ins, with the matching `__ATOMIC_*` order.
//!
//! An atomic accesses one 1-, 2-, 4- or 8-byte integer, pointer, `float` or `double` at an
//! address aligned to its size (LLVM requires a power-of-two size of at least a byte).
//! Floats go through their bits, in the unsigned integer of their size. 16-byte atomics
//! are refused: gcc 12 calls libatomic for them, which programs are not linked with.
//! The operations gcc has a built-in for (`xchg`, `add`, `sub`, `and`, `nand`, `or`, `xor`)
//! use it; the others (signed and unsigned minimum and maximum, the float operations,
//! `uinc_wrap`, `udec_wrap`, `usub_cond`, `usub_sat`) are a compare-exchange loop, as LLVM
//! expands them itself on x86-64: one successful compare-exchange is one atomic
//! read-modify-write of the value it read.
//!
//! Orders: `unordered` and `monotonic` are `__ATOMIC_RELAXED`. A failure order stronger
//! than the success order (which LLVM allows and gcc does not) strengthens the success
//! order; a stronger order only removes executions, so every behaviour of the C is one of
//! the IR's. `syncscope("singlethread")` makes a fence `__atomic_signal_fence`; on other
//! operations it is dropped, which is again only stronger.

use super::function::{Emitted, FnEmit, var};
use super::ops::sext;
use super::types::int_c;
use opm_ir::inst::{Atomic, AtomicOrdering, RmwOp, SyncScope};
use opm_ir::{Inst, Operand, Type};

/// gcc's name of an ordering.
fn order(o: AtomicOrdering) -> &'static str {
    match o {
        AtomicOrdering::Unordered | AtomicOrdering::Monotonic => "__ATOMIC_RELAXED",
        AtomicOrdering::Acquire => "__ATOMIC_ACQUIRE",
        AtomicOrdering::Release => "__ATOMIC_RELEASE",
        AtomicOrdering::AcqRel => "__ATOMIC_ACQ_REL",
        AtomicOrdering::SeqCst => "__ATOMIC_SEQ_CST",
    }
}

/// The failure order of a compare-exchange loop implementing a read-modify-write of order
/// `o`: the strongest a failure may have (no release part).
fn failure_of(o: AtomicOrdering) -> AtomicOrdering {
    match o {
        AtomicOrdering::Release => AtomicOrdering::Monotonic,
        AtomicOrdering::AcqRel => AtomicOrdering::Acquire,
        other => other,
    }
}

/// The success order of a `cmpxchg`, strengthened so that it is at least as strong as its
/// failure order (gcc requires it; LLVM does not).
fn success_covering(success: AtomicOrdering, failure: AtomicOrdering) -> AtomicOrdering {
    use AtomicOrdering::*;
    match (success, failure) {
        (_, SeqCst) => SeqCst,
        (Unordered | Monotonic, Acquire) => Acquire,
        (Release, Acquire) => AcqRel,
        (s, _) => s,
    }
}

/// How a value of some type is accessed atomically: the C type of the memory word, and the
/// conversions from the value to the word and back.
struct Word {
    /// The C type of the word (`uint32_t`, `opm_ptr`).
    c: &'static str,
    /// Its width in bits.
    bits: u32,
    /// The value's float type, when the word holds a float's bits (`float`, `double`).
    float: Option<&'static str>,
}

impl Word {
    fn of(ty: &Type) -> Emitted<Word> {
        Ok(match ty {
            Type::Int(n @ (8 | 16 | 32 | 64)) => Word { c: int_c(*n), bits: *n, float: None },
            Type::Ptr => Word { c: "opm_ptr", bits: 64, float: None },
            Type::Float => Word { c: "uint32_t", bits: 32, float: Some("float") },
            Type::Double => Word { c: "uint64_t", bits: 64, float: Some("double") },
            Type::Int(128) => {
                return Err("a 16-byte atomic operation (gcc 12 calls libatomic for it)".into());
            }
            other => return Err(format!("an atomic operation on `{other}`")),
        })
    }

    /// The word holding the value `x`.
    fn word_of(&self, x: &str) -> String {
        match self.float {
            Some("float") => format!("opm_f32_bits({x})"),
            Some(_) => format!("opm_f64_bits({x})"),
            None => format!("(({})({x}))", self.c),
        }
    }

    /// The value the word `w` holds.
    fn value_of(&self, w: &str) -> String {
        match self.float {
            Some("float") => format!("opm_f32({w})"),
            Some(_) => format!("opm_f64({w})"),
            None => w.to_string(),
        }
    }
}

impl FnEmit<'_, '_> {
    /// The address `ptr` as a pointer to the atomic word, checking its alignment.
    fn word_ptr(&mut self, ptr: &Operand, w: &Word, align: u64, volatile: bool) -> Emitted<String> {
        let size = u64::from(w.bits / 8);
        if align != 0 && align < size {
            return Err(format!(
                "an atomic operation on {size} bytes aligned to {align} (not lock-free)"
            ));
        }
        let p = self.operand(ptr)?;
        let v = if volatile { "volatile " } else { "" };
        Ok(format!("(({v}{} *)({p}))", w.c))
    }

    /// `load atomic`.
    pub(crate) fn atomic_load(
        &mut self,
        inst: &Inst,
        ptr: &Operand,
        align: u64,
        volatile: bool,
        atomic: Atomic,
    ) -> Emitted<()> {
        let w = Word::of(&inst.ty)?;
        let p = self.word_ptr(ptr, &w, align, volatile)?;
        let load = format!("__atomic_load_n({p}, {})", order(atomic.ordering));
        self.assign(inst, &w.value_of(&load));
        Ok(())
    }

    /// `store atomic`.
    pub(crate) fn atomic_store(
        &mut self,
        val: &Operand,
        ptr: &Operand,
        align: u64,
        volatile: bool,
        atomic: Atomic,
    ) -> Emitted<()> {
        let w = Word::of(&self.operand_type(val)?)?;
        let p = self.word_ptr(ptr, &w, align, volatile)?;
        let x = self.operand(val)?;
        let x = w.word_of(&x);
        self.line(&format!("__atomic_store_n({p}, {x}, {});", order(atomic.ordering)));
        Ok(())
    }

    /// `fence`.
    pub(crate) fn fence(&mut self, atomic: Atomic) {
        let f = match atomic.scope {
            SyncScope::System => "__atomic_thread_fence",
            SyncScope::SingleThread => "__atomic_signal_fence",
        };
        self.line(&format!("{f}({});", order(atomic.ordering)));
    }

    /// `atomicrmw`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn atomic_rmw(
        &mut self,
        inst: &Inst,
        op: RmwOp,
        ptr: &Operand,
        val: &Operand,
        align: u64,
        volatile: bool,
        atomic: Atomic,
    ) -> Emitted<()> {
        let ty = self.operand_type(val)?;
        let w = Word::of(&ty)?;
        let int_op = matches!(ty, Type::Int(_));
        if (op.is_float() && w.float.is_none()) || (!op.is_float() && op != RmwOp::Xchg && !int_op)
        {
            return Err(format!("`atomicrmw {}` on `{ty}`", op.name()));
        }
        let p = self.word_ptr(ptr, &w, align, volatile)?;
        let x = self.operand(val)?;
        let o = order(atomic.ordering);
        let builtin = match op {
            RmwOp::Xchg => Some("__atomic_exchange_n"),
            RmwOp::Add => Some("__atomic_fetch_add"),
            RmwOp::Sub => Some("__atomic_fetch_sub"),
            RmwOp::And => Some("__atomic_fetch_and"),
            RmwOp::Nand => Some("__atomic_fetch_nand"),
            RmwOp::Or => Some("__atomic_fetch_or"),
            RmwOp::Xor => Some("__atomic_fetch_xor"),
            _ => None,
        };
        if let Some(f) = builtin {
            let call = format!("{f}({p}, {}, {o})", w.word_of(&x));
            match inst.result {
                Some(_) => self.assign(inst, &w.value_of(&call)),
                None => self.line(&format!("{call};")),
            }
            return Ok(());
        }
        // A compare-exchange loop: `old` is what memory held, `new` what replaces it.
        let (old, new) = (self.fresh(), self.fresh());
        self.declare(&format!("{} {old}", w.c));
        self.declare(&format!("{} {new}", w.c));
        let n = w.bits;
        let t = w.c;
        let ov = w.value_of(&old);
        let next = match op {
            RmwOp::Max | RmwOp::Min => {
                let cmp = if op == RmwOp::Max { ">" } else { "<" };
                let (a, b) = (sext(&old, n, n), sext(&x, n, n));
                format!("{a} {cmp} {b} ? {old} : ({t})({x})")
            }
            RmwOp::UMax => format!("{old} > ({x}) ? {old} : ({t})({x})"),
            RmwOp::UMin => format!("{old} < ({x}) ? {old} : ({t})({x})"),
            RmwOp::UIncWrap => format!("{old} >= ({x}) ? ({t})0 : ({t})((uint64_t){old} + 1u)"),
            RmwOp::UDecWrap => {
                format!("({old} == 0 || {old} > ({x})) ? ({t})({x}) : ({t})((uint64_t){old} - 1u)")
            }
            RmwOp::USubCond => {
                format!("{old} >= ({x}) ? ({t})((uint64_t){old} - (uint64_t)({x})) : {old}")
            }
            RmwOp::USubSat => {
                format!("{old} >= ({x}) ? ({t})((uint64_t){old} - (uint64_t)({x})) : ({t})0")
            }
            RmwOp::FAdd | RmwOp::FSub => {
                let fc = w.float.unwrap_or("double");
                let sym = if op == RmwOp::FAdd { "+" } else { "-" };
                w.word_of(&format!("(({fc})({ov} {sym} ({x})))"))
            }
            RmwOp::FMax | RmwOp::FMin => {
                let fc = w.float.unwrap_or("double");
                let f = if fc == "float" { "f" } else { "" };
                let name = if op == RmwOp::FMax { "fmax" } else { "fmin" };
                w.word_of(&format!("__builtin_{name}{f}({ov}, {x})"))
            }
            RmwOp::FMaximum | RmwOp::FMinimum => {
                let fc = w.float.unwrap_or("double");
                let h = self.min_max_helper(op == RmwOp::FMaximum, fc);
                w.word_of(&format!("{h}({ov}, {x})"))
            }
            RmwOp::Xchg
            | RmwOp::Add
            | RmwOp::Sub
            | RmwOp::And
            | RmwOp::Nand
            | RmwOp::Or
            | RmwOp::Xor => unreachable!("handled by a built-in above"),
        };
        let f = order(failure_of(atomic.ordering));
        self.line(&format!("{old} = __atomic_load_n({p}, __ATOMIC_RELAXED);"));
        self.line(&format!(
            "do {{ {new} = {next}; }} while (!__atomic_compare_exchange_n({p}, &{old}, {new}, 1, {o}, {f}));"
        ));
        self.assign(inst, &ov);
        Ok(())
    }

    /// `cmpxchg`: `{ loaded value, whether it was stored }`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn cmpxchg(
        &mut self,
        inst: &Inst,
        ptr: &Operand,
        cmp: &Operand,
        new: &Operand,
        align: u64,
        volatile: bool,
        weak: bool,
        success: AtomicOrdering,
        failure: AtomicOrdering,
    ) -> Emitted<()> {
        let ty = self.operand_type(cmp)?;
        if !matches!(ty, Type::Int(_) | Type::Ptr) {
            return Err(format!("`cmpxchg` on `{ty}`"));
        }
        let w = Word::of(&ty)?;
        let p = self.word_ptr(ptr, &w, align, volatile)?;
        let (c, x) = (self.operand(cmp)?, self.operand(new)?);
        let (expected, ok) = (self.fresh(), self.fresh());
        self.declare(&format!("{} {expected}", w.c));
        self.declare(&format!("uint8_t {ok}"));
        let s = order(success_covering(success, failure));
        let f = order(failure);
        self.line(&format!("{expected} = {};", w.word_of(&c)));
        self.line(&format!(
            "{ok} = (uint8_t)__atomic_compare_exchange_n({p}, &{expected}, {}, {}, {s}, {f});",
            w.word_of(&x),
            u8::from(weak)
        ));
        if let Some(v) = inst.result {
            let dst = var(v);
            self.line(&format!("{dst}.f0 = {expected};"));
            self.line(&format!("{dst}.f1 = {ok};"));
        }
        Ok(())
    }
}
