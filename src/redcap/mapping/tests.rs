use std::fmt::Write as _;

use super::*;
use crate::redcap::RedcapErrorKind;

const PHQ: &str =
    "0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day";
const HEADER: &str = "field_name,form_name,field_type,field_label,select_choices_or_calculations,text_validation_type_or_show_slider_number,text_validation_min,text_validation_max,field_annotation\n";

/// A row: name, form, type, choices, validation, min, max, annotation.
type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
);

fn dictionary(rows: &[Row<'_>]) -> Dictionary {
    let mut text = String::from(HEADER);
    text.push_str("record_id,intake,text,Record,,,,,\n");
    for (name, form, kind, choices, validation, min, max, annotation) in rows {
        let _ = writeln!(
            text,
            "{name},{form},{kind},Label,\"{choices}\",{validation},{min},{max},\"{annotation}\""
        );
    }
    Dictionary::read(text.as_bytes(), "dict.csv").unwrap()
}

/// `count` radio fields `<prefix><n>` on `form` with `choices`, each annotated by `tag(n)`.
fn radios(
    prefix: &str,
    form: &str,
    count: usize,
    choices: &str,
    tag: impl Fn(usize) -> String,
) -> Vec<(String, String, String, String)> {
    (1..=count)
        .map(|n| {
            (
                format!("{prefix}{n}"),
                form.to_owned(),
                choices.to_owned(),
                tag(n),
            )
        })
        .collect()
}

/// A dictionary from owned radio rows plus borrowed extra rows.
fn with_radios(radio_rows: &[(String, String, String, String)], extra: &[Row<'_>]) -> Dictionary {
    let mut rows: Vec<Row<'_>> = radio_rows
        .iter()
        .map(|(n, f, c, a)| {
            (
                n.as_str(),
                f.as_str(),
                "radio",
                c.as_str(),
                "",
                "",
                "",
                a.as_str(),
            )
        })
        .collect();
    rows.extend_from_slice(extra);
    dictionary(&rows)
}

fn file(text: &str) -> MappingFile {
    MappingFile::read(text.as_bytes(), "map.csv").unwrap()
}

fn resolve(dictionary: &Dictionary, file: Option<&MappingFile>) -> Result<Mapping, RedcapError> {
    Mapping::resolve(dictionary, &Registry::builtin(), file, &[])
}

fn no_tag(_: usize) -> String {
    String::new()
}

/// The error's kind, and its text, which must name every one of `names`.
fn assert_error(err: &RedcapError, kind: &RedcapErrorKind, names: &[&str]) {
    assert_eq!(&err.kind, kind, "{err}");
    let text = err.to_string();
    for name in names {
        assert!(text.contains(name), "`{name}` not in: {text}");
    }
}

fn phq_items(prefix: &str) -> Vec<String> {
    (1..=9).map(|n| format!("{prefix}{n}")).collect()
}

#[test]
fn annotations_map_a_form_whatever_its_name() {
    let rows = radios("q", "mood_survey", 9, PHQ, |n| {
        format!("@HIDDEN @SYMSCORE=phq9_{n} @READONLY")
    });
    let mapping = resolve(&with_radios(&rows, &[]), None).unwrap();
    assert_eq!(mapping.record_id, "record_id");
    assert_eq!(mapping.forms.len(), 1);
    let form = &mapping.forms[0];
    assert_eq!(form.form, "mood_survey");
    assert_eq!(form.instrument, "phq9");
    assert_eq!(form.items, phq_items("q"));
    assert_eq!(form.by, MappedBy::Annotation);
    assert_eq!(form.status_field, "mood_survey_complete");
    assert!(mapping.notices.is_empty());
    assert_eq!(mapping.renames()[8], ("q9".to_owned(), "phq9_9".to_owned()));
}

#[test]
fn the_mapping_file_maps_fields_in_any_order_with_extras_date_and_total() {
    let rows = radios("m", "visit", 9, PHQ, no_tag);
    let dict = with_radios(
        &rows,
        &[
            (
                "diff",
                "visit",
                "dropdown",
                "0, A | 1, B | 2, C | 3, D",
                "",
                "",
                "",
                "",
            ),
            ("seen_on", "visit", "text", "", "date_ymd", "", "", ""),
            (
                "redcap_sum",
                "visit",
                "calc",
                "sum([m1],[m2])",
                "",
                "",
                "",
                "",
            ),
        ],
    );
    let mut text =
        String::from("field,item\nseen_on,date\nredcap_sum,phq9_total\ndiff,phq9_difficulty\n");
    for n in (1..=9).rev() {
        let _ = writeln!(text, "m{n},phq9_{n}");
    }
    let mapping = resolve(&dict, Some(&file(&text))).unwrap();
    let form = &mapping.forms[0];
    assert_eq!(form.by, MappedBy::MappingFile);
    assert_eq!(form.items, phq_items("m"));
    assert_eq!(form.extras, [(0, "diff".to_owned())]);
    assert_eq!(form.total.as_deref(), Some("redcap_sum"));
    assert_eq!(mapping.date_field.as_deref(), Some("seen_on"));
    let renames = mapping.renames();
    assert_eq!(renames.len(), 10);
    assert_eq!(renames[0], ("m1".to_owned(), "phq9_1".to_owned()));
    assert_eq!(
        renames[9],
        ("diff".to_owned(), "phq9_difficulty".to_owned())
    );
}

#[test]
fn guided_default_maps_a_form_named_and_built_like_the_instrument_and_says_so() {
    let rows = radios("phq_", "PHQ9_weekly", 9, PHQ, no_tag);
    let dict = with_radios(
        &rows,
        &[
            (
                "phq_diff",
                "PHQ9_weekly",
                "radio",
                "0, a | 1, b | 2, c | 3, d",
                "",
                "",
                "",
                "",
            ),
            ("phq_note", "PHQ9_weekly", "notes", "", "", "", "", ""),
            (
                "phq_total",
                "PHQ9_weekly",
                "calc",
                "sum( [phq_9],[phq_8],[phq_7],[phq_6],[phq_5],[phq_4],[phq_3],[phq_2],[phq_1] )",
                "",
                "",
                "",
                "",
            ),
        ],
    );
    let mapping = resolve(&dict, None).unwrap();
    let form = &mapping.forms[0];
    assert_eq!(form.by, MappedBy::Guided);
    assert_eq!(form.items, phq_items("phq_"));
    assert_eq!(form.extras, [(0, "phq_diff".to_owned())]);
    assert_eq!(form.total.as_deref(), Some("phq_total"));
    assert_eq!(
        mapping.notices,
        [
            "form `PHQ9_weekly` was mapped to `phq9` by its name and the order of its fields: phq_1..phq_9 -> phq9_1..phq9_9, phq_diff -> phq9_difficulty; if that is wrong, map the form with `@SYMSCORE=` action tags or a mapping file",
            "field `phq_total` on form `PHQ9_weekly` sums the `phq9` items and is read as REDCap's total",
        ]
    );
}

#[test]
fn guided_default_never_maps_on_structure_alone() {
    // Seven 0-3 radio fields: GAD-7's shape, but the form is not named after it.
    let rows = radios("a", "anxiety_screen", 7, PHQ, no_tag);
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::NothingMapped,
        &["`intake`, `anxiety_screen`", "@SYMSCORE=", "field,item"],
    );
}

#[test]
fn a_form_named_like_an_instrument_that_does_not_fit_gets_a_notice_saying_why() {
    let rows = radios("g", "gad7", 6, PHQ, no_tag);
    let phq = radios("p", "phq9", 9, PHQ, no_tag);
    let all: Vec<_> = rows.into_iter().chain(phq).collect();
    let mapping = resolve(&with_radios(&all, &[]), None).unwrap();
    assert_eq!(mapping.forms.len(), 1);
    assert_eq!(
        mapping.notices[0],
        "form `gad7` is named like `gad7` but was not mapped: it has 6 radio or dropdown fields, expected 7, one per item, then up to 1 for its extra items; to score it, map its fields with `@SYMSCORE=gad7_1` action tags in the data dictionary or with a mapping file"
    );
    // Right count, wrong codes: the notice names the field and both codes.
    let rows = radios("g", "gad7", 7, "1, a | 2, b | 3, c | 4, d", no_tag);
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::NothingMapped,
        &[
            "form `gad7` is named like `gad7`",
            "(`g1`) has the choice codes 1, 2, 3, 4, expected the scale's codes 0, 1, 2, 3",
        ],
    );
}

