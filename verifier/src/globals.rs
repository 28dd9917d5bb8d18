//! Global variables: a type a value can have, an initializer of that type, well formed, and
//! naming only symbols of the module.

use crate::constants;
use crate::context::{Naming, Symbols, global_violation};
use crate::refs::constant_refs;
use crate::types::malformed;
use crate::violation::{TypeProblem, Violation, ViolationKind};
use opm_ir::{Global, Type};

/// The violations of one global variable.
pub(crate) fn check(g: &Global, symbols: &Symbols, naming: Naming) -> Vec<Violation> {
    let mut kinds = malformed(&g.ty);
    if matches!(g.ty, Type::Void | Type::Function(_)) {
        let problem = TypeProblem::NotAValueType;
        kinds.push(ViolationKind::MalformedType { ty: g.ty.clone(), problem });
    }
    if let Some(init) = &g.init {
        let found = init.ty();
        if found != g.ty {
            kinds.push(ViolationKind::InitializerType { found, expected: g.ty.clone() });
        }
        kinds.extend(constants::problems(init));
        kinds.extend(constant_refs(symbols, naming, std::iter::once(init)));
    }
    kinds.dedup();
    kinds.into_iter().map(|k| global_violation(Some(&g.name), k)).collect()
}
