//! The LLVM backend behind [`opm_backend::Backend`]: its pipelines are LLVM's pass pipelines,
//! its space the catalog's passes and the default pipelines.

use crate::catalog::{self, Level};
use crate::{Codegen, CodegenLevel, LlvmError};
use opm_backend::{
    Backend, BackendKind, Compiler, Coreset, Error, ErrorKind, Goal, Nest, PassSpec, Pipeline,
    Space,
};
use std::sync::Arc;
use std::time::Duration;

impl From<Level> for Nest {
    fn from(level: Level) -> Nest {
        match level {
            Level::Module => Nest::Module,
            Level::Cgscc => Nest::Cgscc,
            Level::Function => Nest::Function,
            Level::Loop => Nest::Loop,
            Level::LoopMssa => Nest::LoopMssa,
        }
    }
}

impl From<LlvmError> for Error {
    fn from(e: LlvmError) -> Error {
        let kind = match &e {
            LlvmError::Unsupported { .. } => ErrorKind::Unsupported,
            e if e.is_input_error() => ErrorKind::Input,
            _ => ErrorKind::Internal,
        };
        Error::new(kind, e)
    }
}

/// LLVM 22, with its new pass manager.
#[derive(Clone, Copy, Debug, Default)]
pub struct LlvmBackend;

/// The catalog entry for `info`, with the catalog's parameters.
pub fn pass_spec(info: &catalog::PassInfo) -> PassSpec {
    let params = (!info.params.is_empty()).then(|| info.params.to_string());
    PassSpec { name: info.name.to_string(), params, nest: info.level.into(), inner: None }
}

/// The pipeline of one default pipeline: `default<O2>`.
pub fn preset(level: &str) -> Pipeline {
    Pipeline::new(BackendKind::Llvm, vec![PassSpec::with_params("default", level, Nest::Module)])
}

/// Parses LLVM's pipeline syntax, bare names taking their nesting from the catalog (as LLVM's
/// pass builder wraps them). Only the syntax is checked: [`LlvmBackend::parse_pipeline`] also
/// asks LLVM whether it accepts every pass.
pub fn parse_pipeline_syntax(text: &str) -> Result<Pipeline, opm_backend::PipelineSyntaxError> {
    let nest_of = |name: &str| catalog::find(name).map(|p| Nest::from(p.level));
    Ok(Pipeline::new(BackendKind::Llvm, opm_backend::llvm_syntax::parse(text, &nest_of)?))
}

/// Sequences that often do well, tried by `auto` right after the presets. For instruction
/// count and size, LLVM's function simplification without the inliner and the loop unroller
/// beats Oz on most corpus programs (Oz inlines and unrolls); the search then refines them.
fn known_sequences(goal: Goal) -> Vec<Pipeline> {
    const CLEANUP: &str = "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,\
                           loop(loop-rotate),loop-mssa(licm),loop(indvars,loop-idiom,loop-deletion),\
                           gvn,instcombine<no-verify-fixpoint>,simplifycfg,dse,adce)";
    let texts: &[&str] = match goal {
        Goal::Small => &[
            CLEANUP,
            "function(function-simplification<Oz>)",
            "function(function-simplification<O2>),globaldce,function(function-simplification<O2>)",
            "scc-oz-module-inliner,globaldce",
            "default<Oz>,default<Oz>",
        ],
        Goal::Fast => &[
            "default<O3>,default<O3>",
            "default<O2>,default<O3>",
            "default<O3>,function(loop-mssa(licm),gvn,instcombine<no-verify-fixpoint>)",
        ],
        Goal::QuickBuild => &[
            "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg)",
            "function(mem2reg)",
            "function(sroa,simplifycfg)",
        ],
    };
    // Constant texts of this file, checked by a test: none fails to parse.
    texts.iter().filter_map(|t| parse_pipeline_syntax(t).ok()).collect()
}

/// The coreset for instruction count and size, learned offline by opm-bench's `coreset`
/// (the file's header gives the command).
const CORESET_SMALL: &str = include_str!("../data/coreset-small.tsv");

/// [`CORESET_SMALL`], read once; `None` if it does not read (a test makes sure it does).
fn coreset_small() -> Option<Arc<Coreset>> {
    static CORESET: std::sync::OnceLock<Option<Arc<Coreset>>> = std::sync::OnceLock::new();
    CORESET.get_or_init(|| read_coreset(CORESET_SMALL).ok().map(Arc::new)).clone()
}

fn read_coreset(text: &str) -> Result<Coreset, String> {
    Coreset::parse(Goal::Small, text, &|t| parse_pipeline_syntax(t).map_err(|e| e.to_string()))
}

