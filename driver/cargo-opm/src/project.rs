//! The cargo project a command works on: its manifest, its target directory, the binary to
//! tune, and cargo's arguments (what `cargo opm` handles itself, what goes to cargo as it is).

use crate::args::ProjectArgs;
use crate::error::Error;
use cargo_metadata::{Metadata, MetadataCommand, Package, Target, TargetKind};
use std::path::{Path, PathBuf};

/// Cargo options that `cargo opm` sets itself for every build: the user chooses them with
/// cargo opm's own options (before `--`).
const OURS: &[&str] = &[
    "--bin",
    "--bins",
    "--lib",
    "--example",
    "--examples",
    "--test",
    "--tests",
    "--bench",
    "--benches",
    "--all-targets",
    "-p",
    "--package",
    "--workspace",
    "--all",
    "--exclude",
    "--message-format",
];

/// Cargo options that take a value as the next word (`--features a,b`), so that the value is
/// never mistaken for an option of its own.
const WITH_VALUE: &[&str] = &[
    "--features",
    "-F",
    "--config",
    "-Z",
    "-j",
    "--jobs",
    "--color",
    "--lockfile-path",
    "--timings",
];

/// The arguments of a command, sorted: cargo's that `cargo opm` handles itself, cargo's that
/// pass through, and the program's.
#[derive(Clone, Debug, Default)]
pub struct CargoArgs {
    pub manifest_path: Option<PathBuf>,
    pub target_dir: Option<PathBuf>,
    pub profile: String,
    pub target: Option<String>,
    /// Everything else of CARGO-ARGS, given to every cargo command as it is.
    pub passthrough: Vec<String>,
    /// After the second `--`: the program's (or the test harnesses') arguments.
    pub run_args: Vec<String>,
}

/// The value of `--name value` or `--name=value` at `args[*i]`, advancing `i` past it.
fn take_value(args: &[String], i: &mut usize, name: &str) -> Result<Option<String>, Error> {
    let word = &args[*i];
    if word == name {
        *i += 1;
        return match args.get(*i) {
            Some(v) => Ok(Some(v.clone())),
            None => Err(Error::Usage(format!("`{name}` among CARGO-ARGS needs a value"))),
        };
    }
    Ok(word.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')).map(String::from))
}

impl CargoArgs {
    /// Sorts a command's arguments: its own options, then `[-- CARGO-ARGS [-- RUN-ARGS]]`.
    /// `--manifest-path`, `--target-dir`, `--profile`, `--target` and `--release` are taken
    /// wherever cargo takes them; the cargo options `cargo opm` sets itself (target and
    /// package selection, `--message-format`) are refused among CARGO-ARGS.
    pub fn parse(p: &ProjectArgs) -> Result<CargoArgs, Error> {
        let (cargo, run) = match p.rest.iter().position(|a| a == "--") {
            Some(i) => (&p.rest[..i], p.rest[i + 1..].to_vec()),
            None => (&p.rest[..], Vec::new()),
        };
        let mut out = CargoArgs {
            manifest_path: p.manifest_path.clone(),
            target_dir: p.target_dir.clone(),
            profile: p.profile.clone(),
            target: p.target.clone(),
            passthrough: Vec::new(),
            run_args: run,
        };
        let mut i = 0;
        while i < cargo.len() {
            let word = cargo[i].clone();
            let name = word.split('=').next().unwrap_or_default();
            if let Some(v) = take_value(cargo, &mut i, "--manifest-path")? {
                out.manifest_path = Some(v.into());
            } else if let Some(v) = take_value(cargo, &mut i, "--target-dir")? {
                out.target_dir = Some(v.into());
            } else if let Some(v) = take_value(cargo, &mut i, "--profile")? {
                out.profile = v;
            } else if let Some(v) = take_value(cargo, &mut i, "--target")? {
                out.target = Some(v);
            } else if word == "--release" || word == "-r" {
                out.profile = "release".into();
            } else if OURS.contains(&name) {
                return Err(Error::Usage(format!(
                    "`{name}` among CARGO-ARGS: cargo opm chooses the targets it builds; give \
                     `--bin NAME` (and, for `test`, `--package`/`--workspace`) before `--`"
                )));
            } else if WITH_VALUE.contains(&word.as_str()) {
                out.passthrough.push(word);
                if let Some(v) = cargo.get(i + 1) {
                    out.passthrough.push(v.clone());
                    i += 1;
                }
            } else {
                out.passthrough.push(word);
            }
            i += 1;
        }
        if out.profile == "dev" || out.profile == "test" || out.profile == "bench" {
            return Err(Error::Usage(format!(
                "--profile {}: cargo opm builds with an optimizing profile of your own or \
                 `release` (the default); `test` builds with `bench`",
                out.profile
            )));
        }
        Ok(out)
    }
}

/// The binary a command works on.
#[derive(Clone, Debug)]
pub struct Bin {
    pub name: String,
    pub package: String,
    /// The package's id, given to cargo's `-p` (unambiguous in any workspace).
    pub package_id: String,
    /// The package's directory (where cargo runs its tests).
    pub package_dir: PathBuf,
}

/// A cargo project, as `cargo metadata` describes it.
pub struct Project {
    pub metadata: Metadata,
    /// The manifest every cargo command is given.
    pub manifest: PathBuf,
    /// Cargo's target directory (or `--target-dir`); opm's files go under its `opm/`.
    pub target_dir: PathBuf,
    pub args: CargoArgs,
    /// The cargo to run: `$CARGO` (set when cargo runs a subcommand), or `cargo`.
    pub cargo: PathBuf,
}

/// The cargo this subcommand runs under.
pub fn cargo_exe() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// The nearest `Cargo.toml` from `dir` up.
fn find_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join("Cargo.toml")).find(|m| m.is_file())
}

