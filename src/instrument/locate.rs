//! Finding the line and column of a JSON path in definition text.
//!
//! `serde_json` keeps no spans once a value is parsed, so a rule broken after parsing (a band
//! gap, say) would otherwise be reported by path alone. This small scanner walks the text
//! along the path and reports where the value starts, so every message is editor-clickable.
//! It runs only on text that `serde_json` has already accepted, and returns `None` rather than
//! guessing when anything looks unexpected.

/// Line and column (1-based, columns in characters) of the value at `path`, such as
/// `severity.bands[2].min`. When the path names a field that is absent, the position of the
/// nearest enclosing value is returned instead.
pub(crate) fn locate(text: &str, path: &str) -> Option<(u64, u64)> {
    let segments = split_path(path)?;
    let bytes = text.as_bytes();
    for keep in (0..=segments.len()).rev() {
        if let Some(offset) = walk(bytes, &segments[..keep]) {
            return Some(line_column(text, offset));
        }
    }
    None
}

#[derive(Debug, PartialEq)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn split_path(path: &str) -> Option<Vec<Segment<'_>>> {
    let mut segments = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = part.find('[').map_or((part, ""), |i| part.split_at(i));
        if !key.is_empty() {
            segments.push(Segment::Key(key));
        }
        while let Some(stripped) = rest.strip_prefix('[') {
            let close = stripped.find(']')?;
            segments.push(Segment::Index(stripped[..close].parse().ok()?));
            rest = &stripped[close + 1..];
        }
    }
    Some(segments)
}

fn walk(bytes: &[u8], segments: &[Segment<'_>]) -> Option<usize> {
    let mut pos = skip_ws(bytes, 0);
    for segment in segments {
        pos = match *segment {
            Segment::Key(key) => member(bytes, pos, key)?,
            Segment::Index(index) => element(bytes, pos, index)?,
        };
    }
    Some(pos)
}

/// Start of the value of `key` in the object starting at `pos`.
fn member(bytes: &[u8], pos: usize, key: &str) -> Option<usize> {
    if bytes.get(pos) != Some(&b'{') {
        return None;
    }
    let mut pos = skip_ws(bytes, pos + 1);
    while bytes.get(pos) == Some(&b'"') {
        let key_end = skip_string(bytes, pos)?;
        let found = &bytes[pos + 1..key_end - 1];
        pos = skip_ws(bytes, key_end);
        if bytes.get(pos) != Some(&b':') {
            return None;
        }
        let value = skip_ws(bytes, pos + 1);
        if found == key.as_bytes() {
            return Some(value);
        }
        pos = skip_ws(bytes, skip_value(bytes, value)?);
        if bytes.get(pos) == Some(&b',') {
            pos = skip_ws(bytes, pos + 1);
        }
    }
    None
}

/// Start of element `index` of the array starting at `pos`.
fn element(bytes: &[u8], pos: usize, index: usize) -> Option<usize> {
    if bytes.get(pos) != Some(&b'[') {
        return None;
    }
    let mut pos = skip_ws(bytes, pos + 1);
    for _ in 0..index {
        if bytes.get(pos) == Some(&b']') {
            return None;
        }
        pos = skip_ws(bytes, skip_value(bytes, pos)?);
        if bytes.get(pos) != Some(&b',') {
            return None;
        }
        pos = skip_ws(bytes, pos + 1);
    }
    (bytes.get(pos) != Some(&b']')).then_some(pos)
}

/// End (exclusive) of the value starting at `pos`.
fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    match *bytes.get(pos)? {
        b'"' => skip_string(bytes, pos),
        open @ (b'{' | b'[') => {
            let close = if open == b'{' { b'}' } else { b']' };
            let mut pos = skip_ws(bytes, pos + 1);
            loop {
                match *bytes.get(pos)? {
                    c if c == close => return Some(pos + 1),
                    b',' | b':' => pos = skip_ws(bytes, pos + 1),
                    _ => pos = skip_ws(bytes, skip_value(bytes, pos)?),
                }
            }
        }
        _ => {
            let len = bytes[pos..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))
                .unwrap_or(bytes.len() - pos);
            Some(pos + len)
        }
    }
}

/// End (exclusive) of the string whose opening quote is at `pos`.
fn skip_string(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        pos += 1;
    }
    pos
}

fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line as u64, column as u64)
}

#[cfg(test)]
mod tests {
    use super::locate;

    const TEXT: &str = "{\n  \"a\": 1,\n  \"list\": [ {\"x\": \"]\"}, {\"x\": 7, \"y\": [1, 2]} ],\n  \"z\": {}\n}";

    #[test]
    fn finds_nested_values() {
        assert_eq!(locate(TEXT, "a"), Some((2, 8)));
        assert_eq!(locate(TEXT, "list[1].x"), Some((3, 31)));
        assert_eq!(locate(TEXT, "list[1].y[1]"), Some((3, 43)));
    }

    #[test]
    fn falls_back_to_the_enclosing_value_for_absent_fields() {
        assert_eq!(locate(TEXT, "z.missing"), locate(TEXT, "z"));
        assert_eq!(locate(TEXT, "list[5]"), locate(TEXT, "list"));
    }

    #[test]
    fn root_path_is_the_document_start() {
        assert_eq!(locate(TEXT, ""), Some((1, 1)));
    }
}
