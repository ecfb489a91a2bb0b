//! The one policy for every file symscore writes: `-o` of every command and `enter --append`.
//!
//! - **A regular file is replaced atomically**: the new contents go to a temporary file in
//!   the same directory (`.NAME.XXXXXX.tmp`), which is synced and renamed over the file only
//!   when everything was written; on any error, and on SIGINT, SIGTERM or SIGHUP (through
//!   [`remove_temporary_files`]), the temporary file is removed and the old file is left as
//!   it was. A replaced file keeps its permissions and group (and owner where allowed); a new
//!   one is readable and writable by its owner only, as it holds patient data.
//! - **A symbolic link is followed**: the file it points to is replaced (or created) and
//!   the link stays, as a shell's `>` would write through it.
//! - **Only a regular file is replaced.** A character device or a named pipe (`/dev/null`,
//!   a terminal, `/dev/stdout`, a FIFO with a reader) is written to in place, like a shell's
//!   `>`; a directory, a block device or a socket is refused.
//! - **Permissions are never got round**: a file this user could not write is refused,
//!   although the rename would need only the directory's permission; so is a file with no
//!   write bit for anyone, even for root. A file with a second hard link is refused, because
//!   the rename would leave the old contents under the other name; in a sticky directory
//!   the file must be this user's.
//! - **No output is an input** ([`check_not_input`]): compared by file identity (device and
//!   inode), so another name, a link or `./` does not get round it.

mod target;
mod temporary;

pub(crate) use target::{
    Target, describe_permissions, file_kind, inspect_target, parent_dir, resolve_target,
};
pub use temporary::remove_temporary_files;
pub(crate) use temporary::{Temporary, sync_dir};

#[cfg(unix)]
pub(crate) use temporary::NEW_FILE_MODE;

use std::fs::{self, File, OpenOptions};
use std::io::{self, IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use target::{Identity, identity, is_stream, standard_input_identity, standard_output_identity};

/// Why an output file cannot be written. Nothing was replaced when this is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The path may not be written: not a regular file, a file with several names, a file
    /// this user cannot write or may not replace, a name too long, one of the inputs.
    #[error("{}: found {found}, expected {expected}", .path.display())]
    Refused {
        /// The path as given.
        path: PathBuf,
        /// What is there.
        found: String,
        /// What may be written.
        expected: String,
    },
    /// Looking, writing, syncing or renaming failed.
    #[error(transparent)]
    Io(#[from] FileIoError),
}

/// Looking at, reading, writing, syncing or renaming a file or directory failed: which
/// path, and what was being done. One type for every file symscore reads or writes, so
/// that each says it the same way: `PATH: cannot ACTION`, caused by the system's error.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot {action}", .path.display())]
pub struct FileIoError {
    /// The file or directory involved.
    pub path: PathBuf,
    /// What was being done (`rename the new file into place`).
    pub action: &'static str,
    /// The failure.
    #[source]
    pub source: io::Error,
}

impl FileIoError {
    /// The error of `action` on `path`, for `map_err`:
    /// `fs::metadata(dir).map_err(FileIoError::at(dir, "look at the directory"))`.
    pub fn at(path: impl Into<PathBuf>, action: &'static str) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| FileIoError {
            path,
            action,
            source,
        }
    }
}

/// What a command reads, which its output may not be.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
    /// What standard input is, when it is read: a file given with `<` is an input as much
    /// as a named one, and `-o /dev/stdin` would otherwise replace it.
    standard_input: Option<Identity>,
}

impl Inputs {
    /// An input file; `-` is standard input ([`Inputs::standard_input`]).
    pub fn file(&mut self, path: &Path) -> &mut Self {
        if path == Path::new("-") {
            self.standard_input()
        } else {
            self.files.push(path.to_owned());
            self
        }
    }

    /// Standard input is read: whatever it is open on (found by `fstat`, so a file given
    /// with `<` is known by its identity) may not be the output.
    pub fn standard_input(&mut self) -> &mut Self {
        self.standard_input = standard_input_identity();
        self
    }

    /// A directory read as a whole (`--instruments-dir`): no output goes into it, so that
    /// neither a definition nor the next run's reading of the directory is disturbed.
    pub fn directory(&mut self, path: &Path) -> &mut Self {
        self.dirs.push(path.to_owned());
        self
    }
}

/// Refuses a standard output that is open on one of `inputs` (`score v.csv >> v.csv`), as
/// `cat` does: the results would be appended to the file being read. Only a regular file is
/// compared; a terminal, a pipe or a device cannot be an input file.
pub fn check_standard_output_not_input(inputs: &Inputs) -> Result<(), OutputError> {
    let Some(written) = standard_output_identity() else {
        return Ok(());
    };
    let found = if inputs.standard_input.as_ref() == Some(&written) {
        Some("the file open on standard input".to_owned())
    } else {
        inputs
            .files
            .iter()
            .find(|input| identity(input).as_ref() == Some(&written))
            .map(|input| format!("the input file `{}`", input.display()))
    };
    match found {
        Some(found) => Err(OutputError::Refused {
            path: PathBuf::from("standard output"),
            found,
            expected: "an output that is none of the inputs: inputs are never modified; \
                       redirect standard output to another file, or give -o FILE"
                .to_owned(),
        }),
        None => Ok(()),
    }
}

