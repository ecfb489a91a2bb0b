//! Why a visit could not be saved.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::Location;

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

impl From<crate::output_file::OutputError> for AppendError {
    fn from(err: crate::output_file::OutputError) -> Self {
        use crate::output_file::OutputError;
        match err {
            OutputError::Refused {
                path,
                found,
                expected,
            } => AppendError::Target {
                path,
                found,
                expected,
            },
            OutputError::Io(crate::output_file::FileIoError {
                path,
                action,
                source,
            }) => AppendError::Io {
                path,
                action,
                source,
            },
        }
    }
}
