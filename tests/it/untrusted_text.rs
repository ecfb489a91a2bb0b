//! Issue 11, points 19–22 and 24: text from files never drives a terminal or a spreadsheet,
//! definition directories load completely or not at all, no two instruments share a column,
//! and the smaller option and input checks.

use std::path::Path;
use std::process::Output;

#[cfg(unix)]
use crate::support::mkfifo;
use crate::support::{self, PHQ9_HEADER, stderr, write_file as write};

const ESC: u8 = 0x1b;

/// `symscore ARGS` in `dir`, without colour, in UTC.
fn symscore(dir: &Path, args: &[&str]) -> Output {
    support::symscore()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .args(args)
        .output()
        .unwrap()
}

/// The example PHQ-2 definition with some of its fields replaced.
fn phq2_with(replace: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/screen2.json"),
    )
    .unwrap();
    for (from, to) in replace {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    text
}

// Point 19: patient ids and other file text reach stderr escaped.

/// An id that switches the terminal to concealed text must not hide the `!!` line after it.
#[test]
fn an_escape_sequence_in_a_repeated_visit_id_does_not_reach_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let row = "X\x1b[8m,2026-01-05,1,1,1,1,1,1,1,1,2";
    write(
        dir.path(),
        "v.csv",
        &format!("{PHQ9_HEADER}\n{row}\n{row}\n"),
    );
    write(
        dir.path(),
        "d.csv",
        "patient_id,date\nX\x1b[8m,2026-01-01\n",
    );
    for args in [
        &["score", "v.csv", "--format", "csv"][..],
        &["trend", "v.csv", "--dosing", "d.csv", "--format", "csv"][..],
    ] {
        let out = symscore(dir.path(), args);
        assert!(!out.stderr.contains(&ESC), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("patient `X\\u{1b}[8m` on 2026-01-05 repeats line 2"),
            "{args:?}: {err}"
        );
    }
    let out = symscore(dir.path(), &["score", "v.csv", "--format", "csv"]);
    let err = stderr(&out);
    let safety = err
        .lines()
        .find(|l| l.starts_with("!! "))
        .unwrap_or_else(|| panic!("no safety line: {err}"));
    assert!(safety.contains("ITEM9_POSITIVE") && safety.contains("lines 2, 3"));
}

/// The list of patients without a dosing date quotes ids from the visits file.
#[test]
fn an_escape_sequence_in_an_id_without_dosing_does_not_reach_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "v.csv",
        &format!("{PHQ9_HEADER}\nX\x1b[8m,2026-01-05,1,1,1,1,1,1,1,1,2\n"),
    );
    write(dir.path(), "d.csv", "patient_id,date\nP001,2026-01-01\n");
    let out = symscore(
        dir.path(),
        &["trend", "v.csv", "--dosing", "d.csv", "--format", "csv"],
    );
    let err = stderr(&out);
    assert!(!out.stderr.contains(&ESC), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("visits but no dosing date"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(line.ends_with("X\\u{1b}[8m"), "{line}");
}

/// A line break inside a quoted id cannot start a line of its own (a forged `!!` line).
#[test]
fn a_line_break_in_an_id_stays_inside_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let row = "\"X\n!! forged\",2026-01-05,0,0,0,0,0,0,0,0,0";
    write(
        dir.path(),
        "v.csv",
        &format!("{PHQ9_HEADER}\n{row}\n{row}\n"),
    );
    let out = symscore(dir.path(), &["score", "v.csv", "--format", "csv"]);
    let err = stderr(&out);
    assert!(!err.lines().any(|l| l.starts_with("!!")), "{err}");
    assert!(err.contains("patient `X\\u{a}!! forged`"), "{err}");
}

/// A fatal error quoting the file (here its only header cell) is escaped as well.
#[test]
fn a_fatal_error_quoting_a_header_cell_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "v.csv", "\x1b]0;owned\x07\x1b[8m\n1\n");
    let out = symscore(dir.path(), &["score", "v.csv", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        !out.stderr.contains(&ESC) && !out.stderr.contains(&7),
        "{err}"
    );
    assert!(err.starts_with("error: v.csv:1"), "{err}");
}

