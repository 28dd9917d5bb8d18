//! Exercises string handling and formatting: parsing a CSV table and a log built in the program
//! (`split`, `trim`, `parse::<f64>` with error handling), `format!` width/precision/alignment/
//! sign/radix flags (`{:>8.3}`, `{:<10}`, `{:^12}`, `{:08.2}`, `{:+}`, `{:#x}`, `{:#b}`, `{:e}`),
//! user `Display`/`Debug` impls, `{:?}`/`{:#?}`, chars and UTF-8, `char_indices`, `to_uppercase`,
//! `replace`, `String` building with `write!`.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

#[derive(Debug, Clone, PartialEq)]
struct Row {
    name: String,
    city: String,
    score: f64,
    visits: u32,
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<8}|{:^10}|{:>8.3}|{:>4}", self.name, self.city, self.score, self.visits)
    }
}

#[derive(Debug)]
enum ParseError {
    Fields(usize, usize),
    Number(usize, String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Fields(line, n) => write!(f, "line {line}: expected 4 fields, got {n}"),
            ParseError::Number(line, s) => write!(f, "line {line}: bad number {s:?}"),
        }
    }
}

fn parse_row(line_no: usize, line: &str) -> Result<Row, ParseError> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    if fields.len() != 4 {
        return Err(ParseError::Fields(line_no, fields.len()));
    }
    let score =
        fields[2].parse::<f64>().map_err(|_| ParseError::Number(line_no, fields[2].to_string()))?;
    let visits =
        fields[3].parse::<u32>().map_err(|_| ParseError::Number(line_no, fields[3].to_string()))?;
    Ok(Row { name: fields[0].to_string(), city: fields[1].to_string(), score, visits })
}

struct Hex<'a>(&'a [u8]);

impl fmt::Debug for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("0x")?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

fn main() {
    let mut csv = String::new();
    csv.push_str("name, city, score, visits\n");
    let names = ["alice", "bob", "carol", "dave", "eve", "frank", "grace"];
    let cities = ["Paris", "Oslo", "Lima", "Paris", "Oslo", "Quito", "Lima"];
    for (i, (n, c)) in names.iter().zip(cities.iter()).enumerate() {
        let score = (i as f64 * 7.25 + 3.0) / 3.0;
        writeln!(csv, "{n}, {c}, {score:.4}, {}", (i * 13 + 5) % 40).unwrap();
    }
    csv.push_str("mallory, Rome, 12.x, 3\n");
    csv.push_str("trent, Rome\n");
    csv.push_str("peggy, Bern, 9.5, -2\n");

    let mut rows = Vec::new();
    for (i, line) in csv.lines().enumerate().skip(1) {
        match parse_row(i + 1, line) {
            Ok(r) => rows.push(r),
            Err(e) => println!("error: {e}"),
        }
    }
    println!("{:<8}|{:^10}|{:>8}|{:>4}", "name", "city", "score", "n");
    println!("{}", "-".repeat(33));
    for r in &rows {
        println!("{r}");
    }

    let mut by_city: BTreeMap<&str, (f64, u32, usize)> = BTreeMap::new();
    for r in &rows {
        let e = by_city.entry(r.city.as_str()).or_insert((0.0, 0, 0));
        e.0 += r.score;
        e.1 += r.visits;
        e.2 += 1;
    }
    for (city, (score, visits, n)) in &by_city {
        println!("{city:>6}: avg {:>7.2} visits {visits:03} rows {n}", score / *n as f64);
    }
    println!("{:?}", rows[0]);
    println!("{:#?}", rows[1]);

    // A log: key=value pairs, levels, counting.
    let log = "\
        [INFO] start pid=42 user=root\n\
        [WARN] disk usage=91% mount=/var\n\
        [INFO] request path=/index.html status=200 bytes=5120\n\
        [ERROR] request path=/missing status=404 bytes=0\n\
        [INFO] request path=/api/v1 status=200 bytes=812\n\
        [DEBUG] cache hit ratio=0.875\n\
        [ERROR] timeout after=30s\n";
    let mut levels: BTreeMap<&str, u32> = BTreeMap::new();
    let mut bytes_total = 0u64;
    for line in log.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix('[') else { continue };
        let Some((level, msg)) = rest.split_once(']') else { continue };
        *levels.entry(level).or_default() += 1;
        for kv in msg.split_whitespace().filter(|t| t.contains('=')) {
            let (k, v) = kv.split_once('=').unwrap();
            if k == "bytes" {
                bytes_total += v.parse::<u64>().unwrap_or(0);
            }
        }
    }
    println!("levels: {:?}, bytes: {bytes_total}", levels);

    // Number formatting flags.
    let x = 3.14159265358979_f64;
    let n = 255i32;
    println!(
        "[{x:>10.3}] [{x:<10.2}] [{x:^10.1}] [{x:010.4}] [{x:+.2}] [{:e}] [{:E}]",
        1234.5f64, 0.00012f64
    );
    println!("[{n:#x}] [{n:#X}] [{n:#o}] [{n:#b}] [{n:08b}] [{:+}] [{:>+6}] [{:<6}|]", n, -n, n);
    println!("[{:>w$.p$}] [{:*^9}] [{:->7}] [{:#06x}]", 2.0f64 / 3.0, "mid", 42, 255, w = 9, p = 5);
    println!(
        "[{:?}] [{:?}] [{:?}] [{}] [{}]",
        1.0f64,
        0.1f32 + 0.2f32,
        f64::NAN,
        f64::INFINITY,
        -0.0f64
    );
    println!("[{:?}] [{:?}]", "tab\there \"q\" \u{e9}", 'x');
    println!("{:?}", Hex(&[0xde, 0xad, 0xbe, 0xef, 0x01]));

    // Chars and UTF-8.
    let s = "Grüße, Jürgen! Ça va? ☕";
    println!("bytes {} chars {} upper {}", s.len(), s.chars().count(), s.to_uppercase());
    let non_ascii: Vec<(usize, char)> = s.char_indices().filter(|(_, c)| !c.is_ascii()).collect();
    println!("non-ascii: {:?}", non_ascii);
    let reversed: String = s.chars().rev().collect();
    println!("reversed: {reversed}");
    let words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_lowercase().collect::<String>() + &cs.as_str().to_uppercase(),
                None => String::new(),
            }
        })
        .collect();
    println!("words: {:?}", words);
    let replaced = "a-b-c-d".replace('-', "::").replacen("::", "->", 2);
    println!(
        "{replaced} starts_with a: {} find c: {:?}",
        replaced.starts_with('a'),
        replaced.find('c')
    );
    let padded = format!("{:>5}|{:<5}|{:^5}", "ab", "cd", "ef");
    println!("{padded} len={}", padded.len());
    let num_words = ["12", " 7 ", "-3", "0x1f", "4e2", "9999999999"];
    for w in num_words {
        let as_i32 = w.trim().parse::<i32>();
        let as_f = w.trim().parse::<f64>();
        println!("{w:>12} -> i32 {:<40} f64 {:?}", format!("{as_i32:?}"), as_f.ok());
    }
}
