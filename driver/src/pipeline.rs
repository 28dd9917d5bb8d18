//! Pass specifications and pipelines, with LLVM's textual pipeline syntax as their canonical
//! form: `default<Oz>,function(sroa,loop-mssa(licm)),cgscc(inline)`.
//!
//! A [`Pipeline`] is a flat, ordered list of [`PassSpec`]s, each knowing the pass manager it
//! runs in. Printing groups adjacent passes of the same nesting into one adaptor, which is
//! also what LLVM's pass builder does with bare pass names; parsing accepts every pipeline
//! LLVM accepts and keeps constructs it does not model (`repeat<2>(…)`, a function pass
//! manager inside `cgscc(…)`) as one opaque pass, printed back verbatim.
//!
//! A pipeline of Cranelift settings ([`Nest::Setting`]) is the other kind: a sequence of
//! `name=value` entries, a later entry overriding an earlier one, whose canonical text is
//! Cranelift's (`opt_level=speed,regalloc_algorithm=single_pass`, see
//! [`Pipeline::cranelift_settings`]). A pipeline of GCC flags ([`Nest::Flag`]) is the third:
//! gcc's own options, a later one overriding an earlier one, whose canonical text is gcc's
//! command line (`-O2 -funroll-loops --param=max-unroll-times=4`, see
//! [`Pipeline::gcc_flags`]). Search strategies build all three the same way.

use opm_cranelift::CraneliftError;
use opm_cranelift::settings::{self, Kind, SettingSpec};
use opm_gcc::GccError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The pass manager a pass runs in, or [`Nest::Setting`] for a Cranelift setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
    /// Not an LLVM pass: a Cranelift setting, `name=value` (the value in `params`). A
    /// pipeline of settings is Cranelift's.
    Setting,
    /// Not an LLVM pass: a GCC option as gcc spells it (`-O2`, `-fno-tree-vectorize`,
    /// `--param=max-unroll-times=4`, in `name`). A pipeline of flags is GCC's.
    Flag,
}

impl Nest {
    fn is_function_family(self) -> bool {
        matches!(self, Nest::Function | Nest::Loop | Nest::LoopMssa)
    }
}

impl From<opm_llvm::catalog::Level> for Nest {
    fn from(level: opm_llvm::catalog::Level) -> Nest {
        use opm_llvm::catalog::Level;
        match level {
            Level::Module => Nest::Module,
            Level::Cgscc => Nest::Cgscc,
            Level::Function => Nest::Function,
            Level::Loop => Nest::Loop,
            Level::LoopMssa => Nest::LoopMssa,
        }
    }
}

/// One pass with its parameters, at its nesting level.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PassSpec {
    /// The pass's name in LLVM's syntax (`gvn`, `default`, `loop-unroll`).
    pub name: String,
    /// Its parameters, without the angle brackets (`O2`, `no-verify-fixpoint`).
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

    /// The catalog entry for `info`, with the catalog's parameters.
    pub fn from_catalog(info: &opm_llvm::catalog::PassInfo) -> PassSpec {
        let params = (!info.params.is_empty()).then(|| info.params.to_string());
        PassSpec { name: info.name.to_string(), params, nest: info.level.into(), inner: None }
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
        if self.nest == Nest::Flag {
            return self.name.clone();
        }
        if self.nest == Nest::Setting {
            return format!("{}={}", self.name, self.params.as_deref().unwrap_or("true"));
        }
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

impl fmt::Display for PassSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// An ordered list of LLVM passes, or of Cranelift settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pipeline {
    pub passes: Vec<PassSpec>,
}

/// A pipeline text LLVM's syntax does not allow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid pipeline `{text}` at byte {offset}: {message}")]
pub struct PipelineSyntaxError {
    pub text: String,
    pub offset: usize,
    pub message: String,
}

impl Pipeline {
    /// A pipeline of the given passes.
    pub fn new(passes: Vec<PassSpec>) -> Pipeline {
        Pipeline { passes }
    }

    /// The pipeline of one preset: `default<O2>`.
    pub fn preset(level: &str) -> Pipeline {
        Pipeline::new(vec![PassSpec::with_params("default", level, Nest::Module)])
    }

    /// Whether the pipeline has no passes (the module is compiled as it is).
    pub fn is_empty(&self) -> bool {
        self.passes.is_empty()
    }

