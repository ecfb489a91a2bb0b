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
//!   permissions, although the rename would need only the directory's, and a file with no
//!   write permission for anyone is refused even for root: the policy of every output file
//!   ([`crate::output_file`]). A new file is
//!   readable by its owner only; an existing one keeps its permissions.
//! - Once the rename has succeeded the visit is saved: a directory that cannot be synced
//!   afterwards is reported in [`Appended::warning`], not as an error.
//!
//! [`check_visit_file`] does everything a save does except the write, so that `enter` finds
//! a problem before the first question rather than after the last.
//!
//! [`plan_append`] is the pure core (bytes in, bytes out) that [`append_visit`] wraps in the
//! locking and file handling. `csv_bytes` reads the existing file at the byte level, `layout`
//! finds the visit's columns in its header (with the header layer every reader shares,
//! [`crate::columns`]), `cells` and `encode` make and check the new bytes, and `file` does
//! the locking, the temporary file, the syncs and the rename.

mod cells;
mod csv_bytes;
mod encode;
mod error;
mod file;
mod layout;
mod repeats;

pub use error::AppendError;
pub use file::lock_path;

use std::path::Path;
use std::time::Duration;

use jiff::civil::Date;

use crate::batch::line_after;
use crate::columns::instrument_columns;
pub use crate::columns::{DATE_COLUMN, PATIENT_COLUMN};
use crate::instrument::Instrument;
use crate::repeated_visit::RepeatedVisit;
use crate::score::Answer;
use cells::{cell_for, visit_cells};
use csv_bytes::{ParsedFile, has_rows};
use encode::{Terminator, encode_fields, encode_row, verify, verify_rows};
use file::{
    acquire_lock, check_directory, check_lock, inspect_target, read_existing, replace_file,
    resolve_target,
};
use layout::Layout;
use repeats::find_repeats;

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
pub struct FileCheck<'i> {
    /// Whether the file exists and has a header.
    pub exists: bool,
    /// Columns a save would add to the header, in order (all of them for a new file).
    pub added_columns: Vec<String>,
    /// Rows that already record one of these instruments for this patient on this date:
    /// saving would add a second administration, which `score` reports as repeated. Each
    /// `line` is the new row's, each `earlier_line` an existing row's.
    pub repeats: Vec<RepeatedVisit<'i>>,
}

/// The new file contents and what they change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendPlan {
    /// The whole new file.
    pub bytes: Vec<u8>,
    /// What the new file changes.
    pub appended: Appended,
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
pub fn check_visit_file<'i>(path: &Path, visit: &Visit<'i>) -> Result<FileCheck<'i>, AppendError> {
    let source = path.display().to_string();
    let target = inspect_target(path, resolve_target(path)?)?;
    check_directory(path, &target)?;
    check_lock(&target.path)?;
    let existing = read_existing(&target.path, path)?;
    check_contents(&source, existing.as_deref(), visit)
}

/// The pure part of [`check_visit_file`]: whether `existing` (the file's bytes, `None` for
/// no file) can take `visit`'s row.
pub(crate) fn check_contents<'i>(
    source: &str,
    existing: Option<&[u8]>,
    visit: &Visit<'i>,
) -> Result<FileCheck<'i>, AppendError> {
    let instruments: Vec<&Instrument> = visit.forms.iter().map(|f| f.instrument).collect();
    let parsed = match existing.filter(|b| has_rows(b)) {
        Some(bytes) => Some(ParsedFile::parse(source, bytes)?),
        None => None,
    };
    let Some(parsed) = parsed.filter(|p| !p.rows.is_empty()) else {
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
        repeats: find_repeats(&parsed, existing.unwrap_or_default(), visit),
    })
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
    let parsed = if has_rows(existing) {
        Some(ParsedFile::parse(source, existing)?)
    } else {
        None
    };

    let Some(parsed) = parsed.filter(|p| !p.rows.is_empty()) else {
        // New (or empty, or only blank lines and a byte-order mark) file: whatever is there
        // is kept (a byte-order mark says the file is UTF-8, which Excel needs to see), then
        // the header, then the row.
        let mut header = vec![PATIENT_COLUMN.to_owned(), DATE_COLUMN.to_owned()];
        header.extend(wanted_columns(&instruments));
        let row: Vec<&str> = header.iter().map(|name| cell_for(&cells, name)).collect();
        let mut bytes = existing.to_vec();
        bytes.extend(encode_row(&header, Terminator::Lf)?);
        let line = line_after(&bytes);
        bytes.extend(encode_row(&row, Terminator::Lf)?);
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
    for (index, row) in parsed.rows.iter().enumerate() {
        // Everything up to the end of this row's last cell, verbatim…
        bytes.extend_from_slice(&existing[copied..row.content.end]);
        // …then the new (blank) cells; the line ending that follows is copied next time.
        if index == 0 {
            bytes.extend_from_slice(&added_header);
        } else {
            bytes.extend_from_slice(blanks.as_bytes());
        }
        copied = row.content.end;
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
    let line = line_after(&bytes);
    bytes.extend(encode_row(&row, terminator)?);

    let mut expected_header = parsed.rows[0].fields.clone();
    for name in &layout.added {
        expected_header.push_field(name.as_bytes());
    }
    let expected_rows: Vec<csv::ByteRecord> = parsed.rows[1..]
        .iter()
        .map(|row| {
            let mut fields = row.fields.clone();
            for _ in &layout.added {
                fields.push_field(b"");
            }
            fields
        })
        .collect();
    verify_rows(source, &bytes, &expected_header, &expected_rows, &row)?;
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

#[cfg(test)]
mod tests;
