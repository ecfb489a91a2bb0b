//! Input that arrives the way a pipe delivers it, for the readers' tests.

use std::io::{self, Read};

/// Feeds the input in chunks of `.1` bytes, as a slow pipe would: a reader under test then
/// sees every kind of read boundary (inside a quote, between `\r` and `\n`, inside a line).
pub(crate) struct Chunked<'a>(pub(crate) &'a [u8], pub(crate) usize);

impl Read for Chunked<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.1.min(out.len()).min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}
