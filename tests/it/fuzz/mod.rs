//! The fuzz targets' checks (`fuzz/fuzz_targets/*.rs` include these files as their modules),
//! replayed on every input in `fuzz/regressions/<target>/`: each once broke a check, and
//! `cargo test` keeps it from breaking one again without a fuzzer.

mod batch_csv;
mod definition;
mod score_answers;

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

/// A fuzz target's checks: panics where the input breaks one.
type Check = fn(&[u8]);

/// Every fuzz target, by the name of its directory under `fuzz/regressions/`.
const TARGETS: [(&str, Check); 3] = [
    ("batch_csv", batch_csv::check),
    ("definition", definition::check),
    ("score_answers", score_answers::check),
];

/// Runs `check` on every file in `dir`; returns how many there were and the failures.
fn replay(dir: &Path, check: Check) -> (usize, Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return (0, Vec::new());
    };
    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    let failures = paths
        .iter()
        .filter_map(|path| {
            let data = fs::read(path).unwrap();
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| check(&data)));
            let payload = outcome.err()?;
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("a panic without a message");
            Some(format!("{}: {message}", path.display()))
        })
        .collect();
    (paths.len(), failures)
}

#[test]
fn every_fuzz_regression_input_passes_its_targets_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    // A directory for a target this test does not know would be skipped without a word.
    for entry in fs::read_dir(&root).unwrap() {
        let name = entry.unwrap().file_name();
        assert!(
            TARGETS.iter().any(|(target, _)| name == *target),
            "fuzz/regressions/{} is not a fuzz target's directory",
            name.to_string_lossy()
        );
    }
    let mut inputs = 0;
    let mut failures = Vec::new();
    for (target, check) in TARGETS {
        let (count, failed) = replay(&root.join(target), check);
        inputs += count;
        failures.extend(failed);
    }
    assert!(inputs > 0, "no regression inputs under {}", root.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
