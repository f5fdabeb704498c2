#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs. tfplugindocs needs the provider's
# schema; we get it from the locally built OpenTofu through a dev override,
# so nothing is downloaded but Go modules.
set -euo pipefail
: "${TOFU:?set TOFU to the tofu binary (make docs does)}"
version=${TFPLUGINDOCS_VERSION:-v0.25.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/bin/terraform-provider-unitysvc" .
cat > "$tmp/tofurc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/unitysvc" = "$tmp/bin"
  }
  direct {}
}
RC
mkdir -p "$tmp/cfg"
cat > "$tmp/cfg/main.tf" <<'TF'
terraform {
  required_providers {
    unitysvc = { source = "registry.terraform.io/hashicorp/unitysvc" }
  }
}
TF
(cd "$tmp/cfg" && TF_CLI_CONFIG_FILE="$tmp/tofurc" CHECKPOINT_DISABLE=1 "$TOFU" providers schema -json) > "$tmp/schema.json"
go run "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@$version" generate \
  --provider-name unitysvc --rendered-provider-name UnitySVC \
  --providers-schema "$tmp/schema.json"
