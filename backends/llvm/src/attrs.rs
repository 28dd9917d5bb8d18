//! LLVM attribute kinds by name: the canonical IR keeps attributes by LLVM's name, LLVM's C API
//! works with numeric kind ids that are only known at run time.

use llvm_sys::core::LLVMGetEnumAttributeKindForName;
use opm_ir::attr::LLVM_ENUM_ATTRIBUTES;
use opm_ir::collections::HashMap;
use std::sync::OnceLock;

/// Name ↔ kind id of every enum attribute of LLVM 22.
pub struct AttrKinds {
    by_id: HashMap<u32, &'static str>,
    by_name: HashMap<&'static str, u32>,
}

impl AttrKinds {
    /// The table, computed once.
    pub fn get() -> &'static AttrKinds {
        static TABLE: OnceLock<AttrKinds> = OnceLock::new();
        TABLE.get_or_init(|| {
            let mut by_id = HashMap::default();
            let mut by_name = HashMap::default();
            for &name in LLVM_ENUM_ATTRIBUTES {
                // SAFETY: a pure lookup in LLVM's static attribute table.
                let id =
                    unsafe { LLVMGetEnumAttributeKindForName(name.as_ptr().cast(), name.len()) };
                if id != 0 {
                    by_id.insert(id, name);
                    by_name.insert(name, id);
                }
            }
            AttrKinds { by_id, by_name }
        })
    }

    /// The name of a kind id.
    pub fn name(&self, id: u32) -> Option<&'static str> {
        self.by_id.get(&id).copied()
    }

    /// The kind id of a name.
    pub fn id(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_attribute_is_known_to_llvm() {
        let kinds = AttrKinds::get();
        let missing: Vec<_> =
            LLVM_ENUM_ATTRIBUTES.iter().filter(|n| kinds.id(n).is_none()).collect();
        assert!(missing.is_empty(), "LLVM does not know {missing:?}");
        assert_eq!(kinds.name(kinds.id("noundef").unwrap()), Some("noundef"));
    }
}
