//! Pipelines: an ordered list of [`PassSpec`]s tagged with the backend they are for.
//!
//! - LLVM: passes, each knowing the pass manager it runs in ([`Nest::Module`] …
//!   [`Nest::LoopMssa`]); the canonical text is LLVM's pipeline syntax
//!   (`default<Oz>,function(sroa,loop-mssa(licm)),cgscc(inline)`, see [`crate::llvm_syntax`]).
//! - Cranelift: settings ([`Nest::Setting`], `name=value`), a later entry overriding an
//!   earlier one; the canonical text is Cranelift's (`opt_level=speed,has_sse3=true`).
//! - GCC: options as gcc spells them ([`Nest::Flag`]), a later one overriding an earlier one;
//!   the canonical text is gcc's command line (`-O2 -funroll-loops`).
//!
//! Search strategies build all three the same way. The backend puts a proposal in canonical
//! form ([`crate::Space::canonical`]); the text of a canonical pipeline is its identity in
//! signals files and lab databases, and [`Pipeline::read`] reads it back without the backend
//! (no catalog, no compiler).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The backends opm has.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum BackendKind {
    /// LLVM 22, through its IR builder, its new pass manager and its target machine.
    Llvm,
    /// Cranelift 0.135, through cranelift-frontend and cranelift-object.
    Cranelift,
    /// GCC, compiling the canonical IR emitted as C.
    Gcc,
}

impl BackendKind {
    /// Every backend, in the order tables list them.
    pub const ALL: [BackendKind; 3] = [BackendKind::Llvm, BackendKind::Cranelift, BackendKind::Gcc];

    /// The name used on the command line, in signals and in lab databases.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Llvm => "llvm",
            BackendKind::Cranelift => "cranelift",
            BackendKind::Gcc => "gcc",
        }
    }

    /// The backend called `name` ([`BackendKind::name`]).
    pub fn from_name(name: &str) -> Option<BackendKind> {
        BackendKind::ALL.into_iter().find(|b| b.name() == name)
    }

    /// Whether its pipelines transform the IR (LLVM's passes) rather than only choose how it
    /// is compiled (Cranelift's settings, GCC's flags): a candidate's identity is then its IR,
    /// and its instruction count can change.
    pub fn transforms_ir(self) -> bool {
        self == BackendKind::Llvm
    }

    /// What its pipelines are made of, for messages: "LLVM's passes", "Cranelift's settings",
    /// "GCC's flags".
    pub fn pipeline_noun(self) -> &'static str {
        match self {
            BackendKind::Llvm => "LLVM's passes",
            BackendKind::Cranelift => "Cranelift's settings",
            BackendKind::Gcc => "GCC's flags",
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for BackendKind {
    type Err = String;
    fn from_str(s: &str) -> Result<BackendKind, String> {
        BackendKind::from_name(s).ok_or_else(|| format!("unknown backend `{s}`"))
    }
}

/// The pass manager an LLVM pass runs in, or what a Cranelift or GCC entry is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Nest {
    /// A module pass, at the top level.
    Module,
    /// A pass over call-graph SCCs: `cgscc(…)`.
    Cgscc,
    /// A function pass: `function(…)`.
    Function,
    /// A loop pass: `function(loop(…))`.
    Loop,
    /// A loop pass that needs MemorySSA: `function(loop-mssa(…))`.
    LoopMssa,
    /// A Cranelift setting, `name=value` (the value in `params`).
    Setting,
    /// A GCC option as gcc spells it (`-O2`, `-fno-tree-vectorize`,
    /// `--param=max-unroll-times=4`, in `name`).
    Flag,
}

impl Nest {
    /// Whether passes of this nesting run inside a `function(…)` adaptor.
    pub fn is_function_family(self) -> bool {
        matches!(self, Nest::Function | Nest::Loop | Nest::LoopMssa)
    }
}

/// One pass with its parameters, at its nesting level; or one Cranelift setting; or one gcc
/// option.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PassSpec {
    /// The pass's name in LLVM's syntax (`gvn`, `default`, `loop-unroll`), the setting's
    /// name, or the gcc option.
    pub name: String,
    /// Its parameters, without the angle brackets (`O2`, `no-verify-fixpoint`); a setting's
    /// value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<String>,
    /// The pass manager it runs in.
    pub nest: Nest,
    /// For a composite pass kept opaque (`repeat<2>(…)`), the text between its parentheses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner: Option<String>,
}

impl PassSpec {
    /// A pass without parameters.
    pub fn new(name: &str, nest: Nest) -> PassSpec {
        PassSpec { name: name.to_string(), params: None, nest, inner: None }
    }

