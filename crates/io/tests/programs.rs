//! The program CSVs: recognised by header, problems located, no panic on any input, and what
//! is written reads back the same.

use proptest::prelude::*;
use solieu_io::programs::{ProgramFile, detect, read_program_csv, write_programs};

const DEMO: &[&str] = &[
    "ntm-criteria-quang-ninh-2020.csv",
    "ntm-criteria-advanced-2020.csv",
    "ntm-communes.csv",
    "ntm-assessments-2020.csv",
    "ocop-products.csv",
    "funds-2020.csv",
    "projects-2020.csv",
    "documents.csv",
    "tasks-650-KL-HU.csv",
];

fn demo(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../demo/programs")
            .join(name),
    )
    .unwrap()
}

#[test]
fn each_demo_file_is_recognised_and_read_without_problems() {
    let kinds: Vec<Option<ProgramFile>> = DEMO.iter().map(|f| detect(&demo(f))).collect();
    assert_eq!(
        kinds,
        [
            Some(ProgramFile::NtmCriteria),
            Some(ProgramFile::NtmCriteria),
            Some(ProgramFile::NtmCommunes),
            Some(ProgramFile::NtmAssessments),
            Some(ProgramFile::OcopProducts),
            Some(ProgramFile::Funds),
            Some(ProgramFile::Projects),
            Some(ProgramFile::Documents),
            Some(ProgramFile::Tasks),
        ]
    );
    for f in DEMO {
        let read = read_program_csv(f, &demo(f), None);
        assert!(read.problems.is_empty(), "{f}: {:#?}", read.problems);
    }
    let sets = read_program_csv(DEMO[0], &demo(DEMO[0]), None)
        .incoming
        .sets;
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].item.criteria.len(), 20);
    assert_eq!(sets[0].item.indicators.len(), 53);
}

