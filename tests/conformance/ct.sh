#!/bin/sh
# Control Tower conformance: gavel against cfn-guard 3.1.1 on the 237 AWS
# Control Tower proactive rule files and the corpus in corpus/ct/.
#
#   corpus/ct/exits.tsv     INPUT<TAB>RULEFILE<TAB>EXITCODE        (one line per pair)
#   corpus/ct/verdicts.tsv  INPUT<TAB>RULEFILE<TAB>RULENAME<TAB>STATUS
# recorded by corpus/tools/record_ct.sh from `cfn-guard validate -r RULEFILE
# -d INPUT -S all`. INPUT is relative to corpus/ct/inputs, RULEFILE to the
# control-tower/cfn-guard rules dir of the npm package in bench/peers.
#
# For every pair, gavel runs with the same flags; the summary block (lines
# "<rulefile>/<rule>   PASS|FAIL|SKIP" up to the first "---") is parsed
# exactly as record_ct.sh parses the oracle's, and both the per-rule statuses
# and the exit code must match. Where cfn-guard panicked in its reporter after
# printing the summary (exit 101; docs/oracle-notes/validate-cli.md: gavel does
# not copy panics), gavel must exit as the summary implies: 19 if a rule
# FAILed, else 0. Every difference is printed as
#   DIFF <input> <rulefile> <rule|(exit)>: expected <X>, got <Y>
# followed by "ct-conformance: N/M pairs agree". Exit status 1 on any
# difference or when the rules / corpus are missing.
#
# Usage: GAVEL=build/gavel sh tests/conformance/ct.sh [--live] [--bundles] [FILTER...]
#   --live    also run the oracle now: gavel is compared with the live oracle,
#             and pairs where the live oracle differs from the recorded corpus
#             are reported as STALE (re-record with corpus/tools/record_ct.sh).
#   --bundles gavel validates from precompiled bundles: each rule file is
#             first compiled alone (`gavel compile`) and `-r` names its bundle
#             (the reports name the rule file the bundle was compiled from).
#   FILTER    only pairs whose input path or rule file contains one of the
#             strings (e.g. multi/ or ct-s3-pr-1.guard).
# Environment: GAVEL, CFN_GUARD (oracle, --live only), CT_RULES (rules dir),
#   CT_JOBS (parallel runs, default 2), CT_TIMEOUT (seconds per gavel/oracle run;
#   unset = no limit; a run killed by it shows as exit 124 "(timeout)").
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd -P)
PKG="$ROOT/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard"
GAVEL=${GAVEL:-$ROOT/build/gavel}
CFN_GUARD=${CFN_GUARD:-$PKG/bin/ubuntu/x86_64/cfn-guard}
RULES=${CT_RULES:-$PKG/rules/control-tower/cfn-guard}
JOBS=${CT_JOBS:-2}
TIMEOUT=${CT_TIMEOUT:-}
CT="$ROOT/corpus/ct"
INPUTS="$CT/inputs"
NAME=ct-conformance

live=0
bundles=0
while :; do
    case "${1:-}" in
    --live) live=1; shift; NAME=ct-live ;;
    --bundles) bundles=1; shift; NAME=ct-bundles ;;
    *) break ;;
    esac
done

die() { echo "$NAME: FAILED: $*" >&2; echo "$NAME: 0/0 pairs agree"; exit 1; }

[ -x "$GAVEL" ] || die "gavel binary not found: $GAVEL"
[ -f "$CT/exits.tsv" ] && [ -f "$CT/verdicts.tsv" ] && [ -d "$INPUTS" ] ||
    die "corpus missing: $CT/{exits.tsv,verdicts.tsv,inputs/}"
if [ ! -d "$RULES" ] || [ -z "$(find "$RULES" -name 'ct-*.guard' 2>/dev/null | head -1)" ]; then
    die "Control Tower rules not found at $RULES
  They come from the npm package @cdklabs/cdk-validator-cfnguard (not committed):
  run 'make peers' (npm install in bench/peers) or set CT_RULES."
fi
if [ "$live" = 1 ] && [ ! -x "$CFN_GUARD" ]; then
    die "oracle not found: $CFN_GUARD (run 'make peers' or set CFN_GUARD)"
