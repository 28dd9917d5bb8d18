//! LLVM's textual pipeline syntax: `default<Oz>,function(sroa,loop-mssa(licm)),cgscc(inline)`.
//!
//! An LLVM [`Pipeline`](crate::Pipeline) is a flat, ordered list of [`PassSpec`]s, each
//! knowing the pass manager it runs in. Printing ([`steps`]) groups adjacent passes of the
//! same nesting into one adaptor, which is also what LLVM's pass builder does with bare pass
//! names; parsing ([`parse`]) accepts every pipeline LLVM accepts and keeps constructs it
//! does not model (`repeat<2>(…)`, a function pass manager inside `cgscc(…)`) as one opaque
//! pass, printed back verbatim. Where the text keeps adjacent passes of one nesting in separate
//! adaptors, the later adaptor stays one opaque module pass, so that the printed text means
//! exactly what was parsed.
//!
//! A bare name's nesting comes from the caller ([`NestOf`]): the LLVM backend looks it up in
//! its pass catalog, as LLVM does; reading a canonical text back needs no catalog, since the
//! canonical text writes every pass that is not a module pass inside its adaptor.

use crate::pipeline::{Nest, PassSpec, PipelineSyntaxError};

/// Parses LLVM's pipeline syntax into passes. Bare names at the top level take their nesting
/// from `nest_of` (LLVM wraps them the same way); names it does not know stay module passes,
/// for LLVM to accept or reject. A pipeline that starts with a bare function or cgscc pass is
/// a function or cgscc pipeline, as in LLVM.
pub fn parse(text: &str, nest_of: NestOf<'_>) -> Result<Vec<PassSpec>, PipelineSyntaxError> {
    let nodes = Parser { text, pos: 0 }.parse_all()?;
    let mut passes = Vec::new();
    flatten_top(&nodes, nest_of, &mut passes);
    Ok(passes)
}

/// The top-level passes of the canonical text, one per pass-manager adaptor.
pub fn steps(passes: &[PassSpec]) -> Vec<String> {
    let mut steps = Vec::new();
    let mut i = 0;
    while i < passes.len() {
        let nest = passes[i].nest;
        let run_end = |pred: &dyn Fn(Nest) -> bool| {
            let mut j = i;
            while j < passes.len() && pred(passes[j].nest) {
                j += 1;
            }
            j
        };
        match nest {
            Nest::Module => {
                steps.push(passes[i].text());
                i += 1;
            }
            Nest::Cgscc => {
                let j = run_end(&|n| n == Nest::Cgscc);
                steps.push(format!("cgscc({})", join(&passes[i..j])));
                i = j;
            }
            _ => {
                let j = run_end(&Nest::is_function_family);
                steps.push(format!("function({})", function_body(&passes[i..j])));
                i = j;
            }
        }
    }
    steps
}

fn join(passes: &[PassSpec]) -> String {
    passes.iter().map(PassSpec::text).collect::<Vec<_>>().join(",")
}

/// The inside of a `function(…)` adaptor: loop passes grouped into `loop(…)` / `loop-mssa(…)`.
fn function_body(passes: &[PassSpec]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < passes.len() {
        let nest = passes[i].nest;
        let mut j = i + 1;
        if nest != Nest::Function {
            while j < passes.len() && passes[j].nest == nest {
                j += 1;
            }
        }
        match nest {
            Nest::Loop => parts.push(format!("loop({})", join(&passes[i..j]))),
            Nest::LoopMssa => parts.push(format!("loop-mssa({})", join(&passes[i..j]))),
            _ => parts.push(passes[i].text()),
        }
        i = j;
    }
    parts.join(",")
}

