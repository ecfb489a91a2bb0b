//! Turning CRLF line endings into LF before the CSV reader sees them.
//!
//! The csv crate records where a record starts before it consumes the `\n` of a `\r\n`
//! pair, so in a Windows-style file every record after the header is reported one line too
//! early. Error messages must point at the right row, so `\r\n` becomes `\n` here. A lone
//! `\r` is left alone. The cells symscore reads (ids, dates, answers) never contain a line
//! break, so no value it uses changes.

use std::io::{self, Read};

pub(crate) struct CrlfToLf<R> {
    inner: R,
    /// A byte held back from the previous read: a `\r` whose fate depends on the next byte,
    /// or a byte that did not fit a one-byte output buffer.
    pending: Option<u8>,
}

impl<R: Read> CrlfToLf<R> {
    pub(crate) fn new(inner: R) -> Self {
        CrlfToLf {
            inner,
            pending: None,
        }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.len() < 2 {
            // Too small to hold a pending `\r` plus a byte; go through a scratch buffer.
            let mut scratch = [0u8; 2];
            let n = self.read(&mut scratch[..])?;
            let take = n.min(out.len());
            out[..take].copy_from_slice(&scratch[..take]);
            if n > take {
                self.pending = Some(scratch[take]);
            }
            return Ok(take);
        }
        loop {
            let start = usize::from(self.pending.is_some());
            if let Some(byte) = self.pending.take() {
                out[0] = byte;
            }
            let n = self.inner.read(&mut out[start..])?;
            if n == 0 {
                return Ok(start); // end of input: a held-back `\r` is emitted as it was
            }
            let len = start + n;
            let mut written = 0;
            let mut i = 0;
            while i < len {
                let byte = out[i];
                if byte == b'\r' {
                    if i + 1 == len {
                        self.pending = Some(b'\r');
                        break;
                    }
                    if out[i + 1] == b'\n' {
                        i += 1;
                        continue;
                    }
                }
                out[written] = byte;
                written += 1;
                i += 1;
            }
            if written > 0 {
                return Ok(written);
            }
            // Only a held-back `\r` so far: read more rather than signal end of input.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CrlfToLf;
    use std::io::Read;

    /// Feeds the input in chunks of `chunk` bytes, as a slow pipe would.
    struct Chunked<'a>(&'a [u8], usize);

    impl Read for Chunked<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn convert(input: &[u8], chunk: usize, out_size: usize) -> Vec<u8> {
        let mut reader = CrlfToLf::new(Chunked(input, chunk));
        let mut result = Vec::new();
        let mut buf = vec![0u8; out_size];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                return result;
            }
            result.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn converts_crlf_across_every_chunk_boundary() {
        let input = b"a,b\r\n1,2\r\n\r\nlone\rcr\r";
        for chunk in 1..=input.len() {
            for out_size in [1, 2, 3, 64] {
                assert_eq!(
                    convert(input, chunk, out_size),
                    b"a,b\n1,2\n\nlone\rcr\r",
                    "chunk {chunk}, out {out_size}"
                );
            }
        }
    }
}
