//! One field of a REDCap data dictionary: its type, its choices and its validation.

/// One row of a data dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The variable name (`phq_1`), the column of the records export.
    pub name: String,
    /// The form (instrument, in REDCap's words) the field is on (`phq9`).
    pub form: String,
    /// What kind of field it is.
    pub field_type: FieldType,
    /// The question as shown to the respondent.
    pub label: String,
    /// The coded answers of a radio, dropdown, checkbox, yes/no or true/false field, in the
    /// dictionary's order; empty for every other type.
    pub choices: Vec<Choice>,
    /// The formula of a calculated field (`sum([phq_1],[phq_2])`).
    pub calculation: Option<String>,
    /// The text validation (`integer`, `date_ymd`), when there is one.
    pub validation: Option<String>,
    /// The validation's minimum, as written.
    pub min: Option<String>,
    /// The validation's maximum, as written.
    pub max: Option<String>,
    /// The field annotation, where action tags (`@HIDDEN @SYMSCORE=phq9_3`) live.
    pub annotation: String,
    /// The line of the dictionary the field's row starts on.
    pub line: u64,
}

/// REDCap's field types, as the "Field Type" column spells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// `text`: a text box, optionally validated (integer, number, date…).
    Text,
    /// `notes`: a paragraph text box.
    Notes,
    /// `radio`: one of several coded choices.
    Radio,
    /// `dropdown`: one of several coded choices in a list.
    Dropdown,
    /// `checkbox`: any of several choices; each becomes its own `field___code` column.
    Checkbox,
    /// `yesno`: 1 Yes, 0 No.
    YesNo,
    /// `truefalse`: 1 True, 0 False.
    TrueFalse,
    /// `calc`: a value REDCap calculates from other fields.
    Calc,
    /// `slider`: a visual analogue scale (0 to 100 by default).
    Slider,
    /// `descriptive`: text shown on the form, holding no data.
    Descriptive,
    /// `file`: an uploaded file or a signature.
    File,
    /// `sql`: a dropdown filled by a database query.
    Sql,
    /// Any other type, as written (lower case).
    Other(String),
}

impl FieldType {
    /// The type as the dictionary spells it (trimmed, any letter case).
    pub fn parse(text: &str) -> FieldType {
        let text = text.trim().to_ascii_lowercase();
        match text.as_str() {
            "text" => FieldType::Text,
            "notes" => FieldType::Notes,
            "radio" => FieldType::Radio,
            "dropdown" => FieldType::Dropdown,
            "checkbox" => FieldType::Checkbox,
            "yesno" => FieldType::YesNo,
            "truefalse" => FieldType::TrueFalse,
            "calc" => FieldType::Calc,
            "slider" => FieldType::Slider,
            "descriptive" => FieldType::Descriptive,
            "file" => FieldType::File,
            "sql" => FieldType::Sql,
            _ => FieldType::Other(text),
        }
    }

    /// The type as REDCap spells it, for messages.
    pub fn as_str(&self) -> &str {
        match self {
            FieldType::Text => "text",
            FieldType::Notes => "notes",
            FieldType::Radio => "radio",
            FieldType::Dropdown => "dropdown",
            FieldType::Checkbox => "checkbox",
            FieldType::YesNo => "yesno",
            FieldType::TrueFalse => "truefalse",
            FieldType::Calc => "calc",
            FieldType::Slider => "slider",
            FieldType::Descriptive => "descriptive",
            FieldType::File => "file",
            FieldType::Sql => "sql",
            FieldType::Other(text) => text,
        }
    }

    /// Whether the choices cell of a field of this type lists coded choices.
    pub(crate) fn has_coded_choices(&self) -> bool {
        matches!(
            self,
            FieldType::Radio | FieldType::Dropdown | FieldType::Checkbox
        )
    }
}

/// One coded answer of a field: `0, Not at all`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The code stored in a raw export (`0`).
    pub code: String,
    /// The label shown to the respondent and stored in a label export (`Not at all`).
    pub label: String,
}

impl Field {
    /// The code of the choice whose label is `text`, both trimmed and compared exactly: a
    /// label export holds `Several days` where a raw export holds `1`.
    pub fn code_for_label(&self, text: &str) -> Option<&str> {
        let text = text.trim();
        self.choices
            .iter()
            .find(|choice| choice.label.trim() == text)
            .map(|choice| choice.code.as_str())
    }

    /// The choice codes, for messages: `0, 1, 2, 3`.
    pub(crate) fn codes(&self) -> String {
        self.choices
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the text validation is `integer`.
    pub(crate) fn is_integer_text(&self) -> bool {
        self.field_type == FieldType::Text
            && self
                .validation
                .as_deref()
                .is_some_and(|v| v.eq_ignore_ascii_case("integer"))
    }

    /// Whether the text validation is a date or a date-time (`date_ymd`, `datetime_dmy`,
    /// `datetime_seconds_mdy`).
    pub(crate) fn is_date_text(&self) -> bool {
        self.field_type == FieldType::Text
            && self.validation.as_deref().is_some_and(|v| {
                let v = v.to_ascii_lowercase();
                v.starts_with("date_") || v.starts_with("datetime_")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::FieldType;

    #[test]
    fn every_redcap_field_type_is_read_in_any_case_and_spelled_back() {
        let types = [
            ("text", FieldType::Text),
            ("notes", FieldType::Notes),
            ("radio", FieldType::Radio),
            ("dropdown", FieldType::Dropdown),
            ("checkbox", FieldType::Checkbox),
            ("yesno", FieldType::YesNo),
            ("truefalse", FieldType::TrueFalse),
            ("calc", FieldType::Calc),
            ("slider", FieldType::Slider),
            ("descriptive", FieldType::Descriptive),
            ("file", FieldType::File),
            ("sql", FieldType::Sql),
        ];
        for (spelling, field_type) in types {
            let written = format!(" {} ", spelling.to_ascii_uppercase());
            assert_eq!(FieldType::parse(&written), field_type, "{written}");
            assert_eq!(field_type.as_str(), spelling);
        }
        let other = FieldType::parse(" Signature ");
        assert_eq!(other, FieldType::Other("signature".to_owned()));
        assert_eq!(other.as_str(), "signature");
    }
}
