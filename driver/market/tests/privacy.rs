//! The signal pool's privacy: budgets spent and refused across reopening, the coverage of the
//! released interval, what a release shows, and clamping.

use opm_market::aggregate::{Bounds, PoolSettings, Release, ShareError, SignalPool, noisy_mean};
use opm_search::rng::Rng;

fn settings(epsilon: f64) -> PoolSettings {
    PoolSettings { epsilon_per_contributor: epsilon, bounds: Bounds::DEFAULT }
}

fn pool_path(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("pool").join("signals.sqlite")
}

/// A skewed distribution within [0.7, 1.3]: 0.7 + 0.6·u² for uniform u, mean 0.9.
fn draw(rng: &mut Rng) -> f64 {
    let u = rng.unit();
    0.7 + 0.6 * u * u
}
const TRUE_MEAN: f64 = 0.9;

#[test]
fn budget_is_spent_refused_and_kept_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = pool_path(&dir);
    let mut pool = SignalPool::open(&path, settings(1.0)).unwrap();
    for i in 0..30 {
        pool.share(&format!("team-{i}"), "loops", "plan-a", 0.9 + i as f64 / 100.0).unwrap();
    }
    // Someone in another cell only.
    pool.share("bystander", "loops", "plan-b", 0.8).unwrap();

    let first = pool.release("loops", "plan-a", 0.4).unwrap();
    let second = pool.release("loops", "plan-a", 0.4).unwrap();
    assert_eq!(first.epsilon, 0.4);
    assert_eq!(second.plan, "plan-a");
    assert_eq!(pool.remaining("team-0").unwrap(), 0.2);

    let refused = pool.release("loops", "plan-a", 0.4).unwrap_err();
    let message = refused.to_string();
    match &refused {
        ShareError::Exhausted { remaining, asked, .. } => {
            assert_eq!(*remaining, 0.2);
            assert_eq!(*asked, 0.4);
        }
        other => panic!("expected Exhausted, got {other:?}"),
    }
    assert!(message.contains("ε 0.2 left"), "{message}");
    assert!(message.contains("costs 0.4"), "{message}");
    // The refusal spent nothing.
    assert_eq!(pool.remaining("team-7").unwrap(), 0.2);
    drop(pool);

    let mut pool = SignalPool::open(&path, settings(1.0)).unwrap();
    let again = pool.release("loops", "plan-a", 0.4).unwrap_err();
    assert!(matches!(again, ShareError::Exhausted { remaining, .. } if remaining == 0.2));
    assert!(again.to_string().contains("ε 0.2 left"), "{again}");
    assert_eq!(pool.remaining("team-29").unwrap(), 0.2);
    assert_eq!(pool.remaining("bystander").unwrap(), 1.0);
    assert_eq!(pool.remaining("nobody-at-all").unwrap(), 1.0);
    let budget = pool.budget("team-3").unwrap();
    assert_eq!(budget.spent.len(), 2);
    assert!((budget.remaining().0 - 0.2).abs() < 1e-12);

    // The last 0.2 can still be spent, and then nothing more.
    pool.release("loops", "plan-a", 0.2).unwrap();
    assert_eq!(pool.remaining("team-0").unwrap(), 0.0);
    assert!(matches!(
        pool.release("loops", "plan-a", 0.01),
        Err(ShareError::Exhausted { remaining, .. }) if remaining == 0.0
    ));
    // The bystander's cell is untouched by all of it.
    assert!(pool.release("loops", "plan-b", 1.0).is_ok());
    assert_eq!(pool.remaining("bystander").unwrap(), 0.0);
    drop(pool);

    // The budget cannot be raised by reopening with other settings.
    let err = SignalPool::open(&path, settings(10.0)).unwrap_err();
    assert!(matches!(err, ShareError::Settings { .. }), "{err}");
    assert!(err.to_string().contains("ε 1 per contributor"), "{err}");
}

