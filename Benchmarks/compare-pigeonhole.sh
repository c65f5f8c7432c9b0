#!/usr/bin/env bash
# Compares Sluice's Sieve evaluation with Dovecot Pigeonhole's on the same script and
# message, in instructions (callgrind "Ir"), which stay the same from run to run even on
# a loaded machine. See "compare-pigeonhole.sh" in Benchmarks/README.md for the method
# and its caveats.
#
# Usage: Benchmarks/compare-pigeonhole.sh [--wall] [SCRIPT MESSAGE]
#   SCRIPT, MESSAGE  default: Scripts/fifty-rules.sieve, Messages/typical-10k.eml
#   --wall           also time whole processes (`sieve-check run` vs `sieve-test`) with
#                    hyperfine; installs hyperfine with apt-get if it is missing.
#
# Needs valgrind, and Pigeonhole's sieve-test (Debian: dovecot-sieve, dovecot-core;
# installed with apt-get when missing and running as root).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
wall=0
if [[ "${1:-}" == "--wall" ]]; then wall=1; shift; fi
script="$(realpath "${1:-$here/Scripts/fifty-rules.sieve}")"
message="$(realpath "${2:-$here/Messages/typical-10k.eml}")"
from="eng-announce-bounces+jan.novak=example.net@lists.example.org"
to="jan.novak@example.net"

need_apt() {
    if [[ $(id -u) -ne 0 ]]; then echo "missing $*; install it (apt-get install -y $*)" >&2; exit 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >&2
}
command -v valgrind >/dev/null || need_apt valgrind
command -v sieve-test >/dev/null && command -v sievec >/dev/null || need_apt dovecot-sieve dovecot-core

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# Dovecot's tools refuse to run as root without mail_uid; run them as nobody then.
as_mail_user=()
if [[ $(id -u) -eq 0 ]]; then
    as_mail_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$work")
fi

