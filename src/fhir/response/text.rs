//! Reading the input text: NDJSON lines of bounded length, and a whole document's resources.

use std::collections::VecDeque;
use std::io::{self, BufRead, Read as _};

use serde_json::Value;

use super::reader::{MAX_LINE_BYTES, ResponseError};
use crate::Location;

pub(super) fn read_line<R: BufRead>(
    input: &mut R,
    buf: &mut Vec<u8>,
    source: &str,
    line: u64,
) -> Result<usize, ResponseError> {
    let read = input
        .by_ref()
        .take(MAX_LINE_BYTES + 1)
        .read_until(b'\n', buf)
        .map_err(|err| io_error(source, &err))?;
    if buf.len() as u64 > MAX_LINE_BYTES && !buf.ends_with(b"\n") {
        // Not a line of NDJSON: the caller reads the rest as a document if this is line 1.
        if line > 1 {
            return Err(error(
                source,
                Some(line),
                format!(
                    "expected an NDJSON line of at most {MAX_LINE_BYTES} bytes, found a longer one"
                ),
            ));
        }
    }
    Ok(read)
}

/// The resources of a whole document: the entries of a Bundle, or the one resource.
pub(super) fn document(
    text: &[u8],
    source: &str,
) -> Result<VecDeque<(Option<usize>, Value)>, ResponseError> {
    if text.trim_ascii().is_empty() {
        return Err(error(
            source,
            None,
            "expected a FHIR resource, a Bundle or NDJSON, found an empty input".to_owned(),
        ));
    }
    let mut value: Value = serde_json::from_slice(text).map_err(|err| {
        error(
            source,
            Some(err.line() as u64),
            format!(
                "expected a FHIR JSON resource, a Bundle or NDJSON, found invalid JSON ({err})"
            ),
        )
    })?;
    if value.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        return Ok(VecDeque::from([(None, value)]));
    }
    let Some(Value::Array(entries)) = value.get_mut("entry").map(Value::take) else {
        return Ok(VecDeque::new());
    };
    Ok(entries
        .into_iter()
        .enumerate()
        .map(|(i, mut entry)| {
            (
                Some(i),
                entry.get_mut("resource").map_or(Value::Null, Value::take),
            )
        })
        .collect())
}

pub(super) fn error(source: &str, line: Option<u64>, message: String) -> ResponseError {
    ResponseError {
        location: Location {
            source: source.to_owned(),
            line,
            column: None,
        },
        message,
    }
}

pub(super) fn io_error(source: &str, err: &io::Error) -> ResponseError {
    error(source, None, format!("cannot read: {err}"))
}
