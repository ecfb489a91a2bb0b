//! Saving a visit: one row appended to a wide visits CSV without losing anything already there.
//!
//! The file is the one `score` reads: `patient_id,date,<item columns…>`, one row per visit, an
//! instrument's items in columns `<id>_<n>` and its unscored items in `<id>_<extra id>`.
//!
//! Guarantees of [`append_visit`]:
//!
//! - Existing rows are kept byte for byte: quoting, line endings, odd cells, a byte-order mark.
//!   When the header lacks an instrument's columns they are added at the end of every row as
//!   blank cells; the new cells are the only bytes that change.
//! - The new file is written to a temporary file in the same directory, synced to disk and
//!   renamed over the old one, then the directory is synced: a crash or a kill leaves either
//!   the old file or the new one, never half a row.
//! - An exclusive advisory lock on a sidecar file (`.visits.csv.lock`) is held for the whole
//!   read-modify-write, so two clinicians saving at once both land. The lock is on a sidecar
//!   rather than the file itself because the file is replaced by a rename: a lock on the old
//!   file would not stop a second writer that opened the new one.
//! - Before anything is written the new bytes are parsed back and compared with the old rows
//!   plus the new one; any difference refuses the write.
//! - Only what may safely be replaced is: nothing yet, or a regular file with one name that
//!   the user can write (and, in a sticky directory, owns). A save never gets round a file's
//!   permissions, although the rename would need only the directory's. A new file is
//!   readable by its owner only; an existing one keeps its permissions.
//! - Once the rename has succeeded the visit is saved: a directory that cannot be synced
//!   afterwards is reported in [`Appended::warning`], not as an error.
//!
//! [`check_visit_file`] does everything a save does except the write, so that `enter` finds
//! a problem before the first question rather than after the last.
//!
//! [`plan_append`] is the pure core (bytes in, bytes out) that [`append_visit`] wraps in the
//! locking and file handling. `csv_bytes` reads and writes the CSV at the byte level; `file`
//! does the locking, the temporary file, the syncs and the rename.

mod csv_bytes;
mod file;

pub use file::lock_path;

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::civil::Date;

use crate::error::Location;
use crate::instrument::{Instrument, Scale};
use crate::score::Answer;
use csv_bytes::{
    Layout, ParsedFile, Terminator, encode_fields, encode_record, has_records, line_of, verify,
    verify_records,
};
use file::{
    acquire_lock, check_directory, check_lock, inspect_target, read_existing, replace_file,
    resolve_target,
};

/// The patient id column that `enter` writes and `score` reads by default.
pub const PATIENT_COLUMN: &str = "patient_id";
/// The visit date column that `enter` writes and `score` reads by default.
pub const DATE_COLUMN: &str = "date";

/// One visit: a patient, a date, and the instruments given at it.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit<'i> {
    /// Patient id, written as given (it must not be blank).
    pub patient_id: String,
    /// Visit date, written as ISO `YYYY-MM-DD`.
    pub date: Date,
    /// The instruments given, each at most once.
    pub forms: Vec<Form<'i>>,
}

/// The answers to one instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct Form<'i> {
    /// The instrument.
    pub instrument: &'i Instrument,
    /// One answer per scored item, in item order: a value or `Missing` (written blank).
    pub items: Vec<Answer>,
    /// One answer per unscored item (`instrument.extra_items`), in order.
    pub extras: Vec<Answer>,
}

impl<'i> Form<'i> {
    /// A form with every item blank.
    pub fn blank(instrument: &'i Instrument) -> Self {
        Form {
            instrument,
            items: vec![Answer::Missing; instrument.item_count()],
            extras: vec![Answer::Missing; instrument.extra_items.len()],
        }
    }
}

/// The columns an instrument occupies in a visits file: items, then unscored items.
pub fn instrument_columns(instrument: &Instrument) -> Vec<String> {
    (1..=instrument.item_count())
        .map(|number| instrument.item_column(number))
        .chain(
            instrument
                .extra_items
                .iter()
                .map(|extra| instrument.extra_column(extra)),
        )
        .collect()
}

/// How [`append_visit`] behaves.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AppendOptions {
    /// How long to wait for another writer to release the lock before giving up.
    pub lock_timeout: Duration,
}

