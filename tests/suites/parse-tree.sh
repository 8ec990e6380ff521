#!/bin/sh
# gavel parse-tree: YAML by default, JSON with -p, -o writes a file whole,
# and bad input gets one FILE:LINE:COL line and exit 5.
set -u
: "${GAVEL:?GAVEL must name the gavel binary}"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
pass=0; fail=0
check() { # name, condition result
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "parse-tree FAILED: $1"; fi
}
printf 'let x = 1\nrule r when %%x == 1 {\n    a.b[*] exists <<msg>>\n}\n' > "$t/ok.guard"
printf 'rule r {\n    a ==\n}\n' > "$t/bad.guard"

"$GAVEL" parse-tree -r "$t/ok.guard" > "$t/out.yaml"; rc=$?
check "yaml exit 0" $rc
grep -q '^rules:' "$t/out.yaml"; check "yaml has rules" $?
grep -q 'message: "msg"' "$t/out.yaml"; check "yaml keeps the message" $?

"$GAVEL" parse-tree -r "$t/ok.guard" -p > "$t/out.json"; check "json exit 0" $?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["rules"][0]["name"]=="r"; assert d["lets"][0]["name"]=="x"' "$t/out.json"
check "json parses, names rule and let" $?

"$GAVEL" parse-tree -r "$t/ok.guard" -p -o "$t/file.json"; check "-o exit 0" $?
cmp -s "$t/out.json" "$t/file.json"; check "-o writes what stdout shows" $?

"$GAVEL" parse-tree -r "$t/bad.guard" > "$t/o" 2> "$t/e"; rc=$?
[ "$rc" -eq 5 ]; check "syntax error exits 5" $?
[ ! -s "$t/o" ]; check "syntax error prints nothing on stdout" $?
grep -q "bad.guard:3:1: expected" "$t/e"; check "syntax error names file:line:col" $?
[ "$(wc -l < "$t/e")" -eq 1 ]; check "syntax error is one line" $?

# cfn-guard rejects a rule reference in a `when` nested in a `when`
printf 'rule p {\n    a exists\n}\nrule r {\n    when a exists {\n        when b exists {\n            p\n        }\n    }\n}\n' > "$t/nested.guard"
"$GAVEL" parse-tree -r "$t/nested.guard" > "$t/o" 2> "$t/e"; rc=$?
[ "$rc" -eq 5 ] && [ "$(wc -l < "$t/e")" -eq 1 ]; check "nested-when rule ref exits 5, one line" $?
grep -q "nested.guard:7:13: a rule reference is not allowed" "$t/e"; check "nested-when rule ref names the reference" $?

"$GAVEL" parse-tree -r "$t/bad.guard" -o "$t/never.json" 2>/dev/null
[ ! -e "$t/never.json" ]; check "no output file on error" $?

"$GAVEL" parse-tree -r "$t/missing.guard" 2> "$t/e"; rc=$?
[ "$rc" -eq 5 ] && grep -q "missing.guard" "$t/e"; check "missing file exits 5 naming it" $?

"$GAVEL" parse-tree --bogus 2> "$t/e"; rc=$?
[ "$rc" -eq 2 ]; check "unknown option exits 2" $?

"$GAVEL" parse-tree -r "$t/ok.guard" -o /nonexistent-dir/x.json 2> "$t/e"; rc=$?
[ "$rc" -ne 0 ] && grep -q "cannot write" "$t/e"; check "unwritable output fails cleanly" $?

echo "parse-tree: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
