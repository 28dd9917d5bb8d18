//! The registry on real SQLite files: admission, publication, listing, showing, searching,
//! the graph, revocation, reopening, and the databases it refuses.

use opm_backend::{BackendKind, Nest};
use opm_market::registry::{
    DATABASE_VERSION, Kind, Listing, Query, Registry, RegistryError, Stored,
};
use opm_market::{
    Adapter, Edge, Effect, Node, PassSpec, Plan, ProblemRef, Relation, SpecParameter,
};
use opm_search::{MetricDelta, Objective};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn spec(adapter: BackendKind, name: &str, nest: Nest, description: &str) -> PassSpec {
    PassSpec {
        adapter,
        name: name.into(),
        nest,
        preset: false,
        parameters: Vec::new(),
        may_change: match adapter {
            BackendKind::Llvm => vec![Effect::Ir],
            _ => vec![Effect::Code],
        },
        description: Some(description.into()),
    }
}

fn llvm_specs() -> Vec<PassSpec> {
    vec![
        spec(BackendKind::Llvm, "gvn", Nest::Function, "Global value numbering"),
        spec(BackendKind::Llvm, "inline", Nest::Cgscc, "Inlines calls"),
        spec(BackendKind::Llvm, "licm", Nest::LoopMssa, "Hoists loop invariants"),
        PassSpec {
            preset: true,
            parameters: vec![SpecParameter {
                name: "level".into(),
                values: vec!["O1".into(), "O2".into(), "O3".into()],
                description: None,
            }],
            ..spec(BackendKind::Llvm, "default", Nest::Module, "A default pipeline")
        },
    ]
}

fn gcc_specs() -> Vec<PassSpec> {
    vec![
        spec(BackendKind::Gcc, "-funroll-loops", Nest::Flag, "Unrolls loops"),
        PassSpec { preset: true, ..spec(BackendKind::Gcc, "-O2", Nest::Flag, "Optimise more") },
    ]
}

fn adapter(name: &str, backend: BackendKind, tool: &str, version: &str) -> Adapter {
    Adapter {
        name: name.into(),
        backend,
        version: "0.1.0".into(),
        tools: [(tool.to_string(), version.to_string())].into(),
        target: "x86_64-pc-linux-gnu".into(),
    }
}

fn llvm() -> Adapter {
    adapter("llvm", BackendKind::Llvm, "llvm", "22.1.8")
}

fn gcc() -> Adapter {
    adapter("gcc", BackendKind::Gcc, "gcc", "14.2.0")
}

fn delta(metric: &str, before: f64, after: f64) -> MetricDelta {
    MetricDelta { metric: metric.into(), before: Some(before), after: Some(after) }
}

/// An LLVM plan that improved instcount and made `.text` bigger.
fn llvm_plan() -> Plan {
    Plan {
        id: "p-llvm".into(),
        backend: BackendKind::Llvm,
        pipeline: "function(gvn),cgscc(inline)".into(),
        kind_of_program: Some("loops/small".into()),
        improved: vec![delta("instcount", 333.0, 305.0), delta("text_bytes", 100.0, 120.0)],
    }
}

/// A GCC plan that improved the run time.
fn gcc_plan() -> Plan {
    Plan {
        id: "p-gcc".into(),
        backend: BackendKind::Gcc,
        pipeline: "-O2 -funroll-loops".into(),
        kind_of_program: None,
        improved: vec![delta("runtime_median_ns", 2.0e6, 1.5e6)],
    }
}

fn problem() -> ProblemRef {
    ProblemRef {
        id: "bc27d40561141be6".into(),
        module_digest: "5d41402abc4b2a765d41402abc4b2a76".into(),
        objective: Objective::Instcount,
    }
}

fn keys(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

fn db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("nested").join("registry.sqlite")
}