    /// Parses LLVM's textual pipeline syntax. Bare names at the top level take their
    /// nesting from the pass catalog (LLVM wraps them the same way); names the catalog does
    /// not know stay module passes, for LLVM to accept or reject.
    pub fn parse(text: &str) -> Result<Pipeline, PipelineSyntaxError> {
        let nodes = Parser { text, pos: 0 }.parse_all()?;
        let mut passes = Vec::new();
        flatten_top(&nodes, &mut passes);
        Ok(Pipeline { passes })
    }

    /// The canonical text: LLVM's syntax, Cranelift's for a pipeline of settings, gcc's
    /// command line for a pipeline of flags.
    pub fn text(&self) -> String {
        if self.is_flags() {
            return self.flags_text();
        }
        if self.is_settings() {
            return self.settings_text();
        }
        self.steps().join(",")
    }

    /// The top-level passes of the canonical text, one per pass-manager adaptor: a candidate
    /// is applied one step at a time, with checks in between (LLVM pipelines only).
    pub fn steps(&self) -> Vec<String> {
        let mut steps = Vec::new();
        let mut i = 0;
        while i < self.passes.len() {
            let nest = self.passes[i].nest;
            let run_end = |pred: &dyn Fn(Nest) -> bool| {
                let mut j = i;
                while j < self.passes.len() && pred(self.passes[j].nest) {
                    j += 1;
                }
                j
            };
            match nest {
                Nest::Module => {
                    steps.push(self.passes[i].text());
                    i += 1;
                }
                Nest::Cgscc => {
                    let j = run_end(&|n| n == Nest::Cgscc);
                    steps.push(format!("cgscc({})", join(&self.passes[i..j])));
                    i = j;
                }
                _ => {
                    let j = run_end(&Nest::is_function_family);
                    steps.push(format!("function({})", function_body(&self.passes[i..j])));
                    i = j;
                }
            }
        }
        steps
    }
}

fn join(passes: &[PassSpec]) -> String {
    passes.iter().map(PassSpec::text).collect::<Vec<_>>().join(",")
}

/// The inside of a `function(…)` adaptor: loop passes grouped into `loop(…)` / `loop-mssa(…)`.
fn function_body(passes: &[PassSpec]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < passes.len() {
        let nest = passes[i].nest;
        let mut j = i + 1;
        if nest != Nest::Function {
            while j < passes.len() && passes[j].nest == nest {
                j += 1;
            }
        }
        match nest {
            Nest::Loop => parts.push(format!("loop({})", join(&passes[i..j]))),
            Nest::LoopMssa => parts.push(format!("loop-mssa({})", join(&passes[i..j]))),
            _ => parts.push(passes[i].text()),
        }
        i = j;
    }
    parts.join(",")
}

// ---------------------------------------------------------------------------------------
// Pipelines of Cranelift settings.

impl Pipeline {
    /// Whether this is a pipeline of Cranelift settings rather than of LLVM passes.
    pub fn is_settings(&self) -> bool {
        self.passes.iter().any(|p| p.nest == Nest::Setting)
    }

    /// Parses Cranelift's settings text (`opt_level=speed,has_sse3`; empty: Cranelift's
    /// defaults) into a pipeline of settings in canonical form (see
    /// [`Pipeline::cranelift_settings`]). The error names the entry at fault.
    pub fn parse_settings(text: &str) -> Result<Pipeline, CraneliftError> {
        let parsed = Pipeline::from_settings(&settings::Pipeline::parse(text)?);
        Ok(Pipeline::from_settings(&parsed.cranelift_settings()?))
    }

    /// The pipeline of the Cranelift settings `p`, entry for entry.
    pub fn from_settings(p: &settings::Pipeline) -> Pipeline {
        Pipeline::new(p.entries().iter().map(|e| PassSpec::setting(e.name(), e.value)).collect())
    }

