#!/bin/sh
# Instruction counts of gavel on one benchmark template with all Control Tower
# rules, under valgrind's callgrind: prints the total Ir (instructions
# executed) and the functions with the most instructions of their own.
#
# Usage: BUILD=build sh bench/callgrind.sh [SIZE] [MODE]
#   SIZE   template size (default 1000: bench/out/tmpl-1000.json, generated if missing)
#   MODE   structured (-z -o json -S none, default) or text (-S none)
# Environment: TOP (functions listed, default 15), CT_RULES, SEED, VALGRIND.
# The profile stays in bench/out/callgrind.out.SIZE.MODE for callgrind_annotate
# or kcachegrind (`callgrind_annotate --inclusive=yes FILE` for inclusive counts).
# Build with -g (the default CFLAGS) so functions have names and lines.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SIZE=${1:-1000}
MODE=${2:-structured}
TOP=${TOP:-15}
VALGRIND=${VALGRIND:-valgrind}
PKG="$ROOT/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard"
RULES=${CT_RULES:-$PKG/rules/control-tower/cfn-guard}
OUT="$ROOT/bench/out"

die() { echo "callgrind: $*" >&2; exit 1; }
[ -x "$BUILD/gavel" ] || die "$BUILD/gavel not built (make BUILD=$BUILD)"
[ -d "$RULES" ] || die "rules not found at $RULES: run 'make peers' or set CT_RULES"
command -v "$VALGRIND" >/dev/null 2>&1 || die "valgrind not installed (apt-get install valgrind)"
case "$MODE" in
    structured) ARGS="-z -o json -S none" ;;
    text) ARGS="-S none" ;;
    *) die "unknown mode $MODE (structured or text)" ;;
esac
mkdir -p "$OUT"
DATA="$OUT/tmpl-$SIZE.json"
python3 "$ROOT/bench/gen_templates.py" --sizes "$SIZE" --seed "${SEED:-1}" --out "$OUT" --rules "$RULES" >&2
PROF="$OUT/callgrind.out.$SIZE.$MODE"
rm -f "$PROF"

echo "callgrind: gavel validate -r RULES -d $(basename "$DATA") $ARGS" >&2
rc=0
# shellcheck disable=SC2086
"$VALGRIND" --tool=callgrind --callgrind-out-file="$PROF" \
    "$BUILD/gavel" validate -r "$RULES" -d "$DATA" $ARGS >/dev/null 2>"$OUT/callgrind.log" || rc=$?
case "$rc" in 0|19) ;; *) tail -5 "$OUT/callgrind.log" >&2; die "gavel exited $rc" ;; esac

total=$(sed -n 's/^summary: *//p; s/^totals: *//p' "$PROF" | head -1 | awk '{print $1}')
[ -n "$total" ] || die "no totals in $PROF"
echo "callgrind: $(basename "$DATA") ($SIZE resources, $MODE): total Ir $(echo "$total" |
    awk '{ s = $1; o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }')"
echo "Ir $total"
if command -v callgrind_annotate >/dev/null 2>&1; then
    echo
    echo "Top $TOP functions by own (exclusive) Ir:"
    callgrind_annotate --inclusive=no "$PROF" 2>/dev/null |
        awk -v top="$TOP" '
            /^-+$/ { dash++; next }
            dash >= 3 && NF >= 2 && $1 ~ /^[0-9,]+$/ && !/PROGRAM TOTALS/ { print; if (++n >= top) exit }'
fi
