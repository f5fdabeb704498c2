#!/usr/bin/env bash
# make bench: the provider's CPU per resource, an older build against this
# one, and the gateway's BYOK hop against a direct call, side by side in
# one run (internal/bench does the measuring and prints the tables).
#
# The older provider is built from git at BENCH_OLD_REF (default 3029a78,
# main before issue 18's changes); BENCH_ARGS passes flags to
# internal/bench (for example "-resources 500 -reps 5", or -skip-gateway).
# Needs only Go, git and OpenTofu (make bench builds it into .tools/).
set -euo pipefail
: "${TOFU:?set TOFU to the tofu binary (make bench does)}"
root=$(cd "$(dirname "$0")/.." && pwd)
old_ref=${BENCH_OLD_REF:-3029a78}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

if ! git cat-file -e "$old_ref^{commit}" 2>/dev/null; then
  echo "bench: commit $old_ref is not in this clone (a shallow clone?): git fetch --unshallow, or set BENCH_OLD_REF" >&2
  exit 1
fi
echo "Building the provider at $old_ref and at this tree, unitysvc-local and the load generator ..."
mkdir "$work/old"
git archive "$old_ref" | tar -x -C "$work/old"
(cd "$work/old" && go build -trimpath -o "$work/provider-old" .)
go build -trimpath -o "$work/provider-new" .
go build -trimpath -o "$work/unitysvc-local" ./internal/localapi/cmd/unitysvc-local
go build -trimpath -o "$work/bench" ./internal/bench
echo "Measuring (about 2 minutes; progress on stderr) ..."
# shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
"$work/bench" -local "$work/unitysvc-local" -tofu "$TOFU" \
  -old-provider "$work/provider-old" -old-label "$old_ref" -new-provider "$work/provider-new" \
  -dir "$work" ${BENCH_ARGS:-}