#[test]
fn an_annotation_and_the_file_may_agree_and_an_explicit_form_is_not_guessed_at() {
    let rows = radios("p", "phq9", 9, PHQ, |n| format!("@SYMSCORE=phq9_{n}"));
    let map = file("field,item\np1,phq9_1\n");
    let mapping = resolve(&with_radios(&rows, &[]), Some(&map)).unwrap();
    assert_eq!(mapping.forms[0].by, MappedBy::Annotation);
    // Precedence: the form is mapped explicitly, so the guided default (which would read
    // the fields in their dictionary order) is not applied to it, and it says nothing.
    let rows = radios("p", "phq9", 9, PHQ, no_tag);
    let mut text = String::from("field,item\n");
    for n in 1..=9 {
        let _ = writeln!(text, "p{n},phq9_{}", 10 - n);
    }
    let mapping = resolve(&with_radios(&rows, &[]), Some(&file(&text))).unwrap();
    assert_eq!(mapping.forms[0].by, MappedBy::MappingFile);
    assert_eq!(mapping.forms[0].items[0], "p9");
    assert!(mapping.notices.is_empty());
}

#[test]
fn an_instrument_mapped_explicitly_is_not_guessed_on_another_form() {
    let explicit = radios("x", "mood", 9, PHQ, |n| format!("@SYMSCORE=phq9_{n}"));
    let lookalike = radios("p", "phq9_old", 9, PHQ, no_tag);
    let all: Vec<_> = explicit.into_iter().chain(lookalike).collect();
    let mapping = resolve(&with_radios(&all, &[]), None).unwrap();
    assert_eq!(mapping.forms.len(), 1);
    assert_eq!(mapping.forms[0].form, "mood");
}

