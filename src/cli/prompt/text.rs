//! What the prompts show: the answer scale, an answer, the keys reminder, the help, and
//! text wrapped to the screen.

use symscore::Answer;
use symscore::instrument::Scale;

use super::Question;

/// Typed text cut to 20 characters for a message, with `…` when cut.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 20;
    if text.chars().count() > MAX {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// The scale with its anchors: `0 Not at all · 1 Several days · …`.
pub(crate) fn scale_line(scale: &Scale) -> String {
    let span = usize::from(scale.max - scale.min) + 1;
    let entry = |value: u8| match scale.label(value) {
        Some(label) => format!("{value} {label}"),
        None => value.to_string(),
    };
    if span <= 11 {
        (scale.min..=scale.max)
            .map(entry)
            .collect::<Vec<_>>()
            .join(" · ")
    } else {
        format!("{} … {}", entry(scale.min), entry(scale.max))
    }
}

/// An answer for people: `2  More than half the days`, or `—  blank`.
pub(crate) fn answer_text(answer: Answer, scale: &Scale) -> String {
    match answer {
        Answer::Value(value) => match scale.label(value) {
            Some(label) => format!("{value}  {label}"),
            None => value.to_string(),
        },
        Answer::Missing => "—  blank".to_owned(),
        Answer::Invalid => "?  unusable".to_owned(),
    }
}

/// The reminder on the prompt line: `0-3, Enter skips, b back, ? help, q quit`, or with an
/// earlier answer, `0-3, Enter keeps 2, s blanks, b back, …`.
pub(crate) fn keys_hint(question: &Question<'_>) -> String {
    let scale = question.scale;
    let enter = match question.current {
        Some(Answer::Value(value)) => format!("Enter keeps {value}, s blanks"),
        Some(Answer::Missing | Answer::Invalid) => "Enter keeps it blank".to_owned(),
        None => "Enter skips".to_owned(),
    };
    format!(
        "{}-{}, {enter}, b back, ? help, q quit",
        scale.min, scale.max
    )
}

/// The text `?` shows.
pub(crate) fn help_text(question: &Question<'_>) -> String {
    let scale = question.scale;
    let mut lines = vec![format!("  {}: {}", question.heading, question.label)];
    if let Some(text) = question.text {
        lines.push(format!("  \"{text}\""));
    }
    lines.push(format!(
        "  Type the answer as a number from {} to {}:",
        scale.min, scale.max
    ));
    for value in scale.min..=scale.max {
        match scale.label(value) {
            Some(label) => lines.push(format!("    {value}  {label}")),
            None => lines.push(format!("    {value}")),
        }
    }
    let blank = if question.scored {
        "leave this item blank (missing; the total may be prorated)"
    } else {
        "leave this item blank (it is not scored)"
    };
    match question.current {
        Some(Answer::Value(value)) => lines.extend([
            format!("  Enter or k  keep the answer given before, {value}"),
            format!("  s           {blank}"),
        ]),
        Some(Answer::Missing | Answer::Invalid) => {
            lines.push("  Enter or k  keep it blank, as before".to_owned());
        }
        None => lines.push(format!("  Enter or s  {blank}")),
    }
    lines.extend([
        "  b           go back one item".to_owned(),
        "  q           abandon this visit; nothing is saved".to_owned(),
        "  ?           show this help".to_owned(),
    ]);
    lines.join("\n")
}

/// Wraps `text` at `width` columns, breaking at spaces.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use symscore::Registry;

    #[test]
    fn scale_lines_show_every_anchor() {
        assert_eq!(
            scale_line(&Registry::builtin().get("phq9").unwrap().scale),
            "0 Not at all · 1 Several days · 2 More than half the days · 3 Nearly every day"
        );
        let wide = Scale {
            min: 0,
            max: 20,
            anchors: Vec::new(),
        };
        assert_eq!(scale_line(&wide), "0 … 20");
    }

    #[test]
    fn wrapping_breaks_at_spaces() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("", 9), Vec::<String>::new());
    }
}
