//! Stored values in columns: one block per (indicator, series), rows ordered by (unit, first
//! month, length). About 26 bytes per value: the engine holds a province's 20 million values in
//! half a gigabyte and sums them at memory speed.

use rust_decimal::Decimal;
use solieu_core::value::Status;

/// First month of the calendar the engine counts from; periods before 1900 are refused anyway.
pub(crate) const EPOCH_MONTH: i64 = 1900 * 12;

/// Where a stored value lives: its block and row. Rows move when values are inserted, so a
/// reference is only good until the next write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactRef {
    pub block: u32,
    pub row: u32,
}

/// Values of a block: fixed-point integers at one scale while they fit, exact decimals otherwise.
#[derive(Debug, Clone)]
pub(crate) enum Values {
    Fixed { scale: u32, mantissa: Vec<i64> },
    Exact(Vec<Decimal>),
}

/// The most decimals kept as fixed point; more precise figures use exact decimals.
const MAX_FIXED_SCALE: u32 = 9;

impl Values {
    pub(crate) fn get(&self, row: usize) -> Decimal {
        match self {
            Values::Fixed { scale, mantissa } => Decimal::new(mantissa[row], *scale),
            Values::Exact(v) => v[row],
        }
    }

    fn make_exact(&mut self) {
        if let Values::Fixed { scale, mantissa } = self {
            let exact = mantissa.iter().map(|&m| Decimal::new(m, *scale)).collect();
            *self = Values::Exact(exact);
        }
    }

    /// `value` as a mantissa at this block's scale, widening the scale if needed; `None` when
    /// the block must hold exact decimals instead.
    fn fit(&mut self, value: Decimal) -> Option<i64> {
        let Values::Fixed { scale, mantissa } = self else {
            return None;
        };
        let needed = value.normalize().scale();
        if needed > MAX_FIXED_SCALE {
            return None;
        }
        if needed > *scale {
            let factor = 10i64.checked_pow(needed - *scale)?;
            let widened: Option<Vec<i64>> =
                mantissa.iter().map(|m| m.checked_mul(factor)).collect();
            *mantissa = widened?;
            *scale = needed;
        }
        let mut v = value;
        v.rescale(*scale);
        i64::try_from(v.mantissa()).ok()
    }

    fn insert(&mut self, row: usize, value: Decimal) {
        match self.fit(value) {
            Some(m) => {
                if let Values::Fixed { mantissa, .. } = self {
                    mantissa.insert(row, m);
                }
            }
            None => {
                self.make_exact();
                if let Values::Exact(v) = self {
                    v.insert(row, value);
                }
            }
        }
    }

    fn set(&mut self, row: usize, value: Decimal) {
        match self.fit(value) {
            Some(m) => {
                if let Values::Fixed { mantissa, .. } = self {
                    mantissa[row] = m;
                }
            }
            None => {
                self.make_exact();
                if let Values::Exact(v) = self {
                    v[row] = value;
                }
            }
        }
    }

    /// The exact sum of `rows`, in fixed point when possible.
    pub(crate) fn sum(&self, rows: std::ops::Range<usize>) -> Option<Decimal> {
        match self {
            Values::Fixed { scale, mantissa } => {
                let total: i128 = mantissa[rows].iter().map(|&m| i128::from(m)).sum();
                Decimal::try_from_i128_with_scale(total, *scale).ok()
            }
            Values::Exact(v) => v[rows]
                .iter()
                .try_fold(Decimal::ZERO, |a, b| a.checked_add(*b)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Values::Fixed { mantissa, .. } => mantissa.len(),
            Values::Exact(v) => v.len(),
        }
    }
}

/// The values of one indicator and series.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub(crate) unit: Vec<u32>,
    /// First month, counted from January 1900.
    pub(crate) start: Vec<u16>,
    pub(crate) months: Vec<u8>,
    pub(crate) values: Values,
    pub(crate) status: Vec<Status>,
    pub(crate) value_id: Vec<i64>,
    pub(crate) entered_by: Vec<u16>,
    /// Rows that are not single months: while zero, every unit's cover is its months.
    pub(crate) longer_than_a_month: usize,
    /// The rows of unit `u` are `offsets[u]..offsets[u + 1]`.
    offsets: Vec<u32>,
}

/// One row to put in a block.
pub(crate) struct Row {
    pub(crate) unit: u32,
    pub(crate) start: u16,
    pub(crate) months: u8,
    pub(crate) value: Decimal,
    pub(crate) status: Status,
    pub(crate) value_id: i64,
    pub(crate) entered_by: u16,
}

