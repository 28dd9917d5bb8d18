//! Exercises generics and monomorphization: a numeric trait with associated consts implemented
//! for i64, f64 and a modular-integer newtype; a generic `Matrix<T>` with `Add`/`Mul` and
//! matrix power; a generic binary-heap priority queue `PQueue<T: Ord>` used for Dijkstra;
//! const generics (`[T; N]`), associated types, `where` clauses and generic `Display`.

use std::cmp::Reverse;
use std::fmt::{self, Debug, Display};
use std::ops::{Add, Mul, Sub};

trait Num:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + PartialEq + Debug
{
    const ZERO: Self;
    const ONE: Self;
}

impl Num for i64 {
    const ZERO: i64 = 0;
    const ONE: i64 = 1;
}
impl Num for f64 {
    const ZERO: f64 = 0.0;
    const ONE: f64 = 1.0;
}

const P: u64 = 1_000_000_007;

#[derive(Clone, Copy, PartialEq, Eq)]
struct ModP(u64);

impl Debug for ModP {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl Add for ModP {
    type Output = ModP;
    fn add(self, o: ModP) -> ModP {
        ModP((self.0 + o.0) % P)
    }
}
impl Sub for ModP {
    type Output = ModP;
    fn sub(self, o: ModP) -> ModP {
        ModP((self.0 + P - o.0) % P)
    }
}
impl Mul for ModP {
    type Output = ModP;
    fn mul(self, o: ModP) -> ModP {
        ModP(self.0 * o.0 % P)
    }
}
impl Num for ModP {
    const ZERO: ModP = ModP(0);
    const ONE: ModP = ModP(1);
}

#[derive(Clone, PartialEq, Debug)]
struct Matrix<T> {
    n: usize,
    m: usize,
    data: Vec<T>,
}

impl<T: Num> Matrix<T> {
    fn zeros(n: usize, m: usize) -> Self {
        Matrix { n, m, data: vec![T::ZERO; n * m] }
    }
    fn identity(n: usize) -> Self {
        let mut r = Self::zeros(n, n);
        for i in 0..n {
            r.data[i * n + i] = T::ONE;
        }
        r
    }
    fn from_fn(n: usize, m: usize, f: impl Fn(usize, usize) -> T) -> Self {
        let data = (0..n * m).map(|k| f(k / m, k % m)).collect();
        Matrix { n, m, data }
    }
    fn get(&self, i: usize, j: usize) -> T {
        self.data[i * self.m + j]
    }
    fn transpose(&self) -> Self {
        Self::from_fn(self.m, self.n, |i, j| self.get(j, i))
    }
    fn pow(&self, mut e: u64) -> Self {
        let mut base = self.clone();
        let mut acc = Self::identity(self.n);
        while e > 0 {
            if e & 1 == 1 {
                acc = &acc * &base;
            }
            base = &base * &base;
            e >>= 1;
        }
        acc
    }
    fn trace(&self) -> T {
        (0..self.n.min(self.m)).fold(T::ZERO, |a, i| a + self.get(i, i))
    }
}

impl<T: Num> Add for &Matrix<T> {
    type Output = Matrix<T>;
    fn add(self, o: &Matrix<T>) -> Matrix<T> {
        assert_eq!((self.n, self.m), (o.n, o.m));
        Matrix {
            n: self.n,
            m: self.m,
            data: self.data.iter().zip(&o.data).map(|(a, b)| *a + *b).collect(),
        }
    }
}

impl<T: Num> Mul for &Matrix<T> {
    type Output = Matrix<T>;
    fn mul(self, o: &Matrix<T>) -> Matrix<T> {
        assert_eq!(self.m, o.n);
        let mut r = Matrix::zeros(self.n, o.m);
        for i in 0..self.n {
            for k in 0..self.m {
                let a = self.get(i, k);
                for j in 0..o.m {
                    let idx = i * o.m + j;
                    r.data[idx] = r.data[idx] + a * o.get(k, j);
                }
            }
        }
        r
    }
}

impl<T: Num> Display for Matrix<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for i in 0..self.n {
            let row: Vec<String> = (0..self.m).map(|j| format!("{:?}", self.get(i, j))).collect();
            writeln!(f, "  [{}]", row.join(", "))?;
        }
        Ok(())
    }
}

/// A binary min-heap on `T: Ord`, written by hand.
struct PQueue<T> {
    heap: Vec<T>,
}

impl<T: Ord> PQueue<T> {
    fn new() -> Self {
        PQueue { heap: Vec::new() }
    }
    fn len(&self) -> usize {
        self.heap.len()
    }
    fn push(&mut self, x: T) {
        self.heap.push(x);
        let mut i = self.heap.len() - 1;
        while i > 0 {
            let p = (i - 1) / 2;
            if self.heap[i] < self.heap[p] {
                self.heap.swap(i, p);
                i = p;
            } else {
                break;
            }
        }
    }
    fn pop(&mut self) -> Option<T> {
        if self.heap.is_empty() {
            return None;
        }
        let last = self.heap.len() - 1;
        self.heap.swap(0, last);
        let top = self.heap.pop();
        let n = self.heap.len();
        let mut i = 0;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut s = i;
            if l < n && self.heap[l] < self.heap[s] {
                s = l;
            }
            if r < n && self.heap[r] < self.heap[s] {
                s = r;
            }
            if s == i {
                break;
            }
            self.heap.swap(i, s);
            i = s;
        }
        top
    }
}

impl<T: Ord> FromIterator<T> for PQueue<T> {
    fn from_iter<I: IntoIterator<Item = T>>(it: I) -> Self {
        let mut q = PQueue::new();
        for x in it {
            q.push(x);
        }
        q
    }
}

