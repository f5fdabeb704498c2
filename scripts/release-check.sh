#!/usr/bin/env bash
# make release-check: `goreleaser check` on .goreleaser.yml, then a snapshot
# release limited to linux/amd64 (the full matrix only changes the list of
# targets), and a check of what the Terraform registry needs from it:
#   terraform-provider-unitysvc_<v>_<os>_<arch>.zip holding terraform-provider-unitysvc_v<v>,
#   terraform-provider-unitysvc_<v>_SHA256SUMS listing every zip and the manifest,
#   terraform-provider-unitysvc_<v>_manifest.json with protocol version 6.0,
# and the unitysvc-local archive.
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

fail() { echo "release-check: $*" >&2; exit 1; }
cd dist
sums=$(ls terraform-provider-unitysvc_*_SHA256SUMS 2>/dev/null) || fail "no SHA256SUMS file"
version=${sums#terraform-provider-unitysvc_}; version=${version%_SHA256SUMS}
zip="terraform-provider-unitysvc_${version}_linux_amd64.zip"
manifest="terraform-provider-unitysvc_${version}_manifest.json"
local_zip="unitysvc-local_${version}_linux_amd64.zip"
for f in "$zip" "$manifest" "$local_zip"; do [ -f "$f" ] || fail "missing $f"; done
unzip -l "$zip" | grep -q " terraform-provider-unitysvc_v${version}\$" || fail "$zip does not hold terraform-provider-unitysvc_v${version}"
unzip -l "$local_zip" | grep -q " unitysvc-local\$" || fail "$local_zip does not hold unitysvc-local"
grep -q '"6.0"' "$manifest" || fail "$manifest does not declare protocol 6.0"
for f in "$zip" "$manifest" "$local_zip"; do grep -q "  $f\$" "$sums" || fail "$sums does not list $f"; done
sha256sum --quiet -c "$sums" || fail "$sums does not match the files"
echo "release-check: ok ($version): $(wc -l < "$sums") files in $sums: provider zip, unitysvc-local zip and manifest"