/// The first `error:` line of cargo's standard error and its causes, on one line.
pub fn cargo_error_line(stderr: &str) -> String {
    let mut lines = stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.by_ref().find(|l| l.starts_with("error")) else {
        return stderr.trim().lines().next().unwrap_or("(no message)").to_string();
    };
    let causes: Vec<&str> = lines.filter(|l| *l != "Caused by:").take(3).collect();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    if causes.is_empty() { first.to_string() } else { format!("{first}: {}", causes.join(": ")) }
}

impl Project {
    /// Finds the project (`--manifest-path`, or the nearest Cargo.toml) and reads it.
    pub fn open(args: CargoArgs) -> Result<Project, Error> {
        let cwd = std::env::current_dir().map_err(|e| Error::io(".", e))?;
        let manifest = match &args.manifest_path {
            Some(m) if m.is_file() => cwd.join(m),
            Some(m) => {
                return Err(Error::Project(format!(
                    "not a cargo project: the manifest {} does not exist",
                    m.display()
                )));
            }
            None => find_manifest(&cwd).ok_or_else(|| {
                Error::Project(format!(
                    "not a cargo project: no Cargo.toml in {} or any parent directory (use \
                     --manifest-path)",
                    cwd.display()
                ))
            })?,
        };
        let cargo = cargo_exe();
        let metadata = MetadataCommand::new()
            .cargo_path(&cargo)
            .manifest_path(&manifest)
            .no_deps()
            .exec()
            .map_err(|e| match e {
                cargo_metadata::Error::CargoMetadata { stderr } => Error::Project(format!(
                    "cargo cannot read {}: {}",
                    manifest.display(),
                    cargo_error_line(&stderr)
                )),
                cargo_metadata::Error::Io(e) => {
                    Error::Tool(format!("cannot run {}: {e}", cargo.display()))
                }
                other => Error::Project(format!("cargo metadata: {other}")),
            })?;
        let target_dir = match &args.target_dir {
            Some(d) => cwd.join(d),
            None => metadata.target_directory.clone().into_std_path_buf(),
        };
        Ok(Project { metadata, manifest, target_dir, args, cargo })
    }

    /// Where opm keeps its builds and results.
    pub fn opm_dir(&self) -> PathBuf {
        self.target_dir.join("opm")
    }

    /// The packages `cargo build` would build here: the workspace's default members.
    fn default_packages(&self) -> Vec<&Package> {
        if self.metadata.workspace_default_members.is_available() {
            let d = self.metadata.workspace_default_packages();
            if !d.is_empty() {
                return d;
            }
        }
        self.metadata.workspace_packages()
    }

