# The UnitySVC tutorial flow as configuration. `make demo` runs it against
# unitysvc-local; point the provider at a real account to run it there.
terraform {
  required_providers {
    unitysvc = {
      source = "unitysvc/unitysvc"
    }
  }
}

# api_url, gateway_url and api_key come from UNITYSVC_API_URL,
# UNITYSVC_API_BASE_URL and UNITYSVC_API_KEY.
provider "unitysvc" {}

variable "my_provider_api_key" {
  description = "Your upstream key for the BYOK service (the demo's default is a placeholder)."
  type        = string
  sensitive   = true
  default     = "sk-demo-not-a-real-key"
}

# 1. Browse: the llm group and its services.
data "unitysvc_group" "llm" {
  name = "llm"
}

data "unitysvc_group_services" "llm" {
  group = data.unitysvc_group.llm.name
}

# 2. A BYOK service: what does using it take?
data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

# 3. Create every secret it requires.
resource "unitysvc_secret" "required" {
  for_each    = toset(data.unitysvc_service.byok.required_secrets)
  name        = each.value
  value       = var.my_provider_api_key
  description = "Required by ${data.unitysvc_service.byok.name}"
}

output "llm_group" {
  value = {
    endpoint = data.unitysvc_group.llm.interface.base_url
    strategy = jsondecode(data.unitysvc_group.llm.routing_policy).strategy
    services = [for s in data.unitysvc_group_services.llm.services : s.name]
  }
}

output "byok_service" {
  value = {
    id               = data.unitysvc_service.byok.id
    enrollment_mode  = data.unitysvc_service.byok.enrollment_mode
    parameters       = [for p in data.unitysvc_service.byok.parameters : "${p.name}${p.required ? " (required)" : ""}"]
    required_secrets = data.unitysvc_service.byok.required_secrets
  }
}

output "secrets_created" {
  value = { for k, s in unitysvc_secret.required : k => s.id }
}
