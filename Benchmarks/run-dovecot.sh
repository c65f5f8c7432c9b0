#!/usr/bin/env bash
# Runs the LMTP load matrix (lmtp-common.sh) against Dovecot LMTP with Pigeonhole Sieve, in
# a private configuration: everything (config, base_dir, state_dir, log, Maildirs, scripts)
# lives in a temporary folder; no system service is started, stopped or reconfigured.
# Installs Debian's dovecot-core, dovecot-lmtpd and dovecot-sieve if they are missing.
#
#   sudo Benchmarks/run-dovecot.sh               # whole matrix, RUNS=3, DURATION=10
#   RUNS=1 DURATION=5 ROWS="4k-1r-c8" Benchmarks/run-dovecot.sh
#
# Must run as root (Dovecot's LMTP service runs as root and switches to the mail user;
# the packages are installed with apt-get). Mail is delivered as MAIL_USER (default nobody).
# Durability: DOVECOT_FSYNC (default "always": fsync after every write, so that a 250
# means the message is on disk, which is Sluice's contract; Dovecot's own default is
# "optimized").
# Environment: see lmtp-common.sh; also OUT_FILE, KEEP=1 (keep the temporary folder).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lmtp-common.sh"

if [ "$(id -u)" != 0 ]; then log "run-dovecot.sh must run as root (see the comment at the top)"; exit 1; fi
missing=()
for package in dovecot-core dovecot-lmtpd dovecot-sieve; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]} (the service is not started: the benchmark runs its own instance)"
    # policy-rc.d exit 101 keeps the package scripts from starting the system service.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; REMOVE_POLICY=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
    if [ "${REMOVE_POLICY:-0}" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
DOVECOT="$(command -v dovecot || echo /usr/sbin/dovecot)"
MAIL_USER="${MAIL_USER:-nobody}"
MAIL_UID="$(id -u "$MAIL_USER")"
MAIL_GID="$(id -g "$MAIL_USER")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dovecot-bench.XXXXXX")"
chmod 755 "$WORK"
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

build_load
write_user_scripts "$WORK/sieve/$DOMAIN"
chown -R "$MAIL_UID:$MAIL_GID" "$WORK/sieve"
: >"$OUT_FILE"

# One passwd-file line per user: user:password:uid:gid:gecos:home:shell
MAIL_ROOT="$WORK/mail"
for k in $(seq 1 "$USERS"); do
    printf 'loaduser%s@%s::%s:%s::%s/%s/loaduser%s::\n' "$k" "$DOMAIN" "$MAIL_UID" "$MAIL_GID" "$MAIL_ROOT" "$DOMAIN" "$k"
done >"$WORK/users"
chmod 644 "$WORK/users"

server_start() {
    SERVER_PORT="$(free_port)"
    rm -rf "$MAIL_ROOT" "$WORK/run" "$WORK/state"
    mkdir -p "$MAIL_ROOT/$DOMAIN" "$WORK/run" "$WORK/state"
    chown -R "$MAIL_UID:$MAIL_GID" "$MAIL_ROOT"
    cat >"$WORK/dovecot.conf" <<CONF
# Private instance for Benchmarks/run-dovecot.sh
instance_name = dovecot-bench-$$
base_dir = $WORK/run
state_dir = $WORK/state
log_path = $WORK/dovecot.log
protocols = lmtp
listen = 127.0.0.1
ssl = no
hostname = bench.localhost
postmaster_address = postmaster@$DOMAIN
first_valid_uid = $MAIL_UID
last_valid_uid = $MAIL_UID
first_valid_gid = $MAIL_GID
mail_location = maildir:~/Maildir
mail_fsync = ${DOVECOT_FSYNC:-always}
# fileinto to a missing folder creates it (as Sluice does by default).
lda_mailbox_autocreate = yes
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = $WORK/users
}
userdb {
  driver = passwd-file
  args = $WORK/users
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $SERVER_PORT
  }
}
protocol lmtp {
  mail_plugins = \$mail_plugins sieve
}
plugin {
  sieve = $WORK/sieve/%d/%n.sieve
}
CONF
    "$DOVECOT" -F -c "$WORK/dovecot.conf" >>"$WORK/dovecot.log" 2>&1 &
    SERVER_PID=$!
    if ! wait_for_port "$SERVER_PORT"; then tail -20 "$WORK/dovecot.log" >&2; exit 1; fi
}

server_stop() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=""
    if grep -qiE 'error|fatal|panic' "$WORK/dovecot.log"; then
        log "dovecot.log has errors:"; grep -iE 'error|fatal|panic' "$WORK/dovecot.log" | tail -5 >&2
    fi
    : >"$WORK/dovecot.log"
}

run_matrix dovecot
print_table "$OUT_FILE" "Dovecot $("$DOVECOT" --version | cut -d' ' -f1) (mail_fsync=${DOVECOT_FSYNC:-always})"
