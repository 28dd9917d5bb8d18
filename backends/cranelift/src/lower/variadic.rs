//! The body of a variadic function (see `module::define_variadic_entry`): its two
//! parameters point at the register save area and at the caller's stack arguments. The fixed
//! parameters are read from there as SysV assigns them (integers and pointers to the next of
//! six general-purpose registers, floats to the next of eight vector registers, the rest to
//! the stack), and `va_start` starts the `va_list` after them:
//! `{ i32 gp_offset, i32 fp_offset, ptr overflow_arg_area, ptr reg_save_area }`.

use super::{FnLower, Lowered};
use crate::types::{leaves, scalar};
use cranelift_codegen::ir::{self, InstBuilder, MemFlagsData, Value, types as ct};
use opm_ir::Type;

/// Where a variadic function's arguments are, and how many of each kind its fixed
/// parameters used.
pub(crate) struct VaFrame {
    save: Value,
    overflow: Value,
    gp: u32,
    fp: u32,
    stack: u32,
}

const GP_REGS: u32 = 6;
const FP_REGS: u32 = 8;
/// Where the XMM registers start in the save area.
const FP_BASE: u32 = 8 * GP_REGS;

impl FnLower<'_, '_> {
    /// Reads the fixed parameters from the save area and the stack.
    pub(crate) fn variadic_params(&mut self, entry: ir::Block) -> Lowered<()> {
        let params = self.b.block_params(entry).to_vec();
        let [save, overflow] = params[..] else {
            return Err("a variadic function body without its two pointers".into());
        };
        let mut fr = VaFrame { save, overflow, gp: 0, fp: 0, stack: 0 };
        let flags = MemFlagsData::new();
        for (p, ty) in self.f.params.iter().zip(&self.f.ty.params) {
            let mut vals = Vec::new();
            for leaf in leaves(&self.cx.layout, ty)? {
                let cty = scalar(&leaf.ty)?;
                let slots = if cty == ct::I128 { 2 } else { 1 };
                let (base, off) = if cty.is_float() && fr.fp < FP_REGS {
                    fr.fp += 1;
                    (save, FP_BASE + 16 * (fr.fp - 1))
                } else if !cty.is_float() && fr.gp + slots <= GP_REGS {
                    fr.gp += slots;
                    (save, 8 * (fr.gp - slots))
                } else {
                    if slots == 2 {
                        fr.stack = fr.stack.next_multiple_of(2);
                    }
                    fr.stack += slots;
                    (overflow, 8 * (fr.stack - slots))
                };
                let v = self.b.ins().load(cty, flags, base, off as i32);
                let v = match leaf.ty {
                    Type::Int(bits) => self.mask(v, bits),
                    _ => v,
                };
                vals.push(v);
            }
            self.vals.insert(p.value, vals);
        }
        self.va = Some(fr);
        Ok(())
    }

    /// `llvm.va_start(ap)`.
    pub(crate) fn va_start(&mut self, ap: Value) -> Lowered<()> {
        let Some(fr) = &self.va else {
            return Err("`va_start` in a function that is not variadic".into());
        };
        let (gp, fp, stack, save, overflow) = (fr.gp, fr.fp, fr.stack, fr.save, fr.overflow);
        let flags = MemFlagsData::new();
        let gp_offset = self.b.ins().iconst(ct::I32, i64::from(8 * gp));
        let fp_offset = self.b.ins().iconst(ct::I32, i64::from(FP_BASE + 16 * fp));
        let area = self.b.ins().iadd_imm_s(overflow, i64::from(8 * stack));
        self.b.ins().store(flags, gp_offset, ap, 0);
        self.b.ins().store(flags, fp_offset, ap, 4);
        self.b.ins().store(flags, area, ap, 8);
        self.b.ins().store(flags, save, ap, 16);
        Ok(())
    }

    /// `llvm.va_copy(dst, src)`: the `va_list` is 24 bytes.
    pub(crate) fn va_copy(&mut self, dst: Value, src: Value) {
        let flags = MemFlagsData::new();
        for off in [0, 8, 16] {
            let v = self.b.ins().load(ct::I64, flags, src, off);
            self.b.ins().store(flags, v, dst, off);
        }
    }
}
