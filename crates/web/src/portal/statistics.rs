//! The portal's published statistics ("Số liệu thống kê", Decree 42/2022's sector statistics):
//! the approved figures of the portal's unit for a period chosen by name, by indicator group,
//! each exactly as approved and in the report's phrasing ("ước đạt 643,41 tỷ đồng, bằng 39,89%
//! kế hoạch …, tăng 11,2% so với cùng kỳ") with its status and last revision; a page per
//! indicator (its series, the units below compared); the table as CSV, XLSX and JSON.
//!
//! Only what [`Approvals::public`] admits reaches any of them: a figure not approved at the
//! last level is on no page and in no file.

use super::figures::Approvals;
use super::public::{frame, merged, not_found};
use crate::auth::{ClientAddr, MaybeViewer};
use crate::ops::unit_version;
use crate::pages::{PageLang, render};
use crate::policy::Principal;
use crate::{App, Shared, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use solieu_analytics::{Engine, FigureView};
use solieu_core::format::{date_vi, figure_vi, number_vi, vietnam};
use solieu_core::period::Period;
use solieu_core::problem::Lang;
use std::collections::{BTreeSet, HashMap};

#[derive(Deserialize, Default)]
pub struct StatisticsQuery {
    /// The period, by its code (the page offers them by name).
    pub ky: Option<String>,
    /// A download of the table: csv, xlsx or json.
    pub tep: Option<String>,
}

/// One published figure as the statistics page and its downloads give it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub indicator: String,
    pub name: String,
    pub group: String,
    pub measure: String,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub period_name: String,
    /// Exactly as approved, plain ("643.41").
    pub value: String,
    /// Exactly as approved, the Vietnamese way ("643,41").
    pub value_vi: String,
    /// Of the annual plan, when there is one ("39,89%").
    pub plan_percent: Option<String>,
    pub plan_name: Option<String>,
    /// Against the same period last year ("tăng 11,2%").
    pub change: Option<String>,
    pub status: String,
    pub status_name: String,
    /// The day the figure last changed (the latest of the figures it is computed from).
    pub revised: String,
    /// The same day, ISO (2020-07-15).
    pub revised_date: String,
    /// The report's sentence for it, the figure exact.
    pub text: String,
    /// Measured in per cent: written "98,4%", not "98,4 %".
    #[serde(skip)]
    pub percent: bool,
}

impl Row {
    /// The figure with its unit of measure: "643,41 tỷ đồng", "98,4%".
    pub fn with_measure(&self) -> String {
        self.measured(&self.value_vi)
    }

    /// Another figure of this indicator (`shown` as printed) with its unit of measure.
    pub fn measured(&self, shown: &str) -> String {
        if self.percent {
            format!("{shown}%")
        } else {
            format!("{shown} {}", self.measure)
        }
    }
}

/// The periods whose figures of `unit` are public, oldest first, with which indicators.
async fn public_of(app: &App, unit: &str) -> Result<Vec<(Period, BTreeSet<String>)>, WebError> {
    let approvals = Approvals::load(app, unit).await?;
    Ok(approvals.public(&app.engine(), unit))
}

/// The period asked for if its figures are public, else the latest public one.
fn chosen<'a>(
    public: &'a [(Period, BTreeSet<String>)],
    asked: Option<&str>,
) -> Option<&'a (Period, BTreeSet<String>)> {
    match asked.filter(|a| !a.trim().is_empty()) {
        Some(code) => public.iter().find(|(p, _)| p.code() == code.trim()),
        None => public.last(),
    }
}

/// A figure as published: a stored one (or a sum of stored ones) exactly as approved, never
/// rounded to fewer decimals than it was approved with; one computed by a formula (a share,
/// a ratio) to the indicator's decimals, as a division has no exact decimals to keep.
fn exact(value: Decimal, decimals: u8, computed: bool) -> String {
    if computed {
        number_vi(value, u32::from(decimals))
    } else {
        figure_vi(value, decimals)
    }
}

