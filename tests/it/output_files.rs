//! Issue 11, section 2: only the named output is ever replaced, and only if it is a regular
//! file (points 7 to 12). Each test runs the real binary on files in a temporary directory.

use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

#[cfg(unix)]
use crate::support::mkfifo;
use crate::support::{BINARY, PHQ9_HEADER, dir_listing, stderr, symscore, temp_file};

/// Two PHQ-9 visits: totals 9 and 18.
const VISITS: &str = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\n\
P1,2026-01-05,1,1,1,1,1,1,1,1,1\nP1,2026-02-05,2,2,2,2,2,2,2,2,2\n";
const DOSING: &str = "patient_id,date\nP1,2026-01-01\n";
const PREVIOUS: &str = "previous results\n";

/// `symscore score VISITS -o TARGET`.
fn score_to(visits: &Path, target: &Path) -> assert_cmd::Command {
    let mut cmd = symscore();
    cmd.arg("score").arg(visits).arg("-o").arg(target);
    cmd
}

/// A temporary directory with `visits.csv` in it.
fn with_visits() -> (tempfile::TempDir, PathBuf) {
    temp_file("visits.csv", VISITS)
}

/// Names in `dir` that look like a temporary output file.
fn temporary_files(dir: &Path) -> Vec<String> {
    dir_listing(dir)
        .into_iter()
        .filter(|name| {
            name.starts_with('.') && Path::new(name).extension().is_some_and(|e| e == "tmp")
        })
        .collect()
}

fn refused(cmd: &mut assert_cmd::Command, message: &str) -> String {
    let out = cmd.assert().code(2);
    let err = stderr(out.get_output());
    assert!(err.contains(message), "expected {message:?} in:\n{err}");
    err
}

// ---- 7. one policy: regular files replaced, devices and pipes written in place ----

#[cfg(unix)]
#[test]
fn a_symbolic_link_output_is_followed_and_survives() {
    let (dir, visits) = with_visits();
    let real = dir.path().join("real.csv");
    fs::write(&real, PREVIOUS).unwrap();
    let link = dir.path().join("latest.csv");
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    score_to(&visits, &link).assert().success();
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(
        fs::read_to_string(&real)
            .unwrap()
            .contains("P1,2026-02-05,phq9,18")
    );
    // A link to a file not created yet: the file is created behind it.
    let dangling = dir.path().join("next.csv");
    std::os::unix::fs::symlink("new.csv", &dangling).unwrap();
    score_to(&visits, &dangling).assert().success();
    assert!(fs::symlink_metadata(&dangling).unwrap().is_symlink());
    assert!(
        fs::read_to_string(dir.path().join("new.csv"))
            .unwrap()
            .contains(",18,")
    );
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn a_fifo_output_is_written_in_place_for_its_reader() {
    use std::os::unix::fs::FileTypeExt as _;
    let (dir, visits) = with_visits();
    let fifo = dir.path().join("scores.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            fs::File::open(fifo)
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
        })
    };
    symscore()
        .arg("score")
        .arg(&visits)
        .args(["--format", "csv", "-o"])
        .arg(&fifo)
        .assert()
        .success();
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let text = reader.join().unwrap();
    assert!(
        text.starts_with("patient_id,date,instrument,total"),
        "{text}"
    );
    assert!(text.contains("P1,2026-02-05,phq9,18"), "{text}");
}

/// A character device of our own (the same device as /dev/null), so that a regression
/// cannot replace the machine's /dev/null. Creating it needs root.
#[cfg(unix)]
#[test]
fn a_device_output_is_written_in_place_not_replaced() {
    use std::os::unix::fs::FileTypeExt as _;
    let (dir, visits) = with_visits();
    let device = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mknod needs root");
        return;
    }
    score_to(&visits, &device).assert().success();
    assert!(fs::metadata(&device).unwrap().file_type().is_char_device());
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
}