/// Two adapters, their specs, two plans (the LLVM one measured on a problem).
fn fixture(path: &Path) -> Registry {
    let mut r = Registry::open(path).unwrap();
    r.admit_adapter(&llvm(), &llvm_specs()).unwrap();
    r.admit_adapter(&gcc(), &gcc_specs()).unwrap();
    r.publish_plan(&llvm_plan(), &keys(&["llvm/gvn", "llvm/inline"]), Some(&problem())).unwrap();
    r.publish_plan(&gcc_plan(), &keys(&["gcc/-O2", "gcc/-funroll-loops"]), None).unwrap();
    r
}

fn ids(listings: &[Listing]) -> Vec<(Kind, &str)> {
    listings.iter().map(|l| (l.kind, l.id.as_str())).collect()
}

fn search(r: &Registry, query: Query) -> Vec<String> {
    r.search(&query).unwrap().into_iter().map(|l| l.id).collect()
}

fn edge(from: Node, relation: Relation, to: Node) -> Edge {
    Edge { from, to, relation }
}

/// Runs SQL on the registry's file behind its back.
fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn lists_everything_in_order_with_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let r = fixture(&db(&dir));
    let all = r.list(None).unwrap();
    assert_eq!(
        ids(&all),
        [
            (Kind::Adapter, "gcc"),
            (Kind::Adapter, "llvm"),
            (Kind::Spec, "gcc/-O2"),
            (Kind::Spec, "gcc/-funroll-loops"),
            (Kind::Spec, "llvm/default"),
            (Kind::Spec, "llvm/gvn"),
            (Kind::Spec, "llvm/inline"),
            (Kind::Spec, "llvm/licm"),
            (Kind::Plan, "p-gcc"),
            (Kind::Plan, "p-llvm"),
            (Kind::Problem, "bc27d40561141be6"),
        ]
    );
    assert!(all.iter().all(|l| l.revoked.is_none()));
    let summary = |id: &str| all.iter().find(|l| l.id == id).unwrap().summary.clone();
    assert_eq!(
        summary("llvm"),
        "llvm adapter 0.1.0 (llvm 22.1.8) for x86_64-pc-linux-gnu: 4 specs, 1 plan"
    );
    assert_eq!(summary("llvm/gvn"), "function; may change ir; Global value numbering");
    assert_eq!(
        summary("llvm/default"),
        "module, preset, takes level; may change ir; A default pipeline"
    );
    assert_eq!(
        summary("p-llvm"),
        "llvm `function(gvn),cgscc(inline)` for loops/small; improved instcount 333 → 305 (-8.4%)"
    );
    assert_eq!(summary("bc27d40561141be6"), "instcount of module 5d41402abc4b2a765d41402abc4b2a76");

    let plans = r.list(Some(Kind::Plan)).unwrap();
    assert_eq!(ids(&plans), [(Kind::Plan, "p-gcc"), (Kind::Plan, "p-llvm")]);
    let specs = r.list(Some(Kind::Spec)).unwrap();
    assert_eq!(specs.len(), 6);

    let adapters = r.adapters().unwrap();
    assert_eq!(adapters.len(), 2);
    assert_eq!(adapters[1].adapter, llvm());
    assert_eq!((adapters[1].specs, adapters[1].plans), (4, 1));
    assert_eq!((adapters[0].specs, adapters[0].plans), (2, 1));
}