trait Container {
    type Item;
    fn items(&self) -> Vec<Self::Item>;
    fn first(&self) -> Option<Self::Item> {
        self.items().into_iter().next()
    }
}

struct Stack<T, const N: usize> {
    buf: [T; N],
    len: usize,
}

impl<T: Copy + Default, const N: usize> Stack<T, N> {
    fn new() -> Self {
        Stack { buf: [T::default(); N], len: 0 }
    }
    fn push(&mut self, x: T) -> Result<(), T> {
        if self.len == N {
            return Err(x);
        }
        self.buf[self.len] = x;
        self.len += 1;
        Ok(())
    }
}

impl<T: Copy + Default, const N: usize> Container for Stack<T, N> {
    type Item = T;
    fn items(&self) -> Vec<T> {
        self.buf[..self.len].iter().rev().copied().collect()
    }
}

fn sum_all<C>(c: &C) -> i64
where
    C: Container,
    C::Item: Into<i64>,
{
    c.items().into_iter().map(Into::into).sum()
}

fn largest_pair<T: PartialOrd + Copy, const N: usize>(xs: [T; N]) -> Option<(T, T)> {
    if N < 2 {
        return None;
    }
    let mut v = xs;
    // simple selection of the two largest
    for i in 0..2 {
        for j in i + 1..N {
            if v[j] > v[i] {
                v.swap(i, j);
            }
        }
    }
    Some((v[0], v[1]))
}

fn dijkstra(adj: &[Vec<(usize, u64)>], src: usize) -> Vec<Option<u64>> {
    let mut dist = vec![None; adj.len()];
    let mut q: PQueue<(u64, usize)> = PQueue::new();
    q.push((0, src));
    while let Some((d, u)) = q.pop() {
        if dist[u].is_some() {
            continue;
        }
        dist[u] = Some(d);
        for &(v, w) in &adj[u] {
            if dist[v].is_none() {
                q.push((d + w, v));
            }
        }
    }
    dist
}

fn main() {
    let a: Matrix<i64> = Matrix::from_fn(3, 3, |i, j| (i * 3 + j) as i64 - 4);
    let b = a.transpose();
    println!("A =\n{}A^T =\n{}", a, b);
    println!("A+A^T =\n{}A*A^T =\n{}", &a + &b, &a * &b);
    println!("trace(A^5) = {:?}", a.pow(5).trace());

    let fib: Matrix<ModP> = Matrix { n: 2, m: 2, data: vec![ModP(1), ModP(1), ModP(1), ModP(0)] };
    for e in [10u64, 90, 1_000, 1_000_000_000_000] {
        println!("fib({e}) mod p = {:?}", fib.pow(e).get(0, 1));
    }
    let rot: Matrix<f64> = Matrix::from_fn(2, 2, |i, j| match (i, j) {
        (0, 0) | (1, 1) => 0.6,
        (0, 1) => -0.8,
        _ => 0.8,
    });
    let r8 = rot.pow(8);
    println!(
        "rot^8 = [{:.6}, {:.6}; {:.6}, {:.6}]",
        r8.get(0, 0),
        r8.get(0, 1),
        r8.get(1, 0),
        r8.get(1, 1)
    );
    println!(
        "rot*rot^T == I (approx): {}",
        (&rot * &rot.transpose())
            .data
            .iter()
            .zip(Matrix::<f64>::identity(2).data.iter())
            .all(|(x, y)| (x - y).abs() < 1e-12)
    );

    let mut q: PQueue<Reverse<(u32, &str)>> =
        [(3, "c"), (1, "a"), (4, "d"), (1, "b"), (5, "e"), (9, "i"), (2, "z")]
            .into_iter()
            .map(Reverse)
            .collect();
    let mut order = Vec::new();
    while let Some(Reverse((p, s))) = q.pop() {
        order.push(format!("{s}{p}"));
    }
    println!("max-first via Reverse: {}", order.join(" "));
    let mut strings: PQueue<String> =
        ["pear", "apple", "fig", "banana"].iter().map(|s| s.to_string()).collect();
    println!("pqueue of strings: len {} first {:?}", strings.len(), strings.pop());

    // Dijkstra on a deterministic graph.
    let n = 12;
    let mut adj = vec![Vec::new(); n];
    for u in 0..n {
        for k in 1..=3usize {
            let v = (u * 7 + k * 5) % n;
            if v != u {
                adj[u].push((v, ((u * 31 + v * 17 + k) % 23 + 1) as u64));
            }
        }
    }
    let dist = dijkstra(&adj, 0);
    let shown: Vec<String> = dist
        .iter()
        .enumerate()
        .map(|(i, d)| match d {
            Some(d) => format!("{i}:{d}"),
            None => format!("{i}:-"),
        })
        .collect();
    println!("dijkstra: {}", shown.join(" "));

    let mut st: Stack<i32, 4> = Stack::new();
    let pushed: Vec<Result<(), i32>> = (10..16).map(|x| st.push(x)).collect();
    println!("stack pushes: {:?}", pushed);
    println!("stack items {:?} first {:?} sum {}", st.items(), st.first(), sum_all(&st));
    let mut small: Stack<u8, 2> = Stack::new();
    small.push(200).unwrap();
    small.push(100).unwrap();
    println!("u8 stack sum as i64: {}", sum_all(&small));
    println!(
        "largest pair: {:?} {:?} {:?}",
        largest_pair([3, 9, 2, 7, 9]),
        largest_pair([1.5, -2.0, 0.25]),
        largest_pair(['q'])
    );
}
