//! Opening `trend`'s visits input (once; see [`VisitsInput`]) and the test hook between its
//! two passes.

use std::fs::File;
use std::path::Path;

use anyhow::Context as _;
use symscore::trend::VisitsInput;

use crate::cli::input::{open_input, refuse_overwrite};

/// Opens the visits input once: `-` or nothing is standard input.
pub(super) fn open_visits(
    path: Option<&Path>,
    output: Option<&Path>,
) -> anyhow::Result<(VisitsInput, String)> {
    let Some(path) = path.filter(|p| *p != Path::new("-")) else {
        let (stdin, source) = open_input(None, output)?;
        return Ok((VisitsInput::Stream(stdin), source));
    };
    if let Some(out) = output {
        refuse_overwrite(path, out)?;
    }
    let source = path.display().to_string();
    let file = File::open(path).with_context(|| format!("cannot open `{source}`"))?;
    let input = VisitsInput::from_file(file)
        .with_context(|| format!("cannot read the metadata of `{source}`"))?;
    Ok((input, source))
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
