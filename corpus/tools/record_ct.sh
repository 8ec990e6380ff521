#!/usr/bin/env bash
# Record oracle verdicts for the Control Tower conformance corpus.
#
#   corpus/ct/inputs/<service>/<rule-id>/*  is run against <service>/<rule-id>.guard
#   corpus/ct/inputs/multi/*                is run against every ct-*.guard file
#
# Writes (sorted with LC_ALL=C):
#   corpus/ct/verdicts.tsv  INPUT<TAB>RULEFILE<TAB>RULENAME<TAB>STATUS
#                           one line per rule line in the `-S all` summary of
#                           `cfn-guard validate -r RULEFILE -d INPUT -S all`
#   corpus/ct/exits.tsv     INPUT<TAB>RULEFILE<TAB>EXITCODE
# INPUT is relative to corpus/ct/inputs, RULEFILE relative to the rules dir.
#
# Environment: CFN_GUARD (oracle binary; default the npm peer, relative to the
# repo root), CT_RULES (control-tower/cfn-guard dir), CT_JOBS (parallel jobs, 2).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PKG="bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard"
CFN_GUARD="${CFN_GUARD:-$PKG/bin/ubuntu/x86_64/cfn-guard}"
CT_RULES="${CT_RULES:-$PKG/rules/control-tower/cfn-guard}"
JOBS="${CT_JOBS:-2}"
cd "$ROOT"
case "$CFN_GUARD" in /*) ;; *) CFN_GUARD="$ROOT/$CFN_GUARD" ;; esac
case "$CT_RULES" in /*) ;; *) CT_RULES="$ROOT/$CT_RULES" ;; esac
[ -x "$CFN_GUARD" ] || { echo "record_ct.sh: oracle not found: $CFN_GUARD" >&2; exit 2; }
[ -d "$CT_RULES" ] || { echo "record_ct.sh: rules dir not found: $CT_RULES" >&2; exit 2; }

CT="$ROOT/corpus/ct"
INPUTS="$CT/inputs"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Job list: one line per pair, "INPUT<TAB>RULEFILE".
(
  cd "$INPUTS"
  find . -mindepth 3 -maxdepth 3 -type f ! -path './multi/*' | sed 's|^\./||' | LC_ALL=C sort |
    awk -F/ '{ printf "%s\t%s/%s.guard\n", $0, $1, $2 }'
  if [ -d multi ]; then
    rules="$(cd "$CT_RULES" && find . -name 'ct-*.guard' | sed 's|^\./||' | LC_ALL=C sort)"
    find multi -type f | LC_ALL=C sort | while read -r m; do
      printf '%s\n' "$rules" | awk -v m="$m" '{ printf "%s\t%s\n", m, $0 }'
    done
  fi
) > "$TMP/jobs"

# Worker: reads pairs on stdin and writes the raw oracle output to $TMP/raw.<n>,
# each run framed by "@@PAIR<TAB>INPUT<TAB>RULEFILE" and "@@EXIT<TAB>CODE" lines
# (one process per pair: the oracle; everything is parsed once at the end).
worker() {
  local n="$1" input rule rc
  while IFS=$'\t' read -r input rule; do
    printf '@@PAIR\t%s\t%s\n' "$input" "$rule"
    "$CFN_GUARD" validate -r "$CT_RULES/$rule" -d "$INPUTS/$input" -S all 2>/dev/null </dev/null
    rc=$?
    printf '\n@@EXIT\t%s\n' "$rc"
  done > "$TMP/raw.$n"
}
export -f worker
export CFN_GUARD CT_RULES INPUTS TMP

total=$(wc -l < "$TMP/jobs")
# Split the job list round-robin into $JOBS shards and run them in parallel.
for ((i = 0; i < JOBS; i++)); do
  awk -v n="$JOBS" -v i="$i" 'NR % n == i' "$TMP/jobs" > "$TMP/shard.$i"
done
seq 0 $((JOBS - 1)) | xargs -P "$JOBS" -I{} bash -c 'set +e; worker {} < "$TMP/shard.{}"'

# Summary block of each run: lines "<rulefile>/<rule>    STATUS" up to the first '---'
# (tests/conformance/ct.sh parses gavel's output the same way).
cat "$TMP"/raw.* | awk -F '\t' -v vout="$TMP/v.all" -v eout="$TMP/e.all" '
  /^@@PAIR\t/ { input = $2; rule = $3; base = rule; sub(/.*\//, "", base); insum = 1; next }
  /^@@EXIT\t/ { printf "%s\t%s\t%s\n", input, rule, $2 > eout; insum = 0; next }
  /^---/ { insum = 0; next }
  insum && match($0, /^[^ \t]+[ \t]+(PASS|FAIL|SKIP)$/) {
    n = split($0, f, /[ \t]+/)
    name = f[1]; st = f[n]
    if (index(name, base "/") == 1)
      printf "%s\t%s\t%s\t%s\n", input, rule, substr(name, length(base) + 2), st > vout
  }'
touch "$TMP/v.all" "$TMP/e.all"
LC_ALL=C sort "$TMP/v.all" > "$CT/verdicts.tsv.tmp"
LC_ALL=C sort "$TMP/e.all" > "$CT/exits.tsv.tmp"
got=$(wc -l < "$CT/exits.tsv.tmp")
if [ "$got" -ne "$total" ]; then
  echo "record_ct.sh: expected $total exit lines, got $got" >&2
  exit 1
fi
mv "$CT/verdicts.tsv.tmp" "$CT/verdicts.tsv"
mv "$CT/exits.tsv.tmp" "$CT/exits.tsv"
echo "record_ct.sh: $total pairs, $(wc -l < "$CT/verdicts.tsv") verdict lines" >&2
