//! Open data as a national portal harvests it: `ckanapi` (the CKAN project's client, from PyPI,
//! pinned in `.ci/open-data-client`) lists and reads the demo's published data sets through
//! the CKAN-compatible API of `solieu serve`, fetches a distribution, and `rdflib` reads the
//! DCAT catalogue as JSON-LD (open_data_client_run.py). Before anything is approved, neither
//! lists a thing.

mod common;

use common::*;
use std::process::Command;

/// The clients' python, installed by `.ci/open-data-client`.
fn client_python() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(root.join(".ci/open-data-client"))
        .output()
        .expect(".ci/open-data-client runs");
    assert!(
        out.status.success(),
        ".ci/open-data-client failed to install the clients: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_ckan_client_and_a_json_ld_reader_harvest_the_demo() {
    let python = client_python();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    let built = Command::new(env!("CARGO_BIN_EXE_solieu"))
        .args(["--db", &db, "--lang", "en", "demo", "--no-serve"])
        .env_remove("SOLIEU_DB")
        .output()
        .expect("solieu demo runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let server = serve(&db);
    let base = format!("http://127.0.0.1:{}", server.port);
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/open_data_client_run.py");
    let out = Command::new(python)
        .arg(script)
        .env("BASE_URL", &base)
        .output()
        .expect("the clients' python runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "the open-data clients failed:\n{said}"
    );
    assert!(
        said.contains("ok: the catalogue parses as JSON-LD"),
        "{said}"
    );
    println!("{said}");
}
