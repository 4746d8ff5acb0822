//! `solieu`: the command line. Parses arguments, opens the store, runs one command.
//! Errors become `anyhow` only here, at the edge.

mod commands;
mod help_vi;
mod progress;
mod say;
mod table;

use anyhow::Result;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use say::Say;
use solieu_core::number::DecimalConvention;
use std::path::PathBuf;
use std::process::ExitCode;

/// solieu — số liệu kinh tế - xã hội: collect a local government's figures, compare them with
/// the plan and the same period last year, and keep every change on record.
#[derive(Parser)]
#[command(
    name = "solieu",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// The database: a SQLite file path, or a postgres:// URL for PostgreSQL.
    #[arg(
        long,
        global = true,
        env = "SOLIEU_DB",
        hide_env_values = true,
        default_value = "solieu.db"
    )]
    db: String,
    /// Who is making changes, recorded with every value written.
    #[arg(long, global = true, env = "SOLIEU_USER")]
    user: Option<String>,
    /// Language of messages: vi (tiếng Việt) or en.
    #[arg(long, global = true, env = "SOLIEU_LANG", default_value = "vi")]
    lang: say::LangArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create an empty database (a SQLite file, or the tables in a PostgreSQL database).
    Init,
    /// Load units, lineage, indicators, values, rules, data sets and program registers from
    /// files, all or nothing; or write a workbook to fill (--template).
    ///
    /// Each CSV file and each workbook sheet is recognised by its header (see docs/formats.md);
    /// a wide workbook ("biểu mẫu") is read through its own mapping sheet or --mapping; JSON
    /// files are the statistics office's nested unit lists or the 2025 reform mapping, or DHIS2
    /// metadata exports (docs/dhis2.md) and data value sets. If any row of any file is wrong, nothing is loaded and every problem is
    /// listed with file, sheet, line and column.
    Import {
        /// CSV files, workbooks (XLSX, XLS, ODS), GSO JSON, DHIS2 files; in any order. Unit
        /// boundaries for the map (GeoJSON) are imported on their own.
        #[arg(required_unless_present = "template")]
        files: Vec<PathBuf>,
        /// Check everything and report what would change, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// How numbers are written: comma (643,41 and 1.372.557) or point (643.41 and 1,372,557).
        /// Without it, each file's convention is read from values that can only be read one way.
        #[arg(long)]
        decimal: Option<DecimalConvention>,
        /// The day a reform mapping (JSON) takes effect: its new units begin that day and every
        /// unit open before ends the day before.
        #[arg(long, default_value = "2025-07-01")]
        effective: chrono::NaiveDate,
        /// For boundary files (GeoJSON): the day whose units the features' codes name, so a
        /// 2020 map and a 2026 map each get their communes. Today when not given.
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<chrono::NaiveDate>,
        /// For DHIS2 files (dataValueSet JSON, CSV, XML; ADX): a CSV `kind,dhis2,solieu` linking
        /// data elements (`DE`, `DE|COMBO`, `DE|category=option`) and org units to our codes,
        /// before the links a DHIS2 metadata import recorded.
        #[arg(long)]
        dhis2_mapping: Option<PathBuf>,
        /// For a wide workbook not made by --template: a CSV `sheet,column,role,unit,period,
        /// series,status` saying what each column holds (docs/formats.md).
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Import nothing: write an empty workbook to fill in for --unit and --period (indicators
        /// down, communes or plan / same period / this period across), which imports as it is.
        #[arg(long, value_name = "FILE.xlsx", conflicts_with_all = ["files", "dry_run"])]
        template: Option<PathBuf>,
        /// Raise (or lower) a limit on what the files may hold, as NAME=N; repeat for several.
        /// A file over a limit is refused with the limit's name. The limits and their defaults:
        /// entries=10000 (in a ZIP), part-bytes=512MiB and total-bytes=1GiB (inflated),
        /// rows=1048576, columns=16384, cells=10000000 (non-empty), area=10000000 (rows ×
        /// columns of the sheets), cell-chars=32767, note-chars=2000. See docs/limits.md.
        #[arg(long = "limit", value_name = "NAME=N", value_parser = solieu_io::limits::parse_setting)]
        limits: Vec<(solieu_io::Limit, u64)>,
        #[command(flatten)]
        template_args: commands::TemplateArgs,
    },
    /// Write the stored units, lineage, indicators, validation rules and values back out as CSV.
    Export {
        /// Folder to write units.csv, lineage.csv, indicators.csv, rules.csv and values.csv into.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Write only one of them, to standard output unless --out is given.
        #[arg(long, value_parser = ["units", "lineage", "indicators", "rules", "values"])]
        only: Option<String>,
        /// The format: solieu's CSVs, or actual values as a DHIS2 data value set (JSON, CSV,
        /// XML) or ADX, to standard output unless --out names a file.
        #[arg(long, default_value = "csv", value_parser = ["csv", "dhis2-json", "dhis2-csv", "dhis2-xml", "adx"])]
        format: String,
        /// For DHIS2 formats: the mapping of our codes to DHIS2's (see import).
        #[arg(long)]
        dhis2_mapping: Option<PathBuf>,
        /// Write the program registers (NTM sets and assessments, OCOP, funds, projects,
        /// documents, tasks) as their CSVs into --out instead.
        #[arg(long, requires = "out", conflicts_with_all = ["only", "dhis2_mapping"])]
        programs: bool,
    },
    /// List stored values, optionally with every earlier version of each.
    Values(commands::ValuesQuery),
    /// Figures for a unit and period with each plan and the same period last year, computed
    /// from the stored values (summed over months and communes, across unit mergers).
    Query(commands::QueryArgs),
    /// Write the socio-economic report of a unit for a period (DOCX in the Decree 30/2020 form,
    /// XLSX appendix tables, HTML, PDF, Markdown, JSON with every figure's provenance) from an
    /// editable template.
    Report(commands::ReportArgs),
    /// Recorded reports: list them, show one as it was generated, or what changed since.
    Reports {
        #[command(subcommand)]
        action: commands::ReportsAction,
    },
    /// Apply the validation rules to the stored figures of a unit (and its units below) for a
    /// period; exits with 3 if a rule of high importance is broken.
    Validate {
        /// The unit (GSO code).
        #[arg(long)]
        unit: String,
        /// The period: 2020S1, 2020, 202006 …
        #[arg(long)]
        period: String,
        /// Also every unit directly below it.
        #[arg(long)]
        children: bool,
    },
    /// Show the administrative units as of a date, or one unit's versions and lineage.
    Units {
        /// A unit code: show its versions and where its territory came from and went.
        code: Option<String>,
        /// The date to look at (default: today).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    /// Copy the whole database, every revision and change included, into a new SQLite file.
    Backup {
        /// The backup file to create.
        file: PathBuf,
    },
    /// Copy a backup into the database given by --db, which must be empty (SQLite or PostgreSQL).
    Restore {
        /// A file made by `solieu backup`.
        file: PathBuf,
    },
    /// New Rural Development: criteria and indicators met per commune, district averages, the
    /// change since the start of the year, the roadmap and what each commune still lacks.
    Ntm(commands::NtmArgs),
    /// The OCOP registry: products, stars under the rules of each evaluation's year, counts by
    /// stars, commune and year, certificates that end soon.
    Ocop(commands::OcopArgs),
    /// Production-support projects of a year by fund: steps reached, support against plan.
    Projects(commands::ProjectsArgs),
    /// Tasks assigned by meetings' conclusions: standing on a date, overdue by agency;
    /// `tasks done ID --note …` records completion, `tasks history ID` shows every state.
    Tasks(commands::TasksArgs),
    /// Build the Bình Liêu demo database with demo accounts, then serve it on the web.
    Demo {
        /// Only build the database; do not serve it.
        #[arg(long)]
        no_serve: bool,
        /// Where to serve the web application.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
    },
    /// Serve the web application (pages and the JSON API under /api/v1).
    Serve {
        /// Address and port to listen on; behind a TLS proxy for anything but loopback.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Proxies whose X-Forwarded-For names the client, as addresses or networks
        /// ("127.0.0.1,10.0.0.0/8"); sign-in failures are counted per client. Without it the
        /// header is ignored and the connecting address is the client.
        #[arg(
            long = "trusted-proxy",
            env = "SOLIEU_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxy: Vec<String>,
        /// Seconds between looks for what other processes (`solieu import`) wrote to the
        /// database; what they wrote shows on the dashboard at the next look.
        #[arg(long, default_value = "1", value_parser = commands::poll_interval)]
        poll_interval: std::time::Duration,
        /// The log on standard error: text for a person, or json (one object per line) for a
        /// log collector. RUST_LOG sets what is logged (warn by default).
        #[arg(long, value_enum, default_value = "text")]
        log_format: commands::LogFormat,
    },
    /// Web accounts: add, passwd, disable.
    #[command(subcommand)]
    User(commands::UserCommand),
    /// A data set's approval, level by level, as the account named by --user: show the state
    /// and history, submit, approve (accept at the next level), return or reopen with a reason.
    Workflow(commands::WorkflowArgs),
}

fn main() -> ExitCode {
    // `solieu values | head` should stop quietly when `head` has read enough, as other command
    // line tools do, not panic on the closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default action of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match parse_arguments() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let say = Say::new(cli.lang.into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("the async runtime starts");
    match runtime.block_on(run(cli, &say)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!(
                "{}: {}",
                solieu_i18n::tr(say.lang, "cli-error"),
                say.error(&e)
            );
            ExitCode::from(1)
        }
    }
}

