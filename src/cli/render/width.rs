//! How wide a table may be.
//!
//! `COLUMNS` first, when it is a positive number: the shell convention, and how a table is
//! asked for at a fixed width (a report, a test). Then the terminal: standard output's, or
//! when that is a pipe or a file, the terminal on standard error or standard input, so that
//! `symscore … --format table | less` and `… > report.txt` typed at an 80-column terminal
//! give a table that reads at 80 columns there. With no terminal at all (cron, CI, a
//! program reading the output) there is no screen to fit: the table is as wide as its
//! content, one line per row, with nothing dropped.

/// The width tables fit, or `None` for no limit.
pub(crate) fn table_width() -> Option<usize> {
    from_columns(std::env::var_os("COLUMNS").as_deref()).or_else(|| {
        let (terminal_size::Width(width), _) = terminal_size::terminal_size()?;
        (width > 0).then_some(usize::from(width))
    })
}

/// `COLUMNS` as a width; unset, empty, zero or not a number is no width.
fn from_columns(value: Option<&std::ffi::OsStr>) -> Option<usize> {
    value?
        .to_str()?
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|&w| w > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_is_a_positive_whole_number_or_nothing() {
        let width = |v: &str| from_columns(Some(std::ffi::OsStr::new(v)));
        assert_eq!(width("80"), Some(80));
        assert_eq!(width(" 120 "), Some(120));
        assert_eq!(width("0"), None);
        assert_eq!(width(""), None);
        assert_eq!(width("wide"), None);
        assert_eq!(width("-80"), None);
        assert_eq!(from_columns(None), None);
    }
}
