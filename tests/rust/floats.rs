//! Exercises floating point: an n-body simulation (f64, sqrt), Simpson and trapezoid integration
//! of sin/exp/ln, Newton iteration, f32 accumulation vs f64, powf/powi/atan2/hypot/cbrt/tanh,
//! rounding modes (floor/ceil/round/trunc), NaN/inf/-0.0 semantics, `total_cmp` sorting,
//! `to_bits`/`from_bits`, float<->int `as` casts (saturating), and fixed-precision printing.

use std::f64::consts::PI;

const SOLAR_MASS: f64 = 4.0 * PI * PI;
const DAYS_PER_YEAR: f64 = 365.24;

#[derive(Clone, Copy)]
struct Body {
    pos: [f64; 3],
    vel: [f64; 3],
    mass: f64,
}

fn bodies() -> Vec<Body> {
    vec![
        Body { pos: [0.0; 3], vel: [0.0; 3], mass: SOLAR_MASS },
        Body {
            pos: [4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01],
            vel: [
                1.66007664274403694e-03 * DAYS_PER_YEAR,
                7.69901118419740425e-03 * DAYS_PER_YEAR,
                -6.90460016972063023e-05 * DAYS_PER_YEAR,
            ],
            mass: 9.54791938424326609e-04 * SOLAR_MASS,
        },
        Body {
            pos: [8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01],
            vel: [
                -2.76742510726862411e-03 * DAYS_PER_YEAR,
                4.99852801234917238e-03 * DAYS_PER_YEAR,
                2.30417297573763929e-05 * DAYS_PER_YEAR,
            ],
            mass: 2.85885980666130812e-04 * SOLAR_MASS,
        },
        Body {
            pos: [1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01],
            vel: [
                2.96460137564761618e-03 * DAYS_PER_YEAR,
                2.37847173959480950e-03 * DAYS_PER_YEAR,
                -2.96589568540237556e-05 * DAYS_PER_YEAR,
            ],
            mass: 4.36624404335156298e-05 * SOLAR_MASS,
        },
        Body {
            pos: [1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01],
            vel: [
                2.68067772490389322e-03 * DAYS_PER_YEAR,
                1.62824170038242295e-03 * DAYS_PER_YEAR,
                -9.51592254519715870e-05 * DAYS_PER_YEAR,
            ],
            mass: 5.15138902046611451e-05 * SOLAR_MASS,
        },
    ]
}

fn offset_momentum(b: &mut [Body]) {
    let mut p = [0.0f64; 3];
    for body in b.iter() {
        for k in 0..3 {
            p[k] += body.vel[k] * body.mass;
        }
    }
    for k in 0..3 {
        b[0].vel[k] = -p[k] / SOLAR_MASS;
    }
}

fn energy(b: &[Body]) -> f64 {
    let mut e = 0.0;
    for i in 0..b.len() {
        let v2: f64 = b[i].vel.iter().map(|v| v * v).sum();
        e += 0.5 * b[i].mass * v2;
        for j in i + 1..b.len() {
            let d: Vec<f64> = (0..3).map(|k| b[i].pos[k] - b[j].pos[k]).collect();
            e -= b[i].mass * b[j].mass / (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
        }
    }
    e
}

fn advance(b: &mut [Body], dt: f64) {
    let n = b.len();
    for i in 0..n {
        for j in i + 1..n {
            let dx = b[i].pos[0] - b[j].pos[0];
            let dy = b[i].pos[1] - b[j].pos[1];
            let dz = b[i].pos[2] - b[j].pos[2];
            let d2 = dx * dx + dy * dy + dz * dz;
            let mag = dt / (d2 * d2.sqrt());
            let (mi, mj) = (b[i].mass, b[j].mass);
            b[i].vel[0] -= dx * mj * mag;
            b[i].vel[1] -= dy * mj * mag;
            b[i].vel[2] -= dz * mj * mag;
            b[j].vel[0] += dx * mi * mag;
            b[j].vel[1] += dy * mi * mag;
            b[j].vel[2] += dz * mi * mag;
        }
    }
    for body in b.iter_mut() {
        for k in 0..3 {
            body.pos[k] += dt * body.vel[k];
        }
    }
}

fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    let h = (b - a) / n as f64;
    let mut s = f(a) + f(b);
    for i in 1..n {
        let x = a + i as f64 * h;
        s += if i % 2 == 1 { 4.0 } else { 2.0 } * f(x);
    }
    s * h / 3.0
}

