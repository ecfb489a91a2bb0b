//! symscore: score symptom questionnaires (PHQ-9, GAD-7, PCL-5, and any instrument defined
//! in a data file) and follow patients over time.
//!
//! The library does the clinical work and the file reading; it never prints and never
//! exits. The `symscore` binary is a thin command line on top.
//!
//! Clinical rules follow the project's clinical reference, `docs/clinical-rules.md`; each rule
//! cites its section there (`§2.4`, "reference §7.3") next to the code or in the instrument
//! definition. symscore flags results for clinician review. It does not diagnose and does not
//! recommend treatment.
//!
//! ```
//! use symscore::{Answer, Registry, score};
//!
//! let registry = Registry::builtin();
//! let phq9 = registry.get("phq9").unwrap();
//! let answers: Vec<Answer> = [1, 2, 0, 3, 1, 0, 0, 2, 1].into_iter().map(Answer::Value).collect();
//! let report = score(phq9, &answers).unwrap();
//! assert_eq!(report.total, Some(10));
//! assert_eq!(report.severity.id(), "moderate");
//! assert!(report.has_flag("ITEM9_POSITIVE"));
//! ```

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod answer_cell;
pub mod batch;
pub mod columns;
pub mod csv_cell;
pub mod error;
pub mod fhir;
pub mod instrument;
pub mod output_file;
pub mod plural;
pub mod record;
pub mod redcap;
pub mod registry;
pub mod repeated_visit;
pub mod report;
pub mod score;
pub mod shown_text;
pub mod trend;
pub mod visits;

pub use answer_cell::{MissingTokens, parse_answer};
pub use error::{BatchError, DefinitionError, Location};
pub use instrument::Instrument;
pub use record::ScoreRecord;
pub use registry::Registry;
pub use repeated_visit::RepeatedVisit;
pub use score::{Answer, ScoreReport, score};
pub use visits::{AppendError, Visit, append_visit};
