//! The man page and the completion scripts against the command tree they are made from:
//! every command, every long option and every listed value must be in them.

use clap::{Command, CommandFactory as _};
use clap_complete::Shell;

use super::{completions, man};
use crate::cli::args::Cli;

/// The command tree as the program builds it: each command with the words that reach it
/// (`["instruments", "list"]`), the top first; clap's `help` commands left out.
fn tree() -> Vec<(Vec<String>, Command)> {
    fn walk(path: &[String], command: &Command, found: &mut Vec<(Vec<String>, Command)>) {
        found.push((path.to_vec(), command.clone()));
        for sub in command.get_subcommands() {
            if sub.get_name() != "help" {
                let mut sub_path = path.to_vec();
                sub_path.push(sub.get_name().to_owned());
                walk(&sub_path, sub, found);
            }
        }
    }
    let mut command = Cli::command();
    command.build();
    let mut found = Vec::new();
    walk(&[], &command, &mut found);
    found
}

/// The long options of `command` (without the global ones when `local_only`).
fn long_flags(command: &Command, local_only: bool) -> Vec<String> {
    command
        .get_arguments()
        .filter(|arg| !(local_only && arg.is_global_set()))
        .filter_map(|arg| arg.get_long().map(|long| format!("--{long}")))
        .collect()
}

/// `text` as roff writes it: `-` is `\-`.
fn roff(text: &str) -> String {
    text.replace('-', "\\-")
}

/// The tree has what the tests below rely on, so they cannot pass by walking nothing.
#[test]
fn the_tree_has_every_command() {
    let paths: Vec<String> = tree().iter().map(|(path, _)| path.join(" ")).collect();
    for expected in [
        "",
        "score",
        "trend",
        "instruments",
        "instruments list",
        "instruments show",
        "instruments check",
        "enter",
        "generate",
        "generate man",
        "generate completions",
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected:?} in {paths:?}"
        );
    }
}

/// Each command has a subsection of COMMANDS holding its own options, the values they
/// take, and its arguments; the global options are under OPTIONS at the top.
#[test]
fn the_man_page_documents_every_command_and_option() {
    let page = String::from_utf8(man::page(Cli::command()).unwrap()).unwrap();
    let (top, commands) = page
        .split_once(".SH COMMANDS\n")
        .expect("a COMMANDS section");
    let commands = commands.split_once("\n.SH ").map_or(commands, |(c, _)| c);
    let mut checked = 0;
    for (path, command) in tree() {
        let section = if path.is_empty() {
            top.to_owned()
        } else {
            let heading = format!(".SS \"symscore {}\"\n", path.join(" "));
            let start = commands
                .find(&heading)
                .unwrap_or_else(|| panic!("{heading}"));
            let rest = &commands[start + heading.len()..];
            rest[..rest.find("\n.SS ").unwrap_or(rest.len())].to_owned()
        };
        for flag in long_flags(&command, !path.is_empty()) {
            assert!(
                section.contains(&format!("\\fB{}\\fR", roff(&flag))),
                "`{flag}` of `symscore {}` is not in its section:\n{section}",
                path.join(" ")
            );
            checked += 1;
        }
        for arg in command.get_arguments() {
            if arg.is_global_set() && !path.is_empty() {
                continue;
            }
            let takes_values = arg.get_num_args().is_some_and(|n| n.takes_values());
            for name in arg
                .get_value_names()
                .into_iter()
                .flatten()
                .filter(|_| takes_values)
            {
                assert!(section.contains(&roff(name)), "{name} in {path:?}");
            }
            for value in arg.get_possible_values() {
                assert!(
                    section.contains(&roff(value.get_name())),
                    "value `{}` of {:?} in {path:?}",
                    value.get_name(),
                    arg.get_id()
                );
            }
        }
        if let Some(about) = command.get_about() {
            let first_words: String = about.to_string().chars().take(30).collect();
            assert!(section.contains(&roff(&first_words)), "{first_words:?}");
        }
    }
    // --instruments-dir, -h and -V at the top; at least one option per command.
    assert!(checked > 40, "{checked} options checked");
    for title in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "EXAMPLES",
        "EXIT STATUS",
    ] {
        assert!(
            page.contains(&format!(".SH {title}\n"))
                || page.contains(&format!(".SH \"{title}\"\n")),
            "{title}"
        );
    }
}

