//! `@llvm.global_ctors` and `@llvm.global_dtors`: the functions the C runtime calls before
//! `main` and at exit (C's `__attribute__((constructor))`, C++'s static initialisers), and
//! the ELF sections LLVM's code generator writes their addresses to, so that a backend
//! writing the same entries gets the same calls in the same order.

use opm_ir::{Constant, Module};

/// The two arrays, which no backend defines as data: their entries become [`Structors`].
pub const ARRAYS: [&str; 2] = ["llvm.global_ctors", "llvm.global_dtors"];

/// The priority LLVM gives an entry without one (`constructor` with no argument).
const DEFAULT_PRIORITY: u128 = 65535;

/// The functions whose addresses go, as pointers in this order, into `section`: written as
/// one array, since a compiler may reorder separate variables in a section (gcc -O2 does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Structors {
    pub section: String,
    pub functions: Vec<String>,
}

/// The entries of the module's constructor and destructor arrays, in the order LLVM's code
/// generator writes them (as its `emitXXStructorList` does for ELF with `.init_array`): per
/// array, up to the first entry whose function is null, sorted by priority (ties keep their
/// order), each in `.init_array` (`.fini_array` for destructors), suffixed with its priority
/// in five digits unless that is the default, 65535. The C runtime runs `.init_array` in
/// order and `.fini_array` backwards, the linker sorting the suffixed sections by priority.
/// The third field of an entry (a global it goes with, for comdats) is not used: a program
/// here is one object, whose comdat groups are never discarded.
pub fn structors(module: &Module) -> Result<Vec<Structors>, String> {
    let mut out = Vec::new();
    for (name, base) in ARRAYS.iter().zip([".init_array", ".fini_array"]) {
        let Some(init) =
            module.globals.iter().find(|g| g.name == *name).and_then(|g| g.init.as_ref())
        else {
            continue;
        };
        let entries: &[Constant] = match init {
            Constant::Array { elems, .. } => elems,
            Constant::Zero(_) => &[],
            other => return Err(format!("@{name} initialised by `{}`", other.ty())),
        };
        let mut list = Vec::new();
        for entry in entries {
            let fields: &[Constant] = match entry {
                Constant::Struct { fields, .. } => fields,
                Constant::Zero(_) => break,
                _ => return Err(format!("an entry of @{name} that is not a structure")),
            };
            let priority = match fields.first() {
                Some(Constant::Int { value, .. }) => *value,
                Some(Constant::Zero(_)) => 0,
                _ => return Err(format!("an entry of @{name} without an integer priority")),
            };
            let function = match fields.get(1) {
                Some(Constant::Global(f)) => f.clone(),
                Some(Constant::Null | Constant::Zero(_)) => break,
                _ => return Err(format!("an entry of @{name} whose function is not a symbol")),
            };
            list.push((priority, function));
        }
        list.sort_by_key(|(priority, _)| *priority);
        for (priority, function) in list {
            let section = if priority == DEFAULT_PRIORITY {
                base.to_string()
            } else {
                format!("{base}.{priority:05}")
            };
            match out.last_mut() {
                Some(Structors { section: last, functions }) if *last == section => {
                    functions.push(function)
                }
                _ => out.push(Structors { section, functions: vec![function] }),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use opm_ir::{Global, Linkage, SymbolProps, Type};

    fn array(name: &str, entries: &[(i128, Option<&str>)]) -> Global {
        let entry_ty = Type::literal_struct(vec![Type::I32, Type::Ptr, Type::Ptr]);
        let elems = entries
            .iter()
            .map(|(priority, function)| Constant::Struct {
                ty: entry_ty.clone(),
                fields: vec![
                    Constant::int(32, *priority),
                    function.map_or(Constant::Null, |f| Constant::Global(f.into())),
                    Constant::Null,
                ],
            })
            .collect::<Vec<_>>();
        Global {
            name: name.into(),
            ty: Type::array(elems.len() as u64, entry_ty.clone()),
            init: Some(Constant::Array { elem: entry_ty, elems }),
            is_constant: false,
            props: SymbolProps { linkage: Linkage::Appending, ..SymbolProps::default() },
            thread_local: None,
            externally_initialized: false,
        }
    }

    #[test]
    fn entries_are_sorted_by_priority_and_placed_in_the_sections_llvm_writes() {
        let ctors = [(65535, Some("late")), (101, Some("early")), (65535, Some("later"))];
        let dtors = [(300, Some("bye")), (65535, None), (200, Some("after_null"))];
        let module = Module {
            globals: vec![array("llvm.global_ctors", &ctors), array("llvm.global_dtors", &dtors)],
            ..Module::default()
        };
        let got = structors(&module).expect("reads");
        let got: Vec<(&str, Vec<&str>)> = got
            .iter()
            .map(|s| (s.section.as_str(), s.functions.iter().map(String::as_str).collect()))
            .collect();
        let want = [
            (".init_array.00101", vec!["early"]),
            (".init_array", vec!["late", "later"]),
            (".fini_array.00300", vec!["bye"]),
        ];
        assert_eq!(got, want);
    }
}