#[test]
fn interval_covers_the_true_mean() {
    const TRIALS: usize = 2000;
    const N: usize = 200;
    let bounds = Bounds::DEFAULT;
    let mut rng = Rng::new(0x5eed_2026);
    let mut covered = 0;
    let mut width = 0.0;
    let mut wide = 0;
    for _ in 0..TRIALS {
        let values: Vec<f64> = (0..N).map(|_| draw(&mut rng)).collect();
        let e = noisy_mean(&values, &bounds, 1.0).unwrap();
        assert!(e.low <= e.mean && e.mean <= e.high, "{e:?}");
        assert!(bounds.lower <= e.low && e.high <= bounds.upper, "{e:?}");
        if e.low <= TRUE_MEAN && TRUE_MEAN <= e.high {
            covered += 1;
        }
        if e.low == bounds.lower && e.high == bounds.upper {
            wide += 1;
        }
        width += e.high - e.low;
    }
    let coverage = covered as f64 / TRIALS as f64;
    let width = width / TRIALS as f64;
    println!(
        "coverage of the true mean {TRUE_MEAN}: {:.2}% over {TRIALS} trials of n = {N} at ε 1; \
         mean interval width {width:.4} ({wide} whole-bounds intervals)",
        coverage * 100.0
    );
    assert!(coverage >= 0.94, "coverage {coverage}");
    // The interval says something: far narrower than the bounds.
    assert!(width < 0.5, "mean width {width}");
    assert_eq!(wide, 0);
}

#[test]
fn few_contributors_get_the_whole_bounds_not_nan() {
    // The interval is the whole of the bounds unless the noisy count, less its noise's
    // one-sided 95% quantile, reaches 5: with 0 to 3 contributors, in about 5% of releases at
    // most (the noise is what hides whether anyone is there at all).
    const RUNS: usize = 100;
    let bounds = Bounds::DEFAULT;
    for n in [0, 1, 3] {
        let values = vec![1.1; n];
        let mut whole = 0;
        for _ in 0..RUNS {
            let e = noisy_mean(&values, &bounds, 0.5).unwrap();
            for x in [e.count, e.mean, e.low, e.high] {
                assert!(x.is_finite(), "{e:?}");
            }
            assert!(e.count >= 0.0, "{e:?}");
            assert!(bounds.lower <= e.low && e.low <= e.mean, "{e:?}");
            assert!(e.mean <= e.high && e.high <= bounds.upper, "{e:?}");
            whole += usize::from((e.low, e.high) == (bounds.lower, bounds.upper));
        }
        assert!(whole >= RUNS * 3 / 4, "n = {n}: only {whole} of {RUNS} whole-bounds intervals");
    }
}

