//! Structure: blocks end in exactly one terminator, phis come first, the entry block has no
//! predecessors, and an instruction has a result exactly when its operation produces one.

use crate::context::{At, FnCtx};
use crate::violation::{BlockRef, ViolationKind};
use opm_ir::{BlockId, Inst, Op};

/// Runs every structural rule on the body of `ctx.f`.
pub(crate) fn check(ctx: &mut FnCtx) {
    check_terminators(ctx);
    check_phi_placement(ctx);
    check_entry_predecessors(ctx);
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        check_result(ctx, At::Inst(b, i), inst);
    }
}

/// Every block is non-empty and ends in its only terminator.
fn check_terminators(ctx: &mut FnCtx) {
    for (b, block) in ctx.f.blocks.iter().enumerate() {
        let Some(last) = block.insts.len().checked_sub(1) else {
            ctx.report(At::Block(b), ViolationKind::EmptyBlock);
            continue;
        };
        for (i, inst) in block.insts.iter().enumerate() {
            if inst.op.is_terminator() && i != last {
                ctx.report(At::Inst(b, i), ViolationKind::TerminatorNotAtEnd);
            }
        }
        if !block.insts[last].op.is_terminator() {
            ctx.report(At::Inst(b, last), ViolationKind::MissingTerminator);
        }
    }
}

/// Phis only before every other instruction of their block.
fn check_phi_placement(ctx: &mut FnCtx) {
    for (b, block) in ctx.f.blocks.iter().enumerate() {
        let mut seen_other = false;
        for (i, inst) in block.insts.iter().enumerate() {
            match inst.op {
                Op::Phi { .. } if seen_other => {
                    ctx.report(At::Inst(b, i), ViolationKind::PhiNotAtStart)
                }
                Op::Phi { .. } => {}
                _ => seen_other = true,
            }
        }
    }
}

/// No branch goes to the entry block.
fn check_entry_predecessors(ctx: &mut FnCtx) {
    let Some(entry_preds) = ctx.f.predecessors().into_iter().next() else { return };
    let mut preds: Vec<BlockId> = Vec::new();
    for p in entry_preds {
        if !preds.contains(&p) {
            preds.push(p);
        }
    }
    if !preds.is_empty() {
        let preds: Vec<BlockRef> = preds.into_iter().map(|p| ctx.block(p)).collect();
        ctx.report(At::Block(0), ViolationKind::EntryHasPredecessors { preds });
    }
}

/// What an operation produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Produces {
    /// Always a value (arithmetic, memory reads, phis, …).
    Value,
    /// Never a value (store, fence, terminators but invoke).
    Nothing,
    /// A value unless its type is `void` (calls and invokes); a non-void call may leave it
    /// unnamed.
    Call,
}

pub(crate) fn produces(op: &Op) -> Produces {
    match op {
        Op::Store { .. } | Op::Fence { .. } => Produces::Nothing,
        Op::Call(_) | Op::Invoke { .. } => Produces::Call,
        o if o.is_terminator() => Produces::Nothing,
        _ => Produces::Value,
    }
}

/// `Inst::result` is present exactly when the instruction produces a value.
fn check_result(ctx: &mut FnCtx, at: At, inst: &Inst) {
    let void = inst.ty.is_void();
    let opcode = inst.op.opcode_name().to_string();
    let kind = match (produces(&inst.op), inst.result) {
        (Produces::Value, _) if void => ViolationKind::VoidResult { opcode },
        (Produces::Value, None) => ViolationKind::MissingResult { ty: inst.ty.clone() },
        (Produces::Nothing, _) if !void => {
            ViolationKind::NoResultExpected { opcode, ty: inst.ty.clone() }
        }
        (Produces::Nothing | Produces::Call, Some(v)) if void => {
            ViolationKind::ResultOnVoid { value: ctx.value(v) }
        }
        _ => return,
    };
    ctx.report(at, kind);
}