#[test]
fn refuses_an_unknown_field_naming_the_file_line() {
    let rows = radios("p", "phq9", 9, PHQ, no_tag);
    let err = resolve(
        &with_radios(&rows, &[]),
        Some(&file("field,item\np1,phq9_1\nphq_01,phq9_2\n")),
    )
    .unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::UnknownField,
        &["map.csv:3:1:", "`phq_01`", "dict.csv"],
    );
}

#[test]
fn refuses_an_unknown_instrument_or_item_or_a_bad_target() {
    let rows = radios("p", "phq9", 9, PHQ, no_tag);
    let dict = with_radios(&rows, &[]);
    let err = resolve(&dict, Some(&file("field,item\np1,phq9_10\n"))).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::UnknownItem,
        &[
            "map.csv:2:2:",
            "`p1`",
            "`phq9`",
            "`phq9_10` is not an item",
            "`phq9_1` to `phq9_9`",
        ],
    );
    let err = resolve(&dict, Some(&file("field,item\np1,bdi_1\n"))).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::UnknownInstrument,
        &["`bdi_1`", "`phq9`, `gad7`, `pcl5`"],
    );
    let rows = radios("p", "phq9", 9, PHQ, |n| {
        if n == 2 {
            "@SYMSCORE".into()
        } else {
            String::new()
        }
    });
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::BadTarget,
        &["dict.csv:4:9:", "`p2`", "found nothing"],
    );
    let err = Mapping::resolve(&dict, &Registry::builtin(), None, &["bdi".to_owned()]).unwrap_err();
    assert_error(&err, &RedcapErrorKind::UnknownInstrument, &["`bdi`"]);
}

#[test]
fn refuses_two_fields_to_one_item_naming_both() {
    let rows = radios("p", "phq9", 9, PHQ, |n| {
        format!("@SYMSCORE=phq9_{}", n.min(8))
    });
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::ItemTwice,
        &["field `p9` on form `phq9`", "field `p8`", "`phq9_8`"],
    );
}

