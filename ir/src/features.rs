//! Program features: a fixed vector of counters over a module's canonical IR, in the spirit of
//! Autophase's 56 counters, for models that predict which pipelines suit a program. Sizes are
//! on a log scale; the instruction mix and the shape of the control flow are shares, so that
//! programs of different sizes but of the same kind lie close together.

use crate::cfg::Cfg;
use crate::inst::{Op, TailKind};
use crate::module::{Function, Module};
use crate::types::Type;
use crate::value::{Constant, Operand};

/// The features' names, in the order of [`Features::values`].
pub const NAMES: [&str; 40] = [
    // Sizes (log2 of 1 + the count).
    "log-instructions",
    "log-blocks",
    "log-functions",
    "log-declarations",
    "log-globals",
    "log-max-function",
    // Shares of all instructions.
    "int-arith",
    "int-muldiv",
    "bitwise",
    "shift",
    "float-arith",
    "icmp",
    "fcmp",
    "select",
    "cast",
    "load",
    "store",
    "alloca",
    "gep",
    "call",
    "intrinsic-call",
    "phi",
    "branch",
    "cond-branch",
    "switch",
    "ret",
    "vector",
    "aggregate",
    "atomic",
    // Shares of blocks.
    "blocks-one-pred",
    "blocks-many-preds",
    "blocks-one-succ",
    "loop-headers",
    "unreachable-blocks",
    // Per function (log2 of 1 + the mean).
    "log-blocks-per-function",
    "log-instructions-per-block",
    // Shares of operands and calls.
    "constant-operands",
    "calls-to-definitions",
    "tail-calls",
    "indirect-calls",
];

/// A module's feature vector ([`NAMES`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Features {
    pub values: [f64; NAMES.len()],
}

impl Features {
    /// The value of the feature called `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        NAMES.iter().position(|n| *n == name).map(|i| self.values[i])
    }

    /// `(name, value)` pairs, in the order of [`NAMES`].
    pub fn named(&self) -> impl Iterator<Item = (&'static str, f64)> + '_ {
        NAMES.iter().copied().zip(self.values.iter().copied())
    }
}

#[derive(Default)]
struct Counts {
    insts: usize,
    blocks: usize,
    functions: usize,
    max_function: usize,
    int_arith: usize,
    int_muldiv: usize,
    bitwise: usize,
    shift: usize,
    float_arith: usize,
    icmp: usize,
    fcmp: usize,
    select: usize,
    cast: usize,
    load: usize,
    store: usize,
    alloca: usize,
    gep: usize,
    call: usize,
    intrinsic_call: usize,
    phi: usize,
    branch: usize,
    cond_branch: usize,
    switch: usize,
    ret: usize,
    vector: usize,
    aggregate: usize,
    atomic: usize,
    one_pred: usize,
    many_preds: usize,
    one_succ: usize,
    loop_headers: usize,
    unreachable: usize,
    operands: usize,
    constant_operands: usize,
    calls_to_definitions: usize,
    tail_calls: usize,
    indirect_calls: usize,
}

impl Module {
    /// The module's features ([`NAMES`]).
    pub fn features(&self) -> Features {
        let mut c = Counts::default();
        let defined: crate::collections::HashSet<&str> =
            self.definitions().map(|f| f.name.as_str()).collect();
        for f in self.definitions() {
            count_function(f, &defined, &mut c);
        }
        let log = |n: usize| (1.0 + n as f64).log2();
        let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
        let i = c.insts;
        let b = c.blocks;
        let values = [
            log(c.insts),
            log(c.blocks),
            log(c.functions),
            log(self.functions.len() - c.functions),
            log(self.globals.len()),
            log(c.max_function),
            share(c.int_arith, i),
            share(c.int_muldiv, i),
            share(c.bitwise, i),
            share(c.shift, i),
            share(c.float_arith, i),
            share(c.icmp, i),
            share(c.fcmp, i),
            share(c.select, i),
            share(c.cast, i),
            share(c.load, i),
            share(c.store, i),
            share(c.alloca, i),
            share(c.gep, i),
            share(c.call, i),
            share(c.intrinsic_call, i),
            share(c.phi, i),
            share(c.branch, i),
            share(c.cond_branch, i),
            share(c.switch, i),
            share(c.ret, i),
            share(c.vector, i),
            share(c.aggregate, i),
            share(c.atomic, i),
            share(c.one_pred, b),
            share(c.many_preds, b),
            share(c.one_succ, b),
            share(c.loop_headers, b),
            share(c.unreachable, b),
            (1.0 + share(c.blocks, c.functions)).log2(),
            (1.0 + share(c.insts, c.blocks)).log2(),
            share(c.constant_operands, c.operands),
            share(c.calls_to_definitions, c.call),
            share(c.tail_calls, c.call),
            share(c.indirect_calls, c.call),
        ];
        Features { values }
    }
}

fn count_function(f: &Function, defined: &crate::collections::HashSet<&str>, c: &mut Counts) {
    c.functions += 1;
    c.blocks += f.blocks.len();
    c.max_function = c.max_function.max(f.instruction_count());
    let cfg = Cfg::new(f);
    for (k, block) in f.blocks.iter().enumerate() {
        let id = crate::value::BlockId(k as u32);
        if !cfg.is_reachable(id) {
            c.unreachable += 1;
            continue;
        }
        match cfg.preds[k].len() {
            1 => c.one_pred += 1,
            0 => {}
            _ => c.many_preds += 1,
        }
        if cfg.succs[k].len() == 1 {
            c.one_succ += 1;
        }
        // A loop header: the target of an edge from a block it dominates.
        if cfg.preds[k].iter().any(|p| cfg.dominates(id, *p)) {
            c.loop_headers += 1;
        }
        for inst in &block.insts {
            c.insts += 1;
            count_inst(&inst.op, matches!(inst.ty, Type::Vector(..)), defined, c);
        }
    }
}

