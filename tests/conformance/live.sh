#!/bin/sh
# `make conformance`: re-runs the live oracle (cfn-guard 3.1.1 from the npm
# package in bench/peers) and gavel on every Control Tower corpus pair and
# prints every difference (see tests/conformance/ct.sh --live).
# BUILD gives the build dir of the gavel binary (default build).
# Usage: BUILD=build sh tests/conformance/live.sh [FILTER...]
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd -P)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
GAVEL="$BUILD/gavel"
export GAVEL
exec sh "$ROOT/tests/conformance/ct.sh" --live "$@"
