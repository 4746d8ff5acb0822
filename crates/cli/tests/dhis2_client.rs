//! A DHIS2 client nobody here wrote (HISP Centre's `dhis2-client` from PyPI, pinned in
//! `.ci/dhis2-client`) against `solieu serve` on a database made from DHIS2's own exports: it
//! reads the organisation unit tree and the data sets, writes a data value set, reads it back,
//! and is refused another facility's unit and an approved month (dhis2_client_run.py).

mod common;

use common::*;
use std::process::Command;

const OFFICER: &str = "ngelehun";
const PASSWORD: &str = "mat-khau-ngelehun";
/// Ngelehun CHC and Sierra Leone, by the codes the import gave them (DHIS2's own codes).
const NGELEHUN: &str = "OU_559";
const SIERRA_LEONE: &str = "OU_525";
/// The malaria elimination data set (monthly), by its code.
const MALARIA: &str = "MAL_EL";
const LOCKED: &str = "201912";

fn dhis2_sample(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/dhis2")
        .join(name);
    assert!(path.exists(), "{} is missing", path.display());
    path.display().to_string()
}

fn succeed(db: &str, user: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_solieu"))
        .args(["--db", db, "--lang", "en", "--user", user])
        .args(args)
        .env_remove("SOLIEU_DB")
        .env("SOLIEU_PASSWORD", PASSWORD)
        .output()
        .expect("solieu runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "solieu {args:?}: {text}");
    text
}

/// The client's python, installed by `.ci/dhis2-client`.
fn client_python() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(root.join(".ci/dhis2-client"))
        .output()
        .expect(".ci/dhis2-client runs");
    assert!(
        out.status.success(),
        ".ci/dhis2-client failed to install the client: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_dhis2_client_reads_the_tree_writes_figures_and_is_refused_what_it_may_not() {
    let python = client_python();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dhis2.db").display().to_string();
    succeed(&db, "test", &["init"]);
    let imported = succeed(
        &db,
        "test",
        &[
            "import",
            &dhis2_sample("setup_metadata.json"),
            &dhis2_sample("aggregate_metadata.json"),
            &dhis2_sample("dataValues_bulk.json"),
        ],
    );
    assert!(imported.contains("values added: 231"), "{imported}");
    succeed(
        &db,
        "test",
        &[
            "user", "add", "--role", "commune", "--unit", NGELEHUN, OFFICER,
        ],
    );
    succeed(
        &db,
        "test",
        &[
            "user",
            "add",
            "--role",
            "office",
            "--unit",
            SIERRA_LEONE,
            "office",
        ],
    );
    // December 2019 of Ngelehun, submitted and approved: locked.
    succeed(
        &db,
        OFFICER,
        &["workflow", "submit", MALARIA, NGELEHUN, LOCKED],
    );
    succeed(
        &db,
        "office",
        &["workflow", "approve", MALARIA, NGELEHUN, LOCKED],
    );

    let server = serve(&db);
    let base = format!("http://127.0.0.1:{}", server.port);
    let token = token(server.port);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dhis2_client_run.py");
    let out = Command::new(python)
        .arg(script)
        .env("BASE_URL", &base)
        .env("OFFICER", OFFICER)
        .env("PASSWORD", PASSWORD)
        .env("TOKEN", token)
        .env("LOCKED_PERIOD", LOCKED)
        .output()
        .expect("the client's python runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "the DHIS2 client failed:\n{said}");
    assert!(said.contains("ok: read back as written"), "{said}");
    println!("{said}");
}

/// A personal token of the officer's, from our own API.
fn token(port: u16) -> String {
    use std::io::{Read, Write};
    let body =
        serde_json::json!({"username": OFFICER, "password": PASSWORD, "name": "dhis2-client"})
            .to_string();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let json = raw.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    value["token"].as_str().expect("a token").to_string()
}