fn count_inst(op: &Op, vector: bool, defined: &crate::collections::HashSet<&str>, c: &mut Counts) {
    use crate::inst::BinOp as B;
    for operand in op.operands() {
        c.operands += 1;
        if matches!(operand, Operand::Const(k) if !matches!(k, Constant::Global(_))) {
            c.constant_operands += 1;
        }
    }
    if vector {
        c.vector += 1;
    }
    match op {
        Op::Bin { op, .. } => match op {
            B::Add | B::Sub => c.int_arith += 1,
            B::Mul | B::UDiv | B::SDiv | B::URem | B::SRem => c.int_muldiv += 1,
            B::And | B::Or | B::Xor => c.bitwise += 1,
            B::Shl | B::LShr | B::AShr => c.shift += 1,
            _ => c.float_arith += 1,
        },
        Op::FNeg { .. } => c.float_arith += 1,
        Op::ICmp { .. } => c.icmp += 1,
        Op::FCmp { .. } => c.fcmp += 1,
        Op::Select { .. } => c.select += 1,
        Op::Cast { .. } => c.cast += 1,
        Op::Load { atomic, .. } => {
            c.load += 1;
            c.atomic += usize::from(atomic.is_some());
        }
        Op::Store { atomic, .. } => {
            c.store += 1;
            c.atomic += usize::from(atomic.is_some());
        }
        Op::AtomicRmw { .. } | Op::CmpXchg { .. } | Op::Fence { .. } => c.atomic += 1,
        Op::Alloca { .. } => c.alloca += 1,
        Op::Gep { .. } => c.gep += 1,
        Op::Call(call) | Op::Invoke { call, .. } => {
            c.call += 1;
            match &call.callee {
                Operand::Const(Constant::Global(name)) if name.starts_with("llvm.") => {
                    c.intrinsic_call += 1
                }
                Operand::Const(Constant::Global(name)) => {
                    if defined.contains(name.as_str()) {
                        c.calls_to_definitions += 1;
                    }
                }
                _ => c.indirect_calls += 1,
            }
            if call.tail != TailKind::None {
                c.tail_calls += 1;
            }
        }
        Op::Phi { .. } => c.phi += 1,
        Op::ExtractValue { .. } | Op::InsertValue { .. } => c.aggregate += 1,
        Op::ExtractElement { .. } | Op::InsertElement { .. } | Op::ShuffleVector { .. } => {
            c.vector += usize::from(!vector)
        }
        Op::Br { .. } => c.branch += 1,
        Op::CondBr { .. } => c.cond_branch += 1,
        Op::Switch { .. } => c.switch += 1,
        Op::Ret { .. } => c.ret += 1,
        Op::LandingPad { .. }
        | Op::Resume { .. }
        | Op::IndirectBr { .. }
        | Op::Freeze { .. }
        | Op::VaArg { .. }
        | Op::Unreachable => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builder::FunctionBuilder;
    use crate::inst::{BinOp, IntPredicate};
    use crate::types::FunctionType;

    #[test]
    fn names_are_distinct() {
        let set: crate::collections::HashSet<_> = NAMES.iter().collect();
        assert_eq!(set.len(), NAMES.len());
    }

    /// `sum(n)`: a counting loop, and a caller.
    fn module() -> Module {
        let ty = FunctionType { ret: Type::I32, params: vec![Type::I32], varargs: false };
        let mut b = FunctionBuilder::new("sum", ty.clone());
        let (entry, head, exit) = (b.current(), b.block("head"), b.block("exit"));
        b.br(head);
        b.position(head);
        let latch = b.fresh();
        let i = b.phi(Type::I32, vec![(Operand::int(32, 0), entry), (Operand::Value(latch), head)]);
        let next = b.bin(Type::I32, BinOp::Add, i, Operand::int(32, 1));
        let done = b.icmp(IntPredicate::Eq, next.clone(), b.param(0));
        b.cond_br(done, exit, head);
        b.position(exit);
        b.ret(Some(next));
        let mut m = Module::default();
        m.functions.push(b.finish());
        let mut main = FunctionBuilder::new("main", ty.clone());
        let r = main.call("sum", ty.clone(), vec![main.param(0)]);
        main.ret(Some(r));
        m.functions.push(main.finish());
        m.functions.push(Function::declaration("puts", ty));
        m
    }

    #[test]
    fn counts_what_a_module_holds() {
        let f = module().features();
        let get = |name| f.get(name).unwrap_or(f64::NAN);
        // 8 instructions in 4 blocks of 2 definitions; one declaration.
        assert_eq!(get("log-instructions"), 9f64.log2());
        assert_eq!(get("log-blocks"), 5f64.log2());
        assert_eq!(get("log-functions"), 3f64.log2());
        assert_eq!(get("log-declarations"), 1.0);
        assert_eq!(get("call"), 1.0 / 8.0);
        assert_eq!(get("calls-to-definitions"), 1.0);
        assert_eq!(get("phi"), 1.0 / 8.0);
        // `head` is a loop header (its own latch), one block in four.
        assert_eq!(get("loop-headers"), 0.25);
        assert_eq!(get("blocks-many-preds"), 0.25);
        assert_eq!(get("unreachable-blocks"), 0.0);
        assert!(f.values.iter().all(|v| v.is_finite() && *v >= 0.0));
        // An empty module has all zeros, not NaN.
        assert!(Module::default().features().values.iter().all(|v| *v == 0.0));
    }
}
