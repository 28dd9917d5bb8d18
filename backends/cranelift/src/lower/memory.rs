//! Memory: loads and stores leaf by leaf at the data layout's offsets, allocas as stack
//! slots, getelementptr as address arithmetic.
//!
//! An `iN` whose store size is not a power of two (i24, i48, i72, …) is read and written in
//! power-of-two pieces, so that no access touches a byte beyond the value's store size.

use super::{FnLower, Lowered};
use crate::types::{container, leaves, scalar};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, TrapCode, Value, types as ct,
};
use opm_ir::{BlockId, Constant, Operand, Type};

impl FnLower<'_, '_> {
    /// Loads a value of type `ty` from `addr`.
    pub(crate) fn load(&mut self, ty: &Type, addr: Value) -> Lowered<Vec<Value>> {
        if let Some((n, k)) = packed_vector(ty) {
            return self.load_packed(n, k, addr);
        }
        check_memory_type(ty)?;
        let mut out = Vec::new();
        for leaf in leaves(&self.cx.layout, ty)? {
            out.push(self.load_scalar(&leaf.ty, addr, leaf.offset)?);
        }
        Ok(out)
    }

    /// Stores the leaves `v` of a value of type `ty` at `addr`.
    pub(crate) fn store(&mut self, ty: &Type, v: &[Value], addr: Value) -> Lowered<()> {
        if let Some((_, k)) = packed_vector(ty) {
            return self.store_packed(k, v, addr);
        }
        check_memory_type(ty)?;
        for (leaf, &x) in leaves(&self.cx.layout, ty)?.iter().zip(v) {
            self.store_scalar(&leaf.ty, x, addr, leaf.offset)?;
        }
        Ok(())
    }

    /// Loads a bit-packed `<n x ik>` (see [`packed_vector`]): lane `i` is bits `i*k` to
    /// `i*k + k - 1` of one `i(n*k)`.
    fn load_packed(&mut self, n: u32, k: u32, addr: Value) -> Lowered<Vec<Value>> {
        let whole = self.load_scalar(&Type::Int(n * k), addr, 0)?;
        let mut lanes = Vec::with_capacity(n as usize);
        for i in 0..n {
            let shifted =
                if i == 0 { whole } else { self.b.ins().ushr_imm_u(whole, i64::from(i * k)) };
            let lane = self.resize(shifted, n * k, container(k), false);
            lanes.push(self.mask(lane, k));
        }
        Ok(lanes)
    }

    /// Stores the lanes `v` of a bit-packed `<n x ik>` (see [`packed_vector`]).
    fn store_packed(&mut self, k: u32, v: &[Value], addr: Value) -> Lowered<()> {
        let bits = k * v.len() as u32;
        let cty = container(bits);
        let mut acc = self.iconst(cty, 0);
        for (i, &lane) in v.iter().enumerate() {
            let wide = self.resize(lane, k, cty, false);
            let part =
                if i == 0 { wide } else { self.b.ins().ishl_imm_u(wide, i64::from(i as u32 * k)) };
            acc = self.b.ins().bor(acc, part);
        }
        self.store_scalar(&Type::Int(bits), acc, addr, 0)
    }

    fn load_scalar(&mut self, ty: &Type, addr: Value, offset: u64) -> Lowered<Value> {
        let off = offset32(offset)?;
        let flags = MemFlagsData::new();
        let Type::Int(bits) = ty else {
            return Ok(self.b.ins().load(scalar(ty)?, flags, addr, off));
        };
        let cty = container(*bits);
        let size = bits.div_ceil(8);
        if size * 8 == cty.bits() {
            let v = self.b.ins().load(cty, flags, addr, off);
            return Ok(self.mask(v, *bits));
        }
        let mut acc: Option<Value> = None;
        for (pos, piece) in pieces(size) {
            let part = self.b.ins().load(piece, flags, addr, off + pos as i32);
            let part = self.b.ins().uextend(cty, part);
            let part =
                if pos == 0 { part } else { self.b.ins().ishl_imm_u(part, i64::from(pos * 8)) };
            acc = Some(match acc {
                Some(a) => self.b.ins().bor(a, part),
                None => part,
            });
        }
        let v = acc.ok_or_else(|| format!("a load of `i{bits}`, which has no bytes"))?;
        Ok(self.mask(v, *bits))
    }

