//! What a path names, and whether symscore may replace it: symbolic links followed, only a
//! regular file with one name that this user may write.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use super::{FileIoError, OutputError};

/// The file a replace would rename over: `path` is the name with symbolic links followed,
/// `metadata` what is there now (`None` for nothing yet).
#[derive(Debug)]
pub(crate) struct Target {
    /// The path with symbolic links followed: the name the rename replaces.
    pub(crate) path: PathBuf,
    /// The existing file, or `None` when there is none yet.
    pub(crate) metadata: Option<fs::Metadata>,
}

/// The file to replace: symbolic links are followed (even to a file not created yet) so that
/// the link itself survives the rename.
pub(crate) fn resolve_target(path: &Path) -> Result<PathBuf, OutputError> {
    let mut path = path.to_owned();
    // The same limit as Linux's ELOOP: a cycle of links is an error, not a hang.
    for _ in 0..40 {
        match fs::canonicalize(&path) {
            Ok(target) => return Ok(target),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(OutputError::Io(FileIoError {
                    path,
                    action: "find the file",
                    source,
                }));
            }
        }
        if let Ok(link) = fs::read_link(&path) {
            // A link to a file that does not exist yet: follow it by hand.
            path = parent_dir(&path).join(link);
            continue;
        }
        let dir = parent_dir(&path);
        let dir = fs::canonicalize(&dir).map_err(FileIoError::at(
            dir.clone(),
            "find the directory of the file",
        ))?;
        let name = path.file_name().ok_or_else(|| {
            OutputError::Io(FileIoError {
                path: path.clone(),
                action: "use this as a file name",
                source: io::Error::new(io::ErrorKind::InvalidInput, "no file name"),
            })
        })?;
        return Ok(dir.join(name));
    }
    Err(OutputError::Io(FileIoError {
        path,
        action: "follow the symbolic links to the file",
        source: io::Error::other("too many levels of symbolic links"),
    }))
}

/// The directory `path` is in (`.` for a bare name).
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// What is at `resolved` (the path `shown` with its links followed), checked so that it may
/// be replaced: nothing yet, or a regular file with one name that this user can write. A
/// replace is a rename, which needs only write access to the directory, so each of these is
/// checked here rather than left to the rename:
///
/// - a device, a pipe or a directory is not replaced (`/dev/null` would become a regular
///   file, a FIFO's reader would wait forever);
/// - a second hard link would keep the old contents under its other name;
/// - a file this user cannot write must not be replaced by one that they own, and a file
///   marked read-only for everyone (no write bit at all) is not replaced even by root, who
///   could otherwise get round any mode.
pub(crate) fn inspect_target(shown: &Path, resolved: PathBuf) -> Result<Target, OutputError> {
    let metadata = match fs::metadata(&resolved) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Ok(Target {
                path: resolved,
                metadata: None,
            });
        }
        Err(source) => {
            return Err(OutputError::Io(FileIoError {
                path: shown.to_owned(),
                action: "look at the file",
                source,
            }));
        }
    };
    let refuse = |found: String, expected: &str| OutputError::Refused {
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
                "a file with one name: symscore writes a new file and renames it over this \
                 name, so the other names would keep the old contents (and a visits file \
                 would have a lock per name); keep one name (make the others copies, or \
                 remove them)",
            ));
        }
    }
    let cannot_write = |detail: String| {
        refuse(
            format!(
                "a file you cannot write ({}: {detail})",
                describe_permissions(&metadata)
            ),
            "write permission on the file itself: symscore replaces a file only where you \
             could write it, and must not get round its permissions (ask its owner to let you \
             write it, or `chmod u+w` your own)",
        )
    };
    if metadata.permissions().readonly() {
        return Err(cannot_write("no one has write permission".to_owned()));
    }
    // Opening for writing (without truncating or writing) asks the system itself, so that
    // modes, ACLs, read-only mounts and immutable files all count.
    if let Err(source) = OpenOptions::new().write(true).open(&resolved) {
        return Err(
            if matches!(
                source.kind(),
                io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
            ) {
                cannot_write(source.to_string())
            } else {
                OutputError::Io(FileIoError {
                    path: shown.to_owned(),
                    action: "open the file for writing",
                    source,
                })
            },
        );
    }
    Ok(Target {
        path: resolved,
        metadata: Some(metadata),
    })
}

