//! Issue 11, points 1, 2 and the `enter` part of 14: an answer asked again is kept on Enter,
//! an endorsed safety answer is lowered or blanked only when confirmed and the review marks
//! every change; Ctrl-C says that nothing was saved and exits 130; an endless answer line is
//! refused at once with its location.
//!
//! The line prompter runs with piped standard input; the terminal prompter in a
//! pseudo-terminal (rexpect). Expected values are computed by hand from the scoring reference:
//! eight PHQ-9 items answered 1 and item 9 answered 2 total 10, moderate (§2.2), caseness
//! (§2.3), item 9 endorsed (§2.4).

use std::fs;
use std::io::{Read as _, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pretty_assertions::assert_eq;
use serde_json::Value;

use crate::support::process::{rest, spawn_reading_stderr, wait_for, wait_with_patience};
use crate::support::{BINARY, PATIENCE, PHQ9_ENTER_HEADER, json_lines, lines, symscore};

/// The issue's reproduction: eight items 1, item 9 answered 2, `b` from the difficulty
/// question, then Enter (at item 9), then Enter (the difficulty question, left blank).
const BACK_THEN_ENTER: [&str; 12] = ["1", "1", "1", "1", "1", "1", "1", "1", "2", "b", "", ""];

/// `enter phq9` for patient P1 on a fixed date, saving to `file`, JSON Lines on stdout.
fn enter(file: &Path) -> assert_cmd::Command {
    let mut cmd = symscore();
    cmd.args(["enter", "phq9", "--patient", "P1", "--date", "2026-05-04"])
        .args(["--format", "jsonl", "--append"])
        .arg(file);
    cmd
}

fn one_record(stdout: &[u8]) -> Value {
    let records = json_lines(stdout);
    assert_eq!(records.len(), 1, "{}", String::from_utf8_lossy(stdout));
    records.into_iter().next().unwrap()
}

fn saved_row(file: &Path) -> String {
    let text = fs::read_to_string(file).unwrap();
    text.lines().nth(1).unwrap_or_default().to_owned()
}

/// Whether process `pid` is asleep in poll(2) (or select), i.e. waiting for input: the state
/// in which a signal must still be noticed.
fn waits_in_poll(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/wchan"))
        .is_ok_and(|wchan| wchan.contains("poll") || wchan.contains("select"))
}

/// Waits until `pid` sleeps in poll(2). Where /proc has no wait channel, waits a moment.
fn wait_until_polling(pid: u32) {
    if !Path::new(&format!("/proc/{pid}/wchan")).exists() {
        std::thread::sleep(Duration::from_millis(500));
        return;
    }
    let start = Instant::now();
    while !waits_in_poll(pid) {
        assert!(start.elapsed() < PATIENCE, "process {pid} never waited");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Sends SIGINT to one process, by its id.
fn interrupt(pid: u32) {
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

// ---------------------------------------------------------------------------------------
// Point 1 through the line prompter.

/// The issue's exact reproduction: the result is 10, moderate, item 9 endorsed, as if `b`
/// had never been pressed (it was 9, mild, `ITEM9_MISSING` and `PRORATED`).
#[test]
fn back_then_enter_keeps_the_endorsed_item9() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let mut answers = BACK_THEN_ENTER.to_vec();
    answers.push("y");
    let out = enter(&file).write_stdin(lines(&answers)).assert().success();
    let record = one_record(&out.get_output().stdout);
    assert_eq!(record["total"], 10);
    assert_eq!(record["severity"], "moderate");
    assert_eq!(record["prorated"], false);
    assert_eq!(
        record["flags"],
        serde_json::json!(["ITEM9_POSITIVE", "CASENESS_PHQ9"])
    );
    assert_eq!(saved_row(&file), "P1,2026-05-04,1,1,1,1,1,1,1,1,2,");
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.contains("phq9 9 [0-3, Enter keeps 2, s blanks, b back, ? help, q quit]: \n"),
        "{stderr}"
    );
    // Kept, not changed: the review marks nothing.
    assert!(!stderr.contains("changed from"), "{stderr}");
}

/// Blanking an answered item takes `s`; for an endorsed safety item it also takes a `y`.
/// Declined, the answer stays; confirmed, the item is blank (safety unknown) and the review
/// says what it was.
#[test]
fn blanking_an_endorsed_item9_takes_s_and_a_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let eight = ["1"; 8];

    // `s`, then anything but `y` (here `n`): item 9 stays 2.
    let mut answers = eight.to_vec();
    answers.extend(["2", "b", "s", "n", "", "y"]);
    let out = enter(&file).write_stdin(lines(&answers)).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.contains("Leave PHQ-9 item 9 blank instead of 2? Type y to confirm"),
        "{stderr}"
    );
    assert!(stderr.contains("kept PHQ-9 item 9 = 2"), "{stderr}");
    assert_eq!(one_record(&out.get_output().stdout)["total"], 10);
    assert_eq!(saved_row(&file), "P1,2026-05-04,1,1,1,1,1,1,1,1,2,");
    fs::remove_file(&file).unwrap();

    // `s`, then `y`: blank, and the review marks it.
    let mut answers = eight.to_vec();
    answers.extend(["2", "b", "s", "y", "", "y"]);
    let out = enter(&file).write_stdin(lines(&answers)).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(stderr.contains("—  blank  (changed from 2)"), "{stderr}");
    let record = one_record(&out.get_output().stdout);
    assert_eq!(
        record["flags"],
        serde_json::json!(["ITEM9_MISSING", "PRORATED"])
    );
    assert_eq!(saved_row(&file), "P1,2026-05-04,1,1,1,1,1,1,1,1,,");
}

