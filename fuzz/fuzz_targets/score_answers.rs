//! The `score_answers` fuzz target. Its checks are in `tests/it/fuzz/score_answers.rs`, which `cargo test` also
//! runs on every input kept in `fuzz/regressions/score_answers/`: one function, so the two cannot drift.

#![no_main]

#[path = "../../tests/it/fuzz/score_answers.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check(data));
