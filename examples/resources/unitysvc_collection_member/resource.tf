data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

resource "unitysvc_collection" "my_llms" {
  name = "my-llms"
}

# Requests to /g/my-llms with "model": "fast-gpt" reach gpt-4o-mini.
resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = data.unitysvc_service.gpt.id
  routing_key   = { model = "fast-gpt" }
  sort_order    = 1
}

# A service that needs an enrollment can join once the enrollment is
# active: referencing the enrollment orders the two.
resource "unitysvc_enrollment" "byok" {
  service_id                      = data.unitysvc_service.byok.id
  parameters                      = { endpoint = "https://llm.example.com/v1" }
  sensitive_parameters_wo         = { api_key = var.my_provider_api_key }
  sensitive_parameters_wo_version = 1
}

resource "unitysvc_collection_member" "byok" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = unitysvc_enrollment.byok.service_id
}

variable "my_provider_api_key" {
  type      = string
  sensitive = true
}