/// `-o /dev/stdout` writes to standard output (here a pipe) like a shell redirect.
#[cfg(unix)]
#[test]
fn dash_o_dev_stdout_writes_to_standard_output() {
    let (_dir, visits) = with_visits();
    let out = symscore()
        .arg("score")
        .arg(&visits)
        .args(["--format", "csv", "-o", "/dev/stdout"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("P1,2026-02-05,phq9,18"), "{text}");
}

#[test]
fn a_directory_output_is_refused() {
    let (dir, visits) = with_visits();
    refused(
        symscore()
            .arg("score")
            .arg(&visits)
            .arg("-o")
            .arg(dir.path()),
        "found a directory, not a regular file",
    );
}

// ---- 8. no output is an input ----

#[test]
fn trend_output_may_not_be_the_dosing_file() {
    let (dir, visits) = with_visits();
    let dosing = dir.path().join("dosing.csv");
    fs::write(&dosing, DOSING).unwrap();
    refused(
        symscore()
            .arg("trend")
            .arg(&visits)
            .arg("--dosing")
            .arg(&dosing)
            .arg("-o")
            .arg(dir.path().join(".").join("dosing.csv")),
        "found a path that is the input file",
    );
    assert_eq!(fs::read_to_string(&dosing).unwrap(), DOSING);
    assert_eq!(fs::read_to_string(&visits).unwrap(), VISITS);
}

/// Identity, not name: a second name (hard link) of the visits file is the visits file.
#[cfg(unix)]
#[test]
fn score_output_may_not_be_another_name_of_the_input() {
    let (dir, visits) = with_visits();
    let other = dir.path().join("other-name.csv");
    fs::hard_link(&visits, &other).unwrap();
    refused(
        &mut score_to(&visits, &other),
        "found a path that is the input file",
    );
    assert_eq!(fs::read_to_string(&other).unwrap(), VISITS);
    assert_eq!(fs::read_to_string(&visits).unwrap(), VISITS);
}

#[test]
fn no_output_goes_into_the_instruments_directory() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    fs::create_dir(&defs).unwrap();
    let definition = fs::read_to_string("instruments/gad7.json")
        .unwrap()
        .replace("\"id\": \"gad7\"", "\"id\": \"gad7x\"");
    let existing = defs.join("gad7x.json");
    fs::write(&existing, &definition).unwrap();
    // An existing definition, and a new file in the directory, for `instruments list`.
    for target in [existing.clone(), defs.join("list.json")] {
        refused(
            symscore()
                .arg("--instruments-dir")
                .arg(&defs)
                .args(["instruments", "list", "-o"])
                .arg(&target),
            "found a file in the instruments directory",
        );
    }
    // The directory is an input of every command.
    let visits = dir.path().join("visits.csv");
    fs::write(&visits, VISITS).unwrap();
    refused(
        symscore()
            .env("SYMSCORE_INSTRUMENTS", &defs)
            .arg("score")
            .arg(&visits)
            .arg("-o")
            .arg(&existing),
        "found a file in the instruments directory",
    );
    assert_eq!(fs::read_to_string(&existing).unwrap(), definition);
    assert_eq!(fs::read_dir(&defs).unwrap().count(), 1);
}

// ---- 9. a signal removes the temporary file ----

