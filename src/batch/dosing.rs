//! Reading a dosing schedule: `patient_id,date[,label]`, several sessions per patient allowed.

use std::collections::BTreeMap;
use std::io;

use super::line_endings::{LineEndings, SkipBom};
use super::records::{Record, RecordReader};
use super::{DateFormat, check_unclosed_quote, io_error, not_utf8, unequal_fields};
use crate::error::{BatchError, Location};
use crate::trend::Dosing;

/// Dosing sessions by patient id, in file order within each patient.
pub type DosingSchedule = BTreeMap<String, Vec<Dosing>>;

/// Reads a dosing CSV. Any unreadable row stops the run: every window depends on these
/// dates, so a guessed or skipped dosing would shift every result after it.
pub fn read_dosing<R: io::Read>(
    input: R,
    source: &str,
    date_format: &DateFormat,
) -> Result<DosingSchedule, BatchError> {
    let mut reader = RecordReader::new(LineEndings::new(SkipBom::new(input), b','), b',');
    let mut record = Record::default();
    reader
        .read(&mut record)
        .map_err(|err| io_error(source, err))?;
    check_unclosed_quote(&reader, source)?;
    let header_line = record.line().max(1);
    let mut header = Vec::with_capacity(record.len());
    for (index, field) in record.iter().enumerate() {
        let text = std::str::from_utf8(field).map_err(|err| BatchError::Header {
            location: Location::at(source, header_line, Some(index as u64 + 1)),
            message: not_utf8(field, &err),
        })?;
        header.push(text.to_owned());
    }
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
    };
    let header_error = |message: String| BatchError::Header {
        location: Location::at(source, header_line, None),
        message,
    };
    let patient = find("patient_id").ok_or_else(|| {
        header_error(format!(
            "expected a `patient_id` column, found {:?}",
            header.iter().collect::<Vec<_>>()
        ))
    })?;
    let date = find("date").ok_or_else(|| {
        header_error(format!(
            "expected a `date` column, found {:?}",
            header.iter().collect::<Vec<_>>()
        ))
    })?;
    let label = find("label");

    let mut schedule = DosingSchedule::new();
    while reader
        .read(&mut record)
        .map_err(|err| io_error(source, err))?
    {
        check_unclosed_quote(&reader, source)?;
        let line = record.line();
        if record.len() != header.len() {
            return Err(unequal_fields(source, line, header.len(), record.len()));
        }
        let cell_error = |index: usize, message: String| BatchError::Csv {
            location: Location::at(source, line, Some(index as u64 + 1)),
            message: format!("column '{}': {message}", &header[index]),
        };
        let cell = |index: usize| {
            let bytes = record.get(index).unwrap_or_default();
            std::str::from_utf8(bytes).map_err(|err| cell_error(index, not_utf8(bytes, &err)))
        };
        let id = cell(patient)?.trim();
        if id.is_empty() {
            return Err(cell_error(
                patient,
                "expected a patient id, found an empty cell".into(),
            ));
        }
        let text = cell(date)?.trim();
        let parsed = date_format
            .parse(text)
            .map_err(|message| cell_error(date, message))?;
        let label = match label {
            Some(index) => Some(cell(index)?.trim())
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
            None => None,
        };
        schedule.entry(id.to_owned()).or_default().push(Dosing {
            date: parsed,
            label,
        });
    }
    Ok(schedule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_several_sessions_per_patient() {
        let text = "patient_id,date,label\r\nP1,2026-03-02,psilocybin 25 mg\r\nP1,2026-04-01,\r\nP2,2026-03-05,x\r\n";
        let schedule = read_dosing(text.as_bytes(), "d.csv", &DateFormat::Iso).unwrap();
        assert_eq!(schedule["P1"].len(), 2);
        assert_eq!(schedule["P1"][0].label.as_deref(), Some("psilocybin 25 mg"));
        assert_eq!(schedule["P1"][1].label, None);
    }

    #[test]
    fn a_bad_date_stops_with_its_position() {
        let err = read_dosing(
            "patient_id,date\nP1,2026-02-30\n".as_bytes(),
            "d.csv",
            &DateFormat::Iso,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("d.csv:2:2: column 'date': expected a real calendar date"),
            "{err}"
        );
    }
}
