//! Tables fit the terminal: at 80 and 120 columns (`COLUMNS`) no line is wider, no word or
//! date is split, the columns a clinician needs are always there, and every safety row
//! carries its `!!` marker. Expectations are written by hand from the example files.

use unicode_width::UnicodeWidthStr as _;

use crate::support::symscore;

const VISITS: &str = "examples/visits.csv";
const DOSING: &str = "examples/dosing.csv";
/// A slice of the NHANES 2017-2018 `DPQ_J` export: item 9 endorsed, blank, refused (7) and
/// don't know (9), blank rows, and high totals.
const NHANES: &str = "tests/fixtures/nhanes-dpq-slice.csv";
/// The README's flags for the NHANES export.
const NHANES_FLAGS: [&str; 8] = [
    "--patient-column",
    "SEQN",
    "--na",
    "7,9",
    "--map",
    "DPQ010=phq9_1,DPQ020=phq9_2,DPQ030=phq9_3,DPQ040=phq9_4,DPQ050=phq9_5",
    "--map",
    "DPQ060=phq9_6,DPQ070=phq9_7,DPQ080=phq9_8,DPQ090=phq9_9,DPQ100=phq9_difficulty",
];

/// Standard output of `symscore args…` with `COLUMNS=width`.
fn run_at(width: usize, args: &[&str]) -> String {
    let output = symscore()
        .env("COLUMNS", width.to_string())
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// One table of the output: its header cells and its rows, each cell's lines joined back
/// into its text (after a line ending in `_` directly, otherwise with a space).
struct Parsed {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_start_matches('│')
        .trim_end_matches('│')
        .split('┆')
        .map(|c| c.trim().to_owned())
        .collect()
}

fn tables(text: &str) -> Vec<Parsed> {
    let mut tables = Vec::new();
    let mut current: Option<Parsed> = None;
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with('┌') {
            current = Some(Parsed {
                header: Vec::new(),
                rows: Vec::new(),
            });
        } else if line.starts_with('└') {
            tables.extend(current.take());
        } else if line.starts_with('│') {
            let table = current.as_mut().expect("a row inside a table");
            let row = cells(line);
            if table.header.is_empty() {
                table.header = row;
            } else if row[0].is_empty() {
                let last = table.rows.last_mut().expect("a continued row");
                for (cell, more) in last.iter_mut().zip(row) {
                    if more.is_empty() {
                        continue;
                    }
                    if !cell.is_empty() && !cell.ends_with('_') {
                        cell.push(' ');
                    }
                    cell.push_str(&more);
                }
            } else {
                table.rows.push(row);
            }
        }
    }
    tables
}

/// Every line at most `width` columns on the screen.
fn assert_fits(text: &str, width: usize) {
    for line in text.lines() {
        assert!(
            line.width() <= width,
            "wider than {width}: {line:?}\n{text}"
        );
    }
}

/// Every date (`2026-…`) whole on its line.
fn assert_dates_whole(text: &str) {
    for line in text.lines() {
        for (at, _) in line.match_indices("2026-") {
            let date = &line[at..];
            let whole = date.len() >= 10
                && date.as_bytes()[..10].iter().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        *b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            assert!(whole, "a date split: {line:?}");
        }
    }
}

fn header(table: &Parsed) -> Vec<&str> {
    table.header.iter().map(String::as_str).collect()
}

/// The rows of `visits.csv` whose PHQ-9 item 9 is endorsed or unknown, by patient and date.
const VISITS_SAFETY_ROWS: [(&str, &str, &str); 5] = [
    ("P003", "2026-04-28", "!! ITEM9_MISSING"),
    ("P004", "2026-06-09", "!! ITEM9_POSITIVE"),
    ("P004", "2026-06-16", "!! ITEM9_POSITIVE"),
    ("P004", "2026-06-23", "!! ITEM9_POSITIVE"),
    ("P004", "2026-07-07", "!! ITEM9_POSITIVE"),
];

