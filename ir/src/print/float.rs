//! Floating-point constants, spelled exactly as LLVM 22's `AsmWriter` spells them, so that
//! every bit (NaN payloads, signalling NaNs, -0.0) survives a trip through `llvm-as`.
//!
//! `float` and `double` print in `%e` form with six digits after the point (`1.500000e+00`)
//! when that text reads back as the same value, and otherwise as the 64-bit hex pattern of
//! the value widened to `double` (`0x3FB99999A0000000`). `half` and `bfloat` always print
//! their own 16 bits (`0xH3C00`, `0xR3F80`). The decimal digits come from a copy of
//! `APFloat::toString(Str, 6, 0, false)`, including its rounding quirks (it truncates before
//! it rounds half up), computed exactly on big integers.

use crate::types::FloatKind;

/// The text of a float constant of `kind` with bit pattern `bits` (low bits used).
/// `x86_fp80` prints its 16 sign-and-exponent bits then its 64-bit significand (`0xK…`),
/// `fp128` its low 64 bits then its high 64 bits (`0xL…`), as LLVM's `AsmWriter` does.
pub(super) fn float_text(kind: FloatKind, bits: u128) -> String {
    match kind {
        FloatKind::Half => format!("0xH{:04X}", bits & 0xffff),
        FloatKind::BFloat => format!("0xR{:04X}", bits & 0xffff),
        FloatKind::Float => double_text(widen_float(bits as u32)),
        FloatKind::Double => double_text(bits as u64),
        FloatKind::X86Fp80 => {
            format!("0xK{:04X}{:016X}", (bits >> 64) & 0xffff, bits as u64)
        }
        FloatKind::Fp128 => format!("0xL{:016X}{:016X}", bits as u64, (bits >> 64) as u64),
    }
}

/// The bits of the `double` with the value of the `float` `bits`. NaNs keep their quiet bit
/// and payload (shifted into place) instead of being quieted, as LLVM does for printing.
fn widen_float(bits: u32) -> u64 {
    let sign = u64::from(bits >> 31) << 63;
    let exponent = (bits >> 23) & 0xff;
    let mantissa = u64::from(bits & 0x7f_ffff);
    if exponent == 0xff && mantissa != 0 {
        sign | (0x7ff << 52) | (mantissa << 29)
    } else {
        f64::from(f32::from_bits(bits)).to_bits()
    }
}

/// A double: decimal when it reads back exactly, hex otherwise.
fn double_text(bits: u64) -> String {
    let value = f64::from_bits(bits);
    if value.is_finite() {
        let decimal = scientific(bits);
        if decimal.parse::<f64>().is_ok_and(|v| v == value) {
            return decimal;
        }
    }
    format!("0x{bits:X}")
}

/// The significant digits `APFloat::toString` keeps with a precision of 6.
const PRECISION: usize = 6;

/// `APFloat::toString(Str, 6, 0, false)` of a finite double.
fn scientific(bits: u64) -> String {
    let negative = bits >> 63 == 1;
    let sign = if negative { "-" } else { "" };
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    // value = mantissa * 2^exponent
    let (mut mantissa, mut exponent) =
        if biased == 0 { (fraction, -1074) } else { (fraction | (1 << 52), biased - 1075) };
    if mantissa == 0 {
        return format!("{sign}0.{}e+00", "0".repeat(PRECISION));
    }
    let zeros = mantissa.trailing_zeros();
    mantissa >>= zeros;
    exponent += i64::from(zeros);

    // An integer and a power of ten: value = significand * 10^exp10.
    let mut significand = BigUint::from_u64(mantissa);
    let mut exp10: i64 = 0;
    if exponent > 0 {
        significand.shl(exponent as u32);
    } else {
        // N * 2^-e = N * 5^e * 10^-e
        for _ in 0..-exponent {
            significand.mul_small(5);
        }
        exp10 = exponent;
    }

    // First cut: drop decimal digits that cannot matter (truncating, as APFloat does).
    let bits_required = (PRECISION as u64 * 196).div_ceil(59);
    let active = significand.bit_len();
    if active > bits_required {
        let removable = (active - bits_required) * 59 / 196;
        exp10 += removable as i64;
        significand.div_pow10(removable);
    }

    // Decimal digits, least significant first, without trailing zeros.
    let mut digits: Vec<u8> = Vec::new();
    while !significand.is_zero() {
        let d = significand.divrem_small(10) as u8;
        if digits.is_empty() && d == 0 {
            exp10 += 1;
        } else {
            digits.push(d);
        }
    }
    round_to_precision(&mut digits, &mut exp10);

    let n = digits.len();
    exp10 += n as i64 - 1;
    let mut out = String::from(sign);
    out.push(char::from(b'0' + digits[n - 1]));
    out.push('.');
    for &d in digits[..n - 1].iter().rev() {
        out.push(char::from(b'0' + d));
    }
    out.push_str(&"0".repeat(PRECISION + 1 - n));
    out.push('e');
    out.push(if exp10 >= 0 { '+' } else { '-' });
    out.push_str(&format!("{:02}", exp10.abs()));
    out
}

