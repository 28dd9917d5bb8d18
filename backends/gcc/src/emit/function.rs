//! One function's body as C. Every SSA value is a local declared at the top (`v7`), so that
//! jumps never skip a declaration; locals are declared together by C type and without an
//! initialiser (SSA assigns each before any use), which is less for gcc to read and, at -O0,
//! to store. Every block is a label; a branch to a block with phis first evaluates the
//! incoming values into temporaries, then assigns the phis (parallel-copy semantics: a swap
//! stays a swap; directly when no incoming value is one of the phis). An `indirectbr`
//! (`goto *p`) cannot copy per edge: the phis of the blocks it may enter each get a temporary
//! `pN` that every predecessor sets and the block copies into the phi at its label. Blocks
//! whose address is taken (`&&bbN`) always have their label. Only blocks reachable from the
//! entry are emitted. Vectors are handled lane by lane, aggregates member by member; in
//! memory a vector whose lanes are not whole bytes (`<16 x i1>`) is bit-packed, as LLVM lays
//! it out.

use super::ops::{self, int_literal};
use super::{ModuleCx, param_c, ret_c, type_attr};
use crate::error::GccError;
use opm_backend::Site;
use opm_ir::print::{LocalNames, PrintOptions, instruction_text};
use opm_ir::{
    BinOp, BlockId, CastOp, ConstExpr, Constant, Flags, FloatKind, Function, Inst, Op, Operand,
    Type, ValueId,
};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// What emitting an instruction produced, or why it could not.
pub(crate) type Emitted<T> = Result<T, String>;

/// Emits the body of `f` (its statements, between the braces).
/// The blocks control reaches from the entry; through an `invoke`'s unwind edge only when
/// `unwinds`.
fn reachable_blocks(f: &Function, unwinds: bool) -> Vec<bool> {
    let mut seen = vec![false; f.blocks.len()];
    let mut stack = if f.blocks.is_empty() { Vec::new() } else { vec![0] };
    while let Some(i) = stack.pop() {
        if seen.get(i).copied().unwrap_or(true) {
            continue;
        }
        seen[i] = true;
        let Some(t) = f.blocks[i].terminator() else { continue };
        let next = match &t.op {
            Op::Invoke { normal, .. } if !unwinds => vec![*normal],
            op => op.successors(),
        };
        stack.extend(next.into_iter().map(BlockId::index));
    }
    seen
}

pub(crate) fn emit(cx: &mut ModuleCx<'_>, f: &Function) -> Result<String, GccError> {
    let site = |inst: Option<&Inst>| match inst {
        Some(inst) => {
            let names = LocalNames::new(f, PrintOptions::default());
            Site::instruction(&f.name, instruction_text(&names, inst))
        }
        None => Site::function(&f.name),
    };
    // Only the blocks reachable from the entry are emitted: the others never run (rustc's
    // `panic=abort` modules keep cleanup blocks, `resume` and all, that nothing reaches; in
    // a program that never unwinds, nothing reaches a landing pad either).
    let reachable = reachable_blocks(f, !cx.never_unwinds);
    let live = |i: usize| reachable.get(i).copied().unwrap_or(false);
    // Exception handling that can run is refused at its start, the `invoke`.
    if !cx.never_unwinds
        && let Some(inst) = f
            .blocks
            .iter()
            .enumerate()
            .filter(|(i, _)| live(*i))
            .flat_map(|(_, b)| &b.insts)
            .find(|inst| matches!(inst.op, Op::Invoke { .. }))
    {
        return Err(GccError::Unsupported {
            construct: "`invoke` (exception handling has no C equivalent)".into(),
            site: site(Some(inst)),
        });
    }
    // Blocks entered through `indirectbr` with phis: their phis are assigned from
    // temporaries at the label, which every predecessor sets (see `FnEmit::phi_copies`).
    let phi_temps: HashSet<BlockId> = f
        .blocks
        .iter()
        .enumerate()
        .filter(|(i, _)| live(*i))
        .filter_map(|(_, b)| match &b.terminator()?.op {
            Op::IndirectBr { dests, .. } => Some(dests.clone()),
            _ => None,
        })
        .flatten()
        .filter(|d| {
            f.blocks
                .get(d.index())
                .is_some_and(|b| b.insts.iter().any(|i| matches!(i.op, Op::Phi { .. })))
        })
        .collect();
    let statics = cx.local_statics.remove(&f.name).unwrap_or_default();
    let returns_twice = cx.returns_twice.called_in(f);
    let mut e = FnEmit {
        cx,
        f,
        types: f.value_types(),
        decls: String::new(),
        body: String::new(),
        tmp: 0,
        locals: Default::default(),
        phi_temps,
        reachable: reachable.clone(),
        signed: super::signed::signed_values(f),
        signed_arith: super::signed::nsw_undefined_on_overflow(f),
        fused_fmuladd: opm_backend::intrinsic::fuses_fmuladd(f),
        returns_twice,
    };
    for def in statics {
        let _ = writeln!(e.decls, "  {def}");
    }
    e.prologue().map_err(|construct| GccError::Unsupported { construct, site: site(None) })?;
    let taken = taken_blocks(e.cx.module, &e.cx.local_globals, f);
    let mut targets: HashSet<BlockId> = f
        .blocks
        .iter()
        .enumerate()
        .filter(|(i, _)| live(*i))
        .flat_map(|(_, b)| b.successors())
        .collect();
    targets.extend(taken.iter().copied());
    for (i, block) in f.blocks.iter().enumerate() {
        let bid = BlockId(i as u32);
        if !live(i) {
            // Its address may be taken, but no `indirectbr` that runs goes there.
            if taken.contains(&bid) {
                let _ = writeln!(e.body, "bb{i}:;\n  __builtin_trap();");
            }
            continue;
        }
        if targets.contains(&bid) {
            let _ = writeln!(e.body, "bb{i}:;");
        }
        if e.phi_temps.contains(&bid) {
            for inst in &block.insts {
                if let (Op::Phi { .. }, Some(v)) = (&inst.op, inst.result) {
                    let _ = writeln!(e.body, "  {} = p{};", var(v), v.0);
                }
            }
        }
        for inst in &block.insts {
            e.inst(bid, inst)
                .map_err(|construct| GccError::Unsupported { construct, site: site(Some(inst)) })?;
        }
    }
    let mut locals = String::new();
    for (ty, names) in &e.locals {
        let _ = write!(locals, "  {ty}");
        for (i, chunk) in names.chunks(16).enumerate() {
            let sep = if i == 0 { " " } else { ",\n    " };
            let _ = write!(locals, "{sep}{}", chunk.join(", "));
        }
        locals.push_str(";\n");
    }
    Ok(format!("{}{locals}{}", e.decls, e.body))
}

