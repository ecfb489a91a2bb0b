//! What the test modules share: running the binary, the files they write, the headers they
//! write them with, and reading what the binary said.

pub(crate) mod process;
pub(crate) mod report;
#[cfg(unix)]
pub(crate) mod terminal;
pub(crate) mod trend;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

/// The PHQ-9 columns of a visits file, as `score` and `trend` read them.
pub(crate) const PHQ9_HEADER: &str =
    "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9";

/// The PHQ-9 columns `enter` writes: the difficulty question follows the nine items.
pub(crate) const PHQ9_ENTER_HEADER: &str = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,phq9_difficulty";

/// How long a test waits for the program before it fails; generous, as CI shares two cores.
pub(crate) const PATIENCE: Duration = Duration::from_secs(60);

/// The binary under test.
pub(crate) const BINARY: &str = env!("CARGO_BIN_EXE_symscore");

/// The binary, with none of the caller's settings that change what it does: no
/// `SYMSCORE_INSTRUMENTS`, no `NO_COLOR`, no `COLUMNS` (a table's width), no test hook
/// between trend's passes; stopped after
/// [`PATIENCE`].
pub(crate) fn symscore() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(BINARY);
    cmd.env_remove("SYMSCORE_INSTRUMENTS")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("SYMSCORE_TEST_BETWEEN_PASSES")
        .timeout(PATIENCE);
    cmd
}

/// Each line of `stdout` as JSON (`--format jsonl`).
pub(crate) fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

pub(crate) fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Answers as typed: one line each.
pub(crate) fn lines(answers: &[&str]) -> String {
    answers.iter().flat_map(|a| [*a, "\n"]).collect()
}

/// Writes `dir/name` and returns its path.
pub(crate) fn write_file(dir: &Path, name: &str, text: &(impl AsRef<[u8]> + ?Sized)) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

/// A file in a fresh temporary directory (kept alive by the returned guard).
pub(crate) fn temp_file(
    name: &str,
    bytes: &(impl AsRef<[u8]> + ?Sized),
) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), name, bytes);
    (dir, path)
}

/// The names in `dir`, sorted.
pub(crate) fn dir_listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Makes a named pipe at `path` (`mkfifo(1)`).
#[cfg(unix)]
pub(crate) fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}
