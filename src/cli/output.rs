//! Where results go: stdout, or a file under the library's output policy
//! ([`symscore::output_file`]: a regular file replaced atomically, a device or pipe written
//! in place, never an input).

use std::io::{self, IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context as _, bail};
use symscore::output_file::{Inputs, OutputError, OutputFile, check_standard_output_not_input};

use super::args::Format;
use super::report::message;

/// An open output destination.
pub(crate) enum Output {
    Stdout(io::StdoutLock<'static>),
    File(OutputFile),
}

/// `--instruments-dir`: read by every command, so no command may write into it.
static INSTRUMENTS_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Records the instruments directory of this run, which every `-o` is checked against.
pub(crate) fn protect_instruments_dir(dir: &Path) {
    let _ = INSTRUMENTS_DIR.set(dir.to_owned());
}

/// Refuses an `enter --append` file under the same rule as every `-o`: not in the
/// instruments directory (a visits file there would be read as a definition, or break the
/// directory for every later run), and not the file of answers on standard input.
pub(crate) fn check_append_target(path: &Path) -> anyhow::Result<()> {
    let mut inputs = Inputs::default();
    inputs.standard_input();
    if let Some(dir) = INSTRUMENTS_DIR.get() {
        inputs.directory(dir);
    }
    Ok(symscore::output_file::check_not_input(path, &inputs)?)
}

impl Output {
    /// Opens stdout, or `path` under the output policy. `reads` are the command's input
    /// files (`-` is standard input; `None` is skipped): the output, standard output
    /// included, may be none of them, nor lie in the instruments directory.
    pub(crate) fn open(path: Option<&Path>, reads: &[Option<&Path>]) -> anyhow::Result<Self> {
        let mut inputs = Inputs::default();
        for read in reads.iter().flatten() {
            inputs.file(read);
        }
        let Some(target) = path else {
            check_stdout_writable()?;
            check_standard_output_not_input(&inputs)?;
            return Ok(Output::Stdout(io::stdout().lock()));
        };
        if let Some(dir) = INSTRUMENTS_DIR.get() {
            inputs.directory(dir);
        }
        let file = OutputFile::create(target, &inputs).map_err(|err| match err {
            // A refusal already names the path, what is there and what may be written.
            OutputError::Refused { .. } => anyhow::Error::new(err),
            _ => anyhow::Error::new(err).context(format!(
                "cannot write the results to `{}`",
                target.display()
            )),
        })?;
        Ok(Output::File(file))
    }

    /// Whether output goes to an interactive terminal (stdout, or `-o /dev/tty`).
    pub(crate) fn is_terminal(&self) -> bool {
        match self {
            Output::Stdout(_) => io::stdout().is_terminal(),
            Output::File(file) => file.is_terminal(),
        }
    }

    /// Finishes the output: flushes stdout, or puts the file in place.
    pub(crate) fn commit(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut stdout) => stdout.flush().context("cannot write to standard output"),
            Output::File(file) => {
                if let Some(warning) = file.commit()? {
                    message(&format!("symscore: warning: {warning}"));
                }
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(stdout) => stdout.write(buf),
            Output::File(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(stdout) => stdout.flush(),
            Output::File(file) => file.flush(),
        }
    }
}

/// Refuses a standard output that cannot take the results, which would otherwise be lost
/// with exit status 0: the Rust runtime reopens a closed standard output (`>&-`) on
/// `/dev/null` for reading and writing, and drops writes to a descriptor open only for
/// reading. A shell's `> /dev/null` opens it for writing only, and stays allowed.
#[cfg(unix)]
fn check_stdout_writable() -> anyhow::Result<()> {
    use rustix::fs::{FileType, OFlags, fcntl_getfl, fstat};
    use std::os::unix::fs::MetadataExt as _;
    let stdout = io::stdout();
    let Ok(flags) = fcntl_getfl(&stdout) else {
        bail!("standard output is closed; the results would be lost (give -o FILE)");
    };
    let mode = flags & OFlags::RWMODE;
    if mode == OFlags::RDONLY {
        bail!(
            "standard output is open for reading only; the results would be lost (redirect it \
             with `>`, or give -o FILE)"
        );
    }
    let reopened_null = mode == OFlags::RDWR
        && fstat(&stdout).is_ok_and(|stat| {
            FileType::from_raw_mode(stat.st_mode) == FileType::CharacterDevice
                && std::fs::metadata("/dev/null").is_ok_and(|null| null.rdev() == stat.st_rdev)
        });
    if reopened_null {
        bail!(
            "standard output is closed (`>&-`); the results would be lost (give -o FILE, or \
             write `> /dev/null` to discard them on purpose)"
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_stdout_writable() -> anyhow::Result<()> {
    Ok(())
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
