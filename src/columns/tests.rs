//! Unit tests of the header layer every reader of a visits file shares.

use super::*;

fn names(cells: &[&str]) -> Vec<String> {
    column_names(cells.iter().map(|c| c.as_bytes())).unwrap()
}

#[test]
fn a_name_loses_the_byte_order_mark_of_the_first_cell_and_surrounding_spaces() {
    assert_eq!(
        names(&["\u{feff}\u{feff} patient_id ", " date\t", "\u{feff}x"]),
        ["patient_id", "date", "\u{feff}x"]
    );
}

#[test]
fn a_header_cell_that_is_not_utf8_is_named_by_its_index() {
    let cells: [&[u8]; 3] = [b"patient_id", b"date", b"caf\xe9"];
    let bad = column_names(cells).unwrap_err();
    assert_eq!(
        (bad.index, bad.cell, bad.error.valid_up_to()),
        (2, &b"caf\xe9"[..], 3)
    );
}

#[test]
fn a_duplicate_name_is_an_error_only_when_looked_up() {
    let header = names(&["notes", "patient_id", "notes", "date", "date"]);
    let columns = Columns::new(&header);
    assert_eq!(columns.find("patient_id"), Ok(Some(1)));
    assert_eq!(columns.find("phq9_1"), Ok(None));
    let ambiguous = columns.find("date").unwrap_err();
    assert_eq!(ambiguous.indices, [3, 4]);
    assert_eq!(ambiguous.numbers(), "4, 5");
    // Letter case is part of the name.
    assert_eq!(columns.find("Date"), Ok(None));
}

#[test]
fn an_instrument_owns_its_item_and_unscored_item_columns() {
    let registry = Registry::builtin();
    let phq9 = registry.get("phq9").unwrap();
    let header = names(&["patient_id", "phq9_2", "phq9_1", "phq9_difficulty"]);
    let lookup = Columns::new(&header).instrument(phq9).unwrap();
    let mut items = vec![None; 9];
    items[0] = Some(2);
    items[1] = Some(1);
    assert_eq!(lookup.items, items);
    assert_eq!(lookup.extras, [Some(3)]);
    assert_eq!(instrument_columns(phq9).len(), 10);
    assert_eq!(instrument_columns(phq9)[9], "phq9_difficulty");

    assert_eq!(
        column_owner(&registry, "phq9_9").map(|i| i.id.as_str()),
        Some("phq9")
    );
    assert_eq!(
        column_owner(&registry, "phq9_difficulty").map(|i| i.id.as_str()),
        Some("phq9")
    );
    for not_owned in ["phq9_10", "phq9_01", "phq9_+1", "phq9_0", "phq9", "date"] {
        assert!(column_owner(&registry, not_owned).is_none(), "{not_owned}");
    }
    assert_eq!(item_number(phq9, "phq9_10"), Some(10));
    assert_eq!(item_number(phq9, "phq91_1"), None);
}

#[test]
fn listed_names_are_escaped_and_cut_after_twelve() {
    let header: Vec<String> = (1..=14).map(|n| format!("c{n}")).collect();
    assert_eq!(
        list_names(&header),
        "`c1`, `c2`, `c3`, `c4`, `c5`, `c6`, `c7`, `c8`, `c9`, `c10`, `c11`, `c12`, and 2 more"
    );
    assert!(!list_names(&["a\u{1b}[31m".to_owned()]).contains('\u{1b}'));
}
