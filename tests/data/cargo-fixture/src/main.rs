//! Deterministic work on a few data structures; prints its results and exits with status 3.

use fixture_util::{Rng, checksum, collatz_len};
use std::collections::BTreeMap;

/// The seed the build script hands over.
fn seed() -> u64 {
    env!("FIXTURE_SEED").parse().unwrap_or(1)
}

/// Word frequencies of a generated text, most frequent first (ties by word).
fn frequencies(rng: &mut Rng, words: usize) -> Vec<(String, usize)> {
    const SYLLABLES: [&str; 8] = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi"];
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..words {
        let len = 1 + rng.below(2) as usize;
        let word: String = (0..len).map(|_| SYLLABLES[rng.below(8) as usize]).collect();
        *counts.entry(word).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// The number below `limit` with the longest Collatz sequence, and its length.
fn longest_collatz(limit: u64) -> (u64, u32) {
    (1..limit)
        .map(|n| (n, collatz_len(n)))
        .fold((1, 1), |best, x| if x.1 > best.1 { x } else { best })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut rng = Rng::new(seed());
    println!("seed {} args {:?}", seed(), args);
    let freq = frequencies(&mut rng, 20_000);
    for (word, n) in freq.iter().take(5) {
        println!("{word:>6} {n}");
    }
    let (n, len) = longest_collatz(200_000);
    println!("collatz {n} {len}");
    let mut data: Vec<u32> = (0..50_000).map(|_| rng.below(1_000_000) as u32).collect();
    data.sort_unstable();
    println!("median {} checksum {:08x}", data[data.len() / 2], checksum(&data));
    let shown: Vec<String> =
        [1.5f64, 2.25, -0.125].iter().map(|x| format!("{:.3}", x.sqrt().abs())).collect();
    println!("floats {}", shown.join(" "));
    std::process::exit(3);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequencies_are_sorted() {
        let f = frequencies(&mut Rng::new(7), 1000);
        assert!(f.windows(2).all(|w| w[0].1 >= w[1].1));
        assert_eq!(f.iter().map(|x| x.1).sum::<usize>(), 1000);
    }

    #[test]
    fn collatz_below_ten() {
        assert_eq!(longest_collatz(10), (9, 20));
    }

    #[test]
    fn the_build_script_ran() {
        assert_eq!(seed(), 20240601);
    }

    /// A panic unwinds to the test harness, which the build must let it do.
    #[test]
    #[should_panic(expected = "no word of length 9")]
    fn a_panic_reaches_the_harness() {
        let f = frequencies(&mut Rng::new(3), 100);
        let nine = f.iter().find(|(w, _)| w.len() == 9);
        nine.expect("no word of length 9");
    }
}