# --- Pigeonhole --------------------------------------------------------------------------
# The script is precompiled with sievec, so sieve-test loads the binary instead of
# compiling: the evaluation is then what differs between the two scripts.
cp "$script" "$work/script.sieve"
cp "$message" "$work/message.eml"
printf 'keep;\n' >"$work/keep.sieve"
if [[ ${#as_mail_user[@]} -gt 0 ]]; then chown -R nobody:nogroup "$work"; fi
for s in script keep; do "${as_mail_user[@]}" sievec "$work/$s.sieve" >&2; done

# sieve-test re-executes itself through doveconf; --trace-children follows it, and the
# last image (the real sieve-test) writes the profile.
pigeonhole_ir() {  # $1 = script basename, $2 = extra callgrind options; prints total Ir
    "${as_mail_user[@]}" valgrind --tool=callgrind --trace-children=yes $2 \
        --callgrind-out-file="$work/$1.%p.callgrind" \
        sieve-test -f "$from" -r "$to" "$work/$1.sieve" "$work/message.eml" >"$work/$1.out" 2>&1
    local file
    file="$(ls -t "$work"/"$1".*.callgrind | head -1)"
    awk '/^summary:/ { print $2 }' "$file"
    rm -f "$work"/"$1".*.callgrind
}
ph_process="$(pigeonhole_ir script "")"
ph_keep_process="$(pigeonhole_ir keep "")"
ph_run="$(pigeonhole_ir script "--toggle-collect=sieve_interpreter_run")"
ph_result="$(grep -A2 'Performed actions' "$work/script.out" | tail -1 | sed 's/^ *//')"

# --- Sluice ------------------------------------------------------------------------------
swift build -c release --package-path "$here" --product sieve-bench >&2
bench="$(swift build -c release --package-path "$here" --show-bin-path)/sieve-bench"

# Ir collected inside one function of sieve-bench, and the number of calls to it that
# callgrind recorded; printed as "TOTAL CALLS".
sluice_ir() {  # $1 = symbol pattern (as nm spells it), $2 = evaluations, $3 = setup iterations
    local symbol
    symbol="$(nm "$bench" | awk -v p="$1" '$2 == "T" && $3 ~ p { print $3 }' | head -1)"
    [[ -n "$symbol" ]] || { echo "cannot find $1 in $bench" >&2; exit 1; }
    SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --compress-strings=no \
        --toggle-collect="$symbol" --callgrind-out-file="$work/sluice.callgrind" \
        "$bench" --script "$script" --message "$message" --envelope-from "$from" --envelope-to "$to" \
        --evaluations "$2" --setup-iterations "$3" --rounds 1 >"$work/sluice.out" 2>/dev/null
    awk -v s="$symbol" '
        /^summary:/ { total = $2 }
        index($0, "cfn=") == 1 && substr($0, 5) == s { getline; split($1, c, "="); calls += c[2] }
        END { print total, calls }' "$work/sluice.callgrind"
}
# Each figure is solved from two runs with different call counts, so that one-time costs
# (the Swift runtime instantiating metadata on first use) drop out of the per-call figure.
#
# SieveInterpreter.run(_:context:options:tracer:): sieve-bench calls it 2N+1 times on one
# message. The first run on a message also parses the address headers it tests (kept in
# the Message for later runs): runs are measured with N = 1 and N = 100 and solved for
# the steady-state run; the first run is what the N = 1 total leaves over.
run_symbol='InterpreterO3run_7context7options6tracer'
read -r t1 c1 <<<"$(sluice_ir "$run_symbol" 1 1)"
read -r t100 c100 <<<"$(sluice_ir "$run_symbol" 100 1)"
sl_run=$(( (t100 - t1) / (c100 - c1) ))
sl_first=$(( t1 - (c1 - 1) * sl_run ))
sl_result="$(grep -m1 '  result' "$work/sluice.out" | sed 's/^ *result *//')"
# Message.init(bytes:): called once up front, then --setup-iterations times.
parse_symbol='MailCore7MessageC5bytesACSays5UInt8VG_tcfc$'
read -r p1 pc1 <<<"$(sluice_ir "$parse_symbol" 1 1)"
read -r p21 pc21 <<<"$(sluice_ir "$parse_symbol" 1 21)"
sl_parse=$(( (p21 - p1) / (pc21 - pc1) ))
# The first run's figure still holds the runtime's one-time costs of the code paths that
# only it takes (address parsing); a delivery agent pays those once per process.

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
group() { echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'; }

echo "Script:  $script"
echo "Message: $message"
echo "Result:  Pigeonhole: $ph_result | Sluice: $sl_result"
echo
echo "Instructions (callgrind Ir)"
row() { printf "  %-62s %12s\n" "$1" "$(group "$2")"; }
row "Pigeonhole: one evaluation, inside sieve_interpreter_run" "$ph_run"
row "Pigeonhole: sieve-test process minus the same with 'keep;'" $((ph_process - ph_keep_process))
echo "    (whole sieve-test process: $(group "$ph_process") with the script, $(group "$ph_keep_process") with 'keep;')"
row "Sluice: message parse, Message(bytes:)" "$sl_parse"
row "Sluice: first run on a parsed message (parses address headers)" "$sl_first"
row "Sluice: each further run on the same message" "$sl_run"
row "Sluice: one delivery, parse + first run" $((sl_parse + sl_first))
echo
echo "Pigeonhole / Sluice, one delivery (parse + first run):   $(ratio "$ph_run" $((sl_parse + sl_first)))x"
echo "Pigeonhole / Sluice, evaluation on a shared parsed message: $(ratio "$ph_run" "$sl_run")x"

if [[ $wall -eq 1 ]]; then
    command -v hyperfine >/dev/null || need_apt hyperfine
    swift build -c release --product sieve-check --package-path "$here/.." >&2
    check="$(swift build -c release --package-path "$here/.." --show-bin-path)/sieve-check"
    echo
    echo "Whole processes (startup, config, compile or binary load, parse, one evaluation):"
    hyperfine --warmup 5 --runs 50 -N \
        -n "sieve-test (Pigeonhole)" \
        "${as_mail_user[*]} sieve-test -f $from -r $to $work/script.sieve $work/message.eml" \
        -n "sieve-check run (Sluice)" \
        "$check run $script $message --from $from --to $to"
fi
