# A collection an OpenAI client is pointed at: two members, one renamed.

data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

data "unitysvc_service" "groq" {
  group = "llm"
  name  = "llama-3.1-8b-groq"
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
