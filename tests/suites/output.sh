#!/bin/sh
# gavel validate's output path: reports far larger than the buffer gavel
# writes them in (GV_REPORT_SINK_CHUNK, 1 MB) come out whole and in order,
# in text and in -z JSON, YAML, JUnit and SARIF; a failing stdout gives one clear error line and
# exit 255; a reader that goes away stops gavel early.
set -u
: "${GAVEL:?GAVEL must name the gavel binary}"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
pass=0; fail=0
check() { # name, condition result, detail
    if [ "$2" -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "output FAILED: $1${3:+: $3}"; fi
}

# 6,000 resources, each failing two clauses of one rule and one of another
# rules file: ~6 MB of text and ~20 MB of JSON.
N=6000
awk -v n=$N 'BEGIN {
    printf "{\"Resources\": {"
    for (i = 0; i < n; i++)
        printf "%s\"R%05d\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"A\": %d, \"B\": \"x\"}}", (i ? ", " : ""), i, i
    printf "}}\n"
}' > "$t/d.json"
cat > "$t/a.guard" <<'EOF'
rule big { Resources.*.Properties.A == -1  Resources.*.Properties.B == "y" }
rule fine { Resources exists }
EOF
cat > "$t/b.guard" <<'EOF'
rule other { Resources.*.Properties.B != "x" <<one line per resource>> }
EOF

"$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/d.json" -z -S none -o json > "$t/z.json" 2> "$t/e"; rc=$?
check "-z json exit" $([ $rc -eq 19 ] && [ ! -s "$t/e" ]; echo $?) "rc=$rc $(head -c 300 "$t/e")"
size=$(wc -c < "$t/z.json")
check "-z json is larger than the buffer" $([ "$size" -gt 4000000 ]; echo $?) "$size bytes"
"$GAVEL" dump "$t/z.json" > /dev/null 2> "$t/e"
check "-z json parses" $?  "$(cat "$t/e")"
# each failing comparison names its resource once in its path
got=$(grep -c '"path": "/Resources/R[0-9]*/Properties/[AB]"' "$t/z.json")
check "-z json has every check" $([ "$got" -eq $((3 * N)) ]; echo $?) "$got paths, want $((3 * N))"
check "-z json ends the list" $([ "$(tail -c 2 "$t/z.json")" = "]" ] || [ "$(tail -c 1 "$t/z.json")" = "]" ]; echo $?)
check "-z json lists the passing rule" $(grep -A2 '"compliant": \[' "$t/z.json" | grep -q '"fine"'; echo $?)

# past the memory budget for kept results, evaluations are run again while
# the report is written: the same bytes (a budget of 0 replays them all;
# two data files, so a second record follows a replayed one)
cp "$t/d.json" "$t/d2.json"
"$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/d.json" -d "$t/d2.json" -z -S none -o json > "$t/z2.json" 2>&1
GAVEL_RETAIN_BUDGET=0 "$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/d.json" -d "$t/d2.json" -z -S none -o json > "$t/z3.json" 2>&1; rc=$?
check "-z json replayed: same bytes" $(cmp -s "$t/z2.json" "$t/z3.json"; echo $?) "rc=$rc $(head -c 300 "$t/z3.json")"
check "-z json replayed: exit" $([ $rc -eq 19 ]; echo $?) "rc=$rc"
GAVEL_RETAIN_BUDGET=3000000 "$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/d.json" -d "$t/d2.json" -z -S none -o json > "$t/z3.json" 2>&1
check "-z json partly replayed: same bytes" $(cmp -s "$t/z2.json" "$t/z3.json"; echo $?)
# YAML is written as it goes too, replays included
"$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/d.json" -d "$t/d2.json" -z -S none -o yaml > "$t/y2.yaml" 2>&1; rc=$?
check "-z yaml exit" $([ $rc -eq 19 ]; echo $?) "rc=$rc"
got=$(grep -c '^ *path: /Resources/R[0-9]*/Properties/[AB]$' "$t/y2.yaml")
check "-z yaml has every check" $([ "$got" -eq $((6 * N)) ]; echo $?) "$got paths, want $((6 * N))"
GAVEL_RETAIN_BUDGET=0 "$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/d.json" -d "$t/d2.json" -z -S none -o yaml > "$t/y3.yaml" 2>&1
check "-z yaml replayed: same bytes" $(cmp -s "$t/y2.yaml" "$t/y3.yaml"; echo $?)
# and so are JUnit and SARIF
for f in junit sarif; do
    "$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/d.json" -d "$t/d2.json" -z -S none -o $f > "$t/f2" 2>&1; rc=$?
    check "-z $f exit" $([ $rc -eq 19 ]; echo $?) "rc=$rc $(head -c 300 "$t/f2")"
    GAVEL_RETAIN_BUDGET=0 "$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/d.json" -d "$t/d2.json" -z -S none -o $f > "$t/f3" 2>&1
    check "-z $f replayed: same bytes" $(cmp -s "$t/f2" "$t/f3"; echo $?)
