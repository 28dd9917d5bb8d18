//! Exercises error handling: a custom error enum implementing `std::error::Error` with
//! `source()` chains, `From` conversions that make `?` convert `ParseIntError`/`ParseFloatError`,
//! `Box<dyn Error>` as a catch-all, `Option` combinators (`ok_or`, `and_then`, `?` on Option),
//! `Result` combinators (`map_err`, `and_then`, `unwrap_or_else`, `collect` into `Result<Vec>`),
//! and `main` returning `Result`: the final `Err` makes the process exit with status 1 and
//! print `Error: <Debug>` on stderr.

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt;
use std::num::{ParseFloatError, ParseIntError};

#[derive(Debug)]
enum ConfigError {
    Missing(String),
    BadInt { key: String, source: ParseIntError },
    BadFloat { key: String, source: ParseFloatError },
    Range { key: String, value: i64, min: i64, max: i64 },
    Syntax(usize, String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Missing(k) => write!(f, "missing key '{k}'"),
            ConfigError::BadInt { key, .. } => write!(f, "key '{key}' is not an integer"),
            ConfigError::BadFloat { key, .. } => write!(f, "key '{key}' is not a number"),
            ConfigError::Range { key, value, min, max } => {
                write!(f, "key '{key}' = {value} outside {min}..={max}")
            }
            ConfigError::Syntax(line, text) => write!(f, "line {line}: cannot parse {text:?}"),
        }
    }
}

impl Error for ConfigError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ConfigError::BadInt { source, .. } => Some(source),
            ConfigError::BadFloat { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[derive(Debug)]
struct AppError {
    context: String,
    cause: Box<dyn Error>,
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.context)
    }
}

impl Error for AppError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.cause.as_ref())
    }
}

impl From<ConfigError> for AppError {
    fn from(e: ConfigError) -> Self {
        AppError { context: "configuration rejected".into(), cause: Box::new(e) }
    }
}

struct Config {
    entries: BTreeMap<String, String>,
}

impl Config {
    fn parse(text: &str) -> Result<Config, ConfigError> {
        let mut entries = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) =
                line.split_once('=').ok_or_else(|| ConfigError::Syntax(i + 1, line.to_string()))?;
            entries.insert(k.trim().to_string(), v.trim().to_string());
        }
        Ok(Config { entries })
    }
    fn raw(&self, key: &str) -> Result<&str, ConfigError> {
        self.entries
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| ConfigError::Missing(key.to_string()))
    }
    fn int(&self, key: &str, min: i64, max: i64) -> Result<i64, ConfigError> {
        let value: i64 = self
            .raw(key)?
            .parse()
            .map_err(|source| ConfigError::BadInt { key: key.into(), source })?;
        if value < min || value > max {
            return Err(ConfigError::Range { key: key.into(), value, min, max });
        }
        Ok(value)
    }
    fn float(&self, key: &str) -> Result<f64, ConfigError> {
        self.raw(key)?.parse().map_err(|source| ConfigError::BadFloat { key: key.into(), source })
    }
    fn list(&self, key: &str) -> Result<Vec<i64>, Box<dyn Error>> {
        let v = self
            .raw(key)?
            .split(',')
            .map(|s| s.trim().parse::<i64>())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(v)
    }
}

fn chain(e: &dyn Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(" <- ")
}

fn middle_initial(name: &str) -> Option<char> {
    let mut parts = name.split_whitespace();
    parts.next()?;
    let mid = parts.next()?;
    parts.next()?;
    mid.chars().next()
}

fn load(text: &str) -> Result<(i64, f64, Vec<i64>), AppError> {
    let cfg = Config::parse(text)?;
    let workers = cfg.int("workers", 1, 64)?;
    let ratio = cfg.float("ratio")?;
    let weights =
        cfg.list("weights").map_err(|cause| AppError { context: "weights list".into(), cause })?;
    Ok((workers, ratio, weights))
}

const CONFIGS: &[&str] = &[
    "workers = 8\nratio = 0.75\nweights = 1, 2, 3",
    "# comment\nworkers = 100\nratio = 1\nweights = 4",
    "workers = eight\nratio = 1\nweights = 1",
    "workers = 4\nratio = 1.2.3\nweights = 1",
    "workers = 4\nweights = 1",
    "workers = 4\nratio = 2\nweights = 1, x, 3",
    "workers = 4\nthis line is wrong\n",
    "workers = 99999999999999999999\nratio = 0\nweights = 0",
];

fn main() -> Result<(), AppError> {
    let mut ok = 0;
    for (i, text) in CONFIGS.iter().enumerate() {
        match load(text) {
            Ok((w, r, ws)) => {
                ok += 1;
                println!(
                    "config {i}: workers={w} ratio={r:.2} weights={:?} total={}",
                    ws,
                    ws.iter().sum::<i64>()
                );
            }
            Err(e) => println!("config {i}: {}", chain(&e)),
        }
    }
    println!("{ok} of {} configs loaded", CONFIGS.len());

    for name in ["John Ronald Tolkien", "Ada Lovelace", "Grace Brewster Murray Hopper", "Plato"] {
        println!("middle initial of {name:?}: {:?}", middle_initial(name));
    }
    let sums: Vec<Result<i32, String>> = ["1 2 3", "4 five 6", "", "7 -8"]
        .iter()
        .map(|s| {
            s.split_whitespace().map(|t| t.parse::<i32>().map_err(|e| format!("{t}: {e}"))).sum()
        })
        .collect();
    println!("sums: {:?}", sums);
    let parsed: Result<Vec<u8>, _> = "10,20,300".split(',').map(str::parse::<u8>).collect();
    println!("collect into Result: {:?}", parsed.map_err(|e| e.to_string()));
    let fallback = "abc".parse::<i32>().unwrap_or_else(|e| e.to_string().len() as i32);
    let chained =
        "42".parse::<i32>().ok().and_then(|v| v.checked_mul(1 << 26)).map_or(-1, |v| v / 2);
    println!("fallback {fallback}, chained {chained}");
    let boxed: Box<dyn Error> = From::from("plain string error");
    println!("boxed: {boxed}, source none: {}", boxed.source().is_none());

    // The final configuration failure is returned from main: exit status 1.
    let (w, _, _) = load(CONFIGS[4])?;
    println!("not reached {w}");
    Ok(())
}
