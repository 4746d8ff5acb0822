//! DHIS2 interchange: data value sets as JSON, CSV and XML (DXF2), and ADX
//! (`urn:ihe:qrph:adx:2015`), read and written with codes as identifiers.
//!
//! DHIS2 names a figure by data element, category option combination (a disaggregation) and
//! organisation unit; solieu by indicator and unit. A mapping file (`kind,dhis2,solieu`) links
//! them; without an entry the codes are taken as they are, a data element with a
//! disaggregation becoming the indicator `DATAELEMENT.COMBO`. DHIS2 values carry no status:
//! they are imported as official; a comment (ADX: an annotation) becomes the note.

use crate::csv_cell::{neutralise, restore};
use quick_xml::Reader;
use quick_xml::events::Event;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use solieu_core::changes::{IncomingValue, Located};
use solieu_core::number::{DecimalConvention, canonical, parse as parse_number};
use solieu_core::period::Period;
use solieu_core::problem::{Location, Problem, Text};
use solieu_core::value::{Figure, Series, Status, ValueKey, ValueRecord};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xml,
    Adx,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "dhis2-json" => Some(Format::Json),
            "dhis2-csv" => Some(Format::Csv),
            "dhis2-xml" => Some(Format::Xml),
            "adx" => Some(Format::Adx),
            _ => None,
        }
    }
}

/// Recognises a DHIS2 file by its content.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return trimmed.contains("\"dataValues\"").then_some(Format::Json);
    }
    if trimmed.starts_with('<') {
        if head.contains("<adx") {
            return Some(Format::Adx);
        }
        return head.contains("<dataValueSet").then_some(Format::Xml);
    }
    let first = trimmed
        .lines()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .replace('"', "");
    (first.starts_with("dataelement,") && first.contains("orgunit")).then_some(Format::Csv)
}

/// DHIS2's identifier of the default category option combination ("no disaggregation").
pub(crate) const DEFAULT_COMBO: &str = "HllvX50cXC0";

/// One DHIS2 data value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataValue {
    pub data_element: String,
    pub period: String,
    pub org_unit: String,
    pub category_option_combo: Option<String>,
    pub attribute_option_combo: Option<String>,
    /// ADX disaggregation as category attributes, sorted by category.
    pub categories: Vec<(String, String)>,
    pub value: String,
    pub comment: Option<String>,
}

impl DataValue {
    /// The key a mapping uses for this value's data element and disaggregation:
    /// `DE`, `DE|COMBO` or `DE|category=option|…`.
    pub fn element_key(&self) -> String {
        let mut key = self.data_element.clone();
        // The default combination is no disaggregation: `DE` and `DE|default` are one figure.
        if let Some(coc) = self
            .category_option_combo
            .as_deref()
            .filter(|c| !c.is_empty() && *c != DEFAULT_COMBO)
        {
            key.push('|');
            key.push_str(coc);
        }
        for (category, option) in &self.categories {
            key.push_str(&format!("|{category}={option}"));
        }
        // DHIS2's default combination says nothing; any other is part of what is measured.
        if let Some(aoc) = self
            .attribute_option_combo
            .as_deref()
            .filter(|a| !a.is_empty() && *a != DEFAULT_COMBO)
        {
            key.push_str(&format!("|attributeOptionCombo={aoc}"));
        }
        key
    }
}

/// A data value without one of the three identifiers DHIS2 requires.
fn incomplete(file: &str, line: u64) -> Problem {
    Problem::error(
        Location::line(file, line),
        solieu_i18n::text!("io-dataelement-period-or-orgunit-missing"),
    )
}

fn problem(file: &str, at: &str, message: Text) -> Problem {
    Problem::error(Location::file(file).with_column(at.to_string()), message)
}

/// Reads data values; each is located by its position in the file.
pub fn read(format: Format, file: &str, bytes: &[u8]) -> (Vec<Located<DataValue>>, Vec<Problem>) {
    match format {
        Format::Json => read_json(file, bytes),
        Format::Csv => read_csv(file, bytes),
        Format::Xml | Format::Adx => read_xml(file, bytes),
    }
}

