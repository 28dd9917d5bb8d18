//! Exception handling, as LLVM's verifier checks it: an invoke unwinds to a landing pad (a
//! block whose first instruction after the phis is a landingpad) and carries no tail-call
//! marker; a landingpad is first in its block, outside the entry block, reached only by the
//! unwind edges of invokes, in a function with a personality, with `cleanup` or a clause,
//! and with well-formed clauses; a resume is in a function with a personality; every
//! landingpad and resume of a function has one exception type; and the personality is a
//! pointer, on a definition. (Invokes are typed as calls, in `types.rs` and `calls.rs`; that
//! an invoke's result is only defined on its normal edge is an SSA rule, in `ssa.rs`.)

use crate::constants;
use crate::context::{At, FnCtx};
use crate::violation::{ClauseProblem, PersonalityProblem, ViolationKind};
use opm_ir::{BlockId, Clause, Constant, Op, TailKind, Type};

/// Runs the exception-handling rules on `ctx.f` (only the personality's on a declaration).
pub(crate) fn check(ctx: &mut FnCtx) {
    check_personality(ctx);
    if ctx.f.is_declaration() {
        return;
    }
    let preds = ctx.f.predecessors();
    let mut exception_ty: Option<Type> = None;
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        let at = At::Inst(b, i);
        match &inst.op {
            Op::Invoke { call, unwind, .. } => {
                if call.tail != TailKind::None {
                    ctx.report(at, ViolationKind::TailMarkerOnInvoke { tail: call.tail });
                }
                check_unwind_dest(ctx, at, *unwind);
            }
            Op::LandingPad { cleanup, clauses } => {
                if !cleanup && clauses.is_empty() {
                    ctx.report(at, ViolationKind::EmptyLandingPad);
                }
                if b == 0 {
                    ctx.report(at, ViolationKind::LandingPadInEntryBlock);
                }
                let first = ctx.f.blocks[b].insts.iter().position(|x| !is_phi(&x.op));
                if first != Some(i) {
                    ctx.report(at, ViolationKind::LandingPadNotFirst);
                }
                check_landing_pad_preds(ctx, at, b, &preds[b]);
                personality_needed(ctx, at, "landingpad");
                same_exception_type(ctx, at, &mut exception_ty, inst.ty.clone());
                for (index, clause) in clauses.iter().enumerate() {
                    if let Some(problem) = clause_problem(clause) {
                        ctx.report(at, ViolationKind::InvalidClause { index, problem });
                    }
                }
            }
            Op::Resume { val } => {
                personality_needed(ctx, at, "resume");
                if let Some(ty) = ctx.ty_of(val) {
                    same_exception_type(ctx, at, &mut exception_ty, ty);
                }
            }
            _ => {}
        }
    }
}

fn is_phi(op: &Op) -> bool {
    matches!(op, Op::Phi { .. })
}

/// A personality only on a definition, and a pointer, well formed.
fn check_personality(ctx: &mut FnCtx) {
    let Some(p) = &ctx.f.personality else { return };
    if ctx.f.is_declaration() {
        let problem = PersonalityProblem::Declaration;
        ctx.report(At::Function, ViolationKind::InvalidPersonality { problem });
    }
    let ty = p.ty();
    if ty != Type::Ptr {
        let problem = PersonalityProblem::NotAPointer(ty);
        ctx.report(At::Function, ViolationKind::InvalidPersonality { problem });
    }
    for kind in constants::problems(p) {
        ctx.report(At::Function, kind);
    }
}

/// The unwind destination starts with a landingpad (a missing block is reported by the
/// references, an empty one by the structure rules).
fn check_unwind_dest(ctx: &mut FnCtx, at: At, unwind: BlockId) {
    let Some(block) = ctx.f.blocks.get(unwind.index()) else { return };
    if block.insts.is_empty() {
        return;
    }
    let first = block.insts.iter().find(|x| !is_phi(&x.op));
    if !matches!(first.map(|x| &x.op), Some(Op::LandingPad { .. })) {
        let block = ctx.block(unwind);
        ctx.report(at, ViolationKind::UnwindDestNotLandingPad { block });
    }
}

/// Every edge into the landing pad's block `b` is the unwind edge of an invoke whose normal
/// destination is another block.
fn check_landing_pad_preds(ctx: &mut FnCtx, at: At, b: usize, preds: &[BlockId]) {
    let here = BlockId(b as u32);
    let mut reported: Vec<BlockId> = Vec::new();
    for &p in preds {
        let term = ctx.f.blocks.get(p.index()).and_then(|blk| blk.terminator());
        let ok = matches!(
            term.map(|t| &t.op),
            Some(Op::Invoke { normal, unwind, .. }) if *unwind == here && *normal != here
        );
        if !ok && !reported.contains(&p) {
            reported.push(p);
            let pred = ctx.block(p);
            ctx.report(at, ViolationKind::LandingPadPredecessor { pred });
        }
    }
}

fn personality_needed(ctx: &mut FnCtx, at: At, opcode: &str) {
    if ctx.f.personality.is_none() {
        ctx.report(at, ViolationKind::MissingPersonality { opcode: opcode.to_string() });
    }
}

/// The first landingpad or resume of the function sets the exception type; the others
/// have it too.
fn same_exception_type(ctx: &mut FnCtx, at: At, first: &mut Option<Type>, found: Type) {
    match first {
        None => *first = Some(found),
        Some(expected) if *expected != found => {
            let expected = expected.clone();
            ctx.report(at, ViolationKind::ExceptionTypeMismatch { found, expected });
        }
        Some(_) => {}
    }
}

/// A catch clause names a pointer (a type's run-time identity, or null); a filter clause
/// lists pointers (an array constant or zeroinitializer, as LLVM requires).
fn clause_problem(clause: &Clause) -> Option<ClauseProblem> {
    match clause {
        Clause::Catch(c) => {
            let ty = c.ty();
            (ty != Type::Ptr).then_some(ClauseProblem::CatchNotPointer(ty))
        }
        Clause::Filter(c) => {
            let ty = c.ty();
            if !matches!(&ty, Type::Array(_, e) if **e == Type::Ptr) {
                return Some(ClauseProblem::FilterNotPointerArray(ty));
            }
            matches!(c, Constant::Undef(_) | Constant::Poison(_))
                .then_some(ClauseProblem::FilterNotAList)
        }
    }
}
