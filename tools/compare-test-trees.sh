#!/bin/sh
# Measures how many `test -v` evaluation trees match cfn-guard's: each
# conformance probe (tests/conformance/probes/*) becomes a one-case spec
# (its data as the input, no expectations), run under both engines with
# -v; the tree lines of the two outputs, and the exit codes, are compared.
# Probes whose rules cfn-guard cannot parse print no tree and are counted
# apart. docs/test-command.md quotes the result.
#
# Usage: GAVEL=build/gavel sh tools/compare-test-trees.sh [-l]   (-l: list the differing probes)
#   ORACLE=path/to/cfn-guard (default: the bench/peers copy)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
GAVEL=${GAVEL:-$ROOT/build/gavel}
ORACLE=${ORACLE:-$ROOT/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/test-trees.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
list=${1:-}
same=0; differ=0; unparsed=0

# The tree: "`- File(...)" and the lines drawn under it (not the
# "    rule: Expected" lines after it).
tree() { grep -E '^(`- |   [|`]|      )' "$1" || true; }

for d in "$ROOT"/tests/conformance/probes/*/; do
    data=$(ls "$d" | grep -E '^data\.(json|yaml|yml)$' | head -1)
    [ -n "$data" ] || continue
    rm -rf "$TMP/w" && mkdir "$TMP/w" && cp "$d/rules.guard" "$TMP/w/r.guard"
    { printf -- '- name: p\n  expectations: { rules: {} }\n  input:\n'; sed 's/^/    /' "$d/$data"; } >"$TMP/w/t.yaml"
    (cd "$TMP/w" && "$ORACLE" test -r r.guard -t t.yaml -v >o.out 2>/dev/null; echo $? >o.rc
     "$GAVEL" test -r r.guard -t t.yaml -v >g.out 2>/dev/null; echo $? >g.rc)
    if grep -q '^Parse Error on ruleset file' "$TMP/w/o.out"; then
        unparsed=$((unparsed + 1))
        continue
    fi
    tree "$TMP/w/o.out" >"$TMP/o.tree"; tree "$TMP/w/g.out" >"$TMP/g.tree"
    if cmp -s "$TMP/o.tree" "$TMP/g.tree" && cmp -s "$TMP/w/o.rc" "$TMP/w/g.rc"; then
        same=$((same + 1))
    else
        differ=$((differ + 1))
        [ "$list" = -l ] && echo "differs: $(basename "$d")"
    fi
done
echo "test -v trees: $same match, $differ differ ($unparsed probes with rules cfn-guard cannot parse)"