/// What a data value set may say once for all its values.
const SET_FIELDS: &[&str] = &[
    "dataSet",
    "period",
    "orgUnit",
    "attributeOptionCombo",
    "completeDate",
];

fn read_json(file: &str, bytes: &[u8]) -> (Vec<Located<DataValue>>, Vec<Problem>) {
    let value: Value =
        match serde_json::from_slice(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)) {
            Ok(v) => v,
            Err(e) => {
                let p = Problem::error(Location::line(file, e.line() as u64), crate::why::json(&e));
                return (Vec::new(), vec![p]);
            }
        };
    let Some(list) = value.get("dataValues").and_then(Value::as_array) else {
        return (
            Vec::new(),
            vec![problem(
                file,
                "$.dataValues",
                solieu_i18n::text!("io-expected-datavalues-list"),
            )],
        );
    };
    // Set-level defaults, as DHIS2 allows them on the data value set.
    let default = |f: &str| value.get(f).and_then(Value::as_str).map(str::to_string);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for f in SET_FIELDS {
        if let Some(v) = value.get(*f).filter(|v| !v.is_string()) {
            problems.push(
                problem(
                    file,
                    &format!("$.{f}"),
                    solieu_i18n::text!("io-dhis2-set-field-not-text", field = f.to_string()),
                )
                .with_value(v.to_string()),
            );
        }
    }
    if !problems.is_empty() {
        return (Vec::new(), problems);
    }
    for (i, dv) in list.iter().enumerate() {
        let at = format!("$.dataValues[{i}]");
        let field = |f: &str| match dv.get(f) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            _ => None,
        };
        let (Some(data_element), Some(period), Some(org_unit)) = (
            field("dataElement"),
            field("period").or_else(|| default("period")),
            field("orgUnit").or_else(|| default("orgUnit")),
        ) else {
            problems.push(problem(
                file,
                &at,
                solieu_i18n::text!("io-dataelement-period-or-orgunit-missing"),
            ));
            continue;
        };
        out.push(Located {
            item: DataValue {
                data_element,
                period,
                org_unit,
                category_option_combo: field("categoryOptionCombo"),
                attribute_option_combo: field("attributeOptionCombo")
                    .or_else(|| default("attributeOptionCombo")),
                categories: Vec::new(),
                value: field("value").unwrap_or_default(),
                comment: field("comment"),
            },
            location: Location::file(file).with_column(at),
        });
    }
    (out, problems)
}

fn read_csv(file: &str, bytes: &[u8]) -> (Vec<Located<DataValue>>, Vec<Problem>) {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            return (
                Vec::new(),
                vec![problem(
                    file,
                    "1",
                    solieu_i18n::text!("io-unreadable-header", e = e),
                )],
            );
        }
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    let (de, pe, ou, coc, aoc, value, comment) = (
        column("dataelement"),
        column("period"),
        column("orgunit"),
        column("categoryoptioncombo"),
        column("attributeoptioncombo"),
        column("value"),
        column("comment"),
    );
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(Problem::error(
                    Location::line(file, line),
                    crate::why::csv_line(&e),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(|c| restore(c).trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let (Some(data_element), Some(period), Some(org_unit)) = (get(de), get(pe), get(ou)) else {
            problems.push(incomplete(file, line));
            continue;
        };
        out.push(Located {
            item: DataValue {
                data_element,
                period,
                org_unit,
                category_option_combo: get(coc),
                attribute_option_combo: get(aoc),
                categories: Vec::new(),
                value: get(value).unwrap_or_default(),
                comment: get(comment),
            },
            location: Location::line(file, line),
        });
    }
    (out, problems)
}

/// Reads DXF2 `<dataValueSet>` and ADX `<adx>`: ADX groups give the period and org unit of
/// their values, and their other attributes are categories of every value in them.
fn read_xml(file: &str, bytes: &[u8]) -> (Vec<Located<DataValue>>, Vec<Problem>) {
    let Ok(text) = std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes))
    else {
        let p = problem(file, "", solieu_i18n::text!("io-file-not-utf-8"));
        return (Vec::new(), vec![p]);
    };
    let mut reader = Reader::from_str(text);
    let mut state = XmlState::new(file);
    let mut lines = LineCounter::default();
    loop {
        let line = lines.at(text, reader.buffer_position() as usize);
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(event) => state.event(event, line),
            Err(e) => {
                state.problems.push(Problem::error(
                    Location::line(file, line),
                    solieu_i18n::text!("io-unreadable-xml", e = e),
                ));
                break;
            }
        }
    }
    (state.out, state.problems)
}

