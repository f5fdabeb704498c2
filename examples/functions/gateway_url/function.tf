# Provider functions need OpenTofu 1.7+ or Terraform 1.8+.
terraform {
  required_providers {
    unitysvc = { source = "unitysvc/unitysvc" }
  }
}

# Functions cannot read the provider block: keep the gateway URL in one
# local value and pass it to both.
locals {
  gateway = "https://api.unitysvc.com"
}

provider "unitysvc" {
  gateway_url = local.gateway
}

resource "unitysvc_chain" "failover" {
  name  = "llm-failover"
  steps = [{ name = "primary", target_path = "g/llm" }]
}

output "logged_chat_url" {
  # https://api.unitysvc.com/l/c/llm-failover/v1/chat/completions
  value = provider::unitysvc::gateway_url(
    provider::unitysvc::wrapped_path("${unitysvc_chain.failover.gateway_path}/v1/chat/completions", { log = true }),
    local.gateway,
  )
}

# Without the second argument: UNITYSVC_API_BASE_URL, else UNITYSVC_API_URL
# without /v1, else https://api.unitysvc.com.
output "group_url" {
  value = provider::unitysvc::gateway_url("g/llm/v1/models")
}