/// The state of emitting one function.
pub(crate) struct FnEmit<'a, 'm> {
    pub(crate) cx: &'a mut ModuleCx<'m>,
    pub(crate) f: &'a Function,
    types: opm_ir::collections::HashMap<ValueId, Type>,
    /// Declarations of the locals.
    decls: String,
    /// The statements.
    pub(crate) body: String,
    tmp: usize,
    /// Locals declared without an initialiser, by C type (see [`FnEmit::declare`]).
    locals: std::collections::BTreeMap<String, Vec<String>>,
    /// Blocks whose phis are set through temporaries `pN` (see [`emit`]).
    phi_temps: HashSet<BlockId>,
    /// Whether each block is reachable from the entry (only those are emitted).
    reachable: Vec<bool>,
    /// The integer values declared signed (see [`super::signed`]).
    signed: HashSet<ValueId>,
    /// The `nsw` arithmetic emitted as C's signed arithmetic (see
    /// [`super::signed::nsw_undefined_on_overflow`]).
    signed_arith: HashSet<ValueId>,
    /// `llvm.fmuladd` rounds once here (see [`opm_backend::intrinsic::fuses_fmuladd`]).
    pub(crate) fused_fmuladd: bool,
    /// The function calls one that returns twice: its stack slots are `volatile` objects.
    returns_twice: bool,
}

/// The blocks of `f` whose address is taken, in its code or in the tables of block
/// addresses emitted inside it.
fn taken_blocks(
    module: &opm_ir::Module,
    local_globals: &HashMap<String, String>,
    f: &Function,
) -> HashSet<BlockId> {
    let mut out = HashSet::new();
    let mut visit = |c: &Constant| {
        c.walk(&mut |c| {
            if let Constant::BlockAddress { function, block } = c
                && *function == f.name
            {
                out.insert(*block);
            }
        })
    };
    for g in module.globals.iter().filter(|g| local_globals.get(&g.name) == Some(&f.name)) {
        if let Some(init) = &g.init {
            visit(init);
        }
    }
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        for op in inst.op.operands() {
            if let Operand::Const(c) = op {
                visit(c);
            }
        }
    }
    out
}

/// The C local of a value.
pub(crate) fn var(v: ValueId) -> String {
    format!("v{}", v.0)
}

impl FnEmit<'_, '_> {
    /// Declares every value, and turns the parameters into values.
    fn prologue(&mut self) -> Emitted<()> {
        for (i, p) in self.f.params.iter().enumerate() {
            let ty = &self.f.ty.params[i];
            let v = var(p.value);
            if type_attr(self.f.attrs.param(i), "byval").is_some() {
                self.declare(&format!("opm_ptr {v} = (opm_ptr)&a{}", p.value.0));
            } else {
                let c = self.cx.types.c(ty)?;
                let cast = if is_composite(ty) { String::new() } else { format!("({c})") };
                self.declare(&format!("{c} {v} = {cast}a{}", p.value.0));
            }
        }
        let f = self.f;
        let reachable = self.reachable.clone();
        let live = f.blocks.iter().zip(reachable).filter(|(_, live)| *live);
        for inst in live.flat_map(|(b, _)| &b.insts) {
            if let Some(v) = inst.result {
                let c = match inst.ty.int_bits() {
                    Some(bits) if self.signed.contains(&v) => super::types::signed_c(bits).into(),
                    _ => self.cx.types.c(&inst.ty)?,
                };
                self.declare(&format!("{c} {}", var(v)));
            }
        }
        let mut entered: Vec<BlockId> = self.phi_temps.iter().copied().collect();
        entered.sort();
        for b in entered {
            for inst in &f.blocks[b.index()].insts {
                if let (Op::Phi { .. }, Some(v)) = (&inst.op, inst.result) {
                    let c = self.cx.types.c(&inst.ty)?;
                    self.declare(&format!("{c} p{}", v.0));
                }
            }
        }
        Ok(())
    }

