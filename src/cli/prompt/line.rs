//! The line prompter: one answer per line from any reader, prompts to any writer.
//!
//! Used whenever standard input or standard error is not a terminal, which makes `enter`
//! scriptable (`printf '1\n2\n…' | symscore enter phq9`) and testable without a terminal.
//! End of input before the visit is complete is [`Stop::EndOfInput`]: the visit is abandoned.

use std::io::{BufRead, Write};

use super::{
    Decision, Parsed, Prompter, Question, Reply, Review, Stop, answer_text, help_text, keys_hint,
    reply_to, scale_line,
};

pub(crate) struct LinePrompter<R, W> {
    input: R,
    out: W,
    /// Whether to write each line read after its prompt, so that a log of a piped session
    /// reads like the session; a person typing sees their own echo instead.
    echo: bool,
    /// Lines read so far, for messages.
    line: u64,
}

impl<R: BufRead, W: Write> LinePrompter<R, W> {
    pub(crate) fn new(input: R, out: W, echo: bool) -> Self {
        LinePrompter {
            input,
            out,
            echo,
            line: 0,
        }
    }

    /// The next line without its line ending; `None` at the end of input. Bytes that are
    /// not UTF-8 are kept (replaced) so that they are refused like any other typo.
    fn read(&mut self) -> Result<Option<String>, Stop> {
        let mut bytes = Vec::new();
        if self.input.read_until(b'\n', &mut bytes)? == 0 {
            if self.echo {
                writeln!(self.out)?;
            }
            return Ok(None);
        }
        self.line += 1;
        while matches!(bytes.last(), Some(b'\n' | b'\r')) {
            bytes.pop();
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if self.echo {
            writeln!(self.out, "{}", crate::cli::render::terminal_safe(&text))?;
        }
        Ok(Some(text))
    }
}

impl<R: BufRead, W: Write> Prompter for LinePrompter<R, W> {
    fn ask(&mut self, question: &Question<'_>) -> Result<Reply, Stop> {
        writeln!(self.out)?;
        writeln!(self.out, "{}: {}", question.heading, question.label)?;
        writeln!(self.out, "  {}", scale_line(question.scale))?;
        if let Some(current) = question.current {
            writeln!(
                self.out,
                "  answered before: {}",
                answer_text(current, question.scale)
            )?;
        }
        loop {
            write!(self.out, "{} [{}]: ", question.short, keys_hint(question))?;
            self.out.flush()?;
            let text = self.read()?.ok_or(Stop::EndOfInput)?;
            match reply_to(&text, question) {
                Ok(Parsed::Reply(reply)) => return Ok(reply),
                Ok(Parsed::Help) => writeln!(self.out, "{}", help_text(question))?,
                Err(problem) => writeln!(
                    self.out,
                    "  ✗ <stdin>:{}: {problem}; asking again",
                    self.line
                )?,
            }
        }
    }

    fn say(&mut self, text: &str) -> Result<(), Stop> {
        writeln!(self.out, "{text}")?;
        Ok(())
    }

    fn alert(&mut self, lines: &[String]) -> Result<(), Stop> {
        writeln!(self.out)?;
        for line in lines {
            writeln!(self.out, "!! {line}")?;
        }
        Ok(())
    }

    fn review(&mut self, review: &Review) -> Result<Decision, Stop> {
        writeln!(self.out)?;
        writeln!(self.out, "{}", review.text)?;
        if !review.can_save {
            return Ok(Decision::Abandon);
        }
        write!(
            self.out,
            "\n{}? Type y to confirm; anything else abandons the visit: ",
            review.action
        )?;
        self.out.flush()?;
        let answer = self.read()?.ok_or(Stop::EndOfInput)?;
        Ok(match answer.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Decision::Save,
            _ => Decision::Abandon,
        })
    }

    /// Piped input has no one to ask: `q` abandons at once.
    fn confirm_abandon(&mut self) -> Result<bool, Stop> {
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use symscore::Registry;

    fn ask_all(input: &str) -> (Vec<Result<Reply, String>>, String) {
        let registry = Registry::builtin();
        let phq9 = registry.get("phq9").unwrap();
        let question = Question {
            heading: "PHQ-9 item 1 of 9".into(),
            short: "phq9 1".into(),
            label: &phq9.items[0].label,
            text: None,
            scale: &phq9.scale,
            current: None,
            scored: true,
        };
        let mut out = Vec::new();
        let mut prompter = LinePrompter::new(input.as_bytes(), &mut out, true);
        let mut replies = Vec::new();
        loop {
            match prompter.ask(&question) {
                Ok(reply) => replies.push(Ok(reply)),
                Err(Stop::EndOfInput) => {
                    replies.push(Err("end".to_owned()));
                    break;
                }
                Err(other) => panic!("{other:?}"),
            }
        }
        (replies, String::from_utf8(out).unwrap())
    }

    #[test]
    fn refuses_typos_and_asks_again() {
        let (replies, out) = ask_all("7\n2\r\n\ns\nb\n?\nq\n");
        assert_eq!(
            replies,
            [
                Ok(Reply::Value(2)),
                Ok(Reply::Skip),
                Ok(Reply::Skip),
                Ok(Reply::Back),
                Ok(Reply::Quit),
                Err("end".to_owned())
            ]
        );
        assert!(
            out.contains("✗ <stdin>:1: expected an answer from 0 to 3"),
            "{out}"
        );
        assert!(out.contains("0 Not at all · 1 Several days"), "{out}");
        assert!(
            out.contains("Type the answer as a number from 0 to 3"),
            "{out}"
        );
        // Each line read is echoed after its prompt.
        assert!(out.contains("phq9 1 [0-3, Enter skips, b back, ? help, q quit]: 7\n"));
    }

    #[test]
    fn review_needs_y_and_end_of_input_is_not_consent() {
        let review = Review {
            text: "review".into(),
            answers: Vec::new(),
            action: "Save".into(),
            can_save: true,
        };
        for (input, expected) in [
            ("y\n", Some(Decision::Save)),
            ("YES\n", Some(Decision::Save)),
            ("n\n", Some(Decision::Abandon)),
            ("\n", Some(Decision::Abandon)),
            ("yy\n", Some(Decision::Abandon)),
            ("", None),
        ] {
            let mut out = Vec::new();
            let mut prompter = LinePrompter::new(input.as_bytes(), &mut out, false);
            match prompter.review(&review) {
                Ok(decision) => assert_eq!(Some(decision), expected, "{input:?}"),
                Err(Stop::EndOfInput) => assert_eq!(None, expected, "{input:?}"),
                Err(other) => panic!("{other:?}"),
            }
        }
    }
}