// Point 20: definition text.

/// A version that a spreadsheet would run as a formula is written as text in every CSV.
#[test]
fn a_formula_in_a_definition_is_written_as_text_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    std::fs::create_dir(&defs).unwrap();
    write(
        &defs,
        "phq2.json",
        &phq2_with(&[
            (
                r#""version": "1.0.0""#,
                r#""version": "=HYPERLINK(\"http://x\",\"y\")""#,
            ),
            (
                r#""name": "Patient Health Questionnaire-2 (PHQ-2)""#,
                r#""name": "+SUM(1,2)""#,
            ),
            (r#""licence": "Developed"#, r#""licence": "@Developed"#),
        ]),
    );
    write(
        dir.path(),
        "v.csv",
        "patient_id,date,phq2_1,phq2_2\nS01,2026-03-02,0,1\n",
    );
    write(dir.path(), "d.csv", "patient_id,date\nS01,2026-03-01\n");
    let out = symscore(
        dir.path(),
        &[
            "--instruments-dir",
            "defs",
            "score",
            "v.csv",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let version = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "instrument_version");
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[version.unwrap()], "'=HYPERLINK(\"http://x\",\"y\")");

    // JSON is not opened in a spreadsheet: the value stays exactly as defined.
    let out = symscore(
        dir.path(),
        &[
            "--instruments-dir",
            "defs",
            "score",
            "v.csv",
            "--format",
            "jsonl",
        ],
    );
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        record["instrument_version"],
        "=HYPERLINK(\"http://x\",\"y\")"
    );

    let out = symscore(
        dir.path(),
        &[
            "--instruments-dir",
            "defs",
            "instruments",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let phq2 = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "phq2")
        .unwrap();
    assert_eq!(&phq2[1], "'+SUM(1,2)");
    assert_eq!(&phq2[5], "'=HYPERLINK(\"http://x\",\"y\")");
    assert!(phq2[7].starts_with("'@Developed"), "{}", &phq2[7]);

    let out = symscore(
        dir.path(),
        &[
            "--instruments-dir",
            "defs",
            "trend",
            "v.csv",
            "--dosing",
            "d.csv",
            "--format",
            "csv",
        ],
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let version = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "instrument_version");
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[version.unwrap()], "'=HYPERLINK(\"http://x\",\"y\")");
}

/// A control character in any definition text is refused where it is written, so that
/// `instruments show`, `enter` and every table can print definition text as it is.
#[test]
fn a_control_character_in_definition_text_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    std::fs::create_dir(&defs).unwrap();
    let text = phq2_with(&[(
        r#""licence": "Developed"#,
        r#""licence": "\u001b[8mDeveloped"#,
    )]);
    let path = write(&defs, "phq2.json", &text);
    let line = 1 + text[..text.find("\"licence\"").unwrap()]
        .matches('\n')
        .count();
    let expected = format!("phq2.json:{line}:14: `licence`: expected plain text");

    let out = symscore(
        dir.path(),
        &["--instruments-dir", "defs", "instruments", "show", "phq2"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!out.stdout.contains(&ESC) && !out.stderr.contains(&ESC));
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("found `\\u{1b}[8mDeveloped"),
        "{}",
        stderr(&out)
    );

    let out = symscore(
        dir.path(),
        &["instruments", "check", path.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));

    // A right-to-left override in an item label (it reverses the line on screen) likewise.
    write(
        &defs,
        "phq2.json",
        &phq2_with(&[("feeling down", "feeling \u{202e}down")]),
    );
    let out = symscore(dir.path(), &["--instruments-dir", "defs", "instruments"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`items[1].label`: expected plain text"),
        "{}",
        stderr(&out)
    );
}

// Point 21: every entry of an instruments directory that looks like a definition loads.

