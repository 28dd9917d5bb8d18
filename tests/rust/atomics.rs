//! Exercises atomics across threads: `AtomicU64::fetch_add` (Relaxed) counters, `AtomicUsize`
//! ticket dispensing, a spin lock built on `AtomicBool::compare_exchange` (Acquire/Release)
//! guarding a pair of counters, `compare_exchange_weak` CAS loops, `fetch_max`/`fetch_min`/
//! `fetch_sub`/`fetch_xor`/`swap`/`fetch_update`, Release/Acquire publication of data through a
//! flag, and `SeqCst` fences. Only totals that are independent of scheduling are printed.

use std::hint;
use std::sync::Arc;
use std::sync::atomic::{
    AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
};
use std::thread;

struct SpinLock {
    locked: AtomicBool,
    acquisitions: AtomicU64,
    contended: AtomicU64,
}

impl SpinLock {
    const fn new() -> Self {
        SpinLock {
            locked: AtomicBool::new(false),
            acquisitions: AtomicU64::new(0),
            contended: AtomicU64::new(0),
        }
    }
    fn lock(&self) {
        let mut spun = false;
        while self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            spun = true;
            while self.locked.load(Ordering::Relaxed) {
                hint::spin_loop();
                thread::yield_now();
            }
        }
        if spun {
            self.contended.fetch_add(1, Ordering::Relaxed);
        }
        self.acquisitions.fetch_add(1, Ordering::Relaxed);
    }
    fn unlock(&self) {
        self.locked.store(false, Ordering::Release);
    }
}

static GLOBAL_HITS: AtomicU64 = AtomicU64::new(0);
static LOCK: SpinLock = SpinLock::new();
// Two counters that must always be equal when observed under LOCK.
static PAIR_A: AtomicU64 = AtomicU64::new(0);
static PAIR_B: AtomicU64 = AtomicU64::new(0);
static TORN: AtomicU64 = AtomicU64::new(0);

const THREADS: usize = 4;
const ITERS: u64 = 5000;

