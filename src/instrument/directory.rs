//! Which entries of an instruments directory are definitions, and whether each can be read.
//!
//! A clinic's directory may replace a built-in definition (its own PCL-5 cut-off, say). If
//! that file were skipped, because it is a link into a share that is not mounted, or named
//! `PCL5.JSON`, the built-in rules would apply without a word. So every entry that looks like
//! a definition is either loaded or reported, and none is skipped for its type or case.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::DefinitionError;
use crate::output_file::file_kind;
use crate::shown_text::show_cell;

/// Whether a directory entry is meant as a definition: its name ends in `.json` in any case
/// (`pcl5.json`, `PCL5.JSON`) and does not start with `.` (hidden files, as editors' lock and
/// backup files are, such as Emacs's `.#pcl5.json`).
pub(crate) fn looks_like_definition(name: &OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.len() > ".json".len()
        && !name.starts_with(b".")
        && name[name.len() - ".json".len()..].eq_ignore_ascii_case(b".json")
}

/// The entries of `dir` that [look like a definition](looks_like_definition), sorted by
/// path: each a regular file (or a symbolic link to one) to load, or the error that names an
/// entry of another kind (a dangling link, a directory, a FIFO), which the caller reports
/// with the other failing files. The type is checked before anything is opened, so a FIFO
/// cannot block the run. Only a directory that cannot be listed fails as a whole.
pub(crate) fn definition_files(
    dir: &Path,
) -> Result<Vec<Result<PathBuf, DefinitionError>>, DefinitionError> {
    let read_error = |source| DefinitionError::Read {
        path: dir.to_owned(),
        source,
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        if looks_like_definition(&entry.file_name()) {
            entries.push(entry.path());
        }
    }
    entries.sort();
    Ok(entries.into_iter().map(usable_file).collect())
}

fn usable_file(path: PathBuf) -> Result<PathBuf, DefinitionError> {
    // `metadata` follows a symbolic link to what it names.
    match fs::metadata(&path) {
        Ok(metadata) if metadata.is_file() => Ok(path),
        Ok(metadata) => Err(DefinitionError::NotAFile {
            found: file_kind(&metadata).to_owned(),
            path,
        }),
        Err(source) => match fs::read_link(&path) {
            Ok(target) => Err(DefinitionError::NotAFile {
                found: format!(
                    "a symbolic link to `{}`, which cannot be read ({source}); is that disk or share mounted?",
                    show_cell(&target.display().to_string())
                ),
                path,
            }),
            Err(_) => Err(DefinitionError::Read { path, source }),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::{definition_files, looks_like_definition};

    #[test]
    fn json_names_in_any_case_are_definitions_hidden_ones_are_not() {
        for name in ["pcl5.json", "PCL5.JSON", "a.Json", "x y.json"] {
            assert!(looks_like_definition(OsStr::new(name)), "{name}");
        }
        for name in [
            ".json",
            ".#pcl5.json",
            ".pcl5.json",
            "pcl5.json~",
            "pcl5.jsonl",
            "notes.txt",
            "json",
        ] {
            assert!(!looks_like_definition(OsStr::new(name)), "{name}");
        }
    }

    /// Issue 12: an entry that is not a regular file is named the way `-o` names it (one
    /// description of file types), never as "found not a regular file".
    #[cfg(unix)]
    #[test]
    fn an_entry_that_is_not_a_file_says_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/null", dir.path().join("dev.json")).unwrap();
        std::fs::create_dir(dir.path().join("folder.json")).unwrap();
        let found: Vec<String> = definition_files(dir.path())
            .unwrap()
            .into_iter()
            .map(|entry| entry.unwrap_err().to_string())
            .collect();
        assert_eq!(
            found,
            [
                format!(
                    "{}: expected an instrument definition file, found a character device (such as /dev/null)",
                    dir.path().join("dev.json").display()
                ),
                format!(
                    "{}: expected an instrument definition file, found a directory",
                    dir.path().join("folder.json").display()
                ),
            ]
        );
    }
}
