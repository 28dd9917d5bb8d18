//! One canonical function to CLIF. Blocks are lowered in reverse postorder, so that every
//! value is defined before it is used; blocks that cannot be reached are left out. Phis are
//! block parameters: each edge passes the incoming values as block arguments, which gives
//! the parallel-copy semantics of phis (a swap stays a swap). Values are lists of leaves
//! (see [`crate::types`]).

mod atomic;
mod calls;
mod exceptions;
mod intrinsics;
mod locals;
mod memory;
mod scalar;
mod variadic;
mod vector;
pub(crate) mod wide;

pub(crate) use vector::native_vectors_fit;

use crate::error::CraneliftError;
use crate::module::ModuleCx;
use crate::types::{container, leaf_count, leaves, member_range, scalar};
use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{
    self, BlockArg, FuncRef, GlobalValue, InstBuilder, TrapCode, Value, types as ct,
};
use cranelift_frontend::{FunctionBuilder, Switch, Variable};
use cranelift_module::{FuncId, Module as _};
use opm_backend::Site;
use opm_ir::print::{LocalNames, PrintOptions, instruction_text};
use opm_ir::{
    BinOp, BlockId, Cfg, ConstExpr, Constant, FloatKind, Function, Inst, Op, Operand, Type, ValueId,
};
use std::collections::HashMap;

/// Lowers the body of `f` into `b` (a fresh function with `f`'s signature), keeping vectors
/// whole when `native` (only for a function [`native_vectors_fit`]) and local variables in
/// SSA values when `registers` (see [`locals`]; never in a function that calls a function
/// that returns twice). Returns the function's exception handling, for its unwind tables
/// once it is compiled.
pub(crate) fn lower_function(
    cx: &mut ModuleCx<'_>,
    f: &Function,
    b: FunctionBuilder<'_>,
    native: bool,
    registers: bool,
) -> Result<crate::unwind::FunctionEh, CraneliftError> {
    let site = |inst: Option<&Inst>| match inst {
        Some(inst) => {
            let names = LocalNames::new(f, PrintOptions::default());
            Site::instruction(&f.name, instruction_text(&names, inst))
        }
        None => Site::function(&f.name),
    };
    let eh = crate::unwind::FunctionEh::of(f)
        .map_err(|construct| CraneliftError::Unsupported { construct, site: site(None) })?;
    let mut lo = FnLower {
        b,
        cx,
        f,
        native,
        types: f.value_types(),
        vals: HashMap::new(),
        blocks: Vec::new(),
        funcrefs: HashMap::new(),
        globals: HashMap::new(),
        va: None,
        fcmps: HashMap::new(),
        rem_pairs: div_rem_pairs(f),
        quotients: HashMap::new(),
        dynamic: None,
        fused_fmuladd: opm_backend::intrinsic::fuses_fmuladd(f),
        eh,
        landing: HashMap::new(),
        locals: HashMap::new(),
    };
    let cfg = Cfg::new(f);
    lo.prepare(&cfg)
        .map_err(|construct| CraneliftError::Unsupported { construct, site: site(None) })?;
    if registers {
        for (v, ty) in locals::promotable(f, &lo.types, &lo.cx.layout) {
            let ty = scalar(&ty)
                .map_err(|construct| CraneliftError::Unsupported { construct, site: site(None) })?;
            let var = lo.b.declare_var(ty);
            lo.locals.insert(v, var);
        }
    }
    if allocates_dynamically(f) {
        let newest = lo.b.declare_var(ir::types::I64);
        // (A variadic function's entry is the current block already, with its prologue.)
        if lo.b.current_block() != Some(lo.blocks[0]) {
            lo.b.switch_to_block(lo.blocks[0]);
        }
        let null = lo.b.ins().iconst(ir::types::I64, 0);
        lo.b.def_var(newest, null);
        lo.dynamic = Some(newest);
    }
    for &bid in &cfg.rpo {
        let blk = lo.blocks[bid.index()];
        if lo.b.current_block() != Some(blk) {
            lo.b.switch_to_block(blk);
        }
        for inst in &f.blocks[bid.index()].insts {
            lo.inst(bid, inst).map_err(|construct| CraneliftError::Unsupported {
                construct,
                site: site(Some(inst)),
            })?;
        }
    }
    lo.b.seal_all_blocks();
    let config = lo.cx.obj_config();
    lo.b.finalize(config);
    Ok(lo.eh)
}

