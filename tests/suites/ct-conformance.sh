#!/bin/sh
# Control Tower conformance, offline: gavel against the cfn-guard 3.1.1
# verdicts and exit codes recorded in corpus/ct/ (see tests/conformance/ct.sh).
# Needs the CT rule files from the npm package in bench/peers (make peers);
# fails loudly when they are missing.
# Usage: GAVEL=build/gavel sh tests/suites/ct-conformance.sh [FILTER...]
exec sh "$(dirname "$0")/../conformance/ct.sh" "$@"
