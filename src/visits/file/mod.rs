//! The file-system side of saving: the target behind symbolic links and whether it may be
//! replaced, the sidecar lock, and replacing the file by a synced temporary file and a
//! rename.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::AppendError;

/// The file to replace: symbolic links are followed (even to a file not created yet) so that
/// the link itself survives the rename.
pub(super) fn resolve_target(path: &Path) -> Result<PathBuf, AppendError> {
    let mut path = path.to_owned();
    // The same limit as Linux's ELOOP: a cycle of links is an error, not a hang.
    for _ in 0..40 {
        match fs::canonicalize(&path) {
            Ok(target) => return Ok(target),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(AppendError::Io {
                    path,
                    action: "find the visits file",
                    source,
                });
            }
        }
        if let Ok(link) = fs::read_link(&path) {
            // A link to a file that does not exist yet: follow it by hand.
            path = parent_dir(&path).join(link);
            continue;
        }
        let dir = parent_dir(&path);
        let dir = fs::canonicalize(&dir).map_err(|source| AppendError::Io {
            path: dir.clone(),
            action: "find the directory for the visits file",
            source,
        })?;
        let name = path.file_name().ok_or_else(|| AppendError::Io {
            path: path.clone(),
            action: "use this as a file name",
            source: io::Error::new(io::ErrorKind::InvalidInput, "no file name"),
        })?;
        return Ok(dir.join(name));
    }
    Err(AppendError::Io {
        path,
        action: "follow the symbolic links to the visits file",
        source: io::Error::other("too many levels of symbolic links"),
    })
}

pub(super) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
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

/// The visits file a save would replace: its real path, and what is there now.
#[derive(Debug)]
pub(super) struct Target {
    /// The path with symbolic links followed: the name the rename replaces.
    pub(super) path: PathBuf,
    /// The existing file, or `None` when there is none yet.
    pub(super) metadata: Option<fs::Metadata>,
}

