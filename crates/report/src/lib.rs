//! The socio-economic report, written by the system.
//!
//! A report is a minijinja template (editable by the office, no rebuild needed) rendered over
//! the figures the analytics engine computes for a unit and period. The template writes a small
//! markup (`markup`), read into a document model (`model`) that every writer renders: Markdown,
//! HTML, JSON with provenance, DOCX in the Decree 30/2020 form, XLSX appendix tables.
//! Depends on `core` and `analytics` only; the caller loads the engine.

pub mod chart;
mod context;
pub mod docx;
pub mod markup;
pub mod model;
pub mod programs;
pub mod settings;
pub mod text;
pub mod xlsx;

use chrono::NaiveDate;
pub use context::Printed;
use model::Document;
use serde::Serialize;
use solieu_analytics::{Engine, FigureView};
use solieu_core::lineage::VersionId;
use solieu_core::period::Period;

/// The district template: "Báo cáo tình hình kinh tế - xã hội 6 tháng đầu năm, nhiệm vụ 6 tháng
/// cuối năm".
pub const DISTRICT_TEMPLATE: &str = include_str!("../templates/district.md.j2");
/// The same for a commune of the two-tier government (after 01/07/2025), or any commune.
pub const COMMUNE_TEMPLATE: &str = include_str!("../templates/commune.md.j2");
/// The built-in template of a portal article drafted from the report's figures.
pub const ARTICLE_TEMPLATE: &str = include_str!("../templates/article.md.j2");

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("mẫu báo cáo {name}: {message} / report template {name}: {message}")]
    Template { name: String, message: String },
    #[error("ghi {format}: {message} / writing {format}: {message}")]
    Write {
        format: &'static str,
        message: String,
    },
}

/// What to report on, and with which template.
#[derive(Debug, Clone)]
pub struct Request {
    pub unit: VersionId,
    pub period: Period,
    /// (name, text); the default for the unit's level when absent.
    pub template: Option<(String, String)>,
    /// Program summaries (NTM, OCOP, projects) as JSON, shown by the template's program
    /// sections when present.
    pub programs: Option<serde_json::Value>,
    /// The date on the document; the day after the Decree 09 cut-off when absent.
    pub date: Option<NaiveDate>,
    /// "123/BC-UBND"; "…/BC-UBND" (to be filled at signing) when absent.
    pub number: Option<String>,
}

/// A generated report: the document and every figure it printed, with provenance.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub template: String,
    /// The template's text, kept with a recorded report.
    #[serde(skip)]
    pub template_text: String,
    pub document: Document,
    /// The figures the document printed, in the order it first used them.
    pub figures: Vec<Printed>,
}

/// The default template for a unit: the district one for districts (and above), the commune
/// one for communes.
pub fn default_template(engine: &Engine, unit: VersionId) -> (String, String) {
    if engine.registry().version(unit).kind.is_commune_level() {
        ("commune.md.j2 (mặc định)".into(), COMMUNE_TEMPLATE.into())
    } else {
        ("district.md.j2 (mặc định)".into(), DISTRICT_TEMPLATE.into())
    }
}

/// Renders the template over the unit's figures and builds the document, with the default
/// settings (no signer's name, one decimal for percentages).
pub fn build(engine: &Engine, request: &Request) -> Result<Report, ReportError> {
    build_with(engine, request, &settings::Settings::default())
}

/// `build` with the office's settings: the signer and the printing policy.
pub fn build_with(
    engine: &Engine,
    request: &Request,
    settings: &settings::Settings,
) -> Result<Report, ReportError> {
    let (name, text) = request
        .template
        .clone()
        .unwrap_or_else(|| default_template(engine, request.unit));
    let unit = engine.registry().version(request.unit);
    let (document, figures) = context::render(engine, request, settings, &name, &text)?;
    Ok(Report {
        unit: unit.code.clone(),
        unit_name: unit.name.clone(),
        period: request.period.code(),
        template: name,
        template_text: text,
        document,
        figures,
    })
}

/// A portal article drafted from a report's figures, for an editor to finish and publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleDraft {
    pub title: String,
    /// The lead (sapo).
    pub sapo: String,
    /// Markdown, each figure linked to its statistics page.
    pub body: String,
}

/// Drafts the article: `request.template` or the built-in `article.md.j2`, whose front matter
/// gives `title:` and `sapo:` and whose body is the article's Markdown. `statistics` is the
/// portal's statistics address (`/so-lieu`, `/hoanh-mo/so-lieu`) the figures link to.
pub fn article(
    engine: &Engine,
    request: &Request,
    settings: &settings::Settings,
    statistics: &str,
) -> Result<ArticleDraft, ReportError> {
    let (name, text) = request
        .template
        .clone()
        .unwrap_or_else(|| ("article.md.j2 (mặc định)".into(), ARTICLE_TEMPLATE.into()));
    let out = context::render_article(engine, request, settings, &name, &text, statistics)?;
    let (fields, lines) = markup::front_matter(&out);
    let field = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default()
    };
    // The template writes a paragraph per line; Markdown needs an empty line between them.
    let paragraphs: Vec<&str> = lines
        .into_iter()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    Ok(ArticleDraft {
        title: field("title"),
        sapo: field("sapo"),
        body: paragraphs.join("\n\n"),
    })
}

/// The figures a report printed, recomputed now: for `solieu reports diff`.
pub fn figure_views(report: &Report) -> impl Iterator<Item = &FigureView> {
    report.figures.iter().map(|p| &p.figure)
}
