//! Helpers of the fixture's binary, in a path dependency of its own.

/// SplitMix64: the same numbers on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The length of `n`'s Collatz sequence, `n` included.
pub fn collatz_len(mut n: u64) -> u32 {
    let mut len = 1;
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        len += 1;
    }
    len
}

/// FNV-1a over the values' little-endian bytes.
pub fn checksum(values: &[u32]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for v in values {
        for b in v.to_le_bytes() {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic() {
        let (mut a, mut b) = (Rng::new(3), Rng::new(3));
        assert_eq!(a.next(), b.next());
        assert!(a.below(10) < 10);
    }

    #[test]
    fn collatz_of_small_numbers() {
        assert_eq!(collatz_len(1), 1);
        assert_eq!(collatz_len(6), 9);
    }

    #[test]
    fn checksum_of_nothing_is_the_offset_basis() {
        assert_eq!(checksum(&[]), 0x811c_9dc5);
    }
}
