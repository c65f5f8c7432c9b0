#!/usr/bin/env bash
# Runs Dovecot Pigeonhole's own test files (tests/**/*.svtest of a pigeonhole checkout)
# through `sieve-check test` and prints the pass rate of each group of files the
# project's issues name. Measurement only: nothing of Pigeonhole's is committed.
#
#   Benchmarks/pigeonhole-suites.sh PIGEONHOLE_TESTS_DIR [SIEVE_CHECK] [-v]
#
# PIGEONHOLE_TESTS_DIR is the `tests` folder of a pigeonhole checkout (with the checkout's
# `examples` folder beside it: execute/examples.svtest compiles those); SIEVE_CHECK
# defaults to .build/release/sieve-check. -v lists every failing block.
set -uo pipefail
dir=${1:?usage: $0 PIGEONHOLE_TESTS_DIR [SIEVE_CHECK] [-v]}
bin=${2:-.build/release/sieve-check}
verbose=${3:-}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
# Our own stand-ins for the helper programs the extprograms tests run (never Pigeonhole's).
programs=$(cd "$(dirname "$0")" && pwd)/pigeonhole-programs
cd "$dir" || exit 2

# Groups: name, then the files (globs relative to the tests folder).
existing=(control-if.svtest control-stop.svtest lexer.svtest test-allof.svtest test-anyof.svtest
    test-exists.svtest test-header.svtest test-size.svtest testsuite.svtest match-types/*.svtest
    comparators/i-ascii-casemap.svtest comparators/i-octet.svtest extensions/variables/*.svtest
    extensions/vacation/*.svtest extensions/relational/*.svtest extensions/imap4flags/*.svtest
    extensions/subaddress/*.svtest extensions/envelope.svtest extensions/encoded-character.svtest
    extensions/body/*.svtest extensions/reject/*.svtest execute/actions.svtest execute/errors.svtest
    compile/errors.svtest execute/examples.svtest)
new=(extensions/regex/*.svtest extensions/date/*.svtest extensions/index/*.svtest
    extensions/environment/*.svtest extensions/vnd.dovecot/environment/*.svtest
    extensions/spamvirustest/*.svtest comparators/*.svtest execute/examples.svtest)

run_group() {
    local name=$1; shift
    local pass=0 fail=0
    for f in "$@"; do
        out=$(timeout 30 "$bin" test "$f" 2>&1)
        status=$?
        line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
        if [ -z "$line" ]; then
            echo "  $f: no summary (exit $status): $(printf '%s\n' "$out" | tail -1)"
            fail=$((fail + 1))
            continue
        fi
        p=${line%% passed*}; rest=${line#*passed, }; q=${rest%% failed*}
        pass=$((pass + p)); fail=$((fail + q))
        [ "$verbose" = -v ] && printf '%s\n' "$out" | grep -E '^FAIL' | sed "s|^|  |"
        [ "$verbose" = -v ] || [ "$q" -eq 0 ] || echo "  $f: $p passed, $q failed"
    done
    total=$((pass + fail))
    group_pass=$pass; group_total=$total
    awk -v n="$name" -v p=$pass -v t=$total 'BEGIN { printf "%s: %d/%d blocks pass (%.1f%%)\n", n, p, t, t ? 100*p/t : 0 }'
}

# The whole tree: every file but those of the extensions Sluice refuses on purpose (none
# today; name each here with its reason) and extprograms (run below with our programs).
refused=()
whole=()
while IFS= read -r f; do
    skip=no
    for r in "${refused[@]}"; do case $f in $r) skip=yes ;; esac; done
    [ $skip = yes ] || whole+=("$f")
done < <(find . -name '*.svtest' -not -path './plugins/extprograms/*' | sed 's|^\./||' | sort)

run_group "whole tests/ tree without extprograms" "${whole[@]}"
whole_pass=$group_pass; whole_total=$group_total
run_group "extensions Sluice had (issue 9 list)" "${existing[@]}"
run_group "regex, date, index, environment, spamvirustest, comparators, examples" "${new[@]}"
run_group "include" extensions/include/*.svtest
run_group "editheader" extensions/editheader/*.svtest
run_group "duplicate" extensions/duplicate/*.svtest
run_group "multiscript" multiscript/*.svtest

# extprograms: a copy of the tests' folder whose bin/ holds our helper programs instead.
if [ -d plugins/extprograms ]; then
    copy=$(mktemp -d)
    trap 'rm -rf "$copy"' EXIT
    cp -R plugins/extprograms "$copy/"
    rm -rf "$copy/extprograms/bin"
    cp -R "$programs" "$copy/extprograms/bin"
    here=$PWD
    cd "$copy" || exit 2
    run_group "extprograms (pipe, filter, execute; our helper programs)" extprograms/*.svtest extprograms/*/*.svtest
    whole_pass=$((whole_pass + group_pass)); whole_total=$((whole_total + group_total))
    cd "$here" || exit 2
fi
awk -v p=$whole_pass -v t=$whole_total 'BEGIN { printf "whole tests/ tree (extprograms included): %d/%d blocks pass (%.1f%%)\n", p, t, t ? 100*p/t : 0 }'
