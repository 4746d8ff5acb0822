//! `solieu report` on the demo: the 6-month 2020 report for Bình Liêu says every figure of
//! `../shared/domain/seed-figures.md`, phrased as the article phrases it; the template is read
//! at run time; the JSON traces every printed figure to stored values.

mod common;

use common::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use solieu_core::number::{DecimalConvention, parse};

fn demo() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    ok(&db, &["demo", "--no-serve"]);
    (dir, db)
}

fn demo_settings() -> String {
    repo()
        .join("demo/report-settings.json")
        .display()
        .to_string()
}

fn seed() -> String {
    let path = repo().join("../shared/domain/seed-figures.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The seed table's numbered rows, cells trimmed.
fn seed_rows(seed: &str) -> Vec<Vec<String>> {
    seed.lines()
        .filter(|l| {
            l.starts_with("| ")
                && l.split('|')
                    .nth(1)
                    .is_some_and(|c| c.trim().parse::<u32>().is_ok())
        })
        .map(|l| l.split('|').skip(1).map(|c| c.trim().to_string()).collect())
        .collect()
}

/// The first number in `text` written the Vietnamese way, with its decimals.
fn first_number(text: &str) -> Option<(Decimal, u32)> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let number: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .collect();
    let number = number.trim_end_matches(['.', ',']);
    let decimals = number.split_once(',').map_or(0, |(_, f)| f.len() as u32);
    Some((parse(number, DecimalConvention::Comma).ok()?, decimals))
}

fn round(v: Decimal, decimals: u32) -> Decimal {
    v.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// The clause of the report that starts where `phrase` is said: up to the next ";" or the end
/// of the sentence (a "." not inside a number).
fn clause<'a>(text: &'a str, phrase: &str) -> &'a str {
    let at = text
        .find(phrase)
        .unwrap_or_else(|| panic!("the report never says {phrase:?}"));
    let rest = &text[at..];
    let bytes = rest.as_bytes();
    let end = (0..bytes.len())
        .find(|&i| {
            bytes[i] == b';'
                || (bytes[i] == b'.' && !bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit()))
        })
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The percentage printed just before `after` in `clause` ("bằng 39,89% kế hoạch").
fn percent_before(clause: &str, after: &str) -> Option<(Decimal, u32)> {
    let at = clause.find(after)?;
    let head = &clause[..at];
    let start = head.rfind(|c: char| !(c.is_ascii_digit() || c == ',' || c == '%' || c == ' '))?;
    first_number(&head[start..])
}

