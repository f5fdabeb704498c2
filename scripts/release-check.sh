#!/usr/bin/env bash
# make release-check: `goreleaser check` on .goreleaser.yml, then a snapshot
# release limited to linux/amd64 (the full matrix only changes the list of
# targets), and a check of what the Terraform registry needs from it:
#   terraform-provider-unitysvc_<v>_<os>_<arch>.zip holding terraform-provider-unitysvc_v<v>,
#   terraform-provider-unitysvc_<v>_SHA256SUMS listing every zip and the manifest,
#   terraform-provider-unitysvc_<v>_manifest.json with protocol version 6.0,
# and the unitysvc-local archive (checked by scripts/releasecheck).
set -euo pipefail
: "${GORELEASER:?set GORELEASER to the goreleaser binary (make release-check does)}"
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$GORELEASER" check

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The same configuration with one target per build.
sed -e 's/^    goos: \[.*\]$/    goos: [linux]/' -e 's/^    goarch: \[.*\]$/    goarch: [amd64]/' .goreleaser.yml > "$work/goreleaser.yml"
grep -q 'goos: \[linux\]' "$work/goreleaser.yml" || { echo "release-check: could not narrow the targets of .goreleaser.yml" >&2; exit 1; }
"$GORELEASER" release --snapshot --clean --skip=sign,publish,before --config "$work/goreleaser.yml" --parallelism 2 >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }

# The release uploads terraform-registry-manifest.json under the manifest's
# name (release.extra_files); a snapshot does not publish, so put it there
# to check it against SHA256SUMS the way the registry will.
grep -q 'glob: terraform-registry-manifest.json' .goreleaser.yml || { echo "release-check: the release does not publish the manifest" >&2; exit 1; }
sums=$(ls dist/terraform-provider-unitysvc_*_SHA256SUMS)
version=${sums#dist/terraform-provider-unitysvc_}; version=${version%_SHA256SUMS}
cp terraform-registry-manifest.json "dist/terraform-provider-unitysvc_${version}_manifest.json"
go run ./scripts/releasecheck dist linux_amd64
