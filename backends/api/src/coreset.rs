//! A coreset: a few pipelines learned offline, which together do nearly as well on a set of
//! training programs as everything a search found on each of them, with how each pipeline did
//! on each training program and that program's features. A search evaluates them first, in the
//! order the training programs most like its own predict (opm-search's `coreset` model).
//!
//! Stored as text, one record per line, fields separated by tabs (`#` starts a comment):
//!
//! ```text
//! features<TAB>NAME<TAB>NAME…            the program features, by name, once
//! sequence<TAB>PIPELINE                  one per pipeline, in the order they were chosen
//! program<TAB>NAME<TAB>F,F,…<TAB>S,S,…   per training program: its features, and per
//!                                        sequence the baseline's instructions over the
//!                                        sequence's (above 1: fewer; 0: it failed)
//! ```

use crate::pipeline::Pipeline;
use crate::space::Goal;

/// A coreset for one goal of one backend.
#[derive(Clone, Debug, PartialEq)]
pub struct Coreset {
    pub goal: Goal,
    /// The names of the program features, in the order of [`TrainingProgram::features`].
    pub feature_names: Vec<String>,
    /// The pipelines, in the order the offline selection chose them (most useful first).
    pub sequences: Vec<Pipeline>,
    pub programs: Vec<TrainingProgram>,
}

/// One program the coreset was learned on.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingProgram {
    pub name: String,
    pub features: Vec<f64>,
    /// Per sequence: the baseline's instruction count over the sequence's (0: it failed).
    pub scores: Vec<f64>,
}

impl Coreset {
    /// Reads a coreset's text; `read` reads one pipeline. Errors name the line.
    pub fn parse(
        goal: Goal,
        text: &str,
        read: &dyn Fn(&str) -> Result<Pipeline, String>,
    ) -> Result<Coreset, String> {
        let mut c = Coreset {
            goal,
            feature_names: Vec::new(),
            sequences: Vec::new(),
            programs: Vec::new(),
        };
        let numbers = |field: &str, what: &str| -> Result<Vec<f64>, String> {
            field
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| format!("{what}: `{s}` is not a finite number"))
                })
                .collect()
        };
        for (i, line) in text.lines().enumerate() {
            let at = |e: String| format!("line {}: {e}", i + 1);
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            match fields[..] {
                ["features", ref names @ ..] => {
                    c.feature_names = names.iter().map(|s| s.to_string()).collect()
                }
                ["sequence", text] => c.sequences.push(read(text).map_err(at)?),
                ["program", name, features, scores] => {
                    let p = TrainingProgram {
                        name: name.to_string(),
                        features: numbers(features, "features").map_err(at)?,
                        scores: numbers(scores, "scores").map_err(at)?,
                    };
                    if p.features.len() != c.feature_names.len() {
                        return Err(at(format!(
                            "{} features, the header names {}",
                            p.features.len(),
                            c.feature_names.len()
                        )));
                    }
                    if p.scores.len() != c.sequences.len() {
                        return Err(at(format!(
                            "{} scores for {} sequences above",
                            p.scores.len(),
                            c.sequences.len()
                        )));
                    }
                    c.programs.push(p);
                }
                _ => {
                    let kind = fields.first().copied().unwrap_or_default();
                    return Err(at(format!(
                        "unexpected record `{kind}` with {} fields",
                        fields.len()
                    )));
                }
            }
        }
        Ok(c)
    }

    /// The text [`Coreset::parse`] reads, after `comments` (one `#` line each).
    pub fn to_text(&self, comments: &[String]) -> String {
        let mut out = String::new();
        for c in comments {
            out += &format!("# {c}\n");
        }
        out += &format!("features\t{}\n", self.feature_names.join("\t"));
        for s in &self.sequences {
            out += &format!("sequence\t{}\n", s.text());
        }
        let join = |v: &[f64]| v.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(",");
        for p in &self.programs {
            out += &format!("program\t{}\t{}\t{}\n", p.name, join(&p.features), join(&p.scores));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::BackendKind;

    fn read(text: &str) -> Result<Pipeline, String> {
        Pipeline::read(BackendKind::Llvm, text).map_err(|e| e.to_string())
    }

    #[test]
    fn round_trips_and_names_bad_lines() {
        let text = "# a comment\nfeatures\ta\tb\nsequence\tinstcombine\nsequence\tgvn,dce\n\
                    program\tp1\t1.0000,2.5000\t1.2000,0.0000\n";
        let c = Coreset::parse(Goal::Small, text, &read).unwrap();
        assert_eq!(c.sequences.len(), 2);
        assert_eq!(c.programs[0].scores, vec![1.2, 0.0]);
        let again = Coreset::parse(Goal::Small, &c.to_text(&["a comment".into()]), &read);
        assert_eq!(again.as_ref(), Ok(&c));
        let bad = text.replace("0.0000\n", "x\n");
        let e = Coreset::parse(Goal::Small, &bad, &read).unwrap_err();
        assert!(e.starts_with("line 5: scores: `x`"), "{e}");
        let short = text.replace(",0.0000", "");
        let e = Coreset::parse(Goal::Small, &short, &read).unwrap_err();
        assert_eq!(e, "line 5: 1 scores for 2 sequences above");
        let e = Coreset::parse(Goal::Small, "nonsense\n", &read).unwrap_err();
        assert_eq!(e, "line 1: unexpected record `nonsense` with 1 fields");
    }
}