impl Default for AppendOptions {
    /// Waits up to 30 seconds: a save holds the lock for milliseconds, so a longer wait
    /// means another process is stuck.
    fn default() -> Self {
        AppendOptions {
            lock_timeout: Duration::from_secs(30),
        }
    }
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// 1-based line of the new row, as `score` reports it.
    pub line: u64,
    /// Whether the file was created (it did not exist or was empty).
    pub created: bool,
    /// Columns added to an existing header, in order.
    pub added_columns: Vec<String>,
    /// Set when the row was saved (renamed into place) but its durability could not be
    /// confirmed: the directory could not be synced. The visit is saved all the same.
    pub warning: Option<String>,
}

/// What saving to a file would involve, found without writing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// Whether the file exists and has a header.
    pub exists: bool,
    /// Columns a save would add to the header, in order (all of them for a new file).
    pub added_columns: Vec<String>,
    /// Rows that already record one of these instruments for this patient on this date:
    /// saving would add a second administration, which `score` reports as repeated.
    pub repeats: Vec<Repeat>,
}

/// An earlier row with the same patient, date and instrument as the visit being entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// Its 1-based line.
    pub line: u64,
    /// The instrument id.
    pub instrument: String,
}

/// The new file contents and what they change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendPlan {
    /// The whole new file.
    pub bytes: Vec<u8>,
    /// What the new file changes.
    pub appended: Appended,
}

/// Why a visit could not be saved. Nothing was written when this is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppendError {
    /// The existing file cannot safely take the row: a missing column, a malformed row.
    #[error("{location}: found {found}, expected {expected}")]
    File {
        /// Where in the file.
        location: Location,
        /// What is there.
        found: String,
        /// What a save needs.
        expected: String,
    },
    /// The visit itself is unusable (a caller bug or unchecked input).
    #[error("visit for patient `{patient_id}`: found {found}, expected {expected}")]
    Visit {
        /// The patient, for the message.
        patient_id: String,
        /// What is wrong.
        found: String,
        /// What is needed.
        expected: String,
    },
    /// The path cannot be saved to safely: not a regular file, a file with several names, a
    /// file this user cannot write or may not replace, a name too long, an unusable lock file.
    #[error("{}: found {found}, expected {expected}", .path.display())]
    Target {
        /// The visits file (or its lock file).
        path: PathBuf,
        /// What is there.
        found: String,
        /// What a save needs.
        expected: String,
    },
    /// Another process holds the lock for longer than the timeout.
    #[error(
        "{}: found the visits file locked by another process for {} s, expected it to be released within a few seconds (is another `symscore enter` stuck?)",
        .lock_path.display(),
        .waited.as_secs()
    )]
    Locked {
        /// The lock file.
        lock_path: PathBuf,
        /// How long we waited.
        waited: Duration,
    },
    /// The rewritten file would not read back as the old rows plus the new one.
    #[error(
        "{source_name}: found that the rewritten file would not read back as the old rows plus the new one ({detail}), expected an exact round trip; nothing was written"
    )]
    RoundTrip {
        /// The file.
        source_name: String,
        /// The first difference.
        detail: String,
    },
    /// Reading, writing, syncing or renaming failed.
    #[error("{}: cannot {action}", .path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// What was being done (`read the visits file`).
        action: &'static str,
        /// The failure.
        #[source]
        source: io::Error,
    },
}

/// Checks that `visit` could be saved to the visits file at `path`, doing every part of a
/// save that can fail except the write itself, so that a problem is found before anyone types
/// twenty answers:
///
/// - the path is a regular file with one name that this user can write (or nothing yet);
/// - the directory takes the temporary file a save writes, under the same name (so a name
///   too long for it is found), and, in a sticky directory, this user may replace the file;
/// - an existing lock file can be opened and locked;
/// - the header has (or can be given) the columns, every row parses, and the dates are
///   written as `YYYY-MM-DD`.
///
/// Also finds earlier rows for the same patient, date and instrument. Only the patient, date
/// and instruments of `visit` matter, so it can be checked before any answer is known.
/// Leaves nothing behind (the temporary file is removed, no lock file is created) and does
/// not wait for the lock.
pub fn check_visit_file(path: &Path, visit: &Visit<'_>) -> Result<FileCheck, AppendError> {
    let source = path.display().to_string();
    let target = inspect_target(path, resolve_target(path)?)?;
    check_directory(path, &target)?;
    check_lock(&target.path)?;
    let existing = read_existing(&target.path, path)?;
    check_contents(&source, existing.as_deref(), visit)
}