/// Checks that LLVM's pass builder accepts every step of `pipeline` (on an empty module).
fn validate(pipeline: &Pipeline) -> Result<(), LlvmError> {
    let ctx = inkwell::context::Context::create();
    let module = ctx.create_module("check");
    // The host's triple: some passes (the sanitizers) end the process with a fatal error
    // when built for a module without one (found by the `pipeline_llvm` fuzz target).
    module.set_triple(&inkwell::targets::TargetMachine::get_default_triple());
    let codegen = Codegen::new("", CodegenLevel::Default)?;
    for step in pipeline.steps() {
        codegen.run_pipeline(&module, &step, false)?;
    }
    Ok(())
}

impl Backend for LlvmBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Llvm
    }

    fn tool_versions(&self) -> Vec<(String, String)> {
        vec![("llvm".into(), crate::llvm_version())]
    }

    /// The catalog's searchable passes and the presets as building blocks; O2, O3 and Oz as
    /// baselines, ratios against Oz, code growth against O2; candidates kept as proposed.
    fn space(&self) -> Space {
        let mut space = Space::new(BackendKind::Llvm, Arc::new(Some));
        space.elements = catalog::passes().iter().filter(|p| p.search).map(pass_spec).collect();
        for (name, _) in catalog::PRESETS {
            if *name != "O0" {
                space.elements.push(PassSpec::with_params("default", name, Nest::Module));
            }
        }
        space.presets = catalog::PRESETS.iter().map(|(name, _)| preset(name)).collect();
        space.baselines =
            ["O2", "O3", "Oz"].iter().map(|level| (level.to_string(), preset(level))).collect();
        space.ratio_base = "Oz".into();
        space.growth_base = "O2".into();
        space.known = [Goal::Small, Goal::Fast, Goal::QuickBuild]
            .into_iter()
            .map(|goal| (goal, known_sequences(goal)))
            .collect();
        space.coresets.extend(coreset_small());
        space
    }

    fn parse_pipeline(&self, text: &str) -> Result<Pipeline, Error> {
        let hint = |e: String| {
            let hint = match Pipeline::guess_backend(text) {
                BackendKind::Cranelift => " (Cranelift's settings need --backend cranelift)",
                BackendKind::Gcc => " (gcc's options need --backend gcc)",
                BackendKind::Llvm => "",
            };
            Error::new(ErrorKind::Input, format!("{e}{hint}"))
        };
        let pipeline = parse_pipeline_syntax(text).map_err(|e| hint(e.to_string()))?;
        validate(&pipeline).map_err(|e| hint(e.to_string()))?;
        Ok(pipeline)
    }

    fn prepare(&self, module: &opm_ir::Module) -> Result<Box<dyn Compiler>, Error> {
        elf_comdats(module)?;
        Ok(Box::new(LlvmCompiler { module: module.clone() }))
    }

    fn listing(&self, json: bool) -> String {
        listing(json)
    }
}

/// Refuses a comdat whose selection kind ELF object files cannot express (`largest`,
/// `exactmatch`, `samesize`: COFF's), which LLVM's code generator would abort on, on an ELF
/// target.
fn elf_comdats(module: &opm_ir::Module) -> Result<(), Error> {
    use opm_ir::module::ComdatSelection;
    let t = &module.target_triple;
    let elf =
        !["apple", "darwin", "windows", "msvc", "mingw", "cygwin"].iter().any(|o| t.contains(o));
    let bad = module
        .comdats()
        .into_iter()
        .find(|c| !matches!(c.selection, ComdatSelection::Any | ComdatSelection::NoDeduplicate));
    match bad {
        Some(c) if elf => Err(Error::new(
            ErrorKind::Unsupported,
            LlvmError::Unsupported {
                construct: format!(
                    "comdat `{}` with selection `{}` (ELF object files keep only `any` and \
                     `nodeduplicate` comdats)",
                    c.name,
                    c.selection.keyword()
                ),
                site: opm_backend::Site::global(&c.name),
            },
        )),
        _ => Ok(()),
    }
}

/// A module built anew in LLVM for every pipeline.
struct LlvmCompiler {
    module: opm_ir::Module,
}

impl Compiler for LlvmCompiler {
    /// Builds the module in LLVM, runs the pipeline (LLVM's verifier after it) and emits the
    /// object. LLVM runs in this process: `limit` does not apply.
    fn compile(&mut self, pipeline: &Pipeline, _limit: Duration) -> Result<Vec<u8>, Error> {
        let text = pipeline.text();
        let pipeline = (!pipeline.is_empty()).then_some(text.as_str());
        Ok(crate::compile_to_object(&self.module, pipeline, CodegenLevel::Default)?)
    }
}

