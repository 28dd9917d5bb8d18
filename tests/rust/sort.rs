//! Exercises sorting on generated data: a deterministic LCG (wrapping u64 arithmetic) feeds
//! hand-written quicksort (Hoare partition, median of three, insertion-sort cutoff), top-down
//! mergesort with a scratch buffer, heapsort, a radix sort on u32, and shell sort, all generic
//! over `T: Ord + Copy` or a comparator closure; results are checked against `sort`/
//! `sort_unstable`, and stability, `binary_search`, `partition_point`, `select_nth_unstable`,
//! `sort_by_cached_key` and sorting of strings and structs are exercised.

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn insertion_sort<T: Ord + Copy>(v: &mut [T]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

fn quicksort<T: Ord + Copy>(v: &mut [T], stats: &mut (u64, u32), depth: u32) {
    stats.1 = stats.1.max(depth);
    if v.len() <= 12 {
        insertion_sort(v);
        return;
    }
    let (a, b, c) = (0, v.len() / 2, v.len() - 1);
    if v[b] < v[a] {
        v.swap(a, b);
    }
    if v[c] < v[a] {
        v.swap(a, c);
    }
    if v[c] < v[b] {
        v.swap(b, c);
    }
    let pivot = v[b];
    let (mut i, mut j) = (0usize, v.len() - 1);
    loop {
        while v[i] < pivot {
            i += 1;
            stats.0 += 1;
        }
        while v[j] > pivot {
            j -= 1;
            stats.0 += 1;
        }
        if i >= j {
            break;
        }
        v.swap(i, j);
        i += 1;
        j -= 1;
    }
    let (left, right) = v.split_at_mut(j + 1);
    quicksort(left, stats, depth + 1);
    quicksort(right, stats, depth + 1);
}

fn merge_sort_by<T: Copy, F: Fn(&T, &T) -> bool>(v: &mut [T], buf: &mut Vec<T>, le: &F) {
    let n = v.len();
    if n <= 1 {
        return;
    }
    let mid = n / 2;
    merge_sort_by(&mut v[..mid], buf, le);
    merge_sort_by(&mut v[mid..], buf, le);
    buf.clear();
    let (mut i, mut j) = (0, mid);
    while i < mid && j < n {
        if le(&v[i], &v[j]) {
            buf.push(v[i]);
            i += 1;
        } else {
            buf.push(v[j]);
            j += 1;
        }
    }
    buf.extend_from_slice(&v[i..mid]);
    buf.extend_from_slice(&v[j..n]);
    v.copy_from_slice(buf);
}

fn heapsort<T: Ord>(v: &mut [T]) {
    fn sift<T: Ord>(v: &mut [T], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child] < v[child + 1] {
                child += 1;
            }
            if v[root] >= v[child] {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    let n = v.len();
    for i in (0..n / 2).rev() {
        sift(v, i, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

fn radix_sort(v: &mut Vec<u32>) {
    let mut tmp = vec![0u32; v.len()];
    for shift in (0..32).step_by(8) {
        let mut counts = [0usize; 257];
        for x in v.iter() {
            counts[((x >> shift) & 0xff) as usize + 1] += 1;
        }
        for i in 0..256 {
            counts[i + 1] += counts[i];
        }
        for x in v.iter() {
            let b = ((x >> shift) & 0xff) as usize;
            tmp[counts[b]] = *x;
            counts[b] += 1;
        }
        std::mem::swap(v, &mut tmp);
    }
}

fn shell_sort<T: Ord + Copy>(v: &mut [T]) {
    let gaps = [701usize, 301, 132, 57, 23, 10, 4, 1];
    let len = v.len();
    for &gap in gaps.iter().filter(|&&g| g < len.max(2)) {
        for i in gap..v.len() {
            let x = v[i];
            let mut j = i;
            while j >= gap && v[j - gap] > x {
                v[j] = v[j - gap];
                j -= gap;
            }
            v[j] = x;
        }
    }
}

fn checksum<T: Copy + Into<u64>>(v: &[T]) -> u64 {
    v.iter().fold(0xcbf29ce484222325u64, |h, &x| (h ^ x.into()).wrapping_mul(0x100000001b3))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rec {
    key: u16,
    seq: u32,
}

fn main() {
    let mut rng = Lcg(2024);
    let n = 20_000;
    let data: Vec<u32> = (0..n).map(|_| rng.next() as u32).collect();
    let mut reference = data.clone();
    reference.sort_unstable();
    println!(
        "n={n} min={} max={} median={} checksum={:#018x}",
        reference[0],
        reference[n - 1],
        reference[n / 2],
        checksum(&reference)
    );

    let mut q = data.clone();
    let mut stats = (0u64, 0u32);
    quicksort(&mut q, &mut stats, 0);
    println!("quicksort  ok={} scans={} max_depth={}", q == reference, stats.0, stats.1);

    let mut m = data.clone();
    let mut buf = Vec::with_capacity(n);
    merge_sort_by(&mut m, &mut buf, &|a: &u32, b: &u32| a <= b);
    println!("mergesort  ok={}", m == reference);

    let mut h = data.clone();
    heapsort(&mut h);
    println!("heapsort   ok={}", h == reference);

    let mut r = data.clone();
    radix_sort(&mut r);
    println!("radixsort  ok={}", r == reference);

    let mut s = data[..5000].to_vec();
    shell_sort(&mut s);
    println!("shellsort  ok={} (5000 elems)", s.windows(2).all(|w| w[0] <= w[1]));

    // Descending and with many duplicates.
    let mut dups: Vec<u32> = (0..5000).map(|_| rng.below(16) as u32).collect();
    let mut dstats = (0u64, 0u32);
    quicksort(&mut dups, &mut dstats, 0);
    let mut runs: Vec<(u32, usize)> = Vec::new();
    for x in &dups {
        match runs.last_mut() {
            Some((v, c)) if v == x => *c += 1,
            _ => runs.push((*x, 1)),
        }
    }
    println!(
        "dups: {} distinct, counts {:?}",
        runs.len(),
        runs.iter().map(|r| r.1).collect::<Vec<_>>()
    );
    let mut desc = data[..1000].to_vec();
    merge_sort_by(&mut desc, &mut buf, &|a: &u32, b: &u32| a >= b);
    println!("descending ok={} first3={:?}", desc.windows(2).all(|w| w[0] >= w[1]), &desc[..3]);

    // Stability: sort records by key only; equal keys keep seq order.
    let recs: Vec<Rec> = (0..3000).map(|i| Rec { key: rng.below(50) as u16, seq: i }).collect();
    let mut stable = recs.clone();
    let mut rbuf = Vec::new();
    merge_sort_by(&mut stable, &mut rbuf, &|a: &Rec, b: &Rec| a.key <= b.key);
    let is_stable = stable
        .windows(2)
        .all(|w| w[0].key < w[1].key || (w[0].key == w[1].key && w[0].seq < w[1].seq));
    let mut std_stable = recs.clone();
    std_stable.sort_by_key(|r| r.key);
    println!("stable mergesort ok={is_stable}, same as std sort_by_key: {}", stable == std_stable);
    let mut heaped = recs.clone();
    heapsort(&mut heaped);
    println!("heapsort on (key, seq) equals stable order: {}", heaped == stable);

    // Searching.
    for probe in [reference[0], reference[777], reference[n / 2] + 1, u32::MAX] {
        let found = reference.binary_search(&probe);
        let pp = reference.partition_point(|&x| x < probe);
        println!(
            "binary_search({probe:>10}) -> {:<12} partition_point {pp}",
            format!("{:?}", found.map_err(|e| e))
        );
    }
    let mut sel = data.clone();
    let (_, kth, _) = sel.select_nth_unstable(n / 4);
    println!("select_nth(n/4) = {} == sorted[n/4]: {}", kth, *kth == reference[n / 4]);

    // Strings.
    let syll = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po"];
    let mut words: Vec<String> = (0..40)
        .map(|_| (0..1 + rng.below(3)).map(|_| syll[rng.below(8) as usize]).collect::<String>())
        .collect();
    words.sort_by_cached_key(|w| (w.len(), w.clone()));
    words.dedup();
    println!("words ({}): {}", words.len(), words.join(" "));
    let mut ci = vec!["banana", "Apple", "cherry", "apple", "Banana", "date"];
    ci.sort_by(|a, b| a.to_lowercase().cmp(&b.to_lowercase()).then(a.cmp(b)));
    println!("case-insensitive: {:?}", ci);
    let mut fl = vec![3.25f64, -1.0, 2.5, f64::NAN, 0.0, -0.0, 10.0];
    fl.sort_by(|a, b| a.total_cmp(b));
    println!("floats: {:?}", fl);
    let mut pairs: Vec<(i32, &str)> = vec![(2, "b"), (1, "z"), (2, "a"), (1, "y"), (3, "c")];
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    println!("pairs desc/asc: {:?}", pairs);
    let u64s: Vec<u64> = reference.iter().step_by(2500).map(|&x| x as u64 * 3).collect();
    println!("sampled: {:?} checksum {:#x}", u64s, checksum(&u64s));
}
