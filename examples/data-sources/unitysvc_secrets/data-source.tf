# Your team's shared secrets and variables (values are never listed).
data "unitysvc_secrets" "team" {
  scope = "shared"
}

# Import every one of them (OpenTofu / Terraform 1.7+).
import {
  for_each = { for s in data.unitysvc_secrets.team.secrets : s.import_id => s }
  to       = unitysvc_secret.team[each.key]
  id       = each.key # "shared/NAME"
}

resource "unitysvc_secret" "team" {
  for_each    = { for s in data.unitysvc_secrets.team.secrets : s.import_id => s }
  name        = each.value.name
  shared      = true
  sensitive   = each.value.sensitive
  description = each.value.description
  # No value: an imported secret's value is left as it is.
}
