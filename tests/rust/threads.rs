//! Exercises threads and shared state: a worker pool pulling jobs from an
//! `Arc<Mutex<VecDeque<..>>>` and writing results into an `Arc<Mutex<Vec<..>>>` by job index,
//! an `Arc<RwLock<..>>` configuration read by workers and updated between phases,
//! `JoinHandle<T>` return values, `thread::scope` borrowing local data, `Condvar` handshakes
//! and a `Barrier`. Output is printed in a fixed order after joining, never per thread.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Barrier, Condvar, Mutex, RwLock};
use std::thread;

#[derive(Debug, Clone)]
struct Config {
    modulus: u64,
    rounds: u32,
}

fn work(seed: u64, cfg: &Config) -> u64 {
    let mut x = seed;
    for _ in 0..cfg.rounds {
        x = (x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> 11)
            % cfg.modulus;
    }
    x
}

fn collatz_len(mut n: u64) -> u32 {
    let mut steps = 0;
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    steps
}

fn main() {
    const WORKERS: usize = 4;
    const JOBS: usize = 40;
    let queue: Arc<Mutex<VecDeque<(usize, u64)>>> =
        Arc::new(Mutex::new((0..JOBS).map(|i| (i, i as u64 * 7919 + 13)).collect()));
    let results: Arc<Mutex<Vec<Option<u64>>>> = Arc::new(Mutex::new(vec![None; JOBS]));
    let config = Arc::new(RwLock::new(Config { modulus: 1_000_003, rounds: 50 }));

    let mut handles = Vec::new();
    for w in 0..WORKERS {
        let queue = Arc::clone(&queue);
        let results = Arc::clone(&results);
        let config = Arc::clone(&config);
        handles.push(thread::spawn(move || {
            let mut done = 0usize;
            loop {
                let job = queue.lock().unwrap().pop_front();
                let Some((idx, seed)) = job else { break };
                let cfg = config.read().unwrap().clone();
                let r = work(seed, &cfg);
                results.lock().unwrap()[idx] = Some(r);
                done += 1;
            }
            (w, done)
        }));
    }
    let mut total_done = 0;
    for h in handles {
        let (_w, done) = h.join().unwrap();
        total_done += done;
    }
    let res = results.lock().unwrap();
    println!(
        "phase 1: {} jobs done by {} workers, all filled: {}",
        total_done,
        WORKERS,
        res.iter().all(Option::is_some)
    );
    for chunk in res.chunks(8) {
        let line: Vec<String> = chunk.iter().map(|r| format!("{:>7}", r.unwrap())).collect();
        println!("  {}", line.join(""));
    }
    let checksum =
        res.iter().map(|r| r.unwrap()).fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(b));
    println!("  checksum {checksum}");
    drop(res);

    // Phase 2: update config under a write lock, then recompute with scoped threads
    // that borrow the input slice directly.
    {
        let mut cfg = config.write().unwrap();
        cfg.modulus = 65_537;
        cfg.rounds = 20;
    }
    let cfg = config.read().unwrap().clone();
    println!("phase 2 config: {:?}", cfg);
    let inputs: Vec<u64> = (1..=2000).collect();
    let partials: Vec<(usize, u64, u32, u64)> = thread::scope(|s| {
        let hs: Vec<_> = inputs
            .chunks(500)
            .enumerate()
            .map(|(i, chunk)| {
                let cfg = &cfg;
                s.spawn(move || {
                    let sum: u64 = chunk.iter().map(|&x| work(x, cfg)).sum();
                    let (best, len) = chunk
                        .iter()
                        .map(|&x| (x, collatz_len(x)))
                        .max_by_key(|&(x, l)| (l, std::cmp::Reverse(x)))
                        .unwrap();
                    (i, sum, len, best)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, sum, len, best) in &partials {
        println!("  chunk {i}: sum {sum:>9} longest collatz {best} ({len} steps)");
    }
    println!("  grand total {}", partials.iter().map(|p| p.1).sum::<u64>());

    // Phase 3: a histogram shared through Arc<Mutex<BTreeMap>> and a Barrier between rounds.
    let hist: Arc<Mutex<BTreeMap<u32, u32>>> = Arc::new(Mutex::new(BTreeMap::new()));
    let barrier = Arc::new(Barrier::new(3));
    let round_totals = Arc::new(Mutex::new(vec![0u64; 3]));
    let hs: Vec<_> = (0..3u64)
        .map(|t| {
            let hist = Arc::clone(&hist);
            let barrier = Arc::clone(&barrier);
            let round_totals = Arc::clone(&round_totals);
            thread::spawn(move || {
                for round in 0..3usize {
                    for n in (t * 100 + 1)..=(t * 100 + 100) {
                        let l = collatz_len(n + round as u64 * 1000) / 25;
                        *hist.lock().unwrap().entry(l).or_insert(0) += 1;
                        round_totals.lock().unwrap()[round] += n;
                    }
                    barrier.wait();
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    println!("phase 3 histogram (collatz steps / 25): {:?}", hist.lock().unwrap());
    println!("phase 3 round totals: {:?}", round_totals.lock().unwrap());

    // Phase 4: ping-pong with a Condvar, strictly alternating, so the log order is fixed.
    let state = Arc::new((Mutex::new((0u32, Vec::<String>::new())), Condvar::new()));
    let st2 = Arc::clone(&state);
    let ponger = thread::spawn(move || {
        let (lock, cv) = &*st2;
        for _ in 0..5 {
            let mut g = cv.wait_while(lock.lock().unwrap(), |(turn, _)| *turn % 2 == 0).unwrap();
            let t = g.0;
            g.1.push(format!("pong{t}"));
            g.0 += 1;
            cv.notify_all();
        }
    });
    {
        let (lock, cv) = &*state;
        for _ in 0..5 {
            let mut g = cv.wait_while(lock.lock().unwrap(), |(turn, _)| *turn % 2 == 1).unwrap();
            let t = g.0;
            g.1.push(format!("ping{t}"));
            g.0 += 1;
            cv.notify_all();
        }
    }
    ponger.join().unwrap();
    let (lock, _) = &*state;
    println!("phase 4: {}", lock.lock().unwrap().1.join(" "));
    let strong = Arc::strong_count(&config);
    println!("config strong count after joins: {strong}");
}
