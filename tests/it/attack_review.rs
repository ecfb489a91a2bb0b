//! Issue 11, independent review: defects found by using and attacking the binary after the
//! fixes of points 1–13 and 19–24 were merged. Expected values are worked out by hand.

use std::fs;
use std::path::Path;

use crate::support::{PHQ9_HEADER as HEADER, stderr, symscore};

/// A PHQ-9 row: eight items of `each`, item 9 as given.
fn phq9(patient: &str, date: &str, each: u8, item9: &str) -> String {
    format!("{patient},{date},{}{item9}\n", format!("{each},").repeat(8))
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Point 3 (every administration accounted for; no safety answer hidden): a row whose date
/// is a typo (`2026-02-30`) or whose patient id is empty cannot be placed in any window, but
/// its endorsed item 9 is still an endorsed item 9. `score` lists such rows in its `!!` line;
/// `trend` said only "1 row had no usable patient id or date" and exited 1 under
/// `--fail-on safety`. The safety answer must be listed with `!!` and the file line, and trip
/// `safety` (exit 3), in every format and with `--flagged-only`.
#[test]
fn an_endorsed_safety_item_on_a_row_with_no_usable_date_or_patient_is_listed_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let visits = write(
        dir.path(),
        "v.csv",
        &format!(
            "{HEADER}\n{}{}{}{}",
            phq9("P1", "2026-03-01", 1, "0"),
            phq9("P1", "2026-02-30", 1, "2"),
            phq9("", "2026-03-10", 1, ""),
            phq9("P1", "2026-03-10", 1, "0"),
        ),
    );
    for format in ["table", "csv", "json", "jsonl"] {
        for extra in [&[][..], &["--flagged-only"][..]] {
            let out = symscore()
                .args(["trend", &visits, "--dosing-date", "2026-03-02"])
                .args(["--format", format, "--fail-on", "safety"])
                .args(extra)
                .output()
                .unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(3), "{format} {extra:?}: {err}");
            let line3 = err
                .lines()
                .find(|l| l.starts_with("symscore: !! ") && l.contains("v.csv:3:"))
                .unwrap_or_else(|| panic!("{format}: no !! line for line 3 in {err}"));
            assert!(line3.contains("patient `P1`"), "{line3}");
            assert!(line3.contains("ITEM9_POSITIVE"), "{line3}");
            let line4 = err
                .lines()
                .find(|l| l.starts_with("symscore: !! ") && l.contains("v.csv:4:"))
                .unwrap_or_else(|| panic!("{format}: no !! line for line 4 in {err}"));
            assert!(line4.contains("ITEM9_MISSING"), "{line4}");
        }
    }
    // Without --fail-on the run is still one with rejected cells (exit 1).
    let out = symscore()
        .args([
            "trend",
            &visits,
            "--dosing-date",
            "2026-03-02",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// Point 7 (one output policy) and the `-` convention: `-o -` is standard output, as `-` is
/// standard input. It used to create a file named `-` in the working directory, holding the
/// patient data, and to write nothing on stdout, with exit 0, in every command with `-o`.
#[test]
fn dash_as_output_is_standard_output_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let visits = write(
        dir.path(),
        "v.csv",
        &format!("{HEADER}\n{}", phq9("P1", "2026-03-10", 1, "0")),
    );
    let runs: [&[&str]; 4] = [
        &["score", &visits, "--format", "csv", "-o", "-"],
        &[
            "trend",
            &visits,
            "--dosing-date",
            "2026-03-02",
            "--format",
            "csv",
            "-o",
            "-",
        ],
        &["instruments", "list", "--format", "csv", "-o", "-"],
        &[
            "enter",
            "phq9",
            "--patient",
            "P1",
            "--date",
            "2026-03-10",
            "-y",
            "--format",
            "csv",
            "-o",
            "-",
        ],
    ];
    for args in runs {
        let out = symscore()
            .current_dir(dir.path())
            .args(args)
            .write_stdin("1\n1\n1\n1\n1\n1\n1\n1\n0\n\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.lines().count() >= 2, "{args:?}: stdout {stdout:?}");
        assert!(
            !dir.path().join("-").exists(),
            "{args:?} created a file named `-`"
        );
    }
    // A file named `-` is still reachable as `./-`.
    let out = symscore()
        .current_dir(dir.path())
        .args(["score", "v.csv", "--format", "csv", "-o", "./-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        fs::read_to_string(dir.path().join("-"))
            .unwrap()
            .starts_with("patient_id,")
    );
}

/// Point 8 (no output is an input, by file identity): visits given on standard input are an
/// input too. `symscore score - -o /dev/stdin < x.csv` replaced x.csv with the scores (and
/// `trend` likewise), because `-` was skipped when the inputs were listed. The output must
/// be refused (exit 2) and the file left as it was, for `-`, for no input argument, and for
/// `/dev/stdin` or `/dev/fd/0` as `-o`.
#[cfg(target_os = "linux")]
#[test]
fn the_file_on_standard_input_is_never_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEADER}\n{}", phq9("P1", "2026-03-10", 1, "0"));
    let visits = write(dir.path(), "x.csv", &text);
    let runs: [&[&str]; 6] = [
        &["score", "-", "-o", "/dev/stdin"],
        &["score", "-o", "/dev/stdin"],
        &["score", "-", "-o", "/dev/fd/0"],
        &[
            "trend",
            "-",
            "--dosing-date",
            "2026-03-02",
            "-o",
            "/dev/stdin",
        ],
        &["trend", "--dosing-date", "2026-03-02", "-o", "/dev/stdin"],
        &["enter", "phq9", "--patient", "P1", "-y", "-o", "/dev/stdin"],
    ];
    for args in runs {
        // A file, not a pipe, on standard input, as the shell's `<` gives.
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("symscore"))
            .env_remove("SYMSCORE_INSTRUMENTS")
            .args(args)
            .stdin(fs::File::open(&visits).unwrap())
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("standard input"), "{args:?}: {err}");
        assert_eq!(
            fs::read_to_string(&visits).unwrap(),
            text,
            "{args:?} replaced the input"
        );
    }
}

