resource "unitysvc_collection" "c" {
  name = "{{.name}}"
}
resource "unitysvc_collection_member" "fast" {
  collection_id = unitysvc_collection.c.id
  service_id    = "{{.fast_service}}"
  routing_key   = { model = "fast" }
}
resource "unitysvc_collection_member" "big" {
  collection_id = unitysvc_collection.c.id
  service_id    = "{{.big_service}}"
  sort_order    = 1
}
locals {
  members = [unitysvc_collection_member.fast, unitysvc_collection_member.big]
}

data "unitysvc_resolve" "fast" {
  path        = unitysvc_collection.c.gateway_path
  routing_key = { model = "fast" }
  depends_on  = [local.members]
}
# The same inputs, written with a leading slash: normalised, same id.
data "unitysvc_resolve" "fast_again" {
  path        = "/${unitysvc_collection.c.gateway_path}"
  routing_key = { model = "fast" }
  depends_on  = [local.members]
}
data "unitysvc_resolve" "any" {
  path       = unitysvc_collection.c.gateway_path
  depends_on = [local.members]
}
data "unitysvc_resolve" "cheapest" {
  path       = unitysvc_collection.c.gateway_path
  strategy   = "by_price"
  depends_on = [local.members]
}
data "unitysvc_resolve" "unknown_model" {
  path        = unitysvc_collection.c.gateway_path
  routing_key = { model = "nope" }
  depends_on  = [local.members]
}
data "unitysvc_resolve" "llama" {
  path        = "g/llm"
  routing_key = { model = "llama-3.1-8b" }
  strategy    = "by_price"
}
data "unitysvc_resolve" "router" {
  path = "g/chat-router"
}
