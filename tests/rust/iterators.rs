//! Exercises iterator adapters and closures: map/filter/fold/zip/chain/windows/chunks/scan/
//! take_while/skip_while/flat_map/step_by/rev/peekable/partition/unzip/sort_by_key/dedup,
//! custom `Iterator` impls (Fibonacci, Collatz), closures capturing by reference and by `move`,
//! `FnMut` state, functions returning `impl Fn` and `Box<dyn Fn>`.

struct Fib {
    a: u64,
    b: u64,
}

impl Iterator for Fib {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        let r = self.a;
        let next = self.a.checked_add(self.b)?;
        self.a = self.b;
        self.b = next;
        Some(r)
    }
}

struct Collatz(u64);

impl Iterator for Collatz {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        if self.0 == 0 {
            return None;
        }
        let cur = self.0;
        self.0 = if cur == 1 {
            0
        } else if cur % 2 == 0 {
            cur / 2
        } else {
            3 * cur + 1
        };
        Some(cur)
    }
}

fn adder(n: i64) -> impl Fn(i64) -> i64 {
    move |x| x + n
}

fn compose<A, B, C>(f: impl Fn(A) -> B, g: impl Fn(B) -> C) -> impl Fn(A) -> C {
    move |x| g(f(x))
}

fn make_ops() -> Vec<(&'static str, Box<dyn Fn(i64) -> i64>)> {
    let k = 3;
    vec![
        ("double", Box::new(|x| x * 2)),
        ("square", Box::new(|x| x * x)),
        ("plus_k", Box::new(move |x| x + k)),
        ("negate", Box::new(|x: i64| -x)),
        ("compose", Box::new(compose(adder(10), |y| y * 5))),
    ]
}