fn check_score_visits(width: usize, expected_header: &[&str], note: Option<&str>) {
    let out = run_at(width, &["score", VISITS, "--format", "table"]);
    assert_fits(&out, width);
    assert_dates_whole(&out);
    let tables = tables(&out);
    assert_eq!(tables.len(), 1);
    let table = &tables[0];
    assert_eq!(header(table), expected_header);
    // One row per administration: 138 (`score --format csv` has as many records).
    assert_eq!(table.rows.len(), 138);
    let flagged: Vec<(&str, &str, &str)> = table
        .rows
        .iter()
        .filter(|row| row[5].contains("!!"))
        .map(|row| (row[0].as_str(), row[1].as_str(), row[5].as_str()))
        .collect();
    assert_eq!(flagged.len(), VISITS_SAFETY_ROWS.len(), "{out}");
    for ((patient, date, flags), (p, d, marker)) in flagged.iter().zip(VISITS_SAFETY_ROWS) {
        assert_eq!((*patient, *date), (p, d));
        assert!(flags.starts_with(marker), "{flags}");
    }
    // Each safety notice's name whole on its row's first line, beside patient and date.
    for (patient, date, marker) in VISITS_SAFETY_ROWS {
        let row = format!("│ {patient}    ┆ {date} ┆ phq9");
        assert_eq!(
            out.lines()
                .filter(|l| l.starts_with(&row) && l.contains(marker))
                .count(),
            1,
            "{patient} {date}: {out}"
        );
    }
    // Words whole: a severity and a flag list read back as written.
    let pcl5 = table
        .rows
        .iter()
        .find(|row| row[0] == "P006" && row[1] == "2026-09-22" && row[2] == "pcl5")
        .unwrap();
    assert_eq!(pcl5[3], "33");
    assert_eq!(pcl5[4], "probable_ptsd");
    assert_eq!(pcl5[5], "PROBABLE_PTSD, DSM5_PROVISIONAL_DX");
    let prorated = table
        .rows
        .iter()
        .find(|row| row[0] == "P003" && row[1] == "2026-04-28")
        .unwrap();
    assert_eq!(prorated[3], "16 (15.8)");
    assert_eq!(prorated[4], "moderately_severe");
    assert_eq!(
        prorated[5],
        "!! ITEM9_MISSING (item 9: unknown) PRORATED, CASENESS_PHQ9, MAJOR_DEPRESSIVE_SYNDROME"
    );
    match note {
        Some(note) => assert!(out.replace('\n', " ").contains(note), "{out}"),
        None => assert!(!out.contains("left out"), "{out}"),
    }
}

#[test]
fn score_at_80_columns_keeps_the_clinical_columns_and_says_what_it_left_out() {
    check_score_visits(
        80,
        &[
            "patient",
            "date",
            "instrument",
            "total",
            "severity",
            "flags",
        ],
        Some("The columns subscales, line are left out to fit the width: --format csv"),
    );
}

#[test]
fn score_at_120_columns_shows_every_column() {
    check_score_visits(
        120,
        &[
            "patient",
            "date",
            "instrument",
            "total",
            "severity",
            "flags",
            "subscales",
            "line",
        ],
        None,
    );
}

#[test]
fn score_of_the_nhanes_export_fits_80_and_120_columns() {
    for width in [80, 120] {
        let mut args = vec!["score", NHANES, "--format", "table"];
        args.extend(NHANES_FLAGS);
        let out = run_at(width, &args);
        assert_fits(&out, width);
        let tables = tables(&out);
        let table = &tables[0];
        for column in [
            "patient",
            "date",
            "instrument",
            "total",
            "severity",
            "flags",
        ] {
            assert!(table.header.iter().any(|h| h == column), "{out}");
        }
        // Item 9 endorsed (1.0) in four rows; blank, refused (7) or don't know (9) with
        // other items answered in four; the all-blank row is not administered.
        let marked: Vec<&str> = table
            .rows
            .iter()
            .filter(|row| row[5].contains("!!"))
            .map(|row| row[0].as_str())
            .collect();
        assert_eq!(
            marked,
            [
                "93757.0", "93773.0", "93823.0", "93827.0", "96019.0", "97765.0", "100325.0",
                "93887.0", "94327.0"
            ],
            "{out}"
        );
        let severe = table.rows.iter().find(|row| row[0] == "93760.0").unwrap();
        assert_eq!(
            (severe[3].as_str(), severe[4].as_str()),
            ("19", "moderately_severe")
        );
    }
}

