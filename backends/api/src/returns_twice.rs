//! Calls of functions that return twice (`setjmp`, `sigsetjmp`, `vfork` …): such a call
//! returns a second time when `longjmp` jumps back to it, which a code generator must know
//! of to keep what the function reads after the second return.

use opm_ir::{Constant, Function, Inst, Module, Op, Operand};
use std::collections::HashSet;

/// The functions of a module that return twice.
pub struct ReturnsTwice<'m> {
    callees: HashSet<&'m str>,
}

impl<'m> ReturnsTwice<'m> {
    /// Those of `module`: the functions with the attribute `returns_twice`.
    pub fn of(module: &'m Module) -> ReturnsTwice<'m> {
        let callees = module
            .functions
            .iter()
            .filter(|f| f.attrs.func_has("returns_twice"))
            .map(|f| f.name.as_str())
            .collect();
        ReturnsTwice { callees }
    }

    /// Whether `inst` calls a function that returns twice (the call site or the callee has
    /// the attribute).
    pub fn calls(&self, inst: &Inst) -> bool {
        match &inst.op {
            Op::Call(c) | Op::Invoke { call: c, .. } => {
                c.attrs.func_has("returns_twice")
                    || matches!(&c.callee, Operand::Const(Constant::Global(g))
                        if self.callees.contains(g.as_str()))
            }
            _ => false,
        }
    }

    /// Whether `f` calls a function that returns twice.
    pub fn called_in(&self, f: &Function) -> bool {
        f.blocks.iter().flat_map(|b| &b.insts).any(|i| self.calls(i))
    }

    /// The calls in `f` of functions that return twice, as (block, instruction) indices.
    pub fn sites(&self, f: &Function) -> Vec<(usize, usize)> {
        let mut sites = Vec::new();
        for (b, block) in f.blocks.iter().enumerate() {
            for (k, inst) in block.insts.iter().enumerate() {
                if self.calls(inst) {
                    sites.push((b, k));
                }
            }
        }
        sites
    }
}