/// The published figures of `unit` for `period`, indicator by indicator in the catalogue's
/// order, grouped as the catalogue groups them.
pub async fn rows(
    app: &App,
    unit: &str,
    period: &Period,
    public: &BTreeSet<String>,
) -> Result<Vec<Row>, WebError> {
    let views: Vec<(FigureView, String, u8, bool, bool)> = {
        let engine = app.engine();
        let Ok(version) = unit_version(&engine, unit, period) else {
            return Ok(Vec::new());
        };
        engine
            .indicators()
            .iter()
            .filter(|i| public.contains(&i.code))
            .filter_map(|i| {
                let id = engine.indicator_id(&i.code)?;
                let view = engine.view(&engine.compare(id, version, period));
                view.value?;
                Some((
                    view,
                    i.group_path(),
                    i.decimals,
                    i.unit.is_percent(),
                    i.is_derived(),
                ))
            })
            .collect()
    };
    let ids: Vec<i64> = views
        .iter()
        .flat_map(|(v, ..)| v.sources.iter().map(|s| s.value_id))
        .collect();
    let revised = app.store.revised_at(&ids).await?;
    Ok(views
        .into_iter()
        .map(|(view, group, decimals, percent, computed)| {
            let value = view.value.unwrap_or_default();
            let shown = exact(value, decimals, computed);
            let day = view
                .sources
                .iter()
                .filter_map(|s| revised.get(&s.value_id))
                .max()
                .map(|at| at.with_timezone(&vietnam()).date_naive());
            let status = view.status.unwrap_or("estimate");
            let mut row = Row {
                indicator: view.indicator.clone(),
                name: view.indicator_name.clone(),
                group,
                measure: view.measure.clone(),
                unit: view.unit.clone(),
                unit_name: view.unit_name.clone(),
                period: view.period.clone(),
                period_name: view.period_name.clone(),
                value: if computed {
                    value.round_dp(u32::from(decimals))
                } else {
                    value
                }
                .normalize()
                .to_string(),
                value_vi: shown,
                plan_percent: view.plans.first().and_then(|p| p.percent_vi.clone()),
                plan_name: view.plans.first().map(|p| p.source_name.clone()),
                change: view.previous.as_ref().and_then(|p| p.change_vi.clone()),
                status: status.to_string(),
                status_name: status
                    .parse::<solieu_core::value::Status>()
                    .map(|s| s.name_vi().to_string())
                    .unwrap_or_default(),
                revised: day.map(date_vi).unwrap_or_default(),
                revised_date: day.map(|d| d.to_string()).unwrap_or_default(),
                text: String::new(),
                percent,
            };
            // The report's sentence, with the figure as approved in place of the rounded one.
            let prefix = format!("{}, ", view.period_name);
            let text = view.text_vi.strip_prefix(&prefix).unwrap_or(&view.text_vi);
            row.text = match &view.value_vi {
                Some(rounded) => text.replacen(rounded, &row.with_measure(), 1),
                None => text.to_string(),
            };
            row
        })
        .collect())
}

/// Rows grouped by their indicator group, groups in order of their names.
fn grouped(rows: &[Row]) -> Vec<serde_json::Value> {
    let mut groups: Vec<(String, Vec<&Row>)> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|(g, _)| *g == row.group) {
            Some((_, list)) => list.push(row),
            None => groups.push((row.group.clone(), vec![row])),
        }
    }
    // As a report runs: Kinh tế, then Nông thôn mới, then Văn hóa - xã hội.
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    groups
        .into_iter()
        .map(|(group, rows)| json!({"group": group, "rows": rows}))
        .collect()
}

pub async fn page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    params: Option<Path<HashMap<String, String>>>,
    headers: HeaderMap,
    client: ClientAddr,
    Query(q): Query<StatisticsQuery>,
) -> Result<Response, WebError> {
    let params = params.map(|p| p.0).unwrap_or_default();
    if let Some(kind) = q.tep.as_deref() {
        return download(
            &app,
            lang,
            who.as_ref(),
            &params,
            &headers,
            kind,
            q.ky.as_deref(),
        )
        .await;
    }
    let Some(frame) = frame(&app, &params, who.as_ref(), &headers, Some(&client)).await? else {
        return Ok(not_found(&app, lang, who.as_ref(), None));
    };
    let unit = frame.portal.unit_code.clone();
    let public = public_of(&app, &unit).await?;
    let picked = chosen(&public, q.ky.as_deref());
    if q.ky.as_deref().is_some_and(|k| !k.trim().is_empty()) && picked.is_none() {
        return Ok(not_found(&app, lang, who.as_ref(), Some(&frame)));
    }
    let rows = match picked {
        Some((period, codes)) => rows(&app, &unit, period, codes).await?,
        None => Vec::new(),
    };
    let periods: Vec<serde_json::Value> = public
        .iter()
        .rev()
        .map(|(p, _)| json!({"code": p.code(), "name": p.name_vi()}))
        .collect();
    let context = merged(
        frame.context,
        json!({
            "groups": grouped(&rows),
            "periods": periods,
            "period": picked.map(|(p, _)| p.code()),
            "period_name": picked.map(|(p, _)| p.name_vi()),
        }),
    );
    Ok(render(&app, lang, who.as_ref(), "portal/statistics.html", context)?.into_response())
}