fi
case "$JOBS" in ''|*[!0-9]*|0) JOBS=2 ;; esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ct-conformance.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

# ---- pair list (optionally filtered)
awk -F '\t' -v filters="$*" '
    BEGIN { nf = split(filters, f, " ") }
    {
        if (nf == 0) { print $1 "\t" $2; next }
        for (i = 1; i <= nf; i++) if (index($1, f[i]) || index($2, f[i])) { print $1 "\t" $2; next }
    }' "$CT/exits.tsv" >"$TMP/pairs"
total=$(wc -l <"$TMP/pairs" | tr -d ' ')
[ "$total" -gt 0 ] || die "no pairs selected"
missing=$(cut -f2 "$TMP/pairs" | sort -u | while read -r r; do [ -f "$RULES/$r" ] || echo "$r"; done)
[ -z "$missing" ] || die "rule files missing under $RULES: $(echo "$missing" | head -5 | tr '\n' ' ')"

# Optional per-run time limit (costs an extra process per run, so off by default).
TO=""
if [ -n "$TIMEOUT" ] && [ "$TIMEOUT" != 0 ] && command -v timeout >/dev/null 2>&1; then TO="timeout $TIMEOUT"; fi

# ---- --bundles: one bundle per selected rule file, named like it
RULES_GAVEL=$RULES
SUFFIX=
if [ "$bundles" = 1 ]; then
    RULES_GAVEL="$TMP/bundles"
    SUFFIX=.gvb
    cut -f2 "$TMP/pairs" | sort -u | while read -r r; do
        mkdir -p "$RULES_GAVEL/$(dirname "$r")"
        "$GAVEL" compile -r "$RULES/$r" -o "$RULES_GAVEL/$r.gvb" || echo "$r" >>"$TMP/uncompiled"
    done
    [ ! -s "$TMP/uncompiled" ] || die "rule files that do not compile: $(head -5 "$TMP/uncompiled" | tr '\n' ' ')"
fi