#[test]
fn the_demo_report_says_every_seed_figure() {
    let (dir, db) = demo();
    let out = dir.path().join("bao-cao.md");
    let out_s = out.display().to_string();
    // The demo's settings print the production values' percentages to two decimals, as the
    // article does, and every other percentage to one.
    let settings = demo_settings();
    ok(
        &db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--settings",
            &settings,
            "--out",
            &out_s,
        ],
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let seed = seed();
    let rows = seed_rows(&seed);
    assert_eq!(rows.len(), 14, "the seed table changed shape");
    let mut checked = 0;
    for row in &rows {
        let n = &row[0];
        let printed = &row[2];
        // The value with its unit, as printed ("643,41 tỷ đồng"); "> 98%" is a bound.
        let phrase = if let Some(bound) = printed.strip_prefix("> ") {
            let (b, _) = first_number(bound).unwrap();
            let at = text.find("trở lại trường").expect("the return to school");
            let c = clause(&text, &text[at..at + "trở lại trường".len()]);
            let (v, _) = first_number(c).unwrap();
            assert!(v > b, "row {n}: {v} not above {b}: {c}");
            assert!(c.contains(&format!("trên {bound}")), "row {n}: {c}");
            checked += 1;
            continue;
        } else {
            let mut words = printed.split_whitespace();
            let number = words.next().unwrap();
            let unit: Vec<&str> = words
                .take_while(|w| !w.starts_with('(') && *w != "=" && *w != "to")
                .collect();
            format!("{number} {}", unit.join(" "))
        };
        let c = clause(&text, &phrase);
        assert!(
            c.starts_with(&phrase) && (n != "6" || text.contains(&format!("ước đạt {phrase}"))),
            "row {n}: {c}"
        );
        checked += 1;
        // The percentage of the plan, to the article's rounding; "trên 50%" as said.
        let plan = &row[3];
        if plan != "—" {
            if plan.contains("trên") {
                assert!(c.contains(plan.trim_matches('"')), "row {n}: {c}");
            } else {
                let (expected, decimals) = first_number(plan).unwrap();
                let (said, _) = percent_before(c, "% kế hoạch")
                    .unwrap_or_else(|| panic!("row {n}: no % of plan in {c}"));
                assert_eq!(round(said, decimals), expected, "row {n}: {c}");
            }
            checked += 1;
        }
        // Against the same period: "tăng 11,2% so với cùng kỳ", or a ratio "bằng 66,2% so với
        // cùng kỳ" where the article gives one.
        let previous = &row[4];
        if previous != "—" {
            let (expected, decimals) = first_number(previous).unwrap();
            let (said, _) = percent_before(c, "% so với cùng kỳ")
                .unwrap_or_else(|| panic!("row {n}: no comparison in {c}"));
            let word = if previous.contains("a ratio") {
                "bằng "
            } else {
                "tăng "
            };
            assert!(
                c.contains(&format!(
                    "{word}{}",
                    solieu_core::format::number_vi(said, 4)
                )),
                "row {n}: {c}"
            );
            assert_eq!(round(said, decimals), expected, "row {n}: {c}");
            checked += 1;
            if let Some(at) = previous.find("growth was") {
                let (growth, _) = first_number(&previous[at..]).unwrap();
                let said = format!(
                    "cùng kỳ năm 2019 tăng {}%",
                    solieu_core::format::number_vi(growth, 2)
                );
                assert!(c.contains(&said), "row {n}: {c}");
                checked += 1;
            }
        }
        // "70.123 lượt = 11.024 district centre + 59.099 communes": the parts are said too.
        if printed.contains('=') {
            for part in printed.split(['=', '+']).skip(1) {
                let number = part.split_whitespace().next().unwrap();
                assert!(c.contains(&format!("{number} lượt")), "row {n}: {c}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 14 + 9 + 8 + 1 + 2);
}

#[test]
fn program_sections_say_what_the_demo_registers_give() {
    let (dir, db) = demo();
    // "District average: 17,5/20 criteria and 46,33/53 indicators per commune … no commune
    // below 15 criteria."
    let seed = seed();
    let line = seed
        .lines()
        .find(|l| l.contains("District average"))
        .unwrap();
    let numbers: Vec<&str> = line
        .split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '/'))
        .filter(|w| w.contains('/'))
        .collect();
    let (criteria, criteria_total) = numbers[0].split_once('/').unwrap();
    let (indicators, indicators_total) = numbers[1].split_once('/').unwrap();
    let report = ["report", "--unit", "198", "--period", "2020S1"];
    let text = ok(&db, &report);
    // Computed from the demo's assessments, products, projects and tasks as of 15/06/2020.
    for expected in [
        format!("{criteria}/{criteria_total} tiêu chí"),
        format!("{indicators}/{indicators_total} chỉ tiêu"),
        "không còn xã dưới 15 tiêu chí".to_string(),
        "Xã Hoành Mô đạt 2/8 tiêu chí và 15/27 chỉ tiêu nông thôn mới nâng cao".to_string(),
        "28 sản phẩm tham gia Chương trình OCOP, trong đó 2 sản phẩm mới năm 2020".to_string(),
        "“Miến dong Bình Liêu” (Cơ sở Trần Đức Nghiệp)".to_string(),
        "Vốn Chương trình 135: 9 dự án được phê duyệt".to_string(),
        "kinh phí hỗ trợ 2.200 triệu đồng, đạt 61,1% KH".to_string(),
        "quá hạn (Phòng Tài nguyên và Môi trường)".to_string(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }
    // Villages, model gardens and model households are counts with the year's targets of the
    // seed ("at least 19 villages …; 149 model gardens and 301 model households"), reported
    // against them in the NTM section.
    let targets = seed.lines().find(|l| l.contains("model gardens")).unwrap();
    let numbers: Vec<&str> = targets
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() >= 2 && !w.starts_with("20"))
        .collect();
    let ntm = &text[text.find("Xây dựng nông thôn mới").unwrap()..text.find("(OCOP)").unwrap()];
    for (code, target) in [
        ("THON_NTM", numbers[0]),
        ("VUON_MAU", numbers[1]),
        ("HO_MAU", numbers[2]),
    ] {
        let plan = ok(
            &db,
            &[
                "values",
                "--unit",
                "198",
                "--indicator",
                code,
                "--series",
                "plan:hdnd-huyen",
                "--period",
                "2020",
                "--format",
                "csv",
            ],
        );
        assert!(plan.contains(&format!(",{target},")), "{code}: {plan}");
        let name = match code {
            "THON_NTM" => "Số thôn đạt chuẩn nông thôn mới ước đạt",
            "VUON_MAU" => "Số vườn mẫu ước đạt",
            _ => "Số hộ gia đình kiểu mẫu ước đạt",
        };
        assert!(
            ntm.contains(name) && ntm.contains("kế hoạch HĐND huyện giao"),
            "{ntm}"
        );
    }
    // A summary file replaces what the registers give.
    let dec = |s: &str| parse(s, DecimalConvention::Comma).unwrap().to_string();
    let programs = dir.path().join("programs.json");
    std::fs::write(
        &programs,
        format!(
            r#"{{"ntm": {{"average_criteria": 18.5, "criteria_total": {criteria_total}, "average_indicators": {}, "indicators_total": {indicators_total}, "below_15": 0}}}}"#,
            dec(indicators),
        ),
    )
    .unwrap();
    let given = ok(
        &db,
        &[
            &report[..],
            &["--programs", &programs.display().to_string()],
        ]
        .concat(),
    );
    assert!(
        given.contains(&format!("18,5/{criteria_total} tiêu chí")),
        "{given}"
    );
    assert!(!given.contains("OCOP"), "{given}");
    // A unit with no program records has no program section: xã Bình Liêu after the reform.
    let after = ok(&db, &["report", "--unit", "06838", "--period", "2026S1"]);
    assert!(
        !after.contains("nông thôn mới") && !after.contains("OCOP"),
        "{after}"
    );
}

#[test]
fn an_edited_template_changes_the_report_without_a_rebuild() {
    let (dir, db) = demo();
    let args = ["report", "--unit", "198", "--period", "2020S1"];
    let template = ok(&db, &[&args[..], &["--show-template"]].concat());
    let before = ok(&db, &args);
    assert!(before.contains("b) Giáo dục và đào tạo"));
    assert!(before.contains("Tổng giá trị sản xuất (giá so sánh 2010)"));
    // A sentence reworded, a section removed.
    let start = template.find("### b) Giáo dục").unwrap();
    let end = template.find("### c) Văn hóa").unwrap();
    let edited = format!("{}{}", &template[..start], &template[end..]).replace(
        "Tổng giá trị sản xuất (giá so sánh 2010)",
        "Giá trị sản xuất toàn huyện theo giá so sánh",
    );
    let path = dir.path().join("mau.md.j2");
    std::fs::write(&path, edited).unwrap();
    let after = ok(
        &db,
        &[&args[..], &["--template", &path.display().to_string()]].concat(),
    );
    assert!(!after.contains("Giáo dục và đào tạo"));
    assert!(!after.contains("Sau thời gian tạm nghỉ học"));
    assert!(after.contains(
        "Giá trị sản xuất toàn huyện theo giá so sánh 6 tháng đầu năm 2020 **ước đạt 643,41 tỷ đồng"
    ));
    // A template with an error names its file and line.
    std::fs::write(&path, "dòng một\n{% if %}\n").unwrap();
    let bad = solieu(
        &db,
        &[&args[..], &["--template", &path.display().to_string()]].concat(),
    );
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("mau.md.j2") && err.contains("line 2"), "{err}");
}

#[test]
fn the_json_report_traces_every_printed_figure() {
    let (dir, db) = demo();
    let out = dir.path().join("r.json");
    ok(
        &db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--out",
            &out.display().to_string(),
        ],
    );
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let figures = json["figures"].as_array().unwrap();
    let gtsx = figures
        .iter()
        .find(|f| f["figure"]["indicator"] == "GTSX" && f["figure"]["unit"] == "198")
        .expect("the headline figure is recorded");
    // A derived figure: its three components, each a stored value with who entered it.
    let sources = gtsx["figure"]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 3);
    for s in sources {
        assert!(s["value_id"].as_i64().unwrap() > 0);
        assert_eq!(s["status"], "estimate");
        assert_eq!(s["entered_by"], "demo");
    }
    // Commune figures the report printed are there too (the health stations' table).
    assert!(figures.iter().any(|f| f["figure"]["unit"] == "06841"));
    // Every printed number of the body appears in some recorded figure.
    let body = json["document"]["blocks"].to_string();
    assert!(body.contains("643,41 tỷ đồng"));
}