/// One element of the pipeline syntax: `name<params>(children)`.
#[derive(Debug)]
struct Node<'a> {
    name: &'a str,
    params: Option<&'a str>,
    /// The children and their raw text.
    children: Option<(Vec<Node<'a>>, &'a str)>,
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, message: &str) -> PipelineSyntaxError {
        PipelineSyntaxError {
            text: self.text.to_string(),
            offset: self.pos,
            message: message.to_string(),
        }
    }

    fn parse_all(mut self) -> Result<Vec<Node<'a>>, PipelineSyntaxError> {
        if self.text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let nodes = self.parse_list()?;
        if self.pos != self.text.len() {
            return Err(self.error("unbalanced `)`"));
        }
        Ok(nodes)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn parse_list(&mut self) -> Result<Vec<Node<'a>>, PipelineSyntaxError> {
        let mut nodes = vec![self.parse_node()?];
        loop {
            self.skip_space();
            if self.peek() != Some(b',') {
                return Ok(nodes);
            }
            self.pos += 1;
            nodes.push(self.parse_node()?);
        }
    }

    fn parse_node(&mut self) -> Result<Node<'a>, PipelineSyntaxError> {
        self.skip_space();
        let start = self.pos;
        while self.peek().is_some_and(|c| !b",()<> \t\n".contains(&c)) {
            self.pos += 1;
        }
        let name = &self.text[start..self.pos];
        if name.is_empty() {
            return Err(self.error("expected a pass name"));
        }
        let mut params = None;
        if self.peek() == Some(b'<') {
            let open = self.pos + 1;
            let mut depth = 0usize;
            loop {
                match self.peek() {
                    None => return Err(self.error("unclosed `<`")),
                    Some(b'<') => depth += 1,
                    Some(b'>') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                self.pos += 1;
            }
            params = Some(&self.text[open..self.pos]);
            self.pos += 1;
        }
        let mut children = None;
        if self.peek() == Some(b'(') {
            self.pos += 1;
            let inner_start = self.pos;
            self.skip_space();
            let list = if self.peek() == Some(b')') { Vec::new() } else { self.parse_list()? };
            self.skip_space();
            if self.peek() != Some(b')') {
                return Err(self.error("expected `)`"));
            }
            children = Some((list, &self.text[inner_start..self.pos]));
            self.pos += 1;
        }
        Ok(Node { name, params, children })
    }
}

fn opaque(node: &Node<'_>, nest: Nest) -> PassSpec {
    PassSpec {
        name: node.name.to_string(),
        params: node.params.map(str::to_string),
        nest,
        inner: node.children.as_ref().map(|(_, raw)| raw.trim().to_string()),
    }
}

fn leaf(node: &Node<'_>, nest: Nest) -> PassSpec {
    PassSpec {
        name: node.name.to_string(),
        params: node.params.map(str::to_string),
        nest,
        inner: None,
    }
}

/// How the parser learns the nesting of a bare pass name: from a pass catalog, or `None`
/// for a module pass.
pub type NestOf<'a> = &'a dyn Fn(&str) -> Option<Nest>;