#[test]
fn refuses_a_field_mapped_differently_by_annotation_and_file() {
    let rows = radios("p", "phq9", 9, PHQ, |n| format!("@SYMSCORE=phq9_{n}"));
    let err = resolve(
        &with_radios(&rows, &[]),
        Some(&file("field,item\np3,phq9_4\n")),
    )
    .unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::FieldTwice,
        &[
            "map.csv:2:2:",
            "field `p3` on form `phq9`",
            "`phq9_4` here",
            "`phq9_3` by its annotation (dict.csv:5:9)",
        ],
    );
    let rows = radios("p", "phq9", 9, PHQ, |n| {
        format!("@SYMSCORE=phq9_{n} @SYMSCORE='phq9_1'")
    });
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::FieldTwice,
        &["field `p2`", "`phq9_2` and `phq9_1`"],
    );
}

#[test]
fn refuses_a_partial_instrument_naming_the_missing_items() {
    let rows = radios("p", "phq9", 9, PHQ, |n| {
        if n == 9 || n == 4 {
            String::new()
        } else {
            format!("@SYMSCORE=phq9_{n}")
        }
    });
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::IncompleteInstrument,
        &[
            "`phq9`",
            "form `phq9`",
            "2 of its 9 items: `phq9_4`, `phq9_9`",
        ],
    );
    // A total alone is not an instrument either.
    let dict = dictionary(&[(
        "t",
        "phq9",
        "calc",
        "sum([a])",
        "",
        "",
        "",
        "@SYMSCORE=phq9_total",
    )]);
    let err = resolve(&dict, None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::IncompleteInstrument,
        &["9 of its 9 items"],
    );
}

#[test]
fn refuses_one_instrument_on_two_forms() {
    let rows: Vec<_> = radios("p", "phq9_a", 9, PHQ, |n| format!("@SYMSCORE=phq9_{n}"))
        .into_iter()
        .map(|(name, form, c, a)| {
            if name == "p9" {
                (name, "phq9_b".to_owned(), c, a)
            } else {
                (name, form, c, a)
            }
        })
        .collect();
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::InstrumentOnTwoForms,
        &[
            "form `phq9_a` (p1)",
            "form `phq9_b` (p9)",
            "one form per instrument",
        ],
    );
    // Two forms that both fit by the guided default.
    let two: Vec<_> = radios("a", "phq9_baseline", 9, PHQ, no_tag)
        .into_iter()
        .chain(radios("b", "phq9_followup", 9, PHQ, no_tag))
        .collect();
    let err = resolve(&with_radios(&two, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::InstrumentOnTwoForms,
        &["`phq9_baseline` and `phq9_followup`", "`phq9`"],
    );
}

#[test]
fn refuses_a_field_that_cannot_hold_an_answer() {
    for (kind, validation, shown) in [
        ("checkbox", "", "`checkbox`"),
        ("calc", "", "`calc`"),
        ("notes", "", "`notes`"),
        ("text", "", "`text`"),
        ("text", "number", "text (`number`)"),
    ] {
        let choices = if kind == "checkbox" { PHQ } else { "" };
        let mut rows = radios("p", "phq9", 9, PHQ, |n| format!("@SYMSCORE=phq9_{n}"));
        rows.pop();
        let dict = with_radios(
            &rows,
            &[(
                "p9",
                "phq9",
                kind,
                choices,
                validation,
                "",
                "",
                "@SYMSCORE=phq9_9",
            )],
        );
        let err = resolve(&dict, None).unwrap_err();
        assert_error(
            &err,
            &RedcapErrorKind::NotAnAnswerField,
            &[
                "field `p9` on form `phq9`",
                shown,
                "item `phq9_9`",
                "0, 1, 2, 3",
            ],
        );
    }
}

#[test]
fn refuses_choice_codes_that_are_not_the_scale_naming_both() {
    let rows = radios(
        "p",
        "phq9",
        9,
        "1, Not at all | 2, Several days | 3, More | 4, Nearly",
        |n| format!("@SYMSCORE=phq9_{n}"),
    );
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::ScaleMismatch,
        &[
            "field `p1` on form `phq9`",
            "the choice codes 1, 2, 3, 4",
            "item `phq9_1`'s scale, 0, 1, 2, 3 (0 to 3)",
        ],
    );
    // An extra code (`99, Refused`) and a padded code (`01`) are mismatches too.
    for choices in [
        "0, a | 1, b | 2, c | 3, d | 99, Refused",
        "0, a | 01, b | 2, c | 3, d",
    ] {
        let rows = radios("p", "phq9", 9, choices, |n| format!("@SYMSCORE=phq9_{n}"));
        let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
        assert_eq!(err.kind, RedcapErrorKind::ScaleMismatch, "{choices}");
    }
    // Codes in another order are the same scale.
    let rows = radios("p", "phq9", 9, "3, d | 2, c | 1, b | 0, a", |n| {
        format!("@SYMSCORE=phq9_{n}")
    });
    assert!(resolve(&with_radios(&rows, &[]), None).is_ok());
}