    /// The Cranelift settings a pipeline of settings stands for. Entries apply in order, a
    /// later one replacing an earlier value of the same setting; turning an ISA flag on also
    /// turns on the flags it requires, and turning one off turns off the flags that require
    /// it, so that any sequence of catalog entries is valid. An ISA flag that ends up off is
    /// left out: off is Cranelift's x86-64 baseline, so the text names the features a
    /// candidate turns on. Fails only on a name or value outside this host's catalog.
    pub fn cranelift_settings(&self) -> Result<settings::Pipeline, CraneliftError> {
        let catalog = settings::catalog();
        let mut values: Vec<Option<&str>> = vec![None; catalog.len()];
        let mut unknown = Vec::new();
        for pass in &self.passes {
            let value = pass.params.as_deref().unwrap_or("true");
            match catalog.iter().position(|spec| spec.name == pass.name) {
                Some(i) => assign(&catalog, &mut values, i, value),
                None => unknown.push(pass.text()),
            }
        }
        let mut entries: Vec<String> = catalog
            .iter()
            .zip(&values)
            .filter_map(|(spec, value)| match value {
                Some("false") if spec.kind == Kind::Isa => None,
                Some(v) => Some(format!("{}={v}", spec.name)),
                None => None,
            })
            .collect();
        // Left for the parser to reject, naming them.
        entries.extend(unknown);
        settings::Pipeline::parse(&entries.join(","))
    }

    /// Whether this is a pipeline of GCC flags.
    pub fn is_flags(&self) -> bool {
        self.passes.iter().any(|p| p.nest == Nest::Flag)
    }

    /// Parses gcc's options (`-O2 -funroll-loops`, spaces or commas between them) into a
    /// pipeline of flags in canonical form, checked against the installed gcc's catalog.
    pub fn parse_flags(text: &str) -> Result<Pipeline, GccError> {
        let gcc = opm_gcc::Gcc::find()?;
        let flags = opm_gcc::flags::Pipeline::parse(text, opm_gcc::catalog(&gcc)?)?;
        Ok(Pipeline::from_flags(&flags))
    }

    /// The pipeline of the GCC flags `p`, option for option.
    pub fn from_flags(p: &opm_gcc::flags::Pipeline) -> Pipeline {
        Pipeline::new(p.text().split_whitespace().map(PassSpec::flag).collect())
    }

    /// The GCC pipeline a pipeline of flags stands for: options apply in order, a later one
    /// replacing an earlier one for the same flag, param or -O level. Fails on an option
    /// outside the installed gcc's catalog.
    pub fn gcc_flags(&self) -> Result<opm_gcc::flags::Pipeline, GccError> {
        let gcc = opm_gcc::Gcc::find()?;
        let text: Vec<String> = self.passes.iter().map(PassSpec::text).collect();
        Ok(opm_gcc::flags::Pipeline::parse(&text.join(" "), opm_gcc::catalog(&gcc)?)?)
    }

    fn flags_text(&self) -> String {
        match self.gcc_flags() {
            Ok(p) => p.text(),
            Err(_) => self.passes.iter().map(PassSpec::text).collect::<Vec<_>>().join(" "),
        }
    }

    fn settings_text(&self) -> String {
        match self.cranelift_settings() {
            Ok(p) => p.text(),
            Err(_) => self.passes.iter().map(PassSpec::text).collect::<Vec<_>>().join(","),
        }
    }
}

