//! From an input file to a checked canonical module: LLVM's parser and verifier, the import,
//! opm's verifier; and the input as LLVM reads it, which LLVM's passes start from.

use crate::error::Error;
use opm_ir::Module;
use std::path::{Path, PathBuf};

/// An input module, loaded and imported.
pub struct Input {
    /// The file it came from.
    pub path: PathBuf,
    /// Its canonical IR.
    pub module: Module,
}

impl Input {
    /// Reads a `.ll` or `.bc` file (LLVM's parser and verifier run first) and imports it.
    pub fn load(path: &Path) -> Result<Input, Error> {
        let module = opm_llvm::load_file(path)?;
        Ok(Input { path: path.to_path_buf(), module })
    }

    /// Runs the canonical IR verifier.
    pub fn verify(&self) -> Result<(), Error> {
        let violations = opm_verifier::verify_module(&self.module);
        if violations.is_empty() { Ok(()) } else { Err(Error::Invalid(violations)) }
    }

    /// Loads and verifies.
    pub fn load_verified(path: &Path) -> Result<Input, Error> {
        let input = Input::load(path)?;
        input.verify()?;
        Ok(input)
    }

    /// Checks that the module also builds back into a module LLVM accepts.
    pub fn check_export(&self) -> Result<(), Error> {
        let ctx = opm_llvm::inkwell::context::Context::create();
        opm_llvm::export_module(&ctx, &self.module)?;
        Ok(())
    }
}

/// The name a worker gives the module read from `path` (a path or a module's name): its file
/// name, not its path, so that where the input lies does not change what a candidate gives
/// (the name's length alone moves LLVM's objects in the worker, and GVNSink's result with
/// them; Cranelift's object names its file).
pub fn worker_module_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The input file as bitcode, for LLVM's passes: as LLVM reads it, metadata included, with
/// `optnone` and `noinline` removed from `optnone` functions when `strip` is set (as
/// [`handle_optnone`] does to the canonical IR).
pub fn input_bitcode(path: &Path, strip: bool) -> Result<Vec<u8>, Error> {
    use opm_llvm::inkwell::attributes::{Attribute, AttributeLoc};
    let ctx = opm_llvm::inkwell::context::Context::create();
    let module = opm_llvm::parse_file(&ctx, path)?;
    if strip {
        let optnone = Attribute::get_named_enum_kind_id("optnone");
        let noinline = Attribute::get_named_enum_kind_id("noinline");
        for f in module.get_functions() {
            if f.get_enum_attribute(AttributeLoc::Function, optnone).is_some() {
                f.remove_enum_attribute(AttributeLoc::Function, optnone);
                f.remove_enum_attribute(AttributeLoc::Function, noinline);
            }
        }
    }
    Ok(module.write_bitcode_to_memory().as_slice().to_vec())
}

/// Removes `optnone`/`noinline` when asked; otherwise returns a warning about them.
pub fn handle_optnone(module: &mut Module, strip: bool) -> Option<String> {
    let marked: Vec<usize> = module
        .functions
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.blocks.is_empty() && f.attrs.func_has("optnone"))
        .map(|(i, _)| i)
        .collect();
    if marked.is_empty() {
        return None;
    }
    let total = module.definitions().count();
    if strip {
        for &i in &marked {
            module.functions[i]
                .attrs
                .func
                .retain(|a| a.name() != "optnone" && a.name() != "noinline");
        }
        Some(format!(
            "removed `optnone` and `noinline` from {} of {total} functions (--strip-optnone)",
            marked.len()
        ))
    } else {
        Some(format!(
            "{} of {total} functions are `optnone` (clang -O0 output): passes leave them as they \
             are. Use --strip-optnone, or emit IR with `clang -O1 -Xclang -disable-llvm-passes`.",
            marked.len()
        ))
    }
}
