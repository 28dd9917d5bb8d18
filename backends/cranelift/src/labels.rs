//! Computed goto (`blockaddress`, `indirectbr`) without the machine address of a block.
//!
//! Cranelift cannot take the address of a block. A block address is therefore a small
//! number here, the block's *token*: its index in its function plus one (never 0, so never
//! `null`), and `indirectbr` dispatches on the tokens of its destinations with a jump table.
//! That is exact as long as nothing but control flow looks at the number, which this module
//! checks for the whole module before anything is lowered. A block address may:
//! - go to `indirectbr`;
//! - be compared with `icmp eq` / `icmp ne`, with another block address or with any pointer
//!   (a token is below 4096, and no object lives in the first page, so it equals no real
//!   address, as a block's address equals no object's);
//! - pass through `phi`, `select`, `freeze` and 64-bit `ptrtoint` / `inttoptr` / `bitcast`;
//! - be stored in a local variable (an `alloca`, through getelementptrs of it) whose address
//!   goes nowhere but to loads, stores, getelementptrs, `memcpy`/`memmove`/`memset` and
//!   lifetime markers; what such a variable yields as a `ptr` or `i64` is a block address;
//! - sit in a table of labels: an internal or private global (C's
//!   `static void *labels[] = {&&a, &&b}`, which clang leaves writable at -O0, or the
//!   constant clang copies a local array of labels from), laid out with the tokens in place
//!   of the addresses, whose address goes nowhere but to loads, getelementptrs and the
//!   source of a `memcpy`/`memmove` (so nothing writes it, and nothing outside the module
//!   sees it); what it yields as a `ptr` or `i64` is a block address.
//!
//! Everything else is refused naming the use: arithmetic on a block address (a table of
//! label differences, `&&a - &&b`), a call argument, a return value, a store anywhere else,
//! a block address inside a constant expression, a table visible outside the module or
//! written to. A destination of `indirectbr` must be one of its listed blocks, and
//! an address of another function's block is undefined behaviour there, as in LLVM.

use crate::error::CraneliftError;
use opm_backend::Site;
use opm_ir::print::{LocalNames, PrintOptions, instruction_text};
use opm_ir::{
    BlockId, CastOp, ConstExpr, Constant, Function, Inst, IntPredicate, Linkage, Module, Op,
    Operand, Type, ValueId,
};
use std::collections::{HashMap, HashSet};

/// Functions with more blocks than this cannot have their blocks' addresses taken: a token
/// must stay below the first page's end (4096), where no object lives.
const MAX_TOKEN: u64 = 4095;

/// The token of a block: its index plus one.
pub(crate) fn token(block: BlockId) -> u64 {
    u64::from(block.0) + 1
}

