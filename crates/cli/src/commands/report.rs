//! `solieu report`: the periodic socio-economic report, written from the stored figures.

use crate::commands::query::load_engine;
use crate::say::Say;
use anyhow::{Context, Result, anyhow, bail};
use solieu_analytics::Engine;
use solieu_core::period::Period;
use solieu_report::model::Document;
use solieu_report::settings::Settings;
use solieu_report::{Report, Request};
use solieu_store::{Location, NewReport, Store};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const FORMATS: [&str; 6] = ["docx", "xlsx", "html", "pdf", "md", "json"];

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The unit (GSO code), as of the period's end.
    #[arg(long)]
    pub unit: String,
    /// The period: 2020S1, 2020, 2020Q3, 202006 …
    #[arg(long)]
    pub period: String,
    /// Formats, comma separated: docx, xlsx, html, pdf, md, json (default: from --out's
    /// extension).
    #[arg(long, value_delimiter = ',', value_parser = FORMATS)]
    pub format: Vec<String>,
    /// The file to write (its extension changed per format when several are asked for), or with
    /// --children a folder. Without it, Markdown goes to standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// A report template (minijinja, see docs/report-templates.md) instead of the built-in one.
    #[arg(long)]
    pub template: Option<PathBuf>,
    /// Program summaries (NTM, OCOP, projects) as JSON, for the template's program sections.
    #[arg(long)]
    pub programs: Option<PathBuf>,
    /// The date on the document (default: the day after the Decree 09 cut-off).
    #[arg(long)]
    pub date: Option<chrono::NaiveDate>,
    /// The document number once issued: "123/BC-UBND".
    #[arg(long)]
    pub number: Option<String>,
    /// The office's report settings (JSON): who signs for each unit, how percentages print
    /// (see docs/report-templates.md; the demo's: demo/report-settings.json).
    #[arg(long)]
    pub settings: Option<PathBuf>,
    /// Print the template that would be used (to copy and edit), and write nothing.
    #[arg(long)]
    pub show_template: bool,
    /// Also a report for every unit directly below (every commune), into the --out folder.
    #[arg(long, alias = "all-communes")]
    pub children: bool,
}

fn formats_for(args: &ReportArgs, say: &Say) -> Result<Vec<String>> {
    if !args.format.is_empty() {
        return Ok(args.format.clone());
    }
    let ext = args
        .out
        .as_ref()
        .filter(|_| !args.children)
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    match ext {
        Some(e) if FORMATS.contains(&e.as_str()) => Ok(vec![e]),
        Some(e) => bail!(
            "{} .{e}; {}",
            solieu_i18n::tr(say.lang, "cli-unknown-format"),
            solieu_i18n::tr(say.lang, "cli-use-format")
        ),
        None => Ok(vec!["md".into()]),
    }
}

/// Writes one report in one format.
pub fn write(report: &Report, format: &str, path: &Path) -> Result<()> {
    let json = || Ok(solieu_report::text::json(report)?);
    write_document(&report.document, json, format, path)
}

/// Writes a document in one format; `json` gives the JSON form (document and figures).
pub fn write_document(
    document: &Document,
    json: impl FnOnce() -> Result<String>,
    format: &str,
    path: &Path,
) -> Result<()> {
    let bytes: Vec<u8> = match format {
        "md" => solieu_report::text::markdown(document).into_bytes(),
        "html" => solieu_report::text::html(document).into_bytes(),
        "json" => json()?.into_bytes(),
        "docx" => solieu_report::docx::docx_with_charts(document)?,
        "xlsx" => solieu_report::xlsx::xlsx(document)?,
        "pdf" => return pdf(document, &with_extension(path, "pdf")),
        other => bail!("{other}?"),
    };
    std::fs::write(path, bytes).with_context(|| path.display().to_string())
}

/// `path` ending in `.ext`: "X" → "X.pdf", "X.PDF" unchanged.
pub fn with_extension(path: &Path, ext: &str) -> PathBuf {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case(ext) => path.to_path_buf(),
        _ => {
            let mut name = path.as_os_str().to_owned();
            name.push(".");
            name.push(ext);
            PathBuf::from(name)
        }
    }
}

fn read_settings(path: &Path) -> Result<Settings> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    serde_json::from_str(&text).with_context(|| path.display().to_string())
}

