#!/bin/sh
# gavel compile: bundles are written whole or not at all, and damaged
# bundles are refused with one clear line.
set -u
: "${GAVEL:?GAVEL must name the gavel binary}"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
pass=0; fail=0
check() {
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "compile FAILED: $1"; fi
}
mkdir "$t/rules"
printf 'let b = Resources.*[ Type == "AWS::S3::Bucket" ]\nrule r when %%b !empty {\n    %%b.Properties.Name == /^team-/\n}\n' > "$t/rules/a.guard"
printf 'rule s {\n    Resources exists\n}\n' > "$t/rules/b.guard"
printf 'rule r {\n    a ==\n}\n' > "$t/bad.guard"

"$GAVEL" compile -r "$t/rules" -o "$t/x.gvb"; check "compile exits 0" $?
[ "$(head -c 8 "$t/x.gvb")" = "GAVELBC" ]; check "bundle starts with the magic number" $?

"$GAVEL" compile -r "$t/rules" -r "$t/bad.guard" -o "$t/y.gvb" 2> "$t/e"; rc=$?
[ "$rc" -eq 5 ]; check "a bad rules file exits 5" $?
grep -q "bad.guard:3:1:" "$t/e"; check "the error names file:line:col" $?
[ ! -e "$t/y.gvb" ]; check "no bundle is written on error" $?

"$GAVEL" compile -r "$t/rules" 2>/dev/null; [ $? -eq 2 ]; check "missing -o exits 2" $?
"$GAVEL" compile -o "$t/z.gvb" 2>/dev/null; [ $? -eq 2 ]; check "missing -r exits 2" $?
"$GAVEL" compile -r "$t/nope" -o "$t/z.gvb" 2>/dev/null; [ $? -ne 0 ] && [ ! -e "$t/z.gvb" ]
check "a missing rules path fails without output" $?

echo "compile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
