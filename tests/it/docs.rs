//! Every console example in `README.md` and `docs/*.md` runs, and its output must match: an
//! example that no longer says what the program says fails the tests (the `trycmd` crate).
//!
//! # How to write a console block
//!
//! - **Which blocks run.** A fenced block whose info string is `console` (or `trycmd`) runs.
//!   So does a fence with no info string at all, so always name the language: `sh` for a
//!   command the reader types but that is not checked (`cargo`, `man`, installing
//!   completions), `text` for a transcript that cannot run here (a terminal session), `json`,
//!   `csv`, `diff`. A `console,ignore` block is shown and not run; say in the text why.
//! - **Commands.** A line starting `$ ` is a command, the lines after it (up to the next `$ `
//!   or the closing fence) are what it prints. A long command continues on lines starting
//!   `> ` (the shell's own continuation prompt); do not end the `$ ` line with `\`. Leading
//!   `NAME=value` words set environment variables for that command.
//! - **Output.** stdout and stderr are shown together, in the order the program wrote them.
//!   End the output with one empty line before the next `$ ` or the closing fence (trycmd
//!   takes the last line break off; `TRYCMD=overwrite` writes it that way). A command that
//!   prints nothing is followed directly by the next `$ ` line.
//! - **Exit status.** A command must exit 0 unless the line after it (after any `> ` lines)
//!   is `? N`, the status it must exit with (`? 1`, `? 2`, `? 3`). Show every non-zero
//!   status this way, never with `echo $?`.
//! - **Elisions.** A line holding only `...` stands for any number of lines; `[..]` within a
//!   line stands for any text on that line. Use them for what the reader need not see, not
//!   to hide output that is wrong.
//! - **Where it runs.** Each Markdown file runs in a fresh, empty directory of its own, in
//!   which `examples/`, `instruments/` and `tests/` (for `tests/fixtures/`) are the
//!   repository's (symbolic links: never write into them). Files a block writes (`-o scored.csv`, `--append visits.csv`, `mkdir`) stay
//!   there for the file's later blocks and are removed at the end, so every run starts the
//!   same. Blocks of one file run in order; files are independent.
//! - **Programs.** `symscore`, and `cat`, `cp`, `head`, `ls`, `mkdir`, `printf`, `rm`.
//!   A lone `|`, `<`, `>`, `>>`, `2>` or `2>&1` word is a shell pipe or redirection
//!   (`$ printf '1\n2\n' | symscore enter …`, `$ symscore score - < examples/visits.csv`);
//!   every other word is passed as written, so `--delimiter '|'` must be written
//!   `--delimiter=|`.
//! - **Nothing depends on the machine or the day.** Blocks run with `NO_COLOR=1`,
//!   `COLUMNS=80`, `TZ=UTC`, `LC_ALL=C.UTF-8` and without `SYMSCORE_INSTRUMENTS` (use
//!   `--instruments-dir`); standard input is empty unless a pipe or `<` gives it. Give every
//!   `enter` a `--date`, never "today".
//! - **Updating.** After a change of wording, `TRYCMD=overwrite cargo test --test it docs::`
//!   rewrites the output of every failing block in place (it keeps `...` and `[..]` where it
//!   can); read the diff before committing.

#![cfg(unix)]

use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use crate::support::BINARY;

/// The programs a console block may run besides `symscore`.
const HELPERS: [&str; 7] = ["cat", "cp", "head", "ls", "mkdir", "printf", "rm"];

/// The words that are a shell's pipe or redirection when they stand alone.
const OPERATORS: [&str; 6] = ["|", "<", ">", ">>", "2>", "2>&1"];

#[test]
fn readme_console_blocks_match_the_program() {
    check(&[repo().join("README.md")]);
}

#[test]
fn docs_console_blocks_match_the_program() {
    let mut pages: Vec<PathBuf> = fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "docs/ has no Markdown page");
    check(&pages);
}