done
got=$(grep -o 'property value \[Path=/Resources/R[0-9]*/Properties/[AB]\[' "$t/f2" | wc -l)
check "-z sarif has every check" $([ "$got" -eq $((6 * N)) ]; echo $?) "$got results, want $((6 * N))"
check "-z sarif parses" $("$GAVEL" dump "$t/f2" > /dev/null 2>&1; echo $?)

"$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/d.json" > "$t/o.txt" 2> "$t/e"; rc=$?
check "text exit" $([ $rc -eq 19 ] && [ ! -s "$t/e" ]; echo $?) "rc=$rc"
size=$(wc -c < "$t/o.txt")
check "text is larger than the buffer" $([ "$size" -gt 2000000 ]; echo $?) "$size bytes"
# the two reports, in order, each whole: a's status block, a's details, b's
got=$(grep -n 'Status = FAIL$' "$t/o.txt" | cut -d: -f1 | tr '\n' ' ')
check "text has both reports" $([ "$(echo $got | wc -w)" -eq 2 ]; echo $?) "status lines at $got"
got=$(grep -c 'one line per resource' "$t/o.txt")
check "text has every message of the second report" $([ "$got" -ge $N ]; echo $?) "$got"
check "text ends with the second report's last resource" $([ "$(grep '^Resource = ' "$t/o.txt" | tail -n 1)" = "Resource = R05999 {" ] && [ "$(tail -n 1 "$t/o.txt")" = "}" ]; echo $?)

# -p's tree goes out while it is written too (one rules file's tree here
# is several times the buffer): whole, and ending the report
"$GAVEL" validate -r "$t/a.guard" -d "$t/d.json" -p > "$t/pj.txt" 2>&1; rc=$?
check "-p exit" $([ $rc -eq 19 ]; echo $?) "rc=$rc"
size=$(wc -c < "$t/pj.txt")
check "-p is larger than the buffer" $([ "$size" -gt 4000000 ]; echo $?) "$size bytes"
got=$(grep -c '"path": "/Resources/R[0-9]*/Properties/[AB]"' "$t/pj.txt")
check "-p has every failed check" $([ "$got" -ge $((2 * N)) ]; echo $?) "$got paths"
check "-p ends with the tree" $([ "$(tail -n 1 "$t/pj.txt")" = "}" ]; echo $?)

# a large data file's text is dropped once loaded, and the snippets' lines
# are read again from the file: the same report (0 drops every file's)
awk -v n=2000 'BEGIN {
    printf "{\n  \"Resources\": {\n"
    for (i = 0; i < n; i++)
        printf "    \"R%05d\": {\n      \"Type\": \"AWS::S3::Bucket\",\n      \"Properties\": {\n        \"A\": %d,\n        \"B\": \"x\"\n      }\n    }%s\n", i, i, (i < n - 1 ? "," : "")
    printf "  }\n}\n"
}' > "$t/p.json"
"$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/p.json" > "$t/p1.txt" 2>&1
GAVEL_KEEP_TEXT_MAX=0 "$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/p.json" > "$t/p2.txt" 2>&1; rc=$?
check "snippets read again: exit" $([ $rc -eq 19 ]; echo $?) "rc=$rc"
check "snippets read again: same report" $(cmp -s "$t/p1.txt" "$t/p2.txt"; echo $?)
got=$(grep -c '^ *[0-9]*\.        "A": [0-9]*,$' "$t/p2.txt")
check "snippets read again: every resource's" $([ "$got" -ge 4000 ]; echo $?) "$got snippet lines"

# stdout that cannot be written: one line, exit 255
if [ -w /dev/full ]; then
    "$GAVEL" validate -r "$t/a.guard" -d "$t/d.json" > /dev/full 2> "$t/e"; rc=$?
    check "full disk exit" $([ $rc -eq 255 ]; echo $?) "rc=$rc"
    check "full disk message" $([ "$(cat "$t/e")" = "gavel: cannot write the output: No space left on device" ]; echo $?) "$(cat "$t/e")"
    "$GAVEL" validate -r "$t/a.guard" -d "$t/d.json" -z -S none -o json > /dev/full 2> "$t/e"; rc=$?
    check "full disk -z exit" $([ $rc -eq 255 ] && [ "$(wc -l < "$t/e")" -eq 1 ]; echo $?) "rc=$rc $(cat "$t/e")"
fi

# a reader that stops after 100 bytes: gavel stops too (exit 255, no message)
{ "$GAVEL" validate -r "$t/a.guard" -r "$t/b.guard" -d "$t/d.json" 2> "$t/e"; echo $? > "$t/rc"; } | head -c 100 > /dev/null
check "closed pipe exit" $([ "$(cat "$t/rc")" -eq 255 ] && [ ! -s "$t/e" ]; echo $?) "rc=$(cat "$t/rc") $(cat "$t/e")"

echo "output: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
