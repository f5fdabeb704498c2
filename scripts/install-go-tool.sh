#!/usr/bin/env bash
# Builds a Go command from the Go module proxy into OUTPUT with
# `go install`, once: the binary is reused while it exists.
# usage: install-go-tool.sh OUTPUT PACKAGE@VERSION "what it is, and how long it takes"
set -euo pipefail
out=${1:?usage: install-go-tool.sh OUTPUT PACKAGE@VERSION DESCRIPTION}
pkg=${2:?usage: install-go-tool.sh OUTPUT PACKAGE@VERSION DESCRIPTION}
what=${3:-Building $pkg}
[ -x "$out" ] && exit 0
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/heartbeat.sh
. "$here/heartbeat.sh"
heartbeat_start "$what"
tmp=$(mktemp -d)
GOBIN="$tmp" CGO_ENABLED=0 go install -trimpath "$pkg"
mkdir -p "$(dirname "$out")"
mv "$tmp"/* "$out"
rmdir "$tmp"
heartbeat_stop
