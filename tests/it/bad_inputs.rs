//! The bad-input corpus: every messy file a clinic export can produce gets a clear answer,
//! never a crash.
//!
//! `tests/fixtures/bad/cases.csv` lists one case per line:
//!
//! | column | meaning |
//! |---|---|
//! | `file` | the fixture, relative to `tests/fixtures/bad/` (a file or a directory) |
//! | `args` | the arguments, space-separated; `{file}` is replaced by the fixture's path |
//! | `exit` | the expected exit status (0, 1 or 2) |
//! | `stderr_contains` | substrings that must appear on stderr, separated by ` && ` |
//! | `stdout_contains` | the same for stdout (optional) |
//! | `note` | why; a note starting `KNOWN-FAIL:` marks a case the tool does not meet yet |
//!
//! The binary runs with `tests/fixtures/bad/` as its working directory, so messages name the
//! fixture as written in `args`. Files too big to commit (the 1 MiB field, 100,000 nested JSON
//! arrays) are generated into a temporary directory first, at the same relative path.
//!
//! Every case, `KNOWN-FAIL` or not, must also hold to these, whatever its expectation:
//! - the exit status is never 101 and the process is not killed by a signal or the timeout;
//! - stderr never contains `panicked`.
//!
//! Every case that is not `KNOWN-FAIL` must in addition:
//! - exit with the expected status and show every expected substring;
//! - keep stderr small (a megabyte cell is quoted in part) and free of raw ESC bytes;
//! - give 1-based columns: never a `file:line:0:` location;
//! - for `score ... --format csv` runs that exit 0 or 1: print the summary line, whose four
//!   counts add up to its row count, and whose record count equals the CSV records on stdout.
//!
//! `KNOWN-FAIL` cases are run and printed with what they do now, so the one who fixes the tool
//! sees at once which can be un-marked; they do not fail the test. Every mismatch of every
//! other case is collected before the test fails, so one run shows all of them.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::{PHQ9_HEADER, symscore};

const KNOWN_FAIL: &str = "KNOWN-FAIL:";
/// The separator between several expected substrings in one cell.
const AND: &str = " && ";
/// A diagnostic quotes a cell in part; no run on this corpus needs more stderr than this.
const MAX_STDERR: usize = 64 * 1024;

const MIB: usize = 1 << 20;

struct Case {
    /// 2-based line in `cases.csv`, for the report.
    line: u64,
    file: String,
    args: String,
    exit: i32,
    stderr_contains: String,
    stdout_contains: String,
    note: String,
}

impl Case {
    fn name(&self) -> String {
        format!("cases.csv:{} `{}` [{}]", self.line, self.file, self.args)
    }

    fn known_fail(&self) -> bool {
        self.note.starts_with(KNOWN_FAIL)
    }
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

fn read_cases(dir: &Path) -> Vec<Case> {
    let mut reader = csv::Reader::from_path(dir.join("cases.csv")).expect("read cases.csv");
    let header = reader.headers().expect("cases.csv header").clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "file",
            "args",
            "exit",
            "stderr_contains",
            "stdout_contains",
            "note"
        ],
        "cases.csv columns"
    );
    reader
        .records()
        .map(|record| {
            let record = record.expect("cases.csv row");
            let line = record.position().map_or(0, csv::Position::line);
            Case {
                line,
                file: record[0].to_owned(),
                args: record[1].to_owned(),
                exit: record[2].parse().unwrap_or_else(|_| {
                    panic!("cases.csv:{line}: exit `{}` is not a number", &record[2])
                }),
                stderr_contains: record[3].to_owned(),
                stdout_contains: record[4].to_owned(),
                note: record[5].to_owned(),
            }
        })
        .collect()
}

