//! Arbitrary bytes as a visits CSV through `BatchReader`: the CSV reader, the header planner,
//! answer and date parsing, scoring, repeated-visit detection and the output records.
//!
//! A first byte 0x01-0x05 chooses a variant of `BatchOptions::default()` and is dropped:
//! 0x01 `;` delimiter, 0x02 tab, 0x03 non-response codes `9` and `refused`, 0x04 `;` with a
//! date column required, 0x05 the README's NHANES layout (`SEQN`, `--na 7,9`, `DPQ0x0` renamed).
//! Any other first byte is part of the CSV, read with the defaults, so seed files work as
//! they are.
//!
//! Checked for every input, whatever its shape:
//! - nothing panics (the reader returns a row or a `BatchError`, never exit 101);
//! - `scored + prorated + invalid + not_administered == rows`, and `records` is the sum of
//!   the records handed out, after every row and after the run ends or stops on an error;
//! - a record with a total has `total_min <= total <= total_max` and the severity of the band
//!   holding the total; a record without one has severity `invalid`;
//! - a row's status agrees with its records and diagnostics;
//! - every record serialises to JSON (which parses back with the same total) and to CSV cells,
//!   and no CSV cell starts like a spreadsheet formula;
//! - `write_csv_row_sharing` (the fast CSV writer) with a fresh `VisitCells` reads back, with the csv crate, as exactly one row
//!   whose cells equal `csv_fields()`, and `write_csv_row_sharing`, with one `VisitCells` for
//!   the whole input, writes the same bytes;
//! - reading the same input in pieces of 1 to 16 bytes (the first at least 4; sizes taken from
//!   the input's last 64 bytes) gives exactly the same rows, records, messages, error and counts as reading it in
//!   one piece: the line-ending adapter's fast path and its byte-by-byte path must agree, and
//!   the record reader must give the same records whether a line (or a quoted record) arrives
//!   whole or split across reads;
//! - `patients_are_grouped()` (trend's first pass) fails only when the full read fails; when it
//!   says the patients are grouped, the full read succeeded and the records' patient ids are
//!   contiguous.

use std::io;
use std::sync::LazyLock;
use symscore::batch::{BatchOptions, BatchReader, BatchSummary, RowOutcome, RowStatus};
use symscore::record::VisitCells;
use symscore::score::Severity;
use symscore::{MissingTokens, Registry, ScoreRecord};

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::builtin);

/// A leading control byte 0x01-0x05 picks a variant and is dropped; anything else is CSV
/// read with `BatchOptions::default()`.
fn options(data: &[u8]) -> (BatchOptions, &[u8]) {
    let mut options = BatchOptions::default();
    let Some((&first, rest)) = data.split_first() else {
        return (options, data);
    };
    match first {
        0x01 => options.delimiter = b';',
        0x02 => options.delimiter = b'\t',
        0x03 => {
            // Non-response codes: a form made only of them is administered, not absent.
            let mut missing = MissingTokens::default();
            missing.add("9").expect("a non-empty token");
            missing.add("refused").expect("a non-empty token");
            options.missing = missing;
        }
        0x04 => {
            options.delimiter = b';';
            options.date_required = true;
        }
        0x05 => {
            // The NHANES layout of the README: `--patient-column SEQN --na 7,9 --map ...`.
            "SEQN".clone_into(&mut options.patient_column);
            let mut missing = MissingTokens::default();
            missing.add("7").expect("a non-empty token");
            missing.add("9").expect("a non-empty token");
            options.missing = missing;
            options.renames = (1..=9)
                .map(|i| (format!("DPQ0{i}0"), format!("phq9_{i}")))
                .chain([("DPQ100".to_owned(), "phq9_difficulty".to_owned())])
                .collect();
        }
        _ => return (options, data),
    }
    (options, rest)
}

fn check_summary(summary: BatchSummary, rows: u64, records: u64) {
    assert_eq!(summary.rows, rows, "{summary:?}");
    assert_eq!(
        summary.scored + summary.prorated + summary.invalid + summary.not_administered,
        summary.rows,
        "row counts do not add up: {summary:?}"
    );
    assert_eq!(summary.records, records, "{summary:?}");
}

