//! The `definition` fuzz target. Its checks are in `tests/it/fuzz/definition.rs`, which `cargo test` also
//! runs on every input kept in `fuzz/regressions/definition/`: one function, so the two cannot drift.

#![no_main]

#[path = "../../tests/it/fuzz/definition.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check(data));
