# A BYOK upstream key, set write-only so it never enters plan or state
# (Terraform 1.11+ / OpenTofu 1.11+). Bump value_wo_version to rotate it.
variable "my_provider_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "unitysvc_secret" "my_provider_api_key" {
  name             = "MY_PROVIDER_API_KEY"
  value_wo         = var.my_provider_api_key
  value_wo_version = 1
  description      = "Upstream key for my-provider (BYOK)"
}

# A variable: not sensitive, so its value is read back and drift shows in plan.
resource "unitysvc_secret" "region" {
  name      = "MY_PROVIDER_REGION"
  value     = "eu-west-1"
  sensitive = false
}

# A team-wide secret, visible to everyone in your organisation.
resource "unitysvc_secret" "team_webhook" {
  name   = "TEAM_WEBHOOK_TOKEN"
  value  = "change-me"
  shared = true
}