/// `score -o` reads a FIFO that the test holds open, so the run is mid-way (its temporary
/// file exists, it waits for rows) when the signal arrives.
#[cfg(unix)]
fn signal_mid_run(signal: &str, number: i32) {
    use std::os::unix::process::ExitStatusExt as _;
    if inherited_as_ignored(number) {
        // The child would inherit it, and symscore rightly leaves an ignored signal alone.
        eprintln!("skipped: SIG{signal} is ignored in this test process (a background job?)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.fifo");
    mkfifo(&input);
    let target = dir.path().join("scores.csv");
    fs::write(&target, PREVIOUS).unwrap();
    let mut child = Command::new(BINARY)
        .env_remove("SYMSCORE_INSTRUMENTS")
        .arg("score")
        .arg(&input)
        .arg("-o")
        .arg(&target)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Opening the FIFO waits for the child to open it; the child has opened its output first.
    let mut writer = fs::OpenOptions::new().write(true).open(&input).unwrap();
    writeln!(writer, "{PHQ9_HEADER}").unwrap();
    for n in 0..100 {
        writeln!(writer, "P{n},2026-03-02,1,1,1,1,1,1,1,1,0").unwrap();
    }
    writer.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while temporary_files(dir.path()).is_empty() {
        assert!(Instant::now() < deadline, "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    drop(writer);
    assert_eq!(status.signal(), Some(number), "{signal}: {status:?}");
    assert_eq!(
        temporary_files(dir.path()),
        Vec::<String>::new(),
        "{signal}"
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), PREVIOUS, "{signal}");
}

/// Whether this process was started with `number` ignored (`SigIgn` in /proc/self/status).
#[cfg(unix)]
fn inherited_as_ignored(number: i32) -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let hex = status.lines().find_map(|l| l.strip_prefix("SigIgn:"))?;
            u64::from_str_radix(hex.trim(), 16).ok()
        })
        .is_some_and(|mask| mask & (1 << (number - 1)) != 0)
}

#[cfg(unix)]
#[test]
fn sigterm_during_score_removes_the_temporary_file() {
    signal_mid_run("TERM", 15);
}

#[cfg(unix)]
#[test]
fn sigint_during_score_removes_the_temporary_file() {
    signal_mid_run("INT", 2);
}

#[cfg(unix)]
#[test]
fn sighup_during_score_removes_the_temporary_file() {
    signal_mid_run("HUP", 1);
}

/// A signal the parent set to be ignored (`nohup` ignores SIGHUP) stays ignored: the run
/// goes on and writes its output.
#[cfg(unix)]
#[test]
fn an_ignored_sighup_stays_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.fifo");
    mkfifo(&input);
    let target = dir.path().join("scores.csv");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("trap '' HUP; exec \"$0\" score \"$1\" -o \"$2\"")
        .arg(BINARY)
        .arg(&input)
        .arg(&target)
        .env_remove("SYMSCORE_INSTRUMENTS")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut writer = fs::OpenOptions::new().write(true).open(&input).unwrap();
    writeln!(writer, "{PHQ9_HEADER}").unwrap();
    writer.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while temporary_files(dir.path()).is_empty() {
        assert!(Instant::now() < deadline, "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    writeln!(writer, "P1,2026-03-02,1,1,1,1,1,1,1,1,0").unwrap();
    drop(writer);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        fs::read_to_string(&target)
            .unwrap()
            .contains("P1,2026-03-02,phq9,8")
    );
}

// ---- 10. permissions and hard links ----

/// A file marked read-only for everyone is not replaced, even by root (who runs the tests
/// here and could write it).
#[cfg(unix)]
#[test]
fn a_read_only_output_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt as _;
    let (dir, visits) = with_visits();
    let target = dir.path().join("scores.csv");
    fs::write(&target, PREVIOUS).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o444)).unwrap();
    refused(
        &mut score_to(&visits, &target),
        "found a file you cannot write (mode 0444",
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), PREVIOUS);
    let mode = fs::metadata(&target).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
}

/// Someone else's 0644 file in a directory anyone may write: the rename would be allowed,
/// writing the file is not. Run as `nobody` through `setpriv` when the tests run as root.
#[cfg(unix)]
#[test]
fn another_users_file_is_not_replaced_through_the_directory() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let visits = dir.path().join("visits.csv");
    fs::write(&visits, VISITS).unwrap();
    let target = dir.path().join("scores.csv");
    fs::write(&target, PREVIOUS).unwrap();
    let root = fs::metadata(&target).unwrap().uid() == 0;
    let has_setpriv = Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !root || !has_setpriv {
        eprintln!("skipped: needs root and setpriv to run the binary as another user");
        return;
    }
    let mut cmd = assert_cmd::Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", BINARY])
        .env_remove("SYMSCORE_INSTRUMENTS")
        .arg("score")
        .arg(&visits)
        .arg("-o")
        .arg(&target);
    refused(
        &mut cmd,
        "found a file you cannot write (mode 0644, owner uid 0",
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), PREVIOUS);
    assert_eq!(fs::metadata(&target).unwrap().uid(), 0);
}

