//! `enter`'s scope for repeated visits: the visit being entered against every row of the
//! existing file, wherever its patient's rows are.

use super::csv_bytes::ParsedFile;
use super::{DATE_COLUMN, PATIENT_COLUMN, Visit};
use crate::batch::DateFormat;
use crate::batch::line_after;
use crate::columns::Columns;
use crate::repeated_visit::{RepeatFinder, RepeatedVisit};

/// The rows of `parsed` (the bytes `existing`) that `visit`, saved as the next row, would
/// repeat: same patient and date (compared as `score` reads them: trimmed, the date as a
/// calendar date) and one of the visit's instruments with an answered item. Every such row
/// is named, not only the first or the latest, since each is one a person may need to open:
/// the visit's administrations are recorded in the finder and each row is looked up without
/// being recorded, so one pass over the file finds them all.
pub(super) fn find_repeats<'i>(
    parsed: &ParsedFile<'_>,
    existing: &[u8],
    visit: &Visit<'i>,
) -> Vec<RepeatedVisit<'i>> {
    // `layout` has already refused a header where these names are not unique.
    let columns = Columns::new(&parsed.header);
    let column = |name: &str| columns.find(name).ok().flatten();
    let (Some(patient), Some(date)) = (column(PATIENT_COLUMN), column(DATE_COLUMN)) else {
        return Vec::new();
    };
    // The line the visit's row would start on (a row is added after a last line ending).
    let new_line =
        line_after(existing) + u64::from(!matches!(existing.last(), Some(b'\n' | b'\r')));
    let mut finder = RepeatFinder::new();
    for form in &visit.forms {
        finder.see(
            (
                visit.patient_id.trim(),
                visit.date,
                form.instrument.id.as_str(),
            ),
            new_line,
        );
    }
    let cell = |fields: &csv::ByteRecord, index: usize| {
        std::str::from_utf8(fields.get(index).unwrap_or_default())
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let mut repeats = Vec::new();
    let mut lines = parsed.row_lines();
    for record in parsed.rows.iter().skip(1) {
        let row_patient = cell(&record.fields, patient);
        let Ok(row_date) = DateFormat::Iso.parse(&cell(&record.fields, date)) else {
            continue;
        };
        for form in &visit.forms {
            let instrument = form.instrument;
            let key = (row_patient.as_str(), row_date, instrument.id.as_str());
            let Some(line) = finder.earlier(&key) else {
                continue;
            };
            let answered = (1..=instrument.item_count()).any(|number| {
                column(&instrument.item_column(number))
                    .is_some_and(|index| !cell(&record.fields, index).is_empty())
            });
            if answered {
                repeats.push(RepeatedVisit {
                    instrument: &instrument.id,
                    date: Some(visit.date),
                    line,
                    earlier_line: lines.line(record),
                });
            }
        }
    }
    repeats
}

#[cfg(test)]
mod tests {
    use crate::visits::check_contents;
    use crate::visits::tests::{phq9_visit, registry};

    #[test]
    fn every_row_the_new_visit_repeats_is_named() {
        let registry = registry();
        let header = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,phq9_difficulty";
        let existing = [
            header,
            " P1 ,2026-05-04,1,,,,,,,,,", // 2: same patient (trimmed) and day
            "P2,2026-05-04,1,,,,,,,,,",   // 3: another patient
            "P1,2026-05-05,1,,,,,,,,,",   // 4: another day
            "P1,2026-05-04,,,,,,,,,,",    // 5: PHQ-9 not given
            "P1,2026-05-04,0,0,0,0,0,0,0,0,0,", // 6: a second one already
            "",
        ]
        .join("\n");
        let check = check_contents(
            "v.csv",
            Some(existing.as_bytes()),
            &phq9_visit(&registry, "P1"),
        )
        .unwrap();
        // The new row would be line 7; it repeats lines 2 and 6.
        let found: Vec<(u64, u64)> = check
            .repeats
            .iter()
            .map(|r| (r.line, r.earlier_line))
            .collect();
        assert_eq!(found, [(7, 2), (7, 6)]);
    }
}
