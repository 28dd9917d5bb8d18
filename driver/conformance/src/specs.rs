//! The specs an adapter lists, read from its own listing (`Backend::listing`, what
//! `opm-driver passes --json` prints), and for each the pipeline that tries it.

use opm_backend::{Backend, BackendKind, Nest};
use opm_market::{Effect, PassSpec, SpecParameter};
use serde_json::Value;

/// One listed spec and the pipeline text that uses it once.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    pub spec: PassSpec,
    pub trial: String,
    /// The adapter's own rule against it, when it has one: a spec it lists but keeps out of
    /// searches, saying why (LLVM's passes known to crash LLVM 22 on some programs).
    pub rule: Option<String>,
}

/// Every spec `backend` lists, presets included, in its listing's order; a line the listing
/// has that is not JSON, or names nothing, is returned as an error naming the line.
pub fn listed(backend: &dyn Backend) -> Result<Vec<Listed>, String> {
    let kind = backend.kind();
    let mut out: Vec<Listed> = Vec::new();
    let mut requires: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (i, line) in backend.listing(true).lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("line {} of the listing is not JSON: {e}", i + 1))?;
        let listed = match kind {
            BackendKind::Llvm => llvm(&v),
            BackendKind::Cranelift => cranelift(&v),
            BackendKind::Gcc => gcc(&v),
        };
        out.push(
            listed.ok_or_else(|| format!("line {} of the listing names nothing: {line}", i + 1))?,
        );
        if kind == BackendKind::Cranelift {
            requires.insert(text(&v, "name").unwrap_or_default(), strings(&v, "requires"));
        }
    }
    // A Cranelift setting is tried with the settings it requires, transitively, on.
    for l in out.iter_mut().filter(|l| !l.spec.preset && kind == BackendKind::Cranelift) {
        let mut needed: Vec<String> = Vec::new();
        let mut todo = requires.get(&l.spec.name).cloned().unwrap_or_default();
        while let Some(r) = todo.pop() {
            if !needed.contains(&r) {
                todo.extend(requires.get(&r).cloned().unwrap_or_default());
                needed.push(r);
            }
        }
        needed.reverse();
        if !needed.is_empty() {
            let on: Vec<String> = needed.iter().map(|r| format!("{r}=true")).collect();
            l.trial = format!("{},{}", on.join(","), l.trial);
        }
    }
    Ok(out)
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn spec(adapter: BackendKind, name: String, nest: Nest, may_change: Vec<Effect>) -> PassSpec {
    PassSpec {
        adapter,
        name,
        nest,
        preset: false,
        parameters: Vec::new(),
        may_change,
        description: None,
    }
}

/// LLVM: `{"name","level","text","about"}` per pass, `{"preset","text"}` per preset.
fn llvm(v: &Value) -> Option<Listed> {
    let trial = text(v, "text")?;
    if let Some(preset) = text(v, "preset") {
        // `default<O2>` is a use of the pass `default` with the parameter `O2`.
        let mut s = spec(BackendKind::Llvm, "default".into(), Nest::Module, vec![Effect::Ir]);
        s.preset = true;
        s.parameters =
            vec![SpecParameter { name: "level".into(), values: vec![preset], description: None }];
        s.description = Some("one of LLVM's default pipelines (-O0 … -Oz)".into());
        return Some(Listed { spec: s, trial, rule: None });
    }
    let name = text(v, "name")?;
    let nest = match text(v, "level")?.as_str() {
        "module" => Nest::Module,
        "cgscc" => Nest::Cgscc,
        "function" => Nest::Function,
        "loop" => Nest::Loop,
        "loop-mssa" => Nest::LoopMssa,
        _ => return None,
    };
    // What leaves the module's meaning alone but changes which symbols it keeps.
    let effects = match name.as_str() {
        "internalize" | "globaldce" | "strip-dead-prototypes" | "constmerge" => {
            vec![Effect::Ir, Effect::Symbols]
        }
        _ => vec![Effect::Ir],
    };
    let mut s = spec(BackendKind::Llvm, name, nest, effects);
    s.description = text(v, "about");
    let searched = v.get("search").and_then(Value::as_bool).unwrap_or(true);
    let rule = (!searched)
        .then(|| format!("kept out of searches: {}", s.description.clone().unwrap_or_default()));
    Some(Listed { spec: s, trial, rule })
}

/// Cranelift: `{"name","kind","values","default","about"}` per setting (tried at its first
/// value other than the default, or the default), `{"preset","text"}` per preset.
fn cranelift(v: &Value) -> Option<Listed> {
    if let Some(preset) = text(v, "preset") {
        let trial = text(v, "text")?;
        let mut s = spec(BackendKind::Cranelift, preset, Nest::Setting, vec![Effect::Code]);
        s.preset = true;
        return Some(Listed { spec: s, trial, rule: None });
    }
    let name = text(v, "name")?;
    let values = strings(v, "values");
    let default = text(v, "default").unwrap_or_default();
    let value = values.iter().find(|x| **x != default).cloned().unwrap_or(default);
    let trial = format!("{name}={value}");
    let mut s = spec(BackendKind::Cranelift, name, Nest::Setting, vec![Effect::Code]);
    s.parameters = vec![SpecParameter { name: "value".into(), values, description: None }];
    s.description = text(v, "about");
    Some(Listed { spec: s, trial, rule: None })
}

