#!/bin/sh
# Semantic probes: tests/conformance/probes/*/ hold a rules.guard, a
# data.json and `expected`: the rule lines cfn-guard 3.1.1 printed for
# `validate -r rules.guard -d data.json -S all` ("name STATUS", in its
# order), then "exit N". gavel must print the same, except where a probe
# holds `gavel-expected` (and a DIFFERENCE note): a case where cfn-guard
# crashes and gavel deliberately does not. Each probe is also run with
# `-z -S none -o json` (results copied out of each evaluation's memory and
# reported after all of them: under the sanitizers, a result left pointing
# into freed memory shows here): same exit code, a record on stdout. Where
# cfn-guard's -z exit differs (it panics in a text reporter only), the
# probe holds it in `z-exit` ("exit N").
set -u
: "${GAVEL:?GAVEL must name the gavel binary}"
pass=0; fail=0
tmp=$(mktemp); trap 'rm -f "$tmp" "$tmp.out"' EXIT
for c in tests/conformance/probes/*/; do
    c=${c%/}
    (cd "$c" && "$GAVEL" validate -r rules.guard -d data.json -S all > "$tmp.out" 2>/dev/null; echo "exit $?" > "$tmp")
    { sed -n 's/^rules\.guard\/\([^ ]*\)  *\(PASS\|FAIL\|SKIP\)$/\1 \2/p' "$tmp.out"; cat "$tmp"; } > "$tmp.got"
    want="$c/expected"
    [ -f "$c/gavel-expected" ] && want="$c/gavel-expected"
    (cd "$c" && "$GAVEL" validate -r rules.guard -d data.json -z -S none -o json > "$tmp.out" 2>/dev/null; echo "exit $?" > "$tmp")
    zexit=$(cat "$tmp")
    zwant=$(tail -n 1 "$want")
    [ -f "$c/z-exit" ] && zwant=$(cat "$c/z-exit")
    if [ "$zexit" != "$zwant" ]; then
        echo "exit with -z: $zexit" >> "$tmp.got"
    elif [ "$zexit" = "exit 0" ] || [ "$zexit" = "exit 19" ]; then
        grep -q '"name": ' "$tmp.out" || echo "no -z record" >> "$tmp.got"
    fi
    if cmp -s "$want" "$tmp.got"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "probe FAILED: $c"
        diff "$want" "$tmp.got" | grep '^[<>]' | sed 's/^/    /'
    fi
    rm -f "$tmp.got"
done
echo "probes: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