    /// Declares a local (`type name` or `type name = init`) at the top of the function.
    /// Locals without an initialiser are declared together, one declaration per C type (less
    /// for gcc to read than one each). None needs one: SSA puts every definition before its
    /// uses, so a local is always assigned before it is read. (Unused locals are no warning:
    /// see the prelude.)
    pub(crate) fn declare(&mut self, decl: &str) {
        let plain = decl.rsplit_once(' ').filter(|(_, name)| {
            !decl.contains(" = ") && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        match plain {
            Some((ty, name)) => self.locals.entry(ty.to_string()).or_default().push(name.into()),
            None => {
                let _ = writeln!(self.decls, "  {decl};");
            }
        }
    }

    /// A fresh name for a temporary.
    pub(crate) fn fresh(&mut self) -> String {
        self.tmp += 1;
        format!("t{}", self.tmp)
    }

    pub(crate) fn line(&mut self, s: &str) {
        self.body.push_str("  ");
        self.body.push_str(s);
        self.body.push('\n');
    }

    /// The canonical type of an operand.
    pub(crate) fn operand_type(&self, op: &Operand) -> Emitted<Type> {
        match op {
            Operand::Value(v) => self.types.get(v).cloned().ok_or_else(|| format!("value {v}")),
            Operand::Const(c) => Ok(c.ty()),
        }
    }

    /// A C expression for an operand.
    pub(crate) fn operand(&mut self, op: &Operand) -> Emitted<String> {
        match op {
            Operand::Value(v) => Ok(var(*v)),
            Operand::Const(c) => self.constant(c),
        }
    }

    /// A C expression for a constant.
    pub(crate) fn constant(&mut self, c: &Constant) -> Emitted<String> {
        Ok(match c {
            Constant::Int { bits, value } => int_literal(*bits, *value),
            Constant::Float { kind: FloatKind::Float, bits } => format!("opm_f32({bits:#x}u)"),
            Constant::Float { kind: FloatKind::Double, bits } => format!("opm_f64({bits:#x}ULL)"),
            Constant::Float { kind: FloatKind::X86Fp80, bits } => {
                format!("opm_f80({:#x}ULL, {:#x})", *bits as u64, (bits >> 64) as u16)
            }
            Constant::Float { kind: FloatKind::Fp128, bits } => {
                format!("opm_f128({:#x}ULL, {:#x}ULL)", *bits as u64, (bits >> 64) as u64)
            }
            Constant::Float { kind, .. } => {
                return Err(format!("a constant of type `{}`", kind.ty()));
            }
            Constant::Null => "((opm_ptr)0)".into(),
            Constant::Undef(t) | Constant::Poison(t) | Constant::Zero(t) => self.zero(t)?,
            Constant::Vector(elems) => {
                let ty = c.ty();
                let ct = self.cx.types.c(&ty)?;
                let parts = self.constants(elems)?;
                if self.cx.types.is_gnu_vector(&ty) {
                    format!("(({ct}){{ {parts} }})")
                } else {
                    format!("(({ct}){{ {{ {parts} }} }})")
                }
            }
            Constant::Array { elems, .. } => {
                let ct = self.cx.types.c(&c.ty())?;
                let parts = self.constants(elems)?;
                format!("(({ct}){{ {{ {parts} }} }})")
            }
            Constant::Bytes(bytes) => {
                let ct = self.cx.types.c(&c.ty())?;
                let parts: Vec<String> = bytes.iter().map(|b| format!("{b}")).collect();
                format!("(({ct}){{ {{ {} }} }})", parts.join(", "))
            }
            Constant::Struct { fields, .. } => {
                let ct = self.cx.types.c(&c.ty())?;
                let parts = self.constants(fields)?;
                format!("(({ct}){{ {parts} }})")
            }
            Constant::Global(name) => self.address(name)?,
            Constant::WideInt { bits, words } => super::wide::literal(*bits, words),
            Constant::BlockAddress { function, block } if *function == self.f.name => {
                format!("((opm_ptr)&&bb{})", block.index())
            }
            Constant::BlockAddress { function, .. } => {
                return Err(format!(
                    "the address of a block of @{function} outside it (GNU C takes a label's \
                     address only inside its function)"
                ));
            }
            Constant::Asm(_) => return Err("inline assembly".into()),
            Constant::Expr(e) if let Some(n) = super::wide::wide_in_expr(e) => {
                return Err(super::wide::refused(n, "a constant expression"));
            }
            Constant::Expr(e) => match &**e {
                ConstExpr::Cast { op, val, to } => {
                    let inner = self.constant(val)?;
                    ops::cast(*op, &val.ty(), to, &inner)?
                }
                ConstExpr::Bin { op, lhs, rhs, .. } => {
                    let n = lhs.ty().int_bits().ok_or("a constant expression on non-integers")?;
                    let (a, b) = (self.constant(lhs)?, self.constant(rhs)?);
                    ops::int_bin(*op, n, &a, &b)?
                }
                ConstExpr::Gep { source_ty, base, indices, .. } => {
                    let base = self.constant(base)?;
                    let idx: Vec<i128> = indices
                        .iter()
                        .map(|i| i.as_signed().ok_or("a constant getelementptr index"))
                        .collect::<Result<_, _>>()?;
                    let off = self.cx.layout.gep_offset(source_ty, &idx)?;
                    format!("((opm_ptr)({base} + {off}LL))")
                }
            },
        })
    }

    fn constants(&mut self, cs: &[Constant]) -> Emitted<String> {
        let mut parts = Vec::with_capacity(cs.len());
        for c in cs {
            parts.push(self.constant(c)?);
        }
        Ok(parts.join(", "))
    }

    /// The zero (also undef and poison) of a type.
    pub(crate) fn zero(&mut self, ty: &Type) -> Emitted<String> {
        let c = self.cx.types.c(ty)?;
        Ok(if is_composite(ty) { format!("(({c}){{0}})") } else { format!("(({c})0)") })
    }

    /// The address of a global or function of the module.
    pub(crate) fn address(&self, name: &str) -> Emitted<String> {
        self.cx
            .symbols
            .get(name)
            .map(|s| s.addr.clone())
            .ok_or_else(|| format!("a reference to the unknown symbol @{name}"))
    }

    /// Lane `i` of a vector expression of type `ty`.
    pub(crate) fn lane(&self, e: &str, ty: &Type, i: usize) -> String {
        self.cx.types.elem(e, ty, i)
    }

    /// Assigns `value(i)` to every lane `i` of the vector result of `inst`, or the single
    /// value to a scalar result.
    pub(crate) fn lanes(
        &mut self,
        inst: &Inst,
        mut value: impl FnMut(&mut Self, usize) -> Emitted<String>,
    ) -> Emitted<()> {
        let Some(v) = inst.result else { return Ok(()) };
        let dst = var(v);
        match inst.ty.vector_len() {
            Some(n) => {
                for i in 0..n as usize {
                    let x = value(self, i)?;
                    let lhs = self.lane(&dst, &inst.ty, i);
                    self.line(&format!("{lhs} = {x};"));
                }
            }
            None => {
                let x = value(self, 0)?;
                self.line(&format!("{dst} = {x};"));
            }
        }
        Ok(())
    }

    /// Lane `i` of an operand (the operand itself when it is a scalar).
    pub(crate) fn lane_of(&mut self, op: &Operand, i: usize) -> Emitted<String> {
        let ty = self.operand_type(op)?;
        let e = self.operand(op)?;
        Ok(if ty.vector_len().is_some() { self.lane(&e, &ty, i) } else { e })
    }

    /// Emits one instruction of block `bid`.
    fn inst(&mut self, bid: BlockId, inst: &Inst) -> Emitted<()> {
        if self.wide_inst(inst)? {
            return Ok(());
        }
        match &inst.op {
            Op::Bin { op, lhs, rhs, .. }
                if inst.result.is_some_and(|v| self.signed_arith.contains(&v)) =>
            {
                let n = inst.ty.int_bits().unwrap_or(64);
                let (a, b) = (self.operand(lhs)?, self.operand(rhs)?);
                let e = ops::signed_arith(*op, n, &a, &b)?;
                self.assign(inst, &e);
            }
            Op::Bin { op, lhs, rhs, .. } => {
                let elem = self.operand_type(lhs)?.scalar().clone();
                let op = *op;
                self.lanes(inst, |e, i| {
                    let (a, b) = (e.lane_of(lhs, i)?, e.lane_of(rhs, i)?);
                    scalar_bin(op, &elem, &a, &b)
                })?;
            }
            Op::FNeg { val, .. } => {
                let fc = self.cx.types.c(inst.ty.scalar())?;
                self.lanes(inst, |e, i| Ok(format!("(({fc})-({}))", e.lane_of(val, i)?)))?;
            }
            Op::ICmp { pred, lhs, rhs, .. } => {
                let elem = self.operand_type(lhs)?.scalar().clone();
                let pred = *pred;
                self.lanes(inst, |e, i| {
                    let (a, b) = (e.lane_of(lhs, i)?, e.lane_of(rhs, i)?);
                    Ok(ops::icmp(pred, &elem, &a, &b))
                })?;
            }
            Op::FCmp { pred, lhs, rhs, .. } => {
                let pred = *pred;
                self.lanes(inst, |e, i| {
                    let (a, b) = (e.lane_of(lhs, i)?, e.lane_of(rhs, i)?);
                    Ok(ops::fcmp(pred, &a, &b))
                })?;
            }
            Op::Select { cond, then_val, else_val, .. } => {
                if self.operand_type(cond)?.vector_len().is_some() {
                    self.lanes(inst, |e, i| {
                        let c = e.lane_of(cond, i)?;
                        let (t, f) = (e.lane_of(then_val, i)?, e.lane_of(else_val, i)?);
                        Ok(format!("(({c}) ? ({t}) : ({f}))"))
                    })?;
                } else {
                    let c = self.operand(cond)?;
                    let (t, f) = (self.operand(then_val)?, self.operand(else_val)?);
                    self.assign(inst, &format!("({c}) ? {t} : {f}"));
                }
            }
            Op::Cast { op: CastOp::BitCast, val, .. } => self.bitcast(inst, val)?,
            Op::Cast { op, val, .. } => {
                let from = self.operand_type(val)?.scalar().clone();
                let to = inst.ty.scalar().clone();
                let op = *op;
                self.lanes(inst, |e, i| {
                    let a = e.lane_of(val, i)?;
                    ops::cast(op, &from, &to, &a)
                })?;
            }
            Op::Load { ptr, align, volatile, atomic: Some(atomic) } => {
                self.atomic_load(inst, ptr, *align, *volatile, *atomic)?
            }
            Op::Store { val, ptr, align, volatile, atomic: Some(atomic) } => {
                self.atomic_store(val, ptr, *align, *volatile, *atomic)?
            }
            Op::AtomicRmw { op, ptr, val, align, volatile, atomic } => {
                self.atomic_rmw(inst, *op, ptr, val, *align, *volatile, *atomic)?
            }
            Op::CmpXchg { ptr, cmp, new, align, volatile, weak, success, failure, scope: _ } => {
                self.cmpxchg(inst, ptr, cmp, new, *align, *volatile, *weak, *success, *failure)?
            }
            Op::Fence { atomic } => self.fence(*atomic),
            // In a program that never unwinds, a call that returns (see `never_unwinds`).
            Op::Invoke { call, normal, .. } if self.cx.never_unwinds => {
                self.call(inst, call)?;
                self.jump(bid, *normal)?;
            }
            Op::Invoke { .. } | Op::LandingPad { .. } | Op::Resume { .. } => {
                return Err(format!(
                    "`{}` (exception handling has no C equivalent)",
                    inst.op.opcode_name()
                ));
            }
            Op::IndirectBr { addr, dests } => {
                let mut seen = HashSet::new();
                for d in dests {
                    if self.phi_temps.contains(d) && seen.insert(*d) {
                        self.phi_copies(bid, *d)?;
                    }
                }
                let a = self.operand(addr)?;
                self.line(&format!("goto *(void *)({a});"));
            }
            Op::Load { ptr, volatile, .. } => {
                let p = self.operand(ptr)?;
                let dst = var(inst.result.ok_or("a load without a result")?);
                self.load_into(&dst, &inst.ty.clone(), &p, *volatile)?;
            }
            Op::Store { val, ptr, volatile, .. } => {
                let ty = self.operand_type(val)?;
                let (x, p) = (self.operand(val)?, self.operand(ptr)?);
                let x = if is_composite(&ty) { self.materialize(&ty, &x)? } else { x };
                self.store_from(&x, &ty, &p, *volatile)?;
            }
            Op::Alloca { ty, count, align } => self.alloca(bid, inst, ty, count, *align)?,
            Op::Gep { source_ty, flags, base, indices } if inst.ty.vector_len().is_some() => {
                // Lane by lane: each lane's address from the base's lane (or the one base) and
                // the indices' lanes (or the one index).
                self.lanes(inst, |e, lane| e.gep(source_ty, *flags, base, indices, Some(lane)))?;
            }
            Op::Gep { source_ty, flags, base, indices } => {
                let r = self.gep(source_ty, *flags, base, indices, None)?;
                self.assign(inst, &r);
            }
            Op::Call(call) => self.call(inst, call)?,
            Op::Phi { .. } => {}
            Op::Freeze { val } => {
                let x = self.operand(val)?;
                self.assign(inst, &x);
            }
            Op::VaArg { .. } => return Err("`va_arg`".into()),
            Op::ExtractValue { agg, indices } => {
                let ty = self.operand_type(agg)?;
                let a = self.operand(agg)?;
                let a = self.materialize(&ty, &a)?;
                let path = member_path(&ty, indices)?;
                self.assign(inst, &format!("{a}{path}"));
            }
            Op::InsertValue { agg, val, indices } => {
                let ty = self.operand_type(agg)?;
                let (a, x) = (self.operand(agg)?, self.operand(val)?);
                let path = member_path(&ty, indices)?;
                let dst = var(inst.result.ok_or("an insertvalue without a result")?);
                self.line(&format!("{dst} = {a};"));
                self.line(&format!("{dst}{path} = {x};"));
            }
            Op::ExtractElement { vec, index } => {
                let ty = self.operand_type(vec)?;
                let n = ty.vector_len().unwrap_or(0) as usize;
                let a = self.operand(vec)?;
                let a = self.materialize(&ty, &a)?;
                let x = match index.as_const().and_then(Constant::as_signed) {
                    Some(i) if (0..n as i128).contains(&i) => self.lane(&a, &ty, i as usize),
                    Some(_) => self.zero(inst.ty.scalar())?,
                    None => {
                        let idx = self.operand(index)?;
                        let lane = self.cx.types.elem_at(&a, &ty, &idx);
                        let zero = self.zero(inst.ty.scalar())?;
                        format!("(({idx}) < {n} ? {lane} : {zero})")
                    }
                };
                self.assign(inst, &x);
            }
            Op::InsertElement { vec, val, index } => {
                let ty = self.operand_type(vec)?;
                let n = ty.vector_len().unwrap_or(0) as usize;
                let (a, x) = (self.operand(vec)?, self.operand(val)?);
                let dst = var(inst.result.ok_or("an insertelement without a result")?);
                self.line(&format!("{dst} = {a};"));
                match index.as_const().and_then(Constant::as_signed) {
                    Some(i) if (0..n as i128).contains(&i) => {
                        let lhs = self.lane(&dst, &ty, i as usize);
                        self.line(&format!("{lhs} = {x};"));
                    }
                    Some(_) => {}
                    None => {
                        let idx = self.operand(index)?;
                        let lhs = self.cx.types.elem_at(&dst, &ty, &idx);
                        self.line(&format!("if (({idx}) < {n}) {lhs} = {x};"));
                    }
                }
            }
            Op::ShuffleVector { a, b, mask } => {
                let ty = self.operand_type(a)?;
                let n = ty.vector_len().unwrap_or(0) as usize;
                let (x, y) = (self.operand(a)?, self.operand(b)?);
                let (x, y) = (self.materialize(&ty, &x)?, self.materialize(&ty, &y)?);
                let zero = self.zero(inst.ty.scalar())?;
                let mask = mask.clone();
                self.lanes(inst, |e, i| {
                    Ok(match usize::try_from(mask[i]).ok() {
                        Some(m) if m < n => e.lane(&x, &ty, m),
                        Some(m) if m < 2 * n => e.lane(&y, &ty, m - n),
                        _ => zero.clone(),
                    })
                })?;
            }
            Op::Ret { val } => match val {
                Some(v) => {
                    let x = self.operand(v)?;
                    if is_composite(&self.f.ty.ret) {
                        self.line(&format!("return {x};"));
                    } else {
                        let rc = ret_c(self.cx, &self.f.ty, &self.f.attrs)?;
                        self.line(&format!("return ({rc})({x});"));
                    }
                }
                None => self.line("return;"),
            },
            Op::Br { dest } => self.jump(bid, *dest)?,
            Op::CondBr { cond, then_dest, else_dest } => {
                let c = self.operand(cond)?;
                self.line(&format!("if ({c}) {{"));
                self.jump(bid, *then_dest)?;
                self.line("} else {");
                self.jump(bid, *else_dest)?;
                self.line("}");
            }
            Op::Switch { val, default, cases } => {
                let ty = self.operand_type(val)?;
                let x = self.operand(val)?;
                let n = ty.int_bits().ok_or("a switch on a non-integer")?;
                if n > 64 {
                    for c in cases {
                        let k = int_literal(n, c.value);
                        self.line(&format!("if (({x}) == {k}) {{"));
                        self.jump(bid, c.dest)?;
                        self.line("}");
                    }
                    self.jump(bid, *default)?;
                } else {
                    self.line(&format!("switch ({x}) {{"));
                    for c in cases {
                        self.line(&format!("case {:#x}ULL: {{", c.value));
                        self.jump(bid, c.dest)?;
                        self.line("}");
                    }
                    self.line("default: {");
                    self.jump(bid, *default)?;
                    self.line("}");
                    self.line("}");
                }
            }
            Op::Unreachable => self.line("__builtin_trap();"),
        }
        Ok(())
    }

    /// `vN = expr;` for the result of `inst`.
    pub(crate) fn assign(&mut self, inst: &Inst, expr: &str) {
        if let Some(v) = inst.result {
            let dst = var(v);
            self.line(&format!("{dst} = {expr};"));
        }
    }

    /// An expression of a composite type that can be indexed: a compound literal is put in a
    /// temporary (C does not index a parenthesised compound literal of vector type).
    pub(crate) fn materialize(&mut self, ty: &Type, e: &str) -> Emitted<String> {
        if e.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Ok(e.to_string());
        }
        let c = self.cx.types.c(ty)?;
        let t = self.fresh();
        self.declare(&format!("{c} {t}"));
        self.line(&format!("{t} = {e};"));
        Ok(t)
    }

    /// The phi copies of the edge `from` → `to`, then the jump.
    fn jump(&mut self, from: BlockId, to: BlockId) -> Emitted<()> {
        self.phi_copies(from, to)?;
        self.line(&format!("goto bb{};", to.index()));
        Ok(())
    }

    /// The phi copies of the edge `from` → `to`: into the phis' temporaries when `to` is
    /// entered through `indirectbr` (where they are copied to the phis, at its label), else
    /// into the phis through temporaries of this edge (a parallel copy).
    fn phi_copies(&mut self, from: BlockId, to: BlockId) -> Emitted<()> {
        let mut copies = Vec::new();
        for inst in &self.f.blocks[to.index()].insts {
            let Op::Phi { incoming, .. } = &inst.op else { continue };
            let (op, _) = incoming
                .iter()
                .find(|(_, b)| *b == from)
                .ok_or_else(|| format!("a phi without a value for the edge from {from}"))?;
            let Some(v) = inst.result else { continue };
            copies.push((v, inst.ty.clone(), op.clone()));
        }
        if self.phi_temps.contains(&to) {
            for (v, _, op) in &copies {
                let x = self.operand(op)?;
                self.line(&format!("p{} = {x};", v.0));
            }
        } else if copies.iter().all(
            |(_, _, op)| !matches!(op, Operand::Value(w) if copies.iter().any(|(v, _, _)| v == w)),
        ) {
            // No copy reads a phi that another sets: in order is the same as at once.
            for (v, _, op) in &copies {
                let x = self.operand(op)?;
                self.line(&format!("{} = {x};", var(*v)));
            }
        } else {
            let mut temps = Vec::new();
            for (v, ty, op) in &copies {
                let c = self.cx.types.c(ty)?;
                let x = self.operand(op)?;
                let t = self.fresh();
                self.declare(&format!("{c} {t}"));
                self.line(&format!("{t} = {x};"));
                temps.push((var(*v), t));
            }
            for (v, t) in temps {
                self.line(&format!("{v} = {t};"));
            }
        }
        Ok(())
    }

    /// A `bitcast`: a pointer or same-width scalar directly; a vector whose lanes are not
    /// whole bytes (`<16 x i1>`) through the integer of its bits, lane 0 lowest (what LLVM
    /// defines its memory image by); anything else through memory.
    fn bitcast(&mut self, inst: &Inst, val: &Operand) -> Emitted<()> {
        let from = self.operand_type(val)?;
        let to = inst.ty.clone();
        let x = self.operand(val)?;
        let dst = var(inst.result.ok_or("a bitcast without a result")?);
        let refuse = || format!("a bitcast from `{from}` to `{to}`");
        match (&from, &to) {
            (f, t) if f == t => self.line(&format!("{dst} = {x};")),
            _ if packed_lanes(&from).is_some() || packed_lanes(&to).is_some() => {
                let bits = self.cx.layout.size_in_bits(&from)?;
                let bits = u32::try_from(bits).ok().filter(|b| *b <= 128).ok_or_else(refuse)?;
                // The bits as an `iN` in its container.
                let int = if packed_lanes(&from).is_some() {
                    let x = self.materialize(&from, &x)?;
                    self.pack_lanes(&x, &from)?
                } else if matches!(from, Type::Int(_)) {
                    x
                } else if plain_bits(&from) {
                    let t = self.fresh();
                    let (fc, ic) = (self.cx.types.c(&from)?, super::types::int_c(bits));
                    let u = self.fresh();
                    self.declare(&format!("{fc} {u}"));
                    self.declare(&format!("{ic} {t}"));
                    self.line(&format!("{u} = {x};"));
                    self.line(&format!("__builtin_memcpy(&{t}, &{u}, sizeof {t});"));
                    t
                } else {
                    return Err(refuse());
                };
                if packed_lanes(&to).is_some() {
                    self.unpack_lanes(&dst, &to, &int)?;
                } else if matches!(to, Type::Int(_)) {
                    self.line(&format!("{dst} = {int};"));
                } else if plain_bits(&to) {
                    let t = self.fresh();
                    self.declare(&format!("{} {t}", super::types::int_c(bits)));
                    self.line(&format!("{t} = {int};"));
                    self.line(&format!("__builtin_memcpy(&{dst}, &{t}, sizeof {dst});"));
                } else {
                    return Err(refuse());
                }
            }
            _ if !is_composite(&from) && !is_composite(&to) => {
                let e = ops::cast(CastOp::BitCast, &from, &to, &x)?;
                self.line(&format!("{dst} = {e};"));
            }
            _ => {
                for t in [&from, &to] {
                    if !plain_bits(t) {
                        return Err(refuse());
                    }
                }
                let c = self.cx.types.c(&from)?;
                let t = self.fresh();
                self.declare(&format!("{c} {t}"));
                self.line(&format!("{t} = {x};"));
                self.line(&format!("__builtin_memcpy(&{dst}, &{t}, sizeof {dst});"));
            }
        }
        Ok(())
    }

    /// The bits of the vector `x` (indexable) of type `ty`, whose `N` lanes of `M` bits are
    /// not whole bytes, as an `i(N*M)` (at most 128 bits): lane `i` in bits `i*M ..`.
    fn pack_lanes(&mut self, x: &str, ty: &Type) -> Emitted<String> {
        let (n, m) = packed_lanes(ty).ok_or("packing a vector of whole bytes")?;
        let c = super::types::int_c(n * m);
        let t = self.fresh();
        self.declare(&format!("{c} {t}"));
        self.line(&format!("{t} = 0;"));
        for i in 0..n {
            let lane = self.lane(x, ty, i as usize);
            self.line(&format!("{t} |= ({c})({lane}) << {};", i * m));
        }
        Ok(t)
    }

    /// Sets the lanes of `dst` (a vector of type `ty` whose lanes are not whole bytes) from
    /// the integer `int` of its bits (see [`Self::pack_lanes`]).
    fn unpack_lanes(&mut self, dst: &str, ty: &Type, int: &str) -> Emitted<()> {
        let (n, m) = packed_lanes(ty).ok_or("unpacking a vector of whole bytes")?;
        for i in 0..n {
            let lhs = self.lane(dst, ty, i as usize);
            let x = ops::wrap(m, &format!("({int}) >> {}", i * m));
            self.line(&format!("{lhs} = {x};"));
        }
        Ok(())
    }

    /// `alloca`: a local array when it is in the entry block with a constant count, a
    /// dynamic allocation (`__builtin_alloca_with_align`) otherwise.
    fn alloca(
        &mut self,
        bid: BlockId,
        inst: &Inst,
        ty: &Type,
        count: &Operand,
        align: u64,
    ) -> Emitted<()> {
        let align = if align > 0 { align } else { self.cx.layout.align_of(ty)? };
        let size = self.cx.layout.size_of(ty)?;
        let dst = var(inst.result.ok_or("an alloca without a result")?);
        let constant = count.as_const().and_then(Constant::as_signed);
        match constant {
            Some(k) if bid.index() == 0 => {
                let total = size.saturating_mul(u64::try_from(k).unwrap_or(0)).max(1);
                // gcc refuses a frame near its address space's size with an error of its own
                // about the emitted C; say what in the input it is, as Cranelift does.
                if total > u64::from(u32::MAX) {
                    return Err("an alloca larger than 4 GiB".into());
                }
                let slot = format!("s{}", dst.trim_start_matches('v'));
                // (Of the slot's own type: gcc keeps a slot of another type than its
                // accesses' in registers of the slot's type, a double in an integer register.)
                let scalar = match (k, ty) {
                    (1, Type::Int(8)) => Some("uint8_t"),
                    (1, Type::Int(16)) => Some("uint16_t"),
                    (1, Type::Int(32)) => Some("uint32_t"),
                    (1, Type::Int(64)) => Some("uint64_t"),
                    (1, Type::Float) => Some("float"),
                    (1, Type::Double) => Some("double"),
                    (1, Type::Ptr) if size == 8 => Some("opm_ptr"),
                    _ => None,
                };
                // In a function that calls `setjmp`, what a slot holds when `longjmp` jumps
                // back is what was last stored to it, as the IR's memory says; from -O1 on,
                // gcc let the second return read an older value of a slot that was not
                // `volatile` itself, even one accessed only through `volatile` pointers.
                let volatile = if self.returns_twice { "volatile " } else { "" };
                if let Some(c) = scalar {
                    // A slot of one integer, float or pointer is a C scalar, whose accesses
                    // gcc's early passes see as values (an array of bytes only later, after
                    // its jump threading and branch probabilities are set). Its bytes are
                    // read and written the same way, through its address.
                    let over = if align > size {
                        format!(" __attribute__((aligned({align})))")
                    } else {
                        String::new()
                    };
                    let _ = writeln!(self.decls, "  {volatile}{c} {slot}{over} = 0;");
                    self.line(&format!("{dst} = (opm_ptr)&{slot};"));
                } else {
                    let _ = writeln!(
                        self.decls,
                        "  {volatile}uint8_t {slot}[{total}] __attribute__((aligned({align})));"
                    );
                    self.line(&format!("{dst} = (opm_ptr){slot};"));
                }
            }
            _ => {
                let cty = self.operand_type(count)?;
                let n = cty.int_bits().unwrap_or(64);
                let k = self.operand(count)?;
                let k = ops::wrap(64, &format!("(uint64_t){}", ops::sext(&k, n, 64)));
                self.line(&format!(
                    "{dst} = (opm_ptr)__builtin_alloca_with_align({k} * {size}ULL, {});",
                    align.max(1) * 8
                ));
            }
        }
        Ok(())
    }

    /// The address a `getelementptr` computes; of lane `lane` for one on vectors (its base and
    /// indices each a vector or a scalar for every lane).
    fn gep(
        &mut self,
        source_ty: &Type,
        flags: Flags,
        base: &Operand,
        indices: &[Operand],
        lane: Option<usize>,
    ) -> Emitted<String> {
        let base = match lane {
            Some(l) => self.lane_of(base, l)?,
            None => self.operand(base)?,
        };
        let constants: Vec<Option<i128>> = indices.iter().map(constant_index).collect();
        let plan = self.cx.layout.gep_plan(source_ty, &constants)?;
        let mut terms = Vec::new();
        for &(i, stride) in &plan.scaled {
            let n = self.operand_type(&indices[i])?.scalar().int_bits();
            let n = n.ok_or("a getelementptr index that is not an integer")?;
            let x = match lane {
                Some(l) => self.lane_of(&indices[i], l)?,
                None => self.operand(&indices[i])?,
            };
            let x = ops::sext(&x, n, super::types::container_bits(n).max(64));
            terms.push(if stride == 1 {
                format!("(int64_t){x}")
            } else {
                format!("(int64_t){x} * {stride}LL")
            });
        }
        if plan.offset != 0 || terms.is_empty() {
            terms.push(format!("{}LL", plan.offset));
        }
        let sum = terms.join(" + ");
        Ok(if flags.contains(Flags::INBOUNDS) {
            format!("((opm_ptr)({base} + ({sum})))")
        } else {
            format!("((opm_ptr)((uintptr_t)({base}) + (uintptr_t)({sum})))")
        })
    }

    /// Loads the value of type `ty` at `ptr` into the lvalue `lv`, leaf by leaf.
    pub(crate) fn load_into(
        &mut self,
        lv: &str,
        ty: &Type,
        ptr: &str,
        volatile: bool,
    ) -> Emitted<()> {
        for leaf in self.leaf_sites(ty, ptr)? {
            let (lv, at, c, bytes) = (format!("{lv}{}", leaf.path), leaf.at, leaf.c, leaf.bytes);
            match leaf.ty {
                Type::Int(n) if n != super::types::container_bits(n) => {
                    // Only the store size's bytes: the container is wider.
                    if volatile {
                        let parts: Vec<String> = (0..bytes)
                            .map(|i| format!("(({c})((volatile uint8_t *){at})[{i}] << {})", 8 * i))
                            .collect();
                        self.line(&format!("{lv} = {};", parts.join(" | ")));
                    } else {
                        self.line(&format!("{lv} = 0;"));
                        self.line(&format!("__builtin_memcpy(&{lv}, {at}, {bytes});"));
                    }
                    self.line(&format!("{lv} = {};", ops::wrap(n, &lv)));
                }
                Type::Vector(..) if packed_lanes(&leaf.ty).is_some() => {
                    self.load_packed(&lv, &leaf.ty, &at, bytes, volatile)?
                }
                Type::Vector(..) => self.line(&format!("__builtin_memcpy(&{lv}, {at}, {bytes});")),
                _ if volatile => self.line(&format!("{lv} = *(volatile {c} *){at};")),
                Type::Float | Type::Double => {
                    let u = float_access(&leaf.ty);
                    self.line(&format!("{lv} = *({u} *)({at});"));
                }
                _ => self.line(&format!("__builtin_memcpy(&{lv}, {at}, {bytes});")),
            }
        }
        Ok(())
    }

    /// Stores the value `x` (an expression, indexable when composite) of type `ty` at `ptr`,
    /// leaf by leaf.
    pub(crate) fn store_from(
        &mut self,
        x: &str,
        ty: &Type,
        ptr: &str,
        volatile: bool,
    ) -> Emitted<()> {
        // A local (a member of one) of the leaf's C type can be copied from where it is.
        let lvalue = x.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        for leaf in self.leaf_sites(ty, ptr)? {
            let (x, at, c, bytes) = (format!("{x}{}", leaf.path), leaf.at, leaf.c, leaf.bytes);
            let odd = matches!(leaf.ty, Type::Int(n) if n != super::types::container_bits(n));
            if packed_lanes(&leaf.ty).is_some() {
                self.store_packed(&x, &leaf.ty, &at, bytes, volatile)?;
            } else if volatile && odd {
                // Byte by byte: the container is wider than the store size.
                let t = self.fresh();
                self.declare(&format!("{c} {t}"));
                self.line(&format!("{t} = {x};"));
                for i in 0..bytes {
                    let byte = format!("(uint8_t)({t} >> {})", 8 * i);
                    self.line(&format!("((volatile uint8_t *){at})[{i}] = {byte};"));
                }
            } else if volatile && !matches!(leaf.ty, Type::Vector(..)) {
                self.line(&format!("*(volatile {c} *){at} = {x};"));
            } else if matches!(leaf.ty, Type::Float | Type::Double) {
                let u = float_access(&leaf.ty);
                self.line(&format!("*({u} *)({at}) = {x};"));
            } else if lvalue {
                // The container's low bytes: an odd-width integer's bits above its width are 0.
                self.line(&format!("__builtin_memcpy({at}, &{x}, {bytes});"));
            } else {
                let t = self.fresh();
                self.declare(&format!("{c} {t}"));
                self.line(&format!("{t} = {x};"));
                self.line(&format!("__builtin_memcpy({at}, &{t}, {bytes});"));
            }
        }
        Ok(())
    }

    /// Loads the vector of type `ty` at `at`, whose lanes are not whole bytes (`<16 x i1>`),
    /// into `lv`: its `bytes` bytes hold the lanes bit-packed, lane 0 in the lowest bits of
    /// the first byte (LLVM's memory image of a vector is that of the integer of its bits);
    /// the bits past the last lane are not read.
    fn load_packed(
        &mut self,
        lv: &str,
        ty: &Type,
        at: &str,
        bytes: u64,
        volatile: bool,
    ) -> Emitted<()> {
        let (n, m) = packed_lanes(ty).ok_or("a vector of whole bytes")?;
        if n * m <= 128 {
            let c = super::types::int_c(n * m);
            let t = self.fresh();
            self.declare(&format!("{c} {t}"));
            self.read_bytes(&t, c, at, bytes, volatile);
            return self.unpack_lanes(lv, ty, &t);
        }
        // Wider: each lane from the (at most 16) bytes it spans.
        if m > 120 {
            return Err(format!("`{ty}` in memory (bit-packed lanes wider than 120 bits)"));
        }
        let bytes_c = if volatile { "volatile uint8_t" } else { "uint8_t" };
        for i in 0..n {
            let (first, shift) = ((i * m) / 8, (i * m) % 8);
            let span = (shift + m).div_ceil(8);
            let parts: Vec<String> = (0..span)
                .map(|j| format!("((opm_u128)(({bytes_c} *){at})[{}] << {})", first + j, 8 * j))
                .collect();
            let lhs = self.lane(lv, ty, i as usize);
            let x = ops::wrap(m, &format!("({}) >> {shift}", parts.join(" | ")));
            self.line(&format!("{lhs} = {x};"));
        }
        Ok(())
    }

    /// `t` (a local of the integer type `c`) set to the `bytes` bytes at `at`, the rest 0.
    fn read_bytes(&mut self, t: &str, c: &str, at: &str, bytes: u64, volatile: bool) {
        if volatile {
            let parts: Vec<String> = (0..bytes)
                .map(|i| format!("(({c})((volatile uint8_t *){at})[{i}] << {})", 8 * i))
                .collect();
            self.line(&format!("{t} = {};", parts.join(" | ")));
        } else {
            self.line(&format!("{t} = 0;"));
            self.line(&format!("__builtin_memcpy(&{t}, {at}, {bytes});"));
        }
    }

    /// Stores the vector `x` (indexable) of type `ty`, whose lanes are not whole bytes, at
    /// `at`: `bytes` bytes, the lanes bit-packed as [`Self::load_packed`] reads them, and the
    /// bits past the last lane 0 (what LLVM's code generator writes there).
    fn store_packed(
        &mut self,
        x: &str,
        ty: &Type,
        at: &str,
        bytes: u64,
        volatile: bool,
    ) -> Emitted<()> {
        let (n, m) = packed_lanes(ty).ok_or("a vector of whole bytes")?;
        let bytes_c = if volatile { "volatile uint8_t" } else { "uint8_t" };
        if n * m <= 128 {
            let t = self.pack_lanes(x, ty)?;
            if volatile {
                for i in 0..bytes {
                    self.line(&format!("(({bytes_c} *){at})[{i}] = (uint8_t)({t} >> {});", 8 * i));
                }
            } else {
                self.line(&format!("__builtin_memcpy({at}, &{t}, {bytes});"));
            }
            return Ok(());
        }
        if m > 120 {
            return Err(format!("`{ty}` in memory (bit-packed lanes wider than 120 bits)"));
        }
        // Wider: the image built byte by byte in a local, then copied.
        let t = self.fresh();
        let _ = writeln!(self.decls, "  uint8_t {t}[{bytes}];");
        self.line(&format!("__builtin_memset({t}, 0, {bytes});"));
        for i in 0..n {
            let (first, shift) = ((i * m) / 8, (i * m) % 8);
            let span = (shift + m).div_ceil(8);
            let lane = self.lane(x, ty, i as usize);
            for j in 0..span {
                let k = first + j;
                self.line(&format!(
                    "{t}[{k}] |= (uint8_t)(((opm_u128)({lane}) << {shift}) >> {});",
                    8 * j
                ));
            }
        }
        if volatile {
            for i in 0..bytes {
                self.line(&format!("(({bytes_c} *){at})[{i}] = {t}[{i}];"));
            }
        } else {
            self.line(&format!("__builtin_memcpy({at}, {t}, {bytes});"));
        }
        Ok(())
    }

    /// Where each leaf of a value of type `ty` stored at `ptr` is.
    fn leaf_sites(&mut self, ty: &Type, ptr: &str) -> Emitted<Vec<LeafSite>> {
        let mut sites = Vec::new();
        for (path, leaf, off) in self.memory_leaves(ty)? {
            let at = if off == 0 { format!("({ptr})") } else { format!("(({ptr}) + {off})") };
            let c = self.cx.types.c(&leaf)?;
            let bytes = self.cx.layout.store_size(&leaf)?;
            sites.push(LeafSite { path, ty: leaf, at, c, bytes });
        }
        Ok(sites)
    }

    /// The leaves of a value of type `ty` in memory: (C member path, scalar or vector type,
    /// byte offset), in order.
    fn memory_leaves(&self, ty: &Type) -> Emitted<Vec<(String, Type, u64)>> {
        let mut out = Vec::new();
        self.push_leaves(ty, String::new(), 0, &mut out)?;
        Ok(out)
    }

    fn push_leaves(
        &self,
        ty: &Type,
        path: String,
        off: u64,
        out: &mut Vec<(String, Type, u64)>,
    ) -> Emitted<()> {
        match ty {
            Type::Int(_) | Type::Float | Type::Double | Type::X86Fp80 | Type::Fp128 | Type::Ptr => {
                out.push((path, ty.clone(), off))
            }
            Type::Vector(..) if plain_bits(ty) || packed_lanes(ty).is_some() => {
                out.push((path, ty.clone(), off))
            }
            Type::Vector(..) => return Err(format!("`{ty}` in memory")),
            Type::Array(n, elem) => {
                let stride = self.cx.layout.size_of(elem)?;
                for i in 0..*n {
                    self.push_leaves(elem, format!("{path}.e[{i}]"), off + i * stride, out)?;
                }
            }
            Type::Struct(st) => {
                let body = st.body.as_ref().ok_or("an opaque structure in memory")?;
                let sl = self.cx.layout.struct_layout(body, st.packed)?;
                for (i, t) in body.iter().enumerate() {
                    self.push_leaves(t, format!("{path}.f{i}"), off + sl.offsets[i], out)?;
                }
            }
            other => return Err(format!("`{other}` in memory")),
        }
        Ok(())
    }

    /// The C type of parameter `i` of the call type `ty` with `attrs` (see
    /// [`super::param_c`]).
    pub(crate) fn param_c(
        &mut self,
        ty: &opm_ir::FunctionType,
        attrs: &opm_ir::Attrs,
        i: usize,
    ) -> Emitted<String> {
        param_c(self.cx, ty, attrs, i)
    }
}

/// One leaf of a value in memory.
struct LeafSite {
    /// The C member path from the value (`.f1.e[2]`, empty for a scalar).
    path: String,
    /// Its type (a scalar or a vector whose lanes fill their bytes).
    ty: Type,
    /// Its address, an `opm_ptr` expression.
    at: String,
    /// Its C type.
    c: String,
    /// How many bytes it occupies (LLVM's store size).
    bytes: u64,
}

/// One lane of a binary operation on scalars of type `elem`.
fn scalar_bin(op: BinOp, elem: &Type, a: &str, b: &str) -> Emitted<String> {
    match elem {
        Type::Int(n) => ops::int_bin(op, *n, a, b),
        Type::Float | Type::Double | Type::X86Fp80 | Type::Fp128 => {
            ops::float_bin(op, super::types::float_c(elem).unwrap_or("double"), a, b)
        }
        other => Err(format!("`{}` on `{other}`", op.name())),
    }
}

/// Whether values of `ty` are C structures or vectors (initialised with `{0}`, never cast):
/// vectors, aggregates and integers wider than 128 bits (see [`super::wide`]).
pub(crate) fn is_composite(ty: &Type) -> bool {
    matches!(ty, Type::Vector(..) | Type::Array(..) | Type::Struct(_))
        || ty.wide_int_bits().is_some()
}

/// Whether a vector's lanes fill its bytes exactly (8/16/32/64/128-bit integers, floats,
/// doubles, `fp128`, pointers), so that it can be copied as bytes.
fn plain_bits(ty: &Type) -> bool {
    match ty {
        Type::Vector(_, e) => matches!(
            **e,
            Type::Int(8 | 16 | 32 | 64 | 128)
                | Type::Float
                | Type::Double
                | Type::Fp128
                | Type::Ptr
        ),
        Type::Int(n) => *n == super::types::container_bits(*n),
        Type::Float | Type::Double | Type::Ptr => true,
        _ => false,
    }
}

/// The lanes `(N, M)` of a vector `<N x iM>` whose lanes are not whole bytes in memory
/// (`i1`, `i4`, `i24`…): LLVM packs them without padding, as the bits of an `i(N*M)`.
pub(crate) fn packed_lanes(ty: &Type) -> Option<(u32, u32)> {
    match ty {
        Type::Vector(n, e) => match **e {
            Type::Int(m) if !matches!(m, 8 | 16 | 32 | 64 | 128) && m <= 128 => Some((*n, m)),
            _ => None,
        },
        _ => None,
    }
}

/// The C member path (`.f1.e[2]`) of `extractvalue`/`insertvalue` indices into `ty`.
fn member_path(ty: &Type, indices: &[u32]) -> Emitted<String> {
    let mut path = String::new();
    let mut cur = ty.clone();
    for &i in indices {
        cur = match &cur {
            Type::Struct(st) => {
                let body = st.body.as_ref().ok_or("an opaque structure")?;
                path.push_str(&format!(".f{i}"));
                body.get(i as usize).cloned().ok_or("a member index out of range")?
            }
            Type::Array(_, e) => {
                path.push_str(&format!(".e[{i}]"));
                (**e).clone()
            }
            other => return Err(format!("a member of `{other}`")),
        };
    }
    Ok(path)
}

/// The prelude's type through which a float or double leaf is loaded and stored (any
/// alignment, aliasing anything: what a copy of its bytes means).
fn float_access(ty: &Type) -> &'static str {
    if *ty == Type::Float { "opm_f32u" } else { "opm_f64u" }
}

/// A `getelementptr` index known at compile time: a constant, or a vector constant whose
/// lanes are all that one (LLVM allows struct field numbers only so).
fn constant_index(index: &Operand) -> Option<i128> {
    let (bits, value) = index.as_const()?.uniform_int()?;
    Some(opm_ir::value::sign_extend(value, bits))
}