    /// A pass with parameters (`default<O2>`).
    pub fn with_params(name: &str, params: &str, nest: Nest) -> PassSpec {
        PassSpec { params: Some(params.to_string()), ..PassSpec::new(name, nest) }
    }

    /// The Cranelift setting `name=value`.
    pub fn setting(name: &str, value: &str) -> PassSpec {
        PassSpec::with_params(name, value, Nest::Setting)
    }

    /// The GCC option `text`, as gcc spells it.
    pub fn flag(text: &str) -> PassSpec {
        PassSpec::new(text, Nest::Flag)
    }

    /// The pass's own text, without adaptors: `instcombine<no-verify-fixpoint>`; a setting's
    /// is `name=value`, a GCC flag's the option itself.
    pub fn text(&self) -> String {
        match self.nest {
            Nest::Flag => self.name.clone(),
            Nest::Setting => format!("{}={}", self.name, self.params.as_deref().unwrap_or("true")),
            _ => {
                let mut s = self.name.clone();
                if let Some(p) = &self.params {
                    s.push('<');
                    s.push_str(p);
                    s.push('>');
                }
                if let Some(inner) = &self.inner {
                    s.push('(');
                    s.push_str(inner);
                    s.push(')');
                }
                s
            }
        }
    }
}

impl fmt::Display for PassSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// An ordered list of passes, settings or options for one backend.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pipeline {
    /// Whose pipeline this is.
    pub backend: BackendKind,
    pub passes: Vec<PassSpec>,
}

/// A pipeline text that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid pipeline `{text}` at byte {offset}: {message}")]
pub struct PipelineSyntaxError {
    pub text: String,
    pub offset: usize,
    pub message: String,
}

impl Pipeline {
    /// A pipeline of `backend` with the given passes.
    pub fn new(backend: BackendKind, passes: Vec<PassSpec>) -> Pipeline {
        Pipeline { backend, passes }
    }

    /// The empty pipeline of `backend`: the module compiled as it is, with the backend's
    /// defaults.
    pub fn empty(backend: BackendKind) -> Pipeline {
        Pipeline::new(backend, Vec::new())
    }

    /// Whether the pipeline has no passes.
    pub fn is_empty(&self) -> bool {
        self.passes.is_empty()
    }

    /// The text: LLVM's pipeline syntax, Cranelift's settings (`,` between entries) or gcc's
    /// command line (` ` between options). For a canonical pipeline this is its identity.
    pub fn text(&self) -> String {
        let texts = || self.passes.iter().map(PassSpec::text).collect::<Vec<_>>();
        match self.backend {
            BackendKind::Llvm => self.steps().join(","),
            BackendKind::Cranelift => texts().join(","),
            BackendKind::Gcc => texts().join(" "),
        }
    }

    /// The top-level passes of an LLVM pipeline's text, one per pass-manager adaptor: a
    /// candidate is applied one step at a time, with checks in between. Another backend's
    /// pipeline is one step.
    pub fn steps(&self) -> Vec<String> {
        match self.backend {
            BackendKind::Llvm => crate::llvm_syntax::steps(&self.passes),
            _ if self.passes.is_empty() => Vec::new(),
            _ => vec![self.text()],
        }
    }

    /// Reads the text of a canonical pipeline of `backend` back (from a signals file, a lab
    /// database, a worker request): LLVM's syntax with every bare name a module pass (what the
    /// canonical text of an LLVM pipeline always has), Cranelift's `name=value` entries (a
    /// bare name meaning `=true`), gcc's options (spaces or commas between them). Runs no
    /// compiler and checks nothing against a catalog: the backend does that
    /// ([`crate::Backend::parse_pipeline`]).
    pub fn read(backend: BackendKind, text: &str) -> Result<Pipeline, PipelineSyntaxError> {
        let passes = match backend {
            BackendKind::Llvm => crate::llvm_syntax::parse(text, &|_| None)?,
            BackendKind::Cranelift => read_settings(text)?,
            BackendKind::Gcc => text
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|s| !s.is_empty())
                .map(PassSpec::flag)
                .collect(),
        };
        Ok(Pipeline { backend, passes })
    }

    /// The backend whose syntax `text` is in, told from the text alone: gcc's options start
    /// with `-`; Cranelift's first entry is `name=value` (LLVM's pass names never contain `=`;
    /// parameters, which may, are inside `<…>`); anything else is LLVM's. An empty text is
    /// LLVM's (an empty pipeline of another backend cannot be told apart: keep the backend
    /// beside the text where that matters).
    pub fn guess_backend(text: &str) -> BackendKind {
        let first = text.split(',').next().unwrap_or_default();
        if text.trim_start().starts_with('-') {
            BackendKind::Gcc
        } else if first.contains('=') && !first.contains(['<', '(']) {
            BackendKind::Cranelift
        } else {
            BackendKind::Llvm
        }
    }
}