#[cfg(unix)]
#[test]
fn a_hard_linked_output_is_not_detached() {
    let (dir, visits) = with_visits();
    let target = dir.path().join("scores.csv");
    fs::write(&target, PREVIOUS).unwrap();
    let other = dir.path().join("backup.csv");
    fs::hard_link(&target, &other).unwrap();
    refused(
        &mut score_to(&visits, &target),
        "found a file with 2 hard links",
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), PREVIOUS);
    assert_eq!(fs::read_to_string(&other).unwrap(), PREVIOUS);
}

// ---- 11. JSON is a complete document, or not written ----

#[test]
fn json_on_stdout_is_complete_when_the_run_stops_early() {
    let (dir, _) = with_visits();
    let bad_cell = dir.path().join("bad-cell.csv");
    fs::write(
        &bad_cell,
        format!(
            "{PHQ9_HEADER}\nP1,2026-01-05,1,1,1,1,1,1,1,1,1\nP2,2026-01-05,1,1,9,1,1,1,1,1,1\n"
        ),
    )
    .unwrap();
    let ragged = dir.path().join("ragged.csv");
    fs::write(
        &ragged,
        format!("{PHQ9_HEADER}\nP1,2026-01-05,1,1,1,1,1,1,1,1,1\nP2,2026-01-05,1,1\n"),
    )
    .unwrap();
    // --strict stops at the bad cell (exit 1); a row with too few cells stops the run (exit 2).
    for (input, strict, code) in [(&bad_cell, true, 1), (&ragged, false, 2)] {
        let mut cmd = symscore();
        cmd.arg("score").arg(input).args(["--format", "json"]);
        if strict {
            cmd.arg("--strict");
        }
        let out = cmd.assert().code(code);
        let parsed: Value = serde_json::from_slice(&out.get_output().stdout)
            .unwrap_or_else(|err| panic!("{}: not one JSON document: {err}", input.display()));
        let records = parsed.as_array().unwrap();
        assert_eq!(records.len(), 1, "{parsed}");
        assert_eq!(records[0]["patient_id"], "P1");
        assert_eq!(records[0]["total"], 9);
        // With -o, nothing is written at all.
        let target = dir.path().join("scores.json");
        let mut cmd = symscore();
        cmd.arg("score").arg(input).arg("-o").arg(&target);
        if strict {
            cmd.arg("--strict");
        }
        cmd.assert().code(code);
        assert!(!target.exists());
        assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
    }
}

/// `trend` on standard input collects every row before writing: a malformed row stops it
/// with an empty array, not with nothing, which is no JSON document.
#[test]
fn trend_json_on_stdout_is_complete_when_the_run_stops_early() {
    let out = symscore()
        .args([
            "trend",
            "-",
            "--dosing",
            "examples/dosing.csv",
            "--format",
            "json",
        ])
        .write_stdin(format!(
            "{PHQ9_HEADER}\nP001,2026-02-20,1,1,1,1,1,1,1,1,1\nP001,2026-03-05,1,1\n"
        ))
        .assert()
        .code(2);
    let parsed: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(parsed, Value::Array(Vec::new()));
}

// ---- 12. a closed standard output ----

#[cfg(unix)]
#[test]
fn a_closed_standard_output_is_an_error() {
    let (_dir, visits) = with_visits();
    for (redirect, message) in [
        (">&-", "standard output is closed"),
        ("1<\"$1\"", "standard output is open for reading only"),
    ] {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" score \"$1\" {redirect}"))
            .arg(BINARY)
            .arg(&visits)
            .env_remove("SYMSCORE_INSTRUMENTS")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{redirect}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(message),
            "{redirect}: {}",
            stderr(&out)
        );
    }
    // Discarding on purpose stays allowed.
    let out = Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" score \"$1\" > /dev/null")
        .arg(BINARY)
        .arg(&visits)
        .env_remove("SYMSCORE_INSTRUMENTS")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
