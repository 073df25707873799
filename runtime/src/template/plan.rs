//! The evaluation plan of a checked template: which name means which item in
//! each scope, and the dependency graph between visibility and values, in an
//! order where every node comes after what it depends on.
//!
//! Each item has two nodes: its visibility (`Vis`) and its value (`Val`);
//! each page has one (`PageVis`). Edges:
//! - `Vis(item)` depends on the visibility of its page or repeat and on the
//!   values its `visible_if` names;
//! - `Val(item)` depends on `Vis(item)` (a hidden question counts as
//!   unanswered), a computed value on the values its expression names, and a
//!   repeat on the values of its children;
//! - `PageVis(page)` depends on the values its `visible_if` names.
//!
//! `required_if`, checks and notes depend on values too but nothing depends on
//! them, so they are evaluated after the graph, on demand.

use std::collections::HashMap;
#[cfg(target_arch = "wasm32")]
use std::hash::{BuildHasherDefault, Hasher};

use super::{Item, ItemId, ItemKind, Parent};
use crate::expr::Type;

/// A node of the dependency graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// Whether a page is shown.
    PageVis(usize),
    /// Whether an item is shown.
    Vis(ItemId),
    /// An item's effective value (null when hidden or unanswered).
    Val(ItemId),
}

/// The hash maps of the plan, the check and the interview. In the browser
/// (wasm32) they hash with FNV-1a: std's SipHash and its keys cost about a
/// kilobyte there, and a browser only gets templates the host has checked.
/// Natively std's keyed hash stays, so that a hostile template cannot make
/// the host's maps slow. Nothing iterates these maps, so the hash is not seen.
#[cfg(target_arch = "wasm32")]
pub(crate) type Map<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;
/// The hash maps of the plan, the check and the interview (see the wasm32 one).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Map<K, V> = HashMap<K, V>;

/// FNV-1a, 64 bits.
#[cfg(target_arch = "wasm32")]
pub(crate) struct Fnv(u64);

#[cfg(target_arch = "wasm32")]
impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

#[cfg(target_arch = "wasm32")]
impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Name resolution: which item a name means, seen from inside a repeat or from the top.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scopes {
    /// (scope, name) to item; scope `None` is the top level (all pages).
    pub(crate) names: Map<(Option<ItemId>, String), ItemId>,
    /// Each repeat's enclosing repeat, by item index (`None` at the top level,
    /// and for items that are not repeats). A table, not a map: one map type
    /// fewer in the browser's wasm.
    pub(crate) outer: Vec<Option<ItemId>>,
}

impl Scopes {
    /// The scopes of items already checked (a packed template's): each
    /// question's id in its repeat, or at the top, and each repeat's enclosing
    /// repeat, as the check registers them, without looking for problems.
    pub(crate) fn of(items: &[Item]) -> Scopes {
        let mut scopes = Scopes { outer: vec![None; items.len()], ..Scopes::default() };
        for (index, item) in items.iter().enumerate() {
            let scope = match item.parent {
                Parent::Repeat(r) => Some(r),
                Parent::Page(_) => None,
            };
            match &item.kind {
                ItemKind::Note { .. } => continue,
                ItemKind::Repeat { .. } => {
                    if let Some(slot) = scopes.outer.get_mut(index) {
                        *slot = scope;
                    }
                }
                _ => {}
            }
            if let Some(name) = item.id.as_deref().filter(|name| !name.is_empty()) {
                scopes.names.entry((scope, name.to_owned())).or_insert(ItemId(index as u32));
            }
        }
        scopes
    }

    /// Resolves `name` from inside `scope`: the repeat's own children first, then outwards.
    pub(crate) fn resolve(&self, scope: Option<ItemId>, name: &str) -> Option<ItemId> {
        let mut current = scope;
        // Bounded by the repeat depth limit, but guard against a malformed map anyway.
        for _ in 0..64 {
            if let Some(found) = self.names.get(&(current, name.to_owned())) {
                return Some(*found);
            }
            match current {
                None => return None,
                Some(r) => current = self.outer.get(r.index()).copied().flatten(),
            }
        }
        None
    }
}

