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

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use crate::Registry;
    use crate::batch::BatchOptions;
    use crate::redcap::{Dictionary, Mapping};

    const PHQ: &str =
        "0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day";

    /// A PHQ-9 form (guided, with REDCap's own `sum()` total) and a date-time field
    /// annotated as the date.
    fn dictionary() -> Dictionary {
        let mut text = String::from(
            "field_name,form_name,field_type,field_label,select_choices_or_calculations,text_validation_type_or_show_slider_number,field_annotation\n\
             record_id,intake,text,Record,,,\n\
             seen_at,intake,text,Seen,,datetime_ymd,@SYMSCORE=date\n",
        );
        for n in 1..=9 {
            let _ = writeln!(text, "phq_{n},phq9,radio,Q,\"{PHQ}\",,");
        }
        let sum = (1..=9)
            .map(|n| format!("[phq_{n}]"))
            .collect::<Vec<_>>()
            .join(",");
        let _ = writeln!(text, "phq_total,phq9,calc,Total,\"sum({sum})\",,");
        Dictionary::read(text.as_bytes(), "dict.csv").unwrap()
    }

    #[test]
    fn a_mapping_sets_the_options_that_read_its_export() {
        let dictionary = dictionary();
        let mapping = Mapping::resolve(&dictionary, &Registry::builtin(), None, &[]).unwrap();
        let mut options = BatchOptions::default();
        mapping.apply_to(&dictionary, &mut options);
        assert_eq!(options.patient_column, "record_id");
        assert_eq!(options.date_column.as_deref(), Some("seen_at"));
        let renames: Vec<(String, String)> = (1..=9)
            .map(|n| (format!("phq_{n}"), format!("phq9_{n}")))
            .collect();
        assert_eq!(options.renames, renames);
        let rows = options.redcap.unwrap();
        assert_eq!(
            rows.carried,
            [
                "redcap_event_name",
                "redcap_repeat_instrument",
                "redcap_repeat_instance"
            ]
        );
        assert_eq!(rows.event_column.as_deref(), Some("redcap_event_name"));
        assert_eq!(
            rows.status,
            [("phq9".to_owned(), "phq9_complete".to_owned())]
        );
        assert_eq!(rows.totals, [("phq9".to_owned(), "phq_total".to_owned())]);
        // A `datetime_ymd` field: its time is dropped.
        assert!(rows.date_has_time);
        // Each item column reads its field's labels back as codes.
        let choices: Vec<(String, String)> = [
            ("Not at all", "0"),
            ("Several days", "1"),
            ("More than half the days", "2"),
            ("Nearly every day", "3"),
        ]
        .map(|(label, code)| (label.to_owned(), code.to_owned()))
        .to_vec();
        assert_eq!(rows.labels.len(), 9);
        assert_eq!(rows.labels[8], ("phq9_9".to_owned(), choices));
    }

    #[test]
    fn a_date_column_already_named_is_kept() {
        let dictionary = dictionary();
        let mapping = Mapping::resolve(&dictionary, &Registry::builtin(), None, &[]).unwrap();
        let mut options = BatchOptions {
            date_column: Some("record_id".to_owned()),
            ..BatchOptions::default()
        };
        mapping.apply_to(&dictionary, &mut options);
        assert_eq!(options.date_column.as_deref(), Some("record_id"));
        // `record_id` is a text field without a date-time validation.
        assert!(!options.redcap.unwrap().date_has_time);
    }
}