/// The portal's 404 page, in its layout: for a file or a chart asked of what is not public,
/// the only case that needs the page's frame.
async fn missing(
    app: &App,
    lang: Lang,
    who: Option<&Principal>,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let frame = frame(app, params, who, headers, None).await?;
    Ok(not_found(app, lang, who, frame.as_ref()))
}

/// The table of a period (the latest public one by default) as a file: CSV (with a BOM, for
/// Excel), XLSX or JSON. A file, not a page: no page frame and no visit counted.
async fn download(
    app: &App,
    lang: Lang,
    who: Option<&Principal>,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    kind: &str,
    asked: Option<&str>,
) -> Result<Response, WebError> {
    let Some(portal) = super::portal_of(app, params).await? else {
        return missing(app, lang, who, params, headers).await;
    };
    let public = public_of(app, &portal.unit_code).await?;
    let picked = chosen(&public, asked);
    if asked.is_some_and(|k| !k.trim().is_empty()) && picked.is_none() {
        return missing(app, lang, who, params, headers).await;
    }
    let rows = match picked {
        Some((period, codes)) => rows(app, &portal.unit_code, period, codes).await?,
        None => Vec::new(),
    };
    let name = format!(
        "so-lieu-{}-{}",
        portal.unit_code,
        picked.map(|(p, _)| p.code()).unwrap_or_default()
    );
    file(kind, &name, &rows)
}

/// The rows as a file of `kind`, named `name`.
fn file(kind: &str, name: &str, rows: &[Row]) -> Result<Response, WebError> {
    let (content_type, extension, bytes) = match kind {
        "csv" => ("text/csv; charset=utf-8", "csv", csv(rows)),
        "json" => (
            "application/json",
            "json",
            serde_json::to_vec_pretty(rows).map_err(|e| WebError::Internal(e.to_string()))?,
        ),
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            xlsx(rows)?,
        ),
        _ => {
            return Err(WebError::BadRequest(solieu_i18n::text!(
                "portal-statistics-unknown-file",
                value = kind
            )));
        }
    };
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"{name}.{extension}\""))
            .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// A column of a download: its header and how a row fills it.
type Column = (&'static str, fn(&Row) -> String);

const COLUMNS: [Column; 13] = [
    ("ma_chi_tieu", |r| r.indicator.clone()),
    ("chi_tieu", |r| r.name.clone()),
    ("nhom", |r| r.group.clone()),
    ("don_vi_tinh", |r| r.measure.clone()),
    ("ma_don_vi", |r| r.unit.clone()),
    ("don_vi", |r| r.unit_name.clone()),
    ("ky", |r| r.period.clone()),
    ("ten_ky", |r| r.period_name.clone()),
    ("gia_tri", |r| r.value.clone()),
    ("so_voi_ke_hoach", |r| {
        r.plan_percent.clone().unwrap_or_default()
    }),
    ("so_voi_cung_ky", |r| r.change.clone().unwrap_or_default()),
    ("trang_thai", |r| r.status_name.clone()),
    ("cap_nhat", |r| r.revised.clone()),
];

fn csv(rows: &[Row]) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(
        solieu_io::to_csv(
            COLUMNS.map(|(h, _)| h),
            rows.iter().map(|r| COLUMNS.map(|(_, get)| get(r))),
        )
        .into_bytes(),
    );
    out
}

