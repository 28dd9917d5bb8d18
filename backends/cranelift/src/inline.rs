//! Small functions inlined into their callers (`inline=small`; `inline=none`, the default,
//! keeps every call), with Cranelift's inlining as a library (`Context::inline`). Cranelift
//! compiles one function at a time and never inlines by itself; an unoptimised module calls
//! small helpers (accessors, wrappers, arithmetic) that LLVM's inliner would have put in
//! place.
//!
//! Before any function is compiled, each function that may be inlined is lowered to CLIF on
//! its own and kept when it has at most [`SMALL`] instructions; then, as each function is
//! lowered, its direct calls of kept functions with the same signature are replaced by their
//! bodies (not by what was inlined into those: one level, so recursion ends), up to
//! [`BUDGET`] instructions or the caller's own size in all. A function may be inlined when
//! nothing in it depends on its own frame or on being a function of its own: it is not
//! variadic, marked `noinline`, `optnone` or `naked`, nor replaceable at link time (`weak`,
//! `linkonce`, `common`, `extern_weak`); it has no vectors (which the lowering may keep whole
//! or split, per function), no exception handling of its own (landing pads, `invoke`,
//! `resume`, `llvm.eh.typeid.for`), no `indirectbr`, no `musttail` call, no dynamic stack
//! allocation and no call of a function that returns twice or of an intrinsic that reads its
//! frame (`llvm.returnaddress`, `llvm.frameaddress`, `llvm.va_start` …). Nothing is inlined
//! into a function that calls a function that returns twice. A call inlined at an `invoke`
//! unwinds to its landing pad from every call of the inlined body (Cranelift turns them into
//! `try_call`s with the caller's exception table).

use crate::module::ModuleCx;
use cranelift_codegen::inline::{Inline, InlineCommand};
use cranelift_codegen::ir;
use cranelift_module::FuncId;
use opm_ir::{Constant, Function, Linkage, Op, Operand, TailKind};
use std::borrow::Cow;
use std::collections::HashMap;

/// The most instructions, in CLIF before Cranelift's passes, of a function inlined.
pub(crate) const SMALL: usize = 40;

/// The most instructions inlined into one function (or its own size, if larger).
pub(crate) const BUDGET: usize = 400;

/// Intrinsics whose meaning is the calling function's own frame or arguments.
const FRAME_INTRINSICS: &[&str] = &[
    "llvm.returnaddress",
    "llvm.addressofreturnaddress",
    "llvm.frameaddress",
    "llvm.sponentry",
    "llvm.va_start",
    "llvm.va_end",
    "llvm.va_copy",
    "llvm.stacksave",
    "llvm.stackrestore",
    "llvm.localescape",
    "llvm.localrecover",
    "llvm.eh.typeid.for",
];

/// Whether `f` may be inlined into its callers (see the module's documentation), before its
/// CLIF's size is known (a function of more than [`SMALL`] canonical instructions is not even
/// lowered: its CLIF would be larger).
pub(crate) fn may_be_inlined(cx: &ModuleCx<'_>, f: &Function) -> bool {
    let insts = f.blocks.iter().map(|b| b.insts.len()).sum::<usize>();
    if insts > SMALL || f.ty.varargs || f.personality.is_some() {
        return false;
    }
    if ["noinline", "optnone", "naked", "returns_twice"].iter().any(|a| f.attrs.func_has(a)) {
        return false;
    }
    if matches!(
        f.props.linkage,
        Linkage::Weak | Linkage::LinkOnce | Linkage::Common | Linkage::ExternWeak
    ) {
        return false;
    }
    let types = f.value_types();
    if types.values().any(|t| t.vector_len().is_some()) {
        return false;
    }
    if cx.returns_twice.called_in(f) {
        return false;
    }
    f.blocks.iter().enumerate().all(|(i, block)| {
        block.insts.iter().all(|inst| match &inst.op {
            Op::LandingPad { .. } | Op::Invoke { .. } | Op::Resume { .. } => false,
            Op::IndirectBr { .. } | Op::VaArg { .. } => false,
            Op::Alloca { count, .. } => i == 0 && count.as_const().is_some(),
            Op::Call(c) => {
                c.tail != TailKind::MustTail
                    && !c
                        .callee_name()
                        .is_some_and(|n| FRAME_INTRINSICS.iter().any(|p| n.starts_with(p)))
                    && !matches!(&c.callee, Operand::Const(Constant::Asm(_)))
            }
            _ => true,
        })
    })
}

