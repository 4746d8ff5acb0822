//! The domain of solieu: administrative units with their history, indicators, periods and
//! values, and the rules that keep them consistent.
//!
//! This crate does no I/O. Storage, file formats, reports, the web and the CLI live in other
//! crates and depend on this one; nothing here depends on them.

pub mod changes;
pub mod format;
pub mod formula;
pub mod indicator;
pub mod legacy_text;
pub mod lineage;
pub mod measure;
pub mod number;
pub mod period;
pub mod portal;
pub mod problem;
pub mod programs;
pub mod text;
pub mod unit;
pub mod validation;
pub mod value;
pub mod workflow;

pub use rust_decimal::Decimal;
