//! The temporary file a replace writes beside its target, and the process-wide list of such
//! files that a signal handler removes.
//!
//! A temporary file holds partial patient data. It is removed when it is dropped (every
//! error path), and [`remove_temporary_files`] removes whatever is left when the process is
//! told to stop (SIGINT, SIGTERM, SIGHUP), where no destructor runs. The rename that puts a
//! file in place holds the same lock as that removal, so a signal finds either the
//! temporary file (removed; the target unchanged) or the finished target, never both.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use tempfile::NamedTempFile;

use super::target::{Target, check_sticky, parent_dir};
use super::{FileIoError, OutputError};

/// The temporary files that exist now.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn registry() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic while the list was held leaves it usable: it is only a list of paths.
    TEMPORARY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The listed temporary files (not removed: a unit test must not remove the files of the
/// tests running beside it; the signal tests in `tests/it/output_files.rs` do that).
#[cfg(test)]
pub(crate) fn registry_snapshot() -> Vec<PathBuf> {
    registry().clone()
}

/// Removes every temporary file symscore has open, for a handler of SIGINT, SIGTERM or
/// SIGHUP. The process must end afterwards: a later replace would find its file gone.
pub fn remove_temporary_files() {
    let mut paths = registry();
    for path in paths.drain(..) {
        let _ = fs::remove_file(path);
    }
}

/// A new file in the target's directory, `.NAME.XXXXXX.tmp`, listed for removal on a
/// signal and removed when dropped unless [`Temporary::install`] renamed it into place.
pub(crate) struct Temporary {
    file: Option<NamedTempFile>,
}

/// Bytes the temporary file's name adds to the target's: `.`, `.XXXXXX.tmp`.
const TEMP_NAME_EXTRA: usize = 1 + 1 + 6 + 4;

/// A new file holds patient data: owner only.
#[cfg(unix)]
pub(crate) const NEW_FILE_MODE: u32 = 0o600;

impl Temporary {
    /// Creates the temporary file for `target` (named `shown` in messages), with the
    /// target's permissions and owner, or owner-only for a new file; in a sticky directory,
    /// checks that this user may rename over the target.
    pub(crate) fn create(shown: &Path, target: &Target) -> Result<Self, OutputError> {
        let temporary = Temporary::create_bare(shown, target)?;
        let file = temporary.as_file();
        let io_error = |action| FileIoError::at(shown, action);
        match &target.metadata {
            Some(metadata) => {
                check_sticky(shown, &parent_dir(&target.path), metadata, file)?;
                file.set_permissions(metadata.permissions())
                    .map_err(io_error("copy the file's permissions"))?;
                keep_owner(file, metadata);
            }
            None => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt as _;
                    file.set_permissions(fs::Permissions::from_mode(NEW_FILE_MODE))
                        .map_err(io_error("set the new file's permissions"))?;
                }
            }
        }
        Ok(temporary)
    }

    /// Only the file: no permissions copied, no checks. A name too long to leave room for
    /// the temporary file's is reported as such.
    fn create_bare(shown: &Path, target: &Target) -> Result<Self, OutputError> {
        let dir = parent_dir(&target.path);
        let name = target
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // Listed before it exists, so that no moment has the file on disk and off the list.
        let mut paths = registry();
        let file = builder.tempfile_in(&dir).map_err(|source| {
            if source.kind() == io::ErrorKind::InvalidFilename {
                let length = target.path.file_name().map_or(0, std::ffi::OsStr::len);
                OutputError::Refused {
                    path: shown.to_owned(),
                    found: format!(
                        "a file name of {length} bytes, too long for the files a save writes \
                         beside it (`.NAME.XXXXXX.tmp` needs {} bytes, and most file systems \
                         allow 255)",
                        length + TEMP_NAME_EXTRA
                    ),
                    expected: format!("a file name of at most {} bytes", 255 - TEMP_NAME_EXTRA),
                }
            } else {
                OutputError::Io(FileIoError {
                    path: dir.clone(),
                    action: "create a temporary file in this directory",
                    source,
                })
            }
        })?;
        paths.push(file.path().to_owned());
        Ok(Temporary { file: Some(file) })
    }

    pub(crate) fn as_file(&self) -> &File {
        self.file
            .as_ref()
            .expect("present until installed")
            .as_file()
    }

    pub(crate) fn as_file_mut(&mut self) -> &mut File {
        self.file
            .as_mut()
            .expect("present until installed")
            .as_file_mut()
    }

    /// Syncs the file, renames it over `target` and syncs the directory. Once the rename has
    /// succeeded the file is in place, whatever happens next: a directory that cannot be
    /// synced is returned as a warning (the rename may not survive a crash), not an error.
    pub(crate) fn install(
        mut self,
        shown: &Path,
        target: &Path,
        sync_dir: impl FnOnce(&Path) -> io::Result<()>,
    ) -> Result<Option<String>, OutputError> {
        self.as_file()
            .sync_all()
            .map_err(FileIoError::at(shown.to_owned(), "write the new file"))?;
        let file = self.file.take().expect("present until installed");
        {
            // Held across the rename: a signal handler waits, then finds nothing to remove.
            let mut paths = registry();
            let temporary = file.path().to_owned();
            let renamed = file.persist(target);
            paths.retain(|p| *p != temporary);
            if let Err(err) = renamed {
                // The file is still there (persist hands it back): remove it now.
                drop(paths);
                drop(err.file);
                return Err(OutputError::Io(FileIoError {
                    path: shown.to_owned(),
                    action: "rename the new file into place",
                    source: err.error,
                }));
            }
        }
        let dir = parent_dir(target);
        Ok(sync_dir(&dir).err().map(|err| {
            format!(
                "the directory `{}` could not be synced to disk ({err}), so a crash or power cut \
                 in the next few seconds could still lose the new file; after such a crash, \
                 check it before writing it again",
                dir.display()
            )
        }))
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let path = file.path().to_owned();
            // Removed first, then taken off the list: a signal in between finds it gone.
            drop(file);
            registry().retain(|p| *p != path);
        }
    }
}

#[cfg(unix)]
fn keep_owner(file: &File, metadata: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt as _;
    // Only root may give a file away; anyone may keep a group they belong to. Failing
    // either leaves the file owned by whoever wrote it last, which is what a plain rewrite does.
    if std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid())).is_err() {
        let _ = std::os::unix::fs::fchown(file, None, Some(metadata.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _metadata: &fs::Metadata) {}

/// Syncs a directory so that a rename in it survives a crash.
#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Windows cannot open a directory as a file; the rename is already durable there.
    Ok(())
}