#[test]
fn accepts_an_integer_text_field_only_with_the_scale_as_its_limits() {
    let mut rows = radios("p", "phq9", 9, PHQ, |n| format!("@SYMSCORE=phq9_{n}"));
    rows.pop();
    let ok = with_radios(
        &rows,
        &[(
            "p9",
            "phq9",
            "text",
            "",
            "integer",
            "0",
            "3",
            "@SYMSCORE=phq9_9",
        )],
    );
    assert!(resolve(&ok, None).is_ok());
    let wrong = with_radios(
        &rows,
        &[(
            "p9",
            "phq9",
            "text",
            "",
            "integer",
            "0",
            "",
            "@SYMSCORE=phq9_9",
        )],
    );
    let err = resolve(&wrong, None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::ScaleMismatch,
        &[
            "field `p9` on form `phq9`",
            "limits 0 to (none)",
            "limits 0 to 3",
        ],
    );
}

#[test]
fn refuses_a_date_target_that_is_not_a_date_field_and_two_dates() {
    let rows = radios("p", "phq9", 9, PHQ, no_tag);
    let dict = with_radios(
        &rows,
        &[
            ("when", "intake", "text", "", "", "", "", "@SYMSCORE=date"),
            (
                "d1",
                "intake",
                "text",
                "",
                "datetime_seconds_dmy",
                "",
                "",
                "",
            ),
            ("d2", "phq9", "text", "", "date_mdy", "", "", ""),
        ],
    );
    let err = resolve(&dict, None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::NotADateField,
        &["field `when` on form `intake`", "date"],
    );
    let dict = with_radios(
        &rows,
        &[
            (
                "d1",
                "intake",
                "text",
                "",
                "datetime_seconds_dmy",
                "",
                "",
                "@SYMSCORE=date",
            ),
            (
                "d2",
                "phq9",
                "text",
                "",
                "date_mdy",
                "",
                "",
                "@SYMSCORE=date",
            ),
        ],
    );
    let err = resolve(&dict, None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::ItemTwice,
        &[
            "field `d2` on form `phq9`",
            "field `d1` on form `intake`",
            "`date`",
        ],
    );
    let map = file("field,item\nd1,date\n");
    let dict = with_radios(
        &rows,
        &[("d1", "intake", "text", "", "date_ymd", "", "", "")],
    );
    assert_eq!(
        resolve(&dict, Some(&map)).unwrap().date_field.as_deref(),
        Some("d1")
    );
}

#[test]
fn refuses_a_total_on_a_field_that_cannot_hold_one() {
    let rows = radios("p", "phq9", 9, PHQ, no_tag);
    let dict = with_radios(
        &rows,
        &[(
            "t",
            "phq9",
            "radio",
            "0, a | 1, b",
            "",
            "",
            "",
            "@SYMSCORE=phq9_total",
        )],
    );
    let err = resolve(&dict, None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::NotATotalField,
        &["field `t` on form `phq9`", "`phq9_total`"],
    );
}

#[test]
fn refuses_nothing_mapped_naming_the_forms() {
    let dict = dictionary(&[("age", "demographics", "text", "", "integer", "", "", "")]);
    let err = resolve(&dict, None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::NothingMapped,
        &[
            "dict.csv:",
            "`intake`, `demographics`",
            "@SYMSCORE=phq9_1",
            "`field,item`",
        ],
    );
    assert!(
        !err.to_string().contains("--"),
        "library messages name no flag: {err}"
    );
}

