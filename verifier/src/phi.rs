//! Phis agree with the predecessors of their block, counted per edge: a switch with two
//! cases to one block is two edges and needs two entries, which must carry the same value.
//! (That incoming types equal the phi's type is a typing rule, in `types.rs`.)

use crate::context::{At, FnCtx};
use crate::violation::ViolationKind;
use opm_ir::{BlockId, Op, Operand};

/// Runs the phi rules on the body of `ctx.f`.
pub(crate) fn check(ctx: &mut FnCtx) {
    let preds = ctx.f.predecessors();
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        if let Op::Phi { incoming, .. } = &inst.op {
            check_phi(ctx, At::Inst(b, i), incoming, &preds[b]);
        }
    }
}

/// One phi of a block whose predecessor edges are `edges`.
fn check_phi(ctx: &mut FnCtx, at: At, incoming: &[(Operand, BlockId)], edges: &[BlockId]) {
    if incoming.is_empty() {
        ctx.report(at, ViolationKind::EmptyPhi);
        return;
    }
    let blocks = ctx.f.blocks.len();
    // Every block named by an entry or an edge, once, in order of appearance.
    let mut named: Vec<BlockId> = Vec::new();
    for b in incoming.iter().map(|(_, b)| *b).chain(edges.iter().copied()) {
        if !named.contains(&b) {
            named.push(b);
        }
    }
    for block in named {
        if block.index() >= blocks {
            continue; // Reported as an undefined block.
        }
        let edge_count = edges.iter().filter(|&&e| e == block).count();
        let entries: Vec<&Operand> =
            incoming.iter().filter(|(_, b)| *b == block).map(|(v, _)| v).collect();
        let kind = if edge_count == 0 {
            ViolationKind::PhiIncomingNotPredecessor { block: ctx.block(block) }
        } else if entries.len() != edge_count {
            ViolationKind::PhiIncomingCount {
                block: ctx.block(block),
                edges: edge_count,
                entries: entries.len(),
            }
        } else if entries.iter().any(|v| *v != entries[0]) {
            ViolationKind::PhiConflictingValues { block: ctx.block(block) }
        } else {
            continue;
        };
        ctx.report(at, kind);
    }
}