/// The parts of a DOCX (or XLSX) file by name.
fn unzip(path: &std::path::Path) -> std::collections::HashMap<String, String> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = std::collections::HashMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut text = String::new();
        if f.read_to_string(&mut text).is_ok() {
            parts.insert(f.name().unwrap().to_string(), text);
        }
    }
    parts
}

/// Twips in the `attr` attribute of the first `element` of `xml`.
fn twips(xml: &str, element: &str, attr: &str) -> u32 {
    let at = xml.find(&format!("<{element} ")).unwrap();
    let rest = &xml[at..];
    let a = rest.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
    rest[a..].split('"').next().unwrap().parse().unwrap()
}

#[test]
fn the_docx_has_the_decree_30_layout() {
    let (dir, db) = demo();
    let out = dir.path().join("bc.docx");
    ok(
        &db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--out",
            &out.display().to_string(),
        ],
    );
    let parts = unzip(&out);
    let doc = &parts["word/document.xml"];
    // A4 portrait.
    assert_eq!(twips(doc, "w:pgSz", "w:w"), 11906);
    assert_eq!(twips(doc, "w:pgSz", "w:h"), 16838);
    // Margins: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm (56,7 twips a mm).
    let mm = |t: u32| f64::from(t) / 56.692;
    let within = |t: u32, lo: f64, hi: f64| (lo - 0.05..=hi + 0.05).contains(&mm(t));
    assert!(within(twips(doc, "w:pgMar", "w:top"), 20.0, 25.0));
    assert!(within(twips(doc, "w:pgMar", "w:bottom"), 20.0, 25.0));
    assert!(within(twips(doc, "w:pgMar", "w:left"), 30.0, 35.0));
    assert!(within(twips(doc, "w:pgMar", "w:right"), 15.0, 20.0));
    // The header: a borderless table of two columns, issuing body and number on the left,
    // national title, motto and the italic place-date line on the right.
    let first_table = &doc[doc.find("<w:tbl>").unwrap()..doc.find("</w:tbl>").unwrap()];
    assert!(first_table.contains("<w:top w:val=\"nil\"/>"));
    assert_eq!(first_table.matches("<w:tc>").count(), 2);
    let left = &first_table[..first_table.find("CỘNG HÒA").unwrap()];
    assert!(left.contains("ỦY BAN NHÂN DÂN") && left.contains("HUYỆN BÌNH LIÊU"));
    assert!(left.contains("Số: …/BC-UBND"));
    assert!(first_table.contains(
        "<w:b/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr><w:t xml:space=\"preserve\">HUYỆN BÌNH LIÊU"
    ));
    assert!(first_table.contains("Độc lập - Tự do - Hạnh phúc"));
    assert!(first_table.contains("<w:i/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr><w:t xml:space=\"preserve\">Bình Liêu, ngày 15 tháng 6 năm 2020"));
    // Two short rules (bottom borders), one under each side's title.
    assert_eq!(
        first_table
            .matches("<w:pBdr><w:bottom w:val=\"single\"")
            .count(),
        2
    );
    // Title and body: justified with a first-line indent of 1,27 cm.
    assert!(doc.contains("BÁO CÁO"));
    assert!(doc.contains("<w:ind w:firstLine=\"720\"/><w:jc w:val=\"both\"/>"));
    // Page numbers at the top from page 2: a different first page with an empty header.
    assert!(doc.contains("<w:titlePg/>"));
    assert!(doc.contains("w:type=\"first\" r:id=\"rIdFirstHeader\""));
    assert!(parts["word/header1.xml"].contains(" PAGE "));
    assert!(parts["word/header1.xml"].contains("<w:jc w:val=\"center\"/>"));
    assert!(!parts["word/header2.xml"].contains("PAGE"));
    // Times New Roman, 14 pt.
    assert!(parts["word/styles.xml"].contains("w:ascii=\"Times New Roman\""));
    assert!(parts["word/styles.xml"].contains("<w:sz w:val=\"28\"/>"));
    // Signature block and "Nơi nhận".
    assert!(doc.contains("Nơi nhận:") && doc.contains("TM. ỦY BAN NHÂN DÂN"));
}

