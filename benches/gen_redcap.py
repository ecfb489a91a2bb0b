#!/usr/bin/env python3
"""Write the benchmark's visits (benches/gen_visits.py) as a REDCap export with its dictionary.

    python3 benches/gen_redcap.py --visits 1000000 --out-dir /tmp/bench [--seed 5]
    python3 benches/gen_redcap.py --from-visits VISITS.csv --out-dir /tmp/bench
    python3 benches/gen_redcap.py --check VISITS.csv REDCAP_RECORDS.csv

The first form runs gen_visits.py with the same size and seed (OUT_DIR/visits.csv and
OUT_DIR/dosing.csv), then converts; the second converts an existing visits file. Both write
OUT_DIR/redcap-records.csv and OUT_DIR/redcap-dictionary.csv and then check that the two files
carry identical answers (the third form runs only that check). Standard library only.

The conversion reads the visits and changes their shape, never an answer, so the REDCap export
holds exactly the administrations of visits.csv:

  - record_id = patient_id; the k-th visit of a patient is event `visit_<k>_arm_1`;
  - one row per visit: record_id, redcap_event_name, redcap_repeat_instrument,
    redcap_repeat_instance (both empty), then the forms `visit` (visit_date), `phq9` (phq_1 ..
    phq_9, phq_difficulty), `gad7` (gad7_q1 .. gad7_q7), `pcl5` (pcl5_memories .. pcl5_sleep),
    each followed by `<form>_complete`: 2 when the form has an answer, blank when it has none;
  - with --repeating, the PCL-5 goes on a repeating-instrument row of its own (instance 1) after
    the visit row, as REDCap writes a repeating form; its date is the visit row's;
  - the dictionary maps the PHQ-9 by symscore's guided default (form `phq9`, radio fields in item
    order on 0-3, then the difficulty question), the GAD-7, the PCL-5 and `visit_date` by `@SYMSCORE=`
    annotations, so `symscore score --redcap-dictionary` needs no mapping file.
"""

import argparse
import csv
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PHQ_CHOICES = "0, Not at all | 1, Several days | 2, More than half the days | 3, Nearly every day"
DIFF_CHOICES = (
    "0, Not difficult at all | 1, Somewhat difficult | 2, Very difficult | 3, Extremely difficult"
)
PCL_CHOICES = "0, Not at all | 1, A little bit | 2, Moderately | 3, Quite a bit | 4, Extremely"
PCL_NAMES = [
    "memories", "dreams", "flashbacks", "upset", "physical", "avoid_memories", "avoid_reminders",
    "memory_gaps", "negative_beliefs", "blame", "negative_feelings", "lost_interest", "distant",
    "no_positive", "irritable", "risks", "on_guard", "startle", "concentration", "sleep",
]
DICTIONARY_HEADER = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note",
    "Text Validation Type OR Show Slider Number", "Text Validation Min", "Text Validation Max",
    "Identifier?", "Branching Logic (Show field only if...)", "Required Field?",
    "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation",
]

# (visits column, REDCap field, form) in the order of the records export.
FORMS = {
    "phq9": [(f"phq9_{i}", f"phq_{i}") for i in range(1, 10)]
    + [("phq9_difficulty", "phq_difficulty")],
    "gad7": [(f"gad7_{i}", f"gad7_q{i}") for i in range(1, 8)],
    "pcl5": [(f"pcl5_{i}", f"pcl5_{name}") for i, name in enumerate(PCL_NAMES, start=1)],
}
LEAD = ["record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"]


def dictionary_rows():
    """The dictionary, one list of 18 cells per field."""

    def row(name, form, kind, label, choices="", validation="", annotation=""):
        return [name, form, "", kind, label, choices, "", validation, "", "", "", "", "", "", "",
                "", "", annotation]

    rows = [
        row("record_id", "visit", "text", "Record ID"),
        row("visit_date", "visit", "text", "Date of visit", validation="date_ymd",
            annotation="@SYMSCORE=date"),
    ]
    for i in range(1, 10):
        rows.append(row(f"phq_{i}", "phq9", "radio", f"PHQ-9 item {i}", PHQ_CHOICES))
    rows.append(row("phq_difficulty", "phq9", "radio", "How difficult", DIFF_CHOICES))
    for i in range(1, 8):
        rows.append(row(f"gad7_q{i}", "gad7", "radio", f"GAD-7 item {i}", PHQ_CHOICES,
                        annotation=f"@SYMSCORE=gad7_{i}"))
    for i, name in enumerate(PCL_NAMES, start=1):
        rows.append(row(f"pcl5_{name}", "pcl5", "radio", f"PCL-5 item {i}", PCL_CHOICES,
                        annotation=f"@SYMSCORE=pcl5_{i}"))
    return rows