#[test]
fn shows_a_node_with_its_contract_and_edges_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let r = fixture(&db(&dir));
    let gvn = r.show("llvm/gvn").unwrap().unwrap();
    assert_eq!(gvn.kind, Kind::Spec);
    assert_eq!(gvn.contract, Stored::Spec(llvm_specs()[0].clone()));
    assert_eq!(gvn.revoked, None);
    assert_eq!(
        gvn.edges,
        [
            edge(Node::Spec("llvm/gvn".into()), Relation::BelongsTo, Node::Adapter("llvm".into())),
            edge(Node::Plan("p-llvm".into()), Relation::Uses, Node::Spec("llvm/gvn".into())),
        ]
    );

    let plan = r.show("p-llvm").unwrap().unwrap();
    assert_eq!(plan.contract, Stored::Plan(llvm_plan()));
    let p = || Node::Plan("p-llvm".into());
    assert_eq!(
        plan.edges,
        [
            edge(p(), Relation::Uses, Node::Spec("llvm/gvn".into())),
            edge(p(), Relation::Uses, Node::Spec("llvm/inline".into())),
            edge(p(), Relation::MeasuredOn, Node::Problem(problem().id)),
        ]
    );

    let adapter = r.show("llvm").unwrap().unwrap();
    assert_eq!(adapter.kind, Kind::Adapter);
    assert_eq!(adapter.contract, Stored::Adapter(llvm()));
    let owned: Vec<&Node> = adapter.edges.iter().map(|e| &e.from).collect();
    assert_eq!(owned.len(), 4);
    assert!(adapter.edges.iter().all(|e| e.relation == Relation::BelongsTo));

    let problem_shown = r.show(&problem().id).unwrap().unwrap();
    assert_eq!(problem_shown.contract, Stored::Problem(problem()));
    assert_eq!(problem_shown.edges, [edge(p(), Relation::MeasuredOn, Node::Problem(problem().id))]);

    // `kind:id` says which kind; an id of nothing is no node.
    assert_eq!(r.show("plan:p-gcc").unwrap().unwrap().kind, Kind::Plan);
    assert!(r.show("llvm/nothing").unwrap().is_none());
    assert!(r.show_node(&Node::Plan("llvm".into())).unwrap().is_none());

    // What show gives is written as JSON for the command line.
    let json = serde_json::to_value(&gvn).unwrap();
    assert_eq!(json["contract"]["name"], "gvn");
    assert_eq!(json["edges"][1]["relation"], "uses");
}

#[test]
fn searches_by_name_adapter_level_and_improvement() {
    let dir = tempfile::tempdir().unwrap();
    let r = fixture(&db(&dir));
    let text = |t: &str| Query { text: Some(t.into()), ..Query::default() };
    // Case-insensitive, in keys, descriptions and pipelines.
    assert_eq!(search(&r, text("GVN")), ["llvm/gvn", "p-llvm"]);
    assert_eq!(search(&r, text("unroll")), ["gcc/-funroll-loops", "p-gcc"]);
    assert_eq!(search(&r, text("value numbering")), ["llvm/gvn"]);
    assert_eq!(search(&r, text("loops/SMALL")), ["p-llvm"]);
    assert_eq!(search(&r, text("5d41402a")), ["bc27d40561141be6"]);
    assert!(search(&r, text("nothing like it")).is_empty());

    let by_adapter = |a: &str| Query { adapter: Some(a.into()), ..Query::default() };
    assert_eq!(search(&r, by_adapter("gcc")), ["gcc/-O2", "gcc/-funroll-loops", "p-gcc"]);
    assert_eq!(
        search(&r, by_adapter("llvm")),
        ["llvm/default", "llvm/gvn", "llvm/inline", "llvm/licm", "p-llvm"]
    );
    assert!(search(&r, by_adapter("cranelift")).is_empty());

    let level = |n: Nest| Query { level: Some(n), ..Query::default() };
    assert_eq!(search(&r, level(Nest::Cgscc)), ["llvm/inline"]);
    assert_eq!(search(&r, level(Nest::Function)), ["llvm/gvn"]);
    assert_eq!(search(&r, level(Nest::Flag)), ["gcc/-O2", "gcc/-funroll-loops"]);
    assert!(search(&r, level(Nest::Setting)).is_empty());
    let both = Query { adapter: Some("gcc".into()), level: Some(Nest::Cgscc), ..Query::default() };
    assert!(search(&r, both).is_empty());
    let both = Query { text: Some("in".into()), level: Some(Nest::Cgscc), ..Query::default() };
    assert_eq!(search(&r, both), ["llvm/inline"]);

    let improved = |m: &str| Query { improved: Some(m.into()), ..Query::default() };
    assert_eq!(search(&r, improved("instcount")), ["p-llvm"]);
    // p-llvm's .text grew: that is no improvement.
    assert!(search(&r, improved("text_bytes")).is_empty());
    assert!(search(&r, improved("size")).is_empty());
    assert_eq!(search(&r, improved("runtime_median_ns")), ["p-gcc"]);
    assert_eq!(search(&r, improved("runtime")), ["p-gcc"]);
    let gcc_runtime = Query {
        adapter: Some("llvm".into()),
        improved: Some("runtime".into()),
        ..Query::default()
    };
    assert!(search(&r, gcc_runtime).is_empty());

    // No filter: everything.
    assert_eq!(r.search(&Query::default()).unwrap(), r.list(None).unwrap());
}

