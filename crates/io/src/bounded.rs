//! Workbooks read within [`Limits`]: nothing is allocated for a sheet before what it would cost
//! is known to fit.
//!
//! - ZIP containers (XLSX, ODS) are inflated once into nothing before anything else reads
//!   them, counting the bytes each entry really inflates to (headers are not trusted), so a
//!   zip bomb is refused after `part-bytes` bytes of work and no memory.
//! - XLSX sheets are streamed cell by cell (calamine's cell reader); each cell's row, column and
//!   length and the sheet's rectangle are checked before it is kept. calamine's own
//!   `worksheet_range` allocates the whole rectangle first (a cell at XFD1048576 is 512 GiB).
//! - ODS is read by calamine whole at open, repeated rows and columns expanded: its
//!   `content.xml` is scanned first for the extent the repetitions reach.
//! - XLS is read by calamine whole at open too, each sheet as its rectangle (up to 65,536 ×
//!   256): the cell records of the workbook stream are scanned first.

use crate::excel::column_letter;
use crate::limits::{Found, Limit, Limits, exceeded};
use calamine::{Cell, Data, DataRef, Range, Xlsx};
use quick_xml::events::Event;
use solieu_core::problem::{Location, Problem};
use std::io::{Cursor, Read, Seek};

type Refusal = Box<Problem>;

/// Refuses a ZIP container with too many entries or entries that inflate beyond the limits.
pub(crate) fn check_zip(file: &str, bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    let at = Location::file(file);
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(file, &e))?;
    limits.check(Limit::Entries, archive.len() as u64, &at)?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| unreadable(file, &e))?;
        let name = entry.name().map_err(|e| unreadable(file, &e))?.to_string();
        let cap = limits.part_bytes;
        let inflated = std::io::copy(&mut (&mut entry).take(cap + 1), &mut std::io::sink())
            .map_err(|e| unreadable(file, &e))?;
        if inflated > cap {
            return Err(Box::new(
                exceeded(at, Limit::PartBytes, cap, Found::AtLeast(inflated)).with_value(name),
            ));
        }
        total += inflated;
        if total > limits.total_bytes {
            return Err(Box::new(
                exceeded(
                    at,
                    Limit::TotalBytes,
                    limits.total_bytes,
                    Found::AtLeast(total),
                )
                .with_value(name),
            ));
        }
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            drop(entry);
            check_strings_count(file, &mut archive, i, limits)?;
        }
    }
    Ok(())
}

/// calamine reserves room for as many shared strings as the part's `uniqueCount` attribute
/// says before reading one: a header of 4,000,000,000 would be an allocation of 96 GB. The
/// count is read here first and held to the cells limit (a string no cell uses is no use).
fn check_strings_count(
    file: &str,
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: usize,
    limits: &Limits,
) -> Result<(), Refusal> {
    let entry = archive.by_index(index).map_err(|e| unreadable(file, &e))?;
    let name = entry.name().map_err(|e| unreadable(file, &e))?.to_string();
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(entry.take(64 * 1024)));
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"sst" => {
                let declared = attr(&e, b"uniqueCount").and_then(|v| v.trim().parse::<u64>().ok());
                let at = Location::file(file);
                return match declared {
                    Some(n) if n > limits.cells => Err(Box::new(
                        exceeded(at, Limit::Cells, limits.cells, Found::Exactly(n))
                            .with_value(format!("{name}: uniqueCount=\"{n}\"")),
                    )),
                    _ => Ok(()),
                };
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            _ => buf.clear(),
        }
    }
}

fn unreadable(file: &str, e: &dyn std::fmt::Display) -> Refusal {
    Box::new(
        Problem::error(
            Location::file(file),
            solieu_i18n::text!("io-cannot-open-workbook-damaged-or", e = e),
        )
        .with_hint(solieu_i18n::text!("io-open-it-excel-or-libreoffice")),
    )
}

/// What the sheets read so far have used of the workbook's limits.
#[derive(Default)]
pub(crate) struct Budget {
    cells: u64,
    area: u64,
}

/// The smallest rectangle holding the cells kept so far.
#[derive(Default)]
struct Extent {
    corners: Option<((u32, u32), (u32, u32))>,
}

impl Extent {
    fn add(&mut self, (row, col): (u32, u32)) {
        self.corners = Some(match self.corners {
            None => ((row, col), (row, col)),
            Some(((r0, c0), (r1, c1))) => ((r0.min(row), c0.min(col)), (r1.max(row), c1.max(col))),
        });
    }