/// The district report as the office issues it: its settings, number and date.
fn issued(dir: &std::path::Path, db: &str, out: &str) {
    ok(
        db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--settings",
            &demo_settings(),
            "--number",
            "215/BC-UBND",
            "--date",
            "2020-06-16",
            "--out",
            &dir.join(out).display().to_string(),
        ],
    );
}

#[test]
fn the_issued_report_is_signed_and_cites_the_documents_it_follows() {
    let (dir, db) = demo();
    issued(dir.path(), &db, "bc.docx");
    let doc = &unzip(&dir.path().join("bc.docx"))["word/document.xml"];
    let header = &doc[..doc.find("</w:tbl>").unwrap()];
    // Decree 30, Annex I: both lines of the issuing body bold.
    for line in ["ỦY BAN NHÂN DÂN", "HUYỆN BÌNH LIÊU"] {
        assert!(
            header.contains(&format!(
                "<w:b/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr><w:t xml:space=\"preserve\">{line}</w:t>"
            )),
            "{line} is not bold"
        );
    }
    assert!(header.contains("Số: 215/BC-UBND"));
    assert!(header.contains("Bình Liêu, ngày 16 tháng 6 năm 2020"));
    // The last paragraph keeps the signature block company on its page.
    let before = &doc[..doc.rfind("TM. ỦY BAN NHÂN DÂN").unwrap()];
    let last_text = before.rfind("bảo đảm quốc phòng").unwrap();
    let last_paragraph = &before[before[..last_text].rfind("<w:p>").unwrap()..last_text];
    assert!(last_paragraph.contains("<w:keepNext/>"), "{last_paragraph}");
    // The chairwoman's name, bold, under "CHỦ TỊCH".
    let sign = &doc[doc.rfind("CHỦ TỊCH").unwrap()..];
    assert!(
        sign.contains("<w:b/></w:rPr><w:t xml:space=\"preserve\">Nguyễn Thị Tuyết Hạnh</w:t>"),
        "{sign}"
    );
    // The tasks ahead name the documents they come from, as the register holds them.
    let md = dir.path().join("bc.md");
    issued(dir.path(), &db, "bc.md");
    let text = std::fs::read_to_string(md).unwrap();
    let ahead = &text[text.find("NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM").unwrap()..];
    for citation in [
        "Kế hoạch số 256/KH-UBND ngày 15/01/2020 của UBND huyện Bình Liêu",
        "Kết luận số 650-KL/HU ngày 26/5/2020 của Huyện ủy Bình Liêu",
    ] {
        assert!(ahead.contains(citation), "{citation}: {ahead}");
    }
}