fn xlsx(rows: &[Row]) -> Result<Vec<u8>, WebError> {
    use solieu_io::TableCell;
    solieu_io::to_xlsx(
        "So lieu",
        COLUMNS.map(|(h, _)| h),
        rows.iter().map(|r| {
            COLUMNS.map(|(header, get)| {
                let text = get(r);
                match (header == "gia_tri")
                    .then(|| text.parse::<f64>().ok())
                    .flatten()
                {
                    Some(n) => TableCell::Number(n),
                    None => TableCell::Text(text),
                }
            })
        }),
    )
    .map_err(|e| WebError::Internal(e.to_string()))
}

/// One indicator's published figures on a portal: its figure for the chosen period, the
/// periods it is public for, its series over those of the same length, and the units
/// directly below compared.
struct IndicatorFigures {
    row: Row,
    /// Oldest first.
    periods: Vec<Period>,
    period: Period,
    decimals: u8,
    /// Computed by a formula: printed to its decimals.
    computed: bool,
    series: Vec<(Period, Option<Decimal>)>,
    /// The units directly below, in the register's order: compared as bars (those with a
    /// public figure) and drawn on the map (all of them).
    below: Vec<Below>,
}

/// A unit directly below the portal's, as the indicator's page compares and maps it.
struct Below {
    code: String,
    name: String,
    /// The first day of its version then: its shape is that version's.
    valid_from: Option<chrono::NaiveDate>,
    /// Its figure, when public.
    value: Option<Decimal>,
    /// Where it lies (`IndicatorFigures::place`); `None`: nothing imported, or not asked.
    shape: Option<solieu_io::geojson::Shape>,
    /// Its own portal's page of the indicator, when it has a portal (`place`).
    portal: Option<String>,
}

impl IndicatorFigures {
    /// `None` when the indicator has no public figure of `unit` (for the period asked).
    async fn load(
        app: &App,
        unit: &str,
        code: &str,
        asked: Option<&str>,
    ) -> Result<Option<IndicatorFigures>, WebError> {
        let approvals = Approvals::load(app, unit).await?;
        let public: Vec<(Period, BTreeSet<String>)> = approvals
            .public(&app.engine(), unit)
            .into_iter()
            .filter(|(_, codes)| codes.contains(code))
            .collect();
        let Some((period, _)) = chosen(&public, asked).cloned() else {
            return Ok(None);
        };
        let only = BTreeSet::from([code.to_string()]);
        let Some(row) = rows(app, unit, &period, &only).await?.into_iter().next() else {
            return Ok(None);
        };
        let engine = app.engine();
        let series = public
            .iter()
            .filter(|(p, _)| p.months() == period.months())
            .map(|(p, _)| (*p, figure(&engine, code, unit, p)))
            .collect();
        Ok(Some(IndicatorFigures {
            row,
            periods: public.iter().map(|(p, _)| *p).collect(),
            decimals: engine
                .indicator_id(code)
                .map_or(0, |i| engine.indicator(i).decimals),
            computed: engine
                .indicator_id(code)
                .is_some_and(|i| engine.indicator(i).is_derived()),
            below: units_below(&engine, &approvals, code, unit, &period),
            series,
            period,
        }))
    }

    /// The series as a line, when there are two periods or more to join.
    fn series_chart(&self, labelled_by: &str) -> Option<String> {
        let points: Vec<(String, Option<Decimal>)> =
            self.series.iter().map(|(p, v)| (p.name_vi(), *v)).collect();
        (points.len() > 1).then(|| crate::svg::line(&points, self.decimals, labelled_by))
    }

    /// The units below with a public figure.
    fn compared(&self) -> impl Iterator<Item = (&str, Decimal)> {
        self.below
            .iter()
            .filter_map(|b| Some((b.name.as_str(), b.value?)))
    }

    /// Where the units below lie (their versions' shapes) and which have a portal of their
    /// own: read only for the map.
    async fn place(&mut self, app: &App, code: &str) -> Result<(), WebError> {
        let codes: Vec<String> = self.below.iter().map(|b| b.code.clone()).collect();
        let shapes = app.store.shapes_of(&codes).await?;
        let portals = app.store.portals().await?;
        let period = self.period;
        for b in &mut self.below {
            b.shape = shapes
                .iter()
                .find(|s| s.code == b.code && s.valid_from == b.valid_from)
                .and_then(|s| solieu_io::geojson::from_geometry(&s.geometry));
            b.portal = portals
                .iter()
                .find(|p| p.unit_code == b.code && !p.is_main)
                .map(|p| address(p, code, &period, None));
        }
        Ok(())
    }

