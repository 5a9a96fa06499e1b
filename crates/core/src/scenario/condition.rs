//! The condition language of `weight_if.when` (docs/FORMAT.md, "Conditions").
//!
//! `took(node.branch)`, `visits(node)`, indicator names, number literals, comparisons
//! `< <= > >= == !=`, `and`, `or`, `not`, parentheses, and the literals `true`/`false`.
//! Conditions are parsed once, with names resolved to indexes, into a small tree that the
//! walk evaluates against plain arrays. Errors point at the position inside the text.

use std::fmt;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    pub(crate) fn apply(self, a: f64, b: f64) -> bool {
        match self {
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
        }
    }

    /// The operator as written in a scenario file.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

/// A number inside a comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand {
    /// A literal.
    Num(f64),
    /// `visits(node)`: times the node was entered so far in this run (this visit included).
    Visits(u32),
    /// The current value of an indicator.
    Ind(u32),
}

/// A compiled condition: names resolved to indexes.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Const(bool),
    /// `took(node.branch)`, by global branch index.
    Took(u32),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Cmp(CmpOp, Operand, Operand),
}

impl Cond {
    /// Evaluates the condition on the state of a walk.
    #[inline]
    pub fn eval(&self, took: &[u64], visits: &[u32], ind: &[f64]) -> bool {
        match self {
            Cond::Const(b) => *b,
            Cond::Took(b) => took[(*b / 64) as usize] >> (*b % 64) & 1 == 1,
            Cond::Not(c) => !c.eval(took, visits, ind),
            Cond::And(a, b) => a.eval(took, visits, ind) && b.eval(took, visits, ind),
            Cond::Or(a, b) => a.eval(took, visits, ind) || b.eval(took, visits, ind),
            Cond::Cmp(op, a, b) => {
                let value = |o: &Operand| match o {
                    Operand::Num(x) => *x,
                    Operand::Visits(n) => visits[*n as usize] as f64,
                    Operand::Ind(i) => ind[*i as usize],
                };
                op.apply(value(a), value(b))
            }
        }
    }

    /// Calls `f` on every leaf that reads the walk's state.
    pub fn for_each_read(&self, f: &mut impl FnMut(&Read)) {
        match self {
            Cond::Const(_) => {}
            Cond::Took(b) => f(&Read::Took(*b)),
            Cond::Not(c) => c.for_each_read(f),
            Cond::And(a, b) | Cond::Or(a, b) => {
                a.for_each_read(f);
                b.for_each_read(f);
            }
            Cond::Cmp(_, a, b) => {
                for o in [a, b] {
                    match o {
                        Operand::Num(_) => {}
                        Operand::Visits(n) => f(&Read::Visits(*n)),
                        Operand::Ind(i) => f(&Read::Indicator(*i)),
                    }
                }
            }
        }
    }
}

/// A part of the walk's state that a condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Took(u32),
    Visits(u32),
    Indicator(u32),
}

/// The names a condition may refer to.
pub trait Names {
    /// Index of a node by id.
    fn node(&self, id: &str) -> Option<u32>;
    /// Global index of a branch of a node.
    fn branch(&self, node: u32, id: &str) -> Option<u32>;
    /// Index of an indicator by name.
    fn indicator(&self, name: &str) -> Option<u32>;
    /// A suggestion for an unknown name of the given kind ("node", "indicator", or
    /// "branch" of `node`).
    fn suggest(&self, kind: &str, wrong: &str, node: Option<u32>) -> String;
}

/// A condition that could not be parsed or resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct CondError {
    /// 0-based character offset in the condition text.
    pub pos: usize,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for CondError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}: {}", self.pos + 1, self.message)
    }
}