#[test]
fn only_restricts_the_instruments_and_each_one_asked_for_must_be_mapped() {
    let phq = radios("p", "phq9", 9, PHQ, no_tag);
    // GAD-7 is badly mapped, but only PHQ-9 is asked for: its mapping is not checked.
    let gad = radios("g", "gad_form", 7, "1, a | 2, b | 3, c | 4, d", |n| {
        format!("@SYMSCORE=gad7_{n}")
    });
    let dict = with_radios(&phq.into_iter().chain(gad).collect::<Vec<_>>(), &[]);
    let registry = Registry::builtin();
    let mapping = Mapping::resolve(&dict, &registry, None, &["phq9".to_owned()]).unwrap();
    assert_eq!(mapping.forms.len(), 1);
    assert_eq!(mapping.forms[0].instrument, "phq9");
    let err = Mapping::resolve(&dict, &registry, None, &[]).unwrap_err();
    assert_eq!(err.kind, RedcapErrorKind::ScaleMismatch);
    let err = Mapping::resolve(
        &dict,
        &registry,
        None,
        &["phq9".to_owned(), "pcl5".to_owned()],
    )
    .unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::InstrumentNotMapped,
        &["`pcl5`", "`phq9`, `gad_form`"],
    );
}

#[test]
fn renames_are_in_dictionary_order_across_forms() {
    let gad = radios("g", "gad7", 7, PHQ, no_tag);
    let phq = radios("p", "phq9", 9, PHQ, no_tag);
    let dict = with_radios(&gad.into_iter().chain(phq).collect::<Vec<_>>(), &[]);
    let mapping = resolve(&dict, None).unwrap();
    assert_eq!(
        mapping
            .forms
            .iter()
            .map(|f| f.instrument.as_str())
            .collect::<Vec<_>>(),
        ["gad7", "phq9"]
    );
    let renames = mapping.renames();
    assert_eq!(renames.len(), 16);
    assert_eq!(renames[0], ("g1".to_owned(), "gad7_1".to_owned()));
    assert_eq!(renames[7], ("p1".to_owned(), "phq9_1".to_owned()));
}

#[test]
fn a_calculation_that_is_not_a_plain_sum_of_the_items_is_not_a_total() {
    let rows = radios("phq_", "phq9", 9, PHQ, no_tag);
    let sum_of_eight = (1..=8)
        .map(|n| format!("[phq_{n}]"))
        .collect::<Vec<_>>()
        .join(",");
    let all_nine = (1..=9)
        .map(|n| format!("[phq_{n}]"))
        .collect::<Vec<_>>()
        .join(",");
    let dict = with_radios(
        &rows,
        &[
            (
                "s8",
                "phq9",
                "calc",
                &format!("sum({sum_of_eight})"),
                "",
                "",
                "",
                "",
            ),
            (
                "s9x2",
                "phq9",
                "calc",
                &format!("2*sum({all_nine})"),
                "",
                "",
                "",
                "",
            ),
            (
                "mean",
                "phq9",
                "calc",
                &format!("mean({all_nine})"),
                "",
                "",
                "",
                "",
            ),
        ],
    );
    let mapping = resolve(&dict, None).unwrap();
    assert_eq!(mapping.forms[0].total, None);
}

#[test]
fn guided_default_says_which_count_or_field_does_not_fit() {
    // PHQ-9: 9 items and 1 extra item, so 11 answer fields are too many.
    let rows = radios("p", "phq9", 11, PHQ, no_tag);
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::NothingMapped,
        &[
            "form `phq9` is named like `phq9` but was not mapped: it has 11 radio or dropdown fields, expected 9, one per item, then up to 1 for its extra items; ",
        ],
    );
    // PCL-5 has no extra items: 19 fields of its 0-4 scale are one short of its 20 items.
    let rows = radios("c", "pcl5", 19, "0, a | 1, b | 2, c | 3, d | 4, e", no_tag);
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::NothingMapped,
        &[
            "form `pcl5` is named like `pcl5` but was not mapped: it has 19 radio or dropdown fields, expected 20, one per item; ",
        ],
    );
    // The third item's field is coded 1 to 4.
    let mut rows = radios("g", "gad7", 7, PHQ, no_tag);
    rows[2].2 = "1, a | 2, b | 3, c | 4, d".to_owned();
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::NothingMapped,
        &[
            "its radio or dropdown field number 3 (`g3`) has the choice codes 1, 2, 3, 4, expected the scale's codes 0, 1, 2, 3",
        ],
    );
    // The field after the nine items, read as the difficulty item, is coded 1 to 2.
    let mut rows = radios("p", "phq9", 10, PHQ, no_tag);
    rows[9].2 = "1, a | 2, b".to_owned();
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::NothingMapped,
        &[
            "its field `p10` after the items, read as extra item `phq9_difficulty`, has the choice codes 1, 2, expected 0, 1, 2, 3",
        ],
    );
}

