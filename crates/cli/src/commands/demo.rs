//! `solieu demo`: builds the Bình Liêu demo database from the CSVs in `demo/`, which are
//! compiled into the binary so the demo works from any folder.

use super::import::{ImportOptions, Input, import_inputs};
use crate::say::Say;
use anyhow::{Result, bail};
use solieu_store::{Location, Store};
use std::process::ExitCode;

/// The demo's files, in the order a person would import them.
pub const DEMO_FILES: &[(&str, &str)] = &[
    ("demo/units.csv", include_str!("../../../../demo/units.csv")),
    (
        "demo/lineage.csv",
        include_str!("../../../../demo/lineage.csv"),
    ),
    (
        "demo/indicators.csv",
        include_str!("../../../../demo/indicators.csv"),
    ),
    ("demo/rules.csv", include_str!("../../../../demo/rules.csv")),
    (
        "demo/datasets.csv",
        include_str!("../../../../demo/datasets.csv"),
    ),
    (
        "demo/values-2018-2020.csv",
        include_str!("../../../../demo/values-2018-2020.csv"),
    ),
    (
        "demo/values-2025-2026.csv",
        include_str!("../../../../demo/values-2025-2026.csv"),
    ),
    // Programs: NTM criteria sets, assessments, OCOP, projects, documents and tasks.
    (
        "demo/programs/ntm-criteria-quang-ninh-2020.csv",
        include_str!("../../../../demo/programs/ntm-criteria-quang-ninh-2020.csv"),
    ),
    (
        "demo/programs/ntm-criteria-advanced-2020.csv",
        include_str!("../../../../demo/programs/ntm-criteria-advanced-2020.csv"),
    ),
    (
        "demo/programs/ntm-communes.csv",
        include_str!("../../../../demo/programs/ntm-communes.csv"),
    ),
    (
        "demo/programs/ntm-assessments-2020.csv",
        include_str!("../../../../demo/programs/ntm-assessments-2020.csv"),
    ),
    (
        "demo/programs/ocop-products.csv",
        include_str!("../../../../demo/programs/ocop-products.csv"),
    ),
    (
        "demo/programs/funds-2020.csv",
        include_str!("../../../../demo/programs/funds-2020.csv"),
    ),
    (
        "demo/programs/projects-2020.csv",
        include_str!("../../../../demo/programs/projects-2020.csv"),
    ),
    (
        "demo/programs/documents.csv",
        include_str!("../../../../demo/programs/documents.csv"),
    ),
    (
        "demo/programs/tasks-650-KL-HU.csv",
        include_str!("../../../../demo/programs/tasks-650-KL-HU.csv"),
    ),
];

/// The demo's portal content (`solieu_web::portal::bundle`).
/// Where the communes lie, for the portal's map, as of a day in each period the demo covers:
/// approximate centres (no openly licensed boundaries of Bình Liêu's communes exist to ship).
const DEMO_BOUNDARIES: [(&str, &str, (i32, u32, u32)); 2] = [
    (
        "demo/ranh-gioi-2020.geojson",
        include_str!("../../../../demo/ranh-gioi-2020.geojson"),
        (2020, 6, 30),
    ),
    (
        "demo/ranh-gioi-2026.geojson",
        include_str!("../../../../demo/ranh-gioi-2026.geojson"),
        (2026, 6, 30),
    ),
];

pub const DEMO_PORTAL: &str = include_str!("../../../../demo/portal/portal.json");

const DEMO_MARK: &str = "demo-binh-lieu";

/// The communes' half-year forms of 2020 and the district's own report, submitted and
/// approved as the office would: the portal's home and its statistics then show approved
/// figures (the seed article's), as a visitor of the demo expects.
async fn approve_first_half_of_2020(store: &Store) -> Result<()> {
    let half_year_end = chrono::NaiveDate::from_ymd_opt(2020, 6, 30).expect("a date");
    let communes: Vec<String> = store
        .stored()
        .await?
        .units
        .into_iter()
        .filter(|u| u.parent.as_deref() == Some("198") && u.is_valid_on(half_year_end))
        .map(|u| u.code)
        .collect();
    let forms = communes
        .iter()
        .map(|unit| ("BC_XA_6T", unit.as_str()))
        .chain(std::iter::once(("BC_HUYEN_6T", "198")));
    for (set, unit) in forms {
        for (from, to, action) in [
            (None, "submitted", "submit"),
            (Some("submitted"), "approved", "approve"),
        ] {
            store
                .step_submission(set, unit, "2020S1", &[from], to, action, "", "demo")
                .await?;
        }
    }
    Ok(())
}