/// The line a byte position is on, counted as the reader moves on: recounting from the start at
/// every event made a large file quadratic. Bytes, not characters: the reader may stop inside a
/// BOM.
struct LineCounter {
    line: u64,
    counted: usize,
}

impl Default for LineCounter {
    fn default() -> LineCounter {
        LineCounter {
            line: 1,
            counted: 0,
        }
    }
}

impl LineCounter {
    fn at(&mut self, text: &str, position: usize) -> u64 {
        let position = position.clamp(self.counted, text.len());
        self.line += text.as_bytes()[self.counted..position]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.counted = position;
        self.line
    }
}

/// What reading an XML data value set has gathered so far.
struct XmlState<'f> {
    file: &'f str,
    out: Vec<Located<DataValue>>,
    problems: Vec<Problem>,
    /// The attributes of the ADX group being read.
    group: HashMap<String, String>,
    /// The data value whose annotation is being read.
    open_value: Option<usize>,
    in_annotation: bool,
    annotation: String,
}

impl<'f> XmlState<'f> {
    fn new(file: &'f str) -> XmlState<'f> {
        XmlState {
            file,
            out: Vec::new(),
            problems: Vec::new(),
            group: HashMap::new(),
            open_value: None,
            in_annotation: false,
            annotation: String::new(),
        }
    }

    fn event(&mut self, event: Event, line: u64) {
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                self.element(e, empty, line);
            }
            Event::Text(t) if self.in_annotation => {
                self.annotation.push_str(&t.decode().unwrap_or_default())
            }
            Event::GeneralRef(r) if self.in_annotation => {
                let name = r.decode().unwrap_or_default().to_string();
                let c = match name.as_str() {
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => r.resolve_char_ref().ok().flatten(),
                };
                self.annotation.extend(c);
            }
            Event::End(ref e) => self.end(e.local_name().as_ref()),
            _ => {}
        }
    }

    fn element(&mut self, e: &quick_xml::events::BytesStart, empty: bool, line: u64) {
        let name = String::from_utf8_lossy(e.local_name().as_ref()).to_string();
        let attributes = self.attributes(e, line);
        match name.as_str() {
            "group" => self.group = attributes.into_iter().collect(),
            "dataValue" => {
                let dv = data_value(&self.group, attributes);
                if dv.data_element.is_empty() || dv.period.is_empty() || dv.org_unit.is_empty() {
                    self.problems.push(incomplete(self.file, line));
                    return;
                }
                self.out.push(Located {
                    item: dv,
                    location: Location::line(self.file, line),
                });
                self.open_value = (!empty).then_some(self.out.len() - 1);
            }
            "annotation" if self.open_value.is_some() => {
                self.in_annotation = !empty;
                self.annotation.clear();
            }
            _ => {}
        }
    }

    fn attributes(
        &mut self,
        e: &quick_xml::events::BytesStart,
        line: u64,
    ) -> Vec<(String, String)> {
        let mut attributes = Vec::new();
        for a in e.attributes() {
            match a {
                Ok(a) => {
                    let key = String::from_utf8_lossy(a.key.local_name().as_ref()).to_string();
                    let value = a
                        .unescape_value()
                        .map(|v| v.to_string())
                        .unwrap_or_default();
                    attributes.push((key, value));
                }
                Err(err) => self.problems.push(Problem::error(
                    Location::line(self.file, line),
                    solieu_i18n::text!("io-bad-xml-attribute", err = err),
                )),
            }
        }
        attributes
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"annotation" => {
                if let Some(i) = self.open_value {
                    self.out[i].item.comment = Some(self.annotation.trim().to_string());
                }
                self.in_annotation = false;
            }
            b"dataValue" => self.open_value = None,
            b"group" => self.group.clear(),
            _ => {}
        }
    }
}

