use super::*;
use crate::redcap::RedcapErrorKind;

const UI_HEADER: &str = "\"Variable / Field Name\",\"Form Name\",\"Section Header\",\"Field Type\",\"Field Label\",\"Choices, Calculations, OR Slider Labels\",\"Field Note\",\"Text Validation Type OR Show Slider Number\",\"Text Validation Min\",\"Text Validation Max\",Identifier?,\"Branching Logic (Show field only if...)\",\"Required Field?\",\"Custom Alignment\",\"Question Number (surveys only)\",\"Matrix Group Name\",\"Matrix Ranking?\",\"Field Annotation\"";

fn read(text: &str) -> Result<Dictionary, RedcapError> {
    Dictionary::read(text.as_bytes(), "dict.csv")
}

#[test]
fn reads_the_web_interface_layout_with_its_types_choices_and_validation() {
    let text = format!(
        "\u{feff}{UI_HEADER}\n\
         study_id,intake,,text,\"Study ID\",,,,,,,,,,,,,\n\
         visit_date,intake,,text,\"Visit date\",,,date_ymd,,,,,,,,,,@TODAY\n\
         phq_1,phq9,,radio,\"Little interest\",\"0, Not at all | 1, Several days | 2, More than half the days, or so | 3, Nearly every day\",,,,,,,,,,,,\"@HIDDEN @SYMSCORE=phq9_1\"\n\
         phq_sum,phq9,,calc,\"Total\",\"sum([phq_1])\",,,,,,,,,,,,\n\
         consent,intake,,yesno,\"Consent?\",,,,,,,,,,,,,\n\
         score_typed,intake,,text,\"Typed\",,,integer,0,27,,,,,,,,\n\
         \"notes\",intake,,notes,\"Notes, with\nline break\",,,,,,,,,,,,,\n\
         after_notes,intake,,truefalse,\"After\",,,,,,,,,,,,,\n"
    );
    let dictionary = read(&text).unwrap();
    assert_eq!(dictionary.record_id().name, "study_id");
    assert_eq!(dictionary.fields().len(), 8);
    let phq = dictionary.field("phq_1").unwrap();
    assert_eq!(phq.form, "phq9");
    assert_eq!(phq.field_type, FieldType::Radio);
    assert_eq!(phq.line, 4);
    assert_eq!(phq.annotation, "@HIDDEN @SYMSCORE=phq9_1");
    assert_eq!(
        phq.choices[2],
        Choice {
            code: "2".into(),
            label: "More than half the days, or so".into()
        }
    );
    assert_eq!(phq.code_for_label(" Nearly every day "), Some("3"));
    assert_eq!(phq.code_for_label("nearly every day"), None);
    let date = dictionary.field("visit_date").unwrap();
    assert_eq!(date.validation.as_deref(), Some("date_ymd"));
    assert!(date.is_date_text());
    let sum = dictionary.field("phq_sum").unwrap();
    assert_eq!(sum.calculation.as_deref(), Some("sum([phq_1])"));
    assert!(sum.choices.is_empty());
    let consent = dictionary.field("consent").unwrap();
    assert_eq!(consent.code_for_label("Yes"), Some("1"));
    assert_eq!(consent.code_for_label("No"), Some("0"));
    let typed = dictionary.field("score_typed").unwrap();
    assert_eq!(
        (typed.min.as_deref(), typed.max.as_deref()),
        (Some("0"), Some("27"))
    );
    assert!(typed.is_integer_text());
    // A line break inside a quoted label: the next row's line is still right.
    assert_eq!(dictionary.field("after_notes").unwrap().line, 10);
    assert_eq!(
        dictionary
            .field("after_notes")
            .unwrap()
            .code_for_label("False"),
        Some("0")
    );
    assert_eq!(dictionary.forms(), ["intake", "phq9"]);
}