/// Checks every use of a block address in `module` (see the module's documentation) and
/// returns the tables of labels, by name.
pub(crate) fn check(module: &Module) -> Result<HashSet<String>, CraneliftError> {
    let mut tables = HashSet::new();
    for g in &module.globals {
        let Some(init) = &g.init else { continue };
        if !contains_block_address(init) {
            continue;
        }
        let unsupported = |construct: String| CraneliftError::Unsupported {
            construct,
            site: Site::initializer(&g.name),
        };
        if nested_in_expression(init) {
            return Err(unsupported(
                "a block address inside a constant expression (label arithmetic such as \
                 `&&a - &&b`; the Cranelift backend numbers the blocks of a computed goto)"
                    .into(),
            ));
        }
        let private = matches!(g.props.linkage, Linkage::Internal | Linkage::Private);
        if !private || g.thread_local.is_some() {
            return Err(unsupported(format!(
                "block addresses in @{}, which is not an internal or private global (a table \
                 of computed-goto labels must be one)",
                g.name
            )));
        }
        tables.insert(g.name.clone());
    }
    for g in &module.globals {
        let Some(init) = &g.init else { continue };
        if let Some(t) = table_in(init, &tables) {
            return Err(CraneliftError::Unsupported {
                construct: format!(
                    "the address of the table of computed-goto labels @{t} in an initializer"
                ),
                site: Site::initializer(&g.name),
            });
        }
    }
    for f in module.definitions() {
        let blocks = f.blocks.len() as u64;
        let involved = f.blocks.iter().flat_map(|b| &b.insts).any(|inst| {
            matches!(inst.op, Op::IndirectBr { .. })
                || inst.op.operands().iter().any(|op| {
                    op.as_const().is_some_and(|c| {
                        contains_block_address(c) || table_in(c, &tables).is_some()
                    })
                })
        });
        if !involved {
            continue;
        }
        if blocks > MAX_TOKEN {
            return Err(CraneliftError::Unsupported {
                construct: format!(
                    "a computed goto in a function of {blocks} blocks (at most {MAX_TOKEN})"
                ),
                site: Site::function(&f.name),
            });
        }
        let flow = Flow::of(f, &tables);
        flow.check_uses(f, &tables).map_err(|(inst, construct)| {
            let names = LocalNames::new(f, PrintOptions::default());
            CraneliftError::Unsupported {
                construct,
                site: Site::instruction(&f.name, instruction_text(&names, inst)),
            }
        })?;
    }
    Ok(tables)
}

/// `init` with every block address replaced by its token, for a table of labels.
pub(crate) fn with_tokens(c: &Constant) -> Constant {
    match c {
        Constant::BlockAddress { block, .. } => Constant::Expr(Box::new(ConstExpr::Cast {
            op: CastOp::IntToPtr,
            val: Constant::Int { bits: 64, value: u128::from(token(*block)) },
            to: Type::Ptr,
        })),
        Constant::Array { elem, elems } => {
            Constant::Array { elem: elem.clone(), elems: elems.iter().map(with_tokens).collect() }
        }
        Constant::Vector(elems) => Constant::Vector(elems.iter().map(with_tokens).collect()),
        Constant::Struct { ty, fields } => {
            Constant::Struct { ty: ty.clone(), fields: fields.iter().map(with_tokens).collect() }
        }
        other => other.clone(),
    }
}

fn contains_block_address(c: &Constant) -> bool {
    let mut found = false;
    c.walk(&mut |k| found |= matches!(k, Constant::BlockAddress { .. }));
    found
}

/// Whether a block address sits inside a constant expression of `c` (not only as an
/// element of an aggregate).
fn nested_in_expression(c: &Constant) -> bool {
    match c {
        Constant::Array { elems, .. } | Constant::Vector(elems) => {
            elems.iter().any(nested_in_expression)
        }
        Constant::Struct { fields, .. } => fields.iter().any(nested_in_expression),
        Constant::Expr(_) => contains_block_address(c),
        _ => false,
    }
}

/// A table of labels whose address appears anywhere in `c`.
fn table_in<'t>(c: &Constant, tables: &'t HashSet<String>) -> Option<&'t String> {
    let mut found = None;
    c.walk(&mut |k| {
        if let Constant::Global(n) = k
            && let Some(t) = tables.get(n)
        {
            found = Some(t);
        }
    });
    found
}

/// Where block addresses and the addresses of tables and local variables holding them go in
/// one function.
#[derive(Default)]
struct Flow {
    /// Values that may be block addresses.
    tokens: HashSet<ValueId>,
    /// Pointers into a table of labels.
    table_ptrs: HashSet<ValueId>,
    /// The alloca each pointer into a local variable points into.
    local_root: HashMap<ValueId, ValueId>,
    /// Allocas that may hold block addresses.
    slots: HashSet<ValueId>,
}

/// Whether `c` is a pointer into a table of labels as an operand: the table itself or a
/// getelementptr expression on it.
fn table_constant(c: &Constant, tables: &HashSet<String>) -> bool {
    match c {
        Constant::Global(n) => tables.contains(n),
        Constant::Expr(e) => match &**e {
            ConstExpr::Gep { base: Constant::Global(n), .. } => tables.contains(n),
            _ => false,
        },
        _ => false,
    }
}