    /// The binary to work on: `--bin NAME` among the workspace's packages, or else the only
    /// binary (or the `default-run` one) of the default packages.
    pub fn bin(&self, name: Option<&str>) -> Result<Bin, Error> {
        let bins_of = |pkgs: Vec<&Package>| -> Vec<(Package, Target)> {
            pkgs.into_iter()
                .flat_map(|p| {
                    p.targets
                        .iter()
                        .filter(|t| t.kind.contains(&TargetKind::Bin))
                        .map(move |t| (p.clone(), t.clone()))
                })
                .collect()
        };
        let names = |bins: &[(Package, Target)]| {
            bins.iter().map(|(_, t)| t.name.clone()).collect::<Vec<_>>().join(", ")
        };
        let chosen = match name {
            Some(name) => {
                let all = bins_of(self.metadata.workspace_packages());
                let found: Vec<&(Package, Target)> =
                    all.iter().filter(|(_, t)| t.name == name).collect();
                match found.as_slice() {
                    [one] => (*one).clone(),
                    [] if all.is_empty() => {
                        return Err(Error::Project(format!(
                            "no binary target `{name}`: this project has no binary targets"
                        )));
                    }
                    [] => {
                        return Err(Error::Project(format!(
                            "no binary target `{name}`; the binaries are: {}",
                            names(&all)
                        )));
                    }
                    several => {
                        let pkgs: Vec<String> =
                            several.iter().map(|(p, _)| p.name.to_string()).collect();
                        return Err(Error::Project(format!(
                            "several packages have a binary `{name}` ({}); run cargo opm in \
                             the package's directory or give its --manifest-path",
                            pkgs.join(", ")
                        )));
                    }
                }
            }
            None => {
                let packages = self.default_packages();
                let default_run: Vec<String> =
                    packages.iter().filter_map(|p| p.default_run.clone()).collect();
                let bins = bins_of(packages);
                let preferred: Vec<(Package, Target)> = match default_run.as_slice() {
                    [run] => bins.iter().filter(|(_, t)| &t.name == run).cloned().collect(),
                    _ => Vec::new(),
                };
                match (preferred.as_slice(), bins.as_slice()) {
                    ([one], _) | (_, [one]) => one.clone(),
                    (_, []) => {
                        return Err(Error::Project(format!(
                            "no binary target in {}: cargo opm tunes a program (src/main.rs or \
                             a [[bin]] target)",
                            self.manifest.display()
                        )));
                    }
                    _ => {
                        return Err(Error::Project(format!(
                            "several binaries ({}): choose one with --bin NAME",
                            names(&bins)
                        )));
                    }
                }
            }
        };
        let (package, target) = chosen;
        let package_dir = package
            .manifest_path
            .parent()
            .map_or_else(|| self.metadata.workspace_root.clone(), |p| p.to_path_buf())
            .into_std_path_buf();
        Ok(Bin {
            name: target.name.clone(),
            package: package.name.to_string(),
            package_id: package.id.repr.clone(),
            package_dir,
        })
    }

    /// The workspace's packages that `spec` names (a name, `name@version`, or an id).
    pub fn packages_named(&self, spec: &str) -> Vec<&Package> {
        self.metadata
            .workspace_packages()
            .into_iter()
            .filter(|p| {
                p.name.as_str() == spec
                    || format!("{}@{}", p.name, p.version) == spec
                    || p.id.repr == spec
            })
            .collect()
    }

    /// Every package of the workspace.
    pub fn workspace_packages(&self) -> Vec<&Package> {
        self.metadata.workspace_packages()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_args(rest: &[&str]) -> ProjectArgs {
        ProjectArgs {
            bin: None,
            manifest_path: None,
            target_dir: None,
            profile: "release".into(),
            release: false,
            target: None,
            rest: rest.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn cargo_args_are_sorted_into_ours_cargos_and_the_programs() {
        let a = CargoArgs::parse(&project_args(&[
            "--features",
            "--fast",
            "--target-dir=/t",
            "--release",
            "--profile",
            "prod",
            "--locked",
            "--",
            "--x",
            "--",
            "y",
        ]));
        let Ok(a) = a else { panic!("{a:?}") };
        assert_eq!(a.passthrough, vec!["--features", "--fast", "--locked"]);
        assert_eq!(a.target_dir, Some(PathBuf::from("/t")));
        assert_eq!(a.profile, "prod");
        assert_eq!(a.run_args, vec!["--x", "--", "y"]);
        assert!(matches!(CargoArgs::parse(&project_args(&["--bin", "x"])), Err(Error::Usage(_))));
        assert!(matches!(CargoArgs::parse(&project_args(&["-p=x"])), Err(Error::Usage(_))));
        assert!(matches!(
            CargoArgs::parse(&project_args(&["--profile", "dev"])),
            Err(Error::Usage(_))
        ));
        assert!(matches!(CargoArgs::parse(&project_args(&["--target"])), Err(Error::Usage(_))));
    }

    #[test]
    fn cargo_errors_fit_on_one_line() {
        let stderr = "error: failed to parse manifest at `/x/Cargo.toml`\n\nCaused by:\n  \
                      missing field `name`\n";
        assert_eq!(
            cargo_error_line(stderr),
            "failed to parse manifest at `/x/Cargo.toml`: missing field `name`"
        );
    }
}
