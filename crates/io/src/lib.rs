//! solieu's documented CSV formats: units, lineage, indicators and values.
//!
//! Reading never stops at the first problem: every problem in every row is reported with the
//! file, line, column, the value as written, what was expected and a hint. Records come back
//! located, so the core can point at the line that causes a later problem too.
//! The formats are described in `docs/formats.md`.

mod bounded;
pub mod csv_cell;
pub mod dhis2;
pub mod dhis2_metadata;
pub mod excel;
pub mod geojson;
pub mod gso;
pub mod limits;
pub mod programs;
mod read;
pub mod template;
pub mod why;
mod write;

pub use limits::{Limit, Limits};
pub use read::{FileKind, ReadOptions, ReadResult, read_csv};
pub use write::{
    TableCell, to_csv, to_xlsx, write_indicators, write_lineage, write_rules, write_units,
    write_values,
};