impl CondError {
    /// The condition text with a caret under the error, for messages.
    /// Long conditions are shown as a window of 60 characters either side of the error.
    pub fn pointer(&self, text: &str) -> String {
        const SIDE: usize = 60;
        let chars: Vec<char> = text.chars().collect();
        let from = self.pos.saturating_sub(SIDE);
        let to = (self.pos + SIDE).min(chars.len());
        let lead = if from > 0 { "…" } else { "" };
        let tail = if to < chars.len() { "…" } else { "" };
        let shown: String = chars[from..to].iter().collect();
        let caret = " ".repeat(self.pos - from + lead.chars().count());
        format!("{lead}{shown}{tail}\n{caret}^")
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    Op(&'static str),
}

fn err(pos: usize, message: impl Into<String>) -> CondError {
    CondError { pos, message: message.into(), help: None }
}

fn lex(text: &str) -> Result<Vec<(usize, Tok)>, CondError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let digit_at = |j: usize| chars.get(j).is_some_and(|c| c.is_ascii_digit());
        if c.is_ascii_digit()
            || (c == '.' && digit_at(i + 1))
            || (c == '-' && (digit_at(i + 1) || chars.get(i + 1) == Some(&'.') && digit_at(i + 2)))
        {
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            let n: f64 = s.parse().map_err(|_| err(start, format!("`{s}` is not a number")))?;
            out.push((start, Tok::Num(n)));
        } else if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((start, Tok::Name(chars[start..i].iter().collect())));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = match two.as_str() {
                "<=" | ">=" | "==" | "!=" => {
                    i += 2;
                    ["<=", ">=", "==", "!="].into_iter().find(|o| *o == two).unwrap_or("==")
                }
                "&&" => return Err(err(start, "`&&` is not part of the language").help_text("write `and`")),
                "||" => return Err(err(start, "`||` is not part of the language").help_text("write `or`")),
                _ => {
                    i += 1;
                    match c {
                        '<' => "<",
                        '>' => ">",
                        '(' => "(",
                        ')' => ")",
                        '.' => ".",
                        '=' => {
                            return Err(
                                err(start, "a single `=` is not a comparison").help_text("write `==` to test equality")
                            );
                        }
                        '!' => {
                            return Err(err(start, "`!` is not part of the language")
                                .help_text("write `not` (or `!=` to compare)"));
                        }
                        _ => return Err(err(start, format!("unexpected character `{c}`"))),
                    }
                }
            };
            out.push((start, Tok::Op(op)));
        }
    }
    Ok(out)
}

