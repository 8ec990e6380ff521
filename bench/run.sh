#!/bin/sh
# `make bench`: gavel against cfn-guard 3.1.1 with all 237 Control Tower rule
# files on generated CloudFormation templates of 10 .. 100,000 resources, plus
# the in-process hook case. See bench/README.md.
#
# Environment (all optional):
#   BUILD        gavel build dir (default build): uses $BUILD/gavel and $BUILD/libgavel.a
#   SIZES        template sizes, comma-separated (default 10,100,1000,10000,100000)
#   REPS         timed runs per tool and size (default 5; medians are reported)
#   MODES        structured,text (default structured: -z -o json -S none)
#   TIMEOUT      seconds before any single run is killed (default 300); gavel is
#                skipped where one run is predicted to take longer
#   CFN_BUDGET   skip cfn-guard where one run is predicted to exceed this (default 60 s)
#   MAX_TOTAL    stop repeating a tool at a size once its runs add up to this (default 180 s)
#   MEM_LIMIT_MB address-space limit of every run (default 16384; 0 = none)
#   CFN_GUARD    oracle binary (default: the npm package in bench/peers)
#   CT_RULES     rules dir (default: control-tower/cfn-guard of the npm package)
#   SEED         generator seed (default 1)
#   HOOK_TYPE    resource type of the hook document (default AWS::S3::Bucket)
#   HOOK_ITERS   iterations per batch for hook_bench (default: ~0.2 s per batch)
#   CC, CFLAGS   compiler for hook_bench (defaults as in the Makefile: cc, -O2 -g)
#   BUNDLE       1 (default): gavel loads the rules as one precompiled bundle
#                (bench/out/ct.gvb, `gavel compile`), in the CLI runs and the
#                hook case; 0: from the sources
# Results: bench/out/results.md (and results.json); templates in bench/out/.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
PKG="$ROOT/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard"
CFN_GUARD=${CFN_GUARD:-$PKG/bin/ubuntu/x86_64/cfn-guard}
RULES=${CT_RULES:-$PKG/rules/control-tower/cfn-guard}
SIZES=${SIZES:-10,100,1000,10000,100000}
REPS=${REPS:-5}
MODES=${MODES:-structured}
TIMEOUT=${TIMEOUT:-300}
CFN_BUDGET=${CFN_BUDGET:-60}
SEED=${SEED:-1}
HOOK_TYPE=${HOOK_TYPE:-AWS::S3::Bucket}
OUT="$ROOT/bench/out"
PY=${PYTHON:-python3}

die() { echo "bench: $*" >&2; exit 1; }

[ -x "$BUILD/gavel" ] || die "$BUILD/gavel not built (make BUILD=$BUILD)"
[ -d "$RULES" ] || die "Control Tower rules not found at $RULES: run 'make peers' (npm install in bench/peers) or set CT_RULES"
command -v "$PY" >/dev/null 2>&1 || die "python3 is needed (templates and timing driver)"
mkdir -p "$OUT"

# ---- templates (deterministic; rewritten only when the generator, seed or rules change)
"$PY" "$ROOT/bench/gen_templates.py" --sizes "$SIZES" --seed "$SEED" --out "$OUT" \
    --rules "$RULES" --hook-type "$HOOK_TYPE"
HOOK="$OUT/hook-$(echo "$HOOK_TYPE" | sed 's/^[^:]*:://; s/::/-/g' | tr 'A-Z' 'a-z').json"

# ---- the rules precompiled once for gavel (what a hook or a scanner would ship)
GAVEL_RULES=
if [ "${BUNDLE:-1}" = 1 ]; then
    GAVEL_RULES="$OUT/ct.gvb"
    "$BUILD/gavel" compile -r "$RULES" -o "$GAVEL_RULES" || die "gavel compile failed"
fi

# ---- hook_bench: linked against $BUILD/libgavel.a with the Makefile's flags
PKGS="libpcre2-8 yaml-0.1 libcjson libxxhash"
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
HB="$BUILD/bench/hook_bench"
HOOK_OUT="$OUT/hook_bench.txt"
rm -f "$HOOK_OUT"
mkdir -p "$BUILD/bench"
# shellcheck disable=SC2086
if [ -f "$BUILD/libgavel.a" ] &&
   $CC -I"$ROOT/engine/include" -I"$ROOT/engine/src" $(pkg-config --cflags $PKGS) $CFLAGS -std=c11 \
       -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -Wno-unused-parameter \
       -o "$HB" "$ROOT/bench/hook_bench.c" "$BUILD/libgavel.a" $(pkg-config --libs $PKGS) -lm \
       2>"$OUT/hook_bench.build.log"; then
    echo "bench: hook case in process ($HB)" >&2
    # the rules as the CLI runs take them: the bundle (read in place, its
    # load timed), else every .guard file parsed and compiled
    # shellcheck disable=SC2046
    if "$HB" ${HOOK_ITERS:+-n "$HOOK_ITERS"} -d "$HOOK" \
           ${GAVEL_RULES:-$(find "$RULES" -name '*.guard' | LC_ALL=C sort)} >"$HOOK_OUT"; then
        sed '/^RESULT/d' "$HOOK_OUT" >&2
    else
        echo "bench: hook_bench failed" >&2
        rm -f "$HOOK_OUT"
    fi
else
    echo "bench: could not build hook_bench (see $OUT/hook_bench.build.log); skipping the in-process case" >&2
fi

# ---- CLI runs, alternating gavel and cfn-guard
exec "$PY" "$ROOT/bench/bench.py" --gavel "$BUILD/gavel" --cfn-guard "$CFN_GUARD" --rules "$RULES" \
    --gavel-rules "$GAVEL_RULES" \
    --out "$OUT" --sizes "$SIZES" --modes "$MODES" --reps "$REPS" --timeout "$TIMEOUT" \
    --cfn-budget "$CFN_BUDGET" --max-total "${MAX_TOTAL:-180}" --mem-limit "${MEM_LIMIT_MB:-16384}" --hook "$HOOK" --hook-bench "$HOOK_OUT" \
    --hook-from "${GAVEL_RULES:+bundle}" --results "$OUT/results.md"