    fn area(&self) -> u64 {
        self.corners.map_or(0, |((r0, c0), (r1, c1))| {
            (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
        })
    }
}

/// Checks one cell of `sheet` at `(row, col)` holding `text` (when it is text) against the
/// limits. `Ok(false)` for a cell of spaces only: counted, never kept, as the readers treat it
/// as empty anyway.
fn check_cell(
    file: &str,
    sheet: &str,
    (row, col): (u32, u32),
    text: Option<&str>,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<bool, Refusal> {
    let at = || Location::cell(file, sheet, row as u64 + 1).with_column(column_letter(col));
    budget.cells += 1;
    if budget.cells > limits.cells {
        return Err(Box::new(exceeded(
            at(),
            Limit::Cells,
            limits.cells,
            Found::AtLeast(budget.cells),
        )));
    }
    limits.check(Limit::Rows, row as u64 + 1, &at())?;
    limits.check(Limit::Columns, col as u64 + 1, &at())?;
    let Some(text) = text else {
        return Ok(true);
    };
    if text.len() as u64 > limits.cell_chars {
        let chars = text.chars().count() as u64;
        if chars > limits.cell_chars {
            return Err(Box::new(
                exceeded(
                    at(),
                    Limit::CellChars,
                    limits.cell_chars,
                    Found::Exactly(chars),
                )
                .with_value(text),
            ));
        }
    }
    Ok(!text.trim().is_empty())
}

fn check_area(
    file: &str,
    sheet: &str,
    extent: &Extent,
    limits: &Limits,
    budget: &Budget,
) -> Result<(), Refusal> {
    let area = budget.area + extent.area();
    if area <= limits.area {
        return Ok(());
    }
    let ((r0, c0), (r1, c1)) = extent.corners.expect("an area");
    let span = format!(
        "{}{}:{}{}",
        column_letter(c0),
        r0 + 1,
        column_letter(c1),
        r1 + 1
    );
    Err(Box::new(
        exceeded(
            Location {
                file: file.to_string(),
                sheet: Some(sheet.to_string()),
                ..Location::default()
            },
            Limit::Area,
            limits.area,
            Found::Exactly(area),
        )
        .with_value(span),
    ))
}

/// An XLSX sheet, streamed: refused at the first cell over a limit, before its rectangle is
/// allocated.
pub(crate) fn xlsx_sheet<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    file: &str,
    sheet: &str,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Range<Data>, Refusal> {
    let mut reader = match book.worksheet_cells_reader(sheet) {
        Ok(reader) => reader,
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Range::default()),
        Err(e) => return Err(unreadable_sheet(file, sheet, &e)),
    };
    let mut cells = Vec::new();
    let mut extent = Extent::default();
    // With formulas: a formula without a cached value has no value, but the wide layout's
    // formula range (`worksheet_formula`) spans it, so it counts for the extent.
    while let Some(cell) = reader
        .next_cell_with_formula_metadata()
        .map_err(|e| unreadable_sheet(file, sheet, &e))?
    {
        let formula = cell.formula.is_some();
        let text = match &cell.value {
            DataRef::Empty if !formula => continue,
            DataRef::String(s) => Some(s.as_str()),
            DataRef::SharedString(s) => Some(*s),
            _ => None,
        };
        if !check_cell(file, sheet, cell.pos, text, limits, budget)? && !formula {
            continue;
        }
        extent.add(cell.pos);
        check_area(file, sheet, &extent, limits, budget)?;
        if !matches!(cell.value, DataRef::Empty) {
            cells.push(Cell::new(cell.pos, Data::from(cell.value)));
        }
    }
    budget.area += extent.area();
    Ok(Range::from_sparse(cells))
}

/// A sheet some other reader already holds (XLS), checked the same way.
pub(crate) fn check_range(
    file: &str,
    sheet: &str,
    range: &Range<Data>,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<(), Refusal> {
    let Some((top, left)) = range.start() else {
        return Ok(());
    };
    let mut extent = Extent::default();
    for (r, c, data) in range.used_cells() {
        let position = (top + r as u32, left + c as u32);
        let text = match data {
            Data::String(s) => Some(s.as_str()),
            _ => None,
        };
        if check_cell(file, sheet, position, text, limits, budget)? {
            extent.add(position);
        }
    }
    check_area(file, sheet, &extent, limits, budget)?;
    budget.area += extent.area();
    Ok(())
}

pub(crate) fn unreadable_sheet(file: &str, sheet: &str, e: &dyn std::fmt::Display) -> Refusal {
    Box::new(Problem::error(
        Location {
            file: file.to_string(),
            sheet: Some(sheet.to_string()),
            ..Location::default()
        },
        solieu_i18n::text!("io-cannot-read-sheet", e = e),
    ))
}

/// Scans an ODS file's `content.xml` for what calamine would expand it to: rows and columns
/// reached through `number-rows-repeated` / `number-columns-repeated`, non-empty cells and the
/// area of each table. Run after [`check_zip`], so the part is known to be bounded.
pub(crate) fn check_ods(file: &str, bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(file, &e))?;
    let Ok(content) = archive.by_name("content.xml") else {
        // calamine refuses it with its own message.
        return Ok(());
    };
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let mut buf = Vec::new();
    let mut scan = OdsScan::default();
    let mut budget = Budget::default();
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| unreadable(file, &e))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"table:table" => {
                scan = OdsScan {
                    sheet: attr(&e, b"table:name").unwrap_or_default(),
                    ..OdsScan::default()
                };
            }
            Event::End(e) if e.name().as_ref() == b"table:table" => {
                budget.area = budget
                    .area
                    .saturating_add(scan.rows_used.saturating_mul(scan.columns_used));
                let at = Location {
                    file: file.to_string(),
                    sheet: Some(scan.sheet.clone()),
                    ..Location::default()
                };
                limits.check(Limit::Area, budget.area, &at)?;
            }
            Event::Start(e) if e.name().as_ref() == b"table:table-row" => {
                scan.row_repeats = repeats(&e, b"table:number-rows-repeated");
                scan.column = 0;
            }
            Event::Empty(e) if e.name().as_ref() == b"table:table-row" => {
                scan.row = scan
                    .row
                    .saturating_add(repeats(&e, b"table:number-rows-repeated"));
            }
            Event::End(e) if e.name().as_ref() == b"table:table-row" => {
                scan.row = scan.row.saturating_add(scan.row_repeats);
            }
            Event::Start(e) if is_cell(&e) => scan.cell(file, &e, true, limits, &mut budget)?,
            Event::Empty(e) if is_cell(&e) => scan.cell(file, &e, false, limits, &mut budget)?,
            Event::Eof => return Ok(()),
            _ => (),
        }
        buf.clear();
    }
}