/// The checked template's evaluation plan.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub(crate) scopes: Scopes,
    /// Every node, dependencies first.
    pub(crate) order: Vec<Node>,
    /// For each node (by [`Plan::index`]), the nodes that depend on it directly.
    pub(crate) dependents: Vec<Vec<u32>>,
    /// Position of each node (by [`Plan::index`]) in `order`.
    pub(crate) position: Vec<u32>,
    /// The expression type of each item's value.
    /// (Left out without the checker, which alone works them out.)
    #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
    pub(crate) types: Vec<Type>,
    /// Number of pages, to number the nodes.
    pub(crate) pages: usize,
}

impl Plan {
    /// True if both plans have the same scopes and graph (types aside).
    #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
    pub(crate) fn same_graph(&self, other: &Plan) -> bool {
        self.scopes.names == other.scopes.names
            && self.scopes.outer == other.scopes.outer
            && self.order == other.order
            && self.dependents == other.dependents
            && self.position == other.position
            && self.pages == other.pages
    }

    /// A dense number for a node: pages first, then two per item.
    pub(crate) fn index(pages: usize, node: Node) -> usize {
        match node {
            Node::PageVis(p) => p,
            Node::Vis(i) => pages + 2 * i.index(),
            Node::Val(i) => pages + 2 * i.index() + 1,
        }
    }

    /// The node with a dense number.
    pub(crate) fn node(pages: usize, index: usize) -> Node {
        if index < pages {
            Node::PageVis(index)
        } else {
            let i = ItemId(((index - pages) / 2) as u32);
            if (index - pages).is_multiple_of(2) {
                Node::Vis(i)
            } else {
                Node::Val(i)
            }
        }
    }

    /// All nodes that (transitively) depend on `start`, including it, in evaluation order.
    pub(crate) fn downstream(&self, start: Node) -> Vec<Node> {
        let total = self.dependents.len();
        let mut seen = vec![false; total];
        let mut stack = vec![Plan::index(self.pages, start)];
        // (position in `order`, node): sorted, they are in evaluation order.
        let mut found: Vec<(u32, usize)> = Vec::new();
        while let Some(n) = stack.pop() {
            match seen.get_mut(n) {
                Some(flag) if !*flag => *flag = true,
                _ => continue,
            }
            found.push((self.position.get(n).copied().unwrap_or(u32::MAX), n));
            if let Some(next) = self.dependents.get(n) {
                stack.extend(next.iter().map(|d| *d as usize));
            }
        }
        heapsort(&mut found);
        found.into_iter().map(|(_, n)| Plan::node(self.pages, n)).collect()
    }

    /// The static type of an item's value.
    pub fn type_of(&self, item: ItemId) -> Type {
        #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
        return self.types.get(item.index()).cloned().unwrap_or(Type::Any);
        #[cfg(not(any(feature = "checker", not(target_arch = "wasm32"))))]
        {
            let _ = item;
            Type::Any
        }
    }
}

/// Sorts in place, in O(n log n) without allocating: the engine's one sort.
/// Each element type std's sort is used for adds kilobytes of code to the
/// browser's wasm; callers sort values whose equal ones are identical, so
/// stability does not matter. (Written with `get`
/// rather than indexing, so that it has no panic path.)
pub(crate) fn heapsort<T: Ord>(v: &mut [T]) {
    for node in (0..v.len() / 2).rev() {
        sift_down(v, node);
    }
    for end in (1..v.len()).rev() {
        swap_ends(v, 0, end);
        if let Some(heap) = v.get_mut(..end) {
            sift_down(heap, 0);
        }
    }
}

/// Moves `v[node]` down until it is no smaller than its children (a max-heap).
fn sift_down<T: Ord>(v: &mut [T], mut node: usize) {
    loop {
        let mut child = 2 * node + 1;
        let Some(left) = v.get(child) else { return };
        if v.get(child + 1).is_some_and(|right| left < right) {
            child += 1;
        }
        if v.get(node) >= v.get(child) {
            return;
        }
        swap_ends(v, node, child);
        node = child;
    }
}

/// Swaps `v[a]` and `v[b]`, `a < b`, both in range.
fn swap_ends<T>(v: &mut [T], a: usize, b: usize) {
    if let Some([first, .., last]) = v.get_mut(a..=b) {
        std::mem::swap(first, last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn heapsort_sorts_as_std_does(
            mut v in proptest::collection::vec((0u32..20, proptest::collection::vec(0u32..3, 0..3)), 0..60)
        ) {
            let mut expected = v.clone();
            expected.sort();
            heapsort(&mut v);
            prop_assert_eq!(v, expected);
        }
    }
}
