//! Unit tests of the output policy: identity of inputs, the temporary file's life, and
//! what is replaced.

use super::*;
use pretty_assertions::assert_eq;

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn listed() -> Vec<PathBuf> {
    temporary::registry_snapshot()
}

#[test]
fn a_committed_file_replaces_the_target_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    fs::write(&path, "old\n").unwrap();
    let mut file = OutputFile::create(&path, &Inputs::default()).unwrap();
    file.write_all(b"new\n").unwrap();
    // Until the commit, the old contents stay, and the temporary file is listed.
    assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
    assert_eq!(names(dir.path()).len(), 2);
    assert!(listed().iter().any(|p| p.starts_with(dir.path())));
    assert_eq!(file.commit().unwrap(), None);
    assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
    assert_eq!(names(dir.path()), ["out.csv"]);
    assert!(!listed().iter().any(|p| p.starts_with(dir.path())));
}

#[test]
fn a_dropped_file_leaves_the_target_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    fs::write(&path, "old\n").unwrap();
    let mut file = OutputFile::create(&path, &Inputs::default()).unwrap();
    file.write_all(b"partial").unwrap();
    drop(file);
    assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");
    assert_eq!(names(dir.path()), ["out.csv"]);
    assert!(!listed().iter().any(|p| p.starts_with(dir.path())));
}

#[cfg(unix)]
#[test]
fn an_input_is_recognised_by_identity_not_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("visits.csv");
    fs::write(&input, "x\n").unwrap();
    let mut inputs = Inputs::default();
    inputs.file(&input).file(Path::new("-"));
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = dir.path().join("hard.csv");
    fs::hard_link(&input, &hard).unwrap();
    let dotted = dir.path().join(".").join("visits.csv");
    for name in [&input, &link, &hard, &dotted] {
        let err = check_not_input(name, &inputs).unwrap_err().to_string();
        assert!(err.contains("found a path that is the input file"), "{err}");
    }
    // Another file, and a new one, are fine.
    assert!(check_not_input(&dir.path().join("new.csv"), &inputs).is_ok());
    // Two names for one file that does not exist yet are one file.
    let mut new_input = Inputs::default();
    new_input.file(&dir.path().join("later.csv"));
    let later = dir.path().join("sub").join("..").join("later.csv");
    fs::create_dir(dir.path().join("sub")).unwrap();
    assert!(check_not_input(&later, &new_input).is_err());
}

#[test]
fn nothing_is_written_into_an_input_directory() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    fs::create_dir(&defs).unwrap();
    let mut inputs = Inputs::default();
    inputs.directory(&defs);
    let err = check_not_input(&defs.join("new.json"), &inputs)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("found a file in the instruments directory"),
        "{err}"
    );
    assert!(check_not_input(&dir.path().join("new.json"), &inputs).is_ok());
}

#[cfg(unix)]
#[test]
fn a_new_file_is_for_its_owner_only_and_a_replaced_one_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    let path = dir.path().join("out.csv");
    OutputFile::create(&path, &Inputs::default())
        .unwrap()
        .commit()
        .unwrap();
    assert_eq!(mode(&path), 0o600);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    OutputFile::create(&path, &Inputs::default())
        .unwrap()
        .commit()
        .unwrap();
    assert_eq!(mode(&path), 0o640);
    // No write bit for anyone: refused, whoever runs this.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let err = OutputFile::create(&path, &Inputs::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("found a file you cannot write (mode 0444"),
        "{err}"
    );
}

/// Issue 12: a failed look, write or rename says the path and what was being done, with the
/// system's error as its cause, through the one `FileIoError` type.
#[test]
fn a_failed_file_operation_names_the_path_the_action_and_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("out.csv");
    let err = resolve_target(&path).unwrap_err();
    let OutputError::Io(failure) = &err else {
        panic!("expected an I/O failure, found {err:?}");
    };
    assert_eq!(failure.path, dir.path().join("no-such-dir"));
    assert_eq!(failure.action, "find the directory of the file");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: cannot find the directory of the file",
            dir.path().join("no-such-dir").display()
        )
    );
    let cause = std::error::Error::source(&err).expect("the system's error");
    assert_eq!(
        cause.downcast_ref::<io::Error>().map(io::Error::kind),
        Some(io::ErrorKind::NotFound)
    );
}
