//! One regular input file read twice through one open handle: a quick pass to learn whether
//! its patients are grouped, then, from byte 0 again, the analysis.
//!
//! Opening the path a second time would read whatever the path names by then: a file that
//! `enter --append` renamed over it between the passes made a patient appear twice. One
//! handle keeps reading the file that was opened, whatever is renamed onto its path; a
//! change made *in place* (the same file written to) is caught by comparing its size and
//! modification time before the first pass and after the last read. A pipe, a terminal or
//! `/dev/stdin` cannot be read twice, and the caller reads those once, collecting them.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::time::SystemTime;

use super::{BatchOptions, InputFormat, InputReader};
use crate::error::{BatchError, BatchErrorKind, Location};
use crate::registry::Registry;

/// What can tell that a file changed in place: its size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl FileStamp {
    /// The stamp of the open file now (an `fstat`, not a look-up of its path).
    pub fn of(file: &File) -> io::Result<Self> {
        let metadata = file.metadata()?;
        Ok(FileStamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
        })
    }

    /// The size when stamped: the analysis reads no further than the grouping pass did.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the stamp is of an empty file.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// An error unless `file` still has this stamp.
    pub fn check_unchanged(&self, file: &File, source: &str) -> Result<(), BatchError> {
        let now = FileStamp::of(file).map_err(|err| BatchError::io(source, err))?;
        if now == *self {
            return Ok(());
        }
        let what = if now.len == self.len {
            "its modification time changed".to_owned()
        } else {
            format!("its size went from {} to {} bytes", self.len, now.len)
        };
        Err(BatchError::new(
            BatchErrorKind::Changed,
            Location::file(source),
            format!(
                "the file changed while it was being read ({what}); nothing of this run can be trusted: run it again when nothing is writing to the file"
            ),
        ))
    }
}

/// Whether each patient's rows in `input` are contiguous, answered through this one handle
/// from its first byte, which it is left at, by a pass of the reader
/// ([`InputReader::patients_are_grouped`]): for a CSV, one that looks only at the patient
/// column. `format` and `options` must be the ones the analysis will read with.
///
/// A byte scan for the patient column used to answer files without quotes; measured, it
/// saved under 5 % of `trend`'s instructions (issue 12's rule keeps a hand-written fast path
/// only from 10 %), and the reader's pass checks every row as the analysis will read it.
pub fn patients_are_grouped_in<R: Read + Seek>(
    format: InputFormat,
    registry: &Registry,
    input: &mut R,
    source: &str,
    options: &BatchOptions,
) -> Result<bool, BatchError> {
    let io = |err| BatchError::io(source, err);
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    let grouped = InputReader::open(format, registry, &mut *input, source, options.clone())?
        .patients_are_grouped()?;
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(grouped)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write as _};

    use super::*;

    fn grouped(text: &str) -> bool {
        let mut input = Cursor::new(text.as_bytes().to_vec());
        let answer = patients_are_grouped_in(
            InputFormat::Csv,
            &Registry::builtin(),
            &mut input,
            "v.csv",
            &options(),
        )
        .unwrap();
        assert_eq!(input.position(), 0, "left at the first byte");
        answer
    }

    fn options() -> BatchOptions {
        BatchOptions::default()
    }

    #[test]
    fn answers_through_one_handle_by_scan_or_parser() {
        let header =
            "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\n";
        let row = |id: &str| format!("{id},2026-03-02,1,1,1,1,1,1,1,1,0\n");
        assert!(grouped(&format!(
            "{header}{}{}{}",
            row("A"),
            row("A"),
            row("B")
        )));
        assert!(!grouped(&format!(
            "{header}{}{}{}",
            row("A"),
            row("B"),
            row("A")
        )));
        // Quotes send the question to the parser, through the same handle.
        assert!(!grouped(&format!(
            "{header}{}{}{}",
            row("\"A\""),
            row("B"),
            row("A")
        )));
        assert!(grouped(&format!("{header}{}{}", row("\"A\""), row("A"))));
    }

    #[test]
    fn a_change_in_place_is_found() {
        let path = std::env::temp_dir().join(format!("symscore-reread-{}.csv", std::process::id()));
        std::fs::write(&path, "patient_id\n").unwrap();
        let file = File::open(&path).unwrap();
        let stamp = FileStamp::of(&file).unwrap();
        assert!(stamp.check_unchanged(&file, "v.csv").is_ok());
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"P1\n")
            .unwrap();
        let err = stamp.check_unchanged(&file, "v.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "v.csv: the file changed while it was being read (its size went from 11 to 14 bytes); nothing of this run can be trusted: run it again when nothing is writing to the file"
        );
        std::fs::remove_file(&path).unwrap();
    }
}
