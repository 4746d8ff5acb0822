//! DHIS2 metadata exports read into units, indicators, rules and data sets, on DHIS2's own test
//! files (`../shared/data/dhis2`, read at run time) and small made-up ones.

use solieu_core::indicator::Aggregate;
use solieu_core::problem::{Lang, Severity};
use solieu_core::unit::UnitKind;
use solieu_io::dhis2_metadata::{self, Link, Metadata, detect, read, translate};

fn sample(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/dhis2")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn both() -> (Metadata, Vec<solieu_core::problem::Problem>) {
    let (setup, aggregate) = (
        sample("setup_metadata.json"),
        sample("aggregate_metadata.json"),
    );
    read(
        &[
            ("setup_metadata.json", &setup),
            ("aggregate_metadata.json", &aggregate),
        ],
        &[],
    )
}

fn indicator<'a>(m: &'a Metadata, code: &str) -> &'a solieu_core::indicator::Indicator {
    &m.incoming
        .indicators
        .iter()
        .find(|i| i.item.code == code)
        .unwrap_or_else(|| panic!("no indicator {code}"))
        .item
}

#[test]
fn metadata_exports_are_told_from_data_value_sets() {
    assert!(detect(&sample("setup_metadata.json")));
    assert!(detect(&sample("aggregate_metadata.json")));
    assert!(!detect(&sample("dataValues_bulk.json")));
    assert!(!detect(b"[1, 2]"));
}

#[test]
fn the_org_unit_tree_comes_across_with_codes_and_opening_dates() {
    let (m, problems) = both();
    assert!(problems.iter().all(|p| !p.is_error()), "{problems:?}");
    let units: Vec<_> = m.incoming.units.iter().map(|u| &u.item).collect();
    assert_eq!(units.len(), 5);
    let bo = units.iter().find(|u| u.code == "OU_264").unwrap();
    assert_eq!(
        (bo.name.as_str(), bo.kind, bo.parent.as_deref()),
        ("Bo", UnitKind::Huyen, Some("OU_525"))
    );
    // Bo opened in 1990, Sierra Leone in 1994: in the register Bo begins with its parent, and
    // a note says so.
    assert_eq!(bo.valid_from, "1994-01-01".parse().ok());
    let note = problems
        .iter()
        .find(|p| p.location.column.as_deref() == Some("$.organisationUnits[3].openingDate"))
        .expect("a note on Bo's opening date");
    assert!(
        note.message
            .get(Lang::En)
            .contains("opens before its parent")
    );
    let njandama_opens = units
        .iter()
        .find(|u| u.code == "OU_167609")
        .unwrap()
        .valid_from;
    assert_eq!(njandama_opens, "2009-01-01".parse().ok());
    let njandama = units.iter().find(|u| u.code == "OU_167609").unwrap();
    assert_eq!(njandama.parent.as_deref(), Some("OU_539"));
    // Parents come before their children, whatever the file's order.
    let at = |code: &str| units.iter().position(|u| u.code == code).unwrap();
    assert!(at("OU_525") < at("OU_264") && at("OU_264") < at("OU_539"));
    assert!(m.links.contains(&Link {
        kind: dhis2_metadata::ORG_UNIT.into(),
        dhis2: "O6uvpzGd5pu".into(),
        code: Some("OU_264".into()),
        ours: "OU_264".into(),
    }));
}

#[test]
fn a_disaggregated_element_is_one_indicator_per_combination_and_their_sum() {
    let (m, _) = both();
    // TA_MAL_POP_TOTAL is disaggregated by age: three entered indicators and their total.
    let total = indicator(&m, "TA_MAL_POP_TOTAL");
    assert_eq!(
        total.formula.as_ref().map(|f| f.text()),
        Some(
            "{TA_MAL_POP_TOTAL.oPcWGgS2Liz} + {TA_MAL_POP_TOTAL.hF0pQZIn6Ch} + {TA_MAL_POP_TOTAL.rtfSaMjPyq6}"
        )
    );
    let part = indicator(&m, "TA_MAL_POP_TOTAL.hF0pQZIn6Ch");
    assert!(part.formula.is_none() && part.name.ends_with("(TA 15+ years)"));
    assert_eq!(part.aggregate, Aggregate::Sum);
    assert!(
        m.links
            .iter()
            .any(|l| l.dhis2 == "dFaBg0HpoIL|hF0pQZIn6Ch"
                && l.ours == "TA_MAL_POP_TOTAL.hF0pQZIn6Ch")
    );
    // The default combination is no disaggregation: one indicator, no parts.
    assert!(indicator(&m, "TA_GEN_EXT_FUND").formula.is_none());
}

#[test]
fn indicators_become_formulas_and_what_cannot_be_said_is_a_located_note() {
    let (m, problems) = both();
    let rdt = indicator(&m, "TA_MAL_PER_CASES_WITH_RDT");
    assert_eq!(
        rdt.formula.as_ref().map(|f| f.text()),
        Some(
            "({TA_MAL_CASES_TEST_RDT}) / ({TA_MAL_CASES_TEST_MICR}+{TA_MAL_CASES_TEST_RDT}) * 100"
        )
    );
    assert_eq!(rdt.unit.symbol(), "%");
    // A validation rule of the export has a typing slip (`#jtyuEfbNbkb}`): left out, said where.
    let slip = problems
        .iter()
        .find(|p| p.location.column.as_deref() == Some("$.validationRules[9].rightSide.expression"))
        .expect("the slip is reported");
    assert_eq!(slip.severity, Severity::Warning);
    assert!(slip.message.get(Lang::En).starts_with("not imported"));
    assert_eq!(m.incoming.rules.len(), 11);
    assert!(
        !m.incoming
            .rules
            .iter()
            .any(|r| r.item.code == "Kejj3gJ2GD0")
    );
}

