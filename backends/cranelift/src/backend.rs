//! The Cranelift backend behind [`opm_backend::Backend`]: its pipelines are Cranelift's
//! settings, a later entry overriding an earlier one.

use crate::CraneliftError;
use crate::settings::{self, Kind, SettingSpec};
use opm_backend::{Backend, BackendKind, Compiler, Error, ErrorKind, PassSpec, Pipeline, Space};
use std::sync::Arc;
use std::time::Duration;

impl From<CraneliftError> for Error {
    fn from(e: CraneliftError) -> Error {
        let kind = match &e {
            CraneliftError::Unsupported { .. } => ErrorKind::Unsupported,
            CraneliftError::Pipeline { .. } => ErrorKind::Input,
            _ => ErrorKind::Internal,
        };
        Error::new(kind, e)
    }
}

/// Cranelift 0.135, for the host's ISA; with another code generator's machine code for
/// inline asm (see [`CraneliftBackend::with_machine_code`]), or refusing it.
#[derive(Clone, Default)]
pub struct CraneliftBackend {
    machine_code: Option<Arc<dyn opm_backend::MachineCode>>,
}

impl CraneliftBackend {
    /// The backend that builds an inline asm it cannot express as a function of its own, an
    /// outlined wrapper compiled by `machine_code` (see `crate::lower::calls`).
    pub fn with_machine_code(machine_code: Arc<dyn opm_backend::MachineCode>) -> Self {
        CraneliftBackend { machine_code: Some(machine_code) }
    }
}

/// The pipeline of the Cranelift settings `p`, entry for entry.
pub fn from_settings(p: &settings::Pipeline) -> Pipeline {
    let entries = p.entries().iter().map(|e| PassSpec::setting(e.name(), e.value)).collect();
    Pipeline::new(BackendKind::Cranelift, entries)
}

/// The Cranelift settings a pipeline of settings stands for. Entries apply in order, a later
/// one replacing an earlier value of the same setting; turning an ISA flag on also turns on the
/// flags it requires, and turning one off turns off the flags that require it, so that any
/// sequence of catalog entries is valid. An ISA flag that ends up off is left out: off is
/// Cranelift's x86-64 baseline, so the text names the features a candidate turns on. Fails only
/// on a name or value outside this host's catalog.
pub fn resolve(pipeline: &Pipeline) -> Result<settings::Pipeline, CraneliftError> {
    let catalog = settings::catalog();
    let mut values: Vec<Option<&str>> = vec![None; catalog.len()];
    let mut unknown = Vec::new();
    for pass in &pipeline.passes {
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

impl Backend for CraneliftBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Cranelift
    }

    fn tool_versions(&self) -> Vec<(String, String)> {
        vec![("cranelift".into(), crate::CRANELIFT_VERSION.into())]
    }

    /// Every value of every setting this host offers ([`settings::catalog`]), Cranelift's
    /// presets, and `none`, `speed` and `speed_native` (every host ISA flag on) as baselines;
    /// ratios and code growth against `speed`. No known sequences: the presets are its known
    /// points.
    fn space(&self) -> Space {
        let canonical = Arc::new(|p: Pipeline| resolve(&p).ok().map(|s| from_settings(&s)));
        let mut space = Space::new(BackendKind::Cranelift, canonical);
        space.elements = settings::catalog()
            .iter()
            .flat_map(|spec| spec.values.iter().map(|value| PassSpec::setting(spec.name, value)))
            .collect();
        let named: Vec<(String, Pipeline)> =
            settings::presets().iter().map(|(name, p)| (name.clone(), from_settings(p))).collect();
        space.baselines = ["none", "speed", "speed_native"]
            .iter()
            .filter_map(|name| named.iter().find(|(n, _)| n == name).cloned())
            .collect();
        space.presets = named.into_iter().map(|(_, p)| p).collect();
        space.ratio_base = "speed".into();
        space.growth_base = "speed".into();
        space
    }

    /// Cranelift's settings text (`opt_level=speed,has_sse3`; empty: Cranelift's defaults),
    /// checked against this host's catalog, in catalog order.
    fn parse_pipeline(&self, text: &str) -> Result<Pipeline, Error> {
        Ok(from_settings(&settings::Pipeline::parse(text)?))
    }

    fn prepare(&self, module: &opm_ir::Module) -> Result<Box<dyn Compiler>, Error> {
        let machine_code = self.machine_code.clone();
        Ok(Box::new(CraneliftCompiler { module: module.clone(), machine_code }))
    }

    fn listing(&self, json: bool) -> String {
        listing(json)
    }
}

/// A module lowered anew for every pipeline.
struct CraneliftCompiler {
    module: opm_ir::Module,
    machine_code: Option<Arc<dyn opm_backend::MachineCode>>,
}

impl Compiler for CraneliftCompiler {
    /// Lowers and compiles the module with the settings. Cranelift runs in this process:
    /// `limit` does not apply.
    fn compile(&mut self, pipeline: &Pipeline, _limit: Duration) -> Result<Vec<u8>, Error> {
        let text = pipeline.text();
        let machine_code = self.machine_code.as_deref();
        Ok(crate::compile_to_object_with(&self.module, Some(&text), machine_code)?)
    }
}