/// PDF through LibreOffice, from the DOCX: the document the office signs is the one printed.
fn pdf(document: &Document, path: &Path) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let docx = dir.path().join("report.docx");
    std::fs::write(&docx, solieu_report::docx::docx_with_charts(document)?)?;
    // A profile of its own, so that a running LibreOffice or a parallel conversion is no obstacle.
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let out = std::process::Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&docx)
        .output()
        .map_err(|e| {
            anyhow!(
                "soffice: {e}. PDF cần LibreOffice (Debian: libreoffice-writer-nogui) / PDF needs LibreOffice"
            )
        })?;
    let made = dir.path().join("report.pdf");
    if !out.status.success() || !made.exists() {
        bail!(
            "soffice --convert-to pdf: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::copy(&made, path).with_context(|| path.display().to_string())?;
    Ok(())
}

fn request(
    engine: &Engine,
    code: &str,
    period: Period,
    args: &ReportArgs,
    say: &Say,
) -> Result<Request> {
    let unit = engine
        .registry()
        .unit_for_period(code, &period)
        .map_err(|e| anyhow!("{}", e.message.get(say.lang)))?;
    let template = match &args.template {
        Some(p) => Some((
            p.display().to_string(),
            std::fs::read_to_string(p).with_context(|| p.display().to_string())?,
        )),
        None => None,
    };
    let programs = match &args.programs {
        Some(p) => Some(
            serde_json::from_str(
                &std::fs::read_to_string(p).with_context(|| p.display().to_string())?,
            )
            .with_context(|| p.display().to_string())?,
        ),
        None => None,
    };
    Ok(Request {
        unit,
        period,
        template,
        programs,
        date: args.date,
        number: args.number.clone(),
    })
}

/// What the store keeps of a generated report.
fn snapshot(report: &Report) -> Result<NewReport> {
    Ok(NewReport {
        unit: report.unit.clone(),
        period: report.period.clone(),
        template: report.template.clone(),
        template_text: report.template_text.clone(),
        document: serde_json::to_string(&report.document)?,
        figures: serde_json::to_string(&report.figures)?,
    })
}

pub async fn report(
    location: &Location,
    args: ReportArgs,
    who: &str,
    say: &Say,
) -> Result<ExitCode> {
    let period: Period = say.period(&args.period)?;
    if args.children && args.out.is_none() && !args.show_template {
        bail!(
            "{}",
            solieu_i18n::tr(say.lang, "cli-children-needs-out-folder-reports")
        );
    }
    let formats = formats_for(&args, say)?;
    let settings = match &args.settings {
        Some(p) => read_settings(p)?,
        None => Settings::default(),
    };
    let store = Store::open(location).await?;
    let engine = load_engine(&store).await?;
    let mut main = request(&engine, args.unit.trim(), period, &args, say)?;
    // The program sections read the registers as they stand at the report's cut-off, unless a
    // summary file is given.
    let register = match args.programs {
        Some(_) => None,
        None => Some(store.programs().await?),
    };
    let as_of = args.date.unwrap_or_else(|| {
        period
            .decree_09_cutoff()
            .succ_opt()
            .unwrap_or(period.end_date())
    });
    let programs_of = |unit: solieu_core::lineage::VersionId| {
        register.as_ref().map(|r| {
            let code = &engine.registry().version(unit).code;
            solieu_report::programs::context(r, engine.registry(), code, as_of)
        })
    };
    if register.is_some() {
        main.programs = programs_of(main.unit);
    }
    if args.show_template {
        let (_, text) = main
            .template
            .clone()
            .unwrap_or_else(|| solieu_report::default_template(&engine, main.unit));
        print!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut units = vec![main.unit];
    if args.children {
        let code = &engine.registry().version(main.unit).code;
        units.extend(engine.registry().children(code, period.end_date()));
    }
    let Some(out) = &args.out else {
        let report = solieu_report::build_with(&engine, &main, &settings)?;
        print!("{}", solieu_report::text::markdown(&report.document));
        store.close().await;
        return Ok(ExitCode::SUCCESS);
    };
    if args.children {
        std::fs::create_dir_all(out).with_context(|| out.display().to_string())?;
    }
    let total = units.len();
    // A bar on the terminal for batches; nothing when standard error is not a terminal.
    let progress = if total > 1 {
        indicatif::ProgressBar::new(total as u64).with_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .expect("a valid progress template"),
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    for &unit in &units {
        progress.set_message(engine.registry().version(unit).name.clone());
        let mut req = main.clone();
        req.unit = unit;
        if register.is_some() {
            req.programs = programs_of(unit);
        }
        if unit != main.unit && args.template.is_none() {
            req.template = None;
        }
        let report = solieu_report::build_with(&engine, &req, &settings)?;
        // Recorded as printed, so it can be shown again and compared after revisions.
        let id = store.save_report(&snapshot(&report)?, who).await?;
        if args.settings.is_some() {
            store
                .set_meta(
                    solieu_report::settings::KEPT,
                    &serde_json::to_string(&settings)?,
                )
                .await?;
        }
        if total == 1 {
            eprintln!(
                "{} {id} ({} {id})",
                solieu_i18n::tr(say.lang, "cli-recorded-report"),
                solieu_i18n::tr(say.lang, "cli-see-solieu-reports-show")
            );
        }
        for format in &formats {
            let path = if args.children {
                out.join(format!("{}-{}.{format}", report.unit, report.period))
            } else if formats.len() > 1 {
                out.with_extension(format)
            } else {
                out.clone()
            };
            // A PDF is named .pdf whatever --out says, as LibreOffice and viewers expect.
            let path = if format == "pdf" {
                with_extension(&path, "pdf")
            } else {
                path
            };
            write(&report, format, &path)?;
            if total == 1 {
                println!("{}", path.display());
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    store.close().await;
    if total > 1 {
        println!(
            "{total} {} {}",
            solieu_i18n::tr(say.lang, "cli-reports"),
            out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
