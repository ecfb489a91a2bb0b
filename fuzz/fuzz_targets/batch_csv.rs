//! The `batch_csv` fuzz target. Its checks are in `tests/it/fuzz/batch_csv.rs`, which `cargo test` also
//! runs on every input kept in `fuzz/regressions/batch_csv/`: one function, so the two cannot drift.

#![no_main]

#[path = "../../tests/it/fuzz/batch_csv.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check(data));