/// `opm-driver passes --backend cranelift`: the settings that change code, with their values,
/// then the presets and the settings this backend fixes.
fn listing(json: bool) -> String {
    let kind = |k: Kind| match k {
        Kind::Shared => "shared",
        Kind::Isa => "isa",
        Kind::Lowering => "lowering",
    };
    let mut out = String::new();
    if json {
        for s in settings::catalog() {
            let v = serde_json::json!({
                "name": s.name,
                "kind": kind(s.kind),
                "values": s.values,
                "default": s.default,
                "requires": s.requires,
                "about": s.description,
            });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        for (name, p) in settings::presets() {
            let v = serde_json::json!({ "preset": name, "text": p.text() });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        return out;
    }
    out.push_str(&format!(
        "{:<8}  {:<28}  {:<36}  {:<10}  about\n",
        "kind", "setting", "values", "default"
    ));
    for s in settings::catalog() {
        let mut about = s.description.to_string();
        if !s.requires.is_empty() {
            about.push_str(&format!(" (needs {})", s.requires.join(", ")));
        }
        out.push_str(&format!(
            "{:<8}  {:<28}  {:<36}  {:<10}  {about}\n",
            kind(s.kind),
            s.name,
            s.values.join("|"),
            s.default,
        ));
    }
    out.push_str("\npresets:\n");
    for (name, p) in settings::presets() {
        out.push_str(&format!("  {name:<16} {}\n", p.text()));
    }
    out.push_str("\nalways set: ");
    let fixed: Vec<String> = settings::FIXED.iter().map(|(k, v)| format!("{k}={v}")).collect();
    out.push_str(&fixed.join(", "));
    out.push_str(&format!(
        "\n{} settings; Cranelift {}\n",
        settings::catalog().len(),
        crate::CRANELIFT_VERSION
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipeline of the given `name=value` entries, in this order.
    fn entries(list: &[&str]) -> Pipeline {
        let pass = |e: &&str| {
            let (name, value) = e.split_once('=').unwrap_or((e, "true"));
            PassSpec::setting(name, value)
        };
        Pipeline::new(BackendKind::Cranelift, list.iter().map(pass).collect())
    }

    fn canonical_text(p: &Pipeline) -> String {
        CraneliftBackend::default().space().key(p)
    }

    fn offered(name: &str) -> bool {
        settings::catalog().iter().any(|spec| spec.name == name)
    }

    #[test]
    fn settings_pipelines_resolve_to_cranelifts_canonical_text() {
        let p = entries(&["regalloc_algorithm=single_pass", "opt_level=none", "opt_level=speed"]);
        assert_eq!(canonical_text(&p), "opt_level=speed,regalloc_algorithm=single_pass");
        let parsed = CraneliftBackend::default().parse_pipeline(&canonical_text(&p)).unwrap();
        assert_eq!(parsed.text(), canonical_text(&p));
        assert_eq!(parsed.passes.len(), 2);
        let e =
            CraneliftBackend::default().parse_pipeline("opt_level=speed,frobnicate=1").unwrap_err();
        assert!(e.to_string().contains("frobnicate"), "{e}");
        assert_eq!(e.kind(), ErrorKind::Input);
        // A name outside the catalog has no canonical form.
        let odd = entries(&["frobnicate=1"]);
        assert_eq!(canonical_text(&odd), "frobnicate=1");
        assert!(resolve(&odd).is_err());
        assert_eq!(CraneliftBackend::default().space().canonical(odd), None);
    }

    #[test]
    fn isa_flags_keep_their_requirements_in_any_order() {
        if !offered("has_avx2") {
            return;
        }
        let text = canonical_text(&entries(&["has_avx2=true"]));
        for required in ["has_sse3=true", "has_sse42=true", "has_avx=true", "has_avx2=true"] {
            assert!(text.contains(required), "{text}");
        }
        // Turning a required flag off afterwards turns off what needs it; flags that are off
        // are not written.
        let off = entries(&["has_avx2=true", "has_sse41=false", "opt_level=speed"]);
        assert_eq!(canonical_text(&off), "opt_level=speed,has_sse3=true,has_ssse3=true");
        let none = CraneliftBackend::default().space().canonical(entries(&["has_avx=false"]));
        assert_eq!(none, Some(Pipeline::empty(BackendKind::Cranelift)));
    }

    #[test]
    fn any_sequence_of_settings_is_a_valid_candidate() {
        let space = CraneliftBackend::default().space();
        let values: usize = settings::catalog().iter().map(|spec| spec.values.len()).sum();
        assert_eq!(space.elements.len(), values);
        // A fixed pseudo-random walk over the elements (a linear congruential generator).
        let mut state: u64 = 3;
        let mut next = |n: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) as usize) % n
        };
        for _ in 0..300 {
            let len = 1 + next(40);
            let passes = (0..len).map(|_| space.elements[next(space.elements.len())].clone());
            let p = Pipeline::new(BackendKind::Cranelift, passes.collect());
            let c = space.canonical(p.clone()).unwrap_or_else(|| panic!("{p} is refused"));
            assert_eq!(c.text(), space.key(&p));
            assert_eq!(CraneliftBackend::default().parse_pipeline(&c.text()).unwrap(), c);
            assert_eq!(Pipeline::read(BackendKind::Cranelift, &c.text()).unwrap(), c);
        }
        let names: Vec<&str> = space.baselines.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["none", "speed", "speed_native"]);
        assert_eq!(space.baseline("speed").unwrap().text(), "opt_level=speed");
        assert!(space.known_sequences(opm_backend::Goal::Small).is_empty());
    }
}
