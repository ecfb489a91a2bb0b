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
    enter: ["enter"];
    instruments: ["instruments"];
    instruments_list: ["instruments", "list"];
    instruments_show: ["instruments", "show"];
    instruments_check: ["instruments", "check"];
}
