//! Syntax tree to a Thompson NFA program.
//!
//! Counted repetitions are written out (`a{3}` is `aaa`), so the program can
//! be much larger than the pattern; it is capped at [`MAX_PROGRAM`]
//! instructions, which also bounds matching time (program size × text length).

use super::parse::Node;
use super::run::Look;

/// Most instructions a program may have (also counted: each empty copy a
/// repetition makes, so that repeating nothing many times is bounded too).
pub(crate) const MAX_PROGRAM: usize = 10_000;

/// One step of the program.
#[derive(Clone, Copy)]
pub(crate) enum Inst {
    /// Consume one char from the ranges `start..end` of the table, then go on to the next instruction.
    Class(u32, u32),
    /// Go on to the next instruction if the assertion holds here.
    Look(Look),
    /// Go on at both.
    Split(u32, u32),
    /// Go on there.
    Jump(u32),
    /// The pattern has matched.
    Match,
}

/// A compiled pattern: instructions, starting at the first, and the char ranges they refer to.
#[derive(Clone)]
pub(crate) struct Program {
    pub(crate) insts: Vec<Inst>,
    pub(crate) table: Vec<(u32, u32)>,
}

/// Compiles the tree, or `None` if the program would be too large.
pub(super) fn compile(node: &Node, table: Vec<(u32, u32)>) -> Option<Program> {
    let mut c = Compiler { insts: Vec::new(), work: 0 };
    c.node(node)?;
    c.push(Inst::Match)?;
    Some(Program { insts: c.insts, table })
}

struct Compiler {
    insts: Vec<Inst>,
    /// Instructions pushed plus empty repetition copies made.
    work: usize,
}

impl Compiler {
    fn tick(&mut self) -> Option<()> {
        self.work += 1;
        (self.work <= MAX_PROGRAM).then_some(())
    }

    /// Appends an instruction; returns its index.
    fn push(&mut self, inst: Inst) -> Option<u32> {
        self.tick()?;
        self.insts.push(inst);
        Some(self.here() - 1)
    }

    /// The index of the next instruction.
    fn here(&self) -> u32 {
        self.insts.len() as u32
    }

    /// Points the `Split` at `at` to the next instruction and to `to`.
    fn patch(&mut self, at: u32, to: u32) {
        if let Some(inst) = self.insts.get_mut(at as usize) {
            *inst = Inst::Split(at + 1, to);
        }
    }

    /// One copy of a repeated node; a copy that is empty still counts as work.
    fn copy(&mut self, node: &Node) -> Option<()> {
        let before = self.insts.len();
        self.node(node)?;
        if self.insts.len() == before {
            self.tick()?;
        }
        Some(())
    }

    fn node(&mut self, node: &Node) -> Option<()> {
        match node {
            Node::Empty => {}
            Node::Class(start, end) => {
                self.push(Inst::Class(*start, *end))?;
            }
            Node::Look(look) => {
                self.push(Inst::Look(*look))?;
            }
            Node::Concat(nodes) => {
                for n in nodes {
                    self.node(n)?;
                }
            }
            Node::Alt(nodes) => {
                // split L1, L2; L1: a; jump end; L2: split ...; last; end:
                let mut jumps = Vec::new();
                let (last, rest) = nodes.split_last()?;
                for n in rest {
                    let split = self.push(Inst::Split(0, 0))?;
                    self.node(n)?;
                    jumps.push(self.push(Inst::Jump(0))?);
                    let next = self.here();
                    self.patch(split, next);
                }
                self.node(last)?;
                let end = self.here();
                for j in jumps {
                    if let Some(inst) = self.insts.get_mut(j as usize) {
                        *inst = Inst::Jump(end);
                    }
                }
            }
            Node::Repeat(n, min, max) => {
                for _ in 0..*min {
                    self.copy(n)?;
                }
                match max {
                    // L: split L+1, end; n; jump L; end:
                    None => {
                        let split = self.push(Inst::Split(0, 0))?;
                        self.node(n)?;
                        self.push(Inst::Jump(split))?;
                        let end = self.here();
                        self.patch(split, end);
                    }
                    // (split L+1, end; n) for each optional copy; end:
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.push(Inst::Split(0, 0))?);
                            self.copy(n)?;
                        }
                        let end = self.here();
                        for s in splits {
                            self.patch(s, end);
                        }
                    }
                }
            }
        }
        Some(())
    }
}