    fn store_scalar(&mut self, ty: &Type, v: Value, addr: Value, offset: u64) -> Lowered<()> {
        let off = offset32(offset)?;
        let flags = MemFlagsData::new();
        let Type::Int(bits) = ty else {
            self.b.ins().store(flags, v, addr, off);
            return Ok(());
        };
        let cty = container(*bits);
        let size = bits.div_ceil(8);
        if size * 8 == cty.bits() {
            self.b.ins().store(flags, v, addr, off);
            return Ok(());
        }
        for (pos, piece) in pieces(size) {
            let part = if pos == 0 { v } else { self.b.ins().ushr_imm_u(v, i64::from(pos * 8)) };
            let part = self.b.ins().ireduce(piece, part);
            self.b.ins().store(flags, part, addr, off + pos as i32);
        }
        Ok(())
    }

    /// An `alloca`: in the entry block with a constant count, a stack slot of the frame;
    /// elsewhere, or with a variable count, a dynamic allocation (see
    /// [`FnLower::dynamic_alloca`]).
    pub(crate) fn alloca(
        &mut self,
        bid: BlockId,
        ty: &Type,
        count: &Operand,
        align: u64,
    ) -> Lowered<Value> {
        let n = match count.as_const().and_then(Constant::as_signed) {
            Some(n) if bid == BlockId(0) => n,
            _ => return self.dynamic_alloca(ty, count, align),
        };
        let layout = &self.cx.layout;
        let size = layout.size_of(ty)?.saturating_mul(u64::try_from(n).unwrap_or(0)).max(1);
        let size = u32::try_from(size).map_err(|_| "an alloca larger than 4 GiB".to_string())?;
        let align = align.max(layout.align_of(ty)?).max(1);
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size,
            align.trailing_zeros() as u8,
        ));
        Ok(self.b.ins().stack_addr(ct::I64, slot, 0))
    }

    /// A dynamic stack allocation (a variable-length array, an `alloca` outside the entry
    /// block). Cranelift's frames have a fixed size, so the memory comes from `malloc`: each
    /// block is preceded by 16 bytes holding the block allocated before it (this function's
    /// newest, the variable `dynamic`) and `malloc`'s own pointer. `llvm.stackrestore` frees
    /// the blocks allocated since its `llvm.stacksave` (see [`FnLower::release_dynamic`]),
    /// a return all of them, as LLVM's stack would. A failed `malloc` traps, as a stack
    /// overflow would fault.
    pub(crate) fn dynamic_alloca(
        &mut self,
        ty: &Type,
        count: &Operand,
        align: u64,
    ) -> Lowered<Value> {
        let newest = self.dynamic.ok_or("a dynamic stack allocation")?;
        let layout = &self.cx.layout;
        let elem = i64::try_from(layout.size_of(ty)?).map_err(|_| "an alloca of a huge type")?;
        let align = align.max(layout.align_of(ty)?).max(16);
        let align = i64::try_from(align).map_err(|_| "an alloca of a huge alignment")?;
        let bits =
            self.operand_type(count)?.int_bits().ok_or("an alloca count that is no integer")?;
        let n = self.scalar_operand(count)?;
        let n = self.zext_to_i64(n, bits);
        let bytes = self.b.ins().imul_imm_s(n, elem);
        let total = self.b.ins().iadd_imm_s(bytes, 16 + align - 1);
        let raw = self.libcall("malloc", &[ct::I64], ct::I64, &[total])?;
        self.b.ins().trapz(raw, TrapCode::STACK_OVERFLOW);
        let past_header = self.b.ins().iadd_imm_s(raw, 16 + align - 1);
        let block = self.b.ins().band_imm_s(past_header, -align);
        let before = self.b.use_var(newest);
        let flags = MemFlagsData::trusted();
        self.b.ins().store(flags, before, block, -16);
        self.b.ins().store(flags, raw, block, -8);
        self.b.def_var(newest, block);
        Ok(block)
    }

    /// Frees the dynamic allocations made after `to` (a value `llvm.stacksave` gave, or null
    /// for all of them), newest first, and makes `to` the newest.
    pub(crate) fn release_dynamic(&mut self, to: Value) -> Lowered<()> {
        let newest = self.dynamic.ok_or("a dynamic stack allocation")?;
        let first = self.b.use_var(newest);
        let check = self.b.create_block();
        let cur = self.b.append_block_param(check, ct::I64);
        let free = self.b.create_block();
        let done = self.b.create_block();
        let last = self.b.append_block_param(done, ct::I64);
        self.b.ins().jump(check, &[first.into()]);
        self.b.switch_to_block(check);
        let reached = self.b.ins().icmp(IntCC::Equal, cur, to);
        let empty = self.b.ins().icmp_imm_s(IntCC::Equal, cur, 0);
        let stop = self.b.ins().bor(reached, empty);
        self.b.ins().brif(stop, done, &[cur.into()], free, &[]);
        self.b.switch_to_block(free);
        let flags = MemFlagsData::trusted();
        let before = self.b.ins().load(ct::I64, flags, cur, -16);
        let raw = self.b.ins().load(ct::I64, flags, cur, -8);
        self.library_call("free", &[ct::I64], None, &[raw])?;
        self.b.ins().jump(check, &[before.into()]);
        self.b.switch_to_block(done);
        self.b.def_var(newest, last);
        Ok(())
    }

    /// `getelementptr`: `base` plus the scaled indices; constant parts are folded.
    pub(crate) fn gep(
        &mut self,
        source_ty: &Type,
        base: Value,
        indices: &[Operand],
    ) -> Lowered<Value> {
        let constants: Vec<Option<i128>> =
            indices.iter().map(|i| i.as_const().and_then(Constant::as_signed)).collect();
        self.gep_address(source_ty, base, &constants, |s, i| {
            let bits = s.operand_type(&indices[i])?.int_bits().unwrap_or(64);
            Ok((s.scalar_operand(&indices[i])?, bits))
        })
    }

    /// `getelementptr` on vectors of pointers, lane by lane: `base` a vector of pointers or
    /// one pointer for every lane, each index a vector (its lane i for lane i) or one
    /// integer for every lane. A struct field must be the same constant in every lane (as
    /// LLVM requires); a constant lane of any other index is folded into the lane's offset.
    pub(crate) fn vector_gep(
        &mut self,
        source_ty: &Type,
        base: &Operand,
        indices: &[Operand],
        lanes: usize,
    ) -> Lowered<Vec<Value>> {
        let lane_of = |values: &[Value], i: usize| match values {
            [one] => Ok(*one),
            _ => values.get(i).copied().ok_or("a getelementptr whose vectors differ in length"),
        };
        let bases = self.operand(base)?;
        let mut columns = Vec::new();
        for index in indices {
            let ty = self.operand_type(index)?;
            let bits = ty.scalar().int_bits().unwrap_or(64);
            let values = self.operand(index)?;
            let constant = index.as_const();
            let per_lane: Vec<Option<i128>> = (0..lanes)
                .map(|i| {
                    let c = match ty.vector_len() {
                        Some(_) => constant.and_then(|c| c.lane(i)),
                        None => constant.cloned(),
                    };
                    let (bits, value) = c?.uniform_int()?;
                    Some(opm_ir::value::sign_extend(value, bits))
                })
                .collect();
            columns.push((values, bits, per_lane));
        }
        let mut out = Vec::with_capacity(lanes);
        for i in 0..lanes {
            let base = lane_of(&bases, i)?;
            let constants: Vec<Option<i128>> = columns.iter().map(|c| c.2[i]).collect();
            let addr = self.gep_address(source_ty, base, &constants, |_, k| {
                let (values, bits, _) = &columns[k];
                Ok((lane_of(values, i)?, *bits))
            })?;
            out.push(addr);
        }
        Ok(out)
    }

    /// The address `base` plus the indices' terms for the plan of `constants` (see
    /// [`opm_ir::DataLayout::gep_plan`]); `index(k)` gives the value of the variable index
    /// `k` and its width in bits.
    fn gep_address(
        &mut self,
        source_ty: &Type,
        base: Value,
        constants: &[Option<i128>],
        mut index: impl FnMut(&mut Self, usize) -> Lowered<(Value, u32)>,
    ) -> Lowered<Value> {
        let plan = self.cx.layout.gep_plan(source_ty, constants)?;
        let mut addr = base;
        for &(i, stride) in &plan.scaled {
            let (v, bits) = index(self, i)?;
            let v = self.sext_to_i64(v, bits);
            let scaled = if stride == 1 { v } else { self.b.ins().imul_imm_s(v, stride) };
            addr = self.b.ins().iadd(addr, scaled);
        }
        let offset = plan.offset;
        Ok(if offset == 0 { addr } else { self.b.ins().iadd_imm_s(addr, offset) })
    }

    /// Reinterprets the leaves `v` of a `from` value as a `to` value through a stack slot.
    pub(crate) fn through_memory(
        &mut self,
        from: &Type,
        v: &[Value],
        to: &Type,
    ) -> Lowered<Vec<Value>> {
        let size = self.cx.layout.size_of(from)?.max(self.cx.layout.size_of(to)?).max(1);
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            u32::try_from(size).map_err(|_| "a bitcast of more than 4 GiB")?,
            4,
        ));
        let addr = self.b.ins().stack_addr(ct::I64, slot, 0);
        self.store(from, v, addr)?;
        self.load(to, addr)
    }
}

