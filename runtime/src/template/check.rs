//! Checking what a template means, after its shape was read: unique ids,
//! names in expressions, expression types, default values, and cycles between
//! computed values and visibility. Produces the evaluation [`Plan`].

#[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
use std::collections::BTreeMap;

use super::plan::{Map, Node, Plan, Scopes};
use super::{Expression, Item, ItemId, ItemKind, NotePart, Parent, Template};
use crate::error::Problem;
#[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
use crate::expr::{self, Type, TypeScope};

/// Checks the template and builds its plan, or returns every problem found.
pub(super) fn check(template: &Template) -> Result<Plan, Vec<Problem>> {
    let mut problems = Vec::new();
    let scopes = build_scopes(template, &mut problems);
    let pages = template.pages.len();
    let total = pages + 2 * template.items.len();

    // Edges: for each node, the nodes it depends on.
    let mut depends: Vec<Vec<usize>> = vec![Vec::new(); total];
    let idx = |node: Node| Plan::index(pages, node);
    for (p, page) in template.pages.iter().enumerate() {
        if let Some(e) = &page.visible_if {
            for target in references(&scopes, None, e) {
                edge(&mut depends, idx(Node::PageVis(p)), idx(Node::Val(target)));
            }
        }
    }
    for (id, item) in template.items_with_ids() {
        let scope = template.enclosing_repeat(id);
        let vis = idx(Node::Vis(id));
        let val = idx(Node::Val(id));
        let holder = match item.parent {
            Parent::Page(p) => idx(Node::PageVis(p)),
            Parent::Repeat(r) => idx(Node::Vis(r)),
        };
        edge(&mut depends, vis, holder);
        if let Some(e) = &item.visible_if {
            for target in references(&scopes, scope, e) {
                edge(&mut depends, vis, idx(Node::Val(target)));
            }
        }
        edge(&mut depends, val, vis);
        match &item.kind {
            ItemKind::Computed { expr } => {
                for target in references(&scopes, scope, expr) {
                    edge(&mut depends, val, idx(Node::Val(target)));
                }
            }
            ItemKind::Repeat { items, .. } => {
                for child in items {
                    edge(&mut depends, val, idx(Node::Val(*child)));
                }
            }
            _ => {}
        }
    }

    let mut dependents: Vec<Vec<u32>> = vec![Vec::new(); total];
    for (node, deps) in depends.iter().enumerate() {
        for d in deps {
            if let Some(list) = dependents.get_mut(*d) {
                if !list.contains(&(node as u32)) {
                    list.push(node as u32);
                }
            }
        }
    }
    let (order, cyclic) = topological_order(&dependents);
    if !cyclic.is_empty() {
        report_cycle(template, &depends, &cyclic, &mut problems);
    }
    let mut position = vec![u32::MAX; total];
    for (pos, node) in order.iter().enumerate() {
        if let Some(slot) = position.get_mut(*node) {
            *slot = pos as u32;
        }
    }
    // Types, in dependency order so computed values and repeats are typed before use.
    let mut typer = Typer {
        template,
        scopes: &scopes,
        #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
        types: vec![Type::Any; template.items.len()],
        problems,
    };
    for node in order.iter().map(|n| Plan::node(pages, *n)) {
        match node {
            Node::PageVis(p) => {
                if let Some(page) = template.pages.get(p) {
                    if let Some(e) = &page.visible_if {
                        typer.condition(None, e, || format!("{}.visible_if", page.path));
                    }
                }
            }
            Node::Vis(id) => {
                let item = template.item(id);
                if let Some(e) = &item.visible_if {
                    typer.condition(template.enclosing_repeat(id), e, || format!("{}.visible_if", item.path));
                }
            }
            #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
            Node::Val(id) => {
                let ty = typer.item_type(id);
                if let Some(slot) = typer.types.get_mut(id.index()) {
                    *slot = ty;
                }
            }
            // Without the checker the types are never read (no expression is
            // type-checked, and a template's plan is not public), so they are
            // not kept (`Plan::type_of` is `Any`) and the typing code is left
            // out of the wasm.
            #[cfg(not(any(feature = "checker", not(target_arch = "wasm32"))))]
            Node::Val(_) => {}
        }
    }
    for (id, item) in template.items_with_ids() {
        let scope = template.enclosing_repeat(id);
        if let Some(e) = &item.required_if {
            typer.condition(scope, e, || format!("{}.required_if", item.path));
        }
        for (n, check) in item.checks.iter().enumerate() {
            typer.condition(scope, &check.rule, || format!("{}.checks[{n}].rule", item.path));
        }
        if let ItemKind::Note { parts, .. } = &item.kind {
            for part in parts {
                if let NotePart::Expr(e) = part {
                    typer.expression(scope, e, || format!("{}.text", item.path));
                }
            }
        }
        if let Some(default) = &item.default {
            if let Some(message) = default_problem(item, default) {
                typer.problems.push(Problem { path: format!("{}.default", item.path), message });
            }
        }
    }
    #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
    let Typer { types, problems, .. } = typer;
    #[cfg(not(any(feature = "checker", not(target_arch = "wasm32"))))]
    let Typer { problems, .. } = typer;
    if !problems.is_empty() {
        return Err(problems);
    }
    let order = order.into_iter().map(|n| Plan::node(pages, n)).collect();
    Ok(Plan {
        scopes,
        order,
        dependents,
        position,
        #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
        types,
        pages,
    })
}