#[test]
fn the_graph_holds_together_with_the_expected_edges() {
    let dir = tempfile::tempdir().unwrap();
    let r = fixture(&db(&dir));
    let g = r.graph().unwrap();
    g.check().unwrap();
    assert_eq!(g.adapters, [gcc(), llvm()]);
    assert_eq!(g.specs.len(), 6);
    assert_eq!(g.plans, [gcc_plan(), llvm_plan()]);
    assert_eq!(g.problems, [problem()]);
    let spec = |k: &str| Node::Spec(k.into());
    let mut expected: HashSet<Edge> = llvm_specs()
        .iter()
        .chain(&gcc_specs())
        .map(|s| {
            let owner = Node::Adapter(s.adapter.name().into());
            edge(spec(&s.key()), Relation::BelongsTo, owner)
        })
        .collect();
    for (plan, used) in
        [("p-llvm", ["llvm/gvn", "llvm/inline"]), ("p-gcc", ["gcc/-O2", "gcc/-funroll-loops"])]
    {
        for k in used {
            expected.insert(edge(Node::Plan(plan.into()), Relation::Uses, spec(k)));
        }
    }
    expected.insert(edge(
        Node::Plan("p-llvm".into()),
        Relation::MeasuredOn,
        Node::Problem(problem().id),
    ));
    assert_eq!(g.edges.len(), expected.len());
    assert_eq!(g.edges.iter().cloned().collect::<HashSet<_>>(), expected);
    let p_gcc = Node::Plan("p-gcc".into());
    let used: Vec<&Node> = g.targets(&p_gcc, Relation::Uses).collect();
    assert_eq!(used, [&spec("gcc/-O2"), &spec("gcc/-funroll-loops")]);
}

#[test]
fn a_plan_using_what_no_adapter_offers_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = fixture(&db(&dir));
    let plan = Plan { id: "p-bad".into(), ..llvm_plan() };
    let e = r
        .publish_plan(&plan, &keys(&["llvm/gvn", "llvm/nope", "gcc/-O2"]), Some(&problem()))
        .unwrap_err();
    match &e {
        RegistryError::NotOffered { plan, backend, specs } => {
            assert_eq!(plan, "p-bad");
            assert_eq!(*backend, BackendKind::Llvm);
            assert_eq!(specs, &["llvm/nope", "gcc/-O2"]);
        }
        other => panic!("{other}"),
    }
    assert!(e.to_string().contains("llvm/nope, gcc/-O2"), "{e}");
    assert!(r.show("p-bad").unwrap().is_none());

    let cranelift = Plan {
        id: "p-cl".into(),
        backend: BackendKind::Cranelift,
        pipeline: "opt_level=speed".into(),
        kind_of_program: None,
        improved: Vec::new(),
    };
    let e = r.publish_plan(&cranelift, &[], None).unwrap_err();
    assert!(matches!(e, RegistryError::NoAdapter { backend: BackendKind::Cranelift, .. }), "{e}");

    let broken = Plan { id: "p-syntax".into(), pipeline: "function(gvn".into(), ..llvm_plan() };
    let e = r.publish_plan(&broken, &keys(&["llvm/gvn"]), None).unwrap_err();
    assert!(matches!(e, RegistryError::BadPipeline { .. }), "{e}");

    // A problem is its module's digest, never its IR.
    let ir =
        ProblemRef { module_digest: "define i32 @main() {\n  ret i32 0\n}".into(), ..problem() };
    let e = r.publish_plan(&Plan { id: "p-ir".into(), ..llvm_plan() }, &[], Some(&ir)).unwrap_err();
    assert!(matches!(e, RegistryError::NotADigest { .. }), "{e}");
    assert!(r.show("p-ir").unwrap().is_none());

    assert_eq!(r.list(Some(Kind::Plan)).unwrap().len(), 2);
}