#[test]
fn problems_name_the_line_column_and_value() {
    let text = "set,commune,date,indicator,value,evidence,assessed_by\n\
                S,06841,2020-13-01,1.1,đạt,,\n\
                S,06841,2020-06-01,1.2,nhiều,,\n";
    let read = read_program_csv("a.csv", text.as_bytes(), None);
    let mut found: Vec<(u64, String, String)> = read
        .problems
        .iter()
        .map(|p| {
            (
                p.location.line.unwrap(),
                p.location.column.clone().unwrap(),
                p.value.clone().unwrap(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (2, "date".to_string(), "2020-13-01".to_string()),
            (3, "value".to_string(), "nhiều".to_string())
        ]
    );
    assert!(read.incoming.assessments.is_empty());
}

#[test]
fn what_is_written_reads_back_the_same() {
    let mut incoming = solieu_core::programs::Incoming::default();
    for f in DEMO {
        incoming.extend(read_program_csv(f, &demo(f), None).incoming);
    }
    let programs = solieu_core::programs::Programs {
        sets: incoming.sets.iter().map(|l| l.item.clone()).collect(),
        enrolments: incoming.enrolments.iter().map(|l| l.item.clone()).collect(),
        assessments: incoming
            .assessments
            .iter()
            .map(|l| l.item.clone())
            .collect(),
        products: {
            let mut p: Vec<_> = incoming.products.iter().map(|l| l.item.clone()).collect();
            p.dedup();
            p
        },
        evaluations: incoming
            .evaluations
            .iter()
            .map(|l| l.item.clone())
            .collect(),
        fund_plans: incoming.fund_plans.iter().map(|l| l.item.clone()).collect(),
        projects: incoming.projects.iter().map(|l| l.item.clone()).collect(),
        documents: incoming.documents.iter().map(|l| l.item.clone()).collect(),
        tasks: incoming.tasks.iter().map(|l| l.item.clone()).collect(),
        task_history: Vec::new(),
    };
    let mut again = solieu_core::programs::Incoming::default();
    for (name, text) in write_programs(&programs) {
        let read = read_program_csv(name, text.as_bytes(), None);
        assert!(read.problems.is_empty(), "{name}: {:#?}", read.problems);
        again.extend(read.incoming);
    }
    assert_eq!(items(&again.sets), programs.sets);
    assert_eq!(items(&again.assessments), programs.assessments);
    assert_eq!(items(&again.evaluations), programs.evaluations);
    assert_eq!(items(&again.projects), programs.projects);
    assert_eq!(items(&again.tasks), programs.tasks);
    assert_eq!(items(&again.documents), programs.documents);
}

#[test]
fn a_name_that_looks_like_a_formula_stays_text_in_csv_and_workbook() {
    use calamine::{Reader, open_workbook_auto_from_rs};
    let link = r#"=HYPERLINK("http://x","y")"#;
    let file = "ocop-products.csv";
    let incoming = read_program_csv(file, &demo(file), None).incoming;
    let mut products = items(&incoming.products);
    products.dedup();
    products[0].name = link.into();
    let programs = solieu_core::programs::Programs {
        products,
        evaluations: items(&incoming.evaluations),
        ..Default::default()
    };
    let written = write_programs(&programs);
    let (name, csv) = written.iter().find(|(n, _)| *n == file).unwrap();
    assert!(
        csv.contains(r#","'=HYPERLINK(""http://x"",""y"")","#),
        "{csv}"
    );
    let read = read_program_csv(name, csv.as_bytes(), None);
    assert_eq!(read.incoming.products[0].item.name, link);
    // The workbook keeps the text itself, as text: a spreadsheet shows it, never runs it.
    let bytes = solieu_io::programs::write_programs_xlsx(&programs).unwrap();
    let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let cells = book.worksheet_range(&sheet).unwrap();
    assert!(
        cells
            .used_cells()
            .any(|(_, _, c)| c == &calamine::Data::String(link.into())),
        "{cells:?}"
    );
    let formulas = book.worksheet_formula(&sheet).unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "{formulas:?}"
    );
}

proptest! {
    /// Any bytes after a program header: problems or records, never a panic.
    #[test]
    fn any_input_is_read_without_panic(
        kind in 0usize..DEMO.len(),
        body in proptest::collection::vec(any::<u8>(), 0..300),
        cells in proptest::collection::vec("[0-9a-zđạ,.;/ \\-\"]{0,12}", 0..24),
    ) {
        let file = demo(DEMO[kind]);
        let header = file.split(|&b| b == b'\n').next().unwrap().to_vec();
        let mut bytes = header.clone();
        bytes.push(b'\n');
        bytes.extend_from_slice(&body);
        let _ = read_program_csv("x.csv", &bytes, None);
        let mut text = header;
        text.push(b'\n');
        text.extend_from_slice(cells.join(",").as_bytes());
        let _ = read_program_csv("y.csv", &text, None);
    }
}

fn items<T: Clone>(v: &[solieu_core::changes::Located<T>]) -> Vec<T> {
    v.iter().map(|l| l.item.clone()).collect()
}

#[test]
fn a_document_carries_its_signer_effective_day_field_and_file() {
    let text = "Số ký hiệu,Ngày ban hành,Cơ quan ban hành,Trích yếu,Người ký,Ngày hiệu lực,Lĩnh vực,Tệp\n\
                256/KH-UBND,2020-01-15,UBND huyện Bình Liêu,Kế hoạch năm 2020,Chủ tịch UBND huyện,2020-01-20,Kinh tế - xã hội,/media/0123456789abcdef0123.pdf\n\
                1354/UBND,2020-05-04,UBND huyện Bình Liêu,Điều hành ngân sách,,,,https://binhlieu.quangninh.gov.vn/1354.pdf\n";
    let read = read_program_csv("van-ban.csv", text.as_bytes(), None);
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    let documents = items(&read.incoming.documents);
    assert_eq!(documents[0].signer, "Chủ tịch UBND huyện");
    assert_eq!(
        documents[0].effective,
        chrono::NaiveDate::from_ymd_opt(2020, 1, 20)
    );
    assert_eq!(documents[0].field, "Kinh tế - xã hội");
    assert_eq!(documents[0].file, "/media/0123456789abcdef0123.pdf");
    assert_eq!(documents[0].kind, "KH");
    assert_eq!(
        (documents[1].signer.as_str(), documents[1].effective),
        ("", None)
    );
    // A file that is neither in a portal's library nor on the web is refused where it is.
    let bad = "number,date,issuer,summary,effective,file\n\
               256/KH-UBND,2020-01-15,UBND,Kế hoạch,15/01/2020x,C:\\Văn bản\\256.pdf\n\
               257/KH-UBND,2020-01-15,UBND,Kế hoạch,,javascript:alert(1)\n";
    let read = read_program_csv("van-ban.csv", bad.as_bytes(), None);
    let found: Vec<(u64, String)> = read
        .problems
        .iter()
        .map(|p| (p.location.line.unwrap(), p.location.column.clone().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            (2, "effective".to_string()),
            (2, "file".to_string()),
            (3, "file".to_string())
        ]
    );
    assert!(
        read.problems[1]
            .hint
            .as_ref()
            .unwrap()
            .vi
            .contains("Ảnh và tệp đính kèm")
    );
    assert!(read.incoming.documents.is_empty());
}
