#!/bin/sh
# Measures how many `validate -v` and `validate -p` evaluation trees match
# cfn-guard's: each conformance probe (tests/conformance/probes/*) is run
# under both engines with -v and with -p (-S none); the tree (-v: the
# "`- File(...)" lines and those drawn under it; -p: the JSON from its
# first "{" line on) and the exit codes are compared. The text report -v
# prints before the tree is not compared (cfn-guard orders it by hash).
# docs/language.md 15.7 quotes the result.
#
# Usage: GAVEL=build/gavel sh tools/compare-validate-trees.sh [-l]   (-l: list the differing trees)
#   ORACLE=path/to/cfn-guard (default: the bench/peers copy)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
GAVEL=${GAVEL:-$ROOT/build/gavel}
ORACLE=${ORACLE:-$ROOT/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/validate-trees.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
list=${1:-}
same=0; differ=0

tree() { # $1 flag, $2 output file
    if [ "$1" = -v ]; then grep -E '^(`- |   [|`]|      )' "$2" || true; else sed -n '/^{$/,$p' "$2"; fi
}

for d in "$ROOT"/tests/conformance/probes/*/; do
    data=$(ls "$d" | grep -E '^data\.(json|yaml|yml)$' | head -1)
    [ -n "$data" ] || continue
    for f in -v -p; do
        (cd "$d" && "$ORACLE" validate -r rules.guard -d "$data" $f -S none >"$TMP/o.out" 2>/dev/null; echo $? >"$TMP/o.rc"
         "$GAVEL" validate -r rules.guard -d "$data" $f -S none >"$TMP/g.out" 2>/dev/null; echo $? >"$TMP/g.rc")
        tree $f "$TMP/o.out" >"$TMP/o.tree"; tree $f "$TMP/g.out" >"$TMP/g.tree"
        if cmp -s "$TMP/o.tree" "$TMP/g.tree" && cmp -s "$TMP/o.rc" "$TMP/g.rc"; then
            same=$((same + 1))
        else
            differ=$((differ + 1))
            [ "$list" = -l ] && echo "differs: $(basename "$d") $f"
        fi
    done
done
echo "validate -v/-p trees: $same match, $differ differ"
