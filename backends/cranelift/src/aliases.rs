//! Aliases (`@a = alias T, ptr @g`). cranelift-module has no way to give a symbol a second
//! name, so a reference to an alias is a reference to what it finally stands for (a function
//! or a global variable this module defines, through any chain of aliases), and once the
//! object is finished each alias becomes a symbol of its own at its target's address, with the
//! alias's linkage and visibility (what other objects and the dynamic linker see).

use crate::error::CraneliftError;
use cranelift_module::{DataId, FuncId};
use cranelift_object::ObjectProduct;
use object::write::{Symbol, SymbolSection};
use object::{SymbolFlags, SymbolScope};
use opm_backend::Site;
use opm_ir::{Constant, Linkage, Module, Visibility};
use std::collections::HashMap;

/// What each alias of `module` finally stands for: the name of a function or global variable
/// that the module defines. An alias of a constant expression (an offset into a global), of
/// a declaration, a thread-local alias or a cycle is refused by name.
pub(crate) fn targets(module: &Module) -> Result<HashMap<String, String>, CraneliftError> {
    let mut targets = HashMap::new();
    for a in &module.aliases {
        let refuse = |construct: String| CraneliftError::Unsupported {
            construct,
            site: Site::global(&a.name),
        };
        if a.thread_local.is_some() {
            return Err(refuse(format!("the thread-local alias @{}", a.name)));
        }
        let mut aliasee = &a.aliasee;
        let mut steps = 0;
        let target = loop {
            let Constant::Global(name) = aliasee else {
                return Err(refuse(format!("the alias @{} of a constant expression", a.name)));
            };
            if let Some(next) = module.alias(name) {
                steps += 1;
                if steps > module.aliases.len() {
                    return Err(refuse(format!("the alias @{} (a cycle of aliases)", a.name)));
                }
                aliasee = &next.aliasee;
                continue;
            }
            let defined_function = module.function(name).is_some_and(|f| {
                !f.is_declaration() && f.props.linkage != Linkage::AvailableExternally
            });
            let defined_global = module.global(name).is_some_and(|g| {
                g.init.is_some() && g.props.linkage != Linkage::AvailableExternally
            });
            if !defined_function && !defined_global {
                return Err(refuse(format!(
                    "the alias @{} of @{name}, which this module does not define",
                    a.name
                )));
            }
            break name.clone();
        };
        targets.insert(a.name.clone(), target);
    }
    Ok(targets)
}

/// Adds a symbol for each alias of `module` at its target's (`targets`) address.
pub(crate) fn write(
    product: &mut ObjectProduct,
    module: &Module,
    targets: &HashMap<String, String>,
    funcs: &HashMap<String, FuncId>,
    data: &HashMap<String, DataId>,
) -> Result<(), String> {
    for a in &module.aliases {
        let target = targets.get(&a.name).ok_or_else(|| format!("the alias @{}", a.name))?;
        let symbol = match (funcs.get(target), data.get(target)) {
            (Some(&f), _) => product.functions[f].map(|s| s.0),
            (None, Some(&d)) => product.data_objects[d].map(|s| s.0),
            (None, None) => None,
        }
        .ok_or_else(|| format!("no symbol for @{target}, aliased as @{}", a.name))?;
        let at = product.object.symbol(symbol);
        if !matches!(at.section, SymbolSection::Section(_)) {
            return Err(format!("@{target}, aliased as @{}, is not defined here", a.name));
        }
        let (section, value, size, kind) = (at.section, at.value, at.size, at.kind);
        let local = matches!(a.props.linkage, Linkage::Internal | Linkage::Private);
        let weak = matches!(
            a.props.linkage,
            Linkage::Weak | Linkage::WeakOdr | Linkage::LinkOnce | Linkage::LinkOnceOdr
        );
        let scope = if local {
            SymbolScope::Compilation
        } else if a.props.visibility == Visibility::Hidden {
            SymbolScope::Linkage
        } else {
            SymbolScope::Dynamic
        };
        product.object.add_symbol(Symbol {
            name: a.name.as_bytes().to_vec(),
            value,
            size,
            kind,
            scope,
            weak,
            section,
            flags: SymbolFlags::None,
        });
    }
    Ok(())
}
