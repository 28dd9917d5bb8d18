//! Comdats: only definitions (not `available_externally` ones, not `common` globals) are in
//! a comdat, and every symbol of a comdat gives it the same selection kind. (An alias has no
//! comdat of its own: `aliases.rs`.)

use crate::violation::{ComdatProblem, ViolationKind};
use opm_ir::collections::HashMap;
use opm_ir::{ComdatSelection, Linkage, SymbolProps};

/// The selection kind each comdat was first given, in module order (globals, then
/// functions, as [`opm_ir::Module::comdats`]).
#[derive(Default)]
pub(crate) struct Selections<'m>(HashMap<&'m str, ComdatSelection>);

impl<'m> Selections<'m> {
    /// The comdat problems of a global variable or function with these properties;
    /// `is_definition` for a global with an initializer or a function with a body.
    pub fn check(&mut self, props: &'m SymbolProps, is_definition: bool) -> Vec<ViolationKind> {
        let Some(c) = &props.comdat else { return Vec::new() };
        let mut out = Vec::new();
        let mut problem =
            |problem| out.push(ViolationKind::InvalidComdat { comdat: c.name.clone(), problem });
        if !is_definition || props.linkage == Linkage::AvailableExternally {
            problem(ComdatProblem::Declaration);
        } else if props.linkage == Linkage::Common {
            problem(ComdatProblem::Common);
        }
        let first = *self.0.entry(c.name.as_str()).or_insert(c.selection);
        if first != c.selection {
            problem(ComdatProblem::SelectionConflict { first, found: c.selection });
        }
        out
    }
}