/// `opm-driver passes`: the catalog, one pass per line (level, text, whether search uses it,
/// what it does), then the default pipelines.
fn listing(json: bool) -> String {
    let mut out = String::new();
    if json {
        for p in catalog::passes() {
            let v = serde_json::json!({
                "name": p.name,
                "level": p.level.name(),
                "text": p.level.wrap(&p.text()),
                "search": p.search,
                "about": p.about,
            });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        for (name, text) in catalog::PRESETS {
            let v = serde_json::json!({ "preset": name, "text": text });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        return out;
    }
    out.push_str(&format!("{:<10}  {:<44}  {:<6}  about\n", "level", "pass", "search"));
    for p in catalog::passes() {
        out.push_str(&format!(
            "{:<10}  {:<44}  {:<6}  {}\n",
            p.level.name(),
            p.text(),
            if p.search { "yes" } else { "no" },
            p.about
        ));
    }
    out.push_str("\ndefault pipelines:\n");
    for (name, text) in catalog::PRESETS {
        out.push_str(&format!("  {name:<3} {text}\n"));
    }
    out.push_str(&format!(
        "\n{} passes ({} used by search); LLVM {}\n",
        catalog::passes().len(),
        catalog::passes().iter().filter(|p| p.search).count(),
        crate::llvm_version()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `pipeline_llvm` fuzz target: checking `msan` on a module without a
    /// triple ended the process ("LLVM ERROR: unsupported operating system").
    #[test]
    fn sanitizer_passes_are_checked_without_ending_the_process() {
        for text in ["msan", "msan<track-origins=2>", "asan,tsan,hwasan,dfsan"] {
            assert!(LlvmBackend.parse_pipeline(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn known_sequences_parse() {
        let counts = [(Goal::Small, 5), (Goal::Fast, 3), (Goal::QuickBuild, 3)];
        for (goal, n) in counts {
            assert_eq!(known_sequences(goal).len(), n, "{goal:?}");
        }
    }

    /// The shipped coreset reads, names the canonical IR's features, and every one of its
    /// pipelines is accepted by LLVM.
    #[test]
    fn the_coreset_is_usable() {
        let c = read_coreset(CORESET_SMALL).unwrap();
        assert_eq!(c.feature_names, opm_ir::features::NAMES);
        assert!(c.sequences.len() >= 10 && c.programs.len() >= 20, "{c:?}");
        for s in &c.sequences {
            validate(s).unwrap();
        }
        assert_eq!(LlvmBackend.space().coreset(Goal::Small), Some(&c));
    }

    #[test]
    fn bare_names_take_their_nesting_from_the_catalog() {
        let p = parse_pipeline_syntax("globaldce,sroa,gvn").unwrap();
        assert_eq!(p.passes[0].nest, Nest::Module);
        assert_eq!(p.passes[1].nest, Nest::Function);
        assert_eq!(p.text(), "globaldce,function(sroa),function(gvn)");
        assert_eq!(parse_pipeline_syntax("sroa,gvn").unwrap().text(), "function(sroa,gvn)");
    }

    #[test]
    fn every_catalog_pass_reads_back_from_its_text_without_the_catalog() {
        for info in catalog::passes() {
            let ours = parse_pipeline_syntax(&info.pipeline()).unwrap();
            let read = Pipeline::read(BackendKind::Llvm, &ours.text()).unwrap();
            assert_eq!(read, ours, "{}", info.name);
        }
    }

    #[test]
    fn the_space_has_its_baselines() {
        let space = LlvmBackend.space();
        assert_eq!(space.baseline(&space.ratio_base), Some(&preset("Oz")));
        assert_eq!(space.baseline(&space.growth_base), Some(&preset("O2")));
        let p = parse_pipeline_syntax("function(sroa),function(gvn)").unwrap();
        assert_eq!(space.canonical(p.clone()), Some(p));
        assert!(space.elements.iter().all(|e| e.nest != Nest::Setting));
    }

    #[test]
    fn pipelines_are_checked_by_llvm() {
        let e = LlvmBackend.parse_pipeline("no-such-pass").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Input);
        assert!(e.to_string().contains("invalid pipeline `no-such-pass`"), "{e}");
        let e = LlvmBackend.parse_pipeline("opt_level=speed").unwrap_err();
        assert!(e.to_string().contains("--backend cranelift"), "{e}");
        assert!(LlvmBackend.parse_pipeline("default<O2>,function(gvn)").is_ok());
    }
}