fn check_record(record: &ScoreRecord<'_>, visit: &mut VisitCells) {
    let report = &record.report;
    let instrument = report.instrument;
    assert_eq!(
        report.answered + report.missing + report.invalid,
        instrument.item_count()
    );
    match report.total {
        Some(total) => {
            assert!(
                instrument.total_min() <= total && total <= instrument.total_max(),
                "`{}` total {total} outside {}..={}",
                instrument.id,
                instrument.total_min(),
                instrument.total_max()
            );
            let band = instrument.band_for(total);
            assert_eq!(report.severity, Severity::Band(band), "total {total}");
            assert_eq!(report.severity.id(), band.id);
        }
        None => assert_eq!(report.severity, Severity::Invalid),
    }

    let json = serde_json::to_string(record).expect("a record always serialises");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(
        value["total"].as_u64(),
        report.total.map(u64::from),
        "{json}"
    );
    assert_eq!(value["instrument"].as_str(), Some(instrument.id.as_str()));

    let fields = record.csv_fields();
    assert_eq!(fields.len(), symscore::record::CSV_HEADER.len());
    for field in &fields {
        assert!(
            !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "CSV cell {field:?} would be read as a formula"
        );
    }
    // The hand-written CSV row (the fast output path) says exactly what `csv_fields` says:
    // one row, 14 cells, each equal once the csv crate has read it back. The header goes
    // first, as in real output: the csv crate drops a byte-order mark at the very start of
    // its input, which a patient id may begin with.
    let mut row = symscore::record::CSV_HEADER.join(",").into_bytes();
    row.push(b'\n');
    record.write_csv_row_sharing(&mut row, &mut VisitCells::default());
    assert_eq!(row.last(), Some(&b'\n'));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(row.len())
        .from_reader(row.as_slice());
    let mut rows = reader.records();
    let parsed = rows
        .next()
        .expect("one row")
        .unwrap_or_else(|err| panic!("unreadable CSV row {row:?}: {err}"));
    assert!(rows.next().is_none(), "more than one row in {row:?}");
    let parsed: Vec<&str> = parsed.iter().collect();
    let expected: Vec<&str> = fields.iter().map(AsRef::as_ref).collect();
    assert_eq!(
        parsed, expected,
        "write_csv_row_sharing disagrees with csv_fields"
    );
    // The CSV writer's path, with the visit cells kept from record to record, writes the
    // same bytes: the cells of an earlier visit are never reused for this one.
    let mut shared = symscore::record::CSV_HEADER.join(",").into_bytes();
    shared.push(b'\n');
    record.write_csv_row_sharing(&mut shared, visit);
    assert_eq!(shared, row, "the shared visit cells are another record's");

    if let Some(id) = &record.patient_id {
        assert!(!id.is_empty(), "an empty patient id is reported, not kept");
    }
}

/// Hands out the input in small pieces, of sizes 1 to 16 taken in turn from `sizes`: the csv
/// reader and the line-ending adapter under it then see every kind of read boundary (inside a
/// quote, between `\r` and `\n`, in the middle of a UTF-8 character).
struct Chunked<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    turn: usize,
}

impl io::Read for Chunked<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let size = self
            .sizes
            .get(self.turn % self.sizes.len().max(1))
            .map_or(1, |&b| 1 + usize::from(b % 16));
        self.turn += 1;
        let n = size.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Everything a run said, to compare runs.
struct Transcript {
    /// Rows, records, messages, the error and the counts, as text.
    lines: Vec<String>,
    /// The patient id of each record, in order.
    patients: Vec<String>,
    /// Whether the header was accepted.
    header_ok: bool,
    /// Whether reading stopped on an error after the header.
    failed: bool,
}

