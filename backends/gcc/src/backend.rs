//! The GCC backend behind [`opm_backend::Backend`]: its pipelines are gcc's options, checked
//! against the flags and params the installed gcc prints.

use crate::flags::{self, Catalog, FlagKind, ParamKind};
use crate::{Gcc, GccError};
use opm_backend::{Backend, BackendKind, Compiler, Error, ErrorKind, PassSpec, Pipeline, Space};
use std::sync::Arc;
use std::time::Duration;

impl From<GccError> for Error {
    fn from(e: GccError) -> Error {
        let kind = match &e {
            GccError::Unsupported { .. } => ErrorKind::Unsupported,
            GccError::Flags(f) if f.is_input_error() => ErrorKind::Input,
            GccError::Flags(_) | GccError::NoCompiler(_) => ErrorKind::Environment,
            GccError::Timeout { .. } => ErrorKind::Timeout,
            GccError::Compile { .. } | GccError::Io(_) => ErrorKind::Internal,
        };
        Error::new(kind, e)
    }
}

/// The system's gcc, with the catalog of flags it takes.
#[derive(Clone, Debug)]
pub struct GccBackend {
    gcc: Gcc,
    catalog: &'static Catalog,
}

impl GccBackend {
    /// Finds gcc ([`Gcc::find`]) and reads its flags; fails, saying why, when there is no
    /// usable gcc (none installed, or `CC` naming another compiler).
    pub fn new() -> Result<GccBackend, GccError> {
        let gcc = Gcc::find()?;
        let catalog = crate::catalog(&gcc)?;
        Ok(GccBackend { gcc, catalog })
    }

    /// The gcc it runs.
    pub fn gcc(&self) -> &Gcc {
        &self.gcc
    }

    /// The flags and params a pipeline may set.
    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }
}

/// The pipeline of the GCC flags `p`, option for option.
pub fn from_flags(p: &flags::Pipeline) -> Pipeline {
    Pipeline::new(BackendKind::Gcc, p.args().iter().map(|a| PassSpec::flag(a)).collect())
}

/// The GCC pipeline a pipeline of flags stands for: options apply in order, a later one
/// replacing an earlier one for the same flag, param or -O level.
fn resolve(pipeline: &Pipeline, catalog: &Catalog) -> Result<flags::Pipeline, GccError> {
    let text: Vec<String> = pipeline.passes.iter().map(PassSpec::text).collect();
    Ok(flags::Pipeline::parse(&text.join(" "), catalog)?)
}

impl Backend for GccBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Gcc
    }

    fn tool_versions(&self) -> Vec<(String, String)> {
        vec![("gcc".into(), self.gcc.version())]
    }

    /// From the installed gcc's catalog: the -O levels, every flag on and off, every value of
    /// a flag that takes a few, and each param at half and at twice its -O2 default (within its
    /// range) or at each of its values; the levels as presets, and -O2, -O3 and -Os as
    /// baselines, ratios and code growth against -O2. A candidate that names no -O level is
    /// taken at -O2 (gcc's flags do nothing at -O0).
    fn space(&self) -> Space {
        let catalog = self.catalog;
        let canonical = Arc::new(move |p: Pipeline| {
            let mut passes = p.passes;
            if !passes.iter().any(|p| p.name.starts_with("-O")) {
                passes.insert(0, PassSpec::flag("-O2"));
            }
            let resolved = resolve(&Pipeline::new(BackendKind::Gcc, passes), catalog).ok()?;
            Some(from_flags(&resolved))
        });
        let mut space = Space::new(BackendKind::Gcc, canonical);
        let mut items: Vec<String> =
            catalog.levels().iter().filter(|l| **l != "0").map(|l| format!("-O{l}")).collect();
        for f in catalog.flags() {
            items.extend(flag_values(f));
        }
        for p in catalog.params() {
            items.extend(param_values(p));
        }
        space.elements = items.iter().map(|i| PassSpec::flag(i)).collect();
        let named: Vec<(String, Pipeline)> =
            catalog.presets().iter().map(|(name, p)| (name.clone(), from_flags(p))).collect();
        space.baselines = ["O2", "O3", "Os"]
            .iter()
            .filter_map(|name| named.iter().find(|(n, _)| n == name).cloned())
            .collect();
        space.presets = named.into_iter().map(|(_, p)| p).collect();
        space.ratio_base = "O2".into();
        space.growth_base = "O2".into();
        space
    }

    /// gcc's options (`-O2 -funroll-loops`, spaces or commas between them; empty: `-O0`),
    /// checked against the installed gcc's catalog, in canonical form.
    fn parse_pipeline(&self, text: &str) -> Result<Pipeline, Error> {
        let parsed = flags::Pipeline::parse(text, self.catalog).map_err(GccError::from)?;
        Ok(from_flags(&parsed))
    }

    /// Emits the module's C, once for every pipeline.
    fn prepare(&self, module: &opm_ir::Module) -> Result<Box<dyn Compiler>, Error> {
        let c = crate::emit::emit_module(module)?;
        Ok(Box::new(GccCompiler { gcc: self.gcc.clone(), catalog: self.catalog, c }))
    }

    fn listing(&self, json: bool) -> String {
        listing(&self.gcc, self.catalog, json)
    }
}

/// A module's C, compiled by gcc under each pipeline.
struct GccCompiler {
    gcc: Gcc,
    catalog: &'static Catalog,
    c: String,
}