    /// The units below as bars, when there are any.
    fn below_chart(&self, labelled_by: &str) -> Option<String> {
        let bars: Vec<(String, Decimal, String)> = self
            .compared()
            .map(|(name, v)| (name.to_string(), v, exact(v, self.decimals, self.computed)))
            .collect();
        (!bars.is_empty()).then(|| crate::svg::bars(&bars, labelled_by))
    }

    /// The units below shaded by their figures, each a link to them; `None` when none has a
    /// place on the map.
    fn map_chart(&self, lang: Lang, page: &str, labelled_by: &str) -> Option<String> {
        let text = |v: Decimal| exact(v, self.decimals, self.computed);
        let units: Vec<crate::svg::MapUnit> = self
            .below
            .iter()
            .filter_map(|row| {
                Some(crate::svg::MapUnit {
                    name: row.name.clone(),
                    href: row
                        .portal
                        .clone()
                        .unwrap_or_else(|| format!("{page}#dv-{}", row.code)),
                    shape: row.shape.clone()?,
                    value: row.value,
                    label: row.value.map_or_else(
                        || solieu_i18n::tr(lang, "portal-statistics-map-no-figure"),
                        |v| self.row.measured(&text(v)),
                    ),
                })
            })
            .collect();
        let values: Vec<Decimal> = units.iter().filter_map(|u| u.value).collect();
        let classes = crate::svg::classes(&values);
        let legend: Vec<String> = classes
            .iter()
            .map(|(from, to)| {
                let round = |v: Decimal| text(v.round_dp(u32::from(self.decimals)));
                if from == to {
                    round(*from)
                } else {
                    format!("{} – {}", round(*from), round(*to))
                }
            })
            .collect();
        crate::svg::map(
            &units,
            &classes,
            &legend,
            &solieu_i18n::tr(lang, "portal-statistics-map-no-figure"),
            labelled_by,
        )
    }
}

/// One indicator's page: its figure, its series and the units below, each chart with the
/// address that places it in an article.
pub async fn indicator(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
    client: ClientAddr,
    Query(q): Query<StatisticsQuery>,
) -> Result<Response, WebError> {
    let Some(frame) = frame(&app, &params, who.as_ref(), &headers, Some(&client)).await? else {
        return Ok(not_found(&app, lang, who.as_ref(), None));
    };
    let code = params.get("indicator").cloned().unwrap_or_default();
    let unit = frame.portal.unit_code.clone();
    let Some(mut x) = IndicatorFigures::load(&app, &unit, &code, q.ky.as_deref()).await? else {
        return Ok(not_found(&app, lang, who.as_ref(), Some(&frame)));
    };
    x.place(&app, &code).await?;
    let d = x.decimals;
    let page = address(&frame.portal, &code, &x.period, None);
    let embed = |chart: &str| address(&frame.portal, &code, &x.period, Some(chart));
    let context = merged(
        frame.context.clone(),
        json!({
            "row": x.row,
            "periods": x.periods.iter().rev().map(|p| json!({"code": p.code(), "name": p.name_vi()})).collect::<Vec<_>>(),
            "period": x.period.code(),
            "series": x.series.iter().map(|(p, v)| json!({"name": p.name_vi(), "code": p.code(), "value": v.map(|v| exact(v, d, x.computed))})).collect::<Vec<_>>(),
            "series_chart": x.series_chart("series-heading"),
            "series_embed": embed(SERIES_CHART),
            "below": x.compared().map(|(n, v)| json!({"name": n, "value": exact(v, d, x.computed)})).collect::<Vec<_>>(),
            "below_chart": x.below_chart("below-heading"),
            "below_embed": embed(BELOW_CHART),
            "map": x.map_chart(lang, &page, "map-heading"),
            "map_embed": embed(MAP_CHART),
            "map_rows": x.below.iter().map(|m| json!({
                "code": m.code,
                "name": m.name,
                "value": m.value.map(|v| exact(v, d, x.computed)),
                "portal": m.portal,
                "drawn": m.shape.is_some(),
            })).collect::<Vec<_>>(),
        }),
    );
    Ok(render(
        &app,
        lang,
        who.as_ref(),
        "portal/statistics_indicator.html",
        context,
    )?
    .into_response())
}