#[test]
fn a_signed_code_is_not_a_plain_number_and_a_slider_is_named_as_one() {
    // `+1` parses as 1 but is not written as REDCap writes a code: a mismatch.
    let rows = radios("p", "phq9", 9, "0, a | +1, b | 2, c | 3, d", |n| {
        format!("@SYMSCORE=phq9_{n}")
    });
    let err = resolve(&with_radios(&rows, &[]), None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::ScaleMismatch,
        &["the choice codes 0, +1, 2, 3"],
    );
    // A slider's validation column says `number` (show the number): it is still a slider.
    let mut rows = radios("p", "phq9", 9, PHQ, |n| format!("@SYMSCORE=phq9_{n}"));
    rows.pop();
    let dict = with_radios(
        &rows,
        &[(
            "p9",
            "phq9",
            "slider",
            "",
            "number",
            "",
            "",
            "@SYMSCORE=phq9_9",
        )],
    );
    let err = resolve(&dict, None).unwrap_err();
    assert_error(
        &err,
        &RedcapErrorKind::NotAnAnswerField,
        &["field `p9` on form `phq9` (dictionary line 11) is a `slider` field"],
    );
}

#[test]
fn two_instruments_on_one_form_are_in_registry_order() {
    // GAD-7's fields come first on the form; the registry lists PHQ-9 first.
    let gad = radios("g", "screening", 7, PHQ, |n| format!("@SYMSCORE=gad7_{n}"));
    let phq = radios("p", "screening", 9, PHQ, |n| format!("@SYMSCORE=phq9_{n}"));
    let dict = with_radios(&gad.into_iter().chain(phq).collect::<Vec<_>>(), &[]);
    let mapping = resolve(&dict, None).unwrap();
    let instruments: Vec<&str> = mapping
        .forms
        .iter()
        .map(|f| f.instrument.as_str())
        .collect();
    assert_eq!(instruments, ["phq9", "gad7"]);
}

#[test]
fn guided_notice_lists_every_pair_when_the_fields_are_not_one_numbered_run() {
    // Each field ends in its item's number, but the names before it differ.
    let names = ["a1", "b2", "c3", "d4", "e5", "f6", "g7"];
    let rows: Vec<(String, String, String, String)> = names
        .iter()
        .map(|n| {
            (
                (*n).to_owned(),
                "gad7".to_owned(),
                PHQ.to_owned(),
                String::new(),
            )
        })
        .collect();
    let mapping = resolve(&with_radios(&rows, &[]), None).unwrap();
    assert_eq!(
        mapping.notices[0],
        "form `gad7` was mapped to `gad7` by its name and the order of its fields: a1 -> gad7_1, b2 -> gad7_2, c3 -> gad7_3, d4 -> gad7_4, e5 -> gad7_5, f6 -> gad7_6, g7 -> gad7_7; if that is wrong, map the form with `@SYMSCORE=` action tags or a mapping file"
    );
}

#[test]
fn a_sum_of_the_items_on_another_form_is_not_the_form_s_total() {
    let rows = radios("phq_", "phq9", 9, PHQ, no_tag);
    let all_nine = (1..=9)
        .map(|n| format!("[phq_{n}]"))
        .collect::<Vec<_>>()
        .join(",");
    let formula = format!("sum({all_nine})");
    let dict = with_radios(
        &rows,
        &[("scores_phq", "scores", "calc", &formula, "", "", "", "")],
    );
    let mapping = resolve(&dict, None).unwrap();
    assert_eq!(mapping.forms[0].total, None);
    assert_eq!(mapping.notices.len(), 1, "{:?}", mapping.notices);
}