/// The state of lowering one function.
pub(crate) struct FnLower<'a, 'm> {
    pub(crate) b: FunctionBuilder<'a>,
    pub(crate) cx: &'a mut ModuleCx<'m>,
    pub(crate) f: &'a Function,
    /// The type of every value of `f`.
    types: opm_ir::collections::HashMap<ValueId, Type>,
    /// The leaves of every value lowered so far.
    vals: HashMap<ValueId, Vec<Value>>,
    /// The CLIF block of each canonical block.
    blocks: Vec<ir::Block>,
    funcrefs: HashMap<FuncId, FuncRef>,
    globals: HashMap<String, GlobalValue>,
    /// For a variadic function: where its arguments are (see [`variadic`]).
    va: Option<variadic::VaFrame>,
    /// Vectors are kept whole (see [`vector`]), not split into lanes.
    native: bool,
    /// Each scalar `fcmp` lowered so far whose condition x86 also has as a vector compare:
    /// its condition and operands, for a `select` of floats on it (see
    /// [`FnLower::float_select`]).
    fcmps: HashMap<ValueId, (FloatCC, Value, Value)>,
    /// Each scalar `urem`/`srem` with a division of the same operands in its block: the
    /// division's value (see [`FnLower::remainder`]).
    rem_pairs: HashMap<ValueId, ValueId>,
    /// The quotient of a division computed early, for a remainder before it in its block.
    quotients: HashMap<ValueId, Value>,
    /// In a function with dynamic stack allocations: the newest one, or null (see
    /// [`FnLower::dynamic_alloca`]).
    dynamic: Option<Variable>,
    /// `llvm.fmuladd` rounds once here (see [`opm_backend::intrinsic::fuses_fmuladd`]).
    fused_fmuladd: bool,
    /// The function's landing pads and exception types (see [`crate::unwind`]).
    eh: crate::unwind::FunctionEh,
    /// Each landing pad's block parameters that receive the exception (its pointer and
    /// selector, as the personality leaves them in `rax` and `rdx`).
    landing: HashMap<BlockId, [Value; 2]>,
    /// The `alloca`s kept in variables instead of stack slots (see [`locals`]).
    locals: HashMap<ValueId, Variable>,
}

/// Whether `f` allocates memory on the stack dynamically: an `alloca` outside the entry block
/// or with a variable count, or `llvm.stacksave`/`llvm.stackrestore`.
fn allocates_dynamically(f: &Function) -> bool {
    f.blocks.iter().enumerate().any(|(i, block)| {
        block.insts.iter().any(|inst| match &inst.op {
            Op::Alloca { count, .. } => i != 0 || count.as_const().is_none(),
            Op::Call(call) => call.callee_name().is_some_and(|n| {
                n.starts_with("llvm.stacksave") || n.starts_with("llvm.stackrestore")
            }),
            _ => false,
        })
    })
}

/// The scalar `urem`/`srem` of `f` (at most 64 bits) that have a division of the same
/// signedness and operands in their block, each with that division's value.
fn div_rem_pairs(f: &Function) -> HashMap<ValueId, ValueId> {
    let mut pairs = HashMap::new();
    for block in &f.blocks {
        let divisions: Vec<(bool, &Operand, &Operand, ValueId)> = block
            .insts
            .iter()
            .filter_map(|inst| match (&inst.op, inst.result) {
                (Op::Bin { op: op @ (BinOp::UDiv | BinOp::SDiv), lhs, rhs, .. }, Some(v)) => {
                    Some((*op == BinOp::SDiv, lhs, rhs, v))
                }
                _ => None,
            })
            .collect();
        for inst in &block.insts {
            let (Op::Bin { op: op @ (BinOp::URem | BinOp::SRem), lhs, rhs, .. }, Some(v)) =
                (&inst.op, inst.result)
            else {
                continue;
            };
            if inst.ty.int_bits().is_none_or(|b| b > 64) {
                continue;
            }
            let signed = *op == BinOp::SRem;
            if let Some(&(.., d)) =
                divisions.iter().find(|(s, l, r, _)| *s == signed && *l == lhs && *r == rhs)
            {
                pairs.insert(v, d);
            }
        }
    }
    pairs
}