/// The `value` of every `attr="…"` of `element`s in `xml`.
fn attrs(xml: &str, element: &str, attr: &str) -> Vec<u64> {
    xml.split(&format!("<{element} "))
        .skip(1)
        .filter_map(|rest| {
            let a = rest.find(&format!("{attr}=\""))? + attr.len() + 2;
            rest[a..].split('"').next()?.parse().ok()
        })
        .collect()
}

#[test]
fn tables_repeat_their_header_and_charts_fit_with_whole_labels() {
    let (dir, db) = demo();
    issued(dir.path(), &db, "bc.docx");
    let doc = &unzip(&dir.path().join("bc.docx"))["word/document.xml"];
    // Every bordered table (the appendix's) marks its first row as a header to repeat.
    let tables: Vec<&str> = doc.split("<w:tbl>").skip(1).collect();
    let bordered: Vec<&&str> = tables
        .iter()
        .filter(|t| t.contains("<w:top w:val=\"single\""))
        .collect();
    assert!(bordered.len() >= 2);
    for t in bordered {
        let rows: Vec<&str> = t.split("<w:tr>").skip(1).collect();
        assert!(rows[0].contains("<w:tblHeader/>"), "{}", rows[0]);
        assert!(rows[1..].iter().all(|r| !r.contains("<w:tblHeader/>")));
    }
    // A chart is at most a third of the text's height: pushed to the next page, it leaves
    // no more than that blank.
    let text_height = (16838_u64 - 1134 - 1134) * 635;
    let heights = attrs(doc, "wp:extent", "cy");
    assert_eq!(heights.len(), 3, "three charts drawn");
    for h in heights {
        assert!(h * 3 <= text_height, "{h} EMU of {text_height}");
    }
    // Labels wrap at words rather than being cut, and a negative value stands at its bar's
    // left end, on the negative side of the axis.
    issued(dir.path(), &db, "bc.html");
    let html = std::fs::read_to_string(dir.path().join("bc.html")).unwrap();
    let svg = &html[html.find("<svg").unwrap()..html.rfind("</svg>").unwrap()];
    assert!(!svg.contains('…'), "a label cut");
    assert!(svg.contains(">Giá trị sản xuất nông, lâm nghiệp và</tspan>"));
    assert!(svg.contains(">thủy sản</tspan>"));
    let change = &svg[svg.find("Tăng, giảm so với cùng kỳ").unwrap()..];
    let axis: f64 = change
        .split("<line x1=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|x| x.parse().ok())
        .unwrap();
    let tourists = change
        .split("<text x=\"")
        .find(|t| t.contains(">-85,2%<"))
        .expect("the fall in tourists is written");
    let x: f64 = tourists.split('"').next().unwrap().parse().unwrap();
    assert!(
        x < axis && tourists.contains("text-anchor=\"end\""),
        "{tourists}"
    );
}

#[test]
fn percentages_print_as_the_office_sets_them() {
    let (dir, db) = demo();
    let out = dir.path().join("bc.json");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "report".to_string(),
            "--unit".into(),
            "198".into(),
            "--period".into(),
            "2020S1".into(),
            "--out".into(),
            out.display().to_string(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |extra: &[&str]| -> Value {
        let a = args(extra);
        ok(&db, &a.iter().map(String::as_str).collect::<Vec<_>>());
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap()
    };
    let text = |report: &Value| -> String {
        report["document"]["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|b| b["runs"].as_array())
            .flat_map(|runs| runs.iter().filter_map(|r| r["text"].as_str()))
            .collect::<Vec<_>>()
            .join("")
    };
    // By default one decimal, as reports print them; the services share in points.
    let report = run(&[]);
    let said = text(&report);
    for phrase in [
        "bằng 39,9% kế hoạch HĐND huyện giao",
        "chỉ bằng 66,2% so với cùng kỳ",
        "tăng 11,1% so với cùng kỳ",
        "dịch vụ chiếm 60,9% giá trị sản xuất, giảm 0,1 điểm phần trăm so với cùng kỳ",
    ] {
        assert!(said.contains(phrase), "{phrase}: {said}");
    }
    assert!(!said.contains("39,89%") && !said.contains("99,87%"));
    // One number of decimals within each chart; the share is not among the changes.
    for chart in report["document"]["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == "chart")
    {
        let bars = chart["bars"].as_array().unwrap();
        assert!(bars.iter().all(|b| b["decimals"] == bars[0]["decimals"]));
        assert!(
            bars.iter()
                .all(|b| !b["label"].as_str().unwrap().starts_with("Tỷ trọng"))
        );
    }
    // The office's own policy: two decimals in general, none for tourists.
    let settings = dir.path().join("in-an.json");
    std::fs::write(
        &settings,
        r#"{"printing": {"percent_decimals": 2, "indicators": {"KHACH_DL": {"percent_decimals": 0}}}}"#,
    )
    .unwrap();
    let said = text(&run(&["--settings", &settings.display().to_string()]));
    assert!(
        said.contains("bằng 39,89% kế hoạch HĐND huyện giao"),
        "{said}"
    );
    assert!(
        said.contains("6.668 lượt, bằng 8% kế hoạch HĐND huyện giao, chỉ bằng 15% so với cùng kỳ"),
        "{said}"
    );
    // A mistyped setting is refused, named.
    std::fs::write(&settings, r#"{"printing": {"decimals": 2}}"#).unwrap();
    let a = args(&["--settings", &settings.display().to_string()]);
    let out = solieu(&db, &a.iter().map(String::as_str).collect::<Vec<_>>());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("in-an.json") && err.contains("decimals"),
        "{err}"
    );
}

#[test]
fn the_xlsx_keeps_numbers_as_numbers_and_opens_with_a_header_block() {
    let (dir, db) = demo();
    let out = dir.path().join("bieu.xlsx");
    ok(
        &db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--out",
            &out.display().to_string(),
        ],
    );
    let parts = unzip(&out);
    let sheet = &parts["xl/worksheets/sheet1.xml"];
    let strings = &parts["xl/sharedStrings.xml"];
    assert!(strings.contains("Giá trị sản xuất"));
    // 643,41 is a number cell, not text; 39,9% is stored as a fraction.
    assert!(sheet.contains("<v>643.41</v>"), "{sheet}");
    assert!(!strings.contains("643,41"));
    assert!(sheet.contains("<v>0.399</v>"));
    // Formats tagged Vietnamese: the reader's locale does not change the separators.
    let styles = &parts["xl/styles.xml"];
    assert!(
        styles.contains("formatCode=\"[$-42A]#,##0.00\""),
        "{styles}"
    );
    assert!(styles.contains("formatCode=\"[$-42A]0.0%\""), "{styles}");
    assert!(!styles.contains("formatCode=\"#,##0"));
    // The header block: issuing body, the table's title across the table, unit and period.
    for said in [
        "ỦY BAN NHÂN DÂN",
        "HUYỆN BÌNH LIÊU",
        "Biểu 01. Một số chỉ tiêu kinh tế - xã hội 6 tháng đầu năm 2020",
        "Đơn vị báo cáo: Huyện Bình Liêu - Kỳ báo cáo: 6 tháng đầu năm 2020",
    ] {
        assert!(strings.contains(said), "{said}: {strings}");
    }
    assert!(sheet.contains("<mergeCell ref=\"A4:H4\"/>"), "{sheet}");
    assert!(
        sheet.contains("<c r=\"A7\""),
        "the table's header under the block"
    );
    // The communes' sheet, with its own block.
    let communes = &parts["xl/worksheets/sheet2.xml"];
    assert!(communes.contains("<v>9215</v>"));
    assert!(communes.contains("<mergeCell ref=\"A4:C4\"/>"));
}

fn soffice_installed() -> bool {
    let soffice = std::process::Command::new("soffice")
        .arg("--version")
        .output();
    let installed = soffice.is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("soffice not installed: skipped");
    }
    installed
}

/// On an English desktop LibreOffice shows the workbook's numbers as the DOCX prints them.
#[test]
fn the_xlsx_reads_the_vietnamese_way_under_an_english_locale() {
    if !soffice_installed() {
        return;
    }
    let (dir, db) = demo();
    let out = dir.path().join("bieu.xlsx");
    ok(
        &db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--settings",
            &demo_settings(),
            "--out",
            &out.display().to_string(),
        ],
    );
    let convert = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.path().display()
        ))
        .args([
            "--headless",
            "--convert-to",
            // UTF-8, cells as shown.
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&out)
        .env("HOME", dir.path())
        .env("LANG", "en_US.UTF-8")
        .env("LC_ALL", "en_US.UTF-8")
        .output()
        .unwrap();
    assert!(convert.status.success());
    let csv = std::fs::read_to_string(dir.path().join("bieu.csv")).unwrap();
    let gtsx = csv
        .lines()
        .find(|l| l.starts_with("1,Giá trị sản xuất,"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert_eq!(
        gtsx,
        "1,Giá trị sản xuất,tỷ đồng,\"1.613,00\",\"643,41\",\"39,89%\",\"578,60\",\"111,20%\""
    );
    assert!(csv.lines().next().unwrap().starts_with("ỦY BAN NHÂN DÂN"));
}

#[test]
fn a_pdf_is_named_pdf_whatever_out_says() {
    if !soffice_installed() {
        return;
    }
    let (dir, db) = demo();
    let out = dir.path().join("bao-cao");
    let said = ok(
        &db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--format",
            "pdf",
            "--out",
            &out.display().to_string(),
        ],
    );
    let pdf = dir.path().join("bao-cao.pdf");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    assert!(!out.exists());
    assert!(said.contains("bao-cao.pdf"), "{said}");
    // The recorded report too.
    let again = dir.path().join("lai");
    let said = ok(
        &db,
        &[
            "reports",
            "show",
            "1",
            "--format",
            "pdf",
            "--out",
            &again.display().to_string(),
        ],
    );
    assert!(
        std::fs::read(dir.path().join("lai.pdf"))
            .unwrap()
            .starts_with(b"%PDF")
    );
    assert!(said.contains("lai.pdf") && !again.exists(), "{said}");
}

/// Where LibreOffice is installed (CI installs it), it opens the DOCX and XLSX and renders them.
#[test]
fn libreoffice_renders_the_docx_and_xlsx() {
    if !soffice_installed() {
        return;
    }
    let (dir, db) = demo();
    let base = dir.path().join("bc");
    ok(
        &db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--format",
            "docx,xlsx,pdf",
            "--out",
            &base.display().to_string(),
        ],
    );
    let pdf = dir.path().join("bc.pdf");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output();
    if let Some(t) = text.ok().filter(|t| t.status.success()) {
        let text = String::from_utf8_lossy(&t.stdout).to_string();
        let pages: Vec<&str> = text.split('\u{c}').collect();
        assert!(pages.len() > 2, "{} pages", pages.len());
        assert!(pages[0].contains("BÁO CÁO") && pages[0].contains("643,41 tỷ đồng"));
        assert!(pages[0].contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
        // No number on the first page; "2" centred at the top of the second.
        assert!(
            pages[0]
                .lines()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.trim() != "1")
        );
        assert_eq!(
            pages[1]
                .lines()
                .find(|l| !l.trim().is_empty())
                .map(str::trim),
            Some("2")
        );
    }
    // The XLSX opens too.
    let convert = std::process::Command::new("soffice")
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(dir.path().join("bc.xlsx"))
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(convert.status.success());
    let csv = std::fs::read_to_string(dir.path().join("bc.csv")).unwrap();
    assert!(
        csv.contains("Giá trị sản xuất") && csv.contains("643"),
        "{csv}"
    );
}

