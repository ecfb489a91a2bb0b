//! symscore's integration tests, in one test binary: cargo links one executable instead of
//! one per file, and the modules share `support`.
//!
//! Each module tests one subject through the public surface: the real binary (run as users
//! and pipelines do) or the library's public API. Fixtures are in `tests/fixtures/`, `--help`
//! snapshots in `tests/it/snapshots/`.

mod support;

mod attack_review;
mod bad_inputs;
mod batch_errors;
mod cli;
mod definition_rules;
mod definitions;
mod docs;
mod enter;
mod enter_safety;
mod fhir;
mod fhir_observation;
mod fhir_response;
mod fhir_trend;
mod fuzz;
mod generate;
mod help;
mod input_limits;
mod known_answers;
mod output_files;
mod properties;
mod redcap;
mod report;
mod report_browser;
mod report_page;
mod score_rules;
mod table_width;
mod trend;
mod trend_change_rules;
mod trend_cli;
mod trend_overview;
mod trend_overview_caseload;
mod trend_rules;
mod trend_rules_cli;
mod trend_stream;
mod trend_window_rules;
mod untrusted_text;
mod wording;