/// Point 19 (text never drives the terminal): `enter` named its `--append` file raw in its
/// introduction, its repeated-visit warning and its review ("Save this visit to `…`"), so a
/// file name holding `ESC[8m` (from a glob, a script) concealed the instructions that
/// follow, while every other message shows such a name escaped.
#[cfg(unix)]
#[test]
fn enter_shows_its_file_name_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().join("e\u{1b}[8mq.csv");
    fs::write(
        &name,
        format!("{HEADER}\n{}", phq9("P1", "2026-03-10", 1, "0")),
    )
    .unwrap();
    let out = symscore()
        .args([
            "enter",
            "phq9",
            "--patient",
            "P1",
            "--date",
            "2026-03-10",
            "--append",
        ])
        .arg(&name)
        .write_stdin("1\n1\n1\n1\n1\n1\n1\n1\n0\n\nq\n")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains('\u{1b}'), "raw ESC on stderr: {err:?}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
    assert!(err.contains("Saving to `"), "{err}");
    assert!(err.contains("e\\u{1b}[8mq.csv"), "{err}");
    assert!(err.contains("already records"), "{err}");
    assert!(err.contains("Save this visit to `"), "{err}");
}

/// Point 6 (a wrong dosing file is refused): the scores `symscore score` wrote were accepted
/// as a dosing schedule, since they hold `patient_id` and `date` and no item column: every
/// scored visit became a dosing (`trend visits.csv --dosing scores.csv` gave 152 summaries,
/// every administration "outside every window", exit 0). Results of `score` or `trend`
/// (columns `instrument` and `total`) are refused with a hint, exit 2.
#[test]
fn symscores_own_results_are_refused_as_a_dosing_file() {
    let dir = tempfile::tempdir().unwrap();
    let visits = write(
        dir.path(),
        "v.csv",
        &format!(
            "{HEADER}\n{}{}",
            phq9("P1", "2026-03-01", 1, "0"),
            phq9("P1", "2026-03-10", 1, "0")
        ),
    );
    let scores = dir.path().join("scores.csv");
    let out = symscore()
        .args(["score", &visits, "--format", "csv", "-o"])
        .arg(&scores)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let trend_out = dir.path().join("trend.csv");
    let out = symscore()
        .args([
            "trend",
            &visits,
            "--dosing-date",
            "2026-03-02",
            "--format",
            "csv",
            "-o",
        ])
        .arg(&trend_out)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for results in [&scores, &trend_out] {
        let out = symscore()
            .args(["trend", &visits, "--format", "csv", "--dosing"])
            .arg(results)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(":1: expected a dosing schedule"), "{err}");
        assert!(
            err.contains("`instrument`") && err.contains("`total`"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    // A schedule with columns of its own besides the expected ones is still read.
    let dosing = write(
        dir.path(),
        "d.csv",
        "patient_id,date,label,drug,dose_mg\nP1,2026-03-02,session 1,psilocybin,25\n",
    );
    let out = symscore()
        .args(["trend", &visits, "--format", "csv", "--dosing", &dosing])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Point 5 (`--patient` reads only the patients asked for): a requested patient who never
/// appears (a typo, `p004` for `P004`, or the wrong file) gave no output and exit 0, which
/// `--fail-on safety` in a pipeline reads as "nothing to review". A header-only file exits 1
/// ("expected visit rows"); a requested patient with no rows is the same case: exit 1, and
/// the stderr line names them.
#[test]
fn a_requested_patient_who_never_appears_is_not_success() {
    let dir = tempfile::tempdir().unwrap();
    let visits = write(
        dir.path(),
        "v.csv",
        &format!(
            "{HEADER}\n{}{}",
            phq9("P004", "2026-03-01", 1, "0"),
            phq9("P004", "2026-03-10", 1, "0")
        ),
    );
    for patients in [&["p004"][..], &["P004", "P005"][..]] {
        let mut cmd = symscore();
        cmd.args([
            "trend",
            &visits,
            "--dosing-date",
            "2026-03-02",
            "--format",
            "csv",
        ])
        .args(["--fail-on", "safety"]);
        for p in patients {
            cmd.args(["--patient", p]);
        }
        let out = cmd.output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{patients:?}: {err}");
        let missing = patients.iter().find(|p| **p != "P004").unwrap();
        assert!(
            err.contains(&format!("patient `{missing}` has no scored visits")),
            "{err}"
        );
    }
    // Every requested patient found: success.
    let out = symscore()
        .args([
            "trend",
            &visits,
            "--dosing-date",
            "2026-03-02",
            "--format",
            "csv",
        ])
        .args(["--patient", "P004"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Point 19: `instruments check FILE…` printed each valid file's name raw in its `ok` line
/// on stdout (its errors on stderr were escaped): `instruments check defs/*` over a file
/// named with `ESC[8m` concealed the lines that follow on the terminal.
#[cfg(unix)]
#[test]
fn instruments_check_shows_a_file_name_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().join("s\u{1b}[8mq.json");
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/screen2.json"),
        &name,
    )
    .unwrap();
    let out = symscore()
        .args(["instruments", "check"])
        .arg(&name)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains('\u{1b}'), "raw ESC: {stdout:?}");
    assert!(stdout.contains("s\\u{1b}[8mq.json: ok: `phq2`"), "{stdout}");
}

/// Point 8 (no output is an input): standard output is an output too.
/// `symscore score v.csv >> v.csv` appended the scores to the visits file (a second header
/// and score rows, which the next run rejects as malformed), and `trend` likewise. As `cat` does, a standard output
/// that is an input file is refused (exit 2) before anything is written, and the input is
/// left as it was.
#[cfg(unix)]
#[test]
fn standard_output_appending_to_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEADER}\n{}", phq9("P1", "2026-03-10", 1, "0"));
    let visits = write(dir.path(), "v.csv", &text);
    let dosing = write(dir.path(), "d.csv", "patient_id,date\nP1,2026-03-02\n");
    let runs: [(&[&str], &str); 4] = [
        (&["score", &visits], &visits),
        (&["score", "-"], &visits),
        (&["trend", &visits, "--dosing", &dosing], &visits),
        (&["trend", &visits, "--dosing", &dosing], &dosing),
    ];
    for (args, appended) in runs {
        let before = fs::read_to_string(appended).unwrap();
        let stdout = fs::OpenOptions::new().append(true).open(appended).unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("symscore"))
            .env_remove("SYMSCORE_INSTRUMENTS")
            .args(args)
            .args(["--format", "csv"])
            .stdin(fs::File::open(&visits).unwrap())
            .stdout(stdout)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("standard output"), "{args:?}: {err}");
        assert_eq!(fs::read_to_string(appended).unwrap(), before, "{args:?}");
    }
    // Standard output on another file is fine.
    let other = fs::File::create(dir.path().join("out.csv")).unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("symscore"))
        .args(["score", &visits, "--format", "csv"])
        .stdout(other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Point 7 (a device is written in place, like a shell redirect): README lists
/// `-o /dev/stdout` among the outputs written in place, but when standard output was a
/// regular file, `/dev/stdout` resolved to that file and it was replaced by rename:
/// `symscore score v.csv -o /dev/stdout >> log.csv` lost every earlier line of log.csv.
/// `/dev/stdout` is standard output itself, so `>>` appends as the shell asked.
#[cfg(target_os = "linux")]
#[test]
fn dev_stdout_is_standard_output_and_an_append_redirect_appends() {
    let dir = tempfile::tempdir().unwrap();
    let visits = write(
        dir.path(),
        "v.csv",
        &format!("{HEADER}\n{}", phq9("P1", "2026-03-10", 1, "0")),
    );
    let log = write(dir.path(), "log.csv", "earlier line\n");
    let stdout = fs::OpenOptions::new().append(true).open(&log).unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("symscore"))
        .args(["score", &visits, "--format", "csv", "-o", "/dev/stdout"])
        .stdout(stdout)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("earlier line\npatient_id,"), "{text}");
}