#[test]
fn trend_fits_80_and_120_columns_with_every_safety_point_marked() {
    for width in [80, 120] {
        let out = run_at(
            width,
            &["trend", VISITS, "--dosing", DOSING, "--format", "table"],
        );
        assert_fits(&out, width);
        assert_dates_whole(&out);
        let tables = tables(&out);
        for table in &tables {
            for column in ["date", "total", "severity", "flags"] {
                assert!(table.header.iter().any(|h| h == column), "{out}");
            }
        }
        let flags_at = |t: &Parsed| t.header.iter().position(|h| h == "flags").unwrap();
        let marked: Vec<String> = tables
            .iter()
            .flat_map(|t| {
                let at = flags_at(t);
                t.rows
                    .iter()
                    .filter(move |row| row[at].contains("ITEM9_"))
                    .map(move |row| format!("{} {}", row[0], row[at]))
            })
            .collect();
        // P003's unknown item 9 and three of P004's endorsed answers fall in a window;
        // P004's fourth (2026-07-07) is after it, and is shown on its own, marked too.
        let dates: Vec<&str> = marked.iter().map(|m| &m[..10]).collect();
        assert_eq!(
            dates,
            ["2026-04-28", "2026-06-09", "2026-06-16", "2026-06-23"],
            "{out}"
        );
        assert!(marked.iter().all(|m| m.contains("!! ITEM9_")), "{marked:?}");
        // Each notice's name whole on its point's first line.
        for date in dates {
            let row = format!("  │ {date} ┆");
            assert!(
                out.lines().any(|l| l.starts_with(&row)
                    && (l.contains("!! ITEM9_MISSING") || l.contains("!! ITEM9_POSITIVE"))),
                "{date}: {out}"
            );
        }
        // At 80 columns a window with a safety notice has no room for the plateau column
        // beside it; that is said once.
        let notes = out.matches("left out to fit the width").count();
        assert_eq!(notes, usize::from(width == 80), "{out}");
        assert!(
            out.contains("!! ITEM9_POSITIVE at this administration, outside every window"),
            "{out}"
        );
    }
}

#[test]
fn trend_at_60_columns_leaves_out_the_day_and_plateau_columns_and_says_so_once() {
    let out = run_at(
        60,
        &["trend", VISITS, "--dosing", DOSING, "--format", "table"],
    );
    assert_fits(&out, 60);
    let tables = tables(&out);
    assert_eq!(
        header(&tables[0]),
        ["date", "total", "severity", "change", "flags"]
    );
    // Each column named once, under the first table without it: P003's PHQ-9 window
    // (wider severities and flags) is the first to need the change column's room too.
    let joined = out.replace("\n    ", " ");
    let notes: Vec<&str> = joined
        .lines()
        .filter(|l| l.contains("left out to fit the width"))
        .map(str::trim)
        .collect();
    assert_eq!(
        notes,
        [
            "The columns day, used are left out to fit the width: --format csv or a wider terminal (COLUMNS=120) shows them.",
            "The column change is left out to fit the width: --format csv or a wider terminal (COLUMNS=120) shows it.",
        ],
        "{out}"
    );
}

#[test]
fn instruments_fit_80_and_120_columns() {
    let all = ["id", "name", "items", "range", "version", "from", "licence"];
    let without_from = ["id", "name", "items", "range", "version", "licence"];
    for (width, expected) in [(80, &without_from[..]), (120, &all[..])] {
        let out = run_at(width, &["instruments", "--format", "table"]);
        assert_fits(&out, width);
        let tables = tables(&out);
        assert_eq!(header(&tables[0]), expected);
        assert_eq!(
            out.contains("The column from is left out to fit the width"),
            width == 80,
            "{out}"
        );
        let names: Vec<(&str, &str, &str)> = tables[0]
            .rows
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str(), r[3].as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("phq9", "Patient Health Questionnaire-9 (PHQ-9)", "0–27"),
                ("gad7", "Generalized Anxiety Disorder-7 (GAD-7)", "0–21"),
                ("pcl5", "PTSD Checklist for DSM-5 (PCL-5)", "0–80"),
            ]
        );
        let shown = run_at(width, &["instruments", "show", "phq9"]);
        assert_fits(&shown, width);
        assert!(shown.contains("!! ITEM9_POSITIVE"));
        assert!(shown.contains("!! ITEM9_MISSING"));
    }
}

