#!/bin/sh
# Measures how many generic text reports (`validate` without -v, data that
# is not a template) agree with cfn-guard's: each conformance probe
# (tests/conformance/probes/*) is run under both engines; the output lines
# are grouped by the rule they name ("compliant with [NAME]", "Parameterized
# Rule NAME failed"), keeping their order within a rule (cfn-guard orders
# the rules at random, the lines of one rule by evaluation), and compared
# with the exit codes.
# docs/language.md 15.6 quotes the result.
#
# Usage: GAVEL=build/gavel sh tools/compare-generic-reports.sh [-l]   (-l: list the differing probes)
#   ORACLE=path/to/cfn-guard (default: the bench/peers copy)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
GAVEL=${GAVEL:-$ROOT/build/gavel}
case "$GAVEL" in /*) ;; *) GAVEL="$(pwd -P)/$GAVEL" ;; esac
ORACLE=${ORACLE:-$ROOT/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/generic-reports.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
list=${1:-}
same=0; differ=0

by_rule() { # $1 output file: its lines, stably grouped by the rule they name
    awk '{ r = ""
           if (match($0, /compliant with \[[^]]*\]/)) r = substr($0, RSTART + 16, RLENGTH - 17)
           else if (match($0, /^Parameterized Rule [^ ]* failed/)) r = substr($0, 20, RLENGTH - 26)
           printf "%s\t%08d\t%s\n", r, NR, $0 }' "$1" | sort -t "$(printf '\t')" -k1,1 -k2,2n | cut -f3-
}

for d in "$ROOT"/tests/conformance/probes/*/; do
    data=$(ls "$d" | grep -E '^data\.(json|yaml|yml)$' | head -1)
    [ -n "$data" ] || continue
    (cd "$d" && "$ORACLE" validate -r rules.guard -d "$data" >"$TMP/o.out" 2>/dev/null; echo $? >"$TMP/o.rc"
     "$GAVEL" validate -r rules.guard -d "$data" >"$TMP/g.out" 2>/dev/null; echo $? >"$TMP/g.rc")
    by_rule "$TMP/o.out" >"$TMP/o.sorted"; by_rule "$TMP/g.out" >"$TMP/g.sorted"
    if cmp -s "$TMP/o.sorted" "$TMP/g.sorted" && cmp -s "$TMP/o.rc" "$TMP/g.rc"; then
        same=$((same + 1))
    else
        differ=$((differ + 1))
        [ "$list" = -l ] && echo "differs: $(basename "$d")"
    fi
done
echo "generic reports: $same agree, $differ differ"