#[test]
fn publishing_again_adds_a_measurement_and_refuses_another_plan() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = fixture(&db(&dir));
    let other = ProblemRef { id: "another".into(), module_digest: "abcdef".into(), ..problem() };
    r.publish_plan(&llvm_plan(), &keys(&["llvm/gvn", "llvm/inline", "llvm/gvn"]), Some(&other))
        .unwrap();
    let shown = r.show("p-llvm").unwrap().unwrap();
    let problems: Vec<&Node> =
        shown.edges.iter().filter(|e| e.relation == Relation::MeasuredOn).map(|e| &e.to).collect();
    assert_eq!(problems, [&Node::Problem("another".into()), &Node::Problem(problem().id)]);

    let changed = Plan { pipeline: "function(gvn)".into(), ..llvm_plan() };
    let e = r.publish_plan(&changed, &keys(&["llvm/gvn"]), None).unwrap_err();
    assert!(matches!(&e, RegistryError::PlanExists { id } if id == "p-llvm"), "{e}");
    let e = r.publish_plan(&llvm_plan(), &keys(&["llvm/gvn"]), None).unwrap_err();
    assert!(matches!(e, RegistryError::PlanExists { .. }), "{e}");

    let clash = ProblemRef { module_digest: "ffff".into(), ..problem() };
    let e = r.publish_plan(&gcc_plan(), &keys(&["gcc/-O2", "gcc/-funroll-loops"]), Some(&clash));
    assert!(matches!(e, Err(RegistryError::ProblemConflict { .. })), "{e:?}");
    // The refused measurement left nothing behind.
    let gcc_edges = r.show("p-gcc").unwrap().unwrap().edges;
    assert!(gcc_edges.iter().all(|e| e.relation == Relation::Uses));
}

#[test]
fn everything_is_still_there_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let (listed, graph, shown) = {
        let r = fixture(&path);
        (r.list(None).unwrap(), r.graph().unwrap(), r.show("p-llvm").unwrap())
    };
    let r = Registry::open(&path).unwrap();
    assert_eq!(r.path(), path);
    assert_eq!(r.list(None).unwrap(), listed);
    assert_eq!(r.graph().unwrap(), graph);
    assert_eq!(r.show("p-llvm").unwrap(), shown);
    assert_eq!(listed.len(), 11);
    let gvn = Query { text: Some("gvn".into()), ..Query::default() };
    assert_eq!(search(&r, gvn), ["llvm/gvn", "p-llvm"]);
}

