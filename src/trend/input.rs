//! The visits input of a trend, opened once: a regular file is read twice through that one
//! handle (a pass that learns whether its patients are grouped, then the analysis), so that
//! a file renamed onto its path between the passes is never read; anything else is read once.

use std::fs::File;
use std::io::{self, Read, Seek as _, SeekFrom};

use crate::batch::{
    BatchOptions, DateFormat, DosingField, DosingSchedule, FileStamp, InputFormat,
    patients_are_grouped_in, read_dosing_field,
};
use crate::error::BatchError;
use crate::registry::Registry;

/// The visits input, opened once.
pub enum VisitsInput {
    /// A regular file: read twice through this one handle, and checked afterwards not to
    /// have changed in place.
    Regular {
        /// The open file.
        file: File,
        /// Its size and modification time when opened.
        stamp: FileStamp,
    },
    /// Standard input, a pipe, `/dev/stdin`, `<(…)`: read once, every visit collected.
    Stream(Box<dyn Read>),
}

/// What tells, after the analysis, that a regular file changed in place while it was read.
#[derive(Debug, Clone, Copy)]
pub struct UnchangedCheck<'a> {
    file: &'a File,
    stamp: FileStamp,
}

impl UnchangedCheck<'_> {
    /// An error unless the file still has the size and modification time it was opened with.
    pub fn check(&self, source: &str) -> Result<(), BatchError> {
        self.stamp.check_unchanged(self.file, source)
    }
}

impl VisitsInput {
    /// A regular file is stamped, to be read twice; anything else is a stream.
    pub fn from_file(file: File) -> io::Result<Self> {
        Ok(if file.metadata()?.is_file() {
            let stamp = FileStamp::of(&file)?;
            VisitsInput::Regular { file, stamp }
        } else {
            VisitsInput::Stream(Box::new(file))
        })
    }

    /// Whether each patient's rows are contiguous, so that patients can be analysed one at a
    /// time in bounded memory: the grouping pass of a regular file, through its handle. A
    /// stream cannot be read twice and is collected whole, as an ungrouped file is.
    pub fn patients_are_grouped(
        &mut self,
        format: InputFormat,
        registry: &Registry,
        source: &str,
        options: &BatchOptions,
    ) -> Result<bool, BatchError> {
        match self {
            VisitsInput::Regular { file, .. } => {
                patients_are_grouped_in(format, registry, file, source, options)
            }
            VisitsInput::Stream(_) => Ok(false),
        }
    }

    /// The dosing sessions a REDCap export records in a date field, read through the one
    /// handle from its first byte, which it is left at; `None` for a stream, which can be read
    /// only once, by the analysis.
    pub fn dosing_field(
        &mut self,
        source: &str,
        date_format: &DateFormat,
        field: &DosingField<'_>,
    ) -> Option<Result<DosingSchedule, BatchError>> {
        let VisitsInput::Regular { file, stamp } = self else {
            return None;
        };
        let io = |err| BatchError::io(source, err);
        let read = (|| {
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            let schedule =
                read_dosing_field((&*file).take(stamp.len()), source, date_format, field)?;
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            Ok(schedule)
        })();
        Some(read)
    }

    /// The bytes to analyse (a regular file from its start, no further than the grouping
    /// pass read), and for a regular file the check to make once they are read.
    pub fn analysis_reader(&mut self) -> (Box<dyn Read + '_>, Option<UnchangedCheck<'_>>) {
        match self {
            VisitsInput::Regular { file, stamp } => {
                let file: &File = file;
                let check = UnchangedCheck {
                    file,
                    stamp: *stamp,
                };
                (Box::new(file.take(stamp.len())), Some(check))
            }
            VisitsInput::Stream(stream) => (Box::new(stream), None),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs::{self, File, OpenOptions};
    use std::io::{Read as _, Write as _};

    use super::VisitsInput;
    use crate::Registry;
    use crate::batch::{BatchOptions, InputFormat};

    const VISITS: &str = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\nP1,2026-03-01,1,1,1,1,1,1,1,1,0\n";

    #[test]
    fn a_regular_file_is_read_through_one_handle_and_checked_at_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.csv");
        fs::write(&path, VISITS).unwrap();
        let mut input = VisitsInput::from_file(File::open(&path).unwrap()).unwrap();
        let registry = Registry::builtin();
        let grouped = input
            .patients_are_grouped(
                InputFormat::Csv,
                &registry,
                "v.csv",
                &BatchOptions::default(),
            )
            .unwrap();
        assert!(grouped);
        // A file renamed onto the path between the passes is not what is read.
        let other = dir.path().join("new.csv");
        fs::write(&other, "something else entirely\n").unwrap();
        fs::rename(&other, &path).unwrap();
        let (mut reader, check) = input.analysis_reader();
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        assert_eq!(text, VISITS);
        check.unwrap().check("v.csv").unwrap();
    }

    #[test]
    fn a_change_in_place_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.csv");
        fs::write(&path, VISITS).unwrap();
        let mut input = VisitsInput::from_file(File::open(&path).unwrap()).unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"P1,2026-03-08,0,0,0,0,0,0,0,0,0\n")
            .unwrap();
        let (mut reader, check) = input.analysis_reader();
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        // No further than the size at opening; the change is an error at the end.
        assert_eq!(text, VISITS);
        let err = check.unwrap().check("v.csv").unwrap_err().to_string();
        assert!(err.contains("changed"), "{err}");
    }
}