/// Adds the edge `from` depends on `to`. (With `get_mut`, not indexing, so that
/// the check has no panic path.)
fn edge(depends: &mut [Vec<usize>], from: usize, to: usize) {
    if let Some(list) = depends.get_mut(from) {
        list.push(to);
    }
}

/// Registers every name in its scope, reporting duplicates.
fn build_scopes(template: &Template, problems: &mut Vec<Problem>) -> Scopes {
    let mut scopes = Scopes { outer: vec![None; template.items.len()], ..Scopes::default() };
    // Every map here has the type of `Scopes::names`: each distinct map type
    // costs about a kilobyte of hashing code in the browser's wasm.
    let mut page_ids: Map<(Option<ItemId>, String), ItemId> = Map::default();
    for page in &template.pages {
        if !page.id.is_empty() && page_ids.insert((None, page.id.clone()), ItemId(0)).is_some() {
            problems.push(Problem {
                path: format!("{}.id", page.path),
                message: format!("the page id `{}` is used twice", page.id),
            });
        }
    }
    // Item ids share one namespace per scope, notes with ids included.
    let mut seen: Map<(Option<ItemId>, String), ItemId> = Map::default();
    for (id, item) in template.items_with_ids() {
        let scope = template.enclosing_repeat(id);
        if let ItemKind::Repeat { .. } = item.kind {
            if let Some(slot) = scopes.outer.get_mut(id.index()) {
                *slot = scope;
            }
        }
        let Some(name) = item.id.as_deref() else { continue };
        if name.is_empty() {
            continue;
        }
        if let Some(first) = seen.get(&(scope, name.to_owned())) {
            problems.push(Problem {
                path: format!("{}.id", item.path),
                message: format!("the id `{name}` is already used by {}", template.item(*first).path),
            });
            continue;
        }
        seen.insert((scope, name.to_owned()), id);
        if !matches!(item.kind, ItemKind::Note { .. }) {
            scopes.names.insert((scope, name.to_owned()), id);
        }
    }
    scopes
}

/// The items an expression names, seen from `scope` (unknown names are reported by the type check).
fn references(scopes: &Scopes, scope: Option<ItemId>, e: &Expression) -> Vec<ItemId> {
    let mut found = Vec::new();
    for (name, _) in e.expr.identifiers() {
        if let Some(target) = scopes.resolve(scope, name) {
            if !found.contains(&target) {
                found.push(target);
            }
        }
    }
    found
}