#[test]
fn reads_the_api_metadata_layout() {
    let text = "field_name,form_name,section_header,field_type,field_label,select_choices_or_calculations,field_note,text_validation_type_or_show_slider_number,text_validation_min,text_validation_max,identifier,branching_logic,required_field,custom_alignment,question_number,matrix_group_name,matrix_ranking,field_annotation\n\
        record_id,demo,,text,Record,,,,,,,,,,,,,\n\
        gad_1,gad7,,dropdown,Nervous,\"0, Not at all|1, Several days\",,,,,,,,,,,,@SYMSCORE=gad7_1\n\
        vas,gad7,,slider,Slider,\"Low | Mid | High\",,,0,100,,,,,,,,\n";
    let dictionary = read(text).unwrap();
    let gad = dictionary.field("gad_1").unwrap();
    assert_eq!(gad.field_type, FieldType::Dropdown);
    assert_eq!(gad.codes(), "0, 1");
    assert_eq!(gad.annotation, "@SYMSCORE=gad7_1");
    // Slider labels are not coded choices.
    assert!(dictionary.field("vas").unwrap().choices.is_empty());
}

#[test]
fn reads_a_minimal_dictionary_without_validation_or_annotation_columns() {
    let text = "FIELD_NAME , Form_Name,field_type,field_label,select_choices_or_calculations\nid,f,text,Id,\nx,f,Mystery,X,\n";
    let dictionary = read(text).unwrap();
    let x = dictionary.field("x").unwrap();
    assert_eq!(x.field_type, FieldType::Other("mystery".into()));
    assert_eq!(x.validation, None);
    assert_eq!(x.annotation, "");
    assert_eq!(dictionary.annotation_column(), None);
}

#[test]
fn refuses_a_missing_required_column_naming_it_and_the_header() {
    let err = read("field_name,form_name,field_type,field_label\nid,f,text,Id\n").unwrap_err();
    assert_eq!(err.kind, RedcapErrorKind::MissingColumn);
    let text = err.to_string();
    assert!(text.starts_with("dict.csv:1: expected a column named `Choices, Calculations, OR Slider Labels` or `select_choices_or_calculations`, found the columns `field_name`, `form_name`, `field_type`, `field_label`"), "{text}");
}

#[test]
fn refuses_a_row_with_the_wrong_number_of_fields() {
    let err = read("field_name,form_name,field_type,field_label,select_choices_or_calculations\nid,f,text,Id,\nx,f,text\n")
        .unwrap_err();
    assert_eq!(err.kind, RedcapErrorKind::UnequalFields);
    assert_eq!(
        err.to_string(),
        "dict.csv:3: expected 5 fields as in the header (line 1), found 3"
    );
}

#[test]
fn refuses_a_field_defined_twice_naming_both_lines() {
    let err = read("field_name,form_name,field_type,field_label,select_choices_or_calculations\nid,f,text,Id,\nx,f,text,X,\nx,g,text,X,\n")
        .unwrap_err();
    assert_eq!(err.kind, RedcapErrorKind::DuplicateField);
    assert_eq!(
        err.to_string(),
        "dict.csv:4:1: expected each field once, found field `x` again (first on line 3)"
    );
}

#[test]
fn refuses_choices_that_cannot_be_read_naming_the_field_and_what_was_found() {
    let header = "field_name,form_name,field_type,field_label,select_choices_or_calculations\nid,f,text,Id,\n";
    for (choices, found) in [
        ("\"0, No | Yes\"", "`Yes` without a comma"),
        ("\"0, No | , Yes\"", "`, Yes` without a code"),
        ("\"0, No | 0, Yes\"", "code `0` twice"),
        ("", "no choices"),
    ] {
        let err = read(&format!("{header}q,f,radio,Q,{choices}\n")).unwrap_err();
        assert_eq!(err.kind, RedcapErrorKind::Choices);
        assert_eq!(
            err.to_string(),
            format!(
                "dict.csv:3:5: field `q` (radio): expected choices as `code, label | code, label …` with distinct codes, found {found}"
            )
        );
    }
    // A trailing separator is skipped, as REDCap skips it.
    let ok = read(&format!("{header}q,f,checkbox,Q,\"1, A | 2, B |\"\n")).unwrap();
    assert_eq!(ok.field("q").unwrap().codes(), "1, 2");
}

#[test]
fn refuses_an_empty_name_or_form() {
    let header = "field_name,form_name,field_type,field_label,select_choices_or_calculations\nid,f,text,Id,\n";
    let err = read(&format!("{header} ,f,text,X,\n")).unwrap_err();
    assert_eq!(err.kind, RedcapErrorKind::EmptyCell);
    assert_eq!(
        err.to_string(),
        "dict.csv:3:1: expected the field's name, found an empty cell"
    );
    let err = read(&format!("{header}x,,text,X,\n")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "dict.csv:3:2: expected the field's form name, found an empty cell"
    );
}

