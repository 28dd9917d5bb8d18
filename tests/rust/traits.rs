//! Exercises traits and dynamic dispatch: a `Shape` trait with default methods implemented by
//! several structs, a `Vec<Box<dyn Shape>>` walked in a loop, `&dyn` arguments, trait objects
//! behind `Rc`, supertraits, `Any` downcasting, operator overloading (`Add`, `Mul`, `Neg`,
//! `Index`), `PartialOrd`/`Ord` impls, and `Display` for trait objects.

use std::any::Any;
use std::cmp::Ordering;
use std::f64::consts::PI;
use std::fmt;
use std::ops::{Add, Index, Mul, Neg, Sub};
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq)]
struct V2 {
    x: f64,
    y: f64,
}

impl Add for V2 {
    type Output = V2;
    fn add(self, o: V2) -> V2 {
        V2 { x: self.x + o.x, y: self.y + o.y }
    }
}
impl Sub for V2 {
    type Output = V2;
    fn sub(self, o: V2) -> V2 {
        V2 { x: self.x - o.x, y: self.y - o.y }
    }
}
impl Mul<f64> for V2 {
    type Output = V2;
    fn mul(self, k: f64) -> V2 {
        V2 { x: self.x * k, y: self.y * k }
    }
}
impl Neg for V2 {
    type Output = V2;
    fn neg(self) -> V2 {
        V2 { x: -self.x, y: -self.y }
    }
}
impl V2 {
    fn cross(self, o: V2) -> f64 {
        self.x * o.y - self.y * o.x
    }
    fn len(self) -> f64 {
        self.x.hypot(self.y)
    }
}

trait Named {
    fn name(&self) -> String;
}

trait Shape: Named {
    fn area(&self) -> f64;
    fn perimeter(&self) -> f64;
    fn translate(&mut self, d: V2);
    fn centroid(&self) -> V2;
    fn as_any(&self) -> &dyn Any;
    fn describe(&self) -> String {
        format!("{} area={:.3} perim={:.3}", self.name(), self.area(), self.perimeter())
    }
    fn compactness(&self) -> f64 {
        4.0 * PI * self.area() / (self.perimeter() * self.perimeter())
    }
}

struct Circle {
    c: V2,
    r: f64,
}
struct Rect {
    min: V2,
    w: f64,
    h: f64,
}
struct Polygon {
    pts: Vec<V2>,
}

impl Named for Circle {
    fn name(&self) -> String {
        format!("circle(r={})", self.r)
    }
}
impl Named for Rect {
    fn name(&self) -> String {
        format!("rect({}x{})", self.w, self.h)
    }
}
impl Named for Polygon {
    fn name(&self) -> String {
        format!("polygon[{}]", self.pts.len())
    }
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        PI * self.r * self.r
    }
    fn perimeter(&self) -> f64 {
        2.0 * PI * self.r
    }
    fn translate(&mut self, d: V2) {
        self.c = self.c + d;
    }
    fn centroid(&self) -> V2 {
        self.c
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Shape for Rect {
    fn area(&self) -> f64 {
        self.w * self.h
    }
    fn perimeter(&self) -> f64 {
        2.0 * (self.w + self.h)
    }
    fn translate(&mut self, d: V2) {
        self.min = self.min + d;
    }
    fn centroid(&self) -> V2 {
        self.min + V2 { x: self.w / 2.0, y: self.h / 2.0 }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn describe(&self) -> String {
        format!("{} [square={}]", self.name(), self.w == self.h)
    }
}

impl Shape for Polygon {
    fn area(&self) -> f64 {
        let n = self.pts.len();
        (0..n).map(|i| self.pts[i].cross(self.pts[(i + 1) % n])).sum::<f64>().abs() / 2.0
    }
    fn perimeter(&self) -> f64 {
        let n = self.pts.len();
        (0..n).map(|i| (self.pts[(i + 1) % n] - self.pts[i]).len()).sum()
    }
    fn translate(&mut self, d: V2) {
        for p in &mut self.pts {
            *p = *p + d;
        }
    }
    fn centroid(&self) -> V2 {
        let n = self.pts.len() as f64;
        self.pts.iter().fold(V2 { x: 0.0, y: 0.0 }, |a, p| a + *p) * (1.0 / n)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Index<usize> for Polygon {
    type Output = V2;
    fn index(&self, i: usize) -> &V2 {
        &self.pts[i % self.pts.len()]
    }
}

impl fmt::Display for dyn Shape + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.centroid();
        write!(f, "<{} @ ({:.2}, {:.2})>", self.name(), c.x, c.y)
    }
}

fn total_area(shapes: &[Box<dyn Shape>]) -> f64 {
    shapes.iter().map(|s| s.area()).sum()
}

fn largest<'a>(shapes: &'a [Box<dyn Shape>]) -> &'a dyn Shape {
    shapes
        .iter()
        .max_by(|a, b| a.area().partial_cmp(&b.area()).unwrap_or(Ordering::Equal))
        .map(|b| b.as_ref())
        .unwrap()
}

// A second trait-object family: an event-driven "animal" simulation with state.
trait Animal {
    fn speak(&self) -> &'static str;
    fn step(&mut self, tick: u32) -> Option<String>;
    fn energy(&self) -> i32;
}