# ---- run a binary on every pair; raw output with @@PAIR / @@EXIT markers
run_all() { # $1 binary, $2 output prefix, $3 rules dir, $4 rule file suffix
    i=0
    while [ "$i" -lt "$JOBS" ]; do
        awk -v n="$JOBS" -v i="$i" 'NR % n == i' "$TMP/pairs" >"$TMP/shard.$i"
        (
            while IFS='	' read -r input rule; do
                printf '@@PAIR\t%s\t%s\n' "$input" "$rule"
                # shellcheck disable=SC2086 # $TO is a command prefix or empty
                $TO "$1" validate -r "$3/$rule$4" -d "$INPUTS/$input" -S all 2>/dev/null </dev/null
                rc=$?
                printf '\n@@EXIT\t%s\n' "$rc"
            done <"$TMP/shard.$i" >"$2.raw.$i"
        ) &
        i=$((i + 1))
    done
    wait
    # Same parsing as corpus/tools/record_ct.sh: summary lines up to the first '---'.
    cat "$2".raw.* | awk -F '\t' -v vout="$2.v" -v eout="$2.e" '
        /^@@PAIR\t/ { input = $2; rule = $3; base = rule; sub(/.*\//, "", base); insum = 1; next }
        /^@@EXIT\t/ { printf "%s\t%s\t%s\n", input, rule, $2 > eout; insum = 0; next }
        /^---/ { insum = 0; next }
        insum && match($0, /^[^ \t]+[ \t]+(PASS|FAIL|SKIP)$/) {
            n = split($0, f, /[ \t]+/)
            name = f[1]; st = f[n]
            if (index(name, base "/") == 1)
                printf "%s\t%s\t%s\t%s\n", input, rule, substr(name, length(base) + 2), st > vout
        }'
    touch "$2.v" "$2.e"
    LC_ALL=C sort "$2.v" -o "$2.v"
    LC_ALL=C sort "$2.e" -o "$2.e"
}

# ---- compare: expected (exits, verdicts) vs got (exits, verdicts) over $TMP/pairs
# $1 exp exits, $2 exp verdicts, $3 got exits, $4 got verdicts, $5 tag, $6 1 when the
# expected side is cfn-guard and the got side gavel; prints DIFF lines, last line "AGREE <n>".
compare() {
    awk -F '\t' -v tag="$5" -v to="$TO" -v panic="${6:-0}" '
        FILENAME == ARGV[1] { sel[$1 "\t" $2] = 1; order[++np] = $1 "\t" $2; next }
        FILENAME == ARGV[2] { if (($1 "\t" $2) in sel) ee[$1 "\t" $2] = $3; next }
        FILENAME == ARGV[3] { k = $1 "\t" $2; if (k in sel) { r = k "\t" $3; if (r in ev) ev[r] = ev[r] "," $4; else ev[r] = $4; er[k] = er[k] "\t" $3
                              if ($4 == "FAIL") anyfail[k] = 1 } next }
        FILENAME == ARGV[4] { if (($1 "\t" $2) in sel) ge[$1 "\t" $2] = $3; next }
        FILENAME == ARGV[5] { k = $1 "\t" $2; if (k in sel) { r = k "\t" $3; if (r in gv) gv[r] = gv[r] "," $4; else gv[r] = $4; gr[k] = gr[k] "\t" $3 } next }
        END {
            agree = 0
            for (p = 1; p <= np; p++) {
                k = order[p]; split(k, kk, "\t"); bad = 0
                # rule names from both sides, each once
                delete names; nn = 0
                m = split(substr(er[k] gr[k], 2), nl, "\t")
                for (j = 1; j <= m; j++) if (nl[j] != "" && !(nl[j] in names)) { names[nl[j]] = 1; nm[++nn] = nl[j] }
                for (j = 1; j <= nn; j++) {
                    r = k "\t" nm[j]
                    x = (r in ev) ? ev[r] : "-"; y = (r in gv) ? gv[r] : "-"
                    if (x != y) { printf "%s %s %s %s: expected %s, got %s\n", tag, kk[1], kk[2], nm[j], x, y; bad = 1 }
                }
                x = (k in ee) ? ee[k] : "-"; y = (k in ge) ? ge[k] : "-"
                how = ""
                if (panic && x == "101") {
                    # cfn-guard panicked in its reporter after the summary; gavel
                    # does not copy panics: it must exit as the summary implies.
                    x = (k in anyfail) ? "19" : "0"
                    how = " (cfn-guard panicked, exit 101)"
                }
                if (x != y) {
                    if (y == "124" && to != "") how = how " (timeout)"
                    printf "%s %s %s (exit): expected %s, got %s%s\n", tag, kk[1], kk[2], x, y, how; bad = 1
                }
                if (!bad) agree++
            }
            print "AGREE " agree
        }' "$TMP/pairs" "$1" "$2" "$3" "$4"
}

run_all "$GAVEL" "$TMP/gavel" "$RULES_GAVEL" "$SUFFIX"
if [ "$live" = 1 ]; then
    run_all "$CFN_GUARD" "$TMP/oracle" "$RULES" ""
    compare "$CT/exits.tsv" "$CT/verdicts.tsv" "$TMP/oracle.e" "$TMP/oracle.v" STALE >"$TMP/stale"
    compare "$TMP/oracle.e" "$TMP/oracle.v" "$TMP/gavel.e" "$TMP/gavel.v" DIFF 1 >"$TMP/result"
else
    compare "$CT/exits.tsv" "$CT/verdicts.tsv" "$TMP/gavel.e" "$TMP/gavel.v" DIFF 1 >"$TMP/result"
fi

status=0
if [ "$live" = 1 ]; then
    grep -v '^AGREE ' "$TMP/stale"
    fresh=$(sed -n 's/^AGREE //p' "$TMP/stale")
    if [ "$fresh" != "$total" ]; then
        echo "$NAME: live oracle differs from the recorded corpus on $((total - fresh))/$total pairs (re-record with corpus/tools/record_ct.sh)"
        status=1
    fi
fi
grep -v '^AGREE ' "$TMP/result"
agree=$(sed -n 's/^AGREE //p' "$TMP/result")
echo "$NAME: $agree/$total pairs agree"
[ "$agree" = "$total" ] || status=1
exit $status