/// Lowering an endorsed safety answer asks too; raising it, or changing another item, does
/// not. Every answer changed after it was first given is marked in the review.
#[test]
fn lowering_item9_asks_and_the_review_marks_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    // Item 8 from 1 to 3 (no question), item 9 from 2 to 1 (confirmed with `y`).
    let answers = [
        "1", "1", "1", "1", "1", "1", "1", "1", "2", "b", "b", "3", "1", "y", "", "y",
    ];
    let out = enter(&file).write_stdin(lines(&answers)).assert().success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert_eq!(
        stderr
            .matches("Type y to confirm; anything else keeps")
            .count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains("Lower PHQ-9 item 9 from 2 to 1?"),
        "{stderr}"
    );
    assert!(
        stderr.contains("3  Nearly every day  (changed from 1)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1  Several days  (changed from 2)"),
        "{stderr}"
    );
    // 7·1 + 3 + 1 = 11.
    assert_eq!(one_record(&out.get_output().stdout)["total"], 11);
    assert_eq!(saved_row(&file), "P1,2026-05-04,1,1,1,1,1,1,1,3,1,");
}

// ---------------------------------------------------------------------------------------
// Point 14: one answer line is bounded.

/// A line longer than 4096 bytes is refused where it is, without reading on.
#[test]
fn an_answer_line_without_an_end_is_refused_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    fs::write(&file, format!("{PHQ9_ENTER_HEADER}\n")).unwrap();
    let input = format!("1\n2\n{}", "x".repeat(5000));
    let out = enter(&file).write_stdin(input).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.contains(
            "error: <stdin>:3: expected an answer line of at most 4096 bytes (line end included), found 4096 bytes without a line end"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was saved"), "{stderr}");
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        format!("{PHQ9_ENTER_HEADER}\n")
    );
    // A line of exactly 4096 bytes, line end included, is read (and refused as a typo).
    let input = format!("{}\n", "7".repeat(4095));
    let out = enter(&file).write_stdin(input).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    assert!(
        stderr.contains("<stdin>:1: expected an answer from 0 to 3"),
        "{stderr}"
    );
}

