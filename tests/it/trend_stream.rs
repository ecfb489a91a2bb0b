//! The trend's streaming entry point through the public API: a file grouped by patient is
//! analysed one patient at a time, each handed over before the next patient's rows are read.

use std::cell::Cell;
use std::fmt::Write as _;
use std::io::{self, Read};
use std::rc::Rc;

use jiff::civil::date;
use symscore::Registry;
use symscore::batch::{BatchOptions, InputFormat};
use symscore::trend::{DosingPlan, PatientStream, TrendOptions, VisitsInput, resolve_params};

/// A reader that counts the bytes it has handed out.
struct Counting<R> {
    inner: R,
    read: Rc<Cell<usize>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n);
        Ok(n)
    }
}

#[test]
fn a_grouped_file_hands_each_patient_over_before_reading_the_next() {
    // P1: three visits; P2: 20,000 visits, far more than any read buffer.
    let mut text = String::from(
        "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\n",
    );
    for day in ["2026-03-09", "2026-03-12", "2026-03-19"] {
        writeln!(text, "P1,{day},1,1,1,1,1,1,1,1,0").unwrap();
    }
    for i in 0..20_000 {
        let day = date(2026, 3, 10).saturating_add(jiff::Span::new().days(i % 3000));
        writeln!(text, "P2,{day},2,2,2,2,2,2,2,2,0").unwrap();
    }
    let total = text.len();
    let read = Rc::new(Cell::new(0));
    let mut input = VisitsInput::Stream(Box::new(Counting {
        inner: io::Cursor::new(text.into_bytes()),
        read: Rc::clone(&read),
    }));
    let registry = Registry::builtin();
    // Grouped, as the grouping pass of a regular file would have found.
    let stream = PatientStream::open(
        InputFormat::Csv,
        &registry,
        &mut input,
        "v.csv",
        BatchOptions::default(),
        true,
    )
    .unwrap();
    let params = resolve_params(&registry, &[]).unwrap();
    let mut handed_over = Vec::new();
    let totals = stream
        .run(
            &DosingPlan::common(date(2026, 3, 10)),
            &params,
            &TrendOptions::default(),
            |_| {},
            |results| {
                let latest = results.trend.windows[0].1[0].latest.map(|l| l.total);
                handed_over.push((results.patient_id.to_owned(), latest, read.get()));
                Ok::<(), io::Error>(())
            },
        )
        .unwrap();
    assert_eq!(handed_over.len(), 2);
    // P1's latest in the window is day 19 (total 8), handed over with most of P2 unread.
    assert_eq!(handed_over[0].0, "P1");
    assert_eq!(handed_over[0].1, Some(8));
    assert!(
        handed_over[0].2 < total / 2,
        "{} of {total}",
        handed_over[0].2
    );
    assert_eq!(handed_over[1].0, "P2");
    assert_eq!(handed_over[1].2, total);
    assert_eq!(totals.patients, 2);
    assert_eq!(totals.read.rows, 20_003);
}