/// The pure part of [`check_visit_file`]: whether `existing` (the file's bytes, `None` for
/// no file) can take `visit`'s row.
pub fn check_contents(
    source: &str,
    existing: Option<&[u8]>,
    visit: &Visit<'_>,
) -> Result<FileCheck, AppendError> {
    let instruments: Vec<&Instrument> = visit.forms.iter().map(|f| f.instrument).collect();
    let parsed = match existing.filter(|b| has_records(b)) {
        Some(bytes) => Some(ParsedFile::parse(source, bytes)?),
        None => None,
    };
    let Some(parsed) = parsed.filter(|p| !p.records.is_empty()) else {
        let mut added = vec![PATIENT_COLUMN.to_owned(), DATE_COLUMN.to_owned()];
        added.extend(wanted_columns(&instruments));
        return Ok(FileCheck {
            exists: false,
            added_columns: added,
            repeats: Vec::new(),
        });
    };
    let layout = Layout::plan(source, &parsed, &instruments)?;
    Ok(FileCheck {
        exists: true,
        added_columns: layout.added,
        repeats: find_repeats(&parsed, visit),
    })
}

/// Rows with the visit's patient and date (compared as `score` reads them: trimmed, the date
/// as a calendar date) where one of the visit's instruments has an answered item.
fn find_repeats(parsed: &ParsedFile<'_>, visit: &Visit<'_>) -> Vec<Repeat> {
    let column = |name: &str| parsed.header.iter().position(|h| h == name);
    let (Some(patient), Some(date)) = (column(PATIENT_COLUMN), column(DATE_COLUMN)) else {
        return Vec::new();
    };
    let cell = |fields: &csv::ByteRecord, index: usize| {
        std::str::from_utf8(fields.get(index).unwrap_or_default())
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let mut repeats = Vec::new();
    for record in parsed.records.iter().skip(1) {
        if cell(&record.fields, patient) != visit.patient_id.trim()
            || crate::batch::DateFormat::Iso
                .parse(&cell(&record.fields, date))
                .ok()
                != Some(visit.date)
        {
            continue;
        }
        for form in &visit.forms {
            let instrument = form.instrument;
            let answered = (1..=instrument.item_count()).any(|number| {
                column(&instrument.item_column(number))
                    .is_some_and(|index| !cell(&record.fields, index).is_empty())
            });
            if answered {
                repeats.push(Repeat {
                    line: parsed.line(record),
                    instrument: instrument.id.clone(),
                });
            }
        }
    }
    repeats
}

/// Appends `visit` to the visits file at `path`, creating it with a header if it does not
/// exist. See the module documentation for what is guaranteed. On success the new row is
/// on disk (file and directory synced), or, when [`Appended::warning`] is set, renamed into
/// place without the directory sync confirmed. An error means nothing was written.
pub fn append_visit(
    path: &Path,
    visit: &Visit<'_>,
    options: &AppendOptions,
) -> Result<Appended, AppendError> {
    let source = path.display().to_string();
    let resolved = resolve_target(path)?;
    // Checked before the lock file is created beside it, and again under the lock, where
    // nobody else is saving and what is checked is what gets replaced.
    let target = inspect_target(path, resolved.clone())?;
    let lock = acquire_lock(&target, options.lock_timeout)?;
    let target = inspect_target(path, resolved)?;
    let existing = read_existing(&target.path, path)?;
    let mut plan = plan_append(&source, existing.as_deref(), visit)?;
    plan.appended.warning = replace_file(&target, &plan.bytes)?;
    drop(lock);
    Ok(plan.appended)
}

/// The pure core of [`append_visit`]: the whole new file for `existing` bytes (`None` for no
/// file) plus `visit`. `source` names the file in messages.
pub fn plan_append(
    source: &str,
    existing: Option<&[u8]>,
    visit: &Visit<'_>,
) -> Result<AppendPlan, AppendError> {
    let cells = visit_cells(visit)?;
    let instruments: Vec<&Instrument> = visit.forms.iter().map(|f| f.instrument).collect();
    let existing = existing.unwrap_or_default();
    let parsed = if has_records(existing) {
        Some(ParsedFile::parse(source, existing)?)
    } else {
        None
    };

    let Some(parsed) = parsed.filter(|p| !p.records.is_empty()) else {
        // New (or empty, or only blank lines and a byte-order mark) file: whatever is there
        // is kept (a byte-order mark says the file is UTF-8, which Excel needs to see), then
        // the header, then the row.
        let mut header = vec![PATIENT_COLUMN.to_owned(), DATE_COLUMN.to_owned()];
        header.extend(wanted_columns(&instruments));
        let row: Vec<&str> = header.iter().map(|name| cell_for(&cells, name)).collect();
        let mut bytes = existing.to_vec();
        bytes.extend(encode_record(&header, Terminator::Lf)?);
        let line = line_of(&bytes);
        bytes.extend(encode_record(&row, Terminator::Lf)?);
        verify(source, &bytes, &[], &header, &row)?;
        return Ok(AppendPlan {
            bytes,
            appended: Appended {
                line,
                created: true,
                added_columns: Vec::new(),
                warning: None,
            },
        });
    };

    let layout = Layout::plan(source, &parsed, &instruments)?;
    let terminator = parsed.terminator();
    let blanks = ",".repeat(layout.added.len());
    let added_header = if layout.added.is_empty() {
        Vec::new()
    } else {
        let mut encoded = b",".to_vec();
        encoded.extend(encode_fields(&layout.added)?);
        encoded
    };

    let mut bytes = Vec::with_capacity(existing.len() + 256);
    let mut copied = 0;
    for (index, record) in parsed.records.iter().enumerate() {
        // Everything up to the end of this record's last cell, verbatim…
        bytes.extend_from_slice(&existing[copied..record.content.end]);
        // …then the new (blank) cells; the line ending that follows is copied next time.
        if index == 0 {
            bytes.extend_from_slice(&added_header);
        } else {
            bytes.extend_from_slice(blanks.as_bytes());
        }
        copied = record.content.end;
    }
    bytes.extend_from_slice(&existing[copied..]);
    if !matches!(bytes.last(), Some(b'\n' | b'\r')) {
        bytes.extend_from_slice(terminator.bytes());
    }

    let mut header: Vec<String> = parsed.header.clone();
    header.extend(layout.added.iter().cloned());
    let row: Vec<&str> = header
        .iter()
        .enumerate()
        .map(|(index, name)| {
            // Our columns: the ones found in the header and the ones just added.
            if layout.used.contains(&index) || index >= parsed.header.len() {
                cell_for(&cells, name)
            } else {
                ""
            }
        })
        .collect();
    let line = line_of(&bytes);
    bytes.extend(encode_record(&row, terminator)?);

    let mut expected_header = parsed.records[0].fields.clone();
    for name in &layout.added {
        expected_header.push_field(name.as_bytes());
    }
    let expected_rows: Vec<csv::ByteRecord> = parsed.records[1..]
        .iter()
        .map(|record| {
            let mut fields = record.fields.clone();
            for _ in &layout.added {
                fields.push_field(b"");
            }
            fields
        })
        .collect();
    verify_records(source, &bytes, &expected_header, &expected_rows, &row)?;
    Ok(AppendPlan {
        bytes,
        appended: Appended {
            line,
            created: false,
            added_columns: layout.added,
            warning: None,
        },
    })
}

/// Every column name of these instruments, in order.
fn wanted_columns(instruments: &[&Instrument]) -> Vec<String> {
    instruments
        .iter()
        .flat_map(|instrument| instrument_columns(instrument))
        .collect()
}

/// Checks the visit and turns it into `(column, cell)` pairs.
fn visit_cells(visit: &Visit<'_>) -> Result<Vec<(String, String)>, AppendError> {
    let invalid = |found: String, expected: &str| AppendError::Visit {
        patient_id: visit.patient_id.clone(),
        found,
        expected: expected.to_owned(),
    };
    if visit.patient_id.trim().is_empty() {
        return Err(invalid(
            "a blank patient id".into(),
            "a patient id to save under",
        ));
    }
    if visit.forms.is_empty() {
        return Err(invalid("no instruments".into(), "at least one instrument"));
    }
    let mut cells = vec![
        (PATIENT_COLUMN.to_owned(), visit.patient_id.clone()),
        (DATE_COLUMN.to_owned(), visit.date.to_string()),
    ];
    for (index, form) in visit.forms.iter().enumerate() {
        let instrument = form.instrument;
        if visit.forms[..index]
            .iter()
            .any(|f| f.instrument.id == instrument.id)
        {
            return Err(invalid(
                format!("`{}` twice", instrument.id),
                "each instrument once per visit",
            ));
        }
        if form.items.len() != instrument.item_count()
            || form.extras.len() != instrument.extra_items.len()
        {
            return Err(invalid(
                format!(
                    "{} item and {} unscored answers for `{}`",
                    form.items.len(),
                    form.extras.len(),
                    instrument.id
                ),
                &format!(
                    "{} and {}",
                    instrument.item_count(),
                    instrument.extra_items.len()
                ),
            ));
        }
        let scales = std::iter::repeat_n(&instrument.scale, form.items.len())
            .chain(instrument.extra_items.iter().map(|e| &e.scale));
        let answers = form.items.iter().chain(&form.extras);
        for ((column, answer), scale) in instrument_columns(instrument)
            .into_iter()
            .zip(answers)
            .zip(scales)
        {
            let cell = answer_cell(*answer, scale).ok_or_else(|| {
                invalid(
                    format!("an unusable answer in `{column}`"),
                    &format!("a value from {} to {}, or blank", scale.min, scale.max),
                )
            })?;
            cells.push((column, cell));
        }
    }
    Ok(cells)
}

fn answer_cell(answer: Answer, scale: &Scale) -> Option<String> {
    match answer {
        Answer::Value(value) if scale.contains(value) => Some(value.to_string()),
        Answer::Missing => Some(String::new()),
        Answer::Value(_) | Answer::Invalid => None,
    }
}

fn cell_for<'c>(cells: &'c [(String, String)], column: &str) -> &'c str {
    cells
        .iter()
        .find(|(name, _)| name == column)
        .map_or("", |(_, cell)| cell.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Registry;
    use pretty_assertions::assert_eq;

    pub(super) fn registry() -> Registry {
        Registry::builtin()
    }

    pub(super) fn date() -> Date {
        Date::new(2026, 5, 4).unwrap()
    }

    fn values(values: &[u8]) -> Vec<Answer> {
        values.iter().copied().map(Answer::Value).collect()
    }

    pub(super) fn phq9_visit<'i>(registry: &'i Registry, patient: &str) -> Visit<'i> {
        let phq9 = registry.get("phq9").unwrap();
        Visit {
            patient_id: patient.to_owned(),
            date: date(),
            forms: vec![Form {
                instrument: phq9,
                items: values(&[1, 2, 0, 3, 1, 0, 0, 2, 1]),
                extras: vec![Answer::Missing],
            }],
        }
    }

    pub(super) fn gad7_visit<'i>(registry: &'i Registry, patient: &str) -> Visit<'i> {
        let gad7 = registry.get("gad7").unwrap();
        let mut items = values(&[1, 1, 2, 0, 0, 1, 3]);
        items[3] = Answer::Missing;
        Visit {
            patient_id: patient.to_owned(),
            date: date(),
            forms: vec![Form {
                instrument: gad7,
                items,
                extras: vec![Answer::Value(2)],
            }],
        }
    }

    const PHQ9_HEADER: &str = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,phq9_difficulty";

    #[test]
    fn new_file_gets_a_header_and_the_row() {
        let registry = registry();
        let plan = plan_append("v.csv", None, &phq9_visit(&registry, "P1")).unwrap();
        assert_eq!(
            String::from_utf8(plan.bytes).unwrap(),
            format!("{PHQ9_HEADER}\nP1,2026-05-04,1,2,0,3,1,0,0,2,1,\n")
        );
        assert_eq!(
            plan.appended,
            Appended {
                line: 2,
                created: true,
                added_columns: Vec::new(),
                warning: None,
            }
        );
    }

    #[test]
    fn appends_to_a_file_that_has_the_columns() {
        let registry = registry();
        let existing = format!("{PHQ9_HEADER}\nP0,2026-01-01,0,0,0,0,0,0,0,0,0,0\n");
        let plan = plan_append(
            "v.csv",
            Some(existing.as_bytes()),
            &phq9_visit(&registry, "P1"),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(plan.bytes).unwrap(),
            format!("{existing}P1,2026-05-04,1,2,0,3,1,0,0,2,1,\n")
        );
        assert_eq!(plan.appended.line, 3);
        assert!(plan.appended.added_columns.is_empty());
    }

    #[test]
    fn columns_in_another_order_are_filled_by_name() {
        let registry = registry();
        let existing = "phq9_9,date,site,phq9_8,phq9_7,phq9_6,phq9_5,phq9_4,phq9_3,phq9_2,phq9_1,patient_id,phq9_difficulty\n";
        let plan = plan_append(
            "v.csv",
            Some(existing.as_bytes()),
            &phq9_visit(&registry, "P1"),
        )
        .unwrap();
        let text = String::from_utf8(plan.bytes).unwrap();
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "1,2026-05-04,,2,0,0,1,3,0,2,1,P1,"
        );
    }

    #[test]
    fn a_missing_final_line_ending_is_added_before_the_row() {
        let registry = registry();
        let existing = format!("{PHQ9_HEADER}\r\nP0,2026-01-01,0,0,0,0,0,0,0,0,0,0");
        let plan = plan_append(
            "v.csv",
            Some(existing.as_bytes()),
            &phq9_visit(&registry, "P1"),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(plan.bytes).unwrap(),
            format!("{existing}\r\nP1,2026-05-04,1,2,0,3,1,0,0,2,1,\r\n")
        );
    }

    /// Quoted cells with commas, quotes and line breaks inside, CRLF and LF mixed, blank
    /// lines, a byte-order mark, spaces and non-UTF-8 bytes in cells: all kept byte for byte
    /// when the header is extended.
    #[test]
    fn header_extension_keeps_every_existing_byte() {
        let registry = registry();
        let mut existing: Vec<u8> = Vec::new();
        existing.extend_from_slice("\u{feff}\"patient_id\",date,notes,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\r\n".as_bytes());
        existing.extend_from_slice(
            b"P0,2026-01-01,\"said \"\"fine\"\", then\r\nleft\",0,0,0,0,0,0,0,0,1\r\n",
        );
        existing.extend_from_slice(b"\r\n\r\n");
        existing.extend_from_slice(b" P2 ,2026-01-02, caf\xe9 ,1, 2 ,,,,,,,\n");
        existing.extend_from_slice(b"P3,2026-01-03,\"\",\"1\",ab\"c,,,,,,,\r\n");
        let visit = gad7_visit(&registry, "P, \"4\"");
        let plan = plan_append("v.csv", Some(&existing), &visit).unwrap();

        let gad7_header = ",gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7,gad7_difficulty";
        let blanks = ",,,,,,,,";
        let mut expected: Vec<u8> = Vec::new();
        expected.extend_from_slice("\u{feff}\"patient_id\",date,notes,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9".as_bytes());
        expected.extend_from_slice(gad7_header.as_bytes());
        expected.extend_from_slice(b"\r\n");
        expected.extend_from_slice(
            b"P0,2026-01-01,\"said \"\"fine\"\", then\r\nleft\",0,0,0,0,0,0,0,0,1",
        );
        expected.extend_from_slice(blanks.as_bytes());
        expected.extend_from_slice(b"\r\n\r\n\r\n");
        expected.extend_from_slice(b" P2 ,2026-01-02, caf\xe9 ,1, 2 ,,,,,,,");
        expected.extend_from_slice(blanks.as_bytes());
        expected.extend_from_slice(b"\n");
        expected.extend_from_slice(b"P3,2026-01-03,\"\",\"1\",ab\"c,,,,,,,");
        expected.extend_from_slice(blanks.as_bytes());
        expected.extend_from_slice(b"\r\n");
        // The new row: quoted only because its patient id needs it; CRLF like the header.
        expected.extend_from_slice(b"\"P, \"\"4\"\"\",2026-05-04,,,,,,,,,,,1,1,2,,0,1,3,2\r\n");
        assert_eq!(
            String::from_utf8_lossy(&plan.bytes),
            String::from_utf8_lossy(&expected)
        );
        assert_eq!(plan.bytes, expected);
        assert_eq!(plan.appended.line, 8);
        assert_eq!(plan.appended.added_columns.len(), 8);
    }

    #[test]
    fn extension_without_data_rows_and_lone_cr_endings() {
        let registry = registry();
        let existing = b"patient_id,date\rP0,2026-01-01\r";
        let plan = plan_append("v.csv", Some(existing), &gad7_visit(&registry, "P1")).unwrap();
        assert_eq!(
            String::from_utf8(plan.bytes).unwrap(),
            "patient_id,date,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7,gad7_difficulty\r\
             P0,2026-01-01,,,,,,,,\r\
             P1,2026-05-04,1,1,2,,0,1,3,2\r"
        );
    }

    #[test]
    fn empty_file_and_blank_lines_count_as_new() {
        let registry = registry();
        for existing in [&b""[..], b"\n\n"] {
            let plan = plan_append("v.csv", Some(existing), &phq9_visit(&registry, "P1")).unwrap();
            assert!(plan.appended.created);
            assert!(plan.bytes.starts_with(existing));
            assert_eq!(plan.appended.line, existing.len() as u64 + 2);
        }
    }

    /// A file holding only a byte-order mark (Excel's "CSV UTF-8" of an empty sheet), maybe
    /// with blank lines, is a new file: the mark is kept, as every existing byte is, and it
    /// tells Excel the file is UTF-8; `score` skips it.
    #[test]
    fn a_byte_order_mark_alone_counts_as_a_new_file_and_is_kept() {
        let registry = registry();
        let visit = phq9_visit(&registry, "P1");
        for existing in [
            &b"\xef\xbb\xbf"[..],
            b"\xef\xbb\xbf\n",
            b"\xef\xbb\xbf\r\n\r\n",
            b"\xef\xbb\xbf\r\r",
        ] {
            let check = check_contents("v.csv", Some(existing), &visit).unwrap();
            assert!(!check.exists, "{existing:?}");
            let plan = plan_append("v.csv", Some(existing), &visit).unwrap();
            assert!(plan.appended.created);
            let mut expected = existing.to_vec();
            expected.extend_from_slice(
                format!("{PHQ9_HEADER}\nP1,2026-05-04,1,2,0,3,1,0,0,2,1,\n").as_bytes(),
            );
            assert_eq!(plan.bytes, expected, "{existing:?}");
            assert_eq!(plan.appended.line, line_of(existing) + 1, "{existing:?}");
        }
        // After a byte-order mark the header is found as usual.
        let existing = format!("\u{feff}{PHQ9_HEADER}\r\n");
        let plan = plan_append("v.csv", Some(existing.as_bytes()), &visit).unwrap();
        assert!(!plan.appended.created);
        assert_eq!(plan.appended.line, 2);
    }

    /// Line numbers as `score` counts them: `\r\n`, `\n` and a lone `\r` each end a line.
    #[test]
    fn lines_are_counted_as_score_counts_them() {
        assert_eq!(line_of(b""), 1);
        assert_eq!(line_of(b"a\rb\r"), 3);
        assert_eq!(line_of(b"a\r\nb\r\n"), 3);
        assert_eq!(line_of(b"a\n\r\r\n\n\r"), 6);
        let registry = registry();
        let existing = b"patient_id,date\rP0,2026-01-01\r\rP1,2026-05-04\r";
        let plan = plan_append("v.csv", Some(existing), &gad7_visit(&registry, "P2")).unwrap();
        assert_eq!(plan.appended.line, 5);
        let check = check_contents("v.csv", Some(existing), &phq9_visit(&registry, "P1")).unwrap();
        assert!(check.repeats.is_empty());
        let existing =
            format!("{PHQ9_HEADER}\rP0,2026-01-01,,,,,,,,,,\r\rP1,2026-05-04,1,,,,,,,,,\r");
        let check = check_contents(
            "v.csv",
            Some(existing.as_bytes()),
            &phq9_visit(&registry, "P1"),
        )
        .unwrap();
        assert_eq!(
            check.repeats,
            [Repeat {
                line: 4,
                instrument: "phq9".into()
            }]
        );
    }

    /// `enter` writes ISO dates; a file written another way would end up with two layouts.
    #[test]
    fn dates_in_another_layout_are_refused_with_their_line() {
        let registry = registry();
        let visit = phq9_visit(&registry, "P1");
        let existing = "patient_id,date\nP0,\nP0,2026-01-01\nP0,04/05/2026\nP0,5 May 2026\n";
        let expected = "v.csv:4:2: found the date '04/05/2026', not written as YYYY-MM-DD, expected every date in the file as YYYY-MM-DD, the only layout `enter` writes: a new row would mix two date layouts in one column, which `score` cannot read with one --date-format (convert the file's dates to YYYY-MM-DD first)";
        assert_eq!(
            check_contents("v.csv", Some(existing.as_bytes()), &visit)
                .unwrap_err()
                .to_string(),
            expected
        );
        assert_eq!(file_error(existing, &visit), expected);
        // Blanks, spaces around a date and an impossible ISO date are not another layout.
        let fine = "patient_id,date\nP0,\nP0, 2026-01-01 \nP0,\"2026-02-30\"\n";
        assert!(check_contents("v.csv", Some(fine.as_bytes()), &visit).is_ok());
        assert!(plan_append("v.csv", Some(fine.as_bytes()), &visit).is_ok());
    }

    fn file_error(existing: &str, visit: &Visit<'_>) -> String {
        plan_append("v.csv", Some(existing.as_bytes()), visit)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn refuses_files_it_cannot_extend_safely() {
        let registry = registry();
        let visit = phq9_visit(&registry, "P1");
        assert_eq!(
            file_error("patient_id,phq9_1\n", &visit),
            "v.csv:1: found no `date` column (columns `patient_id`, `phq9_1`), expected a `date` column: a saved visit always records its patient and date"
        );
        assert_eq!(
            file_error("patient_id,date,phq9_1,phq9_2\n", &visit),
            "v.csv:1: found 2 of the 9 `phq9` item columns (missing `phq9_3`, `phq9_4`, `phq9_5`, `phq9_6`, `phq9_7`, `phq9_8`, `phq9_9`), expected all of them or none"
        );
        assert_eq!(
            file_error("patient_id,date,date\n", &visit),
            "v.csv:1: found 2 columns named `date` (columns 2, 3), expected one"
        );
        assert_eq!(
            file_error(
                "patient_id,date\nP0,2026-01-01\n\nP1,2026-01-02,x\n",
                &visit
            ),
            "v.csv:4: found 3 fields, expected 2 like the header (a stray comma or an unclosed quote?)"
        );
        assert_eq!(
            file_error("patient_id,date\r\nP0,2026-01-01\r\nP1,\"2026\r\n", &visit),
            "v.csv:3: found a quoted cell that is never closed, expected every `\"` that opens a cell to be closed"
        );
        let not_utf8 = plan_append("v.csv", Some(b"patient_id,d\xe9te\n"), &visit).unwrap_err();
        assert_eq!(
            not_utf8.to_string(),
            "v.csv:1:2: found a header cell that is not UTF-8 (d\\xe9te), expected UTF-8 column names"
        );
    }

    #[test]
    fn refuses_unusable_visits() {
        let registry = registry();
        let mut visit = phq9_visit(&registry, " ");
        assert!(plan_append("v.csv", None, &visit).is_err());
        visit.patient_id = "P1".into();
        visit.forms[0].items[8] = Answer::Invalid;
        assert_eq!(
            plan_append("v.csv", None, &visit).unwrap_err().to_string(),
            "visit for patient `P1`: found an unusable answer in `phq9_9`, expected a value from 0 to 3, or blank"
        );
        visit.forms[0].items[8] = Answer::Value(4);
        assert!(plan_append("v.csv", None, &visit).is_err());
        visit.forms[0].items.pop();
        assert!(plan_append("v.csv", None, &visit).is_err());
        let twice = Visit {
            forms: vec![
                Form::blank(registry.get("gad7").unwrap()),
                Form::blank(registry.get("gad7").unwrap()),
            ],
            ..phq9_visit(&registry, "P1")
        };
        assert!(
            plan_append("v.csv", None, &twice)
                .unwrap_err()
                .to_string()
                .contains("`gad7` twice")
        );
    }

    mod round_trip {
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
                        let mut header: Vec<String> =
                            vec![PATIENT_COLUMN.into(), DATE_COLUMN.into()];
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
                prop_assert_eq!(plan.appended.line, line_of(expected.as_bytes()));
            }
        }
    }
}