/// Gives catalog setting `i` the value `value`, keeping ISA flags' requirements: a flag
/// turned on turns on what it requires, a flag turned off turns off what requires it.
fn assign<'a>(
    catalog: &[&'static SettingSpec],
    values: &mut [Option<&'a str>],
    i: usize,
    value: &'a str,
) {
    values[i] = Some(value);
    let spec = catalog[i];
    let on = match value {
        "true" => true,
        "false" => false,
        _ => return,
    };
    for (j, other) in catalog.iter().enumerate() {
        let cascade = if on {
            spec.requires.contains(&other.name) && values[j] != Some("true")
        } else {
            other.requires.contains(&spec.name) && values[j] == Some("true")
        };
        if cascade {
            assign(catalog, values, j, value);
        }
    }
}

/// Whether `text` is in Cranelift's settings syntax rather than LLVM's: its first entry is
/// `name=value`. LLVM's pass names never contain `=` (parameters, which may, are inside
/// `<…>`), and the canonical text of a pipeline of settings always spells out `=value`.
pub fn is_settings_text(text: &str) -> bool {
    let first = text.split(',').next().unwrap_or_default();
    first.contains('=') && !first.contains(['<', '('])
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl std::str::FromStr for Pipeline {
    type Err = PipelineSyntaxError;
    fn from_str(s: &str) -> Result<Pipeline, PipelineSyntaxError> {
        Pipeline::parse(s)
    }
}

impl Serialize for Pipeline {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

/// Whether `text` is gcc's options rather than LLVM's or Cranelift's syntax: it starts with
/// `-` (the canonical text of a pipeline of flags starts with its -O level).
pub fn is_flags_text(text: &str) -> bool {
    text.trim_start().starts_with('-')
}

/// Any backend's text: gcc's options when [`is_flags_text`], Cranelift's settings when
/// [`is_settings_text`], LLVM's syntax otherwise.
impl<'de> Deserialize<'de> for Pipeline {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Pipeline, D::Error> {
        let text = String::deserialize(d)?;
        if is_flags_text(&text) {
            Pipeline::parse_flags(&text).map_err(serde::de::Error::custom)
        } else if is_settings_text(&text) {
            Pipeline::parse_settings(&text).map_err(serde::de::Error::custom)
        } else {
            Pipeline::parse(&text).map_err(serde::de::Error::custom)
        }
    }
}

/// One element of the pipeline syntax: `name<params>(children)`.
#[derive(Debug)]
struct Node<'a> {
    name: &'a str,
    params: Option<&'a str>,
    /// The children and their raw text.
    children: Option<(Vec<Node<'a>>, &'a str)>,
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, message: &str) -> PipelineSyntaxError {
        PipelineSyntaxError {
            text: self.text.to_string(),
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn parse_all(mut self) -> Result<Vec<Node<'a>>, PipelineSyntaxError> {
        if self.text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let nodes = self.parse_list()?;
        if self.pos != self.text.len() {
            return Err(self.error("unbalanced `)`"));
        }
        Ok(nodes)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn parse_list(&mut self) -> Result<Vec<Node<'a>>, PipelineSyntaxError> {
        let mut nodes = vec![self.parse_node()?];
        loop {
            self.skip_space();
            if self.peek() != Some(b',') {
                return Ok(nodes);
            }
            self.pos += 1;
            nodes.push(self.parse_node()?);
        }
    }

    fn parse_node(&mut self) -> Result<Node<'a>, PipelineSyntaxError> {
        self.skip_space();
        let start = self.pos;
        while self.peek().is_some_and(|c| !b",()<> \t\n".contains(&c)) {
            self.pos += 1;
        }
        let name = &self.text[start..self.pos];
        if name.is_empty() {
            return Err(self.error("expected a pass name"));
        }
        let mut params = None;
        if self.peek() == Some(b'<') {
            let open = self.pos + 1;
            let mut depth = 0usize;
            loop {
                match self.peek() {
                    None => return Err(self.error("unclosed `<`")),
                    Some(b'<') => depth += 1,
                    Some(b'>') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                self.pos += 1;
            }
            params = Some(&self.text[open..self.pos]);
            self.pos += 1;
        }
        let mut children = None;
        if self.peek() == Some(b'(') {
            self.pos += 1;
            let inner_start = self.pos;
            self.skip_space();
            let list = if self.peek() == Some(b')') { Vec::new() } else { self.parse_list()? };
            self.skip_space();
            if self.peek() != Some(b')') {
                return Err(self.error("expected `)`"));
            }
            children = Some((list, &self.text[inner_start..self.pos]));
            self.pos += 1;
        }
        Ok(Node { name, params, children })
    }
}

fn opaque(node: &Node<'_>, nest: Nest) -> PassSpec {
    PassSpec {
        name: node.name.to_string(),
        params: node.params.map(str::to_string),
        nest,
        inner: node.children.as_ref().map(|(_, raw)| raw.trim().to_string()),
    }
}

fn leaf(node: &Node<'_>, nest: Nest) -> PassSpec {
    PassSpec {
        name: node.name.to_string(),
        params: node.params.map(str::to_string),
        nest,
        inner: None,
    }
}

/// The nesting of a bare pass name, from the catalog.
fn catalog_nest(name: &str) -> Nest {
    opm_llvm::catalog::find(name).map_or(Nest::Module, |p| p.level.into())
}

/// Flattens a top-level pipeline. Printing merges adjacent passes of one nesting into one
/// adaptor; where the text keeps them in separate adaptors, the later adaptor stays one
/// opaque module pass, so that the printed text means exactly what was parsed.
fn flatten_top(nodes: &[Node<'_>], out: &mut Vec<PassSpec>) {
    // LLVM reads a pipeline that starts with a bare function or cgscc pass name as a
    // function or cgscc pipeline.
    if let Some(first) = nodes.first()
        && first.children.is_none()
    {
        match catalog_nest(first.name) {
            n if n.is_function_family() => return flatten_function(nodes, out),
            Nest::Cgscc => return flatten_cgscc(nodes, out),
            _ => {}
        }
    }
    for node in nodes {
        let prev = out.last().map(|p| p.nest);
        let after_function = prev.is_some_and(Nest::is_function_family);
        match (&node.children, node.name, node.params) {
            (Some((children, _)), "module", None) => flatten_top(children, out),
            (Some((children, _)), "function", None) if !after_function => {
                flatten_function(children, out)
            }
            (Some((children, _)), "cgscc", None) if prev != Some(Nest::Cgscc) => {
                flatten_cgscc(children, out)
            }
            (Some(_), _, _) => out.push(opaque(node, Nest::Module)),
            (None, name, params) => {
                let nest = catalog_nest(name);
                let merges = (nest.is_function_family() && after_function)
                    || (nest == Nest::Cgscc && prev == Some(Nest::Cgscc));
                if merges {
                    // LLVM gives this pass its own adaptor.
                    let adaptor = if nest == Nest::Cgscc { "cgscc" } else { "function" };
                    let mut inner = leaf(node, nest).text();
                    if nest == Nest::Loop {
                        inner = format!("loop({inner})");
                    } else if nest == Nest::LoopMssa {
                        inner = format!("loop-mssa({inner})");
                    }
                    out.push(PassSpec {
                        name: adaptor.into(),
                        params: None,
                        nest: Nest::Module,
                        inner: Some(inner),
                    });
                } else {
                    out.push(PassSpec { params: params.map(str::to_string), ..leaf(node, nest) });
                }
            }
        }
    }
}

fn flatten_cgscc(nodes: &[Node<'_>], out: &mut Vec<PassSpec>) {
    for child in nodes {
        if child.children.is_some() {
            out.push(opaque(child, Nest::Cgscc));
        } else {
            out.push(leaf(child, Nest::Cgscc));
        }
    }
}

fn flatten_function(nodes: &[Node<'_>], out: &mut Vec<PassSpec>) {
    let start = out.len();
    for node in nodes {
        let prev = out[start..].last().map(|p| p.nest);
        match (&node.children, node.name, node.params) {
            (Some((children, _)), "loop" | "loop-mssa", None)
                if children.iter().all(|c| c.children.is_none()) =>
            {
                let nest = if node.name == "loop" { Nest::Loop } else { Nest::LoopMssa };
                if prev == Some(nest) {
                    // A second adaptor right after the first: keep it separate.
                    out.push(opaque(node, Nest::Function));
                } else {
                    out.extend(children.iter().map(|c| leaf(c, nest)));
                }
            }
            (Some(_), _, _) => out.push(opaque(node, Nest::Function)),
            (None, _, _) => out.push(leaf(node, Nest::Function)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(text: &str) -> String {
        Pipeline::parse(text).unwrap().text()
    }

    #[test]
    fn canonical_text_is_a_fixpoint() {
        for text in [
            "default<O2>",
            "default<Oz>,function(sroa,instcombine<no-verify-fixpoint>),cgscc(inline)",
            "function(loop-mssa(licm),loop(loop-rotate,loop-deletion),gvn)",
            "repeat<2>(function(sroa)),globaldce",
            "cgscc(devirt<4>(inline,function(sroa)))",
            "function(simplifycfg<bonus-inst-threshold=1;switch-to-lookup>)",
        ] {
            assert_eq!(roundtrip(text), text);
        }
    }

    #[test]
    fn adjacent_passes_share_one_adaptor_unless_the_text_separates_them() {
        let p = Pipeline::new(vec![
            PassSpec::new("sroa", Nest::Function),
            PassSpec::new("gvn", Nest::Function),
            PassSpec::new("globaldce", Nest::Module),
        ]);
        assert_eq!(p.text(), "function(sroa,gvn),globaldce");
        for (text, printed) in [
            ("function(sroa),function(gvn),globaldce", "function(sroa),function(gvn),globaldce"),
            ("module(function(loop(a),loop(b)))", "function(loop(a),loop(b))"),
            ("cgscc(inline),cgscc(function-attrs)", "cgscc(inline),cgscc(function-attrs)"),
            ("function(sroa),gvn", "function(sroa),function(gvn)"),
        ] {
            assert_eq!(roundtrip(text), printed);
            assert_eq!(roundtrip(printed), printed);
        }
        let p =
            Pipeline::parse("function(sroa),cgscc(inline),function(gvn,loop-mssa(licm))").unwrap();
        assert_eq!(p.steps(), ["function(sroa)", "cgscc(inline)", "function(gvn,loop-mssa(licm))"]);
    }

    #[test]
    fn bare_names_take_their_nesting_from_the_catalog() {
        let p = Pipeline::parse("globaldce,sroa,gvn").unwrap();
        assert_eq!(p.passes[0].nest, Nest::Module);
        assert_eq!(p.passes[1].nest, Nest::Function);
        assert_eq!(p.text(), "globaldce,function(sroa),function(gvn)");
        // A pipeline that starts with a function pass is a function pipeline.
        assert_eq!(roundtrip("sroa,gvn"), "function(sroa,gvn)");
    }

    #[test]
    fn syntax_errors_say_where() {
        let e = Pipeline::parse("function(sroa").unwrap_err();
        assert_eq!(e.offset, 13);
        assert!(Pipeline::parse("a,,b").is_err());
        assert!(Pipeline::parse("default<O2").is_err());
        assert!(Pipeline::parse("a)").is_err());
        assert!(Pipeline::parse("").unwrap().is_empty());
    }

    /// A pipeline of the given `name=value` entries, in this order.
    fn settings(entries: &[&str]) -> Pipeline {
        let pass = |e: &&str| {
            let (name, value) = e.split_once('=').unwrap();
            PassSpec::setting(name, value)
        };
        Pipeline::new(entries.iter().map(pass).collect())
    }

    fn offered(name: &str) -> bool {
        settings::catalog().iter().any(|spec| spec.name == name)
    }

    #[test]
    fn settings_pipelines_print_cranelifts_canonical_text() {
        let p = settings(&["regalloc_algorithm=single_pass", "opt_level=none", "opt_level=speed"]);
        assert!(p.is_settings());
        assert_eq!(p.text(), "opt_level=speed,regalloc_algorithm=single_pass");
        let parsed = Pipeline::parse_settings(&p.text()).unwrap();
        assert_eq!(parsed.text(), p.text());
        assert_eq!(parsed.passes.len(), 2);
        let e = Pipeline::parse_settings("opt_level=speed,frobnicate=1").unwrap_err();
        assert!(e.to_string().contains("frobnicate"), "{e}");
        // A name outside the catalog is printed as given, and refused when resolved.
        let odd = settings(&["frobnicate=1"]);
        assert_eq!(odd.text(), "frobnicate=1");
        assert!(odd.cranelift_settings().is_err());
    }

    #[test]
    fn isa_flags_keep_their_requirements_in_any_order() {
        if !offered("has_avx2") {
            return;
        }
        let on = settings(&["has_avx2=true"]);
        let text = on.text();
        for required in ["has_sse3=true", "has_sse42=true", "has_avx=true", "has_avx2=true"] {
            assert!(text.contains(required), "{text}");
        }
        // Turning a required flag off afterwards turns off what needs it; flags that are off
        // are not written.
        let off = settings(&["has_avx2=true", "has_sse41=false", "opt_level=speed"]);
        assert_eq!(off.text(), "opt_level=speed,has_sse3=true,has_ssse3=true");
        assert_eq!(Pipeline::parse_settings("has_avx=false").unwrap(), Pipeline::default());
    }

    #[test]
    fn serde_reads_either_backends_text() {
        let p = settings(&["opt_level=speed", "enable_probestack=true"]);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "\"opt_level=speed,enable_probestack=true\"");
        let back: Pipeline = serde_json::from_str(&json).unwrap();
        assert!(back.is_settings());
        assert_eq!(back.text(), p.text());
        assert!(is_settings_text("opt_level=speed"));
        for llvm in ["", "default<O2>", "function(simplifycfg<bonus-inst-threshold=1>)", "gvn"] {
            assert!(!is_settings_text(llvm), "{llvm}");
        }
    }

    #[test]
    fn serde_uses_the_text() {
        let p = Pipeline::parse("default<O3>,function(gvn)").unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "\"default<O3>,function(gvn)\"");
        assert_eq!(serde_json::from_str::<Pipeline>(&json).unwrap(), p);
    }
}
