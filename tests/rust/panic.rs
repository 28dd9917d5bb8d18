//! Exercises unwinding: `std::panic::catch_unwind` around a function that panics on some inputs
//! (explicit `panic!`, slice index out of bounds, `unwrap` on `None`/`Err`, integer division by
//! zero, `RefCell` double borrow, a non-char-boundary string slice), payload downcasting to
//! `&str`/`String`, a custom payload through `panic_any` and `resume_unwind`, a `Drop` guard
//! whose messages show destructors running during unwinding (in reverse order), a panic inside
//! a spawned thread observed through `join()`, and a `Mutex` poisoned by a panic.
//! A silent panic hook is installed first so stderr stays empty. Needs `panic=unwind`.

use std::any::Any;
use std::cell::RefCell;
use std::hint::black_box;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::thread;

struct Guard {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let note = if thread::panicking() { " (unwinding)" } else { "" };
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(format!("drop {}{}", self.name, note));
    }
}

#[derive(Debug)]
struct CustomPayload {
    code: u32,
}

fn risky(kind: u32, log: &Arc<Mutex<Vec<String>>>) -> i64 {
    let _outer = Guard { name: "outer", log: Arc::clone(log) };
    let v = [10i64, 20, 30];
    let _inner = Guard { name: "inner", log: Arc::clone(log) };
    match kind {
        0 => 1,
        1 => panic!("explicit panic with kind {kind}"),
        2 => v[black_box(7)],
        3 => {
            let o: Option<i64> = black_box(None);
            o.unwrap()
        }
        4 => {
            let r: Result<i64, String> = Err("bad thing".into());
            r.expect("expected a good thing")
        }
        5 => 100 / black_box(0i64),
        6 => {
            let c = RefCell::new(5);
            let _b = c.borrow_mut();
            let _b2 = c.borrow_mut();
            0
        }
        7 => {
            let s = String::from("héllo");
            s[..black_box(2)].len() as i64
        }
        8 => panic::panic_any(CustomPayload { code: 42 }),
        9 => v.iter().sum(),
        _ => {
            let _deep = Guard { name: "deep", log: Arc::clone(log) };
            fn recurse(n: u32) -> u32 {
                if n == 0 { panic!("bottom of recursion reached") } else { recurse(n - 1) + 1 }
            }
            recurse(kind) as i64
        }
    }
}

fn describe(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("&str: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("String: {s}")
    } else if let Some(c) = payload.downcast_ref::<CustomPayload>() {
        format!("custom: {:?} (code {})", c, c.code)
    } else {
        "unknown payload".to_string()
    }
}

fn main() {
    panic::set_hook(Box::new(|_| {}));
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut caught = 0;
    let mut ok_sum = 0;
    for kind in 0..12u32 {
        let result = panic::catch_unwind(AssertUnwindSafe(|| risky(kind, &log)));
        let drops = std::mem::take(&mut *log.lock().unwrap());
        match result {
            Ok(v) => {
                ok_sum += v;
                println!("kind {kind:>2}: ok {v} [{}]", drops.join(", "));
            }
            Err(p) => {
                caught += 1;
                println!("kind {kind:>2}: caught {} [{}]", describe(p.as_ref()), drops.join(", "));
            }
        }
    }
    println!("caught {caught} panics, ok sum {ok_sum}");

    // resume_unwind re-raises a payload without calling the hook; catch it again.
    let first = panic::catch_unwind(|| panic!("{} and {}", "formatted", 7)).unwrap_err();
    println!("first: {}", describe(first.as_ref()));
    let again = panic::catch_unwind(AssertUnwindSafe(|| panic::resume_unwind(first))).unwrap_err();
    println!("resumed: {}", describe(again.as_ref()));

    // Nested catch: an inner catch handles one panic, the outer sees a second one.
    let r = panic::catch_unwind(|| {
        let inner = panic::catch_unwind(|| -> u32 { panic!("inner") });
        let inner_ok = inner.is_err();
        if inner_ok {
            panic!("outer after inner={inner_ok}");
        }
        1u32
    });
    println!("nested: {}", describe(r.unwrap_err().as_ref()));

    // A panic in a thread is returned by join().
    let tlog = Arc::new(Mutex::new(Vec::new()));
    let tlog2 = Arc::clone(&tlog);
    let h = thread::spawn(move || {
        let _g = Guard { name: "thread guard", log: tlog2 };
        let data: Vec<u32> = (1..=5).collect();
        let total: u32 = data.iter().sum();
        if total > 10 {
            panic!("thread saw total {total}");
        }
        total
    });
    let joined = h.join();
    println!(
        "thread join: {} [{}]",
        joined.as_ref().map(|_| "ok".to_string()).unwrap_or_else(|p| describe(p.as_ref())),
        tlog.lock().unwrap().join(", ")
    );

    // Mutex poisoning.
    let m = Arc::new(Mutex::new(vec![1, 2, 3]));
    let m2 = Arc::clone(&m);
    let _ = thread::spawn(move || {
        let mut g = m2.lock().unwrap();
        g.push(4);
        panic!("poison it");
    })
    .join();
    println!("poisoned: {}", m.is_poisoned());
    let recovered = match m.lock() {
        Ok(g) => g.clone(),
        Err(poison) => {
            let g = poison.into_inner();
            g.clone()
        }
    };
    println!("recovered data: {:?}", recovered);
    m.clear_poison();
    println!("after clear_poison: {}", m.is_poisoned());

    // Unwinding through a Vec of guards drops the already-built elements in order.
    let vlog = Arc::new(Mutex::new(Vec::new()));
    let vl = Arc::clone(&vlog);
    let r = panic::catch_unwind(move || {
        let names = ["g0", "g1", "g2", "g3"];
        let guards: Vec<Guard> = names
            .iter()
            .map(|n| {
                if *n == "g3" {
                    panic!("building {n}");
                }
                Guard { name: n, log: Arc::clone(&vl) }
            })
            .collect();
        guards.len()
    });
    println!(
        "vec build: {} [{}]",
        describe(r.unwrap_err().as_ref()),
        vlog.lock().unwrap().join(", ")
    );
    let _ = panic::take_hook();
    println!("done");
}
