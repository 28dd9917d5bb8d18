//! Exercises 128-bit integer arithmetic: u128 factorials and Fibonacci up to the overflow edge
//! found with `checked_mul`/`checked_add`, i128 signed division/remainder/euclid, modular
//! exponentiation and Miller-Rabin with u128 intermediates, `wrapping_*`, `overflowing_*`,
//! `saturating_*`, bit counting (`leading_zeros`, `count_ones`, `trailing_zeros`), shifts and
//! rotates, u128 <-> f64 conversions, hex/binary formatting and parsing of 128-bit numbers.

use std::hint::black_box;

fn factorials() -> Vec<u128> {
    let mut out = vec![1u128];
    let mut n = 1u128;
    loop {
        match out.last().unwrap().checked_mul(n) {
            Some(v) => out.push(v),
            None => break,
        }
        n += 1;
    }
    out
}

fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
    ((a as u128 * b as u128) % m as u128) as u64
}

fn pow_mod(mut b: u64, mut e: u64, m: u64) -> u64 {
    let mut r = 1 % m;
    b %= m;
    while e > 0 {
        if e & 1 == 1 {
            r = mul_mod(r, b, m);
        }
        b = mul_mod(b, b, m);
        e >>= 1;
    }
    r
}

fn pow_mod_u128(mut b: u128, mut e: u128, m: u128) -> u128 {
    // m < 2^64 so products fit in u128.
    let mut r = 1u128 % m;
    b %= m;
    while e > 0 {
        if e & 1 == 1 {
            r = r * b % m;
        }
        b = b * b % m;
        e >>= 1;
    }
    r
}

fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    for p in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if n % p == 0 {
            return n == p;
        }
    }
    let s = (n - 1).trailing_zeros();
    let d = (n - 1) >> s;
    'witness: for a in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul_mod(x, x, n);
            if x == n - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn isqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    let mut x = (n as f64).sqrt() as u128;
    while x * x > n {
        x -= 1;
    }
    while (x + 1) * (x + 1) <= n {
        x += 1;
    }
    x
}

fn main() {
    let f = factorials();
    println!("largest u128 factorial: {}! = {}", f.len() - 1, f.last().unwrap());
    for k in [10usize, 20, 25, 30] {
        println!("  {k}! = {:>40} (bits {})", f[k], 128 - f[k].leading_zeros());
    }
    let next = f.last().unwrap().overflowing_mul(f.len() as u128);
    println!("{}! overflowing_mul -> ({}, {})", f.len(), next.0, next.1);

    let (mut a, mut b, mut idx) = (0u128, 1u128, 0u32);
    while let Some(c) = a.checked_add(b) {
        a = b;
        b = c;
        idx += 1;
    }
    println!("fib: last before u128 overflow is F({}) = {}", idx + 1, b);
    println!("gcd(F(n), F(n-1)) = {}", gcd(b, a));

    // Signed 128-bit division and remainders.
    let vals: [i128; 4] =
        [i128::MAX / 3, -170141183460469231731687303715884105, 12345678901234567890123456789, -7];
    let divs: [i128; 3] = [7, -13, 1_000_000_000_000_000_007];
    for v in vals {
        let parts: Vec<String> = divs
            .iter()
            .map(|d| {
                format!("{}/{}={} r{} e{}", v % 1000, d, v / d % 100000, v % d, v.rem_euclid(*d))
            })
            .collect();
        println!("{}", parts.join(" | "));
    }
    println!(
        "i128::MIN checked_div(-1) = {:?}, checked_neg = {:?}, abs_diff = {}",
        i128::MIN.checked_div(-1),
        i128::MIN.checked_neg(),
        i128::MIN.abs_diff(i128::MAX)
    );
    println!(
        "wrapping: {} {} {}",
        i128::MAX.wrapping_add(1),
        u128::MAX.wrapping_mul(3),
        (-5i128).wrapping_rem(3)
    );
    println!(
        "saturating: {} {} {}",
        u128::MAX.saturating_add(5),
        i128::MIN.saturating_sub(1),
        7u128.saturating_sub(9)
    );
    let (s, o) = u128::MAX.overflowing_add(u128::MAX);
    println!("overflowing_add(MAX, MAX) = ({s}, {o})");

    // Modular exponentiation and primality.
    let m = 1_000_000_007u64;
    println!("2^(10^18) mod 1e9+7 = {}", pow_mod(2, 1_000_000_000_000_000_000, m));
    println!("fermat 3^(p-1) mod p = {}", pow_mod(3, m - 1, m));
    let big_m: u128 = 18446744073709551557; // largest prime below 2^64
    println!("7^(2^100) mod (2^64-59) = {}", pow_mod_u128(7, 1u128 << 100, big_m));
    let cands: [u64; 8] = [
        561,
        1_000_000_007,
        4_294_967_291,
        4_294_967_297,
        18446744073709551557,
        18446744073709551559,
        999_999_999_989,
        3_215_031_751,
    ];
    let flags: Vec<String> =
        cands.iter().map(|&n| format!("{n}:{}", if is_prime(n) { "P" } else { "c" })).collect();
    println!("miller-rabin: {}", flags.join(" "));
    let count = (1u64 << 40..(1u64 << 40) + 2000).filter(|&n| is_prime(n)).count();
    println!("primes in [2^40, 2^40+2000): {count}");

    // Bits, shifts, rotates.
    let x: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
    println!("x = {x:#034x}");
    println!(
        "ones {} lz {} tz {} rotl(44) {:#x} swap_bytes {:#x}",
        x.count_ones(),
        x.leading_zeros(),
        x.trailing_zeros(),
        x.rotate_left(44),
        x.swap_bytes()
    );
    println!(
        "x >> 67 = {:#x}, x << 5 = {:#x}, x as u64 = {:#x}, (x >> 64) as u32 = {:#x}",
        x >> 67,
        x << 5,
        x as u64,
        (x >> 64) as u32
    );
    let y = black_box(-1i128);
    println!(
        "-1i128 >> 100 = {}, as u128 >> 100 = {}, as i8 = {}",
        y >> 100,
        (y as u128) >> 100,
        y as i8
    );
    println!("{:b}", 0xdead_beefu128 << 90);

    // Conversions and parsing.
    let big: u128 = 340282366920938463463374607431768211455;
    println!(
        "u128::MAX == parsed: {}, as f64 = {:e}, f64->u128 = {}",
        big == u128::MAX,
        big as f64,
        1.5e30f64 as u128
    );
    println!(
        "parse: {:?} {:?} {:?}",
        "170141183460469231731687303715884105728".parse::<i128>().is_err(),
        u128::from_str_radix("ffffffffffffffffffffffffffffffff", 16).map(|v| v == u128::MAX),
        i128::from_str_radix("-zz", 36)
    );
    println!("isqrt(10^30) = {}, isqrt(2^127) = {}", isqrt(10u128.pow(30)), isqrt(1u128 << 127));
    let triangular: u128 = (1..=2_000_000u128).sum();
    let sq_sum: u128 = (1..=100_000u128).map(|k| k * k * k).sum();
    println!(
        "sum 1..2e6 = {triangular}, sum k^3 to 1e5 = {sq_sum}, check {}",
        sq_sum == (100_000u128 * 100_001 / 2).pow(2)
    );
}
