#!/usr/bin/env bash
# Runs the LMTP load matrix against Sluice and against Dovecot LMTP + Pigeonhole, and prints
# per row the ratio of Sluice's messages/s to Dovecot's and both p99 latencies.
# The two servers take turns (one pass of the matrix each, RUNS times) so that a noisy
# neighbour on a shared machine hits both alike. Needs root (for run-dovecot.sh).
#
#   sudo Benchmarks/compare-lmtp.sh
#   RUNS=3 DURATION=10 ROWS="4k-1r-c8 4k-3r-c8" sudo -E Benchmarks/compare-lmtp.sh
#
# Environment: RUNS, DURATION, ROWS, USERS (lmtp-common.sh); DOVECOT_FSYNC (run-dovecot.sh);
# RESULTS=FILE keeps every RESULT line (default: a temporary file, printed path at the end).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lmtp-common.sh"

TOTAL_RUNS="$RUNS"
RESULTS_FILE="${RESULTS:-$(mktemp "${TMPDIR:-/tmp}/compare-lmtp.XXXXXX")}"
: >"$RESULTS_FILE"
SLUICE_FILE="$(mktemp)"; DOVECOT_FILE="$(mktemp)"
trap 'rm -f "$SLUICE_FILE" "$DOVECOT_FILE"' EXIT

for run in $(seq 1 "$TOTAL_RUNS"); do
    log "=== pass $run/$TOTAL_RUNS: Sluice"
    RUNS=1 OUT_FILE="$SLUICE_FILE.part" RESULTS="$RESULTS_FILE" "$BENCH_DIR/run-sluice.sh" >/dev/null
    cat "$SLUICE_FILE.part" >>"$SLUICE_FILE"; rm -f "$SLUICE_FILE.part"
    log "=== pass $run/$TOTAL_RUNS: Dovecot"
    RUNS=1 OUT_FILE="$DOVECOT_FILE.part" RESULTS="$RESULTS_FILE" "$BENCH_DIR/run-dovecot.sh" >/dev/null
    cat "$DOVECOT_FILE.part" >>"$DOVECOT_FILE"; rm -f "$DOVECOT_FILE.part"
done

RUNS="$TOTAL_RUNS"
print_table "$SLUICE_FILE" "Sluice $(cd "$REPO_DIR" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
print_table "$DOVECOT_FILE" "Dovecot $(dovecot --version | cut -d' ' -f1) (mail_fsync=${DOVECOT_FSYNC:-always})"

column_median() { grep " label=$2 " "$1" | grep -o "$3=[0-9.]*" | cut -d= -f2 | median; }
printf '\nSluice / Dovecot (medians of %s pass(es); ratio > 1 means Sluice delivers more messages/s)\n' "$RUNS"
printf '%-11s %12s %12s %7s %12s %12s %s\n' row sluice_msg/s dovecot_msg/s ratio sluice_p99 dovecot_p99 p99_ok
while read -r label _; do
    s_mps="$(column_median "$SLUICE_FILE" "$label" msgs_per_s)"; d_mps="$(column_median "$DOVECOT_FILE" "$label" msgs_per_s)"
    s_p99="$(column_median "$SLUICE_FILE" "$label" p99_ms)"; d_p99="$(column_median "$DOVECOT_FILE" "$label" p99_ms)"
    [ "$s_mps" != "-" ] && [ "$d_mps" != "-" ] || continue
    ratio="$(awk -v s="$s_mps" -v d="$d_mps" 'BEGIN { if (d > 0) printf "%.2f", s / d; else print "-" }')"
    p99ok="$(awk -v s="$s_p99" -v d="$d_p99" 'BEGIN { print (s <= d ? "yes" : "no") }')"
    printf '%-11s %12s %12s %6s× %10s ms %10s ms %s\n' "$label" "$s_mps" "$d_mps" "$ratio" "$s_p99" "$d_p99" "$p99ok"
done < <(selected_rows)
if grep -q 'verdict=FAIL' "$RESULTS_FILE"; then
    printf '\nSOME RUNS FAILED their checks (see verdict=FAIL lines in %s)\n' "$RESULTS_FILE"
fi
printf '\nAll RESULT lines: %s\n' "$RESULTS_FILE"
