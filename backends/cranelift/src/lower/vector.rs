//! Vectors kept whole (`vectors=native`). In a function whose every vector is 128 bits of
//! 8/16/32/64-bit integers, floats or doubles, or `<N x i1>` with N of 2, 4, 8 or 16, and
//! whose every vector operation has a Cranelift instruction, a vector is one CLIF value of
//! type I8X16 … F64X2. `<N x i1>` is the lane mask of the 128-bit type with N lanes (every
//! bit of a lane set or clear), which is what Cranelift's vector compares produce, so a
//! compare, a `select` and the logic between them need no conversion.
//!
//! Any other function has its vectors split into lanes (see [`crate::types`]). Splitting only
//! part of a function would take vectors apart and rebuild them around every split
//! operation, which measured slower than either way.

use super::scalar::{float_cc, int_cc};
use super::{FnLower, Lowered};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    ConstantData, Endianness, InstBuilder, MemFlagsData, Value, types as ct,
};
use opm_ir::{BinOp, CastOp, Constant, Function, Inst, Op, Operand, Type};

/// The CLIF type of a vector kept whole, if `ty` is one.
pub(crate) fn native_type(ty: &Type) -> Option<ct::Type> {
    let Type::Vector(n, elem) = ty else { return None };
    let n = *n;
    let lane = match &**elem {
        Type::Int(1) if matches!(n, 2 | 4 | 8 | 16) => ct::Type::int(u16::try_from(128 / n).ok()?)?,
        Type::Int(b @ (8 | 16 | 32 | 64)) => ct::Type::int(u16::try_from(*b).ok()?)?,
        Type::Float => ct::F32,
        Type::Double => ct::F64,
        _ => return None,
    };
    if lane.bits() * n != 128 {
        return None;
    }
    lane.by(n)
}

/// Whether `ty` is a vector of `i1` (a lane mask when kept whole).
fn is_mask(ty: &Type) -> bool {
    matches!(ty, Type::Vector(_, elem) if **elem == Type::Int(1))
}

/// Whether `ty` is or holds a vector.
fn has_vector(ty: &Type) -> bool {
    let mut found = false;
    ty.walk(&mut |t| found |= matches!(t, Type::Vector(..)));
    found
}

/// Whether `f` keeps its vectors whole under `vectors=native`: it has vectors, every type
/// holding one is a vector [`native_type`] has, and every instruction on one has a
/// native form here. Vector parameters and results (the ABI passes lanes) do not fit.
pub(crate) fn native_vectors_fit(f: &Function) -> bool {
    if f.ty.params.iter().chain(std::iter::once(&f.ty.ret)).any(has_vector) {
        return false;
    }
    let types = f.value_types();
    let ty_of = |op: &Operand| match op {
        Operand::Value(v) => types.get(v).cloned(),
        Operand::Const(c) => Some(c.ty()),
    };
    let mut any = false;
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        let operands = inst.op.operands();
        let mut involved = vec![inst.ty.clone()];
        for op in &operands {
            match ty_of(op) {
                Some(t) => involved.push(t),
                None => return false,
            }
        }
        if !involved.iter().any(has_vector) {
            continue;
        }
        any = true;
        if involved.iter().any(|t| has_vector(t) && native_type(t).is_none()) {
            return false;
        }
        let constants_fit = operands.iter().filter_map(|op| op.as_const()).all(|c| {
            native_type(&c.ty()).is_none()
                || match c {
                    Constant::Zero(_) | Constant::Undef(_) | Constant::Poison(_) => true,
                    Constant::Vector(elems) => elems.iter().all(|e| {
                        matches!(
                            e,
                            Constant::Int { .. }
                                | Constant::Float { .. }
                                | Constant::Undef(_)
                                | Constant::Poison(_)
                        )
                    }),
                    _ => false,
                }
        });
        if !constants_fit || !op_fits(inst, &|op| ty_of(op).unwrap_or(Type::Void)) {
            return false;
        }
    }
    any
}