#[test]
fn a_release_shows_only_the_cell_and_bad_values_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut pool = SignalPool::open(&pool_path(&dir), settings(3.0)).unwrap();
    let pipeline = "function(loop-mssa(licm),gvn)";
    let names: Vec<String> = (0..40).map(|i| format!("secret-contributor-{i:02}")).collect();
    for (i, who) in names.iter().enumerate() {
        pool.share(who, "bucket-vectorizable", "plan-7f3a", 0.85 + i as f64 / 400.0).unwrap();
    }
    assert_eq!(
        pool.cells().unwrap(),
        vec![("bucket-vectorizable".to_string(), "plan-7f3a".to_string())]
    );
    let release = pool.release("bucket-vectorizable", "plan-7f3a", 1.0).unwrap();
    let json = serde_json::to_string(&release).unwrap();
    for who in &names {
        assert!(!json.contains(who.as_str()), "{json}");
    }
    assert!(!json.contains("secret"), "{json}");
    assert!(!json.contains("licm") && !json.contains(pipeline), "{json}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["bucket", "count", "epsilon", "high", "low", "mean", "plan"]);
    assert_eq!(value["plan"], "plan-7f3a");
    // It reads back (serde_json's float parsing may differ in the last bit).
    let back: Release = serde_json::from_str(&json).unwrap();
    assert_eq!((&back.bucket, &back.plan), (&release.bucket, &release.plan));
    for (x, y) in [(back.mean, release.mean), (back.low, release.low), (back.high, release.high)] {
        assert!((x - y).abs() <= 1e-12 * y.abs(), "{back:?} against {release:?}");
    }

    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.5, -0.0] {
        let err = pool.share("someone", "bucket-vectorizable", "plan-7f3a", bad).unwrap_err();
        assert!(matches!(err, ShareError::BadValue { .. }), "{bad}: {err}");
        assert!(err.to_string().contains("finite and greater than 0"), "{err}");
    }
    assert!(matches!(pool.share("", "b", "p", 1.0), Err(ShareError::Empty { .. })));
    assert!(matches!(pool.share("x", " ", "p", 1.0), Err(ShareError::Empty { .. })));
    // Nobody's value was added by the refusals: the next release still costs only the 40.
    assert_eq!(pool.remaining("someone").unwrap(), 3.0);
    for eps in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let err = pool.release("bucket-vectorizable", "plan-7f3a", eps).unwrap_err();
        assert!(matches!(err, ShareError::BadValue { .. }), "{eps}: {err}");
    }
    assert_eq!(pool.remaining(&names[0]).unwrap(), 2.0);
    assert!(matches!(
        pool.release("bucket-vectorizable", "no-such-plan", 0.1),
        Err(ShareError::NoShares { .. })
    ));
    // Bad settings and bounds, and bad input to the pure core.
    for (lower, upper) in [(4.0, 0.25), (0.0, 4.0), (-1.0, 4.0), (0.25, f64::INFINITY), (1.0, 1.0)]
    {
        let bounds = Bounds { lower, upper };
        assert!(matches!(noisy_mean(&[1.0], &bounds, 1.0), Err(ShareError::BadBounds { .. })));
        let s = PoolSettings { epsilon_per_contributor: 1.0, bounds };
        assert!(SignalPool::open(&dir.path().join("other.sqlite"), s).is_err());
    }
    assert!(matches!(
        noisy_mean(&[1.0, f64::NAN], &Bounds::DEFAULT, 1.0),
        Err(ShareError::BadValue { .. })
    ));
    assert!(matches!(noisy_mean(&[1.0], &Bounds::DEFAULT, 0.0), Err(ShareError::BadValue { .. })));
    assert!(matches!(
        SignalPool::open(&dir.path().join("other.sqlite"), settings(f64::NAN)),
        Err(ShareError::BadValue { .. })
    ));
}

#[test]
fn a_later_share_replaces_the_earlier_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut pool = SignalPool::open(&pool_path(&dir), settings(100.0)).unwrap();
    for i in 0..100 {
        pool.share(&format!("c{i}"), "b", "p", 1.0).unwrap();
    }
    // One contributor shares 4.0 over and over: still one value.
    for _ in 0..100 {
        pool.share("c0", "b", "p", 4.0).unwrap();
    }
    let r = pool.release("b", "p", 50.0).unwrap();
    // 100 contributors, one at 4.0: mean 1.03. Were the 100 shares kept, it would be 2.5.
    assert!((r.count - 100.0).abs() < 5.0, "{r:?}");
    assert!((r.mean - 1.03).abs() < 0.05, "{r:?}");
}

#[test]
fn one_huge_ratio_moves_the_mean_only_as_far_as_the_bounds_allow() {
    const TRIALS: usize = 300;
    const N: usize = 200;
    let bounds = Bounds::DEFAULT;
    let epsilon = 1.0;
    let mut values = vec![1.0; N - 1];
    values.push(1e9);
    // Clamped, the outlier counts as 4.0: the mean is (199 + 4) / 200.
    let clamped_mean = (values.len() as f64 - 1.0 + bounds.upper) / values.len() as f64;
    let mut total = 0.0;
    for _ in 0..TRIALS {
        let e = noisy_mean(&values, &bounds, epsilon).unwrap();
        assert!(e.mean <= bounds.upper && e.high <= bounds.upper, "{e:?}");
        total += e.mean;
    }
    let average = total / TRIALS as f64;
    // Noise on one mean: the sum's Laplace scale (reach / ε_sum = 3 / 0.55) over n, standard
    // deviation √2 times that; the count's noise is negligible here (the values sit at the
    // centre). Five standard errors of the average over the trials.
    let sum_scale = bounds.reach() / (0.55 * epsilon) / N as f64;
    let tolerance = 5.0 * std::f64::consts::SQRT_2 * sum_scale / (TRIALS as f64).sqrt();
    println!("average mean {average:.5}, clamped mean {clamped_mean:.5}, tolerance {tolerance:.5}");
    assert!((average - clamped_mean).abs() < tolerance, "{average} against {clamped_mean}");

    // Through the pool too: one contributor's 1e9 leaves the released mean near 1.
    let dir = tempfile::tempdir().unwrap();
    let mut pool = SignalPool::open(&pool_path(&dir), settings(5.0)).unwrap();
    for i in 0..N - 1 {
        pool.share(&format!("c{i}"), "b", "p", 1.0).unwrap();
    }
    pool.share("outlier", "b", "p", 1e9).unwrap();
    let r = pool.release("b", "p", 5.0).unwrap();
    assert!((r.mean - clamped_mean).abs() < 0.1, "{r:?}");
    assert!(r.high <= bounds.upper, "{r:?}");
}

