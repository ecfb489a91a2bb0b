//! Reading a REDCap project's data dictionary and resolving which of its fields hold which
//! instrument items, so that a records export can be scored as REDCap gives it.
//!
//! # The REDCap format, briefly
//!
//! A REDCap project is a set of forms (REDCap calls them instruments), each a list of fields.
//! The data dictionary is a CSV with one row per field: its variable name (`phq_1`, the column
//! of the records export), its form, its type (`radio`, `dropdown`, `text`, `calc`, …), its
//! label, its choices (`0, Not at all | 1, Several days | …`: the code stored in a raw export,
//! then the label stored in a label export), its text validation (`integer`, `date_ymd`)
//! with a minimum and maximum, and an annotation holding action tags (`@HIDDEN`). The first
//! field is the record id. Each form also has a `<form>_complete` status column in the
//! records export. The web interface and the API name the dictionary's columns differently;
//! [`Dictionary::read`] takes both.
//!
//! # How fields are mapped to items, and why in this order
//!
//! 1. An `@SYMSCORE=phq9_3` action tag in a field's annotation: written in the project
//!    itself, it travels with every export and every user.
//! 2. A mapping file (`field,item`), written once by a user for a project they cannot change.
//!    A field mapped by both must be mapped the same.
//! 3. The guided default, for forms neither maps: a form named after an instrument (`phq9`,
//!    `PHQ-9 week 2`) whose radio and dropdown fields are, in order, exactly the
//!    instrument's items with its scale's codes (then, optionally, its extra items). It is
//!    inferred, so it is always said in a notice, and it never maps on structure alone.
//!
//! Targets are item columns as symscore names them (`phq9_3`, `phq9_difficulty`), `date` for
//! the field with the administration's date, and `<id>_total` for REDCap's own calculated
//! total, which the guided default also finds (a `calc` field `sum()`ing exactly the items).
//! Every mapping is checked ([`RedcapErrorKind`] lists how it can fail): an instrument comes
//! from one form, with all its items, each from a field whose codes are exactly its scale.

mod batch_options;
pub mod dictionary;
pub mod error;
mod field;
pub mod mapping;
pub mod mapping_file;
mod table;
mod target;

pub use dictionary::Dictionary;
pub use error::{RedcapError, RedcapErrorKind};
pub use field::{Choice, Field, FieldType};
pub use mapping::{MappedBy, MappedForm, Mapping};
pub use mapping_file::{MappingEntry, MappingFile};