on_both_backends!(a_report_is_a_snapshot, |db, dir| {
    ok(db, &["demo", "--no-serve"]);
    let first = dir.join("bc.md");
    ok(
        db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--out",
            &first.display().to_string(),
        ],
    );
    let printed = std::fs::read_to_string(&first).unwrap();
    assert!(printed.contains("nông, lâm nghiệp và thủy sản ước đạt 146,53 tỷ đồng"));
    let listed = ok(db, &["reports", "list"]);
    assert!(listed.contains("198") && listed.contains("2020S1") && listed.contains("test-officer"));
    // Nothing revised yet.
    assert!(ok(db, &["reports", "diff", "1"]).contains("No figure has changed"));
    // The demo approved the district's report: the office reopens it, and the agriculture
    // figure is revised (preliminary now).
    reopen_district_half_year(db);
    let revision = dir.join("revision.csv");
    std::fs::write(
        &revision,
        "indicator,unit,period,series,value,status,note\nGTSX_NLTS,198,2020S1,actual,150.2,preliminary,\n",
    )
    .unwrap();
    ok(db, &["import", &revision.display().to_string()]);
    // A new report says the new figure; the recorded one is shown as it was.
    let now = ok(db, &["report", "--unit", "198", "--period", "2020S1"]);
    assert!(now.contains("đạt 150,2 tỷ đồng") && !now.contains("146,53"));
    assert_eq!(ok(db, &["reports", "show", "1"]), printed);
    // And what changed since: the value, the total computed from it, and the status.
    let diff = ok(db, &["reports", "diff", "1"]);
    assert!(
        diff.contains("GTSX_NLTS 198 2020S1  value: 146,53 → 150,2 tỷ đồng"),
        "{diff}"
    );
    assert!(
        diff.contains("GTSX 198 2020S1  value: 643,41 → 647,08 tỷ đồng"),
        "{diff}"
    );
    assert!(diff.contains("status: estimate → preliminary"), "{diff}");
    // The recorded report also comes back as DOCX.
    let docx = dir.join("again.docx");
    ok(
        db,
        &["reports", "show", "1", "--out", &docx.display().to_string()],
    );
    assert!(unzip(&docx)["word/document.xml"].contains("146,53 tỷ đồng"));
    assert!(!solieu(db, &["reports", "diff", "9"]).status.success());
});