impl Compiler for GccCompiler {
    /// Runs gcc on the C with the pipeline's options; gcc is killed after `limit`.
    fn compile(&mut self, pipeline: &Pipeline, limit: Duration) -> Result<Vec<u8>, Error> {
        let args = resolve(pipeline, self.catalog)?.args();
        Ok(crate::compile_c_to_object(&self.gcc, &self.c, &args, limit)?)
    }
}

/// The options of one GCC flag a search draws from: on and off, or each of a few values.
fn flag_values(f: &flags::FlagSpec) -> Vec<String> {
    let name = &f.name;
    match &f.kind {
        FlagKind::Bool => vec![format!("-f{name}"), format!("-fno-{name}")],
        FlagKind::Choice(values) => values.iter().map(|v| format!("-f{name}={v}")).collect(),
        FlagKind::Range { min, max } if max - min <= 8 => {
            (*min..=*max).map(|v| format!("-f{name}={v}")).collect()
        }
        FlagKind::Range { min, max } => vec![format!("-f{name}={min}"), format!("-f{name}={max}")],
        FlagKind::Alignment => {
            ["1", "16", "32", "64"].iter().map(|v| format!("-f{name}={v}")).collect()
        }
    }
}

/// The values of one GCC param a search draws from: half and twice its -O2 default, within
/// its range (its minimum when the default is not a number), or each of its values.
fn param_values(p: &flags::ParamSpec) -> Vec<String> {
    let name = &p.name;
    match &p.kind {
        ParamKind::Choice(values) => values.iter().map(|v| format!("--param={name}={v}")).collect(),
        ParamKind::Int { min, max } => {
            let default = p.default_at("2").and_then(|d| d.parse::<i64>().ok());
            let mut values: Vec<i64> = match default {
                Some(d) if d > 0 => vec![d / 2, d.saturating_mul(2)],
                _ => vec![*min, min.saturating_add(1)],
            };
            values.retain(|v| (*min..=*max).contains(v) && Some(*v) != default);
            values.dedup();
            values.iter().map(|v| format!("--param={name}={v}")).collect()
        }
    }
}

/// `opm-driver passes --backend gcc`: every flag and param a pipeline may set, with what it
/// takes and gcc's default at each -O level, then the presets.
fn listing(gcc: &Gcc, catalog: &Catalog, json: bool) -> String {
    let levels = catalog.levels();
    let mut rows: Vec<(&str, String, Vec<String>)> = Vec::new();
    for f in catalog.flags() {
        let defaults = levels.iter().map(|l| f.default_at(l).map(ToString::to_string));
        rows.push(("flag", f.spelling(), defaults.map(Option::unwrap_or_default).collect()));
    }
    for p in catalog.params() {
        let defaults = levels.iter().map(|l| p.default_at(l).unwrap_or_default().to_string());
        rows.push(("param", p.spelling(), defaults.collect()));
    }
    let mut out = String::new();
    if json {
        for (kind, spelling, defaults) in &rows {
            let defaults: serde_json::Map<String, serde_json::Value> = levels
                .iter()
                .zip(defaults)
                .map(|(l, d)| (format!("O{l}"), serde_json::Value::from(d.as_str())))
                .collect();
            let v = serde_json::json!({ "kind": kind, "name": spelling, "defaults": defaults });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        for (name, p) in catalog.presets() {
            let v = serde_json::json!({ "preset": name, "text": p.text() });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        return out;
    }
    let head: Vec<String> = levels.iter().map(|l| format!("{:<8}", format!("O{l}"))).collect();
    out.push_str(&format!("{:<5}  {:<60}  {}\n", "kind", "flag", head.join(" ").trim_end()));
    for (kind, spelling, defaults) in &rows {
        let cells: Vec<String> = defaults.iter().map(|d| format!("{d:<8}")).collect();
        out.push_str(&format!("{kind:<5}  {spelling:<60}  {}\n", cells.join(" ").trim_end()));
    }
    out.push_str("\npresets:\n");
    for (name, p) in catalog.presets() {
        out.push_str(&format!("  {name:<4} {}\n", p.text()));
    }
    out.push_str(&format!(
        "\n{} flags, {} params; gcc {} ({}); always passed: {}\n",
        catalog.flags().len(),
        catalog.params().len(),
        gcc.version(),
        gcc.path().display(),
        crate::compiler::FIXED_ARGS.join(" ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backend() -> GccBackend {
        GccBackend::new().expect("the tests need gcc (apt-get install gcc)")
    }

    #[test]
    fn candidates_without_a_level_are_taken_at_o2() {
        let space = backend().space();
        let p = Pipeline::read(BackendKind::Gcc, "-funroll-loops -O3 -fno-unroll-loops").unwrap();
        assert_eq!(space.key(&p), "-O3 -fno-unroll-loops");
        let bare = Pipeline::read(BackendKind::Gcc, "-funroll-loops").unwrap();
        assert_eq!(space.key(&bare), "-O2 -funroll-loops");
        let names: Vec<&str> = space.baselines.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["O2", "O3", "Os"]);
        assert_eq!(space.baseline("O2").map(Pipeline::text).as_deref(), Some("-O2"));
        assert!(space.elements.iter().any(|e| e.name == "-fno-tree-vectorize"));
    }

    #[test]
    fn canonical_texts_read_back_the_same() {
        let b = backend();
        for text in ["-O2", "-Os -funroll-loops --param=max-unroll-times=4", "-O3,-fno-inline"] {
            let p = b.parse_pipeline(text).unwrap();
            assert_eq!(Pipeline::read(BackendKind::Gcc, &p.text()).unwrap(), p, "{text}");
            assert_eq!(b.space().canonical(p.clone()), Some(p));
        }
        let e = b.parse_pipeline("-O2 -ffast-math").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Input, "{e}");
    }
}