/// Directs `Context::inline` for one caller: the direct calls of kept bodies (`bodies`, by
/// the callee's symbol) are inlined while the budget lasts.
pub(crate) struct Inliner<'b> {
    bodies: &'b HashMap<FuncId, ir::Function>,
    caller: FuncId,
    budget: usize,
}

impl<'b> Inliner<'b> {
    /// For the caller `caller`, whose CLIF is `func`.
    pub(crate) fn new(
        bodies: &'b HashMap<FuncId, ir::Function>,
        caller: FuncId,
        func: &ir::Function,
    ) -> Inliner<'b> {
        let budget = BUDGET.max(func.dfg.num_insts());
        Inliner { bodies, caller, budget }
    }
}

impl Inline for Inliner<'_> {
    fn inline(
        &mut self,
        caller: &ir::Function,
        _call: ir::Inst,
        _opcode: ir::Opcode,
        callee: ir::FuncRef,
        _args: &[ir::Value],
    ) -> InlineCommand<'_> {
        let ext = &caller.dfg.ext_funcs[callee];
        let ir::ExternalName::User(name) = &ext.name else {
            return InlineCommand::KeepCall;
        };
        let Some(name) = caller.params.user_named_funcs().get(*name) else {
            return InlineCommand::KeepCall;
        };
        let id = FuncId::from_u32(name.index);
        if name.namespace != 0 || id == self.caller {
            return InlineCommand::KeepCall;
        }
        let Some(body) = self.bodies.get(&id) else {
            return InlineCommand::KeepCall;
        };
        let size = body.dfg.num_insts();
        if caller.dfg.signatures.get(ext.signature) != Some(&body.signature) || size > self.budget {
            return InlineCommand::KeepCall;
        }
        self.budget -= size;
        InlineCommand::Inline { callee: with_caller_names(caller, body), visit_callee: false }
    }
}

/// `body` with the names of the symbols its global values stand for (data objects' addresses)
/// as `caller` will number them once `body` is inlined into it.
///
/// `Context::inline` copies the callee's external names into the caller (each name the
/// caller lacks appended, in the callee's order; one it has keeps its number) and renumbers
/// the callee's imported functions accordingly, but copies its global values unchanged: a
/// symbol's name would still carry the callee's number, which names another symbol (or none)
/// in the caller. So such names are renumbered here, as the caller will number them.
fn with_caller_names<'b>(caller: &ir::Function, body: &'b ir::Function) -> Cow<'b, ir::Function> {
    let named = |gv: &ir::GlobalValueData| {
        matches!(gv, ir::GlobalValueData::Symbol { name: ir::ExternalName::User(_), .. })
    };
    if !body.global_values.values().any(named) {
        return Cow::Borrowed(body);
    }
    let names = caller.params.user_named_funcs();
    let mut known: HashMap<&ir::UserExternalName, ir::UserExternalNameRef> =
        names.iter().map(|(r, name)| (name, r)).collect();
    let mut next = u32::try_from(names.len()).unwrap_or(u32::MAX);
    let mut renumbered = HashMap::new();
    for (r, name) in body.params.user_named_funcs().iter() {
        let to = *known.entry(name).or_insert_with(|| {
            next += 1;
            ir::UserExternalNameRef::from_u32(next - 1)
        });
        renumbered.insert(r, to);
    }
    let mut body = body.clone();
    for gv in body.global_values.values_mut() {
        if let ir::GlobalValueData::Symbol { name: ir::ExternalName::User(r), .. } = gv
            && let Some(&to) = renumbered.get(r)
        {
            *r = to;
        }
    }
    Cow::Owned(body)
}
