//! The template's view of the figures, and the record of which ones it printed.

use crate::markup::{self, Item};
use crate::model::{Bar, Block, Cell, Chart, Document, Table};
use crate::settings::{Policy, Settings};
use crate::{ReportError, Request};
use chrono::{Datelike, Days, NaiveDate};
use minijinja::value::{Enumerator, Object, Value};
use minijinja::{Environment, Error, ErrorKind};
use rust_decimal::Decimal;
use serde::Serialize;
use solieu_analytics::{Engine, FigureView};
use solieu_core::format::{change_phrase_vi, number_vi, percent_vi};
use solieu_core::lineage::VersionId;
use solieu_core::period::Period;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

/// A figure the report printed, with everything needed to trace it: the stored values behind
/// it (ids, status, who entered them) are in `figure.sources` and `figure.previous.sources`.
#[derive(Debug, Clone, Serialize)]
pub struct Printed {
    pub figure: FigureView,
    /// The indicator's group path: "Kinh tế > Dịch vụ".
    pub group: String,
    /// The same period's change against its own previous year ("H1 2019 growth was 15,86%").
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub previous_change: Option<Decimal>,
}

/// Every figure the template can reach, and which of them it used.
#[derive(Debug)]
struct Figures {
    all: Vec<Printed>,
    used: Mutex<Vec<usize>>,
    /// The office's printing policy: figures tell the template their decimals and comparison.
    policy: Policy,
}

impl Figures {
    fn mark(&self, i: usize) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        if !used.contains(&i) {
            used.push(i);
        }
    }
}

/// One figure as the template sees it; reading any of its fields records it as printed.
#[derive(Debug)]
struct Fig {
    figures: Arc<Figures>,
    index: usize,
}

const FIG_FIELDS: &[&str] = &[
    "code",
    "name",
    "group",
    "measure",
    "unit",
    "unit_name",
    "value",
    "value_vi",
    "status",
    "estimate",
    "achieved",
    "plans",
    "plan",
    "plan_percent",
    "previous",
    "previous_value",
    "previous_vi",
    "change",
    "ratio",
    "previous_change",
    "pct_decimals",
    "in_points",
    "change_points",
    "approximate",
    "complete",
    "text",
];

/// A decimal as a template number: an integer when whole, otherwise the nearest float (its
/// shortest form is the decimal itself for every figure with 15 significant digits or fewer).
fn num(d: Decimal) -> Value {
    let d = d.normalize();
    if d.scale() == 0
        && let Ok(i) = i64::try_from(d.mantissa())
    {
        return Value::from(i);
    }
    Value::from(d.to_string().parse::<f64>().unwrap_or(f64::NAN))
}

/// A template map from (name, value) pairs.
fn map<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::from(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<String, Value>>(),
    )
}

fn opt_num(d: Option<Decimal>) -> Value {
    d.map(num).unwrap_or(Value::from(()))
}

/// Back from a template number to an exact decimal.
fn decimal(v: &Value) -> Result<Decimal, Error> {
    if let Ok(i) = i64::try_from(v.clone()) {
        return Ok(Decimal::from(i));
    }
    if let Ok(f) = f64::try_from(v.clone())
        && f.is_finite()
    {
        return Decimal::from_str(&f.to_string())
            .or_else(|_| Decimal::from_scientific(&format!("{f:e}")))
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()));
    }
    if let Some(s) = v.as_str() {
        return Decimal::from_str(s.trim())
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("{s:?}: {e}")));
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!("không phải số / not a number: {v}"),
    ))
}