#[test]
fn every_commune_is_reported_in_one_command() {
    let (dir, db) = demo();
    let out = dir.path().join("ca-huyen");
    let said = ok(
        &db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--children",
            "--format",
            "md,xlsx",
            "--out",
            &out.display().to_string(),
        ],
    );
    assert!(said.contains("8 reports in"), "{said}");
    for code in [
        "198", "06838", "06841", "06844", "06847", "06853", "06856", "06859",
    ] {
        for ext in ["md", "xlsx"] {
            assert!(
                out.join(format!("{code}-2020S1.{ext}")).exists(),
                "{code}.{ext}"
            );
        }
    }
    // A commune gets the commune template, with its own figure.
    let hoanh_mo = std::fs::read_to_string(out.join("06841-2020S1.md")).unwrap();
    assert!(hoanh_mo.contains("**XÃ HOÀNH MÔ**"));
    assert!(
        hoanh_mo.contains("Lượt khám bệnh tại tuyến xã ước đạt 9.215 lượt"),
        "{hoanh_mo}"
    );
    // Each report is recorded.
    assert_eq!(ok(&db, &["reports", "list"]).lines().count(), 1 + 8);
    // A batch without a folder is refused before anything is written.
    let refused = solieu(
        &db,
        &[
            "report",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--children",
        ],
    );
    assert!(!refused.status.success());
}
