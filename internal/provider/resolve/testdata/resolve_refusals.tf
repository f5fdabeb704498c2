# Paths the gateway refuses outright, next to paths whose target exists
# but where no service matches, and an empty model.
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

data "unitysvc_resolve" "unknown_prefix" {
  path = "x/foo/v1/chat/completions"
}
data "unitysvc_resolve" "missing_group" {
  path = "g/{{.name}}-missing"
}
data "unitysvc_resolve" "missing_alias" {
  path = "a/{{.name}}-missing"
}
data "unitysvc_resolve" "missing_enrollment" {
  path = "e/ZZZZ"
}
data "unitysvc_resolve" "unknown_model" {
  path        = unitysvc_collection.c.gateway_path
  routing_key = { model = "nope" }
  depends_on  = [local.members]
}
data "unitysvc_resolve" "empty_model" {
  path        = unitysvc_collection.c.gateway_path
  routing_key = { model = "" }
  depends_on  = [local.members]
}