/// Fixtures written at run time instead of committed (too big for a small file): the path
/// relative to `tests/fixtures/bad/`, as `cases.csv` names it, and the contents.
fn generated_fixtures() -> Vec<(&'static str, Vec<u8>)> {
    // One answer cell of 1 MiB: the message must quote it in part and name its length.
    let mut field =
        format!("{PHQ9_HEADER}\nP001,2026-01-05,1,2,1,0,1,0,1,0,0\nP002,2026-01-06,2,2,");
    field.push_str(&"1".repeat(MIB));
    field.push_str(",1,1,1,0,0,0\nP003,2026-01-07,0,1,0,0,1,0,0,0,0\n");

    // A quoted note of 1048 lines (just over 1 MiB) in an unused column, then a bad answer:
    // the row after it must still be read, and named by its real line (1 + 1049 + 1).
    let mut note = format!("{PHQ9_HEADER},note\nP001,2026-01-05,1,2,1,0,1,0,1,0,0,\"");
    for _ in 0..1048 {
        note.push_str(&"x".repeat(1000));
        note.push('\n');
    }
    note.push_str("\"\nP002,2026-01-06,2,2,7,1,1,1,0,0,0,ok\n");

    // Nesting far past serde_json's recursion limit: an error, never a stack overflow.
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));

    vec![
        ("one_megabyte_field.csv", field.into_bytes()),
        ("one_megabyte_note.csv", note.into_bytes()),
        ("definitions/deeply_nested.json", nested.into_bytes()),
    ]
}

/// `file:12:0:`: a 0 column where columns count from 1.
fn zero_column_location(stderr: &str) -> Option<&str> {
    stderr.lines().find(|line| {
        line.match_indices(":0:").any(|(at, _)| {
            let before = &line[..at];
            let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            digits > 0 && before[..before.len() - digits].ends_with(':')
        })
    })
}

/// The counts of `symscore: FILE: R rows: a scored, b prorated, c invalid, d not
/// administered; n records[; …][ (…)]`.
struct Summary {
    rows: u64,
    counts: [u64; 4],
    records: u64,
}

fn parse_summary(stderr: &str) -> Option<Summary> {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("symscore: ") && l.contains(" scored, "))?;
    let (before, after) = line
        .split_once(" rows: ")
        .or_else(|| line.split_once(" row: "))?;
    let rows = before.rsplit(' ').next()?.parse().ok()?;
    let (counts_text, rest) = after.split_once("; ")?;
    let parts: Vec<&str> = counts_text.split(", ").collect();
    let [scored, prorated, invalid, not_administered] = parts.as_slice() else {
        return None;
    };
    let mut counts = [0; 4];
    for (slot, (part, word)) in counts.iter_mut().zip([
        (scored, "scored"),
        (prorated, "prorated"),
        (invalid, "invalid"),
        (not_administered, "not administered"),
    ]) {
        let (number, label) = part.split_once(' ')?;
        if label != word {
            return None;
        }
        *slot = number.parse().ok()?;
    }
    let records = rest.split(' ').next()?.parse().ok()?;
    Some(Summary {
        rows,
        counts,
        records,
    })
}

fn csv_records(stdout: &[u8]) -> Result<u64, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(stdout);
    let mut n = 0;
    for record in reader.byte_records() {
        record.map_err(|err| format!("stdout is not valid CSV: {err}"))?;
        n += 1;
    }
    Ok(n)
}

/// What one run did, and every way it differs from the case.
struct Outcome {
    status: Option<i32>,
    stderr: String,
    stdout: String,
    /// Broken rules that hold even for KNOWN-FAIL cases (crashes).
    crashes: Vec<String>,
    /// Everything else that differs from the expectation.
    mismatches: Vec<String>,
}