/// An indicator's page on `portal` for `period`, or one of its charts there.
fn address(
    portal: &solieu_store::Portal,
    code: &str,
    period: &Period,
    chart: Option<&str>,
) -> String {
    let base = super::base_path(portal);
    let chart = chart.map(|c| format!("/{c}")).unwrap_or_default();
    format!("{base}/so-lieu/{code}{chart}?ky={}", period.code())
}

/// The file names of an indicator's charts, at stable addresses an article embeds.
const SERIES_CHART: &str = "chuoi.svg";
const BELOW_CHART: &str = "don-vi.svg";
const MAP_CHART: &str = "ban-do.svg";

/// A chart of an indicator's page on its own (`…/so-lieu/{indicator}/chuoi.svg?ky=…`, the
/// series; `…/don-vi.svg`, the units below), named by its own title: an image an article
/// places with `![…](address)`. Only what the page shows.
pub async fn chart(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
    Query(q): Query<StatisticsQuery>,
) -> Result<Response, WebError> {
    // An image an article shows on every view: no page frame unless it is missing.
    let Some(portal) = super::portal_of(&app, &params).await? else {
        return missing(&app, lang, who.as_ref(), &params, &headers).await;
    };
    let code = params.get("indicator").cloned().unwrap_or_default();
    let which = params.get("chart").map(String::as_str).unwrap_or_default();
    let mut figures =
        IndicatorFigures::load(&app, &portal.unit_code, &code, q.ky.as_deref()).await?;
    if let Some(x) = figures.as_mut().filter(|_| which == MAP_CHART) {
        x.place(&app, &code).await?;
    }
    let drawn = figures.and_then(|x| {
        let (svg, heading) = match which {
            SERIES_CHART => (
                x.series_chart("chart-title")?,
                solieu_i18n::tr_args(
                    lang,
                    "portal-statistics-series",
                    &[("name", x.row.name.clone())],
                ),
            ),
            BELOW_CHART => (
                x.below_chart("chart-title")?,
                format!(
                    "{}: {}",
                    x.row.name,
                    solieu_i18n::tr_args(
                        lang,
                        "portal-statistics-below",
                        &[("period", x.row.period_name.clone())]
                    )
                ),
            ),
            MAP_CHART => {
                let page = address(&portal, &code, &x.period, None);
                (
                    x.map_chart(lang, &page, "chart-title")?,
                    format!(
                        "{}: {}",
                        x.row.name,
                        solieu_i18n::tr_args(
                            lang,
                            "portal-statistics-map",
                            &[("period", x.row.period_name.clone())]
                        )
                    ),
                )
            }
            _ => return None,
        };
        let title = format!(
            "<title id=\"chart-title\">{}</title>",
            solieu_core::text::escape_markup(&heading)
        );
        let at = svg.find('>')? + 1;
        Some(format!("{}{title}{}", &svg[..at], &svg[at..]))
    });
    let Some(svg) = drawn else {
        return missing(&app, lang, who.as_ref(), &params, &headers).await;
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        svg,
    )
        .into_response())
}

/// The figure of `code` for `unit` in `period`, as the engine computes it.
fn figure(engine: &Engine, code: &str, unit: &str, period: &Period) -> Option<Decimal> {
    let id = engine.indicator_id(code)?;
    let version = unit_version(engine, unit, period).ok()?;
    engine
        .value(id, version, period, &solieu_core::value::Series::Actual)
        .map(|c| c.value)
}

/// The units directly below `unit` at the end of `period`, each with its figure of `code`
/// when it is public.
fn units_below(
    engine: &Engine,
    approvals: &Approvals,
    code: &str,
    unit: &str,
    period: &Period,
) -> Vec<Below> {
    let registry = engine.registry();
    registry
        .children(unit, period.end_date())
        .into_iter()
        .map(|id| {
            let child = registry.version(id);
            let public = approvals
                .public(engine, &child.code)
                .into_iter()
                .any(|(p, codes)| p == *period && codes.contains(code));
            Below {
                code: child.code.clone(),
                name: child.name.clone(),
                valid_from: child.valid_from,
                value: public
                    .then(|| figure(engine, code, &child.code, period))
                    .flatten(),
                shape: None,
                portal: None,
            }
        })
        .collect()
}