/// What is at `resolved` (the visits file `shown` with its links followed), checked so that
/// a save may replace it: nothing yet, or a regular file with one name that this user can
/// write. Saving replaces the file by a rename, which needs only write access to the
/// directory, so each of these is checked here rather than left to the rename:
///
/// - a device, a pipe or a directory is not a visits file (`/dev/null` would be replaced by
///   a regular file, a FIFO would block the read);
/// - a second hard link would keep the old contents under its other name, and its lock
///   file would be another one;
/// - a file this user cannot write must not be replaced by one that they own.
pub(super) fn inspect_target(shown: &Path, resolved: PathBuf) -> Result<Target, AppendError> {
    let metadata = match fs::metadata(&resolved) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Ok(Target {
                path: resolved,
                metadata: None,
            });
        }
        Err(source) => {
            return Err(AppendError::Io {
                path: shown.to_owned(),
                action: "look at the visits file",
                source,
            });
        }
    };
    let refuse = |found: String, expected: &str| AppendError::Target {
        path: shown.to_owned(),
        found,
        expected: expected.to_owned(),
    };
    if !metadata.is_file() {
        return Err(refuse(
            format!("{}, not a regular file", file_kind(&metadata)),
            "a regular file, or a path where a new one can be created: saving replaces the \
             file with a new one, which must not happen to a device, a pipe or a directory",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if metadata.nlink() > 1 {
            return Err(refuse(
                format!(
                    "a file with {} hard links (names for the same file)",
                    metadata.nlink()
                ),
                "a visits file with one name: saving writes a new file and renames it over \
                 this name, so the other names would keep the old rows, and each name would \
                 have its own lock; keep one name (make the others copies, or remove them)",
            ));
        }
    }
    // Opening for writing (without truncating or writing) asks the system itself, so that
    // modes, ACLs, read-only mounts and immutable files all count.
    if let Err(source) = OpenOptions::new().write(true).open(&resolved) {
        return Err(
            if matches!(
                source.kind(),
                io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
            ) {
                refuse(
                    format!(
                        "a file you cannot write ({}: {source})",
                        describe_permissions(&metadata)
                    ),
                    "write permission on the visits file itself: saving replaces the file, and \
                     must not get round its permissions (ask its owner to let you write it)",
                )
            } else {
                AppendError::Io {
                    path: shown.to_owned(),
                    action: "open the visits file for writing",
                    source,
                }
            },
        );
    }
    Ok(Target {
        path: resolved,
        metadata: Some(metadata),
    })
}

/// `a directory`, `a named pipe (FIFO)`, …
fn file_kind(metadata: &fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_char_device() {
            return "a character device (such as /dev/null)";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// `mode 0444, owner uid 0`, for messages.
fn describe_permissions(metadata: &fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        format!(
            "mode {:04o}, owner uid {}",
            metadata.mode() & 0o7777,
            metadata.uid()
        )
    }
    #[cfg(not(unix))]
    {
        if metadata.permissions().readonly() {
            "read-only".to_owned()
        } else {
            "writable".to_owned()
        }
    }
}

/// Creates (and removes at once) the temporary file a save would write, under the same name,
/// so that a directory that refuses it, or a file name too long to leave room for it, is
/// found before anyone types; then checks that this user may replace the file there.
pub(super) fn check_directory(shown: &Path, target: &Target) -> Result<(), AppendError> {
    let temp = create_temp(shown, target)?;
    #[cfg(unix)]
    if let Some(metadata) = &target.metadata {
        check_sticky(shown, &parent_dir(&target.path), metadata, temp.as_file())?;
    }
    drop(temp);
    Ok(())
}

/// The temporary file a save writes beside the visits file: `.visits.csv.XXXXXX.tmp`.
fn create_temp(shown: &Path, target: &Target) -> Result<tempfile::NamedTempFile, AppendError> {
    let dir = parent_dir(&target.path);
    let name = target
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    builder.tempfile_in(&dir).map_err(|source| {
        if source.kind() == io::ErrorKind::InvalidFilename {
            let length = target.path.file_name().map_or(0, std::ffi::OsStr::len);
            AppendError::Target {
                path: shown.to_owned(),
                found: format!(
                    "a file name of {length} bytes, too long for the files a save writes beside \
                     it (`.NAME.XXXXXX.tmp` needs {} bytes, and most file systems allow 255)",
                    length + TEMP_NAME_EXTRA
                ),
                expected: format!("a file name of at most {} bytes", 255 - TEMP_NAME_EXTRA),
            }
        } else {
            AppendError::Io {
                path: dir.clone(),
                action: "create files in the directory of the visits file",
                source,
            }
        }
    })
}

/// Bytes the temporary file's name adds to the visits file's: `.`, `.XXXXXX.tmp`.
const TEMP_NAME_EXTRA: usize = 1 + 1 + 6 + 4;

/// In a directory with the sticky bit (like `/tmp`) only the owner of a file (or of the
/// directory) may rename over it: the save's rename would fail after every answer was
/// typed. `probe` is a file this process just created, which tells whose files it creates.
#[cfg(unix)]
fn check_sticky(
    shown: &Path,
    dir: &Path,
    existing: &fs::Metadata,
    probe: &File,
) -> Result<(), AppendError> {
    use std::os::unix::fs::MetadataExt as _;
    let io_error = |source| AppendError::Io {
        path: dir.to_owned(),
        action: "look at the directory of the visits file",
        source,
    };
    let dir_metadata = fs::metadata(dir).map_err(io_error)?;
    let me = probe.metadata().map_err(io_error)?.uid();
    let sticky = dir_metadata.mode() & 0o1000 != 0;
    // Root may replace anything (it is the superuser's CAP_FOWNER, checked by the rename).
    if sticky && me != 0 && existing.uid() != me && dir_metadata.uid() != me {
        return Err(AppendError::Target {
            path: shown.to_owned(),
            found: format!(
                "a file owned by uid {} in a directory with the sticky bit (like /tmp), where only \
                 the file's owner may replace it (you are uid {me})",
                existing.uid()
            ),
            expected: "a visits file you own, or a directory without the sticky bit: saving \
                       replaces the file by a rename, which the sticky bit forbids here"
                .into(),
        });
    }
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

/// A new visits file holds item-level answers (PHQ-9 item 9 among them): owner only.
#[cfg(unix)]
const NEW_FILE_MODE: u32 = 0o600;

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
/// target and syncs the directory. The old file's permissions (and, where allowed, owner and
/// group) carry over, so a shared file stays shared; a new file is readable by its owner
/// only.
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
    let dir = parent_dir(path);
    let io_error = |action: &'static str| {
        let path = path.clone();
        move |source| AppendError::Io {
            path,
            action,
            source,
        }
    };
    let mut temp = create_temp(path, target)?;
    match &target.metadata {
        Some(metadata) => {
            #[cfg(unix)]
            check_sticky(path, &dir, metadata, temp.as_file())?;
            temp.as_file()
                .set_permissions(metadata.permissions())
                .map_err(io_error("copy the visits file's permissions"))?;
            keep_owner(temp.as_file(), metadata);
        }
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                temp.as_file()
                    .set_permissions(fs::Permissions::from_mode(NEW_FILE_MODE))
                    .map_err(io_error("set the new visits file's permissions"))?;
            }
        }
    }
    temp.write_all(bytes)
        .and_then(|()| temp.flush())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(io_error("write the new visits file"))?;
    temp.persist(path)
        .map_err(|err| io_error("rename the new visits file into place")(err.error))?;
    // Saved. From here on nothing may turn into "not saved".
    Ok(sync_dir(&dir).err().map(|err| {
        format!(
            "the directory `{}` could not be synced to disk ({err}), so a crash or power cut \
             in the next few seconds could still lose the new row; after such a crash, check \
             the file before entering the visit again",
            dir.display()
        )
    }))
}

#[cfg(unix)]
fn keep_owner(file: &File, metadata: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt as _;
    // Only root may give a file away; anyone may keep a group they belong to. Failing
    // either leaves the file owned by whoever saved last, which is what a plain rewrite does.
    if std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid())).is_err() {
        let _ = std::os::unix::fs::fchown(file, None, Some(metadata.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _metadata: &fs::Metadata) {}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Windows cannot open a directory as a file; the rename is already durable there.
    Ok(())
}

#[cfg(test)]
mod tests;