/// Refuses an `output` that is one of `inputs`, or lies in one of their directories.
/// Identity is the file's (device and inode), found by `stat`: another name, a symbolic or
/// hard link to an input counts as the input. A device or a pipe, written in place and
/// never replaced, is not compared.
pub fn check_not_input(output: &Path, inputs: &Inputs) -> Result<(), OutputError> {
    if fs::metadata(output).is_ok_and(|m| is_stream(&m)) {
        return Ok(());
    }
    let Some(written) = identity(output) else {
        return Ok(());
    };
    let refuse = |found: String, expected: &str| OutputError::Refused {
        path: output.to_owned(),
        found,
        expected: expected.to_owned(),
    };
    if inputs.standard_input.is_some() && inputs.standard_input == Some(written.clone()) {
        return Err(refuse(
            "the file open on standard input".to_owned(),
            "an output that is none of the inputs: inputs are never modified; write the \
             results somewhere else",
        ));
    }
    for input in &inputs.files {
        if identity(input).as_ref() == Some(&written) {
            return Err(refuse(
                format!("a path that is the input file `{}`", input.display()),
                "an output that is none of the inputs: inputs are never modified; write the \
                 results somewhere else",
            ));
        }
    }
    let directory = resolve_target(output)
        .ok()
        .and_then(|resolved| identity(&parent_dir(&resolved)));
    for dir in &inputs.dirs {
        if directory.is_some() && identity(dir) == directory {
            return Err(refuse(
                format!("a file in the instruments directory `{}`", dir.display()),
                "an output outside the directory of instrument definitions, which every \
                 command reads; write the results somewhere else",
            ));
        }
    }
    Ok(())
}

/// An output file being written: a temporary file to rename over a regular file, or a
/// device or pipe written in place.
pub struct OutputFile {
    shown: PathBuf,
    kind: Kind,
}

enum Kind {
    Replace {
        temporary: Temporary,
        target: PathBuf,
    },
    InPlace(File),
}

impl OutputFile {
    /// Opens `path` for writing under the policy of this module (see there), refusing it
    /// when it is one of `inputs`. A named pipe is opened as a shell would, which waits for
    /// its reader.
    pub fn create(path: &Path, inputs: &Inputs) -> Result<Self, OutputError> {
        check_not_input(path, inputs)?;
        let shown = path.to_owned();
        match fs::metadata(path) {
            Ok(metadata) if is_stream(&metadata) => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(FileIoError::at(shown.clone(), "open it for writing"))?;
                return Ok(OutputFile {
                    shown,
                    kind: Kind::InPlace(file),
                });
            }
            Ok(metadata) if !metadata.is_file() => {
                return Err(OutputError::Refused {
                    path: shown,
                    found: format!("{}, not a regular file", file_kind(&metadata)),
                    expected: "a regular file (replaced), a new file, or a device or pipe \
                               (written in place)"
                        .to_owned(),
                });
            }
            _ => {}
        }
        let target = inspect_target(path, resolve_target(path)?)?;
        let temporary = Temporary::create(path, &target)?;
        Ok(OutputFile {
            shown,
            kind: Kind::Replace {
                temporary,
                target: target.path,
            },
        })
    }

    /// Whether this is a terminal written in place (`-o /dev/tty`).
    pub fn is_terminal(&self) -> bool {
        matches!(&self.kind, Kind::InPlace(file) if file.is_terminal())
    }

    /// Finishes the file: the temporary file is synced and renamed over the target, or the
    /// device is flushed. Returns a warning when the rename is done but could not be synced
    /// to disk. Dropping an `OutputFile` without committing it leaves the target unchanged.
    pub fn commit(self) -> Result<Option<String>, OutputError> {
        match self.kind {
            Kind::Replace { temporary, target } => {
                temporary.install(&self.shown, &target, sync_dir)
            }
            Kind::InPlace(mut file) => {
                file.flush()
                    .map_err(FileIoError::at(self.shown, "write to it"))?;
                Ok(None)
            }
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.kind {
            Kind::Replace { temporary, .. } => temporary.as_file_mut().write(buf),
            Kind::InPlace(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.kind {
            Kind::Replace { temporary, .. } => temporary.as_file_mut().flush(),
            Kind::InPlace(file) => file.flush(),
        }
    }
}

#[cfg(test)]
mod tests;
