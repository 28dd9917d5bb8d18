//! SSA: every value is defined once, and every use is dominated by its definition. As in
//! LLVM, uses in unreachable blocks are not checked, and a phi's incoming value only has to
//! dominate the end of the block it comes from.

use crate::context::{At, FnCtx};
use crate::violation::ViolationKind;
use opm_ir::{BlockId, Cfg, Op, Operand, ValueId};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Where a value is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Def {
    Param,
    /// Instruction `index` of `block`.
    Inst {
        block: usize,
        index: usize,
    },
}

/// Runs the SSA rules on the body of `ctx.f`.
pub(crate) fn check(ctx: &mut FnCtx, cfg: &Cfg) {
    let defs = definitions(ctx);
    check_dominance(ctx, cfg, &defs);
}

/// The first definition of every value; reports the later ones.
fn definitions(ctx: &mut FnCtx) -> HashMap<ValueId, Def> {
    let mut defs = HashMap::new();
    for p in &ctx.f.params {
        if defs.insert(p.value, Def::Param).is_some() {
            let value = ctx.value(p.value);
            ctx.report(At::Function, ViolationKind::DuplicateDefinition { value });
        }
    }
    let insts: Vec<_> = ctx.insts().collect();
    for (block, index, inst) in insts {
        let Some(v) = inst.result else { continue };
        if let Entry::Vacant(e) = defs.entry(v) {
            e.insert(Def::Inst { block, index });
        } else {
            let value = ctx.value(v);
            ctx.report(At::Inst(block, index), ViolationKind::DuplicateDefinition { value });
        }
    }
    defs
}

/// Every use in a reachable block is dominated by its definition.
fn check_dominance(ctx: &mut FnCtx, cfg: &Cfg, defs: &HashMap<ValueId, Def>) {
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        let at = At::Inst(b, i);
        if let Op::Phi { incoming, .. } = &inst.op {
            for (op, pred) in incoming {
                let Some(v) = op.as_value() else { continue };
                let Some(&def) = defs.get(&v) else { continue };
                if !dominates_end_of(cfg, def, *pred, ctx.f.blocks.len()) {
                    let kind = ViolationKind::IncomingNotDominated {
                        value: ctx.value(v),
                        block: ctx.block(*pred),
                    };
                    ctx.report(at, kind);
                }
            }
            continue;
        }
        let mut reported: Vec<ValueId> = Vec::new();
        for op in inst.op.operands() {
            let Operand::Value(v) = op else { continue };
            let Some(&def) = defs.get(v) else { continue };
            if reported.contains(v) {
                continue;
            }
            let kind = if inst.result == Some(*v) {
                ViolationKind::SelfReference { value: ctx.value(*v) }
            } else if !dominates_use(cfg, def, b, i) {
                ViolationKind::UseNotDominated { value: ctx.value(*v) }
            } else {
                continue;
            };
            reported.push(*v);
            ctx.report(at, kind);
        }
    }
}

/// Whether `def` dominates instruction `index` of block `block`.
fn dominates_use(cfg: &Cfg, def: Def, block: usize, index: usize) -> bool {
    let use_block = BlockId(block as u32);
    if !cfg.is_reachable(use_block) {
        return true;
    }
    match def {
        Def::Param => true,
        Def::Inst { block: d, index: di } if d == block => di < index,
        Def::Inst { block: d, .. } => cfg.dominates(BlockId(d as u32), use_block),
    }
}

/// Whether `def` dominates the end of `pred` (the edge a phi's incoming value comes along).
fn dominates_end_of(cfg: &Cfg, def: Def, pred: BlockId, blocks: usize) -> bool {
    if pred.index() >= blocks || !cfg.is_reachable(pred) {
        return true; // A missing block is reported by the references; unreachable is fine.
    }
    match def {
        Def::Param => true,
        Def::Inst { block, .. } => cfg.dominates(BlockId(block as u32), pred),
    }
}
