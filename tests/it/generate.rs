//! `symscore generate`: the man page and completion scripts as a user installs them, bash
//! completion in a real bash, and the top-level `--help` examples run as shown.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{BINARY, stderr, symscore, write_file};

fn generated(args: &[&str]) -> Vec<u8> {
    let out = symscore().arg("generate").args(args).output().unwrap();
    assert!(out.status.success(), "generate {args:?}: {}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    out.stdout
}

#[test]
fn the_man_page_goes_to_standard_output_or_to_o_file() {
    let page = generated(&["man"]);
    let text = String::from_utf8(page.clone()).unwrap();
    assert!(text.contains("\n.TH symscore 1 "), "{text}");
    for section in [".SH NAME", ".SS \"symscore trend\"", ".SH EXAMPLES"] {
        assert!(text.contains(section), "{section}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("symscore.1");
    assert!(generated(&["man", "-o", file.to_str().unwrap()]).is_empty());
    assert_eq!(fs::read(&file).unwrap(), page);
    // `-o -` is standard output, as for every command.
    assert_eq!(generated(&["man", "-o", "-"]), page);
    assert_eq!(dir_names(dir.path()), ["symscore.1"]);
}

/// Under the output policy of every `-o`: never into the instruments directory.
#[test]
fn generate_o_is_refused_in_the_instruments_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = symscore()
        .args([
            "--instruments-dir",
            dir.path().to_str().unwrap(),
            "generate",
            "man",
            "-o",
        ])
        .arg(dir.path().join("symscore.1"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    assert!(dir_names(dir.path()).is_empty());
}

/// The man page and completions describe the options, not the instruments: a broken
/// definitions directory must not stop them.
#[test]
fn generate_runs_whatever_the_instruments_directory_holds() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "broken.json", "{");
    let out = symscore()
        .env("SYMSCORE_INSTRUMENTS", dir.path())
        .args(["generate", "completions", "zsh"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("#compdef symscore"));
}

#[test]
fn every_shell_gets_a_script_for_symscore() {
    for (shell, registers) in [
        ("bash", "complete -F _symscore"),
        ("zsh", "#compdef symscore"),
        ("fish", "complete -c symscore"),
        ("elvish", "edit:completion:arg-completer[symscore]"),
        (
            "powershell",
            "Register-ArgumentCompleter -Native -CommandName 'symscore'",
        ),
    ] {
        let script = String::from_utf8(generated(&["completions", shell])).unwrap();
        assert!(script.contains(registers), "{shell}:\n{script}");
        let option = if shell == "fish" {
            "-l fail-on"
        } else {
            "--fail-on"
        };
        assert!(script.contains(option), "{shell}");
    }
    let out = symscore()
        .args(["generate", "completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("[possible values: bash, elvish, fish, powershell, zsh]"));
}

/// Runs `program` in a bash without start-up files, with the binary on PATH.
#[cfg(unix)]
fn bash(program: &str, dir: &Path) -> std::process::Output {
    let bin_dir = Path::new(BINARY).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", program])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env_remove("SYMSCORE_INSTRUMENTS")
        .output()
        .expect("bash runs")
}

/// As a user installs it: the script sourced, `complete -p` shows it registered, and Tab
/// (bash calls the function with the words typed so far) completes a command, an option
/// and an option's values.
#[cfg(unix)]
#[test]
fn bash_completion_works_in_bash() {
    let dir = tempfile::tempdir().unwrap();
    let program = r#"
source <(symscore generate completions bash) || exit 9
complete -p symscore
tab() { # tab WORD... : what Tab offers after these words
    COMP_WORDS=(symscore "$@"); COMP_CWORD=$#; COMPREPLY=()
    _symscore symscore "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    echo "${COMPREPLY[*]}"
}
tab sc
tab trend --fa
tab trend --plateau-rule ''
tab generate completions ''
tab instruments ''
"#;
    let out = bash(program, dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("complete "), "{stdout}");
    assert!(lines[0].contains(" -F _symscore "), "{stdout}");
    assert!(lines[0].ends_with(" symscore"), "{stdout}");
    assert_eq!(lines[1], "score");
    assert_eq!(lines[2], "--fail-on");
    assert_eq!(lines[3], "band slope");
    // After the options of `generate completions`, which Tab also offers.
    assert!(
        lines[4].ends_with(" bash elvish fish powershell zsh"),
        "{stdout}"
    );
    for action in ["list", "show", "check"] {
        assert!(lines[5].split(' ').any(|w| w == action), "{stdout}");
    }
}

/// The examples in `symscore --help`, one command per line (`\` continues one), each as
/// written.
fn help_examples() -> Vec<String> {
    let out = symscore()
        .env("COLUMNS", "200")
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let block = help
        .split_once("\nExamples:\n")
        .expect("an Examples section")
        .1;
    let block = block.split_once("\n\n").map_or(block, |(b, _)| b);
    let mut commands = Vec::new();
    let mut pending = String::new();
    for line in block.lines() {
        pending.push_str(line.trim());
        if let Some(open) = pending.strip_suffix('\\') {
            pending = format!("{open} ");
        } else {
            commands.push(std::mem::take(&mut pending));
        }
    }
    commands
}

/// Every top-level example works, as shown, from a directory holding `examples/`: each is
/// accepted and scores (status 0, or 1 when a row is rejected and the rest still scored),
/// and the files they name are written.
#[cfg(unix)]
#[test]
fn the_top_level_help_examples_run_as_shown() {
    let examples = help_examples();
    let tasks = [
        "--items",
        "visits.csv",
        "--na 7,9",
        "enter",
        "trend",
        "instruments list",
        "completions bash",
    ];
    for task in tasks {
        assert!(
            examples.iter().any(|e| e.contains(task)),
            "{task} in {examples:#?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    fs::create_dir(dir.path().join("examples")).unwrap();
    // The files only: `examples/broken/` is not used by the top-level examples.
    for entry in fs::read_dir(&source).unwrap() {
        let entry = entry.unwrap();
        if !entry.file_type().unwrap().is_file() {
            continue;
        }
        fs::copy(
            entry.path(),
            dir.path().join("examples").join(entry.file_name()),
        )
        .unwrap();
    }
    for example in &examples {
        // `enter` reads its answers from standard input when it is not a terminal.
        let program = format!("printf '1\\n2\\n0\\n3\\n1\\n0\\n0\\n2\\n1\\n\\ny\\n' | {example}");
        let out = bash(&program, dir.path());
        let code = out.status.code();
        assert!(
            code == Some(0) || code == Some(1),
            "{example}: {code:?}\n{}",
            stderr(&out)
        );
        assert!(
            !stderr(&out).lines().any(|l| l.starts_with("error:")),
            "{example}: {}",
            stderr(&out)
        );
        assert!(
            !out.stdout.is_empty() || example.contains(" -o ") || example.starts_with("source"),
            "{example}"
        );
    }
    let scored = fs::read_to_string(dir.path().join("scored.csv")).unwrap();
    // 119 respondents: 109 scored and 1 invalid have a record, 9 answered nothing (the
    // export's own figures, README); and the header.
    assert_eq!(scored.lines().count(), 111, "{scored}");
    assert!(
        scored
            .lines()
            .all(|l| l.contains(",phq9,") || l.starts_with("patient_id,"))
    );
    let visits = fs::read_to_string(dir.path().join("visits.csv")).unwrap();
    assert!(
        visits.lines().nth(1).unwrap().starts_with("P017,"),
        "{visits}"
    );
    assert!(visits.contains(",1,2,0,3,1,0,0,2,1,"), "{visits}");
}

fn dir_names(dir: &Path) -> Vec<String> {
    crate::support::dir_listing(dir)
}
