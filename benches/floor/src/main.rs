//! Floor for the symscore benchmark: parse the visits CSV with the csv crate, sum each
//! instrument's item columns per row and write `patient_id,date,instrument,sum` for every
//! administration. Blank cells are missing; an instrument whose items are all blank was not
//! administered and gets no row. No validation, no proration, no flags.
//!
//! With `--wide`, the same loop writes a row shaped like symscore's output instead: its 14
//! columns, with cheap stand-ins of typical length for the cells that need the scoring rules
//! (severity, flags, subscales). It answers "how much of symscore's time is writing its
//! output contract?", which the 4-column floor cannot: at 1M visits symscore writes 3.6
//! times the floor's bytes, and this mode about 90 % of symscore's.
//!
//! Usage: `floor [--wide] VISITS.csv > out.csv`. The record count goes to stderr, to compare
//! with symscore's summary line.

use std::error::Error;
use std::fs::File;
use std::io::{self, Write};

/// Instrument id and item count; items are the columns `<id>_1` … `<id>_<n>`.
const INSTRUMENTS: [(&str, usize); 3] = [("phq9", 9), ("gad7", 7), ("pcl5", 20)];

/// symscore's CSV output columns (README, "Output").
const WIDE_HEADER: [&str; 14] = [
    "patient_id",
    "date",
    "instrument",
    "total",
    "total_exact",
    "max",
    "severity",
    "answered",
    "missing",
    "prorated",
    "flags",
    "subscales",
    "line",
    "instrument_version",
];

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args_os().skip(1).peekable();
    let wide = args.next_if(|a| a == "--wide").is_some();
    let path = args.next().ok_or("usage: floor [--wide] VISITS.csv")?;
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
    if wide {
        writer.write_record(WIDE_HEADER)?;
    } else {
        writer.write_record(["patient_id", "date", "instrument", "sum"])?;
    }
    let mut record = csv::ByteRecord::new();
    let mut written = 0u64;
    let mut digits = [[0u8; 20]; 5];
    while reader.read_byte_record(&mut record)? {
        for (id, columns) in &plan {
            let (mut sum, mut answered) = (0u64, 0u64);
            for &index in columns {
                let cell = &record[index];
                if cell.is_empty() {
                    continue;
                }
                answered += 1;
                sum += cell
                    .iter()
                    .filter(|b| b.is_ascii_digit())
                    .fold(0, |n, &b| n * 10 + u64::from(b - b'0'));
            }
            if answered == 0 {
                continue;
            }
            let [d_sum, d_max, d_answered, d_missing, d_line] = &mut digits;
            if !wide {
                writer.write_record([
                    &record[patient],
                    &record[date],
                    id,
                    format_u64(sum, d_sum),
                ])?;
            } else {
                let items = columns.len() as u64;
                let max = items * if items == 20 { 4 } else { 3 };
                let high = sum * 2 > max;
                let line = record.position().map_or(0, |p| p.line());
                let sum = format_u64(sum, d_sum);
                writer.write_record([
                    &record[patient],
                    &record[date],
                    id,
                    sum,
                    sum,
                    format_u64(max, d_max),
                    if high { b"moderately_severe" } else { b"mild" },
                    format_u64(answered, d_answered),
                    format_u64(items - answered, d_missing),
                    if answered < items { b"true" } else { b"false" },
                    if high {
                        b"CASENESS_PHQ9;MAJOR_DEPRESSIVE_SYNDROME"
                    } else {
                        b""
                    },
                    if items == 20 {
                        b"B=15;C=8;D=25;E=20"
                    } else {
                        b""
                    },
                    format_u64(line, d_line),
                    b"1.0.0",
                ])?;
            }
            written += 1;
        }
    }
    writer.flush()?;
    writeln!(io::stderr(), "floor: {written} records")?;
    Ok(())
}

/// Decimal digits of `n` without allocating.
fn format_u64(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
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
