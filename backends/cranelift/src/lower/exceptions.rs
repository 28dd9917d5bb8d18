//! Exception handling: `invoke` as Cranelift's `try_call`, `landingpad`, `resume`, and
//! `llvm.eh.typeid.for`. The tables that make the unwinder land in the landing pads are
//! [`crate::unwind`]'s.
//!
//! An `invoke` is a `try_call` whose normal return goes through a block of its own, where the
//! call's results are defined (they exist only on that edge), and whose exception table has
//! one entry, tagged with the landing pad's block number: the landing pad's block, given the
//! phi arguments of the edge and the exception's two words (`rax` and `rdx`, where the
//! personality puts the exception's pointer and the selector). The tag is how the unwind
//! tables find the landing pad of each call site in the compiled code. Only the x86-64 System
//! V unwinder restores the callee-saved registers at a landing pad, which Cranelift assumes
//! of a System V callee.

use super::calls::CallTarget;
use super::{FnLower, Lowered};
use cranelift_codegen::entity::EntityRef as _;
use cranelift_codegen::ir::{
    BlockArg, BlockCall, ExceptionTableData, ExceptionTableItem, ExceptionTag, InstBuilder,
    TrapCode, Value, types as ct,
};
use opm_ir::{BlockId, Call, Inst, Operand};

impl FnLower<'_, '_> {
    /// `invoke`: the call, continuing at `normal` or, when it unwinds, at `unwind`.
    pub(super) fn invoke(
        &mut self,
        bid: BlockId,
        inst: &Inst,
        c: &Call,
        normal: BlockId,
        unwind: BlockId,
    ) -> Lowered<()> {
        if c.asm().is_some() {
            return Err("an `invoke` of inline asm".into());
        }
        if let Some(name) = c.callee_name().filter(|n| n.starts_with("llvm.")) {
            return Err(format!("an `invoke` of the intrinsic @{name}"));
        }
        if !self.landing.contains_key(&unwind) {
            return Err(format!("an `invoke` that unwinds to {unwind}, not a landing pad"));
        }
        let (target, args) = self.call_target(c)?;
        let sig = match target {
            CallTarget::Direct(f) => self.b.func.dfg.ext_funcs[f].signature,
            CallTarget::Indirect(sig, _) => sig,
        };
        let returns: Vec<ct::Type> =
            self.b.func.dfg.signatures[sig].returns.iter().map(|p| p.value_type).collect();
        let returned = self.b.create_block();
        for &t in &returns {
            self.b.append_block_param(returned, t);
        }
        let results = (0..returns.len() as u32).map(BlockArg::TryCallRet);
        let pool = &mut self.b.func.dfg.value_lists;
        let normal_call = BlockCall::new(returned, results, pool);
        let mut exception = self.edge_args(bid, unwind)?;
        exception.extend([BlockArg::TryCallExn(0), BlockArg::TryCallExn(1)]);
        let pool = &mut self.b.func.dfg.value_lists;
        let pad = BlockCall::new(self.blocks[unwind.index()], exception, pool);
        let tag = ExceptionTag::new(unwind.index());
        let table = ExceptionTableData::new(sig, normal_call, [ExceptionTableItem::Tag(tag, pad)]);
        let table = self.b.func.dfg.exception_tables.push(table);
        match target {
            CallTarget::Direct(f) => self.b.ins().try_call(f, &args, table),
            CallTarget::Indirect(_, callee) => self.b.ins().try_call_indirect(callee, &args, table),
        };
        self.b.switch_to_block(returned);
        let params = self.b.block_params(returned).to_vec();
        self.define(inst, params);
        let args = self.edge_args(bid, normal)?;
        self.b.ins().jump(self.blocks[normal.index()], &args);
        Ok(())
    }

    /// `landingpad` of block `bid`: the exception's pointer and the selector (`i32`).
    pub(super) fn landing_pad(&mut self, bid: BlockId) -> Lowered<Vec<Value>> {
        let [ptr, selector] =
            *self.landing.get(&bid).ok_or("a `landingpad` after the first instruction")?;
        let selector = self.b.ins().ireduce(ct::I32, selector);
        Ok(vec![ptr, selector])
    }

    /// `resume`: unwinding goes on with the exception (`_Unwind_Resume`, which does not
    /// return).
    pub(super) fn resume(&mut self, val: &Operand) -> Lowered<()> {
        let exception = *self.operand(val)?.first().ok_or("a `resume` without exception")?;
        self.library_call("_Unwind_Resume", &[ct::I64], None, &[exception])?;
        self.b.ins().trap(TrapCode::unwrap_user(1));
        Ok(())
    }

    /// `llvm.eh.typeid.for(@typeinfo)`: the type's index in this function's type table, the
    /// selector a landing pad receives when a `catch` of that type matched.
    pub(super) fn typeid_for(&mut self, c: &Call) -> Lowered<Vec<Value>> {
        let index = match c.args.first() {
            Some(Operand::Const(t)) => self.eh.type_index(t)?,
            _ => return Err("`llvm.eh.typeid.for` of a value that is not a typeinfo".into()),
        };
        Ok(vec![self.b.ins().iconst(ct::I32, i64::from(index))])
    }
}