/// Kahn's algorithm on the (duplicate-free) `dependents` of each node. Returns
/// the order of the acyclic part and the nodes left in or behind cycles.
fn topological_order(dependents: &[Vec<u32>]) -> (Vec<usize>, Vec<usize>) {
    let total = dependents.len();
    // A node waits for each distinct node it depends on: duplicate edges would
    // only make it ready at the same moment, so the order is the same.
    let mut waiting = vec![0usize; total];
    for list in dependents {
        for d in list {
            if let Some(w) = waiting.get_mut(*d as usize) {
                *w += 1;
            }
        }
    }
    // Lowest number first keeps the order stable: pages, then items in document order.
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> =
        (0..total).filter(|n| waiting.get(*n) == Some(&0)).map(std::cmp::Reverse).collect();
    let mut order = Vec::with_capacity(total);
    while let Some(std::cmp::Reverse(n)) = ready.pop() {
        order.push(n);
        for d in dependents.get(n).map(Vec::as_slice).unwrap_or(&[]) {
            let d = *d as usize;
            if let Some(w) = waiting.get_mut(d) {
                *w -= 1;
                if *w == 0 {
                    ready.push(std::cmp::Reverse(d));
                }
            }
        }
    }
    let cyclic = (0..total).filter(|n| waiting.get(*n).is_some_and(|w| *w > 0)).collect();
    (order, cyclic)
}

/// Finds one cycle among the left-over nodes and describes it by item ids.
fn report_cycle(template: &Template, depends: &[Vec<usize>], cyclic: &[usize], problems: &mut Vec<Problem>) {
    let pages = template.pages.len();
    // Flags and a table indexed by node rather than a set and a map: fewer
    // distinct collection types in the browser's wasm.
    let mut left = vec![false; depends.len()];
    for n in cyclic {
        if let Some(flag) = left.get_mut(*n) {
            *flag = true;
        }
    }
    // Walk dependencies inside the left-over set until a node repeats: that is a cycle.
    let Some(&start) = cyclic.first() else { return };
    let mut path = vec![start];
    // Each node's place on `path`, `usize::MAX` when not on it.
    let mut on_path = vec![usize::MAX; depends.len()];
    if let Some(at) = on_path.get_mut(start) {
        *at = 0;
    }
    let mut current = start;
    let cycle = loop {
        let next = depends.get(current).and_then(|deps| deps.iter().find(|d| left.get(**d) == Some(&true)).copied());
        let Some(next) = next else { break Vec::new() };
        if let Some(&at) = on_path.get(next).filter(|at| **at != usize::MAX) {
            break path.get(at..).map(<[usize]>::to_vec).unwrap_or_default();
        }
        if let Some(at) = on_path.get_mut(next) {
            *at = path.len();
        }
        path.push(next);
        current = next;
        if path.len() > depends.len() {
            break Vec::new();
        }
    };
    let mut names: Vec<String> = Vec::new();
    let mut first_path = String::new();
    for n in cycle.iter().rev() {
        let (name, path) = match Plan::node(pages, *n) {
            Node::PageVis(p) => match template.pages.get(p) {
                Some(page) => (format!("page `{}`", page.id), format!("{}.visible_if", page.path)),
                None => continue,
            },
            Node::Vis(i) => {
                let item = template.item(i);
                (format!("`{}`", item.id_str()), format!("{}.visible_if", item.path))
            }
            Node::Val(i) => {
                let item = template.item(i);
                let field = if matches!(item.kind, ItemKind::Computed { .. }) { ".expr" } else { "" };
                (format!("`{}`", item.id_str()), format!("{}{field}", item.path))
            }
        };
        if names.last() != Some(&name) {
            names.push(name);
        }
        if first_path.is_empty() {
            first_path = path;
        }
    }
    if let Some(first) = names.first().cloned() {
        if names.len() > 1 {
            names.push(first);
        }
    }
    problems.push(Problem {
        path: first_path,
        message: format!(
            "a cycle: {} depend on each other (through computed values or visible_if), so none can be worked out",
            crate::value::join(&names, " → ")
        ),
    });
}