fn run(case: &Case, dir: &Path, generated: &Path) -> Outcome {
    let generated_path = generated.join(&case.file);
    let path = if generated_path.exists() {
        generated_path.display().to_string()
    } else {
        case.file.clone()
    };
    let args: Vec<String> = case
        .args
        .split_whitespace()
        .map(|a| a.replace("{file}", &path))
        .collect();
    let output = symscore()
        .current_dir(dir)
        .args(&args)
        .write_stdin(Vec::<u8>::new())
        .timeout(Duration::from_secs(120))
        .output()
        .expect("run symscore");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let status = output.status.code();

    let mut crashes = Vec::new();
    match status {
        None => crashes.push(format!(
            "killed by a signal or the timeout ({})",
            output.status
        )),
        Some(101) => crashes.push("exit status 101 (a Rust panic)".into()),
        Some(_) => {}
    }
    if stderr.contains("panicked") {
        crashes.push("stderr contains `panicked`".into());
    }

    let mut mismatches = Vec::new();
    if status != Some(case.exit) {
        mismatches.push(format!(
            "exit status: expected {}, found {}",
            case.exit,
            status.map_or_else(|| "none".to_owned(), |s| s.to_string())
        ));
    }
    for (stream, text, wanted) in [
        ("stderr", &stderr, &case.stderr_contains),
        ("stdout", &stdout, &case.stdout_contains),
    ] {
        for part in wanted.split(AND).filter(|p| !p.is_empty()) {
            if !text.contains(part) {
                mismatches.push(format!("{stream}: expected to contain {part:?}"));
            }
        }
    }
    if output.stderr.len() > MAX_STDERR {
        mismatches.push(format!(
            "stderr is {} bytes; expected at most {MAX_STDERR} (a message quoted a whole cell or file?)",
            output.stderr.len()
        ));
    }
    if output.stderr.contains(&0x1b) {
        mismatches
            .push("stderr contains a raw ESC byte; control characters must be escaped".into());
    }
    if let Some(line) = zero_column_location(&stderr) {
        mismatches.push(format!(
            "stderr gives a column 0 (columns count from 1): {line:?}"
        ));
    }
    let is_score_csv = args.iter().any(|a| a == "score")
        && args.windows(2).any(|w| w[0] == "--format" && w[1] == "csv");
    if is_score_csv && matches!(status, Some(0 | 1)) {
        match parse_summary(&stderr) {
            None => mismatches.push("no summary line `symscore: FILE: R rows: …` on stderr".into()),
            Some(summary) => {
                let sum: u64 = summary.counts.iter().sum();
                if sum != summary.rows {
                    mismatches.push(format!(
                        "summary counts {:?} add up to {sum}, not to its {} rows",
                        summary.counts, summary.rows
                    ));
                }
                match csv_records(&output.stdout) {
                    Ok(n) if n != summary.records => mismatches.push(format!(
                        "summary says {} records, stdout has {n}",
                        summary.records
                    )),
                    Ok(_) => {}
                    Err(err) => mismatches.push(err),
                }
            }
        }
    }
    Outcome {
        status,
        stderr,
        stdout,
        crashes,
        mismatches,
    }
}

