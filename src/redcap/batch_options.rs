//! A resolved mapping as the options that read a REDCap records export as visits.

use super::{Dictionary, Mapping};
use crate::batch::{BatchOptions, RedcapRows};

/// The column of a longitudinal export naming each row's event.
const EVENT_COLUMN: &str = "redcap_event_name";

impl Mapping {
    /// Sets `options` to read the records export this mapping was resolved for: the record
    /// id as the patient, each mapped field renamed to its item column, the date field
    /// (unless `options` already names one), and what a REDCap row adds (answer labels, form
    /// statuses, REDCap's own totals, the columns carried to the output; see [`RedcapRows`]).
    pub fn apply_to(&self, dictionary: &Dictionary, options: &mut BatchOptions) {
        let renames = self.renames();
        if options.date_column.is_none() {
            options.date_column.clone_from(&self.date_field);
        }
        // REDCap writes a datetime field as `2025-02-03 09:30` in every export.
        let date_has_time = options
            .date_column
            .as_deref()
            .and_then(|name| dictionary.field(name))
            .and_then(|field| field.validation.as_deref())
            .is_some_and(|validation| validation.starts_with("datetime"));
        let labels = renames
            .iter()
            .filter_map(|(field, column)| {
                let field = dictionary.field(field)?;
                let choices: Vec<(String, String)> = field
                    .choices
                    .iter()
                    .map(|choice| {
                        (
                            choice.label.trim().to_owned(),
                            choice.code.trim().to_owned(),
                        )
                    })
                    .collect();
                (!choices.is_empty()).then(|| (column.clone(), choices))
            })
            .collect();
        options.redcap = Some(RedcapRows {
            carried: RedcapRows::CARRIED.map(str::to_owned).to_vec(),
            event_column: Some(EVENT_COLUMN.to_owned()),
            labels,
            status: self
                .forms
                .iter()
                .map(|form| (form.instrument.clone(), form.status_field.clone()))
                .collect(),
            totals: self
                .forms
                .iter()
                .filter_map(|form| Some((form.instrument.clone(), form.total.clone()?)))
                .collect(),
            date_has_time,
        });
        options.patient_column.clone_from(&self.record_id);
        options.renames = renames;
    }
}