/// What lowering an instruction produced, or why it could not.
type Lowered<T> = Result<T, String>;

impl FnLower<'_, '_> {
    /// Creates the blocks, the entry block's parameters and one block parameter per phi leaf.
    fn prepare(&mut self, cfg: &Cfg) -> Lowered<()> {
        for _ in &self.f.blocks {
            let blk = self.b.create_block();
            self.blocks.push(blk);
        }
        let Some(&entry) = self.blocks.first() else {
            return Err("a function without blocks".into());
        };
        self.b.append_block_params_for_function_params(entry);
        if self.f.ty.varargs {
            self.b.switch_to_block(entry);
            return self.variadic_params(entry).and_then(|()| self.phi_params(cfg));
        }
        let params = self.b.block_params(entry).to_vec();
        let mut next = params.into_iter();
        for (i, p) in self.f.params.iter().enumerate() {
            let n = if self.f.attrs.param(i).iter().any(|a| {
                matches!(a, opm_ir::Attribute::Type { name, .. } if name == "byval" || name == "sret")
            }) {
                1
            } else {
                leaf_count(&self.f.ty.params[i])
            };
            let leaves: Vec<Value> = next.by_ref().take(n).collect();
            self.vals.insert(p.value, leaves);
        }
        self.phi_params(cfg)
    }

    /// One block parameter per leaf of each phi.
    fn phi_params(&mut self, cfg: &Cfg) -> Lowered<()> {
        for &bid in &cfg.rpo {
            let blk = self.blocks[bid.index()];
            for inst in &self.f.blocks[bid.index()].insts {
                if let (Op::Phi { .. }, Some(v)) = (&inst.op, inst.result) {
                    if let Some(sh) = self.whole(&inst.ty) {
                        let ps = (0..sh.parts).map(|_| self.b.append_block_param(blk, sh.part));
                        let ps = ps.collect();
                        self.vals.insert(v, ps);
                        continue;
                    }
                    let mut ps = Vec::new();
                    for leaf in leaves(&self.cx.layout, &inst.ty)? {
                        ps.push(self.b.append_block_param(blk, scalar(&leaf.ty)?));
                    }
                    self.vals.insert(v, ps);
                }
            }
            // A landing pad's exception comes after its phis.
            let insts = &self.f.blocks[bid.index()].insts;
            if insts.iter().any(|i| matches!(i.op, Op::LandingPad { .. })) {
                let ptr = self.b.append_block_param(blk, ct::I64);
                let selector = self.b.append_block_param(blk, ct::I64);
                self.landing.insert(bid, [ptr, selector]);
            }
        }
        Ok(())
    }

    /// The remainder `op` (`urem`/`srem`) of `a` by `b` (of type `ty`), whose block also
    /// divides them (`div`, the division's value): `a - q * b`, with the division's quotient
    /// `q`, computed here if the division comes later (and taken from here then). x86 gives
    /// both from one `div`, which LLVM's code generator uses; Cranelift has an instruction
    /// for each, and two divisions cost twice one.
    fn remainder(
        &mut self,
        op: BinOp,
        ty: &Type,
        div: ValueId,
        a: Value,
        b: Value,
    ) -> Lowered<Value> {
        let q = match self.vals.get(&div).and_then(|v| v.first()) {
            Some(&q) => q,
            None => {
                let div_op = if op == BinOp::SRem { BinOp::SDiv } else { BinOp::UDiv };
                let q = self.bin(div_op, ty, a, b)?;
                self.quotients.insert(div, q);
                q
            }
        };
        let product = self.bin(BinOp::Mul, ty, q, b)?;
        self.bin(BinOp::Sub, ty, a, product)
    }

    /// The canonical type of an operand.
    pub(crate) fn operand_type(&self, op: &Operand) -> Lowered<Type> {
        match op {
            Operand::Value(v) => self.types.get(v).cloned().ok_or_else(|| format!("value {v}")),
            Operand::Const(c) => Ok(c.ty()),
        }
    }

