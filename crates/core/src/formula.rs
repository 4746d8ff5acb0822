//! Formulas of derived indicators: `GTSX_NN + GTSX_CN + GTSX_DV`, `GTSX_DV / GTSX * 100`.
//!
//! Operands are indicator codes (a letter first, then letters, digits, `_` or `.`), codes in
//! braces for any other spelling (`{0501}`), and numbers with a decimal point. Arithmetic is exact
//! decimal arithmetic; overflow and division by zero give no value rather than a wrong one.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Number(Decimal),
    Indicator(String),
    Neg(Box<Expr>),
    Binary(Box<Expr>, Op, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// A parsed formula together with the text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    text: String,
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("formula “{text}”, at character {position}: {}", .fault.text().get(solieu_i18n::Lang::En))]
pub struct FormulaError {
    pub text: String,
    pub position: usize,
    pub fault: FormulaFault,
}

/// What is wrong with a formula. Each is told in the catalogues (`core-formula-<code>`), so
/// that a Vietnamese message says it in Vietnamese rather than passing an English reason on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormulaFault {
    TooLong,
    TextAfter,
    TooDeep,
    NoClosingParen,
    NoClosingBrace,
    EmptyBraces,
    NotANumber,
    ExpectedOperand,
    EndsEarly,
}

impl FormulaFault {
    pub const ALL: [FormulaFault; 9] = [
        FormulaFault::TooLong,
        FormulaFault::TextAfter,
        FormulaFault::TooDeep,
        FormulaFault::NoClosingParen,
        FormulaFault::NoClosingBrace,
        FormulaFault::EmptyBraces,
        FormulaFault::NotANumber,
        FormulaFault::ExpectedOperand,
        FormulaFault::EndsEarly,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FormulaFault::TooLong => "too-long",
            FormulaFault::TextAfter => "text-after",
            FormulaFault::TooDeep => "too-deep",
            FormulaFault::NoClosingParen => "no-closing-paren",
            FormulaFault::NoClosingBrace => "no-closing-brace",
            FormulaFault::EmptyBraces => "empty-braces",
            FormulaFault::NotANumber => "not-a-number",
            FormulaFault::ExpectedOperand => "expected-operand",
            FormulaFault::EndsEarly => "ends-early",
        }
    }

    /// The fault in both languages.
    pub fn text(self) -> solieu_i18n::Text {
        use solieu_i18n::ToArg;
        let id = format!("core-formula-{}", self.code());
        solieu_i18n::Text::msg(&id, &[("max", MAX_LEN.to_arg())])
    }
}

/// Why a formula gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalGap {
    /// An operand has no value; the code is named.
    Missing(String),
    DivisionByZero,
    Overflow,
}

const MAX_DEPTH: usize = 64;
/// Bounds the tree's size so evaluation cannot exhaust the stack on a long chain of terms.
const MAX_LEN: usize = 2000;

