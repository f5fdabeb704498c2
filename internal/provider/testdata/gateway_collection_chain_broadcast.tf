data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

data "unitysvc_service" "groq" {
  group = "llm"
  name  = "llama-3.1-8b-groq"
}

data "unitysvc_service" "slow" {
  group = "llm"
  name  = "claude-sonnet-4"
}

resource "unitysvc_collection" "c" {
  name = "{{.collection}}"
}

resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.c.id
  service_id    = data.unitysvc_service.gpt.id
  routing_key   = { model = "fast-gpt" }
}

resource "unitysvc_collection_member" "groq" {
  collection_id = unitysvc_collection.c.id
  service_id    = data.unitysvc_service.groq.id
  sort_order    = 1
}

resource "unitysvc_chain" "failover" {
  name = "{{.chain}}"
  steps = [
    { name = "primary", target_path = "p/${data.unitysvc_service.slow.id}", timeout_ms = 100, on_failure = "continue" },
    { name = "backup", target_path = unitysvc_collection.c.gateway_path, on_success = "stop" },
  ]
}

resource "unitysvc_broadcast" "fan" {
  name = "{{.broadcast}}"
  targets = [
    { name = "fast", target_path = unitysvc_collection.c.gateway_path, routing_key_override = { model = "fast-gpt" } },
    { name = "llama", target_path = unitysvc_collection.c.gateway_path, routing_key_override = { model = "llama-3.1-8b" } },
  ]
}
