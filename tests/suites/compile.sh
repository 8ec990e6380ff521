#!/bin/sh
# gavel compile: bundles are written whole or not at all, validating from a
# bundle prints exactly what validating from its rules files prints, and
# damaged bundles are refused with one clear line.
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

# ---- validate from bundles: byte for byte what the rules files give
same() { # $1 description, then the validate arguments after -r
    what=$1; shift
    "$GAVEL" validate -r "$src" "$@" > "$t/o.src" 2> "$t/e.src"; rs=$?
    "$GAVEL" validate -r "$bun" "$@" > "$t/o.bun" 2> "$t/e.bun"; rb=$?
    [ "$rs" -eq "$rb" ] && cmp -s "$t/o.src" "$t/o.bun" && cmp -s "$t/e.src" "$t/e.bun"
    check "bundle output = source output: $what" $?
}
ROOT=$(cd "$(dirname "$0")/../.." && pwd -P)
"$GAVEL" compile -r "$ROOT/rules" -o "$t/pack.gvb"; check "the rule pack compiles" $?
src="$ROOT/rules" bun="$t/pack.gvb"
samples="$ROOT/corpus/samples"
params="$ROOT/rules/params"
for mode in "-S all" "-S fail" "-S pass" "-o json -S all" "-o yaml" "-z -o json -S none" "-z -o yaml -S none" "-z -o junit -S none" "-z -o sarif -S none"; do
    # shellcheck disable=SC2086 # $mode is a list of flags
    same "rule pack $mode" -d "$samples" -i "$params" $mode
done
# exit 0 too, and a rules file of its own next to a bundle
"$GAVEL" compile -r "$t/rules/a.guard" -o "$t/a.gvb"
printf '{"Resources": {"x": {"Type": "AWS::S3::Bucket", "Properties": {"Name": "team-a"}}}}' > "$t/ok.json"
"$GAVEL" validate -r "$t/rules/a.guard" -r "$t/rules/b.guard" -d "$t/ok.json" -S all > "$t/o.src"; rs=$?
"$GAVEL" validate -r "$t/a.gvb" -r "$t/rules/b.guard" -d "$t/ok.json" -S all > "$t/o.bun"; rb=$?
[ "$rs" -eq 0 ] && [ "$rb" -eq 0 ] && cmp -s "$t/o.src" "$t/o.bun"; check "a bundle mixed with a rules file" $?

# ---- gavel test on a one-program bundle; more programs are refused
spec=$(ls "$ROOT"/rules/s3/tests/*.yaml 2>/dev/null | head -1)
rule="$ROOT/rules/s3/$(basename "$spec" | sed 's/_tests\.yaml$/.guard/')"
if [ -f "$rule" ]; then
    "$GAVEL" compile -r "$rule" -o "$t/one.gvb"
    "$GAVEL" test -r "$rule" -t "$spec" > "$t/o.src" 2>&1; rs=$?
    "$GAVEL" test -r "$t/one.gvb" -t "$spec" > "$t/o.bun" 2>&1; rb=$?
    [ "$rs" -eq "$rb" ] && cmp -s "$t/o.src" "$t/o.bun"; check "gavel test from a bundle" $?
    "$GAVEL" test -r "$t/pack.gvb" -t "$spec" > /dev/null 2> "$t/e"; [ $? -ne 0 ] && grep -q "programs where one rules file is expected" "$t/e"
    check "gavel test refuses a bundle of many programs" $?
fi

# ---- damaged bundles: one line naming the file, exit 5, never a crash
refused() { # $1 description, $2 bundle file
    "$GAVEL" validate -r "$2" -d "$t/ok.json" > /dev/null 2> "$t/e"; rc=$?
    [ "$rc" -eq 5 ] && [ "$(wc -l < "$t/e")" -eq 1 ] && grep -q "$2" "$t/e"
    check "$1 is refused (exit 5, one line naming it)" $?
}
size=$(wc -c < "$t/a.gvb")
head -c $((size - 1)) "$t/a.gvb" > "$t/trunc.gvb"; refused "a truncated bundle" "$t/trunc.gvb"
head -c 20 "$t/a.gvb" > "$t/short.gvb"; refused "a bundle cut in its header" "$t/short.gvb"
{ head -c 8 "$t/a.gvb"; printf '\143'; tail -c +10 "$t/a.gvb"; } > "$t/ver.gvb"
refused "a bundle of another version" "$t/ver.gvb"
grep -q "recompile it" "$t/e"; check "the version error says to recompile" $?
{ head -c 60 "$t/a.gvb"; printf 'X'; tail -c +62 "$t/a.gvb"; } > "$t/flip.gvb"
refused "a bundle with a changed byte" "$t/flip.gvb"
{ cat "$t/a.gvb"; printf 'x'; } > "$t/long.gvb"; refused "a bundle with bytes appended" "$t/long.gvb"
# every truncation of a small bundle: a refusal, not a crash
"$GAVEL" compile -r "$t/rules/b.guard" -o "$t/b.gvb"
size=$(wc -c < "$t/b.gvb")
crashed=0 off=8 # shorter, it is no bundle (not even its magic number)
while [ "$off" -lt "$size" ]; do
    head -c "$off" "$t/b.gvb" > "$t/cut.gvb"
    "$GAVEL" validate -r "$t/cut.gvb" -d "$t/ok.json" > /dev/null 2>&1
    [ $? -eq 5 ] || { crashed=1; echo "compile: cut at $off not refused"; }
    off=$((off + 1))
done
[ "$crashed" -eq 0 ]; check "every truncation of a bundle is refused" $?

# ---- Control Tower: one bundle of the 237 files gives the outputs of the
# sources; per-file bundles keep the recorded verdicts (a sample of pairs)
CT="$ROOT/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard/rules/control-tower/cfn-guard"
if [ -d "$CT" ]; then
    "$GAVEL" compile -r "$CT" -o "$t/ct.gvb"; check "the Control Tower rules compile" $?
    src="$CT" bun="$t/ct.gvb"
    # one run per mode over a spread of inputs (every 40th: ~110 of them)
    set --
    for d in $(find "$ROOT/corpus/ct/inputs" -type f | LC_ALL=C sort | awk 'NR % 40 == 7'); do set -- "$@" -d "$d"; done
    same "CT sample -S all" "$@" -S all
    same "CT sample -z -o json" "$@" -z -o json -S none
    same "CT sample -o yaml -S fail" "$@" -o yaml -S fail
    same "CT sample -z -o sarif" "$@" -z -o sarif -S none
    sh "$ROOT/tests/conformance/ct.sh" --bundles s3/ sagemaker/ > "$t/ct.out" 2>&1
    check "CT verdicts from per-file bundles ($(tail -1 "$t/ct.out"))" $?
else
    echo "compile: Control Tower rules missing (make peers): bundle conformance not checked"
fi

echo "compile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