#[test]
fn revoked_things_are_hidden_from_search_and_shown_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    let mut r = fixture(&path);
    r.revoke_plan("p-llvm", "miscompiles bzip2").unwrap();
    let instcount = Query { improved: Some("instcount".into()), ..Query::default() };
    assert!(search(&r, instcount.clone()).is_empty());
    let found = r.search(&Query { include_revoked: true, ..instcount }).unwrap();
    assert_eq!(ids(&found), [(Kind::Plan, "p-llvm")]);
    assert_eq!(found[0].revoked.as_deref(), Some("miscompiles bzip2"));
    let shown = r.show("p-llvm").unwrap().unwrap();
    assert_eq!(shown.revoked.as_deref(), Some("miscompiles bzip2"));
    assert_eq!(shown.contract, Stored::Plan(llvm_plan()));
    let listed = r.list(Some(Kind::Plan)).unwrap();
    assert_eq!(listed[1].revoked.as_deref(), Some("miscompiles bzip2"));

    let e = r.revoke_plan("p-llvm", "again").unwrap_err();
    assert!(matches!(&e, RegistryError::AlreadyRevoked { why, .. } if why == "miscompiles bzip2"));
    assert!(matches!(r.revoke_plan("p-gcc", "  "), Err(RegistryError::NoReason { .. })));
    assert!(matches!(r.revoke_plan("p-none", "why"), Err(RegistryError::NotFound { .. })));
    let e = r.publish_plan(&llvm_plan(), &keys(&["llvm/gvn", "llvm/inline"]), None).unwrap_err();
    assert!(matches!(e, RegistryError::PlanRevoked { .. }), "{e}");

    // An adapter's revocation hides its specs and plans with it.
    r.revoke_adapter("gcc", "key leaked").unwrap();
    let gcc = Query { adapter: Some("gcc".into()), ..Query::default() };
    assert!(search(&r, gcc.clone()).is_empty());
    let unroll = Query { text: Some("unroll".into()), ..Query::default() };
    assert!(search(&r, unroll).is_empty());
    let all = Query { include_revoked: true, ..gcc };
    assert_eq!(search(&r, all), ["gcc/-O2", "gcc/-funroll-loops", "p-gcc"]);
    let shown = r.show("gcc/-O2").unwrap().unwrap();
    assert_eq!(shown.revoked.as_deref(), Some("adapter `gcc` revoked: key leaked"));
    assert_eq!(r.show("gcc").unwrap().unwrap().revoked.as_deref(), Some("key leaked"));
    let live = Query::default();
    assert_eq!(
        search(&r, live),
        ["llvm", "llvm/default", "llvm/gvn", "llvm/inline", "llvm/licm", "bc27d40561141be6"]
    );
    let e = r.publish_plan(&Plan { id: "p-new".into(), ..gcc_plan() }, &[], None).unwrap_err();
    assert!(matches!(e, RegistryError::NoAdapter { .. }), "{e}");

    // The whole graph keeps what was revoked; the live one leaves it out; both hold together.
    let whole = r.graph().unwrap();
    whole.check().unwrap();
    assert_eq!((whole.adapters.len(), whole.specs.len(), whole.plans.len()), (2, 6, 2));
    let live = r.graph_with(false).unwrap();
    live.check().unwrap();
    assert_eq!(live.adapters, [llvm()]);
    assert_eq!(live.specs.len(), 4);
    assert!(live.plans.is_empty());
    assert_eq!(live.problems, [problem()]);
    assert!(live.edges.iter().all(|e| e.relation == Relation::BelongsTo));

    // Revocations are stored.
    drop(r);
    let r = Registry::open(&path).unwrap();
    assert_eq!(r.show("p-llvm").unwrap().unwrap().revoked.as_deref(), Some("miscompiles bzip2"));
}

