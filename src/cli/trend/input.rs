//! The visits input of `trend`, opened once: a regular file is read twice through that one
//! handle; anything else is read once.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::Context as _;
use symscore::batch::FileStamp;

use crate::cli::input::{open_input, refuse_overwrite};

/// The visits input, opened once.
pub(super) enum VisitsInput {
    /// A regular file: read twice through this one handle (a grouping pass, then the
    /// analysis), and checked afterwards not to have changed in place.
    Regular { file: File, stamp: FileStamp },
    /// Standard input, a pipe, `/dev/stdin`, `<(…)`: read once, every visit collected.
    Stream(Box<dyn Read>),
}

impl VisitsInput {
    pub(super) fn open(
        path: Option<&Path>,
        output: Option<&Path>,
    ) -> anyhow::Result<(Self, String)> {
        let Some(path) = path.filter(|p| *p != Path::new("-")) else {
            let (stdin, source) = open_input(None, output)?;
            return Ok((VisitsInput::Stream(stdin), source));
        };
        if let Some(out) = output {
            refuse_overwrite(path, out)?;
        }
        let source = path.display().to_string();
        let file = File::open(path).with_context(|| format!("cannot open `{source}`"))?;
        let metadata = file
            .metadata()
            .with_context(|| format!("cannot read the metadata of `{source}`"))?;
        let input = if metadata.is_file() {
            let stamp = FileStamp::of(&file)
                .with_context(|| format!("cannot read the metadata of `{source}`"))?;
            VisitsInput::Regular { file, stamp }
        } else {
            VisitsInput::Stream(Box::new(file))
        };
        Ok((input, source))
    }
}

/// Test builds only: runs `SYMSCORE_TEST_BETWEEN_PASSES` with `sh -c` between the grouping
/// pass and the analysis, where an `enter --append` once renamed a new file over the input,
/// so that tests can make that happen there every time.
pub(super) fn between_passes_hook() -> anyhow::Result<()> {
    #[cfg(debug_assertions)]
    if let Some(command) = std::env::var_os("SYMSCORE_TEST_BETWEEN_PASSES") {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .status()
            .context("SYMSCORE_TEST_BETWEEN_PASSES")?;
    }
    Ok(())
}