fn is_cell(e: &quick_xml::events::BytesStart) -> bool {
    matches!(
        e.name().as_ref(),
        b"table:table-cell" | b"table:covered-table-cell"
    )
}

#[derive(Default)]
struct OdsScan {
    sheet: String,
    /// Rows before the current one, repetitions counted.
    row: u64,
    row_repeats: u64,
    /// Columns before the current cell, repetitions counted.
    column: u64,
    rows_used: u64,
    columns_used: u64,
}

impl OdsScan {
    /// A cell (repeated or not): filled when it has content (`with_content`, a start tag) or a
    /// value type; a started cell is counted as filled, which is never less than calamine keeps.
    fn cell(
        &mut self,
        file: &str,
        e: &quick_xml::events::BytesStart,
        with_content: bool,
        limits: &Limits,
        budget: &mut Budget,
    ) -> Result<(), Refusal> {
        let n = repeats(e, b"table:number-columns-repeated");
        let typed = e
            .attributes()
            .flatten()
            .any(|a| matches!(a.key.as_ref(), b"office:value-type" | b"calcext:value-type"));
        self.column = self.column.saturating_add(n);
        if with_content || typed {
            self.filled(file, n, limits, budget)?;
        }
        Ok(())
    }

    /// `n` repeated cells ending at `self.column` hold something, in `row_repeats` rows.
    fn filled(
        &mut self,
        file: &str,
        n: u64,
        limits: &Limits,
        budget: &mut Budget,
    ) -> Result<(), Refusal> {
        let at = || {
            Location::cell(file, self.sheet.clone(), self.row + 1).with_column(column_letter(
                u32::try_from(self.column.saturating_sub(1)).unwrap_or(u32::MAX),
            ))
        };
        let last_row = self.row.saturating_add(self.row_repeats);
        limits.check(Limit::Rows, last_row, &at())?;
        limits.check(Limit::Columns, self.column, &at())?;
        budget.cells = budget
            .cells
            .saturating_add(n.saturating_mul(self.row_repeats));
        limits.check(Limit::Cells, budget.cells, &at())?;
        self.rows_used = self.rows_used.max(last_row);
        self.columns_used = self.columns_used.max(self.column);
        let area = budget
            .area
            .saturating_add(self.rows_used.saturating_mul(self.columns_used));
        limits.check(Limit::Area, area, &at())?;
        Ok(())
    }
}

