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

  # Masked by the API on read; kept from configuration.
  sensitive_parameters = {
    api_key = var.my_provider_api_key
  }

  timeouts {
    create = "10m"
  }

  depends_on = [unitysvc_secret.my_provider_api_key]
}

output "byok_endpoint" {
  value = unitysvc_enrollment.byok.proxy_endpoint
}
