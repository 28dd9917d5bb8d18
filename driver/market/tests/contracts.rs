//! Every contract round-trips through JSON, and what serde writes is what its published JSON
//! Schema describes (checked with an independent validator), so a consumer that trusts the
//! schema reads what opm writes.

use opm_backend::{BackendKind, Nest, Pipeline};
use opm_market::contracts::Named;
use opm_market::*;
use opm_search::{
    AuditEntry, AuditLog, Budget, Identity, IrHash, LocalProblem, MetricDelta, Metrics, Objective,
    Origin, PerformanceSignal, PlanDelta, RunOutput, RuntimeStats, Tools, Verdict,
};
use std::time::Duration;

fn llvm(text: &str) -> Pipeline {
    Pipeline::read(BackendKind::Llvm, text).unwrap()
}

fn signal(eval: u64, pipeline: &str, verdict: Verdict) -> PerformanceSignal {
    PerformanceSignal {
        problem: "bc27d40561141be6".into(),
        backend: BackendKind::Llvm,
        pipeline: llvm(pipeline),
        origin: Origin::Evolve,
        objective: Objective::Runtime,
        verdict,
        detail: (verdict != Verdict::Ok).then(|| "output differs at byte 3".into()),
        metrics: Metrics {
            instcount: Some(305),
            text_bytes: Some(1616),
            pass_ms: Some(71.5),
            check_ms: Some(6.25),
            codegen_ms: Some(31.0),
            runtime: RuntimeStats::from_samples(vec![300_100_000, 299_000_000, 301_500_000]),
        },
        identity: Some(Identity::Ir(IrHash("c20c3135efb44ab3770f85f7208c3f47".into()))),
        eval,
        started_ms: 1_796_291_634_678,
        finished_ms: 1_796_291_634_862,
        tools: Tools { opm: "0.1.0".into(), llvm: "22.1.8".into() },
    }
}

fn problem() -> LocalProblem {
    LocalProblem {
        source: "crc32.ll".into(),
        module_hash: "5d41402abc4b2a76".into(),
        backend: BackendKind::Gcc,
        objective: Objective::Size,
        run_args: vec!["--n".into(), "3".into()],
        reference: Some(RunOutput {
            stdout_sha256: "e3b0c44298fc1c149afbf4c8996fb924".into(),
            stdout_bytes: 120,
            exit_code: 0,
        }),
        budget: Budget {
            max_evals: Some(45),
            wall_time: Some(Duration::from_millis(60_500)),
            run_timeout: None,
            max_code_growth: Some(1.5),
            ..Budget::default()
        },
    }
}

fn plan_delta() -> PlanDelta {
    PlanDelta::between(
        Some(&signal(3, "default<Oz>", Verdict::Ok)),
        &signal(9, "function(sroa),gvn", Verdict::Ok),
    )
}

fn spec() -> PassSpec {
    PassSpec {
        adapter: BackendKind::Llvm,
        name: "loop-unroll".into(),
        nest: Nest::Function,
        preset: false,
        parameters: vec![SpecParameter {
            name: "O".into(),
            values: vec!["O1".into(), "O2".into(), "O3".into()],
            description: Some("the optimisation level it unrolls for".into()),
        }],
        may_change: vec![Effect::Ir],
        description: None,
    }
}

fn graph() -> GraphOfContracts {
    let spec = spec();
    GraphOfContracts {
        adapters: vec![Adapter {
            name: "llvm".into(),
            backend: BackendKind::Llvm,
            version: "0.1.0".into(),
            tools: [("llvm".to_string(), "22.1.8".to_string())].into(),
            target: "x86_64-pc-linux-gnu".into(),
        }],
        plans: vec![Plan {
            id: "p1".into(),
            backend: BackendKind::Llvm,
            pipeline: "function(loop-unroll<O2>)".into(),
            kind_of_program: Some("loops/small".into()),
            improved: vec![MetricDelta {
                metric: "instcount".into(),
                before: Some(333.0),
                after: Some(305.0),
            }],
        }],
        problems: vec![ProblemRef {
            id: "bc27d40561141be6".into(),
            module_digest: "5d41402abc4b2a76".into(),
            objective: Objective::Instcount,
        }],
        edges: vec![
            Edge {
                from: Node::Spec(spec.key()),
                to: Node::Adapter("llvm".into()),
                relation: Relation::BelongsTo,
            },
            Edge {
                from: Node::Plan("p1".into()),
                to: Node::Spec(spec.key()),
                relation: Relation::Uses,
            },
            Edge {
                from: Node::Plan("p1".into()),
                to: Node::Problem("bc27d40561141be6".into()),
                relation: Relation::MeasuredOn,
            },
        ],
        specs: vec![spec],
    }
}

fn audit() -> AuditLog {
    let mut log = AuditLog::default();
    log.push(AuditEntry::Started {
        problem: "bc27d40561141be6".into(),
        strategy: "auto".into(),
        seed: 7,
        jobs: 2,
    });
    log.push(AuditEntry::Evaluated {
        pipeline: llvm("default<Oz>"),
        eval: 1,
        verdict: Verdict::Ok,
        score: Some(333.0),
    });
    log.push(AuditEntry::NewBest(plan_delta()));
    log.push(AuditEntry::WinnerChecked { pipeline: llvm("gvn"), verdict: Verdict::Miscompile });
    log.push(AuditEntry::Stopped { reason: "evaluation budget (45) used".into(), evals: 45 });
    log
}

fn privacy() -> PrivacyBudget {
    PrivacyBudget {
        contributor: "lab-7".into(),
        epsilon: 1.0,
        delta: 1e-6,
        spent: vec![PrivacySpend {
            release: "instcount ratio, loops/small, default<O2>".into(),
            epsilon: 0.25,
            delta: 0.0,
            at_ms: 1_796_291_634_678,
        }],
    }
}

