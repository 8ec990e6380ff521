#!/bin/sh
# CLI-level suites run by `make test` after the unit tests. Each suite script
# prints its own summary; this prints the closing count.
set -u
BUILD=${BUILD:-build}
case "$BUILD" in /*) GAVEL="$BUILD/gavel" ;; *) GAVEL="$PWD/$BUILD/gavel" ;; esac
export GAVEL
pass=0; fail=0
for suite in tests/suites/*.sh; do
    [ -f "$suite" ] || continue
    if sh "$suite"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "suite FAILED: $suite"; fi
done
echo "suites: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
