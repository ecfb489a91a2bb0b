#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ (gitignored) with seeds from the repository's own files.
# Run from anywhere; safe to run again (existing corpus entries are kept).
set -euo pipefail

fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz")
corpus="$fuzz/corpus"
mkdir -p "$corpus/batch_csv" "$corpus/definition" "$corpus/score_answers"

# batch_csv: every visits-like CSV as it is (read with the default options) ...
while IFS= read -r -d '' file; do
    name=${file#"$repo"/}
    cp "$file" "$corpus/batch_csv/${name//\//_}"
done < <(find "$repo/examples" "$repo/tests/fixtures" -name '*.csv' -print0)
# ... and the option variants, chosen by a leading byte (see fuzz_targets/batch_csv.rs).
variant() { # byte source name
    { printf "$1"; cat "$repo/$2"; } > "$corpus/batch_csv/$3"
}
variant '\001' tests/fixtures/bad/semicolon_delimiter.csv variant_semicolon.csv
variant '\002' tests/fixtures/bad/tab_delimiter.csv variant_tab.csv
variant '\003' examples/visits.csv variant_non_response.csv
variant '\004' tests/fixtures/bad/semicolon_delimiter.csv variant_semicolon_dates.csv
variant '\005' tests/fixtures/nhanes_sample.csv variant_nhanes.csv

# definition: the built-in definitions, the example and every bad definition fixture.
while IFS= read -r -d '' file; do
    name=${file#"$repo"/}
    cp "$file" "$corpus/definition/${name//\//_}"
done < <(find "$repo/instruments" "$repo/examples" "$repo/tests/fixtures" -name '*.json' -print0)

# score_answers: the hand-computed cases of tests/fixtures/known_answers.csv as bytes
# (instrument byte 0/1/2, then one byte per answer; `_` blank, anything else unusable).
awk -F, -v dir="$corpus/score_answers" '
    NR > 1 {
        id = ($2 == "phq9") ? 0 : ($2 == "gad7") ? 1 : ($2 == "pcl5") ? 2 : -1
        if (id < 0) next
        span = ($2 == "pcl5") ? 5 : 4
        out = sprintf("%s/known_%s", dir, $1)
        printf "%c", id > out
        n = split($3, answers, " ")
        for (i = 1; i <= n; i++) {
            a = answers[i]
            if (a ~ /^[0-9]$/ && a + 0 < span) byte = a + 0
            else if (a == "_") byte = span + 1
            else byte = span
            printf "%c", byte > out
        }
        close(out)
    }' "$repo/tests/fixtures/known_answers.csv"

# Regression inputs (committed, small) are seeds too.
for target in batch_csv definition score_answers; do
    if [ -d "$fuzz/regressions/$target" ]; then
        cp "$fuzz/regressions/$target"/* "$corpus/$target/"
    fi
done

for target in batch_csv definition score_answers; do
    echo "$target: $(find "$corpus/$target" -type f | wc -l) seeds"
done