/// Only the requests of the man(7) macros the page is written with, and no raw UTF-8, which
/// groff reads as Latin-1 without preconv.
#[test]
fn the_man_page_is_plain_man_macros_in_ascii() {
    let page = String::from_utf8(man::page(Cli::command()).unwrap()).unwrap();
    assert!(page.is_ascii());
    assert!(
        page.contains("\\[u2026]"),
        "the help's `…` is a named character"
    );
    let known = [
        "ie", "el", "TH", "SH", "SS", "PP", "TP", "RS", "RE", "IP", "nf", "fi", "br",
    ];
    for line in page.lines().filter(|line| line.starts_with('.')) {
        let request = line[1..].split([' ', '\\']).next().unwrap_or_default();
        assert!(known.contains(&request), "unexpected request: {line}");
    }
    assert!(page.starts_with(".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH symscore 1 "));
    assert_eq!(page.matches(".ds Aq").count(), 2, "the preamble once");
}

/// Every command name and long option is in the bash and zsh scripts (the bash script is
/// run in a real bash by the integration tests, `tests/it/generate.rs`).
#[test]
fn the_completion_scripts_name_every_command_and_option() {
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let script = String::from_utf8(completions(shell, Cli::command())).unwrap();
        for (path, command) in tree() {
            if let Some(name) = path.last() {
                assert!(script.contains(name.as_str()), "{shell}: {name}");
            }
            for flag in long_flags(&command, false) {
                let written = match shell {
                    // fish lists `-l fail-on`.
                    Shell::Fish => format!("-l {}", &flag[2..]),
                    _ => flag.clone(),
                };
                assert!(script.contains(&written), "{shell}: {flag} of {path:?}");
            }
            // clap_complete's fish script completes the values of options only, not of
            // positional arguments (`generate completions <SHELL>`).
            let completed = |arg: &clap::Arg| shell != Shell::Fish || !arg.is_positional();
            for arg in command.get_arguments().filter(|arg| completed(arg)) {
                for value in arg.get_possible_values() {
                    assert!(
                        script.contains(value.get_name()),
                        "{shell}: {}",
                        value.get_name()
                    );
                }
            }
        }
    }
}

/// The bash script completes, for each command, its subcommands and its own long options,
/// checked in bash itself: the script's completion function is called as bash calls it on
/// Tab after `symscore PATH… --`.
#[cfg(unix)]
#[test]
fn bash_completes_each_command_with_its_own_options() {
    use std::fmt::Write as _;
    let script = String::from_utf8(completions(Shell::Bash, Cli::command())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script_path = dir.path().join("symscore.bash");
    std::fs::write(&script_path, script).unwrap();
    let tree = tree();
    let mut program = format!("source '{}'\n", script_path.display());
    for (path, _) in &tree {
        for cur in ["--", ""] {
            let mut words = vec!["symscore".to_owned()];
            words.extend(path.iter().cloned());
            let prev = words.last().unwrap().clone();
            words.push(cur.to_owned());
            let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
            let _ = writeln!(
                program,
                "COMP_WORDS=({}); COMP_CWORD={}; COMPREPLY=(); _symscore symscore '{cur}' '{prev}'; \
                 echo \"${{COMPREPLY[*]}}\"",
                quoted.join(" "),
                words.len() - 1
            );
        }
    }
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .current_dir(dir.path())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut replies = stdout.lines();
    for (path, command) in &tree {
        let flags: Vec<&str> = replies.next().unwrap().split(' ').collect();
        for flag in long_flags(command, false) {
            assert!(
                flags.contains(&flag.as_str()),
                "{path:?}: {flag} in {flags:?}"
            );
        }
        let words: Vec<&str> = replies.next().unwrap().split(' ').collect();
        for sub in command.get_subcommands() {
            assert!(
                words.contains(&sub.get_name()),
                "{path:?}: {} in {words:?}",
                sub.get_name()
            );
        }
    }
}