impl Block {
    /// An empty block for a register of `units` unit versions.
    pub(crate) fn new(units: usize) -> Block {
        Block {
            offsets: vec![0; units + 1],
            unit: Vec::new(),
            start: Vec::new(),
            months: Vec::new(),
            values: Values::Fixed {
                scale: 0,
                mantissa: Vec::new(),
            },
            status: Vec::new(),
            value_id: Vec::new(),
            entered_by: Vec::new(),
            longer_than_a_month: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.unit.len()
    }

    /// The rows of `unit`, none for a unit the block was not built for.
    pub(crate) fn rows_of(&self, unit: u32) -> std::ops::Range<usize> {
        if (unit as usize) + 1 < self.offsets.len() {
            self.unit_rows(unit)
        } else {
            0..0
        }
    }

    /// The rows of `unit`, ordered by first month.
    pub(crate) fn unit_rows(&self, unit: u32) -> std::ops::Range<usize> {
        let u = unit as usize;
        self.offsets[u] as usize..self.offsets[u + 1] as usize
    }

    /// The row of `unit` for the single month `start`, if stored.
    pub(crate) fn month_row(&self, rows: &std::ops::Range<usize>, start: u16) -> Option<usize> {
        if rows.is_empty() {
            return None;
        }
        let first = self.start[rows.start];
        // Months are usually stored without gaps: then the row is found by arithmetic.
        let guess = rows.start + usize::from(start.checked_sub(first)?);
        if guess < rows.end && self.start[guess] == start && self.months[guess] == 1 {
            return Some(guess);
        }
        let at = rows.start + self.start[rows.clone()].partition_point(|&s| s < start);
        (at < rows.end && self.start[at] == start && self.months[at] == 1).then_some(at)
    }

    /// Adds a row or replaces the row with the same unit, first month and length.
    pub(crate) fn upsert(&mut self, row: Row) {
        let range = self.unit_rows(row.unit);
        let key = (row.start, row.months);
        let at = range
            .clone()
            .find(|&i| (self.start[i], self.months[i]) >= key)
            .unwrap_or(range.end);
        if at < range.end && (self.start[at], self.months[at]) == key {
            self.values.set(at, row.value);
            self.status[at] = row.status;
            self.value_id[at] = row.value_id;
            self.entered_by[at] = row.entered_by;
            return;
        }
        self.unit.insert(at, row.unit);
        self.start.insert(at, row.start);
        self.months.insert(at, row.months);
        self.values.insert(at, row.value);
        self.status.insert(at, row.status);
        self.value_id.insert(at, row.value_id);
        self.entered_by.insert(at, row.entered_by);
        if row.months != 1 {
            self.longer_than_a_month += 1;
        }
        for offset in &mut self.offsets[row.unit as usize + 1..] {
            *offset += 1;
        }
        debug_assert_eq!(self.values.len(), self.unit.len());
    }

    /// Builds a block from rows in any order; a later row with the same key wins.
    pub(crate) fn from_rows(units: usize, mut rows: Vec<Row>) -> Block {
        rows.sort_by_key(|r| (r.unit, r.start, r.months));
        rows.dedup_by(|later, earlier| {
            let same = (later.unit, later.start, later.months)
                == (earlier.unit, earlier.start, earlier.months);
            if same {
                std::mem::swap(later, earlier);
            }
            same
        });
        let mut block = Block::new(units);
        for r in &rows {
            block.offsets[r.unit as usize + 1] += 1;
        }
        for u in 1..block.offsets.len() {
            block.offsets[u] += block.offsets[u - 1];
        }
        let exact_needed = rows
            .iter()
            .any(|r| r.value.normalize().scale() > MAX_FIXED_SCALE);
        let scale = rows
            .iter()
            .map(|r| r.value.normalize().scale())
            .max()
            .unwrap_or(0);
        let mantissas: Option<Vec<i64>> = (!exact_needed)
            .then(|| {
                rows.iter()
                    .map(|r| {
                        let mut v = r.value;
                        v.rescale(scale);
                        i64::try_from(v.mantissa()).ok()
                    })
                    .collect()
            })
            .flatten();
        block.values = match mantissas {
            Some(mantissa) => Values::Fixed { scale, mantissa },
            None => Values::Exact(rows.iter().map(|r| r.value).collect()),
        };
        block.longer_than_a_month = rows.iter().filter(|r| r.months != 1).count();
        block.unit = rows.iter().map(|r| r.unit).collect();
        block.start = rows.iter().map(|r| r.start).collect();
        block.months = rows.iter().map(|r| r.months).collect();
        block.status = rows.iter().map(|r| r.status).collect();
        block.value_id = rows.iter().map(|r| r.value_id).collect();
        block.entered_by = rows.iter().map(|r| r.entered_by).collect();
        block
    }

    /// Bytes held per value, for the benchmark's memory figure.
    pub(crate) fn bytes(&self) -> usize {
        let values = match &self.values {
            Values::Fixed { mantissa, .. } => mantissa.capacity() * 8,
            Values::Exact(v) => v.capacity() * 16,
        };
        self.unit.capacity() * 4
            + self.start.capacity() * 2
            + self.months.capacity()
            + values
            + self.status.capacity()
            + self.value_id.capacity() * 8
            + self.entered_by.capacity() * 2
            + self.offsets.capacity() * 4
    }
}
