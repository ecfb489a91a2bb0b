//! Floor for the symscore benchmark: parse the visits CSV with the csv crate, sum each
//! instrument's item columns per row and write `patient_id,date,instrument,sum` for every
//! administration. Blank cells are missing; an instrument whose items are all blank was not
//! administered and gets no row. No validation, no proration, no flags.
//!
//! Usage: `floor VISITS.csv > out.csv`. The record count goes to stderr, to compare with
//! symscore's summary line.

use std::error::Error;
use std::fs::File;
use std::io::{self, Write};

/// Instrument id and item count; items are the columns `<id>_1` … `<id>_<n>`.
const INSTRUMENTS: [(&str, usize); 3] = [("phq9", 9), ("gad7", 7), ("pcl5", 20)];

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args_os()
        .nth(1)
        .ok_or("usage: floor VISITS.csv")?;
    let mut reader = csv::Reader::from_reader(File::open(path)?);
    let header = reader.byte_headers()?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name.as_bytes())
            .ok_or_else(|| format!("no column `{name}`"))
    };
    let patient = column("patient_id")?;
    let date = column("date")?;
    let mut plan: Vec<(&[u8], Vec<usize>)> = Vec::new();
    for (id, items) in INSTRUMENTS {
        let columns = (1..=items)
            .map(|n| column(&format!("{id}_{n}")))
            .collect::<Result<Vec<_>, _>>()?;
        plan.push((id.as_bytes(), columns));
    }

    let stdout = io::stdout();
    let mut writer = csv::Writer::from_writer(stdout.lock());
    writer.write_record(["patient_id", "date", "instrument", "sum"])?;
    let mut record = csv::ByteRecord::new();
    let mut written = 0u64;
    let mut digits = [0u8; 10];
    while reader.read_byte_record(&mut record)? {
        for (id, columns) in &plan {
            let (mut sum, mut answered) = (0u32, 0u32);
            for &index in columns {
                let cell = &record[index];
                if cell.is_empty() {
                    continue;
                }
                answered += 1;
                sum += cell
                    .iter()
                    .filter(|b| b.is_ascii_digit())
                    .fold(0, |n, &b| n * 10 + u32::from(b - b'0'));
            }
            if answered == 0 {
                continue;
            }
            writer.write_record([
                &record[patient],
                &record[date],
                id,
                format_u32(sum, &mut digits),
            ])?;
            written += 1;
        }
    }
    writer.flush()?;
    writeln!(io::stderr(), "floor: {written} records")?;
    Ok(())
}

/// Decimal digits of `n` without allocating.
fn format_u32(mut n: u32, buf: &mut [u8; 10]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}
