//! The file-system side of saving: the target behind symbolic links, the sidecar lock, and
//! replacing the file by a synced temporary file and a rename.

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

/// The sidecar lock file of a visits file: `.visits.csv.lock` beside it. It is never
/// removed; removing it would let a waiting process lock a file nobody else can see.
pub fn lock_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent_dir(target).join(format!(".{name}.lock"))
}

pub(super) fn acquire_lock(target: &Path, timeout: Duration) -> Result<File, AppendError> {
    let path = lock_path(target);
    let file = match OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
    {
        Ok(file) => Ok(file),
        // A lock file created by a colleague may not be writable by us; a shared lock
        // needs only an open file, so read access is enough.
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied => File::open(&path),
        Err(err) => Err(err),
    }
    .map_err(|source| AppendError::Io {
        path: path.clone(),
        action: "open the lock file",
        source,
    })?;
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

/// Writes `bytes` to a temporary file beside `target`, syncs it, renames it over `target`
/// and syncs the directory. The old file's permissions (and, where allowed, owner and group)
/// carry over, so a shared file stays shared.
pub(super) fn replace_file(target: &Path, bytes: &[u8]) -> Result<(), AppendError> {
    let dir = parent_dir(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let io_error = |action: &'static str| {
        let path = target.to_owned();
        move |source| AppendError::Io {
            path,
            action,
            source,
        }
    };
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Like a file created with `open(2)`: 0666 less the umask.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder
        .tempfile_in(&dir)
        .map_err(io_error("create a temporary file beside the visits file"))?;
    match fs::metadata(target) {
        Ok(metadata) => {
            temp.as_file()
                .set_permissions(metadata.permissions())
                .map_err(io_error("copy the visits file's permissions"))?;
            keep_owner(temp.as_file(), &metadata);
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(source) => return Err(io_error("read the visits file's permissions")(source)),
    }
    temp.write_all(bytes)
        .and_then(|()| temp.flush())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(io_error("write the new visits file"))?;
    temp.persist(target)
        .map_err(|err| io_error("rename the new visits file into place")(err.error))?;
    sync_dir(&dir).map_err(io_error("sync the directory of the visits file"))
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
mod tests {
    use super::*;
    use crate::visits::tests::{gad7_visit, phq9_visit, registry};
    use crate::visits::{AppendOptions, Repeat, append_visit, check_visit_file};
    use pretty_assertions::assert_eq;

    #[test]
    fn append_visit_creates_then_extends_and_keeps_permissions() {
        let registry = registry();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("visits.csv");
        let check = check_visit_file(&path, &phq9_visit(&registry, "P1")).unwrap();
        assert!(!check.exists);
        let first = append_visit(
            &path,
            &phq9_visit(&registry, "P1"),
            &AppendOptions::default(),
        )
        .unwrap();
        assert_eq!(first.line, 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        }
        let check = check_visit_file(&path, &gad7_visit(&registry, "P2")).unwrap();
        assert!(check.exists);
        assert_eq!(check.added_columns[0], "gad7_1");
        assert!(check.repeats.is_empty());
        // The same patient, date and instrument again is found, with its line.
        let check = check_visit_file(&path, &phq9_visit(&registry, "P1")).unwrap();
        assert_eq!(
            check.repeats,
            [Repeat {
                line: 2,
                instrument: "phq9".into()
            }]
        );
        let second = append_visit(
            &path,
            &gad7_visit(&registry, "P2"),
            &AppendOptions::default(),
        )
        .unwrap();
        assert_eq!(second.line, 3);
        assert_eq!(second.added_columns.len(), 8);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        // Only the visits file and its lock are left behind: no temporary files.
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".visits.csv.lock", "visits.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_to_the_visits_file_survives() {
        let registry = registry();
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        let link = dir.path().join("visits.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        append_visit(
            &link,
            &phq9_visit(&registry, "P1"),
            &AppendOptions::default(),
        )
        .unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert!(fs::read_to_string(&real).unwrap().contains("P1,2026-05-04"));
    }

    #[test]
    fn concurrent_appends_all_land() {
        let registry = registry();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("visits.csv");
        std::thread::scope(|scope| {
            for thread in 0..6 {
                let (registry, path) = (&registry, &path);
                scope.spawn(move || {
                    for n in 0..5 {
                        let visit = if n % 2 == 0 {
                            phq9_visit(registry, &format!("T{thread}-{n}"))
                        } else {
                            gad7_visit(registry, &format!("T{thread}-{n}"))
                        };
                        append_visit(path, &visit, &AppendOptions::default()).unwrap();
                    }
                });
            }
        });
        let text = fs::read_to_string(&path).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut patients: Vec<String> =
            reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
        patients.sort();
        let mut expected: Vec<String> = (0..6)
            .flat_map(|t| (0..5).map(move |n| format!("T{t}-{n}")))
            .collect();
        expected.sort();
        assert_eq!(patients, expected);
    }

    #[test]
    fn a_held_lock_times_out_and_nothing_is_written() {
        let registry = registry();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("visits.csv");
        fs::write(&path, "patient_id,date\n").unwrap();
        let held = acquire_lock(&path, Duration::from_secs(1)).unwrap();
        let options = AppendOptions {
            lock_timeout: Duration::from_millis(100),
        };
        let err = append_visit(&path, &phq9_visit(&registry, "P1"), &options).unwrap_err();
        assert!(matches!(err, AppendError::Locked { .. }), "{err}");
        drop(held);
        assert_eq!(fs::read_to_string(&path).unwrap(), "patient_id,date\n");
    }
}