/// The development guide names every module of this test binary, so a new test file is
/// described where a developer looks for it.
#[test]
fn the_development_guide_names_every_test_module() {
    let main = fs::read_to_string(repo().join("tests/it/main.rs")).unwrap();
    let guide = fs::read_to_string(repo().join("docs/development.md")).unwrap();
    let missing: Vec<&str> = main
        .lines()
        .filter_map(|line| line.strip_prefix("mod ")?.strip_suffix(';'))
        .filter(|module| {
            !guide.contains(&format!("`{module}.rs`")) && !guide.contains(&format!("`{module}/`"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "docs/development.md does not describe the test modules {missing:?}"
    );
}

/// The harness refuses a block it cannot run rather than skip it: a bare fence is run.
#[test]
fn a_fence_without_a_language_is_run() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.md");
    fs::write(&page, "```\n$ symscore --version\nnot the version\n```\n").unwrap();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| run_page(&page)));
    assert!(outcome.is_err(), "a wrong output in a bare fence passed");
}

/// Pipes and redirections work in a block, and a wrong exit status fails it.
#[test]
fn pipes_run_and_exit_statuses_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.md");
    let block = "```console\n\
                 $ printf 'patient_id,phq9_1\\nP1,0\\n' | symscore score --format csv > out.csv\n\
                 ? 2\n\
                 ...\n\
                 ```\n";
    fs::write(&page, block).unwrap();
    run_page(&page);
    fs::write(&page, block.replace("? 2\n", "")).unwrap();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| run_page(&page)));
    assert!(outcome.is_err(), "an exit status of 2 passed as success");
}

/// Runs every page, each in its own directory, and fails naming every page that failed.
fn check(pages: &[PathBuf]) {
    let failed: Vec<String> = pages
        .iter()
        .filter(|page| panic::catch_unwind(AssertUnwindSafe(|| run_page(page))).is_err())
        .map(|page| page.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "console blocks that do not match the program (see above): {}",
        failed.join(", ")
    );
}

/// Runs one page's console blocks in a fresh directory; panics if one does not match.
fn run_page(page: &Path) {
    let scratch = tempfile::tempdir().unwrap();
    for shared in ["examples", "instruments", "tests"] {
        symlink(repo().join(shared), scratch.path().join(shared)).unwrap();
    }
    let bin = tempfile::tempdir().unwrap();
    let cases = trycmd::TestCases::new();
    cases.case(page);
    cases.register_bin("symscore", wrapper(bin.path(), scratch.path(), "symscore"));
    for helper in HELPERS {
        cases.register_bin(helper, wrapper(bin.path(), scratch.path(), helper));
    }
    let symscore_dir = Path::new(BINARY).parent().unwrap();
    let path = std::env::var("PATH").unwrap_or_default();
    cases
        .env("PATH", format!("{}:{path}", symscore_dir.display()))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .env("TZ", "UTC")
        .env("LC_ALL", "C.UTF-8")
        .run();
}

/// A script that runs `program` with the block's words in `scratch` through `sh`: each word
/// quoted, except the pipe and redirection words, so that the pipes in a block are real.
fn wrapper(bin: &Path, scratch: &Path, program: &str) -> PathBuf {
    let mut script = String::from("#!/bin/sh\n");
    script.push_str("unset SYMSCORE_INSTRUMENTS SYMSCORE_TEST_BETWEEN_PASSES\n");
    writeln!(script, "cd '{}' || exit 125", scratch.display()).unwrap();
    writeln!(script, "line={program}").unwrap();
    script.push_str("for word; do\n  case $word in\n");
    writeln!(
        script,
        "    {}) line=\"$line $word\" ;;",
        OPERATORS.map(|op| format!("'{op}'")).join("|")
    )
    .unwrap();
    script.push_str(
        "    *) line=\"$line '$(printf '%s' \"$word\" | sed \"s/'/'\\\\\\\\''/g\")'\" ;;\n",
    );
    script.push_str("  esac\ndone\nexec /bin/sh -c \"$line\"\n");
    let path = bin.join(program);
    fs::write(&path, script).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
