//! A Pratt parser for the expression grammar.
//!
//! Recursion is bounded twice: by syntactic nesting ([`MAX_NESTING`], counted
//! on every recursive call, so 10,000 `(` cannot overflow the stack) and by the
//! depth of the tree built ([`MAX_TREE_DEPTH`], since loops for left-associative
//! chains build deep trees without recursing, and every later pass recurses).

use super::lexer::{tokenize, Tok, Token};
use super::{
    prec, BinaryOp, Expr, ExprError, ExprKind, Span, UnaryOp, MAX_LIST_ITEMS, MAX_NESTING,
    MAX_SOURCE_CHARS, MAX_TREE_DEPTH,
};

/// Parses one expression; the whole source must be consumed.
pub fn parse(source: &str) -> Result<Expr, ExprError> {
    // Count before collecting so a huge input costs no allocation.
    if source.chars().nth(MAX_SOURCE_CHARS).is_some() {
        return Err(ExprError::at(
            MAX_SOURCE_CHARS,
            format!("expression is too long (more than {MAX_SOURCE_CHARS} characters)"),
        ));
    }
    let chars: Vec<char> = source.chars().collect();
    let tokens = tokenize(&chars)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        nesting: 0,
    };
    if parser.peek() == &Tok::End {
        return Err(ExprError::at(0, "empty expression"));
    }
    let node = parser.expression(0)?;
    match parser.peek() {
        Tok::End => Ok(node.expr),
        Tok::RParen | Tok::RBracket => {
            let tok = parser.token();
            Err(ExprError::at(
                tok.span.start,
                format!("unmatched {}", tok.tok.describe()),
            ))
        }
        _ => {
            let tok = parser.token();
            Err(ExprError::at(
                tok.span.start,
                format!(
                    "expected an operator or the end of the expression, found {}",
                    tok.tok.describe()
                ),
            ))
        }
    }
}

/// An expression being built, with the depth of its tree.
struct Node {
    expr: Expr,
    depth: usize,
    /// The span including any parentheses around it: what a parent's span
    /// starts or ends with, while `expr.span` stays on the expression itself.
    outer: Span,
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    nesting: usize,
}

/// The end-of-input token used if `pos` ever ran past the end.
static END: Token = Token {
    tok: Tok::End,
    span: Span { start: 0, end: 0 },
};

impl Parser {
    fn token(&self) -> &Token {
        // `tokenize` always ends with `End` and `advance` never moves past it,
        // but a fallback keeps this free of panics.
        self.tokens
            .get(self.pos)
            .or_else(|| self.tokens.last())
            .unwrap_or(&END)
    }

    fn peek(&self) -> &Tok {
        &self.token().tok
    }