    /// The leaves of an operand.
    pub(crate) fn operand(&mut self, op: &Operand) -> Lowered<Vec<Value>> {
        match op {
            Operand::Value(v) => self
                .vals
                .get(v)
                .cloned()
                .ok_or_else(|| format!("a use of {v} before its definition")),
            Operand::Const(c) => match self.whole(&c.ty()) {
                Some(sh) => self.vector_constant(c, sh),
                None => self.constant(c),
            },
        }
    }

    /// The single leaf of a scalar operand.
    pub(crate) fn scalar_operand(&mut self, op: &Operand) -> Lowered<Value> {
        let v = self.operand(op)?;
        match v.as_slice() {
            [x] => Ok(*x),
            _ => Err("an aggregate where a scalar was expected".into()),
        }
    }

    fn define(&mut self, inst: &Inst, leaves: Vec<Value>) {
        if let Some(v) = inst.result {
            self.vals.insert(v, leaves);
        }
    }

    /// An integer constant of Cranelift type `ty` (any width up to I128).
    pub(crate) fn iconst(&mut self, ty: ct::Type, value: u128) -> Value {
        if ty == ct::I128 {
            let lo = self.b.ins().iconst(ct::I64, value as u64 as i64);
            let hi = (value >> 64) as u64;
            if hi == 0 {
                return self.b.ins().uextend(ct::I128, lo);
            }
            let hi = self.b.ins().iconst(ct::I64, hi as i64);
            return self.b.ins().iconcat(lo, hi);
        }
        let bits = ty.bits();
        let masked = if bits >= 64 { value as u64 } else { (value as u64) & ((1u64 << bits) - 1) };
        self.b.ins().iconst(ty, masked as i64)
    }

    /// The zero of a canonical scalar type.
    pub(crate) fn zero(&mut self, ty: &Type) -> Lowered<Value> {
        Ok(match scalar(ty)? {
            ct::F32 => self.b.ins().f32const(Ieee32::with_bits(0)),
            ct::F64 => self.b.ins().f64const(Ieee64::with_bits(0)),
            t => self.iconst(t, 0),
        })
    }

    /// The leaves of a constant.
    pub(crate) fn constant(&mut self, c: &Constant) -> Lowered<Vec<Value>> {
        Ok(match c {
            Constant::Int { bits, value } => vec![self.iconst(container(*bits), *value)],
            Constant::Float { kind: FloatKind::Float, bits } => {
                vec![self.b.ins().f32const(Ieee32::with_bits(*bits as u32))]
            }
            Constant::Float { kind: FloatKind::Double, bits } => {
                vec![self.b.ins().f64const(Ieee64::with_bits(*bits as u64))]
            }
            Constant::Float { kind, .. } => {
                return Err(format!("a constant of type `{}`", kind.ty()));
            }
            Constant::Null => vec![self.iconst(ct::I64, 0)],
            Constant::Undef(t) | Constant::Poison(t) | Constant::Zero(t) => {
                let mut out = Vec::new();
                for leaf in leaves(&self.cx.layout, t)? {
                    out.push(self.zero(&leaf.ty)?);
                }
                out
            }
            Constant::Array { elems, .. } | Constant::Vector(elems) => {
                let mut out = Vec::new();
                for e in elems {
                    out.extend(self.constant(e)?);
                }
                out
            }
            Constant::Struct { fields, .. } => {
                let mut out = Vec::new();
                for e in fields {
                    out.extend(self.constant(e)?);
                }
                out
            }
            Constant::Bytes(bytes) => {
                bytes.iter().map(|&x| self.iconst(ct::I8, u128::from(x))).collect()
            }
            Constant::Global(name) => vec![self.address(name)?],
            Constant::WideInt { bits, words } => self.wide_constant(*bits, words),
            // Its token (see `crate::labels`, which checked every use).
            Constant::BlockAddress { block, .. } => {
                vec![self.iconst(ct::I64, u128::from(crate::labels::token(*block)))]
            }
            Constant::Asm(asm) => return Err(format!("inline asm {:?}", asm.asm)),
            Constant::Expr(e) => match &**e {
                ConstExpr::Cast { op, val, to } => {
                    let from = val.ty();
                    let v = self.constant(val)?;
                    self.cast(*op, &from, to, v)?
                }
                ConstExpr::Bin { op, lhs, rhs, .. } => {
                    let ty = lhs.ty();
                    let (a, b) = (self.constant(lhs)?, self.constant(rhs)?);
                    self.bin_lanes(*op, &ty, a, b)?
                }
                ConstExpr::Gep { source_ty, base, indices, .. } => {
                    let base = self.constant(base)?;
                    let base = *base.first().ok_or("a getelementptr of an aggregate")?;
                    let idx: Vec<Operand> = indices.iter().cloned().map(Operand::Const).collect();
                    vec![self.gep(source_ty, base, &idx)?]
                }
            },
        })
    }