/// GCC: `{"name","kind","defaults"}` per flag or param, where a name may carry the form of
/// its value (`-falign-loops=n[:m…]`, `-fira-algorithm=[CB|priority]`,
/// `--param=avg-loop-niter=<1,65536>`): tried with its `-O2` default, else the first value
/// of its list, else the least of its range; `{"preset","text"}` per preset.
fn gcc(v: &Value) -> Option<Listed> {
    if let Some(preset) = text(v, "preset") {
        let trial = text(v, "text").unwrap_or_else(|| format!("-{preset}"));
        let mut s = spec(BackendKind::Gcc, trial.clone(), Nest::Flag, vec![Effect::Code]);
        s.preset = true;
        return Some(Listed { spec: s, trial, rule: None });
    }
    let name = text(v, "name")?;
    let o2 =
        v.get("defaults").and_then(|d| d.get("O2")).and_then(Value::as_str).map(str::to_string);
    let (base, form) = match name.split_once('=') {
        Some((b, f)) if name.starts_with("--param=") => match f.split_once('=') {
            Some((p, range)) => (format!("{b}={p}"), Some(range.to_string())),
            None => (name.clone(), None),
        },
        Some((b, f)) => (b.to_string(), Some(f.to_string())),
        None => (name.clone(), None),
    };
    let trial = match &form {
        None => base.clone(),
        Some(form) => {
            let value = o2
                .filter(|d| !matches!(d.as_str(), "unset" | "on" | "off" | ""))
                .filter(|d| in_range(form, d))
                .or_else(|| first_of_list(form))
                .or_else(|| least_of_range(form))
                .unwrap_or_else(|| "1".into());
            format!("{base}={value}")
        }
    };
    let effects = if base.contains("fast-math")
        || base.contains("unsafe-math")
        || base.contains("associative-math")
        || base.contains("finite-math")
    {
        vec![Effect::Code, Effect::FloatingPoint]
    } else {
        vec![Effect::Code]
    };
    let mut s = spec(BackendKind::Gcc, base, Nest::Flag, effects);
    if let Some(form) = form {
        s.parameters = vec![SpecParameter {
            name: "value".into(),
            values: first_of_list(&form).map(|_| list_of(&form)).unwrap_or_default(),
            description: Some(form),
        }];
    }
    Some(Listed { spec: s, trial, rule: None })
}

fn list_of(form: &str) -> Vec<String> {
    form.trim_start_matches('[').trim_end_matches(']').split('|').map(str::to_string).collect()
}

fn first_of_list(form: &str) -> Option<String> {
    (form.starts_with('[') && form.ends_with(']'))
        .then(|| list_of(form))
        .and_then(|l| l.into_iter().next())
}

fn least_of_range(form: &str) -> Option<String> {
    let inner = form.strip_prefix('<')?.strip_suffix('>')?;
    Some(inner.split(',').next()?.to_string())
}

/// Whether `value` is within `form` when `form` is a range `<min,max>` (any value otherwise):
/// a param's `-O2` default may be a sentinel (`-1`: "decided by gcc") outside what it accepts.
fn in_range(form: &str, value: &str) -> bool {
    let Some(inner) = form.strip_prefix('<').and_then(|f| f.strip_suffix('>')) else { return true };
    let bounds: Vec<i64> = inner.split(',').filter_map(|b| b.trim().parse().ok()).collect();
    match (value.parse::<i64>(), bounds.as_slice()) {
        (Ok(v), [lo, hi]) => *lo <= v && v <= *hi,
        _ => true,
    }
}

/// The specs as a registry holds them: one per key, the values of a parameter listed under
/// several lines (LLVM's `default<O0>` … `default<Oz>`) merged; Cranelift's presets, which
/// are combinations of its settings rather than settings, left out.
pub fn registry_specs(listed: &[Listed]) -> Vec<PassSpec> {
    let mut out: Vec<PassSpec> = Vec::new();
    for l in listed {
        if l.spec.preset && l.spec.adapter == BackendKind::Cranelift {
            continue;
        }
        match out.iter_mut().find(|s| s.key() == l.spec.key()) {
            Some(s) => {
                for p in &l.spec.parameters {
                    match s.parameters.iter_mut().find(|q| q.name == p.name) {
                        Some(q) => q.values.extend(p.values.iter().cloned()),
                        None => s.parameters.push(p.clone()),
                    }
                }
            }
            None => out.push(l.spec.clone()),
        }
    }
    out
}

pub use opm_market::store::spec_key;
