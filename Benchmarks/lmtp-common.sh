# Shared by run-sluice.sh and run-dovecot.sh (sourced, not run): the load matrix, building
# lmtp-load, running one row, and the table of medians.
#
# Environment:
#   RUNS=3         runs per row (the table shows the median msgs/s and p99 of the runs)
#   DURATION=10    seconds of load per run
#   ROWS="..."     rows to run, by label (default: all of MATRIX below)
#   USERS=50       distinct users the recipients are drawn from
#   RESULTS=FILE   also append the RESULT lines here
#   LOAD_ARGS=".." extra lmtp-load options (e.g. "--progress 10" for a long run)

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
RUNS="${RUNS:-3}"
DURATION="${DURATION:-10}"
USERS="${USERS:-50}"
DOMAIN="bench.example"

# label concurrency size recipients
MATRIX=(
    "4k-1r-c1   1 4K 1"
    "4k-1r-c8   8 4K 1"
    "4k-1r-c64 64 4K 1"
    "4k-3r-c8   8 4K 3"
    "4k-5r-c8   8 4K 5"
    "100k-1r-c8 8 100K 1"
    "10m-1r-c1  1 10M 1"
)

log() { printf '%s\n' "$*" >&2; }

# Picks a free loopback TCP port.
free_port() {
    local port
    while true; do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then printf '%s\n' "$port"; return; fi
    done
}

# Waits until something accepts connections on 127.0.0.1:$1 (bash's /dev/tcp).
wait_for_port() {
    local port="$1" tries=0
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -gt 150 ]; then log "nothing listens on 127.0.0.1:$port after 15 s"; return 1; fi
        sleep 0.1
    done
}

build_load() {
    log "building lmtp-load (release)..."
    swift build -c release --package-path "$BENCH_DIR" --product lmtp-load >&2
    LMTP_LOAD="$(swift build -c release --package-path "$BENCH_DIR" --show-bin-path)/lmtp-load"
}

# Writes one Sieve script per user: $1 = folder, scripts named <user>.sieve.
write_user_scripts() {
    local dir="$1" k
    mkdir -p "$dir"
    for k in $(seq 1 "$USERS"); do cp "$BENCH_DIR/Scripts/lmtp-user.sieve" "$dir/loaduser$k.sieve"; done
}

# Selected rows of MATRIX.
selected_rows() {
    local row label
    for row in "${MATRIX[@]}"; do
        label="${row%% *}"
        if [ -z "${ROWS:-}" ] || [[ " $ROWS " == *" $label "* ]]; then printf '%s\n' "$row"; fi
    done
}

# run_matrix NAME: for every selected row and run, calls the server's hooks
#   server_start  (sets SERVER_PORT, SERVER_PID, MAIL_ROOT; fresh mail store each time)
#   server_stop
# and runs lmtp-load against it. Prints the RESULT lines to $OUT_FILE.
run_matrix() {
    local name="$1" row label conc size rcpts run line
    while read -r label conc size rcpts; do
        for run in $(seq 1 "$RUNS"); do
            server_start
            log "[$name] $label run $run/$RUNS (c=$conc, $size, $rcpts rcpt, ${DURATION}s)"
            set +e
            line="$("$LMTP_LOAD" --connect "127.0.0.1:$SERVER_PORT" --concurrency "$conc" --size "$size" \
                --recipients "$rcpts" --duration "$DURATION" --users "$USERS" --domain "$DOMAIN" \
                --maildir-root "$MAIL_ROOT" --server-pid "$SERVER_PID" --label "$label" ${LOAD_ARGS:-} | tee -a /dev/stderr | grep '^RESULT')"
            set -e
            server_stop
            printf '%s run=%s server=%s\n' "$line" "$run" "$name" >>"$OUT_FILE"
            if [ -n "${RESULTS:-}" ]; then printf '%s run=%s server=%s\n' "$line" "$run" "$name" >>"$RESULTS"; fi
        done
    done < <(selected_rows)
}

# field NAME LINE: the value of NAME=... in a RESULT line.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# print_table FILE NAME: one row per label, medians over runs.
print_table() {
    local file="$1" name="$2" label
    printf '\n%s (median of %s run(s) per row, %s s each)\n' "$name" "$RUNS" "$DURATION"
    printf '%-11s %4s %5s %4s %10s %10s %9s %9s %10s %s\n' row c size rcpt msgs/s rcpts/s p50_ms p99_ms peakRSS_MiB verdicts
    while read -r label conc size rcpts; do
        local lines
        lines="$(grep " label=$label " "$file" || true)"
        [ -n "$lines" ] || continue
        local mps rps p50 p99 rss verdicts
        mps="$(grep -o 'msgs_per_s=[0-9.]*' <<<"$lines" | cut -d= -f2 | median)"
        rps="$(grep -o 'rcpts_per_s=[0-9.]*' <<<"$lines" | cut -d= -f2 | median)"
        p50="$(grep -o 'p50_ms=[0-9.]*' <<<"$lines" | cut -d= -f2 | median)"
        p99="$(grep -o 'p99_ms=[0-9.]*' <<<"$lines" | cut -d= -f2 | median)"
        rss="$(grep -o 'rss_peak_kib=[0-9]*' <<<"$lines" | cut -d= -f2 | sort -n | tail -1)"
        verdicts="$(grep -o 'verdict=[A-Z]*' <<<"$lines" | cut -d= -f2 | sort | uniq -c | awk '{printf "%s%s×%s", (NR>1?",":""), $1, $2}')"
        printf '%-11s %4s %5s %4s %10s %10s %9s %9s %10s %s\n' "$label" "$conc" "$size" "$rcpts" "$mps" "$rps" "$p50" "$p99" "$((rss / 1024))" "$verdicts"
    done < <(selected_rows)
}
