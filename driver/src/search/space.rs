//! What a search needs to know of one backend: the elements candidates are sequences of, the
//! named pipelines every search can start from, and the baselines measured first and
//! reported beside the winner. LLVM's elements are passes; Cranelift's are `(setting, value)`
//! pairs, so that the same strategies search both.

use super::{known_sequences, presets};
use crate::build::Backend;
use crate::model::Objective;
use crate::pipeline::{PassSpec, Pipeline};

/// One backend's pipeline space.
#[derive(Clone, Debug)]
pub struct Space {
    pub backend: Backend,
    /// What random and evolutionary techniques draw from.
    pub elements: Vec<PassSpec>,
    /// The named pipelines `presets` proposes (and `auto` first).
    pub presets: Vec<Pipeline>,
    /// Measured before anything else and shown in the final table, by name.
    pub baselines: Vec<(String, Pipeline)>,
    /// The baseline the table's ratios are taken against.
    pub ratio_base: &'static str,
    /// The baseline `--max-code-growth` compares with.
    pub growth_base: &'static str,
}

impl Space {
    /// The space of `backend`.
    pub fn of(backend: Backend) -> Space {
        match backend {
            Backend::Llvm => Space::llvm(),
            Backend::Cranelift => Space::cranelift(),
            Backend::Gcc => Space::gcc(),
        }
    }

    /// GCC: from the installed gcc's catalog, the -O levels, every flag on and off, every
    /// value of a flag that takes a few, and each param at half and at twice its -O2
    /// default (within its range) or at each of its values; the levels as presets, and -O2,
    /// -O3 and -Os as baselines, ratios and code growth against -O2. Without a usable gcc the
    /// space is empty (the search then fails on its baselines, naming the reason).
    pub fn gcc() -> Space {
        let catalog = opm_gcc::Gcc::find().ok().and_then(|gcc| opm_gcc::catalog(&gcc).ok());
        let Some(catalog) = catalog else {
            return Space {
                backend: Backend::Gcc,
                elements: Vec::new(),
                presets: Vec::new(),
                baselines: Vec::new(),
                ratio_base: "O2",
                growth_base: "O2",
            };
        };
        let mut items: Vec<String> =
            catalog.levels().iter().filter(|l| **l != "0").map(|l| format!("-O{l}")).collect();
        for f in catalog.flags() {
            items.extend(gcc_flag_values(f));
        }
        for p in catalog.params() {
            items.extend(gcc_param_values(p));
        }
        let named: Vec<(String, Pipeline)> = catalog
            .presets()
            .iter()
            .map(|(name, p)| (name.clone(), Pipeline::from_flags(p)))
            .collect();
        let baselines = ["O2", "O3", "Os"]
            .iter()
            .filter_map(|name| named.iter().find(|(n, _)| n == name).cloned())
            .collect();
        Space {
            backend: Backend::Gcc,
            elements: items.iter().map(|i| PassSpec::flag(i)).collect(),
            presets: named.into_iter().map(|(_, p)| p).collect(),
            baselines,
            ratio_base: "O2",
            growth_base: "O2",
        }
    }

    /// LLVM: the catalog's searchable passes and the presets as building blocks; O2, O3 and
    /// Oz as baselines, ratios against Oz, code growth against O2.
    pub fn llvm() -> Space {
        Space {
            backend: Backend::Llvm,
            elements: super::llvm_space(),
            presets: presets(),
            baselines: ["O2", "O3", "Oz"]
                .iter()
                .map(|level| (level.to_string(), Pipeline::preset(level)))
                .collect(),
            ratio_base: "Oz",
            growth_base: "O2",
        }
    }

