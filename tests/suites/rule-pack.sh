#!/bin/sh
# gavel's ML-platform rule pack (rules/): every unit test of the pack passes
# under `gavel test` (the same tests pass under `cfn-guard test`, checked by
# `make conformance`), and the README's sample templates give the expected
# verdicts: the compliant one passes every rule, the other fails every rule.
set -u
: "${GAVEL:?GAVEL must name the gavel binary}"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
pass=0; fail=0
check() {
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "rule-pack FAILED: $1"; fi
}
nrules=$(find rules -name '*.guard' | wc -l)

"$GAVEL" test -d rules/ > "$t/test.out" 2>&1; rc=$?
check "gavel test -d rules/ exits 0" $rc
[ "$rc" -eq 0 ] || grep -B3 "FAIL Rules" "$t/test.out" | head -20

p=rules/params/ml-platform.yaml
"$GAVEL" validate -r rules/ -d corpus/samples/ml-platform-compliant.yaml -i "$p" -S all > "$t/ok.out" 2>&1
check "the compliant sample exits 0" $?
n=$(grep -c '    PASS$' "$t/ok.out")
[ "$n" -eq "$nrules" ]; check "the compliant sample passes all $nrules rules (got $n)" $?

"$GAVEL" validate -r rules/ -d corpus/samples/ml-platform-violations.yaml -i "$p" -S all > "$t/bad.out" 2>&1
[ $? -eq 19 ]; check "the violations sample exits 19" $?
n=$(grep -c '    FAIL$' "$t/bad.out")
[ "$n" -eq "$nrules" ]; check "the violations sample fails all $nrules rules (got $n)" $?

echo "rule-pack: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