impl Formula {
    pub fn parse(text: &str) -> Result<Formula, FormulaError> {
        if text.len() > MAX_LEN {
            return Err(FormulaError {
                text: text.chars().take(40).collect::<String>() + "…",
                position: MAX_LEN,
                fault: FormulaFault::TooLong,
            });
        }
        let mut parser = Parser {
            text,
            chars: text.char_indices().collect(),
            pos: 0,
            depth: 0,
        };
        let expr = parser.expr()?;
        parser.skip_space();
        if parser.pos < parser.chars.len() {
            return Err(parser.fail(FormulaFault::TextAfter));
        }
        Ok(Formula {
            text: text.trim().to_string(),
            expr,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// The indicator codes the formula reads, each once, in order of appearance.
    pub fn references(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        fn walk<'a>(e: &'a Expr, out: &mut Vec<&'a str>) {
            match e {
                Expr::Number(_) => {}
                Expr::Indicator(code) => {
                    if !out.contains(&code.as_str()) {
                        out.push(code);
                    }
                }
                Expr::Neg(inner) => walk(inner, out),
                Expr::Binary(a, _, b) => {
                    walk(a, out);
                    walk(b, out);
                }
            }
        }
        walk(&self.expr, &mut out);
        out
    }

    /// Evaluates with `lookup` giving each indicator's value.
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Option<Decimal>) -> Result<Decimal, EvalGap> {
        eval(&self.expr, lookup)
    }
}

fn eval(e: &Expr, lookup: &dyn Fn(&str) -> Option<Decimal>) -> Result<Decimal, EvalGap> {
    match e {
        Expr::Number(n) => Ok(*n),
        Expr::Indicator(code) => lookup(code).ok_or_else(|| EvalGap::Missing(code.clone())),
        Expr::Neg(inner) => Ok(-eval(inner, lookup)?),
        Expr::Binary(a, op, b) => {
            let (a, b) = (eval(a, lookup)?, eval(b, lookup)?);
            match op {
                Op::Add => a.checked_add(b).ok_or(EvalGap::Overflow),
                Op::Sub => a.checked_sub(b).ok_or(EvalGap::Overflow),
                Op::Mul => a.checked_mul(b).ok_or(EvalGap::Overflow),
                Op::Div if b.is_zero() => Err(EvalGap::DivisionByZero),
                Op::Div => a.checked_div(b).ok_or(EvalGap::Overflow),
            }
        }
    }
}

impl FromStr for Formula {
    type Err = FormulaError;
    fn from_str(s: &str) -> Result<Formula, FormulaError> {
        Formula::parse(s)
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

struct Parser<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn fail(&self, fault: FormulaFault) -> FormulaError {
        FormulaError {
            text: self.text.to_string(),
            position: self.pos + 1,
            fault,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|(_, c)| *c)
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn expr(&mut self) -> Result<Expr, FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.fail(FormulaFault::TooDeep));
        }
        let mut left = self.term()?;
        loop {
            self.skip_space();
            let op = match self.peek() {
                Some('+') => Op::Add,
                Some('-') => Op::Sub,
                _ => break,
            };
            self.pos += 1;
            let right = self.term()?;
            left = Expr::Binary(Box::new(left), op, Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn term(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.factor()?;
        loop {
            self.skip_space();
            let op = match self.peek() {
                Some('*') => Op::Mul,
                Some('/') => Op::Div,
                _ => break,
            };
            self.pos += 1;
            let right = self.factor()?;
            left = Expr::Binary(Box::new(left), op, Box::new(right));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Expr, FormulaError> {
        self.skip_space();
        match self.peek() {
            Some('-') => {
                self.pos += 1;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.fail(FormulaFault::TooDeep));
                }
                let inner = self.factor()?;
                self.depth -= 1;
                Ok(Expr::Neg(Box::new(inner)))
            }
            Some('(') => {
                self.pos += 1;
                let inner = self.expr()?;
                self.skip_space();
                if self.peek() != Some(')') {
                    return Err(self.fail(FormulaFault::NoClosingParen));
                }
                self.pos += 1;
                Ok(inner)
            }
            Some('{') => {
                self.pos += 1;
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '}') {
                    self.pos += 1;
                }
                if self.peek() != Some('}') {
                    return Err(self.fail(FormulaFault::NoClosingBrace));
                }
                let code: String = self.chars[start..self.pos].iter().map(|(_, c)| c).collect();
                self.pos += 1;
                let code = code.trim().to_string();
                if code.is_empty() {
                    return Err(self.fail(FormulaFault::EmptyBraces));
                }
                Ok(Expr::Indicator(code))
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
                    self.pos += 1;
                }
                let digits: String = self.chars[start..self.pos].iter().map(|(_, c)| c).collect();
                Decimal::from_str(&digits)
                    .map(Expr::Number)
                    .map_err(|_| self.fail(FormulaFault::NotANumber))
            }
            Some(c) if c.is_alphabetic() => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                {
                    self.pos += 1;
                }
                Ok(Expr::Indicator(
                    self.chars[start..self.pos].iter().map(|(_, c)| c).collect(),
                ))
            }
            Some(_) => Err(self.fail(FormulaFault::ExpectedOperand)),
            None => Err(self.fail(FormulaFault::EndsEarly)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn values(code: &str) -> Option<Decimal> {
        match code {
            "GTSX_NN" => Some(d("146.53")),
            "GTSX_CN" => Some(d("105.06")),
            "GTSX_DV" => Some(d("391.82")),
            "0501" => Some(d("2")),
            "ZERO" => Some(Decimal::ZERO),
            _ => None,
        }
    }

    #[test]
    fn every_fault_is_told_in_both_languages() {
        use solieu_i18n::Lang;
        for fault in FormulaFault::ALL {
            let text = fault.text();
            for lang in [Lang::Vi, Lang::En] {
                let id = format!("core-formula-{}", fault.code());
                assert!(solieu_i18n::has(lang, &id), "{id} missing in {lang:?}");
                assert!(!text.get(lang).contains("{ $"), "{id}: {}", text.get(lang));
            }
        }
        let e = Formula::parse("(A + B").unwrap_err();
        assert_eq!(e.fault, FormulaFault::NoClosingParen);
        assert_eq!(e.fault.text().get(Lang::Vi), "thiếu dấu “)”");
    }

    #[test]
    fn sums_sectors_exactly() {
        let f = Formula::parse("GTSX_NN + GTSX_CN + GTSX_DV").unwrap();
        assert_eq!(f.eval(&values), Ok(d("643.41")));
        assert_eq!(f.references(), vec!["GTSX_NN", "GTSX_CN", "GTSX_DV"]);
    }

    #[test]
    fn respects_precedence_parentheses_and_braces() {
        assert_eq!(
            Formula::parse("1 + 2 * 3").unwrap().eval(&values),
            Ok(d("7"))
        );
        assert_eq!(
            Formula::parse("(1 + 2) * 3").unwrap().eval(&values),
            Ok(d("9"))
        );
        assert_eq!(
            Formula::parse("-{0501} * 0.5").unwrap().eval(&values),
            Ok(d("-1"))
        );
        assert_eq!(
            Formula::parse("10 - 2 - 3").unwrap().eval(&values),
            Ok(d("5"))
        );
    }

    #[test]
    fn gaps_instead_of_wrong_numbers() {
        assert_eq!(
            Formula::parse("GTSX_NN / ZERO").unwrap().eval(&values),
            Err(EvalGap::DivisionByZero)
        );
        assert_eq!(
            Formula::parse("GTSX_NN + NOPE").unwrap().eval(&values),
            Err(EvalGap::Missing("NOPE".into()))
        );
    }

    #[test]
    fn says_where_a_formula_is_wrong() {
        for bad in [
            "", "A +", "(A + B", "A B", "A + * B", "{}", "{A", "1.2.3", "A % B",
        ] {
            assert!(Formula::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Formula::parse("A B").unwrap_err().position, 3);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            if let Ok(f) = Formula::parse(&s) {
                let _ = f.eval(&|_| Some(Decimal::MAX));
            }
        }

        #[test]
        fn deep_nesting_is_refused_not_a_stack_overflow(n in 60usize..5000) {
            let _ = Formula::parse(&format!("{}1{}", "(".repeat(n), ")".repeat(n)));
            let _ = Formula::parse(&format!("{}1", "-".repeat(n)));
        }
    }
}