    /// The address of a function or global variable of the module (for a thread-local
    /// variable, the address of the current thread's copy, through `__tls_get_addr`: the
    /// general-dynamic model, valid whatever model LLVM was given, which the linker relaxes
    /// to a cheaper one in an executable).
    pub(crate) fn address(&mut self, name: &str) -> Lowered<Value> {
        if let Some(&id) = self.cx.funcs.get(name) {
            let fref = self.funcref(id);
            return Ok(self.b.ins().func_addr(ct::I64, fref));
        }
        if let Some(&id) = self.cx.data.get(name) {
            let gv = match self.globals.get(name) {
                Some(gv) => *gv,
                None => {
                    let gv = self.cx.obj.declare_data_in_func(id, self.b.func);
                    self.globals.insert(name.to_string(), gv);
                    gv
                }
            };
            // A thread-local variable's address is the current thread's copy of it.
            if self.cx.obj.declarations().get_data_decl(id).tls {
                return Ok(self.b.ins().tls_value(ct::I64, gv));
            }
            return Ok(self.b.ins().symbol_value(ct::I64, gv));
        }
        Err(format!("a reference to the unknown symbol @{name}"))
    }

    /// The function reference of a declared function, imported once per function.
    pub(crate) fn funcref(&mut self, id: FuncId) -> FuncRef {
        if let Some(r) = self.funcrefs.get(&id) {
            return *r;
        }
        let r = self.cx.obj.declare_func_in_func(id, self.b.func);
        self.funcrefs.insert(id, r);
        r
    }

    /// Lowers `inst` if it is an `alloca` kept in a variable or an access to one (see
    /// [`locals`]): the `alloca` itself is nothing, a load the variable's value, a store its
    /// new definition. Whether it was one.
    fn local_access(&mut self, inst: &Inst) -> Lowered<bool> {
        let local = |op: &Operand| op.as_value().and_then(|v| self.locals.get(&v).copied());
        match &inst.op {
            Op::Alloca { .. } => Ok(inst.result.is_some_and(|v| self.locals.contains_key(&v))),
            Op::Load { ptr, .. } => match local(ptr) {
                Some(var) => {
                    let x =
                        self.b.try_use_var(var).map_err(|e| format!("a local variable: {e}"))?;
                    self.define(inst, vec![x]);
                    Ok(true)
                }
                None => Ok(false),
            },
            Op::Store { val, ptr, .. } => match local(ptr) {
                Some(var) => {
                    let x = self.scalar_operand(val)?;
                    self.b.try_def_var(var, x).map_err(|e| format!("a local variable: {e}"))?;
                    Ok(true)
                }
                None => Ok(false),
            },
            _ => Ok(false),
        }
    }

