//! Control-flow graph facts: reverse postorder and dominators (Cooper, Harvey and Kennedy,
//! "A Simple, Fast Dominance Algorithm"). Edges to blocks that do not exist are ignored.

use crate::module::Function;
use crate::value::BlockId;

/// The control-flow graph of one function body.
pub struct Cfg {
    /// Successor lists (only existing blocks, duplicates removed).
    pub succs: Vec<Vec<BlockId>>,
    /// Predecessor lists (only existing blocks, duplicates removed).
    pub preds: Vec<Vec<BlockId>>,
    /// Blocks reachable from the entry, in reverse postorder.
    pub rpo: Vec<BlockId>,
    /// Position of each block in `rpo`; `None` when unreachable.
    rpo_index: Vec<Option<usize>>,
    /// Immediate dominator of each reachable block (the entry is its own).
    idom: Vec<Option<BlockId>>,
}

impl Cfg {
    /// Computes the graph, reverse postorder and dominator tree of `f`.
    pub fn new(f: &Function) -> Cfg {
        let n = f.blocks.len();
        let mut succs: Vec<Vec<BlockId>> = Vec::with_capacity(n);
        for b in &f.blocks {
            let mut s: Vec<BlockId> = Vec::new();
            for t in b.successors() {
                if t.index() < n && !s.contains(&t) {
                    s.push(t);
                }
            }
            succs.push(s);
        }
        let mut preds = vec![Vec::new(); n];
        for (i, ss) in succs.iter().enumerate() {
            for s in ss {
                preds[s.index()].push(BlockId(i as u32));
            }
        }
        let rpo = reverse_postorder(&succs);
        let mut rpo_index = vec![None; n];
        for (i, b) in rpo.iter().enumerate() {
            rpo_index[b.index()] = Some(i);
        }
        let idom = dominators(&rpo, &rpo_index, &preds);
        Cfg { succs, preds, rpo, rpo_index, idom }
    }

    /// Reachable from the entry block.
    pub fn is_reachable(&self, b: BlockId) -> bool {
        self.rpo_index.get(b.index()).is_some_and(Option::is_some)
    }

    /// The immediate dominator (`None` for the entry and for unreachable blocks).
    pub fn idom(&self, b: BlockId) -> Option<BlockId> {
        let d = (*self.idom.get(b.index())?)?;
        (d != b).then_some(d)
    }

    /// Whether `a` dominates `b` (every block dominates itself). Unreachable blocks are
    /// dominated by everything, as in LLVM.
    pub fn dominates(&self, a: BlockId, b: BlockId) -> bool {
        if !self.is_reachable(b) {
            return true;
        }
        if !self.is_reachable(a) {
            return false;
        }
        let mut cur = b;
        loop {
            if cur == a {
                return true;
            }
            match self.idom(cur) {
                Some(d) => cur = d,
                None => return false,
            }
        }
    }
}

fn reverse_postorder(succs: &[Vec<BlockId>]) -> Vec<BlockId> {
    if succs.is_empty() {
        return Vec::new();
    }
    let mut visited = vec![false; succs.len()];
    let mut post = Vec::with_capacity(succs.len());
    // Iterative DFS: (block, next successor to visit).
    let mut stack = vec![(0usize, 0usize)];
    visited[0] = true;
    while let Some((b, i)) = stack.last_mut() {
        if let Some(s) = succs[*b].get(*i) {
            *i += 1;
            let s = s.index();
            if !visited[s] {
                visited[s] = true;
                stack.push((s, 0));
            }
        } else {
            post.push(BlockId(*b as u32));
            stack.pop();
        }
    }
    post.reverse();
    post
}

fn dominators(
    rpo: &[BlockId],
    rpo_index: &[Option<usize>],
    preds: &[Vec<BlockId>],
) -> Vec<Option<BlockId>> {
    let mut idom: Vec<Option<BlockId>> = vec![None; preds.len()];
    let Some(&entry) = rpo.first() else { return idom };
    idom[entry.index()] = Some(entry);
    // Both blocks are processed, and so is every dominator above them: `?` never returns.
    let intersect = |idom: &[Option<BlockId>], mut a: BlockId, mut b: BlockId| {
        while a != b {
            while rpo_index[a.index()] > rpo_index[b.index()] {
                a = idom[a.index()]?;
            }
            while rpo_index[b.index()] > rpo_index[a.index()] {
                b = idom[b.index()]?;
            }
        }
        Some(a)
    };
    let mut changed = true;
    while changed {
        changed = false;
        for &b in &rpo[1..] {
            let mut new_idom: Option<BlockId> = None;
            for &p in &preds[b.index()] {
                if idom[p.index()].is_none() {
                    continue;
                }
                new_idom = match new_idom {
                    None => Some(p),
                    Some(cur) => intersect(&idom, p, cur).or(Some(cur)),
                };
            }
            if new_idom.is_some() && idom[b.index()] != new_idom {
                idom[b.index()] = new_idom;
                changed = true;
            }
        }
    }
    idom
}
