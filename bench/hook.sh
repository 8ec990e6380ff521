#!/bin/sh
# The in-process hook case alone (what run.sh does before the CLI runs):
# builds $BUILD/bench/hook_bench against $BUILD/libgavel.a and runs it on
# the hook document with all Control Tower rules files.
# Usage: BUILD=build [BUNDLE=bench/out/ct.gvb] sh bench/hook.sh [hook_bench options, e.g. -n 2000]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
PKG="$ROOT/bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard"
RULES=${CT_RULES:-$PKG/rules/control-tower/cfn-guard}
HOOK=${HOOK:-$ROOT/bench/out/hook-s3-bucket.json}
PKGS="libpcre2-8 yaml-0.1 libcjson libxxhash"
mkdir -p "$BUILD/bench"
# shellcheck disable=SC2046
${CC:-cc} -I"$ROOT/engine/include" -I"$ROOT/engine/src" $(pkg-config --cflags $PKGS) ${CFLAGS:--O2 -g} -std=c11 \
    -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -Wno-unused-parameter \
    -o "$BUILD/bench/hook_bench" "$ROOT/bench/hook_bench.c" "$BUILD/libgavel.a" $(pkg-config --libs $PKGS) -lm
# shellcheck disable=SC2046
# BUNDLE=FILE.gvb: the rules from that bundle, read in place (its load time
# is then the bundle's, page faults included)
if [ -n "${BUNDLE:-}" ]; then
    exec "$BUILD/bench/hook_bench" "$@" -d "$HOOK" "$BUNDLE"
fi
exec "$BUILD/bench/hook_bench" "$@" -d "$HOOK" $(find "$RULES" -name '*.guard' | LC_ALL=C sort)
