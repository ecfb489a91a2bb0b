//! Ctrl-C while answers are asked: the visit is abandoned with the same "nothing was saved"
//! message as `q`, and exit status 130, instead of the process dying without a word.
//!
//! Ctrl-C reaches `enter` in two ways. While the terminal prompter waits for a key the
//! terminal is in raw mode and Ctrl-C is a key (`Key::CtrlC`). Anywhere else (between keys,
//! in the line prompter, or from `kill -INT`) it is the signal SIGINT. While prompting,
//! SIGINT only sets a flag and writes a byte to a wake-up socket ([`Interrupt::catch`]); both
//! prompters look at the flag before and after every wait for input. The line prompter waits
//! with `poll(2)` on its input and the wake-up socket together, so a SIGINT is seen whenever
//! it arrives (a plain `read(2)` would be restarted after the signal and wait on). The
//! terminal prompter waits in `console`'s `poll(2)` on the terminal, which the signal cuts
//! short. Either way the session stops on the main thread, with the terminal restored,
//! through the normal return path that prints the message and removes the temporary output
//! file. While an [`Interrupt`] lives, the process-wide handler that removes temporary files
//! and ends the process (`cli::signals`) lets SIGINT pass; once prompting is over
//! ([`Interrupt`] dropped), that handler has it again, so Ctrl-C can still stop a stuck write
//! of the scores without leaving a temporary file.
//!
//! At the terminal, a SIGINT that lands in the microseconds between the flag check and the
//! start of `console`'s wait is seen after the next key; at a keyboard that is never
//! noticeable (and Ctrl-C typed while a key is awaited is a key, not a signal).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[cfg(unix)]
use std::os::fd::AsFd;

use super::Stop;

/// SIGINT caught for the lifetime of this value.
#[derive(Debug)]
pub(crate) struct Interrupt {
    caught: Arc<AtomicBool>,
    /// Keeps the process-wide handler from ending the process on SIGINT meanwhile; kept for
    /// good once a SIGINT was caught (see `Drop`).
    #[cfg(unix)]
    taken: Option<crate::cli::signals::SigintTaken>,
    #[cfg(unix)]
    catcher: signal_hook::SigId,
    /// Readable once SIGINT has arrived.
    #[cfg(unix)]
    wake: std::os::unix::net::UnixStream,
    #[cfg(unix)]
    waker: signal_hook::SigId,
}

impl Interrupt {
    /// Starts catching SIGINT: from now on it is recorded instead of ending the process.
    #[cfg(unix)]
    pub(crate) fn catch() -> io::Result<Self> {
        use signal_hook::consts::SIGINT;
        let caught = Arc::new(AtomicBool::new(false));
        let taken = crate::cli::signals::SigintTaken::take();
        let catcher = signal_hook::flag::register(SIGINT, Arc::clone(&caught))?;
        let (wake, wake_writer) = std::os::unix::net::UnixStream::pair()?;
        let waker = signal_hook::low_level::pipe::register(SIGINT, wake_writer)?;
        Ok(Interrupt {
            caught,
            taken: Some(taken),
            catcher,
            wake,
            waker,
        })
    }

    /// Elsewhere only the Ctrl-C key is seen.
    #[cfg(not(unix))]
    pub(crate) fn catch() -> io::Result<Self> {
        Ok(Interrupt {
            caught: Arc::new(AtomicBool::new(false)),
        })
    }

    /// `Err(Stop::Interrupted)` once SIGINT has arrived.
    pub(crate) fn check(&self) -> Result<(), Stop> {
        if self.caught.load(Ordering::SeqCst) {
            Err(Stop::Interrupted)
        } else {
            Ok(())
        }
    }

    /// Waits until `source` has input (or its end, or an error, which the read that follows
    /// reports), or SIGINT arrives.
    #[cfg(unix)]
    pub(crate) fn wait_for_input(&self, source: impl AsFd) -> Result<(), Stop> {
        use rustix::event::{PollFd, PollFlags, poll};
        loop {
            self.check()?;
            let mut fds = [
                PollFd::new(&source, PollFlags::IN),
                PollFd::new(&self.wake, PollFlags::IN),
            ];
            // Ready, or a source poll cannot watch (read without waiting first); a signal
            // (EINTR) goes round to the check.
            if poll(&mut fds, None) != Err(rustix::io::Errno::INTR) {
                return self.check();
            }
        }
    }
}

#[cfg(unix)]
impl Drop for Interrupt {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.catcher);
        signal_hook::low_level::unregister(self.waker);
        // The process-wide handler sees a signal on its own thread, possibly after this
        // prompter has already stopped for it. Releasing SIGINT then would let that thread
        // end the process before `enter` says nothing was saved, so a caught SIGINT keeps it
        // taken until the process ends (enter is on its way out with status 130). `caught`
        // is set inside the signal handler, and the catcher is unregistered above, so a
        // SIGINT either counts here or reaches the process-wide handler as usual.
        if self.caught.load(Ordering::SeqCst) {
            std::mem::forget(self.taken.take());
        }
    }
}
