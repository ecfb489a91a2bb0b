//! The row splitter against the csv crate: fields, lines, limits, and a proptest on any bytes.

use super::{Row, RowReader};
use crate::batch::test_input::Chunked;
use proptest::prelude::*;

/// Every row as (line, fields).
fn rows(input: &[u8], chunk: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
    let mut reader = RowReader::new(Chunked(input, chunk), b',');
    let mut row = Row::default();
    let mut all = Vec::new();
    while reader.read(&mut row).unwrap() {
        all.push((row.line(), row.iter().map(<[u8]>::to_vec).collect()));
    }
    assert!(reader.consumed_all());
    all
}

/// The csv crate's fields for the same input.
fn csv_crate_fields(input: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    reader
        .byte_records()
        .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
        .collect()
}

fn fields(texts: &[&str]) -> Vec<Vec<u8>> {
    texts.iter().map(|t| t.as_bytes().to_vec()).collect()
}

#[test]
fn splits_plain_and_quoted_rows_and_knows_their_lines() {
    let input = b"\n\na,b,c\n1,,3\n\n\"x\"\"y\",\"two\nlines\",z\n,\nlast,no,newline";
    let expected = vec![
        (3, fields(&["a", "b", "c"])),
        (4, fields(&["1", "", "3"])),
        (6, fields(&["x\"y", "two\nlines", "z"])),
        (8, fields(&["", ""])),
        (9, fields(&["last", "no", "newline"])),
    ];
    for chunk in 1..=input.len() {
        assert_eq!(rows(input, chunk), expected, "chunk {chunk}");
    }
}

#[test]
fn a_row_longer_than_the_buffer_is_read_whole() {
    let long = "9".repeat(super::INITIAL_BUFFER * 3 + 17);
    let quoted = format!("\"{long}\"");
    for cell in [&long, &quoted] {
        let input = format!("a,b\n1,{cell}\n2,x\n");
        let read = rows(input.as_bytes(), 4096);
        assert_eq!(read.len(), 3);
        assert_eq!(read[1].1[1], long.as_bytes());
        assert_eq!(read[2], (3, fields(&["2", "x"])));
    }
}

/// The first error `read` returns, as the line the too-long row starts on.
fn too_long_at(input: &[u8]) -> Option<u64> {
    let mut reader = RowReader::new(Chunked(input, 64 * 1024), b',');
    let mut row = Row::default();
    loop {
        match reader.read(&mut row) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(err) => {
                let inner = err
                    .get_ref()
                    .and_then(|e| e.downcast_ref::<super::RowTooLong>());
                return Some(inner.expect("a record too long").line());
            }
        }
    }
}

#[test]
fn a_row_is_bounded_at_four_mebibytes_quoted_or_not() {
    let limit = super::MAX_ROW_BYTES;
    assert_eq!(limit, 4 << 20);
    // The row's bytes up to its `\n` count; at the limit it is read.
    let at_limit = format!("a\n\n{}\nb\n", "x".repeat(limit));
    assert_eq!(too_long_at(at_limit.as_bytes()), None);
    let past = format!("a\n\n{}\nb\n", "x".repeat(limit + 1));
    assert_eq!(too_long_at(past.as_bytes()), Some(3));
    // NUL bytes without a line break, as /dev/zero gives.
    let mut zeros = b"a,b\n1,2\n".to_vec();
    zeros.resize(3 * limit, 0);
    assert_eq!(too_long_at(&zeros), Some(3));
    // A quote never closed runs through the parser's path.
    let open_quote = format!("a\n\"{}", "\"\"\n".repeat(limit));
    assert_eq!(too_long_at(open_quote.as_bytes()), Some(2));
}

#[test]
fn a_row_is_bounded_at_65536_fields_quoted_or_not() {
    assert_eq!(super::MAX_FIELDS, 65_536);
    let row = |fields: usize| vec!["x"; fields].join(",");
    let at_limit = format!("a\n{}\n{}", row(65_536), row(65_536));
    assert_eq!(too_long_at(at_limit.as_bytes()), None);
    assert_eq!(rows(at_limit.as_bytes(), 1 << 16)[1].1.len(), 65_536);
    let past = format!("a\n{}\n", row(65_537));
    assert_eq!(too_long_at(past.as_bytes()), Some(2));
    // The last line, without its `\n`, and a row with quotes.
    assert_eq!(
        too_long_at(format!("a\n\n{}", row(65_537)).as_bytes()),
        Some(3)
    );
    let quoted = format!("a\n\"q\",{}\n", row(65_536));
    assert_eq!(too_long_at(quoted.as_bytes()), Some(2));
    let quoted_at_limit = format!("a\n\"q\",{}\n", row(65_535));
    assert_eq!(too_long_at(quoted_at_limit.as_bytes()), None);
}

#[test]
fn a_byte_order_mark_inside_the_file_is_kept_as_the_csv_crate_keeps_it() {
    let input = b"a,b\n\xEF\xBB\xBF\"1\",2\n\xEF\xBB\xBF3,4\n";
    let ours: Vec<_> = rows(input, 64).into_iter().map(|(_, f)| f).collect();
    assert_eq!(ours, csv_crate_fields(input));
}

#[test]
fn an_unclosed_quote_runs_to_the_end_as_in_the_csv_crate() {
    let input = b"a,b\n1,\"open\n2,x\n";
    let ours: Vec<_> = rows(input, 3).into_iter().map(|(_, f)| f).collect();
    assert_eq!(ours, csv_crate_fields(input));
}

proptest! {
    /// Same fields as the csv crate for any mix of the bytes that matter, read in any
    /// chunk size; lines counted from the `\n`s before each row.
    #[test]
    fn matches_the_csv_crate(
        input in proptest::collection::vec(
            proptest::sample::select(vec![b'a', b',', b'"', b'\n', b' ', 0xEF, 0xBB, 0xBF]),
            0..80,
        ),
        chunk in 1usize..9,
    ) {
        // The file's own byte-order mark is `SkipBom`'s to drop, before this reader.
        prop_assume!(!input.starts_with(b"\xEF\xBB\xBF"));
        let ours = rows(&input, chunk);
        let theirs = csv_crate_fields(&input);
        let our_fields: Vec<_> = ours.iter().map(|(_, f)| f.clone()).collect();
        prop_assert_eq!(our_fields, theirs);
    }
}
