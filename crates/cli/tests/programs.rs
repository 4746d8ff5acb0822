//! Programs beside the indicators, as a user meets them: NTM criteria sets and assessments
//! imported from files, the district figures of the demo, a set of another province. On both
//! backends, starting from the demo database.

mod common;

use common::*;
use rust_decimal::Decimal;
use serde_json::Value;
use std::fs;

fn decimal(v: &Value) -> Decimal {
    match v {
        Value::String(s) => s.parse().unwrap(),
        Value::Number(n) => n.to_string().parse().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

fn json(db: &str, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).unwrap()
}

fn summary<'a>(all: &'a Value, set: &str) -> &'a Value {
    all.as_array()
        .unwrap()
        .iter()
        .find(|s| s["set"] == set)
        .unwrap_or_else(|| panic!("no summary of {set} in {all}"))
}

on_both_backends!(demo_ntm_figures_are_the_seeds, |db, _dir| {
    ok(db, &["demo", "--no-serve"]);
    let all = json(
        db,
        &[
            "ntm",
            "--unit",
            "198",
            "--date",
            "2020-06-15",
            "--format",
            "json",
        ],
    );
    let s = summary(&all, "QN-NTM-2016-2020");
    // The town is not assessed on NTM: six communes.
    assert_eq!(s["communes"], 6);
    assert_eq!(s["criteria_total"], 20);
    assert_eq!(s["indicators_total"], 53);
    assert_eq!(decimal(&s["average_criteria"]), "17.5".parse().unwrap());
    assert_eq!(decimal(&s["average_indicators"]), "46.33".parse().unwrap());
    assert_eq!(decimal(&s["change_criteria"]), "1.17".parse().unwrap());
    assert_eq!(decimal(&s["change_indicators"]), "1.16".parse().unwrap());
    assert_eq!(s["below"], 0);
    assert_eq!(s["year_start"]["below"], 2);
    let advanced = summary(&all, "QN-NTMNC-2018-2020");
    let hoanh_mo = &advanced["per_commune"][0];
    assert_eq!(hoanh_mo["commune"], "06841");
    assert_eq!(hoanh_mo["criteria_met"], 2);
    assert_eq!(hoanh_mo["criteria_total"], 8);
    assert_eq!(hoanh_mo["indicators_met"], 15);
    assert_eq!(hoanh_mo["indicators_total"], 27);

    // The sentence the report prints, and what each commune lacks.
    let text = ok(
        db,
        &["ntm", "--unit", "198", "--date", "2020-06-15", "--lacking"],
    );
    assert!(
        text.contains("Bình quân đạt 17,5/20 tiêu chí và 46,33/53 chỉ tiêu/xã, tăng 1,17 tiêu chí và 1,16 chỉ tiêu so với đầu năm; không còn xã dưới 15 tiêu chí."),
        "{text}"
    );
    assert!(
        text.contains("Xã Hoành Mô đạt 2/8 tiêu chí và 15/27 chỉ tiêu nông thôn mới nâng cao."),
        "{text}"
    );
    // Vô Ngại misses the income criterion under the mountain region's threshold.
    assert!(text.contains("10.1 Thu nhập bình quân đầu người"), "{text}");
    assert!(text.contains("required ≥ 36"), "{text}");

    // At the start of the year two communes were still below 15 criteria.
    let start = json(
        db,
        &[
            "ntm",
            "--unit",
            "198",
            "--date",
            "2020-01-01",
            "--set",
            "QN-NTM-2016-2020",
            "--format",
            "json",
        ],
    );
    assert_eq!(start[0]["below"], 2);
    assert_eq!(
        decimal(&start[0]["average_criteria"]),
        "16.33".parse().unwrap()
    );
});