#[test]
fn refuses_a_dictionary_without_fields_and_an_empty_file() {
    let err = read("field_name,form_name,field_type,field_label,select_choices_or_calculations\n")
        .unwrap_err();
    assert_eq!(err.kind, RedcapErrorKind::NoFields);
    assert_eq!(read("").unwrap_err().kind, RedcapErrorKind::MissingColumn);
}

#[test]
fn refuses_text_that_is_not_utf8_with_its_line_and_column() {
    let mut bytes =
        b"field_name,form_name,field_type,field_label,select_choices_or_calculations\nid,f,text,"
            .to_vec();
    bytes.extend_from_slice(b"\xff\xfe,\n");
    let err = Dictionary::read(bytes.as_slice(), "dict.csv").unwrap_err();
    assert_eq!(err.kind, RedcapErrorKind::NotUtf8);
    assert_eq!(err.location.unwrap().to_string(), "dict.csv:2:4");
}

#[test]
fn refuses_a_file_longer_than_the_limit_without_reading_it_all() {
    let endless = std::io::repeat(b'a');
    let err = Dictionary::read(endless, "/dev/zero").unwrap_err();
    assert_eq!(err.kind, RedcapErrorKind::TooLarge);
}

#[test]
fn refuses_two_columns_of_one_name() {
    let err = read("field_name,Variable / Field Name,form_name,field_type,field_label,select_choices_or_calculations\n").unwrap_err();
    assert_eq!(err.kind, RedcapErrorKind::MissingColumn);
    assert_eq!(err.location.unwrap().to_string(), "dict.csv:1:2");
}

#[test]
fn reads_a_dictionary_of_exactly_the_limit() {
    // "At most 64 MiB": a dictionary of 64 × 1024 × 1024 bytes is read whole.
    let limit = 64 * 1024 * 1024;
    let prefix =
        "field_name,form_name,field_type,field_label,select_choices_or_calculations\nid,f,text,";
    let suffix = ",\n";
    let label = "a".repeat(limit - prefix.len() - suffix.len());
    let text = format!("{prefix}{label}{suffix}");
    assert_eq!(text.len(), limit);
    let dictionary = read(&text).unwrap();
    assert_eq!(dictionary.record_id().label.len(), label.len());
}

#[test]
fn a_line_of_spaces_is_skipped_but_a_row_of_one_cell_is_refused() {
    let header = "field_name,form_name,field_type,field_label,select_choices_or_calculations\nid,f,text,Id,\n";
    let dictionary = read(&format!("{header}   \nx,f,text,X,\n")).unwrap();
    assert_eq!(dictionary.fields().len(), 2);
    assert_eq!(dictionary.field("x").unwrap().line, 4);
    let err = read(&format!("{header}x\n")).unwrap_err();
    assert_eq!(err.kind, RedcapErrorKind::UnequalFields);
    assert_eq!(
        err.to_string(),
        "dict.csv:3: expected 5 fields as in the header (line 1), found 1"
    );
}

#[test]
fn a_failed_read_names_the_file_and_keeps_its_cause() {
    struct Failing;
    impl std::io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("device gone"))
        }
    }
    let err = Dictionary::read(Failing, "dict.csv").unwrap_err();
    assert_eq!(err.kind(), &RedcapErrorKind::Io);
    assert_eq!(err.message(), "read failed");
    assert_eq!(err.to_string(), "dict.csv: read failed");
    let cause = std::error::Error::source(&err).expect("the I/O error is kept");
    assert_eq!(cause.to_string(), "device gone");
}

#[test]
fn only_a_calc_field_with_a_formula_has_a_calculation() {
    let header = "field_name,form_name,field_type,field_label,select_choices_or_calculations\nid,f,text,Id,\n";
    let dictionary = read(&format!(
        "{header}q,f,radio,Q,\"0, No | 1, Yes\"\nempty,f,calc,E,\nsum,f,calc,S,sum([q])\n"
    ))
    .unwrap();
    assert_eq!(dictionary.field("q").unwrap().calculation, None);
    assert_eq!(dictionary.field("empty").unwrap().calculation, None);
    assert_eq!(
        dictionary.field("sum").unwrap().calculation.as_deref(),
        Some("sum([q])")
    );
}
