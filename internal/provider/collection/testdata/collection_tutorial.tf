# The BYOK tutorial: a secret, an enrollment in the BYOK service, and a
# collection with the BYOK service and gpt-4o-mini, the latter reachable
# as model "fast-gpt".
data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

resource "unitysvc_secret" "key" {
  name  = "MY_PROVIDER_API_KEY"
  value = "sk-tutorial-secret-value"
}

resource "unitysvc_enrollment" "byok" {
  service_id           = data.unitysvc_service.byok.id
  parameters           = { endpoint = "https://llm.example.com/v1" }
  sensitive_parameters = { api_key = "sk-tutorial-secret-value" }
  depends_on           = [unitysvc_secret.key]
}

resource "unitysvc_collection" "my_llms" {
  name         = "{{.name}}"
  display_name = "{{.display_name}}"
}

resource "unitysvc_collection_member" "byok" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = unitysvc_enrollment.byok.service_id
}

resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = data.unitysvc_service.gpt.id
  routing_key   = { model = "fast-gpt" }
  sort_order    = 1
}