/// Cranelift's `name=value,name` entries, as they are written.
fn read_settings(text: &str) -> Result<Vec<PassSpec>, PipelineSyntaxError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for item in text.split(',') {
        let entry = item.trim();
        if entry.is_empty() {
            return Err(PipelineSyntaxError {
                text: text.to_string(),
                offset,
                message: "empty entry (a comma too many?)".into(),
            });
        }
        let (name, value) = entry.split_once('=').unwrap_or((entry, "true"));
        out.push(PassSpec::setting(name.trim(), value.trim()));
        offset += item.len() + 1;
    }
    Ok(out)
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// A pipeline is written as its text.
impl Serialize for Pipeline {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

/// A pipeline written alone is read back with the backend its text shows
/// ([`Pipeline::guess_backend`]); where the backend is stored beside it (a signal), the
/// reader uses that instead.
impl<'de> Deserialize<'de> for Pipeline {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Pipeline, D::Error> {
        let text = String::deserialize(d)?;
        Pipeline::read(Pipeline::guess_backend(&text), &text).map_err(serde::de::Error::custom)
    }
}

/// In JSON, a pipeline is its text in its backend's syntax.
impl schemars::JsonSchema for Pipeline {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Pipeline".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A pipeline in its backend's syntax: LLVM's pass pipeline \
                (`default<O2>`, `function(sroa),gvn`), Cranelift's settings \
                (`opt_level=speed,…`) or GCC's flags (`-O2 -fno-…`)."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_names_round_trip() {
        for b in BackendKind::ALL {
            assert_eq!(BackendKind::from_name(b.name()), Some(b));
            assert_eq!(serde_json::to_string(&b).unwrap(), format!("\"{}\"", b.name()));
        }
        assert_eq!(BackendKind::from_name("tcc"), None);
    }

    #[test]
    fn each_backend_has_its_own_text() {
        let settings = Pipeline::new(
            BackendKind::Cranelift,
            vec![PassSpec::setting("opt_level", "speed"), PassSpec::setting("has_sse3", "true")],
        );
        assert_eq!(settings.text(), "opt_level=speed,has_sse3=true");
        assert_eq!(settings.steps(), ["opt_level=speed,has_sse3=true"]);
        let flags = Pipeline::new(
            BackendKind::Gcc,
            vec![PassSpec::flag("-O2"), PassSpec::flag("--param=max-unroll-times=4")],
        );
        assert_eq!(flags.text(), "-O2 --param=max-unroll-times=4");
        assert!(Pipeline::empty(BackendKind::Gcc).steps().is_empty());
    }

    #[test]
    fn stored_texts_read_back_without_a_catalog() {
        for (backend, text) in [
            (BackendKind::Llvm, "default<Oz>,function(sroa,loop-mssa(licm)),cgscc(inline)"),
            (BackendKind::Llvm, ""),
            (BackendKind::Cranelift, "opt_level=speed,regalloc_algorithm=single_pass"),
            (BackendKind::Cranelift, ""),
            (BackendKind::Gcc, "-O2 -funroll-loops --param=max-unroll-times=4"),
        ] {
            let p = Pipeline::read(backend, text).unwrap();
            assert_eq!(p.backend, backend);
            assert_eq!(p.text(), text);
        }
        let bare = Pipeline::read(BackendKind::Cranelift, "has_sse3, opt_level=none").unwrap();
        assert_eq!(bare.text(), "has_sse3=true,opt_level=none");
        let commas = Pipeline::read(BackendKind::Gcc, "-O3,-fno-inline").unwrap();
        assert_eq!(commas.text(), "-O3 -fno-inline");
        let e = Pipeline::read(BackendKind::Cranelift, "opt_level=speed,,x=1").unwrap_err();
        assert_eq!(e.offset, 16);
    }

    #[test]
    fn serde_writes_the_text_and_reads_any_backends() {
        for (text, backend) in [
            ("default<O3>,function(gvn)", BackendKind::Llvm),
            ("function(simplifycfg<bonus-inst-threshold=1>)", BackendKind::Llvm),
            ("gvn", BackendKind::Llvm),
            ("opt_level=speed,enable_probestack=true", BackendKind::Cranelift),
            ("-Os -fno-tree-vectorize", BackendKind::Gcc),
        ] {
            let p = Pipeline::read(backend, text).unwrap();
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            let back: Pipeline = serde_json::from_str(&json).unwrap();
            assert_eq!(back, p, "{text}");
        }
    }
}
