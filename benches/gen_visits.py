#!/usr/bin/env python3
"""Generate a realistic, made-up visits export and dosing schedule for benchmarking symscore.

    python3 benches/gen_visits.py --visits 1000000 --out-dir /tmp/bench [--seed 5]

Writes OUT_DIR/visits.csv and OUT_DIR/dosing.csv. Standard library only; the same seed and
size always give byte-identical files.

visits.csv
  header  patient_id,date,phq9_1..phq9_9,phq9_difficulty,gad7_1..gad7_7,pcl5_1..pcl5_20
  - N visits for N/10 patients (4 to 16 visits each, 10 on average), grouped by patient and in
    date order, as clinic exports usually are;
  - roughly weekly visits (every 6 to 8 days) starting 1 to 3 weeks before the patient's first
    dosing date, and a visit 1 to 3 days after each dosing, so each dosing has a baseline, the
    24-72 h integration visit and a follow-up window;
  - answers drawn around a per-patient severity that improves after each dose for most patients
    and stays flat or worsens for some, so every band, cut-off and flag occurs; PHQ-9 item 9
    endorsed at 3 to 18 % of visits depending on severity;
  - PHQ-9 and GAD-7 at every visit; PCL-5 at about 45 % of visits (always at the first one),
    its 20 cells blank otherwise (not administered);
  - about 2 % of the administered item cells blank (some administrations are then prorated or
    have too many blanks), and about 5 % of the difficulty cells blank.
dosing.csv
  header  patient_id,date,label
  - one dosing per patient, 2 for about 15 % and 3 for about 8 % (4 to 5 weeks apart).
"""

import argparse
import datetime as dt
import os
import random

PHQ9, GAD7, PCL5 = 9, 7, 20
BLANK_P = 0.02
LABELS_ONE = ["psilocybin 25 mg", "psilocybin 20 mg", "ketamine 0.5 mg/kg", "LSD 100 ug"]
LABELS_SERIES = ["MDMA 120 mg", "MDMA 80 mg", "ketamine 0.5 mg/kg"]


def visit_counts(rng, visits, patients):
    """Per-patient visit counts between 4 and 16 that add up to exactly `visits`."""
    counts = [visits // patients] * patients
    for i in range(visits - sum(counts)):
        counts[i % patients] += 1
    # Move visits between random patients, keeping every count in 4..16.
    for _ in range(patients):
        a, b = rng.randrange(patients), rng.randrange(patients)
        k = rng.randint(1, 4)
        if a != b and counts[a] - k >= 4 and counts[b] + k <= 16:
            counts[a] -= k
            counts[b] += k
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--visits", type=int, default=1_000_000)
    parser.add_argument("-o", "--out-dir", default=".")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if args.visits < 10:
        parser.error("--visits must be at least 10")

    rng = random.Random(args.seed)
    rand, randint, choice, gauss = rng.random, rng.randint, rng.choice, rng.gauss
    patients = args.visits // 10
    counts = visit_counts(rng, args.visits, patients)
    width = len(str(patients))
    day0 = dt.date(2024, 1, 1).toordinal()
    iso = {}  # ordinal -> "YYYY-MM-DD", formatted once

    def date_text(ordinal):
        text = iso.get(ordinal)
        if text is None:
            text = iso[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def cell(value, blank_p=BLANK_P):
        return "" if rand() < blank_p else str(value)

    def answers(n, level, top):
        # Each item scatters around the patient's current level; correlated within a form.
        out = []
        for _ in range(n):
            v = int(level + gauss(0.0, 0.8) + 0.5)
            out.append(cell(0 if v < 0 else top if v > top else v))
        return out

    header = (
        ["patient_id", "date"]
        + [f"phq9_{i}" for i in range(1, PHQ9 + 1)]
        + ["phq9_difficulty"]
        + [f"gad7_{i}" for i in range(1, GAD7 + 1)]
        + [f"pcl5_{i}" for i in range(1, PCL5 + 1)]
    )
    no_pcl5 = [""] * PCL5
    os.makedirs(args.out_dir, exist_ok=True)
    visits_path = os.path.join(args.out_dir, "visits.csv")
    dosing_path = os.path.join(args.out_dir, "dosing.csv")
    with open(visits_path, "w", newline="", buffering=1 << 20) as visits, open(
        dosing_path, "w", newline="", buffering=1 << 20
    ) as dosing:
        visits.write(",".join(header) + "\n")
        dosing.write("patient_id,date,label\n")
        for p in range(patients):
            pid = f"P{p + 1:0{width}d}"
            first_dose = day0 + randint(0, 2 * 365)
            r = rand()
            sessions = 3 if r < 0.08 else 2 if r < 0.23 else 1
            label = choice(LABELS_SERIES if sessions > 1 else LABELS_ONE)
            doses = [first_dose]
            for _ in range(sessions - 1):
                doses.append(doses[-1] + randint(28, 35))
            for d in doses:
                dosing.write(f"{pid},{date_text(d)},{label}\n")

            # Severity in answer units (0-3 scale); how it moves after each dose.
            base = min(2.6, max(0.2, gauss(1.6, 0.5)))
            course = rand()
            per_dose = 0.5 if course < 0.6 else 0.0 if course < 0.9 else -0.3
            anx = gauss(0.0, 0.3)
            ptsd = rand() < 0.4  # PTSD-heavy presentations score higher on the PCL-5
            day = first_dose - randint(7, 21)
            rows = []
            for v in range(counts[p]):
                doses_taken = sum(1 for d in doses if d <= day)
                level = base - per_dose * doses_taken + gauss(0.0, 0.25)
                level = 0.0 if level < 0.0 else 3.0 if level > 3.0 else level
                row = [pid, date_text(day)]
                row += answers(PHQ9 - 1, level, 3)
                # Item 9 (thoughts of death or self-harm) is endorsed far less than the rest.
                r = rand()
                p9 = 0.03 + 0.05 * level
                row.append(cell(0 if r >= p9 else 1 if r < 0.7 * p9 else 2 if r < 0.9 * p9 else 3))
                row.append(cell(min(3, int(level + 0.5)), 0.05))
                row += answers(GAD7, level + anx, 3)
                if v == 0 or rand() < 0.4:
                    row += answers(PCL5, level * 4 / 3 + (0.6 if ptsd else -0.4), 4)
                else:
                    row += no_pcl5
                rows.append(",".join(row))
                following = day + randint(6, 8)
                for d in doses:
                    if day <= d < following:
                        following = d + randint(1, 3)  # the 24-72 h integration visit
                day = following
            visits.write("\n".join(rows))
            visits.write("\n")


if __name__ == "__main__":
    main()
