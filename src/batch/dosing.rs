//! Reading a dosing schedule: `patient_id,date[,label]`, several sessions per patient allowed.

use std::collections::BTreeMap;
use std::io;

use jiff::civil::Date;

use super::DateFormat;
use super::line_endings::{LineEndings, SkipBom};
use super::read_errors::{check_unclosed_quote, io_error, not_utf8, unequal_fields};
use super::rows::{Row, RowReader};
use crate::columns::{Columns, DATE_COLUMN, PATIENT_COLUMN, column_names, column_owner};
use crate::error::{BatchError, BatchErrorKind, HeaderProblem, Location};
use crate::registry::Registry;
use crate::shown_text::show_cell;
use crate::trend::Dosing;

/// What a dosing file holds, said in every refusal of its header.
const EXPECTED: &str = "a dosing file has the columns `patient_id` and `date` (and optionally `label`), one row per dosing session";

/// Columns that every results file of symscore has and a dosing schedule has no use for.
const RESULT_COLUMNS: [&str; 2] = ["instrument", "total"];

/// Dosing sessions by patient id, in file order within each patient.
pub type DosingSchedule = BTreeMap<String, Vec<Dosing>>;

/// Reads a dosing CSV. Any unreadable row stops the run: every window depends on these
/// dates, so a guessed or skipped dosing would shift every result after it. For the same
/// reason a second row for a patient's dosing date stops it too: the two rows may carry
/// different labels (which session was it?), and keeping either would lose the other.
///
/// A header holding an item column of an instrument in `registry` (`phq9_1`) is refused: it
/// is a visits file given as the dosing file, whose visit dates would read as dosings.
pub fn read_dosing<R: io::Read>(
    input: R,
    source: &str,
    date_format: &DateFormat,
    registry: &Registry,
) -> Result<DosingSchedule, BatchError> {
    let layout = Layout {
        patient: PATIENT_COLUMN,
        date: DATE_COLUMN,
        label: Some("label"),
        expected: EXPECTED,
        visits_registry: Some(registry),
        dates_on_some_rows: false,
        date_has_time: false,
        events: None,
    };
    read_schedule(input, source, date_format, &layout)
}

/// Where a REDCap export records its dosing sessions: a date field, on the rows of the forms
/// that hold it (a dosing form, at each dosing event).
#[derive(Debug, Clone, Copy)]
pub struct DosingField<'a> {
    /// The record id column: the patient.
    pub record_column: &'a str,
    /// The date field holding the dosing date.
    pub field: &'a str,
    /// The event column, whose value labels each session (`dosing_1_arm_1`).
    pub event_column: Option<&'a str>,
    /// Whether the field holds a date and a time, of which the day is kept.
    pub date_has_time: bool,
    /// When not empty, the dosing events: each row of one of these events is a session,
    /// dated by `field` (then the visit date field); the event's own row must have a date.
    pub events: &'a [String],
}

/// The column of a REDCap export naming a repeating form's rows: blank on an event's own row.
const REPEAT_INSTRUMENT_COLUMN: &str = "redcap_repeat_instrument";

/// Reads the dosing sessions of a REDCap records export from a date field: each row with a
/// value in it is one session of the row's record, labelled with its event. Rows without a
/// value belong to other forms and are passed over. As in a dosing file, an unreadable date
/// or the same date twice for one record stops the run.
pub fn read_dosing_field<R: io::Read>(
    input: R,
    source: &str,
    date_format: &DateFormat,
    field: &DosingField<'_>,
) -> Result<DosingSchedule, BatchError> {
    let expected = format!(
        "the REDCap export holds each dosing date in the field `{}`, with the record id in `{}`",
        field.field, field.record_column
    );
    let layout = Layout {
        patient: field.record_column,
        date: field.field,
        label: field.event_column,
        expected: &expected,
        visits_registry: None,
        dates_on_some_rows: true,
        date_has_time: field.date_has_time,
        events: (!field.events.is_empty()).then_some(field.events),
    };
    read_schedule(input, source, date_format, &layout)
}

/// Which columns of a file hold the dosing sessions, and how its rows are read.
struct Layout<'a> {
    patient: &'a str,
    date: &'a str,
    label: Option<&'a str>,
    /// What the file must hold, said in every refusal of its header.
    expected: &'a str,
    /// For a dosing file: the registry whose item columns mean a visits file was given.
    visits_registry: Option<&'a Registry>,
    /// Whether a row without a date is another kind of row (a REDCap export's other
    /// forms) rather than a mistake.
    dates_on_some_rows: bool,
    date_has_time: bool,
    /// Only the rows whose event (the `label` column) is one of these count.
    events: Option<&'a [String]>,
}