/// The `memcpy`/`memmove`/`memset` intrinsics (destination, then source or value).
fn memory_intrinsic(inst: &Inst) -> bool {
    matches!(&inst.op, Op::Call(c) if c.callee_name().is_some_and(|n| {
        let base = opm_ir::intrinsic::base_name(n);
        matches!(base, "memcpy" | "memcpy.inline" | "memmove" | "memset" | "memset.inline")
    }))
}

/// The lifetime markers.
fn lifetime_marker(inst: &Inst) -> bool {
    matches!(&inst.op, Op::Call(c) if c.callee_name().is_some_and(|n| {
        n.starts_with("llvm.lifetime.")
    }))
}

/// Whether a value of type `ty` read from a table or a local variable can carry a token.
fn token_sized(ty: &Type) -> bool {
    matches!(ty, Type::Ptr | Type::Int(64))
}

impl Flow {
    fn of(f: &Function, tables: &HashSet<String>) -> Flow {
        let mut flow = Flow::default();
        loop {
            let before =
                (flow.tokens.len(), flow.table_ptrs.len(), flow.local_root.len(), flow.slots.len());
            for inst in f.blocks.iter().flat_map(|b| &b.insts) {
                flow.step(inst, tables);
            }
            let after =
                (flow.tokens.len(), flow.table_ptrs.len(), flow.local_root.len(), flow.slots.len());
            if before == after {
                return flow;
            }
        }
    }

    fn is_token(&self, op: &Operand) -> bool {
        match op {
            Operand::Const(c) => matches!(c, Constant::BlockAddress { .. }),
            Operand::Value(v) => self.tokens.contains(v),
        }
    }

    fn is_table(&self, op: &Operand, tables: &HashSet<String>) -> bool {
        match op {
            Operand::Const(c) => table_constant(c, tables),
            Operand::Value(v) => self.table_ptrs.contains(v),
        }
    }

    fn local_of(&self, op: &Operand) -> Option<ValueId> {
        match op {
            Operand::Value(v) => self.local_root.get(v).copied(),
            Operand::Const(_) => None,
        }
    }

    fn in_slot(&self, op: &Operand) -> bool {
        self.local_of(op).is_some_and(|root| self.slots.contains(&root))
    }

    /// Propagates through one instruction.
    fn step(&mut self, inst: &Inst, tables: &HashSet<String>) {
        let r = inst.result;
        let carries_token = match &inst.op {
            Op::Phi { incoming, .. } => incoming.iter().any(|(v, _)| self.is_token(v)),
            Op::Select { then_val, else_val, .. } => {
                self.is_token(then_val) || self.is_token(else_val)
            }
            Op::Freeze { val } => self.is_token(val),
            Op::Cast { op: CastOp::PtrToInt | CastOp::IntToPtr | CastOp::BitCast, val, .. } => {
                self.is_token(val) && token_sized(&inst.ty)
            }
            Op::Load { ptr, .. } => {
                token_sized(&inst.ty) && (self.is_table(ptr, tables) || self.in_slot(ptr))
            }
            _ => false,
        };
        if carries_token {
            self.tokens.extend(r);
        }
        match &inst.op {
            Op::Alloca { .. } => {
                if let Some(r) = r {
                    self.local_root.insert(r, r);
                }
            }
            Op::Gep { base, .. } => {
                if let Some(r) = r {
                    if let Some(root) = self.local_of(base) {
                        self.local_root.insert(r, root);
                    }
                    if self.is_table(base, tables) {
                        self.table_ptrs.insert(r);
                    }
                }
            }
            Op::Store { val, ptr, .. } => {
                if self.is_token(val)
                    && let Some(root) = self.local_of(ptr)
                {
                    self.slots.insert(root);
                }
            }
            Op::Call(c) if memory_intrinsic(inst) && c.args.len() >= 2 => {
                let (dst, src) = (&c.args[0], &c.args[1]);
                if (self.is_table(src, tables) || self.in_slot(src))
                    && let Some(root) = self.local_of(dst)
                {
                    self.slots.insert(root);
                }
            }
            _ => {}
        }
    }

