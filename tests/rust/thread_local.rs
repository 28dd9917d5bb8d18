//! Exercises `thread_local!`: a `Cell<u64>` counter and a `RefCell<Vec<String>>` log per thread,
//! a const-initialized TLS, `LocalKey::with`/`set`/`get`/`take`/`replace`/`with_borrow_mut`, TLS
//! isolation between the main thread and spawned threads, a TLS value with a `Drop` impl whose
//! destructor runs at thread exit (it reports into a global `Mutex`, printed after joining),
//! and a `RefCell` memo table used for recursive memoization.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Mutex;
use std::thread;

static DROP_LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Tracker {
    name: String,
    events: u32,
}

impl Drop for Tracker {
    fn drop(&mut self) {
        DROP_LOG
            .lock()
            .unwrap()
            .push(format!("{} dropped after {} events", self.name, self.events));
    }
}

thread_local! {
    static COUNTER: Cell<u64> = Cell::new(0);
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    static LOG: RefCell<Vec<String>> = RefCell::new(Vec::new());
    static TRACKER: RefCell<Option<Tracker>> = const { RefCell::new(None) };
    static MEMO: RefCell<HashMap<u64, u64>> = RefCell::new(HashMap::new());
}

fn bump(by: u64) -> u64 {
    COUNTER.with(|c| {
        c.set(c.get() + by);
        c.get()
    })
}

fn log(msg: String) {
    LOG.with(|l| l.borrow_mut().push(msg));
    TRACKER.with_borrow_mut(|t| {
        if let Some(t) = t {
            t.events += 1;
        }
    });
}

fn nested(n: u32) -> u32 {
    DEPTH.set(DEPTH.get() + 1);
    let max_depth = if n == 0 { DEPTH.get() } else { nested(n - 1).max(DEPTH.get()) };
    DEPTH.set(DEPTH.get() - 1);
    max_depth
}

/// Number of ways to partition n using memoization in a thread-local table (keyed by n*1000+k).
fn partitions(n: u64, k: u64) -> u64 {
    if n == 0 {
        return 1;
    }
    if k == 0 {
        return 0;
    }
    let key = n * 1000 + k;
    if let Some(v) = MEMO.with_borrow(|m| m.get(&key).copied()) {
        return v;
    }
    let v = partitions(n, k - 1) + if k <= n { partitions(n - k, k) } else { 0 };
    MEMO.with_borrow_mut(|m| m.insert(key, v));
    v
}

fn main() {
    bump(100);
    log("main start".to_string());
    let hs: Vec<_> = (1..=4u64)
        .map(|t| {
            thread::spawn(move || {
                TRACKER.set(Some(Tracker { name: format!("worker{t}"), events: 0 }));
                let before = COUNTER.get();
                for i in 0..t * 10 {
                    bump(i % 3 + 1);
                    if i % 7 == 0 {
                        log(format!("t{t} i{i}"));
                    }
                }
                let depth = nested(t as u32 * 3);
                let p = partitions(20 + t * 10, 20 + t * 10);
                let memo_size = MEMO.with_borrow(|m| m.len());
                let lines = LOG.take();
                (t, before, COUNTER.get(), lines, depth, p, memo_size)
            })
        })
        .collect();
    let mut results: Vec<_> = hs.into_iter().map(|h| h.join().unwrap()).collect();
    results.sort_by_key(|r| r.0);
    for (t, before, after, lines, depth, p, memo) in &results {
        println!(
            "thread {t}: counter {before} -> {after}, log {:?}, max depth {depth}, p({}) = {p}, memo {memo}",
            lines,
            20 + t * 10
        );
    }
    let mut drops = DROP_LOG.lock().unwrap().clone();
    drops.sort();
    for d in &drops {
        println!("  {d}");
    }
    println!("main counter still {}", COUNTER.get());
    let old = COUNTER.replace(7);
    println!("replace: old {old}, new {}", COUNTER.get());
    LOG.with_borrow_mut(|l| l.push("main end".into()));
    println!("main log: {:?}", LOG.with_borrow(|l| l.clone()));
    println!("main depth(10) {} then depth {}", nested(10), DEPTH.get());
    println!("main p(60) = {}, memo entries {}", partitions(60, 60), MEMO.with_borrow(|m| m.len()));

    // Scoped threads see their own fresh TLS too.
    let totals: Vec<u64> = thread::scope(|s| {
        let hs: Vec<_> =
            (0..3u64).map(|k| s.spawn(move || (0..=k * 5).map(bump).last().unwrap_or(0))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    println!("scoped thread counters: {:?}", totals);
    TRACKER.set(Some(Tracker { name: "main".into(), events: 0 }));
    log("x".into());
    log("y".into());
    let t = TRACKER.take();
    println!("main tracker events {}", t.as_ref().map_or(0, |t| t.events));
    drop(t);
    let log = DROP_LOG.lock().unwrap();
    println!("drop log now has {} entries, last {:?}", log.len(), log.last());
}