fn main() {
    let v: Vec<i64> = (1..=20).collect();
    let evens_squared: Vec<i64> = v.iter().filter(|x| *x % 2 == 0).map(|x| x * x).collect();
    println!("evens squared: {:?}", evens_squared);
    let sum: i64 = v.iter().sum();
    let product: i64 = v.iter().take(10).product();
    let folded = v.iter().fold(String::new(), |mut acc, x| {
        if x % 5 == 0 {
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(&x.to_string());
        }
        acc
    });
    println!("sum {sum} product(1..=10) {product} fold {folded}");

    let pairs: Vec<(i64, char)> = v.iter().copied().zip("abcdef".chars()).collect();
    println!("zip: {:?}", pairs);
    let chained: Vec<i64> = (1..4).chain(10..13).chain(std::iter::once(99)).collect();
    println!("chain: {:?}", chained);
    let diffs: Vec<i64> = [1, 4, 9, 16, 25, 36].windows(2).map(|w| w[1] - w[0]).collect();
    println!("windows diffs: {:?}", diffs);
    let chunk_sums: Vec<i64> = v.chunks(6).map(|c| c.iter().sum()).collect();
    println!("chunk sums: {:?}", chunk_sums);
    let running: Vec<i64> = v
        .iter()
        .scan(0, |s, x| {
            *s += x;
            Some(*s)
        })
        .take_while(|s| *s < 100)
        .collect();
    println!("running sums < 100: {:?}", running);
    let skipped: Vec<i64> = v.iter().copied().skip_while(|x| x * x < 200).step_by(2).collect();
    println!("skip_while/step_by: {:?}", skipped);
    let flat: Vec<String> = (1..4).flat_map(|i| (0..i).map(move |j| format!("{i}{j}"))).collect();
    println!("flat_map: {:?}", flat);
    let rev: Vec<i64> = v.iter().rev().step_by(3).copied().collect();
    println!("rev step 3: {:?}", rev);
    let (small, big): (Vec<i64>, Vec<i64>) = v.iter().partition(|x| **x <= 7);
    println!("partition: {} small, {} big, big max {:?}", small.len(), big.len(), big.iter().max());
    let (idx, sq): (Vec<usize>, Vec<i64>) =
        v.iter().enumerate().filter(|(i, _)| i % 4 == 0).map(|(i, x)| (i, x * x)).unzip();
    println!("unzip: {:?} {:?}", idx, sq);
    println!(
        "any>19 {} all>0 {} position(13) {:?} find(x%7==0) {:?} count(odd) {}",
        v.iter().any(|x| *x > 19),
        v.iter().all(|x| *x > 0),
        v.iter().position(|x| *x == 13),
        v.iter().find(|x| *x % 7 == 0),
        v.iter().filter(|x| *x % 2 == 1).count()
    );

    // sort_by_key, dedup, dedup_by_key, min_by/max_by_key.
    let words = ["pear", "fig", "apple", "kiwi", "banana", "date", "plum", "fig", "lime", "apple"];
    let mut sorted = words.to_vec();
    sorted.sort_by_key(|w| (w.len(), *w));
    println!("sort_by_key(len, word): {:?}", sorted);
    sorted.dedup();
    println!("dedup: {:?}", sorted);
    let mut by_len = sorted.clone();
    by_len.dedup_by_key(|w| w.len());
    println!("dedup_by_key(len): {:?}", by_len);
    println!(
        "longest {:?} shortest {:?} last-alpha {:?}",
        words.iter().max_by_key(|w| w.len()),
        words.iter().min_by(|a, b| a.len().cmp(&b.len()).then(b.cmp(a))),
        words.iter().max()
    );

    // Custom iterators.
    let fibs: Vec<u64> = Fib { a: 0, b: 1 }.take(15).collect();
    println!("fib: {:?}", fibs);
    let fib_count = Fib { a: 0, b: 1 }.count();
    let fib_even_sum: u64 =
        Fib { a: 0, b: 1 }.take_while(|x| *x < 4_000_000).filter(|x| x % 2 == 0).sum();
    println!("fib terms before u64 overflow: {fib_count}, even sum < 4e6: {fib_even_sum}");
    let (best, len) = (1..3000u64)
        .map(|n| (n, Collatz(n).count()))
        .max_by_key(|&(n, l)| (l, std::cmp::Reverse(n)))
        .unwrap();
    println!("longest collatz below 3000: {best} ({len} terms)");
    let c27: Vec<u64> = Collatz(27).skip(100).collect();
    println!("collatz(27) tail: {:?}", c27);

    // Peekable: run-length encoding.
    let s = "aaabccddddde";
    let mut it = s.chars().peekable();
    let mut rle = String::new();
    while let Some(c) = it.next() {
        let mut n = 1;
        while it.peek() == Some(&c) {
            it.next();
            n += 1;
        }
        rle.push_str(&format!("{n}{c}"));
    }
    println!("rle: {rle}");

    // Closures with state.
    let mut counter = 0;
    let mut tick = || {
        counter += 1;
        counter * 10
    };
    let ticks: Vec<i32> = (0..5).map(|_| tick()).collect();
    println!("ticks: {:?} counter {}", ticks, counter);
    let threshold = 10;
    let over: Vec<i64> = v.iter().copied().filter(|&x| x > threshold).collect();
    println!("over {threshold}: {}", over.len());
    for (name, op) in make_ops() {
        let results: Vec<i64> = [-2, 0, 7].iter().map(|x| op(*x)).collect();
        println!("{name:>8}: {:?}", results);
    }
    let pipeline: Vec<Box<dyn Fn(i64) -> i64>> =
        vec![Box::new(adder(1)), Box::new(|x| x * 3), Box::new(adder(-4))];
    let out = pipeline.iter().fold(5, |acc, f| f(acc));
    println!("pipeline(5) = {out}");
    let mut matrix = vec![vec![0i64; 5]; 5];
    matrix.iter_mut().enumerate().for_each(|(i, row)| {
        row.iter_mut().enumerate().for_each(|(j, c)| *c = (i as i64 - j as i64).abs())
    });
    let transposed_equal = (0..5).all(|i| (0..5).all(|j| matrix[i][j] == matrix[j][i]));
    let diag_sums: Vec<i64> = (0..5).map(|d| (0..5 - d).map(|i| matrix[i][i + d]).sum()).collect();
    println!("symmetric {transposed_equal} diag sums {:?}", diag_sums);
}
