//! Running a program over a text: a Thompson simulation, which keeps the set
//! of instructions reachable at the current char and moves them all forward
//! together. Each instruction is in the set at most once, so the time is
//! O(program × text) whatever the pattern; nothing backtracks.

use super::compile::{Inst, Program};

/// An empty-width assertion about the chars on either side of a position.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    /// `\A`, or `^` without `m`.
    Start,
    /// `\z`, or `$` without `m`.
    End,
    /// `^` with `m`: at the start or after `\n`.
    LineStart,
    /// `$` with `m`: at the end or before `\n`.
    LineEnd,
    /// `^` with `m` and `R`: also after `\r`, but not between `\r` and `\n`.
    CrlfStart,
    /// `$` with `m` and `R`: also before `\r`, but not between `\r` and `\n`.
    CrlfEnd,
    /// `\b`
    Word,
    /// `\B`
    NotWord,
    /// `\b{start}`, `\<`
    WordStart,
    /// `\b{end}`, `\>`
    WordEnd,
    /// `\b{start-half}`
    WordStartHalf,
    /// `\b{end-half}`
    WordEndHalf,
}

impl Look {
    fn holds(self, before: Option<char>, after: Option<char>) -> bool {
        let (b, a) = (is_word(before), is_word(after));
        match self {
            Look::Start => before.is_none(),
            Look::End => after.is_none(),
            Look::LineStart => matches!(before, None | Some('\n')),
            Look::LineEnd => matches!(after, None | Some('\n')),
            Look::CrlfStart => match before {
                None | Some('\n') => true,
                Some('\r') => after != Some('\n'),
                _ => false,
            },
            Look::CrlfEnd => match after {
                None | Some('\r') => true,
                Some('\n') => before != Some('\r'),
                _ => false,
            },
            Look::Word => b != a,
            Look::NotWord => b == a,
            Look::WordStart => !b && a,
            Look::WordEnd => b && !a,
            Look::WordStartHalf => !b,
            Look::WordEndHalf => !a,
        }
    }
}

/// An ASCII word char: `[0-9A-Za-z_]`.
fn is_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// True if `c` is in the sorted, disjoint ranges.
fn contains(ranges: &[(u32, u32)], c: u32) -> bool {
    let i = ranges.partition_point(|&(_, hi)| hi < c);
    ranges.get(i).is_some_and(|&(lo, _)| lo <= c)
}

impl Program {
    /// True if the program matches somewhere in `text`, or with `whole`, all of it.
    pub(super) fn run(&self, text: &str, whole: bool) -> bool {
        let mut sets = Sets { marks: vec![0; self.insts.len()], stack: Vec::new() };
        let mut now: Vec<u32> = Vec::new();
        let mut next: Vec<u32> = Vec::new();
        let mut chars = text.chars();
        let mut before = None;
        let mut at = chars.next();
        // Marks an instruction as in the set at the current position.
        let mut stamp = 1;
        let mut matched = false;
        loop {
            if !whole || stamp == 1 {
                matched |= self.add(&mut sets, &mut now, stamp, 0, before, at);
            }
            if matched && (!whole || at.is_none()) {
                return true;
            }
            let Some(c) = at else { return false };
            if whole && now.is_empty() {
                return false;
            }
            let after = chars.next();
            stamp += 1;
            matched = false;
            next.clear();
            for &pc in &now {
                if let Some(Inst::Class(start, end)) = self.insts.get(pc as usize) {
                    let ranges = self.table.get(*start as usize..*end as usize).unwrap_or_default();
                    if contains(ranges, c as u32) {
                        matched |= self.add(&mut sets, &mut next, stamp, pc + 1, Some(c), after);
                    }
                }
            }
            std::mem::swap(&mut now, &mut next);
            before = Some(c);
            at = after;
        }
    }

    /// Adds `pc` and all it reaches without consuming a char to `list` (only
    /// the instructions that consume one are kept); true if that reaches `Match`.
    fn add(
        &self,
        sets: &mut Sets,
        list: &mut Vec<u32>,
        stamp: usize,
        pc: u32,
        before: Option<char>,
        after: Option<char>,
    ) -> bool {
        let mut matched = false;
        sets.stack.push(pc);
        while let Some(pc) = sets.stack.pop() {
            match sets.marks.get_mut(pc as usize) {
                Some(mark) if *mark != stamp => *mark = stamp,
                _ => continue,
            }
            match self.insts.get(pc as usize) {
                Some(Inst::Class(..)) => list.push(pc),
                Some(Inst::Look(look)) if look.holds(before, after) => sets.stack.push(pc + 1),
                Some(Inst::Split(a, b)) => {
                    sets.stack.push(*b);
                    sets.stack.push(*a);
                }
                Some(Inst::Jump(to)) => sets.stack.push(*to),
                Some(Inst::Match) => matched = true,
                Some(Inst::Look(_)) | None => {}
            }
        }
        matched
    }
}

/// Scratch space of a run.
struct Sets {
    /// The stamp of the position at which each instruction was last added.
    marks: Vec<usize>,
    /// Instructions still to follow in `add`.
    stack: Vec<u32>,
}
