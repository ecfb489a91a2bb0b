#!/usr/bin/env python3
"""Generate the export of one patient with many visits (and optionally many dosings).

    python3 benches/gen_one_patient.py --visits 1000000 --dosings 1 --out-dir /tmp/bench

Writes OUT_DIR/visits.csv and OUT_DIR/dosing.csv for a single patient `P1`, the shapes that
showed quadratic paths in issue 11 (point 16): every key of the repeated-visit detector, every
NHS Talking Therapies pairing and every dosing × visit pair belong to one patient.

visits.csv
  header  patient_id,date,phq9_1..phq9_9,gad7_1..gad7_7
  - visits spread evenly over the dates symscore accepts (1900-01-01 to 2199-12-31, 109,572
    days): one a day up to 109,572 visits, so no two repeat a date; above that several a day,
    whose repeats `score` reports (1M visits: about 9 a day, some 1.8M repeated
    administrations). Every distinct (date, instrument) key is then in one patient's map;
  - PHQ-9 and GAD-7 at every visit, answers drawn at random from 0-3 (item 9 mostly 0).
dosing.csv
  header  patient_id,date,label
  - DOSINGS distinct dosing dates spread evenly over the visits' days, the first on day 10.
Standard library only; the same seed and sizes always give byte-identical files.
"""

import argparse
import datetime as dt
import os
import random


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--visits", type=int, default=1_000_000)
    parser.add_argument("-d", "--dosings", type=int, default=1)
    parser.add_argument("-o", "--out-dir", default=".")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if args.visits < 20 or not 1 <= args.dosings <= args.visits // 2:
        parser.error("--visits must be at least 20 and --dosings from 1 to half the visits")

    rng = random.Random(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    day0 = dt.date(1900, 1, 1).toordinal()
    span = dt.date(2199, 12, 31).toordinal() - day0 + 1
    # Answer cells for a visit, drawn from a pool of precomputed rows: 1M rows of 16 random
    # draws each would take most of a minute in Python.
    pool = []
    for _ in range(4096):
        phq = [rng.randint(0, 3) for _ in range(8)] + [0 if rng.random() < 0.9 else rng.randint(1, 3)]
        gad = [rng.randint(0, 3) for _ in range(7)]
        pool.append(",".join(map(str, phq + gad)))
    header = ["patient_id", "date"] + [f"phq9_{i}" for i in range(1, 10)] + [
        f"gad7_{i}" for i in range(1, 8)
    ]
    with open(os.path.join(args.out_dir, "visits.csv"), "w", newline="") as out:
        out.write(",".join(header) + "\n")
        lines = []
        for v in range(args.visits):
            date = dt.date.fromordinal(day0 + v * span // args.visits).isoformat()
            lines.append(f"P1,{date},{pool[rng.randrange(4096)]}\n")
            if len(lines) == 10_000:
                out.writelines(lines)
                lines.clear()
        out.writelines(lines)
    # Dosing dates evenly over the visits' days, the first on day 10; distinct while there
    # are at most `span - 10` of them.
    step = (min(args.visits, span) - 10) / args.dosings
    with open(os.path.join(args.out_dir, "dosing.csv"), "w", newline="") as out:
        out.write("patient_id,date,label\n")
        for d in range(args.dosings):
            date = dt.date.fromordinal(day0 + 10 + int(d * step)).isoformat()
            out.write(f"P1,{date},session {d + 1}\n")


if __name__ == "__main__":
    main()
