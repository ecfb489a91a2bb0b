//! The line prompter: one answer per line from any reader, prompts to any writer.
//!
//! Used whenever standard input or standard error is not a terminal, which makes `enter`
//! scriptable (`printf '1\n2\n…' | symscore enter phq9`) and testable without a terminal.
//! End of input before the visit is complete is [`Stop::EndOfInput`]: the visit is abandoned.
//! A line longer than [`ANSWER_LINE_MAX`] bytes is [`Stop::LineTooLong`]: reading stops
//! there, so endless input (`/dev/zero`) never fills memory.

use std::io::{self, BufRead, BufReader, Read, Write};

use super::interrupt::Interrupt;
use super::{
    ANSWER_LINE_MAX, Decision, Parsed, Prompter, Question, Reply, Review, Stop, answer_text,
    help_text, is_yes, keys_hint, reply_to, scale_line,
};
use symscore::score::SAFETY_MARK;

pub(crate) struct LinePrompter<R, W> {
    input: BufReader<R>,
    out: W,
    /// Whether to write each line read after its prompt, so that a log of a piped session
    /// reads like the session; a person typing sees their own echo instead.
    echo: bool,
    /// Lines read so far, for messages.
    line: u64,
    /// For standard input: Ctrl-C, and the descriptor to wait on before a read that would
    /// block, so that Ctrl-C ends the wait (see [`Interrupt`]).
    watch: Option<Watch>,
}

/// SIGINT and the descriptor that the line prompter reads.
pub(crate) struct Watch {
    pub(crate) interrupt: Interrupt,
    #[cfg(unix)]
    pub(crate) fd: std::os::fd::OwnedFd,
}

impl<R: Read, W: Write> LinePrompter<R, W> {
    pub(crate) fn new(input: R, out: W, echo: bool) -> Self {
        LinePrompter {
            input: BufReader::new(input),
            out,
            echo,
            line: 0,
            watch: None,
        }
    }

    /// Reading standard input: Ctrl-C stops a wait for the next line.
    pub(crate) fn watching(mut self, watch: Watch) -> Self {
        self.watch = Some(watch);
        self
    }

    /// The next line without its line ending; `None` at the end of input. Bytes that are
    /// not UTF-8 are kept (replaced) so that they are refused like any other typo. A line
    /// longer than [`ANSWER_LINE_MAX`] bytes stops the entry: no more than that is ever held.
    fn read(&mut self) -> Result<Option<String>, Stop> {
        let read = match self.read_bounded() {
            // After the prompt: the message that follows starts on a line of its own.
            Err(stop @ (Stop::Interrupted | Stop::LineTooLong { .. })) => {
                writeln!(self.out)?;
                return Err(stop);
            }
            read => read?,
        };
        let Some(mut bytes) = read else {
            if self.echo {
                writeln!(self.out)?;
            }
            return Ok(None);
        };
        self.line += 1;
        while matches!(bytes.last(), Some(b'\n' | b'\r')) {
            bytes.pop();
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if self.echo {
            writeln!(self.out, "{}", crate::cli::render::terminal_safe(&text))?;
        }
        if let Some(watch) = &self.watch {
            watch.interrupt.check()?;
        }
        Ok(Some(text))
    }

    /// One line with its line ending, at most [`ANSWER_LINE_MAX`] bytes; `None` at the end
    /// of input.
    fn read_bounded(&mut self) -> Result<Option<Vec<u8>>, Stop> {
        let mut bytes = Vec::new();
        loop {
            self.wait_for_input()?;
            // `take` caps what one fill can hand over: never more than the room left.
            let room = ANSWER_LINE_MAX - bytes.len();
            let mut limited = (&mut self.input).take(room as u64);
            let chunk = match limited.fill_buf() {
                Ok(chunk) => chunk,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(Stop::Io(err)),
            };
            if chunk.is_empty() {
                if bytes.len() == ANSWER_LINE_MAX {
                    return Err(Stop::LineTooLong {
                        line: self.line + 1,
                    });
                }
                return Ok((!bytes.is_empty()).then_some(bytes));
            }
            let (used, ended) = match memchr::memchr(b'\n', chunk) {
                Some(at) => (at + 1, true),
                None => (chunk.len(), false),
            };
            bytes.extend_from_slice(&chunk[..used]);
            limited.consume(used);
            if ended {
                return Ok(Some(bytes));
            }
        }
    }

    /// Before a read that would block (nothing buffered), waits for input or Ctrl-C.
    fn wait_for_input(&self) -> Result<(), Stop> {
        let Some(watch) = &self.watch else {
            return Ok(());
        };
        watch.interrupt.check()?;
        #[cfg(unix)]
        if self.input.buffer().is_empty() {
            watch.interrupt.wait_for_input(&watch.fd)?;
        }
        Ok(())
    }
}

impl<R: Read, W: Write> Prompter for LinePrompter<R, W> {
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
            writeln!(self.out, "{SAFETY_MARK} {line}")?;
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
        Ok(if is_yes(&answer) {
            Decision::Save
        } else {
            Decision::Abandon
        })
    }

    /// Piped input has no one to ask: `q` abandons at once.
    fn confirm_abandon(&mut self) -> Result<bool, Stop> {
        Ok(true)
    }

    /// As at the terminal: the next line must be `y` to confirm; anything else keeps.
    fn ask_to_change(&mut self, question: &str, keep: &str) -> Result<bool, Stop> {
        write!(
            self.out,
            "{question} Type y to confirm; anything else keeps {keep}: "
        )?;
        self.out.flush()?;
        let answer = self.read()?.ok_or(Stop::EndOfInput)?;
        Ok(is_yes(&answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use symscore::Registry;

    /// PHQ-9's first item, asked for the first time.
    fn first_item(phq9: &symscore::instrument::Instrument) -> Question<'_> {
        Question {
            heading: "PHQ-9 item 1 of 9".into(),
            short: "phq9 1".into(),
            label: &phq9.items[0].label,
            text: None,
            scale: &phq9.scale,
            current: None,
            scored: true,
        }
    }

    fn ask_all(input: &str) -> (Vec<Result<Reply, String>>, String) {
        let registry = Registry::builtin();
        let phq9 = registry.get("phq9").unwrap();
        let question = first_item(phq9);
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

    /// Issue 11, point 14: no more than one bounded line is ever held.
    #[test]
    fn a_line_longer_than_the_bound_stops_the_entry_where_it_is() {
        let question_input = |input: Vec<u8>| {
            let mut out = Vec::new();
            let mut prompter = LinePrompter::new(input.as_slice(), &mut out, false);
            let registry = symscore::Registry::builtin();
            let phq9 = registry.get("phq9").unwrap();
            let question = first_item(phq9);
            let mut replies = Vec::new();
            loop {
                match prompter.ask(&question) {
                    Ok(reply) => replies.push(reply),
                    Err(stop) => return (replies, stop),
                }
            }
        };
        let mut input = b"1\n2\n".to_vec();
        input.extend(vec![b'x'; ANSWER_LINE_MAX]);
        let (replies, stop) = question_input(input);
        assert_eq!(replies, [Reply::Value(1), Reply::Value(2)]);
        assert!(matches!(stop, Stop::LineTooLong { line: 3 }), "{stop:?}");
        // Exactly the bound, line end included, is a line (here a typo, asked again).
        let mut input = vec![b'7'; ANSWER_LINE_MAX - 1];
        input.extend(b"\n3\n");
        let (replies, stop) = question_input(input);
        assert_eq!(replies, [Reply::Value(3)]);
        assert!(matches!(stop, Stop::EndOfInput), "{stop:?}");
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
