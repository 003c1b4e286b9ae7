//! Tests of the GS1 decoder: General Specifications examples, each rule of
//! issue 6, every rejection reason, the AI table's consistency with the
//! Syntax Dictionary's own rules, and property tests that decoding never
//! panics. "Today" is always pinned, so the century rule is deterministic.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::ai_table::{self, AI_TABLE, AiEntry, Cset, Linter, PREDEFINED_LENGTHS};
use super::{
    DateProblem, DecodeOptions, Decoded, Element, Gs1Error, SeparatorContext, Symbology,
    TimeProblem, ValueProblem, Warning, check_digit_ok, compute_check_digit, decode,
    normalize_gtin, resolve_year,
};

const GS: &str = "\u{1d}";
/// The GTIN of the General Specifications' examples.
const GTIN: &str = "09501101530003";
/// The SSCC of the General Specifications' examples.
const SSCC: &str = "106141411234567897";
/// A GLN with a valid check digit.
const GLN: &str = "0614141000005";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test dates are valid")
}

fn opts() -> DecodeOptions {
    DecodeOptions::new(day(2025, 6, 15))
}

fn ok_with(input: &str, opts: DecodeOptions) -> Decoded {
    match decode(input, &opts) {
        Ok(d) => d,
        Err(e) => panic!("{input:?} should decode, got: {e}"),
    }
}

fn ok(input: &str) -> Decoded {
    ok_with(input, opts())
}

fn err(input: &str) -> Gs1Error {
    match decode(input, &opts()) {
        Ok(d) => panic!("{input:?} should be rejected, got {:?}", d.elements),
        Err(e) => e,
    }
}

fn pairs(d: &Decoded) -> Vec<(&str, &str)> {
    d.elements
        .iter()
        .map(|e| (e.ai.as_str(), e.value.as_str()))
        .collect()
}

// ---------------------------------------------------------------------------
// Forms, symbology identifiers, separators
// ---------------------------------------------------------------------------

#[test]
fn bracketed_gtin_expiry_lot() {
    let d = ok("(01)09501101530003(17)261231(10)AB-123");
    assert_eq!(
        pairs(&d),
        [("01", GTIN), ("17", "261231"), ("10", "AB-123")]
    );
    assert_eq!(d.gtin(), Some(GTIN));
    assert_eq!(d.expiry(), Some(day(2026, 12, 31)));
    assert_eq!(d.lot(), Some("AB-123"));
    assert_eq!(d.symbology, None);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
}

#[test]
fn raw_with_gs_byte() {
    let d = ok(&format!("]d201{GTIN}1726123110LOT-42{GS}21SN7"));
    assert_eq!(d.symbology, Some(Symbology::DataMatrix));
    assert_eq!(
        pairs(&d),
        [
            ("01", GTIN),
            ("17", "261231"),
            ("10", "LOT-42"),
            ("21", "SN7")
        ]
    );
    assert_eq!(d.serial(), Some("SN7"));
}

#[test]
fn raw_with_written_gs() {
    for sep in ["<GS>", "<gs>"] {
        let d = ok(&format!("01{GTIN}10LOT-42{sep}17261231"));
        assert_eq!(
            pairs(&d),
            [("01", GTIN), ("10", "LOT-42"), ("17", "261231")]
        );
    }
}

#[test]
fn raw_with_substitute_separator() {
    let o = opts().with_gs_substitute('|');
    let d = ok_with("]C1|0109501101530003" /* leading FNC1 */, o);
    assert_eq!(pairs(&d), [("01", GTIN)]);
    let d = ok_with("010950110153000310LOT-42|21SN7|", o);
    assert_eq!(pairs(&d), [("01", GTIN), ("10", "LOT-42"), ("21", "SN7")]);
    // Without the option, '|' is data (and not in CSET 82).
    assert!(matches!(
        err("010950110153000310LOT-42|21SN7"),
        Gs1Error::InvalidCharacter {
            ch: '|',
            set: 82,
            ..
        }
    ));
}

#[test]
fn each_symbology_identifier() {
    for symbology in Symbology::ALL {
        let d = ok(&format!("{}0109501101530003", symbology.identifier()));
        assert_eq!(d.symbology, Some(symbology));
        assert_eq!(d.gtin(), Some(GTIN));
    }
    assert_eq!(Symbology::from_identifier("]C1"), Some(Symbology::Gs1128));
    assert_eq!(Symbology::from_identifier("]Q3"), Some(Symbology::Qr));
    assert_eq!(Symbology::from_identifier("]e0"), Some(Symbology::DataBar));
    assert_eq!(Symbology::from_identifier("]J1"), Some(Symbology::DotCode));
}

#[test]
fn leading_fnc1_after_symbology_identifier_is_tolerated() {
    for input in [
        format!("]C1{GS}0109501101530003"),
        "]C1<GS>0109501101530003".to_owned(),
        format!("{GS}0109501101530003"),
    ] {
        assert_eq!(ok(&input).gtin(), Some(GTIN), "{input:?}");
    }
}

#[test]
fn redundant_separator_after_fixed_length_and_trailing_separator() {
    let d = ok(&format!("01{GTIN}{GS}17261231{GS}10ABC{GS}"));
    assert_eq!(pairs(&d), [("01", GTIN), ("17", "261231"), ("10", "ABC")]);
    let d = ok(&format!("01{GTIN}{GS}"));
    assert_eq!(pairs(&d), [("01", GTIN)]);
}