/// Whether the vector instruction `inst` has a native form.
fn op_fits(inst: &Inst, ty_of: &dyn Fn(&Operand) -> Type) -> bool {
    let lane_bits = |t: &Type| native_type(t).map_or(0, |c| c.lane_bits());
    match &inst.op {
        Op::Bin { op, lhs, rhs, .. } => {
            let t = ty_of(lhs);
            let int = t.scalar().is_int() && !is_mask(&t);
            match op {
                BinOp::And | BinOp::Or | BinOp::Xor => true,
                BinOp::Add | BinOp::Sub => int,
                BinOp::Mul => int && lane_bits(&t) >= 16,
                BinOp::Shl | BinOp::LShr | BinOp::AShr => int && splat_amount(rhs).is_some(),
                BinOp::FAdd | BinOp::FSub | BinOp::FMul | BinOp::FDiv => true,
                _ => false,
            }
        }
        Op::FNeg { .. } | Op::ICmp { .. } | Op::FCmp { .. } | Op::Select { .. } => true,
        Op::Cast { op, val, .. } => {
            let (from, to) = (ty_of(val), inst.ty.clone());
            let same_lanes = from.vector_len().is_some() && from.vector_len() == to.vector_len();
            match op {
                CastOp::BitCast => {
                    (native_type(&from).is_some() && native_type(&to).is_some())
                        && !is_mask(&from)
                        && !is_mask(&to)
                        || is_mask(&from) && to.is_int()
                }
                CastOp::ZExt | CastOp::SExt => is_mask(&from) && same_lanes,
                CastOp::Trunc => is_mask(&to) && same_lanes,
                CastOp::SIToFP | CastOp::UIToFP | CastOp::FPToSI | CastOp::FPToUI => {
                    same_lanes && !is_mask(&from)
                }
                _ => false,
            }
        }
        // A mask in memory is bit-packed, not a lane mask: split into lanes (see `memory`).
        Op::Load { .. } => !is_mask(&inst.ty),
        Op::Store { val, .. } => !is_mask(&ty_of(val)),
        Op::Phi { .. } | Op::Freeze { .. } => true,
        Op::ExtractElement { vec, index } | Op::InsertElement { vec, index, .. } => {
            let lanes = ty_of(vec).vector_len().unwrap_or(0);
            const_index(index).is_some_and(|i| i < lanes as usize)
        }
        Op::ShuffleVector { a, .. } => ty_of(a) == inst.ty,
        Op::Call(c) => {
            let Some(name) = c.callee_name().filter(|n| n.starts_with("llvm.")) else {
                return false;
            };
            let arg = c.args.first().map(ty_of).unwrap_or(Type::Void);
            let int = arg.scalar().is_int() && !is_mask(&arg);
            match opm_ir::intrinsic::base_name(name) {
                "fmuladd" | "fabs" | "sqrt" => arg.scalar().is_float(),
                "smin" | "smax" | "umin" | "umax" | "abs" => int,
                "sadd.sat" | "uadd.sat" | "ssub.sat" | "usub.sat" => int && lane_bits(&arg) <= 16,
                base => base.starts_with("vector.reduce."),
            }
        }
        _ => false,
    }
}

/// A lane index that is a non-negative constant.
fn const_index(index: &Operand) -> Option<usize> {
    index.as_const().and_then(Constant::as_signed).and_then(|i| usize::try_from(i).ok())
}

/// The shift amount of a vector shift whose every lane shifts by the same constant.
fn splat_amount(rhs: &Operand) -> Option<u128> {
    match rhs.as_const()? {
        Constant::Vector(elems) => {
            let first = match elems.first()? {
                Constant::Int { value, .. } => *value,
                _ => return None,
            };
            elems
                .iter()
                .all(|e| matches!(e, Constant::Int { value, .. } if *value == first))
                .then_some(first)
        }
        Constant::Zero(_) => Some(0),
        _ => None,
    }
}

/// Flags for a `bitcast` between vector types: lanes are numbered as in memory.
fn little() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

impl FnLower<'_, '_> {
    /// The CLIF type of `ty` when this function keeps vectors whole and `ty` is one.
    pub(crate) fn whole(&self, ty: &Type) -> Option<ct::Type> {
        if self.native { native_type(ty) } else { None }
    }

