//! Exercises std collections: word frequencies in a `HashMap` (entry API), sorted output through
//! a `BTreeMap` and sorted `Vec`s, a `HashSet` of distinct letters, a `VecDeque` used as a ring
//! and a work queue, a `BinaryHeap` (max and `Reverse` min) for top-k, `BTreeSet` ranges,
//! `retain`, `extend`, `drain`. HashMap/HashSet iteration order is never printed directly.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};

const TEXT: &str = "the quick brown fox jumps over the lazy dog the dog barks and the fox runs \
                    away over the hill and far away a quick brown dog follows the fox to the \
                    river where the lazy fox sleeps and the quick dog waits by the river bank";

fn word_counts(text: &str) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for w in text.split_whitespace() {
        *counts.entry(w).or_insert(0) += 1;
    }
    counts
}

fn main() {
    let counts = word_counts(TEXT);
    println!("words: {}, distinct: {}", TEXT.split_whitespace().count(), counts.len());

    // Sorted by word through a BTreeMap.
    let sorted: BTreeMap<&str, usize> = counts.iter().map(|(k, v)| (*k, *v)).collect();
    let first: Vec<String> = sorted.iter().take(8).map(|(w, c)| format!("{w}={c}")).collect();
    println!("alphabetical: {}", first.join(" "));

    // Sorted by count descending, then by word.
    let mut by_count: Vec<(&str, usize)> = counts.iter().map(|(k, v)| (*k, *v)).collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (w, c) in by_count.iter().take(5) {
        println!("  {w:<8}{c:>3}");
    }

    // Group words by count: BTreeMap<usize, BTreeSet<&str>>.
    let mut groups: BTreeMap<usize, BTreeSet<&str>> = BTreeMap::new();
    for (w, c) in &counts {
        groups.entry(*c).or_default().insert(*w);
    }
    for (c, ws) in groups.iter().rev() {
        let list: Vec<&str> = ws.iter().copied().collect();
        println!("count {c}: {}", list.join(","));
    }

    // HashSet of letters; compare sets.
    let letters: HashSet<char> = TEXT.chars().filter(|c| c.is_alphabetic()).collect();
    let alphabet: HashSet<char> = ('a'..='z').collect();
    let mut missing: Vec<char> = alphabet.difference(&letters).copied().collect();
    missing.sort();
    println!("distinct letters: {}, missing: {:?}", letters.len(), missing);
    let vowels: HashSet<char> = "aeiou".chars().collect();
    let mut common: Vec<char> = vowels.intersection(&letters).copied().collect();
    common.sort_unstable();
    println!("vowels present: {}", common.iter().collect::<String>());

    // VecDeque: rotations and a sliding window sum.
    let mut ring: VecDeque<u32> = (1..=8).collect();
    ring.rotate_left(3);
    println!("rotated left 3: {:?}", ring);
    ring.rotate_right(5);
    println!("rotated right 5: {:?}", ring);
    let mut window: VecDeque<u64> = VecDeque::with_capacity(4);
    let mut sums = Vec::new();
    let mut acc = 0u64;
    for x in (1..=12u64).map(|i| i * i % 17) {
        window.push_back(x);
        acc += x;
        if window.len() > 4 {
            acc -= window.pop_front().unwrap();
        }
        sums.push(acc);
    }
    println!("window sums: {:?}", sums);

    // BFS over a small grid using VecDeque as a queue.
    let grid = ["S..#....", ".#.#.##.", ".#...#..", ".####.#.", "......#E"];
    let cells: Vec<Vec<u8>> = grid.iter().map(|r| r.bytes().collect()).collect();
    let (h, w) = (cells.len(), cells[0].len());
    let mut dist = vec![vec![usize::MAX; w]; h];
    let mut q = VecDeque::new();
    dist[0][0] = 0;
    q.push_back((0usize, 0usize));
    while let Some((r, c)) = q.pop_front() {
        let d = dist[r][c];
        let dirs: [(isize, isize); 4] = [(0, 1), (1, 0), (0, -1), (-1, 0)];
        for (dr, dc) in dirs {
            let nr = r as isize + dr;
            let nc = c as isize + dc;
            if nr < 0 || nc < 0 || nr >= h as isize || nc >= w as isize {
                continue;
            }
            let (nr, nc) = (nr as usize, nc as usize);
            if cells[nr][nc] != b'#' && dist[nr][nc] == usize::MAX {
                dist[nr][nc] = d + 1;
                q.push_back((nr, nc));
            }
        }
    }
    println!("bfs distance S->E: {}", dist[h - 1][w - 1]);

    // BinaryHeap: top-3 largest counts and 3 smallest words by length (min-heap via Reverse).
    let mut heap: BinaryHeap<(usize, Reverse<&str>)> =
        counts.iter().map(|(w, c)| (*c, Reverse(*w))).collect();
    let mut top = Vec::new();
    for _ in 0..3 {
        if let Some((c, Reverse(w))) = heap.pop() {
            top.push(format!("{w}:{c}"));
        }
    }
    println!("heap top3: {}", top.join(" "));
    let mut minheap: BinaryHeap<Reverse<(usize, &str)>> =
        counts.keys().map(|w| Reverse((w.len(), *w))).collect();
    let shortest: Vec<&str> =
        (0..4).filter_map(|_| minheap.pop().map(|Reverse((_, w))| w)).collect();
    println!("shortest words: {:?}", shortest);
    let sorted_heap = BinaryHeap::from(vec![5, 1, 9, 3, 7, 2]).into_sorted_vec();
    println!("into_sorted_vec: {:?}", sorted_heap);

    // BTreeSet range queries.
    let primes: BTreeSet<u32> =
        (2..200u32).filter(|n| (2..*n).take_while(|d| d * d <= *n).all(|d| n % d != 0)).collect();
    let mid: Vec<u32> = primes.range(100..130).copied().collect();
    println!("primes in [100,130): {:?}", mid);
    println!(
        "first prime >= 150: {:?}, last prime < 50: {:?}",
        primes.range(150..).next(),
        primes.range(..50).next_back()
    );

    // retain / drain / extend.
    let mut v: Vec<u32> = (1..=20).collect();
    v.retain(|x| x % 3 != 0);
    let drained: Vec<u32> = v.drain(2..6).collect();
    v.extend(drained.iter().map(|x| x * 100));
    println!("retain/drain/extend: {:?}", v);
    let mut m: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for i in 0..12u32 {
        m.entry(format!("k{}", i % 4)).or_default().push(i);
    }
    m.retain(|k, _| k != "k2");
    println!("btreemap: {:?}", m);
    let total: u32 = m.values().flatten().sum();
    println!("total of values: {total}");
}
