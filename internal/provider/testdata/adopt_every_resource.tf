# One resource of every type, each imported again by identity and with
# generated configuration (identity_test.go).
data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}
data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

resource "unitysvc_secret" "variable" {
  name      = "ADOPT_REGION"
  value     = "eu-west-1"
  sensitive = false
}

resource "unitysvc_secret" "shared" {
  name      = "ADOPT_TEAM_REGION"
  value     = "eu-west-2"
  sensitive = false
  shared    = true
}

resource "unitysvc_enrollment" "byok" {
  service_id = data.unitysvc_service.byok.id
  parameters = { endpoint = "https://llm.example.com/v1" }
}

resource "unitysvc_collection" "c" {
  name        = "adopt-llms"
  description = "adopted"
}

resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.c.id
  service_id    = data.unitysvc_service.gpt.id
  routing_key   = { model = "fast" }
}

resource "unitysvc_chain" "failover" {
  name  = "adopt-failover"
  steps = [{ name = "one", target_path = "g/llm", on_failure = "continue" }, { name = "two", target_path = unitysvc_collection.c.gateway_path, timeout_ms = 5000 }]
}

resource "unitysvc_broadcast" "fanout" {
  name    = "adopt-fanout"
  shared  = true
  targets = [{ name = "a", target_path = unitysvc_collection.c.gateway_path, routing_key_override = { model = "fast" } }, { name = "b", target_path = "g/llm" }]
}

resource "unitysvc_alias" "a" {
  name                 = "adopt-alias"
  target_path          = unitysvc_collection.c.gateway_path
  routing_key_override = { model = "fast" }
}

resource "unitysvc_recurrent_request" "interval" {
  name             = "adopt-health"
  request_path     = "g/adopt-llms/v1/chat/completions"
  body             = jsonencode({ model = "fast" })
  interval_seconds = 300
}

resource "unitysvc_recurrent_request" "cron" {
  name            = "adopt-report"
  request_path    = "g/llm/v1/chat/completions"
  body            = jsonencode({ model = "gpt-4o-mini" })
  cron_expression = "0 2 * * *"
  timezone        = "Europe/Berlin"
  status          = "paused"
}

resource "unitysvc_request_logging" "current" {
  enabled = true
}