struct Typer<'a> {
    #[cfg_attr(not(any(feature = "checker", not(target_arch = "wasm32"))), allow(dead_code))]
    template: &'a Template,
    #[cfg_attr(not(any(feature = "checker", not(target_arch = "wasm32"))), allow(dead_code))]
    scopes: &'a Scopes,
    #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
    types: Vec<Type>,
    problems: Vec<Problem>,
}

/// Reports each `matches` whose pattern is not written out in the template:
/// the browser gets the template's patterns compiled ahead (the packed form)
/// and has no pattern compiler, so a pattern made from answers could only be
/// checked by the host, and the two would disagree.
#[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
fn runtime_patterns(e: &expr::Expr, errors: &mut Vec<expr::ExprError>) {
    /// A string, or a `? :` choosing between such.
    fn written_out(e: &expr::Expr) -> bool {
        match &e.kind {
            expr::ExprKind::String(_) => true,
            expr::ExprKind::Conditional(_, a, b) => written_out(a) && written_out(b),
            _ => false,
        }
    }
    e.pattern_args(&mut |p| {
        if !written_out(p) {
            errors.push(expr::ExprError::at(
                p.span.start,
                "the pattern of `matches` must be written out as a string (or a `? :` choosing between \
                 strings): patterns are checked ahead, and the browser cannot make one from answers",
            ));
        }
    });
}

/// Looks up names for the type checker, from one scope.
#[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
struct ScopeTypes<'a> {
    scopes: &'a Scopes,
    types: &'a [Type],
    scope: Option<ItemId>,
}

#[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
impl TypeScope for ScopeTypes<'_> {
    fn type_of(&self, name: &str) -> Option<Type> {
        let id = self.scopes.resolve(self.scope, name)?;
        Some(self.types.get(id.index()).cloned().unwrap_or(Type::Any))
    }
}

impl Typer<'_> {
    /// Type-checks an expression, reporting its problems at `path()`.
    ///
    /// The path is made only when there is a problem: most expressions have
    /// none, and without the checker its formatting is left out of the wasm.
    #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
    fn expression(&mut self, scope: Option<ItemId>, e: &Expression, path: impl FnOnce() -> String) -> Type {
        let scope_types = ScopeTypes { scopes: self.scopes, types: &self.types, scope };
        let (ty, mut errors) = match expr::check(&e.expr, &scope_types) {
            Ok(ty) => (ty, Vec::new()),
            Err(errors) => (Type::Any, errors),
        };
        runtime_patterns(&e.expr, &mut errors);
        if !errors.is_empty() {
            let path = path();
            for error in errors {
                self.problems.push(Problem { path: path.clone(), message: format!("in `{}`: {error}", e.source) });
            }
        }
        ty
    }

    /// On wasm32 without the `checker` feature expressions are not type-checked
    /// (see the feature in Cargo.toml): nothing to do, and no type to drop.
    #[cfg(not(any(feature = "checker", not(target_arch = "wasm32"))))]
    fn expression(&mut self, _scope: Option<ItemId>, _e: &Expression, _path: impl FnOnce() -> String) {}

    /// Without the checker every expression could give anything, true or false included.
    #[cfg(not(any(feature = "checker", not(target_arch = "wasm32"))))]
    fn condition(&mut self, _scope: Option<ItemId>, _e: &Expression, _path: impl Fn() -> String) {}

    /// Type-checks an expression that must give true or false.
    #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
    fn condition(&mut self, scope: Option<ItemId>, e: &Expression, path: impl Fn() -> String) {
        let ty = self.expression(scope, e, &path);
        if !matches!(ty, Type::Bool | Type::Any | Type::Null) {
            self.problems.push(Problem {
                path: path(),
                message: format!("`{}` must give true or false, but gives {}", e.source, type_words(&ty)),
            });
        }
    }

    /// The type of an item's value; children of a repeat are typed before it.
    #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
    fn item_type(&mut self, id: ItemId) -> Type {
        let item: &Item = self.template.item(id);
        match &item.kind {
            ItemKind::Text { .. } | ItemKind::Date { .. } | ItemKind::Email | ItemKind::Phone { .. } => Type::String,
            ItemKind::Choice { .. } => Type::String,
            ItemKind::Number { .. } => Type::Number,
            ItemKind::YesNo => Type::Bool,
            ItemKind::MultiChoice { .. } => Type::List(Box::new(Type::String)),
            ItemKind::File { .. } => Type::List(Box::new(file_type())),
            ItemKind::Repeat { items, .. } => {
                let mut fields = BTreeMap::new();
                for child in items {
                    let child_item = self.template.item(*child);
                    if matches!(child_item.kind, ItemKind::Note { .. }) {
                        continue;
                    }
                    if let Some(name) = &child_item.id {
                        fields.insert(name.clone(), self.types.get(child.index()).cloned().unwrap_or(Type::Any));
                    }
                }
                Type::List(Box::new(Type::Object(fields)))
            }
            ItemKind::Computed { expr } => {
                let scope = self.template.enclosing_repeat(id);
                self.expression(scope, expr, || format!("{}.expr", item.path))
            }
            ItemKind::Note { .. } => Type::Null,
        }
    }
}