fn trapezoid(f: &dyn Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    let h = (b - a) / n as f64;
    let inner: f64 = (1..n).map(|i| f(a + i as f64 * h)).sum();
    h * (0.5 * (f(a) + f(b)) + inner)
}

fn newton_sqrt(x: f64) -> (f64, u32) {
    let mut g = x.max(1.0);
    let mut it = 0;
    loop {
        let next = 0.5 * (g + x / g);
        it += 1;
        if (next - g).abs() <= 1e-15 * next || it > 100 {
            return (next, it);
        }
        g = next;
    }
}

fn main() {
    let mut b = bodies();
    offset_momentum(&mut b);
    println!("nbody energy before: {:.9}", energy(&b));
    for step in 1..=2000 {
        advance(&mut b, 0.01);
        if step % 500 == 0 {
            println!("  step {step:>4}: {:.9}", energy(&b));
        }
    }
    println!("jupiter pos: [{:>10.6}, {:>10.6}, {:>10.6}]", b[1].pos[0], b[1].pos[1], b[1].pos[2]);

    let integrals: [(&str, f64, f64); 4] = [
        ("sin 0..pi", simpson(f64::sin, 0.0, PI, 1000), 2.0),
        ("exp 0..1", simpson(f64::exp, 0.0, 1.0, 1000), std::f64::consts::E - 1.0),
        ("ln 1..e", simpson(f64::ln, 1.0, std::f64::consts::E, 1000), 1.0),
        ("4/(1+x^2) 0..1", simpson(|x| 4.0 / (1.0 + x * x), 0.0, 1.0, 1000), PI),
    ];
    for (name, v, exact) in integrals {
        println!("simpson {name:<15} = {v:>14.10}  err < 1e-9: {}", (v - exact).abs() < 1e-9);
    }
    let gauss = |x: f64| (-x * x / 2.0).exp() / (2.0 * PI).sqrt();
    println!("trapezoid N(0,1) -3..3 = {:.8}", trapezoid(&gauss, -3.0, 3.0, 600));

    for x in [2.0, 10.0, 0.25, 1e10] {
        let (r, it) = newton_sqrt(x);
        println!(
            "newton sqrt({x:e}) = {r:.12} in {it} iters, |diff| <= 1ulp: {}",
            (r - x.sqrt()).abs() <= f64::EPSILON * r
        );
    }

    // f32 vs f64 accumulation.
    let mut s32 = 0.0f32;
    let mut s64 = 0.0f64;
    for i in 1..=100_000 {
        s32 += 1.0 / i as f32;
        s64 += 1.0 / i as f64;
    }
    println!("harmonic(1e5): f32 {:.6} f64 {:.10}", s32, s64);
    let kahan = {
        let (mut sum, mut c) = (0.0f32, 0.0f32);
        for i in 1..=100_000 {
            let y = 1.0 / i as f32 - c;
            let t = sum + y;
            c = (t - sum) - y;
            sum = t;
        }
        sum
    };
    println!("kahan f32 {:.6}", kahan);

    println!(
        "powf {:.6} powi {:.1} cbrt {:.6} atan2 {:.6} hypot {:.1} tanh {:.6} exp_m1 {:.3e} ln_1p {:.3e}",
        2.0f64.powf(0.5),
        1.5f64.powi(10),
        (-27.0f64).cbrt(),
        (-1.0f64).atan2(-1.0),
        3.0f64.hypot(4.0),
        0.5f64.tanh(),
        1e-10f64.exp_m1(),
        1e-10f64.ln_1p()
    );
    println!(
        "f32: sqrt(2) {:.7} sin(1) {:.6} exp(2) {:.5} pi {}",
        2.0f32.sqrt(),
        1.0f32.sin(),
        2.0f32.exp(),
        std::f32::consts::PI
    );

    let vals = [-2.5f64, -1.5, -0.5, 0.5, 1.5, 2.5, 2.675];
    for v in vals {
        print!("{v}:{}/{}/{}/{}/{:.2} ", v.floor(), v.ceil(), v.round(), v.trunc(), v);
    }
    println!();
    println!("round_ties_even: {:?}", vals.iter().map(|v| v.round_ties_even()).collect::<Vec<_>>());

    let nan = f64::NAN;
    let neg_zero = -0.0f64;
    println!(
        "nan==nan {} nan<1 {} max(nan,1) {} min(1,nan) {} -0==0 {} 1/-0 {} signum(-0) {} is_sign_negative(-0) {}",
        nan == nan,
        nan < 1.0,
        nan.max(1.0),
        1.0f64.min(nan),
        neg_zero == 0.0,
        1.0 / neg_zero,
        neg_zero.signum(),
        neg_zero.is_sign_negative()
    );
    let mut xs = vec![3.5, -0.0, f64::INFINITY, 0.0, -7.25, f64::NEG_INFINITY, 1e-300, -1e-300];
    xs.sort_by(|a, b| a.total_cmp(b));
    println!("total_cmp sorted: {:?}", xs);
    println!(
        "bits: 1.0={:#018x} -0.0={:#x} f32 0.1={:#010x} from_bits {} next_up(1.0)-1 = {:e}",
        1.0f64.to_bits(),
        (-0.0f64).to_bits(),
        0.1f32.to_bits(),
        f64::from_bits(0x4009_21fb_5444_2d18),
        f64::from_bits(1.0f64.to_bits() + 1) - 1.0
    );
    let casts = [1e20f64, -1e20, f64::NAN, 255.9, -1.9, 3e9];
    let as_i32: Vec<i32> = casts.iter().map(|&v| v as i32).collect();
    let as_u8: Vec<u8> = casts.iter().map(|&v| v as u8).collect();
    println!("as i32: {:?}\nas u8: {:?}", as_i32, as_u8);
    println!(
        "i64::MAX as f64 = {}, u64::MAX as f32 = {}, 16777217 as f32 = {}",
        i64::MAX as f64,
        u64::MAX as f32,
        16_777_217i32 as f32
    );
    println!(
        "classify: {:?} {:?} {:?} {:?}",
        1e-310f64.classify(),
        0.0f64.classify(),
        f64::NAN.classify(),
        1.0f32.classify()
    );
    println!(
        "mul_add(2,3,4) = {}, rem -7.5%2 = {}, rem_euclid = {}, copysign = {}",
        2.0f64.mul_add(3.0, 4.0),
        -7.5f64 % 2.0,
        (-7.5f64).rem_euclid(2.0),
        3.0f64.copysign(-0.0)
    );
    let mandel: Vec<String> = (0..6)
        .map(|row| {
            (0..24)
                .map(|col| {
                    let c = (-2.2 + col as f64 * 0.12, -1.2 + row as f64 * 0.48);
                    let mut z = (0.0f64, 0.0f64);
                    let mut k = 0;
                    while k < 50 && z.0 * z.0 + z.1 * z.1 <= 4.0 {
                        z = (z.0 * z.0 - z.1 * z.1 + c.0, 2.0 * z.0 * z.1 + c.1);
                        k += 1;
                    }
                    if k == 50 {
                        '#'
                    } else if k > 8 {
                        '+'
                    } else {
                        '.'
                    }
                })
                .collect()
        })
        .collect();
    for line in mandel {
        println!("{line}");
    }
}
