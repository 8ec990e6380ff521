#!/bin/sh
# Oracle goldens of the validate command line (tests/oracle/cli/*/, recorded
# from cfn-guard 3.1.1 by docs/oracle-notes/validate-cli-goldens.py).
#
# Each case dir holds: cmd (one line, split on spaces, run inside the case
# dir with the oracle's name replaced by $GAVEL), stdin (optional, else
# /dev/null), stdout, exit, and stderr (optional). In stdout/stderr the token
# @CASEDIR@ stands for `pwd -P` of the case dir; gavel's output gets the real
# path replaced by the token before comparing. payload_junit: time="N"
# attributes are normalised to time="0" on both sides.
#
# What is compared:
#  - stdout: byte for byte.
#  - exit code: exactly.
#  - stderr: when the golden has no stderr file, gavel's must be empty too.
#    When the oracle wrote an error, its text (clap usage text, Rust error
#    chains) is not the contract: gavel writes its own errors, one line per
#    error ("file:line:col: message", or "gavel validate: ..." for usage).
#    So there gavel's stderr must be non-empty, every line non-empty and
#    free of the word "panicked", and a usage error (exit 2) exactly one line.
#    A case dir may also hold gavel-stderr: gavel's own error text, which
#    must then match exactly (@CASEDIR@ as above).
#
# Skipped: the top-level cases (--help, --version, no command: gavel's top
# level is its own), parse-tree (gavel prints its own documented AST
# shape), and cases of a subcommand gavel does not have (`gavel SUB --help`
# fails); the others (test) run like validate's.
#
# Known failures (xfail), each with its reason, are listed in KNOWN below:
# they are run and reported but do not fail the suite; one that starts to
# pass (xpass) does, so that the list stays true.
#
# Usage: GAVEL=build/gavel sh tests/suites/cli-golden.sh [CASE...]
set -u
GAVEL=${GAVEL:-$PWD/build/gavel}
ROOT=$(cd "$(dirname "$0")/../oracle/cli" && pwd -P)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cli-golden.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0; fail=0; skip=0; xfail=0

# name|reason
KNOWN=''

known_reason() { printf '%s\n' "$KNOWN" | sed -n "s/^$1|//p"; }

# Escapes a literal string for the pattern side of a sed s||| command.
sed_escape() { printf '%s\n' "$1" | sed 's/[]|[\.*^$/]/\\&/g'; }

normalise() { # $1 file, $2 escaped casedir, $3 case name
    sed "s|$2|@CASEDIR@|g" "$1" >"$1.n"
    if [ "$3" = payload_junit ]; then
        sed 's/time="[0-9][0-9]*"/time="0"/g' "$1.n" >"$1.t" && mv "$1.t" "$1.n"
    fi
}

check_stderr() { # $1 case dir, $2 gavel stderr, $3 expected exit; prints problems
    if [ ! -f "$1/stderr" ]; then
        [ -s "$2" ] && { echo "stderr: expected none, got:"; cat "$2"; }
        return 0
    fi
    if [ ! -s "$2" ]; then echo "stderr: expected an error message, got none"; return 0; fi
    if grep -q '^$' "$2"; then echo "stderr: empty line in error output:"; cat "$2"; fi
    if grep -q 'panicked' "$2"; then echo "stderr: panic:"; cat "$2"; fi
    if [ "$3" = 2 ] && [ "$(wc -l <"$2")" -ne 1 ]; then echo "stderr: usage error not one line:"; cat "$2"; fi
    if [ -f "$1/gavel-stderr" ]; then
        real=$(cd "$1" && pwd -P)
        sed "s|$real|@CASEDIR@|g" "$2" | cmp -s - "$1/gavel-stderr" ||
            { echo "stderr: expected (gavel-stderr):"; cat "$1/gavel-stderr"; echo "got:"; cat "$2"; }
    fi
    return 0
}

run_case() { # $1 case dir
    d=$1; name=$(basename "$d")
    cmd=$(cat "$d/cmd")
    sub=${cmd%% *}
    case "$sub" in
    validate) ;;
    ''|-*) skip=$((skip + 1)); echo "skip $name (gavel's top level is its own: '$cmd')"; return ;;
    parse-tree) skip=$((skip + 1)); echo "skip $name (gavel's parse-tree prints its own AST shape)"; return ;;
    *)
        if ! "$GAVEL" "$sub" --help >/dev/null 2>&1; then
            skip=$((skip + 1)); echo "skip $name (gavel has no '$sub' command)"; return
        fi ;;
    esac
    real=$(cd "$d" && pwd -P)
    esc=$(sed_escape "$real")
    in=/dev/null; [ -f "$d/stdin" ] && in="$d/stdin"
    # shellcheck disable=SC2086 # cmd is split on spaces by convention
    (cd "$d" && exec "$GAVEL" $cmd) <"$in" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    normalise "$TMP/out" "$esc" "$name"
    normalise "$TMP/err" "$esc" "$name"
    cp "$d/stdout" "$TMP/exp"
    normalise "$TMP/exp" "$esc" "$name" # only for the junit time normalisation
    want=$(cat "$d/exit")
    problems=$(
        if ! cmp -s "$TMP/exp.n" "$TMP/out.n"; then
            echo "stdout differs (- oracle, + gavel):"
            diff -u "$TMP/exp.n" "$TMP/out.n" | sed 1,2d | head -80
        fi
        [ "$rc" = "$want" ] || echo "exit: expected $want, got $rc"
        check_stderr "$d" "$TMP/err.n" "$want"
    )
    reason=$(known_reason "$name")
    if [ -z "$problems" ] && [ -z "$reason" ]; then
        pass=$((pass + 1))
    elif [ -z "$problems" ]; then
        fail=$((fail + 1))
        echo "XPASS $name: listed as a known failure ($reason) but passes: update KNOWN"
    elif [ -n "$reason" ]; then
        xfail=$((xfail + 1))
        echo "xfail $name: $reason"
    else
        fail=$((fail + 1))
        echo "FAIL $name: $cmd"
        printf '%s\n' "$problems" | sed 's/^/    /'
    fi
}

if [ $# -gt 0 ]; then
    for c in "$@"; do run_case "$ROOT/$c"; done
else
    for d in "$ROOT"/*/; do run_case "${d%/}"; done
fi
echo "cli-golden: $pass passed, $fail failed, $xfail known failures, $skip skipped"
[ "$fail" -eq 0 ]
