#!/bin/sh
# Records the oracle's stdout, exit code and stderr for the test-command
# goldens here (every case dir, or the ones named), as tests/suites/test-cmd.sh
# replays them: cmd run inside a scratch copy of the case dir, mtimes applied
# first. Each case is run 5 times; a case whose output changes between runs
# is refused, unless it is marked unordered (cfn-guard prints rules in hash
# order), where the runs must agree once their lines are sorted.
#
# Usage: sh tests/oracle/test-cli/record.sh [CASE...]
#   ORACLE=path/to/cfn-guard (default: the bench/peers copy)
set -u
HERE=$(cd "$(dirname "$0")" && pwd -P)
ORACLE=${ORACLE:-$HERE/../../../bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard}
ORACLE=$(cd "$(dirname "$ORACLE")" && pwd -P)/$(basename "$ORACLE")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test-cli-record.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
bad=0

run_once() { # $1 case dir, $2 output prefix
    rm -rf "$TMP/case" && cp -R "$1" "$TMP/case"
    rm -f "$TMP/case/stdout" "$TMP/case/stderr" "$TMP/case/exit"
    if [ -f "$1/mtimes" ]; then
        while read -r stamp path; do touch -t "$stamp" "$TMP/case/$path"; done <"$1/mtimes"
    fi
    # shellcheck disable=SC2046 # cmd is split on spaces by convention
    (cd "$TMP/case" && exec "$ORACLE" $(cat "$1/cmd")) </dev/null >"$2.out" 2>"$2.err"
    echo $? >"$2.exit"
}

same_runs() { # $1 case dir
    for k in 2 3 4 5; do
        if [ -f "$1/unordered" ]; then
            sort "$TMP/r1.out" >"$TMP/a"; sort "$TMP/r$k.out" >"$TMP/b"
        else
            cp "$TMP/r1.out" "$TMP/a"; cp "$TMP/r$k.out" "$TMP/b"
        fi
        # JUnit times are elapsed milliseconds
        sed -i 's/ time="[0-9]*"/ time="0"/g' "$TMP/a" "$TMP/b"
        cmp -s "$TMP/a" "$TMP/b" && cmp -s "$TMP/r1.exit" "$TMP/r$k.exit" || return 1
    done
}

record() { # $1 case dir
    for k in 1 2 3 4 5; do run_once "$1" "$TMP/r$k"; done
    if ! same_runs "$1"; then
        echo "UNSTABLE $(basename "$1"): output changes between runs; not recorded"
        bad=1
        return
    fi
    cp "$TMP/r1.out" "$1/stdout"
    cp "$TMP/r1.exit" "$1/exit"
    if [ -s "$TMP/r1.err" ]; then
        # a panic's backtrace holds addresses and paths: keep its first lines
        sed -n '1,3p' "$TMP/r1.err" >"$1/stderr"
    else
        rm -f "$1/stderr"
    fi
    echo "recorded $(basename "$1"): exit $(cat "$1/exit")"
}

if [ $# -gt 0 ]; then
    for c in "$@"; do record "$HERE/$c"; done
else
    for d in "$HERE"/*/; do [ -f "$d/cmd" ] && record "${d%/}"; done
fi
exit $bad
