//! SSA: every value is defined once, and every use is dominated by its definition. As in
//! LLVM, uses in unreachable blocks are not checked, a phi's incoming value only has to
//! dominate the end of the block it comes from, and the result of an invoke is defined on
//! the edge to its normal destination: a use must be dominated by that edge (a phi of the
//! normal destination may take it from the invoke's block).

use crate::context::{At, FnCtx};
use crate::violation::ViolationKind;
use opm_ir::collections::HashMap;
use opm_ir::{BlockId, Cfg, Op, Operand, ValueId};
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
    /// The result of the invoke ending `block`, defined on its edge to `normal`.
    Invoke {
        block: usize,
        normal: BlockId,
    },
}

/// Runs the SSA rules on the body of `ctx.f`.
pub(crate) fn check(ctx: &mut FnCtx, cfg: &Cfg) {
    let defs = definitions(ctx);
    check_dominance(ctx, cfg, &defs);
}

/// The first definition of every value; reports the later ones.
fn definitions(ctx: &mut FnCtx) -> HashMap<ValueId, Def> {
    let mut defs = HashMap::default();
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
            e.insert(match &inst.op {
                Op::Invoke { normal, .. } => Def::Invoke { block, normal: *normal },
                _ => Def::Inst { block, index },
            });
        } else {
            let value = ctx.value(v);
            ctx.report(At::Inst(block, index), ViolationKind::DuplicateDefinition { value });
        }
    }
    defs
}

/// Every use in a reachable block is dominated by its definition (an instruction's own
/// result included).
fn check_dominance(ctx: &mut FnCtx, cfg: &Cfg, defs: &HashMap<ValueId, Def>) {
    let preds = ctx.f.predecessors();
    let edges = Edges { cfg, preds: &preds, blocks: ctx.f.blocks.len() };
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        let at = At::Inst(b, i);
        if let Op::Phi { incoming, .. } = &inst.op {
            for (op, pred) in incoming {
                let Some(v) = op.as_value() else { continue };
                let Some(&def) = defs.get(&v) else { continue };
                if !edges.dominates_incoming(def, b, *pred) {
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
            // LLVM allows an instruction to use its own result in unreachable code (jump
            // threading leaves `%x = sub i32 %x, 1` in blocks it cut off); it never runs.
            let kind = if inst.result == Some(*v) && cfg.is_reachable(BlockId(b as u32)) {
                ViolationKind::SelfReference { value: ctx.value(*v) }
            } else if !edges.dominates_use(def, b, i) {
                ViolationKind::UseNotDominated { value: ctx.value(*v) }
            } else {
                continue;
            };
            reported.push(*v);
            ctx.report(at, kind);
        }
    }
}

/// Dominance with the edges it needs: an invoke defines its result on its normal edge.
struct Edges<'a> {
    cfg: &'a Cfg,
    /// The predecessors of every block, one entry per edge.
    preds: &'a [Vec<BlockId>],
    blocks: usize,
}

impl Edges<'_> {
    /// Whether `def` dominates instruction `index` of block `block`.
    fn dominates_use(&self, def: Def, block: usize, index: usize) -> bool {
        let use_block = BlockId(block as u32);
        if !self.cfg.is_reachable(use_block) {
            return true;
        }
        match def {
            Def::Param => true,
            Def::Inst { block: d, index: di } if d == block => di < index,
            Def::Inst { block: d, .. } => self.cfg.dominates(BlockId(d as u32), use_block),
            Def::Invoke { block: d, normal } => self.edge_dominates(d, normal, use_block),
        }
    }

    /// Whether `def` dominates the edge from `pred` into `block`, along which a phi of
    /// `block` takes its incoming value.
    fn dominates_incoming(&self, def: Def, block: usize, pred: BlockId) -> bool {
        if pred.index() >= self.blocks || !self.cfg.is_reachable(pred) {
            return true; // A missing block is reported by the references; unreachable is fine.
        }
        match def {
            Def::Param => true,
            Def::Inst { block: d, .. } => self.cfg.dominates(BlockId(d as u32), pred),
            // The edge itself: a phi of the normal destination taking the result from the
            // invoke's block.
            Def::Invoke { block: d, normal } if normal.index() == block && pred.index() == d => {
                true
            }
            Def::Invoke { block: d, normal } => self.edge_dominates(d, normal, pred),
        }
    }

    /// Whether the edge from `start` to `end` dominates `used` (LLVM's
    /// `DominatorTree::dominates(BasicBlockEdge, BasicBlock)`): `end` dominates `used`, and
    /// every other way into `end` comes through `end` itself. An invoke whose normal and
    /// unwind destinations are one block is reported by the exception-handling rules, not
    /// here.
    fn edge_dominates(&self, start: usize, end: BlockId, used: BlockId) -> bool {
        if end.index() >= self.blocks {
            return true; // Reported by the references.
        }
        if !self.cfg.is_reachable(BlockId(start as u32)) {
            return false; // Unreachable definitions dominate nothing.
        }
        if !self.cfg.dominates(end, used) {
            return false;
        }
        let edges_in = &self.preds[end.index()];
        if edges_in.len() == 1 {
            return true;
        }
        let mut from_start = 0;
        for &p in edges_in {
            if p.index() == start {
                from_start += 1;
                if from_start > 1 {
                    // Several edges from the invoke's block (its normal and unwind
                    // destinations are one block): LLVM does not check, nor do we.
                    return true;
                }
            } else if !self.cfg.dominates(end, p) {
                return false;
            }
        }
        true
    }
}
