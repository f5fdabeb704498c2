# Enroll in a bring-your-own-key service with your own upstream endpoint
# and key. Apply waits until the enrollment is active.

variable "my_provider_api_key" {
  type      = string
  sensitive = true
}

data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

# The key the service's channel reads when routing.
resource "unitysvc_secret" "my_provider_api_key" {
  name  = "MY_PROVIDER_API_KEY"
  value = var.my_provider_api_key
}

resource "unitysvc_enrollment" "byok" {
  service_id = data.unitysvc_service.byok.id

  parameters = {
    endpoint = "https://llm.example.com/v1"
    region   = "eu-west-1"
  }

  # Write-only (Terraform 1.11+ / OpenTofu 1.11+): sent when enrolling,
  # never stored in plan or state. Bump the version to enroll again with a
  # new key. On older versions use sensitive_parameters instead.
  sensitive_parameters_wo = {
    api_key = var.my_provider_api_key
  }
  sensitive_parameters_wo_version = 1

  timeouts {
    create = "10m"
  }

  depends_on = [unitysvc_secret.my_provider_api_key]
}

output "byok_endpoint" {
  value = unitysvc_enrollment.byok.proxy_endpoint
}