const MADE_UP_SET: &str = "\
set,set_name,level,group,criterion,criterion_name,indicator,indicator_name,region,operator,threshold
TX-2022,Bộ tiêu chí thử của tỉnh X,chuan,Hạ tầng,A,Đường,A1,Tỷ lệ đường được cứng hóa (%),,>=,80
TX-2022,Bộ tiêu chí thử của tỉnh X,chuan,Hạ tầng,A,Đường,A1,Tỷ lệ đường được cứng hóa (%),vung_cao,>=,60
TX-2022,Bộ tiêu chí thử của tỉnh X,chuan,Hạ tầng,A,Đường,A2,Có bến xe khách,,dat,
TX-2022,Bộ tiêu chí thử của tỉnh X,chuan,Kinh tế,B,Hộ nghèo,B1,Tỷ lệ hộ nghèo (%),,<=,4
";

on_both_backends!(a_made_up_provincial_set_is_imported_and_used, |db, dir| {
    ok(db, &["demo", "--no-serve"]);
    let set = dir.join("set.csv");
    let communes = dir.join("communes.csv");
    let assessed = dir.join("assessed.csv");
    fs::write(&set, MADE_UP_SET).unwrap();
    fs::write(
        &communes,
        "set,commune,region,target_year\nTX-2022,06847,vung_cao,2023\nTX-2022,06853,,2024\n",
    )
    .unwrap();
    // 65 passes the highland threshold (60) but not the default (80).
    fs::write(
        &assessed,
        "set;commune;date;indicator;value;evidence;assessed_by\n\
         TX-2022;06847;01/03/2022;A1;65,5;Biên bản;Sở Xây dựng\n\
         TX-2022;06847;01/03/2022;A2;đạt;;\n\
         TX-2022;06847;01/03/2022;B1;3,2;;\n\
         TX-2022;06853;01/03/2022;A1;65,5;;\n\
         TX-2022;06853;01/03/2022;A2;không đạt;;\n\
         TX-2022;06853;01/03/2022;B1;4,5;;\n",
    )
    .unwrap();

    // A wrong indicator code refuses the whole import, located.
    let bad = dir.join("bad.csv");
    fs::write(
        &bad,
        "set,commune,date,indicator,value,evidence,assessed_by\nTX-2022,06847,2022-03-01,A9,1,,\n",
    )
    .unwrap();
    let args = paths(&[set.clone(), communes.clone(), bad]);
    let mut argv = vec!["import"];
    argv.extend(args.iter().map(String::as_str));
    let out = solieu(db, &argv);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv, line 2"), "{err}");
    assert!(
        err.contains("criteria set TX-2022 has no indicator A9"),
        "{err}"
    );
    let none = json(
        db,
        &[
            "ntm",
            "--unit",
            "198",
            "--date",
            "2022-06-01",
            "--format",
            "json",
        ],
    );
    assert!(
        none.as_array()
            .unwrap()
            .iter()
            .all(|s| s["set"] != "TX-2022"),
        "nothing of a refused import is stored: {none}"
    );

    let args = paths(&[set, communes, assessed]);
    let mut argv = vec!["import"];
    argv.extend(args.iter().map(String::as_str));
    let printed = ok(db, &argv);
    assert!(printed.contains("NTM criteria sets added: 1"), "{printed}");
    let all = json(
        db,
        &[
            "ntm",
            "--unit",
            "198",
            "--date",
            "2022-06-01",
            "--set",
            "TX-2022",
            "--format",
            "json",
        ],
    );
    let s = &all[0];
    assert_eq!(s["communes"], 2);
    assert_eq!(s["criteria_total"], 2);
    assert_eq!(s["indicators_total"], 3);
    let by_code = |code: &str| {
        s["per_commune"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["commune"] == code)
            .unwrap()
            .clone()
    };
    // Đồng Văn (highland) meets the set; Vô Ngại (default region) meets neither criterion.
    assert_eq!(by_code("06847")["meets_set"], true);
    assert_eq!(by_code("06853")["criteria_met"], 0);
    assert_eq!(by_code("06853")["indicators_met"], 0);
    assert_eq!(decimal(&s["average_criteria"]), Decimal::ONE);

    // A stored set is not edited: a changed definition under the same code is refused.
    let changed = dir.join("changed.csv");
    fs::write(&changed, MADE_UP_SET.replace(">=,80", ">=,75")).unwrap();
    let out = solieu(db, &["import", &changed.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give the new version a new code"));
});

on_both_backends!(demo_ocop_registry_and_stars, |db, dir| {
    ok(db, &["demo", "--no-serve"]);
    let s = json(
        db,
        &[
            "ocop",
            "--unit",
            "198",
            "--date",
            "2020-06-15",
            "--format",
            "json",
        ],
    );
    assert_eq!(s["products"], 28);
    let new: Vec<(&str, &str)> = s["new_this_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["producer"].as_str().unwrap()))
        .collect();
    assert_eq!(
        new,
        [
            ("Miến dong Bình Liêu", "Cơ sở Trần Đức Nghiệp"),
            ("Lan vũ nữ cắt bông (màu vàng)", "HTX Hoa Bình Liêu")
        ]
    );
    // Stars come from the score under the year's rules; a re-evaluation replaces the rating.
    let line = |code: &str| {
        s["registry"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(line("BL01")["stars"], 4);
    assert_eq!(line("BL01")["first_year"], 2017);
    assert_eq!(line("BL26")["stars"], 2);
    assert_eq!(line("BL26")["validity"], "none");
    let ending: Vec<&str> = s["expiring"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(ending, ["BL02", "BL04", "BL06", "BL07"]);
    let text = ok(db, &["ocop", "--unit", "198", "--date", "2020-06-15"]);
    assert!(
        text.contains("28 sản phẩm tham gia Chương trình OCOP, thêm 2 sản phẩm mới năm 2020"),
        "{text}"
    );

    // Stars written against the score of the year's rules are refused, located.
    let wrong = dir.join("ocop.csv");
    fs::write(
        &wrong,
        "product,name,producer,producer_type,commune,group,year,score,stars,certified_on,certificate\n\
         X1,Chè,HTX Chè,htx,06847,do_uong,2023,49,2,,\n",
    )
    .unwrap();
    let out = solieu(db, &["import", &wrong.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ocop.csv, line 2, column stars"), "{err}");
    assert!(err.contains("a score of 49 gives no rating"), "{err}");
});

on_both_backends!(demo_projects_and_funds_are_the_seeds, |db, _dir| {
    ok(db, &["demo", "--no-serve"]);
    let s = json(
        db,
        &[
            "projects", "--unit", "198", "--year", "2020", "--format", "json",
        ],
    );
    let fund = |code: &str| {
        s["funds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["fund"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(fund("P135")["approved"], 9);
    let ntm = fund("NTM");
    assert_eq!(decimal(&ntm["support"]), Decimal::from(2200));
    assert_eq!(decimal(&ntm["percent_of_plan"]), "61.1".parse().unwrap());
    let per_commune: Vec<(String, u64, u64)> = ntm["by_commune"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["commune"].as_str().unwrap().to_string(),
                c["projects"].as_u64().unwrap(),
                c["carried_over"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("06838", 1, 0),
        ("06841", 1, 0),
        ("06844", 2, 0),
        ("06847", 3, 0),
        ("06853", 2, 0),
        ("06856", 11, 1),
    ];
    assert_eq!(
        per_commune,
        expected.map(|(c, n, k)| (c.to_string(), n, k)).to_vec()
    );
    let text = ok(db, &["projects", "--unit", "198", "--year", "2020"]);
    assert!(text.contains("9 dự án được phê duyệt"), "{text}");
    assert!(text.contains("2.200 triệu đồng, đạt 61,1% KH"), "{text}");
});

on_both_backends!(
    an_overdue_task_shows_for_its_agency_and_completion_is_kept,
    |db, _dir| {
        ok(db, &["demo", "--no-serve"]);
        let s = json(db, &["tasks", "--date", "2020-06-15", "--format", "json"]);
        assert_eq!(s["overdue"], 1);
        let late: Vec<(&str, &str)> = s["by_agency"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["overdue"].as_array().unwrap())
            .map(|t| (t["agency"].as_str().unwrap(), t["code"].as_str().unwrap()))
            .collect();
        assert_eq!(late, [("Phòng Tài nguyên và Môi trường", "KL650-01")]);

        let done = ok(
            db,
            &[
                "tasks",
                "done",
                "KL650-01",
                "--note",
                "Đã cấp 35 giấy chứng nhận",
                "--date",
                "2020-06-20",
            ],
        );
        assert!(done.contains("KL650-01"), "{done}");
        let after = json(db, &["tasks", "--date", "2020-06-25", "--format", "json"]);
        assert_eq!(after["overdue"], 0);
        let line = after["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == "KL650-01")
            .unwrap()
            .clone();
        assert_eq!(line["standing"], "done_late");
        assert_eq!(line["days_late"], 10);
        let history = ok(db, &["tasks", "history", "KL650-01"]);
        assert!(history.contains("Đã cấp 35 giấy chứng nhận"), "{history}");
        assert!(history.contains("test-officer"), "{history}");
        assert!(history.contains("solieu tasks done"), "{history}");
        assert!(
            history.contains("demo/programs/tasks-650-KL-HU.csv"),
            "{history}"
        );
        // Importing the conclusion's file again does not quietly reopen the finished task.
        let out = solieu(
            db,
            &[
                "import",
                &repo()
                    .join("demo/programs/tasks-650-KL-HU.csv")
                    .display()
                    .to_string(),
            ],
        );
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("line 2"), "{err}");
        assert!(
            err.contains("task KL650-01 is recorded as done on 20/06/2020"),
            "{err}"
        );

        let register = ok(db, &["tasks", "documents"]);
        assert!(
            register.contains("Kế hoạch số 256/KH-UBND ngày 15/01/2020"),
            "{register}"
        );
        assert!(
            register.contains("Văn bản số 1354/UBND ngày 04/05/2020"),
            "{register}"
        );
        let missing = solieu(db, &["tasks", "done", "KL650-99"]);
        assert!(!missing.status.success());
    }
);

on_both_backends!(registers_export_and_import_back_unchanged, |db, dir| {
    ok(db, &["demo", "--no-serve"]);
    let core = dir.join("core");
    let registers = dir.join("programs");
    ok(db, &["export", "--out", &core.display().to_string()]);
    ok(
        db,
        &[
            "export",
            "--programs",
            "--out",
            &registers.display().to_string(),
        ],
    );
    let files = |d: &std::path::Path| -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = fs::read_dir(d)
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        v.sort();
        v
    };
    // The workbook for people: a sheet per register.
    let workbook = fs::read(registers.join("programs.xlsx")).unwrap();
    assert!(workbook.starts_with(b"PK"), "an XLSX is a zip file");

    // Back into the same database: nothing changes.
    let same = paths(&files(&registers));
    let mut argv = vec!["import"];
    argv.extend(same.iter().map(String::as_str));
    let again = ok(db, &argv);
    assert!(again.contains("program records unchanged"), "{again}");
    assert!(!again.contains("assessments"), "{again}");

    // Into a new database: the same figures.
    let copy = dir.join("copy.db").display().to_string();
    let all = paths(&[files(&core), files(&registers)].concat());
    let mut argv = vec!["import"];
    argv.extend(all.iter().map(String::as_str));
    ok(&copy, &["init"]);
    ok(&copy, &argv);
    for args in [
        vec![
            "ntm",
            "--unit",
            "198",
            "--date",
            "2020-06-15",
            "--format",
            "json",
        ],
        vec![
            "ocop",
            "--unit",
            "198",
            "--date",
            "2020-06-15",
            "--format",
            "json",
        ],
        vec![
            "projects", "--unit", "198", "--year", "2020", "--format", "json",
        ],
        vec!["tasks", "--date", "2020-06-15", "--format", "json"],
    ] {
        assert_eq!(json(db, &args), json(&copy, &args), "{args:?}");
    }
});