/// LLVM packs vectors of integers narrower than a byte (or of odd widths) as bits; this
/// backend keeps such vectors in registers only.
fn check_memory_type(ty: &Type) -> Lowered<()> {
    let mut bad = None;
    ty.walk(&mut |t| {
        if let Type::Vector(_, e) = t
            && let Type::Int(n) = **e
            && !matches!(n, 8 | 16 | 32 | 64 | 128)
        {
            bad = Some(t.clone());
        }
    });
    match bad {
        Some(t) => Err(format!("a vector `{t}` in memory (its lanes are bit-packed)")),
        None => Ok(()),
    }
}

/// A vector LLVM keeps bit-packed in memory that fits one integer of at most 128 bits:
/// `<n x ik>` with `k` not a whole number of bytes (`<16 x i1>`, `<4 x i2>`) and `n*k` at
/// most 128, as (n, k). LLVM stores it as the integer whose bit `i*k + j` is bit `j` of lane
/// `i`, in its store size.
fn packed_vector(ty: &Type) -> Option<(u32, u32)> {
    let Type::Vector(n, e) = ty else { return None };
    let Type::Int(k) = **e else { return None };
    (!matches!(k, 8 | 16 | 32 | 64 | 128) && n * k <= 128).then_some((*n, k))
}

/// The power-of-two pieces covering `size` bytes, largest first, as (offset, type).
fn pieces(size: u32) -> Vec<(u32, ct::Type)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for (bytes, ty) in [(8, ct::I64), (4, ct::I32), (2, ct::I16), (1, ct::I8)] {
        while size - pos >= bytes {
            out.push((pos, ty));
            pos += bytes;
        }
    }
    out
}

fn offset32(offset: u64) -> Lowered<i32> {
    i32::try_from(offset).map_err(|_| "a memory offset beyond 2 GiB".to_string())
}