/// `value` written as a contract, validated against its schema, read back and written
/// again: the same JSON.
fn round_trip<T: Named>(value: T) -> serde_json::Value {
    let written = Contract::new(value).to_json();
    let json: serde_json::Value = serde_json::from_str(&written).unwrap();
    let schema = schema(T::NAME).unwrap();
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{}'s schema is not a valid JSON Schema: {e}", T::NAME));
    let errors: Vec<String> = validator.iter_errors(&json).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{} does not match its schema: {errors:?}\n{json}", T::NAME);
    let read = Contract::<T>::from_json(&written).unwrap();
    assert_eq!(read.schema_version, SCHEMA_VERSION);
    assert_eq!(serde_json::to_value(&read).unwrap(), json, "{} changed on its way back", T::NAME);
    json
}

#[test]
fn every_contract_round_trips_and_matches_its_schema() {
    let json = round_trip(signal(12, "function(sroa),gvn", Verdict::Miscompile));
    assert_eq!(json["contract"], "PerformanceSignal");
    assert_eq!(json["ir_hash"], "c20c3135efb44ab3770f85f7208c3f47");
    round_trip(signal(1, "default<O2>", Verdict::Ok));
    round_trip(problem());
    round_trip(plan_delta());
    round_trip(audit());
    round_trip(privacy());
    round_trip(spec());
    round_trip(graph());
    let named: Vec<&str> = NAMES.to_vec();
    assert_eq!(named.len(), 9);
    for name in NAMES {
        let s = schema(name).unwrap();
        assert_eq!(s["$id"], format!("urn:opm:contract:{name}:v{SCHEMA_VERSION}"));
        assert_eq!(s["title"], name);
    }
    assert!(schema("Signal").is_none());
}

#[test]
fn a_schema_refuses_what_serde_would_not_read() {
    let schema = schema("PerformanceSignal").unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good = serde_json::to_value(Contract::new(signal(2, "gvn", Verdict::Ok))).unwrap();
    assert!(validator.is_valid(&good));
    for (field, bad) in [
        ("verdict", serde_json::json!("fine")),
        ("eval", serde_json::json!(-1)),
        ("backend", serde_json::json!("tcc")),
        ("metrics", serde_json::json!("fast")),
    ] {
        let mut v = good.clone();
        v[field] = bad;
        assert!(!validator.is_valid(&v), "{field} = {} passed the schema", v[field]);
        let text = v.to_string();
        assert!(Contract::<PerformanceSignal>::from_json(&text).is_err(), "{field} was read");
    }
}

#[test]
fn documents_of_another_contract_or_a_newer_version_are_refused() {
    let text = Contract::new(spec()).to_json();
    let e = Contract::<PlanDelta>::from_json(&text).unwrap_err();
    assert_eq!(e.to_string(), "a PassSpec document where a PlanDelta was expected");
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["schema_version"] = (SCHEMA_VERSION + 1).into();
    let e = Contract::<PassSpec>::from_value(v).unwrap_err();
    assert!(e.to_string().contains("schema version 2; this opm reads version 1"), "{e}");
    let e = Contract::<PassSpec>::from_json("{\"contract\": \"PassSpec\"").unwrap_err();
    assert!(e.to_string().starts_with("not a PassSpec document"), "{e}");
}

#[test]
fn a_graph_holds_together_or_names_what_breaks_it() {
    let good = graph();
    assert_eq!(good.check(), Ok(()));
    // The plan's pipeline uses the spec: each element maps onto the spec it uses.
    let pipeline = Pipeline::read(BackendKind::Llvm, &good.plans[0].pipeline).unwrap();
    let used = &pipeline.passes;
    assert!(good.specs[0].offers(BackendKind::Llvm, &used[0]), "{used:?}");
    assert!(!good.specs[0].offers(BackendKind::Gcc, &used[0]));
    let plan = Node::Plan("p1".into());
    let used: Vec<&Node> = good.targets(&plan, Relation::Uses).collect();
    assert_eq!(used, [&Node::Spec("llvm/loop-unroll".into())]);

    let mut dangling = good.clone();
    dangling.edges[2].to = Node::Problem("unknown".into());
    assert!(matches!(dangling.check(), Err(GraphError::Dangling { index: 2, .. })));

    let mut wrong = good.clone();
    wrong.edges[1].relation = Relation::MeasuredOn;
    assert!(matches!(wrong.check(), Err(GraphError::WrongKinds { index: 1, .. })));

    let mut orphan = good.clone();
    orphan.edges.remove(0);
    assert_eq!(orphan.check(), Err(GraphError::Orphan { spec: "llvm/loop-unroll".into() }));

    let mut twice = good;
    twice.plans.push(twice.plans[0].clone());
    assert_eq!(twice.check(), Err(GraphError::Duplicate { kind: "plan", key: "p1".into() }));
}

#[test]
fn a_privacy_budget_allows_only_what_remains() {
    let mut b = privacy();
    assert_eq!(b.remaining(), (0.75, 1e-6));
    assert!(b.allows(0.75, 0.0));
    assert!(!b.allows(0.8, 0.0));
    assert!(!b.allows(0.1, 2e-6));
    assert!(!b.allows(f64::NAN, 0.0));
    assert!(!b.allows(-0.1, 0.0));
    for _ in 0..3 {
        b.spent.push(PrivacySpend { release: "r".into(), epsilon: 0.25, delta: 0.0, at_ms: 0 });
    }
    assert_eq!(b.remaining().0, 0.0);
    assert!(!b.allows(0.01, 0.0));
}