impl CondError {
    fn help_text(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A parsed value before type checking: a boolean condition or a number.
enum Node {
    Bool(Cond),
    Num(Operand),
}

struct Parser<'a> {
    toks: Vec<(usize, Tok)>,
    i: usize,
    end: usize,
    names: &'a dyn Names,
    /// Current nesting of `not` and parentheses.
    depth: usize,
}

/// Conditions longer than this (in characters) are refused: evaluation is recursive,
/// and no teaching scenario needs more.
pub const MAX_CHARS: usize = 2000;
/// Deepest nesting of `not` and parentheses accepted.
pub const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|(_, t)| t)
    }
    fn pos(&self) -> usize {
        self.toks.get(self.i).map_or(self.end, |(p, _)| *p)
    }
    fn is_name(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(n)) if n == word)
    }
    fn expect_op(&mut self, op: &str, what: &str) -> Result<(), CondError> {
        match self.peek() {
            Some(Tok::Op(o)) if *o == op => {
                self.i += 1;
                Ok(())
            }
            _ => Err(err(self.pos(), format!("expected `{op}` {what}"))),
        }
    }
    fn ident(&mut self, what: &str) -> Result<(usize, String), CondError> {
        let pos = self.pos();
        match self.peek() {
            Some(Tok::Name(n)) => {
                let n = n.clone();
                self.i += 1;
                Ok((pos, n))
            }
            _ => Err(err(pos, format!("expected {what}"))),
        }
    }

    fn bool_expr(&mut self, what: &str) -> Result<Cond, CondError> {
        let pos = self.pos();
        match self.or()? {
            Node::Bool(c) => Ok(c),
            Node::Num(_) => {
                Err(err(pos, format!("{what} is a number, not a condition"))
                    .help_text("compare it, e.g. `tension >= 5`"))
            }
        }
    }

    fn or(&mut self) -> Result<Node, CondError> {
        let mut left = self.and()?;
        while self.is_name("or") {
            let pos = self.pos();
            self.i += 1;
            let l = as_bool(left, pos, "or")?;
            let r = self.bool_operand("or")?;
            left = Node::Bool(Cond::Or(Box::new(l), Box::new(r)));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, CondError> {
        let mut left = self.not()?;
        while self.is_name("and") {
            let pos = self.pos();
            self.i += 1;
            let l = as_bool(left, pos, "and")?;
            let r = self.bool_operand("and")?;
            left = Node::Bool(Cond::And(Box::new(l), Box::new(r)));
        }
        Ok(left)
    }

    fn bool_operand(&mut self, op: &str) -> Result<Cond, CondError> {
        let pos = self.pos();
        let node = if op == "or" { self.and()? } else { self.not()? };
        as_bool(node, pos, op)
    }

    fn enter(&mut self) -> Result<(), CondError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(self.pos(), format!("the condition nests more than {MAX_DEPTH} levels deep"))
                .help_text("simplify it: `not not x` is `x`, and extra parentheses can go"));
        }
        Ok(())
    }

    fn not(&mut self) -> Result<Node, CondError> {
        if self.is_name("not") {
            self.i += 1;
            self.enter()?;
            let c = self.bool_operand("not")?;
            self.depth -= 1;
            return Ok(Node::Bool(Cond::Not(Box::new(c))));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Node, CondError> {
        let left = self.atom()?;
        let op = match self.peek() {
            Some(Tok::Op("<")) => CmpOp::Lt,
            Some(Tok::Op("<=")) => CmpOp::Le,
            Some(Tok::Op(">")) => CmpOp::Gt,
            Some(Tok::Op(">=")) => CmpOp::Ge,
            Some(Tok::Op("==")) => CmpOp::Eq,
            Some(Tok::Op("!=")) => CmpOp::Ne,
            _ => return Ok(left),
        };
        let op_pos = self.pos();
        self.i += 1;
        let Node::Num(a) = left else {
            return Err(err(op_pos, format!("`{}` compares numbers, but its left side is a condition", op.symbol()))
                .help_text("compare an indicator, `visits(node)` or a number"));
        };
        let right_pos = self.pos();
        let Node::Num(b) = self.atom()? else {
            return Err(err(
                right_pos,
                format!("`{}` compares numbers, but its right side is a condition", op.symbol()),
            ));
        };
        Ok(Node::Bool(Cond::Cmp(op, a, b)))
    }

    fn atom(&mut self) -> Result<Node, CondError> {
        let pos = self.pos();
        let Some(tok) = self.peek().cloned() else {
            return Err(err(pos, "the condition ends too early").help_text("complete the expression"));
        };
        self.i += 1;
        match tok {
            Tok::Num(n) => Ok(Node::Num(Operand::Num(n))),
            Tok::Op("(") => {
                self.enter()?;
                let inner = self.or()?;
                self.depth -= 1;
                self.expect_op(")", "to close the `(`")?;
                Ok(inner)
            }
            Tok::Op(o) => Err(err(pos, format!("unexpected `{o}`"))),
            Tok::Name(n) => match n.as_str() {
                "true" => Ok(Node::Bool(Cond::Const(true))),
                "false" => Ok(Node::Bool(Cond::Const(false))),
                "took" => {
                    self.expect_op("(", "after `took`")?;
                    let (npos, node) = self.ident("a node id, as in `took(node.branch)`")?;
                    let node_ix = self.names.node(&node).ok_or_else(|| {
                        err(npos, format!("no node named `{node}`")).help_text(self.names.suggest("node", &node, None))
                    })?;
                    self.expect_op(".", "between node and branch, as in `took(node.branch)`")?;
                    let (bpos, branch) = self.ident("a branch id, as in `took(node.branch)`")?;
                    let b = self.names.branch(node_ix, &branch).ok_or_else(|| {
                        err(bpos, format!("node `{node}` has no branch `{branch}`")).help_text(self.names.suggest(
                            "branch",
                            &branch,
                            Some(node_ix),
                        ))
                    })?;
                    self.expect_op(")", "to close `took(`")?;
                    Ok(Node::Bool(Cond::Took(b)))
                }
                "visits" => {
                    self.expect_op("(", "after `visits`")?;
                    let (npos, node) = self.ident("a node id, as in `visits(node)`")?;
                    let node_ix = self.names.node(&node).ok_or_else(|| {
                        err(npos, format!("no node named `{node}`")).help_text(self.names.suggest("node", &node, None))
                    })?;
                    self.expect_op(")", "to close `visits(`")?;
                    Ok(Node::Num(Operand::Visits(node_ix)))
                }
                "and" | "or" => Err(err(pos, format!("`{n}` needs a condition on its left"))),
                name => match self.names.indicator(name) {
                    Some(i) => Ok(Node::Num(Operand::Ind(i))),
                    None => Err(err(pos, format!("no indicator named `{name}`")).help_text(self.names.suggest(
                        "indicator",
                        name,
                        None,
                    ))),
                },
            },
        }
    }
}

fn as_bool(node: Node, pos: usize, op: &str) -> Result<Cond, CondError> {
    match node {
        Node::Bool(c) => Ok(c),
        Node::Num(_) => Err(err(pos, format!("`{op}` joins conditions, but this side is a number"))
            .help_text("compare it, e.g. `tension >= 5`")),
    }
}

/// Parses and resolves a condition.
pub fn parse(text: &str, names: &dyn Names) -> Result<Cond, CondError> {
    let end = text.chars().count();
    if end > MAX_CHARS {
        return Err(err(
            MAX_CHARS,
            format!("the condition is {end} characters long; at most {MAX_CHARS} are accepted"),
        )
        .help_text("split the logic over several `weight_if` entries or nodes"));
    }
    let toks = lex(text)?;
    if toks.is_empty() {
        return Err(err(0, "the condition is empty").help_text("write e.g. `took(summit.pact)` or remove this entry"));
    }
    let mut p = Parser { toks, i: 0, end, names, depth: 0 };
    let cond = p.bool_expr("the whole condition")?;
    if p.i < p.toks.len() {
        let pos = p.pos();
        let found = match &p.toks[p.i].1 {
            Tok::Name(n) => format!("`{n}`"),
            Tok::Op(o) => format!("`{o}`"),
            Tok::Num(_) => "a number".to_string(),
        };
        return Err(err(pos, format!("unexpected {found} after a complete condition"))
            .help_text("join conditions with `and` or `or`"));
    }
    Ok(cond)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Nodes `a` (branches x, y) and `b` (branch z); indicators `tension`, `cost`.
    pub(crate) struct Fixture;
    impl Names for Fixture {
        fn node(&self, id: &str) -> Option<u32> {
            ["a", "b"].iter().position(|n| *n == id).map(|i| i as u32)
        }
        fn branch(&self, node: u32, id: &str) -> Option<u32> {
            match (node, id) {
                (0, "x") => Some(0),
                (0, "y") => Some(1),
                (1, "z") => Some(2),
                _ => None,
            }
        }
        fn indicator(&self, name: &str) -> Option<u32> {
            ["tension", "cost"].iter().position(|n| *n == name).map(|i| i as u32)
        }
        fn suggest(&self, kind: &str, wrong: &str, _: Option<u32>) -> String {
            format!("{kind}? {wrong}")
        }
    }

    fn eval(text: &str, took: u64, visits: &[u32], ind: &[f64]) -> bool {
        parse(text, &Fixture).unwrap().eval(&[took], visits, ind)
    }

    #[test]
    fn evaluates_the_whole_language() {
        let v = [2, 0];
        let ind = [5.0, -1.5];
        assert!(eval("took(a.x)", 0b1, &v, &ind));
        assert!(!eval("took(a.y)", 0b1, &v, &ind));
        assert!(eval("took(a.x) and tension >= 5", 0b1, &v, &ind));
        assert!(!eval("took(a.x) and tension > 5", 0b1, &v, &ind));
        assert!(eval("took(b.z) or visits(a) == 2", 0, &v, &ind));
        assert!(eval("not took(b.z)", 0, &v, &ind));
        assert!(eval("not (took(a.x) or took(b.z))", 0, &v, &ind));
        assert!(eval("cost < -1", 0, &v, &ind));
        assert!(eval("cost != .5 and 3 <= tension", 0, &v, &ind));
        assert!(eval("true", 0, &v, &ind));
        assert!(!eval("false or false", 0, &v, &ind));
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        // true or (false and false) == true; (true or false) and false would be false.
        assert!(eval("true or false and false", 0, &[0, 0], &[0.0, 0.0]));
        assert!(!eval("not true and true", 0, &[0, 0], &[0.0, 0.0]));
    }

    fn error(text: &str) -> CondError {
        parse(text, &Fixture).unwrap_err()
    }

    #[test]
    fn errors_point_into_the_text() {
        let e = error("took(a.x) and tension >= ");
        assert_eq!(e.pos, 25, "{e:?}");
        assert!(e.message.contains("ends too early"));
        let e = error("took(a.q)");
        assert_eq!((e.pos, e.message.as_str()), (7, "node `a` has no branch `q`"));
        let e = error("took(c.x)");
        assert_eq!((e.pos, e.message.as_str()), (5, "no node named `c`"));
        let e = error("tensoin > 2");
        assert_eq!((e.pos, e.message.as_str()), (0, "no indicator named `tensoin`"));
        assert_eq!(error("tension = 2").pos, 8);
        assert_eq!(error("took(a.x) && took(b.z)").help.as_deref(), Some("write `and`"));
        assert_eq!(error("(took(a.x)").pos, 10);
        assert!(error("tension").message.contains("is a number, not a condition"));
        assert!(error("took(a.x) > 1").message.contains("left side is a condition"));
        assert!(error("took(a.x) took(b.z)").message.contains("after a complete condition"));
        assert!(error("   ").message.contains("empty"));
        assert!(error("tension > 2 # x").message.contains("unexpected character `#`"));
        let deep = format!("{}true{}", "(".repeat(65), ")".repeat(65));
        assert!(error(&deep).message.contains("more than 64 levels"));
        assert!(error(&"not ".repeat(100)).message.contains("more than 64 levels"));
        parse(&format!("{}true{}", "(".repeat(64), ")".repeat(64)), &Fixture).unwrap();
        let long = vec!["took(a.x)"; 300].join(" or ");
        assert!(error(&long).message.contains("at most 2000 are accepted"));
    }

    #[test]
    fn reports_what_it_reads() {
        let c = parse("took(b.z) or visits(a) > tension", &Fixture).unwrap();
        let mut reads = Vec::new();
        c.for_each_read(&mut |r| reads.push(*r));
        assert_eq!(reads, vec![Read::Took(2), Read::Visits(0), Read::Indicator(0)]);
    }
}
