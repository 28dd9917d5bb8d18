//! Inline assembly and x86 intrinsics as Rust writes them: `asm!` in Intel syntax with `in`,
//! `out`, `inout`, `lateout` and immediate (`const`) operands, `cpuid` through
//! `core::arch` (with `rbx` saved around it), runtime feature detection (std_detect's
//! `cpuid` and `xgetbv`), and the time-stamp counter.

use std::arch::asm;
use std::arch::x86_64::{__cpuid, _rdtsc};

fn add(a: u64, b: u64) -> u64 {
    let mut x = a;
    unsafe { asm!("add {0}, {1}", inout(reg) x, in(reg) b, options(pure, nomem, nostack)) };
    x
}

fn shifted(x: u32) -> u32 {
    let r: u32;
    unsafe {
        asm!("mov {r:e}, {x:e}", "shl {r:e}, {n}", x = in(reg) x, r = lateout(reg) r,
             n = const 3, options(pure, nomem, nostack))
    };
    r
}

fn swap_halves(x: u64) -> u64 {
    let out: u64;
    unsafe { asm!("rol {0}, 32", inout(reg) x => out, options(pure, nomem, nostack)) };
    out
}

fn main() {
    let mut s = 0u64;
    for i in 0..1000 {
        s = add(s, i);
    }
    println!("sum {s}");
    println!("shifted {} {}", shifted(5), shifted(1 << 20));
    println!("halves {:016x}", swap_halves(0x0123_4567_89ab_cdef));
    let leaf0 = unsafe { __cpuid(0) };
    let mut vendor = Vec::new();
    for r in [leaf0.ebx, leaf0.edx, leaf0.ecx] {
        vendor.extend_from_slice(&r.to_le_bytes());
    }
    println!("vendor {}", String::from_utf8_lossy(&vendor));
    println!("sse2 {} avx {} avx2 {}", is_x86_feature_detected!("sse2"),
             is_x86_feature_detected!("avx"), is_x86_feature_detected!("avx2"));
    let (t1, t2) = unsafe { (_rdtsc(), _rdtsc()) };
    println!("time stamps in order {}", t2 >= t1);
}