    /// Whether `inst` works on a vector kept whole (and is lowered here).
    pub(crate) fn on_whole_vectors(&self, inst: &Inst) -> bool {
        self.native
            && (native_type(&inst.ty).is_some()
                || inst
                    .op
                    .operands()
                    .iter()
                    .any(|op| self.operand_type(op).is_ok_and(|t| native_type(&t).is_some())))
    }

    /// A vector constant kept whole.
    pub(crate) fn vector_constant(&mut self, c: &Constant, cty: ct::Type) -> Lowered<Value> {
        let ty = c.ty();
        let lane_bytes = (cty.lane_bits() / 8) as usize;
        let mut bytes = vec![0u8; 16];
        if let Constant::Vector(elems) = c {
            for (i, e) in elems.iter().enumerate() {
                let bits: u128 = match e {
                    Constant::Int { value, .. } if is_mask(&ty) => {
                        if value & 1 == 1 {
                            u128::MAX
                        } else {
                            0
                        }
                    }
                    Constant::Int { value, .. } => *value,
                    Constant::Float { bits, .. } => *bits,
                    Constant::Undef(_) | Constant::Poison(_) => 0,
                    other => return Err(format!("the vector constant element `{other:?}`")),
                };
                let le = bits.to_le_bytes();
                bytes[i * lane_bytes..(i + 1) * lane_bytes].copy_from_slice(&le[..lane_bytes]);
            }
        }
        Ok(self.vconst(cty, bytes))
    }

    fn vconst(&mut self, cty: ct::Type, bytes: Vec<u8>) -> Value {
        let handle = self.b.func.dfg.constants.insert(ConstantData::from(bytes));
        self.b.ins().vconst(cty, handle)
    }

    /// A vector of type `cty` with every lane `value` (an integer lane type).
    fn splat_const(&mut self, cty: ct::Type, value: u128) -> Value {
        let lane_bytes = (cty.lane_bits() / 8) as usize;
        let le = value.to_le_bytes();
        let bytes = (0..16).map(|i| le[i % lane_bytes]).collect();
        self.vconst(cty, bytes)
    }

    /// The whole vector of an operand.
    fn vector(&mut self, op: &Operand) -> Lowered<Value> {
        let v = self.operand(op)?;
        match v.as_slice() {
            [x] => Ok(*x),
            _ => Err("a vector in lanes where a whole vector was expected".into()),
        }
    }

    /// Lane `i` of a whole vector of canonical type `ty`, as a leaf (an `i1` lane is 0/1).
    fn lane(&mut self, v: Value, ty: &Type, i: usize) -> Value {
        let x = self.b.ins().extractlane(v, i as u8);
        if is_mask(ty) {
            let one = self.b.ins().band_imm_u(x, 1);
            let t = self.b.func.dfg.value_type(one);
            return if t == ct::I8 { one } else { self.b.ins().ireduce(ct::I8, one) };
        }
        x
    }

    /// A leaf made a lane of a whole vector of canonical type `ty` (an `i1` becomes 0 or -1).
    fn lane_of(&mut self, x: Value, ty: &Type, cty: ct::Type) -> Value {
        if !is_mask(ty) {
            return x;
        }
        let lane = cty.lane_type();
        let wide = if lane == ct::I8 { x } else { self.b.ins().uextend(lane, x) };
        self.b.ins().ineg(wide)
    }