#[test]
fn each_fixed_length_ai_followed_by_variable_with_and_without_separator() {
    // Every AI with a predefined length, from the table, so none is missed.
    let mut checked = 0;
    for entry in AI_TABLE.iter().filter(|e| e.predefined_length) {
        let value = sample_value(entry);
        for ai in [entry.first, entry.last] {
            for sep in ["", GS, "<GS>"] {
                let input = format!("{ai}{value}{sep}10LOT-1{GS}21S1");
                let d = ok(&input);
                assert_eq!(
                    pairs(&d),
                    [(ai, value.as_str()), ("10", "LOT-1"), ("21", "S1")],
                    "{input:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} cases");
}

/// A valid value for a fixed-length entry built from its components.
fn sample_value(entry: &AiEntry) -> String {
    let mut value = String::new();
    for c in entry.components {
        if c.linters.contains(&Linter::Yymmd0) {
            value.push_str("261231");
        } else if c.linters.contains(&Linter::Csum) {
            let body: String = "9501101530000123456789".chars().take(c.max - 1).collect();
            value.push_str(&body);
            value.push(compute_check_digit(&body).expect("digits"));
        } else {
            value.push_str(&"1".repeat(c.max));
        }
    }
    value
}

#[test]
fn variable_length_value_runs_to_the_end() {
    let d = ok("010950110153000321ABC-123/456");
    assert_eq!(pairs(&d), [("01", GTIN), ("21", "ABC-123/456")]);
    let d = ok("0109501101530003" /* GTIN */);
    assert_eq!(d.elements.len(), 1);
}

#[test]
fn lot_without_separator_swallows_following_date() {
    let d = ok("10ABC17261231");
    assert_eq!(pairs(&d), [("10", "ABC17261231")]);
    assert_eq!(d.lot(), Some("ABC17261231"));
    assert_eq!(d.expiry(), None);
}

#[test]
fn lot_swallowing_too_much_is_too_long() {
    assert!(matches!(
        err("10ABCDEFGHIJKLMNOP17261231"),
        Gs1Error::TooLong { ref ai, len: 24, max: 20, .. } if ai == "10"
    ));
}

#[test]
fn bracket_escape_for_literal_parenthesis() {
    let d = ok("(01)09501101530003(10)AB\\(C)(21)X");
    assert_eq!(pairs(&d), [("01", GTIN), ("10", "AB(C)"), ("21", "X")]);
    assert_eq!(d.to_bracketed(), "(01)09501101530003(10)AB\\(C)(21)X");
    assert_eq!(ok(&d.to_bracketed()), d);
}

#[test]
fn separator_before_next_bracket_is_tolerated() {
    let d = ok(&format!("(01){GTIN}{GS}(10)ABC<GS>"));
    assert_eq!(pairs(&d), [("01", GTIN), ("10", "ABC")]);
}

// ---------------------------------------------------------------------------
// Dates: day 00, leap years, century rule
// ---------------------------------------------------------------------------

#[test]
fn day_00_is_the_last_day_of_the_month() {
    assert_eq!(
        ok("(01)09501101530003(17)240200").expiry(),
        Some(day(2024, 2, 29))
    );
    assert_eq!(
        ok("(01)09501101530003(17)250200").expiry(),
        Some(day(2025, 2, 28))
    );
    assert_eq!(
        ok("(01)09501101530003(17)000200").expiry(),
        Some(day(2000, 2, 29))
    );
    assert_eq!(
        ok("(01)09501101530003(17)261100").expiry(),
        Some(day(2026, 11, 30))
    );
    // 2100 is not a leap year: with today in 2080, "00" is 2100.
    let later = DecodeOptions::new(day(2080, 1, 1));
    let d = ok_with("(01)09501101530003(17)000200", later);
    assert_eq!(d.expiry(), Some(day(2100, 2, 28)));
}

#[test]
fn day_00_follows_the_dictionary_per_ai() {
    // 11, 13, 15, 16, 17 are `yymmd0` in the dictionary: day 00 allowed.
    let d = ok("(01)09501101530003(11)230200(15)260300(16)260400");
    assert_eq!(d.production_date(), Some(day(2023, 2, 28)));
    assert_eq!(d.best_before(), Some(day(2026, 3, 31)));
    assert_eq!(d.sell_by(), Some(day(2026, 4, 30)));
    // 7006 (first freeze date) is `yymmdd`: day 00 rejected.
    assert!(matches!(
        err("(01)09501101530003(7006)230100"),
        Gs1Error::InvalidDate { ref ai, problem: DateProblem::DayZero, .. } if ai == "7006"
    ));
}

#[test]
fn century_rule_at_both_edges() {
    let today = day(2025, 6, 15);
    assert_eq!(resolve_year(75, today), 2075); // +50
    assert_eq!(resolve_year(76, today), 1976); // -49
    assert_eq!(resolve_year(25, today), 2025);
    assert_eq!(resolve_year(0, today), 2000);
    let y2000 = day(2000, 1, 1);
    assert_eq!(resolve_year(50, y2000), 2050);
    assert_eq!(resolve_year(51, y2000), 1951);
    let y2099 = day(2099, 12, 31);
    assert_eq!(resolve_year(49, y2099), 2149);
    assert_eq!(resolve_year(50, y2099), 2050);
    assert_eq!(
        ok("(01)09501101530003(17)750101").expiry(),
        Some(day(2075, 1, 1))
    );
    assert_eq!(
        ok("(01)09501101530003(11)760101").production_date(),
        Some(day(1976, 1, 1))
    );
}

// ---------------------------------------------------------------------------
// Accessors, JSON, General Specifications examples
// ---------------------------------------------------------------------------

#[test]
fn json_object_of_spec_section_6() {
    let d = ok("(01)09501101530003(11)250101(17)261200(10)L1(21)S1(30)12");
    let json = serde_json::to_string(&d.summary()).expect("serialises");
    assert_eq!(
        json,
        concat!(
            r#"{"elements":[{"ai":"01","value":"09501101530003"},{"ai":"11","value":"250101"},"#,
            r#"{"ai":"17","value":"261200"},{"ai":"10","value":"L1"},{"ai":"21","value":"S1"},"#,
            r#"{"ai":"30","value":"12"}],"gtin":"09501101530003","lot":"L1","#,
            r#""expiry":"2026-12-31","production_date":"2025-01-01","serial":"S1","count":12}"#
        )
    );
    assert_eq!(d.to_json()["expiry"], "2026-12-31");
    // Keys only where present.
    let only_sscc = ok("(00)106141411234567897").to_json();
    assert_eq!(
        only_sscc,
        serde_json::json!({"elements": [{"ai": "00", "value": SSCC}]})
    );
}

#[test]
fn sscc_count_and_content_of_a_logistic_unit() {
    let d = ok("(00)106141411234567897(02)09501101530003(37)24");
    assert_eq!(d.sscc(), Some(SSCC));
    assert_eq!(d.content_gtin(), Some(GTIN));
    assert_eq!(d.count(), Some(24));
    assert_eq!(d.gtin(), None);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
}

#[test]
fn giai_of_lab_equipment() {
    let d = ok("]C18004061414112345ABC");
    assert_eq!(d.giai(), Some("061414112345ABC"));
    assert_eq!(d.elements[0].title(), "GIAI");
}

#[test]
fn general_specifications_examples() {
    // Variable measure: net weight 0.189 kg (3103), with a GTIN.
    assert_eq!(
        ok("(01)09501101530003(3103)000189").get("3103"),
        Some("000189")
    );
    // Ship-to GLN and postal code with ISO country code.
    assert_eq!(
        ok("(410)0614141000005(421)840DC20500").get("421"),
        Some("840DC20500")
    );
    // GRAI with serial component.
    assert_eq!(
        ok("(8003)00614141000012ABC").get("8003"),
        Some("00614141000012ABC")
    );
    // GDTI with serial component.
    assert_eq!(
        ok("(253)4000001000005X1").get("253"),
        Some("4000001000005X1")
    );
    // ITIP: piece 1 of 2.
    assert_eq!(
        ok("(8006)095011015300030102").get("8006"),
        Some("095011015300030102")
    );
    // GMN with its check character pair.
    assert!(ok("(8013)1987654Ad4X4bL5ttr2310c2K").warnings.is_empty());
    // Expiry date and time, production date and time.
    assert_eq!(ok("(01)09501101530003(7003)2612311530").elements.len(), 2);
    assert_eq!(ok("(01)09501101530003(8008)26123115").elements.len(), 2);
    // Company internal AIs 91 to 99.
    assert_eq!(
        ok("(01)09501101530003(91)abc(99)XYZ-1").get("99"),
        Some("XYZ-1")
    );
    // Temperature with trailing minus sign.
    assert_eq!(
        ok("(00)106141411234567897(4331)002350-").get("4331"),
        Some("002350-")
    );
}

#[test]
fn normalize_gtin_pads_and_checks() {
    assert_eq!(normalize_gtin("9501101530003").as_deref(), Ok(GTIN));
    assert_eq!(normalize_gtin(GTIN).as_deref(), Ok(GTIN));
    assert_eq!(normalize_gtin("96385074").as_deref(), Ok("00000096385074"));
    assert_eq!(
        normalize_gtin("036000291452").as_deref(),
        Ok("00036000291452")
    );
    assert!(matches!(
        normalize_gtin("9501101530004"),
        Err(Gs1Error::BadCheckDigit {
            expected: '3',
            found: '4',
            ..
        })
    ));
    assert!(matches!(
        normalize_gtin("95011015300"),
        Err(Gs1Error::GtinLength { len: 11, .. })
    ));
    assert!(matches!(
        normalize_gtin("12345"),
        Err(Gs1Error::GtinLength { len: 5, .. })
    ));
    assert!(matches!(
        normalize_gtin("95011O1530003"),
        Err(Gs1Error::NotNumeric {
            ch: 'O',
            index: 5,
            ..
        })
    ));
}

#[test]
fn check_digits() {
    assert!(check_digit_ok(GTIN));
    assert!(check_digit_ok(SSCC));
    assert!(check_digit_ok(GLN));
    assert!(check_digit_ok("96385074"));
    assert!(!check_digit_ok("09501101530004"));
    assert!(!check_digit_ok("0950110153000X"));
    assert!(!check_digit_ok("7"));
    assert!(!check_digit_ok(""));
    assert!(!check_digit_ok("é1"));
    assert_eq!(compute_check_digit("0950110153000"), Some('3'));
    assert_eq!(compute_check_digit(""), None);
}

// ---------------------------------------------------------------------------
// Rejections: every reason of the issue
// ---------------------------------------------------------------------------

#[test]
fn empty_input() {
    assert_eq!(err(""), Gs1Error::Empty);
    assert_eq!(err(GS), Gs1Error::Empty);
}

#[test]
fn only_a_symbology_identifier() {
    assert_eq!(
        err("]C1"),
        Gs1Error::OnlySymbologyIdentifier(Symbology::Gs1128)
    );
    assert_eq!(
        err("]d2<GS>"),
        Gs1Error::OnlySymbologyIdentifier(Symbology::DataMatrix)
    );
    assert_eq!(
        err("]Q3").to_string(),
        "only a symbology identifier (]Q3) and no data after it"
    );
}

#[test]
fn unknown_symbology_identifier() {
    assert_eq!(
        err("]C00109501101530003"),
        Gs1Error::UnknownSymbology("]C0".into())
    );
    assert_eq!(err("]X9"), Gs1Error::UnknownSymbology("]X9".into()));
    assert_eq!(err("]D2010"), Gs1Error::UnknownSymbology("]D2".into()));
    assert_eq!(err("]C"), Gs1Error::UnknownSymbology("]C".into()));
    assert!(
        err("]Q1x")
            .to_string()
            .starts_with("unknown symbology identifier \"]Q1\"")
    );
}

#[test]
fn non_numeric_ai() {
    assert_eq!(
        err("AB123"),
        Gs1Error::NonNumericAi {
            ai: "AB".into(),
            position: 0
        }
    );
    assert_eq!(
        err(&format!("10ABC{GS}X1")),
        Gs1Error::NonNumericAi {
            ai: "X1".into(),
            position: 6
        }
    );
    assert!(matches!(err("(0A)123"), Gs1Error::NonNumericAi { ref ai, .. } if ai == "0A"));
}

#[test]
fn ai_too_long_or_unknown() {
    assert_eq!(err("(12345)6"), Gs1Error::AiTooLong { ai: "12345".into() });
    assert_eq!(err("(23)123"), Gs1Error::UnknownAi { ai: "23".into() });
    assert_eq!(
        err("(3106)000100"),
        Gs1Error::UnknownAi { ai: "3106".into() }
    );
    assert_eq!(err("(1)2"), Gs1Error::UnknownAi { ai: "1".into() });
    assert_eq!(err("23123"), Gs1Error::UnknownAi { ai: "2312".into() });
    assert_eq!(
        err(&format!("0109501101530003{GS}4")),
        Gs1Error::UnknownAi { ai: "4".into() }
    );
    assert_eq!(err("(23)123").to_string(), "unknown AI (23)");
}

#[test]
fn empty_value() {
    assert_eq!(
        err("(10)(17)261231"),
        Gs1Error::EmptyValue { ai: "10".into() }
    );
    assert_eq!(
        err(&format!("10{GS}17261231")),
        Gs1Error::EmptyValue { ai: "10".into() }
    );
    assert_eq!(
        err("(01)09501101530003(21)"),
        Gs1Error::EmptyValue { ai: "21".into() }
    );
}

#[test]
fn value_too_long_or_too_short() {
    let long = "A".repeat(21);
    assert_eq!(
        err(&format!("(10){long}")),
        Gs1Error::TooLong {
            ai: "10".into(),
            value: long.clone(),
            len: 21,
            max: 20
        }
    );
    assert_eq!(
        err("(01)0950110153000"),
        Gs1Error::TooShort {
            ai: "01".into(),
            value: "0950110153000".into(),
            len: 13,
            min: 14
        }
    );
    // Raw, fixed-length value cut short by the end of the data.
    assert!(matches!(
        err("0109501101530"),
        Gs1Error::TooShort { len: 11, .. }
    ));
    // A fixed but not predefined length (8005 N6) needs its separator; a
    // missing one makes the value too long.
    assert!(matches!(
        err("800512345610ABC"),
        Gs1Error::TooLong { ref ai, .. } if ai == "8005"
    ));
    assert_eq!(
        err("(01)0950110153000").to_string(),
        "AI (01): \"0950110153000\" is too short: length 13, at least 14 required"
    );
}

#[test]
fn bad_check_digit() {
    assert_eq!(
        err("(01)09501101530004"),
        Gs1Error::BadCheckDigit {
            ai: "01".into(),
            value: "09501101530004".into(),
            expected: '3',
            found: '4',
        }
    );
    assert!(matches!(
        err("(00)106141411234567890"),
        Gs1Error::BadCheckDigit { expected: '7', .. }
    ));
    assert!(
        matches!(err("(414)0614141000006"), Gs1Error::BadCheckDigit { ref ai, .. } if ai == "414")
    );
    assert!(matches!(
        err("(8018)123456789012345670"),
        Gs1Error::BadCheckDigit { .. }
    ));
    assert_eq!(
        err("(01)09501101530004").to_string(),
        "AI (01): \"09501101530004\" has a bad check digit: expected 3, found 4"
    );
}

#[test]
fn numeric_fields_must_be_numeric() {
    assert_eq!(
        err("(01)0950110153000A"),
        Gs1Error::NotNumeric {
            ai: "01".into(),
            value: "0950110153000A".into(),
            ch: 'A',
            index: 13
        }
    );
    assert!(matches!(
        err("(01)09501101530003(30)1A"),
        Gs1Error::NotNumeric {
            ch: 'A',
            index: 1,
            ..
        }
    ));
    assert!(matches!(
        err("(17)26-231"),
        Gs1Error::NotNumeric { ch: '-', .. }
    ));
}

#[test]
fn character_set_82_rejects_space_and_non_ascii() {
    assert_eq!(
        err("(01)09501101530003(10)AB 12"),
        Gs1Error::InvalidCharacter {
            ai: "10".into(),
            value: "AB 12".into(),
            ch: ' ',
            index: 2,
            set: 82,
        }
    );
    assert!(matches!(
        err("(01)09501101530003(10)ÄB"),
        Gs1Error::InvalidCharacter { ch: 'Ä', .. }
    ));
    assert!(matches!(
        err("(01)09501101530003(21)A#B"),
        Gs1Error::InvalidCharacter { ch: '#', .. }
    ));
    assert_eq!(
        err("(01)09501101530003(10)AB 12").to_string(),
        "AI (10): \"AB 12\" has ' ' at character 3, which is not in GS1 AI encodable character set 82"
    );
}

#[test]
fn character_sets_39_and_64() {
    assert!(ok("(8010)0614141ABC-#/").get("8010").is_some());
    assert!(matches!(
        err("(8010)0614141abc"),
        Gs1Error::InvalidCharacter {
            set: 39,
            ch: 'a',
            ..
        }
    ));
    assert!(
        ok("(00)106141411234567897(8030)AbC-_=")
            .get("8030")
            .is_some()
    );
    assert!(matches!(
        err("(00)106141411234567897(8030)AB+C"),
        Gs1Error::InvalidCharacter {
            set: 64,
            ch: '+',
            ..
        }
    ));
    assert!(matches!(
        err("(00)106141411234567897(8030)AB=="),
        Gs1Error::InvalidCharacter {
            set: 64,
            ch: '=',
            ..
        }
    ));
}

#[test]
fn impossible_dates() {
    assert_eq!(
        err("(17)261331").to_string(),
        "AI (17): \"261331\" is not a valid date: month 13"
    );
    assert_eq!(
        err("(11)230230"),
        Gs1Error::InvalidDate {
            ai: "11".into(),
            value: "230230".into(),
            problem: DateProblem::Day {
                year: 2023,
                month: 2,
                day: 30,
                days_in_month: 28
            },
        }
    );
    assert_eq!(
        err("(11)230230").to_string(),
        "AI (11): \"230230\" is not a valid date: day 30, but 2023-02 has 28 days"
    );
    assert!(matches!(err("(17)250229"), Gs1Error::InvalidDate { .. }));
    assert!(ok("(01)09501101530003(17)240229").expiry().is_some());
    assert!(matches!(
        err("(17)260031"),
        Gs1Error::InvalidDate {
            problem: DateProblem::Month(0),
            ..
        }
    ));
    assert!(matches!(
        err("(01)09501101530003(7250)20230230"),
        Gs1Error::InvalidDate {
            problem: DateProblem::Day { year: 2023, .. },
            ..
        }
    ));
}

#[test]
fn impossible_times() {
    assert_eq!(
        err("(01)09501101530003(7003)2612312460"),
        Gs1Error::InvalidTime {
            ai: "7003".into(),
            value: "2612312460".into(),
            problem: TimeProblem::Hour(24),
        }
    );
    assert!(matches!(
        err("(01)09501101530003(8008)2612311560"),
        Gs1Error::InvalidTime {
            problem: TimeProblem::Minute(60),
            ..
        }
    ));
}

#[test]
fn lone_or_unterminated_bracket() {
    assert_eq!(err("("), Gs1Error::UnterminatedBracket { position: 0 });
    assert_eq!(err("(01"), Gs1Error::UnterminatedBracket { position: 0 });
    assert_eq!(
        err("(01)09501101530003("),
        Gs1Error::UnterminatedBracket { position: 18 }
    );
    assert_eq!(
        err("(01(17)261231"),
        Gs1Error::UnterminatedBracket { position: 0 }
    );
    assert_eq!(err("()0950"), Gs1Error::MissingAi { position: 0 });
}

#[test]
fn separator_inside_fixed_length_value() {
    assert_eq!(
        err(&format!("0109501{GS}101530003")),
        Gs1Error::UnexpectedSeparator {
            position: 7,
            context: SeparatorContext::InsideFixedValue { ai: "01".into() },
        }
    );
    assert_eq!(
        err("0109501<GS>101530003").to_string(),
        "unexpected GS separator at character 8: inside the fixed-length value of AI (01)"
    );
}

#[test]
fn separator_where_an_ai_is_expected() {
    let doubled = err(&format!("10ABC{GS}{GS}17261231"));
    assert_eq!(
        doubled,
        Gs1Error::UnexpectedSeparator {
            position: 6,
            context: SeparatorContext::WhereAiExpected
        }
    );
    assert!(matches!(
        err(&format!("]C1{GS}{GS}0109501101530003")),
        Gs1Error::UnexpectedSeparator { position: 4, .. }
    ));
    assert!(matches!(
        err(&format!("01{GTIN}{GS}{GS}10ABC")),
        Gs1Error::UnexpectedSeparator {
            context: SeparatorContext::WhereAiExpected,
            ..
        }
    ));
}

#[test]
fn separator_inside_bracketed_value() {
    assert_eq!(
        err(&format!("(10)AB{GS}C(17)261231")),
        Gs1Error::UnexpectedSeparator {
            position: 6,
            context: SeparatorContext::InsideValue { ai: "10".into() },
        }
    );
    assert!(matches!(
        err(&format!("(1{GS}0)AB")),
        Gs1Error::NonNumericAi { .. }
    ));
}

#[test]
fn conflicting_duplicate_values() {
    assert_eq!(
        err("(01)09501101530003(10)A(10)B"),
        Gs1Error::ConflictingValues {
            ai: "10".into(),
            first: "A".into(),
            second: "B".into()
        }
    );
}

#[test]
fn other_dictionary_linters() {
    let linter_of = |input: &str| match err(input) {
        Gs1Error::InvalidValue {
            problem: ValueProblem::Linter { linter, .. },
            ..
        } => linter,
        other => panic!("{input:?}: expected a linter failure, got {other:?}"),
    };
    assert_eq!(
        linter_of("(01)09501101530003(8001)00001234567891"),
        Linter::NonZero
    );
    assert_eq!(
        linter_of("(01)09501101530003(8001)12340123451231"),
        Linter::Winding
    );
    assert_eq!(linter_of("(8006)095011015300030302"), Linter::PieceOfTotal);
    assert_eq!(linter_of("(8006)095011015300030002"), Linter::PieceOfTotal);
    assert_eq!(linter_of("(00)106141411234567897(4321)2"), Linter::YesNo);
    assert_eq!(
        linter_of("(00)106141411234567897(4330)002350+"),
        Linter::Hyphen
    );
    assert_eq!(
        linter_of("(00)106141411234567897(4300)ACME%2"),
        Linter::Pcenc
    );
    assert_eq!(
        linter_of("(00)106141411234567897(4309)18000000013600000000"),
        Linter::Latitude
    );
    assert_eq!(linter_of("(7040)1AB."), Linter::ImporterIdx);
    assert_eq!(
        linter_of("(8017)123456789012345675(7241)11"),
        Linter::MediaType
    );
    assert_eq!(linter_of("(8010)0614141(8011)0123"), Linter::NoZeroPrefix);
    assert_eq!(linter_of("(8003)10614141000012"), Linter::Zero);
    assert_eq!(linter_of("(8004)06A4141"), Linter::Gcppos1);
    assert_eq!(
        linter_of("(01)09501101530003(8014)12345671001952"),
        Linter::HasNonDigit
    );
    assert_eq!(
        linter_of("(8018)123456789012345675(7259)X(7258)3/2"),
        Linter::PosInSeqSlash
    );
    assert_eq!(
        linter_of("(415)0614141000005(8020)R1(8007)GB82WEST12345698765433"),
        Linter::Iban
    );
    assert!(
        ok("(415)0614141000005(8020)R1(8007)GB82WEST12345698765432")
            .warnings
            .is_empty()
    );
    assert_eq!(
        err("(8013)1987654Ad4X4bL5ttr2310cXK"),
        Gs1Error::InvalidValue {
            ai: "8013".into(),
            value: "1987654Ad4X4bL5ttr2310cXK".into(),
            problem: ValueProblem::CheckPair {
                expected: "2K".into(),
                found: "XK".into()
            },
        }
    );
    // AI (423): up to five 3-digit country codes; 4 digits leave one short.
    assert!(matches!(
        err("(01)09501101530003(423)0400"),
        Gs1Error::InvalidValue {
            problem: ValueProblem::IncompleteComponent {
                offset: 3,
                expected: 3,
                found: 1
            },
            ..
        }
    ));
}

// ---------------------------------------------------------------------------
// Warnings: pairing rules
// ---------------------------------------------------------------------------

#[test]
fn lot_or_expiry_without_gtin_is_a_warning() {
    let d = ok("(10)ABC(17)261231");
    assert_eq!(
        d.warnings,
        [
            Warning::MissingRequired {
                ai: "10".into(),
                alternatives: "01,02,03,8006,8026"
            },
            Warning::MissingRequired {
                ai: "17".into(),
                alternatives: "01,02,03,255,8006,8026"
            },
        ]
    );
    assert_eq!(
        d.warnings[0].to_string(),
        "AI (10) is normally accompanied by (01), (02), (03), (8006) or (8026)"
    );
    assert_eq!(d.lot(), Some("ABC"));
}

#[test]
fn invalid_pairings_and_repeats_are_warnings() {
    let d = ok("(01)09501101530003(37)5");
    assert!(d.warnings.contains(&Warning::Excluded {
        ai: "01".into(),
        other: "37".into()
    }));
    assert!(
        d.warnings
            .iter()
            .any(|w| w.to_string().contains("(00) with (02)"))
    );
    let d = ok("(01)09501101530003(3102)000500(3103)000050");
    assert_eq!(
        d.warnings,
        [Warning::Excluded {
            ai: "3102".into(),
            other: "3103".into()
        }]
    );
    let d = ok("(01)09501101530003(10)A(10)A");
    assert_eq!(d.warnings, [Warning::Repeated { ai: "10".into() }]);
    assert_eq!(d.elements.len(), 3);
}

// ---------------------------------------------------------------------------
// The AI table against the dictionary's own rules
// ---------------------------------------------------------------------------

#[test]
fn table_is_complete_ordered_and_prefix_free() {
    assert_eq!(AI_TABLE.len(), 224, "one row per dictionary line");
    let all: Vec<String> = AI_TABLE
        .iter()
        .flat_map(|e| {
            let first: u32 = e.first.parse().expect("numeric");
            let last: u32 = e.last.parse().expect("numeric");
            let width = e.first.len();
            (first..=last).map(move |n| format!("{n:0width$}"))
        })
        .collect();
    for (i, a) in all.iter().enumerate() {
        assert!((2..=4).contains(&a.len()), "{a}");
        assert_eq!(ai_table::lookup(a).map(|e| e.first.len()), Some(a.len()));
        for b in &all[i + 1..] {
            assert!(
                !b.starts_with(a.as_str()) && !a.starts_with(b.as_str()),
                "{a} / {b}"
            );
        }
    }
    for pair in AI_TABLE.windows(2) {
        assert!(
            pair[0].first < pair[1].first,
            "lexical order: {}",
            pair[1].first
        );
    }
    for ai in [
        "3103", "3695", "7035", "91", "95", "99", "8200", "717", "8043",
    ] {
        assert!(ai_table::lookup(ai).is_some(), "{ai}");
    }
    for ai in [
        "3106", "3700", "04", "14", "23", "9", "00000", "7260", "8201",
    ] {
        assert!(ai_table::lookup(ai).is_none(), "{ai}");
    }
}

#[test]
fn predefined_length_flags_match_the_general_specifications_table() {
    for entry in AI_TABLE {
        let prefix = &entry.first[..2];
        let predefined = PREDEFINED_LENGTHS.iter().find(|(p, _)| *p == prefix);
        assert_eq!(
            entry.predefined_length,
            predefined.is_some(),
            "{}",
            entry.first
        );
        if let Some((_, total)) = predefined {
            assert_eq!(
                entry.fixed_length().map(|n| n + entry.first.len()),
                Some(*total)
            );
        }
    }
}

#[test]
fn typed_components_say_what_the_spec_string_says() {
    for entry in AI_TABLE {
        let rebuilt: Vec<String> = entry
            .components
            .iter()
            .map(|c| {
                let mut s = c.to_string();
                for l in c.linters {
                    s.push(',');
                    s.push_str(l.name());
                }
                s
            })
            .collect();
        assert_eq!(rebuilt.join(" "), entry.spec, "AI {}", entry.first);
        // Only the final component may vary in length, and no mandatory
        // component follows an optional one.
        let n = entry.components.len();
        for (i, c) in entry.components.iter().enumerate() {
            assert!(c.is_fixed() || i == n - 1, "AI {}", entry.first);
            if c.optional {
                assert!(
                    entry.components[i..].iter().all(|d| d.optional),
                    "AI {}",
                    entry.first
                );
            }
        }
    }
    let gtin = ai_table::lookup("01").expect("01");
    assert_eq!(gtin.format(), "N14");
    assert_eq!(gtin.title, "GTIN");
    assert_eq!(
        ai_table::lookup("7030").map(AiEntry::format).as_deref(),
        Some("N3+X..27")
    );
    assert_eq!(
        ai_table::lookup("253").map(AiEntry::format).as_deref(),
        Some("N13+[X..17]")
    );
    assert_eq!(
        ai_table::lookup("8010").map(|e| e.components[0].cset),
        Some(Cset::Y)
    );
}

#[test]
fn every_entry_accepts_a_generated_value() {
    // A value of maximum length for each entry, built from its components,
    // is accepted: the table and the validator agree on every AI.
    let today = day(2025, 6, 15);
    for entry in AI_TABLE {
        let value = max_value(entry);
        let result = super::validate::validate_value(entry.first, entry, &value, today);
        assert_eq!(result, Ok(()), "AI {} value {value:?}", entry.first);
    }
}

fn max_value(entry: &AiEntry) -> String {
    let mut value = String::new();
    for c in entry.components {
        let part: String = match c.linters.first() {
            Some(Linter::Csum) => {
                let body: String = "0614141234567890123456789"
                    .chars()
                    .take(c.max - 1)
                    .collect();
                let check = compute_check_digit(&body).expect("digits");
                format!("{body}{check}")
            }
            Some(Linter::CsumAlpha) => "1987654Ad4X4bL5ttr2310c2K".to_owned(),
            Some(Linter::Yymmd0 | Linter::Yymmdd) => "261231".to_owned(),
            Some(Linter::Yyyymmdd) => "20261231".to_owned(),
            Some(Linter::Hhmi) => "2359".to_owned(),
            Some(Linter::Hh) => "23".to_owned(),
            Some(Linter::Mi | Linter::Ss) => "59".to_owned(),
            Some(Linter::Hyphen) => "-".to_owned(),
            Some(Linter::Zero) => "0".to_owned(),
            Some(Linter::Winding) => "9".to_owned(),
            Some(Linter::YesNo) => "1".to_owned(),
            Some(Linter::Iso5218) => "2".to_owned(),
            Some(Linter::MediaType) => "80".to_owned(),
            Some(Linter::Latitude) => "1800000000".to_owned(),
            Some(Linter::Longitude) => "3600000000".to_owned(),
            Some(Linter::PieceOfTotal) => "0102".to_owned(),
            Some(Linter::PosInSeqSlash) => "1/2".to_owned(),
            Some(Linter::Iban) => "GB82WEST12345698765432".to_owned(),
            Some(Linter::ImporterIdx) => "_".to_owned(),
            _ => {
                let unit = match c.cset {
                    Cset::N => '1',
                    Cset::X | Cset::Y | Cset::Z => 'A',
                };
                // Keep a leading GS1 Company Prefix of digits for keys.
                let mut s: String = std::iter::repeat_n(unit, c.max).collect();
                if c.linters.contains(&Linter::Gcppos1) {
                    s.replace_range(..4, "0614");
                }
                s
            }
        };
        value.push_str(&part);
    }
    value
}

#[test]
fn gs1_error_messages_name_ai_and_value() {
    let e = err("(17)261331");
    assert_eq!(
        e,
        Gs1Error::InvalidDate {
            ai: "17".into(),
            value: "261331".into(),
            problem: DateProblem::Month(13),
        }
    );
    // Control characters are escaped, never printed raw.
    let e = err("(10)A\u{7}B");
    assert!(e.to_string().contains("\\u{7}"), "{e}");
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

/// One valid element, as (AI, value), for the structured property tests.
fn valid_element() -> impl Strategy<Value = (String, String)> {
    // CSET 82 without '<', so that a value never spells the text "<GS>".
    let cset82 = "[!-\"%-/0-9:;=-?A-Z_a-z]";
    prop_oneof![
        Just(("01".to_owned(), GTIN.to_owned())),
        Just(("00".to_owned(), SSCC.to_owned())),
        Just(("410".to_owned(), GLN.to_owned())),
        (0u32..100, 1u32..13, 0u32..=28)
            .prop_map(|(y, m, d)| ("17".to_owned(), format!("{y:02}{m:02}{d:02}"))),
        (0u32..100, 1u32..13, 1u32..=28)
            .prop_map(|(y, m, d)| ("11".to_owned(), format!("{y:02}{m:02}{d:02}"))),
        proptest::string::string_regex(&format!("{cset82}{{1,20}}"))
            .expect("regex")
            .prop_map(|v| ("10".to_owned(), v)),
        proptest::string::string_regex(&format!("{cset82}{{1,20}}"))
            .expect("regex")
            .prop_map(|v| ("21".to_owned(), v)),
        (1u64..99_999_999).prop_map(|n| ("30".to_owned(), n.to_string())),
        (0u32..6, 0u32..1_000_000).prop_map(|(d, v)| (format!("310{d}"), format!("{v:06}"))),
        proptest::string::string_regex("[0-9]{4}[A-Z0-9]{0,26}")
            .expect("regex")
            .prop_map(|v| ("8004".to_owned(), v)),
    ]
}

/// Elements with distinct AIs (so no conflicting duplicates).
fn valid_elements() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec(valid_element(), 1..6).prop_map(|v| {
        let mut seen = Vec::new();
        v.into_iter()
            .filter(|(ai, _)| {
                let fresh = !seen.contains(ai);
                seen.push(ai.clone());
                fresh
            })
            .collect()
    })
}

/// The raw form of `elements`: separator after every value without a
/// predefined length, the separator spelled as `sep`.
fn raw(elements: &[(String, String)], sep: &str) -> String {
    let mut out = String::new();
    for (ai, value) in elements {
        out.push_str(ai);
        out.push_str(value);
        let predefined = ai_table::lookup(ai).is_some_and(|e| e.predefined_length);
        if !predefined {
            out.push_str(sep);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_any_string(s in ".*", sub in proptest::option::of(any::<char>())) {
        let o = DecodeOptions { today: day(2025, 6, 15), gs_substitute: sub };
        let _ = decode(&s, &o);
    }

    #[test]
    fn decode_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let s = String::from_utf8_lossy(&bytes);
        let _ = decode(&s, &opts());
        let _ = decode(&format!("]C1{s}"), &opts());
        let _ = decode(&format!("(01){s}"), &opts());
    }

    #[test]
    fn decode_never_panics_on_gs1_like_text(
        s in "(\\]([Cde]|Q|J)[0-3])?([0-9()<>GS\\\\]|\u{1d}|[A-Z]){0,60}",
        year in 0i32..9999,
    ) {
        let o = DecodeOptions::new(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default());
        let _ = decode(&s, &o);
    }

    #[test]
    fn valid_structured_input_round_trips(
        elements in valid_elements(),
        sep in prop_oneof![Just(GS), Just("<GS>"), Just("|")],
        symbology in proptest::option::of(proptest::sample::select(Symbology::ALL.to_vec())),
    ) {
        let o = opts().with_gs_substitute('|');
        let prefix = symbology.map_or("", Symbology::identifier);
        let input = format!("{prefix}{}", raw(&elements, sep));
        let decoded = match decode(&input, &o) {
            Ok(d) => d,
            Err(e) => return Err(TestCaseError::fail(format!("{input:?}: {e}"))),
        };
        let expected: Vec<Element> = elements
            .iter()
            .map(|(ai, value)| Element { ai: ai.clone(), value: value.clone() })
            .collect();
        prop_assert_eq!(&decoded.elements, &expected);
        prop_assert_eq!(decoded.symbology, symbology);
        // The bracketed form says the same.
        let again = decode(&decoded.to_bracketed(), &o);
        prop_assert_eq!(again.map(|d| d.elements), Ok(expected));
    }

    #[test]
    fn bracketed_input_built_from_valid_elements_decodes_to_them(
        elements in valid_elements(),
        symbology in proptest::option::of(proptest::sample::select(Symbology::ALL.to_vec())),
    ) {
        // Built by hand, not by `to_bracketed`: "(AI)value" per element,
        // a "(" inside a value written "\(" as the bracketed syntax asks.
        let mut body = String::new();
        for (ai, value) in &elements {
            body.push('(');
            body.push_str(ai);
            body.push(')');
            body.push_str(&value.replace('(', "\\("));
        }
        let input = format!("{}{body}", symbology.map_or("", Symbology::identifier));
        let decoded = match decode(&input, &opts()) {
            Ok(d) => d,
            Err(e) => return Err(TestCaseError::fail(format!("{input:?}: {e}"))),
        };
        let expected: Vec<Element> = elements
            .iter()
            .map(|(ai, value)| Element { ai: ai.clone(), value: value.clone() })
            .collect();
        prop_assert_eq!(&decoded.elements, &expected);
        // And printing it again gives the same text back.
        prop_assert_eq!(decoded.to_bracketed(), body);
    }

    #[test]
    fn near_valid_input_never_panics(
        elements in valid_elements(),
        cut in any::<proptest::sample::Index>(),
        insert in prop_oneof![Just('\u{1d}'), Just('('), Just(')'), Just('\\'), Just('0'), Just('A'), Just(' ')],
        mode in 0u8..3,
        bracketed in any::<bool>(),
    ) {
        let text = if bracketed {
            elements.iter().fold(String::new(), |acc, (a, v)| acc + "(" + a + ")" + v)
        } else {
            raw(&elements, GS)
        };
        let mut chars: Vec<char> = text.chars().collect();
        let at = cut.index(chars.len() + 1);
        match mode {
            0 => chars.insert(at, insert),
            1 if at < chars.len() => { chars.remove(at); }
            _ => chars.truncate(at),
        }
        let mutated: String = chars.into_iter().collect();
        let _ = decode(&mutated, &opts());
    }
}
