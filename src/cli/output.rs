//! Where results go: stdout, or a file written atomically.
//!
//! A file is written to a temporary file in the same directory, synced, and renamed over
//! the target only when the command succeeds; on any failure the temporary file is removed
//! and an existing file at the target is left exactly as it was.

use std::fs::File;
use std::io::{self, IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use tempfile::NamedTempFile;

use super::args::Format;

/// An open output destination.
pub(crate) enum Output {
    Stdout(io::StdoutLock<'static>),
    File {
        temp: NamedTempFile<File>,
        target: PathBuf,
    },
}

impl Output {
    /// Opens stdout, or a temporary file beside `path`.
    pub(crate) fn open(path: Option<&Path>) -> anyhow::Result<Self> {
        let Some(target) = path else {
            return Ok(Output::Stdout(io::stdout().lock()));
        };
        let dir = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let mut temp = tempfile::Builder::new()
            .prefix(".symscore-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .with_context(|| {
                format!(
                    "cannot create a temporary file in `{}` for `{}`",
                    dir.display(),
                    target.display()
                )
            })?;
        // Replacing a file keeps its permissions; a new file stays readable by its owner only
        // (tempfile's default), as it holds patient data.
        if let Ok(metadata) = std::fs::metadata(target) {
            temp.as_file_mut()
                .set_permissions(metadata.permissions())
                .with_context(|| {
                    format!("cannot copy the permissions of `{}`", target.display())
                })?;
        }
        Ok(Output::File {
            temp,
            target: target.to_owned(),
        })
    }

    /// Whether output goes to an interactive terminal.
    pub(crate) fn is_terminal(&self) -> bool {
        matches!(self, Output::Stdout(_)) && io::stdout().is_terminal()
    }

    /// Finishes the output: flushes stdout, or syncs the file and renames it into place.
    pub(crate) fn commit(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut stdout) => stdout.flush().context("cannot write to standard output"),
            Output::File { mut temp, target } => {
                temp.flush()
                    .and_then(|()| temp.as_file().sync_all())
                    .with_context(|| format!("cannot write `{}`", target.display()))?;
                temp.persist(&target)
                    .map_err(|err| err.error)
                    .with_context(|| format!("cannot replace `{}`", target.display()))?;
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(stdout) => stdout.write(buf),
            Output::File { temp, .. } => temp.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(stdout) => stdout.flush(),
            Output::File { temp, .. } => temp.flush(),
        }
    }
}

/// The format to use: as asked, else from the output file's extension, else a table for a
/// terminal and CSV for everything else (pipes and files get machine-readable data).
pub(crate) fn resolve_format(
    asked: Option<Format>,
    path: Option<&Path>,
    to_terminal: bool,
) -> Format {
    if let Some(format) = asked {
        return format;
    }
    let by_extension = path
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .and_then(|e| match e.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            _ => None,
        });
    by_extension.unwrap_or(if to_terminal {
        Format::Table
    } else {
        Format::Csv
    })
}

/// Whether to colour terminal output: only on a terminal, and never when `NO_COLOR` is set
/// to a non-empty value (<https://no-color.org>).
pub(crate) fn use_color(to_terminal: bool) -> bool {
    to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_flag_then_extension_then_terminal() {
        assert_eq!(
            resolve_format(Some(Format::Json), Some(Path::new("a.csv")), true),
            Format::Json
        );
        assert_eq!(
            resolve_format(None, Some(Path::new("out.JSONL")), false),
            Format::Jsonl
        );
        assert_eq!(resolve_format(None, None, true), Format::Table);
        assert_eq!(resolve_format(None, None, false), Format::Csv);
        assert_eq!(
            resolve_format(None, Some(Path::new("out.txt")), false),
            Format::Csv
        );
    }
}