fn main() {
    // 1. Relaxed counters.
    let local = Arc::new(AtomicU64::new(0));
    let tickets = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new((0..THREADS * 500).map(|_| AtomicU32::new(0)).collect::<Vec<_>>());
    let hs: Vec<_> = (0..THREADS)
        .map(|t| {
            let local = Arc::clone(&local);
            let tickets = Arc::clone(&tickets);
            let seen = Arc::clone(&seen);
            thread::spawn(move || {
                for i in 0..ITERS {
                    local.fetch_add(i % 7 + t as u64, Ordering::Relaxed);
                    GLOBAL_HITS.fetch_add(1, Ordering::Relaxed);
                }
                for _ in 0..500 {
                    let tk = tickets.fetch_add(1, Ordering::Relaxed);
                    seen[tk].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    let expected: u64 =
        (0..THREADS as u64).map(|t| (0..ITERS).map(|i| i % 7 + t).sum::<u64>()).sum();
    println!(
        "relaxed sum {} (expected {}), global hits {}",
        local.load(Ordering::Relaxed),
        expected,
        GLOBAL_HITS.load(Ordering::Relaxed)
    );
    let each_once = seen.iter().all(|s| s.load(Ordering::Relaxed) == 1);
    println!(
        "tickets dispensed {}, each exactly once: {each_once}",
        tickets.load(Ordering::SeqCst)
    );

    // 2. Spin lock protecting a two-counter invariant.
    let hs: Vec<_> = (0..THREADS)
        .map(|_| {
            thread::spawn(|| {
                for _ in 0..1000 {
                    LOCK.lock();
                    let a = PAIR_A.load(Ordering::Relaxed);
                    let b = PAIR_B.load(Ordering::Relaxed);
                    if a != b {
                        TORN.fetch_add(1, Ordering::Relaxed);
                    }
                    PAIR_A.store(a + 1, Ordering::Relaxed);
                    PAIR_B.store(b + 1, Ordering::Relaxed);
                    LOCK.unlock();
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    println!(
        "spinlock: a={} b={} torn={} acquisitions={} contended<=acquisitions: {}",
        PAIR_A.load(Ordering::SeqCst),
        PAIR_B.load(Ordering::SeqCst),
        TORN.load(Ordering::SeqCst),
        LOCK.acquisitions.load(Ordering::SeqCst),
        LOCK.contended.load(Ordering::SeqCst) <= LOCK.acquisitions.load(Ordering::SeqCst)
    );

    // 3. CAS loops: a lock-free maximum, a bounded decrement, and a multiplicative hash.
    let max = Arc::new(AtomicU64::new(0));
    let budget = Arc::new(AtomicI32::new(1234));
    let granted = Arc::new(AtomicU64::new(0));
    let hashx = Arc::new(AtomicU64::new(0));
    let mn = Arc::new(AtomicU64::new(u64::MAX));
    let hs: Vec<_> = (0..THREADS as u64)
        .map(|t| {
            let (max, budget, granted, hashx, mn) = (
                Arc::clone(&max),
                Arc::clone(&budget),
                Arc::clone(&granted),
                Arc::clone(&hashx),
                Arc::clone(&mn),
            );
            thread::spawn(move || {
                let mut x = t * 7 + 1;
                for _ in 0..2000 {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let v = x >> 40;
                    // manual CAS max
                    let mut cur = max.load(Ordering::Relaxed);
                    while v > cur {
                        match max.compare_exchange_weak(cur, v, Ordering::AcqRel, Ordering::Relaxed)
                        {
                            Ok(_) => break,
                            Err(actual) => cur = actual,
                        }
                    }
                    mn.fetch_min(v, Ordering::Relaxed);
                    hashx.fetch_xor(v.rotate_left((t * 13) as u32), Ordering::Relaxed);
                    // take 1 from the budget if positive
                    if budget
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| {
                            if b > 0 { Some(b - 1) } else { None }
                        })
                        .is_ok()
                    {
                        granted.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    // Recompute the same values sequentially.
    let (mut smax, mut smin, mut sx) = (0u64, u64::MAX, 0u64);
    for t in 0..THREADS as u64 {
        let mut x = t * 7 + 1;
        for _ in 0..2000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let v = x >> 40;
            smax = smax.max(v);
            smin = smin.min(v);
            sx ^= v.rotate_left((t * 13) as u32);
        }
    }
    println!(
        "cas max {} (seq {}), fetch_min {} (seq {}), xor {:#x} (seq {:#x})",
        max.load(Ordering::Acquire),
        smax,
        mn.load(Ordering::Acquire),
        smin,
        hashx.load(Ordering::Acquire),
        sx
    );
    println!(
        "budget left {}, granted {}",
        budget.load(Ordering::SeqCst),
        granted.load(Ordering::SeqCst)
    );

    // 4. Release/Acquire publication: the writer fills data, then sets READY with Release;
    // readers spin on Acquire and must see the full data.
    let data: Arc<Vec<AtomicU64>> = Arc::new((0..64).map(|_| AtomicU64::new(0)).collect());
    let ready = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (data, ready) = (Arc::clone(&data), Arc::clone(&ready));
            thread::spawn(move || {
                while !ready.load(Ordering::Acquire) {
                    hint::spin_loop();
                    thread::yield_now();
                }
                data.iter().map(|d| d.load(Ordering::Relaxed)).sum::<u64>()
            })
        })
        .collect();
    for (i, d) in data.iter().enumerate() {
        d.store((i * i) as u64, Ordering::Relaxed);
    }
    fence(Ordering::SeqCst);
    ready.store(true, Ordering::Release);
    let sums: Vec<u64> = readers.into_iter().map(|h| h.join().unwrap()).collect();
    println!(
        "published sum seen by readers: {:?} (expected {})",
        sums,
        (0..64u64).map(|i| i * i).sum::<u64>()
    );

    // 5. Single-threaded semantics of the other operations.
    let a = AtomicI32::new(10);
    let r1 = a.swap(-3, Ordering::SeqCst);
    let r2 = a.fetch_sub(4, Ordering::SeqCst);
    let r3 = a.fetch_max(5, Ordering::SeqCst);
    let r4 = a.compare_exchange(5, 6, Ordering::SeqCst, Ordering::SeqCst);
    let r5 = a.compare_exchange(5, 7, Ordering::SeqCst, Ordering::SeqCst);
    let r6 = a.fetch_and(0b1100, Ordering::SeqCst);
    let r7 = a.fetch_or(0b0011, Ordering::SeqCst);
    let r8 = a.fetch_nand(0b1010, Ordering::SeqCst);
    println!("ops: {r1} {r2} {r3} {r4:?} {r5:?} {r6} {r7} {r8} final {}", a.load(Ordering::SeqCst));
    let w = AtomicU32::new(u32::MAX);
    let wrapped = w.fetch_add(2, Ordering::Relaxed);
    println!("atomic fetch_add wraps: {wrapped} -> {}", w.into_inner());
}