/// The built-in PCL-5 with its cut-off moved to 32 (band edge and threshold together).
fn pcl5_cutoff_32() -> String {
    let mut text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("instruments/pcl5.json"),
    )
    .unwrap();
    for (from, to) in [
        (r#""min": 0, "max": 32 }"#, r#""min": 0, "max": 31 }"#),
        (r#""min": 33, "max": 80 }"#, r#""min": 32, "max": 80 }"#),
        (r#""min_total": 33,"#, r#""min_total": 32,"#),
    ] {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    text
}

/// Sixteen items at 2: a total of 32, at the clinic's cut-off and below the built-in one.
const PCL5_TOTAL_32: &str = "2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,0,0,0,0";

fn pcl5_severity(dir: &Path) -> Output {
    symscore(
        dir,
        &[
            "--instruments-dir",
            "defs",
            "score",
            "-i",
            "pcl5",
            "--items",
            PCL5_TOTAL_32,
            "--format",
            "csv",
        ],
    )
}

#[test]
fn a_definition_named_in_upper_case_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    std::fs::create_dir(&defs).unwrap();
    write(&defs, "PCL5.JSON", &pcl5_cutoff_32());
    let out = pcl5_severity(dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!((&row[3], &row[6]), ("32", "probable_ptsd"));
    assert!(
        stderr(&out).contains("using `pcl5` from defs/PCL5.JSON"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn a_dangling_definition_link_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    std::fs::create_dir(&defs).unwrap();
    std::os::unix::fs::symlink("/nonexistent/share/pcl5.json", defs.join("pcl5.json")).unwrap();
    let out = pcl5_severity(dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("defs/pcl5.json: expected an instrument definition file, found a symbolic link to `/nonexistent/share/pcl5.json`, which cannot be read"),
        "{err}"
    );
}

/// A FIFO (and a directory) named like a definition is refused by its type, before anything
/// opens it, and every unusable entry is reported along with the invalid files.
#[cfg(unix)]
#[test]
fn entries_that_are_not_files_are_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    std::fs::create_dir(&defs).unwrap();
    mkfifo(&defs.join("pcl5.json"));
    std::fs::create_dir(defs.join("old.json")).unwrap();
    write(&defs, "broken.json", "{");
    let out = support::symscore()
        .current_dir(dir.path())
        .env_remove("SYMSCORE_INSTRUMENTS")
        .args([
            "--instruments-dir",
            "defs",
            "score",
            "-i",
            "pcl5",
            "--items",
            PCL5_TOTAL_32,
        ])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    for expected in [
        "defs/pcl5.json: expected an instrument definition file, found a named pipe (FIFO)",
        "defs/old.json: expected an instrument definition file, found a directory",
        "defs/broken.json:1:1: EOF while parsing",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

// Point 22: no column belongs to two instruments.

/// Instrument `a` with extra item `b_1` and instrument `a_b` both claim column `a_b_1`.
fn write_colliding_definitions(defs: &Path) {
    std::fs::create_dir(defs).unwrap();
    let extra = r#""extra_items": [ { "id": "b_1", "label": "an extra question" } ],
  "missing": {"#;
    write(
        defs,
        "a.json",
        &phq2_with(&[
            (r#""id": "phq2""#, r#""id": "a""#),
            (r#""missing": {"#, extra),
        ]),
    );
    write(
        defs,
        "a_b.json",
        &phq2_with(&[(r#""id": "phq2""#, r#""id": "a_b""#)]),
    );
}

#[test]
fn two_instruments_claiming_one_column_are_refused_at_load() {
    let dir = tempfile::tempdir().unwrap();
    write_colliding_definitions(&dir.path().join("defs"));
    let expected = "column `a_b_1` would be both extra item `b_1` of `a` (defs/a.json) and item 1 of `a_b` (defs/a_b.json)";
    let out = symscore(dir.path(), &["--instruments-dir", "defs", "instruments"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(expected), "{}", stderr(&out));

    // `enter` stops before asking anything, and the visits file is not touched.
    let visits = write(dir.path(), "v.csv", "patient_id,date\n");
    let out = support::symscore()
        .current_dir(dir.path())
        .env_remove("SYMSCORE_INSTRUMENTS")
        .args([
            "--instruments-dir",
            "defs",
            "enter",
            "a",
            "a_b",
            "--patient",
            "P1",
            "--append",
            "v.csv",
        ])
        .write_stdin("1\n1\n1\n1\n1\ny\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(visits).unwrap(),
        "patient_id,date\n"
    );
}

// Point 24: the smaller checks.

/// A blank cell already means "no data"; as a non-response code, an empty token made every
/// instrument left blank count as given and unanswered, so invalid.
#[test]
fn an_empty_na_token_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "v.csv",
        "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n\
         P1,2026-01-05,1,1,1,1,1,1,1,1,0,,,,,,,\n",
    );
    for na in ["", "7,,9", " "] {
        let out = symscore(
            dir.path(),
            &["score", "v.csv", "--na", na, "--format", "csv"],
        );
        assert_eq!(out.status.code(), Some(2), "--na {na:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert!(
            stderr(&out).contains("error: --na: expected a non-answer code such as `7` or `refused`, found an empty token"),
            "{}",
            stderr(&out)
        );
    }
    // Codes that are not empty still work, and the blank GAD-7 stays not administered.
    let out = symscore(
        dir.path(),
        &["score", "v.csv", "--na", "7,9", "--format", "csv"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 scored, 0 prorated, 0 invalid"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unknown_time_zone_is_reported_once_and_today_is_taken_in_utc() {
    let dir = tempfile::tempdir().unwrap();
    let warning = "symscore: warning: TZ=`Europe/Londn` names no time zone known to this system; today's date is taken in UTC";
    let run = |tz: &str| {
        support::symscore()
            .current_dir(dir.path())
            .env("TZ", tz)
            .args(["enter", "gad7"])
            .write_stdin("q\n")
            .output()
            .unwrap()
    };
    let utc_today = || {
        jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
    };
    let before = utc_today();
    let out = run("Europe/Londn");
    let after = utc_today();
    let err = stderr(&out);
    assert_eq!(err.matches(warning).count(), 1, "{err}");
    // Either side of midnight UTC, should the run cross it.
    assert!(
        err.contains(&format!("visit {before}")) || err.contains(&format!("visit {after}")),
        "{err}"
    );
    for tz in ["UTC", "Europe/London", ""] {
        let out = run(tz);
        assert!(
            !stderr(&out).contains("warning: TZ"),
            "{tz}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn utf32_input_is_named_as_utf32() {
    let dir = tempfile::tempdir().unwrap();
    let text = "patient_id,date,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n";
    let mut little = vec![0xFF, 0xFE, 0, 0];
    let mut big = vec![0, 0, 0xFE, 0xFF];
    for c in text.chars() {
        little.extend_from_slice(&u32::from(c).to_le_bytes());
        big.extend_from_slice(&u32::from(c).to_be_bytes());
    }
    for (name, bytes) in [("le.csv", &little), ("be.csv", &big)] {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let out = symscore(dir.path(), &["score", name]);
        assert_eq!(out.status.code(), Some(2));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "error: {name}:1:1: expected CSV text, found a UTF-32 text file"
            )),
            "{err}"
        );
        assert!(!err.contains("UTF-16"), "{err}");
    }
    std::fs::write(dir.path().join("def.json"), &little).unwrap();
    let out = symscore(dir.path(), &["instruments", "check", "def.json"]);
    let err = stderr(&out);
    assert!(
        err.contains("def.json:1:1: expected UTF-8 text, found UTF-32"),
        "{err}"
    );
}

/// README once said `score` reads `+2`; a signed cell is, and stays, an unusable answer.
#[test]
fn a_signed_answer_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "v.csv",
        "patient_id,date,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\nP1,2026-01-05,+2,1,1,1,1,1,1\n",
    );
    let out = symscore(dir.path(), &["score", "v.csv", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("column 'gad7_1': expected an answer from 0 to 3, found '+2'"),
        "{}",
        stderr(&out)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("INVALID_VALUE"));
}