/// A data value from its attributes and those of its ADX group: the group's attributes other
/// than DHIS2's own are categories.
fn data_value(group: &HashMap<String, String>, attributes: Vec<(String, String)>) -> DataValue {
    let mut dv = DataValue {
        period: group.get("period").cloned().unwrap_or_default(),
        org_unit: group.get("orgUnit").cloned().unwrap_or_default(),
        attribute_option_combo: group.get("attributeOptionCombo").cloned(),
        ..DataValue::default()
    };
    let mut categories: Vec<(String, String)> = group
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "dataSet"
                    | "period"
                    | "orgUnit"
                    | "completeDate"
                    | "exported"
                    | "attributeOptionCombo"
            )
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in attributes {
        match k.as_str() {
            "dataElement" => dv.data_element = v,
            "period" => dv.period = v,
            "orgUnit" => dv.org_unit = v,
            "categoryOptionCombo" => dv.category_option_combo = Some(v),
            "attributeOptionCombo" => dv.attribute_option_combo = Some(v),
            "value" => dv.value = v,
            "comment" => dv.comment = Some(v),
            "storedBy" | "timestamp" | "created" | "lastUpdated" | "followup" | "deleted" => {}
            _ => categories.push((k, v)),
        }
    }
    categories.sort();
    dv.categories = categories;
    dv
}

/// Which DHIS2 identifiers are which solieu codes.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    /// element key ([`DataValue::element_key`]) → indicator code
    elements: HashMap<String, String>,
    org_units: HashMap<String, String>,
    /// The other way, for exports; where two DHIS2 keys name one code, the first row wins.
    elements_back: HashMap<String, String>,
    org_units_back: HashMap<String, String>,
    /// Data elements whose every disaggregation is mapped: an unmapped combination of one of
    /// them is DHIS2's "not in the element's category combo", not a new code.
    whole_elements: HashSet<String>,
    /// Those of them with a category combination other than the default.
    disaggregated: HashSet<String>,
}