struct Dog {
    energy: i32,
}
struct Cat {
    energy: i32,
    naps: u32,
}
struct Bird {
    energy: i32,
    height: u32,
}

impl Animal for Dog {
    fn speak(&self) -> &'static str {
        "woof"
    }
    fn step(&mut self, tick: u32) -> Option<String> {
        self.energy -= 3;
        if tick % 4 == 0 { Some(format!("dog fetches (e={})", self.energy)) } else { None }
    }
    fn energy(&self) -> i32 {
        self.energy
    }
}
impl Animal for Cat {
    fn speak(&self) -> &'static str {
        "meow"
    }
    fn step(&mut self, tick: u32) -> Option<String> {
        if tick % 3 == 0 {
            self.naps += 1;
            self.energy += 5;
            Some(format!("cat naps #{}", self.naps))
        } else {
            self.energy -= 1;
            None
        }
    }
    fn energy(&self) -> i32 {
        self.energy
    }
}
impl Animal for Bird {
    fn speak(&self) -> &'static str {
        "tweet"
    }
    fn step(&mut self, tick: u32) -> Option<String> {
        self.energy -= 2;
        self.height = (self.height + tick * 3) % 50;
        if self.height > 40 { Some(format!("bird soars to {}", self.height)) } else { None }
    }
    fn energy(&self) -> i32 {
        self.energy
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Version(u32, u32, u32);

impl PartialOrd for Version {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Version {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.0, self.1, self.2).cmp(&(o.0, o.1, o.2))
    }
}

fn main() {
    let mut shapes: Vec<Box<dyn Shape>> = vec![
        Box::new(Circle { c: V2 { x: 0.0, y: 0.0 }, r: 1.5 }),
        Box::new(Rect { min: V2 { x: 1.0, y: 1.0 }, w: 3.0, h: 2.0 }),
        Box::new(Polygon {
            pts: vec![V2 { x: 0.0, y: 0.0 }, V2 { x: 4.0, y: 0.0 }, V2 { x: 0.0, y: 3.0 }],
        }),
        Box::new(Rect { min: V2 { x: -2.0, y: 0.5 }, w: 2.5, h: 2.5 }),
        Box::new(Polygon {
            pts: (0..6)
                .map(|i| {
                    let a = i as f64 * PI / 3.0;
                    V2 { x: 0.5 + 2.0 * a.cos(), y: 0.25 + 2.0 * a.sin() }
                })
                .collect(),
        }),
        Box::new(Circle { c: V2 { x: 5.0, y: -1.0 }, r: 0.25 }),
    ];
    for s in &shapes {
        println!("{:<36} compact={:.4}", s.describe(), s.compactness());
    }
    println!("total area {:.4}", total_area(&shapes));
    println!("largest: {}", largest(&shapes));
    for (i, s) in shapes.iter_mut().enumerate() {
        s.translate(V2 { x: i as f64, y: -(i as f64) } * 0.5);
    }
    for s in &shapes {
        println!("  moved {}", s);
    }
    let circles = shapes.iter().filter_map(|s| s.as_any().downcast_ref::<Circle>()).count();
    let rect_area: f64 =
        shapes.iter().filter_map(|s| s.as_any().downcast_ref::<Rect>()).map(|r| r.w * r.h).sum();
    println!("circles {circles}, rect area {rect_area}");
    if let Some(p) = shapes[2].as_any().downcast_ref::<Polygon>() {
        println!("triangle vertex 4 (wraps): {:?}, neg {:?}", p[4], -p[1]);
    }

    let shared: Vec<Rc<dyn Shape>> = vec![
        Rc::new(Circle { c: V2 { x: 1.0, y: 1.0 }, r: 2.0 }),
        Rc::new(Rect { min: V2 { x: 0.0, y: 0.0 }, w: 1.0, h: 4.0 }),
    ];
    let alias = Rc::clone(&shared[0]);
    println!("rc strong count {}, alias area {:.3}", Rc::strong_count(&shared[0]), alias.area());

    let mut zoo: Vec<Box<dyn Animal>> = vec![
        Box::new(Dog { energy: 40 }),
        Box::new(Cat { energy: 20, naps: 0 }),
        Box::new(Bird { energy: 30, height: 7 }),
    ];
    let mut events = 0;
    for tick in 1..=12 {
        for a in zoo.iter_mut() {
            if let Some(ev) = a.step(tick) {
                events += 1;
                println!("t{tick:02} {}: {ev}", a.speak());
            }
        }
    }
    let energies: Vec<String> =
        zoo.iter().map(|a| format!("{}={}", a.speak(), a.energy())).collect();
    println!("{events} events, energies {}", energies.join(" "));

    let mut versions = vec![
        Version(1, 2, 3),
        Version(1, 10, 0),
        Version(0, 9, 9),
        Version(1, 2, 10),
        Version(1, 2, 3),
    ];
    versions.sort();
    versions.dedup();
    println!("versions: {:?}", versions);
    println!(
        "max {:?}, 1.2.3 < 1.10.0: {}",
        versions.iter().max(),
        Version(1, 2, 3) < Version(1, 10, 0)
    );
}
