provider "unitysvc" {
  api_url     = "{{.api_url}}"
  api_key     = "{{.api_key}}"
  max_retries = 6
}

data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}
data "unitysvc_service" "mistral" {
  group = "llm"
  name  = "mistral-small"
}
data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

resource "unitysvc_secret" "key" {
  name  = "RETRY_KEY"
  value = "v"
}

resource "unitysvc_enrollment" "byok" {
  service_id           = data.unitysvc_service.byok.id
  parameters           = { endpoint = "https://llm.example.com/v1" }
  sensitive_parameters = { api_key = "k" }
}

resource "unitysvc_collection" "c" {
  name        = "retry-llms"
  description = "{{.description}}"
}

resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.c.id
  service_id    = data.unitysvc_service.gpt.id
  routing_key   = { model = "fast" }
}

resource "unitysvc_collection_member" "mistral" {
  collection_id = unitysvc_collection.c.id
  service_id    = data.unitysvc_service.mistral.id
}

resource "unitysvc_collection_member" "byok" {
  collection_id = unitysvc_collection.c.id
  service_id    = unitysvc_enrollment.byok.service_id
}

locals {
  # The chain's steps: "two" on the first apply, "one" on the second.
  chain_steps = {
    two = [{ name = "one", target_path = "g/llm", on_failure = "continue" }, { name = "two", target_path = "g/retry-llms" }]
    one = [{ name = "only", target_path = "g/retry-llms" }]
  }
}

resource "unitysvc_chain" "failover" {
  name  = "retry-failover"
  steps = local.chain_steps["{{.steps}}"]
}

resource "unitysvc_broadcast" "fanout" {
  name    = "retry-fanout"
  targets = [{ name = "a", target_path = unitysvc_collection.c.gateway_path }, { name = "b", target_path = "g/llm" }]
}

resource "unitysvc_alias" "a" {
  name        = "retry-alias"
  target_path = unitysvc_collection.c.gateway_path
}

resource "unitysvc_recurrent_request" "r" {
  name             = "retry-health"
  request_path     = "g/retry-llms/v1/chat/completions"
  body             = jsonencode({ model = "fast" })
  interval_seconds = 300
}