fn attr(e: &quick_xml::events::BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

fn repeats(e: &quick_xml::events::BytesStart, key: &[u8]) -> u64 {
    attr(e, key)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// Checks an XLS workbook's sheets before calamine reads them (it reads every sheet at open,
/// each as its whole rectangle): the cell records of each sheet's substream, found the way
/// calamine finds them (from every BoundSheet8 record's offset), are counted and their extent
/// held to the limits. A file whose container cannot be followed is left to calamine, which
/// refuses it.
pub(crate) fn check_xls(file: &str, bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    let Some(stream) = workbook_stream(bytes) else {
        return Ok(());
    };
    let sheets: Vec<(usize, String)> = biff_records(&stream, 0)
        .filter(|(typ, data)| *typ == 0x0085 && data.len() >= 4)
        .enumerate()
        .map(|(i, (_, data))| {
            let at = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize;
            (
                at,
                sheet_name(data).unwrap_or_else(|| format!("#{}", i + 1)),
            )
        })
        .collect();
    let mut budget = Budget::default();
    // A crafted file may list one substream as many sheets: calamine reads it each time, so
    // it counts each time, but is scanned once.
    let mut scanned: std::collections::HashMap<usize, (u64, u64)> = Default::default();
    for (at, name) in sheets {
        if at >= stream.len() {
            continue;
        }
        if let Some(&(cells, area)) = scanned.get(&at) {
            let here = Location {
                file: file.to_string(),
                sheet: Some(name.clone()),
                ..Location::default()
            };
            budget.cells += cells;
            limits.check(Limit::Cells, budget.cells, &here)?;
            budget.area += area;
            limits.check(Limit::Area, budget.area, &here)?;
            continue;
        }
        let cells_before = budget.cells;
        let area = xls_sheet(file, &name, &stream[at..], limits, &mut budget)?;
        budget.area += area;
        scanned.insert(at, (budget.cells - cells_before, area));
    }
    Ok(())
}

/// One sheet's substream, as calamine reads it: from its BOF to its EOF, embedded substreams
/// (charts) skipped. Returns the area of its rectangle.
fn xls_sheet(
    file: &str,
    name: &str,
    substream: &[u8],
    limits: &Limits,
    budget: &mut Budget,
) -> Result<u64, Refusal> {
    let mut extent = Extent::default();
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (typ, data) in biff_records(substream, 0) {
        match (typ, depth) {
            (0x0809, 0) if !seen_bof => seen_bof = true,
            (0x0809, _) => depth += 1,
            (0x000A, 0) => break,
            (0x000A, _) => depth -= 1,
            (_, 0) => {
                for position in cell_positions(typ, data) {
                    check_cell(file, name, position, None, limits, budget)?;
                    extent.add(position);
                    check_area(file, name, &extent, limits, budget)?;
                }
            }
            _ => (),
        }
    }
    Ok(extent.area())
}

/// The cells a BIFF record puts on a sheet, as calamine reads them.
fn cell_positions(typ: u16, data: &[u8]) -> Vec<(u32, u32)> {
    let u16_at = |i: usize| {
        data.get(i..i + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as u32)
    };
    match typ {
        // Number, Label, RString, BoolErr, Rk, LabelSst, Formula.
        0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
            match (u16_at(0), u16_at(2)) {
                (Some(row), Some(col)) => vec![(row, col)],
                _ => Vec::new(),
            }
        }
        // MulRk: a run of columns in one row.
        0x00BD if data.len() >= 6 => {
            let (row, first, last) = (
                u16_at(0).unwrap_or(0),
                u16_at(2).unwrap_or(0),
                u16_at(data.len() - 2).unwrap_or(0),
            );
            // Both ends are enough for the extent; the count is what calamine would keep.
            let count = last.saturating_sub(first) + 1;
            let mut cells = vec![(row, first)];
            cells.extend((1..count).map(|i| (row, first + i)));
            cells
        }
        _ => Vec::new(),
    }
}

/// A BoundSheet8 record's sheet name (BIFF8: a count, a flag, Latin-1 or UTF-16 characters).
fn sheet_name(data: &[u8]) -> Option<String> {
    let count = *data.get(6)? as usize;
    let wide = data.get(7)? & 1 == 1;
    let chars = data.get(8..)?;
    Some(if wide {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(count)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        chars.iter().take(count).map(|&b| b as char).collect()
    })
}

/// The BIFF records of `stream` from `at`: (type, data), stopping at the first that does not fit.
fn biff_records(stream: &[u8], at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream.get(at..).unwrap_or(&[]);
    std::iter::from_fn(move || {
        let typ = u16::from_le_bytes([*rest.first()?, *rest.get(1)?]);
        let len = u16::from_le_bytes([*rest.get(2)?, *rest.get(3)?]) as usize;
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((typ, data))
    })
}

/// The `Workbook` (BIFF8) or `Book` (BIFF5) stream of a compound file, read no further than
/// the file is long: a crafted sector chain cannot make it read more than the file holds.
fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut book = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| book.is_stream(name))?;
    let mut stream = Vec::new();
    book.open_stream(name)
        .ok()?
        .take(bytes.len() as u64)
        .read_to_end(&mut stream)
        .ok()?;
    Some(stream)
}