/// Flattens a top-level pipeline. Printing merges adjacent passes of one nesting into one
/// adaptor; where the text keeps them in separate adaptors, the later adaptor stays one
/// opaque module pass, so that the printed text means exactly what was parsed.
fn flatten_top(nodes: &[Node<'_>], nest_of: NestOf<'_>, out: &mut Vec<PassSpec>) {
    // LLVM reads a pipeline that starts with a bare function or cgscc pass name as a
    // function or cgscc pipeline.
    if let Some(first) = nodes.first()
        && first.children.is_none()
    {
        match nest_of(first.name).unwrap_or(Nest::Module) {
            n if n.is_function_family() => return flatten_function(nodes, out),
            Nest::Cgscc => return flatten_cgscc(nodes, out),
            _ => {}
        }
    }
    for node in nodes {
        let prev = out.last().map(|p| p.nest);
        let after_function = prev.is_some_and(Nest::is_function_family);
        match (&node.children, node.name, node.params) {
            (Some((children, _)), "module", None) => flatten_top(children, nest_of, out),
            (Some((children, _)), "function", None) if !after_function => {
                flatten_function(children, out)
            }
            (Some((children, _)), "cgscc", None) if prev != Some(Nest::Cgscc) => {
                flatten_cgscc(children, out)
            }
            (Some(_), _, _) => out.push(opaque(node, Nest::Module)),
            (None, name, params) => {
                let nest = nest_of(name).unwrap_or(Nest::Module);
                let merges = (nest.is_function_family() && after_function)
                    || (nest == Nest::Cgscc && prev == Some(Nest::Cgscc));
                if merges {
                    // LLVM gives this pass its own adaptor.
                    let adaptor = if nest == Nest::Cgscc { "cgscc" } else { "function" };
                    let mut inner = leaf(node, nest).text();
                    if nest == Nest::Loop {
                        inner = format!("loop({inner})");
                    } else if nest == Nest::LoopMssa {
                        inner = format!("loop-mssa({inner})");
                    }
                    out.push(PassSpec {
                        name: adaptor.into(),
                        params: None,
                        nest: Nest::Module,
                        inner: Some(inner),
                    });
                } else {
                    out.push(PassSpec { params: params.map(str::to_string), ..leaf(node, nest) });
                }
            }
        }
    }
}

fn flatten_cgscc(nodes: &[Node<'_>], out: &mut Vec<PassSpec>) {
    for child in nodes {
        if child.children.is_some() {
            out.push(opaque(child, Nest::Cgscc));
        } else {
            out.push(leaf(child, Nest::Cgscc));
        }
    }
}

fn flatten_function(nodes: &[Node<'_>], out: &mut Vec<PassSpec>) {
    let start = out.len();
    for node in nodes {
        let prev = out[start..].last().map(|p| p.nest);
        match (&node.children, node.name, node.params) {
            (Some((children, _)), "loop" | "loop-mssa", None)
                if children.iter().all(|c| c.children.is_none()) =>
            {
                let nest = if node.name == "loop" { Nest::Loop } else { Nest::LoopMssa };
                if prev == Some(nest) {
                    // A second adaptor right after the first: keep it separate.
                    out.push(opaque(node, Nest::Function));
                } else {
                    out.extend(children.iter().map(|c| leaf(c, nest)));
                }
            }
            (Some(_), _, _) => out.push(opaque(node, Nest::Function)),
            (None, _, _) => out.push(leaf(node, Nest::Function)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{BackendKind, Pipeline};

    /// A few passes' nesting, as the LLVM backend's catalog gives it.
    fn nest_of(name: &str) -> Option<Nest> {
        match name {
            "sroa" | "gvn" | "instcombine" => Some(Nest::Function),
            "licm" => Some(Nest::LoopMssa),
            "inline" => Some(Nest::Cgscc),
            "globaldce" => Some(Nest::Module),
            _ => None,
        }
    }

    fn pipeline(text: &str) -> Pipeline {
        Pipeline::new(BackendKind::Llvm, parse(text, &nest_of).unwrap())
    }

    fn roundtrip(text: &str) -> String {
        pipeline(text).text()
    }

    #[test]
    fn canonical_text_is_a_fixpoint() {
        for text in [
            "default<O2>",
            "default<Oz>,function(sroa,instcombine<no-verify-fixpoint>),cgscc(inline)",
            "function(loop-mssa(licm),loop(loop-rotate,loop-deletion),gvn)",
            "repeat<2>(function(sroa)),globaldce",
            "cgscc(devirt<4>(inline,function(sroa)))",
            "function(simplifycfg<bonus-inst-threshold=1;switch-to-lookup>)",
        ] {
            assert_eq!(roundtrip(text), text);
            // Read back without a catalog, the canonical text gives the same passes.
            assert_eq!(Pipeline::read(BackendKind::Llvm, text).unwrap(), pipeline(text), "{text}");
        }
    }

    #[test]
    fn adjacent_passes_share_one_adaptor_unless_the_text_separates_them() {
        let p = Pipeline::new(
            BackendKind::Llvm,
            vec![
                PassSpec::new("sroa", Nest::Function),
                PassSpec::new("gvn", Nest::Function),
                PassSpec::new("globaldce", Nest::Module),
            ],
        );
        assert_eq!(p.text(), "function(sroa,gvn),globaldce");
        for (text, printed) in [
            ("function(sroa),function(gvn),globaldce", "function(sroa),function(gvn),globaldce"),
            ("module(function(loop(a),loop(b)))", "function(loop(a),loop(b))"),
            ("cgscc(inline),cgscc(function-attrs)", "cgscc(inline),cgscc(function-attrs)"),
            ("function(sroa),gvn", "function(sroa),function(gvn)"),
        ] {
            assert_eq!(roundtrip(text), printed);
            assert_eq!(roundtrip(printed), printed);
            let read = Pipeline::read(BackendKind::Llvm, printed).unwrap();
            assert_eq!(read, pipeline(printed), "{printed}");
        }
        let p = pipeline("function(sroa),cgscc(inline),function(gvn,loop-mssa(licm))");
        assert_eq!(p.steps(), ["function(sroa)", "cgscc(inline)", "function(gvn,loop-mssa(licm))"]);
    }

    #[test]
    fn bare_names_take_their_nesting_from_the_lookup() {
        let p = pipeline("globaldce,sroa,gvn");
        assert_eq!(p.passes[0].nest, Nest::Module);
        assert_eq!(p.passes[1].nest, Nest::Function);
        assert_eq!(p.text(), "globaldce,function(sroa),function(gvn)");
        // A pipeline that starts with a function pass is a function pipeline.
        assert_eq!(roundtrip("sroa,gvn"), "function(sroa,gvn)");
        // Without a lookup, a bare name is a module pass.
        let bare = Pipeline::read(BackendKind::Llvm, "sroa").unwrap();
        assert_eq!(bare.passes[0].nest, Nest::Module);
    }

    #[test]
    fn syntax_errors_say_where() {
        let e = parse("function(sroa", &nest_of).unwrap_err();
        assert_eq!(e.offset, 13);
        assert!(parse("a,,b", &nest_of).is_err());
        assert!(parse("default<O2", &nest_of).is_err());
        assert!(parse("a)", &nest_of).is_err());
        assert!(parse("", &nest_of).unwrap().is_empty());
    }
}
