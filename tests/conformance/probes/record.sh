#!/bin/sh
# Regenerate the `expected` file of every probe case from the oracle.
#
#   tests/conformance/probes/record.sh [--check] [CASE...]
#
# Each case directory holds rules.guard, one data file (data.json or data.yaml)
# and `expected`. The oracle is run as
#   cfn-guard validate -r rules.guard -d DATAFILE -S all
# from inside the case directory. `expected` gets one line `NAME STATUS` per
# `rules.guard/NAME   STATUS` line of the single-line summary, in printed order,
# then `exit N` with the oracle's exit code. With --check nothing is written;
# the script reports cases whose recorded answer differs and exits 1.
# The oracle is $CFN_GUARD, by default the cdk-validator-cfnguard binary
# under bench/peers relative to the repository root.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
CFN_GUARD=${CFN_GUARD:-$ROOT/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard}
case "$CFN_GUARD" in /*) ;; *) CFN_GUARD="$ROOT/$CFN_GUARD" ;; esac
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
if [ ! -x "$CFN_GUARD" ]; then echo "record.sh: oracle not found: $CFN_GUARD" >&2; exit 2; fi

if [ $# -eq 0 ]; then
    set -- $(cd "$HERE" && ls -d [0-9]*/ | sed 's#/$##')
fi

n=0; bad=0
for c in "$@"; do
    c=${c%/}
    dir="$HERE/$c"
    if [ ! -f "$dir/rules.guard" ]; then echo "record.sh: $c: no rules.guard" >&2; bad=$((bad + 1)); continue; fi
    if [ -f "$dir/data.json" ]; then data=data.json
    elif [ -f "$dir/data.yaml" ]; then data=data.yaml
    else echo "record.sh: $c: no data file" >&2; bad=$((bad + 1)); continue; fi
    out=$(cd "$dir" && timeout 20 "$CFN_GUARD" validate -r rules.guard -d "$data" -S all 2>/dev/null)
    rc=$?
    new=$(printf '%s\n' "$out" | sed -n 's#^rules\.guard/\([^ ]*\)  *\(PASS\|FAIL\|SKIP\)$#\1 \2#p'; echo "exit $rc")
    if [ $check -eq 1 ]; then
        if [ "$new" != "$(cat "$dir/expected" 2>/dev/null)" ]; then
            echo "DIFFERS: $c"; bad=$((bad + 1))
        fi
    else
        printf '%s\n' "$new" > "$dir/expected"
    fi
    n=$((n + 1))
done
echo "record.sh: $n cases, $bad problems"
[ $bad -eq 0 ]