/// Endless input on stdin: `enter` stops after the first 4 KiB; it does not read the rest.
#[test]
fn endless_stdin_is_not_read_past_one_line() {
    let mut child = Command::new(BINARY)
        .env_remove("SYMSCORE_INSTRUMENTS")
        .args(["enter", "phq9"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // 64 MiB without a line end; the program must stop reading long before the end.
    let writer = std::thread::spawn(move || {
        let block = vec![b'0'; 1 << 16];
        let mut written = 0usize;
        for _ in 0..1024 {
            if stdin.write_all(&block).is_err() {
                return (written, true);
            }
            written += block.len();
        }
        (written, false)
    });
    let status = wait_with_patience(&mut child);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let (written, refused) = writer.join().unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("<stdin>:1: expected an answer line of at most 4096 bytes"));
    assert!(refused, "all {written} bytes were read");
}

/// `/dev/zero` on stdin, under a memory limit the old unbounded reader overran: exit 2 with
/// the location.
#[cfg(target_os = "linux")]
#[test]
fn dev_zero_on_stdin_exits_2_with_the_location() {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 1000000 && exec "$0" enter phq9"#)
        .arg(BINARY)
        .env_remove("SYMSCORE_INSTRUMENTS")
        .stdin(fs::File::open("/dev/zero").unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_with_patience(&mut child);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: <stdin>:1: expected an answer line of at most 4096 bytes"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------
// Point 2 through the line prompter: SIGINT while a line is awaited.

/// Starts `enter` with piped stdin (kept open) and a thread collecting stderr.
fn spawn_line_prompter(extra: &[&str]) -> (Child, mpsc::Receiver<Vec<u8>>) {
    spawn_reading_stderr(
        Command::new(BINARY)
            .env_remove("SYMSCORE_INSTRUMENTS")
            .args(["enter", "phq9", "--date", "2026-05-04"])
            .args(extra),
    )
}

#[test]
fn sigint_while_a_piped_line_is_awaited_says_nothing_was_saved() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let before = format!("{PHQ9_ENTER_HEADER}\n");
    fs::write(&file, &before).unwrap();
    let file_arg = file.to_str().unwrap();
    for extra in [vec!["--patient", "P1", "--append", file_arg], vec![]] {
        let (mut child, receiver) = spawn_line_prompter(&extra);
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"1\n2\n").unwrap();
        let mut seen = Vec::new();
        wait_for(&receiver, &mut seen, "phq9 3 [");
        // Blocked reading the next line, with the pipe still open.
        wait_until_polling(child.id());
        interrupt(child.id());
        let status = wait_with_patience(&mut child);
        drop(stdin);
        let stderr = rest(&receiver, &mut seen);
        assert_eq!(status.code(), Some(130), "{stderr}");
        let expected = if extra.is_empty() {
            "symscore: interrupted; visit abandoned, nothing was saved\n".to_owned()
        } else {
            format!(
                "symscore: interrupted; visit abandoned, nothing was saved; `{}` is unchanged\n",
                file.display()
            )
        };
        assert!(stderr.ends_with(&expected), "{stderr}");
        assert_eq!(fs::read_to_string(&file).unwrap(), before);
    }
}

/// With `-o`, SIGINT during the questions is still enter's to answer (the process-wide
/// handler that removes temporary files lets it pass while enter prompts): the message is
/// printed, exit 130, and neither the output nor its temporary file is left behind.
#[test]
fn sigint_during_enter_with_an_output_file_says_so_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scores.csv");
    let (mut child, receiver) = spawn_line_prompter(&["-o", out.to_str().unwrap()]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"1\n").unwrap();
    let mut seen = Vec::new();
    wait_for(&receiver, &mut seen, "phq9 2 [");
    wait_until_polling(child.id());
    interrupt(child.id());
    let status = wait_with_patience(&mut child);
    drop(stdin);
    let stderr = rest(&receiver, &mut seen);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.ends_with("symscore: interrupted; visit abandoned, nothing was saved\n"),
        "{stderr}"
    );
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

// ---------------------------------------------------------------------------------------
// Points 1 and 2 at the terminal prompter, in a pseudo-terminal.

#[cfg(unix)]
mod terminal {
    use super::*;
    use crate::support::terminal::{bytes, exit_code, expect, spawn_in_terminal};
    use pretty_assertions::assert_eq;
    use rexpect::process::Signal;
    use rexpect::session::PtySession;

    fn spawn(extra: &[&str]) -> PtySession {
        let mut command = Command::new(BINARY);
        command
            .args(["enter", "phq9", "--date", "2026-05-04", "--format", "csv"])
            .args(extra);
        spawn_in_terminal(command)
    }