#[test]
fn guided_default_finds_a_form_named_after_the_instrument_s_name_not_its_id() {
    // A clinic's own instrument `mood2` named "Patient Health Questionnaire-2 (PHQ-2)":
    // a form named like that name, and not containing the id, is named after it.
    let dir = tempfile::tempdir().unwrap();
    let definition =
        include_str!("../../../examples/screen2.json").replace("\"phq2\"", "\"mood2\"");
    std::fs::write(dir.path().join("mood2.json"), definition).unwrap();
    let mut registry = Registry::builtin();
    registry.load_dir(dir.path()).unwrap();
    let form = "Patient Health Questionnaire-2 (PHQ-2)";
    let rows = radios("m", form, 2, PHQ, no_tag);
    let mapping = Mapping::resolve(&with_radios(&rows, &[]), &registry, None, &[]).unwrap();
    assert_eq!(mapping.forms.len(), 1);
    assert_eq!(mapping.forms[0].instrument, "mood2");
    assert_eq!(mapping.forms[0].items, ["m1", "m2"]);
    // Two pairs are listed, not written as a run.
    assert_eq!(
        mapping.notices[0],
        "form `Patient Health Questionnaire-2 (PHQ-2)` was mapped to `mood2` by its name and the order of its fields: m1 -> mood2_1, m2 -> mood2_2; if that is wrong, map the form with `@SYMSCORE=` action tags or a mapping file"
    );
}

#[test]
fn guided_notice_writes_three_numbered_fields_as_a_run() {
    // The PHQ-2 example with a third item (and its top band widened to 9): three pairs
    // numbered alike are the shortest run written compactly.
    let dir = tempfile::tempdir().unwrap();
    let definition = include_str!("../../../examples/screen2.json")
        .replace("\"phq2\"", "\"mood3\"")
        .replace(
            "\"loinc\": \"44255-8\" }",
            "\"loinc\": \"44255-8\" },\n    { \"number\": 3, \"label\": \"a third item\" }",
        )
        .replace("\"min\": 3, \"max\": 6", "\"min\": 3, \"max\": 9");
    std::fs::write(dir.path().join("mood3.json"), definition).unwrap();
    let mut registry = Registry::builtin();
    registry.load_dir(dir.path()).unwrap();
    let rows = radios("m", "mood3 form", 3, PHQ, no_tag);
    let mapping = Mapping::resolve(&with_radios(&rows, &[]), &registry, None, &[]).unwrap();
    assert_eq!(mapping.forms[0].items, ["m1", "m2", "m3"]);
    assert_eq!(
        mapping.notices[0],
        "form `mood3 form` was mapped to `mood3` by its name and the order of its fields: m1..m3 -> mood3_1..mood3_3; if that is wrong, map the form with `@SYMSCORE=` action tags or a mapping file"
    );
}

#[test]
fn a_form_with_another_instrument_mapped_explicitly_is_not_guessed_at() {
    // Form `phq9` holds nine untagged 0-3 radios, and the GAD-7 as integer fields tagged
    // `@SYMSCORE=gad7_n`. The form is mapped explicitly (to GAD-7), so the guided default
    // does not read its radios as a PHQ-9, although their name and shape fit.
    let phq = radios("p", "phq9", 9, PHQ, no_tag);
    let tags: Vec<String> = (1..=7).map(|n| format!("@SYMSCORE=gad7_{n}")).collect();
    let names: Vec<String> = (1..=7).map(|n| format!("g{n}")).collect();
    let gad: Vec<Row<'_>> = (0..7)
        .map(|i| {
            (
                names[i].as_str(),
                "phq9",
                "text",
                "",
                "integer",
                "0",
                "3",
                tags[i].as_str(),
            )
        })
        .collect();
    let mapping = resolve(&with_radios(&phq, &gad), None).unwrap();
    let instruments: Vec<&str> = mapping
        .forms
        .iter()
        .map(|f| f.instrument.as_str())
        .collect();
    assert_eq!(instruments, ["gad7"]);
    assert!(mapping.notices.is_empty(), "{:?}", mapping.notices);
}