    /// Lowers an instruction on vectors kept whole.
    pub(crate) fn vector_inst(&mut self, inst: &Inst) -> Lowered<()> {
        let r = match &inst.op {
            Op::Bin { op: op @ (BinOp::Shl | BinOp::LShr | BinOp::AShr), lhs, rhs, .. } => {
                let a = self.vector(lhs)?;
                let amount = splat_amount(rhs).ok_or("a vector shift by lanes")?;
                let cty = self.b.func.dfg.value_type(a);
                if amount >= u128::from(cty.lane_bits()) {
                    // Poison in LLVM: any value will do.
                    self.splat_const(cty, 0)
                } else {
                    let k = self.b.ins().iconst(ct::I32, amount as i64);
                    match op {
                        BinOp::Shl => self.b.ins().ishl(a, k),
                        BinOp::LShr => self.b.ins().ushr(a, k),
                        _ => self.b.ins().sshr(a, k),
                    }
                }
            }
            Op::Bin { op, lhs, rhs, .. } => {
                let (a, b) = (self.vector(lhs)?, self.vector(rhs)?);
                let i = self.b.ins();
                match op {
                    BinOp::Add => i.iadd(a, b),
                    BinOp::Sub => i.isub(a, b),
                    BinOp::Mul => i.imul(a, b),
                    BinOp::And => i.band(a, b),
                    BinOp::Or => i.bor(a, b),
                    BinOp::Xor => i.bxor(a, b),
                    BinOp::FAdd => i.fadd(a, b),
                    BinOp::FSub => i.fsub(a, b),
                    BinOp::FMul => i.fmul(a, b),
                    BinOp::FDiv => i.fdiv(a, b),
                    other => return Err(format!("`{}` on whole vectors", other.name())),
                }
            }
            Op::FNeg { val, .. } => {
                let v = self.vector(val)?;
                self.b.ins().fneg(v)
            }
            Op::ICmp { pred, lhs, rhs, .. } => {
                let (a, b) = (self.vector(lhs)?, self.vector(rhs)?);
                self.b.ins().icmp(int_cc(*pred), a, b)
            }
            Op::FCmp { pred, lhs, rhs, .. } => {
                let (a, b) = (self.vector(lhs)?, self.vector(rhs)?);
                let mask_ty = self.b.func.dfg.value_type(a).as_int();
                match float_cc(*pred) {
                    Ok(cc) => self.b.ins().fcmp(cc, a, b),
                    Err(all) => self.splat_const(mask_ty, if all { u128::MAX } else { 0 }),
                }
            }
            Op::Select { cond, then_val, else_val, .. } => {
                let (t, e) = (self.vector(then_val)?, self.vector(else_val)?);
                let cty = self.b.func.dfg.value_type(t);
                if self.operand_type(cond)?.vector_len().is_some() {
                    let mut m = self.vector(cond)?;
                    if self.b.func.dfg.value_type(m) != cty {
                        m = self.b.ins().bitcast(cty, little(), m);
                    }
                    self.b.ins().bitselect(m, t, e)
                } else {
                    let c = self.scalar_operand(cond)?;
                    self.b.ins().select(c, t, e)
                }
            }
            Op::Cast { op, val, .. } => self.vector_cast(*op, val, &inst.ty)?,
            Op::Load { ptr, .. } => {
                let cty = native_type(&inst.ty).ok_or("a load of a split vector")?;
                let addr = self.scalar_operand(ptr)?;
                self.b.ins().load(cty, MemFlagsData::new(), addr, 0)
            }
            Op::Store { val, ptr, .. } => {
                let v = self.vector(val)?;
                let addr = self.scalar_operand(ptr)?;
                self.b.ins().store(MemFlagsData::new(), v, addr, 0);
                return Ok(());
            }
            Op::Phi { .. } => return Ok(()),
            Op::Freeze { val } => self.vector(val)?,
            Op::ExtractElement { vec, index } => {
                let ty = self.operand_type(vec)?;
                let v = self.vector(vec)?;
                let i = const_index(index).ok_or("a variable lane index")?;
                self.lane(v, &ty, i)
            }
            Op::InsertElement { vec, val, index } => {
                let ty = self.operand_type(vec)?;
                let cty = native_type(&ty).ok_or("an insertelement into a split vector")?;
                let x = self.scalar_operand(val)?;
                let x = self.lane_of(x, &ty, cty);
                let i = const_index(index).ok_or("a variable lane index")?;
                let into_nothing =
                    matches!(vec.as_const(), Some(Constant::Poison(_) | Constant::Undef(_)));
                if into_nothing && i == 0 {
                    // The other lanes are poison: a move into the vector register will do
                    // (x86 moves 32 or 64 bits).
                    if cty.lane_bits() >= 32 {
                        self.b.ins().scalar_to_vector(cty, x)
                    } else {
                        let wide = self.b.ins().uextend(ct::I32, x);
                        let v = self.b.ins().scalar_to_vector(ct::I32X4, wide);
                        self.b.ins().bitcast(cty, little(), v)
                    }
                } else {
                    let v = self.vector(vec)?;
                    self.b.ins().insertlane(v, x, i as u8)
                }
            }
            Op::ShuffleVector { a, b, mask } => {
                let (a, b) = (self.vector(a)?, self.vector(b)?);
                self.shuffle(a, b, mask)
            }
            Op::Call(c) => {
                let name = c.callee_name().unwrap_or_default();
                let base = opm_ir::intrinsic::base_name(name);
                if let Some(op) = base.strip_prefix("vector.reduce.")
                    && let Some(r) = self.reduce_whole(op, &c.args)?
                {
                    self.define(inst, vec![r]);
                    return Ok(());
                }
                if base.starts_with("vector.reduce.") {
                    // A fold over the lanes: the lanes become leaves for the scalar code.
                    let mut args = Vec::new();
                    for a in &c.args {
                        let ty = self.operand_type(a)?;
                        if native_type(&ty).is_some() {
                            let v = self.vector(a)?;
                            let n = ty.vector_len().unwrap_or(0) as usize;
                            args.push((0..n).map(|i| self.lane(v, &ty, i)).collect());
                        } else {
                            args.push(self.operand(a)?);
                        }
                    }
                    let op = base.trim_start_matches("vector.reduce.");
                    let r = self.reduce(op, c.args.last().ok_or("a reduction")?, &args)?;
                    self.define(inst, vec![r]);
                    return Ok(());
                }
                let mut args = Vec::new();
                for a in &c.args {
                    args.push(self.vector(a)?);
                }
                let i = self.b.ins();
                match (base, args.as_slice()) {
                    ("fmuladd", [x, y, z]) => {
                        let p = i.fmul(*x, *y);
                        self.b.ins().fadd(p, *z)
                    }
                    ("fabs", [x]) => i.fabs(*x),
                    ("sqrt", [x]) => i.sqrt(*x),
                    ("smin", [x, y]) => i.smin(*x, *y),
                    ("smax", [x, y]) => i.smax(*x, *y),
                    ("umin", [x, y]) => i.umin(*x, *y),
                    ("umax", [x, y]) => i.umax(*x, *y),
                    ("abs", [x, ..]) => i.iabs(*x),
                    ("sadd.sat", [x, y]) => i.sadd_sat(*x, *y),
                    ("uadd.sat", [x, y]) => i.uadd_sat(*x, *y),
                    ("ssub.sat", [x, y]) => i.ssub_sat(*x, *y),
                    ("usub.sat", [x, y]) => i.usub_sat(*x, *y),
                    _ => return Err(format!("the intrinsic @{name} on whole vectors")),
                }
            }
            _ => return Err(format!("`{}` on whole vectors", inst.op.opcode_name())),
        };
        self.define(inst, vec![r]);
        Ok(())
    }