#[test]
fn with_no_terminal_and_no_columns_a_table_is_as_wide_as_its_content() {
    let output = symscore()
        .env_remove("COLUMNS")
        .args(["score", VISITS, "--format", "table"])
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    let tables = tables(&out);
    // Nothing dropped, nothing wrapped: a line per row, a second for the five rows whose
    // safety notice sits above their other flags, and four of borders and header.
    assert_eq!(tables[0].header.len(), 8);
    assert_eq!(out.lines().count(), 138 + 5 + 4);
}

#[test]
fn enter_prints_its_scores_in_a_table_that_fits_80_and_120_columns() {
    // PHQ-9 19 with item 9 = 2 (moderately_severe, endorsed); PCL-5 all 3s: 60,
    // probable_ptsd, every cluster B=15 C=6 D=21 E=18.
    let mut answers = vec!["3", "3", "3", "2", "2", "2", "2", "0", "2", ""];
    answers.extend(["3"; 20]);
    answers.push("y");
    for width in [80, 120] {
        let dir = tempfile::tempdir().unwrap();
        let output = symscore()
            .current_dir(dir.path())
            .env("COLUMNS", width.to_string())
            .args(["enter", "phq9", "pcl5", "--patient", "P1"])
            .args(["--date", "2026-05-04", "--format", "table"])
            .write_stdin(crate::support::lines(&answers))
            .output()
            .unwrap();
        assert!(output.status.success());
        // Each instrument's licence under its `== … ==` banner, indented 3, fits too.
        let err = String::from_utf8(output.stderr).unwrap();
        let mut licence_lines = 0;
        let mut in_intro = false;
        for line in err.lines() {
            if line.starts_with("== ") {
                in_intro = true;
            } else if in_intro && line.starts_with("   ") {
                licence_lines += 1;
                assert!(line.width() <= width, "wider than {width}: {line:?}");
            } else {
                in_intro = false;
            }
        }
        assert!(licence_lines >= 2, "{err}");
        // The review lists every answer with its item's label, wrapped within the width.
        let review = err
            .split("Review: ")
            .nth(1)
            .and_then(|rest| rest.split("  Total").next())
            .unwrap_or_else(|| panic!("no review: {err}"));
        assert!(review.contains("Nearly every day"), "{review}");
        for line in review.lines() {
            assert!(line.width() <= width, "wider than {width}: {line:?}");
        }
        let out = String::from_utf8(output.stdout).unwrap();
        assert_fits(&out, width);
        assert_dates_whole(&out);
        let tables = tables(&out);
        let rows: Vec<Vec<&str>> = tables[0]
            .rows
            .iter()
            .map(|r| r[..6].iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            rows,
            [
                [
                    "P1",
                    "2026-05-04",
                    "phq9",
                    "19",
                    "moderately_severe",
                    "!! ITEM9_POSITIVE (item 9 = 2) CASENESS_PHQ9, MAJOR_DEPRESSIVE_SYNDROME"
                ],
                [
                    "P1",
                    "2026-05-04",
                    "pcl5",
                    "60",
                    "probable_ptsd",
                    "PROBABLE_PTSD, DSM5_PROVISIONAL_DX"
                ],
            ],
            "{out}"
        );
        if width == 120 {
            assert_eq!(tables[0].rows[1][6], "B=15 C=6 D=21 E=18");
        } else {
            assert!(
                out.contains("The columns subscales, line are left out"),
                "{out}"
            );
        }
    }
}