/// APFloat's `AdjustToPrecision` on the digit buffer (least significant first): keep
/// [`PRECISION`] digits, rounding half up, then drop trailing zeros.
fn round_to_precision(digits: &mut Vec<u8>, exp10: &mut i64) {
    let n = digits.len();
    if n <= PRECISION {
        return;
    }
    let mut first = n - PRECISION;
    if digits[first - 1] < 5 {
        while first < n && digits[first] == 0 {
            first += 1;
        }
    } else {
        // Add one at `first`, carrying; the zeros a carry leaves behind are dropped.
        let mut i = first;
        while i < n && digits[i] == 9 {
            i += 1;
        }
        if i == n {
            *exp10 += n as i64;
            *digits = vec![1];
            return;
        }
        digits[i] += 1;
        first = i;
    }
    *exp10 += first as i64;
    digits.drain(..first);
}

/// Just enough of an unsigned big integer for [`scientific`]: 32-bit limbs, least
/// significant first.
struct BigUint {
    limbs: Vec<u32>,
}

impl BigUint {
    fn from_u64(v: u64) -> BigUint {
        BigUint { limbs: vec![v as u32, (v >> 32) as u32] }
    }

    fn is_zero(&self) -> bool {
        self.limbs.iter().all(|&l| l == 0)
    }

    fn bit_len(&self) -> u64 {
        match self.limbs.iter().rposition(|&l| l != 0) {
            Some(i) => i as u64 * 32 + u64::from(32 - self.limbs[i].leading_zeros()),
            None => 0,
        }
    }

    fn shl(&mut self, bits: u32) {
        let (words, rest) = ((bits / 32) as usize, bits % 32);
        let mut shifted = vec![0u32; words];
        let mut carry = 0u32;
        for &l in &self.limbs {
            shifted.push(if rest == 0 { l } else { (l << rest) | carry });
            carry = if rest == 0 { 0 } else { l >> (32 - rest) };
        }
        shifted.push(carry);
        self.limbs = shifted;
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for l in &mut self.limbs {
            let product = u64::from(*l) * u64::from(m) + carry;
            *l = product as u32;
            carry = product >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    /// Divides in place and returns the remainder.
    fn divrem_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.limbs.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*l);
            *l = (cur / u64::from(d)) as u32;
            rem = cur % u64::from(d);
        }
        rem as u32
    }

    /// Divides by 10^n, rounding down.
    fn div_pow10(&mut self, mut n: u64) {
        while n >= 9 {
            self.divrem_small(1_000_000_000);
            n -= 9;
        }
        if n > 0 {
            self.divrem_small(10u32.pow(n as u32));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn double(v: f64) -> String {
        float_text(FloatKind::Double, u128::from(v.to_bits()))
    }

    #[test]
    fn decimal_when_exact() {
        assert_eq!(double(1.0), "1.000000e+00");
        assert_eq!(double(-0.0), "-0.000000e+00");
        assert_eq!(double(0.0), "0.000000e+00");
        assert_eq!(double(1.5), "1.500000e+00");
        assert_eq!(double(-2.5e-3), "-2.500000e-03");
        assert_eq!(double(123456.0), "1.234560e+05");
        assert_eq!(double(0.1), "1.000000e-01");
        assert_eq!(double(f64::from_bits(1)), "4.940660e-324");
        assert_eq!(double(1e100), "1.000000e+100");
    }

    #[test]
    fn hex_otherwise() {
        // APFloat truncates to 999999 before it rounds, so 1e23 does not print as such.
        assert_eq!(double(1e23), "0x44B52D02C7E14AF6");
        assert_eq!(double(1234567.0), "0x4132D68700000000");
        assert_eq!(double(f64::INFINITY), "0x7FF0000000000000");
        assert_eq!(double(f64::NEG_INFINITY), "0xFFF0000000000000");
        assert_eq!(
            float_text(FloatKind::Float, u128::from(0.1f32.to_bits())),
            "0x3FB99999A0000000"
        );
    }

    #[test]
    fn float_nans_keep_payload() {
        // A signalling NaN with payload 1 and a quiet one with payload 5.
        assert_eq!(float_text(FloatKind::Float, 0x7f80_0001), "0x7FF0000020000000");
        assert_eq!(float_text(FloatKind::Float, 0xffc0_0005), "0xFFF80000A0000000");
    }

    #[test]
    fn sixteen_bit_formats() {
        assert_eq!(float_text(FloatKind::Half, 0x3c00), "0xH3C00");
        assert_eq!(float_text(FloatKind::BFloat, 0x3f80), "0xR3F80");
    }
}