#[test]
fn admitting_again_replaces_the_specs_and_keeps_those_plans_use() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = fixture(&db(&dir));
    r.revoke_adapter("llvm", "superseded").unwrap();
    let mut specs = llvm_specs();
    specs.retain(|s| s.name == "gvn" || s.name == "licm");
    specs[0].description = Some("GVN, rewritten".into());
    let newer = Adapter { version: "0.2.0".into(), ..llvm() };
    r.admit_adapter(&newer, &specs).unwrap();

    let shown = r.show("llvm").unwrap().unwrap();
    assert_eq!(shown.revoked, None, "admission lifts the revocation");
    assert_eq!(shown.contract, Stored::Adapter(newer));
    let gvn = r.show("llvm/gvn").unwrap().unwrap();
    assert_eq!(gvn.contract, Stored::Spec(specs[0].clone()));
    // `default` was used by no plan: gone. `inline` is used by p-llvm: kept, withdrawn.
    assert!(r.show("llvm/default").unwrap().is_none());
    let inline = r.show("llvm/inline").unwrap().unwrap();
    assert_eq!(
        inline.revoked.as_deref(),
        Some("withdrawn: adapter `llvm` 0.2.0 no longer offers it")
    );
    let by_llvm = Query { adapter: Some("llvm".into()), ..Query::default() };
    assert_eq!(search(&r, by_llvm), ["llvm/gvn", "llvm/licm", "p-llvm"]);
    r.graph().unwrap().check().unwrap();
    r.graph_with(false).unwrap().check().unwrap();
    let e = r
        .publish_plan(&Plan { id: "p-2".into(), ..llvm_plan() }, &keys(&["llvm/inline"]), None)
        .unwrap_err();
    assert!(matches!(&e, RegistryError::NotOffered { specs, .. } if specs == &["llvm/inline"]));

    // Offered again, it is back.
    r.admit_adapter(&llvm(), &llvm_specs()).unwrap();
    assert_eq!(r.show("llvm/inline").unwrap().unwrap().revoked, None);
    assert_eq!(r.adapters().unwrap()[1].specs, 4);
}

#[test]
fn admission_refuses_specs_of_another_backend_and_a_second_adapter_of_a_backend() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Registry::open(&db(&dir)).unwrap();
    let mut mixed = llvm_specs();
    mixed.push(gcc_specs()[0].clone());
    let e = r.admit_adapter(&llvm(), &mixed).unwrap_err();
    assert!(
        matches!(&e, RegistryError::SpecOfOtherBackend { spec, .. } if spec == "gcc/-funroll-loops"),
        "{e}"
    );
    assert!(r.list(None).unwrap().is_empty(), "nothing of a refused admission is stored");

    let mut twice = llvm_specs();
    twice.push(llvm_specs()[1].clone());
    let e = r.admit_adapter(&llvm(), &twice).unwrap_err();
    assert!(matches!(&e, RegistryError::DuplicateSpec { spec, .. } if spec == "llvm/inline"));

    r.admit_adapter(&llvm(), &llvm_specs()).unwrap();
    let other = Adapter { name: "llvm-acme".into(), ..llvm() };
    let e = r.admit_adapter(&other, &[]).unwrap_err();
    assert!(matches!(&e, RegistryError::BackendTaken { owner, .. } if owner == "llvm"), "{e}");
    let moved = Adapter { backend: BackendKind::Gcc, ..llvm() };
    let e = r.admit_adapter(&moved, &[]).unwrap_err();
    assert!(matches!(e, RegistryError::BackendChanged { .. }), "{e}");
    let nameless = Adapter { name: " ".into(), ..gcc() };
    assert!(matches!(r.admit_adapter(&nameless, &[]), Err(RegistryError::Empty { .. })));
    assert_eq!(r.adapters().unwrap().len(), 1);
    assert!(matches!(r.revoke_adapter("gcc", "why"), Err(RegistryError::NotFound { .. })));
}

#[test]
fn a_large_admission_lists_every_spec() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Registry::open(&db(&dir)).unwrap();
    let flags: Vec<PassSpec> = (0..2000)
        .map(|i| spec(BackendKind::Gcc, &format!("-fflag-{i:04}"), Nest::Flag, "a flag"))
        .collect();
    r.admit_adapter(&gcc(), &flags).unwrap();
    let listed = r.list(Some(Kind::Spec)).unwrap();
    assert_eq!(listed.len(), 2000);
    assert_eq!(listed[1999].id, "gcc/-fflag-1999");
    let found = Query { text: Some("FLAG-0042".into()), ..Query::default() };
    assert_eq!(search(&r, found), ["gcc/-fflag-0042"]);
    r.graph().unwrap().check().unwrap();
}

