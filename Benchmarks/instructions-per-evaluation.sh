#!/usr/bin/env bash
# Instructions (callgrind "Ir") per Sieve evaluation in sieve-bench: a figure that, unlike
# wall-clock time, stays the same from run to run on a loaded, shared machine.
#
# Callgrind counts only inside `SieveInterpreter.run` (--toggle-collect), so message parsing,
# script compiling and the benchmark's own calibration are left out; the total is divided
# by the number of `run` calls. Deterministic hashing keeps dictionary probing identical
# from run to run.
#
# Usage: Benchmarks/instructions-per-evaluation.sh [N] [extra sieve-bench options...]
#   N   evaluations per round (default 200); the bench makes 2N+1 calls with --rounds 1.
# Needs valgrind. Builds sieve-bench in release mode first (unless SKIP_BUILD=1).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
evaluations="${1:-200}"
shift || true

command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install -y valgrind)" >&2; exit 1; }
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    swift build -c release --package-path "$here" --product sieve-bench >&2
fi
bench="$(swift build -c release --package-path "$here" --show-bin-path)/sieve-bench"

# The mangled name of `SieveInterpreter.run(_:context:options:tracer:)`: Swift symbols are
# not demangled by valgrind, so the toggle needs the symbol as the binary spells it.
symbol="$(nm "$bench" | awk '$2 == "T" && $3 ~ /InterpreterO3run_7context7options6tracer/ { print $3 }')"
[[ -n "$symbol" ]] || { echo "cannot find SieveInterpreter.run in $bench" >&2; exit 1; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" --toggle-collect="$symbol" \
    "$bench" --evaluations "$evaluations" --rounds 1 "$@" >"$out/bench.txt" 2>"$out/valgrind.txt"

total="$(awk '/^summary:/ { print $2 }' "$out/callgrind.out")"
# sieve-bench calls run() once to show the result, N times in the warm-up round and N times
# in the one measured round.
calls=$((2 * evaluations + 1))
echo "sieve-bench: $(grep -m1 '  result' "$out/bench.txt" | sed 's/^ *//')"
echo "instructions: $total in $calls evaluations"
echo "Ir per evaluation: $((total / calls))"