impl Object for Fig {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let p = &self.figures.all[self.index];
        let f = &p.figure;
        let key = key.as_str()?;
        // Names and codes are not figures: a loop may filter on them without printing.
        if !matches!(
            key,
            "code"
                | "name"
                | "measure"
                | "unit"
                | "unit_name"
                | "group"
                | "pct_decimals"
                | "in_points"
        ) {
            self.figures.mark(self.index);
        }
        let plan = |pl: &solieu_analytics::PlanView| {
            map([
                ("source", Value::from(pl.source.clone())),
                ("name", Value::from(pl.source_name.clone())),
                ("value", num(pl.value)),
                ("percent", opt_num(pl.percent)),
            ])
        };
        Some(match key {
            "code" => Value::from(f.indicator.clone()),
            "name" => Value::from(f.indicator_name.clone()),
            "group" => Value::from(p.group.clone()),
            "measure" => Value::from(f.measure.clone()),
            "unit" => Value::from(f.unit.clone()),
            "unit_name" => Value::from(f.unit_name.clone()),
            "value" => opt_num(f.value),
            "value_vi" => Value::from(f.value_vi.clone()),
            "status" => Value::from(f.status),
            "estimate" => Value::from(f.status == Some("estimate")),
            "achieved" => Value::from(if f.status == Some("estimate") {
                "ước đạt"
            } else {
                "đạt"
            }),
            "plans" => Value::from(f.plans.iter().map(plan).collect::<Vec<_>>()),
            "plan" => f.plans.first().map(plan)?,
            "plan_percent" => opt_num(f.plans.first().and_then(|p| p.percent)),
            "previous" => {
                let pr = f.previous.as_ref()?;
                map([
                    ("period", Value::from(pr.period.clone())),
                    ("value", num(pr.value)),
                    ("value_vi", Value::from(pr.value_vi.clone())),
                    ("change", opt_num(pr.change_percent)),
                    ("ratio", opt_num(pr.ratio_percent)),
                    ("approximate", Value::from(pr.approximate)),
                ])
            }
            "previous_value" => opt_num(f.previous.as_ref().map(|p| p.value)),
            "previous_vi" => Value::from(f.previous.as_ref().map(|p| p.value_vi.clone())),
            "change" => opt_num(f.previous.as_ref().and_then(|p| p.change_percent)),
            "ratio" => opt_num(f.previous.as_ref().and_then(|p| p.ratio_percent)),
            "previous_change" => opt_num(p.previous_change),
            "pct_decimals" => Value::from(self.figures.policy.percent_decimals(&f.indicator)),
            "in_points" => Value::from(self.figures.policy.in_points(&f.indicator, &f.measure)),
            // A share against last year's share: "tăng 0,5 điểm phần trăm".
            "change_points" => opt_num(f.value.zip(f.previous.as_ref()).map(|(v, p)| v - p.value)),
            "approximate" => Value::from(f.approximate),
            "complete" => Value::from(f.complete),
            "text" => Value::from(f.text_vi.clone()),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(FIG_FIELDS)
    }
}

/// "ngày 15 tháng 6 năm 2020"; days under 10 and January, February with a leading zero.
pub fn date_line(d: NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// "Huyện Bình Liêu" → "Bình Liêu".
fn short_name(name: &str, kind: &str) -> String {
    let lower = name.to_lowercase();
    match lower.strip_prefix(kind) {
        Some(rest) if rest.starts_with(' ') => name[name.len() - rest.len()..].trim().to_string(),
        _ => name.to_string(),
    }
}

/// serde_json → template value, numbers as numbers (the workspace's `arbitrary_precision`
/// would otherwise turn them into maps).
fn json_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::from(()),
        serde_json::Value::Bool(b) => Value::from(*b),
        serde_json::Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .map(num)
            .unwrap_or_else(|_| Value::from(n.to_string())),
        serde_json::Value::String(s) => Value::from(s.clone()),
        serde_json::Value::Array(a) => Value::from(a.iter().map(json_value).collect::<Vec<_>>()),
        serde_json::Value::Object(o) => Value::from(
            o.iter()
                .map(|(k, v)| (k.clone(), json_value(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// "tăng 0,5 điểm phần trăm"; "không đổi" when the change rounds to nothing.
fn points_phrase_vi(points: Decimal, decimals: u32) -> String {
    let r = solieu_core::format::round(points, decimals);
    if r.is_zero() {
        "không đổi".into()
    } else {
        let word = if r > Decimal::ZERO { "tăng" } else { "giảm" };
        format!("{word} {} điểm phần trăm", number_vi(r.abs(), decimals))
    }
}

fn decimals_arg(d: Option<u32>, default: u32) -> u32 {
    d.unwrap_or(default).min(10)
}

/// The template environment; `pct` and `change` print `percent_decimals` unless told.
fn environment(percent_decimals: u32) -> Environment<'static> {
    let mut env = Environment::new();
    // The output is markup, not HTML: nothing to escape whatever the template's file name.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    // "643,41"; num(0) for counts.
    env.add_filter("num", |v: Value, d: Option<u32>| -> Result<String, Error> {
        Ok(number_vi(decimal(&v)?, decimals_arg(d, 2)))
    });
    // "39,89%".
    env.add_filter(
        "pct",
        move |v: Value, d: Option<u32>| -> Result<String, Error> {
            Ok(percent_vi(decimal(&v)?, decimals_arg(d, percent_decimals)))
        },
    );
    // "tăng 11,2%", "giảm 3,4%", "bằng cùng kỳ".
    env.add_filter(
        "change",
        move |v: Value, d: Option<u32>| -> Result<String, Error> {
            Ok(change_phrase_vi(
                decimal(&v)?,
                decimals_arg(d, percent_decimals),
            ))
        },
    );
    // A change in percentage points: "tăng 0,5 điểm phần trăm", "giảm 0,1 điểm phần trăm".
    env.add_filter(
        "points",
        move |v: Value, d: Option<u32>| -> Result<String, Error> {
            Ok(points_phrase_vi(
                decimal(&v)?,
                decimals_arg(d, percent_decimals),
            ))
        },
    );
    env.add_filter("capfirst", |s: String| -> String {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    });
    env
}

struct Built {
    figures: Arc<Figures>,
    /// Figure index by (unit, indicator code).
    index: BTreeMap<(VersionId, String), usize>,
    communes: Vec<VersionId>,
}

fn collect(engine: &Engine, request: &Request, policy: &Policy) -> Built {
    let period = &request.period;
    let unit = engine.registry().version(request.unit);
    let communes = engine.registry().children(&unit.code, period.end_date());
    let previous_period: Option<Period> = period.same_period_last_year();
    let mut all = Vec::new();
    let mut index = BTreeMap::new();
    for &u in std::iter::once(&request.unit).chain(&communes) {
        for i in engine.indicators_with_figures(u, period) {
            let comparison = engine.compare(i, u, period);
            let figure = engine.view(&comparison);
            let previous_change = previous_period
                .as_ref()
                .and_then(|pp| engine.compare(i, u, pp).previous)
                .and_then(|p| p.change_percent);
            index.insert((u, figure.indicator.clone()), all.len());
            all.push(Printed {
                figure,
                group: engine.indicator(i).group_path(),
                previous_change,
            });
        }
    }
    Built {
        figures: Arc::new(Figures {
            all,
            used: Mutex::new(Vec::new()),
            policy: policy.clone(),
        }),
        index,
        communes,
    }
}

fn figure_map(built: &Built, unit: VersionId) -> Value {
    Value::from(
        built
            .index
            .range((unit, String::new())..)
            .take_while(|((u, _), _)| *u == unit)
            .map(|((_, code), &i)| {
                (
                    code.clone(),
                    Value::from_object(Fig {
                        figures: built.figures.clone(),
                        index: i,
                    }),
                )
            })
            .collect::<BTreeMap<_, _>>(),
    )
}

/// What a template reads (docs/report-templates.md), over the figures it may print.
fn template_context(engine: &Engine, request: &Request, settings: &Settings) -> (Built, Value) {
    let built = collect(engine, request, &settings.printing);
    let period = &request.period;
    let unit = engine.registry().version(request.unit);
    let kind = unit.kind.name_vi();
    let short = short_name(&unit.name, kind);
    let date = request.date.unwrap_or_else(|| {
        period
            .decree_09_cutoff()
            .checked_add_days(Days::new(1))
            .unwrap_or(period.end_date())
    });
    let parent = unit
        .parent
        .as_deref()
        .and_then(|p| engine.registry().resolve(p, period.end_date()))
        .map(|p| engine.registry().version(p).name.clone())
        .unwrap_or_default();
    let next = Period::from_index(period.index() + i64::from(period.months()), period.months())
        .ok()
        .filter(|n| n.start_year() == period.start_year());
    let unit_fig = figure_map(&built, request.unit);
    // The unit's figures by sector, for loops over every indicator.
    let indicators: Vec<Value> = catalogue(engine)
        .into_iter()
        .filter_map(|ind| {
            unit_fig
                .get_attr(&ind.code)
                .ok()
                .filter(|v| !v.is_undefined())
        })
        .collect();
    let communes: Vec<Value> = built
        .communes
        .iter()
        .map(|&c| {
            let v = engine.registry().version(c);
            map([
                ("code", Value::from(v.code.clone())),
                ("name", Value::from(v.name.clone())),
                ("kind", Value::from(v.kind.name_vi())),
                ("f", figure_map(&built, c)),
            ])
        })
        .collect();
    let ctx = map([
        (
            "unit",
            map([
                ("code", Value::from(unit.code.clone())),
                ("name", Value::from(unit.name.clone())),
                ("short_name", Value::from(short.clone())),
                ("kind", Value::from(kind)),
                ("upper_name", Value::from(unit.name.to_uppercase())),
                ("parent_name", Value::from(parent)),
                ("commune_level", Value::from(unit.kind.is_commune_level())),
            ]),
        ),
        (
            "period",
            map([
                ("code", Value::from(period.code())),
                ("name", Value::from(period.name_vi())),
                ("year", Value::from(period.start_year())),
                ("previous_year", Value::from(period.start_year() - 1)),
                ("months", Value::from(period.months())),
                ("next_name", Value::from(next.map(|n| n.name_vi()))),
                (
                    "cutoff",
                    Value::from(period.decree_09_cutoff().format("%d/%m/%Y").to_string()),
                ),
            ]),
        ),
        (
            "report",
            map([
                ("date_line", Value::from(date_line(date))),
                (
                    "place_date",
                    Value::from(format!("{short}, {}", date_line(date))),
                ),
                (
                    "number",
                    Value::from(request.number.clone().unwrap_or_else(|| "…/BC-UBND".into())),
                ),
                ("signer", Value::from(settings.signer(&unit.code))),
                (
                    "percent_decimals",
                    Value::from(settings.printing.percent_decimals),
                ),
            ]),
        ),
        ("f", unit_fig),
        ("indicators", Value::from(indicators)),
        ("communes", Value::from(communes)),
        (
            "programs",
            request
                .programs
                .as_ref()
                .map(json_value)
                .unwrap_or_else(|| Value::from(BTreeMap::<String, Value>::new())),
        ),
    ]);
    (built, ctx)
}

/// The template rendered over `ctx`, as text.
fn render_text(
    settings: &Settings,
    name: &str,
    text: &str,
    ctx: Value,
) -> Result<String, ReportError> {
    let template_error = |e: Error| ReportError::Template {
        name: name.to_string(),
        message: match e.line() {
            Some(line) => format!("dòng {line} / line {line}: {e}"),
            None => e.to_string(),
        },
    };
    let mut env = environment(settings.printing.percent_decimals);
    env.add_template(name, text).map_err(template_error)?;
    env.get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(template_error)
}

/// A portal article drafted from the report's figures: the template (`article.md.j2` by
/// default) writes Markdown, `statistics` is where the portal's statistics pages are
/// (`/so-lieu`), for the figures' links.
pub(crate) fn render_article(
    engine: &Engine,
    request: &Request,
    settings: &Settings,
    name: &str,
    text: &str,
    statistics: &str,
) -> Result<String, ReportError> {
    let (_, ctx) = template_context(engine, request, settings);
    let ctx = minijinja::context! { statistics => statistics, ..ctx };
    render_text(settings, name, text, ctx)
}

pub(crate) fn render(
    engine: &Engine,
    request: &Request,
    settings: &Settings,
    name: &str,
    text: &str,
) -> Result<(Document, Vec<Printed>), ReportError> {
    let (built, ctx) = template_context(engine, request, settings);
    let out = render_text(settings, name, text, ctx)?;
    let period = &request.period;
    let unit = engine.registry().version(request.unit);
    let (mut meta, items) = markup::parse(&out);
    // For the appendix's header block, whatever the template's front matter says.
    meta.unit = unit.name.clone();
    meta.period = period.name_vi();
    let mut blocks = Vec::new();
    for item in items {
        match item {
            Item::Heading(level, runs) => blocks.push(Block::Heading { level, runs }),
            Item::Paragraph(runs) => blocks.push(Block::Paragraph { runs }),
            Item::Directive(d, args) => blocks.push(directive(engine, &built, request, &d, &args)?),
        }
    }
    let used = built
        .figures
        .used
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let printed = used.iter().map(|&i| built.figures.all[i].clone()).collect();
    Ok((Document { meta, blocks }, printed))
}

/// Indicators by sector (group path), then code: the order of a report's tables.
fn catalogue(engine: &Engine) -> Vec<&solieu_core::indicator::Indicator> {
    let mut all: Vec<_> = engine.indicators().iter().collect();
    all.sort_by_cached_key(|i| (i.group_path(), i.code.clone()));
    all
}

/// Indicator codes from a directive argument ("GTSX,KHACH_DL"), else every figure of the unit.
fn codes(built: &Built, unit: VersionId, arg: Option<&String>, engine: &Engine) -> Vec<String> {
    match arg {
        Some(a) if a != "all" => a.split(',').map(|c| c.trim().to_string()).collect(),
        _ => catalogue(engine)
            .into_iter()
            .map(|i| i.code.clone())
            .filter(|c| built.index.contains_key(&(unit, c.clone())))
            .collect(),
    }
}

fn number(value: Decimal, decimals: u32) -> Cell {
    Cell::Number {
        value,
        decimals,
        percent: false,
    }
}

fn percent(value: Option<Decimal>, decimals: u32) -> Cell {
    value.map_or(Cell::Empty, |value| Cell::Number {
        value: solieu_core::format::round(value, decimals),
        decimals,
        percent: true,
    })
}

/// The same-period column of a figure: its ratio ("99,9%"), or for a share the change in
/// points ("-0,1 điểm %"), as the policy says.
fn same_period_cell(f: &FigureView, policy: &Policy) -> Cell {
    let d = policy.percent_decimals(&f.indicator);
    let Some(previous) = f.previous.as_ref() else {
        return Cell::Empty;
    };
    if !policy.in_points(&f.indicator, &f.measure) {
        return percent(previous.ratio_percent, d);
    }
    f.value.map_or(Cell::Empty, |v| {
        let points = solieu_core::format::round(v - previous.value, d);
        let sign = if points > Decimal::ZERO { "+" } else { "" };
        Cell::text(format!("{sign}{} điểm %", number_vi(points, d)))
    })
}

fn directive(
    engine: &Engine,
    built: &Built,
    request: &Request,
    name: &str,
    args: &[String],
) -> Result<Block, ReportError> {
    let what = args.first().map(String::as_str).unwrap_or("");
    let codes = args.get(1);
    Ok(match (name, what) {
        ("pagebreak", _) => Block::PageBreak,
        ("signature", _) => Block::Signature,
        ("table", "figures") => figures_table(engine, built, request, codes),
        ("table", "communes") => communes_table(engine, built, request, codes),
        ("chart", "plan") | ("chart", "change") => {
            percent_chart(engine, built, request, what == "plan", codes)
        }
        ("chart", "communes") => communes_chart(engine, built, request, codes),
        _ => Block::Paragraph {
            runs: markup::inline(&format!("@{name} {}", args.join(" "))),
        },
    })
}

/// The unit's figure of an indicator, marked as printed.
fn marked<'a>(built: &'a Built, unit: VersionId, code: &str) -> Option<&'a FigureView> {
    let &i = built.index.get(&(unit, code.to_string()))?;
    built.figures.mark(i);
    Some(&built.figures.all[i].figure)
}

/// The decimals an indicator's figures print with (2 for one the catalogue lacks).
fn decimals_of(engine: &Engine, code: &str) -> u32 {
    engine
        .indicator_id(code)
        .map_or(2, |i| u32::from(engine.indicator(i).decimals))
}

/// `@table figures [CODES]`: Biểu 01, the unit's figures against plan and same period.
fn figures_table(
    engine: &Engine,
    built: &Built,
    request: &Request,
    codes_arg: Option<&String>,
) -> Block {
    let unit = request.unit;
    let period_name = request.period.name_vi();
    let policy = &built.figures.policy;
    let codes = codes(built, unit, codes_arg, engine);
    let mut rows = Vec::new();
    for (n, code) in codes.iter().enumerate() {
        let Some(f) = marked(built, unit, code) else {
            continue;
        };
        let d = decimals_of(engine, code);
        let plan = f.plans.first();
        rows.push(vec![
            number(Decimal::from(n + 1), 0),
            Cell::text(f.indicator_name.clone()),
            Cell::text(f.measure.clone()),
            plan.map_or(Cell::Empty, |p| number(p.value, d)),
            f.value.map_or(Cell::Empty, |v| number(v, d)),
            percent(plan.and_then(|p| p.percent), policy.percent_decimals(code)),
            f.previous
                .as_ref()
                .map_or(Cell::Empty, |p| number(p.value, d)),
            same_period_cell(f, policy),
        ]);
    }
    Block::Table(Table {
        name: "chi-tieu".into(),
        title: format!("Biểu 01. Một số chỉ tiêu kinh tế - xã hội {period_name}"),
        columns: [
            "STT",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Kế hoạch năm",
            "Thực hiện",
            "% kế hoạch",
            "Cùng kỳ năm trước",
            "So cùng kỳ (%)",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    })
}

/// `@table communes [CODES]`: Biểu 02, the communes down, the indicators across.
fn communes_table(
    engine: &Engine,
    built: &Built,
    request: &Request,
    codes_arg: Option<&String>,
) -> Block {
    let unit = request.unit;
    let period_name = request.period.name_vi();
    let codes = codes(built, unit, codes_arg, engine);
    let codes: Vec<&String> = codes
        .iter()
        .filter(|c| {
            built
                .communes
                .iter()
                .any(|&u| built.index.contains_key(&(u, (*c).clone())))
        })
        .collect();
    let mut columns = vec!["STT".to_string(), "Đơn vị".to_string()];
    for c in &codes {
        let name = engine
            .indicator_id(c)
            .map(|i| {
                let ind = engine.indicator(i);
                format!("{} ({})", ind.name, ind.unit.symbol())
            })
            .unwrap_or_else(|| (*c).clone());
        columns.push(name);
    }
    let mut rows = Vec::new();
    for (n, &u) in built.communes.iter().enumerate() {
        let mut row = vec![
            number(Decimal::from(n + 1), 0),
            Cell::text(engine.registry().version(u).name.clone()),
        ];
        for c in &codes {
            row.push(
                marked(built, u, c)
                    .and_then(|f| f.value)
                    .map_or(Cell::Empty, |v| number(v, decimals_of(engine, c))),
            );
        }
        rows.push(row);
    }
    Block::Table(Table {
        name: "xa".into(),
        title: format!("Biểu 02. Chỉ tiêu theo đơn vị cấp xã {period_name}"),
        columns,
        rows,
    })
}

/// `@chart plan [CODES]` (`plan`: % of the annual plan, with the 100% line) or `@chart
/// change [CODES]` (change against the same period).
fn percent_chart(
    engine: &Engine,
    built: &Built,
    request: &Request,
    plan: bool,
    codes_arg: Option<&String>,
) -> Block {
    let unit = request.unit;
    let period_name = request.period.name_vi();
    let policy = &built.figures.policy;
    let what = if plan { "plan" } else { "change" };
    let mut bars = Vec::new();
    for code in codes(built, unit, codes_arg, engine) {
        let Some(&i) = built.index.get(&(unit, code.clone())) else {
            continue;
        };
        let f = &built.figures.all[i].figure;
        let value = if plan {
            f.plans.first().and_then(|p| p.percent)
        } else if policy.in_points(&f.indicator, &f.measure) {
            // A share's change is in points, not a percentage beside the others.
            None
        } else {
            f.previous.as_ref().and_then(|p| p.change_percent)
        };
        if let Some(v) = value {
            built.figures.mark(i);
            // One number of decimals for every bar of a chart: the report's.
            bars.push(Bar {
                label: f.indicator_name.clone(),
                value: solieu_core::format::round(v, policy.percent_decimals.min(10)),
                decimals: policy.percent_decimals.min(10),
            });
        }
    }
    Block::Chart(Chart {
        name: what.into(),
        title: if plan {
            format!("Tỷ lệ thực hiện kế hoạch năm, {period_name} (%)")
        } else {
            format!("Tăng, giảm so với cùng kỳ, {period_name} (%)")
        },
        measure: "%".into(),
        bars,
        reference: plan.then_some(Decimal::ONE_HUNDRED),
    })
}

/// `@chart communes CODE`: one indicator by commune.
fn communes_chart(
    engine: &Engine,
    built: &Built,
    request: &Request,
    code: Option<&String>,
) -> Block {
    let period_name = request.period.name_vi();
    let code = code.cloned().unwrap_or_default();
    let d = decimals_of(engine, &code);
    let mut bars = Vec::new();
    for &u in &built.communes {
        if let Some(v) = marked(built, u, &code).and_then(|f| f.value) {
            bars.push(Bar {
                label: engine.registry().version(u).name.clone(),
                value: v,
                decimals: d,
            });
        }
    }
    let (title, measure) = engine
        .indicator_id(&code)
        .map(|i| {
            let ind = engine.indicator(i);
            (ind.name.clone(), ind.unit.symbol().to_string())
        })
        .unwrap_or_else(|| (code.clone(), String::new()));
    Block::Chart(Chart {
        name: format!("communes-{code}"),
        title: format!("{title} theo đơn vị cấp xã, {period_name} ({measure})"),
        measure,
        bars,
        reference: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_lines_follow_decree_30() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(date_line(d(2020, 6, 15)), "ngày 15 tháng 6 năm 2020");
        assert_eq!(date_line(d(2020, 1, 5)), "ngày 05 tháng 01 năm 2020");
        assert_eq!(date_line(d(2020, 12, 31)), "ngày 31 tháng 12 năm 2020");
    }

    #[test]
    fn short_names_drop_the_kind() {
        assert_eq!(short_name("Huyện Bình Liêu", "huyện"), "Bình Liêu");
        assert_eq!(short_name("Thị trấn Bình Liêu", "thị trấn"), "Bình Liêu");
        assert_eq!(short_name("Bình Liêu", "huyện"), "Bình Liêu");
    }

    #[test]
    fn template_numbers_come_back_exact() {
        for s in ["643.41", "39.889646", "37.129", "6668", "-73.2"] {
            let d = Decimal::from_str(s).unwrap();
            assert_eq!(decimal(&num(d)).unwrap(), d.normalize());
        }
    }
}