#[test]
fn a_newer_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    drop(fixture(&path));
    tamper(&path, &format!("PRAGMA user_version = {}", DATABASE_VERSION + 1));
    let e = Registry::open(&path).err().unwrap();
    assert!(matches!(e, RegistryError::Newer { found, .. } if found == DATABASE_VERSION + 1));
    let message = e.to_string();
    assert!(message.contains(&format!("schema version {}", DATABASE_VERSION + 1)), "{message}");
    assert!(message.contains("registry.sqlite"), "{message}");

    // A blank SQLite file of a newer version is refused the same way.
    let blank = dir.path().join("blank.sqlite");
    tamper(&blank, "PRAGMA user_version = 99");
    assert!(matches!(Registry::open(&blank), Err(RegistryError::Newer { found: 99, .. })));
}

#[test]
fn another_programs_database_and_a_file_that_is_no_database_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let lab = dir.path().join("lab.sqlite");
    tamper(&lab, "CREATE TABLE runs (id INTEGER PRIMARY KEY); PRAGMA user_version = 1;");
    let e = Registry::open(&lab).err().unwrap();
    assert!(matches!(e, RegistryError::NotARegistry { .. }), "{e}");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "these are not the bytes of a SQLite database, not at all").unwrap();
    let e = Registry::open(&text).err().unwrap();
    assert!(matches!(e, RegistryError::Open { .. }), "{e}");
    assert!(e.to_string().contains("notes.txt"), "{e}");
}

#[test]
fn garbage_in_a_stored_contract_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(&dir);
    drop(fixture(&path));
    tamper(&path, "UPDATE specs SET contract = '{not json' WHERE key = 'llvm/gvn'");
    let r = Registry::open(&path).unwrap();
    let corrupt = |e: RegistryError, id: &str| match e {
        RegistryError::Corrupt { id: found, .. } => assert_eq!(found, id),
        other => panic!("{other}"),
    };
    corrupt(r.list(None).unwrap_err(), "llvm/gvn");
    corrupt(r.show("llvm/gvn").unwrap_err(), "llvm/gvn");
    corrupt(r.graph().unwrap_err(), "llvm/gvn");
    let functions = Query { level: Some(Nest::Function), ..Query::default() };
    corrupt(r.search(&functions).unwrap_err(), "llvm/gvn");
    // What does not read that row still works.
    assert_eq!(search(&r, Query { level: Some(Nest::Cgscc), ..Query::default() }), ["llvm/inline"]);
    drop(r);

    // Valid JSON of another spec, or of the wrong shape, is no better.
    tamper(
        &path,
        "UPDATE specs SET contract = (SELECT contract FROM specs WHERE key = 'llvm/licm')
             WHERE key = 'llvm/gvn';
         UPDATE plans SET contract = '{\"id\": \"p-gcc\"}' WHERE id = 'p-gcc';
         UPDATE adapters SET contract = '[1, 2]' WHERE name = 'gcc';
         UPDATE problems SET contract = 'null';",
    );
    let r = Registry::open(&path).unwrap();
    let e = r.show("llvm/gvn").unwrap_err();
    assert!(e.to_string().contains("llvm/licm"), "{e}");
    corrupt(r.show("p-gcc").unwrap_err(), "p-gcc");
    corrupt(r.adapters().unwrap_err(), "gcc");
    corrupt(r.list(Some(Kind::Problem)).unwrap_err(), "bc27d40561141be6");
    let e = r.list(Some(Kind::Plan)).unwrap_err();
    assert!(e.to_string().contains("p-gcc"), "{e}");
}
