//! Issue 14, part 3: reports from `examples/` and the fixture opened in a real browser,
//! headless Chromium. The page renders (a screenshot at a fixed size that is not blank), the
//! DOM the browser built holds every chart and table with the expected values, and the
//! browser logs no console error.
//!
//! axe-core (`tests/browser/axe.js`, puppeteer-core driving the same Chromium) audits both
//! pages for accessibility violations.
//!
//! Without Chromium on the PATH, or without `tests/browser/node_modules` for axe, a test says
//! so and passes, except in CI (`CI` set), where `.ci/run` installs both and their absence
//! fails the test: a browser check must not silently stop running.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::symscore;

/// The browser's window, fixed so that screenshots compare across runs.
const WINDOW: (u32, u32) = (1280, 1600);

/// Whether a missing tool must fail the test rather than skip it.
fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// The Chromium on the PATH, or `None` (a failure in CI).
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"]
        .into_iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|path| path.is_file())
            })
        });
    if found.is_none() {
        assert!(
            !in_ci(),
            "CI is set and chromium is not on the PATH: .ci/run installs it"
        );
        eprintln!("report_browser: chromium is not on the PATH; the browser check did not run");
    }
    found
}

/// Runs headless Chromium on `page` with `args`, its own profile in `dir`, console messages
/// logged to stderr.
fn browse(chromium: &Path, dir: &Path, page: &Path, args: &[String]) -> Output {
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--window-size={},{}", WINDOW.0, WINDOW.1),
            &format!("--user-data-dir={}", dir.join("profile").display()),
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let log = String::from_utf8_lossy(&output.stderr);
    let console = console_messages(&log);
    assert!(console.is_empty(), "console messages: {console:#?}");
    output
}

/// The lines of Chromium's log that are messages of the page's console. The page has no
/// script, so any is a failure: an uncaught exception (`INFO:CONSOLE:1] "Uncaught …"`),
/// `console.error` (`ERROR:CONSOLE` in some versions, `CONSOLE(1)` in older ones).
fn console_messages(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

/// Chromium 148's own lines, as `--enable-logging=stderr --v=0` wrote them for a page with an
/// uncaught exception and a `console.error`; the D-Bus complaints of a container are not the
/// page's.
#[test]
fn console_errors_are_found_in_chromiums_log() {
    let log = "\
[1:2:1203/163626.9:ERROR:dbus/bus.cc:405] Failed to connect to the bus: Could not parse server address
[1:1:1203/163626.9:INFO:CONSOLE:1] \"Uncaught TypeError: Cannot read properties of null (reading 'x')\", source: file:///tmp/bad.html (1)
[1:1:1203/163626.9:INFO:CONSOLE:1] \"boom\", source: file:///tmp/bad.html (1)
[1:1:1203/163626.9:ERROR:CONSOLE(3)] \"old style\", source: file:///tmp/bad.html (3)
";
    assert_eq!(console_messages(log).len(), 3);
}

/// Writes the report of `args` to `dir/name`.
fn write_report(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let path = dir.join(name);
    symscore()
        .arg("report")
        .args(["--as-of", "2026-12-01"])
        .args(args)
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap();
    assert!(path.is_file());
    path
}

/// The share of pixels of the PNG at `path` that are not white, and its size.
fn ink(path: &Path) -> (f64, (u32, u32)) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let channels = info.color_type.samples();
    let pixels = &buffer[..info.buffer_size()];
    let inked = pixels
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|&c| c < 240))
        .count();
    let total = pixels.len() / channels;
    #[allow(clippy::cast_precision_loss)]
    let share = inked as f64 / total as f64;
    (share, (info.width, info.height))
}

#[test]
fn the_examples_report_renders_in_chromium_with_every_chart_and_table() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = write_report(
        dir.path(),
        "report.html",
        &["examples/visits.csv", "--dosing", "examples/dosing.csv"],
    );
    let shot = dir.path().join("report.png");
    browse(
        &chromium,
        dir.path(),
        &page,
        &[format!("--screenshot={}", shot.display())],
    );
    let (share, size) = ink(&shot);
    assert_eq!(size, WINDOW);
    // Headings, the index table and the first chart's bands: far more than a blank page.
    assert!(
        share > 0.05,
        "only {share:.3} of the screenshot is not white"
    );

    let dom = browse(&chromium, dir.path(), &page, &["--dump-dom".to_owned()]);
    let dom = String::from_utf8(dom.stdout).unwrap();
    assert_eq!(dom.matches("<svg").count(), 14);
    assert_eq!(dom.matches("role=\"img\"").count(), 14);
    assert_eq!(dom.matches("<table class=\"data\"").count(), 14);
    assert_eq!(dom.matches("<section class=\"patient\"").count(), 6);
    for expected in [
        "<h2 id=\"p4-h\">Patient P004</h2>",
        "<td class=\"num\">19</td>",
        "Caseload overview, as of 2026-12-01",
        "P004</a></td><td><a href=\"#p4-0\">phq9</a></td><td>SAFETY</td>",
        "MDMA session 3",
        "!! Safety item endorsed or unanswered on",
    ] {
        assert!(dom.contains(expected), "the DOM lacks {expected:?}");
    }
}

#[test]
fn markup_in_the_fixture_runs_nothing_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = write_report(
        dir.path(),
        "fixture.html",
        &[
            "tests/fixtures/report/visits.csv",
            "--dosing",
            "tests/fixtures/report/dosing.csv",
            "--window",
            "28",
        ],
    );
    // `browse` fails on any console message: the patient id's `alert(1)` must not run.
    let dom = browse(&chromium, dir.path(), &page, &["--dump-dom".to_owned()]);
    let dom = String::from_utf8(dom.stdout).unwrap();
    assert!(!dom.contains("<script"));
    assert!(dom.contains("Patient P&lt;script&gt;alert(1)&lt;/script&gt;&amp;2"));
    assert_eq!(dom.matches("<svg").count(), 2);
    for state in [
        "point invalid",
        "point prorated",
        "point recall-overlap",
        "point safety",
    ] {
        assert!(dom.contains(state), "no {state:?}");
    }
}

/// The axe script, its modules installed (`npm ci --prefix tests/browser`), or `None` (a
/// failure in CI).
fn axe() -> Option<PathBuf> {
    let dir = Path::new("tests/browser");
    if dir.join("node_modules/axe-core").is_dir()
        && dir.join("node_modules/puppeteer-core").is_dir()
    {
        return Some(dir.join("axe.js"));
    }
    assert!(
        !in_ci(),
        "CI is set and tests/browser/node_modules is missing: .ci/run runs npm ci there"
    );
    eprintln!(
        "report_browser: tests/browser/node_modules is missing (npm ci --prefix tests/browser); axe did not run"
    );
    None
}

#[test]
fn axe_finds_no_accessibility_violation_in_either_report() {
    let Some(chromium) = chromium() else { return };
    let Some(axe) = axe() else { return };
    let dir = tempfile::tempdir().unwrap();
    let pages = [
        write_report(
            dir.path(),
            "report.html",
            &["examples/visits.csv", "--dosing", "examples/dosing.csv"],
        ),
        write_report(
            dir.path(),
            "fixture.html",
            &[
                "tests/fixtures/report/visits.csv",
                "--dosing",
                "tests/fixtures/report/dosing.csv",
                "--window",
                "28",
            ],
        ),
    ];
    for page in pages {
        let output = Command::new("node")
            .arg(&axe)
            .arg(&chromium)
            .arg(&page)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && said.contains("rules passed"),
            "{}: {said}{}",
            page.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