fn read_schedule<R: io::Read>(
    input: R,
    source: &str,
    date_format: &DateFormat,
    layout: &Layout<'_>,
) -> Result<DosingSchedule, BatchError> {
    let expected = layout.expected;
    let mut reader = RowReader::new(LineEndings::new(SkipBom::new(input), b','), b',');
    let mut row = Row::default();
    reader.read(&mut row).map_err(|err| io_error(source, err))?;
    check_unclosed_quote(&reader, source)?;
    let header_line = row.line().max(1);
    let header = column_names(row.iter()).map_err(|bad| {
        BatchError::new(
            BatchErrorKind::NotUtf8,
            Location::at(source, header_line, Some(bad.index as u64 + 1)),
            not_utf8(bad.cell, &bad.error),
        )
    })?;
    let columns = Columns::new(&header);
    let header_error = |problem: HeaderProblem, message: String| {
        BatchError::new(
            BatchErrorKind::Header(problem),
            Location::at(source, header_line, None),
            message,
        )
    };
    if let Some(registry) = layout.visits_registry
        && let Some((column, instrument)) = header
            .iter()
            .find_map(|h| column_owner(registry, h).map(|i| (h, i)))
    {
        return Err(header_error(
            HeaderProblem::WrongFile,
            format!(
                "expected a dosing schedule, found the `{}` item column `{}`: this looks like a visits file; {expected}",
                instrument.id, column
            ),
        ));
    }
    // symscore's own results (`score` and `trend` output) hold `patient_id` and `date` too,
    // one row per administration: read as a schedule, every scored visit would be a dosing.
    let find = |name: &str| {
        columns.find(name).map_err(|ambiguous| {
            header_error(
                HeaderProblem::AmbiguousColumn,
                format!(
                    "expected one column named `{name}`, found {} (columns {}); {expected}",
                    ambiguous.indices.len(),
                    ambiguous.numbers()
                ),
            )
        })
    };
    if layout.visits_registry.is_some()
        && RESULT_COLUMNS
            .iter()
            .all(|name| columns.find(name).is_ok_and(|found| found.is_some()))
    {
        return Err(header_error(
            HeaderProblem::WrongFile,
            format!(
                "expected a dosing schedule, found the columns {}: this looks like symscore's results (`score` or `trend` output); {expected}",
                RESULT_COLUMNS.map(|c| format!("`{c}`")).join(" and ")
            ),
        ));
    }
    let missing = |name: &str| {
        // A REDCap export has hundreds of columns: list a short header, count a long one.
        let found = if header.len() <= 12 {
            format!("{:?}", header.iter().collect::<Vec<_>>())
        } else {
            format!("{} other columns", header.len())
        };
        header_error(
            HeaderProblem::MissingColumn,
            format!("expected a `{name}` column, found {found}; {expected}"),
        )
    };
    let patient = find(layout.patient)?.ok_or_else(|| missing(layout.patient))?;
    let date = find(layout.date)?.ok_or_else(|| missing(layout.date))?;
    let label = match layout.label {
        Some(name) => find(name)?,
        None => None,
    };
    // Dosing events: the event column must be there, and the repeat column tells an event's
    // own row (which must carry the date) from its repeating forms' rows (which never do).
    let event_filter = match layout.events {
        Some(events) => {
            let name = layout.label.unwrap_or("redcap_event_name");
            let index = label.ok_or_else(|| missing(name))?;
            Some((index, events, find(REPEAT_INSTRUMENT_COLUMN)?))
        }
        None => None,
    };

    // Each patient's sessions, in order of first appearance, found by id; and the line of each
    // (patient, dosing date), to name both rows of a repeat. Keyed by the patient's position,
    // so that a row costs one lookup of its id and no copy of it. Hashed with foldhash, as the
    // repeated-visit index is: the standard SipHash made these two lookups a tenth of a trend
    // run on the 1M benchmark (one dosing row per 8 visits).
    let mut sessions: Vec<Vec<Dosing>> = Vec::new();
    let mut position: foldhash::HashMap<String, usize> = foldhash::HashMap::default();
    let mut first_line: foldhash::HashMap<(usize, Date), u64> = foldhash::HashMap::default();
    while reader.read(&mut row).map_err(|err| io_error(source, err))? {
        check_unclosed_quote(&reader, source)?;
        let line = row.line();
        if row.len() != header.len() {
            return Err(unequal_fields(source, line, header.len(), row.len()));
        }
        let cell_error = |index: usize, kind: BatchErrorKind, message: String| {
            BatchError::new(
                kind,
                Location::at(source, line, Some(index as u64 + 1)),
                format!("column '{}': {message}", &header[index]),
            )
        };
        let cell = |index: usize| {
            let bytes = row.get(index).unwrap_or_default();
            std::str::from_utf8(bytes)
                .map_err(|err| cell_error(index, BatchErrorKind::NotUtf8, not_utf8(bytes, &err)))
        };
        let text = cell(date)?.trim();
        if let Some((event_index, events, repeat_index)) = event_filter {
            let event = cell(event_index)?.trim();
            if !events.iter().any(|name| name == event) {
                continue;
            }
            let own_row = match repeat_index {
                Some(index) => cell(index)?.trim().is_empty(),
                None => true,
            };
            if text.is_empty() && own_row {
                let record = cell(patient)?.trim();
                return Err(cell_error(
                    date,
                    BatchErrorKind::Cell,
                    format!(
                        "expected the date of the dosing session of record `{}` at event `{event}`, found an empty cell",
                        show_cell(record)
                    ),
                ));
            }
        }
        if text.is_empty() && layout.dates_on_some_rows {
            continue;
        }
        let text = if layout.date_has_time {
            text.split_once([' ', 'T']).map_or(text, |(day, _)| day)
        } else {
            text
        };
        let id = cell(patient)?.trim();
        if id.is_empty() {
            return Err(cell_error(
                patient,
                BatchErrorKind::Cell,
                "expected a patient id, found an empty cell".into(),
            ));
        }
        let parsed = date_format
            .parse(text)
            .map_err(|err| cell_error(date, BatchErrorKind::Date(err.kind()), err.to_string()))?;
        let label = match label {
            Some(index) => Some(cell(index)?.trim())
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
            None => None,
        };
        let patient_at = if let Some(&at) = position.get(id) {
            at
        } else {
            position.insert(id.to_owned(), sessions.len());
            sessions.push(Vec::new());
            sessions.len() - 1
        };
        if let Some(&earlier) = first_line.get(&(patient_at, parsed)) {
            return Err(BatchError::new(
                BatchErrorKind::Cell,
                Location::at(source, line, None),
                format!(
                    "patient `{id}` has a second dosing row for {parsed} (the first is line {earlier}); expected one row per dosing session: merge the two rows, keeping the right label"
                ),
            ));
        }
        first_line.insert((patient_at, parsed), line);
        sessions[patient_at].push(Dosing {
            date: parsed,
            label,
        });
    }
    // Only the sessions are kept: the dates' index goes before the schedule is built, and
    // each id moves from the patients' index into the schedule (one copy of it per patient),
    // in the file's order, which is usually the ids' and so quick for the map to sort.
    drop(first_line);
    let mut ids = vec![String::new(); sessions.len()];
    for (id, at) in position {
        ids[at] = id;
    }
    Ok(ids.into_iter().zip(sessions).collect())
}