/// `a directory`, `a named pipe (FIFO)`, …
pub(crate) fn file_kind(metadata: &fs::Metadata) -> &'static str {
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

/// Whether `metadata` is something written in place rather than replaced, as a shell's `>`
/// writes to it: a character device (`/dev/null`, a terminal) or a named pipe.
pub(crate) fn is_stream(metadata: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let kind = metadata.file_type();
        kind.is_char_device() || kind.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        false
    }
}

/// `mode 0444, owner uid 0`, for messages.
pub(crate) fn describe_permissions(metadata: &fs::Metadata) -> String {
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

/// In a directory with the sticky bit (like `/tmp`) only the owner of a file (or of the
/// directory) may rename over it: the rename would fail at the very end. `probe` is a file
/// this process just created, which tells whose files it creates.
#[cfg(unix)]
pub(crate) fn check_sticky(
    shown: &Path,
    dir: &Path,
    existing: &fs::Metadata,
    probe: &File,
) -> Result<(), OutputError> {
    use std::os::unix::fs::MetadataExt as _;
    let io_error = || FileIoError::at(dir, "look at the directory of the file");
    let dir_metadata = fs::metadata(dir).map_err(io_error())?;
    let me = probe.metadata().map_err(io_error())?.uid();
    let sticky = dir_metadata.mode() & 0o1000 != 0;
    // Root may replace anything (it is the superuser's CAP_FOWNER, checked by the rename).
    if sticky && me != 0 && existing.uid() != me && dir_metadata.uid() != me {
        return Err(OutputError::Refused {
            path: shown.to_owned(),
            found: format!(
                "a file owned by uid {} in a directory with the sticky bit (like /tmp), where only \
                 the file's owner may replace it (you are uid {me})",
                existing.uid()
            ),
            expected: "a file you own, or a directory without the sticky bit: symscore \
                       replaces the file by a rename, which the sticky bit forbids here"
                .into(),
        });
    }
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn check_sticky(
    _shown: &Path,
    _dir: &Path,
    _existing: &fs::Metadata,
    _probe: &File,
) -> Result<(), OutputError> {
    Ok(())
}

/// One file, whatever its names: device and inode where the system has them, else the path
/// with links followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Identity {
    Inode(u64, u64),
    Path(PathBuf),
}

/// The identity of what `path` names; a path that does not exist yet is its resolved name,
/// so that two names for one new file are still one file. Found by `stat`, never by opening:
/// opening a named pipe would wait for a writer, and opening a device can have effects.
pub(crate) fn identity(path: &Path) -> Option<Identity> {
    match fs::metadata(path) {
        #[cfg(unix)]
        Ok(metadata) => {
            use std::os::unix::fs::MetadataExt as _;
            Some(Identity::Inode(metadata.dev(), metadata.ino()))
        }
        #[cfg(not(unix))]
        Ok(_) => fs::canonicalize(path).ok().map(Identity::Path),
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            resolve_target(path).ok().map(Identity::Path)
        }
        Err(_) => None,
    }
}

/// The identity of the file standard input is open on, by `fstat` of a duplicate of the
/// descriptor (the path `/dev/stdin` need not exist). None when it is closed, or where
/// files have no inode.
pub(crate) fn standard_input_identity() -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd as _;
        descriptor_identity(io::stdin().as_fd(), false)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The identity of the regular file standard output is open on (`>> FILE`); None for a
/// terminal, a pipe, a device, or a closed standard output.
pub(crate) fn standard_output_identity() -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd as _;
        descriptor_identity(io::stdout().as_fd(), true)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// `fstat` of a duplicate of `fd`, so that the standard stream itself is never closed.
#[cfg(unix)]
fn descriptor_identity(fd: std::os::fd::BorrowedFd<'_>, only_regular: bool) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt as _;
    let descriptor = fd.try_clone_to_owned().ok()?;
    let metadata = fs::File::from(descriptor).metadata().ok()?;
    if only_regular && !metadata.is_file() {
        return None;
    }
    Some(Identity::Inode(metadata.dev(), metadata.ino()))
}
