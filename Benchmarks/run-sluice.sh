#!/usr/bin/env bash
# Runs the LMTP load matrix (lmtp-common.sh) against Sluice: builds it in release mode,
# then for every row and run starts `sluice serve` on a free loopback port with a private
# configuration in a temporary folder (one Maildir and one Sieve script per user, the
# script being Scripts/lmtp-user.sieve), drives it with lmtp-load, stops it, and at the end
# prints the table of medians.
#
#   Benchmarks/run-sluice.sh                    # whole matrix, RUNS=3, DURATION=10
#   RUNS=1 DURATION=5 ROWS="4k-1r-c8" Benchmarks/run-sluice.sh
#
# Environment: see lmtp-common.sh; also OUT_FILE (where the RESULT lines go; default a
# file in the temporary folder, removed at exit unless KEEP=1) and SLUICE_LOG_LEVEL
# (default "info": one log line per recipient, as in production); SLUICE_TOML_EXTRA is
# appended to the configuration (e.g. $'[delivery]\ntransaction_deadline = 5').
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lmtp-common.sh"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench.XXXXXX")"
OUT_FILE="${OUT_FILE:-$WORK/results.txt}"
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building sluice (release)..."
(cd "$REPO_DIR" && swift build -c release --product sluice >&2)
SLUICE="$(cd "$REPO_DIR" && swift build -c release --show-bin-path)/sluice"
build_load

write_user_scripts "$WORK/sieve/$DOMAIN"
: >"$OUT_FILE"

server_start() {
    SERVER_PORT="$(free_port)"
    MAIL_ROOT="$WORK/mail"
    rm -rf "$MAIL_ROOT" "$WORK/spool"
    mkdir -p "$MAIL_ROOT" "$WORK/spool"
    cat >"$WORK/sluice.toml" <<TOML
hostname = "bench.localhost"
log_level = "${SLUICE_LOG_LEVEL:-info}"

[lmtp]
listen = ["127.0.0.1:$SERVER_PORT"]
max_message_size = "50M"
spool_directory = "$WORK/spool"

[users]
domains = ["$DOMAIN"]
accept_any_local_part = true
maildir = "$MAIL_ROOT/%d/%n/Maildir"
sieve_script = "$WORK/sieve/%d/%n.sieve"
${SLUICE_TOML_EXTRA:-}
TOML
    "$SLUICE" serve --config "$WORK/sluice.toml" >>"$WORK/sluice.log" 2>&1 &
    SERVER_PID=$!
    if ! wait_for_port "$SERVER_PORT"; then tail -20 "$WORK/sluice.log" >&2; exit 1; fi
}

server_stop() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=""
    if grep -qE ' (error|critical) ' "$WORK/sluice.log"; then
        log "sluice.log has errors:"; grep -E ' (error|critical) ' "$WORK/sluice.log" | tail -5 >&2
    fi
    : >"$WORK/sluice.log"
}

run_matrix sluice
print_table "$OUT_FILE" "Sluice $(cd "$REPO_DIR" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