fn describe(case: &Case, outcome: &Outcome, problems: &[String]) -> String {
    const SHOWN: usize = 3000;
    let clip = |text: &str| -> String {
        if text.len() <= SHOWN {
            return text.to_owned();
        }
        let mut end = SHOWN;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}… ({} bytes)", &text[..end], text.len())
    };
    let mut s = format!("\n--- {}\n", case.name());
    if !case.note.is_empty() {
        let _ = writeln!(s, "    note: {}", case.note);
    }
    let _ = writeln!(
        s,
        "    exit: expected {}, found {}",
        case.exit,
        outcome
            .status
            .map_or_else(|| "none (signal)".to_owned(), |c| c.to_string())
    );
    for problem in problems {
        let _ = writeln!(s, "    - {problem}");
    }
    let _ = writeln!(s, "    stderr:\n{}", indent(&clip(&outcome.stderr)));
    if !outcome.stdout.is_empty() {
        let _ = writeln!(s, "    stdout:\n{}", indent(&clip(&outcome.stdout)));
    }
    s
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("      | {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_bad_input_gets_a_clear_answer() {
    let dir = fixture_dir();
    let cases = read_cases(&dir);
    let generated = tempfile::tempdir().expect("temporary directory");
    let generated_names: Vec<&str> = generated_fixtures()
        .into_iter()
        .map(|(name, bytes)| {
            let path = generated.path().join(name);
            fs::create_dir_all(path.parent().expect("a parent")).expect("create directory");
            fs::write(path, bytes).expect("write generated fixture");
            name
        })
        .collect();

    let mut failures = String::new();
    let mut failed = 0;

    // The corpus and the list agree: no fixture without a case, no case without a fixture.
    let listed: BTreeSet<&str> = cases
        .iter()
        .map(|c| c.file.split('/').next().unwrap_or_default())
        .collect();
    for entry in fs::read_dir(&dir).expect("list tests/fixtures/bad") {
        let name = entry.expect("directory entry").file_name();
        let name = name.to_string_lossy();
        if name != "cases.csv" && !name.starts_with('.') && !listed.contains(name.as_ref()) {
            failed += 1;
            let _ = write!(
                failures,
                "\n--- tests/fixtures/bad/{name} has no case in cases.csv\n"
            );
        }
    }
    for entry in fs::read_dir(dir.join("definitions")).expect("list definitions") {
        let name = entry.expect("directory entry").file_name();
        let path = format!("definitions/{}", name.to_string_lossy());
        if !cases.iter().any(|c| c.file == path) {
            failed += 1;
            let _ = write!(
                failures,
                "\n--- tests/fixtures/bad/{path} has no case in cases.csv\n"
            );
        }
    }
    for case in &cases {
        if !dir.join(&case.file).exists() && !generated_names.contains(&case.file.as_str()) {
            failed += 1;
            let _ = write!(failures, "\n--- {}: no such fixture\n", case.name());
        }
    }

    let mut known = String::new();
    let mut known_count = 0;
    let mut fixed = Vec::new();
    for case in &cases {
        let outcome = run(case, &dir, generated.path());
        if case.known_fail() {
            known_count += 1;
            if !outcome.crashes.is_empty() {
                failed += 1;
                failures.push_str(&describe(case, &outcome, &outcome.crashes));
            }
            if outcome.mismatches.is_empty() {
                fixed.push(case.name());
            } else {
                known.push_str(&describe(case, &outcome, &outcome.mismatches));
            }
            continue;
        }
        let problems: Vec<String> = outcome
            .crashes
            .iter()
            .chain(&outcome.mismatches)
            .cloned()
            .collect();
        if !problems.is_empty() {
            failed += 1;
            failures.push_str(&describe(case, &outcome, &problems));
        }
    }

    println!(
        "{} cases, {known_count} marked KNOWN-FAIL (run, not enforced beyond crashes):{known}",
        cases.len()
    );
    if !fixed.is_empty() {
        println!(
            "\nThese KNOWN-FAIL cases now meet their expectation; remove the mark from their note:\n  {}",
            fixed.join("\n  ")
        );
    }
    assert!(
        failed == 0,
        "{failed} of {} bad-input cases failed:{failures}",
        cases.len()
    );
}

#[test]
fn summary_parser_reads_the_documented_line() {
    let summary = parse_summary(
        "x\nsymscore: a b.csv: 12 rows: 5 scored, 4 prorated, 2 invalid, 1 not administered; 20 records; 1 administration repeating an earlier row\n",
    )
    .expect("parsed");
    assert_eq!(summary.rows, 12);
    assert_eq!(summary.counts, [5, 4, 2, 1]);
    assert_eq!(summary.records, 20);
    let one = parse_summary(
        "symscore: f.csv: 1 row: 1 scored, 0 prorated, 0 invalid, 0 not administered; 1 record (stopped by the error below)",
    )
    .expect("parsed");
    assert_eq!((one.rows, one.records), (1, 1));
    assert!(zero_column_location("empty.json:1:0: EOF").is_some());
    assert!(zero_column_location("a.csv:10:0: found '1'").is_some());
    assert!(zero_column_location("a.csv:10:5: found '10:0:1'").is_none());
    assert!(zero_column_location("a.csv:10:5: expected 10, found 0").is_none());
    assert!(zero_column_location("a.csv:3: found '2026-01-06 09:30'").is_none());
}