    /// Lowers one instruction of block `bid`.
    fn inst(&mut self, bid: BlockId, inst: &Inst) -> Lowered<()> {
        // A scalar integer wider than 128 bits: its own operations, or moved as any value.
        let moves = match self.wide_inst(inst)? {
            wide::Wide::Done => return Ok(()),
            wide::Wide::Moves => true,
            wide::Wide::No => false,
        };
        // Types without a representation here, wherever they occur: refused before any
        // operation could take a wide integer for the I128 container of its low bits.
        if let Some(bad) = crate::types::unrepresentable(&inst.ty).filter(|_| !moves) {
            return Err(bad);
        }
        for op in inst.op.operands() {
            let bad = match op {
                _ if moves => None,
                Operand::Value(v) => self.types.get(v).and_then(crate::types::unrepresentable),
                Operand::Const(c) => crate::types::unrepresentable(&c.ty()),
            };
            if let Some(bad) = bad {
                return Err(bad);
            }
        }
        if !self.locals.is_empty() && self.local_access(inst)? {
            return Ok(());
        }
        if self.on_whole_vectors(inst) {
            return self.vector_inst(inst);
        }
        match &inst.op {
            Op::Bin { op, lhs, rhs, .. } => {
                let ty = self.operand_type(lhs)?;
                let quotient = inst.result.and_then(|v| self.quotients.get(&v)).copied();
                let partner = inst.result.and_then(|v| self.rem_pairs.get(&v)).copied();
                let (a, b) = (self.operand(lhs)?, self.operand(rhs)?);
                let r = match (quotient, partner) {
                    (Some(q), _) => vec![q],
                    (None, Some(div)) => vec![self.remainder(*op, &ty, div, a[0], b[0])?],
                    (None, None) => self.bin_lanes(*op, &ty, a, b)?,
                };
                self.define(inst, r);
            }
            Op::FNeg { val, .. } => {
                let v = self.operand(val)?;
                let r = v.into_iter().map(|x| self.b.ins().fneg(x)).collect();
                self.define(inst, r);
            }
            Op::ICmp { pred, lhs, rhs, .. } => {
                let ty = self.operand_type(lhs)?;
                let (a, b) = (self.operand(lhs)?, self.operand(rhs)?);
                let elem = ty.scalar().clone();
                let mut r = Vec::new();
                for (x, y) in a.into_iter().zip(b) {
                    r.push(self.icmp(*pred, &elem, x, y)?);
                }
                self.define(inst, r);
            }
            Op::FCmp { pred, lhs, rhs, .. } => {
                let (a, b) = (self.operand(lhs)?, self.operand(rhs)?);
                if let ([x], [y], Some(id), Ok(cc)) =
                    (a.as_slice(), b.as_slice(), inst.result, scalar::float_cc(*pred))
                    && scalar::vector_fcmp(cc)
                {
                    self.fcmps.insert(id, (cc, *x, *y));
                }
                let r = a.into_iter().zip(b).map(|(x, y)| self.fcmp(*pred, x, y)).collect();
                self.define(inst, r);
            }
            Op::Select { cond, then_val, else_val, .. } => {
                let c = self.operand(cond)?;
                let (t, e) = (self.operand(then_val)?, self.operand(else_val)?);
                let vector_cond = self.operand_type(cond)?.vector_len().is_some();
                let compare = cond.as_value().and_then(|v| self.fcmps.get(&v)).copied();
                let mut r = Vec::new();
                for (i, (x, y)) in t.into_iter().zip(e).enumerate() {
                    let ci = if vector_cond { c[i] } else { c[0] };
                    r.push(match compare {
                        Some(compare) if !vector_cond => self.float_select(compare, ci, x, y),
                        _ => self.b.ins().select(ci, x, y),
                    });
                }
                self.define(inst, r);
            }
            Op::Cast { op, val, .. } => {
                let from = self.operand_type(val)?;
                let v = self.operand(val)?;
                let r = self.cast(*op, &from, &inst.ty, v)?;
                self.define(inst, r);
            }
            Op::Load { ptr, align, atomic: Some(_), .. } => {
                let r = self.atomic_load(&inst.ty, ptr, *align)?;
                self.define(inst, vec![r]);
            }
            Op::Store { val, ptr, align, atomic: Some(_), .. } => {
                self.atomic_store(val, ptr, *align)?;
            }
            Op::AtomicRmw { op, ptr, val, align, .. } => {
                let r = self.atomic_rmw(*op, ptr, val, *align)?;
                self.define(inst, vec![r]);
            }
            Op::CmpXchg { ptr, cmp, new, align, .. } => {
                let r = self.cmpxchg(ptr, cmp, new, *align)?;
                self.define(inst, r);
            }
            Op::Fence { atomic } => self.fence(*atomic),
            Op::Invoke { call, normal, unwind } => {
                self.invoke(bid, inst, call, *normal, *unwind)?
            }
            Op::LandingPad { .. } => {
                let r = self.landing_pad(bid)?;
                self.define(inst, r);
            }
            Op::Resume { val } => self.resume(val)?,
            Op::IndirectBr { addr, dests } => {
                let v = self.scalar_operand(addr)?;
                let entries: Vec<(u128, BlockId)> =
                    dests.iter().map(|&d| (u128::from(crate::labels::token(d)), d)).collect();
                self.dispatch(bid, v, &entries, None)?;
            }
            Op::Load { ptr, .. } => {
                let addr = self.scalar_operand(ptr)?;
                let r = self.load(&inst.ty, addr)?;
                self.define(inst, r);
            }
            Op::Store { val, ptr, .. } => {
                let ty = self.operand_type(val)?;
                let v = self.operand(val)?;
                let addr = self.scalar_operand(ptr)?;
                self.store(&ty, &v, addr)?;
            }
            Op::Alloca { ty, count, align } => {
                let r = self.alloca(bid, ty, count, *align)?;
                self.define(inst, vec![r]);
            }
            Op::Gep { source_ty, base, indices, .. } => {
                let r = match inst.ty.vector_len() {
                    Some(lanes) => self.vector_gep(source_ty, base, indices, lanes as usize)?,
                    None => {
                        let base = self.scalar_operand(base)?;
                        vec![self.gep(source_ty, base, indices)?]
                    }
                };
                self.define(inst, r);
            }
            Op::Call(call) => {
                let r = self.call(inst, call)?;
                self.define(inst, r);
            }
            Op::Phi { .. } => {}
            Op::Freeze { val } => {
                let v = self.operand(val)?;
                self.define(inst, v);
            }
            Op::VaArg { .. } => return Err("`va_arg`".into()),
            Op::ExtractValue { agg, indices } => {
                let ty = self.operand_type(agg)?;
                let (range, _) = member_range(&ty, indices)?;
                let v = self.operand(agg)?;
                self.define(inst, v[range].to_vec());
            }
            Op::InsertValue { agg, val, indices } => {
                let ty = self.operand_type(agg)?;
                let (range, _) = member_range(&ty, indices)?;
                let mut v = self.operand(agg)?;
                let x = self.operand(val)?;
                v.splice(range, x);
                self.define(inst, v);
            }
            Op::ExtractElement { vec, index } => {
                let lanes = self.operand(vec)?;
                let r = self.extract_lane(&lanes, index, &inst.ty)?;
                self.define(inst, vec![r]);
            }
            Op::InsertElement { vec, val, index } => {
                let mut lanes = self.operand(vec)?;
                let x = self.scalar_operand(val)?;
                self.insert_lane(&mut lanes, x, index)?;
                self.define(inst, lanes);
            }
            Op::ShuffleVector { a, b, mask } => {
                let mut lanes = self.operand(a)?;
                lanes.extend(self.operand(b)?);
                let elem = inst.ty.scalar().clone();
                let mut r = Vec::new();
                for &m in mask {
                    let lane = usize::try_from(m).ok().and_then(|m| lanes.get(m).copied());
                    r.push(match lane {
                        Some(l) => l,
                        None => self.zero(&elem)?,
                    });
                }
                self.define(inst, r);
            }
            Op::Ret { val } => {
                let v = match val {
                    Some(v) => self.operand(v)?,
                    None => Vec::new(),
                };
                if self.dynamic.is_some() {
                    let null = self.b.ins().iconst(ct::I64, 0);
                    self.release_dynamic(null)?;
                }
                self.b.ins().return_(&v);
            }
            Op::Br { dest } => {
                let args = self.edge_args(bid, *dest)?;
                self.b.ins().jump(self.blocks[dest.index()], &args);
            }
            Op::CondBr { cond, then_dest, else_dest } => {
                let c = self.scalar_operand(cond)?;
                let then_args = self.edge_args(bid, *then_dest)?;
                let else_args = self.edge_args(bid, *else_dest)?;
                let (t, e) = (self.blocks[then_dest.index()], self.blocks[else_dest.index()]);
                self.b.ins().brif(c, t, &then_args, e, &else_args);
            }
            Op::Switch { val, default, cases } => {
                let v = self.scalar_operand(val)?;
                let entries: Vec<(u128, BlockId)> =
                    cases.iter().map(|c| (c.value, c.dest)).collect();
                self.dispatch(bid, v, &entries, Some(*default))?;
            }
            Op::Unreachable => {
                self.b.ins().trap(TrapCode::unwrap_user(1));
            }
        }
        Ok(())
    }