/// The instrument whose item (or extra item) column `name` is: `phq9_1`, `phq9_difficulty`.
#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<DosingSchedule, BatchError> {
        read_dosing(
            text.as_bytes(),
            "d.csv",
            &DateFormat::Iso,
            &Registry::builtin(),
        )
    }

    #[test]
    fn a_visits_file_is_not_a_dosing_file() {
        let err = read("patient_id,date,phq9_1,phq9_2\nP1,2026-03-02,1,2\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("d.csv:1: expected a dosing schedule, found the `phq9` item column `phq9_1`: this looks like a visits file"), "{text}");
        assert!(text.contains("`patient_id` and `date`"), "{text}");
        assert!(read("patient_id,date,gad7_difficulty\n").is_err());
        // A column that only resembles an item is not one.
        assert!(read("patient_id,date,phq9_note\nP1,2026-03-02,x\n").is_ok());
        assert!(read("patient_id,date,phq9_10\nP1,2026-03-02,x\n").is_ok());
    }

    #[test]
    fn a_missing_column_says_what_a_dosing_file_holds() {
        let err = read("id,when\nP1,2026-03-02\n").unwrap_err().to_string();
        assert!(err.contains("expected a `patient_id` column"), "{err}");
        assert!(err.contains("one row per dosing session"), "{err}");
    }

    #[test]
    fn a_repeated_dosing_date_names_both_lines() {
        let err = read(
            "patient_id,date,label\nP1,2026-03-02,MDMA 1\nP2,2026-03-02,x\nP1,2026-03-02,MDMA 2\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "d.csv:4: patient `P1` has a second dosing row for 2026-03-02 (the first is line 2); expected one row per dosing session: merge the two rows, keeping the right label"
        );
    }

    /// Two `date` columns: which one holds the dosing dates is a guess, so the header is
    /// refused as `score` refuses it, rather than the first one silently read.
    #[test]
    fn a_duplicate_used_column_is_refused_as_in_a_visits_file() {
        let err =
            read("patient_id,date,label,date\nP1,2026-03-02,MDMA 1,2026-04-02\n").unwrap_err();
        assert_eq!(
            err.kind(),
            &BatchErrorKind::Header(HeaderProblem::AmbiguousColumn)
        );
        assert!(
            err.to_string()
                .starts_with("d.csv:1: expected one column named `date`, found 2 (columns 2, 4)"),
            "{err}"
        );
        // A duplicate column nobody reads is harmless, and names are trimmed.
        let schedule = read(" patient_id , date ,note,note\nP1,2026-03-02,a,b\n").unwrap();
        assert_eq!(schedule["P1"].len(), 1);
    }

    #[test]
    fn reads_several_sessions_per_patient() {
        let text = "patient_id,date,label\r\nP1,2026-03-02,psilocybin 25 mg\r\nP1,2026-04-01,\r\nP2,2026-03-05,x\r\n";
        let schedule = read(text).unwrap();
        assert_eq!(schedule["P1"].len(), 2);
        assert_eq!(schedule["P1"][0].label.as_deref(), Some("psilocybin 25 mg"));
        assert_eq!(schedule["P1"][1].label, None);
    }

    fn read_field(text: &str) -> Result<DosingSchedule, BatchError> {
        let field = DosingField {
            record_column: "record_id",
            field: "dosing_date",
            event_column: Some("redcap_event_name"),
            date_has_time: true,
            events: &[],
        };
        read_dosing_field(text.as_bytes(), "r.csv", &DateFormat::Iso, &field)
    }

    #[test]
    fn a_redcap_field_gives_each_record_its_sessions_labelled_by_event() {
        let text = "record_id,redcap_event_name,phq_1,dosing_date\n\
                    1,baseline_arm_1,2,\n\
                    1,dosing_1_arm_1,,2025-02-03 09:30\n\
                    1,dosing_2_arm_1,,2025-03-03\n\
                    2,dosing_1_arm_1,,2025-02-10\n\
                    2,week_1_arm_1,1,\n";
        let schedule = read_field(text).unwrap();
        assert_eq!(schedule.len(), 2);
        let first = &schedule["1"];
        assert_eq!(first.len(), 2);
        assert_eq!(first[0].date, jiff::civil::date(2025, 2, 3));
        assert_eq!(first[0].label.as_deref(), Some("dosing_1_arm_1"));
        assert_eq!(first[1].date, jiff::civil::date(2025, 3, 3));
        assert_eq!(schedule["2"][0].date, jiff::civil::date(2025, 2, 10));
    }

    #[test]
    fn dosing_events_are_dated_by_their_own_row_and_a_missing_date_stops() {
        let events = ["dosing_1_arm_1".to_owned(), "dosing_2_arm_1".to_owned()];
        let field = DosingField {
            record_column: "record_id",
            field: "visit_date",
            event_column: Some("redcap_event_name"),
            date_has_time: false,
            events: &events,
        };
        let read =
            |text: &str| read_dosing_field(text.as_bytes(), "r.csv", &DateFormat::Iso, &field);
        let text = "record_id,redcap_event_name,redcap_repeat_instrument,visit_date\n\
                    1,baseline_arm_1,,2025-01-27\n\
                    1,dosing_1_arm_1,,2025-02-03\n\
                    1,dosing_1_arm_1,phq9,\n\
                    1,week_1_arm_1,,2025-02-10\n\
                    1,dosing_2_arm_1,,2025-03-03\n";
        let schedule = read(text).unwrap();
        let dates: Vec<_> = schedule["1"]
            .iter()
            .map(|d| (d.date, d.label.clone()))
            .collect();
        assert_eq!(
            dates,
            [
                (
                    jiff::civil::date(2025, 2, 3),
                    Some("dosing_1_arm_1".to_owned())
                ),
                (
                    jiff::civil::date(2025, 3, 3),
                    Some("dosing_2_arm_1".to_owned())
                ),
            ]
        );
        let err = read(
            "record_id,redcap_event_name,redcap_repeat_instrument,visit_date\n2,dosing_1_arm_1,,\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "r.csv:2:4: column 'visit_date': expected the date of the dosing session of record `2` at event `dosing_1_arm_1`, found an empty cell"
        );
    }

    #[test]
    fn a_redcap_field_missing_or_unreadable_stops_with_its_place() {
        let err = read_field("record_id,visit_date\n1,2025-01-01\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("r.csv:1: expected a `dosing_date` column"),
            "{err}"
        );
        assert!(err.to_string().contains("field `dosing_date`"), "{err}");
        let err = read_field("record_id,dosing_date\n1,03/02/2025\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("r.csv:2:2: column 'dosing_date': "),
            "{err}"
        );
        let err =
            read_field("record_id,dosing_date\n1,2025-02-03\n1,2025-02-03 10:00\n").unwrap_err();
        assert!(
            err.to_string().contains("second dosing row for 2025-02-03"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_date_stops_with_its_position() {
        let err = read("patient_id,date\nP1,2026-02-30\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("d.csv:2:2: column 'date': expected a real calendar date"),
            "{err}"
        );
    }
}
