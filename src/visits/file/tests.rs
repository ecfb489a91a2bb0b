//! Unit tests of saving the visits file: permissions, symbolic links, the lock, concurrent
//! appends, sync failures and the files that may not be replaced.

use super::*;
use crate::RepeatedVisit;
use crate::visits::tests::{gad7_visit, phq9_visit, registry};
use crate::visits::{AppendOptions, append_visit, check_visit_file};
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
        // The header is line 1 and the first visit line 2: the new row would be line 3.
        [RepeatedVisit {
            instrument: "phq9",
            date: Some(jiff::civil::date(2026, 5, 4)),
            line: 3,
            earlier_line: 2,
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
    let mut patients: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
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
    let target = inspect_target(&path, resolve_target(&path).unwrap()).unwrap();
    let held = acquire_lock(&target, Duration::from_secs(1)).unwrap();
    let options = AppendOptions {
        lock_timeout: Duration::from_millis(100),
    };
    let err = append_visit(&path, &phq9_visit(&registry, "P1"), &options).unwrap_err();
    assert!(matches!(err, AppendError::Locked { .. }), "{err}");
    drop(held);
    assert_eq!(fs::read_to_string(&path).unwrap(), "patient_id,date\n");
}

fn target_of(path: &Path) -> Result<Target, AppendError> {
    inspect_target(path, resolve_target(path)?)
}

/// Whether the tests run as root, which may write any file.
#[cfg(unix)]
fn running_as_root(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let probe = dir.join("probe");
    fs::write(&probe, "").unwrap();
    let root = fs::metadata(&probe).unwrap().uid() == 0;
    fs::remove_file(probe).unwrap();
    root
}

#[cfg(unix)]
#[test]
fn a_new_visits_file_and_its_lock_are_for_the_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let registry = registry();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("visits.csv");
    append_visit(
        &path,
        &phq9_visit(&registry, "P1"),
        &AppendOptions::default(),
    )
    .unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&lock_path(&path)), 0o600);
    // An existing file keeps its permissions, and a lock file created beside it gets them.
    let shared = dir.path().join("shared.csv");
    fs::write(&shared, "patient_id,date\n").unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o664)).unwrap();
    append_visit(
        &shared,
        &phq9_visit(&registry, "P1"),
        &AppendOptions::default(),
    )
    .unwrap();
    assert_eq!(mode(&shared), 0o664);
    assert_eq!(mode(&lock_path(&shared)), 0o664);
}

#[test]
fn a_failed_directory_sync_after_the_rename_is_a_warning_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("visits.csv");
    fs::write(&path, "old\n").unwrap();
    let target = target_of(&path).unwrap();
    let warning =
        replace_file_with(&target, b"new\n", |_| Err(io::Error::other("injected EIO"))).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
    let warning = warning.unwrap();
    assert!(
        warning.contains("could not be synced to disk (injected EIO)"),
        "{warning}"
    );
    let target = target_of(&path).unwrap();
    assert_eq!(
        replace_file_with(&target, b"x\n", |_| Ok(())).unwrap(),
        None
    );
}

#[cfg(unix)]
#[test]
fn only_regular_files_with_one_name_are_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |path: &Path| target_of(path).unwrap_err().to_string();
    // A directory, a device, a named pipe.
    assert!(
        refused(dir.path()).contains("found a directory, not a regular file"),
        "{}",
        refused(dir.path())
    );
    let null = refused(Path::new("/dev/null"));
    assert!(
        null.contains("found a character device (such as /dev/null), not a regular file"),
        "{null}"
    );
    let fifo = dir.path().join("fifo.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    assert!(refused(&fifo).contains("found a named pipe (FIFO), not a regular file"));
    // A hard link: two names for one file.
    let path = dir.path().join("visits.csv");
    fs::write(&path, "patient_id,date\n").unwrap();
    let other = dir.path().join("copy.csv");
    fs::hard_link(&path, &other).unwrap();
    for name in [&path, &other] {
        assert!(
            refused(name).contains("found a file with 2 hard links"),
            "{}",
            refused(name)
        );
    }
    fs::remove_file(&other).unwrap();
    assert!(target_of(&path).is_ok());
    // Saving refuses too, before creating a lock file beside it. (Not tried on /dev/null:
    // were it ever to regress, a test run as root would replace the machine's /dev/null.)
    let registry = registry();
    let visit = phq9_visit(&registry, "P1");
    assert!(append_visit(&fifo, &visit, &AppendOptions::default()).is_err());
    assert!(!lock_path(&fifo).exists());
}

/// Only where the tests do not run as root: root may write a read-only file (the
/// integration tests run the binary as another user for that case).
#[cfg(unix)]
#[test]
fn a_file_the_user_cannot_write_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    if running_as_root(dir.path()) {
        return;
    }
    let path = dir.path().join("visits.csv");
    fs::write(&path, "patient_id,date\n").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let err = target_of(&path).unwrap_err().to_string();
    assert!(
        err.contains("found a file you cannot write (mode 0444"),
        "{err}"
    );
    let registry = registry();
    let visit = phq9_visit(&registry, "P1");
    assert!(append_visit(&path, &visit, &AppendOptions::default()).is_err());
    assert_eq!(fs::read_to_string(&path).unwrap(), "patient_id,date\n");
    // A lock file the user cannot open is found by the check, before any question.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let lock = lock_path(&path);
    fs::write(&lock, "").unwrap();
    fs::set_permissions(&lock, fs::Permissions::from_mode(0o000)).unwrap();
    let err = check_visit_file(&path, &visit).unwrap_err().to_string();
    assert!(err.contains("found a lock file you cannot open"), "{err}");
}

#[test]
fn a_name_too_long_for_the_temporary_file_is_found_by_the_check() {
    let registry = registry();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.csv", "v".repeat(246)));
    let err = check_visit_file(&path, &phq9_visit(&registry, "P1"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("found a file name of 250 bytes, too long for the files a save writes"),
        "{err}"
    );
    assert!(
        err.contains("expected a file name of at most 243 bytes"),
        "{err}"
    );
    // Nothing was left behind.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    // A name that leaves room is fine.
    let path = dir.path().join(format!("{}.csv", "v".repeat(239)));
    check_visit_file(&path, &phq9_visit(&registry, "P1")).unwrap();
    append_visit(
        &path,
        &phq9_visit(&registry, "P1"),
        &AppendOptions::default(),
    )
    .unwrap();
}