#[test]
fn a_file_of_another_program_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER)").unwrap();
    }
    let err = SignalPool::open(&path, settings(1.0)).unwrap_err();
    assert!(matches!(err, ShareError::NotAPool { .. }), "{err}");
}

/// Coverage across regimes, from tight data to data spread over the whole bounds, few to many
/// contributors, small to large ε: `cargo test -p opm-market --test privacy -- --ignored
/// --nocapture coverage_across_regimes` (about 10 s). Where the sampling error dominates
/// (large ε, data spread wide) the interval is at its nominal 95%; elsewhere it is wider.
#[test]
#[ignore]
fn coverage_across_regimes() {
    const TRIALS: usize = 2000;
    let bounds = Bounds::DEFAULT;
    let mut rng = Rng::new(7);
    type Draw = fn(&mut Rng) -> f64;
    let data: [(&str, Draw, f64); 3] = [
        ("skewed", draw as Draw, TRUE_MEAN),
        ("spread", (|r: &mut Rng| 0.25 + 3.75 * r.unit()) as Draw, 2.125),
        ("tight", (|r: &mut Rng| 0.95 + 0.02 * r.unit()) as Draw, 0.96),
    ];
    let regimes =
        [(200, 1.0), (50, 1.0), (20, 2.0), (1000, 0.4), (200, 10.0), (30, 3.0), (100, 100.0)];
    for (name, draw, mu) in data {
        for (n, epsilon) in regimes {
            let (mut covered, mut width, mut whole) = (0, 0.0, 0);
            for _ in 0..TRIALS {
                let values: Vec<f64> = (0..n).map(|_| draw(&mut rng)).collect();
                let e = noisy_mean(&values, &bounds, epsilon).unwrap();
                covered += usize::from(e.low <= mu && mu <= e.high);
                whole += usize::from(e.low == bounds.lower && e.high == bounds.upper);
                width += e.high - e.low;
            }
            let coverage = covered as f64 / TRIALS as f64;
            println!(
                "{name:7} n {n:5} ε {epsilon:5}: coverage {:.2}%, mean width {:.4}, {whole} \
                 whole-bounds intervals",
                coverage * 100.0,
                width / TRIALS as f64
            );
            assert!(coverage >= 0.93, "{name} n {n} ε {epsilon}: coverage {coverage}");
        }
    }
}

#[test]
fn buckets_are_coarse_and_only_buckets_are_accepted() {
    use opm_market::aggregate::{bucket, is_bucket};
    let features = |pairs: &'static [(&'static str, f64)]| {
        move |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    };
    let b = bucket(features(&[
        ("log-instructions", 9.7),
        ("loop-headers", 0.02),
        ("call", 0.01),
        ("float-arith", 0.3),
        ("load", 0.2),
    ]));
    assert_eq!(b, "s8-l1-c0-mf");
    assert!(is_bucket(&b));
    // Programs a little larger or smaller share it.
    let near =
        bucket(features(&[("log-instructions", 8.1), ("loop-headers", 0.1), ("float-arith", 0.5)]));
    assert_eq!(near, b);
    for bad in
        ["", "s7-l1-c0-mf", "s8-l2-c0-mf", "s8-l1-c0-mx", "s8-l1-c0-mf-x", "main", "s8-l1-c0"]
    {
        assert!(!is_bucket(bad), "{bad}");
    }
}
