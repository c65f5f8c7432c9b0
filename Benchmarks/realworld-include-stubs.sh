#!/usr/bin/env bash
# A sieve-check command line for ../shared/realworld-sieve/compile-compare.py that gives
# sieve-check what the runner gives Pigeonhole's sievec: a `keep;` stub in the personal and
# the global script location for every script an `include` names. Measurement only.
#
#   compile-compare.py "Benchmarks/realworld-include-stubs.sh .build/release/sieve-check"
#
# The runner calls it as `realworld-include-stubs.sh SIEVE_CHECK compile SCRIPT`.
set -uo pipefail
bin=${1:?usage: $0 SIEVE_CHECK compile SCRIPT}
shift
[ "${1:-}" = compile ] || exec "$bin" "$@"
script=${2:?missing script}
stubs=$(mktemp -d)
trap 'rm -rf "$stubs"' EXIT
# The names after `include` and its tags (":personal", ":once", ...), as the runner finds them.
grep -ioE 'include([[:space:]]+:[a-z]+)*[[:space:]]+"[^"/]+"' "$script" 2>/dev/null \
    | sed -E 's/.*"([^"]+)"$/\1/' | sort -u | while IFS= read -r name; do
    printf 'keep;\n' >"$stubs/$name.sieve"
done
"$bin" compile --personal-dir "$stubs" --global-dir "$stubs" "$script"
