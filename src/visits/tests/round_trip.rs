//! Property test: any existing file `enter` accepts keeps every byte, gains the new
//! columns and row, and reads back as the old rows plus the new one.

use super::*;
use proptest::prelude::*;

/// A cell as a CSV writer would encode it: quoted when it must be, or (sometimes)
/// when it need not be.
fn encode_cell(text: &str, always_quote: bool) -> String {
    if always_quote || text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A file as pieces: each record's encoded cells and what follows them (a line
/// ending, maybe blank lines, or nothing at the very end).
fn arb_file() -> impl Strategy<Value = Vec<(String, String)>> {
    let cell = "[a-c ,\"\r\né]{0,5}";
    (0usize..3).prop_flat_map(move |extra_columns| {
        let columns = 2 + extra_columns;
        let ending = prop_oneof![Just("\n"), Just("\r\n")];
        // The date column holds ISO dates (or blanks): any other layout is refused.
        let date = prop_oneof![
            Just(String::new()),
            Just("2026-01-02".to_owned()),
            Just(" 2026-02-30 ".to_owned()),
        ];
        let row = (
            proptest::collection::vec((cell, any::<bool>()), columns),
            (date, any::<bool>()),
            ending.clone(),
            0usize..2,
        )
            .prop_map(|(mut cells, date, ending, blank_lines)| {
                cells[1] = date;
                (cells, ending, blank_lines)
            });
        (proptest::collection::vec(row, 0..5), ending, any::<bool>()).prop_map(
            move |(rows, header_end, final_end)| {
                let mut header: Vec<String> = vec![PATIENT_COLUMN.into(), DATE_COLUMN.into()];
                header.extend((0..extra_columns).map(|c| format!("c{c}")));
                let mut pieces = vec![(header.join(","), header_end.to_owned())];
                for (cells, end, blank_lines) in rows {
                    let line: Vec<String> = cells
                        .iter()
                        .map(|(text, quote)| encode_cell(text, *quote))
                        .collect();
                    pieces.push((line.join(","), end.repeat(1 + blank_lines)));
                }
                if !final_end {
                    pieces.last_mut().unwrap().1.clear();
                }
                pieces
            },
        )
    })
}

/// Pieces a visits file is made of, to build files close to real ones.
fn arb_bytes() -> impl Strategy<Value = Vec<u8>> {
    const PIECES: [&[u8]; 16] = [
        b"\xef\xbb\xbf",
        b"\r",
        b"\n",
        b"\r\n",
        b",",
        b"\"",
        b" ",
        b"patient_id",
        b"date",
        b"phq9_1",
        b"gad7_1",
        b"P1",
        b"2026-05-04",
        b"04/05/2026",
        b"\xe9",
        b"\xef\xbb",
    ];
    let piece = proptest::sample::select(PIECES.to_vec());
    prop_oneof![
        proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat()),
        proptest::collection::vec(any::<u8>(), 0..64),
    ]
}

proptest! {
    /// No file content can make the check or the save panic, and the check before
    /// the questions agrees with the save after them: what the check accepts, the
    /// save can write.
    #[test]
    fn no_file_content_panics(existing in arb_bytes()) {
        let registry = Registry::builtin();
        for visit in [phq9_visit(&registry, "P1"), gad7_visit(&registry, "P\"2")] {
            let check = check_contents("v.csv", Some(&existing), &visit);
            let plan = plan_append("v.csv", Some(&existing), &visit);
            prop_assert_eq!(
                check.is_ok(),
                plan.is_ok(),
                "check {:?} but plan {:?}",
                check,
                plan
            );
            if let Ok(plan) = plan {
                prop_assert_eq!(plan.appended.created, !check.unwrap().exists);
                // The saved file takes the next visit too.
                let next = check_contents("v.csv", Some(&plan.bytes), &visit);
                prop_assert!(next.as_ref().is_ok_and(|c| c.exists), "{:?}", next);
            }
        }
    }

    /// Extending the header changes nothing but the new cells, whatever the quoting,
    /// line endings and blank lines of the file.
    #[test]
    fn header_extension_keeps_every_byte(pieces in arb_file()) {
        let registry = Registry::builtin();
        let gad7 = registry.get("gad7").unwrap();
        let mut form = Form::blank(gad7);
        form.items[0] = Answer::Value(3);
        let visit = Visit {
            patient_id: "P\"1".into(),
            date: date(),
            forms: vec![form],
        };
        let original: String = pieces.iter().flat_map(|(c, e)| [c.as_str(), e.as_str()]).collect();
        let plan = plan_append("v.csv", Some(original.as_bytes()), &visit).unwrap();

        let added = instrument_columns(gad7);
        let mut expected = String::new();
        for (index, (content, ending)) in pieces.iter().enumerate() {
            expected.push_str(content);
            if index == 0 {
                expected.push(',');
                expected.push_str(&added.join(","));
            } else {
                expected.push_str(&",".repeat(added.len()));
            }
            expected.push_str(ending);
        }
        if pieces.last().unwrap().1.is_empty() {
            expected.push_str(if pieces[0].1 == "\r\n" { "\r\n" } else { "\n" });
        }
        let text = String::from_utf8(plan.bytes).unwrap();
        prop_assert!(text.starts_with(&expected), "{text:?}\ndoes not start with\n{expected:?}");
        let mut row = vec!["\"P\"\"1\"", "2026-05-04"];
        row.extend(std::iter::repeat_n("", pieces[0].0.split(',').count() - 2));
        row.push("3");
        row.extend(std::iter::repeat_n("", added.len() - 1));
        let ending = if pieces[0].1 == "\r\n" { "\r\n" } else { "\n" };
        prop_assert_eq!(&text[expected.len()..], format!("{}{ending}", row.join(",")));
        prop_assert_eq!(plan.appended.added_columns, added);
        prop_assert_eq!(plan.appended.line, line_after(expected.as_bytes()));
    }
}