/// A citizen's question on the district's portal, answered and published, so that the
/// questions page shows what a visitor will get.
async fn answer_a_question(store: &Store) -> Result<()> {
    let asked = store
        .ask(
            solieu_store::NewQuestion {
                portal: "binh-lieu",
                article: None,
                name: "Hoàng Văn Sinh",
                contact: "0912 000 000",
                question: "Xin hỏi hộ gia đình tôi ở xã Lục Hồn muốn tham gia dự án hỗ trợ phát triển sản xuất thì cần làm thủ tục gì?",
                from: "demo",
            },
            solieu_store::AskLimits {
                per_address: 1,
                since: chrono::Utc::now(),
                waiting: 1,
            },
        )
        .await?;
    let solieu_store::Asked::Kept(question) = asked else {
        bail!("the demo question was not kept; this is a bug in solieu");
    };
    let answer = "Hộ gia đình đăng ký với Ủy ban nhân dân xã Lục Hồn theo thông báo của xã về dự án; \
        Phòng Nông nghiệp và Phát triển nông thôn huyện hướng dẫn hồ sơ và tổng hợp danh sách \
        trình Ủy ban nhân dân huyện phê duyệt.";
    store
        .step_question(
            question.id,
            question.revision,
            solieu_store::QuestionStep::Publish(answer),
            solieu_store::Author {
                username: "vanphong",
                from: "demo",
            },
        )
        .await?;
    Ok(())
}