    /// A conversion to or from a vector kept whole.
    fn vector_cast(&mut self, op: CastOp, val: &Operand, to: &Type) -> Lowered<Value> {
        let from = self.operand_type(val)?;
        let v = self.vector(val)?;
        let cty = self.b.func.dfg.value_type(v);
        let to_cty = native_type(to);
        Ok(match (op, to_cty) {
            (CastOp::BitCast, Some(t)) if t == cty => v,
            (CastOp::BitCast, Some(t)) => self.b.ins().bitcast(t, little(), v),
            (CastOp::BitCast, None) => {
                // `<N x i1>` to `iN`: the top bit of each lane.
                let bits = to.int_bits().ok_or("a vector bitcast to a non-integer")?;
                let n = from.vector_len().unwrap_or(0);
                if bits != n {
                    return Err(format!("a bitcast from `{from}` to `{to}`"));
                }
                self.b.ins().vhigh_bits(crate::types::container(bits), v)
            }
            (CastOp::SExt, Some(_)) => v,
            (CastOp::ZExt, Some(t)) => {
                let one = self.splat_const(t, 1);
                self.b.ins().band(v, one)
            }
            (CastOp::Trunc, Some(_)) => {
                let one = self.splat_const(cty, 1);
                let low = self.b.ins().band(v, one);
                let zero = self.splat_const(cty, 0);
                self.b.ins().icmp(IntCC::NotEqual, low, zero)
            }
            (CastOp::SIToFP, Some(t)) => self.b.ins().fcvt_from_sint(t, v),
            (CastOp::UIToFP, Some(t)) => self.b.ins().fcvt_from_uint(t, v),
            // Out of range is poison in LLVM; saturating is one of its values.
            (CastOp::FPToSI, Some(t)) => self.b.ins().fcvt_to_sint_sat(t, v),
            (CastOp::FPToUI, Some(t)) => self.b.ins().fcvt_to_uint_sat(t, v),
            _ => return Err(format!("`{}` from `{from}` to `{to}`", op.name())),
        })
    }

