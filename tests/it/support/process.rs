//! A running `symscore` whose standard error the test reads while it runs: to answer prompts
//! as they come, or to signal it at a known point.

use std::io::Read as _;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use super::PATIENCE;

/// Starts `command` with piped stdin, stdout and stderr; a thread hands over stderr as it
/// arrives.
pub(crate) fn spawn_reading_stderr(command: &mut Command) -> (Child, mpsc::Receiver<Vec<u8>>) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buffer) {
            if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    (child, receiver)
}

/// Waits (up to [`PATIENCE`] for each piece) until stderr shows `needle`.
pub(crate) fn wait_for(receiver: &mpsc::Receiver<Vec<u8>>, seen: &mut Vec<u8>, needle: &str) {
    while !String::from_utf8_lossy(seen).contains(needle) {
        match receiver.recv_timeout(PATIENCE) {
            Ok(chunk) => seen.extend(chunk),
            Err(err) => panic!(
                "waiting for {needle:?}: {err}; stderr so far:\n{}",
                String::from_utf8_lossy(seen)
            ),
        }
    }
}

/// The rest of stderr, until the program closes it (or [`PATIENCE`] passes without a word).
pub(crate) fn rest(receiver: &mpsc::Receiver<Vec<u8>>, seen: &mut Vec<u8>) -> String {
    while let Ok(chunk) = receiver.recv_timeout(PATIENCE) {
        seen.extend(chunk);
    }
    String::from_utf8_lossy(seen).into_owned()
}

/// Waits for `child` to end, at most [`PATIENCE`]; kills it (by its id) and fails otherwise.
pub(crate) fn wait_with_patience(child: &mut Child) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > PATIENCE {
            child.kill().unwrap();
            panic!("the program did not end within {PATIENCE:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