#[test]
fn data_sets_hold_the_entered_indicators_and_the_rest_is_listed() {
    let (m, _) = both();
    let annual = m
        .data_sets
        .iter()
        .find(|d| d.item.code == "qNtxTrp56wV")
        .unwrap();
    assert_eq!(annual.item.period_type, "year");
    assert_eq!(annual.item.deadline_days, 15);
    // Seven elements, one of them by age in three combinations.
    assert_eq!(annual.item.indicators.len(), 9);
    assert!(
        annual
            .item
            .indicators
            .contains(&"TA_MAL_POP_TOTAL.oPcWGgS2Liz".to_string())
    );
    let kinds: Vec<&str> = m.not_imported.iter().map(|n| n.kind.as_str()).collect();
    for kind in [
        "dataElements (TRACKER)",
        "organisationUnitGroups",
        "optionSets",
        "legendSets",
    ] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
}

#[test]
fn a_second_import_keeps_the_codes_the_first_one_gave() {
    let (first, _) = both();
    let (setup, aggregate) = (
        sample("setup_metadata.json"),
        sample("aggregate_metadata.json"),
    );
    let (second, _) = read(&[("s", &setup), ("a", &aggregate)], &first.links);
    assert!(second.links.is_empty(), "{:?}", second.links);
    assert_eq!(second.incoming.units.len(), 5);
}

#[test]
fn expressions_translate_operands_and_refuse_the_rest() {
    let operand = |de: &str, coc: Option<&str>| match (de, coc) {
        ("aaaaaaaaaaa", None) => Some("A".to_string()),
        ("aaaaaaaaaaa", Some("bbbbbbbbbbb")) => Some("A.B".to_string()),
        _ => None,
    };
    assert_eq!(
        translate("#{aaaaaaaaaaa} * 2 - #{aaaaaaaaaaa.bbbbbbbbbbb}", &operand).unwrap(),
        "{A} * 2 - {A.B}"
    );
    // Constants, unknown elements, attribute combinations: said, not guessed.
    assert!(translate("C{aaaaaaaaaaa}", &operand).is_err());
    assert!(translate("#{ccccccccccc}", &operand).is_err());
    assert!(translate("#{aaaaaaaaaaa.bbbbbbbbbbb.ddddddddddd}", &operand).is_err());
    assert!(translate("#{aaaaaaaaaaa} +", &operand).is_err());
}

#[test]
fn broken_files_are_located_problems() {
    let (m, problems) = read(
        &[
            ("a.json", b"{\"organisationUnits\": [" as &[u8]),
            (
                "b.json",
                br#"{"organisationUnits": [{"id": "abc", "name": "x"}],
                    "dataElements": [{"id": "Abcdefghijk", "name": "y", "aggregationType": "CUSTOM"}]}"#,
            ),
        ],
        &[],
    );
    assert!(m.incoming.units.is_empty() && m.incoming.indicators.is_empty());
    let places: Vec<String> = problems
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p.location.file,
                p.location.column.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            "a.json ",
            "b.json $.organisationUnits[0].id",
            "b.json $.dataElements[0].aggregationType"
        ]
    );
}

#[test]
fn a_rule_s_instruction_becomes_its_message_for_people() {
    let (m, problems) = both();
    assert!(problems.iter().all(|p| !p.is_error()), "{problems:?}");
    let deaths = m
        .incoming
        .rules
        .iter()
        .find(|r| r.item.name == "TA Malaria deaths <= Malaria inpatients")
        .expect("the rule is imported");
    assert_eq!(
        deaths.item.message,
        "[Malaria deaths] should be less than or equal to the number of [Malaria inpatients]. \
         Both numbers can be zeros."
    );
    // An instruction too long to stand beside a field is refused where it is.
    let rule = |instruction: &str| {
        format!(
            r#"{{"id": "Abcdefghijk", "name": "r", "operator": "greater_than", "instruction": "{instruction}",
                 "leftSide": {{"expression": "1"}}, "rightSide": {{"expression": "0"}}}}"#
        )
    };
    let file = format!(
        r#"{{"validationRules": [{}, {}]}}"#,
        rule("Không được âm"),
        rule(&"x".repeat(301)).replace("Abcdefghijk", "Bbcdefghijk")
    );
    let (m, problems) = read(&[("r.json", file.as_bytes())], &[]);
    let messages: Vec<_> = m.incoming.rules.iter().map(|r| &r.item.message).collect();
    assert_eq!(messages, ["Không được âm"]);
    let long = problems.iter().find(|p| p.is_error()).expect("refused");
    assert_eq!(
        long.location.column.as_deref(),
        Some("$.validationRules[1].instruction")
    );
}
