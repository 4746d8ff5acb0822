//! The program summaries from the demo's registers, as the report calls them.

use solieu_analytics::programs::{ntm_summary, ocop_summary, project_summary, task_summary};
use solieu_core::Decimal;
use solieu_core::lineage::Registry;
use solieu_core::programs::{Incoming, Programs};
use solieu_io::programs::read_program_csv;
use solieu_io::{ReadOptions, read_csv};

fn file(path: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../demo")
            .join(path),
    )
    .unwrap()
}

fn demo() -> (Programs, Registry) {
    let mut incoming = Incoming::default();
    for f in [
        "ntm-criteria-quang-ninh-2020.csv",
        "ntm-criteria-advanced-2020.csv",
        "ntm-communes.csv",
        "ntm-assessments-2020.csv",
        "ocop-products.csv",
        "funds-2020.csv",
        "projects-2020.csv",
        "documents.csv",
        "tasks-650-KL-HU.csv",
    ] {
        let r = read_program_csv(f, &file(&format!("programs/{f}")), None);
        assert!(r.problems.is_empty());
        incoming.extend(r.incoming);
    }
    let units = read_csv("units.csv", &file("units.csv"), &ReadOptions::default());
    let lineage = read_csv("lineage.csv", &file("lineage.csv"), &ReadOptions::default());
    let registry = Registry::new(
        units.incoming.units.into_iter().map(|u| u.item).collect(),
        lineage
            .incoming
            .events
            .into_iter()
            .map(|e| e.item)
            .collect(),
    );
    let changes =
        solieu_core::programs::plan(&Programs::default(), registry.versions(), incoming).unwrap();
    let mut tasks = changes.new_tasks;
    tasks.sort_by(|a, b| a.code.cmp(&b.code));
    let programs = Programs {
        sets: changes.new_sets,
        enrolments: changes.new_enrolments,
        assessments: changes.assessments,
        products: changes.new_products,
        evaluations: changes.new_evaluations,
        fund_plans: changes.new_fund_plans,
        projects: changes.new_projects,
        documents: changes.new_documents,
        tasks,
        task_history: Vec::new(),
    };
    (programs, registry)
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn value(figures: &[solieu_analytics::programs::ProgramFigure], code: &str) -> Decimal {
    figures
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code}"))
        .value
}

#[test]
fn the_summaries_give_the_seed_figures() {
    let (p, registry) = demo();
    let day = "2020-06-15".parse().unwrap();
    let ntm = ntm_summary(&p, &registry, "QN-NTM-2016-2020", "198", day, 15).unwrap();
    let f = ntm.figures();
    assert_eq!(value(&f, "NTM_TIEU_CHI_BQ"), d("17.5"));
    assert_eq!(value(&f, "NTM_CHI_TIEU_BQ"), d("46.33"));
    assert_eq!(value(&f, "NTM_TIEU_CHI_TANG"), d("1.17"));
    assert_eq!(value(&f, "NTM_CHI_TIEU_TANG"), d("1.16"));
    assert_eq!(value(&f, "NTM_XA_DUOI_NGUONG"), Decimal::ZERO);
    assert_eq!(
        ntm.distribution_vi(),
        "1 xã đạt 20 tiêu chí, 5 xã đạt từ 15 - 19 tiêu chí"
    );
    // One commune asked for alone.
    let hoanh_mo = ntm_summary(&p, &registry, "QN-NTMNC-2018-2020", "06841", day, 15).unwrap();
    assert_eq!(
        hoanh_mo.phrase_vi(),
        "Xã Hoành Mô đạt 2/8 tiêu chí và 15/27 chỉ tiêu nông thôn mới nâng cao."
    );

    let ocop = ocop_summary(&p, &registry, "198", day, 90).figures();
    assert_eq!(value(&ocop, "OCOP_SAN_PHAM"), d("28"));
    assert_eq!(value(&ocop, "OCOP_SAN_PHAM_MOI"), d("2"));

    let projects = project_summary(&p, &registry, "198", 2020);
    let f = projects.figures();
    assert_eq!(value(&f, "DA_PHE_DUYET_P135"), d("9"));
    assert_eq!(value(&f, "KP_HO_TRO_NTM"), d("2200"));
    assert_eq!(value(&f, "TY_LE_KH_NTM"), d("61.1"));
    let ntm_fund = projects.funds.iter().find(|f| f.fund == "NTM").unwrap();
    assert!(
        ntm_fund
            .phrase_vi()
            .ends_with("kinh phí hỗ trợ 2.200 triệu đồng, đạt 61,1% KH"),
        "{}",
        ntm_fund.phrase_vi()
    );
    // Only the communes of the unit asked for: Lục Hồn alone has 11 NTM projects.
    let luc_hon = project_summary(&p, &registry, "06856", 2020);
    assert_eq!(
        luc_hon
            .funds
            .iter()
            .find(|f| f.fund == "NTM")
            .unwrap()
            .projects,
        11
    );

    let tasks = task_summary(&p, Some("650-KL/HU"), day);
    assert_eq!(value(&tasks.figures(), "NV_QUA_HAN"), d("1"));
    assert_eq!(
        tasks.phrase_vi(),
        "8 nhiệm vụ: 3 hoàn thành, 4 đang thực hiện, 1 quá hạn (Phòng Tài nguyên và Môi trường)."
    );
}
