//! The file-system side of saving: the sidecar lock, and the visits file replaced under the
//! policy every output file follows ([`crate::output_file`]: links followed, only a regular
//! file with one name that this user may write, a synced temporary file and a rename).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::AppendError;
#[cfg(unix)]
use crate::output_file::NEW_FILE_MODE;
use crate::output_file::{
    self, Target, Temporary, describe_permissions, file_kind, parent_dir, sync_dir,
};

/// Follows the symbolic links of the visits file (see [`crate::output_file`]).
pub(super) fn resolve_target(path: &Path) -> Result<PathBuf, AppendError> {
    Ok(output_file::resolve_target(path)?)
}

pub(super) fn read_existing(target: &Path, shown: &Path) -> Result<Option<Vec<u8>>, AppendError> {
    match fs::read(target) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(AppendError::Io {
            path: shown.to_owned(),
            action: "read the visits file",
            source,
        }),
    }
}

/// What is at `resolved` (the visits file `shown` with its links followed), checked so that
/// a save may replace it: the policy of every output file ([`crate::output_file`]), except
/// that a device or a pipe is refused too, as a save reads the file before replacing it.
pub(super) fn inspect_target(shown: &Path, resolved: PathBuf) -> Result<Target, AppendError> {
    Ok(output_file::inspect_target(shown, resolved)?)
}

/// Creates (and removes at once) the temporary file a save would write, under the same name,
/// so that a directory that refuses it, or a file name too long to leave room for it, is
/// found before anyone types; then checks that this user may replace the file there.
pub(super) fn check_directory(shown: &Path, target: &Target) -> Result<(), AppendError> {
    drop(Temporary::create(shown, target)?);
    Ok(())
}

/// The sidecar lock file of a visits file: `.visits.csv.lock` beside it. It is never
/// removed; removing it would let a waiting process lock a file nobody else can see.
pub fn lock_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent_dir(target).join(format!(".{name}.lock"))
}

/// Opens the lock file, creating it when `create` is set. A new lock file gets the visits
/// file's permissions (owner only for a new visits file), set after creation so that the
/// umask does not matter: whoever may use the visits file may use its lock.
fn open_lock(path: &Path, visits: Option<&fs::Metadata>, create: bool) -> io::Result<File> {
    if create {
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
        {
            Ok(file) => {
                set_lock_permissions(&file, visits);
                return Ok(file);
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
            Err(err) => return Err(err),
        }
    }
    match OpenOptions::new().read(true).write(true).open(path) {
        Ok(file) => Ok(file),
        // A lock file created by a colleague may not be writable by us; an advisory lock
        // needs only an open file, so read access is enough.
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied => File::open(path),
        Err(err) => Err(err),
    }
}

#[cfg(unix)]
fn set_lock_permissions(file: &File, visits: Option<&fs::Metadata>) {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = visits.map_or(NEW_FILE_MODE, |m| m.permissions().mode() & 0o666);
    // Best effort: the lock works whatever its mode; the mode only decides who else can use it.
    let _ = file.set_permissions(fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn set_lock_permissions(_file: &File, _visits: Option<&fs::Metadata>) {}

fn lock_error(path: &Path, source: io::Error) -> AppendError {
    if source.kind() == io::ErrorKind::PermissionDenied {
        let details = fs::metadata(path).map_or_else(
            |_| String::new(),
            |m| format!("{}: ", describe_permissions(&m)),
        );
        AppendError::Target {
            path: path.to_owned(),
            found: format!("a lock file you cannot open ({details}{source})"),
            expected: "a lock file that everyone who saves to the visits file can read: give it \
                       the visits file's permissions (chmod), or remove it while nobody is saving"
                .into(),
        }
    } else {
        AppendError::Io {
            path: path.to_owned(),
            action: "open the lock file",
            source,
        }
    }
}

/// Opens the lock file (if there is one) and takes and releases the lock, as a save will,
/// without waiting for it. Without a lock file nothing is created: the temporary file that
/// [`check_directory`] creates has a longer name in the same directory, so the lock file can
/// be created too.
pub(super) fn check_lock(target: &Path) -> Result<(), AppendError> {
    let path = lock_path(target);
    match fs::symlink_metadata(&path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(lock_error(&path, source)),
        Ok(metadata) if !metadata.is_file() => {
            return Err(AppendError::Target {
                path: path.clone(),
                found: format!(
                    "{} where the lock file should be",
                    if metadata.is_symlink() {
                        "a symbolic link"
                    } else {
                        file_kind(&metadata)
                    }
                ),
                expected: "a regular file (or nothing; a save creates it)".into(),
            });
        }
        Ok(_) => {}
    }
    let file = open_lock(&path, None, false).map_err(|source| lock_error(&path, source))?;
    match file.try_lock() {
        // Someone is saving right now: the save will wait for them.
        Ok(()) | Err(fs::TryLockError::WouldBlock) => Ok(()),
        Err(fs::TryLockError::Error(source)) => Err(AppendError::Io {
            path,
            action: "lock the visits file",
            source,
        }),
    }
}

pub(super) fn acquire_lock(target: &Target, timeout: Duration) -> Result<File, AppendError> {
    let path = lock_path(&target.path);
    if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(AppendError::Target {
            path,
            found: "something other than a regular file where the lock file should be".into(),
            expected: "a regular file (or nothing; a save creates it)".into(),
        });
    }
    let file = open_lock(&path, target.metadata.as_ref(), true)
        .map_err(|source| lock_error(&path, source))?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) => {
                if started.elapsed() >= timeout {
                    return Err(AppendError::Locked {
                        lock_path: path,
                        waited: started.elapsed(),
                    });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(fs::TryLockError::Error(source)) => {
                return Err(AppendError::Io {
                    path,
                    action: "lock the visits file",
                    source,
                });
            }
        }
    }
}

/// Writes `bytes` to a temporary file beside the target, syncs it, renames it over the
/// target and syncs the directory ([`crate::output_file`]). The old file's permissions (and,
/// where allowed, owner and group) carry over, so a shared file stays shared; a new file is
/// readable by its owner only.
///
/// Once the rename has succeeded the row is saved, whatever happens next: a failure to sync
/// the directory is returned as a warning (the rename may not survive a crash), not an error.
pub(super) fn replace_file(target: &Target, bytes: &[u8]) -> Result<Option<String>, AppendError> {
    replace_file_with(target, bytes, sync_dir)
}

fn replace_file_with(
    target: &Target,
    bytes: &[u8],
    sync_dir: impl FnOnce(&Path) -> io::Result<()>,
) -> Result<Option<String>, AppendError> {
    let path = &target.path;
    let mut temporary = Temporary::create(path, target)?;
    temporary
        .as_file_mut()
        .write_all(bytes)
        .map_err(|source| AppendError::Io {
            path: path.clone(),
            action: "write the new visits file",
            source,
        })?;
    // Saved once this succeeds. From here on nothing may turn into "not saved".
    Ok(temporary.install(path, path, sync_dir)?)
}

#[cfg(test)]
mod tests;
