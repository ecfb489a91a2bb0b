//! SIGINT, SIGTERM and SIGHUP: the temporary output file is removed, then the process ends
//! as the signal would have ended it.
//!
//! A signal ends a process without running destructors, so a temporary file (`-o`, or a
//! save of `enter --append`) would stay behind with partial patient data. A thread of
//! signal-hook's waits for these signals; on one it removes every temporary file the library
//! has listed ([`symscore::output_file::remove_temporary_files`]) and then dies of the same
//! signal, so the shell reports 128 + its number (130 for Ctrl-C) and a script running
//! symscore stops as it would have. The rename that finishes an output holds the same lock
//! as the removal: a signal leaves either the old file or the complete new one.
//!
//! While `enter` asks its questions it takes SIGINT over ([`SigintTaken`]): it abandons the
//! visit itself, says that nothing was saved and returns through the normal path, which
//! removes its temporary file. This thread then lets SIGINT pass; SIGTERM and SIGHUP still
//! end the process here. A signal the parent set to be ignored (`nohup` ignores SIGHUP, a
//! background job SIGINT) stays ignored.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether SIGINT is handled by someone else for now (`enter`'s prompter).
static SIGINT_TAKEN: AtomicBool = AtomicBool::new(false);

/// SIGINT is handled by its holder while this lives: the thread below lets it pass, so the
/// holder can stop on its own and say what happened. SIGTERM and SIGHUP are not affected.
#[derive(Debug)]
pub(crate) struct SigintTaken(());

impl SigintTaken {
    pub(crate) fn take() -> Self {
        SIGINT_TAKEN.store(true, Ordering::SeqCst);
        SigintTaken(())
    }
}

impl Drop for SigintTaken {
    fn drop(&mut self) {
        SIGINT_TAKEN.store(false, Ordering::SeqCst);
    }
}

#[cfg(unix)]
pub(crate) fn remove_temporary_files_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let ignored = ignored_signals();
    let wanted: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|&signal| !ignored.contains(&signal))
        .collect();
    // Registered before this returns: a signal from now on is queued for the thread.
    let Ok(mut signals) = signal_hook::iterator::Signals::new(&wanted) else {
        return;
    };
    std::thread::spawn(move || {
        for signal in signals.forever() {
            if signal == SIGINT && SIGINT_TAKEN.load(Ordering::SeqCst) {
                continue;
            }
            symscore::output_file::remove_temporary_files();
            // Restores the default action and raises the signal again: the process ends
            // as it would have without this handler.
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    });
}

#[cfg(not(unix))]
pub(crate) fn remove_temporary_files_on_signals() {}

/// The signals this process inherited as ignored, from `SigIgn` in `/proc/self/status`
/// (Linux; elsewhere none are known to be ignored).
#[cfg(unix)]
fn ignored_signals() -> Vec<i32> {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return Vec::new();
    };
    let mask = status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .unwrap_or(0);
    (1..=64)
        .filter(|&signal| mask & (1 << (signal - 1)) != 0)
        .collect()
}