    /// `llvm.vector.reduce.<op>` without taking the vector apart, where that is cheaper: a
    /// mask's `or`/`and` from its lanes' top bits, and integer folds of 32- and 64-bit lanes
    /// in halving steps (the fold of lanes 0..N/2 with lanes N/2..N, and so on), which is
    /// exact because these operations are associative and commutative.
    fn reduce_whole(&mut self, op: &str, args: &[Operand]) -> Lowered<Option<Value>> {
        let [arg] = args else { return Ok(None) };
        let ty = self.operand_type(arg)?;
        let n = ty.vector_len().unwrap_or(0);
        if is_mask(&ty) && matches!(op, "or" | "and") {
            let v = self.vector(arg)?;
            let bits = self.b.ins().vhigh_bits(ct::I32, v);
            let all = (1i64 << n) - 1;
            let r = match op {
                "or" => self.b.ins().icmp_imm_s(IntCC::NotEqual, bits, 0),
                _ => self.b.ins().icmp_imm_s(IntCC::Equal, bits, all),
            };
            return Ok(Some(r));
        }
        let lane_bits = native_type(&ty).map_or(0, |c| c.lane_bits());
        let foldable = matches!(op, "add" | "mul" | "and" | "or" | "xor" | "smin" | "smax")
            || matches!(op, "umin" | "umax");
        if is_mask(&ty) || !ty.scalar().is_int() || lane_bits < 32 || !foldable {
            return Ok(None);
        }
        let mut v = self.vector(arg)?;
        let cty = self.b.func.dfg.value_type(v);
        // 32-bit lane orders: swap the 64-bit halves, then swap the 32-bit lanes of each.
        let steps: &[[u8; 4]] =
            if lane_bits == 64 { &[[2, 3, 0, 1]] } else { &[[2, 3, 0, 1], [1, 0, 3, 2]] };
        for order in steps {
            let bytes: Vec<u8> = order.iter().flat_map(|&l| l * 4..l * 4 + 4).collect();
            let handle = self.b.func.dfg.immediates.push(ConstantData::from(bytes));
            let w = self.b.ins().bitcast(ct::I8X16, little(), v);
            let w = self.b.ins().shuffle(w, w, handle);
            let w = self.b.ins().bitcast(cty, little(), w);
            let i = self.b.ins();
            v = match op {
                "add" => i.iadd(v, w),
                "mul" => i.imul(v, w),
                "and" => i.band(v, w),
                "or" => i.bor(v, w),
                "xor" => i.bxor(v, w),
                "smin" => i.smin(v, w),
                "smax" => i.smax(v, w),
                "umin" => i.umin(v, w),
                _ => i.umax(v, w),
            };
        }
        Ok(Some(self.b.ins().extractlane(v, 0)))
    }