/// Point 8 (no output is an input; nothing is written into `--instruments-dir`): the rule
/// held for every `-o` but not for `enter --append`, which README puts under the same
/// policy. `enter phq9 --append defs/v.json --instruments-dir defs` created a visits CSV
/// named `.json` among the definitions, so every later run stopped ("cannot load instrument
/// definitions"). The append target is refused (exit 2) before any question, and nothing
/// is created in the directory.
#[test]
fn enter_append_never_writes_into_the_instruments_directory() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    fs::create_dir(&defs).unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/screen2.json"),
        defs.join("screen2.json"),
    )
    .unwrap();
    for name in ["v.json", "visits.csv", "screen2.json"] {
        let before = fs::read_dir(&defs).unwrap().count();
        let original = fs::read(defs.join("screen2.json")).unwrap();
        let out = symscore()
            .arg("--instruments-dir")
            .arg(&defs)
            .args([
                "enter",
                "phq9",
                "--patient",
                "P1",
                "--date",
                "2026-03-10",
                "-y",
            ])
            .arg("--append")
            .arg(defs.join(name))
            .write_stdin("1\n1\n1\n1\n1\n1\n1\n1\n2\n\n")
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains("instruments directory"), "{name}: {err}");
        assert!(
            !err.contains("phq9 1 ["),
            "{name}: asked questions first: {err}"
        );
        assert_eq!(fs::read_dir(&defs).unwrap().count(), before, "{name}");
        assert_eq!(fs::read(defs.join("screen2.json")).unwrap(), original);
    }
}