/// The fields of a file reference, as expressions see them.
#[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
fn file_type() -> Type {
    // Inserted one by one: `BTreeMap::from` an array sorts it first, and that
    // sort costs kilobytes in the browser's wasm.
    let mut fields = BTreeMap::new();
    for (name, ty) in [
        ("file_id", Type::String),
        ("name", Type::String),
        ("size", Type::Number),
        ("content_type", Type::String),
        ("sha256", Type::String),
    ] {
        fields.insert(name.to_owned(), ty);
    }
    Type::Object(fields)
}

#[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
fn type_words(ty: &Type) -> &'static str {
    match ty {
        Type::Any => "any value",
        Type::Null => "null",
        Type::Bool => "true or false",
        Type::Number => "a number",
        Type::String => "text",
        Type::List(_) => "a list",
        Type::Object(_) => "an object",
    }
}

/// Why a default value does not fit its question, if it does not.
fn default_problem(item: &Item, default: &serde_json::Value) -> Option<String> {
    use serde_json::Value as Json;
    let fits = match (&item.kind, default) {
        (_, Json::Null) => true,
        (ItemKind::Text { .. } | ItemKind::Email | ItemKind::Phone { .. }, Json::String(_)) => true,
        (ItemKind::Number { .. }, Json::Number(_)) => true,
        (ItemKind::YesNo, Json::Bool(_)) => true,
        (ItemKind::Date { .. }, Json::String(s)) => {
            if crate::date::Date::parse(s).is_none() && s != "today" {
                return Some(format!("the default `{s}` is not a date YYYY-MM-DD or \"today\""));
            }
            true
        }
        (ItemKind::Choice { options, .. }, Json::String(s)) => {
            if !options.iter().any(|o| &o.value == s) {
                return Some(format!("the default `{s}` is not one of the options"));
            }
            true
        }
        (ItemKind::MultiChoice { options, .. }, Json::Array(list)) => {
            for v in list {
                match v {
                    Json::String(s) if options.iter().any(|o| &o.value == s) => {}
                    other => {
                        // The engine's JSON writer, not `Value`'s `Display` (serde's serialisers).
                        return Some(format!("the default {} is not one of the options", crate::json::to_string(other)));
                    }
                }
            }
            true
        }
        (ItemKind::Repeat { .. }, Json::Array(list)) => list.iter().all(Json::is_object),
        (ItemKind::File { .. }, _) => return Some("a file question cannot have a default".to_owned()),
        _ => false,
    };
    if fits {
        None
    } else {
        Some(format!("the default does not fit a {} question", item.kind.type_name()))
    }
}
