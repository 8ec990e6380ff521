#!/bin/sh
# Oracle goldens of the test command (tests/oracle/test-cli/*/, recorded
# from cfn-guard 3.1.1 by tests/oracle/test-cli/record.sh).
#
# Each case dir holds what the oracle was run on and what it did:
#   cmd      one line, split on spaces, run inside a scratch copy of the
#            case dir with $GAVEL in front (e.g. `test -r r.guard -t t.yaml`)
#   stdout   the oracle's, exit its exit code, stderr its stderr (if any)
# and optionally:
#   unordered     cfn-guard prints the rules of a case in hash order (gavel:
#                 the rules file's order): each run of rule lines is sorted on
#                 both sides before comparing
#   mtimes        "YYYYMMDDhhmm PATH" lines: touched before running (-m)
#   gavel-stdout, gavel-exit   what gavel prints / exits with where it
#                 deliberately differs; DIFFERENCE says why
#   gavel-stderr  gavel's exact error lines (NOTE says what it pins)
#
# Always: JUnit time="N" becomes time="0" (gavel writes 0); the oracle's
# error messages on stdout ("Error processing ...", "Parse Error on ruleset
# file ...") are dropped, since gavel writes its errors to stderr.
# stderr: gavel-stderr is compared exactly; otherwise, when the oracle
# reported an error (a stderr file, or error lines on stdout) gavel's stderr
# must be non-empty lines free of "panicked", one line for a usage error
# (exit 2); when it did not, gavel's stderr must be empty.
#
# Usage: GAVEL=build/gavel sh tests/suites/test-cmd.sh [CASE...]
set -u
GAVEL=${GAVEL:-$PWD/build/gavel}
ROOT=$(cd "$(dirname "$0")/../oracle/test-cli" && pwd -P)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test-cmd.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0; fail=0

# Drops the oracle's error messages from its stdout; a message whose text
# ran over lines ends at the line closing its backquote.
drop_errors() {
    awk 'skip { if ($0 ~ /`$/) skip = 0; next }
         /^(Error processing |Parse Error on ruleset file )/ { if ($0 !~ /`$/) skip = 1; next }
         { print }' "$1"
}

# Sorts each run of rule lines: "    name: Expected ..." or "  No Test ...".
sort_rules() {
    awk 'function flush(  i, j, t) {
             for (i = 2; i <= n; i++) { t = b[i]; for (j = i - 1; j >= 1 && b[j] > t; j--) b[j + 1] = b[j]; b[j + 1] = t }
             for (i = 1; i <= n; i++) print b[i]
             n = 0; kind = ""
         }
         { k = /^    [^ ]/ ? "rule" : /^  No Test expectation was set for Rule / ? "none" : ""
           if (k != kind) flush()
           if (k == "") { print; next }
           kind = k; b[++n] = $0 }
         END { flush() }' "$1"
}

# The same on both sides (awk ends every line, a JSON report has no final
# newline): drops the oracle's error lines and JUnit times.
normalise() { drop_errors "$1" | sed 's/ time="[0-9][0-9]*"/ time="0"/g'; }

expected_stdout() { # $1 case dir -> $TMP/exp
    if [ -f "$1/gavel-stdout" ]; then normalise "$1/gavel-stdout" >"$TMP/exp"; return; fi
    normalise "$1/stdout" >"$TMP/exp"
}

oracle_errored() { # $1 case dir
    [ -s "$1/stderr" ] || grep -q '^\(Error processing \|Parse Error on ruleset file \)' "$1/stdout"
}

check_stderr() { # $1 case dir, $2 gavel stderr, $3 expected exit
    if [ -f "$1/gavel-stderr" ]; then
        cmp -s "$1/gavel-stderr" "$2" || { echo "stderr differs (- expected, + gavel):"; diff -u "$1/gavel-stderr" "$2" | sed 1,2d; }
        return 0
    fi
    if ! oracle_errored "$1"; then
        [ -s "$2" ] && { echo "stderr: expected none, got:"; cat "$2"; }
        return 0
    fi
    if [ ! -s "$2" ]; then echo "stderr: expected an error message, got none"; return 0; fi
    if grep -q '^$' "$2"; then echo "stderr: empty line in error output:"; cat "$2"; fi
    if grep -q 'panicked' "$2"; then echo "stderr: panic:"; cat "$2"; fi
    if [ "$3" = 2 ] && [ "$(wc -l <"$2")" -ne 1 ]; then echo "stderr: usage error not one line:"; cat "$2"; fi
    return 0
}

run_case() { # $1 case dir
    d=$1; name=$(basename "$d")
    work="$TMP/case"
    rm -rf "$work" && cp -R "$d" "$work"
    if [ -f "$d/mtimes" ]; then
        while read -r stamp path; do touch -t "$stamp" "$work/$path"; done <"$d/mtimes"
    fi
    cmd=$(cat "$d/cmd")
    # shellcheck disable=SC2086 # cmd is split on spaces by convention
    (cd "$work" && exec "$GAVEL" $cmd) </dev/null >"$TMP/out" 2>"$TMP/err"
    rc=$?
    normalise "$TMP/out" >"$TMP/out.n" && mv "$TMP/out.n" "$TMP/out"
    expected_stdout "$d"
    want=$(cat "$d/exit")
    [ -f "$d/gavel-exit" ] && want=$(cat "$d/gavel-exit")
    if [ -f "$d/unordered" ]; then
        sort_rules "$TMP/exp" >"$TMP/exp.s" && mv "$TMP/exp.s" "$TMP/exp"
        sort_rules "$TMP/out" >"$TMP/out.s" && mv "$TMP/out.s" "$TMP/out"
    fi
    problems=$(
        if ! cmp -s "$TMP/exp" "$TMP/out"; then
            echo "stdout differs (- expected, + gavel):"
            diff -u "$TMP/exp" "$TMP/out" | sed 1,2d | head -60
        fi
        [ "$rc" = "$want" ] || echo "exit: expected $want, got $rc"
        check_stderr "$d" "$TMP/err" "$want"
    )
    if [ -z "$problems" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: $cmd"
        printf '%s\n' "$problems" | sed 's/^/    /'
    fi
}

if [ $# -gt 0 ]; then
    for c in "$@"; do run_case "$ROOT/$c"; done
else
    for d in "$ROOT"/*/; do [ -f "$d/cmd" ] && run_case "${d%/}"; done
fi
echo "test-cmd: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