    /// Cranelift: every value of every setting this host offers
    /// (`opm_cranelift::settings::catalog()`), Cranelift's presets, and `none`, `speed` and
    /// `speed_native` (every host ISA flag on) as baselines; ratios and code growth against
    /// `speed`.
    pub fn cranelift() -> Space {
        use opm_cranelift::settings;
        let elements = settings::catalog()
            .iter()
            .flat_map(|spec| spec.values.iter().map(|value| PassSpec::setting(spec.name, value)))
            .collect();
        let named: Vec<(String, Pipeline)> = settings::presets()
            .iter()
            .map(|(name, p)| (name.clone(), Pipeline::from_settings(p)))
            .collect();
        let baselines = ["none", "speed", "speed_native"]
            .iter()
            .map(|name| {
                named.iter().find(|(n, _)| n == name).cloned().expect("Cranelift has this preset")
            })
            .collect();
        Space {
            backend: Backend::Cranelift,
            elements,
            presets: named.into_iter().map(|(_, p)| p).collect(),
            baselines,
            ratio_base: "speed",
            growth_base: "speed",
        }
    }

    /// Sequences known to do well for `objective`, which `auto` tries after the presets
    /// (none for Cranelift, whose presets are its known points).
    pub fn known_sequences(&self, objective: Objective) -> Vec<Pipeline> {
        match self.backend {
            Backend::Llvm => known_sequences(objective),
            Backend::Cranelift | Backend::Gcc => Vec::new(),
        }
    }

    /// The baseline called `name`.
    pub fn baseline(&self, name: &str) -> Option<&Pipeline> {
        self.baselines.iter().find(|(n, _)| n == name).map(|(_, p)| p)
    }

    /// A proposed pipeline in the form it is recorded in: LLVM's as it is; Cranelift's
    /// settings resolved (overrides applied, ISA requirements added) into canonical order, so
    /// that a signal read back from its text is the same pipeline. `None` for a pipeline of
    /// settings that this host cannot build.
    pub fn canonical(&self, pipeline: Pipeline) -> Option<Pipeline> {
        match self.backend {
            Backend::Llvm => Some(pipeline),
            Backend::Cranelift => {
                pipeline.cranelift_settings().ok().map(|s| Pipeline::from_settings(&s))
            }
            Backend::Gcc => {
                // gcc's -f flags do nothing at -O0: a candidate without a level is taken at -O2.
                let mut passes = pipeline.passes;
                if !passes.iter().any(|p| p.name.starts_with("-O")) {
                    passes.insert(0, PassSpec::flag("-O2"));
                }
                Pipeline::new(passes).gcc_flags().ok().map(|f| Pipeline::from_flags(&f))
            }
        }
    }
}

/// The options of one GCC flag a search draws from: on and off, or each of a few values.
fn gcc_flag_values(f: &opm_gcc::flags::FlagSpec) -> Vec<String> {
    use opm_gcc::flags::FlagKind;
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
fn gcc_param_values(p: &opm_gcc::flags::ParamSpec) -> Vec<String> {
    use opm_gcc::flags::ParamKind;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::search::random_pipeline;

    #[test]
    fn any_sequence_of_cranelift_settings_is_a_valid_candidate() {
        let space = Space::cranelift();
        let values: usize =
            opm_cranelift::settings::catalog().iter().map(|spec| spec.values.len()).sum();
        assert_eq!(space.elements.len(), values);
        let mut rng = Rng::new(3);
        for _ in 0..300 {
            let p = random_pipeline(&space.elements, &mut rng, 1, 40);
            let c = space.canonical(p.clone()).unwrap_or_else(|| panic!("{p} is refused"));
            assert_eq!(c.text(), p.text());
            assert_eq!(Pipeline::parse_settings(&c.text()).unwrap(), c);
        }
        let names: Vec<&str> = space.baselines.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["none", "speed", "speed_native"]);
        assert_eq!(space.baseline("speed").unwrap().text(), "opt_level=speed");
        assert!(space.known_sequences(Objective::Size).is_empty());
    }

    #[test]
    fn llvm_candidates_are_kept_as_proposed() {
        let space = Space::llvm();
        let p = Pipeline::parse("function(sroa),function(gvn)").unwrap();
        assert_eq!(space.canonical(p.clone()), Some(p));
        assert_eq!(space.baseline(space.ratio_base), Some(&Pipeline::preset("Oz")));
        assert_eq!(space.baseline(space.growth_base), Some(&Pipeline::preset("O2")));
    }
}