    /// Checks that every use of a block address, a table of labels or a local variable
    /// holding block addresses is one the tokens keep exact; the first other one, with why.
    fn check_uses<'f>(
        &self,
        f: &'f Function,
        tables: &HashSet<String>,
    ) -> Result<(), (&'f Inst, String)> {
        for inst in f.blocks.iter().flat_map(|b| &b.insts) {
            let what = inst.op.opcode_name();
            for (i, op) in inst.op.operands().into_iter().enumerate() {
                if let Operand::Const(c) = op {
                    let whole = matches!(c, Constant::BlockAddress { .. });
                    if contains_block_address(c) && !whole {
                        return Err((
                            inst,
                            "a block address inside a constant expression (the Cranelift \
                             backend numbers the blocks of a computed goto)"
                                .into(),
                        ));
                    }
                    if let Some(t) = table_in(c, tables)
                        && !table_constant(c, tables)
                    {
                        return Err((
                            inst,
                            format!(
                                "the table of computed-goto labels @{t} inside a constant \
                                 expression"
                            ),
                        ));
                    }
                }
                if self.is_token(op) && !self.token_use(inst, i) {
                    return Err((
                        inst,
                        format!(
                            "a block address used by `{what}` (the Cranelift backend numbers \
                             the blocks of a computed goto; their addresses may only go to \
                             indirectbr, icmp eq/ne, phi, select and local variables)"
                        ),
                    ));
                }
                if self.is_table(op, tables) && !table_use(inst, i) {
                    return Err((
                        inst,
                        format!(
                            "the address of a table of computed-goto labels used by `{what}` \
                             (only loads, getelementptr and memcpy may read such a table)"
                        ),
                    ));
                }
                if self.in_slot(op) && !slot_use(inst, i) {
                    return Err((
                        inst,
                        format!(
                            "the address of a local variable holding a block address used by \
                             `{what}` (the Cranelift backend numbers the blocks of a computed \
                             goto, so the variable must stay local)"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether operand `i` of `inst`, a block address, is used in a way tokens keep exact.
    fn token_use(&self, inst: &Inst, i: usize) -> bool {
        match &inst.op {
            Op::IndirectBr { .. } | Op::Phi { .. } | Op::Freeze { .. } => true,
            Op::ICmp { pred, .. } => matches!(pred, IntPredicate::Eq | IntPredicate::Ne),
            Op::Select { .. } => i > 0,
            Op::Cast { op: CastOp::PtrToInt | CastOp::IntToPtr | CastOp::BitCast, .. } => {
                token_sized(&inst.ty)
            }
            Op::Store { ptr, .. } => i == 0 && self.local_of(ptr).is_some(),
            _ => false,
        }
    }
}

/// Whether operand `i` of `inst`, a pointer into a table of labels, only reads the table.
fn table_use(inst: &Inst, i: usize) -> bool {
    match &inst.op {
        Op::Load { .. } | Op::Gep { .. } => i == 0,
        Op::Call(_) => memory_intrinsic(inst) && i == 1,
        _ => false,
    }
}

/// Whether operand `i` of `inst`, a pointer into a local variable holding block addresses,
/// keeps the variable local.
fn slot_use(inst: &Inst, i: usize) -> bool {
    match &inst.op {
        Op::Load { .. } | Op::Gep { .. } => i == 0,
        Op::Store { .. } => i == 1,
        Op::Call(_) => (memory_intrinsic(inst) && i <= 1) || lifetime_marker(inst),
        _ => false,
    }
}
