//! `solieu serve` and `solieu user`: the web application and its accounts.

use crate::say::Say;
use anyhow::{Result, anyhow, bail};
use solieu_store::{Location, NewUser, Store};
use solieu_web::ServeOptions;
use solieu_web::auth::TrustedProxies;
use solieu_web::policy::Role;
use std::process::ExitCode;

/// `--poll-interval`: seconds, fractions allowed, between 0.05 and an hour.
pub fn poll_interval(text: &str) -> Result<std::time::Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if (0.05..=3600.0).contains(&seconds) => {
            Ok(std::time::Duration::from_secs_f64(seconds))
        }
        _ => Err(format!(
            "“{text}”: cần số giây từ 0,05 đến 3600, viết bằng dấu chấm (1 hoặc 0.5); \
             expected seconds between 0.05 and 3600, e.g. 1 or 0.5"
        )),
    }
}

/// How the server writes its log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

pub async fn serve(
    location: &Location,
    listen: std::net::SocketAddr,
    trusted_proxies: &[String],
    poll_every: std::time::Duration,
    log_format: LogFormat,
    say: &Say,
) -> Result<ExitCode> {
    let trusted_proxies = TrustedProxies::parse(&trusted_proxies.join(",")).map_err(|bad| {
        anyhow!(
            "--trusted-proxy / SOLIEU_TRUSTED_PROXIES: “{bad}” {}",
            solieu_i18n::tr(say.lang, "cli-not-ip-address-or-network")
        )
    })?;
    log_in(log_format);
    let store = Store::open(location).await?;
    println!(
        "{} http://{listen}/  ({})",
        solieu_i18n::tr(say.lang, "cli-serving"),
        solieu_i18n::tr(say.lang, "cli-ctrl-c-stop")
    );
    let options = ServeOptions {
        listen,
        trusted_proxies,
        poll_every,
    };
    solieu_web::serve(store, options)
        .await
        .map_err(|e| anyhow!("{}", operator_message(&e, say)))?;
    Ok(ExitCode::SUCCESS)
}

/// What the operator is told when the server cannot start or stops: the whole detail (a
/// client would get only a reference to it).
pub fn operator_message(e: &solieu_web::WebError, say: &Say) -> String {
    if e.status().is_server_error() {
        e.detail()
    } else {
        e.message().get(say.lang).to_string()
    }
}

/// The server's log on standard error: errors whose detail the client is not shown (it gets
/// a reference to find them here), and with RUST_LOG=tower_http=debug each request.
pub fn log_to_stderr() {
    log_in(LogFormat::Text);
}

/// The log on standard error as text for a person, or as one JSON object per line for a log
/// collector (`--log-format json`).
pub fn log_in(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second call (a test running two servers in one process) keeps the first.
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add an account. The password is read from SOLIEU_PASSWORD or the first line of standard input.
    Add {
        username: String,
        /// admin, office (planning office), department, commune, leader.
        #[arg(long)]
        role: String,
        /// The unit the account works on (a commune's code; the office's district or province).
        #[arg(long)]
        unit: Option<String>,
        /// A department's indicator group, e.g. "Văn hóa - xã hội > Y tế"; repeat for several.
        #[arg(long)]
        group: Vec<String>,
        /// The name shown on pages.
        #[arg(long)]
        name: Option<String>,
    },
    /// Set a new password (read as for add); every session of the account ends.
    Passwd { username: String },
    /// Disable an account: its sessions and tokens stop working at once.
    Disable { username: String },
}

fn read_password(say: &Say) -> Result<String> {
    let password = match std::env::var("SOLIEU_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprintln!("{}", solieu_i18n::tr(say.lang, "cli-password"));
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    if password.chars().count() < 8 {
        bail!(
            "{}",
            solieu_i18n::tr(say.lang, "cli-password-needs-least-8-characters")
        );
    }
    Ok(password)
}

pub async fn user(
    location: &Location,
    command: UserCommand,
    by: &str,
    say: &Say,
) -> Result<ExitCode> {
    let store = Store::open(location).await?;
    match command {
        UserCommand::Add {
            username,
            role,
            unit,
            group,
            name,
        } => {
            let Some(role) = Role::parse(&role) else {
                bail!(
                    "{} “{role}”: admin, office, department, commune, leader",
                    solieu_i18n::tr(say.lang, "cli-unknown-role")
                );
            };
            if matches!(role, Role::Commune | Role::Office) && unit.is_none() {
                bail!("{}", solieu_i18n::tr(say.lang, "cli-this-role-needs-unit"));
            }
            if role == Role::Department && group.is_empty() {
                bail!(
                    "{}",
                    solieu_i18n::tr(say.lang, "cli-department-needs-group")
                );
            }
            let hash =
                solieu_web::auth::hash_password(&read_password(say)?).map_err(|e| anyhow!(e))?;
            add(&store, &username, role, unit, group, name, &hash, by).await?;
            println!(
                "{} {username}",
                solieu_i18n::tr(say.lang, "cli-added-account")
            );
        }
        UserCommand::Passwd { username } => {
            let hash =
                solieu_web::auth::hash_password(&read_password(say)?).map_err(|e| anyhow!(e))?;
            if !store.set_password(&username, &hash, by).await? {
                bail!("{} {username}", solieu_i18n::tr(say.lang, "cli-no-account"));
            }
            println!(
                "{} {username}",
                solieu_i18n::tr(say.lang, "cli-changed-password")
            );
        }
        UserCommand::Disable { username } => {
            if !store.set_disabled(&username, true, by).await? {
                bail!("{} {username}", solieu_i18n::tr(say.lang, "cli-no-account"));
            }
            println!(
                "{} {username}",
                solieu_i18n::tr(say.lang, "cli-disabled-account")
            );
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
pub async fn add(
    store: &Store,
    username: &str,
    role: Role,
    unit: Option<String>,
    groups: Vec<String>,
    name: Option<String>,
    hash: &str,
    by: &str,
) -> Result<()> {
    store
        .add_user(
            &NewUser {
                username: username.to_string(),
                display_name: name.unwrap_or_else(|| username.to_string()),
                password_hash: hash.to_string(),
                role: role.code().to_string(),
                unit_code: unit,
                groups,
            },
            by,
        )
        .await
        .map_err(|e| match e {
            solieu_store::StoreError::Conflict(t) => anyhow!("{}", t.vi),
            e => e.into(),
        })?;
    Ok(())
}

/// A demo account: (username, password, role, unit, group, name).
pub type DemoUser = (
    &'static str,
    &'static str,
    Role,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

pub const DEMO_USERS: &[DemoUser] = &[
    ("admin", "demo-admin", Role::Admin, None, None, "Quản trị"),
    (
        "vanphong",
        "demo-vanphong",
        Role::Office,
        Some("22"),
        None,
        "Văn phòng UBND tỉnh",
    ),
    (
        "lanhdao",
        "demo-lanhdao",
        Role::Leader,
        Some("22"),
        None,
        "Lãnh đạo UBND tỉnh",
    ),
    (
        "yte",
        "demo-yte",
        Role::Department,
        None,
        Some("Văn hóa - xã hội > Y tế"),
        "Sở Y tế",
    ),
    (
        "xabinhlieu",
        "demo-binhlieu",
        Role::Commune,
        Some("06838"),
        None,
        "Cán bộ xã Bình Liêu",
    ),
    (
        "xahoanhmo",
        "demo-hoanhmo",
        Role::Commune,
        Some("06841"),
        None,
        "Cán bộ xã Hoành Mô",
    ),
];