pub async fn demo(
    db: &str,
    no_serve: bool,
    listen: std::net::SocketAddr,
    say: &Say,
) -> Result<ExitCode> {
    // The global default names the working database; the demo gets its own file.
    let db = if db == "solieu.db" && std::env::var_os("SOLIEU_DB").is_none() {
        "solieu-demo.db"
    } else {
        db
    };
    let store = fresh_database(db, say).await?;
    import_demo_files(&store, say).await?;
    add_accounts(&store).await?;
    // The portal: the district's, a commune's sub-portal, their articles and who edits them.
    let bundle: solieu_web::portal::bundle::Bundle = serde_json::from_str(DEMO_PORTAL)?;
    solieu_web::portal::bundle::load(&store, &bundle, "demo")
        .await
        .map_err(|e| anyhow::anyhow!(e.detail()))?;
    approve_first_half_of_2020(&store).await?;
    answer_a_question(&store).await?;
    print_guide(db, say);
    if no_serve {
        store.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    println!();
    println!(
        "{} http://{listen}/",
        solieu_i18n::tr(say.lang, "cli-web-application")
    );
    super::web::log_to_stderr();
    let options = solieu_web::ServeOptions {
        listen,
        trusted_proxies: Default::default(),
        poll_every: std::time::Duration::from_secs(1),
    };
    solieu_web::serve(store, options)
        .await
        .map_err(|e| anyhow::anyhow!("{}", super::web::operator_message(&e, say)))?;
    Ok(ExitCode::SUCCESS)
}

/// An empty database at `db`, marked as the demo's: a demo database already there is
/// rebuilt, any other file refused.
async fn fresh_database(db: &str, say: &Say) -> Result<Store> {
    let location = Location::parse(db);
    if let Some(path) = location.sqlite_path()
        && path.exists()
    {
        let store = Store::open(&location).await?;
        let mark = store.meta("dataset").await?;
        store.close().await;
        if mark.as_deref() != Some(DEMO_MARK) {
            bail!(
                "{} {db} {}",
                solieu_i18n::tr(say.lang, "cli-file"),
                solieu_i18n::tr(say.lang, "cli-exists-not-demo-database-choose")
            );
        }
        for suffix in ["", "-wal", "-shm"] {
            let file = format!("{}{suffix}", path.display());
            if std::path::Path::new(&file).exists() {
                std::fs::remove_file(&file)?;
            }
        }
        println!(
            "{} {db}",
            solieu_i18n::tr(say.lang, "cli-rebuilding-demo-database")
        );
    }
    let store = Store::create(&location).await?;
    if store.counts().await?.units > 0 && store.meta("dataset").await?.as_deref() != Some(DEMO_MARK)
    {
        bail!(
            "{} {db}",
            solieu_i18n::tr(say.lang, "cli-database-not-empty")
        );
    }
    store.set_meta("dataset", DEMO_MARK).await?;
    // The office's way of printing figures, for the articles drafted from its reports.
    store
        .set_meta(
            solieu_report::settings::KEPT,
            include_str!("../../../../demo/report-settings.json"),
        )
        .await?;
    Ok(store)
}

/// The demo's files imported as `solieu import` imports them: the register, figures and
/// programs in one import, then each boundary file as of its day.
async fn import_demo_files(store: &Store, say: &Say) -> Result<()> {
    let input = |name: &str, text: &str| Input {
        name: name.to_string(),
        bytes: text.as_bytes().to_vec(),
    };
    let inputs = DEMO_FILES.iter().map(|(n, t)| input(n, t)).collect();
    let options = ImportOptions {
        dry_run: false,
        decimal: None,
        effective: chrono::NaiveDate::from_ymd_opt(2025, 7, 1).expect("a date"),
        dhis2_mapping: Default::default(),
        mapping: None,
        limits: Default::default(),
        as_of: None,
    };
    let code = import_inputs(store, inputs, Vec::new(), options.clone(), "demo", say).await?;
    if code != ExitCode::SUCCESS {
        bail!("the demo data does not import; this is a bug in solieu");
    }
    for (name, text, (y, m, d)) in DEMO_BOUNDARIES {
        let options = ImportOptions {
            as_of: chrono::NaiveDate::from_ymd_opt(y, m, d),
            ..options.clone()
        };
        let inputs = vec![input(name, text)];
        if import_inputs(store, inputs, Vec::new(), options, "demo", say).await?
            != ExitCode::SUCCESS
        {
            bail!("the demo boundaries do not import; this is a bug in solieu");
        }
    }
    Ok(())
}

/// An account for each role ([`super::DEMO_USERS`]). Argon2 is slow on purpose, so the
/// passwords are hashed on the blocking pool.
async fn add_accounts(store: &Store) -> Result<()> {
    for (username, password, role, unit, group, name) in super::DEMO_USERS {
        let password = password.to_string();
        let hash = tokio::task::spawn_blocking(move || solieu_web::auth::hash_password(&password))
            .await?
            .map_err(|e| anyhow::anyhow!(e))?;
        super::web::add(
            store,
            username,
            *role,
            unit.map(str::to_string),
            group.map(|g| vec![g.to_string()]).unwrap_or_default(),
            Some(name.to_string()),
            &hash,
            "demo",
        )
        .await?;
    }
    Ok(())
}

/// What to try on the demo database, and its accounts.
fn print_guide(db: &str, say: &Say) {
    println!();
    println!(
        "{} {db}",
        solieu_i18n::tr(say.lang, "cli-binh-lieu-district-demo-database")
    );
    println!("  solieu --db {db} units --date 2020-06-15");
    println!("  solieu --db {db} units 06838");
    println!("  solieu --db {db} values --unit 198 --period 2020");
    println!("  solieu --db {db} query --unit 198 --period 2020S1");
    println!("  solieu --db {db} query --unit 06838 --period 2026S1");
    println!("  solieu --db {db} ntm --unit 198 --date 2020-06-15 --lacking");
    println!("  solieu --db {db} ocop --unit 198 --date 2020-06-15");
    println!("  solieu --db {db} projects --unit 198 --year 2020");
    println!("  solieu --db {db} tasks --date 2020-06-15");
    println!("  solieu --db {db} serve");
    println!();
    println!(
        "{}",
        solieu_i18n::tr(say.lang, "cli-demo-accounts-username-password-role")
    );
    for (username, password, role, unit, _, name) in super::DEMO_USERS {
        println!(
            "  {username:<11} {password:<15} {:<10} {} {name}",
            role.code(),
            unit.unwrap_or("")
        );
    }
}