impl Mapping {
    /// Reads `kind,dhis2,solieu` rows: kind `dataElement` (the DHIS2 side `DE`, `DE|COMBO` or
    /// `DE|category=option|…`) or `orgUnit`.
    pub fn read(file: &str, bytes: &[u8]) -> Result<Mapping, Vec<Problem>> {
        let mut mapping = Mapping::default();
        let mut problems = Vec::new();
        let mut reader = csv::ReaderBuilder::new()
            .from_reader(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes));
        for record in reader.records() {
            let Ok(record) = record else { continue };
            let line = record.position().map_or(0, |p| p.line());
            let (kind, dhis2, ours) = (
                record.get(0).unwrap_or("").trim(),
                record.get(1).unwrap_or("").trim(),
                record.get(2).unwrap_or("").trim(),
            );
            let (target, back) = match kind {
                "dataElement" => (&mut mapping.elements, &mut mapping.elements_back),
                "orgUnit" => (&mut mapping.org_units, &mut mapping.org_units_back),
                other => {
                    problems.push(
                        Problem::error(
                            Location::line(file, line).with_column("kind"),
                            solieu_i18n::text!("io-expected-dataelement-or-orgunit"),
                        )
                        .with_value(other),
                    );
                    continue;
                }
            };
            if dhis2.is_empty() || ours.is_empty() {
                problems.push(Problem::error(
                    Location::line(file, line),
                    solieu_i18n::text!("io-dhis2-or-solieu-code-missing"),
                ));
                continue;
            }
            target.insert(dhis2.to_string(), ours.to_string());
            back.entry(ours.to_string())
                .or_insert_with(|| dhis2.to_string());
        }
        if problems.is_empty() {
            Ok(mapping)
        } else {
            Err(problems)
        }
    }

    /// Adds what a metadata import linked, after this mapping's own rows: a hand-made row wins.
    /// Org units are found by UID or by DHIS2 code; exports name them by UID.
    pub fn with_links(mut self, links: &[crate::dhis2_metadata::Link]) -> Mapping {
        use crate::dhis2_metadata::{DATA_ELEMENT, ORG_UNIT};
        for link in links {
            match link.kind.as_str() {
                DATA_ELEMENT => {
                    self.elements
                        .entry(link.dhis2.clone())
                        .or_insert_with(|| link.ours.clone());
                    self.elements_back
                        .entry(link.ours.clone())
                        .or_insert_with(|| link.dhis2.clone());
                    let (de, combo) = match link.dhis2.split_once('|') {
                        Some((de, combo)) => (de, Some(combo)),
                        None => (link.dhis2.as_str(), None),
                    };
                    self.whole_elements.insert(de.to_string());
                    if combo.is_some() {
                        self.disaggregated.insert(de.to_string());
                    }
                }
                ORG_UNIT => {
                    for key in std::iter::once(&link.dhis2).chain(&link.code) {
                        self.org_units
                            .entry(key.clone())
                            .or_insert_with(|| link.ours.clone());
                    }
                    self.org_units_back
                        .entry(link.ours.clone())
                        .or_insert_with(|| link.dhis2.clone());
                }
                _ => {}
            }
        }
        self
    }

    /// Why a value of a data element a metadata import brought whole has no indicator: its
    /// combination is not one of the element's own (DHIS2's words), or its attribute
    /// combination is not the default.
    fn foreign_combo(&self, dv: &DataValue) -> Option<Text> {
        if !self.whole_elements.contains(&dv.data_element) {
            return None;
        }
        let key = dv.element_key();
        let fits = if key == dv.data_element {
            !self.disaggregated.contains(&dv.data_element)
        } else {
            self.elements.contains_key(&key)
        };
        if fits {
            return None;
        }
        let de = &dv.data_element;
        if let Some(aoc) = dv
            .attribute_option_combo
            .as_deref()
            .filter(|a| !a.is_empty() && *a != DEFAULT_COMBO)
        {
            return Some(solieu_i18n::text!(
                "io-solieu-takes-default-attribute-option",
                aoc = aoc
            ));
        }
        let coc = dv
            .category_option_combo
            .as_deref()
            .filter(|c| !c.is_empty())
            .unwrap_or(DEFAULT_COMBO);
        Some(solieu_i18n::text!(
            "io-category-option-combo-must-be",
            coc = coc,
            de = de
        ))
    }

    fn indicator(&self, dv: &DataValue) -> String {
        let key = dv.element_key();
        if let Some(code) = self.elements.get(&key) {
            return code.clone();
        }
        // Unmapped: the codes as they are; a disaggregation joins with a point.
        key.replace('|', ".")
    }

    fn unit(&self, org_unit: &str) -> String {
        self.org_units
            .get(org_unit)
            .cloned()
            .unwrap_or_else(|| org_unit.to_string())
    }

    /// The DHIS2 side of an indicator, as a data value with only data element and
    /// disaggregation filled: the mapped key, or the code split at a final `.UID` (an
    /// 11-character DHIS2 identifier) into data element and combination.
    fn element_of(&self, indicator: &str) -> DataValue {
        let key = self
            .elements_back
            .get(indicator)
            .cloned()
            .unwrap_or_else(|| match indicator.rsplit_once('.') {
                Some((de, coc)) if is_uid(coc) => format!("{de}|{coc}"),
                _ => indicator.to_string(),
            });
        let mut parts = key.split('|');
        let mut element = DataValue {
            data_element: parts.next().unwrap_or_default().to_string(),
            ..DataValue::default()
        };
        for p in parts {
            match p.split_once('=') {
                Some(("attributeOptionCombo", o)) => {
                    element.attribute_option_combo = Some(o.to_string())
                }
                Some((c, o)) => element.categories.push((c.to_string(), o.to_string())),
                None => element.category_option_combo = Some(p.to_string()),
            }
        }
        element
    }

    fn org_unit_of(&self, unit: &str) -> String {
        self.org_units_back
            .get(unit)
            .cloned()
            .unwrap_or_else(|| unit.to_string())
    }
}

