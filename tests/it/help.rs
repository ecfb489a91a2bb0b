//! `-h` and `--help` of the program and of every subcommand, as file snapshots in
//! `tests/it/snapshots/`. Help is product surface: a change to it shows in review as a
//! changed snapshot. Update them with `INSTA_UPDATE=always cargo test --test it help::` (or
//! `cargo insta review`) and read the diff; with `CI=true` a mismatch fails the test and
//! nothing is written.

use crate::support::BINARY;

/// The help `symscore ARGS` prints, the same on every machine: no inherited environment
/// (no `SYMSCORE_INSTRUMENTS` shown as a default, no `CLICOLOR_FORCE`), and a width of 100
/// columns. Standard input is empty and standard output and error are pipes, so clap finds
/// no terminal to measure and reads the width from `COLUMNS`.
fn help(args: &[&str]) -> String {
    let out = assert_cmd::Command::new(BINARY)
        .env_clear()
        .env("COLUMNS", "100")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "symscore {args:?}: {:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// One test per command: its `-h` and its `--help`, each against its own snapshot.
macro_rules! help_snapshots {
    ($($test:ident: [$($word:literal),*];)*) => {$(
        #[test]
        fn $test() {
            let name = stringify!($test);
            let short = help(&[$($word,)* "-h"]);
            let long = help(&[$($word,)* "--help"]);
            insta::assert_snapshot!(format!("{name}_short"), short);
            insta::assert_snapshot!(format!("{name}_long"), long);
        }
    )*};
}

help_snapshots! {
    symscore: [];
    score: ["score"];
    trend: ["trend"];
    report: ["report"];
    enter: ["enter"];
    instruments: ["instruments"];
    instruments_list: ["instruments", "list"];
    instruments_show: ["instruments", "show"];
    instruments_check: ["instruments", "check"];
    instruments_export: ["instruments", "export"];
    generate: ["generate"];
    generate_man: ["generate", "man"];
    generate_completions: ["generate", "completions"];
}

/// `enter --help` names every key the prompts take (src/cli/prompt): at an item, when an
/// item is asked again, at a safety change and at the review.
#[test]
fn enter_help_names_every_key_the_prompts_take() {
    let out = assert_cmd::Command::new(BINARY)
        .env_clear()
        .env("COLUMNS", "200")
        .args(["enter", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for phrase in [
        "a number the answer, on the instrument's scale",
        "Enter or s leave the item blank",
        "b go back one item",
        "? show the item's text",
        "q abandon the visit; nothing is saved (at a terminal, y confirms)",
        "Enter or k keeps it, s blanks it, a number replaces it",
        "skip, back, help (or h) and quit work as words too",
        "only y changes it, Enter keeps it",
        "Backspace and Ctrl-U edit the line; Ctrl-D on an empty line ends the input",
        "y saves (or accepts), c changes an answer (by its number; Enter goes back), q abandons (y confirms)",
        "Piped input must send y (or yes) to save",
        "Ctrl-C abandons the visit",
    ] {
        assert!(help.contains(phrase), "{phrase:?} not in:\n{help}");
    }
}
