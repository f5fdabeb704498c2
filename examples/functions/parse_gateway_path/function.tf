# Provider functions need OpenTofu 1.7+ or Terraform 1.8+.
terraform {
  required_providers {
    unitysvc = { source = "unitysvc/unitysvc" }
  }
}

variable "target" {
  type    = string
  default = "l/m/g/my-llms/v1/chat/completions?_ttl=1h"
}

locals {
  target = provider::unitysvc::parse_gateway_path(var.target)
}

# kind = "group", name = "my-llms", wrappers = ["l", "m"], cache_ttl = "1h", ...
output "target" {
  value = local.target
}

# A check that warns when a target path is not cached.
check "target_is_cached" {
  assert {
    condition     = local.target.cache
    error_message = "${var.target} is not wrapped in m/ (memoize)."
  }
}
