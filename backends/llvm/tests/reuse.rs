//! A pass session tells which functions a step's function and loop passes changed, and a
//! module imported again from those alone (`import_module_reusing`) is the module a whole
//! import gives.

use opm_llvm::import::import_module_reusing;
use opm_llvm::inkwell::context::Context;
use opm_llvm::{Codegen, CodegenLevel, import_module, parse_bytes};
use std::borrow::Cow;

/// `folds` has an instruction instcombine removes; `fixed` and `caller` have nothing for it;
/// `dead` is internal and unused (globaldce removes it); `jumps` has a block whose address
/// `table` takes.
const MODULE: &str = r#"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

@table = global ptr blockaddress(@jumps, %there)

define i32 @folds(i32 %x) {
  %y = add i32 %x, 0
  %z = mul i32 %y, 3
  ret i32 %z
}

define i32 @fixed(i32 %x) {
  %z = mul i32 %x, 5
  ret i32 %z
}

define i32 @caller(i32 %x) {
  %a = call i32 @folds(i32 %x)
  %b = call i32 @fixed(i32 %a)
  ret i32 %b
}

define internal i32 @dead(i32 %x) {
  ret i32 %x
}

define i32 @jumps(i32 %x) {
entry:
  %y = add i32 %x, 0
  indirectbr ptr blockaddress(@jumps, %there), [label %there]
there:
  ret i32 %y
}
"#;

/// The module without `jumps` and its table.
fn plain() -> String {
    let cut = MODULE.find("@table").unwrap();
    let end = MODULE.find("define i32 @jumps").unwrap();
    let rest = &MODULE[cut..];
    let table_end = cut + rest.find('\n').unwrap() + 1;
    format!("{}{}", &MODULE[..cut], &MODULE[table_end..end])
}

/// Each function of `m` by name, as printed.
fn function_texts(m: &opm_ir::Module) -> Vec<(String, String)> {
    m.functions
        .iter()
        .map(|f| {
            let text = opm_ir::print::print_function(f, Default::default());
            (f.name.clone(), text)
        })
        .collect()
}

#[test]
fn a_step_of_function_passes_names_the_functions_it_changed_and_the_rest_is_reused() {
    let ctx = Context::create();
    let text = plain();
    let module = parse_bytes(&ctx, text.as_bytes(), "reuse.ll").unwrap();
    let codegen =
        Codegen::new(&module.get_triple().as_str().to_string_lossy(), CodegenLevel::Default)
            .unwrap();
    let before = import_module(&module).unwrap();
    let mut session = codegen.session(&module, true);

    // Nothing for these passes to do: nothing changed.
    assert!(!session.run("function(no-op-function)").unwrap());
    assert_eq!(session.changed_functions(), Some(vec![]));

    assert!(session.run("function(instcombine)").unwrap());
    assert_eq!(session.changed_functions(), Some(vec!["folds".to_string()]));
    let changed = ["folds".to_string()].into_iter().collect();
    let whole = import_module(&module).unwrap();
    let reused = import_module_reusing(&module, Cow::Borrowed(&before), &changed).unwrap();
    assert_eq!(function_texts(&reused), function_texts(&whole));
    assert_eq!(reused.structural_hash(), whole.structural_hash());
    // `folds` changed, the others are as they were.
    let was = function_texts(&before);
    let now = function_texts(&whole);
    let differ: Vec<&str> =
        was.iter().zip(&now).filter(|(a, b)| a != b).map(|(a, _)| a.0.as_str()).collect();
    assert_eq!(differ, ["folds"]);
    let owned = import_module_reusing(&module, Cow::Owned(before), &changed).unwrap();
    assert_eq!(owned.structural_hash(), whole.structural_hash());

    // A module pass that changed something: any part of the module may have changed.
    assert!(session.run("globaldce").unwrap());
    assert_eq!(session.changed_functions(), None);
    assert!(import_module(&module).unwrap().functions.iter().all(|f| f.name != "dead"));
}

#[test]
fn a_changed_function_whose_blocks_have_their_address_taken_is_not_named_alone() {
    let ctx = Context::create();
    let module = parse_bytes(&ctx, MODULE.as_bytes(), "reuse.ll").unwrap();
    let codegen = Codegen::new("", CodegenLevel::Default).unwrap();
    let mut session = codegen.session(&module, true);
    assert!(session.run("function(instcombine)").unwrap());
    // `jumps` changed too, and `table` numbers its blocks.
    assert_eq!(session.changed_functions(), None);
}

#[test]
fn a_changed_definition_missing_from_the_names_given_is_taken_as_it_was() {
    // What the reuse rests on: the definitions left out of `changed` are not read again.
    let ctx = Context::create();
    let text = plain();
    let module = parse_bytes(&ctx, text.as_bytes(), "reuse.ll").unwrap();
    let codegen = Codegen::new("", CodegenLevel::Default).unwrap();
    let before = import_module(&module).unwrap();
    assert!(codegen.run_pipeline(&module, "function(instcombine)", true).unwrap());
    let none = Default::default();
    let stale = import_module_reusing(&module, Cow::Borrowed(&before), &none).unwrap();
    assert_eq!(function_texts(&stale), function_texts(&before));
    assert_ne!(stale.structural_hash(), import_module(&module).unwrap().structural_hash());
}
