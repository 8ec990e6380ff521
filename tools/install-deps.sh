#!/bin/sh
# Installs what gavel builds and tests with: the Debian -dev packages found
# through pkg-config, and the oracle (cfn-guard 3.1.1 in an npm package) for
# the conformance suite. Idempotent; quiet when everything is there.
set -eu
cd "$(dirname "$0")/.."

PKGS="libpcre2-8 yaml-0.1 libcjson libxxhash check"
DEBS="build-essential pkg-config libpcre2-dev libyaml-dev libcjson-dev libxxhash-dev check"

missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"
command -v cc >/dev/null 2>&1 || missing="$missing cc"
if [ -z "$missing" ]; then
    for p in $PKGS; do
        pkg-config --exists "$p" || missing="$missing $p"
    done
fi
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "install-deps: installing Debian packages for:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends $DEBS >/dev/null
    else
        echo "install-deps: missing:$missing" >&2
        echo "install-deps: run: sudo apt-get install -y $DEBS" >&2
        exit 1
    fi
fi

ORACLE=bench/peers/node_modules/@cdklabs/cdk-validator-cfnguard/bin/ubuntu/x86_64/cfn-guard
if [ ! -x "$ORACLE" ]; then
    if command -v npm >/dev/null 2>&1; then
        echo "install-deps: installing the oracle (npm, into bench/peers/)"
        (cd bench/peers && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    else
        echo "install-deps: npm not found: the oracle-backed suites will be skipped" >&2
    fi
fi
