//! The architecture's rules, checked on `cargo metadata` and on the sources: every failure
//! names the edge or the line that breaks a rule, and the rule (AGENTS.md, "Architecture
//! invariants").
//!
//! - Each workspace crate depends only on the workspace crates its row of [`ALLOWED`] lists
//!   (dependencies point one way: cli → lab → engine → search; engine → backends → api → ir;
//!   verifier → ir). A new crate needs a row here and a line in AGENTS.md.
//! - Nothing depends on `opm-cli`; only binaries depend on `opm-buildinfo`.
//! - No library crate has clap among its dependencies, direct or not: only binaries parse
//!   command lines.
//! - The pure crates (`opm-ir`, `opm-verifier`, `opm-search`), the market (`opm-market`) and
//!   the registry's server and client (`opm-server`, `opm-client`) reach no compiler: no LLVM, Cranelift or gcc crate among what they run with,
//!   dev-dependencies included (a build script compiling a bundled C library is not that); and the pure crates' sources do no I/O (no files, processes,
//!   sockets, environment or standard streams).

use cargo_metadata::{DependencyKind, Metadata, MetadataCommand, Package};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each workspace crate and the workspace crates it may depend on: (crate, normal and build
/// dependencies, dev-dependencies on top of those).
const ALLOWED: &[(&str, &[&str], &[&str])] = &[
    ("opm-ir", &[], &[]),
    ("opm-verifier", &["opm-ir"], &[]),
    ("opm-backend", &["opm-ir"], &[]),
    ("opm-llvm", &["opm-backend", "opm-ir"], &[]),
    ("opm-cranelift", &["opm-backend", "opm-ir"], &[]),
    ("opm-gcc", &["opm-backend", "opm-ir"], &[]),
    ("opm-search", &["opm-backend"], &[]),
    (
        "opm-engine",
        &[
            "opm-search",
            "opm-backend",
            "opm-llvm",
            "opm-cranelift",
            "opm-gcc",
            "opm-verifier",
            "opm-ir",
        ],
        &[],
    ),
    ("opm-lab", &["opm-engine", "opm-search", "opm-backend"], &[]),
    // Collectors run a lab's queued searches: over the lab, whose database holds the queue.
    ("opm-collector", &["opm-lab", "opm-engine", "opm-search", "opm-backend"], &[]),
    ("opm-market", &["opm-search", "opm-backend"], &[]),
    // Replay is where the market reaches a compiler: over the engine, beside the market.
    ("opm-replay", &["opm-market", "opm-engine", "opm-search", "opm-backend"], &[]),
    // The conformance checks compile and run programs: over the lab's corpus and the engine.
    (
        "opm-conformance",
        &["opm-market", "opm-lab", "opm-engine", "opm-search", "opm-backend", "opm-ir"],
        &[],
    ),
    // The registry server's client: the market's types over HTTPS.
    ("opm-client", &["opm-market", "opm-search", "opm-backend"], &[]),
    // The registry server: the market's store over HTTPS; its tests speak through the client.
    ("opm-server", &["opm-market", "opm-search", "opm-backend"], &["opm-client"]),
    ("opm-buildinfo", &[], &[]),
    (
        "opm-cli",
        &[
            "opm-lab",
            "opm-collector",
            "opm-market",
            "opm-replay",
            "opm-conformance",
            "opm-client",
            "opm-engine",
            "opm-search",
            "opm-backend",
            "opm-ir",
            "opm-buildinfo",
        ],
        // The end-to-end tests of tests/ are this package's: they check the backends directly.
        &["opm-llvm", "opm-cranelift", "opm-gcc", "opm-verifier", "opm-server"],
    ),
    (
        "cargo-opm",
        &["opm-engine", "opm-search", "opm-backend", "opm-ir", "opm-lab", "opm-buildinfo"],
        &[],
    ),
    (
        "opm-bench",
        &[
            "opm-lab",
            "opm-collector",
            "opm-market",
            "opm-client",
            "opm-server",
            "opm-engine",
            "opm-search",
            "opm-backend",
            "opm-llvm",
            "opm-cranelift",
            "opm-gcc",
            "opm-verifier",
            "opm-ir",
        ],
        &[],
    ),
];

/// The crates that build binaries: they may parse command lines and record their build.
const BINARIES: &[&str] = &["opm-cli", "opm-bench", "cargo-opm", "opm-server"];

/// The crates that never do I/O nor reach a compiler.
const PURE: &[&str] = &["opm-ir", "opm-verifier", "opm-search"];

/// The crates that never reach a compiler: the pure ones, and the market's contracts, which
/// anyone can check without a compiler.
const NO_COMPILER: &[&str] =
    &["opm-ir", "opm-verifier", "opm-search", "opm-market", "opm-client", "opm-server"];

/// Crates that reach a compiler: LLVM's, Cranelift's, a C compiler's, or opm's backends.
const COMPILERS: &[&str] = &[
    "opm-llvm",
    "opm-cranelift",
    "opm-gcc",
    "inkwell",
    "llvm-sys",
    "cranelift-codegen",
    "cranelift-frontend",
    "cranelift-module",
    "cranelift-object",
    "cc",
];

/// What the sources of a pure crate may not contain, and why.
const IO: &[(&str, &str)] = &[
    ("std::fs", "files"),
    ("std::process", "processes"),
    ("std::net", "sockets"),
    ("std::env", "the environment"),
    ("File::", "files"),
    ("Command::", "processes"),
    ("stdin()", "standard input"),
    ("stdout()", "standard output"),
    ("stderr()", "standard error"),
    ("println!", "standard output"),
    ("print!(", "standard output"),
    ("eprintln!", "standard error"),
    ("eprint!(", "standard error"),
];

fn metadata() -> Metadata {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    // This host's platform (opm builds on Linux with glibc), so that only its packages count.
    let host = format!("{}-unknown-{}-gnu", std::env::consts::ARCH, std::env::consts::OS);
    MetadataCommand::new()
        .manifest_path(manifest)
        .other_options(vec!["--locked".into(), "--filter-platform".into(), host])
        .exec()
        .unwrap_or_else(|e| panic!("cargo metadata: {e}"))
}

fn workspace(m: &Metadata) -> Vec<&Package> {
    m.workspace_packages()
}

/// Every breach of the allowed edges, one line each.
fn edge_breaches(m: &Metadata) -> Vec<String> {
    let members: BTreeSet<String> = workspace(m).iter().map(|p| p.name.to_string()).collect();
    let mut out = Vec::new();
    for p in workspace(m) {
        let name = p.name.to_string();
        let Some((_, normal, dev)) = ALLOWED.iter().find(|(n, _, _)| *n == name) else {
            out.push(format!(
                "{name} is a workspace crate without a row in tests/architecture.rs: say what \
                 it may depend on there and in AGENTS.md"
            ));
            continue;
        };
        for d in &p.dependencies {
            if !members.contains(&d.name) {
                continue;
            }
            let allowed = normal.contains(&d.name.as_str())
                || (d.kind == DependencyKind::Development && dev.contains(&d.name.as_str()));
            if allowed {
                continue;
            }
            let why = if d.name == "opm-cli" {
                "nothing depends on the command line".to_string()
            } else if d.name == "opm-buildinfo" {
                "only binaries record their build".to_string()
            } else {
                format!("{name} may depend on {}", list(normal, dev))
            };
            out.push(format!("forbidden edge {name} → {} ({:?}): {why}", d.name, d.kind));
        }
    }
    out
}

fn list(normal: &[&str], dev: &[&str]) -> String {
    let mut all: Vec<String> = normal.iter().map(|s| s.to_string()).collect();
    all.extend(dev.iter().map(|d| format!("{d} (tests only)")));
    if all.is_empty() { "no workspace crate".into() } else { all.join(", ") }
}

/// The packages `root` reaches through its normal and build dependencies (and, with `dev`,
/// its own dev-dependencies), resolved for this platform: name → the chain that reaches it.
fn closure(m: &Metadata, root: &Package, dev: bool, build: bool) -> BTreeMap<String, Vec<String>> {
    let Some(resolve) = &m.resolve else { panic!("cargo metadata gave no resolve graph") };
    let nodes: BTreeMap<_, _> = resolve.nodes.iter().map(|n| (&n.id, n)).collect();
    let name_of = |id: &cargo_metadata::PackageId| {
        m.packages.iter().find(|p| &p.id == id).map_or("?".to_string(), |p| p.name.to_string())
    };
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut stack = vec![(root.id.clone(), vec![root.name.to_string()], true)];
    while let Some((id, path, is_root)) = stack.pop() {
        let Some(node) = nodes.get(&id) else { continue };
        for dep in &node.deps {
            let kinds: Vec<DependencyKind> = dep.dep_kinds.iter().map(|k| k.kind).collect();
            let follows = kinds.iter().any(|k| {
                *k == DependencyKind::Normal
                    || (build && *k == DependencyKind::Build)
                    || (dev && is_root && *k == DependencyKind::Development)
            });
            if !follows {
                continue;
            }
            let name = name_of(&dep.pkg);
            if seen.contains_key(&name) {
                continue;
            }
            let mut chain = path.clone();
            chain.push(name.clone());
            seen.insert(name, chain.clone());
            stack.push((dep.pkg.clone(), chain, false));
        }
    }
    seen
}

/// Library crates that reach clap.
fn clap_breaches(m: &Metadata) -> Vec<String> {
    let mut out = Vec::new();
    for p in workspace(m).into_iter().filter(|p| !BINARIES.contains(&p.name.as_str())) {
        if let Some(chain) = closure(m, p, false, true).get("clap") {
            out.push(format!(
                "library crate {} depends on clap ({}): only binaries parse command lines",
                p.name,
                chain.join(" → ")
            ));
        }
    }
    out
}

/// Crates of [`NO_COMPILER`] that reach a compiler, with the chain that does.
fn compiler_breaches(m: &Metadata) -> Vec<String> {
    let mut out = Vec::new();
    for p in workspace(m).into_iter().filter(|p| NO_COMPILER.contains(&p.name.as_str())) {
        // What runs with the crate: a build script that compiles a bundled C library (SQLite
        // through `cc`) does not make the crate reach a compiler when it runs.
        let reached = closure(m, p, true, false);
        for c in COMPILERS {
            if let Some(chain) = reached.get(*c) {
                out.push(format!(
                    "{} reaches a compiler ({}): ir, verifier, search and market never do",
                    p.name,
                    chain.join(" → ")
                ));
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// Lines of the pure crates' sources that do I/O (comments aside).
fn io_breaches(m: &Metadata) -> Vec<String> {
    let mut out = Vec::new();
    for p in workspace(m).into_iter().filter(|p| PURE.contains(&p.name.as_str())) {
        let Some(dir) = p.manifest_path.parent() else { continue };
        let mut files = Vec::new();
        rust_files(dir.join("src").as_std_path(), &mut files);
        assert!(!files.is_empty(), "no sources found for {}", p.name);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for (pattern, what) in IO {
                    if code.contains(pattern) {
                        out.push(format!(
                            "{}:{}: `{pattern}` ({what}) in {}, which does no I/O",
                            file.display(),
                            i + 1,
                            p.name
                        ));
                    }
                }
            }
        }
    }
    out
}

fn assert_none(breaches: Vec<String>) {
    assert!(breaches.is_empty(), "{} breach(es):\n{}", breaches.len(), breaches.join("\n"));
}

#[test]
fn dependencies_point_one_way() {
    let m = metadata();
    let names: Vec<String> = workspace(&m).iter().map(|p| p.name.to_string()).collect();
    for (crate_name, _, _) in ALLOWED {
        assert!(names.iter().any(|n| n == crate_name), "{crate_name} is not in the workspace");
    }
    assert_none(edge_breaches(&m));
}

#[test]
fn only_binaries_parse_command_lines() {
    assert_none(clap_breaches(&metadata()));
}

#[test]
fn the_pure_crates_reach_no_compiler_and_do_no_io() {
    let m = metadata();
    assert_none(compiler_breaches(&m));
    assert_none(io_breaches(&m));
}

#[test]
fn the_checks_catch_what_they_look_for() {
    // The rules applied to a made-up edge and a made-up line, so that a check that can never
    // fail is noticed.
    let m = metadata();
    let search = workspace(&m).into_iter().find(|p| p.name == "opm-search").unwrap();
    let engine = workspace(&m).into_iter().find(|p| p.name == "opm-engine").unwrap();
    assert!(closure(&m, search, true, true).contains_key("opm-backend"));
    assert!(closure(&m, engine, false, false).contains_key("inkwell"), "engine reaches LLVM");
    let (_, normal, dev) = ALLOWED.iter().find(|(n, _, _)| *n == "opm-search").unwrap();
    assert!(!normal.contains(&"opm-llvm") && !dev.contains(&"opm-llvm"));
    let line = "    let text = std::fs::read_to_string(path)?;";
    assert!(IO.iter().any(|(p, _)| line.contains(p)));
}
