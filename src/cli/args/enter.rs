//! `symscore enter`: its arguments and its long help.

use std::path::PathBuf;

use clap::Args;

use super::OutputArgs;

pub(super) const ENTER_EXAMPLES: &str = "\
Examples:
  symscore enter phq9 --patient P017 --append visits.csv     # date defaults to today
  symscore enter phq9 gad7 pcl5 --patient P017 --date 2026-05-04 --append visits.csv
  symscore enter gad7                                          # score only, save nothing
  printf '1\\n2\\n0\\n3\\n1\\n0\\n0\\n2\\n1\\n\\ny\\n' | \\
      symscore enter phq9 --patient P017 --append visits.csv  # scripted: one answer a line

Keys at each item (type one, then Enter):
  a number     the answer, on the instrument's scale (0-3 PHQ-9 and GAD-7, 0-4 PCL-5)
  Enter or s   leave the item blank (missing; the total may be prorated)
  b            go back one item
  ?            show the item's text, its answer scale and these keys
  q            abandon the visit; nothing is saved (at a terminal, y confirms)
An item asked again (after b, or from the review) shows its answer: Enter or k keeps it,
s blanks it, a number replaces it. skip, back, help (or h) and quit work as words too.
Anything else (02, 2.0, NA) is refused and the item asked again. Lowering or blanking an
endorsed answer to a safety item (PHQ-9 item 9) asks first: only y changes it, Enter keeps
it. At a terminal, Backspace and Ctrl-U edit the line; Ctrl-D on an empty line ends the
input, which abandons the visit.

After the last item a review shows every answer (marking those changed after they were
first given), the totals, severity and flags. At a terminal: y saves (or accepts), c
changes an answer (by its number; Enter goes back), q abandons (y confirms); Enter alone
does nothing. Piped input must send y (or yes) to save; anything else, or the end of
input, abandons the visit. Ctrl-C abandons the visit at any time and says so (exit 130).
One answer line holds at most 4096 bytes.

The terminal prompts are used when standard input and standard error are both terminals;
otherwise one answer is read per line and prompts go to standard error.

Saving appends one row (patient_id, date, then each instrument's item columns) to the
file, adding missing columns to its header; every existing cell is kept byte for byte.
The file is replaced atomically (temporary file, sync, rename) under a lock on a sidecar
file `.FILE.lock`, so two people saving at once both land. Nothing is written before you
confirm: `q`, Ctrl-C or the end of input leave the file exactly as it was.

Exit status: 0 the visit was completed (and saved, with --append); 1 the visit was
abandoned (`q`, declined review, end of input) and nothing was saved; 2 usage error, a
file that cannot be read or written, or an answer line over 4096 bytes (nothing saved);
130 interrupted with Ctrl-C (nothing saved).";

#[derive(Debug, Args)]
pub(crate) struct EnterArgs {
    /// Instruments to give at this visit, asked in this order (`phq9 gad7 pcl5`).
    #[arg(required = true, value_name = "ID")]
    pub(crate) instruments: Vec<String>,

    /// Patient id; required with --append.
    #[arg(long, value_name = "ID")]
    pub(crate) patient: Option<String>,

    /// Visit date as YYYY-MM-DD, or `today`.
    #[arg(long, value_name = "DATE", default_value = "today")]
    pub(crate) date: String,

    /// Accept a visit date after today (refused by default as a likely typo).
    #[arg(long)]
    pub(crate) allow_future: bool,

    /// Save the visit as one row of this visits CSV (created if it does not exist).
    #[arg(long, value_name = "FILE")]
    pub(crate) append: Option<PathBuf>,

    /// Save (or accept) without asking for confirmation after the review.
    #[arg(short = 'y', long)]
    pub(crate) yes: bool,

    #[command(flatten)]
    pub(crate) output: OutputArgs,
}