pub(crate) fn is_uid(text: &str) -> bool {
    text.len() == 11
        && text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Turns DHIS2 values into solieu values, or says why one cannot be.
pub fn to_records(
    values: Vec<Located<DataValue>>,
    mapping: &Mapping,
    problems: &mut Vec<Problem>,
) -> Vec<Located<IncomingValue>> {
    let mut out = Vec::new();
    for Located { item: dv, location } in values {
        // A JSON value is located by its path; name the field within it.
        let field = |name: &str| {
            let mut at = location.clone();
            at.column = Some(match &location.column {
                Some(path) => format!("{path}.{name}"),
                None => name.to_string(),
            });
            at
        };
        if let Some(why) = mapping.foreign_combo(&dv) {
            let coc = dv.category_option_combo.clone().unwrap_or_default();
            problems.push(Problem::error(field("categoryOptionCombo"), why).with_value(coc));
            continue;
        }
        let period: Period = match dv.period.parse() {
            Ok(p) => p,
            Err(e) => {
                problems.push(
                    Problem::error(
                        field("period"),
                        solieu_i18n::text!("io-invalid-dhis2-period", reason = e.reason),
                    )
                    .with_value(&dv.period),
                );
                continue;
            }
        };
        // DHIS2 counts yes/no answers as 1 and 0 in its own analytics; so does solieu.
        let number = match dv.value.as_str() {
            "true" => "1",
            "false" => "0",
            other => other,
        };
        let value: Decimal = match parse_number(number, DecimalConvention::Point) {
            Ok(v) => v,
            Err(_) => {
                problems.push(
                    Problem::error(
                        field("value"),
                        solieu_i18n::text!("io-dhis2-value-not-number-solieu"),
                    )
                    .with_value(&dv.value)
                    .with_hint(solieu_i18n::text!("io-text-comment-becomes-note")),
                );
                continue;
            }
        };
        out.push(Located {
            item: IncomingValue::from(ValueRecord {
                key: ValueKey {
                    indicator: mapping.indicator(&dv),
                    unit: mapping.unit(&dv.org_unit),
                    period,
                    series: Series::Actual,
                },
                figure: Figure {
                    value,
                    status: Status::Official,
                    note: dv.comment.clone().unwrap_or_default(),
                },
            }),
            location,
        });
    }
    out
}

/// Turns solieu actual values into DHIS2 values (plans have no place in a data value set).
pub fn from_records<'a>(
    records: impl IntoIterator<Item = &'a ValueRecord>,
    mapping: &Mapping,
) -> Vec<DataValue> {
    records
        .into_iter()
        .filter(|r| r.key.series == Series::Actual)
        .map(|r| DataValue {
            period: r.key.period.code(),
            org_unit: mapping.org_unit_of(&r.key.unit),
            value: canonical(r.figure.value),
            comment: Some(r.figure.note.clone()).filter(|n| !n.is_empty()),
            ..mapping.element_of(&r.key.indicator)
        })
        .collect()
}