    /// The block arguments of the edge `from` → `to`: the incoming value of each phi of `to`.
    fn edge_args(&mut self, from: BlockId, to: BlockId) -> Lowered<Vec<BlockArg>> {
        let mut args = Vec::new();
        let target = &self.f.blocks[to.index()];
        for inst in &target.insts {
            let Op::Phi { incoming, .. } = &inst.op else { continue };
            let (op, _) = incoming
                .iter()
                .find(|(_, b)| *b == from)
                .ok_or_else(|| format!("a phi without a value for the edge from {from}"))?;
            args.extend(self.operand(op)?.into_iter().map(BlockArg::from));
        }
        Ok(args)
    }

    /// A switch through `cranelift_frontend::Switch` to the blocks of `entries` (value,
    /// destination) and to `default` for any other value (`None`: no other value can occur,
    /// as for `indirectbr`, whose other values trap). An edge to a block with phis goes
    /// through a block of its own that passes the phi arguments.
    fn dispatch(
        &mut self,
        bid: BlockId,
        v: Value,
        entries: &[(u128, BlockId)],
        default: Option<BlockId>,
    ) -> Lowered<()> {
        let mut edge_blocks: HashMap<BlockId, ir::Block> = HashMap::new();
        let mut edges = Vec::new();
        for dest in default.into_iter().chain(entries.iter().map(|e| e.1)) {
            if edge_blocks.contains_key(&dest) {
                continue;
            }
            let has_phis =
                self.f.blocks[dest.index()].insts.iter().any(|i| matches!(i.op, Op::Phi { .. }));
            let blk = if has_phis {
                let e = self.b.create_block();
                edges.push((e, dest));
                e
            } else {
                self.blocks[dest.index()]
            };
            edge_blocks.insert(dest, blk);
        }
        let mut sw = Switch::new();
        for (value, dest) in entries {
            if !sw.entries().contains_key(value) {
                sw.set_entry(*value, edge_blocks[dest]);
            }
        }
        let otherwise = match default {
            Some(d) => edge_blocks[&d],
            None => self.b.create_block(),
        };
        sw.emit(&mut self.b, v, otherwise);
        if default.is_none() {
            self.b.switch_to_block(otherwise);
            self.b.ins().trap(TrapCode::unwrap_user(1));
        }
        for (e, dest) in edges {
            self.b.switch_to_block(e);
            let args = self.edge_args(bid, dest)?;
            self.b.ins().jump(self.blocks[dest.index()], &args);
        }
        Ok(())
    }

