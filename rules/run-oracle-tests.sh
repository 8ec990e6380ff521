#!/bin/sh
# Runs the unit tests of gavel's ML-platform rule pack under cfn-guard's
# `test` command (the oracle, cfn-guard 3.1.1) and exits non-zero on any
# failure.
#
#   rules/run-oracle-tests.sh            # oracle from bench/peers/
#   CFN_GUARD=/path/to/cfn-guard rules/run-oracle-tests.sh
#   rules/run-oracle-tests.sh -v         # print cfn-guard's output per file
#
# Convention (the one `cfn-guard test -d DIR` uses to pair files): the tests
# of rules/<area>/<id>.guard live in rules/<area>/tests/<id>_tests.yaml.
# cfn-guard attaches a test file to the first rule file of the parent
# directory whose name is a prefix of the test file's name, so no rule file
# name in a directory may be a prefix of another one (hence the fixed-width
# numbers in the ids).
#
# A rule file passes when
#   - its tests file exists,
#   - `cfn-guard test -r FILE -t TESTS` exits 0,
#   - every test case sets an expectation for every rule in the file (a
#     missing expectation is reported by cfn-guard as "No Test expectation
#     was set", and would hide a misspelt rule name in the tests file).
# Then the whole pack is run once more as `cfn-guard test -d rules/` to check
# that directory discovery pairs every rule file with its tests.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
default_guard="$root/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard"
guard=${CFN_GUARD:-$default_guard}
verbose=0
[ "${1:-}" = "-v" ] && verbose=1

if [ ! -x "$guard" ]; then
    echo "run-oracle-tests: cfn-guard not found at $guard (set CFN_GUARD, or run tools/install-deps.sh)" >&2
    exit 2
fi

files=0
cases=0
passed=0
failed=0
bad_files=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT INT TERM

for rules_file in $(find "$here" -name '*.guard' | LC_ALL=C sort); do
    files=$((files + 1))
    rel=${rules_file#"$root"/}
    dir=$(dirname "$rules_file")
    stem=$(basename "$rules_file" .guard)
    tests_file="$dir/tests/${stem}_tests.yaml"
    if [ ! -f "$tests_file" ]; then
        echo "FAIL $rel: no tests file ${tests_file#"$root"/}"
        bad_files=$((bad_files + 1))
        continue
    fi
    "$guard" test -r "$rules_file" -t "$tests_file" >"$tmp" 2>&1
    rc=$?
    n_cases=$(grep -c '^Test Case #' "$tmp")
    n_ok=$(grep -c ': Expected = [A-Z]*$' "$tmp")
    n_bad=$(grep -c -e 'Evaluated = ' -e 'No Test expectation was set' "$tmp")
    cases=$((cases + n_cases))
    passed=$((passed + n_ok))
    failed=$((failed + n_bad))
    if [ "$rc" -ne 0 ] || [ "$n_bad" -ne 0 ] || [ "$n_cases" -eq 0 ]; then
        echo "FAIL $rel (exit $rc, $n_cases cases, $n_ok expectations met, $n_bad not)"
        grep -e '^Name:' -e 'Evaluated = ' -e 'No Test expectation' -e 'rror' "$tmp" | sed 's/^/    /'
        bad_files=$((bad_files + 1))
    else
        echo "ok   $rel ($n_cases cases, $n_ok expectations)"
    fi
    [ "$verbose" -eq 1 ] && sed 's/^/    /' "$tmp"
done

# Orphan tests files: a tests file whose rule file is missing is never run.
for tests_file in $(find "$here" -path '*/tests/*' -name '*_tests.yaml' | LC_ALL=C sort); do
    stem=$(basename "$tests_file" _tests.yaml)
    if [ ! -f "$(dirname "$(dirname "$tests_file")")/$stem.guard" ]; then
        echo "FAIL ${tests_file#"$root"/}: no rule file $stem.guard beside tests/"
        bad_files=$((bad_files + 1))
    fi
done

# Directory discovery, as `cfn-guard test -d rules/` pairs the files.
"$guard" test -d "$here" >"$tmp" 2>&1
rc=$?
if [ "$rc" -ne 0 ] || grep -q -e 'did not have any tests associated' -e 'Evaluated = ' "$tmp"; then
    echo "FAIL cfn-guard test -d ${here#"$root"/}/ (exit $rc)"
    grep -e 'did not have any tests' -e 'Evaluated = ' "$tmp" | sed 's/^/    /'
    bad_files=$((bad_files + 1))
else
    echo "ok   cfn-guard test -d ${here#"$root"/}/ pairs every rule file with its tests"
fi

echo "rule files: $files, test cases: $cases, files failing: $bad_files"
echo "expectations: $passed passed, $failed failed"
[ "$bad_files" -eq 0 ] && [ "$failed" -eq 0 ]