/// The arguments, with clap's help and refusals in the language asked for; a refusal or a
/// help text printed gives the exit code instead.
fn parse_arguments() -> std::result::Result<Cli, ExitCode> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = help_vi::lang_from_args(&args);
    let command = help_vi::localize(Cli::command(), lang);
    let parsed = command
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let err = match parsed {
        Ok(cli) => return Ok(cli),
        Err(err) => err,
    };
    if lang == solieu_core::problem::Lang::En {
        err.exit();
    }
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{}", help_vi::help_text(&err.render().to_string()));
            Err(ExitCode::SUCCESS)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{}", help_vi::help_text(&err.render().to_string()));
            Err(ExitCode::from(2))
        }
        _ => {
            eprintln!("{}", help_vi::refusal(&err));
            Err(ExitCode::from(2))
        }
    }
}

/// This machine's name, as the change log's "who" of a command run without an account name.
fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

async fn run(cli: Cli, say: &Say) -> Result<ExitCode> {
    let user = cli
        .user
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|u| !u.trim().is_empty())
        // Who acted is kept with every change: without an account name, at least the machine.
        .unwrap_or_else(|| format!("cli@{}", host_name()));
    let location = solieu_store::Location::parse(&cli.db);
    match cli.command {
        Command::Init => commands::init(&location, say).await,
        Command::Import {
            files,
            dry_run,
            decimal,
            effective,
            as_of,
            dhis2_mapping,
            mapping,
            template,
            template_args,
            limits: settings,
        } => {
            if let Some(out) = template {
                return commands::template(&location, &out, &template_args, say).await;
            }
            let mut limits = solieu_io::Limits::default();
            for (limit, value) in settings {
                limits.set(limit, value);
            }
            let options = commands::ImportOptions {
                dry_run,
                decimal,
                effective,
                dhis2_mapping: commands::read_dhis2_mapping(dhis2_mapping.as_deref(), say)?,
                mapping: commands::read_column_mapping(mapping.as_deref(), say)?,
                limits,
                as_of,
            };
            commands::import(&location, &files, options, &user, say).await
        }
        Command::Export {
            out: Some(dir),
            programs: true,
            ..
        } => commands::export_programs(&location, &dir, say).await,
        Command::Export {
            out,
            only,
            format,
            dhis2_mapping,
            ..
        } => {
            let mapping = commands::read_dhis2_mapping(dhis2_mapping.as_deref(), say)?;
            commands::export(&location, out, only, &format, &mapping, say).await
        }
        Command::Query(args) => commands::query(&location, args, say).await,
        Command::Report(args) => commands::report(&location, args, &user, say).await,
        Command::Reports { action } => commands::reports(&location, action, say).await,
        Command::Values(query) => commands::values(&location, query, say).await,
        Command::Validate {
            unit,
            period,
            children,
        } => commands::validate(&location, &unit, &period, children, say).await,
        Command::Units { code, date } => commands::units(&location, code, date, say).await,
        Command::Backup { file } => commands::backup(&location, &file, say).await,
        Command::Restore { file } => commands::restore(&location, &file, say).await,
        Command::Ntm(args) => commands::ntm(&location, args, say).await,
        Command::Ocop(args) => commands::ocop(&location, args, say).await,
        Command::Projects(args) => commands::projects(&location, args, say).await,
        Command::Tasks(args) => commands::tasks(&location, args, &user, say).await,
        Command::Demo { no_serve, listen } => commands::demo(&cli.db, no_serve, listen, say).await,
        Command::Serve {
            listen,
            trusted_proxy,
            poll_interval,
            log_format,
        } => {
            commands::serve(
                &location,
                listen,
                &trusted_proxy,
                poll_interval,
                log_format,
                say,
            )
            .await
        }
        Command::User(command) => commands::user(&location, command, &user, say).await,
        Command::Workflow(args) => commands::workflow(&location, args, &user, say).await,
    }
}