/// Writes DHIS2 values in `format`. ADX periods are ISO 8601 intervals.
pub fn write(format: Format, values: &[DataValue]) -> String {
    let esc = |s: &str| quick_xml::escape::escape(s).to_string();
    match format {
        Format::Json => {
            let list: Vec<Value> = values
                .iter()
                .map(|v| {
                    let mut o = json!({"dataElement": v.data_element, "period": v.period, "orgUnit": v.org_unit, "value": v.value});
                    if let Some(c) = &v.category_option_combo {
                        o["categoryOptionCombo"] = json!(c);
                    }
                    if let Some(c) = &v.attribute_option_combo {
                        o["attributeOptionCombo"] = json!(c);
                    }
                    if let Some(c) = &v.comment {
                        o["comment"] = json!(c);
                    }
                    o
                })
                .collect();
            serde_json::to_string_pretty(&json!({"dataValues": list})).expect("JSON of strings")
                + "\n"
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "dataelement",
                "period",
                "orgunit",
                "categoryoptioncombo",
                "attributeoptioncombo",
                "value",
                "storedby",
                "timestamp",
                "comment",
                "followup",
            ])
            .expect("writing to memory");
            for v in values {
                let cells = [
                    v.data_element.as_str(),
                    &v.period,
                    &v.org_unit,
                    v.category_option_combo.as_deref().unwrap_or(""),
                    v.attribute_option_combo.as_deref().unwrap_or(""),
                    &v.value,
                    "",
                    "",
                    v.comment.as_deref().unwrap_or(""),
                    "false",
                ];
                w.write_record(cells.map(|c| neutralise(c).into_owned()))
                    .expect("writing to memory");
            }
            String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8")
        }
        Format::Xml => {
            let mut out = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dataValueSet xmlns=\"http://dhis2.org/schema/dxf/2.0\">\n",
            );
            for v in values {
                out.push_str(&format!(
                    "  <dataValue dataElement=\"{}\" period=\"{}\" orgUnit=\"{}\"",
                    esc(&v.data_element),
                    esc(&v.period),
                    esc(&v.org_unit)
                ));
                if let Some(c) = &v.category_option_combo {
                    out.push_str(&format!(" categoryOptionCombo=\"{}\"", esc(c)));
                }
                if let Some(c) = &v.attribute_option_combo {
                    out.push_str(&format!(" attributeOptionCombo=\"{}\"", esc(c)));
                }
                out.push_str(&format!(" value=\"{}\"", esc(&v.value)));
                if let Some(c) = &v.comment {
                    out.push_str(&format!(" comment=\"{}\"", esc(c)));
                }
                out.push_str("/>\n");
            }
            out + "</dataValueSet>\n"
        }
        Format::Adx => {
            let mut out = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<adx xmlns=\"urn:ihe:qrph:adx:2015\">\n",
            );
            // One group per period and org unit, in the order they first appear.
            let mut groups: Vec<((String, String), Vec<&DataValue>)> = Vec::new();
            for v in values {
                let period = v
                    .period
                    .parse::<Period>()
                    .map(|p| p.iso())
                    .unwrap_or_else(|_| v.period.clone());
                let key = (period, v.org_unit.clone());
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, list)) => list.push(v),
                    None => groups.push((key, vec![v])),
                }
            }
            for ((period, org_unit), list) in groups {
                out.push_str(&format!(
                    "  <group dataSet=\"solieu\" period=\"{}\" orgUnit=\"{}\">\n",
                    esc(&period),
                    esc(&org_unit)
                ));
                for v in list {
                    out.push_str(&format!(
                        "    <dataValue dataElement=\"{}\"",
                        esc(&v.data_element)
                    ));
                    if let Some(c) = &v.category_option_combo {
                        out.push_str(&format!(" categoryOptionCombo=\"{}\"", esc(c)));
                    }
                    for (category, option) in &v.categories {
                        out.push_str(&format!(" {}=\"{}\"", category, esc(option)));
                    }
                    if let Some(c) = &v.attribute_option_combo {
                        out.push_str(&format!(" attributeOptionCombo=\"{}\"", esc(c)));
                    }
                    out.push_str(&format!(" value=\"{}\"", esc(&v.value)));
                    match &v.comment {
                        Some(c) => out.push_str(&format!(
                            ">\n      <annotation>{}</annotation>\n    </dataValue>\n",
                            esc(c)
                        )),
                        None => out.push_str("/>\n"),
                    }
                }
                out.push_str("  </group>\n");
            }
            out + "</adx>\n"
        }
    }
}