/// Reads every row, checking each one when `check` is set.
fn run(input: impl io::Read, options: BatchOptions, check: bool) -> Transcript {
    let mut transcript = Transcript {
        lines: Vec::new(),
        patients: Vec::new(),
        header_ok: false,
        failed: false,
    };
    let mut reader = match BatchReader::new(&REGISTRY, input, "fuzz.csv", options) {
        Ok(reader) => reader,
        Err(err) => {
            transcript.lines.push(format!("header error: {err}"));
            return transcript;
        }
    };
    transcript.header_ok = true;
    let instruments: Vec<&str> = reader.instruments().map(|i| i.id.as_str()).collect();
    transcript.lines.push(format!(
        "instruments {instruments:?}, ignored {:?}, dates {}",
        reader.ignored_item_like_columns(),
        reader.has_dates()
    ));
    let (mut rows, mut records) = (0u64, 0u64);
    let mut previous_line = 0u64;
    let mut visit = VisitCells::default();
    loop {
        match reader.next_row() {
            Ok(Some(outcome)) => {
                rows += 1;
                records += outcome.records.len() as u64;
                if check {
                    check_outcome(&outcome, previous_line, &mut visit);
                    check_summary(reader.summary(), rows, records);
                }
                previous_line = outcome.line;
                let lines = &mut transcript.lines;
                lines.push(format!("line {} {:?}", outcome.line, outcome.status));
                for record in &outcome.records {
                    lines.push(serde_json::to_string(record).expect("checked"));
                    transcript.patients.extend(record.patient_id.clone());
                }
                for diagnostic in &outcome.diagnostics {
                    lines.push(diagnostic.to_string());
                }
                for repeat in &outcome.repeats {
                    lines.push(format!("{repeat:?}"));
                }
            }
            Ok(None) => break,
            Err(err) => {
                transcript.lines.push(format!("error: {err}"));
                transcript.failed = true;
                break;
            }
        }
    }
    check_summary(reader.summary(), rows, records);
    transcript.lines.push(format!("{:?}", reader.summary()));
    transcript
}

/// Whether each patient's records are contiguous.
fn contiguous(patients: &[String]) -> bool {
    let mut finished = std::collections::HashSet::new();
    let mut current: Option<&str> = None;
    for patient in patients {
        if current == Some(patient.as_str()) {
            continue;
        }
        if !finished.insert(patient.as_str()) {
            return false;
        }
        current = Some(patient);
    }
    true
}

fn check_outcome(outcome: &RowOutcome<'_>, previous_line: u64, visit: &mut VisitCells) {
    assert!(
        outcome.line > previous_line,
        "line {} after {previous_line}",
        outcome.line
    );
    match outcome.status {
        RowStatus::NotAdministered => {
            assert!(outcome.records.is_empty() && outcome.diagnostics.is_empty());
        }
        RowStatus::Scored => assert!(
            outcome.diagnostics.is_empty()
                && !outcome.records.is_empty()
                && outcome
                    .records
                    .iter()
                    .all(|r| r.report.total.is_some() && !r.report.is_prorated())
        ),
        RowStatus::Prorated => assert!(
            outcome.diagnostics.is_empty()
                && outcome.records.iter().all(|r| r.report.total.is_some())
                && outcome.records.iter().any(|r| r.report.is_prorated())
        ),
        RowStatus::Invalid => assert!(
            !outcome.diagnostics.is_empty()
                || outcome.records.iter().any(|r| r.report.total.is_none())
        ),
    }
    for record in &outcome.records {
        assert_eq!(record.line, Some(outcome.line));
        check_record(record, visit);
    }
    for repeat in &outcome.repeats {
        assert_eq!(repeat.line, outcome.line);
        assert!(repeat.earlier_line < outcome.line);
    }
}

/// Runs one input through every check; panics where one fails.
pub(crate) fn check(data: &[u8]) {
    let (options, csv) = options(data);
    let whole = run(csv, options.clone(), true);

    // `trend`'s first pass: when it says the patients are grouped, trend analyses each
    // patient as soon as the next one starts, so a patient seen again later would be split.
    if whole.header_ok {
        let reader = BatchReader::new(&REGISTRY, csv, "fuzz.csv", options.clone())
            .expect("the header was accepted once");
        match reader.patients_are_grouped() {
            // `false` may stop early; `true` means it read to the end.
            Ok(false) => {}
            Ok(true) => {
                assert!(
                    !whole.failed,
                    "the first pass read to the end, the full read did not"
                );
                assert!(
                    contiguous(&whole.patients),
                    "patients_are_grouped() said grouped, but the records' patients are not: {:?}",
                    whole.patients
                );
            }
            Err(err) => assert!(whole.failed, "only the first pass failed: {err}"),
        }
    }

    // The same input read in small pieces must give the same rows, messages and counts.
    let chunked = Chunked {
        data: csv,
        sizes: &data[data.len().saturating_sub(64)..],
        turn: 0,
    };
    let pieces = run(chunked, options, false);
    assert_eq!(
        whole.lines, pieces.lines,
        "reading in pieces changed the result"
    );
}
