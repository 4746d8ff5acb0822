//! Hostile uploads: a workbook that would take the server's memory, or one with a fault in
//! every row, is answered with a small 4xx and the server goes on serving (docs/limits.md).

mod common;
#[path = "../../io/tests/hostile/mod.rs"]
mod hostile;

use axum::http::StatusCode;
use common::signed_in;

const OWN: &str = "06838";

/// What an error page or JSON may weigh, whatever the upload held.
const BODY_BUDGET: usize = 256 * 1024;

on_both_backends!(
    hostile_uploads_are_refused_small_and_the_server_stays_up,
    |app| {
        let form = format!("/forms/BC_XA_6T/{OWN}/2026S1");
        let upload = format!("/upload/BC_XA_6T/{OWN}/2026S1");
        let mut officer = signed_in(&app, "binhlieu").await;
        let page = officer.get(&form).await;
        let csrf = common::csrf_in(&page.body);
        let cases: [(&str, Vec<u8>, &str); 4] = [
            ("far.xlsx", hostile::far_cell(), "(rows)"),
            ("rows.xlsx", hostile::many_rows(20_000), "(rows)"),
            ("bomb.xlsx", hostile::zip_bomb(100), "(part-bytes)"),
            ("huge.xlsx", hostile::huge_cell(1), "(cell-chars)"),
        ];
        for (name, bytes, limit) in cases {
            assert!(bytes.len() < 2 << 20, "{name} fits the upload limit");
            let answer = officer.post_file(&upload, &csrf, name, &bytes).await;
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{name}: {}",
                answer.body
            );
            assert!(answer.body.contains(limit), "{name}: {}", answer.body);
            assert!(
                answer.body.len() < BODY_BUDGET,
                "{name}: {} bytes",
                answer.body.len()
            );
            // The next request is served as before.
            assert_eq!(officer.get(&form).await.status, StatusCode::OK);
        }
        // A fault in every one of 5,000 rows: the first hundred, and how many more.
        let answer = officer
            .post_file(
                &upload,
                &csrf,
                "faults.xlsx",
                &hostile::many_problems_xlsx(5_000),
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            answer.body.len() < BODY_BUDGET,
            "{} bytes",
            answer.body.len()
        );
        assert!(answer.body.contains("lỗi khác"), "{}", answer.body);
        assert_eq!(officer.get(&form).await.status, StatusCode::OK);
    }
);

on_both_backends!(a_long_note_is_refused_on_save, |app| {
    let mut officer = signed_in(&app, "binhlieu").await;
    let token = officer.csrf().await;
    let note = "đ".repeat(2_001);
    let answer = officer
        .post_json(
            &format!("/api/v1/check/BC_XA_6T/{OWN}/2026S1"),
            serde_json::json!({"values": [{"indicator": "KHAM_BENH_XA", "value": "1", "note": note}]}),
            Some(&token),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(answer.body.contains("(note-chars)"), "{}", answer.body);
});
