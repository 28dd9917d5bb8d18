//! The named structure types a module uses, which the printed module must define before use.
//!
//! Every place a type can hide is walked, in LLVM's order (globals, then functions: signature,
//! attributes, instructions), so the definitions come out in order of first use.

use crate::attr::{Attribute, Attrs};
use crate::inst::Op;
use crate::module::Module;
use crate::types::{StructType, Type};
use crate::value::{ConstExpr, Constant, Operand};

/// Each named structure of `module` once, in order of first use. When a name occurs with
/// and without a body, the first body found is its definition.
pub(super) fn named_structs(module: &Module) -> Vec<StructType> {
    let mut finder = Finder::default();
    for g in &module.globals {
        finder.ty(&g.ty);
        if let Some(init) = &g.init {
            finder.constant(init);
        }
    }
    for f in &module.functions {
        finder.ty(&Type::Function(Box::new(f.ty.clone())));
        finder.attrs(&f.attrs);
        for inst in f.blocks.iter().flat_map(|b| &b.insts) {
            finder.ty(&inst.ty);
            finder.op_types(&inst.op);
            for operand in inst.op.operands() {
                if let Operand::Const(c) = operand {
                    finder.constant(c);
                }
            }
        }
    }
    finder.found
}

#[derive(Default)]
struct Finder {
    found: Vec<StructType>,
}

impl Finder {
    fn ty(&mut self, ty: &Type) {
        ty.walk(&mut |t| {
            if let Type::Struct(s) = t
                && s.name.is_some()
            {
                self.record(s)
            }
        });
    }

    fn record(&mut self, s: &StructType) {
        match self.found.iter_mut().find(|f| f.name == s.name) {
            None => self.found.push(s.clone()),
            Some(known) if known.body.is_none() && s.body.is_some() => *known = s.clone(),
            Some(_) => {}
        }
    }

    fn constant(&mut self, c: &Constant) {
        c.walk(&mut |c| {
            self.ty(&c.ty());
            match c {
                Constant::Array { elem, .. } => self.ty(elem),
                Constant::Expr(e) => match &**e {
                    ConstExpr::Gep { source_ty, .. } => self.ty(source_ty),
                    ConstExpr::Cast { to, .. } => self.ty(to),
                    ConstExpr::Bin { .. } => {}
                },
                _ => {}
            }
        });
    }

    fn attrs(&mut self, attrs: &Attrs) {
        let all = attrs.func.iter().chain(&attrs.ret).chain(attrs.params.iter().flatten());
        for a in all {
            if let Attribute::Type { ty, .. } = a {
                self.ty(ty);
            }
        }
    }

    /// Types an instruction names besides its result and operands.
    fn op_types(&mut self, op: &Op) {
        match op {
            Op::Alloca { ty, .. } => self.ty(ty),
            Op::Gep { source_ty, .. } => self.ty(source_ty),
            Op::Call(call) => {
                self.ty(&Type::Function(Box::new(call.fn_ty.clone())));
                self.attrs(&call.attrs);
            }
            _ => {}
        }
    }
}