    /// `extractelement` with a constant or variable index.
    fn extract_lane(&mut self, lanes: &[Value], index: &Operand, elem: &Type) -> Lowered<Value> {
        if let Some(i) = index.as_const().and_then(Constant::as_signed) {
            return match usize::try_from(i).ok().and_then(|i| lanes.get(i)) {
                Some(v) => Ok(*v),
                None => self.zero(elem),
            };
        }
        let ity = self.operand_type(index)?;
        let idx = self.scalar_operand(index)?;
        let idx = self.zext_to_i64(idx, ity.int_bits().unwrap_or(64));
        let mut r = self.zero(elem)?;
        for (i, &l) in lanes.iter().enumerate() {
            let hit = self.b.ins().icmp_imm_s(ir::condcodes::IntCC::Equal, idx, i as i64);
            r = self.b.ins().select(hit, l, r);
        }
        Ok(r)
    }

    /// `insertelement` with a constant or variable index.
    fn insert_lane(&mut self, lanes: &mut [Value], x: Value, index: &Operand) -> Lowered<()> {
        if let Some(i) = index.as_const().and_then(Constant::as_signed) {
            if let Some(l) = usize::try_from(i).ok().and_then(|i| lanes.get_mut(i)) {
                *l = x;
            }
            return Ok(());
        }
        let ity = self.operand_type(index)?;
        let idx = self.scalar_operand(index)?;
        let idx = self.zext_to_i64(idx, ity.int_bits().unwrap_or(64));
        for (i, l) in lanes.iter_mut().enumerate() {
            let hit = self.b.ins().icmp_imm_s(ir::condcodes::IntCC::Equal, idx, i as i64);
            *l = self.b.ins().select(hit, x, *l);
        }
        Ok(())
    }
}