def records_header():
    header = LEAD + ["visit_date", "visit_complete"]
    for form, pairs in FORMS.items():
        header += [field for _, field in pairs] + [f"{form}_complete"]
    return header


def convert(visits_path, out_dir, repeating):
    """Writes OUT_DIR/redcap-records.csv and OUT_DIR/redcap-dictionary.csv from a visits file."""
    records_path = os.path.join(out_dir, "redcap-records.csv")
    dictionary_path = os.path.join(out_dir, "redcap-dictionary.csv")
    with open(dictionary_path, "w", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        writer.writerow(DICTIONARY_HEADER)
        writer.writerows(dictionary_rows())
    header = records_header()
    width = len(header)
    with open(visits_path, newline="") as src, open(
        records_path, "w", newline="", buffering=1 << 20
    ) as out:
        reader = csv.reader(src)
        column = {name: i for i, name in enumerate(next(reader))}
        sources = {form: [column[v] for v, _ in pairs] for form, pairs in FORMS.items()}
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        patient, visit_number = None, 0
        for row in reader:
            pid, date = row[column["patient_id"]], row[column["date"]]
            visit_number = visit_number + 1 if pid == patient else 1
            patient = pid
            event = f"visit_{visit_number}_arm_1"
            cells = [pid, event, "", "", date, "2"]
            pcl5_cells = None
            for form, indices in sources.items():
                values = [row[i] for i in indices]
                status = "2" if any(values) else ""
                if form == "pcl5" and repeating:
                    pcl5_cells = values + [status]
                    values, status = [""] * len(values), ""
                cells += values + [status]
            writer.writerow(cells)
            if pcl5_cells is not None and pcl5_cells[-1]:
                instance = [pid, event, "pcl5", "1"] + [""] * (width - 4 - len(pcl5_cells))
                writer.writerow(instance + pcl5_cells)
    return records_path


def check(visits_path, records_path):
    """True when every visit's answers are in the REDCap export, unchanged and in order."""
    with open(visits_path, newline="") as v, open(records_path, newline="") as r:
        visits, records = csv.reader(v), csv.reader(r)
        vcol = {name: i for i, name in enumerate(next(visits))}
        rcol = {name: i for i, name in enumerate(next(records))}
        pairs = [(vcol[a], rcol[b]) for form in FORMS.values() for a, b in form]
        pending = None
        count = 0
        for visit in visits:
            row = pending or next(records, None)
            pending = None
            if row is None:
                print(f"check: visits line {count + 2} has no REDCap row", file=sys.stderr)
                return False
            merged = list(row)
            following = next(records, None)
            if following is not None and following[rcol["redcap_repeat_instrument"]]:
                # A repeating PCL-5 row: its cells belong to the visit above.
                for i, cell in enumerate(following):
                    if cell and i >= len(LEAD):
                        merged[i] = cell
            else:
                pending = following
            count += 1
            expected = [visit[vcol["patient_id"]], visit[vcol["date"]]]
            got = [merged[rcol["record_id"]], merged[rcol["visit_date"]]]
            if expected != got or any(visit[a] != merged[b] for a, b in pairs):
                print(f"check: visit {count} (visits line {count + 1}) differs: {visit} vs {merged}",
                      file=sys.stderr)
                return False
        if pending is not None or next(records, None) is not None:
            print("check: the REDCap export has rows after the last visit", file=sys.stderr)
            return False
    print(f"check: {count} visits, identical answers in {os.path.basename(records_path)}")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--visits", type=int, default=1_000_000)
    parser.add_argument("-o", "--out-dir", default=".")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--from-visits", metavar="VISITS", help="convert this visits file")
    parser.add_argument("--repeating", action="store_true",
                        help="the PCL-5 as a repeating instrument on rows of its own")
    parser.add_argument("--check", nargs=2, metavar=("VISITS", "RECORDS"),
                        help="only check that RECORDS carries the answers of VISITS")
    args = parser.parse_args()
    if args.check:
        sys.exit(0 if check(*args.check) else 1)
    os.makedirs(args.out_dir, exist_ok=True)
    visits_path = args.from_visits
    if visits_path is None:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_visits.py"), "--visits",
                        str(args.visits), "--out-dir", args.out_dir, "--seed", str(args.seed)],
                       check=True)
        visits_path = os.path.join(args.out_dir, "visits.csv")
    records_path = convert(visits_path, args.out_dir, args.repeating)
    sys.exit(0 if check(visits_path, records_path) else 1)


if __name__ == "__main__":
    main()
