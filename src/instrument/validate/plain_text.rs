//! Definition text is plain text: names, versions, labels, notes and licences are printed on
//! terminals (`instruments show`, `enter`'s questions) and written into output cells, so a
//! character that drives a terminal or that the eye cannot see is refused where it is
//! written, not escaped at each of those places.

use std::fmt::Write as _;

use serde_json::Value;

use crate::error::DefinitionProblem;
use crate::instrument::locate::locate;
use crate::shown_text::{is_hidden, show_cell};

/// Every string value of the definition `text` (already accepted by the parser) that holds a
/// control, bidirectional or invisible character ([`is_hidden`]), with its JSON path. Every
/// string is checked, whichever field it is in, so a field added to the format later is
/// covered too. The values are shown escaped in the messages.
pub(crate) fn check_plain_text(text: &str) -> Vec<DefinitionProblem> {
    let mut problems = Vec::new();
    // The text parsed as a definition, so it parses as a value; if it somehow did not,
    // validation reports what is wrong with it.
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        walk(&value, &mut String::new(), &mut problems);
    }
    // The parsed object keeps its keys sorted; report in file order, as validation does.
    for problem in &mut problems {
        problem.position = locate(text, &problem.json_path);
    }
    problems.sort_by_key(|p| p.position);
    problems
}

fn walk(value: &Value, path: &mut String, problems: &mut Vec<DefinitionProblem>) {
    let len = path.len();
    match value {
        Value::String(text) => {
            if let Some(hidden) = text.chars().find(|&c| is_hidden(c)) {
                problems.push(DefinitionProblem {
                    json_path: path.clone(),
                    position: None,
                    message: format!(
                        "expected plain text without control, bidirectional or invisible characters, found `{}` (U+{:04X})",
                        show_cell(text),
                        u32::from(hidden)
                    ),
                });
            }
        }
        Value::Array(values) => {
            for (i, value) in values.iter().enumerate() {
                let _ = write!(path, "[{i}]");
                walk(value, path, problems);
                path.truncate(len);
            }
        }
        Value::Object(members) => {
            for (key, value) in members {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(value, path, problems);
                path.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::check_plain_text;

    #[test]
    fn every_string_with_a_hidden_character_is_named_by_its_path() {
        let text = r#"{"name": "ok", "version": "1\u001b[8m", "items": [{"label": "a"}, {"label": "b\u202e"}], "notes": ["x\ny"]}"#;
        let problems = check_plain_text(text);
        let paths: Vec<&str> = problems.iter().map(|p| p.json_path.as_str()).collect();
        assert_eq!(paths, ["version", "items[1].label", "notes[0]"]);
        assert_eq!(problems[0].position, Some((1, 27)));
        assert!(problems[0].message.contains("found `1\\u{1b}[8m` (U+001B)"));
    }

    #[test]
    fn plain_text_passes() {
        let text = r#"{"name": "Zoë's “scale” — 日本語", "licence": "CC BY 4.0"}"#;
        assert!(check_plain_text(text).is_empty());
    }
}