    /// The issue's exact reproduction at the terminal, where it was seen.
    #[test]
    fn back_then_enter_keeps_the_endorsed_item9() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("visits.csv");
        let mut session = spawn(&["--patient", "T1", "--append", file.to_str().unwrap()]);
        for n in 1..=8 {
            expect(&mut session, &format!("phq9 {n} ["));
            session.send_line("1").unwrap();
            expect(&mut session, &format!("✔ phq9 {n} · 1  Several days"));
        }
        expect(&mut session, "phq9 9 [");
        session.send_line("2").unwrap();
        expect(
            &mut session,
            "!! SAFETY · PHQ-9 · ITEM9_POSITIVE (item 9 = 2)",
        );
        expect(&mut session, "phq9_difficulty [");
        session.send_line("b").unwrap();
        expect(&mut session, "answered before: 2  More than half the days");
        expect(
            &mut session,
            "phq9 9 [0-3, Enter keeps 2, s blanks, b back, ? help, q quit]",
        );
        session.send_line("").unwrap();
        expect(&mut session, "✔ phq9 9 · 2  More than half the days");
        expect(&mut session, "phq9_difficulty [");
        session.send_line("").unwrap();
        let review = expect(&mut session, "What next? [y, c or q]");
        assert!(
            review.contains(&bytes("Total 10 of 27 · severity moderate")),
            "{review}"
        );
        assert!(
            review.contains("Flags: ITEM9_POSITIVE, CASENESS_PHQ9"),
            "{review}"
        );
        session.send_line("y").unwrap();
        expect(&mut session, "saved the visit to");
        session.exp_eof().unwrap();
        assert_eq!(exit_code(&session), Some(0));
        assert_eq!(saved_row(&file), "T1,2026-05-04,1,1,1,1,1,1,1,1,2,");
    }

    /// From the review's `c`, `s` on an endorsed item 9 asks; Enter keeps the answer.
    #[test]
    fn blanking_item9_from_the_review_asks_and_enter_keeps_it() {
        let mut session = spawn(&[]);
        for n in 1..=9 {
            expect(&mut session, &format!("phq9 {n} ["));
            session.send_line(if n == 9 { "3" } else { "0" }).unwrap();
        }
        expect(&mut session, "phq9_difficulty [");
        session.send_line("").unwrap();
        expect(&mut session, "What next? [y, c or q]");
        session.send_line("c").unwrap();
        expect(&mut session, "Which answer? [1-10, Enter goes back]");
        session.send_line("9").unwrap();
        expect(&mut session, "phq9 9 [0-3, Enter keeps 3, s blanks");
        session.send_line("s").unwrap();
        expect(
            &mut session,
            "Leave PHQ-9 item 9 blank instead of 3? [y changes it, Enter keeps 3]",
        );
        session.send_line("").unwrap();
        expect(&mut session, "kept PHQ-9 item 9 = 3");
        let review = expect(&mut session, "What next? [y, c or q]");
        assert!(review.contains("Flags: ITEM9_POSITIVE"), "{review}");
        assert!(!review.contains("changed from"), "{review}");
        session.send_line("y").unwrap();
        session.exp_eof().unwrap();
    }

    /// Ctrl-C typed while an item is asked: the same message as `q`, exit 130.
    #[test]
    fn ctrl_c_at_an_item_says_nothing_was_saved() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("visits.csv");
        let before = format!("{PHQ9_ENTER_HEADER}\n");
        fs::write(&file, &before).unwrap();
        let mut session = spawn(&["--patient", "T2", "--append", file.to_str().unwrap()]);
        expect(&mut session, "phq9 1 [");
        session.send_line("3").unwrap();
        expect(&mut session, "phq9 2 [");
        session.send_control('c').unwrap();
        expect(
            &mut session,
            &format!(
                "symscore: interrupted; visit abandoned, nothing was saved; `{}` is unchanged",
                file.display()
            ),
        );
        session.exp_eof().unwrap();
        assert_eq!(exit_code(&session), Some(130));
        assert_eq!(fs::read_to_string(&file).unwrap(), before);
    }

    /// Ctrl-C at the review, with no file: "nothing was saved", exit 130.
    #[test]
    fn ctrl_c_at_the_review_says_nothing_was_saved() {
        let mut session = spawn(&[]);
        for n in 1..=9 {
            expect(&mut session, &format!("phq9 {n} ["));
            session.send_line("1").unwrap();
        }
        expect(&mut session, "phq9_difficulty [");
        session.send_line("").unwrap();
        expect(&mut session, "What next? [y, c or q]");
        session.send_control('c').unwrap();
        expect(
            &mut session,
            "symscore: interrupted; visit abandoned, nothing was saved\r\n",
        );
        session.exp_eof().unwrap();
        assert_eq!(exit_code(&session), Some(130));
    }

    /// SIGINT (not the key: `kill -INT`) while a key is awaited: the same message and 130.
    #[test]
    fn sigint_while_a_key_is_awaited_says_nothing_was_saved() {
        // Started through `sh`, which prints the process id that `exec` keeps.
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(r#"echo "pid=$$;" && exec "$0" enter phq9"#)
            .arg(BINARY);
        let mut session = spawn_in_terminal(command);
        expect(&mut session, "pid=");
        let pid: u32 = expect(&mut session, ";").trim().parse().unwrap();
        expect(&mut session, "phq9 1 [");
        session.send_line("2").unwrap();
        expect(&mut session, "phq9 2 [");
        wait_until_polling(pid);
        session.process_mut().signal(Signal::SIGINT).unwrap();
        expect(
            &mut session,
            "symscore: interrupted; visit abandoned, nothing was saved",
        );
        session.exp_eof().unwrap();
        assert_eq!(exit_code(&session), Some(130));
    }
}