/// The safety standard, for `-i`: narrowing the output to some instruments never hides an
/// endorsed or unknown safety answer of the others. Found in review: `score -i gad7` and
/// `trend -i gad7 --fail-on safety` said nothing of P1's endorsed PHQ-9 item 9 and exited 0.
/// Now the left-out instrument is read for its safety items only: its rows are counted in the
/// `!!` line of `score` and listed by `trend` (exit 3 under `--fail-on safety`); its other
/// cells are not reported, and a form not given (all blank) raises nothing.
#[test]
fn an_instrument_left_out_with_dash_i_still_has_its_safety_items_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let header = format!("{HEADER},gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7");
    let gad7 = ",1,1,1,1,1,1,1";
    let visits = write(
        dir.path(),
        "v.csv",
        &format!(
            "{header}\n{}{gad7}\n{}{gad7}\n{}{gad7}\n{}{gad7}\n",
            // Line 2: item 9 endorsed (2). Line 3: item 9 blank on a form that was given.
            phq9("P1", "2026-03-01", 1, "2").trim_end(),
            phq9("P1", "2026-03-08", 1, "").trim_end(),
            // Line 4: PHQ-9 not given at all. Line 5: an unusable PHQ-9 cell, item 9 of 0.
            "P1,2026-03-15,,,,,,,,,",
            "P1,2026-03-22,9,1,1,1,1,1,1,1,0",
        ),
    );
    let out = symscore()
        .args(["score", &visits, "-i", "gad7", "--format", "csv"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        csv.lines().count(),
        5,
        "a header and four GAD-7 records: {csv}"
    );
    assert!(csv.lines().skip(1).all(|l| l.contains(",gad7,")), "{csv}");
    let safety = err
        .lines()
        .find(|l| l.starts_with("!! "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(safety.contains("2 rows have"), "{safety}");
    assert!(safety.contains("ITEM9_MISSING, ITEM9_POSITIVE"), "{safety}");
    assert!(safety.contains("`phq9` (left out with -i"), "{safety}");
    assert!(
        safety.ends_with("lines 2, 3. Review each one; follow your local suicide-risk protocol.")
    );
    assert!(
        !err.contains("phq9_1"),
        "a left-out cell is not reported: {err}"
    );

    let out = symscore()
        .args([
            "trend",
            &visits,
            "--dosing-date",
            "2026-02-28",
            "-i",
            "gad7",
        ])
        .args(["--fail-on", "safety", "--format", "csv"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let listed: Vec<&str> = err.lines().filter(|l| l.contains("!! ")).collect();
    assert_eq!(
        listed,
        [
            format!(
                "symscore: !! {visits}:2: patient `P1`, phq9 on 2026-03-01: ITEM9_POSITIVE in no trend (`phq9` is left out with -i); follow it up as any safety flag"
            ),
            format!(
                "symscore: !! {visits}:3: patient `P1`, phq9 on 2026-03-08: ITEM9_MISSING in no trend (`phq9` is left out with -i); follow it up as any safety flag"
            ),
        ],
        "{err}"
    );
}

/// Every input accounted for, for columns: found in review, an export with `GAD7_1`…`GAD7_7`
/// beside `phq9_*` scored the PHQ-9 alone, with no word about the GAD-7 (exit 0), and a `Date`
/// column was read as no dates at all. Names are still matched exactly (a rename is the
/// user's call), but each such column is named on stderr with the `--map` that reads it.
#[test]
fn a_column_that_differs_only_in_case_is_named_with_the_map_that_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let header = HEADER.replace(",date,", ",Date,");
    let visits = write(
        dir.path(),
        "v.csv",
        &format!(
            "{header},GAD7_1,GAD7_2,GAD7_3,GAD7_4,GAD7_5,GAD7_6,GAD7_7\n{},3,3,3,3,3,3,3\n",
            phq9("P1", "2026-03-01", 1, "0").trim_end()
        ),
    );
    let out = symscore()
        .args(["score", &visits, "--format", "csv"])
        .output()
        .unwrap();
    let err = stderr(&out);
    let warned: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warned.len(), 8, "{err}");
    assert_eq!(
        warned[0],
        format!(
            "symscore: warning: {visits}: column `Date` is ignored: column names are matched exactly, and symscore reads `date`; add --map 'Date=date' to read it"
        )
    );
    assert!(
        warned[1].contains("column `GAD7_1` is ignored")
            && warned[1].contains("--map 'GAD7_1=gad7_1'")
    );
    // What the warning says to do reads the GAD-7 (total 21) and the date.
    let mut mapped = symscore();
    mapped.args(["score", &visits, "--format", "csv", "--map", "Date=date"]);
    for n in 1..=7 {
        mapped.args(["--map", &format!("GAD7_{n}=gad7_{n}")]);
    }
    let out = mapped.output().unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.contains("P1,2026-03-01,gad7,21,"), "{csv}");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

/// Point 24's rule (plain ASCII digits, as in answers) for every numeric option: found in
/// review, `--baseline-days +3` was accepted by clap's integer parser while `--param +3` was
/// refused. Now both are usage errors (exit 2), and a plain value at the bound is read.
#[test]
fn a_signed_baseline_days_is_refused_like_a_signed_param() {
    for (value, code) in [("+3", 2), (" 3", 2), ("367", 2), ("366", 0), ("0", 0)] {
        let out = symscore()
            .args([
                "trend",
                "-",
                "--dosing-date",
                "2026-03-02",
                "--format",
                "csv",
            ])
            .args(["--baseline-days", value])
            .write_stdin(format!("{HEADER}\n{}", phq9("P1", "2026-03-01", 0, "0")))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{value}: {}", stderr(&out));
        if code == 2 {
            assert!(
                stderr(&out).contains("expected a whole number of days from 0 to 366"),
                "{}",
                stderr(&out)
            );
        }
    }
}