    /// The current token, moved out, and a step forward (never past `End`).
    ///
    /// Each token is read once, so it is moved rather than cloned: no clone
    /// code for tokens in the browser's wasm. The `End` token stays put, and
    /// a copy is handed out each time.
    fn advance(&mut self) -> Token {
        let span = self.token().span;
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
            if let Some(slot) = self.tokens.get_mut(self.pos - 1) {
                return std::mem::replace(slot, Token { tok: Tok::End, span });
            }
        }
        Token { tok: Tok::End, span }
    }

    fn expect(&mut self, want: Tok, context: &str) -> Result<Token, ExprError> {
        if *self.peek() == want {
            return Ok(self.advance());
        }
        let found = self.token();
        Err(ExprError::at(
            found.span.start,
            format!(
                "expected {} {context}, found {}",
                want.describe(),
                found.tok.describe()
            ),
        ))
    }

    /// Runs `f` one nesting level deeper, refusing to go past [`MAX_NESTING`].
    fn nested<T>(
        &mut self,
        at: usize,
        f: impl FnOnce(&mut Parser) -> Result<T, ExprError>,
    ) -> Result<T, ExprError> {
        if self.nesting >= MAX_NESTING {
            return Err(ExprError::at(
                at,
                format!("expression is nested too deeply (more than {MAX_NESTING} levels)"),
            ));
        }
        self.nesting += 1;
        let result = f(self);
        self.nesting -= 1;
        result
    }

    /// Wraps `kind` in a node one level above `children`, refusing trees deeper
    /// than [`MAX_TREE_DEPTH`].
    fn node(
        &self,
        kind: ExprKind,
        span: Span,
        children_depth: usize,
        at: usize,
    ) -> Result<Node, ExprError> {
        let depth = children_depth + 1;
        if depth > MAX_TREE_DEPTH {
            return Err(ExprError::at(
                at,
                format!(
                    "expression is too deeply nested (more than {MAX_TREE_DEPTH} operations inside one another)"
                ),
            ));
        }
        Ok(Node {
            expr: Expr::new(kind, span),
            depth,
            outer: span,
        })
    }

    /// Parses operators binding at least as tightly as `min_prec` (0 accepts all).
    fn expression(&mut self, min_prec: u8) -> Result<Node, ExprError> {
        let mut left = self.unary()?;
        loop {
            let at = self.token().span.start;
            if *self.peek() == Tok::Question {
                if prec::CONDITIONAL < min_prec {
                    break;
                }
                self.advance();
                // Like C and unlike strict CEL the middle may be any expression:
                // the `:` closes it unambiguously.
                let then = self.nested(at, |p| p.expression(0))?;
                self.expect(Tok::Colon, "in `? :`")?;
                // Right-associative: `a ? b : c ? d : e` nests on the right.
                let otherwise = self.nested(at, |p| p.expression(prec::CONDITIONAL))?;
                let span = Span::new(left.outer.start, otherwise.outer.end);
                let depth = left.depth.max(then.depth).max(otherwise.depth);
                let kind = ExprKind::Conditional(
                    Box::new(left.expr),
                    Box::new(then.expr),
                    Box::new(otherwise.expr),
                );
                left = self.node(kind, span, depth, at)?;
                continue;
            }
            let Some(op) = binary_op(self.peek()) else { break };
            if op.precedence() < min_prec {
                break;
            }
            self.advance();
            // Left-associative: the right side only takes tighter operators.
            let right = self.nested(at, |p| p.expression(op.precedence() + 1))?;
            let span = Span::new(left.outer.start, right.outer.end);
            let depth = left.depth.max(right.depth);
            let kind = ExprKind::Binary(op, Box::new(left.expr), Box::new(right.expr));
            left = self.node(kind, span, depth, at)?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, ExprError> {
        let at = self.token().span.start;
        let op = match self.peek() {
            Tok::Bang => UnaryOp::Not,
            Tok::Minus => UnaryOp::Neg,
            _ => return self.postfix(),
        };
        self.advance();
        let operand = self.nested(at, |p| p.unary())?;
        let span = Span::new(at, operand.outer.end);
        let depth = operand.depth;
        self.node(ExprKind::Unary(op, Box::new(operand.expr)), span, depth, at)
    }

    fn postfix(&mut self) -> Result<Node, ExprError> {
        let mut node = self.primary()?;
        loop {
            let at = self.token().span.start;
            match self.peek() {
                Tok::Dot => {
                    self.advance();
                    let name_tok = self.advance();
                    let Tok::Ident(name) = name_tok.tok else {
                        return Err(ExprError::at(
                            name_tok.span.start,
                            format!(
                                "expected a field or function name after `.`, found {}",
                                name_tok.tok.describe()
                            ),
                        ));
                    };
                    if *self.peek() == Tok::LParen {
                        let (args, depth, end) = self.call_args()?;
                        let span = Span::new(node.outer.start, end);
                        let depth = depth.max(node.depth);
                        let kind = ExprKind::Call {
                            target: Some(Box::new(node.expr)),
                            name,
                            args,
                        };
                        node = self.node(kind, span, depth, at)?;
                    } else {
                        let span = Span::new(node.outer.start, name_tok.span.end);
                        let depth = node.depth;
                        node = self.node(
                            ExprKind::Member(Box::new(node.expr), name),
                            span,
                            depth,
                            at,
                        )?;
                    }
                }
                Tok::LBracket => {
                    self.advance();
                    let index = self.nested(at, |p| p.expression(0))?;
                    let close = self.expect(Tok::RBracket, "to close `[`")?;
                    let span = Span::new(node.outer.start, close.span.end);
                    let depth = node.depth.max(index.depth);
                    let kind = ExprKind::Index(Box::new(node.expr), Box::new(index.expr));
                    node = self.node(kind, span, depth, at)?;
                }
                Tok::LParen => {
                    return Err(ExprError::at(
                        at,
                        "only a function name can be called",
                    ));
                }
                _ => return Ok(node),
            }
        }
    }

    /// Parses `(a, b, ...)`, under the `(`; returns the args, their deepest
    /// depth and the end of the `)`.
    fn call_args(&mut self) -> Result<(Vec<Expr>, usize, usize), ExprError> {
        let open = self.advance();
        let (items, depth, end) =
            self.sequence(&open, Tok::RParen, "to close the argument list")?;
        Ok((items, depth, end))
    }

    /// Parses comma-separated expressions up to `close` (a trailing comma is
    /// allowed), with `open` already consumed.
    fn sequence(
        &mut self,
        open: &Token,
        close: Tok,
        context: &str,
    ) -> Result<(Vec<Expr>, usize, usize), ExprError> {
        let mut items = Vec::new();
        let mut depth = 0;
        loop {
            if *self.peek() == close {
                break;
            }
            if items.len() >= MAX_LIST_ITEMS {
                return Err(ExprError::at(
                    self.token().span.start,
                    format!("too many items (more than {MAX_LIST_ITEMS})"),
                ));
            }
            let item = self.nested(open.span.start, |p| p.expression(0))?;
            depth = depth.max(item.depth);
            items.push(item.expr);
            if *self.peek() == Tok::Comma {
                self.advance();
            } else {
                break;
            }
        }
        if *self.peek() != close {
            let found = self.token();
            return Err(ExprError::at(
                found.span.start,
                format!(
                    "expected `,` or {} {context} opened at column {}, found {}",
                    close.describe(),
                    open.span.column(),
                    found.tok.describe()
                ),
            ));
        }
        let end = self.advance().span.end;
        Ok((items, depth, end))
    }

    fn primary(&mut self) -> Result<Node, ExprError> {
        let tok = self.advance();
        let leaf = |kind| {
            Ok(Node {
                expr: Expr::new(kind, tok.span),
                depth: 1,
                outer: tok.span,
            })
        };
        match tok.tok {
            Tok::Null => leaf(ExprKind::Null),
            Tok::True => leaf(ExprKind::Bool(true)),
            Tok::False => leaf(ExprKind::Bool(false)),
            Tok::Number(n) => leaf(ExprKind::Number(n)),
            Tok::Str(s) => leaf(ExprKind::String(s)),
            Tok::Ident(name) => {
                if *self.peek() == Tok::LParen {
                    let (args, depth, end) = self.call_args()?;
                    let span = Span::new(tok.span.start, end);
                    let kind = ExprKind::Call {
                        target: None,
                        name,
                        args,
                    };
                    self.node(kind, span, depth, tok.span.start)
                } else {
                    leaf(ExprKind::Ident(name))
                }
            }
            Tok::LParen => {
                let inner = self.nested(tok.span.start, |p| p.expression(0))?;
                let close = self.token();
                if close.tok != Tok::RParen {
                    return Err(ExprError::at(
                        close.span.start,
                        format!(
                            "expected `)` to close `(` at column {}, found {}",
                            tok.span.column(),
                            close.tok.describe()
                        ),
                    ));
                }
                let close = self.advance();
                // Parentheses only group: the node keeps its own span so errors
                // and identifier spans point at the sub-expression itself.
                Ok(Node {
                    outer: Span::new(tok.span.start, close.span.end),
                    ..inner
                })
            }
            Tok::LBracket => {
                let (items, depth, end) =
                    self.sequence(&tok, Tok::RBracket, "to close the list")?;
                self.node(
                    ExprKind::List(items),
                    Span::new(tok.span.start, end),
                    depth,
                    tok.span.start,
                )
            }
            Tok::End => Err(ExprError::at(
                tok.span.start,
                "unexpected end of expression",
            )),
            ref other => Err(ExprError::at(
                tok.span.start,
                format!("unexpected {}", other.describe()),
            )),
        }
    }
}

fn binary_op(tok: &Tok) -> Option<BinaryOp> {
    Some(match tok {
        Tok::Star => BinaryOp::Mul,
        Tok::Slash => BinaryOp::Div,
        Tok::Percent => BinaryOp::Rem,
        Tok::Plus => BinaryOp::Add,
        Tok::Minus => BinaryOp::Sub,
        Tok::Lt => BinaryOp::Lt,
        Tok::Le => BinaryOp::Le,
        Tok::Gt => BinaryOp::Gt,
        Tok::Ge => BinaryOp::Ge,
        Tok::EqEq => BinaryOp::Eq,
        Tok::Ne => BinaryOp::Ne,
        Tok::In => BinaryOp::In,
        Tok::AndAnd => BinaryOp::And,
        Tok::OrOr => BinaryOp::Or,
        _ => return None,
    })
}