    /// `shufflevector` of two whole vectors of the same type. Cranelift lowers any `shuffle`
    /// to `pshufb` with SSSE3; without it, only the shuffles x86 does with SSE2 instructions
    /// (`pshufd`, `shufps`, `punpck*`: 32-bit granules) are given to Cranelift, because any
    /// other would call a helper no C library has. The rest move lanes one by one.
    fn shuffle(&mut self, a: Value, b: Value, mask: &[i32]) -> Value {
        let n = mask.len();
        let pick = |i: usize| usize::try_from(mask[i]).ok().filter(|&m| m < 2 * n);
        if (0..n).all(|i| pick(i).is_none_or(|m| m == i)) {
            return a;
        }
        if (0..n).all(|i| pick(i).is_none_or(|m| m == n + i)) {
            return b;
        }
        let cty = self.b.func.dfg.value_type(a);
        let lane_bytes = (cty.lane_bits() / 8) as usize;
        let picks: Vec<usize> = (0..n).map(|i| pick(i).unwrap_or(i)).collect();
        let granules = sse2_granules(&picks, lane_bytes);
        if self.cx.has_ssse3() || granules.is_some() {
            let bytes: Vec<u8> = match granules {
                Some(g) => g.iter().flat_map(|&l| (l * 4..l * 4 + 4).map(|x| x as u8)).collect(),
                None => picks
                    .iter()
                    .flat_map(|&m| (0..lane_bytes).map(move |k| (m * lane_bytes + k) as u8))
                    .collect(),
            };
            let handle = self.b.func.dfg.immediates.push(ConstantData::from(bytes));
            let (a8, b8) = if cty == ct::I8X16 {
                (a, b)
            } else {
                let a8 = self.b.ins().bitcast(ct::I8X16, little(), a);
                (a8, self.b.ins().bitcast(ct::I8X16, little(), b))
            };
            let r = self.b.ins().shuffle(a8, b8, handle);
            return if cty == ct::I8X16 { r } else { self.b.ins().bitcast(cty, little(), r) };
        }
        if let Some(&m) = picks.first()
            && picks.iter().all(|&p| p == m)
        {
            let (src, k) = if m < n { (a, m) } else { (b, m - n) };
            let x = self.b.ins().extractlane(src, k as u8);
            return self.b.ins().splat(cty, x);
        }
        // Start from the source that already has more lanes in place.
        let from_a = (0..n).filter(|&i| pick(i) == Some(i)).count();
        let from_b = (0..n).filter(|&i| pick(i) == Some(n + i)).count();
        let (mut r, base) = if from_b > from_a { (b, n) } else { (a, 0) };
        for i in 0..n {
            match pick(i) {
                Some(m) if m != base + i => {
                    let (src, k) = if m < n { (a, m) } else { (b, m - n) };
                    let x = self.b.ins().extractlane(src, k as u8);
                    r = self.b.ins().insertlane(r, x, i as u8);
                }
                _ => {}
            }
        }
        r
    }
}

/// The shuffle `picks` (lane indices into the concatenation of both sources, lanes of
/// `lane_bytes` bytes) as four 32-bit granules (0..4 from the first source, 4..8 from the
/// second) when x86 does it with one SSE2 instruction: `pshufd` (all granules from one
/// source), `shufps` (the low two from one source, the high two from the other) or
/// `punpckldq`/`punpckhdq` (interleaving).
fn sse2_granules(picks: &[usize], lane_bytes: usize) -> Option<[usize; 4]> {
    if lane_bytes < 4 {
        return None;
    }
    let per_lane = lane_bytes / 4;
    let mut g = [0usize; 4];
    for (i, &m) in picks.iter().enumerate() {
        for k in 0..per_lane {
            // Lane m of the concatenation: granule (m / lanes) * 4 + (m % lanes) * per_lane.
            let lanes = picks.len();
            let granule = (m / lanes) * 4 + (m % lanes) * per_lane + k;
            *g.get_mut(i * per_lane + k)? = granule;
        }
    }
    let from_a = |x: usize| x < 4;
    let low_a = from_a(g[0]) && from_a(g[1]);
    let low_b = !from_a(g[0]) && !from_a(g[1]);
    let high_a = from_a(g[2]) && from_a(g[3]);
    let high_b = !from_a(g[2]) && !from_a(g[3]);
    let fits = (low_a || low_b) && (high_a || high_b) || g == [0, 4, 1, 5] || g == [2, 6, 3, 7];
    fits.then_some(g)
}
